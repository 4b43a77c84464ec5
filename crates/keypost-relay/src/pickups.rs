//! The pickup life cycle on top of [`Store`]: create, read-only status, challenge, open,
//! recipient delete, owner status and revoke, and the scheduled purge.
//!
//! Times are Unix seconds. Every "gone" state (missing, expired, destroyed, used up, deleted,
//! revoked) is reported as [`Gone`](PickupError::Gone) so the API can answer the same 404, and
//! so is every recipient request (status, challenge, open, delete) without the pickup's access
//! key: the public id alone learns nothing and spends nothing.

use keypost_protocol::api::pickups::{PickupEventKind, PickupState};
use keypost_protocol::pickup::limits::PIN_ATTEMPTS;
use keypost_protocol::pickup::{
    PickupId, access_key_hash, delete_verifier, hash_owner_token, proof_matches,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::store::{Durability, OpFuture, Store, StoreError};

/// Wrong PINs allowed before a pickup is destroyed, as an SQL value.
const MAX_ATTEMPTS: i64 = PIN_ATTEMPTS as i64;
/// How long a challenge may be answered.
pub const CHALLENGE_LIFETIME_SECONDS: i64 = 120;
/// How long the sender's record and event log outlive the pickup's expiry.
pub const RECORD_RETENTION_SECONDS: i64 = 30 * 24 * 3600;

#[derive(Debug, thiserror::Error)]
pub enum PickupError {
    #[error("no such pickup")]
    Gone,
    #[error("a pickup with this id already exists")]
    AlreadyExists,
    #[error("the challenge is unknown, used or expired")]
    InvalidChallenge,
    #[error("wrong PIN")]
    WrongPin { attempts_left: u32 },
    #[error("the sender did not allow the recipient to delete this pickup")]
    DeleteNotAllowed,
    #[error("wrong delete key")]
    WrongDeleteKey,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PickupError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(error))
    }
}

/// A validated create request, binary fields decoded.
#[derive(Clone)]
pub struct NewPickup {
    pub id: [u8; 16],
    pub ciphertext: Vec<u8>,
    pub pin_verifier: Zeroizing<[u8; 32]>,
    pub delete_verifier: Option<[u8; 32]>,
    pub owner_token_hash: [u8; 32],
    pub access_key_hash: [u8; 32],
    /// `None` when the sender delivers the link; stored as `''` (the column predates that
    /// choice and is `NOT NULL`).
    pub recipient_email: Option<String>,
    pub sender_name: String,
    pub message: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_views: Option<u32>,
    pub retrieval_step: bool,
    pub passphrase_required: bool,
    /// Whether the notification email went out (recorded as an event).
    pub emailed: bool,
}

/// What the recipient's page may see before opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub sender_name: String,
    pub message: String,
    pub expires_at: i64,
    pub attempts_left: u32,
    pub views_left: Option<u32>,
    pub retrieval_step: bool,
    pub recipient_delete: bool,
    pub passphrase_required: bool,
}

pub struct Opened {
    pub ciphertext: Vec<u8>,
    pub views_left: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerView {
    pub recipient_email: Option<String>,
    pub state: PickupState,
    pub created_at: i64,
    pub expires_at: i64,
    pub attempts_left: u32,
    pub views_left: Option<u32>,
    pub events: Vec<(PickupEventKind, i64)>,
}

/// What one purge pass removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub expired_pickups: u64,
    pub stale_challenges: u64,
    pub old_records: u64,
}

pub fn event_name(kind: PickupEventKind) -> &'static str {
    match kind {
        PickupEventKind::Created => "created",
        PickupEventKind::Emailed => "emailed",
        PickupEventKind::EmailFailed => "email_failed",
        PickupEventKind::Opened => "opened",
        PickupEventKind::WrongPin => "wrong_pin",
        PickupEventKind::Destroyed => "destroyed",
        PickupEventKind::Expired => "expired",
        PickupEventKind::Deleted => "deleted",
        PickupEventKind::Revoked => "revoked",
        PickupEventKind::UsedUp => "used_up",
    }
}

