//! Send copies of entries (or a request for a password, or a decline of one) to a connected
//! contact, and follow their delivery.
//!
//! Sending refuses unless the contact is connected and the fingerprint the person confirmed
//! (the words shown in the confirm step) is the pinned one. Before sealing, the relay's
//! published bundle for the contact is compared with the pinned one: a difference marks the
//! contact *key changed* and refuses. The message is sealed to the pinned bundle only, and
//! recorded in the sent log (pending) before the deposit, with the next of the contact's
//! sequence numbers (docs/spec/inbox.md, section 9.4).

use super::tables::{MessageKind, NewSent, SentMessage, SentStatus};
use super::{MessagesVault, sent};
use crate::access::VaultAccess;
use crate::contacts::{ContactState, ContactsVault, VaultSession};
use crate::entry::EntryId;
use crate::inbox::{InboxClient, InboxError, Result};
use crate::pickups::snapshot_of;
use keypost_protocol::api::ErrorCode;
use keypost_protocol::api::accounts::BundleResponse;
use keypost_protocol::api::mailbox::{DeliveryResponse, DeliveryStatus};
use keypost_protocol::inbox::payload::{DeclinePayload, EntriesPayload, RequestPayload};
use keypost_protocol::inbox::{Fingerprint, MessageId, Payload, seal};
use time::OffsetDateTime;

/// Sends copies of the entries `ids` to the contact `name`, whose fingerprint the person
/// confirmed as `confirmed`. Tags never travel; notes only with `include_notes`.
pub async fn send_to_contact<A>(
    access: &A,
    client: &InboxClient,
    name: &str,
    confirmed: &Fingerprint,
    ids: &[EntryId],
    note: &str,
    include_notes: bool,
) -> Result<SentMessage>
where
    A: VaultAccess,
    A::Vault: MessagesVault,
{
    send_payload(access, client, name, confirmed, |vault, sequence| {
        let entries = vault.entries().get_many(ids)?;
        let sender_name = vault
            .identity()
            .card()?
            .ok_or(InboxError::NotRegistered)?
            .name;
        Ok(Payload::Entries(EntriesPayload {
            sequence,
            sender_name,
            note: note.to_owned(),
            entries: entries
                .iter()
                .map(|entry| snapshot_of(entry, include_notes))
                .collect(),
        }))
    })
    .await
}

/// Asks the contact `name` (whose fingerprint the person confirmed as `confirmed`) for a
/// password, in at most 500 characters.
pub async fn request_from_contact<A>(
    access: &A,
    client: &InboxClient,
    name: &str,
    confirmed: &Fingerprint,
    text: &str,
) -> Result<SentMessage>
where
    A: VaultAccess,
    A::Vault: MessagesVault,
{
    send_payload(access, client, name, confirmed, |_, sequence| {
        Ok(Payload::Request(RequestPayload {
            sequence,
            text: text.to_owned(),
        }))
    })
    .await
}

/// Declines the request `request` (a message in this inbox) to the contact who sent it, whose
/// fingerprint the person confirmed as `confirmed`.
pub async fn decline_request<A>(
    access: &A,
    client: &InboxClient,
    confirmed: &Fingerprint,
    request: MessageId,
) -> Result<SentMessage>
where
    A: VaultAccess,
    A::Vault: MessagesVault,
{
    let name = access.with_vault(|vault| -> Result<String> {
        let message = super::show(vault, request, false)?;
        if message.kind != MessageKind::Request {
            return Err(InboxError::InvalidInput(format!(
                "message {request} is not a request"
            )));
        }
        Ok(message.from)
    })??;
    send_payload(access, client, &name, confirmed, |_, sequence| {
        Ok(Payload::Decline(DeclinePayload { sequence, request }))
    })
    .await
}

