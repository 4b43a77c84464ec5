//! The sealed payload (docs/spec/pickup.md, "Sealed payload").
//!
//! ```text
//! header  = "KPPICKUP" || version (1) || flags (1) || memory_kib (u32 BE) || iterations (u32 BE)
//!           || nonce (24)
//! sealed  = header || XChaCha20-Poly1305(K, nonce, payload, aad = header || id)
//! ```

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use super::id::PickupId;
use super::keys::{LinkSecret, PickupKeys};
use super::limits::{MAX_PLAINTEXT_LEN, MAX_SEALED_LEN, MAX_SEALED_TEXT_LEN};
use super::payload::{Payload, PayloadError};
use super::pin::Pin;
use super::unicode::assigned_in_passphrase_unicode;
use crate::b64;
use crate::crypto::{KdfParams, KdfParamsError, KdfPolicy, SecretKey};

pub use crate::crypto::{NONCE_LEN, TAG_LEN};

pub const MAGIC: &[u8; 8] = b"KPPICKUP";
pub const FORMAT_VERSION: u8 = 1;
/// Flags bit 0: the key also needs a passphrase. Other bits are reserved and MUST be zero.
pub const FLAG_PASSPHRASE: u8 = 0x01;
pub const HEADER_LEN: usize = MAGIC.len() + 1 + 1 + 4 + 4 + NONCE_LEN;
const _: () = assert!(MAX_PLAINTEXT_LEN == MAX_SEALED_LEN - HEADER_LEN - TAG_LEN);
pub const KEY_LABEL: &[u8] = b"keypost/pickup/v1/key";
/// A passphrase is 1 to 1,024 bytes of UTF-8 after NFC normalisation.
pub const MAX_PASSPHRASE_BYTES: usize = 1_024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PassphraseError {
    #[error("the passphrase is empty")]
    Empty,
    #[error("the passphrase is longer than {max} bytes")]
    TooLong { max: usize },
    /// NFC would not give the same bytes everywhere (see [`super::unicode`]).
    #[error("the passphrase holds a character that Unicode 15.0 does not assign")]
    UnassignedCharacter,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SealError {
    #[error(transparent)]
    Payload(#[from] PayloadError),
    #[error(transparent)]
    Passphrase(#[from] PassphraseError),
    /// The chosen Argon2id cost is outside [`KdfPolicy::PICKUP_PASSPHRASE`].
    #[error(transparent)]
    Kdf(#[from] KdfParamsError),
}

/// Why a sealed payload did not open. A wrong PIN, a wrong passphrase and any change to the
/// bytes are one and the same [`OpenError::DecryptionFailed`] on purpose: the AEAD cannot tell
/// them apart, and the message must not pretend it can.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpenError {
    #[error("the sealed payload is {len} bytes, more than the {max} allowed")]
    TooLarge { len: usize, max: usize },
    #[error("the sealed payload is not canonical base64url")]
    NonCanonical,
    #[error("not a Keypost sealed pickup (damaged header)")]
    MalformedHeader,
    #[error("sealed pickup format version {0} is not supported")]
    UnsupportedVersion(u8),
    #[error(
        "the pickup asks for Argon2id memory {memory_kib} KiB and {iterations} iterations, outside the allowed range"
    )]
    KdfParamsOutOfRange { memory_kib: u32, iterations: u32 },
    #[error("this pickup also needs the passphrase")]
    PassphraseRequired,
    #[error("this pickup has no passphrase")]
    PassphraseNotExpected,
    #[error(transparent)]
    BadPassphrase(PassphraseError),
    #[error("cannot decrypt: wrong PIN or passphrase, or the data was altered")]
    DecryptionFailed,
    #[error("the sender's payload is invalid: {0}")]
    InvalidPayload(PayloadError),
}

impl OpenError {
    /// The spec's name for this failure (the `expect` value in test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too_large",
            Self::NonCanonical => "non_canonical",
            Self::MalformedHeader => "malformed_header",
            Self::UnsupportedVersion(_) => "unsupported_version",
            Self::KdfParamsOutOfRange { .. } => "kdf_params_out_of_range",
            Self::PassphraseRequired => "passphrase_required",
            Self::PassphraseNotExpected => "passphrase_not_expected",
            Self::BadPassphrase(_) => "bad_passphrase",
            Self::DecryptionFailed => "decryption_failed",
            Self::InvalidPayload(_) => "invalid_payload",
        }
    }
}

