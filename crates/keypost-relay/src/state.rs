//! [`AppState`]: what every handler shares (store, mailer, clock, limits, the inbox's
//! waiters and deposit limit).

use std::sync::Arc;

use axum::response::IntoResponse;
use governor::middleware::NoOpMiddleware;
use time::OffsetDateTime;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::PeerIpKeyExtractor;

use crate::config::{Limits, RelayConfig};
use crate::create_limits::CreateLimits;
use crate::error::{ApiError, RelayError};
use crate::inbox::{self, InboxError, InboxShared};
use crate::mail::Mailer;
use crate::pickups::{self, PickupError};
use crate::store::Store;

/// The current time; tests inject a movable clock to exercise expiry.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(OffsetDateTime::now_utc)
}

pub(crate) type IpGovernor = GovernorConfig<PeerIpKeyExtractor, NoOpMiddleware>;

struct Shared {
    store: Store,
    mailer: Mailer,
    clock: Clock,
    public_url: String,
    limits: Limits,
    create_limits: CreateLimits,
    ip_governor: Option<Arc<IpGovernor>>,
    inbox: InboxShared,
}

/// What one purge pass removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub pickups: pickups::Purged,
    pub inbox: inbox::purge::Purged,
}

#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error(transparent)]
    Pickups(#[from] PickupError),
    #[error(transparent)]
    Inbox(#[from] InboxError),
}

/// Everything the handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

impl AppState {
    /// Opens the database (running migrations) and the mailer. `public_url` is the base of
    /// emailed links, e.g. `http://127.0.0.1:8080`.
    pub async fn open(
        config: &RelayConfig,
        public_url: String,
        clock: Clock,
    ) -> Result<Self, RelayError> {
        let store = Store::connect(&config.database_url).await?;
        let mailer = Mailer::new(
            &config.mail_from,
            config.smtp.as_ref(),
            config.outbox.as_deref(),
        )?;
        let ip_governor = ip_governor(&config.limits).map(Arc::new);
        Ok(Self {
            shared: Arc::new(Shared {
                store,
                mailer,
                clock,
                public_url,
                limits: config.limits.clone(),
                create_limits: CreateLimits::new(&config.limits),
                ip_governor,
                inbox: InboxShared::default(),
            }),
        })
    }

    pub fn store(&self) -> &Store {
        &self.shared.store
    }

    pub fn now(&self) -> OffsetDateTime {
        (self.shared.clock)()
    }

    pub fn public_url(&self) -> &str {
        &self.shared.public_url
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.shared.limits
    }

    pub(crate) fn ip_governor(&self) -> Option<Arc<IpGovernor>> {
        self.shared.ip_governor.clone()
    }

    pub(crate) fn mailer(&self) -> &Mailer {
        &self.shared.mailer
    }

    pub(crate) fn create_limits(&self) -> &CreateLimits {
        &self.shared.create_limits
    }

    pub fn inbox(&self) -> &InboxShared {
        &self.shared.inbox
    }

    /// One purge pass (also run on a schedule by [`crate::start`]).
    pub async fn purge(&self) -> Result<Purged, PurgeError> {
        let now = self.now().unix_timestamp();
        let purged = Purged {
            pickups: pickups::purge(self.store(), now).await?,
            inbox: inbox::purge::purge(self.store(), now).await?,
        };
        self.shared.create_limits.forget_idle();
        self.shared.inbox.forget_idle();
        if let Some(governor) = &self.shared.ip_governor {
            governor.limiter().retain_recent();
        }
        Ok(purged)
    }
}

fn ip_governor(limits: &Limits) -> Option<IpGovernor> {
    if limits.requests_per_second_per_ip == 0 {
        return None;
    }
    let period_ns = 1_000_000_000 / u64::from(limits.requests_per_second_per_ip);
    GovernorConfigBuilder::default()
        .per_nanosecond(period_ns.max(1))
        .burst_size(limits.burst_per_ip.max(1))
        .error_handler(|error| match error {
            tower_governor::GovernorError::TooManyRequests { .. } => {
                ApiError::RateLimited.into_response()
            }
            _ => ApiError::Internal.into_response(),
        })
        .finish()
}
