//! `send --contact`, `request`, `inbox` and `sent --messages`: copies of entries, requests and
//! declines to and from connected contacts, over keypost-core's messages use cases (the CLI
//! only reads arguments and prints).

use crate::args::{ConfirmArgs, FormatArg, InboxAction, InboxArgs, RequestArgs, SendArgs};
use crate::commands::{parse_ids, print_json, write_private_file};
use crate::error::CliError;
use crate::people::{confirmed_fingerprint, registered_client};
use crate::session::{Session, block_on};
use keypost_core::access::VaultAccess;
use keypost_core::contacts;
use keypost_core::inbox::InboxError;
use keypost_core::messages::{self, ExportFormat, InboxMessage, MessageKind, SentMessage};
use keypost_protocol::inbox::{Fingerprint, MessageId};
use std::sync::Mutex;

type SharedVault = Mutex<Option<keypost_core::vault::Vault>>;

/// The fingerprint the person confirmed for contact `name` (asked, or --yes / --fingerprint).
fn confirmed_for(
    vault: &SharedVault,
    name: &str,
    confirm: &ConfirmArgs,
) -> Result<Fingerprint, CliError> {
    let card = contacts::list(vault)?
        .into_iter()
        .find(|card| card.name == name)
        .ok_or_else(|| InboxError::NotFound(format!("contact {name:?}")))?;
    confirmed_fingerprint(
        confirm.fingerprint.as_deref(),
        confirm.yes,
        name,
        &card.fingerprint,
    )
}

/// `send --contact NAME`: asks (or takes --yes / --fingerprint), then one core send.
pub fn send_to_contact(session: &Session, name: &str, args: SendArgs) -> Result<(), CliError> {
    let ids = parse_ids(&args.ids)?;
    let vault = session.unlock_shared()?;
    let confirmed = confirmed_for(
        &vault,
        name,
        &ConfirmArgs {
            fingerprint: args.fingerprint,
            yes: args.yes,
            json: args.json,
        },
    )?;
    let client = registered_client(&vault)?;
    let sent = block_on(messages::send_to_contact(
        &vault,
        &client,
        name,
        &confirmed,
        &ids,
        &args.note,
        args.include_notes,
    ))??;
    print_sent(&sent, client.relay_url(), args.json)
}

/// `request --contact NAME TEXT`: asks the contact for a password.
pub fn request(session: &Session, args: RequestArgs) -> Result<(), CliError> {
    let vault = session.unlock_shared()?;
    let confirmed = confirmed_for(&vault, &args.contact, &args.confirm)?;
    let client = registered_client(&vault)?;
    let sent = block_on(messages::request_from_contact(
        &vault,
        &client,
        &args.contact,
        &confirmed,
        &args.text,
    ))??;
    print_sent(&sent, client.relay_url(), args.confirm.json)
}

/// What was sent and the relay it went through (`relay_url` in `--json`).
fn print_sent(sent: &SentMessage, relay_url: &str, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&SentThrough { sent, relay_url });
    }
    println!("{}", sent.id);
    let what = match sent.kind {
        MessageKind::Entries => format!("{} entries", sent.entries.len()),
        MessageKind::Request => "a request".to_owned(),
        MessageKind::Decline => "a decline".to_owned(),
    };
    eprintln!(
        "sent {what} to {} ({}) through the relay {relay_url}",
        sent.to,
        sent.status.as_str()
    );
    Ok(())
}

/// `send --contact --json`: the sent message and the relay it went through (the vault's).
#[derive(serde::Serialize)]
struct SentThrough<'a> {
    #[serde(flatten)]
    sent: &'a SentMessage,
    relay_url: &'a str,
}

