//! Indexed search (schemas 7, 9 and 10) against the meaning it replaces: on seeded random vaults with
//! non-ASCII text, case folding, FTS5 syntax characters and short queries, after every kind of
//! write (add, edit, delete, bulk edits, import, undo), `list` finds exactly the entries a plain
//! scan of every entry's fields finds, in the same order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use keypost_core::entries::{BulkEdit, EntriesError, EntryQuery, ListKey, SearchStop, TagCount};
use keypost_core::entry::{EntryFields, EntryId};
use keypost_core::vault::{KdfParams, Vault};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const PASSWORD: &str = "correct horse battery staple";

/// Few distinct characters, so trigrams repeat and queries hit often: ASCII of both cases,
/// letters whose lower case differs in length or by context (ß/ẞ, İ, Σ/ς, the Kelvin sign,
/// ǅ), a combining accent, CJK, an emoji, and FTS5's own syntax characters.
const ALPHABET: &[char] = &[
    'a', 'b', 'c', 'A', 'B', 'C', 'x', 'X', ' ', '-', '.', 'ß', 'ẞ', 'ä', 'Ä', 'İ', 'ı', 'i', 'I',
    'Σ', 'σ', 'ς', '\u{212a}', 'k', 'ǅ', 'ǆ', '✓', '😀', '中', 'e', '\u{301}', '"', '*', '%', '_',
    '\'', '(', ':', '^', '+',
];

fn random_text(rng: &mut StdRng, max_chars: usize) -> String {
    let length = rng.gen_range(0..=max_chars);
    (0..length)
        .map(|_| *ALPHABET.choose(rng).unwrap())
        .collect()
}

fn random_fields(rng: &mut StdRng) -> EntryFields {
    let urls = (0..rng.gen_range(0..3))
        .map(|_| format!("https://{}.example", random_text(rng, 6)))
        .collect();
    let tags = (0..rng.gen_range(0..3))
        .map(|_| random_text(rng, 5))
        .collect();
    let notes = (0..rng.gen_range(0..3))
        .map(|_| random_text(rng, 12))
        .collect::<Vec<_>>()
        .join("\n");
    keypost_core::entry_fields! {
        title: random_text(rng, 10),
        username: random_text(rng, 8),
        password: random_text(rng, 8),
        urls: urls,
        notes: notes,
        tags: tags,
        favourite: rng.gen_bool(0.2),
    }
}

/// The meaning of search, as a scan: a case-insensitive substring of the title, username,
/// any URL or the notes, or of the tags (Unicode lower case, fields kept apart by a newline;
/// the tags are a text of their own since schema 10).
fn scan_matches(fields: &EntryFields, text: &str) -> bool {
    let needle = text.trim().to_lowercase();
    let folded = |parts: Vec<&String>| -> String {
        parts
            .into_iter()
            .map(|part| format!("\n{}", part.to_lowercase()))
            .collect()
    };
    let text_fields = [&fields.title, &fields.username]
        .into_iter()
        .chain(&fields.urls)
        .chain([&fields.notes])
        .collect();
    folded(text_fields).contains(&needle) || folded(fields.tags.iter().collect()).contains(&needle)
}

/// A query: mostly a piece of a stored field in another case, sometimes random characters,
/// one to six characters long (so one and two fall back to the scan).
fn random_query(rng: &mut StdRng, vault: &Vault) -> String {
    let all = vault.entries().all().unwrap();
    if all.is_empty() || rng.gen_bool(0.3) {
        return random_text(rng, 5);
    }
    let entry = all.choose(rng).unwrap();
    let fields = &entry.fields;
    let mut parts = vec![&fields.title, &fields.username, &fields.notes];
    parts.extend(&fields.urls);
    parts.extend(&fields.tags);
    let chars: Vec<char> = parts.choose(rng).unwrap().chars().collect();
    if chars.is_empty() {
        return random_text(rng, 5);
    }
    let start = rng.gen_range(0..chars.len());
    let end = rng.gen_range(start + 1..=chars.len().min(start + 6));
    let piece: String = chars[start..end].iter().collect();
    match rng.gen_range(0..3) {
        0 => piece.to_uppercase(),
        1 => piece.to_lowercase(),
        _ => piece,
    }
}

