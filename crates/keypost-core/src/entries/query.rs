//! Entry operations: add, get, update, list/search, tags, import. Each mutation is one
//! transaction and one undo step.

use super::rows::{
    ENTRY_COLUMNS, ROWS_PER_STATEMENT, SUMMARY_COLUMNS, entry_from_row, id_from_row, id_param,
    summary_from_row, upsert_all,
};
use super::undo::ChangeLog;
use super::{Entries, EntriesError, EntriesMut, Result};
use crate::entry::{Entry, EntryFields, EntryId, EntrySummary, PasswordHistoryItem, SourceStamp};
use rusqlite::{OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use time::OffsetDateTime;

/// The trigram tokenizer indexes runs of three characters: shorter text cannot use the index.
const TRIGRAM_LENGTH: usize = 3;

/// The trigram index query for `text`: every trigram of it (runs of three characters, as the
/// tokenizer cuts them), each an FTS5 string (double quotes doubled), joined by FTS5's
/// implicit AND; each trigram once. `None` when the text has no trigram to look up.
///
/// A trigram holding a NUL character is left out: FTS5 reads its query as a C string, so the
/// NUL would end it ("unterminated string"). Leaving a trigram out only widens the candidates,
/// which `instr` then confirms.
fn fts_query(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut seen = std::collections::HashSet::new();
    let trigrams: Vec<String> = chars
        .windows(TRIGRAM_LENGTH)
        .filter(|window| !window.contains(&'\0'))
        .map(|window| window.iter().collect::<String>())
        .filter(|trigram| seen.insert(trigram.clone()))
        .map(|trigram| format!("\"{}\"", trigram.replace('"', "\"\"")))
        .collect();
    (!trigrams.is_empty()).then(|| trigrams.join(" "))
}

/// The query's text as searched: trimmed and lowercased (the search texts are lowercase).
fn query_text(query: &EntryQuery) -> Option<String> {
    query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_lowercase)
}

/// Below this many candidates in the trigram indexes, [`Entries::first_rows`] reads the whole
/// result at once: confirming 10,000 candidates and ordering them takes about 30 ms at a
/// million entries. A text with more candidates than that is common enough that its first
/// 100 matches in list order come within about 10,000 entries of a million (a walk of a few
/// milliseconds), unless most candidates hold its trigrams but not the text itself.
const FEW_CANDIDATES: i64 = 10_000;

/// SQLite virtual machine steps between two looks at a search's [`SearchStop`]: well under a
/// millisecond of work.
const STOP_CHECK_EVERY: std::ffi::c_int = 1_000;

/// How [`Entries::matching`] reads: the whole result, or the first rows in list order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    Whole,
    FirstInListOrder(usize),
}

/// Set from another thread to end a running search with [`EntriesError::SearchStopped`]: the
/// app stops a search the person has typed past, so the next one does not wait behind it.
#[derive(Clone, Debug, Default)]
pub struct SearchStop(std::sync::Arc<AtomicBool>);

impl SearchStop {
    pub fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// What a list shows first (from [`Entries::first_rows`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirstRows {
    /// The result as far as it is read: its first keys in list order, or all of them.
    pub keys: Vec<ListKey>,
    /// Whether `keys` is the whole result.
    pub complete: bool,
    /// The list rows of the first `window` keys.
    pub rows: Vec<EntrySummary>,
}

/// An entry's row in the list (its rowid): a result set kept as keys costs 8 bytes per entry,
/// and a window of it is read with [`Entries::summaries_at`]. A key read before a write shows
/// the row as it is now: an edited entry with its new fields, a deleted one not at all (the
/// app searches again after every write it makes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListKey(pub(super) i64);

/// The keys bound as `?1` (see [`keys_json`]) as a table of (`position`, `entry_row`); named
/// apart from `json_each`'s own columns, one of which is `id`.
const LISTED_KEYS: &str = "SELECT key AS position, value AS entry_row FROM json_each(?1)";

/// Keys as one JSON array, a whole window bound as a single parameter.
fn keys_json(keys: &[ListKey]) -> String {
    serde_json::Value::from(keys.iter().map(|key| key.0).collect::<Vec<_>>()).to_string()
}

/// How many previous passwords an entry keeps.
pub const PASSWORD_HISTORY_LIMIT: usize = 50;

