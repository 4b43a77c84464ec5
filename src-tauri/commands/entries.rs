//! The entries feature: the entry list (search, row windows, tags), the entry window
//! (read, add, edit, reveal/copy the password, history), the password generator, and which
//! entries a selection stands for (used by bulk edit, export and send).

pub mod types;

use keypost_core::entries::TagCount;
use keypost_core::entry::{EntryId, EntrySummary};
use keypost_core::generator::{self, PassphraseSpec, PasswordSpec};
use std::collections::HashSet;
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use crate::clipboard::{self, CopyReceipt};
use crate::error::CommandResult;
use crate::state::AppState;
use types::{
    EntryDetail, EntryInput, HistoryRow, SearchQuery, SearchResult, Selection, parse_id, parse_ids,
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

/// Runs the search and keeps its result for `entry_rows`; returns only the count, so a
/// search over 100,000 entries does not ship them all to the web view.
#[tauri::command]
pub async fn search_entries(
    state: State<'_, AppState>,
    query: SearchQuery,
) -> CommandResult<SearchResult> {
    let query = query.into();
    let rows = state.with_vault(|vault| vault.entries().list(&query))?;
    let (generation, total) = state.store_results(rows);
    Ok(SearchResult {
        generation,
        total: u32::try_from(total).unwrap_or(u32::MAX),
    })
}

/// A window of the current result set. Summaries carry no password, notes or custom field
/// values.
#[tauri::command]
pub fn entry_rows(
    state: State<'_, AppState>,
    generation: u32,
    start: u32,
    count: u32,
) -> CommandResult<Vec<EntrySummary>> {
    let count = count.min(MAX_ROWS_PER_CALL) as usize;
    state.with_results(generation, |rows| {
        rows.iter()
            .skip(start as usize)
            .take(count)
            .cloned()
            .collect()
    })
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
    let fields = entry.into_fields(None);
    let entry = state.with_vault(|vault| vault.entries_mut().add(fields))?;
    Ok(EntryDetail::from(&entry))
}

/// Saves the entry window. A form that left the password untouched (`password: null`) keeps
/// the stored one, which is read here so it never has to pass through the UI.
#[tauri::command]
pub async fn update_entry(
    state: State<'_, AppState>,
    id: String,
    entry: EntryInput,
) -> CommandResult<EntryDetail> {
    let id = parse_id(&id)?;
    let entry = state.with_vault(|vault| {
        let kept = if entry.password.is_some() {
            None
        } else {
            Some(vault.entries().get(id)?.fields.password.clone())
        };
        vault.entries_mut().update(id, entry.into_fields(kept))
    })?;
    Ok(EntryDetail::from(&entry))
}

/// The one command that sends a current password to the UI, when the person asks to see it.
#[tauri::command]
pub async fn reveal_password(state: State<'_, AppState>, id: String) -> CommandResult<String> {
    let id = parse_id(&id)?;
    let entry = state.with_vault(|vault| vault.entries().get(id))?;
    Ok(entry.fields.password.clone())
}

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

/// Copies the password from Rust (it never reaches the web view) and clears the clipboard
/// after the delay set in Settings, if it still holds this password.
#[tauri::command]
pub async fn copy_password(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<CopyReceipt> {
    let id = parse_id(&id)?;
    let entry = state.with_vault(|vault| vault.entries().get(id))?;
    let seconds = state.settings().clipboard_clear_seconds;
    clipboard::copy_secret(
        &app,
        Zeroizing::new(entry.fields.password.clone()),
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
