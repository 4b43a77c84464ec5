//! Shared test setup: a real PostgreSQL cluster started for the test run, relays on real
//! loopback sockets (in-process with an injectable clock, or the real binary), and pickup
//! requests built from random secrets and the protocol's PIN proof; inbox accounts that sign
//! with a real identity ([`inbox`]).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code, unused_macros)]

use std::net::{SocketAddr, TcpListener};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use keypost_protocol::api::pickups::{CreatePickupRequest, OpenRequest};
use keypost_protocol::b64;
use keypost_protocol::pickup::{PickupId, make_proof};
use keypost_relay::{Limits, RelayConfig, RunningRelay};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tempfile::TempDir;
use time::OffsetDateTime;

pub mod inbox;
pub mod smtp;

/// Runs each scenario once with SQLite and once with PostgreSQL.
macro_rules! on_both_databases {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario(super::Db::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario(super::Db::postgres().await).await;
                }
            )*
        }
    };
}

pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").unwrap().uid() == 0
}

/// Runs a PostgreSQL tool as the `postgres` user (initdb and postgres refuse root).
fn pg_command(tool: &str) -> Command {
    let program = format!("{PG_BIN}/{tool}");
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", &program]);
        command
    } else {
        Command::new(program)
    }
}

fn id_of(user: &str, flag: &str) -> u32 {
    let output = Command::new("id").args([flag, user]).output().unwrap();
    assert!(output.status.success(), "user {user} is missing");
    String::from_utf8(output.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// A PostgreSQL server in a temporary folder on a free loopback port, stopped on drop.
pub struct PgCluster {
    dir: TempDir,
    pub port: u16,
}

static CLUSTER: Mutex<Weak<PgCluster>> = Mutex::new(Weak::new());

impl PgCluster {
    /// The cluster shared by the tests running now; started on first use.
    pub fn shared() -> Arc<PgCluster> {
        let mut slot = CLUSTER
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(cluster) = slot.upgrade() {
            return cluster;
        }
        let cluster = Arc::new(PgCluster::start());
        *slot = Arc::downgrade(&cluster);
        cluster
    }

    fn start() -> PgCluster {
        assert!(
            Path::new(PG_BIN).join("initdb").exists(),
            "PostgreSQL 15 is not installed ({PG_BIN}/initdb missing): run `scripts/dev setup` \
             (it installs the Debian package `postgresql`)"
        );
        let dir = tempfile::Builder::new()
            .prefix("keypost-relay-pg-")
            .tempdir()
            .unwrap();
        if running_as_root() {
            std::os::unix::fs::chown(
                dir.path(),
                Some(id_of("postgres", "-u")),
                Some(id_of("postgres", "-g")),
            )
            .unwrap();
        }
        let data = dir.path().join("data");
        let status = pg_command("initdb")
            .args([
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "initdb failed");
        let port = free_port();
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400",
            dir.path().display()
        );
        let log = dir.path().join("server.log");
        let status = pg_command("pg_ctl")
            .args([
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "start",
            ])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(
            status.success(),
            "pg_ctl start failed: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        PgCluster { dir, port }
    }

    /// A fresh, empty database on this cluster.
    pub async fn create_database(&self) -> String {
        use sqlx::Connection as _;
        let mut bytes = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let name = format!(
            "relay_{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", self.port);
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        conn.close().await.unwrap();
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = pg_command("pg_ctl")
            .args(["-D", data.to_str().unwrap(), "-m", "fast", "-w", "stop"])
            .stdout(Stdio::null())
            .status();
    }
}

/// Which database a test relay uses; keeps the database alive as long as the test.
pub enum Db {
    Sqlite {
        dir: TempDir,
        url: String,
    },
    Postgres {
        cluster: Arc<PgCluster>,
        url: String,
    },
}

impl Db {
    pub fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("relay.db").display()
        );
        Db::Sqlite { dir, url }
    }

    pub async fn postgres() -> Db {
        let cluster = PgCluster::shared();
        let url = cluster.create_database().await;
        Db::Postgres { cluster, url }
    }

    pub fn url(&self) -> &str {
        match self {
            Db::Sqlite { url, .. } | Db::Postgres { url, .. } => url,
        }
    }

    /// The SQLite file, for checking that deleted bytes are really gone.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match self {
            Db::Sqlite { dir, .. } => Some(dir.path().join("relay.db")),
            Db::Postgres { .. } => None,
        }
    }

    /// True when any 32-byte piece of `secret` (pieces start every 32 bytes; a shorter secret
    /// is one piece) is in a file of the live SQLite database's folder — the database, its WAL
    /// and shared-memory index, read as they are, as a file copy or a crash would keep them.
    /// Pieces, because SQLite splits a large value over pages. False for PostgreSQL.
    pub fn holds_on_disk(&self, secret: &[u8]) -> bool {
        let Some(file) = self.sqlite_file() else {
            return false;
        };
        assert!(file.exists());
        let piece = secret.len().min(32);
        let pieces: std::collections::HashSet<&[u8]> = secret.chunks_exact(piece).collect();
        std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .any(|entry| {
                let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
                bytes.windows(piece).any(|window| pieces.contains(window))
            })
    }

    /// A direct connection to the relay's database, to check what is really stored.
    pub async fn inspect(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(self.url())
            .await
            .unwrap()
    }

    pub async fn count(&self, sql: &str, id: &[u8]) -> i64 {
        let pool = self.inspect().await;
        let count: i64 = sqlx::query_scalar(sql)
            .bind(id.to_vec())
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        count
    }
}

