//! Invites (docs/spec/inbox.md, "Invite"): the `invites` table of schema 4 and the use cases
//! of both sides. The inviter keeps the secret (to open the answer) and the exact sealed offer
//! it posted (the transcript binds it); the acceptor keeps the offer and its own answer (to
//! check the inviter's `connect`).

use super::account::VaultSession;
use super::book::{NewContact, checked_petname, id16, words_of};
use super::{ContactCard, ContactState, Contacts, ContactsMut, ContactsVault};
use crate::access::VaultAccess;
use crate::inbox::{InboxClient, InboxError, Result};
use crate::store::{from_nanos, to_nanos};
use keypost_protocol::api::invites::{
    AcceptInviteRequest, CreateInviteRequest, InviteList, InviteOffer,
};
use keypost_protocol::b64;
use keypost_protocol::email::EmailAddress;
use keypost_protocol::inbox::limits::InboxLimits;
use keypost_protocol::inbox::payload::ConnectPayload;
use keypost_protocol::inbox::{
    AccountId, Answer, AnswerParts, DepositGrant, Fingerprint, InviteId, InviteLink, InviteSecret,
    KeyBundle, MessageId, Offer, Payload, seal, sign_connect, verify_connect,
};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

/// Which side of an invite this vault is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InviteDirection {
    Out,
    In,
}

/// An invite as stored.
struct InviteRow {
    invite_id: InviteId,
    direction: InviteDirection,
    secret: Option<InviteSecret>,
    name: String,
    sealed_offer: Vec<u8>,
    sealed_answer: Option<Vec<u8>>,
    state: String,
}

impl Contacts<'_> {
    fn invite(&self, id: InviteId) -> Result<Option<InviteRow>> {
        let row = self
            .conn
            .query_row(
                "SELECT direction, secret, name, sealed_offer, sealed_answer, state
                 FROM invites WHERE invite_id = ?1",
                params![id.as_bytes().as_slice()],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, Option<Vec<u8>>>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Vec<u8>>(3)?,
                        row.get::<_, Option<Vec<u8>>>(4)?,
                        row.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?;
        row.map(
            |(direction, secret, name, sealed_offer, sealed_answer, state)| {
                let secret = secret.map(Zeroizing::new);
                Ok(InviteRow {
                    invite_id: id,
                    direction: if direction == "out" {
                        InviteDirection::Out
                    } else {
                        InviteDirection::In
                    },
                    secret: secret
                        .map(|bytes| {
                            <[u8; 32]>::try_from(bytes.as_slice())
                                .map(InviteSecret::from_bytes)
                                .map_err(|_| InboxError::Corrupt("an invite secret".into()))
                        })
                        .transpose()?,
                    name,
                    sealed_offer,
                    sealed_answer,
                    state,
                })
            },
        )
        .transpose()
    }

    fn invites_in_state(&self, direction: &str, state: &str) -> Result<Vec<InviteRow>> {
        let mut statement = self.conn.prepare(
            "SELECT invite_id FROM invites WHERE direction = ?1 AND state = ?2
             ORDER BY created_at",
        )?;
        let ids = statement
            .query_map(params![direction, state], |row| row.get::<_, Vec<u8>>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.iter()
            .map(|bytes| {
                let id = InviteId::from_bytes(id16(bytes)?);
                self.invite(id)?
                    .ok_or_else(|| InboxError::NotFound(format!("invite {id}")))
            })
            .collect()
    }

    fn out_invite(&self, id: InviteId) -> Result<InviteRow> {
        self.invite(id)?
            .filter(|row| row.direction == InviteDirection::Out)
            .ok_or_else(|| InboxError::NotFound(format!("no invite {id} made by this vault")))
    }
}

/// An invite row before the relay hears of it.
struct NewInvite<'a> {
    invite_id: InviteId,
    direction: InviteDirection,
    secret: Option<&'a InviteSecret>,
    name: &'a str,
    note: &'a str,
    target_email: Option<&'a str>,
    sealed_offer: &'a [u8],
    sealed_answer: Option<&'a [u8]>,
    expires_at: OffsetDateTime,
    state: &'a str,
}

