//! [`public_id!`]: the one shape of every 16-byte public id on the wire (pickups, accounts,
//! invites, messages, grants). Ids are not secrets: they name rows in relay paths and bodies.
//! On the wire and in paths an id is 22 characters of canonical base64url.

/// Length of every public id in bytes.
pub const ID_LEN: usize = 16;

/// Declares a 16-byte public id newtype: canonical base64url text and JSON forms, parse that
/// refuses anything else (so nothing unparsed reaches a path or a SQL parameter), bytes through
/// `Deref`, and a TypeScript `string` under the `ts` feature.
macro_rules! public_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; $crate::public_id::ID_LEN]);

        impl $name {
            pub fn from_bytes(bytes: [u8; $crate::public_id::ID_LEN]) -> Self {
                Self(bytes)
            }

            /// A fresh id from the operating system's random generator.
            pub fn random() -> Self {
                Self(rand::random())
            }

            /// Parses the base64url form; anything else is not an id.
            pub fn parse(text: &str) -> Result<Self, $crate::b64::B64Error> {
                $crate::b64::decode_array::<{ $crate::public_id::ID_LEN }>(text).map(Self)
            }

            pub fn as_bytes(&self) -> &[u8; $crate::public_id::ID_LEN] {
                &self.0
            }

            pub fn to_base64(&self) -> String {
                $crate::b64::encode(&self.0)
            }
        }

        /// The bytes of an id are public, so it reads as a byte slice wherever one is
        /// expected (`b64::encode(&id)`, SQL parameters).
        impl std::ops::Deref for $name {
            type Target = [u8];

            fn deref(&self) -> &[u8] {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.to_base64())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_base64())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(|_| {
                    serde::de::Error::custom(concat!(
                        $what,
                        " is 16 bytes of canonical base64url"
                    ))
                })
            }
        }
    };
}

pub(crate) use public_id;

#[cfg(test)]
mod tests {
    use crate::pickup::PickupId;

    #[test]
    fn text_and_json_forms_are_base64url() {
        let id = PickupId::from_bytes([0xfb; super::ID_LEN]);
        assert_eq!(id.to_string(), "-_v7-_v7-_v7-_v7-_v7-w");
        assert_eq!(PickupId::parse(&id.to_string()), Ok(id));
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"-_v7-_v7-_v7-_v7-_v7-w\""
        );
        assert!(PickupId::parse("-_v7-_v7-_v7-_v7-_v7-w=").is_err());
        assert!(serde_json::from_str::<PickupId>("\"AAAA\"").is_err());
        assert_ne!(PickupId::random(), PickupId::random());
    }
}
