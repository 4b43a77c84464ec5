//! Every entry operation against a real vault folder on disk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use keypost_core::entries::{BulkEdit, EntriesError, EntryQuery, TagCount};
use keypost_core::entry::{CustomField, EntryFields};
use keypost_core::vault::{KdfParams, Vault};

const PASSWORD: &str = "correct horse battery staple";

fn new_vault() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::create(&dir.path().join("v.keypost"), PASSWORD, KdfParams::FLOOR).unwrap();
    (dir, vault)
}

fn fields(title: &str, username: &str, tags: &[&str]) -> EntryFields {
    keypost_core::entry_fields! {
        title: title.to_owned(),
        username: username.to_owned(),
        password: format!("pw-{title}"),
        urls: vec![format!("https://{}.example", title.to_lowercase())],
        notes: format!("notes about {title}"),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
    }
}

fn query(text: &str) -> EntryQuery {
    EntryQuery {
        text: Some(text.to_owned()),
        ..EntryQuery::default()
    }
}

#[test]
fn add_get_and_every_field_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keypost");
    let mut vault = Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap();
    let full = EntryFields {
        title: "Bank".into(),
        username: "alice".into(),
        password: "=SUM(1)\u{1F511}".into(),
        urls: vec![
            "https://bank.example".into(),
            "https://m.bank.example".into(),
        ],
        notes: "line one\nline two".into(),
        tags: vec!["finance".into(), "home".into()],
        folder: "Personal/Money".into(),
        custom_fields: vec![
            CustomField {
                name: "PIN".into(),
                value: "1234".into(),
                hidden: true,
            },
            CustomField {
                name: "Branch".into(),
                value: "Main St".into(),
                hidden: false,
            },
        ],
        totp: "otpauth://totp/Bank?secret=JBSWY3DPEHPK3PXP".into(),
        favourite: true,
    };
    let added = vault.entries_mut().add(full.clone()).unwrap();
    assert_eq!(added.fields, full);
    assert_eq!(added.created, added.modified);
    drop(vault);
    let vault = Vault::unlock(&path, PASSWORD).unwrap();
    assert_eq!(vault.entries().get(added.id).unwrap(), added);
    assert_eq!(vault.entries().get_many(&[added.id]).unwrap(), vec![added]);
}

#[test]
fn add_normalises_tags_and_urls() {
    let (_dir, mut vault) = new_vault();
    let mut input = fields("A", "u", &[" work ", "work", "", "home"]);
    input.urls = vec![" https://a ".into(), "".into(), "https://a".into()];
    let entry = vault.entries_mut().add(input).unwrap();
    assert_eq!(entry.fields.tags, vec!["work", "home"]);
    assert_eq!(entry.fields.urls, vec!["https://a"]);
    let bad = fields("B", "u", &["bad\ttag"]);
    assert!(matches!(
        vault.entries_mut().add(bad),
        Err(EntriesError::InvalidTag(_))
    ));
}

#[test]
fn unknown_id_is_entry_not_found() {
    let (_dir, mut vault) = new_vault();
    let missing = keypost_core::entry::EntryId::new_random();
    assert!(
        matches!(vault.entries().get(missing), Err(EntriesError::NotFound(id)) if id == missing)
    );
    assert!(matches!(
        vault.entries_mut().update(missing, EntryFields::default()),
        Err(EntriesError::NotFound(_))
    ));
    assert!(matches!(
        vault.entries_mut().delete(missing),
        Err(EntriesError::NotFound(_))
    ));
    let present = vault.entries_mut().add(fields("A", "u", &[])).unwrap();
    assert!(matches!(
        vault.entries().get_many(&[present.id, missing]),
        Err(EntriesError::NotFound(_))
    ));
}

#[test]
fn update_moves_changed_password_into_history() {
    let (_dir, mut vault) = new_vault();
    let entry = vault.entries_mut().add(fields("Mail", "bob", &[])).unwrap();
    let mut changed = entry.fields.clone();
    changed.password = "second".into();
    let updated = vault
        .entries_mut()
        .update(entry.id, changed.clone())
        .unwrap();
    assert_eq!(updated.fields.password, "second");
    assert_eq!(updated.password_history.len(), 1);
    assert_eq!(updated.password_history[0].password, "pw-Mail");
    assert!(updated.modified >= entry.modified);
    assert_eq!(updated.created, entry.created);
    changed.password = "third".into();
    let updated = vault
        .entries_mut()
        .update(entry.id, changed.clone())
        .unwrap();
    let history: Vec<&str> = updated
        .password_history
        .iter()
        .map(|item| item.password.as_str())
        .collect();
    assert_eq!(history, vec!["second", "pw-Mail"], "newest first");
    // The same fields again: nothing written, no undo step.
    let steps = vault.entries().undo_history().unwrap().len();
    vault.entries_mut().update(entry.id, changed).unwrap();
    assert_eq!(vault.entries().undo_history().unwrap().len(), steps);
    // A change that keeps the password adds no history.
    let mut renamed = updated.fields.clone();
    renamed.title = "Mail 2".into();
    assert_eq!(
        vault
            .entries_mut()
            .update(entry.id, renamed)
            .unwrap()
            .password_history
            .len(),
        2
    );
}

