//! Pickups: sending copies of entries to anyone by email, through a relay
//! (docs/spec/pickup.md), and receiving them. Its table (`sent_pickups`, the sent log) is
//! schema 2.
//!
//! ```text
//! send:    entries ─snapshot_of─► Payload ─seal─► record PENDING in the sent log
//!          ─► RelayClient::deposit ─► mark it sent (a lock or crash in between leaves a
//!          pending row that refresh and revoke still follow with its owner token)
//! follow:  sent log ─► RelayClient::owner_status / revoke ─► remember the answer
//! receive: link + PIN ─► PickupInbox::open ─protocol::open─► Payload ─fields_of─► save
//! ```
//!
//! The use cases ([`send`], [`send_separately`], [`refresh_status`], [`refresh_all`],
//! [`revoke`], [`link_relay`], [`open`], [`save`]) are the only place these steps are
//! ordered; the desktop app, its background watcher and the CLI all call them.

mod client;
mod following;
mod qr;
mod receiving;
mod sending;
mod sent_log;
mod snapshot;

pub use client::{PickupInbox, RelayClient};
pub use following::{Followed, RelayClients, forget, refresh_all, refresh_status, revoke};
pub use qr::{QrError, qr_svg, qr_terminal};
pub use receiving::{LinkRelay, link_relay, open, save};
pub use sending::{LinkMessage, SendOptions, link_message, send, send_separately};
pub(crate) use sent_log::MIGRATION;
pub use sent_log::{LinkDelivery, Pickups, PickupsMut, SentPickup, SentState};
pub use snapshot::{fields_of, snapshot_of, unsaved_entries};

use crate::access::Locked;
use crate::entries::{Entries, EntriesError};
use crate::relay_http::RelayHttpError;
use keypost_protocol::api::ErrorCode;
use keypost_protocol::pickup::{LinkError, OpenError, PayloadError, SealError};
use thiserror::Error;

/// What the pickup use cases need of an unlocked vault: the entries to send and the sent log.
/// `keypost_core::vault::Vault` implements it; the trait keeps this feature below the vault.
pub trait PickupsVault {
    fn entries(&self) -> Entries<'_>;
    fn pickups(&self) -> Pickups<'_>;
    fn pickups_mut(&mut self) -> PickupsMut<'_>;
}

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PickupError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("wrong PIN: {attempts_left} tries left before the copy is destroyed")]
    WrongPin { attempts_left: u32 },
    #[error("this pickup is gone: it expired, was used up, deleted, or destroyed by wrong PINs")]
    Gone,
    /// A sent pickup that ended: its link and PIN are no longer kept, so it cannot be shown.
    #[error("this pickup has ended: its link and PIN are no longer kept")]
    Ended,
    /// A send whose outcome was unknown (the vault locked or the app stopped while the relay
    /// was asked) turned out never to have reached the relay.
    #[error("this pickup was not sent: the relay never received it")]
    NotSent,
    #[error("the relay refused: {message} ({code})")]
    Refused { code: ErrorCode, message: String },
    /// `connected`: the request may have reached the relay (a timeout, a dropped answer),
    /// so whatever it asked for may have happened.
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
    Link(#[from] LinkError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Payload(#[from] PayloadError),
    #[error("the copy cannot be opened: {0}")]
    Open(#[from] OpenError),
    #[error("no sent pickup {0:?}")]
    NotListed(String),
    #[error(transparent)]
    Locked(#[from] Locked),
    #[error(transparent)]
    Entries(#[from] EntriesError),
    #[error("the sent log is damaged: {0}")]
    CorruptRecord(String),
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
}

impl PickupError {
    /// A stable code for the UI and scripts to switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidInput(_) | Self::Payload(_) | Self::Seal(_) => "invalid_input",
            Self::WrongPin { .. } => "wrong_pin",
            Self::Gone | Self::Ended => "gone",
            Self::NotSent => "not_sent",
            Self::Refused { .. } => "relay_refused",
            Self::Unreachable { .. } | Self::BadAnswer(_) => "relay_unreachable",
            Self::Relay(error) => error.code(),
            Self::Link(_) => "invalid_link",
            Self::Open(_) => "cannot_open",
            Self::NotListed(_) | Self::Entries(EntriesError::NotFound(_)) => "not_found",
            Self::Entries(EntriesError::InvalidTag(_)) => "invalid_input",
            Self::Locked(_) => "locked",
            Self::Entries(_) | Self::CorruptRecord(_) | Self::Database(_) => "corrupt",
        }
    }
}

pub type Result<T, E = PickupError> = std::result::Result<T, E>;
