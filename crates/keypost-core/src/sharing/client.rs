//! Talking to a relay (docs/spec/pickup.md, "Relay API"): the sender deposits a sealed copy
//! and follows it with the owner token; the recipient proves the PIN and opens it.
//!
//! Only ciphertext, verifiers and hashes go to the relay, plus the link fragment that the relay
//! needs for the email and must not keep (see `CreatePickupRequest::link_fragment`).

use super::snapshot::snapshot_of;
use crate::entry::Entry;
use keypost_protocol::api::{
    ChallengeResponse, CreatePickupRequest, CreatePickupResponse, DeleteRequest, ErrorBody,
    OpenRequest, OpenResponse, OwnerStatus, PickupStatus,
};
use keypost_protocol::b64;
use keypost_protocol::pickup::{
    LinkError, LinkSecret, OpenError, OwnerToken, Payload, PayloadError, PickupLink, Pin,
    SealError, delete_key, open, seal,
};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use thiserror::Error;
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// Lifetime bounds of a pickup, as the relay enforces them.
pub const MIN_EXPIRY_SECONDS: u64 = 3_600;
pub const MAX_EXPIRY_SECONDS: u64 = 90 * 86_400;
pub const MAX_VIEWS: u32 = 100;

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SharingError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("wrong PIN: {attempts_left} tries left before the copy is destroyed")]
    WrongPin { attempts_left: u32 },
    #[error("this pickup is gone: it expired, was used up, deleted, or destroyed by wrong PINs")]
    Gone,
    #[error("the relay refused: {message} ({code})")]
    Refused { code: String, message: String },
    #[error("cannot reach the relay at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the relay answered something unexpected: {0}")]
    BadAnswer(String),
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Payload(#[from] PayloadError),
    #[error("the copy cannot be opened: {0}")]
    Open(#[from] OpenError),
}

impl SharingError {
    /// A stable code for the UI and scripts to switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidInput(_) | Self::Payload(_) | Self::Seal(_) => "invalid_input",
            Self::WrongPin { .. } => "wrong_pin",
            Self::Gone => "gone",
            Self::Refused { .. } => "relay_refused",
            Self::Unreachable { .. } | Self::BadAnswer(_) => "relay_unreachable",
            Self::Link(_) => "invalid_link",
            Self::Open(_) => "cannot_open",
        }
    }
}

pub type Result<T, E = SharingError> = std::result::Result<T, E>;

/// What the sender chose in the send dialog. No `Debug`: it holds the PIN and passphrase.
#[derive(Clone)]
pub struct SendOptions {
    pub recipient_email: String,
    pub sender_name: String,
    pub message: String,
    pub pin: Pin,
    pub passphrase: Option<Zeroizing<String>>,
    pub expires_in_seconds: u64,
    pub max_views: Option<u32>,
    pub retrieval_step: bool,
    pub recipient_delete: bool,
    pub include_notes: bool,
}

/// A deposited pickup: what the sender is shown and what the app keeps to follow it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentPickup {
    pub id: String,
    pub relay_url: String,
    /// `<page_url>#<secret>`, the link the recipient was emailed.
    pub link: String,
    /// The `keypost://` form of the same link.
    pub deep_link: String,
    pub pin: String,
    /// Authorises status and revoke; kept by the sender only.
    pub owner_token: String,
    pub recipient_email: String,
    pub expires_at: String,
    pub emailed: bool,
    pub entry_titles: Vec<String>,
    /// When it was sent: filled in from the vault's sent log when read back.
    #[serde(skip)]
    pub sent_at: Option<OffsetDateTime>,
    /// The relay's last answer about it, so the Sent list shows a status at once. Only a
    /// cache: the relay's owner status stays the authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<OwnerStatus>,
}

impl std::fmt::Debug for SentPickup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentPickup")
            .field("id", &self.id)
            .field("recipient_email", &self.recipient_email)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// An HTTP client of one relay.
#[derive(Clone, Debug)]
pub struct RelayClient {
    base_url: String,
    http: reqwest::Client,
}

