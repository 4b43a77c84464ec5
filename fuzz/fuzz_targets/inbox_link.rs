//! Any text as an invite link or code: parsed or refused; a parsed link prints back to a link
//! and a code that parse to the same relay and secret.
#![no_main]

use keypost_protocol::inbox::InviteLink;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(link) = InviteLink::parse(text) {
        assert_eq!(InviteLink::parse(&link.to_link()).expect("printed link parses"), link);
        assert_eq!(InviteLink::parse(&link.to_code()).expect("printed code parses"), link);
    }
});
