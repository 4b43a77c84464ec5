//! How an [`Entry`] maps to a row of the `entries` table and back.

use super::{EntriesError, ListKey, Result};
use crate::entry::{CustomField, Entry, EntryFields, EntryId, EntrySummary, PasswordHistoryItem};
use crate::store::{from_nanos, to_nanos};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::{Connection, Row, ToSql, params_from_iter};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Columns read for a full entry, in the order [`entry_from_row`] expects.
pub const ENTRY_COLUMNS: &str =
    "id, title, username, urls, tags, folder, favourite, created, modified, notes, secret";
/// Columns read for a list row, in the order [`summary_from_row`] expects.
pub const SUMMARY_COLUMNS: &str = "id, title, username, urls, tags, folder, favourite, modified";

/// Columns a bulk edit reads and may change (never the secret), in the order
/// [`editable_from_row`] expects after the id.
pub const EDITABLE_COLUMNS: &str = "title, username, urls, tags, folder, favourite, notes";

/// The ids in the JSON array `?N` (see [`ids_json`]) as a one-column `id` table, for `IN`.
pub fn id_set(parameter: usize) -> String {
    format!("SELECT unhex(value) AS id FROM json_each(?{parameter})")
}

/// Ids as one JSON array of hex strings: a whole batch bound as a single parameter.
pub fn ids_json(ids: &[EntryId]) -> String {
    let hex: Vec<String> = ids.iter().map(|id| id.0.simple().to_string()).collect();
    serde_json::Value::from(hex).to_string()
}

/// Rows written per statement.
///
/// FTS5 writes its pending index data out as a new segment whenever a statement that changes
/// the index begins (the statement is a savepoint it must be able to roll back to). One
/// statement per entry made every entry a segment to merge: importing 100,000 entries took
/// 12.5 s, of which 10 s went to the index. One statement per batch makes one segment per
/// batch, and fewer, larger segments leave FTS5 less to merge: importing a million entries
/// took 48–51 s at 500 rows per statement and 36–43 s at 2,000 (docs/benchmarks.md), for
/// 12 MiB more memory. The widest row times this stays within SQLite's limit of 32,766
/// parameters.
pub const ROWS_PER_STATEMENT: usize = 2_000;
const _: () = assert!(ROWS_PER_STATEMENT * ENTRY_ROW_WIDTH <= SQLITE_MAX_PARAMETERS);

/// SQLite's default `SQLITE_MAX_VARIABLE_NUMBER` (since 3.32).
const SQLITE_MAX_PARAMETERS: usize = 32_766;

/// `rows` parenthesised groups of `width` placeholders, for a multi-row `VALUES`.
fn value_rows(rows: usize, width: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(","));
    vec![row; rows].join(",")
}

/// Inserts each entry, or overwrites the one with the same id: one statement per
/// [`ROWS_PER_STATEMENT`] entries.
pub fn upsert_all(conn: &Connection, entries: &[Entry]) -> Result<()> {
    for batch in entries.chunks(ROWS_PER_STATEMENT) {
        let rows = batch
            .iter()
            .map(EntryRow::new)
            .collect::<Result<Vec<_>>>()?;
        let mut statement = conn.prepare_cached(&format!(
            "INSERT INTO entries (id, title, username, urls, tags, folder, favourite, created,
                                  modified, search, notes, secret, tag_search)
             VALUES {}
             ON CONFLICT(id) DO UPDATE SET
                 title = excluded.title, username = excluded.username, urls = excluded.urls,
                 tags = excluded.tags, folder = excluded.folder, favourite = excluded.favourite,
                 created = excluded.created, modified = excluded.modified,
                 search = excluded.search, notes = excluded.notes, secret = excluded.secret,
                 tag_search = excluded.tag_search",
            value_rows(rows.len(), ENTRY_ROW_WIDTH)
        ))?;
        statement.execute(params_from_iter(rows.iter().flat_map(EntryRow::values)))?;
    }
    Ok(())
}

