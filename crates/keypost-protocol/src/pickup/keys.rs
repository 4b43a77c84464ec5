//! The link secret and everything derived from it (docs/spec/pickup.md, "Key derivation").

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::id::{ID_LEN, PickupId};
use super::pin::Pin;
use super::proof::make_proof;
use crate::b64::{self, B64Error};
use crate::crypto::SecretKey;
use crate::crypto::primitives::{hkdf_sha256, random_bytes, sha256};

/// Length of the link secret S in bytes.
pub const SECRET_LEN: usize = 32;

pub const ID_LABEL: &[u8] = b"keypost/pickup/v1/id";
pub const AUTH_LABEL: &[u8] = b"keypost/pickup/v1/auth";
pub const DELETE_LABEL: &[u8] = b"keypost/pickup/v1/delete";
pub const PAYLOAD_LABEL: &[u8] = b"keypost/pickup/v1/payload";
pub const ACCESS_LABEL: &[u8] = b"keypost/pickup/v1/access";
pub const PIN_LABEL: &[u8] = b"keypost/pickup/v1/pin";

/// The 256-bit secret S that a pickup link carries in its fragment.
///
/// Whoever holds it (and the PIN) can open the pickup, so `Debug` never prints it and the bytes
/// are wiped on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct LinkSecret([u8; SECRET_LEN]);

impl LinkSecret {
    /// A fresh secret from the operating system's CSPRNG.
    pub fn make_random() -> Self {
        Self(random_bytes())
    }

    pub fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(bytes)
    }

    /// Parses the fragment of a link (without the `#`): exactly 43 characters of canonical
    /// base64url.
    pub fn from_fragment(fragment: &str) -> Result<Self, B64Error> {
        let bytes = Zeroizing::new(b64::decode_array::<SECRET_LEN>(fragment)?);
        Ok(Self(*bytes))
    }

    /// The fragment form: canonical base64url of the 32 bytes.
    pub fn to_fragment(&self) -> Zeroizing<String> {
        Zeroizing::new(b64::encode(&self.0))
    }

    pub fn as_bytes(&self) -> &[u8; SECRET_LEN] {
        &self.0
    }

    /// All the values HKDF derives from this secret.
    pub fn keys(&self) -> PickupKeys {
        PickupKeys::derive(self)
    }

    /// The public pickup id.
    pub fn id(&self) -> PickupId {
        self.keys().id
    }
}

impl fmt::Debug for LinkSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkSecret(<redacted>)")
    }
}

/// The values derived from S with HKDF-SHA256 (empty salt, one label each). The keys stay
/// inside this crate; callers get the id, the verifiers, the proof and the delete and access
/// keys (which the recipient sends to the relay).
#[derive(Clone)]
pub struct PickupKeys {
    id: PickupId,
    /// Keys the PIN verifier.
    pub(crate) auth_key: SecretKey,
    delete_key: Zeroizing<[u8; 32]>,
    access_key: Zeroizing<[u8; 32]>,
    /// Input to the payload key; never leaves the client.
    pub(crate) payload_key_material: SecretKey,
}

impl PickupKeys {
    pub fn derive(secret: &LinkSecret) -> Self {
        let expand = |label: &[u8]| {
            let mut out = [0u8; 32];
            hkdf_sha256(None, secret.as_bytes(), &[label], &mut out);
            Zeroizing::new(out)
        };
        let mut id = [0u8; ID_LEN];
        hkdf_sha256(None, secret.as_bytes(), &[ID_LABEL], &mut id);
        Self {
            id: PickupId::from_bytes(id),
            auth_key: SecretKey::from_bytes(*expand(AUTH_LABEL)),
            delete_key: expand(DELETE_LABEL),
            access_key: expand(ACCESS_LABEL),
            payload_key_material: SecretKey::from_bytes(*expand(PAYLOAD_LABEL)),
        }
    }

    /// Names the pickup on the relay; public.
    pub fn id(&self) -> PickupId {
        self.id
    }

    /// Sent by the recipient to delete the pickup; the relay stores only its SHA-256.
    pub fn delete_key(&self) -> [u8; 32] {
        *self.delete_key
    }

    /// Sent by the recipient (`Authorization: Bearer`) with every status, challenge, open and
    /// delete request, so that the public id alone can neither read a pickup's metadata nor spend its
    /// tries; the relay stores only its SHA-256.
    pub fn access_key(&self) -> Zeroizing<[u8; 32]> {
        self.access_key.clone()
    }

    /// `SHA-256(access_key)`: what the relay stores to check a recipient's requests.
    pub fn access_key_hash(&self) -> [u8; 32] {
        access_key_hash(&self.access_key)
    }

