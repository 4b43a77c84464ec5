//! What a format file fills in ([`Layout`]) and the row it reads from ([`Row`]).
//!
//! A layout is a plain struct of functions rather than a trait so that the registry can hold
//! every format in one `match` of `&'static` values, and a format file reads top to bottom:
//! header, detection, reader, writer.

use super::mapping::ColumnMapping;
use crate::entry::{Entry, EntryFields, SourceStamp};
use serde::Serialize;
use std::collections::HashMap;
use time::OffsetDateTime;

/// One CSV layout: everything the importer and the exporter need to know about a format.
pub(crate) struct Layout {
    /// The name a person recognises; also names the format in import errors.
    pub name: &'static str,
    /// Other names people use for the same layout (`edge`, `keepass`), accepted wherever
    /// an id is.
    pub aliases: &'static [&'static str],
    /// The header row the export writes, in column order.
    pub header: &'static [&'static str],
    /// Whether the export quotes every value, as the manager's own export does.
    pub quote_all: bool,
    /// Header names (lower case) a file must have to be read as this format. Optional
    /// columns (Chrome's `note`, KeePassXC's dates, …) are read when present.
    pub required: &'static [&'static str],
    /// Whether a header row is this format's; formats are tried in registry order.
    pub detect: fn(&HeaderIndex) -> bool,
    /// A row read into entry fields (times and ids go to `row.meta`, notes to
    /// `row.notices`), or the reason the row is skipped.
    pub read: fn(&mut Row<'_>) -> Result<EntryFields, String>,
    /// The cells of an entry in `header` order, appended to an empty list.
    pub write: fn(&Entry, &mut Vec<String>) -> Result<(), serde_json::Error>,
}

/// Where an entry came from in the file, and what the file said about it beyond its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportedMeta {
    /// Line on which the entry's row starts.
    pub line: u64,
    /// The id and times the file gave the entry, which importing keeps.
    #[serde(flatten)]
    pub stamp: SourceStamp,
}

/// Column positions by lower-case, trimmed header name (the first column of a name wins).
pub(crate) struct HeaderIndex {
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

    /// Whether every column of the file is one of `columns` (which are lower case).
    pub fn has_only(&self, columns: &[&str]) -> bool {
        self.names
            .keys()
            .all(|name| columns.contains(&name.as_str()))
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
pub(crate) struct Row<'a> {
    cells: &'a mut [String],
    index: &'a HeaderIndex,
    headers: &'a [String],
    /// The columns the user chose, for the generic layout; empty for the others.
    pub mapping: &'a ColumnMapping,
    pub meta: ImportedMeta,
    pub notices: Vec<String>,
}

impl<'a> Row<'a> {
    pub fn new(
        cells: &'a mut [String],
        index: &'a HeaderIndex,
        headers: &'a [String],
        mapping: &'a ColumnMapping,
        line: u64,
    ) -> Self {
        Self {
            cells,
            index,
            headers,
            mapping,
            meta: ImportedMeta {
                line,
                ..ImportedMeta::default()
            },
            notices: Vec::new(),
        }
    }

    /// The cell under `column` (a lower-case header name); empty when the file has no such
    /// column.
    pub fn take(&mut self, column: &str) -> String {
        match self.index.names.get(column) {
            Some(&position) => self.take_at(position),
            None => String::new(),
        }
    }

    pub fn take_at(&mut self, position: usize) -> String {
        self.cells
            .get_mut(position)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    pub fn columns(&self) -> usize {
        self.cells.len()
    }

    /// The header of column `position` as the file wrote it (trimmed), if it has one.
    pub fn header(&self, position: usize) -> Option<&str> {
        self.headers
            .get(position)
            .map(|header| header.trim())
            .filter(|header| !header.is_empty())
    }

    /// A date cell; an unreadable one keeps the row, says so, and reads as no date.
    pub fn take_date(
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
