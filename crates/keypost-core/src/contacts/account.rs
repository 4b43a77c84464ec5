//! The relay account (schema 4's `relay_account`): register (the identity is made if needed),
//! the optional email and its emailed code, and the session every other call rides on.

use super::{Contacts, ContactsMut, ContactsVault};
use crate::access::VaultAccess;
use crate::identity::IdCard;
use crate::inbox::{Authed, InboxClient, InboxError, Result, stored};
use crate::store::{from_nanos, to_nanos};
use keypost_protocol::api::accounts::{
    BundleResponse, RegisterRequest, SetEmailRequest, VerifyEmailRequest, VerifyEmailResponse,
};
use keypost_protocol::email::EmailAddress;
use keypost_protocol::inbox::signing::{login_content, registration_content};
use keypost_protocol::inbox::{AccountId, Signature, SignatureKind};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use time::OffsetDateTime;

/// Where this vault is registered.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RelayAccount {
    pub relay_url: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub account_id: AccountId,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub registered_at: OffsetDateTime,
    pub email: Option<String>,
    pub email_verified: bool,
}

impl Contacts<'_> {
    /// The relay account, or `None` before [`register`].
    pub fn account(&self) -> Result<Option<RelayAccount>> {
        let row = self
            .conn
            .query_row(
                "SELECT relay_url, account_id, registered_at, email, email_verified
                 FROM relay_account WHERE id = 1",
                [],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, Vec<u8>>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, bool>(4)?,
                    ))
                },
            )
            .optional()?;
        row.map(
            |(relay_url, account, registered_at, email, email_verified)| {
                Ok(RelayAccount {
                    relay_url,
                    account_id: account_id_of(&account)?,
                    registered_at: from_nanos(registered_at)?,
                    email,
                    email_verified,
                })
            },
        )
        .transpose()
    }

    /// The relay account, or [`InboxError::NotRegistered`].
    pub(crate) fn registered(&self) -> Result<RelayAccount> {
        self.account()?.ok_or(InboxError::NotRegistered)
    }
}

impl ContactsMut<'_> {
    /// Remembers the relay and account; the email stays when the account is the same.
    fn set_account(
        &mut self,
        relay_url: &str,
        account: AccountId,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO relay_account (id, relay_url, account_id, registered_at)
             VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET relay_url = excluded.relay_url,
                 email = CASE WHEN account_id = excluded.account_id THEN email END,
                 email_verified = CASE WHEN account_id = excluded.account_id
                                       THEN email_verified ELSE 0 END,
                 account_id = excluded.account_id, registered_at = excluded.registered_at",
            params![relay_url, account.as_bytes().as_slice(), to_nanos(now)?],
        )?;
        Ok(())
    }

    fn set_email(&mut self, email: &str, verified: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE relay_account SET email = ?1, email_verified = ?2 WHERE id = 1",
            params![email, verified],
        )?;
        Ok(())
    }
}

/// This vault as its People tab shows it: the ID card, and the relay account once registered.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Me {
    pub card: IdCard,
    pub account: Option<RelayAccount>,
}

/// The ID card and relay account, or `None` before the identity is made ([`register`]).
pub fn me<A>(access: &A) -> Result<Option<Me>>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    access.with_vault(|vault| -> Result<Option<Me>> {
        let Some(card) = vault.identity().card()? else {
            return Ok(None);
        };
        Ok(Some(Me {
            card,
            account: vault.contacts().account()?,
        }))
    })?
}

/// A client of the relay this vault is registered at, or [`InboxError::NotRegistered`].
pub fn registered_client<A>(access: &A) -> Result<InboxClient>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let account = access.with_vault(|vault| vault.contacts().registered())??;
    InboxClient::new(&account.relay_url)
}

pub(crate) fn account_id_of(bytes: &[u8]) -> Result<AccountId> {
    stored(bytes, "an account id").map(AccountId::from_bytes)
}

