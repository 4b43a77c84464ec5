//! What the app benchmarks measure of a running app: its binary, its processes' resident
//! memory, and durations as they print them.
#![allow(
    clippy::unwrap_used,
    dead_code,
    reason = "compiled into the e2e tests too, which measure nothing"
)]

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The app binary next to the running example: target/<profile>/examples/NAME →
/// target/<profile>/keypost-app.
pub fn default_binary() -> PathBuf {
    let example = std::env::current_exe().unwrap();
    example
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("keypost-app"))
        .unwrap()
}

/// Resident memory in KiB of `pid` (`VmRSS`).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Prints the resident memory of the app and each of its processes, and their sum labelled
/// `what` ("with 10,000 messages listed").
pub fn print_app_rss(binary: &Path, what: &str) {
    let mut total = 0;
    for (pid, name) in app_processes(binary) {
        let kib = rss_kib(pid);
        total += kib;
        println!("RSS {name} (pid {pid}): {:.1} MiB", kib as f64 / 1024.0);
    }
    println!(
        "RSS app + web view {what}: {:.1} MiB",
        total as f64 / 1024.0
    );
}

/// The app's process and its descendants (WebKit's web and network processes).
pub fn app_processes(binary: &Path) -> Vec<(u32, String)> {
    let binary = binary.canonicalize().unwrap();
    let mut processes = Vec::new();
    let mut parents = std::collections::HashMap::new();
    for entry in std::fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let name = stat
            .split_once('(')
            .and_then(|(_, rest)| rest.rsplit_once(')'))
            .map(|(name, _)| name.to_owned())
            .unwrap_or_default();
        let ppid: u32 = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|ppid| ppid.parse().ok())
            .unwrap_or(0);
        parents.insert(pid, (ppid, name));
        if std::fs::read_link(entry.path().join("exe")).ok().as_deref() == Some(binary.as_path()) {
            processes.push(pid);
        }
    }
    let mut found: Vec<(u32, String)> = Vec::new();
    for root in processes {
        found.push((root, parents[&root].1.clone()));
        for (pid, (ppid, name)) in &parents {
            if *ppid == root {
                found.push((*pid, name.clone()));
            }
        }
    }
    found
}

pub fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}