pub fn inbox(session: &Session, args: InboxArgs) -> Result<(), CliError> {
    let vault = session.unlock_shared()?;
    match args.action {
        None => {
            let client = registered_client(&vault)?;
            let report = block_on(messages::fetch(&vault, &client, 0))??;
            if report.quarantined + report.rejected > 0 {
                eprintln!(
                    "dropped {} messages from unknown keys and {} that failed to open",
                    report.quarantined, report.rejected
                );
            }
            if report.not_for_me > 0 {
                eprintln!(
                    "dropped {} messages not addressed to you (the relay delivered someone \
                     else's mail here)",
                    report.not_for_me
                );
            }
            if report.held > 0 {
                eprintln!(
                    "{} messages from a contact's changed key are held: compare the new words \
                     (`keypost people list`)",
                    report.held
                );
            }
            let listed = vault
                .with_vault(|vault| messages::list(vault))
                .map_err(InboxError::from)??;
            print_messages(&listed, args.json)
        }
        Some(InboxAction::Show(args)) => {
            let id = parse_message_id(&args.id)?;
            let (reveal, json) = (args.reveal, args.json);
            let shown = vault
                .with_vault(|vault| messages::show(vault, id, reveal))
                .map_err(InboxError::from)??;
            if json {
                return print_json(&shown);
            }
            print_messages(std::slice::from_ref(&shown), false)
        }
        Some(InboxAction::Save { id }) => {
            let id = parse_message_id(&id)?;
            let saved = vault
                .with_vault(|vault| messages::save(vault, id, None))
                .map_err(InboxError::from)??;
            eprintln!("saved {} entries (undo with `keypost undo`)", saved.len());
            Ok(())
        }
        Some(InboxAction::Decline { id, confirm }) => {
            let id = parse_message_id(&id)?;
            let from = vault
                .with_vault(|vault| messages::show(vault, id, false))
                .map_err(InboxError::from)??
                .from;
            let confirmed = confirmed_for(&vault, &from, &confirm)?;
            let client = registered_client(&vault)?;
            let sent = block_on(messages::decline_request(&vault, &client, &confirmed, id))??;
            print_sent(&sent, client.relay_url(), confirm.json)
        }
        Some(InboxAction::Export {
            ids,
            format,
            output,
        }) => {
            let ids = ids
                .iter()
                .map(|id| parse_message_id(id))
                .collect::<Result<Vec<_>, _>>()?;
            let format = match format {
                FormatArg::Csv(csv) => ExportFormat::Csv(csv),
                FormatArg::Pdf => ExportFormat::Pdf,
            };
            let exported = vault
                .with_vault(|vault| messages::export(vault, &ids, format))
                .map_err(InboxError::from)??;
            write_private_file(&output, &exported.bytes)?;
            eprintln!(
                "exported to {} — it is not encrypted: delete it when done",
                output.display()
            );
            Ok(())
        }
    }
}

/// `sent --messages`: the sent log after asking the relay where each copy stands.
pub fn sent(session: &Session, json: bool) -> Result<(), CliError> {
    let vault = session.unlock_shared()?;
    let client = registered_client(&vault)?;
    let log: Vec<SentMessage> = block_on(messages::refresh_sent(&vault, &client))??;
    if json {
        return print_json(&log);
    }
    for message in log {
        println!(
            "{}  to {}  {} entries  sent {}  {}",
            message.id,
            message.to,
            message.entries.len(),
            message.sent_at,
            message.status.as_str()
        );
    }
    Ok(())
}

fn print_messages(listed: &[InboxMessage], json: bool) -> Result<(), CliError> {
    if json {
        return print_json(listed);
    }
    for message in listed {
        let what = match message.kind {
            MessageKind::Entries => message.note.clone(),
            MessageKind::Request => format!(
                "asks for: {}",
                message.request_text.as_deref().unwrap_or_default()
            ),
            MessageKind::Decline => format!(
                "declined your request {}",
                message
                    .declines
                    .map(|id| id.to_string())
                    .unwrap_or_default()
            ),
        };
        println!(
            "{}  from {}  {}  {:?}  {what}",
            message.id, message.from, message.sent_at, message.state
        );
        if message.missing_before > 0 {
            println!(
                "    {} earlier messages from {} never arrived",
                message.missing_before, message.from
            );
        }
        for entry in &message.entries {
            let password = entry.password.as_deref().unwrap_or("••••••••");
            println!("    {}  {}  {password}", entry.title, entry.username);
        }
    }
    Ok(())
}

fn parse_message_id(text: &str) -> Result<MessageId, CliError> {
    MessageId::parse(text.trim())
        .map_err(|_| CliError::Input(format!("{text:?} is not a message id")))
}
