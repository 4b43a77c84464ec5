//! Pickup link syntax (docs/spec/pickup.md, "Links").
//!
//! Web form: `<page_url>#<S>` where `page_url` is `<relay_url>/p/<id>`.
//! Deep form: `keypost://pickup?u=<percent-encoded page_url>#<S>`, for "Open in Keypost".

use std::fmt;

use zeroize::Zeroizing;

use super::id::ID_LEN;
use super::keys::LinkSecret;
use crate::b64::{self, B64Error};
use crate::percent;

pub const DEEP_LINK_PREFIX: &str = "keypost://pickup?u=";
/// The relay serves the pickup page for id `I` at `<relay_url>/p/<I>`.
pub const PAGE_PATH: &str = "/p/";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkError {
    #[error("the link has no #secret part; copy the whole link")]
    MissingFragment,
    #[error("the secret after # is damaged: {0}")]
    BadSecret(#[from] B64Error),
    #[error("not a pickup link: expected http(s)://…/p/<id>#… or keypost://pickup?u=…#…")]
    NotAPickupLink,
    #[error("the link's page address does not belong to its secret")]
    IdMismatch,
}

impl LinkError {
    /// The spec's name for this failure (the `expect` value in test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadSecret(B64Error::NotCanonical) => "non_canonical",
            Self::MissingFragment
            | Self::BadSecret(B64Error::WrongLength { .. })
            | Self::NotAPickupLink
            | Self::IdMismatch => "bad_link",
        }
    }
}

/// A parsed pickup link: where the page is and the secret that opens it.
#[derive(Clone, PartialEq, Eq)]
pub struct PickupLink {
    page_url: String,
    secret: LinkSecret,
}

impl PickupLink {
    /// Joins the page URL the relay returned with the secret; checks they belong together.
    pub fn new(page_url: &str, secret: LinkSecret) -> Result<Self, LinkError> {
        check_page_url(page_url, &secret)?;
        Ok(Self {
            page_url: page_url.to_owned(),
            secret,
        })
    }

    /// Parses either form, after trimming surrounding ASCII whitespace.
    pub fn parse(link: &str) -> Result<Self, LinkError> {
        let link = link.trim_ascii();
        let (before, fragment) = link.split_once('#').ok_or(LinkError::MissingFragment)?;
        let secret = LinkSecret::from_fragment(fragment)?;
        let page_url = match before.strip_prefix(DEEP_LINK_PREFIX) {
            Some(encoded) => percent::decode(encoded).ok_or(LinkError::NotAPickupLink)?,
            None => before.to_owned(),
        };
        Self::new(&page_url, secret)
    }

    pub fn page_url(&self) -> &str {
        &self.page_url
    }

    /// The relay's base URL, to which `/api/v1/…` paths are appended.
    pub fn relay_url(&self) -> &str {
        let suffix_len = PAGE_PATH.len() + b64::encode(&[0; ID_LEN]).len();
        &self.page_url[..self.page_url.len() - suffix_len]
    }

    pub fn secret(&self) -> &LinkSecret {
        &self.secret
    }

    /// `<page_url>#<S>`: the link that goes into the email.
    pub fn to_web_link(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "{}#{}",
            self.page_url,
            self.secret.to_fragment().as_str()
        ))
    }

    /// `keypost://pickup?u=<percent-encoded page_url>#<S>`: opens the Keypost app.
    pub fn to_deep_link(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "{DEEP_LINK_PREFIX}{}#{}",
            percent::encode(&self.page_url),
            self.secret.to_fragment().as_str()
        ))
    }
}

impl fmt::Debug for PickupLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PickupLink")
            .field("page_url", &self.page_url)
            .finish_non_exhaustive()
    }
}

