//! Send to any email (the send dialog and the Sent tab) and receive a pickup (the Receive tab).

pub mod types;

use keypost_core::pickups::{self, PickupInbox, RelayClient, SendOptions, SentPickup, qr_svg};
use keypost_protocol::email::EmailAddress;
use keypost_protocol::pickup::{Pin, is_weak_pin};
use std::time::Duration;
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use crate::clipboard::{self, CopyReceipt};
use crate::commands::entries::resolve;
use crate::error::{CommandError, CommandResult, ErrorCode, capitalise};
use crate::relay::RelayInfo;
use crate::state::AppState;
use keypost_protocol::api::pickups::{OwnerStatus, PickupStatus};
use types::{OpenedLink, PinCheck, ReceivedSummary, SendRequest, SentCopy, SentRow};

/// A PIN for the send dialog to propose: random, and never one the dialog would warn about.
#[tauri::command]
pub fn propose_pin() -> String {
    Pin::make_random().as_str().to_owned()
}

#[tauri::command]
pub fn check_pin(pin: String) -> PinCheck {
    let pin = Zeroizing::new(pin);
    match Pin::parse(&pin) {
        Ok(parsed) if is_weak_pin(&parsed) => PinCheck {
            valid: true,
            weak: true,
            message: "This PIN is easy to guess (repeated or sequential digits). A random one \
                      is safer."
                .into(),
        },
        Ok(_) => PinCheck {
            valid: true,
            weak: false,
            message: String::new(),
        },
        Err(error) => PinCheck {
            valid: false,
            weak: false,
            message: capitalise(&error.to_string()),
        },
    }
}

/// The recipient address as a send will use it (trimmed), or why it cannot be one. The rule is
/// keypost-protocol's `EmailAddress`, the one the core and the relay apply.
#[tauri::command]
pub fn check_email(address: String) -> CommandResult<String> {
    EmailAddress::parse(address.trim())
        .map(EmailAddress::into_string)
        .map_err(|_| {
            CommandError::invalid("This does not look like an email address (name@example.com).")
        })
}

fn send_options(request: &SendRequest, pin: Pin) -> SendOptions {
    SendOptions {
        recipient_email: Some(request.recipient_email.trim().to_owned())
            .filter(|email| !email.is_empty()),
        delivery: request.delivery,
        sender_name: request.sender_name.trim().to_owned(),
        message: request.message.clone(),
        pin,
        passphrase: request
            .passphrase
            .as_ref()
            .filter(|passphrase| !passphrase.is_empty())
            .map(|passphrase| Zeroizing::new(passphrase.clone())),
        expires_in_seconds: u64::from(request.expires_in_hours) * 3_600,
        max_views: request.max_views,
        retrieval_step: request.retrieval_step,
        recipient_delete: request.recipient_delete,
        include_notes: request.include_notes,
    }
}

/// A QR code of `text` as a complete SVG document (pickup and invite links, fingerprints).
pub fn qr(text: &str) -> CommandResult<String> {
    qr_svg(text).map_err(|error| {
        CommandError::new(
            ErrorCode::Internal,
            format!("Cannot draw the QR code: {error}"),
        )
    })
}

/// `sender_name` signs the ready message of a link the sender delivers.
fn copy_view(sent: &SentPickup, sender_name: &str) -> CommandResult<SentCopy> {
    let qr_svg = qr(&sent.link)?;
    let message = pickups::link_message(sent, sender_name);
    Ok(SentCopy {
        id: sent.id.clone(),
        link: sent.link.clone(),
        qr_svg,
        pin: sent.pin.clone(),
        recipient_email: sent.recipient_email.clone(),
        expires_at: sent.expires_at.clone(),
        emailed: sent.emailed,
        delivery: sent.delivery,
        entry_titles: sent.entry_titles.clone(),
        mail_subject: message.subject,
        mail_body: message.body,
    })
}

/// Seals copies of the selected entries and deposits them on the relay, which emails the link
/// or leaves it to the sender (`request.delivery`):
/// one pickup for all, or one per entry with its own random PIN. Each is kept in the Sent list
/// before it is deposited, so it can be followed even if the vault locks meanwhile.
#[tauri::command]
pub async fn send_entries(
    state: State<'_, AppState>,
    request: SendRequest,
) -> CommandResult<Vec<SentCopy>> {
    let ids = resolve(&state, &request.selection)?;
    if ids.is_empty() {
        return Err(CommandError::invalid("Choose at least one entry to send."));
    }
    let relay = RelayClient::new(&state.relay_url()?)?;
    let state = &*state;
    let sent = if request.one_per_entry {
        let options = send_options(&request, Pin::make_random());
        pickups::send_separately(state, &relay, &ids, &options).await?
    } else {
        let pin = Pin::parse(&request.pin)
            .map_err(|error| CommandError::invalid(capitalise(&error.to_string())))?;
        let options = send_options(&request, pin);
        vec![pickups::send(state, &relay, &ids, &options).await?]
    };
    // The name becomes the send dialog's default; a settings file that cannot be written does
    // not hide a send that worked.
    let sender_name = request.sender_name.trim();
    state.remember_sender_name(sender_name).ok();
    sent.iter()
        .map(|sent| copy_view(sent, sender_name))
        .collect()
}

