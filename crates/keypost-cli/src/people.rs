//! `relay`, `id` and `people`: this vault's relay account and identity, and its contacts, over
//! keypost-core's contacts use cases (the CLI only reads arguments, asks and prints).

use crate::args::{PeopleAction, RelayAction};
use crate::commands::{confirm, print_json};
use crate::error::CliError;
use crate::secrets::interactive;
use crate::session::{Session, block_on};
use keypost_core::contacts::{self, ContactCard};
use keypost_core::inbox::{InboxClient, InboxError};
use keypost_core::vault::Vault;
use keypost_protocol::inbox::{Fingerprint, InviteId};
use serde::Serialize;
use std::sync::Mutex;

/// The client of the relay this vault is registered at.
pub fn registered_client(vault: &Mutex<Option<Vault>>) -> Result<InboxClient, CliError> {
    Ok(contacts::registered_client(vault)?)
}

/// The fingerprint the person confirmed: `--fingerprint`, or `shown` after they said yes to
/// the words (without asking with `--yes`; refused when no one can answer).
pub fn confirmed_fingerprint(
    given: Option<&str>,
    yes: bool,
    name: &str,
    shown: &Fingerprint,
) -> Result<Fingerprint, CliError> {
    if let Some(text) = given {
        return parse_fingerprint(text);
    }
    if yes {
        return Ok(*shown);
    }
    if !interactive() {
        return Err(CliError::Input(format!(
            "no terminal to compare {name}'s words on: pass --yes or --fingerprint"
        )));
    }
    let words = shown.to_words();
    eprintln!("{name}'s words: {}", words.join(" "));
    if confirm(&format!("Are these the words {name} reads to you?"))? {
        Ok(*shown)
    } else {
        Err(CliError::Cancelled)
    }
}

fn parse_fingerprint(text: &str) -> Result<Fingerprint, CliError> {
    Fingerprint::parse(text.trim())
        .map_err(|_| CliError::Input(format!("{text:?} is not a fingerprint")))
}

/// The acceptor's fingerprint as `people pending` shows it for `invite_id`.
fn pending_fingerprint(
    vault: &Mutex<Option<Vault>>,
    client: &InboxClient,
    invite_id: InviteId,
) -> Result<Fingerprint, CliError> {
    let pending = block_on(contacts::pending(vault, client))??;
    let row = pending
        .into_iter()
        .find(|row| row.invite_id == invite_id)
        .ok_or_else(|| {
            InboxError::NotFound(format!("an acceptance of invite {invite_id} to confirm"))
        })?;
    match (row.fingerprint, row.problem) {
        (Some(fingerprint), _) => Ok(fingerprint),
        (None, problem) => Err(CliError::Input(format!(
            "the acceptance of invite {invite_id} cannot be trusted ({}): reject it",
            problem.unwrap_or("unreadable")
        ))),
    }
}

/// `keypost id --json`.
#[derive(Serialize)]
struct IdOutput {
    name: String,
    fingerprint: Fingerprint,
    words: Vec<String>,
    relay: Option<String>,
}

pub fn id(session: &Session, json: bool) -> Result<(), CliError> {
    let vault = session.unlock_shared()?;
    let me = contacts::me(&vault)?.ok_or(InboxError::NotRegistered)?;
    let shown = IdOutput {
        name: me.card.name,
        fingerprint: me.card.fingerprint,
        words: me.card.words,
        relay: me.account.map(|account| account.relay_url),
    };
    if json {
        return print_json(&shown);
    }
    println!("{}", shown.name);
    println!("words:       {}", shown.words.join(" "));
    println!("fingerprint: {}", shown.fingerprint);
    println!(
        "relay:       {}",
        shown.relay.as_deref().unwrap_or("(none)")
    );
    Ok(())
}

pub fn relay(session: &Session, action: RelayAction) -> Result<(), CliError> {
    let vault = session.unlock_shared()?;
    match action {
        RelayAction::Register {
            relay,
            name,
            email,
            json,
        } => {
            let client = InboxClient::new(&relay)?;
            let account = block_on(contacts::register(&vault, &client, &name, email.as_deref()))??;
            if json {
                return print_json(&account);
            }
            eprintln!("registered at {} as {name}", account.relay_url);
            if account.email.is_some() {
                eprintln!("the relay emailed a code: `keypost relay verify-email --code CODE`");
            }
        }
        RelayAction::VerifyEmail { email, code } => {
            let client = registered_client(&vault)?;
            match (email, code) {
                (Some(email), _) => {
                    block_on(contacts::request_email_code(&vault, &client, &email))??;
                    eprintln!("the relay emailed a code to {email}");
                }
                (None, Some(code)) => {
                    let account = block_on(contacts::verify_email_code(&vault, &client, &code))??;
                    eprintln!(
                        "email {} verified",
                        account.email.as_deref().unwrap_or_default()
                    );
                }
                (None, None) => return Err(CliError::Input("give --email or --code".into())),
            }
        }
    }
    Ok(())
}

