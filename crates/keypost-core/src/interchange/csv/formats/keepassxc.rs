//! KeePassXC: every value quoted, group paths as written (they start with the database's root
//! group, e.g. `Passwords/Work`), ISO-8601 dates.

use crate::entry::{Entry, EntryFields};
use crate::interchange::csv::cells::{first_url, format_iso8601, parse_iso8601, single_url};
use crate::interchange::csv::layout::{Layout, Row};

pub(crate) const LAYOUT: Layout = Layout {
    name: "KeePassXC",
    aliases: &["keepass"],
    header: &[
        "Group",
        "Title",
        "Username",
        "Password",
        "URL",
        "Notes",
        "TOTP",
        "Icon",
        "Last Modified",
        "Created",
    ],
    quote_all: true,
    required: REQUIRED,
    detect: |index| index.has_all(REQUIRED),
    read,
    write,
};

const REQUIRED: &[&str] = &["group", "title", "username", "password", "url", "notes"];

/// The group of entries with no folder. KeePassXC's import puts a path that starts with its
/// root group's name under that root group, and its export writes the root's name alone for
/// entries at the root; "Root" is the root's name in databases that were not renamed.
const ROOT: &str = "Root";

fn read(row: &mut Row<'_>) -> Result<EntryFields, String> {
    row.meta.stamp.modified = row.take_date("last modified", parse_iso8601);
    row.meta.stamp.created = row.take_date("created", parse_iso8601);
    Ok(crate::entry_fields! {
        folder: folder_of(row.take("group")),
        title: row.take("title"),
        username: row.take("username"),
        password: row.take("password"),
        urls: single_url(row.take("url")),
        notes: row.take("notes"),
        totp: row.take("totp"),
    })
}

fn write(entry: &Entry, cells: &mut Vec<String>) -> Result<(), serde_json::Error> {
    let fields = &entry.fields;
    cells.extend([
        if fields.folder.is_empty() {
            ROOT.to_owned()
        } else {
            fields.folder.clone()
        },
        fields.title.clone(),
        fields.username.clone(),
        fields.password.clone(),
        first_url(fields),
        fields.notes.clone(),
        fields.totp.clone(),
        "0".to_owned(),
        format_iso8601(entry.modified),
        format_iso8601(entry.created),
    ]);
    Ok(())
}

/// The group path as written, so it is written back the same; the bare root is no folder.
fn folder_of(group: String) -> String {
    if group == ROOT { String::new() } else { group }
}
