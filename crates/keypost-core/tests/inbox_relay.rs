//! Contacts and the Messages inbox end to end: two (or three) vaults and a real relay on
//! 127.0.0.1. Connect by invite, send copies, fetch, save with undo, export, and what a
//! malicious relay can try: serving a message again, swapping a bundle, a message from an
//! unknown key. The relay's tampering is direct SQL on its SQLite file (support/inbox.rs).
//!
//! The kill test re-runs this test binary as the child process (as vault_processes.rs does).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use keypost_core::contacts::{self, ContactState};
use keypost_core::entries::BulkEdit;
use keypost_core::inbox::{InboxClient, InboxError};
use keypost_core::interchange::csv::CsvFormat;
use keypost_core::messages::{self, ExportFormat, MessageKind, MessageVerdict, SentStatus};
use keypost_core::vault::Vault;
use keypost_protocol::api::ErrorCode;
use keypost_protocol::inbox::payload::EntriesPayload;
use keypost_protocol::inbox::{MessageId, Payload, seal};
use keypost_protocol::pickup::EntrySnapshot;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use support::inbox::{PASSWORD, Person, World, connect};

const CHILD_ENV: &str = "KEYPOST_TEST_CHILD";
const VAULT_ENV: &str = "KEYPOST_TEST_VAULT";
const RELAY_ENV: &str = "KEYPOST_TEST_RELAY";

/// Alice and Bob, connected; Alice has two entries.
async fn alice_and_bob(world: &World) -> (Person, Person) {
    let alice = world
        .person("Alice", &[("Mail", "m4il=secret"), ("Bank", "b4nk-secret")])
        .await;
    let bob = world.person("Bob", &[]).await;
    connect(&alice, &bob, "Bob").await;
    (alice, bob)
}

