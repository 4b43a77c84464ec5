//! The plaintext of a sealed message (docs/spec/inbox.md, "Payload kinds"): canonical JSON
//! with the pickup rules (fixed field order, every field present, unknown or duplicated fields
//! refused, byte-identical re-encoding required), tagged by `kind`.
//!
//! Entries travel as the pickup's [`EntrySnapshot`]: the same fields and rules, tags never.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::ids::{InviteId, MessageId};
use super::limits::{MAX_ENTRIES, MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_SEQUENCE};
use super::signing::Signature;
use super::tokens::DepositGrant;
use crate::canonical_json::{self, CanonicalError};
use crate::pickup::EntrySnapshot;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadError {
    /// Position only: a parser message could quote a password.
    #[error("the message payload is not JSON of a known kind (line {line}, column {column})")]
    Malformed { line: usize, column: usize },
    #[error("the message payload is not in canonical form")]
    NotCanonical,
    #[error("a message holds 1 to {max} entries, not {count}")]
    EntryCount { count: usize, max: usize },
    #[error("the sender's name is longer than {max} characters")]
    NameTooLong { max: usize },
    #[error("the text is longer than {max} characters")]
    TextTooLong { max: usize },
    #[error("a message's sequence number is 1 to {max}")]
    Sequence { max: u64 },
}

impl From<CanonicalError> for PayloadError {
    fn from(error: CanonicalError) -> Self {
        match error {
            CanonicalError::Malformed { line, column } => Self::Malformed { line, column },
            CanonicalError::NotCanonical => Self::NotCanonical,
        }
    }
}

/// What a sealed message carries, one of the kinds below: `{"kind":"entries",…}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    Entries(EntriesPayload),
    Connect(ConnectPayload),
    Request(RequestPayload),
    Decline(DeclinePayload),
}

/// Copies of entries: `{"kind":"entries","sequence","sender_name","note","entries":[…]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntriesPayload {
    /// This sender's count of messages to this recipient, from 1 (see [`Payload::sequence`]).
    pub sequence: u64,
    /// At most 100 characters.
    pub sender_name: String,
    /// At most 500 characters; may be empty.
    pub note: String,
    /// 1 to 1,000 snapshots; notes empty unless the sender chose to include them.
    pub entries: Vec<EntrySnapshot>,
}

/// The inviter's confirmation, the first message after an invite:
/// `{"kind":"connect","invite_id","grant","signature"}`. `grant` lets the acceptor deposit into
/// the inviter's mailbox; `signature` is the inviter's confirmation of the invite transcript
/// (docs/spec/inbox.md, "Connect"), checked with [`super::invite::verify_connect`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectPayload {
    pub invite_id: InviteId,
    pub grant: DepositGrant,
    pub signature: Signature,
}

/// Asks a contact for a password: `{"kind":"request","sequence","text"}`, text at most 500
/// characters. The request is named by the id of the message that carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestPayload {
    pub sequence: u64,
    pub text: String,
}

/// Declines a request: `{"kind":"decline","sequence","request"}`, the id of the request's
/// message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclinePayload {
    pub sequence: u64,
    pub request: MessageId,
}

impl Payload {
    /// Spec, "Payload kinds": 1 to 1,000 entries, name ≤ 100, note and request text ≤ 500
    /// characters.
    pub fn check_limits(&self) -> Result<(), PayloadError> {
        let chars_at_most = |text: &str, max: usize| text.chars().count() <= max;
        if let Some(sequence) = self.sequence()
            && !(1..=MAX_SEQUENCE).contains(&sequence)
        {
            return Err(PayloadError::Sequence { max: MAX_SEQUENCE });
        }
        match self {
            Self::Entries(entries) => {
                let count = entries.entries.len();
                if count == 0 || count > MAX_ENTRIES {
                    return Err(PayloadError::EntryCount {
                        count,
                        max: MAX_ENTRIES,
                    });
                }
                if !chars_at_most(&entries.sender_name, MAX_NAME_CHARS) {
                    return Err(PayloadError::NameTooLong {
                        max: MAX_NAME_CHARS,
                    });
                }
                if !chars_at_most(&entries.note, MAX_NOTE_CHARS) {
                    return Err(PayloadError::TextTooLong {
                        max: MAX_NOTE_CHARS,
                    });
                }
            }
            Self::Request(request) if !chars_at_most(&request.text, MAX_NOTE_CHARS) => {
                return Err(PayloadError::TextTooLong {
                    max: MAX_NOTE_CHARS,
                });
            }
            Self::Connect(_) | Self::Request(_) | Self::Decline(_) => {}
        }
        Ok(())
    }

