//! Storage of pickups through sqlx: a SQLite file or a shared PostgreSQL database.
//!
//! Every counter change is ONE conditional statement (`UPDATE … WHERE attempts_left > 0 …
//! RETURNING`), so it holds across connections and across relay processes; when a counter
//! reaches 0 the row (ciphertext and verifier with it) is deleted in the same transaction.
//!
//! Writes go through [`Store::write`]. On PostgreSQL each write is its own transaction from the
//! pool. On SQLite only one writer can run at a time and a durable commit costs an fsync, so a
//! single writer task runs the queued writes in batches: one `BEGIN IMMEDIATE … COMMIT` (one
//! fsync) for many writes, each inside its own savepoint so a failing write rolls back alone
//! ("group commit"). A write's answer is released only after its batch committed, unless the
//! write is marked [`Durability::Ephemeral`] (challenges: losing one in a crash is harmless).

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection, Executor};
use tokio::sync::{mpsc, oneshot};

/// The boxed future of one write operation, borrowing the connection it runs on.
pub type OpFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, sqlx::Error>> + Send + 'c>>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Writes waiting for the SQLite writer; beyond this, callers wait (back-pressure).
const WRITE_QUEUE: usize = 4096;
/// Most writes committed together by one SQLite transaction.
const MAX_BATCH: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (expected sqlite:// or postgres://)")]
    UnsupportedUrl,
    #[error("the database writer has stopped")]
    WriterStopped,
}

/// Whether a write's caller must wait until it is durably committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Answer after the commit reached the disk (pickups, counters, events).
    Durable,
    /// Answer as soon as the write ran; it commits with its batch (single-use challenges).
    Ephemeral,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }
}

/// Connection pool for reads plus the write path (see the module documentation).
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    pool: AnyPool,
    writer: Writer,
}

#[derive(Clone)]
enum Writer {
    Pool,
    Queue(mpsc::Sender<Box<dyn Job>>),
}

impl Store {
    /// Connects, applies the embedded migrations and, for SQLite, starts the writer task
    /// (which ends when the last `Store` clone is dropped).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
        let pool_size = match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(pool_size)
            .min_connections(1)
            .after_connect(move |conn, _| Box::pin(prepare_connection(conn, backend)))
            .connect_with(options.clone())
            .await?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let writer = match backend {
            Backend::Postgres => Writer::Pool,
            Backend::Sqlite => {
                let mut conn = AnyConnection::connect_with(&options).await?;
                prepare_connection(&mut conn, backend).await?;
                let (sender, receiver) = mpsc::channel(WRITE_QUEUE);
                tokio::spawn(run_sqlite_writer(conn, receiver));
                Writer::Queue(sender)
            }
        };
        Ok(Self {
            backend,
            pool,
            writer,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for read-only queries (they see committed data only).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Runs `op` as one atomic write and returns its result once it is committed (or, for
    /// [`Durability::Ephemeral`], once it ran).
    pub async fn write<T, F>(&self, durability: Durability, op: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> OpFuture<'c, T> + Send + 'static,
    {
        match &self.writer {
            Writer::Pool => {
                let mut tx = self.pool.begin().await?;
                if durability == Durability::Ephemeral {
                    // Only this transaction skips waiting for the WAL flush.
                    (&mut *tx)
                        .execute("SET LOCAL synchronous_commit TO OFF")
                        .await?;
                }
                let value = op(&mut tx).await?;
                tx.commit().await?;
                Ok(value)
            }
            Writer::Queue(queue) => {
                let (reply, answer) = oneshot::channel();
                let job = Box::new(TypedJob {
                    op: Some(op),
                    value: None,
                    reply: Some(reply),
                    durability,
                });
                queue
                    .send(job)
                    .await
                    .map_err(|_| StoreError::WriterStopped)?;
                answer.await.map_err(|_| StoreError::WriterStopped)?
            }
        }
    }

    /// Closes the read pool (the writer task ends with the last `Store` clone).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn prepare_connection(conn: &mut AnyConnection, backend: Backend) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        // WAL lets readers run beside the writer; synchronous=FULL makes every commit
        // durable; secure_delete overwrites freed pages so deleted ciphertext is really gone.
        conn.execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
             PRAGMA busy_timeout = 10000; PRAGMA secure_delete = ON;",
        )
        .await?;
    }
    Ok(())
}

/// One queued write, its result kept until the batch commits.
trait Job: Send {
    fn run<'c>(&'c mut self, conn: &'c mut AnyConnection) -> OpFuture<'c, ()>;
    /// Delivers the outcome: `Ok` after a successful commit, else the error.
    fn finish(self: Box<Self>, outcome: Result<(), StoreError>);
}

struct TypedJob<T, F> {
    op: Option<F>,
    value: Option<T>,
    reply: Option<oneshot::Sender<Result<T, StoreError>>>,
    durability: Durability,
}

impl<T, F> Job for TypedJob<T, F>
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut AnyConnection) -> OpFuture<'c, T> + Send + 'static,
{
    fn run<'c>(&'c mut self, conn: &'c mut AnyConnection) -> OpFuture<'c, ()> {
        Box::pin(async move {
            let Some(op) = self.op.take() else {
                return Ok(());
            };
            let value = op(conn).await?;
            match self.durability {
                Durability::Durable => self.value = Some(value),
                Durability::Ephemeral => {
                    if let Some(reply) = self.reply.take() {
                        // The caller may have gone away; nothing to do then.
                        let _ = reply.send(Ok(value));
                    }
                }
            }
            Ok(())
        })
    }

    fn finish(mut self: Box<Self>, outcome: Result<(), StoreError>) {
        if let Some(reply) = self.reply.take() {
            let answer = match (outcome, self.value.take()) {
                (Ok(()), Some(value)) => Ok(value),
                (Ok(()), None) => Err(StoreError::WriterStopped),
                (Err(error), _) => Err(error),
            };
            let _ = reply.send(answer);
        }
    }
}

async fn run_sqlite_writer(mut conn: AnyConnection, mut queue: mpsc::Receiver<Box<dyn Job>>) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let jobs = std::mem::take(&mut batch);
        run_batch(&mut conn, jobs).await;
    }
    if let Err(error) = conn.close().await {
        tracing::warn!(%error, "closing the SQLite writer connection failed");
    }
}

