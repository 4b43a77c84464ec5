//! Domain-separated Ed25519 signatures (docs/spec/inbox.md, "Signatures").
//!
//! Every signature is Ed25519 (RFC 8032) over
//! `"keypost/inbox/v1/" || label || 0x00 || content`, and verification is strict
//! (`verify_strict`: no small-order keys, no non-canonical encodings). Because the label is
//! part of the signed bytes, a signature made for one purpose (a login) can never pass as
//! another (a message), whatever the content.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use super::ids::AccountId;
use crate::b64;

/// Length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// What a signature is for; each kind has its own label in the signed bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureKind {
    /// A key bundle's self-signature.
    Bundle,
    /// Registering an account at a relay.
    Register,
    /// Logging in at a relay (a signed single-use challenge).
    Login,
    /// The transcript of an invitation, signed by each side.
    Transcript,
    /// A sealed message's header and payload, signed by the sender.
    Message,
}

impl SignatureKind {
    /// Every kind, for tests that check each one against every other verifier.
    pub const ALL: [Self; 5] = [
        Self::Bundle,
        Self::Register,
        Self::Login,
        Self::Transcript,
        Self::Message,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Bundle => "bundle",
            Self::Register => "register",
            Self::Login => "login",
            Self::Transcript => "transcript",
            Self::Message => "message",
        }
    }

    /// The exact bytes that are signed for `content` (wiped on drop: a message's content
    /// holds passwords).
    pub(crate) fn signed_bytes(self, content: &[u8]) -> Zeroizing<Vec<u8>> {
        let label = self.label();
        let mut bytes = Zeroizing::new(Vec::with_capacity(
            PREFIX.len() + label.len() + 1 + content.len(),
        ));
        bytes.extend_from_slice(PREFIX.as_bytes());
        bytes.extend_from_slice(label.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(content);
        bytes
    }
}

const PREFIX: &str = "keypost/inbox/v1/";

/// The signature did not verify: wrong key, wrong kind, altered content or a malformed value.
/// One error for all, like the AEAD's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the signature does not verify")]
pub struct SignatureError;

/// An Ed25519 signature; base64url in JSON.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub(crate) [u8; SIGNATURE_LEN]);

impl Signature {
    pub fn from_bytes(bytes: [u8; SIGNATURE_LEN]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; SIGNATURE_LEN] {
        &self.0
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature({})", b64::encode(&self.0))
    }
}

impl Serialize for Signature {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&b64::encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        b64::decode_array::<SIGNATURE_LEN>(&text)
            .map(Self)
            .map_err(|_| serde::de::Error::custom("a signature is 64 bytes of canonical base64url"))
    }
}

/// What an account signs to register at a relay:
/// `u64be(len(relay_url)) || relay_url || account_id`. The relay's own URL is inside, so a
/// registration made for one relay cannot be replayed at another.
pub fn registration_content(relay_url: &str, account_id: &AccountId) -> Vec<u8> {
    let mut content = length_prefixed(relay_url);
    content.extend_from_slice(account_id.as_bytes());
    content
}

/// What an account signs to log in: `registration_content || challenge`.
pub fn login_content(relay_url: &str, account_id: &AccountId, challenge: &[u8; 32]) -> Vec<u8> {
    let mut content = registration_content(relay_url, account_id);
    content.extend_from_slice(challenge);
    content
}

/// `u64be(len(text)) || text`: a length that no text can overflow.
pub(crate) fn length_prefixed(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + text.len());
    out.extend_from_slice(&(text.len() as u64).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out
}
