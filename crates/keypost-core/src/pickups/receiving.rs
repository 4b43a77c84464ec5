//! Receive: open a pickup with its PIN, then save the copies into the vault if the recipient
//! wants them there (they can also be exported or printed without saving).

use super::Result;
use super::client::PickupInbox;
use super::snapshot::fields_of;
use crate::entries::{EntriesMut, Result as EntriesResult};
use crate::entry::EntryId;
use keypost_protocol::pickup::{Payload, Pin};

/// Proves the PIN and decrypts the pickup behind `link` (web or `keypost://` form). A wrong
/// PIN costs one of the three tries.
pub async fn open(link: &str, pin: &Pin, passphrase: Option<&str>) -> Result<Payload> {
    PickupInbox::from_link(link)?.open(pin, passphrase).await
}

/// Saves received copies as new entries: one transaction and one undo step.
pub fn save(entries: &mut EntriesMut<'_>, payload: &Payload) -> EntriesResult<Vec<EntryId>> {
    entries.import(payload.entries.iter().map(fields_of).collect())
}
