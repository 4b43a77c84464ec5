//! Long imports and exports on a terminal: a progress bar on stderr (none when the output is
//! piped or `--json` was given), and Ctrl-C as core's cancel, so an interrupted import leaves
//! the vault as it was and an interrupted export leaves no partial file.

use indicatif::{ProgressBar, ProgressStyle};
use keypost_core::interchange::progress::{Progress, ProgressUpdate};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// What a bar counts.
#[derive(Clone, Copy)]
pub enum Unit {
    Bytes,
    Entries,
}

/// Runs `work` with a bar labelled `label` (when `shown`) and Ctrl-C wired to its cancel flag.
pub fn with_progress<T, E>(
    label: &str,
    unit: Unit,
    shown: bool,
    work: impl FnOnce(Progress<'_>) -> Result<T, E>,
) -> Result<T, E> {
    let cancel = cancel_on_ctrl_c();
    cancel.store(false, Ordering::Relaxed);
    WORKING.store(true, Ordering::Relaxed);
    let bar = shown.then(|| new_bar(label, unit));
    let report = |update: ProgressUpdate| {
        if let Some(bar) = &bar {
            bar.set_length(update.total);
            bar.set_position(update.done);
        }
    };
    let result = work(Progress::new(&report, &cancel));
    WORKING.store(false, Ordering::Relaxed);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

/// Whether a bar is shown: only to a person at a terminal, never into a pipe or beside JSON.
pub fn bar_wanted(json: bool) -> bool {
    !json && std::io::stderr().is_terminal() && std::io::stdout().is_terminal()
}

fn new_bar(label: &str, unit: Unit) -> ProgressBar {
    let counts = match unit {
        Unit::Bytes => "{bytes}/{total_bytes}",
        Unit::Entries => "{human_pos}/{human_len} entries",
    };
    let template = format!("{{msg}} [{{bar:32}}] {counts} ({{eta}} left, Ctrl-C cancels)");
    let style = ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    ProgressBar::new(0)
        .with_style(style)
        .with_message(label.to_owned())
}

/// Whether cancellable work runs; outside it Ctrl-C ends the process as it always did.
static WORKING: AtomicBool = AtomicBool::new(false);

/// Exit status of a process ended by Ctrl-C (128 + SIGINT), as a shell reports it.
const INTERRUPTED: i32 = 130;

/// The process's cancel flag, set by Ctrl-C during work (the handler is installed on first
/// use).
fn cancel_on_ctrl_c() -> Arc<AtomicBool> {
    static CANCEL: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    CANCEL
        .get_or_init(|| {
            let flag = Arc::new(AtomicBool::new(false));
            let set = Arc::clone(&flag);
            let installed = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
                .map(|runtime| {
                    std::thread::spawn(move || {
                        while runtime.block_on(tokio::signal::ctrl_c()).is_ok() {
                            if !WORKING.load(Ordering::Relaxed) {
                                std::process::exit(INTERRUPTED);
                            }
                            set.store(true, Ordering::Relaxed);
                        }
                    })
                });
            if installed.is_err() {
                eprintln!("keypost: Ctrl-C cannot cancel cleanly (no signal handler)");
            }
            flag
        })
        .clone()
}
