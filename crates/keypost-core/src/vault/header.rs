//! The vault header: the only unencrypted bytes of a vault, normative in
//! `docs/spec/vault-format.md` ("Header"). Parsing is pure (no I/O, no crypto) so the fuzz
//! target can call [`VaultHeader::parse`] on arbitrary bytes.

use sha2::{Digest, Sha256};
use thiserror::Error;

/// First eight bytes of every header (spec: "Header layout").
pub const MAGIC: [u8; 8] = *b"KEYPOST\x00";
/// The only format version this code reads and writes.
pub const FORMAT_VERSION: u16 = 1;
/// KDF identifier 1: Argon2id, version 0x13 (RFC 9106).
pub const KDF_ARGON2ID: u8 = 1;
/// Key-wrap identifier 1: XChaCha20-Poly1305.
pub const WRAP_XCHACHA20POLY1305: u8 = 1;

pub const SALT_LEN: usize = 32;
pub const NONCE_LEN: usize = 24;
/// 32-byte data key + 16-byte Poly1305 tag.
pub const WRAPPED_KEY_LEN: usize = 48;
pub const CHECKSUM_LEN: usize = 32;

const OFFSET_VERSION: usize = 8;
const OFFSET_KDF_ID: usize = 10;
const OFFSET_MEMORY: usize = 11;
const OFFSET_ITERATIONS: usize = 15;
const OFFSET_PARALLELISM: usize = 19;
const OFFSET_SALT: usize = 23;
const OFFSET_WRAP_ID: usize = OFFSET_SALT + SALT_LEN;
const OFFSET_NONCE: usize = OFFSET_WRAP_ID + 1;
/// Everything before the wrapped key: the associated data of the key wrap.
pub const ASSOCIATED_DATA_LEN: usize = OFFSET_NONCE + NONCE_LEN;
const OFFSET_CHECKSUM: usize = ASSOCIATED_DATA_LEN + WRAPPED_KEY_LEN;
/// Total header length; a header of any other length is refused.
pub const HEADER_LEN: usize = OFFSET_CHECKSUM + CHECKSUM_LEN;

/// The Argon2id cost type and its range are the crypto layer's, shared with pickups; the
/// vault's numbers are [`KdfPolicy::VAULT`].
pub use keypost_protocol::crypto::{KdfParams, KdfParamsError, KdfPolicy};

/// Why a byte string is not a valid header.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HeaderError {
    #[error("header is {found} bytes long, expected {HEADER_LEN}")]
    Length { found: usize },
    #[error("not a Keypost vault header (bad magic bytes)")]
    Magic,
    #[error("vault format version {found} is not supported (this build reads version 1)")]
    UnsupportedVersion { found: u16 },
    #[error("header checksum does not match: the header is damaged")]
    Checksum,
    #[error("unknown key derivation function id {found}")]
    UnknownKdf { found: u8 },
    #[error("unknown key wrap algorithm id {found}")]
    UnknownWrap { found: u8 },
    #[error(transparent)]
    KdfParams(#[from] KdfParamsError),
}

/// A parsed, validated header. The wrapped key is still sealed: opening it needs the
/// master password (see `vault::keys`).
#[derive(Clone, PartialEq, Eq)]
pub struct VaultHeader {
    pub kdf: KdfParams,
    pub salt: [u8; SALT_LEN],
    pub nonce: [u8; NONCE_LEN],
    pub wrapped_key: [u8; WRAPPED_KEY_LEN],
}

impl std::fmt::Debug for VaultHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultHeader")
            .field("kdf", &self.kdf)
            .finish_non_exhaustive()
    }
}

impl VaultHeader {
    /// Parses and validates a header, applying the spec's MUST-reject rules in order.
    pub fn parse(bytes: &[u8]) -> Result<Self, HeaderError> {
        // Rule 1: exact length (a truncated or extended header is damaged).
        if bytes.len() != HEADER_LEN {
            // A short input with the right magic and another version is still reported as a
            // version problem, so a future format with another length gets the clearer message.
            if bytes.len() >= OFFSET_KDF_ID && bytes[..OFFSET_VERSION] == MAGIC {
                let version = read_u16(bytes, OFFSET_VERSION);
                if version != FORMAT_VERSION {
                    return Err(HeaderError::UnsupportedVersion { found: version });
                }
            }
            return Err(HeaderError::Length { found: bytes.len() });
        }
        // Rule 2: magic.
        if bytes[..OFFSET_VERSION] != MAGIC {
            return Err(HeaderError::Magic);
        }
        // Rule 3: version, before the checksum because another version may lay bytes out
        // differently.
        let version = read_u16(bytes, OFFSET_VERSION);
        if version != FORMAT_VERSION {
            return Err(HeaderError::UnsupportedVersion { found: version });
        }
        // Rule 4: checksum over every preceding byte.
        let expected = Sha256::digest(&bytes[..OFFSET_CHECKSUM]);
        if expected.as_slice() != &bytes[OFFSET_CHECKSUM..] {
            return Err(HeaderError::Checksum);
        }
        // Rule 5: algorithm ids and KDF range.
        if bytes[OFFSET_KDF_ID] != KDF_ARGON2ID {
            return Err(HeaderError::UnknownKdf {
                found: bytes[OFFSET_KDF_ID],
            });
        }
        if bytes[OFFSET_WRAP_ID] != WRAP_XCHACHA20POLY1305 {
            return Err(HeaderError::UnknownWrap {
                found: bytes[OFFSET_WRAP_ID],
            });
        }
        let kdf = KdfParams {
            memory_kib: read_u32(bytes, OFFSET_MEMORY),
            iterations: read_u32(bytes, OFFSET_ITERATIONS),
            parallelism: read_u32(bytes, OFFSET_PARALLELISM),
        };
        KdfPolicy::VAULT.check(kdf)?;
        Ok(Self {
            kdf,
            salt: copy_array(bytes, OFFSET_SALT),
            nonce: copy_array(bytes, OFFSET_NONCE),
            wrapped_key: copy_array(bytes, ASSOCIATED_DATA_LEN),
        })
    }

