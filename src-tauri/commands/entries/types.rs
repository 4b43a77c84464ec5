//! What the entry list and the entry window send and receive. The list sends core's
//! `EntrySummary` as it is (no secrets); the entry window gets [`EntryDetail`] (every field but
//! the password, which only `reveal_password` sends). Ids travel as strings.

use keypost_core::entries::EntryQuery;
use keypost_core::entry::{CustomField, Entry, EntryFields, EntryId, PasswordHistoryItem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use ts_rs::TS;
use zeroize::Zeroize;

use crate::error::{CommandError, CommandResult};

pub fn parse_id(id: &str) -> CommandResult<EntryId> {
    id.parse()
        .map_err(|_| CommandError::invalid(format!("“{id}” is not an entry id.")))
}

pub fn parse_ids(ids: &[String]) -> CommandResult<Vec<EntryId>> {
    ids.iter().map(|id| parse_id(id)).collect()
}

fn timestamp(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_default()
}

/// What the list is showing: search text, tag filter, favourites only.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct SearchQuery {
    pub text: String,
    pub tag: Option<String>,
    pub favourites_only: bool,
}

impl From<SearchQuery> for EntryQuery {
    fn from(query: SearchQuery) -> Self {
        let text = query.text.trim();
        EntryQuery {
            text: (!text.is_empty()).then(|| text.to_owned()),
            tag: query.tag.filter(|tag| !tag.is_empty()),
            favourites_only: query.favourites_only,
        }
    }
}

/// A new result set; its rows are fetched window by window with `entry_rows`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SearchResult {
    pub generation: u32,
    pub total: u32,
}

/// Which entries a bulk action, export or send applies to.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Selection {
    /// The ticked entries.
    Ids { ids: Vec<String> },
    /// "Select all results": every row of result set `generation` except the unticked ones.
    Results {
        generation: u32,
        except: Vec<String>,
    },
}

/// What the entry window shows and edits of an entry: every field but the password.
#[derive(Clone, Serialize, Deserialize, TS)]
pub struct EntryForm {
    pub title: String,
    pub username: String,
    pub urls: Vec<String>,
    pub notes: String,
    pub tags: Vec<String>,
    pub folder: String,
    pub custom_fields: Vec<CustomField>,
    pub totp: String,
    pub favourite: bool,
}

/// An entry as the entry window shows it: every field except the password, which comes only
/// from `reveal_password`.
#[derive(Clone, Serialize, TS)]
pub struct EntryDetail {
    pub id: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub form: EntryForm,
    pub has_password: bool,
    pub created: String,
    pub modified: String,
    pub password_history_count: u32,
}

impl From<&Entry> for EntryDetail {
    fn from(entry: &Entry) -> Self {
        let fields = &entry.fields;
        Self {
            id: entry.id.to_string(),
            form: EntryForm {
                title: fields.title.clone(),
                username: fields.username.clone(),
                urls: fields.urls.clone(),
                notes: fields.notes.clone(),
                tags: fields.tags.clone(),
                folder: fields.folder.clone(),
                custom_fields: fields.custom_fields.clone(),
                totp: fields.totp.clone(),
                favourite: fields.favourite,
            },
            has_password: !fields.password.is_empty(),
            created: timestamp(entry.created),
            modified: timestamp(entry.modified),
            password_history_count: u32::try_from(entry.password_history.len()).unwrap_or(u32::MAX),
        }
    }
}

/// The entry window's form. `password: null` keeps the stored password, so editing other
/// fields never needs the secret in the UI.
#[derive(Deserialize, TS)]
pub struct EntryInput {
    #[serde(flatten)]
    #[ts(flatten)]
    pub form: EntryForm,
    pub password: Option<String>,
}

impl Drop for EntryInput {
    fn drop(&mut self) {
        if let Some(password) = self.password.as_mut() {
            password.zeroize();
        }
    }
}

impl EntryInput {
    /// The core's fields for this form; `kept_password` is used when the form left the
    /// password untouched. Cleaning (trimming, tag rules) is the core's job.
    pub fn into_fields(mut self, kept_password: Option<String>) -> EntryFields {
        let form = &mut self.form;
        EntryFields {
            title: std::mem::take(&mut form.title),
            username: std::mem::take(&mut form.username),
            urls: std::mem::take(&mut form.urls),
            notes: std::mem::take(&mut form.notes),
            tags: std::mem::take(&mut form.tags),
            folder: std::mem::take(&mut form.folder),
            custom_fields: std::mem::take(&mut form.custom_fields),
            totp: std::mem::take(&mut form.totp),
            favourite: form.favourite,
            password: self.password.take().or(kept_password).unwrap_or_default(),
        }
    }
}

/// A password the entry had before, with the date it was replaced. Wiped when dropped.
#[derive(Serialize, TS)]
pub struct HistoryRow {
    pub password: String,
    pub replaced_at: String,
}

impl From<&PasswordHistoryItem> for HistoryRow {
    fn from(item: &PasswordHistoryItem) -> Self {
        Self {
            password: item.password.clone(),
            replaced_at: timestamp(item.replaced_at),
        }
    }
}

impl Drop for HistoryRow {
    fn drop(&mut self) {
        self.password.zeroize();
    }
}
