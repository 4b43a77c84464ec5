//! Vault benchmark: builds vaults of 10,000 and 100,000 entries (or `--sizes`) with the default
//! KDF and measures the KDF alone, unlock, search (1 hit and 1,000 hits), what the app does
//! with a result (its first 100 rows, the keys of every match, then a window of 100 rows in the
//! middle as a jump-scroll reads it) and 10,000-entry bulk edits (a tag, and as the floor one
//! that changes no search text: mark as favourite) with their undo, in process and as whole
//! processes (this binary re-run as a one-shot "search" command, which is what a CLI
//! invocation does), with peak memory.
//!
//! Run: `cargo run --release -p keypost-core --example vault_bench [-- --sizes 10000,1000000]`
//! (results go to docs/benchmarks.md, section "Vault").

use keypost_core::entries::{BulkEdit, EntriesError, EntryQuery, SearchStop};
use keypost_core::entry::{EntryFields, EntryId, SourceStamp};
use keypost_core::vault::Vault;
use keypost_core::vault::header::KdfParams;
use keypost_core::vault::keys::derive_kek;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const PASSWORD: &str = "benchmark master password";
const RUNS: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("search") {
        return one_shot_search(&args);
    }
    let sizes: Vec<usize> = match args.iter().position(|arg| arg == "--sizes") {
        Some(at) => args
            .get(at + 1)
            .ok_or("--sizes needs a value")?
            .split(',')
            .map(str::parse)
            .collect::<Result<_, _>>()?,
        None => vec![10_000, 100_000],
    };
    let workdir = tempfile::tempdir()?;
    let kdf = KdfParams::RECOMMENDED;
    println!(
        "KDF: Argon2id m={} MiB t={} p={}; {RUNS} runs each, median shown",
        kdf.memory_kib / 1024,
        kdf.iterations,
        kdf.parallelism
    );
    let kdf_alone = median(|| {
        let start = Instant::now();
        derive_kek(PASSWORD, &[7; 32], &kdf).map(|_| start.elapsed())
    })?;
    println!("KDF alone: {}", ms(kdf_alone));
    for count in sizes {
        bench_size(workdir.path(), count, kdf, kdf_alone)?;
    }
    Ok(())
}

fn bench_size(
    workdir: &Path,
    count: usize,
    kdf: KdfParams,
    kdf_alone: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    let path = workdir.join(format!("bench-{count}.keypost"));
    println!("\n== {count} entries ==");
    let mut vault = Vault::create(&path, PASSWORD, kdf)?;
    let start = Instant::now();
    let stamped =
        sample_entries(count).map(|fields| Ok::<_, EntriesError>((fields, SourceStamp::default())));
    vault.entries_mut().import_streamed("Import", stamped)?;
    println!(
        "import {count} (one transaction, streamed): {}, peak memory so far {:.0} MiB",
        ms(start.elapsed()),
        peak_rss_kib()? as f64 / 1024.0
    );
    drop(vault);
    let size: u64 = std::fs::read_dir(&path)?
        .filter_map(Result::ok)
        .filter_map(|entry| entry.metadata().ok())
        .map(|metadata| metadata.len())
        .sum();
    println!("vault folder size: {:.1} MiB", size as f64 / 1_048_576.0);

    let unlock = median(|| {
        let start = Instant::now();
        Vault::unlock(&path, PASSWORD).map(|_| start.elapsed())
    })?;
    println!(
        "unlock: {} (KDF alone + {})",
        ms(unlock),
        ms(unlock.saturating_sub(kdf_alone))
    );

    let mut vault = Vault::unlock(&path, PASSWORD)?;
    let one_hit = text_query("user004242@");
    let thousand_hits = text_query("common-marker");
    for (name, query, expected) in [
        ("search, 1 hit", &one_hit, 1usize),
        ("search, 1,000 hits", &thousand_hits, 1000),
    ] {
        let time = median(|| {
            let start = Instant::now();
            let found = vault
                .entries()
                .list(query)
                .map_err(|error| error.to_string())?
                .len();
            let elapsed = start.elapsed();
            if found == expected {
                Ok(elapsed)
            } else {
                Err(format!("{name}: expected {expected} hits, found {found}"))
            }
        })?;
        println!("{name}, in process: {}", ms(time));
    }
    let list_all = median(|| {
        let start = Instant::now();
        vault
            .entries()
            .list(&EntryQuery::default())
            .map(|_| start.elapsed())
    })?;
    println!("list all {count} (every row), in process: {}", ms(list_all));

    // The app shows a search's first 100 rows (`first_rows`), then reads the rest of its keys
    // (`list_keys`), and reads windows of 100 rows as the list scrolls.
    for (name, query) in [
        ("every entry", EntryQuery::default()),
        ("search, 1,000 hits", thousand_hits.clone()),
        ("search, every entry (\"account\")", text_query("account")),
        ("search, one entry in 20 (\"team-3\")", text_query("team-3")),
        ("search, one letter (\"s\", a scan)", text_query("s")),
        (
            "search, two letters, no hit (\"zq\", a scan)",
            text_query("zq"),
        ),
        (
            "tag filter, one entry in 20 (\"team-3\")",
            EntryQuery {
                tag: Some("team-3".into()),
                ..EntryQuery::default()
            },
        ),
    ] {
        let first_rows = median(|| {
            let start = Instant::now();
            vault
                .entries()
                .first_rows(&query, 100, &SearchStop::default())
                .map(|_| start.elapsed())
        })?;
        let every_key = median(|| {
            let start = Instant::now();
            vault.entries().list_keys(&query).map(|_| start.elapsed())
        })?;
        let keys = vault.entries().list_keys(&query)?;
        let middle = keys.len() / 2;
        let window = median(|| {
            let start = Instant::now();
            vault
                .entries()
                .summaries_at(&keys[middle..(middle + 100).min(keys.len())])?;
            Ok::<_, EntriesError>(start.elapsed())
        })?;
        println!(
            "app, {name} ({} hits): first 100 rows {}, every key {}, then 100 rows from the \
             middle {}",
            keys.len(),
            ms(first_rows),
            ms(every_key),
            ms(window)
        );
    }

    let all_keys = vault.entries().list_keys(&EntryQuery::default())?;
    let selection: Vec<EntryId> = vault.entries().ids_at(&all_keys[..10_000.min(count)])?;
    let start = Instant::now();
    let outcome = vault
        .entries_mut()
        .bulk_edit(&selection, &BulkEdit::AddTags(vec!["bench".into()]))?;
    let bulk = start.elapsed();
    println!(
        "bulk edit (add tag) of {} entries: {}",
        outcome.changed,
        ms(bulk)
    );
    let start = Instant::now();
    vault.entries_mut().undo()?;
    println!("undo of that bulk edit: {}", ms(start.elapsed()));
    let start = Instant::now();
    vault
        .entries_mut()
        .bulk_edit(&selection, &BulkEdit::SetFavourite(true))?;
    println!(
        "bulk edit (mark favourite, search text unchanged) of the same entries: {}",
        ms(start.elapsed())
    );
    let start = Instant::now();
    vault.entries_mut().undo()?;
    println!("undo of that bulk edit: {}", ms(start.elapsed()));
    drop(vault);

    for (name, query, hits) in [
        ("1 hit", "user004242@", 1usize),
        ("1,000 hits", "common-marker", 1000),
    ] {
        let (wall, peak_kib) = whole_process_search(&path, query, hits)?;
        println!(
            "whole process unlock + search, {name}: {} (KDF alone + {}), peak memory {:.1} MiB",
            ms(wall),
            ms(wall.saturating_sub(kdf_alone)),
            peak_kib as f64 / 1024.0
        );
    }
    println!(
        "ratios: unlock/KDF {:.2}, bulk 10k/KDF {:.2}",
        unlock.as_secs_f64() / kdf_alone.as_secs_f64(),
        bulk.as_secs_f64() / kdf_alone.as_secs_f64()
    );
    Ok(())
}

