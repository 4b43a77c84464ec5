//! Configuration: command-line flags, each also an environment variable, and an optional JSON
//! file (`--config`). A flag or variable wins over the file; the file wins over the defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use serde::Deserialize;
use zeroize::Zeroizing;

use keypost_protocol::inbox::limits::{MAILBOX_MAX_BYTES, MAILBOX_MAX_MESSAGES};

use crate::mail::{SmtpSettings, SmtpTls};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE: &str = "sqlite://keypost-relay.db";
pub const DEFAULT_MAIL_FROM: &str = "Keypost <keypost@localhost>";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("--public-url must start with http:// or https:// and have no path, query or fragment")]
    PublicUrl,
    #[error(
        "--smtp-host is required with --smtp-port, --smtp-tls, --smtp-username or --smtp-password"
    )]
    SmtpHost,
    #[error("use either --smtp-url or --smtp-host, not both")]
    SmtpTwice,
    #[error(
        "--idle-timeout must be longer than --request-timeout (a request may wait that long \
         without a byte moving)"
    )]
    IdleTimeout,
}

/// Abuse limits and resource bounds. A rate of 0 turns that limit off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Requests per second allowed per client IP address on every route.
    pub requests_per_second_per_ip: u32,
    /// How many requests one IP may make in a burst above that rate.
    pub burst_per_ip: u32,
    /// Pickups one IP address may create per hour. Senders have no account, so their address
    /// is the sender identity the relay can limit.
    pub creates_per_hour_per_ip: u32,
    /// Pickups (and so notification emails) one recipient address may receive per hour,
    /// against mail bombing through the relay.
    pub creates_per_hour_per_recipient: u32,
    /// A request taking longer is answered 408.
    pub request_timeout: Duration,
    /// Requests processed at once; beyond it new ones get 503 at once (load shedding).
    pub max_concurrent_requests: usize,
    /// Messages one account may deposit per minute, over all mailboxes (counted on its
    /// account row: exact across processes).
    pub deposits_per_minute_per_sender: u32,
    /// Messages one mailbox holds before deposits are refused (exact across processes).
    pub mailbox_max_messages: u32,
    /// Bytes of sealed messages one mailbox holds before deposits are refused.
    pub mailbox_max_bytes: u64,
    /// Only accounts with a verified email may invite (for public relays).
    pub require_verified_email_to_invite: bool,
    /// A request's headers must arrive within this time of the relay waiting for them (after
    /// connecting, or after the previous answer on a kept-alive connection).
    pub header_read_timeout: Duration,
    /// A connection on which no byte moves either way for this long is closed; must exceed
    /// `request_timeout`.
    pub idle_timeout: Duration,
    /// Connections one client IP may hold open at once; 0 turns the cap off.
    pub max_connections_per_ip: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            requests_per_second_per_ip: 20,
            burst_per_ip: 60,
            creates_per_hour_per_ip: 120,
            creates_per_hour_per_recipient: 20,
            request_timeout: Duration::from_secs(15),
            max_concurrent_requests: 1024,
            deposits_per_minute_per_sender: 60,
            mailbox_max_messages: MAILBOX_MAX_MESSAGES,
            mailbox_max_bytes: MAILBOX_MAX_BYTES,
            require_verified_email_to_invite: false,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections_per_ip: 64,
        }
    }
}

impl Limits {
    /// Every rate limit and the per-IP connection cap off (benchmarks, tests, a relay only the
    /// local app uses: every client is 127.0.0.1); the timeouts stay.
    pub fn unlimited() -> Self {
        Self {
            requests_per_second_per_ip: 0,
            burst_per_ip: 0,
            creates_per_hour_per_ip: 0,
            creates_per_hour_per_recipient: 0,
            deposits_per_minute_per_sender: 0,
            max_connections_per_ip: 0,
            ..Self::default()
        }
    }
}

/// Everything the relay needs to run; build it from [`Settings`] or in code (embedding).
#[derive(Debug, Clone)]
pub struct RelayConfig {
    pub listen: SocketAddr,
    /// `sqlite://PATH`, a plain file path (SQLite) or `postgres://USER@HOST:PORT/DB`.
    pub database_url: String,
    /// Folder for `.eml` files when no SMTP server is configured, for tests and local
    /// development only: the files hold pickup links. `None` with no SMTP: the relay sends no
    /// email and says so (`GET /api/v1/capabilities`), and senders deliver their links.
    pub outbox: Option<PathBuf>,
    /// Base URL in links (`https://relay.example.org`); `None` = `http://<bound address>`.
    pub public_url: Option<String>,
    pub smtp: Option<SmtpSettings>,
    pub mail_from: String,
    pub limits: Limits,
    /// How often expired pickups, inbox rows and old records are purged.
    pub purge_interval: Duration,
}

