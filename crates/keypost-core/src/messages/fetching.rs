//! Fetch: long-poll the mailbox, open every message, apply the receiver policy
//! (docs/spec/inbox.md, section 9), commit the outcome to the vault, and only then acknowledge,
//! so a crash in between delivers each message once (the second copy is a known id).

use super::MessagesVault;
use super::tables::{MessageKind, MessageVerdict, NewReceived, contact_name, in_transaction};
use crate::access::VaultAccess;
use crate::contacts::{
    Contact, ContactCard, ContactState, ContactsVault, VaultSession, receive_connect,
};
use crate::inbox::{InboxClient, InboxError, Result};
use keypost_protocol::api::mailbox::{AckRequest, AckResponse, MailboxFetch};
use keypost_protocol::b64;
use keypost_protocol::inbox::limits::MAX_FETCH_WAIT_SECONDS;
use keypost_protocol::inbox::payload::ConnectPayload;
use keypost_protocol::inbox::sealed::OpenError;
use keypost_protocol::inbox::{
    AccountId, Identity, KeyBundle, MessageId, OpenedMessage, Payload, open,
};
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
    /// Copies of messages seen before, or with a sequence number the sender's key already
    /// used: dropped.
    pub replays: usize,
    /// Sealed to another recipient's key (a relay copied someone else's message here):
    /// dropped, counted with `rejected` in the vault.
    pub not_for_me: usize,
    /// Not openable otherwise (altered, malformed, …).
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
    /// Entries, a request or a decline: a notification words each its own way.
    pub kind: MessageKind,
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
                    .map(|sealed| open(&me, &sealed));
                match opened {
                    Some(Ok(opened)) => {
                        receive(vault, &me, &opened, message.depositor, now, &mut report)?
                    }
                    Some(Err(OpenError::NotForMe)) => {
                        vault.messages_mut().bump("rejected")?;
                        report.not_for_me += 1;
                    }
                    _ => {
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

/// The receiver policy for one opened message, in the spec's order (section 9). `depositor`
/// is the relay's claim of who deposited it: it only decides whether a message from a key
/// that is not pinned is held (a contact's account) or quarantined.
fn receive<V: MessagesVault>(
    vault: &mut V,
    me: &Identity,
    opened: &OpenedMessage,
    depositor: AccountId,
    now: OffsetDateTime,
    report: &mut FetchReport,
) -> Result<()> {
    let header = &opened.header;
    if !vault.messages_mut().mark_seen(header.message_id, now)? {
        report.replays += 1;
        return Ok(());
    }
    let sender = &opened.sender_bundle;
    if let Payload::Connect(connect) = &opened.payload {
        return receive_connect_message(vault, me, sender, connect, report);
    }
    let Some((contact_id, verdict)) = sender_contact(vault, sender, depositor)? else {
        return quarantine(vault, report);
    };
    if let Some(sequence) = opened.payload.sequence()
        && vault
            .messages()
            .has_sequence(contact_id, sender, sequence)?
    {
        // Another message with a number this key already used: never accepted twice.
        report.replays += 1;
        return Ok(());
    }
    let (kind, entries) = match &opened.payload {
        Payload::Entries(payload) => (MessageKind::Entries, payload.entries.len()),
        Payload::Request(_) => (MessageKind::Request, 0),
        Payload::Decline(_) => (MessageKind::Decline, 0),
        // Handled above: a connect message is never stored.
        Payload::Connect(_) => {
            return Err(InboxError::Corrupt("a connect message to store".into()));
        }
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
    report.arrived.push(Arrival {
        id: header.message_id,
        from: contact_name(vault, contact_id)?.0,
        kind,
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

/// Whose message this is and how it is let in (rules 1 and 2): the contact whose pinned key
/// signed it (accepted); else the contact for whom this key was already seen as a changed
/// key, or the connected contact whose account the relay says deposited it — that contact
/// is marked *key changed* and the message held; else nobody (quarantine).
fn sender_contact<V: MessagesVault>(
    vault: &mut V,
    sender: &KeyBundle,
    depositor: AccountId,
) -> Result<Option<(i64, MessageVerdict)>> {
    let can_receive = |contact: &Contact| {
        matches!(
            contact.state,
            ContactState::Connected | ContactState::KeyChanged
        )
    };
    if let Some(contact) = vault.contacts().pinned(sender)? {
        return Ok(can_receive(&contact).then_some((contact.id, MessageVerdict::Accepted)));
    }
    let changed = match vault.contacts().changed_to(sender)? {
        Some(contact) => Some(contact),
        None => vault.contacts().active_with_account(depositor)?,
    };
    let Some(contact) = changed.filter(can_receive) else {
        return Ok(None);
    };
    vault.contacts_mut().key_changed(contact.id, sender)?;
    Ok(Some((contact.id, MessageVerdict::Held)))
}

/// A `connect`: pins the inviter of an invite I accepted; from another key than the offer's,
/// it marks that contact's key changed; a retried one for a connected contact changes nothing.
fn receive_connect_message<V: MessagesVault>(
    vault: &mut V,
    me: &Identity,
    sender: &KeyBundle,
    connect: &ConnectPayload,
    report: &mut FetchReport,
) -> Result<()> {
    match vault.contacts().pinned(sender)? {
        Some(contact) if contact.state == ContactState::AwaitingConfirmation => {
            match receive_connect(
                &mut vault.contacts_mut(),
                &me.fingerprint(),
                sender,
                connect,
            )? {
                Some(card) => report.connected.push(card),
                None => quarantine(vault, report)?,
            }
            Ok(())
        }
        Some(contact)
            if matches!(
                contact.state,
                ContactState::Connected | ContactState::KeyChanged
            ) =>
        {
            Ok(())
        }
        Some(_) => quarantine(vault, report),
        None => match vault.contacts().by_invite(connect.invite_id)? {
            Some(contact) => {
                vault.contacts_mut().key_changed(contact.id, sender)?;
                report.held += 1;
                Ok(())
            }
            None => quarantine(vault, report),
        },
    }
}

fn quarantine<V: MessagesVault>(vault: &mut V, report: &mut FetchReport) -> Result<()> {
    vault.messages_mut().bump("quarantined")?;
    report.quarantined += 1;
    Ok(())
}
