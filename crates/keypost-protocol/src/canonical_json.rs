//! Canonical JSON, the one plaintext encoding of pickups and the inbox (docs/spec/pickup.md,
//! "Payload"; docs/spec/inbox.md, "Conventions"): compact, fields in declaration order, every
//! field present. A reader re-encodes what it parsed and refuses the bytes unless they are
//! identical, so every implementation accepts exactly the same plaintexts (duplicated keys,
//! `1.0`, `\u0041` and extra spaces all fail).

use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

/// Why bytes are not the canonical JSON of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CanonicalError {
    /// Not JSON of the expected shape (position only: a parser message could quote a secret).
    Malformed { line: usize, column: usize },
    /// Parsed, but the bytes differ from the canonical encoding of what was parsed.
    NotCanonical,
}

/// The canonical bytes of `value`; wiped on drop, since plaintexts hold passwords.
pub(crate) fn encode<T: Serialize>(value: &T) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(
        serde_json::to_vec(value)
            .unwrap_or_else(|_| unreachable!("structs of strings, bools and vectors serialize")),
    )
}

/// Parses `bytes` and accepts them only if they are the canonical encoding of the result.
pub(crate) fn decode<T: Serialize + DeserializeOwned>(bytes: &[u8]) -> Result<T, CanonicalError> {
    let value: T = serde_json::from_slice(bytes).map_err(|error| CanonicalError::Malformed {
        line: error.line(),
        column: error.column(),
    })?;
    if encode(&value).as_slice() != bytes {
        return Err(CanonicalError::NotCanonical);
    }
    Ok(value)
}

/// `YYYY-MM-DDTHH:MM:SSZ`, nothing else: no fraction, no other offset (serde `with` module).
pub(crate) mod utc_seconds {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::macros::format_description;
    use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

    /// `value` in UTC, truncated to whole seconds: the precision of the wire form.
    pub(crate) fn truncate(value: OffsetDateTime) -> OffsetDateTime {
        let utc = value.to_offset(UtcOffset::UTC);
        utc - time::Duration::nanoseconds(i64::from(utc.nanosecond()))
    }

    pub fn serialize<S: Serializer>(
        value: &OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let utc = value.to_offset(UtcOffset::UTC);
        let text = utc.format(FORMAT).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        let shape_ok = text.len() == 20
            && text.bytes().enumerate().all(|(index, byte)| match index {
                4 | 7 => byte == b'-',
                10 => byte == b'T',
                13 | 16 => byte == b':',
                19 => byte == b'Z',
                _ => byte.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(serde::de::Error::custom(
                "a time is not YYYY-MM-DDTHH:MM:SSZ",
            ));
        }
        PrimitiveDateTime::parse(&text, FORMAT)
            .map(PrimitiveDateTime::assume_utc)
            .map_err(|_| serde::de::Error::custom("not a valid time"))
    }
}
