//! Desktop app benchmark of the Messages list (numbers for docs/benchmarks.md, "The Messages
//! list with 10,000 messages"): a vault whose inbox holds 10,000 messages, received the real
//! way (another vault connected by invite sends them through a relay on 127.0.0.1, the vault
//! fetches them); then the app opens it and the time from clicking Messages to the first rows,
//! a jump scroll and screen-by-screen scrolling, the rows in the web view's DOM, and the memory
//! of the app and its web view are measured; and, in process, the JSON the whole inbox makes
//! (what the web view got per load before the list was paged) against one block of 100.
//!
//! `cargo run -p keypost-app --example messages_bench -- [APP_BINARY]` (default: the debug
//! binary next to this example). Uses the same WebDriver harness as tests/e2e_inbox.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use keypost_core::contacts;
use keypost_core::inbox::InboxClient;
use keypost_core::messages;
use keypost_core::vault::{KdfParams, Vault};
use keypost_relay::RelayConfig;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use support::app_driver::{AppDirs, AppSession};
use support::measure::{default_binary, ms, print_app_rss};

const MASTER_PASSWORD: &str = "benchmark master password 2026";
const MESSAGES: usize = 10_000;
/// The inbox's row height in CSS pixels (ui/src/features/messages/InboxView.svelte).
const ROW_HEIGHT: usize = 78;
/// Sends between two fetches: the relay's mailbox holds at most 1,000 messages.
const SENDS_PER_FETCH: usize = 500;
const SCROLL_STEPS: usize = 20;
/// One block of the list (ui/src/lib/rowcache.ts).
const SCROLL_STEP_ROWS: usize = 100;

/// A vault as the app holds it (the use cases' `VaultAccess`), registered at the relay.
struct Person {
    vault: Mutex<Option<Vault>>,
    client: InboxClient,
}

impl Person {
    async fn register(path: &Path, relay_url: &str, name: &str) -> Self {
        let vault = Vault::create(path, MASTER_PASSWORD, KdfParams::FLOOR).unwrap();
        let person = Self {
            vault: Mutex::new(Some(vault)),
            client: InboxClient::new(relay_url).unwrap(),
        };
        contacts::register(&person.vault, &person.client, name, None)
            .await
            .unwrap();
        person
    }

    fn with<R>(&self, step: impl FnOnce(&mut Vault) -> R) -> R {
        step(self.vault.lock().unwrap().as_mut().unwrap())
    }

    /// Fetches until the mailbox is empty; returns how many messages arrived.
    async fn fetch_all(&self) -> usize {
        let mut arrived = 0;
        loop {
            let report = messages::fetch(&self.vault, &self.client, 0).await.unwrap();
            if report.arrived.is_empty() && report.accepted == 0 {
                return arrived;
            }
            arrived += report.accepted;
        }
    }
}

/// `inviter` invites `acceptor`, who accepts; the inviter confirms; the acceptor fetches the
/// `connect`.
async fn connect(inviter: &Person, acceptor: &Person, name: &str) {
    let invite = contacts::invite(
        &inviter.vault,
        &inviter.client,
        name,
        None,
        "",
        time::Duration::days(1),
    )
    .await
    .unwrap();
    let preview = contacts::preview_invite(&acceptor.vault, &acceptor.client, &invite.link)
        .await
        .unwrap();
    contacts::accept_invite(&acceptor.vault, &acceptor.client, &preview, None)
        .await
        .unwrap();
    let pending = contacts::pending(&inviter.vault, &inviter.client)
        .await
        .unwrap();
    let acceptor_key = pending[0].fingerprint.unwrap();
    contacts::confirm(
        &inviter.vault,
        &inviter.client,
        pending[0].invite_id,
        &acceptor_key,
    )
    .await
    .unwrap();
    acceptor.fetch_all().await;
}

/// The note of message `n` (0 = the first sent), shown in its Inbox row.
fn note(n: usize) -> String {
    format!("Message {n:05}")
}

