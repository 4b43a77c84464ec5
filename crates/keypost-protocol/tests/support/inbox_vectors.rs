//! The inbox test vectors of docs/spec/inbox.md, "Test vectors", built deterministically.
//! Dev-only, like the pickup generator beside it (whose `Vector` and `hex` it shares).
//!
//! Every seed, nonce and ephemeral key input is `SHA-256("keypost inbox test vector: " ||
//! label)`, so the files never change unless the format does.

use keypost_protocol::b64;
use keypost_protocol::inbox::identity::BUNDLE_LEN;
use keypost_protocol::inbox::invite::{Direction, InviteSealError, Transcript};
use keypost_protocol::inbox::limits::{MAX_SEALED_INVITE_LEN, MAX_SEALED_MESSAGE_LEN};
use keypost_protocol::inbox::payload::{EntriesPayload, RequestPayload};
use keypost_protocol::inbox::sealed::{HEADER_LEN, INNER_FIXED_LEN, SealError, padme};
use keypost_protocol::inbox::signing::{login_content, registration_content};
use keypost_protocol::inbox::{
    AccountId, AnswerParts, DepositGrant, GrantId, GrantToken, Identity, IdentitySeed, InviteLink,
    InviteSecret, MessageId, Offer, Payload, SignatureKind, sign_connect,
};
use keypost_protocol::pickup::{EntrySnapshot, SnapshotField};
use keypost_protocol::vectors::{
    identity_secret_keys, invite_trace, message_inner, seal_answer, seal_invite_plaintext,
    seal_message, seal_message_inner, seal_offer,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::generator::{Vector, hex};

/// What can stop the inbox generator: a seal refused its input.
#[derive(Debug, thiserror::Error)]
pub enum InboxVectorError {
    #[error(transparent)]
    Invite(#[from] InviteSealError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Link(#[from] keypost_protocol::inbox::link::LinkError),
    #[error("vector {0}: the chosen input does not have the property the vector needs")]
    Unsuitable(&'static str),
}

/// Every identity in the vectors was made at this time (Unix seconds).
pub const CREATED_AT: u64 = 1_800_000_000;
/// Offers expire at this time; the "now" of opening is one hour earlier.
pub const EXPIRES_AT: i64 = 1_800_086_400;
pub const NOW: i64 = EXPIRES_AT - 3_600;
pub const SENT_AT: u64 = 1_800_003_600;
const RELAY: &str = "https://relay.example";

pub fn seed(label: &str) -> [u8; 32] {
    Sha256::digest(format!("keypost inbox test vector: {label}").as_bytes()).into()
}

fn nonce(label: &str) -> [u8; 24] {
    let mut nonce = [0u8; 24];
    nonce.copy_from_slice(&seed(&format!("{label} nonce"))[..24]);
    nonce
}

fn id16(label: &str) -> [u8; 16] {
    let mut id = [0u8; 16];
    id.copy_from_slice(&seed(label)[..16]);
    id
}

/// The identity of a person in the vectors ("alice", "bob", "carol").
pub fn identity(name: &str) -> Identity {
    Identity::from_seed(
        &IdentitySeed::from_vault_bytes(seed(&format!("identity {name}"))),
        CREATED_AT,
    )
}

fn time(seconds: i64) -> Result<OffsetDateTime, InboxVectorError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| InboxVectorError::Unsuitable("time"))
}

pub fn inbox_vectors() -> Result<Vec<Vector>, InboxVectorError> {
    let mut out = Vec::new();
    identity_vectors(&mut out);
    signature_vectors(&mut out);
    invite_vectors(&mut out)?;
    message_vectors(&mut out)?;
    link_vectors(&mut out)?;
    Ok(out)
}

fn vector(name: &str, mut contents: Value) -> Vector {
    contents["name"] = json!(name);
    Vector {
        name: name.to_owned(),
        contents,
    }
}

fn identity_vectors(out: &mut Vec<Vector>) {
    for name in ["alice", "bob"] {
        let person = identity(name);
        let (ed25519, x25519) = identity_secret_keys(&person);
        let bundle = person.bundle().as_bytes();
        let fingerprint = person.fingerprint();
        out.push(vector(
            &format!("identity_{name}"),
            json!({
                "kind": "identity",
                "description": format!("The identity of {name}: seed → keys → bundle → fingerprint → words."),
                "seed": hex(&seed(&format!("identity {name}"))),
                "created_at": CREATED_AT,
                "ed25519_secret": hex(&ed25519),
                "x25519_secret": hex(&x25519),
                "ed25519_public": hex(&bundle[5..37]),
                "x25519_public": hex(&bundle[37..69]),
                "bundle": b64::encode(bundle),
                "fingerprint": fingerprint.to_string(),
                "fingerprint_hex": hex(fingerprint.as_bytes()),
                "words": fingerprint.to_words(),
                "expect": "ok",
            }),
        ));
    }
}

fn signature_vectors(out: &mut Vec<Vector>) {
    let alice = identity("alice");
    let account = AccountId::from_bytes(id16("account alice"));
    let challenge = seed("login challenge");
    let cases = [
        (
            "signature_register",
            SignatureKind::Register,
            registration_content(RELAY, &account),
        ),
        (
            "signature_login",
            SignatureKind::Login,
            login_content(RELAY, &account, &challenge),
        ),
    ];
    for (name, kind, content) in cases {
        let signature = alice.sign(kind, &content);
        let mut signed = format!("keypost/inbox/v1/{}", kind.label()).into_bytes();
        signed.push(0);
        signed.extend_from_slice(&content);
        out.push(vector(
            name,
            json!({
                "kind": "signature",
                "description": format!("Alice's {} signature for relay {RELAY}.", kind.label()),
                "signer_seed": hex(&seed("identity alice")),
                "created_at": CREATED_AT,
                "signature_kind": kind.label(),
                "relay_url": RELAY,
                "account_id": account.to_string(),
                "challenge": (kind == SignatureKind::Login).then(|| hex(&challenge)),
                "content": hex(&content),
                "signed_bytes": hex(&signed),
                "signature": b64::encode(signature.as_bytes()),
                "expect": "ok",
            }),
        ));
    }
}

/// The invite every invite vector starts from: Alice invites Bob.
struct InviteFixture {
    secret: InviteSecret,
    offer: Offer,
    sealed_offer: Vec<u8>,
    sealed_answer: Vec<u8>,
}

fn offer_of(inviter: &Identity, relay: &str) -> Result<Offer, InboxVectorError> {
    Ok(Offer {
        inviter_account: AccountId::from_bytes(id16("account alice")),
        inviter_bundle: inviter.bundle().clone(),
        inviter_name: "Alice Martin".into(),
        note: "Let's share the family logins here — Alice".into(),
        expires_at: time(EXPIRES_AT)?,
        relay_url: relay.to_owned(),
    })
}

fn bob_grant() -> DepositGrant {
    DepositGrant {
        grant_id: GrantId::from_bytes(id16("grant bob")),
        token: GrantToken::from_bytes(seed("grant token bob")),
    }
}

impl InviteFixture {
    fn new(label: &str, acceptor: &Identity) -> Result<Self, InboxVectorError> {
        let secret = InviteSecret::from_bytes(seed(label));
        let offer = offer_of(&identity("alice"), RELAY)?;
        let sealed_offer = seal_offer(&offer, &secret, nonce(&format!("{label} offer")))?;
        let sealed_answer = seal_answer(
            acceptor,
            AnswerParts {
                secret: &secret,
                sealed_offer: &sealed_offer,
                offer: &offer,
                acceptor_account: AccountId::from_bytes(id16("account bob")),
                acceptor_name: "Bob Martin",
                grant: bob_grant(),
            },
            nonce(&format!("{label} answer")),
        )?;
        Ok(Self {
            secret,
            offer,
            sealed_offer,
            sealed_answer,
        })
    }

    fn offer_open(
        &self,
        name: &str,
        description: &str,
        sealed: &[u8],
        link_relay: &str,
        expect: &str,
    ) -> Vector {
        vector(
            name,
            json!({
                "kind": "offer_open",
                "description": description,
                "secret": self.secret.to_base64().as_str(),
                "link_relay": link_relay,
                "now": NOW,
                "sealed_offer": b64::encode(sealed),
                "expect": expect,
            }),
        )
    }

    fn answer_open(
        &self,
        name: &str,
        description: &str,
        sealed_offer: &[u8],
        sealed_answer: &[u8],
        expect: &str,
    ) -> Vector {
        vector(
            name,
            json!({
                "kind": "answer_open",
                "description": description,
                "secret": self.secret.to_base64().as_str(),
                "inviter_fingerprint": identity("alice").fingerprint().to_string(),
                "sealed_offer": b64::encode(sealed_offer),
                "sealed_answer": b64::encode(sealed_answer),
                "expect": expect,
            }),
        )
    }
}

/// Name, description, sealed offer, the link's relay, expected outcome.
type OfferCase<'a> = (&'a str, &'a str, Vec<u8>, &'a str, &'a str);
/// Name, description, sealed offer, sealed answer, expected outcome.
type AnswerCase<'a> = (&'a str, &'a str, &'a [u8], Vec<u8>, &'a str);
/// Name, description, sealed message, zero bytes to append, expected outcome.
type MessageCase<'a> = (&'a str, &'a str, Vec<u8>, usize, &'a str);

