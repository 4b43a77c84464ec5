//! The one error type every command returns: `{code, message}` on the wire, so the UI switches
//! on a stable `code` and shows `message` to the person.

use keypost_core::entries::EntriesError;
use keypost_core::generator::GeneratorError;
use keypost_core::identity::IdentityError;
use keypost_core::inbox::InboxError;
use keypost_core::interchange::csv::{ExportError, ImportError};
use keypost_core::interchange::print::PrintError;
use keypost_core::interchange::transfer::{ExportFileError, ImportFileError};
use keypost_core::pickups::PickupError;
use keypost_core::settings::SettingsError;
use keypost_core::vault::VaultError;
use serde::Serialize;
use ts_rs::TS;

/// Stable error codes; the UI depends on these strings, so only add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The master password does not open the vault.
    WrongPassword,
    /// Another process has the vault open.
    VaultInUse,
    /// The command needs an unlocked vault.
    Locked,
    /// There is no vault file at the configured path.
    NoVault,
    /// A vault already exists where one was to be created.
    VaultExists,
    /// The vault file is damaged or not a Keypost vault.
    Corrupt,
    /// The entry, change or result set asked for does not exist (any more).
    NotFound,
    /// The request itself is malformed (bad id, empty title, unreadable file…).
    InvalidInput,
    /// Reading or writing a file failed.
    Io,
    /// Anything else; the message says what.
    Internal,
    /// The PIN of a pickup was wrong; the message says how many tries are left.
    WrongPin,
    /// The pickup expired, was used up, deleted, revoked or destroyed.
    Gone,
    /// The text is not a pickup link.
    InvalidLink,
    /// The relay cannot be reached or answered nonsense.
    RelayUnreachable,
    /// The relay refused the request; the message says why.
    RelayRefused,
    /// A sent pickup never reached the relay: there is nothing to follow or revoke.
    NotSent,
    /// People and Messages need an identity registered at a relay first (the set-up).
    NotRegistered,
    /// The contact's key changed: sending is blocked until the new words are compared.
    KeyChanged,
    /// The words the person confirmed are not the contact's pinned ones: nothing happened.
    NotVerified,
    /// The contact is not connected (awaiting confirmation, removed or blocked).
    NotConnected,
    /// The emailed code was wrong; the message says how many tries are left.
    WrongCode,
    /// A message from a changed key can be shown, never saved or exported.
    Held,
    /// The invite (or the answer to it) was changed on the way: do not trust it.
    InviteAltered,
    /// The invite expired.
    InviteExpired,
    /// The text is not a usable invite (malformed, too large, for another relay…).
    InvalidInvite,
    /// The person cancelled an import or export (nothing was written), or a newer search
    /// replaced a running one.
    Cancelled,
    /// The entry window's copy is out of date (a bulk edit or undo changed the entry since it
    /// was opened): nothing was saved.
    EntryChanged,
}

