//! [`secret_token!`]: the one shape of every 32-byte bearer token (a pickup's owner token, an
//! invite's accept token, a deposit grant's token). The holder sends the token; the relay stores
//! only its SHA-256 and compares in constant time. Wiped on drop, never printed.

/// Length of every bearer token in bytes.
pub const TOKEN_LEN: usize = 32;

/// Declares a 32-byte secret token newtype: random or given bytes, canonical base64url text and
/// JSON forms, `hash()` = SHA-256 (what the relay stores), zeroized on drop, `Debug` redacted.
macro_rules! secret_token {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
        pub struct $name([u8; $crate::secret_token::TOKEN_LEN]);

        impl $name {
            /// A fresh token from the operating system's random generator.
            pub fn make_random() -> Self {
                Self($crate::crypto::primitives::random_bytes())
            }

            pub fn from_bytes(bytes: [u8; $crate::secret_token::TOKEN_LEN]) -> Self {
                Self(bytes)
            }

            /// Parses the canonical base64url form (43 characters).
            pub fn from_base64(text: &str) -> Result<Self, $crate::b64::B64Error> {
                let bytes = zeroize::Zeroizing::new($crate::b64::decode_array::<
                    { $crate::secret_token::TOKEN_LEN },
                >(text)?);
                Ok(Self(*bytes))
            }

            pub fn to_base64(&self) -> zeroize::Zeroizing<String> {
                zeroize::Zeroizing::new($crate::b64::encode(&self.0))
            }

            pub fn as_bytes(&self) -> &[u8; $crate::secret_token::TOKEN_LEN] {
                &self.0
            }

            /// `SHA-256(token)`: what the relay stores and compares.
            pub fn hash(&self) -> [u8; 32] {
                $crate::crypto::primitives::sha256(&self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_base64())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = zeroize::Zeroizing::new(String::deserialize(deserializer)?);
                Self::from_base64(&text).map_err(|_| {
                    serde::de::Error::custom(concat!(
                        $what,
                        " is 32 bytes of canonical base64url"
                    ))
                })
            }
        }
    };
}

pub(crate) use secret_token;
