//! The inbox's part of the scheduled purge: expired login challenges, sessions, email codes
//! and invites; messages undelivered for 30 days (their delivery becomes `expired`, the
//! mailbox counters go down); delivery records after 90 days.

use keypost_protocol::api::mailbox::DeliveryStatus;
use keypost_protocol::inbox::limits::{MAX_INVITE_EXPIRY_SECONDS, MESSAGE_RETENTION_SECONDS};
use sqlx::Row;

use super::InboxError;
use super::mailbox::settle;
use crate::store::{Durability, OpFuture, Store};

/// How long the sender's delivery record is kept after the deposit.
pub const DELIVERY_RETENTION_SECONDS: i64 = 90 * 86_400;
/// How long an accepted invite (with its sealed answer) outlives its expiry, for the inviter.
pub const ACCEPTED_INVITE_RETENTION_SECONDS: i64 = MAX_INVITE_EXPIRY_SECONDS.cast_signed();

/// What one purge pass removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub login_challenges: u64,
    pub sessions: u64,
    pub email_codes: u64,
    pub invites: u64,
    pub expired_messages: u64,
    pub old_deliveries: u64,
}

pub async fn purge(store: &Store, now: i64) -> Result<Purged, InboxError> {
    let purged = store
        .write(Durability::Durable, move |conn| {
            Box::pin(async move {
                let mut purged = Purged::default();
                for (table, counter) in [
                    ("login_challenges", &mut purged.login_challenges),
                    ("sessions", &mut purged.sessions),
                    ("email_codes", &mut purged.email_codes),
                ] {
                    *counter = sqlx::query(&format!("DELETE FROM {table} WHERE expires_at <= $1"))
                        .bind(now)
                        .execute(&mut *conn)
                        .await?
                        .rows_affected();
                }
                purged.invites = sqlx::query(
                    "DELETE FROM invites WHERE (state = 'open' AND expires_at <= $1) \
                     OR expires_at <= $2",
                )
                .bind(now)
                .bind(now - ACCEPTED_INVITE_RETENTION_SECONDS)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                let rows = sqlx::query(
                    "DELETE FROM mailbox_messages WHERE deposited_at <= $1 \
                     RETURNING message_id, mailbox, size",
                )
                .bind(now - MESSAGE_RETENTION_SECONDS.cast_signed())
                .fetch_all(&mut *conn)
                .await?;
                let mut removed = Vec::with_capacity(rows.len());
                for row in &rows {
                    removed.push((
                        row.try_get::<Vec<u8>, _>("message_id")?,
                        row.try_get::<Vec<u8>, _>("mailbox")?,
                        row.try_get::<i64, _>("size")?,
                    ));
                }
                settle(&mut *conn, &removed, DeliveryStatus::Expired, now).await?;
                purged.expired_messages = u64::try_from(removed.len()).unwrap_or(u64::MAX);
                purged.old_deliveries =
                    sqlx::query("DELETE FROM deliveries WHERE deposited_at <= $1")
                        .bind(now - DELIVERY_RETENTION_SECONDS)
                        .execute(conn)
                        .await?
                        .rows_affected();
                Ok(purged)
            }) as OpFuture<'_, Purged>
        })
        .await?;
    if purged.expired_messages > 0 {
        store.wipe_deleted().await?;
    }
    Ok(purged)
}
