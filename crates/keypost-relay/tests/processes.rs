//! The real `keypost-relay` binary: two processes sharing one PostgreSQL, what it logs, and
//! its command line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use keypost_protocol::api::ErrorBody;
use keypost_protocol::api::pickups::{ChallengeResponse, OwnerStatus, PickupState};
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
    let via_first = Api::new(&http, &first.base);
    let via_second = Api::new(&http, &second.base);

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
    for (api, expected) in [(&via_second, 200), (&via_first, 400)] {
        let response = api.open_with(&guarded, &challenge.challenge, &proof).await;
        assert_eq!(response.status(), expected);
    }

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
    let requests = challenges
        .into_iter()
        .map(|(api, challenge)| {
            let body = keypost_protocol::api::pickups::OpenRequest {
                proof: target.wrong_proof(&challenge),
                challenge,
            };
            let url = format!("{}/api/v1/pickups/{}/open", api.base, target.id_text());
            (http.clone(), url, body)
        })
        .collect();
    let statuses = support::open_all_at_once(requests, Some(&target.access())).await;
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

/// Creates a one-view pickup; `None` when the relay did not answer 201 (it died first).
async fn try_create(http: &reqwest::Client, base: &str) -> Option<Pickup> {
    let pickup = Pickup::new(256);
    let response = http
        .post(format!("{base}/api/v1/pickups"))
        .json(&pickup.request(Some(1)))
        .send()
        .await
        .ok()?;
    (response.status() == 201).then_some(pickup)
}

/// Challenge + open with the right PIN; `false` unless the relay answered 200.
async fn try_open(http: &reqwest::Client, base: &str, pickup: &Pickup) -> bool {
    let url = format!("{base}/api/v1/pickups/{}", pickup.id_text());
    let opened = async {
        let response = http
            .post(format!("{url}/challenge"))
            .header("authorization", pickup.access())
            .send()
            .await
            .ok()?;
        let challenge: ChallengeResponse = response.json().await.ok()?;
        let response = http
            .post(format!("{url}/open"))
            .header("authorization", pickup.access())
            .json(&keypost_protocol::api::pickups::OpenRequest {
                proof: pickup.proof(&challenge.challenge),
                challenge: challenge.challenge,
            })
            .send()
            .await
            .ok()?;
        Some(response.status() == 200)
    };
    opened.await.unwrap_or(false)
}

/// What one worker saw before the relay died: the pickups it was told were created, and one
/// one-view pickup with whether it was told that pickup opened.
type Answered = (Vec<Pickup>, Pickup, bool);

/// Creates 64 one-view pickups, then 64 workers each open one and create pickups until
/// `relay` is killed (SIGKILL) mid-stream.
async fn answers_until_killed(http: &reqwest::Client, relay: &mut RelayProcess) -> Vec<Answered> {
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let to_open = try_create(http, &relay.base).await.unwrap();
        let http = http.clone();
        let base = relay.base.clone();
        workers.spawn(async move {
            let opened = try_open(&http, &base, &to_open).await;
            let mut created = Vec::new();
            while let Some(pickup) = try_create(&http, &base).await {
                created.push(pickup);
            }
            (created, to_open, opened)
        });
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    relay.child.kill().unwrap();
    workers.join_all().await
}

