//! What the entry list and the entry window send and receive. The list sends core's
//! `EntrySummary` as it is (no secrets); the entry window gets [`EntryDetail`] (no secret values:
//! each comes only from `reveal_entry_secret` when the person asks). Ids travel as strings.

use keypost_core::entries::EntryQuery;
use keypost_core::entry::{
    CustomField, Entry, EntryFields, EntryId, EntrySummary, PasswordHistoryItem,
};
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

/// A time the UI got from [`timestamp`] and sends back (the `modified` of an entry as read).
pub fn parse_timestamp(text: &str) -> CommandResult<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|_| CommandError::invalid(format!("“{text}” is not a time.")))
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

/// A new result set with its first rows; the others are fetched window by window with
/// `entry_rows`. Until it is `complete` (a common search of a large vault), `total` counts
/// only the rows read so far, and `finish_search` reads the rest.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SearchResult {
    pub generation: u32,
    pub total: u32,
    pub complete: bool,
    pub rows: Vec<EntrySummary>,
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

/// What the entry window shows and edits of an entry besides its secrets (password, hidden
/// custom field values, TOTP secret), which stay in Rust until the person reveals or copies one.
#[derive(Clone, Serialize, Deserialize, TS)]
pub struct EntryForm {
    pub title: String,
    pub username: String,
    pub urls: Vec<String>,
    pub notes: String,
    pub tags: Vec<String>,
    pub folder: String,
    pub custom_fields: Vec<WindowField>,
    pub favourite: bool,
}

/// A custom field in the entry window. A hidden value is not sent: `value` is `null` until the
/// person reveals it (`reveal_entry_secret`), and `stored` — the field's place in the saved
/// entry — tells `update_entry` which stored value a field still `null` keeps. Wiped when
/// dropped.
#[derive(Clone, Serialize, Deserialize, TS)]
pub struct WindowField {
    pub name: String,
    pub value: Option<String>,
    pub hidden: bool,
    pub stored: Option<u32>,
}

