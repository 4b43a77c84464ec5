//! The layout of each manager's CSV: its header, how a row becomes entry fields, and how an
//! entry becomes a row. One reader and one writer per format, side by side, so the quirks
//! of each (Bitwarden's `name: value` fields, LastPass's `http://sn` notes, KeePassXC's root
//! group, Firefox's millisecond times) are handled symmetrically.

use super::CsvFormat;
use super::import::ImportedMeta;
use super::mapping::ColumnMapping;
use super::records::{RecordItem, RecordReader};
use crate::entry::{CustomField, Entry, EntryFields, EntryId};
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

const BITWARDEN: &[&str] = &[
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
];
const CHROME: &[&str] = &["name", "url", "username", "password", "note"];
const KEEPASSXC: &[&str] = &[
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
];
const ONEPASSWORD: &[&str] = &[
    "Title", "Url", "Username", "Password", "OTPAuth", "Favorite", "Archived", "Tags", "Notes",
];
const LASTPASS: &[&str] = &[
    "url", "username", "password", "totp", "extra", "name", "grouping", "fav",
];
const FIREFOX: &[&str] = &[
    "url",
    "username",
    "password",
    "httpRealm",
    "formActionOrigin",
    "guid",
    "timeCreated",
    "timeLastUsed",
    "timePasswordChanged",
];
const KEYPOST: &[&str] = &[
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
];
const GENERIC: &[&str] = &[
    "title", "username", "password", "url", "notes", "tags", "folder", "totp",
];

/// LastPass marks a secure note (not a login) with this URL.
const LASTPASS_NOTE_URL: &str = "http://sn";
/// KeePassXC's export starts every group path with the database's root group.
const KEEPASSXC_ROOT: &str = "Root";
/// Firefox columns that have no Keypost field are kept as custom fields of these names.
const FIREFOX_REALM_FIELD: &str = "httpRealm";
const FIREFOX_FORM_ORIGIN_FIELD: &str = "formActionOrigin";

pub(super) fn export_header(format: CsvFormat) -> &'static [&'static str] {
    match format {
        CsvFormat::Bitwarden => BITWARDEN,
        CsvFormat::Chrome => CHROME,
        CsvFormat::KeePassXc => KEEPASSXC,
        CsvFormat::OnePassword => ONEPASSWORD,
        CsvFormat::LastPass => LASTPASS,
        CsvFormat::Firefox => FIREFOX,
        CsvFormat::Keypost => KEYPOST,
        CsvFormat::Generic => GENERIC,
    }
}

/// Header names (lower case) a file must have to be read as `format`. Optional columns
/// (Chrome's `note`, KeePassXC's dates, Bitwarden's `folder`, …) are read when present.
pub(super) fn required_columns(format: CsvFormat) -> &'static [&'static str] {
    match format {
        CsvFormat::Bitwarden => &[
            "type",
            "name",
            "login_uri",
            "login_username",
            "login_password",
        ],
        CsvFormat::Chrome => &["name", "url", "username", "password"],
        CsvFormat::KeePassXc => &["group", "title", "username", "password", "url", "notes"],
        CsvFormat::OnePassword => &["title", "url", "username", "password", "otpauth"],
        CsvFormat::LastPass => &["url", "username", "password", "extra", "name", "grouping"],
        CsvFormat::Firefox => &[
            "url",
            "username",
            "password",
            "httprealm",
            "formactionorigin",
            "guid",
        ],
        CsvFormat::Keypost => &["id", "title", "urls", "custom_fields", "favourite"],
        CsvFormat::Generic => &[],
    }
}

/// Recognises a format from its header row; `None` means "map the columns generically".
pub(super) fn detect(index: &HeaderIndex) -> Option<CsvFormat> {
    // Most specific first: LastPass and Firefox also have Chrome's columns.
    const ORDER: [CsvFormat; 7] = [
        CsvFormat::Keypost,
        CsvFormat::Bitwarden,
        CsvFormat::Firefox,
        CsvFormat::LastPass,
        CsvFormat::OnePassword,
        CsvFormat::KeePassXc,
        CsvFormat::Chrome,
    ];
    ORDER.into_iter().find(|&format| {
        index.has_all(required_columns(format))
            && (format != CsvFormat::Chrome
                || index
                    .names
                    .keys()
                    .all(|name| CHROME.contains(&name.as_str())))
    })
}

/// Column positions by lower-case, trimmed header name (the first column of a name wins).
pub(super) struct HeaderIndex {
    names: HashMap<String, usize>,
}

