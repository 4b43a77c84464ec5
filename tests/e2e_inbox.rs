//! End-to-end test of contacts and the Messages inbox between two real app instances running at
//! the same time, each with its own folders and vault, through a real relay that emails the
//! verification codes to a real SMTP server (Debian's python3-aiosmtpd):
//!
//! 1. Ada and Bo set up People (name, email, the 8-digit code read from the SMTP server).
//! 2. Ada invites Bo; the link is read from the invite result. Bo's running app receives it as
//!    the system delivers a clicked `keypost://invite` link (a second start hands it over) and
//!    shows Ada's words; Bo accepts. Ada compares Bo's words in "Needs you" and connects; Bo's
//!    mailbox watcher receives the confirmation.
//! 3. Ada sends one entry from the entry window and two from bulk edit; Bo's watcher receives
//!    both (`inbox-event`: the toast "New message from Ada (…)") and the Inbox lists them.
//! 4. Bo saves all, undoes, saves again, exports CSV and PDF; Ada deletes the originals and
//!    both copies (Bo's vault and inbox) stay unchanged; Ada's Sent shows the copies as sent.
//!    Bo asks Ada for a password from her drawer; Ada is told "Bo asks you for a password" and
//!    her Inbox lists the request.
//! 5. The relay turns hostile. The apps reach it only through a rewriting proxy
//!    (crates/keypost-cli/tests/support/rewriting_proxy.rs), which now answers Ada's request
//!    for Bo's key with a stranger's: Ada's next send is refused, Bo shows as "key changed" and
//!    is listed disabled, with the reason, in the Attach dialog's picker.
//! 6. The proxy lists Bo's old answer as the answer of a third instance (Cy) to Ada's next
//!    invite: Ada's confirm step says it cannot be trusted and only rejects.
//!
//! Needs what `tests/e2e_sharing.rs` needs. Run: `cargo test -p keypost-app --test e2e_inbox`.
//! Refreshes docs/screenshots/people-*.png, attach-*.png and messages-*.png.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../crates/keypost-cli/tests/support/rewriting_proxy.rs"]
mod rewriting_proxy;
#[path = "../crates/keypost-relay/tests/support/smtp.rs"]
mod smtp;
mod support;

use axum::http::Method;
use keypost_protocol::inbox::{AccountId, Identity, IdentitySeed, InviteId, InviteLink, KeyBundle};
use keypost_relay::RunningRelay;
use rewriting_proxy::RewritingProxy;
use smtp::SmtpSink;
use std::path::{Path, PathBuf};
use support::app_driver::{AppDirs, AppSession, my_turn, wait_for_file};
use support::relay::start_relay;

const PASSWORD_ADA: &str = "Ada-invites-Keypost-e2e-2026!";
const PASSWORD_BO: &str = "Bo-accepts-Keypost-e2e-2026!";
const WIFI_PASSWORD: &str = "wifi-Secret-7731";
const ROUTER_PASSWORD: &str = "router-Secret-9904";
const NAS_PASSWORD: &str = "nas-Secret-5520";

fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
}

fn app_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_keypost-app"))
}

/// The 8-digit code in a verification email.
fn code_in(email: &str) -> String {
    email
        .split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 8)
        .unwrap_or_else(|| panic!("no 8-digit code in the email:\n{email}"))
        .to_owned()
}

/// Starts an app whose Settings name `relay`, makes its vault and sets up People as `name`
/// with `email`, proving it with the code from email number `email_number`. Returns the app
/// and the 7 words on its ID card.
async fn set_up(
    dirs: &AppDirs,
    relay: &RunningRelay,
    smtp: &SmtpSink,
    (name, email, email_number): (&str, &str, usize),
    password: &str,
) -> (AppSession, Vec<String>) {
    dirs.write_settings(&serde_json::json!({ "relay_url": relay.public_url() }));
    let app = AppSession::launch(app_binary(), dirs).await;
    app.create_vault(password).await;
    app.click("tab-people").await;
    app.type_into("setup-name", name).await;
    app.type_into("setup-email", email).await;
    app.click("setup-submit").await;
    let code = code_in(&smtp.message_text(email_number));
    app.type_into("setup-code", &code).await;
    app.click("setup-code-submit").await;
    app.wait_texts("id-card-name", |names| {
        names.iter().any(|shown| shown.contains(name))
    })
    .await;
    let words = app
        .wait_texts("id-card-word", |words| words.len() == 7)
        .await;
    app.wait_texts("people-email-status", |status| status.is_empty())
        .await;
    (app, words)
}

