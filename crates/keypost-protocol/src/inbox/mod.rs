//! Contacts and the Messages inbox (docs/spec/inbox.md): identities and their key bundles,
//! domain-separated signatures, and the public ids and limits of the relay's inbox API.

pub mod identity;
pub mod ids;
pub mod limits;
pub mod signing;

pub use identity::{Fingerprint, Identity, IdentitySeed, KeyBundle};
pub use ids::{AccountId, GrantId, InviteId, MessageId};
pub use signing::{Signature, SignatureError, SignatureKind};
