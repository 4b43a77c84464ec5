//! Reading a CSV into a preview of entries, with every unreadable row reported by line.

use super::formats::{self, CsvFormat};
use super::layout::{HeaderIndex, ImportedMeta, Row};
use super::mapping::ColumnMapping;
use super::records::{RawRecord, RecordFault, RecordItem, RecordReader};
use crate::entry::{EntryFields, SourceStamp};
use serde::Serialize;
use std::borrow::Cow;
use zeroize::{Zeroize, Zeroizing};

/// Largest file read at all; bigger files are refused before parsing.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Largest single value; a row with a bigger one is skipped and reported.
pub const MAX_FIELD_BYTES: usize = 1024 * 1024;
/// Most rows (entries plus skipped rows) one import may hold.
pub const MAX_ROWS: usize = 1_000_000;
/// Problems listed one by one; beyond this they are only counted in `skipped_rows`.
pub const MAX_LISTED_PROBLEMS: usize = 1_000;

/// What an import would add, for the user to accept; nothing has been written yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportPreview {
    pub format: CsvFormat,
    /// The column mapping used when `format` is [`CsvFormat::Generic`].
    pub mapping: Option<ColumnMapping>,
    /// The file's header row, for a mapping screen.
    pub headers: Vec<String>,
    pub entries: Vec<EntryFields>,
    /// `meta[i]` belongs to `entries[i]`: source line, id and times the file carried.
    pub meta: Vec<ImportedMeta>,
    /// Skipped rows and notes about kept rows, by line; at most [`MAX_LISTED_PROBLEMS`].
    pub problems: Vec<RowProblem>,
    /// Rows that could not be read and were skipped (all of them, listed or not).
    pub skipped_rows: u64,
}

impl ImportPreview {
    /// The entries with the id and times the file gave each, for
    /// [`EntriesMut::import_stamped`](crate::entries::EntriesMut::import_stamped).
    pub fn into_stamped(self) -> Vec<(EntryFields, SourceStamp)> {
        self.entries
            .into_iter()
            .zip(self.meta.into_iter().map(|meta| meta.stamp))
            .collect()
    }
}

/// A row that was skipped, or kept with a part left out. Never contains a field's value.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// 1-based physical line on which the row starts.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub line: u64,
    pub message: String,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("the file is {size} bytes; the largest CSV Keypost imports is {limit} bytes")]
    FileTooLarge { size: usize, limit: usize },
    #[error("the file has no header row")]
    Empty,
    #[error("the file starts with a UTF-16 byte order mark but is not valid UTF-16")]
    InvalidUtf16,
    #[error("line {line}: the header row cannot be read: {reason}")]
    BadHeader { line: u64, reason: String },
    #[error("the header row does not name a title, username, password or URL column ({})", headers.join(", "))]
    UnrecognisedHeader { headers: Vec<String> },
    #[error("this is not a {format} CSV: missing column(s) {}", missing.join(", "))]
    MissingColumns {
        format: &'static str,
        missing: Vec<String>,
    },
    #[error("the column mapping names column {column}, but the file has {columns} columns")]
    MappingOutOfRange { column: usize, columns: usize },
    #[error("the file has more than {limit} rows")]
    TooManyRows { limit: usize },
}

/// Reads `bytes` as `format`, or as the format its header row shows when `None`; a header
/// no known format matches is mapped by [`ColumnMapping::auto`].
pub fn read_csv(bytes: &[u8], format: Option<CsvFormat>) -> Result<ImportPreview, ImportError> {
    let text = decode(bytes)?;
    let mut reader = open(&text);
    let (headers, index) = read_header(&mut reader)?;
    let format = match format {
        Some(format) => format,
        None => formats::detect(&index).unwrap_or(CsvFormat::Generic),
    };
    let mapping = match format {
        CsvFormat::Generic => {
            let mapping = ColumnMapping::auto(&headers);
            if !mapping.is_usable() {
                return Err(ImportError::UnrecognisedHeader { headers });
            }
            Some(mapping)
        }
        known => {
            let missing = index.missing(known.layout().required);
            if !missing.is_empty() {
                return Err(ImportError::MissingColumns {
                    format: known.display_name(),
                    missing,
                });
            }
            None
        }
    };
    read_rows(reader, format, mapping, headers, &index)
}

