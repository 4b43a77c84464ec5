//! What the running app holds between commands: the open vault (or none: locked), the current
//! search result the list pages through, a pending import, settings and the idle clock.

use keypost_core::access::{Locked, VaultAccess};
use keypost_core::entry::{EntryFields, EntryId, EntrySummary};
use keypost_core::vault::Vault;
use keypost_protocol::pickup::PickupLink;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::relay::{BuiltInRelay, RelayInfo};
use crate::settings::{Settings, SettingsFile};

/// The rows of the last search, kept so the virtualised list can fetch any window of them
/// without searching again, and so "select all results" means exactly what the person saw.
pub struct ResultSet {
    pub generation: u32,
    pub rows: Vec<EntrySummary>,
}

/// A parsed CSV or an opened pickup, waiting for the person to accept the preview; nothing is
/// written to the vault before that.
pub struct PendingImport {
    pub token: u32,
    pub entries: Vec<EntryFields>,
    /// Received entries stay after they are saved, so they can still be exported until the
    /// next pickup is opened or the vault locks; they are saved only once.
    saved: bool,
}

/// Where pending entries came from. Each source has its own slot, so previewing a CSV does not
/// drop a received pickup that may no longer be on the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingSource {
    CsvFile,
    Pickup,
}

pub struct AppState {
    pub vault_path: PathBuf,
    pub settings_file: SettingsFile,
    /// When set (tests only: `KEYPOST_E2E_SAVE_DIR`), file dialogs are skipped and files are
    /// chosen inside this folder, because WebDriver cannot drive native dialogs.
    pub dialog_bypass_dir: Option<PathBuf>,
    /// The app's own relay, or why it did not start.
    built_in_relay: Result<BuiltInRelay, String>,
    vault: Mutex<Option<Vault>>,
    results: Mutex<Option<ResultSet>>,
    pending_csv: Mutex<Option<PendingImport>>,
    pending_pickup: Mutex<Option<PendingImport>>,
    /// A `keypost://` link the app was opened with, until the UI takes it.
    opened_link: Mutex<Option<PickupLink>>,
    settings: Mutex<Settings>,
    last_activity: Mutex<Instant>,
    counter: Mutex<u32>,
}

