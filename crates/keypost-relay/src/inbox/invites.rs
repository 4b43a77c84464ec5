//! Invitations: the inviter posts a sealed offer with the hash of the accept token; whoever
//! holds the link fetches the offer and accepts with the token and a sealed answer — ONE
//! conditional UPDATE, so exactly one acceptance wins; the inviter lists the answers.
//!
//! Open invites are purged at expiry; accepted ones are kept as long again, for the inviter
//! to fetch the answer.

use keypost_protocol::api::invites::InviteState;
use keypost_protocol::inbox::{AccountId, InviteId};
use sqlx::Row;

use super::{InboxError, change_rows, stored_id};
use crate::store::{Durability, OpFuture, Store};

const OPEN: &str = "open";
const ACCEPTED: &str = "accepted";

#[derive(Clone)]
pub struct NewInvite {
    pub id: InviteId,
    pub inviter: AccountId,
    pub accept_token_hash: [u8; 32],
    pub sealed_offer: Vec<u8>,
    /// Normalized (lower case).
    pub target_email: Option<String>,
    pub expires_at: i64,
}

pub struct Offer {
    pub sealed_offer: Vec<u8>,
    pub expires_at: i64,
    pub target_email_required: bool,
}

pub struct Summary {
    pub id: InviteId,
    pub state: InviteState,
    pub expires_at: i64,
    pub sealed_answer: Option<Vec<u8>>,
    pub acceptor: Option<AccountId>,
}

pub async fn create(store: &Store, invite: NewInvite, now: i64) -> Result<(), InboxError> {
    change_rows(
        store,
        Durability::Durable,
        InboxError::Conflict("an invite with this id"),
        move |conn| {
            let invite = invite.clone();
            Box::pin(async move {
                Ok(sqlx::query(
                    "INSERT INTO invites (id, inviter, accept_token_hash, sealed_offer, \
                     target_email, created_at, expires_at, state) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
                )
                .bind(invite.id.to_vec())
                .bind(invite.inviter.to_vec())
                .bind(invite.accept_token_hash.to_vec())
                .bind(invite.sealed_offer)
                .bind(invite.target_email)
                .bind(now)
                .bind(invite.expires_at)
                .bind(OPEN)
                .execute(conn)
                .await?
                .rows_affected())
            }) as OpFuture<'_, u64>
        },
    )
    .await
}

/// The offer of an open, unexpired invite.
pub async fn offer(store: &Store, id: &InviteId, now: i64) -> Result<Offer, InboxError> {
    let row = sqlx::query(
        "SELECT sealed_offer, expires_at, target_email FROM invites \
         WHERE id = $1 AND state = $2 AND expires_at > $3",
    )
    .bind(id.to_vec())
    .bind(OPEN)
    .bind(now)
    .fetch_optional(store.pool())
    .await?
    .ok_or(InboxError::NotFound("invite"))?;
    Ok(Offer {
        sealed_offer: row.try_get("sealed_offer")?,
        expires_at: row.try_get("expires_at")?,
        target_email_required: row.try_get::<Option<String>, _>("target_email")?.is_some(),
    })
}

/// Accepts an invite: ONE conditional UPDATE (open, unexpired, token hash, and the target
/// email equal to the acceptor's verified email). A lost race, a used, expired or unknown
/// invite and a wrong token are all `NotFound`; only a right token with the wrong email is
/// told apart (`EmailMismatch`).
pub async fn accept(
    store: &Store,
    id: InviteId,
    acceptor: AccountId,
    accept_token_hash: [u8; 32],
    sealed_answer: Vec<u8>,
    now: i64,
) -> Result<(), InboxError> {
    store
        .write(Durability::Durable, move |conn| {
            let sealed_answer = sealed_answer.clone();
            Box::pin(async move {
                let accepted = sqlx::query(
                    "UPDATE invites SET state = $1, sealed_answer = $2, acceptor = $3, \
                     accepted_at = $4 \
                     WHERE id = $5 AND state = $6 AND expires_at > $4 AND accept_token_hash = $7 \
                     AND (target_email IS NULL OR \
                     target_email = (SELECT email FROM accounts WHERE id = $3)) \
                     RETURNING id",
                )
                .bind(ACCEPTED)
                .bind(sealed_answer)
                .bind(acceptor.to_vec())
                .bind(now)
                .bind(id.to_vec())
                .bind(OPEN)
                .bind(accept_token_hash.to_vec())
                .fetch_optional(&mut *conn)
                .await?;
                if accepted.is_some() {
                    return Ok(Ok(()));
                }
                let for_someone_else = sqlx::query(
                    "SELECT id FROM invites WHERE id = $1 AND state = $2 AND expires_at > $3 \
                     AND accept_token_hash = $4",
                )
                .bind(id.to_vec())
                .bind(OPEN)
                .bind(now)
                .bind(accept_token_hash.to_vec())
                .fetch_optional(conn)
                .await?;
                Ok(Err(if for_someone_else.is_some() {
                    InboxError::EmailMismatch
                } else {
                    InboxError::NotFound("invite")
                }))
            }) as OpFuture<'_, Result<(), InboxError>>
        })
        .await?
}

/// The inviter's unexpired open invites and accepted invites, oldest first.
pub async fn list(
    store: &Store,
    inviter: &AccountId,
    now: i64,
) -> Result<Vec<Summary>, InboxError> {
    let rows = sqlx::query(
        "SELECT id, state, expires_at, sealed_answer, acceptor FROM invites \
         WHERE inviter = $1 AND (state = $2 OR expires_at > $3) ORDER BY created_at, id",
    )
    .bind(inviter.to_vec())
    .bind(ACCEPTED)
    .bind(now)
    .fetch_all(store.pool())
    .await?;
    let mut invites = Vec::with_capacity(rows.len());
    for row in &rows {
        let state: String = row.try_get("state")?;
        let acceptor = row
            .try_get::<Option<Vec<u8>>, _>("acceptor")?
            .map(|bytes| stored_id(&bytes).map(AccountId::from_bytes))
            .transpose()?;
        invites.push(Summary {
            id: InviteId::from_bytes(stored_id(&row.try_get::<Vec<u8>, _>("id")?)?),
            state: if state == ACCEPTED {
                InviteState::Accepted
            } else {
                InviteState::Open
            },
            expires_at: row.try_get("expires_at")?,
            sealed_answer: row.try_get("sealed_answer")?,
            acceptor,
        });
    }
    Ok(invites)
}

/// Deletes one of the inviter's invites in any state.
pub async fn revoke(store: &Store, id: InviteId, inviter: AccountId) -> Result<(), InboxError> {
    change_rows(
        store,
        Durability::Durable,
        InboxError::NotFound("invite"),
        move |conn| {
            Box::pin(async move {
                Ok(
                    sqlx::query("DELETE FROM invites WHERE id = $1 AND inviter = $2")
                        .bind(id.to_vec())
                        .bind(inviter.to_vec())
                        .execute(conn)
                        .await?
                        .rows_affected(),
                )
            }) as OpFuture<'_, u64>
        },
    )
    .await
}
