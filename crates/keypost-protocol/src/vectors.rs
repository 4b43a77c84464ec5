//! Deterministic inputs and intermediate values for the test-vector generators: the pickup
//! vectors (`tests/support/vectors.rs`, written by `examples/make_vectors.rs`) and keypost-core's
//! vault vectors. Only with the `vectors` feature, which dev-dependencies enable and no shipped
//! crate does: outside it, no public function takes or returns raw key bytes.

use crate::crypto::{KdfParams, SecretKey};
use crate::pickup::{self, LinkSecret, PassphraseError, PickupId, Pin, delete_key};

/// A key with chosen bytes, so a vector's output does not change between runs.
pub fn secret_key(bytes: [u8; 32]) -> SecretKey {
    SecretKey::from_bytes(bytes)
}

/// Every value the pickup key schedule derives (docs/spec/pickup.md, "Key derivation"), so a
/// new implementation can find the first step where it differs.
pub struct PickupTrace {
    pub id: PickupId,
    pub auth_key: [u8; 32],
    pub delete_key: [u8; 32],
    pub payload_key_material: [u8; 32],
    pub pin_verifier: [u8; 32],
    pub delete_verifier: [u8; 32],
    /// Set when a passphrase and its Argon2id cost are given.
    pub passphrase_key: Option<[u8; 32]>,
    pub payload_key: [u8; 32],
}

pub fn pickup_trace(
    secret: &LinkSecret,
    pin: &Pin,
    passphrase: Option<(&str, KdfParams)>,
) -> Result<PickupTrace, PassphraseError> {
    let keys = secret.keys();
    let passphrase_key = passphrase
        .map(|(text, kdf)| pickup::passphrase_key(text, &keys.id(), kdf))
        .transpose()?;
    let payload_key = pickup::payload_key(&keys, pin, passphrase_key.as_ref());
    Ok(PickupTrace {
        id: keys.id(),
        auth_key: *keys.auth_key.as_bytes(),
        delete_key: delete_key(secret),
        payload_key_material: *keys.payload_key_material.as_bytes(),
        pin_verifier: keys.pin_verifier(pin),
        delete_verifier: keys.delete_verifier(),
        passphrase_key: passphrase_key.map(|key| *key.as_bytes()),
        payload_key: *payload_key.as_bytes(),
    })
}

pub use crate::pickup::sealed::seal_plaintext;
