//! A real SMTP server for tests: Debian's python3-aiosmtpd running `fixtures/smtp_sink.py`,
//! which saves each message as `<n>.eml`, its decoded plain-text body as `<n>.txt` and its
//! decoded Subject as `<n>.subject`.
//! Shared by the relay's mail tests and the desktop app's sharing e2e (`tests/e2e_sharing.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's interpreter: python3-aiosmtpd is installed for it, not for other Pythons on PATH.
const SYSTEM_PYTHON: &str = "/usr/bin/python3";

/// How long a test waits for a message to arrive.
const ARRIVAL: Duration = Duration::from_secs(30);

/// The SMTP server on a free loopback port, terminated on drop.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    folder: tempfile::TempDir,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let probe = Command::new(SYSTEM_PYTHON)
            .args(["-c", "import aiosmtpd"])
            .status()
            .unwrap();
        assert!(
            probe.success(),
            "python3-aiosmtpd is missing: run `scripts/dev setup` (Debian package python3-aiosmtpd)"
        );
        let folder = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap()
            .port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(relay_crate_dir())
            .join("tests/fixtures/smtp_sink.py");
        let mut child = Command::new(SYSTEM_PYTHON)
            .arg(script)
            .arg(port.to_string())
            .arg(folder.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        SmtpSink {
            child,
            port,
            folder,
        }
    }

    /// The first message as received (headers and MIME parts), once it has arrived.
    pub fn first_message(&self) -> String {
        self.read_when_there("1.eml")
    }

    /// The decoded plain-text body of the first message, once it has arrived.
    pub fn first_message_text(&self) -> String {
        self.message_text(1)
    }

    /// The decoded plain-text body of message `number` (from 1), once it has arrived.
    pub fn message_text(&self, number: usize) -> String {
        self.read_when_there(&format!("{number}.txt"))
    }

    /// The Subject of the first message as a mail client decodes it, once it has arrived.
    pub fn first_message_subject(&self) -> String {
        self.read_when_there("1.eml");
        self.read_when_there("1.subject")
    }

    fn read_when_there(&self, name: &str) -> String {
        let path = self.folder.path().join(name);
        let started = Instant::now();
        while !path.exists() {
            assert!(started.elapsed() < ARRIVAL, "no email arrived");
            std::thread::sleep(Duration::from_millis(50));
        }
        String::from_utf8(std::fs::read(path).unwrap()).unwrap()
    }
}

/// This file's crate relative to the crate that includes it (the relay, or the workspace
/// root for the app's e2e tests).
fn relay_crate_dir() -> &'static str {
    if Path::new(env!("CARGO_MANIFEST_DIR")).ends_with("keypost-relay") {
        ""
    } else {
        "crates/keypost-relay"
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
