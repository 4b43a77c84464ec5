//! The contacts table (schema 4): one row per person, with the key bundle pinned when
//! connecting. Words, fingerprints and the key every message is sealed to are computed from
//! `pinned_bundle` and nothing else.

use super::account::account_id_of;
use super::{Contacts, ContactsMut};
use crate::inbox::{InboxError, Result, stored};
use crate::store::{from_nanos, to_nanos};
use keypost_protocol::inbox::identity::FINGERPRINT_WORDS;
use keypost_protocol::inbox::limits::MAX_NAME_CHARS;
use keypost_protocol::inbox::{
    AccountId, DepositGrant, Fingerprint, GrantId, GrantToken, InviteId, KeyBundle,
};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;
use time::OffsetDateTime;

/// Where a contact stands.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactState {
    /// I accepted their invite; their `connect` has not arrived yet.
    AwaitingConfirmation,
    Connected,
    /// The relay served another key for them, or a message came from one: sending is blocked
    /// until the new words are compared ([`super::verify`]).
    KeyChanged,
    Removed,
    Blocked,
}

impl ContactState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingConfirmation => "awaiting_confirmation",
            Self::Connected => "connected",
            Self::KeyChanged => "key_changed",
            Self::Removed => "removed",
            Self::Blocked => "blocked",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        [
            Self::AwaitingConfirmation,
            Self::Connected,
            Self::KeyChanged,
            Self::Removed,
            Self::Blocked,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
        .ok_or_else(|| InboxError::Corrupt(format!("contact state {text:?}")))
    }
}

/// How the pinned key was checked.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifiedHow {
    /// Bound by the invite's secret (the link went through the inviter's own channel).
    Invite,
    /// The words were compared by phone, video or in person.
    Words,
}

impl VerifiedHow {
    fn as_str(self) -> &'static str {
        match self {
            Self::Invite => "invite",
            Self::Words => "words",
        }
    }
}

/// A contact as stored. No `Serialize`: it holds grant tokens ([`ContactCard`] is the view).
#[derive(Clone, Debug)]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub account_id: AccountId,
    pub pinned_bundle: KeyBundle,
    pub state: ContactState,
    pub verified_how: VerifiedHow,
    pub verified_at: OffsetDateTime,
    /// The grant this vault gave them (their deposits into my mailbox).
    pub my_grant: Option<DepositGrant>,
    /// The grant they gave this vault (my deposits into their mailbox).
    pub their_grant: Option<DepositGrant>,
    /// The other key seen for them while [`ContactState::KeyChanged`].
    pub changed_bundle: Option<KeyBundle>,
    /// The invite that connected us.
    pub invite_id: Option<InviteId>,
    pub received_count: i64,
    pub sent_count: i64,
}

impl Contact {
    pub fn fingerprint(&self) -> Fingerprint {
        self.pinned_bundle.fingerprint()
    }

    pub fn card(&self) -> ContactCard {
        ContactCard {
            name: self.name.clone(),
            state: self.state,
            fingerprint: self.fingerprint(),
            words: words_of(&self.fingerprint()),
            verified_how: self.verified_how,
            verified_at: self.verified_at,
            changed_words: self
                .changed_bundle
                .as_ref()
                .map(|bundle| words_of(&bundle.fingerprint())),
            changed_fingerprint: self.changed_bundle.as_ref().map(KeyBundle::fingerprint),
            received_count: self.received_count,
            sent_count: self.sent_count,
        }
    }
}

/// What the People list and `keypost people list --json` show of a contact. Public values only.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContactCard {
    pub name: String,
    pub state: ContactState,
    /// Of the pinned bundle.
    pub fingerprint: Fingerprint,
    /// The 7 words of the pinned bundle.
    pub words: Vec<String>,
    pub verified_how: VerifiedHow,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub verified_at: OffsetDateTime,
    /// The words of the other key, while the key is changed.
    pub changed_words: Option<Vec<String>>,
    pub changed_fingerprint: Option<Fingerprint>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub received_count: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sent_count: i64,
}

pub(crate) fn words_of(fingerprint: &Fingerprint) -> Vec<String> {
    let words: [&str; FINGERPRINT_WORDS] = fingerprint.to_words();
    words.iter().map(|word| (*word).to_owned()).collect()
}

/// A petname: trimmed, 1 to 100 characters, no control characters.
pub(crate) fn checked_petname(name: &str) -> Result<String> {
    let name = name.trim();
    let length = name.chars().count();
    if length == 0 || length > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(InboxError::InvalidInput(format!(
            "a contact's name needs 1 to {MAX_NAME_CHARS} characters and no control characters"
        )));
    }
    Ok(name.to_owned())
}

