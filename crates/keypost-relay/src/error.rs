//! The relay's errors: [`ApiError`], every error answer of the API (`ErrorBody {code, message}`
//! with a shared [`ErrorCode`]; internal errors are logged here and answered with a generic
//! message, so no internal detail reaches a client), and [`RelayError`], why the server could
//! not start or stopped.

use std::net::SocketAddr;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use keypost_protocol::api::{ErrorBody, ErrorCode, ErrorDetail};

use crate::inbox::InboxError;
use crate::pickups::PickupError;
use crate::validate::ValidationError;
use crate::{config, mail, store};

/// The one answer for missing, expired, destroyed, used-up, deleted and revoked pickups.
pub const GONE_MESSAGE: &str = "This pickup does not exist or is no longer available.";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("wrong PIN")]
    WrongPin { attempts_left: u32 },
    #[error("invalid challenge")]
    InvalidChallenge,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("missing or malformed owner token")]
    Unauthorized,
    #[error("a pickup with this id already exists")]
    Conflict,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    RateLimited,
    #[error("request timed out")]
    Timeout,
    #[error("server busy")]
    Overloaded,
    #[error("internal error")]
    Internal,
    #[error("no such {0}")]
    Missing(&'static str),
    #[error("{0} already exists")]
    Taken(&'static str),
    #[error("missing, malformed or expired session")]
    SessionRequired,
    #[error("bad signature")]
    BadSignature,
    #[error("wrong code")]
    WrongCode { attempts_left: u32 },
    #[error("grant refused")]
    GrantRefused,
    #[error("mailbox full")]
    MailboxFull,
    #[error("email not verified")]
    EmailNotVerified,
    #[error("this relay sends no email")]
    EmailUnavailable,
}

impl ApiError {
    fn parts(&self) -> (StatusCode, ErrorCode, String) {
        let message = |text: &str| text.to_owned();
        match self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                message(GONE_MESSAGE),
            ),
            Self::BadRequest(text) => {
                (StatusCode::BAD_REQUEST, ErrorCode::BadRequest, text.clone())
            }
            Self::UnsupportedMediaType(text) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::BadRequest,
                text.clone(),
            ),
            Self::WrongPin { attempts_left } => (
                StatusCode::FORBIDDEN,
                ErrorCode::WrongPin,
                match attempts_left {
                    0 => message("Wrong PIN. No tries left: the pickup has been destroyed."),
                    1 => message("Wrong PIN. 1 try left."),
                    n => format!("Wrong PIN. {n} tries left."),
                },
            ),
            Self::InvalidChallenge => (
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidChallenge,
                message("The challenge is unknown, used or expired; request a new one."),
            ),
            Self::Forbidden(text) => (
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                (*text).to_owned(),
            ),
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                message("Send the owner token as `Authorization: Bearer <base64url>`."),
            ),
            Self::Conflict => (
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                message("A pickup with this id already exists."),
            ),
            Self::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                message("The request body is too large."),
            ),
            Self::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                message("Too many requests; try again later."),
            ),
            Self::Timeout => (
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::Timeout,
                message("The request took too long."),
            ),
            Self::Overloaded => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Overloaded,
                message("The relay is busy; try again shortly."),
            ),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                message("Internal error."),
            ),
            Self::Missing(what) => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                format!("No such {what}, or it is no longer available."),
            ),
            Self::Taken(what) => (
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                format!("{} already exists.", capitalized(what)),
            ),
            Self::SessionRequired => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                message(
                    "Log in first: send the session as `Authorization: Bearer <base64url>`; \
                     a session lasts 1 hour.",
                ),
            ),
            Self::BadSignature => (
                StatusCode::BAD_REQUEST,
                ErrorCode::BadSignature,
                message("The signature does not verify with this account's key bundle."),
            ),
            Self::WrongCode { attempts_left } => (
                StatusCode::BAD_REQUEST,
                ErrorCode::WrongCode,
                match attempts_left {
                    0 => message("Wrong code. No tries left: ask for a new code."),
                    1 => message("Wrong code. 1 try left."),
                    n => format!("Wrong code. {n} tries left."),
                },
            ),
            Self::GrantRefused => (
                StatusCode::FORBIDDEN,
                ErrorCode::GrantRefused,
                message("This mailbox does not accept messages with this grant."),
            ),
            Self::MailboxFull => (
                StatusCode::CONFLICT,
                ErrorCode::MailboxFull,
                message("The recipient's mailbox is full; try again after they fetch."),
            ),
            Self::EmailNotVerified => (
                StatusCode::FORBIDDEN,
                ErrorCode::EmailNotVerified,
                message("This relay lets only accounts with a verified email invite."),
            ),
            Self::EmailUnavailable => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::EmailUnavailable,
                message(
                    "This relay has no mail server and sends no email: deliver the link yourself.",
                ),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        let attempts_left = match self {
            Self::WrongPin { attempts_left } | Self::WrongCode { attempts_left } => {
                Some(attempts_left)
            }
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                attempts_left,
            },
        };
        (status, Json(body)).into_response()
    }
}

impl From<PickupError> for ApiError {
    fn from(error: PickupError) -> Self {
        match error {
            PickupError::Gone => Self::NotFound,
            PickupError::AlreadyExists => Self::Conflict,
            PickupError::InvalidChallenge => Self::InvalidChallenge,
            PickupError::WrongPin { attempts_left } => Self::WrongPin { attempts_left },
            PickupError::DeleteNotAllowed => {
                Self::Forbidden("The sender did not allow the recipient to delete this pickup.")
            }
            PickupError::WrongDeleteKey => Self::Forbidden("Wrong delete key."),
            PickupError::Store(error) => {
                // sqlx errors carry no bound values; safe to log.
                tracing::error!(%error, "storage error");
                Self::Internal
            }
        }
    }
}

impl From<InboxError> for ApiError {
    fn from(error: InboxError) -> Self {
        match error {
            InboxError::NotFound(what) => Self::Missing(what),
            InboxError::Conflict(what) => Self::Taken(what),
            InboxError::BadSignature => Self::BadSignature,
            InboxError::InvalidChallenge => Self::InvalidChallenge,
            InboxError::WrongCode { attempts_left } => Self::WrongCode { attempts_left },
            InboxError::EmailMismatch => {
                Self::Forbidden("This invite is for another verified email address.")
            }
            InboxError::EmailNotVerified => Self::EmailNotVerified,
            InboxError::GrantRefused => Self::GrantRefused,
            InboxError::MailboxFull => Self::MailboxFull,
            InboxError::RateLimited => Self::RateLimited,
            InboxError::Mail(crate::mail::MailError::Unavailable) => Self::EmailUnavailable,
            InboxError::Mail(error) => {
                tracing::warn!(kind = error.kind(), "verification email failed");
                Self::Internal
            }
            InboxError::Store(error) => {
                tracing::error!(%error, "storage error");
                Self::Internal
            }
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl From<ValidationError> for ApiError {
    fn from(error: ValidationError) -> Self {
        Self::BadRequest(error.to_string())
    }
}

/// Why the relay could not start, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Mail(#[from] mail::MailError),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
}
