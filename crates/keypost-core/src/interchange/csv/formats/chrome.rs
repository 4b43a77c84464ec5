//! Chrome, Chromium, Edge and Brave: the smallest layout (older exports lack `note`).

use crate::entry::{Entry, EntryFields};
use crate::interchange::csv::cells::{first_url, single_url};
use crate::interchange::csv::layout::{Layout, Row};

pub(crate) const LAYOUT: Layout = Layout {
    name: "Chrome / Chromium",
    aliases: &["chromium", "edge", "brave"],
    header: HEADER,
    quote_all: false,
    required: REQUIRED,
    // LastPass and Firefox files also have these columns; only a file with nothing else is
    // Chrome's.
    detect: |index| index.has_all(REQUIRED) && index.has_only(HEADER),
    read,
    write,
};

const HEADER: &[&str] = &["name", "url", "username", "password", "note"];
const REQUIRED: &[&str] = &["name", "url", "username", "password"];

fn read(row: &mut Row<'_>) -> Result<EntryFields, String> {
    Ok(crate::entry_fields! {
        title: row.take("name"),
        urls: single_url(row.take("url")),
        username: row.take("username"),
        password: row.take("password"),
        notes: row.take("note"),
    })
}

fn write(entry: &Entry, cells: &mut Vec<String>) -> Result<(), serde_json::Error> {
    let fields = &entry.fields;
    cells.extend([
        fields.title.clone(),
        first_url(fields),
        fields.username.clone(),
        fields.password.clone(),
        fields.notes.clone(),
    ]);
    Ok(())
}
