//! The PIN proof the relay checks (docs/spec/pickup.md, "Opening").
//!
//! The relay stores only the verifier `V = HMAC(auth_key, PIN)`; a client that knows the link
//! secret and the PIN recomputes `V` and answers a single-use challenge with
//! `HMAC-SHA256(key = V, "keypost/pickup/v1/proof" || id || challenge)`.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub const PROOF_LABEL: &[u8] = b"keypost/pickup/v1/proof";

/// The proof a client sends for `challenge` on pickup `id`, given the PIN verifier.
pub fn make_proof(verifier: &[u8; 32], id: &[u8; 16], challenge: &[u8; 32]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail for a 32-byte key.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(verifier)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(PROOF_LABEL);
    mac.update(id);
    mac.update(challenge);
    mac.finalize().into_bytes().into()
}

/// Constant-time check of a received proof (what the relay runs).
pub fn proof_matches(
    verifier: &[u8; 32],
    id: &[u8; 16],
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
        let base = make_proof(&[1; 32], &[2; 16], &[3; 32]);
        assert!(proof_matches(&[1; 32], &[2; 16], &[3; 32], &base));
        assert!(!proof_matches(&[9; 32], &[2; 16], &[3; 32], &base));
        assert!(!proof_matches(&[1; 32], &[9; 16], &[3; 32], &base));
        assert!(!proof_matches(&[1; 32], &[2; 16], &[9; 32], &base));
    }
}
