//! Keypost desktop shell: app setup, state, and thin commands over `keypost-core`.
//! See src-tauri/README.md for the folder tree, the data flow and the command list.

mod autolock;
#[cfg(test)]
mod bindings;
mod clipboard;
mod commands;
mod deep_link;
mod error;
mod mailbox;
mod relay;
mod settings;
mod state;
mod watcher;

use std::path::PathBuf;
use std::process::ExitCode;
use tauri::Manager;

use crate::clipboard::CopiedSecret;
use crate::relay::BuiltInRelay;
use crate::settings::SettingsFile;
use crate::state::AppState;

/// Overrides the vault location (tests point it into a temporary folder).
pub const VAULT_ENV: &str = "KEYPOST_VAULT";
/// Test hook: file dialogs are skipped and files are chosen inside this folder, because
/// WebDriver cannot drive native dialogs. Never set it in normal use.
pub const DIALOG_BYPASS_ENV: &str = "KEYPOST_E2E_SAVE_DIR";

/// The vault path: `KEYPOST_VAULT` if set, else the core's per-OS default.
fn vault_path() -> Result<PathBuf, keypost_core::vault::VaultError> {
    match std::env::var_os(VAULT_ENV) {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => keypost_core::vault::default_vault_path(),
    }
}

pub fn run() -> ExitCode {
    let vault_path = match vault_path() {
        Ok(path) => path,
        Err(error) => {
            eprintln!("keypost: cannot find where to keep the vault: {error}");
            return ExitCode::FAILURE;
        }
    };
    let dialog_bypass_dir = std::env::var_os(DIALOG_BYPASS_ENV)
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from);

    let context = tauri::generate_context!();
    let identifier = context.config().identifier.clone();
    let result = tauri::Builder::default()
        // First, so that a second start on the same vault ends here.
        .plugin(deep_link::single_instance(&identifier, &vault_path))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            let config_dir = app.path().app_config_dir()?;
            let relay_dir = app.path().app_data_dir()?.join("relay");
            let built_in_relay = tauri::async_runtime::block_on(BuiltInRelay::start(&relay_dir))
                .map_err(|error| error.to_string());
            app.manage(CopiedSecret::default());
            app.manage(AppState::new(
                vault_path,
                SettingsFile::in_dir(&config_dir),
                dialog_bypass_dir,
                built_in_relay,
            ));
            deep_link::start(app.handle());
            autolock::start(app.handle().clone());
            watcher::start(app.handle().clone());
            mailbox::start(app.handle().clone());
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(context)
        .map(|app| {
            app.run(|app, event| {
                // Before `Exit`: on `Exit` the clipboard plugin has already dropped its
                // clipboard (arboard must be dropped before the process ends).
                if let tauri::RunEvent::ExitRequested { .. } = event {
                    clipboard::clear_copied_secret(app);
                }
            })
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("keypost: {error}");
            ExitCode::FAILURE
        }
    }
}
