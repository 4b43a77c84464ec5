//! Any bytes as an inbox request body (accounts, invites, grants, mailbox), decoded as the
//! relay decodes it: JSON into the API types (ids and bundles checked while parsing), the
//! registration signature verified, every binary field as canonical base64url, emails and times
//! as the routes read them. A body that parses serializes back to one that parses the same.
#![no_main]

use keypost_protocol::api::accounts::{
    RegisterRequest, SessionRequest, SetEmailRequest, VerifyEmailRequest,
};
use keypost_protocol::api::invites::{AcceptInviteRequest, CreateInviteRequest};
use keypost_protocol::api::mailbox::{AckRequest, CreateGrantRequest, DepositRequest};
use keypost_protocol::b64;
use keypost_protocol::email::EmailAddress;
use keypost_protocol::inbox::SignatureKind;
use keypost_protocol::inbox::signing::registration_content;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const RELAY_URL: &str = "https://relay.example";

/// The body as `T`, after checking that it survives a round trip through JSON.
fn parsed<T>(data: &[u8]) -> Option<T>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let request = serde_json::from_slice::<T>(data).ok()?;
    let again = serde_json::to_vec(&request).expect("a parsed body serializes");
    assert_eq!(
        serde_json::from_slice::<T>(&again).expect("a serialized body parses"),
        request
    );
    Some(request)
}

/// A binary field: when it decodes, it is the one canonical text of its bytes.
fn binary(text: &str) {
    if let Ok(bytes) = b64::decode(text) {
        assert_eq!(b64::encode(&bytes), text);
    }
    let _ = b64::decode_array::<32>(text);
}

fn email(text: &str) {
    let _ = EmailAddress::parse(&text.to_ascii_lowercase());
}

fuzz_target!(|data: &[u8]| {
    if let Some(request) = parsed::<RegisterRequest>(data) {
        let content = registration_content(RELAY_URL, &request.account_id);
        let _ = request
            .bundle
            .verify(SignatureKind::Register, &content, &request.signature);
    }
    if let Some(request) = parsed::<SessionRequest>(data) {
        binary(&request.challenge);
    }
    if let Some(request) = parsed::<SetEmailRequest>(data) {
        email(&request.email);
    }
    if let Some(request) = parsed::<VerifyEmailRequest>(data) {
        let _ = request.code.bytes().all(|b| b.is_ascii_digit());
    }
    if let Some(request) = parsed::<CreateInviteRequest>(data) {
        binary(&request.accept_token_hash);
        binary(&request.sealed_offer);
        if let Some(target) = &request.target_email {
            email(target);
        }
        let _ = OffsetDateTime::parse(&request.expires_at, &Rfc3339);
    }
    if let Some(request) = parsed::<AcceptInviteRequest>(data) {
        binary(&request.accept_token);
        binary(&request.sealed_answer);
    }
    if let Some(request) = parsed::<CreateGrantRequest>(data) {
        binary(&request.token_hash);
    }
    if let Some(request) = parsed::<DepositRequest>(data) {
        binary(&request.grant_token);
        binary(&request.sealed);
    }
    let _ = parsed::<AckRequest>(data);
});
