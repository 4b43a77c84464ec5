#![allow(clippy::unwrap_used, clippy::expect_used)]
//! CSV import and export against files shaped like each manager's real export and one made by
//! the real keepassxc-cli, round trips through our own importer and through a vault, and
//! hostile files.

use keypost_core::entry::{
    CustomField, Entry, EntryFields, EntryId, PasswordHistoryItem, SourceStamp,
};
use keypost_core::interchange::csv::{
    ColumnMapping, CsvExportOptions, CsvFormat, ImportError, ImportPreview, MAX_FIELD_BYTES,
    MAX_ROWS, MAX_UTF16_FILE_BYTES, detect_format, read_csv, read_csv_headers,
    read_csv_with_mapping, write_csv,
};
use keypost_core::vault::{KdfParams, Vault};
use time::macros::datetime;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/csv/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn import(name: &str) -> ImportPreview {
    read_csv(&fixture(name), None).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn field(name: &str, value: &str) -> CustomField {
    CustomField {
        name: name.to_owned(),
        value: value.to_owned(),
        hidden: false,
    }
}

fn titles(preview: &ImportPreview) -> Vec<&str> {
    preview.entries.iter().map(|e| e.title.as_str()).collect()
}

/// Exactly one problem, on `line`, whose message says each of `words`.
fn assert_one_problem(preview: &ImportPreview, line: u64, words: &[&str]) {
    assert_eq!(preview.problems.len(), 1, "{:?}", preview.problems);
    let problem = &preview.problems[0];
    assert_eq!(problem.line, line);
    for word in words {
        assert!(problem.message.contains(word), "{}", problem.message);
    }
}

fn assert_no_problems(preview: &ImportPreview) {
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    assert_eq!(preview.skipped_rows, 0);
}

#[test]
fn bitwarden_export_imports_fields_favourites_folders_and_notes() {
    let preview = import("bitwarden.csv");
    assert_eq!(preview.format, CsvFormat::Bitwarden);
    assert_no_problems(&preview);
    let [twitter, bank, note, empty] = &preview.entries[..] else {
        panic!("expected 4 entries, got {}", preview.entries.len());
    };

    assert_eq!(twitter.title, "Twitter");
    assert_eq!(twitter.folder, "Social");
    assert!(twitter.favourite);
    assert_eq!(twitter.password, "=1+2");
    assert_eq!(twitter.urls, strings(&["https://twitter.com"]));

    assert_eq!(bank.title, "Bank, \"Main\" account");
    assert_eq!(bank.notes, "Line one\nLine two — ünïcödé ✓");
    assert_eq!(
        bank.custom_fields,
        vec![
            field("PIN", "1234"),
            field("Security question", "first pet")
        ]
    );
    assert_eq!(
        bank.urls,
        strings(&["https://bank.example/login", "https://m.bank.example"])
    );
    assert_eq!(bank.username, "alice");
    assert_eq!(bank.password, "p@ss,wörd \"quoted\"");
    assert_eq!(
        bank.totp,
        "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP&issuer=Bank"
    );
    assert!(!bank.favourite);

    assert_eq!(note.title, "Server notes");
    assert_eq!(note.folder, "Work/Clients");
    assert_eq!(note.notes, "Rack 4, slot 2");
    assert!(note.urls.is_empty() && note.password.is_empty());

    assert_eq!(empty.password, "");
    assert_eq!(empty.username, "bob");
    assert_eq!(
        preview.meta.iter().map(|m| m.line).collect::<Vec<_>>(),
        vec![2, 3, 6, 7],
        "a record that spans lines is reported at its first line"
    );
}

#[test]
fn chrome_export_with_and_without_note_column() {
    let preview = import("chrome.csv");
    assert_eq!(preview.format, CsvFormat::Chrome);
    assert_no_problems(&preview);
    assert_eq!(preview.entries.len(), 3);
    let google = &preview.entries[0];
    assert_eq!(google.title, "accounts.google.com");
    assert_eq!(
        google.urls,
        strings(&["https://accounts.google.com/signin"])
    );
    assert_eq!(google.username, "jane@gmail.com");
    assert_eq!(google.password, "+SUM(A1:A2)");
    assert_eq!(preview.entries[1].password, "pa,ss\"word");
    assert_eq!(preview.entries[1].notes, "two\nlines");
    assert_eq!(preview.entries[2].username, "ユーザー");
    assert_eq!(preview.entries[2].password, "пароль");

    let old = import("chrome_old.csv");
    assert_eq!(old.format, CsvFormat::Chrome);
    assert_no_problems(&old);
    assert_eq!(old.entries.len(), 2);
    assert_eq!(old.entries[0].password, "-secret-");
    assert_eq!(old.entries[1].password, "@dmin");
    assert_eq!(old.entries[1].notes, "");
}

#[test]
fn keepassxc_export_maps_groups_dates_and_totp() {
    let preview = import("keepassxc.csv");
    assert_eq!(preview.format, CsvFormat::KeePassXc);
    assert_eq!(preview.entries.len(), 3);
    let email = &preview.entries[0];
    assert_eq!(email.folder, "");
    assert_eq!(email.password, "=HYPERLINK(\"http://evil\")");
    assert_eq!(
        preview.meta[0].stamp.modified,
        Some(datetime!(2024-03-01 12:30:05 UTC))
    );
    assert_eq!(
        preview.meta[0].stamp.created,
        Some(datetime!(2023-01-15 08:00:00 UTC))
    );

    // Group paths as written, whatever the root group is called.
    let vpn = &preview.entries[1];
    assert_eq!(vpn.folder, "Passwords/Work/Clients");
    assert_eq!(vpn.title, "Client A VPN");
    assert_eq!(vpn.password, "l1I|O0o");
    assert_eq!(vpn.notes, "Line 1\nLine 2, with comma");
    assert!(
        vpn.totp
            .starts_with("otpauth://totp/VPN:jdoe?secret=GEZDGNBVGY3TQOJQ")
    );

    // An unreadable date keeps the row and says so.
    assert_eq!(preview.entries[2].folder, "Root/Personal");
    assert_eq!(preview.meta[2].stamp.modified, None);
    assert_eq!(preview.skipped_rows, 0);
    assert_eq!(preview.problems.len(), 1);
    assert_eq!(preview.problems[0].line, 5, "the record starts on line 5");
    assert!(
        preview.problems[0].message.contains("Last Modified")
            || preview.problems[0].message.contains("last modified")
    );
}

#[test]
fn onepassword_export_maps_tags_favourite_archive_and_otp() {
    let preview = import("onepassword.csv");
    assert_eq!(preview.format, CsvFormat::OnePassword);
    assert_no_problems(&preview);
    let [amazon, router, gitlab] = &preview.entries[..] else {
        panic!("expected 3 entries");
    };
    assert!(amazon.favourite);
    assert_eq!(amazon.tags, strings(&["shopping", "personal"]));
    assert_eq!(amazon.password, "@cmd|' /C calc'!A0");
    assert!(!router.favourite);
    assert_eq!(router.tags, strings(&["archived"]));
    assert_eq!(router.notes, "Replaced in 2023.\nKeep for reference");
    assert_eq!(gitlab.password, "s3cr3t \"x\"");
    assert_eq!(
        gitlab.totp,
        "otpauth://totp/GitLab:dev?secret=JBSWY3DPEHPK3PXP"
    );
    assert_eq!(gitlab.tags, strings(&["work"]));
}

#[test]
fn lastpass_export_maps_secure_notes_groups_and_favourites() {
    let preview = import("lastpass.csv");
    assert_eq!(preview.format, CsvFormat::LastPass);
    assert_no_problems(&preview);
    let [facebook, server, bank] = &preview.entries[..] else {
        panic!("expected 3 entries");
    };
    assert_eq!(facebook.title, "Facebook");
    assert_eq!(facebook.folder, "Social");
    assert!(facebook.favourite);
    assert_eq!(facebook.password, "=2*3");
    assert_eq!(server.title, "Database server");
    assert!(server.urls.is_empty());
    assert_eq!(server.notes, "NoteType:Server\nHostname:db1\nPort:5432");
    assert_eq!(server.folder, "Work/Servers");
    assert!(!server.favourite);
    assert_eq!(bank.password, "with, comma");
    assert_eq!(bank.totp, "JBSWY3DPEHPK3PXP");
    assert_eq!(bank.notes, "Security Q: blue");
}

#[test]
fn firefox_export_maps_guid_times_realm_and_derives_titles() {
    let preview = import("firefox.csv");
    assert_eq!(preview.format, CsvFormat::Firefox);
    let [mozilla, intranet, login] = &preview.entries[..] else {
        panic!("expected 3 entries");
    };
    assert_eq!(mozilla.title, "www.mozilla.org");
    assert_eq!(mozilla.password, "-1+1");
    assert!(
        mozilla.custom_fields.is_empty(),
        "form origin equal to the URL's is not kept"
    );
    assert_eq!(
        preview.meta[0].stamp.id,
        Some(
            "5ec0d3a4-4e55-4e3f-9f2c-0b8d4c1e7a11"
                .parse::<EntryId>()
                .unwrap()
        )
    );
    assert_eq!(
        preview.meta[0].stamp.created,
        Some(datetime!(2024-03-01 12:30:05 UTC))
    );

    assert_eq!(intranet.title, "intranet.example");
    assert_eq!(intranet.username, "corp\\user");
    assert_eq!(
        intranet.custom_fields,
        vec![field("httpRealm", "Intranet Realm")]
    );
    assert_eq!(
        preview.meta[1].stamp.modified,
        Some(datetime!(2022-04-15 05:20:00 UTC))
    );

    assert_eq!(
        login.custom_fields,
        vec![field("formActionOrigin", "https://auth.example.com")]
    );
    assert_eq!(preview.meta[2].stamp.id, None);
    assert_no_problems(&preview);
}

#[test]
fn unknown_layout_is_mapped_by_header_names_with_semicolons() {
    let preview = import("generic_semicolon.csv");
    assert_eq!(preview.format, CsvFormat::Generic);
    assert_eq!(
        preview.mapping,
        Some(ColumnMapping {
            title: Some(0),
            username: Some(1),
            password: Some(2),
            url: Some(3),
            notes: Some(4),
            ..ColumnMapping::default()
        })
    );
    assert_no_problems(&preview);
    let [library, gym] = &preview.entries[..] else {
        panic!("expected 2 entries (the empty row carries nothing)");
    };
    assert_eq!(library.title, "Library");
    assert_eq!(library.password, "b00k$");
    assert_eq!(
        library.custom_fields,
        vec![field("Security question", "Mother's maiden name")]
    );
    assert_eq!(gym.urls, strings(&["https://gym.example/"]));

    // The user maps columns themselves: the title comes from the comments column.
    let mapping = ColumnMapping {
        title: Some(4),
        password: Some(2),
        ..ColumnMapping::default()
    };
    let chosen = read_csv_with_mapping(&fixture("generic_semicolon.csv"), &mapping).unwrap();
    assert_eq!(chosen.entries[0].title, "Card no. on the back");
    assert_eq!(chosen.entries[0].custom_fields.len(), 4);
    let out_of_range = ColumnMapping {
        title: Some(9),
        ..ColumnMapping::default()
    };
    assert_eq!(
        read_csv_with_mapping(&fixture("generic_semicolon.csv"), &out_of_range),
        Err(ImportError::MappingOutOfRange {
            column: 9,
            columns: 6
        })
    );
    assert_eq!(
        read_csv_headers(&fixture("generic_semicolon.csv")).unwrap()[5],
        "Security question"
    );
}

#[test]
fn header_detection_and_format_errors() {
    for (name, format) in [
        ("bitwarden.csv", CsvFormat::Bitwarden),
        ("chrome.csv", CsvFormat::Chrome),
        ("chrome_old.csv", CsvFormat::Chrome),
        ("keepassxc.csv", CsvFormat::KeePassXc),
        ("onepassword.csv", CsvFormat::OnePassword),
        ("lastpass.csv", CsvFormat::LastPass),
        ("firefox.csv", CsvFormat::Firefox),
    ] {
        let headers = read_csv_headers(&fixture(name)).unwrap();
        assert_eq!(detect_format(&headers), Some(format), "{name}");
    }
    assert!(matches!(
        read_csv(&fixture("chrome.csv"), Some(CsvFormat::Bitwarden)),
        Err(ImportError::MissingColumns {
            format: "Bitwarden",
            ..
        })
    ));
    assert!(matches!(
        read_csv(b"colour,shape\nred,round\n", None),
        Err(ImportError::UnrecognisedHeader { .. })
    ));
    assert_eq!(read_csv(b"", None), Err(ImportError::Empty));
    assert_eq!(read_csv(b"\r\n\n", None), Err(ImportError::Empty));
    assert!(matches!(
        read_csv(b"name,\"url\n", None),
        Err(ImportError::BadHeader { line: 1, .. })
    ));
    for format in CsvFormat::ALL {
        assert_eq!(format.id().parse::<CsvFormat>(), Ok(format));
    }
    assert!("pdf".parse::<CsvFormat>().is_err());
}

fn sample_entries() -> Vec<Entry> {
    let full = EntryFields {
        title: "Bank, \"Main\"".to_owned(),
        username: "=cmd|' /C calc'!A0".to_owned(),
        password: "=1+2".to_owned(),
        urls: strings(&["https://bank.example/?a=1,2", "https://m.bank.example"]),
        notes: "Line one\nLine two — ünïcödé ✓\n\"quoted\", comma".to_owned(),
        tags: strings(&["finance", "home"]),
        folder: "Work/Clients".to_owned(),
        custom_fields: vec![
            field("PIN", "1234"),
            CustomField {
                name: "Recovery code".to_owned(),
                value: "+abc-def".to_owned(),
                hidden: true,
            },
        ],
        totp: "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP&issuer=Bank".to_owned(),
        favourite: true,
    };

    let note = keypost_core::entry_fields! {
        title: "Server notes".to_owned(),
        notes: "Rack 4, slot 2\r\nsecond line".to_owned(),
        folder: "Infra".to_owned(),
    };

    let spaces = keypost_core::entry_fields! {
        title: "@home".to_owned(),
        username: "+1".to_owned(),
        password: " lead and trail \t\"".to_owned(),
        urls: strings(&["http://localhost:8080/"]),
        notes: "-minus".to_owned(),
        tags: strings(&["x"]),
    };

    let empty = keypost_core::entry_fields! {
        title: "Only a title".to_owned(),
    };

    [full, note, spaces, empty]
        .into_iter()
        .enumerate()
        .map(|(index, fields)| Entry {
            id: EntryId::new_random(),
            fields,
            created: datetime!(2024-01-02 03:04:05 UTC) + time::Duration::days(index as i64),
            modified: datetime!(2025-06-07 08:09:10 UTC),
            password_history: vec![PasswordHistoryItem {
                password: "old".to_owned(),
                replaced_at: datetime!(2025-01-01 00:00:00 UTC),
            }],
        })
        .collect()
}

/// The part of `fields` that `format` carries; the rest is expected to come back empty.
fn carried(format: CsvFormat, fields: &EntryFields) -> EntryFields {
    let mut kept = fields.clone();
    let first_url = fields.urls.first().cloned().into_iter().collect::<Vec<_>>();
    match format {
        CsvFormat::Keypost => {}
        CsvFormat::Bitwarden => {
            kept.tags.clear();
            for custom in &mut kept.custom_fields {
                custom.hidden = false;
            }
        }
        CsvFormat::Chrome => {
            kept = EntryFields::default();
            kept.title = fields.title.clone();
            kept.urls = first_url;
            kept.username = fields.username.clone();
            kept.password = fields.password.clone();
            kept.notes = fields.notes.clone();
        }
        CsvFormat::KeePassXc => {
            kept.urls = first_url;
            kept.tags.clear();
            kept.custom_fields.clear();
            kept.favourite = false;
        }
        CsvFormat::OnePassword => {
            kept.urls = first_url;
            kept.folder.clear();
            kept.custom_fields.clear();
        }
        CsvFormat::LastPass => {
            kept.urls = first_url;
            kept.tags.clear();
            kept.custom_fields.clear();
        }
        CsvFormat::Firefox => {
            kept = EntryFields::default();
            kept.urls = first_url;
            kept.username = fields.username.clone();
            kept.password = fields.password.clone();
        }
        CsvFormat::Generic => {
            kept.custom_fields.clear();
            kept.favourite = false;
        }
    }
    kept
}

#[test]
fn every_format_round_trips_through_our_importer() {
    let entries = sample_entries();
    for format in CsvFormat::ALL {
        let mut out = Vec::new();
        write_csv(&entries, format, &CsvExportOptions::default(), &mut out).unwrap();
        let header_line =
            String::from_utf8(out.split(|&b| b == b'\n').next().unwrap().to_vec()).unwrap();
        let quoted: Vec<String> = format.header().iter().map(|h| format!("\"{h}\"")).collect();
        let expected_header = match format {
            CsvFormat::KeePassXc | CsvFormat::Firefox => quoted.join(","),
            _ => format.header().join(","),
        };
        assert_eq!(header_line.trim_end(), expected_header, "{format}");

        let preview = read_csv(&out, None).unwrap();
        assert_eq!(preview.format, format);
        assert_no_problems(&preview);
        assert_eq!(preview.entries.len(), entries.len(), "{format}");
        for (entry, imported) in entries.iter().zip(&preview.entries) {
            let mut imported = imported.clone();
            if format == CsvFormat::Firefox {
                imported.title.clear();
            }
            assert_eq!(
                imported,
                carried(format, &entry.fields),
                "{format}: {}",
                entry.fields.title
            );
            // Passwords are compared on their own: EntryFields' Debug hides them.
            assert_eq!(
                imported.password,
                carried(format, &entry.fields).password,
                "{format}"
            );
        }
        for (entry, meta) in entries.iter().zip(&preview.meta) {
            match format {
                CsvFormat::Keypost => {
                    assert_eq!(meta.stamp.id, Some(entry.id));
                    assert_eq!(meta.stamp.created, Some(entry.created));
                    assert_eq!(meta.stamp.modified, Some(entry.modified));
                }
                CsvFormat::KeePassXc => {
                    assert_eq!(meta.stamp.created, Some(entry.created));
                    assert_eq!(meta.stamp.modified, Some(entry.modified));
                }
                CsvFormat::Firefox => {
                    assert_eq!(meta.stamp.id, Some(entry.id));
                    assert_eq!(meta.stamp.created, Some(entry.created));
                    assert_eq!(meta.stamp.modified, Some(entry.modified));
                }
                _ => assert_eq!(meta.stamp.id, None),
            }
        }
    }
}

/// The folder of golden files that the pickup page's exporter checks too.
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/csv");

#[derive(serde::Deserialize)]
struct GoldenInput {
    entries: Vec<Entry>,
}

#[test]
fn golden_files_are_what_every_format_writes() {
    let input: GoldenInput =
        serde_json::from_slice(&std::fs::read(format!("{GOLDEN}/entries.json")).unwrap()).unwrap();
    let rewrite = std::env::var_os("KEYPOST_WRITE_CSV_VECTORS").is_some();
    let mut expected_files = vec!["entries.json".to_owned()];
    for format in CsvFormat::ALL {
        for (suffix, spreadsheet_safe) in [("", false), (".spreadsheet_safe", true)] {
            let name = format!("{}{suffix}.csv", format.id());
            let mut written = Vec::new();
            let options = CsvExportOptions { spreadsheet_safe };
            write_csv(&input.entries, format, &options, &mut written).unwrap();
            let path = format!("{GOLDEN}/{name}");
            if rewrite {
                std::fs::write(&path, &written).unwrap();
            }
            let golden = std::fs::read(&path).unwrap_or_else(|error| {
                panic!("{path}: {error}; run with KEYPOST_WRITE_CSV_VECTORS=1 to write it")
            });
            assert!(
                golden == written,
                "{name} differs from what {format} writes; if the change is meant, run with KEYPOST_WRITE_CSV_VECTORS=1 and make the pickup page (crates/keypost-relay/page/src/app/csv.ts) write the same"
            );
            expected_files.push(name);
        }
    }
    let mut files: Vec<String> = std::fs::read_dir(GOLDEN)
        .unwrap()
        .map(|file| file.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    expected_files.sort();
    assert_eq!(files, expected_files, "a golden file of no format");
}

#[test]
fn spreadsheet_safe_export_neutralises_formulas_only_when_asked() {
    let entries = sample_entries();
    let mut exact = Vec::new();
    write_csv(
        &entries,
        CsvFormat::Chrome,
        &CsvExportOptions::default(),
        &mut exact,
    )
    .unwrap();
    let exact = String::from_utf8(exact).unwrap();
    assert!(exact.contains(",=1+2,"), "{exact}");

    let mut safe = Vec::new();
    let options = CsvExportOptions {
        spreadsheet_safe: true,
    };
    write_csv(&entries, CsvFormat::Chrome, &options, &mut safe).unwrap();
    let preview = read_csv(&safe, None).unwrap();
    assert_eq!(preview.entries[0].password, "'=1+2");
    assert_eq!(preview.entries[0].username, "'=cmd|' /C calc'!A0");
    assert_eq!(preview.entries[2].title, "'@home");
    assert_eq!(preview.entries[2].username, "'+1");
    assert_eq!(preview.entries[2].notes, "'-minus");
    assert_eq!(preview.entries[3].title, "Only a title");
}

#[test]
fn formula_looking_values_are_imported_exactly() {
    let preview = import("formula_values.csv");
    assert_no_problems(&preview);
    let [first, second] = &preview.entries[..] else {
        panic!("expected 2 entries");
    };
    assert_eq!(first.username, "=cmd|' /C calc'!A0");
    assert_eq!(first.password, "=1+2");
    assert_eq!(first.notes, "@SUM(1+1)*cmd|' /C calc'!A0");
    assert_eq!(second.username, "+1");
    assert_eq!(second.password, "-2");
    assert_eq!(second.notes, "\tleading tab");
}

#[test]
fn broken_quote_is_reported_with_its_line_and_later_rows_survive() {
    let preview = import("broken_quote.csv");
    assert_eq!(titles(&preview), ["ok1", "ok2"]);
    assert_eq!(preview.skipped_rows, 1);
    assert_one_problem(&preview, 3, &["row skipped"]);

    // A quote left open in the last column would swallow the rest of the file.
    let at_end = import("broken_quote_at_end.csv");
    assert_eq!(titles(&at_end), ["ok1", "swallowed"]);
    assert_one_problem(&at_end, 3, &["never closed"]);
}

#[test]
fn wrong_column_counts_are_reported_per_line() {
    let preview = import("wrong_columns.csv");
    assert_eq!(titles(&preview), ["ok1", "ok2"]);
    assert_eq!(preview.skipped_rows, 2);
    assert_eq!(
        preview.problems.iter().map(|p| p.line).collect::<Vec<_>>(),
        [3, 4]
    );
    assert!(preview.problems[0].message.contains("expected 5 columns"));
    assert!(preview.problems[0].message.contains("found 3"));
    assert!(preview.problems[1].message.contains("found 6"));
}

#[test]
fn invalid_utf8_names_the_line_and_column_but_not_the_value() {
    let preview = import("invalid_utf8.csv");
    assert_eq!(preview.entries.len(), 2);
    assert_one_problem(&preview, 3, &["'password'", "UTF-8"]);
    assert!(!preview.problems[0].message.contains("caf"));
}

#[test]
fn bom_and_crlf_are_handled() {
    let preview = import("bom_crlf.csv");
    assert_eq!(preview.format, CsvFormat::Chrome);
    assert_eq!(preview.headers[0], "name");
    assert_no_problems(&preview);
    assert_eq!(preview.entries[0].password, "pass");
    assert_eq!(preview.entries[0].notes, "line1\r\nline2");

    // UTF-16 with a byte order mark, as some Windows tools save CSV.
    let text = "name,url,username,password\r\nü,https://u.example,ü,pässword\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let preview = read_csv(&utf16, None).unwrap();
    assert_eq!(preview.entries[0].password, "pässword");
    assert_eq!(
        read_csv(&[0xFF, 0xFE, 0x41], None),
        Err(ImportError::InvalidUtf16)
    );
}

#[test]
fn a_ten_megabyte_field_skips_its_row_and_oversized_utf16_files_are_refused() {
    let mut file = b"name,url,username,password,note\nbefore,https://a.example,u,p,\n".to_vec();
    file.extend_from_slice(b"huge,https://b.example,u,p,\"");
    file.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    file.extend_from_slice(b"\"\nafter,https://c.example,u,p,\n");
    let preview = read_csv(&file, None).unwrap();
    assert_eq!(titles(&preview), ["before", "after"]);
    assert_one_problem(&preview, 3, &["'note'", "larger than 1 MiB"]);

    let just_fits = vec![b'a'; MAX_FIELD_BYTES];
    let mut file = b"name,url,username,password,note\nfits,https://a.example,u,p,".to_vec();
    file.extend_from_slice(&just_fits);
    assert_eq!(
        read_csv(&file, None).unwrap().entries[0].notes.len(),
        MAX_FIELD_BYTES
    );

    // UTF-16 is decoded in memory, so it keeps a cap; UTF-8 streams at any size.
    let mut too_big = vec![0xFF, 0xFE];
    too_big.resize(MAX_UTF16_FILE_BYTES + 4, b'a');
    assert_eq!(
        read_csv(&too_big, None),
        Err(ImportError::Utf16TooLarge {
            limit: MAX_UTF16_FILE_BYTES
        })
    );
}

#[test]
fn a_file_larger_than_the_old_64_mib_cap_is_read_whole() {
    let note = "n".repeat(MAX_FIELD_BYTES);
    let mut file = b"name,url,username,password,note\r\n".to_vec();
    let rows = 70;
    for row in 0..rows {
        file.extend_from_slice(format!("e{row},https://e.example,u,p,{note}\r\n").as_bytes());
    }
    assert!(file.len() > 64 * 1024 * 1024);
    let preview = read_csv(&file, None).unwrap();
    assert_no_problems(&preview);
    assert_eq!(preview.entries.len(), rows);
    assert_eq!(preview.entries[rows - 1].title, format!("e{}", rows - 1));
    assert_eq!(preview.meta[rows - 1].line, rows as u64 + 1);
}

#[test]
fn row_count_is_capped() {
    let mut file = b"name,url,username,password\n".to_vec();
    for _ in 0..=MAX_ROWS {
        file.extend_from_slice(b"a,b,c,d\n");
    }
    assert_eq!(
        read_csv(&file, None),
        Err(ImportError::TooManyRows { limit: MAX_ROWS })
    );
}

/// A small deterministic generator, so a failure can be replayed from its seed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_bytes_never_panic() {
    // Bytes weighted towards the ones CSV parsing branches on.
    const ALPHABET: &[u8] = b",,,\"\"\"\n\n\r;\t=ab \xef\xbb\xbf\xff\xfe\xc3\xa9\x80";
    let headers: Vec<&[u8]> = vec![
        b"",
        b"name,url,username,password,note\n",
        b"folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n",
        b"\"url\",\"username\",\"password\",\"httpRealm\",\"formActionOrigin\",\"guid\",\"timeCreated\",\"timeLastUsed\",\"timePasswordChanged\"\n",
        b"id,title,username,password,urls,notes,tags,folder,custom_fields,totp,favourite,created,modified\n",
        b"\xff\xfe",
    ];
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for round in 0..3000 {
        let mut input = headers[round % headers.len()].to_vec();
        let length = (rng.next() % 200) as usize;
        for _ in 0..length {
            let byte = if rng.next().is_multiple_of(4) {
                (rng.next() & 0xFF) as u8
            } else {
                ALPHABET[(rng.next() as usize) % ALPHABET.len()]
            };
            input.push(byte);
        }
        let _ = read_csv(&input, None);
        for format in CsvFormat::ALL {
            let _ = read_csv(&input, Some(format));
        }
        let _ = read_csv_with_mapping(
            &input,
            &ColumnMapping {
                title: Some(0),
                url: Some(1),
                ..ColumnMapping::default()
            },
        );
    }
}

/// A fresh vault in `dir` (fast KDF).
fn new_vault(dir: &std::path::Path) -> Vault {
    Vault::create(dir, "correct horse", KdfParams::FLOOR).unwrap()
}

/// The vault's entries written as `format`.
fn export_vault(vault: &Vault, format: CsvFormat) -> Vec<u8> {
    let mut out = Vec::new();
    let entries = vault.entries().all().unwrap();
    write_csv(&entries, format, &CsvExportOptions::default(), &mut out).unwrap();
    out
}

/// `bytes` read as `format` into a fresh vault in `dir`, the way the CLI imports.
fn import_into_new_vault(dir: &std::path::Path, bytes: &[u8], format: CsvFormat) -> Vault {
    let preview = read_csv(bytes, Some(format)).unwrap();
    assert_no_problems(&preview);
    let mut vault = new_vault(dir);
    vault
        .entries_mut()
        .import_stamped(preview.into_stamped())
        .unwrap();
    vault
}

/// The header and the records of a CSV, records sorted: the vault lists entries by title,
/// and formats without a title (Firefox) or another manager order them differently.
fn records(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect();
    rows.sort();
    (header, rows)
}

#[test]
fn every_format_round_trips_through_a_vault_with_its_ids_dates_and_groups() {
    let scratch = tempfile::tempdir().unwrap();
    let entries = sample_entries();
    let mut source = new_vault(&scratch.path().join("source"));
    let stamped = entries
        .iter()
        .map(|entry| {
            let stamp = SourceStamp {
                id: Some(entry.id),
                created: Some(entry.created),
                modified: Some(entry.modified),
            };
            (entry.fields.clone(), stamp)
        })
        .collect();
    source.entries_mut().import_stamped(stamped).unwrap();
    for entry in &entries {
        let kept = source.entries().get(entry.id).unwrap();
        assert_eq!(
            (kept.created, kept.modified),
            (entry.created, entry.modified)
        );
    }

    for format in CsvFormat::ALL {
        let first = export_vault(&source, format);
        let copy = import_into_new_vault(&scratch.path().join(format.id()), &first, format);
        let second = export_vault(&copy, format);
        assert_eq!(
            records(&second),
            records(&first),
            "{format}: export → import → export changed the file"
        );
        if matches!(format, CsvFormat::Keypost | CsvFormat::KeePassXc) {
            assert_eq!(second, first, "{format}: same entries in the same order");
        }
    }
}

#[test]
fn importing_keeps_the_files_times_and_never_replaces_an_entry_with_its_id() {
    let scratch = tempfile::tempdir().unwrap();
    let mut vault = new_vault(scratch.path());
    let existing = vault
        .entries_mut()
        .add(keypost_core::entry_fields! {
            title: "Already here".to_owned(),
        })
        .unwrap();
    let at = |year: i32| {
        datetime!(2020-01-01 00:00:00 UTC)
            .replace_year(year)
            .unwrap()
    };
    let titled = |title: &str| {
        keypost_core::entry_fields! {
            title: title.to_owned(),
        }
    };
    let file_id = EntryId::new_random();
    let stamps = [
        // The vault's own id: a new id, the old entry stays.
        SourceStamp {
            id: Some(existing.id),
            created: Some(at(2001)),
            modified: Some(at(2002)),
        },
        // Only a creation time: modified then too.
        SourceStamp {
            id: Some(file_id),
            created: Some(at(2003)),
            modified: None,
        },
        // The same id twice in one file: the second gets a new one.
        SourceStamp {
            id: Some(file_id),
            created: None,
            modified: Some(at(2004)),
        },
        SourceStamp::default(),
    ];
    let fields = ["Twin", "Created only", "Duplicate id", "No times"].map(titled);
    let before = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap();
    let ids = vault
        .entries_mut()
        .import_stamped(fields.into_iter().zip(stamps).collect())
        .unwrap();

    assert_ne!(ids[0], existing.id);
    assert_eq!(
        vault.entries().get(existing.id).unwrap().fields.title,
        "Already here"
    );
    assert_eq!(ids[1], file_id);
    assert_ne!(ids[2], file_id);
    let times = |id| {
        let entry = vault.entries().get(id).unwrap();
        (entry.created, entry.modified)
    };
    assert_eq!(times(ids[0]), (at(2001), at(2002)));
    assert_eq!(times(ids[1]), (at(2003), at(2003)));
    assert_eq!(times(ids[2]), (at(2004), at(2004)));
    let (created, modified) = times(ids[3]);
    assert!(
        created >= before && modified == created,
        "no time in the file: the import's"
    );

    vault.entries_mut().undo().unwrap();
    assert_eq!(
        vault.entries().count().unwrap(),
        1,
        "one undo step removes the import"
    );
}

/// The CSV that the real `keepassxc-cli` (Debian's keepassxc package) exports from a
/// database made from tests/fixtures/keepassxc/database.xml.
fn keepassxc_cli_export(dir: &std::path::Path) -> Vec<u8> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let run = |args: &[&std::ffi::OsStr], input: &str| {
        let mut child = Command::new("keepassxc-cli")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("keepassxc-cli: {error}; install Debian's keepassxc package (`scripts/dev setup` does)")
            });
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "keepassxc-cli {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };
    let xml = format!(
        "{}/tests/fixtures/keepassxc/database.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let database = dir.join("fixture.kdbx");
    run(
        &[
            "import".as_ref(),
            "-q".as_ref(),
            "-p".as_ref(),
            xml.as_ref(),
            database.as_os_str(),
        ],
        "pw\npw\n",
    );
    run(
        &[
            "export".as_ref(),
            "-q".as_ref(),
            "-f".as_ref(),
            "csv".as_ref(),
            database.as_os_str(),
        ],
        "pw\n",
    )
}

