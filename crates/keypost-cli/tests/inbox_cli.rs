//! Contacts and the Messages inbox through the real binary: two (or three) vaults and a real
//! relay on 127.0.0.1. Register, connect by invite comparing the words, send, fetch, show,
//! save, export, follow delivery; requests and declines; verify, rename, remove and block; and
//! the exit codes of what must be refused (no terminal to ask on, wrong words). What a
//! malicious relay tries is in malicious_relay.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::prelude::*;
use support::{Fixture, Relay, alice_and_bob, send_args};

#[test]
fn connect_send_fetch_show_save_export_and_follow_delivery() {
    let relay = Relay::start();
    let (alice, bob, ids) = alice_and_bob(&relay);

    alice
        .keypost(&send_args(
            "Bob",
            &ids,
            &["--note", "The shop's accounts", "--yes"],
        ))
        .assert()
        .success();

    let inbox = bob.json(&["inbox", "--json"]);
    let messages = inbox.as_array().unwrap();
    assert_eq!(messages.len(), 1, "{inbox}");
    let message = &messages[0];
    assert_eq!(message["from"], "Alice");
    assert_eq!(message["note"], "The shop's accounts");
    assert_eq!(message["state"], "accepted");
    assert!(message["sent_at"].as_str().unwrap().starts_with("20"));
    assert_eq!(message["entries"].as_array().unwrap().len(), 2);
    let listed = inbox.to_string();
    assert!(
        !listed.contains("secret"),
        "inbox lists no passwords: {listed}"
    );
    let id = message["id"].as_str().unwrap();

    let hidden = bob.json(&["inbox", "show", id, "--json"]);
    assert!(!hidden.to_string().contains("secret"));
    let shown = bob.json(&["inbox", "show", id, "--reveal", "--json"]);
    let mut passwords: Vec<&str> = shown["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["password"].as_str().unwrap())
        .collect();
    passwords.sort_unstable();
    assert_eq!(passwords, ["b4nk-secret", "m4il=secret"]);

    bob.keypost(&["inbox", "save", id])
        .assert()
        .success()
        .stderr(predicate::str::contains("saved 2 entries"));
    assert_eq!(bob.json(&["ls", "--json"]).as_array().unwrap().len(), 2);

    let csv = bob.path("message.csv");
    bob.keypost(&["inbox", "export", id, "--format", "bitwarden", "--output"])
        .arg(&csv)
        .assert()
        .success();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("folder,favorite,type,name"), "{text}");
    assert!(text.contains("m4il=secret"));
    let pdf = bob.path("message.pdf");
    bob.keypost(&["inbox", "export", id, "--format", "pdf", "--output"])
        .arg(&pdf)
        .assert()
        .success();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));

    let sent = alice.json(&["sent", "--messages", "--json"]);
    assert_eq!(sent.as_array().unwrap().len(), 1, "{sent}");
    assert_eq!(sent[0]["to"], "Bob");
    assert_eq!(sent[0]["status"], "delivered", "{sent}");
    assert!(!sent.to_string().contains("secret"));
}