fn flipped(bytes: &[u8], index: usize) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    copy[index] ^= 0x01;
    copy
}

fn invite_vectors(out: &mut Vec<Vector>) -> Result<(), InboxVectorError> {
    let alice = identity("alice");
    let bob = identity("bob");
    let invite = InviteFixture::new("invite A", &bob)?;
    let trace = invite_trace(&invite.secret);
    let transcript = Transcript::new(
        trace.id,
        &alice.fingerprint(),
        &bob.fingerprint(),
        &invite.sealed_offer,
    );
    let answer_signature = bob.sign(SignatureKind::Transcript, transcript.as_bytes());
    let connect_signature = sign_connect(
        &alice,
        trace.id,
        &bob.fingerprint(),
        &invite.sealed_offer,
        &invite.sealed_answer,
    );
    let offer_plaintext = invite
        .offer
        .to_canonical_json()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())?;
    let link = InviteLink::new(RELAY, invite.secret.clone())?;
    out.push(vector(
        "invite_ok",
        json!({
            "kind": "invite",
            "description": "Alice invites Bob: every derived value, the offer, Bob's answer, the transcript both sign and Alice's connect confirmation.",
            "secret": invite.secret.to_base64().as_str(),
            "link": link.to_link().as_str(),
            "derived": {
                "id": trace.id.to_string(),
                "accept_token": hex(&trace.accept_token),
                "accept_token_hash": hex(&trace.accept_token_hash),
                "offer_key": hex(&trace.offer_key),
                "answer_key": hex(&trace.answer_key),
            },
            "inviter_seed": hex(&seed("identity alice")),
            "acceptor_seed": hex(&seed("identity bob")),
            "created_at": CREATED_AT,
            "now": NOW,
            "offer_plaintext": offer_plaintext,
            "offer_nonce": hex(&nonce("invite A offer")),
            "sealed_offer": b64::encode(&invite.sealed_offer),
            "answer_nonce": hex(&nonce("invite A answer")),
            "sealed_answer": b64::encode(&invite.sealed_answer),
            "answer": {
                "acceptor_account": AccountId::from_bytes(id16("account bob")).to_string(),
                "acceptor_name": "Bob Martin",
                "grant": serde_json::to_value(bob_grant()).map_err(|_| InboxVectorError::Unsuitable("grant"))?,
            },
            "transcript": hex(transcript.as_bytes()),
            "answer_signature": b64::encode(answer_signature.as_bytes()),
            "connect_content": hex(&transcript.connect_content(&invite.sealed_answer)),
            "connect_signature": b64::encode(connect_signature.as_bytes()),
            "expect": "ok",
        }),
    ));

    let sealed_offer = &invite.sealed_offer;
    let other = InviteFixture::new("invite B", &bob)?;
    let mut huge = sealed_offer.clone();
    huge.resize(MAX_SEALED_INVITE_LEN + 1, 0);
    let invalid_json = offer_plaintext.replace("\"note\"", " \"note\"");
    let offer_cases: Vec<OfferCase> = vec![
        (
            "offer_too_large",
            "One byte over 16 KiB.",
            huge,
            RELAY,
            "too_large",
        ),
        (
            "offer_bad_magic",
            "The magic is \"KPI2\".",
            {
                let mut copy = sealed_offer.clone();
                copy[3] = b'2';
                copy
            },
            RELAY,
            "malformed_invite",
        ),
        (
            "offer_is_an_answer",
            "The relay serves the sealed answer where the offer belongs.",
            invite.sealed_answer.clone(),
            RELAY,
            "malformed_invite",
        ),
        (
            "offer_truncated",
            "Shorter than a header and a tag.",
            sealed_offer[..44].to_vec(),
            RELAY,
            "malformed_invite",
        ),
        (
            "offer_tampered_ciphertext",
            "One bit of the ciphertext is flipped.",
            flipped(sealed_offer, 40),
            RELAY,
            "invite_altered",
        ),
        (
            "offer_tampered_nonce",
            "One bit of the nonce is flipped.",
            flipped(sealed_offer, 10),
            RELAY,
            "invite_altered",
        ),
        (
            "offer_swapped",
            "The relay serves another invite's offer (made with another secret).",
            other.sealed_offer.clone(),
            RELAY,
            "invite_altered",
        ),
        (
            "offer_not_canonical",
            "Sealed correctly, but the plaintext has a space before a field.",
            seal_invite_plaintext(
                &invite.secret,
                Direction::Offer,
                nonce("offer_not_canonical"),
                invalid_json.as_bytes(),
            ),
            RELAY,
            "invalid_invite",
        ),
        (
            "offer_bad_bundle",
            "Sealed correctly, but the inviter's bundle has one byte changed.",
            {
                let mut bundle = *alice.bundle().as_bytes();
                bundle[70] ^= 0x01;
                let text = offer_plaintext.replace(
                    &b64::encode(alice.bundle().as_bytes()),
                    &b64::encode(&bundle),
                );
                seal_invite_plaintext(
                    &invite.secret,
                    Direction::Offer,
                    nonce("offer_bad_bundle"),
                    text.as_bytes(),
                )
            },
            RELAY,
            "bad_bundle",
        ),
        (
            "offer_relay_mismatch",
            "The link names another relay than the offer.",
            sealed_offer.clone(),
            "https://evil.example",
            "relay_mismatch",
        ),
        (
            "offer_expired",
            "The offer expired at \"now\".",
            {
                let text = offer_plaintext.replace("2027-01-16T08:00:00Z", "2027-01-16T07:00:00Z");
                if text == offer_plaintext {
                    return Err(InboxVectorError::Unsuitable("offer_expired"));
                }
                seal_invite_plaintext(
                    &invite.secret,
                    Direction::Offer,
                    nonce("offer_expired"),
                    text.as_bytes(),
                )
            },
            RELAY,
            "invite_expired",
        ),
    ];
    for (name, description, sealed, link_relay, expect) in offer_cases {
        out.push(invite.offer_open(name, description, &sealed, link_relay, expect));
    }

    let carol = identity("carol");
    let answer_cases: Vec<AnswerCase> = vec![
        (
            "answer_ok",
            "Bob's answer opens and its transcript signature verifies.",
            sealed_offer,
            invite.sealed_answer.clone(),
            "ok",
        ),
        (
            "answer_swapped",
            "The relay serves another invite's answer.",
            sealed_offer,
            other.sealed_answer.clone(),
            "invite_altered",
        ),
        (
            "answer_tampered",
            "One bit of the answer's ciphertext is flipped.",
            sealed_offer,
            flipped(&invite.sealed_answer, 50),
            "invite_altered",
        ),
        (
            "answer_other_offer",
            "Bob signed a transcript over a different sealed offer than the one Alice posted (the relay swapped the offer Bob saw).",
            &other.sealed_offer,
            invite.sealed_answer.clone(),
            "bad_transcript",
        ),
        (
            "answer_signed_by_other_key",
            "The answer carries Carol's bundle but Bob's signature.",
            sealed_offer,
            {
                let bob_text =
                    String::from_utf8_lossy(&carol_answer_plaintext(&invite, &bob, &carol)?)
                        .into_owned();
                seal_invite_plaintext(
                    &invite.secret,
                    Direction::Answer,
                    nonce("answer_other_key"),
                    bob_text.as_bytes(),
                )
            },
            "bad_transcript",
        ),
    ];
    for (name, description, offer, answer, expect) in answer_cases {
        out.push(invite.answer_open(name, description, offer, &answer, expect));
    }
    Ok(())
}

