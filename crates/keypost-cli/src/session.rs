//! The vault a command works on: its path and where its master password comes from.

use crate::error::CliError;
use crate::secrets::PasswordSource;
use keypost_core::vault::Vault;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use zeroize::Zeroizing;

pub struct Session {
    path: PathBuf,
    secrets: PasswordSource,
}

impl Session {
    pub fn new(path: PathBuf, secrets: PasswordSource) -> Self {
        Self { path, secrets }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn secrets(&self) -> &PasswordSource {
        &self.secrets
    }

    /// Opens the vault, asking for its master password (only when the vault exists).
    pub fn unlock(&self) -> Result<Vault, CliError> {
        Ok(self.unlock_keeping_password()?.0)
    }

    /// [`Self::unlock`], also returning the master password that opened it (`passwd` checks
    /// it again in the core's password change).
    pub fn unlock_keeping_password(&self) -> Result<(Vault, Zeroizing<String>), CliError> {
        if !self.path.exists() {
            return Err(CliError::NoVault(self.path.clone()));
        }
        let password = self.secrets.master_password()?;
        let vault = Vault::unlock(&self.path, &password)?;
        Ok((vault, password))
    }

    /// The unlocked vault as the core use cases borrow it, one step at a time.
    pub fn unlock_shared(&self) -> Result<Mutex<Option<Vault>>, CliError> {
        Ok(Mutex::new(Some(self.unlock()?)))
    }
}

/// Runs one network use case to its end on a single-threaded runtime.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| CliError::Io(format!("cannot start the network runtime: {error}")))?;
    Ok(runtime.block_on(future))
}
