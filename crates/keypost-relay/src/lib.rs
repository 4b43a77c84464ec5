//! The Keypost relay (docs/spec/pickup.md, "Relay API"): stores sealed pickups, emails the
//! pickup link, serves the pickup page. It never sees a password, a PIN or a key; it sees the
//! link secret only transiently to put it into the email (see [`mail`]).
//!
//! - [`router`] builds the whole HTTP service (testable with `tower::ServiceExt::oneshot`).
//! - [`start`] binds, spawns the relay on the current tokio runtime and returns its address
//!   (the desktop app embeds a local relay this way); [`serve`] is the binary's main loop.

pub mod config;
pub mod error;
pub mod mail;
pub mod page;
pub mod pickups;
pub mod routes;
pub mod store;
pub mod validate;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use governor::middleware::NoOpMiddleware;
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_governor::GovernorLayer;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::PeerIpKeyExtractor;
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::{Limits, RelayConfig, Settings};

use crate::error::ApiError;
use crate::mail::Mailer;
use crate::routes::CreateLimits;
use crate::store::Store;

/// Body limit of every route except creating a pickup.
pub const SMALL_BODY_LIMIT: usize = 4 * 1024;

/// The pickup page's policy; API answers carry it too (harmless for JSON).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; connect-src 'self'; \
    img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; \
    base-uri 'none'; form-action 'none'";

/// Headers set on every response.
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    ("cache-control", "no-store"),
];

/// The current time; tests inject a movable clock to exercise expiry.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(OffsetDateTime::now_utc)
}

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Mail(#[from] mail::MailError),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("the HTTP server failed: {0}")]
    Serve(std::io::Error),
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
}

type IpGovernor = GovernorConfig<PeerIpKeyExtractor, NoOpMiddleware>;

struct Shared {
    store: Store,
    mailer: Mailer,
    clock: Clock,
    public_url: String,
    limits: Limits,
    create_limits: CreateLimits,
    ip_governor: Option<Arc<IpGovernor>>,
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
        let mailer = Mailer::new(&config.mail_from, config.smtp.as_ref(), &config.outbox)?;
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

    pub(crate) fn mailer(&self) -> &Mailer {
        &self.shared.mailer
    }

    pub(crate) fn create_limits(&self) -> &CreateLimits {
        &self.shared.create_limits
    }

    /// One purge pass (also run on a schedule by [`start`]).
    pub async fn purge(&self) -> Result<pickups::Purged, pickups::PickupError> {
        let purged = pickups::purge(self.store(), self.now().unix_timestamp()).await?;
        self.shared.create_limits.forget_idle();
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

async fn handle_middleware_error(error: tower::BoxError) -> Response {
    if error.is::<tower::timeout::error::Elapsed>() {
        ApiError::Timeout.into_response()
    } else if error.is::<tower::load_shed::error::Overloaded>() {
        ApiError::Overloaded.into_response()
    } else {
        tracing::error!(%error, "middleware error");
        ApiError::Internal.into_response()
    }
}

/// The relay's complete HTTP service. The per-IP limit needs the peer address, so serve it
/// with `into_make_service_with_connect_info::<SocketAddr>()` when that limit is on.
pub fn router(state: AppState) -> Router {
    let limits = state.shared.limits.clone();
    let ip_governor = state.shared.ip_governor.clone();
    let mut router = Router::new()
        .route(
            "/api/v1/pickups",
            post(routes::create_pickup).layer(DefaultBodyLimit::max(validate::CREATE_BODY_LIMIT)),
        )
        .route("/api/v1/pickups/{id}", get(routes::pickup_status))
        .route(
            "/api/v1/pickups/{id}/challenge",
            post(routes::issue_challenge),
        )
        .route("/api/v1/pickups/{id}/open", post(routes::open_pickup))
        .route(
            "/api/v1/pickups/{id}/delete",
            post(routes::recipient_delete),
        )
        .route("/api/v1/owner/pickups/{id}", get(routes::owner_status))
        .route(
            "/api/v1/owner/pickups/{id}/revoke",
            post(routes::owner_revoke),
        )
        .route("/api/v1/health", get(routes::health))
        .route("/p/{id}", get(routes::pickup_page))
        .fallback(routes::not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT));
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    // Page assets are hashed and cacheable, so they sit outside the `no-store` header layers
    // (page::with_headers sets their security headers itself).
    router = router.merge(page::asset_routes());
    if let Some(config) = ip_governor {
        router = router.layer(GovernorLayer { config });
    }
    router.layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(handle_middleware_error))
            .load_shed()
            .layer(GlobalConcurrencyLimitLayer::new(
                limits.max_concurrent_requests.max(1),
            ))
            .timeout(limits.request_timeout),
    )
}