fn assert_search_agrees_with_scan(vault: &Vault, text: &str, step: &str) {
    let all = vault.entries().all().unwrap();
    let expected: Vec<EntryId> = all
        .iter()
        .filter(|entry| scan_matches(&entry.fields, text))
        .map(|entry| entry.id)
        .collect();
    let query = EntryQuery {
        text: Some(text.to_owned()),
        ..EntryQuery::default()
    };
    let found: Vec<EntryId> = vault
        .entries()
        .list(&query)
        .unwrap()
        .into_iter()
        .map(|summary| summary.id)
        .collect();
    assert_eq!(found, expected, "query {text:?} after {step}");
    assert_first_rows_begin_the_list(vault, &query);

    let favourites = EntryQuery {
        favourites_only: true,
        ..query
    };
    assert_first_rows_begin_the_list(vault, &favourites);
    let expected_favourites: Vec<EntryId> = all
        .iter()
        .filter(|entry| entry.fields.favourite && scan_matches(&entry.fields, text))
        .map(|entry| entry.id)
        .collect();
    let found_favourites: Vec<EntryId> = vault
        .entries()
        .list(&favourites)
        .unwrap()
        .into_iter()
        .map(|summary| summary.id)
        .collect();
    assert_eq!(
        found_favourites, expected_favourites,
        "favourites, query {text:?} after {step}"
    );
}

/// What a list shows first is the start of the whole result, in the same order, and says
/// it is complete exactly when it holds every key; its rows are those of its first keys.
fn assert_first_rows_begin_the_list(vault: &Vault, query: &EntryQuery) {
    let whole = vault.entries().list_keys(query).unwrap();
    for window in [1, 7, 100] {
        let first = vault
            .entries()
            .first_rows(query, window, &SearchStop::default())
            .unwrap();
        if first.complete {
            assert_eq!(first.keys, whole, "{query:?}, window {window}");
        } else {
            assert_eq!(first.keys, whole[..window], "{query:?}, window {window}");
        }
        assert_eq!(
            first.complete,
            whole.len() <= window || first.keys.len() == whole.len()
        );
        let shown = &whole[..whole.len().min(window)];
        assert_eq!(first.rows, vault.entries().summaries_at(shown).unwrap());
    }
}

/// The tag list (counts kept by triggers) is what counting every entry's tags gives.
fn assert_tags_agree_with_scan(vault: &Vault, step: &str) {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for entry in vault.entries().all().unwrap() {
        for tag in &entry.fields.tags {
            *counts.entry(tag.clone()).or_default() += 1;
        }
    }
    let mut expected: Vec<TagCount> = counts
        .into_iter()
        .map(|(tag, count)| TagCount { tag, count })
        .collect();
    expected.sort_by_key(|row| row.tag.to_lowercase());
    let mut found = vault.entries().tags().unwrap();
    found.sort_by_key(|row| row.tag.to_lowercase());
    assert_eq!(found, expected, "tags after {step}");
}

fn random_ids(rng: &mut StdRng, vault: &Vault, most: usize) -> Vec<EntryId> {
    let listed = vault.entries().list(&EntryQuery::default()).unwrap();
    let count = rng.gen_range(1..=most.min(listed.len()).max(1));
    listed
        .choose_multiple(rng, count)
        .map(|summary| summary.id)
        .collect()
}

