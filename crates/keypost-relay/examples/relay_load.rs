//! Load benchmark of the relay binary, from this separate process, on loopback only.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-relay cargo build --release -p keypost-relay --bin keypost-relay --example relay_load
//! /work/target-relay/release/examples/relay_load [--seconds 10] [--connections 16,32] [--backends sqlite,postgres] [--outbox-parent DIR]
//! ```
//!
//! For each backend it starts `keypost-relay` (the release binary next to this example's
//! folder) on 127.0.0.1:0 with rate limits off — SQLite in a temporary folder (WAL,
//! synchronous=FULL: every answered write is on disk), or a PostgreSQL cluster it starts itself
//! (as the tests do). Then, per connection count, it runs two phases of `--seconds` each:
//! creates (1 KiB ciphertext, outbox mail), and full pickups (challenge + open with the right
//! PIN) over the pickups just created. It prints a Markdown table: requests/s, p50/p99
//! latency, CPU time (the relay's per request, and the cores used by the relay and by this load
//! generator), and the relay's resident memory (VmRSS now, VmHWM peak); and on stderr the size
//! of the SQLite database and its WAL. The outbox folder is on the same disk as the database
//! unless `--outbox-parent` puts it elsewhere (e.g. /dev/shm, to leave file creation out).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use keypost_protocol::api::pickups::ChallengeResponse;
use support::{Db, Pickup, RelayProcess};

struct Options {
    seconds: u64,
    connections: Vec<usize>,
    backends: Vec<String>,
    /// Where the outbox folder goes (default: a temporary folder on the same disk as SQLite).
    outbox_parent: Option<PathBuf>,
}

fn options() -> Options {
    let mut options = Options {
        seconds: 10,
        connections: vec![16, 32],
        backends: vec!["sqlite".to_owned(), "postgres".to_owned()],
        outbox_parent: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        match (pair[0].as_str(), pair.get(1)) {
            ("--seconds", Some(value)) => options.seconds = value.parse().unwrap(),
            ("--connections", Some(value)) => {
                options.connections = value.split(',').map(|n| n.parse().unwrap()).collect();
            }
            ("--backends", Some(value)) => {
                options.backends = value.split(',').map(str::to_owned).collect();
            }
            ("--outbox-parent", Some(value)) => options.outbox_parent = Some(value.into()),
            _ => panic!(
                "usage: relay_load [--seconds N] [--connections 16,32] [--backends sqlite,postgres] [--outbox-parent DIR]"
            ),
        }
    }
    options
}

fn relay_binary() -> PathBuf {
    let example = std::env::current_exe().unwrap();
    example
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("keypost-relay")
}

fn memory_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

/// CPU time (user + system) a process has used so far, from `/proc/PID/stat`.
fn cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // The kernel reports clock ticks of 1/100 s (USER_HZ) on Linux.
    Duration::from_millis(ticks * 10)
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

struct PhaseResult {
    completed: usize,
    failed: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    relay_cpu: Duration,
    load_cpu: Duration,
}

impl PhaseResult {
    fn rate(&self) -> f64 {
        self.completed as f64 / self.elapsed.as_secs_f64()
    }

    /// "relay µs per request · relay cores · load-generator cores".
    fn cpu(&self) -> String {
        let seconds = self.elapsed.as_secs_f64();
        format!(
            "{:.0} µs · {:.2} · {:.2}",
            self.relay_cpu.as_secs_f64() * 1e6 / self.completed.max(1) as f64,
            self.relay_cpu.as_secs_f64() / seconds,
            self.load_cpu.as_secs_f64() / seconds,
        )
    }
}

/// Runs `connections` workers for `seconds`; each worker owns one keep-alive connection.
async fn phase<F, Fut>(relay_pid: u32, connections: usize, seconds: u64, work: F) -> PhaseResult
where
    F: Fn(reqwest::Client, usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Result<Duration, ()>> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let relay_pid = relay_pid.to_string();
    let relay_cpu_before = cpu_time(&relay_pid);
    let load_cpu_before = cpu_time("self");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..connections {
        let work = work.clone();
        tasks.spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            let mut latencies = Vec::new();
            let mut failed = 0;
            let mut round = 0;
            while Instant::now() < deadline {
                match work(client.clone(), worker + connections * round).await {
                    Ok(latency) => latencies.push(latency),
                    Err(()) => failed += 1,
                }
                round += 1;
            }
            (latencies, failed)
        });
    }
    let mut latencies = Vec::new();
    let mut failed = 0;
    for (mut worker_latencies, worker_failed) in tasks.join_all().await {
        latencies.append(&mut worker_latencies);
        failed += worker_failed;
    }
    let elapsed = started.elapsed();
    let relay_cpu = cpu_time(&relay_pid) - relay_cpu_before;
    let load_cpu = cpu_time("self") - load_cpu_before;
    latencies.sort();
    PhaseResult {
        completed: latencies.len(),
        failed,
        elapsed,
        latencies,
        relay_cpu,
        load_cpu,
    }
}

