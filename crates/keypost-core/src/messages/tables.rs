//! The rows of schema 5 and what the use cases show of them. Payloads are stored as the
//! canonical JSON that was sealed or opened, so a message reads back exactly as it travelled.

use super::{Messages, MessagesMut};
use crate::contacts::ContactsVault;
use crate::entries::add_in;
use crate::entry::{EntryFields, EntryId};
use crate::inbox::{InboxError, Result, stored};
use crate::store::{from_nanos, to_nanos};
use keypost_protocol::inbox::{Fingerprint, KeyBundle, MessageId, Payload};
use keypost_protocol::pickup::EntrySnapshot;
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;
use time::OffsetDateTime;

/// How the receiver policy let a message in.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageVerdict {
    /// From a contact's pinned key.
    Accepted,
    /// From a key that replaced a contact's pinned one: shown only on request, never saved.
    Held,
}

impl MessageVerdict {
    fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Held => "held",
        }
    }
}

/// What a message asks of the person: its payload kind (docs/spec/inbox.md, "Payload kinds").
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Copies of entries, which can be saved or exported.
    Entries,
    /// The contact asks for a password (`request_text`); nothing to save.
    Request,
    /// The contact declined the request `declines`; nothing to save.
    Decline,
}

/// The fields a message shows, whatever its kind.
pub(crate) struct Content {
    pub kind: MessageKind,
    pub sequence: Option<u64>,
    pub sender_name: String,
    pub note: String,
    pub entries: Vec<ReceivedEntry>,
    pub request_text: Option<String>,
    pub declines: Option<MessageId>,
}

impl Content {
    pub(crate) fn of(payload: &Payload, reveal: bool) -> Result<Self> {
        let mut content = Self {
            kind: MessageKind::Entries,
            sequence: payload.sequence(),
            sender_name: String::new(),
            note: String::new(),
            entries: Vec::new(),
            request_text: None,
            declines: None,
        };
        match payload {
            Payload::Entries(entries) => {
                content.sender_name.clone_from(&entries.sender_name);
                content.note.clone_from(&entries.note);
                content.entries = entries
                    .entries
                    .iter()
                    .map(|entry| ReceivedEntry::of(entry, reveal))
                    .collect();
            }
            Payload::Request(request) => {
                content.kind = MessageKind::Request;
                content.request_text = Some(request.text.clone());
            }
            Payload::Decline(decline) => {
                content.kind = MessageKind::Decline;
                content.declines = Some(decline.request);
            }
            Payload::Connect(_) => {
                return Err(InboxError::Corrupt("a stored connect message".into()));
            }
        }
        Ok(content)
    }
}

/// One field of a received (or sent) entry; hidden values are `None` unless revealed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedField {
    pub name: String,
    pub value: Option<String>,
    pub hidden: bool,
}

/// An entry in a message: the password, TOTP and hidden fields are `None` unless revealed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedEntry {
    pub title: String,
    pub username: String,
    pub password: Option<String>,
    pub urls: Vec<String>,
    pub notes: String,
    pub custom_fields: Vec<ReceivedField>,
    pub totp: Option<String>,
}

impl std::fmt::Debug for ReceivedEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceivedEntry")
            .field("title", &self.title)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl ReceivedEntry {
    pub(crate) fn of(snapshot: &EntrySnapshot, reveal: bool) -> Self {
        let shown = |value: &str| reveal.then(|| value.to_owned());
        Self {
            title: snapshot.title.clone(),
            username: snapshot.username.clone(),
            password: shown(&snapshot.password),
            urls: snapshot.urls.clone(),
            notes: snapshot.notes.clone(),
            custom_fields: snapshot
                .custom_fields
                .iter()
                .map(|field| ReceivedField {
                    name: field.name.clone(),
                    value: if field.hidden {
                        shown(&field.value)
                    } else {
                        Some(field.value.clone())
                    },
                    hidden: field.hidden,
                })
                .collect(),
            totp: shown(&snapshot.totp),
        }
    }
}