/// A relay running on a tokio runtime. Dropping it (or [`RunningRelay::shutdown`]) stops it.
pub struct RunningRelay {
    local_addr: SocketAddr,
    public_url: String,
    state: AppState,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<Result<(), std::io::Error>>>,
}

impl RunningRelay {
    /// The address the relay is bound to (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The base URL of the API and of pickup links, e.g. `http://127.0.0.1:41234`.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Finishes in-flight requests, then stops the server and the purge task.
    pub async fn shutdown(mut self) -> Result<(), RelayError> {
        let _ = self.stop.send(true);
        if let Some(server) = self.server.take() {
            match server.await {
                Ok(result) => result.map_err(RelayError::Serve)?,
                Err(error) => tracing::error!(%error, "the server task failed"),
            }
        }
        self.state.store().close().await;
        Ok(())
    }

    /// Runs until Ctrl-C, SIGTERM or a server failure — the binary's main loop.
    async fn wait_or_signal(mut self) -> Result<(), RelayError> {
        if let Some(mut server) = self.server.take() {
            let signalled = tokio::select! {
                () = shutdown_signal() => true,
                result = &mut server => {
                    if let Ok(Err(error)) = result {
                        return Err(RelayError::Serve(error));
                    }
                    false
                }
            };
            if signalled {
                self.server = Some(server);
            }
        }
        tracing::info!("shutting down");
        self.shutdown().await
    }
}

impl Drop for RunningRelay {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Binds `config.listen`, opens the store and spawns the server and the purge task on the
/// current tokio runtime. Returns once the relay accepts connections.
pub async fn start(config: RelayConfig) -> Result<RunningRelay, RelayError> {
    start_with_clock(config, system_clock()).await
}

/// [`start`] with an injected clock (expiry tests).
pub async fn start_with_clock(
    config: RelayConfig,
    clock: Clock,
) -> Result<RunningRelay, RelayError> {
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| RelayError::Bind {
            address: config.listen,
            source,
        })?;
    let local_addr = listener.local_addr().map_err(|source| RelayError::Bind {
        address: config.listen,
        source,
    })?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local_addr}"));
    let state = AppState::open(&config, public_url.clone(), clock).await?;
    tracing::info!(
        address = %local_addr,
        backend = ?state.store().backend(),
        mail = %state.mailer().describe(),
        "relay started"
    );
    let (stop, stopped) = watch::channel(false);
    spawn_purge(state.clone(), config.purge_interval, stopped.clone());
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let mut stopped_server = stopped;
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                // Ends when asked to stop or when the handle is gone.
                let _ = stopped_server.wait_for(|stop| *stop).await;
            })
            .await
    });
    Ok(RunningRelay {
        local_addr,
        public_url,
        state,
        stop,
        server: Some(server),
    })
}

fn spawn_purge(state: AppState, interval: Duration, mut stopped: watch::Receiver<bool>) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = stopped.wait_for(|stop| *stop) => return,
            }
            match state.purge().await {
                Ok(purged) if purged != pickups::Purged::default() => {
                    tracing::info!(
                        expired = purged.expired_pickups,
                        challenges = purged.stale_challenges,
                        records = purged.old_records,
                        "purged"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "purge failed"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// Runs the relay until Ctrl-C or SIGTERM. Prints `keypost-relay listening on URL` on stdout
/// once it accepts connections, so scripts can start it on port 0 and read the port.
pub async fn serve(config: RelayConfig) -> Result<(), RelayError> {
    use std::io::Write as _;
    let relay = start(config).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "keypost-relay listening on http://{}",
        relay.local_addr()
    )
    .and_then(|()| stdout.flush())
    .map_err(RelayError::Stdout)?;
    drop(stdout);
    relay.wait_or_signal().await
}
