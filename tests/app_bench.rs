//! Desktop app benchmark (numbers for docs/benchmarks.md, "Desktop app"): cold start to the
//! unlock screen, and with a large vault (100,000 entries unless `--entries N`): unlock to
//! first rows (timed inside the page, median of several unlocks), search as you type, a jump scroll, and the memory of the app and its web view
//! at the unlock screen and with the vault listed.
//!
//! `cargo run -p keypost-app --example app_bench -- [--entries N] [APP_BINARY]` (default: the
//! debug binary next to this example). Uses the same WebDriver harness as tests/e2e_vault.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use keypost_core::entry::EntryFields;
use keypost_core::vault::{KdfParams, Vault};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::app_driver::{AppDirs, AppSession};
use support::measure::{default_binary, ms, print_app_rss};

const MASTER_PASSWORD: &str = "benchmark master password 2026";
const COLD_STARTS: usize = 5;
const UNLOCKS: usize = 7;
const DEFAULT_ENTRIES: usize = 100_000;
/// How often timed waits look at the window: each look is a WebDriver script call of a few ms.
const TIMED_POLL: Duration = Duration::from_millis(10);

/// Clicks "Unlock" from inside the page, noting the time, and notes when the first row of the
/// list is in the page: timed there, WebDriver's round trips and polling are left out.
const CLICK_UNLOCK_TIMED: &str = "
    new MutationObserver((_, observer) => {
        if (document.querySelector(\"[data-testid='entry-title']\")) {
            window.benchFirstRow = performance.now()
            observer.disconnect()
        }
    }).observe(document.body, { subtree: true, childList: true })
    window.benchClicked = performance.now()
    document.querySelector(\"[data-testid='unlock-submit']\").click()";

fn make_vault(path: &Path, entries: usize) {
    let mut vault = Vault::create(path, MASTER_PASSWORD, KdfParams::default()).unwrap();
    let batch: Vec<EntryFields> = (0..entries)
        .map(|n| {
            keypost_core::entry_fields! {
                title: format!("Entry {n:06}"),
                username: format!("user{n}@example.org"),
                password: format!("pw-{n}-Secret!"),
                urls: vec![format!("https://site{}.example.com/login", n % 5000)],
                notes: format!("note {n}"),
                tags: vec![format!("team{}", n % 20)],
            }
        })
        .collect();
    if !batch.is_empty() {
        vault.entries_mut().import(batch).unwrap();
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// The result count without digit grouping, which depends on the web view's locale
/// ("100,000 entries" or "100000 entries").
fn ungrouped(count: &str) -> String {
    count
        .chars()
        .filter(|c| !matches!(c, ',' | '.' | '\u{a0}' | '\u{202f}'))
        .collect()
}

async fn wait_count(app: &AppSession, expected: &str) -> Duration {
    let started = Instant::now();
    app.wait_texts_every("result-count", TIMED_POLL, |count| {
        count.len() == 1 && ungrouped(&count[0]) == ungrouped(expected)
    })
    .await;
    started.elapsed()
}

/// Prints, from now (the last key of "site4" typed), how long until the list's first row is
/// the first hit (entry 4; the list showed entry 0 before), and until the count is the whole
/// result's.
async fn print_site4_shown(app: &AppSession, hits: usize, how: &str) {
    let typed = Instant::now();
    app.wait_texts_every("entry-title", TIMED_POLL, |titles| {
        titles.first().is_some_and(|t| t == "Entry 000004")
    })
    .await;
    let first_rows = typed.elapsed();
    wait_count(app, &format!("{hits} entries")).await;
    println!(
        "{how}, {hits} hits: first rows {}, whole count {}",
        ms(first_rows),
        ms(typed.elapsed())
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut large_vault = DEFAULT_ENTRIES;
    let mut binary = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--entries" {
            let count = args.next().expect("--entries needs a number");
            large_vault = count.to_string_lossy().parse().expect("--entries N");
        } else {
            binary = Some(PathBuf::from(arg));
        }
    }
    let binary = binary.unwrap_or_else(default_binary);
    println!("app binary: {}", binary.display());
    let everything = format!("{large_vault} entries");

    // Cold start to the unlock screen (an existing, empty vault).
    let mut starts = Vec::new();
    for _ in 0..COLD_STARTS {
        let dirs = AppDirs::new();
        make_vault(&dirs.vault(), 0);
        let app = AppSession::launch(&binary, &dirs).await;
        app.element("unlock-password").await;
        starts.push(app.launched_at.elapsed());
        app.quit().await;
    }
    println!(
        "cold start to unlock screen: median {} (min {}, max {}, {COLD_STARTS} runs)",
        ms(median(starts.clone())),
        ms(*starts.iter().min().unwrap()),
        ms(*starts.iter().max().unwrap())
    );

    // A 100,000-entry vault.
    let dirs = AppDirs::new();
    let made = Instant::now();
    make_vault(&dirs.vault(), large_vault);
    println!("made a {large_vault}-entry vault in {}", ms(made.elapsed()));
    let app = AppSession::launch(&binary, &dirs).await;
    app.element("unlock-password").await;
    print_app_rss(&binary, "at the unlock screen");
    // Unlock, then lock and unlock again: each unlock opens the database anew (the lock
    // closes it), so every round starts with an empty page cache.
    let mut unlocks = Vec::with_capacity(UNLOCKS);
    for round in 0..UNLOCKS {
        if round > 0 {
            app.click("lock").await;
        }
        app.type_into("unlock-password", MASTER_PASSWORD).await;
        app.run_script(CLICK_UNLOCK_TIMED).await;
        app.wait_texts_every("entry-title", TIMED_POLL, |titles| {
            titles.first().is_some_and(|t| t == "Entry 000000")
        })
        .await;
        let in_page = app
            .evaluate("return window.benchFirstRow - window.benchClicked")
            .await;
        unlocks.push(Duration::from_secs_f64(
            in_page.as_f64().expect("the page timed the unlock") / 1000.0,
        ));
    }
    println!(
        "unlock (default KDF) to first rows of {large_vault}, timed in the page: median {} \
         (min {}, max {}; in order: {})",
        ms(median(unlocks.clone())),
        ms(*unlocks.iter().min().unwrap()),
        ms(*unlocks.iter().max().unwrap()),
        unlocks
            .iter()
            .map(|d| ms(*d))
            .collect::<Vec<_>>()
            .join(", ")
    );
    wait_count(&app, &everything).await;

    app.type_into("search", "Entry 004242").await;
    let typed = Instant::now();
    wait_count(&app, "1 entry").await;
    println!(
        "search as you type, 1 hit of {large_vault} (incl. 90 ms debounce): {}",
        ms(typed.elapsed())
    );
    app.element("search").await.clear().await.unwrap();
    // A fifth of the vault matches (site4, site40…, site4999 of every 5,000): the first rows
    // in list order show before the count.
    let hits = (0..large_vault)
        .filter(|n| (n % 5000).to_string().starts_with('4'))
        .count();
    app.type_into("search", "site4").await;
    print_site4_shown(&app, hits, "search as you type (incl. debounce)").await;

    // Typed at a person's pace, a key every 150 ms (past the 90 ms pause), so every prefix is
    // searched: "s", "si" and "sit" match every entry. Timed from the last key.
    app.element("search").await.clear().await.unwrap();
    app.type_into("search", " ").await;
    wait_count(&app, &everything).await;
    for key in ["s", "i", "t", "e"] {
        app.type_into("search", key).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    app.type_into("search", "4").await;
    print_site4_shown(
        &app,
        hits,
        "\"site4\" typed a key every 150 ms, from the last key",
    )
    .await;
    app.element("search").await.clear().await.unwrap();
    app.type_into("search", " ").await;
    wait_count(&app, &everything).await;

    // The scroll bar dragged halfway: the middle row shows (the scroll space is scaled past
    // the browser's height cap, so this is not 52 px times the row).
    let middle = large_vault / 2;
    let middle_title = format!("Entry {middle:06}");
    let jumped = Instant::now();
    app.run_script(
        "const list = document.querySelector(\"[data-testid='entry-list']\"); \
         list.scrollTop = (list.scrollHeight - list.clientHeight) / 2",
    )
    .await;
    app.wait_texts_every("entry-title", TIMED_POLL, |titles| {
        titles.contains(&middle_title)
    })
    .await;
    println!(
        "jump scroll to row {middle} until rows show: {}",
        ms(jumped.elapsed())
    );

    tokio::time::sleep(Duration::from_secs(2)).await;
    print_app_rss(&binary, &format!("with {large_vault} entries listed"));
    app.quit().await;
}