/// Alice sends all her entries to Bob with a note, confirming Bob's pinned words.
async fn alice_sends(alice: &Person) -> messages::SentMessage {
    let confirmed = alice.contact("Bob").fingerprint;
    messages::send_to_contact(
        &alice.vault,
        &alice.client,
        "Bob",
        &confirmed,
        &alice.entry_ids(),
        "The shop's accounts",
        false,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn connect_send_fetch_save_undo_and_export() {
    let world = World::new().await;
    let (alice, bob) = alice_and_bob(&world).await;
    for (person, other) in [(&alice, "Bob"), (&bob, "Alice")] {
        let listed = contacts::list(&person.vault).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, other);
        assert_eq!(listed[0].state, ContactState::Connected);
    }

    let sent = alice_sends(&alice).await;
    assert_eq!(sent.status, SentStatus::Queued);
    assert_eq!(sent.to, "Bob");
    let report = bob.fetch().await;
    assert_eq!(report.accepted, 1, "{report:?}");
    assert_eq!(report.arrived.len(), 1, "what a notification may say");
    assert_eq!(report.arrived[0].id, sent.id);
    assert_eq!(report.arrived[0].from, "Alice");
    assert_eq!(report.arrived[0].entries, 2);
    assert_eq!(report.arrived[0].verdict, MessageVerdict::Accepted);

    let inbox = bob.with(|vault| messages::list(vault).unwrap());
    assert_eq!(inbox.len(), 1);
    let message = &inbox[0];
    assert_eq!(message.from, "Alice");
    assert_eq!(message.note, "The shop's accounts");
    assert_eq!(message.state, MessageVerdict::Accepted);
    assert_eq!(message.entries.len(), 2);
    assert!(
        message.entries.iter().all(|entry| entry.password.is_none()),
        "hidden"
    );
    assert!(
        message.entries.iter().all(|entry| entry.notes.is_empty()),
        "notes not asked for"
    );
    let shown = bob.with(|vault| messages::show(vault, message.id, true).unwrap());
    let mut passwords: Vec<_> = shown
        .entries
        .iter()
        .map(|entry| entry.password.clone().unwrap())
        .collect();
    passwords.sort();
    assert_eq!(passwords, ["b4nk-secret", "m4il=secret"]);
    // One entry revealed alone (the app's reveal and copy), the same as in the whole message.
    for (index, entry) in shown.entries.iter().enumerate() {
        let revealed = bob.with(|vault| messages::reveal(vault, message.id, index).unwrap());
        assert_eq!(revealed.password, entry.password);
        assert_eq!(revealed.title, entry.title);
    }
    let beyond = bob.with(|vault| messages::reveal(vault, message.id, 2).unwrap_err());
    assert_eq!(beyond.code(), "not_found");

    // Save: one undo step brings the vault back.
    let saved = bob.with(|vault| messages::save(vault, message.id, None).unwrap());
    assert_eq!(saved.len(), 2);
    assert_eq!(bob.entry_ids().len(), 2);
    let saved_entry = bob.with(|vault| vault.entries().get(saved[0]).unwrap());
    assert!(saved_entry.fields.tags.is_empty(), "tags never travel");
    let listed = bob.with(|vault| messages::show(vault, message.id, false).unwrap());
    assert_eq!(listed.saved_entry_ids, saved);
    bob.with(|vault| vault.entries_mut().undo().unwrap().unwrap());
    assert!(bob.entry_ids().is_empty());
    let listed = bob.with(|vault| messages::show(vault, message.id, false).unwrap());
    assert!(
        listed.saved_entry_ids.is_empty(),
        "an undone save can be made again"
    );

    // Export to every CSV format and the printable PDF, without saving.
    for format in CsvFormat::ALL {
        let exported = bob.with(|vault| {
            messages::export(vault, &[message.id], ExportFormat::Csv(format)).unwrap()
        });
        assert_eq!(exported.entries, 2);
        let text = String::from_utf8(exported.bytes.to_vec()).unwrap();
        assert!(text.contains("m4il=secret"), "{format:?}: {text}");
    }
    let pdf = bob.with(|vault| messages::export(vault, &[message.id], ExportFormat::Pdf).unwrap());
    assert_eq!(pdf.entries, 2);
    assert!(pdf.bytes.starts_with(b"%PDF"));

    // The sender edits and deletes the original: both copies stay as sent.
    let ids = alice.entry_ids();
    alice.with(|vault| {
        let mut fields = vault.entries().get(ids[0]).unwrap().fields;
        fields.password = "changed".into();
        vault.entries_mut().update(ids[0], fields).unwrap();
        vault
            .entries_mut()
            .bulk_edit(&ids, &BulkEdit::Delete)
            .unwrap();
    });
    let shown = bob.with(|vault| messages::show(vault, message.id, true).unwrap());
    assert!(
        shown
            .entries
            .iter()
            .any(|entry| entry.password.as_deref() == Some("m4il=secret"))
    );
    let log = messages::refresh_sent(&alice.vault, &alice.client)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, SentStatus::Delivered);
    let mut titles: Vec<_> = log[0]
        .entries
        .iter()
        .map(|entry| entry.title.clone())
        .collect();
    titles.sort();
    assert_eq!(titles, ["Bank", "Mail"]);
    assert_eq!(alice.contact("Bob").sent_count, 1);
    assert_eq!(bob.contact("Alice").received_count, 1);
}

#[tokio::test]
async fn a_message_served_again_is_shown_once_also_after_deletion() {
    let world = World::new().await;
    let (alice, bob) = alice_and_bob(&world).await;
    alice_sends(&alice).await;
    let sealed = world.waiting(bob.account());
    assert_eq!(sealed.len(), 1);
    assert_eq!(bob.fetch().await.accepted, 1);
    assert!(
        world.waiting(bob.account()).is_empty(),
        "acknowledged: gone"
    );

    world.serve(bob.account(), alice.account(), &sealed[0]);
    let report = bob.fetch().await;
    assert_eq!((report.accepted, report.replays), (0, 1), "{report:?}");
    let inbox = bob.with(|vault| messages::list(vault).unwrap());
    assert_eq!(inbox.len(), 1);

    bob.with(|vault| messages::delete(vault, inbox[0].id).unwrap());
    world.serve(bob.account(), alice.account(), &sealed[0]);
    let report = bob.fetch().await;
    assert_eq!((report.accepted, report.replays), (0, 1), "{report:?}");
    assert!(bob.with(|vault| messages::list(vault).unwrap()).is_empty());
    assert!(world.waiting(bob.account()).is_empty());
}

