//! The hazardous layer: thin calls into the RustCrypto crates and the `hpke` crate (RFC 9180),
//! private to this crate. Only [`super::SecretKey`] and the format modules call these; nothing
//! public takes raw key bytes.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use hpke::aead::{AeadCtxS, ChaCha20Poly1305};
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use rand::rngs::OsRng;
use rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::KdfParams;

pub(crate) const KEY_LEN: usize = 32;
pub(crate) const NONCE_LEN: usize = 24;
pub(crate) const TAG_LEN: usize = 16;

/// An X25519 private key of the inbox's HPKE suite (wiped on drop by the `hpke` crate).
pub(crate) type HpkePrivateKey = <X25519HkdfSha256 as Kem>::PrivateKey;
/// An X25519 public key of the inbox's HPKE suite.
pub(crate) type HpkePublicKey = <X25519HkdfSha256 as Kem>::PublicKey;
/// Length of an HPKE encapsulated key (the sender's ephemeral X25519 public key).
pub(crate) const HPKE_ENC_LEN: usize = 32;

/// The AEAD refused the input: wrong key, wrong associated data or altered bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AeadFailed;

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// HMAC-SHA256 over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// HKDF-SHA256 (extract with `salt`, expand with the concatenation of `info`) into `out`, which
/// is at most 32 bytes, far below SHA-256's 255 × 32 limit.
pub(crate) fn hkdf_sha256(salt: Option<&[u8]>, ikm: &[u8], info: &[&[u8]], out: &mut [u8]) {
    Hkdf::<Sha256>::new(salt, ikm)
        .expand_multi_info(info, out)
        .unwrap_or_else(|_| unreachable!("output length is at most 32 bytes"));
}

/// Argon2id version 0x13 (RFC 9106) into `out`.
pub(crate) fn argon2id(
    password: &[u8],
    salt: &[u8],
    kdf: &KdfParams,
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let params = Params::new(
        kdf.memory_kib,
        kdf.iterations,
        kdf.parallelism,
        Some(out.len()),
    )?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into(password, salt, out)
}

/// XChaCha20-Poly1305: ciphertext followed by the 16-byte tag.
pub(crate) fn xchacha20poly1305_seal(
    key: &[u8; KEY_LEN],
    nonce: &[u8; NONCE_LEN],
    plaintext: &[u8],
    aad: &[u8],
) -> Vec<u8> {
    XChaCha20Poly1305::new(key.into())
        .encrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .unwrap_or_else(|_| unreachable!("XChaCha20-Poly1305 encrypts any length below 256 GiB"))
}

pub(crate) fn xchacha20poly1305_open(
    key: &[u8; KEY_LEN],
    nonce: &[u8; NONCE_LEN],
    ciphertext: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, AeadFailed> {
    XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| AeadFailed)
}

/// The key pair RFC 9180's `DeriveKeyPair(ikm)` makes for DHKEM(X25519, HKDF-SHA256).
pub(crate) fn hpke_derive_keypair(ikm: &[u8; 32]) -> (HpkePrivateKey, HpkePublicKey) {
    X25519HkdfSha256::derive_keypair(ikm)
}

/// HPKE refused to encapsulate to a public key (a low-order X25519 point).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EncapFailed;

/// A base-mode HPKE sender context, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 /
/// ChaCha20-Poly1305, after encapsulation: it seals exactly one plaintext.
pub(crate) struct HpkeSender(AeadCtxS<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>);

impl HpkeSender {
    /// RFC 9180 `SetupBaseS(pkR, info)` with the ephemeral key `DeriveKeyPair(ikm_e)`: the same
    /// as the `hpke` crate's own key generation, which draws `ikm_e` from the random generator,
    /// so a caller passing 32 fresh random bytes gets a standard encapsulation and a test vector
    /// passing fixed bytes gets a reproducible one. Returns `enc` and the context.
    pub(crate) fn setup(
        recipient: &HpkePublicKey,
        info: &[u8],
        ikm_e: &[u8; 32],
    ) -> Result<([u8; HPKE_ENC_LEN], Self), EncapFailed> {
        let mut rng = EphemeralIkm {
            ikm: Some(Zeroizing::new(*ikm_e)),
        };
        let (enc, context) =
            hpke::setup_sender::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256, _>(
                &OpModeS::Base,
                recipient,
                info,
                &mut rng,
            )
            .map_err(|_| EncapFailed)?;
        let mut enc_bytes = [0u8; HPKE_ENC_LEN];
        enc_bytes.copy_from_slice(&enc.to_bytes());
        Ok((enc_bytes, Self(context)))
    }

    /// `ContextS.Seal(aad, plaintext)` with sequence number 0: ciphertext then 16-byte tag.
    pub(crate) fn seal(mut self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        self.0
            .seal(plaintext, aad)
            .unwrap_or_else(|_| unreachable!("the first message of a context never overflows"))
    }
}

/// RFC 9180 `SetupBaseR(enc, skR, info)` then `ContextR.Open(aad, ciphertext)`. Every failure
/// (an `enc` that is not a usable point, a wrong key, altered bytes) is one [`AeadFailed`].
pub(crate) fn hpke_open(
    recipient: &HpkePrivateKey,
    enc: &[u8; HPKE_ENC_LEN],
    info: &[u8],
    ciphertext: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, AeadFailed> {
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(enc).map_err(|_| AeadFailed)?;
    let mut context = hpke::setup_receiver::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        recipient,
        &enc,
        info,
    )
    .map_err(|_| AeadFailed)?;
    context
        .open(ciphertext, aad)
        .map(Zeroizing::new)
        .map_err(|_| AeadFailed)
}

/// The random generator HPKE's encapsulation draws its ephemeral key from: the first 32-byte
/// request (DHKEM(X25519)'s `Nsk`, the only one base mode makes) gets `ikm`, anything else
/// the operating system's generator.
struct EphemeralIkm {
    ikm: Option<Zeroizing<[u8; 32]>>,
}

impl RngCore for EphemeralIkm {
    fn next_u32(&mut self) -> u32 {
        OsRng.next_u32()
    }

    fn next_u64(&mut self) -> u64 {
        OsRng.next_u64()
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        match self.ikm.take() {
            Some(ikm) if dest.len() == ikm.len() => dest.copy_from_slice(ikm.as_ref()),
            _ => OsRng.fill_bytes(dest),
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for EphemeralIkm {}
