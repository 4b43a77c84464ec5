//! Which column of an unknown CSV holds which field.

use serde::{Deserialize, Serialize};

/// Column indexes (0-based, in header order) of each field in a CSV of unknown layout.
/// Columns not named here are kept as custom fields named after their header.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnMapping {
    pub title: Option<usize>,
    pub username: Option<usize>,
    pub password: Option<usize>,
    /// One or more URLs, one per line.
    pub url: Option<usize>,
    pub notes: Option<usize>,
    /// Comma-separated tags.
    pub tags: Option<usize>,
    /// A folder path with `/` (or `\`) between levels.
    pub folder: Option<usize>,
    pub totp: Option<usize>,
}

/// Header names (lower case, letters and digits only) each field is recognised by, best first.
const TITLE_NAMES: &[&str] = &[
    "title",
    "name",
    "account",
    "accountname",
    "itemname",
    "entry",
    "service",
];
const USERNAME_NAMES: &[&str] = &[
    "username",
    "user",
    "loginusername",
    "login",
    "loginname",
    "email",
    "emailaddress",
    "userid",
];
const PASSWORD_NAMES: &[&str] = &["password", "loginpassword", "pass", "passwd", "pwd"];
const URL_NAMES: &[&str] = &[
    "url", "urls", "loginuri", "uri", "website", "site", "web", "address", "link", "hostname",
];
const NOTES_NAMES: &[&str] = &[
    "notes",
    "note",
    "comments",
    "comment",
    "extra",
    "description",
];
const TAGS_NAMES: &[&str] = &["tags", "tag", "labels", "label", "keywords"];
const FOLDER_NAMES: &[&str] = &[
    "folder",
    "group",
    "grouping",
    "category",
    "path",
    "collection",
];
const TOTP_NAMES: &[&str] = &["totp", "logintotp", "otp", "otpauth", "otpsecret", "2fa"];

impl ColumnMapping {
    /// Best-effort mapping from common header names; unknown headers stay unmapped.
    pub fn auto(headers: &[String]) -> Self {
        let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        let mut taken = vec![false; headers.len()];
        let mut pick = |names: &[&str]| -> Option<usize> {
            let found = names.iter().find_map(|name| {
                normalised
                    .iter()
                    .enumerate()
                    .find(|(index, header)| {
                        !taken.get(*index).copied().unwrap_or(true) && header == name
                    })
                    .map(|(index, _)| index)
            });
            if let Some(index) = found
                && let Some(slot) = taken.get_mut(index)
            {
                *slot = true;
            }
            found
        };
        // Credentials first, so "login" is a username before anything else can claim it.
        let password = pick(PASSWORD_NAMES);
        let username = pick(USERNAME_NAMES);
        let url = pick(URL_NAMES);
        let title = pick(TITLE_NAMES);
        let totp = pick(TOTP_NAMES);
        let notes = pick(NOTES_NAMES);
        let tags = pick(TAGS_NAMES);
        let folder = pick(FOLDER_NAMES);
        Self {
            title,
            username,
            password,
            url,
            notes,
            tags,
            folder,
            totp,
        }
    }

    /// Whether the mapping finds anything that makes a row an entry.
    pub fn is_usable(&self) -> bool {
        self.title.is_some()
            || self.username.is_some()
            || self.password.is_some()
            || self.url.is_some()
    }

    pub(crate) fn columns(&self) -> [Option<usize>; 8] {
        [
            self.title,
            self.username,
            self.password,
            self.url,
            self.notes,
            self.tags,
            self.folder,
            self.totp,
        ]
    }
}

fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn maps_common_names_and_leaves_others() {
        let mapping = ColumnMapping::auto(&headers(&[
            "Account Name",
            "Login",
            "Password",
            "Web Site",
            "Comments",
            "Security question",
        ]));
        assert_eq!(
            mapping,
            ColumnMapping {
                title: Some(0),
                username: Some(1),
                password: Some(2),
                url: Some(3),
                notes: Some(4),
                ..ColumnMapping::default()
            }
        );
    }

    #[test]
    fn one_column_is_never_mapped_twice() {
        let mapping = ColumnMapping::auto(&headers(&["name", "url"]));
        assert_eq!(mapping.title, Some(0));
        assert_eq!(mapping.url, Some(1));
        assert!(
            ColumnMapping::auto(&headers(&["foo", "bar"]))
                .columns()
                .iter()
                .all(Option::is_none)
        );
    }
}