/// Bob's answer plaintext with Carol's bundle in place of Bob's.
fn carol_answer_plaintext(
    invite: &InviteFixture,
    bob: &Identity,
    carol: &Identity,
) -> Result<Vec<u8>, InboxVectorError> {
    let trace = invite_trace(&invite.secret);
    let transcript = Transcript::new(
        trace.id,
        &identity("alice").fingerprint(),
        &bob.fingerprint(),
        &invite.sealed_offer,
    );
    let answer = json!({
        "acceptor_account": AccountId::from_bytes(id16("account bob")).to_string(),
        "acceptor_bundle": b64::encode(carol.bundle().as_bytes()),
        "acceptor_name": "Bob Martin",
        "grant": serde_json::to_value(bob_grant()).map_err(|_| InboxVectorError::Unsuitable("grant"))?,
        "signature": b64::encode(bob.sign(SignatureKind::Transcript, transcript.as_bytes()).as_bytes()),
    });
    serde_json::to_vec(&answer).map_err(|_| InboxVectorError::Unsuitable("answer"))
}

fn entries_payload() -> Payload {
    let mut wifi = EntrySnapshot::default();
    wifi.title = "Home Wi-Fi".into();
    wifi.password = "c0rrect-h0rse-battery".into();
    wifi.urls = vec!["http://192.168.1.1/".into()];
    wifi.custom_fields = vec![SnapshotField {
        name: "SSID".into(),
        value: "Martin family".into(),
        hidden: false,
    }];
    Payload::Entries(EntriesPayload {
        sequence: 1,
        sender_name: "Alice Martin".into(),
        note: "The Wi-Fi, as promised.".into(),
        entries: vec![wifi],
    })
}

