//! The Unicode version a passphrase is read under (docs/spec/pickup.md, "Passphrase").
//!
//! NFC gives the same bytes in every implementation only for code points that all of them
//! know: Unicode's stability policy freezes the normalisation of an assigned character, but a
//! character added later is left alone by older data and may be recomposed or reordered by
//! newer data. So a passphrase may hold only code points that Unicode 15.0 assigns, and any
//! implementation whose data is 15.0 or newer normalises it identically.

use unicode_general_category::{GeneralCategory, UNICODE_VERSION, get_general_category};

/// The pinned version: `unicode_general_category`'s data, which the NFC tables of
/// `unicode_normalization` are at least as new as (checked by a test).
pub const PASSPHRASE_UNICODE_VERSION: (u64, u64, u64) = UNICODE_VERSION;

/// Whether `c` may appear in a passphrase: assigned in Unicode 15.0 (General_Category is not
/// `Cn`, which also covers the 66 noncharacters).
pub fn assigned_in_passphrase_unicode(c: char) -> bool {
    get_general_category(c) != GeneralCategory::Unassigned && !is_noncharacter(c)
}

/// U+FDD0..U+FDEF and the last two code points of every plane: `Cn` in every version, listed
/// here because the category table answers "private use" past its last range.
fn is_noncharacter(c: char) -> bool {
    let value = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&value) || value & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_version_is_15_0_and_normalisation_is_not_older() {
        assert_eq!(PASSPHRASE_UNICODE_VERSION, (15, 0, 0));
        let (major, minor, _) = unicode_normalization::UNICODE_VERSION;
        assert!((u64::from(major), u64::from(minor)) >= (15, 0));
    }

    #[test]
    fn knows_what_15_0_assigns() {
        for assigned in [
            'a',
            'é',
            '\u{301}',
            '한',
            '😀',
            '\u{E000}',
            '\u{1E4D0}',
            '\u{10FFFD}',
        ] {
            assert!(assigned_in_passphrase_unicode(assigned), "{assigned:?}");
        }
        // U+0378 is a hole in Greek; U+0897 (a combining mark) came with Unicode 16.0.
        for unassigned in [
            '\u{378}',
            '\u{897}',
            '\u{FDD0}',
            '\u{FFFF}',
            '\u{10FFFF}',
            '\u{E0080}',
        ] {
            assert!(
                !assigned_in_passphrase_unicode(unassigned),
                "{unassigned:?}"
            );
        }
    }
}
