//! The desktop app's preferences (not vault content): a small JSON file in the app's config
//! folder, so they apply before any vault is unlocked. The app reads and writes it; the CLI
//! reads it to send through the relay the app uses. Also the relay address both use when none
//! is set.

use keypost_protocol::inbox::link::check_relay_url;
use keypost_protocol::pickup::MAX_SENDER_NAME_CHARS;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const SETTINGS_FILE: &str = "settings.json";

/// The app's identifier (`identifier` in tauri.conf.json): the name of its config folder.
pub const APP_IDENTIFIER: &str = "app.keypost.desktop";

/// The port the app's built-in relay asks for first (another free one when it is taken),
/// and so where the CLI looks for it when no relay is set.
pub const BUILT_IN_RELAY_PORT: u16 = 47_810;

/// Bounds that keep a hand-edited settings file from disabling protection by accident.
const AUTO_LOCK_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=240;
const CLIPBOARD_CLEAR_SECONDS_RANGE: std::ops::RangeInclusive<u32> = 5..=600;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A value out of its range; the message says which and the range.
    #[error("{0}")]
    Invalid(String),
    #[error("{context}: {source}")]
    Io {
        context: &'static str,
        source: std::io::Error,
    },
    #[error("cannot encode the settings: {0}")]
    Encode(#[from] serde_json::Error),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    pub fn validate(&self) -> Result<(), SettingsError> {
        if !AUTO_LOCK_MINUTES_RANGE.contains(&self.auto_lock_minutes) {
            return Err(SettingsError::Invalid(format!(
                "Auto-lock must be between {} and {} minutes.",
                AUTO_LOCK_MINUTES_RANGE.start(),
                AUTO_LOCK_MINUTES_RANGE.end()
            )));
        }
        if !CLIPBOARD_CLEAR_SECONDS_RANGE.contains(&self.clipboard_clear_seconds) {
            return Err(SettingsError::Invalid(format!(
                "Clipboard clearing must be between {} and {} seconds.",
                CLIPBOARD_CLEAR_SECONDS_RANGE.start(),
                CLIPBOARD_CLEAR_SECONDS_RANGE.end()
            )));
        }
        // The relay clients' own rule (relay_http), so a relay they would refuse is refused here.
        let relay_url = self.relay_url.trim().trim_end_matches('/');
        if !relay_url.is_empty() && check_relay_url(relay_url).is_err() {
            return Err(SettingsError::Invalid(
                "The relay address must start with https:// (http:// only for a relay on this computer).".into(),
            ));
        }
        if self.sender_name.chars().count() > MAX_SENDER_NAME_CHARS {
            return Err(SettingsError::Invalid(format!(
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

    /// The app's file for this user: the folder Tauri names `app_config_dir` (the system's
    /// config folder, e.g. `$XDG_CONFIG_HOME`, then [`APP_IDENTIFIER`]). `None` when the system
    /// has no home folder.
    pub fn of_the_app() -> Option<Self> {
        directories::BaseDirs::new()
            .map(|dirs| Self::in_dir(&dirs.config_dir().join(APP_IDENTIFIER)))
    }

    pub fn path(&self) -> &Path {
        &self.path
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

    pub fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        settings.validate()?;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| SettingsError::Io {
                context: "Cannot create the settings folder",
                source,
            })?;
        }
        let json = serde_json::to_vec_pretty(settings)?;
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, json)
            .and_then(|()| std::fs::rename(&temporary, &self.path))
            .map_err(|source| SettingsError::Io {
                context: "Cannot save the settings",
                source,
            })
    }
}

/// Why a relay was chosen, so a person sees where a send went and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelaySource {
    /// Given for this send (`--relay` or `KEYPOST_RELAY_URL`).
    Given,
    /// The relay address saved in the app's Settings.
    AppSettings,
    /// No relay set anywhere: the app's built-in relay on this machine.
    BuiltIn,
}

impl RelaySource {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Given => "given with --relay or KEYPOST_RELAY_URL",
            Self::AppSettings => "the relay set in the app's Settings",
            Self::BuiltIn => "the app's built-in relay on this machine",
        }
    }
}

/// The relay a send goes through, and why that one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChosenRelay {
    pub url: String,
    pub source: RelaySource,
}

/// The relay the app would send through: `given` first, then the app's saved setting, then
/// its built-in relay's address.
pub fn relay_to_use(given: Option<&str>, settings: &Settings) -> ChosenRelay {
    let given = given.map(str::trim).filter(|url| !url.is_empty());
    match (given, settings.custom_relay()) {
        (Some(url), _) => ChosenRelay {
            url: url.to_owned(),
            source: RelaySource::Given,
        },
        (None, Some(url)) => ChosenRelay {
            url: url.to_owned(),
            source: RelaySource::AppSettings,
        },
        (None, None) => ChosenRelay {
            url: built_in_relay_url(),
            source: RelaySource::BuiltIn,
        },
    }
}

/// `http://127.0.0.1:47810`: the built-in relay at its preferred port.
pub fn built_in_relay_url() -> String {
    format!("http://127.0.0.1:{BUILT_IN_RELAY_PORT}")
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
        for refused in [
            Settings {
                auto_lock_minutes: 0,
                ..Settings::default()
            },
            Settings {
                clipboard_clear_seconds: 1,
                ..Settings::default()
            },
            Settings {
                relay_url: "relay.example.org".into(),
                ..Settings::default()
            },
            Settings {
                relay_url: "http://relay.example.org".into(),
                ..Settings::default()
            },
        ] {
            let error = file.save(&refused).unwrap_err();
            assert!(matches!(error, SettingsError::Invalid(_)), "{error:?}");
        }
        assert!(!file.path().exists());
    }

    #[test]
    fn the_relay_is_the_given_one_then_the_apps_then_the_built_in_one() {
        let custom = Settings {
            relay_url: " http://127.0.0.1:9000 ".into(),
            ..Settings::default()
        };
        assert_eq!(Settings::default().custom_relay(), None);
        assert_eq!(custom.custom_relay(), Some("http://127.0.0.1:9000"));
        let given = relay_to_use(Some("https://relay.example.org"), &custom);
        assert_eq!(given.url, "https://relay.example.org");
        assert_eq!(given.source, RelaySource::Given);
        let saved = relay_to_use(Some("  "), &custom);
        assert_eq!(saved.url, "http://127.0.0.1:9000");
        assert_eq!(saved.source, RelaySource::AppSettings);
        let built_in = relay_to_use(None, &Settings::default());
        assert_eq!(built_in.url, "http://127.0.0.1:47810");
        assert_eq!(built_in.source, RelaySource::BuiltIn);
    }

    #[test]
    fn the_app_identifier_is_the_one_tauri_names_the_config_folder_after() {
        let config = include_str!("../../../tauri.conf.json");
        let declared: serde_json::Value = serde_json::from_str(config).unwrap();
        assert_eq!(declared["identifier"], APP_IDENTIFIER);
    }
}