/// What a failed command sends to the UI.
#[derive(Debug, Clone, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn locked() -> Self {
        Self::new(ErrorCode::Locked, "The vault is locked.")
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn io(context: &str, error: &std::io::Error) -> Self {
        Self::new(ErrorCode::Io, format!("{context}: {error}"))
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

impl From<VaultError> for CommandError {
    fn from(error: VaultError) -> Self {
        let code = match &error {
            VaultError::WrongPassword => ErrorCode::WrongPassword,
            VaultError::InUse => ErrorCode::VaultInUse,
            VaultError::NotFound { .. } => ErrorCode::NoVault,
            VaultError::AlreadyExists { .. } => ErrorCode::VaultExists,
            VaultError::CorruptHeader { .. }
            | VaultError::UnsupportedVersion { .. }
            | VaultError::KdfOutOfRange(_)
            | VaultError::DatabaseDamaged
            | VaultError::DatabaseTruncated { .. }
            | VaultError::SchemaTooNew { .. } => ErrorCode::Corrupt,
            VaultError::Io { .. } => ErrorCode::Io,
            _ => ErrorCode::Internal,
        };
        Self::new(code, capitalise(&error.to_string()))
    }
}

impl From<SettingsError> for CommandError {
    fn from(error: SettingsError) -> Self {
        match error {
            SettingsError::Invalid(message) => Self::invalid(message),
            SettingsError::Io { context, source } => Self::io(context, &source),
            SettingsError::Encode(error) => Self::new(ErrorCode::Internal, error.to_string()),
        }
    }
}

impl From<GeneratorError> for CommandError {
    fn from(error: GeneratorError) -> Self {
        Self::invalid(capitalise(&error.to_string()))
    }
}

impl From<ImportError> for CommandError {
    fn from(error: ImportError) -> Self {
        Self::invalid(capitalise(&error.to_string()))
    }
}

impl From<ExportError> for CommandError {
    fn from(error: ExportError) -> Self {
        Self::new(ErrorCode::Io, capitalise(&error.to_string()))
    }
}

impl From<ImportFileError> for CommandError {
    fn from(error: ImportFileError) -> Self {
        match error {
            ImportFileError::Entries(error) => error.into(),
            ImportFileError::Csv(error) => error.into(),
            ImportFileError::Io(error) => Self::io("Cannot read the file", &error),
            ImportFileError::Cancelled(_) => cancelled(),
            ImportFileError::ReadingStopped => {
                Self::new(ErrorCode::Internal, capitalise(&error.to_string()))
            }
            other => Self::invalid(capitalise(&other.to_string())),
        }
    }
}

impl From<ExportFileError> for CommandError {
    fn from(error: ExportFileError) -> Self {
        match error {
            ExportFileError::Entries(error) => error.into(),
            ExportFileError::Csv(error) => error.into(),
            ExportFileError::Print(error) => error.into(),
            ExportFileError::Io(error) => Self::io("Cannot write the file", &error),
            ExportFileError::Cancelled(_) => cancelled(),
            other => Self::invalid(capitalise(&other.to_string())),
        }
    }
}

fn cancelled() -> CommandError {
    CommandError::new(ErrorCode::Cancelled, "Cancelled: nothing was written.")
}

impl From<PrintError> for CommandError {
    fn from(error: PrintError) -> Self {
        let code = match error {
            PrintError::TooManyEntries { .. } => ErrorCode::InvalidInput,
            _ => ErrorCode::Internal,
        };
        Self::new(code, capitalise(&error.to_string()))
    }
}

impl From<EntriesError> for CommandError {
    fn from(error: EntriesError) -> Self {
        if let EntriesError::ChangedSince(_) = error {
            return Self::new(
                ErrorCode::EntryChanged,
                "This entry was changed since you opened it (by a bulk edit or undo), so your \
                 edits were not saved. Reload it to see the change, then edit again.",
            );
        }
        let code = entries_code(&error);
        Self::new(code, capitalise(&error.to_string()))
    }
}

fn entries_code(error: &EntriesError) -> ErrorCode {
    match error {
        EntriesError::NotFound(_) | EntriesError::NoSuchValue(_) => ErrorCode::NotFound,
        EntriesError::InvalidTag(_) => ErrorCode::InvalidInput,
        EntriesError::Corrupt(_) => ErrorCode::Corrupt,
        EntriesError::SearchStopped => ErrorCode::Cancelled,
        _ => ErrorCode::Internal,
    }
}

impl From<PickupError> for CommandError {
    fn from(error: PickupError) -> Self {
        let code = match &error {
            PickupError::WrongPin { .. } => ErrorCode::WrongPin,
            PickupError::Gone | PickupError::Ended => ErrorCode::Gone,
            PickupError::NotSent => ErrorCode::NotSent,
            PickupError::Link(_) => ErrorCode::InvalidLink,
            PickupError::Unreachable { .. } | PickupError::BadAnswer(_) => {
                ErrorCode::RelayUnreachable
            }
            PickupError::Refused { .. } => ErrorCode::RelayRefused,
            PickupError::Relay(relay) if relay.code() == "relay_unreachable" => {
                ErrorCode::RelayUnreachable
            }
            PickupError::Locked(_) => return Self::locked(),
            PickupError::NotListed(_) => ErrorCode::NotFound,
            PickupError::Entries(error) => entries_code(error),
            PickupError::CorruptRecord(_) => ErrorCode::Corrupt,
            PickupError::Database(_) => ErrorCode::Internal,
            _ => ErrorCode::InvalidInput,
        };
        Self::new(code, capitalise(&error.to_string()))
    }
}

impl From<InboxError> for CommandError {
    fn from(error: InboxError) -> Self {
        let code = match error.code() {
            "locked" => return Self::locked(),
            "not_registered" => ErrorCode::NotRegistered,
            "key_changed" => ErrorCode::KeyChanged,
            "not_verified" => ErrorCode::NotVerified,
            "not_connected" => ErrorCode::NotConnected,
            "relay_refused" => ErrorCode::RelayRefused,
            "wrong_code" => ErrorCode::WrongCode,
            "relay_unreachable" => ErrorCode::RelayUnreachable,
            "invalid_link" => ErrorCode::InvalidLink,
            "held" => ErrorCode::Held,
            "not_found" => ErrorCode::NotFound,
            "export_failed" => ErrorCode::Io,
            "corrupt" => ErrorCode::Corrupt,
            "invalid_input" => ErrorCode::InvalidInput,
            "invite_altered" | "bad_transcript" => ErrorCode::InviteAltered,
            "invite_expired" => ErrorCode::InviteExpired,
            _ => ErrorCode::InvalidInvite,
        };
        Self::new(code, capitalise(&error.to_string()))
    }
}

impl From<IdentityError> for CommandError {
    fn from(error: IdentityError) -> Self {
        InboxError::from(error).into()
    }
}

/// Core messages are written to follow "error: "; the UI shows them as sentences.
pub fn capitalise(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