    /// `V = HMAC-SHA256(auth_key, "keypost/pickup/v1/pin" || PIN)`: what the relay stores.
    pub fn pin_verifier(&self, pin: &Pin) -> [u8; 32] {
        self.auth_key.mac(&[PIN_LABEL, pin.as_str().as_bytes()])
    }

    /// `SHA-256(delete_key)`: what the relay stores to check a recipient's delete request.
    pub fn delete_verifier(&self) -> [u8; 32] {
        delete_verifier(&self.delete_key)
    }

    /// The answer to a relay challenge for this pickup and PIN ([`make_proof`]).
    pub fn proof(&self, pin: &Pin, challenge: &[u8; 32]) -> [u8; 32] {
        let verifier = Zeroizing::new(self.pin_verifier(pin));
        make_proof(&verifier, &self.id, challenge)
    }
}

impl fmt::Debug for PickupKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PickupKeys")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The PIN verifier the relay stores for `secret` and `pin`.
pub fn pin_verifier(secret: &LinkSecret, pin: &Pin) -> [u8; 32] {
    secret.keys().pin_verifier(pin)
}

/// The recipient's delete key for `secret`.
pub fn delete_key(secret: &LinkSecret) -> [u8; 32] {
    secret.keys().delete_key()
}

/// `SHA-256(delete_key)`; the relay compares this (in constant time) with its stored verifier.
pub fn delete_verifier(delete_key: &[u8; 32]) -> [u8; 32] {
    sha256(delete_key)
}

/// `SHA-256(access_key)`; the relay compares this (in constant time) with its stored hash.
pub fn access_key_hash(access_key: &[u8; 32]) -> [u8; 32] {
    sha256(access_key)
}

crate::secret_token::secret_token!(
    /// The sender's proof of ownership: 32 random bytes, sent as
    /// `Authorization: Bearer <b64>`. The relay stores only its SHA-256.
    OwnerToken,
    "an owner token"
);

/// `SHA-256(token)` of a token as the relay receives it, to compare with the stored hash.
pub fn hash_owner_token(token: &[u8; 32]) -> [u8; 32] {
    sha256(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_give_distinct_values() {
        let keys = LinkSecret::from_bytes([7; 32]).keys();
        let auth = keys.auth_key.as_bytes();
        let material = keys.payload_key_material.as_bytes();
        assert_ne!(auth, &*keys.delete_key);
        assert_ne!(auth, material);
        assert_ne!(&*keys.delete_key, material);
        for other in [auth, material, &*keys.delete_key] {
            assert_ne!(&*keys.access_key, other);
        }
        assert_ne!(keys.id.as_bytes(), &auth[..16]);
    }

    #[test]
    fn verifier_depends_on_pin_and_secret() {
        let pin_a = Pin::parse("40917").unwrap();
        let pin_b = Pin::parse("40918").unwrap();
        let secret = LinkSecret::from_bytes([1; 32]);
        let other = LinkSecret::from_bytes([2; 32]);
        assert_ne!(pin_verifier(&secret, &pin_a), pin_verifier(&secret, &pin_b));
        assert_ne!(pin_verifier(&secret, &pin_a), pin_verifier(&other, &pin_a));
    }

    #[test]
    fn proof_is_checked_by_the_relay_function() {
        let secret = LinkSecret::make_random();
        let pin = Pin::parse("40917").unwrap();
        let keys = secret.keys();
        let challenge = [9; 32];
        let proof = keys.proof(&pin, &challenge);
        let verifier = pin_verifier(&secret, &pin);
        assert!(crate::pickup::proof_matches(
            &verifier, &keys.id, &challenge, &proof
        ));
    }

    #[test]
    fn delete_and_owner_hashes_are_sha256() {
        let secret = LinkSecret::from_bytes([3; 32]);
        let key = delete_key(&secret);
        assert_eq!(delete_verifier(&key), sha256(&key));
        assert_eq!(secret.keys().delete_verifier(), sha256(&key));
        let token = OwnerToken::make_random();
        let parsed = OwnerToken::from_base64(&token.to_base64()).unwrap();
        assert_eq!(parsed.hash(), sha256(token.as_bytes()));
        assert_eq!(hash_owner_token(token.as_bytes()), token.hash());
        let keys = secret.keys();
        assert_eq!(keys.access_key_hash(), sha256(&keys.access_key()[..]));
    }

    #[test]
    fn debug_never_prints_secret_bytes() {
        let secret = LinkSecret::from_bytes([0xab; 32]);
        let text = format!(
            "{secret:?} {:?} {:?}",
            secret.keys(),
            OwnerToken::from_bytes([0xab; 32])
        );
        assert!(!text.contains(secret.to_fragment().as_str()));
        assert!(!text.contains("171"));
        assert!(!text.contains("q6ur"));
    }
}