/// The relay account whose published key has `words` (read from the relay's database).
fn account_with_words(relay_data: &Path, words: &[String]) -> AccountId {
    let db = rusqlite::Connection::open(relay_data.join("relay.db")).unwrap();
    let accounts: Vec<(Vec<u8>, Vec<u8>)> = db
        .prepare("SELECT id, bundle FROM accounts")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let (id, _) = accounts
        .iter()
        .find(|(_, bundle)| {
            let fingerprint = KeyBundle::from_bytes(bundle).unwrap().fingerprint();
            fingerprint.to_words().iter().eq(words.iter())
        })
        .expect("the account with these words");
    AccountId::from_bytes(id.as_slice().try_into().unwrap())
}

/// The invite a link names.
fn invite_of(link: &str) -> InviteId {
    InviteLink::parse(link).unwrap().secret().keys().id()
}

/// From now on the proxy answers every request for the key of `account` with a stranger's.
fn swap_published_key(proxy: &RewritingProxy, account: AccountId) {
    let stranger = Identity::from_seed(&IdentitySeed::make_random(), 1_800_000_000);
    let strangers = serde_json::to_value(stranger.bundle()).unwrap();
    proxy.rewrite_answer_json(
        Method::GET,
        &format!("/api/v1/accounts/{account}/bundle"),
        move |answer| answer["bundle"] = strangers.clone(),
    );
}

