//! What sending to a contact sends, and what the mailbox watcher announces. Messages travel as
//! core's own types (`InboxMessage`, `ReceivedEntry`, `SentMessage`: passwords hidden unless
//! revealed).

use keypost_core::messages::{Arrival, MessageKind, MessageVerdict};
use keypost_protocol::inbox::{Fingerprint, MessageId};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::commands::entries::types::Selection;

/// The "Send to contact…" dialog, as confirmed.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ContactSendRequest {
    /// The contact's name.
    pub contact: String,
    pub selection: Selection,
    /// At most `INBOX_LIMITS.max_note_chars` characters.
    pub note: String,
    pub include_notes: bool,
    /// The fingerprint whose words the confirm step showed.
    pub fingerprint: Fingerprint,
}

/// A message arrived in the Inbox (the `inbox-event` event): who sent it and how many entries,
/// never its content. The UI words the notification.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InboxNews {
    pub message_id: MessageId,
    /// The contact's name in this vault.
    pub from: String,
    pub kind: MessageKind,
    pub entries: u32,
    /// From a changed key: shown only on request, never saved.
    pub held: bool,
}

impl From<&Arrival> for InboxNews {
    fn from(arrival: &Arrival) -> Self {
        Self {
            message_id: arrival.id,
            from: arrival.from.clone(),
            kind: arrival.kind,
            entries: u32::try_from(arrival.entries).unwrap_or(u32::MAX),
            held: arrival.verdict == MessageVerdict::Held,
        }
    }
}