/// Locks a mutex, treating a poisoned one as still usable: every value behind these mutexes is
/// replaced whole, so a panic elsewhere cannot leave it half-written.
fn guard<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppState {
    pub fn new(
        vault_path: PathBuf,
        settings_file: SettingsFile,
        dialog_bypass_dir: Option<PathBuf>,
        built_in_relay: Result<BuiltInRelay, String>,
    ) -> Self {
        let settings = settings_file.load();
        Self {
            vault_path,
            settings_file,
            dialog_bypass_dir,
            built_in_relay,
            vault: Mutex::new(None),
            results: Mutex::new(None),
            pending_csv: Mutex::new(None),
            pending_pickup: Mutex::new(None),
            opened_link: Mutex::new(None),
            settings: Mutex::new(settings),
            last_activity: Mutex::new(Instant::now()),
            counter: Mutex::new(0),
        }
    }

    /// A number never handed out before in this run (result generations, import tokens).
    pub fn next_number(&self) -> u32 {
        let mut counter = guard(&self.counter);
        *counter = counter.wrapping_add(1);
        *counter
    }

    pub fn touch(&self) {
        *guard(&self.last_activity) = Instant::now();
    }

    pub fn idle_for(&self) -> Duration {
        guard(&self.last_activity).elapsed()
    }

    pub fn is_unlocked(&self) -> bool {
        guard(&self.vault).is_some()
    }

    /// Installs a freshly opened vault; the app is unlocked from here on.
    pub fn set_vault(&self, vault: Vault) {
        self.touch();
        *guard(&self.vault) = Some(vault);
    }

    /// Drops the vault (closing the database and zeroising its keys) and everything derived
    /// from its content. Returns whether it was unlocked.
    pub fn lock(&self) -> bool {
        let was_unlocked = guard(&self.vault).take().is_some();
        *guard(&self.results) = None;
        *guard(&self.pending_csv) = None;
        *guard(&self.pending_pickup) = None;
        was_unlocked
    }

    /// Runs one core call on the unlocked vault for the person, and maps its error for the UI.
    pub fn with_vault<T, E>(
        &self,
        call: impl FnOnce(&mut Vault) -> Result<T, E>,
    ) -> CommandResult<T>
    where
        CommandError: From<E>,
    {
        self.touch();
        let mut vault = guard(&self.vault);
        let vault = vault.as_mut().ok_or_else(CommandError::locked)?;
        call(vault).map_err(CommandError::from)
    }

    /// The vault as core use cases borrow it between network calls, in background work
    /// ([`Unattended`]: no activity) or for the person (this state: activity).
    pub fn unattended(&self) -> Unattended<'_> {
        Unattended(self)
    }

    /// The base URL pickups are sent through.
    pub fn relay_url(&self) -> CommandResult<String> {
        if let Some(url) = self.settings().custom_relay() {
            return Ok(url.to_owned());
        }
        match &self.built_in_relay {
            Ok(relay) => Ok(relay.url().to_owned()),
            Err(reason) => Err(CommandError::new(
                ErrorCode::RelayUnreachable,
                format!(
                    "The built-in relay did not start ({reason}). Set a relay address in Settings."
                ),
            )),
        }
    }

    pub fn relay_info(&self) -> CommandResult<RelayInfo> {
        let url = self.relay_url()?;
        let built_in = self.settings().custom_relay().is_none();
        let outbox = match (&self.built_in_relay, built_in) {
            (Ok(relay), true) => Some(relay.outbox().display().to_string()),
            _ => None,
        };
        Ok(RelayInfo {
            url,
            built_in,
            outbox,
        })
    }

    pub fn settings(&self) -> Settings {
        guard(&self.settings).clone()
    }

    pub fn save_settings(&self, settings: Settings) -> CommandResult<()> {
        self.settings_file.save(&settings)?;
        *guard(&self.settings) = settings;
        Ok(())
    }

    /// Keeps the name a send went out under, so the send dialog proposes it next time.
    pub fn remember_sender_name(&self, name: &str) -> CommandResult<()> {
        let mut settings = guard(&self.settings);
        if settings.sender_name == name {
            return Ok(());
        }
        let updated = Settings {
            sender_name: name.to_owned(),
            ..settings.clone()
        };
        self.settings_file.save(&updated)?;
        *settings = updated;
        Ok(())
    }

    pub fn store_results(&self, rows: Vec<EntrySummary>) -> (u32, usize) {
        let generation = self.next_number();
        let total = rows.len();
        *guard(&self.results) = Some(ResultSet { generation, rows });
        (generation, total)
    }

    /// Reads the current result set; `generation` guards against a list that was replaced by
    /// a newer search while the UI still showed the old one.
    pub fn with_results<T>(
        &self,
        generation: u32,
        read: impl FnOnce(&[EntrySummary]) -> T,
    ) -> CommandResult<T> {
        let results = guard(&self.results);
        match results.as_ref() {
            Some(set) if set.generation == generation => Ok(read(&set.rows)),
            Some(_) | None => Err(CommandError::new(
                ErrorCode::NotFound,
                "The list changed; search again.",
            )),
        }
    }

    pub fn current_generation(&self) -> Option<u32> {
        guard(&self.results).as_ref().map(|set| set.generation)
    }

    pub fn result_ids(&self, generation: u32) -> CommandResult<Vec<EntryId>> {
        self.with_results(generation, |rows| rows.iter().map(|row| row.id).collect())
    }

    /// Keeps the link the app was just opened with (a newer one replaces it).
    pub fn set_opened_link(&self, link: PickupLink) {
        *guard(&self.opened_link) = Some(link);
    }

    pub fn take_opened_link(&self) -> Option<PickupLink> {
        guard(&self.opened_link).take()
    }

    fn pending_slot(&self, source: PendingSource) -> &Mutex<Option<PendingImport>> {
        match source {
            PendingSource::CsvFile => &self.pending_csv,
            PendingSource::Pickup => &self.pending_pickup,
        }
    }

    pub fn set_pending_import(&self, source: PendingSource, token: u32, entries: Vec<EntryFields>) {
        *guard(self.pending_slot(source)) = Some(PendingImport {
            token,
            entries,
            saved: false,
        });
    }

    /// A copy of the pending entries, leaving them pending (exporting received entries).
    pub fn pending_import(&self, token: u32) -> CommandResult<Vec<EntryFields>> {
        [PendingSource::CsvFile, PendingSource::Pickup]
            .into_iter()
            .find_map(|source| match guard(self.pending_slot(source)).as_ref() {
                Some(import) if import.token == token => Some(import.entries.clone()),
                Some(_) | None => None,
            })
            .ok_or_else(pending_import_gone)
    }

    /// The entries to save into the vault for `token`. A CSV preview is used up; received
    /// entries stay (for export) until [`Self::mark_saved`], and cannot be saved twice.
    pub fn entries_to_import(&self, token: u32) -> CommandResult<Vec<EntryFields>> {
        let mut csv = guard(&self.pending_csv);
        if csv.as_ref().is_some_and(|import| import.token == token) {
            return csv
                .take()
                .map(|import| import.entries)
                .ok_or_else(pending_import_gone);
        }
        drop(csv);
        match guard(&self.pending_pickup).as_ref() {
            Some(import) if import.token == token && import.saved => Err(CommandError::new(
                ErrorCode::InvalidInput,
                "These entries are already saved in the vault.",
            )),
            Some(import) if import.token == token => Ok(import.entries.clone()),
            Some(_) | None => Err(pending_import_gone()),
        }
    }

    /// Records that the received entries of `token` are in the vault now.
    pub fn mark_saved(&self, token: u32) {
        if let Some(import) = guard(&self.pending_pickup).as_mut()
            && import.token == token
        {
            import.saved = true;
        }
    }
}

