//! The emails the relay sends — the pickup notification and the inbox's email verification
//! code — through SMTP (lettre) when configured, else, when an outbox folder is configured, as
//! one `.eml` file per email there (for tests and local development), else not at all: a relay
//! without a mail server says so ([`Mailer::can_send`], `GET /api/v1/capabilities`) and its
//! senders deliver their links themselves.
//!
//! The email must carry the full link with the secret fragment `#S`, so the relay holds S for
//! the moment it builds and sends this email: it arrives in the create request, is checked,
//! pasted into the two bodies and dropped; it is never stored in the database, written to a
//! log or put in an error. The copies inside lettre's message buffers are freed but not wiped
//! (lettre owns them); ours are wiped with `zeroize`. S alone does not open a pickup: the
//! encryption key also mixes in the PIN (and the optional passphrase), which the relay never
//! sees. An outbox folder of course holds the links until the files are removed, next to the
//! database that holds the verifiers: together they give away every live pickup's PIN, which is
//! why no relay writes one unless it is configured to.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use keypost_protocol::email::EmailAddress;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rand::RngCore;
use time::OffsetDateTime;
use time::macros::format_description;
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid email address")]
    Address,
    #[error("building the email failed: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP configuration or delivery failed: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("writing to the outbox failed: {0}")]
    Outbox(#[from] std::io::Error),
    #[error("this relay has no mail server")]
    Unavailable,
}

impl MailError {
    /// A log-safe label: SMTP replies may quote addresses, so only the kind is logged.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Address => "address",
            Self::Build(_) => "build",
            Self::Smtp(_) => "smtp",
            Self::Outbox(_) => "outbox",
            Self::Unavailable => "unavailable",
        }
    }
}

/// How TLS is used with the SMTP server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Upgrade with STARTTLS, refuse to send without it (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No TLS at all: only for a server on loopback (tests, a local MTA).
    None,
}

/// Where SMTP mail goes. The password never appears in `Debug` output.
#[derive(Clone)]
pub enum SmtpSettings {
    /// `smtp://user:pass@host:port` (plain, or `?tls=required` for STARTTLS) or `smtps://…`.
    Url(Zeroizing<String>),
    Server {
        host: String,
        port: u16,
        tls: SmtpTls,
        username: Option<String>,
        password: Option<Zeroizing<String>>,
    },
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Url(_) => f.write_str("SmtpSettings::Url(<redacted>)"),
            Self::Server {
                host, port, tls, ..
            } => f
                .debug_struct("SmtpSettings::Server")
                .field("host", host)
                .field("port", port)
                .field("tls", tls)
                .finish_non_exhaustive(),
        }
    }
}

/// Where a notification went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Smtp,
    Outbox(PathBuf),
}

/// What the email says. `link` holds the secret fragment and is wiped on drop.
pub struct Notice<'a> {
    pub recipient: &'a str,
    pub sender_name: &'a str,
    pub message: &'a str,
    pub link: Zeroizing<String>,
    pub expires_at: OffsetDateTime,
    pub max_views: Option<u32>,
}

pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

enum Transport {
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
    Outbox {
        dir: PathBuf,
        /// Emails are written one at a time: threads creating files in one folder at once
        /// spin on the folder's lock, which cost more than the writes themselves.
        one_writer: tokio::sync::Mutex<()>,
    },
    /// No mail server and no outbox: every email is refused with [`MailError::Unavailable`].
    Unavailable,
}

impl Mailer {
    /// `from` is a mailbox such as `Keypost <keypost@example.org>`.
    /// SMTP wins over an outbox when both are configured.
    pub fn new(
        from: &str,
        smtp: Option<&SmtpSettings>,
        outbox: Option<&Path>,
    ) -> Result<Self, MailError> {
        let from: Mailbox = from.parse().map_err(|_| MailError::Address)?;
        let transport = match (smtp, outbox) {
            (Some(settings), _) => Transport::Smtp(Box::new(smtp_transport(settings)?)),
            (None, Some(dir)) => Transport::Outbox {
                dir: dir.to_path_buf(),
                one_writer: tokio::sync::Mutex::new(()),
            },
            (None, None) => Transport::Unavailable,
        };
        Ok(Self { from, transport })
    }

    /// Whether this relay sends emails at all.
    pub fn can_send(&self) -> bool {
        !matches!(self.transport, Transport::Unavailable)
    }

