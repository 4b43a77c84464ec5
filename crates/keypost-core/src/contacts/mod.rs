//! Contacts (docs/spec/inbox.md, "Invite"; vault schema 4): this vault's account at its relay,
//! the people it connected with (each with the key bundle pinned when connecting: the single
//! source of truth for every later word comparison and message), and the invites on the way.
//!
//! ```text
//! register:  identity ─► signed registration ─► relay_account row
//! inviter:   invite ─► invites row (secret) ─► POST /invites ─► link (own channel)
//!            pending ─► GET /invites ─► open answer (stored) ─► acceptor's words
//!            confirm ─► pin acceptor, grant ─► sealed `connect` into the acceptor's mailbox
//! acceptor:  preview_invite ─► open offer ─► inviter's words
//!            accept_invite ─► contact awaiting confirmation + grant ─► POST …/accept
//!            (messages::fetch pins the inviter when the `connect` arrives)
//! people:    list, verify, rename, remove / block (revokes the grant at once)
//! ```
//!
//! Every use case reaches the vault through `access::VaultAccess`, one short step at a time,
//! and writes what it must remember before it asks the relay.

mod account;
mod book;
mod invites;
mod people;

pub(crate) use account::VaultSession;
pub use account::{
    Me, RelayAccount, me, register, registered_client, request_email_code, verify_email_code,
};
pub use book::{Contact, ContactCard, ContactState, VerifiedHow};
pub(crate) use invites::receive_connect;
pub use invites::{
    InviteCreated, InvitePreview, PendingAcceptance, accept_invite, confirm, invite,
    invite_message, open_invites, pending, preview_invite, reject,
};
pub use people::{block, list, remove, rename, verify};

use crate::identity::{Identities, IdentitiesMut};
use crate::store::{Migration, connection_handles};

/// Schema 4: the relay account, contacts and invites.
pub(crate) const MIGRATION: Migration = Migration {
    version: 4,
    sql: "
    -- This vault's account at its relay. One row at most.
    CREATE TABLE relay_account (
        id             INTEGER PRIMARY KEY CHECK (id = 1),
        relay_url      TEXT    NOT NULL,     -- the relay's public base URL, no trailing /
        account_id     BLOB    NOT NULL CHECK (length(account_id) = 16),
        registered_at  INTEGER NOT NULL,     -- Unix time, nanoseconds
        email          TEXT,                 -- NULL: none given
        email_verified INTEGER NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1))
    );
    -- People this vault connected with (or is connecting with).
    CREATE TABLE contacts (
        id                INTEGER PRIMARY KEY,
        petname           TEXT    NOT NULL UNIQUE,
        account_id        BLOB    NOT NULL CHECK (length(account_id) = 16),
        pinned_bundle     BLOB    NOT NULL CHECK (length(pinned_bundle) = 141),
        state             TEXT    NOT NULL CHECK (state IN ('awaiting_confirmation',
                              'connected', 'key_changed', 'removed', 'blocked')),
        verified_how      TEXT    NOT NULL CHECK (verified_how IN ('invite', 'words')),
        verified_at       INTEGER NOT NULL,  -- Unix time, nanoseconds
        my_grant_id       BLOB    CHECK (my_grant_id IS NULL OR length(my_grant_id) = 16),
        my_grant_token    BLOB    CHECK (my_grant_token IS NULL OR length(my_grant_token) = 32),
        their_grant_id    BLOB    CHECK (their_grant_id IS NULL OR length(their_grant_id) = 16),
        their_grant_token BLOB    CHECK (their_grant_token IS NULL OR length(their_grant_token) = 32),
        changed_bundle    BLOB    CHECK (changed_bundle IS NULL OR length(changed_bundle) = 141),
        invite_id         BLOB    CHECK (invite_id IS NULL OR length(invite_id) = 16),
        received_count    INTEGER NOT NULL DEFAULT 0,
        sent_count        INTEGER NOT NULL DEFAULT 0,
        created_at        INTEGER NOT NULL   -- Unix time, nanoseconds
    );
    -- Invites this vault made ('out') or accepted ('in').
    CREATE TABLE invites (
        invite_id     BLOB    PRIMARY KEY CHECK (length(invite_id) = 16),
        direction     TEXT    NOT NULL CHECK (direction IN ('out', 'in')),
        secret        BLOB    CHECK (secret IS NULL OR length(secret) = 32),
        name          TEXT    NOT NULL,
        note          TEXT    NOT NULL,
        target_email  TEXT,
        sealed_offer  BLOB    NOT NULL,
        sealed_answer BLOB,
        expires_at    INTEGER NOT NULL,      -- Unix time, nanoseconds
        state         TEXT    NOT NULL CHECK (state IN ('open', 'answered', 'confirmed',
                          'rejected', 'accepted', 'connected')),
        created_at    INTEGER NOT NULL       -- Unix time, nanoseconds
    );
    ",
    rewrite: None,
};

/// What the contact use cases need of an unlocked vault. `keypost_core::vault::Vault`
/// implements it; the trait keeps this feature below the vault.
pub trait ContactsVault {
    fn identity(&self) -> Identities<'_>;
    fn identity_mut(&mut self) -> IdentitiesMut<'_>;
    fn contacts(&self) -> Contacts<'_>;
    fn contacts_mut(&mut self) -> ContactsMut<'_>;
}

connection_handles!(
    /// Read access to the relay account, contacts and invites (from `Vault::contacts`).
    Contacts,
    /// Write access (from `Vault::contacts_mut`). Only the use cases write.
    ContactsMut
);