impl HeaderIndex {
    pub fn new(headers: &[String]) -> Self {
        let mut names = HashMap::new();
        for (position, header) in headers.iter().enumerate() {
            names
                .entry(header.trim().to_lowercase())
                .or_insert(position);
        }
        Self { names }
    }

    pub fn has_all(&self, columns: &[&str]) -> bool {
        columns
            .iter()
            .all(|column| self.names.contains_key(*column))
    }

    pub fn missing(&self, columns: &[&str]) -> Vec<String> {
        columns
            .iter()
            .filter(|column| !self.names.contains_key(**column))
            .map(|column| (*column).to_owned())
            .collect()
    }
}

/// One row's cells, taken out by column name so secrets move rather than copy.
pub(super) struct Row<'a> {
    cells: &'a mut [String],
    index: &'a HeaderIndex,
    headers: &'a [String],
    pub line: u64,
    pub notices: Vec<String>,
}

impl<'a> Row<'a> {
    pub fn new(
        cells: &'a mut [String],
        index: &'a HeaderIndex,
        headers: &'a [String],
        line: u64,
    ) -> Self {
        Self {
            cells,
            index,
            headers,
            line,
            notices: Vec::new(),
        }
    }

    fn take(&mut self, column: &str) -> String {
        match self.index.names.get(column) {
            Some(&position) => self.take_at(position),
            None => String::new(),
        }
    }

    fn take_at(&mut self, position: usize) -> String {
        self.cells
            .get_mut(position)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn take_date(
        &mut self,
        column: &str,
        parse: fn(&str) -> Option<OffsetDateTime>,
    ) -> Option<OffsetDateTime> {
        let text = self.take(column);
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = parse(text);
        if parsed.is_none() {
            self.notices.push(format!(
                "kept the row without its unreadable '{column}' date"
            ));
        }
        parsed
    }
}

/// A row read into entry fields, or the reason it could not be.
pub(super) fn read_row(
    format: CsvFormat,
    mapping: &ColumnMapping,
    row: &mut Row<'_>,
) -> Result<(EntryFields, ImportedMeta), String> {
    let mut meta = ImportedMeta {
        line: row.line,
        ..ImportedMeta::default()
    };
    let fields = match format {
        CsvFormat::Bitwarden => read_bitwarden(row)?,
        CsvFormat::Chrome => EntryFields {
            title: row.take("name"),
            urls: single_url(row.take("url")),
            username: row.take("username"),
            password: row.take("password"),
            notes: row.take("note"),
            ..EntryFields::default()
        },
        CsvFormat::KeePassXc => {
            meta.modified = row.take_date("last modified", parse_iso8601);
            meta.created = row.take_date("created", parse_iso8601);
            EntryFields {
                folder: keepassxc_folder(&row.take("group")),
                title: row.take("title"),
                username: row.take("username"),
                password: row.take("password"),
                urls: single_url(row.take("url")),
                notes: row.take("notes"),
                totp: row.take("totp"),
                ..EntryFields::default()
            }
        }
        CsvFormat::OnePassword => {
            let mut fields = EntryFields {
                tags: split_list(&row.take("tags")),
                ..EntryFields::default()
            };
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
            fields
        }
        CsvFormat::LastPass => {
            let url = row.take("url");
            let mut fields = EntryFields {
                urls: if url == LASTPASS_NOTE_URL {
                    Vec::new()
                } else {
                    single_url(url)
                },
                ..EntryFields::default()
            };
            fields.username = row.take("username");
            fields.password = row.take("password");
            fields.totp = row.take("totp");
            fields.notes = row.take("extra");
            fields.title = row.take("name");
            fields.folder = row.take("grouping").replace('\\', "/");
            fields.favourite = is_true(&row.take("fav"));
            fields
        }
        CsvFormat::Firefox => {
            meta.source_id = firefox_guid(&row.take("guid"));
            meta.created = row.take_date("timecreated", parse_epoch_millis);
            meta.modified = row.take_date("timepasswordchanged", parse_epoch_millis);
            let mut fields = EntryFields {
                urls: single_url(row.take("url")),
                ..EntryFields::default()
            };
            let realm = row.take("httprealm");
            if !realm.is_empty() {
                fields
                    .custom_fields
                    .push(custom(FIREFOX_REALM_FIELD, realm));
            }
            let form_origin = row.take("formactionorigin");
            let url_origin = fields
                .urls
                .first()
                .map(|url| origin_of(url))
                .unwrap_or_default();
            if !form_origin.is_empty() && form_origin != url_origin {
                fields
                    .custom_fields
                    .push(custom(FIREFOX_FORM_ORIGIN_FIELD, form_origin));
            }
            fields.username = row.take("username");
            fields.title = derived_title(&fields.urls, &fields.username);
            fields.password = row.take("password");
            fields
        }
        CsvFormat::Keypost => {
            let id = row.take("id");
            meta.source_id = id.trim().parse::<EntryId>().ok();
            meta.created = row.take_date("created", parse_iso8601);
            meta.modified = row.take_date("modified", parse_iso8601);
            let custom_json = row.take("custom_fields");
            let custom_fields = if custom_json.trim().is_empty() {
                Vec::new()
            } else {
                serde_json::from_str(&custom_json).map_err(|_| {
                    "the 'custom_fields' column is not a JSON list of fields".to_owned()
                })?
            };
            EntryFields {
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
            }
        }
        CsvFormat::Generic => read_generic(mapping, row),
    };
    Ok((fields, meta))
}

fn read_bitwarden(row: &mut Row<'_>) -> Result<EntryFields, String> {
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
        custom_fields: parse_bitwarden_fields(&row.take("fields")),
        urls: split_uri_list(&uris)?,
        username: row.take("login_username"),
        password: row.take("login_password"),
        totp: row.take("login_totp"),
        tags,
    })
}