/// A core use case run for the person: each step counts as activity, like [`AppState::with_vault`].
impl VaultAccess for AppState {
    type Vault = Vault;

    fn with_vault<R>(&self, step: impl FnOnce(&mut Vault) -> R) -> Result<R, Locked> {
        self.touch();
        self.vault.with_vault(step)
    }
}

/// The state as background work reaches the vault: never counted as activity, so it never
/// keeps the vault from locking.
pub struct Unattended<'a>(&'a AppState);

impl VaultAccess for Unattended<'_> {
    type Vault = Vault;

    fn with_vault<R>(&self, step: impl FnOnce(&mut Vault) -> R) -> Result<R, Locked> {
        self.0.vault.with_vault(step)
    }
}

fn pending_import_gone() -> CommandError {
    CommandError::new(
        ErrorCode::NotFound,
        "That preview is no longer open (the vault was locked or another one was opened).",
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn state(dir: &tempfile::TempDir) -> AppState {
        AppState::new(
            dir.path().join("vault"),
            SettingsFile::in_dir(dir.path()),
            None,
            Err("no relay in this test".to_owned()),
        )
    }

    fn titled(title: &str) -> EntryFields {
        EntryFields {
            title: title.to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn received_entries_are_saved_once_and_stay_for_export() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(&dir);
        state.set_pending_import(PendingSource::Pickup, 7, vec![titled("Mail")]);

        assert_eq!(state.entries_to_import(7).unwrap().len(), 1);
        // Until the vault took them, they can be saved again (a failed save can be retried).
        assert_eq!(state.entries_to_import(7).unwrap().len(), 1);
        state.mark_saved(7);
        let again = state.entries_to_import(7).unwrap_err();
        assert_eq!(again.code, ErrorCode::InvalidInput);
        assert_eq!(state.pending_import(7).unwrap()[0].title, "Mail");
    }

    #[test]
    fn a_csv_preview_is_used_up_by_saving_and_leaves_received_entries_alone() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(&dir);
        state.set_pending_import(PendingSource::Pickup, 1, vec![titled("Received")]);
        state.set_pending_import(PendingSource::CsvFile, 2, vec![titled("From CSV")]);

        assert_eq!(state.entries_to_import(2).unwrap()[0].title, "From CSV");
        assert_eq!(
            state.entries_to_import(2).unwrap_err().code,
            ErrorCode::NotFound
        );
        assert_eq!(state.pending_import(1).unwrap()[0].title, "Received");
    }
}
