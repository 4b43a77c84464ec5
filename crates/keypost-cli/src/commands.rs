//! One function per command: read arguments, make the keypost-core call, print the result.

use crate::args::{
    AddArgs, BulkAction, CopyField, EditArgs, ExportArgs, FormatArg, GenerateArgs, ImportArgs,
    InitArgs, ListArgs, PasswordArgs, Selection,
};
use crate::error::CliError;
use crate::progress::{Unit, bar_wanted, with_progress};
use crate::secrets::interactive;
use crate::session::Session;
use keypost_core::entries::{BulkEdit, BulkOutcome, EntryQuery};
use keypost_core::entry::{EntryId, EntrySummary};
use keypost_core::generator::{
    PassphraseSpec, PasswordSpec, generate_passphrase, generate_password,
};
use keypost_core::interchange;
use keypost_core::interchange::csv::{CsvExportOptions, CsvFormat};
use keypost_core::interchange::print::PrintOptions;
use keypost_core::interchange::transfer::{self, ExportKind, ExportScope};
use keypost_core::vault::{KdfParams, Vault};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

pub fn remove(session: &Session, ids: &[String]) -> Result<(), CliError> {
    let mut vault = session.unlock()?;
    let ids = parse_ids(ids)?;
    let outcome = vault.entries_mut().bulk_edit(&ids, &BulkEdit::Delete)?;
    eprintln!("{}", outcome.description);
    Ok(())
}

pub fn search(session: &Session, query: String, json: bool) -> Result<(), CliError> {
    let vault = session.unlock()?;
    let entries = vault.entries().list(&EntryQuery {
        text: Some(query),
        ..EntryQuery::default()
    })?;
    print_summaries(&entries, json)
}

pub fn undo(session: &Session) -> Result<(), CliError> {
    let mut vault = session.unlock()?;
    match vault.entries_mut().undo()? {
        Some(change) => eprintln!("undone: {}", change.description),
        None => return Err(CliError::NothingToUndo),
    }
    Ok(())
}

pub fn passwd(session: &Session) -> Result<(), CliError> {
    let (mut vault, current_password) = session.unlock_keeping_password()?;
    let new_password = session.secrets().replacement_password()?;
    vault.change_master_password(&current_password, &new_password)?;
    eprintln!("master password changed");
    Ok(())
}

pub fn init(session: &Session, args: InitArgs) -> Result<(), CliError> {
    let kdf = KdfParams {
        memory_kib: args.kdf_memory.saturating_mul(1024),
        iterations: args.kdf_iterations,
        parallelism: args.kdf_parallelism,
    };
    let password = session
        .secrets()
        .new_master_password("New master password: ")?;
    Vault::create(session.path(), &password, kdf)?;
    eprintln!("created vault at {}", session.path().display());
    Ok(())
}

/// The password the person gave or asked to generate; `None` when neither.
fn chosen_password(args: PasswordArgs) -> Result<Option<String>, CliError> {
    if args.generate {
        Ok(Some(generate_password(&PasswordSpec::default())?))
    } else {
        Ok(args.password)
    }
}

pub fn add(session: &Session, args: AddArgs) -> Result<(), CliError> {
    let fields = keypost_core::entry_fields! {
        title: args.title,
        username: args.username,
        password: chosen_password(args.password)?.unwrap_or_default(),
        urls: args.urls,
        notes: args.notes,
        tags: args.tags,
        folder: args.folder,
        favourite: args.favourite,
    };
    let mut vault = session.unlock()?;
    let entry = vault.entries_mut().add(fields)?;
    if args.json {
        print_json(&EntrySummary::from(&entry))
    } else {
        println!("{}", entry.id);
        Ok(())
    }
}