impl ContactsMut<'_> {
    fn record_invite(&mut self, new: &NewInvite<'_>, now: OffsetDateTime) -> Result<()> {
        self.conn.execute(
            "INSERT INTO invites (invite_id, direction, secret, name, note, target_email,
                 sealed_offer, sealed_answer, expires_at, state, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                new.invite_id.as_bytes().as_slice(),
                if new.direction == InviteDirection::Out {
                    "out"
                } else {
                    "in"
                },
                new.secret.map(|secret| secret.as_bytes().to_vec()),
                new.name,
                new.note,
                new.target_email,
                new.sealed_offer,
                new.sealed_answer,
                to_nanos(new.expires_at)?,
                new.state,
                to_nanos(now)?,
            ],
        )?;
        Ok(())
    }

    fn set_invite_state(&mut self, id: InviteId, state: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE invites SET state = ?2 WHERE invite_id = ?1",
            params![id.as_bytes().as_slice(), state],
        )?;
        Ok(())
    }

    /// Keeps the first answer the relay served for an open invite.
    fn store_answer(&mut self, id: InviteId, sealed_answer: &[u8]) -> Result<()> {
        self.conn.execute(
            "UPDATE invites SET sealed_answer = ?2, state = 'answered'
             WHERE invite_id = ?1 AND state = 'open'",
            params![id.as_bytes().as_slice(), sealed_answer],
        )?;
        Ok(())
    }

    fn forget_invite(&mut self, id: InviteId) -> Result<()> {
        self.conn.execute(
            "DELETE FROM invites WHERE invite_id = ?1",
            params![id.as_bytes().as_slice()],
        )?;
        Ok(())
    }
}

/// A posted invite: the link to hand over (it holds the secret: show it, never log it).
/// Also what [`open_invites`] lists, to copy again.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct InviteCreated {
    pub invite_id: InviteId,
    /// What this vault will call the person invited.
    pub name: String,
    /// `keypost://invite?r=…#…`
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub link: Zeroizing<String>,
    /// `<relay URL>#<secret>`, the same for places a `keypost://` link does not survive.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub code: Zeroizing<String>,
    /// A ready-to-paste text around the link ([`invite_message`]).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub message: Zeroizing<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub expires_at: OffsetDateTime,
}

impl InviteCreated {
    fn new(
        invite_id: InviteId,
        name: String,
        inviter_name: &str,
        link: &InviteLink,
        expires_at: OffsetDateTime,
    ) -> Self {
        let message = invite_message(inviter_name, link, expires_at);
        Self {
            invite_id,
            name,
            link: link.to_link(),
            code: link.to_code(),
            message,
            expires_at,
        }
    }
}

/// The text an inviter pastes into their own channel: who invites, the link (and the code for
/// places that break `keypost://` links), when it expires, and what to do without Keypost.
pub fn invite_message(
    inviter_name: &str,
    link: &InviteLink,
    expires_at: OffsetDateTime,
) -> Zeroizing<String> {
    let expiry = expires_at
        .to_offset(time::UtcOffset::UTC)
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_else(|_| expires_at.to_string());
    Zeroizing::new(format!(
        "{inviter_name} invites you to connect in Keypost, to send each other passwords \
         end-to-end encrypted.\n\n\
         Open this link on the computer where Keypost is installed:\n{}\n\n\
         If the link does not open Keypost, copy this code into People → Accept an invite:\n{}\n\n\
         No Keypost yet? Install it first, then open the link. The invite works once and \
         expires {expiry}. Keypost will show you {inviter_name}'s 7 words: compare them with \
         {inviter_name} before you trust them.\n",
        link.to_link().as_str(),
        link.to_code().as_str(),
    ))
}