async fn scroll_to_row(app: &AppSession, row: usize) -> Duration {
    let started = Instant::now();
    app.run_script(&format!(
        "document.querySelector(\"[data-testid='inbox-list']\").scrollTop = {}",
        row * ROW_HEIGHT
    ))
    .await;
    // Newest first: row `row` is message MESSAGES - 1 - row.
    let wanted = note(MESSAGES - 1 - row);
    app.wait_texts("inbox-row", |rows| {
        rows.iter().any(|shown| shown.contains(&wanted))
    })
    .await;
    started.elapsed()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let binary = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(default_binary);
    println!("app binary: {}", binary.display());

    let relay_data = tempfile::tempdir().unwrap();
    let relay = keypost_relay::start(RelayConfig::local(relay_data.path()))
        .await
        .unwrap();
    let dirs = AppDirs::new();
    let bo = Person::register(&dirs.vault(), relay.public_url(), "Bo").await;
    let ada = Person::register(
        &relay_data.path().join("ada.keypost"),
        relay.public_url(),
        "Ada",
    )
    .await;
    connect(&ada, &bo, "Bo").await;
    let entry = ada.with(|vault| {
        vault
            .entries_mut()
            .add(keypost_core::entry_fields! {
                title: "Router".into(),
                username: "admin".into(),
                password: "router-Secret-9904".into(),
                urls: vec!["https://192.0.2.1".into()],
            })
            .unwrap()
            .id
    });
    let bos_key = ada.with(|vault| vault.contacts().by_name("Bo").unwrap().card().fingerprint);

    let filled = Instant::now();
    let mut received = 0;
    for n in 0..MESSAGES {
        messages::send_to_contact(
            &ada.vault,
            &ada.client,
            "Bo",
            &bos_key,
            &[entry],
            &note(n),
            false,
        )
        .await
        .unwrap();
        if (n + 1) % SENDS_PER_FETCH == 0 {
            received += bo.fetch_all().await;
        }
    }
    received += bo.fetch_all().await;
    assert_eq!(received, MESSAGES);
    println!(
        "sent and received {MESSAGES} one-entry messages through the relay in {}",
        ms(filled.elapsed())
    );
    // What the web view was sent per load before the list was paged, against one block now.
    let (whole, whole_took) = bo.with(|vault| {
        let started = Instant::now();
        let json = serde_json::to_vec(&messages::list(vault).unwrap()).unwrap();
        (json.len(), started.elapsed())
    });
    let (block, block_took) = bo.with(|vault| {
        let started = Instant::now();
        let json = serde_json::to_vec(&messages::page(vault, None, 5_000, 100).unwrap()).unwrap();
        (json.len(), started.elapsed())
    });
    println!(
        "the whole inbox as JSON: {:.1} MiB in {}; one block of 100 (rows 5,000–5,099): {:.1} KiB in {}",
        whole as f64 / 1024.0 / 1024.0,
        ms(whole_took),
        block as f64 / 1024.0,
        ms(block_took)
    );
    drop(bo.vault.lock().unwrap().take());

    dirs.write_settings(&serde_json::json!({ "relay_url": relay.public_url() }));
    let app = AppSession::launch(&binary, &dirs).await;
    app.type_into("unlock-password", MASTER_PASSWORD).await;
    app.click("unlock-submit").await;
    app.element("tab-messages").await;
    let clicked = Instant::now();
    app.click("tab-messages").await;
    let newest = note(MESSAGES - 1);
    app.wait_texts("inbox-row", |rows| {
        rows.first().is_some_and(|row| row.contains(&newest))
    })
    .await;
    println!(
        "Messages tab to first rows of {MESSAGES}: {}",
        ms(clicked.elapsed())
    );

    println!(
        "jump scroll to row 5,000 until rows show: {}",
        ms(scroll_to_row(&app, 5_000).await)
    );
    // Each step lands on rows that were neither drawn nor fetched: a new block from Rust.
    let mut steps = Vec::new();
    for step in 1..=SCROLL_STEPS {
        steps.push(scroll_to_row(&app, 5_000 + step * SCROLL_STEP_ROWS).await);
    }
    steps.sort();
    println!(
        "scrolling on by {SCROLL_STEP_ROWS} rows, {SCROLL_STEPS} times, until rows show: median {} (max {})",
        ms(steps[SCROLL_STEPS / 2]),
        ms(steps[SCROLL_STEPS - 1])
    );
    let in_dom = app.texts("inbox-row").await.len();
    println!("inbox rows in the web view's DOM: {in_dom}");

    tokio::time::sleep(Duration::from_secs(2)).await;
    print_app_rss(&binary, &format!("with {MESSAGES} messages listed"));
    app.quit().await;
    relay.shutdown().await.unwrap();
}
