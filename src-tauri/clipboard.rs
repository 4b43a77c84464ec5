//! Copying a secret: written from Rust with the "exclude from history" hints where the platform
//! has them, and cleared later — after the delay in Settings, when the vault locks and when the
//! app exits — only if the clipboard still holds it (the person may have copied something else
//! meanwhile).

use serde::Serialize;
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{CommandError, CommandResult, ErrorCode};

/// After a copy: how long until the clipboard is cleared.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CopyReceipt {
    pub clear_after_seconds: u32,
}

/// The secret Keypost put on the clipboard last and has not cleared yet (app state), so a lock
/// or the exit can clear it without knowing which command copied it.
#[derive(Default)]
pub struct CopiedSecret {
    slot: Mutex<Option<Copied>>,
}

struct Copied {
    /// Tells this copy from a later one of the same text, so an earlier copy's timer does not
    /// forget the later one.
    number: u64,
    secret: Zeroizing<String>,
}

impl CopiedSecret {
    fn guard(&self) -> std::sync::MutexGuard<'_, Option<Copied>> {
        self.slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Remembers `secret` as the one on the clipboard now; returns its number.
    fn remember(&self, secret: Zeroizing<String>) -> u64 {
        let mut slot = self.guard();
        let number = slot.as_ref().map_or(1, |copied| copied.number + 1);
        *slot = Some(Copied { number, secret });
        number
    }

    /// Forgets the remembered secret (copy `only` of it, or any) and says whether `current`,
    /// the clipboard's text, is that secret, i.e. whether the clipboard must be cleared.
    fn forget_if_current(&self, only: Option<u64>, current: Option<&str>) -> bool {
        let mut slot = self.guard();
        let Some(copied) = slot.as_ref() else {
            return false;
        };
        if only.is_some_and(|number| number != copied.number) {
            return false;
        }
        let ours = current == Some(copied.secret.as_str());
        *slot = None;
        ours
    }
}

pub fn copy_secret<R: Runtime>(
    app: &AppHandle<R>,
    secret: Zeroizing<String>,
    clear_after: Duration,
) -> CommandResult<()> {
    app.clipboard()
        .write_secret(secret.as_str())
        .map_err(|error| {
            CommandError::new(
                ErrorCode::Internal,
                format!("Cannot use the clipboard: {error}"),
            )
        })?;
    let number = app.state::<CopiedSecret>().remember(secret);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(clear_after).await;
        clear_if_still_ours(&app, Some(number));
    });
    Ok(())
}

/// Clears the clipboard if it still holds the secret Keypost copied last: on lock and on exit.
pub fn clear_copied_secret<R: Runtime>(app: &AppHandle<R>) {
    clear_if_still_ours(app, None);
}

fn clear_if_still_ours<R: Runtime>(app: &AppHandle<R>, only: Option<u64>) {
    let current = app.clipboard().read_text().ok().map(Zeroizing::new);
    let copied = app.state::<CopiedSecret>();
    if copied.forget_if_current(only, current.as_ref().map(|text| text.as_str())) {
        // Nothing useful can be done if clearing fails; the next copy replaces it anyway.
        app.clipboard().clear().ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> Zeroizing<String> {
        Zeroizing::new(text.to_owned())
    }

    #[test]
    fn only_our_secret_is_cleared_and_only_once() {
        let copied = CopiedSecret::default();
        copied.remember(secret("hunter2"));
        assert!(copied.forget_if_current(None, Some("hunter2")));
        // Forgotten: a later lock leaves the clipboard alone even if the text is the same.
        assert!(!copied.forget_if_current(None, Some("hunter2")));
    }

    #[test]
    fn something_the_person_copied_since_is_left_alone() {
        let copied = CopiedSecret::default();
        copied.remember(secret("hunter2"));
        assert!(!copied.forget_if_current(None, Some("a note I copied")));
        assert!(!copied.forget_if_current(None, None));
    }

    #[test]
    fn an_earlier_copys_timer_does_not_clear_a_later_copy() {
        let copied = CopiedSecret::default();
        let first = copied.remember(secret("hunter2"));
        let second = copied.remember(secret("hunter2"));
        assert!(!copied.forget_if_current(Some(first), Some("hunter2")));
        assert!(copied.forget_if_current(Some(second), Some("hunter2")));
    }
}
