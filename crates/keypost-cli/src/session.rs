//! The vault a command works on: its path and where its master password comes from.

use crate::error::CliError;
use crate::secrets::PasswordSource;
use keypost_core::vault::Vault;
use std::path::{Path, PathBuf};

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
        if !self.path.exists() {
            return Err(CliError::NoVault(self.path.clone()));
        }
        let password = self.secrets.master_password()?;
        Ok(Vault::unlock(&self.path, &password)?)
    }
}
