//! Sending copies of entries to anyone by email, through a relay (docs/spec/pickup.md).
//!
//! ```text
//! Entry ──snapshot_of──► EntrySnapshot ──protocol::seal──► RelayClient::send ──► relay
//! relay ──► PickupInbox::open ──protocol::open──► Payload ──fields_of──► vault.import / export
//! ```

mod client;
mod qr;
mod snapshot;

pub use client::{
    MAX_EXPIRY_SECONDS, MAX_VIEWS, MIN_EXPIRY_SECONDS, PickupInbox, RelayClient, SendOptions,
    SentPickup, SharingError,
};
pub use qr::{QrError, qr_svg, qr_terminal};
pub use snapshot::{fields_of, snapshot_of, unsaved_entries};
