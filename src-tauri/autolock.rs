//! Auto-lock: background tasks lock the vault once the app has been idle for the time set in
//! Settings, when the computer is about to sleep and when the screen locks, and tell the UI why
//! so it shows the unlock screen with the reason.

use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use ts_rs::TS;

use crate::state::{AppState, lock_app};

#[cfg(target_os = "linux")]
mod lock_signals;
#[cfg(not(target_os = "linux"))]
mod platform_signals;

/// The event the UI listens to; its payload is a [`LockReason`].
pub const VAULT_LOCKED_EVENT: &str = "vault-locked";

/// Why Rust locked the vault; the UI words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// No activity for the minutes set in Settings.
    Idle,
    /// The computer is about to sleep (suspend or hibernate).
    Suspend,
    /// The screen saver or screen lock came on.
    ScreenLocked,
}

/// How often the idle time is checked; a lock may come this much later than configured.
const CHECK_EVERY: Duration = Duration::from_secs(5);

pub fn start<R: Runtime>(app: AppHandle<R>) {
    lock_on_system_signals(&app);
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(CHECK_EVERY).await;
            let state = app.state::<AppState>();
            let limit = Duration::from_secs(u64::from(state.settings().auto_lock_minutes) * 60);
            if state.is_unlocked() && state.idle_for() >= limit {
                lock_for(&app, LockReason::Idle);
            }
        }
    });
}

/// Locks and tells the UI why, if the vault was unlocked.
fn lock_for<R: Runtime>(app: &AppHandle<R>, reason: LockReason) {
    if lock_app(app) {
        // The window may be closing; the vault is locked either way.
        app.emit(VAULT_LOCKED_EVENT, reason).ok();
    }
}

/// Listens on the system bus (logind: suspend) and the session bus (screen saver), each in a
/// task of its own. A bus that cannot be reached (a container, CI, a session without a screen
/// saver service is fine: that only means no signal comes) is reported once; idle auto-lock
/// keeps working.
#[cfg(target_os = "linux")]
fn lock_on_system_signals<R: Runtime>(app: &AppHandle<R>) {
    use lock_signals::{Bus, LockSignals};

    for bus in [Bus::System, Bus::Session] {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let subscribed = match bus.connect().await {
                Ok(connection) => LockSignals::subscribe(&connection, bus.watched()).await,
                Err(error) => Err(error),
            };
            let mut signals = match subscribed {
                Ok(signals) => signals,
                Err(error) => {
                    eprintln!(
                        "keypost: no D-Bus {} bus ({error}): the vault will not lock on {}; \
                         idle auto-lock still works",
                        bus.name(),
                        bus.announces(),
                    );
                    return;
                }
            };
            while let Some(reason) = signals.next().await {
                lock_for(&app, reason);
            }
            eprintln!(
                "keypost: the D-Bus {} bus went away: the vault will not lock on {} any more; \
                 idle auto-lock still works",
                bus.name(),
                bus.announces(),
            );
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn lock_on_system_signals<R: Runtime>(_app: &AppHandle<R>) {
    platform_signals::report_missing();
}
