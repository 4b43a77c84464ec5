//! The inbox's part of the scheduled purge: expired login challenges, sessions, email codes
//! and invites; messages undelivered for 30 days (their delivery becomes `expired`, the
//! mailbox counters go down); delivery records after 90 days.

use keypost_protocol::api::mailbox::DeliveryStatus;
use keypost_protocol::inbox::limits::{MAX_INVITE_EXPIRY_SECONDS, MESSAGE_RETENTION_SECONDS};
use sqlx::Row;

use super::InboxError;
use super::mailbox::settle;
use crate::pickups::{PURGE_BATCH, purge_in_batches};
use crate::store::{Durability, OpFuture, Store};
use sqlx::AnyConnection;

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

/// Short-lived rows go in one transaction; messages and delivery records, which can be many,
/// [`PURGE_BATCH`] per transaction (as the pickups' purge).
pub async fn purge(store: &Store, now: i64) -> Result<Purged, InboxError> {
    let mut purged = store
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
                Ok(purged)
            }) as OpFuture<'_, Purged>
        })
        .await?;
    purged.expired_messages = purge_in_batches(store, move |conn| {
        Box::pin(expire_messages_batch(conn, now)) as OpFuture<'_, usize>
    })
    .await?;
    purged.old_deliveries = purge_in_batches(store, move |conn| {
        Box::pin(async move {
            let removed = sqlx::query(
                "DELETE FROM deliveries WHERE message_id IN (SELECT message_id \
                 FROM deliveries WHERE deposited_at <= $1 LIMIT $2)",
            )
            .bind(now - DELIVERY_RETENTION_SECONDS)
            .bind(PURGE_BATCH as i64)
            .execute(conn)
            .await?
            .rows_affected();
            Ok(usize::try_from(removed).unwrap_or(usize::MAX))
        }) as OpFuture<'_, usize>
    })
    .await?;
    Ok(purged)
}

/// Deletes up to [`PURGE_BATCH`] messages undelivered for 30 days; their deliveries become
/// `expired` and the mailbox counters go down. How many.
async fn expire_messages_batch(conn: &mut AnyConnection, now: i64) -> Result<usize, sqlx::Error> {
    let rows = sqlx::query(
        "DELETE FROM mailbox_messages WHERE message_id IN (SELECT message_id \
         FROM mailbox_messages WHERE deposited_at <= $1 LIMIT $2) \
         RETURNING message_id, mailbox, size",
    )
    .bind(now - MESSAGE_RETENTION_SECONDS.cast_signed())
    .bind(PURGE_BATCH as i64)
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
    Ok(removed.len())
}