/// Group commit answers a write only after its batch committed: after a SIGKILL in the middle
/// of a stream of creates and opens, every pickup the relay said it created is there, and every
/// one-view pickup it said it opened is used up. Three kills, as the window is short.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answered_write_survives_a_kill() {
    let db = Db::sqlite();
    let scratch = tempfile::tempdir().unwrap();
    let outbox = scratch.path().join("outbox");
    let http = reqwest::Client::new();
    let mut running = relay(db.url(), &outbox, scratch.path());
    for _ in 0..3 {
        let answered = answers_until_killed(&http, &mut running).await;
        running = relay(db.url(), &outbox, scratch.path());
        let api = Api::new(&http, &running.base);
        let mut creates = 0;
        let mut opens = 0;
        for (created, opened_pickup, opened) in &answered {
            for pickup in created {
                assert_eq!(
                    api.status(pickup).await.status(),
                    200,
                    "an answered create was lost"
                );
                creates += 1;
            }
            if *opened {
                assert_eq!(
                    api.status(opened_pickup).await.status(),
                    404,
                    "an answered open was lost"
                );
                opens += 1;
            }
        }
        assert!(
            creates > 0 && opens > 0,
            "{creates} creates and {opens} opens answered"
        );
    }
    running.stop();
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
    let api = Api::new(&http, &relay.base);
    let pickup = Pickup::new(2048);
    let request = pickup.request(Some(3));
    assert_eq!(api.create(&pickup, Some(3)).await.status(), 201);
    let mut secrets = vec![
        request.link_fragment.clone().unwrap(),
        request.ciphertext[..64].to_owned(),
        request.pin_verifier.clone(),
        request.owner_token_hash.clone(),
        request.delete_verifier.clone().unwrap(),
        b64::encode(&pickup.owner_token),
        b64::encode(&pickup.delete_key),
        request.recipient_email.clone().unwrap(),
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
    let response = api.create_request(&broken).await;
    assert_eq!(response.status(), 400);
    let body: ErrorBody = response.json().await.unwrap();
    for secret in &secrets {
        assert!(!body.error.message.contains(secret.as_str()));
    }
    assert_eq!(api.owner_revoke(&pickup).await.status(), 200);

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

/// Starts the relay on `database`, asks its health and stops it; panics if it does not start.
async fn serve_once(database: &str, scratch: &std::path::Path) {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_keypost-relay"));
    let relay =
        RelayProcess::spawn_binary(binary, database, &scratch.join("outbox"), scratch, "info");
    let health = reqwest::get(format!("{}/api/v1/health", relay.base))
        .await
        .unwrap();
    assert!(health.status().is_success());
    relay.stop();
}

#[tokio::test]
async fn the_natural_database_url_and_a_plain_path_create_the_file_and_its_folders() {
    let scratch = tempfile::tempdir().unwrap();
    let by_url = scratch.path().join("srv").join("keypost").join("relay.db");
    let by_path = scratch.path().join("plain folder").join("relay.db");
    let url = format!("sqlite://{}", by_url.display());
    for (database, file) in [
        (url.as_str(), &by_url),
        (by_path.to_str().unwrap(), &by_path),
    ] {
        serve_once(database, scratch.path()).await;
        assert!(
            file.is_file(),
            "{database} did not create {}",
            file.display()
        );
        // The second start opens the same file with its tables.
        serve_once(database, scratch.path()).await;
    }
}

/// Runs the relay on `database`, which must fail: its stderr.
fn start_fails(database: &str) -> String {
    let scratch = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_keypost-relay"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            database,
            "--outbox",
        ])
        .arg(scratch.path().join("outbox"))
        .output()
        .unwrap();
    assert!(!output.status.success(), "{database} started");
    assert!(
        output.stdout.is_empty(),
        "{database}: {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stderr).unwrap()
}

/// Whether this process may write anywhere (root ignores file permissions).
fn runs_as_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid() == 0
}

#[test]
fn a_database_it_cannot_use_is_refused_with_the_path_and_the_reason() {
    use std::os::unix::fs::PermissionsExt as _;
    let scratch = tempfile::tempdir().unwrap();
    let at = |name: &str| scratch.path().join(name);

    std::fs::create_dir(at("relay.db")).unwrap();
    let stderr = start_fails(&format!("sqlite://{}", at("relay.db").display()));
    let expected = format!(
        "the database path {} is a folder, not a file",
        at("relay.db").display()
    );
    assert!(stderr.contains(&expected), "{stderr}");

    std::fs::write(at("notes.txt"), "not a folder").unwrap();
    let inside_a_file = at("notes.txt").join("relay.db");
    let stderr = start_fails(inside_a_file.to_str().unwrap());
    let expected = format!(
        "cannot create the database folder {}: ",
        at("notes.txt").display()
    );
    assert!(stderr.contains(&expected), "{stderr}");

    std::fs::write(at("text.db"), "plain text, not SQLite\n".repeat(200)).unwrap();
    let stderr = start_fails(&format!("sqlite://{}", at("text.db").display()));
    let expected = format!(
        "cannot open the SQLite database {}: ",
        at("text.db").display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("file is not a database"), "{stderr}");

    let missing = at("missing.db");
    let stderr = start_fails(&format!("sqlite://{}?mode=rw", missing.display()));
    let expected = format!("cannot open the database file {}: ", missing.display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(!missing.exists(), "mode=rw must not create the file");

    let (database, expected) = if runs_as_root() {
        // Nobody may make folders in sysfs.
        let folder = "/sys/keypost-relay-test";
        (
            format!("{folder}/relay.db"),
            format!("cannot create the database folder {folder}: "),
        )
    } else {
        std::fs::create_dir(at("read-only")).unwrap();
        std::fs::set_permissions(at("read-only"), std::fs::Permissions::from_mode(0o555)).unwrap();
        let file = at("read-only").join("relay.db");
        let expected = format!("cannot create the database file {}: ", file.display());
        (file.to_str().unwrap().to_owned(), expected)
    };
    let stderr = start_fails(&database);
    assert!(stderr.contains(&expected), "{stderr}");

    let stderr = start_fails("mysql://relay@localhost/keypost");
    assert!(
        stderr.contains("unsupported database URL \"mysql://"),
        "{stderr}"
    );
}

/// The most files a relay of the slow-client tests may open: a common default limit.
const RELAY_OPEN_FILES: u32 = 1024;
/// Unfinished requests the slow client holds: more than the relay could have descriptors for.
const SLOW_REQUESTS: usize = 1100;

/// The relay binary under `ulimit -n 1024` with `extra_args`, checked to run under it.
fn relay_with_1024_files(db: &Db, scratch: &std::path::Path, extra_args: &[&str]) -> RelayProcess {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_keypost-relay"));
    let relay = RelayProcess::spawn_binary_with_open_files(
        binary,
        RELAY_OPEN_FILES,
        db.url(),
        &scratch.join("outbox"),
        scratch,
        "info",
        extra_args,
    );
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", relay.child.id())).unwrap();
    let open_files = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .unwrap();
    assert_eq!(
        open_files.split_whitespace().nth(3),
        Some(RELAY_OPEN_FILES.to_string().as_str()),
        "{open_files}"
    );
    relay
}

/// Lets this test process hold the slow client's sockets whatever its own soft limit.
fn allow_open_files(count: u64) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|current| current < count) {
        limit.current = Some(count);
        setrlimit(Resource::Nofile, limit).unwrap();
    }
}

