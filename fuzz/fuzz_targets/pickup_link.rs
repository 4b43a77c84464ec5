//! Any text as a pickup link: parsed or refused; a parsed link prints back to a link that
//! parses to the same secret.
#![no_main]

use keypost_protocol::pickup::PickupLink;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(link) = PickupLink::parse(text) {
        let again = PickupLink::parse(&link.to_web_link()).expect("printed link parses");
        assert_eq!(again.secret().as_bytes(), link.secret().as_bytes());
    }
});
