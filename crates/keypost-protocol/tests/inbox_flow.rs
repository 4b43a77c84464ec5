//! Two people connect through an invite and exchange a message, through the public API only
//! (docs/spec/inbox.md); and every signature context refuses the others' signatures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use keypost_protocol::inbox::invite::Transcript;
use keypost_protocol::inbox::payload::{ConnectPayload, DeclinePayload, EntriesPayload};
use keypost_protocol::inbox::sealed::{self, OpenError};
use keypost_protocol::inbox::{
    AccountId, Answer, AnswerParts, DepositGrant, Identity, IdentitySeed, InviteLink, InviteSecret,
    MessageId, Offer, Payload, SignatureKind, sign_connect, verify_connect,
};
use keypost_protocol::pickup::EntrySnapshot;
use time::{Duration, OffsetDateTime};

const RELAY: &str = "http://127.0.0.1:7878";

fn person() -> Identity {
    Identity::from_seed(&IdentitySeed::make_random(), 1_800_000_000)
}

struct Connected {
    alice: Identity,
    bob: Identity,
    invite: InviteSecret,
    sealed_offer: Vec<u8>,
    sealed_answer: Vec<u8>,
}

fn connect() -> Connected {
    let (alice, bob) = (person(), person());
    let now = OffsetDateTime::now_utc();
    let invite = InviteSecret::make_random();
    let offer = Offer {
        inviter_account: AccountId::random(),
        inviter_bundle: alice.bundle().clone(),
        inviter_name: "Alice".into(),
        note: String::new(),
        expires_at: now + Duration::days(3),
        relay_url: RELAY.into(),
    };
    let sealed_offer = offer.seal(&invite).unwrap();
    let link = InviteLink::new(RELAY, invite.clone()).unwrap();

    // Bob opens the link he was given and answers.
    let parsed = InviteLink::parse(&link.to_link()).unwrap();
    let opened = Offer::open(parsed.secret(), &sealed_offer, parsed.relay_url(), now).unwrap();
    assert_eq!(
        opened.inviter_bundle.fingerprint().to_words(),
        alice.fingerprint().to_words()
    );
    let sealed_answer = Answer::seal(
        &bob,
        AnswerParts {
            secret: parsed.secret(),
            sealed_offer: &sealed_offer,
            offer: &opened,
            acceptor_account: AccountId::random(),
            acceptor_name: "Bob",
            grant: DepositGrant::make_random(),
        },
    )
    .unwrap();

    // Alice opens the answer with her own offer bytes and sees Bob's words.
    let answer =
        Answer::open(&invite, &alice.fingerprint(), &sealed_offer, &sealed_answer).unwrap();
    assert_eq!(answer.acceptor_bundle, *bob.bundle());
    Connected {
        alice,
        bob,
        invite,
        sealed_offer,
        sealed_answer,
    }
}

#[test]
fn invite_connect_and_message_round_trip() {
    let c = connect();
    let id = c.invite.keys().id();
    let signature = sign_connect(
        &c.alice,
        id,
        &c.bob.fingerprint(),
        &c.sealed_offer,
        &c.sealed_answer,
    );
    let connect = Payload::Connect(ConnectPayload {
        invite_id: id,
        grant: DepositGrant::make_random(),
        signature,
    });
    let sealed = sealed::seal(
        &c.alice,
        c.bob.bundle(),
        MessageId::random(),
        1_800_000_100,
        &connect,
    )
    .unwrap();
    let opened = sealed::open(&c.bob, &sealed).unwrap();
    assert_eq!(opened.sender_bundle, *c.alice.bundle());
    let Payload::Connect(received) = &opened.payload else {
        panic!("a connect message")
    };
    verify_connect(
        c.alice.bundle(),
        id,
        &c.bob.fingerprint(),
        &c.sealed_offer,
        &c.sealed_answer,
        &received.signature,
    )
    .unwrap();
    // The same confirmation does not verify over another answer.
    assert_eq!(
        verify_connect(
            c.alice.bundle(),
            id,
            &c.bob.fingerprint(),
            &c.sealed_offer,
            b"other",
            &received.signature
        )
        .unwrap_err()
        .code(),
        "bad_transcript"
    );

    let mut entry = EntrySnapshot::default();
    entry.title = "Bank".into();
    entry.password = "hunter2".into();
    let entries = Payload::Entries(EntriesPayload {
        sequence: 1,
        sender_name: "Bob".into(),
        note: "Here".into(),
        entries: vec![entry],
    });
    let id = MessageId::random();
    let sealed = sealed::seal(&c.bob, c.alice.bundle(), id, 1_800_000_200, &entries).unwrap();
    let opened = sealed::open(&c.alice, &sealed).unwrap();
    assert_eq!(opened.payload, entries);
    assert_eq!(opened.header.message_id, id);
    assert_eq!(opened.header.sender, c.bob.fingerprint());
    // Bob cannot open what he sealed to Alice; Alice's message to Bob is not hers either.
    assert_eq!(
        sealed::open(&c.bob, &sealed).unwrap_err(),
        OpenError::NotForMe
    );
    let decline = Payload::Decline(DeclinePayload {
        sequence: 1,
        request: id,
    });
    assert!(sealed::seal(&c.alice, c.bob.bundle(), MessageId::random(), 0, &decline).is_ok());
}

#[test]
fn sealing_is_fresh_and_every_byte_is_covered() {
    let c = connect();
    let payload = Payload::Decline(DeclinePayload {
        sequence: 2,
        request: MessageId::random(),
    });
    let id = MessageId::random();
    let one = sealed::seal(&c.alice, c.bob.bundle(), id, 7, &payload).unwrap();
    let two = sealed::seal(&c.alice, c.bob.bundle(), id, 7, &payload).unwrap();
    assert_ne!(one, two);
    for index in 0..one.len() {
        let mut altered = one.clone();
        altered[index] ^= 0x01;
        assert!(sealed::open(&c.bob, &altered).is_err(), "byte {index}");
    }
}

#[test]
fn transcript_and_message_signatures_fail_every_other_context() {
    let c = connect();
    let id = c.invite.keys().id();
    let transcript = Transcript::new(
        id,
        &c.alice.fingerprint(),
        &c.bob.fingerprint(),
        &c.sealed_offer,
    );
    let content = transcript.connect_content(&c.sealed_answer);
    for kind in SignatureKind::ALL {
        let signature = c.alice.sign(kind, &content);
        let outcome = verify_connect(
            c.alice.bundle(),
            id,
            &c.bob.fingerprint(),
            &c.sealed_offer,
            &c.sealed_answer,
            &signature,
        );
        assert_eq!(
            outcome.is_ok(),
            kind == SignatureKind::Transcript,
            "{kind:?}"
        );
    }
    // The acceptor's answer signature (over the transcript alone) is not a connect confirmation.
    let answer = Answer::open(
        &c.invite,
        &c.alice.fingerprint(),
        &c.sealed_offer,
        &c.sealed_answer,
    )
    .unwrap();
    assert!(
        verify_connect(
            c.bob.bundle(),
            id,
            &c.bob.fingerprint(),
            &c.sealed_offer,
            &c.sealed_answer,
            &answer.signature
        )
        .is_err()
    );
    for kind in SignatureKind::ALL {
        let signature = c.bob.sign(kind, transcript.as_bytes());
        let verified =
            c.bob
                .bundle()
                .verify(SignatureKind::Transcript, transcript.as_bytes(), &signature);
        assert_eq!(
            verified.is_ok(),
            kind == SignatureKind::Transcript,
            "{kind:?}"
        );
    }
}
