//! JSON bodies of invitations on the relay (docs/spec/inbox.md, "Relay API").
//! The sealed offer and answer are opaque to the relay: it stores and returns their bytes.

use serde::{Deserialize, Serialize};

use crate::inbox::{AccountId, InviteId};

/// `POST /api/v1/invites` — the inviter posts a sealed offer (answer 201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    pub invite_id: InviteId,
    /// SHA-256 of the accept token (32 bytes, base64url).
    pub accept_token_hash: String,
    /// At most [`crate::inbox::limits::MAX_SEALED_INVITE_LEN`] bytes, base64url.
    pub sealed_offer: String,
    /// When set, only an account whose verified email is this address may accept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_email: Option<String>,
    /// RFC 3339; 1 hour to 7 days from now.
    pub expires_at: String,
}

/// `GET /api/v1/invites/{invite_id}` — the sealed offer of an open invite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteOffer {
    pub invite_id: InviteId,
    pub sealed_offer: String,
    pub expires_at: String,
    /// The invite names an email: accept it from an account that verified that address.
    pub target_email_required: bool,
}

/// `POST /api/v1/invites/{invite_id}/accept` — single use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInviteRequest {
    /// The accept token derived from the invite secret (32 bytes, base64url).
    pub accept_token: String,
    /// At most [`crate::inbox::limits::MAX_SEALED_INVITE_LEN`] bytes, base64url.
    pub sealed_answer: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteState {
    Open,
    Accepted,
}

/// One of the inviter's invites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteSummary {
    pub invite_id: InviteId,
    pub state: InviteState,
    pub expires_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptor_account_id: Option<AccountId>,
}

/// `GET /api/v1/invites` — the inviter's open and accepted invites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteList {
    pub invites: Vec<InviteSummary>,
}
