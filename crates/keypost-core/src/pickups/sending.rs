//! Send: seal copies of entries, record the pickup as pending, deposit it, mark it sent.
//!
//! The pending record comes first because it holds the owner token: once the relay has the
//! pickup, only that token can follow or revoke it. If the vault locks or the process dies
//! while the relay is asked, the pending record is still there after unlocking, and
//! [`super::refresh_status`] finds out whether the relay took it.

use super::client::RelayClient;
use super::sent_log::{LinkDelivery, SentPickup, SentState};
use super::snapshot::snapshot_of;
use super::{PickupError, PickupsVault, Result};
use crate::access::VaultAccess;
use crate::entry::{Entry, EntryId};
use keypost_protocol::api::pickups::{CreatePickupRequest, CreatePickupResponse};
use keypost_protocol::b64;
use keypost_protocol::email::EmailAddress;
use keypost_protocol::pickup::limits::MAX_VIEWS;
use keypost_protocol::pickup::{
    LinkSecret, OwnerToken, PAGE_PATH, Payload, PickupLimits, PickupLink, Pin, seal,
};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

/// What the sender chose in the send dialog. No `Debug`: it holds the PIN and passphrase.
#[derive(Clone)]
pub struct SendOptions {
    /// Required when the relay emails the link; optional when the sender delivers it (it then
    /// stays in the vault, for the Sent list and the sender's own email, and never reaches the
    /// relay).
    pub recipient_email: Option<String>,
    pub delivery: LinkDelivery,
    pub sender_name: String,
    pub message: String,
    pub pin: Pin,
    pub passphrase: Option<Zeroizing<String>>,
    pub expires_in_seconds: u64,
    pub max_views: Option<u32>,
    pub retrieval_step: bool,
    pub recipient_delete: bool,
    pub include_notes: bool,
}

/// Sends copies of the entries `ids` as one pickup; the relay emails the link, or the sender
/// delivers it (`options.delivery`).
pub async fn send<A>(
    access: &A,
    relay: &RelayClient,
    ids: &[EntryId],
    options: &SendOptions,
) -> Result<SentPickup>
where
    A: VaultAccess,
    A::Vault: PickupsVault,
{
    let entries = access.with_vault(|vault| vault.entries().get_many(ids))??;
    let options = check_options(options)?;
    send_entries(access, relay, &entries, &options).await
}

/// Sends each of the entries `ids` as its own pickup, each with its own random PIN
/// (`options.pin` is not used). Every id is checked before anything is sent.
pub async fn send_separately<A>(
    access: &A,
    relay: &RelayClient,
    ids: &[EntryId],
    options: &SendOptions,
) -> Result<Vec<SentPickup>>
where
    A: VaultAccess,
    A::Vault: PickupsVault,
{
    let entries = access.with_vault(|vault| vault.entries().get_many(ids))??;
    let options = check_options(options)?;
    let mut sent = Vec::with_capacity(entries.len());
    for entry in &entries {
        let options = SendOptions {
            pin: Pin::make_random(),
            ..options.clone()
        };
        sent.push(send_entries(access, relay, std::slice::from_ref(entry), &options).await?);
    }
    Ok(sent)
}

/// The ordered steps of one send (see the module comment).
async fn send_entries<A>(
    access: &A,
    relay: &RelayClient,
    entries: &[Entry],
    options: &SendOptions,
) -> Result<SentPickup>
where
    A: VaultAccess,
    A::Vault: PickupsVault,
{
    let sealed = Sealed::new(relay, entries, options)?;
    access.with_vault(|vault| vault.pickups_mut().record(&sealed.pending))??;
    let created = match relay.deposit(&sealed.request).await {
        Ok(created) => created,
        Err(error) => {
            if never_arrived(&error) {
                // If this fails, the pending record stays and the next status refresh finds
                // that the relay does not know it; the deposit error is what the sender needs.
                let _ = access.with_vault(|vault| vault.pickups_mut().forget(&sealed.pending.id));
            }
            return Err(error);
        }
    };
    let sent = sealed.deposited(&created)?;
    access.with_vault(|vault| vault.pickups_mut().replace(&sent))??;
    Ok(sent)
}

/// Whether the relay certainly did not store the pickup: it answered with a refusal, or the
/// connection was never made. Anything else (a timeout, a garbled answer) may have stored it.
fn never_arrived(error: &PickupError) -> bool {
    matches!(
        error,
        PickupError::Refused { .. }
            | PickupError::WrongPin { .. }
            | PickupError::Unreachable {
                connected: false,
                ..
            }
    )
}

/// A sealed pickup, ready to deposit, and the pending record that lets it be followed.
struct Sealed {
    request: CreatePickupRequest,
    secret: LinkSecret,
    pending: SentPickup,
}

