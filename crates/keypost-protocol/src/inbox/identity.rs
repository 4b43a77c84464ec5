//! One identity per vault (docs/spec/inbox.md, "Identity"): a random seed kept inside the
//! encrypted vault, the two key pairs derived from it, the signed public [`KeyBundle`] that
//! contacts pin, and its [`Fingerprint`] shown as 7 words.

use ed25519_dalek::{SigningKey, VerifyingKey};
use hpke::{Deserializable, Serializable};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::signing::{Signature, SignatureError, SignatureKind};
use crate::b64;
use crate::crypto::primitives::{self, HpkePrivateKey, HpkePublicKey};
use crate::wordlist::{WORDLIST_LEN, wordlist};

/// Length of an identity seed.
pub const SEED_LEN: usize = 32;
/// Length of a key bundle: magic, version, two public keys, creation time, signature.
pub const BUNDLE_LEN: usize = 4 + 1 + 32 + 32 + 8 + 64;
/// Length of a fingerprint.
pub const FINGERPRINT_LEN: usize = 32;
/// Words that show one fingerprint (7 × log2(7776) ≈ 90.5 bits).
pub const FINGERPRINT_WORDS: usize = 7;

const BUNDLE_MAGIC: &[u8; 4] = b"KPB1";
const BUNDLE_VERSION: u8 = 1;
const SIGNED_LEN: usize = BUNDLE_LEN - 64;
const ED25519_INFO: &[u8] = b"keypost/inbox/v1/identity/ed25519";
const X25519_INFO: &[u8] = b"keypost/inbox/v1/identity/x25519";
const FINGERPRINT_LABEL: &[u8] = b"keypost/inbox/v1/fingerprint\0";

/// The 32 random bytes every key of an identity comes from. It lives in the encrypted vault
/// and never leaves it; wiped on drop, never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct IdentitySeed([u8; SEED_LEN]);

impl IdentitySeed {
    /// A fresh seed from the operating system's random generator.
    pub fn make_random() -> Self {
        Self(primitives::random_bytes())
    }

    /// The seed as the vault stored it.
    pub fn from_vault_bytes(bytes: [u8; SEED_LEN]) -> Self {
        Self(bytes)
    }

    /// The bytes to store inside the encrypted vault, and nowhere else.
    pub fn to_vault_bytes(&self) -> Zeroizing<[u8; SEED_LEN]> {
        Zeroizing::new(self.0)
    }
}

impl std::fmt::Debug for IdentitySeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentitySeed(..)")
    }
}

/// The secret half of an identity: what signs and what opens messages. It exists only while
/// the vault is unlocked (the dalek and HPKE key types wipe themselves on drop).
pub struct Identity {
    signing: SigningKey,
    hpke_secret: HpkePrivateKey,
    bundle: KeyBundle,
}

impl Identity {
    /// The identity a seed makes. `created_at` (Unix seconds) is stored beside the seed, so the
    /// same seed always makes the same bundle bytes (Ed25519 signatures are deterministic).
    pub fn from_seed(seed: &IdentitySeed, created_at: u64) -> Self {
        let mut signing_bytes = Zeroizing::new([0u8; 32]);
        primitives::hkdf_sha256(None, &seed.0, &[ED25519_INFO], signing_bytes.as_mut());
        let signing = SigningKey::from_bytes(&signing_bytes);
        let mut hpke_ikm = Zeroizing::new([0u8; 32]);
        primitives::hkdf_sha256(None, &seed.0, &[X25519_INFO], hpke_ikm.as_mut());
        let (hpke_secret, hpke_public) = primitives::hpke_derive_keypair(&hpke_ikm);

        let mut bytes = [0u8; BUNDLE_LEN];
        bytes[..4].copy_from_slice(BUNDLE_MAGIC);
        bytes[4] = BUNDLE_VERSION;
        bytes[5..37].copy_from_slice(signing.verifying_key().as_bytes());
        bytes[37..69].copy_from_slice(&hpke_public.to_bytes());
        bytes[69..77].copy_from_slice(&created_at.to_be_bytes());
        let signature = sign_with(&signing, SignatureKind::Bundle, &bytes[..SIGNED_LEN]);
        bytes[SIGNED_LEN..].copy_from_slice(signature.as_bytes());
        let bundle = KeyBundle {
            bytes,
            verifying: signing.verifying_key(),
            hpke_public,
        };
        Self {
            signing,
            hpke_secret,
            bundle,
        }
    }

