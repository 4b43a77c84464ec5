//! A hostile relay against the one HTTP client of the pickup and inbox APIs: a real HTTP server
//! on 127.0.0.1 that answers 1 GiB (declared, or streamed quickly or slowly), redirects to
//! another origin, or never finishes its answer. The client fails with a typed error, reads
//! no more than the protocol allows for the answer, and gives up within its request timeout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use keypost_core::inbox::{InboxClient, InboxError};
use keypost_core::pickups::{PickupError, PickupInbox, RelayClient};
use keypost_core::relay_http::RelayHttpError;
use keypost_protocol::api::answers::{Answer, MAX_OPEN_ANSWER_LEN, MAX_SMALL_ANSWER_LEN};
use keypost_protocol::api::pickups::PickupStatus;
use keypost_protocol::pickup::{LinkSecret, PickupLink, Pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const GIB: u64 = 1 << 30;

/// What the hostile relay does with the request it decides to spoil.
#[derive(Clone, Copy, Debug)]
enum Answer1GiB {
    /// `Content-Length: 1073741824`, then as many bytes as the client takes.
    Declared,
    /// Chunked, no length, 64 KiB chunks as fast as the socket takes them.
    StreamedQuickly,
    /// Chunked, no length, 1 KiB every 5 ms.
    StreamedSlowly,
}

#[derive(Clone, Copy, Debug)]
enum Behaviour {
    Huge(Answer1GiB),
    /// `500` with no length, then bytes without end.
    EndlessServerError,
    /// 307 to the same path on `port` (another origin: another port on 127.0.0.1).
    RedirectTo {
        port: u16,
    },
    /// Headers promising 100 bytes, 10 of them, then nothing, never closing.
    NeverFinishes,
    /// A plain 200 with `{}`: counts requests, as the target of a refused redirect.
    Counting,
}

/// A relay on 127.0.0.1 that answers a challenge honestly (so an open gets as far as its
/// open request) and spoils every other request as `behaviour` says.
struct HostileRelay {
    port: u16,
    /// Body bytes it managed to hand to the socket over all requests.
    written: Arc<AtomicU64>,
    requests: Arc<AtomicUsize>,
}

impl HostileRelay {
    async fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let written = Arc::new(AtomicU64::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (count, counter) = (written.clone(), requests.clone());
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, behaviour, count.clone()));
            }
        });
        Self {
            port,
            written,
            requests,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A pickup link whose page lives on this relay.
    fn pickup_link(&self) -> String {
        let secret = LinkSecret::make_random();
        let id = keypost_protocol::b64::encode(&secret.id());
        let link = PickupLink::new(&format!("{}/p/{id}", self.url()), secret).unwrap();
        link.to_web_link().to_string()
    }

    fn written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }
}

/// Reads one request's head and body (so closing never resets an unread request).
async fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.ok()?;
    let mut words = head.split_whitespace();
    let method = words.next()?.to_owned();
    let path = words.next()?.to_owned();
    Some((method, path))
}