    /// A short description for the startup log (no credentials).
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "SMTP".to_owned(),
            Transport::Outbox { dir, .. } => format!("outbox folder {}", dir.display()),
            Transport::Unavailable => "none (senders deliver their links themselves)".to_owned(),
        }
    }

    pub async fn send(&self, notice: Notice<'_>) -> Result<Delivery, MailError> {
        // The create request was checked already; checked again here because this is where the
        // address becomes a mail header.
        EmailAddress::parse(notice.recipient).map_err(|_| MailError::Address)?;
        let address: Address = notice.recipient.parse().map_err(|_| MailError::Address)?;
        let (plain, html) = render(&notice);
        let email = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, address))
            .raw_header(encoded_subject(format!(
                "{} sent you passwords with Keypost",
                notice.sender_name
            )))
            .multipart(MultiPart::alternative_plain_html(
                plain.to_string(),
                html.to_string(),
            ))?;
        self.deliver(email).await
    }

    /// Emails an inbox verification code. The email says only the code and how long it is
    /// valid: no link, no account, no name.
    pub async fn send_code(
        &self,
        recipient: &EmailAddress,
        code: &str,
        valid_minutes: u64,
    ) -> Result<Delivery, MailError> {
        let address: Address = recipient.as_str().parse().map_err(|_| MailError::Address)?;
        let body = Zeroizing::new(format!(
            "Your Keypost verification code is {code}.\n\n\
             It is valid for {valid_minutes} minutes.\n"
        ));
        let email = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, address))
            .subject("Your Keypost verification code")
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())?;
        self.deliver(email).await
    }

    async fn deliver(&self, email: Message) -> Result<Delivery, MailError> {
        match &self.transport {
            Transport::Smtp(transport) => {
                transport.send(email).await?;
                Ok(Delivery::Smtp)
            }
            Transport::Outbox { dir, one_writer } => {
                let bytes = Zeroizing::new(email.formatted());
                let dir = dir.clone();
                let _turn = one_writer.lock().await;
                // One trip to the blocking pool for the whole file, not one per call.
                let written = tokio::task::spawn_blocking(move || write_to_outbox(&dir, &bytes))
                    .await
                    .map_err(std::io::Error::other)??;
                Ok(Delivery::Outbox(written))
            }
            Transport::Unavailable => Err(MailError::Unavailable),
        }
    }
}

fn smtp_transport(
    settings: &SmtpSettings,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    match settings {
        SmtpSettings::Url(url) => Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build()),
        SmtpSettings::Server {
            host,
            port,
            tls,
            username,
            password,
        } => {
            let tls = match tls {
                SmtpTls::None => Tls::None,
                SmtpTls::Starttls => Tls::Required(TlsParameters::new(host.clone())?),
                SmtpTls::Tls => Tls::Wrapper(TlsParameters::new(host.clone())?),
            };
            let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .port(*port)
                .tls(tls);
            if let Some(user) = username {
                let secret = password.as_ref().map(|p| p.to_string()).unwrap_or_default();
                builder = builder.credentials(Credentials::new(user.clone(), secret));
            }
            Ok(builder.build())
        }
    }
}

/// Bytes of text in one encoded-word: its 64 characters (`=?utf-8?b?` + base64 of 39 bytes +
/// `?=`) after `Subject: ` stay within RFC 2047's 76-character line.
const ENCODED_WORD_BYTES: usize = 39;

/// A `Subject:` header holding `subject` entirely as RFC 2047 encoded-words (UTF-8, base64),
/// one word a line.
///
/// lettre encodes only the words of a header that are not plain ASCII, so a sender name shaped
/// like an encoded-word (`=?utf-8?q?=0D=0A?=`) would go out raw and mail clients would decode
/// it into whatever it encodes, line breaks included. Encoded whole, the subject leaves a
/// client nothing to decode but our own words. Each word holds whole characters (RFC 2047
/// section 5), and the folding between words is ignored when decoding, so the subject decodes
/// to exactly `subject`.
fn encoded_subject(subject: String) -> HeaderValue {
    let mut words = Vec::new();
    let mut start = 0;
    for (index, c) in subject.char_indices() {
        if index + c.len_utf8() - start > ENCODED_WORD_BYTES {
            words.push(&subject[start..index]);
            start = index;
        }
    }
    words.push(&subject[start..]);
    let encoded = words
        .iter()
        .map(|word| format!("=?utf-8?b?{}?=", STANDARD.encode(word)))
        .collect::<Vec<_>>()
        .join("\r\n ");
    // Safe: the encoded value is base64 and ASCII punctuation, folded with CRLF + space.
    HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str("Subject"),
        subject,
        encoded,
    )
}