    /// The canonical plaintext, after checking every limit.
    pub fn to_canonical_json(&self) -> Result<Zeroizing<Vec<u8>>, PayloadError> {
        self.check_limits()?;
        Ok(canonical_json::encode(self))
    }

    /// Parses a plaintext; refuses anything but the canonical encoding of a payload within
    /// the limits.
    pub fn from_canonical_json(bytes: &[u8]) -> Result<Self, PayloadError> {
        let payload: Self = canonical_json::decode(bytes)?;
        payload.check_limits()?;
        Ok(payload)
    }

    /// The sender's number of this message among those it sent to this recipient (1, 2, …),
    /// so the recipient sees gaps; `None` for `connect`, which opens the count.
    pub fn sequence(&self) -> Option<u64> {
        match self {
            Self::Entries(entries) => Some(entries.sequence),
            Self::Request(request) => Some(request.sequence),
            Self::Decline(decline) => Some(decline.sequence),
            Self::Connect(_) => None,
        }
    }

    /// The spec's name of the kind (the `kind` field).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Entries(_) => "entries",
            Self::Connect(_) => "connect",
            Self::Request(_) => "request",
            Self::Decline(_) => "decline",
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::inbox::tokens::GrantToken;
    use crate::inbox::{GrantId, SignatureKind};

    pub(crate) fn entries_payload() -> Payload {
        let mut entry = EntrySnapshot::default();
        entry.title = "Router".into();
        entry.password = "c0rrect-horse".into();
        Payload::Entries(EntriesPayload {
            sequence: 7,
            sender_name: "Ana".into(),
            note: "Here you go".into(),
            entries: vec![entry],
        })
    }

    fn every_kind() -> Vec<Payload> {
        vec![
            entries_payload(),
            Payload::Connect(ConnectPayload {
                invite_id: InviteId::from_bytes([1; 16]),
                grant: DepositGrant {
                    grant_id: GrantId::from_bytes([2; 16]),
                    token: GrantToken::from_bytes([3; 32]),
                },
                signature: Signature::from_bytes([4; 64]),
            }),
            Payload::Request(RequestPayload {
                sequence: 8,
                text: "The Wi-Fi password, please".into(),
            }),
            Payload::Decline(DeclinePayload {
                sequence: 9,
                request: MessageId::from_bytes([5; 16]),
            }),
        ]
    }

    #[test]
    fn canonical_json_has_the_spec_shape_for_every_kind() {
        let texts: Vec<String> = every_kind()
            .iter()
            .map(|payload| {
                String::from_utf8(payload.to_canonical_json().unwrap().to_vec()).unwrap()
            })
            .collect();
        assert_eq!(
            texts[0],
            r#"{"kind":"entries","sequence":7,"sender_name":"Ana","note":"Here you go","entries":[{"title":"Router","username":"","password":"c0rrect-horse","urls":[],"notes":"","custom_fields":[],"totp":""}]}"#
        );
        assert!(texts[1].starts_with(
            r#"{"kind":"connect","invite_id":"AQEBAQEBAQEBAQEBAQEBAQ","grant":{"grant_id":"#
        ));
        assert_eq!(
            texts[2],
            r#"{"kind":"request","sequence":8,"text":"The Wi-Fi password, please"}"#
        );
        assert_eq!(
            texts[3],
            r#"{"kind":"decline","sequence":9,"request":"BQUFBQUFBQUFBQUFBQUFBQ"}"#
        );
        for (payload, text) in every_kind().iter().zip(&texts) {
            assert_eq!(
                &Payload::from_canonical_json(text.as_bytes()).unwrap(),
                payload
            );
        }
        assert_eq!(SignatureKind::Message.label(), "message");
    }

