//! What can go wrong in a command, and the exit code a script sees for it.

use keypost_core::sharing::SharingError;
use keypost_core::vault::VaultError;
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CliError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("no vault at {} (create one with `keypost init`)", .0.display())]
    NoVault(PathBuf),
    #[error(transparent)]
    Import(#[from] keypost_core::interchange::csv::ImportError),
    #[error(transparent)]
    Export(#[from] keypost_core::interchange::csv::ExportError),
    #[error(transparent)]
    Print(#[from] keypost_core::interchange::print::PrintError),
    #[error(transparent)]
    Generator(#[from] keypost_core::generator::GeneratorError),
    #[error(transparent)]
    Sharing(#[from] keypost_core::sharing::SharingError),
    #[error("{0}")]
    Input(String),
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("cancelled; nothing was written")]
    Cancelled,
    #[error("{0}")]
    Io(String),
}

/// Exit codes scripts can rely on (also listed in `keypost --help`).
pub mod exit {
    pub const ERROR: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
    pub const WRONG_PASSWORD: u8 = 3;
    pub const IN_USE: u8 = 4;
    pub const NOT_FOUND: u8 = 5;
    pub const WRONG_PIN: u8 = 6;
    pub const GONE: u8 = 7;
    pub const RELAY: u8 = 8;
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Vault(VaultError::WrongPassword) => exit::WRONG_PASSWORD,
            CliError::Sharing(SharingError::WrongPin { .. }) => exit::WRONG_PIN,
            CliError::Sharing(SharingError::Gone) => exit::GONE,
            CliError::Sharing(
                SharingError::Refused { .. }
                | SharingError::Unreachable { .. }
                | SharingError::BadAnswer(_),
            ) => exit::RELAY,
            CliError::Sharing(_) => exit::BAD_INPUT,
            CliError::Vault(VaultError::InUse) => exit::IN_USE,
            CliError::Vault(VaultError::EntryNotFound(_) | VaultError::NotFound { .. })
            | CliError::NoVault(_) => exit::NOT_FOUND,
            CliError::Vault(
                VaultError::InvalidTag(_)
                | VaultError::KdfOutOfRange(_)
                | VaultError::AlreadyExists { .. },
            )
            | CliError::Input(_)
            | CliError::Import(_)
            | CliError::Generator(_)
            | CliError::NothingToUndo
            | CliError::Cancelled => exit::BAD_INPUT,
            _ => exit::ERROR,
        }
    }
}
