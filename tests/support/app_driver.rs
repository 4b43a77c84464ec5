//! Runs the real desktop app under WebDriver: an Xvfb display (started here when `DISPLAY` is
//! unset, so CI needs no `xvfb-run`), `tauri-driver` on fresh loopback ports (it starts
//! Debian's `WebKitWebDriver`), and a fantoccini session that launches the built binary with
//! its vault, config and export folders inside a temporary directory.
//!
//! Shared by the e2e tests (`tests/e2e_*.rs`) and the app benchmark (`tests/app_bench.rs`);
//! each of them uses a part of it.
#![allow(
    dead_code,
    reason = "compiled into several test targets, each using a part"
)]

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::private_bus::PrivateBus;

pub const WAIT: Duration = Duration::from_secs(60);
const SETTLE_BEFORE_SCREENSHOT: Duration = Duration::from_millis(1_500);

/// An X display for the app: the existing `DISPLAY`, or a private Xvfb stopped on drop.
pub struct Display {
    pub name: String,
    xvfb: Option<Child>,
}

impl Display {
    pub fn start() -> Display {
        if let Ok(name) = std::env::var("DISPLAY")
            && !name.is_empty()
        {
            return Display { name, xvfb: None };
        }
        for number in 90..190 {
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
            let lock = PathBuf::from(format!("/tmp/.X{number}-lock"));
            if socket.exists() || lock.exists() {
                continue;
            }
            let name = format!(":{number}");
            let child = Command::new("Xvfb")
                .args([
                    name.as_str(),
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb must be installed (apt install xvfb)");
            let started = Instant::now();
            while !socket.exists() && started.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(socket.exists(), "Xvfb {name} did not start");
            return Display {
                name,
                xvfb: Some(child),
            };
        }
        panic!("no free X display number between :90 and :189");
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(child) = self.xvfb.as_mut() {
            terminate(child);
        }
    }
}

/// Sends SIGTERM and waits: tauri-driver only stops its WebKitWebDriver on SIGTERM, and an
/// orphaned driver would keep its port.
fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The parent of process `pid` (Linux: the field after the state in `/proc/PID/stat`).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = stat.get(stat.rfind(')')? + 2..)?;
    after_name.split(' ').nth(1)?.parse().ok()
}

/// The process running `binary` that descends from `root`.
fn app_process(root: u32, binary: &Path) -> Option<u32> {
    let binary = binary.canonicalize().ok()?;
    descendants(root)
        .into_iter()
        .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
}

/// Every running process below `root` (children, their children, …).
fn descendants(root: u32) -> Vec<u32> {
    let descends_from_root = |pid: u32| {
        let mut current = pid;
        while let Some(parent) = parent_of(current) {
            if parent == root {
                return true;
            }
            if parent <= 1 {
                return false;
            }
            current = parent;
        }
        false
    };
    std::fs::read_dir("/proc")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
                .filter(|&pid| descends_from_root(pid))
                .collect()
        })
        .unwrap_or_default()
}

/// Waits up to 10 s for these processes to end (a zombie has ended: it only waits to be
/// reaped, and may never be where pid 1 does not reap).
fn wait_until_gone(pids: &[u32]) {
    let running = |pid: &u32| {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            let state = stat.rfind(')').and_then(|end| stat.get(end + 2..end + 3));
            state != Some("Z")
        })
    };
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) && pids.iter().any(running) {
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

fn tauri_driver_path() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_default();
    let installed = cargo_home.join("bin").join("tauri-driver");
    if installed.exists() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// The folders one app run uses; all inside one temporary directory.
pub struct AppDirs {
    pub root: tempfile::TempDir,
}

impl AppDirs {
    pub fn new() -> AppDirs {
        AppDirs {
            root: tempfile::tempdir().expect("temporary directory"),
        }
    }
    pub fn vault(&self) -> PathBuf {
        self.root.path().join("vault.keypost")
    }
    pub fn exports(&self) -> PathBuf {
        self.root.path().join("exports")
    }
    /// The folder of the app's built-in relay (its database, and nothing else).
    pub fn built_in_relay(&self) -> PathBuf {
        self.root
            .path()
            .join("data")
            .join(APP_IDENTIFIER)
            .join("relay")
    }

    /// Writes the app's settings file before it starts (as the Settings tab would).
    pub fn write_settings(&self, settings: &serde_json::Value) {
        let dir = self.root.path().join("config").join(APP_IDENTIFIER);
        std::fs::create_dir_all(&dir).expect("config folder");
        std::fs::write(dir.join("settings.json"), settings.to_string()).expect("settings file");
    }
}

/// The tests of one binary take turns: two apps with their WebKit processes, each test's
/// Argon2 runs and Xvfb on a 2-core machine make WebKitWebDriver call a slow page crashed or
/// hung ("session deleted because of page crash or hang"). A test that drives two instances
/// takes one turn for both.
static ONE_TEST_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Waits for this test's turn; hold the guard until the test ends.
pub async fn my_turn() -> tokio::sync::MutexGuard<'static, ()> {
    ONE_TEST_AT_A_TIME.lock().await
}

