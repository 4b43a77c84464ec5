//! Undo: every mutation is one step, stored in the encrypted database, kept for the last 50.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use keypost_core::entries::{BulkEdit, EntriesError, EntryQuery, UNDO_LIMIT};
use keypost_core::entry::EntryFields;
use keypost_core::vault::{KdfParams, Vault};

const PASSWORD: &str = "correct horse battery staple";

fn titled(title: &str) -> EntryFields {
    keypost_core::entry_fields! {
        title: title.to_owned(),
        password: format!("pw-{title}"),
    }
}

fn titles(vault: &Vault) -> Vec<String> {
    let list = support::entry_list(vault);
    list.into_iter().map(|entry| entry.title).collect()
}

#[test]
fn nothing_to_undo_in_a_new_vault() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::create(&dir.path().join("v"), PASSWORD, KdfParams::FLOOR).unwrap();
    assert!(vault.entries_mut().undo().unwrap().is_none());
    assert!(vault.entries().undo_history().unwrap().is_empty());
}

#[test]
fn each_kind_of_change_undoes_in_reverse_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::create(&dir.path().join("v"), PASSWORD, KdfParams::FLOOR).unwrap();
    let a = vault.entries_mut().add(titled("A")).unwrap();
    let b = vault.entries_mut().add(titled("B")).unwrap();
    let mut edited = a.fields.clone();
    edited.password = "changed".into();
    edited.title = "A2".into();
    vault.entries_mut().update(a.id, edited).unwrap();
    vault
        .entries_mut()
        .bulk_edit(&[a.id, b.id], &BulkEdit::AddTags(vec!["t".into()]))
        .unwrap();
    vault.entries_mut().delete(b.id).unwrap();
    vault
        .entries_mut()
        .import(vec![titled("C"), titled("D")])
        .unwrap();

    let history = vault.entries().undo_history().unwrap();
    let descriptions: Vec<&str> = history.iter().map(|c| c.description.as_str()).collect();
    assert_eq!(
        descriptions,
        [
            "Import 2 entries",
            "Delete 1 entry",
            "Add tag \u{201c}t\u{201d} to 2 entries",
            "Edit \u{201c}A2\u{201d}",
            "Add \u{201c}B\u{201d}",
            "Add \u{201c}A\u{201d}",
        ]
    );
    let counts: Vec<usize> = history.iter().map(|c| c.entry_count).collect();
    assert_eq!(counts, [2, 1, 2, 1, 1, 1]);
    assert!(history.windows(2).all(|pair| pair[0].time >= pair[1].time));

    assert_eq!(titles(&vault), ["A2", "C", "D"]);
    assert_eq!(
        vault.entries_mut().undo().unwrap().unwrap().description,
        "Import 2 entries"
    );
    assert_eq!(titles(&vault), ["A2"]);
    vault.entries_mut().undo().unwrap().unwrap(); // delete
    assert_eq!(titles(&vault), ["A2", "B"]);
    assert_eq!(
        vault.entries().get(b.id).unwrap().fields.tags,
        ["t"],
        "restored as it was"
    );
    vault.entries_mut().undo().unwrap().unwrap(); // bulk tag
    assert!(vault.entries().get(b.id).unwrap().fields.tags.is_empty());
    vault.entries_mut().undo().unwrap().unwrap(); // edit: password and history revert too
    let reverted = vault.entries().get(a.id).unwrap();
    assert_eq!(reverted, a);
    assert!(reverted.password_history.is_empty());
    assert_eq!(
        titles(&vault),
        ["A", "B"],
        "A listed under its old title again"
    );
    vault.entries_mut().undo().unwrap().unwrap();
    vault.entries_mut().undo().unwrap().unwrap();
    assert!(titles(&vault).is_empty());
    assert!(vault.entries_mut().undo().unwrap().is_none());
}

#[test]
fn undo_works_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v");
    let id = {
        let mut vault = Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap();
        let entry = vault.entries_mut().add(titled("Keep")).unwrap();
        vault
            .entries_mut()
            .bulk_edit(&[entry.id], &BulkEdit::SetUsername("after".into()))
            .unwrap();
        entry.id
    };
    let mut vault = Vault::unlock(&path, PASSWORD).unwrap();
    assert_eq!(vault.entries().undo_history().unwrap().len(), 2);
    let undone = vault.entries_mut().undo().unwrap().unwrap();
    assert_eq!(undone.entry_count, 1);
    assert_eq!(vault.entries().get(id).unwrap().fields.username, "");
    drop(vault);
    let vault = Vault::unlock(&path, PASSWORD).unwrap();
    assert_eq!(
        vault.entries().undo_history().unwrap().len(),
        1,
        "the undo itself is durable"
    );
}