/// A new row: who, the pinned key, and the grants known so far.
pub(crate) struct NewContact<'a> {
    pub name: &'a str,
    pub account_id: AccountId,
    pub bundle: &'a KeyBundle,
    pub state: ContactState,
    pub my_grant: Option<&'a DepositGrant>,
    pub their_grant: Option<&'a DepositGrant>,
    pub invite_id: InviteId,
}

const COLUMNS: &str = "id, petname, account_id, pinned_bundle, state, verified_how, verified_at,
    my_grant_id, my_grant_token, their_grant_id, their_grant_token, changed_bundle, invite_id,
    received_count, sent_count";

impl Contacts<'_> {
    /// Every contact, by name.
    pub fn all(&self) -> Result<Vec<Contact>> {
        let mut statement = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM contacts ORDER BY petname"))?;
        let rows = statement
            .query_map([], raw_contact)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(RawContact::parse).collect()
    }

    /// The contact called `name`, or [`InboxError::NotFound`].
    pub fn by_name(&self, name: &str) -> Result<Contact> {
        self.one("petname = ?1", params![name.trim()])?
            .ok_or_else(|| InboxError::NotFound(format!("no contact called {:?}", name.trim())))
    }

    pub(crate) fn by_id(&self, id: i64) -> Result<Contact> {
        self.one("id = ?1", params![id])?
            .ok_or_else(|| InboxError::NotFound(format!("contact {id}")))
    }

    /// The contact whose pinned bundle is exactly `bundle`.
    pub(crate) fn pinned(&self, bundle: &KeyBundle) -> Result<Option<Contact>> {
        self.one("pinned_bundle = ?1", params![bundle.as_bytes().as_slice()])
    }

    /// The contact for whom `bundle` was seen as a changed key.
    pub(crate) fn changed_to(&self, bundle: &KeyBundle) -> Result<Option<Contact>> {
        self.one("changed_bundle = ?1", params![bundle.as_bytes().as_slice()])
    }

    /// The contact made by accepting or confirming `invite`.
    pub(crate) fn by_invite(&self, invite: InviteId) -> Result<Option<Contact>> {
        self.one("invite_id = ?1", params![invite.as_bytes().as_slice()])
    }

    /// A contact with this account that is not removed.
    pub(crate) fn active_with_account(&self, account: AccountId) -> Result<Option<Contact>> {
        self.one(
            "account_id = ?1 AND state <> 'removed'",
            params![account.as_bytes().as_slice()],
        )
    }

    fn one(&self, condition: &str, values: impl rusqlite::Params) -> Result<Option<Contact>> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM contacts WHERE {condition} LIMIT 1"),
                values,
                raw_contact,
            )
            .optional()?
            .map(RawContact::parse)
            .transpose()
    }
}

impl ContactsMut<'_> {
    pub(crate) fn insert(&mut self, new: &NewContact<'_>, now: OffsetDateTime) -> Result<Contact> {
        let name = checked_petname(new.name)?;
        if self.read().one("petname = ?1", params![name])?.is_some() {
            return Err(InboxError::InvalidInput(format!(
                "there is already a contact called {name:?}"
            )));
        }
        let grant = |grant: Option<&DepositGrant>| {
            grant.map(|grant| {
                (
                    grant.grant_id.as_bytes().to_vec(),
                    grant.token.as_bytes().to_vec(),
                )
            })
        };
        let (my_id, my_token) = grant(new.my_grant).unzip();
        let (their_id, their_token) = grant(new.their_grant).unzip();
        let now = to_nanos(now)?;
        self.conn.execute(
            "INSERT INTO contacts (petname, account_id, pinned_bundle, state, verified_how,
                 verified_at, my_grant_id, my_grant_token, their_grant_id, their_grant_token,
                 invite_id, created_at)
             VALUES (?1, ?2, ?3, ?4, 'invite', ?5, ?6, ?7, ?8, ?9, ?10, ?5)",
            params![
                name,
                new.account_id.as_bytes().as_slice(),
                new.bundle.as_bytes().as_slice(),
                new.state.as_str(),
                now,
                my_id,
                my_token,
                their_id,
                their_token,
                new.invite_id.as_bytes().as_slice(),
            ],
        )?;
        self.read().by_id(self.conn.last_insert_rowid())
    }

    pub(crate) fn set_state(&mut self, id: i64, state: ContactState) -> Result<()> {
        self.conn.execute(
            "UPDATE contacts SET state = ?2 WHERE id = ?1",
            params![id, state.as_str()],
        )?;
        Ok(())
    }

    /// Marks the contact's key as changed to `seen` (sending blocked until [`Self::repin`]).
    pub(crate) fn key_changed(&mut self, id: i64, seen: &KeyBundle) -> Result<()> {
        self.conn.execute(
            "UPDATE contacts SET state = 'key_changed', changed_bundle = ?2 WHERE id = ?1",
            params![id, seen.as_bytes().as_slice()],
        )?;
        Ok(())
    }

    /// Pins `bundle` after the person compared its words.
    pub(crate) fn repin(&mut self, id: i64, bundle: &KeyBundle, now: OffsetDateTime) -> Result<()> {
        self.conn.execute(
            "UPDATE contacts SET pinned_bundle = ?2, changed_bundle = NULL, state = 'connected',
                 verified_how = 'words', verified_at = ?3 WHERE id = ?1",
            params![id, bundle.as_bytes().as_slice(), to_nanos(now)?],
        )?;
        Ok(())
    }

    /// Their `connect` arrived: the grant it carries lets this vault deposit to them.
    pub(crate) fn connect(&mut self, id: i64, theirs: &DepositGrant) -> Result<()> {
        self.conn.execute(
            "UPDATE contacts SET state = 'connected', their_grant_id = ?2,
                 their_grant_token = ?3 WHERE id = ?1",
            params![
                id,
                theirs.grant_id.as_bytes().as_slice(),
                theirs.token.as_bytes().as_slice()
            ],
        )?;
        Ok(())
    }

    pub(crate) fn rename(&mut self, id: i64, name: &str) -> Result<()> {
        let name = checked_petname(name)?;
        self.conn
            .execute(
                "UPDATE contacts SET petname = ?2 WHERE id = ?1",
                params![id, name],
            )
            .map_err(|error| match error {
                rusqlite::Error::SqliteFailure(failure, _)
                    if failure.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    InboxError::InvalidInput(format!("there is already a contact called {name:?}"))
                }
                error => error.into(),
            })?;
        Ok(())
    }

    pub(crate) fn count_received(&mut self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE contacts SET received_count = received_count + 1 WHERE id = ?1",
            params![id],
        )?;
        Ok(())
    }

    pub(crate) fn count_sent(&mut self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE contacts SET sent_count = sent_count + 1 WHERE id = ?1",
            params![id],
        )?;
        Ok(())
    }

    pub(crate) fn delete(&mut self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM contacts WHERE id = ?1", params![id])?;
        Ok(())
    }
}

