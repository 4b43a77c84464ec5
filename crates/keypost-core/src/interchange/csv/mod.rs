//! CSV import and export in the formats other password managers read and write.
//!
//! Import returns an [`ImportPreview`] and writes nothing: the vault stores only what the user
//! accepts. Export writes values exactly as stored (a password `=1+2` stays `=1+2`) so the
//! file round-trips through every importer; [`CsvExportOptions::spreadsheet_safe`] trades that
//! for safety when a person opens the file in a spreadsheet.

mod export;
mod formats;
mod import;
mod mapping;
mod records;

pub use export::{CsvExportOptions, ExportError, write_csv};
pub use import::{
    ImportError, ImportPreview, ImportedMeta, MAX_FIELD_BYTES, MAX_FILE_BYTES, MAX_LISTED_PROBLEMS,
    MAX_ROWS, RowProblem, detect_format, read_csv, read_csv_headers, read_csv_with_mapping,
};
pub use mapping::ColumnMapping;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A CSV layout Keypost reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CsvFormat {
    Bitwarden,
    /// Chrome, Chromium, Edge and Brave (`note` column optional on import).
    Chrome,
    #[serde(rename = "keepassxc")]
    KeePassXc,
    /// 1Password 8.
    #[serde(rename = "1password")]
    OnePassword,
    LastPass,
    Firefox,
    /// Keypost's own layout: keeps every field, including custom fields, tags and ids.
    Keypost,
    /// Plain columns (title, username, password, url, notes, tags, folder, totp) for any
    /// other manager; on import, columns are mapped by name or by a [`ColumnMapping`].
    Generic,
}

impl CsvFormat {
    pub const ALL: [CsvFormat; 8] = [
        CsvFormat::Bitwarden,
        CsvFormat::Chrome,
        CsvFormat::KeePassXc,
        CsvFormat::OnePassword,
        CsvFormat::LastPass,
        CsvFormat::Firefox,
        CsvFormat::Keypost,
        CsvFormat::Generic,
    ];

    /// The identifier used on the command line and in the UI (`1password`, `keepassxc`, …).
    pub fn id(self) -> &'static str {
        match self {
            CsvFormat::Bitwarden => "bitwarden",
            CsvFormat::Chrome => "chrome",
            CsvFormat::KeePassXc => "keepassxc",
            CsvFormat::OnePassword => "1password",
            CsvFormat::LastPass => "lastpass",
            CsvFormat::Firefox => "firefox",
            CsvFormat::Keypost => "keypost",
            CsvFormat::Generic => "generic",
        }
    }

    /// The name a person recognises.
    pub fn display_name(self) -> &'static str {
        match self {
            CsvFormat::Bitwarden => "Bitwarden",
            CsvFormat::Chrome => "Chrome / Chromium",
            CsvFormat::KeePassXc => "KeePassXC",
            CsvFormat::OnePassword => "1Password",
            CsvFormat::LastPass => "LastPass",
            CsvFormat::Firefox => "Firefox",
            CsvFormat::Keypost => "Keypost",
            CsvFormat::Generic => "Generic CSV",
        }
    }

    /// The header row this format's export writes.
    pub fn header(self) -> &'static [&'static str] {
        formats::export_header(self)
    }
}

impl fmt::Display for CsvFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown CSV format {0:?}; expected one of bitwarden, chrome, keepassxc, 1password, lastpass, firefox, keypost, generic"
)]
pub struct UnknownFormat(pub String);

impl FromStr for CsvFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        let alias = match wanted.as_str() {
            "chromium" | "edge" | "brave" => "chrome",
            "onepassword" => "1password",
            "keepass" => "keepassxc",
            other => other,
        };
        CsvFormat::ALL
            .into_iter()
            .find(|format| format.id() == alias)
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}
