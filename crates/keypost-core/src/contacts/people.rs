//! The People list: show, compare words, rename, remove and block. Removing or blocking
//! revokes the contact's grant at the relay at once, so their next deposit is refused.

use super::ContactsVault;
use super::account::VaultSession;
use super::book::{ContactCard, ContactState};
use crate::access::VaultAccess;
use crate::inbox::{InboxClient, InboxError, Result};
use keypost_protocol::inbox::Fingerprint;
use time::OffsetDateTime;

/// Every contact, by name.
pub fn list<A>(access: &A) -> Result<Vec<ContactCard>>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    access.with_vault(|vault| {
        Ok(vault
            .contacts()
            .all()?
            .iter()
            .map(|contact| contact.card())
            .collect())
    })?
}

/// Records that the person compared `name`'s words and they matched `confirmed`. For a
/// contact whose key changed, confirming the new key's fingerprint pins it and unblocks
/// sending. Anything else is [`InboxError::NotVerified`].
pub fn verify<A>(access: &A, name: &str, confirmed: &Fingerprint) -> Result<ContactCard>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    access.with_vault(|vault| {
        let contact = vault.contacts().by_name(name)?;
        let now = OffsetDateTime::now_utc();
        let new_key = match (contact.state, &contact.changed_bundle) {
            (ContactState::KeyChanged, Some(changed)) => changed.clone(),
            (ContactState::Connected, _) => contact.pinned_bundle.clone(),
            (state, _) => {
                return Err(InboxError::NotConnected {
                    name: contact.name,
                    state: state.as_str(),
                });
            }
        };
        if new_key.fingerprint() != *confirmed {
            return Err(InboxError::NotVerified { name: contact.name });
        }
        vault.contacts_mut().repin(contact.id, &new_key, now)?;
        Ok(vault.contacts().by_id(contact.id)?.card())
    })?
}

pub fn rename<A>(access: &A, name: &str, new_name: &str) -> Result<ContactCard>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    access.with_vault(|vault| {
        let contact = vault.contacts().by_name(name)?;
        vault.contacts_mut().rename(contact.id, new_name)?;
        Ok(vault.contacts().by_id(contact.id)?.card())
    })?
}

/// Removes `name`: nothing more is sent to them, and their grant is revoked at the relay.
pub async fn remove<A>(access: &A, client: &InboxClient, name: &str) -> Result<ContactCard>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    end(access, client, name, ContactState::Removed).await
}

/// Blocks `name`: like [`remove`], and anything still arriving from their key is dropped.
pub async fn block<A>(access: &A, client: &InboxClient, name: &str) -> Result<ContactCard>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    end(access, client, name, ContactState::Blocked).await
}

/// Marks the contact first (no send goes out after this), then revokes the grant; a failed
/// revocation is reported and can be retried by removing again.
async fn end<A>(
    access: &A,
    client: &InboxClient,
    name: &str,
    state: ContactState,
) -> Result<ContactCard>
where
    A: VaultAccess,
    A::Vault: ContactsVault,
{
    let contact = access.with_vault(|vault| {
        let contact = vault.contacts().by_name(name)?;
        vault.contacts_mut().set_state(contact.id, state)?;
        vault.contacts().by_id(contact.id)
    })??;
    if let Some(grant) = &contact.my_grant {
        client
            .post_bare(
                &VaultSession::new(access),
                &format!("/api/v1/grants/{}/revoke", grant.grant_id),
            )
            .await?;
    }
    Ok(contact.card())
}