/// `people invite --json`: what to hand over. The link holds the invite's secret.
#[derive(Serialize)]
struct InviteOutput<'a> {
    invite_id: InviteId,
    link: &'a str,
    code: &'a str,
    /// Ready to paste into a mail or chat, around the link.
    message: &'a str,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: time::OffsetDateTime,
}

pub fn people(session: &Session, action: PeopleAction) -> Result<(), CliError> {
    let vault = session.unlock_shared()?;
    match action {
        PeopleAction::Invite {
            name,
            email,
            note,
            expires,
            json,
        } => {
            let client = registered_client(&vault)?;
            let created = block_on(contacts::invite(
                &vault,
                &client,
                &name,
                email.as_deref(),
                &note,
                expires,
            ))??;
            let shown = InviteOutput {
                invite_id: created.invite_id,
                link: &created.link,
                code: &created.code,
                message: &created.message,
                expires_at: created.expires_at,
            };
            if json {
                return print_json(&shown);
            }
            println!("{}", shown.link);
            eprintln!(
                "invite {} for {name}: send the link through your own channel; it expires {}",
                shown.invite_id, shown.expires_at
            );
            eprintln!("a text to paste with it:\n\n{}", shown.message);
        }
        PeopleAction::Accept { link, name, json } => {
            let client = registered_client(&vault)?;
            let card = block_on(async {
                let preview = contacts::preview_invite(&vault, &client, &link).await?;
                contacts::accept_invite(&vault, &client, &preview, name.as_deref()).await
            })??;
            print_card(&card, json)?;
        }
        PeopleAction::Pending { json } => {
            let client = registered_client(&vault)?;
            let pending = block_on(contacts::pending(&vault, &client))??;
            if json {
                return print_json(&pending);
            }
            for open in contacts::open_invites(&vault)? {
                println!(
                    "{}  {}  not accepted yet, expires {}",
                    open.invite_id, open.name, open.expires_at
                );
            }
            for row in pending {
                let seen = match (&row.words, row.problem) {
                    (Some(words), _) => words.join(" "),
                    (None, Some(problem)) => format!("cannot be trusted: {problem}"),
                    (None, None) => String::new(),
                };
                println!("{}  {}  {seen}", row.invite_id, row.name);
            }
        }
        PeopleAction::Confirm {
            invite_id,
            reject,
            fingerprint,
        } => {
            let invite_id = InviteId::parse(invite_id.trim())
                .map_err(|_| CliError::Input(format!("{invite_id:?} is not an invite id")))?;
            let client = registered_client(&vault)?;
            if reject {
                block_on(contacts::reject(&vault, &client, invite_id))??;
                eprintln!("rejected invite {invite_id}");
            } else {
                let confirmed = match fingerprint {
                    Some(text) => parse_fingerprint(&text)?,
                    None => pending_fingerprint(&vault, &client, invite_id)?,
                };
                let card = block_on(contacts::confirm(&vault, &client, invite_id, &confirmed))??;
                eprintln!("connected with {}", card.name);
            }
        }
        PeopleAction::List { json } => {
            let cards = contacts::list(&vault)?;
            if json {
                return print_json(&cards);
            }
            for card in cards {
                println!(
                    "{}  {}  {}",
                    card.name,
                    card.state.as_str(),
                    card.words.join(" ")
                );
            }
        }
        PeopleAction::Verify {
            name,
            fingerprint,
            yes,
        } => {
            let card = contacts::list(&vault)?
                .into_iter()
                .find(|card| card.name == name)
                .ok_or_else(|| InboxError::NotFound(format!("contact {name:?}")))?;
            let shown = card.changed_fingerprint.unwrap_or(card.fingerprint);
            let confirmed = confirmed_fingerprint(fingerprint.as_deref(), yes, &name, &shown)?;
            let card = contacts::verify(&vault, &name, &confirmed)?;
            eprintln!("{} verified: {}", card.name, card.words.join(" "));
        }
        PeopleAction::Rename { name, new_name } => {
            let card = contacts::rename(&vault, &name, &new_name)?;
            eprintln!("renamed {name} to {}", card.name);
        }
        PeopleAction::Remove { name } => {
            let client = registered_client(&vault)?;
            block_on(contacts::remove(&vault, &client, &name))??;
            eprintln!("removed {name}");
        }
        PeopleAction::Block { name } => {
            let client = registered_client(&vault)?;
            block_on(contacts::block(&vault, &client, &name))??;
            eprintln!("blocked {name}");
        }
    }
    Ok(())
}

/// The accepted inviter: name, state and the words to compare.
fn print_card(card: &ContactCard, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(card);
    }
    println!("{}", card.words.join(" "));
    eprintln!(
        "{} ({}): compare these words with theirs",
        card.name,
        card.state.as_str()
    );
    Ok(())
}
