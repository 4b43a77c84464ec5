//! The registry of CSV formats. Each format is one file in this folder holding its header,
//! detection, reader and writer (a [`Layout`]); the `registry!` list below is the only other
//! place that names it. Everything else — [`CsvFormat`] and its ids, [`CsvFormat::ALL`], the
//! CLI's `--format` values, the types the app's UI sees — is derived from that list.

use super::layout::{HeaderIndex, Layout};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One line per format: `Variant = "id" => file`. The id is what the command line, the app
/// and serialised settings use; the order is the order pickers list the formats in and
/// detection tries them (see [`detect`]).
macro_rules! registry {
    ($($variant:ident = $id:literal => $module:ident,)+) => {
        $(mod $module;)+

        /// A CSV layout Keypost reads and writes, serialised as its id (`"1password"`, …).
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum CsvFormat {
            $(#[serde(rename = $id)] $variant,)+
        }

        impl CsvFormat {
            /// Every format, in registry order.
            pub const ALL: [CsvFormat; [$($id),+].len()] = [$(CsvFormat::$variant),+];

            /// The identifier used on the command line and in the UI (`1password`, …).
            pub fn id(self) -> &'static str {
                match self {
                    $(CsvFormat::$variant => $id,)+
                }
            }

            pub(crate) fn layout(self) -> &'static Layout {
                match self {
                    $(CsvFormat::$variant => &$module::LAYOUT,)+
                }
            }
        }
    };
}

registry! {
    Keypost = "keypost" => keypost,
    Generic = "generic" => generic,
    Bitwarden = "bitwarden" => bitwarden,
    Chrome = "chrome" => chrome,
    KeePassXc = "keepassxc" => keepassxc,
    OnePassword = "1password" => onepassword,
    LastPass = "lastpass" => lastpass,
    Firefox = "firefox" => firefox,
}

/// A format as the app lists it in a picker.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CsvFormatInfo {
    pub id: CsvFormat,
    /// The name a person recognises.
    pub name: &'static str,
}

impl CsvFormat {
    /// The name a person recognises.
    pub fn display_name(self) -> &'static str {
        self.layout().name
    }

    /// Other names [`FromStr`] accepts for this format (`edge`, `keepass`).
    pub fn aliases(self) -> &'static [&'static str] {
        self.layout().aliases
    }

    /// The header row this format's export writes.
    pub fn header(self) -> &'static [&'static str] {
        self.layout().header
    }

    pub fn info(self) -> CsvFormatInfo {
        CsvFormatInfo {
            id: self,
            name: self.display_name(),
        }
    }
}

/// The format a header row belongs to, if any: the first in registry order whose detection
/// accepts it. Each detection asks for columns only its manager writes (Chrome's, which
/// others share, also for nothing else), so the order matters only for a header that holds
/// two managers' columns at once.
pub(crate) fn detect(index: &HeaderIndex) -> Option<CsvFormat> {
    CsvFormat::ALL
        .into_iter()
        .find(|format| (format.layout().detect)(index))
}

impl fmt::Display for CsvFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown CSV format {0:?}; expected one of {known}", known = known_ids())]
pub struct UnknownFormat(pub String);

fn known_ids() -> String {
    CsvFormat::ALL.map(CsvFormat::id).join(", ")
}

impl FromStr for CsvFormat {
    type Err = UnknownFormat;

    /// An id, any case, or another name people use for the same layout (`edge`, `keepass`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        CsvFormat::ALL
            .into_iter()
            .find(|format| format.id() == wanted || format.aliases().contains(&wanted.as_str()))
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_aliases_parse() {
        for format in CsvFormat::ALL {
            assert_eq!(format.id().parse::<CsvFormat>(), Ok(format));
            assert_eq!(
                serde_json::to_string(&format).ok(),
                Some(format!("\"{}\"", format.id()))
            );
        }
        for (alias, format) in [
            ("Edge", CsvFormat::Chrome),
            (" chromium ", CsvFormat::Chrome),
            ("brave", CsvFormat::Chrome),
            ("onepassword", CsvFormat::OnePassword),
            ("keepass", CsvFormat::KeePassXc),
        ] {
            assert_eq!(alias.parse::<CsvFormat>(), Ok(format), "{alias}");
        }
        let unknown = "pdf"
            .parse::<CsvFormat>()
            .err()
            .map(|error| error.to_string());
        assert_eq!(
            unknown.as_deref(),
            Some(
                "unknown CSV format \"pdf\"; expected one of keypost, generic, bitwarden, chrome, keepassxc, 1password, lastpass, firefox"
            )
        );
    }

    #[test]
    fn every_export_header_is_detected_as_its_own_format_only() {
        for format in CsvFormat::ALL {
            let header: Vec<String> = format.header().iter().map(|h| (*h).to_owned()).collect();
            let index = HeaderIndex::new(&header);
            let claimed: Vec<CsvFormat> = CsvFormat::ALL
                .into_iter()
                .filter(|other| (other.layout().detect)(&index))
                .collect();
            let expected = match format {
                CsvFormat::Generic => vec![],
                own => vec![own],
            };
            assert_eq!(claimed, expected, "{format}");
        }
    }

    #[cfg(feature = "ts")]
    #[test]
    fn the_app_sees_the_ids() {
        use ts_rs::TS;
        let config = ts_rs::Config::new();
        assert_eq!(
            CsvFormat::decl(&config),
            "type CsvFormat = \"keypost\" | \"generic\" | \"bitwarden\" | \"chrome\" | \"keepassxc\" | \"1password\" | \"lastpass\" | \"firefox\";"
        );
        let info = CsvFormatInfo::decl(&config);
        assert!(
            info.contains("id: CsvFormat") && info.contains("name: string"),
            "{info}"
        );
    }
}
