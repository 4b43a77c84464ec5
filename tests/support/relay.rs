//! The real relay for the whole-system tests, on 127.0.0.1 with a SQLite file in `data`,
//! emailing through the SMTP server on `smtp_port` (the test's python3-aiosmtpd sink).
#![allow(
    dead_code,
    reason = "compiled into several test targets, not all of which start a relay"
)]

use keypost_relay::mail::{SmtpSettings, SmtpTls};
use keypost_relay::{RelayConfig, RunningRelay};
use std::path::Path;

/// `public_url`: the URL the apps reach the relay by when it is not the relay's own address
/// (a rewriting proxy in front of it); signatures and invite links name that URL.
pub async fn start_relay(data: &Path, smtp_port: u16, public_url: Option<&str>) -> RunningRelay {
    let config = RelayConfig {
        smtp: Some(SmtpSettings::Server {
            host: "127.0.0.1".into(),
            port: smtp_port,
            tls: SmtpTls::None,
            username: None,
            password: None,
        }),
        public_url: public_url.map(str::to_owned),
        ..RelayConfig::local(data)
    };
    keypost_relay::start(config)
        .await
        .expect("the relay starts")
}
