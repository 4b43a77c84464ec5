//! The SQLCipher database inside a vault folder (`vault.db`): opening it with the raw data key,
//! the pragmas the spec requires, and the runner of the schema migrations that the features
//! contribute, numbered by `PRAGMA user_version`.
//!
//! The store knows no feature: each feature keeps its tables, rows and SQL in its own module
//! and works on the connection this module opened.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use thiserror::Error;
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// Declares a pair of vault handles over the store's connection: `$read`, shared and `Copy`,
/// and `$write`, exclusive, each made by the vault with `new`; `$write::read` gives the read
/// operations to writes that look before they change. `Debug` shows only the name.
macro_rules! connection_handles {
    ($(#[$read_meta:meta])* $read:ident, $(#[$write_meta:meta])* $write:ident) => {
        $(#[$read_meta])*
        #[derive(Clone, Copy)]
        pub struct $read<'v> {
            conn: &'v rusqlite::Connection,
        }

        $(#[$write_meta])*
        pub struct $write<'v> {
            conn: &'v mut rusqlite::Connection,
        }

        impl<'v> $read<'v> {
            pub(crate) fn new(conn: &'v rusqlite::Connection) -> Self {
                Self { conn }
            }
        }

        impl<'v> $write<'v> {
            pub(crate) fn new(conn: &'v mut rusqlite::Connection) -> Self {
                Self { conn }
            }

            /// The read operations, for writes that look before they change.
            #[allow(dead_code, reason = "not every feature's writes look first")]
            fn read(&self) -> $read<'_> {
                $read { conn: self.conn }
            }
        }

        impl std::fmt::Debug for $read<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($read))
            }
        }

        impl std::fmt::Debug for $write<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($write))
            }
        }
    };
}
pub(crate) use connection_handles;

/// Decrypted pages kept in memory, at most. Every page read from the file is decrypted and
/// checked (HMAC), so a cache smaller than what a write touches reads and decrypts the same
/// pages again and again: with SQLite's default 2 MiB, a bulk tag of 10,000 entries in a vault
/// of 100,000 spent a third of its time in page decryption. The cache fills only as pages are
/// used, so a search or a show stays small.
const PAGE_CACHE_KIB: u32 = 65_536;

/// One step of the schema: the SQL that takes the database to `version`. Versions are global
/// across features (the vault lists them all in `vault::SCHEMA`), so a database can be
/// migrated forward from any earlier build.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub version: i64,
    pub sql: &'static str,
    /// Stored values recomputed after `sql`, by the writer's own Rust code.
    pub rewrite: Option<Rewrite>,
}

/// The part of a migration that recomputes stored values exactly as the writer computes them
/// (SQLite's own `lower` folds only ASCII), then the SQL that depends on the new values.
#[derive(Clone, Copy, Debug)]
pub struct Rewrite {
    /// Registers the SQL functions that `updates` call.
    pub functions: fn(&Connection) -> rusqlite::Result<()>,
    /// `(table, UPDATE … rowid >= ?1 AND rowid <= ?2)`, each run over consecutive rowid
    /// ranges of [`REWRITE_BATCH`] rows. One UPDATE of a whole table would keep every page it
    /// changed in its statement journal until it ended, and `temp_store = MEMORY` (rule D3)
    /// keeps that journal in memory: a vault of a million entries took 536 MiB to migrate.
    pub updates: &'static [(&'static str, &'static str)],
    /// Runs after the updates (e.g. building an index over the recomputed values).
    pub then: &'static str,
}

/// Rows one statement of a [`Rewrite`] changes at most.
const REWRITE_BATCH: i64 = 5_000;

