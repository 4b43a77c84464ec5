#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The import and export use cases on real vaults and files: streamed exports give the same
//! bytes as writing all entries at once, in every format, past many progress steps; a cancelled
//! export leaves no file; a streamed import adds what the preview showed as one undo step; a
//! cancelled import, or a file changed after its preview, leaves the vault as it was.

mod support;

use keypost_core::entry::{CustomField, EntryFields, EntryId};
use keypost_core::interchange::csv::{CsvExportOptions, CsvFormat, read_csv, write_csv};
use keypost_core::interchange::print::{MAX_PRINTED_ENTRIES, PrintError, PrintOptions, render_pdf};
use keypost_core::interchange::progress::{Progress, ProgressStage, ProgressUpdate, REPORT_EVERY};
use keypost_core::interchange::transfer::{
    ExportFileError, ExportKind, ExportScope, ImportFileError, export_to_file, import_file,
    preview_file,
};
use keypost_core::vault::{KdfParams, Vault};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use time::macros::datetime;

/// More entries than two progress steps, so a stream crosses several of them.
const MANY: usize = 2 * REPORT_EVERY as usize + 345;

fn new_vault(dir: &Path) -> Vault {
    Vault::create(dir, "correct horse", KdfParams::FLOOR).unwrap()
}

/// Entries that use every field, with titles whose case and order differ from insertion.
fn generated(count: usize) -> Vec<EntryFields> {
    (0..count)
        .map(|i| EntryFields {
            title: if i % 3 == 0 {
                format!("site {:04}", count - i)
            } else {
                format!("Site {:04}", count - i)
            },
            username: format!("user{i}@example.com"),
            password: format!("=p\"w,{i}\n-+@"),
            urls: vec![
                format!("https://s{i}.example/login"),
                format!("https://alt{i}.example"),
            ],
            notes: format!("line one {i}\r\nline, two \"quoted\""),
            tags: vec!["work".to_owned(), format!("t{}", i % 7)],
            folder: format!("Group {}/Sub", i % 5),
            custom_fields: vec![CustomField {
                name: "PIN".to_owned(),
                value: format!("{i:04}"),
                hidden: i % 2 == 0,
            }],
            totp: if i % 4 == 0 {
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP".to_owned()
            } else {
                String::new()
            },
            favourite: i % 11 == 0,
        })
        .collect()
}

fn filled_vault(dir: &Path, count: usize) -> Vault {
    let mut vault = new_vault(dir);
    vault.entries_mut().import(generated(count)).unwrap();
    vault
}

/// Every report a run made, and a flag that cancels it once `cancel_at` entries or bytes are
/// done.
struct Recorder {
    updates: Mutex<Vec<ProgressUpdate>>,
    cancel: AtomicBool,
    cancel_at: Option<u64>,
}

impl Recorder {
    fn new(cancel_at: Option<u64>) -> Self {
        Self {
            updates: Mutex::new(Vec::new()),
            cancel: AtomicBool::new(false),
            cancel_at,
        }
    }