async fn serve(mut stream: TcpStream, behaviour: Behaviour, written: Arc<AtomicU64>) {
    while let Some((_method, path)) = read_request(&mut stream).await {
        if path.ends_with("/challenge") {
            let body = format!(
                r#"{{"challenge":"{}","expires_in_seconds":60}}"#,
                keypost_protocol::b64::encode(&[7u8; 32])
            );
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            if stream.write_all((head + &body).as_bytes()).await.is_err() {
                return;
            }
            continue;
        }
        match behaviour {
            Behaviour::Huge(kind) => return huge(&mut stream, kind, &written).await,
            Behaviour::EndlessServerError => {
                let head = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let spaces = vec![b' '; 64 * 1024];
                while stream.write_all(&spaces).await.is_ok() {
                    written.fetch_add(spaces.len() as u64, Ordering::SeqCst);
                }
                return;
            }
            Behaviour::RedirectTo { port } => {
                let head = format!(
                    "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{port}{path}\r\nContent-Length: 0\r\n\r\n"
                );
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
            }
            Behaviour::NeverFinishes => {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": \"x";
                let _ = stream.write_all(head.as_bytes()).await;
                // Holds the connection open for longer than any client waits.
                tokio::time::sleep(Duration::from_secs(3_600)).await;
                return;
            }
            Behaviour::Counting => {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Answers 1 GiB of JSON whitespace (valid so far, never complete) until the client goes away.
async fn huge(stream: &mut TcpStream, kind: Answer1GiB, written: &AtomicU64) {
    let head = match kind {
        Answer1GiB::Declared => format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {GIB}\r\n\r\n"
        ),
        Answer1GiB::StreamedQuickly | Answer1GiB::StreamedSlowly => {
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_owned()
        }
    };
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let (chunk_len, pause) = match kind {
        Answer1GiB::StreamedSlowly => (1024, Some(Duration::from_millis(5))),
        Answer1GiB::Declared | Answer1GiB::StreamedQuickly => (64 * 1024, None),
    };
    let spaces = vec![b' '; chunk_len];
    let mut sent = 0u64;
    while sent < GIB {
        let result = match kind {
            Answer1GiB::Declared => stream.write_all(&spaces).await,
            Answer1GiB::StreamedQuickly | Answer1GiB::StreamedSlowly => {
                let mut framed = format!("{chunk_len:x}\r\n").into_bytes();
                framed.extend_from_slice(&spaces);
                framed.extend_from_slice(b"\r\n");
                stream.write_all(&framed).await
            }
        };
        if result.is_err() {
            return;
        }
        sent += chunk_len as u64;
        written.fetch_add(chunk_len as u64, Ordering::SeqCst);
        if let Some(pause) = pause {
            tokio::time::sleep(pause).await;
        }
    }
}

/// This process's peak resident memory (Linux), in bytes.
fn peak_resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

fn too_large(error: &PickupError) -> Option<usize> {
    match error {
        PickupError::Relay(RelayHttpError::AnswerTooLarge { max_bytes }) => Some(*max_bytes),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_answer_of_1_gib_is_cut_off_at_64_kib_however_it_comes() {
    for kind in [
        Answer1GiB::Declared,
        Answer1GiB::StreamedQuickly,
        Answer1GiB::StreamedSlowly,
    ] {
        let relay = HostileRelay::start(Behaviour::Huge(kind)).await;
        let inbox = PickupInbox::from_link(&relay.pickup_link()).unwrap();
        let error = inbox.status().await.unwrap_err();
        assert_eq!(
            too_large(&error),
            Some(MAX_SMALL_ANSWER_LEN),
            "{kind:?}: {error}"
        );
        assert_eq!(PickupStatus::MAX_LEN, MAX_SMALL_ANSWER_LEN);
        assert_eq!(error.code(), "relay_unreachable");
        assert!(
            error.to_string().contains("larger than the 65536 bytes"),
            "{error}"
        );
        // The client stopped reading: the relay got rid of far less than its gigabyte (what
        // it wrote is the limit plus what the sockets' buffers took).
        assert!(
            relay.written() < 64 << 20,
            "{kind:?}: {} bytes",
            relay.written()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_answer_of_1_gib_is_cut_off_at_the_largest_sealed_pickup() {
    for kind in [Answer1GiB::Declared, Answer1GiB::StreamedQuickly] {
        let relay = HostileRelay::start(Behaviour::Huge(kind)).await;
        let inbox = PickupInbox::from_link(&relay.pickup_link()).unwrap();
        let error = inbox
            .open(&Pin::parse("12345").unwrap(), None)
            .await
            .unwrap_err();
        assert_eq!(
            too_large(&error),
            Some(MAX_OPEN_ANSWER_LEN),
            "{kind:?}: {error}"
        );
        assert!(
            relay.written() < 128 << 20,
            "{kind:?}: {} bytes",
            relay.written()
        );
    }
    // Memory stayed bounded: nowhere near the gigabyte (the old client held two). The bound
    // covers the whole test process, whose other tests run at the same time.
    assert!(
        peak_resident_bytes() < 512 << 20,
        "peak {} bytes",
        peak_resident_bytes()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_error_answer_is_a_refusal_without_a_body() {
    let relay = HostileRelay::start(Behaviour::EndlessServerError).await;
    let inbox = PickupInbox::from_link(&relay.pickup_link()).unwrap();
    let error = inbox.status().await.unwrap_err();
    assert!(
        matches!(&error, PickupError::BadAnswer(reason) if reason == "HTTP 500 Internal Server Error"),
        "{error:?}"
    );
    assert!(relay.written() < 64 << 20, "{} bytes", relay.written());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_origin_is_refused_and_never_followed() {
    let elsewhere = HostileRelay::start(Behaviour::Counting).await;
    let relay = HostileRelay::start(Behaviour::RedirectTo {
        port: elsewhere.port,
    })
    .await;
    let inbox = PickupInbox::from_link(&relay.pickup_link()).unwrap();
    let error = inbox.status().await.unwrap_err();
    assert!(
        matches!(
            &error,
            PickupError::Relay(RelayHttpError::CrossOriginRedirect { to }) if *to == elsewhere.url()
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("redirected to another site"),
        "{error}"
    );
    // The owner token of a sent pickup does not travel either.
    let owner = RelayClient::new(&relay.url()).unwrap();
    let error = owner
        .owner_status("AAAAAAAAAAAAAAAAAAAAAA", "owner-token")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            PickupError::Relay(RelayHttpError::CrossOriginRedirect { .. })
        ),
        "{error:?}"
    );
    assert_eq!(
        elsewhere.requests.load(Ordering::SeqCst),
        0,
        "never followed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_never_finishes_ends_in_the_request_timeout() {
    let relay = HostileRelay::start(Behaviour::NeverFinishes).await;
    let inbox = PickupInbox::from_link(&relay.pickup_link()).unwrap();
    // Bounded by keypost_core::relay_http::REQUEST_TIMEOUT (30 s), without a timer here.
    let error = inbox.status().await.unwrap_err();
    assert!(
        matches!(
            &error,
            PickupError::Unreachable {
                connected: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.code(), "relay_unreachable");
}

#[test]
fn http_relays_are_refused_unless_they_are_on_this_computer() {
    for url in ["http://relay.example", "http://192.168.1.20:8080"] {
        let error = RelayClient::new(url).unwrap_err();
        assert!(
            matches!(&error, PickupError::Relay(RelayHttpError::BadUrl { .. })),
            "{url}: {error:?}"
        );
        assert!(error.to_string().contains("must use https://"), "{error}");
        assert!(matches!(
            InboxClient::new(url).unwrap_err(),
            InboxError::Relay(RelayHttpError::BadUrl { .. })
        ));
        // A pickup link naming such a relay parses, but is never contacted.
        let secret = LinkSecret::make_random();
        let id = keypost_protocol::b64::encode(&secret.id());
        let link = PickupLink::new(&format!("{url}/p/{id}"), secret).unwrap();
        assert!(matches!(
            PickupInbox::from_link(&link.to_web_link()),
            Err(PickupError::Relay(RelayHttpError::BadUrl { .. }))
        ));
    }
    for url in [
        "https://relay.example",
        "http://127.0.0.1:7878",
        "http://localhost:7878",
        "http://[::1]:7878",
    ] {
        RelayClient::new(url).unwrap();
        InboxClient::new(url).unwrap();
    }
}
