//! Plain columns for any other manager. On import the columns are found by a
//! [`ColumnMapping`] (from header names, or the user's choice) and every other non-empty
//! column becomes a custom field named after its header; it is never detected, only the
//! fallback when no other layout matches.

use crate::entry::{Entry, EntryFields};
use crate::interchange::csv::cells::{custom, derived_title, lines, split_list};
use crate::interchange::csv::layout::{Layout, Row};
use crate::interchange::csv::mapping::ColumnMapping;

pub(crate) const LAYOUT: Layout = Layout {
    name: "Generic CSV",
    aliases: &[],
    header: &[
        "title", "username", "password", "url", "notes", "tags", "folder", "totp",
    ],
    quote_all: false,
    required: &[],
    detect: |_| false,
    read,
    write,
};

fn read(row: &mut Row<'_>) -> Result<EntryFields, String> {
    let mapping: &ColumnMapping = row.mapping;
    let mut take = |column: Option<usize>| {
        column
            .map(|position| row.take_at(position))
            .unwrap_or_default()
    };
    let title = take(mapping.title);
    let username = take(mapping.username);
    let password = take(mapping.password);
    let urls = lines(&take(mapping.url));
    let notes = take(mapping.notes);
    let tags = split_list(&take(mapping.tags));
    let folder = take(mapping.folder).replace('\\', "/");
    let totp = take(mapping.totp);
    let mapped = mapping.columns();
    let custom_fields = (0..row.columns())
        .filter(|position| !mapped.contains(&Some(*position)))
        .filter_map(|position| {
            let value = row.take_at(position);
            let name = match row.header(position) {
                Some(header) => header.to_owned(),
                None => format!("Column {}", position + 1),
            };
            (!value.is_empty()).then(|| custom(&name, value))
        })
        .collect();
    Ok(EntryFields {
        title: if title.is_empty() {
            derived_title(&urls, &username)
        } else {
            title
        },
        username,
        password,
        urls,
        notes,
        tags,
        folder,
        custom_fields,
        totp,
        favourite: false,
    })
}

fn write(entry: &Entry, cells: &mut Vec<String>) -> Result<(), serde_json::Error> {
    let fields = &entry.fields;
    cells.extend([
        fields.title.clone(),
        fields.username.clone(),
        fields.password.clone(),
        fields.urls.join("\n"),
        fields.notes.clone(),
        fields.tags.join(","),
        fields.folder.clone(),
        fields.totp.clone(),
    ]);
    Ok(())
}