fn event_kind(name: &str) -> Option<PickupEventKind> {
    [
        PickupEventKind::Created,
        PickupEventKind::Emailed,
        PickupEventKind::EmailFailed,
        PickupEventKind::Opened,
        PickupEventKind::WrongPin,
        PickupEventKind::Destroyed,
        PickupEventKind::Expired,
        PickupEventKind::Deleted,
        PickupEventKind::Revoked,
        PickupEventKind::UsedUp,
    ]
    .into_iter()
    .find(|kind| event_name(*kind) == name)
}

fn to_u32(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

async fn insert_event(
    conn: &mut AnyConnection,
    id: &[u8],
    kind: PickupEventKind,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO pickup_events (pickup_id, kind, at) VALUES ($1, $2, $3)")
        .bind(id.to_vec())
        .bind(event_name(kind))
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the pickup row (ciphertext and verifier) for good. Its outstanding challenges are
/// left to the purge: they open nothing without the row, and deleting them here would take
/// their row locks in another order than concurrent opens (a PostgreSQL deadlock).
async fn delete_pickup(conn: &mut AnyConnection, id: &[u8]) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM pickups WHERE id = $1")
        .bind(id.to_vec())
        .execute(conn)
        .await?
        .rows_affected();
    Ok(deleted > 0)
}

/// Whether an id was ever used (its record is kept after the pickup ends).
pub async fn id_taken(store: &Store, id: &[u8; 16]) -> Result<bool, PickupError> {
    let row = sqlx::query("SELECT id FROM pickup_records WHERE id = $1")
        .bind(id.to_vec())
        .fetch_optional(store.pool())
        .await?;
    Ok(row.is_some())
}

pub async fn create(store: &Store, pickup: NewPickup) -> Result<(), PickupError> {
    let created = store
        .write(Durability::Durable, move |conn| {
            Box::pin(insert_pickup(conn, pickup.clone())) as OpFuture<'_, bool>
        })
        .await?;
    if created {
        Ok(())
    } else {
        Err(PickupError::AlreadyExists)
    }
}

async fn insert_pickup(conn: &mut AnyConnection, p: NewPickup) -> Result<bool, sqlx::Error> {
    let recorded = sqlx::query(
        "INSERT INTO pickup_records \
         (id, owner_token_hash, recipient_email, created_at, expires_at, max_views, purge_after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
    )
    .bind(p.id.to_vec())
    .bind(p.owner_token_hash.to_vec())
    .bind(p.recipient_email.clone().unwrap_or_default())
    .bind(p.created_at)
    .bind(p.expires_at)
    .bind(p.max_views.map(i64::from))
    .bind(p.expires_at.saturating_add(RECORD_RETENTION_SECONDS))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if recorded == 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO pickups (id, ciphertext, pin_verifier, delete_verifier, sender_name, \
         message, expires_at, attempts_left, views_left, retrieval_step, passphrase_required, \
         access_key_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(p.id.to_vec())
    .bind(p.ciphertext)
    .bind(p.pin_verifier.to_vec())
    .bind(p.delete_verifier.map(|v| v.to_vec()))
    .bind(p.sender_name)
    .bind(p.message)
    .bind(p.expires_at)
    .bind(MAX_ATTEMPTS)
    .bind(p.max_views.map(i64::from))
    .bind(i64::from(p.retrieval_step))
    .bind(i64::from(p.passphrase_required))
    .bind(p.access_key_hash.to_vec())
    .execute(&mut *conn)
    .await?;
    let mail_event = match (&p.recipient_email, p.emailed) {
        (None, _) => None,
        (Some(_), true) => Some(PickupEventKind::Emailed),
        (Some(_), false) => Some(PickupEventKind::EmailFailed),
    };
    // Both events in one statement: one round trip to the database instead of two. A pickup
    // whose sender delivers the link has no email to record.
    let created = event_name(PickupEventKind::Created);
    let query = match mail_event {
        Some(kind) => sqlx::query(
            "INSERT INTO pickup_events (pickup_id, kind, at) VALUES ($1, $2, $4), ($1, $3, $4)",
        )
        .bind(p.id.to_vec())
        .bind(created)
        .bind(event_name(kind))
        .bind(p.created_at),
        None => sqlx::query("INSERT INTO pickup_events (pickup_id, kind, at) VALUES ($1, $2, $3)")
            .bind(p.id.to_vec())
            .bind(created)
            .bind(p.created_at),
    };
    query.execute(conn).await?;
    Ok(true)
}

/// `SHA-256` of the access key a recipient presented, to compare with the stored hash.
#[derive(Clone, Copy)]
pub struct PresentedAccess([u8; 32]);

impl PresentedAccess {
    pub fn new(access_key: &Zeroizing<[u8; 32]>) -> Self {
        Self(access_key_hash(access_key))
    }

    /// Constant-time comparison with the `access_key_hash` column of `row`.
    fn opens(&self, row: &AnyRow) -> Result<bool, sqlx::Error> {
        let stored: Vec<u8> = row.try_get("access_key_hash")?;
        Ok(stored.as_slice().ct_eq(&self.0).into())
    }
}

/// Read-only status: moves no counter.
pub async fn status(
    store: &Store,
    id: &[u8; 16],
    access: PresentedAccess,
    now: i64,
) -> Result<Status, PickupError> {
    let row = sqlx::query(
        "SELECT sender_name, message, expires_at, attempts_left, views_left, delete_verifier, \
         retrieval_step, passphrase_required, access_key_hash FROM pickups \
         WHERE id = $1 AND expires_at > $2 AND attempts_left > 0",
    )
    .bind(id.to_vec())
    .bind(now)
    .fetch_optional(store.pool())
    .await?
    .ok_or(PickupError::Gone)?;
    if !access.opens(&row)? {
        return Err(PickupError::Gone);
    }
    status_from_row(&row)
}

fn status_from_row(row: &AnyRow) -> Result<Status, PickupError> {
    Ok(Status {
        sender_name: row.try_get("sender_name")?,
        message: row.try_get("message")?,
        expires_at: row.try_get("expires_at")?,
        attempts_left: to_u32(row.try_get("attempts_left")?),
        views_left: row.try_get::<Option<i64>, _>("views_left")?.map(to_u32),
        recipient_delete: row
            .try_get::<Option<Vec<u8>>, _>("delete_verifier")?
            .is_some(),
        retrieval_step: row.try_get::<i64, _>("retrieval_step")? != 0,
        passphrase_required: row.try_get::<i64, _>("passphrase_required")? != 0,
    })
}

/// Stores a fresh single-use challenge for a live pickup whose access key was presented.
pub async fn issue_challenge(
    store: &Store,
    id: [u8; 16],
    access: PresentedAccess,
    challenge: [u8; 32],
    now: i64,
) -> Result<(), PickupError> {
    let stored = store
        .write(Durability::Ephemeral, move |conn| {
            Box::pin(async move {
                if !recipient_may_enter(&mut *conn, &id, access, now).await? {
                    return Ok(false);
                }
                let result = sqlx::query(
                    "INSERT INTO challenges (challenge, pickup_id, expires_at) \
                     SELECT $1, id, $2 FROM pickups \
                     WHERE id = $3 AND expires_at > $4 AND attempts_left > 0",
                )
                .bind(challenge.to_vec())
                .bind(now.saturating_add(CHALLENGE_LIFETIME_SECONDS))
                .bind(id.to_vec())
                .bind(now)
                .execute(conn)
                .await?;
                Ok(result.rows_affected() > 0)
            }) as OpFuture<'_, bool>
        })
        .await?;
    if stored {
        Ok(())
    } else {
        Err(PickupError::Gone)
    }
}

/// The outcome of an open attempt as decided inside the write transaction.
enum OpenOutcome {
    Opened(Opened),
    WrongPin(u32),
    InvalidChallenge,
    Gone,
}

/// Whether the pickup is live and `access` carries its access key: a missing pickup and a
/// wrong key are the same `false`.
async fn recipient_may_enter(
    conn: &mut AnyConnection,
    id: &[u8; 16],
    access: PresentedAccess,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT access_key_hash FROM pickups \
         WHERE id = $1 AND expires_at > $2 AND attempts_left > 0",
    )
    .bind(id.to_vec())
    .bind(now)
    .fetch_optional(conn)
    .await?;
    match row {
        Some(row) => access.opens(&row),
        None => Ok(false),
    }
}

/// Checks the access key, then consumes the challenge, checks the proof in constant time and
/// moves exactly one counter. Without the access key nothing is consumed or counted.
pub async fn open(
    store: &Store,
    id: [u8; 16],
    access: PresentedAccess,
    challenge: [u8; 32],
    proof: [u8; 32],
    now: i64,
) -> Result<Opened, PickupError> {
    let outcome = store
        .write(Durability::Durable, move |conn| {
            Box::pin(open_in_transaction(conn, id, access, challenge, proof, now))
                as OpFuture<'_, OpenOutcome>
        })
        .await?;
    let destroyed = matches!(
        outcome,
        OpenOutcome::Opened(Opened {
            views_left: Some(0),
            ..
        }) | OpenOutcome::WrongPin(0)
    );
    if destroyed {
        store.wipe_deleted().await?;
    }
    match outcome {
        OpenOutcome::Opened(opened) => Ok(opened),
        OpenOutcome::WrongPin(attempts_left) => Err(PickupError::WrongPin { attempts_left }),
        OpenOutcome::InvalidChallenge => Err(PickupError::InvalidChallenge),
        OpenOutcome::Gone => Err(PickupError::Gone),
    }
}

async fn open_in_transaction(
    conn: &mut AnyConnection,
    id: [u8; 16],
    access: PresentedAccess,
    challenge: [u8; 32],
    proof: [u8; 32],
    now: i64,
) -> Result<OpenOutcome, sqlx::Error> {
    if !recipient_may_enter(&mut *conn, &id, access, now).await? {
        return Ok(OpenOutcome::Gone);
    }
    // Consumes the challenge and reads the verifier in one statement (one round trip); the
    // verifier is NULL when the pickup is gone.
    let consumed = sqlx::query(
        "DELETE FROM challenges WHERE challenge = $1 AND pickup_id = $2 AND expires_at > $3 \
         RETURNING (SELECT pin_verifier FROM pickups \
         WHERE id = $2 AND expires_at > $3 AND attempts_left > 0) AS pin_verifier",
    )
    .bind(challenge.to_vec())
    .bind(id.to_vec())
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(verifier_row) = consumed else {
        return Ok(OpenOutcome::InvalidChallenge);
    };
    let Some(verifier) = verifier_row.try_get::<Option<Vec<u8>>, _>("pin_verifier")? else {
        return Ok(OpenOutcome::Gone);
    };
    let verifier = Zeroizing::new(verifier);
    let right = <&[u8; 32]>::try_from(verifier.as_slice()).is_ok_and(|verifier| {
        proof_matches(verifier, &PickupId::from_bytes(id), &challenge, &proof)
    });
    if right {
        let Some(row) = count_down(
            conn,
            "UPDATE pickups SET views_left = views_left - 1 \
             WHERE id = $1 AND expires_at > $2 AND attempts_left > 0 \
             AND (views_left IS NULL OR views_left > 0) \
             RETURNING views_left, ciphertext",
            &id,
            now,
        )
        .await?
        else {
            return Ok(OpenOutcome::Gone);
        };
        let views_left = row.try_get::<Option<i64>, _>("views_left")?.map(to_u32);
        let ciphertext: Vec<u8> = row.try_get("ciphertext")?;
        let used_up = (views_left == Some(0)).then_some(PickupEventKind::UsedUp);
        record_count(conn, &id, PickupEventKind::Opened, used_up, now).await?;
        Ok(OpenOutcome::Opened(Opened {
            ciphertext,
            views_left,
        }))
    } else {
        let Some(row) = count_down(
            conn,
            "UPDATE pickups SET attempts_left = attempts_left - 1 \
             WHERE id = $1 AND expires_at > $2 AND attempts_left > 0 \
             RETURNING attempts_left",
            &id,
            now,
        )
        .await?
        else {
            return Ok(OpenOutcome::Gone);
        };
        let attempts_left = to_u32(row.try_get("attempts_left")?);
        let destroyed = (attempts_left == 0).then_some(PickupEventKind::Destroyed);
        record_count(conn, &id, PickupEventKind::WrongPin, destroyed, now).await?;
        Ok(OpenOutcome::WrongPin(attempts_left))
    }
}

/// Runs `update` (`UPDATE pickups … WHERE id = $1 AND expires_at > $2 … RETURNING …`) on a
/// live pickup; `None` when it is gone.
async fn count_down(
    conn: &mut AnyConnection,
    update: &str,
    id: &[u8; 16],
    now: i64,
) -> Result<Option<AnyRow>, sqlx::Error> {
    sqlx::query(update)
        .bind(id.to_vec())
        .bind(now)
        .fetch_optional(&mut *conn)
        .await
}

/// Logs the event of an open attempt; `ended` (the last view, the last wrong PIN) also
/// deletes the pickup and logs why.
async fn record_count(
    conn: &mut AnyConnection,
    id: &[u8; 16],
    event: PickupEventKind,
    ended: Option<PickupEventKind>,
    now: i64,
) -> Result<(), sqlx::Error> {
    insert_event(conn, id, event, now).await?;
    if let Some(ended) = ended {
        delete_pickup(conn, id).await?;
        insert_event(conn, id, ended, now).await?;
    }
    Ok(())
}

/// The recipient deletes the copy with the delete key derived from the link secret. Without
/// the access key the pickup is [`Gone`](PickupError::Gone), so the id alone learns neither
/// whether it exists nor whether deleting is allowed.
pub async fn recipient_delete(
    store: &Store,
    id: [u8; 16],
    access: PresentedAccess,
    delete_key: Zeroizing<[u8; 32]>,
    now: i64,
) -> Result<(), PickupError> {
    let key_hash = delete_verifier(&delete_key);
    let deleted = store
        .write(Durability::Durable, move |conn| {
            Box::pin(async move {
                let row = sqlx::query(
                    "SELECT delete_verifier, access_key_hash FROM pickups \
                     WHERE id = $1 AND expires_at > $2 AND attempts_left > 0",
                )
                .bind(id.to_vec())
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?;
                let Some(row) = row else {
                    return Ok(Err(PickupError::Gone));
                };
                if !access.opens(&row)? {
                    return Ok(Err(PickupError::Gone));
                }
                let Some(verifier) = row.try_get::<Option<Vec<u8>>, _>("delete_verifier")? else {
                    return Ok(Err(PickupError::DeleteNotAllowed));
                };
                if !bool::from(verifier.as_slice().ct_eq(&key_hash)) {
                    return Ok(Err(PickupError::WrongDeleteKey));
                }
                if !delete_pickup(conn, &id).await? {
                    return Ok(Err(PickupError::Gone));
                }
                insert_event(conn, &id, PickupEventKind::Deleted, now).await?;
                Ok(Ok(()))
            }) as OpFuture<'_, Result<(), PickupError>>
        })
        .await?;
    if deleted.is_ok() {
        store.wipe_deleted().await?;
    }
    deleted
}

/// Checks the owner token against the stored hash in constant time; unknown id or a wrong
/// token are the same [`PickupError::Gone`].
async fn authorize_owner(
    conn: impl sqlx::Executor<'_, Database = sqlx::Any>,
    id: &[u8; 16],
    owner_token: &[u8; 32],
) -> Result<Option<AnyRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT owner_token_hash, recipient_email, created_at, expires_at, max_views \
         FROM pickup_records WHERE id = $1",
    )
    .bind(id.to_vec())
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let stored: Vec<u8> = row.try_get("owner_token_hash")?;
    let presented = hash_owner_token(owner_token);
    if bool::from(stored.as_slice().ct_eq(&presented)) {
        Ok(Some(row))
    } else {
        Ok(None)
    }
}

