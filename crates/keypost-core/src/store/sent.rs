//! The log of pickups sent from this vault (schema 2). Records are kept whole as JSON: the
//! sender's app reads them back to show the link, the PIN and the live status. The send time
//! is the `sent_at` column; the record may carry the relay's last answer (a cache).

use super::rows::{from_nanos, to_nanos};
use super::{Result, Store, StoreError};
use crate::sharing::SentPickup;
use keypost_protocol::api::OwnerStatus;
use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

impl Store {
    pub fn record_sent(&mut self, sent: &SentPickup) -> Result<()> {
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

    pub fn sent_pickups(&self) -> Result<Vec<SentPickup>> {
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

    /// Keeps `status` as the last known status of the sent pickup `id`; `false` when this
    /// vault never sent it.
    pub fn remember_sent_status(&mut self, id: &str, status: &OwnerStatus) -> Result<bool> {
        let record: Option<String> = self
            .conn
            .query_row(
                "SELECT record FROM sent_pickups WHERE id = ?1",
                params![id],
                |row| row.get(0),
            )
            .optional()?;
        let Some(record) = record else {
            return Ok(false);
        };
        let mut sent = parse_record(&record)?;
        sent.last_status = Some(status.clone());
        self.conn.execute(
            "UPDATE sent_pickups SET record = ?1 WHERE id = ?2",
            params![to_record(&sent)?, id],
        )?;
        Ok(true)
    }
}

fn to_record(sent: &SentPickup) -> Result<String> {
    serde_json::to_string(sent)
        .map_err(|error| StoreError::CorruptRow(format!("sent pickup: {error}")))
}

fn parse_record(record: &str) -> Result<SentPickup> {
    serde_json::from_str(record)
        .map_err(|error| StoreError::CorruptRow(format!("sent pickup: {error}")))
}
