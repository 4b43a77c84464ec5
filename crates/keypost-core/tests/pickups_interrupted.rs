//! A send interrupted between the deposit and the vault's final write still leaves a pickup the
//! sender can follow and revoke: the owner token was recorded (pending) before the relay was
//! asked. The relay is real (in process); a small TCP proxy in front of it holds the relay's
//! answer, so the interruption happens exactly after the relay stored the pickup.
//!
//! The kill test re-runs this test binary as the child process (as vault_processes.rs does):
//! when `KEYPOST_TEST_CHILD` is set, the same test function plays the child's part.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use keypost_core::entry::EntryId;
use keypost_core::pickups::{self, PickupError, RelayClient, SendOptions, SentState};
use keypost_core::vault::{KdfParams, Vault};
use keypost_protocol::api::pickups::PickupState;
use keypost_relay::{RelayConfig, RunningRelay};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

use support::{all_entry_ids, child_process, child_vault_path, sent_pickups, unlock_when_free};

const PASSWORD: &str = "master";
const RELAY_ENV: &str = "KEYPOST_TEST_RELAY";

/// Forwards connections to the relay, but keeps the relay's answers until [`Proxy::release`].
struct Proxy {
    url: String,
    /// Notified when the first answer from the relay arrives (the relay has acted by then).
    answered: Arc<Notify>,
    release: watch::Sender<bool>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Self {
        Self::start_with(upstream, false).await
    }

    /// Like [`Proxy::start`], but the first request never reaches the relay: [`Proxy::answered`]
    /// is notified when it arrives at the proxy, and the connection is dropped on release.
    async fn start_losing_first_request(upstream: SocketAddr) -> Self {
        Self::start_with(upstream, true).await
    }

    async fn start_with(upstream: SocketAddr, lose_first: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let answered = Arc::new(Notify::new());
        let (release, released) = watch::channel(false);
        let notify = Arc::clone(&answered);
        tokio::spawn(async move {
            let mut lose = lose_first;
            while let Ok((client, _)) = listener.accept().await {
                if std::mem::take(&mut lose) {
                    tokio::spawn(lose_request(client, Arc::clone(&notify), released.clone()));
                    continue;
                }
                tokio::spawn(forward(
                    client,
                    upstream,
                    Arc::clone(&notify),
                    released.clone(),
                ));
            }
        });
        Self {
            url,
            answered,
            release,
        }
    }

    fn release(&self) {
        self.release.send_replace(true);
    }
}

async fn lose_request(
    mut client: TcpStream,
    arrived: Arc<Notify>,
    mut released: watch::Receiver<bool>,
) {
    let mut buffer = vec![0; 64 * 1024];
    if client.read(&mut buffer).await.is_ok() {
        arrived.notify_one();
    }
    let _ = released.wait_for(|released| *released).await;
}

async fn forward(
    client: TcpStream,
    upstream: SocketAddr,
    answered: Arc<Notify>,
    mut released: watch::Receiver<bool>,
) {
    let relay = TcpStream::connect(upstream).await.unwrap();
    let (mut client_read, mut client_write) = client.into_split();
    let (mut relay_read, mut relay_write) = relay.into_split();
    tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut relay_write).await;
        let _ = relay_write.shutdown().await;
    });
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = match relay_read.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        answered.notify_one();
        if released.wait_for(|released| *released).await.is_err() {
            break;
        }
        if client_write.write_all(&buffer[..read]).await.is_err() {
            break;
        }
    }
    let _ = client_write.shutdown().await;
}

fn options() -> SendOptions {
    support::send_options("", "24680")
}

/// A relay and a vault with one entry (the vault closed again, at `vault_path`).
async fn setup(dir: &TempDir) -> (RunningRelay, PathBuf, Vec<EntryId>) {
    let config = RelayConfig {
        outbox: Some(dir.path().join("outbox")),
        ..RelayConfig::local(dir.path())
    };
    let relay = keypost_relay::start(config).await.unwrap();
    let path = dir.path().join("vault.keypost");
    let mut vault = Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap();
    let entry = vault
        .entries_mut()
        .add(keypost_core::entry_fields! {
            title: "Mail".into(),
            password: "m4il=secret".into(),
        })
        .unwrap();
    (relay, path, vec![entry.id])
}

fn emails(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("outbox")).map_or(0, Iterator::count)
}

/// After the interruption: the pickup is listed (pending), a refresh finds it on the relay
/// and marks it sent, and revoking it works.
async fn assert_followable_and_revocable(slot: &Mutex<Option<Vault>>) {
    let listed = sent_pickups(slot);
    assert_eq!(listed.len(), 1, "{listed:?}");
    let pending = &listed[0];
    assert_eq!(pending.state, SentState::Pending);
    assert_eq!(pending.pin, "24680");
    assert_eq!(pending.entry_titles, ["Mail"]);

    let status = pickups::refresh_status(slot, &pending.id).await.unwrap();
    assert_eq!(status.state, PickupState::Active);
    let listed = sent_pickups(slot);
    assert_eq!(listed[0].state, SentState::Sent, "the relay knows it: sent");
    assert!(listed[0].emailed);

    pickups::revoke(slot, &pending.id).await.unwrap();
    let status = pickups::refresh_status(slot, &pending.id).await.unwrap();
    assert_eq!(status.state, PickupState::Revoked);
}

