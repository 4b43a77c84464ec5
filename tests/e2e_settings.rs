//! End-to-end tests of Settings → Master password in the real app (WebDriver, as
//! `e2e_vault.rs`): the change through the UI, and the vault after the app process is killed
//! in the middle of a change. Needs `ui/dist` built first.
//! Run: `cargo test -p keypost-app --test e2e_settings`. Refreshes docs/screenshots/settings.png.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use fantoccini::Locator;
use keypost_core::entries::EntryQuery;
use keypost_core::vault::{Vault, VaultError};
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::app_driver::{AppDirs, AppSession, my_turn};

const FIRST_PASSWORD: &str = "Tr0ub4dor&3-Keypost-e2e!";
const SECOND_PASSWORD: &str = "correct-Horse-battery-staple-42";

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_keypost-app"))
}

fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
}

/// Unlocks with `password` and waits for the unlocked window.
async fn unlock(app: &AppSession, password: &str) {
    app.type_into("unlock-password", password).await;
    app.click("unlock-submit").await;
    app.element("lock").await;
}

/// Fills Settings → Master password (the new one twice) and waits for the strength meter.
async fn fill_password_change(app: &AppSession, current: &str, new: &str) {
    app.click("tab-settings").await;
    app.type_into("current-password", current).await;
    app.type_into("new-password", new).await;
    app.type_into("new-confirm", new).await;
    app.wait_texts("strength-label", |label| {
        label.iter().any(|l| l.to_lowercase().contains("strong"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_master_password_changes_in_settings_and_only_the_new_one_unlocks() {
    let _turn = my_turn().await;
    let dirs = AppDirs::new();
    let app = AppSession::launch(binary(), &dirs).await;
    app.create_vault(FIRST_PASSWORD).await;
    app.add_entry("Mail", "ada", "mail-Secret-1", "https://mail.example.org")
        .await;

    // A wrong current password is refused, and says so.
    fill_password_change(&app, "not my password", SECOND_PASSWORD).await;
    app.click("change-password-submit").await;
    let error = app
        .element("change-password-error")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        error,
        "The current master password is wrong. Nothing was changed."
    );

    // The right one: progress while Rust works, then the confirmation.
    app.element("current-password").await.clear().await.unwrap();
    app.type_into("current-password", FIRST_PASSWORD).await;
    app.run_script("document.querySelector(\"[data-testid='change-password-form']\").scrollIntoView({block: 'end'})").await;
    app.screenshot(&screenshots_dir().join("settings.png"))
        .await;
    app.click("change-password-submit").await;
    app.wait_texts("toast", |toasts| {
        toasts
            .iter()
            .any(|toast| toast.starts_with("Master password changed. Use the new one from now on."))
    })
    .await;
    assert_eq!(app.value("current-password").await, "");

    // Locked: the old password is refused, the new one opens the same entries.
    app.click("lock").await;
    app.type_into("unlock-password", FIRST_PASSWORD).await;
    app.click("unlock-submit").await;
    let refused = app.element("unlock-error").await.text().await.unwrap();
    assert!(refused.contains("Wrong master password"), "{refused}");
    assert!(
        app.client
            .find(Locator::Css("[data-testid='lock']"))
            .await
            .is_err(),
        "still locked after the old password"
    );
    app.element("unlock-password").await.clear().await.unwrap();
    unlock(&app, SECOND_PASSWORD).await;
    app.click("tab-passwords").await;
    app.wait_texts("entry-title", |titles| titles == ["Mail"])
        .await;
    app.quit().await;

    // The file on disk agrees, opened by core.
    assert!(matches!(
        Vault::unlock(&dirs.vault(), FIRST_PASSWORD),
        Err(VaultError::WrongPassword)
    ));
    Vault::unlock(&dirs.vault(), SECOND_PASSWORD).unwrap();
}

/// Opens the vault file with core after a kill; returns the password that opened it.
fn open_after_kill(path: &Path, delay: Duration) -> &'static str {
    for password in [FIRST_PASSWORD, SECOND_PASSWORD] {
        match Vault::unlock(path, password) {
            Ok(vault) => {
                assert_eq!(vault.integrity_check().unwrap(), "ok");
                let titles: Vec<String> = vault
                    .entries()
                    .list(&EntryQuery::default())
                    .unwrap()
                    .into_iter()
                    .map(|entry| entry.title)
                    .collect();
                assert_eq!(titles, ["Mail"], "after a kill at {delay:?}");
                return password;
            }
            Err(VaultError::WrongPassword) => continue,
            Err(other) => panic!("the vault does not open after a kill at {delay:?}: {other}"),
        }
    }
    panic!("neither the old nor the new password opens the vault after a kill at {delay:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_app_during_a_password_change_leaves_the_old_or_the_new_password() {
    let _turn = my_turn().await;
    let dirs = AppDirs::new();
    let app = AppSession::launch(binary(), &dirs).await;
    app.create_vault(FIRST_PASSWORD).await;
    app.add_entry("Mail", "ada", "mail-Secret-1", "https://mail.example.org")
        .await;
    let mut current = FIRST_PASSWORD;
    let mut session = Some(app);
    let mut opened_with = Vec::new();
    // From "before Rust got the request" to "after the header was replaced": the change takes
    // two Argon2id runs, about a second or two here.
    for delay_ms in [0u64, 150, 400, 700, 1_000, 1_400, 2_000, 3_500] {
        let app = match session.take() {
            Some(app) => app,
            None => {
                let app = AppSession::launch(binary(), &dirs).await;
                unlock(&app, current).await;
                app
            }
        };
        let next = if current == FIRST_PASSWORD {
            SECOND_PASSWORD
        } else {
            FIRST_PASSWORD
        };
        fill_password_change(&app, current, next).await;
        app.click("change-password-submit").await;
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        app.kill_app(binary());
        app.quit().await;

        let delay = Duration::from_millis(delay_ms);
        current = open_after_kill(&dirs.vault(), delay);
        opened_with.push((delay_ms, current == next));
    }
    eprintln!("kill delay (ms) → the new password was in place: {opened_with:?}");
}