/// Writes back what a bulk edit may change (never the title or the secret), with the search
/// texts made from it: one statement per [`ROWS_PER_STATEMENT`] entries. A text that comes
/// out the same leaves its index alone (the triggers compare), so retagging re-indexes only
/// the tags.
pub fn update_editable_all(
    conn: &Connection,
    changed: &[(ListKey, EntryFields)],
    modified: OffsetDateTime,
) -> Result<()> {
    let modified = to_nanos(modified)?;
    for batch in changed.chunks(ROWS_PER_STATEMENT) {
        let rows = batch
            .iter()
            .map(|(key, fields)| EditableRow::new(key, fields, modified))
            .collect::<Result<Vec<_>>>()?;
        // The `VALUES` columns are named column1, column2, ... by SQLite. The rows are found
        // by rowid: joined on `id`, SQLite 3.45 scans the whole id index for every statement
        // (a 10,000-entry bulk edit in a vault of a million took 8 s).
        let mut statement = conn.prepare_cached(&format!(
            "UPDATE entries SET
                 username = edited.column2, urls = edited.column3, tags = edited.column4,
                 folder = edited.column5, favourite = edited.column6, notes = edited.column7,
                 search = edited.column8, tag_search = edited.column9, modified = edited.column10
             FROM (VALUES {}) AS edited
             WHERE entries.rowid = edited.column1",
            value_rows(rows.len(), EDITABLE_ROW_WIDTH)
        ))?;
        statement.execute(params_from_iter(rows.iter().flat_map(EditableRow::values)))?;
    }
    Ok(())
}

/// One entry as the values of an `entries` row, in column order.
struct EntryRow<'e> {
    entry: &'e Entry,
    id: &'e [u8],
    urls: String,
    tags: String,
    created: i64,
    modified: i64,
    search: String,
    secret: Zeroizing<String>,
    tag_search: String,
}

/// Values per [`EntryRow`].
const ENTRY_ROW_WIDTH: usize = 13;
/// Values per [`EditableRow`].
const EDITABLE_ROW_WIDTH: usize = 10;

impl<'e> EntryRow<'e> {
    fn new(entry: &'e Entry) -> Result<Self> {
        let fields = &entry.fields;
        let secret = Zeroizing::new(
            serde_json::to_string(&SecretRef {
                password: &fields.password,
                custom_fields: &fields.custom_fields,
                totp: &fields.totp,
                history: &entry.password_history,
            })
            .map_err(|error| EntriesError::Corrupt(error.to_string()))?,
        );
        Ok(Self {
            entry,
            id: id_param(&entry.id),
            urls: to_json(&fields.urls)?,
            tags: to_json(&fields.tags)?,
            created: to_nanos(entry.created)?,
            modified: to_nanos(entry.modified)?,
            search: search_text(fields),
            secret,
            tag_search: tag_search_text(&fields.tags),
        })
    }

    fn values(&self) -> [&dyn ToSql; ENTRY_ROW_WIDTH] {
        let fields = &self.entry.fields;
        [
            &self.id,
            &fields.title,
            &fields.username,
            &self.urls,
            &self.tags,
            &fields.folder,
            &fields.favourite,
            &self.created,
            &self.modified,
            &self.search,
            &fields.notes,
            &*self.secret,
            &self.tag_search,
        ]
    }
}

/// The row and the bulk-editable columns of one entry, in the order of `update_editable_all`.
struct EditableRow<'e> {
    row: i64,
    fields: &'e EntryFields,
    urls: String,
    tags: String,
    search: String,
    tag_search: String,
    modified: i64,
}

impl<'e> EditableRow<'e> {
    fn new(key: &ListKey, fields: &'e EntryFields, modified: i64) -> Result<Self> {
        Ok(Self {
            row: key.0,
            fields,
            urls: to_json(&fields.urls)?,
            tags: to_json(&fields.tags)?,
            search: search_text(fields),
            tag_search: tag_search_text(&fields.tags),
            modified,
        })
    }

    fn values(&self) -> [&dyn ToSql; EDITABLE_ROW_WIDTH] {
        [
            &self.row,
            &self.fields.username,
            &self.urls,
            &self.tags,
            &self.fields.folder,
            &self.fields.favourite,
            &self.fields.notes,
            &self.search,
            &self.tag_search,
            &self.modified,
        ]
    }
}

/// The secret part of an entry, stored as one JSON text column.
#[derive(Serialize)]
struct SecretRef<'a> {
    password: &'a str,
    custom_fields: &'a [CustomField],
    totp: &'a str,
    history: &'a [PasswordHistoryItem],
}

/// Field-level defaults: a container-level `serde(default)` would move out of a `Drop` type.
#[derive(Deserialize, Zeroize, ZeroizeOnDrop)]
struct SecretOwned {
    #[serde(default)]
    password: String,
    #[serde(default)]
    custom_fields: Vec<CustomField>,
    #[serde(default)]
    totp: String,
    #[serde(default)]
    history: Vec<PasswordHistoryItem>,
}

