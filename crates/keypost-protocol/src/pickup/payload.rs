//! The sealed plaintext: the sender's copy of entries (docs/spec/pickup.md, "Payload").
//!
//! The plaintext is canonical JSON: compact, fields in the order declared here, every field
//! present. An opener re-encodes what it parsed and rejects the payload unless the bytes are
//! identical, so every implementation accepts exactly the same plaintexts.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::canonical_json::{self, CanonicalError, encode, utc_seconds};

use super::limits::{
    MAX_ENTRIES, MAX_MESSAGE_CHARS, MAX_PLAINTEXT_LEN, MAX_SENDER_NAME_CHARS, SENT_AT_YEARS,
    message_chars_allowed, sender_name_chars_allowed,
};

pub const PAYLOAD_VERSION: u8 = 1;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadError {
    /// Position only: a parser message could quote a password.
    #[error("the payload is not JSON of the pickup shape (line {line}, column {column})")]
    Malformed { line: usize, column: usize },
    #[error("the payload is not in canonical form")]
    NotCanonical,
    #[error("a pickup holds 1 to {max} entries, not {count}")]
    EntryCount { count: usize, max: usize },
    #[error("the sender's name is longer than {max} characters")]
    SenderNameTooLong { max: usize },
    #[error("the message is longer than {max} characters")]
    MessageTooLong { max: usize },
    #[error("the sender's name contains a control or format character")]
    SenderNameCharacters,
    #[error(
        "the message contains a control character other than a line break or tab, or a format character"
    )]
    MessageCharacters,
    #[error("the payload is {len} bytes, more than the {max} a pickup may hold")]
    TooLarge { len: usize, max: usize },
    #[error("sent_at must lie in the years 1970 to 9999")]
    SentAtOutOfRange,
}

impl From<CanonicalError> for PayloadError {
    fn from(error: CanonicalError) -> Self {
        match error {
            CanonicalError::Malformed { line, column } => Self::Malformed { line, column },
            CanonicalError::NotCanonical => Self::NotCanonical,
        }
    }
}

/// A custom field of an entry as sent.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct SnapshotField {
    pub name: String,
    pub value: String,
    /// The recipient's page masks the value until revealed.
    pub hidden: bool,
}

impl fmt::Debug for SnapshotField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if self.hidden {
            "<hidden>"
        } else {
            self.value.as_str()
        };
        f.debug_struct("SnapshotField")
            .field("name", &self.name)
            .field("value", &value)
            .finish()
    }
}

/// One entry as the sender sent it. Tags are never sent; notes are empty unless the sender
/// chose to include them.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct EntrySnapshot {
    pub title: String,
    pub username: String,
    pub password: String,
    pub urls: Vec<String>,
    pub notes: String,
    pub custom_fields: Vec<SnapshotField>,
    /// An `otpauth://` URI or a bare TOTP secret; empty for none.
    pub totp: String,
}

impl fmt::Debug for EntrySnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntrySnapshot")
            .field("title", &self.title)
            .field("username", &self.username)
            .field("urls", &self.urls)
            .field("custom_fields", &self.custom_fields)
            .finish_non_exhaustive()
    }
}

/// Everything the recipient gets after the PIN: `{"v":1,"sender_name",…,"entries":[…]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    v: PayloadVersion,
    /// The sender's name, authenticated (the relay's copy for the email is not).
    pub sender_name: String,
    pub message: String,
    /// Whole seconds, UTC, `YYYY-MM-DDTHH:MM:SSZ` on the wire.
    #[serde(with = "crate::canonical_json::utc_seconds")]
    pub sent_at: OffsetDateTime,
    pub entries: Vec<EntrySnapshot>,
}

impl Payload {
    /// `sent_at` is kept to whole seconds in UTC, the precision of the wire form.
    pub fn new(
        sender_name: impl Into<String>,
        message: impl Into<String>,
        sent_at: OffsetDateTime,
        entries: Vec<EntrySnapshot>,
    ) -> Self {
        Self {
            v: PayloadVersion,
            sender_name: sender_name.into(),
            message: message.into(),
            sent_at: utc_seconds::truncate(sent_at),
            entries,
        }
    }

