//! Bitwarden's export: custom fields as `name: value` lines, several URIs as one CSV row
//! inside the `login_uri` cell, `type` telling logins from notes.

use crate::entry::{CustomField, Entry, EntryFields};
use crate::interchange::csv::cells::{custom, is_note, is_true, split_list};
use crate::interchange::csv::layout::{Layout, Row};
use crate::interchange::csv::records::{RecordItem, RecordReader};

pub(crate) const LAYOUT: Layout = Layout {
    name: "Bitwarden",
    aliases: &[],
    header: &[
        "folder",
        "favorite",
        "type",
        "name",
        "notes",
        "fields",
        "reprompt",
        "login_uri",
        "login_username",
        "login_password",
        "login_totp",
    ],
    quote_all: false,
    required: REQUIRED,
    detect: |index| index.has_all(REQUIRED),
    read,
    write,
};

const REQUIRED: &[&str] = &[
    "type",
    "name",
    "login_uri",
    "login_username",
    "login_password",
];

fn read(row: &mut Row<'_>) -> Result<EntryFields, String> {
    let kind = row.take("type");
    let kind = kind.trim();
    if !matches!(kind, "" | "login" | "note") {
        row.notices.push(format!(
            "imported the Bitwarden item of type '{kind}' with its login fields"
        ));
    }
    let uris = row.take("login_uri");
    let mut tags = Vec::new();
    let mut folder = row.take("folder");
    // Organisation exports name collections instead of a folder.
    let collections = row.take("collections");
    if folder.is_empty() {
        let mut names = split_list(&collections);
        if names.len() == 1 {
            folder = names.remove(0);
        } else {
            tags = names;
        }
    }
    Ok(EntryFields {
        folder,
        favourite: is_true(&row.take("favorite")),
        title: row.take("name"),
        notes: row.take("notes"),
        custom_fields: parse_fields(&row.take("fields")),
        urls: split_uri_list(&uris)?,
        username: row.take("login_username"),
        password: row.take("login_password"),
        totp: row.take("login_totp"),
        tags,
    })
}

fn write(entry: &Entry, cells: &mut Vec<String>) -> Result<(), serde_json::Error> {
    let fields = &entry.fields;
    let (kind, uris) = if is_note(fields) {
        ("note", String::new())
    } else {
        ("login", join_uri_list(&fields.urls))
    };
    cells.extend([
        fields.folder.clone(),
        if fields.favourite { "1" } else { "" }.to_owned(),
        kind.to_owned(),
        fields.title.clone(),
        fields.notes.clone(),
        fields
            .custom_fields
            .iter()
            .map(|field| format!("{}: {}", field.name, field.value))
            .collect::<Vec<_>>()
            .join("\n"),
        "0".to_owned(),
        uris,
        fields.username.clone(),
        fields.password.clone(),
        fields.totp.clone(),
    ]);
    Ok(())
}

/// Bitwarden writes custom fields as `name: value` lines.
fn parse_fields(text: &str) -> Vec<CustomField> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once(": ") {
            Some((name, value)) => custom(name, value.to_owned()),
            None => custom(line.strip_suffix(':').unwrap_or(line), String::new()),
        })
        .collect()
}

/// Bitwarden writes several URIs as one CSV row inside the cell (`a,"b,with comma"`).
fn split_uri_list(text: &str) -> Result<Vec<String>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let mut reader =
        RecordReader::new(text.as_bytes(), b',', text.len().max(1)).with_chunk(text.len() + 1);
    let mut uris = Vec::new();
    for item in &mut reader {
        match item.map_err(|_| "unreadable 'login_uri'".to_owned())? {
            RecordItem::Record(record) => {
                for uri in record.fields.iter() {
                    let uri = std::str::from_utf8(uri)
                        .map_err(|_| "unreadable 'login_uri'".to_owned())?;
                    if !uri.is_empty() {
                        uris.push(uri.to_owned());
                    }
                }
            }
            RecordItem::Broken { .. } => {
                return Err("the 'login_uri' list has a broken quote".to_owned());
            }
        }
    }
    Ok(uris)
}

fn join_uri_list(uris: &[String]) -> String {
    uris.iter()
        .map(|uri| {
            if uri.contains([',', '"', '\n', '\r']) || uri.starts_with(' ') {
                format!("\"{}\"", uri.replace('"', "\"\""))
            } else {
                uri.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_lists_round_trip() {
        let uris = vec![
            "https://a.example/?q=1,2".to_owned(),
            "b.example".to_owned(),
            "c\"d".to_owned(),
        ];
        assert_eq!(split_uri_list(&join_uri_list(&uris)), Ok(uris));
    }
}
