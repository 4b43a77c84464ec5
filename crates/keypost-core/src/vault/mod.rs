//! An unlocked vault: the folder on disk (`header`, `vault.db`, `lock`), the key hierarchy and
//! its lifecycle (create, unlock, lock, change the master password). The format is normative in
//! `docs/spec/vault-format.md`.
//!
//! What is stored inside belongs to the features: the vault hands out their handles
//! ([`Vault::entries`], [`Vault::pickups`], …) and opens the database with the migrations they
//! contribute (`SCHEMA`).
//!
//! Dropping a [`Vault`] locks it: the connection closes, the data key is wiped, and the
//! process lock is released (in that order, by field order).

pub(crate) mod files;
pub mod header;
pub mod keys;

pub use files::{DATABASE_FILE, HEADER_FILE, LOCK_FILE};
pub use header::{HeaderError, KdfParams, KdfParamsError, VaultHeader};

use crate::contacts::{self, Contacts, ContactsMut, ContactsVault};
use crate::entries::{self, Entries, EntriesMut};
use crate::identity::{self, Identities, IdentitiesMut};
use crate::messages::{self, Messages, MessagesMut, MessagesVault};
use crate::pickups::{self, Pickups, PickupsMut, PickupsVault};
use crate::store::{Migration, Store, StoreError};
use files::{LockAttempt, ProcessLock, VaultPaths, replace_atomically};
use keys::{KeyError, SecretKey};
use std::io;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Every feature's migrations, in schema order. A new feature appends its own version here.
pub(crate) const SCHEMA: &[Migration] = &[
    entries::MIGRATION,
    pickups::MIGRATION,
    identity::MIGRATION,
    contacts::MIGRATION,
    messages::MIGRATION,
    messages::SEQUENCE_MIGRATION,
    entries::SEARCH_INDEX_MIGRATION,
    messages::READ_MIGRATION,
    entries::LARGE_VAULT_MIGRATION,
    entries::TAG_INDEX_MIGRATION,
    entries::TAG_COUNT_MIGRATION,
];

/// Folder name of the vault inside the OS data folder.
pub const DEFAULT_VAULT_FOLDER: &str = "vault.keypost";

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum VaultError {
    #[error("no vault at {}", path.display())]
    NotFound { path: PathBuf },
    #[error("a vault or other files already exist at {}", path.display())]
    AlreadyExists { path: PathBuf },
    #[error("the vault is open in another Keypost process")]
    InUse,
    #[error("wrong master password")]
    WrongPassword,
    #[error("the vault header at {} is damaged: {reason}", path.display())]
    CorruptHeader { path: PathBuf, reason: HeaderError },
    #[error("vault format version {found} is not supported by this Keypost; update Keypost")]
    UnsupportedVersion { found: u16 },
    #[error(transparent)]
    KdfOutOfRange(#[from] KdfParamsError),
    #[error("key derivation failed: {0}")]
    Kdf(argon2::Error),
    #[error(
        "the SQLite library in use has no encryption (SQLCipher missing); refusing to continue"
    )]
    CipherUnavailable,
    #[error("the vault database is damaged or does not belong to this header")]
    DatabaseDamaged,
    /// The header is there but the database is empty, cut short or without a schema: opening
    /// it would show an empty vault, so it is refused and left as it is.
    #[error("vault damaged: the database {reason}; nothing was opened or changed")]
    DatabaseTruncated { reason: &'static str },
    #[error(
        "the vault was written by a newer Keypost (schema {found}, this build knows {supported})"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("database error: {0}")]
    Database(rusqlite::Error),
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("the operating system reports no data folder for this user")]
    NoDataFolder,
    #[error("the master password was changed meanwhile; nothing was written")]
    ChangedMeanwhile,
}

pub type Result<T, E = VaultError> = std::result::Result<T, E>;

impl From<StoreError> for VaultError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::CipherUnavailable => Self::CipherUnavailable,
            StoreError::NotADatabase => Self::DatabaseDamaged,
            StoreError::Truncated(reason) => Self::DatabaseTruncated { reason },
            StoreError::SchemaTooNew { found, supported } => {
                Self::SchemaTooNew { found, supported }
            }
            StoreError::Sqlite(error) => Self::Database(error),
        }
    }
}

impl From<KeyError> for VaultError {
    fn from(error: KeyError) -> Self {
        match error {
            KeyError::WrongPassword | KeyError::Wrap => Self::WrongPassword,
            KeyError::Kdf(error) => Self::Kdf(error),
        }
    }
}

/// An unlocked vault. Field order is drop order: connection, then keys, then the lock.
pub struct Vault {
    store: Store,
    data_key: SecretKey,
    header: VaultHeader,
    paths: VaultPaths,
    _lock: ProcessLock,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.paths.root)
            .field("kdf", &self.header.kdf)
            .finish_non_exhaustive()
    }
}

