//! Deterministic inputs and intermediate values for the test-vector generators: the pickup
//! and inbox vectors (`tests/support/vectors.rs`, `tests/support/inbox_vectors.rs`, written by
//! `examples/make_vectors.rs`) and keypost-core's
//! vault vectors. Only with the `vectors` feature, which dev-dependencies enable and no shipped
//! crate does: outside it, no public function takes or returns raw key bytes.

use zeroize::Zeroizing;

use crate::crypto::{KdfParams, NONCE_LEN, SecretKey};
use crate::inbox::identity::BUNDLE_LEN;
use crate::inbox::invite::{Direction, InviteSealError};
use crate::inbox::{
    Answer, AnswerParts, Fingerprint, Identity, InviteId, InviteSecret, KeyBundle, MessageId,
    Offer, Payload, Signature, sealed,
};
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
    pub access_key: [u8; 32],
    pub access_key_hash: [u8; 32],
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
        access_key: *keys.access_key(),
        access_key_hash: keys.access_key_hash(),
        passphrase_key: passphrase_key.map(|key| *key.as_bytes()),
        payload_key: *payload_key.as_bytes(),
    })
}

pub use crate::pickup::sealed::seal_plaintext;

/// Every value the invite key schedule derives (docs/spec/inbox.md, "Invite derivations").
pub struct InviteTrace {
    pub id: InviteId,
    pub accept_token: [u8; 32],
    pub accept_token_hash: [u8; 32],
    pub offer_key: [u8; 32],
    pub answer_key: [u8; 32],
}

pub fn invite_trace(secret: &InviteSecret) -> InviteTrace {
    let keys = secret.keys();
    InviteTrace {
        id: keys.id(),
        accept_token: *keys.accept_token().as_bytes(),
        accept_token_hash: keys.accept_token().hash(),
        offer_key: *keys.key(Direction::Offer).as_bytes(),
        answer_key: *keys.key(Direction::Answer).as_bytes(),
    }
}

/// [`Offer::seal`] with a chosen nonce.
pub fn seal_offer(
    offer: &Offer,
    secret: &InviteSecret,
    nonce: [u8; NONCE_LEN],
) -> Result<Vec<u8>, InviteSealError> {
    offer.seal_with_nonce(secret, &nonce)
}

/// [`Answer::seal`] with a chosen nonce.
pub fn seal_answer(
    me: &Identity,
    parts: AnswerParts<'_>,
    nonce: [u8; NONCE_LEN],
) -> Result<Vec<u8>, InviteSealError> {
    Answer::seal_with_nonce(me, parts, &nonce)
}

/// Seals any plaintext, canonical or not, as an offer or an answer of `secret`.
pub fn seal_invite_plaintext(
    secret: &InviteSecret,
    direction: Direction,
    nonce: [u8; NONCE_LEN],
    plaintext: &[u8],
) -> Vec<u8> {
    secret.keys().seal(direction, &nonce, plaintext)
}

/// [`sealed::seal`] with the HPKE ephemeral key `DeriveKeyPair(ikm_e)`.
pub fn seal_message(
    sender: &Identity,
    recipient: &KeyBundle,
    message_id: MessageId,
    sent_at: u64,
    payload: &Payload,
    ikm_e: [u8; 32],
) -> Result<Vec<u8>, sealed::SealError> {
    sealed::seal_with_ikm(sender, recipient, message_id, sent_at, payload, &ikm_e)
}

/// Seals whatever inner plaintext `make_inner` builds for the header, so the vectors can break
/// every rule after decryption.
pub fn seal_message_inner(
    recipient: &KeyBundle,
    message_id: MessageId,
    sent_at: u64,
    sender: Fingerprint,
    ikm_e: [u8; 32],
    make_inner: impl FnOnce(&[u8; sealed::HEADER_LEN]) -> Vec<u8>,
) -> Result<Vec<u8>, sealed::SealError> {
    sealed::seal_inner(recipient, message_id, sent_at, sender, &ikm_e, |header| {
        Zeroizing::new(make_inner(header))
    })
}

/// The inner plaintext of a message: bundle, signature, length, payload, Padmé zeros.
pub fn message_inner(bundle: &[u8; BUNDLE_LEN], signature: &Signature, payload: &[u8]) -> Vec<u8> {
    sealed::inner(bundle, signature, payload).to_vec()
}

/// An identity's two private keys (Ed25519 seed, X25519 scalar), for the identity vectors.
pub fn identity_secret_keys(identity: &Identity) -> ([u8; 32], [u8; 32]) {
    identity.secret_key_bytes()
}
