//! The entries feature: what the user stores, lists, searches, tags, bulk-edits and undoes.
//! Its tables (`entries`, and the change log `changes` + `change_rows`) are schema 1; the
//! search index over them (`entries_search`) is schema 7, rebuilt without positions in schema
//! 9 with the list order index (`entries_by_title`); schema 10 gives tags a search text and an
//! index of their own (`tag_search`, `entries_tag_search`); schema 11 counts the entries of each
//! tag (`tag_counts`).
//!
//! The unlocked vault hands out [`Entries`] to read and [`EntriesMut`] to write; every write is
//! one transaction and one undo step.

mod bulk;
mod query;
mod rows;
mod secrets;
mod undo;

pub use bulk::{BulkEdit, BulkOutcome};
pub(crate) use query::add_in;
pub use query::{
    EntryQuery, EntryStream, FirstRows, ListKey, PASSWORD_HISTORY_LIMIT, SearchStop, TagCount,
};
pub use secrets::EntrySecret;
pub use undo::{ChangeRecord, UNDO_LIMIT, UndoneChange};

use crate::entry::EntryId;
use crate::store::{Migration, Rewrite, TimeOutOfRange, connection_handles};
use thiserror::Error;

/// Schema 1: the entries and the change log behind undo. Byte-identical to what earlier builds
/// wrote, so their vaults open unchanged.
pub(crate) const MIGRATION: Migration = Migration {
    version: 1,
    sql: "
    -- Column order matters: list and search read only up to `search`, so the larger
    -- `notes` and `secret` columns sit last and their overflow pages are never touched.
    CREATE TABLE entries (
        rowid     INTEGER PRIMARY KEY,
        id        BLOB    NOT NULL UNIQUE,   -- 16-byte UUID
        title     TEXT    NOT NULL,
        username  TEXT    NOT NULL,
        urls      TEXT    NOT NULL,          -- JSON array of strings
        tags      TEXT    NOT NULL,          -- JSON array of strings
        folder    TEXT    NOT NULL,
        favourite INTEGER NOT NULL,
        created   INTEGER NOT NULL,          -- Unix time, nanoseconds
        modified  INTEGER NOT NULL,
        search    TEXT    NOT NULL,          -- lower-cased title, username, urls, tags, notes
        notes     TEXT    NOT NULL,
        secret    TEXT    NOT NULL           -- JSON: password, custom fields, TOTP, history
    );
    CREATE TABLE changes (
        id          INTEGER PRIMARY KEY,
        description TEXT    NOT NULL,
        at          INTEGER NOT NULL,
        entry_count INTEGER NOT NULL
    );
    -- Before-images of every entry a change touched; `existed = 0` means the change created
    -- the entry, so undo deletes it.
    CREATE TABLE change_rows (
        change_id INTEGER NOT NULL,
        entry_id  BLOB    NOT NULL,
        existed   INTEGER NOT NULL,
        title TEXT, username TEXT, urls TEXT, tags TEXT, folder TEXT, favourite INTEGER,
        created INTEGER, modified INTEGER, search TEXT, notes TEXT, secret TEXT
    );
    CREATE INDEX change_rows_by_change ON change_rows(change_id);
    ",
    rewrite: None,
};

