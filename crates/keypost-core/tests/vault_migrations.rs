//! Vaults written by earlier builds of Keypost, one fixture per database schema
//! (docs/spec/vault-format.md, "Schema versions"; how each was made: tests/fixtures/vaults/README.md),
//! open with this build, keep every entry, password history and undo step, and are migrated to
//! the newest schema in place.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use keypost_core::entries::EntryQuery;
use keypost_core::pickups::SentState;
use keypost_core::vault::Vault;
use std::path::Path;
use tempfile::TempDir;

const PASSWORD: &str = "fixture password";

/// A copy of the fixture folder, so the migration does not touch the committed files.
fn copy_of(schema: &str) -> TempDir {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vaults")
        .join(schema);
    let dir = TempDir::new().unwrap();
    for file in ["header", "vault.db"] {
        std::fs::copy(source.join(file), dir.path().join(file)).unwrap();
    }
    dir
}

/// The three entries, the edit and the bulk tag that tests/fixtures/vaults/README.md made.
fn assert_fixture_entries(vault: &Vault) {
    let entries = vault.entries();
    let listed = entries.list(&EntryQuery::default()).unwrap();
    let titles: Vec<&str> = listed.iter().map(|entry| entry.title.as_str()).collect();
    assert_eq!(titles, ["Mail", "Wi-Fi", "Zürich Bank ✓"]);

    let mail = entries.get(listed[0].id).unwrap();
    assert_eq!(mail.fields.username, "ana@example.com");
    assert_eq!(mail.fields.password, "new-secret");
    assert_eq!(mail.fields.urls, ["https://mail.example.com"]);
    assert_eq!(mail.fields.notes, "first line\nsecond line");
    assert_eq!(mail.fields.tags, ["work", "client-a"]);
    assert_eq!(mail.password_history.len(), 1);
    assert_eq!(mail.password_history[0].password, "=p@ss 1");

    let bank = entries.get(listed[2].id).unwrap();
    assert_eq!(bank.fields.username, "jürg");
    assert_eq!(bank.fields.password, "grüezi-42");
    assert!(bank.fields.tags.is_empty());

    let hits = entries
        .list(&EntryQuery {
            text: Some("ZÜRICH".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.len(), 1, "search works on migrated rows");
    assert_eq!(
        search_titles(vault, "CLIENT-A"),
        ["Mail", "Wi-Fi"],
        "tags are searched (their own text since schema 10)"
    );
    assert_eq!(
        tag_counts(vault),
        [("client-a".to_owned(), 2), ("work".to_owned(), 1)],
        "the tags are counted (schema 11)"
    );
    assert!(!entries.undo_history().unwrap().is_empty());
}

fn tag_counts(vault: &Vault) -> Vec<(String, usize)> {
    let tags = vault.entries().tags().unwrap();
    tags.into_iter().map(|row| (row.tag, row.count)).collect()
}

fn search_titles(vault: &Vault, text: &str) -> Vec<String> {
    let query = EntryQuery {
        text: Some(text.into()),
        ..Default::default()
    };
    let listed = vault.entries().list(&query).unwrap();
    listed.into_iter().map(|entry| entry.title).collect()
}

#[test]
fn a_schema_1_vault_opens_keeps_everything_and_gains_the_later_tables() {
    let dir = copy_of("schema-1");
    let mut vault = Vault::unlock(dir.path(), PASSWORD).unwrap();
    assert_fixture_entries(&vault);
    // The sent log is schema 2's table, the identity schema 3's, contacts schema 4's and
    // messages schema 5's: reading them fails unless the migrations ran.
    assert!(vault.pickups().sent().unwrap().is_empty());
    assert!(vault.identity().card().unwrap().is_none());
    assert_inbox_tables_empty(&vault);
    assert_eq!(vault.integrity_check().unwrap(), "ok");

    // The undo log written by the earlier build still undoes its last step (the bulk tag).
    vault.entries_mut().undo().unwrap().unwrap();
    let listed = vault.entries().list(&EntryQuery::default()).unwrap();
    assert_eq!(listed[0].tags, ["work"]);
    assert!(
        search_titles(&vault, "client-a").is_empty(),
        "the undo log's before-images were migrated too: the undone tag is not found"
    );
    assert_eq!(search_titles(&vault, "work"), ["Mail"]);
    assert_eq!(
        tag_counts(&vault),
        [("work".to_owned(), 1)],
        "undoing the old bulk tag takes it out of the counts"
    );
    drop(vault);

    // Migrated once, for good: it opens again as the newest schema.
    let vault = Vault::unlock(dir.path(), PASSWORD).unwrap();
    assert!(vault.pickups().sent().unwrap().is_empty());
}

#[test]
fn a_schema_2_vault_keeps_its_sent_log() {
    let dir = copy_of("schema-2");
    let vault = Vault::unlock(dir.path(), PASSWORD).unwrap();
    assert_fixture_entries(&vault);
    let sent = vault.pickups().sent().unwrap();
    assert_eq!(sent.len(), 1);
    let pickup = &sent[0];
    assert_eq!(pickup.recipient_email.as_deref(), Some("bob@example.com"));
    assert_eq!(pickup.entry_titles, ["Mail"]);
    assert_eq!(pickup.pin, "48213");
    // Records from before pending existed carry no state: they were sent.
    assert_eq!(pickup.state, SentState::Sent);
    assert!(pickup.sent_at.is_some());
    assert!(vault.identity().card().unwrap().is_none());
    assert_inbox_tables_empty(&vault);
    assert_eq!(vault.integrity_check().unwrap(), "ok");
}

/// Schemas 4 and 5: no relay account, contacts or messages yet.
fn assert_inbox_tables_empty(vault: &Vault) {
    assert!(vault.contacts().account().unwrap().is_none());
    assert!(vault.contacts().all().unwrap().is_empty());
    assert!(keypost_core::messages::list(vault).unwrap().is_empty());
    assert!(keypost_core::messages::sent(vault).unwrap().is_empty());
    assert_eq!(vault.messages().counter("quarantined").unwrap(), 0);
}

#[test]
fn a_wrong_password_on_an_old_vault_migrates_nothing() {
    let dir = copy_of("schema-1");
    let before = std::fs::read(dir.path().join("vault.db")).unwrap();
    assert!(Vault::unlock(dir.path(), "not the password").is_err());
    assert_eq!(std::fs::read(dir.path().join("vault.db")).unwrap(), before);
}
