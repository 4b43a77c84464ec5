//! What contacts and messages share: the client of the relay's inbox API ([`InboxClient`]) and
//! the one error type of their use cases ([`InboxError`]), whose [`InboxError::code`] the app
//! and the CLI map to messages and exit codes.
//!
//! ```text
//! contacts (account, invites, people) ──┐
//!                                       ├─► inbox::InboxClient ─► relay /api/v1 (accounts,
//! messages (send, fetch, sent status) ──┘                          invites, grants, mailbox)
//! ```

mod client;

pub(crate) use client::Authed;
pub use client::InboxClient;

use crate::access::Locked;
use crate::entries::EntriesError;
use crate::identity::IdentityError;
use crate::relay_http::RelayHttpError;
use crate::store::TimeOutOfRange;
use keypost_protocol::api::ErrorCode;
use keypost_protocol::inbox::InviteError;
use keypost_protocol::inbox::invite::InviteSealError;
use keypost_protocol::inbox::link::LinkError;
use keypost_protocol::inbox::payload::PayloadError;
use keypost_protocol::inbox::sealed::SealError;
use thiserror::Error;

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum InboxError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("this vault is not registered at a relay yet")]
    NotRegistered,
    /// The contact's key is not the pinned one any more: sending stays blocked until the new
    /// words are compared and confirmed.
    #[error("{name}'s key changed: sending is blocked until you compare and confirm the new words")]
    KeyChanged { name: String },
    /// The fingerprint the person confirmed is not the one pinned for the contact.
    #[error("the words you confirmed are not {name}'s pinned words: nothing was sent")]
    NotVerified { name: String },
    #[error("{name} is not a connected contact ({state})")]
    NotConnected { name: String, state: &'static str },
    #[error("the relay refused: {message} ({code})")]
    Refused { code: ErrorCode, message: String },
    #[error("wrong code: {attempts_left} tries left")]
    WrongCode { attempts_left: u32 },
    /// `connected`: the request may have reached the relay.
    #[error("cannot reach the relay at {url}: {reason}")]
    Unreachable {
        url: String,
        connected: bool,
        reason: String,
    },
    #[error("the relay answered something unexpected: {0}")]
    BadAnswer(String),
    #[error(transparent)]
    Relay(#[from] RelayHttpError),
    #[error(transparent)]
    Invite(#[from] InviteError),
    #[error("not an invite link: {0}")]
    Link(#[from] LinkError),
    #[error(transparent)]
    InviteSeal(#[from] InviteSealError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// A held message (from a changed key) can be shown, never saved.
    #[error("this message came from a changed key: it can be shown but not saved")]
    Held,
    #[error("not found: {0}")]
    NotFound(String),
    #[error(transparent)]
    Locked(#[from] Locked),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Entries(#[from] EntriesError),
    #[error("cannot export: {0}")]
    Export(String),
    #[error("stored inbox data is damaged: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
}

impl InboxError {
    /// A stable code for the UI and scripts to switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidInput(_) | Self::Payload(_) | Self::Seal(_) | Self::InviteSeal(_) => {
                "invalid_input"
            }
            Self::Identity(IdentityError::InvalidName) => "invalid_input",
            Self::NotRegistered | Self::Identity(IdentityError::Missing) => "not_registered",
            Self::KeyChanged { .. } => "key_changed",
            Self::NotVerified { .. } => "not_verified",
            Self::NotConnected { .. } => "not_connected",
            Self::Refused { .. } => "relay_refused",
            Self::WrongCode { .. } => "wrong_code",
            Self::Unreachable { .. } | Self::BadAnswer(_) => "relay_unreachable",
            Self::Relay(error) => error.code(),
            Self::Invite(error) => error.code(),
            Self::Link(_) => "invalid_link",
            Self::Held => "held",
            Self::NotFound(_) | Self::Entries(EntriesError::NotFound(_)) => "not_found",
            Self::Locked(_) => "locked",
            Self::Export(_) => "export_failed",
            Self::Entries(_) | Self::Identity(_) | Self::Corrupt(_) | Self::Database(_) => {
                "corrupt"
            }
        }
    }
}

impl From<TimeOutOfRange> for InboxError {
    fn from(error: TimeOutOfRange) -> Self {
        Self::Corrupt(error.to_string())
    }
}

pub type Result<T, E = InboxError> = std::result::Result<T, E>;

/// A fixed-length value read back from the vault (`what` names it when it is damaged).
pub(crate) fn stored<const N: usize>(bytes: &[u8], what: &str) -> Result<[u8; N]> {
    bytes
        .try_into()
        .map_err(|_| InboxError::Corrupt(format!("{what} is not {N} bytes")))
}