    /// The exact bytes written to the `header` file.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[..ASSOCIATED_DATA_LEN].copy_from_slice(&self.associated_data());
        out[ASSOCIATED_DATA_LEN..OFFSET_CHECKSUM].copy_from_slice(&self.wrapped_key);
        let checksum = Sha256::digest(&out[..OFFSET_CHECKSUM]);
        out[OFFSET_CHECKSUM..].copy_from_slice(&checksum);
        out
    }

    /// Bytes 0..80: every field before the wrapped key, bound to the key wrap as associated
    /// data so no parameter can be changed without the unwrap failing.
    pub fn associated_data(&self) -> [u8; ASSOCIATED_DATA_LEN] {
        let mut out = [0u8; ASSOCIATED_DATA_LEN];
        out[..OFFSET_VERSION].copy_from_slice(&MAGIC);
        out[OFFSET_VERSION..OFFSET_KDF_ID].copy_from_slice(&FORMAT_VERSION.to_be_bytes());
        out[OFFSET_KDF_ID] = KDF_ARGON2ID;
        out[OFFSET_MEMORY..OFFSET_ITERATIONS].copy_from_slice(&self.kdf.memory_kib.to_be_bytes());
        out[OFFSET_ITERATIONS..OFFSET_PARALLELISM]
            .copy_from_slice(&self.kdf.iterations.to_be_bytes());
        out[OFFSET_PARALLELISM..OFFSET_SALT].copy_from_slice(&self.kdf.parallelism.to_be_bytes());
        out[OFFSET_SALT..OFFSET_WRAP_ID].copy_from_slice(&self.salt);
        out[OFFSET_WRAP_ID] = WRAP_XCHACHA20POLY1305;
        out[OFFSET_NONCE..ASSOCIATED_DATA_LEN].copy_from_slice(&self.nonce);
        out
    }
}

fn read_u16(bytes: &[u8], offset: usize) -> u16 {
    u16::from_be_bytes(copy_array(bytes, offset))
}

fn read_u32(bytes: &[u8], offset: usize) -> u32 {
    u32::from_be_bytes(copy_array(bytes, offset))
}

/// Copies `N` bytes at `offset`; callers have checked the length, and a short slice yields
/// zeros rather than a panic.
fn copy_array<const N: usize>(bytes: &[u8], offset: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(source) = bytes.get(offset..offset + N) {
        out.copy_from_slice(source);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> VaultHeader {
        VaultHeader {
            kdf: KdfParams::FLOOR,
            salt: [7; SALT_LEN],
            nonce: [9; NONCE_LEN],
            wrapped_key: [3; WRAPPED_KEY_LEN],
        }
    }

    #[test]
    fn round_trips() {
        let header = sample();
        let bytes = header.to_bytes();
        assert_eq!(bytes.len(), 160);
        assert_eq!(VaultHeader::parse(&bytes).unwrap(), header);
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let bytes = sample().to_bytes();
        for index in 0..HEADER_LEN {
            for bit in 0..8 {
                let mut damaged = bytes;
                damaged[index] ^= 1 << bit;
                assert!(
                    VaultHeader::parse(&damaged).is_err(),
                    "flip of byte {index} bit {bit} accepted"
                );
            }
        }
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = sample().to_bytes();
        for len in 0..HEADER_LEN {
            assert!(VaultHeader::parse(&bytes[..len]).is_err());
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert_eq!(
            VaultHeader::parse(&longer),
            Err(HeaderError::Length { found: 161 })
        );
    }

    #[test]
    fn kdf_range_is_enforced() {
        let mut low = sample();
        low.kdf.memory_kib -= 1;
        assert!(matches!(
            VaultHeader::parse(&low.to_bytes()),
            Err(HeaderError::KdfParams(_))
        ));
        let mut high = sample();
        high.kdf.parallelism = 65;
        assert!(matches!(
            VaultHeader::parse(&high.to_bytes()),
            Err(HeaderError::KdfParams(_))
        ));
        assert!(KdfPolicy::VAULT.check(KdfParams::RECOMMENDED).is_ok());
        assert!(KdfPolicy::VAULT.check(KdfParams::CEILING).is_ok());
    }
}
