//! The interchange feature: import from CSV (preview first, write on accept) and export to CSV
//! or a printable PDF, through native file dialogs.

pub mod types;

use keypost_core::entry::Entry;
use keypost_core::interchange::csv::{CsvExportOptions, CsvFormat, read_csv, write_csv};
use keypost_core::interchange::print::{PrintOptions, render_pdf};
use keypost_core::interchange::write_private_file;
use keypost_core::messages::{self, ExportFormat};
use keypost_protocol::inbox::MessageId;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::commands::entries::resolve;
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::state::AppState;
use types::{ChosenFile, ExportSource, ExportTarget, ImportSummary};

/// The file read when dialogs are bypassed for tests (`KEYPOST_E2E_SAVE_DIR`).
const BYPASS_IMPORT_FILE: &str = "import.csv";

fn chosen(path: Option<PathBuf>) -> ChosenFile {
    ChosenFile {
        path: path.map(|path| path.display().to_string()),
    }
}

/// Asks for a CSV file to import (native dialog).
#[tauri::command]
pub async fn choose_import_file(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CommandResult<ChosenFile> {
    if let Some(dir) = &state.dialog_bypass_dir {
        return Ok(chosen(Some(dir.join(BYPASS_IMPORT_FILE))));
    }
    let picked = app
        .dialog()
        .file()
        .set_title("Import passwords from CSV")
        .add_filter("CSV files", &["csv", "txt"])
        .blocking_pick_file();
    Ok(chosen(picked.and_then(|path| path.into_path().ok())))
}

/// Asks where to save an export (native dialog), proposing `suggested_name`.
#[tauri::command]
pub async fn choose_export_file(
    app: AppHandle,
    state: State<'_, AppState>,
    suggested_name: String,
) -> CommandResult<ChosenFile> {
    let name = Path::new(&suggested_name)
        .file_name()
        .ok_or_else(|| CommandError::invalid("The suggested file name is empty."))?
        .to_owned();
    if let Some(dir) = &state.dialog_bypass_dir {
        return Ok(chosen(Some(dir.join(name))));
    }
    let is_pdf = Path::new(&name).extension().is_some_and(|ext| ext == "pdf");
    let (filter_name, extension) = if is_pdf {
        ("PDF documents", "pdf")
    } else {
        ("CSV files", "csv")
    };
    let picked = app
        .dialog()
        .file()
        .set_title("Export passwords")
        .set_file_name(name.to_string_lossy())
        .add_filter(filter_name, &[extension])
        .blocking_save_file();
    Ok(chosen(picked.and_then(|path| path.into_path().ok())))
}

/// Reads and checks a CSV without writing anything; the parsed entries wait for
/// `accept_import`.
#[tauri::command]
pub async fn preview_import(
    state: State<'_, AppState>,
    path: String,
    format: Option<CsvFormat>,
) -> CommandResult<ImportSummary> {
    if !state.is_unlocked() {
        return Err(CommandError::locked());
    }
    let bytes = Zeroizing::new(
        std::fs::read(&path).map_err(|error| CommandError::io("Cannot read the file", &error))?,
    );
    let preview = read_csv(&bytes, format)?;
    let token = state.next_number();
    let summary = ImportSummary::new(token, &preview);
    state.set_pending_import(token, preview.into_stamped());
    Ok(summary)
}

/// Imports the previewed CSV entries as one undoable change, keeping the ids and dates the
/// file gave them; returns how many were added.
#[tauri::command]
pub async fn accept_import(state: State<'_, AppState>, token: u32) -> CommandResult<u32> {
    let entries = state.entries_to_import(token)?;
    let ids = state.with_vault(|vault| vault.entries_mut().import_stamped(entries))?;
    Ok(u32::try_from(ids.len()).unwrap_or(u32::MAX))
}

/// The entries an export covers.
fn export_entries(state: &AppState, target: &ExportTarget) -> CommandResult<Vec<Entry>> {
    match &target.source {
        ExportSource::Vault => state.with_vault(|vault| vault.entries().all()),
        ExportSource::Selection { selection } => {
            let ids = resolve(state, selection)?;
            state.with_vault(|vault| vault.entries().get_many(&ids))
        }
        ExportSource::Received { token } => {
            state.pending_entries(*token, OffsetDateTime::now_utc())
        }
        ExportSource::Messages { ids } => Err(CommandError::invalid(format!(
            "{} messages are exported by the inbox, not as vault entries.",
            ids.len()
        ))),
    }
}

/// Received messages are exported by core's inbox (held ones refused), which writes the
/// same formats.
fn export_messages(
    state: &AppState,
    ids: &[MessageId],
    format: ExportFormat,
    path: &str,
) -> CommandResult<u32> {
    let exported = state.with_vault(|vault| messages::export(vault, ids, format))?;
    write_export(path, &exported.bytes)?;
    Ok(u32::try_from(exported.entries).unwrap_or(u32::MAX))
}

/// Writes the export file readable by the owner only (it holds passwords in clear).
fn write_export(path: &str, bytes: &[u8]) -> CommandResult<()> {
    write_private_file(Path::new(path), bytes)
        .map_err(|error| CommandError::io("Cannot write the file", &error))
}

fn count(entries: &[Entry]) -> u32 {
    u32::try_from(entries.len()).unwrap_or(u32::MAX)
}

#[tauri::command]
pub async fn export_csv(
    state: State<'_, AppState>,
    target: ExportTarget,
    format: CsvFormat,
) -> CommandResult<u32> {
    if let ExportSource::Messages { ids } = &target.source {
        return export_messages(&state, ids, ExportFormat::Csv(format), &target.path);
    }
    let entries = export_entries(&state, &target)?;
    let mut csv = Zeroizing::new(Vec::new());
    write_csv(&entries, format, &CsvExportOptions::default(), &mut *csv)?;
    write_export(&target.path, &csv)?;
    Ok(count(&entries))
}

#[tauri::command]
pub async fn export_pdf(state: State<'_, AppState>, target: ExportTarget) -> CommandResult<u32> {
    if let ExportSource::Messages { ids } = &target.source {
        return export_messages(&state, ids, ExportFormat::Pdf, &target.path);
    }
    let entries = export_entries(&state, &target)?;
    if entries.is_empty() {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            "There is nothing to print.",
        ));
    }
    let pdf = render_pdf(&entries, &PrintOptions::default())?;
    write_export(&target.path, &pdf)?;
    Ok(count(&entries))
}