/// From now on the proxy lists the answer to invite `genuine` as the answer to invite
/// `victim`, once `victim` has one (a relay swapping answers between an inviter's invites).
fn swap_answer(proxy: &RewritingProxy, victim: InviteId, genuine: InviteId) {
    let (victim, genuine) = (victim.to_string(), genuine.to_string());
    proxy.rewrite_answer_json(Method::GET, "/api/v1/invites", move |list| {
        let invites = list["invites"].as_array_mut().unwrap();
        let answer_of = |id: &str| {
            invites
                .iter()
                .find(|invite| invite["invite_id"] == id)
                .and_then(|invite| invite.get("sealed_answer"))
                .cloned()
        };
        if answer_of(&victim).is_none() {
            return;
        }
        let other = answer_of(&genuine).expect("the genuine invite's answer is still listed");
        for invite in invites.iter_mut() {
            if invite["invite_id"] == victim.as_str() {
                invite["sealed_answer"] = other.clone();
            }
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_accept_by_link_confirm_send_receive_save_and_export_between_two_instances() {
    let _turn = my_turn().await;
    let smtp = SmtpSink::start();
    let relay_data = tempfile::tempdir().unwrap();
    let proxy = RewritingProxy::bind().await;
    let relay = start_relay(relay_data.path(), smtp.port, Some(&proxy.url)).await;
    proxy.forward_to(relay.local_addr());

    // 1. Both set up People; each email's code comes from the SMTP server.
    let ada_dirs = AppDirs::new();
    let (ada, ada_words) = set_up(
        &ada_dirs,
        &relay,
        &smtp,
        ("Ada", "ada@example.org", 1),
        PASSWORD_ADA,
    )
    .await;
    ada.screenshot(&screenshots_dir().join("people-id-card.png"))
        .await;
    let bo_dirs = AppDirs::new();
    let (bo, bo_words) = set_up(
        &bo_dirs,
        &relay,
        &smtp,
        ("Bo", "bo@example.org", 2),
        PASSWORD_BO,
    )
    .await;
    assert_ne!(ada_words, bo_words);

    // 2. Ada invites Bo; the link comes from the invite result.
    ada.click("people-invite").await;
    ada.type_into("invite-name", "Bo").await;
    ada.type_into("invite-note", "For the shop's passwords")
        .await;
    ada.click("invite-submit").await;
    ada.element("invite-result").await;
    let link = ada.value("invite-link").await;
    assert!(link.starts_with("keypost://invite?"), "{link}");
    let bo_invite = invite_of(&link);
    let message = ada.texts("invite-message").await.join("\n");
    assert!(message.contains(&link), "the text to paste holds the link");
    ada.element("invite-qr").await;
    ada.screenshot(&screenshots_dir().join("people-invite-result.png"))
        .await;
    ada.click("invite-done").await;

    // Bo clicks the link: the system starts Keypost again, which hands it to Bo's app.
    let status = bo.start_again(app_binary(), &bo_dirs, &[link.as_str()]);
    assert!(status.success(), "the second start exited with {status}");
    bo.element("accept-dialog").await;
    bo.wait_value("accept-link", &link).await;
    let shown = bo.wait_texts("accept-word", |words| words.len() == 7).await;
    assert_eq!(shown, ada_words, "Bo sees Ada's words before accepting");
    bo.click("accept-submit").await;
    bo.wait_attributes("contact-row", "data-state", |states| {
        states == ["awaiting_confirmation"]
    })
    .await;

    // Ada compares Bo's words and connects; Bo's watcher receives the confirmation.
    ada.click("needs-you-confirm").await;
    let theirs = ada
        .wait_texts("confirm-word", |words| words.len() >= 7)
        .await;
    assert_eq!(theirs[..7], bo_words[..], "Ada sees Bo's words");
    ada.screenshot(&screenshots_dir().join("people-needs-you.png"))
        .await;
    ada.click("confirm-match").await;
    ada.click("confirm-accept").await;
    ada.wait_attributes("contact-row", "data-state", |states| {
        states == ["connected"]
    })
    .await;
    bo.wait_attributes("contact-row", "data-state", |states| {
        states == ["connected"]
    })
    .await;
    ada.click_css("[data-testid='contact-row'][data-name='Bo']")
        .await;
    ada.element("contact-drawer").await;
    assert_eq!(ada.texts("contact-their-words").await.len(), 1);
    ada.screenshot(&screenshots_dir().join("people-contact-drawer.png"))
        .await;
    ada.click("contact-close").await;

    // 3. One entry from the entry window, two from bulk edit.
    ada.click("tab-passwords").await;
    ada.add_entry("Router", "admin", ROUTER_PASSWORD, "https://192.0.2.1")
        .await;
    ada.add_entry("NAS", "backup", NAS_PASSWORD, "https://192.0.2.2")
        .await;
    ada.add_entry(
        "Home Wi-Fi",
        "guest",
        WIFI_PASSWORD,
        "https://wifi.example.org",
    )
    .await;
    ada.click_containing("entry-title", "Home Wi-Fi").await;
    ada.click("entry-send-contact").await;
    ada.choose_css("[data-testid='attach-contact-option'][data-name='Bo']")
        .await;
    ada.type_into("attach-note", "The Wi-Fi, as promised.")
        .await;
    ada.screenshot(&screenshots_dir().join("attach-dialog.png"))
        .await;
    ada.click("attach-next").await;
    let confirm_words = ada
        .wait_texts("attach-confirm-word", |words| words.len() == 7)
        .await;
    assert_eq!(confirm_words, bo_words, "the confirm step shows Bo's words");
    ada.screenshot(&screenshots_dir().join("attach-confirm.png"))
        .await;
    ada.click("attach-send").await;
    ada.wait_texts("toast", |toasts| {
        toasts
            .iter()
            .any(|toast| toast.contains("Sent 1 entry to Bo"))
    })
    .await;

    ada.click("bulk-mode").await;
    let titles = ada
        .wait_texts("entry-title", |titles| titles.len() == 3)
        .await;
    for (index, title) in titles.iter().enumerate() {
        if title == "Router" || title == "NAS" {
            ada.click_nth("entry-check", index).await;
        }
    }
    ada.wait_texts("bulk-count", |count| count == ["2 selected"])
        .await;
    ada.click("bulk-send-contact").await;
    ada.choose_css("[data-testid='attach-contact-option'][data-name='Bo']")
        .await;
    ada.click("attach-next").await;
    ada.wait_texts("attach-confirm-word", |words| words == bo_words)
        .await;
    ada.click("attach-send").await;
    ada.wait_texts("toast", |toasts| {
        toasts
            .iter()
            .any(|toast| toast.contains("Sent 2 entries to Bo"))
    })
    .await;

    // Bo's watcher receives both: the notification event, then the Inbox rows.
    bo.wait_texts("toast", |toasts| {
        toasts
            .iter()
            .any(|toast| toast.contains("New message from Ada (2 entries)"))
    })
    .await;
    bo.click("tab-messages").await;
    bo.click("messages-inbox-tab").await;
    let rows = bo.wait_texts("inbox-row", |rows| rows.len() == 2).await;
    assert!(rows.iter().any(|row| row.contains("Ada")), "{rows:?}");
    bo.screenshot(&screenshots_dir().join("messages-inbox.png"))
        .await;

    // 4. Save all, undo, save again.
    bo.click_containing("inbox-row", "The Wi-Fi, as promised.")
        .await;
    bo.wait_texts("message-entry-title", |titles| titles == ["Home Wi-Fi"])
        .await;
    assert!(
        !bo.texts("message-entry-password")
            .await
            .concat()
            .contains(WIFI_PASSWORD),
        "the password stays hidden"
    );
    bo.screenshot(&screenshots_dir().join("messages-message.png"))
        .await;
    bo.click("message-save-all").await;
    bo.click_containing("toast-action", "Undo").await;
    bo.click("tab-passwords").await;
    bo.wait_texts("entry-title", |titles| titles.is_empty())
        .await;
    bo.click("tab-messages").await;
    bo.click_containing("inbox-row", "The Wi-Fi, as promised.")
        .await;
    bo.click("message-save-all").await;
    bo.click("tab-passwords").await;
    bo.wait_texts("entry-title", |titles| titles == ["Home Wi-Fi"])
        .await;

    // Export both messages as CSV, then as the printable PDF.
    bo.click("tab-messages").await;
    bo.wait_texts("inbox-row", |rows| rows.len() == 2).await;
    bo.click_nth("inbox-select", 0).await;
    bo.click_nth("inbox-select", 1).await;
    bo.click("inbox-export").await;
    bo.element("export-format")
        .await
        .select_by_value("generic")
        .await
        .unwrap();
    bo.click("export-run").await;
    let csv = wait_for_file(&bo_dirs.exports(), ".csv");
    let csv = std::fs::read_to_string(csv).unwrap();
    for secret in [WIFI_PASSWORD, ROUTER_PASSWORD, NAS_PASSWORD] {
        assert!(csv.contains(secret), "{csv}");
    }
    bo.click("inbox-export").await;
    bo.element("export-format")
        .await
        .select_by_value("pdf")
        .await
        .unwrap();
    bo.click("export-run").await;
    let pdf = std::fs::read(wait_for_file(&bo_dirs.exports(), ".pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));

    // Ada deletes the originals: Bo's saved entry and both messages stay as they were.
    ada.click("select-all-results").await;
    ada.element("bulk-action")
        .await
        .select_by_value("delete")
        .await
        .unwrap();
    ada.click("bulk-preview").await;
    ada.click("bulk-apply").await;
    ada.wait_texts("entry-title", |titles| titles.is_empty())
        .await;
    bo.click("tab-passwords").await;
    bo.wait_texts("entry-title", |titles| titles == ["Home Wi-Fi"])
        .await;
    bo.click("tab-messages").await;
    bo.click_containing("inbox-row", "The Wi-Fi, as promised.")
        .await;
    bo.click("message-entry-reveal").await;
    bo.wait_texts("message-entry-password", |shown| {
        shown.iter().any(|text| text.contains(WIFI_PASSWORD))
    })
    .await;

    // Ada's Sent keeps both copies as sent, delivered.
    ada.click("tab-messages").await;
    ada.click("messages-sent-tab").await;
    ada.wait_texts("sent-message-row", |rows| rows.len() == 2)
        .await;
    ada.wait_texts("sent-message-status", |statuses| {
        statuses.iter().all(|status| status.contains("Delivered"))
    })
    .await;
    ada.click_containing("sent-message-row", "The Wi-Fi, as promised.")
        .await;
    ada.wait_texts("message-entry-title", |titles| titles == ["Home Wi-Fi"])
        .await;
    ada.screenshot(&screenshots_dir().join("messages-sent.png"))
        .await;

    // Bo asks Ada for a password from her drawer in People: Ada's watcher words it as a
    // request (not as "0 entries"), and her Inbox lists it.
    bo.click("tab-people").await;
    bo.click_containing("contact-row", "Ada").await;
    bo.click("contact-ask").await;
    bo.type_into("request-text", "The NAS admin password, please")
        .await;
    bo.click("request-next").await;
    bo.wait_texts("request-confirm-word", |words| words.len() == 7)
        .await;
    bo.click("request-send").await;
    bo.wait_texts("toast", |toasts| {
        toasts
            .iter()
            .any(|toast| toast.contains("Asked Ada for a password"))
    })
    .await;
    ada.wait_texts("toast", |toasts| {
        toasts
            .iter()
            .any(|toast| toast.contains("Bo asks you for a password"))
    })
    .await;
    ada.click("messages-inbox-tab").await;
    ada.wait_texts("inbox-row", |rows| {
        rows.iter().any(|row| row.contains("Asks for a password"))
    })
    .await;

    // 5. The relay serves another key for Bo: Ada's next send is refused, Bo shows as "key
    // changed" and cannot be picked.
    assert_eq!(proxy.rewritten(), 0, "an honest relay so far");
    swap_published_key(&proxy, account_with_words(relay_data.path(), &bo_words));
    ada.click("tab-passwords").await;
    ada.add_entry("Printer", "lab", "printer-Secret-1", "https://192.0.2.3")
        .await;
    ada.click_containing("entry-title", "Printer").await;
    ada.click("entry-send-contact").await;
    ada.choose_css("[data-testid='attach-contact-option'][data-name='Bo']")
        .await;
    ada.click("attach-next").await;
    ada.click("attach-send").await;
    ada.wait_texts("attach-error", |errors| {
        errors.iter().any(|error| error.contains("key changed"))
    })
    .await;
    assert_eq!(
        proxy.rewritten(),
        1,
        "the send fetched Bo's key once, swapped"
    );
    // The picker now lists Bo as unable to receive, with the reason.
    ada.wait_texts("attach-contact-reason", |reasons| {
        reasons.iter().any(|reason| reason.contains("Key changed"))
    })
    .await;
    ada.click_css("[data-testid='attach-dialog'] button[aria-label='Close']")
        .await;
    ada.click("tab-people").await;
    ada.wait_attributes("contact-row", "data-state", |states| {
        states == ["key_changed"]
    })
    .await;
    ada.click_css("[data-testid='contact-row'][data-name='Bo']")
        .await;
    ada.element("contact-key-changed").await;
    ada.screenshot(&screenshots_dir().join("people-key-changed.png"))
        .await;
    ada.click("contact-close").await;
    bo.quit().await;
    proxy.clear();
    let keys_swapped = proxy.rewritten();

    // 6. The relay alters Cy's answer to Ada's invite: Ada's confirm step says it cannot be
    // trusted and offers only to reject.
    ada.click("people-invite").await;
    ada.type_into("invite-name", "Cy").await;
    ada.click("invite-submit").await;
    ada.element("invite-result").await;
    let link = ada.value("invite-link").await;
    ada.click("invite-done").await;
    swap_answer(&proxy, invite_of(&link), bo_invite);
    let cy_dirs = AppDirs::new();
    let (cy, _) = set_up(
        &cy_dirs,
        &relay,
        &smtp,
        ("Cy", "cy@example.org", 3),
        PASSWORD_BO,
    )
    .await;
    cy.click("people-accept").await;
    cy.type_into("accept-link", &link).await;
    cy.wait_texts("accept-word", |words| words == ada_words)
        .await;
    cy.click("accept-submit").await;
    cy.wait_attributes("contact-row", "data-state", |states| {
        states == ["awaiting_confirmation"]
    })
    .await;
    ada.click("tab-people").await;
    ada.click("needs-you-confirm").await;
    ada.wait_texts("confirm-problem", |problems| !problems.is_empty())
        .await;
    assert!(
        ada.texts("confirm-accept").await.is_empty(),
        "an altered answer cannot be confirmed"
    );
    assert!(
        proxy.rewritten() > keys_swapped,
        "Cy's answer was swapped on the way to Ada"
    );
    ada.click("confirm-reject").await;
    ada.wait_texts("needs-you-row", |rows| rows.is_empty())
        .await;

    cy.quit().await;
    ada.quit().await;
    relay.shutdown().await.unwrap();
}
