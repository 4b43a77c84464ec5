//! Mailboxes: deposit, fetch, acknowledge, and the sender's delivery status.
//!
//! The quota is exact across relay processes: a deposit moves the mailbox's counters (on its
//! account row) with ONE conditional `UPDATE … WHERE mailbox_count < max AND mailbox_bytes +
//! size <= max AND <grant exists>`; PostgreSQL locks the row and re-checks the condition
//! against the latest version, so concurrent deposits queue on it. The message row, the
//! delivery record and the counters change in one transaction; acknowledgement and expiry
//! give the counts back in the transaction that deletes the rows. The per-sender deposit limit
//! is the same kind of conditional `UPDATE`, of a counter on the sender's account row.

use keypost_protocol::api::mailbox::DeliveryStatus;
use keypost_protocol::inbox::limits::FETCH_BATCH;
use keypost_protocol::inbox::{AccountId, MessageId};
use sqlx::{AnyConnection, Row};

use super::notify::CHANNEL;
use super::{InboxError, change_rows, placeholders, stored_id};
use crate::store::{Backend, Durability, OpFuture, Store};

pub(crate) fn status_name(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Queued => "queued",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Expired => "expired",
    }
}

fn status_of(name: &str) -> Option<DeliveryStatus> {
    [
        DeliveryStatus::Queued,
        DeliveryStatus::Delivered,
        DeliveryStatus::Expired,
    ]
    .into_iter()
    .find(|status| status_name(*status) == name)
}

/// A mailbox's limits.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub max_messages: u32,
    pub max_bytes: u64,
}

#[derive(Clone)]
pub struct Deposit {
    pub mailbox: AccountId,
    pub sender: AccountId,
    pub grant_token_hash: [u8; 32],
    pub message_id: MessageId,
    pub sealed: Vec<u8>,
}

pub struct Fetched {
    pub message_id: MessageId,
    pub depositor: AccountId,
    pub sealed: Vec<u8>,
    pub deposited_at: i64,
}

/// The window of the per-sender deposit limit.
const DEPOSIT_WINDOW_SECONDS: i64 = 60;

/// Counts one deposit of `sender` against its limit of `per_minute` deposits in a window of
/// 60 seconds that starts at its first deposit after the last window ended; refused
/// (`RateLimited`) beyond it. ONE conditional `UPDATE` on the sender's row, so the limit is
/// exact across relay processes. Its own short write, not the deposit's transaction, so the
/// two account rows (sender and mailbox) are never locked together. Losing a count in a crash
/// is harmless.
pub async fn count_deposit(
    store: &Store,
    sender: AccountId,
    per_minute: u32,
    now: i64,
) -> Result<(), InboxError> {
    change_rows(
        store,
        Durability::Ephemeral,
        InboxError::RateLimited,
        move |conn| {
            Box::pin(async move {
                // Both CASEs read the old row: an ended window starts again at 1.
                let counted = sqlx::query(
                    "UPDATE accounts SET \
                     deposits_in_window = CASE WHEN deposits_window_start <= $2 THEN 1 \
                     ELSE deposits_in_window + 1 END, \
                     deposits_window_start = CASE WHEN deposits_window_start <= $2 THEN $3 \
                     ELSE deposits_window_start END \
                     WHERE id = $1 AND (deposits_window_start <= $2 OR deposits_in_window < $4)",
                )
                .bind(sender.to_vec())
                .bind(now - DEPOSIT_WINDOW_SECONDS)
                .bind(now)
                .bind(i64::from(per_minute))
                .execute(conn)
                .await?;
                Ok(counted.rows_affected())
            }) as OpFuture<'_, u64>
        },
    )
    .await
}

/// Stores a deposit if the grant holds and the quota allows it (see the module comment).
pub async fn deposit(
    store: &Store,
    deposit: Deposit,
    quota: Quota,
    now: i64,
) -> Result<(), InboxError> {
    let backend = store.backend();
    store
        .write(Durability::Durable, move |conn| {
            Box::pin(deposit_in_transaction(
                conn,
                deposit.clone(),
                quota,
                backend,
                now,
            )) as OpFuture<'_, Result<(), InboxError>>
        })
        .await?
}

