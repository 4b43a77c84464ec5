//! LastPass: secure notes carry the URL `http://sn`, groups use `\` between levels.

use crate::entry::{Entry, EntryFields};
use crate::interchange::csv::cells::{first_url, is_note, is_true, single_url};
use crate::interchange::csv::layout::{Layout, Row};

pub(crate) const LAYOUT: Layout = Layout {
    name: "LastPass",
    aliases: &[],
    header: &[
        "url", "username", "password", "totp", "extra", "name", "grouping", "fav",
    ],
    quote_all: false,
    required: REQUIRED,
    detect: |index| index.has_all(REQUIRED),
    read,
    write,
};

const REQUIRED: &[&str] = &["url", "username", "password", "extra", "name", "grouping"];

/// LastPass marks a secure note (not a login) with this URL.
const NOTE_URL: &str = "http://sn";

fn read(row: &mut Row<'_>) -> Result<EntryFields, String> {
    let url = row.take("url");
    let mut fields = crate::entry_fields! {
        urls: if url == NOTE_URL {
            Vec::new()
        } else {
            single_url(url)
        },
    };
    fields.username = row.take("username");
    fields.password = row.take("password");
    fields.totp = row.take("totp");
    fields.notes = row.take("extra");
    fields.title = row.take("name");
    fields.folder = row.take("grouping").replace('\\', "/");
    fields.favourite = is_true(&row.take("fav"));
    Ok(fields)
}

fn write(entry: &Entry, cells: &mut Vec<String>) -> Result<(), serde_json::Error> {
    let fields = &entry.fields;
    cells.extend([
        if is_note(fields) {
            NOTE_URL.to_owned()
        } else {
            first_url(fields)
        },
        fields.username.clone(),
        fields.password.clone(),
        fields.totp.clone(),
        fields.notes.clone(),
        fields.title.clone(),
        fields.folder.replace('/', "\\"),
        if fields.favourite { "1" } else { "0" }.to_owned(),
    ]);
    Ok(())
}