    pub fn bundle(&self) -> &KeyBundle {
        &self.bundle
    }

    pub fn fingerprint(&self) -> Fingerprint {
        self.bundle.fingerprint()
    }

    /// Signs `content` for one purpose (see [`SignatureKind`]).
    pub fn sign(&self, kind: SignatureKind, content: &[u8]) -> Signature {
        sign_with(&self.signing, kind, content)
    }

    pub(crate) fn hpke_secret(&self) -> &HpkePrivateKey {
        &self.hpke_secret
    }

    #[cfg(feature = "vectors")]
    pub(crate) fn secret_key_bytes(&self) -> ([u8; 32], [u8; 32]) {
        let mut hpke = [0u8; 32];
        hpke.copy_from_slice(&self.hpke_secret.to_bytes());
        (self.signing.to_bytes(), hpke)
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identity({})", self.fingerprint())
    }
}

fn sign_with(signing: &SigningKey, kind: SignatureKind, content: &[u8]) -> Signature {
    use ed25519_dalek::Signer as _;
    Signature(signing.sign(&kind.signed_bytes(content)).to_bytes())
}

/// Why bytes are not a key bundle, in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("a key bundle is {BUNDLE_LEN} bytes")]
    WrongLength,
    #[error("not a Keypost key bundle")]
    BadMagic,
    #[error("unsupported key bundle version")]
    UnsupportedVersion,
    #[error("the key bundle holds an invalid public key")]
    BadKey,
    #[error("the key bundle's signature does not verify")]
    BadSignature,
}

/// A person's public keys as they signed them: the bytes contacts pin. Only made by
/// [`KeyBundle::from_bytes`] (which verifies) or by an [`Identity`], so every value is valid.
#[derive(Clone)]
pub struct KeyBundle {
    bytes: [u8; BUNDLE_LEN],
    verifying: VerifyingKey,
    hpke_public: HpkePublicKey,
}

impl KeyBundle {
    /// Parses and verifies a bundle: length, magic, version, both keys (the Ed25519 key must not
    /// be of small order), then the self-signature, strictly.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BundleError> {
        let bytes: [u8; BUNDLE_LEN] = bytes.try_into().map_err(|_| BundleError::WrongLength)?;
        if &bytes[..4] != BUNDLE_MAGIC {
            return Err(BundleError::BadMagic);
        }
        if bytes[4] != BUNDLE_VERSION {
            return Err(BundleError::UnsupportedVersion);
        }
        let verifying = VerifyingKey::try_from(&bytes[5..37]).map_err(|_| BundleError::BadKey)?;
        if verifying.is_weak() {
            return Err(BundleError::BadKey);
        }
        let hpke_public =
            HpkePublicKey::from_bytes(&bytes[37..69]).map_err(|_| BundleError::BadKey)?;
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&bytes[SIGNED_LEN..]);
        let bundle = Self {
            bytes,
            verifying,
            hpke_public,
        };
        bundle
            .verify(
                SignatureKind::Bundle,
                &bytes[..SIGNED_LEN],
                &Signature(signature),
            )
            .map_err(|_| BundleError::BadSignature)?;
        Ok(bundle)
    }

    pub fn as_bytes(&self) -> &[u8; BUNDLE_LEN] {
        &self.bytes
    }

    /// When the identity was made, in Unix seconds (as its owner claims it).
    pub fn created_at(&self) -> u64 {
        let mut seconds = [0u8; 8];
        seconds.copy_from_slice(&self.bytes[69..77]);
        u64::from_be_bytes(seconds)
    }

    /// `SHA-256("keypost/inbox/v1/fingerprint" || 0x00 || ed25519_pk || x25519_pk)`.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_bundle_bytes(&self.bytes)
    }

    /// Strict Ed25519 verification of a signature of `kind` over `content`.
    pub fn verify(
        &self,
        kind: SignatureKind,
        content: &[u8],
        signature: &Signature,
    ) -> Result<(), SignatureError> {
        self.verifying
            .verify_strict(
                &kind.signed_bytes(content),
                &ed25519_dalek::Signature::from_bytes(signature.as_bytes()),
            )
            .map_err(|_| SignatureError)
    }

    pub(crate) fn hpke_public(&self) -> &HpkePublicKey {
        &self.hpke_public
    }
}

