//! The log of pickups sent from this vault (schema 2). Records are kept whole as JSON: the
//! sender's app reads them back to show the link, the PIN and the live status. The send time
//! is the `sent_at` column; the record may carry the relay's last answer (a cache).
//!
//! A record is written before its pickup is deposited ([`SentState::Pending`]) and marked sent
//! after, so the owner token is in the vault before the relay holds anything it authorises.
//!
//! Once a pickup has ended (the relay said so, it was revoked, or its expiry passed), its link
//! and PIN are dropped from the record ([`PickupsMut::drop_ended_secrets`]): nobody needs them
//! any more, and a vault that kept them would hold every PIN it ever sent. The owner token
//! stays, so the Sent list can still ask what happened.

use super::{PickupError, Result};
use crate::store::{Migration, TimeOutOfRange, connection_handles, from_nanos, to_nanos};
use keypost_protocol::api::pickups::{OwnerStatus, PickupEventKind, PickupState};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zeroize::Zeroize;

/// Schema 2: the sent log. Byte-identical to what earlier builds wrote.
pub(crate) const MIGRATION: Migration = Migration {
    version: 2,
    sql: "
    -- Pickups this vault sent by email, so the sender can follow and revoke them. `record`
    -- is the JSON of `sharing::SentPickup` (it holds the link, PIN and owner token).
    CREATE TABLE sent_pickups (
        id      TEXT    PRIMARY KEY,
        sent_at INTEGER NOT NULL,             -- Unix time, nanoseconds
        record  TEXT    NOT NULL
    );
    ",
    rewrite: None,
};

/// Where a sent pickup stands, as far as this vault knows.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentState {
    /// Recorded, and the relay was asked to take it; whether it did is not known yet.
    Pending,
    /// The relay took it. Records from before pending existed have no state: they are sent.
    #[default]
    Sent,
    /// The relay never received it (it answered 404 to its owner).
    NotSent,
}

impl SentState {
    fn is_sent(&self) -> bool {
        *self == Self::Sent
    }
}

/// Who takes a pickup's link to its recipient.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkDelivery {
    /// The relay emails the link to the recipient's address: it holds the link secret for the
    /// moment it sends the email.
    #[default]
    RelayEmails,
    /// The sender passes the link on (copy, QR code, their own mail program): the relay never
    /// receives the link secret, so even its operator cannot pair its data with the link.
    SenderDelivers,
}

impl LinkDelivery {
    fn is_relay_emails(&self) -> bool {
        *self == Self::RelayEmails
    }
}

/// A deposited pickup: what the sender is shown and what the app keeps to follow it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentPickup {
    pub id: String,
    pub relay_url: String,
    /// `<page_url>#<secret>`, the link the recipient was emailed; empty once the pickup ended.
    pub link: String,
    /// The `keypost://` form of the same link; empty once the pickup ended.
    pub deep_link: String,
    /// Empty once the pickup ended.
    pub pin: String,
    /// Authorises status and revoke; kept by the sender only.
    pub owner_token: String,
    /// The recipient's address; `None` when the sender delivered the link without naming one.
    pub recipient_email: Option<String>,
    pub expires_at: String,
    pub emailed: bool,
    /// Who takes the link to the recipient. Left out when the relay emails it, so records
    /// read and print as they did before the sender could deliver links.
    #[serde(default, skip_serializing_if = "LinkDelivery::is_relay_emails")]
    pub delivery: LinkDelivery,
    pub entry_titles: Vec<String>,
    /// Left out when sent, so sent records read and print as they did before pending existed.
    #[serde(default, skip_serializing_if = "SentState::is_sent")]
    pub state: SentState,
    /// When it was sent: filled in from the vault's sent log when read back.
    #[serde(skip)]
    pub sent_at: Option<OffsetDateTime>,
    /// The relay's last answer about it, so the Sent list shows a status at once. Only a
    /// cache: the relay's owner status stays the authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<OwnerStatus>,
}

impl SentPickup {
    /// Whether the pickup can no longer be opened, as far as the sent log knows: the relay's
    /// last answer says it ended (destroyed, expired, deleted, revoked, used up), or its
    /// expiry has passed. A pending or never-sent record has not ended.
    pub fn has_ended(&self, now: OffsetDateTime) -> bool {
        if self.state != SentState::Sent {
            return false;
        }
        let ended_on_relay = self
            .last_status
            .as_ref()
            .is_some_and(|status| status.state != PickupState::Active);
        let expired = OffsetDateTime::parse(&self.expires_at, &Rfc3339)
            .is_ok_and(|expires_at| expires_at <= now);
        ended_on_relay || expired
    }

    /// Whether the link and PIN were dropped because the pickup ended.
    pub fn secrets_dropped(&self) -> bool {
        self.pin.is_empty() && self.link.is_empty()
    }

    fn without_secrets(mut self) -> Self {
        self.link.zeroize();
        self.deep_link.zeroize();
        self.pin.zeroize();
        self
    }
}

