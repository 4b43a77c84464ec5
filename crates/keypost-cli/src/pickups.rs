//! `send`, `sent`, `revoke` and `receive`: the pickup-link commands over keypost-core's
//! pickups use cases (the CLI only reads arguments and prints).

use crate::args::{DeliverArg, ReceiveArgs, SendArgs};
use crate::commands::{csv_format, parse_ids, print_json, write_private_file};
use crate::error::CliError;
use crate::session::{Session, block_on};
use keypost_core::interchange::csv::{CsvExportOptions, CsvFormat, write_csv};
use keypost_core::interchange::print::{PrintOptions, render_pdf};
use keypost_core::pickups::{
    self, LinkDelivery, PickupError, RelayClient, RelayClients, SendOptions, SentPickup, fields_of,
    qr_terminal, unsaved_entries,
};
use keypost_core::settings::{self, RelaySource, SettingsFile};
use keypost_protocol::api::pickups::OwnerStatus;
use keypost_protocol::pickup::{Pin, is_weak_pin};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zeroize::Zeroizing;

const PASSPHRASE_ENV: &str = "KEYPOST_SEND_PASSPHRASE";

pub fn send(session: &Session, args: SendArgs) -> Result<(), CliError> {
    let pin = match &args.pin {
        Some(text) => Pin::parse(text).map_err(|error| CliError::Input(error.to_string()))?,
        None => Pin::make_random(),
    };
    if is_weak_pin(&pin) {
        eprintln!(
            "warning: PIN {} is easy to guess; consider a random one",
            pin.as_str()
        );
    }
    let expires_in_seconds = match (args.days, args.hours) {
        (Some(days), _) => days.saturating_mul(86_400),
        (None, Some(hours)) => hours.saturating_mul(3_600),
        (None, None) => 7 * 86_400,
    };
    let passphrase = if args.passphrase {
        Some(read_passphrase()?)
    } else {
        None
    };
    let Some(sender_name) = args.name else {
        return Err(CliError::Input("give --name (or --contact)".into()));
    };
    let app_settings = SettingsFile::of_the_app()
        .map(|file| file.load())
        .unwrap_or_default();
    let relay = settings::relay_to_use(args.relay.as_deref(), &app_settings);
    let client = RelayClient::new(&relay.url)?;
    let delivery = match (args.deliver, &args.to) {
        (Some(DeliverArg::Myself), _) => LinkDelivery::SenderDelivers,
        (Some(DeliverArg::Relay), Some(_)) => LinkDelivery::RelayEmails,
        (Some(DeliverArg::Relay), None) => {
            return Err(CliError::Input(
                "--deliver relay needs the recipient's address: give --to".into(),
            ));
        }
        (None, None) => LinkDelivery::SenderDelivers,
        (None, Some(_)) => {
            let asked =
                block_on(client.capabilities())?.map_err(|error| relay_error(error, &relay))?;
            if asked.email {
                LinkDelivery::RelayEmails
            } else {
                eprintln!(
                    "The relay {} sends no email: deliver the link yourself (below).",
                    relay.url
                );
                LinkDelivery::SenderDelivers
            }
        }
    };
    let options = SendOptions {
        recipient_email: args.to,
        delivery,
        sender_name,
        message: args.message,
        pin,
        passphrase,
        expires_in_seconds,
        max_views: args.views,
        retrieval_step: !args.no_retrieval_step,
        recipient_delete: !args.no_recipient_delete,
        include_notes: args.include_notes,
    };
    let ids = parse_ids(&args.ids)?;
    let vault = session.unlock_shared()?;
    let sent = block_on(pickups::send(&vault, &client, &ids, &options))?
        .map_err(|error| relay_error(error, &relay))?;
    drop(vault);
    if args.json {
        return print_json(&SendOutput {
            sent: &sent,
            relay_source: relay.source,
        });
    }
    println!("Link: {}", sent.link);
    println!("PIN:  {}", sent.pin);
    println!("Expires: {}", sent.expires_at);
    println!("Relay: {} ({})", relay.url, relay.source.describe());
    if let Ok(code) = qr_terminal(&sent.link) {
        println!("{code}");
    }
    let recipient = sent.recipient_email.as_deref().unwrap_or("the recipient");
    match (sent.delivery, sent.emailed) {
        (LinkDelivery::RelayEmails, true) => eprintln!("Emailed to {recipient}."),
        (LinkDelivery::RelayEmails, false) => eprintln!(
            "Deposited, but the relay could not email it: give {recipient} the link yourself."
        ),
        (LinkDelivery::SenderDelivers, _) => {
            let message = pickups::link_message(&sent, &options.sender_name);
            eprintln!(
                "Deposited. Send {recipient} the link yourself; the relay never saw it. \
                 A message to paste:\n\n{}",
                message.body
            );
        }
    }
    eprintln!("Tell them the PIN another way (phone or SMS), never in the same message.");
    Ok(())
}

/// A failure to talk to the relay names the relay and why it was the one used.
fn relay_error(error: PickupError, relay: &settings::ChosenRelay) -> CliError {
    match error {
        PickupError::Unreachable { .. }
        | PickupError::Refused { .. }
        | PickupError::BadAnswer(_) => CliError::Send {
            error,
            relay: relay.source,
        },
        other => CliError::Pickup(other),
    }
}

