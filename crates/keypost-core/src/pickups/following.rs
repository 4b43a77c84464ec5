//! Follow what happens to sent pickups (owner status) and revoke them, with the owner token
//! from the sent log; forget the ones the relay never received. Each answer that differs from the one kept is stored, so the Sent list
//! shows a status before the relay answers and while it cannot be reached.
//!
//! A pending record (its send was interrupted) is settled here: the relay knows it (sent) or
//! answers 404 ([`PickupError::NotSent`]). A pickup found ended (by the relay's answer, a
//! revoke, or its expiry) loses its link and PIN from the sent log here too.

use super::client::RelayClient;
use super::sent_log::{SentPickup, SentState};
use super::{PickupError, PickupsVault, Result};
use crate::access::VaultAccess;
use keypost_protocol::api::pickups::{OwnerStatus, PickupState};
use std::collections::HashMap;
use time::OffsetDateTime;

/// One HTTP client per relay URL, reused across rounds (each holds a connection pool).
#[derive(Debug, Default)]
pub struct RelayClients {
    clients: HashMap<String, RelayClient>,
}

impl RelayClients {
    fn client(&mut self, url: &str) -> Result<RelayClient> {
        if let Some(client) = self.clients.get(url) {
            return Ok(client.clone());
        }
        let client = RelayClient::new(url)?;
        self.clients.insert(url.to_owned(), client.clone());
        Ok(client)
    }
}

/// A sent pickup as it was listed, and what the relay says about it now.
#[derive(Debug)]
pub struct Followed {
    pub sent: SentPickup,
    pub status: Result<OwnerStatus>,
}

/// What the relay says now about the sent pickup `id`; the answer is kept in the sent log.
pub async fn refresh_status<A>(access: &A, id: &str) -> Result<OwnerStatus>
where
    A: VaultAccess,
    A::Vault: PickupsVault,
{
    let sent = access.with_vault(|vault| vault.pickups().find(id))??;
    let client = RelayClient::new(&sent.relay_url)?;
    follow(access, &client, &sent).await
}

/// [`refresh_status`] for every sent pickup that `wanted` accepts, newest first, after
/// dropping the link and PIN of every pickup known to have ended (those past their expiry
/// too, whether `wanted` or not). Only reading the list fails the whole; each pickup has its
/// own outcome.
pub async fn refresh_all<A>(
    access: &A,
    relays: &mut RelayClients,
    wanted: impl Fn(&SentPickup) -> bool,
) -> Result<Vec<Followed>>
where
    A: VaultAccess,
    A::Vault: PickupsVault,
{
    let listed = access.with_vault(|vault| -> Result<Vec<SentPickup>> {
        vault
            .pickups_mut()
            .drop_ended_secrets(OffsetDateTime::now_utc())?;
        vault.pickups().sent()
    })??;
    let mut followed = Vec::with_capacity(listed.len());
    for sent in listed.into_iter().filter(|sent| wanted(sent)) {
        let status = match relays.client(&sent.relay_url) {
            Ok(client) => follow(access, &client, &sent).await,
            Err(error) => Err(error),
        };
        followed.push(Followed { sent, status });
    }
    Ok(followed)
}

/// Destroys the sent pickup `id` on the relay; its link stops working.
pub async fn revoke<A>(access: &A, id: &str) -> Result<()>
where
    A: VaultAccess,
    A::Vault: PickupsVault,
{
    let sent = access.with_vault(|vault| vault.pickups().find(id))??;
    if sent.state == SentState::NotSent {
        return Err(PickupError::NotSent);
    }
    let client = RelayClient::new(&sent.relay_url)?;
    match client.revoke(&sent.id, &sent.owner_token).await {
        Err(PickupError::Gone) if sent.state == SentState::Pending => {
            settle_not_sent(access, &sent)
        }
        Ok(()) => {
            // Locked meanwhile: the next refresh sees it revoked and drops them then.
            if let Ok(dropped) =
                access.with_vault(|vault| vault.pickups_mut().drop_secrets(&sent.id))
            {
                dropped?;
            }
            Ok(())
        }
        outcome => outcome,
    }
}

/// Drops a pickup the relay never received from the sent log: there is nothing to follow or
/// revoke. One the relay has, or may have (pending), is kept.
pub fn forget<A>(access: &A, id: &str) -> Result<()>
where
    A: VaultAccess,
    A::Vault: PickupsVault,
{
    access.with_vault(|vault| {
        if vault.pickups().find(id)?.state != SentState::NotSent {
            return Err(PickupError::InvalidInput(
                "only a pickup the relay never received can be forgotten; revoke it instead".into(),
            ));
        }
        vault.pickups_mut().forget(id)
    })?
}

async fn follow<A>(access: &A, client: &RelayClient, sent: &SentPickup) -> Result<OwnerStatus>
where
    A: VaultAccess,
    A::Vault: PickupsVault,
{
    if sent.state == SentState::NotSent {
        return Err(PickupError::NotSent);
    }
    match client.owner_status(&sent.id, &sent.owner_token).await {
        Ok(status) => {
            let ended = status.state != PickupState::Active && !sent.secrets_dropped();
            if sent.state == SentState::Pending
                || sent.last_status.as_ref() != Some(&status)
                || ended
            {
                // Locked meanwhile: the answer is still good to show; the next refresh keeps it.
                if let Ok(kept) = access.with_vault(|vault| -> Result<()> {
                    let mut sent_log = vault.pickups_mut();
                    sent_log.remember_status(&sent.id, &status)?;
                    if ended {
                        sent_log.drop_secrets(&sent.id)?;
                    }
                    Ok(())
                }) {
                    kept?;
                }
            }
            Ok(status)
        }
        Err(PickupError::Gone) if sent.state == SentState::Pending => settle_not_sent(access, sent),
        Err(error) => Err(error),
    }
}

/// The relay does not know a pending pickup: its deposit never arrived. Recorded, so the Sent
/// list says so without asking again.
fn settle_not_sent<A, T>(access: &A, sent: &SentPickup) -> Result<T>
where
    A: VaultAccess,
    A::Vault: PickupsVault,
{
    let not_sent = SentPickup {
        state: SentState::NotSent,
        ..sent.clone()
    };
    access.with_vault(|vault| vault.pickups_mut().replace(&not_sent))??;
    Err(PickupError::NotSent)
}
