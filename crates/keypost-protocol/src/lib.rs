//! Keypost's wire formats (docs/spec/pickup.md): pure crypto and types, no I/O.
//!
//! Module dependencies run one way: `b64` ← `crypto` ← `pickup` ← `email` ← `api`.

pub mod api;
pub mod b64;
pub mod crypto;
pub mod email;
pub mod pickup;
#[cfg(feature = "vectors")]
pub mod vectors;
