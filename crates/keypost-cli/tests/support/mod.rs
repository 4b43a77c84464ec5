//! Helpers shared by the CLI tests: vault folders driven through the real binary, and a real
//! relay on 127.0.0.1 whose SQLite file a test can tamper with, optionally behind a rewriting
//! proxy (the malicious relay).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

pub mod rewriting_proxy;
#[path = "../../../keypost-relay/tests/support/tamper.rs"]
pub mod tamper;

use assert_cmd::Command;
use rewriting_proxy::RewritingProxy;
use serde_json::Value;
use std::path::PathBuf;
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery staple";

/// A temp folder with a vault created at the KDF floor, so each command unlocks quickly.
pub struct Fixture {
    _dir: TempDir,
    pub vault: PathBuf,
    work: PathBuf,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = TempDir::new().unwrap();
        let vault = dir.path().join("vault.keypost");
        let work = dir.path().to_path_buf();
        let fixture = Self {
            _dir: dir,
            vault,
            work,
        };
        fixture
            .keypost(&[
                "init",
                "--kdf-memory",
                "19",
                "--kdf-iterations",
                "2",
                "--kdf-parallelism",
                "1",
            ])
            .assert()
            .success();
        fixture
    }

    pub fn keypost(&self, args: &[&str]) -> Command {
        let mut command = Command::cargo_bin("keypost").unwrap();
        command
            .env("KEYPOST_VAULT", &self.vault)
            .env("KEYPOST_PASSWORD", PASSWORD)
            .env_remove("KEYPOST_ENTRY_PASSWORD")
            .env_remove("KEYPOST_NEW_PASSWORD")
            .env_remove("KEYPOST_RELAY_URL")
            // The app's settings (its relay) are read from here, never from the real home.
            .env("XDG_CONFIG_HOME", self.config_dir())
            .args(args);
        command
    }

    /// Stands for the system's config folder: the app's settings.json goes under it.
    pub fn config_dir(&self) -> PathBuf {
        self.work.join("config")
    }

    pub fn json(&self, args: &[&str]) -> Value {
        self.json_with_password(args, PASSWORD)
    }

    pub fn add(
        &self,
        title: &str,
        username: &str,
        password: &str,
        url: &str,
        tags: &[&str],
    ) -> String {
        let mut args = vec![
            "add",
            "--title",
            title,
            "--username",
            username,
            "--password",
            password,
            "--url",
            url,
        ];
        for tag in tags {
            args.extend(["--tag", tag]);
        }
        let output = self
            .keypost(&args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(output).unwrap().trim().to_owned()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.work.join(name)
    }

    /// Writes `contents` to the file `name` in the working folder and returns its path as text.
    pub fn file(&self, name: &str, contents: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Fixture {
    pub fn json_with_password(&self, args: &[&str], password: &str) -> Value {
        let output = self
            .keypost(args)
            .env("KEYPOST_PASSWORD", password)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&output).unwrap()
    }
}

/// A relay on 127.0.0.1 (SQLite, outbox) on its own runtime, while the test runs the binary.
pub struct Relay {
    pub url: String,
    dir: TempDir,
    relay: keypost_relay::RunningRelay,
    /// With [`Relay::start_behind_proxy`]: what the clients reach instead of the relay.
    pub proxy: Option<RewritingProxy>,
    runtime: tokio::runtime::Runtime,
}

/// The desktop's relay settings, plus an outbox folder in `dir`: the tests read emailed codes
/// and links there.
fn mailing_relay_config(dir: &std::path::Path) -> keypost_relay::RelayConfig {
    keypost_relay::RelayConfig {
        outbox: Some(dir.join("outbox")),
        ..keypost_relay::RelayConfig::local(dir)
    }
}

impl Relay {
    pub fn start() -> Self {
        let dir = TempDir::new().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let relay = runtime
            .block_on(keypost_relay::start(mailing_relay_config(dir.path())))
            .unwrap();
        Self {
            url: relay.public_url().to_owned(),
            dir,
            relay,
            proxy: None,
            runtime,
        }
    }

    /// A relay that clients reach only through a [`RewritingProxy`] (its public URL is the
    /// proxy's, so signatures and links name what the clients use).
    pub fn start_behind_proxy() -> Self {
        let dir = TempDir::new().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let (relay, proxy) = runtime.block_on(async {
            let proxy = RewritingProxy::bind().await;
            let mut config = mailing_relay_config(dir.path());
            config.public_url = Some(proxy.url.clone());
            let relay = keypost_relay::start(config).await.unwrap();
            proxy.forward_to(relay.local_addr());
            (relay, proxy)
        });
        Self {
            url: proxy.url.clone(),
            dir,
            relay,
            proxy: Some(proxy),
            runtime,
        }
    }

    pub fn proxy(&self) -> &RewritingProxy {
        self.proxy
            .as_ref()
            .expect("a relay started behind the proxy")
    }

    pub fn shutdown(self) {
        self.runtime.block_on(self.relay.shutdown()).unwrap();
    }

    /// The relay's database, for tampering as a malicious relay would.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("relay.db")).unwrap()
    }

    /// How many emails the relay wrote to its outbox.
    pub fn emails_written(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("outbox")).map_or(0, Iterator::count)
    }

    /// The 8-digit code in the one email the relay wrote to its outbox (waits up to 10 s).
    pub fn emailed_code(&self) -> String {
        let outbox = self.dir.path().join("outbox");
        for _ in 0..500 {
            let found = std::fs::read_dir(&outbox)
                .into_iter()
                .flatten()
                .map(|entry| entry.unwrap().path())
                .find(|path| path.extension().is_some_and(|ext| ext == "eml"));
            if let Some(email) = found {
                let text = std::fs::read_to_string(email).unwrap();
                let (_, after) = text.split_once("code is ").unwrap();
                return after[..8].to_owned();
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("the relay wrote no email");
    }

    /// The relay serves `sealed` in the mailbox of the account registered `mailbox` as a new
    /// deposit that it says the account registered `depositor` made (accounts counted in
    /// registration order, from 1).
    pub fn serve(&self, mailbox: i64, depositor: i64, sealed: &[u8]) {
        let db = self.db();
        tamper::serve_as_new(
            &db,
            &account_id(&db, mailbox),
            &account_id(&db, depositor),
            sealed,
        );
    }

    /// Every sealed message waiting at the relay, oldest first.
    pub fn waiting(&self) -> Vec<Vec<u8>> {
        let db = self.db();
        let mut statement = db
            .prepare("SELECT sealed FROM mailbox_messages ORDER BY seq")
            .unwrap();
        statement
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap()
    }

    /// The relay serves the key of the account registered `by` in place of `victim`'s
    /// (accounts counted in registration order, from 1).
    pub fn swap_bundle(&self, victim: i64, by: i64) {
        let db = self.db();
        let bundle: Vec<u8> = db
            .query_row(
                "SELECT bundle FROM accounts WHERE rowid = ?1",
                [by],
                |row| row.get(0),
            )
            .unwrap();
        tamper::swap_bundle(&db, &account_id(&db, victim), &bundle);
    }
}

/// The id of the relay account registered `rowid`-th (from 1).
fn account_id(db: &rusqlite::Connection, rowid: i64) -> Vec<u8> {
    db.query_row("SELECT id FROM accounts WHERE rowid = ?1", [rowid], |row| {
        row.get(0)
    })
    .unwrap()
}

impl Fixture {
    /// How many items the JSON array printed by `args` holds.
    pub fn count(&self, args: &[&str]) -> usize {
        self.json(args).as_array().unwrap().len()
    }

    /// Registers this vault at `relay` as `name`; returns `keypost id --json`.
    pub fn register(&self, relay: &Relay, name: &str) -> Value {
        self.keypost(&["relay", "register", "--relay", &relay.url, "--name", name])
            .assert()
            .success();
        self.json(&["id", "--json"])
    }
}

/// `inviter` invites `acceptor` (calling it `name`), the acceptor accepts, the inviter confirms
/// and the acceptor fetches the `connect`: both end connected. Checks the words on the way.
pub fn connect(inviter: &Fixture, acceptor: &Fixture, name: &str) {
    let inviter_id = inviter.json(&["id", "--json"]);
    let acceptor_id = acceptor.json(&["id", "--json"]);
    let invite = inviter.json(&["people", "invite", "--name", name, "--note", "hi", "--json"]);
    let link = invite["link"].as_str().unwrap();
    let accepted = acceptor.json(&["people", "accept", link, "--json"]);
    assert_eq!(
        accepted["words"], inviter_id["words"],
        "the inviter's words"
    );
    assert_eq!(accepted["state"], "awaiting_confirmation");
    let pending = inviter.json(&["people", "pending", "--json"]);
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    assert_eq!(pending[0]["invite_id"], invite["invite_id"]);
    assert_eq!(pending[0]["name"], name);
    assert_eq!(
        pending[0]["words"], acceptor_id["words"],
        "the acceptor's words"
    );
    inviter
        .keypost(&[
            "people",
            "confirm",
            pending[0]["invite_id"].as_str().unwrap(),
        ])
        .assert()
        .success();
    acceptor.json(&["inbox", "--json"]);
    for person in [inviter, acceptor] {
        let people = person.json(&["people", "list", "--json"]);
        assert_eq!(people[0]["state"], "connected", "{people}");
    }
}

/// Alice (with two entries) and Bob, registered at `relay` and connected.
pub fn alice_and_bob(relay: &Relay) -> (Fixture, Fixture, Vec<String>) {
    let alice = Fixture::new();
    let ids = vec![
        alice.add(
            "Mail",
            "ana",
            "m4il=secret",
            "https://mail.example",
            &["private"],
        ),
        alice.add("Bank", "ana", "b4nk-secret", "https://bank.example", &[]),
    ];
    let bob = Fixture::new();
    let alice_id = alice.register(relay, "Alice");
    assert_eq!(alice_id["name"], "Alice");
    assert_eq!(alice_id["relay"], relay.url.as_str());
    assert_eq!(alice_id["words"].as_array().unwrap().len(), 7);
    bob.register(relay, "Bob");
    connect(&alice, &bob, "Bob");
    (alice, bob, ids)
}

pub fn send_args<'a>(contact: &'a str, ids: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["send", "--contact", contact];
    args.extend(extra);
    args.extend(ids.iter().map(String::as_str));
    args
}
