//! Invite links (docs/spec/inbox.md, "Invite link").
//!
//! Link form: `keypost://invite?r=<percent-encoded relay URL>#<base64url(s)>`, for the
//! `keypost://` deep-link handler and for pasting. Code form: `<relay URL>#<base64url(s)>`,
//! the same two values for a person to paste where a link would not survive. The secret is
//! only ever in the fragment; the relay never sees a link.

use std::fmt;

use zeroize::Zeroizing;

use super::invite::InviteSecret;
use crate::b64::B64Error;
use crate::percent;

/// What every invite link starts with.
pub const INVITE_LINK_PREFIX: &str = "keypost://invite";
/// The one query parameter: the relay's base URL.
pub const RELAY_PARAMETER: &str = "r";
/// The longest relay URL a link or an offer may name, in bytes.
pub const MAX_RELAY_URL_LEN: usize = 2_048;

/// Why text is not an invite link, one name per case, in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    #[error("the invite has no #secret part; copy the whole link")]
    MissingSecret,
    #[error("the secret after # is damaged (not canonical base64url)")]
    NonCanonical,
    #[error("the secret after # is not 32 bytes; copy the whole link")]
    WrongSecretLength,
    #[error("not an invite: expected keypost://invite?r=…#… or <relay URL>#…")]
    NotAnInviteLink,
    #[error("the invite link does not name a relay")]
    MissingRelay,
    #[error("the invite link has a parameter other than r=")]
    UnexpectedParameter,
    #[error("the relay address in the invite link is not percent-encoded correctly")]
    BadPercentEncoding,
    #[error("the relay address is not an http:// or https:// URL")]
    RelayNotHttp,
    #[error("the relay address must use https:// (http:// only on this computer)")]
    RelayNotHttps,
    #[error("the relay address is not a valid base URL")]
    BadRelayUrl,
}

impl LinkError {
    /// The spec's name for this failure (the `expect` value in test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingSecret => "missing_secret",
            Self::NonCanonical => "non_canonical",
            Self::WrongSecretLength => "wrong_secret_length",
            Self::NotAnInviteLink => "not_an_invite_link",
            Self::MissingRelay => "missing_relay",
            Self::UnexpectedParameter => "unexpected_parameter",
            Self::BadPercentEncoding => "bad_percent_encoding",
            Self::RelayNotHttp => "relay_not_http",
            Self::RelayNotHttps => "relay_not_https",
            Self::BadRelayUrl => "bad_relay_url",
        }
    }
}

/// A parsed invite: the relay that holds the offer and the secret that opens it.
#[derive(Clone, PartialEq, Eq)]
pub struct InviteLink {
    relay_url: String,
    secret: InviteSecret,
}

impl InviteLink {
    /// Joins a relay base URL and a secret; checks the URL (see [`check_relay_url`]).
    pub fn new(relay_url: &str, secret: InviteSecret) -> Result<Self, LinkError> {
        check_relay_url(relay_url)?;
        Ok(Self {
            relay_url: relay_url.to_owned(),
            secret,
        })
    }

    /// Parses the link form or the code form, after trimming surrounding ASCII whitespace.
    pub fn parse(text: &str) -> Result<Self, LinkError> {
        let text = text.trim_ascii();
        let (before, fragment) = text.split_once('#').ok_or(LinkError::MissingSecret)?;
        let secret = InviteSecret::from_base64(fragment).map_err(|error| match error {
            B64Error::NotCanonical => LinkError::NonCanonical,
            B64Error::WrongLength { .. } => LinkError::WrongSecretLength,
        })?;
        let relay_url = if let Some(rest) = before.strip_prefix(INVITE_LINK_PREFIX) {
            relay_from_query(rest)?
        } else if before.starts_with("http://") || before.starts_with("https://") {
            before.to_owned()
        } else {
            return Err(LinkError::NotAnInviteLink);
        };
        Self::new(&relay_url, secret)
    }

    pub fn relay_url(&self) -> &str {
        &self.relay_url
    }

    pub fn secret(&self) -> &InviteSecret {
        &self.secret
    }

    /// `keypost://invite?r=<percent-encoded relay URL>#<secret>`.
    pub fn to_link(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "{INVITE_LINK_PREFIX}?{RELAY_PARAMETER}={}#{}",
            percent::encode(&self.relay_url),
            self.secret.to_base64().as_str()
        ))
    }

    /// `<relay URL>#<secret>`.
    pub fn to_code(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "{}#{}",
            self.relay_url,
            self.secret.to_base64().as_str()
        ))
    }
}

impl fmt::Debug for InviteLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InviteLink")
            .field("relay_url", &self.relay_url)
            .finish_non_exhaustive()
    }
}

