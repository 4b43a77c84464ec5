//! Storage of pickups through sqlx: a SQLite file or a shared PostgreSQL database.
//!
//! Every counter change is ONE conditional statement (`UPDATE … WHERE attempts_left > 0 …
//! RETURNING`), so it holds across connections and across relay processes; when a counter
//! reaches 0 the row (ciphertext and verifier with it) is deleted in the same transaction.
//!
//! Writes go through [`Store::write`]. On PostgreSQL each write is its own transaction from the
//! pool. On SQLite only one writer can run at a time and a durable commit costs an fsync, so a
//! single writer task runs the queued writes in batches: one `BEGIN IMMEDIATE … COMMIT` (one
//! fsync) for many writes ("group commit"). A write's answer is released only after its batch
//! committed, unless the write is marked [`Durability::Ephemeral`] (challenges: losing one in a
//! crash is harmless).
//!
//! Deleted secrets must leave every file of a live SQLite database: `secure_delete` zeroes what
//! a delete frees in the database file, but the WAL still holds the pages as they were before,
//! ciphertext and verifiers included, until a checkpoint copies them over and the log is
//! overwritten. So a caller that deleted secrets then awaits [`Store::wipe_deleted`]: after
//! the batch it joins commits, the writer checkpoints the WAL into the database file and
//! truncates it to zero bytes (`wal_checkpoint(TRUNCATE)`), once for the whole batch.
//!
//! Every statement costs a round trip to sqlx's SQLite worker thread, so the batch has no
//! savepoint per write. Instead a write is a closure that can run again: when one fails, the
//! batch is rolled back and its writes run again one transaction each, so only the failing
//! write fails.

use std::fs::OpenOptions;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection, Executor};
use tokio::sync::{mpsc, oneshot};

