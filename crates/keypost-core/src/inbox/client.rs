//! The client of the relay's inbox API (docs/spec/inbox.md, "Relay API"): registration and the
//! signed-challenge login are plain calls; every other call carries a session, which is made
//! on first use, kept in memory only, and made again once when the relay answers 401 (it
//! expired, or the relay restarted).

use super::{InboxError, Result};
use crate::relay_http::{self, RelayFailure};
use keypost_protocol::api::accounts::{
    LoginChallenge, RegisterRequest, SessionRequest, SessionResponse,
};
use keypost_protocol::api::answers::Answer;
use keypost_protocol::api::mailbox::{CreateGrantRequest, DepositRequest, DepositResponse};
use keypost_protocol::api::{ErrorBody, ErrorCode};
use keypost_protocol::b64;
use keypost_protocol::inbox::{AccountId, DepositGrant, MessageId, Signature};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use std::sync::{Mutex, PoisonError};
use zeroize::Zeroizing;

/// What a session needs of the vault: the account and a login signature by its identity.
/// Contacts implements it over `VaultAccess`, so the keys are used inside one vault step.
pub(crate) trait Authed {
    /// The account this vault has at the relay.
    fn account(&self) -> Result<AccountId>;
    /// Signs the login content of `challenge` for this relay; returns the account it is for.
    fn sign_login(&self, relay_url: &str, challenge: &[u8; 32]) -> Result<(AccountId, Signature)>;
}

/// A session token for one account, kept only in memory.
type SessionCache = Mutex<Option<(AccountId, Zeroizing<String>)>>;

/// One relay's inbox API. Cheap to keep: the app holds one per vault, the CLI one per run.
#[derive(Debug)]
pub struct InboxClient {
    base_url: String,
    http: reqwest::Client,
    session: SessionCache,
}

impl InboxClient {
    /// `relay_url` is the relay's public base URL (`https://…`, or `http://` to loopback), the
    /// URL its signatures name.
    pub fn new(relay_url: &str) -> Result<Self> {
        let base_url = relay_url.trim_end_matches('/').to_owned();
        let http = relay_http::client(&base_url)?;
        Ok(Self {
            base_url,
            http,
            session: Mutex::new(None),
        })
    }

    pub fn relay_url(&self) -> &str {
        &self.base_url
    }

    /// `POST /api/v1/accounts` (201 new, 200 the same bundle again).
    pub(crate) async fn register(&self, request: &RegisterRequest) -> Result<()> {
        self.send(Method::POST, "/api/v1/accounts", Some(json(request)?), None)
            .await
            .map(drop)
    }

    /// A GET with the session; its JSON answer.
    pub(crate) async fn get<T: Answer>(&self, authed: &impl Authed, path: &str) -> Result<T> {
        read_json(self.authed(authed, Method::GET, path, None).await?).await
    }

    /// A POST with the session; its JSON answer.
    pub(crate) async fn post<B: Serialize, T: Answer>(
        &self,
        authed: &impl Authed,
        path: &str,
        body: &B,
    ) -> Result<T> {
        read_json(
            self.authed(authed, Method::POST, path, Some(json(body)?))
                .await?,
        )
        .await
    }

    /// A POST with the session whose answer has no body.
    pub(crate) async fn post_empty<B: Serialize>(
        &self,
        authed: &impl Authed,
        path: &str,
        body: &B,
    ) -> Result<()> {
        self.authed(authed, Method::POST, path, Some(json(body)?))
            .await
            .map(drop)
    }

    /// A POST with the session and no body (revocations).
    pub(crate) async fn post_bare(&self, authed: &impl Authed, path: &str) -> Result<()> {
        self.authed(authed, Method::POST, path, None)
            .await
            .map(drop)
    }

    /// Registers `grant` so that its holder may deposit into this account's mailbox; a grant
    /// registered before (a retried step) is fine.
    pub(crate) async fn create_grant(
        &self,
        authed: &impl Authed,
        grant: &DepositGrant,
    ) -> Result<()> {
        let request = CreateGrantRequest {
            grant_id: grant.grant_id,
            token_hash: b64::encode(&grant.token.hash()),
        };
        match self.post_empty(authed, "/api/v1/grants", &request).await {
            Err(InboxError::Refused {
                code: ErrorCode::Conflict,
                ..
            }) => Ok(()),
            other => other,
        }
    }

