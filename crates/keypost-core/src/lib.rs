//! Keypost's vault and everything done to entries: see README.md for the tree and data flow.

pub mod access;
pub mod contacts;
pub mod entries;
pub mod entry;
pub mod generator;
pub mod identity;
pub mod inbox;
pub mod interchange;
pub mod messages;
pub mod pickups;
pub mod relay_http;
pub mod settings;
mod store;
pub mod vault;

pub use vault::default_vault_path;
