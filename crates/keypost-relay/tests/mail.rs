//! The notification email through a real SMTP server (Debian's python3-aiosmtpd) and through
//! the outbox folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use keypost_protocol::api::pickups::{CreatePickupResponse, OwnerStatus, PickupEventKind};
use keypost_protocol::b64;
use keypost_relay::mail::{SmtpSettings, SmtpTls};
use keypost_relay::{Limits, RelayConfig, RunningRelay};
use support::smtp::SmtpSink;
use support::{Api, Pickup, free_port};

fn config(db: &support::Db, outbox: PathBuf, smtp: Option<SmtpSettings>) -> RelayConfig {
    RelayConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        database_url: db.url().to_owned(),
        outbox: Some(outbox),
        public_url: None,
        smtp,
        mail_from: "Keypost <keypost@relay.example.org>".to_owned(),
        limits: Limits::unlimited(),
        purge_interval: Duration::from_secs(3600),
    }
}

/// Decodes the quoted-printable or base64 parts lettre may choose, so links can be found.
/// A relay that mails through the SMTP server on 127.0.0.1:`port` (no TLS, no login), with
/// `outbox` as its unused outbox folder.
async fn relay_mailing_through(db: &support::Db, outbox: &Path, port: u16) -> RunningRelay {
    let smtp = SmtpSettings::Server {
        host: "127.0.0.1".to_owned(),
        port,
        tls: SmtpTls::None,
        username: None,
        password: None,
    };
    keypost_relay::start(config(db, outbox.to_path_buf(), Some(smtp)))
        .await
        .unwrap()
}

/// The kinds of the events the relay logged for `pickup`, as its owner sees them.
async fn events_of(api: &Api<'_>, pickup: &Pickup) -> Vec<PickupEventKind> {
    let owner: OwnerStatus = api.owner_status(pickup).await.json().await.unwrap();
    owner.events.iter().map(|event| event.kind).collect()
}

