//! Any bytes as a key bundle: parsed and verified, or refused; never a panic. A bundle that
//! parses prints back to the same bytes.
#![no_main]

use keypost_protocol::inbox::KeyBundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = KeyBundle::from_bytes(data) {
        assert_eq!(bundle.as_bytes().as_slice(), data);
    }
});