/// `identifier` in tauri.conf.json: names the app's config and data folders.
const APP_IDENTIFIER: &str = "app.keypost.desktop";

/// A running tauri-driver and a WebDriver session on the app.
pub struct AppSession {
    pub client: Client,
    /// When the session (and so the app's launch) was requested, after the driver was ready.
    pub launched_at: Instant,
    driver: Child,
    display: Display,
    /// The app finds an already running instance of itself through the session bus
    /// (tauri-plugin-single-instance), and the screen saver announces itself there (auto-lock);
    /// each session gets its own, as a login session would.
    pub session_bus: PrivateBus,
    /// In the role of the system bus, where logind announces suspend (auto-lock).
    pub system_bus: PrivateBus,
}

/// The environment of the app under test: display, private session and system buses, and its
/// folders.
fn app_environment(
    display: &Display,
    session_bus: &PrivateBus,
    system_bus: &PrivateBus,
    dirs: &AppDirs,
) -> Vec<(&'static str, std::ffi::OsString)> {
    vec![
        ("DISPLAY", display.name.clone().into()),
        (
            "DBUS_SESSION_BUS_ADDRESS",
            session_bus.address.clone().into(),
        ),
        ("DBUS_SYSTEM_BUS_ADDRESS", system_bus.address.clone().into()),
        ("KEYPOST_VAULT", dirs.vault().into()),
        ("KEYPOST_E2E_SAVE_DIR", dirs.exports().into()),
        ("XDG_CONFIG_HOME", dirs.root.path().join("config").into()),
        ("XDG_DATA_HOME", dirs.root.path().join("data").into()),
        ("XDG_CACHE_HOME", dirs.root.path().join("cache").into()),
    ]
}

