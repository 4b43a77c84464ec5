//! Canonical unpadded base64url (RFC 4648 §5), the only binary encoding on the wire.
//! Padding, whitespace, the standard alphabet and non-zero trailing bits MUST be rejected
//! (docs/spec/pickup.md, "Conventions").

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum B64Error {
    #[error("not canonical unpadded base64url")]
    NotCanonical,
    #[error("expected {expected} bytes, got {actual}")]
    WrongLength { expected: usize, actual: usize },
}

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes canonical base64url of any length.
pub fn decode(text: &str) -> Result<Vec<u8>, B64Error> {
    // The default engine already refuses padding, foreign characters and
    // non-canonical trailing bits; the round trip below is a second, explicit guard.
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| B64Error::NotCanonical)?;
    if encode(&bytes) != text {
        return Err(B64Error::NotCanonical);
    }
    Ok(bytes)
}

/// Decodes canonical base64url of exactly `N` bytes.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], B64Error> {
    let bytes = decode(text)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| B64Error::WrongLength {
        expected: N,
        actual: bytes.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_non_canonical_forms() {
        let text = encode(&[0xfb, 0xff, 0x00]);
        assert_eq!(text, "-_8A");
        assert_eq!(decode(&text).unwrap(), vec![0xfb, 0xff, 0x00]);
        assert_eq!(decode("-_8A=").unwrap_err(), B64Error::NotCanonical);
        assert_eq!(decode("+/8A").unwrap_err(), B64Error::NotCanonical);
        assert_eq!(decode("-_8 A").unwrap_err(), B64Error::NotCanonical);
        // "AB" decodes one byte; "AF" has non-zero trailing bits.
        assert_eq!(decode("AB").unwrap_err(), B64Error::NotCanonical);
        assert_eq!(
            decode_array::<4>("-_8A").unwrap_err(),
            B64Error::WrongLength {
                expected: 4,
                actual: 3
            }
        );
    }
}