/// Re-runs this binary as `search VAULT QUERY HITS`; returns its wall time and peak RSS.
fn whole_process_search(
    path: &Path,
    query: &str,
    hits: usize,
) -> Result<(Duration, u64), Box<dyn std::error::Error>> {
    let exe = std::env::current_exe()?;
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let output = Command::new(&exe)
            .arg("search")
            .arg(path)
            .arg(query)
            .arg(hits.to_string())
            .output()?;
        let wall = start.elapsed();
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).into_owned().into());
        }
        let peak: u64 = String::from_utf8_lossy(&output.stdout).trim().parse()?;
        runs.push((wall, peak));
    }
    runs.sort();
    Ok(runs[RUNS / 2])
}

/// The child side: unlock, search, check the hit count, print peak RSS in KiB.
fn one_shot_search(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let [_, _, path, query, hits] = args else {
        return Err("usage: vault_bench search VAULT QUERY HITS".into());
    };
    let vault = Vault::unlock(&PathBuf::from(path), PASSWORD)?;
    let found = vault.entries().list(&text_query(query))?;
    if found.len() != hits.parse::<usize>()? {
        return Err(format!("expected {hits} hits, found {}", found.len()).into());
    }
    drop(vault);
    println!("{}", peak_rss_kib()?);
    Ok(())
}

/// Linux's high-water mark of resident memory for this process.
fn peak_rss_kib() -> Result<u64, Box<dyn std::error::Error>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .ok_or("no VmHWM in /proc/self/status")?;
    Ok(line
        .split_whitespace()
        .nth(1)
        .ok_or("malformed VmHWM")?
        .parse()?)
}

fn text_query(text: &str) -> EntryQuery {
    EntryQuery {
        text: Some(text.to_owned()),
        ..EntryQuery::default()
    }
}

/// Realistic-looking entries, made as they are imported; exactly 1,000 carry "common-marker"
/// and each username is unique.
fn sample_entries(count: usize) -> impl Iterator<Item = EntryFields> {
    let marker_every = count / 1000;
    (0..count).map(move |i| {
        keypost_core::entry_fields! {
            title: format!("Service {i} account"),
            username: format!("user{i:06}@example.com"),
            password: format!("Pw!{i:08}-xY7#kq2L"),
            urls: vec![format!("https://login.service{i}.example/signin")],
            notes: if i % marker_every == 0 {
                format!("Shared account common-marker, recovery codes kept offline ({i}).")
            } else {
                format!("Created for project {} on the team wiki.", i % 97)
            },
            tags: vec![format!("team-{}", i % 20), "imported".into()],
            folder: format!("Clients/Client {}", i % 50),
        }
    })
}

fn median<E>(mut run: impl FnMut() -> Result<Duration, E>) -> Result<Duration, E> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        times.push(run()?);
    }
    times.sort();
    Ok(times[RUNS / 2])
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}
