//! Keypost's own layout: every field (custom fields as JSON, lists one per line), the id
//! and the times, so an export re-imports as the same entries. Only password history stays
//! behind.

use crate::entry::{Entry, EntryFields, EntryId};
use crate::interchange::csv::cells::{format_iso8601, is_true, lines, parse_iso8601};
use crate::interchange::csv::layout::{Layout, Row};

pub(crate) const LAYOUT: Layout = Layout {
    name: "Keypost",
    aliases: &[],
    header: &[
        "id",
        "title",
        "username",
        "password",
        "urls",
        "notes",
        "tags",
        "folder",
        "custom_fields",
        "totp",
        "favourite",
        "created",
        "modified",
    ],
    quote_all: false,
    required: REQUIRED,
    detect: |index| index.has_all(REQUIRED),
    read,
    write,
};

const REQUIRED: &[&str] = &["id", "title", "urls", "custom_fields", "favourite"];

fn read(row: &mut Row<'_>) -> Result<EntryFields, String> {
    let id = row.take("id");
    row.meta.stamp.id = id.trim().parse::<EntryId>().ok();
    row.meta.stamp.created = row.take_date("created", parse_iso8601);
    row.meta.stamp.modified = row.take_date("modified", parse_iso8601);
    let custom_json = row.take("custom_fields");
    let custom_fields = if custom_json.trim().is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(&custom_json)
            .map_err(|_| "the 'custom_fields' column is not a JSON list of fields".to_owned())?
    };
    Ok(EntryFields {
        title: row.take("title"),
        username: row.take("username"),
        password: row.take("password"),
        urls: lines(&row.take("urls")),
        notes: row.take("notes"),
        tags: lines(&row.take("tags")),
        folder: row.take("folder"),
        custom_fields,
        totp: row.take("totp"),
        favourite: is_true(&row.take("favourite")),
    })
}

fn write(entry: &Entry, cells: &mut Vec<String>) -> Result<(), serde_json::Error> {
    let fields = &entry.fields;
    cells.extend([
        entry.id.to_string(),
        fields.title.clone(),
        fields.username.clone(),
        fields.password.clone(),
        fields.urls.join("\n"),
        fields.notes.clone(),
        fields.tags.join("\n"),
        fields.folder.clone(),
        if fields.custom_fields.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&fields.custom_fields)?
        },
        fields.totp.clone(),
        fields.favourite.to_string(),
        format_iso8601(entry.created),
        format_iso8601(entry.modified),
    ]);
    Ok(())
}
