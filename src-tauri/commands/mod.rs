//! The `#[tauri::command]`s, one module per feature (each with the types it sends and
//! receives), and the one list of them below. That list feeds both `tauri::generate_handler!`
//! ([`handler`]) and the generator of the UI's typed wrappers (`bindings.rs`), so the commands
//! Rust answers and the ones the UI can call cannot drift apart.

pub mod bulk;
#[cfg(test)]
pub mod description;
pub mod entries;
pub mod interchange;
pub mod messages;
pub mod people;
pub mod session;
pub mod sharing;

/// Turns the command list into [`handler`] and, for tests, `signatures` (names, argument
/// names and TypeScript types, reply type) and `typecheck`.
///
/// One line per command: `sync|async feature::name(injected, …; argument: Type, …) -> Reply;`.
/// Injected parameters (`app`, `state`) are filled by Tauri; the arguments come from the UI,
/// by name; `Reply` is what the command returns on success (bare or in a `CommandResult`).
/// `typecheck` calls every command with exactly these types, so a line that no longer matches
/// its function does not compile.
macro_rules! commands {
    ($(
        $kind:ident $feature:ident :: $name:ident
        ( $($injected:ident),* $(; $($arg:ident : $ty:ty),* )? ) -> $reply:ty ;
    )*) => {
        /// The invoke handler for `tauri::Builder::invoke_handler`.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($feature::$name),*]
        }

        #[cfg(test)]
        pub fn signatures(types: &mut description::Declarations) -> Vec<description::Signature> {
            vec![$(
                description::Signature {
                    name: stringify!($name),
                    arguments: vec![$($( (stringify!($arg), types.name_of::<$ty>()) ),*)?],
                    reply: types.name_of::<$reply>(),
                }
            ),*]
        }

        #[cfg(test)]
        pub fn typecheck() -> impl Sized {
            use description::check::{injected, replies, value};
            || async {
                $(
                    replies::<$reply, _>(description::check::reply_of!(
                        $kind $feature::$name(
                            $(injected::$injected(),)* $($(value::<$ty>(),)*)?
                        )
                    ));
                )*
            }
        }
    };
}

// The types the list names; only the tests read them (`signatures`, `typecheck`).
#[cfg(test)]
use {
    crate::clipboard::CopyReceipt,
    crate::relay::RelayInfo,
    crate::settings::Settings,
    bulk::{BulkAction, BulkSummary},
    entries::types::{EntryDetail, EntryInput, HistoryRow, SearchQuery, SearchResult, Selection},
    interchange::types::{ChosenFile, ExportTarget, ImportSummary},
    keypost_core::contacts::{ContactCard, PendingAcceptance, RelayAccount},
    keypost_core::entries::{EntrySecret, TagCount, UndoneChange},
    keypost_core::entry::{EntryId, EntrySummary},
    keypost_core::generator::{PassphraseSpec, PasswordSpec, Strength},
    keypost_core::identity::IdCard,
    keypost_core::interchange::csv::CsvFormat,
    keypost_core::messages::{DroppedCounts, InboxMessage, InboxPage, ReceivedEntry, SentMessage},
    keypost_protocol::api::pickups::{OwnerStatus, PickupStatus},
    keypost_protocol::inbox::{Fingerprint, InviteId, MessageId},
    messages::types::ContactSendRequest,
    people::types::{InviteCard, InviteRequest, MyId, OpenedInvite},
    session::VaultStatus,
    sharing::types::{OpenedLink, PinCheck, ReceivedSummary, SendRequest, SentCopy, SentRow},
};

