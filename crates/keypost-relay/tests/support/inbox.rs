//! Inbox clients for the relay tests: an account with a real identity that registers, logs in
//! with a signed challenge and then calls the API with its session. The one place tests sign.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use keypost_protocol::api::accounts::{
    LoginChallenge, RegisterRequest, SessionRequest, SessionResponse,
};
use keypost_protocol::api::mailbox::{
    AckRequest, AckResponse, CreateGrantRequest, DepositRequest, MailboxFetch,
};
use keypost_protocol::b64;
use keypost_protocol::inbox::signing::{login_content, registration_content};
use keypost_protocol::inbox::{
    AccountId, GrantId, Identity, IdentitySeed, MessageId, SignatureKind,
};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::random;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub fn sha256_b64(bytes: &[u8]) -> String {
    b64::encode(&Sha256::digest(bytes))
}

pub fn new_identity() -> Identity {
    Identity::from_seed(&IdentitySeed::make_random(), 1_800_000_000)
}

/// A registration of `account` signed by `identity` with `kind` (Register unless testing).
pub fn registration(
    identity: &Identity,
    account: AccountId,
    relay_url: &str,
    kind: SignatureKind,
) -> RegisterRequest {
    RegisterRequest {
        account_id: account,
        bundle: identity.bundle().clone(),
        signature: identity.sign(kind, &registration_content(relay_url, &account)),
    }
}

/// A relay as an inbox client sees it: where requests go (`base`, one process) and the
/// public URL its signatures name (the same for every process of one relay).
#[derive(Clone)]
pub struct Relay {
    pub http: reqwest::Client,
    pub base: String,
    pub public_url: String,
}

impl Relay {
    pub fn new(base: &str, public_url: &str) -> Relay {
        Relay {
            http: reqwest::Client::new(),
            base: base.to_owned(),
            public_url: public_url.to_owned(),
        }
    }