/// Reads `bytes` with the columns the user chose.
pub fn read_csv_with_mapping(
    bytes: &[u8],
    mapping: &ColumnMapping,
) -> Result<ImportPreview, ImportError> {
    let text = decode(bytes)?;
    let mut reader = open(&text);
    let (headers, index) = read_header(&mut reader)?;
    if let Some(column) = mapping
        .columns()
        .into_iter()
        .flatten()
        .find(|&c| c >= headers.len())
    {
        return Err(ImportError::MappingOutOfRange {
            column,
            columns: headers.len(),
        });
    }
    read_rows(
        reader,
        CsvFormat::Generic,
        Some(mapping.clone()),
        headers,
        &index,
    )
}

/// The header row alone, for a screen where the user maps columns.
pub fn read_csv_headers(bytes: &[u8]) -> Result<Vec<String>, ImportError> {
    let text = decode(bytes)?;
    let mut reader = open(&text);
    read_header(&mut reader).map(|(headers, _)| headers)
}

/// The known format a header row belongs to, if any.
pub fn detect_format(headers: &[String]) -> Option<CsvFormat> {
    formats::detect(&HeaderIndex::new(headers))
}

/// Removes a UTF-8 byte order mark and turns UTF-16 (as some Windows tools write) into UTF-8.
fn decode(bytes: &[u8]) -> Result<Cow<'_, [u8]>, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::FileTooLarge {
            size: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => Ok(Cow::Borrowed(rest)),
        [0xFF, 0xFE, rest @ ..] => decode_utf16(rest, u16::from_le_bytes).map(Cow::Owned),
        [0xFE, 0xFF, rest @ ..] => decode_utf16(rest, u16::from_be_bytes).map(Cow::Owned),
        _ => Ok(Cow::Borrowed(bytes)),
    }
}