/// A message in the inbox.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize)]
pub struct InboxMessage {
    pub id: MessageId,
    /// The contact's name in this vault.
    pub from: String,
    /// The name the sender gave itself.
    pub sender_name: String,
    pub from_fingerprint: Fingerprint,
    pub state: MessageVerdict,
    pub kind: MessageKind,
    /// The sender's number for this message (docs/spec/inbox.md, section 9.4); `None` for
    /// messages stored before sequence numbers existed.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub sequence: Option<u64>,
    /// How many of this sender key's numbers just below `sequence` never arrived (0: none).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub missing_before: u64,
    pub note: String,
    /// A `request`'s text.
    pub request_text: Option<String>,
    /// A `decline`'s request (the id of my request message).
    pub declines: Option<MessageId>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub sent_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub received_at: OffsetDateTime,
    pub entries: Vec<ReceivedEntry>,
    /// Entries made from this message by saving it that are still in the vault.
    pub saved_entry_ids: Vec<EntryId>,
    /// The person opened it ([`super::open`]) at some time: it is no longer new.
    pub read: bool,
}

/// Where a sent message stands.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SentStatus {
    /// Recorded; whether the relay took it is not known yet.
    Pending,
    Queued,
    Delivered,
    Expired,
    /// The relay refused it (the contact revoked the grant, a full mailbox, …).
    Refused,
}

impl SentStatus {
    const ALL: [Self; 5] = [
        Self::Pending,
        Self::Queued,
        Self::Delivered,
        Self::Expired,
        Self::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Queued => "queued",
            Self::Delivered => "delivered",
            Self::Expired => "expired",
            Self::Refused => "refused",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| InboxError::Corrupt(format!("sent status {text:?}")))
    }
}

/// A message this vault sent: the copy exactly as sent, read-only.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize)]
pub struct SentMessage {
    pub id: MessageId,
    /// The contact's name when it was sent.
    pub to: String,
    pub to_fingerprint: Fingerprint,
    pub kind: MessageKind,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub sequence: Option<u64>,
    pub note: String,
    pub entries: Vec<ReceivedEntry>,
    pub request_text: Option<String>,
    pub declines: Option<MessageId>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub sent_at: OffsetDateTime,
    pub status: SentStatus,
}

/// An inbox row as stored.
pub(crate) struct InboxRow {
    pub id: MessageId,
    pub contact_id: i64,
    pub verdict: MessageVerdict,
    pub sent_at: u64,
    pub received_at: OffsetDateTime,
    pub payload: Option<Payload>,
    pub saved: Vec<EntryId>,
    pub missing_before: u64,
    pub read: bool,
}

/// A received message to store.
pub(crate) struct NewReceived<'a> {
    pub id: MessageId,
    pub contact_id: i64,
    pub verdict: MessageVerdict,
    pub sender: &'a KeyBundle,
    pub sent_at: u64,
    pub payload: &'a Payload,
}

/// A sent message to record before its deposit.
pub(crate) struct NewSent<'a> {
    pub id: MessageId,
    pub contact_id: i64,
    pub sequence: Option<u64>,
    pub recipient_name: &'a str,
    pub recipient: &'a Fingerprint,
    pub payload: &'a [u8],
}

const INBOX_COLUMNS: &str = "message_id, contact_id, verdict, sent_at, received_at, payload, saved_entry_ids, missing_before, read_at IS NOT NULL";
/// The inbox with each message's gap: numbers of the same sender key between the next lower
/// number received (or 0) and its own. Tombstones keep their number, so deleting closes nothing.
const INBOX_WITH_GAPS: &str = "(SELECT *, CASE WHEN sequence IS NULL THEN 0 ELSE
    sequence - 1 - COALESCE(LAG(sequence) OVER (PARTITION BY contact_id, sender_bundle
    ORDER BY sequence), 0) END AS missing_before FROM inbox_messages)";
const SENT_COLUMNS: &str =
    "message_id, recipient_name, recipient_fingerprint, payload, sent_at, status";

