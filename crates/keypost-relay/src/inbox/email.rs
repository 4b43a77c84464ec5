//! The optional email of an account: an emailed 8-digit code proves the address. Codes are
//! stored as a salted SHA-256, live 15 minutes, survive 5 tries (counted by ONE conditional
//! UPDATE, so exact across processes) and are deleted at the last; an account may ask for 5
//! codes a day (one conditional UPDATE of a counter on its row).

use keypost_protocol::inbox::AccountId;
use keypost_protocol::inbox::limits::{
    EMAIL_CODE_ATTEMPTS, EMAIL_CODE_SECONDS, EMAIL_CODES_PER_DAY,
};
use sqlx::{AnyConnection, Row};
use subtle::ConstantTimeEq;

use super::{InboxError, sha256, to_u32};
use crate::store::{Durability, OpFuture, Store};

const DAY_SECONDS: i64 = 86_400;
const CODE_LABEL: &[u8] = b"keypost-relay/email-code\0";

/// What is stored of a code: SHA-256 over a label, the account and the code.
pub fn code_hash(account: &AccountId, code: &str) -> [u8; 32] {
    sha256(&[CODE_LABEL, account.as_bytes(), code.as_bytes()].concat())
}

/// Counts one more code for the day and stores it (replacing an earlier pending code) for
/// `email`, which must be normalized (lower case). Refused beyond 5 codes in 24 hours.
pub async fn store_code(
    store: &Store,
    account: AccountId,
    email: String,
    code_hash: [u8; 32],
    now: i64,
) -> Result<(), InboxError> {
    store
        .write(Durability::Durable, move |conn| {
            let email = email.clone();
            Box::pin(async move {
                // Both CASEs read the old row: a window older than a day starts again at 1.
                let counted = sqlx::query(
                    "UPDATE accounts SET \
                     codes_sent = CASE WHEN codes_window_start <= $2 THEN 1 ELSE codes_sent + 1 END, \
                     codes_window_start = CASE WHEN codes_window_start <= $2 THEN $3 \
                     ELSE codes_window_start END \
                     WHERE id = $1 AND (codes_window_start <= $2 OR codes_sent < $4) RETURNING id",
                )
                .bind(account.to_vec())
                .bind(now - DAY_SECONDS)
                .bind(now)
                .bind(i64::from(EMAIL_CODES_PER_DAY))
                .fetch_optional(&mut *conn)
                .await?;
                if counted.is_none() {
                    return Ok(Err(InboxError::RateLimited));
                }
                sqlx::query(
                    "INSERT INTO email_codes (account_id, email, code_hash, attempts_left, expires_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id) DO UPDATE SET \
                     email = excluded.email, code_hash = excluded.code_hash, \
                     attempts_left = excluded.attempts_left, expires_at = excluded.expires_at",
                )
                .bind(account.to_vec())
                .bind(email)
                .bind(code_hash.to_vec())
                .bind(i64::from(EMAIL_CODE_ATTEMPTS))
                .bind(now.saturating_add(EMAIL_CODE_SECONDS.cast_signed()))
                .execute(conn)
                .await?;
                Ok(Ok(()))
            }) as OpFuture<'_, Result<(), InboxError>>
        })
        .await?
}

async fn delete_code(conn: &mut AnyConnection, account: &AccountId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM email_codes WHERE account_id = $1")
        .bind(account.to_vec())
        .execute(conn)
        .await?;
    Ok(())
}

/// One try of a code: ONE conditional `UPDATE … attempts_left - 1 … RETURNING` counts it
/// (right or wrong), then the hashes are compared in constant time. Right: the address becomes
/// the account's verified email and the code is deleted. Wrong at the last try: deleted.
/// Answers the verified address.
pub async fn verify_code(
    store: &Store,
    account: AccountId,
    presented_hash: [u8; 32],
    now: i64,
) -> Result<String, InboxError> {
    store
        .write(Durability::Durable, move |conn| {
            Box::pin(async move {
                let row = sqlx::query(
                    "UPDATE email_codes SET attempts_left = attempts_left - 1 \
                     WHERE account_id = $1 AND expires_at > $2 AND attempts_left > 0 \
                     RETURNING attempts_left, code_hash, email",
                )
                .bind(account.to_vec())
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?;
                let Some(row) = row else {
                    return Ok(Err(InboxError::NotFound("email code")));
                };
                let attempts_left = to_u32(row.try_get("attempts_left")?);
                let stored: Vec<u8> = row.try_get("code_hash")?;
                if bool::from(stored.as_slice().ct_eq(&presented_hash)) {
                    let email: String = row.try_get("email")?;
                    delete_code(&mut *conn, &account).await?;
                    sqlx::query("UPDATE accounts SET email = $1 WHERE id = $2")
                        .bind(email.clone())
                        .bind(account.to_vec())
                        .execute(conn)
                        .await?;
                    return Ok(Ok(email));
                }
                if attempts_left == 0 {
                    delete_code(conn, &account).await?;
                }
                Ok(Err(InboxError::WrongCode { attempts_left }))
            }) as OpFuture<'_, Result<String, InboxError>>
        })
        .await?
}

/// Whether the account has a verified email.
pub async fn has_verified_email(store: &Store, account: &AccountId) -> Result<bool, InboxError> {
    let row = sqlx::query("SELECT id FROM accounts WHERE id = $1 AND email IS NOT NULL")
        .bind(account.to_vec())
        .fetch_optional(store.pool())
        .await?;
    Ok(row.is_some())
}
