//! The inbox API on a real loopback socket, each scenario against SQLite and a real
//! PostgreSQL; the relay binary's logs; acknowledged ciphertext gone from the SQLite file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use keypost_protocol::api::accounts::{BundleResponse, SessionResponse, VerifyEmailResponse};
use keypost_protocol::api::invites::{
    AcceptInviteRequest, CreateInviteRequest, InviteList, InviteOffer, InviteState,
};
use keypost_protocol::api::mailbox::{DeliveryResponse, DeliveryStatus, DepositResponse};
use keypost_protocol::api::{ErrorBody, ErrorCode};
use keypost_protocol::b64;
use keypost_protocol::inbox::limits::INVITE_EXPIRY_SLACK_SECONDS;
use keypost_protocol::inbox::{AccountId, GrantId, InviteId, MessageId, SignatureKind};
use keypost_relay::Limits;
use support::inbox::{
    Account, Relay, new_identity, other_code, registration, sha256_b64, take_code,
};
use support::random;
use support::{Db, RelayProcess, TestRelay};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

on_both_databases!(
    accounts_register_log_in_and_sessions_expire,
    email_codes_verify_and_five_wrong_codes_delete_the_code,
    invites_are_created_fetched_accepted_once_listed_and_revoked,
    target_email_and_verified_email_rules_hold,
    grants_deposits_fetch_ack_and_delivery_status,
    mailbox_quota_duplicates_and_revoked_grants_are_refused,
    a_deposit_wakes_a_long_poll,
    oversized_and_malformed_bodies_get_clear_errors,
    purge_expires_messages_and_old_rows,
    a_relay_without_mail_refuses_an_account_email_clearly,
);

fn relay_of(test: &TestRelay) -> Relay {
    Relay::new(test.relay.public_url(), test.relay.public_url())
}

async fn error_of(response: reqwest::Response) -> (u16, ErrorBody) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn assert_error(response: reqwest::Response, status: u16, code: ErrorCode) -> ErrorBody {
    let (got, body) = error_of(response).await;
    assert_eq!((got, body.error.code), (status, code), "{body:?}");
    body
}

/// A mailbox owner, a contact, and the grant that lets the contact deposit.
async fn granted(relay: &Relay) -> (Account, Account, GrantId, [u8; 32]) {
    let owner = relay.account().await;
    let sender = relay.account().await;
    let (grant, token) = owner.grant().await;
    (owner, sender, grant, token)
}

fn expires_in(seconds: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::seconds(seconds))
        .format(&Rfc3339)
        .unwrap()
}

/// An invite request with random secrets; answers it and the accept token.
fn invite(target_email: Option<&str>, seconds: i64) -> (CreateInviteRequest, [u8; 32]) {
    let token = random::<32>();
    let request = CreateInviteRequest {
        invite_id: InviteId::random(),
        accept_token_hash: sha256_b64(&token),
        sealed_offer: b64::encode(&random::<600>()),
        target_email: target_email.map(str::to_owned),
        expires_at: expires_in(seconds),
    };
    (request, token)
}

fn acceptance(token: &[u8; 32]) -> AcceptInviteRequest {
    AcceptInviteRequest {
        accept_token: b64::encode(token),
        sealed_answer: b64::encode(&random::<700>()),
    }
}

async fn verify_email(account: &Account, outbox: &Path, email: &str) {
    assert_eq!(account.set_email(email).await.status(), 202);
    let (code, _) = take_code(outbox);
    assert_eq!(account.verify_code(&code).await.status(), 200);
}

/// Tries the `wrong` code once for each of `attempts_left`, which the relay must count down.
async fn try_wrong_code(account: &Account, wrong: &str, attempts_left: &[u32]) {
    for &left in attempts_left {
        let response = account.verify_code(wrong).await;
        let body = assert_error(response, 400, ErrorCode::WrongCode).await;
        assert_eq!(body.error.attempts_left, Some(left));
    }
}