#[test]
fn a_keepassxc_cli_export_comes_back_with_its_dates_and_group_paths() {
    let scratch = tempfile::tempdir().unwrap();
    let exported = keepassxc_cli_export(scratch.path());
    let vault = import_into_new_vault(
        &scratch.path().join("vault"),
        &exported,
        CsvFormat::KeePassXc,
    );

    let entries = vault.entries().all().unwrap();
    let client = entries
        .iter()
        .find(|entry| entry.fields.title == "Client A")
        .unwrap();
    assert_eq!(client.fields.folder, "Passwords/Work/Clients");
    assert_eq!(client.created, datetime!(2019-12-31 23:59:59 UTC));
    assert_eq!(client.modified, datetime!(2024-02-29 12:00:00 UTC));
    let vpn = entries
        .iter()
        .find(|entry| entry.fields.title == "VPN, \"main\"")
        .unwrap();
    assert_eq!(vpn.fields.password, " lead and trail\t\"");
    assert!(
        vpn.fields.totp.starts_with("otpauth://totp/"),
        "{}",
        vpn.fields.totp
    );

    let again = export_vault(&vault, CsvFormat::KeePassXc);
    assert_eq!(
        records(&again),
        records(&exported),
        "KeePassXC CSV → Keypost → KeePassXC CSV changed a value:\n{}",
        String::from_utf8_lossy(&again)
    );
}
