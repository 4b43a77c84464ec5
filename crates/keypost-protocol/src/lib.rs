//! Keypost's wire formats (docs/spec/pickup.md, docs/spec/inbox.md): pure crypto and types, no
//! I/O.
//!
//! Module dependencies run one way: `b64`, `wordlist` ← `public_id` ← `crypto` ← `pickup`,
//! `inbox` ← `email` ← `api`.

pub mod api;
pub mod b64;
mod canonical_json;
pub mod crypto;
pub mod email;
pub mod inbox;
mod percent;
pub mod pickup;
mod public_id;
mod secret_token;
#[cfg(feature = "vectors")]
pub mod vectors;
pub mod wordlist;