/// A clock the test can move forward.
#[derive(Clone, Default)]
pub struct TestClock {
    offset_seconds: Arc<AtomicI64>,
}

impl TestClock {
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::SeqCst);
    }

    pub fn clock(&self) -> keypost_relay::Clock {
        let offset = self.offset_seconds.clone();
        Arc::new(move || {
            OffsetDateTime::now_utc() + time::Duration::seconds(offset.load(Ordering::SeqCst))
        })
    }
}

/// A relay running in this process on a real loopback socket.
pub struct TestRelay {
    pub relay: RunningRelay,
    pub db: Db,
    pub outbox: TempDir,
    pub clock: TestClock,
    pub http: reqwest::Client,
}

impl TestRelay {
    pub async fn start(db: Db) -> TestRelay {
        TestRelay::start_with(db, Limits::unlimited()).await
    }

    pub async fn start_with(db: Db, limits: Limits) -> TestRelay {
        TestRelay::start_configured(db, limits, true).await
    }

    /// A relay with no mail server and no outbox (the desktop's built-in relay); `outbox` stays
    /// an empty folder that the tests can look into.
    pub async fn start_without_mail(db: Db) -> TestRelay {
        TestRelay::start_configured(db, Limits::unlimited(), false).await
    }

    async fn start_configured(db: Db, limits: Limits, mail: bool) -> TestRelay {
        let outbox = tempfile::tempdir().unwrap();
        let clock = TestClock::default();
        let config = RelayConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: db.url().to_owned(),
            outbox: mail.then(|| outbox.path().to_path_buf()),
            public_url: None,
            smtp: None,
            mail_from: keypost_relay::config::DEFAULT_MAIL_FROM.to_owned(),
            limits,
            purge_interval: Duration::from_secs(3600),
        };
        let relay = keypost_relay::start_with_clock(config, clock.clock())
            .await
            .unwrap();
        TestRelay {
            relay,
            db,
            outbox,
            clock,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.relay.public_url())
    }
}

/// Random secrets standing in for what the sender's app derives from the link secret.
pub struct Pickup {
    pub id: [u8; 16],
    pub link_secret: [u8; 32],
    pub verifier: [u8; 32],
    pub delete_key: [u8; 32],
    pub access_key: [u8; 32],
    pub owner_token: [u8; 32],
    pub ciphertext: Vec<u8>,
}

pub fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

impl Pickup {
    pub fn new(ciphertext_len: usize) -> Pickup {
        let mut ciphertext = vec![0u8; ciphertext_len];
        rand::rngs::OsRng.fill_bytes(&mut ciphertext);
        Pickup {
            id: random(),
            link_secret: random(),
            verifier: random(),
            delete_key: random(),
            access_key: random(),
            owner_token: random(),
            ciphertext,
        }
    }

