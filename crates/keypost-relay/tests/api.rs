//! The relay's API on a real loopback socket, each scenario against SQLite and against a real
//! PostgreSQL started by the test setup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use keypost_protocol::api::pickups::{
    CreatePickupResponse, OpenResponse, OwnerStatus, PickupEventKind, PickupState, PickupStatus,
    RelayCapabilities,
};
use keypost_protocol::api::{ErrorBody, ErrorCode};
use keypost_protocol::b64;
use support::{Api, Db, Pickup, TestRelay};

on_both_databases!(
    three_wrong_pins_destroy_the_pickup_for_good,
    fifty_concurrent_wrong_proofs_count_as_exactly_three,
    views_run_out_after_the_last_allowed_open,
    expiry_follows_the_clock_and_purge_records_it,
    reading_the_page_and_status_moves_no_counter,
    the_id_alone_reads_nothing_and_spends_no_try,
    replayed_challenge_and_proof_are_rejected,
    bad_requests_get_clear_errors,
    recipient_delete_needs_the_right_key,
    owner_sees_events_and_can_revoke,
    a_link_the_sender_delivers_never_reaches_the_relay,
    a_relay_without_mail_says_so_and_refuses_to_email,
    a_large_purge_runs_in_batches_and_lets_creates_through,
);

fn api(relay: &TestRelay) -> Api<'_> {
    Api::new(&relay.http, relay.relay.public_url())
}

/// The pickup's row (ciphertext and verifier) is gone from the database.
async fn assert_row_deleted(relay: &TestRelay, pickup: &Pickup) {
    let sql = "SELECT COUNT(*) FROM pickups WHERE id = $1";
    assert_eq!(relay.db.count(sql, &pickup.id).await, 0);
}

async fn error_of(response: reqwest::Response) -> ErrorBody {
    response.json().await.unwrap()
}

async fn assert_gone(response: reqwest::Response) {
    assert_eq!(response.status(), 404);
    let body = error_of(response).await;
    assert_eq!(body.error.code, ErrorCode::NotFound);
    assert_eq!(
        body.error.message,
        keypost_relay::error::GONE_MESSAGE,
        "every gone state answers the same body"
    );
}