impl std::fmt::Debug for SentPickup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentPickup")
            .field("id", &self.id)
            .field("recipient_email", &self.recipient_email)
            .field("expires_at", &self.expires_at)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

connection_handles!(
    /// Read access to the sent log of an unlocked vault (from `Vault::pickups`).
    Pickups,
    /// Write access to the sent log (from `Vault::pickups_mut`). Only the use cases write: the
    /// order of their writes around the network calls is what keeps every pickup followable.
    PickupsMut
);

impl From<TimeOutOfRange> for PickupError {
    fn from(error: TimeOutOfRange) -> Self {
        Self::CorruptRecord(error.to_string())
    }
}

impl<'v> Pickups<'v> {
    /// Sent pickups, newest first, each with when it was sent and its last known status.
    pub fn sent(&self) -> Result<Vec<SentPickup>> {
        let mut statement = self
            .conn
            .prepare("SELECT record, sent_at FROM sent_pickups ORDER BY sent_at DESC, id")?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.iter()
            .map(|(record, sent_at)| {
                let mut sent = parse_record(record)?;
                sent.sent_at = Some(from_nanos(*sent_at)?);
                Ok(sent)
            })
            .collect()
    }

    /// The sent pickup `id`, or [`PickupError::NotListed`].
    pub fn find(&self, id: &str) -> Result<SentPickup> {
        let row: Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT record, sent_at FROM sent_pickups WHERE id = ?1",
                params![id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (record, sent_at) = row.ok_or_else(|| PickupError::NotListed(id.to_owned()))?;
        let mut sent = parse_record(&record)?;
        sent.sent_at = Some(from_nanos(sent_at)?);
        Ok(sent)
    }

    /// The sent pickup `id` to share again (its link, QR code and PIN); [`PickupError::Ended`]
    /// once it ended and they were dropped.
    pub fn find_to_share(&self, id: &str) -> Result<SentPickup> {
        let sent = self.find(id)?;
        if sent.secrets_dropped() {
            return Err(PickupError::Ended);
        }
        Ok(sent)
    }
}

impl<'v> PickupsMut<'v> {
    /// Writes a new record; its send time is now.
    pub(crate) fn record(&mut self, sent: &SentPickup) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO sent_pickups (id, sent_at, record) VALUES (?1, ?2, ?3)",
            params![
                sent.id,
                to_nanos(OffsetDateTime::now_utc())?,
                to_record(sent)?
            ],
        )?;
        Ok(())
    }

    /// Replaces the record of `sent.id`, keeping its send time; `false` when it is not listed.
    pub(crate) fn replace(&mut self, sent: &SentPickup) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE sent_pickups SET record = ?1 WHERE id = ?2",
            params![to_record(sent)?, sent.id],
        )?;
        Ok(changed > 0)
    }

    /// Drops the link and PIN of every sent pickup that has ended by `now` (see
    /// [`SentPickup::has_ended`]); returns how many records changed.
    pub fn drop_ended_secrets(&mut self, now: OffsetDateTime) -> Result<usize> {
        let ended: Vec<SentPickup> = Pickups::new(self.conn)
            .sent()?
            .into_iter()
            .filter(|sent| !sent.secrets_dropped() && sent.has_ended(now))
            .collect();
        for sent in &ended {
            self.replace(&sent.clone().without_secrets())?;
        }
        Ok(ended.len())
    }

    /// Drops the link and PIN of the sent pickup `id`, which certainly ended (it was revoked).
    pub(crate) fn drop_secrets(&mut self, id: &str) -> Result<()> {
        let sent = Pickups::new(self.conn).find(id)?;
        self.replace(&sent.without_secrets())?;
        Ok(())
    }

    /// Drops the record of a pickup the relay certainly never received.
    pub(crate) fn forget(&mut self, id: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM sent_pickups WHERE id = ?1", params![id])?;
        Ok(())
    }

    /// Keeps `status` as the last known status of the sent pickup `id`; a pending one is sent
    /// now, since the relay knows it. `false` when this vault never sent `id`.
    pub fn remember_status(&mut self, id: &str, status: &OwnerStatus) -> Result<bool> {
        let sent = match Pickups::new(self.conn).find(id) {
            Ok(sent) => sent,
            Err(PickupError::NotListed(_)) => return Ok(false),
            Err(error) => return Err(error),
        };
        let deposited = if sent.state == SentState::Pending {
            SentPickup {
                state: SentState::Sent,
                emailed: status
                    .events
                    .iter()
                    .any(|event| event.kind == PickupEventKind::Emailed),
                expires_at: status.expires_at.clone(),
                ..sent
            }
        } else {
            sent
        };
        self.replace(&SentPickup {
            last_status: Some(status.clone()),
            ..deposited
        })
    }
}

fn to_record(sent: &SentPickup) -> Result<String> {
    serde_json::to_string(sent).map_err(|error| PickupError::CorruptRecord(error.to_string()))
}

fn parse_record(record: &str) -> Result<SentPickup> {
    serde_json::from_str(record).map_err(|error| PickupError::CorruptRecord(error.to_string()))
}
