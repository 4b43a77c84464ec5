//! Accepting and serving connections, bounded so that slow or idle clients cannot hold the
//! relay's file descriptors: every connection costs one, and a process that runs out can
//! accept no one (`accept: Too many open files`).
//!
//! - **Per-IP cap**: one address holds at most `max_connections_per_ip` connections; beyond
//!   it a new connection is closed at once, before anything is read from it.
//! - **Header-read timeout**: a request's headers must arrive within `header_read_timeout`
//!   of the moment the relay waits for them (after connecting, or after the previous answer
//!   on a kept-alive connection), else the connection is closed; so it also ends idle
//!   kept-alive connections.
//! - **Idle timeout**: a connection on which no byte moves either way for `idle_timeout`
//!   while a read or write waits (a client that stops reading an answer, a slow body) is
//!   closed. It must exceed the request timeout (a long-poll waits up to 10 s).
//!
//! The relay speaks HTTP/1.1 only: hyper's header-read timeout exists for HTTP/1, and
//! browsers and the apps reach a relay over plain HTTP/1.1 or through a TLS proxy.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt as _;

/// How long the relay waits after a failed `accept` that is not the client's doing (out of
/// descriptors, say) before trying again, instead of spinning.
const ACCEPT_RETRY: Duration = Duration::from_secs(1);

/// The bounds of [`serve`] (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    /// 0 turns the cap off (a relay behind a reverse proxy sees one address for everyone).
    pub max_connections_per_ip: usize,
}

/// Serves `router` on `listener` until `stopped` turns true (or its sender is gone), then
/// lets the connections in progress finish their requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    mut stopped: watch::Receiver<bool>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let open = OpenConnections::default();
    // Each connection task holds a receiver; `closed()` tells when the last one ended.
    let (all_closed, connection_open) = watch::channel(());
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop_asked(&mut stopped) => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                accept_failed(&error).await;
                continue;
            }
        };
        let Some(slot) = open.take(peer.ip(), limits.max_connections_per_ip) else {
            tracing::debug!(peer = %peer.ip(), "connection refused: per-IP connection cap");
            drop(stream);
            continue;
        };
        let service = router
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection = http.serve_connection(
            TokioIo::new(Box::pin(idle_limited(stream, limits.idle_timeout))),
            TowerToHyperService::new(service),
        );
        let mut stopping = stopped.clone();
        let still_open = connection_open.clone();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let mut asked_to_finish = false;
            loop {
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(error) = result {
                            tracing::debug!(%error, "connection closed with an error");
                        }
                        break;
                    }
                    () = stop_asked(&mut stopping), if !asked_to_finish => {
                        // Finish the request in progress, then close.
                        connection.as_mut().graceful_shutdown();
                        asked_to_finish = true;
                    }
                }
            }
            drop((slot, still_open));
        });
    }
    drop((listener, connection_open));
    all_closed.closed().await;
}

/// Resolves when `stopped` turns true or its sender is gone.
async fn stop_asked(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

fn idle_limited(stream: TcpStream, idle: Duration) -> TimeoutStream<TcpStream> {
    let mut stream = TimeoutStream::new(stream);
    stream.set_read_timeout(Some(idle));
    stream.set_write_timeout(Some(idle));
    stream
}

/// Errors of one connection (reset before it was accepted) are skipped; others, such as
/// running out of descriptors, are logged and retried after a pause.
async fn accept_failed(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accepting a connection failed");
    tokio::time::sleep(ACCEPT_RETRY).await;
}

/// Open connections per client address.
#[derive(Clone, Default)]
struct OpenConnections(Arc<Mutex<HashMap<IpAddr, usize>>>);

impl OpenConnections {
    /// A slot for one more connection from `ip`, or `None` at the cap (0: no cap).
    fn take(&self, ip: IpAddr, max: usize) -> Option<Slot> {
        let mut counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry(ip).or_insert(0);
        if max != 0 && *count >= max {
            return None;
        }
        *count += 1;
        Some(Slot {
            ip,
            open: self.clone(),
        })
    }
}

/// One counted connection; dropping it gives the slot back.
struct Slot {
    ip: IpAddr,
    open: OpenConnections,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.open.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_counts_per_address_and_slots_come_back() {
        let open = OpenConnections::default();
        let one: IpAddr = [127, 0, 0, 2].into();
        let other: IpAddr = [127, 0, 0, 3].into();
        let first = open.take(one, 2).unwrap();
        let second = open.take(one, 2).unwrap();
        assert!(open.take(one, 2).is_none());
        assert!(
            open.take(other, 2).is_some(),
            "another address has its own count"
        );
        drop(first);
        let third = open.take(one, 2).unwrap();
        drop((second, third));
        assert!(open.0.lock().unwrap().is_empty(), "no entry left behind");
        let unlimited: Vec<_> = (0..100).map(|_| open.take(one, 0).unwrap()).collect();
        assert_eq!(unlimited.len(), 100);
    }
}
