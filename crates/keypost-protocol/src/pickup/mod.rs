//! Pickup links: "send to any email" (docs/spec/pickup.md).
//!
//! The sender's app makes a [`LinkSecret`], [`seal`]s a [`Payload`] under it and a [`Pin`],
//! uploads the [`SealedPickup`] and mails `<page_url>#<secret>`. The recipient parses the link
//! ([`PickupLink`]), proves the PIN to the relay ([`PickupKeys::proof`]) and [`open`]s what the
//! relay returns.

mod keys;
mod link;
mod payload;
mod pin;
mod sealed;

pub use keys::{
    AUTH_LABEL, DELETE_LABEL, ID_LABEL, ID_LEN, LinkSecret, OwnerToken, PAYLOAD_LABEL, PIN_LABEL,
    PickupId, PickupKeys, SECRET_LEN, delete_key, delete_verifier, pin_verifier,
};
pub use link::{DEEP_LINK_PREFIX, LinkError, PAGE_PATH, PickupLink};
pub use payload::{
    EntrySnapshot, MAX_ENTRIES, MAX_MESSAGE_CHARS, MAX_SENDER_NAME_CHARS, PAYLOAD_VERSION, Payload,
    PayloadError, SnapshotField,
};
pub use pin::{PIN_LEN, Pin, PinError, is_weak_pin};
pub use sealed::{
    FLAG_PASSPHRASE, FORMAT_VERSION, HEADER_LEN, KEY_LABEL, KdfParams, KdfParamsError, MAGIC,
    MAX_PASSPHRASE_BYTES, MAX_PLAINTEXT_LEN, MAX_SEALED_BASE64_LEN, MAX_SEALED_LEN, NONCE_LEN,
    OpenError, PassphraseError, SealError, SealedHeader, SealedPickup, TAG_LEN, open,
    passphrase_key, payload_key, seal, seal_with_kdf,
};

pub(crate) use keys::sha256;
pub(crate) use sealed::seal_plaintext;
