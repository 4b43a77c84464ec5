//! The EFF large word list (7,776 words, log2(7776) ≈ 12.925 bits per word),
//! © Electronic Frontier Foundation, CC BY 3.0 US, bundled in `eff_large_wordlist.txt`.
//!
//! One copy for every use: the vault's passphrase generator and the 7 words that show a
//! person's inbox fingerprint (docs/spec/inbox.md, "Fingerprint words").

use std::sync::OnceLock;

const WORDLIST_TEXT: &str = include_str!("eff_large_wordlist.txt");
/// Number of words in the bundled list.
pub const WORDLIST_LEN: usize = 7776;

/// The bundled word list, parsed once, in the file's (sorted) order.
pub fn wordlist() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| WORDLIST_TEXT.lines().filter(|w| !w.is_empty()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordlist_is_the_eff_large_list() {
        let list = wordlist();
        assert_eq!(list.len(), WORDLIST_LEN);
        assert_eq!(list[0], "abacus");
        assert_eq!(list[22], "abstract");
        assert_eq!(list[WORDLIST_LEN - 1], "zoom");
        assert!(
            list.windows(2).all(|pair| pair[0] < pair[1]),
            "sorted and unique"
        );
    }
}