/// A master-password change under way: the header the vault was opened with and its data key
/// (wiped when dropped), so the slow part runs without the vault.
pub struct PasswordChange {
    based_on: VaultHeader,
    data_key: SecretKey,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChange").finish_non_exhaustive()
    }
}

impl PasswordChange {
    /// Checks that `current_password` opens the vault's header, then wraps the data key under
    /// `new_password` with a fresh salt and the same KDF parameters: two Argon2id runs.
    pub fn rewrap(self, current_password: &str, new_password: &str) -> Result<RewrappedHeader> {
        keys::open_data_key(current_password, &self.based_on)?;
        let header = keys::make_header(new_password, self.based_on.kdf, &self.data_key)?;
        Ok(RewrappedHeader {
            based_on: self.based_on,
            header,
        })
    }
}

/// The header a password change will write, and the one it replaces.
#[derive(Debug)]
pub struct RewrappedHeader {
    based_on: VaultHeader,
    header: VaultHeader,
}

/// The default vault location: `vault.keypost` in the OS data folder
/// (`~/.local/share/keypost`, `%APPDATA%\Keypost\Keypost\data`,
/// `~/Library/Application Support/app.keypost.Keypost`).
pub fn default_vault_path() -> Result<PathBuf> {
    directories::ProjectDirs::from("app", "Keypost", "Keypost")
        .map(|dirs| dirs.data_dir().join(DEFAULT_VAULT_FOLDER))
        .ok_or(VaultError::NoDataFolder)
}

impl Vault {
    /// Creates a new vault folder at `path` (which must not exist or be an empty folder).
    pub fn create(path: &Path, master_password: &str, kdf: KdfParams) -> Result<Vault> {
        header::KdfPolicy::VAULT.check(kdf)?;
        let paths = VaultPaths::new(path);
        if path.exists() && !is_empty_folder(path)? {
            return Err(VaultError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        std::fs::create_dir_all(path).map_err(io_error("create folder", path))?;
        let lock = acquire_lock(&paths)?;
        let data_key = SecretKey::make_random();
        let header = keys::make_header(master_password, kdf, &data_key)?;
        // The database first, the header last: a folder with a header is a complete vault.
        let store = Store::create(&paths.database, &data_key.to_hex(), SCHEMA)?;
        replace_atomically(&paths.header, &paths.header_temp, &header.to_bytes())
            .map_err(io_error("write", &paths.header))?;
        Ok(Vault {
            store,
            data_key,
            header,
            paths,
            _lock: lock,
        })
    }

    /// Opens the vault at `path`. A wrong password writes nothing.
    pub fn unlock(path: &Path, master_password: &str) -> Result<Vault> {
        let paths = VaultPaths::new(path);
        if !paths.header.is_file() {
            return Err(VaultError::NotFound {
                path: path.to_path_buf(),
            });
        }
        // The lock comes before the KDF, so a second process fails fast.
        let lock = acquire_lock(&paths)?;
        let bytes = std::fs::read(&paths.header).map_err(io_error("read", &paths.header))?;
        let header = VaultHeader::parse(&bytes).map_err(|reason| match reason {
            HeaderError::UnsupportedVersion { found } => VaultError::UnsupportedVersion { found },
            HeaderError::KdfParams(error) => VaultError::KdfOutOfRange(error),
            reason => VaultError::CorruptHeader {
                path: paths.header.clone(),
                reason,
            },
        })?;
        let data_key = keys::open_data_key(master_password, &header)?;
        if !paths.database.is_file() {
            return Err(VaultError::DatabaseDamaged);
        }
        let store = Store::open(&paths.database, &data_key.to_hex(), SCHEMA)?;
        // A header.tmp left by a crash during a password change is either an unused copy or
        // already renamed; the header in place is the one that opened, so the copy can go.
        if paths.header_temp.exists() {
            std::fs::remove_file(&paths.header_temp)
                .map_err(io_error("remove", &paths.header_temp))?;
        }
        Ok(Vault {
            store,
            data_key,
            header,
            paths,
            _lock: lock,
        })
    }

    /// SQLite's `PRAGMA integrity_check` over the decrypted database: "ok" when intact.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.store.integrity_check()?)
    }

    /// The SQLCipher version in use (diagnostics, `keypost --version`-style output).
    pub fn cipher_version(&self) -> Result<String> {
        Ok(self.store.cipher_version()?)
    }

    /// Locks the vault (the same as dropping it).
    pub fn lock(self) {}

    /// The vault folder.
    pub fn path(&self) -> &Path {
        &self.paths.root
    }

    /// The Argon2id parameters in the header.
    pub fn kdf_params(&self) -> KdfParams {
        self.header.kdf
    }

    /// Changes the master password: checks `current_password`, then re-wraps the data key under
    /// `new_password` with a fresh salt (the database is not re-encrypted). Crash-safe: the
    /// header is replaced atomically, so the vault opens with the old or the new password.
    /// The one use case behind `keypost passwd` and the app's Settings.
    pub fn change_master_password(
        &mut self,
        current_password: &str,
        new_password: &str,
    ) -> Result<()> {
        let rewrapped = self
            .begin_password_change()
            .rewrap(current_password, new_password)?;
        self.finish_password_change(rewrapped)
    }

    /// [`Self::change_master_password`] in steps, for a caller that must not hold the vault
    /// during the two Argon2id runs (the app, whose other commands wait for the vault): take
    /// this, run [`PasswordChange::rewrap`] without the vault, then
    /// [`Self::finish_password_change`].
    pub fn begin_password_change(&self) -> PasswordChange {
        PasswordChange {
            based_on: self.header.clone(),
            data_key: self.data_key.clone(),
        }
    }

    /// Writes a header made by [`PasswordChange::rewrap`] (atomically). Refused when the
    /// password was changed since [`Self::begin_password_change`]: the newer one stays.
    pub fn finish_password_change(&mut self, rewrapped: RewrappedHeader) -> Result<()> {
        if rewrapped.based_on != self.header {
            return Err(VaultError::ChangedMeanwhile);
        }
        replace_atomically(
            &self.paths.header,
            &self.paths.header_temp,
            &rewrapped.header.to_bytes(),
        )
        .map_err(io_error("write", &self.paths.header))?;
        self.header = rewrapped.header;
        Ok(())
    }

    /// The entries, to read: get, list, search, tags, bulk-edit previews, undo history.
    pub fn entries(&self) -> Entries<'_> {
        Entries::new(self.store.connection())
    }

