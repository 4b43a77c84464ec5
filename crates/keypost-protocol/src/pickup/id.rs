//! The pickup id: public, derived from the link secret (docs/spec/pickup.md, "Key
//! derivation"), and the name of a pickup in every relay path and body.

pub use crate::public_id::ID_LEN;

crate::public_id::public_id!(
    /// A pickup id: public, derived from the link secret, names the pickup on the relay.
    PickupId,
    "a pickup id"
);
