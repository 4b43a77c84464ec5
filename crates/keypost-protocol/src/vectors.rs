//! Deterministic inputs and intermediate values for the test-vector generators: the pickup
//! vectors (`tests/support/vectors.rs`, written by `examples/make_vectors.rs`) and keypost-core's
//! vault vectors. Only with the `vectors` feature, which dev-dependencies enable and no shipped
//! crate does: outside it, no public function takes or returns raw key bytes.

use crate::crypto::{KdfParams, NONCE_LEN, SecretKey};
use crate::pickup::{
    self, LinkSecret, PassphraseError, PickupId, Pin, SealError, SealedPickup, delete_key,
};

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

/// Seals any plaintext, canonical or not, with a chosen nonce: [`pickup::seal`] seals only
/// valid payloads under a random nonce, and the vectors also need broken ones.
pub fn seal_plaintext(
    secret: &LinkSecret,
    pin: &Pin,
    passphrase: Option<&str>,
    kdf: KdfParams,
    nonce: [u8; NONCE_LEN],
    plaintext: &[u8],
) -> Result<SealedPickup, SealError> {
    pickup::seal_plaintext(secret, pin, passphrase, kdf, nonce, plaintext)
}
