//! End-to-end test of "send to any email" between two real app instances: instance A sends
//! two entries from bulk edit through a real relay, which emails the link to a real SMTP server
//! (Debian's python3-aiosmtpd); instance B, with its own data folders and vault, receives the
//! link read from that email with the PIN and saves both entries. B is started with the
//! `keypost://` form of the link, as the system does for "Open in Keypost"; a second start with
//! another link hands it to the running B (single instance over a private D-Bus session bus).
//! And a send through the app's built-in relay, which sends no email: the sender delivers the
//! link, and no file of that relay holds it.
//!
//! Needs what `tests/e2e_vault.rs` needs, plus python3-aiosmtpd and dbus-daemon. Run:
//! `cargo test -p keypost-app --test e2e_sharing`. Also refreshes docs/screenshots/send-dialog.png,
//! send-result.png, send-result-deliver-myself.png and receive.png.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../crates/keypost-core/tests/support/files.rs"]
mod files;
#[path = "../crates/keypost-relay/tests/support/smtp.rs"]
mod smtp;
mod support;

use files::{contains, files_below};
use keypost_protocol::b64;
use keypost_protocol::pickup::{LinkSecret, PickupLink};
use smtp::SmtpSink;
use std::path::{Path, PathBuf};
use support::app_driver::{AppDirs, AppSession, my_turn};
use support::relay::start_relay;

const PASSWORD_A: &str = "Ada-sends-Keypost-e2e-2026!";
const PASSWORD_B: &str = "Bo-receives-Keypost-e2e-2026!";
const ENTRY_PASSWORDS: [&str; 2] = ["wifi-Secret-7731", "router-Secret-9904"];

fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_two_entries_from_bulk_edit_and_receive_them_in_another_instance() {
    let _turn = my_turn().await;
    let smtp = SmtpSink::start();
    let relay_data = tempfile::tempdir().unwrap();
    let relay = start_relay(relay_data.path(), smtp.port, None).await;

    // Instance A: the sender, whose Settings name the relay above.
    let sender_dirs = AppDirs::new();
    sender_dirs.write_settings(&serde_json::json!({
        "relay_url": relay.public_url(),
        "sender_name": "Ada Lovelace",
    }));
    let sender =
        AppSession::launch(Path::new(env!("CARGO_BIN_EXE_keypost-app")), &sender_dirs).await;
    sender.create_vault(PASSWORD_A).await;
    sender
        .add_entry(
            "Home Wi-Fi",
            "guest",
            ENTRY_PASSWORDS[0],
            "https://wifi.example.org",
        )
        .await;
    sender
        .add_entry("Router", "admin", ENTRY_PASSWORDS[1], "https://192.0.2.1")
        .await;
    sender.click("bulk-mode").await;
    sender.click("select-all-results").await;
    sender
        .wait_texts("bulk-count", |count| count == ["2 selected"])
        .await;
    sender.click("bulk-send").await;
    // This relay has a mail server, so it emails the link unless the sender says otherwise.
    sender
        .wait_attributes("send-delivery", "data-delivery", |delivery| {
            delivery == ["relay_emails"]
        })
        .await;
    sender.type_into("send-email", "bo@example.org").await;
    assert_eq!(
        sender.value("send-name").await,
        "Ada Lovelace",
        "name remembered"
    );
    sender
        .type_into("send-message", "The Wi-Fi and the router, as promised.")
        .await;
    let pin = sender.value("send-pin").await;
    assert!(
        pin.len() == 5 && pin.chars().all(|c| c.is_ascii_digit()),
        "a random 5-digit PIN is proposed: {pin:?}"
    );
    sender
        .screenshot(&screenshots_dir().join("send-dialog.png"))
        .await;
    sender.click("send-submit").await;
    let shown_pin = sender
        .wait_texts("send-result-pin", |pins| pins.len() == 1)
        .await;
    assert_eq!(shown_pin[0].replace(' ', ""), pin);
    let shown_link = sender.texts("send-result-link").await;
    let shown_link = match shown_link.first() {
        Some(text) if !text.is_empty() => text.clone(),
        _ => sender.value("send-result-link").await,
    };
    assert!(
        shown_link.starts_with(relay.public_url()) && shown_link.contains('#'),
        "{shown_link}"
    );
    sender.element("send-result-qr").await;
    sender
        .screenshot(&screenshots_dir().join("send-result.png"))
        .await;

    // The email: the link, never the PIN or an entry's content.
    let email = smtp.first_message_text();
    let link = email
        .split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .find(|word| word.starts_with(relay.public_url()) && word.contains('#'))
        .unwrap_or_else(|| panic!("no pickup link in the email:\n{email}"))
        .to_owned();
    assert_eq!(link, shown_link, "the app shows the link that was emailed");
    assert!(email.contains("Ada Lovelace"), "{email}");
    assert!(!email.contains(&pin), "the PIN is never in the email");
    for secret in ENTRY_PASSWORDS {
        assert!(!email.contains(secret), "no entry content in the email");
    }
    assert!(!email.contains("Home Wi-Fi"), "not even titles");

    // The Sent tab lists the pickup with its live status.
    sender.click("send-done").await;
    sender.click("tab-messages").await;
    sender.click("messages-sent-tab").await;
    sender
        .wait_texts("sent-row", |rows| {
            rows.len() == 1 && rows[0].contains("bo@example.org")
        })
        .await;
    sender.quit().await;

    // Instance B: the recipient, with its own folders and vault, started by the system for the
    // "Open in Keypost" link (keypost://…): after unlocking, Receive shows the link.
    let app_binary = Path::new(env!("CARGO_BIN_EXE_keypost-app"));
    let deep_link = PickupLink::parse(&link).unwrap().to_deep_link();
    let recipient_dirs = AppDirs::new();
    let recipient =
        AppSession::launch_with_args(app_binary, &recipient_dirs, &[deep_link.as_str()]).await;
    recipient.create_vault(PASSWORD_B).await;
    // The link's relay is new to this vault: the app names it and asks before contacting it.
    let relay_host = relay.public_url().trim_start_matches("http://");
    recipient
        .wait_texts("unknown-relay-host", |host| {
            host.len() == 1 && host[0] == relay_host
        })
        .await;
    recipient.click("unknown-relay-open").await;
    recipient.wait_value("receive-link", &link).await;
    recipient
        .wait_texts("receive-info", |info| {
            info.iter().any(|text| text.contains("Ada Lovelace"))
        })
        .await;

    // One wrong PIN costs one of the three tries, and says so.
    let wrong_pin = if pin == "13579" { "97531" } else { "13579" };
    recipient.type_into("receive-pin", wrong_pin).await;
    recipient.click("receive-open").await;
    let error = recipient
        .wait_texts("receive-error", |errors| {
            !errors.is_empty() && !errors[0].is_empty()
        })
        .await;
    assert!(error[0].contains("2 tries left"), "{error:?}");

    recipient.type_into("receive-pin", &pin).await;
    recipient.click("receive-open").await;
    let rows = recipient
        .wait_texts("receive-row", |rows| rows.len() == 2)
        .await;
    assert!(
        rows.iter().any(|row| row.contains("Home Wi-Fi")),
        "{rows:?}"
    );
    assert!(rows.iter().any(|row| row.contains("Router")), "{rows:?}");
    recipient
        .screenshot(&screenshots_dir().join("receive.png"))
        .await;
    recipient.click("receive-import").await;
    recipient
        .wait_texts("receive-saved-hint", |hint| !hint.is_empty())
        .await;
    recipient.click("tab-passwords").await;
    recipient
        .wait_texts("entry-title", |titles| {
            let mut sorted = titles.to_vec();
            sorted.sort();
            sorted == ["Home Wi-Fi", "Router"]
        })
        .await;

    // Another link clicked while B runs: the system starts Keypost again, that second start
    // hands the link to B and ends, and B shows it in Receive.
    let secret = LinkSecret::make_random();
    let page_url = format!("{}/p/{}", relay.public_url(), b64::encode(&secret.id()));
    let another = PickupLink::new(&page_url, secret).unwrap();
    let status = recipient.start_again(
        app_binary,
        &recipient_dirs,
        &[another.to_deep_link().as_str()],
    );
    assert!(status.success(), "the second start exited with {status}");
    recipient.click("unknown-relay-open").await;
    recipient
        .wait_value("receive-link", another.to_web_link().as_str())
        .await;
    recipient.quit().await;

    relay.shutdown().await.unwrap();
}

