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
    /// The costliest vault parameters accepted: memory and lanes at their ceilings, and as
    /// many passes as the work limit then allows (1 GiB × 4).
    pub const CEILING: Self = Self {
        memory_kib: KdfPolicy::VAULT.ceiling.memory_kib,
        iterations: 4,
        parallelism: KdfPolicy::VAULT.ceiling.parallelism,
    };
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
    /// The most `memory_kib × iterations` accepted. Argon2id's time grows with that product,
    /// so each value at its own ceiling is not enough: memory and passes both near theirs
    /// would still run for long.
    pub max_work: u64,
}

impl KdfPolicy {
    /// The vault's master password (docs/spec/vault-format.md, "Header"): RFC 9106's second
    /// recommendation by default (m = 64 MiB, t = 3, p = 4); the floor is OWASP's Argon2id
    /// minimum, which tests use to stay fast and a product vault never should. The ceiling
    /// keeps a hostile header to 1 GiB and 1 GiB × 4 passes of work: a few seconds here
    /// (docs/benchmarks.md, "KDF ceiling"), where 4 GiB × 64 passes held 4 GiB for over 45 s.
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
            memory_kib: 1024 * 1024,
            iterations: 64,
            parallelism: 64,
        },
        max_work: 4 * 1024 * 1024,
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
        // The ceilings' product: no limit beyond them.
        max_work: 65_536 * 4,
    };

    /// Checks `params` against the floor, the ceiling and the work limit.
    pub fn check(&self, params: KdfParams) -> Result<KdfParams, KdfParamsError> {
        let within = |value: u32, low: u32, high: u32| (low..=high).contains(&value);
        let (floor, ceiling) = (self.floor, self.ceiling);
        let work = u64::from(params.memory_kib) * u64::from(params.iterations);
        if within(params.memory_kib, floor.memory_kib, ceiling.memory_kib)
            && within(params.iterations, floor.iterations, ceiling.iterations)
            && within(params.parallelism, floor.parallelism, ceiling.parallelism)
            && work <= self.max_work
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
    "Argon2id parameters m={} KiB, t={}, p={} are outside the accepted range (m {}..={} KiB, t {}..={}, p {}..={}, m × t at most {})",
    .params.memory_kib,
    .params.iterations,
    .params.parallelism,
    .policy.floor.memory_kib,
    .policy.ceiling.memory_kib,
    .policy.floor.iterations,
    .policy.ceiling.iterations,
    .policy.floor.parallelism,
    .policy.ceiling.parallelism,
    .policy.max_work
)]
pub struct KdfParamsError {
    pub params: KdfParams,
    pub policy: KdfPolicy,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ceiling's memory with as many passes as the work limit allows.
    fn most_work(policy: KdfPolicy) -> KdfParams {
        let iterations = policy.max_work / u64::from(policy.ceiling.memory_kib);
        KdfParams {
            iterations: u32::try_from(iterations).unwrap(),
            ..policy.ceiling
        }
    }

    #[test]
    fn each_policy_accepts_its_bounds_only() {
        for policy in [KdfPolicy::VAULT, KdfPolicy::PICKUP_PASSPHRASE] {
            for params in [policy.recommended, policy.floor, most_work(policy)] {
                assert_eq!(policy.check(params), Ok(params));
            }
            let mut more_work = most_work(policy);
            more_work.iterations += 1;
            assert!(policy.check(more_work).is_err());
            let mut low = policy.floor;
            low.memory_kib -= 1;
            assert!(policy.check(low).is_err());
            let mut high = policy.floor;
            high.iterations = policy.ceiling.iterations + 1;
            assert!(policy.check(high).is_err());
            let mut memory = most_work(policy);
            memory.memory_kib += 1;
            assert!(policy.check(memory).is_err());
            let mut lanes = policy.floor;
            lanes.parallelism = policy.ceiling.parallelism + 1;
            assert!(policy.check(lanes).is_err());
        }
    }

    #[test]
    fn the_vault_ceiling_is_the_most_work_accepted() {
        assert_eq!(KdfParams::CEILING, most_work(KdfPolicy::VAULT));
        assert_eq!(
            KdfPolicy::VAULT.check(KdfParams::CEILING),
            Ok(KdfParams::CEILING)
        );
    }

    #[test]
    fn the_vault_message_names_its_range() {
        let mut params = KdfParams::FLOOR;
        params.iterations = 1;
        assert_eq!(
            KdfPolicy::VAULT.check(params).unwrap_err().to_string(),
            "Argon2id parameters m=19456 KiB, t=1, p=1 are outside the accepted range \
             (m 19456..=1048576 KiB, t 2..=64, p 1..=64, m × t at most 4194304)"
        );
    }
}
