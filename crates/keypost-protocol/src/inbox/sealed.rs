//! The sealed message (docs/spec/inbox.md, "Sealed message").
//!
//! ```text
//! header = "KPM1" || version (1) || suite (1) || message id (16) || sent_at (u64be)
//!          || sender fingerprint (32) || recipient fingerprint (32) || enc (32)      126 bytes
//! inner  = sender bundle (141) || signature (64) || u32be(len(payload)) || payload
//!          || zero bytes up to Padmé(209 + len(payload))
//! sealed = header || HPKE-Base-Seal(pkR = recipient's pinned X25519 key,
//!                                   info = "keypost/inbox/v1/message", aad = header, inner)
//! signature = Ed25519 of kind Message over header || payload
//! ```

use zeroize::Zeroizing;

use super::identity::{BUNDLE_LEN, FINGERPRINT_LEN, Fingerprint, Identity, KeyBundle};
use super::ids::MessageId;
use super::limits::MAX_SEALED_MESSAGE_LEN;
use super::payload::{Payload, PayloadError};
use super::signing::{SIGNATURE_LEN, Signature, SignatureKind};
use crate::crypto::primitives::{self, HPKE_ENC_LEN, HpkeSender};
use crate::public_id::ID_LEN;

pub const MAGIC: &[u8; 4] = b"KPM1";
pub const FORMAT_VERSION: u8 = 1;
/// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305 (RFC 9180 ids 0x0020, 0x0001,
/// 0x0003), base mode.
pub const SUITE_X25519_SHA256_CHACHA20POLY1305: u8 = 1;
/// HPKE's `info` for every message.
pub const HPKE_INFO: &[u8] = b"keypost/inbox/v1/message";
pub const HEADER_LEN: usize = MAGIC.len() + 1 + 1 + ID_LEN + 8 + 2 * FINGERPRINT_LEN + HPKE_ENC_LEN;
/// ChaCha20-Poly1305's tag.
pub const TAG_LEN: usize = 16;
/// The inner plaintext before the payload: bundle, signature, payload length.
pub const INNER_FIXED_LEN: usize = BUNDLE_LEN + SIGNATURE_LEN + 4;
/// The largest inner plaintext (after padding) a sealed message can hold.
pub const MAX_INNER_LEN: usize = MAX_SEALED_MESSAGE_LEN - HEADER_LEN - TAG_LEN;

const SENDER_AT: usize = MAGIC.len() + 2 + ID_LEN + 8;
const RECIPIENT_AT: usize = SENDER_AT + FINGERPRINT_LEN;
const ENC_AT: usize = RECIPIENT_AT + FINGERPRINT_LEN;

/// Padmé (Nikitin et al., PETS 2019): the length `len` is rounded up so that only its top
/// `floor(log2(floor(log2 len))) + 1` bits may be non-zero; the overhead is at most 12 %, and a
/// padded length leaks O(log log len) bits.
pub fn padme(len: usize) -> usize {
    if len < 2 {
        return len;
    }
    let exponent = usize::BITS - 1 - len.leading_zeros();
    let significant = u32::BITS - exponent.leading_zeros();
    let mask = (1usize << (exponent - significant)) - 1;
    (len + mask) & !mask
}

/// Why a message cannot be sealed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SealError {
    #[error(transparent)]
    Payload(#[from] PayloadError),
    #[error("the message would be larger than {MAX_SEALED_MESSAGE_LEN} bytes sealed")]
    TooLarge,
    #[error("the recipient's X25519 key cannot be used (a low-order point)")]
    RecipientKeyRejected,
}

/// Why a sealed message was refused, one name per rule of "Opening", in that order.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpenError {
    #[error("the message is larger than {MAX_SEALED_MESSAGE_LEN} bytes")]
    TooLarge,
    #[error("not a Keypost message (damaged header)")]
    MalformedHeader,
    #[error("message format version {0} is not supported")]
    UnsupportedVersion(u8),
    #[error("message cipher suite {0} is not supported")]
    UnsupportedSuite(u8),
    #[error("this message is not addressed to you")]
    NotForMe,
    #[error("cannot decrypt the message: altered or not sealed to your key")]
    DecryptionFailed,
    #[error("the decrypted message is malformed")]
    MalformedInner,
    #[error("the sender's key inside does not match the sender named outside")]
    SenderMismatch,
    #[error("the sender's key bundle is invalid")]
    BadBundle,
    #[error("the sender's signature does not verify")]
    BadSignature,
    #[error("the message payload is invalid: {0}")]
    InvalidPayload(PayloadError),
}