/// The parsed, not yet authenticated header of a sealed payload.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SealedHeader {
    passphrase_kdf: Option<KdfParams>,
    nonce: [u8; NONCE_LEN],
}

impl SealedHeader {
    /// Applies the spec's header rules in order: size, magic, version, flags, KDF range.
    pub fn parse(sealed: &[u8]) -> Result<Self, OpenError> {
        if sealed.len() > MAX_SEALED_LEN {
            return Err(OpenError::TooLarge {
                len: sealed.len(),
                max: MAX_SEALED_LEN,
            });
        }
        if sealed.len() < HEADER_LEN + TAG_LEN || &sealed[..MAGIC.len()] != MAGIC {
            return Err(OpenError::MalformedHeader);
        }
        let version = sealed[8];
        if version != FORMAT_VERSION {
            return Err(OpenError::UnsupportedVersion(version));
        }
        let flags = sealed[9];
        let memory_kib = read_u32(sealed, 10);
        let iterations = read_u32(sealed, 14);
        let passphrase_kdf = match flags {
            0 if memory_kib == 0 && iterations == 0 => None,
            FLAG_PASSPHRASE => Some(
                KdfPolicy::PICKUP_PASSPHRASE
                    .check(passphrase_kdf(memory_kib, iterations))
                    .map_err(|_| OpenError::KdfParamsOutOfRange {
                        memory_kib,
                        iterations,
                    })?,
            ),
            _ => return Err(OpenError::MalformedHeader),
        };
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&sealed[18..HEADER_LEN]);
        Ok(Self {
            passphrase_kdf,
            nonce,
        })
    }

    /// The Argon2id cost when the pickup needs a passphrase, `None` when it does not.
    pub fn passphrase_kdf(&self) -> Option<KdfParams> {
        self.passphrase_kdf
    }

    pub fn needs_passphrase(&self) -> bool {
        self.passphrase_kdf.is_some()
    }

    fn to_bytes(self) -> [u8; HEADER_LEN] {
        let mut header = [0u8; HEADER_LEN];
        header[..8].copy_from_slice(MAGIC);
        header[8] = FORMAT_VERSION;
        if let Some(kdf) = self.passphrase_kdf {
            header[9] = FLAG_PASSPHRASE;
            header[10..14].copy_from_slice(&kdf.memory_kib.to_be_bytes());
            header[14..18].copy_from_slice(&kdf.iterations.to_be_bytes());
        }
        header[18..].copy_from_slice(&self.nonce);
        header
    }
}

impl fmt::Debug for SealedHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedHeader")
            .field("passphrase_kdf", &self.passphrase_kdf)
            .finish_non_exhaustive()
    }
}

/// The header stores m and t only: p is always 1 for a pickup passphrase.
fn passphrase_kdf(memory_kib: u32, iterations: u32) -> KdfParams {
    KdfParams {
        memory_kib,
        iterations,
        parallelism: 1,
    }
}

fn read_u32(bytes: &[u8], offset: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[offset..offset + 4]);
    u32::from_be_bytes(word)
}

/// What the sender's app uploads: everything the relay stores, nothing it could decrypt with.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedPickup {
    pub id: PickupId,
    /// Header and AEAD ciphertext; the `ciphertext` field of the create request.
    pub ciphertext: Vec<u8>,
    pub pin_verifier: [u8; 32],
    pub delete_verifier: [u8; 32],
    pub access_key_hash: [u8; 32],
}

impl fmt::Debug for SealedPickup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedPickup")
            .field("id", &self.id)
            .field("ciphertext_len", &self.ciphertext.len())
            .finish_non_exhaustive()
    }
}

/// Seals `payload` for the link `secret` and `pin` (and `passphrase`, with the recommended
/// Argon2id cost of [`KdfPolicy::PICKUP_PASSPHRASE`]).
pub fn seal(
    secret: &LinkSecret,
    pin: &Pin,
    passphrase: Option<&str>,
    payload: &Payload,
) -> Result<SealedPickup, SealError> {
    seal_with_kdf(
        secret,
        pin,
        passphrase,
        payload,
        KdfPolicy::PICKUP_PASSPHRASE.recommended,
    )
}