impl RelayConfig {
    /// A relay for one desktop user: loopback on a free port, a SQLite file inside `data_dir`,
    /// no mail (the sender delivers each link, so nothing on disk holds one) and no rate limits
    /// (only the local app talks to it).
    pub fn local(data_dir: &Path) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: sqlite_url(&data_dir.join("relay.db")),
            outbox: None,
            public_url: None,
            smtp: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            limits: Limits::unlimited(),
            purge_interval: Duration::from_secs(60),
        }
    }
}

/// Flags of the `keypost-relay` binary; the same names (with `_`) are keys of the JSON file.
#[derive(Parser, Deserialize, Default)]
#[command(
    name = "keypost-relay",
    version,
    about = "Keypost relay: keeps sealed pickups, emails pickup links, serves the pickup page.",
    long_about = "Keypost relay: keeps sealed pickups, emails pickup links, serves the pickup \
page. It never sees a password, a PIN or a key.\n\nEvery flag can also be set by the \
environment variable shown, or as a key (e.g. \"smtp_host\") of the JSON file given by \
--config. Flags and variables win over the file.\n\nOn start it prints one line to stdout: \
`keypost-relay listening on http://ADDRESS` (useful with port 0)."
)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// JSON file with any of these settings.
    #[arg(long, env = "KEYPOST_RELAY_CONFIG", value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address and port to listen on; port 0 picks a free port. [default: 127.0.0.1:8080]
    #[arg(long, env = "KEYPOST_RELAY_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Database: `sqlite:///ABSOLUTE/PATH`, `sqlite://RELATIVE/PATH` or just a file path (the
    /// file and its folder are created if missing) or `postgres://USER:PASSWORD@HOST:PORT/DB`
    /// (several relays may share it). [default: sqlite://keypost-relay.db]
    #[arg(
        long,
        env = "KEYPOST_RELAY_DATABASE",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// Folder where emails are written as .eml files when no SMTP server is set: for tests and
    /// local development only, as the files hold working pickup links. Without SMTP or an
    /// outbox the relay sends no email, and senders deliver their links themselves.
    #[arg(long, env = "KEYPOST_RELAY_OUTBOX", value_name = "DIR")]
    pub outbox: Option<PathBuf>,
    /// Base URL of this relay as recipients reach it, used in emailed links, e.g.
    /// https://keypost.example.org. [default: http://<listen address>]
    #[arg(long, env = "KEYPOST_RELAY_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// SMTP server as one URL: `smtp://USER:PASS@HOST:PORT` (no TLS: loopback only),
    /// `smtp://…?tls=required` (STARTTLS) or `smtps://USER:PASS@HOST:PORT` (TLS).
    #[arg(
        long,
        env = "KEYPOST_RELAY_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// SMTP server host name (instead of --smtp-url).
    #[arg(long, env = "KEYPOST_RELAY_SMTP_HOST", value_name = "HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port. [default: 587 with starttls, 465 with tls, 25 with none]
    #[arg(long, env = "KEYPOST_RELAY_SMTP_PORT", value_name = "PORT")]
    pub smtp_port: Option<u16>,
    /// How SMTP uses TLS. [default: starttls]
    #[arg(long, env = "KEYPOST_RELAY_SMTP_TLS", value_name = "MODE")]
    pub smtp_tls: Option<SmtpTls>,
    /// SMTP user name.
    #[arg(long, env = "KEYPOST_RELAY_SMTP_USERNAME", value_name = "USER")]
    pub smtp_username: Option<String>,
    /// SMTP password (prefer the environment variable or the file to a flag).
    #[arg(
        long,
        env = "KEYPOST_RELAY_SMTP_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,
    /// Sender of the notification emails. [default: Keypost <keypost@localhost>]
    #[arg(long, env = "KEYPOST_RELAY_MAIL_FROM", value_name = "MAILBOX")]
    pub mail_from: Option<String>,
    /// Requests per second per client IP on every route; 0 turns it off. [default: 20]
    #[arg(long, env = "KEYPOST_RELAY_RATE_LIMIT_PER_IP", value_name = "N")]
    pub rate_limit_per_ip: Option<u32>,
    /// Requests one IP may send in a burst above that rate. [default: 60]
    #[arg(long, env = "KEYPOST_RELAY_RATE_LIMIT_BURST", value_name = "N")]
    pub rate_limit_burst: Option<u32>,
    /// Pickups one IP (the sender) may create per hour; 0 turns it off. [default: 120]
    #[arg(long, env = "KEYPOST_RELAY_CREATES_PER_IP_PER_HOUR", value_name = "N")]
    pub creates_per_ip_per_hour: Option<u32>,
    /// Pickups one recipient address may receive per hour; 0 turns it off. [default: 20]
    #[arg(
        long,
        env = "KEYPOST_RELAY_CREATES_PER_RECIPIENT_PER_HOUR",
        value_name = "N"
    )]
    pub creates_per_recipient_per_hour: Option<u32>,
    /// Seconds before a request is cut off with 408. [default: 15]
    #[arg(long, env = "KEYPOST_RELAY_REQUEST_TIMEOUT", value_name = "SECONDS")]
    pub request_timeout: Option<u64>,
    /// Requests handled at once; more are refused with 503. [default: 1024]
    #[arg(long, env = "KEYPOST_RELAY_MAX_CONCURRENT_REQUESTS", value_name = "N")]
    pub max_concurrent_requests: Option<usize>,
    /// Seconds a client has to send a request's headers, counted from connecting or from the
    /// previous answer (so idle kept-alive connections close after it too). [default: 10]
    #[arg(long, env = "KEYPOST_RELAY_HEADER_TIMEOUT", value_name = "SECONDS")]
    pub header_timeout: Option<u64>,
    /// Seconds without a byte moving either way after which a connection is closed; longer
    /// than --request-timeout. [default: 60]
    #[arg(long, env = "KEYPOST_RELAY_IDLE_TIMEOUT", value_name = "SECONDS")]
    pub idle_timeout: Option<u64>,
    /// Connections one client IP may hold open; more are closed at once. 0 turns the cap off
    /// (behind a reverse proxy every client has the proxy's address: cap there). [default: 64]
    #[arg(long, env = "KEYPOST_RELAY_MAX_CONNECTIONS_PER_IP", value_name = "N")]
    pub max_connections_per_ip: Option<usize>,
    /// Seconds between purges of expired pickups and stale challenges. [default: 60]
    #[arg(long, env = "KEYPOST_RELAY_PURGE_INTERVAL", value_name = "SECONDS")]
    pub purge_interval: Option<u64>,
    /// Messages one account may deposit per minute (exact across relay processes on one
    /// database); 0 turns it off. [default: 60]
    #[arg(
        long,
        env = "KEYPOST_RELAY_DEPOSITS_PER_SENDER_PER_MINUTE",
        value_name = "N"
    )]
    pub deposits_per_sender_per_minute: Option<u32>,
    /// Messages one mailbox may hold. [default: 1000]
    #[arg(long, env = "KEYPOST_RELAY_MAILBOX_MAX_MESSAGES", value_name = "N")]
    pub mailbox_max_messages: Option<u32>,
    /// Bytes of sealed messages one mailbox may hold. [default: 268435456 (256 MiB)]
    #[arg(long, env = "KEYPOST_RELAY_MAILBOX_MAX_BYTES", value_name = "BYTES")]
    pub mailbox_max_bytes: Option<u64>,
    /// Only accounts that verified an email may create invites (for public relays).
    /// [default: false]
    #[arg(
        long,
        env = "KEYPOST_RELAY_REQUIRE_VERIFIED_EMAIL_TO_INVITE",
        value_name = "BOOL",
        num_args = 0..=1,
        default_missing_value = "true"
    )]
    pub require_verified_email_to_invite: Option<bool>,
}