/// Writes the email under a random name: first as `.tmp`, then renamed, so a reader of the
/// folder never sees half a file.
fn write_to_outbox(dir: &Path, bytes: &[u8]) -> Result<PathBuf, std::io::Error> {
    std::fs::create_dir_all(dir)?;
    let mut random = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let stamp = OffsetDateTime::now_utc().unix_timestamp();
    let name = format!("{stamp}-{}", keypost_protocol::b64::encode(&random));
    let temporary = dir.join(format!("{name}.tmp"));
    let path = dir.join(format!("{name}.eml"));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, &path)?;
    Ok(path)
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The plain text and HTML bodies; both carry exactly the same link.
fn render(notice: &Notice<'_>) -> (Zeroizing<String>, Zeroizing<String>) {
    let expiry = notice
        .expires_at
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_else(|_| notice.expires_at.unix_timestamp().to_string());
    let views = match notice.max_views {
        Some(1) => " and can be opened once".to_owned(),
        Some(n) => format!(" and can be opened {n} times"),
        None => String::new(),
    };
    let name = notice.sender_name;
    let link: &str = &notice.link;
    let message_plain = if notice.message.is_empty() {
        String::new()
    } else {
        format!("Message from {name}:\n\n{}\n\n", notice.message)
    };
    let plain = Zeroizing::new(format!(
        "{name} sent you passwords with Keypost.\n\n{message_plain}\
         Open this link to pick them up:\n{link}\n\n\
         {name} will tell you the PIN separately, for example by phone or SMS. \
         Nobody from Keypost will ever ask you for it. You have 3 tries.\n\n\
         The link works until {expiry}{views}. After that, or after 3 wrong PINs, \
         the passwords are deleted for good.\n\n\
         If you did not expect this email, you can ignore it.\n"
    ));
    let name_html = escape_html(name);
    let link_html = escape_html(link);
    let message_html = if notice.message.is_empty() {
        String::new()
    } else {
        format!(
            "<p>Message from {name_html}:</p>\n<blockquote style=\"white-space: pre-wrap\">{}</blockquote>\n",
            escape_html(notice.message)
        )
    };
    let html = Zeroizing::new(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Passwords from {name_html}</title></head>\n<body>\n\
         <p><strong>{name_html}</strong> sent you passwords with Keypost.</p>\n{message_html}\
         <p>Open this link to pick them up:<br>\n<a href=\"{link_html}\">{link_html}</a></p>\n\
         <p>{name_html} will tell you the PIN separately, for example by phone or SMS. \
         Nobody from Keypost will ever ask you for it. You have 3 tries.</p>\n\
         <p>The link works until {expiry}{views}. After that, or after 3 wrong PINs, \
         the passwords are deleted for good.</p>\n\
         <p>If you did not expect this email, you can ignore it.</p>\n</body></html>\n"
    ));
    (plain, html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_is_encoded_whole_in_short_words_of_whole_characters() {
        let subject = format!("=?utf-8?q?=0D=0A?= {} sent you passwords", "é🔑".repeat(20));
        let email = Message::builder()
            .from("a@example.org".parse().unwrap())
            .to("b@example.org".parse().unwrap())
            .raw_header(encoded_subject(subject.clone()))
            .body(String::new())
            .unwrap();
        let text = String::from_utf8(email.formatted()).unwrap();
        let start = text.find("Subject: ").unwrap();
        let header: Vec<&str> = text[start..]
            .split("\r\n")
            .take_while(|line| line.starts_with("Subject: ") || line.starts_with(' '))
            .collect();
        assert!(header.len() > 2, "{header:?}");
        let mut decoded = Vec::new();
        for line in &header {
            assert!(line.len() <= 76, "{line}");
            let word = line.trim_start_matches("Subject: ").trim_start();
            let inner = word
                .strip_prefix("=?utf-8?b?")
                .and_then(|rest| rest.strip_suffix("?="))
                .unwrap();
            let bytes = STANDARD.decode(inner).unwrap();
            assert!(
                std::str::from_utf8(&bytes).is_ok(),
                "a word splits a character"
            );
            decoded.extend(bytes);
        }
        assert_eq!(String::from_utf8(decoded).unwrap(), subject);
    }

    #[test]
    fn both_bodies_carry_the_same_link_and_escape_the_sender() {
        let notice = Notice {
            recipient: "bo@example.org",
            sender_name: "Ada <script>",
            message: "Hi & welcome",
            link: Zeroizing::new("http://127.0.0.1:1/p/abc#SECRET".to_owned()),
            expires_at: OffsetDateTime::UNIX_EPOCH,
            max_views: Some(2),
        };
        let (plain, html) = render(&notice);
        assert!(plain.contains("http://127.0.0.1:1/p/abc#SECRET"));
        assert!(html.contains("href=\"http://127.0.0.1:1/p/abc#SECRET\""));
        assert!(html.contains("Ada &lt;script&gt;"));
        assert!(html.contains("Hi &amp; welcome"));
        assert!(!html.contains("<img"));
        assert!(plain.contains("1970-01-01 00:00 UTC and can be opened 2 times"));
    }
}
