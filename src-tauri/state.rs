//! What the running app holds between commands: the open vault (or none: locked), the current
//! search result the list pages through, a pending import, settings and the idle clock.

use keypost_core::access::{Locked, VaultAccess};
use keypost_core::contacts::InvitePreview;
use keypost_core::entries::{EntryQuery, FirstRows, ListKey, SearchStop};
use keypost_core::entry::{Entry, EntryId};
use keypost_core::interchange::csv::CsvScan;
use keypost_core::pickups::{RelayClient, unsaved_entries};
use keypost_core::vault::Vault;
use keypost_protocol::inbox::InviteLink;
use keypost_protocol::pickup::{Payload, PickupLink};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager, Runtime};
use time::OffsetDateTime;

use crate::clipboard;
use crate::commands::entries::types::SearchResult;

use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::relay::{BuiltInRelay, RelayInfo};
use crate::settings::{Settings, SettingsFile};

/// The last search as list keys (8 bytes per entry, not the rows), kept so the virtualised
/// list can read any window of it from the vault without searching again, and so "select all
/// results" means exactly what the person saw. At first it may hold only the first keys of a
/// common search; `complete_results` reads the rest.
struct ResultSet {
    generation: u32,
    query: EntryQuery,
    keys: Vec<ListKey>,
    complete: bool,
    /// The stop of the search that made it, set when a newer search starts: reading the rest
    /// of an outdated result stops too.
    stop: SearchStop,
}

fn total(keys: &[ListKey]) -> u32 {
    u32::try_from(keys.len()).unwrap_or(u32::MAX)
}

/// A previewed CSV waiting for the person to accept it; nothing is written to the vault before
/// that. Its entries are not held: accepting reads the file again (core checks it is the same).
#[derive(Debug)]
pub struct PendingImport {
    pub token: u32,
    pub path: PathBuf,
    pub scan: CsvScan,
}