impl std::fmt::Debug for InviteCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InviteCreated")
            .field("invite_id", &self.invite_id)
            .finish_non_exhaustive()
    }
}

/// Invites someone (`name` is what this vault will call them): seals an offer, records the
/// invite with its secret, posts it. `email`: only an account that verified it may accept.
pub async fn invite<A>(
    access: &A,
    client: &InboxClient,
    name: &str,
    email: Option<&str>,
    note: &str,
    expires_in: Duration,
) -> Result<InviteCreated>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let seconds = u64::try_from(expires_in.whole_seconds()).unwrap_or(0);
    if !InboxLimits::invite_expiry_allowed(seconds) {
        return Err(InboxError::InvalidInput(
            "an invite expires after 1 hour to 7 days".into(),
        ));
    }
    let name = checked_petname(name)?;
    let email = email
        .map(|email| {
            EmailAddress::parse(email.trim())
                .map(|email| email.to_string())
                .map_err(|_| InboxError::InvalidInput(format!("{email:?} is not an email address")))
        })
        .transpose()?;
    let now = OffsetDateTime::now_utc();
    let expires_at = now.replace_nanosecond(0).unwrap_or(now) + expires_in;
    let secret = InviteSecret::make_random();
    let invite_id = secret.keys().id();
    let (sealed_offer, inviter_name) = access.with_vault(|vault| -> Result<_> {
        let account = vault.contacts().registered()?;
        if account.relay_url != client.relay_url() {
            return Err(other_relay(&account.relay_url));
        }
        let card = vault.identity().card()?.ok_or(InboxError::NotRegistered)?;
        let offer = Offer {
            inviter_account: account.account_id,
            inviter_bundle: vault.identity().bundle()?,
            inviter_name: card.name.clone(),
            note: note.to_owned(),
            expires_at,
            relay_url: account.relay_url,
        };
        let sealed_offer = offer.seal(&secret)?;
        vault.contacts_mut().record_invite(
            &NewInvite {
                invite_id,
                direction: InviteDirection::Out,
                secret: Some(&secret),
                name: &name,
                note,
                target_email: email.as_deref(),
                sealed_offer: &sealed_offer,
                sealed_answer: None,
                expires_at,
                state: "open",
            },
            now,
        )?;
        Ok((sealed_offer, card.name))
    })??;
    let request = CreateInviteRequest {
        invite_id,
        accept_token_hash: b64::encode(&secret.keys().accept_token().hash()),
        sealed_offer: b64::encode(&sealed_offer),
        target_email: email,
        expires_at: rfc3339(expires_at)?,
    };
    if let Err(error) = client
        .post_empty(&VaultSession::new(access), "/api/v1/invites", &request)
        .await
    {
        if never_arrived(&error) {
            // The relay never had it: nothing can accept it, so no row is needed.
            let _ = access.with_vault(|vault| vault.contacts_mut().forget_invite(invite_id));
        }
        return Err(error);
    }
    let link = InviteLink::new(client.relay_url(), secret)?;
    Ok(InviteCreated::new(
        invite_id,
        name,
        &inviter_name,
        &link,
        expires_at,
    ))
}