use crate::config::sqlite_url;

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
    #[error("unsupported database URL {0:?} (expected sqlite://PATH, postgres://… or a file path)")]
    UnsupportedUrl(String),
    #[error("the database writer has stopped")]
    WriterStopped,
    #[error("cannot create the database folder {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database path {} is a folder, not a file", path.display())]
    FolderInTheWay { path: PathBuf },
    #[error("cannot {action} the database file {}: {source}", path.display())]
    File {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the SQLite database {}: {source}", path.display())]
    Sqlite { path: PathBuf, source: sqlx::Error },
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
    /// The backend a `--database` value names; anything that is not a URL is a SQLite file.
    pub fn from_location(location: &str) -> Result<Self, StoreError> {
        if location.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else if location.contains("://") || location.is_empty() {
            Err(StoreError::UnsupportedUrl(location.to_owned()))
        } else {
            Ok(Self::Sqlite)
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
    Queue(mpsc::Sender<Queued>),
}

impl Store {
    /// Connects to `location` (a `postgres://` or `sqlite:` URL, or the path of a SQLite file),
    /// applies the embedded migrations and, for SQLite, starts the writer task (which ends when
    /// the last `Store` clone is dropped).
    pub async fn connect(location: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_location(location)?;
        match backend {
            Backend::Postgres => Self::open(location, backend).await,
            Backend::Sqlite => {
                let file = SqliteFile::prepare(location)?;
                Self::open(&file.url, backend)
                    .await
                    .map_err(|error| file.explain(error))
            }
        }
    }

    async fn open(url: &str, backend: Backend) -> Result<Self, StoreError> {
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
    /// [`Durability::Ephemeral`], once it ran). `op` may run more than once (see the module
    /// documentation); only the run that is committed counts.
    pub async fn write<T, F>(&self, durability: Durability, op: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> Fn(&'c mut AnyConnection) -> OpFuture<'c, T> + Send + 'static,
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
                    op,
                    value: None,
                    reply: Some(reply),
                    durability,
                });
                queue
                    .send(Queued::Write(job))
                    .await
                    .map_err(|_| StoreError::WriterStopped)?;
                answer.await.map_err(|_| StoreError::WriterStopped)?
            }
        }
    }

    /// Returns once what earlier writes of this caller deleted is in no file of the database:
    /// on SQLite the WAL is checkpointed and truncated after the batch this joins (one
    /// checkpoint for every wipe queued with it). PostgreSQL keeps deleted rows as dead tuples
    /// until VACUUM reuses their space, which no statement of ours can force (see the README).
    pub async fn wipe_deleted(&self) -> Result<(), StoreError> {
        match &self.writer {
            Writer::Pool => Ok(()),
            Writer::Queue(queue) => {
                let (reply, answer) = oneshot::channel();
                queue
                    .send(Queued::Wipe(reply))
                    .await
                    .map_err(|_| StoreError::WriterStopped)?;
                answer.await.map_err(|_| StoreError::WriterStopped)
            }
        }
    }

    /// Closes the read pool (the writer task ends with the last `Store` clone).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A SQLite database file, made ready before sqlx opens it so that a problem is told with the
/// path and the system's reason instead of SQLite's "unable to open database file".
struct SqliteFile {
    /// The URL sqlx opens: the one given (with `mode=rwc` added when it sets no mode).
    url: String,
    path: PathBuf,
}

impl SqliteFile {
    /// Turns a path into a URL, then creates the folder and (unless the URL sets another
    /// `mode`) the file, and checks that the file can be read and written.
    fn prepare(location: &str) -> Result<Self, StoreError> {
        let url = if location.starts_with("sqlite:") {
            with_default_mode(location)
        } else {
            sqlite_url(Path::new(location))
        };
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(&url)?;
        let path = options.get_filename().to_path_buf();
        let file = Self { url, path };
        if file.in_memory() {
            return Ok(file);
        }
        if let Some(folder) = file
            .path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder).map_err(|source| StoreError::Folder {
                path: folder.to_path_buf(),
                source,
            })?;
        }
        if file.path.is_dir() {
            return Err(StoreError::FolderInTheWay { path: file.path });
        }
        let mode = file.mode();
        let (action, result) = match mode.as_deref() {
            Some("rwc") => (
                if file.path.exists() { "open" } else { "create" },
                OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(&file.path),
            ),
            Some("rw") => (
                "open",
                OpenOptions::new().read(true).write(true).open(&file.path),
            ),
            _ => ("read", OpenOptions::new().read(true).open(&file.path)),
        };
        result.map_err(|source| StoreError::File {
            action,
            path: file.path.clone(),
            source,
        })?;
        Ok(file)
    }

    fn query(&self) -> impl Iterator<Item = (&str, &str)> {
        self.url
            .split_once('?')
            .map(|(_, query)| query)
            .unwrap_or_default()
            .split('&')
            .filter_map(|pair| pair.split_once('='))
    }

    fn mode(&self) -> Option<String> {
        self.query()
            .find(|(key, _)| *key == "mode")
            .map(|(_, value)| value.to_owned())
    }

    fn in_memory(&self) -> bool {
        self.url.starts_with("sqlite::memory:") || self.mode().as_deref() == Some("memory")
    }

    /// SQLite's own errors name no file: add the path.
    fn explain(&self, error: StoreError) -> StoreError {
        match error {
            StoreError::Database(source) => StoreError::Sqlite {
                path: self.path.clone(),
                source,
            },
            StoreError::Migrate(sqlx::migrate::MigrateError::Execute(source)) => {
                StoreError::Sqlite {
                    path: self.path.clone(),
                    source,
                }
            }
            other => other,
        }
    }
}