#[tokio::test]
async fn locking_during_the_deposit_leaves_a_pickup_to_follow_and_revoke() {
    let dir = TempDir::new().unwrap();
    let (relay, path, ids) = setup(&dir).await;
    let proxy = Proxy::start(relay.local_addr()).await;
    let client = RelayClient::new(&proxy.url).unwrap();
    let slot = Mutex::new(Some(unlock_when_free(&path, PASSWORD)));

    let options = options();
    let (sent, ()) = tokio::join!(pickups::send(&slot, &client, &ids, &options), async {
        proxy.answered.notified().await;
        // The relay has stored the pickup; the person locks before the app hears back.
        drop(slot.lock().unwrap().take());
        proxy.release();
    });
    assert!(matches!(sent, Err(PickupError::Locked(_))), "{sent:?}");
    assert_eq!(emails(dir.path()), 1, "the relay emailed the link");

    *slot.lock().unwrap() = Some(unlock_when_free(&path, PASSWORD));
    assert_followable_and_revocable(&slot).await;
}

#[tokio::test]
async fn a_process_killed_after_the_deposit_leaves_a_pickup_to_follow_and_revoke() {
    if let Some(path) = child_vault_path() {
        // Child: send through the proxy; the parent kills us while the answer is held.
        let url = std::env::var(RELAY_ENV).unwrap();
        let vault = Vault::unlock(&path, PASSWORD).unwrap();
        let ids = all_entry_ids(&vault);
        let slot = Mutex::new(Some(vault));
        let client = RelayClient::new(&url).unwrap();
        let outcome = pickups::send(&slot, &client, &ids, &options()).await;
        panic!("the parent should have killed this process, but the send ended: {outcome:?}");
    }
    let dir = TempDir::new().unwrap();
    let (relay, path, _) = setup(&dir).await;
    let proxy = Proxy::start(relay.local_addr()).await;
    let mut child = child_process(
        "a_process_killed_after_the_deposit_leaves_a_pickup_to_follow_and_revoke",
        &path,
    )
    .env(RELAY_ENV, &proxy.url)
    .stdout(Stdio::null())
    .spawn()
    .unwrap();
    proxy.answered.notified().await;
    // The relay has stored the pickup; the sender dies before it hears back.
    child.kill().unwrap();
    child.wait().unwrap();
    proxy.release();
    assert_eq!(emails(dir.path()), 1, "the relay emailed the link");

    let slot = Mutex::new(Some(unlock_when_free(&path, PASSWORD)));
    assert_followable_and_revocable(&slot).await;
}

#[tokio::test]
async fn a_deposit_the_relay_never_received_is_shown_as_not_sent() {
    let dir = TempDir::new().unwrap();
    let (relay, path, ids) = setup(&dir).await;
    let proxy = Proxy::start_losing_first_request(relay.local_addr()).await;
    let client = RelayClient::new(&proxy.url).unwrap();
    let slot = Mutex::new(Some(unlock_when_free(&path, PASSWORD)));
    // The app stops while its request is on the way and never arrives.
    let options = options();
    tokio::select! {
        sent = pickups::send(&slot, &client, &ids, &options) => panic!("{sent:?}"),
        () = proxy.answered.notified() => {}
    }
    proxy.release();
    assert_eq!(emails(dir.path()), 0);
    let listed = sent_pickups(&slot);
    assert_eq!(listed[0].state, SentState::Pending);
    let id = listed[0].id.clone();

    let refreshed = pickups::refresh_status(&slot, &id).await;
    assert!(
        matches!(refreshed, Err(PickupError::NotSent)),
        "{refreshed:?}"
    );
    let listed = sent_pickups(&slot);
    assert_eq!(listed[0].state, SentState::NotSent, "the Sent list says so");
    let revoked = pickups::revoke(&slot, &id).await;
    assert!(matches!(revoked, Err(PickupError::NotSent)), "{revoked:?}");
    pickups::forget(&slot, &id).unwrap();
    assert!(sent_pickups(&slot).is_empty(), "forgotten");
}

#[tokio::test]
async fn a_refused_deposit_leaves_nothing_behind() {
    let dir = TempDir::new().unwrap();
    let (_relay, path, ids) = setup(&dir).await;
    let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = RelayClient::new(&format!("http://{}", unused.local_addr().unwrap())).unwrap();
    drop(unused);
    let slot = Mutex::new(Some(unlock_when_free(&path, PASSWORD)));
    // Nothing listens there: the connection is refused, so no relay has anything.
    let sent = pickups::send(&slot, &client, &ids, &options()).await;
    assert!(
        matches!(
            sent,
            Err(PickupError::Unreachable {
                connected: false,
                ..
            })
        ),
        "{sent:?}"
    );
    let listed = sent_pickups(&slot);
    assert!(listed.is_empty(), "{listed:?}");
}
