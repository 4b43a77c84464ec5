//! The app's own preferences (not vault content), kept as a small JSON file in the app's config
//! folder so they apply before any vault is unlocked.

use keypost_protocol::pickup::MAX_SENDER_NAME_CHARS;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

use crate::error::{CommandError, CommandResult, ErrorCode};

const SETTINGS_FILE: &str = "settings.json";

/// Bounds that keep a hand-edited settings file from disabling protection by accident.
const AUTO_LOCK_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=240;
const CLIPBOARD_CLEAR_SECONDS_RANGE: std::ops::RangeInclusive<u32> = 5..=600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// Lock the vault after this many minutes without activity in the app.
    pub auto_lock_minutes: u32,
    /// Clear a copied password from the clipboard after this many seconds.
    pub clipboard_clear_seconds: u32,
    /// The relay that carries pickups; empty means the built-in local relay the app starts.
    pub relay_url: String,
    /// The name shown to recipients, remembered from the last send.
    pub sender_name: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            auto_lock_minutes: 5,
            clipboard_clear_seconds: 30,
            relay_url: String::new(),
            sender_name: String::new(),
        }
    }
}

impl Settings {
    pub fn validate(&self) -> CommandResult<()> {
        if !AUTO_LOCK_MINUTES_RANGE.contains(&self.auto_lock_minutes) {
            return Err(CommandError::invalid(format!(
                "Auto-lock must be between {} and {} minutes.",
                AUTO_LOCK_MINUTES_RANGE.start(),
                AUTO_LOCK_MINUTES_RANGE.end()
            )));
        }
        if !CLIPBOARD_CLEAR_SECONDS_RANGE.contains(&self.clipboard_clear_seconds) {
            return Err(CommandError::invalid(format!(
                "Clipboard clearing must be between {} and {} seconds.",
                CLIPBOARD_CLEAR_SECONDS_RANGE.start(),
                CLIPBOARD_CLEAR_SECONDS_RANGE.end()
            )));
        }
        let relay_url = self.relay_url.trim();
        let is_web_address = relay_url.starts_with("https://") || relay_url.starts_with("http://");
        if !(relay_url.is_empty() || is_web_address) {
            return Err(CommandError::invalid(
                "The relay address must start with https:// (or http:// for a local relay).",
            ));
        }
        if self.sender_name.chars().count() > MAX_SENDER_NAME_CHARS {
            return Err(CommandError::invalid(format!(
                "Your name can be at most {MAX_SENDER_NAME_CHARS} characters."
            )));
        }
        Ok(())
    }

    /// The configured relay, or `None` for the built-in one.
    pub fn custom_relay(&self) -> Option<&str> {
        Some(self.relay_url.trim()).filter(|url| !url.is_empty())
    }
}

/// Where the settings live and how they are read and written.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: PathBuf,
}

impl SettingsFile {
    pub fn in_dir(config_dir: &Path) -> Self {
        Self {
            path: config_dir.join(SETTINGS_FILE),
        }
    }

    /// A missing or unreadable file gives the defaults: settings must never keep the app from
    /// starting.
    pub fn load(&self) -> Settings {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Settings>(&bytes).ok())
            .filter(|settings| settings.validate().is_ok())
            .unwrap_or_default()
    }

    pub fn save(&self, settings: &Settings) -> CommandResult<()> {
        settings.validate()?;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|error| CommandError::io("Cannot create the settings folder", &error))?;
        }
        let json = serde_json::to_vec_pretty(settings)
            .map_err(|error| CommandError::new(ErrorCode::Internal, error.to_string()))?;
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, json)
            .and_then(|()| std::fs::rename(&temporary, &self.path))
            .map_err(|error| CommandError::io("Cannot save the settings", &error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_load_back_and_bad_files_give_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::in_dir(&dir.path().join("nested"));
        assert_eq!(file.load(), Settings::default());

        let chosen = Settings {
            auto_lock_minutes: 12,
            clipboard_clear_seconds: 45,
            relay_url: "https://relay.example.org".into(),
            sender_name: "Ana".into(),
        };
        file.save(&chosen).unwrap();
        assert_eq!(file.load(), chosen);

        std::fs::write(dir.path().join("nested").join(SETTINGS_FILE), b"{not json").unwrap();
        assert_eq!(file.load(), Settings::default());
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::in_dir(dir.path());
        let never_lock = Settings {
            auto_lock_minutes: 0,
            ..Settings::default()
        };
        let error = file.save(&never_lock).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        let too_short = Settings {
            clipboard_clear_seconds: 1,
            ..Settings::default()
        };
        assert_eq!(
            file.save(&too_short).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let not_a_url = Settings {
            relay_url: "relay.example.org".into(),
            ..Settings::default()
        };
        assert_eq!(
            file.save(&not_a_url).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn an_empty_relay_address_means_the_built_in_relay() {
        assert_eq!(Settings::default().custom_relay(), None);
        let custom = Settings {
            relay_url: " http://127.0.0.1:9000 ".into(),
            ..Settings::default()
        };
        assert_eq!(custom.custom_relay(), Some("http://127.0.0.1:9000"));
    }
}
