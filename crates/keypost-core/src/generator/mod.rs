//! Password and passphrase generation from the OS random generator, and the entropy estimate
//! behind the strength meter.
//!
//! Passphrases use the EFF large wordlist that `keypost_protocol::wordlist` bundles.

use rand::Rng;
use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use thiserror::Error;

const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &str = "0123456789";
const SYMBOLS: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
/// Characters that are easy to misread in some fonts (avoid_ambiguous removes them).
const AMBIGUOUS: &str = "Il1O0o|`'\";:.,{}[]()/\\";

pub use keypost_protocol::wordlist::{WORDLIST_LEN, wordlist};

pub const MAX_PASSWORD_LENGTH: usize = 1024;
pub const MAX_PASSPHRASE_WORDS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum GeneratorError {
    #[error("choose at least one character class")]
    NoClasses,
    #[error(
        "length {length} is too short to include one character of each of the {classes} chosen classes"
    )]
    TooShort { length: usize, classes: usize },
    #[error("length {0} is over the maximum of {MAX_PASSWORD_LENGTH}")]
    TooLong(usize),
    #[error("a passphrase needs between 1 and {MAX_PASSPHRASE_WORDS} words, not {0}")]
    WordCount(usize),
}

/// Options for [`generate_password`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordSpec {
    pub length: usize,
    pub lowercase: bool,
    pub uppercase: bool,
    pub digits: bool,
    pub symbols: bool,
    /// Leave out look-alike characters such as `l`, `1`, `O`, `0`.
    pub avoid_ambiguous: bool,
}

impl Default for PasswordSpec {
    fn default() -> Self {
        Self {
            length: 20,
            lowercase: true,
            uppercase: true,
            digits: true,
            symbols: true,
            avoid_ambiguous: false,
        }
    }
}

/// Options for [`generate_passphrase`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PassphraseSpec {
    pub words: usize,
    pub separator: String,
    /// Upper-case the first letter of each word.
    pub capitalize: bool,
    /// Append one random digit to one random word.
    pub include_digit: bool,
}

impl Default for PassphraseSpec {
    fn default() -> Self {
        Self {
            words: 6,
            separator: "-".to_owned(),
            capitalize: false,
            include_digit: false,
        }
    }
}

/// Strength as shown by the meter.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrengthLabel {
    VeryWeak,
    Weak,
    Fair,
    Strong,
    VeryStrong,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Strength {
    /// Estimated entropy in bits.
    pub bits: f64,
    pub label: StrengthLabel,
}

/// The character classes chosen in `spec`, each already filtered for ambiguity.
fn classes(spec: &PasswordSpec) -> Vec<Vec<char>> {
    [
        (spec.lowercase, LOWER),
        (spec.uppercase, UPPER),
        (spec.digits, DIGITS),
        (spec.symbols, SYMBOLS),
    ]
    .into_iter()
    .filter(|(chosen, _)| *chosen)
    .map(|(_, set)| {
        set.chars()
            .filter(|c| !spec.avoid_ambiguous || !AMBIGUOUS.contains(*c))
            .collect()
    })
    .collect()
}

/// A random password with at least one character of each chosen class, otherwise uniform
/// over the union of the classes.
pub fn generate_password(spec: &PasswordSpec) -> Result<String, GeneratorError> {
    let classes = classes(spec);
    if classes.is_empty() {
        return Err(GeneratorError::NoClasses);
    }
    if spec.length > MAX_PASSWORD_LENGTH {
        return Err(GeneratorError::TooLong(spec.length));
    }
    if spec.length < classes.len() {
        return Err(GeneratorError::TooShort {
            length: spec.length,
            classes: classes.len(),
        });
    }
    let alphabet: Vec<char> = classes.iter().flatten().copied().collect();
    let mut rng = OsRng;
    // Rejection sampling keeps the distribution uniform over all passwords that contain
    // every chosen class (placing one of each and shuffling would over-weight rare classes).
    loop {
        let candidate: Vec<char> = (0..spec.length)
            .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
            .collect();
        if classes
            .iter()
            .all(|class| candidate.iter().any(|c| class.contains(c)))
        {
            return Ok(candidate.into_iter().collect());
        }
    }
}

