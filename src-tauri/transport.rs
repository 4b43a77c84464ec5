//! The shapes commands take and return. Ids and times travel as strings; passwords only appear
//! in the types of commands that reveal one on request. TypeScript twins of these types are
//! generated into `ui/src/lib/bindings.ts` (see `bindings.rs`).

use keypost_core::entry::{
    CustomField, Entry, EntryFields, EntryId, EntrySummary, PasswordHistoryItem,
};
use keypost_core::generator::{PassphraseSpec, PasswordSpec, Strength, StrengthLabel};
use keypost_core::interchange::csv::{CsvFormat, ImportPreview, RowProblem};
use keypost_core::sharing::SentPickup;
use keypost_core::vault::{BulkEdit, BulkOutcome, EntryQuery, TagCount, UndoneChange};
use keypost_protocol::api::{OwnerStatus, PickupEvent, PickupEventKind, PickupState, PickupStatus};
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

/// Whether a vault exists at the configured path and whether it is open.
#[derive(Debug, Clone, Serialize, TS)]
pub struct VaultStatus {
    pub exists: bool,
    pub unlocked: bool,
    pub path: String,
}

/// One line of the entry list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct EntryRow {
    pub id: String,
    pub title: String,
    pub username: String,
    /// The main (first) URL; the list shows only this one.
    pub url: String,
    pub tags: Vec<String>,
    pub folder: String,
    pub favourite: bool,
}

impl From<&EntrySummary> for EntryRow {
    fn from(summary: &EntrySummary) -> Self {
        Self {
            id: summary.id.to_string(),
            title: summary.title.clone(),
            username: summary.username.clone(),
            url: summary.urls.first().cloned().unwrap_or_default(),
            tags: summary.tags.clone(),
            folder: summary.folder.clone(),
            favourite: summary.favourite,
        }
    }
}

/// What the list is showing: search text, tag filter, favourites only.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct SearchQuery {
    pub text: String,
    pub tag: Option<String>,
    pub favourites_only: bool,
}

/// A new result set; its rows are fetched window by window with `entry_rows`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SearchResult {
    pub generation: u32,
    pub total: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TagRow {
    pub tag: String,
    pub count: u32,
}

/// Not `Debug`: hidden values are secrets.
#[derive(Clone, Serialize, Deserialize, TS)]
pub struct CustomFieldData {
    pub name: String,
    pub value: String,
    pub hidden: bool,
}

impl From<&CustomField> for CustomFieldData {
    fn from(field: &CustomField) -> Self {
        Self {
            name: field.name.clone(),
            value: field.value.clone(),
            hidden: field.hidden,
        }
    }
}

