//! Auto-lock: a background task locks the vault once the app has been idle for the time set
//! in Settings, and tells the UI so it shows the unlock screen.

use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use ts_rs::TS;

use crate::state::{AppState, lock_app};

/// The event the UI listens to; its payload is a [`LockReason`].
pub const VAULT_LOCKED_EVENT: &str = "vault-locked";

/// Why Rust locked the vault; the UI words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// No activity for the minutes set in Settings.
    Idle,
}

/// How often the idle time is checked; a lock may come this much later than configured.
const CHECK_EVERY: Duration = Duration::from_secs(5);

pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(CHECK_EVERY).await;
            let state = app.state::<AppState>();
            let limit = Duration::from_secs(u64::from(state.settings().auto_lock_minutes) * 60);
            if state.is_unlocked() && state.idle_for() >= limit && lock_app(&app) {
                // The window may be closing; the vault is locked either way.
                app.emit(VAULT_LOCKED_EVENT, LockReason::Idle).ok();
            }
        }
    });
}