/// The app's entry window edits a copy: a bulk edit made while it is open must not be
/// overwritten when the window saves.
#[test]
fn an_edit_of_a_copy_read_before_a_bulk_edit_is_refused_until_read_again() {
    let (_dir, mut vault) = new_vault();
    let entry = vault.entries_mut().add(fields("Mail", "bob", &[])).unwrap();
    let read = vault.entries().get(entry.id).unwrap();
    vault
        .entries_mut()
        .bulk_edit(&[entry.id], &BulkEdit::AddTags(vec!["shared".into()]))
        .unwrap();
    let steps = vault.entries().undo_history().unwrap().len();

    let mut edited = read.fields.clone();
    edited.username = "robert".into();
    assert!(matches!(
        vault
            .entries_mut()
            .edit_as_read(entry.id, read.modified, |_| Ok::<_, EntriesError>(edited.clone())),
        Err(EntriesError::ChangedSince(id)) if id == entry.id
    ));
    let stored = vault.entries().get(entry.id).unwrap();
    assert_eq!(stored.fields.tags, ["shared"], "the bulk tag is kept");
    assert_eq!(stored.fields.username, "bob", "nothing of the stale copy");
    assert_eq!(vault.entries().undo_history().unwrap().len(), steps);

    // Read again, the same edit saves and keeps the tag.
    let mut edited = stored.fields.clone();
    edited.username = "robert".into();
    let saved = vault
        .entries_mut()
        .edit_as_read(entry.id, stored.modified, |_| Ok::<_, EntriesError>(edited))
        .unwrap();
    assert_eq!(saved.fields.tags, ["shared"]);
    assert_eq!(saved.fields.username, "robert");

    // Undo puts back the entry as it was read, `modified` included: that copy is current
    // again, and one read before the undo is not.
    vault.entries_mut().undo().unwrap().unwrap();
    vault.entries_mut().undo().unwrap().unwrap();
    assert!(matches!(
        vault
            .entries_mut()
            .edit_as_read(entry.id, saved.modified, |_| Ok::<_, EntriesError>(
                saved.fields.clone()
            )),
        Err(EntriesError::ChangedSince(_))
    ));
    let mut edited = read.fields.clone();
    edited.title = "Mail (home)".into();
    let saved = vault
        .entries_mut()
        .edit_as_read(entry.id, read.modified, |_| Ok::<_, EntriesError>(edited))
        .unwrap();
    assert_eq!(saved.fields.title, "Mail (home)");
    assert!(saved.fields.tags.is_empty());
}

#[test]
fn search_is_case_insensitive_substring_over_listed_fields() {
    let (_dir, mut vault) = new_vault();
    let mut github = fields("GitHub", "octocat", &["Dev"]);
    github.notes = "Recovery codes in the SAFE".into();
    github.password = "findme-not".into();
    let github = vault.entries_mut().add(github).unwrap();
    let mut straße = fields("Straße Bank", "müller", &["finance"]);
    straße.urls = vec!["https://STRASSE.example/login".into()];
    let straße = vault.entries_mut().add(straße).unwrap();
    vault.entries_mut().add(fields("Other", "x", &[])).unwrap();

    let ids = |text: &str| -> Vec<_> {
        vault
            .entries()
            .list(&query(text))
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect()
    };
    assert_eq!(ids("github"), vec![github.id], "title");
    assert_eq!(ids("OCTO"), vec![github.id], "username");
    assert_eq!(ids("dev"), vec![github.id], "tag");
    assert_eq!(ids("safe"), vec![github.id], "notes");
    assert_eq!(ids("strasse.example/LOG"), vec![straße.id], "url");
    assert_eq!(ids("STRASSE BANK").len(), 0, "ß is not ss");
    assert_eq!(ids("STRAßE"), vec![straße.id], "unicode case folding");
    assert_eq!(ids("MÜLLER"), vec![straße.id]);
    assert!(ids("findme").is_empty(), "passwords are never searched");
    assert_eq!(ids("  ").len(), 3, "blank text lists everything");
    assert_eq!(
        vault.entries().list(&EntryQuery::default()).unwrap().len(),
        3
    );
}

