//! Any bytes as a sealed invite offer or answer: both openers refuse, never panic.
#![no_main]

use keypost_protocol::inbox::{Answer, Fingerprint, InviteSecret, Offer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let secret = InviteSecret::from_bytes([7; 32]);
    let now = time::OffsetDateTime::UNIX_EPOCH;
    assert!(Offer::open(&secret, data, "https://relay.example", now).is_err());
    let inviter = Fingerprint::from_bytes([1; 32]);
    let (offer, answer) = data.split_at(data.len() / 2);
    assert!(Answer::open(&secret, &inviter, offer, answer).is_err());
});