    /// Spec section 8: 1 to 1,000 entries, name ≤ 100 and message ≤ 500 characters, neither
    /// with a control or format character (the message may break lines), `sent_at` in the
    /// years 1970 to 9999.
    pub fn check_limits(&self) -> Result<(), PayloadError> {
        if !SENT_AT_YEARS.contains(&self.sent_at.year()) {
            return Err(PayloadError::SentAtOutOfRange);
        }
        if self.entries.is_empty() || self.entries.len() > MAX_ENTRIES {
            return Err(PayloadError::EntryCount {
                count: self.entries.len(),
                max: MAX_ENTRIES,
            });
        }
        if self.sender_name.chars().count() > MAX_SENDER_NAME_CHARS {
            return Err(PayloadError::SenderNameTooLong {
                max: MAX_SENDER_NAME_CHARS,
            });
        }
        if self.message.chars().count() > MAX_MESSAGE_CHARS {
            return Err(PayloadError::MessageTooLong {
                max: MAX_MESSAGE_CHARS,
            });
        }
        if !sender_name_chars_allowed(&self.sender_name) {
            return Err(PayloadError::SenderNameCharacters);
        }
        if !message_chars_allowed(&self.message) {
            return Err(PayloadError::MessageCharacters);
        }
        Ok(())
    }

    /// The canonical plaintext, after checking every limit.
    pub fn to_canonical_json(&self) -> Result<Zeroizing<Vec<u8>>, PayloadError> {
        self.check_limits()?;
        let bytes = encode(self);
        if bytes.len() > MAX_PLAINTEXT_LEN {
            return Err(PayloadError::TooLarge {
                len: bytes.len(),
                max: MAX_PLAINTEXT_LEN,
            });
        }
        Ok(bytes)
    }

    /// Parses a plaintext; rejects anything but the canonical encoding of a payload within
    /// the limits.
    pub fn from_canonical_json(bytes: &[u8]) -> Result<Self, PayloadError> {
        if bytes.len() > MAX_PLAINTEXT_LEN {
            return Err(PayloadError::TooLarge {
                len: bytes.len(),
                max: MAX_PLAINTEXT_LEN,
            });
        }
        let payload: Self = canonical_json::decode(bytes)?;
        payload.check_limits()?;
        Ok(payload)
    }
}

/// The format version inside the plaintext: always `1`; anything else is malformed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PayloadVersion;

impl Serialize for PayloadVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(PAYLOAD_VERSION)
    }
}