impl Rewrite {
    fn apply(&self, conn: &Connection) -> rusqlite::Result<()> {
        (self.functions)(conn)?;
        for (table, update) in self.updates {
            let mut range_end = conn.prepare(&format!(
                "SELECT max(rowid) FROM (SELECT rowid FROM {table} WHERE rowid >= ?1 \
                 ORDER BY rowid LIMIT {REWRITE_BATCH})"
            ))?;
            let mut update = conn.prepare(update)?;
            let mut next = Some(i64::MIN);
            while let Some(start) = next {
                let Some(end) = range_end.query_row([start], |row| row.get::<_, Option<i64>>(0))?
                else {
                    break;
                };
                update.execute([start, end])?;
                next = end.checked_add(1);
            }
        }
        conn.execute_batch(self.then)
    }
}

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
    /// Rule D6: the database of an existing vault is empty, cut short, or has no schema, so
    /// opening it would show an empty vault and the next write would hide the loss.
    #[error("vault database {0}")]
    Truncated(&'static str),
    #[error("vault database has schema version {found}; this build knows up to {supported}")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// SQLCipher 4's page size (spec rule D2): every database a vault wrote holds at least one.
pub const PAGE_SIZE: u64 = 4096;

/// An open, keyed, migrated vault database.
pub struct Store {
    conn: Connection,
}

/// A stored time outside what the store can represent (Unix nanoseconds in an `i64`).
#[derive(Debug, Error)]
#[error("time {0} is out of range")]
pub struct TimeOutOfRange(pub String);

/// Times are stored as Unix nanoseconds; this covers years 1678..2262.
pub fn to_nanos(time: OffsetDateTime) -> Result<i64, TimeOutOfRange> {
    i64::try_from(time.unix_timestamp_nanos()).map_err(|_| TimeOutOfRange(time.to_string()))
}

pub fn from_nanos(nanos: i64) -> Result<OffsetDateTime, TimeOutOfRange> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(nanos))
        .map_err(|_| TimeOutOfRange(nanos.to_string()))
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Creates a new database file (which must not exist yet) and its schema. `key_hex` is the
    /// vault's data key in hex: SQLCipher's raw key.
    pub fn create(
        path: &Path,
        key_hex: &Zeroizing<String>,
        migrations: &[Migration],
    ) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Self::open_with(path, key_hex, migrations, flags, Opening::New)
    }

    /// Opens an existing database, checks the key, and migrates the schema forward. A file
    /// that cannot hold a vault's database (rule D6) is refused before SQLite opens it, and
    /// nothing is written to a refused file.
    pub fn open(
        path: &Path,
        key_hex: &Zeroizing<String>,
        migrations: &[Migration],
    ) -> Result<Self> {
        let length = std::fs::metadata(path)
            .map_err(|_| StoreError::Truncated("cannot be read"))?
            .len();
        if length == 0 {
            return Err(StoreError::Truncated("is empty"));
        }
        if length < PAGE_SIZE {
            return Err(StoreError::Truncated("is shorter than one page"));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Self::open_with(path, key_hex, migrations, flags, Opening::Existing)
    }

    fn open_with(
        path: &Path,
        key_hex: &Zeroizing<String>,
        migrations: &[Migration],
        flags: OpenFlags,
        opening: Opening,
    ) -> Result<Self> {
        let conn = Connection::open_with_flags(path, flags)?;
        // Rule D1: a build without SQLCipher would silently ignore the key below.
        let cipher_version: Option<String> = conn
            .query_row("PRAGMA cipher_version", [], |row| row.get(0))
            .ok();
        if cipher_version.is_none_or(|version| version.trim().is_empty()) {
            return Err(StoreError::CipherUnavailable);
        }
        // Rule D2: the data key is the raw key, so SQLCipher's own PBKDF2 is skipped.
        let key_sql = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", key_hex.as_str()));
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
        // Rule D6: an existing vault's database always has a schema; asked before the
        // journal mode below, which would write to the file.
        if opening == Opening::Existing && schema_version(&conn)? == 0 {
            return Err(StoreError::Truncated("has no schema (version 0)"));
        }
        // Rule D3: temporary tables and indices never reach the disk unencrypted; WAL with
        // synchronous=FULL means a commit is durable once `commit` returns.
        conn.execute_batch(&format!(
            "PRAGMA temp_store = MEMORY;
             PRAGMA synchronous = FULL;
             PRAGMA cache_size = -{PAGE_CACHE_KIB};"
        ))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.execute_batch("PRAGMA journal_mode = DELETE;")?;
        }
        let mut store = Self { conn };
        store.migrate(migrations)?;
        Ok(store)
    }

    /// Applies, in one transaction and in version order, every migration newer than the
    /// database; refuses a database newer than the newest migration.
    fn migrate(&mut self, migrations: &[Migration]) -> Result<()> {
        let supported = migrations
            .iter()
            .map(|migration| migration.version)
            .max()
            .unwrap_or(0);
        let found = schema_version(&self.conn)?;
        if found > supported {
            return Err(StoreError::SchemaTooNew { found, supported });
        }
        if found == supported {
            return Ok(());
        }
        let mut pending: Vec<&Migration> = migrations
            .iter()
            .filter(|migration| migration.version > found)
            .collect();
        pending.sort_by_key(|migration| migration.version);
        let tx = self.conn.transaction()?;
        for migration in pending {
            tx.execute_batch(migration.sql)?;
            if let Some(rewrite) = &migration.rewrite {
                rewrite.apply(&tx)?;
            }
            tx.pragma_update(None, "user_version", migration.version)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The connection, for the features' own SQL.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The connection for writes (transactions need it mutable).
    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
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

/// Whether [`Store::open_with`] makes a database or opens one a vault wrote before.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opening {
    New,
    Existing,
}

fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[Migration] = &[Migration {
        version: 1,
        sql: "CREATE TABLE things (id INTEGER PRIMARY KEY);",
        rewrite: None,
    }];

    fn key(byte: char) -> Zeroizing<String> {
        Zeroizing::new(byte.to_string().repeat(64))
    }

    #[test]
    fn creates_reopens_and_refuses_another_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.db");
        let store = Store::create(&path, &key('a'), TABLE).unwrap();
        assert!(!store.cipher_version().unwrap().is_empty());
        drop(store);
        Store::open(&path, &key('a'), TABLE).unwrap();
        assert!(matches!(
            Store::open(&path, &key('b'), TABLE),
            Err(StoreError::NotADatabase)
        ));
    }

    /// A rewrite reaches every row once, in ranges, whatever the rowids (negative, sparse, at
    /// both ends of the range), and its `then` runs after it.
    #[test]
    fn a_rewrite_recomputes_every_row_a_range_at_a_time() {
        fn functions(conn: &Connection) -> rusqlite::Result<()> {
            let flags = rusqlite::functions::FunctionFlags::SQLITE_UTF8
                | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC;
            conn.create_scalar_function("label", 1, flags, |context| {
                Ok(format!("#{}", context.get::<i64>(0)?))
            })
        }
        const LABELLED: &[Migration] = &[
            TABLE[0],
            Migration {
                version: 2,
                sql: "ALTER TABLE things ADD COLUMN label TEXT;",
                rewrite: Some(Rewrite {
                    functions,
                    updates: &[(
                        "things",
                        "UPDATE things SET label = label(id) WHERE rowid >= ?1 AND rowid <= ?2",
                    )],
                    then: "CREATE INDEX things_by_label ON things (label);",
                }),
            },
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.db");
        let store = Store::create(&path, &key('a'), TABLE).unwrap();
        let mut insert = store
            .conn
            .prepare("INSERT INTO things (id) VALUES (?1)")
            .unwrap();
        let ends = [i64::MIN, -7, 1 << 40, i64::MAX];
        let middle = (1..=2 * REWRITE_BATCH + 3).map(|id| id * 3);
        for id in ends.into_iter().chain(middle) {
            insert.execute([id]).unwrap();
        }
        drop(insert);
        drop(store);

        let store = Store::open(&path, &key('a'), LABELLED).unwrap();
        let count = |sql: &str| -> i64 { store.conn.query_row(sql, [], |row| row.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM things"), 2 * REWRITE_BATCH + 7);
        assert_eq!(
            count("SELECT count(*) FROM things WHERE label IS NOT '#' || id"),
            0
        );
        assert_eq!(
            count("SELECT count(*) FROM sqlite_master WHERE name = 'things_by_label'"),
            1
        );
        assert_eq!(schema_version(&store.conn).unwrap(), 2);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.db");
        let store = Store::create(&path, &key('a'), TABLE).unwrap();
        store.conn.pragma_update(None, "user_version", 2).unwrap();
        drop(store);
        let result = Store::open(&path, &key('a'), TABLE);
        assert!(
            matches!(
                result,
                Err(StoreError::SchemaTooNew {
                    found: 2,
                    supported: 1
                })
            ),
            "{result:?}"
        );
    }
}