    /// Deposits a sealed message into `recipient`'s mailbox with the grant they gave.
    pub(crate) async fn deposit(
        &self,
        authed: &impl Authed,
        recipient: AccountId,
        grant: &DepositGrant,
        message_id: MessageId,
        sealed: &[u8],
    ) -> Result<DepositResponse> {
        let request = DepositRequest {
            grant_token: grant.token.to_base64().to_string(),
            message_id,
            sealed: b64::encode(sealed),
        };
        self.post(
            authed,
            &format!("/api/v1/mailboxes/{recipient}/messages"),
            &request,
        )
        .await
    }

    /// Sends with the cached session (logging in first if there is none) and logs in again
    /// once if the relay no longer knows the session.
    async fn authed(
        &self,
        authed: &impl Authed,
        method: Method,
        path: &str,
        body: Option<Zeroizing<Vec<u8>>>,
    ) -> Result<reqwest::Response> {
        let cached = self.cached_session(authed.account()?);
        let token = match cached {
            Some(token) => token,
            None => self.login(authed).await?,
        };
        let first = self
            .send(method.clone(), path, body.clone(), Some(&token))
            .await;
        match first {
            Err(InboxError::Refused {
                code: ErrorCode::Unauthorized,
                ..
            }) => {
                let token = self.login(authed).await?;
                self.send(method, path, body, Some(&token)).await
            }
            other => other,
        }
    }

    fn cached_session(&self, account: AccountId) -> Option<Zeroizing<String>> {
        let slot = self.session.lock().unwrap_or_else(PoisonError::into_inner);
        slot.as_ref()
            .filter(|(cached, _)| *cached == account)
            .map(|(_, token)| token.clone())
    }

    /// Challenge, signature, session (docs/spec/inbox.md, "Accounts and sessions").
    async fn login(&self, authed: &impl Authed) -> Result<Zeroizing<String>> {
        *self.session.lock().unwrap_or_else(PoisonError::into_inner) = None;
        let account = authed.account()?;
        let path = format!("/api/v1/accounts/{account}/challenge");
        let challenge: LoginChallenge =
            read_json(self.send(Method::POST, &path, None, None).await?).await?;
        let bytes = b64::decode_array::<32>(&challenge.challenge)
            .map_err(|error| InboxError::BadAnswer(format!("challenge: {error}")))?;
        let (account_id, signature) = authed.sign_login(&self.base_url, &bytes)?;
        let request = SessionRequest {
            account_id,
            challenge: challenge.challenge,
            signature,
        };
        let session: SessionResponse = read_json(
            self.send(
                Method::POST,
                "/api/v1/sessions",
                Some(json(&request)?),
                None,
            )
            .await?,
        )
        .await?;
        let token = Zeroizing::new(session.session);
        *self.session.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((account_id, token.clone()));
        Ok(token)
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Zeroizing<Vec<u8>>>,
        session: Option<&str>,
    ) -> Result<reqwest::Response> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url));
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        relay_http::send(request, &self.base_url, session).await
    }
}

fn json<B: Serialize>(body: &B) -> Result<Zeroizing<Vec<u8>>> {
    serde_json::to_vec(body)
        .map(Zeroizing::new)
        .map_err(|error| InboxError::InvalidInput(format!("request body: {error}")))
}

async fn read_json<T: Answer>(response: reqwest::Response) -> Result<T> {
    relay_http::read_json(response).await
}

impl RelayFailure for InboxError {
    fn unreachable(url: String, connected: bool, reason: String) -> Self {
        Self::Unreachable {
            url,
            connected,
            reason,
        }
    }

    fn refused(status: StatusCode, body: Option<ErrorBody>) -> Self {
        match (status, body) {
            (_, Some(body)) if body.error.code == ErrorCode::WrongCode => Self::WrongCode {
                attempts_left: body.error.attempts_left.unwrap_or(0),
            },
            (_, Some(body)) => Self::Refused {
                code: body.error.code,
                message: body.error.message,
            },
            (StatusCode::UNAUTHORIZED, None) => Self::Refused {
                code: ErrorCode::Unauthorized,
                message: "no session".into(),
            },
            (status, None) => Self::BadAnswer(format!("HTTP {status}")),
        }
    }

    fn bad_answer(reason: String) -> Self {
        Self::BadAnswer(reason)
    }
}