impl Messages<'_> {
    /// Messages not deleted, oldest sent first.
    pub(crate) fn inbox(&self) -> Result<Vec<InboxRow>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {INBOX_COLUMNS} FROM {INBOX_WITH_GAPS} WHERE deleted_at IS NULL
             ORDER BY sent_at, received_at, message_id"
        ))?;
        let rows = statement
            .query_map([], raw_inbox)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(RawInbox::parse).collect()
    }

    /// `count` messages not deleted (only contact `contact_id`'s with `Some`), newest sent
    /// first, skipping the `start` newest; and how many there are in all.
    pub(crate) fn inbox_window(
        &self,
        contact_id: Option<i64>,
        start: usize,
        count: usize,
    ) -> Result<(usize, Vec<InboxRow>)> {
        let total: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM inbox_messages
             WHERE deleted_at IS NULL AND (?1 IS NULL OR contact_id = ?1)",
            params![contact_id],
            |row| row.get(0),
        )?;
        let mut statement = self.conn.prepare(&format!(
            "SELECT {INBOX_COLUMNS} FROM {INBOX_WITH_GAPS}
             WHERE deleted_at IS NULL AND (?1 IS NULL OR contact_id = ?1)
             ORDER BY sent_at DESC, received_at DESC, message_id DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = statement
            .query_map(
                params![
                    contact_id,
                    i64::try_from(count).unwrap_or(i64::MAX),
                    i64::try_from(start).unwrap_or(i64::MAX)
                ],
                raw_inbox,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let rows = rows
            .into_iter()
            .map(RawInbox::parse)
            .collect::<Result<_>>()?;
        Ok((usize::try_from(total).unwrap_or(0), rows))
    }

    /// The message `id` if it is in the inbox and not deleted.
    pub(crate) fn received(&self, id: MessageId) -> Result<InboxRow> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {INBOX_COLUMNS} FROM {INBOX_WITH_GAPS}
                     WHERE message_id = ?1 AND deleted_at IS NULL"
                ),
                params![id.as_bytes().as_slice()],
                raw_inbox,
            )
            .optional()?
            .ok_or_else(|| InboxError::NotFound(format!("no message {id} in the inbox")))?
            .parse()
    }

    /// Whether `sequence` from `sender` (as contact `contact_id`) is in the inbox already.
    pub(crate) fn has_sequence(
        &self,
        contact_id: i64,
        sender: &KeyBundle,
        sequence: u64,
    ) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM inbox_messages
                 WHERE contact_id = ?1 AND sender_bundle = ?2 AND sequence = ?3",
                params![
                    contact_id,
                    sender.as_bytes().as_slice(),
                    sequence_column(sequence)
                ],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The number the next message to contact `contact_id` carries: one more than the last
    /// one recorded (sent or not), from 1.
    pub(crate) fn next_sequence(&self, contact_id: i64) -> Result<u64> {
        let last: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(sequence), 0) FROM sent_messages WHERE contact_id = ?1",
            params![contact_id],
            |row| row.get(0),
        )?;
        Ok(u64::try_from(last).unwrap_or(0) + 1)
    }

    /// How many messages were dropped as from an unknown key (`quarantined`) or unopenable
    /// (`rejected`).
    pub fn counter(&self, name: &str) -> Result<i64> {
        Ok(self
            .conn
            .query_row(
                "SELECT count FROM inbox_counters WHERE name = ?1",
                params![name],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Sent messages, newest first.
    pub(crate) fn sent(&self) -> Result<Vec<SentMessage>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {SENT_COLUMNS} FROM sent_messages ORDER BY sent_at DESC"
        ))?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, Vec<u8>>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Vec<u8>>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                    row.get::<_, String>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, to, fingerprint, payload, sent_at, status)| {
                let content = Content::of(&stored_payload(&payload)?, false)?;
                let fingerprint = stored(&fingerprint, "a fingerprint")?;
                Ok(SentMessage {
                    id: message_id(&id)?,
                    to,
                    to_fingerprint: Fingerprint::from_bytes(fingerprint),
                    kind: content.kind,
                    sequence: content.sequence,
                    note: content.note,
                    entries: content.entries,
                    request_text: content.request_text,
                    declines: content.declines,
                    sent_at: from_nanos(sent_at)?,
                    status: SentStatus::parse(&status)?,
                })
            })
            .collect()
    }
}