/// Spec, "Links": `http://` or `https://`, printable ASCII only, no `?` or `#`, a non-empty
/// authority, and a path that ends in `/p/<id of the secret>`.
fn check_page_url(page_url: &str, secret: &LinkSecret) -> Result<(), LinkError> {
    let rest = page_url
        .strip_prefix("https://")
        .or_else(|| page_url.strip_prefix("http://"))
        .ok_or(LinkError::NotAPickupLink)?;
    let printable = page_url.bytes().all(|b| b.is_ascii_graphic());
    if !printable || page_url.contains(['?', '#']) {
        return Err(LinkError::NotAPickupLink);
    }
    let (before_id, id) = rest
        .rsplit_once(PAGE_PATH)
        .ok_or(LinkError::NotAPickupLink)?;
    if before_id.is_empty() || before_id.starts_with('/') {
        return Err(LinkError::NotAPickupLink);
    }
    if id != b64::encode(&secret.id()) {
        return Err(LinkError::IdMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same secret with one of the two unused low bits of the last character set.
    pub(crate) fn trailing_bit_set(fragment: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let (head, last) = fragment.split_at(fragment.len() - 1);
        let index = ALPHABET
            .iter()
            .position(|&c| c == last.as_bytes()[0])
            .unwrap();
        format!("{head}{}", char::from(ALPHABET[index ^ 1]))
    }

    fn page_url_for(secret: &LinkSecret) -> String {
        format!("http://127.0.0.1:8080/p/{}", b64::encode(&secret.id()))
    }

    #[test]
    fn web_and_deep_links_round_trip() {
        let secret = LinkSecret::make_random();
        let link = PickupLink::new(&page_url_for(&secret), secret.clone()).unwrap();
        assert_eq!(link.relay_url(), "http://127.0.0.1:8080");
        let web = link.to_web_link();
        assert_eq!(PickupLink::parse(&web).unwrap(), link);
        let deep = link.to_deep_link();
        assert!(deep.starts_with("keypost://pickup?u=http%3A%2F%2F127.0.0.1%3A8080%2Fp%2F"));
        assert_eq!(PickupLink::parse(&deep).unwrap(), link);
        assert_eq!(
            PickupLink::parse(&format!("  {}\n", web.as_str()))
                .unwrap()
                .secret(),
            &secret
        );
    }

    #[test]
    fn relay_under_a_path_prefix_is_kept() {
        let secret = LinkSecret::make_random();
        let url = format!(
            "https://relay.example/keypost/p/{}",
            b64::encode(&secret.id())
        );
        let link = PickupLink::new(&url, secret).unwrap();
        assert_eq!(link.relay_url(), "https://relay.example/keypost");
    }

    #[test]
    fn malformed_links_are_rejected_with_their_code() {
        let secret = LinkSecret::from_bytes([5; 32]);
        let page = page_url_for(&secret);
        let fragment = secret.to_fragment();
        let other_id = b64::encode(&LinkSecret::from_bytes([6; 32]).id());
        let cases = [
            (page.clone(), "bad_link"),
            (format!("{page}#"), "bad_link"),
            (
                format!("{page}#{}", trailing_bit_set(&fragment)),
                "non_canonical",
            ),
            (format!("{page}#{}", &fragment[..40]), "bad_link"),
            (format!("{page}#{}=", fragment.as_str()), "non_canonical"),
            (
                format!(
                    "ftp://127.0.0.1/p/{}#{}",
                    b64::encode(&secret.id()),
                    fragment.as_str()
                ),
                "bad_link",
            ),
            (
                format!("http://127.0.0.1:8080/p/{other_id}#{}", fragment.as_str()),
                "bad_link",
            ),
            (format!("{page}?x=1#{}", fragment.as_str()), "bad_link"),
            (
                format!(
                    "http:///p/{}#{}",
                    b64::encode(&secret.id()),
                    fragment.as_str()
                ),
                "bad_link",
            ),
            (
                format!(
                    "keypost://pickup?u=http%3A%2F%2F127.0.0.1/p/x%2#{}",
                    fragment.as_str()
                ),
                "bad_link",
            ),
            (
                format!("keypost://pickup?u=%FF#{}", fragment.as_str()),
                "bad_link",
            ),
        ];
        for (link, code) in cases {
            assert_eq!(PickupLink::parse(&link).unwrap_err().code(), code, "{link}");
        }
    }
}
