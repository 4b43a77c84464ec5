//! Any bytes as a sealed pickup: the header parser and `open` refuse, never panic.
#![no_main]

use keypost_protocol::pickup::{LinkSecret, Pin, SealedHeader, open};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = SealedHeader::parse(data);
    let secret = LinkSecret::from_bytes([7; 32]);
    if let Ok(pin) = Pin::parse("12345") {
        assert!(open(&secret, &pin, None, data).is_err());
    }
});