/// The one send: checks the contact and the confirmed fingerprint, compares the relay's
/// bundle with the pinned one, records the payload `make` builds with the contact's next
/// sequence number, seals it to the pinned bundle and deposits it.
async fn send_payload<A, F>(
    access: &A,
    client: &InboxClient,
    name: &str,
    confirmed: &Fingerprint,
    make: F,
) -> Result<SentMessage>
where
    A: VaultAccess,
    A::Vault: MessagesVault,
    F: FnOnce(&A::Vault, u64) -> Result<Payload>,
{
    let contact = access.with_vault(|vault| -> Result<_> {
        let contact = vault.contacts().by_name(name)?;
        match contact.state {
            ContactState::Connected => {}
            ContactState::KeyChanged => return Err(InboxError::KeyChanged { name: contact.name }),
            state => {
                return Err(InboxError::NotConnected {
                    name: contact.name,
                    state: state.as_str(),
                });
            }
        }
        if contact.fingerprint() != *confirmed {
            return Err(InboxError::NotVerified { name: contact.name });
        }
        Ok(contact)
    })??;
    let session = VaultSession::new(access);
    let published: BundleResponse = client
        .get(
            &session,
            &format!("/api/v1/accounts/{}/bundle", contact.account_id),
        )
        .await?;
    if published.bundle != contact.pinned_bundle {
        access.with_vault(|vault| {
            vault
                .contacts_mut()
                .key_changed(contact.id, &published.bundle)
        })??;
        return Err(InboxError::KeyChanged { name: contact.name });
    }
    let grant = contact
        .their_grant
        .clone()
        .ok_or_else(|| InboxError::NotConnected {
            name: contact.name.clone(),
            state: "awaiting_confirmation",
        })?;
    let now = OffsetDateTime::now_utc();
    let message_id = MessageId::random();
    let sealed = access.with_vault(|vault| -> Result<Vec<u8>> {
        let me = vault.identity().get()?.ok_or(InboxError::NotRegistered)?;
        let sequence = vault.messages().next_sequence(contact.id)?;
        let payload = make(vault, sequence)?;
        let canonical = payload.to_canonical_json()?;
        let sent_at = u64::try_from(now.unix_timestamp()).unwrap_or(0);
        let sealed = seal(&me, &contact.pinned_bundle, message_id, sent_at, &payload)?;
        vault.messages_mut().record_sent(
            &NewSent {
                id: message_id,
                contact_id: contact.id,
                sequence: Some(sequence),
                recipient_name: &contact.name,
                recipient: &contact.fingerprint(),
                payload: &canonical,
            },
            now,
        )?;
        Ok(sealed)
    })??;
    let deposited = client
        .deposit(&session, contact.account_id, &grant, message_id, &sealed)
        .await;
    let status = match &deposited {
        Ok(_) => SentStatus::Queued,
        Err(InboxError::Refused { .. }) => SentStatus::Refused,
        Err(_) => SentStatus::Pending,
    };
    access.with_vault(|vault| -> Result<()> {
        vault
            .messages_mut()
            .set_sent_status(message_id, status, OffsetDateTime::now_utc())?;
        if status == SentStatus::Queued {
            vault.contacts_mut().count_sent(contact.id)?;
        }
        Ok(())
    })??;
    deposited?;
    access.with_vault(|vault| {
        sent(vault)?
            .into_iter()
            .find(|message| message.id == message_id)
            .ok_or_else(|| InboxError::NotFound(format!("sent message {message_id}")))
    })?
}

/// Asks the relay where each pending or queued message stands and keeps the answer; returns
/// the sent log, newest first.
pub async fn refresh_sent<A>(access: &A, client: &InboxClient) -> Result<Vec<SentMessage>>
where
    A: VaultAccess,
    A::Vault: MessagesVault,
{
    let open: Vec<SentMessage> = access
        .with_vault(|vault| sent(vault))??
        .into_iter()
        .filter(|message| matches!(message.status, SentStatus::Pending | SentStatus::Queued))
        .collect();
    let session = VaultSession::new(access);
    for message in open {
        let answer: Result<DeliveryResponse> = client
            .get(&session, &format!("/api/v1/deliveries/{}", message.id))
            .await;
        let status = match answer {
            Ok(answer) => match answer.status {
                DeliveryStatus::Queued => SentStatus::Queued,
                DeliveryStatus::Delivered => SentStatus::Delivered,
                DeliveryStatus::Expired => SentStatus::Expired,
            },
            // The relay never had a pending one; a queued one's record is gone after 90 days.
            Err(InboxError::Refused {
                code: ErrorCode::NotFound,
                ..
            }) if message.status == SentStatus::Pending => SentStatus::Refused,
            Err(InboxError::Refused {
                code: ErrorCode::NotFound,
                ..
            }) => SentStatus::Expired,
            Err(error) => return Err(error),
        };
        if status != message.status {
            access.with_vault(|vault| {
                vault
                    .messages_mut()
                    .set_sent_status(message.id, status, OffsetDateTime::now_utc())
            })??;
        }
    }
    access.with_vault(|vault| sent(vault))?
}
