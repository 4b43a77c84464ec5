//! Talking to a relay (docs/spec/pickup.md, "Relay API"): the sender deposits a sealed copy
//! and follows it with the owner token; the recipient proves the PIN and opens it.
//!
//! Only ciphertext, verifiers and hashes go to the relay, plus, when the relay is to email the
//! link, the recipient's address and the link fragment that the relay needs for the email and
//! must not keep (see `CreatePickupRequest::link_fragment`).

use super::{PickupError, Result};
use crate::relay_http::{self, RelayFailure};
use keypost_protocol::api::answers::Answer;
use keypost_protocol::api::pickups::{
    ChallengeResponse, CreatePickupRequest, CreatePickupResponse, DeleteRequest, OpenRequest,
    OpenResponse, OwnerStatus, PickupStatus, RelayCapabilities,
};
use keypost_protocol::api::{ErrorBody, ErrorCode};
use keypost_protocol::b64;
use keypost_protocol::pickup::{Payload, PickupLink, Pin, decode_sealed, delete_key, open};
use reqwest::StatusCode;
use serde::Serialize;
use zeroize::Zeroizing;

#[derive(Clone, Debug)]
pub struct RelayClient {
    base_url: String,
    http: reqwest::Client,
}

impl RelayClient {
    /// `relay_url` is the relay's base URL: `https://…`, or `http://` to this computer (e.g.
    /// `http://127.0.0.1:8080`).
    pub fn new(relay_url: &str) -> Result<Self> {
        let base_url = relay_url.trim_end_matches('/').to_owned();
        let http = relay_http::client(&base_url)?;
        Ok(Self { base_url, http })
    }

    pub fn relay_url(&self) -> &str {
        &self.base_url
    }

    /// What the relay can do: whether it emails links (else the sender delivers them).
    pub async fn capabilities(&self) -> Result<RelayCapabilities> {
        self.request(self.http.get(self.url("/api/v1/capabilities")), None)
            .await
    }

    /// Deposits a sealed pickup; the relay stores it and emails the link if asked to.
    pub(crate) async fn deposit(
        &self,
        request: &CreatePickupRequest,
    ) -> Result<CreatePickupResponse> {
        self.post_json("/api/v1/pickups", request, None).await
    }

    /// The sender's view: state and event log (opened, wrong PIN, destroyed, …).
    pub async fn owner_status(&self, id: &str, owner_token: &str) -> Result<OwnerStatus> {
        let path = format!("/api/v1/owner/pickups/{}", path_id(id)?);
        self.request(self.http.get(self.url(&path)), Some(owner_token))
            .await
    }

    /// Destroys the copy at once; the recipient's link stops working.
    pub async fn revoke(&self, id: &str, owner_token: &str) -> Result<()> {
        let path = format!("/api/v1/owner/pickups/{}/revoke", path_id(id)?);
        self.expect_no_content(self.http.post(self.url(&path)), Some(owner_token))
            .await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    async fn post_json<B: Serialize, T: Answer>(
        &self,
        path: &str,
        body: &B,
        bearer: Option<&str>,
    ) -> Result<T> {
        self.request(self.http.post(self.url(path)).json(body), bearer)
            .await
    }

    async fn send_request(
        &self,
        request: reqwest::RequestBuilder,
        bearer: Option<&str>,
    ) -> Result<reqwest::Response> {
        relay_http::send(request, &self.base_url, bearer).await
    }

    async fn request<T: Answer>(
        &self,
        request: reqwest::RequestBuilder,
        bearer: Option<&str>,
    ) -> Result<T> {
        let response = self.send_request(request, bearer).await?;
        relay_http::read_json(response).await
    }

    async fn expect_no_content(
        &self,
        request: reqwest::RequestBuilder,
        bearer: Option<&str>,
    ) -> Result<()> {
        self.send_request(request, bearer).await.map(drop)
    }
}

/// A pickup as the recipient sees it, before and after the PIN.
#[derive(Clone, Debug)]
pub struct PickupInbox {
    client: RelayClient,
    link: PickupLink,
    id: String,
}

impl PickupInbox {
    /// Parses a pickup link (web or `keypost://` form).
    pub fn from_link(link: &str) -> Result<Self> {
        let link = PickupLink::parse(link)?;
        let client = RelayClient::new(link.relay_url())?;
        let id = b64::encode(&link.secret().id());
        Ok(Self { client, link, id })
    }

    /// The access key derived from the link, as the bearer token of status, challenge, open
    /// and delete: without it the relay answers as if the pickup were gone.
    fn access_token(&self) -> Zeroizing<String> {
        Zeroizing::new(b64::encode(&*self.link.secret().keys().access_key()))
    }

    /// Sender, message, expiry and tries left; moves no counter.
    pub async fn status(&self) -> Result<PickupStatus> {
        let path = format!("/api/v1/pickups/{}", self.id);
        let access = self.access_token();
        self.client
            .request(self.client.http.get(self.client.url(&path)), Some(&access))
            .await
    }

    /// Proves the PIN and opens the copy. A wrong PIN costs one of the three tries.
    pub async fn open(&self, pin: &Pin, passphrase: Option<&str>) -> Result<Payload> {
        let access = self.access_token();
        let challenge: ChallengeResponse = self
            .client
            .post_json(
                &format!("/api/v1/pickups/{}/challenge", self.id),
                &serde_json::json!({}),
                Some(&access),
            )
            .await?;
        let challenge_bytes = b64::decode_array::<32>(&challenge.challenge)
            .map_err(|error| PickupError::BadAnswer(format!("challenge: {error}")))?;
        let proof = self.link.secret().keys().proof(pin, &challenge_bytes);
        let opened: OpenResponse = self
            .client
            .post_json(
                &format!("/api/v1/pickups/{}/open", self.id),
                &OpenRequest {
                    challenge: challenge.challenge,
                    proof: b64::encode(&proof),
                },
                Some(&access),
            )
            .await?;
        let sealed = decode_sealed(&opened.ciphertext)?;
        Ok(open(self.link.secret(), pin, passphrase, &sealed)?)
    }

    /// Destroys the copy on the relay (when the sender allowed it).
    pub async fn delete(&self) -> Result<()> {
        let request = DeleteRequest {
            delete_key: b64::encode(&delete_key(self.link.secret())),
        };
        let path = format!("/api/v1/pickups/{}/delete", self.id);
        let access = self.access_token();
        self.client
            .expect_no_content(
                self.client.http.post(self.client.url(&path)).json(&request),
                Some(&access),
            )
            .await
    }
}

/// Ids are base64url; anything else would change the request path.
fn path_id(id: &str) -> Result<&str> {
    b64::decode_array::<16>(id)
        .map(|_| id)
        .map_err(|_| PickupError::InvalidInput(format!("{id:?} is not a pickup id")))
}

impl RelayFailure for PickupError {
    fn unreachable(url: String, connected: bool, reason: String) -> Self {
        Self::Unreachable {
            url,
            connected,
            reason,
        }
    }

    fn refused(status: StatusCode, body: Option<ErrorBody>) -> Self {
        match (status, body) {
            (StatusCode::NOT_FOUND, _) => Self::Gone,
            (_, Some(body)) if body.error.code == ErrorCode::WrongPin => Self::WrongPin {
                attempts_left: body.error.attempts_left.unwrap_or(0),
            },
            (_, Some(body)) => Self::Refused {
                code: body.error.code,
                message: body.error.message,
            },
            (status, None) => Self::BadAnswer(format!("HTTP {status}")),
        }
    }

    fn bad_answer(reason: String) -> Self {
        Self::BadAnswer(reason)
    }
}