fn read_generic(mapping: &ColumnMapping, row: &mut Row<'_>) -> EntryFields {
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
    let custom_fields = (0..row.cells.len())
        .filter(|position| !mapped.contains(&Some(*position)))
        .filter_map(|position| {
            let value = row.take_at(position);
            let name = match row.headers.get(position).map(|h| h.trim()) {
                Some(header) if !header.is_empty() => header.to_owned(),
                _ => format!("Column {}", position + 1),
            };
            (!value.is_empty()).then(|| custom(&name, value))
        })
        .collect();
    EntryFields {
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
    }
}

/// The cells of `entry` in `format`'s column order.
pub(super) fn write_row(
    format: CsvFormat,
    entry: &Entry,
    cells: &mut Vec<String>,
) -> Result<(), serde_json::Error> {
    let fields = &entry.fields;
    let first_url = fields.urls.first().cloned().unwrap_or_default();
    let is_note = fields.username.is_empty()
        && fields.password.is_empty()
        && fields.urls.is_empty()
        && fields.totp.is_empty();
    cells.clear();
    match format {
        CsvFormat::Bitwarden => {
            let (kind, uris) = if is_note {
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
        }
        CsvFormat::Chrome => cells.extend([
            fields.title.clone(),
            first_url,
            fields.username.clone(),
            fields.password.clone(),
            fields.notes.clone(),
        ]),
        CsvFormat::KeePassXc => cells.extend([
            if fields.folder.is_empty() {
                KEEPASSXC_ROOT.to_owned()
            } else {
                format!("{KEEPASSXC_ROOT}/{}", fields.folder)
            },
            fields.title.clone(),
            fields.username.clone(),
            fields.password.clone(),
            first_url,
            fields.notes.clone(),
            fields.totp.clone(),
            "0".to_owned(),
            format_iso8601(entry.modified),
            format_iso8601(entry.created),
        ]),
        CsvFormat::OnePassword => cells.extend([
            fields.title.clone(),
            first_url,
            fields.username.clone(),
            fields.password.clone(),
            fields.totp.clone(),
            fields.favourite.to_string(),
            "false".to_owned(),
            fields.tags.join(","),
            fields.notes.clone(),
        ]),
        CsvFormat::LastPass => cells.extend([
            if is_note {
                LASTPASS_NOTE_URL.to_owned()
            } else {
                first_url
            },
            fields.username.clone(),
            fields.password.clone(),
            fields.totp.clone(),
            fields.notes.clone(),
            fields.title.clone(),
            fields.folder.replace('/', "\\"),
            if fields.favourite { "1" } else { "0" }.to_owned(),
        ]),
        CsvFormat::Firefox => {
            let realm = custom_value(fields, FIREFOX_REALM_FIELD);
            let form_origin = match custom_value(fields, FIREFOX_FORM_ORIGIN_FIELD) {
                Some(origin) => origin.to_owned(),
                // Firefox needs a form origin or a realm to offer the login.
                None if realm.is_none() => origin_of(&first_url),
                None => String::new(),
            };
            let password_changed = entry
                .password_history
                .first()
                .map_or(entry.created, |previous| previous.replaced_at);
            cells.extend([
                first_url,
                fields.username.clone(),
                fields.password.clone(),
                realm.unwrap_or_default().to_owned(),
                form_origin,
                format!("{{{}}}", entry.id),
                epoch_millis(entry.created),
                epoch_millis(entry.modified),
                epoch_millis(password_changed),
            ]);
        }
        CsvFormat::Keypost => cells.extend([
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
        ]),
        CsvFormat::Generic => cells.extend([
            fields.title.clone(),
            fields.username.clone(),
            fields.password.clone(),
            fields.urls.join("\n"),
            fields.notes.clone(),
            fields.tags.join(","),
            fields.folder.clone(),
            fields.totp.clone(),
        ]),
    }
    Ok(())
}

fn custom(name: &str, value: String) -> CustomField {
    CustomField {
        name: name.to_owned(),
        value,
        hidden: false,
    }
}

fn custom_value<'a>(fields: &'a EntryFields, name: &str) -> Option<&'a str> {
    fields
        .custom_fields
        .iter()
        .find(|field| field.name == name)
        .map(|field| field.value.as_str())
}