impl<'de> Deserialize<'de> for PayloadVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let version = u8::deserialize(deserializer)?;
        if version == PAYLOAD_VERSION {
            Ok(Self)
        } else {
            Err(serde::de::Error::custom("unsupported payload version"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample_entry() -> EntrySnapshot {
        EntrySnapshot {
            title: "Router".into(),
            username: "admin".into(),
            password: "c0rrect-horse".into(),
            urls: vec!["http://192.168.1.1".into()],
            notes: String::new(),
            custom_fields: vec![SnapshotField {
                name: "Wi-Fi key".into(),
                value: "s3cret wifi".into(),
                hidden: true,
            }],
            totp: String::new(),
        }
    }

    fn sample_payload() -> Payload {
        Payload::new(
            "Ana",
            "Here you go",
            time::macros::datetime!(2026-11-20 09:30:15.75 +01:00),
            vec![sample_entry()],
        )
    }

    #[test]
    fn canonical_json_has_the_spec_shape() {
        let json = sample_payload().to_canonical_json().unwrap();
        assert_eq!(
            std::str::from_utf8(&json).unwrap(),
            r#"{"v":1,"sender_name":"Ana","message":"Here you go","sent_at":"2026-11-20T08:30:15Z","entries":[{"title":"Router","username":"admin","password":"c0rrect-horse","urls":["http://192.168.1.1"],"notes":"","custom_fields":[{"name":"Wi-Fi key","value":"s3cret wifi","hidden":true}],"totp":""}]}"#
        );
        assert_eq!(
            Payload::from_canonical_json(&json).unwrap(),
            sample_payload()
        );
    }

    #[test]
    fn non_canonical_and_malformed_plaintexts_are_rejected() {
        let json =
            String::from_utf8(sample_payload().to_canonical_json().unwrap().to_vec()).unwrap();
        let cases = [
            json.replace(r#""v":1,"#, r#""v":1, "#),
            json.replace(r#""v":1"#, r#""v":1.0"#),
            json.replace("Ana", r"\u0041na"),
            json.replace(r#""message""#, r#""sender_name":"Eve","message""#),
        ];
        for case in cases {
            assert!(
                matches!(
                    Payload::from_canonical_json(case.as_bytes()),
                    Err(PayloadError::NotCanonical | PayloadError::Malformed { .. })
                ),
                "{case}"
            );
        }
        for case in [
            json.replace(r#""v":1"#, r#""v":2"#),
            json.replace(r#","totp":"""#, ""),
            json.replace(r#""totp":"""#, r#""totp":"","tags":[]"#),
            json.replace("08:30:15Z", "08:30:15.5Z"),
            json.replace("2026-11-20T", "2026-11-31T"),
            json.replace("Ana", r"\ud800"),
        ] {
            assert!(
                matches!(
                    Payload::from_canonical_json(case.as_bytes()),
                    Err(PayloadError::Malformed { .. })
                ),
                "{case}"
            );
        }
    }

    #[test]
    fn limits_are_enforced_when_encoding_and_parsing() {
        let mut payload = sample_payload();
        payload.entries = Vec::new();
        assert_eq!(
            payload.to_canonical_json().unwrap_err(),
            PayloadError::EntryCount {
                count: 0,
                max: MAX_ENTRIES
            }
        );
        payload.entries = vec![EntrySnapshot::default(); MAX_ENTRIES + 1];
        let unchecked = encode(&payload);
        assert!(matches!(
            Payload::from_canonical_json(&unchecked),
            Err(PayloadError::EntryCount { count: 1_001, .. })
        ));
        payload.entries.truncate(MAX_ENTRIES);
        assert!(payload.to_canonical_json().is_ok());
        payload.sender_name = "é".repeat(MAX_SENDER_NAME_CHARS + 1);
        assert!(matches!(
            payload.check_limits(),
            Err(PayloadError::SenderNameTooLong { .. })
        ));
        payload.sender_name = "é".repeat(MAX_SENDER_NAME_CHARS);
        payload.message = "x".repeat(MAX_MESSAGE_CHARS + 1);
        assert!(matches!(
            payload.check_limits(),
            Err(PayloadError::MessageTooLong { .. })
        ));
        payload.message = String::new();
        payload.sender_name = "Ana\u{202E}fdp.exe".to_owned();
        let unchecked = encode(&payload);
        assert_eq!(
            Payload::from_canonical_json(&unchecked),
            Err(PayloadError::SenderNameCharacters)
        );
        payload.sender_name = "Ana".to_owned();
        payload.message = "open \u{2067}this\u{2069}".to_owned();
        assert_eq!(
            payload.to_canonical_json().unwrap_err(),
            PayloadError::MessageCharacters
        );
        payload.message = "line\r\nbreaks\tand tabs".to_owned();
        assert!(payload.check_limits().is_ok());
        payload.message = String::new();
        let mut huge = EntrySnapshot::default();
        huge.notes = "n".repeat(MAX_PLAINTEXT_LEN);
        payload.entries = vec![huge];
        assert!(matches!(
            payload.to_canonical_json(),
            Err(PayloadError::TooLarge { .. })
        ));
    }

    #[test]
    fn debug_hides_secrets() {
        let text = format!("{:?}", sample_payload());
        assert!(!text.contains("c0rrect-horse"));
        assert!(!text.contains("s3cret wifi"));
    }
}
