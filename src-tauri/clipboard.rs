//! Copying a secret: written from Rust with the "exclude from history" hints where the platform
//! has them, and cleared later only if the clipboard still holds it (the person may have
//! copied something else meanwhile).

use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{CommandError, CommandResult, ErrorCode};

/// After a copy: how long until the clipboard is cleared.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CopyReceipt {
    pub clear_after_seconds: u32,
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
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(clear_after).await;
        let still_ours = app
            .clipboard()
            .read_text()
            .map(|current| Zeroizing::new(current).as_str() == secret.as_str())
            .unwrap_or(false);
        if still_ours {
            // Nothing useful can be done if clearing fails; the next copy replaces it anyway.
            app.clipboard().clear().ok();
        }
    });
    Ok(())
}