/// My invites nobody accepted yet and that have not expired, oldest first, with their links
/// (to copy again) — revoke one with [`reject`].
pub fn open_invites<A>(access: &A) -> Result<Vec<InviteCreated>>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let now = OffsetDateTime::now_utc();
    access.with_vault(|vault| -> Result<Vec<InviteCreated>> {
        let contacts = vault.contacts();
        let account = contacts.registered()?;
        let inviter_name = vault
            .identity()
            .card()?
            .ok_or(InboxError::NotRegistered)?
            .name;
        let mut statement = contacts.conn.prepare(
            "SELECT invite_id, expires_at FROM invites
             WHERE direction = 'out' AND state = 'open' AND expires_at > ?1
             ORDER BY created_at",
        )?;
        let rows = statement
            .query_map(params![to_nanos(now)?], |row| {
                Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.iter()
            .map(|(id, expires_at)| {
                let invite_id = InviteId::from_bytes(id16(id)?);
                let row = contacts.out_invite(invite_id)?;
                let secret = row
                    .secret
                    .ok_or_else(|| InboxError::Corrupt("an open invite without secret".into()))?;
                let link = InviteLink::new(&account.relay_url, secret)?;
                Ok(InviteCreated::new(
                    invite_id,
                    row.name,
                    &inviter_name,
                    &link,
                    from_nanos(*expires_at)?,
                ))
            })
            .collect()
    })?
}

/// An opened invite, before accepting: show the inviter's name, note and words, then pass it
/// to [`accept_invite`] (which uses exactly these bytes).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Serialize)]
pub struct InvitePreview {
    pub invite_id: InviteId,
    pub inviter_name: String,
    pub note: String,
    pub fingerprint: Fingerprint,
    pub words: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub expires_at: OffsetDateTime,
    pub target_email_required: bool,
    #[serde(skip)]
    link: InviteLink,
    #[serde(skip)]
    sealed_offer: Vec<u8>,
    #[serde(skip)]
    offer: Offer,
}

impl std::fmt::Debug for InvitePreview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvitePreview")
            .field("invite_id", &self.invite_id)
            .field("inviter_name", &self.inviter_name)
            .field("words", &self.words)
            .finish_non_exhaustive()
    }
}

/// Opens the invite behind `link` (link or code form): any change by the relay is
/// [`keypost_protocol::inbox::InviteError::Altered`]. Nothing is stored.
pub async fn preview_invite<A>(
    access: &A,
    client: &InboxClient,
    link: &str,
) -> Result<InvitePreview>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let link = InviteLink::parse(link)?;
    if link.relay_url() != client.relay_url() {
        return Err(other_relay(link.relay_url()));
    }
    let invite_id = link.secret().keys().id();
    let served: InviteOffer = client
        .get(
            &VaultSession::new(access),
            &format!("/api/v1/invites/{invite_id}"),
        )
        .await?;
    let sealed_offer = b64::decode(&served.sealed_offer)
        .map_err(|error| InboxError::BadAnswer(format!("sealed offer: {error}")))?;
    let offer = Offer::open(
        link.secret(),
        &sealed_offer,
        link.relay_url(),
        OffsetDateTime::now_utc(),
    )?;
    let mine = access.with_vault(|vault| vault.identity().bundle())??;
    if offer.inviter_bundle == mine {
        return Err(InboxError::InvalidInput("this is your own invite".into()));
    }
    let fingerprint = offer.inviter_bundle.fingerprint();
    Ok(InvitePreview {
        invite_id,
        inviter_name: offer.inviter_name.clone(),
        note: offer.note.clone(),
        words: words_of(&fingerprint),
        fingerprint,
        expires_at: offer.expires_at,
        target_email_required: served.target_email_required,
        link,
        sealed_offer,
        offer,
    })
}

