//! The key hierarchy (spec: "Key hierarchy"): master password → Argon2id → key-encryption key
//! (KEK) → unwraps the random data key, which is SQLCipher's raw key.

use super::header::{KdfParams, NONCE_LEN, SALT_LEN, VaultHeader, WRAPPED_KEY_LEN};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use rand::rngs::OsRng;
use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub const KEY_LEN: usize = 32;

/// A 256-bit key that is wiped when dropped and never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey([u8; KEY_LEN]);

impl SecretKey {
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// A fresh random key from the operating system's generator (`make_*`: random).
    pub fn make_random() -> Self {
        let mut bytes = [0u8; KEY_LEN];
        OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Lower-case hex, as SQLCipher's raw-key syntax wants it.
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

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The unwrap failed: wrong password, or a header that was altered consistently
    /// (checksum recomputed). Deliberately vague, as crypto failures should be.
    #[error("wrong master password")]
    WrongPassword,
    #[error("Argon2id failed: {0}")]
    Kdf(argon2::Error),
    #[error("key wrap failed")]
    Wrap,
}

/// Derives the key-encryption key (`derive_*`: deterministic).
pub fn derive_kek(
    master_password: &str,
    salt: &[u8; SALT_LEN],
    kdf: &KdfParams,
) -> Result<SecretKey, KeyError> {
    let params = Params::new(
        kdf.memory_kib,
        kdf.iterations,
        kdf.parallelism,
        Some(KEY_LEN),
    )
    .map_err(KeyError::Kdf)?;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut kek = SecretKey([0u8; KEY_LEN]);
    argon2
        .hash_password_into(master_password.as_bytes(), salt, &mut kek.0)
        .map_err(KeyError::Kdf)?;
    Ok(kek)
}

/// Makes a header that wraps `data_key` under `master_password`, with a fresh salt and nonce.
pub fn make_header(
    master_password: &str,
    kdf: KdfParams,
    data_key: &SecretKey,
) -> Result<VaultHeader, KeyError> {
    let mut salt = [0u8; SALT_LEN];
    OsRng.fill_bytes(&mut salt);
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let kek = derive_kek(master_password, &salt, &kdf)?;
    seal_header(&kek, kdf, salt, nonce, data_key)
}

/// Wraps the data key with given salt and nonce; split out so test vectors are reproducible.
pub fn seal_header(
    kek: &SecretKey,
    kdf: KdfParams,
    salt: [u8; SALT_LEN],
    nonce: [u8; NONCE_LEN],
    data_key: &SecretKey,
) -> Result<VaultHeader, KeyError> {
    let mut header = VaultHeader {
        kdf,
        salt,
        nonce,
        wrapped_key: [0u8; WRAPPED_KEY_LEN],
    };
    let cipher = XChaCha20Poly1305::new(kek.as_bytes().into());
    let associated_data = header.associated_data();
    let wrapped = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: data_key.as_bytes(),
                aad: &associated_data,
            },
        )
        .map_err(|_| KeyError::Wrap)?;
    if wrapped.len() != WRAPPED_KEY_LEN {
        return Err(KeyError::Wrap);
    }
    header.wrapped_key.copy_from_slice(&wrapped);
    Ok(header)
}

/// Opens the wrapped data key with the KEK, checking the header bytes as associated data.
pub fn unwrap_data_key(kek: &SecretKey, header: &VaultHeader) -> Result<SecretKey, KeyError> {
    let cipher = XChaCha20Poly1305::new(kek.as_bytes().into());
    let associated_data = header.associated_data();
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&header.nonce),
                Payload {
                    msg: &header.wrapped_key,
                    aad: &associated_data,
                },
            )
            .map_err(|_| KeyError::WrongPassword)?,
    );
    let mut key = SecretKey([0u8; KEY_LEN]);
    if plain.len() != KEY_LEN {
        return Err(KeyError::WrongPassword);
    }
    key.0.copy_from_slice(&plain);
    Ok(key)
}

/// Master password → data key, the whole unlock path of the key hierarchy.
pub fn open_data_key(master_password: &str, header: &VaultHeader) -> Result<SecretKey, KeyError> {
    let kek = derive_kek(master_password, &header.salt, &header.kdf)?;
    unwrap_data_key(&kek, header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_then_unwrap_and_wrong_password() {
        let data_key = SecretKey::make_random();
        let header = make_header("correct horse", KdfParams::FLOOR, &data_key).unwrap();
        let opened = open_data_key("correct horse", &header).unwrap();
        assert_eq!(opened.as_bytes(), data_key.as_bytes());
        assert!(matches!(
            open_data_key("wrong horse", &header),
            Err(KeyError::WrongPassword)
        ));
    }

    #[test]
    fn associated_data_binds_parameters() {
        let data_key = SecretKey::make_random();
        let header = make_header("pw", KdfParams::FLOOR, &data_key).unwrap();
        let kek = derive_kek("pw", &header.salt, &header.kdf).unwrap();
        let mut altered = header.clone();
        altered.nonce[0] ^= 1;
        assert!(unwrap_data_key(&kek, &altered).is_err());
        let mut altered = header;
        altered.kdf.iterations += 1;
        assert!(unwrap_data_key(&kek, &altered).is_err());
    }

    #[test]
    fn hex_is_lower_case_and_complete() {
        let key = SecretKey::from_bytes([0xab; KEY_LEN]);
        assert_eq!(key.to_hex().as_str(), "ab".repeat(KEY_LEN));
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }
}
