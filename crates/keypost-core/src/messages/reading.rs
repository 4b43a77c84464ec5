//! The inbox as the person reads it: list and show (passwords hidden unless revealed), save
//! into the vault (one transaction, one undo step), export through the interchange exporters,
//! delete (a tombstone keeps the id), and the sent log.

use super::MessagesVault;
use super::tables::{
    Content, InboxMessage, InboxRow, MessageVerdict, ReceivedEntry, SentMessage, contact_name,
};
use crate::entry::EntryId;
use crate::inbox::{InboxError, Result};
use crate::interchange::csv::{CsvExportOptions, CsvFormat, write_csv};
use crate::interchange::print::{PrintOptions, render_pdf};
use crate::pickups::{fields_of, unsaved_entries};
use keypost_protocol::inbox::payload::EntriesPayload;
use keypost_protocol::inbox::{MessageId, Payload};
use serde::Serialize;
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// What [`export`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv(CsvFormat),
    /// The printable page.
    Pdf,
}

/// Every message in the inbox (not deleted), oldest sent first; passwords hidden.
pub fn list<V: MessagesVault>(vault: &V) -> Result<Vec<InboxMessage>> {
    vault
        .messages()
        .inbox()?
        .into_iter()
        .map(|row| shown(vault, row, false))
        .collect()
}

/// One window of the inbox as the app's list draws it: newest sent first, passwords hidden.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize)]
pub struct InboxPage {
    /// How many messages the whole list holds (with the contact filter).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: usize,
    /// The messages from `start` on, at most `count`.
    pub messages: Vec<InboxMessage>,
}

/// `count` messages from the `start`-th newest (only those from the contact called `contact`
/// with `Some`), so a list of 10,000 messages shows without reading them all. A contact name
/// no longer in the vault has no messages.
pub fn page<V: MessagesVault>(
    vault: &V,
    contact: Option<&str>,
    start: usize,
    count: usize,
) -> Result<InboxPage> {
    let contact_id = match contact {
        None => None,
        Some(name) => match vault.contacts().by_name(name) {
            Ok(contact) => Some(contact.id),
            Err(InboxError::NotFound(_)) => {
                return Ok(InboxPage {
                    total: 0,
                    messages: Vec::new(),
                });
            }
            Err(error) => return Err(error),
        },
    };
    let (total, rows) = vault.messages().inbox_window(contact_id, start, count)?;
    let messages = rows
        .into_iter()
        .map(|row| shown(vault, row, false))
        .collect::<Result<_>>()?;
    Ok(InboxPage { total, messages })
}

/// One message; passwords, TOTP and hidden fields only with `reveal`.
pub fn show<V: MessagesVault>(vault: &V, id: MessageId, reveal: bool) -> Result<InboxMessage> {
    shown(vault, vault.messages().received(id)?, reveal)
}

/// The person opens message `id`: it is marked read (it stops being new, also after a
/// restart) and shown with passwords hidden.
pub fn open<V: MessagesVault>(vault: &mut V, id: MessageId) -> Result<InboxMessage> {
    vault
        .messages_mut()
        .mark_read(id, OffsetDateTime::now_utc())?;
    show(vault, id, false)
}

/// Entry `index` of message `id` with its password, TOTP and hidden fields, for the person who
/// asked to see or copy them.
pub fn reveal<V: MessagesVault>(vault: &V, id: MessageId, index: usize) -> Result<ReceivedEntry> {
    let row = vault.messages().received(id)?;
    entries_of(&row)?
        .entries
        .get(index)
        .map(|entry| ReceivedEntry::of(entry, true))
        .ok_or_else(|| InboxError::NotFound(format!("entry {index} of message {id}")))
}

/// How many messages were dropped without content: from unknown keys (or removed and blocked
/// contacts), and ones that failed to open.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DroppedCounts {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub quarantined: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rejected: i64,
}

pub fn dropped<V: MessagesVault>(vault: &V) -> Result<DroppedCounts> {
    Ok(DroppedCounts {
        quarantined: vault.messages().counter("quarantined")?,
        rejected: vault.messages().counter("rejected")?,
    })
}

/// An export file's content (passwords in clear) and how many entries it holds.
pub struct ExportedMessages {
    pub bytes: Zeroizing<Vec<u8>>,
    pub entries: usize,
}

/// Says how big the file is, never what it holds.
impl std::fmt::Debug for ExportedMessages {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ExportedMessages")
            .field("bytes", &self.bytes.len())
            .field("entries", &self.entries)
            .finish()
    }
}

