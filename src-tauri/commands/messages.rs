//! The Messages tab for contacts: send copies of entries to a contact ("Send to contact…" in
//! the entry window and bulk edit), the Inbox (list, show with passwords hidden, reveal or copy
//! one through Rust, save all or one entry as one undo step, decline a request, delete), asking
//! a contact for a password, and the Sent log. Each command is one `keypost_core::messages` use case. Export goes through
//! `export_csv` and `export_pdf` with `source: {kind: "messages", ids}`; Undo through `undo`.

pub mod types;

use keypost_core::contacts::registered_client;
use keypost_core::entry::EntryId;
use keypost_core::messages::{
    self, DroppedCounts, InboxMessage, InboxPage, ReceivedEntry, SentMessage,
};
use keypost_protocol::inbox::{Fingerprint, MessageId};
use std::time::Duration;
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use crate::clipboard::{self, CopyReceipt};
use crate::commands::entries::resolve;
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;
use types::ContactSendRequest;

/// Sends copies of the selected entries to a connected contact. `fingerprint` is the one the
/// confirm step showed: if it is not the pinned one, nothing is sent (`not_verified`); a
/// changed key is `key_changed`. The copy cannot be taken back.
#[tauri::command]
pub async fn send_to_contact(
    state: State<'_, AppState>,
    request: ContactSendRequest,
) -> CommandResult<SentMessage> {
    let ids = resolve(&state, &request.selection)?;
    if ids.is_empty() {
        return Err(CommandError::invalid("Choose at least one entry to send."));
    }
    let client = registered_client(&*state)?;
    Ok(messages::send_to_contact(
        &*state,
        &client,
        &request.contact,
        &request.fingerprint,
        &ids,
        &request.note,
        request.include_notes,
    )
    .await?)
}

/// Messages in one call at most; the list asks for blocks of 100.
const MAX_MESSAGES_PER_CALL: u32 = 1_000;

/// A window of the Inbox, newest sent first (only the messages of the contact called
/// `contact`, if given), and how many there are: the list fetches the rows it shows, so a
/// 10,000-message inbox is never sent to the web view whole. Passwords, TOTP and hidden fields
/// hidden.
#[tauri::command]
pub async fn inbox_page(
    state: State<'_, AppState>,
    contact: Option<String>,
    start: u32,
    count: u32,
) -> CommandResult<InboxPage> {
    let count = count.min(MAX_MESSAGES_PER_CALL) as usize;
    state.with_vault(|vault| messages::page(vault, contact.as_deref(), start as usize, count))
}

/// How many messages were dropped without content (unknown keys; unopenable).
#[tauri::command]
pub fn inbox_dropped(state: State<'_, AppState>) -> CommandResult<DroppedCounts> {
    state.with_vault(|vault| messages::dropped(vault))
}

/// One message as the person opens it: marked read, passwords hidden (also a held one: the UI
/// shows it behind "Show anyway").
#[tauri::command]
pub async fn show_message(
    state: State<'_, AppState>,
    id: MessageId,
) -> CommandResult<InboxMessage> {
    state.with_vault(|vault| messages::open(vault, id))
}

/// Entry `index` of message `id` with its password, TOTP and hidden fields, when the person
/// asks to see them.
#[tauri::command]
pub async fn reveal_message_entry(
    state: State<'_, AppState>,
    id: MessageId,
    index: u32,
) -> CommandResult<ReceivedEntry> {
    state.with_vault(|vault| messages::reveal(vault, id, index as usize))
}

/// Copies the password of entry `index` of message `id` from Rust; cleared like any password.
#[tauri::command]
pub async fn copy_message_password(
    app: AppHandle,
    state: State<'_, AppState>,
    id: MessageId,
    index: u32,
) -> CommandResult<CopyReceipt> {
    let mut entry = state.with_vault(|vault| messages::reveal(vault, id, index as usize))?;
    let password = Zeroizing::new(entry.password.take().unwrap_or_default());
    drop(entry);
    let seconds = state.settings().clipboard_clear_seconds;
    clipboard::copy_secret(&app, password, Duration::from_secs(u64::from(seconds)))?;
    Ok(CopyReceipt {
        clear_after_seconds: seconds,
    })
}

/// "Save all to vault": every entry of message `id` as new entries, one undo step (`undo`
/// takes it back). Returns the new entries' ids ("Show in vault"). Held messages: `held`.
#[tauri::command]
pub async fn save_message(
    state: State<'_, AppState>,
    id: MessageId,
) -> CommandResult<Vec<EntryId>> {
    state.with_vault(|vault| messages::save(vault, id, None))
}

/// Saves entry `index` of message `id` alone, one undo step; returns its new id.
#[tauri::command]
pub async fn save_message_entry(
    state: State<'_, AppState>,
    id: MessageId,
    index: u32,
) -> CommandResult<Vec<EntryId>> {
    state.with_vault(|vault| messages::save(vault, id, Some(&[index as usize])))
}

/// Deletes message `id` (its id is kept, so a later copy is still a replay). Entries saved
/// from it stay in the vault.
#[tauri::command]
pub async fn delete_message(state: State<'_, AppState>, id: MessageId) -> CommandResult<()> {
    state.with_vault(|vault| messages::delete(vault, id))
}

/// "Decline" on a contact's request (message `id`): a `decline` message to them. As for a
/// send, `fingerprint` is the one whose words the dialog showed; core refuses another.
#[tauri::command]
pub async fn decline_request(
    state: State<'_, AppState>,
    id: MessageId,
    fingerprint: Fingerprint,
) -> CommandResult<SentMessage> {
    let client = registered_client(&*state)?;
    Ok(messages::decline_request(&*state, &client, &fingerprint, id).await?)
}

/// "Ask for a password…" in a contact's drawer: a `request` message with `text` (at most 500
/// characters). As for a send, `fingerprint` is the one whose words the dialog showed.
#[tauri::command]
pub async fn request_from_contact(
    state: State<'_, AppState>,
    contact: String,
    fingerprint: Fingerprint,
    text: String,
) -> CommandResult<SentMessage> {
    let client = registered_client(&*state)?;
    Ok(messages::request_from_contact(&*state, &client, &contact, &fingerprint, &text).await?)
}

/// The Sent log as last known, newest first: each copy exactly as sent, passwords hidden.
#[tauri::command]
pub async fn sent_messages(state: State<'_, AppState>) -> CommandResult<Vec<SentMessage>> {
    state.with_vault(|vault| messages::sent(vault))
}

/// Asks the relay where each waiting message stands, keeps the answers, returns the log.
#[tauri::command]
pub async fn refresh_sent_messages(state: State<'_, AppState>) -> CommandResult<Vec<SentMessage>> {
    let client = registered_client(&*state)?;
    Ok(messages::refresh_sent(&*state, &client).await?)
}
