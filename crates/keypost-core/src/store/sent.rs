//! The log of pickups sent from this vault (schema 2). Records are kept whole as JSON: the
//! sender's app reads them back to show the link, the PIN and the live status.

use super::rows::to_nanos;
use super::{Result, Store, StoreError};
use crate::sharing::SentPickup;
use rusqlite::params;
use time::OffsetDateTime;

impl Store {
    pub fn record_sent(&mut self, sent: &SentPickup) -> Result<()> {
        let record = serde_json::to_string(sent)
            .map_err(|error| StoreError::CorruptRow(format!("sent pickup: {error}")))?;
        self.conn.execute(
            "INSERT OR REPLACE INTO sent_pickups (id, sent_at, record) VALUES (?1, ?2, ?3)",
            params![sent.id, to_nanos(OffsetDateTime::now_utc())?, record],
        )?;
        Ok(())
    }

    pub fn sent_pickups(&self) -> Result<Vec<SentPickup>> {
        let mut statement = self
            .conn
            .prepare("SELECT record FROM sent_pickups ORDER BY sent_at DESC, id")?;
        let records = statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        records
            .iter()
            .map(|record| {
                serde_json::from_str(record)
                    .map_err(|error| StoreError::CorruptRow(format!("sent pickup: {error}")))
            })
            .collect()
    }
}