    /// The same relay reached through another process.
    pub fn via(&self, base: &str) -> Relay {
        Relay {
            base: base.to_owned(),
            ..self.clone()
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, path: &str, body: &impl Serialize) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn register(&self, identity: &Identity, account: AccountId) -> reqwest::Response {
        let request = registration(identity, account, &self.public_url, SignatureKind::Register);
        self.post("/api/v1/accounts", &request).await
    }

    pub async fn challenge(&self, account: AccountId) -> String {
        let response = self
            .http
            .post(self.url(&format!("/api/v1/accounts/{account}/challenge")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json::<LoginChallenge>().await.unwrap().challenge
    }

    /// Signs `challenge` with `kind` (Login unless testing) and asks for a session.
    pub async fn login_with(
        &self,
        identity: &Identity,
        account: AccountId,
        challenge: &str,
        kind: SignatureKind,
    ) -> reqwest::Response {
        let bytes = b64::decode_array::<32>(challenge).unwrap();
        let request = SessionRequest {
            account_id: account,
            challenge: challenge.to_owned(),
            signature: identity.sign(kind, &login_content(&self.public_url, &account, &bytes)),
        };
        self.post("/api/v1/sessions", &request).await
    }

    /// A fresh identity, registered and logged in.
    pub async fn account(&self) -> Account {
        let identity = Arc::new(new_identity());
        let id = AccountId::random();
        assert_eq!(self.register(&identity, id).await.status(), 201);
        self.log_in(identity, id).await
    }

    /// A new session for a registered account.
    pub async fn log_in(&self, identity: Arc<Identity>, id: AccountId) -> Account {
        let challenge = self.challenge(id).await;
        let response = self
            .login_with(&identity, id, &challenge, SignatureKind::Login)
            .await;
        assert_eq!(response.status(), 200);
        let session = response.json::<SessionResponse>().await.unwrap().session;
        Account {
            identity,
            id,
            session,
            relay: self.clone(),
        }
    }
}

/// A logged-in account; its requests carry the session.
#[derive(Clone)]
pub struct Account {
    pub identity: Arc<Identity>,
    pub id: AccountId,
    pub session: String,
    pub relay: Relay,
}

impl Account {
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.session)
    }

    /// The same account with a new session (the old one expired).
    pub async fn log_in_again(&self) -> Account {
        self.relay.log_in(self.identity.clone(), self.id).await
    }

    /// This account's session on another process of the same relay.
    pub fn via(&self, base: &str) -> Account {
        Account {
            relay: self.relay.via(base),
            ..self.clone()
        }
    }

    pub async fn post(&self, path: &str, body: &impl Serialize) -> reqwest::Response {
        self.relay
            .http
            .post(self.relay.url(path))
            .header("authorization", self.bearer())
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Asks for a code to verify `email` (`POST /api/v1/account/email`).
    pub async fn set_email(&self, email: &str) -> reqwest::Response {
        self.post(
            "/api/v1/account/email",
            &serde_json::json!({ "email": email }),
        )
        .await
    }

    /// Tries `code` (`POST /api/v1/account/email/verify`).
    pub async fn verify_code(&self, code: &str) -> reqwest::Response {
        self.post(
            "/api/v1/account/email/verify",
            &serde_json::json!({ "code": code }),
        )
        .await
    }

    pub async fn post_empty(&self, path: &str) -> reqwest::Response {
        self.relay
            .http
            .post(self.relay.url(path))
            .header("authorization", self.bearer())
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.relay
            .http
            .get(self.relay.url(path))
            .header("authorization", self.bearer())
            .send()
            .await
            .unwrap()
    }

    /// `GET /api/v1/mailbox` with `query` (e.g. `?wait=10`).
    pub async fn fetch(&self, query: &str) -> MailboxFetch {
        let response = self.get(&format!("/api/v1/mailbox{query}")).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Acknowledges messages; answers how many were deleted.
    pub async fn ack(&self, ids: &[MessageId]) -> u32 {
        let request = AckRequest {
            message_ids: ids.to_vec(),
        };
        let response = self.post("/api/v1/mailbox/ack", &request).await;
        assert_eq!(response.status(), 200);
        response.json::<AckResponse>().await.unwrap().acknowledged
    }

    /// Creates a grant on this account's mailbox; answers (grant id, token).
    pub async fn grant(&self) -> (GrantId, [u8; 32]) {
        let token = random::<32>();
        let id = GrantId::random();
        let request = CreateGrantRequest {
            grant_id: id,
            token_hash: sha256_b64(&token),
        };
        assert_eq!(self.post("/api/v1/grants", &request).await.status(), 201);
        (id, token)
    }

    /// Deposits `sealed` into `mailbox` with a grant token.
    pub async fn deposit(
        &self,
        mailbox: AccountId,
        token: &[u8; 32],
        message_id: MessageId,
        sealed: &[u8],
    ) -> reqwest::Response {
        let request = DepositRequest {
            grant_token: b64::encode(token),
            message_id,
            sealed: b64::encode(sealed),
        };
        self.post(&format!("/api/v1/mailboxes/{mailbox}/messages"), &request)
            .await
    }
}

/// The code of the one email in the outbox, which is then removed.
pub fn take_code(outbox: &Path) -> (String, String) {
    let started = Instant::now();
    loop {
        let emails: Vec<_> = std::fs::read_dir(outbox)
            .map(|dir| {
                dir.map(|entry| entry.unwrap().path())
                    .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        if let [email] = emails.as_slice() {
            let text = std::fs::read_to_string(email).unwrap();
            std::fs::remove_file(email).unwrap();
            let start = text.find("code is ").unwrap() + "code is ".len();
            let code = text[start..start + 8].to_owned();
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{text}");
            return (code, text);
        }
        assert!(emails.len() < 2, "more than one email: {emails:?}");
        assert!(started.elapsed() < Duration::from_secs(10), "no email");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A well-formed code that is not `code`.
pub fn other_code(code: &str) -> &'static str {
    if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    }
}