impl OpenError {
    /// The spec's name for this failure (the `expect` value in test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            Self::MalformedHeader => "malformed_header",
            Self::UnsupportedVersion(_) => "unsupported_version",
            Self::UnsupportedSuite(_) => "unsupported_suite",
            Self::NotForMe => "not_for_me",
            Self::DecryptionFailed => "decryption_failed",
            Self::MalformedInner => "malformed_inner",
            Self::SenderMismatch => "sender_mismatch",
            Self::BadBundle => "bad_bundle",
            Self::BadSignature => "bad_signature",
            Self::InvalidPayload(_) => "invalid_payload",
        }
    }
}

/// The fixed header: the AEAD's associated data and part of the signed content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageHeader {
    pub message_id: MessageId,
    /// Unix seconds, as the sender claims.
    pub sent_at: u64,
    pub sender: Fingerprint,
    pub recipient: Fingerprint,
    /// HPKE's encapsulated key (the sender's ephemeral X25519 public key).
    pub enc: [u8; HPKE_ENC_LEN],
}

impl MessageHeader {
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut bytes = [0u8; HEADER_LEN];
        bytes[..4].copy_from_slice(MAGIC);
        bytes[4] = FORMAT_VERSION;
        bytes[5] = SUITE_X25519_SHA256_CHACHA20POLY1305;
        bytes[6..6 + ID_LEN].copy_from_slice(self.message_id.as_bytes());
        bytes[6 + ID_LEN..SENDER_AT].copy_from_slice(&self.sent_at.to_be_bytes());
        bytes[SENDER_AT..RECIPIENT_AT].copy_from_slice(self.sender.as_bytes());
        bytes[RECIPIENT_AT..ENC_AT].copy_from_slice(self.recipient.as_bytes());
        bytes[ENC_AT..].copy_from_slice(&self.enc);
        bytes
    }

    /// Rules 1–4 of "Opening": size, magic and length, version, suite.
    pub fn parse(sealed: &[u8]) -> Result<Self, OpenError> {
        if sealed.len() > MAX_SEALED_MESSAGE_LEN {
            return Err(OpenError::TooLarge);
        }
        if sealed.len() < HEADER_LEN + TAG_LEN || &sealed[..4] != MAGIC {
            return Err(OpenError::MalformedHeader);
        }
        if sealed[4] != FORMAT_VERSION {
            return Err(OpenError::UnsupportedVersion(sealed[4]));
        }
        if sealed[5] != SUITE_X25519_SHA256_CHACHA20POLY1305 {
            return Err(OpenError::UnsupportedSuite(sealed[5]));
        }
        let array = |from: usize| {
            let mut out = [0u8; 32];
            out.copy_from_slice(&sealed[from..from + 32]);
            out
        };
        let mut id = [0u8; ID_LEN];
        id.copy_from_slice(&sealed[6..6 + ID_LEN]);
        let mut sent_at = [0u8; 8];
        sent_at.copy_from_slice(&sealed[6 + ID_LEN..SENDER_AT]);
        Ok(Self {
            message_id: MessageId::from_bytes(id),
            sent_at: u64::from_be_bytes(sent_at),
            sender: Fingerprint::from_bytes(array(SENDER_AT)),
            recipient: Fingerprint::from_bytes(array(RECIPIENT_AT)),
            enc: array(ENC_AT),
        })
    }
}

/// A message that passed every rule: its header, the sender's bundle as it came (the caller
/// compares it with the pinned one: docs/spec/inbox.md, "Receiver policy") and the payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedMessage {
    pub header: MessageHeader,
    pub sender_bundle: KeyBundle,
    pub payload: Payload,
}