/// [`seal`] with a chosen Argon2id cost (within [`KdfPolicy::PICKUP_PASSPHRASE`]); `kdf` is
/// unused without a passphrase.
pub fn seal_with_kdf(
    secret: &LinkSecret,
    pin: &Pin,
    passphrase: Option<&str>,
    payload: &Payload,
    kdf: KdfParams,
) -> Result<SealedPickup, SealError> {
    let kdf = KdfPolicy::PICKUP_PASSPHRASE.check(kdf)?;
    let plaintext = payload.to_canonical_json()?;
    let nonce = SecretKey::make_random_nonce();
    seal_plaintext(secret, pin, passphrase, kdf, nonce, &plaintext)
}

/// Seals any plaintext, canonical or not, with a chosen nonce: [`seal`] seals only valid
/// payloads under a random nonce, and the test vectors also need broken ones. Reachable from
/// outside only through `keypost_protocol::vectors` (the `vectors` feature).
pub fn seal_plaintext(
    secret: &LinkSecret,
    pin: &Pin,
    passphrase: Option<&str>,
    kdf: KdfParams,
    nonce: [u8; NONCE_LEN],
    plaintext: &[u8],
) -> Result<SealedPickup, SealError> {
    let keys = secret.keys();
    let header = SealedHeader {
        passphrase_kdf: passphrase.map(|_| kdf),
        nonce,
    }
    .to_bytes();
    let passphrase_key = passphrase
        .map(|text| passphrase_key(text, &keys.id(), kdf))
        .transpose()?;
    let key = payload_key(&keys, pin, passphrase_key.as_ref());
    let body = key.encrypt(&nonce, plaintext, &aad(&header, &keys.id()));
    let mut ciphertext = Vec::with_capacity(HEADER_LEN + body.len());
    ciphertext.extend_from_slice(&header);
    ciphertext.extend_from_slice(&body);
    Ok(SealedPickup {
        id: keys.id(),
        ciphertext,
        pin_verifier: keys.pin_verifier(pin),
        delete_verifier: keys.delete_verifier(),
        access_key_hash: keys.access_key_hash(),
    })
}

/// Decodes a sealed payload that arrived as base64url (spec "Opening", step 2): a text longer
/// than the largest sealed payload's is [`OpenError::TooLarge`] before any decoding.
pub fn decode_sealed(text: &str) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    if text.len() > MAX_SEALED_TEXT_LEN {
        return Err(OpenError::TooLarge {
            len: text.len() * 3 / 4,
            max: MAX_SEALED_LEN,
        });
    }
    b64::decode(text)
        .map(Zeroizing::new)
        .map_err(|_| OpenError::NonCanonical)
}

/// Opens a sealed payload received from the relay.
pub fn open(
    secret: &LinkSecret,
    pin: &Pin,
    passphrase: Option<&str>,
    sealed: &[u8],
) -> Result<Payload, OpenError> {
    open_plaintext(secret, pin, passphrase, sealed).and_then(|plaintext| {
        Payload::from_canonical_json(&plaintext).map_err(OpenError::InvalidPayload)
    })
}

/// Header checks, key derivation and AEAD: everything in [`open`] before the JSON.
fn open_plaintext(
    secret: &LinkSecret,
    pin: &Pin,
    passphrase: Option<&str>,
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    let header = SealedHeader::parse(sealed)?;
    let keys = secret.keys();
    let passphrase_key = match (header.passphrase_kdf, passphrase) {
        (Some(kdf), Some(text)) => {
            Some(passphrase_key(text, &keys.id(), kdf).map_err(OpenError::BadPassphrase)?)
        }
        (Some(_), None) => return Err(OpenError::PassphraseRequired),
        (None, Some(_)) => return Err(OpenError::PassphraseNotExpected),
        (None, None) => None,
    };
    let key = payload_key(&keys, pin, passphrase_key.as_ref());
    let (header_bytes, body) = sealed.split_at(HEADER_LEN);
    key.decrypt(&header.nonce, body, &aad(header_bytes, &keys.id()))
        .map_err(|_| OpenError::DecryptionFailed)
}

