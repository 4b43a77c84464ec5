//! The pickup id: public, derived from the link secret (docs/spec/pickup.md, "Key
//! derivation"), and the name of a pickup in every relay path and body.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::b64::{self, B64Error};

/// Length of a pickup id in bytes.
pub const ID_LEN: usize = 16;

/// A pickup id: public, derived from the link secret, names the pickup on the relay. On the
/// wire and in paths it is 22 characters of canonical base64url.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PickupId([u8; ID_LEN]);

impl PickupId {
    pub fn from_bytes(bytes: [u8; ID_LEN]) -> Self {
        Self(bytes)
    }

    /// Parses the base64url form; anything else is not an id (and must not reach a path).
    pub fn parse(text: &str) -> Result<Self, B64Error> {
        b64::decode_array::<ID_LEN>(text).map(Self)
    }

    pub fn as_bytes(&self) -> &[u8; ID_LEN] {
        &self.0
    }

    pub fn to_base64(&self) -> String {
        b64::encode(&self.0)
    }
}

/// The bytes of an id are public, so it reads as a byte slice wherever one is expected
/// (`b64::encode(&id)`, SQL parameters).
impl std::ops::Deref for PickupId {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for PickupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for PickupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PickupId({self})")
    }
}

impl Serialize for PickupId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for PickupId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text)
            .map_err(|_| serde::de::Error::custom("a pickup id is 16 bytes of canonical base64url"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_json_forms_are_base64url() {
        let id = PickupId::from_bytes([0xfb; ID_LEN]);
        assert_eq!(id.to_string(), "-_v7-_v7-_v7-_v7-_v7-w");
        assert_eq!(PickupId::parse(&id.to_string()), Ok(id));
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"-_v7-_v7-_v7-_v7-_v7-w\""
        );
        assert!(PickupId::parse("-_v7-_v7-_v7-_v7-_v7-w=").is_err());
        assert!(serde_json::from_str::<PickupId>("\"AAAA\"").is_err());
    }
}