pub fn edit(session: &Session, args: EditArgs) -> Result<(), CliError> {
    let id = parse_id(&args.id)?;
    let mut vault = session.unlock()?;
    let mut fields = vault.entries().get(id)?.fields.clone();
    if let Some(title) = args.title {
        fields.title = title;
    }
    if let Some(username) = args.username {
        fields.username = username;
    }
    if let Some(password) = chosen_password(args.password)? {
        fields.password = password;
    }
    if !args.urls.is_empty() {
        fields.urls = args.urls;
    }
    if let Some(notes) = args.notes {
        fields.notes = notes;
    }
    fields.tags.retain(|tag| !args.remove_tags.contains(tag));
    for tag in args.add_tags {
        if !fields.tags.contains(&tag) {
            fields.tags.push(tag);
        }
    }
    if let Some(folder) = args.folder {
        fields.folder = folder;
    }
    if let Some(favourite) = args.favourite {
        fields.favourite = favourite;
    }
    vault.entries_mut().update(id, fields)?;
    eprintln!("updated {id}");
    Ok(())
}

pub fn list(session: &Session, args: ListArgs) -> Result<(), CliError> {
    let vault = session.unlock()?;
    let entries = vault.entries().list(&EntryQuery {
        text: None,
        tag: args.tag,
        favourites_only: args.favourites,
    })?;
    print_summaries(&entries, args.json)
}

/// `show` output: the password only when revealed.
#[derive(Serialize)]
struct ShownEntry<'a> {
    #[serde(flatten)]
    summary: EntrySummary,
    notes: &'a str,
    custom_fields: Vec<ShownField<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    totp: Option<&'a str>,
    #[serde(with = "time::serde::rfc3339")]
    created: time::OffsetDateTime,
    password_history_count: usize,
}

#[derive(Serialize)]
struct ShownField<'a> {
    name: &'a str,
    value: &'a str,
    hidden: bool,
}

const HIDDEN: &str = "••••••••";

pub fn show(session: &Session, id: &str, reveal: bool, json: bool) -> Result<(), CliError> {
    let id = parse_id(id)?;
    let vault = session.unlock()?;
    let entry = vault.entries().get(id)?;
    let fields = &entry.fields;
    let shown = ShownEntry {
        summary: EntrySummary::from(&entry),
        notes: &fields.notes,
        custom_fields: fields
            .custom_fields
            .iter()
            .map(|field| ShownField {
                name: &field.name,
                value: if field.hidden && !reveal {
                    HIDDEN
                } else {
                    &field.value
                },
                hidden: field.hidden,
            })
            .collect(),
        password: reveal.then_some(fields.password.as_str()),
        totp: (reveal && !fields.totp.is_empty()).then_some(fields.totp.as_str()),
        created: entry.created,
        password_history_count: entry.password_history.len(),
    };
    if json {
        return print_json(&shown);
    }
    let mut out = std::io::stdout().lock();
    let password = if reveal {
        fields.password.as_str()
    } else {
        HIDDEN
    };
    let lines = [
        ("id", entry.id.to_string()),
        ("title", fields.title.clone()),
        ("username", fields.username.clone()),
        ("password", password.to_owned()),
        ("urls", fields.urls.join(" ")),
        ("tags", fields.tags.join(", ")),
        ("folder", fields.folder.clone()),
        (
            "favourite",
            if fields.favourite { "yes" } else { "no" }.to_owned(),
        ),
        ("modified", entry.modified.to_string()),
    ];
    for (name, value) in lines {
        writeln!(out, "{name:>10}: {value}").map_err(stdout_error)?;
    }
    for field in &shown.custom_fields {
        writeln!(out, "{:>10}: {}", field.name, field.value).map_err(stdout_error)?;
    }
    if !fields.notes.is_empty() {
        writeln!(out, "{:>10}:\n{}", "notes", fields.notes).map_err(stdout_error)?;
    }
    Ok(())
}

pub fn copy(
    session: &Session,
    id: &str,
    field: CopyField,
    clear_after: u64,
) -> Result<(), CliError> {
    let id = parse_id(id)?;
    let value = {
        let vault = session.unlock()?;
        let entry = vault.entries().get(id)?;
        Zeroizing::new(match field {
            CopyField::Password => entry.fields.password.clone(),
            CopyField::Username => entry.fields.username.clone(),
            CopyField::Url => entry.fields.urls.first().cloned().unwrap_or_default(),
        })
    };
    let mut clipboard = arboard::Clipboard::new().map_err(clipboard_error)?;
    clipboard
        .set_text(value.as_str())
        .map_err(clipboard_error)?;
    eprintln!("copied; the clipboard is cleared in {clear_after} s (keep this command running)");
    std::thread::sleep(std::time::Duration::from_secs(clear_after));
    // Clear only if the clipboard still holds our value: the user may have copied since.
    if clipboard.get_text().is_ok_and(|text| text == *value) {
        clipboard.clear().map_err(clipboard_error)?;
        eprintln!("clipboard cleared");
    }
    Ok(())
}

