//! Relay accounts: registration with a signed key bundle, login challenges, bundle lookup.

use keypost_protocol::inbox::limits::CHALLENGE_SECONDS;
use keypost_protocol::inbox::{AccountId, KeyBundle};
use sqlx::Row;

use super::{InboxError, change_rows, corrupt};
use crate::store::{Durability, OpFuture, Store};

/// How a registration went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    Created,
    /// The same id with the same bundle was registered before.
    AlreadyThere,
}

/// Stores a new account; the same bundle again is fine, another bundle is a conflict. The
/// caller has verified the registration signature.
pub async fn register(
    store: &Store,
    account: AccountId,
    bundle: &KeyBundle,
    now: i64,
) -> Result<Registered, InboxError> {
    let bytes = bundle.as_bytes().to_vec();
    store
        .write(Durability::Durable, move |conn| {
            let bytes = bytes.clone();
            Box::pin(async move {
                let created = sqlx::query(
                    "INSERT INTO accounts (id, bundle, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(account.to_vec())
                .bind(bytes.clone())
                .bind(now)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if created > 0 {
                    return Ok(Ok(Registered::Created));
                }
                let stored: Vec<u8> =
                    sqlx::query_scalar("SELECT bundle FROM accounts WHERE id = $1")
                        .bind(account.to_vec())
                        .fetch_one(conn)
                        .await?;
                if stored == bytes {
                    Ok(Ok(Registered::AlreadyThere))
                } else {
                    Ok(Err(InboxError::Conflict("an account with this id")))
                }
            }) as OpFuture<'_, Result<Registered, InboxError>>
        })
        .await?
}

/// Stores the hash of a fresh single-use login challenge for an existing account.
pub async fn issue_challenge(
    store: &Store,
    account: AccountId,
    challenge_hash: [u8; 32],
    now: i64,
) -> Result<i64, InboxError> {
    let expires_at = now.saturating_add(CHALLENGE_SECONDS.cast_signed());
    change_rows(
        store,
        Durability::Ephemeral,
        InboxError::NotFound("account"),
        move |conn| {
            Box::pin(async move {
                Ok(sqlx::query(
                    "INSERT INTO login_challenges (challenge_hash, account_id, expires_at) \
                     SELECT $1, id, $2 FROM accounts WHERE id = $3",
                )
                .bind(challenge_hash.to_vec())
                .bind(expires_at)
                .bind(account.to_vec())
                .execute(conn)
                .await?
                .rows_affected())
            }) as OpFuture<'_, u64>
        },
    )
    .await?;
    Ok(expires_at)
}

/// The bundle an account registered.
pub async fn bundle(store: &Store, account: &AccountId) -> Result<KeyBundle, InboxError> {
    let row = sqlx::query("SELECT bundle FROM accounts WHERE id = $1")
        .bind(account.to_vec())
        .fetch_optional(store.pool())
        .await?
        .ok_or(InboxError::NotFound("account"))?;
    stored_bundle(&row.try_get::<Vec<u8>, _>("bundle")?)
}

/// A bundle as stored; it was verified when registered, so a failure here is corruption.
pub(crate) fn stored_bundle(bytes: &[u8]) -> Result<KeyBundle, InboxError> {
    KeyBundle::from_bytes(bytes).map_err(|_| corrupt("key bundle"))
}
