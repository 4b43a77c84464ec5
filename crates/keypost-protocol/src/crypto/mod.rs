//! Keypost's crypto in two layers, shared by every feature (the vault, pickups, and next the
//! messages inbox).
//!
//! - `primitives` (private to this crate): Argon2id, HKDF-SHA256, XChaCha20-Poly1305,
//!   HMAC-SHA256 and SHA-256 as thin calls into RustCrypto.
//! - This module: the safe types the features build on. Keys exist only as [`SecretKey`]
//!   (wiped on drop, never printed), made in one of two ways:
//!   - **password-protected**: [`SecretKey::derive_from_password`], Argon2id with
//!     [`KdfParams`] that a per-use [`KdfPolicy`] bounds (slow on purpose: the input is
//!     guessable);
//!   - **secret-protected**: [`SecretKey::derive_from_secret`], HKDF-SHA256 from a random
//!     secret (cheap: the input has 256 bits of entropy);
//!
//!   and used through [`SecretKey::encrypt`] / [`SecretKey::decrypt`], XChaCha20-Poly1305 whose
//!   associated data binds each ciphertext to its context (a header, an id), so one encrypted
//!   kind cannot be swapped for another.

mod kdf;
mod key;
pub(crate) mod primitives;

pub use kdf::{KdfParams, KdfParamsError, KdfPolicy};
pub use key::{DecryptionFailed, KdfFailed, NONCE_LEN, Nonce, SecretKey, TAG_LEN};
