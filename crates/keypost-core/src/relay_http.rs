//! Sending one request to a relay, shared by the pickup and inbox clients: the bearer token,
//! the transport failure and the refusal body are the same for every relay API.

use keypost_protocol::api::ErrorBody;
use reqwest::StatusCode;

/// How a client's error type names what went wrong with a relay request.
pub(crate) trait RelayFailure {
    /// The request may not have been answered. `connected`: it may have reached the relay
    /// (a timeout, a dropped answer), so whatever it asked for may have happened.
    fn unreachable(url: String, connected: bool, reason: String) -> Self;
    /// The relay answered with a status that is not a success; `body` is its error body, if
    /// the answer held one.
    fn refused(status: StatusCode, body: Option<ErrorBody>) -> Self;
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
    let body = response.json::<ErrorBody>().await.ok();
    Err(E::refused(status, body))
}
