//! Deposit grants: a mailbox owner lets the holder of one token deposit. Revoking deletes the
//! grant, so the next deposit with it is refused at once, on every relay process.

use keypost_protocol::inbox::{AccountId, GrantId};

use super::InboxError;
use crate::store::{Durability, OpFuture, Store};

pub async fn create(
    store: &Store,
    id: GrantId,
    mailbox: AccountId,
    token_hash: [u8; 32],
    now: i64,
) -> Result<(), InboxError> {
    let created = store
        .write(Durability::Durable, move |conn| {
            Box::pin(async move {
                let inserted = sqlx::query(
                    "INSERT INTO grants (id, mailbox, token_hash, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(id.to_vec())
                .bind(mailbox.to_vec())
                .bind(token_hash.to_vec())
                .bind(now)
                .execute(conn)
                .await?
                .rows_affected();
                Ok(inserted > 0)
            }) as OpFuture<'_, bool>
        })
        .await?;
    if created {
        Ok(())
    } else {
        Err(InboxError::Conflict("a grant with this id or token"))
    }
}

/// Deletes one of the owner's grants.
pub async fn revoke(store: &Store, id: GrantId, mailbox: AccountId) -> Result<(), InboxError> {
    let deleted = store
        .write(Durability::Durable, move |conn| {
            Box::pin(async move {
                let deleted = sqlx::query("DELETE FROM grants WHERE id = $1 AND mailbox = $2")
                    .bind(id.to_vec())
                    .bind(mailbox.to_vec())
                    .execute(conn)
                    .await?
                    .rows_affected();
                Ok(deleted > 0)
            }) as OpFuture<'_, bool>
        })
        .await?;
    if deleted {
        Ok(())
    } else {
        Err(InboxError::NotFound("grant"))
    }
}
