//! The command line, as clap reads it. Scripts depend on these names: change them only with care.

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use keypost_core::interchange::csv::CsvFormat;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "keypost",
    version,
    about = "Keypost: an encrypted password vault, and a safe way to hand passwords to someone else",
    after_help = "The master password is asked without echo, or read from --password-stdin or the \
                  KEYPOST_PASSWORD environment variable (for scripts).\n\
                  Exit codes: 0 ok, 1 error, 2 bad usage or input, 3 wrong master password, \
                  4 vault in use by another process, 5 not found, 6 wrong PIN or code, \
                  7 pickup gone, 8 relay unreachable or refused, 9 the contact's key changed, \
                  10 not verified (the confirmed words are not the contact's), 11 not a connected \
                  contact."
)]
pub struct Cli {
    /// The vault folder (default: the OS's data folder, e.g. ~/.local/share/keypost/vault.keypost).
    #[arg(long, global = true, env = "KEYPOST_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,

    /// Read the master password from the first line of standard input.
    #[arg(long, global = true)]
    pub password_stdin: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault.
    Init(InitArgs),
    /// Add an entry.
    Add(AddArgs),
    /// Change fields of one entry.
    Edit(EditArgs),
    /// Delete entries (undoable with `keypost undo`).
    Rm {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
    },
    /// List entries (no passwords).
    Ls(ListArgs),
    /// Search title, username, URLs, tags and notes (case-insensitive substring).
    Search {
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// Show one entry; the password stays hidden unless --reveal.
    Show(ShowArgs),
    /// Copy a field to the clipboard and clear it again after a delay.
    Copy {
        id: String,
        #[arg(long, value_enum, default_value_t = CopyField::Password)]
        field: CopyField,
        /// Seconds until the clipboard is cleared (only if it still holds the copied value).
        #[arg(long, default_value_t = 20, value_name = "SECONDS")]
        clear_after: u64,
    },
    /// Generate a password or a passphrase (needs no vault).
    Generate(GenerateArgs),
    /// Change many entries at once: one undoable step.
    Bulk {
        #[command(subcommand)]
        action: BulkAction,
    },
    /// Undo the last change (also after a restart).
    Undo,
    /// Import a CSV export of another password manager.
    Import(ImportArgs),
    /// Export entries to CSV for another password manager, or to a printable PDF.
    Export(ExportArgs),
    /// Change the master password.
    Passwd,
    /// Send copies of entries to any email address through a relay (a PIN-protected link),
    /// or with --contact into a connected contact's Messages inbox.
    Send(SendArgs),
    /// List pickups sent from this vault, with their live status; with --messages, the copies
    /// sent to contacts with their delivery status.
    Sent {
        #[arg(long)]
        json: bool,
        /// The messages sent to contacts instead of the pickups.
        #[arg(long)]
        messages: bool,
    },
    /// Destroy a sent pickup now.
    Revoke {
        /// The pickup id (see `keypost sent`).
        id: String,
    },
    /// Open a pickup link with its PIN: import the entries, or save them as CSV or PDF.
    Receive(ReceiveArgs),
    /// This vault's account at its relay (for contacts and the Messages inbox).
    Relay {
        #[command(subcommand)]
        action: RelayAction,
    },
    /// This vault's identity: the fingerprint and the 7 words contacts compare.
    Id {
        #[arg(long)]
        json: bool,
    },
    /// Contacts: invite, accept, confirm, list, verify, rename, remove, block.
    People {
        #[command(subcommand)]
        action: PeopleAction,
    },
    /// Fetch and list the Messages inbox (passwords hidden); show, save, export or decline a
    /// message.
    Inbox(InboxArgs),
    /// Ask a connected contact for a password (a `request` message in their inbox).
    Request(RequestArgs),
}

/// `request --contact NAME TEXT` and `inbox decline MSG`: who confirms the contact's words.
#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// The fingerprint you compared; default: the pinned one, after asking.
    #[arg(long, allow_hyphen_values = true)]
    pub fingerprint: Option<String>,
    /// Send without asking (scripts); else it asks on the terminal, showing the contact's
    /// words, and refuses when there is no terminal.
    #[arg(long, short)]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The connected contact asked.
    #[arg(long)]
    pub contact: String,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
    /// What you ask for, at most 500 characters (never a secret of yours).
    pub text: String,
}

