//! The interchange feature: import from CSV (preview first, write on accept) and export to CSV
//! or a printable PDF, through native file dialogs.

pub mod types;

use keypost_core::entry::Entry;
use keypost_core::interchange::csv::{CsvExportOptions, CsvFormat, write_csv};
use keypost_core::interchange::print::{PrintOptions, render_pdf};
use keypost_core::interchange::progress::{Progress, ProgressUpdate};
use keypost_core::interchange::transfer::{
    self, ExportFileError, ExportKind, ExportScope, PREVIEW_SAMPLE,
};
use keypost_core::interchange::write_private_file;
use keypost_core::messages::{self, ExportFormat};
use keypost_protocol::inbox::MessageId;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_dialog::DialogExt;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::commands::entries::resolve;
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::state::AppState;
use types::{ChosenFile, ExportSource, ExportTarget, ImportSummary};

/// The file read when dialogs are bypassed for tests (`KEYPOST_E2E_SAVE_DIR`).
const BYPASS_IMPORT_FILE: &str = "import.csv";

/// Where a running import or export stands (core's `ProgressUpdate`); `cancel_transfer` stops it.
pub const TRANSFER_PROGRESS_EVENT: &str = "transfer-progress";

/// Runs `work` with progress sent to the UI as [`TRANSFER_PROGRESS_EVENT`] and the cancel flag
/// that `cancel_transfer` sets.
fn with_progress<T>(
    app: &AppHandle,
    cancel: &AtomicBool,
    work: impl FnOnce(Progress<'_>) -> T,
) -> T {
    let report = |update: ProgressUpdate| {
        app.emit(TRANSFER_PROGRESS_EVENT, update).ok();
    };
    work(Progress::new(&report, cancel))
}

/// Stops the running import or export; an import leaves the vault as it was, an export leaves
/// no file.
#[tauri::command]
pub fn cancel_transfer(state: State<'_, AppState>) {
    state.cancel_transfer();
}

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

/// Reads and checks a CSV without writing anything (reporting progress); `accept_import`
/// imports what it showed.
#[tauri::command]
pub async fn preview_import(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    format: Option<CsvFormat>,
) -> CommandResult<ImportSummary> {
    if !state.is_unlocked() {
        return Err(CommandError::locked());
    }
    let path = PathBuf::from(path);
    let scan = with_progress(&app, state.start_transfer(), |progress| {
        transfer::preview_file(&path, format, PREVIEW_SAMPLE, progress)
    })?;
    let token = state.next_number();
    let summary = ImportSummary::new(token, &scan);
    state.set_pending_import(token, path, scan);
    Ok(summary)
}

/// Imports the previewed CSV as one undoable change, keeping the ids and dates the file gave
/// its entries (reporting progress; cancelling leaves the vault as it was); returns how many
/// were added.
#[tauri::command]
pub async fn accept_import(
    app: AppHandle,
    state: State<'_, AppState>,
    token: u32,
) -> CommandResult<u32> {
    let pending = state.import_to_accept(token)?;
    let cancel = state.start_transfer();
    let added = with_progress(&app, cancel, |progress| {
        state.with_vault(|vault| {
            transfer::import_file(vault.entries_mut(), &pending.path, &pending.scan, progress)
        })
    });
    if added
        .as_ref()
        .is_err_and(|error| error.code == ErrorCode::Cancelled)
    {
        // Nothing was written: the same preview can still be accepted.
        state.set_pending_import(token, pending.path, pending.scan);
    }
    Ok(u32::try_from(added?).unwrap_or(u32::MAX))
}

/// Entries of the vault are streamed to the file by core (with progress and cancel);
/// received entries, few and already in memory, are written as they are.
fn export_entries(
    app: &AppHandle,
    state: &AppState,
    target: &ExportTarget,
    kind: &ExportKind,
) -> CommandResult<u32> {
    let scope = match &target.source {
        ExportSource::Vault => ExportScope::All,
        ExportSource::Selection { selection } => ExportScope::Ids(resolve(state, selection)?),
        ExportSource::Received { token } => {
            let entries = state.pending_entries(*token, OffsetDateTime::now_utc())?;
            return export_received(&entries, kind, &target.path);
        }
        ExportSource::Messages { ids } => {
            return Err(CommandError::invalid(format!(
                "{} messages are exported by the inbox, not as vault entries.",
                ids.len()
            )));
        }
    };
    let path = Path::new(&target.path);
    let count = with_progress(app, state.start_transfer(), |progress| {
        state.with_vault(|vault| {
            transfer::export_to_file(vault.entries(), scope, kind, path, progress)
        })
    })?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

fn export_received(entries: &[Entry], kind: &ExportKind, path: &str) -> CommandResult<u32> {
    let bytes = match kind {
        ExportKind::Csv { format, options } => {
            let mut csv = Zeroizing::new(Vec::new());
            write_csv(entries, *format, options, &mut *csv)?;
            csv
        }
        ExportKind::Pdf(options) => {
            if entries.is_empty() {
                return Err(ExportFileError::NothingToPrint.into());
            }
            Zeroizing::new(render_pdf(entries, options)?)
        }
    };
    write_export(path, &bytes)?;
    Ok(u32::try_from(entries.len()).unwrap_or(u32::MAX))
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

#[tauri::command]
pub async fn export_csv(
    app: AppHandle,
    state: State<'_, AppState>,
    target: ExportTarget,
    format: CsvFormat,
) -> CommandResult<u32> {
    if let ExportSource::Messages { ids } = &target.source {
        return export_messages(&state, ids, ExportFormat::Csv(format), &target.path);
    }
    let kind = ExportKind::Csv {
        format,
        options: CsvExportOptions::default(),
    };
    export_entries(&app, &state, &target, &kind)
}

#[tauri::command]
pub async fn export_pdf(
    app: AppHandle,
    state: State<'_, AppState>,
    target: ExportTarget,
) -> CommandResult<u32> {
    if let ExportSource::Messages { ids } = &target.source {
        return export_messages(&state, ids, ExportFormat::Pdf, &target.path);
    }
    export_entries(
        &app,
        &state,
        &target,
        &ExportKind::Pdf(PrintOptions::default()),
    )
}