    #[test]
    fn non_canonical_unknown_and_duplicate_fields_are_refused() {
        let json =
            String::from_utf8(entries_payload().to_canonical_json().unwrap().to_vec()).unwrap();
        for case in [
            json.replace(r#""kind":"entries","#, r#""kind":"entries", "#),
            json.replace("Ana", r"\u0041na"),
            json.replace(r#""note""#, r#""sender_name":"Eve","note""#),
            json.replace(r#""totp":"""#, r#""totp":"","tags":[]"#),
            json.replace(r#""note":"Here you go","#, r#""note":"Here you go","extra":1,"#),
            json.replace(r#""kind":"entries""#, r#""kind":"receipt""#),
            json.replace(r#""kind":"entries","#, ""),
            json.replace(r#"{"kind":"entries","sequence":7"#, r#"{"sequence":7,"kind":"entries""#),
            json.replace(r#""sequence":7"#, r#""sequence":7.0"#),
            json.replace(r#""sequence":7"#, r#""sequence":07"#),
            json.replace(r#""sequence":7"#, r#""sequence":"7""#),
            json.replace(r#""sequence":7,"#, ""),
            r#"{"kind":"decline","sequence":9,"request":"BQUFBQUFBQUFBQUFBQUFBQ","request":"BQUFBQUFBQUFBQUFBQUFBQ"}"#.to_owned(),
        ] {
            assert!(
                matches!(
                    Payload::from_canonical_json(case.as_bytes()),
                    Err(PayloadError::NotCanonical | PayloadError::Malformed { .. })
                ),
                "{case}"
            );
        }
    }

    #[test]
    fn limits_hold_when_encoding_and_parsing() {
        let Payload::Entries(mut entries) = entries_payload() else {
            unreachable!()
        };
        entries.entries = Vec::new();
        assert!(matches!(
            Payload::Entries(entries.clone()).to_canonical_json(),
            Err(PayloadError::EntryCount { count: 0, .. })
        ));
        entries.entries = vec![EntrySnapshot::default(); MAX_ENTRIES + 1];
        let unchecked = canonical_json::encode(&Payload::Entries(entries.clone()));
        assert!(matches!(
            Payload::from_canonical_json(&unchecked),
            Err(PayloadError::EntryCount { count: 1_001, .. })
        ));
        entries.entries.truncate(MAX_ENTRIES);
        assert!(
            Payload::Entries(entries.clone())
                .to_canonical_json()
                .is_ok()
        );
        entries.sender_name = "é".repeat(MAX_NAME_CHARS + 1);
        assert!(matches!(
            Payload::Entries(entries.clone()).check_limits(),
            Err(PayloadError::NameTooLong { .. })
        ));
        entries.sender_name = "é".repeat(MAX_NAME_CHARS);
        entries.note = "x".repeat(MAX_NOTE_CHARS + 1);
        assert!(matches!(
            Payload::Entries(entries).check_limits(),
            Err(PayloadError::TextTooLong { .. })
        ));
        let long_request = Payload::Request(RequestPayload {
            sequence: 1,
            text: "é".repeat(MAX_NOTE_CHARS + 1),
        });
        assert!(matches!(
            long_request.check_limits(),
            Err(PayloadError::TextTooLong { .. })
        ));
        for (sequence, allowed) in [
            (0, false),
            (1, true),
            (MAX_SEQUENCE, true),
            (MAX_SEQUENCE + 1, false),
        ] {
            let decline = Payload::Decline(DeclinePayload {
                sequence,
                request: MessageId::from_bytes([5; 16]),
            });
            let unchecked = canonical_json::encode(&decline);
            assert_eq!(
                Payload::from_canonical_json(&unchecked).is_ok(),
                allowed,
                "{sequence}"
            );
            assert_eq!(decline.to_canonical_json().is_ok(), allowed, "{sequence}");
        }
    }

    #[test]
    fn debug_hides_passwords_and_tokens() {
        let text = format!("{:?}", every_kind());
        assert!(!text.contains("c0rrect-horse"));
        assert!(!text.contains(GrantToken::from_bytes([3; 32]).to_base64().as_str()));
    }
}
