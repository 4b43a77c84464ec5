//! The relay the app sends through: the address set in Settings, or the app's built-in relay.
//!
//! The built-in relay is the real `keypost-relay` started in-process on 127.0.0.1 with a SQLite
//! file and no mail server, so sending works on a machine with nothing configured: the sender
//! delivers each link, and the relay never receives one. Nothing it writes, with or without the
//! relay's database, gives anyone a sent entry without the vault. It keeps one port across runs
//! when it can, so links in the Sent list keep working after a restart.

use keypost_relay::{RelayConfig, RelayError, RunningRelay};
use serde::Serialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The port the built-in relay asks for first; another free one when it is taken (a second
/// instance of the app, say).
const PREFERRED_PORT: u16 = keypost_core::settings::BUILT_IN_RELAY_PORT;

/// The relay in use.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RelayInfo {
    pub url: String,
    /// The app's own relay on 127.0.0.1 (no relay address in Settings).
    pub built_in: bool,
    /// The relay emails links (it has a mail server); `None` when it could not be asked. When
    /// it does not, the sender delivers the link.
    pub sends_email: Option<bool>,
}

pub struct BuiltInRelay {
    running: RunningRelay,
}

/// The folder where the built-in relay of earlier versions wrote each email, link and all, as a `.eml`
/// file.
const OLD_OUTBOX: &str = "outbox";

impl BuiltInRelay {
    /// Starts the relay with its database in `data_dir`, after removing the emails that earlier
    /// versions left in its outbox folder: each held a working link which, with the relay's
    /// database, gave away the PIN and the passwords.
    pub async fn start(data_dir: &Path) -> Result<Self, RelayError> {
        match remove_old_outbox(&data_dir.join(OLD_OUTBOX)) {
            Ok(0) => {}
            Ok(removed) => {
                eprintln!("keypost: removed {removed} emails of the old outbox folder")
            }
            Err(error) => eprintln!("keypost: could not remove the old outbox folder: {error}"),
        }
        let config = RelayConfig::local(data_dir);
        let preferred = RelayConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], PREFERRED_PORT)),
            ..config.clone()
        };
        let running = match keypost_relay::start(preferred).await {
            Ok(running) => running,
            Err(RelayError::Bind { .. }) => keypost_relay::start(config).await?,
            Err(error) => return Err(error),
        };
        Ok(Self { running })
    }

    pub fn url(&self) -> &str {
        self.running.public_url()
    }
}

/// Deletes the `.eml` and unfinished `.tmp` files of an old outbox folder, then the folder if
/// nothing else is in it; how many files were removed. A missing folder is nothing to do.
fn remove_old_outbox(dir: &Path) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    let mut removed = 0;
    for entry in entries {
        let path: PathBuf = entry?.path();
        let written_by_relay = path
            .extension()
            .is_some_and(|extension| extension == "eml" || extension == "tmp");
        if written_by_relay && path.is_file() {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    // Fails harmlessly when the user put something else there.
    let _ = std::fs::remove_dir(dir);
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_old_outbox_loses_its_emails_and_keeps_what_someone_else_put_there() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join(OLD_OUTBOX);
        std::fs::create_dir(&outbox).unwrap();
        for name in ["1764000000-a.eml", "1764000001-b.eml", "1764000002-c.tmp"] {
            std::fs::write(outbox.join(name), "https://relay/p/id#secret").unwrap();
        }
        std::fs::write(outbox.join("notes.txt"), "mine").unwrap();
        assert_eq!(remove_old_outbox(&outbox).unwrap(), 3);
        let left: Vec<_> = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(left, ["notes.txt"]);

        std::fs::remove_file(outbox.join("notes.txt")).unwrap();
        std::fs::write(outbox.join("last.eml"), "link").unwrap();
        assert_eq!(remove_old_outbox(&outbox).unwrap(), 1);
        assert!(!outbox.exists(), "an emptied outbox folder goes too");
        assert_eq!(remove_old_outbox(&outbox).unwrap(), 0, "nothing to do");
    }
}