#[tokio::test]
async fn a_changed_bundle_blocks_sending_until_the_new_words_are_confirmed() {
    let world = World::new().await;
    let (alice, bob) = alice_and_bob(&world).await;
    let mallory = world.person("Mallory", &[]).await;
    world.swap_bundle(bob.account(), &mallory.bundle());

    let pinned = alice.contact("Bob").fingerprint;
    let ids = alice.entry_ids();
    let refused =
        messages::send_to_contact(&alice.vault, &alice.client, "Bob", &pinned, &ids, "", false)
            .await;
    assert!(
        matches!(refused, Err(InboxError::KeyChanged { .. })),
        "{refused:?}"
    );
    assert_eq!(refused.unwrap_err().code(), "key_changed");
    let card = alice.contact("Bob");
    assert_eq!(card.state, ContactState::KeyChanged);
    assert_eq!(card.words, bob.words(), "the pinned words stay");
    assert_eq!(card.changed_words.unwrap(), mallory.words());
    let again =
        messages::send_to_contact(&alice.vault, &alice.client, "Bob", &pinned, &ids, "", false)
            .await;
    assert!(
        matches!(again, Err(InboxError::KeyChanged { .. })),
        "{again:?}"
    );
    assert!(
        alice
            .with(|vault| messages::sent(vault).unwrap())
            .is_empty(),
        "nothing sealed"
    );

    // Confirming the old words does not unblock; a wrong fingerprint is "not verified".
    let old = contacts::verify(&alice.vault, "Bob", &pinned);
    assert!(
        matches!(old, Err(InboxError::NotVerified { .. })),
        "{old:?}"
    );
    assert_eq!(old.unwrap_err().code(), "not_verified");
    // Mallory's messages to Alice's mailbox would be held (content never saved).
    let sealed = sealed_by(&mallory, &alice, &entries(1, ""));
    world.serve(alice.account(), mallory.account(), &sealed);
    let report = alice.fetch().await;
    assert_eq!(report.held, 1, "{report:?}");
    assert_eq!(report.arrived.len(), 1, "{report:?}");
    assert_eq!(
        report.arrived[0].from, "Bob",
        "the contact whose key changed"
    );
    assert_eq!(report.arrived[0].verdict, MessageVerdict::Held);
    let inbox = alice.with(|vault| messages::list(vault).unwrap());
    assert_eq!(inbox[0].state, MessageVerdict::Held);
    let saved = alice.with(|vault| messages::save(vault, inbox[0].id, None));
    assert!(matches!(saved, Err(InboxError::Held)), "{saved:?}");
}

#[tokio::test]
async fn a_message_from_an_unknown_key_is_quarantined() {
    let world = World::new().await;
    let (_alice, bob) = alice_and_bob(&world).await;
    let carol = world.person("Carol", &[]).await;
    let sealed = sealed_by(&carol, &bob, &entries(1, "trust me"));
    world.serve(bob.account(), carol.account(), &sealed);
    let report = bob.fetch().await;
    assert_eq!((report.accepted, report.quarantined), (0, 1), "{report:?}");
    assert!(report.arrived.is_empty(), "nothing to announce");
    assert!(bob.with(|vault| messages::list(vault).unwrap()).is_empty());
    assert_eq!(
        bob.with(|vault| messages::dropped(vault).unwrap()),
        messages::DroppedCounts {
            quarantined: 1,
            rejected: 0
        }
    );

    // Sealed to Bob's key but served to Carol: not for her, dropped without content.
    world.serve(carol.account(), carol.account(), &sealed);
    let report = carol.fetch().await;
    assert_eq!((report.not_for_me, report.rejected), (1, 0), "{report:?}");
}

/// `person` seals `payload` to `to`'s key under a fresh message id.
fn sealed_by(person: &Person, to: &Person, payload: &Payload) -> Vec<u8> {
    person.with(|vault| {
        let me = vault.identity().get().unwrap().unwrap();
        seal(
            &me,
            &to.bundle(),
            MessageId::random(),
            1_800_000_000,
            payload,
        )
        .unwrap()
    })
}

fn entries(sequence: u64, note: &str) -> Payload {
    Payload::Entries(EntriesPayload {
        sequence,
        sender_name: "Bob".into(),
        note: note.into(),
        entries: vec![EntrySnapshot::default()],
    })
}

