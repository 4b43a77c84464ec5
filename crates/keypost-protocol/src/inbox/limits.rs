//! Every number the inbox must stay within (docs/spec/inbox.md, "Limits"), declared once: the
//! sender's app checks them before sealing, the relay on every request, and the UI shows them
//! (through [`InboxLimits::CURRENT`]).

use serde::Serialize;

/// Entries in one message: 1 to this many (the pickup limit: the same snapshots travel).
pub const MAX_ENTRIES: usize = crate::pickup::limits::MAX_ENTRIES;
/// The note that travels with entries, in characters (Unicode scalar values).
pub const MAX_NOTE_CHARS: usize = 500;
/// A display name (the sender's own, or a petname), in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The largest per-contact sequence number: 2^53 − 1, exact in every JSON reader.
pub const MAX_SEQUENCE: u64 = (1 << 53) - 1;
/// The largest sealed message anyone may make, store or open: 4 MiB.
pub const MAX_SEALED_MESSAGE_LEN: usize = 4 * 1024 * 1024;
/// The largest sealed invite offer or answer: 16 KiB.
pub const MAX_SEALED_INVITE_LEN: usize = 16 * 1024;
/// Messages one mailbox holds before deposits are refused.
pub const MAILBOX_MAX_MESSAGES: u32 = 1_000;
/// Bytes of sealed messages one mailbox holds before deposits are refused: 256 MiB.
pub const MAILBOX_MAX_BYTES: u64 = 256 * 1024 * 1024;
/// The longest a mailbox fetch waits for a message (under the relay's request timeout).
pub const MAX_FETCH_WAIT_SECONDS: u64 = 10;
/// Messages one fetch returns, and ids one acknowledgement names, at the most.
pub const FETCH_BATCH: usize = 50;
/// An undelivered message is kept this long, then expires.
pub const MESSAGE_RETENTION_SECONDS: u64 = 30 * 86_400;
/// The shortest and longest lifetime of an invite.
pub const MIN_INVITE_EXPIRY_SECONDS: u64 = 3_600;
pub const MAX_INVITE_EXPIRY_SECONDS: u64 = 7 * 86_400;
/// How far the relay's clock may differ from the inviter's: the relay accepts an invite's
/// lifetime this much outside the range above, measured on its own clock.
pub const INVITE_EXPIRY_SLACK_SECONDS: u64 = 300;
/// A login session's lifetime.
pub const SESSION_SECONDS: u64 = 3_600;
/// A login challenge's lifetime; it is also single use.
pub const CHALLENGE_SECONDS: u64 = 60;
/// Digits of an emailed verification code.
pub const EMAIL_CODE_DIGITS: usize = 8;
/// Wrong guesses one emailed code survives: the relay deletes it at the last one.
pub const EMAIL_CODE_ATTEMPTS: u32 = 5;
/// How long an emailed code stays valid.
pub const EMAIL_CODE_SECONDS: u64 = 15 * 60;
/// Codes one account may ask for per day.
pub const EMAIL_CODES_PER_DAY: u32 = 5;

/// The limits as one value, for the desktop UI (generated TypeScript under the `ts` feature).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct InboxLimits {
    pub max_entries: u32,
    pub max_note_chars: u32,
    pub max_name_chars: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub min_invite_expiry_seconds: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub max_invite_expiry_seconds: u64,
    pub email_code_digits: u32,
}

impl InboxLimits {
    /// The limits this version of the protocol enforces.
    pub const CURRENT: Self = Self {
        max_entries: MAX_ENTRIES as u32,
        max_note_chars: MAX_NOTE_CHARS as u32,
        max_name_chars: MAX_NAME_CHARS as u32,
        min_invite_expiry_seconds: MIN_INVITE_EXPIRY_SECONDS,
        max_invite_expiry_seconds: MAX_INVITE_EXPIRY_SECONDS,
        email_code_digits: EMAIL_CODE_DIGITS as u32,
    };

    /// True when `seconds` is a lifetime an inviter may choose.
    pub fn invite_expiry_allowed(seconds: u64) -> bool {
        (MIN_INVITE_EXPIRY_SECONDS..=MAX_INVITE_EXPIRY_SECONDS).contains(&seconds)
    }

    /// True when the relay accepts `seconds` (to the invite's expiry, on the relay's clock):
    /// an allowed lifetime give or take [`INVITE_EXPIRY_SLACK_SECONDS`] of clock difference.
    pub fn invite_expiry_accepted_by_relay(seconds: u64) -> bool {
        (MIN_INVITE_EXPIRY_SECONDS - INVITE_EXPIRY_SLACK_SECONDS
            ..=MAX_INVITE_EXPIRY_SECONDS + INVITE_EXPIRY_SLACK_SECONDS)
            .contains(&seconds)
    }
}

// The UI reads the seconds as JavaScript numbers, exact below 2^53.
const _: () = assert!(MAX_INVITE_EXPIRY_SECONDS < 1 << 53);
const _: () = assert!(MAX_SEALED_MESSAGE_LEN < u32::MAX as usize);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_limits_match_the_constants() {
        let limits = InboxLimits::CURRENT;
        assert_eq!(limits.max_entries as usize, MAX_ENTRIES);
        assert_eq!(limits.max_note_chars as usize, MAX_NOTE_CHARS);
        assert_eq!(limits.max_name_chars as usize, MAX_NAME_CHARS);
        assert_eq!(limits.email_code_digits as usize, EMAIL_CODE_DIGITS);
    }

    #[test]
    fn invite_expiry_is_one_hour_to_seven_days() {
        assert!(!InboxLimits::invite_expiry_allowed(3_599));
        assert!(InboxLimits::invite_expiry_allowed(3_600));
        assert!(InboxLimits::invite_expiry_allowed(604_800));
        assert!(!InboxLimits::invite_expiry_allowed(604_801));
        assert!(!InboxLimits::invite_expiry_accepted_by_relay(3_299));
        assert!(InboxLimits::invite_expiry_accepted_by_relay(3_300));
        assert!(InboxLimits::invite_expiry_accepted_by_relay(605_100));
        assert!(!InboxLimits::invite_expiry_accepted_by_relay(605_101));
    }
}
