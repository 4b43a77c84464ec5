//! Load benchmark of the relay binary, from this separate process, on loopback only.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-relay cargo build --release -p keypost-relay --bin keypost-relay --example relay_load
//! /work/target-relay/release/examples/relay_load [--seconds 10] [--connections 16,32] [--backends sqlite,postgres,snappass] [--runs pickups,inbox,purge] [--expired 1000000] [--outbox-parent DIR] [--snappass URL --snappass-pids PID,PID]
//! ```
//!
//! `examples/relay_vs_snappass` runs this with SnapPass (gunicorn + Redis) beside the relay.
//!
//! For each backend it starts `keypost-relay` (the release binary next to this example's
//! folder) on 127.0.0.1:0 with rate limits off — SQLite in a temporary folder (WAL,
//! synchronous=FULL: every answered write is on disk), or a PostgreSQL cluster it starts itself
//! (as the tests do), where a second relay process on the same database takes half of the
//! inbox load. Then, per connection count, it runs phases of `--seconds` each. Pickups: creates
//! (1 KiB ciphertext, outbox mail), creates with no email (the sender delivers the link, as
//! with SnapPass), and full pickups (challenge + open with the right PIN) over
//! the pickups just created. Inbox: deposits of 1 KiB sealed messages by one sender per
//! connection into two mailboxes per connection (mailbox quota raised, per-sender limit off),
//! then fetch + acknowledgement of what was deposited, each connection emptying its own
//! mailboxes (`wait=0`, up to 50 messages a fetch, all of them acknowledged at once), then
//! single messages: each connection deposits one message into its own empty mailbox (not
//! timed) and fetches and acknowledges it (timed: the latency an app sees). It prints
//! a Markdown table: requests/s (messages/s for fetch + ack, whose latency is per round of
//! fetch and ack), p50/p99 latency, CPU time (the relay's per request, and the cores used by
//! the relays and by this load generator), and the relays' resident memory (VmRSS now, VmHWM
//! peak); and on stderr the size of the SQLite database and its WAL. The outbox folder is on
//! the same disk as the database unless `--outbox-parent` puts it elsewhere (e.g. /dev/shm, to
//! leave file creation out).
//!
//! `--runs purge` (SQLite): `--expired` pickups that expired together (1,000,000 by default,
//! with their records) go straight into the database; the relay's scheduled purge (every
//! second here) removes them while the workers create pickups. It prints the creates' rate and
//! latency until the purge is done, how long the purge took, and the largest WAL and relay
//! memory seen meanwhile.
//!
//! `--backends snappass` measures a running SnapPass at `--snappass` (its processes, gunicorn
//! workers and Redis, given by `--snappass-pids` for the CPU and memory columns) the same way:
//! creates (a 1 KiB secret, one week) and full pickups (the preview `GET` + the reveal `POST`;
//! SnapPass secrets are one view, so each pickup takes one secret of the create phase).
//!
//! The machine's background load is printed before the run (`/proc/loadavg`), and each row's
//! CPU column ends with the cores used by every other process during the phase (`/proc/stat`
//! busy time minus the relay's and this generator's): above a few tenths, the row was measured
//! on a busy machine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use keypost_protocol::api::mailbox::{AckRequest, DepositRequest, MailboxFetch};
use keypost_protocol::api::pickups::ChallengeResponse;
use keypost_protocol::b64;
use keypost_protocol::inbox::MessageId;
use support::inbox::{Account, Relay};
use support::{Db, Pickup, RelayProcess, random};

/// The URL every relay process of the bench signs logins for.
const PUBLIC_URL: &str = "http://relay.keypost.test";
/// Mailboxes per connection in the inbox phases.
const MAILBOXES_PER_CONNECTION: usize = 2;

struct Options {
    seconds: u64,
    connections: Vec<usize>,
    backends: Vec<String>,
    /// `pickups`, `inbox`, `purge`.
    runs: Vec<String>,
    /// Expired pickups the purge run starts with.
    expired: usize,
    /// Where the outbox folder goes (default: a temporary folder on the same disk as SQLite).
    outbox_parent: Option<PathBuf>,
    /// A running SnapPass to measure as the `snappass` backend, and its processes.
    snappass: Option<String>,
    snappass_pids: Vec<u32>,
}

