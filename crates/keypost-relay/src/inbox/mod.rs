//! Contacts and the Messages inbox on the relay (docs/spec/inbox.md, "Relay API"): accounts
//! with signed logins and sessions, the optional verified email, invites, deposit grants,
//! mailboxes with long-poll fetch and acknowledgement, delivery status, purge.
//!
//! The relay never parses what it carries: offers, answers and sealed messages are opaque
//! bytes with size limits. It stores secrets as SHA-256 only (login challenges, sessions,
//! email codes, accept and grant tokens). Every counter and state change is ONE conditional
//! statement, so the rules hold with several relay processes on one PostgreSQL.
//!
//! Submodules in dependency order: `notify` (long-poll wake-ups), then the storage of each
//! feature (`accounts`, `sessions`, `email`, `invites`, `grants`, `mailbox`, `purge`), each on
//! top of [`crate::store::Store`] only; `routes` (the HTTP handlers) comes after
//! [`crate::state`], which holds [`InboxShared`].

pub mod accounts;
pub mod email;
pub mod grants;
pub mod invites;
pub mod mailbox;
pub mod notify;
pub mod purge;
pub mod routes;
pub mod sessions;

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::mail::MailError;
use crate::store::{Durability, OpFuture, Store, StoreError};

/// Why an inbox operation was refused; the API maps each to one status and code.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("{0} already exists")]
    Conflict(&'static str),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the login challenge is unknown, used or expired")]
    InvalidChallenge,
    #[error("wrong code")]
    WrongCode { attempts_left: u32 },
    #[error("the invite is for another email address")]
    EmailMismatch,
    #[error("inviting needs a verified email")]
    EmailNotVerified,
    #[error("the grant is unknown or revoked")]
    GrantRefused,
    #[error("the mailbox is full")]
    MailboxFull,
    #[error("too many requests")]
    RateLimited,
    #[error("the verification email failed ({})", .0.kind())]
    Mail(MailError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for InboxError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(error))
    }
}

/// Runs `op`, one write that answers how many rows it changed; when none, the answer is
/// `refused`.
pub(crate) async fn change_rows<F>(
    store: &Store,
    durability: Durability,
    refused: InboxError,
    op: F,
) -> Result<(), InboxError>
where
    F: for<'c> Fn(&'c mut AnyConnection) -> OpFuture<'c, u64> + Send + 'static,
{
    if store.write(durability, op).await? > 0 {
        Ok(())
    } else {
        Err(refused)
    }
}

/// SHA-256 of a secret: what the relay stores of tokens, challenges and sessions.
pub fn sha256(secret: &[u8]) -> [u8; 32] {
    Sha256::digest(secret).into()
}

/// A stored value that cannot be what was written (a damaged or tampered database).
pub(crate) fn corrupt(what: &str) -> InboxError {
    InboxError::Store(StoreError::Database(sqlx::Error::Protocol(format!(
        "the database holds a malformed {what}"
    ))))
}

/// A stored 16-byte id.
pub(crate) fn stored_id(bytes: &[u8]) -> Result<[u8; 16], InboxError> {
    <[u8; 16]>::try_from(bytes).map_err(|_| corrupt("id"))
}

/// `u32` of a stored count (never negative; saturates).
pub(crate) fn to_u32(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// `$first, $first+1, …` for `count` values of an `IN (…)` list.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The inbox's per-process state: long-poll waiters. (Every limit is counted in the database,
/// so it holds across processes.)
#[derive(Default)]
pub struct InboxShared {
    notifier: notify::Notifier,
}

impl InboxShared {
    pub fn notifier(&self) -> &notify::Notifier {
        &self.notifier
    }

    /// Forgets idle waiters, bounding memory.
    pub fn forget_idle(&self) {
        self.notifier.forget_idle();
    }
}