/// Seals `payload` from `sender` to the recipient's **pinned** bundle.
pub fn seal(
    sender: &Identity,
    recipient_pinned: &KeyBundle,
    message_id: MessageId,
    sent_at: u64,
    payload: &Payload,
) -> Result<Vec<u8>, SealError> {
    let ikm_e = Zeroizing::new(primitives::random_bytes::<32>());
    seal_with_ikm(
        sender,
        recipient_pinned,
        message_id,
        sent_at,
        payload,
        &ikm_e,
    )
}

/// [`seal`] with the HPKE ephemeral key derived from `ikm_e` (random in [`seal`], fixed in
/// test vectors).
pub(crate) fn seal_with_ikm(
    sender: &Identity,
    recipient: &KeyBundle,
    message_id: MessageId,
    sent_at: u64,
    payload: &Payload,
    ikm_e: &[u8; 32],
) -> Result<Vec<u8>, SealError> {
    let plaintext = payload.to_canonical_json()?;
    if padme(INNER_FIXED_LEN + plaintext.len()) > MAX_INNER_LEN {
        return Err(SealError::TooLarge);
    }
    seal_inner(
        recipient,
        message_id,
        sent_at,
        sender.fingerprint(),
        ikm_e,
        |header| {
            let signature = sign_message(sender, header, &plaintext);
            inner(sender.bundle().as_bytes(), &signature, &plaintext)
        },
    )
}

/// The sealing steps around any inner plaintext: encapsulate, make the header, let
/// `make_inner` build the inner plaintext for that header, seal it with the header as
/// associated data. The vectors also pass broken inner plaintexts.
pub(crate) fn seal_inner(
    recipient: &KeyBundle,
    message_id: MessageId,
    sent_at: u64,
    sender: Fingerprint,
    ikm_e: &[u8; 32],
    make_inner: impl FnOnce(&[u8; HEADER_LEN]) -> Zeroizing<Vec<u8>>,
) -> Result<Vec<u8>, SealError> {
    let (enc, context) = HpkeSender::setup(recipient.hpke_public(), HPKE_INFO, ikm_e)
        .map_err(|_| SealError::RecipientKeyRejected)?;
    let header = MessageHeader {
        message_id,
        sent_at,
        sender,
        recipient: recipient.fingerprint(),
        enc,
    }
    .to_bytes();
    let inner = make_inner(&header);
    let body = context.seal(&inner, &header);
    let mut sealed = Vec::with_capacity(HEADER_LEN + body.len());
    sealed.extend_from_slice(&header);
    sealed.extend_from_slice(&body);
    Ok(sealed)
}

/// The sender's signature of kind Message over `header || payload`.
pub(crate) fn sign_message(
    sender: &Identity,
    header: &[u8; HEADER_LEN],
    payload: &[u8],
) -> Signature {
    let content = Zeroizing::new([header.as_slice(), payload].concat());
    sender.sign(SignatureKind::Message, &content)
}

/// `bundle || signature || u32be(len(payload)) || payload`, zero-padded to Padmé's length.
pub(crate) fn inner(
    bundle: &[u8; BUNDLE_LEN],
    signature: &Signature,
    payload: &[u8],
) -> Zeroizing<Vec<u8>> {
    let unpadded = INNER_FIXED_LEN + payload.len();
    let mut inner = Zeroizing::new(Vec::with_capacity(padme(unpadded)));
    inner.extend_from_slice(bundle);
    inner.extend_from_slice(signature.as_bytes());
    let len = u32::try_from(payload.len())
        .unwrap_or_else(|_| unreachable!("payloads are below MAX_SEALED_MESSAGE_LEN < 4 GiB"));
    inner.extend_from_slice(&len.to_be_bytes());
    inner.extend_from_slice(payload);
    inner.resize(padme(unpadded), 0);
    inner
}