    pub fn id_text(&self) -> String {
        b64::encode(&self.id)
    }

    pub fn request(&self, max_views: Option<u32>) -> CreatePickupRequest {
        CreatePickupRequest {
            id: PickupId::from_bytes(self.id),
            ciphertext: b64::encode(&self.ciphertext),
            pin_verifier: b64::encode(&self.verifier),
            delete_verifier: Some(b64::encode(&Sha256::digest(self.delete_key))),
            owner_token_hash: b64::encode(&Sha256::digest(self.owner_token)),
            access_key_hash: b64::encode(&Sha256::digest(self.access_key)),
            recipient_email: Some("bo@example.org".to_owned()),
            sender_name: "Ada Lovelace".to_owned(),
            message: "The shared accounts, as promised.".to_owned(),
            expires_in_seconds: 86_400,
            max_views,
            retrieval_step: true,
            passphrase_required: false,
            link_fragment: Some(b64::encode(&self.link_secret)),
        }
    }

    /// The proof of the right PIN over `challenge`.
    pub fn proof(&self, challenge: &str) -> String {
        let challenge = b64::decode_array::<32>(challenge).unwrap();
        b64::encode(&make_proof(
            &self.verifier,
            &PickupId::from_bytes(self.id),
            &challenge,
        ))
    }

    /// A proof made with another PIN's verifier.
    pub fn wrong_proof(&self, challenge: &str) -> String {
        let challenge = b64::decode_array::<32>(challenge).unwrap();
        let mut other = self.verifier;
        other[0] ^= 1;
        b64::encode(&make_proof(
            &other,
            &PickupId::from_bytes(self.id),
            &challenge,
        ))
    }

    pub fn bearer(&self) -> String {
        format!("Bearer {}", b64::encode(&self.owner_token))
    }

    /// The `Authorization` value of the recipient's status, challenge and open requests.
    pub fn access(&self) -> String {
        format!("Bearer {}", b64::encode(&self.access_key))
    }
}

/// A small API client over reqwest for the tests.
pub struct Api<'a> {
    pub http: &'a reqwest::Client,
    pub base: String,
}

impl<'a> Api<'a> {
    pub fn new(http: &'a reqwest::Client, base: &str) -> Self {
        Api {
            http,
            base: base.to_owned(),
        }
    }

    pub async fn create(&self, pickup: &Pickup, max_views: Option<u32>) -> reqwest::Response {
        self.create_request(&pickup.request(max_views)).await
    }

    pub async fn create_request(&self, request: &CreatePickupRequest) -> reqwest::Response {
        self.http
            .post(format!("{}/api/v1/pickups", self.base))
            .json(request)
            .send()
            .await
            .unwrap()
    }

    /// The recipient's delete with `delete_key`.
    pub async fn delete(&self, pickup: &Pickup, delete_key: &[u8]) -> reqwest::Response {
        self.delete_as(pickup, Some(&pickup.access()), delete_key)
            .await
    }

    /// A delete request with the `Authorization` value `access` (or none).
    pub async fn delete_as(
        &self,
        pickup: &Pickup,
        access: Option<&str>,
        delete_key: &[u8],
    ) -> reqwest::Response {
        let url = format!("{}/api/v1/pickups/{}/delete", self.base, pickup.id_text());
        let body = serde_json::json!({"delete_key": b64::encode(delete_key)});
        with_access(self.http.post(url).json(&body), access)
            .send()
            .await
            .unwrap()
    }

    pub async fn challenge(&self, pickup: &Pickup) -> reqwest::Response {
        self.challenge_as(pickup, Some(&pickup.access())).await
    }

    /// A challenge request with the `Authorization` value `access` (or none).
    pub async fn challenge_as(&self, pickup: &Pickup, access: Option<&str>) -> reqwest::Response {
        let url = format!(
            "{}/api/v1/pickups/{}/challenge",
            self.base,
            pickup.id_text()
        );
        with_access(self.http.post(url), access)
            .send()
            .await
            .unwrap()
    }

