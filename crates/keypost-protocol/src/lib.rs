//! Keypost's wire formats (docs/spec/pickup.md): pure crypto and types, no I/O.

pub mod api;
pub mod b64;
pub mod pickup;
pub mod proof;
pub mod testkit;
