//! The one rule for a recipient email address, shared by the sender's app (core) and the relay.
//!
//! A plain `local@domain` address: printable ASCII, no spaces, quotes, brackets, CR or LF (so it
//! cannot inject mail headers), a dotted domain of letters, digits and hyphens. Stricter than
//! RFC 5321 on purpose: the relay pastes the address into a mail header, and an address the
//! relay would refuse should be refused by the app before anything is sealed.

use std::fmt;

use crate::pickup::limits::{MAX_EMAIL_CHARS, MAX_EMAIL_LOCAL_CHARS};

/// The longest DNS label (RFC 1035).
const MAX_LABEL_CHARS: usize = 63;
/// The characters RFC 5322 allows in an unquoted local part besides letters and digits.
const LOCAL_SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~.";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmailError {
    /// No detail on purpose: the address is the user's input and they can see it.
    #[error("not a valid email address")]
    Invalid,
}

/// A recipient address that passed [`EmailAddress::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(address: &str) -> Result<Self, EmailError> {
        if is_valid(address) {
            Ok(Self(address.to_owned()))
        } else {
            Err(EmailError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_valid(address: &str) -> bool {
    if address.len() > MAX_EMAIL_CHARS {
        return false;
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= MAX_EMAIL_LOCAL_CHARS
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c));
    let mut labels = domain.split('.');
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= MAX_LABEL_CHARS
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let domain_ok = domain.contains('.') && labels.all(label_ok);
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_injection_and_odd_forms() {
        assert!(EmailAddress::parse("ada@example.org").is_ok());
        assert_eq!(
            EmailAddress::parse("a.b+tag@mail.example.co.uk")
                .unwrap()
                .as_str(),
            "a.b+tag@mail.example.co.uk"
        );
        for bad in [
            "",
            "ada",
            "ada@localhost",
            "ada@example.org\r\nBcc: eve@example.org",
            "ada@exa mple.org",
            "\"ada\"@example.org",
            "ada@@example.org",
            ".ada@example.org",
            "ada..b@example.org",
            "ada@-example.org",
            "Ada <ada@example.org>",
            " ada@example.org",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(EmailError::Invalid),
                "{bad:?} accepted"
            );
        }
        let long_local = format!("{}@example.org", "a".repeat(MAX_EMAIL_LOCAL_CHARS + 1));
        assert!(EmailAddress::parse(&long_local).is_err());
    }
}