/// The lower-cased text that search matches substrings in, besides the tags: title,
/// username, URLs and notes.
pub fn search_text(fields: &EntryFields) -> String {
    folded_text(
        [fields.title.as_str(), fields.username.as_str()]
            .into_iter()
            .chain(fields.urls.iter().map(String::as_str))
            .chain([fields.notes.as_str()]),
    )
}

/// The lower-cased tags that search matches substrings in, apart from [`search_text`] so that
/// a tag edit leaves that text and its index alone.
pub fn tag_search_text(tags: &[String]) -> String {
    folded_text(tags.iter().map(String::as_str))
}

/// Each part lower-cased (Unicode) and preceded by a newline. The separator cannot match:
/// queries are single-line.
fn folded_text<'p>(parts: impl Iterator<Item = &'p str>) -> String {
    let mut text = String::new();
    for part in parts {
        text.push('\n');
        text.push_str(&part.to_lowercase());
    }
    text
}

/// `keypost_search_text(title, username, urls, notes)` and `keypost_tag_search_text(tags)`
/// (URLs and tags as stored: JSON arrays), for the migration that recomputes the texts of
/// rows written before schema 10.
///
/// The texts are derived data, so a damaged row must not stop the migration (which would keep
/// the whole vault from opening): a value that is NULL or not text counts as empty, and a
/// list that is not a JSON array of strings is searched as the text it is. Reading that entry
/// still reports it as damaged.
pub fn register_search_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("keypost_search_text", 4, flags, |context| {
        let fields = crate::entry_fields! {
            title: text_argument(context, 0),
            username: text_argument(context, 1),
            urls: list_argument(context, 2),
            notes: text_argument(context, 3),
        };
        Ok(search_text(&fields))
    })?;
    conn.create_scalar_function("keypost_tag_search_text", 1, flags, |context| {
        Ok(tag_search_text(&list_argument(context, 0)))
    })
}