/// What the entry list shows. All conditions must hold; an empty query lists everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntryQuery {
    /// Case-insensitive substring of title, username, any URL, any tag or the notes.
    pub text: Option<String>,
    /// Exact tag name.
    pub tag: Option<String>,
    pub favourites_only: bool,
}

/// A tag and how many entries carry it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagCount {
    pub tag: String,
    pub count: usize,
}

impl Entries<'_> {
    pub fn get(&self, id: EntryId) -> Result<Entry> {
        self.find(&id)?.ok_or(EntriesError::NotFound(id))
    }

    fn find(&self, id: &EntryId) -> Result<Option<Entry>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE id = ?1"
        ))?;
        let found = statement
            .query_row([id_param(id)], |row| Ok(entry_from_row(row)))
            .optional()?;
        found.transpose()
    }

    /// Whether an entry with this id is in the vault (nothing is decrypted).
    pub fn contains(&self, id: EntryId) -> Result<bool> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT 1 FROM entries WHERE id = ?1")?;
        Ok(statement.exists([id_param(&id)])?)
    }

    /// Fails with the first of `ids` that is not in the vault (nothing is decrypted).
    pub fn require_all(&self, ids: &[EntryId]) -> Result<()> {
        for id in ids {
            if !self.contains(*id)? {
                return Err(EntriesError::NotFound(*id));
            }
        }
        Ok(())
    }

    /// The entries with these ids, in the same order; fails on the first unknown id.
    pub fn get_many(&self, ids: &[EntryId]) -> Result<Vec<Entry>> {
        self.stream_ids(ids.to_vec())?.collect()
    }

    /// Every entry, in list order (title, then age).
    pub fn all(&self) -> Result<Vec<Entry>> {
        self.stream_all()?.collect()
    }

    /// Every entry in list order, read one at a time: only the order (one row key per entry)
    /// is held, so an export of a million entries never holds them all.
    pub fn stream_all(&self) -> Result<EntryStream<'_>> {
        let snapshot = self.snapshot()?;
        let keys = self.list_keys(&EntryQuery::default())?;
        Ok(EntryStream {
            entries: *self,
            keys: StreamKeys::Rows(keys.into_iter()),
            _snapshot: snapshot,
        })
    }

    /// The entries with these ids, in this order, read one at a time; an unknown id is an
    /// error when the stream reaches it.
    pub fn stream_ids(&self, ids: Vec<EntryId>) -> Result<EntryStream<'_>> {
        Ok(EntryStream {
            entries: *self,
            keys: StreamKeys::Ids(ids.into_iter()),
            _snapshot: self.snapshot()?,
        })
    }

    /// One read transaction for a stream's many reads, unless one is open already. Outside a
    /// transaction every statement takes and drops the database's locks (a `fcntl` and a
    /// `fstat` each): a third of an export of a million entries. The stream also reads one
    /// state of the vault from its first entry to its last.
    fn snapshot(&self) -> Result<Option<rusqlite::Transaction<'_>>> {
        if !self.conn.is_autocommit() {
            return Ok(None);
        }
        Ok(Some(self.conn.unchecked_transaction()?))
    }

    /// The list view: entries matching `query`, sorted by title, without secrets.
    pub fn list(&self, query: &EntryQuery) -> Result<Vec<EntrySummary>> {
        let summaries = self.matching(query, Reading::Whole, SUMMARY_COLUMNS, |row| {
            Ok(summary_from_row(row))
        })?;
        summaries.into_iter().collect()
    }

    /// The entries matching `query` as keys in list order: what an app keeps of a result of
    /// a million entries (8 bytes each) to read any window of it with [`Self::summaries_at`].
    pub fn list_keys(&self, query: &EntryQuery) -> Result<Vec<ListKey>> {
        self.matching(query, Reading::Whole, "rowid", |row| {
            row.get(0).map(ListKey)
        })
    }

    /// [`Self::list_keys`] for a search that a newer one can make stale: it ends with
    /// [`EntriesError::SearchStopped`] soon after `stop` is set.
    pub fn list_keys_unless_stopped(
        &self,
        query: &EntryQuery,
        stop: &SearchStop,
    ) -> Result<Vec<ListKey>> {
        self.unless_stopped(stop, || self.list_keys(query))
    }

    /// What a list shows first: the first `window` rows of `query` in list order, and its
    /// keys as far as they are read (whether they are the whole result).
    ///
    /// Every key of a common search costs a row read: 222,200 hits of a million entries took
    /// 0.6 s and a three-letter search matching every entry 2.5 s, before the first row could
    /// show. When the trigram index holds few candidates for the text, the whole result is
    /// that cheap and is read at once. Otherwise the entries are read in list order (the
    /// title index) until `window` match, which for a common search is a few hundred rows;
    /// the rest is [`Self::list_keys`]'s, for the app to ask for next. A search that walks
    /// the whole vault finding fewer (a short or rare text, a tag few entries carry) is
    /// whole as it ends.
    pub fn first_rows(
        &self,
        query: &EntryQuery,
        window: usize,
        stop: &SearchStop,
    ) -> Result<FirstRows> {
        let (keys, complete) = self.unless_stopped(stop, || {
            if self.few_candidates(query)? {
                return Ok((self.list_keys(query)?, true));
            }
            let mut keys = self.matching(
                query,
                Reading::FirstInListOrder(window.saturating_add(1)),
                "rowid",
                |row| row.get(0).map(ListKey),
            )?;
            let complete = keys.len() <= window;
            keys.truncate(window);
            Ok((keys, complete))
        })?;
        let rows = self.summaries_at(&keys[..keys.len().min(window)])?;
        Ok(FirstRows {
            keys,
            complete,
            rows,
        })
    }

    /// Whether `query`'s text has trigrams to look up and the trigram indexes hold fewer than
    /// [`FEW_CANDIDATES`] rows with all of them (counted only up to that number: a few
    /// milliseconds for a text every entry holds).
    fn few_candidates(&self, query: &EntryQuery) -> Result<bool> {
        let Some(fts) = query_text(query).and_then(|text| fts_query(&text)) else {
            return Ok(false);
        };
        let mut statement = self.conn.prepare_cached(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM entries_search
                                           WHERE entries_search MATCH ?1 LIMIT ?2))
                  + (SELECT count(*) FROM (SELECT 1 FROM entries_tag_search
                                           WHERE entries_tag_search MATCH ?1 LIMIT ?2))",
        )?;
        let candidates: i64 =
            statement.query_row(rusqlite::params![fts, FEW_CANDIDATES], |row| row.get(0))?;
        Ok(candidates < FEW_CANDIDATES)
    }

    /// Runs `search` with a progress handler that interrupts it once `stop` is set, and
    /// removes the handler after, whatever the outcome.
    fn unless_stopped<T>(
        &self,
        stop: &SearchStop,
        search: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        struct Handler<'c>(&'c rusqlite::Connection);
        impl Drop for Handler<'_> {
            fn drop(&mut self) {
                self.0.progress_handler(0, None::<fn() -> bool>);
            }
        }
        let stopped = std::sync::Arc::clone(&stop.0);
        self.conn.progress_handler(
            STOP_CHECK_EVERY,
            Some(move || stopped.load(Ordering::Relaxed)),
        );
        let _handler = Handler(self.conn);
        search().map_err(|error| match error {
            EntriesError::Database(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == rusqlite::ErrorCode::OperationInterrupted =>
            {
                EntriesError::SearchStopped
            }
            other => other,
        })
    }

    /// The list rows of `keys`, in that order; entries deleted since the keys were read are
    /// left out.
    pub fn summaries_at(&self, keys: &[ListKey]) -> Result<Vec<EntrySummary>> {
        self.at_keys(keys, SUMMARY_COLUMNS, summary_from_row)
    }

    /// The ids of the entries at `keys`, in that order; entries deleted since are left out.
    pub fn ids_at(&self, keys: &[ListKey]) -> Result<Vec<EntryId>> {
        self.at_keys(keys, "entries.id", |row| id_from_row(row, 0))
    }

    /// `columns` of the entries at `keys`, in that order, each row read by `read_row`.
    fn at_keys<T>(
        &self,
        keys: &[ListKey],
        columns: &str,
        read_row: fn(&rusqlite::Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {columns} FROM ({LISTED_KEYS}) AS listed
             CROSS JOIN entries ON entries.rowid = listed.entry_row ORDER BY listed.position"
        ))?;
        let rows = statement.query_map([keys_json(keys)], |row| Ok(read_row(row)))?;
        let mut out = Vec::with_capacity(keys.len());
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }

    /// `columns` of the entries matching `query`, in list order.
    ///
    /// Only the conditions the query has are in the statement, so listing everything reads
    /// the title index alone (schema 9). Read whole, text of three or more characters is
    /// looked up in the trigram indexes of the search text and of the tags (schema 10), which
    /// yield the rows holding every trigram of the text in one of them; `instr` then confirms
    /// each candidate, so the meaning stays exactly "substring of `search` or of
    /// `tag_search`". Shorter text has no trigram and is matched by a scan of both texts, as
    /// is any text when only the first rows in list order are read (see [`Self::first_rows`]).
    fn matching<T>(
        &self,
        query: &EntryQuery,
        reading: Reading,
        columns: &str,
        read_row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut conditions = Vec::new();
        let mut values: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(text) = query_text(query) {
            if let Some(fts) = fts_query(&text).filter(|_| reading == Reading::Whole) {
                values.push(Box::new(fts));
                conditions.push(format!(
                    "rowid IN (SELECT rowid FROM entries_search WHERE entries_search MATCH ?{0}
                               UNION
                               SELECT rowid FROM entries_tag_search
                               WHERE entries_tag_search MATCH ?{0})",
                    values.len()
                ));
            }
            values.push(Box::new(text));
            conditions.push(format!(
                "(instr(search, ?{0}) > 0 OR instr(tag_search, ?{0}) > 0)",
                values.len()
            ));
        }
        if let Some(tag) = &query.tag {
            values.push(Box::new(tag.clone()));
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM json_each(entries.tags) WHERE json_each.value = ?{})",
                values.len()
            ));
        }
        if query.favourites_only {
            conditions.push("favourite = 1".to_owned());
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let (source, limit) = match reading {
            Reading::Whole => ("entries", String::new()),
            Reading::FirstInListOrder(count) => (
                "entries INDEXED BY entries_by_title",
                format!("LIMIT {count}"),
            ),
        };
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {columns} FROM {source} {filter} ORDER BY title COLLATE NOCASE, rowid {limit}"
        ))?;
        let rows = statement.query_map(rusqlite::params_from_iter(values), read_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every tag in use with its number of entries, sorted by name (from the counts the
    /// triggers keep: no entry is read).
    pub fn tags(&self) -> Result<Vec<TagCount>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT tag, entry_count FROM tag_counts WHERE entry_count > 0
             ORDER BY tag COLLATE NOCASE",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(TagCount {
                tag: row.get(0)?,
                count: usize::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Number of entries in the vault.
    pub fn count(&self) -> Result<usize> {
        let count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM entries", [], |row| row.get(0))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }
}

/// Entries read from the vault one at a time (from [`Entries::stream_all`] or
/// [`Entries::stream_ids`]).
pub struct EntryStream<'v> {
    entries: Entries<'v>,
    keys: StreamKeys,
    /// Ends (rolls back, having written nothing) when the stream is dropped.
    _snapshot: Option<rusqlite::Transaction<'v>>,
}

enum StreamKeys {
    Rows(std::vec::IntoIter<ListKey>),
    Ids(std::vec::IntoIter<EntryId>),
}

impl Iterator for EntryStream<'_> {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Result<Entry>> {
        match &mut self.keys {
            StreamKeys::Rows(rows) => {
                let row = rows.next()?;
                Some(self.entries.by_row(row))
            }
            StreamKeys::Ids(ids) => Some(self.entries.get(ids.next()?)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.keys {
            StreamKeys::Rows(rows) => rows.size_hint(),
            StreamKeys::Ids(ids) => ids.size_hint(),
        }
    }
}

impl ExactSizeIterator for EntryStream<'_> {}

impl Entries<'_> {
    fn by_row(&self, ListKey(row): ListKey) -> Result<Entry> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE rowid = ?1"
        ))?;
        let found = statement
            .query_row([row], |row| Ok(entry_from_row(row)))
            .optional()?;
        found.unwrap_or_else(|| {
            Err(EntriesError::Corrupt(format!(
                "entry row {row} went away while it was read"
            )))
        })
    }
}