    fn run<T>(&self, work: impl FnOnce(Progress<'_>) -> T) -> T {
        let report = |update: ProgressUpdate| {
            if self.cancel_at.is_some_and(|at| update.done >= at) {
                self.cancel.store(true, Ordering::Relaxed);
            }
            self.updates.lock().unwrap().push(update);
        };
        work(Progress::new(&report, &self.cancel))
    }

    fn updates(&self) -> Vec<ProgressUpdate> {
        self.updates.lock().unwrap().clone()
    }
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_streamed_export_is_byte_for_byte_the_export_of_all_entries_in_every_format() {
    let scratch = tempfile::tempdir().unwrap();
    let vault = filled_vault(&scratch.path().join("vault"), MANY);
    let out = scratch.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // The entries as one list, read another way: list order, then one lookup per id.
    let ids = support::all_entry_ids(&vault);
    let all = vault.entries().get_many(&ids).unwrap();

    for format in CsvFormat::ALL {
        for spreadsheet_safe in [false, true] {
            let options = CsvExportOptions { spreadsheet_safe };
            let mut expected = Vec::new();
            write_csv(&all, format, &options, &mut expected).unwrap();
            let path = out.join(format!("{}-{spreadsheet_safe}.csv", format.id()));
            let recorder = Recorder::new(None);
            let kind = ExportKind::Csv { format, options };
            let count = recorder
                .run(|progress| {
                    export_to_file(vault.entries(), ExportScope::All, &kind, &path, progress)
                })
                .unwrap();
            assert_eq!(count, MANY as u64);
            assert!(
                std::fs::read(&path).unwrap() == expected,
                "{format} (spreadsheet_safe: {spreadsheet_safe}): the streamed file differs"
            );
            let updates = recorder.updates();
            assert!(updates.len() > 2, "{format}: {updates:?}");
            assert!(updates.windows(2).all(|pair| pair[0].done <= pair[1].done));
            assert!(
                updates
                    .iter()
                    .all(|update| update.stage == ProgressStage::Writing)
            );
            assert_eq!(
                updates.last().map(|update| (update.done, update.total)),
                Some((MANY as u64, MANY as u64))
            );
        }
    }

    let options = PrintOptions {
        generated_at: datetime!(2026-12-01 10:00 UTC),
        ..PrintOptions::default()
    };
    let path = out.join("all.pdf");
    let kind = ExportKind::Pdf(options.clone());
    export_to_file(
        vault.entries(),
        ExportScope::All,
        &kind,
        &path,
        Progress::silent(),
    )
    .unwrap();
    // printpdf stamps each document with its own id and creation time, so the two PDFs are
    // compared as the text poppler reads from them, page by page.
    let whole = out.join("whole.pdf");
    std::fs::write(&whole, render_pdf(&all, &options).unwrap()).unwrap();
    assert_eq!(pdf_text(&path), pdf_text(&whole));
}

/// The text of a PDF as poppler's `pdftotext` lays it out (pages separated by form feeds).
fn pdf_text(path: &std::path::Path) -> String {
    let output = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by the test setup");
    assert!(output.status.success(), "pdftotext failed on {path:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_selection_is_exported_in_the_order_given() {
    let scratch = tempfile::tempdir().unwrap();
    let vault = filled_vault(&scratch.path().join("vault"), 30);
    let ids = support::all_entry_ids(&vault);
    let chosen = vec![ids[20], ids[3], ids[11]];
    let mut expected = Vec::new();
    let options = CsvExportOptions::default();
    write_csv(
        &vault.entries().get_many(&chosen).unwrap(),
        CsvFormat::Bitwarden,
        &options,
        &mut expected,
    )
    .unwrap();
    let path = scratch.path().join("chosen.csv");
    let kind = ExportKind::Csv {
        format: CsvFormat::Bitwarden,
        options,
    };
    let count = export_to_file(
        vault.entries(),
        ExportScope::Ids(chosen),
        &kind,
        &path,
        Progress::silent(),
    )
    .unwrap();
    assert_eq!(count, 3);
    assert_eq!(std::fs::read(&path).unwrap(), expected);
}

#[test]
fn a_cancelled_export_leaves_no_file_and_an_old_one_as_it_was() {
    let scratch = tempfile::tempdir().unwrap();
    let vault = filled_vault(&scratch.path().join("vault"), MANY);
    let out = scratch.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let kinds = [
        ExportKind::Csv {
            format: CsvFormat::Keypost,
            options: CsvExportOptions::default(),
        },
        ExportKind::Pdf(PrintOptions::default()),
    ];
    for kind in &kinds {
        let fresh = out.join("fresh");
        let recorder = Recorder::new(Some(REPORT_EVERY));
        let outcome = recorder.run(|progress| {
            export_to_file(vault.entries(), ExportScope::All, kind, &fresh, progress)
        });
        assert!(
            matches!(outcome, Err(ExportFileError::Cancelled(_))),
            "{outcome:?}"
        );
        assert!(file_names(&out).is_empty(), "{:?}", file_names(&out));

        let existing = out.join("existing");
        std::fs::write(&existing, b"an earlier export").unwrap();
        let recorder = Recorder::new(Some(REPORT_EVERY));
        let outcome = recorder.run(|progress| {
            export_to_file(vault.entries(), ExportScope::All, kind, &existing, progress)
        });
        assert!(matches!(outcome, Err(ExportFileError::Cancelled(_))));
        assert_eq!(std::fs::read(&existing).unwrap(), b"an earlier export");
        assert_eq!(file_names(&out), ["existing"]);
        std::fs::remove_file(&existing).unwrap();
    }
}

#[test]
fn an_empty_selection_prints_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let vault = new_vault(&scratch.path().join("vault"));
    let path = scratch.path().join("empty.pdf");
    let outcome = export_to_file(
        vault.entries(),
        ExportScope::All,
        &ExportKind::Pdf(PrintOptions::default()),
        &path,
        Progress::silent(),
    );
    assert!(matches!(outcome, Err(ExportFileError::NothingToPrint)));
    assert!(!path.exists());
}

/// A printout larger than the limit is refused before any entry is read (ids that do not
/// exist are not even looked up), and no file appears.
#[test]
fn a_selection_too_large_to_print_is_refused_before_it_is_read() {
    let scratch = tempfile::tempdir().unwrap();
    let vault = new_vault(&scratch.path().join("vault"));
    let path = scratch.path().join("huge.pdf");
    let ids = (0..=MAX_PRINTED_ENTRIES)
        .map(|_| EntryId::new_random())
        .collect();
    let outcome = export_to_file(
        vault.entries(),
        ExportScope::Ids(ids),
        &ExportKind::Pdf(PrintOptions::default()),
        &path,
        Progress::silent(),
    );
    assert!(
        matches!(
            outcome,
            Err(ExportFileError::Print(PrintError::TooManyEntries { count, limit }))
                if count == MAX_PRINTED_ENTRIES + 1 && limit == MAX_PRINTED_ENTRIES
        ),
        "{outcome:?}"
    );
    assert!(!path.exists());
}

/// A Keypost-format file of `count` generated entries, and the entries read from it at once.
fn keypost_file(dir: &Path, count: usize) -> (std::path::PathBuf, Vec<u8>) {
    let source = filled_vault(&dir.join("source"), count);
    let mut bytes = Vec::new();
    write_csv(
        &source.entries().all().unwrap(),
        CsvFormat::Keypost,
        &CsvExportOptions::default(),
        &mut bytes,
    )
    .unwrap();
    // One broken row, skipped by the preview and the import alike.
    bytes.extend_from_slice(b"\"never closed\r\n");
    let path = dir.join("import.csv");
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

/// A file with a header and no readable entry adds nothing and records no undo step (an empty
/// step would make the next undo look like it did nothing).
#[test]
fn a_file_without_entries_imports_nothing_and_leaves_no_undo_step() {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("header-only.csv");
    std::fs::write(
        &path,
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n",
    )
    .unwrap();
    let scan = preview_file(&path, None, 0, Progress::silent()).unwrap();
    assert_eq!(scan.entries, 0);
    let mut vault = new_vault(&scratch.path().join("vault"));
    let added = import_file(vault.entries_mut(), &path, &scan, Progress::silent()).unwrap();
    assert_eq!(added, 0);
    assert!(vault.entries().undo_history().unwrap().is_empty());
}

#[test]
fn a_streamed_import_adds_what_the_preview_showed_as_one_undo_step() {
    let scratch = tempfile::tempdir().unwrap();
    let (path, bytes) = keypost_file(scratch.path(), MANY);
    let reading = Recorder::new(None);
    let scan = reading
        .run(|progress| preview_file(&path, None, 10, progress))
        .unwrap();
    let at_once = read_csv(&bytes, None).unwrap();
    assert_eq!(scan.format, CsvFormat::Keypost);
    assert_eq!(scan.entries, at_once.entries.len() as u64);
    assert_eq!(scan.skipped_rows, 1);
    assert_eq!(scan.problems, at_once.problems);
    assert_eq!(scan.sample.len(), 10);
    assert_eq!(scan.sample[9].0, at_once.entries[9]);
    let read = reading.updates();
    assert!(
        read.iter()
            .all(|update| update.stage == ProgressStage::Reading)
    );
    assert_eq!(
        read.last().map(|update| (update.done, update.total)),
        Some((bytes.len() as u64, bytes.len() as u64))
    );

    // The same file imported at once into one vault, streamed into another.
    let mut expected = new_vault(&scratch.path().join("expected"));
    expected
        .entries_mut()
        .import_stamped(at_once.into_stamped())
        .unwrap();
    let mut vault = new_vault(&scratch.path().join("vault"));
    vault.entries_mut().add(EntryFields::default()).unwrap();
    let writing = Recorder::new(None);
    let added = writing
        .run(|progress| import_file(vault.entries_mut(), &path, &scan, progress))
        .unwrap();
    assert_eq!(added, MANY as u64);
    assert_eq!(
        writing.updates().last().map(|update| update.done),
        Some(MANY as u64)
    );
    for id in support::all_entry_ids(&expected) {
        assert_eq!(
            vault.entries().get(id).unwrap(),
            expected.entries().get(id).unwrap(),
            "the file's ids, dates and fields are kept"
        );
    }
    let history = vault.entries().undo_history().unwrap();
    assert_eq!(history[0].description, format!("Import {MANY} entries"));
    assert_eq!(history[0].entry_count, MANY);
    vault.entries_mut().undo().unwrap();
    assert_eq!(vault.entries().count().unwrap(), 1);
}

#[test]
fn a_cancelled_import_leaves_the_vault_as_it_was() {
    let scratch = tempfile::tempdir().unwrap();
    let (path, _) = keypost_file(scratch.path(), MANY);
    let scan = preview_file(&path, None, 0, Progress::silent()).unwrap();
    let mut vault = new_vault(&scratch.path().join("vault"));
    vault
        .entries_mut()
        .add(keypost_core::entry_fields! {
            title: "Before".to_owned(),
        })
        .unwrap();
    let before = (
        vault.entries().all().unwrap(),
        vault.entries().undo_history().unwrap(),
    );

    let recorder = Recorder::new(Some(REPORT_EVERY));
    let outcome = recorder.run(|progress| import_file(vault.entries_mut(), &path, &scan, progress));
    assert!(
        matches!(outcome, Err(ImportFileError::Cancelled(_))),
        "{outcome:?}"
    );
    assert!(
        recorder
            .updates()
            .iter()
            .any(|update| update.done >= REPORT_EVERY),
        "it was cancelled mid-way, after entries were written"
    );
    assert_eq!(
        (
            vault.entries().all().unwrap(),
            vault.entries().undo_history().unwrap()
        ),
        before
    );

    // Reading the file can be cancelled too.
    let recorder = Recorder::new(Some(1));
    let outcome = recorder.run(|progress| preview_file(&path, None, 0, progress));
    assert!(matches!(outcome, Err(ImportFileError::Cancelled(_))));
}

#[test]
fn a_file_changed_after_its_preview_is_not_imported() {
    let scratch = tempfile::tempdir().unwrap();
    let (path, mut bytes) = keypost_file(scratch.path(), 40);
    let scan = preview_file(&path, None, 0, Progress::silent()).unwrap();
    // Same length, one password changed at the very end of the file.
    let at = bytes.len() - b"\"never closed\r\n".len() - 10;
    bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(&path, &bytes).unwrap();

    let mut vault = new_vault(&scratch.path().join("vault"));
    let outcome = import_file(vault.entries_mut(), &path, &scan, Progress::silent());
    assert!(
        matches!(outcome, Err(ImportFileError::FileChanged)),
        "{outcome:?}"
    );
    assert_eq!(vault.entries().count().unwrap(), 0);
    assert!(vault.entries().undo_history().unwrap().is_empty());
}
