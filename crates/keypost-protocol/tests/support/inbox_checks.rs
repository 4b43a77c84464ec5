//! Checks every file of tests/vectors/inbox/ against this implementation
//! (docs/spec/inbox.md, "Test vectors"): each `expect` holds and every recorded intermediate
//! value is what the public API computes.

use std::collections::BTreeMap;

use keypost_protocol::b64;
use keypost_protocol::inbox::invite::Transcript;
use keypost_protocol::inbox::sealed::{self, MessageHeader};
use keypost_protocol::inbox::{
    Answer, Fingerprint, Identity, IdentitySeed, InviteLink, InviteSecret, KeyBundle, Offer,
    Signature, SignatureKind, verify_connect,
};
use keypost_protocol::vectors::message_inner;
use serde_json::Value;
use time::OffsetDateTime;

use super::{hex, hex_to_bytes, read_vectors};

fn text<'a>(vector: &'a Value, field: &str) -> &'a str {
    vector[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is a string"))
}

fn bytes32(hex_text: &str) -> [u8; 32] {
    hex_to_bytes(hex_text).try_into().unwrap()
}

fn identity_of(vector: &Value, field: &str) -> Identity {
    Identity::from_seed(
        &IdentitySeed::from_vault_bytes(bytes32(text(vector, field))),
        vector["created_at"].as_u64().unwrap(),
    )
}

fn secret_of(vector: &Value) -> InviteSecret {
    InviteSecret::from_base64(text(vector, "secret")).unwrap()
}

fn b64_field(vector: &Value, field: &str) -> Vec<u8> {
    b64::decode(text(vector, field)).unwrap()
}

fn now_of(vector: &Value) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(vector["now"].as_i64().unwrap()).unwrap()
}

#[test]
fn every_inbox_vector_meets_its_expectation() {
    let mut counts = BTreeMap::<String, usize>::new();
    for (file, body) in read_vectors("inbox") {
        let vector: Value = serde_json::from_str(&body).unwrap();
        let kind = text(&vector, "kind").to_owned();
        let expect = text(&vector, "expect");
        let outcome = match kind.as_str() {
            "identity" => check_identity(&vector),
            "signature" => check_signature(&vector),
            "invite" => check_invite(&vector),
            "offer_open" => check_offer_open(&vector),
            "answer_open" => check_answer_open(&vector),
            "message" => check_message(&vector),
            "message_open" => check_message_open(&vector),
            "invite_link" => check_link(&vector),
            other => panic!("{file}: unknown kind {other}"),
        };
        assert_eq!(outcome, expect, "{file}");
        let verdict = if expect == "ok" { "ok" } else { "reject" };
        *counts.entry(format!("{kind} {verdict}")).or_default() += 1;
    }
    // Guards against an empty or half-written folder passing silently.
    let at_least = [
        ("identity ok", 2),
        ("signature ok", 2),
        ("invite ok", 1),
        ("offer_open reject", 10),
        ("answer_open ok", 1),
        ("answer_open reject", 4),
        ("message ok", 2),
        ("message_open reject", 20),
        ("invite_link ok", 4),
        ("invite_link reject", 12),
    ];
    for (key, minimum) in at_least {
        assert!(
            counts.get(key).copied().unwrap_or(0) >= minimum,
            "{key}: {counts:?}"
        );
    }
}