fn decoded_parts(raw: &str) -> Vec<(String, String)> {
    let mut parts = Vec::new();
    let boundary_marker = "boundary=\"";
    let start = raw.find(boundary_marker).unwrap() + boundary_marker.len();
    let boundary = &raw[start..start + raw[start..].find('"').unwrap()];
    for section in raw.split(&format!("--{boundary}")).skip(1) {
        let Some((headers, body)) = section.split_once("\r\n\r\n") else {
            continue;
        };
        let content_type = headers
            .lines()
            .find(|line| line.to_ascii_lowercase().starts_with("content-type:"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let encoding = headers.to_ascii_lowercase();
        let text = if encoding.contains("content-transfer-encoding: base64") {
            let joined: String = body.split_whitespace().collect();
            String::from_utf8(
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, joined).unwrap(),
            )
            .unwrap()
        } else if encoding.contains("content-transfer-encoding: quoted-printable") {
            decode_quoted_printable(body)
        } else {
            body.to_owned()
        };
        parts.push((content_type, text));
    }
    parts
}

fn decode_quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn links_in(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .filter(|word| word.starts_with("http://"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_server_receives_the_link_without_pin_or_content() {
    let sink = SmtpSink::start();
    let db = support::Db::sqlite();
    let outbox = tempfile::tempdir().unwrap();
    let relay = relay_mailing_through(&db, outbox.path(), sink.port).await;
    let http = reqwest::Client::new();
    let api = Api::new(&http, relay.public_url());
    // The "entry content" is inside the ciphertext; use recognisable bytes to look for it.
    let mut pickup = Pickup::new(0);
    pickup.ciphertext = b"entry-password-Tr0ub4dor&3".repeat(8);
    let pin = "48213";
    let mut request = pickup.request(Some(2));
    request.message = "Here are the Wi-Fi and router logins <b>bold?</b>".to_owned();
    let response = api.create_request(&request).await;
    assert_eq!(response.status(), 201);
    let created: CreatePickupResponse = response.json().await.unwrap();
    assert!(created.emailed);
    assert!(std::fs::read_dir(outbox.path()).map_or(true, |mut dir| dir.next().is_none()));

    let raw = sink.first_message();
    assert!(raw.contains("To: bo@example.org"), "{raw}");
    assert_eq!(
        sink.first_message_subject(),
        "Ada Lovelace sent you passwords with Keypost"
    );
    assert!(!raw.contains("<img"));
    let parts = decoded_parts(&raw);
    let plain = &parts
        .iter()
        .find(|(kind, _)| kind.contains("text/plain"))
        .unwrap()
        .1;
    let html = &parts
        .iter()
        .find(|(kind, _)| kind.contains("text/html"))
        .unwrap()
        .1;
    let expected_link = format!("{}#{}", created.page_url, b64::encode(&pickup.link_secret));
    assert_eq!(
        links_in(plain),
        std::slice::from_ref(&expected_link),
        "{plain}"
    );
    assert!(
        links_in(html).iter().all(|link| *link == expected_link),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"{expected_link}\"")));
    for body in [plain, html] {
        assert!(body.contains("Ada Lovelace"));
        assert!(body.contains("Wi-Fi and router logins"));
        assert!(body.contains("tell you the PIN separately"));
        assert!(body.contains("UTC"));
    }
    assert!(
        html.contains("&lt;b&gt;bold?&lt;/b&gt;"),
        "the message is escaped in HTML"
    );
    assert!(!raw.contains(pin));
    for body in [&raw, plain, html] {
        assert!(!body.contains("entry-password"));
        assert!(!body.contains(&b64::encode(&pickup.ciphertext)));
        assert!(!body.contains(&b64::encode(&pickup.verifier)));
    }

    assert!(
        events_of(&api, &pickup)
            .await
            .contains(&PickupEventKind::Emailed)
    );
    relay.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_each_email_becomes_an_eml_file_in_the_outbox() {
    let db = support::Db::sqlite();
    let outbox = tempfile::tempdir().unwrap();
    let folder = outbox.path().join("mail");
    let relay = keypost_relay::start(config(&db, folder.clone(), None))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let pickup = Pickup::new(100);
    let response = Api::new(&http, relay.public_url())
        .create(&pickup, None)
        .await;
    assert_eq!(response.status(), 201);
    let created: CreatePickupResponse = response.json().await.unwrap();
    assert!(created.emailed);
    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    assert!(raw.contains("To: bo@example.org"));
    let parts = decoded_parts(&raw);
    assert_eq!(parts.len(), 2);
    let link = format!("{}#{}", created.page_url, b64::encode(&pickup.link_secret));
    for (_, body) in &parts {
        assert!(body.contains(&link));
    }
    relay.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_smtp_still_stores_the_pickup_and_says_not_emailed() {
    let db = support::Db::sqlite();
    let outbox = tempfile::tempdir().unwrap();
    // Nothing listens on that port.
    let relay = relay_mailing_through(&db, outbox.path(), free_port()).await;
    let http = reqwest::Client::new();
    let api = Api::new(&http, relay.public_url());
    let pickup = Pickup::new(100);
    let response = api.create(&pickup, None).await;
    assert_eq!(response.status(), 201);
    let created: CreatePickupResponse = response.json().await.unwrap();
    assert!(!created.emailed);
    assert!(
        events_of(&api, &pickup)
            .await
            .contains(&PickupEventKind::EmailFailed)
    );
    relay.shutdown().await.unwrap();
}

/// A sender name shaped like RFC 2047 encoded-words must reach the recipient as typed: a mail
/// client decoding the Subject gets the name back exactly, not the line break it encodes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_shaped_like_an_encoded_word_reaches_the_subject_as_typed() {
    let sink = SmtpSink::start();
    let db = support::Db::sqlite();
    let outbox = tempfile::tempdir().unwrap();
    let relay = relay_mailing_through(&db, outbox.path(), sink.port).await;
    let http = reqwest::Client::new();
    let api = Api::new(&http, relay.public_url());
    let pickup = Pickup::new(100);
    let mut request = pickup.request(None);
    request.sender_name =
        "=?utf-8?q?Ana=0D=0ABcc:_eve@example.org?= =?utf-8?b?w6k=?= Zoë".to_owned();
    assert_eq!(api.create_request(&request).await.status(), 201);
    assert_eq!(
        sink.first_message_subject(),
        format!("{} sent you passwords with Keypost", request.sender_name)
    );
    let raw = sink.first_message();
    assert!(!raw.contains("=?utf-8?q?"), "{raw}");
    relay.shutdown().await.unwrap();
}
