//! The change log. Every mutation writes, in its own transaction, one `changes` row and the
//! before-image of each entry it touches into `change_rows`; undo puts the before-images back.
//! The log lives in the encrypted database, so undo works after a restart.

use super::rows::{id_set, ids_json};
use super::{Entries, EntriesMut, Result};
use crate::entry::EntryId;
use crate::store::{from_nanos, to_nanos};
use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// How many changes stay undoable; older ones are dropped when a new one is recorded.
pub const UNDO_LIMIT: i64 = 50;
/// Before-images of dropped changes deleted per later write. A dropped import of a million
/// entries leaves a million rows; deleting them all in the write that drops it cost that write
/// hundreds of milliseconds, a bounded batch per write costs about a millisecond.
const DROPPED_ROWS_PER_WRITE: i64 = 1_000;

/// One undoable change, as the history list shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub time: OffsetDateTime,
    pub entry_count: usize,
}

/// What [`EntriesMut::undo`] reverted.
pub type UndoneChange = ChangeRecord;

/// An open change: rows captured so far belong to it.
pub struct ChangeLog {
    change_id: i64,
    captured: usize,
}

impl ChangeLog {
    /// Starts a change inside `tx`. Its id is above every id still in `change_rows`, so
    /// before-images of dropped changes not yet deleted never attach to it.
    pub fn begin(tx: &Transaction<'_>, description: &str) -> Result<Self> {
        let mut statement = tx.prepare_cached(
            "INSERT INTO changes (id, description, at, entry_count)
             VALUES (1 + max(coalesce((SELECT max(id) FROM changes), 0),
                             coalesce((SELECT max(change_id) FROM change_rows), 0)),
                     ?1, ?2, 0)",
        )?;
        statement.execute(params![description, to_nanos(OffsetDateTime::now_utc())?])?;
        Ok(Self {
            change_id: tx.last_insert_rowid(),
            captured: 0,
        })
    }

    /// Saves the current rows of existing entries before they are changed or deleted: one
    /// statement for the whole batch. Fails with the first id that is not in the vault.
    pub fn capture_existing(&mut self, tx: &Transaction<'_>, ids: &[EntryId]) -> Result<()> {
        let mut statement = tx.prepare_cached(&format!(
            "INSERT INTO change_rows (change_id, entry_id, existed, title, username, urls, tags,
                                      folder, favourite, created, modified, search, notes, secret,
                                      tag_search)
             SELECT ?1, id, 1, title, username, urls, tags, folder, favourite, created, modified,
                    search, notes, secret, tag_search
             FROM entries WHERE id IN ({})",
            id_set(2)
        ))?;
        let captured = statement.execute(params![self.change_id, ids_json(ids)])?;
        if captured < ids.len() {
            Entries::new(tx).require_all(ids)?;
        }
        self.captured += captured;
        Ok(())
    }

    /// Notes that the change creates the entries `ids`, so undo deletes them: one statement
    /// for the whole batch.
    pub fn capture_new(&mut self, tx: &Transaction<'_>, ids: &[EntryId]) -> Result<()> {
        let mut statement = tx.prepare_cached(&format!(
            "INSERT INTO change_rows (change_id, entry_id, existed)
             SELECT ?1, id, 0 FROM ({})",
            id_set(2)
        ))?;
        self.captured += statement.execute(params![self.change_id, ids_json(ids)])?;
        Ok(())
    }

    /// Records the entry count and drops changes beyond [`UNDO_LIMIT`]; call before commit.
    /// A dropped change is gone from the history at once; its before-images go
    /// [`DROPPED_ROWS_PER_WRITE`] at a time, oldest first, with this and later writes.
    pub fn finish(self, tx: &Transaction<'_>) -> Result<()> {
        let count = i64::try_from(self.captured).unwrap_or(i64::MAX);
        tx.execute(
            "UPDATE changes SET entry_count = ?1 WHERE id = ?2",
            params![count, self.change_id],
        )?;
        tx.execute(
            "DELETE FROM changes WHERE id NOT IN
                 (SELECT id FROM changes ORDER BY id DESC LIMIT ?1)",
            params![UNDO_LIMIT],
        )?;
        tx.execute(
            "DELETE FROM change_rows WHERE rowid IN
                 (SELECT rowid FROM change_rows
                  WHERE change_id < (SELECT min(id) FROM changes)
                  ORDER BY change_id LIMIT ?1)",
            params![DROPPED_ROWS_PER_WRITE],
        )?;
        Ok(())
    }
}

impl EntriesMut<'_> {
    /// Reverts the newest change, or returns `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<UndoneChange>> {
        let tx = self.conn.transaction()?;
        let Some(record) = newest_changes(&tx, 1)?.into_iter().next() else {
            return Ok(None);
        };
        // Set operations, so an entry the change only edited keeps its row (and rowid), and
        // each search index is touched only where its text differs.
        tx.execute(
            "DELETE FROM entries WHERE id IN
                 (SELECT entry_id FROM change_rows WHERE change_id = ?1 AND existed = 0)",
            params![record.id],
        )?;
        // The title is put back only where the change altered it: SQLite rewrites an entry's
        // place in the title index whenever an UPDATE sets `title`, even to the same value,
        // and 10,000 entries spread over a million touch most of that index's pages.
        for (set_title, title_differs) in [("", "IS"), (", title = before.title", "IS NOT")] {
            tx.execute(
                &format!(
                    "UPDATE entries SET
                         username = before.username, urls = before.urls, tags = before.tags,
                         folder = before.folder, favourite = before.favourite,
                         created = before.created, modified = before.modified,
                         search = before.search, notes = before.notes, secret = before.secret,
                         tag_search = before.tag_search{set_title}
                     FROM change_rows AS before
                     WHERE before.change_id = ?1 AND before.existed = 1
                       AND entries.id = before.entry_id AND entries.title {title_differs} before.title"
                ),
                params![record.id],
            )?;
        }
        tx.execute(
            "INSERT INTO entries (id, title, username, urls, tags, folder, favourite, created,
                                  modified, search, notes, secret, tag_search)
             SELECT entry_id, title, username, urls, tags, folder, favourite, created, modified,
                    search, notes, secret, tag_search
             FROM change_rows AS before
             WHERE change_id = ?1 AND existed = 1
               AND NOT EXISTS (SELECT 1 FROM entries WHERE id = before.entry_id)",
            params![record.id],
        )?;
        tx.execute(
            "DELETE FROM change_rows WHERE change_id = ?1",
            params![record.id],
        )?;
        tx.execute("DELETE FROM changes WHERE id = ?1", params![record.id])?;
        tx.commit()?;
        Ok(Some(record))
    }
}

impl Entries<'_> {
    /// The undoable changes, newest first (at most [`UNDO_LIMIT`]).
    pub fn undo_history(&self) -> Result<Vec<ChangeRecord>> {
        newest_changes(self.conn, UNDO_LIMIT)
    }
}

fn newest_changes(conn: &rusqlite::Connection, limit: i64) -> Result<Vec<ChangeRecord>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, description, at, entry_count FROM changes ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = statement.query_map([limit], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, i64>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, description, at, count) = row?;
        out.push(ChangeRecord {
            id,
            description,
            time: from_nanos(at)?,
            entry_count: usize::try_from(count).unwrap_or(0),
        });
    }
    Ok(out)
}