fn decode_utf16(body: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Vec<u8>, ImportError> {
    let pairs = body.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(ImportError::InvalidUtf16);
    }
    let units = pairs.map(|pair| {
        unit([
            pair.first().copied().unwrap_or(0),
            pair.get(1).copied().unwrap_or(0),
        ])
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map(String::into_bytes)
        .map_err(|_| ImportError::InvalidUtf16)
}

/// Opens a reader with the delimiter of the first line: a comma unless that line has none
/// but has semicolons (spreadsheets in many locales) or tabs.
fn open(text: &[u8]) -> RecordReader<'_> {
    let first_line_end = text
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(text.len());
    let first_line = text.get(..first_line_end).unwrap_or_default();
    let delimiter = if first_line.contains(&b',') {
        b','
    } else if first_line.contains(&b';') {
        b';'
    } else if first_line.contains(&b'\t') {
        b'\t'
    } else {
        b','
    };
    RecordReader::new(text, delimiter, MAX_FIELD_BYTES)
}

fn read_header(reader: &mut RecordReader<'_>) -> Result<(Vec<String>, HeaderIndex), ImportError> {
    let record = match reader.next() {
        None => return Err(ImportError::Empty),
        Some(RecordItem::Broken { line, fault }) => {
            return Err(ImportError::BadHeader {
                line,
                reason: fault_message(fault).to_owned(),
            });
        }
        Some(RecordItem::Record(record)) => record,
    };
    if record.oversized_field.is_some() {
        return Err(ImportError::BadHeader {
            line: record.line,
            reason: "a column name is longer than 1 MiB".to_owned(),
        });
    }
    let headers = record
        .fields
        .iter()
        .map(|name| std::str::from_utf8(name).map(|name| name.trim().to_owned()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ImportError::BadHeader {
            line: record.line,
            reason: "it is not valid UTF-8; save the file as UTF-8 and import it again".to_owned(),
        })?;
    let index = HeaderIndex::new(&headers);
    Ok((headers, index))
}

fn read_rows(
    reader: RecordReader<'_>,
    format: CsvFormat,
    mapping: Option<ColumnMapping>,
    headers: Vec<String>,
    index: &HeaderIndex,
) -> Result<ImportPreview, ImportError> {
    let mut preview = ImportPreview {
        format,
        mapping,
        headers,
        entries: Vec::new(),
        meta: Vec::new(),
        problems: Vec::new(),
        skipped_rows: 0,
    };
    let generic_mapping = preview.mapping.clone().unwrap_or_default();
    let mut rows = 0usize;
    for item in reader {
        rows += 1;
        if rows > MAX_ROWS {
            return Err(ImportError::TooManyRows { limit: MAX_ROWS });
        }
        match item {
            RecordItem::Broken { line, fault } => {
                preview.skip(line, format!("{}; row skipped", fault_message(fault)));
            }
            RecordItem::Record(record) => {
                let line = record.line;
                match read_record(record, format, &generic_mapping, &preview.headers, index) {
                    Ok(None) => rows -= 1,
                    Ok(Some((fields, meta, notices))) => {
                        for notice in notices {
                            preview.note(line, notice);
                        }
                        preview.entries.push(fields);
                        preview.meta.push(meta);
                    }
                    Err(message) => preview.skip(line, format!("{message}; row skipped")),
                }
            }
        }
    }
    Ok(preview)
}

type ReadRecord = Option<(EntryFields, ImportedMeta, Vec<String>)>;

/// One record as an entry; `Ok(None)` for a row with nothing in it.
fn read_record(
    record: RawRecord,
    format: CsvFormat,
    mapping: &ColumnMapping,
    headers: &[String],
    index: &HeaderIndex,
) -> Result<ReadRecord, String> {
    let RawRecord {
        line,
        mut fields,
        oversized_field,
    } = record;
    if fields.iter().all(Vec::is_empty) {
        return Ok(None);
    }
    if fields.len() != headers.len() {
        return Err(format!(
            "expected {} columns as in the header, found {}",
            headers.len(),
            fields.len()
        ));
    }
    if let Some(column) = oversized_field {
        return Err(format!(
            "the value in column '{}' is larger than {} MiB",
            column_name(headers, column),
            MAX_FIELD_BYTES / (1024 * 1024)
        ));
    }
    let mut cells: Zeroizing<Vec<String>> = Zeroizing::new(Vec::with_capacity(fields.len()));
    for (column, bytes) in fields.iter_mut().enumerate() {
        match String::from_utf8(std::mem::take(bytes)) {
            Ok(text) => cells.push(text),
            Err(error) => {
                error.into_bytes().zeroize();
                return Err(format!(
                    "the value in column '{}' is not valid UTF-8; save the file as UTF-8 and import it again",
                    column_name(headers, column)
                ));
            }
        }
    }
    let mut row = Row::new(&mut cells, index, headers, mapping, line);
    let fields = (format.layout().read)(&mut row)?;
    Ok(Some((fields, row.meta, row.notices)))
}

fn column_name(headers: &[String], column: usize) -> String {
    match headers.get(column) {
        Some(name) if !name.is_empty() => name.clone(),
        _ => format!("#{}", column + 1),
    }
}

fn fault_message(fault: RecordFault) -> &'static str {
    match fault {
        RecordFault::UnclosedQuote => "a quoted value is never closed (a \" is missing)",
        RecordFault::TextAfterClosingQuote => {
            "text follows a closing quote (a quote inside a value must be doubled)"
        }
    }
}

impl ImportPreview {
    fn skip(&mut self, line: u64, message: String) {
        self.skipped_rows += 1;
        self.note(line, message);
    }

    fn note(&mut self, line: u64, message: String) {
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(RowProblem { line, message });
        }
    }
}