/// `url` with `mode=rwc` (create the file if missing) when it does not choose a mode itself.
fn with_default_mode(url: &str) -> String {
    let query = url.split_once('?').map(|(_, query)| query);
    let sets_mode =
        query.is_some_and(|query| query.split('&').any(|pair| pair.starts_with("mode=")));
    match query {
        _ if sets_mode => url.to_owned(),
        Some("") => format!("{url}mode=rwc"),
        Some(_) => format!("{url}&mode=rwc"),
        None => format!("{url}?mode=rwc"),
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

/// What the SQLite writer task is asked to do.
enum Queued {
    Write(Box<dyn Job>),
    /// [`Store::wipe_deleted`]: answered once the WAL is wiped after the current batch.
    Wipe(oneshot::Sender<()>),
}

struct TypedJob<T, F> {
    op: F,
    value: Option<T>,
    reply: Option<oneshot::Sender<Result<T, StoreError>>>,
    durability: Durability,
}

impl<T, F> Job for TypedJob<T, F>
where
    T: Send + 'static,
    F: for<'c> Fn(&'c mut AnyConnection) -> OpFuture<'c, T> + Send + 'static,
{
    fn run<'c>(&'c mut self, conn: &'c mut AnyConnection) -> OpFuture<'c, ()> {
        Box::pin(async move {
            let value = (self.op)(conn).await?;
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

async fn run_sqlite_writer(mut conn: AnyConnection, mut queue: mpsc::Receiver<Queued>) {
    let mut batch: Vec<Queued> = Vec::with_capacity(MAX_BATCH);
    // A wipe that a reader kept from finishing is tried again after the next batch.
    let mut wipe_pending = false;
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut jobs = Vec::with_capacity(batch.len());
        let mut wipes = Vec::new();
        for queued in batch.drain(..) {
            match queued {
                Queued::Write(job) => jobs.push(job),
                Queued::Wipe(reply) => wipes.push(reply),
            }
        }
        if !jobs.is_empty() {
            run_batch(&mut conn, jobs).await;
        }
        if wipe_pending || !wipes.is_empty() {
            wipe_pending = !wipe_wal(&mut conn).await;
        }
        for reply in wipes {
            // The caller may have gone away; nothing to do then.
            let _ = reply.send(());
        }
    }
    if let Err(error) = conn.close().await {
        tracing::warn!(%error, "closing the SQLite writer connection failed");
    }
}

async fn run_batch(conn: &mut AnyConnection, mut jobs: Vec<Box<dyn Job>>) {
    if let Err(error) = begin_with_retry(conn).await {
        tracing::error!(%error, "could not start a write transaction");
        fail_all(jobs, &error);
        return;
    }
    let mut failure = None;
    for job in &mut jobs {
        if let Err(error) = job.run(conn).await {
            failure = Some(error);
            break;
        }
    }
    match failure {
        None => match conn.execute("COMMIT").await {
            Ok(_) => {
                for job in jobs {
                    job.finish(Ok(()));
                }
            }
            Err(error) => {
                tracing::error!(%error, "committing a write batch failed");
                rollback(conn).await;
                fail_all(jobs, &error);
            }
        },
        Some(error) => {
            rollback(conn).await;
            if jobs.len() == 1 {
                if let Some(job) = jobs.pop() {
                    job.finish(Err(StoreError::Database(error)));
                }
            } else {
                tracing::warn!(%error, "a write failed; running its batch one write at a time");
                for job in jobs {
                    run_alone(conn, job).await;
                }
            }
        }
    }
}

/// Folds the WAL into the database file and truncates it to zero bytes, so that pages from
/// before a delete survive in no file. It waits (busy_timeout) for readers still on an older
/// snapshot; true when the WAL is empty afterwards.
async fn wipe_wal(conn: &mut AnyConnection) -> bool {
    let outcome = sqlx::query_scalar::<_, i64>("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut *conn)
        .await;
    match outcome {
        Ok(0) => true,
        Ok(_) => {
            tracing::warn!(
                "a reader kept the WAL from being truncated; retrying after the next batch"
            );
            false
        }
        Err(error) => {
            tracing::error!(%error, "wiping the WAL failed; retrying after the next batch");
            false
        }
    }
}

/// Runs one job in a transaction of its own.
async fn run_alone(conn: &mut AnyConnection, mut job: Box<dyn Job>) {
    if let Err(error) = begin_with_retry(conn).await {
        job.finish(Err(StoreError::Database(error)));
        return;
    }
    let outcome = match job.run(conn).await {
        Ok(()) => conn.execute("COMMIT").await.map(|_| ()),
        Err(error) => Err(error),
    };
    if outcome.is_err() {
        rollback(conn).await;
    }
    job.finish(outcome.map_err(StoreError::Database));
}

async fn rollback(conn: &mut AnyConnection) {
    if let Err(error) = conn.execute("ROLLBACK").await {
        tracing::error!(%error, "rolling back a write transaction failed");
    }
}

/// Answers every job with `error` (a batch that could not start or commit).
fn fail_all(jobs: Vec<Box<dyn Job>>, error: &sqlx::Error) {
    let message = error.to_string();
    for job in jobs {
        job.finish(Err(StoreError::Database(sqlx::Error::Protocol(
            message.clone(),
        ))));
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use sqlx::Row;
    use tokio::sync::Notify;

    use super::*;

    async fn sqlite_store(dir: &tempfile::TempDir) -> Store {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        Store::connect(&url).await.unwrap()
    }

    /// Inserts `first`, then `second` into a table whose key is unique.
    fn insert_two(
        store: &Store,
        first: i64,
        second: i64,
        runs: Arc<AtomicUsize>,
    ) -> tokio::task::JoinHandle<Result<(), StoreError>> {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .write(Durability::Durable, move |conn| {
                    runs.fetch_add(1, Ordering::SeqCst);
                    Box::pin(async move {
                        for n in [first, second] {
                            sqlx::query("INSERT INTO t (n) VALUES ($1)")
                                .bind(n)
                                .execute(&mut *conn)
                                .await?;
                        }
                        Ok(())
                    }) as OpFuture<'_, ()>
                })
                .await
        })
    }

    #[tokio::test]
    async fn the_folder_of_a_new_sqlite_file_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not").join("yet").join("relay.db");
        let store = Store::connect(&crate::config::sqlite_url(&file))
            .await
            .unwrap();
        store.close().await;
        assert!(file.is_file());
    }

    #[tokio::test]
    async fn a_failing_write_fails_alone_and_the_rest_of_its_batch_commits() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        store
            .write(Durability::Durable, |conn| {
                Box::pin(async move {
                    conn.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
                        .await?;
                    Ok(())
                }) as OpFuture<'_, ()>
            })
            .await
            .unwrap();

        // Hold the writer so that the next writes queue up and run as one batch.
        let release = Arc::new(Notify::new());
        let holding = {
            let store = store.clone();
            let release = release.clone();
            tokio::spawn(async move {
                store
                    .write(Durability::Durable, move |_conn| {
                        let release = release.clone();
                        Box::pin(async move {
                            release.notified().await;
                            Ok(())
                        }) as OpFuture<'_, ()>
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;

        let good_runs = Arc::new(AtomicUsize::new(0));
        let bad_runs = Arc::new(AtomicUsize::new(0));
        let mut good = Vec::new();
        for n in 0..4 {
            good.push(insert_two(&store, n * 10, n * 10 + 1, good_runs.clone()));
        }
        // Its first insert succeeds, its second breaks the unique key: it must leave nothing.
        let bad = insert_two(&store, 100, 100, bad_runs.clone());
        for n in 4..8 {
            good.push(insert_two(&store, n * 10, n * 10 + 1, good_runs.clone()));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        release.notify_one();
        holding.await.unwrap().unwrap();

        assert!(matches!(bad.await.unwrap(), Err(StoreError::Database(_))));
        for write in good {
            write.await.unwrap().unwrap();
        }
        // They ran as one batch, which failed and ran again one write at a time.
        assert_eq!(bad_runs.load(Ordering::SeqCst), 2);
        assert!(good_runs.load(Ordering::SeqCst) > 8);

        let rows = sqlx::query("SELECT n FROM t ORDER BY n")
            .fetch_all(store.pool())
            .await
            .unwrap();
        let stored: Vec<i64> = rows.iter().map(|row| row.get("n")).collect();
        let expected: Vec<i64> = (0..8).flat_map(|n| [n * 10, n * 10 + 1]).collect();
        assert_eq!(stored, expected);
    }
}