fn options() -> Options {
    let mut options = Options {
        seconds: 10,
        connections: vec![16, 32],
        backends: vec!["sqlite".to_owned(), "postgres".to_owned()],
        runs: vec!["pickups".to_owned(), "inbox".to_owned()],
        expired: 1_000_000,
        outbox_parent: None,
        snappass: None,
        snappass_pids: Vec::new(),
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
            ("--expired", Some(value)) => options.expired = value.parse().unwrap(),
            ("--runs", Some(value)) => {
                options.runs = value.split(',').map(str::to_owned).collect();
            }
            ("--outbox-parent", Some(value)) => options.outbox_parent = Some(value.into()),
            ("--snappass", Some(value)) => options.snappass = Some(value.clone()),
            ("--snappass-pids", Some(value)) => {
                options.snappass_pids = value.split(',').map(|n| n.parse().unwrap()).collect();
            }
            _ => panic!(
                "usage: relay_load [--seconds N] [--connections 16,32] [--backends sqlite,postgres,snappass] [--runs pickups,inbox,purge] [--expired N] [--outbox-parent DIR] [--snappass URL --snappass-pids PID,PID]"
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

/// `field` of every relay process in MiB, joined with " + ".
fn memory_mib(pids: &[u32], field: &str) -> String {
    pids.iter()
        .map(|pid| (memory_kib(*pid, field) / 1024).to_string())
        .collect::<Vec<_>>()
        .join(" + ")
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

/// CPU time (all cores, not idle or waiting for I/O) the whole machine has used since boot,
/// from the first line of `/proc/stat`.
fn machine_busy_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap();
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .skip(1)
        .map(|value| value.parse().unwrap())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is inside user already).
    let busy: u64 = ticks.iter().take(8).sum::<u64>() - ticks[3] - ticks[4];
    Duration::from_millis(busy * 10)
}

fn relays_cpu_time(pids: &[u32]) -> Duration {
    pids.iter().map(|pid| cpu_time(&pid.to_string())).sum()
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// One answered round of a worker: its latency and how many items (requests, or messages
/// for fetch + ack) it completed.
struct Round {
    latency: Duration,
    items: usize,
}

impl Round {
    fn one(latency: Duration) -> Round {
        Round { latency, items: 1 }
    }
}

struct PhaseResult {
    items: usize,
    failed: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    relay_cpu: Duration,
    load_cpu: Duration,
    machine_busy: Duration,
}

impl PhaseResult {
    fn rate(&self) -> f64 {
        self.items as f64 / self.elapsed.as_secs_f64()
    }

    /// "relay µs per item · relay cores · load-generator cores · other processes' cores".
    fn cpu(&self) -> String {
        let seconds = self.elapsed.as_secs_f64();
        let others = self
            .machine_busy
            .saturating_sub(self.relay_cpu + self.load_cpu);
        format!(
            "{:.0} µs · {:.2} · {:.2} · {:.2}",
            self.relay_cpu.as_secs_f64() * 1e6 / self.items.max(1) as f64,
            self.relay_cpu.as_secs_f64() / seconds,
            self.load_cpu.as_secs_f64() / seconds,
            others.as_secs_f64() / seconds,
        )
    }

    /// "rate | p50 | p99 | failed | cpu" cells of the table.
    fn cells(&self) -> String {
        format!(
            "{:.0}/s | {:.2} | {:.2} | {} | {}",
            self.rate(),
            percentile(&self.latencies, 0.50),
            percentile(&self.latencies, 0.99),
            self.failed,
            self.cpu(),
        )
    }
}

/// Runs `connections` workers for `seconds`, or until every worker's `work` answered
/// `Ok(None)` (nothing left to do); each worker owns one keep-alive connection.
async fn phase<F, Fut>(relay_pids: &[u32], connections: usize, seconds: u64, work: F) -> PhaseResult
where
    F: Fn(reqwest::Client, usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Result<Option<Round>, ()>> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let relay_cpu_before = relays_cpu_time(relay_pids);
    let load_cpu_before = cpu_time("self");
    let machine_busy_before = machine_busy_time();
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
            let mut items = 0;
            let mut failed = 0;
            let mut round = 0;
            while Instant::now() < deadline {
                match work(client.clone(), worker + connections * round).await {
                    Ok(Some(done)) => {
                        latencies.push(done.latency);
                        items += done.items;
                    }
                    Ok(None) => break,
                    Err(()) => failed += 1,
                }
                round += 1;
            }
            (latencies, items, failed)
        });
    }
    let mut latencies = Vec::new();
    let mut items = 0;
    let mut failed = 0;
    for (mut worker_latencies, worker_items, worker_failed) in tasks.join_all().await {
        latencies.append(&mut worker_latencies);
        items += worker_items;
        failed += worker_failed;
    }
    let elapsed = started.elapsed();
    let relay_cpu = relays_cpu_time(relay_pids) - relay_cpu_before;
    let load_cpu = cpu_time("self") - load_cpu_before;
    let machine_busy = machine_busy_time() - machine_busy_before;
    latencies.sort();
    PhaseResult {
        items,
        failed,
        elapsed,
        latencies,
        relay_cpu,
        load_cpu,
        machine_busy,
    }
}

