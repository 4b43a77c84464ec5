//! What can go wrong in a command, and the exit code a script sees for it.

use keypost_core::entries::EntriesError;
use keypost_core::inbox::InboxError;
use keypost_core::interchange::transfer::{ExportFileError, ImportFileError};
use keypost_core::pickups::PickupError;
use keypost_core::settings::RelaySource;
use keypost_core::vault::VaultError;
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CliError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Entries(#[from] EntriesError),
    #[error("no vault at {} (create one with `keypost init`)", .0.display())]
    NoVault(PathBuf),
    #[error(transparent)]
    Import(#[from] keypost_core::interchange::csv::ImportError),
    #[error(transparent)]
    Export(#[from] keypost_core::interchange::csv::ExportError),
    #[error(transparent)]
    Print(#[from] keypost_core::interchange::print::PrintError),
    #[error(transparent)]
    ImportFile(keypost_core::interchange::transfer::ImportFileError),
    #[error(transparent)]
    ExportFile(keypost_core::interchange::transfer::ExportFileError),
    #[error(transparent)]
    Generator(#[from] keypost_core::generator::GeneratorError),
    #[error(transparent)]
    Pickup(#[from] PickupError),
    /// A relay that failed a pickup send, with why that relay was used: a person may not know.
    #[error("{error} (relay: {}){}", relay.describe(), send_hint(*relay))]
    Send {
        error: PickupError,
        relay: RelaySource,
    },
    #[error(transparent)]
    Inbox(#[from] InboxError),
    #[error("{0}")]
    Input(String),
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("cancelled; nothing was written")]
    Cancelled,
    #[error("{0}")]
    Io(String),
}

/// A cancelled import or export is [`CliError::Cancelled`], whatever stopped it.
impl From<ImportFileError> for CliError {
    fn from(error: ImportFileError) -> Self {
        match error {
            ImportFileError::Cancelled(_) => CliError::Cancelled,
            other => CliError::ImportFile(other),
        }
    }
}

impl From<ExportFileError> for CliError {
    fn from(error: ExportFileError) -> Self {
        match error {
            ExportFileError::Cancelled(_) => CliError::Cancelled,
            other => CliError::ExportFile(other),
        }
    }
}

/// What to do when no relay was set and the app's built-in one did not answer.
fn send_hint(relay: RelaySource) -> &'static str {
    match relay {
        RelaySource::BuiltIn => "; start the Keypost app or give --relay URL",
        RelaySource::Given | RelaySource::AppSettings => "",
    }
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
    pub const KEY_CHANGED: u8 = 9;
    pub const NOT_VERIFIED: u8 = 10;
    pub const NOT_CONNECTED: u8 = 11;
}

fn pickup_exit_code(error: &PickupError) -> u8 {
    match error {
        PickupError::WrongPin { .. } => exit::WRONG_PIN,
        PickupError::Gone | PickupError::Ended | PickupError::NotSent => exit::GONE,
        PickupError::Refused { .. }
        | PickupError::Unreachable { .. }
        | PickupError::BadAnswer(_) => exit::RELAY,
        PickupError::Relay(error) if error.code() == "relay_unreachable" => exit::RELAY,
        PickupError::Locked(_) | PickupError::CorruptRecord(_) | PickupError::Database(_) => {
            exit::ERROR
        }
        PickupError::Entries(EntriesError::NotFound(_)) => exit::NOT_FOUND,
        PickupError::Entries(EntriesError::Corrupt(_) | EntriesError::Database(_)) => exit::ERROR,
        _ => exit::BAD_INPUT,
    }
}

/// Contacts and messages: core's stable error code decides the exit code.
fn inbox_exit_code(error: &InboxError) -> u8 {
    match error.code() {
        "key_changed" => exit::KEY_CHANGED,
        "not_verified" => exit::NOT_VERIFIED,
        "not_connected" => exit::NOT_CONNECTED,
        "relay_refused" | "relay_unreachable" => exit::RELAY,
        "not_found" => exit::NOT_FOUND,
        "wrong_code" => exit::WRONG_PIN,
        "corrupt" | "locked" | "export_failed" => exit::ERROR,
        _ => exit::BAD_INPUT,
    }
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Vault(VaultError::WrongPassword) => exit::WRONG_PASSWORD,
            CliError::Pickup(error) | CliError::Send { error, .. } => pickup_exit_code(error),
            CliError::Entries(EntriesError::NotFound(_)) => exit::NOT_FOUND,
            CliError::Inbox(error) => inbox_exit_code(error),
            CliError::Vault(VaultError::InUse) => exit::IN_USE,
            CliError::Vault(VaultError::NotFound { .. }) | CliError::NoVault(_) => exit::NOT_FOUND,
            CliError::Entries(EntriesError::InvalidTag(_))
            | CliError::Vault(VaultError::KdfOutOfRange(_) | VaultError::AlreadyExists { .. })
            | CliError::Input(_)
            | CliError::Import(_)
            | CliError::ImportFile(ImportFileError::Csv(_) | ImportFileError::FileChanged)
            | CliError::Generator(_)
            | CliError::NothingToUndo
            | CliError::Cancelled => exit::BAD_INPUT,
            _ => exit::ERROR,
        }
    }
}