impl Drop for CustomFieldData {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

/// An entry as the entry window shows it: every field except the password, which comes only
/// from `reveal_password`.
#[derive(Clone, Serialize, TS)]
pub struct EntryDetail {
    pub id: String,
    pub title: String,
    pub username: String,
    pub has_password: bool,
    pub urls: Vec<String>,
    pub notes: String,
    pub tags: Vec<String>,
    pub folder: String,
    pub custom_fields: Vec<CustomFieldData>,
    pub totp: String,
    pub favourite: bool,
    pub created: String,
    pub modified: String,
    pub password_history_count: u32,
}

impl From<&Entry> for EntryDetail {
    fn from(entry: &Entry) -> Self {
        let fields = &entry.fields;
        Self {
            id: entry.id.to_string(),
            title: fields.title.clone(),
            username: fields.username.clone(),
            has_password: !fields.password.is_empty(),
            urls: fields.urls.clone(),
            notes: fields.notes.clone(),
            tags: fields.tags.clone(),
            folder: fields.folder.clone(),
            custom_fields: fields
                .custom_fields
                .iter()
                .map(CustomFieldData::from)
                .collect(),
            totp: fields.totp.clone(),
            favourite: fields.favourite,
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
    pub title: String,
    pub username: String,
    pub password: Option<String>,
    pub urls: Vec<String>,
    pub notes: String,
    pub tags: Vec<String>,
    pub folder: String,
    pub custom_fields: Vec<CustomFieldData>,
    pub totp: String,
    pub favourite: bool,
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
        EntryFields {
            title: std::mem::take(&mut self.title),
            username: std::mem::take(&mut self.username),
            password: self.password.take().or(kept_password).unwrap_or_default(),
            urls: std::mem::take(&mut self.urls),
            notes: std::mem::take(&mut self.notes),
            tags: std::mem::take(&mut self.tags),
            folder: std::mem::take(&mut self.folder),
            custom_fields: self
                .custom_fields
                .iter()
                .map(|field| CustomField {
                    name: field.name.clone(),
                    value: field.value.clone(),
                    hidden: field.hidden,
                })
                .collect(),
            totp: std::mem::take(&mut self.totp),
            favourite: self.favourite,
        }
    }
}

/// A password the entry had before, with the date it was replaced.
#[derive(Serialize, TS)]
pub struct HistoryRow {
    pub password: String,
    pub replaced_at: String,
}

impl Drop for HistoryRow {
    fn drop(&mut self) {
        self.password.zeroize();
    }
}

/// After a copy: how long until the clipboard is cleared.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CopyReceipt {
    pub clear_after_seconds: u32,
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

/// A file chosen in a dialog; `None` when the person cancelled.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ChosenFile {
    pub path: Option<String>,
}

impl From<&PasswordHistoryItem> for HistoryRow {
    fn from(item: &PasswordHistoryItem) -> Self {
        Self {
            password: item.password.clone(),
            replaced_at: timestamp(item.replaced_at),
        }
    }
}

impl From<&TagCount> for TagRow {
    fn from(tag: &TagCount) -> Self {
        Self {
            tag: tag.tag.clone(),
            count: u32::try_from(tag.count).unwrap_or(u32::MAX),
        }
    }
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

/// The strength meter's reading: `score` 0 (very weak) to 4 (very strong).
#[derive(Debug, Clone, Serialize, TS)]
pub struct StrengthReading {
    pub score: u8,
    pub label: String,
    pub bits: f64,
}

impl From<Strength> for StrengthReading {
    fn from(strength: Strength) -> Self {
        let (score, label) = match strength.label {
            StrengthLabel::VeryWeak => (0, "Very weak"),
            StrengthLabel::Weak => (1, "Weak"),
            StrengthLabel::Fair => (2, "Fair"),
            StrengthLabel::Strong => (3, "Strong"),
            StrengthLabel::VeryStrong => (4, "Very strong"),
        };
        Self {
            score,
            label: label.to_owned(),
            bits: strength.bits,
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PasswordRequest {
    pub length: u32,
    pub lowercase: bool,
    pub uppercase: bool,
    pub digits: bool,
    pub symbols: bool,
    pub avoid_ambiguous: bool,
}

impl From<&PasswordRequest> for PasswordSpec {
    fn from(request: &PasswordRequest) -> Self {
        PasswordSpec {
            length: request.length as usize,
            lowercase: request.lowercase,
            uppercase: request.uppercase,
            digits: request.digits,
            symbols: request.symbols,
            avoid_ambiguous: request.avoid_ambiguous,
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PassphraseRequest {
    pub words: u32,
    pub separator: String,
    pub capitalize: bool,
    pub include_digit: bool,
}

impl From<&PassphraseRequest> for PassphraseSpec {
    fn from(request: &PassphraseRequest) -> Self {
        PassphraseSpec {
            words: request.words as usize,
            separator: request.separator.clone(),
            capitalize: request.capitalize,
            include_digit: request.include_digit,
        }
    }
}

/// The bulk actions, as the bulk bar sends them.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BulkAction {
    AddTags { tags: Vec<String> },
    RemoveTags { tags: Vec<String> },
    SetUsername { username: String },
    SetUrl { url: String },
    SetFolder { folder: String },
    AppendNotes { text: String },
    SetFavourite { favourite: bool },
    Delete,
}

impl From<BulkAction> for BulkEdit {
    fn from(action: BulkAction) -> Self {
        match action {
            BulkAction::AddTags { tags } => BulkEdit::AddTags(tags),
            BulkAction::RemoveTags { tags } => BulkEdit::RemoveTags(tags),
            BulkAction::SetUsername { username } => BulkEdit::SetUsername(username),
            BulkAction::SetUrl { url } => BulkEdit::SetUrl(url),
            BulkAction::SetFolder { folder } => BulkEdit::SetFolder(folder),
            BulkAction::AppendNotes { text } => BulkEdit::AppendNotes(text),
            BulkAction::SetFavourite { favourite } => BulkEdit::SetFavourite(favourite),
            BulkAction::Delete => BulkEdit::Delete,
        }
    }
}

/// What a bulk action did, or would do (preview).
#[derive(Debug, Clone, Serialize, TS)]
pub struct BulkSummary {
    pub description: String,
    /// Distinct entries selected.
    pub selected: u32,
    /// Entries that change; the others already have the result.
    pub changed: u32,
    /// Titles of some of the entries that change, for the review dialog.
    pub sample_titles: Vec<String>,
}

/// How many titles the review dialog lists.
pub const BULK_SAMPLE_TITLES: usize = 12;

impl BulkSummary {
    pub fn new(outcome: &BulkOutcome, sample_titles: Vec<String>) -> Self {
        Self {
            description: outcome.description.clone(),
            selected: u32::try_from(outcome.selected).unwrap_or(u32::MAX),
            changed: u32::try_from(outcome.changed).unwrap_or(u32::MAX),
            sample_titles,
        }
    }
}

/// The change that `undo` reverted.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UndoResult {
    pub description: String,
    pub entry_count: u32,
}

impl From<&UndoneChange> for UndoResult {
    fn from(change: &UndoneChange) -> Self {
        Self {
            description: change.description.clone(),
            entry_count: u32::try_from(change.entry_count).unwrap_or(u32::MAX),
        }
    }
}

/// The CSV layouts, named as the core names them (`1password`, `keepassxc`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum CsvFormatName {
    #[serde(rename = "bitwarden")]
    Bitwarden,
    #[serde(rename = "chrome")]
    Chrome,
    #[serde(rename = "keepassxc")]
    KeePassXc,
    #[serde(rename = "1password")]
    OnePassword,
    #[serde(rename = "lastpass")]
    LastPass,
    #[serde(rename = "firefox")]
    Firefox,
    #[serde(rename = "keypost")]
    Keypost,
    #[serde(rename = "generic")]
    Generic,
}

impl From<CsvFormatName> for CsvFormat {
    fn from(name: CsvFormatName) -> Self {
        match name {
            CsvFormatName::Bitwarden => CsvFormat::Bitwarden,
            CsvFormatName::Chrome => CsvFormat::Chrome,
            CsvFormatName::KeePassXc => CsvFormat::KeePassXc,
            CsvFormatName::OnePassword => CsvFormat::OnePassword,
            CsvFormatName::LastPass => CsvFormat::LastPass,
            CsvFormatName::Firefox => CsvFormat::Firefox,
            CsvFormatName::Keypost => CsvFormat::Keypost,
            CsvFormatName::Generic => CsvFormat::Generic,
        }
    }
}

impl From<CsvFormat> for CsvFormatName {
    fn from(format: CsvFormat) -> Self {
        match format {
            CsvFormat::Bitwarden => CsvFormatName::Bitwarden,
            CsvFormat::Chrome => CsvFormatName::Chrome,
            CsvFormat::KeePassXc => CsvFormatName::KeePassXc,
            CsvFormat::OnePassword => CsvFormatName::OnePassword,
            CsvFormat::LastPass => CsvFormatName::LastPass,
            CsvFormat::Firefox => CsvFormatName::Firefox,
            CsvFormat::Keypost => CsvFormatName::Keypost,
            CsvFormat::Generic => CsvFormatName::Generic,
        }
    }
}

/// One row of the import preview table (no password).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportRow {
    pub line: u32,
    pub title: String,
    pub username: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportProblem {
    pub line: u32,
    pub message: String,
}

impl From<&RowProblem> for ImportProblem {
    fn from(problem: &RowProblem) -> Self {
        Self {
            line: u32::try_from(problem.line).unwrap_or(u32::MAX),
            message: problem.message.clone(),
        }
    }
}

/// How many rows the import preview table shows.
pub const IMPORT_PREVIEW_ROWS: usize = 500;

/// What an import would add; `token` accepts it with `accept_import`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportSummary {
    pub token: u32,
    pub format: CsvFormatName,
    /// Entries that would be imported.
    pub total: u32,
    /// The first [`IMPORT_PREVIEW_ROWS`] of them.
    pub rows: Vec<ImportRow>,
    pub problems: Vec<ImportProblem>,
    /// Rows that cannot be read and would be skipped (also those not listed in `problems`).
    pub skipped_rows: u32,
}

impl ImportSummary {
    pub fn new(token: u32, preview: &ImportPreview) -> Self {
        let rows = preview
            .entries
            .iter()
            .zip(preview.meta.iter())
            .take(IMPORT_PREVIEW_ROWS)
            .map(|(fields, meta)| ImportRow {
                line: u32::try_from(meta.line).unwrap_or(u32::MAX),
                title: fields.title.clone(),
                username: fields.username.clone(),
                url: fields.urls.first().cloned().unwrap_or_default(),
            })
            .collect();
        Self {
            token,
            format: preview.format.into(),
            total: u32::try_from(preview.entries.len()).unwrap_or(u32::MAX),
            rows,
            problems: preview.problems.iter().map(ImportProblem::from).collect(),
            skipped_rows: u32::try_from(preview.skipped_rows).unwrap_or(u32::MAX),
        }
    }
}

/// Which entries an export contains.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExportSource {
    /// The whole vault.
    Vault,
    Selection {
        selection: Selection,
    },
    /// Entries received through a pickup and not (yet) saved; `token` from `receive_pickup`.
    Received {
        token: u32,
    },
}

/// Where an export goes and what it contains.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportTarget {
    pub source: ExportSource,
    pub path: String,
}

/// The send dialog, as submitted. No `Debug`: it holds the PIN and the passphrase.
#[derive(Clone, Deserialize, TS)]
pub struct SendRequest {
    pub selection: Selection,
    pub recipient_email: String,
    pub sender_name: String,
    pub message: String,
    /// The PIN of the one pickup; unused with `one_per_entry`, where each gets a random PIN.
    pub pin: String,
    pub one_per_entry: bool,
    pub expires_in_hours: u32,
    pub max_views: Option<u32>,
    pub retrieval_step: bool,
    pub recipient_delete: bool,
    pub passphrase: Option<String>,
    pub include_notes: bool,
}

impl Drop for SendRequest {
    fn drop(&mut self) {
        self.pin.zeroize();
        self.passphrase.zeroize();
    }
}

/// A sent pickup as the sender is shown it: link, QR code of the link and PIN.
#[derive(Clone, Serialize, TS)]
pub struct SentCopy {
    pub id: String,
    pub link: String,
    /// A complete SVG document.
    pub qr_svg: String,
    pub pin: String,
    pub recipient_email: String,
    pub expires_at: String,
    pub emailed: bool,
    pub entry_titles: Vec<String>,
}

/// What the send dialog says under the PIN field.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PinCheck {
    pub valid: bool,
    pub weak: bool,
    pub message: String,
}

/// One line of the Sent tab (no PIN, link or token).
#[derive(Debug, Clone, Serialize, TS)]
pub struct SentRow {
    pub id: String,
    pub recipient_email: String,
    pub entry_titles: Vec<String>,
    /// RFC 3339; null for a record without a send time.
    pub sent_at: Option<String>,
    pub expires_at: String,
    /// The relay's last answer kept in the vault, shown until a fresh one arrives.
    pub last_progress: Option<PickupProgress>,
}

impl From<&SentPickup> for SentRow {
    fn from(sent: &SentPickup) -> Self {
        Self {
            id: sent.id.clone(),
            recipient_email: sent.recipient_email.clone(),
            entry_titles: sent.entry_titles.clone(),
            sent_at: sent.sent_at.and_then(|at| at.format(&Rfc3339).ok()),
            expires_at: sent.expires_at.clone(),
            last_progress: sent.last_status.clone().map(PickupProgress::from),
        }
    }
}

/// The relay's owner view of one sent pickup.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PickupProgress {
    pub id: String,
    pub state: PickupState,
    pub attempts_left: u32,
    pub views_left: Option<u32>,
    pub events: Vec<PickupEvent>,
}

