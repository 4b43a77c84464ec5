//! The mailbox watcher: while the vault is unlocked and registered at a relay, it long-polls
//! the mailbox through core's `messages::fetch` (which stores what arrived in the vault, then
//! acknowledges it), and tells the UI: `inbox-event` for each message now in the Inbox (who
//! and how many entries, never content; the UI words the notification) and
//! `contact-connected` when an inviter's confirmation arrives. Locked: it waits, keeping no
//! session. Relay errors: it waits longer each time, up to a minute. A relay that answers at
//! once instead of holding the long-poll is asked at most once a second.

use keypost_core::contacts::registered_client;
use keypost_core::inbox::InboxClient;
use keypost_core::messages::{self, FetchReport};
use keypost_protocol::inbox::limits::MAX_FETCH_WAIT_SECONDS;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::commands::messages::types::InboxNews;
use crate::state::AppState;

pub const INBOX_EVENT: &str = "inbox-event";
pub const CONTACT_CONNECTED_EVENT: &str = "contact-connected";

/// How often a locked or unregistered vault is looked at again.
const IDLE_CHECK: Duration = Duration::from_secs(2);
const FIRST_RETRY: Duration = Duration::from_secs(2);
const LAST_RETRY: Duration = Duration::from_secs(60);
/// The least time from one fetch to the next: a relay that answers at once instead of holding
/// the long-poll (broken, or hostile) must not turn the watcher into a busy loop.
const MIN_FETCH_INTERVAL: Duration = Duration::from_secs(1);

/// How long to wait before the next fetch when the last one took `took`.
fn pause_after(took: Duration) -> Duration {
    MIN_FETCH_INTERVAL.saturating_sub(took)
}

/// The wait after the relay failed: doubles each time, from [`FIRST_RETRY`] to [`LAST_RETRY`].
#[derive(Debug, PartialEq, Eq)]
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Self(FIRST_RETRY)
    }
}

impl Backoff {
    fn next(&mut self) -> Duration {
        let wait = self.0;
        self.0 = (self.0 * 2).min(LAST_RETRY);
        wait
    }
}

pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut backoff = Backoff::default();
        // Kept between fetches for its session; dropped on lock and after any error.
        let mut client: Option<InboxClient> = None;
        loop {
            let state = app.state::<AppState>();
            if !state.is_unlocked() {
                client = None;
                tokio::time::sleep(IDLE_CHECK).await;
                continue;
            }
            let access = state.unattended();
            let current = match client.take() {
                Some(current) => current,
                None => match registered_client(&access) {
                    Ok(made) => made,
                    // Not set up yet (or locked meanwhile).
                    Err(_) => {
                        tokio::time::sleep(IDLE_CHECK).await;
                        continue;
                    }
                },
            };
            let started = Instant::now();
            match messages::fetch(&access, &current, MAX_FETCH_WAIT_SECONDS).await {
                Ok(report) => {
                    backoff = Backoff::default();
                    client = Some(current);
                    announce(&app, &report);
                    tokio::time::sleep(pause_after(started.elapsed())).await;
                }
                Err(error) if matches!(error.code(), "locked" | "not_registered") => {
                    tokio::time::sleep(IDLE_CHECK).await;
                }
                Err(_) => tokio::time::sleep(backoff.next()).await,
            }
        }
    });
}

fn announce<R: Runtime>(app: &AppHandle<R>, report: &FetchReport) {
    for arrival in &report.arrived {
        app.emit(INBOX_EVENT, InboxNews::from(arrival)).ok();
    }
    for card in &report.connected {
        app.emit(CONTACT_CONNECTED_EVENT, card).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_after_relay_errors_doubles_up_to_a_minute() {
        let mut backoff = Backoff::default();
        let waits: Vec<u64> = (0..8).map(|_| backoff.next().as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60, 60]);
    }

    #[test]
    fn a_relay_that_answers_at_once_is_asked_at_most_once_a_second() {
        assert_eq!(pause_after(Duration::ZERO), MIN_FETCH_INTERVAL);
        assert_eq!(
            pause_after(Duration::from_millis(300)),
            Duration::from_millis(700)
        );
        assert_eq!(pause_after(Duration::from_secs(10)), Duration::ZERO);
    }
}