impl PartialEq for KeyBundle {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for KeyBundle {}

impl std::fmt::Debug for KeyBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyBundle({})", self.fingerprint())
    }
}

impl Serialize for KeyBundle {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&b64::encode(&self.bytes))
    }
}

impl<'de> Deserialize<'de> for KeyBundle {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bytes = b64::decode(&text).map_err(serde::de::Error::custom)?;
        Self::from_bytes(&bytes).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "ts")]
impl ts_rs::TS for KeyBundle {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;
    fn name(_: &ts_rs::Config) -> String {
        "string".into()
    }
    fn inline(_: &ts_rs::Config) -> String {
        "string".into()
    }
}

/// The SHA-256 of a person's two public keys: what people compare, as 7 words
/// ([`Fingerprint::to_words`]) or as base64url text.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; FINGERPRINT_LEN]);

impl Fingerprint {
    /// The fingerprint of the keys that bundle bytes hold, without verifying them: a sealed
    /// message's opener compares it with the header's sender before it checks the bundle.
    pub(crate) fn of_bundle_bytes(bundle: &[u8; BUNDLE_LEN]) -> Self {
        Self(primitives::sha256(
            &[FINGERPRINT_LABEL, &bundle[5..69]].concat(),
        ))
    }

    pub fn from_bytes(bytes: [u8; FINGERPRINT_LEN]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; FINGERPRINT_LEN] {
        &self.0
    }

    /// Parses the base64url text form.
    pub fn parse(text: &str) -> Result<Self, b64::B64Error> {
        b64::decode_array(text).map(Self)
    }

    /// The 7 words: the first 16 bytes as a big-endian number, written in base 7776 with the
    /// most significant digit first, each digit an index into the EFF large word list. Each
    /// person's words are compared on their own (a hash of the pair would invite a birthday
    /// search).
    pub fn to_words(&self) -> [&'static str; FINGERPRINT_WORDS] {
        let mut first = [0u8; 16];
        first.copy_from_slice(&self.0[..16]);
        let mut number = u128::from_be_bytes(first);
        let list = wordlist();
        let mut words = [""; FINGERPRINT_WORDS];
        for slot in words.iter_mut().rev() {
            *slot = list[(number % WORDLIST_LEN as u128) as usize];
            number /= WORDLIST_LEN as u128;
        }
        words
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&b64::encode(&self.0))
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::ids::AccountId;
    use crate::inbox::signing::{login_content, registration_content};

    fn identity(byte: u8) -> Identity {
        Identity::from_seed(
            &IdentitySeed::from_vault_bytes([byte; SEED_LEN]),
            1_800_000_000,
        )
    }

    #[test]
    fn a_seed_always_makes_the_same_bundle_and_it_verifies() {
        let first = identity(7);
        let again = identity(7);
        assert_eq!(first.bundle().as_bytes(), again.bundle().as_bytes());
        let parsed = KeyBundle::from_bytes(first.bundle().as_bytes()).unwrap();
        assert_eq!(parsed, *first.bundle());
        assert_eq!(parsed.created_at(), 1_800_000_000);
        assert_eq!(parsed.fingerprint(), first.fingerprint());
        assert_ne!(identity(8).fingerprint(), first.fingerprint());
    }