#[test]
fn list_is_sorted_by_title_and_filters_tag_and_favourites() {
    let (_dir, mut vault) = new_vault();
    let mut banana = fields("banana", "u", &["fruit", "yellow"]);
    banana.favourite = true;
    vault.entries_mut().add(banana).unwrap();
    vault
        .entries_mut()
        .add(fields("Apple", "u", &["fruit"]))
        .unwrap();
    vault
        .entries_mut()
        .add(fields("carrot", "u", &["veg"]))
        .unwrap();
    let titles = |query: &EntryQuery| -> Vec<String> {
        vault
            .entries()
            .list(query)
            .unwrap()
            .into_iter()
            .map(|s| s.title)
            .collect()
    };
    assert_eq!(
        titles(&EntryQuery::default()),
        ["Apple", "banana", "carrot"]
    );
    let fruit = EntryQuery {
        tag: Some("fruit".into()),
        ..EntryQuery::default()
    };
    assert_eq!(titles(&fruit), ["Apple", "banana"]);
    let favourites = EntryQuery {
        favourites_only: true,
        ..EntryQuery::default()
    };
    assert_eq!(titles(&favourites), ["banana"]);
    let combined = EntryQuery {
        text: Some("APP".into()),
        tag: Some("fruit".into()),
        favourites_only: false,
    };
    assert_eq!(titles(&combined), ["Apple"]);
    let tag_prefix = EntryQuery {
        tag: Some("fru".into()),
        ..EntryQuery::default()
    };
    assert!(titles(&tag_prefix).is_empty(), "tag filter is exact");
    assert_eq!(
        vault.entries().tags().unwrap(),
        vec![
            TagCount {
                tag: "fruit".into(),
                count: 2
            },
            TagCount {
                tag: "veg".into(),
                count: 1
            },
            TagCount {
                tag: "yellow".into(),
                count: 1
            },
        ]
    );
}

#[test]
fn summaries_carry_no_secrets() {
    let (_dir, mut vault) = new_vault();
    vault
        .entries_mut()
        .add(fields("Secretive", "u", &["t"]))
        .unwrap();
    let summaries = vault.entries().list(&EntryQuery::default()).unwrap();
    let json = serde_json::to_string(&summaries).unwrap();
    assert!(!json.contains("pw-Secretive"));
    assert!(!json.contains("notes about"));
}

#[test]
fn import_is_one_transaction_and_one_undo_step() {
    let (_dir, mut vault) = new_vault();
    let batch: Vec<EntryFields> = (0..250)
        .map(|i| fields(&format!("Imported {i:03}"), "user", &["imported"]))
        .collect();
    let ids = vault.entries_mut().import(batch).unwrap();
    assert_eq!(ids.len(), 250);
    assert_eq!(vault.entries().count().unwrap(), 250);
    assert_eq!(
        vault.entries().get(ids[7]).unwrap().fields.title,
        "Imported 007"
    );
    let history = vault.entries().undo_history().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].entry_count, 250);
    assert_eq!(history[0].description, "Import 250 entries");
    // A bad row anywhere refuses the whole batch.
    let mut bad: Vec<EntryFields> = (0..3).map(|i| fields(&i.to_string(), "u", &[])).collect();
    bad[2].tags = vec!["a\nb".into()];
    assert!(matches!(
        vault.entries_mut().import(bad),
        Err(EntriesError::InvalidTag(_))
    ));
    assert_eq!(vault.entries().count().unwrap(), 250);
    vault.entries_mut().undo().unwrap().unwrap();
    assert_eq!(vault.entries().count().unwrap(), 0);
}