fn sent_record(state: &AppState, id: &str) -> CommandResult<SentPickup> {
    state.with_vault(|vault| vault.pickups().find_to_share(id))
}

/// Every pickup sent from this vault, newest first.
#[tauri::command]
pub fn sent_list(state: State<'_, AppState>) -> CommandResult<Vec<SentRow>> {
    Ok(state
        .with_vault(|vault| vault.pickups().sent())?
        .iter()
        .map(SentRow::from)
        .collect())
}

/// The link, QR code and PIN of a sent pickup, to show again.
#[tauri::command]
pub fn sent_copy(state: State<'_, AppState>, id: String) -> CommandResult<SentCopy> {
    copy_view(&sent_record(&state, &id)?, &state.settings().sender_name)
}

/// What the relay says about a sent pickup now (also kept in the vault for the next listing).
#[tauri::command]
pub async fn sent_progress(state: State<'_, AppState>, id: String) -> CommandResult<OwnerStatus> {
    Ok(pickups::refresh_status(&*state, &id).await?)
}

/// Destroys a sent pickup on the relay; its link stops working.
#[tauri::command]
pub async fn revoke_sent(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    Ok(pickups::revoke(&*state, &id).await?)
}

/// Removes a pickup the relay never received from the Sent list.
#[tauri::command]
pub fn forget_sent(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    Ok(pickups::forget(&*state, &id)?)
}

/// Who sent a pickup, its message and how many tries are left; moves no counter.
#[tauri::command]
pub async fn pickup_info(link: String) -> CommandResult<PickupStatus> {
    Ok(PickupInbox::from_link(&link)?.status().await?)
}

/// Opens a pickup with its PIN. The entries wait, unsaved, for `accept_import` or an export.
#[tauri::command]
pub async fn receive_pickup(
    state: State<'_, AppState>,
    link: String,
    pin: String,
    passphrase: Option<String>,
) -> CommandResult<ReceivedSummary> {
    if !state.is_unlocked() {
        return Err(CommandError::locked());
    }
    let pin = Zeroizing::new(pin);
    let passphrase = passphrase.map(Zeroizing::new);
    let pin =
        Pin::parse(&pin).map_err(|error| CommandError::invalid(capitalise(&error.to_string())))?;
    let payload = pickups::open(&link, &pin, passphrase.as_ref().map(|text| text.as_str())).await?;
    let token = state.next_number();
    let summary = ReceivedSummary::new(token, &payload);
    state.set_received(token, payload);
    Ok(summary)
}

/// Saves the opened pickup `token` into the vault as new entries (one undo step), once; they
/// stay for export until the next pickup is opened or the vault locks. Returns how many.
#[tauri::command]
pub async fn save_received(state: State<'_, AppState>, token: u32) -> CommandResult<u32> {
    let payload = state.received_to_save(token)?;
    let ids = state.with_vault(|vault| pickups::save(&mut vault.entries_mut(), &payload))?;
    state.mark_saved(token);
    Ok(u32::try_from(ids.len()).unwrap_or(u32::MAX))
}

/// Copies a link or PIN of a sent pickup; cleared like a password.
#[tauri::command]
pub fn copy_text(
    app: AppHandle,
    state: State<'_, AppState>,
    text: String,
) -> CommandResult<CopyReceipt> {
    let seconds = state.settings().clipboard_clear_seconds;
    clipboard::copy_secret(
        &app,
        Zeroizing::new(text),
        Duration::from_secs(u64::from(seconds)),
    )?;
    Ok(CopyReceipt {
        clear_after_seconds: seconds,
    })
}

/// The relay in use, and whether it emails links (asked of a relay set in Settings; the
/// built-in relay sends no email).
#[tauri::command]
pub async fn relay_info(state: State<'_, AppState>) -> CommandResult<RelayInfo> {
    state.relay_info().await
}

/// The pickup link the app was opened with (`keypost://…`), once, as a web link for the
/// Receive tab, with its relay's host and whether this vault used that relay before (if not,
/// the UI asks before the link reaches its relay). The UI asks after unlocking and whenever
/// `pickup-link-opened` arrives.
#[tauri::command]
pub fn take_opened_link(state: State<'_, AppState>) -> CommandResult<Option<OpenedLink>> {
    let Some(link) = state.take_opened_link() else {
        return Ok(None);
    };
    let own_relay = state.relay_url().ok();
    let relay =
        state.with_vault(|vault| pickups::link_relay(&*vault, &link, own_relay.as_deref()))?;
    Ok(Some(OpenedLink {
        link: link.to_web_link().as_str().to_owned(),
        relay_host: relay.host,
        known_relay: relay.known,
    }))
}
