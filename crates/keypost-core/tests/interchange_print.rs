#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The printable PDF: its layout never cuts an entry, and poppler (pdfinfo, pdftotext) reads
//! back the pages, the entries and the footer.

use keypost_core::entry::{CustomField, Entry, EntryId};
use keypost_core::interchange::print::{
    CONFIDENTIAL_NOTICE, DocumentLayout, LineStyle, PaperSize, PrintOptions, VISIBLE_SPACE, layout,
    render_pdf,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use time::macros::datetime;

fn entry(index: usize, note_lines: usize) -> Entry {
    let fields = keypost_core::entry_fields! {
        title: format!("Entry {index:04} — Müller & Søn"),
        username: format!("user{index}@example.com"),
        password: format!("O0o-l1I|{index} pass"),
        urls: vec![
            format!("https://site{index}.example/login"),
            "https://a-very-long-host-name.example.com/with/a/long/path/that/needs/wrapping?and=query&more=1".to_owned(),
        ],
        folder: "Work/Clients".to_owned(),
        tags: vec!["client".to_owned(), "vpn".to_owned()],
        custom_fields: vec![CustomField {
            name: "Security question answer".to_owned(),
            value: "blue".to_owned(),
            hidden: true,
        }],
        notes: (0..note_lines)
            .map(|line| {
                format!("Note line {line}: the quick brown fox jumps over the lazy dog again and again")
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    Entry {
        id: EntryId::new_random(),
        fields,
        created: datetime!(2025-01-01 00:00:00 UTC),
        modified: datetime!(2025-01-01 00:00:00 UTC),
        password_history: Vec::new(),
    }
}

fn options(paper: PaperSize) -> PrintOptions {
    PrintOptions {
        paper,
        title: "Passwords for Client A".to_owned(),
        generated_at: datetime!(2026-11-20 14:03:00 UTC),
    }
}

/// Entry index → pages on which a part of it is placed.
fn pages_of_entries(document: &DocumentLayout) -> BTreeMap<usize, Vec<usize>> {
    let mut pages: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (page_index, page) in document.pages.iter().enumerate() {
        for block in &page.blocks {
            pages.entry(block.entry_index).or_default().push(page_index);
        }
    }
    pages
}

fn body_height(document: &DocumentLayout) -> f32 {
    document.body_bottom - 48.0
}

#[test]
fn page_breaks_never_cut_an_entry_that_fits_on_a_page() {
    // Varied heights so breaks fall in many places.
    let entries: Vec<Entry> = (0..120).map(|index| entry(index, index % 9)).collect();
    for paper in [PaperSize::A4, PaperSize::Letter] {
        let document = layout(&entries, &options(paper));
        assert!(document.pages.len() > 5);
        let pages = pages_of_entries(&document);
        assert_eq!(pages.len(), entries.len());
        for (entry_index, on_pages) in &pages {
            assert_eq!(
                on_pages.len(),
                1,
                "entry {entry_index} is split over pages {on_pages:?}"
            );
        }
        let mut previous_bottom = 0.0f32;
        for (page_index, page) in document.pages.iter().enumerate() {
            if page_index > 0 {
                previous_bottom = 0.0;
            }
            for block in &page.blocks {
                assert!(
                    block.bottom <= document.body_bottom,
                    "block runs into the footer"
                );
                assert!(block.top >= previous_bottom, "blocks overlap");
                assert!(!block.continued);
                previous_bottom = block.bottom;
                for line in &block.lines {
                    assert!(
                        line.line.text.chars().count() <= 80,
                        "line too wide: {:?}",
                        line.line.text
                    );
                }
            }
        }
        // Entries stay in order.
        let order: Vec<usize> = pages.keys().copied().collect();
        assert_eq!(order, (0..entries.len()).collect::<Vec<_>>());
    }
}

#[test]
fn an_entry_taller_than_a_page_is_continued_with_its_title() {
    let entries = vec![entry(0, 1), entry(1, 400), entry(2, 1)];
    let document = layout(&entries, &options(PaperSize::A4));
    let pages = pages_of_entries(&document);
    assert_eq!(pages[&0], vec![0]);
    assert!(pages[&1].len() >= 3, "{:?}", pages[&1]);
    assert_eq!(pages[&1][0], 1, "the long entry starts on a fresh page");
    let parts: Vec<_> = document
        .pages
        .iter()
        .flat_map(|page| &page.blocks)
        .filter(|block| block.entry_index == 1)
        .collect();
    assert!(!parts[0].continued);
    for part in &parts[1..] {
        assert!(part.continued);
        assert_eq!(part.lines[0].line.style, LineStyle::EntryTitle);
        assert!(part.lines[0].line.text.ends_with("(continued)"));
    }
    for part in &parts {
        assert!(part.bottom <= document.body_bottom);
        assert!(part.bottom - part.top <= body_height(&document) + 0.01);
    }
    let note_lines: usize = parts
        .iter()
        .flat_map(|part| &part.lines)
        .filter(|line| line.line.text.starts_with("Note line"))
        .count();
    assert_eq!(note_lines, 400, "no line of the notes is lost");
    assert_eq!(*pages[&2].last().unwrap(), *pages[&1].last().unwrap());
}

#[test]
fn spaces_in_passwords_are_made_visible_and_long_labels_get_their_own_line() {
    let document = layout(&[entry(7, 0)], &options(PaperSize::A4));
    let lines: Vec<_> = document.pages[0].blocks[0]
        .lines
        .iter()
        .map(|l| &l.line)
        .collect();
    let password = lines.iter().find(|line| line.label == "Password").unwrap();
    assert_eq!(password.text, format!("O0o-l1I|7{VISIBLE_SPACE}pass"));
    let label_index = lines
        .iter()
        .position(|line| line.label == "Security question answer")
        .unwrap();
    assert_eq!(lines[label_index].text, "");
    assert_eq!(lines[label_index + 1].text, "blue");
    let url_lines: Vec<_> = lines.iter().filter(|line| line.label == "URL").collect();
    assert_eq!(url_lines.len(), 2);
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{program} (poppler-utils) must be installed: {error}"));
    assert!(
        output.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn write_pdf(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

fn page_count(info: &str) -> usize {
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn rendered_pdf_has_the_entries_footer_and_page_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let few = vec![entry(1, 3), entry(2, 0)];
    let bytes = render_pdf(&few, &options(PaperSize::A4)).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let path = write_pdf(dir.path(), "few.pdf", &bytes);
    let info = run("pdfinfo", &[&path]);
    assert_eq!(page_count(&info), 1);
    // printpdf writes the media box in whole points; pdfinfo still names the paper.
    assert!(info.contains("595 x 842 pts (A4)"), "{info}");

    let text = run("pdftotext", &["-layout", &path, "-"]);
    for expected in [
        "Passwords for Client A",
        "2 entries",
        "Entry 0001 — Müller & Søn",
        "user1@example.com",
        "O0o-l1I|1␣pass",
        "https://site2.example/login",
        "Work/Clients",
        "Note line 2: the quick brown fox",
        "Generated 2026-11-20 14:03 UTC",
        CONFIDENTIAL_NOTICE,
        "Page 1 of 1",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }

    let many: Vec<Entry> = (0..60).map(|index| entry(index, 2)).collect();
    let options = options(PaperSize::Letter);
    let bytes = render_pdf(&many, &options).unwrap();
    let path = write_pdf(dir.path(), "many.pdf", &bytes);
    let info = run("pdfinfo", &[&path]);
    let pages = page_count(&info);
    assert_eq!(pages, layout(&many, &options).pages.len());
    assert!(pages > 5);
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");
    let text = run("pdftotext", &["-layout", &path, "-"]);
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    assert!(text.contains("Entry 0059"));
    assert_eq!(text.matches(CONFIDENTIAL_NOTICE).count(), pages);
}

#[test]
fn an_empty_selection_still_prints_a_page() {
    let bytes = render_pdf(&[], &options(PaperSize::A4)).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(layout(&[], &options(PaperSize::A4)).pages.len(), 1);
}