pub async fn owner_status(
    store: &Store,
    id: [u8; 16],
    owner_token: &Zeroizing<[u8; 32]>,
    now: i64,
) -> Result<OwnerView, PickupError> {
    let record = authorize_owner(store.pool(), &id, owner_token)
        .await?
        .ok_or(PickupError::Gone)?;
    let live =
        sqlx::query("SELECT attempts_left, views_left, expires_at FROM pickups WHERE id = $1")
            .bind(id.to_vec())
            .fetch_optional(store.pool())
            .await?;
    let event_rows =
        sqlx::query("SELECT kind, at FROM pickup_events WHERE pickup_id = $1 ORDER BY seq")
            .bind(id.to_vec())
            .fetch_all(store.pool())
            .await?;
    let mut events = Vec::with_capacity(event_rows.len());
    for row in &event_rows {
        let name: String = row.try_get("kind")?;
        if let Some(kind) = event_kind(&name) {
            events.push((kind, row.try_get::<i64, _>("at")?));
        }
    }
    let expires_at: i64 = record.try_get("expires_at")?;
    let max_views = record.try_get::<Option<i64>, _>("max_views")?;
    let count = |wanted: PickupEventKind| {
        let n = events.iter().filter(|(kind, _)| *kind == wanted).count();
        i64::try_from(n).unwrap_or(i64::MAX)
    };
    let (state, attempts_left, views_left) = match live {
        Some(row) if row.try_get::<i64, _>("expires_at")? > now => (
            PickupState::Active,
            row.try_get::<i64, _>("attempts_left")?,
            row.try_get::<Option<i64>, _>("views_left")?,
        ),
        _ => {
            let state = events
                .iter()
                .rev()
                .find_map(|(kind, _)| match kind {
                    PickupEventKind::Destroyed => Some(PickupState::Destroyed),
                    PickupEventKind::Deleted => Some(PickupState::Deleted),
                    PickupEventKind::Revoked => Some(PickupState::Revoked),
                    PickupEventKind::UsedUp => Some(PickupState::UsedUp),
                    PickupEventKind::Expired => Some(PickupState::Expired),
                    _ => None,
                })
                .unwrap_or(PickupState::Expired);
            (
                state,
                MAX_ATTEMPTS - count(PickupEventKind::WrongPin),
                max_views.map(|max| max - count(PickupEventKind::Opened)),
            )
        }
    };
    Ok(OwnerView {
        recipient_email: Some(record.try_get::<String, _>("recipient_email")?)
            .filter(|address| !address.is_empty()),
        state,
        created_at: record.try_get("created_at")?,
        expires_at,
        attempts_left: to_u32(attempts_left),
        views_left: views_left.map(to_u32),
        events,
    })
}

