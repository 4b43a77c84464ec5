//! JSON bodies of the pickup routes, `/api/v1/pickups` and `/api/v1/owner/pickups`
//! (docs/spec/pickup.md, "Relay API"). The numbers they must stay within are
//! [`crate::pickup::limits`].

use serde::{Deserialize, Serialize};

use crate::pickup::PickupId;

/// `POST /api/v1/pickups` — the sender's app deposits a sealed copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatePickupRequest {
    /// Pickup id derived from the link secret (16 bytes, base64url on the wire). A malformed
    /// one fails the body's deserialisation, whose 400 answer names the field.
    pub id: PickupId,
    /// The sealed payload (base64url), opaque to the relay.
    pub ciphertext: String,
    /// HMAC of the PIN under the auth key (32 bytes, base64url); the relay never sees the PIN.
    pub pin_verifier: String,
    /// SHA-256 of the recipient delete key (32 bytes, base64url); absent when the sender
    /// does not let the recipient delete.
    pub delete_verifier: Option<String>,
    /// SHA-256 of the sender's owner token (32 bytes, base64url).
    pub owner_token_hash: String,
    /// SHA-256 of the access key derived from the link secret (32 bytes, base64url): status,
    /// challenge, open and delete answer only a request that carries the access key, so the public id
    /// alone can neither read the metadata nor spend a try.
    pub access_key_hash: String,
    /// The address the relay emails the link to; `None` when the sender delivers the link
    /// themselves. Set together with `link_fragment` or not at all.
    pub recipient_email: Option<String>,
    /// The sender's name as the recipient should see it (at most 100 characters).
    pub sender_name: String,
    /// A short message to the recipient (at most 500 characters; may be empty).
    pub message: String,
    /// Lifetime in seconds: 3,600 (1 hour) to 7,776,000 (90 days).
    pub expires_in_seconds: u64,
    /// Successful opens allowed before the copy is deleted: 1 to 100; `None` for no view limit.
    pub max_views: Option<u32>,
    /// Ask the recipient to click before the PIN form shows (defeats link scanners).
    pub retrieval_step: bool,
    /// The payload also needs a passphrase (the page shows a passphrase field).
    pub passphrase_required: bool,
    /// The link secret S (32 bytes, base64url) exactly as it goes after `#` in the link, or
    /// `None` when the sender delivers the link (the relay then never sees S).
    /// The relay needs it ONLY to put a working link into the notification email: it MUST NOT
    /// store or log it and drops it once the email is sent. The relay thus sees S transiently;
    /// the encryption key also mixes in the PIN (and the optional passphrase), so S alone
    /// does not open the copy (docs/spec/pickup.md, "What an attacker can do").
    pub link_fragment: Option<String>,
}

/// `GET /api/v1/capabilities` — what this relay can do, asked before sending so the app offers
/// the right delivery (docs/spec/pickup.md, "Relay API").
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayCapabilities {
    /// The relay can email pickup links and inbox codes (it has a mail server). Without it,
    /// a create request that asks for an email, and an account email, get `email_unavailable`.
    pub email: bool,
}

/// Answer to a created pickup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatePickupResponse {
    pub id: PickupId,
    /// The pickup page URL without the fragment; the app appends `#<secret>`.
    pub page_url: String,
    pub expires_at: String,
    /// True when the notification email was handed to SMTP or written to the outbox; false
    /// when it failed or the sender delivers the link.
    pub emailed: bool,
}

/// `GET /api/v1/pickups/{id}` with `Authorization: Bearer <access key>` — read-only; moves no
/// counter.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupStatus {
    pub id: PickupId,
    pub sender_name: String,
    pub message: String,
    pub expires_at: String,
    pub attempts_left: u32,
    pub views_left: Option<u32>,
    pub retrieval_step: bool,
    pub recipient_delete: bool,
    pub passphrase_required: bool,
}

/// `POST /api/v1/pickups/{id}/challenge` with `Authorization: Bearer <access key>` — a
/// single-use challenge for one open attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeResponse {
    /// 32 random bytes, base64url.
    pub challenge: String,
    pub expires_in_seconds: u64,
}

/// `POST /api/v1/pickups/{id}/open` with `Authorization: Bearer <access key>` — proof of the
/// PIN over a challenge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    pub challenge: String,
    /// `proof(verifier, id, challenge)` (32 bytes, base64url).
    pub proof: String,
}

/// A successful open: the sealed payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenResponse {
    pub ciphertext: String,
    /// Opens left after this one; `None` when there is no view limit.
    pub views_left: Option<u32>,
}

/// `POST /api/v1/pickups/{id}/delete` with `Authorization: Bearer <access key>` — the
/// recipient destroys the copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteRequest {
    /// The delete key derived from the link secret (32 bytes, base64url).
    pub delete_key: String,
}

/// What happened to a pickup, for the sender's "Sent" list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickupEventKind {
    Created,
    Emailed,
    EmailFailed,
    Opened,
    WrongPin,
    Destroyed,
    Expired,
    Deleted,
    Revoked,
    UsedUp,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupEvent {
    pub kind: PickupEventKind,
    pub at: String,
}

/// Where a pickup stands, as the sender sees it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickupState {
    /// Waiting for the recipient (possibly opened already, with views left).
    Active,
    /// Three wrong PINs destroyed it.
    Destroyed,
    Expired,
    /// The recipient deleted it.
    Deleted,
    /// The sender revoked it.
    Revoked,
    /// The last allowed view was used.
    UsedUp,
}

/// `GET /api/v1/owner/pickups/{id}` with `Authorization: Bearer <owner token>`.
/// The event log outlives the ciphertext, so the sender can see what happened.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerStatus {
    pub id: PickupId,
    /// `None` when the sender delivered the link (the relay was given no address).
    pub recipient_email: Option<String>,
    pub state: PickupState,
    pub created_at: String,
    pub expires_at: String,
    pub attempts_left: u32,
    pub views_left: Option<u32>,
    pub events: Vec<PickupEvent>,
}