#[test]
fn bulk_edits_each_kind_and_preview_matches() {
    let (_dir, mut vault) = new_vault();
    let a = vault.entries_mut().add(fields("A", "old", &["x"])).unwrap();
    let mut b_fields = fields("B", "old", &["x", "y"]);
    b_fields.urls = vec!["https://main.b".into(), "https://second.b".into()];
    let b = vault.entries_mut().add(b_fields).unwrap();
    let c = vault.entries_mut().add(fields("C", "keep", &[])).unwrap();
    let both = [a.id, b.id];

    let preview = vault
        .entries()
        .preview_bulk_edit(&both, &BulkEdit::AddTags(vec!["y".into(), "z".into()]))
        .unwrap();
    assert_eq!((preview.selected, preview.changed), (2, 2));
    assert_eq!(
        vault.entries().get(a.id).unwrap().fields.tags,
        vec!["x"],
        "preview writes nothing"
    );
    let done = vault
        .entries_mut()
        .bulk_edit(&both, &BulkEdit::AddTags(vec!["y".into(), "z".into()]))
        .unwrap();
    assert_eq!(done, preview);
    assert_eq!(
        vault.entries().get(a.id).unwrap().fields.tags,
        vec!["x", "y", "z"]
    );
    assert_eq!(
        vault.entries().get(b.id).unwrap().fields.tags,
        vec!["x", "y", "z"]
    );

    let removed = vault
        .entries_mut()
        .bulk_edit(&[a.id, b.id, c.id], &BulkEdit::RemoveTags(vec!["x".into()]))
        .unwrap();
    assert_eq!((removed.selected, removed.changed), (3, 2));
    assert_eq!(
        vault.entries().get(b.id).unwrap().fields.tags,
        vec!["y", "z"]
    );

    vault
        .entries_mut()
        .bulk_edit(&both, &BulkEdit::SetUsername("new".into()))
        .unwrap();
    assert_eq!(vault.entries().get(a.id).unwrap().fields.username, "new");
    assert_eq!(vault.entries().get(c.id).unwrap().fields.username, "keep");

    vault
        .entries_mut()
        .bulk_edit(&both, &BulkEdit::SetUrl("https://new.example".into()))
        .unwrap();
    assert_eq!(
        vault.entries().get(a.id).unwrap().fields.urls,
        vec!["https://new.example"]
    );
    assert_eq!(
        vault.entries().get(b.id).unwrap().fields.urls,
        vec!["https://new.example", "https://second.b"]
    );

    vault
        .entries_mut()
        .bulk_edit(&both, &BulkEdit::SetFolder("Work/Clients".into()))
        .unwrap();
    assert_eq!(
        vault.entries().get(b.id).unwrap().fields.folder,
        "Work/Clients"
    );

    vault
        .entries_mut()
        .bulk_edit(&both, &BulkEdit::AppendNotes("rotated 2026".into()))
        .unwrap();
    assert_eq!(
        vault.entries().get(a.id).unwrap().fields.notes,
        "notes about A\nrotated 2026"
    );

    vault
        .entries_mut()
        .bulk_edit(&both, &BulkEdit::SetFavourite(true))
        .unwrap();
    assert!(vault.entries().get(b.id).unwrap().fields.favourite);
    let favourites = EntryQuery {
        favourites_only: true,
        ..EntryQuery::default()
    };
    assert_eq!(vault.entries().list(&favourites).unwrap().len(), 2);

    // The password is untouched by every bulk edit.
    assert_eq!(vault.entries().get(a.id).unwrap().fields.password, "pw-A");

    let deleted = vault
        .entries_mut()
        .bulk_edit(&both, &BulkEdit::Delete)
        .unwrap();
    assert_eq!(deleted.description, "Delete 2 entries");
    assert_eq!(vault.entries().count().unwrap(), 1);
    assert!(matches!(
        vault.entries().get(a.id),
        Err(EntriesError::NotFound(_))
    ));
}

#[test]
fn bulk_edit_with_an_unknown_id_changes_nothing() {
    let (_dir, mut vault) = new_vault();
    let a = vault.entries_mut().add(fields("A", "u", &[])).unwrap();
    let missing = keypost_core::entry::EntryId::new_random();
    let result = vault
        .entries_mut()
        .bulk_edit(&[a.id, missing], &BulkEdit::AddTags(vec!["t".into()]));
    assert!(matches!(result, Err(EntriesError::NotFound(id)) if id == missing));
    assert!(vault.entries().get(a.id).unwrap().fields.tags.is_empty());
}

#[test]
fn bulk_edit_that_changes_nothing_records_no_undo_step() {
    let (_dir, mut vault) = new_vault();
    let a = vault.entries_mut().add(fields("A", "u", &["t"])).unwrap();
    let outcome = vault
        .entries_mut()
        .bulk_edit(&[a.id, a.id], &BulkEdit::AddTags(vec!["t".into()]))
        .unwrap();
    assert_eq!((outcome.selected, outcome.changed), (1, 0));
    assert_eq!(
        vault.entries().undo_history().unwrap().len(),
        1,
        "only the add"
    );
}

#[test]
fn all_entries_reads_every_field_in_list_order() {
    let (_dir, mut vault) = new_vault();
    let banana = vault
        .entries_mut()
        .add(fields("banana", "b", &["fruit"]))
        .unwrap();
    let apple = vault.entries_mut().add(fields("Apple", "a", &[])).unwrap();
    let cherry = vault
        .entries_mut()
        .add(fields("cherry", "c", &["fruit", "red"]))
        .unwrap();

    let all = vault.entries().all().unwrap();
    let listed = support::all_entry_ids(&vault);
    assert_eq!(all.iter().map(|entry| entry.id).collect::<Vec<_>>(), listed);
    assert_eq!(
        listed,
        [apple.id, banana.id, cherry.id],
        "case-insensitive by title"
    );
    assert_eq!(
        all,
        vault.entries().get_many(&listed).unwrap(),
        "the same as one lookup per id"
    );
    assert_eq!(all[2].fields.password, "pw-cherry");
}