/// `count` connections from 127.0.0.2 (so that a normal client on 127.0.0.1 is another
/// address), each sending the start of a request and never the end of its headers.
async fn unfinished_requests(relay: &str, count: usize) -> Vec<tokio::net::TcpStream> {
    use tokio::io::AsyncWriteExt as _;
    let address: std::net::SocketAddr = relay.strip_prefix("http://").unwrap().parse().unwrap();
    let mut held = Vec::with_capacity(count);
    for _ in 0..count {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        let mut stream = socket.connect(address).await.unwrap();
        // The relay may have closed it already (over the cap): not an error here.
        let _ = stream
            .write_all(b"POST /api/v1/pickups HTTP/1.1\r\nHost: relay\r\nContent-Type: applic")
            .await;
        held.push(stream);
    }
    held
}

/// A normal request on its own connection from 127.0.0.1; the client gives up after 30 s
/// (a relay out of descriptors never accepts it).
async fn health_answers(relay: &RelayProcess) -> bool {
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    match http
        .get(format!("{}/api/v1/health", relay.base))
        .send()
        .await
    {
        Ok(response) => response.status() == 200 && response.text().await.unwrap() == "ok",
        Err(_) => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_cannot_take_the_relay_offline() {
    allow_open_files(4 * SLOW_REQUESTS as u64);
    let db = Db::sqlite();
    let scratch = tempfile::tempdir().unwrap();
    // Timeouts far beyond the test: only the per-IP cap (64) keeps descriptors free.
    let relay = relay_with_1024_files(
        &db,
        scratch.path(),
        &[
            "--max-connections-per-ip",
            "64",
            "--header-timeout",
            "600",
            "--idle-timeout",
            "900",
        ],
    );
    let held = unfinished_requests(&relay.base, SLOW_REQUESTS).await;
    assert!(
        health_answers(&relay).await,
        "the relay answers another client while one holds {SLOW_REQUESTS} unfinished requests"
    );
    let open = std::fs::read_dir(format!("/proc/{}/fd", relay.child.id()))
        .unwrap()
        .count();
    assert!(open < 200, "the relay holds {open} descriptors");
    drop(held);
    let logs = relay.stop();
    assert!(!logs.contains("Too many open files"), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_requests_are_closed_after_the_header_timeout() {
    use tokio::io::AsyncReadExt as _;
    allow_open_files(4 * SLOW_REQUESTS as u64);
    let db = Db::sqlite();
    let scratch = tempfile::tempdir().unwrap();
    let relay = relay_with_1024_files(
        &db,
        scratch.path(),
        &["--max-connections-per-ip", "64", "--header-timeout", "2"],
    );
    let mut held = unfinished_requests(&relay.base, SLOW_REQUESTS).await;
    // Connections that send nothing at all are waiting for headers too.
    let address: std::net::SocketAddr =
        relay.base.strip_prefix("http://").unwrap().parse().unwrap();
    for _ in 0..3 {
        held.push(tokio::net::TcpStream::connect(address).await.unwrap());
    }
    assert!(health_answers(&relay).await);
    // Every connection ends (end of stream or reset); a guard turns a hang into a failure.
    let all_closed = tokio::time::timeout(std::time::Duration::from_secs(120), async {
        for stream in &mut held {
            let mut sink = Vec::new();
            let _ = stream.read_to_end(&mut sink).await;
        }
    })
    .await;
    assert!(all_closed.is_ok(), "an unfinished request is still open");
    assert!(health_answers(&relay).await);
}
