//! Two `keypost-relay` processes on one real PostgreSQL: the inbox's counters and states (also
//! the per-sender deposit limit) are exact across them, and a deposit on one wakes a long-poll
//! on the other.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use keypost_protocol::api::ErrorBody;
use keypost_protocol::api::invites::{AcceptInviteRequest, CreateInviteRequest};
use keypost_protocol::api::mailbox::MailboxFetch;
use keypost_protocol::b64;
use keypost_protocol::inbox::{InviteId, MessageId};
use support::inbox::{Account, Relay, other_code, sha256_b64, take_code};
use support::random;
use support::{Db, RelayProcess};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// What every process of the test relay signs as its URL.
const PUBLIC_URL: &str = "http://relay.keypost.test";

/// Two relay processes on one fresh PostgreSQL database.
struct TwoRelays {
    first: RelayProcess,
    second: RelayProcess,
    relay: Relay,
    outbox: std::path::PathBuf,
    _db: Db,
    _scratch: tempfile::TempDir,
}

impl TwoRelays {
    async fn start(extra: &[&str]) -> TwoRelays {
        let db = Db::postgres().await;
        let scratch = tempfile::tempdir().unwrap();
        let outbox = scratch.path().join("outbox");
        let mut args = vec!["--public-url", PUBLIC_URL];
        args.extend_from_slice(extra);
        let binary = Path::new(env!("CARGO_BIN_EXE_keypost-relay"));
        let spawn = || {
            RelayProcess::spawn_binary_with(
                binary,
                db.url(),
                &outbox,
                scratch.path(),
                "info",
                &args,
            )
        };
        let first = spawn();
        let second = spawn();
        assert_ne!(first.base, second.base);
        let relay = Relay::new(&first.base, PUBLIC_URL);
        TwoRelays {
            first,
            second,
            relay,
            outbox,
            _db: db,
            _scratch: scratch,
        }
    }

    /// The base URL of process `n % 2`.
    fn base(&self, n: usize) -> &str {
        if n.is_multiple_of(2) {
            &self.first.base
        } else {
            &self.second.base
        }
    }
}