impl MessagesMut<'_> {
    /// Starts a transaction that later steps of one use case (across feature handles) share;
    /// [`finish`] commits or rolls it back.
    pub(crate) fn begin(&mut self) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    pub(crate) fn end(&mut self, commit: bool) -> Result<()> {
        self.conn
            .execute_batch(if commit { "COMMIT" } else { "ROLLBACK" })?;
        Ok(())
    }

    /// Records `id` as seen; `false` when it was seen before (a replay).
    pub(crate) fn mark_seen(&mut self, id: MessageId, now: OffsetDateTime) -> Result<bool> {
        let inserted = self.conn.execute(
            "INSERT OR IGNORE INTO seen_messages (message_id, seen_at) VALUES (?1, ?2)",
            params![id.as_bytes().as_slice(), to_nanos(now)?],
        )?;
        Ok(inserted == 1)
    }

    pub(crate) fn add_received(
        &mut self,
        new: &NewReceived<'_>,
        now: OffsetDateTime,
    ) -> Result<()> {
        let payload = new.payload.to_canonical_json()?;
        let payload = std::str::from_utf8(&payload)
            .map_err(|_| InboxError::Corrupt("a payload is not UTF-8".into()))?;
        self.conn.execute(
            "INSERT INTO inbox_messages (message_id, contact_id, verdict, sender_bundle,
                 sent_at, received_at, payload, sequence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                new.id.as_bytes().as_slice(),
                new.contact_id,
                new.verdict.as_str(),
                new.sender.as_bytes().as_slice(),
                i64::try_from(new.sent_at).unwrap_or(i64::MAX),
                to_nanos(now)?,
                payload,
                new.payload.sequence().map(sequence_column),
            ],
        )?;
        Ok(())
    }

    pub(crate) fn bump(&mut self, counter: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO inbox_counters (name, count) VALUES (?1, 1)
             ON CONFLICT (name) DO UPDATE SET count = count + 1",
            params![counter],
        )?;
        Ok(())
    }

    /// Saves `fields` from the message `id` as new entries and remembers their ids: one
    /// transaction, one undo step.
    pub(crate) fn save(
        &mut self,
        id: MessageId,
        fields: Vec<EntryFields>,
        from: &str,
    ) -> Result<Vec<EntryId>> {
        let saved = self.read().received(id)?.saved;
        let description = format!("Save {} entries from {from}", fields.len());
        let tx = self.conn.transaction()?;
        let ids = add_in(&tx, fields, &description)?;
        let all: Vec<EntryId> = saved.into_iter().chain(ids.iter().copied()).collect();
        tx.execute(
            "UPDATE inbox_messages SET saved_entry_ids = ?2 WHERE message_id = ?1",
            params![id.as_bytes().as_slice(), to_json(&all)?],
        )?;
        tx.commit()?;
        Ok(ids)
    }

    /// Records that the person opened `id` (the first time counts; later opens change
    /// nothing).
    pub(crate) fn mark_read(&mut self, id: MessageId, now: OffsetDateTime) -> Result<()> {
        self.read().received(id)?;
        self.conn.execute(
            "UPDATE inbox_messages SET read_at = ?2 WHERE message_id = ?1 AND read_at IS NULL",
            params![id.as_bytes().as_slice(), to_nanos(now)?],
        )?;
        Ok(())
    }

    /// Deletes the content of `id`; the row stays as a tombstone with its id.
    pub(crate) fn delete(&mut self, id: MessageId, now: OffsetDateTime) -> Result<()> {
        self.read().received(id)?;
        self.conn.execute(
            "UPDATE inbox_messages SET payload = NULL, deleted_at = ?2 WHERE message_id = ?1",
            params![id.as_bytes().as_slice(), to_nanos(now)?],
        )?;
        Ok(())
    }

    pub(crate) fn record_sent(&mut self, new: &NewSent<'_>, now: OffsetDateTime) -> Result<()> {
        let payload = std::str::from_utf8(new.payload)
            .map_err(|_| InboxError::Corrupt("a payload is not UTF-8".into()))?;
        let now = to_nanos(now)?;
        self.conn.execute(
            "INSERT INTO sent_messages (message_id, contact_id, recipient_name,
                 recipient_fingerprint, payload, sent_at, status, status_at, sequence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?6, ?7)",
            params![
                new.id.as_bytes().as_slice(),
                new.contact_id,
                new.recipient_name,
                new.recipient.as_bytes().as_slice(),
                payload,
                now,
                new.sequence.map(sequence_column),
            ],
        )?;
        Ok(())
    }

    pub(crate) fn set_sent_status(
        &mut self,
        id: MessageId,
        status: SentStatus,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE sent_messages SET status = ?2, status_at = ?3 WHERE message_id = ?1",
            params![id.as_bytes().as_slice(), status.as_str(), to_nanos(now)?],
        )?;
        Ok(())
    }
}