#[tokio::test]
async fn the_depositor_decides_held_or_quarantined_never_trust() {
    let world = World::new().await;
    let (alice, bob) = alice_and_bob(&world).await;
    let carol = world.person("Carol", &[]).await;

    // Bob's own message, which the relay says Carol deposited: the pinned key decides.
    world.serve(
        alice.account(),
        carol.account(),
        &sealed_by(&bob, &alice, &entries(1, "hi")),
    );
    let report = alice.fetch().await;
    assert_eq!((report.accepted, report.held), (1, 0), "{report:?}");
    assert_eq!(alice.contact("Bob").state, ContactState::Connected);

    // A new key (Bob on a new vault, or an attacker) deposited from Bob's account: held, and
    // Bob's key is marked changed with the new key's words, so sending to Bob stops.
    let new_key = world.person("Bob on a new laptop", &[]).await;
    world.serve(
        alice.account(),
        bob.account(),
        &sealed_by(&new_key, &alice, &entries(1, "new")),
    );
    let report = alice.fetch().await;
    assert_eq!((report.held, report.quarantined), (1, 0), "{report:?}");
    let card = alice.contact("Bob");
    assert_eq!(card.state, ContactState::KeyChanged);
    assert_eq!(card.words, bob.words(), "the pinned words stay");
    assert_eq!(card.changed_words.unwrap(), new_key.words());
    let inbox = alice.with(|vault| messages::list(vault).unwrap());
    let held = inbox.iter().find(|message| message.note == "new").unwrap();
    assert_eq!(held.state, MessageVerdict::Held);
    assert_eq!(held.from, "Bob");
    let saved = alice.with(|vault| messages::save(vault, held.id, None));
    assert!(matches!(saved, Err(InboxError::Held)), "{saved:?}");
    let pinned = card.fingerprint;
    let ids = alice.entry_ids();
    let refused =
        messages::send_to_contact(&alice.vault, &alice.client, "Bob", &pinned, &ids, "", false)
            .await;
    assert!(
        matches!(refused, Err(InboxError::KeyChanged { .. })),
        "{refused:?}"
    );

    // The same unknown key deposited from an account that is no contact: quarantined.
    let dave = world.person("Dave", &[]).await;
    world.serve(
        dave.account(),
        carol.account(),
        &sealed_by(&new_key, &dave, &entries(1, "x")),
    );
    let report = dave.fetch().await;
    assert_eq!((report.held, report.quarantined), (0, 1), "{report:?}");
}

#[tokio::test]
async fn sequence_gaps_are_shown_and_a_number_is_accepted_once() {
    let world = World::new().await;
    let (alice, bob) = alice_and_bob(&world).await;
    let mut sent = Vec::new();
    for _ in 0..3 {
        sent.push(alice_sends(&alice).await);
    }
    let numbers: Vec<_> = sent.iter().map(|message| message.sequence).collect();
    assert_eq!(numbers, [Some(1), Some(2), Some(3)]);
    // The relay drops the second message (and keeps a copy).
    let dropped = world.take(sent[1].id);
    assert_eq!(bob.fetch().await.accepted, 2);
    let gaps = |person: &Person| -> Vec<(Option<u64>, u64)> {
        let mut listed: Vec<_> = person
            .with(|vault| messages::list(vault).unwrap())
            .iter()
            .map(|message| (message.sequence, message.missing_before))
            .collect();
        listed.sort_unstable();
        listed
    };
    assert_eq!(
        gaps(&bob),
        [(Some(1), 0), (Some(3), 1)],
        "one missing before 3"
    );

    // Alice's key signs a new message with a number Bob already has: dropped.
    world.serve(
        bob.account(),
        alice.account(),
        &sealed_by(&alice, &bob, &entries(3, "again")),
    );
    let report = bob.fetch().await;
    assert_eq!((report.accepted, report.replays), (0, 1), "{report:?}");
    // The dropped message arrives late: accepted once, and the gap closes.
    world.serve(bob.account(), alice.account(), &dropped);
    assert_eq!(bob.fetch().await.accepted, 1);
    assert_eq!(gaps(&bob), [(Some(1), 0), (Some(2), 0), (Some(3), 0)]);
    world.serve(bob.account(), alice.account(), &dropped);
    let report = bob.fetch().await;
    assert_eq!((report.accepted, report.replays), (0, 1), "{report:?}");
    // Deleting a message keeps its number: no gap opens, and the number stays used.
    bob.with(|vault| messages::delete(vault, sent[1].id).unwrap());
    assert_eq!(gaps(&bob), [(Some(1), 0), (Some(3), 0)]);
    world.serve(
        bob.account(),
        alice.account(),
        &sealed_by(&alice, &bob, &entries(2, "late")),
    );
    assert_eq!(bob.fetch().await.replays, 1);
}