pub fn generate(args: GenerateArgs) -> Result<(), CliError> {
    let generated = match args.words {
        Some(words) => generate_passphrase(&PassphraseSpec {
            words,
            separator: args.separator,
            ..PassphraseSpec::default()
        })?,
        None => generate_password(&PasswordSpec {
            length: args.length,
            lowercase: !args.no_lowercase,
            uppercase: !args.no_uppercase,
            digits: !args.no_digits,
            symbols: !args.no_symbols,
            avoid_ambiguous: args.avoid_ambiguous,
        })?,
    };
    println!("{generated}");
    Ok(())
}

pub fn bulk(session: &Session, action: BulkAction) -> Result<(), CliError> {
    let (edits, selection, dry_run) = match action {
        BulkAction::Tag {
            add,
            remove,
            selection,
            dry_run,
        } => {
            let mut edits = Vec::new();
            if !add.is_empty() {
                edits.push(BulkEdit::AddTags(add));
            }
            if !remove.is_empty() {
                edits.push(BulkEdit::RemoveTags(remove));
            }
            (edits, selection, dry_run)
        }
        BulkAction::Set {
            username,
            url,
            folder,
            favourite,
            selection,
            dry_run,
        } => {
            let edits = [
                username.map(BulkEdit::SetUsername),
                url.map(BulkEdit::SetUrl),
                folder.map(BulkEdit::SetFolder),
                favourite.map(BulkEdit::SetFavourite),
            ]
            .into_iter()
            .flatten()
            .collect();
            (edits, selection, dry_run)
        }
        BulkAction::Append {
            notes,
            selection,
            dry_run,
        } => (vec![BulkEdit::AppendNotes(notes)], selection, dry_run),
        BulkAction::Delete { selection, dry_run } => (vec![BulkEdit::Delete], selection, dry_run),
    };
    if edits.is_empty() {
        return Err(CliError::Input("say what to change (see --help)".into()));
    }
    if selection.search.is_none() && selection.ids.is_empty() {
        return Err(CliError::Input(
            "select entries with --search QUERY or by id".into(),
        ));
    }
    let mut vault = session.unlock()?;
    let ids = select(&vault, &selection)?;
    for edit in &edits {
        let outcome: BulkOutcome = if dry_run {
            vault.entries().preview_bulk_edit(&ids, edit)?
        } else {
            vault.entries_mut().bulk_edit(&ids, edit)?
        };
        let verb = if dry_run { "would change" } else { "changed" };
        eprintln!(
            "{}: {verb} {} of {} selected entries",
            outcome.description, outcome.changed, outcome.selected
        );
    }
    Ok(())
}

pub fn import(session: &Session, args: ImportArgs) -> Result<(), CliError> {
    let format = args.format.map(csv_format).transpose()?;
    let shown = bar_wanted(args.json);
    // A dry run lists every entry, so it keeps them all; an import keeps only the count.
    let sample = if args.dry_run { usize::MAX } else { 0 };
    let scan = with_progress("Reading", Unit::Bytes, shown, |progress| {
        transfer::preview_file(&args.file, format, sample, progress)
    })?;
    eprintln!(
        "{}: {} entries readable as {}",
        args.file.display(),
        scan.entries,
        scan.format.display_name()
    );
    for problem in &scan.problems {
        eprintln!("  line {}: {} (skipped)", problem.line, problem.message);
    }
    if args.dry_run {
        for (entry, _) in &scan.sample {
            eprintln!("  + {} ({})", entry.title, entry.username);
        }
        return Ok(());
    }
    if interactive() && !args.yes && !confirm(&format!("Import {} entries?", scan.entries))? {
        return Err(CliError::Cancelled);
    }
    let mut vault = session.unlock()?;
    let added = with_progress("Importing", Unit::Entries, shown, |progress| {
        transfer::import_file(vault.entries_mut(), &args.file, &scan, progress)
    })?;
    if args.json {
        print_json(&serde_json::json!({
            "imported": added,
            "format": scan.format,
            "skipped_rows": scan.skipped_rows,
            "problems": scan.problems,
        }))?;
    }
    if added == 0 {
        eprintln!("nothing imported: the file has no entry that can be read");
    } else {
        eprintln!("imported {added} entries (undo with `keypost undo`)");
    }
    Ok(())
}

