//! The 5-digit PIN (docs/spec/pickup.md, "PIN").

use std::fmt;

use rand::Rng;
use rand::rngs::OsRng;
use zeroize::{Zeroize, ZeroizeOnDrop};

pub const PIN_LEN: usize = 5;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PinError {
    #[error("a PIN is exactly 5 digits 0-9")]
    NotFiveDigits,
}

/// Exactly five ASCII digits. Told to the recipient out of band, never sent to the relay.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Pin([u8; PIN_LEN]);

impl Pin {
    /// Accepts exactly five ASCII digits: no spaces, signs or other scripts' digits.
    pub fn parse(text: &str) -> Result<Self, PinError> {
        let bytes: [u8; PIN_LEN] = text
            .as_bytes()
            .try_into()
            .map_err(|_| PinError::NotFiveDigits)?;
        if !bytes.iter().all(u8::is_ascii_digit) {
            return Err(PinError::NotFiveDigits);
        }
        Ok(Self(bytes))
    }

    /// A PIN drawn uniformly from the PINs that [`is_weak_pin`] accepts, so the app never
    /// proposes one it would warn about.
    pub fn make_random() -> Self {
        loop {
            let number: u32 = OsRng.gen_range(0..100_000);
            let pin = Self::from_number(number);
            if !is_weak_pin(&pin) {
                return pin;
            }
        }
    }

    fn from_number(mut number: u32) -> Self {
        let mut bytes = [b'0'; PIN_LEN];
        for byte in bytes.iter_mut().rev() {
            // `number % 10` is below 10, so the cast is lossless.
            *byte = b'0' + (number % 10) as u8;
            number /= 10;
        }
        Self(bytes)
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_else(|_| unreachable!("PIN bytes are ASCII"))
    }

    pub fn is_weak(&self) -> bool {
        is_weak_pin(self)
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

/// A PIN people pick often, so an attacker tries it first (spec, "Weak PINs"):
/// at most two distinct digits (00000, 12121, 10000, 11122), or digits in arithmetic
/// progression (12345, 54321, 01234, 13579, 86420). 1,376 of the 100,000 PINs.
pub fn is_weak_pin(pin: &Pin) -> bool {
    let digits = pin.0.map(|byte| i16::from(byte - b'0'));
    let mut seen = [false; 10];
    for digit in digits {
        seen[usize::from(digit.unsigned_abs())] = true;
    }
    let distinct = seen.iter().filter(|&&present| present).count();
    let step = digits[1] - digits[0];
    let progression = digits.windows(2).all(|pair| pair[1] - pair[0] == step);
    distinct <= 2 || progression
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_only_five_ascii_digits() {
        assert_eq!(Pin::parse("04917").unwrap().as_str(), "04917");
        for bad in [
            "",
            "1234",
            "123456",
            "1234a",
            " 1234",
            "12345 ",
            "+1234",
            "-1234",
            "١٢٣٤٥",
            "１２３４５",
            "12 45",
        ] {
            assert_eq!(Pin::parse(bad), Err(PinError::NotFiveDigits), "{bad:?}");
        }
    }

    #[test]
    fn weak_rule_matches_the_spec_examples_and_count() {
        for weak in [
            "00000", "11111", "12345", "54321", "01234", "98765", "13579", "86420", "12121",
            "10000", "11122", "99990",
        ] {
            assert!(Pin::parse(weak).unwrap().is_weak(), "{weak}");
        }
        for strong in ["40917", "27384", "12346", "19970", "24680"] {
            assert!(!Pin::parse(strong).unwrap().is_weak(), "{strong}");
        }
        let weak_count = (0..100_000)
            .filter(|&n| Pin::from_number(n).is_weak())
            .count();
        assert_eq!(weak_count, 1_376);
    }

    #[test]
    fn random_pins_are_valid_spread_and_never_weak() {
        let pins: Vec<Pin> = (0..2_000).map(|_| Pin::make_random()).collect();
        assert!(pins.iter().all(|pin| !pin.is_weak()));
        assert!(pins.iter().all(|pin| Pin::parse(pin.as_str()).is_ok()));
        // Each position uses every digit: a broken generator (fixed or truncated) fails this.
        for position in 0..PIN_LEN {
            let mut seen = [false; 10];
            for pin in &pins {
                seen[usize::from(pin.0[position] - b'0')] = true;
            }
            assert!(seen.iter().all(|&s| s), "position {position}");
        }
    }
}