    pub async fn challenge_text(&self, pickup: &Pickup) -> String {
        let response = self.challenge(pickup).await;
        assert_eq!(response.status(), 200);
        let body: keypost_protocol::api::pickups::ChallengeResponse =
            response.json().await.unwrap();
        body.challenge
    }

    pub async fn open_with(
        &self,
        pickup: &Pickup,
        challenge: &str,
        proof: &str,
    ) -> reqwest::Response {
        self.open_as(pickup, Some(&pickup.access()), challenge, proof)
            .await
    }

    /// An open request with the `Authorization` value `access` (or none).
    pub async fn open_as(
        &self,
        pickup: &Pickup,
        access: Option<&str>,
        challenge: &str,
        proof: &str,
    ) -> reqwest::Response {
        let url = format!("{}/api/v1/pickups/{}/open", self.base, pickup.id_text());
        let body = OpenRequest {
            challenge: challenge.to_owned(),
            proof: proof.to_owned(),
        };
        with_access(self.http.post(url).json(&body), access)
            .send()
            .await
            .unwrap()
    }

    /// Challenge + open with the right (`true`) or a wrong PIN.
    pub async fn open(&self, pickup: &Pickup, right_pin: bool) -> reqwest::Response {
        let challenge = self.challenge(pickup).await;
        if challenge.status() != 200 {
            return challenge;
        }
        let challenge = challenge
            .json::<keypost_protocol::api::pickups::ChallengeResponse>()
            .await
            .unwrap()
            .challenge;
        let proof = if right_pin {
            pickup.proof(&challenge)
        } else {
            pickup.wrong_proof(&challenge)
        };
        self.open_with(pickup, &challenge, &proof).await
    }

    pub async fn status(&self, pickup: &Pickup) -> reqwest::Response {
        self.status_as(pickup, Some(&pickup.access())).await
    }

    /// A status request with the `Authorization` value `access` (or none).
    pub async fn status_as(&self, pickup: &Pickup, access: Option<&str>) -> reqwest::Response {
        let url = format!("{}/api/v1/pickups/{}", self.base, pickup.id_text());
        with_access(self.http.get(url), access)
            .send()
            .await
            .unwrap()
    }

    pub async fn owner_status(&self, pickup: &Pickup) -> reqwest::Response {
        self.owner_request(reqwest::Method::GET, pickup, "").await
    }

    pub async fn owner_revoke(&self, pickup: &Pickup) -> reqwest::Response {
        self.owner_request(reqwest::Method::POST, pickup, "/revoke")
            .await
    }

    /// `/api/v1/owner/pickups/{id}{suffix}` with the pickup's owner token.
    async fn owner_request(
        &self,
        method: reqwest::Method,
        pickup: &Pickup,
        suffix: &str,
    ) -> reqwest::Response {
        let url = format!(
            "{}/api/v1/owner/pickups/{}{suffix}",
            self.base,
            pickup.id_text()
        );
        self.http
            .request(method, url)
            .header("authorization", pickup.bearer())
            .send()
            .await
            .unwrap()
    }
}

fn with_access(request: reqwest::RequestBuilder, access: Option<&str>) -> reqwest::RequestBuilder {
    match access {
        Some(value) => request.header("authorization", value),
        None => request,
    }
}