async fn created(api: &Api<'_>, pickup: &Pickup, max_views: Option<u32>) -> CreatePickupResponse {
    let response = api.create(pickup, max_views).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn three_wrong_pins_destroy_the_pickup_for_good(db: Db) {
    let relay = TestRelay::start(db).await;
    let api = api(&relay);
    let pickup = Pickup::new(64 * 1024);
    created(&api, &pickup, None).await;

    for expected_left in [2u32, 1, 0] {
        let response = api.open(&pickup, false).await;
        assert_eq!(response.status(), 403);
        let body = error_of(response).await;
        assert_eq!(body.error.code, ErrorCode::WrongPin);
        assert_eq!(body.error.attempts_left, Some(expected_left));
    }
    assert_gone(api.open(&pickup, true).await).await;
    assert_gone(api.status(&pickup).await).await;

    let rows = relay
        .db
        .count("SELECT COUNT(*) FROM pickups WHERE id = $1", &pickup.id)
        .await;
    assert_eq!(rows, 0, "the pickup row is deleted");
    let challenges = relay
        .db
        .count(
            "SELECT COUNT(*) FROM challenges WHERE pickup_id = $1",
            &pickup.id,
        )
        .await;
    assert_eq!(challenges, 0);
    assert!(
        !relay.db.holds_on_disk(&pickup.ciphertext),
        "deleted ciphertext bytes are still in the SQLite file"
    );
}

async fn fifty_concurrent_wrong_proofs_count_as_exactly_three(db: Db) {
    let relay = TestRelay::start(db).await;
    let api = api(&relay);
    let pickup = Pickup::new(1024);
    created(&api, &pickup, None).await;

    let mut challenges = Vec::new();
    for _ in 0..50 {
        challenges.push(api.challenge_text(&pickup).await);
    }
    // Each wrong proof on its own task and connection, all released at once.
    let open_url = relay.url(&format!("/api/v1/pickups/{}/open", pickup.id_text()));
    let requests = challenges
        .iter()
        .map(|challenge| {
            let body = keypost_protocol::api::pickups::OpenRequest {
                challenge: challenge.clone(),
                proof: pickup.wrong_proof(challenge),
            };
            (reqwest::Client::new(), open_url.clone(), body)
        })
        .collect();
    let statuses = support::open_all_at_once(requests, Some(&pickup.access())).await;
    let wrong = statuses.iter().filter(|status| **status == 403).count();
    let gone = statuses.iter().filter(|status| **status == 404).count();
    assert_eq!(wrong, 3, "statuses: {statuses:?}");
    assert_eq!(gone, 47, "statuses: {statuses:?}");

    let owner: OwnerStatus = api.owner_status(&pickup).await.json().await.unwrap();
    assert_eq!(owner.state, PickupState::Destroyed);
    let wrong_events = owner
        .events
        .iter()
        .filter(|event| event.kind == PickupEventKind::WrongPin)
        .count();
    assert_eq!(wrong_events, 3);
}

async fn views_run_out_after_the_last_allowed_open(db: Db) {
    let relay = TestRelay::start(db).await;
    let api = api(&relay);
    let pickup = Pickup::new(2048);
    created(&api, &pickup, Some(3)).await;

    for expected_left in [2u32, 1, 0] {
        let response = api.open(&pickup, true).await;
        assert_eq!(response.status(), 200);
        let body: OpenResponse = response.json().await.unwrap();
        assert_eq!(body.views_left, Some(expected_left));
        assert_eq!(b64::decode(&body.ciphertext).unwrap(), pickup.ciphertext);
    }
    assert_gone(api.open(&pickup, true).await).await;
    assert_row_deleted(&relay, &pickup).await;
    let owner: OwnerStatus = api.owner_status(&pickup).await.json().await.unwrap();
    assert_eq!(owner.state, PickupState::UsedUp);
    assert_eq!(owner.views_left, Some(0));
}

async fn expiry_follows_the_clock_and_purge_records_it(db: Db) {
    let relay = TestRelay::start(db).await;
    let api = api(&relay);
    let pickup = Pickup::new(512);
    created(&api, &pickup, None).await;
    assert_eq!(api.status(&pickup).await.status(), 200);
    let early_challenge = api.challenge_text(&pickup).await;

    relay.clock.advance(86_400 - 60);
    assert_eq!(
        api.status(&pickup).await.status(),
        200,
        "alive a minute before expiry"
    );
    relay.clock.advance(61);
    assert_gone(api.status(&pickup).await).await;
    assert_gone(api.challenge(&pickup).await).await;
    let proof = pickup.proof(&early_challenge);
    assert_gone(api.open_with(&pickup, &early_challenge, &proof).await).await;

    let purged = relay.relay.state().purge().await.unwrap();
    assert_eq!(purged.pickups.expired_pickups, 1);
    assert_row_deleted(&relay, &pickup).await;
    let owner: OwnerStatus = api.owner_status(&pickup).await.json().await.unwrap();
    assert_eq!(owner.state, PickupState::Expired);
    assert_eq!(owner.events.last().unwrap().kind, PickupEventKind::Expired);

    // 30 days after the end the sender's record goes too.
    relay.clock.advance(31 * 86_400);
    let purged = relay.relay.state().purge().await.unwrap();
    assert_eq!(purged.pickups.old_records, 1);
    assert_gone(api.owner_status(&pickup).await).await;
}

async fn reading_the_page_and_status_moves_no_counter(db: Db) {
    let relay = TestRelay::start(db).await;
    let api = api(&relay);
    let pickup = Pickup::new(512);
    let response = created(&api, &pickup, Some(1)).await;
    for _ in 0..100 {
        let page = relay.http.get(&response.page_url).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert_eq!(api.status(&pickup).await.status(), 200);
    }
    let status: PickupStatus = api.status(&pickup).await.json().await.unwrap();
    assert_eq!(status.attempts_left, 3);
    assert_eq!(status.views_left, Some(1));
    assert_eq!(status.sender_name, "Ada Lovelace");
    assert!(status.retrieval_step && status.recipient_delete && !status.passphrase_required);
    let owner: OwnerStatus = api.owner_status(&pickup).await.json().await.unwrap();
    let kinds: Vec<_> = owner.events.iter().map(|event| event.kind).collect();
    assert_eq!(kinds, [PickupEventKind::Created, PickupEventKind::Emailed]);

    let page = relay.http.get(&response.page_url).send().await.unwrap();
    let headers = page.headers();
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; \
         script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    );
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

/// Status, headers and body of an answer, to compare answers byte for byte.
async fn answer_bytes(response: reqwest::Response) -> (u16, Option<String>, Vec<u8>) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned());
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

