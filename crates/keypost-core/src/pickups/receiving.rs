//! Receive: open a pickup with its PIN, then save the copies into the vault if the recipient
//! wants them there (they can also be exported or printed without saving). Before a link that
//! opened the app is used, [`link_relay`] tells whether its relay is one this vault knows.

use super::client::PickupInbox;
use super::snapshot::fields_of;
use super::{PickupsVault, Result};
use crate::entries::{EntriesMut, Result as EntriesResult};
use crate::entry::EntryId;
use keypost_protocol::pickup::{Payload, PickupLink, Pin};
use reqwest::Url;

/// The relay a pickup link points at, and whether this vault has used it before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRelay {
    /// The relay's host (and port, when not the scheme's default), to show the person.
    pub host: String,
    pub known: bool,
}

/// Whether the relay of `link` is one this vault has used: `own_relay` (the relay it sends
/// through) or one it sent a pickup through; the same origin (scheme, host and port) counts.
/// Showing a link's sender asks its relay, which then learns that this computer opened the
/// link and when; a link that opened the app (a `keypost://` link from a web page or mail)
/// to any other relay is therefore confirmed by the person before it is used.
pub fn link_relay<V: PickupsVault>(
    vault: &V,
    link: &PickupLink,
    own_relay: Option<&str>,
) -> Result<LinkRelay> {
    let target = Url::parse(link.relay_url()).ok();
    let host = target
        .as_ref()
        .and_then(|url| {
            let host = url.host_str()?;
            Some(match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            })
        })
        .unwrap_or_else(|| link.relay_url().to_owned());
    let Some(origin) = target.map(|url| url.origin()) else {
        return Ok(LinkRelay { host, known: false });
    };
    let same_origin = |url: &str| Url::parse(url).is_ok_and(|used| used.origin() == origin);
    let known = own_relay.is_some_and(same_origin)
        || vault
            .pickups()
            .sent()?
            .iter()
            .any(|sent| same_origin(&sent.relay_url));
    Ok(LinkRelay { host, known })
}

/// Proves the PIN and decrypts the pickup behind `link` (web or `keypost://` form). A wrong
/// PIN costs one of the three tries.
pub async fn open(link: &str, pin: &Pin, passphrase: Option<&str>) -> Result<Payload> {
    PickupInbox::from_link(link)?.open(pin, passphrase).await
}

/// Saves received copies as new entries: one transaction and one undo step.
pub fn save(entries: &mut EntriesMut<'_>, payload: &Payload) -> EntriesResult<Vec<EntryId>> {
    entries.import(payload.entries.iter().map(fields_of).collect())
}
