//! The PIN proof the relay checks (docs/spec/pickup.md, "Verifier and proof").
//!
//! The relay stores only the verifier `V = HMAC(auth_key, "keypost/pickup/v1/pin" || PIN)`
//! (`PickupKeys::pin_verifier`); a client that knows the link secret and the PIN recomputes `V`
//! and answers a single-use challenge with
//! `HMAC-SHA256(key = V, "keypost/pickup/v1/proof" || id || challenge)`.

use subtle::ConstantTimeEq;

use super::id::PickupId;
use crate::crypto::primitives::hmac_sha256;

pub const PROOF_LABEL: &[u8] = b"keypost/pickup/v1/proof";

/// The proof a client sends for `challenge` on pickup `id`, given the PIN verifier.
pub fn make_proof(verifier: &[u8; 32], id: &PickupId, challenge: &[u8; 32]) -> [u8; 32] {
    hmac_sha256(verifier, &[PROOF_LABEL, id.as_bytes(), challenge])
}

/// Constant-time check of a received proof (what the relay runs).
pub fn proof_matches(
    verifier: &[u8; 32],
    id: &PickupId,
    challenge: &[u8; 32],
    proof: &[u8; 32],
) -> bool {
    make_proof(verifier, id, challenge).ct_eq(proof).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_depends_on_every_input() {
        let id = PickupId::from_bytes([2; 16]);
        let base = make_proof(&[1; 32], &id, &[3; 32]);
        assert!(proof_matches(&[1; 32], &id, &[3; 32], &base));
        assert!(!proof_matches(&[9; 32], &id, &[3; 32], &base));
        let other = PickupId::from_bytes([9; 16]);
        assert!(!proof_matches(&[1; 32], &other, &[3; 32], &base));
        assert!(!proof_matches(&[1; 32], &id, &[9; 32], &base));
    }
}