/// Accepts a previewed invite: the inviter becomes a contact awaiting confirmation (called
/// `name`, or the name the inviter gave), a grant lets them deposit here, and the sealed
/// answer goes to the relay. The inviter's `connect` (see `messages::fetch`) connects us.
pub async fn accept_invite<A>(
    access: &A,
    client: &InboxClient,
    preview: &InvitePreview,
    name: Option<&str>,
) -> Result<ContactCard>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let now = OffsetDateTime::now_utc();
    let grant = DepositGrant::make_random();
    let secret = preview.link.secret();
    let offer = &preview.offer;
    let (contact, sealed_answer) = access.with_vault(|vault| -> Result<_> {
        let account = vault.contacts().registered()?;
        let identity = vault.identity().get()?.ok_or(InboxError::NotRegistered)?;
        let my_name = vault
            .identity()
            .card()?
            .ok_or(InboxError::NotRegistered)?
            .name;
        refuse_known(
            vault.contacts(),
            offer.inviter_account,
            &offer.inviter_bundle,
        )?;
        let sealed_answer = Answer::seal(
            &identity,
            AnswerParts {
                secret,
                sealed_offer: &preview.sealed_offer,
                offer,
                acceptor_account: account.account_id,
                acceptor_name: &my_name,
                grant: grant.clone(),
            },
        )?;
        let contact = vault.contacts_mut().insert(
            &NewContact {
                name: name.unwrap_or(&offer.inviter_name),
                account_id: offer.inviter_account,
                bundle: &offer.inviter_bundle,
                state: ContactState::AwaitingConfirmation,
                my_grant: Some(&grant),
                their_grant: None,
                invite_id: preview.invite_id,
            },
            now,
        )?;
        vault.contacts_mut().record_invite(
            &NewInvite {
                invite_id: preview.invite_id,
                direction: InviteDirection::In,
                secret: None,
                name: &offer.inviter_name,
                note: &offer.note,
                target_email: None,
                sealed_offer: &preview.sealed_offer,
                sealed_answer: Some(&sealed_answer),
                expires_at: offer.expires_at,
                state: "accepted",
            },
            now,
        )?;
        Ok((contact, sealed_answer))
    })??;
    let session = VaultSession::new(access);
    let request = AcceptInviteRequest {
        accept_token: secret.keys().accept_token().to_base64().to_string(),
        sealed_answer: b64::encode(&sealed_answer),
    };
    let accepted = async {
        client.create_grant(&session, &grant).await?;
        client
            .post_empty(
                &session,
                &format!("/api/v1/invites/{}/accept", preview.invite_id),
                &request,
            )
            .await
    }
    .await;
    if let Err(error) = accepted {
        if never_arrived(&error) {
            let _ = client
                .post_bare(
                    &session,
                    &format!("/api/v1/grants/{}/revoke", grant.grant_id),
                )
                .await;
            let _ = access.with_vault(|vault| -> Result<()> {
                vault.contacts_mut().delete(contact.id)?;
                vault.contacts_mut().forget_invite(preview.invite_id)
            });
        }
        return Err(error);
    }
    Ok(contact.card())
}

/// An acceptance of one of my invites, waiting for me to compare the words and confirm.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize)]
pub struct PendingAcceptance {
    pub invite_id: InviteId,
    /// The name I gave the invite.
    pub name: String,
    /// The name the acceptor gave itself (absent if the answer cannot be opened).
    pub acceptor_name: Option<String>,
    pub fingerprint: Option<Fingerprint>,
    /// The acceptor's 7 words: compare them before confirming.
    pub words: Option<Vec<String>>,
    /// Why the answer cannot be trusted (`invite_altered`, `bad_transcript`, …).
    pub problem: Option<&'static str>,
}

/// Fetches the answers to my invites, keeps each first answer, and lists those awaiting my
/// confirmation with the acceptor's words.
pub async fn pending<A>(access: &A, client: &InboxClient) -> Result<Vec<PendingAcceptance>>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let list: InviteList = client
        .get(&VaultSession::new(access), "/api/v1/invites")
        .await?;
    access.with_vault(|vault| -> Result<Vec<PendingAcceptance>> {
        for summary in &list.invites {
            if let Some(answer) = &summary.sealed_answer {
                let bytes = b64::decode(answer)
                    .map_err(|error| InboxError::BadAnswer(format!("sealed answer: {error}")))?;
                vault
                    .contacts_mut()
                    .store_answer(summary.invite_id, &bytes)?;
            }
        }
        let me = vault.identity().get()?.ok_or(InboxError::NotRegistered)?;
        let rows = vault.contacts().invites_in_state("out", "answered")?;
        Ok(rows
            .iter()
            .map(|row| match open_answer(row, &me.fingerprint()) {
                Ok(answer) => {
                    let fingerprint = answer.acceptor_bundle.fingerprint();
                    PendingAcceptance {
                        invite_id: row.invite_id,
                        name: row.name.clone(),
                        acceptor_name: Some(answer.acceptor_name),
                        words: Some(words_of(&fingerprint)),
                        fingerprint: Some(fingerprint),
                        problem: None,
                    }
                }
                Err(error) => PendingAcceptance {
                    invite_id: row.invite_id,
                    name: row.name.clone(),
                    acceptor_name: None,
                    fingerprint: None,
                    words: None,
                    problem: Some(error.code()),
                },
            })
            .collect())
    })?
}

