//! The malicious relay, driven through the real `keypost` binary against a real relay on
//! 127.0.0.1: what the relay serves is changed by a rewriting proxy between the binary and the
//! relay (support/rewriting_proxy.rs), or by direct SQL on the relay's SQLite file. Each test
//! names what the relay does and what the vaults must make of it: swapped offer, swapped
//! answer, swapped bundle, a deposit copied into a third mailbox, an acknowledged message
//! served again, a leaked invite accepted by a third vault.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::Method;
use keypost_protocol::b64;
use predicates::prelude::*;
use serde_json::Value;
use support::{Fixture, Relay, alice_and_bob, send_args};

/// A fresh vault registered at `relay` as `name`.
fn person(relay: &Relay, name: &str) -> Fixture {
    let person = Fixture::new();
    person.register(relay, name);
    person
}

fn text(value: &Value) -> String {
    value.as_str().unwrap().to_owned()
}

/// A column of the invite `invite_id` (base64url) as the relay stores it, in base64url.
fn stored_invite_column(relay: &Relay, invite_id: &str, column: &str) -> String {
    let bytes: Vec<u8> = relay
        .db()
        .query_row(
            &format!("SELECT {column} FROM invites WHERE id = ?1"),
            [b64::decode(invite_id).unwrap()],
            |row| row.get(0),
        )
        .unwrap();
    b64::encode(&bytes)
}