async fn the_id_alone_reads_nothing_and_spends_no_try(db: Db) {
    let relay = TestRelay::start(db).await;
    let api = api(&relay);
    let pickup = Pickup::new(512);
    created(&api, &pickup, Some(2)).await;
    let never_created = Pickup::new(64);
    let gone = answer_bytes(api.status(&never_created).await).await;
    assert_eq!(gone.0, 404);

    let wrong_key = format!("Bearer {}", b64::encode(&support::random::<32>()));
    let owner_token = pickup.bearer();
    let attackers: [Option<&str>; 5] = [
        None,
        Some(&wrong_key),
        Some(&owner_token),
        Some("Bearer not base64url!"),
        Some("Basic YWxhZGRpbjpvcGVuc2VzYW1l"),
    ];
    for access in attackers {
        let status = answer_bytes(api.status_as(&pickup, access).await).await;
        assert_eq!(status, gone, "status with {access:?}");
        assert!(!String::from_utf8_lossy(&status.2).contains("Ada Lovelace"));
        let challenge = answer_bytes(api.challenge_as(&pickup, access).await).await;
        assert_eq!(challenge, gone, "challenge with {access:?}");
        // Not even whether deleting is allowed, or the delete key right.
        for delete_key in [support::random::<32>(), pickup.delete_key] {
            let delete = answer_bytes(api.delete_as(&pickup, access, &delete_key).await).await;
            assert_eq!(delete, gone, "delete with {access:?}");
        }
    }

    // 50 random proofs at once, without a key and with a wrong one, over invented challenges
    // and over a real one the recipient holds: all 404, and the real challenge still works.
    let real_challenge = api.challenge_text(&pickup).await;
    let open_url = relay.url(&format!("/api/v1/pickups/{}/open", pickup.id_text()));
    let random_proofs = |challenge: Option<&str>| {
        (0..25)
            .map(|_| {
                let body = keypost_protocol::api::pickups::OpenRequest {
                    challenge: challenge
                        .map_or_else(|| b64::encode(&support::random::<32>()), str::to_owned),
                    proof: b64::encode(&support::random::<32>()),
                };
                (reqwest::Client::new(), open_url.clone(), body)
            })
            .collect::<Vec<_>>()
    };
    for access in [None, Some(wrong_key.as_str())] {
        for challenge in [None, Some(real_challenge.as_str())] {
            let statuses = support::open_all_at_once(random_proofs(challenge), access).await;
            assert!(statuses.iter().all(|status| *status == 404), "{statuses:?}");
        }
        let response = api
            .open_as(
                &pickup,
                access,
                &real_challenge,
                &pickup.wrong_proof(&real_challenge),
            )
            .await;
        assert_eq!(answer_bytes(response).await, gone);
    }

    let status: PickupStatus = api.status(&pickup).await.json().await.unwrap();
    assert_eq!(status.attempts_left, 3, "no try was spent");
    assert_eq!(status.views_left, Some(2));
    let owner: OwnerStatus = api.owner_status(&pickup).await.json().await.unwrap();
    let kinds: Vec<_> = owner.events.iter().map(|event| event.kind).collect();
    assert_eq!(kinds, [PickupEventKind::Created, PickupEventKind::Emailed]);
    let proof = pickup.proof(&real_challenge);
    let opened = api.open_with(&pickup, &real_challenge, &proof).await;
    assert_eq!(
        opened.status(),
        200,
        "the recipient's challenge was not used up"
    );
}