async fn accounts_register_log_in_and_sessions_expire(db: Db) {
    let test = TestRelay::start(db).await;
    let relay = relay_of(&test);
    let identity = new_identity();
    let id = AccountId::random();
    assert_eq!(relay.register(&identity, id).await.status(), 201);
    assert_eq!(
        relay.register(&identity, id).await.status(),
        200,
        "idempotent"
    );
    let other = new_identity();
    assert_error(relay.register(&other, id).await, 409, ErrorCode::Conflict).await;

    // Signatures of the wrong kind, key or relay.
    let fresh = AccountId::random();
    for request in [
        registration(&identity, fresh, &relay.public_url, SignatureKind::Login),
        registration(
            &identity,
            fresh,
            "http://127.0.0.1:1",
            SignatureKind::Register,
        ),
        {
            let mut stolen =
                registration(&other, fresh, &relay.public_url, SignatureKind::Register);
            stolen.bundle = identity.bundle().clone();
            stolen
        },
    ] {
        let response = relay.post("/api/v1/accounts", &request).await;
        assert_error(response, 400, ErrorCode::BadSignature).await;
    }

    // A Register signature presented as a login is refused and uses the challenge up; another
    // identity cannot log in as this account.
    let used = relay.challenge(id).await;
    let fresh_challenge = relay.challenge(id).await;
    for (signer, challenge, kind, code) in [
        (
            &identity,
            &used,
            SignatureKind::Register,
            ErrorCode::BadSignature,
        ),
        (
            &identity,
            &used,
            SignatureKind::Login,
            ErrorCode::InvalidChallenge,
        ),
        (
            &other,
            &fresh_challenge,
            SignatureKind::Login,
            ErrorCode::BadSignature,
        ),
    ] {
        let response = relay.login_with(signer, id, challenge, kind).await;
        assert_error(response, 400, code).await;
    }
    // An unknown account gets no challenge.
    let response = relay
        .http
        .post(relay.url(&format!("/api/v1/accounts/{fresh}/challenge")))
        .send()
        .await
        .unwrap();
    assert_error(response, 404, ErrorCode::NotFound).await;

    // A challenge lives 60 seconds.
    let late = relay.challenge(id).await;
    test.clock.advance(61);
    let response = relay
        .login_with(&identity, id, &late, SignatureKind::Login)
        .await;
    assert_error(response, 400, ErrorCode::InvalidChallenge).await;

    let challenge = relay.challenge(id).await;
    let response = relay
        .login_with(&identity, id, &challenge, SignatureKind::Login)
        .await;
    assert_eq!(response.status(), 200);
    let session: SessionResponse = response.json().await.unwrap();
    let account = Account {
        identity: std::sync::Arc::new(identity),
        id,
        session: session.session,
        relay: relay.clone(),
    };
    let bundle_path = format!("/api/v1/accounts/{id}/bundle");
    let response = account.get(&bundle_path).await;
    assert_eq!(response.status(), 200);
    let body: BundleResponse = response.json().await.unwrap();
    assert_eq!(&body.bundle, account.identity.bundle());

    let response = relay
        .http
        .get(relay.url(&bundle_path))
        .send()
        .await
        .unwrap();
    assert_error(response, 401, ErrorCode::Unauthorized).await;
    let forged = Account {
        session: b64::encode(&random::<32>()),
        ..account.clone()
    };
    assert_error(forged.get(&bundle_path).await, 401, ErrorCode::Unauthorized).await;

    test.clock.advance(3_601);
    assert_error(
        account.get(&bundle_path).await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    let purged = test.relay.state().purge().await.unwrap();
    assert!(purged.inbox.sessions >= 1);
    assert!(purged.inbox.login_challenges >= 1);
}

async fn email_codes_verify_and_five_wrong_codes_delete_the_code(db: Db) {
    let test = TestRelay::start(db).await;
    let account = relay_of(&test).account().await;
    let outbox = test.outbox.path();
    let set = "Ada@Example.org";
    assert_eq!(account.set_email(set).await.status(), 202);
    let (code, email) = take_code(outbox);
    assert!(email.contains("valid for 15 minutes"), "{email}");
    assert!(
        !email.contains(&account.id.to_string()),
        "the email names no account"
    );
    let wrong = other_code(&code);
    try_wrong_code(&account, wrong, &[4, 3]).await;
    let response = account.verify_code(&code).await;
    assert_eq!(response.status(), 200);
    let body: VerifyEmailResponse = response.json().await.unwrap();
    assert_eq!(body.email, "ada@example.org");
    assert!(body.verified);
    let response = account.verify_code(&code).await;
    assert_error(response, 404, ErrorCode::NotFound).await;

    // Five wrong codes delete the code: the right one no longer works.
    assert_eq!(account.set_email(set).await.status(), 202);
    let (code, _) = take_code(outbox);
    let wrong = other_code(&code);
    try_wrong_code(&account, wrong, &[4, 3, 2, 1, 0]).await;
    let response = account.verify_code(&code).await;
    assert_error(response, 404, ErrorCode::NotFound).await;
    let rows = test
        .db
        .count(
            "SELECT COUNT(*) FROM email_codes WHERE account_id = $1",
            &account.id,
        )
        .await;
    assert_eq!(rows, 0);

    // Malformed codes are not tries.
    for bad in ["1234567", "123456789", "abcdefgh"] {
        let response = account.verify_code(bad).await;
        assert_error(response, 400, ErrorCode::BadRequest).await;
    }
    // Five codes a day: two used, three more, then refused; a day later allowed again.
    for _ in 0..3 {
        assert_eq!(account.set_email(set).await.status(), 202);
        take_code(outbox);
    }
    let response = account.set_email(set).await;
    assert_error(response, 429, ErrorCode::RateLimited).await;
    test.clock.advance(86_401);
    let account = account.log_in_again().await;
    assert_eq!(account.set_email(set).await.status(), 202);
    take_code(outbox);
    let response = account.set_email("not an address").await;
    assert_error(response, 400, ErrorCode::BadRequest).await;
}

async fn invites_are_created_fetched_accepted_once_listed_and_revoked(db: Db) {
    let test = TestRelay::start(db).await;
    let relay = relay_of(&test);
    let inviter = relay.account().await;
    let invitee = relay.account().await;
    let (request, token) = invite(None, 3 * 86_400);
    let id = request.invite_id;
    assert_eq!(
        inviter.post("/api/v1/invites", &request).await.status(),
        201
    );
    assert_error(
        inviter.post("/api/v1/invites", &request).await,
        409,
        ErrorCode::Conflict,
    )
    .await;
    // An inviter's clock up to 5 minutes off the relay's is fine; beyond, refused.
    let slack = i64::try_from(INVITE_EXPIRY_SLACK_SECONDS).unwrap();
    for seconds in [3_600 - slack + 60, 7 * 86_400 + slack - 60] {
        let (skewed, _) = invite(None, seconds);
        assert_eq!(inviter.post("/api/v1/invites", &skewed).await.status(), 201);
        let revoke = format!("/api/v1/invites/{}/revoke", skewed.invite_id);
        assert_eq!(inviter.post_empty(&revoke).await.status(), 200);
    }
    for seconds in [3_600 - slack - 60, 7 * 86_400 + slack + 60] {
        let (bad, _) = invite(None, seconds);
        let body = assert_error(
            inviter.post("/api/v1/invites", &bad).await,
            400,
            ErrorCode::BadRequest,
        )
        .await;
        assert!(body.error.message.contains("expires_at"));
    }

    let offer_path = format!("/api/v1/invites/{id}");
    let offer: InviteOffer = invitee.get(&offer_path).await.json().await.unwrap();
    assert_eq!(offer.sealed_offer, request.sealed_offer);
    assert!(!offer.target_email_required);

    let accept_path = format!("/api/v1/invites/{id}/accept");
    let wrong = acceptance(&random::<32>());
    assert_error(
        invitee.post(&accept_path, &wrong).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let answer = acceptance(&token);
    assert_eq!(invitee.post(&accept_path, &answer).await.status(), 200);
    assert_error(
        invitee.post(&accept_path, &answer).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_error(invitee.get(&offer_path).await, 404, ErrorCode::NotFound).await;

    let (open, _) = invite(None, 3_600);
    assert_eq!(inviter.post("/api/v1/invites", &open).await.status(), 201);
    let list: InviteList = inviter.get("/api/v1/invites").await.json().await.unwrap();
    assert_eq!(list.invites.len(), 2);
    let accepted = list.invites.iter().find(|i| i.invite_id == id).unwrap();
    assert_eq!(accepted.state, InviteState::Accepted);
    assert_eq!(
        accepted.sealed_answer.as_deref(),
        Some(answer.sealed_answer.as_str())
    );
    assert_eq!(accepted.acceptor_account_id, Some(invitee.id));
    let pending = list
        .invites
        .iter()
        .find(|i| i.invite_id == open.invite_id)
        .unwrap();
    assert_eq!(pending.state, InviteState::Open);
    assert_eq!(pending.sealed_answer, None);
    let theirs: InviteList = invitee.get("/api/v1/invites").await.json().await.unwrap();
    assert!(
        theirs.invites.is_empty(),
        "only the inviter lists an invite"
    );

    // Only the inviter revokes; a revoked invite is gone.
    let revoke = format!("/api/v1/invites/{}/revoke", open.invite_id);
    assert_error(invitee.post_empty(&revoke).await, 404, ErrorCode::NotFound).await;
    assert_eq!(inviter.post_empty(&revoke).await.status(), 200);
    let gone = format!("/api/v1/invites/{}", open.invite_id);
    assert_error(invitee.get(&gone).await, 404, ErrorCode::NotFound).await;

    // Expiry follows the clock.
    let (short, short_token) = invite(None, 3_600);
    assert_eq!(inviter.post("/api/v1/invites", &short).await.status(), 201);
    test.clock.advance(3_601);
    let invitee = invitee.log_in_again().await;
    let path = format!("/api/v1/invites/{}/accept", short.invite_id);
    assert_error(
        invitee.post(&path, &acceptance(&short_token)).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let purged = test.relay.state().purge().await.unwrap();
    assert_eq!(purged.inbox.invites, 1);
}

async fn target_email_and_verified_email_rules_hold(db: Db) {
    let limits = Limits {
        require_verified_email_to_invite: true,
        ..Limits::unlimited()
    };
    let test = TestRelay::start_with(db, limits).await;
    let relay = relay_of(&test);
    let outbox = test.outbox.path();
    let inviter = relay.account().await;
    let (request, token) = invite(Some("Bo@Example.org"), 86_400);
    assert_error(
        inviter.post("/api/v1/invites", &request).await,
        403,
        ErrorCode::EmailNotVerified,
    )
    .await;
    verify_email(&inviter, outbox, "ada@example.org").await;
    assert_eq!(
        inviter.post("/api/v1/invites", &request).await.status(),
        201
    );

    let path = format!("/api/v1/invites/{}", request.invite_id);
    let unverified = relay.account().await;
    let offer: InviteOffer = unverified.get(&path).await.json().await.unwrap();
    assert!(offer.target_email_required);
    let accept = format!("{path}/accept");
    assert_error(
        unverified.post(&accept, &acceptance(&token)).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    let someone_else = relay.account().await;
    verify_email(&someone_else, outbox, "eve@example.org").await;
    assert_error(
        someone_else.post(&accept, &acceptance(&token)).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    let bo = relay.account().await;
    verify_email(&bo, outbox, "bo@example.org").await;
    assert_eq!(bo.post(&accept, &acceptance(&token)).await.status(), 200);
}

async fn grants_deposits_fetch_ack_and_delivery_status(db: Db) {
    let test = TestRelay::start(db).await;
    let relay = relay_of(&test);
    let (owner, sender, _, token) = granted(&relay).await;
    // A second contact holding the same grant token: each message names its own depositor.
    let other = relay.account().await;
    let mut sent = Vec::new();
    for n in 0..3u8 {
        let id = MessageId::random();
        let sealed = vec![n; 1000 + usize::from(n)];
        let depositor = if n == 1 { &other } else { &sender };
        let response = depositor.deposit(owner.id, &token, id, &sealed).await;
        assert_eq!(response.status(), 201);
        let body: DepositResponse = response.json().await.unwrap();
        assert_eq!((body.message_id, body.status), (id, DeliveryStatus::Queued));
        sent.push((id, depositor.id, sealed));
    }
    let fetched = owner.fetch("").await;
    let got: Vec<_> = fetched
        .messages
        .iter()
        .map(|m| (m.message_id, m.depositor, b64::decode(&m.sealed).unwrap()))
        .collect();
    assert_eq!(
        got, sent,
        "oldest first, each with its depositor, bytes unchanged"
    );
    let nothing = sender.fetch("").await;
    assert!(nothing.messages.is_empty(), "only the owner fetches");

    let status_path = format!("/api/v1/deliveries/{}", sent[0].0);
    let status: DeliveryResponse = sender.get(&status_path).await.json().await.unwrap();
    assert_eq!(status.status, DeliveryStatus::Queued);
    assert_error(owner.get(&status_path).await, 404, ErrorCode::NotFound).await;

    // Someone else's ack deletes nothing.
    let ack = [sent[0].0, sent[1].0];
    assert_eq!(sender.ack(&ack).await, 0);
    assert_eq!(owner.ack(&ack).await, 2);
    assert_eq!(owner.ack(&ack).await, 0, "acknowledging twice is harmless");
    let status: DeliveryResponse = sender.get(&status_path).await.json().await.unwrap();
    assert_eq!(status.status, DeliveryStatus::Delivered);
    let left = owner.fetch("").await;
    assert_eq!(left.messages.len(), 1);
    assert_eq!(left.messages[0].message_id, sent[2].0);
    let counters = test
        .db
        .count(
            "SELECT mailbox_count FROM accounts WHERE id = $1",
            &owner.id,
        )
        .await;
    assert_eq!(counters, 1);
}

async fn mailbox_quota_duplicates_and_revoked_grants_are_refused(db: Db) {
    let limits = Limits {
        mailbox_max_messages: 3,
        mailbox_max_bytes: 10_000,
        deposits_per_minute_per_sender: 8,
        ..Limits::unlimited()
    };
    let test = TestRelay::start_with(db, limits).await;
    let relay = relay_of(&test);
    let (owner, sender, grant, token) = granted(&relay).await;
    let first = MessageId::random();
    assert_eq!(
        sender
            .deposit(owner.id, &token, first, &[1; 6000])
            .await
            .status(),
        201
    );
    let response = sender.deposit(owner.id, &token, first, &[1; 10]).await;
    assert_error(response, 409, ErrorCode::Conflict).await;
    // Bytes: 6,000 + 5,000 > 10,000.
    let response = sender
        .deposit(owner.id, &token, MessageId::random(), &[2; 5000])
        .await;
    assert_error(response, 409, ErrorCode::MailboxFull).await;
    for _ in 0..2 {
        let response = sender
            .deposit(owner.id, &token, MessageId::random(), &[3; 100])
            .await;
        assert_eq!(response.status(), 201);
    }
    // Count: 3 messages.
    let response = sender
        .deposit(owner.id, &token, MessageId::random(), &[4; 10])
        .await;
    assert_error(response, 409, ErrorCode::MailboxFull).await;
    // A token for another mailbox, or an unknown one.
    let response = sender
        .deposit(sender.id, &token, MessageId::random(), &[5; 10])
        .await;
    assert_error(response, 403, ErrorCode::GrantRefused).await;
    let response = sender
        .deposit(owner.id, &random(), MessageId::random(), &[5; 10])
        .await;
    assert_error(response, 403, ErrorCode::GrantRefused).await;
    // The per-sender rate limit (8 a minute here) has been reached.
    let response = sender
        .deposit(owner.id, &token, MessageId::random(), &[6; 10])
        .await;
    assert_error(response, 429, ErrorCode::RateLimited).await;

    let other = relay.account().await;
    let revoke = format!("/api/v1/grants/{grant}/revoke");
    assert_error(other.post_empty(&revoke).await, 404, ErrorCode::NotFound).await;
    assert_eq!(owner.post_empty(&revoke).await.status(), 200);
    let fetched = owner.fetch("").await;
    let ids: Vec<_> = fetched.messages.iter().map(|m| m.message_id).collect();
    assert_eq!(owner.ack(&ids).await, 3);
    let response = other
        .deposit(owner.id, &token, MessageId::random(), &[7; 10])
        .await;
    assert_error(response, 403, ErrorCode::GrantRefused).await;
    let rows = test
        .db
        .count(
            "SELECT COUNT(*) FROM mailbox_messages WHERE mailbox = $1",
            &owner.id,
        )
        .await;
    assert_eq!(rows, 0);
}

async fn a_deposit_wakes_a_long_poll(db: Db) {
    let test = TestRelay::start(db).await;
    let relay = relay_of(&test);
    let (owner, sender, _, token) = granted(&relay).await;

    let started = Instant::now();
    let empty = owner.fetch("?wait=1").await;
    assert!(empty.messages.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900), "it waited");

    let waiting = {
        let owner = owner.clone();
        tokio::spawn(async move {
            let fetched = owner.fetch("?wait=10").await;
            (fetched, Instant::now())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let id = MessageId::random();
    assert_eq!(
        sender
            .deposit(owner.id, &token, id, b"hello")
            .await
            .status(),
        201
    );
    let deposited = Instant::now();
    let (fetched, returned) = waiting.await.unwrap();
    assert_eq!(fetched.messages.len(), 1);
    assert_eq!(fetched.messages[0].message_id, id);
    let latency = returned.saturating_duration_since(deposited);
    assert!(
        latency < Duration::from_millis(500),
        "woke after {latency:?}"
    );
}

async fn oversized_and_malformed_bodies_get_clear_errors(db: Db) {
    let test = TestRelay::start(db).await;
    let relay = relay_of(&test);
    let owner = relay.account().await;
    let (_, token) = owner.grant().await;
    let address = test.relay.local_addr();
    let auth = format!("Authorization: {}\r\n", owner.bearer());
    let path = format!("/api/v1/mailboxes/{}/messages", owner.id);

    // A sealed message one byte over 4 MiB, within the body limit: 413.
    let over = vec![9u8; 4 * 1024 * 1024 + 1];
    let response = owner
        .deposit(owner.id, &token, MessageId::random(), &over)
        .await;
    assert_error(response, 413, ErrorCode::PayloadTooLarge).await;
    // A body over the limit is refused before it is read to its end.
    let body = format!(
        "{{\"grant_token\":\"{}\",\"message_id\":\"{}\",\"sealed\":\"{}\"}}",
        b64::encode(&token),
        MessageId::random(),
        "A".repeat(6 * 1024 * 1024)
    );
    let (status, text) = support::raw_post_with(address, &path, &auth, body.as_bytes()).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("payload_too_large"), "{text}");
    // Exactly 4 MiB is fine.
    let max = vec![8u8; 4 * 1024 * 1024];
    assert_eq!(
        owner
            .deposit(owner.id, &token, MessageId::random(), &max)
            .await
            .status(),
        201
    );
    // Small routes keep the small limit.
    let big_ack = format!("{{\"message_ids\": [\"{}\"]}}", "A".repeat(8000));
    let (status, _) =
        support::raw_post_with(address, "/api/v1/mailbox/ack", &auth, big_ack.as_bytes()).await;
    assert_eq!(status, 413);
    let (invite_request, _) = invite(None, 3_600);
    let mut huge_offer = invite_request.clone();
    huge_offer.sealed_offer = b64::encode(&vec![1u8; 16 * 1024 + 1]);
    let response = owner.post("/api/v1/invites", &huge_offer).await;
    assert_error(response, 413, ErrorCode::PayloadTooLarge).await;

    let send_raw = |path: &str, body: &'static str, json: bool| {
        let mut request = relay
            .http
            .post(relay.url(path))
            .header("authorization", owner.bearer())
            .body(body);
        if json {
            request = request.header("content-type", "application/json");
        }
        request.send()
    };
    for (path, body, what) in [
        ("/api/v1/grants", "{\"grant_id\": ", "not valid JSON"),
        ("/api/v1/grants", "[1, 2]", "does not match"),
        ("/api/v1/grants", "\"grant\"", "does not match"),
        (
            "/api/v1/mailbox/ack",
            "{\"message_ids\": [], \"extra\": 1}",
            "unknown field",
        ),
        (
            "/api/v1/mailbox/ack",
            "{\"message_ids\": [\"AAAA\"]}",
            "message id",
        ),
        (
            "/api/v1/accounts",
            "{\"account_id\": \"AAAAAAAAAAAAAAAAAAAAAA\"}",
            "missing field",
        ),
    ] {
        let response = send_raw(path, body, true).await.unwrap();
        let body = assert_error(response, 400, ErrorCode::BadRequest).await;
        assert!(
            body.error.message.contains(what),
            "{what}: {}",
            body.error.message
        );
    }
    let response = send_raw("/api/v1/grants", "{}", false).await.unwrap();
    assert_eq!(response.status(), 415);
    let response = owner
        .post(
            "/api/v1/grants",
            &serde_json::json!({"grant_id": "AAAAAAAAAAAAAAAAAAAAAA", "token_hash": "short"}),
        )
        .await;
    let body = assert_error(response, 400, ErrorCode::BadRequest).await;
    assert!(body.error.message.contains("token_hash"));
    let ids: Vec<_> = (0..51).map(|_| MessageId::random()).collect();
    let response = owner
        .post(
            "/api/v1/mailbox/ack",
            &serde_json::json!({ "message_ids": ids }),
        )
        .await;
    assert_error(response, 400, ErrorCode::BadRequest).await;
    for query in ["?wait=11", "?wait=soon", "?other=1"] {
        let response = owner.get(&format!("/api/v1/mailbox{query}")).await;
        assert_error(response, 400, ErrorCode::BadRequest).await;
    }
    let response = owner.get("/api/v1/invites/not-an-id").await;
    let body = assert_error(response, 400, ErrorCode::BadRequest).await;
    assert!(body.error.message.contains("invite id"));
    // No session: 401 before anything else.
    let response = relay
        .http
        .get(relay.url("/api/v1/mailbox"))
        .send()
        .await
        .unwrap();
    assert_error(response, 401, ErrorCode::Unauthorized).await;
}

async fn purge_expires_messages_and_old_rows(db: Db) {
    let test = TestRelay::start(db).await;
    let relay = relay_of(&test);
    let (owner, sender, _, token) = granted(&relay).await;
    let id = MessageId::random();
    assert_eq!(
        sender
            .deposit(owner.id, &token, id, &[1; 500])
            .await
            .status(),
        201
    );
    assert_eq!(owner.set_email("ada@example.org").await.status(), 202);

    test.clock.advance(30 * 86_400 + 1);
    let purged = test.relay.state().purge().await.unwrap();
    assert_eq!(purged.inbox.expired_messages, 1);
    assert_eq!(purged.inbox.email_codes, 1);
    assert!(purged.inbox.sessions >= 2);
    let rows = test
        .db
        .count(
            "SELECT COUNT(*) FROM mailbox_messages WHERE message_id = $1",
            &id,
        )
        .await;
    assert_eq!(rows, 0);
    let status = test
        .db
        .count(
            "SELECT COUNT(*) FROM deliveries WHERE message_id = $1 AND status = 'expired'",
            &id,
        )
        .await;
    assert_eq!(status, 1);
    let counter = test
        .db
        .count(
            "SELECT mailbox_count FROM accounts WHERE id = $1",
            &owner.id,
        )
        .await;
    assert_eq!(counter, 0);
    test.clock.advance(60 * 86_400);
    let purged = test.relay.state().purge().await.unwrap();
    assert_eq!(purged.inbox.old_deliveries, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_ciphertext_is_gone_from_the_sqlite_file() {
    let test = TestRelay::start(Db::sqlite()).await;
    let relay = relay_of(&test);
    let owner = relay.account().await;
    let (_, token) = owner.grant().await;
    let pattern = b"KEYPOST-DISTINCTIVE-CIPHERTEXT-";
    let tail = random::<4096>();
    let mut ciphertext = pattern.repeat(2048);
    ciphertext.extend_from_slice(&tail);
    let id = MessageId::random();
    assert_eq!(
        owner
            .deposit(owner.id, &token, id, &ciphertext)
            .await
            .status(),
        201
    );
    // SQLite splits a large value over pages, so the probes are short.
    assert!(
        test.db.holds_on_disk(pattern),
        "the probe finds stored ciphertext"
    );
    let ack = [id];
    assert_eq!(owner.ack(&ack).await, 1);
    assert!(
        !test.db.holds_on_disk(pattern),
        "acknowledged ciphertext is still in the SQLite file"
    );
    for chunk in tail.chunks(64) {
        assert!(!test.db.holds_on_disk(chunk));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_contain_no_token_code_email_challenge_or_ciphertext() {
    let db = Db::sqlite();
    let scratch = tempfile::tempdir().unwrap();
    let outbox = scratch.path().join("outbox");
    let process = RelayProcess::spawn_binary(
        Path::new(env!("CARGO_BIN_EXE_keypost-relay")),
        db.url(),
        &outbox,
        scratch.path(),
        "debug",
    );
    let relay = Relay::new(&process.base, &process.base);
    let mut secrets = Vec::new();

    let identity = new_identity();
    let id = AccountId::random();
    let registered = registration(&identity, id, &relay.public_url, SignatureKind::Register);
    secrets.push(
        serde_json::to_value(registered.signature)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned(),
    );
    assert_eq!(relay.register(&identity, id).await.status(), 201);
    let challenge = relay.challenge(id).await;
    secrets.push(challenge.clone());
    let wrong = relay
        .login_with(&identity, id, &challenge, SignatureKind::Message)
        .await;
    assert_eq!(wrong.status(), 400);
    let challenge = relay.challenge(id).await;
    secrets.push(challenge.clone());
    let response = relay
        .login_with(&identity, id, &challenge, SignatureKind::Login)
        .await;
    let session: SessionResponse = response.json().await.unwrap();
    secrets.push(session.session.clone());
    let owner = Account {
        identity: std::sync::Arc::new(identity),
        id,
        session: session.session,
        relay: relay.clone(),
    };

    let address = "secret.person@example.org";
    secrets.push(address.to_owned());
    assert_eq!(owner.set_email(address).await.status(), 202);
    let (code, _) = take_code(&outbox);
    let wrong_code = other_code(&code);
    assert_eq!(owner.verify_code(wrong_code).await.status(), 400);
    assert_eq!(owner.verify_code(&code).await.status(), 200);
    secrets.push(code);
    secrets.push(wrong_code.to_owned());

    let other = relay.account().await;
    secrets.push(other.session.clone());
    let (request, accept_token) = invite(Some(address), 3_600);
    secrets.push(b64::encode(&accept_token));
    secrets.push(request.accept_token_hash.clone());
    secrets.push(request.sealed_offer[..64].to_owned());
    assert_eq!(other.post("/api/v1/invites", &request).await.status(), 201);
    let answer = acceptance(&accept_token);
    secrets.push(answer.sealed_answer[..64].to_owned());
    let accept = format!("/api/v1/invites/{}/accept", request.invite_id);
    assert_eq!(owner.post(&accept, &answer).await.status(), 200);

    let (_, grant_token) = owner.grant().await;
    secrets.push(b64::encode(&grant_token));
    secrets.push(sha256_b64(&grant_token));
    let sealed = random::<3000>();
    secrets.push(b64::encode(&sealed)[..64].to_owned());
    let message = MessageId::random();
    assert_eq!(
        other
            .deposit(owner.id, &grant_token, message, &sealed)
            .await
            .status(),
        201
    );
    let bad = other
        .deposit(owner.id, &random(), MessageId::random(), &sealed)
        .await;
    assert_eq!(bad.status(), 403);
    let fetched = owner.fetch("").await;
    assert_eq!(fetched.messages.len(), 1);
    assert_eq!(owner.ack(&[message]).await, 1);

    let logs = process.stop();
    assert!(
        logs.contains("message deposited"),
        "debug logs were captured: {logs}"
    );
    assert!(logs.contains(&message.to_string()), "ids are logged");
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "log leaks {secret:?}:\n{logs}"
        );
    }
    assert!(!logs.to_ascii_lowercase().contains("example.org"), "{logs}");
}

/// serde fills a struct from an array of its fields in order too; every inbox route takes
/// JSON objects only, with the same answer as the pickup routes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_routes_take_json_objects_only() {
    async fn refused(response: reqwest::Response) {
        let body = assert_error(response, 400, ErrorCode::BadRequest).await;
        assert_eq!(body.error.message, keypost_relay::routes::NOT_AN_OBJECT);
    }
    let test = TestRelay::start(Db::sqlite()).await;
    let relay = relay_of(&test);

    let identity = new_identity();
    let id = AccountId::random();
    let register = registration(&identity, id, &relay.public_url, SignatureKind::Register);
    let as_array = serde_json::json!([register.account_id, register.bundle, register.signature]);
    refused(relay.post("/api/v1/accounts", &as_array).await).await;
    assert_eq!(
        relay.post("/api/v1/accounts", &register).await.status(),
        201
    );

    let owner = relay.account().await;
    let sender = relay.account().await;
    let token = random::<32>();
    let grant = GrantId::random();
    let as_array = serde_json::json!([grant, sha256_b64(&token)]);
    refused(owner.post("/api/v1/grants", &as_array).await).await;
    refused(
        owner
            .post(
                "/api/v1/account/email",
                &serde_json::json!(["a@example.org"]),
            )
            .await,
    )
    .await;
    let grant_object = serde_json::json!({"grant_id": grant, "token_hash": sha256_b64(&token)});
    assert_eq!(
        owner.post("/api/v1/grants", &grant_object).await.status(),
        201
    );

    let message = MessageId::random();
    let deposit_path = format!("/api/v1/mailboxes/{}/messages", owner.id);
    let as_array = serde_json::json!([b64::encode(&token), message, b64::encode(&[7u8; 64])]);
    refused(sender.post(&deposit_path, &as_array).await).await;
    assert!(
        owner.fetch("").await.messages.is_empty(),
        "nothing deposited"
    );
    assert_eq!(
        sender
            .deposit(owner.id, &token, message, &[7u8; 64])
            .await
            .status(),
        201
    );
    refused(
        owner
            .post("/api/v1/mailbox/ack", &serde_json::json!([[message]]))
            .await,
    )
    .await;
    assert_eq!(
        owner.fetch("").await.messages.len(),
        1,
        "nothing acknowledged"
    );
    assert_eq!(owner.ack(&[message]).await, 1);
}

/// The desktop's built-in relay sends no email: an account email cannot be verified there,
/// and the answer says why instead of failing as an internal error.
async fn a_relay_without_mail_refuses_an_account_email_clearly(db: Db) {
    let test = TestRelay::start_without_mail(db).await;
    let account = relay_of(&test).account().await;
    let body = assert_error(
        account.set_email("ada@example.org").await,
        422,
        ErrorCode::EmailUnavailable,
    )
    .await;
    assert!(body.error.message.contains("no mail server"), "{body:?}");
    assert_eq!(std::fs::read_dir(test.outbox.path()).unwrap().count(), 0);
}
