//! Argon2id cost parameters and the range each use accepts.

use serde::{Deserialize, Serialize};

/// Argon2id cost, stored next to what it protects (a vault header, a sealed pickup header) so
/// every ciphertext says how to open itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB (Argon2 `m`).
    pub memory_kib: u32,
    /// Passes (Argon2 `t`).
    pub iterations: u32,
    /// Lanes (Argon2 `p`).
    pub parallelism: u32,
}

impl KdfParams {
    /// The vault's [`KdfPolicy::VAULT`] values, named here because every vault caller and
    /// test uses them.
    pub const RECOMMENDED: Self = KdfPolicy::VAULT.recommended;
    pub const FLOOR: Self = KdfPolicy::VAULT.floor;
    pub const CEILING: Self = KdfPolicy::VAULT.ceiling;
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::RECOMMENDED
    }
}

/// The one floor/ceiling rule, with the numbers of one use. Parameters read from a file or
/// the wire are checked against it before any work: below the floor is too weak to accept,
/// above the ceiling could make the reader hang or exhaust memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfPolicy {
    /// What new data gets.
    pub recommended: KdfParams,
    pub floor: KdfParams,
    pub ceiling: KdfParams,
}

impl KdfPolicy {
    /// The vault's master password (docs/spec/vault-format.md, "Header"): RFC 9106's second
    /// recommendation by default (m = 64 MiB, t = 3, p = 4); the floor is OWASP's Argon2id
    /// minimum, which tests use to stay fast and a product vault never should.
    pub const VAULT: Self = Self {
        recommended: KdfParams {
            memory_kib: 64 * 1024,
            iterations: 3,
            parallelism: 4,
        },
        floor: KdfParams {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        },
        ceiling: KdfParams {
            memory_kib: 4 * 1024 * 1024,
            iterations: 64,
            parallelism: 64,
        },
    };

    /// A pickup's optional passphrase (docs/spec/pickup.md, "Sealed payload"): the recipient's
    /// browser runs it in single-threaded JavaScript, so p is always 1, the default (19 MiB, 2
    /// passes) takes about a second on a phone, and the ceiling keeps a hostile pickup from
    /// making the browser allocate gigabytes.
    pub const PICKUP_PASSPHRASE: Self = Self {
        recommended: KdfParams {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        },
        floor: KdfParams {
            memory_kib: 8_192,
            iterations: 1,
            parallelism: 1,
        },
        ceiling: KdfParams {
            memory_kib: 65_536,
            iterations: 4,
            parallelism: 1,
        },
    };

    /// Checks `params` against the floor and ceiling.
    pub fn check(&self, params: KdfParams) -> Result<KdfParams, KdfParamsError> {
        let within = |value: u32, low: u32, high: u32| (low..=high).contains(&value);
        let (floor, ceiling) = (self.floor, self.ceiling);
        if within(params.memory_kib, floor.memory_kib, ceiling.memory_kib)
            && within(params.iterations, floor.iterations, ceiling.iterations)
            && within(params.parallelism, floor.parallelism, ceiling.parallelism)
        {
            Ok(params)
        } else {
            Err(KdfParamsError {
                params,
                policy: *self,
            })
        }
    }
}

/// KDF parameters below the floor or above the ceiling of a [`KdfPolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "Argon2id parameters m={} KiB, t={}, p={} are outside the accepted range (m {}..={} KiB, t {}..={}, p {}..={})",
    .params.memory_kib,
    .params.iterations,
    .params.parallelism,
    .policy.floor.memory_kib,
    .policy.ceiling.memory_kib,
    .policy.floor.iterations,
    .policy.ceiling.iterations,
    .policy.floor.parallelism,
    .policy.ceiling.parallelism
)]
pub struct KdfParamsError {
    pub params: KdfParams,
    pub policy: KdfPolicy,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_policy_accepts_its_bounds_only() {
        for policy in [KdfPolicy::VAULT, KdfPolicy::PICKUP_PASSPHRASE] {
            for params in [policy.recommended, policy.floor, policy.ceiling] {
                assert_eq!(policy.check(params), Ok(params));
            }
            let mut low = policy.floor;
            low.memory_kib -= 1;
            assert!(policy.check(low).is_err());
            let mut high = policy.ceiling;
            high.iterations += 1;
            assert!(policy.check(high).is_err());
            let mut lanes = policy.ceiling;
            lanes.parallelism += 1;
            assert!(policy.check(lanes).is_err());
        }
    }

    #[test]
    fn the_vault_message_names_its_range() {
        let mut params = KdfParams::FLOOR;
        params.iterations = 1;
        assert_eq!(
            KdfPolicy::VAULT.check(params).unwrap_err().to_string(),
            "Argon2id parameters m=19456 KiB, t=1, p=1 are outside the accepted range \
             (m 19456..=4194304 KiB, t 2..=64, p 1..=64)"
        );
    }
}