/// Through the app's built-in relay, which has no mail server, the sender delivers the link:
/// the dialog says so and offers a ready message for the mail program, and no file of the
/// relay holds the link. The emails an earlier version wrote to its outbox folder are removed
/// when the app starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_built_in_relay_leaves_the_link_to_the_sender_and_keeps_no_copy_of_it() {
    let _turn = my_turn().await;
    let dirs = AppDirs::new();
    let old_outbox = dirs.built_in_relay().join("outbox");
    std::fs::create_dir_all(&old_outbox).unwrap();
    std::fs::write(
        old_outbox.join("1764000000-old.eml"),
        "http://127.0.0.1:47810/p/AAAAAAAAAAAAAAAAAAAAAA#an-old-link-secret",
    )
    .unwrap();
    let app = AppSession::launch(Path::new(env!("CARGO_BIN_EXE_keypost-app")), &dirs).await;
    app.create_vault(PASSWORD_A).await;
    assert!(
        !old_outbox.exists(),
        "the old outbox and its emails are gone"
    );
    app.add_entry(
        "Home Wi-Fi",
        "guest",
        ENTRY_PASSWORDS[0],
        "https://wifi.example.org",
    )
    .await;
    app.click_containing("entry-title", "Home Wi-Fi").await;
    app.click("entry-send").await;
    app.wait_attributes("send-delivery", "data-delivery", |delivery| {
        delivery == ["sender_delivers"]
    })
    .await;
    app.wait_texts("send-delivery-hint", |hint| {
        hint.len() == 1 && hint[0].contains("This relay sends no email.")
    })
    .await;
    app.type_into("send-name", "Ada Lovelace").await;
    let pin = app.value("send-pin").await;
    app.click("send-submit").await;

    let link = {
        app.element("send-result-link").await;
        app.value("send-result-link").await
    };
    let fragment = link
        .split_once('#')
        .expect("a link with its secret")
        .1
        .to_owned();
    let mailto = app
        .wait_attributes("send-result-mailto", "href", |href| {
            href.len() == 1 && href[0].starts_with("mailto:")
        })
        .await
        .remove(0);
    assert!(
        mailto.contains(&fragment),
        "the ready message holds the link"
    );
    assert!(!mailto.contains(&pin), "never the PIN");
    app.wait_texts("send-result-emailed", |text| {
        text.len() == 1 && text[0].contains("the relay never saw it")
    })
    .await;
    app.screenshot(&screenshots_dir().join("send-result-deliver-myself.png"))
        .await;

    let files = files_below(&dirs.built_in_relay(), "");
    assert!(files.iter().any(|(path, _)| path.ends_with("relay.db")));
    for (path, bytes) in &files {
        assert!(
            !contains(bytes, fragment.as_bytes()),
            "{path:?} holds the link"
        );
    }
    assert!(!old_outbox.exists(), "and no new outbox");
    app.quit().await;
}