#[test]
fn a_swapped_offer_is_refused_as_altered_and_makes_no_contact() {
    let relay = Relay::start_behind_proxy();
    let alice = person(&relay, "Alice");
    let bob = person(&relay, "Bob");
    let mallory = person(&relay, "Mallory");
    let invite = alice.json(&["people", "invite", "--name", "Bob", "--json"]);
    let invite_id = text(&invite["invite_id"]);
    let mallorys = mallory.json(&["people", "invite", "--name", "Bob", "--json"]);
    let mallory_offer = stored_invite_column(&relay, &text(&mallorys["invite_id"]), "sealed_offer");

    // The relay answers Alice's invite with Mallory's offer (Mallory's key and name).
    relay.proxy().rewrite_answer_json(
        Method::GET,
        &format!("/api/v1/invites/{invite_id}"),
        move |offer| offer["sealed_offer"] = Value::String(mallory_offer.clone()),
    );
    bob.keypost(&["people", "accept", &text(&invite["link"]), "--json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("changed on the way"));
    assert_eq!(
        relay.proxy().rewritten(),
        1,
        "the offer went through the rule"
    );
    assert_eq!(bob.count(&["people", "list", "--json"]), 0, "no contact");

    // The same link, served honestly, shows Alice's words.
    relay.proxy().clear();
    let accepted = bob.json(&["people", "accept", &text(&invite["link"]), "--json"]);
    assert_eq!(accepted["words"], alice.json(&["id", "--json"])["words"]);
}

#[test]
fn a_swapped_answer_is_refused_at_confirm() {
    let relay = Relay::start_behind_proxy();
    let alice = person(&relay, "Alice");
    let bob = person(&relay, "Bob");
    let mallory = person(&relay, "Mallory");
    let for_bob = alice.json(&["people", "invite", "--name", "Bob", "--json"]);
    let for_mallory = alice.json(&["people", "invite", "--name", "Mallory", "--json"]);
    bob.json(&["people", "accept", &text(&for_bob["link"]), "--json"]);
    mallory.json(&["people", "accept", &text(&for_mallory["link"]), "--json"]);
    let bob_invite = text(&for_bob["invite_id"]);
    let mallory_answer =
        stored_invite_column(&relay, &text(&for_mallory["invite_id"]), "sealed_answer");

    // The relay lists Mallory's answer (to Alice's other invite) as the answer to Bob's.
    let swapped = bob_invite.clone();
    relay
        .proxy()
        .rewrite_answer_json(Method::GET, "/api/v1/invites", move |list| {
            for invite in list["invites"].as_array_mut().unwrap() {
                if invite["invite_id"] == swapped.as_str() {
                    invite["sealed_answer"] = Value::String(mallory_answer.clone());
                }
            }
        });
    let pending = alice.json(&["people", "pending", "--json"]);
    let row = pending
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["invite_id"] == bob_invite.as_str())
        .unwrap();
    assert_eq!(row["problem"], "invite_altered", "{pending}");
    assert!(row["words"].is_null(), "no words to compare: {pending}");

    alice
        .keypost(&["people", "confirm", &bob_invite])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be trusted"));
    // Even naming Bob's real fingerprint: the answer kept is the altered one.
    let bob_fingerprint = text(&bob.json(&["id", "--json"])["fingerprint"]);
    alice
        .keypost(&[
            "people",
            "confirm",
            &bob_invite,
            "--fingerprint",
            &bob_fingerprint,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("changed on the way"));
    assert_eq!(
        alice.count(&["people", "list", "--json"]),
        0,
        "nobody pinned"
    );
    alice
        .keypost(&["people", "confirm", &bob_invite, "--reject"])
        .assert()
        .success();
}

#[test]
fn a_key_swapped_by_the_relay_blocks_send_with_the_key_changed_code() {
    let relay = Relay::start();
    let (alice, bob, ids) = alice_and_bob(&relay);
    let mallory = person(&relay, "Mallory");
    // Accounts in registration order: Alice 1, Bob 2, Mallory 3.
    relay.swap_bundle(2, 3);

    alice
        .keypost(&send_args("Bob", &ids, &["--yes"]))
        .assert()
        .code(9)
        .stderr(predicate::str::contains("key changed"));
    let people = alice.json(&["people", "list", "--json"]);
    assert_eq!(people[0]["state"], "key_changed", "{people}");
    assert_eq!(people[0]["words"], bob.json(&["id", "--json"])["words"]);
    assert_eq!(
        people[0]["changed_words"],
        mallory.json(&["id", "--json"])["words"]
    );
    alice
        .keypost(&send_args("Bob", &ids, &["--yes"]))
        .assert()
        .code(9);
}

#[test]
fn a_deposit_copied_into_a_third_mailbox_is_not_addressed_to_its_owner() {
    let relay = Relay::start();
    let (alice, bob, ids) = alice_and_bob(&relay);
    let carol = person(&relay, "Carol");
    alice
        .keypost(&send_args("Bob", &ids, &["--yes"]))
        .assert()
        .success();
    let waiting = relay.waiting();
    assert_eq!(waiting.len(), 1);
    // Into Carol's mailbox (account 3), as if Alice (account 1) deposited it there.
    relay.serve(3, 1, &waiting[0]);
    let output = carol
        .keypost(&["inbox", "--json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("not addressed to you"))
        .get_output()
        .stdout
        .clone();
    let listed: Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(listed, Value::Array(Vec::new()));
    assert_eq!(bob.count(&["inbox", "--json"]), 1, "Bob's own copy arrives");
}

#[test]
fn an_acknowledged_message_served_again_is_shown_once() {
    let relay = Relay::start();
    let (alice, bob, ids) = alice_and_bob(&relay);
    alice
        .keypost(&send_args("Bob", &ids, &["--yes"]))
        .assert()
        .success();
    let waiting = relay.waiting();
    assert_eq!(bob.count(&["inbox", "--json"]), 1);
    assert!(relay.waiting().is_empty(), "acknowledged: gone");

    relay.serve(2, 1, &waiting[0]);
    assert_eq!(bob.count(&["inbox", "--json"]), 1, "shown once");
    assert!(relay.waiting().is_empty(), "the copy was acknowledged too");
}

#[test]
fn a_leaked_invite_accepted_first_by_a_third_vault_shows_that_vaults_words() {
    let relay = Relay::start();
    let alice = person(&relay, "Alice");
    let bob = person(&relay, "Bob");
    let mallory = person(&relay, "Mallory");
    let invite = alice.json(&["people", "invite", "--name", "Bob", "--json"]);
    let link = text(&invite["link"]);
    // The link leaks; Mallory accepts before Bob, whose accept the relay then refuses.
    mallory.json(&["people", "accept", &link, "--json"]);
    bob.keypost(&["people", "accept", &link, "--json"])
        .assert()
        .code(8);
    assert_eq!(bob.count(&["people", "list", "--json"]), 0);

    let pending = alice.json(&["people", "pending", "--json"]);
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    assert_eq!(pending[0]["name"], "Bob", "the name Alice gave the invite");
    let bob_id = bob.json(&["id", "--json"]);
    assert_eq!(
        pending[0]["words"],
        mallory.json(&["id", "--json"])["words"]
    );
    assert_ne!(pending[0]["words"], bob_id["words"]);
    // Confirming Bob's words pins nobody (exit 10); Alice rejects the acceptance.
    let invite_id = text(&invite["invite_id"]);
    alice
        .keypost(&[
            "people",
            "confirm",
            &invite_id,
            "--fingerprint",
            &text(&bob_id["fingerprint"]),
        ])
        .assert()
        .code(10);
    alice
        .keypost(&["people", "confirm", &invite_id, "--reject"])
        .assert()
        .success();
    assert_eq!(alice.count(&["people", "list", "--json"]), 0);
}