/// A row as read, before its blobs are checked.
struct RawContact {
    id: i64,
    name: String,
    account: Vec<u8>,
    bundle: Vec<u8>,
    state: String,
    how: String,
    at: i64,
    my_grant: (Option<Vec<u8>>, Option<Vec<u8>>),
    their_grant: (Option<Vec<u8>>, Option<Vec<u8>>),
    changed: Option<Vec<u8>>,
    invite: Option<Vec<u8>>,
    received: i64,
    sent: i64,
}

fn raw_contact(row: &Row<'_>) -> rusqlite::Result<RawContact> {
    Ok(RawContact {
        id: row.get(0)?,
        name: row.get(1)?,
        account: row.get(2)?,
        bundle: row.get(3)?,
        state: row.get(4)?,
        how: row.get(5)?,
        at: row.get(6)?,
        my_grant: (row.get(7)?, row.get(8)?),
        their_grant: (row.get(9)?, row.get(10)?),
        changed: row.get(11)?,
        invite: row.get(12)?,
        received: row.get(13)?,
        sent: row.get(14)?,
    })
}

impl RawContact {
    fn parse(self) -> Result<Contact> {
        let bundle = |bytes: &[u8]| {
            KeyBundle::from_bytes(bytes)
                .map_err(|_| InboxError::Corrupt("a pinned key bundle does not verify".into()))
        };
        Ok(Contact {
            id: self.id,
            name: self.name,
            account_id: account_id_of(&self.account)?,
            pinned_bundle: bundle(&self.bundle)?,
            state: ContactState::parse(&self.state)?,
            verified_how: if self.how == VerifiedHow::Words.as_str() {
                VerifiedHow::Words
            } else {
                VerifiedHow::Invite
            },
            verified_at: from_nanos(self.at)?,
            my_grant: grant_of(self.my_grant)?,
            their_grant: grant_of(self.their_grant)?,
            changed_bundle: self.changed.as_deref().map(bundle).transpose()?,
            invite_id: self
                .invite
                .map(|bytes| id16(&bytes).map(InviteId::from_bytes))
                .transpose()?,
            received_count: self.received,
            sent_count: self.sent,
        })
    }
}

fn grant_of((id, token): (Option<Vec<u8>>, Option<Vec<u8>>)) -> Result<Option<DepositGrant>> {
    let (Some(id), Some(token)) = (id, token) else {
        return Ok(None);
    };
    Ok(Some(DepositGrant {
        grant_id: GrantId::from_bytes(stored(&id, "a grant id")?),
        token: GrantToken::from_bytes(stored(&token, "a grant token")?),
    }))
}

pub(crate) fn id16(bytes: &[u8]) -> Result<[u8; 16]> {
    stored(bytes, "an id")
}