/// The sender ends the pickup now. Revoking an already ended pickup changes nothing.
pub async fn revoke(
    store: &Store,
    id: [u8; 16],
    owner_token: &Zeroizing<[u8; 32]>,
    now: i64,
) -> Result<(), PickupError> {
    let token = owner_token.clone();
    let revoked = store
        .write(Durability::Durable, move |conn| {
            let token = token.clone();
            Box::pin(async move {
                if authorize_owner(&mut *conn, &id, &token).await?.is_none() {
                    return Ok(Err(PickupError::Gone));
                }
                if delete_pickup(conn, &id).await? {
                    insert_event(conn, &id, PickupEventKind::Revoked, now).await?;
                }
                Ok(Ok(()))
            }) as OpFuture<'_, Result<(), PickupError>>
        })
        .await?;
    if revoked.is_ok() {
        store.wipe_deleted().await?;
    }
    revoked
}

/// Rows one purge transaction removes at most. A purge of many rows (a million pickups that
/// expired together) runs as many short transactions, so creates and opens queued behind it
/// wait for one batch (a few milliseconds), not for the whole purge.
pub const PURGE_BATCH: usize = 250;

/// Batches of a purge between two WAL wipes (checkpoint and truncate): the WAL holds at most
/// this many batches of deleted rows, and deleted ciphertext leaves it as the purge goes.
const BATCHES_PER_WIPE: usize = 40;