impl RelayClient {
    /// `relay_url` is the relay's base URL, e.g. `http://127.0.0.1:8080`.
    pub fn new(relay_url: &str) -> Result<Self> {
        let base_url = relay_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(SharingError::InvalidInput(format!(
                "relay URL {relay_url:?} must start with https:// or http://"
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("keypost/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| SharingError::InvalidInput(format!("HTTP client: {error}")))?;
        Ok(Self { base_url, http })
    }

    pub fn relay_url(&self) -> &str {
        &self.base_url
    }

    /// Seals copies of `entries` and deposits them as one pickup; the relay emails the link.
    pub async fn send(&self, entries: &[Entry], options: &SendOptions) -> Result<SentPickup> {
        check_options(options)?;
        let snapshots = entries
            .iter()
            .map(|entry| snapshot_of(entry, options.include_notes))
            .collect();
        let payload = Payload::new(
            options.sender_name.clone(),
            options.message.clone(),
            OffsetDateTime::now_utc(),
            snapshots,
        );
        payload.check_limits()?;
        let secret = LinkSecret::make_random();
        let passphrase = options.passphrase.as_ref().map(|text| text.as_str());
        let sealed = seal(&secret, &options.pin, passphrase, &payload)?;
        let owner_token = OwnerToken::make_random();
        let request = CreatePickupRequest {
            id: b64::encode(&sealed.id),
            ciphertext: b64::encode(&sealed.ciphertext),
            pin_verifier: b64::encode(&sealed.pin_verifier),
            delete_verifier: options
                .recipient_delete
                .then(|| b64::encode(&sealed.delete_verifier)),
            owner_token_hash: b64::encode(&owner_token.hash()),
            recipient_email: options.recipient_email.clone(),
            sender_name: options.sender_name.clone(),
            message: options.message.clone(),
            expires_in_seconds: options.expires_in_seconds,
            max_views: options.max_views,
            retrieval_step: options.retrieval_step,
            passphrase_required: options.passphrase.is_some(),
            link_fragment: secret.to_fragment().to_string(),
        };
        let created: CreatePickupResponse =
            self.post_json("/api/v1/pickups", &request, None).await?;
        let link = PickupLink::new(&created.page_url, secret)?;
        Ok(SentPickup {
            id: created.id,
            relay_url: self.base_url.clone(),
            link: link.to_web_link().to_string(),
            deep_link: link.to_deep_link().to_string(),
            pin: options.pin.as_str().to_owned(),
            owner_token: owner_token.to_base64().to_string(),
            recipient_email: options.recipient_email.clone(),
            expires_at: created.expires_at,
            emailed: created.emailed,
            entry_titles: entries.iter().map(|e| e.fields.title.clone()).collect(),
            sent_at: None,
            last_status: None,
        })
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

    async fn post_json<B: Serialize, T: DeserializeOwned>(
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
        let request = match bearer {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        let response = request
            .send()
            .await
            .map_err(|error| SharingError::Unreachable {
                url: self.base_url.clone(),
                reason: error.without_url().to_string(),
            })?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(error_from(response).await)
    }

    async fn request<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        bearer: Option<&str>,
    ) -> Result<T> {
        let response = self.send_request(request, bearer).await?;
        response
            .json::<T>()
            .await
            .map_err(|error| SharingError::BadAnswer(error.without_url().to_string()))
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

    /// Sender, message, expiry and tries left; moves no counter.
    pub async fn status(&self) -> Result<PickupStatus> {
        let path = format!("/api/v1/pickups/{}", self.id);
        self.client
            .request(self.client.http.get(self.client.url(&path)), None)
            .await
    }

    /// Proves the PIN and opens the copy. A wrong PIN costs one of the three tries.
    pub async fn open(&self, pin: &Pin, passphrase: Option<&str>) -> Result<Payload> {
        let challenge: ChallengeResponse = self
            .client
            .post_json(
                &format!("/api/v1/pickups/{}/challenge", self.id),
                &serde_json::json!({}),
                None,
            )
            .await?;
        let challenge_bytes = b64::decode_array::<32>(&challenge.challenge)
            .map_err(|error| SharingError::BadAnswer(format!("challenge: {error}")))?;
        let proof = self.link.secret().keys().proof(pin, &challenge_bytes);
        let opened: OpenResponse = self
            .client
            .post_json(
                &format!("/api/v1/pickups/{}/open", self.id),
                &OpenRequest {
                    challenge: challenge.challenge,
                    proof: b64::encode(&proof),
                },
                None,
            )
            .await?;
        let sealed = Zeroizing::new(
            b64::decode(&opened.ciphertext)
                .map_err(|error| SharingError::BadAnswer(format!("ciphertext: {error}")))?,
        );
        Ok(open(self.link.secret(), pin, passphrase, &sealed)?)
    }

    /// Destroys the copy on the relay (when the sender allowed it).
    pub async fn delete(&self) -> Result<()> {
        let request = DeleteRequest {
            delete_key: b64::encode(&delete_key(self.link.secret())),
        };
        let path = format!("/api/v1/pickups/{}/delete", self.id);
        self.client
            .expect_no_content(
                self.client.http.post(self.client.url(&path)).json(&request),
                None,
            )
            .await
    }
}

fn check_options(options: &SendOptions) -> Result<()> {
    let email = options.recipient_email.trim();
    let valid_email = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid_email {
        return Err(SharingError::InvalidInput(format!(
            "{email:?} is not an email address"
        )));
    }
    if options.sender_name.trim().is_empty() {
        return Err(SharingError::InvalidInput(
            "your name is needed so the recipient knows who sent this".into(),
        ));
    }
    if !(MIN_EXPIRY_SECONDS..=MAX_EXPIRY_SECONDS).contains(&options.expires_in_seconds) {
        return Err(SharingError::InvalidInput(
            "expiry must be between 1 hour and 90 days".into(),
        ));
    }
    if options
        .max_views
        .is_some_and(|views| !(1..=MAX_VIEWS).contains(&views))
    {
        return Err(SharingError::InvalidInput(format!(
            "views must be between 1 and {MAX_VIEWS}"
        )));
    }
    Ok(())
}

/// Ids are base64url; anything else would change the request path.
fn path_id(id: &str) -> Result<&str> {
    b64::decode_array::<16>(id)
        .map(|_| id)
        .map_err(|_| SharingError::InvalidInput(format!("{id:?} is not a pickup id")))
}

async fn error_from(response: reqwest::Response) -> SharingError {
    let status = response.status();
    let body = response.json::<ErrorBody>().await.ok();
    match (status, body) {
        (StatusCode::NOT_FOUND, _) => SharingError::Gone,
        (_, Some(body)) if body.error.code == "wrong_pin" => SharingError::WrongPin {
            attempts_left: body.error.attempts_left.unwrap_or(0),
        },
        (_, Some(body)) => SharingError::Refused {
            code: body.error.code,
            message: body.error.message,
        },
        (status, None) => SharingError::BadAnswer(format!("HTTP {status}")),
    }
}
