//! Running the relay: [`start`] binds and spawns it on the current tokio runtime (the desktop
//! app embeds a local relay this way), [`serve`] is the binary's main loop, a task purges
//! expired data on a schedule, and on PostgreSQL a task listens for deposits made by other
//! relay processes to wake this process's long-polls.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::router;
use crate::config::RelayConfig;
use crate::connections::{self, ConnectionLimits};
use crate::error::RelayError;
use crate::inbox::notify;
use crate::state::{AppState, Clock, Purged, system_clock};
use crate::store::Backend;

/// A relay running on a tokio runtime. Dropping it (or [`RunningRelay::shutdown`]) stops it.
pub struct RunningRelay {
    local_addr: SocketAddr,
    public_url: String,
    state: AppState,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
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
        if let Some(server) = self.server.take()
            && let Err(error) = server.await
        {
            tracing::error!(%error, "the server task failed");
        }
        self.state.store().close().await;
        Ok(())
    }

    /// Runs until Ctrl-C, SIGTERM or the end of the server task — the binary's main loop.
    async fn wait_or_signal(mut self) -> Result<(), RelayError> {
        if let Some(mut server) = self.server.take() {
            let signalled = tokio::select! {
                () = shutdown_signal() => true,
                _ = &mut server => false,
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
    if state.store().backend() == Backend::Postgres {
        let waiters = state.clone();
        tokio::spawn(notify::listen(
            config.database_url.clone(),
            move |account| waiters.inbox().notifier().wake(account),
            stopped.clone(),
        ));
    }
    let limits = state.limits();
    let connection_limits = ConnectionLimits {
        header_read_timeout: limits.header_read_timeout,
        idle_timeout: limits.idle_timeout,
        max_connections_per_ip: limits.max_connections_per_ip,
    };
    // Ends when asked to stop or when the handle is gone (the sender dropped).
    let server = tokio::spawn(connections::serve(
        listener,
        router(state.clone()),
        connection_limits,
        stopped,
    ));
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
        // The first pass one interval after the start, not at once: a relay starting up has
        // its migrations and first requests to serve, and a test's own purge is not raced.
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = stopped.wait_for(|stop| *stop) => return,
            }
            match state.purge().await {
                Ok(purged) if purged != Purged::default() => {
                    let (pickups, inbox) = (purged.pickups, purged.inbox);
                    tracing::info!(
                        expired = pickups.expired_pickups,
                        challenges = pickups.stale_challenges,
                        records = pickups.old_records,
                        login_challenges = inbox.login_challenges,
                        sessions = inbox.sessions,
                        email_codes = inbox.email_codes,
                        invites = inbox.invites,
                        expired_messages = inbox.expired_messages,
                        deliveries = inbox.old_deliveries,
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
