//! The relay the app sends through: the address set in Settings, or the app's built-in relay.
//!
//! The built-in relay is the real `keypost-relay` started in-process on 127.0.0.1 with a SQLite
//! file and an outbox folder of `.eml` files instead of a mail server, so sending works on a
//! machine with nothing configured. It keeps one port across runs when it can, so links in the
//! Sent list keep working after a restart.

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
    /// Where the built-in relay writes emails, as `.eml` files.
    pub outbox: Option<String>,
}

pub struct BuiltInRelay {
    running: RunningRelay,
    outbox: PathBuf,
}

impl BuiltInRelay {
    /// Starts the relay with its database and outbox in `data_dir`.
    pub async fn start(data_dir: &Path) -> Result<Self, RelayError> {
        let config = RelayConfig::local(data_dir);
        let outbox = config.outbox.clone();
        let preferred = RelayConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], PREFERRED_PORT)),
            ..config.clone()
        };
        let running = match keypost_relay::start(preferred).await {
            Ok(running) => running,
            Err(RelayError::Bind { .. }) => keypost_relay::start(config).await?,
            Err(error) => return Err(error),
        };
        Ok(Self { running, outbox })
    }

    pub fn url(&self) -> &str {
        self.running.public_url()
    }

    pub fn outbox(&self) -> &Path {
        &self.outbox
    }
}
