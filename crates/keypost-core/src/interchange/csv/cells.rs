//! Cell conventions that more than one format shares: lists, flags, ISO-8601 dates, URLs.
//! A rule only one manager has stays in that manager's file.

use crate::entry::{CustomField, EntryFields};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

pub(crate) fn custom(name: &str, value: String) -> CustomField {
    CustomField {
        name: name.to_owned(),
        value,
        hidden: false,
    }
}

pub(crate) fn single_url(url: String) -> Vec<String> {
    if url.is_empty() {
        Vec::new()
    } else {
        vec![url]
    }
}

/// The URL a single-URL format exports: the entry's main one.
pub(crate) fn first_url(fields: &EntryFields) -> String {
    fields.urls.first().cloned().unwrap_or_default()
}

/// Whether an entry is a note rather than a login, for formats that tell them apart.
pub(crate) fn is_note(fields: &EntryFields) -> bool {
    fields.username.is_empty()
        && fields.password.is_empty()
        && fields.urls.is_empty()
        && fields.totp.is_empty()
}

pub(crate) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn is_true(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "y"
    )
}

/// A title for rows that have none: the site's host, else the username.
pub(crate) fn derived_title(urls: &[String], username: &str) -> String {
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

fn host_of(url: &str) -> String {
    let rest = split_scheme(url.trim()).map_or(url.trim(), |(_, rest)| rest);
    let authority = authority_of(rest);
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or(authority)
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    host.to_owned()
}

pub(crate) fn origin_of(url: &str) -> String {
    match split_scheme(url.trim()) {
        Some((scheme, rest)) => format!("{scheme}://{}", authority_of(rest)),
        None => String::new(),
    }
}

/// RFC 3339 in UTC to whole seconds, as KeePassXC writes its dates.
pub(crate) fn format_iso8601(time: OffsetDateTime) -> String {
    let utc = time.to_offset(time::UtcOffset::UTC);
    let whole_seconds = utc.replace_nanosecond(0).unwrap_or(utc);
    whole_seconds.format(&Rfc3339).unwrap_or_default()
}

pub(crate) fn parse_iso8601(text: &str) -> Option<OffsetDateTime> {
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
    fn dates_in_the_shapes_exporters_write() {
        let expected = time::macros::datetime!(2024-03-01 12:30:05 UTC);
        assert_eq!(parse_iso8601("2024-03-01T12:30:05Z"), Some(expected));
        assert_eq!(parse_iso8601("2024-03-01T12:30:05"), Some(expected));
        assert_eq!(parse_iso8601("2024-03-01 12:30:05"), Some(expected));
        assert_eq!(format_iso8601(expected), "2024-03-01T12:30:05Z");
        assert_eq!(parse_iso8601("yesterday"), None);
    }
}
