//! The People tab: this vault's ID card and relay account (the set-up, the emailed code),
//! invites both ways (make, list open ones, preview, accept, confirm or reject an acceptance,
//! revoke) and the contacts (list, compare words, rename, remove, block). Each command is one
//! `keypost_core::contacts` use case; relay calls go to the relay the vault registered at.

pub mod types;

use keypost_core::contacts::{
    self, ContactCard, PendingAcceptance, RelayAccount, registered_client,
};
use keypost_core::identity::IdCard;
use keypost_core::inbox::InboxClient;
use keypost_protocol::inbox::{Fingerprint, InviteId};
use tauri::State;
use time::Duration;

use crate::error::CommandResult;
use crate::state::AppState;
use types::{InviteCard, InviteRequest, MyId, OpenedInvite};

/// The ID card and relay account; `null` before the set-up.
#[tauri::command]
pub fn my_id(state: State<'_, AppState>) -> CommandResult<Option<MyId>> {
    contacts::me(&*state)?.map(MyId::new).transpose()
}

/// The set-up (and changing relay later): makes the identity if the vault has none, names it
/// `name`, and registers it at the relay in use (Settings, or the built-in one). With `email`,
/// the relay emails a code for `verify_email_code`. `my_id` shows the result.
#[tauri::command]
pub async fn set_up_identity(
    state: State<'_, AppState>,
    name: String,
    email: Option<String>,
) -> CommandResult<RelayAccount> {
    let client = InboxClient::new(&state.relay_url()?)?;
    let email = email.filter(|email| !email.trim().is_empty());
    Ok(contacts::register(&*state, &client, &name, email.as_deref()).await?)
}

/// The name contacts see on what this vault sends next.
#[tauri::command]
pub fn rename_me(state: State<'_, AppState>, name: String) -> CommandResult<IdCard> {
    state.with_vault(|vault| vault.identity_mut().rename(&name))
}

/// Gives the relay an email address; it emails an 8-digit code.
#[tauri::command]
pub async fn request_email_code(state: State<'_, AppState>, email: String) -> CommandResult<()> {
    let client = registered_client(&*state)?;
    Ok(contacts::request_email_code(&*state, &client, &email).await?)
}

/// Proves the email with the emailed code; `wrong_code` says how many tries are left.
#[tauri::command]
pub async fn verify_email_code(
    state: State<'_, AppState>,
    code: String,
) -> CommandResult<RelayAccount> {
    let client = registered_client(&*state)?;
    Ok(contacts::verify_email_code(&*state, &client, &code).await?)
}

/// Makes an invite: the link, its code form, a ready-to-paste text and a QR code of the link.
#[tauri::command]
pub async fn invite_contact(
    state: State<'_, AppState>,
    request: InviteRequest,
) -> CommandResult<InviteCard> {
    let client = registered_client(&*state)?;
    let email = request
        .email
        .as_deref()
        .map(str::trim)
        .filter(|email| !email.is_empty());
    let created = contacts::invite(
        &*state,
        &client,
        &request.name,
        email,
        &request.note,
        Duration::hours(i64::from(request.expires_in_hours)),
    )
    .await?;
    InviteCard::new(created)
}

/// My invites nobody accepted yet (not expired), to copy again or revoke.
#[tauri::command]
pub async fn open_invites(state: State<'_, AppState>) -> CommandResult<Vec<InviteCard>> {
    contacts::open_invites(&*state)?
        .into_iter()
        .map(InviteCard::new)
        .collect()
}

/// Revokes an open invite, or rejects the acceptance of one (the words were not the intended
/// person's): nothing is pinned and the relay withdraws the invite.
#[tauri::command]
pub async fn reject_invite(state: State<'_, AppState>, invite_id: InviteId) -> CommandResult<()> {
    let client = registered_client(&*state)?;
    Ok(contacts::reject(&*state, &client, invite_id).await?)
}