async fn deposit_in_transaction(
    conn: &mut AnyConnection,
    d: Deposit,
    quota: Quota,
    backend: Backend,
    now: i64,
) -> Result<Result<(), InboxError>, sqlx::Error> {
    let size = i64::try_from(d.sealed.len()).unwrap_or(i64::MAX);
    let recorded = sqlx::query(
        "INSERT INTO deliveries (message_id, sender, mailbox, status, deposited_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (message_id) DO NOTHING",
    )
    .bind(d.message_id.to_vec())
    .bind(d.sender.to_vec())
    .bind(d.mailbox.to_vec())
    .bind(status_name(DeliveryStatus::Queued))
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if recorded == 0 {
        return Ok(Err(InboxError::Conflict("a message with this id")));
    }
    let admitted = sqlx::query(
        "UPDATE accounts SET mailbox_count = mailbox_count + 1, \
         mailbox_bytes = mailbox_bytes + $2 \
         WHERE id = $1 AND mailbox_count < $3 AND mailbox_bytes + $2 <= $4 \
         AND EXISTS (SELECT 1 FROM grants WHERE mailbox = $1 AND token_hash = $5) \
         RETURNING id",
    )
    .bind(d.mailbox.to_vec())
    .bind(size)
    .bind(i64::from(quota.max_messages))
    .bind(i64::try_from(quota.max_bytes).unwrap_or(i64::MAX))
    .bind(d.grant_token_hash.to_vec())
    .fetch_optional(&mut *conn)
    .await?;
    if admitted.is_none() {
        sqlx::query("DELETE FROM deliveries WHERE message_id = $1")
            .bind(d.message_id.to_vec())
            .execute(&mut *conn)
            .await?;
        let grant = sqlx::query("SELECT id FROM grants WHERE mailbox = $1 AND token_hash = $2")
            .bind(d.mailbox.to_vec())
            .bind(d.grant_token_hash.to_vec())
            .fetch_optional(conn)
            .await?;
        return Ok(Err(if grant.is_some() {
            InboxError::MailboxFull
        } else {
            InboxError::GrantRefused
        }));
    }
    sqlx::query(
        "INSERT INTO mailbox_messages (message_id, mailbox, sealed, size, deposited_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(d.message_id.to_vec())
    .bind(d.mailbox.to_vec())
    .bind(d.sealed)
    .bind(size)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if backend == Backend::Postgres {
        // Delivered to every listening relay process when this transaction commits.
        sqlx::query("SELECT 1 AS sent FROM (SELECT pg_notify($1, $2)) AS notified")
            .bind(CHANNEL)
            .bind(d.mailbox.to_base64())
            .execute(conn)
            .await?;
    }
    Ok(Ok(()))
}

/// The oldest messages of a mailbox, at most one fetch batch, each with the account that
/// deposited it (its delivery record's sender, written in the deposit's transaction).
pub async fn fetch(store: &Store, mailbox: &AccountId) -> Result<Vec<Fetched>, InboxError> {
    let rows = sqlx::query(
        "SELECT m.message_id, d.sender, m.sealed, m.deposited_at FROM mailbox_messages m \
         JOIN deliveries d ON d.message_id = m.message_id \
         WHERE m.mailbox = $1 ORDER BY m.seq LIMIT $2",
    )
    .bind(mailbox.to_vec())
    .bind(i64::try_from(FETCH_BATCH).unwrap_or(i64::MAX))
    .fetch_all(store.pool())
    .await?;
    let mut messages = Vec::with_capacity(rows.len());
    for row in &rows {
        messages.push(Fetched {
            message_id: MessageId::from_bytes(stored_id(
                &row.try_get::<Vec<u8>, _>("message_id")?,
            )?),
            depositor: AccountId::from_bytes(stored_id(&row.try_get::<Vec<u8>, _>("sender")?)?),
            sealed: row.try_get("sealed")?,
            deposited_at: row.try_get("deposited_at")?,
        });
    }
    Ok(messages)
}

/// Takes `removed` (message id, mailbox, size) rows out of their mailboxes' counters and
/// sets their deliveries to `status`.
pub(crate) async fn settle(
    conn: &mut AnyConnection,
    removed: &[(Vec<u8>, Vec<u8>, i64)],
    status: DeliveryStatus,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut per_mailbox: std::collections::BTreeMap<&[u8], (i64, i64)> = Default::default();
    for (_, mailbox, size) in removed {
        let totals = per_mailbox.entry(mailbox.as_slice()).or_default();
        totals.0 += 1;
        totals.1 += size;
    }
    for (mailbox, (count, bytes)) in per_mailbox {
        sqlx::query(
            "UPDATE accounts SET mailbox_count = mailbox_count - $2, \
             mailbox_bytes = mailbox_bytes - $3 WHERE id = $1",
        )
        .bind(mailbox.to_vec())
        .bind(count)
        .bind(bytes)
        .execute(&mut *conn)
        .await?;
    }
    for chunk in removed.chunks(FETCH_BATCH) {
        let sql = format!(
            "UPDATE deliveries SET status = $1, updated_at = $2 WHERE message_id IN ({})",
            placeholders(3, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(status_name(status)).bind(now);
        for (message_id, _, _) in chunk {
            query = query.bind(message_id.clone());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Deletes acknowledged messages of the owner's mailbox (at most one fetch batch of ids) and
/// marks them delivered. Answers how many were there.
pub async fn acknowledge(
    store: &Store,
    mailbox: AccountId,
    ids: Vec<MessageId>,
    now: i64,
) -> Result<u32, InboxError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let acknowledged = store
        .write(Durability::Durable, move |conn| {
            let ids = ids.clone();
            Box::pin(async move {
                let sql = format!(
                    "DELETE FROM mailbox_messages WHERE mailbox = $1 AND message_id IN ({}) \
                     RETURNING message_id, size",
                    placeholders(2, ids.len())
                );
                let mut query = sqlx::query(&sql).bind(mailbox.to_vec());
                for id in &ids {
                    query = query.bind(id.to_vec());
                }
                let rows = query.fetch_all(&mut *conn).await?;
                let mut removed = Vec::with_capacity(rows.len());
                for row in &rows {
                    removed.push((
                        row.try_get::<Vec<u8>, _>("message_id")?,
                        mailbox.to_vec(),
                        row.try_get::<i64, _>("size")?,
                    ));
                }
                settle(conn, &removed, DeliveryStatus::Delivered, now).await?;
                Ok(removed.len())
            }) as OpFuture<'_, usize>
        })
        .await?;
    if acknowledged > 0 {
        store.wipe_deleted().await?;
    }
    Ok(u32::try_from(acknowledged).unwrap_or(u32::MAX))
}

/// The status of a message for the account that deposited it.
pub async fn delivery(
    store: &Store,
    message_id: &MessageId,
    sender: &AccountId,
) -> Result<DeliveryStatus, InboxError> {
    let row = sqlx::query("SELECT status FROM deliveries WHERE message_id = $1 AND sender = $2")
        .bind(message_id.to_vec())
        .bind(sender.to_vec())
        .fetch_optional(store.pool())
        .await?
        .ok_or(InboxError::NotFound("message"))?;
    let name: String = row.try_get("status")?;
    status_of(&name).ok_or_else(|| super::corrupt("delivery status"))
}
