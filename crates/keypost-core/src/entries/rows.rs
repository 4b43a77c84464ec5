//! How an [`Entry`] maps to a row of the `entries` table and back.

use super::{EntriesError, Result};
use crate::entry::{CustomField, Entry, EntryFields, EntryId, EntrySummary, PasswordHistoryItem};
use crate::store::{from_nanos, to_nanos};
use rusqlite::{Row, Statement, params};
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

/// Writes back what a bulk edit may change, with the search text made from it.
pub const UPDATE_EDITABLE_SQL: &str = "
    UPDATE entries SET username = ?2, urls = ?3, tags = ?4, folder = ?5, favourite = ?6,
                       notes = ?7, search = ?8, modified = ?9
    WHERE id = ?1";

/// The entries with the ids in the JSON array `?N` (see [`ids_json`]), for `IN`.
pub fn id_set(parameter: usize) -> String {
    format!("SELECT unhex(value) FROM json_each(?{parameter})")
}

/// Ids as one JSON array of hex strings: a whole batch bound as a single parameter.
pub fn ids_json(ids: &[EntryId]) -> String {
    let hex: Vec<String> = ids.iter().map(|id| id.0.simple().to_string()).collect();
    serde_json::Value::from(hex).to_string()
}

/// Inserts a new entry or overwrites the one with the same id.
pub const UPSERT_SQL: &str = "
    INSERT INTO entries (id, title, username, urls, tags, folder, favourite, created, modified,
                         search, notes, secret)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
    ON CONFLICT(id) DO UPDATE SET
        title = excluded.title, username = excluded.username, urls = excluded.urls,
        tags = excluded.tags, folder = excluded.folder, favourite = excluded.favourite,
        created = excluded.created, modified = excluded.modified, search = excluded.search,
        notes = excluded.notes, secret = excluded.secret";

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

/// Writes `entry` with a prepared [`UPSERT_SQL`] statement.
pub fn upsert(statement: &mut Statement<'_>, entry: &Entry) -> Result<()> {
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
    statement.execute(params![
        entry.id.0.as_bytes().as_slice(),
        fields.title,
        fields.username,
        to_json(&fields.urls)?,
        to_json(&fields.tags)?,
        fields.folder,
        fields.favourite,
        to_nanos(entry.created)?,
        to_nanos(entry.modified)?,
        search_text(fields),
        fields.notes,
        secret.as_str(),
    ])?;
    Ok(())
}

/// The lower-cased text that search matches substrings in.
pub fn search_text(fields: &EntryFields) -> String {
    let mut text =
        String::with_capacity(fields.title.len() + fields.username.len() + fields.notes.len() + 64);
    let parts = [fields.title.as_str(), fields.username.as_str()]
        .into_iter()
        .chain(fields.urls.iter().map(String::as_str))
        .chain(fields.tags.iter().map(String::as_str))
        .chain([fields.notes.as_str()]);
    for part in parts {
        // The separator cannot match: queries are single-line.
        text.push('\n');
        text.push_str(&part.to_lowercase());
    }
    text
}

/// Writes the editable fields of entry `id` with a prepared [`UPDATE_EDITABLE_SQL`] statement.
pub fn update_editable(
    statement: &mut Statement<'_>,
    id: &EntryId,
    fields: &EntryFields,
    modified: OffsetDateTime,
) -> Result<()> {
    statement.execute(params![
        id_param(id),
        fields.username,
        to_json(&fields.urls)?,
        to_json(&fields.tags)?,
        fields.folder,
        fields.favourite,
        fields.notes,
        search_text(fields),
        to_nanos(modified)?,
    ])?;
    Ok(())
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

fn id_from_row(row: &Row<'_>, index: usize) -> Result<EntryId> {
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