/// Sends every open request at once, each on its own task, with the `Authorization` value
/// `access` (or none), and returns the status codes.
pub async fn open_all_at_once(
    requests: Vec<(reqwest::Client, String, OpenRequest)>,
    access: Option<&str>,
) -> Vec<u16> {
    let mut tasks = tokio::task::JoinSet::new();
    for (http, url, body) in requests {
        let access = access.map(str::to_owned);
        tasks.spawn(async move {
            with_access(http.post(url).json(&body), access.as_deref())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    tasks.join_all().await
}

/// POSTs a JSON body over a raw connection, writing on one task and reading the answer on
/// another: a server that refuses an oversized body answers before the client finished
/// sending, which HTTP client libraries report as a broken pipe instead of the answer.
pub async fn raw_post(address: SocketAddr, path: &str, body: &[u8]) -> (u16, String) {
    raw_post_with(address, path, "", body).await
}

/// [`raw_post`] with extra header lines (each ending in `\r\n`).
pub async fn raw_post_with(
    address: SocketAddr,
    path: &str,
    headers: &str,
    body: &[u8],
) -> (u16, String) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         {headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    let sender = tokio::spawn(async move {
        // The server may stop reading and close early; that is expected here. The write half
        // is handed back, not dropped: dropping it half-closes the connection, and the server
        // would then drop the request unanswered.
        let _ = writer.write_all(&request).await;
        writer
    });
    let mut answer = Vec::new();
    let _ = reader.read_to_end(&mut answer).await;
    sender.abort();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// The relay binary started as a child process; killed on drop.
pub struct RelayProcess {
    pub child: std::process::Child,
    pub base: String,
    pub stderr_path: PathBuf,
    pub stdout_first_line: String,
}

impl RelayProcess {
    /// Starts `BINARY --listen 127.0.0.1:0 …` with rate limits and the per-IP connection cap
    /// off and waits for its "listening on" line.
    pub fn spawn_binary(
        binary: &Path,
        database_url: &str,
        outbox: &Path,
        log_dir: &Path,
        log_level: &str,
    ) -> RelayProcess {
        RelayProcess::spawn_binary_with(binary, database_url, outbox, log_dir, log_level, &[])
    }

    /// [`RelayProcess::spawn_binary`] with more flags (a limit flag among them replaces the
    /// default of turning that limit off).
    pub fn spawn_binary_with(
        binary: &Path,
        database_url: &str,
        outbox: &Path,
        log_dir: &Path,
        log_level: &str,
        extra_args: &[&str],
    ) -> RelayProcess {
        let command = Command::new(binary);
        RelayProcess::spawn(
            command,
            database_url,
            outbox,
            log_dir,
            log_level,
            extra_args,
        )
    }

    /// [`RelayProcess::spawn_binary_with`] in a process that may open at most `open_files`
    /// files and sockets (the shell's `ulimit -n`, then `exec`: the same process id).
    pub fn spawn_binary_with_open_files(
        binary: &Path,
        open_files: u32,
        database_url: &str,
        outbox: &Path,
        log_dir: &Path,
        log_level: &str,
        extra_args: &[&str],
    ) -> RelayProcess {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {open_files} && exec \"$0\" \"$@\""))
            .arg(binary);
        RelayProcess::spawn(
            command,
            database_url,
            outbox,
            log_dir,
            log_level,
            extra_args,
        )
    }

    fn spawn(
        mut command: Command,
        database_url: &str,
        outbox: &Path,
        log_dir: &Path,
        log_level: &str,
        extra_args: &[&str],
    ) -> RelayProcess {
        use std::io::BufRead as _;
        let stderr_path = log_dir.join(format!("relay-{}.stderr", free_port()));
        let stderr = std::fs::File::create(&stderr_path).unwrap();
        let mut child = command
            .args([
                "--listen",
                "127.0.0.1:0",
                "--database",
                database_url,
                "--outbox",
            ])
            .arg(outbox)
            .args(
                [
                    "--rate-limit-per-ip",
                    "--creates-per-ip-per-hour",
                    "--creates-per-recipient-per-hour",
                    "--deposits-per-sender-per-minute",
                    "--max-connections-per-ip",
                ]
                .into_iter()
                .filter(|flag| !extra_args.contains(flag))
                .flat_map(|flag| [flag, "0"]),
            )
            .args(extra_args)
            .env("RUST_LOG", log_level)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("keypost-relay listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line {line:?}; stderr: {}",
                    std::fs::read_to_string(&stderr_path).unwrap_or_default()
                )
            })
            .to_owned();
        RelayProcess {
            child,
            base,
            stderr_path,
            stdout_first_line: line,
        }
    }

    /// Stops the relay (SIGTERM, then waits) and returns everything it logged.
    pub fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        std::fs::read_to_string(&self.stderr_path).unwrap()
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
