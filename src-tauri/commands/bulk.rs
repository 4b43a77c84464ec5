//! Bulk edit over ticked entries or all results, its preview, and undo.

use keypost_core::vault::BulkEdit;
use std::collections::HashSet;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;
use crate::transport::{
    BULK_SAMPLE_TITLES, BulkAction, BulkSummary, Selection, UndoResult, parse_ids,
};
use keypost_core::entry::EntryId;

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

/// Titles of (some of) the entries that would change, read from the list the person sees.
fn sample_titles(state: &AppState, selection: &Selection, changed: &[EntryId]) -> Vec<String> {
    let generation = match selection {
        Selection::Results { generation, .. } => Some(*generation),
        Selection::Ids { .. } => state.current_generation(),
    };
    let wanted: HashSet<&EntryId> = changed.iter().take(BULK_SAMPLE_TITLES).collect();
    generation
        .and_then(|generation| {
            state
                .with_results(generation, |rows| {
                    rows.iter()
                        .filter(|row| wanted.contains(&row.id))
                        .map(|row| row.title.clone())
                        .collect()
                })
                .ok()
        })
        .unwrap_or_default()
}

#[tauri::command]
pub async fn preview_bulk_edit(
    state: State<'_, AppState>,
    selection: Selection,
    action: BulkAction,
) -> CommandResult<BulkSummary> {
    let ids = resolve(&state, &selection)?;
    let edit = BulkEdit::from(action);
    let outcome = state.with_vault(|vault| vault.preview_bulk_edit(&ids, &edit))?;
    let titles = sample_titles(&state, &selection, &outcome.changed_ids);
    Ok(BulkSummary::new(&outcome, titles))
}

#[tauri::command]
pub async fn bulk_edit(
    state: State<'_, AppState>,
    selection: Selection,
    action: BulkAction,
) -> CommandResult<BulkSummary> {
    let ids = resolve(&state, &selection)?;
    let edit = BulkEdit::from(action);
    let outcome = state.with_vault(|vault| vault.bulk_edit(&ids, &edit))?;
    Ok(BulkSummary::new(&outcome, Vec::new()))
}

/// Reverts the newest change (bulk edit, import, edit or delete); `None` when there is none.
#[tauri::command]
pub async fn undo(state: State<'_, AppState>) -> CommandResult<Option<UndoResult>> {
    let undone = state.with_vault(|vault| vault.undo())?;
    Ok(undone.as_ref().map(UndoResult::from))
}
