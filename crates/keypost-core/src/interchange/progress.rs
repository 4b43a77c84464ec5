//! Progress reports and cancellation for long imports and exports: one mechanism that the app
//! (events and a cancel command) and the CLI (a progress bar, Ctrl-C) both plug into.

use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

/// How many entries (or, while a file is read, how many KiB) pass between two reports: often
/// enough for a smooth bar, rare enough to cost nothing.
pub const REPORT_EVERY: u64 = 1_000;

/// What a long operation is doing.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStage {
    /// Reading a file to preview it; counted in bytes.
    Reading,
    /// Writing entries into the vault or into a file; counted in entries.
    Writing,
}

/// One report: `done` of `total` units of `stage`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProgressUpdate {
    pub stage: ProgressStage,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub done: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
}

/// The person asked to stop; whatever was being written is left as it was before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

/// Where an operation reports to and where it learns it should stop.
#[derive(Clone, Copy)]
pub struct Progress<'a> {
    report: &'a (dyn Fn(ProgressUpdate) + Sync),
    cancel: &'a AtomicBool,
}

static NEVER_CANCELLED: AtomicBool = AtomicBool::new(false);

impl<'a> Progress<'a> {
    /// Reports to `report`; the operation stops at its next step once `cancel` is set.
    pub fn new(report: &'a (dyn Fn(ProgressUpdate) + Sync), cancel: &'a AtomicBool) -> Self {
        Self { report, cancel }
    }

    /// For callers that show nothing and never cancel.
    pub fn silent() -> Progress<'static> {
        Progress {
            report: &|_| {},
            cancel: &NEVER_CANCELLED,
        }
    }

    /// Reports where the work stands, then fails with [`Cancelled`] if asked to stop.
    pub fn step(&self, stage: ProgressStage, done: u64, total: u64) -> Result<(), Cancelled> {
        self.report(stage, done, total);
        self.check()
    }

    /// Reports where the work stands; for the end, when there is nothing left to cancel.
    pub fn report(&self, stage: ProgressStage, done: u64, total: u64) {
        (self.report)(ProgressUpdate { stage, done, total });
    }

    /// Fails with [`Cancelled`] if asked to stop.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

impl std::fmt::Debug for Progress<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("cancelled", &self.cancel.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}
