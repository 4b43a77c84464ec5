//! Bulk edit: one change applied to a selection of entries in one transaction and one undo
//! step. A preview computes exactly the same plan without writing.

use super::query::clean_tags;
use super::rows::{UPSERT_SQL, id_param, upsert};
use super::undo::ChangeLog;
use super::{Entries, EntriesMut, Result};
use crate::entry::{Entry, EntryId};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use time::OffsetDateTime;

/// One change to apply to every selected entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", content = "value", rename_all = "snake_case")]
pub enum BulkEdit {
    AddTags(Vec<String>),
    RemoveTags(Vec<String>),
    SetUsername(String),
    /// Replaces the main (first) URL and keeps the others; an empty string removes it.
    SetUrl(String),
    SetFolder(String),
    /// Appends a line to the notes (separated by a newline when notes are not empty).
    AppendNotes(String),
    SetFavourite(bool),
    Delete,
}

/// What a bulk edit did, or would do for a preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    /// Human summary, also the undo history's description.
    pub description: String,
    /// Distinct entries selected.
    pub selected: usize,
    /// Entries the edit changes (the others already had the result).
    pub changed: usize,
    pub changed_ids: Vec<EntryId>,
}

/// An edited (or, for delete, the original) entry per selected entry that changes.
struct Plan {
    outcome: BulkOutcome,
    changed: Vec<Entry>,
}

impl Entries<'_> {
    /// Computes what [`EntriesMut::bulk_edit`] would change, without writing (for `--dry-run`
    /// and the UI).
    pub fn preview_bulk_edit(&self, ids: &[EntryId], edit: &BulkEdit) -> Result<BulkOutcome> {
        Ok(plan(*self, ids, edit)?.outcome)
    }
}

impl EntriesMut<'_> {
    /// Applies `edit` to every entry in `ids` (unknown ids fail the whole edit).
    pub fn bulk_edit(&mut self, ids: &[EntryId], edit: &BulkEdit) -> Result<BulkOutcome> {
        let plan = plan(self.read(), ids, edit)?;
        if plan.changed.is_empty() {
            return Ok(plan.outcome);
        }
        let tx = self.conn.transaction()?;
        let mut log = ChangeLog::begin(&tx, &plan.outcome.description)?;
        {
            let mut write = tx.prepare_cached(UPSERT_SQL)?;
            let mut delete = tx.prepare_cached("DELETE FROM entries WHERE id = ?1")?;
            for entry in &plan.changed {
                log.capture_existing(&tx, &entry.id)?;
                if matches!(edit, BulkEdit::Delete) {
                    delete.execute([id_param(&entry.id)])?;
                } else {
                    upsert(&mut write, entry)?;
                }
            }
        }
        log.finish(&tx)?;
        tx.commit()?;
        Ok(plan.outcome)
    }

    /// Deletes one entry (a bulk delete of one; one undo step).
    pub fn delete(&mut self, id: EntryId) -> Result<BulkOutcome> {
        self.bulk_edit(&[id], &BulkEdit::Delete)
    }
}

fn plan(entries: Entries<'_>, ids: &[EntryId], edit: &BulkEdit) -> Result<Plan> {
    let edit = clean_edit(edit)?;
    let mut seen = HashSet::with_capacity(ids.len());
    let now = OffsetDateTime::now_utc();
    let mut changed = Vec::new();
    for id in ids {
        if !seen.insert(*id) {
            continue;
        }
        let mut entry = entries.get(*id)?;
        if apply(&mut entry, &edit) {
            entry.modified = now;
            changed.push(entry);
        }
    }
    let outcome = BulkOutcome {
        description: describe(&edit, changed.len()),
        selected: seen.len(),
        changed: changed.len(),
        changed_ids: changed.iter().map(|entry| entry.id).collect(),
    };
    Ok(Plan { outcome, changed })
}

/// Tags are cleaned the same way as on add, so "work " and "work" are one tag.
fn clean_edit(edit: &BulkEdit) -> Result<BulkEdit> {
    Ok(match edit {
        BulkEdit::AddTags(tags) => BulkEdit::AddTags(clean_tags(tags.clone())?),
        BulkEdit::RemoveTags(tags) => BulkEdit::RemoveTags(clean_tags(tags.clone())?),
        BulkEdit::SetUrl(url) => BulkEdit::SetUrl(url.trim().to_owned()),
        other => other.clone(),
    })
}

/// Applies the edit in memory; returns whether anything changed.
fn apply(entry: &mut Entry, edit: &BulkEdit) -> bool {
    let fields = &mut entry.fields;
    match edit {
        BulkEdit::AddTags(tags) => {
            let before = fields.tags.len();
            for tag in tags {
                if !fields.tags.contains(tag) {
                    fields.tags.push(tag.clone());
                }
            }
            fields.tags.len() != before
        }
        BulkEdit::RemoveTags(tags) => {
            let before = fields.tags.len();
            fields.tags.retain(|tag| !tags.contains(tag));
            fields.tags.len() != before
        }
        BulkEdit::SetUsername(username) => replace(&mut fields.username, username),
        BulkEdit::SetFolder(folder) => replace(&mut fields.folder, folder),
        BulkEdit::SetUrl(url) => {
            let before = fields.urls.clone();
            if !fields.urls.is_empty() {
                fields.urls.remove(0);
            }
            fields.urls.retain(|other| other != url);
            if !url.is_empty() {
                fields.urls.insert(0, url.clone());
            }
            fields.urls != before
        }
        BulkEdit::AppendNotes(text) => {
            if text.is_empty() {
                return false;
            }
            if !fields.notes.is_empty() {
                fields.notes.push('\n');
            }
            fields.notes.push_str(text);
            true
        }
        BulkEdit::SetFavourite(favourite) => {
            let changed = fields.favourite != *favourite;
            fields.favourite = *favourite;
            changed
        }
        BulkEdit::Delete => true,
    }
}

fn replace(target: &mut String, value: &str) -> bool {
    if target == value {
        return false;
    }
    value.clone_into(target);
    true
}

fn describe(edit: &BulkEdit, count: usize) -> String {
    let entries = if count == 1 { "entry" } else { "entries" };
    let quoted = |values: &[String]| {
        values
            .iter()
            .map(|value| format!("\u{201c}{value}\u{201d}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match edit {
        BulkEdit::AddTags(tags) => format!("Add tag {} to {count} {entries}", quoted(tags)),
        BulkEdit::RemoveTags(tags) => {
            format!("Remove tag {} from {count} {entries}", quoted(tags))
        }
        BulkEdit::SetUsername(value) => {
            format!("Set username to \u{201c}{value}\u{201d} on {count} {entries}")
        }
        BulkEdit::SetUrl(value) => {
            format!("Set URL to \u{201c}{value}\u{201d} on {count} {entries}")
        }
        BulkEdit::SetFolder(value) => {
            format!("Move {count} {entries} to folder \u{201c}{value}\u{201d}")
        }
        BulkEdit::AppendNotes(_) => format!("Append to notes of {count} {entries}"),
        BulkEdit::SetFavourite(true) => format!("Mark {count} {entries} as favourite"),
        BulkEdit::SetFavourite(false) => format!("Unmark {count} {entries} as favourite"),
        BulkEdit::Delete => format!("Delete {count} {entries}"),
    }
}
