//! The SQLCipher database inside a vault folder (`vault.db`): opening it with the raw data key,
//! the pragmas the spec requires, and schema migrations numbered by `PRAGMA user_version`.
//!
//! Submodules hold the operations: [`entries`] (CRUD, list, search, tags), [`bulk`] (bulk edit)
//! and [`undo`] (the change log that makes every mutation undoable, also after a restart).

pub mod bulk;
pub mod entries;
mod rows;
pub mod sent;
pub mod undo;

use crate::entry::EntryId;
use crate::vault::keys::SecretKey;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use thiserror::Error;
use zeroize::Zeroizing;

/// The schema version this build writes; older databases are migrated forward on open.
pub const SCHEMA_VERSION: i64 = 2;

/// Each entry is `(version it produces, SQL)`; applied in order inside one transaction.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "
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
    ),
    (
        2,
        "
    -- Pickups this vault sent by email, so the sender can follow and revoke them. `record`
    -- is the JSON of `sharing::SentPickup` (it holds the link, PIN and owner token).
    CREATE TABLE sent_pickups (
        id      TEXT    PRIMARY KEY,
        sent_at INTEGER NOT NULL,             -- Unix time, nanoseconds
        record  TEXT    NOT NULL
    );
    ",
    ),
];

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// `PRAGMA cipher_version` was empty: this SQLite build ignores keys and would write
    /// plaintext (spec: "Database", rule D1).
    #[error(
        "the SQLite library in use has no encryption (SQLCipher missing); refusing to continue"
    )]
    CipherUnavailable,
    #[error("vault database cannot be read with this key, or is damaged")]
    NotADatabase,
    #[error("vault database has schema version {found}; this build knows up to {supported}")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("entry {0} not found")]
    EntryNotFound(EntryId),
    #[error("stored entry data is damaged: {0}")]
    CorruptRow(String),
    #[error("tag {0:?} is empty or contains control characters")]
    InvalidTag(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open, keyed, migrated vault database.
pub struct Store {
    conn: Connection,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Creates a new database file (which must not exist yet) and its schema.
    pub fn create(path: &Path, data_key: &SecretKey) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Self::open_with(path, data_key, flags)
    }

    /// Opens an existing database, checks the key, and migrates the schema forward.
    pub fn open(path: &Path, data_key: &SecretKey) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Self::open_with(path, data_key, flags)
    }

    fn open_with(path: &Path, data_key: &SecretKey, flags: OpenFlags) -> Result<Self> {
        let conn = Connection::open_with_flags(path, flags)?;
        // Rule D1: a build without SQLCipher would silently ignore the key below.
        let cipher_version: Option<String> = conn
            .query_row("PRAGMA cipher_version", [], |row| row.get(0))
            .ok();
        if cipher_version.is_none_or(|version| version.trim().is_empty()) {
            return Err(StoreError::CipherUnavailable);
        }
        // Rule D2: the data key is the raw key, so SQLCipher's own PBKDF2 is skipped.
        let key_sql = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", *data_key.to_hex()));
        conn.execute_batch(&key_sql)?;
        // Reading the schema is the first access that decrypts a page: a wrong key or a
        // damaged file fails here.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
            row.get::<_, i64>(0)
        })
        .map_err(|error| match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotADatabase,
            _ => StoreError::Sqlite(error),
        })?;
        // Rule D3: temporary tables and indices never reach the disk unencrypted; WAL with
        // synchronous=FULL means a commit is durable once `commit` returns.
        conn.execute_batch(
            "PRAGMA temp_store = MEMORY;
             PRAGMA synchronous = FULL;",
        )?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.execute_batch("PRAGMA journal_mode = DELETE;")?;
        }
        let mut store = Self { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let found: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > found) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// `PRAGMA integrity_check`, joined into one string ("ok" when intact).
    pub fn integrity_check(&self) -> Result<String> {
        let mut statement = self.conn.prepare("PRAGMA integrity_check")?;
        let lines = statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines.join("\n"))
    }

    /// The SQLCipher version string, for diagnostics.
    pub fn cipher_version(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA cipher_version", [], |row| row.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_reopens_and_refuses_another_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.db");
        let key = SecretKey::make_random();
        let store = Store::create(&path, &key).unwrap();
        assert!(!store.cipher_version().unwrap().is_empty());
        drop(store);
        Store::open(&path, &key).unwrap();
        let other = SecretKey::make_random();
        assert!(matches!(
            Store::open(&path, &other),
            Err(StoreError::NotADatabase)
        ));
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.db");
        let key = SecretKey::make_random();
        let store = Store::create(&path, &key).unwrap();
        store
            .conn
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(store);
        let result = Store::open(&path, &key);
        assert!(
            matches!(result, Err(StoreError::SchemaTooNew { found, .. }) if found == SCHEMA_VERSION + 1),
            "{result:?}"
        );
    }
}
