//! JSON bodies of deposit grants, mailboxes and delivery status (docs/spec/inbox.md, "Relay
//! API"). Sealed messages are opaque to the relay.

use serde::{Deserialize, Serialize};

use crate::inbox::{AccountId, GrantId, MessageId};

/// `POST /api/v1/grants` — the mailbox owner lets the holder of one token deposit (201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateGrantRequest {
    pub grant_id: GrantId,
    /// SHA-256 of the grant token (32 bytes, base64url).
    pub token_hash: String,
}

/// `POST /api/v1/mailboxes/{account_id}/messages` — a contact deposits a sealed message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepositRequest {
    /// The grant token the mailbox owner gave this contact (32 bytes, base64url).
    pub grant_token: String,
    pub message_id: MessageId,
    /// At most [`crate::inbox::limits::MAX_SEALED_MESSAGE_LEN`] bytes, base64url.
    pub sealed: String,
}

/// Where a deposited message stands, as its sender sees it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// In the mailbox, not yet acknowledged by the recipient.
    Queued,
    /// The recipient fetched and acknowledged it; the relay deleted it.
    Delivered,
    /// Not acknowledged within the retention time; the relay deleted it.
    Expired,
}

/// Answer to a deposit (201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositResponse {
    pub message_id: MessageId,
    pub status: DeliveryStatus,
}

/// One sealed message in the owner's mailbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxMessage {
    pub message_id: MessageId,
    /// The account whose session deposited it: the relay's claim, which only decides whether
    /// a message from an unpinned key is held (a contact's account) or quarantined; the
    /// signature and the pinned key stay the authority.
    pub depositor: AccountId,
    pub sealed: String,
    pub deposited_at: String,
}

/// `GET /api/v1/mailbox?wait=N` — oldest first, at most
/// [`crate::inbox::limits::FETCH_BATCH`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxFetch {
    pub messages: Vec<MailboxMessage>,
}

/// `POST /api/v1/mailbox/ack` — the owner stored these messages; the relay deletes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckRequest {
    /// At most [`crate::inbox::limits::FETCH_BATCH`] ids.
    pub message_ids: Vec<MessageId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckResponse {
    /// How many of the named messages were in the mailbox and are now deleted.
    pub acknowledged: u32,
}

/// `GET /api/v1/deliveries/{message_id}` — for the sender of the message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryResponse {
    pub message_id: MessageId,
    pub status: DeliveryStatus,
}