/// One random write; returns its name for the failure message.
fn random_write(rng: &mut StdRng, vault: &mut Vault) -> &'static str {
    let empty = vault.entries().count().unwrap() == 0;
    match rng.gen_range(0..9) {
        0 => {
            vault.entries_mut().add(random_fields(rng)).unwrap();
            "add"
        }
        1 if !empty => {
            let id = random_ids(rng, vault, 1)[0];
            vault.entries_mut().update(id, random_fields(rng)).unwrap();
            "edit"
        }
        2 if !empty => {
            let id = random_ids(rng, vault, 1)[0];
            vault.entries_mut().delete(id).unwrap();
            "delete"
        }
        3 if !empty => {
            let ids = random_ids(rng, vault, 40);
            let tags = vec![random_text(rng, 4), "Tagged ✓".to_owned()];
            vault
                .entries_mut()
                .bulk_edit(&ids, &BulkEdit::AddTags(tags))
                .unwrap();
            "bulk add tags"
        }
        4 if !empty => {
            let ids = random_ids(rng, vault, 40);
            let edit = BulkEdit::RemoveTags(vec!["Tagged ✓".to_owned()]);
            vault.entries_mut().bulk_edit(&ids, &edit).unwrap();
            "bulk remove tags"
        }
        5 if !empty => {
            let ids = random_ids(rng, vault, 40);
            let edit = match rng.gen_range(0..3) {
                0 => BulkEdit::SetUsername(random_text(rng, 6)),
                1 => BulkEdit::SetUrl(format!("https://{}.test", random_text(rng, 4))),
                _ => BulkEdit::AppendNotes(random_text(rng, 8)),
            };
            vault.entries_mut().bulk_edit(&ids, &edit).unwrap();
            "bulk edit of a text field"
        }
        6 if !empty => {
            let ids = random_ids(rng, vault, 10);
            vault
                .entries_mut()
                .bulk_edit(&ids, &BulkEdit::Delete)
                .unwrap();
            "bulk delete"
        }
        7 => {
            let batch = (0..rng.gen_range(1..20))
                .map(|_| random_fields(rng))
                .collect();
            vault.entries_mut().import(batch).unwrap();
            "import"
        }
        _ => {
            vault.entries_mut().undo().unwrap();
            "undo"
        }
    }
}

#[test]
fn indexed_search_finds_what_a_scan_finds_after_every_kind_of_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keypost");
    let mut vault = Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap();
    let mut rng = StdRng::seed_from_u64(0x6b65_7970_6f73_7407);
    let initial = (0..150).map(|_| random_fields(&mut rng)).collect();
    vault.entries_mut().import(initial).unwrap();

    let fixed = [
        "a\" OR \"b",
        "\"",
        "x*",
        "NEAR(",
        "ΣΑΣ",
        "STRAẞE",
        "ǅ",
        "\u{212a}",
        "i̇",
    ];
    for text in fixed {
        assert_search_agrees_with_scan(&vault, text, "import");
    }
    for _ in 0..120 {
        let step = random_write(&mut rng, &mut vault);
        assert_tags_agree_with_scan(&vault, step);
        for _ in 0..12 {
            let text = random_query(&mut rng, &vault);
            assert_search_agrees_with_scan(&vault, &text, step);
        }
    }

    // The index lives in the database: it answers the same after the vault is reopened.
    let text = random_query(&mut rng, &vault);
    drop(vault);
    let vault = Vault::unlock(&path, PASSWORD).unwrap();
    assert_search_agrees_with_scan(&vault, &text, "reopen");
    assert_tags_agree_with_scan(&vault, "reopen");
    assert_eq!(vault.integrity_check().unwrap(), "ok");
}