/// Runs `step` in one transaction over every feature handle: committed if it succeeds,
/// rolled back if it fails.
pub(crate) fn in_transaction<V: super::MessagesVault, R>(
    vault: &mut V,
    step: impl FnOnce(&mut V) -> Result<R>,
) -> Result<R> {
    vault.messages_mut().begin()?;
    let outcome = step(vault);
    let ended = vault.messages_mut().end(outcome.is_ok());
    let value = outcome?;
    ended?;
    Ok(value)
}

/// The name and pinned fingerprint of the contact a message belongs to.
pub(crate) fn contact_name<V: ContactsVault>(
    vault: &V,
    contact_id: i64,
) -> Result<(String, Fingerprint)> {
    let contact = vault.contacts().by_id(contact_id)?;
    Ok((contact.name.clone(), contact.fingerprint()))
}

struct RawInbox {
    id: Vec<u8>,
    contact_id: i64,
    verdict: String,
    sent_at: i64,
    received_at: i64,
    payload: Option<String>,
    saved: String,
    missing_before: i64,
    read: bool,
}

fn raw_inbox(row: &Row<'_>) -> rusqlite::Result<RawInbox> {
    Ok(RawInbox {
        id: row.get(0)?,
        contact_id: row.get(1)?,
        verdict: row.get(2)?,
        sent_at: row.get(3)?,
        received_at: row.get(4)?,
        payload: row.get(5)?,
        saved: row.get(6)?,
        missing_before: row.get(7)?,
        read: row.get(8)?,
    })
}

impl RawInbox {
    fn parse(self) -> Result<InboxRow> {
        Ok(InboxRow {
            id: message_id(&self.id)?,
            contact_id: self.contact_id,
            verdict: if self.verdict == MessageVerdict::Held.as_str() {
                MessageVerdict::Held
            } else {
                MessageVerdict::Accepted
            },
            sent_at: u64::try_from(self.sent_at).unwrap_or(0),
            received_at: from_nanos(self.received_at)?,
            payload: self.payload.as_deref().map(stored_payload).transpose()?,
            saved: serde_json::from_str(&self.saved)
                .map_err(|error| InboxError::Corrupt(format!("saved entry ids: {error}")))?,
            missing_before: u64::try_from(self.missing_before).unwrap_or(0),
            read: self.read,
        })
    }
}

/// A stored payload (`entries`, `request` or `decline`; a `connect` is acted on, not stored).
fn stored_payload(text: &str) -> Result<Payload> {
    match Payload::from_canonical_json(text.as_bytes())? {
        Payload::Connect(_) => Err(InboxError::Corrupt("a stored connect message".into())),
        payload => Ok(payload),
    }
}

/// A sequence number as SQLite stores it (the protocol keeps them under 2^53).
fn sequence_column(sequence: u64) -> i64 {
    i64::try_from(sequence).unwrap_or(i64::MAX)
}

fn message_id(bytes: &[u8]) -> Result<MessageId> {
    stored(bytes, "a message id").map(MessageId::from_bytes)
}

fn to_json(ids: &[EntryId]) -> Result<String> {
    serde_json::to_string(ids).map_err(|error| InboxError::Corrupt(error.to_string()))
}
