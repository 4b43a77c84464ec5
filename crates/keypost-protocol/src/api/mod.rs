//! The relay's HTTP API, `/api/v1`: one module of JSON bodies per feature, and the error answer
//! every route shares (docs/spec/pickup.md and docs/spec/inbox.md, "Relay API").
//!
//! Binary values travel as unpadded base64url strings ([`crate::b64`]); a relay or client MUST
//! reject any other encoding. Times are RFC 3339 strings in UTC.

pub mod accounts;
pub mod answers;
pub mod invites;
pub mod mailbox;
pub mod pickups;

use std::fmt;

use serde::{Deserialize, Serialize};

/// Every error answer: `{"error": {"code": ..., "message": ...}}`; clients switch on `code`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// For people; clients never parse it.
    pub message: String,
    /// Set with [`ErrorCode::WrongPin`] (tries left before the copy is destroyed) and
    /// [`ErrorCode::WrongCode`] (tries left before the emailed code is deleted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
}

/// The stable machine-readable `code` of an error answer. The relay emits these and clients
/// match on them, so a code is renamed here or nowhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// Missing, expired, destroyed, used-up, deleted and revoked pickups alike.
    NotFound,
    WrongPin,
    InvalidChallenge,
    BadRequest,
    Forbidden,
    Unauthorized,
    Conflict,
    PayloadTooLarge,
    RateLimited,
    Timeout,
    Overloaded,
    Internal,
    /// A registration or login signature does not verify under the account's bundle.
    BadSignature,
    /// A wrong emailed code; `attempts_left` says how many tries the code has left.
    WrongCode,
    /// The deposit grant is unknown or revoked.
    GrantRefused,
    /// The mailbox holds as many messages or bytes as it may.
    MailboxFull,
    /// This relay lets only accounts with a verified email invite.
    EmailNotVerified,
    /// The request asks the relay to send an email, and this relay has no mail server.
    EmailUnavailable,
    /// A code from a newer relay that this build does not know; never sent.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::WrongPin => "wrong_pin",
            Self::InvalidChallenge => "invalid_challenge",
            Self::BadRequest => "bad_request",
            Self::Forbidden => "forbidden",
            Self::Unauthorized => "unauthorized",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RateLimited => "rate_limited",
            Self::Timeout => "timeout",
            Self::Overloaded => "overloaded",
            Self::Internal => "internal",
            Self::BadSignature => "bad_signature",
            Self::WrongCode => "wrong_code",
            Self::GrantRefused => "grant_refused",
            Self::MailboxFull => "mailbox_full",
            Self::EmailNotVerified => "email_not_verified",
            Self::EmailUnavailable => "email_unavailable",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_snake_case_strings_on_the_wire() {
        let codes = [
            ErrorCode::NotFound,
            ErrorCode::WrongPin,
            ErrorCode::InvalidChallenge,
            ErrorCode::BadRequest,
            ErrorCode::Forbidden,
            ErrorCode::Unauthorized,
            ErrorCode::Conflict,
            ErrorCode::PayloadTooLarge,
            ErrorCode::RateLimited,
            ErrorCode::Timeout,
            ErrorCode::Overloaded,
            ErrorCode::Internal,
            ErrorCode::BadSignature,
            ErrorCode::WrongCode,
            ErrorCode::GrantRefused,
            ErrorCode::MailboxFull,
            ErrorCode::EmailNotVerified,
            ErrorCode::EmailUnavailable,
        ];
        for code in codes {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        assert_eq!(
            serde_json::from_str::<ErrorCode>("\"teapot\"").unwrap(),
            ErrorCode::Unknown
        );
    }

    #[test]
    fn error_body_is_byte_identical_to_the_string_form() {
        let body = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::WrongPin,
                message: "Wrong PIN. 2 tries left.".into(),
                attempts_left: Some(2),
            },
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"error":{"code":"wrong_pin","message":"Wrong PIN. 2 tries left.","attempts_left":2}}"#
        );
    }
}