#[tokio::test]
async fn requests_and_declines_are_listed_with_their_kind() {
    let world = World::new().await;
    let (alice, bob) = alice_and_bob(&world).await;
    let to_bob = alice.contact("Bob").fingerprint;
    let request = messages::request_from_contact(
        &alice.vault,
        &alice.client,
        "Bob",
        &to_bob,
        "The alarm code, please",
    )
    .await
    .unwrap();
    assert_eq!(request.kind, MessageKind::Request);
    assert_eq!(request.sequence, Some(1));
    assert_eq!(bob.fetch().await.accepted, 1);
    let inbox = bob.with(|vault| messages::list(vault).unwrap());
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].id, request.id);
    assert_eq!(inbox[0].kind, MessageKind::Request);
    assert_eq!(
        inbox[0].request_text.as_deref(),
        Some("The alarm code, please")
    );
    assert!(inbox[0].entries.is_empty());
    let saved = bob.with(|vault| messages::save(vault, request.id, None));
    assert_eq!(saved.unwrap_err().code(), "invalid_input");
    let exported = bob
        .with(|vault| messages::export(vault, &[request.id], ExportFormat::Csv(CsvFormat::ALL[0])));
    assert_eq!(exported.unwrap_err().code(), "invalid_input");

    let to_alice = bob.contact("Alice").fingerprint;
    let decline = messages::decline_request(&bob.vault, &bob.client, &to_alice, request.id)
        .await
        .unwrap();
    assert_eq!(
        (decline.kind, decline.declines),
        (MessageKind::Decline, Some(request.id))
    );
    // Only a request can be declined.
    let declined_twice =
        messages::decline_request(&bob.vault, &bob.client, &to_alice, decline.id).await;
    assert_eq!(declined_twice.unwrap_err().code(), "not_found");
    assert_eq!(alice.fetch().await.accepted, 1);
    let inbox = alice.with(|vault| messages::list(vault).unwrap());
    assert_eq!(inbox[0].kind, MessageKind::Decline);
    assert_eq!(inbox[0].declines, Some(request.id));
    assert_eq!(inbox[0].from, "Bob");
    // Alice's sent log keeps the request as sent.
    let log = alice.with(|vault| messages::sent(vault).unwrap());
    assert_eq!(
        log[0].request_text.as_deref(),
        Some("The alarm code, please")
    );
}