fn message_vectors(out: &mut Vec<Vector>) -> Result<(), InboxVectorError> {
    let alice = identity("alice");
    let bob = identity("bob");
    let carol = identity("carol");
    let message_id = MessageId::from_bytes(id16("message 1"));
    let ikm_e = seed("message 1 ikm_e");
    let payloads = [
        (
            "message_ok_entries",
            "Alice sends Bob one entry.",
            entries_payload(),
        ),
        (
            "message_ok_request",
            "Alice asks Bob for a password.",
            Payload::Request(RequestPayload {
                sequence: 2,
                text: "Could you send me the alarm code?".into(),
            }),
        ),
    ];
    for (name, description, payload) in &payloads {
        let sealed = seal_message(&alice, bob.bundle(), message_id, SENT_AT, payload, ikm_e)?;
        let plaintext = payload
            .to_canonical_json()
            .map_err(|_| InboxVectorError::Unsuitable("payload"))?;
        let mut header = [0u8; HEADER_LEN];
        header.copy_from_slice(&sealed[..HEADER_LEN]);
        let signature = alice.sign(
            SignatureKind::Message,
            &[header.as_slice(), &plaintext].concat(),
        );
        let inner = message_inner(alice.bundle().as_bytes(), &signature, &plaintext);
        out.push(vector(
            name,
            json!({
                "kind": "message",
                "description": description,
                "sender_seed": hex(&seed("identity alice")),
                "recipient_seed": hex(&seed("identity bob")),
                "created_at": CREATED_AT,
                "message_id": message_id.to_string(),
                "sent_at": SENT_AT,
                "ikm_e": hex(&ikm_e),
                "payload": String::from_utf8_lossy(&plaintext),
                "derived": {
                    "header": hex(&header),
                    "enc": hex(&header[HEADER_LEN - 32..]),
                    "signature": b64::encode(signature.as_bytes()),
                    "unpadded_inner_len": INNER_FIXED_LEN + plaintext.len(),
                    "padded_inner_len": padme(INNER_FIXED_LEN + plaintext.len()),
                    "inner": hex(&inner),
                    "ciphertext": b64::encode(&sealed[HEADER_LEN..]),
                },
                "sealed": b64::encode(&sealed),
                "expect": "ok",
            }),
        ));
    }

    let good = seal_message(
        &alice,
        bob.bundle(),
        message_id,
        SENT_AT,
        &entries_payload(),
        ikm_e,
    )?;
    let plaintext = entries_payload()
        .to_canonical_json()
        .map_err(|_| InboxVectorError::Unsuitable("payload"))?;
    let patched = |index: usize, value: u8| {
        let mut copy = good.clone();
        copy[index] = value;
        copy
    };
    let raw = |label: &str, sender: &Identity, make: &dyn Fn(&[u8; HEADER_LEN]) -> Vec<u8>| {
        seal_message_inner(
            bob.bundle(),
            message_id,
            SENT_AT,
            sender.fingerprint(),
            seed(label),
            make,
        )
    };
    let signed_inner = |header: &[u8; HEADER_LEN],
                        signer: &Identity,
                        bundle: &[u8; BUNDLE_LEN],
                        payload: &[u8]| {
        let signature = signer.sign(
            SignatureKind::Message,
            &[header.as_slice(), payload].concat(),
        );
        message_inner(bundle, &signature, payload)
    };
    // Alice's inner for the plaintext, with her signature of `kind` over header || `signed`.
    let signed_over = |header: &[u8; HEADER_LEN], kind: SignatureKind, signed: &[u8]| {
        let signature = alice.sign(kind, &[header.as_slice(), signed].concat());
        message_inner(alice.bundle().as_bytes(), &signature, &plaintext)
    };
    // Alice's own inner, signed, then changed by `change`.
    let changed_inner = |label: &str, change: &dyn Fn(&mut Vec<u8>)| {
        raw(label, &alice, &|header| {
            let mut inner = signed_inner(header, &alice, alice.bundle().as_bytes(), &plaintext);
            change(&mut inner);
            inner
        })
    };
    let mut altered_bundle = *alice.bundle().as_bytes();
    altered_bundle[70] ^= 0x01;
    let not_canonical = String::from_utf8_lossy(&plaintext).replacen("\"note\"", " \"note\"", 1);
    let cases: Vec<MessageCase> = vec![
        (
            "message_too_large",
            "The sealed message followed by zero bytes up to 4 MiB + 1.",
            good.clone(),
            MAX_SEALED_MESSAGE_LEN + 1 - good.len(),
            "too_large",
        ),
        (
            "message_bad_magic",
            "The magic is \"KPM2\".",
            patched(3, b'2'),
            0,
            "malformed_header",
        ),
        (
            "message_truncated",
            "Shorter than a header and a tag.",
            good[..HEADER_LEN + 15].to_vec(),
            0,
            "malformed_header",
        ),
        (
            "message_unsupported_version",
            "Version 2.",
            patched(4, 2),
            0,
            "unsupported_version",
        ),
        (
            "message_unsupported_suite",
            "Suite 2.",
            patched(5, 2),
            0,
            "unsupported_suite",
        ),
        (
            "message_not_for_me",
            "Sealed to Carol, opened by Bob.",
            seal_message(
                &alice,
                carol.bundle(),
                message_id,
                SENT_AT,
                &entries_payload(),
                ikm_e,
            )?,
            0,
            "not_for_me",
        ),
        (
            "message_tampered_ciphertext",
            "One bit of the ciphertext is flipped.",
            flipped(&good, HEADER_LEN + 3),
            0,
            "decryption_failed",
        ),
        (
            "message_tampered_tag",
            "One bit of the tag is flipped.",
            flipped(&good, good.len() - 1),
            0,
            "decryption_failed",
        ),
        (
            "message_tampered_message_id",
            "The relay changes the message id in the header (associated data).",
            flipped(&good, 6),
            0,
            "decryption_failed",
        ),
        (
            "message_tampered_sent_at",
            "The relay changes sent_at in the header.",
            flipped(&good, 29),
            0,
            "decryption_failed",
        ),
        (
            "message_tampered_sender",
            "The relay changes the sender fingerprint in the header.",
            flipped(&good, 30),
            0,
            "decryption_failed",
        ),
        (
            "message_tampered_enc",
            "One bit of the encapsulated key is flipped.",
            flipped(&good, HEADER_LEN - 1),
            0,
            "decryption_failed",
        ),
        (
            "message_padding_not_zero",
            "The last padding byte is 0x01.",
            changed_inner("padding", &|inner| {
                if let Some(last) = inner.last_mut() {
                    *last = 1;
                }
            })?,
            0,
            "malformed_inner",
        ),
        (
            "message_padding_wrong_length",
            "One zero byte more than Padmé's length.",
            changed_inner("padding length", &|inner| inner.push(0))?,
            0,
            "malformed_inner",
        ),
        (
            "message_payload_length_overflow",
            "The payload length says more bytes than the inner holds.",
            changed_inner("length overflow", &|inner| {
                inner[INNER_FIXED_LEN - 4..INNER_FIXED_LEN].copy_from_slice(&u32::MAX.to_be_bytes())
            })?,
            0,
            "malformed_inner",
        ),
        (
            "message_inner_too_short",
            "The inner plaintext is shorter than a bundle and a signature.",
            raw("short inner", &alice, &|_| vec![0; 100])?,
            0,
            "malformed_inner",
        ),
        (
            "message_sender_mismatch",
            "The header names Alice; the inner bundle is Carol's (signed by Carol).",
            raw("sender mismatch", &alice, &|header| {
                signed_inner(header, &carol, carol.bundle().as_bytes(), &plaintext)
            })?,
            0,
            "sender_mismatch",
        ),
        (
            "message_bad_bundle",
            "Alice's bundle with one byte of created_at changed (same keys, so the same fingerprint; the self-signature fails).",
            raw("bad bundle", &alice, &|header| {
                signed_inner(header, &alice, &altered_bundle, &plaintext)
            })?,
            0,
            "bad_bundle",
        ),
        (
            "message_bad_signature",
            "Alice's signature is over another payload.",
            raw("bad signature", &alice, &|header| {
                signed_over(header, SignatureKind::Message, b"{}")
            })?,
            0,
            "bad_signature",
        ),
        (
            "message_wrong_signature_kind",
            "Alice signed header || payload as a transcript, not a message.",
            raw("wrong kind", &alice, &|header| {
                signed_over(header, SignatureKind::Transcript, &plaintext)
            })?,
            0,
            "bad_signature",
        ),
        (
            "message_invalid_payload",
            "Correctly signed, but the payload JSON is not canonical (a space).",
            raw("invalid payload", &alice, &|header| {
                signed_inner(
                    header,
                    &alice,
                    alice.bundle().as_bytes(),
                    not_canonical.as_bytes(),
                )
            })?,
            0,
            "invalid_payload",
        ),
    ];
    for (name, description, sealed, append_zeros, expect) in cases {
        out.push(vector(
            name,
            json!({
                "kind": "message_open",
                "description": description,
                "recipient_seed": hex(&seed("identity bob")),
                "created_at": CREATED_AT,
                "sealed": b64::encode(&sealed),
                "append_zeros": append_zeros,
                "expect": expect,
            }),
        ));
    }
    Ok(())
}