/// Confirms the acceptance of `invite_id` after the person compared the acceptor's words,
/// which matched `confirmed`: pins the acceptor, gives them a grant and delivers the signed
/// `connect`. A `confirmed` that is not the acceptor's is [`InboxError::NotVerified`] and
/// pins nothing. Retrying after a failure sends the `connect` again.
pub async fn confirm<A>(
    access: &A,
    client: &InboxClient,
    invite_id: InviteId,
    confirmed: &Fingerprint,
) -> Result<ContactCard>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let now = OffsetDateTime::now_utc();
    let (contact, sealed) = access.with_vault(|vault| -> Result<_> {
        let row = vault.contacts().out_invite(invite_id)?;
        let me = vault.identity().get()?.ok_or(InboxError::NotRegistered)?;
        let answer = open_answer(&row, &me.fingerprint())?;
        if answer.acceptor_bundle.fingerprint() != *confirmed {
            return Err(InboxError::NotVerified { name: row.name });
        }
        let contact = match row.state.as_str() {
            "answered" => {
                refuse_known(
                    vault.contacts(),
                    answer.acceptor_account,
                    &answer.acceptor_bundle,
                )?;
                let contact = vault.contacts_mut().insert(
                    &NewContact {
                        name: &row.name,
                        account_id: answer.acceptor_account,
                        bundle: &answer.acceptor_bundle,
                        state: ContactState::Connected,
                        my_grant: Some(&DepositGrant::make_random()),
                        their_grant: Some(&answer.grant),
                        invite_id,
                    },
                    now,
                )?;
                vault
                    .contacts_mut()
                    .set_invite_state(invite_id, "confirmed")?;
                contact
            }
            "confirmed" => vault.contacts().by_invite(invite_id)?.ok_or_else(|| {
                InboxError::NotFound(format!("the contact of invite {invite_id}"))
            })?,
            state => {
                return Err(InboxError::InvalidInput(format!(
                    "invite {invite_id} is {state}: nothing to confirm"
                )));
            }
        };
        let mine = contact
            .my_grant
            .clone()
            .ok_or_else(|| InboxError::Corrupt("a confirmed contact without a grant".into()))?;
        let signature = sign_connect(
            &me,
            invite_id,
            &contact.fingerprint(),
            &row.sealed_offer,
            row.sealed_answer.as_deref().unwrap_or_default(),
        );
        let payload = Payload::Connect(ConnectPayload {
            invite_id,
            grant: mine,
            signature,
        });
        let message_id = MessageId::random();
        let sealed = seal(
            &me,
            &contact.pinned_bundle,
            message_id,
            unix_seconds(now),
            &payload,
        )?;
        Ok((contact, (message_id, sealed)))
    })??;
    let session = VaultSession::new(access);
    let (Some(mine), Some(theirs)) = (&contact.my_grant, &contact.their_grant) else {
        return Err(InboxError::Corrupt(
            "a confirmed contact without grants".into(),
        ));
    };
    client.create_grant(&session, mine).await?;
    client
        .deposit(&session, contact.account_id, theirs, sealed.0, &sealed.1)
        .await?;
    Ok(contact.card())
}

