//! Bulk edit over ticked entries or all results, its preview, and undo.

use keypost_core::entries::{BulkEdit, BulkOutcome, UndoneChange};
use keypost_core::entry::EntryId;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::commands::entries::resolve;
use crate::commands::entries::types::Selection;
use crate::error::CommandResult;
use crate::state::AppState;

/// How many titles the review dialog lists.
const SAMPLE_TITLES: usize = 12;

/// The bulk actions, as the bulk bar sends them (core's `BulkEdit` with named fields).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BulkAction {
    AddTags { tags: Vec<String> },
    RemoveTags { tags: Vec<String> },
    SetUsername { username: String },
    SetUrl { url: String },
    SetFolder { folder: String },
    AppendNotes { text: String },
    SetFavourite { favourite: bool },
    Delete,
}

impl From<BulkAction> for BulkEdit {
    fn from(action: BulkAction) -> Self {
        match action {
            BulkAction::AddTags { tags } => BulkEdit::AddTags(tags),
            BulkAction::RemoveTags { tags } => BulkEdit::RemoveTags(tags),
            BulkAction::SetUsername { username } => BulkEdit::SetUsername(username),
            BulkAction::SetUrl { url } => BulkEdit::SetUrl(url),
            BulkAction::SetFolder { folder } => BulkEdit::SetFolder(folder),
            BulkAction::AppendNotes { text } => BulkEdit::AppendNotes(text),
            BulkAction::SetFavourite { favourite } => BulkEdit::SetFavourite(favourite),
            BulkAction::Delete => BulkEdit::Delete,
        }
    }
}

/// What a bulk action did, or would do (preview).
#[derive(Debug, Clone, Serialize, TS)]
pub struct BulkSummary {
    pub description: String,
    /// Distinct entries selected.
    pub selected: u32,
    /// Entries that change; the others already have the result.
    pub changed: u32,
    /// Titles of some of the entries that change, for the review dialog.
    pub sample_titles: Vec<String>,
}

impl BulkSummary {
    fn new(outcome: &BulkOutcome, sample_titles: Vec<String>) -> Self {
        Self {
            description: outcome.description.clone(),
            selected: u32::try_from(outcome.selected).unwrap_or(u32::MAX),
            changed: u32::try_from(outcome.changed).unwrap_or(u32::MAX),
            sample_titles,
        }
    }
}

/// Titles of (some of) the entries that would change.
fn sample_titles(state: &AppState, changed: &[EntryId]) -> CommandResult<Vec<String>> {
    let sample = &changed[..changed.len().min(SAMPLE_TITLES)];
    let entries = state.with_vault(|vault| vault.entries().get_many(sample))?;
    Ok(entries
        .iter()
        .map(|entry| entry.fields.title.clone())
        .collect())
}

/// Runs `action` over the entries `selection` stands for: a preview lists some of the titles
/// that would change and changes nothing.
fn run_bulk_edit(
    state: &AppState,
    selection: &Selection,
    action: BulkAction,
    preview: bool,
) -> CommandResult<BulkSummary> {
    let ids = resolve(state, selection)?;
    let edit = BulkEdit::from(action);
    if !preview {
        let outcome = state.with_vault(|vault| vault.entries_mut().bulk_edit(&ids, &edit))?;
        return Ok(BulkSummary::new(&outcome, Vec::new()));
    }
    let outcome = state.with_vault(|vault| vault.entries().preview_bulk_edit(&ids, &edit))?;
    let titles = sample_titles(state, &outcome.changed_ids)?;
    Ok(BulkSummary::new(&outcome, titles))
}

#[tauri::command]
pub async fn preview_bulk_edit(
    state: State<'_, AppState>,
    selection: Selection,
    action: BulkAction,
) -> CommandResult<BulkSummary> {
    run_bulk_edit(&state, &selection, action, true)
}

/// Applies the action; one undo step.
#[tauri::command]
pub async fn bulk_edit(
    state: State<'_, AppState>,
    selection: Selection,
    action: BulkAction,
) -> CommandResult<BulkSummary> {
    run_bulk_edit(&state, &selection, action, false)
}

/// Reverts the newest change (bulk edit, import, edit or delete); `None` when there is none.
#[tauri::command]
pub async fn undo(state: State<'_, AppState>) -> CommandResult<Option<UndoneChange>> {
    state.with_vault(|vault| vault.entries_mut().undo())
}
