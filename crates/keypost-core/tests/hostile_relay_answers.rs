//! A hostile or broken relay that answers without end: the clients read at most the largest
//! answer the API can give, then stop with a clear error, whatever the relay keeps sending.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use keypost_core::pickups::{PickupError, RelayClient};
use keypost_protocol::pickup::PickupId;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A relay on 127.0.0.1 that answers every request with `head`, then streams `0` bytes until
/// the client hangs up (or, with `Content-Length`, announces them first).
async fn endless_relay(head: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                socket.write_all(head.as_bytes()).await.unwrap();
                let chunk = vec![b'0'; 64 * 1024];
                while socket.write_all(&chunk).await.is_ok() {}
            });
        }
    });
    url
}

async fn owner_status_from(head: &'static str) -> PickupError {
    let client = RelayClient::new(&endless_relay(head).await).unwrap();
    client
        .owner_status(&PickupId::random().to_string(), "token")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn an_endless_success_answer_stops_at_the_limit() {
    let error = owner_status_from(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(
        matches!(&error, PickupError::BadAnswer(reason) if reason.contains("larger than")),
        "{error:?}"
    );
    assert_eq!(error.code(), "relay_unreachable");
}

#[tokio::test]
async fn an_announced_gigabyte_is_refused_before_reading_it() {
    let error = owner_status_from(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n",
    )
    .await;
    assert!(
        matches!(&error, PickupError::BadAnswer(reason) if reason.contains("larger than")),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_endless_error_answer_is_a_refusal_without_a_body() {
    let error = owner_status_from(
        "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(
        matches!(&error, PickupError::BadAnswer(reason) if reason == "HTTP 500 Internal Server Error"),
        "{error:?}"
    );
}
