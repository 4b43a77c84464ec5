//! The session: whether a vault exists, create, unlock and lock it, change its master
//! password, the idle clock, the strength meter of the master password, and the app's settings.

use keypost_core::generator::{Strength, estimate_strength as core_estimate_strength};
use keypost_core::vault::{HEADER_FILE, KdfParams, Vault, VaultError};
use serde::Serialize;
use tauri::{AppHandle, State};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::CommandResult;
use crate::settings::Settings;
use crate::state::{AppState, lock_app};

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

/// Locks the vault and clears a copied secret still on the clipboard.
#[tauri::command]
pub fn lock(app: AppHandle) {
    lock_app(&app);
}

/// Changes the master password; core checks the current one (`wrong_password` when it does not
/// open the vault). The use case's two Argon2id runs happen between its first and last step,
/// without holding the vault, so other commands do not wait for them.
#[tauri::command]
pub async fn change_master_password(
    state: State<'_, AppState>,
    current_password: String,
    new_password: String,
) -> CommandResult<()> {
    let current_password = Zeroizing::new(current_password);
    let new_password = Zeroizing::new(new_password);
    let change = state.with_vault(|vault| Ok::<_, VaultError>(vault.begin_password_change()))?;
    let rewrapped = change.rewrap(&current_password, &new_password)?;
    state.with_vault(|vault| vault.finish_password_change(rewrapped))
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