/// `Argon2id(NFC(passphrase), salt = id, m, t, p = 1)`, 32 bytes. `kdf` has passed
/// [`KdfPolicy::PICKUP_PASSPHRASE`], whose every value Argon2 accepts.
pub(crate) fn passphrase_key(
    passphrase: &str,
    id: &PickupId,
    kdf: KdfParams,
) -> Result<SecretKey, PassphraseError> {
    if !passphrase.chars().all(assigned_in_passphrase_unicode) {
        return Err(PassphraseError::UnassignedCharacter);
    }
    let normalized = Zeroizing::new(passphrase.nfc().collect::<String>());
    if normalized.is_empty() {
        return Err(PassphraseError::Empty);
    }
    if normalized.len() > MAX_PASSPHRASE_BYTES {
        return Err(PassphraseError::TooLong {
            max: MAX_PASSPHRASE_BYTES,
        });
    }
    Ok(
        SecretKey::derive_from_password(normalized.as_bytes(), id.as_bytes(), &kdf)
            .unwrap_or_else(|_| unreachable!("the pickup policy only holds values Argon2 accepts")),
    )
}

/// `K = HKDF-SHA256(ikm = payload_key_material, salt = id,
///                  info = "keypost/pickup/v1/key" || PIN || passphrase_key?)`.
pub(crate) fn payload_key(
    keys: &PickupKeys,
    pin: &Pin,
    passphrase_key: Option<&SecretKey>,
) -> SecretKey {
    let id = keys.id();
    let pin_bytes = pin.as_str().as_bytes();
    let salt = Some(id.as_bytes().as_slice());
    match passphrase_key {
        Some(extra) => SecretKey::derive_from_secret(
            &keys.payload_key_material,
            salt,
            &[KEY_LABEL, pin_bytes, extra.as_bytes()],
        ),
        None => {
            SecretKey::derive_from_secret(&keys.payload_key_material, salt, &[KEY_LABEL, pin_bytes])
        }
    }
}

