//! Login: a signed single-use challenge becomes a session; a session token authenticates
//! every account route. The relay stores only SHA-256 of challenges and session tokens.

use keypost_protocol::inbox::limits::SESSION_SECONDS;
use keypost_protocol::inbox::signing::login_content;
use keypost_protocol::inbox::{AccountId, Signature, SignatureKind};
use sqlx::Row;

use super::accounts::stored_bundle;
use super::{InboxError, sha256, stored_id};
use crate::store::{Durability, OpFuture, Store};

/// A login attempt as the client sent it.
#[derive(Clone)]
pub struct Login {
    pub account: AccountId,
    pub challenge: [u8; 32],
    pub signature: Signature,
    /// SHA-256 of the new session token, stored when the signature verifies.
    pub session_hash: [u8; 32],
}

/// Consumes the challenge (ONE conditional `DELETE … RETURNING`, whether or not the signature
/// is good), verifies the login signature over the relay's URL, and stores the session.
/// Answers the session's expiry.
pub async fn login(
    store: &Store,
    relay_url: &str,
    attempt: Login,
    now: i64,
) -> Result<i64, InboxError> {
    let expires_at = now.saturating_add(SESSION_SECONDS.cast_signed());
    let content = login_content(relay_url, &attempt.account, &attempt.challenge);
    store
        .write(Durability::Durable, move |conn| {
            let attempt = attempt.clone();
            let content = content.clone();
            Box::pin(async move {
                let consumed = sqlx::query(
                    "DELETE FROM login_challenges \
                     WHERE challenge_hash = $1 AND account_id = $2 AND expires_at > $3 \
                     RETURNING (SELECT bundle FROM accounts WHERE id = $2) AS bundle",
                )
                .bind(sha256(&attempt.challenge).to_vec())
                .bind(attempt.account.to_vec())
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?;
                let Some(row) = consumed else {
                    return Ok(Err(InboxError::InvalidChallenge));
                };
                let Some(bytes) = row.try_get::<Option<Vec<u8>>, _>("bundle")? else {
                    return Ok(Err(InboxError::NotFound("account")));
                };
                let bundle = match stored_bundle(&bytes) {
                    Ok(bundle) => bundle,
                    Err(error) => return Ok(Err(error)),
                };
                if bundle
                    .verify(SignatureKind::Login, &content, &attempt.signature)
                    .is_err()
                {
                    return Ok(Err(InboxError::BadSignature));
                }
                sqlx::query(
                    "INSERT INTO sessions (token_hash, account_id, expires_at) VALUES ($1, $2, $3)",
                )
                .bind(attempt.session_hash.to_vec())
                .bind(attempt.account.to_vec())
                .bind(expires_at)
                .execute(conn)
                .await?;
                Ok(Ok(expires_at))
            }) as OpFuture<'_, Result<i64, InboxError>>
        })
        .await?
}

/// The account a live session token belongs to, if any.
pub async fn authenticate(
    store: &Store,
    token: &[u8; 32],
    now: i64,
) -> Result<Option<AccountId>, InboxError> {
    let row =
        sqlx::query("SELECT account_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(sha256(token).to_vec())
            .bind(now)
            .fetch_optional(store.pool())
            .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let bytes: Vec<u8> = row.try_get("account_id")?;
    Ok(Some(AccountId::from_bytes(stored_id(&bytes)?)))
}