/// Writes go 2,000 rows per statement: an import, a bulk edit and their undo that cross
/// statement boundaries keep the index, the list and the undo record exact.
#[test]
fn writes_of_more_rows_than_one_statement_keep_search_and_undo_exact() {
    /// Two full statements and part of a third.
    const ACROSS_STATEMENTS: usize = 4_321;
    let dir = tempfile::tempdir().unwrap();
    let mut vault =
        Vault::create(&dir.path().join("v.keypost"), PASSWORD, KdfParams::FLOOR).unwrap();
    let mut rng = StdRng::seed_from_u64(0x6261_7463_6865_7301);
    let imported: Vec<EntryFields> = (0..ACROSS_STATEMENTS)
        .map(|_| random_fields(&mut rng))
        .collect();
    let ids = vault.entries_mut().import(imported.clone()).unwrap();
    assert_eq!(ids.len(), ACROSS_STATEMENTS);
    let stored = vault.entries().get_many(&ids).unwrap();
    for (entry, given) in stored.iter().zip(&imported) {
        let fields = &entry.fields;
        assert!(
            (
                &fields.title,
                &fields.password,
                &fields.notes,
                fields.favourite
            ) == (&given.title, &given.password, &given.notes, given.favourite),
            "every imported entry is stored as given, in order"
        );
    }
    for _ in 0..20 {
        let text = random_query(&mut rng, &vault);
        assert_search_agrees_with_scan(&vault, &text, "import across statements");
    }

    let before = vault.entries().all().unwrap();
    let tag = BulkEdit::AddTags(vec!["batched ✓".to_owned()]);
    let outcome = vault.entries_mut().bulk_edit(&ids, &tag).unwrap();
    assert_eq!(outcome.changed, ACROSS_STATEMENTS);
    assert_search_agrees_with_scan(&vault, "batched ✓", "bulk tag across statements");
    let tagged = EntryQuery {
        tag: Some("batched ✓".to_owned()),
        ..EntryQuery::default()
    };
    assert_eq!(
        vault.entries().list(&tagged).unwrap().len(),
        ACROSS_STATEMENTS
    );

    vault.entries_mut().undo().unwrap();
    assert!(
        vault.entries().all().unwrap() == before,
        "undo restores every entry exactly"
    );
    assert_search_agrees_with_scan(&vault, "batched", "undo of the bulk tag");
    vault.entries_mut().undo().unwrap();
    assert_eq!(vault.entries().count().unwrap(), 0);
    assert_eq!(vault.integrity_check().unwrap(), "ok");
}

/// The app keeps a result as list keys and reads windows of it: the windows are the list's
/// rows in the list's order, and show later writes as they are.
#[test]
fn a_result_kept_as_keys_reads_any_window_in_list_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault =
        Vault::create(&dir.path().join("v.keypost"), PASSWORD, KdfParams::FLOOR).unwrap();
    let mut rng = StdRng::seed_from_u64(0x6b65_7973_0000_0001);
    let fields: Vec<EntryFields> = (0..300).map(|_| random_fields(&mut rng)).collect();
    vault.entries_mut().import(fields).unwrap();

    for query in [
        EntryQuery::default(),
        EntryQuery {
            text: Some("ab".to_owned()),
            ..EntryQuery::default()
        },
        EntryQuery {
            text: Some("a".to_owned()),
            favourites_only: true,
            ..EntryQuery::default()
        },
    ] {
        let listed = vault.entries().list(&query).unwrap();
        let keys = vault.entries().list_keys(&query).unwrap();
        assert_eq!(keys.len(), listed.len(), "{query:?}");
        assert_eq!(vault.entries().summaries_at(&keys).unwrap(), listed);
        let ids: Vec<EntryId> = listed.iter().map(|summary| summary.id).collect();
        assert_eq!(vault.entries().ids_at(&keys).unwrap(), ids);
        if keys.len() > 20 {
            let window = vault.entries().summaries_at(&keys[10..20]).unwrap();
            assert_eq!(window, listed[10..20]);
        }
    }

    let keys = vault.entries().list_keys(&EntryQuery::default()).unwrap();
    let listed = vault.entries().summaries_at(&keys[..3]).unwrap();
    vault.entries_mut().delete(listed[1].id).unwrap();
    let mut edited = vault.entries().get(listed[2].id).unwrap().fields.clone();
    edited.title = "Renamed".to_owned();
    vault.entries_mut().update(listed[2].id, edited).unwrap();
    let window = vault.entries().summaries_at(&keys[..3]).unwrap();
    assert_eq!(window.len(), 2, "the deleted entry is left out");
    assert_eq!(window[0], listed[0]);
    assert_eq!(window[1].title, "Renamed");
}

