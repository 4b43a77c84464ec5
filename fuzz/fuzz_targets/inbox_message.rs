//! Any bytes as a sealed message: the header parser and `open` refuse, never panic.
#![no_main]

use keypost_protocol::inbox::sealed::{MessageHeader, open};
use keypost_protocol::inbox::{Identity, IdentitySeed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = MessageHeader::parse(data);
    let me = Identity::from_seed(&IdentitySeed::from_vault_bytes([7; 32]), 0);
    let _ = open(&me, data);
});
