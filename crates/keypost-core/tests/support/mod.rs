//! Setup shared by the integration tests: a vault's entry list, the send options of a
//! pickup test, the Sent list as the app holds the vault, and this test binary re-run as a
//! child process (for tests that kill a process in the middle of a write); `inbox`: the
//! relay and vaults of the inbox tests; `files`: a folder's files, searched for a secret.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

pub mod files;
pub mod inbox;
#[path = "../../../keypost-relay/tests/support/tamper.rs"]
pub mod tamper;

use keypost_core::entry::{EntryId, EntrySummary};
use keypost_core::pickups::{LinkDelivery, SendOptions, SentPickup};
use keypost_core::vault::{Vault, VaultError};
use keypost_protocol::pickup::Pin;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Set in the child process: the test function then plays the child's part.
pub const CHILD_ENV: &str = "KEYPOST_TEST_CHILD";
/// The vault folder the child opens.
pub const VAULT_ENV: &str = "KEYPOST_TEST_VAULT";

/// Every entry of `vault` as the list shows it, in list order.
pub fn entry_list(vault: &Vault) -> Vec<EntrySummary> {
    vault.entries().list(&Default::default()).unwrap()
}

/// Every entry id of `vault`, in list order.
pub fn all_entry_ids(vault: &Vault) -> Vec<EntryId> {
    entry_list(vault)
        .into_iter()
        .map(|entry| entry.id)
        .collect()
}

/// A send to bob@example.com from Ana with `message` and `pin`: a day, unlimited views.
pub fn send_options(message: &str, pin: &str) -> SendOptions {
    SendOptions {
        recipient_email: Some("bob@example.com".into()),
        delivery: LinkDelivery::RelayEmails,
        sender_name: "Ana".into(),
        message: message.into(),
        pin: Pin::parse(pin).unwrap(),
        passphrase: None,
        expires_in_seconds: 86_400,
        max_views: None,
        retrieval_step: true,
        recipient_delete: true,
        include_notes: false,
    }
}

/// The Sent list of the vault in `slot` (which must be unlocked).
pub fn sent_pickups(slot: &Mutex<Option<Vault>>) -> Vec<SentPickup> {
    slot.lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .pickups()
        .sent()
        .unwrap()
}

/// This test binary running only `test_name`, in the child role, on the vault at `vault`.
pub fn child_process(test_name: &str, vault: &Path) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .env(VAULT_ENV, vault);
    command
}

/// In the child process, the vault folder it works on; `None` in the parent.
pub fn child_vault_path() -> Option<PathBuf> {
    std::env::var_os(CHILD_ENV)?;
    std::env::var_os(VAULT_ENV).map(PathBuf::from)
}

/// Unlocks the vault at `path` in this (parent) process, waiting up to 5 s while its lock reads
/// as held. Between its fork and its exec, a child process that a sibling test starts holds a
/// copy of every descriptor this test binary has open, the lock of a vault that was just
/// dropped among them; the lock is free again once the child has exec'd.
pub fn unlock_when_free(path: &Path, password: &str) -> Vault {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match Vault::unlock(path, password) {
            Err(VaultError::InUse) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            result => return result.unwrap(),
        }
    }
}