impl Settings {
    /// Fills what flags and environment left unset from the `--config` file, if any.
    pub fn with_file(self) -> Result<Self, ConfigError> {
        let Some(path) = self.config.clone() else {
            return Ok(self);
        };
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        let file: Settings =
            serde_json::from_str(&text).map_err(|source| ConfigError::Parse { path, source })?;
        Ok(self.or(file))
    }

    fn or(self, other: Self) -> Self {
        Self {
            config: self.config,
            listen: self.listen.or(other.listen),
            database: self.database.or(other.database),
            outbox: self.outbox.or(other.outbox),
            public_url: self.public_url.or(other.public_url),
            smtp_url: self.smtp_url.or(other.smtp_url),
            smtp_host: self.smtp_host.or(other.smtp_host),
            smtp_port: self.smtp_port.or(other.smtp_port),
            smtp_tls: self.smtp_tls.or(other.smtp_tls),
            smtp_username: self.smtp_username.or(other.smtp_username),
            smtp_password: self.smtp_password.or(other.smtp_password),
            mail_from: self.mail_from.or(other.mail_from),
            rate_limit_per_ip: self.rate_limit_per_ip.or(other.rate_limit_per_ip),
            rate_limit_burst: self.rate_limit_burst.or(other.rate_limit_burst),
            creates_per_ip_per_hour: self
                .creates_per_ip_per_hour
                .or(other.creates_per_ip_per_hour),
            creates_per_recipient_per_hour: self
                .creates_per_recipient_per_hour
                .or(other.creates_per_recipient_per_hour),
            request_timeout: self.request_timeout.or(other.request_timeout),
            max_concurrent_requests: self
                .max_concurrent_requests
                .or(other.max_concurrent_requests),
            header_timeout: self.header_timeout.or(other.header_timeout),
            idle_timeout: self.idle_timeout.or(other.idle_timeout),
            max_connections_per_ip: self.max_connections_per_ip.or(other.max_connections_per_ip),
            purge_interval: self.purge_interval.or(other.purge_interval),
            deposits_per_sender_per_minute: self
                .deposits_per_sender_per_minute
                .or(other.deposits_per_sender_per_minute),
            mailbox_max_messages: self.mailbox_max_messages.or(other.mailbox_max_messages),
            mailbox_max_bytes: self.mailbox_max_bytes.or(other.mailbox_max_bytes),
            require_verified_email_to_invite: self
                .require_verified_email_to_invite
                .or(other.require_verified_email_to_invite),
        }
    }