/// Random words from the bundled list, each chosen uniformly and independently.
pub fn generate_passphrase(spec: &PassphraseSpec) -> Result<String, GeneratorError> {
    if spec.words == 0 || spec.words > MAX_PASSPHRASE_WORDS {
        return Err(GeneratorError::WordCount(spec.words));
    }
    let list = wordlist();
    let mut rng = OsRng;
    let mut words: Vec<String> = (0..spec.words)
        .map(|_| {
            let word = list.choose(&mut rng).copied().unwrap_or_default();
            if spec.capitalize {
                capitalize(word)
            } else {
                word.to_owned()
            }
        })
        .collect();
    if spec.include_digit {
        let index = rng.gen_range(0..words.len());
        let digit = char::from(b'0' + rng.gen_range(0..10u8));
        words[index].push(digit);
    }
    Ok(words.join(&spec.separator))
}

/// Entropy of a passphrase made with `spec`: words × log2(7776), plus the digit's choices.
pub fn passphrase_bits(spec: &PassphraseSpec) -> f64 {
    let words = spec.words as f64;
    let mut bits = words * (WORDLIST_LEN as f64).log2();
    if spec.include_digit {
        bits += (words * 10.0).log2();
    }
    bits
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A conservative entropy estimate for a password someone typed: the size of the character
/// pool it draws from, raised to its length, with penalties for repeats, runs and words from
/// the bundled list. It is a meter, not a guarantee.
pub fn estimate_strength(password: &str) -> Strength {
    let chars: Vec<char> = password.chars().collect();
    if chars.is_empty() {
        return Strength {
            bits: 0.0,
            label: StrengthLabel::VeryWeak,
        };
    }
    let mut pool = 0u32;
    if chars.iter().any(char::is_ascii_lowercase) {
        pool += 26;
    }
    if chars.iter().any(char::is_ascii_uppercase) {
        pool += 26;
    }
    if chars.iter().any(char::is_ascii_digit) {
        pool += 10;
    }
    if chars.iter().any(|c| SYMBOLS.contains(*c) || *c == ' ') {
        pool += 33;
    }
    if chars.iter().any(|c| !c.is_ascii()) {
        pool += 100;
    }
    let per_char = f64::from(pool.max(1)).log2();
    // Each character counts fully only if it differs from the previous one and does not
    // continue an ascending or descending run ("abc", "321").
    let mut effective = 1.0;
    for pair in chars.windows(2) {
        let step = i64::from(u32::from(pair[1])) - i64::from(u32::from(pair[0]));
        effective += match step {
            0 => 0.0,
            -1 | 1 => 0.25,
            _ => 1.0,
        };
    }
    let mut bits = effective * per_char;
    // A password that is one dictionary word is worth that word's list entropy at most.
    let lower = password.to_lowercase();
    if wordlist().binary_search(&lower.as_str()).is_ok()
        || COMMON_PASSWORDS.contains(&lower.as_str())
    {
        bits = bits.min(13.0);
    }
    let label = match bits {
        b if b < 28.0 => StrengthLabel::VeryWeak,
        b if b < 36.0 => StrengthLabel::Weak,
        b if b < 60.0 => StrengthLabel::Fair,
        b if b < 80.0 => StrengthLabel::Strong,
        _ => StrengthLabel::VeryStrong,
    };
    Strength { bits, label }
}

/// The most used passwords in public breach lists; each alone rates "very weak".
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "123456",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty",
    "qwertyuiop",
    "letmein",
    "iloveyou",
    "admin",
    "welcome",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "abc123",
    "111111",
    "passw0rd",
    "password1",
    "trustno1",
    "sunshine",
    "master",
    "shadow",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_has_length_and_every_class() {
        for _ in 0..200 {
            let spec = PasswordSpec {
                length: 4,
                ..PasswordSpec::default()
            };
            let password = generate_password(&spec).unwrap();
            assert_eq!(password.chars().count(), 4);
            assert!(password.chars().any(|c| c.is_ascii_lowercase()));
            assert!(password.chars().any(|c| c.is_ascii_uppercase()));
            assert!(password.chars().any(|c| c.is_ascii_digit()));
            assert!(password.chars().any(|c| SYMBOLS.contains(c)));
        }
    }

    #[test]
    fn avoid_ambiguous_and_single_class() {
        let spec = PasswordSpec {
            length: 500,
            lowercase: true,
            uppercase: true,
            digits: true,
            symbols: false,
            avoid_ambiguous: true,
        };
        let password = generate_password(&spec).unwrap();
        assert!(!password.chars().any(|c| AMBIGUOUS.contains(c)));
        let digits = PasswordSpec {
            length: 12,
            lowercase: false,
            uppercase: false,
            digits: true,
            symbols: false,
            avoid_ambiguous: false,
        };
        assert!(
            generate_password(&digits)
                .unwrap()
                .chars()
                .all(|c| c.is_ascii_digit())
        );
    }

    #[test]
    fn password_spec_errors() {
        let none = PasswordSpec {
            lowercase: false,
            uppercase: false,
            digits: false,
            symbols: false,
            ..PasswordSpec::default()
        };
        assert_eq!(generate_password(&none), Err(GeneratorError::NoClasses));
        let short = PasswordSpec {
            length: 3,
            ..PasswordSpec::default()
        };
        assert_eq!(
            generate_password(&short),
            Err(GeneratorError::TooShort {
                length: 3,
                classes: 4
            })
        );
        let long = PasswordSpec {
            length: MAX_PASSWORD_LENGTH + 1,
            ..PasswordSpec::default()
        };
        assert!(matches!(
            generate_password(&long),
            Err(GeneratorError::TooLong(_))
        ));
    }

    #[test]
    fn characters_are_spread_over_the_alphabet() {
        let spec = PasswordSpec {
            length: 1000,
            lowercase: false,
            uppercase: false,
            digits: true,
            symbols: false,
            avoid_ambiguous: false,
        };
        let password = generate_password(&spec).unwrap();
        for digit in DIGITS.chars() {
            let count = password.chars().filter(|c| *c == digit).count();
            // Expected 100 each; 40..=160 is far beyond 5 standard deviations.
            assert!((40..=160).contains(&count), "{digit}: {count}");
        }
    }

    #[test]
    fn passphrase_uses_list_words() {
        let spec = PassphraseSpec {
            words: 5,
            separator: " ".to_owned(),
            ..PassphraseSpec::default()
        };
        let phrase = generate_passphrase(&spec).unwrap();
        let words: Vec<&str> = phrase.split(' ').collect();
        assert_eq!(words.len(), 5);
        assert!(words.iter().all(|w| wordlist().binary_search(w).is_ok()));
        assert!((passphrase_bits(&spec) - 64.62).abs() < 0.01);
        assert_eq!(
            generate_passphrase(&PassphraseSpec {
                words: 0,
                ..PassphraseSpec::default()
            }),
            Err(GeneratorError::WordCount(0))
        );
    }

    #[test]
    fn passphrase_capitalized_with_digit() {
        let spec = PassphraseSpec {
            words: 4,
            separator: ".".to_owned(),
            capitalize: true,
            include_digit: true,
        };
        let phrase = generate_passphrase(&spec).unwrap();
        assert_eq!(phrase.split('.').count(), 4);
        assert!(phrase.split('.').all(|w| w.starts_with(char::is_uppercase)));
        assert_eq!(phrase.chars().filter(char::is_ascii_digit).count(), 1);
    }

    #[test]
    fn strength_orders_sensibly() {
        assert_eq!(estimate_strength("").label, StrengthLabel::VeryWeak);
        assert_eq!(estimate_strength("password").label, StrengthLabel::VeryWeak);
        assert_eq!(
            estimate_strength("aaaaaaaaaaaa").label,
            StrengthLabel::VeryWeak
        );
        assert_eq!(estimate_strength("abacus").label, StrengthLabel::VeryWeak);
        let generated = generate_password(&PasswordSpec::default()).unwrap();
        assert_eq!(
            estimate_strength(&generated).label,
            StrengthLabel::VeryStrong
        );
        assert!(estimate_strength("Tr0ub4dor&3").bits > estimate_strength("troubador").bits);
    }
}
