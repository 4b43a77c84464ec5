//! The key hierarchy (spec: "Key hierarchy"): master password → Argon2id → key-encryption key
//! (KEK) → unwraps the random data key, which is SQLCipher's raw key.
//!
//! The crypto is keypost-protocol's envelope layer (password-protected key, key wrap with the
//! header as associated data); this file only decides which header bytes go where.

use super::header::{KdfParams, NONCE_LEN, SALT_LEN, VaultHeader, WRAPPED_KEY_LEN};
use keypost_protocol::crypto::KdfFailed;
use rand::RngCore;
use rand::rngs::OsRng;
use thiserror::Error;

pub use keypost_protocol::crypto::SecretKey;

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
    SecretKey::derive_from_password(master_password.as_bytes(), salt, kdf)
        .map_err(|KdfFailed(error)| KeyError::Kdf(error))
}

/// Makes a header that wraps `data_key` under `master_password`, with a fresh salt and nonce.
pub fn make_header(
    master_password: &str,
    kdf: KdfParams,
    data_key: &SecretKey,
) -> Result<VaultHeader, KeyError> {
    let mut salt = [0u8; SALT_LEN];
    OsRng.fill_bytes(&mut salt);
    let nonce = SecretKey::make_random_nonce();
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
    let wrapped = kek.wrap_key(&nonce, data_key, &header.associated_data());
    header.wrapped_key = wrapped.try_into().map_err(|_| KeyError::Wrap)?;
    Ok(header)
}

/// Opens the wrapped data key with the KEK, checking the header bytes as associated data.
pub fn unwrap_data_key(kek: &SecretKey, header: &VaultHeader) -> Result<SecretKey, KeyError> {
    kek.unwrap_key(
        &header.nonce,
        &header.wrapped_key,
        &header.associated_data(),
    )
    .map_err(|_| KeyError::WrongPassword)
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
        assert_eq!(opened.to_hex(), data_key.to_hex());
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
}
