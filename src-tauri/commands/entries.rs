//! The entries feature: the entry list (search, row windows, tags), the entry window
//! (read, add, edit, reveal/copy one secret value, history), the password generator, and which
//! entries a selection stands for (used by bulk edit, export and send).

pub mod types;

use keypost_core::entries::{EntrySecret, TagCount};
use keypost_core::entry::{EntryId, EntrySummary};
use keypost_core::generator::{self, PassphraseSpec, PasswordSpec};
use std::collections::HashSet;
use tauri::{AppHandle, State};

use crate::clipboard::{self, CopyReceipt};
use crate::error::CommandResult;
use crate::state::AppState;
use types::{
    EntryDetail, EntryInput, HistoryRow, SearchQuery, SearchResult, Selection, parse_id, parse_ids,
    parse_timestamp,
};

/// Rows one `entry_rows` call may return; the list asks for blocks of 100.
const MAX_ROWS_PER_CALL: u32 = 1_000;

/// The entry ids a selection stands for.
pub fn resolve(state: &AppState, selection: &Selection) -> CommandResult<Vec<EntryId>> {
    match selection {
        Selection::Ids { ids } => parse_ids(ids),
        Selection::Results { generation, except } => {
            let except: HashSet<EntryId> = parse_ids(except)?.into_iter().collect();
            let mut ids = state.result_ids(*generation)?;
            ids.retain(|id| !except.contains(id));
            Ok(ids)
        }
    }
}

/// Rows a search answers with: the list's block size. A common search of a large vault
/// answers with these before it has read the rest (see `finish_search`).
const FIRST_ROWS: usize = 100;

/// Runs the search and keeps its result (as list keys) for `entry_rows`; returns the count
/// and the first rows, so a search over a million entries neither ships nor holds them all.
/// A search still running for an earlier query is stopped.
#[tauri::command]
pub async fn search_entries(
    state: State<'_, AppState>,
    query: SearchQuery,
) -> CommandResult<SearchResult> {
    let query = query.into();
    let stop = state.next_search_stop();
    let first = state.with_vault(|vault| vault.entries().first_rows(&query, FIRST_ROWS, &stop))?;
    Ok(state.store_results(query, first, stop))
}

/// Reads the rest of a search that answered with its first rows and returns its total;
/// stopped (`cancelled`) when a newer search starts.
#[tauri::command]
pub async fn finish_search(state: State<'_, AppState>, generation: u32) -> CommandResult<u32> {
    state.complete_results(generation)
}

/// A window of the current result set, read from the vault. Summaries carry no password,
/// notes or custom field values.
#[tauri::command]
pub async fn entry_rows(
    state: State<'_, AppState>,
    generation: u32,
    start: u32,
    count: u32,
) -> CommandResult<Vec<EntrySummary>> {
    let count = count.min(MAX_ROWS_PER_CALL) as usize;
    let keys = state.with_results(generation, |keys| {
        keys.iter()
            .skip(start as usize)
            .take(count)
            .copied()
            .collect::<Vec<_>>()
    })?;
    state.with_vault(|vault| vault.entries().summaries_at(&keys))
}

#[tauri::command]
pub async fn list_tags(state: State<'_, AppState>) -> CommandResult<Vec<TagCount>> {
    state.with_vault(|vault| vault.entries().tags())
}

#[tauri::command]
pub async fn get_entry(state: State<'_, AppState>, id: String) -> CommandResult<EntryDetail> {
    let id = parse_id(&id)?;
    let entry = state.with_vault(|vault| vault.entries().get(id))?;
    Ok(EntryDetail::from(&entry))
}

#[tauri::command]
pub async fn add_entry(
    state: State<'_, AppState>,
    entry: EntryInput,
) -> CommandResult<EntryDetail> {
    let fields = entry.into_fields(None)?;
    let entry = state.with_vault(|vault| vault.entries_mut().add(fields))?;
    Ok(EntryDetail::from(&entry))
}

/// Saves the entry window. Secret values the form left untouched (`null`) keep the stored
/// ones, which are read here so they never have to pass through the UI. `modified` is the
/// entry's as the window read it: a window opened before a bulk edit or undo changed the entry
/// gets `entry_changed` instead of writing its old values back.
#[tauri::command]
pub async fn update_entry(
    state: State<'_, AppState>,
    id: String,
    modified: String,
    entry: EntryInput,
) -> CommandResult<EntryDetail> {
    let id = parse_id(&id)?;
    let read_modified = parse_timestamp(&modified)?;
    let entry = state.with_vault(|vault| {
        vault
            .entries_mut()
            .edit_as_read(id, read_modified, |stored| entry.into_fields(Some(stored)))
    })?;
    Ok(EntryDetail::from(&entry))
}

/// The one command that sends a secret value of an entry to the UI: the one the person asked
/// to see (password, hidden custom field, TOTP secret, earlier password).
#[tauri::command]
pub async fn reveal_entry_secret(
    state: State<'_, AppState>,
    id: String,
    secret: EntrySecret,
) -> CommandResult<String> {
    let id = parse_id(&id)?;
    let value = state.with_vault(|vault| vault.entries().secret(id, secret))?;
    Ok(value.as_str().to_owned())
}

/// When each earlier password was replaced (no passwords: see `reveal_entry_secret`).
#[tauri::command]
pub async fn password_history(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<Vec<HistoryRow>> {
    let id = parse_id(&id)?;
    let entry = state.with_vault(|vault| vault.entries().get(id))?;
    Ok(entry
        .password_history
        .iter()
        .map(HistoryRow::from)
        .collect())
}

/// Copies one secret value from Rust (it never reaches the web view) and clears the clipboard
/// after the delay set in Settings, if it still holds this value.
#[tauri::command]
pub async fn copy_entry_secret(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    secret: EntrySecret,
) -> CommandResult<CopyReceipt> {
    let id = parse_id(&id)?;
    let value = state.with_vault(|vault| vault.entries().secret(id, secret))?;
    let seconds = state.settings().clipboard_clear_seconds;
    clipboard::copy_secret(
        &app,
        value,
        std::time::Duration::from_secs(u64::from(seconds)),
    )?;
    Ok(CopyReceipt {
        clear_after_seconds: seconds,
    })
}

#[tauri::command]
pub fn generate_password(request: PasswordSpec) -> CommandResult<String> {
    Ok(generator::generate_password(&request)?)
}

#[tauri::command]
pub fn generate_passphrase(request: PassphraseSpec) -> CommandResult<String> {
    Ok(generator::generate_passphrase(&request)?)
}