/// Waits until something listens on `port`, so launch timings exclude the driver's start.
async fn wait_for_port(port: u16) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < WAIT,
            "tauri-driver did not listen on {port}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl AppSession {
    /// Starts the display, tauri-driver and the app `binary`, with `KEYPOST_VAULT` and the
    /// dialog bypass folder from `dirs`.
    pub async fn launch(binary: &Path, dirs: &AppDirs) -> AppSession {
        Self::launch_with_args(binary, dirs, &[]).await
    }

    /// [`Self::launch`], with command-line arguments for the app (as the OS passes a link).
    pub async fn launch_with_args(binary: &Path, dirs: &AppDirs, args: &[&str]) -> AppSession {
        let display = Display::start();
        let session_bus = PrivateBus::start();
        let system_bus = PrivateBus::start();
        std::fs::create_dir_all(dirs.exports()).expect("exports folder");
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new(tauri_driver_path())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .envs(app_environment(&display, &session_bus, &system_bus, dirs))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver must be installed: cargo install tauri-driver --locked");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "wry".into());
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary, "args": args }),
        );
        let url = format!("http://127.0.0.1:{port}");
        wait_for_port(port).await;
        let started = Instant::now();
        let client = loop {
            let attempt = ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await;
            match attempt {
                Ok(client) => break client,
                Err(error) if started.elapsed() > WAIT => {
                    panic!("cannot start a WebDriver session on the app: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        AppSession {
            client,
            launched_at: started,
            driver,
            display,
            session_bus,
            system_bus,
        }
    }

    /// Starts `binary` once more with `args`, in this session's display, bus and folders (as
    /// the OS does for a clicked link), and returns how it exited: a second instance hands its
    /// arguments to the running one and ends.
    pub fn start_again(
        &self,
        binary: &Path,
        dirs: &AppDirs,
        args: &[&str],
    ) -> std::process::ExitStatus {
        let mut second = Command::new(binary)
            .args(args)
            .envs(app_environment(
                &self.display,
                &self.session_bus,
                &self.system_bus,
                dirs,
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the app again");
        let started = Instant::now();
        loop {
            if let Some(status) = second.try_wait().expect("wait for the second instance") {
                return status;
            }
            if started.elapsed() > WAIT {
                let _ = second.kill();
                let _ = second.wait();
                panic!("the second instance did not hand over and exit");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The X display the app shows on (another process reads its clipboard there).
    pub fn display_name(&self) -> &str {
        &self.display.name
    }

    /// Kills the app process itself with SIGKILL (no cleanup at all, as a crash or a power cut
    /// would): the process running `binary` below this session's tauri-driver.
    pub fn kill_app(&self, binary: &Path) {
        let pid = app_process(self.driver.id(), binary)
            .unwrap_or_else(|| panic!("no {} process under tauri-driver", binary.display()));
        let status = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -KILL {pid} failed");
    }

    /// Ends the session (closing the app) and stops the driver; returns once the app and
    /// every other process under the driver have ended, so the vault is free to open.
    pub async fn quit(mut self) {
        let family = descendants(self.driver.id());
        let _ = self.client.clone().close().await;
        terminate(&mut self.driver);
        wait_until_gone(&family);
    }

    /// Runs a script in the page, retrying until `WAIT` while WebKitWebDriver answers with an
    /// error (it answers a script sent while the page is busy with an empty "unknown error").
    pub async fn run_script(&self, script: &str) {
        let started = Instant::now();
        loop {
            match self.client.execute(script, vec![]).await {
                Ok(_) => return,
                Err(error) if started.elapsed() > WAIT => panic!("script failed: {error:?}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// The value `script` returns (`null` when it fails).
    pub async fn evaluate(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or(serde_json::Value::Null)
    }

    /// Waits for the element with this test id. Every error is retried until `WAIT`, not only
    /// "no such element": WebKitWebDriver answers a find issued while the page re-renders (a
    /// dialog opening) with an error whose message is empty, and that is as transient.
    pub async fn element(&self, testid: &str) -> fantoccini::elements::Element {
        let selector = format!("[data-testid='{testid}']");
        let started = Instant::now();
        loop {
            match self.client.find(Locator::Css(&selector)).await {
                Ok(element) => return element,
                Err(error) if started.elapsed() > WAIT => {
                    self.fail(testid, &format!("no such element: {error:?}"))
                        .await
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Clicks, retrying while the element is not yet clickable (still rendering or moving).
    pub async fn click(&self, testid: &str) {
        let started = Instant::now();
        loop {
            let result = self.element(testid).await.click().await;
            match result {
                Ok(()) => return,
                Err(error) if started.elapsed() > WAIT => {
                    self.fail(testid, &format!("cannot click: {error}")).await
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Fails the test, saving a screenshot of the window to look at.
    async fn fail(&self, testid: &str, problem: &str) -> ! {
        let picture = std::env::temp_dir().join(format!("keypost-e2e-{testid}.png"));
        self.screenshot(&picture).await;
        panic!("{testid}: {problem} (window: {})", picture.display())
    }

    /// Clicks the first element with this test id whose text contains `text`, retrying until
    /// one is there and clickable.
    pub async fn click_containing(&self, testid: &str, text: &str) {
        let selector = format!("[data-testid='{testid}']");
        let started = Instant::now();
        loop {
            let found = self.client.find_all(Locator::Css(&selector)).await;
            for element in found.unwrap_or_default() {
                let content = element.prop("textContent").await.ok().flatten();
                if content.is_some_and(|content| content.contains(text))
                    && element.click().await.is_ok()
                {
                    return;
                }
            }
            if started.elapsed() > WAIT {
                self.fail(testid, &format!("nothing containing {text:?} to click"))
                    .await
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Clicks element number `index` (from 0, in document order) with this test id.
    pub async fn click_nth(&self, testid: &str, index: usize) {
        let selector = format!("[data-testid='{testid}']");
        let started = Instant::now();
        loop {
            let found = self.client.find_all(Locator::Css(&selector)).await;
            if let Some(element) = found.unwrap_or_default().get(index)
                && element.click().await.is_ok()
            {
                return;
            }
            if started.elapsed() > WAIT {
                self.fail(testid, &format!("no clickable element number {index}"))
                    .await
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Clicks the element matching a CSS selector (for rows told apart by an attribute).
    pub async fn click_css(&self, selector: &str) {
        let started = Instant::now();
        loop {
            let clicked = match self.client.find(Locator::Css(selector)).await {
                Ok(element) => element.click().await.is_ok(),
                Err(_) => false,
            };
            if clicked {
                return;
            }
            if started.elapsed() > WAIT {
                self.fail("css", &format!("cannot click {selector}")).await
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Picks the radio or checkbox inside the element matching `selector`, clicking again
    /// until it is checked: a click that lands while the layout moves is not a choice.
    pub async fn choose_css(&self, selector: &str) {
        let checked = format!("{selector} input:checked");
        let started = Instant::now();
        loop {
            self.click_css(selector).await;
            if self.client.find(Locator::Css(&checked)).await.is_ok() {
                return;
            }
            if started.elapsed() > WAIT {
                self.fail("css", &format!("{selector} stays unchecked"))
                    .await
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The value of `attribute` on every element with this test id, in document order.
    pub async fn attributes(&self, testid: &str, attribute: &str) -> Vec<String> {
        let script = "return Array.from(document.querySelectorAll(arguments[0]), \
                      (element) => element.getAttribute(arguments[1]) ?? '')";
        let selector = serde_json::Value::from(format!("[data-testid='{testid}']"));
        let found = self
            .client
            .execute(script, vec![selector, attribute.into()])
            .await;
        found
            .ok()
            .and_then(|value| serde_json::from_value(value).ok())
            .unwrap_or_default()
    }

    /// Polls until `attributes(testid, attribute)` satisfies `check`.
    pub async fn wait_attributes(
        &self,
        testid: &str,
        attribute: &str,
        check: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let started = Instant::now();
        loop {
            let values = self.attributes(testid, attribute).await;
            if check(&values) {
                return values;
            }
            if started.elapsed() > WAIT {
                self.fail(testid, &format!("{attribute}: last seen {values:?}"))
                    .await
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn type_into(&self, testid: &str, text: &str) {
        self.element(testid)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("cannot type into {testid}: {error}"));
    }

    /// Texts (`textContent`, trimmed) of every element with this test id, in document order.
    /// Read in one script call: WebKitWebDriver's rendered-text command answers "" for rows of
    /// the virtualised list.
    pub async fn texts(&self, testid: &str) -> Vec<String> {
        let script = "return Array.from(document.querySelectorAll(arguments[0]), \
                      (element) => element.textContent.trim())";
        let selector = serde_json::Value::from(format!("[data-testid='{testid}']"));
        let found = self.client.execute(script, vec![selector]).await;
        found
            .ok()
            .and_then(|value| serde_json::from_value(value).ok())
            .unwrap_or_default()
    }

    /// Polls until `texts(testid)` satisfies `check`, failing with what was last seen.
    pub async fn wait_texts(&self, testid: &str, check: impl Fn(&[String]) -> bool) -> Vec<String> {
        self.wait_texts_every(testid, Duration::from_millis(100), check)
            .await
    }

    /// [`Self::wait_texts`] polling every `interval`: benchmarks poll often so the wait adds
    /// little to what they time.
    pub async fn wait_texts_every(
        &self,
        testid: &str,
        interval: Duration,
        check: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let started = Instant::now();
        loop {
            let texts = self.texts(testid).await;
            if check(&texts) {
                return texts;
            }
            if started.elapsed() > WAIT {
                self.fail(testid, &format!("condition not met; last seen {texts:?}"))
                    .await
            }
            tokio::time::sleep(interval).await;
        }
    }

    /// On the first start (no vault yet): creates the vault and waits for the Passwords tab.
    pub async fn create_vault(&self, password: &str) {
        self.type_into("create-password", password).await;
        self.type_into("create-confirm", password).await;
        self.wait_texts("strength-label", |label| {
            label.iter().any(|l| l.to_lowercase().contains("strong"))
        })
        .await;
        self.click("create-submit").await;
        // Unlocked: the navigation is there (the tab shown may be Receive, for an opened link).
        self.element("lock").await;
    }

    /// Adds an entry through the entry window and waits until the list shows it.
    pub async fn add_entry(&self, title: &str, username: &str, password: &str, url: &str) {
        self.click("new-entry").await;
        self.type_into("field-title", title).await;
        self.type_into("field-username", username).await;
        self.type_into("field-password", password).await;
        self.type_into("field-url", url).await;
        self.click("save-entry").await;
        self.wait_texts("entry-title", |titles| titles.iter().any(|t| t == title))
            .await;
    }

    /// The value of an input field.
    pub async fn value(&self, testid: &str) -> String {
        self.element(testid)
            .await
            .prop("value")
            .await
            .unwrap_or_else(|error| panic!("no value of {testid}: {error}"))
            .unwrap_or_default()
    }

    /// Waits until the field `testid` holds `expected`.
    pub async fn wait_value(&self, testid: &str, expected: &str) {
        let started = Instant::now();
        loop {
            let value = self.value(testid).await;
            if value == expected {
                return;
            }
            assert!(
                started.elapsed() < WAIT,
                "{testid} holds {value:?}, not {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG of the window. Waits a moment first: WebKit paints asynchronously, and a
    /// snapshot taken right after typing can show the frame before it.
    pub async fn screenshot(&self, path: &Path) {
        tokio::time::sleep(SETTLE_BEFORE_SCREENSHOT).await;
        let png = self.client.screenshot().await.expect("screenshot");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot folder");
        }
        std::fs::write(path, png).expect("write screenshot");
    }
}

/// The first file in `dir` whose name ends with `suffix`, once there.
pub fn wait_for_file(dir: &Path, suffix: &str) -> PathBuf {
    let started = Instant::now();
    loop {
        let found = std::fs::read_dir(dir)
            .expect("the folder exists")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|path| path.to_string_lossy().ends_with(suffix));
        if let Some(path) = found {
            return path;
        }
        assert!(
            started.elapsed() < WAIT,
            "no *{suffix} in {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
