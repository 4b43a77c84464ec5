//! The vault's inbox identity (docs/spec/inbox.md, "Identity"; vault schema 3): one random
//! seed per vault, stored in the encrypted database and nowhere else, from which
//! `keypost_protocol` derives the signing and HPKE keys, the key bundle and the 7 words.
//!
//! The seed is the identity: it survives lock, unlock and a master-password change (those
//! re-wrap the data key; the database, and the seed in it, stay as they are). Keys are derived
//! when needed and wiped when dropped, so none outlives the unlocked vault.
//!
//! ```text
//! ensure(name) ─► seed in `identity` (made once) ─► Identity::from_seed ─► bundle, words
//! ```

use keypost_protocol::inbox::identity::{FINGERPRINT_WORDS, SEED_LEN};
use keypost_protocol::inbox::limits::MAX_NAME_CHARS;
use keypost_protocol::inbox::{Fingerprint, Identity, IdentitySeed, KeyBundle};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use thiserror::Error;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::store::Migration;

/// Schema 3: the identity, at most one row.
pub(crate) const MIGRATION: Migration = Migration {
    version: 3,
    sql: "
    -- The inbox identity of this vault: the seed every key comes from. One row at most.
    CREATE TABLE identity (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        seed         BLOB    NOT NULL CHECK (length(seed) = 32),
        created_at   INTEGER NOT NULL CHECK (created_at >= 0), -- Unix seconds, in the bundle
        display_name TEXT    NOT NULL
    );
    ",
    rewrite: None,
};

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IdentityError {
    #[error("a name needs 1 to {MAX_NAME_CHARS} characters and no control characters")]
    InvalidName,
    #[error("this vault has no identity yet: register at a relay first")]
    Missing,
    #[error("the identity stored in this vault is damaged")]
    Damaged,
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
}

pub type Result<T, E = IdentityError> = std::result::Result<T, E>;

/// What a person shows of themselves: their name and the fingerprint of their keys. Public.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IdCard {
    pub name: String,
    /// The fingerprint as base64url text (the CLI's and the QR code's form).
    pub fingerprint: Fingerprint,
    /// The 7 words people compare.
    pub words: Vec<String>,
}

impl IdCard {
    fn new(name: String, fingerprint: Fingerprint) -> Self {
        let words: [&str; FINGERPRINT_WORDS] = fingerprint.to_words();
        Self {
            name,
            fingerprint,
            words: words.iter().map(|word| (*word).to_owned()).collect(),
        }
    }
}

/// The identity, to read.
pub struct Identities<'c> {
    conn: &'c Connection,
}

impl<'c> Identities<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self { conn }
    }

    /// The unlocked identity with its keys, or `None` before the first [`IdentitiesMut::ensure`].
    pub fn get(&self) -> Result<Option<Identity>> {
        Ok(self.row()?.map(|row| row.identity))
    }

    /// The name and fingerprint, or `None` before the first [`IdentitiesMut::ensure`].
    pub fn card(&self) -> Result<Option<IdCard>> {
        Ok(self
            .row()?
            .map(|row| IdCard::new(row.display_name, row.identity.fingerprint())))
    }

    /// The public key bundle, or [`IdentityError::Missing`].
    pub fn bundle(&self) -> Result<KeyBundle> {
        self.get()?
            .map(|identity| identity.bundle().clone())
            .ok_or(IdentityError::Missing)
    }

    fn row(&self) -> Result<Option<IdentityRow>> {
        let stored = self
            .conn
            .query_row(
                "SELECT seed, created_at, display_name FROM identity WHERE id = 1",
                [],
                |row| {
                    Ok((
                        Zeroizing::new(row.get::<_, Vec<u8>>(0)?),
                        row.get::<_, i64>(1)?,
                        row.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        stored
            .map(|(seed, created_at, display_name)| {
                let seed: [u8; SEED_LEN] = seed
                    .as_slice()
                    .try_into()
                    .map_err(|_| IdentityError::Damaged)?;
                let seed = IdentitySeed::from_vault_bytes(seed);
                let created_at = u64::try_from(created_at).map_err(|_| IdentityError::Damaged)?;
                Ok(IdentityRow {
                    identity: Identity::from_seed(&seed, created_at),
                    display_name,
                })
            })
            .transpose()
    }
}

struct IdentityRow {
    identity: Identity,
    display_name: String,
}

/// The identity, to make and rename.
pub struct IdentitiesMut<'c> {
    conn: &'c mut Connection,
}

impl<'c> IdentitiesMut<'c> {
    pub(crate) fn new(conn: &'c mut Connection) -> Self {
        Self { conn }
    }

    /// The vault's identity, made now (a fresh random seed) if it has none; an existing
    /// identity keeps its keys and takes `display_name`.
    pub fn ensure(&mut self, display_name: &str, now: OffsetDateTime) -> Result<IdCard> {
        let name = checked_name(display_name)?;
        let seed = IdentitySeed::make_random();
        let created_at = now.unix_timestamp().max(0);
        // One statement: a second caller racing this one keeps the first seed.
        self.conn.execute(
            "INSERT INTO identity (id, seed, created_at, display_name) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name",
            params![seed.to_vault_bytes().as_slice(), created_at, name],
        )?;
        Identities::new(self.conn)
            .card()?
            .ok_or(IdentityError::Missing)
    }

    /// Changes the name contacts will see on what this vault sends next.
    pub fn rename(&mut self, display_name: &str) -> Result<IdCard> {
        let name = checked_name(display_name)?;
        let changed = self.conn.execute(
            "UPDATE identity SET display_name = ?1 WHERE id = 1",
            params![name],
        )?;
        if changed == 0 {
            return Err(IdentityError::Missing);
        }
        Identities::new(self.conn)
            .card()?
            .ok_or(IdentityError::Missing)
    }
}

/// A display name: trimmed, 1 to [`MAX_NAME_CHARS`] characters, no control characters (they
/// could hide or reorder what the other person reads).
fn checked_name(name: &str) -> Result<&str> {
    let name = name.trim();
    let length = name.chars().count();
    if length == 0 || length > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(IdentityError::InvalidName);
    }
    Ok(name)
}
