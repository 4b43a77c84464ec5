//! Behaviour across real processes: one opener at a time, and a process killed at any moment
//! loses no committed data. Each test re-runs this test binary as the child process: when
//! `KEYPOST_TEST_CHILD` is set, the same test function plays the child's part.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use keypost_core::entries::{BulkEdit, EntryQuery};
use keypost_core::entry::EntryFields;
use keypost_core::vault::{KdfParams, Vault, VaultError};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;
use support::{all_entry_ids, child_process, child_vault_path};

const PASSWORD: &str = "correct horse battery staple";
const SECOND_PASSWORD: &str = "second password";

/// Starts this test binary running only `test_name`, in the child role.
fn spawn_child(test_name: &str, vault: &Path) -> Child {
    child_process(test_name, vault)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads the child's stdout until a line equal to `marker` appears.
fn wait_for_line(child: &mut Child, marker: &str) -> BufReader<std::process::ChildStdout> {
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "child ended before {marker}"
        );
        // libtest prints "test NAME ... " before the test runs, so the marker may end a line.
        if line.trim_end().ends_with(marker) {
            return reader;
        }
    }
}

fn entries(count: usize) -> Vec<EntryFields> {
    (0..count)
        .map(|i| {
            keypost_core::entry_fields! {
                title: format!("Entry {i:05}"),
                username: format!("user{i}"),
                password: format!("secret-{i}"),
                urls: vec![format!("https://site{i}.example")],
                tags: vec!["base".into()],
            }
        })
        .collect()
}

#[test]
fn a_second_process_gets_in_use_while_the_first_holds_the_vault() {
    if let Some(path) = child_vault_path() {
        // Child: hold the vault open until the parent closes our stdin (or kills us), or
        // report that it is in use.
        let _vault = match Vault::unlock(&path, PASSWORD) {
            Ok(vault) => vault,
            Err(VaultError::InUse) => {
                println!("in use");
                return;
            }
            Err(other) => panic!("unexpected: {other}"),
        };
        println!("holding");
        std::io::stdout().flush().unwrap();
        let mut rest = String::new();
        std::io::stdin().read_line(&mut rest).unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keypost");
    drop(Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap());

    let mut child = spawn_child(
        "a_second_process_gets_in_use_while_the_first_holds_the_vault",
        &path,
    );
    let _stdout = wait_for_line(&mut child, "holding");
    assert!(matches!(
        Vault::unlock(&path, PASSWORD),
        Err(VaultError::InUse)
    ));
    // Killing the holder releases the lock: the OS drops it with the process.
    child.kill().unwrap();
    child.wait().unwrap();
    let vault = Vault::unlock(&path, PASSWORD).unwrap();

    // And the other way round: while this process holds it, a child is refused.
    let mut child = spawn_child(
        "a_second_process_gets_in_use_while_the_first_holds_the_vault",
        &path,
    );
    let _stdout = wait_for_line(&mut child, "in use");
    assert!(child.wait().unwrap().success());
    drop(vault);
}

#[test]
fn a_second_handle_in_the_same_process_gets_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keypost");
    let vault = Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap();
    assert!(matches!(
        Vault::unlock(&path, PASSWORD),
        Err(VaultError::InUse)
    ));
    // Even the wrong password learns only that the vault is in use, and runs no KDF.
    assert!(matches!(
        Vault::unlock(&path, "wrong"),
        Err(VaultError::InUse)
    ));
    vault.lock();
    // Locking releases the vault. Other tests of this binary fork children at any moment, and
    // a child holds a copy of every open descriptor (so also the lock) until its exec: allow
    // that moment to pass.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        match Vault::unlock(&path, PASSWORD) {
            Ok(reopened) => break drop(reopened),
            Err(VaultError::InUse) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(other) => panic!("the vault stays unusable after lock: {other}"),
        }
    }
}

#[test]
fn killing_a_bulk_edit_of_10000_entries_leaves_all_or_nothing() {
    const COUNT: usize = 10_000;
    if let Some(path) = child_vault_path() {
        let mut vault = Vault::unlock(&path, PASSWORD).unwrap();
        let ids = all_entry_ids(&vault);
        println!("editing");
        std::io::stdout().flush().unwrap();
        vault
            .entries_mut()
            .bulk_edit(&ids, &BulkEdit::AddTags(vec!["rotated".into()]))
            .unwrap();
        println!("committed");
        std::io::stdout().flush().unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keypost");
    {
        let mut vault = Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap();
        vault.entries_mut().import(entries(COUNT)).unwrap();
    }
    let mut outcomes = Vec::new();
    // Kill at several points: before, during and (for the last) likely after the commit.
    for delay_ms in [0u64, 5, 15, 30, 60, 120, 400] {
        let mut child = spawn_child(
            "killing_a_bulk_edit_of_10000_entries_leaves_all_or_nothing",
            &path,
        );
        let _stdout = wait_for_line(&mut child, "editing");
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();

        let mut vault = Vault::unlock(&path, PASSWORD).unwrap();
        let tagged = vault
            .entries()
            .list(&EntryQuery {
                tag: Some("rotated".into()),
                ..EntryQuery::default()
            })
            .unwrap()
            .len();
        assert!(
            tagged == 0 || tagged == COUNT,
            "partial bulk edit after kill at {delay_ms} ms: {tagged}"
        );
        assert_eq!(vault.entries().count().unwrap(), COUNT);
        assert_eq!(vault.integrity_check().unwrap(), "ok");
        outcomes.push(tagged);
        if tagged == COUNT {
            // Committed before the kill: it is one undo step, and undo still works.
            let undone = vault.entries_mut().undo().unwrap().unwrap();
            assert_eq!(undone.entry_count, COUNT);
        }
    }
    eprintln!("tagged entries after each kill: {outcomes:?}");
}

#[test]
fn killing_a_master_password_change_leaves_old_or_new_password() {
    if let Some(path) = child_vault_path() {
        // An earlier kill may have left either password in place.
        let (mut vault, mut next) = match Vault::unlock(&path, PASSWORD) {
            Ok(vault) => (vault, SECOND_PASSWORD),
            Err(VaultError::WrongPassword) => {
                (Vault::unlock(&path, SECOND_PASSWORD).unwrap(), PASSWORD)
            }
            Err(other) => panic!("unexpected: {other}"),
        };
        println!("changing");
        std::io::stdout().flush().unwrap();
        // Flip between the two passwords as fast as possible until killed.
        loop {
            let current = if next == PASSWORD {
                SECOND_PASSWORD
            } else {
                PASSWORD
            };
            vault.change_master_password(current, next).unwrap();
            next = if next == PASSWORD {
                SECOND_PASSWORD
            } else {
                PASSWORD
            };
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keypost");
    drop(Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap());
    for delay_ms in [0u64, 7, 23, 61, 150] {
        let mut child = spawn_child(
            "killing_a_master_password_change_leaves_old_or_new_password",
            &path,
        );
        let _stdout = wait_for_line(&mut child, "changing");
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        let opened = match Vault::unlock(&path, PASSWORD) {
            Ok(vault) => vault,
            Err(VaultError::WrongPassword) => Vault::unlock(&path, SECOND_PASSWORD).unwrap(),
            Err(other) => panic!("vault unusable after kill at {delay_ms} ms: {other}"),
        };
        assert!(!path.join("header.tmp").exists());
        drop(opened);
    }
}