impl Sealed {
    fn new(relay: &RelayClient, entries: &[Entry], options: &SendOptions) -> Result<Self> {
        let now = OffsetDateTime::now_utc();
        let snapshots = entries
            .iter()
            .map(|entry| snapshot_of(entry, options.include_notes))
            .collect();
        let payload = Payload::new(
            options.sender_name.clone(),
            options.message.clone(),
            now,
            snapshots,
        );
        payload.check_limits()?;
        let secret = LinkSecret::make_random();
        let passphrase = options.passphrase.as_ref().map(|text| text.as_str());
        let sealed = seal(&secret, &options.pin, passphrase, &payload)?;
        let owner_token = OwnerToken::make_random();
        let id = sealed.id.to_base64();
        // The relay serves the page at `<relay>/p/<id>` (spec, "Links"); its answer replaces
        // this link once it has the pickup.
        let link = PickupLink::new(
            &format!("{}{PAGE_PATH}{id}", relay.relay_url()),
            secret.clone(),
        )?;
        let lifetime = Duration::seconds(i64::try_from(options.expires_in_seconds).unwrap_or(0));
        let expires_at = now
            .replace_nanosecond(0)
            .unwrap_or(now)
            .saturating_add(lifetime)
            .format(&Rfc3339)
            .map_err(|error| PickupError::InvalidInput(format!("expiry: {error}")))?;
        let pending = SentPickup {
            id: id.clone(),
            relay_url: relay.relay_url().to_owned(),
            link: link.to_web_link().to_string(),
            deep_link: link.to_deep_link().to_string(),
            pin: options.pin.as_str().to_owned(),
            owner_token: owner_token.to_base64().to_string(),
            recipient_email: options.recipient_email.clone(),
            expires_at,
            emailed: false,
            delivery: options.delivery,
            entry_titles: entries.iter().map(|e| e.fields.title.clone()).collect(),
            state: SentState::Pending,
            sent_at: None,
            last_status: None,
        };
        // The link secret reaches the relay only when the relay is to email the link.
        let relay_emails = options.delivery == LinkDelivery::RelayEmails;
        let request = CreatePickupRequest {
            id: sealed.id,
            ciphertext: b64::encode(&sealed.ciphertext),
            pin_verifier: b64::encode(&sealed.pin_verifier),
            delete_verifier: options
                .recipient_delete
                .then(|| b64::encode(&sealed.delete_verifier)),
            owner_token_hash: b64::encode(&owner_token.hash()),
            access_key_hash: b64::encode(&sealed.access_key_hash),
            recipient_email: options.recipient_email.clone().filter(|_| relay_emails),
            sender_name: options.sender_name.clone(),
            message: options.message.clone(),
            expires_in_seconds: options.expires_in_seconds,
            max_views: options.max_views,
            retrieval_step: options.retrieval_step,
            passphrase_required: options.passphrase.is_some(),
            link_fragment: relay_emails.then(|| secret.to_fragment().to_string()),
        };
        Ok(Self {
            request,
            secret,
            pending,
        })
    }

    /// The record once the relay has the pickup: its page link, expiry and email outcome.
    fn deposited(self, created: &CreatePickupResponse) -> Result<SentPickup> {
        let link = PickupLink::new(&created.page_url, self.secret)?;
        Ok(SentPickup {
            link: link.to_web_link().to_string(),
            deep_link: link.to_deep_link().to_string(),
            expires_at: created.expires_at.clone(),
            emailed: created.emailed,
            state: SentState::Sent,
            ..self.pending
        })
    }
}

/// The options with the recipient's address trimmed, once every choice is checked.
fn check_options(options: &SendOptions) -> Result<SendOptions> {
    let recipient_email = options
        .recipient_email
        .as_deref()
        .map(str::trim)
        .filter(|email| !email.is_empty());
    match (recipient_email, options.delivery) {
        (Some(email), _) if EmailAddress::parse(email).is_err() => {
            return Err(PickupError::InvalidInput(format!(
                "{email:?} is not an email address"
            )));
        }
        (None, LinkDelivery::RelayEmails) => {
            return Err(PickupError::InvalidInput(
                "the recipient's email address is needed for the relay to email the link".into(),
            ));
        }
        _ => {}
    }
    if options.sender_name.trim().is_empty() {
        return Err(PickupError::InvalidInput(
            "your name is needed so the recipient knows who sent this".into(),
        ));
    }
    if !PickupLimits::expiry_allowed(options.expires_in_seconds) {
        return Err(PickupError::InvalidInput(
            "expiry must be between 1 hour and 90 days".into(),
        ));
    }
    if !PickupLimits::views_allowed(options.max_views) {
        return Err(PickupError::InvalidInput(format!(
            "views must be between 1 and {MAX_VIEWS}"
        )));
    }
    Ok(SendOptions {
        recipient_email: recipient_email.map(str::to_owned),
        ..options.clone()
    })
}

/// The text a sender pastes or mails with a link they deliver themselves: who sends, the link,
/// the expiry, and that the PIN comes another way (never the PIN itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkMessage {
    pub subject: String,
    pub body: String,
}

/// The ready message for `sent` from `sender_name`.
pub fn link_message(sent: &SentPickup, sender_name: &str) -> LinkMessage {
    let name = sender_name.trim();
    let name = if name.is_empty() { "Someone" } else { name };
    let count = sent.entry_titles.len();
    let what = if count == 1 {
        "a password".to_owned()
    } else {
        format!("{count} passwords")
    };
    let expiry = OffsetDateTime::parse(&sent.expires_at, &Rfc3339)
        .ok()
        .and_then(|at| {
            at.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| sent.expires_at.clone());
    LinkMessage {
        subject: format!("{name} sent you passwords with Keypost"),
        body: format!(
            "{name} sent you {what} with Keypost.\n\n\
             Open this link in your browser:\n{link}\n\n\
             You also need a 5-digit PIN: {name} tells it to you another way (by phone or text \
             message). Three wrong PINs destroy the copy.\n\n\
             The link works until {expiry}.\n",
            link = sent.link,
        ),
    }
}