/// Sends every request at once, each on its own task, and answers the statuses.
async fn all_at_once<F>(requests: Vec<F>) -> Vec<u16>
where
    F: std::future::Future<Output = reqwest::Response> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    for request in requests {
        tasks.spawn(async move { request.await.status().as_u16() });
    }
    tasks.join_all().await
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_accepts_of_one_invite_make_exactly_one() {
    let relays = TwoRelays::start(&[]).await;
    let inviter = relays.relay.account().await;
    let token = random::<32>();
    let request = CreateInviteRequest {
        invite_id: InviteId::random(),
        accept_token_hash: sha256_b64(&token),
        sealed_offer: b64::encode(&random::<300>()),
        target_email: None,
        expires_at: (OffsetDateTime::now_utc() + time::Duration::hours(2))
            .format(&Rfc3339)
            .unwrap(),
    };
    assert_eq!(
        inviter.post("/api/v1/invites", &request).await.status(),
        201
    );
    let mut acceptors = Vec::new();
    for n in 0..50 {
        acceptors.push(relays.relay.account().await.via(relays.base(n)));
    }
    let path = format!("/api/v1/invites/{}/accept", request.invite_id);
    let requests = acceptors
        .into_iter()
        .map(|acceptor| {
            let body = AcceptInviteRequest {
                accept_token: b64::encode(&token),
                sealed_answer: b64::encode(&random::<200>()),
            };
            let path = path.clone();
            async move { acceptor.post(&path, &body).await }
        })
        .collect();
    let statuses = all_at_once(requests).await;
    assert_eq!(count(&statuses, 200), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 404), 49, "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_wrong_email_codes_count_exactly_five() {
    let relays = TwoRelays::start(&[]).await;
    let account = relays.relay.account().await;
    let set = serde_json::json!({ "email": "ada@example.org" });
    assert_eq!(
        account.post("/api/v1/account/email", &set).await.status(),
        202
    );
    let (code, _) = take_code(&relays.outbox);
    let wrong = other_code(&code);
    let requests = (0..50)
        .map(|n| {
            let account = account.via(relays.base(n));
            let body = serde_json::json!({ "code": wrong });
            async move { account.post("/api/v1/account/email/verify", &body).await }
        })
        .collect();
    let statuses = all_at_once(requests).await;
    assert_eq!(count(&statuses, 400), 5, "{statuses:?}");
    assert_eq!(count(&statuses, 404), 45, "{statuses:?}");
    let body = serde_json::json!({ "code": &code });
    let response = account.post("/api/v1/account/email/verify", &body).await;
    assert_eq!(
        response.status(),
        404,
        "the code was deleted at the fifth wrong try"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mailbox_quota_is_exact_under_100_concurrent_deposits() {
    let relays = TwoRelays::start(&["--mailbox-max-messages", "20"]).await;
    let owner = relays.relay.account().await;
    let (_, token) = owner.grant().await;
    let mut senders = Vec::new();
    for n in 0..4 {
        senders.push(relays.relay.account().await);
        senders[n] = senders[n].via(relays.base(n));
    }
    let requests = (0..100)
        .map(|n| {
            let sender: Account = senders[n % 4].clone();
            let mailbox = owner.id;
            async move {
                sender
                    .deposit(mailbox, &token, MessageId::random(), &random::<512>())
                    .await
            }
        })
        .collect();
    let statuses = all_at_once(requests).await;
    assert_eq!(count(&statuses, 201), 20, "{statuses:?}");
    assert_eq!(count(&statuses, 409), 80, "{statuses:?}");
    let fetched = owner.fetch("").await;
    assert_eq!(fetched.messages.len(), 20);
    let full = senders[0]
        .deposit(owner.id, &token, MessageId::random(), b"one more")
        .await;
    let body: ErrorBody = full.json().await.unwrap();
    assert_eq!(
        body.error.code,
        keypost_protocol::api::ErrorCode::MailboxFull
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_sender_deposit_limit_is_exact_across_processes() {
    let relays = TwoRelays::start(&["--deposits-per-sender-per-minute", "10"]).await;
    let owner = relays.relay.account().await;
    let (_, token) = owner.grant().await;
    let sender = relays.relay.account().await;
    let requests = (0..40)
        .map(|n| {
            let sender = sender.via(relays.base(n));
            let mailbox = owner.id;
            async move {
                sender
                    .deposit(mailbox, &token, MessageId::random(), &random::<256>())
                    .await
            }
        })
        .collect();
    let statuses = all_at_once(requests).await;
    assert_eq!(count(&statuses, 201), 10, "{statuses:?}");
    assert_eq!(count(&statuses, 429), 30, "{statuses:?}");
    assert_eq!(owner.fetch("").await.messages.len(), 10);
    // The limit is the sender's own: another account deposits on either process.
    let other = relays.relay.account().await;
    for n in 0..2 {
        let response = other
            .via(relays.base(n))
            .deposit(owner.id, &token, MessageId::random(), b"mine")
            .await;
        assert_eq!(response.status(), 201);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_revoked_on_one_process_is_refused_at_once_on_the_other() {
    let relays = TwoRelays::start(&[]).await;
    let owner = relays.relay.account().await;
    let sender = relays.relay.account().await.via(&relays.second.base);
    let (grant, token) = owner.grant().await;
    for _ in 0..3 {
        let response = sender
            .deposit(owner.id, &token, MessageId::random(), b"x")
            .await;
        assert_eq!(response.status(), 201);
        let revoke = format!("/api/v1/grants/{grant}/revoke");
        assert_eq!(owner.post_empty(&revoke).await.status(), 200);
        let response = sender
            .deposit(owner.id, &token, MessageId::random(), b"y")
            .await;
        assert_eq!(
            response.status(),
            403,
            "refused right after the revoke answered"
        );
        let again = support::inbox::sha256_b64(&token);
        let request = serde_json::json!({ "grant_id": grant, "token_hash": again });
        assert_eq!(owner.post("/api/v1/grants", &request).await.status(), 201);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deposit_on_one_process_wakes_a_long_poll_on_the_other() {
    let relays = TwoRelays::start(&[]).await;
    let owner = relays.relay.account().await.via(&relays.second.base);
    let sender = relays.relay.account().await;
    let (_, token) = owner.grant().await;
    let mut latencies = Vec::new();
    for _ in 0..5 {
        let waiting = {
            let owner = owner.clone();
            tokio::spawn(async move {
                let response = owner.get("/api/v1/mailbox?wait=10").await;
                let fetched: MailboxFetch = response.json().await.unwrap();
                (fetched, Instant::now())
            })
        };
        // Land between two of the waiter's 1-second re-checks.
        tokio::time::sleep(Duration::from_millis(1_400)).await;
        let id = MessageId::random();
        let response = sender.deposit(owner.id, &token, id, b"wake up").await;
        // Committed (and notified) when the deposit is answered.
        let deposited_at = Instant::now();
        assert_eq!(response.status(), 201);
        let (fetched, returned) = waiting.await.unwrap();
        assert_eq!(fetched.messages.len(), 1);
        assert_eq!(fetched.messages[0].message_id, id);
        assert_eq!(
            b64::decode(&fetched.messages[0].sealed).unwrap(),
            b"wake up"
        );
        latencies.push(returned.saturating_duration_since(deposited_at));
        assert_eq!(owner.ack(&[id]).await, 1);
    }
    println!("cross-process wake latencies: {latencies:?}");
    for latency in &latencies {
        assert!(*latency < Duration::from_secs(1), "{latencies:?}");
    }
}