/// Rejects the acceptance of `invite_id` (the words were not the intended person's): nothing
/// is pinned and the invite is withdrawn at the relay.
pub async fn reject<A>(access: &A, client: &InboxClient, invite_id: InviteId) -> Result<()>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    access.with_vault(|vault| -> Result<()> {
        let row = vault.contacts().out_invite(invite_id)?;
        if row.state == "confirmed" {
            return Err(InboxError::InvalidInput(format!(
                "invite {invite_id} is confirmed: remove the contact instead"
            )));
        }
        vault.contacts_mut().set_invite_state(invite_id, "rejected")
    })??;
    client
        .post_bare(
            &VaultSession::new(access),
            &format!("/api/v1/invites/{invite_id}/revoke"),
        )
        .await
}

/// The acceptor's side of a `connect` from `sender` (docs/spec/inbox.md, "Connect"): the
/// contact awaiting confirmation for that invite, whose pinned bundle (from the offer) is the
/// sender's, becomes connected if the signature verifies. `None`: not a `connect` this vault
/// expects (the caller quarantines it).
pub(crate) fn receive_connect(
    contacts: &mut ContactsMut<'_>,
    me: &Fingerprint,
    sender: &KeyBundle,
    connect: &ConnectPayload,
) -> Result<Option<ContactCard>> {
    let read = contacts.read();
    let Some(contact) = read.by_invite(connect.invite_id)? else {
        return Ok(None);
    };
    let Some(row) = read.invite(connect.invite_id)? else {
        return Ok(None);
    };
    if contact.state != ContactState::AwaitingConfirmation
        || row.direction != InviteDirection::In
        || contact.pinned_bundle != *sender
    {
        return Ok(None);
    }
    let verified = verify_connect(
        sender,
        connect.invite_id,
        me,
        &row.sealed_offer,
        row.sealed_answer.as_deref().unwrap_or_default(),
        &connect.signature,
    );
    if verified.is_err() {
        return Ok(None);
    }
    contacts.connect(contact.id, &connect.grant)?;
    contacts.set_invite_state(connect.invite_id, "connected")?;
    Ok(Some(contacts.read().by_id(contact.id)?.card()))
}

fn open_answer(row: &InviteRow, me: &Fingerprint) -> Result<Answer> {
    let (Some(secret), Some(sealed_answer)) = (&row.secret, &row.sealed_answer) else {
        return Err(InboxError::InvalidInput(format!(
            "invite {} has no answer yet",
            row.invite_id
        )));
    };
    Ok(Answer::open(secret, me, &row.sealed_offer, sealed_answer)?)
}

/// Refuses to connect twice with one account or one key.
fn refuse_known(contacts: Contacts<'_>, account: AccountId, bundle: &KeyBundle) -> Result<()> {
    let known = match contacts.active_with_account(account)? {
        Some(contact) => Some(contact),
        None => contacts.pinned(bundle)?,
    };
    match known {
        Some(contact) if contact.state != ContactState::Removed => Err(InboxError::InvalidInput(
            format!("already connected with this person as {:?}", contact.name),
        )),
        _ => Ok(()),
    }
}

fn other_relay(relay_url: &str) -> InboxError {
    InboxError::InvalidInput(format!(
        "this vault uses another relay than {relay_url}: contacts must share a relay"
    ))
}

/// Whether the relay certainly did not act: it refused, or no connection was made.
pub(crate) fn never_arrived(error: &InboxError) -> bool {
    matches!(
        error,
        InboxError::Refused { .. }
            | InboxError::WrongCode { .. }
            | InboxError::Unreachable {
                connected: false,
                ..
            }
    )
}

pub(crate) fn rfc3339(time: OffsetDateTime) -> Result<String> {
    time.format(&Rfc3339)
        .map_err(|error| InboxError::InvalidInput(format!("time: {error}")))
}

pub(crate) fn unix_seconds(time: OffsetDateTime) -> u64 {
    u64::try_from(time.unix_timestamp()).unwrap_or(0)
}
