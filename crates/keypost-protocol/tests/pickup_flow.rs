//! One pickup end to end through the public API, the way the app, the relay and the recipient
//! use it (docs/spec/pickup.md §2).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use keypost_protocol::b64;
use keypost_protocol::crypto::KdfPolicy;
use keypost_protocol::pickup::{
    self, EntrySnapshot, LinkSecret, OpenError, OwnerToken, Payload, PickupLink, Pin,
    SnapshotField, proof_matches,
};
use time::macros::datetime;

fn payload(title: &str) -> Payload {
    let mut entry = EntrySnapshot::default();
    entry.title = title.into();
    entry.username = "ana".into();
    entry.password = format!("{title}-password");
    entry.custom_fields = vec![SnapshotField {
        name: "Recovery".into(),
        value: "42".into(),
        hidden: true,
    }];
    Payload::new("Ana", "hi", datetime!(2026-11-20 12:00:00 UTC), vec![entry])
}

/// What the relay stores, and the page URL it answers with.
struct Stored {
    page_url: String,
    sealed: pickup::SealedPickup,
    owner_token_hash: [u8; 32],
}

fn send(title: &str, pin: &Pin, passphrase: Option<&str>) -> (LinkSecret, OwnerToken, Stored) {
    let secret = LinkSecret::make_random();
    let sealed = pickup::seal_with_kdf(
        &secret,
        pin,
        passphrase,
        &payload(title),
        KdfPolicy::PICKUP_PASSPHRASE.floor,
    )
    .unwrap();
    let owner = OwnerToken::make_random();
    let stored = Stored {
        page_url: format!("http://127.0.0.1:8080/p/{}", b64::encode(&sealed.id)),
        owner_token_hash: owner.hash(),
        sealed,
    };
    (secret, owner, stored)
}

#[test]
fn sender_relay_and_recipient_agree() {
    let pin = Pin::make_random();
    let (secret, owner, stored) = send("Bank", &pin, None);
    let link = PickupLink::new(&stored.page_url, secret)
        .unwrap()
        .to_web_link();

    // Recipient: link and PIN → proof over the relay's challenge.
    let received = PickupLink::parse(&link).unwrap();
    assert_eq!(received.relay_url(), "http://127.0.0.1:8080");
    let keys = received.secret().keys();
    let challenge = [0x5a; 32];
    let proof = keys.proof(&pin, &challenge);
    assert!(proof_matches(
        &stored.sealed.pin_verifier,
        &stored.sealed.id,
        &challenge,
        &proof
    ));
    let wrong = Pin::parse(if pin.as_str() == "40917" {
        "40918"
    } else {
        "40917"
    })
    .unwrap();
    let wrong_proof = keys.proof(&wrong, &challenge);
    assert!(!proof_matches(
        &stored.sealed.pin_verifier,
        &stored.sealed.id,
        &challenge,
        &wrong_proof
    ));

    // The relay hands over the ciphertext; only the recipient can open it.
    let opened = pickup::open(received.secret(), &pin, None, &stored.sealed.ciphertext).unwrap();
    assert_eq!(opened, payload("Bank"));
    assert_eq!(opened.entries[0].password, "Bank-password");

    // Recipient delete and sender ownership use values the relay can only compare.
    assert_eq!(
        pickup::delete_verifier(&keys.delete_key()),
        stored.sealed.delete_verifier
    );
    let presented = OwnerToken::from_base64(&owner.to_base64()).unwrap();
    assert_eq!(presented.hash(), stored.owner_token_hash);
    // The access key comes from the link alone; the relay stores only its hash.
    assert_eq!(
        pickup::access_key_hash(&keys.access_key()),
        stored.sealed.access_key_hash
    );
    assert_ne!(*keys.access_key(), stored.sealed.access_key_hash);

    // "Open in Keypost" carries the same secret.
    let deep = received.to_deep_link();
    assert_eq!(PickupLink::parse(&deep).unwrap(), received);
}

#[test]
fn swapped_payloads_and_wrong_secrets_fail() {
    let pin = Pin::parse("40917").unwrap();
    let (secret_a, _, stored_a) = send("A", &pin, None);
    let (secret_b, _, stored_b) = send("B", &pin, None);
    assert_eq!(
        pickup::open(&secret_b, &pin, None, &stored_a.sealed.ciphertext),
        Err(OpenError::DecryptionFailed)
    );
    assert_eq!(
        pickup::open(&secret_a, &pin, None, &stored_b.sealed.ciphertext),
        Err(OpenError::DecryptionFailed)
    );
    // A page URL of one pickup with the secret of another is not a link.
    assert!(PickupLink::new(&stored_a.page_url, secret_b).is_err());
}

#[test]
fn passphrase_pickups_need_the_passphrase_too() {
    let pin = Pin::parse("27384").unwrap();
    let (secret, _, stored) = send("Vault", &pin, Some("four random words here"));
    let ciphertext = &stored.sealed.ciphertext;
    assert!(
        pickup::SealedHeader::parse(ciphertext)
            .unwrap()
            .needs_passphrase()
    );
    assert_eq!(
        pickup::open(&secret, &pin, None, ciphertext),
        Err(OpenError::PassphraseRequired)
    );
    assert_eq!(
        pickup::open(&secret, &pin, Some("four random words there"), ciphertext),
        Err(OpenError::DecryptionFailed)
    );
    // The PIN still matters when the passphrase is right.
    let other_pin = Pin::parse("27385").unwrap();
    assert_eq!(
        pickup::open(
            &secret,
            &other_pin,
            Some("four random words here"),
            ciphertext
        ),
        Err(OpenError::DecryptionFailed)
    );
    assert_eq!(
        pickup::open(&secret, &pin, Some("four random words here"), ciphertext).unwrap(),
        payload("Vault")
    );
}
