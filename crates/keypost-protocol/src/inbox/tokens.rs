//! Bearer tokens of the inbox (docs/spec/inbox.md, "Invite" and "Deposit grants"): the relay
//! stores only their SHA-256.

use serde::{Deserialize, Serialize};

use super::ids::GrantId;
use crate::secret_token::secret_token;

secret_token!(
    /// Proves to the relay that an acceptor holds the invite link: derived from the invite
    /// secret, sent once with the answer; the relay stored its SHA-256 with the invite.
    AcceptToken,
    "an accept token"
);

secret_token!(
    /// Lets one contact deposit into one mailbox: made at random by the mailbox owner, handed
    /// to the contact inside an invite answer or a `connect` message, registered at the relay
    /// as its SHA-256.
    GrantToken,
    "a grant token"
);

/// A mailbox owner's permission for one contact to deposit: the grant's id and its token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepositGrant {
    pub grant_id: GrantId,
    pub token: GrantToken,
}

impl DepositGrant {
    /// A fresh grant: random id and token.
    pub fn make_random() -> Self {
        Self {
            grant_id: GrantId::random(),
            token: GrantToken::make_random(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_hash_and_redact() {
        let grant = DepositGrant::make_random();
        let json = serde_json::to_string(&grant).unwrap();
        assert_eq!(serde_json::from_str::<DepositGrant>(&json).unwrap(), grant);
        assert_eq!(
            grant.token.hash(),
            crate::crypto::primitives::sha256(grant.token.as_bytes())
        );
        let text = format!("{grant:?} {:?}", AcceptToken::from_bytes([0xab; 32]));
        assert!(!text.contains(grant.token.to_base64().as_str()));
        assert!(!text.contains("q6ur"));
        assert!(serde_json::from_str::<GrantToken>("\"AAAA\"").is_err());
    }
}