/// Saves the entries of message `id` (all, or those at the indexes `only`) as new entries:
/// one transaction and one undo step. A held message cannot be saved, and a `request` or
/// `decline` has nothing to save.
pub fn save<V: MessagesVault>(
    vault: &mut V,
    id: MessageId,
    only: Option<&[usize]>,
) -> Result<Vec<EntryId>> {
    let row = vault.messages().received(id)?;
    if row.verdict == MessageVerdict::Held {
        return Err(InboxError::Held);
    }
    let payload = entries_of(&row)?;
    let fields =
        match only {
            None => payload.entries.iter().map(fields_of).collect(),
            Some(indexes) => indexes
                .iter()
                .map(|&index| {
                    payload.entries.get(index).map(fields_of).ok_or_else(|| {
                        InboxError::NotFound(format!("entry {index} of message {id}"))
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        };
    let (from, _) = contact_name(vault, row.contact_id)?;
    vault.messages_mut().save(id, fields, &from)
}

/// The entries of the messages `ids` as one CSV file or printable PDF (passwords in clear:
/// write it with `interchange::write_private_file`). Held messages are refused.
pub fn export<V: MessagesVault>(
    vault: &V,
    ids: &[MessageId],
    format: ExportFormat,
) -> Result<ExportedMessages> {
    let mut entries = Vec::new();
    for id in ids {
        let row = vault.messages().received(*id)?;
        if row.verdict == MessageVerdict::Held {
            return Err(InboxError::Held);
        }
        entries.extend(unsaved_entries(&entries_of(&row)?.entries, row.received_at));
    }
    let bytes = match format {
        ExportFormat::Csv(csv) => {
            let mut bytes = Zeroizing::new(Vec::new());
            write_csv(&entries, csv, &CsvExportOptions::default(), &mut *bytes)
                .map_err(|error| InboxError::Export(error.to_string()))?;
            bytes
        }
        ExportFormat::Pdf => Zeroizing::new(
            render_pdf(
                &entries,
                &PrintOptions {
                    title: "Keypost messages".to_owned(),
                    ..PrintOptions::default()
                },
            )
            .map_err(|error| InboxError::Export(error.to_string()))?,
        ),
    };
    Ok(ExportedMessages {
        bytes,
        entries: entries.len(),
    })
}

/// Deletes message `id`: its content goes, its id stays (a later copy is still a replay).
pub fn delete<V: MessagesVault>(vault: &mut V, id: MessageId) -> Result<()> {
    vault.messages_mut().delete(id, OffsetDateTime::now_utc())
}

/// The sent log, newest first: each copy exactly as sent (passwords hidden).
pub fn sent<V: MessagesVault>(vault: &V) -> Result<Vec<SentMessage>> {
    vault.messages().sent()
}

fn payload_of(row: &InboxRow) -> Result<&Payload> {
    row.payload
        .as_ref()
        .ok_or_else(|| InboxError::NotFound(format!("message {} was deleted", row.id)))
}

/// The entries of an `entries` message; other kinds hold none to save or export.
fn entries_of(row: &InboxRow) -> Result<&EntriesPayload> {
    match payload_of(row)? {
        Payload::Entries(entries) => Ok(entries),
        other => Err(InboxError::InvalidInput(format!(
            "message {} is a {}: it holds no entries",
            row.id,
            other.kind()
        ))),
    }
}

fn shown<V: MessagesVault>(vault: &V, row: InboxRow, reveal: bool) -> Result<InboxMessage> {
    let (from, from_fingerprint) = contact_name(vault, row.contact_id)?;
    let content = Content::of(payload_of(&row)?, reveal)?;
    // Saved and still there: an undone save (or deleted copies) can be saved again.
    let mut saved_entry_ids = Vec::with_capacity(row.saved.len());
    for id in &row.saved {
        if vault.entries().contains(*id)? {
            saved_entry_ids.push(*id);
        }
    }
    Ok(InboxMessage {
        id: row.id,
        from,
        sender_name: content.sender_name,
        from_fingerprint,
        state: row.verdict,
        kind: content.kind,
        sequence: content.sequence,
        missing_before: row.missing_before,
        note: content.note,
        request_text: content.request_text,
        declines: content.declines,
        sent_at: OffsetDateTime::from_unix_timestamp(i64::try_from(row.sent_at).unwrap_or(0))
            .map_err(|error| InboxError::Corrupt(error.to_string()))?,
        received_at: row.received_at,
        entries: content.entries,
        saved_entry_ids,
        read: row.read,
    })
}