/// An opened pickup. Its entries stay after they are saved, so they can still be exported until
/// the next pickup is opened or the vault locks; they are saved only once. A slot of its own, so
/// previewing a CSV does not drop a pickup that may no longer be on the relay.
pub struct ReceivedPickup {
    pub token: u32,
    pub payload: Payload,
    saved: bool,
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
    /// Stops the running search when a newer one starts, so it does not wait behind it.
    search_stop: Mutex<SearchStop>,
    pending_csv: Mutex<Option<PendingImport>>,
    /// Set by `cancel_transfer`: the running import or export stops at its next step.
    transfer_cancel: AtomicBool,
    received: Mutex<Option<ReceivedPickup>>,
    /// A `keypost://` link the app was opened with, until the UI takes it.
    opened_link: Mutex<Option<PickupLink>>,
    /// A `keypost://invite` link the app was opened with, until the UI takes it.
    opened_invite_link: Mutex<Option<InviteLink>>,
    /// The invite last opened with `preview_invite`, until it is accepted or another is opened.
    previewed_invite: Mutex<Option<(u32, InvitePreview)>>,
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

/// The result set `generation`, if it is still the current one.
fn current(results: &Option<ResultSet>, generation: u32) -> CommandResult<&ResultSet> {
    results
        .as_ref()
        .filter(|set| set.generation == generation)
        .ok_or_else(list_changed)
}

fn list_changed() -> CommandError {
    CommandError::new(ErrorCode::NotFound, "The list changed; search again.")
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
            search_stop: Mutex::new(SearchStop::default()),
            pending_csv: Mutex::new(None),
            transfer_cancel: AtomicBool::new(false),
            received: Mutex::new(None),
            opened_link: Mutex::new(None),
            opened_invite_link: Mutex::new(None),
            previewed_invite: Mutex::new(None),
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
        *guard(&self.received) = None;
        *guard(&self.previewed_invite) = None;
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

    /// The relay in use and whether it emails links: the built-in relay never does (so no file
    /// of it holds a link); a relay set in Settings is asked, and `None` says it could not be.
    pub async fn relay_info(&self) -> CommandResult<RelayInfo> {
        let url = self.relay_url()?;
        let built_in = self.settings().custom_relay().is_none();
        let sends_email = if built_in {
            Some(false)
        } else {
            match RelayClient::new(&url) {
                Ok(client) => client.capabilities().await.ok().map(|about| about.email),
                Err(_) => None,
            }
        };
        Ok(RelayInfo {
            url,
            built_in,
            sends_email,
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

    /// Stops the search started before (the person typed past it), and reading the rest of
    /// its result, and hands out the stop of the one starting now.
    pub fn next_search_stop(&self) -> SearchStop {
        let stop = SearchStop::default();
        std::mem::replace(&mut *guard(&self.search_stop), stop.clone()).stop();
        stop
    }

    /// Keeps a new result set (replacing the last), read by the search `stop` belongs to, and
    /// says what the list shows of it.
    pub fn store_results(
        &self,
        query: EntryQuery,
        first: FirstRows,
        stop: SearchStop,
    ) -> SearchResult {
        let generation = self.next_number();
        let answer = SearchResult {
            generation,
            total: total(&first.keys),
            complete: first.complete,
            rows: first.rows,
        };
        *guard(&self.results) = Some(ResultSet {
            generation,
            query,
            keys: first.keys,
            complete: first.complete,
            stop,
        });
        answer
    }

    /// Reads the rest of result set `generation` if only its first keys were read (nothing to
    /// do otherwise) and returns its total; stopped (`cancelled`) once a newer search starts.
    /// The first keys stay as they are: the whole result begins with them.
    pub fn complete_results(&self, generation: u32) -> CommandResult<u32> {
        let (query, stop) = {
            let results = guard(&self.results);
            let set = current(&results, generation)?;
            if set.complete {
                return Ok(total(&set.keys));
            }
            (set.query.clone(), set.stop.clone())
        };
        let keys =
            self.with_vault(|vault| vault.entries().list_keys_unless_stopped(&query, &stop))?;
        let mut results = guard(&self.results);
        let set = results
            .as_mut()
            .filter(|set| set.generation == generation)
            .ok_or_else(list_changed)?;
        set.keys = keys;
        set.complete = true;
        Ok(total(&set.keys))
    }

    /// Reads the current result set; `generation` guards against a list that was replaced by
    /// a newer search while the UI still showed the old one.
    pub fn with_results<T>(
        &self,
        generation: u32,
        read: impl FnOnce(&[ListKey]) -> T,
    ) -> CommandResult<T> {
        let results = guard(&self.results);
        current(&results, generation).map(|set| read(&set.keys))
    }

    /// The ids of every entry of result set `generation` ("select all results"), read whole
    /// first if the list has shown only its first rows.
    pub fn result_ids(&self, generation: u32) -> CommandResult<Vec<EntryId>> {
        self.complete_results(generation)?;
        let keys = self.with_results(generation, <[ListKey]>::to_vec)?;
        self.with_vault(|vault| vault.entries().ids_at(&keys))
    }

    /// Keeps the link the app was just opened with (a newer one replaces it).
    pub fn set_opened_link(&self, link: PickupLink) {
        *guard(&self.opened_link) = Some(link);
    }

    pub fn take_opened_link(&self) -> Option<PickupLink> {
        guard(&self.opened_link).take()
    }

    /// Keeps the invite link the app was just opened with (a newer one replaces it).
    pub fn set_opened_invite_link(&self, link: InviteLink) {
        *guard(&self.opened_invite_link) = Some(link);
    }

    pub fn take_opened_invite_link(&self) -> Option<InviteLink> {
        guard(&self.opened_invite_link).take()
    }

    /// Keeps an opened invite for `accept_invite`; it replaces the one opened before.
    pub fn set_previewed_invite(&self, token: u32, preview: InvitePreview) {
        *guard(&self.previewed_invite) = Some((token, preview));
    }

    /// The opened invite `token` (it stays: a failed accept can be tried again).
    pub fn previewed_invite(&self, token: u32) -> CommandResult<InvitePreview> {
        match guard(&self.previewed_invite).as_ref() {
            Some((kept, preview)) if *kept == token => Ok(preview.clone()),
            Some(_) | None => Err(CommandError::new(
                ErrorCode::NotFound,
                "That invite is no longer open (the vault was locked or another one was \
                 opened): paste the link again.",
            )),
        }
    }

    pub fn set_pending_import(&self, token: u32, path: PathBuf, scan: CsvScan) {
        *guard(&self.pending_csv) = Some(PendingImport { token, path, scan });
    }

    /// The cancel flag of an import or export about to start, cleared of any earlier cancel.
    pub fn start_transfer(&self) -> &AtomicBool {
        self.transfer_cancel.store(false, Ordering::Relaxed);
        &self.transfer_cancel
    }

    /// Asks the running import or export to stop; it leaves the vault and files as before.
    pub fn cancel_transfer(&self) {
        self.transfer_cancel.store(true, Ordering::Relaxed);
    }

    /// Keeps an opened pickup for saving and export; it replaces the one opened before.
    pub fn set_received(&self, token: u32, payload: Payload) {
        *guard(&self.received) = Some(ReceivedPickup {
            token,
            payload,
            saved: false,
        });
    }

    /// The entries of the opened pickup `token` as unsaved entries made `now`, leaving them
    /// pending (exporting received entries).
    pub fn pending_entries(&self, token: u32, now: OffsetDateTime) -> CommandResult<Vec<Entry>> {
        match guard(&self.received).as_ref() {
            Some(received) if received.token == token => {
                Ok(unsaved_entries(&received.payload.entries, now))
            }
            Some(_) | None => Err(pending_import_gone()),
        }
    }

    /// The CSV preview `token`, which importing uses up.
    pub fn import_to_accept(&self, token: u32) -> CommandResult<PendingImport> {
        let mut csv = guard(&self.pending_csv);
        match csv.take() {
            Some(import) if import.token == token => Ok(import),
            other => {
                *csv = other;
                Err(pending_import_gone())
            }
        }
    }

    /// The opened pickup `token` to save into the vault; it stays (for export) until
    /// [`Self::mark_saved`], and cannot be saved twice.
    pub fn received_to_save(&self, token: u32) -> CommandResult<Payload> {
        match guard(&self.received).as_ref() {
            Some(received) if received.token == token && received.saved => Err(CommandError::new(
                ErrorCode::InvalidInput,
                "These entries are already saved in the vault.",
            )),
            Some(received) if received.token == token => Ok(received.payload.clone()),
            Some(_) | None => Err(pending_import_gone()),
        }
    }

    /// Records that the received entries of `token` are in the vault now.
    pub fn mark_saved(&self, token: u32) {
        if let Some(received) = guard(&self.received).as_mut()
            && received.token == token
        {
            received.saved = true;
        }
    }
}

/// Locks the vault ([`AppState::lock`]) and clears a secret Keypost copied if the clipboard
/// still holds it: every lock (the Lock button, auto-lock) goes through here.
pub fn lock_app<R: Runtime>(app: &AppHandle<R>) -> bool {
    let was_unlocked = app.state::<AppState>().lock();
    clipboard::clear_copied_secret(app);
    was_unlocked
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
    use keypost_core::interchange::csv::{ColumnChoice, scan_csv};
    use keypost_core::interchange::progress::Progress;
    use keypost_protocol::pickup::EntrySnapshot;

    fn state(dir: &tempfile::TempDir) -> AppState {
        AppState::new(
            dir.path().join("vault"),
            SettingsFile::in_dir(dir.path()),
            None,
            Err("no relay in this test".to_owned()),
        )
    }

    fn received(title: &str) -> Payload {
        let mut snapshot = EntrySnapshot::default();
        snapshot.title = title.to_owned();
        Payload::new("Ana", "", OffsetDateTime::now_utc(), vec![snapshot])
    }

    /// A common search answers with its first rows; "select all results" then means the whole
    /// result, a newer search stops the older one's reading, and the older result is gone.
    #[test]
    fn a_result_shown_by_its_first_rows_is_read_whole_when_needed_and_a_newer_search_stops_it() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(&dir);
        let mut vault = Vault::create(
            &dir.path().join("vault"),
            "a master password",
            keypost_core::vault::KdfParams::FLOOR,
        )
        .unwrap();
        let entries = (0..1_000)
            .map(|n| keypost_core::entry_fields! { title: format!("Entry {n:04}") })
            .collect();
        vault.entries_mut().import(entries).unwrap();
        state.set_vault(vault);
        let everything = EntryQuery::default();
        let search = || {
            let stop = state.next_search_stop();
            let first = state
                .with_vault(|vault| vault.entries().first_rows(&everything, 100, &stop))
                .unwrap();
            state.store_results(everything.clone(), first, stop)
        };

        let shown = search();
        assert_eq!((shown.total, shown.complete), (100, false));
        assert_eq!(shown.rows[0].title, "Entry 0000");
        assert_eq!(state.result_ids(shown.generation).unwrap().len(), 1_000);
        assert_eq!(state.complete_results(shown.generation).unwrap(), 1_000);

        // A newer search starts while the older one's rest has not been read: reading it
        // stops, and once the newer result is kept, the older one is gone.
        let older = search();
        let newer_stop = state.next_search_stop();
        let stopped = state.complete_results(older.generation).unwrap_err();
        assert_eq!(stopped.code, ErrorCode::Cancelled);
        let newer_first = state
            .with_vault(|vault| vault.entries().first_rows(&everything, 100, &newer_stop))
            .unwrap();
        let newer = state.store_results(everything.clone(), newer_first, newer_stop);
        let gone = state.complete_results(older.generation).unwrap_err();
        assert_eq!(gone.code, ErrorCode::NotFound);
        assert_eq!(state.complete_results(newer.generation).unwrap(), 1_000);
    }

    #[test]
    fn received_entries_are_saved_once_and_stay_for_export() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(&dir);
        state.set_received(7, received("Mail"));

        assert_eq!(state.received_to_save(7).unwrap().entries.len(), 1);
        // Until the vault took them, they can be saved again (a failed save can be retried).
        assert_eq!(state.received_to_save(7).unwrap().entries.len(), 1);
        state.mark_saved(7);
        let again = state.received_to_save(7).unwrap_err();
        assert_eq!(again.code, ErrorCode::InvalidInput);
        let now = OffsetDateTime::now_utc();
        assert_eq!(
            state.pending_entries(7, now).unwrap()[0].fields.title,
            "Mail"
        );
    }

    #[test]
    fn a_csv_preview_is_used_up_by_importing_and_leaves_received_entries_alone() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(&dir);
        state.set_received(1, received("Received"));
        let scan = scan_csv(
            &b"name,url,username,password\nFrom CSV,https://a.example,u,p\n"[..],
            ColumnChoice::Format(None),
            10,
            0,
            Progress::silent(),
        )
        .unwrap();
        state.set_pending_import(2, PathBuf::from("import.csv"), scan);

        assert_eq!(
            state.import_to_accept(1).unwrap_err().code,
            ErrorCode::NotFound,
            "received entries are saved with save_received"
        );
        assert_eq!(
            state.import_to_accept(2).unwrap().scan.sample[0].0.title,
            "From CSV"
        );
        assert_eq!(
            state.import_to_accept(2).unwrap_err().code,
            ErrorCode::NotFound
        );
        let now = OffsetDateTime::now_utc();
        assert_eq!(
            state.pending_entries(1, now).unwrap()[0].fields.title,
            "Received"
        );
        assert_eq!(
            state.pending_entries(2, now).unwrap_err().code,
            ErrorCode::NotFound,
            "a CSV preview holds no entries to export"
        );
    }
}