#[test]
fn people_verbs_and_the_exit_codes_of_refusals() {
    let relay = Relay::start();
    let (alice, bob, ids) = alice_and_bob(&relay);
    let alice_fingerprint = alice.json(&["id", "--json"])["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();

    // No terminal to ask on and no --yes: refused, nothing sent.
    alice
        .keypost(&send_args("Bob", &ids, &[]))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--yes"));
    // Confirming words that are not Bob's: not verified (exit 10), for send and for verify.
    alice
        .keypost(&send_args(
            "Bob",
            &ids,
            &["--fingerprint", &alice_fingerprint],
        ))
        .assert()
        .code(10);
    alice
        .keypost(&[
            "people",
            "verify",
            "Bob",
            "--fingerprint",
            &alice_fingerprint,
        ])
        .assert()
        .code(10);
    alice
        .keypost(&["people", "verify", "Bob", "--yes"])
        .assert()
        .success();
    let people = alice.json(&["people", "list", "--json"]);
    assert_eq!(people[0]["verified_how"], "words", "{people}");
    assert_eq!(alice.count(&["sent", "--messages", "--json"]), 0);

    alice
        .keypost(&["people", "rename", "Bob", "Robert"])
        .assert()
        .success();
    let people = alice.json(&["people", "list", "--json"]);
    assert_eq!(people[0]["name"], "Robert");
    assert_eq!(people[0]["state"], "connected");

    // Bob blocks Alice: the relay refuses her next deposit (exit 8). Then Alice removes Bob:
    // not a connected contact any more (exit 11).
    for (person, verb, name, state, code) in [
        (&bob, "block", "Alice", "blocked", 8),
        (&alice, "remove", "Robert", "removed", 11),
    ] {
        person.keypost(&["people", verb, name]).assert().success();
        assert_eq!(
            person.json(&["people", "list", "--json"])[0]["state"],
            state
        );
        alice
            .keypost(&send_args("Robert", &ids, &["--yes"]))
            .assert()
            .code(code);
    }
}

#[test]
fn an_invite_is_confirmed_or_rejected_by_its_id() {
    let relay = Relay::start();
    let alice = Fixture::new();
    let carol = Fixture::new();
    alice.register(&relay, "Alice");
    carol.register(&relay, "Carol");
    let invite = alice.json(&[
        "people",
        "invite",
        "--name",
        "Carol",
        "--expires",
        "12h",
        "--json",
    ]);
    carol
        .keypost(&["people", "accept", invite["link"].as_str().unwrap()])
        .assert()
        .success();
    let invite_id = invite["invite_id"].as_str().unwrap();
    // Alice compares Carol's words, but confirms other ones (her own): nothing is pinned.
    let pending = alice.json(&["people", "pending", "--json"]);
    assert_eq!(pending[0]["words"], carol.json(&["id", "--json"])["words"]);
    let alice_fingerprint = alice.json(&["id", "--json"])["fingerprint"].clone();
    alice
        .keypost(&["people", "confirm", invite_id, "--fingerprint"])
        .arg(alice_fingerprint.as_str().unwrap())
        .assert()
        .code(10);
    assert_eq!(alice.count(&["people", "list", "--json"]), 0);
    alice
        .keypost(&["people", "confirm", invite_id, "--reject"])
        .assert()
        .success();
    assert_eq!(alice.count(&["people", "pending", "--json"]), 0);
    assert_eq!(alice.count(&["people", "list", "--json"]), 0);
    alice
        .keypost(&["people", "invite", "--name", "X", "--expires", "9w"])
        .assert()
        .code(2);
}

/// Invite and message ids are base64url: one in 64 starts with `-` (several ids of
/// `inbox export` go after `--`).
#[test]
fn ids_starting_with_a_hyphen_are_ids_not_flags() {
    let relay = Relay::start();
    let alice = Fixture::new();
    alice.register(&relay, "Alice");
    let id = "-AAAAAAAAAAAAAAAAAAAAA";
    let pdf = alice.path("none.pdf");
    for args in [
        vec!["people", "confirm", id],
        vec!["inbox", "show", id, "--reveal", "--json"],
        vec!["inbox", "save", id],
        vec![
            "inbox",
            "export",
            "--format",
            "pdf",
            "--output",
            pdf.to_str().unwrap(),
            "--",
            id,
        ],
    ] {
        alice
            .keypost(&args)
            .assert()
            .code(5)
            .stderr(predicate::str::contains("not found"));
    }
}

#[test]
fn register_with_an_email_and_verify_it_with_the_emailed_code() {
    let relay = Relay::start();
    let ana = Fixture::new();
    let account = ana.json(&[
        "relay",
        "register",
        "--relay",
        &relay.url,
        "--name",
        "Ana",
        "--email",
        "ana@example.org",
        "--json",
    ]);
    assert_eq!(account["email"], "ana@example.org");
    assert_eq!(account["email_verified"], false);
    let code = relay.emailed_code();
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    ana.keypost(&["relay", "verify-email", "--code", wrong])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("tries left"));
    ana.keypost(&["relay", "verify-email", "--code", &code])
        .assert()
        .success()
        .stderr(predicate::str::contains("ana@example.org verified"));
}

#[test]
fn a_request_and_its_decline_are_listed_with_their_kind() {
    let relay = Relay::start();
    let (alice, bob, _) = alice_and_bob(&relay);
    let request = alice.json(&[
        "request",
        "--contact",
        "Bob",
        "--yes",
        "--json",
        "The alarm code, please",
    ]);
    assert_eq!(request["kind"], "request");
    assert_eq!(request["sequence"], 1);
    let request_id = request["id"].as_str().unwrap();

    let inbox = bob.json(&["inbox", "--json"]);
    assert_eq!(inbox.as_array().unwrap().len(), 1, "{inbox}");
    assert_eq!(inbox[0]["id"], request_id);
    assert_eq!(inbox[0]["kind"], "request");
    assert_eq!(inbox[0]["request_text"], "The alarm code, please");
    assert_eq!(inbox[0]["missing_before"], 0);
    assert_eq!(inbox[0]["entries"].as_array().unwrap().len(), 0);
    bob.keypost(&["inbox"])
        .assert()
        .success()
        .stdout(predicate::str::contains("asks for: The alarm code, please"));
    bob.keypost(&["inbox", "save", request_id])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds no entries"));

    let decline = bob.json(&["inbox", "decline", request_id, "--yes", "--json"]);
    assert_eq!(decline["kind"], "decline");
    assert_eq!(decline["declines"], request_id);
    let inbox = alice.json(&["inbox", "--json"]);
    assert_eq!(inbox[0]["kind"], "decline", "{inbox}");
    assert_eq!(inbox[0]["from"], "Bob");
    assert_eq!(inbox[0]["declines"], request_id);
    alice
        .keypost(&["inbox"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "declined your request {request_id}"
        )));
}

#[test]
fn a_message_the_relay_never_delivered_shows_as_missing() {
    let relay = Relay::start();
    let (alice, bob, ids) = alice_and_bob(&relay);
    for note in ["one", "two", "three"] {
        alice
            .keypost(&send_args("Bob", &ids, &["--note", note, "--yes"]))
            .assert()
            .success();
    }
    // The relay drops the second message.
    relay
        .db()
        .execute(
            "DELETE FROM mailbox_messages WHERE seq = (SELECT seq FROM mailbox_messages
             ORDER BY seq LIMIT 1 OFFSET 1)",
            [],
        )
        .unwrap();
    let inbox = bob.json(&["inbox", "--json"]);
    let mut gaps: Vec<(u64, u64)> = inbox
        .as_array()
        .unwrap()
        .iter()
        .map(|message| {
            (
                message["sequence"].as_u64().unwrap(),
                message["missing_before"].as_u64().unwrap(),
            )
        })
        .collect();
    gaps.sort_unstable();
    assert_eq!(gaps, [(1, 0), (3, 1)], "{inbox}");
    bob.keypost(&["inbox"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 earlier messages from Alice never arrived",
        ));
}
