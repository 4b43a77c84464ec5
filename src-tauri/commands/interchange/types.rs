//! What import and export send and receive. Formats travel as core's `CsvFormat` ids and row
//! problems as core's `RowProblem`; previews carry titles, usernames and URLs, never passwords.

use keypost_core::entry::EntryFields;
use keypost_core::interchange::csv::{CsvFormat, CsvScan, RowProblem};
use keypost_protocol::inbox::MessageId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::commands::entries::types::Selection;

/// A file chosen in a dialog; `None` when the person cancelled.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ChosenFile {
    pub path: Option<String>,
}

/// One row of a preview table (no password).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportRow {
    pub line: u32,
    pub title: String,
    pub username: String,
    pub url: String,
}

impl ImportRow {
    pub fn new(line: u32, fields: &EntryFields) -> Self {
        Self {
            line,
            title: fields.title.clone(),
            username: fields.username.clone(),
            url: fields.urls.first().cloned().unwrap_or_default(),
        }
    }
}

/// What an import would add; `token` accepts it with `accept_import`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportSummary {
    pub token: u32,
    pub format: CsvFormat,
    /// Entries that would be imported.
    pub total: u32,
    /// The first of them (core's `PREVIEW_SAMPLE`, 500).
    pub rows: Vec<ImportRow>,
    pub problems: Vec<RowProblem>,
    /// Rows that cannot be read and would be skipped (also those not listed in `problems`).
    pub skipped_rows: u32,
}

impl ImportSummary {
    pub fn new(token: u32, scan: &CsvScan) -> Self {
        let rows = scan
            .sample
            .iter()
            .map(|(fields, meta)| {
                ImportRow::new(u32::try_from(meta.line).unwrap_or(u32::MAX), fields)
            })
            .collect();
        Self {
            token,
            format: scan.format,
            total: u32::try_from(scan.entries).unwrap_or(u32::MAX),
            rows,
            problems: scan.problems.clone(),
            skipped_rows: u32::try_from(scan.skipped_rows).unwrap_or(u32::MAX),
        }
    }
}

/// Which entries an export contains.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExportSource {
    /// The whole vault.
    Vault,
    Selection {
        selection: Selection,
    },
    /// Entries received through a pickup and not (yet) saved; `token` from `receive_pickup`.
    Received {
        token: u32,
    },
    /// Messages in the Inbox (any number; held ones are refused).
    Messages {
        ids: Vec<MessageId>,
    },
}

/// Where an export goes and what it contains.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportTarget {
    pub source: ExportSource,
    pub path: String,
}