fn check_identity(vector: &Value) -> String {
    let person = identity_of(vector, "seed");
    let bundle = person.bundle().as_bytes();
    assert_eq!(hex(&bundle[5..37]), text(vector, "ed25519_public"));
    assert_eq!(hex(&bundle[37..69]), text(vector, "x25519_public"));
    assert_eq!(b64::encode(bundle), text(vector, "bundle"));
    let parsed = KeyBundle::from_bytes(&b64_field(vector, "bundle")).unwrap();
    assert_eq!(
        parsed.fingerprint().to_string(),
        text(vector, "fingerprint")
    );
    assert_eq!(
        hex(parsed.fingerprint().as_bytes()),
        text(vector, "fingerprint_hex")
    );
    let words: Vec<&str> = vector["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|word| word.as_str().unwrap())
        .collect();
    assert_eq!(parsed.fingerprint().to_words().to_vec(), words);
    "ok".into()
}

fn check_signature(vector: &Value) -> String {
    let signer = identity_of(vector, "signer_seed");
    let kind = SignatureKind::ALL
        .into_iter()
        .find(|kind| kind.label() == text(vector, "signature_kind"))
        .unwrap();
    let content = hex_to_bytes(text(vector, "content"));
    let signature = Signature::from_bytes(b64_field(vector, "signature").try_into().unwrap());
    assert_eq!(signer.sign(kind, &content), signature);
    match signer.bundle().verify(kind, &content, &signature) {
        Ok(()) => "ok".into(),
        Err(_) => "bad_signature".into(),
    }
}

fn check_invite(vector: &Value) -> String {
    let secret = secret_of(vector);
    let keys = secret.keys();
    let derived = &vector["derived"];
    assert_eq!(keys.id().to_string(), derived["id"]);
    assert_eq!(hex(keys.accept_token().as_bytes()), derived["accept_token"]);
    assert_eq!(
        hex(&keys.accept_token().hash()),
        derived["accept_token_hash"]
    );
    let link = InviteLink::parse(text(vector, "link")).unwrap();
    assert_eq!(link.secret(), &secret);
    let inviter = identity_of(vector, "inviter_seed");
    let acceptor = identity_of(vector, "acceptor_seed");
    let sealed_offer = b64_field(vector, "sealed_offer");
    let sealed_answer = b64_field(vector, "sealed_answer");
    let offer = Offer::open(&secret, &sealed_offer, link.relay_url(), now_of(vector)).unwrap();
    assert_eq!(
        offer.to_canonical_json().unwrap().as_slice(),
        text(vector, "offer_plaintext").as_bytes()
    );
    assert_eq!(&offer.inviter_bundle, inviter.bundle());
    let answer = Answer::open(
        &secret,
        &inviter.fingerprint(),
        &sealed_offer,
        &sealed_answer,
    )
    .unwrap();
    assert_eq!(&answer.acceptor_bundle, acceptor.bundle());
    assert_eq!(answer.acceptor_name, vector["answer"]["acceptor_name"]);
    assert_eq!(
        serde_json::to_value(&answer.grant).unwrap(),
        vector["answer"]["grant"]
    );
    let transcript = Transcript::new(
        keys.id(),
        &inviter.fingerprint(),
        &acceptor.fingerprint(),
        &sealed_offer,
    );
    assert_eq!(hex(transcript.as_bytes()), text(vector, "transcript"));
    assert_eq!(
        b64::encode(answer.signature.as_bytes()),
        text(vector, "answer_signature")
    );
    assert_eq!(
        hex(&transcript.connect_content(&sealed_answer)),
        text(vector, "connect_content")
    );
    let connect = Signature::from_bytes(b64_field(vector, "connect_signature").try_into().unwrap());
    match verify_connect(
        &offer.inviter_bundle,
        keys.id(),
        &acceptor.fingerprint(),
        &sealed_offer,
        &sealed_answer,
        &connect,
    ) {
        Ok(()) => "ok".into(),
        Err(error) => error.code().into(),
    }
}

fn check_offer_open(vector: &Value) -> String {
    let sealed = b64_field(vector, "sealed_offer");
    match Offer::open(
        &secret_of(vector),
        &sealed,
        text(vector, "link_relay"),
        now_of(vector),
    ) {
        Ok(_) => "ok".into(),
        Err(error) => error.code().into(),
    }
}

fn check_answer_open(vector: &Value) -> String {
    let inviter = Fingerprint::parse(text(vector, "inviter_fingerprint")).unwrap();
    let outcome = Answer::open(
        &secret_of(vector),
        &inviter,
        &b64_field(vector, "sealed_offer"),
        &b64_field(vector, "sealed_answer"),
    );
    match outcome {
        Ok(_) => "ok".into(),
        Err(error) => error.code().into(),
    }
}

fn check_message(vector: &Value) -> String {
    let sender = identity_of(vector, "sender_seed");
    let recipient = identity_of(vector, "recipient_seed");
    let sealed = b64_field(vector, "sealed");
    let opened = match sealed::open(&recipient, &sealed) {
        Ok(opened) => opened,
        Err(error) => return error.code().into(),
    };
    let derived = &vector["derived"];
    let header = MessageHeader::parse(&sealed).unwrap();
    assert_eq!(header, opened.header);
    assert_eq!(hex(&header.to_bytes()), derived["header"]);
    assert_eq!(hex(&header.enc), derived["enc"]);
    assert_eq!(header.message_id.to_string(), vector["message_id"]);
    assert_eq!(header.sent_at, vector["sent_at"].as_u64().unwrap());
    assert_eq!(header.sender, sender.fingerprint());
    assert_eq!(&opened.sender_bundle, sender.bundle());
    let payload = opened.payload.to_canonical_json().unwrap();
    assert_eq!(payload.as_slice(), text(vector, "payload").as_bytes());
    let unpadded = derived["unpadded_inner_len"].as_u64().unwrap() as usize;
    assert_eq!(unpadded, sealed::INNER_FIXED_LEN + payload.len());
    let padded = sealed::padme(unpadded);
    assert_eq!(padded as u64, derived["padded_inner_len"].as_u64().unwrap());
    let signature = sender.sign(
        SignatureKind::Message,
        &[header.to_bytes().as_slice(), &payload].concat(),
    );
    assert_eq!(b64::encode(signature.as_bytes()), derived["signature"]);
    let inner = message_inner(sender.bundle().as_bytes(), &signature, &payload);
    assert_eq!(inner.len(), padded);
    assert_eq!(hex(&inner), derived["inner"]);
    assert_eq!(sealed.len(), sealed::HEADER_LEN + padded + sealed::TAG_LEN);
    assert_eq!(
        b64::encode(&sealed[sealed::HEADER_LEN..]),
        derived["ciphertext"]
    );
    "ok".into()
}

fn check_message_open(vector: &Value) -> String {
    let recipient = identity_of(vector, "recipient_seed");
    let mut sealed = b64_field(vector, "sealed");
    let extra = vector["append_zeros"].as_u64().unwrap() as usize;
    sealed.resize(sealed.len() + extra, 0);
    match sealed::open(&recipient, &sealed) {
        Ok(_) => "ok".into(),
        Err(error) => error.code().into(),
    }
}

fn check_link(vector: &Value) -> String {
    let link = match InviteLink::parse(text(vector, "link")) {
        Ok(link) => link,
        Err(error) => return error.code().into(),
    };
    assert_eq!(link.secret().to_base64().as_str(), text(vector, "secret"));
    assert_eq!(link.relay_url(), text(vector, "relay_url"));
    assert_eq!(link.to_link().as_str(), text(vector, "link_form"));
    assert_eq!(link.to_code().as_str(), text(vector, "code_form"));
    "ok".into()
}
