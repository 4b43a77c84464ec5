//! Reading a CSV into a preview of entries, with every unreadable row reported by line.

use super::formats::{self, CsvFormat};
use super::layout::{HeaderIndex, ImportedMeta, Row};
use super::mapping::ColumnMapping;
use super::records::{RawRecord, RecordFault, RecordItem, RecordReader};
use crate::entry::{EntryFields, SourceStamp};
use crate::interchange::progress::{Cancelled, Progress, ProgressStage, REPORT_EVERY};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Read;
use zeroize::{Zeroize, Zeroizing};

/// Largest UTF-16 file read: it is decoded in memory (UTF-8 files stream at any size).
pub const MAX_UTF16_FILE_BYTES: usize = 64 * 1024 * 1024;
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

/// What a whole file would import, read without keeping it: the count, the first entries for
/// a preview table, the problems, and a fingerprint that the import checks against the file
/// it reads again, so the vault writes exactly what the person saw.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvScan {
    pub format: CsvFormat,
    /// The column mapping used when `format` is [`CsvFormat::Generic`].
    pub mapping: Option<ColumnMapping>,
    pub headers: Vec<String>,
    /// Entries the file would add.
    pub entries: u64,
    /// The first entries (at most the sample size asked for), with their lines.
    pub sample: Vec<(EntryFields, ImportedMeta)>,
    pub problems: Vec<RowProblem>,
    pub skipped_rows: u64,
    /// SHA-256 of the file's bytes.
    pub fingerprint: [u8; 32],
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
    #[error(
        "the file is UTF-16 and larger than {limit} bytes; save it as UTF-8 and import it again"
    )]
    Utf16TooLarge { limit: usize },
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
    #[error("the file cannot be read: {reason}")]
    Read { reason: String },
}

impl From<std::io::Error> for ImportError {
    fn from(error: std::io::Error) -> Self {
        Self::Read {
            reason: error.to_string(),
        }
    }
}

/// How the columns of a file are understood.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnChoice {
    /// As this format, or as the format the header row shows when `None`; a header no known
    /// format matches is mapped by [`ColumnMapping::auto`].
    Format(Option<CsvFormat>),
    /// With the columns the user chose.
    Mapping(ColumnMapping),
}

/// Reads `bytes` as `format`, or as the format its header row shows when `None`; a header
/// no known format matches is mapped by [`ColumnMapping::auto`].
pub fn read_csv(bytes: &[u8], format: Option<CsvFormat>) -> Result<ImportPreview, ImportError> {
    CsvRows::open(bytes, ColumnChoice::Format(format))?.into_preview()
}

/// Reads `bytes` with the columns the user chose.
pub fn read_csv_with_mapping(
    bytes: &[u8],
    mapping: &ColumnMapping,
) -> Result<ImportPreview, ImportError> {
    CsvRows::open(bytes, ColumnChoice::Mapping(mapping.clone()))?.into_preview()
}

/// The header row alone, for a screen where the user maps columns.
pub fn read_csv_headers(bytes: &[u8]) -> Result<Vec<String>, ImportError> {
    let mut reader = open_records(bytes)?;
    read_header(&mut reader).map(|(headers, _)| headers)
}

/// The known format a header row belongs to, if any.
pub fn detect_format(headers: &[String]) -> Option<CsvFormat> {
    formats::detect(&HeaderIndex::new(headers))
}

/// Reads all of `input` (`total_bytes` long, for progress) without keeping its entries,
/// keeping the first `sample_size` of them for a preview.
pub fn scan_csv<R: Read>(
    input: R,
    choice: ColumnChoice,
    sample_size: usize,
    total_bytes: u64,
    progress: Progress<'_>,
) -> Result<CsvScan, ScanError> {
    let mut rows = CsvRows::open(input, choice)?;
    let mut scan = CsvScan {
        format: rows.format,
        mapping: rows.mapping.clone(),
        headers: rows.headers.clone(),
        entries: 0,
        sample: Vec::new(),
        problems: Vec::new(),
        skipped_rows: 0,
        fingerprint: [0; 32],
    };
    let mut problems = Problems::default();
    let mut next_report = 0;
    while let Some(row) = rows.next_row()? {
        match row {
            CsvRow::Entry {
                fields,
                meta,
                notices,
            } => {
                for notice in notices {
                    problems.note(meta.line, notice);
                }
                if scan.sample.len() < sample_size {
                    scan.sample.push((*fields, meta));
                }
                scan.entries += 1;
            }
            CsvRow::Skipped { line, message } => problems.skip(line, message),
        }
        let read = rows.bytes_read();
        if read >= next_report {
            progress.step(ProgressStage::Reading, read, total_bytes)?;
            next_report = read + REPORT_EVERY * 1024;
        }
    }
    progress.step(ProgressStage::Reading, total_bytes, total_bytes)?;
    scan.problems = problems.listed;
    scan.skipped_rows = problems.skipped_rows;
    scan.fingerprint = rows.fingerprint();
    Ok(scan)
}