/// `rest` follows `keypost://invite`: `?r=<percent-encoded URL>` and nothing else.
fn relay_from_query(rest: &str) -> Result<String, LinkError> {
    let query = match rest.strip_prefix('?') {
        Some(query) => query,
        None if rest.is_empty() => return Err(LinkError::MissingRelay),
        None => return Err(LinkError::NotAnInviteLink),
    };
    if query.is_empty() {
        return Err(LinkError::MissingRelay);
    }
    let mut relay = None;
    for parameter in query.split('&') {
        match parameter.split_once('=') {
            Some((RELAY_PARAMETER, value)) if relay.is_none() => relay = Some(value),
            _ => return Err(LinkError::UnexpectedParameter),
        }
    }
    match relay {
        None | Some("") => Err(LinkError::MissingRelay),
        Some(encoded) => percent::decode(encoded).ok_or(LinkError::BadPercentEncoding),
    }
}

/// A relay base URL as links and offers name it: `https://` (or `http://` to a loopback host:
/// `localhost`, `127.0.0.0/8`, `[::1]`), printable ASCII, at most 2,048 bytes, a non-empty
/// host without user information, no `?`, `#` or trailing `/`.
pub fn check_relay_url(url: &str) -> Result<(), LinkError> {
    let (rest, secure) = if let Some(rest) = url.strip_prefix("https://") {
        (rest, true)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (rest, false)
    } else {
        return Err(LinkError::RelayNotHttp);
    };
    let printable = url.bytes().all(|byte| byte.is_ascii_graphic());
    let authority = rest.split('/').next().unwrap_or_default();
    let host = host_of(authority);
    if !printable
        || url.len() > MAX_RELAY_URL_LEN
        || url.contains(['?', '#', '@', '\\'])
        || url.ends_with('/')
        || host.is_empty()
    {
        return Err(LinkError::BadRelayUrl);
    }
    if !secure && !is_loopback(host) {
        return Err(LinkError::RelayNotHttps);
    }
    Ok(())
}

/// The host of `host[:port]` or `[v6]:port`.
fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority.find(']').map_or("", |end| &authority[..=end]);
    }
    authority.split(':').next().unwrap_or_default()
}

fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    host.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|address| address.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> InviteSecret {
        InviteSecret::from_bytes([7; 32])
    }

    #[test]
    fn link_and_code_forms_round_trip() {
        for relay in [
            "https://relay.example",
            "https://relay.example:8443/keypost",
            "http://127.0.0.1:7878",
            "http://localhost:7878",
            "http://[::1]:7878",
        ] {
            let link = InviteLink::new(relay, secret()).unwrap();
            assert_eq!(InviteLink::parse(&link.to_link()).unwrap(), link);
            assert_eq!(InviteLink::parse(&link.to_code()).unwrap(), link);
            assert_eq!(link.relay_url(), relay);
        }
        let link = InviteLink::new("http://127.0.0.1:7878", secret()).unwrap();
        assert!(
            link.to_link()
                .starts_with("keypost://invite?r=http%3A%2F%2F127.0.0.1%3A7878#")
        );
        assert_eq!(
            InviteLink::parse(&format!(" {}\n", link.to_link().as_str())).unwrap(),
            link
        );
    }

    #[test]
    fn each_invalid_case_has_its_name() {
        let fragment = secret().to_base64();
        let f = fragment.as_str();
        let cases = [
            (
                "keypost://invite?r=https%3A%2F%2Frelay.example".to_owned(),
                "missing_secret",
            ),
            (
                format!("keypost://invite?r=https%3A%2F%2Frelay.example#{f}="),
                "non_canonical",
            ),
            (
                format!(
                    "keypost://invite?r=https%3A%2F%2Frelay.example#{}",
                    &f[..40]
                ),
                "wrong_secret_length",
            ),
            (
                format!("keypost://pickup?u=https%3A%2F%2Frelay.example#{f}"),
                "not_an_invite_link",
            ),
            (format!("ftp://relay.example#{f}"), "not_an_invite_link"),
            (format!("keypost://invite#{f}"), "missing_relay"),
            (format!("keypost://invite?r=#{f}"), "missing_relay"),
            (
                format!("keypost://invite?r=https%3A%2F%2Frelay.example&x=1#{f}"),
                "unexpected_parameter",
            ),
            (
                format!("keypost://invite?r=a&r=b#{f}"),
                "unexpected_parameter",
            ),
            (
                format!("keypost://invite?r=https://relay.example#{f}"),
                "bad_percent_encoding",
            ),
            (
                format!("keypost://invite?r=ftp%3A%2F%2Frelay.example#{f}"),
                "relay_not_http",
            ),
            (format!("http://relay.example#{f}"), "relay_not_https"),
            (
                format!("http://127.0.0.1.evil.example#{f}"),
                "relay_not_https",
            ),
            (format!("https://relay.example/#{f}"), "bad_relay_url"),
            (format!("https://user@relay.example#{f}"), "bad_relay_url"),
            (format!("https://#{f}"), "bad_relay_url"),
        ];
        for (text, code) in cases {
            assert_eq!(InviteLink::parse(&text).unwrap_err().code(), code, "{text}");
        }
    }

    #[test]
    fn debug_hides_the_secret() {
        let link = InviteLink::new("https://relay.example", secret()).unwrap();
        assert!(!format!("{link:?}").contains(secret().to_base64().as_str()));
    }
}
