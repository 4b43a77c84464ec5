//! The session: whether a vault exists, create, unlock and lock it, the idle clock, the
//! strength meter of the master password, and the app's settings.

use keypost_core::generator::{Strength, estimate_strength as core_estimate_strength};
use keypost_core::vault::{HEADER_FILE, KdfParams, Vault};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::CommandResult;
use crate::settings::Settings;
use crate::state::AppState;

/// Whether a vault exists at the configured path and whether it is open.
#[derive(Debug, Clone, Serialize, TS)]
pub struct VaultStatus {
    pub exists: bool,
    pub unlocked: bool,
    pub path: String,
}

#[tauri::command]
pub fn vault_status(state: State<'_, AppState>) -> VaultStatus {
    VaultStatus {
        exists: state.vault_path.join(HEADER_FILE).is_file(),
        unlocked: state.is_unlocked(),
        path: state.vault_path.display().to_string(),
    }
}

/// Creates the vault with the recommended KDF and leaves it unlocked. Async so the KDF does
/// not freeze the window.
#[tauri::command]
pub async fn create_vault(state: State<'_, AppState>, password: String) -> CommandResult<()> {
    let password = Zeroizing::new(password);
    let vault = Vault::create(&state.vault_path, &password, KdfParams::default())?;
    state.set_vault(vault);
    Ok(())
}

#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, password: String) -> CommandResult<()> {
    let password = Zeroizing::new(password);
    if state.is_unlocked() {
        return Ok(());
    }
    let vault = Vault::unlock(&state.vault_path, &password)?;
    state.set_vault(vault);
    Ok(())
}

#[tauri::command]
pub fn lock(state: State<'_, AppState>) {
    state.lock();
}

/// The UI reports activity (keys, pointer) so auto-lock counts idle time, not time since the
/// last command.
#[tauri::command]
pub fn touch(state: State<'_, AppState>) {
    state.touch();
}

/// The core's reading (bits and a label); the UI words the label and draws the meter.
#[tauri::command]
pub fn estimate_strength(password: String) -> Strength {
    let password = Zeroizing::new(password);
    core_estimate_strength(&password)
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings()
}

#[tauri::command]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> CommandResult<()> {
    state.save_settings(settings)
}