/// Runs `batch` until it removes fewer than [`PURGE_BATCH`] rows, wiping the WAL every
/// [`BATCHES_PER_WIPE`] batches and after the last; how many rows it removed.
pub(crate) async fn purge_in_batches<F>(store: &Store, batch: F) -> Result<u64, StoreError>
where
    F: for<'c> Fn(&'c mut AnyConnection) -> OpFuture<'c, usize> + Clone + Send + 'static,
{
    let mut removed = 0;
    for round in 1.. {
        let count = store.write(Durability::Durable, batch.clone()).await?;
        removed += u64::try_from(count).unwrap_or(u64::MAX);
        if count < PURGE_BATCH {
            break;
        }
        if round % BATCHES_PER_WIPE == 0 {
            store.wipe_deleted().await?;
        }
    }
    if removed > 0 {
        store.wipe_deleted().await?;
    }
    Ok(removed)
}

/// Deletes expired pickups (logging an `expired` event for each), stale challenges, and
/// records and events whose retention ended, [`PURGE_BATCH`] rows per transaction.
pub async fn purge(store: &Store, now: i64) -> Result<Purged, PickupError> {
    let expired_pickups = purge_in_batches(store, move |conn| {
        Box::pin(expire_batch(conn, now)) as OpFuture<'_, usize>
    })
    .await?;
    // Challenges live two minutes: there are never many.
    let stale_challenges = store
        .write(Durability::Durable, move |conn| {
            Box::pin(async move {
                Ok(sqlx::query("DELETE FROM challenges WHERE expires_at <= $1")
                    .bind(now)
                    .execute(conn)
                    .await?
                    .rows_affected())
            }) as OpFuture<'_, u64>
        })
        .await?;
    let old_records = purge_in_batches(store, move |conn| {
        Box::pin(forget_records_batch(conn, now)) as OpFuture<'_, usize>
    })
    .await?;
    Ok(Purged {
        expired_pickups,
        stale_challenges,
        old_records,
    })
}