async fn replayed_challenge_and_proof_are_rejected(db: Db) {
    let relay = TestRelay::start(db).await;
    let api = api(&relay);
    let pickup = Pickup::new(512);
    created(&api, &pickup, Some(5)).await;

    let challenge = api.challenge_text(&pickup).await;
    let proof = pickup.proof(&challenge);
    assert_eq!(
        api.open_with(&pickup, &challenge, &proof).await.status(),
        200
    );
    let replay = api.open_with(&pickup, &challenge, &proof).await;
    assert_eq!(replay.status(), 400);
    assert_eq!(
        error_of(replay).await.error.code,
        ErrorCode::InvalidChallenge
    );

    // A challenge the relay never issued, with a proof that would match it.
    let invented = b64::encode(&[7u8; 32]);
    let response = api
        .open_with(&pickup, &invented, &pickup.proof(&invented))
        .await;
    assert_eq!(response.status(), 400);

    // A challenge issued for another pickup does not work here.
    let other = Pickup::new(64);
    created(&api, &other, None).await;
    let foreign = api.challenge_text(&other).await;
    let response = api
        .open_with(&pickup, &foreign, &pickup.proof(&foreign))
        .await;
    assert_eq!(response.status(), 400);

    let status: PickupStatus = api.status(&pickup).await.json().await.unwrap();
    assert_eq!(status.views_left, Some(4), "only the first open counted");
    assert_eq!(
        status.attempts_left, 3,
        "rejected replays are not PIN attempts"
    );
}

/// Spoils one field of a valid create request.
type Breaker = Box<dyn Fn(&mut keypost_protocol::api::pickups::CreatePickupRequest)>;