/// Schema 7: a trigram full-text index over `entries.search`, so a search of three or more
/// characters reads only the rows whose text holds every trigram of the query. The index is
/// kept by triggers, so every write to `entries` (on any path, by any feature) updates it in
/// the same transaction; the migration builds it for the rows already there.
pub(crate) const SEARCH_INDEX_MIGRATION: Migration = Migration {
    version: 7,
    sql: "
    -- External content: the text stays only in `entries.search`; the index holds trigrams.
    -- `search` is lower-cased already, so the tokenizer compares exactly (no second folding
    -- that could disagree with Rust's lower-casing).
    CREATE VIRTUAL TABLE entries_search USING fts5(
        search, content = 'entries', content_rowid = 'rowid',
        tokenize = 'trigram case_sensitive 1'
    );
    CREATE TRIGGER entries_search_insert AFTER INSERT ON entries BEGIN
        INSERT INTO entries_search (rowid, search) VALUES (new.rowid, new.search);
    END;
    CREATE TRIGGER entries_search_delete AFTER DELETE ON entries BEGIN
        INSERT INTO entries_search (entries_search, rowid, search)
        VALUES ('delete', old.rowid, old.search);
    END;
    -- Edits that leave the text alone (favourite, folder, password) leave the index alone.
    CREATE TRIGGER entries_search_update AFTER UPDATE OF search ON entries
    WHEN old.search IS NOT new.search BEGIN
        INSERT INTO entries_search (entries_search, rowid, search)
        VALUES ('delete', old.rowid, old.search);
        INSERT INTO entries_search (rowid, search) VALUES (new.rowid, new.search);
    END;
    INSERT INTO entries_search (entries_search) VALUES ('rebuild');
    ",
    rewrite: None,
};

/// Schema 9: indexes for vaults of a million entries.
///
/// The search index keeps which entries hold each trigram but no longer where (`detail =
/// none`): a search asks for every trigram of its text and `instr` confirms the candidates, as
/// it always did, so the positions were never needed. Without them the index is 44 % smaller
/// (230 bytes less per entry), imports are about 30 % faster, and searches read less.
///
/// The list order (title without case, then age) becomes an index, so listing every entry
/// reads the index in order instead of sorting the whole table.
pub(crate) const LARGE_VAULT_MIGRATION: Migration = Migration {
    version: 9,
    sql: "
    DROP TABLE entries_search;
    CREATE VIRTUAL TABLE entries_search USING fts5(
        search, content = 'entries', content_rowid = 'rowid',
        tokenize = 'trigram case_sensitive 1', detail = none
    );
    INSERT INTO entries_search (entries_search) VALUES ('rebuild');
    CREATE INDEX entries_by_title ON entries (title COLLATE NOCASE);
    ",
    rewrite: None,
};

/// Schema 10: tags get a search text and an index of their own (`tag_search`,
/// `entries_tag_search`), and `search` no longer holds them.
///
/// Tagging 10,000 entries rewrote their whole search text in the index (a delete and an insert
/// of every trigram of title, username, URLs and notes): three quarters of a bulk tag's time.
/// Now a tag edit re-indexes only the tags. Neither index keeps per-entry sizes any more
/// (`columnsize = 0`: they were only for ranking, which search does not do). The migration
/// recomputes both texts of every entry and of every before-image in the undo log with the
/// writer's own Rust code, registered as SQL functions, a range of rows at a time (see
/// [`Rewrite`]), and then builds both indexes.
pub(crate) const TAG_INDEX_MIGRATION: Migration = Migration {
    version: 10,
    sql: "
    DROP TRIGGER entries_search_insert;
    DROP TRIGGER entries_search_delete;
    DROP TRIGGER entries_search_update;
    DROP TABLE entries_search;
    ALTER TABLE entries ADD COLUMN tag_search TEXT NOT NULL DEFAULT '';
    ALTER TABLE change_rows ADD COLUMN tag_search TEXT;
    ",
    rewrite: Some(Rewrite {
        functions: rows::register_search_functions,
        updates: &[
            (
                "entries",
                "UPDATE entries SET search = keypost_search_text(title, username, urls, notes),
                                    tag_search = keypost_tag_search_text(tags)
                 WHERE rowid >= ?1 AND rowid <= ?2",
            ),
            (
                "change_rows",
                "UPDATE change_rows SET search = keypost_search_text(title, username, urls, notes),
                                        tag_search = keypost_tag_search_text(tags)
                 WHERE existed = 1 AND rowid >= ?1 AND rowid <= ?2",
            ),
        ],
        then: "
        CREATE VIRTUAL TABLE entries_search USING fts5(
            search, content = 'entries', content_rowid = 'rowid',
            tokenize = 'trigram case_sensitive 1', detail = none, columnsize = 0
        );
        CREATE VIRTUAL TABLE entries_tag_search USING fts5(
            tag_search, content = 'entries', content_rowid = 'rowid',
            tokenize = 'trigram case_sensitive 1', detail = none, columnsize = 0
        );
        CREATE TRIGGER entries_search_insert AFTER INSERT ON entries BEGIN
            INSERT INTO entries_search (rowid, search) VALUES (new.rowid, new.search);
            INSERT INTO entries_tag_search (rowid, tag_search) VALUES (new.rowid, new.tag_search);
        END;
        CREATE TRIGGER entries_search_delete AFTER DELETE ON entries BEGIN
            INSERT INTO entries_search (entries_search, rowid, search)
            VALUES ('delete', old.rowid, old.search);
            INSERT INTO entries_tag_search (entries_tag_search, rowid, tag_search)
            VALUES ('delete', old.rowid, old.tag_search);
        END;
        CREATE TRIGGER entries_search_update AFTER UPDATE OF search ON entries
        WHEN old.search IS NOT new.search BEGIN
            INSERT INTO entries_search (entries_search, rowid, search)
            VALUES ('delete', old.rowid, old.search);
            INSERT INTO entries_search (rowid, search) VALUES (new.rowid, new.search);
        END;
        CREATE TRIGGER entries_tag_search_update AFTER UPDATE OF tag_search ON entries
        WHEN old.tag_search IS NOT new.tag_search BEGIN
            INSERT INTO entries_tag_search (entries_tag_search, rowid, tag_search)
            VALUES ('delete', old.rowid, old.tag_search);
            INSERT INTO entries_tag_search (rowid, tag_search) VALUES (new.rowid, new.tag_search);
        END;
        INSERT INTO entries_search (entries_search) VALUES ('rebuild');
        INSERT INTO entries_tag_search (entries_tag_search) VALUES ('rebuild');
        ",
    }),
};

/// Schema 11: how many entries carry each tag (`tag_counts`), kept by triggers, so listing the
/// tags does not read every entry. At a million entries the scan of every entry's tags took
/// 2.5 s, and the app asks for the tags when it unlocks and after every change.
///
/// A tag whose count drops to 0 keeps its row (one statement less per tag edit); readers skip
/// it. Stored tags are JSON written by Keypost; a row that is not valid JSON (a damaged file,
/// or undo putting back a damaged row's before-image) counts as no tags, so it cannot stop
/// the migration, an edit, a delete or an undo.
pub(crate) const TAG_COUNT_MIGRATION: Migration = Migration {
    version: 11,
    sql: "
    CREATE TABLE tag_counts (
        tag         TEXT    PRIMARY KEY,
        entry_count INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO tag_counts (tag, entry_count)
        SELECT tag.value, count(*)
        FROM entries, json_each(iif(json_valid(entries.tags), entries.tags, '[]')) AS tag
        GROUP BY tag.value;
    CREATE TRIGGER tag_counts_insert AFTER INSERT ON entries WHEN new.tags <> '[]' BEGIN
        INSERT INTO tag_counts (tag, entry_count)
            SELECT value, 1 FROM json_each(iif(json_valid(new.tags), new.tags, '[]')) WHERE true
            ON CONFLICT (tag) DO UPDATE SET entry_count = entry_count + 1;
    END;
    CREATE TRIGGER tag_counts_delete AFTER DELETE ON entries WHEN old.tags <> '[]' BEGIN
        UPDATE tag_counts SET entry_count = entry_count - 1
            WHERE tag IN (SELECT value FROM json_each(iif(json_valid(old.tags), old.tags, '[]')));
    END;
    CREATE TRIGGER tag_counts_update AFTER UPDATE OF tags ON entries
    WHEN old.tags IS NOT new.tags BEGIN
        UPDATE tag_counts SET entry_count = entry_count - 1
            WHERE old.tags <> '[]'
              AND tag IN (SELECT value FROM json_each(iif(json_valid(old.tags), old.tags, '[]')));
        INSERT INTO tag_counts (tag, entry_count)
            SELECT value, 1 FROM json_each(iif(json_valid(new.tags), new.tags, '[]')) WHERE new.tags <> '[]'
            ON CONFLICT (tag) DO UPDATE SET entry_count = entry_count + 1;
    END;
    ",
    rewrite: None,
};

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EntriesError {
    #[error("entry {0} not found")]
    NotFound(EntryId),
    #[error("entry {0} has no such value any more; open it again")]
    NoSuchValue(EntryId),
    #[error("entry {0} was changed elsewhere (a bulk edit or undo) since it was opened")]
    ChangedSince(EntryId),
    #[error("tag {0:?} is empty or contains control characters")]
    InvalidTag(String),
    #[error("the search was stopped: a newer one replaced it")]
    SearchStopped,
    #[error("stored entry data is damaged: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
}

impl From<TimeOutOfRange> for EntriesError {
    fn from(error: TimeOutOfRange) -> Self {
        Self::Corrupt(error.to_string())
    }
}

pub type Result<T, E = EntriesError> = std::result::Result<T, E>;

connection_handles!(
    /// Read access to the entries of an unlocked vault (from `Vault::entries`).
    Entries,
    /// Write access to the entries of an unlocked vault (from `Vault::entries_mut`).
    EntriesMut
);
