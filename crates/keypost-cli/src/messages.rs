//! `send --contact`, `inbox` and `sent --messages`: copies of entries to and from connected
//! contacts, over keypost-core's messages use cases (the CLI only reads arguments and prints).

use crate::args::{FormatArg, InboxAction, InboxArgs, SendArgs};
use crate::commands::{parse_ids, print_json, write_private_file};
use crate::error::CliError;
use crate::people::{confirmed_fingerprint, registered_client};
use crate::session::{Session, block_on};
use keypost_core::access::VaultAccess;
use keypost_core::contacts;
use keypost_core::inbox::InboxError;
use keypost_core::messages::{self, ExportFormat, InboxMessage, SentMessage};
use keypost_protocol::inbox::MessageId;

/// `send --contact NAME`: asks (or takes --yes / --fingerprint), then one core send.
pub fn send_to_contact(session: &Session, name: &str, args: SendArgs) -> Result<(), CliError> {
    let ids = parse_ids(&args.ids)?;
    let vault = session.unlock_shared()?;
    let card = contacts::list(&vault)?
        .into_iter()
        .find(|card| card.name == name)
        .ok_or_else(|| InboxError::NotFound(format!("contact {name:?}")))?;
    let confirmed = confirmed_fingerprint(
        args.fingerprint.as_deref(),
        args.yes,
        name,
        &card.fingerprint,
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
    if args.json {
        return print_json(&sent);
    }
    println!("{}", sent.id);
    eprintln!(
        "sent {} entries to {} ({})",
        sent.entries.len(),
        sent.to,
        sent.status.as_str()
    );
    Ok(())
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
        println!(
            "{}  from {}  {}  {:?}  {}",
            message.id, message.from, message.sent_at, message.state, message.note
        );
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
