//! 1Password 8: comma-separated tags, favourite and archived flags, no folder.

use crate::entry::{Entry, EntryFields};
use crate::interchange::csv::cells::{first_url, is_true, single_url, split_list};
use crate::interchange::csv::layout::{Layout, Row};

pub(crate) const LAYOUT: Layout = Layout {
    name: "1Password",
    aliases: &["onepassword"],
    header: &[
        "Title", "Url", "Username", "Password", "OTPAuth", "Favorite", "Archived", "Tags", "Notes",
    ],
    quote_all: false,
    required: REQUIRED,
    detect: |index| index.has_all(REQUIRED),
    read,
    write,
};

const REQUIRED: &[&str] = &["title", "url", "username", "password", "otpauth"];

fn read(row: &mut Row<'_>) -> Result<EntryFields, String> {
    let mut fields = crate::entry_fields! {
        tags: split_list(&row.take("tags")),
    };
    // Keypost has no archive; an archived item keeps the mark as a tag.
    let archived = is_true(&row.take("archived"));
    if archived
        && !fields
            .tags
            .iter()
            .any(|tag| tag.eq_ignore_ascii_case("archived"))
    {
        fields.tags.push("archived".to_owned());
    }
    fields.title = row.take("title");
    fields.urls = single_url(row.take("url"));
    fields.username = row.take("username");
    fields.password = row.take("password");
    fields.totp = row.take("otpauth");
    fields.favourite = is_true(&row.take("favorite"));
    fields.notes = row.take("notes");
    Ok(fields)
}

fn write(entry: &Entry, cells: &mut Vec<String>) -> Result<(), serde_json::Error> {
    let fields = &entry.fields;
    cells.extend([
        fields.title.clone(),
        first_url(fields),
        fields.username.clone(),
        fields.password.clone(),
        fields.totp.clone(),
        fields.favourite.to_string(),
        "false".to_owned(),
        fields.tags.join(","),
        fields.notes.clone(),
    ]);
    Ok(())
}