#[test]
fn only_the_last_fifty_changes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::create(&dir.path().join("v"), PASSWORD, KdfParams::FLOOR).unwrap();
    let total = usize::try_from(UNDO_LIMIT).unwrap() + 10;
    for i in 0..total {
        vault
            .entries_mut()
            .add(titled(&format!("E{i:02}")))
            .unwrap();
    }
    let history = vault.entries().undo_history().unwrap();
    assert_eq!(history.len(), 50);
    assert_eq!(
        history[0].description,
        format!("Add \u{201c}E{}\u{201d}", total - 1)
    );
    assert_eq!(history[49].description, "Add \u{201c}E10\u{201d}");
    while vault.entries_mut().undo().unwrap().is_some() {}
    assert_eq!(
        titles(&vault).len(),
        10,
        "the oldest ten can no longer be undone"
    );
}

#[test]
fn a_dropped_import_leaves_the_history_exact_and_never_attaches_to_a_later_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::create(&dir.path().join("v"), PASSWORD, KdfParams::FLOOR).unwrap();
    // Large enough that its before-images outlive the fifty writes that drop it from the
    // history (they are deleted a bounded batch per write).
    let imported = 60_000;
    let fields = (0..imported).map(|i| titled(&format!("I{i}"))).collect();
    vault.entries_mut().import(fields).unwrap();
    let limit = usize::try_from(UNDO_LIMIT).unwrap();
    for i in 0..limit {
        vault
            .entries_mut()
            .add(titled(&format!("A{i:02}")))
            .unwrap();
    }
    let history = vault.entries().undo_history().unwrap();
    assert_eq!(history.len(), limit);
    assert!(
        history
            .iter()
            .all(|change| change.description.starts_with("Add"))
    );

    // Undo everything there is, then change and undo again: only the new change goes.
    while vault.entries_mut().undo().unwrap().is_some() {}
    assert_eq!(vault.entries().count().unwrap(), imported);
    vault.entries_mut().add(titled("Later")).unwrap();
    let undone = vault.entries_mut().undo().unwrap().unwrap();
    assert_eq!(undone.entry_count, 1);
    assert_eq!(
        vault.entries().count().unwrap(),
        imported,
        "the dropped import stays in the vault"
    );
}

#[test]
fn undo_of_a_delete_restores_secrets_and_times() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::create(&dir.path().join("v"), PASSWORD, KdfParams::FLOOR).unwrap();
    let entry = vault.entries_mut().add(titled("Gone")).unwrap();
    vault
        .entries_mut()
        .bulk_edit(&[entry.id], &BulkEdit::Delete)
        .unwrap();
    assert!(matches!(
        vault.entries().get(entry.id),
        Err(EntriesError::NotFound(_))
    ));
    vault.entries_mut().undo().unwrap().unwrap();
    assert_eq!(vault.entries().get(entry.id).unwrap(), entry);
}

#[test]
fn bulk_tag_of_ten_thousand_entries_undoes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::create(&dir.path().join("v"), PASSWORD, KdfParams::FLOOR).unwrap();
    let entries = (0..10_000)
        .map(|i| {
            keypost_core::entry_fields! {
                title: format!("Entry {i:05}"),
                username: format!("user{i}@example.com"),
                urls: vec![format!("https://site{i}.example")],
                notes: format!("Notes for entry {i}"),
                tags: if i % 2 == 0 {
                    vec!["even".into()]
                } else {
                    Vec::new()
                },
                favourite: i % 7 == 0,
            }
        })
        .collect();
    let ids = vault.entries_mut().import(entries).unwrap();
    let before = vault.entries().all().unwrap();
    let tagged = |vault: &Vault| {
        let query = EntryQuery {
            text: Some("BULK-TAG".into()),
            ..EntryQuery::default()
        };
        vault.entries().list(&query).unwrap().len()
    };

    let outcome = vault
        .entries_mut()
        .bulk_edit(&ids, &BulkEdit::AddTags(vec!["bulk-tag".into()]))
        .unwrap();
    assert_eq!((outcome.selected, outcome.changed), (10_000, 10_000));
    assert_eq!(tagged(&vault), 10_000, "the search index has the new tag");
    let after = vault.entries().all().unwrap();
    assert!(after.iter().zip(&before).all(|(after, before)| {
        after.fields.tags.last().map(String::as_str) == Some("bulk-tag")
            && after.fields.password == before.fields.password
            && after.created == before.created
            && after.modified > before.modified
    }));

    let undone = vault.entries_mut().undo().unwrap().unwrap();
    assert_eq!(undone.entry_count, 10_000);
    assert_eq!(
        vault.entries().all().unwrap(),
        before,
        "every field, time and secret"
    );
    assert_eq!(tagged(&vault), 0, "the tag left the search index");
    assert_eq!(
        vault.entries().undo_history().unwrap().len(),
        1,
        "only the import"
    );
    assert_eq!(vault.integrity_check().unwrap(), "ok");
}
