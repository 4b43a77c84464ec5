//! The one HTTP client every relay API goes through (pickups and inbox, for the app and the
//! CLI). A relay is not trusted with the client's resources: its address must be `https://`
//! (`http://` only on this computer), every answer is read up to the limit the protocol
//! declares for it ([`Answer::MAX_LEN`]), a redirect to another origin is refused, and every
//! request, its answer's body included, ends within [`REQUEST_TIMEOUT`]. The bearer token, the
//! transport failure and the refusal body are the same for every relay API.

use keypost_protocol::api::ErrorBody;
use keypost_protocol::api::answers::Answer;
use keypost_protocol::inbox::link::{LinkError, check_relay_url};
use reqwest::StatusCode;
use reqwest::redirect::{Attempt, Policy};
use std::time::Duration;
use thiserror::Error;

/// The longest a request may take, connecting and reading the whole answer included; above
/// the inbox long-poll's 10 s. A relay that never finishes its answer fails here.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Redirects followed within the relay's own origin before giving up.
const MAX_SAME_ORIGIN_REDIRECTS: usize = 5;

/// What a relay's address or answer did wrong, before any API meaning: the same for every
/// relay API.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RelayHttpError {
    /// The address is not one Keypost talks to (`http://` off this computer, a malformed URL).
    #[error("relay address {url:?} refused: {reason}")]
    BadUrl { url: String, reason: LinkError },
    /// The answer is larger than the protocol allows for it: it was not read any further.
    #[error("the relay's answer is larger than the {max_bytes} bytes this request allows")]
    AnswerTooLarge { max_bytes: usize },
    /// The relay sent the request to another origin (scheme, host or port); not followed, so
    /// no token or request body goes to a site the person did not choose.
    #[error("the relay redirected to another site ({to}); Keypost does not follow that")]
    CrossOriginRedirect { to: String },
    /// The system's TLS setup could not be loaded.
    #[error("the HTTP client cannot start: {0}")]
    ClientUnavailable(String),
}

impl RelayHttpError {
    /// The stable code the pickup and inbox errors give it: a refused address is the
    /// person's input; everything else is the relay misbehaving, told like an unreachable one.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadUrl { .. } => "invalid_input",
            Self::AnswerTooLarge { .. }
            | Self::CrossOriginRedirect { .. }
            | Self::ClientUnavailable(_) => "relay_unreachable",
        }
    }
}

/// How a client's error type names what went wrong with a relay request.
pub(crate) trait RelayFailure: From<RelayHttpError> {
    /// The request may not have been answered. `connected`: it may have reached the relay
    /// (a timeout, a dropped answer), so whatever it asked for may have happened.
    fn unreachable(url: String, connected: bool, reason: String) -> Self;
    /// The relay answered with a status that is not a success; `body` is its error body, if
    /// the answer held one.
    fn refused(status: StatusCode, body: Option<ErrorBody>) -> Self;
    /// A successful answer that is not what the API promises (malformed JSON).
    fn bad_answer(reason: String) -> Self;
}

/// Checks `base_url` (the relay's base URL, no trailing slash) and makes the HTTP client for
/// it.
pub(crate) fn client(base_url: &str) -> Result<reqwest::Client, RelayHttpError> {
    check_relay_url(base_url).map_err(|reason| RelayHttpError::BadUrl {
        url: base_url.to_owned(),
        reason,
    })?;
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(Policy::custom(same_origin_only))
        .user_agent(concat!("keypost/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| RelayHttpError::ClientUnavailable(error.to_string()))
}

/// The redirect rule: within the relay's origin a few times, never elsewhere.
fn same_origin_only(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    let target = attempt.url().origin();
    let same_origin = attempt
        .previous()
        .first()
        .is_some_and(|first| first.origin() == target);
    if !same_origin {
        let to = target.ascii_serialization();
        attempt.error(RedirectRefused { to })
    } else if attempt.previous().len() > MAX_SAME_ORIGIN_REDIRECTS {
        attempt.stop()
    } else {
        attempt.follow()
    }
}

/// Carries the refused target through reqwest's error to [`send`].
#[derive(Debug, Error)]
#[error("redirect to {to} refused")]
struct RedirectRefused {
    to: String,
}

/// Sends `request` (to the relay at `base_url`) with `bearer` if any; a successful answer is
/// returned, anything else is named by `E`.
pub(crate) async fn send<E: RelayFailure>(
    request: reqwest::RequestBuilder,
    base_url: &str,
    bearer: Option<&str>,
) -> Result<reqwest::Response, E> {
    let request = match bearer {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    let response = request.send().await.map_err(|error| {
        if let Some(refused) = redirect_refused(&error) {
            return E::from(RelayHttpError::CrossOriginRedirect {
                to: refused.to.clone(),
            });
        }
        E::unreachable(
            base_url.to_owned(),
            !error.is_connect(),
            error.without_url().to_string(),
        )
    })?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = read_json::<ErrorBody, E>(response).await.ok();
    Err(E::refused(status, body))
}

fn redirect_refused(error: &reqwest::Error) -> Option<&RedirectRefused> {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<RedirectRefused>() {
            return Some(refused);
        }
        source = cause.source();
    }
    None
}

/// Reads a JSON answer of at most `T::MAX_LEN` bytes, chunk by chunk: a relay that answers
/// without end (1 GiB, or a stream that never stops) costs at most that much memory and gets
/// a clear error; one that stops sending runs into [`REQUEST_TIMEOUT`].
pub(crate) async fn read_json<T: Answer, E: RelayFailure>(
    mut response: reqwest::Response,
) -> Result<T, E> {
    let max_bytes = T::MAX_LEN;
    let too_large = || E::from(RelayHttpError::AnswerTooLarge { max_bytes });
    if response
        .content_length()
        .is_some_and(|length| length > max_bytes as u64)
    {
        return Err(too_large());
    }
    let origin = response.url().origin().ascii_serialization();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| E::unreachable(origin.clone(), true, error.without_url().to_string()))?
    {
        if body.len() + chunk.len() > max_bytes {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|error| E::bad_answer(error.to_string()))
}
