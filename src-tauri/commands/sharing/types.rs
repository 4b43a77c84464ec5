//! What sending to any email and receiving a pickup send and receive. The relay's answers
//! travel as protocol types (`OwnerStatus`, `PickupStatus`); the sender's own record is shown
//! through [`SentRow`] (no PIN, link or owner token) and [`SentCopy`] (link, QR and PIN, to
//! show again on request).

use keypost_core::pickups::{LinkDelivery, SentPickup, SentState, fields_of};
use keypost_protocol::api::pickups::{OwnerStatus, PickupEventKind};
use keypost_protocol::pickup::Payload;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use ts_rs::TS;
use zeroize::Zeroize;

use crate::commands::entries::types::Selection;
use crate::commands::interchange::types::ImportRow;

/// The send dialog, as submitted. No `Debug`: it holds the PIN and the passphrase.
#[derive(Clone, Deserialize, TS)]
pub struct SendRequest {
    pub selection: Selection,
    /// Required when the relay emails the link; may be empty when the sender delivers it.
    pub recipient_email: String,
    pub delivery: LinkDelivery,
    /// Shown to the recipient, and remembered in Settings for the next send.
    pub sender_name: String,
    pub message: String,
    /// The PIN of the one pickup; unused with `one_per_entry`, where each gets a random PIN.
    pub pin: String,
    pub one_per_entry: bool,
    pub expires_in_hours: u32,
    pub max_views: Option<u32>,
    pub retrieval_step: bool,
    pub recipient_delete: bool,
    pub passphrase: Option<String>,
    pub include_notes: bool,
}

impl Drop for SendRequest {
    fn drop(&mut self) {
        self.pin.zeroize();
        self.passphrase.zeroize();
    }
}

/// A sent pickup as the sender is shown it: link, QR code of the link and PIN, and, for a link
/// the sender delivers, a ready message around the link (core's `pickups::link_message`).
#[derive(Clone, Serialize, TS)]
pub struct SentCopy {
    pub id: String,
    pub link: String,
    /// A complete SVG document.
    pub qr_svg: String,
    pub pin: String,
    pub recipient_email: Option<String>,
    pub expires_at: String,
    pub emailed: bool,
    pub delivery: LinkDelivery,
    pub entry_titles: Vec<String>,
    pub mail_subject: String,
    /// Holds the link, never the PIN.
    pub mail_body: String,
}

/// A pickup link that opened the app, for the Receive tab. No `Debug`: it holds the secret.
#[derive(Clone, Serialize, TS)]
pub struct OpenedLink {
    /// The web form of the link.
    pub link: String,
    /// The relay's host, for the question asked before an unknown relay is contacted.
    pub relay_host: String,
    /// The vault has used this relay before (core's `pickups::link_relay`); when false, the UI
    /// asks before the link is used.
    pub known_relay: bool,
}

/// What the send dialog says under the PIN field.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PinCheck {
    pub valid: bool,
    pub weak: bool,
    pub message: String,
}

/// One line of the Sent tab (no PIN, link or token).
#[derive(Debug, Clone, Serialize, TS)]
pub struct SentRow {
    pub id: String,
    /// `None` for a link the sender delivered without naming the recipient's address.
    pub recipient_email: Option<String>,
    pub entry_titles: Vec<String>,
    /// RFC 3339; null for a record without a send time.
    pub sent_at: Option<String>,
    pub expires_at: String,
    /// Pending until the relay is known to have it; not sent when it never received it.
    pub state: SentState,
    /// The relay's last answer kept in the vault, shown until a fresh one arrives.
    pub last_progress: Option<OwnerStatus>,
}

impl From<&SentPickup> for SentRow {
    fn from(sent: &SentPickup) -> Self {
        Self {
            id: sent.id.clone(),
            recipient_email: sent.recipient_email.clone(),
            entry_titles: sent.entry_titles.clone(),
            sent_at: sent.sent_at.and_then(|at| at.format(&Rfc3339).ok()),
            expires_at: sent.expires_at.clone(),
            state: sent.state,
            last_progress: sent.last_status.clone(),
        }
    }
}

/// Something new happened to a sent pickup (the `pickup-event` event): a kind, which the UI
/// puts into words.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PickupNews {
    pub id: String,
    pub recipient_email: Option<String>,
    pub kind: PickupEventKind,
    pub at: String,
}

/// An opened pickup, waiting to be saved (`accept_import`) or exported; no passwords.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReceivedSummary {
    pub token: u32,
    pub sender_name: String,
    pub message: String,
    pub total: u32,
    pub rows: Vec<ImportRow>,
}

impl ReceivedSummary {
    pub fn new(token: u32, payload: &Payload) -> Self {
        let rows = payload
            .entries
            .iter()
            .zip(1..)
            .map(|(snapshot, number)| ImportRow::new(number, &fields_of(snapshot)))
            .collect();
        Self {
            token,
            sender_name: payload.sender_name.clone(),
            message: payload.message.clone(),
            total: u32::try_from(payload.entries.len()).unwrap_or(u32::MAX),
            rows,
        }
    }
}
