//! Contacts and the Messages inbox (docs/spec/inbox.md): identities and their key bundles,
//! domain-separated signatures, invites (offer → answer → confirm) and their links, sealed
//! messages and their payloads, and the public ids, tokens and limits of the relay's inbox API.
//!
//! Module dependencies run one way: `ids`, `limits`, `tokens` ← `signing` ← `identity` ←
//! `link` ⇄ `invite` (the link names an [`InviteSecret`], the offer's relay URL follows the
//! link's rule) ← `payload` ← `sealed`.

pub mod identity;
pub mod ids;
pub mod invite;
pub mod limits;
pub mod link;
pub mod payload;
pub mod sealed;
pub mod signing;
pub mod tokens;

pub use identity::{Fingerprint, Identity, IdentitySeed, KeyBundle};
pub use ids::{AccountId, GrantId, InviteId, MessageId};
pub use invite::{
    Answer, AnswerParts, InviteError, InviteSecret, Offer, Transcript, sign_connect, verify_connect,
};
pub use link::InviteLink;
pub use payload::Payload;
pub use sealed::{OpenedMessage, open, seal};
pub use signing::{Signature, SignatureError, SignatureKind};
pub use tokens::{AcceptToken, DepositGrant, GrantToken};