/// Why reading a whole file stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
}

/// One row of a file: an entry, or the reason it was skipped.
pub(crate) enum CsvRow {
    Entry {
        /// Boxed: an entry is large beside a skipped row.
        fields: Box<EntryFields>,
        meta: ImportedMeta,
        /// Parts of the row that were left out, without values.
        notices: Vec<String>,
    },
    Skipped {
        line: u64,
        message: String,
    },
}

/// An opened file: header read, format and columns settled; [`Self::next_row`] reads on.
pub(crate) struct CsvRows<R: Read> {
    reader: RecordReader<Source<R>>,
    format: CsvFormat,
    mapping: Option<ColumnMapping>,
    /// What rows are read with: the mapping, or an empty one a known format never looks at.
    row_mapping: ColumnMapping,
    headers: Vec<String>,
    index: HeaderIndex,
    rows: usize,
}

impl<R: Read> CsvRows<R> {
    pub fn open(input: R, choice: ColumnChoice) -> Result<Self, ImportError> {
        let mut reader = open_records(input)?;
        let (headers, index) = read_header(&mut reader)?;
        let (format, mapping) = match choice {
            ColumnChoice::Mapping(mapping) => {
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
                (CsvFormat::Generic, Some(mapping))
            }
            ColumnChoice::Format(format) => {
                let format =
                    format.unwrap_or_else(|| formats::detect(&index).unwrap_or(CsvFormat::Generic));
                (format, settle_columns(format, &headers, &index)?)
            }
        };
        Ok(Self {
            reader,
            format,
            row_mapping: mapping.clone().unwrap_or_default(),
            mapping,
            headers,
            index,
            rows: 0,
        })
    }

    /// Bytes of the file read so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.consumed()
    }

    /// SHA-256 of every byte read; the whole file's once the last row was read.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.reader.source().fingerprint()
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<CsvRow>, ImportError> {
        loop {
            let Some(item) = self.reader.next() else {
                return Ok(None);
            };
            self.rows += 1;
            if self.rows > MAX_ROWS {
                return Err(ImportError::TooManyRows { limit: MAX_ROWS });
            }
            let record = match item? {
                RecordItem::Broken { line, fault } => {
                    return Ok(Some(CsvRow::Skipped {
                        line,
                        message: format!("{}; row skipped", fault_message(fault)),
                    }));
                }
                RecordItem::Record(record) => record,
            };
            let line = record.line;
            match read_record(
                record,
                self.format,
                &self.row_mapping,
                &self.headers,
                &self.index,
            ) {
                Ok(None) => self.rows -= 1,
                Ok(Some((fields, meta, notices))) => {
                    return Ok(Some(CsvRow::Entry {
                        fields: Box::new(fields),
                        meta,
                        notices,
                    }));
                }
                Err(message) => {
                    return Ok(Some(CsvRow::Skipped {
                        line,
                        message: format!("{message}; row skipped"),
                    }));
                }
            }
        }
    }

    fn into_preview(mut self) -> Result<ImportPreview, ImportError> {
        let mut entries = Vec::new();
        let mut meta = Vec::new();
        let mut problems = Problems::default();
        while let Some(row) = self.next_row()? {
            match row {
                CsvRow::Entry {
                    fields,
                    meta: row_meta,
                    notices,
                } => {
                    for notice in notices {
                        problems.note(row_meta.line, notice);
                    }
                    entries.push(*fields);
                    meta.push(row_meta);
                }
                CsvRow::Skipped { line, message } => problems.skip(line, message),
            }
        }
        Ok(ImportPreview {
            format: self.format,
            mapping: self.mapping,
            headers: self.headers,
            entries,
            meta,
            problems: problems.listed,
            skipped_rows: problems.skipped_rows,
        })
    }
}

/// The auto-mapping of a generic file, or the check that a known format's columns are there.
fn settle_columns(
    format: CsvFormat,
    headers: &[String],
    index: &HeaderIndex,
) -> Result<Option<ColumnMapping>, ImportError> {
    match format {
        CsvFormat::Generic => {
            let mapping = ColumnMapping::auto(headers);
            if !mapping.is_usable() {
                return Err(ImportError::UnrecognisedHeader {
                    headers: headers.to_vec(),
                });
            }
            Ok(Some(mapping))
        }
        known => {
            let missing = index.missing(known.layout().required);
            if !missing.is_empty() {
                return Err(ImportError::MissingColumns {
                    format: known.display_name(),
                    missing,
                });
            }
            Ok(None)
        }
    }
}

