//! Fetch: long-poll the mailbox, open every message, apply the receiver policy
//! (docs/spec/inbox.md, section 9), commit the outcome to the vault, and only then acknowledge,
//! so a crash in between delivers each message once (the second copy is a known id).

use super::MessagesVault;
use super::tables::{MessageVerdict, NewReceived, contact_name, in_transaction};
use crate::access::VaultAccess;
use crate::contacts::{ContactCard, ContactState, ContactsVault, VaultSession, receive_connect};
use crate::inbox::{InboxClient, InboxError, Result};
use keypost_protocol::api::mailbox::{AckRequest, AckResponse, MailboxFetch};
use keypost_protocol::b64;
use keypost_protocol::inbox::limits::MAX_FETCH_WAIT_SECONDS;
use keypost_protocol::inbox::{Identity, MessageId, OpenedMessage, Payload, open};
use serde::Serialize;
use time::OffsetDateTime;

/// What one fetch did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FetchReport {
    /// From contacts' pinned keys, now in the inbox.
    pub accepted: usize,
    /// From a contact's changed key: in the inbox, held.
    pub held: usize,
    /// From unknown keys (or removed or blocked contacts): counted, content dropped.
    pub quarantined: usize,
    /// Copies of messages seen before: dropped.
    pub replays: usize,
    /// Not openable (not for me, altered, …) or of a kind this build does not act on.
    pub rejected: usize,
    /// Contacts whose `connect` arrived.
    pub connected: Vec<ContactCard>,
    /// The messages now in the inbox (accepted and held), in the order they arrived: what a
    /// notification may say of them (never their content).
    pub arrived: Vec<Arrival>,
}

/// A message that just arrived in the inbox.
#[derive(Clone, Debug, Serialize)]
pub struct Arrival {
    pub id: MessageId,
    /// The contact's name in this vault.
    pub from: String,
    pub entries: usize,
    pub verdict: MessageVerdict,
}

/// Fetches (waiting up to `wait_seconds`, at most 10, for a first message), stores what
/// arrived, then acknowledges it to the relay.
pub async fn fetch<A>(access: &A, client: &InboxClient, wait_seconds: u64) -> Result<FetchReport>
where
    A: VaultAccess,
    A::Vault: MessagesVault,
{
    let wait = wait_seconds.min(MAX_FETCH_WAIT_SECONDS);
    let session = VaultSession::new(access);
    let fetched: MailboxFetch = client
        .get(&session, &format!("/api/v1/mailbox?wait={wait}"))
        .await?;
    if fetched.messages.is_empty() {
        return Ok(FetchReport::default());
    }
    let now = OffsetDateTime::now_utc();
    let report = access.with_vault(|vault| {
        let me = vault.identity().get()?.ok_or(InboxError::NotRegistered)?;
        in_transaction(vault, |vault| {
            let mut report = FetchReport::default();
            for message in &fetched.messages {
                let opened = b64::decode(&message.sealed)
                    .ok()
                    .and_then(|sealed| open(&me, &sealed).ok());
                match opened {
                    Some(opened) => receive(vault, &me, &opened, now, &mut report)?,
                    None => {
                        vault.messages_mut().bump("rejected")?;
                        report.rejected += 1;
                    }
                }
            }
            Ok(report)
        })
    })??;
    let ids: Vec<MessageId> = fetched
        .messages
        .iter()
        .map(|message| message.message_id)
        .collect();
    let _: AckResponse = client
        .post(
            &session,
            "/api/v1/mailbox/ack",
            &AckRequest { message_ids: ids },
        )
        .await?;
    Ok(report)
}

/// The receiver policy for one opened message, in the spec's order.
fn receive<V: MessagesVault>(
    vault: &mut V,
    me: &Identity,
    opened: &OpenedMessage,
    now: OffsetDateTime,
    report: &mut FetchReport,
) -> Result<()> {
    let header = &opened.header;
    if !vault.messages_mut().mark_seen(header.message_id, now)? {
        report.replays += 1;
        return Ok(());
    }
    let sender = &opened.sender_bundle;
    let pinned = vault.contacts().pinned(sender)?;
    let verdict = match (&pinned, &opened.payload) {
        (Some(contact), Payload::Entries(_))
            if matches!(
                contact.state,
                ContactState::Connected | ContactState::KeyChanged
            ) =>
        {
            Some((contact.id, MessageVerdict::Accepted))
        }
        (Some(contact), Payload::Connect(connect))
            if contact.state == ContactState::AwaitingConfirmation =>
        {
            match receive_connect(
                &mut vault.contacts_mut(),
                &me.fingerprint(),
                sender,
                connect,
            )? {
                Some(card) => report.connected.push(card),
                None => quarantine(vault, report)?,
            }
            return Ok(());
        }
        (Some(_), _) => None,
        (None, Payload::Entries(_)) => vault
            .contacts()
            .changed_to(sender)?
            .map(|contact| (contact.id, MessageVerdict::Held)),
        (None, Payload::Connect(connect)) => {
            // A `connect` for my invite from another key than the offer's: the key changed.
            if let Some(contact) = vault.contacts().by_invite(connect.invite_id)? {
                vault.contacts_mut().key_changed(contact.id, sender)?;
                report.held += 1;
                return Ok(());
            }
            None
        }
        (None, _) => None,
    };
    let Some((contact_id, verdict)) = verdict else {
        let state = pinned.as_ref().map(|contact| contact.state);
        return match (state, &opened.payload) {
            // A confirm that was retried: already connected.
            (Some(ContactState::Connected), Payload::Connect(_)) => Ok(()),
            // Requests and declines are not acted on by this build.
            (Some(ContactState::Connected | ContactState::KeyChanged), _) => {
                vault.messages_mut().bump("rejected")?;
                report.rejected += 1;
                Ok(())
            }
            _ => quarantine(vault, report),
        };
    };
    vault.messages_mut().add_received(
        &NewReceived {
            id: header.message_id,
            contact_id,
            verdict,
            sender,
            sent_at: header.sent_at,
            payload: &opened.payload,
        },
        now,
    )?;
    let entries = match &opened.payload {
        Payload::Entries(payload) => payload.entries.len(),
        _ => 0,
    };
    report.arrived.push(Arrival {
        id: header.message_id,
        from: contact_name(vault, contact_id)?.0,
        entries,
        verdict,
    });
    match verdict {
        MessageVerdict::Accepted => {
            vault.contacts_mut().count_received(contact_id)?;
            report.accepted += 1;
        }
        MessageVerdict::Held => report.held += 1,
    }
    Ok(())
}

fn quarantine<V: MessagesVault>(vault: &mut V, report: &mut FetchReport) -> Result<()> {
    vault.messages_mut().bump("quarantined")?;
    report.quarantined += 1;
    Ok(())
}
