//! [`SecretKey`]: the one key type the features hold.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::KdfParams;
use super::primitives::{self, KEY_LEN};

pub const NONCE_LEN: usize = primitives::NONCE_LEN;
/// Bytes the AEAD adds to every plaintext.
pub const TAG_LEN: usize = primitives::TAG_LEN;
/// An XChaCha20-Poly1305 nonce: 24 bytes, random for every encryption (`make_random_nonce`).
pub type Nonce = [u8; NONCE_LEN];

/// Decryption failed: a wrong key (password, PIN, passphrase), wrong associated data or
/// altered bytes. One error for all on purpose: the AEAD cannot tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot decrypt: wrong key or altered data")]
pub struct DecryptionFailed;

/// Argon2id refused its parameters; callers check a [`super::KdfPolicy`] first, so this means
/// parameters outside every policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Argon2id failed: {0}")]
pub struct KdfFailed(pub argon2::Error);

/// A 256-bit key that is wiped when dropped and never printed. The bytes stay inside this
/// crate: a feature derives keys, encrypts and wraps through the methods below.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey([u8; KEY_LEN]);

impl SecretKey {
    /// A fresh random key from the operating system's generator (`make_*`: random).
    pub fn make_random() -> Self {
        Self(primitives::random_bytes())
    }

    /// A fresh random nonce for [`SecretKey::encrypt`] or [`SecretKey::wrap_key`].
    pub fn make_random_nonce() -> Nonce {
        primitives::random_bytes()
    }

    pub(crate) fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Password-protected: `Argon2id(password, salt, kdf)` (`derive_*`: deterministic). Check
    /// `kdf` against the use's [`super::KdfPolicy`] first.
    pub fn derive_from_password(
        password: &[u8],
        salt: &[u8],
        kdf: &KdfParams,
    ) -> Result<Self, KdfFailed> {
        let mut key = Self([0; KEY_LEN]);
        primitives::argon2id(password, salt, kdf, &mut key.0).map_err(KdfFailed)?;
        Ok(key)
    }

    /// Secret-protected: `HKDF-SHA256(ikm = secret, salt, info = concatenation of info)`,
    /// for keys derived from a random secret (a link secret, another key).
    pub fn derive_from_secret(secret: &SecretKey, salt: Option<&[u8]>, info: &[&[u8]]) -> Self {
        let mut key = Self([0; KEY_LEN]);
        primitives::hkdf_sha256(salt, &secret.0, info, &mut key.0);
        key
    }

    /// XChaCha20-Poly1305 of `plaintext` with `aad` bound to it; the result ends in the tag.
    pub fn encrypt(&self, nonce: &Nonce, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        primitives::xchacha20poly1305_seal(&self.0, nonce, plaintext, aad)
    }

    pub fn decrypt(
        &self,
        nonce: &Nonce,
        ciphertext: &[u8],
        aad: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, DecryptionFailed> {
        primitives::xchacha20poly1305_open(&self.0, nonce, ciphertext, aad)
            .map_err(|_| DecryptionFailed)
    }

    /// Encrypts another key under this one (a key-encryption key): 48 bytes out.
    pub fn wrap_key(&self, nonce: &Nonce, key: &SecretKey, aad: &[u8]) -> Vec<u8> {
        self.encrypt(nonce, &key.0, aad)
    }

    /// The inverse of [`SecretKey::wrap_key`].
    pub fn unwrap_key(
        &self,
        nonce: &Nonce,
        wrapped: &[u8],
        aad: &[u8],
    ) -> Result<SecretKey, DecryptionFailed> {
        let plain = self.decrypt(nonce, wrapped, aad)?;
        let bytes: [u8; KEY_LEN] = plain.as_slice().try_into().map_err(|_| DecryptionFailed)?;
        Ok(Self(bytes))
    }

    /// HMAC-SHA256 keyed with this key over the concatenation of `parts`.
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        primitives::hmac_sha256(&self.0, parts)
    }

    /// Lower-case hex: SQLCipher's raw-key syntax, and how test vectors record keys.
    pub fn to_hex(&self) -> Zeroizing<String> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = Zeroizing::new(String::with_capacity(KEY_LEN * 2));
        for byte in self.0 {
            out.push(char::from(DIGITS[usize::from(byte >> 4)]));
            out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
        }
        out
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KdfPolicy;

    #[test]
    fn encrypt_binds_key_nonce_and_associated_data() {
        let key = SecretKey::make_random();
        let nonce = SecretKey::make_random_nonce();
        let sealed = key.encrypt(&nonce, b"hello", b"context");
        assert_eq!(sealed.len(), 5 + TAG_LEN);
        assert_eq!(
            key.decrypt(&nonce, &sealed, b"context").unwrap().as_slice(),
            b"hello"
        );
        assert_eq!(
            key.decrypt(&nonce, &sealed, b"other"),
            Err(DecryptionFailed)
        );
        let other = SecretKey::make_random();
        assert_eq!(
            other.decrypt(&nonce, &sealed, b"context"),
            Err(DecryptionFailed)
        );
    }

    #[test]
    fn wrapped_keys_round_trip() {
        let kek =
            SecretKey::derive_from_password(b"pw", &[7; 16], &KdfPolicy::PICKUP_PASSPHRASE.floor)
                .unwrap();
        let data_key = SecretKey::make_random();
        let nonce = SecretKey::make_random_nonce();
        let wrapped = kek.wrap_key(&nonce, &data_key, b"header");
        assert_eq!(wrapped.len(), 48);
        let opened = kek.unwrap_key(&nonce, &wrapped, b"header").unwrap();
        assert_eq!(opened.to_hex(), data_key.to_hex());
        assert!(kek.unwrap_key(&nonce, &wrapped[..47], b"header").is_err());
    }

    #[test]
    fn hex_is_lower_case_and_debug_redacts() {
        let key = SecretKey::from_bytes([0xab; KEY_LEN]);
        assert_eq!(key.to_hex().as_str(), "ab".repeat(KEY_LEN));
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }
}