/// Sends `request` and reads the whole answer; `Err` unless its status is `expected`.
async fn answered(request: reqwest::RequestBuilder, expected: u16) -> Result<(), ()> {
    let response = request.send().await.map_err(|_| ())?;
    let ok = response.status() == expected;
    response.bytes().await.map_err(|_| ())?;
    if ok { Ok(()) } else { Err(()) }
}

/// A JSON POST.
fn post_json(client: &reqwest::Client, url: String, body: Vec<u8>) -> reqwest::RequestBuilder {
    client
        .post(url)
        .header("content-type", "application/json")
        .body(body)
}

/// The pickup phases at one connection count, on the first relay process.
async fn pickup_phases(backend: &str, base: &str, pids: &[u32], connections: usize, seconds: u64) {
    let base = Arc::new(base.to_owned());
    // Phase 1: creates, first with the notification email, then with the link left to the
    // sender (no email: the same job as SnapPass's). Pickups allow 100 views so phase 2 can
    // reuse them.
    let pickups: Arc<std::sync::Mutex<Vec<Arc<Pickup>>>> = Arc::default();
    let create = |emailed: bool| {
        let base = base.clone();
        let pickups = pickups.clone();
        move |client: reqwest::Client, _n: usize| {
            let base = base.clone();
            let pickups = pickups.clone();
            async move {
                let pickup = Pickup::new(1024);
                let mut request = pickup.request(Some(100));
                if !emailed {
                    request.recipient_email = None;
                    request.link_fragment = None;
                }
                let body = serde_json::to_vec(&request).unwrap();
                let started = Instant::now();
                answered(
                    post_json(&client, format!("{base}/api/v1/pickups"), body),
                    201,
                )
                .await?;
                let latency = started.elapsed();
                pickups.lock().unwrap().push(Arc::new(pickup));
                Ok(Some(Round::one(latency)))
            }
        }
    };
    let creates = phase(&pids[..1], connections, seconds, create(true)).await;
    let rss_after_creates = memory_kib(pids[0], "VmRSS:");
    let link_only_creates = phase(&pids[..1], connections, seconds, create(false)).await;
    let rss_after_link_only = memory_kib(pids[0], "VmRSS:");

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
                    .header("authorization", pickup.access())
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
                let open = post_json(&client, format!("{url}/open"), body)
                    .header("authorization", pickup.access());
                let opened = answered(open, 200).await;
                open_latencies.lock().unwrap().push(open_started.elapsed());
                opened.map(|()| Some(Round::one(started.elapsed())))
            }
        }
    };
    let opens = phase(&pids[..1], connections, seconds, full).await;
    let mut open_only = open_latencies.lock().unwrap().clone();
    open_only.sort();
    println!(
        "| {backend} | {connections} | creates | {} | {} MiB |",
        creates.cells(),
        rss_after_creates / 1024,
    );
    println!(
        "| {backend} | {connections} | creates, link only (no email) | {} | {} MiB |",
        link_only_creates.cells(),
        rss_after_link_only / 1024,
    );
    println!(
        "| {backend} | {connections} | full pickups (challenge + open) | {} | {} MiB (peak {} MiB) |",
        opens.cells(),
        memory_mib(&pids[..1], "VmRSS:"),
        memory_mib(&pids[..1], "VmHWM:"),
    );
    println!(
        "| {backend} | {connections} | open request alone | {:.0}/s | {:.2} | {:.2} | | | |",
        open_only.len() as f64 / opens.elapsed.as_secs_f64(),
        percentile(&open_only, 0.50),
        percentile(&open_only, 0.99),
    );
}