/// Opens the invite behind a pasted link or code: who invites, their note and 7 words. It
/// waits for `accept_invite(token)`; nothing is stored or sent before that.
#[tauri::command]
pub async fn preview_invite(
    state: State<'_, AppState>,
    link: String,
) -> CommandResult<OpenedInvite> {
    let client = registered_client(&*state)?;
    let preview = contacts::preview_invite(&*state, &client, &link).await?;
    let token = state.next_number();
    state.set_previewed_invite(token, preview.clone());
    Ok(OpenedInvite {
        token,
        invite: preview,
    })
}

/// Accepts the opened invite `token`; the inviter becomes a contact awaiting confirmation,
/// called `name` (or the name they gave). Connected once their confirmation arrives.
#[tauri::command]
pub async fn accept_invite(
    state: State<'_, AppState>,
    token: u32,
    name: Option<String>,
) -> CommandResult<ContactCard> {
    let preview = state.previewed_invite(token)?;
    let client = registered_client(&*state)?;
    let name = name.filter(|name| !name.trim().is_empty());
    Ok(contacts::accept_invite(&*state, &client, &preview, name.as_deref()).await?)
}

/// The `keypost://invite` link the app was opened with, once, for "Accept an invite". The UI
/// asks after unlocking and whenever `invite-link-opened` arrives.
#[tauri::command]
pub fn take_opened_invite(state: State<'_, AppState>) -> Option<String> {
    state
        .take_opened_invite_link()
        .map(|link| link.to_link().as_str().to_owned())
}

/// "Needs you": the acceptances of my invites, each with the acceptor's 7 words (or the
/// problem that makes it untrustworthy), waiting for `confirm_contact` or `reject_invite`.
#[tauri::command]
pub async fn needs_you(state: State<'_, AppState>) -> CommandResult<Vec<PendingAcceptance>> {
    let client = registered_client(&*state)?;
    Ok(contacts::pending(&*state, &client).await?)
}

/// Connects with the acceptor of `invite_id`, whose words the person compared: `fingerprint`
/// is the one the confirm step showed; another one is `not_verified` and connects no one.
#[tauri::command]
pub async fn confirm_contact(
    state: State<'_, AppState>,
    invite_id: InviteId,
    fingerprint: Fingerprint,
) -> CommandResult<ContactCard> {
    let client = registered_client(&*state)?;
    Ok(contacts::confirm(&*state, &client, invite_id, &fingerprint).await?)
}

/// Every contact, by name, with state, words and how they were verified.
#[tauri::command]
pub fn list_people(state: State<'_, AppState>) -> CommandResult<Vec<ContactCard>> {
    Ok(contacts::list(&*state)?)
}

/// "I compared the words": `fingerprint` is the one shown (for a changed key, the new one,
/// which this pins and unblocks sending).
#[tauri::command]
pub fn verify_contact(
    state: State<'_, AppState>,
    name: String,
    fingerprint: Fingerprint,
) -> CommandResult<ContactCard> {
    Ok(contacts::verify(&*state, &name, &fingerprint)?)
}

#[tauri::command]
pub fn rename_contact(
    state: State<'_, AppState>,
    name: String,
    new_name: String,
) -> CommandResult<ContactCard> {
    Ok(contacts::rename(&*state, &name, &new_name)?)
}

/// Removes a contact: nothing more goes to them and their grant is revoked at once.
#[tauri::command]
pub async fn remove_contact(
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<ContactCard> {
    let client = registered_client(&*state)?;
    Ok(contacts::remove(&*state, &client, &name).await?)
}

/// Blocks a contact: like removing, and whatever still arrives from them is dropped.
#[tauri::command]
pub async fn block_contact(state: State<'_, AppState>, name: String) -> CommandResult<ContactCard> {
    let client = registered_client(&*state)?;
    Ok(contacts::block(&*state, &client, &name).await?)
}