commands! {
    sync session::vault_status(state) -> VaultStatus;
    async session::create_vault(state; password: String) -> ();
    async session::unlock(state; password: String) -> ();
    sync session::lock(app) -> ();
    async session::change_master_password(state; current_password: String, new_password: String)
        -> ();
    sync session::touch(state) -> ();
    sync session::estimate_strength(; password: String) -> Strength;
    sync session::get_settings(state) -> Settings;
    sync session::save_settings(state; settings: Settings) -> ();

    async entries::search_entries(state; query: SearchQuery) -> SearchResult;
    async entries::finish_search(state; generation: u32) -> u32;
    async entries::entry_rows(state; generation: u32, start: u32, count: u32) -> Vec<EntrySummary>;
    async entries::list_tags(state) -> Vec<TagCount>;
    async entries::get_entry(state; id: String) -> EntryDetail;
    async entries::add_entry(state; entry: EntryInput) -> EntryDetail;
    async entries::update_entry(state; id: String, modified: String, entry: EntryInput) -> EntryDetail;
    async entries::reveal_entry_secret(state; id: String, secret: EntrySecret) -> String;
    async entries::password_history(state; id: String) -> Vec<HistoryRow>;
    async entries::copy_entry_secret(app, state; id: String, secret: EntrySecret) -> CopyReceipt;
    sync entries::generate_password(; request: PasswordSpec) -> String;
    sync entries::generate_passphrase(; request: PassphraseSpec) -> String;

    async bulk::preview_bulk_edit(state; selection: Selection, action: BulkAction) -> BulkSummary;
    async bulk::bulk_edit(state; selection: Selection, action: BulkAction) -> BulkSummary;
    async bulk::undo(state) -> Option<UndoneChange>;

    async interchange::choose_import_file(app, state) -> ChosenFile;
    async interchange::choose_export_file(app, state; suggested_name: String) -> ChosenFile;
    async interchange::preview_import(app, state; path: String, format: Option<CsvFormat>)
        -> ImportSummary;
    async interchange::accept_import(app, state; token: u32) -> u32;
    async interchange::export_csv(app, state; target: ExportTarget, format: CsvFormat) -> u32;
    async interchange::export_pdf(app, state; target: ExportTarget) -> u32;
    sync interchange::cancel_transfer(state) -> ();

    sync sharing::propose_pin() -> String;
    sync sharing::check_pin(; pin: String) -> PinCheck;
    sync sharing::check_email(; address: String) -> String;
    async sharing::send_entries(state; request: SendRequest) -> Vec<SentCopy>;
    sync sharing::sent_list(state) -> Vec<SentRow>;
    sync sharing::sent_copy(state; id: String) -> SentCopy;
    async sharing::sent_progress(state; id: String) -> OwnerStatus;
    async sharing::revoke_sent(state; id: String) -> ();
    sync sharing::forget_sent(state; id: String) -> ();
    async sharing::pickup_info(; link: String) -> PickupStatus;
    async sharing::receive_pickup(state; link: String, pin: String, passphrase: Option<String>)
        -> ReceivedSummary;
    async sharing::save_received(state; token: u32) -> u32;
    sync sharing::copy_text(app, state; text: String) -> CopyReceipt;
    async sharing::relay_info(state) -> RelayInfo;
    sync sharing::take_opened_link(state) -> Option<OpenedLink>;

    sync people::my_id(state) -> Option<MyId>;
    async people::set_up_identity(state; name: String, email: Option<String>) -> RelayAccount;
    sync people::rename_me(state; name: String) -> IdCard;
    async people::request_email_code(state; email: String) -> ();
    async people::verify_email_code(state; code: String) -> RelayAccount;
    async people::invite_contact(state; request: InviteRequest) -> InviteCard;
    async people::open_invites(state) -> Vec<InviteCard>;
    async people::reject_invite(state; invite_id: InviteId) -> ();
    async people::preview_invite(state; link: String) -> OpenedInvite;
    async people::accept_invite(state; token: u32, name: Option<String>) -> ContactCard;
    sync people::take_opened_invite(state) -> Option<String>;
    async people::needs_you(state) -> Vec<PendingAcceptance>;
    async people::confirm_contact(state; invite_id: InviteId, fingerprint: Fingerprint)
        -> ContactCard;
    sync people::list_people(state) -> Vec<ContactCard>;
    sync people::verify_contact(state; name: String, fingerprint: Fingerprint) -> ContactCard;
    sync people::rename_contact(state; name: String, new_name: String) -> ContactCard;
    async people::remove_contact(state; name: String) -> ContactCard;
    async people::block_contact(state; name: String) -> ContactCard;

    async messages::send_to_contact(state; request: ContactSendRequest) -> SentMessage;
    async messages::inbox_page(state; contact: Option<String>, start: u32, count: u32) -> InboxPage;
    sync messages::inbox_dropped(state) -> DroppedCounts;
    async messages::show_message(state; id: MessageId) -> InboxMessage;
    async messages::reveal_message_entry(state; id: MessageId, index: u32) -> ReceivedEntry;
    async messages::copy_message_password(app, state; id: MessageId, index: u32) -> CopyReceipt;
    async messages::save_message(state; id: MessageId) -> Vec<EntryId>;
    async messages::save_message_entry(state; id: MessageId, index: u32) -> Vec<EntryId>;
    async messages::delete_message(state; id: MessageId) -> ();
    async messages::decline_request(state; id: MessageId, fingerprint: Fingerprint) -> SentMessage;
    async messages::request_from_contact(state; contact: String, fingerprint: Fingerprint, text: String)
        -> SentMessage;
    async messages::sent_messages(state) -> Vec<SentMessage>;
    async messages::refresh_sent_messages(state) -> Vec<SentMessage>;
}