impl EntriesMut<'_> {
    pub fn add(&mut self, mut fields: EntryFields) -> Result<Entry> {
        normalise(&mut fields)?;
        let now = OffsetDateTime::now_utc();
        let entry = Entry::new(fields, now);
        let tx = self.conn.transaction()?;
        let mut log =
            ChangeLog::begin(&tx, &format!("Add \u{201c}{}\u{201d}", entry.fields.title))?;
        log.capture_new(&tx, &[entry.id])?;
        upsert_all(&tx, std::slice::from_ref(&entry))?;
        log.finish(&tx)?;
        tx.commit()?;
        Ok(entry)
    }

    /// Replaces the fields of an entry. A changed password moves the old one into the
    /// password history. Unchanged fields make no write and no undo step.
    pub fn update(&mut self, id: EntryId, fields: EntryFields) -> Result<Entry> {
        self.replace(id, None, |_| Ok(fields))
    }

    /// [`Self::update`] for an edit made on a copy read earlier (the app's entry window), which
    /// holds the entry's `modified` time as it read it. `edit` makes the new fields from the
    /// stored ones (values the copy never held, such as secrets it did not reveal, are kept
    /// from them). When the stored entry changed since the copy was read (a bulk edit, an
    /// undo), the edit is refused with [`EntriesError::ChangedSince`] and nothing is written:
    /// saving the copy would silently put back the values that change replaced.
    pub fn edit_as_read<E: From<EntriesError>>(
        &mut self,
        id: EntryId,
        read_modified: OffsetDateTime,
        edit: impl FnOnce(&EntryFields) -> std::result::Result<EntryFields, E>,
    ) -> std::result::Result<Entry, E> {
        self.replace(id, Some(read_modified), edit)
    }

    fn replace<E: From<EntriesError>>(
        &mut self,
        id: EntryId,
        read_modified: Option<OffsetDateTime>,
        edit: impl FnOnce(&EntryFields) -> std::result::Result<EntryFields, E>,
    ) -> std::result::Result<Entry, E> {
        let mut entry = self.read().get(id)?;
        if read_modified.is_some_and(|read| read != entry.modified) {
            return Err(EntriesError::ChangedSince(id).into());
        }
        let mut fields = edit(&entry.fields)?;
        normalise(&mut fields)?;
        if entry.fields == fields {
            return Ok(entry);
        }
        let now = OffsetDateTime::now_utc();
        if entry.fields.password != fields.password && !entry.fields.password.is_empty() {
            entry.password_history.insert(
                0,
                PasswordHistoryItem {
                    password: std::mem::take(&mut entry.fields.password),
                    replaced_at: now,
                },
            );
            entry.password_history.truncate(PASSWORD_HISTORY_LIMIT);
        }
        entry.fields = fields;
        entry.modified = now;
        self.write_edit(&entry)?;
        Ok(entry)
    }

    /// Writes an edited entry as one transaction and one undo step.
    fn write_edit(&mut self, entry: &Entry) -> Result<()> {
        let tx = self.conn.transaction()?;
        let mut log =
            ChangeLog::begin(&tx, &format!("Edit \u{201c}{}\u{201d}", entry.fields.title))?;
        log.capture_existing(&tx, &[entry.id])?;
        upsert_all(&tx, std::slice::from_ref(entry))?;
        log.finish(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Adds many entries in one transaction and one undo step; returns their new ids in order.
    pub fn import(&mut self, entries: Vec<EntryFields>) -> Result<Vec<EntryId>> {
        let stamped = entries
            .into_iter()
            .map(|fields| (fields, SourceStamp::default()))
            .collect();
        self.import_stamped(stamped)
    }

    /// [`Self::import`] keeping what the file said about each entry (see [`SourceStamp`]):
    /// its times, and its id when no entry in the vault or earlier in the file has it.
    pub fn import_stamped(
        &mut self,
        entries: Vec<(EntryFields, SourceStamp)>,
    ) -> Result<Vec<EntryId>> {
        let description = format!("Import {} entries", entries.len());
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(entries.len());
        add_stamped_in(
            &tx,
            entries.into_iter().map(Ok::<_, EntriesError>),
            &description,
            |id| ids.push(id),
        )?;
        tx.commit()?;
        Ok(ids)
    }

    /// [`Self::import_stamped`] for entries that arrive one at a time (a file read as it is
    /// imported): one transaction and one undo step however many there are. The first error
    /// from `entries` (a cancel, an unreadable file) rolls everything back. Returns how many
    /// were added; when there were none, nothing is written (no empty undo step).
    pub fn import_streamed<E: From<EntriesError>>(
        &mut self,
        description: &str,
        entries: impl Iterator<Item = std::result::Result<(EntryFields, SourceStamp), E>>,
    ) -> std::result::Result<u64, E> {
        let tx = self.conn.transaction().map_err(EntriesError::from)?;
        let mut added = 0;
        add_stamped_in(&tx, entries, description, |_| added += 1)?;
        if added > 0 {
            tx.commit().map_err(EntriesError::from)?;
        }
        Ok(added)
    }
}

/// Adds `entries` as one undo step named `description` inside `tx`, so another feature can
/// commit them together with its own rows (saving a received message).
pub(crate) fn add_in(
    tx: &Transaction<'_>,
    entries: Vec<EntryFields>,
    description: &str,
) -> Result<Vec<EntryId>> {
    let mut ids = Vec::with_capacity(entries.len());
    let stamped = entries
        .into_iter()
        .map(|fields| Ok::<_, EntriesError>((fields, SourceStamp::default())));
    add_stamped_in(tx, stamped, description, |id| ids.push(id))?;
    Ok(ids)
}

/// Adds each entry as it comes, telling `added` its id. An id the file gave is kept unless
/// an entry already has it; entries added earlier in `tx` count, so a file repeating an id
/// gets a new one for the repeat. Entries are written [`ROWS_PER_STATEMENT`] at a time.
fn add_stamped_in<E: From<EntriesError>>(
    tx: &Transaction<'_>,
    entries: impl Iterator<Item = std::result::Result<(EntryFields, SourceStamp), E>>,
    description: &str,
    mut added: impl FnMut(EntryId),
) -> std::result::Result<(), E> {
    let now = OffsetDateTime::now_utc();
    let mut log = ChangeLog::begin(tx, description)?;
    let mut batch: Vec<Entry> = Vec::with_capacity(ROWS_PER_STATEMENT);
    let mut write = |batch: &mut Vec<Entry>| -> Result<()> {
        let ids: Vec<EntryId> = batch.iter().map(|entry| entry.id).collect();
        log.capture_new(tx, &ids)?;
        upsert_all(tx, batch)?;
        batch.clear();
        Ok(())
    };
    {
        let mut existing = tx
            .prepare_cached("SELECT 1 FROM entries WHERE id = ?1")
            .map_err(EntriesError::from)?;
        for item in entries {
            let (mut fields, stamp) = item?;
            normalise(&mut fields)?;
            // An import adds; it never replaces an entry that has the file's id, written or
            // still waiting in the batch.
            let id = match stamp.id {
                Some(id)
                    if !batch.iter().any(|entry| entry.id == id)
                        && !existing
                            .exists([id_param(&id)])
                            .map_err(EntriesError::from)? =>
                {
                    id
                }
                _ => EntryId::new_random(),
            };
            let entry = stamp.entry(id, fields, now);
            added(entry.id);
            batch.push(entry);
            if batch.len() == ROWS_PER_STATEMENT {
                write(&mut batch)?;
            }
        }
    }
    if !batch.is_empty() {
        write(&mut batch)?;
    }
    log.finish(tx)?;
    Ok(())
}

/// Cleans user input the same way on every path in: trimmed, non-empty, de-duplicated tags
/// and URLs. Tags with control characters are refused (they could not be typed back).
pub fn normalise(fields: &mut EntryFields) -> Result<()> {
    fields.tags = clean_tags(std::mem::take(&mut fields.tags))?;
    let mut urls: Vec<String> = Vec::with_capacity(fields.urls.len());
    for url in fields.urls.drain(..) {
        let url = url.trim();
        if !url.is_empty() && !urls.iter().any(|known| known == url) {
            urls.push(url.to_owned());
        }
    }
    fields.urls = urls;
    Ok(())
}

/// Trims tags, drops empty ones and duplicates, refuses control characters.
pub fn clean_tags(tags: Vec<String>) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let trimmed = tag.trim();
        if trimmed.chars().any(char::is_control) {
            return Err(EntriesError::InvalidTag(tag));
        }
        if !trimmed.is_empty() && !out.iter().any(|known| known == trimmed) {
            out.push(trimmed.to_owned());
        }
    }
    Ok(out)
}
