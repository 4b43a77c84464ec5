//! The import and export use cases, one home for the app and the CLI: a CSV file into the
//! vault, and entries of the vault into a CSV or PDF file. Both stream: a file is read a window
//! at a time and written into the vault as it is read; an export reads one entry at a time and
//! writes it into `NAME.partial`. Both report [`progress`](super::progress) and stop when
//! cancelled, leaving the vault or the target file exactly as before.

use super::csv::{
    ColumnChoice, CsvExportOptions, CsvFormat, CsvRow, CsvRows, CsvScan, CsvWriter, ExportError,
    ImportError, ScanError, scan_csv,
};
use super::print::{PrintError, PrintOptions, check_printable, render_pdf};
use super::progress::{Cancelled, Progress, ProgressStage, REPORT_EVERY};
use super::write_private_file_with;
use crate::entries::{Entries, EntriesError, EntriesMut};
use crate::entry::{EntryFields, EntryId, SourceStamp};
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};

/// Entries of the preview table kept while a file is scanned.
pub const PREVIEW_SAMPLE: usize = 500;

/// What an export file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportKind {
    Csv {
        format: CsvFormat,
        options: CsvExportOptions,
    },
    Pdf(PrintOptions),
}

/// Which entries an export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportScope {
    /// The whole vault, in list order.
    All,
    /// These entries, in this order.
    Ids(Vec<EntryId>),
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportFileError {
    #[error(transparent)]
    Entries(#[from] EntriesError),
    #[error(transparent)]
    Csv(#[from] ExportError),
    #[error(transparent)]
    Print(#[from] PrintError),
    #[error("there is nothing to print")]
    NothingToPrint,
    #[error("could not write the file: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportFileError {
    #[error(transparent)]
    Entries(#[from] EntriesError),
    #[error(transparent)]
    Csv(#[from] ImportError),
    #[error("could not open the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file changed after it was previewed; preview it again")]
    FileChanged,
    #[error("reading the file stopped before its end; nothing was imported")]
    ReadingStopped,
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
}

impl From<ScanError> for ImportFileError {
    fn from(error: ScanError) -> Self {
        match error {
            ScanError::Import(error) => Self::Csv(error),
            ScanError::Cancelled(cancelled) => Self::Cancelled(cancelled),
        }
    }
}

/// Entries parsed by the reading thread and handed to the writing one at a time.
const PARSED_PER_HANDOVER: usize = 500;
/// Handovers parsed ahead of the writer, at most: what bounds the memory a fast reader takes.
const HANDOVERS_AHEAD: usize = 2;

/// An entry of the file, with the ids and dates it gives, or why the file could not be read.
type Parsed = Result<(EntryFields, SourceStamp), ImportFileError>;

/// The reading thread of [`import_file`]: parses the rows into handovers until the file ends
/// (checking that it is still the file that was previewed; then it sets `file_ended`), a row
/// cannot be read (sent as the handover's last item), or the writer stops taking them (it
/// failed or was cancelled).
fn parse_entries(
    mut rows: CsvRows<File>,
    previewed: [u8; 32],
    sender: &SyncSender<Vec<Parsed>>,
    file_ended: &AtomicBool,
) {
    let mut handover = Vec::with_capacity(PARSED_PER_HANDOVER);
    loop {
        let parsed = match rows.next_row() {
            Ok(Some(CsvRow::Skipped { .. })) => continue,
            Ok(Some(CsvRow::Entry { fields, meta, .. })) => Some(Ok((*fields, meta.stamp))),
            Ok(None) if rows.fingerprint() != previewed => Some(Err(ImportFileError::FileChanged)),
            Ok(None) => {
                file_ended.store(true, Ordering::Release);
                None
            }
            Err(error) => Some(Err(error.into())),
        };
        let last = !matches!(parsed, Some(Ok(_)));
        handover.extend(parsed);
        if last || handover.len() == PARSED_PER_HANDOVER {
            let full = std::mem::replace(&mut handover, Vec::with_capacity(PARSED_PER_HANDOVER));
            if sender.send(full).is_err() || last {
                return;
            }
        }
    }
}

/// The parsed entries as the writer takes them. A reading thread that stops before the end of
/// the file without an error (it panicked) leaves an error as the last item, so the import
/// rolls back instead of committing the entries read so far as if they were the whole file.
fn taken_until_end(
    handovers: Receiver<Vec<Parsed>>,
    file_ended: &AtomicBool,
) -> impl Iterator<Item = Parsed> + '_ {
    handovers.into_iter().flatten().chain(
        std::iter::once_with(|| {
            (!file_ended.load(Ordering::Acquire)).then_some(Err(ImportFileError::ReadingStopped))
        })
        .flatten(),
    )
}

/// Writes the entries of `scope` to `path` (owner-only, appearing whole or not at all) and
/// returns how many. CSV streams one entry at a time; a PDF is laid out as a whole (page N of
/// M), so its entries are gathered first, at most [`super::print::MAX_PRINTED_ENTRIES`].
pub fn export_to_file(
    entries: Entries<'_>,
    scope: ExportScope,
    kind: &ExportKind,
    path: &Path,
    progress: Progress<'_>,
) -> Result<u64, ExportFileError> {
    let stream = match scope {
        ExportScope::All => entries.stream_all()?,
        ExportScope::Ids(ids) => entries.stream_ids(ids)?,
    };
    let total = stream.len() as u64;
    let report = |done: u64| -> Result<(), Cancelled> {
        if done.is_multiple_of(REPORT_EVERY) {
            progress.step(ProgressStage::Writing, done, total)?;
        }
        Ok(())
    };
    report(0)?;
    match kind {
        ExportKind::Csv { format, options } => {
            write_private_file_with(path, |file| -> Result<(), ExportFileError> {
                let mut writer = CsvWriter::new(*format, options, file)?;
                for (index, entry) in (1..).zip(stream) {
                    writer.write(&entry?)?;
                    report(index)?;
                }
                writer.finish()?;
                Ok(())
            })?;
        }
        ExportKind::Pdf(options) => {
            if total == 0 {
                return Err(ExportFileError::NothingToPrint);
            }
            check_printable(stream.len())?;
            let mut gathered = Vec::with_capacity(stream.len());
            for (index, entry) in (1..).zip(stream) {
                gathered.push(entry?);
                report(index)?;
            }
            let pdf = render_pdf(&gathered, options)?;
            drop(gathered);
            progress.check()?;
            write_private_file_with(path, |file: &mut File| file.write_all(&pdf))?;
        }
    }
    progress.report(ProgressStage::Writing, total, total);
    Ok(total)
}

/// Reads the CSV at `path` as `format` (or the format its header shows) without writing
/// anything: what [`import_file`] would add, with its first `sample_size` entries (the app
/// shows [`PREVIEW_SAMPLE`]).
pub fn preview_file(
    path: &Path,
    format: Option<CsvFormat>,
    sample_size: usize,
    progress: Progress<'_>,
) -> Result<CsvScan, ImportFileError> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    Ok(scan_csv(
        file,
        ColumnChoice::Format(format),
        sample_size,
        size,
        progress,
    )?)
}

/// Imports the file previewed as `scan` as one undoable change, keeping the ids and dates it
/// gives; returns how many entries were added. The file is read again as it is written (parsed
/// on a second thread, so parsing and SQLite's writing use a core each), and nothing stays in
/// the vault when it was cancelled, could not be read, or no longer is the file that was
/// previewed.
pub fn import_file(
    mut entries: EntriesMut<'_>,
    path: &Path,
    scan: &CsvScan,
    progress: Progress<'_>,
) -> Result<u64, ImportFileError> {
    let choice = match &scan.mapping {
        Some(mapping) => ColumnChoice::Mapping(mapping.clone()),
        None => ColumnChoice::Format(Some(scan.format)),
    };
    let rows = CsvRows::open(File::open(path)?, choice)?;
    progress.step(ProgressStage::Writing, 0, scan.entries)?;
    let description = format!("Import {} entries", scan.entries);
    let file_ended = AtomicBool::new(false);
    let added = std::thread::scope(|scope| {
        let (sender, handovers) = std::sync::mpsc::sync_channel(HANDOVERS_AHEAD);
        let reader_ended = &file_ended;
        scope.spawn(move || parse_entries(rows, scan.fingerprint, &sender, reader_ended));
        let mut done = 0u64;
        let stamped = taken_until_end(handovers, &file_ended).map(|parsed| {
            let stamped = parsed?;
            done += 1;
            if done.is_multiple_of(REPORT_EVERY) {
                progress.step(ProgressStage::Writing, done, scan.entries)?;
            }
            Ok::<_, ImportFileError>(stamped)
        });
        entries.import_streamed(&description, stamped)
    })?;
    progress.report(ProgressStage::Writing, added, added);
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the writer takes after the reader sent one entry and stopped, having reached the
    /// end of the file or not.
    fn taken_after_one_entry(reached_the_end: bool) -> Vec<Parsed> {
        let (sender, handovers) = std::sync::mpsc::sync_channel(HANDOVERS_AHEAD);
        let file_ended = AtomicBool::new(reached_the_end);
        sender
            .send(vec![Ok((EntryFields::default(), SourceStamp::default()))])
            .unwrap();
        drop(sender);
        taken_until_end(handovers, &file_ended).collect()
    }

    #[test]
    fn a_reader_that_reached_the_end_leaves_only_its_entries() {
        let taken = taken_after_one_entry(true);
        assert_eq!(taken.len(), 1);
        assert!(taken[0].is_ok());
    }

    #[test]
    fn a_reader_that_stopped_early_leaves_an_error_so_nothing_is_committed() {
        let taken = taken_after_one_entry(false);
        assert_eq!(taken.len(), 2);
        assert!(matches!(taken[1], Err(ImportFileError::ReadingStopped)));
    }
}
