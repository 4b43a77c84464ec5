//! Pickup links: "send to any email" (docs/spec/pickup.md).
//!
//! The sender's app makes a [`LinkSecret`], [`seal`]s a [`Payload`] under it and a [`Pin`],
//! uploads the [`SealedPickup`] and mails `<page_url>#<secret>`. The recipient parses the link
//! ([`PickupLink`]), proves the PIN to the relay ([`PickupKeys::proof`]) and [`open`]s what the
//! relay returns. Every number these steps stay within is in [`limits`].
//!
//! Module dependencies run one way: `id`, `pin`, `limits` ← `proof` ← `keys` ← `link`,
//! `payload`, `unicode` ← `sealed`.

mod id;
mod keys;
pub mod limits;
mod link;
mod payload;
mod pin;
mod proof;
pub(crate) mod sealed;
mod unicode;

pub use id::{ID_LEN, PickupId};
pub use keys::{
    ACCESS_LABEL, AUTH_LABEL, DELETE_LABEL, ID_LABEL, LinkSecret, OwnerToken, PAYLOAD_LABEL,
    PIN_LABEL, PickupKeys, SECRET_LEN, access_key_hash, delete_key, delete_verifier,
    hash_owner_token, pin_verifier,
};
pub use limits::{
    MAX_ENTRIES, MAX_MESSAGE_CHARS, MAX_PLAINTEXT_LEN, MAX_SEALED_BASE64_LEN, MAX_SEALED_LEN,
    MAX_SEALED_TEXT_LEN, MAX_SENDER_NAME_CHARS, PickupLimits, is_format_control,
    message_chars_allowed, sender_name_chars_allowed,
};
pub use link::{DEEP_LINK_PREFIX, LinkError, PAGE_PATH, PickupLink};
pub use payload::{EntrySnapshot, PAYLOAD_VERSION, Payload, PayloadError, SnapshotField};
pub use pin::{PIN_LEN, Pin, PinError, is_weak_pin};
pub use proof::{PROOF_LABEL, make_proof, proof_matches};
pub use sealed::{
    FLAG_PASSPHRASE, FORMAT_VERSION, HEADER_LEN, KEY_LABEL, MAGIC, MAX_PASSPHRASE_BYTES, NONCE_LEN,
    OpenError, PassphraseError, SealError, SealedHeader, SealedPickup, TAG_LEN, decode_sealed,
    open, seal, seal_with_kdf,
};
pub use unicode::{PASSPHRASE_UNICODE_VERSION, assigned_in_passphrase_unicode};

#[cfg(feature = "vectors")]
pub(crate) use sealed::{passphrase_key, payload_key};
