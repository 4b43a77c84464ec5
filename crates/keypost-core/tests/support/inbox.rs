//! Two (or three) vaults and a real relay on 127.0.0.1 for the inbox tests, reached through a
//! TCP proxy that can hold the mailbox acknowledgement (the relay's public URL is the proxy's,
//! so signatures name it), plus direct SQL on the relay's SQLite file: the malicious relay.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use super::tamper;
use keypost_core::contacts::{self, ContactCard};
use keypost_core::entry::EntryId;
use keypost_core::inbox::InboxClient;
use keypost_core::messages::{self, FetchReport};
use keypost_core::vault::{KdfParams, Vault};
use keypost_protocol::inbox::{AccountId, KeyBundle, MessageId};
use keypost_relay::{RelayConfig, RunningRelay};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tempfile::TempDir;
use time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

pub const PASSWORD: &str = "master";
const ACK: &[u8] = b"POST /api/v1/mailbox/ack";

/// Forwards every connection to the relay; while `hold_acks` is set, a request to
/// acknowledge is never forwarded and `ack_held` is notified.
pub struct Proxy {
    pub url: String,
    pub hold_acks: Arc<AtomicBool>,
    pub ack_held: Arc<Notify>,
}

impl Proxy {
    async fn bind() -> (Self, TcpListener) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Self {
            url: format!("http://{}", listener.local_addr().unwrap()),
            hold_acks: Arc::new(AtomicBool::new(false)),
            ack_held: Arc::new(Notify::new()),
        };
        (proxy, listener)
    }

    fn run(&self, listener: TcpListener, upstream: std::net::SocketAddr) {
        let hold = Arc::clone(&self.hold_acks);
        let held = Arc::clone(&self.ack_held);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(forward(
                    client,
                    upstream,
                    Arc::clone(&hold),
                    Arc::clone(&held),
                ));
            }
        });
    }
}