#[tokio::test]
async fn removing_a_contact_refuses_their_next_deposit() {
    let world = World::new().await;
    let (alice, bob) = alice_and_bob(&world).await;
    let card = contacts::remove(&bob.vault, &bob.client, "Alice")
        .await
        .unwrap();
    assert_eq!(card.state, ContactState::Removed);
    let confirmed = alice.contact("Bob").fingerprint;
    let refused = messages::send_to_contact(
        &alice.vault,
        &alice.client,
        "Bob",
        &confirmed,
        &alice.entry_ids(),
        "",
        false,
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(InboxError::Refused {
                code: ErrorCode::GrantRefused,
                ..
            })
        ),
        "{refused:?}"
    );
    assert_eq!(refused.unwrap_err().code(), "relay_refused");
    let log = alice.with(|vault| messages::sent(vault).unwrap());
    assert_eq!(log[0].status, SentStatus::Refused);
    // Bob sends nothing to a removed contact either.
    let pinned = bob.contact("Alice").fingerprint;
    let refused =
        messages::send_to_contact(&bob.vault, &bob.client, "Alice", &pinned, &[], "", false).await;
    assert!(
        matches!(refused, Err(InboxError::NotConnected { .. })),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_kill_between_the_vault_commit_and_the_acknowledgement_delivers_once() {
    if std::env::var_os(CHILD_ENV).is_some() {
        let path = PathBuf::from(std::env::var_os(VAULT_ENV).unwrap());
        let client = InboxClient::new(&std::env::var(RELAY_ENV).unwrap()).unwrap();
        let slot = Mutex::new(Some(Vault::unlock(&path, PASSWORD).unwrap()));
        let outcome = messages::fetch(&slot, &client, 0).await;
        panic!("the parent should have killed this process, but the fetch ended: {outcome:?}");
    }
    let world = World::new().await;
    let (alice, bob) = alice_and_bob(&world).await;
    alice_sends(&alice).await;
    let mailbox = bob.account();
    bob.close();
    world.proxy.hold_acks.store(true, Ordering::SeqCst);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "a_kill_between_the_vault_commit_and_the_acknowledgement_delivers_once",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .env(VAULT_ENV, &bob.path)
        .env(RELAY_ENV, &world.proxy.url)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    world.proxy.ack_held.notified().await;
    child.kill().unwrap();
    child.wait().unwrap();
    world.proxy.hold_acks.store(false, Ordering::SeqCst);
    assert_eq!(world.waiting(mailbox).len(), 1, "never acknowledged");

    bob.reopen();
    assert_eq!(
        bob.with(|vault| messages::list(vault).unwrap()).len(),
        1,
        "committed"
    );
    let report = bob.fetch().await;
    assert_eq!((report.accepted, report.replays), (0, 1), "{report:?}");
    assert_eq!(
        bob.with(|vault| messages::list(vault).unwrap()).len(),
        1,
        "once"
    );
    assert!(world.waiting(bob.account()).is_empty());
}

#[tokio::test]
async fn the_inbox_is_read_a_window_at_a_time_newest_first_with_a_contact_filter() {
    let world = World::new().await;
    let (alice, bob) = alice_and_bob(&world).await;
    let carol = world.person("Carol", &[("Wi-Fi", "w1fi-secret")]).await;
    connect(&carol, &bob, "Bob").await;
    for _ in 0..3 {
        alice_sends(&alice).await;
    }
    let confirmed = carol.contact("Bob").fingerprint;
    messages::send_to_contact(
        &carol.vault,
        &carol.client,
        "Bob",
        &confirmed,
        &carol.entry_ids(),
        "",
        false,
    )
    .await
    .unwrap();
    assert_eq!(bob.fetch().await.accepted, 4);

    let ids = |messages: &[messages::InboxMessage]| -> Vec<MessageId> {
        messages.iter().map(|message| message.id).collect()
    };
    let mut newest_first = bob.with(|vault| ids(&messages::list(vault).unwrap()));
    newest_first.reverse();
    let first = bob.with(|vault| messages::page(vault, None, 0, 3).unwrap());
    let rest = bob.with(|vault| messages::page(vault, None, 3, 3).unwrap());
    assert_eq!((first.total, rest.total), (4, 4));
    assert_eq!(
        [ids(&first.messages), ids(&rest.messages)].concat(),
        newest_first
    );
    assert!(
        first.messages[0].entries[0].password.is_none(),
        "passwords hidden"
    );

    let alices = bob.with(|vault| messages::page(vault, Some("Alice"), 0, 10).unwrap());
    assert_eq!(alices.total, 3);
    assert!(
        alices
            .messages
            .iter()
            .all(|message| message.from == "Alice")
    );
    let carols = bob.with(|vault| messages::page(vault, Some("Carol"), 1, 10).unwrap());
    assert_eq!((carols.total, carols.messages.len()), (1, 0));
    let nobody = bob.with(|vault| messages::page(vault, Some("Mallory"), 0, 10).unwrap());
    assert_eq!((nobody.total, nobody.messages.len()), (0, 0));

    bob.with(|vault| messages::delete(vault, newest_first[0]).unwrap());
    let after = bob.with(|vault| messages::page(vault, None, 0, 10).unwrap());
    assert_eq!(after.total, 3, "a deleted message is not listed");
    assert_eq!(ids(&after.messages), newest_first[1..]);
}

#[tokio::test]
async fn an_opened_message_stays_read_after_the_vault_is_locked_and_opened_again() {
    let world = World::new().await;
    let (alice, bob) = alice_and_bob(&world).await;
    alice_sends(&alice).await;
    alice_sends(&alice).await;
    assert_eq!(bob.fetch().await.accepted, 2);
    let page = bob.with(|vault| messages::page(vault, None, 0, 10).unwrap());
    assert!(
        page.messages.iter().all(|message| !message.read),
        "new on arrival"
    );
    let (opened, other) = (page.messages[0].id, page.messages[1].id);

    // Showing (a list, an export, a reveal) reads; opening marks read.
    bob.with(|vault| messages::show(vault, opened, false).unwrap());
    assert!(!bob.with(|vault| messages::show(vault, opened, false).unwrap().read));
    let shown = bob.with(|vault| messages::open(vault, opened).unwrap());
    assert!(shown.read);
    assert_eq!(shown.entries.len(), 2, "opened like show, passwords hidden");
    assert!(shown.entries.iter().all(|entry| entry.password.is_none()));

    bob.close();
    bob.reopen();
    let page = bob.with(|vault| messages::page(vault, None, 0, 10).unwrap());
    let read: Vec<(MessageId, bool)> = page
        .messages
        .iter()
        .map(|message| (message.id, message.read))
        .collect();
    assert_eq!(read, vec![(opened, true), (other, false)]);
    // Opening again changes nothing.
    assert!(bob.with(|vault| messages::open(vault, opened).unwrap().read));
}
