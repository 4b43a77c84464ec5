//! The password entry: what the user stores, what lists show, and what is sent.
//!
//! Three layers, so a secret only travels where it is needed:
//! - [`EntryFields`]: the user's content of one entry, as typed in a form or read from a CSV row.
//! - [`Entry`]: a stored entry: fields plus identity, times and password history.
//! - [`EntrySummary`]: the list view, which carries no password, notes or custom field values.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Stable identity of an entry; survives edits, export and re-import into the same vault.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(#[cfg_attr(feature = "ts", ts(type = "string"))] pub Uuid);

impl EntryId {
    pub fn new_random() -> Self {
        Self(Uuid::new_v4())
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for EntryId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// A name/value pair beyond the standard fields; `hidden` values are masked like passwords.
/// The entry window shows and edits it as it is; the value is wiped when dropped, and `Debug`
/// never prints a hidden one.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct CustomField {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub hidden: bool,
}

impl fmt::Debug for CustomField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if self.hidden {
            "<hidden>"
        } else {
            self.value.as_str()
        };
        f.debug_struct("CustomField")
            .field("name", &self.name)
            .field("value", &value)
            .finish()
    }
}

/// The user's content of one entry. `Debug` never prints the password; every field is wiped
/// when dropped. Build one from `EntryFields::default()` by assigning fields (a `Drop` type
/// cannot be the base of a `..` struct update, hence [`entry_fields!`](crate::entry_fields));
/// each field defaults on its own when deserialised.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct EntryFields {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    /// First URL is the main one (the one a single-URL format exports).
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// A folder path with `/` between levels ("Work/Clients"); empty for none.
    #[serde(default)]
    pub folder: String,
    #[serde(default)]
    pub custom_fields: Vec<CustomField>,
    /// An `otpauth://` URI or a bare TOTP secret, kept so exports lose nothing.
    #[serde(default)]
    pub totp: String,
    #[serde(default)]
    pub favourite: bool,
}

/// `entry_fields! { title: …, password: … }`: an [`EntryFields`] with the named fields set and
/// the others empty — what `EntryFields { title: …, ..EntryFields::default() }` would say if
/// the type could be a struct update's base (it cannot: it wipes itself on drop).
#[macro_export]
macro_rules! entry_fields {
    ($($field:ident : $value:expr),* $(,)?) => {{
        #[allow(clippy::field_reassign_with_default)]
        let fields = {
            let mut fields = $crate::entry::EntryFields::default();
            $(fields.$field = $value;)*
            fields
        };
        fields
    }};
}

impl fmt::Debug for EntryFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntryFields")
            .field("title", &self.title)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("urls", &self.urls)
            .field("tags", &self.tags)
            .field("folder", &self.folder)
            .field("favourite", &self.favourite)
            .finish_non_exhaustive()
    }
}

/// A password the entry had before, kept when the password changes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
pub struct PasswordHistoryItem {
    pub password: String,
    /// When this password stopped being the current one.
    #[zeroize(skip)]
    #[serde(with = "time::serde::rfc3339")]
    pub replaced_at: OffsetDateTime,
}

impl fmt::Debug for PasswordHistoryItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHistoryItem")
            .field("password", &"<redacted>")
            .field("replaced_at", &self.replaced_at)
            .finish()
    }
}

/// A stored entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    pub fields: EntryFields,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub modified: OffsetDateTime,
    /// Newest first.
    pub password_history: Vec<PasswordHistoryItem>,
}

impl Entry {
    /// A new entry made at `at`: a fresh id, `at` as both times, no history. The vault stores
    /// it on add and import; received entries are exported or printed as such without being
    /// saved.
    pub fn new(fields: EntryFields, at: OffsetDateTime) -> Self {
        Self {
            id: EntryId::new_random(),
            fields,
            created: at,
            modified: at,
            password_history: Vec::new(),
        }
    }
}

/// What a file said about an entry besides its fields: its id and its times, when it had
/// them. Importing keeps them: the id unless the vault already has it, a missing time taken
/// from the other one, else the time of the import.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SourceStamp {
    /// Keypost CSV `id`, Firefox `guid`.
    pub id: Option<EntryId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub modified: Option<OffsetDateTime>,
}

impl SourceStamp {
    /// The entry these fields become when imported at `now` under `id`.
    pub fn entry(&self, id: EntryId, fields: EntryFields, now: OffsetDateTime) -> Entry {
        Entry {
            id,
            fields,
            created: self.created.or(self.modified).unwrap_or(now),
            modified: self.modified.or(self.created).unwrap_or(now),
            password_history: Vec::new(),
        }
    }
}

/// One row of the entry list: everything a list, search result or tag filter shows,
/// and nothing secret (no password, notes, custom field values or history).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySummary {
    pub id: EntryId,
    pub title: String,
    pub username: String,
    pub urls: Vec<String>,
    pub tags: Vec<String>,
    pub folder: String,
    pub favourite: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub modified: OffsetDateTime,
}

impl From<&Entry> for EntrySummary {
    fn from(entry: &Entry) -> Self {
        Self {
            id: entry.id,
            title: entry.fields.title.clone(),
            username: entry.fields.username.clone(),
            urls: entry.fields.urls.clone(),
            tags: entry.fields.tags.clone(),
            folder: entry.fields.folder.clone(),
            favourite: entry.fields.favourite,
            modified: entry.modified,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wipes_itself_on_drop<T: ZeroizeOnDrop>() {}

    #[test]
    fn entry_fields_and_custom_fields_wipe_themselves_on_drop() {
        wipes_itself_on_drop::<EntryFields>();
        wipes_itself_on_drop::<CustomField>();
    }

    #[test]
    fn entry_fields_macro_sets_the_named_fields_and_leaves_the_rest_empty() {
        let fields = crate::entry_fields! {
            title: "Mail".to_owned(),
            favourite: true,
        };
        assert_eq!(fields.title, "Mail");
        assert!(fields.favourite);
        assert_eq!(fields.password, "");
        assert!(fields.custom_fields.is_empty());
    }

    #[test]
    fn missing_fields_default_when_deserialised() {
        let fields: EntryFields = serde_json::from_str(r#"{"title":"Mail"}"#).unwrap();
        assert_eq!(fields.title, "Mail");
        assert_eq!(fields.totp, "");
    }
}