/// The inbox phases at one connection count. Worker `w` deposits as sender `w` into, and
/// then empties, the mailboxes `m` with `m % connections == w`; requests of worker `w` go to relay process
/// `w % bases.len()`.
async fn inbox_phases(
    backend: &str,
    bases: &[String],
    pids: &[u32],
    connections: usize,
    seconds: u64,
) {
    let relay = Relay::new(&bases[0], PUBLIC_URL);
    let mut senders = Vec::with_capacity(connections);
    for _ in 0..connections {
        senders.push(relay.account().await);
    }
    let mut mailboxes: Vec<(Account, [u8; 32])> = Vec::new();
    for _ in 0..connections * MAILBOXES_PER_CONNECTION {
        let owner = relay.account().await;
        let (_, token) = owner.grant().await;
        mailboxes.push((owner, token));
    }
    let senders = Arc::new(senders);
    let mailboxes = Arc::new(mailboxes);
    let bases = Arc::new(bases.to_vec());

    // Phase 1: deposits, spread over every mailbox.
    let deposit = {
        let (senders, mailboxes, bases) = (senders.clone(), mailboxes.clone(), bases.clone());
        move |client: reqwest::Client, n: usize| {
            let worker = n % connections;
            let sender = senders[worker].bearer();
            let (owner, token) = &mailboxes[n % mailboxes.len()];
            let url = format!(
                "{}/api/v1/mailboxes/{}/messages",
                bases[worker % bases.len()],
                owner.id
            );
            let body = serde_json::to_vec(&DepositRequest {
                grant_token: b64::encode(token),
                message_id: MessageId::random(),
                sealed: b64::encode(&random::<1024>()),
            })
            .unwrap();
            async move {
                let started = Instant::now();
                let request = post_json(&client, url, body).header("authorization", sender);
                answered(request, 201).await?;
                Ok(Some(Round::one(started.elapsed())))
            }
        }
    };
    let deposits = phase(pids, connections, seconds, deposit).await;
    let rss_after_deposits = memory_mib(pids, "VmRSS:");

    // Phase 2: each worker fetches and acknowledges its own mailboxes until they are empty.
    let cursors: Arc<Vec<AtomicUsize>> =
        Arc::new((0..connections).map(|_| AtomicUsize::new(0)).collect());
    let deliver = {
        let (mailboxes, bases) = (mailboxes.clone(), bases.clone());
        move |client: reqwest::Client, n: usize| {
            let worker = n % connections;
            let (mailboxes, bases, cursors) = (mailboxes.clone(), bases.clone(), cursors.clone());
            async move {
                let base = &bases[worker % bases.len()];
                // Mailboxes of this worker not yet found empty, from the cursor on.
                while cursors[worker].load(Ordering::Relaxed) < MAILBOXES_PER_CONNECTION {
                    let index = worker + connections * cursors[worker].load(Ordering::Relaxed);
                    let bearer = mailboxes[index].0.bearer();
                    let started = Instant::now();
                    let response = client
                        .get(format!("{base}/api/v1/mailbox?wait=0"))
                        .header("authorization", &bearer)
                        .send()
                        .await
                        .map_err(|_| ())?;
                    if response.status() != 200 {
                        return Err(());
                    }
                    let fetched: MailboxFetch = response.json().await.map_err(|_| ())?;
                    if fetched.messages.is_empty() {
                        cursors[worker].fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    let ack = AckRequest {
                        message_ids: fetched.messages.iter().map(|m| m.message_id).collect(),
                    };
                    let request = client
                        .post(format!("{base}/api/v1/mailbox/ack"))
                        .header("authorization", &bearer)
                        .json(&ack);
                    answered(request, 200).await?;
                    return Ok(Some(Round {
                        latency: started.elapsed(),
                        items: ack.message_ids.len(),
                    }));
                }
                Ok(None)
            }
        }
    };
    let delivered = phase(pids, connections, seconds, deliver).await;

    // Phase 3: one message at a time, as a recipient's app sees it: each worker deposits one
    // message into its own empty mailbox (not timed), then fetches and acknowledges it (timed).
    let mut singles: Vec<(Account, [u8; 32])> = Vec::with_capacity(connections);
    for _ in 0..connections {
        let owner = relay.account().await;
        let (_, token) = owner.grant().await;
        singles.push((owner, token));
    }
    let singles = Arc::new(singles);
    let single = {
        let (senders, bases) = (senders.clone(), bases.clone());
        move |client: reqwest::Client, n: usize| {
            let worker = n % connections;
            let (senders, singles, bases) = (senders.clone(), singles.clone(), bases.clone());
            async move {
                let base = &bases[worker % bases.len()];
                let (owner, token) = &singles[worker];
                let body = serde_json::to_vec(&DepositRequest {
                    grant_token: b64::encode(token),
                    message_id: MessageId::random(),
                    sealed: b64::encode(&random::<1024>()),
                })
                .unwrap();
                let url = format!("{base}/api/v1/mailboxes/{}/messages", owner.id);
                let request =
                    post_json(&client, url, body).header("authorization", senders[worker].bearer());
                answered(request, 201).await?;
                let bearer = owner.bearer();
                let started = Instant::now();
                let response = client
                    .get(format!("{base}/api/v1/mailbox?wait=0"))
                    .header("authorization", &bearer)
                    .send()
                    .await
                    .map_err(|_| ())?;
                let fetched: MailboxFetch = response.json().await.map_err(|_| ())?;
                if fetched.messages.len() != 1 {
                    return Err(());
                }
                let ack = AckRequest {
                    message_ids: vec![fetched.messages[0].message_id],
                };
                let request = client
                    .post(format!("{base}/api/v1/mailbox/ack"))
                    .header("authorization", &bearer)
                    .json(&ack);
                answered(request, 200).await?;
                Ok(Some(Round::one(started.elapsed())))
            }
        }
    };
    let singles = phase(pids, connections, seconds, single).await;
    let processes = if pids.len() > 1 {
        format!("{backend} ×{}", pids.len())
    } else {
        backend.to_owned()
    };
    println!(
        "| {processes} | {connections} | inbox deposits | {} | {rss_after_deposits} MiB |",
        deposits.cells(),
    );
    println!(
        "| {processes} | {connections} | inbox fetch + ack (messages; {} rounds of {:.1}) | {} | {} MiB (peak {} MiB) |",
        delivered.latencies.len(),
        delivered.items as f64 / delivered.latencies.len().max(1) as f64,
        delivered.cells(),
        memory_mib(pids, "VmRSS:"),
        memory_mib(pids, "VmHWM:"),
    );
    println!(
        "| {processes} | {connections} | inbox single-message fetch + ack (rounds; each after an untimed deposit) | {} | {} MiB |",
        singles.cells(),
        memory_mib(pids, "VmRSS:"),
    );
    if delivered.items < deposits.items {
        eprintln!(
            "{processes} {connections}: {} messages left in the mailboxes after {seconds} s",
            deposits.items - delivered.items
        );
    }
}

/// Puts `count` pickups that expired a minute ago (64-byte ciphertexts), with their records,
/// straight into the SQLite database, in one transaction.
async fn seed_expired(db: &Db, count: usize) {
    let pool = db.inspect().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut tx = pool.begin().await.unwrap();
    let pickups = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
         INSERT INTO pickups (id, ciphertext, pin_verifier, sender_name, message, expires_at, \
         attempts_left, retrieval_step, passphrase_required, access_key_hash) \
         SELECT randomblob(16), randomblob(64), randomblob(32), 'Ada', '', $1, 3, 1, 0, \
         randomblob(32) FROM n"
    );
    let records = "INSERT INTO pickup_records (id, owner_token_hash, recipient_email, \
         created_at, expires_at, purge_after) \
         SELECT id, randomblob(32), '', $1, $1, $1 + 2592000 FROM pickups";
    for statement in [pickups.as_str(), records] {
        sqlx::query(statement)
            .bind(now - 60)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    // The seed itself went through the WAL: empty it, so the run measures only the purge's.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// Creates while the relay purges `expired` pickups (see the module comment).
async fn purge_phase(base: &str, pids: &[u32], db: &Db, connections: usize, expired: usize) {
    let Some(file) = db.sqlite_file() else {
        eprintln!("the purge run needs SQLite");
        return;
    };
    let seeding = Instant::now();
    seed_expired(db, expired).await;
    eprintln!(
        "purge: {expired} expired pickups seeded in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let wal = file.with_extension("db-wal");
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let started = Instant::now();
    let watcher = {
        let (done, pool) = (done.clone(), db.inspect().await);
        tokio::spawn(async move {
            let mut largest_wal = 0;
            loop {
                largest_wal = largest_wal.max(std::fs::metadata(&wal).map_or(0, |meta| meta.len()));
                let left: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM pickups WHERE expires_at <= $1 LIMIT 1)",
                )
                .bind(time::OffsetDateTime::now_utc().unix_timestamp() - 30)
                .fetch_one(&pool)
                .await
                .unwrap();
                if left == 0 || started.elapsed() > Duration::from_secs(900) {
                    done.store(true, Ordering::Relaxed);
                    return (started.elapsed(), largest_wal);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let base = Arc::new(base.to_owned());
    let create = move |client: reqwest::Client, _n: usize| {
        let (base, done) = (base.clone(), done.clone());
        async move {
            if done.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let pickup = Pickup::new(1024);
            let body = serde_json::to_vec(&pickup.request(None)).unwrap();
            let started = Instant::now();
            answered(
                post_json(&client, format!("{base}/api/v1/pickups"), body),
                201,
            )
            .await?;
            Ok(Some(Round::one(started.elapsed())))
        }
    };
    let creates = phase(&pids[..1], connections, 900, create).await;
    let (took, largest_wal) = watcher.await.unwrap();
    println!(
        "| sqlite | {connections} | creates while {expired} expired pickups are purged ({:.1} s; WAL at most {} MiB) | {} | {} MiB (peak {} MiB) |",
        took.as_secs_f64(),
        largest_wal / (1024 * 1024),
        creates.cells(),
        memory_mib(pids, "VmRSS:"),
        memory_mib(pids, "VmHWM:"),
    );
}

/// Runs one backend; returns its folders (database, outbox) to be deleted only at the end:
/// deleting tens of thousands of files slows the next file creations on ext4 without a journal
/// for a minute or so, which would bill one backend's clean-up to the next one's creates.
async fn run_backend(backend: &str, options: &Options) -> (Db, tempfile::TempDir) {
    let (db, processes) = match backend {
        "sqlite" => (Db::sqlite(), 1),
        "postgres" => (Db::postgres().await, 2),
        other => panic!("unknown backend {other}"),
    };
    let scratch = match &options.outbox_parent {
        Some(parent) => tempfile::tempdir_in(parent).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let relays: Vec<RelayProcess> = (0..processes)
        .map(|_| {
            RelayProcess::spawn_binary_with(
                &relay_binary(),
                db.url(),
                &scratch.path().join("outbox"),
                scratch.path(),
                "warn",
                &[
                    "--public-url",
                    PUBLIC_URL,
                    "--mailbox-max-messages",
                    "10000000",
                    // The purge run's pickups are found within a second.
                    "--purge-interval",
                    if options.runs.iter().any(|run| run == "purge") {
                        "1"
                    } else {
                        "60"
                    },
                ],
            )
        })
        .collect();
    let pids: Vec<u32> = relays.iter().map(|relay| relay.child.id()).collect();
    let bases: Vec<String> = relays.iter().map(|relay| relay.base.clone()).collect();
    for &connections in &options.connections {
        if options.runs.iter().any(|run| run == "pickups") {
            pickup_phases(backend, &bases[0], &pids, connections, options.seconds).await;
        }
        if options.runs.iter().any(|run| run == "inbox") {
            inbox_phases(backend, &bases, &pids, connections, options.seconds).await;
        }
        if options.runs.iter().any(|run| run == "purge") {
            purge_phase(&bases[0], &pids, &db, connections, options.expired).await;
        }
        if let Some(file) = db.sqlite_file() {
            let size = |path: PathBuf| std::fs::metadata(path).map_or(0, |m| m.len() / 1024);
            eprintln!(
                "sqlite {connections}: database {} KiB, WAL {} KiB",
                size(file.clone()),
                size(file.with_extension("db-wal")),
            );
        }
    }
    for relay in relays {
        relay.stop();
    }
    (db, scratch)
}

/// The pickup phases against SnapPass at one connection count: creates, then full pickups
/// (preview + reveal), each taking one secret the creates made.
async fn snappass_phases(base: &str, pids: &[u32], connections: usize, seconds: u64) {
    let base = Arc::new(base.trim_end_matches('/').to_owned());
    let secret = Arc::new("s".repeat(1024));
    let tokens: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let create = {
        let base = base.clone();
        let tokens = tokens.clone();
        move |client: reqwest::Client, _n: usize| {
            let base = base.clone();
            let tokens = tokens.clone();
            let secret = secret.clone();
            async move {
                let started = Instant::now();
                let response = client
                    .post(format!("{base}/"))
                    .header("accept", "application/json")
                    .form(&[("password", secret.as_str()), ("ttl", "Week")])
                    .send()
                    .await
                    .map_err(|_| ())?;
                if response.status() != 200 {
                    return Err(());
                }
                let created: serde_json::Value = response.json().await.map_err(|_| ())?;
                let latency = started.elapsed();
                let link = created["link"].as_str().ok_or(())?;
                let token = link.rsplit_once('/').ok_or(())?.1.to_owned();
                tokens.lock().unwrap().push(token);
                Ok(Some(Round::one(latency)))
            }
        }
    };
    let creates = phase(pids, connections, seconds, create).await;
    let rss_after_creates = memory_mib(pids, "VmRSS:");

    let tokens = Arc::new(tokens.lock().unwrap().clone());
    let next = Arc::new(AtomicUsize::new(0));
    let full = {
        let base = base.clone();
        move |client: reqwest::Client, _n: usize| {
            let base = base.clone();
            let token = tokens.get(next.fetch_add(1, Ordering::Relaxed)).cloned();
            async move {
                let Some(token) = token else {
                    return Ok(None);
                };
                let started = Instant::now();
                answered(client.get(format!("{base}/{token}")), 200).await?;
                answered(client.post(format!("{base}/{token}")), 200).await?;
                Ok(Some(Round::one(started.elapsed())))
            }
        }
    };
    let opens = phase(pids, connections, seconds, full).await;
    println!(
        "| snappass | {connections} | creates | {} | {rss_after_creates} MiB |",
        creates.cells(),
    );
    println!(
        "| snappass | {connections} | full pickups (preview + reveal) | {} | {} MiB |",
        opens.cells(),
        memory_mib(pids, "VmRSS:"),
    );
}

#[tokio::main]
async fn main() {
    let options = options();
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap();
    let loadavg: Vec<&str> = loadavg.split_whitespace().take(3).collect();
    println!(
        "Load average before the run: {}; {} cores.\n",
        loadavg.join(" "),
        std::thread::available_parallelism().map_or(0, usize::from),
    );
    println!(
        "| store | connections | operation | rate | p50 ms | p99 ms | failed | CPU: relay per request · relay cores · load cores · other cores | relay RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut kept = Vec::new();
    for backend in &options.backends {
        if backend == "snappass" {
            let base = options.snappass.as_deref().expect("--snappass URL");
            for &connections in &options.connections {
                snappass_phases(base, &options.snappass_pids, connections, options.seconds).await;
            }
            continue;
        }
        kept.push(run_backend(backend, &options).await);
    }
}
