//! Any bytes as a vault header: parsed or refused, and what parses serialises back identically.
#![no_main]

use keypost_core::vault::VaultHeader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = VaultHeader::parse(data) {
        assert_eq!(header.to_bytes().as_slice(), data);
    }
});
