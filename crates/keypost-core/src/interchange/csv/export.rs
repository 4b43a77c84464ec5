//! Writing entries as CSV in a chosen format.

use super::formats::CsvFormat;
use super::layout::Layout;
use crate::entry::Entry;
use ::csv::{QuoteStyle, Terminator, WriterBuilder};
use serde::{Deserialize, Serialize};
use std::io::Write;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CsvExportOptions {
    /// Prefix values that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR)
    /// with `'`. Safe to open in Excel or LibreOffice, but those values no longer import
    /// exactly, so this is off by default.
    pub spreadsheet_safe: bool,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error("could not write the CSV file: {0}")]
    Write(#[from] ::csv::Error),
    #[error("could not write the CSV file: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not encode the custom fields of an entry: {0}")]
    CustomFields(#[from] serde_json::Error),
}

/// Writes `entries` as `format` to `out`, header row first.
pub fn write_csv<W: Write>(
    entries: &[Entry],
    format: CsvFormat,
    options: &CsvExportOptions,
    out: W,
) -> Result<(), ExportError> {
    let mut writer = CsvWriter::new(format, options, out)?;
    for entry in entries {
        writer.write(entry)?;
    }
    writer.finish()
}

/// Writes one entry at a time, so an export streams from the vault to the file.
pub struct CsvWriter<W: Write> {
    writer: ::csv::Writer<W>,
    layout: &'static Layout,
    spreadsheet_safe: bool,
    cells: Zeroizing<Vec<String>>,
}

impl<W: Write> CsvWriter<W> {
    /// Starts the file with the header row of `format`.
    pub fn new(format: CsvFormat, options: &CsvExportOptions, out: W) -> Result<Self, ExportError> {
        let layout = format.layout();
        let quote_style = if layout.quote_all {
            QuoteStyle::Always
        } else {
            QuoteStyle::Necessary
        };
        let mut writer = WriterBuilder::new()
            .quote_style(quote_style)
            .terminator(Terminator::CRLF)
            .from_writer(out);
        writer.write_record(layout.header)?;
        Ok(Self {
            writer,
            layout,
            spreadsheet_safe: options.spreadsheet_safe,
            cells: Zeroizing::new(Vec::new()),
        })
    }

    pub fn write(&mut self, entry: &Entry) -> Result<(), ExportError> {
        self.cells.clear();
        (self.layout.write)(entry, &mut self.cells)?;
        if self.spreadsheet_safe {
            for cell in self.cells.iter_mut() {
                neutralise_formula(cell);
            }
        }
        self.writer.write_record(self.cells.iter())?;
        Ok(())
    }

    /// Writes out what is still buffered.
    pub fn finish(mut self) -> Result<(), ExportError> {
        self.writer.flush()?;
        Ok(())
    }
}

/// OWASP's advice for CSV injection: a leading `'` makes spreadsheets show the text as text.
fn neutralise_formula(cell: &mut String) {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        cell.insert(0, '\'');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_prefixes_are_neutralised() {
        for (input, expected) in [
            ("=1+2", "'=1+2"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("plain", "plain"),
            ("", ""),
        ] {
            let mut cell = input.to_owned();
            neutralise_formula(&mut cell);
            assert_eq!(cell, expected);
        }
    }
}