fn aad(header: &[u8], id: &PickupId) -> Vec<u8> {
    [header, id.as_bytes().as_slice()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pickup::payload::{EntrySnapshot, SnapshotField};

    fn payload() -> Payload {
        let mut entry = EntrySnapshot::default();
        entry.title = "Bank".into();
        entry.password = "hunter2-but-longer".into();
        entry.custom_fields = vec![SnapshotField {
            name: "PUK".into(),
            value: "9999".into(),
            hidden: true,
        }];
        Payload::new("Ana", "", time::OffsetDateTime::UNIX_EPOCH, vec![entry])
    }

    fn pin(text: &str) -> Pin {
        Pin::parse(text).unwrap()
    }

    /// The test payload with PIN 40917.
    fn seal_without_passphrase(secret: &LinkSecret) -> SealedPickup {
        seal(secret, &pin("40917"), None, &payload()).unwrap()
    }

    /// The test payload with PIN 40917 and passphrase "tea", at the passphrase KDF floor.
    fn seal_with_tea(secret: &LinkSecret) -> SealedPickup {
        let floor = KdfPolicy::PICKUP_PASSPHRASE.floor;
        seal_with_kdf(secret, &pin("40917"), Some("tea"), &payload(), floor).unwrap()
    }

    #[test]
    fn round_trip_without_and_with_passphrase() {
        let secret = LinkSecret::make_random();
        let sealed = seal_without_passphrase(&secret);
        assert_eq!(sealed.id, secret.id());
        assert_eq!(
            sealed.pin_verifier,
            crate::pickup::pin_verifier(&secret, &pin("40917"))
        );
        assert_eq!(
            open(&secret, &pin("40917"), None, &sealed.ciphertext).unwrap(),
            payload()
        );
        let header = SealedHeader::parse(&sealed.ciphertext).unwrap();
        assert!(!header.needs_passphrase());

        let with = seal_with_tea(&secret);
        assert_eq!(
            SealedHeader::parse(&with.ciphertext)
                .unwrap()
                .passphrase_kdf(),
            Some(KdfPolicy::PICKUP_PASSPHRASE.floor)
        );
        assert_eq!(
            open(&secret, &pin("40917"), Some("tea"), &with.ciphertext).unwrap(),
            payload()
        );
        assert_eq!(
            open(&secret, &pin("40917"), Some("coffee"), &with.ciphertext),
            Err(OpenError::DecryptionFailed)
        );
        assert_eq!(
            open(&secret, &pin("40917"), None, &with.ciphertext),
            Err(OpenError::PassphraseRequired)
        );
        assert_eq!(
            open(&secret, &pin("40917"), Some("tea"), &sealed.ciphertext),
            Err(OpenError::PassphraseNotExpected)
        );
        assert_eq!(
            open(&secret, &pin("40917"), Some(""), &with.ciphertext),
            Err(OpenError::BadPassphrase(PassphraseError::Empty))
        );
    }

    #[test]
    fn seals_are_fresh_each_time() {
        let secret = LinkSecret::make_random();
        let one = seal_without_passphrase(&secret);
        let two = seal_without_passphrase(&secret);
        assert_ne!(one.ciphertext, two.ciphertext);
    }

    #[test]
    fn wrong_pin_and_any_flipped_bit_fail_the_same_way() {
        let secret = LinkSecret::make_random();
        let sealed = seal_without_passphrase(&secret).ciphertext;
        assert_eq!(
            open(&secret, &pin("40918"), None, &sealed),
            Err(OpenError::DecryptionFailed)
        );
        // Every byte after the checked header fields: nonce, ciphertext, tag.
        for index in 18..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[index] ^= 0x01;
            assert_eq!(
                open(&secret, &pin("40917"), None, &tampered),
                Err(OpenError::DecryptionFailed),
                "byte {index}"
            );
        }
        let other = LinkSecret::make_random();
        assert_eq!(
            open(&other, &pin("40917"), None, &sealed),
            Err(OpenError::DecryptionFailed)
        );
    }

    #[test]
    fn header_rules_are_enforced_before_any_work() {
        let secret = LinkSecret::make_random();
        let sealed = seal_without_passphrase(&secret).ciphertext;
        let with = seal_with_tea(&secret).ciphertext;
        let edit = |source: &[u8], index: usize, value: u8| {
            let mut copy = source.to_vec();
            copy[index] = value;
            copy
        };
        assert_eq!(
            SealedHeader::parse(&edit(&sealed, 0, b'X')),
            Err(OpenError::MalformedHeader)
        );
        assert_eq!(
            SealedHeader::parse(&edit(&sealed, 8, 2)),
            Err(OpenError::UnsupportedVersion(2))
        );
        assert_eq!(
            SealedHeader::parse(&edit(&sealed, 9, 0x02)),
            Err(OpenError::MalformedHeader)
        );
        assert_eq!(
            SealedHeader::parse(&edit(&sealed, 13, 1)),
            Err(OpenError::MalformedHeader)
        );
        assert_eq!(
            SealedHeader::parse(&edit(&with, 9, 0)),
            Err(OpenError::MalformedHeader)
        );
        assert_eq!(
            SealedHeader::parse(&edit(&with, 10, 0xff)),
            Err(OpenError::KdfParamsOutOfRange {
                memory_kib: 0xff00_2000,
                iterations: 1
            })
        );
        assert_eq!(
            SealedHeader::parse(&edit(&with, 17, 0)),
            Err(OpenError::KdfParamsOutOfRange {
                memory_kib: 8192,
                iterations: 0
            })
        );
        assert_eq!(
            SealedHeader::parse(&sealed[..HEADER_LEN + TAG_LEN - 1]),
            Err(OpenError::MalformedHeader)
        );
        let mut huge = sealed.clone();
        huge.resize(MAX_SEALED_LEN + 1, 0);
        assert!(matches!(
            open(&secret, &pin("40917"), None, &huge),
            Err(OpenError::TooLarge { .. })
        ));
    }

    #[test]
    fn kdf_params_and_passphrase_limits() {
        let secret = LinkSecret::make_random();
        let lanes = KdfParams {
            parallelism: 2,
            ..KdfPolicy::PICKUP_PASSPHRASE.floor
        };
        assert!(matches!(
            seal_with_kdf(&secret, &pin("40917"), Some("tea"), &payload(), lanes),
            Err(SealError::Kdf(_))
        ));
        let id = PickupId::from_bytes([0; 16]);
        assert_eq!(
            passphrase_key(
                &"x".repeat(MAX_PASSPHRASE_BYTES + 1),
                &id,
                KdfPolicy::PICKUP_PASSPHRASE.floor
            )
            .unwrap_err(),
            PassphraseError::TooLong {
                max: MAX_PASSPHRASE_BYTES
            }
        );
        // NFC: a precomposed and a decomposed "é" are the same passphrase.
        assert_eq!(
            passphrase_key("caf\u{e9}", &id, KdfPolicy::PICKUP_PASSPHRASE.floor)
                .unwrap()
                .to_hex(),
            passphrase_key("cafe\u{301}", &id, KdfPolicy::PICKUP_PASSPHRASE.floor)
                .unwrap()
                .to_hex()
        );
    }
}