async fn bad_requests_get_clear_errors(db: Db) {
    let relay = TestRelay::start(db).await;
    let api = api(&relay);
    let create_url = relay.url("/api/v1/pickups");

    // Over the create body limit: refused before the body is read to its end.
    let oversized = serde_json::to_vec(&Pickup::new(6 * 1024 * 1024).request(None)).unwrap();
    let (status, body) =
        support::raw_post(relay.relay.local_addr(), "/api/v1/pickups", &oversized).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("payload_too_large"), "{body}");
    // Within the body limit but over the 5 MiB ciphertext limit.
    let response = api.create(&Pickup::new(5 * 1024 * 1024 + 1), None).await;
    assert_eq!(response.status(), 400);
    assert!(
        error_of(response)
            .await
            .error
            .message
            .contains("ciphertext")
    );

    let response = relay
        .http
        .post(&create_url)
        .header("content-type", "application/json")
        .body("{\"id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body = error_of(response).await;
    assert_eq!(body.error.code, ErrorCode::BadRequest);
    assert!(
        body.error.message.contains("not valid JSON"),
        "{}",
        body.error.message
    );

    let response = relay
        .http
        .post(&create_url)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);

    let pickup = Pickup::new(64);
    let cases: Vec<(&str, Breaker)> = vec![
        ("pin_verifier", Box::new(|r| r.pin_verifier.push('='))),
        (
            "link_fragment",
            Box::new(|r| r.link_fragment.as_mut().unwrap().truncate(10)),
        ),
        // An address without the link to email, and a link without an address.
        ("link_fragment", Box::new(|r| r.link_fragment = None)),
        ("recipient_email", Box::new(|r| r.recipient_email = None)),
        ("ciphertext", Box::new(|r| r.ciphertext = "+/+/".to_owned())),
        (
            "recipient_email",
            Box::new(|r| {
                r.recipient_email = Some("bo@example.org\r\nBcc: eve@example.org".to_owned())
            }),
        ),
        ("sender_name", Box::new(|r| r.sender_name = "x".repeat(101))),
        ("message", Box::new(|r| r.message = "x".repeat(501))),
        // Format controls: a right-to-left override, an isolate, a zero-width space.
        (
            "sender_name",
            Box::new(|r| r.sender_name = "Ana\u{202E}gpj.exe".to_owned()),
        ),
        (
            "message",
            Box::new(|r| r.message = "open \u{2067}this\u{2069}".to_owned()),
        ),
        (
            "message",
            Box::new(|r| r.message = "zero\u{200B}width".to_owned()),
        ),
        (
            "expires_in_seconds",
            Box::new(|r| r.expires_in_seconds = 3599),
        ),
        (
            "expires_in_seconds",
            Box::new(|r| r.expires_in_seconds = 7_776_001),
        ),
        ("max_views", Box::new(|r| r.max_views = Some(101))),
        ("max_views", Box::new(|r| r.max_views = Some(0))),
    ];
    let mut bodies: Vec<(&str, serde_json::Value)> = cases
        .into_iter()
        .map(|(field, break_it)| {
            let mut request = pickup.request(None);
            break_it(&mut request);
            (field, serde_json::to_value(request).unwrap())
        })
        .collect();
    // The id is typed: a malformed one cannot be built as a request, only sent as JSON; the
    // body's deserialisation names it.
    let mut bad_id = serde_json::to_value(pickup.request(None)).unwrap();
    bad_id["id"] = "not base64!".into();
    bodies.push(("id", bad_id));
    for (field, body) in bodies {
        let response = relay
            .http
            .post(&create_url)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{field}");
        let body = error_of(response).await;
        assert_eq!(body.error.code, ErrorCode::BadRequest);
        assert!(
            body.error.message.contains(field),
            "{field}: {}",
            body.error.message
        );
    }

    let rows = relay
        .db
        .count(
            "SELECT COUNT(*) FROM pickup_records WHERE id = $1",
            &pickup.id,
        )
        .await;
    assert_eq!(rows, 0, "nothing stored from rejected requests");

    created(&api, &pickup, None).await;
    let again = api.create(&pickup, None).await;
    assert_eq!(again.status(), 409);

    let response = api.open_with(&pickup, "AAAA", "AAAA").await;
    assert_eq!(response.status(), 400);
    assert!(error_of(response).await.error.message.contains("challenge"));

    // Small routes take small bodies only.
    let challenge = api.challenge_text(&pickup).await;
    let big = format!(
        "{{\"challenge\": \"{challenge}\", \"proof\": \"{}\"}}",
        "A".repeat(8000)
    );
    let path = format!("/api/v1/pickups/{}/open", pickup.id_text());
    let access = format!("authorization: {}\r\n", pickup.access());
    let (status, _) =
        support::raw_post_with(relay.relay.local_addr(), &path, &access, big.as_bytes()).await;
    assert_eq!(status, 413);

    let response = relay
        .http
        .get(relay.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

async fn recipient_delete_needs_the_right_key(db: Db) {
    let relay = TestRelay::start(db).await;
    let api = api(&relay);
    let pickup = Pickup::new(512);
    created(&api, &pickup, None).await;

    assert_eq!(api.delete(&pickup, &[1u8; 32]).await.status(), 403);
    assert_eq!(api.status(&pickup).await.status(), 200);

    assert_eq!(api.delete(&pickup, &pickup.delete_key).await.status(), 204);
    assert_gone(api.status(&pickup).await).await;
    assert_gone(api.delete(&pickup, &pickup.delete_key).await).await;
    let owner: OwnerStatus = api.owner_status(&pickup).await.json().await.unwrap();
    assert_eq!(owner.state, PickupState::Deleted);

    // A sender who does not allow deleting.
    let kept = Pickup::new(64);
    let mut request = kept.request(None);
    request.delete_verifier = None;
    let response = relay
        .http
        .post(relay.url("/api/v1/pickups"))
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let status: PickupStatus = api.status(&kept).await.json().await.unwrap();
    assert!(!status.recipient_delete);
    let response = api.delete(&kept, &kept.delete_key).await;
    assert_eq!(response.status(), 403);
    assert_eq!(error_of(response).await.error.code, ErrorCode::Forbidden);
}

async fn owner_sees_events_and_can_revoke(db: Db) {
    let relay = TestRelay::start(db).await;
    let api = api(&relay);
    let pickup = Pickup::new(512);
    created(&api, &pickup, Some(10)).await;
    assert_eq!(api.open(&pickup, false).await.status(), 403);
    assert_eq!(api.open(&pickup, true).await.status(), 200);

    let owner: OwnerStatus = api.owner_status(&pickup).await.json().await.unwrap();
    assert_eq!(owner.state, PickupState::Active);
    assert_eq!(owner.recipient_email.as_deref(), Some("bo@example.org"));
    assert_eq!(owner.attempts_left, 2);
    assert_eq!(owner.views_left, Some(9));
    let kinds: Vec<_> = owner.events.iter().map(|event| event.kind).collect();
    assert_eq!(
        kinds,
        [
            PickupEventKind::Created,
            PickupEventKind::Emailed,
            PickupEventKind::WrongPin,
            PickupEventKind::Opened
        ]
    );

    let owner_url = relay.url(&format!("/api/v1/owner/pickups/{}", pickup.id_text()));
    let response = relay.http.get(&owner_url).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let forged = format!("Bearer {}", b64::encode(&[9u8; 32]));
    let response = relay
        .http
        .get(&owner_url)
        .header("authorization", forged.clone())
        .send()
        .await
        .unwrap();
    assert_gone(response).await;
    let response = relay
        .http
        .post(format!("{owner_url}/revoke"))
        .header("authorization", forged)
        .send()
        .await
        .unwrap();
    assert_gone(response).await;
    assert_eq!(
        api.status(&pickup).await.status(),
        200,
        "a forged revoke changes nothing"
    );

    let response = relay
        .http
        .post(format!("{owner_url}/revoke"))
        .header("authorization", pickup.bearer())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let owner: OwnerStatus = response.json().await.unwrap();
    assert_eq!(owner.state, PickupState::Revoked);
    assert_eq!(owner.events.last().unwrap().kind, PickupEventKind::Revoked);
    assert_gone(api.status(&pickup).await).await;
    assert_gone(api.open(&pickup, true).await).await;
    assert_row_deleted(&relay, &pickup).await;
}

/// POSTs `body` as JSON to `path` (with the pickup's access key when the route needs one) and
/// checks it is refused as "not an object".
async fn assert_not_an_object(relay: &TestRelay, path: &str, body: &str, access: Option<String>) {
    let mut request = relay
        .http
        .post(relay.url(path))
        .header("content-type", "application/json");
    if let Some(access) = access {
        request = request.header("authorization", access);
    }
    let response = request.body(body.to_owned()).send().await.unwrap();
    assert_eq!(response.status(), 400, "{path} {body}");
    let error = error_of(response).await;
    assert_eq!(error.error.code, ErrorCode::BadRequest);
    assert_eq!(error.error.message, keypost_relay::routes::NOT_AN_OBJECT);
}

/// serde fills a struct from an array of its fields in order too; the relay takes objects only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pickup_routes_take_json_objects_only() {
    let relay = TestRelay::start(Db::sqlite()).await;
    let api = api(&relay);
    let pickup = Pickup::new(256);
    let r = pickup.request(None);
    let create_as_array = serde_json::json!([
        r.id,
        r.ciphertext,
        r.pin_verifier,
        r.delete_verifier,
        r.owner_token_hash,
        r.recipient_email,
        r.sender_name,
        r.message,
        r.expires_in_seconds,
        r.max_views,
        r.retrieval_step,
        r.passphrase_required,
        r.link_fragment,
    ])
    .to_string();
    for body in [
        create_as_array.as_str(),
        &format!(" \r\n\t{create_as_array}"),
        "\"text\"",
        "42",
        "null",
        "true",
    ] {
        assert_not_an_object(&relay, "/api/v1/pickups", body, None).await;
    }
    assert_eq!(
        relay
            .db
            .count("SELECT COUNT(*) FROM pickups WHERE id = $1", &pickup.id)
            .await,
        0,
        "nothing stored from an array body"
    );
    // The same fields as an object, after leading whitespace, are a pickup.
    let response = relay
        .http
        .post(relay.url("/api/v1/pickups"))
        .header("content-type", "application/json")
        .body(format!(" \n{}", serde_json::to_string(&r).unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    let challenge = api.challenge_text(&pickup).await;
    let open_as_array = serde_json::json!([challenge, pickup.proof(&challenge)]).to_string();
    let open_path = format!("/api/v1/pickups/{}/open", pickup.id_text());
    assert_not_an_object(&relay, &open_path, &open_as_array, Some(pickup.access())).await;
    let delete_as_array = serde_json::json!([b64::encode(&pickup.delete_key)]).to_string();
    let delete_path = format!("/api/v1/pickups/{}/delete", pickup.id_text());
    assert_not_an_object(
        &relay,
        &delete_path,
        &delete_as_array,
        Some(pickup.access()),
    )
    .await;
    let status: PickupStatus = api.status(&pickup).await.json().await.unwrap();
    assert_eq!(
        (status.attempts_left, status.views_left),
        (3, None),
        "array bodies neither open nor delete"
    );
    assert_eq!(api.delete(&pickup, &pickup.delete_key).await.status(), 204);
}

/// A pickup that ends — destroyed by wrong PINs, used up, deleted by the recipient, revoked by
/// the sender, expired — leaves its ciphertext and verifier in no file of the live SQLite
/// database: not in the WAL, not in free pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ended_pickups_leave_no_bytes_in_the_live_database_files() {
    let relay = TestRelay::start(Db::sqlite()).await;
    let api = api(&relay);
    let pickups: Vec<Pickup> = (0..5).map(|_| Pickup::new(64 * 1024)).collect();
    for (index, pickup) in pickups.iter().enumerate() {
        let max_views = if index == 1 { Some(1) } else { None };
        created(&api, pickup, max_views).await;
    }
    for pickup in &pickups {
        assert!(
            relay.db.holds_on_disk(&pickup.ciphertext) && relay.db.holds_on_disk(&pickup.verifier),
            "the probe finds a live pickup"
        );
    }
    let keeps = Pickup::new(64 * 1024);
    created(&api, &keeps, None).await;

    for _ in 0..3 {
        assert_eq!(api.open(&pickups[0], false).await.status(), 403);
    }
    assert_eq!(api.open(&pickups[1], true).await.status(), 200);
    assert_eq!(
        api.delete(&pickups[2], &pickups[2].delete_key)
            .await
            .status(),
        204
    );
    assert_eq!(api.owner_revoke(&pickups[3]).await.status(), 200);
    // The fifth expires: the purge deletes it (the others are gone already).
    relay.clock.advance(86_401);
    let purged = relay.relay.state().purge().await.unwrap();
    assert_eq!(
        purged.pickups.expired_pickups, 2,
        "the fifth and the one kept"
    );

    for (index, pickup) in pickups.iter().enumerate() {
        assert_row_deleted(&relay, pickup).await;
        assert!(
            !relay.db.holds_on_disk(&pickup.ciphertext),
            "pickup {index}: ciphertext still in a database file"
        );
        assert!(
            !relay.db.holds_on_disk(&pickup.verifier),
            "pickup {index}: verifier still in a database file"
        );
    }
}

async fn capabilities(relay: &TestRelay) -> RelayCapabilities {
    let url = format!("{}/api/v1/capabilities", relay.relay.public_url());
    let response = relay.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn outbox_files(relay: &TestRelay) -> usize {
    std::fs::read_dir(relay.outbox.path()).map_or(0, Iterator::count)
}

/// The sender delivers the link: the create request carries neither address nor link secret,
/// the relay emails nothing and records no email, and the pickup opens as any other.
async fn a_link_the_sender_delivers_never_reaches_the_relay(db: Db) {
    let relay = TestRelay::start(db).await;
    assert!(capabilities(&relay).await.email);
    let api = api(&relay);
    let pickup = Pickup::new(512);
    let mut request = pickup.request(Some(2));
    request.recipient_email = None;
    request.link_fragment = None;
    let response = api.create_request(&request).await;
    assert_eq!(response.status(), 201);
    let created: CreatePickupResponse = response.json().await.unwrap();
    assert!(!created.emailed);
    assert_eq!(outbox_files(&relay), 0, "no email written");

    let owner: OwnerStatus = api.owner_status(&pickup).await.json().await.unwrap();
    assert_eq!(owner.recipient_email, None);
    let kinds: Vec<_> = owner.events.iter().map(|event| event.kind).collect();
    assert_eq!(kinds, [PickupEventKind::Created]);
    assert_eq!(api.open(&pickup, true).await.status(), 200);
    assert!(
        !relay
            .db
            .holds_on_disk(b64::encode(&pickup.link_secret).as_bytes()),
        "the link secret never reached the relay"
    );
}

/// A relay without a mail server (the desktop's built-in one) says so, refuses a pickup that
/// asks it to email (stores nothing) and an account email, and takes links the sender
/// delivers.
async fn a_relay_without_mail_says_so_and_refuses_to_email(db: Db) {
    let relay = TestRelay::start_without_mail(db).await;
    assert!(!capabilities(&relay).await.email);
    let api = api(&relay);
    let pickup = Pickup::new(512);
    let response = api.create(&pickup, None).await;
    assert_eq!(response.status(), 422);
    let body = error_of(response).await;
    assert_eq!(body.error.code, ErrorCode::EmailUnavailable);
    assert!(body.error.message.contains("deliver the link yourself"));
    assert_row_deleted(&relay, &pickup).await;
    assert_eq!(outbox_files(&relay), 0);

    let mut request = pickup.request(None);
    request.recipient_email = None;
    request.link_fragment = None;
    assert_eq!(api.create_request(&request).await.status(), 201);
    assert_eq!(api.open(&pickup, true).await.status(), 200);
    assert_eq!(outbox_files(&relay), 0);
}

/// Puts `count` pickups that expired a minute ago, with records past their retention, straight
/// into the database (what a relay holds after many sends that nobody opened).
async fn seed_expired(relay: &TestRelay, count: usize) {
    let now = relay.relay.state().now().unix_timestamp();
    let pool = relay.db.inspect().await;
    let mut tx = pool.begin().await.unwrap();
    for n in 0..count {
        let id = u128::try_from(n).unwrap().to_be_bytes().to_vec();
        sqlx::query(
            "INSERT INTO pickups (id, ciphertext, pin_verifier, sender_name, message, \
             expires_at, attempts_left, retrieval_step, passphrase_required, access_key_hash) \
             VALUES ($1, $2, $3, 'Ada', '', $4, 3, 1, 0, $3)",
        )
        .bind(id.clone())
        .bind(vec![7u8; 64])
        .bind(vec![9u8; 32])
        .bind(now - 60)
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO pickup_records (id, owner_token_hash, recipient_email, created_at, \
             expires_at, purge_after) VALUES ($1, $2, '', $3, $3, $3)",
        )
        .bind(id)
        .bind(vec![5u8; 32])
        .bind(now - 60)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    pool.close().await;
}

/// Many expired pickups are purged in short transactions of `PURGE_BATCH` rows, not one long
/// one: a create sent while the purge runs is answered before the purge ends (it waits for
/// one batch), and every row and event of the expired pickups is gone afterwards.
async fn a_large_purge_runs_in_batches_and_lets_creates_through(db: Db) {
    let relay = TestRelay::start(db).await;
    let expired = 20 * keypost_relay::pickups::PURGE_BATCH + 17;
    seed_expired(&relay, expired).await;
    let state = relay.relay.state().clone();
    let purge = tokio::spawn(async move { state.purge().await.unwrap() });
    let api = api(&relay);
    let pickup = Pickup::new(512);
    created(&api, &pickup, None).await;
    assert!(
        !purge.is_finished(),
        "the create was answered between two batches of the purge"
    );
    let purged = purge.await.unwrap();
    let expired = u64::try_from(expired).unwrap();
    assert_eq!(
        (purged.pickups.expired_pickups, purged.pickups.old_records),
        (expired, expired)
    );
    let pool = relay.db.inspect().await;
    for (table, left) in [("pickups", 1), ("pickup_records", 1), ("pickup_events", 2)] {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(count, left, "{table}: only the new pickup's rows");
    }
    pool.close().await;
    assert_eq!(api.open(&pickup, true).await.status(), 200);
}
