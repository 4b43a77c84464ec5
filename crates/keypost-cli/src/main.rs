//! `keypost`: the vault for scripts and power users. Every command is a thin layer over
//! keypost-core; this crate only reads arguments, asks for secrets and prints results.

mod args;
mod commands;
mod error;
mod messages;
mod people;
mod pickups;
mod progress;
mod secrets;
mod session;

use args::{Cli, Command};
use clap::Parser;
use error::CliError;
use keypost_core::vault::default_vault_path;
use secrets::PasswordSource;
use session::Session;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("keypost: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

/// Runs one command on the vault the arguments name.
fn run(cli: Cli) -> Result<(), CliError> {
    let secrets = PasswordSource::new(cli.password_stdin);
    let vault_path = match cli.vault {
        Some(path) => path,
        None => default_vault_path()?,
    };
    let session = Session::new(vault_path, secrets);
    match cli.command {
        Command::Init(args) => commands::init(&session, args),
        Command::Add(args) => commands::add(&session, args),
        Command::Edit(args) => commands::edit(&session, args),
        Command::Rm { ids } => commands::remove(&session, &ids),
        Command::Ls(args) => commands::list(&session, args),
        Command::Search { query, json } => commands::search(&session, query, json),
        Command::Show(args) => commands::show(&session, &args.id, args.reveal, args.json),
        Command::Copy {
            id,
            field,
            clear_after,
        } => commands::copy(&session, &id, field, clear_after),
        Command::Generate(args) => commands::generate(args),
        Command::Bulk { action } => commands::bulk(&session, action),
        Command::Undo => commands::undo(&session),
        Command::Import(args) => commands::import(&session, args),
        Command::Export(args) => commands::export(&session, args),
        Command::Passwd => commands::passwd(&session),
        Command::Send(args) => match args.contact.clone() {
            Some(contact) => messages::send_to_contact(&session, &contact, args),
            None => pickups::send(&session, args),
        },
        Command::Sent {
            json,
            messages: true,
        } => messages::sent(&session, json),
        Command::Sent { json, .. } => pickups::sent(&session, json),
        Command::Revoke { id } => pickups::revoke(&session, &id),
        Command::Receive(args) => pickups::receive(&session, args),
        Command::Relay { action } => people::relay(&session, action),
        Command::Id { json } => people::id(&session, json),
        Command::People { action } => people::people(&session, action),
        Command::Inbox(args) => messages::inbox(&session, args),
        Command::Request(args) => messages::request(&session, args),
    }
}