fn text_argument(context: &Context<'_>, index: usize) -> String {
    context
        .get::<Option<String>>(index)
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn list_argument(context: &Context<'_>, index: usize) -> Vec<String> {
    let text = text_argument(context, index);
    match from_json(&text) {
        Ok(list) => list,
        Err(_) if text.is_empty() => Vec::new(),
        Err(_) => vec![text],
    }
}

/// The id (column 0) and [`EDITABLE_COLUMNS`] (from column 1) of a row; secrets stay empty.
pub fn editable_from_row(row: &Row<'_>) -> Result<(EntryId, EntryFields)> {
    let fields = crate::entry_fields! {
        title: row.get(1)?,
        username: row.get(2)?,
        urls: from_json(&row.get::<_, String>(3)?)?,
        tags: from_json(&row.get::<_, String>(4)?)?,
        folder: row.get(5)?,
        favourite: row.get(6)?,
        notes: row.get(7)?,
    };
    Ok((id_from_row(row, 0)?, fields))
}

pub fn entry_from_row(row: &Row<'_>) -> Result<Entry> {
    let mut secret: SecretOwned = {
        let text: Zeroizing<String> = Zeroizing::new(row.get(10)?);
        serde_json::from_str(&text).map_err(|error| EntriesError::Corrupt(error.to_string()))?
    };
    Ok(Entry {
        id: id_from_row(row, 0)?,
        fields: EntryFields {
            title: row.get(1)?,
            username: row.get(2)?,
            password: std::mem::take(&mut secret.password),
            urls: from_json(&row.get::<_, String>(3)?)?,
            notes: row.get(9)?,
            tags: from_json(&row.get::<_, String>(4)?)?,
            folder: row.get(5)?,
            custom_fields: std::mem::take(&mut secret.custom_fields),
            totp: std::mem::take(&mut secret.totp),
            favourite: row.get(6)?,
        },
        created: from_nanos(row.get(7)?)?,
        modified: from_nanos(row.get(8)?)?,
        password_history: std::mem::take(&mut secret.history),
    })
}

pub fn summary_from_row(row: &Row<'_>) -> Result<EntrySummary> {
    Ok(EntrySummary {
        id: id_from_row(row, 0)?,
        title: row.get(1)?,
        username: row.get(2)?,
        urls: from_json(&row.get::<_, String>(3)?)?,
        tags: from_json(&row.get::<_, String>(4)?)?,
        folder: row.get(5)?,
        favourite: row.get(6)?,
        modified: from_nanos(row.get(7)?)?,
    })
}

pub fn id_from_row(row: &Row<'_>, index: usize) -> Result<EntryId> {
    let bytes: Vec<u8> = row.get(index)?;
    Uuid::from_slice(&bytes)
        .map(EntryId)
        .map_err(|error| EntriesError::Corrupt(error.to_string()))
}

pub fn id_param(id: &EntryId) -> &[u8] {
    id.0.as_bytes().as_slice()
}

fn to_json(values: &[String]) -> Result<String> {
    serde_json::to_string(values).map_err(|error| EntriesError::Corrupt(error.to_string()))
}

fn from_json(text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|error| EntriesError::Corrupt(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn computed(conn: &Connection, sql: &str) -> String {
        conn.query_row(sql, [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn the_migration_functions_compute_what_the_writer_stores() {
        let conn = Connection::open_in_memory().unwrap();
        register_search_functions(&conn).unwrap();
        let fields = crate::entry_fields! {
            title: "Zürich Bank ✓".into(),
            username: "JÜRG".into(),
            urls: vec!["https://A.example".into(), "https://b.example".into()],
            notes: "ΣΑΣ\nsecond".into(),
            tags: vec!["Work".into(), "İ".into()],
        };
        assert_eq!(
            computed(
                &conn,
                r#"SELECT keypost_search_text('Zürich Bank ✓', 'JÜRG',
                   '["https://A.example","https://b.example"]', 'ΣΑΣ' || char(10) || 'second')"#
            ),
            search_text(&fields)
        );
        assert_eq!(
            computed(&conn, r#"SELECT keypost_tag_search_text('["Work","İ"]')"#),
            tag_search_text(&fields.tags)
        );
    }

    #[test]
    fn a_damaged_row_does_not_stop_the_migration() {
        let conn = Connection::open_in_memory().unwrap();
        register_search_functions(&conn).unwrap();
        assert_eq!(
            computed(
                &conn,
                "SELECT keypost_search_text(NULL, 42, 'not json', 'Notes')"
            ),
            "\n\n\nnot json\nnotes"
        );
        assert_eq!(
            computed(&conn, "SELECT keypost_tag_search_text('[\"unterminated')"),
            "\n[\"unterminated"
        );
        assert_eq!(computed(&conn, "SELECT keypost_tag_search_text(NULL)"), "");
    }

    /// The tag counts' triggers (schema 11) take a `tags` value that is not JSON (a damaged
    /// file, or undo putting back such a row) as no tags: inserting, editing and deleting the
    /// row all go through and the counts of the others stay right.
    #[test]
    fn a_damaged_tags_value_does_not_stop_a_write_or_skew_the_counts() {
        let dir = tempfile::tempdir().unwrap();
        let key = zeroize::Zeroizing::new("a".repeat(64));
        let store =
            crate::store::Store::create(&dir.path().join("v.db"), &key, crate::vault::SCHEMA)
                .unwrap();
        let conn = store.connection();
        let insert = |id: u8, tags: &str| {
            conn.execute(
                "INSERT INTO entries (id, title, username, urls, tags, folder, favourite,
                                      created, modified, search, notes, secret)
                 VALUES (?1, 't', '', '[]', ?2, '', 0, 0, 0, '', '', '{}')",
                rusqlite::params![vec![id; 16], tags],
            )
        };
        let counts = || -> Vec<(String, i64)> {
            let mut statement = conn
                .prepare(
                    "SELECT tag, entry_count FROM tag_counts WHERE entry_count > 0 ORDER BY tag",
                )
                .unwrap();
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)));
            rows.unwrap().collect::<rusqlite::Result<_>>().unwrap()
        };
        insert(1, r#"["work","home"]"#).unwrap();
        insert(2, "[not json").unwrap();
        assert_eq!(counts(), [("home".into(), 1), ("work".into(), 1)]);
        conn.execute(
            "UPDATE entries SET tags = '{broken' WHERE id = ?1",
            [vec![1u8; 16]],
        )
        .unwrap();
        assert!(
            counts().is_empty(),
            "the valid tags left, the damaged ones count as none"
        );
        conn.execute(
            r#"UPDATE entries SET tags = '["work"]' WHERE id = ?1"#,
            [vec![2u8; 16]],
        )
        .unwrap();
        assert_eq!(counts(), [("work".into(), 1)]);
        conn.execute("DELETE FROM entries WHERE id = ?1", [vec![1u8; 16]])
            .unwrap();
        conn.execute("DELETE FROM entries WHERE id = ?1", [vec![2u8; 16]])
            .unwrap();
        assert!(counts().is_empty());
    }
}