/// A text with more candidates in the trigram index than are worth reading at once (10,000)
/// shows its first rows from a walk in list order, and the rest comes from `list_keys`; a
/// rare text in the same vault is read whole at once. A stopped search ends with its own
/// error and leaves the vault searchable.
#[test]
fn a_common_text_shows_its_first_rows_before_the_whole_result_and_a_search_can_be_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault =
        Vault::create(&dir.path().join("v.keypost"), PASSWORD, KdfParams::FLOOR).unwrap();
    let fields: Vec<EntryFields> = (0..10_500)
        .map(|n| {
            keypost_core::entry_fields! {
                title: format!("Account {:05}", (n * 7_919) % 10_500),
                urls: vec![format!("https://site{}.example", n % 50)],
                tags: if n % 3 == 0 { vec!["shared".to_owned()] } else { vec![] },
            }
        })
        .collect();
    vault.entries_mut().import(fields).unwrap();

    // (text, tag, hits, whether the first answer is the whole result)
    for (text, tag, hits, complete) in [
        ("example", None, 10_500, false),
        ("exam", Some("shared"), 3_500, false),
        // 2,310 candidates, 3,500 through the tags' index, 210: few enough to read whole.
        ("site4", None, 2_310, true),
        ("share", None, 3_500, true),
        ("site49.", None, 210, true),
        ("account 0000", None, 10, true),
        ("nowhere", None, 0, true),
    ] {
        let query = EntryQuery {
            text: Some(text.to_owned()),
            tag: tag.map(str::to_owned),
            ..EntryQuery::default()
        };
        let whole = vault.entries().list_keys(&query).unwrap();
        assert_eq!(whole.len(), hits, "{text:?}");
        let first = vault
            .entries()
            .first_rows(&query, 100, &SearchStop::default())
            .unwrap();
        assert_eq!(first.complete, complete, "{text:?}");
        let read: &[ListKey] = if complete { &whole } else { &whole[..100] };
        assert_eq!(first.keys, read, "{text:?}");
        let shown = &whole[..whole.len().min(100)];
        assert_eq!(first.rows, vault.entries().summaries_at(shown).unwrap());
    }

    let stop = SearchStop::default();
    stop.stop();
    let everything = EntryQuery {
        text: Some("example".to_owned()),
        ..EntryQuery::default()
    };
    assert!(matches!(
        vault.entries().list_keys_unless_stopped(&everything, &stop),
        Err(EntriesError::SearchStopped)
    ));
    assert!(matches!(
        vault.entries().first_rows(&everything, 100, &stop),
        Err(EntriesError::SearchStopped)
    ));
    let running = SearchStop::default();
    assert_eq!(
        vault
            .entries()
            .list_keys_unless_stopped(&everything, &running)
            .unwrap()
            .len(),
        10_500,
        "a search after a stopped one runs to its end"
    );
}

/// A search text with a NUL character (pasted from somewhere) cannot be a quoted FTS5 string:
/// it is matched like any other text, not refused with a database error, whether the entries
/// hold one or not.
#[test]
fn a_search_text_with_a_nul_character_is_matched_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault =
        Vault::create(&dir.path().join("v.keypost"), PASSWORD, KdfParams::FLOOR).unwrap();
    let fields = vec![
        keypost_core::entry_fields! { title: "Plain".into(), notes: "ab\0cd".into() },
        keypost_core::entry_fields! { title: "Other\0side".into() },
        keypost_core::entry_fields! { title: "abcd".into() },
    ];
    vault.entries_mut().import(fields).unwrap();
    for text in ["b\0c", "ab\0cd", "\0", "r\0s", "\0\0\0", "other\0"] {
        assert_search_agrees_with_scan(&vault, text, "import");
    }
}
