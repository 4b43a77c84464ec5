//! The real `keypost-relay` binary: two processes sharing one PostgreSQL, what it logs, and
//! its command line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use keypost_protocol::api::{ChallengeResponse, ErrorBody, OwnerStatus, PickupState};
use keypost_protocol::b64;
use support::{Api, Db, Pickup, RelayProcess};

/// This package's relay binary with debug logs on.
fn relay(database_url: &str, outbox: &std::path::Path, log_dir: &std::path::Path) -> RelayProcess {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_keypost-relay"));
    RelayProcess::spawn_binary(binary, database_url, outbox, log_dir, "debug")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_relay_processes_on_one_postgres_share_the_counters() {
    let db = Db::postgres().await;
    let scratch = tempfile::tempdir().unwrap();
    let first = relay(db.url(), &scratch.path().join("a"), scratch.path());
    let second = relay(db.url(), &scratch.path().join("b"), scratch.path());
    assert_ne!(first.base, second.base);
    let http = reqwest::Client::new();
    let via_first = Api {
        http: &http,
        base: first.base.clone(),
    };
    let via_second = Api {
        http: &http,
        base: second.base.clone(),
    };

    // Views: created on one, opened alternately on both, the limit holds across them.
    let pickup = Pickup::new(4096);
    assert_eq!(via_first.create(&pickup, Some(2)).await.status(), 201);
    assert_eq!(via_second.open(&pickup, true).await.status(), 200);
    assert_eq!(via_first.open(&pickup, true).await.status(), 200);
    assert_eq!(via_second.open(&pickup, true).await.status(), 404);

    // A challenge from one process is accepted once by the other, and never again.
    let guarded = Pickup::new(64);
    assert_eq!(via_second.create(&guarded, None).await.status(), 201);
    let challenge: ChallengeResponse = via_first.challenge(&guarded).await.json().await.unwrap();
    let proof = guarded.proof(&challenge.challenge);
    assert_eq!(
        via_second
            .open_with(&guarded, &challenge.challenge, &proof)
            .await
            .status(),
        200
    );
    assert_eq!(
        via_first
            .open_with(&guarded, &challenge.challenge, &proof)
            .await
            .status(),
        400
    );

    // Wrong PINs sent concurrently to both processes still count as exactly 3.
    let target = Pickup::new(64);
    assert_eq!(via_first.create(&target, None).await.status(), 201);
    let mut challenges = Vec::new();
    for round in 0..20 {
        let api = if round % 2 == 0 {
            &via_first
        } else {
            &via_second
        };
        challenges.push((api, api.challenge_text(&target).await));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (api, challenge) in challenges {
        let body = keypost_protocol::api::OpenRequest {
            proof: target.wrong_proof(&challenge),
            challenge,
        };
        let url = format!("{}/api/v1/pickups/{}/open", api.base, target.id_text());
        let http = http.clone();
        tasks.spawn(async move {
            http.post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let statuses = tasks.join_all().await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 403).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 404).count(),
        17,
        "{statuses:?}"
    );
    let owner: OwnerStatus = via_second.owner_status(&target).await.json().await.unwrap();
    assert_eq!(owner.state, PickupState::Destroyed);

    first.stop();
    second.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_contain_no_secret() {
    let db = Db::sqlite();
    let scratch = tempfile::tempdir().unwrap();
    let outbox = scratch.path().join("outbox");
    let relay = relay(db.url(), &outbox, scratch.path());
    assert!(
        relay
            .stdout_first_line
            .starts_with("keypost-relay listening on http://127.0.0.1:")
    );
    let http = reqwest::Client::new();
    let api = Api {
        http: &http,
        base: relay.base.clone(),
    };
    let pickup = Pickup::new(2048);
    let request = pickup.request(Some(3));
    assert_eq!(api.create(&pickup, Some(3)).await.status(), 201);
    let mut secrets = vec![
        request.link_fragment.clone(),
        request.ciphertext[..64].to_owned(),
        request.pin_verifier.clone(),
        request.owner_token_hash.clone(),
        request.delete_verifier.clone().unwrap(),
        b64::encode(&pickup.owner_token),
        b64::encode(&pickup.delete_key),
        request.recipient_email.clone(),
        request.message.clone(),
    ];
    for right in [false, true] {
        let challenge = api.challenge_text(&pickup).await;
        let proof = if right {
            pickup.proof(&challenge)
        } else {
            pickup.wrong_proof(&challenge)
        };
        let response = api.open_with(&pickup, &challenge, &proof).await;
        assert_eq!(response.status(), if right { 200 } else { 403 });
        secrets.push(challenge);
        secrets.push(proof);
    }
    // Bad requests must not echo secrets into the log either.
    let mut broken = pickup.request(None);
    broken.expires_in_seconds = 1;
    let response = http
        .post(format!("{}/api/v1/pickups", relay.base))
        .json(&broken)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: ErrorBody = response.json().await.unwrap();
    for secret in &secrets {
        assert!(!body.error.message.contains(secret.as_str()));
    }
    let revoke = http
        .post(format!(
            "{}/api/v1/owner/pickups/{}/revoke",
            relay.base,
            pickup.id_text()
        ))
        .header("authorization", pickup.bearer())
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 200);

    let stdout_line = relay.stdout_first_line.clone();
    let logs = relay.stop();
    assert!(
        logs.contains("pickup created"),
        "debug logs were captured: {logs}"
    );
    assert!(logs.contains(&pickup.id_text()), "ids are logged");
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "log leaks {secret:?}:\n{logs}"
        );
        assert!(!stdout_line.contains(secret.as_str()));
    }
}

#[test]
fn help_explains_every_flag() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_keypost-relay"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--listen",
        "--database",
        "--outbox",
        "--public-url",
        "--smtp-url",
        "--smtp-host",
        "--smtp-port",
        "--smtp-tls",
        "--smtp-username",
        "--smtp-password",
        "--mail-from",
        "--rate-limit-per-ip",
        "--creates-per-ip-per-hour",
        "--creates-per-recipient-per-hour",
        "--config",
        "KEYPOST_RELAY_LISTEN",
        "KEYPOST_RELAY_DATABASE",
        "KEYPOST_RELAY_OUTBOX",
        "KEYPOST_RELAY_PUBLIC_URL",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
}

#[test]
fn environment_variables_configure_the_binary_and_bad_settings_exit_non_zero() {
    let scratch = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_keypost-relay"))
        .env("KEYPOST_RELAY_LISTEN", "127.0.0.1:0")
        .env("KEYPOST_RELAY_PUBLIC_URL", "ftp://nope")
        .env("KEYPOST_RELAY_OUTBOX", scratch.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--public-url"), "{stderr}");
}