    /// Applies the defaults and checks the combination.
    pub fn resolve(self) -> Result<RelayConfig, ConfigError> {
        let defaults = Limits::default();
        let public_url = match self.public_url {
            Some(url) => Some(normalize_public_url(&url)?),
            None => None,
        };
        let has_parts = self.smtp_port.is_some()
            || self.smtp_tls.is_some()
            || self.smtp_username.is_some()
            || self.smtp_password.is_some();
        let smtp = match (self.smtp_url, self.smtp_host) {
            (Some(_), Some(_)) => return Err(ConfigError::SmtpTwice),
            (Some(url), None) => Some(SmtpSettings::Url(Zeroizing::new(url))),
            (None, Some(host)) => {
                let tls = self.smtp_tls.unwrap_or(SmtpTls::Starttls);
                let port = self.smtp_port.unwrap_or(match tls {
                    SmtpTls::Starttls => 587,
                    SmtpTls::Tls => 465,
                    SmtpTls::None => 25,
                });
                Some(SmtpSettings::Server {
                    host,
                    port,
                    tls,
                    username: self.smtp_username,
                    password: self.smtp_password.map(Zeroizing::new),
                })
            }
            (None, None) if has_parts => return Err(ConfigError::SmtpHost),
            (None, None) => None,
        };
        let fallback_listen = SocketAddr::from(([127, 0, 0, 1], 8080));
        let request_timeout = self
            .request_timeout
            .map_or(defaults.request_timeout, Duration::from_secs);
        let idle_timeout = self
            .idle_timeout
            .map_or(defaults.idle_timeout, Duration::from_secs);
        if idle_timeout <= request_timeout {
            return Err(ConfigError::IdleTimeout);
        }
        Ok(RelayConfig {
            listen: self.listen.unwrap_or(fallback_listen),
            database_url: self.database.unwrap_or_else(|| DEFAULT_DATABASE.to_owned()),
            outbox: self.outbox,
            public_url,
            smtp,
            mail_from: self
                .mail_from
                .unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned()),
            limits: Limits {
                requests_per_second_per_ip: self
                    .rate_limit_per_ip
                    .unwrap_or(defaults.requests_per_second_per_ip),
                burst_per_ip: self.rate_limit_burst.unwrap_or(defaults.burst_per_ip),
                creates_per_hour_per_ip: self
                    .creates_per_ip_per_hour
                    .unwrap_or(defaults.creates_per_hour_per_ip),
                creates_per_hour_per_recipient: self
                    .creates_per_recipient_per_hour
                    .unwrap_or(defaults.creates_per_hour_per_recipient),
                request_timeout,
                max_concurrent_requests: self
                    .max_concurrent_requests
                    .unwrap_or(defaults.max_concurrent_requests),
                deposits_per_minute_per_sender: self
                    .deposits_per_sender_per_minute
                    .unwrap_or(defaults.deposits_per_minute_per_sender),
                mailbox_max_messages: self
                    .mailbox_max_messages
                    .unwrap_or(defaults.mailbox_max_messages),
                mailbox_max_bytes: self.mailbox_max_bytes.unwrap_or(defaults.mailbox_max_bytes),
                require_verified_email_to_invite: self
                    .require_verified_email_to_invite
                    .unwrap_or(defaults.require_verified_email_to_invite),
                header_read_timeout: self
                    .header_timeout
                    .map_or(defaults.header_read_timeout, Duration::from_secs),
                idle_timeout,
                max_connections_per_ip: self
                    .max_connections_per_ip
                    .unwrap_or(defaults.max_connections_per_ip),
            },
            purge_interval: Duration::from_secs(self.purge_interval.unwrap_or(60).max(1)),
        })
    }
}