/// Opens a sealed message addressed to `me`, applying every rule of "Opening" in order; no
/// part of the plaintext is returned unless all pass.
pub fn open(me: &Identity, sealed: &[u8]) -> Result<OpenedMessage, OpenError> {
    let header = MessageHeader::parse(sealed)?;
    if header.recipient != me.fingerprint() {
        return Err(OpenError::NotForMe);
    }
    let (header_bytes, body) = sealed.split_at(HEADER_LEN);
    let inner = primitives::hpke_open(me.hpke_secret(), &header.enc, HPKE_INFO, body, header_bytes)
        .map_err(|_| OpenError::DecryptionFailed)?;
    let (bundle_bytes, signature, payload) = split_inner(&inner)?;
    if Fingerprint::of_bundle_bytes(&bundle_bytes) != header.sender {
        return Err(OpenError::SenderMismatch);
    }
    let sender_bundle = KeyBundle::from_bytes(&bundle_bytes).map_err(|_| OpenError::BadBundle)?;
    let content = Zeroizing::new([header_bytes, payload].concat());
    sender_bundle
        .verify(SignatureKind::Message, &content, &signature)
        .map_err(|_| OpenError::BadSignature)?;
    let payload = Payload::from_canonical_json(payload).map_err(OpenError::InvalidPayload)?;
    Ok(OpenedMessage {
        header,
        sender_bundle,
        payload,
    })
}

/// Rule 7: the fixed part is there, the payload length fits, the padding is zeros and the
/// inner length is exactly Padmé's.
fn split_inner(inner: &[u8]) -> Result<([u8; BUNDLE_LEN], Signature, &[u8]), OpenError> {
    if inner.len() < INNER_FIXED_LEN {
        return Err(OpenError::MalformedInner);
    }
    let mut bundle = [0u8; BUNDLE_LEN];
    bundle.copy_from_slice(&inner[..BUNDLE_LEN]);
    let mut signature = [0u8; SIGNATURE_LEN];
    signature.copy_from_slice(&inner[BUNDLE_LEN..BUNDLE_LEN + SIGNATURE_LEN]);
    let mut len = [0u8; 4];
    len.copy_from_slice(&inner[BUNDLE_LEN + SIGNATURE_LEN..INNER_FIXED_LEN]);
    let unpadded = usize::try_from(u32::from_be_bytes(len))
        .ok()
        .and_then(|len| len.checked_add(INNER_FIXED_LEN))
        .filter(|&unpadded| unpadded <= inner.len() && padme(unpadded) == inner.len())
        .ok_or(OpenError::MalformedInner)?;
    if inner[unpadded..].iter().any(|&byte| byte != 0) {
        return Err(OpenError::MalformedInner);
    }
    Ok((
        bundle,
        Signature::from_bytes(signature),
        &inner[INNER_FIXED_LEN..unpadded],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padme_matches_the_paper() {
        let cases = [
            (0, 0),
            (1, 1),
            (2, 2),
            (9, 10),
            (209, 224),
            (1_000, 1_024),
            (1_025, 1_088),
            (100_000, 100_352),
            (1 << 20, 1 << 20),
        ];
        for (len, padded) in cases {
            assert_eq!(padme(len), padded, "{len}");
        }
        for len in 2..100_000 {
            let padded = padme(len);
            assert!(padded >= len && padded - len <= len / 8 + 1, "{len}");
            assert_eq!(padme(padded), padded, "{len}");
        }
    }

    #[test]
    fn inner_layout_is_checked_exactly() {
        let bundle = [1u8; BUNDLE_LEN];
        let signature = Signature::from_bytes([2; SIGNATURE_LEN]);
        let good = inner(&bundle, &signature, b"{}");
        assert_eq!(good.len(), padme(INNER_FIXED_LEN + 2));
        let (_, _, payload) = split_inner(&good).unwrap();
        assert_eq!(payload, b"{}");
        let mut dirty = good.clone();
        let last = dirty.len() - 1;
        dirty[last] = 1;
        let mut long = good.clone();
        long.push(0);
        let mut overflow = good.clone();
        overflow[BUNDLE_LEN + SIGNATURE_LEN..INNER_FIXED_LEN]
            .copy_from_slice(&u32::MAX.to_be_bytes());
        for bad in [
            &dirty[..],
            &long[..],
            &overflow[..],
            &good[..INNER_FIXED_LEN - 1],
        ] {
            assert_eq!(split_inner(bad).unwrap_err(), OpenError::MalformedInner);
        }
    }
}
