//! End-to-end test of the desktop app: the real binary, its real vault on disk, driven through
//! WebDriver (tauri-driver + WebKitWebDriver) on an Xvfb display the test starts itself.
//!
//! Needs `ui/dist` built before the app (`npm --prefix ui install && npm --prefix ui run build`),
//! `tauri-driver` (`cargo install tauri-driver --locked`), Debian's `webkit2gtk-driver` and
//! `xvfb`. Run: `cargo test -p keypost-app --test e2e_vault`.
//! Ends with auto-lock: the test plays logind and the screen saver on the app's private buses.
//! Also refreshes docs/screenshots/passwords.png and docs/screenshots/bulk-edit.png.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use fantoccini::Locator;
use fantoccini::key::Key;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::app_driver::{AppDirs, AppSession, WAIT, my_turn, wait_for_file};

const MASTER_PASSWORD: &str = "Tr0ub4dor&3-Keypost-e2e!";

fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
}

fn backspaces(count: usize) -> String {
    std::iter::repeat_n(char::from(Key::Backspace), count).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_fill_bulk_edit_undo_export_lock_and_unlock() {
    let _turn = my_turn().await;
    let dirs = AppDirs::new();
    let app = AppSession::launch(Path::new(env!("CARGO_BIN_EXE_keypost-app")), &dirs).await;

    // A fresh vault path: the app offers to create the vault.
    app.create_vault(MASTER_PASSWORD).await;
    assert!(
        dirs.vault().exists(),
        "the vault is created at KEYPOST_VAULT"
    );

    app.add_entry("GitHub", "ada", "gh-Secret-1", "https://github.com")
        .await;
    app.add_entry(
        "Mail",
        "ada@example.org",
        "=mail+Secret,2",
        "https://mail.example.org",
    )
    .await;
    app.wait_texts("entry-title", |titles| titles.len() == 2)
        .await;
    assert_eq!(app.texts("result-count").await, vec!["2 entries"]);

    // The entry window at 1280×800 under WebKitGTK: the Folder field ends inside it (it ran
    // past the right edge once).
    app.client.set_window_size(1280, 800).await.unwrap();
    app.click_containing("entry-title", "Mail").await;
    app.wait_value("field-title", "Mail").await;
    let (editor_x, _, editor_width, _) =
        app.element("entry-editor").await.rectangle().await.unwrap();
    let (folder_x, _, folder_width, _) =
        app.element("field-folder").await.rectangle().await.unwrap();
    assert!(
        folder_x + folder_width <= editor_x + editor_width,
        "the Folder field ends at {} px, its window at {} px",
        folder_x + folder_width,
        editor_x + editor_width
    );

    // Search as you type, then clear the search.
    app.type_into("search", "git").await;
    app.wait_texts("entry-title", |titles| titles == ["GitHub"])
        .await;
    app.type_into("search", &backspaces(3)).await;
    app.wait_texts("entry-title", |titles| titles.len() == 2)
        .await;
    app.screenshot(&screenshots_dir().join("passwords.png"))
        .await;

    // Bulk edit: select all results, add a tag to both, review, apply.
    app.click("bulk-mode").await;
    app.click("select-all-results").await;
    app.wait_texts("bulk-count", |count| count == ["2 selected"])
        .await;
    app.element("bulk-action")
        .await
        .select_by_value("add_tags")
        .await
        .unwrap();
    app.type_into("bulk-value", "shared").await;
    app.click("bulk-preview").await;
    let summary = app.element("bulk-summary").await.text().await.unwrap();
    assert!(summary.contains("changes 2 of the 2 selected"), "{summary}");
    app.click("bulk-apply").await;
    app.wait_texts("entry-tag", |tags| tags == ["shared", "shared"])
        .await;
    // The entry window open on Mail shows the bulk tag: its old copy is not what a save writes.
    app.wait_value("field-tags", "shared").await;
    app.screenshot(&screenshots_dir().join("bulk-edit.png"))
        .await;

    // Undo takes the tag off both again, and out of the entry window.
    app.click("undo").await;
    app.wait_texts("entry-tag", |tags| tags.is_empty()).await;
    app.wait_value("field-tags", "").await;

    // Export the whole vault as Bitwarden CSV (the save dialog is bypassed into a test folder).
    app.click("open-export").await;
    app.click("export-scope-all").await;
    app.element("export-format")
        .await
        .select_by_value("bitwarden")
        .await
        .unwrap();
    app.click("export-run").await;
    let csv_path = wait_for_file(&dirs.exports(), ".csv");
    let started = Instant::now();
    let csv = loop {
        let text = std::fs::read_to_string(&csv_path).unwrap();
        if text.lines().count() >= 3 || started.elapsed() > WAIT {
            break text;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        csv.contains("GitHub") && csv.contains("gh-Secret-1"),
        "{csv}"
    );
    assert!(
        csv.contains("\"=mail+Secret,2\""),
        "value kept exactly: {csv}"
    );
    assert!(
        !csv.contains("shared"),
        "the undone tag is not exported: {csv}"
    );

    // Lock, then unlock with a wrong and then the right password.
    app.click("lock").await;
    app.type_into("unlock-password", "not my password").await;
    app.click("unlock-submit").await;
    let error = app.element("unlock-error").await.text().await.unwrap();
    assert!(error.contains("Wrong master password"), "{error}");
    assert!(
        app.client
            .find(Locator::Css("[data-testid='new-entry']"))
            .await
            .is_err(),
        "still locked after a wrong password"
    );
    app.type_into("unlock-password", MASTER_PASSWORD).await;
    app.click("unlock-submit").await;
    app.wait_texts("entry-title", |titles| {
        let mut sorted = titles.to_vec();
        sorted.sort();
        sorted == ["GitHub", "Mail"]
    })
    .await;

    // logind announces sleep on the system bus, then the screen saver comes on: the app locks
    // each time and says why.
    for (bus, announcer, reason) in [
        (
            &app.system_bus,
            LOGIND,
            "Locked because the computer went to sleep.",
        ),
        (
            &app.session_bus,
            SCREEN_SAVER,
            "Locked because the screen was locked.",
        ),
    ] {
        let connection = announcer.connect(&bus.address).await;
        let started = Instant::now();
        // Announced again until the app shows it: the app subscribes in the background at start.
        while app.texts("lock-reason").await != [reason] {
            assert!(started.elapsed() < WAIT, "the app did not say: {reason}");
            announcer.announce(&connection).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(
            app.client
                .find(Locator::Css("[data-testid='new-entry']"))
                .await
                .is_err(),
            "locked: {reason}"
        );
        app.type_into("unlock-password", MASTER_PASSWORD).await;
        app.click("unlock-submit").await;
        app.wait_texts("entry-title", |titles| titles.len() == 2)
            .await;
    }

    app.quit().await;
}

/// A D-Bus service whose signal locks the app, played by the test on a private bus.
struct Announcer {
    name: &'static str,
    path: &'static str,
    interface: &'static str,
    member: &'static str,
}

const LOGIND: Announcer = Announcer {
    name: "org.freedesktop.login1",
    path: "/org/freedesktop/login1",
    interface: "org.freedesktop.login1.Manager",
    member: "PrepareForSleep",
};

const SCREEN_SAVER: Announcer = Announcer {
    name: "org.freedesktop.ScreenSaver",
    path: "/org/freedesktop/ScreenSaver",
    interface: "org.freedesktop.ScreenSaver",
    member: "ActiveChanged",
};

impl Announcer {
    /// Connects to the bus at `address` owning the service's name, as the real service does.
    async fn connect(&self, address: &str) -> zbus::Connection {
        zbus::connection::Builder::address(address)
            .unwrap()
            .name(self.name)
            .unwrap()
            .build()
            .await
            .unwrap()
    }

    /// Emits the signal with `true`: about to sleep, screen saver active.
    async fn announce(&self, on: &zbus::Connection) {
        on.emit_signal(None::<&str>, self.path, self.interface, self.member, &true)
            .await
            .unwrap();
    }
}

/// Set in the child that [`a_copied_password_leaves_the_clipboard_when_the_vault_locks`] starts
/// to read the app's clipboard: that process gets the app's `DISPLAY` (this one cannot change
/// its own environment safely) and prints the clipboard's text between markers.
const PRINT_CLIPBOARD: &str = "KEYPOST_E2E_PRINT_CLIPBOARD";

/// The text on the clipboard of X display `display`, read by another process ("" when empty).
fn clipboard_text(display: &str) -> String {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_copied_password_leaves_the_clipboard_when_the_vault_locks",
            "--nocapture",
        ])
        .env(PRINT_CLIPBOARD, "1")
        .env("DISPLAY", display)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let start = stdout
        .find("clipboard<<")
        .expect("the child printed the clipboard")
        + 11;
    let end = stdout[start..].find(">>clipboard").unwrap() + start;
    stdout[start..end].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copied_password_leaves_the_clipboard_when_the_vault_locks() {
    let _turn = my_turn().await;
    if std::env::var_os(PRINT_CLIPBOARD).is_some() {
        let text = arboard::Clipboard::new()
            .and_then(|mut clipboard| clipboard.get_text())
            .unwrap_or_default();
        println!("clipboard<<{text}>>clipboard");
        return;
    }
    let dirs = AppDirs::new();
    // Ten minutes: only the lock can clear the clipboard during this test.
    dirs.write_settings(&serde_json::json!({
        "auto_lock_minutes": 60,
        "clipboard_clear_seconds": 600,
        "relay_url": "",
        "sender_name": "",
    }));
    let app = AppSession::launch(Path::new(env!("CARGO_BIN_EXE_keypost-app")), &dirs).await;
    app.create_vault(MASTER_PASSWORD).await;
    app.add_entry("Mail", "ada", "clip-Secret-7", "https://mail.example.org")
        .await;
    app.click_containing("entry-title", "Mail").await;
    app.click("copy-password").await;
    app.wait_texts("toast", |toasts| {
        toasts
            .iter()
            .any(|toast| toast.starts_with("Password copied"))
    })
    .await;
    assert_eq!(clipboard_text(app.display_name()), "clip-Secret-7");

    app.click("lock").await;
    app.element("unlock-password").await;
    let after_lock = clipboard_text(app.display_name());
    assert_ne!(
        after_lock, "clip-Secret-7",
        "the password stayed on the clipboard"
    );
    assert_eq!(after_lock, "");

    app.quit().await;
}

/// A vault of more entries than a search's first answer (100 rows): the list shows its first
/// rows, then the whole count, which Rust reads after (`finish_search`); a one-letter search
/// (a scan) does the same, and "select all results" acts on every result, not on the rows
/// first shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_vault_lists_its_first_rows_then_counts_the_rest() {
    let _turn = my_turn().await;
    let dirs = AppDirs::new();
    let mut vault = keypost_core::vault::Vault::create(
        &dirs.vault(),
        MASTER_PASSWORD,
        keypost_core::vault::KdfParams::FLOOR,
    )
    .unwrap();
    let entries = (0..250)
        .map(|n| {
            keypost_core::entry_fields! {
                title: format!("Entry {n:03}"),
                urls: vec![format!("https://site{}.example", n % 5)],
            }
        })
        .collect();
    vault.entries_mut().import(entries).unwrap();
    drop(vault);

    let app = AppSession::launch(Path::new(env!("CARGO_BIN_EXE_keypost-app")), &dirs).await;
    app.type_into("unlock-password", MASTER_PASSWORD).await;
    app.click("unlock-submit").await;
    app.wait_texts("result-count", |count| count == ["250 entries"])
        .await;
    assert_eq!(app.texts("entry-title").await[0], "Entry 000");

    app.type_into("search", "site1").await;
    app.wait_texts("result-count", |count| count == ["50 entries"])
        .await;
    assert_eq!(app.texts("entry-title").await[0], "Entry 001");

    app.element("search").await.clear().await.unwrap();
    // Every entry has an "x" (".example").
    app.type_into("search", "x").await;
    app.wait_texts("result-count", |count| count == ["250 entries"])
        .await;
    app.click("bulk-mode").await;
    app.click("select-all-results").await;
    app.wait_texts("bulk-count", |count| count == ["250 selected"])
        .await;
    app.quit().await;
}