impl From<OwnerStatus> for PickupProgress {
    fn from(status: OwnerStatus) -> Self {
        Self {
            id: status.id,
            state: status.state,
            attempts_left: status.attempts_left,
            views_left: status.views_left,
            events: status.events,
        }
    }
}

/// Something new happened to a sent pickup (the `pickup-event` event).
#[derive(Debug, Clone, Serialize, TS)]
pub struct PickupNews {
    pub id: String,
    pub recipient_email: String,
    pub kind: PickupEventKind,
    pub at: String,
}

/// A pickup before its PIN is entered.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PickupInfo {
    pub sender_name: String,
    pub message: String,
    pub expires_at: String,
    pub attempts_left: u32,
    pub views_left: Option<u32>,
    pub passphrase_required: bool,
    pub recipient_delete: bool,
}

impl From<PickupStatus> for PickupInfo {
    fn from(status: PickupStatus) -> Self {
        Self {
            sender_name: status.sender_name,
            message: status.message,
            expires_at: status.expires_at,
            attempts_left: status.attempts_left,
            views_left: status.views_left,
            passphrase_required: status.passphrase_required,
            recipient_delete: status.recipient_delete,
        }
    }
}

/// An opened pickup, waiting to be saved (`accept_import`) or exported; no passwords.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReceivedSummary {
    pub token: u32,
    pub sender_name: String,
    pub message: String,
    pub total: u32,
    pub rows: Vec<ImportRow>,
}

impl ReceivedSummary {
    pub fn new(token: u32, sender_name: String, message: String, entries: &[EntryFields]) -> Self {
        let rows = entries
            .iter()
            .zip(1..)
            .map(|(fields, number)| ImportRow {
                line: number,
                title: fields.title.clone(),
                username: fields.username.clone(),
                url: fields.urls.first().cloned().unwrap_or_default(),
            })
            .collect();
        Self {
            token,
            sender_name,
            message,
            total: u32::try_from(entries.len()).unwrap_or(u32::MAX),
            rows,
        }
    }
}

/// The relay in use.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RelayInfo {
    pub url: String,
    /// The app's own relay on 127.0.0.1 (no relay address in Settings).
    pub built_in: bool,
    /// Where the built-in relay writes emails, as `.eml` files.
    pub outbox: Option<String>,
}