/// `sqlite://PATH?mode=rwc` with the path percent-encoded (sqlx decodes it), so folders such
/// as "Application Support" work.
pub fn sqlite_url(path: &Path) -> String {
    let mut url = String::from("sqlite://");
    for byte in path.as_os_str().as_encoded_bytes() {
        if byte.is_ascii_alphanumeric() || b"/._~-".contains(byte) {
            url.push(char::from(*byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url.push_str("?mode=rwc");
    url
}

/// `https://host[:port]` with no trailing slash, path, query or fragment.
pub fn normalize_public_url(url: &str) -> Result<String, ConfigError> {
    let trimmed = url.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or(ConfigError::PublicUrl)?;
    let host_ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    if host_ok {
        Ok(trimmed.to_owned())
    } else {
        Err(ConfigError::PublicUrl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_defaults_fill_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("relay.json");
        std::fs::write(
            &file,
            r#"{"listen": "127.0.0.1:9000", "outbox": "/srv/outbox", "smtp_host": "mail.example.org"}"#,
        )
        .unwrap();
        let settings = Settings::parse_from([
            "keypost-relay",
            "--config",
            file.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ]);
        let config = settings.with_file().unwrap().resolve().unwrap();
        assert_eq!(config.listen, "127.0.0.1:0".parse().unwrap());
        assert_eq!(config.outbox, Some(PathBuf::from("/srv/outbox")));
        assert_eq!(config.database_url, DEFAULT_DATABASE);
        assert!(matches!(
            config.smtp,
            Some(SmtpSettings::Server {
                port: 587,
                tls: SmtpTls::Starttls,
                ..
            })
        ));
    }

    #[test]
    fn connection_bounds_have_defaults_and_the_idle_timeout_outlasts_a_request() {
        let config = Settings::parse_from(["keypost-relay"]).resolve().unwrap();
        assert_eq!(config.limits.header_read_timeout, Duration::from_secs(10));
        assert_eq!(config.limits.idle_timeout, Duration::from_secs(60));
        assert_eq!(config.limits.max_connections_per_ip, 64);
        let settings = Settings::parse_from([
            "keypost-relay",
            "--header-timeout",
            "2",
            "--max-connections-per-ip",
            "0",
        ]);
        let config = settings.resolve().unwrap();
        assert_eq!(config.limits.header_read_timeout, Duration::from_secs(2));
        assert_eq!(config.limits.max_connections_per_ip, 0);
        let too_short = Settings::parse_from(["keypost-relay", "--idle-timeout", "15"]);
        assert!(matches!(too_short.resolve(), Err(ConfigError::IdleTimeout)));
    }

    #[test]
    fn sqlite_urls_escape_spaces_and_url_syntax() {
        assert_eq!(
            sqlite_url(Path::new("/home/a b/Application Support/r#1?.db")),
            "sqlite:///home/a%20b/Application%20Support/r%231%3F.db?mode=rwc"
        );
    }

    #[test]
    fn public_url_must_be_a_bare_origin() {
        assert_eq!(
            normalize_public_url("https://relay.example.org/").unwrap(),
            "https://relay.example.org"
        );
        assert!(normalize_public_url("ftp://x").is_err());
        assert!(normalize_public_url("https://x/p?a=b").is_err());
    }
}
