//! KeePassXC: every value quoted, group paths under the database's root group, ISO-8601
//! dates.

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

/// KeePassXC's export starts every group path with the database's root group.
const ROOT: &str = "Root";

fn read(row: &mut Row<'_>) -> Result<EntryFields, String> {
    row.meta.modified = row.take_date("last modified", parse_iso8601);
    row.meta.created = row.take_date("created", parse_iso8601);
    Ok(EntryFields {
        folder: folder_of(&row.take("group")),
        title: row.take("title"),
        username: row.take("username"),
        password: row.take("password"),
        urls: single_url(row.take("url")),
        notes: row.take("notes"),
        totp: row.take("totp"),
        ..EntryFields::default()
    })
}

fn write(entry: &Entry, cells: &mut Vec<String>) -> Result<(), serde_json::Error> {
    let fields = &entry.fields;
    cells.extend([
        if fields.folder.is_empty() {
            ROOT.to_owned()
        } else {
            format!("{ROOT}/{}", fields.folder)
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

/// The group path below the root group.
fn folder_of(group: &str) -> String {
    match group.split_once('/') {
        Some((_root, path)) => path.to_owned(),
        None => String::new(),
    }
}