fn single_url(url: String) -> Vec<String> {
    if url.is_empty() {
        Vec::new()
    } else {
        vec![url]
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

fn is_true(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "y"
    )
}

/// Bitwarden writes custom fields as `name: value` lines.
fn parse_bitwarden_fields(text: &str) -> Vec<CustomField> {
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
    let mut reader = RecordReader::new(text.as_bytes(), b',', text.len().max(1));
    let mut uris = Vec::new();
    for item in &mut reader {
        match item {
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

fn keepassxc_folder(group: &str) -> String {
    match group.split_once('/') {
        Some((_root, path)) => path.to_owned(),
        None => String::new(),
    }
}

fn firefox_guid(guid: &str) -> Option<EntryId> {
    guid.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .parse::<EntryId>()
        .ok()
}

/// A title for formats that have none (Firefox): the site's host, else the username.
fn derived_title(urls: &[String], username: &str) -> String {
    urls.first()
        .map(|url| host_of(url))
        .filter(|host| !host.is_empty())
        .unwrap_or_else(|| username.to_owned())
}

fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let valid = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, rest))
}

/// `scheme://host[:port]`, without path, user info, query or fragment.
fn authority_of(rest: &str) -> &str {
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or_default();
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

pub(super) fn host_of(url: &str) -> String {
    let rest = split_scheme(url.trim()).map_or(url.trim(), |(_, rest)| rest);
    let authority = authority_of(rest);
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or(authority)
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    host.to_owned()
}

fn origin_of(url: &str) -> String {
    match split_scheme(url.trim()) {
        Some((scheme, rest)) => format!("{scheme}://{}", authority_of(rest)),
        None => String::new(),
    }
}

fn format_iso8601(time: OffsetDateTime) -> String {
    let utc = time.to_offset(time::UtcOffset::UTC);
    let whole_seconds = utc.replace_nanosecond(0).unwrap_or(utc);
    whole_seconds.format(&Rfc3339).unwrap_or_default()
}

fn parse_iso8601(text: &str) -> Option<OffsetDateTime> {
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(time);
    }
    // Without an offset the time is taken as UTC, as KeePassXC means it.
    let text = text.trim_end_matches('Z');
    [
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
    ]
    .iter()
    .find_map(|description| PrimitiveDateTime::parse(text, description).ok())
    .map(PrimitiveDateTime::assume_utc)
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
    fn hosts_and_origins() {
        assert_eq!(
            host_of("https://user@example.com:8443/login?x=1"),
            "example.com"
        );
        assert_eq!(host_of("example.org/path"), "example.org");
        assert_eq!(host_of("http://[::1]:80/"), "[::1]");
        assert_eq!(
            origin_of("https://a.example:8443/x"),
            "https://a.example:8443"
        );
        assert_eq!(origin_of("not a url"), "");
    }

    #[test]
    fn uri_lists_round_trip() {
        let uris = vec![
            "https://a.example/?q=1,2".to_owned(),
            "b.example".to_owned(),
            "c\"d".to_owned(),
        ];
        assert_eq!(split_uri_list(&join_uri_list(&uris)), Ok(uris));
    }

    #[test]
    fn dates_in_the_shapes_exporters_write() {
        let expected = time::macros::datetime!(2024-03-01 12:30:05 UTC);
        assert_eq!(parse_iso8601("2024-03-01T12:30:05Z"), Some(expected));
        assert_eq!(parse_iso8601("2024-03-01T12:30:05"), Some(expected));
        assert_eq!(parse_iso8601("2024-03-01 12:30:05"), Some(expected));
        assert_eq!(parse_epoch_millis("1709296205000"), Some(expected));
        assert_eq!(format_iso8601(expected), "2024-03-01T12:30:05Z");
        assert_eq!(epoch_millis(expected), "1709296205000");
        assert_eq!(parse_iso8601("yesterday"), None);
    }
}
