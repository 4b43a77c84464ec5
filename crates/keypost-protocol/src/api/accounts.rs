//! JSON bodies of relay accounts, login sessions and the optional email (docs/spec/inbox.md,
//! "Relay API"). An account is a client-chosen [`AccountId`] and a signed [`KeyBundle`];
//! logging in signs a single-use challenge.

use serde::{Deserialize, Serialize};

use crate::inbox::{AccountId, KeyBundle, Signature};

/// `POST /api/v1/accounts` — register, signed with [`crate::inbox::SignatureKind::Register`]
/// over [`crate::inbox::signing::registration_content`] with the relay's public URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub account_id: AccountId,
    /// Parsed and self-signature verified on reading.
    pub bundle: KeyBundle,
    pub signature: Signature,
}

/// 201 for a new account, 200 when the same bundle was registered before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterResponse {
    pub account_id: AccountId,
}

/// `POST /api/v1/accounts/{account_id}/challenge` — a single-use login challenge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginChallenge {
    /// 32 random bytes, base64url.
    pub challenge: String,
    pub expires_at: String,
}

/// `POST /api/v1/sessions` — the challenge signed with
/// [`crate::inbox::SignatureKind::Login`] over [`crate::inbox::signing::login_content`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    pub account_id: AccountId,
    /// The challenge as the relay issued it (32 bytes, base64url).
    pub challenge: String,
    pub signature: Signature,
}

/// A session token: sent as `Authorization: Bearer <session>` on every account route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionResponse {
    /// 32 random bytes, base64url; the relay keeps only its SHA-256.
    pub session: String,
    pub expires_at: String,
}

/// `GET /api/v1/accounts/{account_id}/bundle` — clients compare it with the pinned bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleResponse {
    pub account_id: AccountId,
    pub bundle: KeyBundle,
}

/// `POST /api/v1/account/email` — email an 8-digit code to this address (answer 202).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetEmailRequest {
    /// A plain address ([`crate::email::EmailAddress`]).
    pub email: String,
}

/// `POST /api/v1/account/email/verify` — the code from the email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmailRequest {
    /// 8 ASCII digits.
    pub code: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyEmailResponse {
    pub email: String,
    pub verified: bool,
}