fn link_vectors(out: &mut Vec<Vector>) -> Result<(), InboxVectorError> {
    let secret = InviteSecret::from_bytes(seed("invite A"));
    let f = secret.to_base64().to_string();
    let ok_cases = [
        (
            "link_ok",
            "The link form.",
            format!("keypost://invite?r=https%3A%2F%2Frelay.example#{f}"),
            RELAY,
        ),
        (
            "link_ok_code",
            "The code form: relay URL, #, secret.",
            format!("https://relay.example#{f}"),
            RELAY,
        ),
        (
            "link_ok_loopback_http",
            "http:// to a loopback relay, with a port.",
            format!("keypost://invite?r=http%3A%2F%2F127.0.0.1%3A7878#{f}"),
            "http://127.0.0.1:7878",
        ),
        (
            "link_ok_path_prefix_lower_hex",
            "A relay under a path prefix, lower-case hex escapes, surrounding whitespace.",
            format!("  keypost://invite?r=https%3a%2f%2frelay.example%2fkeypost#{f}\n"),
            "https://relay.example/keypost",
        ),
    ];
    for (name, description, text, relay) in ok_cases {
        let link = InviteLink::new(relay, secret.clone())?;
        out.push(vector(
            name,
            json!({
                "kind": "invite_link",
                "description": description,
                "link": text,
                "secret": f,
                "relay_url": relay,
                "link_form": link.to_link().as_str(),
                "code_form": link.to_code().as_str(),
                "expect": "ok",
            }),
        ));
    }
    let short = &f[..40];
    let bad_cases = [
        (
            "link_missing_secret",
            "No # part.",
            "keypost://invite?r=https%3A%2F%2Frelay.example".to_owned(),
            "missing_secret",
        ),
        (
            "link_secret_padded",
            "The secret ends in =.",
            format!("keypost://invite?r=https%3A%2F%2Frelay.example#{f}="),
            "non_canonical",
        ),
        (
            "link_secret_standard_alphabet",
            "The secret uses + and /.",
            format!(
                "https://relay.example#{}",
                f.replace('-', "+").replace('_', "/")
            ),
            "non_canonical",
        ),
        (
            "link_secret_too_short",
            "30 bytes of secret.",
            format!("https://relay.example#{short}"),
            "wrong_secret_length",
        ),
        (
            "link_wrong_scheme",
            "A pickup deep link.",
            format!("keypost://pickup?u=https%3A%2F%2Frelay.example#{f}"),
            "not_an_invite_link",
        ),
        (
            "link_missing_relay",
            "No query.",
            format!("keypost://invite#{f}"),
            "missing_relay",
        ),
        (
            "link_empty_relay",
            "r= is empty.",
            format!("keypost://invite?r=#{f}"),
            "missing_relay",
        ),
        (
            "link_extra_parameter",
            "A second parameter.",
            format!("keypost://invite?r=https%3A%2F%2Frelay.example&n=1#{f}"),
            "unexpected_parameter",
        ),
        (
            "link_raw_reserved",
            "The relay URL is not percent-encoded.",
            format!("keypost://invite?r=https://relay.example#{f}"),
            "bad_percent_encoding",
        ),
        (
            "link_relay_not_http",
            "An ftp:// relay.",
            format!("keypost://invite?r=ftp%3A%2F%2Frelay.example#{f}"),
            "relay_not_http",
        ),
        (
            "link_relay_plain_http",
            "http:// to a host that is not loopback.",
            format!("http://relay.example#{f}"),
            "relay_not_https",
        ),
        (
            "link_relay_trailing_slash",
            "The relay URL ends in /.",
            format!("https://relay.example/#{f}"),
            "bad_relay_url",
        ),
        (
            "link_relay_userinfo",
            "The relay URL has user information.",
            format!("https://me@relay.example#{f}"),
            "bad_relay_url",
        ),
    ];
    for (name, description, text, expect) in bad_cases {
        out.push(vector(
            name,
            json!({
                "kind": "invite_link",
                "description": description,
                "link": text,
                "expect": expect,
            }),
        ));
    }
    Ok(())
}
