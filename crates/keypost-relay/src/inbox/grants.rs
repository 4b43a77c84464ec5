//! Deposit grants: a mailbox owner lets the holder of one token deposit. Revoking deletes the
//! grant, so the next deposit with it is refused at once, on every relay process.

use keypost_protocol::inbox::{AccountId, GrantId};

use super::{InboxError, change_rows};
use crate::store::{Durability, OpFuture, Store};

pub async fn create(
    store: &Store,
    id: GrantId,
    mailbox: AccountId,
    token_hash: [u8; 32],
    now: i64,
) -> Result<(), InboxError> {
    change_rows(
        store,
        Durability::Durable,
        InboxError::Conflict("a grant with this id or token"),
        move |conn| {
            Box::pin(async move {
                Ok(sqlx::query(
                    "INSERT INTO grants (id, mailbox, token_hash, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(id.to_vec())
                .bind(mailbox.to_vec())
                .bind(token_hash.to_vec())
                .bind(now)
                .execute(conn)
                .await?
                .rows_affected())
            }) as OpFuture<'_, u64>
        },
    )
    .await
}

/// Deletes one of the owner's grants.
pub async fn revoke(store: &Store, id: GrantId, mailbox: AccountId) -> Result<(), InboxError> {
    change_rows(
        store,
        Durability::Durable,
        InboxError::NotFound("grant"),
        move |conn| {
            Box::pin(async move {
                Ok(
                    sqlx::query("DELETE FROM grants WHERE id = $1 AND mailbox = $2")
                        .bind(id.to_vec())
                        .bind(mailbox.to_vec())
                        .execute(conn)
                        .await?
                        .rows_affected(),
                )
            }) as OpFuture<'_, u64>
        },
    )
    .await
}
