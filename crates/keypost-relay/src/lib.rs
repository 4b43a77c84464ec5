//! The Keypost relay (docs/spec/pickup.md and docs/spec/inbox.md, "Relay API"): stores sealed
//! pickups, emails the pickup link, serves the pickup page; keeps inbox accounts, invites,
//! grants and mailboxes of sealed messages. It never sees a password, a PIN or a key; it sees
//! the link secret only transiently to put it into the email (see [`mail`]).
//!
//! - [`router`] builds the whole HTTP service (testable with `tower::ServiceExt::oneshot`).
//! - [`start`] binds, spawns the relay on the current tokio runtime and returns its address
//!   (the desktop app embeds a local relay this way); [`serve`] is the binary's main loop.
//!
//! This file only declares modules and re-exports. Each module uses only modules listed before
//! it here, so there are no cycles: `headers`, `mail`, `config`, `store`, `pickups`, `inbox`
//! (except `inbox::routes`), `validate`, `error`, `create_limits`, `state`, `page`, `routes`,
//! `inbox::routes`, `app`, `connections`, `server`.

mod app;
pub mod config;
mod connections;
mod create_limits;
pub mod error;
mod headers;
pub mod inbox;
pub mod mail;
pub mod page;
pub mod pickups;
pub mod routes;
mod server;
mod state;
pub mod store;
pub mod validate;

pub use app::router;
pub use config::{Limits, RelayConfig, Settings};
pub use error::RelayError;
pub use headers::{CONTENT_SECURITY_POLICY, SECURITY_HEADERS, SMALL_BODY_LIMIT};
pub use server::{RunningRelay, serve, start, start_with_clock};
pub use state::{AppState, Clock, PurgeError, Purged, system_clock};
