//! Bulk edit: one change applied to a selection of entries in one transaction and one undo
//! step. A preview computes exactly the same plan without writing.

use super::query::clean_tags;
use super::rows::{EDITABLE_COLUMNS, editable_from_row, id_set, ids_json, update_editable_all};
use super::undo::ChangeLog;
use super::{Entries, EntriesMut, ListKey, Result};

/// Column of the row key after the id and [`EDITABLE_COLUMNS`] in the plan's read.
const EDITABLE_ROWID: usize = 8;
use crate::entry::{EntryFields, EntryId};
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

/// The edited fields (for delete, the original ones) of each selected entry that changes,
/// with its row.
struct Plan {
    outcome: BulkOutcome,
    changed: Vec<(ListKey, EntryFields)>,
    modified: OffsetDateTime,
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
    ///
    /// Set operations, so the cost is the batch's, not a round trip per entry: one read of the
    /// selection (without secrets), one statement copying the before-images into the undo log,
    /// then one statement deleting, or one statement per 2,000 changed entries writing them.
    pub fn bulk_edit(&mut self, ids: &[EntryId], edit: &BulkEdit) -> Result<BulkOutcome> {
        let plan = plan(self.read(), ids, edit)?;
        if plan.changed.is_empty() {
            return Ok(plan.outcome);
        }
        let tx = self.conn.transaction()?;
        let mut log = ChangeLog::begin(&tx, &plan.outcome.description)?;
        log.capture_existing(&tx, &plan.outcome.changed_ids)?;
        if matches!(edit, BulkEdit::Delete) {
            tx.execute(
                &format!("DELETE FROM entries WHERE id IN ({})", id_set(1)),
                [ids_json(&plan.outcome.changed_ids)],
            )?;
        } else {
            update_editable_all(&tx, &plan.changed, plan.modified)?;
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

/// Reads the selection in one statement, in the order given, and applies the edit in memory.
fn plan(entries: Entries<'_>, ids: &[EntryId], edit: &BulkEdit) -> Result<Plan> {
    let edit = clean_edit(edit)?;
    let mut seen = HashSet::with_capacity(ids.len());
    let distinct: Vec<EntryId> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
    // CROSS JOIN keeps the id list outside: each id is one lookup in the `id` index.
    let mut statement = entries.conn.prepare_cached(&format!(
        "SELECT entries.id, {EDITABLE_COLUMNS}, entries.rowid
         FROM json_each(?1) AS selected CROSS JOIN entries ON entries.id = unhex(selected.value)
         ORDER BY selected.key"
    ))?;
    let rows = statement.query_map([ids_json(&distinct)], |row| {
        Ok(editable_from_row(row).map(|(id, fields)| (id, fields, row.get(EDITABLE_ROWID))))
    })?;
    let mut found = 0;
    let mut changed = Vec::new();
    let mut changed_ids = Vec::new();
    for row in rows {
        let (id, mut fields, rowid) = row??;
        found += 1;
        if apply(&mut fields, &edit) {
            changed.push((ListKey(rowid?), fields));
            changed_ids.push(id);
        }
    }
    if found < distinct.len() {
        entries.require_all(&distinct)?;
    }
    let outcome = BulkOutcome {
        description: describe(&edit, changed.len()),
        selected: distinct.len(),
        changed: changed.len(),
        changed_ids,
    };
    Ok(Plan {
        outcome,
        changed,
        modified: OffsetDateTime::now_utc(),
    })
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
fn apply(fields: &mut EntryFields, edit: &BulkEdit) -> bool {
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