pub fn export(session: &Session, args: ExportArgs) -> Result<(), CliError> {
    let vault = session.unlock()?;
    let scope = if args.selection.search.is_none() && args.selection.ids.is_empty() {
        ExportScope::All
    } else {
        ExportScope::Ids(select(&vault, &args.selection)?)
    };
    let kind = match args.format {
        FormatArg::Pdf => ExportKind::Pdf(PrintOptions::default()),
        csv => ExportKind::Csv {
            format: csv_format(csv)?,
            options: CsvExportOptions {
                spreadsheet_safe: args.spreadsheet_safe,
            },
        },
    };
    let count = with_progress(
        "Exporting",
        Unit::Entries,
        bar_wanted(args.json),
        |progress| transfer::export_to_file(vault.entries(), scope, &kind, &args.output, progress),
    )?;
    if args.json {
        print_json(&serde_json::json!({
            "exported": count,
            "path": args.output,
        }))?;
    }
    eprintln!(
        "exported {count} entries to {} — it is not encrypted: delete it when done",
        args.output.display()
    );
    Ok(())
}

pub fn csv_format(format: FormatArg) -> Result<CsvFormat, CliError> {
    match format {
        FormatArg::Csv(format) => Ok(format),
        FormatArg::Pdf => Err(CliError::Input("pdf is an export format, not a CSV".into())),
    }
}

/// The entries a bulk action or export applies to: a search, or ids that must all exist.
fn select(vault: &Vault, selection: &Selection) -> Result<Vec<EntryId>, CliError> {
    match &selection.search {
        Some(query) => {
            // Keys, then ids: the list rows (URLs and tags parsed from JSON) of 10,000 hits
            // were an eighth of a 10,000-entry bulk tag.
            let entries = vault.entries();
            let keys = entries.list_keys(&EntryQuery {
                text: Some(query.clone()),
                ..EntryQuery::default()
            })?;
            Ok(entries.ids_at(&keys)?)
        }
        None => {
            let ids = parse_ids(&selection.ids)?;
            // Every id must exist before anything is written.
            vault.entries().require_all(&ids)?;
            Ok(ids)
        }
    }
}

fn parse_id(text: &str) -> Result<EntryId, CliError> {
    text.parse()
        .map_err(|_| CliError::Input(format!("{text:?} is not an entry id")))
}

pub fn parse_ids(texts: &[String]) -> Result<Vec<EntryId>, CliError> {
    texts.iter().map(|text| parse_id(text)).collect()
}

fn print_summaries(entries: &[EntrySummary], json: bool) -> Result<(), CliError> {
    if json {
        return print_json(entries);
    }
    let mut out = std::io::stdout().lock();
    for entry in entries {
        writeln!(
            out,
            "{}  {}  {}  {}",
            entry.id,
            entry.title,
            entry.username,
            entry.urls.first().map(String::as_str).unwrap_or("")
        )
        .map_err(stdout_error)?;
    }
    Ok(())
}

pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(|error| CliError::Io(format!("cannot write JSON: {error}")))?;
    writeln!(out).map_err(stdout_error)
}

/// Writes an export readable by its owner only (it holds passwords in the clear).
pub fn write_private_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    interchange::write_private_file(path, bytes)
        .map_err(|error| CliError::Io(format!("cannot write {}: {error}", path.display())))
}

pub fn confirm(question: &str) -> Result<bool, CliError> {
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|error| CliError::Io(format!("cannot read the answer: {error}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn stdout_error(error: std::io::Error) -> CliError {
    CliError::Io(format!("cannot write to standard output: {error}"))
}

fn clipboard_error(error: arboard::Error) -> CliError {
    CliError::Io(format!("clipboard: {error}"))
}