async fn forward(
    client: TcpStream,
    upstream: std::net::SocketAddr,
    hold: Arc<AtomicBool>,
    held: Arc<Notify>,
) {
    let relay = TcpStream::connect(upstream).await.unwrap();
    let (mut client_read, mut client_write) = client.into_split();
    let (mut relay_read, mut relay_write) = relay.into_split();
    tokio::spawn(async move {
        let _ = tokio::io::copy(&mut relay_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    });
    let mut buffer = vec![0; 256 * 1024];
    loop {
        let read = match client_read.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        if hold.load(Ordering::SeqCst) && buffer[..read].windows(ACK.len()).any(|w| w == ACK) {
            held.notify_one();
            std::future::pending::<()>().await;
        }
        if relay_write.write_all(&buffer[..read]).await.is_err() {
            break;
        }
    }
}

pub struct World {
    pub dir: TempDir,
    pub relay: RunningRelay,
    pub proxy: Proxy,
}

impl World {
    pub async fn new() -> Self {
        let dir = TempDir::new().unwrap();
        let (proxy, listener) = Proxy::bind().await;
        let mut config = RelayConfig::local(dir.path());
        // Email codes are read from the outbox.
        config.outbox = Some(dir.path().join("outbox"));
        config.public_url = Some(proxy.url.clone());
        let relay = keypost_relay::start(config).await.unwrap();
        proxy.run(listener, relay.local_addr());
        Self { dir, relay, proxy }
    }

    pub fn relay_db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("relay.db")).unwrap()
    }

    /// A new vault called `name` with the entries `(title, password)`, registered at the relay.
    pub async fn person(&self, name: &str, entries: &[(&str, &str)]) -> Person {
        let path = self.dir.path().join(format!("{name}.keypost"));
        let mut vault = Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap();
        for (title, password) in entries {
            vault
                .entries_mut()
                .add(keypost_core::entry_fields! {
                    title: (*title).into(),
                    username: name.to_lowercase(),
                    password: (*password).into(),
                    notes: "private notes".into(),
                    tags: vec!["private-tag".into()],
                })
                .unwrap();
        }
        let person = Person {
            path,
            vault: Mutex::new(Some(vault)),
            client: InboxClient::new(&self.proxy.url).unwrap(),
        };
        contacts::register(&person.vault, &person.client, name, None)
            .await
            .unwrap();
        person
    }

    /// The relay serves `sealed` in `mailbox` again, as a new deposit it says `depositor` made
    /// (what a malicious relay can do with any ciphertext it ever saw).
    pub fn serve(&self, mailbox: AccountId, depositor: AccountId, sealed: &[u8]) {
        tamper::serve_as_new(
            &self.relay_db(),
            mailbox.as_bytes(),
            depositor.as_bytes(),
            sealed,
        );
    }

    /// Every sealed message waiting in `mailbox`.
    pub fn waiting(&self, mailbox: AccountId) -> Vec<Vec<u8>> {
        let db = self.relay_db();
        let mut statement = db
            .prepare("SELECT sealed FROM mailbox_messages WHERE mailbox = ?1 ORDER BY seq")
            .unwrap();
        statement
            .query_map([mailbox.as_bytes().as_slice()], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap()
    }

    /// The relay drops the message `id` from its mailbox and keeps its sealed bytes.
    pub fn take(&self, id: MessageId) -> Vec<u8> {
        let db = self.relay_db();
        let (sealed, mailbox): (Vec<u8>, Vec<u8>) = db
            .query_row(
                "DELETE FROM mailbox_messages WHERE message_id = ?1 RETURNING sealed, mailbox",
                [id.as_bytes().as_slice()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        db.execute(
            "UPDATE accounts SET mailbox_count = mailbox_count - 1,
                 mailbox_bytes = mailbox_bytes - ?2 WHERE id = ?1",
            rusqlite::params![mailbox, i64::try_from(sealed.len()).unwrap()],
        )
        .unwrap();
        sealed
    }

    /// The relay answers with `bundle` when asked for `account`'s key.
    pub fn swap_bundle(&self, account: AccountId, bundle: &KeyBundle) {
        tamper::swap_bundle(&self.relay_db(), account.as_bytes(), bundle.as_bytes());
    }
}

/// One vault as an app holds it, and its client.
pub struct Person {
    pub path: PathBuf,
    pub vault: Mutex<Option<Vault>>,
    pub client: InboxClient,
}

impl Person {
    pub fn vault(&self) -> MutexGuard<'_, Option<Vault>> {
        self.vault.lock().unwrap()
    }

    pub fn with<R>(&self, step: impl FnOnce(&mut Vault) -> R) -> R {
        step(self.vault().as_mut().unwrap())
    }

    pub fn account(&self) -> AccountId {
        self.with(|vault| vault.contacts().account().unwrap().unwrap().account_id)
    }

    pub fn bundle(&self) -> KeyBundle {
        self.with(|vault| vault.identity().bundle().unwrap())
    }

    pub fn words(&self) -> Vec<String> {
        self.with(|vault| vault.identity().card().unwrap().unwrap().words)
    }

    pub fn entry_ids(&self) -> Vec<EntryId> {
        self.with(|vault| {
            vault
                .entries()
                .list(&Default::default())
                .unwrap()
                .iter()
                .map(|summary| summary.id)
                .collect()
        })
    }

    pub fn contact(&self, name: &str) -> ContactCard {
        self.with(|vault| vault.contacts().by_name(name).unwrap().card())
    }

    pub async fn fetch(&self) -> FetchReport {
        messages::fetch(&self.vault, &self.client, 0).await.unwrap()
    }

    pub fn close(&self) {
        drop(self.vault().take());
    }

    pub fn reopen(&self) {
        *self.vault() = Some(super::unlock_when_free(&self.path, PASSWORD));
    }
}

/// `inviter` invites `acceptor` (calling it `name`); the acceptor checks the inviter's words
/// and accepts; the inviter checks the acceptor's words and confirms; the acceptor fetches the
/// `connect`. Both end connected.
pub async fn connect(inviter: &Person, acceptor: &Person, name: &str) {
    let invite = contacts::invite(
        &inviter.vault,
        &inviter.client,
        name,
        None,
        "Let's share",
        Duration::days(3),
    )
    .await
    .unwrap();
    let open = contacts::open_invites(&inviter.vault).unwrap();
    assert_eq!(open.len(), 1, "listed to copy again");
    assert_eq!(open[0].invite_id, invite.invite_id);
    assert_eq!(open[0].link, invite.link, "the same link again");
    assert_eq!(open[0].message, invite.message);
    assert!(invite.message.contains(invite.link.as_str()));
    assert!(invite.message.contains(invite.code.as_str()));
    let me = contacts::me(&inviter.vault).unwrap().unwrap();
    assert!(invite.message.contains(&me.card.name), "says who invites");
    let preview = contacts::preview_invite(&acceptor.vault, &acceptor.client, &invite.link)
        .await
        .unwrap();
    assert_eq!(
        preview.words,
        inviter.words(),
        "the acceptor sees the inviter's words"
    );
    let card = contacts::accept_invite(&acceptor.vault, &acceptor.client, &preview, None)
        .await
        .unwrap();
    assert_eq!(card.state, contacts::ContactState::AwaitingConfirmation);

    let pending = contacts::pending(&inviter.vault, &inviter.client)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert!(
        contacts::open_invites(&inviter.vault).unwrap().is_empty(),
        "an answered invite needs confirming, not copying"
    );
    assert_eq!(pending[0].words.as_ref().unwrap(), &acceptor.words());
    let confirmed = pending[0].fingerprint.unwrap();
    let card = contacts::confirm(
        &inviter.vault,
        &inviter.client,
        pending[0].invite_id,
        &confirmed,
    )
    .await
    .unwrap();
    assert_eq!(card.state, contacts::ContactState::Connected);
    assert_eq!(card.words, acceptor.words());

    let report = acceptor.fetch().await;
    assert_eq!(report.connected.len(), 1, "{report:?}");
    assert_eq!(report.connected[0].state, contacts::ContactState::Connected);
    assert_eq!(report.connected[0].words, inviter.words());
}
