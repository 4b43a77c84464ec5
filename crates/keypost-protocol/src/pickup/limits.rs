//! Every number a pickup must stay within (docs/spec/pickup.md, "Limits" and "Relay API").
//!
//! The sender's app checks these before sealing, the relay checks them again on create, and
//! the UI shows them (through [`PickupLimits::CURRENT`]); declaring them once here is what keeps
//! the three from drifting apart.

use serde::Serialize;
use unicode_general_category::{GeneralCategory, get_general_category};

/// Entries in one pickup: 1 to this many.
pub const MAX_ENTRIES: usize = 1_000;
/// The sender's name as the recipient sees it, in characters (Unicode scalar values), the same
/// inside the sealed payload and in the relay's unsealed copy.
pub const MAX_SENDER_NAME_CHARS: usize = 100;
/// The message to the recipient, in characters (may be empty).
pub const MAX_MESSAGE_CHARS: usize = 500;
/// A recipient address, in bytes (RFC 5321's path limit minus the angle brackets).
pub const MAX_EMAIL_CHARS: usize = 254;
/// The local part of a recipient address, in bytes (RFC 5321).
pub const MAX_EMAIL_LOCAL_CHARS: usize = 64;
/// The years a payload's `sent_at` may lie in: 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z,
/// what every common date library reads (year 0000 is not, in most of them).
pub const SENT_AT_YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;
/// The shortest lifetime a sender may choose: 1 hour.
pub const MIN_EXPIRY_SECONDS: u64 = 3_600;
/// The longest lifetime a sender may choose: 90 days.
pub const MAX_EXPIRY_SECONDS: u64 = 90 * 86_400;
/// Successful opens a sender may allow; `None` on the wire means no view limit.
pub const MAX_VIEWS: u32 = 100;
/// Wrong PINs a pickup survives: the relay destroys the copy at the last one (the
/// `attempts_left` a new pickup starts with).
pub const PIN_ATTEMPTS: u32 = 3;
/// The largest sealed payload anyone may make, store or open: 5 MiB.
pub const MAX_SEALED_LEN: usize = 5 * 1024 * 1024;
/// The largest canonical JSON payload: the sealed limit minus the header (42 bytes) and the
/// AEAD tag (16 bytes); `sealed.rs` checks the arithmetic at compile time.
pub const MAX_PLAINTEXT_LEN: usize = MAX_SEALED_LEN - 42 - 16;
/// Base64url length of the largest sealed payload, for the relay's body limit.
pub const MAX_SEALED_BASE64_LEN: usize = MAX_SEALED_LEN.div_ceil(3) * 4;
/// The longest unpadded base64url text of a sealed payload (6,990,507 characters): an opener
/// refuses a longer text as too large before decoding it.
pub const MAX_SEALED_TEXT_LEN: usize = (MAX_SEALED_LEN * 4).div_ceil(3);

/// True for a format control: Unicode general category Cf (tables of Unicode 18.0), e.g. the
/// bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E,
/// U+200F and U+061C, zero-width characters U+200B–U+200D and U+2060, and U+FEFF. They are
/// invisible and can make a name or message show other text than it holds (an override
/// reverses what follows), so neither may contain one.
pub fn is_format_control(c: char) -> bool {
    get_general_category(c) == GeneralCategory::Format
}

/// The characters a sender name may hold: no control character (Cc) and no format control.
/// The same rule holds for the relay's copy and the sealed payload.
pub fn sender_name_chars_allowed(name: &str) -> bool {
    !name.chars().any(|c| c.is_control() || is_format_control(c))
}

/// The characters a message may hold: no format control, and no control character other than
/// the line breaks and tab a message is written with (LF, CR, HT).
pub fn message_chars_allowed(message: &str) -> bool {
    !message
        .chars()
        .any(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_format_control(c))
}

// The UI reads the seconds as JavaScript numbers, exact below 2^53.
const _: () = assert!(MAX_EXPIRY_SECONDS < 1 << 53);

