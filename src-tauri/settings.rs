//! The app's own preferences (not vault content). Their format and file are
//! `keypost_core::settings`, shared with the CLI, which sends through the relay chosen here.

pub use keypost_core::settings::{Settings, SettingsFile};