/// Runs one backend; returns its folders (database, outbox) to be deleted only at the end:
/// deleting tens of thousands of files slows the next file creations on ext4 without a journal
/// for a minute or so, which would bill one backend's clean-up to the next one's creates.
async fn run_backend(backend: &str, options: &Options) -> (Db, tempfile::TempDir) {
    let db = match backend {
        "sqlite" => Db::sqlite(),
        "postgres" => Db::postgres().await,
        other => panic!("unknown backend {other}"),
    };
    let scratch = match &options.outbox_parent {
        Some(parent) => tempfile::tempdir_in(parent).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let relay = RelayProcess::spawn_binary(
        &relay_binary(),
        db.url(),
        &scratch.path().join("outbox"),
        scratch.path(),
        "warn",
    );
    let pid = relay.child.id();
    let base = Arc::new(relay.base.clone());
    for &connections in &options.connections {
        // Phase 1: creates. Pickups allow 100 views so phase 2 can reuse them.
        let pickups: Arc<std::sync::Mutex<Vec<Arc<Pickup>>>> = Arc::default();
        let create = {
            let base = base.clone();
            let pickups = pickups.clone();
            move |client: reqwest::Client, _n: usize| {
                let base = base.clone();
                let pickups = pickups.clone();
                async move {
                    let pickup = Pickup::new(1024);
                    let body = serde_json::to_vec(&pickup.request(Some(100))).unwrap();
                    let started = Instant::now();
                    let response = client
                        .post(format!("{base}/api/v1/pickups"))
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .map_err(|_| ())?;
                    let ok = response.status() == 201;
                    response.bytes().await.map_err(|_| ())?;
                    let latency = started.elapsed();
                    if ok {
                        pickups.lock().unwrap().push(Arc::new(pickup));
                        Ok(latency)
                    } else {
                        Err(())
                    }
                }
            }
        };
        let creates = phase(pid, connections, options.seconds, create).await;
        let rss_after_creates = memory_kib(pid, "VmRSS:");

        // Phase 2: full pickups (challenge + open) over the pickups just created.
        let pickups = Arc::new(pickups.lock().unwrap().clone());
        let next = Arc::new(AtomicUsize::new(0));
        let open_latencies: Arc<std::sync::Mutex<Vec<Duration>>> = Arc::default();
        let full = {
            let base = base.clone();
            let open_latencies = open_latencies.clone();
            move |client: reqwest::Client, _n: usize| {
                let base = base.clone();
                let pickup = pickups[next.fetch_add(1, Ordering::Relaxed) % pickups.len()].clone();
                let open_latencies = open_latencies.clone();
                async move {
                    let started = Instant::now();
                    let url = format!("{base}/api/v1/pickups/{}", pickup.id_text());
                    let response = client
                        .post(format!("{url}/challenge"))
                        .send()
                        .await
                        .map_err(|_| ())?;
                    if response.status() != 200 {
                        return Err(());
                    }
                    let challenge: ChallengeResponse = response.json().await.map_err(|_| ())?;
                    let body = serde_json::to_vec(&keypost_protocol::api::pickups::OpenRequest {
                        proof: pickup.proof(&challenge.challenge),
                        challenge: challenge.challenge,
                    })
                    .unwrap();
                    let open_started = Instant::now();
                    let response = client
                        .post(format!("{url}/open"))
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .map_err(|_| ())?;
                    let ok = response.status() == 200;
                    response.bytes().await.map_err(|_| ())?;
                    open_latencies.lock().unwrap().push(open_started.elapsed());
                    if ok { Ok(started.elapsed()) } else { Err(()) }
                }
            }
        };
        let opens = phase(pid, connections, options.seconds, full).await;
        let mut open_only = open_latencies.lock().unwrap().clone();
        open_only.sort();
        let rss = memory_kib(pid, "VmRSS:");
        if let Some(file) = db.sqlite_file() {
            let size = |path: PathBuf| std::fs::metadata(path).map_or(0, |m| m.len() / 1024);
            eprintln!(
                "sqlite {connections}: database {} KiB, WAL {} KiB",
                size(file.clone()),
                size(file.with_extension("db-wal")),
            );
        }
        let peak = memory_kib(pid, "VmHWM:");
        println!(
            "| {backend} | {connections} | creates | {:.0}/s | {:.2} | {:.2} | {} | {} | {} MiB |",
            creates.rate(),
            percentile(&creates.latencies, 0.50),
            percentile(&creates.latencies, 0.99),
            creates.failed,
            creates.cpu(),
            rss_after_creates / 1024,
        );
        println!(
            "| {backend} | {connections} | full pickups (challenge + open) | {:.0}/s | {:.2} | {:.2} | {} | {} | {} MiB (peak {} MiB) |",
            opens.rate(),
            percentile(&opens.latencies, 0.50),
            percentile(&opens.latencies, 0.99),
            opens.failed,
            opens.cpu(),
            rss / 1024,
            peak / 1024,
        );
        println!(
            "| {backend} | {connections} | open request alone | {:.0}/s | {:.2} | {:.2} | | | |",
            open_only.len() as f64 / opens.elapsed.as_secs_f64(),
            percentile(&open_only, 0.50),
            percentile(&open_only, 0.99),
        );
    }
    relay.stop();
    (db, scratch)
}

#[tokio::main]
async fn main() {
    let options = options();
    println!(
        "| store | connections | operation | rate | p50 ms | p99 ms | failed | CPU: relay per request · relay cores · load cores | relay RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut kept = Vec::new();
    for backend in &options.backends {
        kept.push(run_backend(backend, &options).await);
    }
}
