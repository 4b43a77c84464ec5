//! The real `keypost` binary against a real vault folder on disk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;
use support::{Fixture, PASSWORD, Relay};

fn titles(list: &Value) -> Vec<String> {
    let mut titles: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["title"].as_str().unwrap().to_owned())
        .collect();
    titles.sort();
    titles
}

#[test]
fn add_list_search_and_show_keep_the_password_hidden_until_revealed() {
    let fixture = Fixture::new();
    let id = fixture.add(
        "Mail",
        "ana@example.com",
        "s3cret=1+2",
        "https://mail.example.com",
        &["work"],
    );
    fixture.add("Bank", "ana", "pin-not-this", "https://bank.example", &[]);

    let list = fixture.json(&["ls", "--json"]);
    assert_eq!(titles(&list), ["Bank", "Mail"]);
    let listed = serde_json::to_string(&list).unwrap();
    assert!(!listed.contains("s3cret"), "ls must not print passwords");
    let mail = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == "Mail")
        .unwrap();
    assert_eq!(mail["id"], id.as_str());
    assert_eq!(mail["username"], "ana@example.com");
    assert_eq!(mail["urls"][0], "https://mail.example.com");
    assert_eq!(mail["tags"][0], "work");

    let found = fixture.json(&["search", "MAIL.example", "--json"]);
    assert_eq!(titles(&found), ["Mail"]);

    let hidden = fixture.json(&["show", &id, "--json"]);
    assert!(hidden.get("password").is_none());
    fixture
        .keypost(&["show", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("s3cret").not());

    let revealed = fixture.json(&["show", &id, "--reveal", "--json"]);
    assert_eq!(revealed["password"], "s3cret=1+2");
}