async fn run_batch(conn: &mut AnyConnection, jobs: Vec<Box<dyn Job>>) {
    if let Err(error) = begin_with_retry(conn).await {
        tracing::error!(%error, "could not start a write transaction");
        let message = error.to_string();
        for job in jobs {
            job.finish(Err(StoreError::Database(sqlx::Error::Protocol(
                message.clone(),
            ))));
        }
        return;
    }
    let mut ran = Vec::with_capacity(jobs.len());
    for mut job in jobs {
        match run_in_savepoint(conn, job.as_mut()).await {
            Ok(()) => ran.push(job),
            Err(error) => job.finish(Err(StoreError::Database(error))),
        }
    }
    match conn.execute("COMMIT").await {
        Ok(_) => {
            for job in ran {
                job.finish(Ok(()));
            }
        }
        Err(error) => {
            tracing::error!(%error, "committing a write batch failed");
            if let Err(rollback) = conn.execute("ROLLBACK").await {
                tracing::error!(error = %rollback, "rolling back a failed batch failed");
            }
            let message = error.to_string();
            for job in ran {
                job.finish(Err(StoreError::Database(sqlx::Error::Protocol(
                    message.clone(),
                ))));
            }
        }
    }
}

/// `BEGIN IMMEDIATE`, retried while another process holds the write lock beyond busy_timeout.
async fn begin_with_retry(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let mut tries = 0;
    loop {
        match conn.execute("BEGIN IMMEDIATE").await {
            Ok(_) => return Ok(()),
            Err(error) if tries < 3 => {
                tracing::warn!(%error, "SQLite is busy; retrying the write transaction");
                tries += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(error) => return Err(error),
        }
    }
}

async fn run_in_savepoint(conn: &mut AnyConnection, job: &mut dyn Job) -> Result<(), sqlx::Error> {
    conn.execute("SAVEPOINT job").await?;
    match job.run(conn).await {
        Ok(()) => {
            conn.execute("RELEASE job").await?;
            Ok(())
        }
        Err(error) => {
            conn.execute("ROLLBACK TO job").await?;
            conn.execute("RELEASE job").await?;
            Err(error)
        }
    }
}