    #[test]
    fn every_changed_byte_of_a_bundle_is_refused() {
        let bundle = *identity(7).bundle().as_bytes();
        for index in 0..BUNDLE_LEN {
            let mut altered = bundle;
            altered[index] ^= 0x01;
            assert!(KeyBundle::from_bytes(&altered).is_err(), "byte {index}");
        }
        assert_eq!(
            KeyBundle::from_bytes(&bundle[..BUNDLE_LEN - 1]),
            Err(BundleError::WrongLength)
        );
        let mut version = bundle;
        version[4] = 2;
        assert_eq!(
            KeyBundle::from_bytes(&version),
            Err(BundleError::UnsupportedVersion)
        );
    }

    #[test]
    fn a_signature_of_one_kind_fails_every_other_verifier() {
        let alice = identity(1);
        let account = AccountId::from_bytes([3; 16]);
        let content = login_content("http://127.0.0.1:7878", &account, &[9; 32]);
        for signed in SignatureKind::ALL {
            let signature = alice.sign(signed, &content);
            for checked in SignatureKind::ALL {
                let outcome = alice.bundle().verify(checked, &content, &signature);
                assert_eq!(
                    outcome.is_ok(),
                    signed == checked,
                    "{signed:?} as {checked:?}"
                );
            }
        }
    }

    #[test]
    fn a_registration_for_one_relay_does_not_log_in_or_register_at_another() {
        let alice = identity(1);
        let account = AccountId::from_bytes([3; 16]);
        let here = registration_content("http://127.0.0.1:7878", &account);
        let signature = alice.sign(SignatureKind::Register, &here);
        let elsewhere = registration_content("http://127.0.0.1:7879", &account);
        assert!(
            alice
                .bundle()
                .verify(SignatureKind::Register, &here, &signature)
                .is_ok()
        );
        assert!(
            alice
                .bundle()
                .verify(SignatureKind::Register, &elsewhere, &signature)
                .is_err()
        );
        assert!(
            identity(2)
                .bundle()
                .verify(SignatureKind::Register, &here, &signature)
                .is_err()
        );
    }

    #[test]
    fn words_are_seven_base_7776_digits_of_the_first_16_bytes() {
        assert_eq!(
            Fingerprint::from_bytes([0; 32]).to_words(),
            ["abacus"; FINGERPRINT_WORDS]
        );
        let mut one = [0u8; 32];
        one[15] = 1;
        assert_eq!(Fingerprint::from_bytes(one).to_words()[6], "abdomen");
        let mut last = [0u8; 32];
        last[15] = 0xff;
        last[14] = 0x1e; // 7775 = 0x1e5f
        last[15] = 0x5f;
        assert_eq!(Fingerprint::from_bytes(last).to_words()[6], "zoom");
        let words = identity(7).fingerprint().to_words();
        assert_eq!(words.len(), 7);
        assert!(words.iter().all(|word| wordlist().contains(word)));
    }

    #[test]
    fn json_forms_are_base64url_and_a_bundle_is_verified_when_read() {
        let alice = identity(1);
        let json = serde_json::to_string(alice.bundle()).unwrap();
        let back: KeyBundle = serde_json::from_str(&json).unwrap();
        assert_eq!(back, *alice.bundle());
        let mut altered = *alice.bundle().as_bytes();
        altered[100] ^= 1;
        let altered_json = serde_json::to_string(&b64::encode(&altered)).unwrap();
        assert!(serde_json::from_str::<KeyBundle>(&altered_json).is_err());
        let fingerprint = alice.fingerprint();
        let text = serde_json::to_string(&fingerprint).unwrap();
        assert_eq!(
            serde_json::from_str::<Fingerprint>(&text).unwrap(),
            fingerprint
        );
    }
}