#[test]
fn failures_exit_non_zero_with_one_clear_line() {
    let fixture = Fixture::new();
    let id = fixture.add("Mail", "ana", "pw", "https://mail.example.com", &[]);

    let wrong = fixture
        .keypost(&["ls"])
        .env("KEYPOST_PASSWORD", "not it")
        .assert()
        .code(3)
        .get_output()
        .stderr
        .clone();
    let wrong = String::from_utf8(wrong).unwrap();
    assert_eq!(wrong.lines().count(), 1);
    assert!(wrong.contains("wrong master password"));

    fixture
        .keypost(&["show", "6f1c7f4e-0000-4000-8000-000000000000"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("not found"));
    fixture
        .keypost(&["show", "not-an-id"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an entry id"));
    let missing = fixture.path("nowhere.keypost");
    fixture
        .keypost(&["ls"])
        .env("KEYPOST_VAULT", &missing)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("keypost init"));
    // A failed command changed nothing.
    let shown = fixture.json(&["show", &id, "--reveal", "--json"]);
    assert_eq!(shown["password"], "pw");
}

#[test]
fn password_stdin_unlocks_and_passwd_changes_the_master_password() {
    let fixture = Fixture::new();
    fixture.add("Mail", "ana", "pw", "https://mail.example.com", &[]);
    fixture
        .keypost(&["--password-stdin", "ls", "--json"])
        .env_remove("KEYPOST_PASSWORD")
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();

    fixture
        .keypost(&["passwd"])
        .env("KEYPOST_NEW_PASSWORD", "a new master password")
        .assert()
        .success();
    fixture.keypost(&["ls"]).assert().code(3);
    let list = fixture.json_with_password(&["ls", "--json"], "a new master password");
    assert_eq!(titles(&list), ["Mail"]);
}

#[test]
fn bulk_tag_over_a_search_then_undo() {
    let fixture = Fixture::new();
    fixture.add("Client A mail", "a", "1", "https://a.example.com", &[]);
    fixture.add("Client A wiki", "a", "2", "https://wiki.a.example.com", &[]);
    fixture.add("Personal", "me", "3", "https://me.example.org", &[]);

    let list_client_a = ["ls", "--tag", "client-a", "--json"];
    let tag_client_a = [
        "bulk",
        "tag",
        "--add",
        "client-a",
        "--search",
        "a.example.com",
    ];
    fixture
        .keypost(&[&tag_client_a[..], &["--dry-run"]].concat())
        .assert()
        .success()
        .stderr(predicate::str::contains("would change 2 of 2"));
    assert!(titles(&fixture.json(&list_client_a)).is_empty());

    fixture.keypost(&tag_client_a).assert().success();
    let tagged = fixture.json(&list_client_a);
    assert_eq!(titles(&tagged), ["Client A mail", "Client A wiki"]);

    for change in [
        ["set", "--username", "team-a"],
        ["append", "--notes", "handed over"],
    ] {
        let args = [&["bulk"], &change[..], &["--search", "client a"]].concat();
        fixture.keypost(&args).assert().success();
    }

    for _ in 0..3 {
        fixture.keypost(&["undo"]).assert().success();
    }
    assert!(titles(&fixture.json(&list_client_a)).is_empty());
    let all = fixture.json(&["ls", "--json"]);
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .all(|e| e["username"] != "team-a")
    );

    fixture
        .keypost(&["bulk", "delete", "--search", "client a"])
        .assert()
        .success();
    assert_eq!(titles(&fixture.json(&["ls", "--json"])), ["Personal"]);
    fixture.keypost(&["undo"]).assert().success();
    assert_eq!(fixture.json(&["ls", "--json"]).as_array().unwrap().len(), 3);

    fixture
        .keypost(&["bulk", "tag", "--add", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--search"));
}

#[test]
fn export_then_import_round_trips_every_csv_format() {
    let source = Fixture::new();
    source.add(
        "Formula",
        "ana",
        "=1+2",
        "https://sheet.example.com",
        &["x"],
    );
    source.add(
        "Quotes, commas",
        "bob \"b\"",
        "p,a\"ss\nword",
        "https://q.example.com",
        &[],
    );

    for format in [
        "keypost",
        "bitwarden",
        "chrome",
        "keepassxc",
        "1password",
        "lastpass",
        "firefox",
    ] {
        let file = source.path(&format!("{format}.csv"));
        source
            .keypost(&[
                "export",
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
            ])
            .assert()
            .success();

        let target = Fixture::new();
        target
            .keypost(&["import", file.to_str().unwrap()])
            .assert()
            .success()
            .stderr(predicate::str::contains("imported 2 entries"));
        let imported = target.json(&["ls", "--json"]);
        let formula = imported
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["username"] == "ana")
            .unwrap_or_else(|| panic!("{format}: entry missing"));
        let shown = target.json(&[
            "show",
            formula["id"].as_str().unwrap(),
            "--reveal",
            "--json",
        ]);
        assert_eq!(
            shown["password"], "=1+2",
            "{format} changed a formula-looking password"
        );
        let quoted = imported
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["username"] == "bob \"b\"");
        let quoted = quoted.unwrap_or_else(|| panic!("{format}: quoted entry missing"));
        let shown = target.json(&["show", quoted["id"].as_str().unwrap(), "--reveal", "--json"]);
        assert_eq!(shown["password"], "p,a\"ss\nword", "{format}");
    }
}

#[test]
fn export_a_selection_to_pdf_and_import_reports_bad_rows_with_line_numbers() {
    let fixture = Fixture::new();
    let id = fixture.add("Only this", "ana", "pw", "https://one.example.com", &[]);
    fixture.add("Not this", "bob", "pw", "https://two.example.com", &[]);
    let pdf = fixture.path("selection.pdf");
    fixture
        .keypost(&[
            "export",
            "--format",
            "pdf",
            "--output",
            pdf.to_str().unwrap(),
            &id,
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("exported 1 entries"));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));

    let csv = fixture.file(
        "broken.csv",
        "name,url,username,password,note\nGood,https://g.example,u,p,\nBad,\"unclosed,u,p\n",
    );
    fixture
        .keypost(&["import", &csv, "--dry-run"])
        .assert()
        .success()
        .stderr(predicate::str::contains("line 3"));
    assert_eq!(fixture.json(&["ls", "--json"]).as_array().unwrap().len(), 2);
}

/// `--output out.csv` is a file in the current folder: the export succeeds and says so.
#[test]
fn export_to_a_bare_file_name_writes_it_in_the_current_folder() {
    let fixture = Fixture::new();
    fixture.add("Mail", "ana", "pw", "https://mail.example.com", &[]);
    let folder = fixture.path("here");
    std::fs::create_dir(&folder).unwrap();
    fixture
        .keypost(&["export", "--format", "bitwarden", "--output", "out.csv"])
        .current_dir(&folder)
        .assert()
        .success()
        .stderr(predicate::str::contains("exported 1 entries"));
    let written = std::fs::read_to_string(folder.join("out.csv")).unwrap();
    assert!(written.contains("Mail"), "{written}");
}

/// A file with no readable entry says so, and `undo` afterwards finds nothing to undo.
#[test]
fn importing_a_file_without_entries_says_nothing_was_imported() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "empty-export.csv",
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n",
    );
    fixture
        .keypost(&["import", &path, "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing imported"));
    fixture.keypost(&["undo"]).assert().failure();
}