/// The limits as one value, for the desktop UI (generated TypeScript under the `ts` feature).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PickupLimits {
    pub max_entries: u32,
    pub max_sender_name_chars: u32,
    pub max_message_chars: u32,
    pub max_email_chars: u32,
    /// Seconds; a `number` in TypeScript (the values fit exactly in a double).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub min_expiry_seconds: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub max_expiry_seconds: u64,
    pub max_views: u32,
}

impl PickupLimits {
    /// The limits this version of the protocol enforces (the tests below check the `as` casts
    /// lose nothing).
    pub const CURRENT: Self = Self {
        max_entries: MAX_ENTRIES as u32,
        max_sender_name_chars: MAX_SENDER_NAME_CHARS as u32,
        max_message_chars: MAX_MESSAGE_CHARS as u32,
        max_email_chars: MAX_EMAIL_CHARS as u32,
        min_expiry_seconds: MIN_EXPIRY_SECONDS,
        max_expiry_seconds: MAX_EXPIRY_SECONDS,
        max_views: MAX_VIEWS,
    };

    /// True when `seconds` is a lifetime a sender may choose.
    pub fn expiry_allowed(seconds: u64) -> bool {
        (MIN_EXPIRY_SECONDS..=MAX_EXPIRY_SECONDS).contains(&seconds)
    }

    /// True when `max_views` is a view limit a sender may choose (`None`: no limit).
    pub fn views_allowed(max_views: Option<u32>) -> bool {
        max_views.is_none_or(|views| (1..=MAX_VIEWS).contains(&views))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_limits_match_the_constants() {
        let limits = PickupLimits::CURRENT;
        assert_eq!(limits.max_entries as usize, MAX_ENTRIES);
        assert_eq!(limits.max_sender_name_chars as usize, MAX_SENDER_NAME_CHARS);
        assert_eq!(limits.max_message_chars as usize, MAX_MESSAGE_CHARS);
        assert_eq!(limits.max_email_chars as usize, MAX_EMAIL_CHARS);
    }

    #[test]
    fn names_and_messages_refuse_control_and_format_characters() {
        for bidi in ['\u{202E}', '\u{2066}', '\u{2069}', '\u{200F}', '\u{061C}'] {
            assert!(is_format_control(bidi));
            assert!(!sender_name_chars_allowed(&format!("Ana{bidi}gpj.exe")));
            assert!(!message_chars_allowed(&format!("see {bidi}here")));
        }
        for other in ['\u{200B}', '\u{200D}', '\u{FEFF}', '\u{00AD}', '\u{E0001}'] {
            assert!(is_format_control(other), "{other:?}");
        }
        assert!(!sender_name_chars_allowed("Ana\r\nBcc: x"));
        assert!(!sender_name_chars_allowed("Ana\tLima"));
        assert!(message_chars_allowed("Line one\r\nline two\tand a tab"));
        assert!(!message_chars_allowed("bell\u{7}"));
        assert!(!message_chars_allowed("next line\u{85}"));
        for fine in [
            "Ana Lima",
            "Zoë Ødegård",
            "أنا",
            "李雷",
            "=?utf-8?q?=0D=0A?=",
            "🔑",
        ] {
            assert!(sender_name_chars_allowed(fine), "{fine}");
            assert!(message_chars_allowed(fine), "{fine}");
        }
    }

    #[test]
    fn expiry_and_views_bounds() {
        assert!(!PickupLimits::expiry_allowed(3_599));
        assert!(PickupLimits::expiry_allowed(3_600));
        assert!(PickupLimits::expiry_allowed(7_776_000));
        assert!(!PickupLimits::expiry_allowed(7_776_001));
        assert!(PickupLimits::views_allowed(None));
        assert!(!PickupLimits::views_allowed(Some(0)));
        assert!(PickupLimits::views_allowed(Some(100)));
        assert!(!PickupLimits::views_allowed(Some(101)));
    }
}
