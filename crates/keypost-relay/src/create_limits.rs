//! Per-sender and per-recipient limits on creating pickups (in memory, per process): senders
//! have no account, so their IP is their identity; the recipient limit stops mail bombing.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Limits;

/// Per-sender and per-recipient limits on creating pickups (kept in memory per process).
pub struct CreateLimits {
    per_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_recipient: Option<DefaultKeyedRateLimiter<String>>,
}

impl CreateLimits {
    pub fn new(limits: &Limits) -> Self {
        Self {
            per_ip: NonZeroU32::new(limits.creates_per_hour_per_ip)
                .map(|n| RateLimiter::keyed(Quota::per_hour(n))),
            per_recipient: NonZeroU32::new(limits.creates_per_hour_per_recipient)
                .map(|n| RateLimiter::keyed(Quota::per_hour(n))),
        }
    }

    /// `recipient` is the address the relay is asked to email, if any: the per-recipient limit
    /// guards inboxes against floods of emails, so a pickup whose sender delivers the link
    /// counts only against its IP.
    pub(crate) fn allow(&self, ip: Option<IpAddr>, recipient: Option<&str>) -> bool {
        let ip_ok = match (&self.per_ip, ip) {
            (Some(limiter), Some(ip)) => limiter.check_key(&ip).is_ok(),
            _ => true,
        };
        let recipient_ok = match (&self.per_recipient, recipient) {
            (Some(limiter), Some(recipient)) => {
                limiter.check_key(&recipient.to_ascii_lowercase()).is_ok()
            }
            _ => true,
        };
        ip_ok && recipient_ok
    }

    /// Forgets keys whose limits have fully recovered, bounding memory.
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.per_ip {
            limiter.retain_recent();
        }
        if let Some(limiter) = &self.per_recipient {
            limiter.retain_recent();
        }
    }
}