impl Drop for WindowField {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

/// An entry as the entry window shows it: no secret values; `has_password` and `has_totp`
/// say whether there is one to reveal or copy.
#[derive(Clone, Serialize, TS)]
pub struct EntryDetail {
    pub id: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub form: EntryForm,
    pub has_password: bool,
    pub has_totp: bool,
    pub created: String,
    pub modified: String,
    pub password_history_count: u32,
}

impl From<&Entry> for EntryDetail {
    fn from(entry: &Entry) -> Self {
        let fields = &entry.fields;
        let custom_fields = fields
            .custom_fields
            .iter()
            .zip(0u32..)
            .map(|(field, index)| WindowField {
                name: field.name.clone(),
                value: (!field.hidden).then(|| field.value.clone()),
                hidden: field.hidden,
                stored: Some(index),
            })
            .collect();
        Self {
            id: entry.id.to_string(),
            form: EntryForm {
                title: fields.title.clone(),
                username: fields.username.clone(),
                urls: fields.urls.clone(),
                notes: fields.notes.clone(),
                tags: fields.tags.clone(),
                folder: fields.folder.clone(),
                custom_fields,
                favourite: fields.favourite,
            },
            has_password: !fields.password.is_empty(),
            has_totp: !fields.totp.is_empty(),
            created: timestamp(entry.created),
            modified: timestamp(entry.modified),
            password_history_count: u32::try_from(entry.password_history.len()).unwrap_or(u32::MAX),
        }
    }
}

/// The entry window's form. A `null` password or TOTP, and a custom field whose `value` is
/// `null`, keep the stored value, so editing other fields never needs a secret in the UI.
#[derive(Deserialize, TS)]
pub struct EntryInput {
    #[serde(flatten)]
    #[ts(flatten)]
    pub form: EntryForm,
    pub password: Option<String>,
    pub totp: Option<String>,
}

impl Drop for EntryInput {
    fn drop(&mut self) {
        self.password.zeroize();
        self.totp.zeroize();
    }
}

impl EntryInput {
    /// The core's fields for this form, taking each value left `null` from `stored` (the saved
    /// entry; `None` for a new one). Cleaning (trimming, tag rules) is the core's job.
    pub fn into_fields(mut self, stored: Option<&EntryFields>) -> CommandResult<EntryFields> {
        let custom_fields = std::mem::take(&mut self.form.custom_fields)
            .into_iter()
            .map(|mut field| {
                let value = match field.value.take() {
                    Some(value) => value,
                    None => stored_value(stored, field.stored)?,
                };
                Ok(CustomField {
                    name: std::mem::take(&mut field.name),
                    value,
                    hidden: field.hidden,
                })
            })
            .collect::<CommandResult<_>>()?;
        let password = kept(self.password.take(), stored.map(|stored| &stored.password));
        let totp = kept(self.totp.take(), stored.map(|stored| &stored.totp));
        let form = &mut self.form;
        Ok(keypost_core::entry_fields! {
            title: std::mem::take(&mut form.title),
            username: std::mem::take(&mut form.username),
            urls: std::mem::take(&mut form.urls),
            notes: std::mem::take(&mut form.notes),
            tags: std::mem::take(&mut form.tags),
            folder: std::mem::take(&mut form.folder),
            custom_fields: custom_fields,
            favourite: form.favourite,
            password: password,
            totp: totp,
        })
    }
}

/// A value the form sent, else the stored one, else nothing.
fn kept(sent: Option<String>, stored: Option<&String>) -> String {
    sent.or_else(|| stored.cloned()).unwrap_or_default()
}

/// The stored value of the custom field at `index`, which a field the UI never revealed keeps.
fn stored_value(stored: Option<&EntryFields>, index: Option<u32>) -> CommandResult<String> {
    stored
        .zip(index)
        .and_then(|(stored, index)| stored.custom_fields.get(index as usize))
        .map(|field| field.value.clone())
        .ok_or_else(|| {
            CommandError::invalid(
                "A hidden field's value is no longer known: reveal it or type it again.",
            )
        })
}

/// When a password of the entry's history was replaced; the password itself comes only from
/// `reveal_entry_secret` or `copy_entry_secret`.
#[derive(Serialize, TS)]
pub struct HistoryRow {
    pub replaced_at: String,
}

impl From<&PasswordHistoryItem> for HistoryRow {
    fn from(item: &PasswordHistoryItem) -> Self {
        Self {
            replaced_at: timestamp(item.replaced_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every secret value below contains this marker; nothing the UI gets unasked may.
    const MARKER: &str = "SECRET";

    fn entry_with_secrets() -> Entry {
        let fields = keypost_core::entry_fields! {
            title: "Bank".to_owned(),
            password: "pw-SECRET".to_owned(),
            custom_fields: vec![
                CustomField {
                    name: "PIN".to_owned(),
                    value: "1234-SECRET".to_owned(),
                    hidden: true,
                },
                CustomField {
                    name: "Branch".to_owned(),
                    value: "Main street".to_owned(),
                    hidden: false,
                },
            ],
            totp: "otpauth://totp/Bank?secret=JBSWY3DPSECRET".to_owned(),
        };
        let mut entry = Entry::new(fields, OffsetDateTime::UNIX_EPOCH);
        entry.password_history = vec![PasswordHistoryItem {
            password: "old-SECRET".to_owned(),
            replaced_at: OffsetDateTime::UNIX_EPOCH,
        }];
        entry
    }

    #[test]
    fn the_opened_entry_carries_no_secret_value() {
        let entry = entry_with_secrets();
        let sent = serde_json::to_string(&EntryDetail::from(&entry)).unwrap();
        assert!(!sent.contains(MARKER), "{sent}");
        assert!(
            sent.contains("Main street"),
            "visible fields are shown: {sent}"
        );
        let detail: serde_json::Value = serde_json::from_str(&sent).unwrap();
        assert_eq!(detail["custom_fields"][0]["value"], serde_json::Value::Null);
        assert_eq!(detail["has_password"], true);
        assert_eq!(detail["has_totp"], true);
    }

    #[test]
    fn the_history_carries_dates_only() {
        let entry = entry_with_secrets();
        let rows: Vec<HistoryRow> = entry
            .password_history
            .iter()
            .map(HistoryRow::from)
            .collect();
        let sent = serde_json::to_string(&rows).unwrap();
        assert!(!sent.contains(MARKER), "{sent}");
        assert!(sent.contains("1970-01-01T00:00:00Z"), "{sent}");
    }

    fn input(value: serde_json::Value) -> EntryInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn values_the_window_never_had_keep_the_stored_ones() {
        let stored = entry_with_secrets().fields;
        let saved = input(serde_json::json!({
            "title": "Bank", "username": "ana", "urls": [], "notes": "", "tags": [],
            "folder": "", "favourite": false, "password": null, "totp": null,
            "custom_fields": [
                { "name": "Branch", "value": "Main street", "hidden": false, "stored": 1 },
                { "name": "PIN", "value": null, "hidden": true, "stored": 0 },
                { "name": "New", "value": "typed", "hidden": true, "stored": null },
            ],
        }))
        .into_fields(Some(&stored))
        .unwrap();
        assert_eq!(saved.password, "pw-SECRET");
        assert_eq!(saved.totp, stored.totp);
        let values: Vec<&str> = saved
            .custom_fields
            .iter()
            .map(|field| field.value.as_str())
            .collect();
        assert_eq!(values, ["Main street", "1234-SECRET", "typed"]);
    }

    #[test]
    fn a_hidden_value_without_a_stored_field_is_refused() {
        let result = input(serde_json::json!({
            "title": "New", "username": "", "urls": [], "notes": "", "tags": [],
            "folder": "", "favourite": false, "password": "pw", "totp": null,
            "custom_fields": [{ "name": "PIN", "value": null, "hidden": true, "stored": 0 }],
        }))
        .into_fields(None::<&EntryFields>);
        assert!(result.is_err());
    }
}
