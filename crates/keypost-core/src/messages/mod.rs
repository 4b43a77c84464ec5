//! Messages (docs/spec/inbox.md, "Sealed message" and "Receiver policy"; vault schema 5): copies
//! of entries sent to connected contacts, and the inbox of what they sent.
//!
//! ```text
//! send:   contact (connected, confirmed fingerprint = pinned) ─► relay's bundle = pinned?
//!         ─► snapshot (tags never, notes on request) ─► seal to the PINNED bundle
//!         ─► sent_messages row (pending) ─► deposit with their grant ─► queued
//! fetch:  long-poll ─► open each ─► receiver policy (unknown key: quarantined count; changed
//!         key: held; seen id: replay dropped; connect: contacts pins the inviter)
//!         ─► COMMIT to the vault ─► THEN acknowledge
//! read:   list / page (a window, newest first) / show (passwords hidden unless revealed) /
//!         open (show, and mark read: schema 8) / save (one undo step) / export (every CSV
//!         format, PDF) / delete (a tombstone keeps the id)
//! ```

mod fetching;
mod reading;
mod sending;
mod tables;

pub use fetching::{Arrival, FetchReport, fetch};
pub use reading::{
    DroppedCounts, ExportFormat, ExportedMessages, InboxPage, delete, dropped, export, list, open,
    page, reveal, save, sent, show,
};
pub use sending::{decline_request, refresh_sent, request_from_contact, send_to_contact};
pub use tables::{
    InboxMessage, MessageKind, MessageVerdict, ReceivedEntry, SentMessage, SentStatus,
};

use crate::contacts::ContactsVault;
use crate::entries::Entries;
use crate::store::{Migration, connection_handles};

/// Schema 5: the inbox, the ids seen, the quarantine count and the sent log.
pub(crate) const MIGRATION: Migration = Migration {
    version: 5,
    sql: "
    -- Messages received from contacts. A deleted message keeps its row without payload.
    CREATE TABLE inbox_messages (
        message_id      BLOB    PRIMARY KEY CHECK (length(message_id) = 16),
        contact_id      INTEGER NOT NULL,            -- contacts.id of the sender
        verdict         TEXT    NOT NULL CHECK (verdict IN ('accepted', 'held')),
        sender_bundle   BLOB    NOT NULL CHECK (length(sender_bundle) = 141),
        sent_at         INTEGER NOT NULL,            -- Unix seconds, the sender's claim
        received_at     INTEGER NOT NULL,            -- Unix time, nanoseconds
        payload         TEXT,                        -- canonical JSON; NULL once deleted
        saved_entry_ids TEXT    NOT NULL DEFAULT '[]', -- JSON array of entry UUIDs
        deleted_at      INTEGER                      -- Unix time, nanoseconds; NULL: not deleted
    );
    -- Every message id ever opened (kept forever): a second copy is a replay.
    CREATE TABLE seen_messages (
        message_id BLOB    PRIMARY KEY CHECK (length(message_id) = 16),
        seen_at    INTEGER NOT NULL                  -- Unix time, nanoseconds
    );
    -- Messages dropped without content: from unknown keys, and ones that failed to open.
    CREATE TABLE inbox_counters (
        name  TEXT    PRIMARY KEY CHECK (name IN ('quarantined', 'rejected')),
        count INTEGER NOT NULL
    );
    -- Messages sent to contacts, with the payload exactly as sealed.
    CREATE TABLE sent_messages (
        message_id            BLOB    PRIMARY KEY CHECK (length(message_id) = 16),
        contact_id            INTEGER NOT NULL,      -- contacts.id of the recipient
        recipient_name        TEXT    NOT NULL,      -- the contact's name when sent
        recipient_fingerprint BLOB    NOT NULL CHECK (length(recipient_fingerprint) = 32),
        payload               TEXT    NOT NULL,      -- canonical JSON, as sealed
        sent_at               INTEGER NOT NULL,      -- Unix time, nanoseconds
        status                TEXT    NOT NULL CHECK (status IN ('pending', 'queued',
                                  'delivered', 'expired', 'refused')),
        status_at             INTEGER NOT NULL       -- Unix time, nanoseconds
    );
    ",
    rewrite: None,
};

/// Schema 6: `request` and `decline` messages (stored like `entries`, told apart by their
/// payload's kind) and per-contact sequence numbers (docs/spec/inbox.md, section 9.4).
pub(crate) const SEQUENCE_MIGRATION: Migration = Migration {
    version: 6,
    sql: "
    -- The payload's `sequence`; NULL for messages stored before schema 6. One number of one
    -- sender key is stored once: a second message with it is dropped.
    ALTER TABLE inbox_messages ADD COLUMN sequence INTEGER;
    CREATE UNIQUE INDEX inbox_messages_sequence
        ON inbox_messages (contact_id, sender_bundle, sequence);
    -- The number each sent message carries; the next one to a contact is the largest + 1.
    ALTER TABLE sent_messages ADD COLUMN sequence INTEGER;
    CREATE INDEX sent_messages_sequence ON sent_messages (contact_id, sequence);
    ",
    rewrite: None,
};

/// Schema 8: when each message was first opened, so "new" survives a restart.
pub(crate) const READ_MIGRATION: Migration = Migration {
    version: 8,
    sql: "
    -- When the person first opened the message (Unix time, nanoseconds); NULL: not yet.
    ALTER TABLE inbox_messages ADD COLUMN read_at INTEGER;
    ",
    rewrite: None,
};

/// What the message use cases need of an unlocked vault, beyond the contacts.
/// `keypost_core::vault::Vault` implements it.
pub trait MessagesVault: ContactsVault {
    fn entries(&self) -> Entries<'_>;
    fn messages(&self) -> Messages<'_>;
    fn messages_mut(&mut self) -> MessagesMut<'_>;
}

connection_handles!(
    /// Read access to the inbox and the sent log (from `Vault::messages`).
    Messages,
    /// Write access (from `Vault::messages_mut`). Only the use cases write.
    MessagesMut
);