/// `send --json`: the sent record (with its `relay_url`) and why that relay was used.
#[derive(Serialize)]
struct SendOutput<'a> {
    #[serde(flatten)]
    sent: &'a SentPickup,
    relay_source: RelaySource,
}

/// One row of `keypost sent`: what was sent, and what the relay says now.
#[derive(Serialize)]
struct SentRow<'a> {
    id: &'a str,
    recipient_email: Option<&'a str>,
    entry_titles: &'a [String],
    /// RFC 3339, when known.
    sent_at: Option<String>,
    expires_at: &'a str,
    /// The relay's owner status, or why it could not be read.
    status: Result<OwnerStatus, String>,
    /// When the relay could not be read: the last status the vault kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_known: Option<&'a OwnerStatus>,
}

/// "Active, 3 tries left; last: Opened at …".
fn describe_status(status: &OwnerStatus) -> String {
    let last = status
        .events
        .last()
        .map(|event| format!("{:?} at {}", event.kind, event.at))
        .unwrap_or_default();
    format!(
        "{:?}, {} tries left; last: {last}",
        status.state, status.attempts_left
    )
}

pub fn sent(session: &Session, json: bool) -> Result<(), CliError> {
    let vault = session.unlock_shared()?;
    let followed = block_on(pickups::refresh_all(
        &vault,
        &mut RelayClients::default(),
        |_| true,
    ))??;
    drop(vault);
    let rows: Vec<SentRow> = followed
        .iter()
        .map(|followed| {
            let record = &followed.sent;
            let status = followed
                .status
                .as_ref()
                .map(Clone::clone)
                .map_err(ToString::to_string);
            SentRow {
                id: &record.id,
                recipient_email: record.recipient_email.as_deref(),
                entry_titles: &record.entry_titles,
                sent_at: record.sent_at.and_then(|at| at.format(&Rfc3339).ok()),
                expires_at: &record.expires_at,
                last_known: status.as_ref().err().and(record.last_status.as_ref()),
                status,
            }
        })
        .collect();
    if json {
        return print_json(&rows);
    }
    for row in rows {
        let state = match (&row.status, row.last_known) {
            (Ok(status), _) => describe_status(status),
            (Err(reason), Some(known)) => {
                format!("{reason} Last known: {}", describe_status(known))
            }
            (Err(reason), None) => reason.clone(),
        };
        let sent_at = row
            .sent_at
            .map(|at| format!("sent {at}, "))
            .unwrap_or_default();
        println!(
            "{}  to {}  ({})  {sent_at}{state}",
            row.id,
            row.recipient_email.unwrap_or("(link delivered by you)"),
            row.entry_titles.join(", ")
        );
    }
    Ok(())
}

pub fn revoke(session: &Session, id: &str) -> Result<(), CliError> {
    let vault = session.unlock_shared()?;
    block_on(pickups::revoke(&vault, id))?.map_err(|error| match error {
        PickupError::NotListed(id) => {
            CliError::Input(format!("no sent pickup {id:?} (see `keypost sent`)"))
        }
        error => CliError::from(error),
    })?;
    eprintln!("revoked {id}: the link no longer opens");
    Ok(())
}

pub fn receive(session: &Session, args: ReceiveArgs) -> Result<(), CliError> {
    let pin = Pin::parse(&args.pin).map_err(|error| CliError::Input(error.to_string()))?;
    let payload = block_on(pickups::open(&args.link, &pin, args.passphrase.as_deref()))??;
    eprintln!(
        "{} entries from {}{}",
        payload.entries.len(),
        payload.sender_name,
        if payload.message.is_empty() {
            String::new()
        } else {
            format!(": {}", payload.message)
        }
    );
    if args.import {
        let ids = pickups::save(&mut session.unlock()?.entries_mut(), &payload)?;
        eprintln!("imported {} entries (undo with `keypost undo`)", ids.len());
    }
    let entries = unsaved_entries(&payload.entries, OffsetDateTime::now_utc());
    if let Some(path) = &args.csv {
        let format = args
            .format
            .map(csv_format)
            .transpose()?
            .unwrap_or(CsvFormat::Keypost);
        let mut buffer = Vec::new();
        write_csv(&entries, format, &CsvExportOptions::default(), &mut buffer)?;
        write_private_file(path, &buffer)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.pdf {
        write_private_file(path, &render_pdf(&entries, &PrintOptions::default())?)?;
        eprintln!("wrote {}", path.display());
    }
    if args.json {
        return print_json(&payload.entries.iter().map(fields_of).collect::<Vec<_>>());
    }
    Ok(())
}

fn read_passphrase() -> Result<Zeroizing<String>, CliError> {
    if let Ok(value) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Zeroizing::new(value));
    }
    if !crate::secrets::interactive() {
        return Err(CliError::Input(format!(
            "--passphrase needs {PASSPHRASE_ENV} when not run from a terminal"
        )));
    }
    rpassword::prompt_password("Passphrase for the recipient: ")
        .map(Zeroizing::new)
        .map_err(|error| CliError::Io(format!("cannot read the passphrase: {error}")))
}
