//! Reaching the vault from a use case that waits on the network in between.
//!
//! The desktop app keeps its vault in a `Mutex<Option<Vault>>` that must not stay locked across
//! a network call (the person may lock the vault meanwhile, and every other command would
//! wait); the CLI owns its vault outright. A use case such as sending a pickup therefore asks
//! for the vault once per step, through [`VaultAccess`], and copes with [`Locked`] between steps.

use std::sync::{Mutex, PoisonError};
use thiserror::Error;

/// The vault was locked (or never unlocked) when a step needed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error("the vault is locked")]
pub struct Locked;

/// A place an unlocked vault may be borrowed from, one short step at a time.
pub trait VaultAccess {
    /// The vault type handed to each step (`keypost_core::vault::Vault`). An associated type
    /// rather than the type itself, so that features below the vault can name the trait.
    type Vault;

    /// Runs `step` on the unlocked vault, or reports that it is locked. Implementations hold
    /// whatever guard they need only for the duration of `step`.
    fn with_vault<R>(&self, step: impl FnOnce(&mut Self::Vault) -> R) -> Result<R, Locked>;
}

/// The app's slot (`None` while locked) and the CLI's owned vault alike.
impl<V> VaultAccess for Mutex<Option<V>> {
    type Vault = V;

    fn with_vault<R>(&self, step: impl FnOnce(&mut V) -> R) -> Result<R, Locked> {
        // Every value in the slot is replaced whole, so a panic elsewhere cannot leave it
        // half-written: a poisoned lock is still usable.
        let mut slot = self.lock().unwrap_or_else(PoisonError::into_inner);
        slot.as_mut().map(step).ok_or(Locked)
    }
}
