//! A private D-Bus bus (`dbus-daemon --session`, Debian `dbus-daemon`), stopped on drop, so
//! tests never touch the machine's own buses. The app e2e tests give each app session one as its
//! session bus (tauri-plugin-single-instance, the screen saver) and one as its system bus
//! (logind); the app's unit tests of the auto-lock signals include this file too.

use std::io::BufRead as _;
use std::process::{Child, Command, Stdio};

pub struct PrivateBus {
    /// The address to connect to, as in `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    daemon: Child,
    _dir: tempfile::TempDir,
}

impl PrivateBus {
    pub fn start() -> PrivateBus {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!(
                "--address=unix:path={}",
                dir.path().join("bus").display()
            ))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon must be installed (apt install dbus-daemon)");
        let mut address = String::new();
        let stdout = daemon.stdout.take().expect("piped stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut address)
            .expect("dbus-daemon prints its address");
        assert!(!address.trim().is_empty(), "dbus-daemon printed no address");
        PrivateBus {
            address: address.trim().to_owned(),
            daemon,
            _dir: dir,
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}