/// Registers this vault at `client`'s relay under `name` (making the identity if the vault
/// has none), remembers the relay, and logs in once to prove it. With `email`, the relay emails
/// a code for [`verify_email_code`].
pub async fn register<A>(
    access: &A,
    client: &InboxClient,
    name: &str,
    email: Option<&str>,
) -> Result<RelayAccount>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let now = OffsetDateTime::now_utc();
    let relay_url = client.relay_url().to_owned();
    let request = access.with_vault(|vault| -> Result<RegisterRequest> {
        vault.identity_mut().ensure(name, now)?;
        let identity = vault.identity().get()?.ok_or(InboxError::NotRegistered)?;
        let account_id = match vault.contacts().account()? {
            Some(account) if account.relay_url == relay_url => account.account_id,
            _ => AccountId::random(),
        };
        Ok(RegisterRequest {
            account_id,
            bundle: identity.bundle().clone(),
            signature: identity.sign(
                SignatureKind::Register,
                &registration_content(&relay_url, &account_id),
            ),
        })
    })??;
    client.register(&request).await?;
    access.with_vault(|vault| {
        vault
            .contacts_mut()
            .set_account(&relay_url, request.account_id, now)
    })??;
    let session = VaultSession::new(access);
    let published: BundleResponse = client
        .get(
            &session,
            &format!("/api/v1/accounts/{}/bundle", request.account_id),
        )
        .await?;
    if published.bundle != request.bundle {
        return Err(InboxError::BadAnswer(
            "the relay serves another key for this account".into(),
        ));
    }
    if let Some(email) = email {
        request_email_code(access, client, email).await?;
    }
    access.with_vault(|vault| vault.contacts().registered())?
}

/// Gives the relay an email address; it emails an 8-digit code to prove it.
pub async fn request_email_code<A>(access: &A, client: &InboxClient, email: &str) -> Result<()>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let email = EmailAddress::parse(email.trim())
        .map_err(|_| InboxError::InvalidInput(format!("{email:?} is not an email address")))?
        .to_string();
    client
        .post_empty(
            &VaultSession::new(access),
            "/api/v1/account/email",
            &SetEmailRequest {
                email: email.clone(),
            },
        )
        .await?;
    access.with_vault(|vault| vault.contacts_mut().set_email(&email, false))?
}

/// Proves the email with the code the relay sent. A wrong code is
/// [`InboxError::WrongCode`] with the tries left.
pub async fn verify_email_code<A>(
    access: &A,
    client: &InboxClient,
    code: &str,
) -> Result<RelayAccount>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let verified: VerifyEmailResponse = client
        .post(
            &VaultSession::new(access),
            "/api/v1/account/email/verify",
            &VerifyEmailRequest {
                code: code.trim().to_owned(),
            },
        )
        .await?;
    access.with_vault(|vault| -> Result<RelayAccount> {
        vault
            .contacts_mut()
            .set_email(&verified.email, verified.verified)?;
        vault.contacts().registered()
    })?
}

/// The vault as a relay session sees it: the account, and login signatures made inside one
/// vault step (the keys never leave it).
pub(crate) struct VaultSession<'a, A> {
    access: &'a A,
}

impl<'a, A> VaultSession<'a, A> {
    pub(crate) fn new(access: &'a A) -> Self {
        Self { access }
    }
}

impl<A> Authed for VaultSession<'_, A>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    fn account(&self) -> Result<AccountId> {
        self.access
            .with_vault(|vault| vault.contacts().registered())?
            .map(|account| account.account_id)
    }

    fn sign_login(&self, relay_url: &str, challenge: &[u8; 32]) -> Result<(AccountId, Signature)> {
        self.access.with_vault(|vault| {
            let account = vault.contacts().registered()?;
            if account.relay_url != relay_url {
                return Err(InboxError::InvalidInput(format!(
                    "this vault is registered at {}, not {relay_url}",
                    account.relay_url
                )));
            }
            let identity = vault.identity().get()?.ok_or(InboxError::NotRegistered)?;
            let content = login_content(relay_url, &account.account_id, challenge);
            Ok((
                account.account_id,
                identity.sign(SignatureKind::Login, &content),
            ))
        })?
    }
}