    /// The entries, to change: add, update, delete, import, bulk edit, undo.
    pub fn entries_mut(&mut self) -> EntriesMut<'_> {
        EntriesMut::new(self.store.connection_mut())
    }

    /// The inbox identity: its keys, bundle and 7 words.
    pub fn identity(&self) -> Identities<'_> {
        Identities::new(self.store.connection())
    }

    /// The inbox identity, to make or rename.
    pub fn identity_mut(&mut self) -> IdentitiesMut<'_> {
        IdentitiesMut::new(self.store.connection_mut())
    }

    /// The relay account, contacts and invites.
    pub fn contacts(&self) -> Contacts<'_> {
        Contacts::new(self.store.connection())
    }

    /// The relay account, contacts and invites, to change: the contact use cases write them.
    pub fn contacts_mut(&mut self) -> ContactsMut<'_> {
        ContactsMut::new(self.store.connection_mut())
    }

    /// Received and sent messages.
    pub fn messages(&self) -> Messages<'_> {
        Messages::new(self.store.connection())
    }

    /// Received and sent messages, to change: the message use cases write them.
    pub fn messages_mut(&mut self) -> MessagesMut<'_> {
        MessagesMut::new(self.store.connection_mut())
    }

    /// The pickups this vault sent (the Sent list).
    pub fn pickups(&self) -> Pickups<'_> {
        Pickups::new(self.store.connection())
    }

    /// The sent log, to change: the pickup use cases write it around their network calls.
    pub fn pickups_mut(&mut self) -> PickupsMut<'_> {
        PickupsMut::new(self.store.connection_mut())
    }
}

impl PickupsVault for Vault {
    fn entries(&self) -> Entries<'_> {
        Vault::entries(self)
    }

    fn pickups(&self) -> Pickups<'_> {
        Vault::pickups(self)
    }

    fn pickups_mut(&mut self) -> PickupsMut<'_> {
        Vault::pickups_mut(self)
    }
}

impl ContactsVault for Vault {
    fn identity(&self) -> Identities<'_> {
        Vault::identity(self)
    }

    fn identity_mut(&mut self) -> IdentitiesMut<'_> {
        Vault::identity_mut(self)
    }

    fn contacts(&self) -> Contacts<'_> {
        Vault::contacts(self)
    }

    fn contacts_mut(&mut self) -> ContactsMut<'_> {
        Vault::contacts_mut(self)
    }
}

impl MessagesVault for Vault {
    fn entries(&self) -> Entries<'_> {
        Vault::entries(self)
    }

    fn messages(&self) -> Messages<'_> {
        Vault::messages(self)
    }

    fn messages_mut(&mut self) -> MessagesMut<'_> {
        Vault::messages_mut(self)
    }
}

fn acquire_lock(paths: &VaultPaths) -> Result<ProcessLock> {
    match ProcessLock::try_acquire(&paths.lock).map_err(io_error("lock", &paths.lock))? {
        LockAttempt::Acquired(lock) => Ok(lock),
        LockAttempt::HeldElsewhere => Err(VaultError::InUse),
    }
}

fn is_empty_folder(path: &Path) -> Result<bool> {
    if !path.is_dir() {
        return Ok(false);
    }
    let mut children = std::fs::read_dir(path).map_err(io_error("read folder", path))?;
    Ok(children.next().is_none())
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> VaultError {
    let path = path.to_path_buf();
    move |source| VaultError::Io {
        action,
        path,
        source,
    }
}
