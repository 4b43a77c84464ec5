//! Sending one request to a relay, shared by the pickup and inbox clients: the bearer token,
//! the transport failure and the refusal body are the same for every relay API.

use keypost_protocol::api::ErrorBody;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

/// The most bytes an error answer may take; a relay's error bodies are a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// How a client's error type names what went wrong with a relay request.
pub(crate) trait RelayFailure {
    /// The request may not have been answered. `connected`: it may have reached the relay
    /// (a timeout, a dropped answer), so whatever it asked for may have happened.
    fn unreachable(url: String, connected: bool, reason: String) -> Self;
    /// The relay answered with a status that is not a success; `body` is its error body, if
    /// the answer held one.
    fn refused(status: StatusCode, body: Option<ErrorBody>) -> Self;
    /// A successful answer that is not what the API promises (malformed, or too large).
    fn bad_answer(reason: String) -> Self;
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
    let body = read_json::<ErrorBody, E>(response, MAX_ERROR_BODY)
        .await
        .ok();
    Err(E::refused(status, body))
}

/// Reads a JSON answer of at most `max_bytes`, chunk by chunk: a hostile or broken relay that
/// answers without end (1 GiB, or a stream that never stops) costs at most `max_bytes` of
/// memory and gets a clear error, instead of filling memory until the request times out.
pub(crate) async fn read_json<T: DeserializeOwned, E: RelayFailure>(
    mut response: reqwest::Response,
    max_bytes: usize,
) -> Result<T, E> {
    let too_large = || E::bad_answer(format!("the answer is larger than {max_bytes} bytes"));
    if response
        .content_length()
        .is_some_and(|length| length > max_bytes as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| E::bad_answer(error.without_url().to_string()))?
    {
        if body.len() + chunk.len() > max_bytes {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|error| E::bad_answer(error.to_string()))
}
