//! Strict percent-encoding of a URL inside a `keypost://` link's query (docs/spec/pickup.md,
//! "Links"; docs/spec/inbox.md, "Invite link"): every byte except RFC 3986 unreserved
//! characters is `%XX`.

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~".contains(&byte)
}

/// Encodes every byte except RFC 3986 unreserved characters, as `%XX` with upper-case hex.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if is_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Accepts only unreserved characters and `%XX` (hex in either case); the result must be
/// UTF-8. `None` for anything else.
pub(crate) fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' {
            let hex = bytes
                .get(index + 1..index + 3)
                .and_then(|pair| std::str::from_utf8(pair).ok())
                .filter(|pair| pair.bytes().all(|b| b.is_ascii_hexdigit()))?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else if is_unreserved(byte) {
            out.push(byte);
            index += 1;
        } else {
            return None;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_bytes_and_decodes_strictly() {
        assert_eq!(encode("http://a:1/é"), "http%3A%2F%2Fa%3A1%2F%C3%A9");
        assert_eq!(decode("http%3a%2F%2Fa").as_deref(), Some("http://a"));
        for bad in ["a/b", "%2", "%zz", "%FF", "a b"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