/// Deletes up to [`PURGE_BATCH`] rows of `table` whose `column` is at most `limit`; their ids.
async fn delete_batch(
    conn: &mut AnyConnection,
    table: &str,
    column: &str,
    limit: i64,
) -> Result<Vec<Vec<u8>>, sqlx::Error> {
    let statement = format!(
        "DELETE FROM {table} WHERE id IN \
         (SELECT id FROM {table} WHERE {column} <= $1 LIMIT $2) RETURNING id"
    );
    sqlx::query(&statement)
        .bind(limit)
        .bind(PURGE_BATCH as i64)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| row.try_get("id"))
        .collect()
}

/// `count` comma-separated SQL pieces, each `piece($n)` for the parameters `$first`…
fn numbered(count: usize, first: usize, piece: impl Fn(usize) -> String) -> String {
    (first..first + count)
        .map(piece)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deletes up to [`PURGE_BATCH`] expired pickups and records an `expired` event for each, in
/// one statement; how many.
async fn expire_batch(conn: &mut AnyConnection, now: i64) -> Result<usize, sqlx::Error> {
    let expired = delete_batch(conn, "pickups", "expires_at", now).await?;
    if expired.is_empty() {
        return Ok(0);
    }
    let rows = numbered(expired.len(), 3, |n| format!("(${n}, $1, $2)"));
    let statement = format!("INSERT INTO pickup_events (pickup_id, kind, at) VALUES {rows}");
    let mut insert = sqlx::query(&statement)
        .bind(event_name(PickupEventKind::Expired))
        .bind(now);
    let count = expired.len();
    for id in expired {
        insert = insert.bind(id);
    }
    insert.execute(conn).await?;
    Ok(count)
}

/// Deletes up to [`PURGE_BATCH`] records whose retention ended, and their events; how many.
async fn forget_records_batch(conn: &mut AnyConnection, now: i64) -> Result<usize, sqlx::Error> {
    let forgotten = delete_batch(conn, "pickup_records", "purge_after", now).await?;
    if forgotten.is_empty() {
        return Ok(0);
    }
    let ids = numbered(forgotten.len(), 1, |n| format!("${n}"));
    let statement = format!("DELETE FROM pickup_events WHERE pickup_id IN ({ids})");
    let mut delete = sqlx::query(&statement);
    let count = forgotten.len();
    for id in forgotten {
        delete = delete.bind(id);
    }
    delete.execute(conn).await?;
    Ok(count)
}