/// Skipped rows and notes, listed up to [`MAX_LISTED_PROBLEMS`].
#[derive(Default)]
struct Problems {
    listed: Vec<RowProblem>,
    skipped_rows: u64,
}

impl Problems {
    fn skip(&mut self, line: u64, message: String) {
        self.skipped_rows += 1;
        self.note(line, message);
    }

    fn note(&mut self, line: u64, message: String) {
        if self.listed.len() < MAX_LISTED_PROBLEMS {
            self.listed.push(RowProblem { line, message });
        }
    }
}

/// Counts what passes through into a SHA-256.
struct Fingerprinting<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Fingerprinting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.hasher.update(buf.get(..read).unwrap_or_default());
        Ok(read)
    }
}

/// The bytes records are read from: the file itself after a UTF-8 byte order mark, or a
/// UTF-16 file decoded to UTF-8.
enum Source<R> {
    Utf8 {
        start: std::io::Cursor<Vec<u8>>,
        rest: Fingerprinting<R>,
    },
    Utf16 {
        decoded: std::io::Cursor<Zeroizing<Vec<u8>>>,
        fingerprint: [u8; 32],
    },
}

impl<R> Source<R> {
    fn fingerprint(&self) -> [u8; 32] {
        match self {
            Source::Utf8 { rest, .. } => rest.hasher.clone().finalize().into(),
            Source::Utf16 { fingerprint, .. } => *fingerprint,
        }
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Source::Utf8 { start, rest } => match start.read(buf)? {
                0 => rest.read(buf),
                read => Ok(read),
            },
            Source::Utf16 { decoded, .. } => decoded.read(buf),
        }
    }
}

/// Drops a UTF-8 byte order mark, decodes UTF-16 (as some Windows tools write), and opens a
/// reader with the delimiter of the first line.
fn open_records<R: Read>(input: R) -> Result<RecordReader<Source<R>>, ImportError> {
    let mut rest = Fingerprinting {
        inner: input,
        hasher: Sha256::new(),
    };
    let mut start = Vec::with_capacity(3);
    (&mut rest).take(3).read_to_end(&mut start)?;
    let source = match start.as_slice() {
        [0xEF, 0xBB, 0xBF] => Source::Utf8 {
            start: std::io::Cursor::new(Vec::new()),
            rest,
        },
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => {
            let unit: fn([u8; 2]) -> u16 = if start.first() == Some(&0xFF) {
                u16::from_le_bytes
            } else {
                u16::from_be_bytes
            };
            let mut body = Zeroizing::new(start.get(2..).unwrap_or_default().to_vec());
            let limit = MAX_UTF16_FILE_BYTES as u64;
            (&mut rest).take(limit).read_to_end(&mut body)?;
            if (&mut rest).take(1).read(&mut [0])? > 0 {
                return Err(ImportError::Utf16TooLarge {
                    limit: MAX_UTF16_FILE_BYTES,
                });
            }
            Source::Utf16 {
                decoded: std::io::Cursor::new(decode_utf16(&body, unit)?),
                fingerprint: rest.hasher.finalize().into(),
            }
        }
        _ => Source::Utf8 {
            start: std::io::Cursor::new(start),
            rest,
        },
    };
    let mut reader = RecordReader::new(source, b',', MAX_FIELD_BYTES);
    let delimiter = delimiter_of(reader.first_line()?);
    reader.set_delimiter(delimiter);
    Ok(reader)
}

fn decode_utf16(body: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Zeroizing<Vec<u8>>, ImportError> {
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
        .map(|text| Zeroizing::new(text.into_bytes()))
        .map_err(|_| ImportError::InvalidUtf16)
}

/// A comma unless the first line has none but has semicolons (spreadsheets in many locales)
/// or tabs.
fn delimiter_of(first_line: &[u8]) -> u8 {
    if first_line.contains(&b',') {
        b','
    } else if first_line.contains(&b';') {
        b';'
    } else if first_line.contains(&b'\t') {
        b'\t'
    } else {
        b','
    }
}

fn read_header<R: Read>(
    reader: &mut RecordReader<R>,
) -> Result<(Vec<String>, HeaderIndex), ImportError> {
    let record = match reader.next().transpose()? {
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
