//! What a malicious relay can do with its own database, written once for the hostile-relay
//! tests of core, the CLI and the app (they include this file with `#[path]`). Ids are the
//! relay's raw 16-byte account ids. Needs rusqlite and keypost-protocol.
// Each including test uses only some of these.
#![allow(dead_code, clippy::unwrap_used)]

use keypost_protocol::inbox::MessageId;
use rusqlite::{Connection, params};

/// Serves `sealed` in `mailbox` as a new deposit that the relay says `depositor` made, counted
/// in the mailbox's quota like a real one (what a relay can do with any ciphertext it saw).
pub fn serve_as_new(db: &Connection, mailbox: &[u8], depositor: &[u8], sealed: &[u8]) {
    let relay_id = MessageId::random();
    let size = i64::try_from(sealed.len()).unwrap();
    db.execute(
        "INSERT INTO mailbox_messages (message_id, mailbox, sealed, size, deposited_at)
         VALUES (?1, ?2, ?3, ?4, 1)",
        params![relay_id.as_bytes().as_slice(), mailbox, sealed, size],
    )
    .unwrap();
    db.execute(
        "INSERT INTO deliveries (message_id, sender, mailbox, status, deposited_at, updated_at)
         VALUES (?1, ?2, ?3, 'queued', 1, 1)",
        params![relay_id.as_bytes().as_slice(), depositor, mailbox],
    )
    .unwrap();
    db.execute(
        "UPDATE accounts SET mailbox_count = mailbox_count + 1,
             mailbox_bytes = mailbox_bytes + ?2 WHERE id = ?1",
        params![mailbox, size],
    )
    .unwrap();
}

/// The relay answers with `bundle` when asked for `account`'s key.
pub fn swap_bundle(db: &Connection, account: &[u8], bundle: &[u8]) {
    db.execute(
        "UPDATE accounts SET bundle = ?2 WHERE id = ?1",
        params![account, bundle],
    )
    .unwrap();
}