/// `show ID` and `inbox show MSG`: secrets hidden unless --reveal.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Ids are base64url and may start with `-`.
    #[arg(allow_hyphen_values = true)]
    pub id: String,
    #[arg(long)]
    pub reveal: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RelayAction {
    /// Register this vault at a relay (makes the identity if needed) and remember the relay.
    Register {
        /// The relay's base URL.
        #[arg(long)]
        relay: String,
        /// Your name as contacts see it.
        #[arg(long)]
        name: String,
        /// An email address; the relay emails a code for `keypost relay verify-email`.
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Give the relay an email address (--email: it emails a code), or prove it (--code).
    VerifyEmail {
        #[arg(long, required_unless_present = "code", conflicts_with = "code")]
        email: Option<String>,
        #[arg(long)]
        code: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PeopleAction {
    /// Invite someone: prints a link to hand over through your own channel.
    Invite {
        /// What you will call them.
        #[arg(long)]
        name: String,
        /// Only an account that verified this email address may accept.
        #[arg(long)]
        email: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
        /// How long the invite stays open: hours (12h) or days (3d), 1 hour to 7 days.
        #[arg(long, default_value = "3d", value_parser = parse_expiry)]
        expires: time::Duration,
        #[arg(long)]
        json: bool,
    },
    /// Accept an invite link: prints the inviter's words to compare.
    Accept {
        link: String,
        /// What you will call the inviter (default: the name they gave).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Acceptances of my invites awaiting confirmation, with the acceptor's words.
    Pending {
        #[arg(long)]
        json: bool,
    },
    /// Confirm an acceptance after comparing the words `people pending` shows (or --reject it).
    Confirm {
        #[arg(allow_hyphen_values = true)]
        invite_id: String,
        #[arg(long)]
        reject: bool,
        /// The acceptor's fingerprint you compared (default: the one `people pending` shows);
        /// another one confirms nothing (exit 10).
        #[arg(long, allow_hyphen_values = true, conflicts_with = "reject")]
        fingerprint: Option<String>,
    },
    /// Every contact with its state and words.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Record that you compared a contact's words (after a key change: accept the new key).
    Verify {
        name: String,
        /// The fingerprint you compared (as `keypost id` prints it); default: asks on the
        /// terminal, showing the words.
        #[arg(long, allow_hyphen_values = true)]
        fingerprint: Option<String>,
        /// Confirm the words shown without asking.
        #[arg(long, short)]
        yes: bool,
    },
    Rename {
        name: String,
        new_name: String,
    },
    /// Remove a contact: their grant is revoked at once.
    Remove {
        name: String,
    },
    /// Block a contact: like remove, and anything still arriving from them is dropped.
    Block {
        name: String,
    },
}

/// `--expires`: `12h` or `3d`.
fn parse_expiry(text: &str) -> Result<time::Duration, String> {
    let unclear = || format!("{text:?}: say hours (12h) or days (3d)");
    let (number, hours_each) = match (text.strip_suffix('h'), text.strip_suffix('d')) {
        (Some(number), _) => (number, 1),
        (None, Some(number)) => (number, 24),
        (None, None) => return Err(unclear()),
    };
    let count: i64 = number.parse().map_err(|_| unclear())?;
    Ok(time::Duration::hours(count.saturating_mul(hours_each)))
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct InboxArgs {
    #[command(subcommand)]
    pub action: Option<InboxAction>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum InboxAction {
    /// One message; passwords only with --reveal.
    Show(ShowArgs),
    /// Save the message's entries into the vault (one step of `keypost undo`).
    Save {
        #[arg(allow_hyphen_values = true)]
        id: String,
    },
    /// Decline a contact's request (a `decline` message to them).
    Decline {
        #[arg(allow_hyphen_values = true)]
        id: String,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Write the messages' entries to a CSV file or a printable PDF.
    Export {
        /// Message ids; put them after `--` when one starts with `-`.
        #[arg(required = true, value_name = "MSG")]
        ids: Vec<String>,
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(long, short)]
        output: PathBuf,
    },
}

/// `send --deliver`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DeliverArg {
    Relay,
    Myself,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The relay's base URL. [default: the relay set in the app's Settings, else the app's
    /// built-in relay, http://127.0.0.1:47810]
    #[arg(long, env = "KEYPOST_RELAY_URL")]
    pub relay: Option<String>,
    /// The recipient's email address: the relay emails the link there (when it sends email),
    /// and it is kept in your Sent list.
    #[arg(long, conflicts_with = "contact")]
    pub to: Option<String>,
    /// Who takes the link to the recipient: `relay` emails it to --to (the relay sees the link
    /// secret while sending); `myself` prints it for you to pass on, and the relay never sees
    /// it. [default: relay when --to is given and the relay sends email, else myself]
    #[arg(long, value_enum, conflicts_with = "contact")]
    pub deliver: Option<DeliverArg>,
    /// Your name as the recipient should see it.
    #[arg(long, required_unless_present = "contact", conflicts_with = "contact")]
    pub name: Option<String>,
    /// Send into this connected contact's Messages inbox instead of a pickup link.
    #[arg(long)]
    pub contact: Option<String>,
    /// With --contact: a note shown with the message.
    #[arg(long, requires = "contact", default_value = "")]
    pub note: String,
    /// With --contact: the fingerprint you compared; default: the pinned one, after asking.
    #[arg(long, requires = "contact", allow_hyphen_values = true)]
    pub fingerprint: Option<String>,
    /// With --contact: send without asking (scripts); else it asks on the terminal, showing
    /// the contact's words, and refuses when there is no terminal.
    #[arg(long, short, requires = "contact")]
    pub yes: bool,
    /// A short message (at most 500 characters); never put the PIN here.
    #[arg(long, default_value = "")]
    pub message: String,
    /// The 5-digit PIN (default: a random one). Tell it to the recipient by phone or SMS.
    #[arg(long)]
    pub pin: Option<String>,
    /// Expire after this many days (1 to 90).
    #[arg(long, conflicts_with = "hours")]
    pub days: Option<u64>,
    /// Expire after this many hours (1 to 2160).
    #[arg(long)]
    pub hours: Option<u64>,
    /// Destroy after this many successful opens (1 to 100).
    #[arg(long)]
    pub views: Option<u32>,
    /// Also require a passphrase, read from KEYPOST_SEND_PASSPHRASE or asked without echo.
    #[arg(long)]
    pub passphrase: bool,
    /// Show the PIN form at once instead of a "show the passwords" click first.
    #[arg(long)]
    pub no_retrieval_step: bool,
    /// Do not let the recipient delete the copy.
    #[arg(long)]
    pub no_recipient_delete: bool,
    /// Include the entries' notes (tags are never sent).
    #[arg(long)]
    pub include_notes: bool,
    /// Print link, PIN and owner token as JSON.
    #[arg(long)]
    pub json: bool,
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// The pickup link (https://…/p/…#… or keypost://pickup…).
    pub link: String,
    #[arg(long)]
    pub pin: String,
    /// The passphrase, if the sender set one (or KEYPOST_SEND_PASSPHRASE).
    #[arg(long, env = "KEYPOST_SEND_PASSPHRASE", hide_env_values = true)]
    pub passphrase: Option<String>,
    /// Save the entries into the vault as new entries.
    #[arg(long, conflicts_with_all = ["csv", "pdf"])]
    pub import: bool,
    /// Write the entries to a CSV file (Keypost format unless --format).
    #[arg(long, value_name = "FILE", conflicts_with = "pdf")]
    pub csv: Option<PathBuf>,
    #[arg(long, value_enum, requires = "csv")]
    pub format: Option<FormatArg>,
    /// Write a printable PDF page.
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Argon2id memory in MiB.
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub kdf_memory: u32,
    /// Argon2id passes.
    #[arg(long, default_value_t = 3)]
    pub kdf_iterations: u32,
    /// Argon2id lanes.
    #[arg(long, default_value_t = 4)]
    pub kdf_parallelism: u32,
}

/// The entry's password as `add` and `edit` take it: given, or generated.
#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// The password; prefer --generate, or KEYPOST_ENTRY_PASSWORD, so it is not in shell history.
    #[arg(
        long,
        env = "KEYPOST_ENTRY_PASSWORD",
        hide_env_values = true,
        conflicts_with = "generate"
    )]
    pub password: Option<String>,
    /// Generate a random 20-character password.
    #[arg(long)]
    pub generate: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub title: String,
    #[arg(long, default_value = "")]
    pub username: String,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[arg(long = "url", value_name = "URL")]
    pub urls: Vec<String>,
    #[arg(long, default_value = "")]
    pub notes: String,
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    #[arg(long, default_value = "")]
    pub folder: String,
    #[arg(long)]
    pub favourite: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    pub id: String,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub username: Option<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Replace all URLs with these.
    #[arg(long = "url", value_name = "URL")]
    pub urls: Vec<String>,
    #[arg(long)]
    pub notes: Option<String>,
    #[arg(long = "add-tag", value_name = "TAG")]
    pub add_tags: Vec<String>,
    #[arg(long = "remove-tag", value_name = "TAG")]
    pub remove_tags: Vec<String>,
    #[arg(long)]
    pub folder: Option<String>,
    #[arg(long)]
    pub favourite: Option<bool>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only entries with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only favourites.
    #[arg(long)]
    pub favourites: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CopyField {
    Password,
    Username,
    Url,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[arg(long, default_value_t = 20)]
    pub length: usize,
    #[arg(long)]
    pub no_lowercase: bool,
    #[arg(long)]
    pub no_uppercase: bool,
    #[arg(long)]
    pub no_digits: bool,
    #[arg(long)]
    pub no_symbols: bool,
    /// Leave out look-alike characters (0/O, 1/l/I).
    #[arg(long)]
    pub avoid_ambiguous: bool,
    /// A passphrase of this many words instead of random characters.
    #[arg(long, value_name = "N")]
    pub words: Option<usize>,
    #[arg(long, default_value = "-")]
    pub separator: String,
}

/// Which entries a bulk action or an export applies to.
#[derive(Debug, Args)]
pub struct Selection {
    /// Every entry matching this search.
    #[arg(long, conflicts_with = "ids")]
    pub search: Option<String>,
    /// Explicit entry ids.
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum BulkAction {
    /// Add or remove tags.
    Tag {
        #[arg(long = "add", value_name = "TAG")]
        add: Vec<String>,
        #[arg(long = "remove", value_name = "TAG")]
        remove: Vec<String>,
        #[command(flatten)]
        selection: Selection,
        #[arg(long)]
        dry_run: bool,
    },
    /// Set the username, URL, folder or favourite flag.
    Set {
        #[arg(long)]
        username: Option<String>,
        #[arg(long)]
        url: Option<String>,
        #[arg(long)]
        folder: Option<String>,
        #[arg(long)]
        favourite: Option<bool>,
        #[command(flatten)]
        selection: Selection,
        #[arg(long)]
        dry_run: bool,
    },
    /// Append a line to the notes.
    Append {
        #[arg(long)]
        notes: String,
        #[command(flatten)]
        selection: Selection,
        #[arg(long)]
        dry_run: bool,
    },
    /// Delete the entries.
    Delete {
        #[command(flatten)]
        selection: Selection,
        #[arg(long)]
        dry_run: bool,
    },
}

/// `--format`: a CSV format of core's registry (by id or alias), or a printable PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatArg {
    Csv(CsvFormat),
    Pdf,
}

/// Every value `--format` takes: the CSV formats in registry order, then `pdf`.
const FORMAT_ARGS: [FormatArg; CsvFormat::ALL.len() + 1] = {
    let mut all = [FormatArg::Pdf; CsvFormat::ALL.len() + 1];
    let mut index = 0;
    while index < CsvFormat::ALL.len() {
        all[index] = FormatArg::Csv(CsvFormat::ALL[index]);
        index += 1;
    }
    all
};

impl ValueEnum for FormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        &FORMAT_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            FormatArg::Csv(format) => PossibleValue::new(format.id()).aliases(format.aliases()),
            FormatArg::Pdf => PossibleValue::new("pdf"),
        })
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    pub file: PathBuf,
    /// The format (default: detected from the header row).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Show what would be imported and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import without asking, also when run from a terminal.
    #[arg(long, short)]
    pub yes: bool,
    /// Print the outcome as JSON on stdout (and no progress bar).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: FormatArg,
    #[arg(long, short)]
    pub output: PathBuf,
    #[command(flatten)]
    pub selection: Selection,
    /// Prefix values that a spreadsheet would run as formulas (=, +, -, @) with a quote.
    #[arg(long)]
    pub spreadsheet_safe: bool,
    /// Print the outcome as JSON on stdout (and no progress bar).
    #[arg(long)]
    pub json: bool,
}