#[test]
fn a_second_process_gets_a_clear_in_use_error() {
    let fixture = Fixture::new();
    fixture.add("Mail", "ana", "pw", "https://mail.example.com", &[]);
    // This test process holds the vault open, exactly as a running app would.
    let _held = keypost_core::vault::Vault::unlock(Path::new(&fixture.vault), PASSWORD).unwrap();
    fixture
        .keypost(&["ls"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("another Keypost process"));
}

#[test]
fn an_emptied_database_beside_its_header_is_refused_as_damaged_and_left_alone() {
    let fixture = Fixture::new();
    fixture.add("Mail", "ana", "pw", "https://mail.example.com", &[]);
    let database = fixture.vault.join(keypost_core::vault::DATABASE_FILE);
    let whole = std::fs::read(&database).unwrap();
    for contents in [Vec::new(), whole[..100].to_vec()] {
        std::fs::write(&database, &contents).unwrap();
        for args in [
            &["ls"][..],
            &["add", "--title", "After the loss", "--password", "x"][..],
        ] {
            fixture
                .keypost(args)
                .assert()
                .code(1)
                .stderr(predicate::str::contains("vault damaged"));
            assert_eq!(std::fs::read(&database).unwrap(), contents, "{args:?}");
        }
    }
}

#[test]
fn generate_makes_passwords_and_passphrases_without_a_vault() {
    let output = Command::cargo_bin("keypost")
        .unwrap()
        .env("KEYPOST_VAULT", "/nonexistent/vault")
        .args(["generate", "--length", "32", "--no-symbols"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let password = String::from_utf8(output).unwrap();
    let password = password.trim();
    assert_eq!(password.chars().count(), 32);
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));

    let output = Command::cargo_bin("keypost")
        .unwrap()
        .args(["generate", "--words", "5", "--separator", "."])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let phrase = String::from_utf8(output).unwrap();
    assert_eq!(phrase.trim().split('.').count(), 5);
}

/// `keypost send`, `sent` and `revoke` against a real relay on 127.0.0.1 (SQLite, outbox). The
/// vault keeps each status it reads, and `sent` shows it when the relay cannot be reached.
#[test]
fn send_then_sent_follows_the_status_and_revoke_ends_it() {
    let fixture = Fixture::new();
    let id = fixture.add("Mail", "ana", "m4il-Secret-1", "https://mail.example", &[]);
    let relay = Relay::start();
    let relay_url = relay.url.clone();

    let sent = fixture.json(&[
        "send",
        "--relay",
        &relay_url,
        "--to",
        "bo@example.org",
        "--name",
        "Ana",
        "--pin",
        "24680",
        "--json",
        &id,
    ]);
    let pickup_id = sent["id"].as_str().unwrap().to_owned();
    assert_eq!(sent["pin"], "24680");

    let listed = fixture.json(&["sent", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let row = &listed[0];
    assert_eq!(row["id"], pickup_id.as_str());
    assert_eq!(row["recipient_email"], "bo@example.org");
    assert!(row["sent_at"].as_str().unwrap().starts_with("20"), "{row}");
    assert_eq!(row["status"]["Ok"]["state"], "active", "{row}");

    fixture
        .keypost(&["revoke", "--", &pickup_id])
        .assert()
        .success();
    let listed = fixture.json(&["sent", "--json"]);
    assert_eq!(listed[0]["status"]["Ok"]["state"], "revoked", "{listed}");

    // The relay goes away: the status it gave last is still shown.
    relay.shutdown();
    let listed = fixture.json(&["sent", "--json"]);
    assert!(listed[0]["status"]["Err"].is_string(), "{listed}");
    assert_eq!(listed[0]["last_known"]["state"], "revoked", "{listed}");
    fixture
        .keypost(&["sent"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Last known: Revoked"));
}

/// `send --deliver myself`: the CLI prints the link and a message to paste; the relay gets
/// neither the address nor the link secret, and writes no email.
#[test]
fn send_deliver_myself_prints_the_link_and_the_relay_never_sees_it() {
    let fixture = Fixture::new();
    let id = fixture.add("Mail", "ana", "m4il-Secret-1", "https://mail.example", &[]);
    let relay = Relay::start();
    let send = |json: bool| {
        let mut args = vec![
            "send",
            "--relay",
            &relay.url,
            "--to",
            "bo@example.org",
            "--deliver",
            "myself",
            "--name",
            "Ana",
            "--pin",
            "24680",
        ];
        if json {
            args.push("--json");
        }
        args.push("--");
        args.push(&id);
        fixture.keypost(&args).assert().success()
    };
    let printed = send(false);
    let stderr = String::from_utf8(printed.get_output().stderr.clone()).unwrap();
    let stdout = String::from_utf8(printed.get_output().stdout.clone()).unwrap();
    let link = stdout
        .lines()
        .find_map(|line| line.strip_prefix("Link: "))
        .unwrap()
        .to_owned();
    assert!(stderr.contains("the relay never saw it"), "{stderr}");
    assert!(
        stderr.contains(&link),
        "the message to paste holds the link: {stderr}"
    );
    assert!(!stderr.contains("24680"), "never the PIN: {stderr}");

    let sent: serde_json::Value = serde_json::from_slice(&send(true).get_output().stdout).unwrap();
    assert_eq!(sent["delivery"], "sender_delivers");
    assert_eq!(sent["emailed"], false);
    assert_eq!(
        sent["recipient_email"], "bo@example.org",
        "kept for the Sent list"
    );
    assert_eq!(relay.emails_written(), 0, "the relay wrote no email");
}

/// Without `--relay` the CLI sends through the relay saved in the app's Settings, else the
/// app's built-in relay address, and every send says which one it used and why.
#[test]
fn send_uses_the_apps_relay_and_says_which_relay_it_used() {
    let fixture = Fixture::new();
    let id = fixture.add("Mail", "ana", "m4il-Secret-1", "https://mail.example", &[]);
    let send = [
        "send",
        "--to",
        "bo@example.org",
        "--name",
        "Ana",
        "--pin",
        "24680",
    ];

    // Nothing set: the built-in relay's address, here a server that hangs up at once. The
    // test holds the port itself, so nothing is ever sent into a Keypost app running here.
    let listener = std::net::TcpListener::bind(("127.0.0.1", 47810)).unwrap_or_else(|error| {
        panic!("port 47810 is taken ({error}): quit the Keypost app to run this test")
    });
    std::thread::spawn(move || {
        for connection in listener.incoming() {
            drop(connection);
        }
    });
    let failed = fixture.keypost(&send).arg(&id).assert().code(8);
    let stderr = String::from_utf8(failed.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("http://127.0.0.1:47810"), "{stderr}");
    assert!(stderr.contains("the app's built-in relay"), "{stderr}");
    assert!(
        stderr.contains("start the Keypost app or give --relay URL"),
        "{stderr}"
    );

    // The app saved a relay: the CLI uses it.
    let relay = Relay::start();
    let settings = keypost_core::settings::SettingsFile::in_dir(
        &fixture
            .config_dir()
            .join(keypost_core::settings::APP_IDENTIFIER),
    );
    let saved = keypost_core::settings::Settings {
        relay_url: relay.url.clone(),
        ..Default::default()
    };
    settings.save(&saved).unwrap();
    let sent = fixture.json(&[&send[..], &["--json", &id]].concat());
    assert_eq!(sent["relay_url"], relay.url.as_str(), "{sent}");
    assert_eq!(sent["relay_source"], "app_settings", "{sent}");
    let text = fixture.keypost(&send).arg(&id).assert().success();
    let stdout = String::from_utf8(text.get_output().stdout.clone()).unwrap();
    let expected = format!("Relay: {} (the relay set in the app's Settings)", relay.url);
    assert!(stdout.contains(&expected), "{stdout}");

    // --relay wins over the app's setting.
    let other = Relay::start();
    let sent = fixture.json(&[&send[..], &["--relay", &other.url, "--json", &id]].concat());
    assert_eq!(sent["relay_url"], other.url.as_str(), "{sent}");
    assert_eq!(sent["relay_source"], "given", "{sent}");
}

/// A send to a contact says the relay it went through: the one the vault is registered at.
#[test]
fn a_send_to_a_contact_says_its_relay() {
    let relay = Relay::start();
    let (alice, bob) = (Fixture::new(), Fixture::new());
    alice.register(&relay, "Alice");
    bob.register(&relay, "Bob");
    support::connect(&alice, &bob, "Bob");
    let id = alice.add("Wi-Fi", "", "w1fi-Secret", "", &[]);
    let args = ["send", "--contact", "Bob", "--yes"];
    let sent = alice.json(&[&args[..], &["--json", &id]].concat());
    assert_eq!(sent["relay_url"], relay.url.as_str(), "{sent}");
    let text = alice.keypost(&args).arg(&id).assert().success();
    let stderr = String::from_utf8(text.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains(&format!("through the relay {}", relay.url)),
        "{stderr}"
    );
}
