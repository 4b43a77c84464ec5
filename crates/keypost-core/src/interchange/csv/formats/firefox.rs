//! Firefox: every value quoted, no title (derived from the URL's host), millisecond times,
//! and two columns Keypost keeps as custom fields.

use crate::entry::{Entry, EntryFields, EntryId};
use crate::interchange::csv::cells::{custom, derived_title, first_url, origin_of, single_url};
use crate::interchange::csv::layout::{Layout, Row};
use time::OffsetDateTime;

pub(crate) const LAYOUT: Layout = Layout {
    name: "Firefox",
    aliases: &[],
    header: &[
        "url",
        "username",
        "password",
        "httpRealm",
        "formActionOrigin",
        "guid",
        "timeCreated",
        "timeLastUsed",
        "timePasswordChanged",
    ],
    quote_all: true,
    required: REQUIRED,
    detect: |index| index.has_all(REQUIRED),
    read,
    write,
};

const REQUIRED: &[&str] = &[
    "url",
    "username",
    "password",
    "httprealm",
    "formactionorigin",
    "guid",
];

/// Firefox columns that have no Keypost field are kept as custom fields of these names.
const REALM_FIELD: &str = "httpRealm";
const FORM_ORIGIN_FIELD: &str = "formActionOrigin";

fn read(row: &mut Row<'_>) -> Result<EntryFields, String> {
    row.meta.stamp.id = guid_of(&row.take("guid"));
    row.meta.stamp.created = row.take_date("timecreated", parse_epoch_millis);
    row.meta.stamp.modified = row.take_date("timepasswordchanged", parse_epoch_millis);
    let mut fields = crate::entry_fields! {
        urls: single_url(row.take("url")),
    };
    let realm = row.take("httprealm");
    if !realm.is_empty() {
        fields.custom_fields.push(custom(REALM_FIELD, realm));
    }
    let form_origin = row.take("formactionorigin");
    let url_origin = fields
        .urls
        .first()
        .map(|url| origin_of(url))
        .unwrap_or_default();
    // The origin Firefox fills in by default says nothing the URL does not.
    if !form_origin.is_empty() && form_origin != url_origin {
        fields
            .custom_fields
            .push(custom(FORM_ORIGIN_FIELD, form_origin));
    }
    fields.username = row.take("username");
    fields.title = derived_title(&fields.urls, &fields.username);
    fields.password = row.take("password");
    Ok(fields)
}

fn write(entry: &Entry, cells: &mut Vec<String>) -> Result<(), serde_json::Error> {
    let fields = &entry.fields;
    let first_url = first_url(fields);
    let realm = custom_value(fields, REALM_FIELD);
    let form_origin = match custom_value(fields, FORM_ORIGIN_FIELD) {
        Some(origin) => origin.to_owned(),
        // Firefox needs a form origin or a realm to offer the login.
        None if realm.is_none() => origin_of(&first_url),
        None => String::new(),
    };
    cells.extend([
        first_url,
        fields.username.clone(),
        fields.password.clone(),
        realm.unwrap_or_default().to_owned(),
        form_origin,
        format!("{{{}}}", entry.id),
        epoch_millis(entry.created),
        // Keypost keeps no time of last use; the time of the last change is the nearest.
        epoch_millis(entry.modified),
        // Read back as the modified time, so a round trip keeps it.
        epoch_millis(entry.modified),
    ]);
    Ok(())
}

fn custom_value<'a>(fields: &'a EntryFields, name: &str) -> Option<&'a str> {
    fields
        .custom_fields
        .iter()
        .find(|field| field.name == name)
        .map(|field| field.value.as_str())
}

fn guid_of(guid: &str) -> Option<EntryId> {
    guid.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .parse::<EntryId>()
        .ok()
}

fn parse_epoch_millis(text: &str) -> Option<OffsetDateTime> {
    let millis: i128 = text.parse().ok()?;
    OffsetDateTime::from_unix_timestamp_nanos(millis.checked_mul(1_000_000)?).ok()
}

fn epoch_millis(time: OffsetDateTime) -> String {
    (time.unix_timestamp_nanos() / 1_000_000).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millisecond_times() {
        let expected = time::macros::datetime!(2024-03-01 12:30:05 UTC);
        assert_eq!(parse_epoch_millis("1709296205000"), Some(expected));
        assert_eq!(epoch_millis(expected), "1709296205000");
    }
}
