//! A strict RFC 4180 record reader that knows line numbers and never panics.
//!
//! We read records ourselves instead of with the `csv` crate because hostile files need
//! answers that crate does not give: an unclosed quote at the end of a file (which `csv`
//! silently turns into one huge field that swallows every following row), the physical line
//! where each record starts, a cap on each field so a 10 MB value never gets copied around,
//! and re-synchronisation on the next line after a broken record.
//!
//! The input streams through a window: a record is parsed from the bytes read so far, and when
//! the parse reaches the end of the window before the end of the input, the window grows and
//! the record is parsed again. So a file of any size is read in bounded memory, and a record
//! means exactly what it would mean if the whole file were in memory.
//!
//! Fields stay bytes here; UTF-8 is checked per row by the caller so one bad row is reported
//! with its line and the rest of the file still imports.

use std::io::{self, Read};
use zeroize::Zeroizing;

/// Bytes read from the input at a time.
const CHUNK_BYTES: usize = 1024 * 1024;
/// Longest record looked at: a quote not closed within this many bytes is reported as
/// unclosed (64 MiB was the largest file read before files were streamed, so every file read
/// then reads the same now).
const MAX_RECORD_BYTES: usize = 64 * 1024 * 1024;

/// One record, with the physical line (1-based) on which it starts.
pub(crate) struct RawRecord {
    pub line: u64,
    pub fields: Zeroizing<Vec<Vec<u8>>>,
    /// Index of the first field that was longer than the cap (its content was not kept).
    pub oversized_field: Option<usize>,
}

/// Why a record could not be read. The reader continues on the next physical line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordFault {
    UnclosedQuote,
    TextAfterClosingQuote,
}

pub(crate) enum RecordItem {
    Record(RawRecord),
    Broken { line: u64, fault: RecordFault },
}

pub(crate) struct RecordReader<R> {
    source: R,
    /// Bytes read and not yet consumed start at `pos`; values in clear, so wiped on drop.
    input: Zeroizing<Vec<u8>>,
    pos: usize,
    /// Bytes consumed before the start of `input`.
    consumed_before: u64,
    at_end: bool,
    line: u64,
    delimiter: u8,
    field_cap: usize,
    /// Bytes asked of the source at a time.
    chunk: usize,
}

impl<R: Read> RecordReader<R> {
    pub fn new(source: R, delimiter: u8, field_cap: usize) -> Self {
        Self {
            source,
            input: Zeroizing::new(Vec::new()),
            pos: 0,
            consumed_before: 0,
            at_end: false,
            line: 1,
            delimiter,
            field_cap,
            chunk: CHUNK_BYTES,
        }
    }

    /// Reads `chunk` bytes at a time: a short text (a cell holding a list) then costs no
    /// 1 MiB window.
    pub fn with_chunk(mut self, chunk: usize) -> Self {
        self.chunk = chunk.max(1);
        self
    }

    pub fn set_delimiter(&mut self, delimiter: u8) {
        self.delimiter = delimiter;
    }

    /// Bytes of the input consumed so far.
    pub fn consumed(&self) -> u64 {
        self.consumed_before + self.pos as u64
    }

    pub fn source(&self) -> &R {
        &self.source
    }

    /// The first physical line (without its line break), read in full.
    pub fn first_line(&mut self) -> io::Result<&[u8]> {
        loop {
            let rest = self.input.get(self.pos..).unwrap_or_default();
            let end = rest.iter().position(|&b| b == b'\n' || b == b'\r');
            if end.is_some() || self.at_end || rest.len() >= MAX_RECORD_BYTES {
                let end = end.unwrap_or(rest.len());
                return Ok(self.input.get(self.pos..self.pos + end).unwrap_or_default());
            }
            self.read_more()?;
        }
    }

    /// Drops the consumed bytes and appends the next chunk of input.
    fn read_more(&mut self) -> io::Result<()> {
        if self.pos > 0 {
            self.input.drain(..self.pos);
            self.consumed_before += self.pos as u64;
            self.pos = 0;
        }
        let filled = self.input.len();
        self.input.resize(filled + self.chunk, 0);
        let read = loop {
            match self
                .source
                .read(self.input.get_mut(filled..).unwrap_or_default())
            {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let read = match read {
            Ok(read) => read,
            Err(error) => {
                self.input.truncate(filled);
                return Err(error);
            }
        };
        self.input.truncate(filled + read);
        if read == 0 {
            self.at_end = true;
        }
        Ok(())
    }

    /// Whether a parse that ended at `self.pos` may have been cut short by the window's end.
    fn needs_more_input(&self, fault: Option<RecordFault>) -> bool {
        let window = self.input.len();
        !self.at_end
            && window < MAX_RECORD_BYTES
            && (self.pos >= window || fault == Some(RecordFault::UnclosedQuote))
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// Consumes one line break (`\n`, `\r\n` or a lone `\r`) at the cursor, if any.
    fn take_line_break(&mut self) -> bool {
        match self.peek() {
            Some(b'\n') => {
                self.pos += 1;
                self.line += 1;
                true
            }
            Some(b'\r') => {
                self.pos += 1;
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
                self.line += 1;
                true
            }
            _ => false,
        }
    }

    /// Moves the cursor to the start of the physical line after `start`, where a broken
    /// record began, so the following rows are still read.
    fn resync_after(&mut self, start: usize, start_line: u64) -> io::Result<()> {
        self.pos = start;
        self.line = start_line;
        loop {
            let rest = self.input.get(self.pos..).unwrap_or_default();
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(offset) => {
                    self.pos += offset;
                    if offset + 1 == rest.len() && !self.at_end {
                        // A `\r` at the window's end may be half of a `\r\n`.
                        self.read_more()?;
                    }
                    self.take_line_break();
                    return Ok(());
                }
                None => {
                    self.pos = self.input.len();
                    if self.at_end {
                        return Ok(());
                    }
                    self.read_more()?;
                }
            }
        }
    }

    fn push_byte(field: &mut Vec<u8>, byte: u8, cap: usize, oversized: &mut bool) {
        if field.len() < cap {
            field.push(byte);
        } else {
            *oversized = true;
        }
    }

    /// Appends `bytes` up to the cap; marks the field oversized when something did not fit.
    fn push_slice(field: &mut Vec<u8>, bytes: &[u8], cap: usize, oversized: &mut bool) {
        let room = cap.saturating_sub(field.len());
        if bytes.len() > room {
            *oversized = true;
        }
        field.extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or_default());
    }

    /// Reads a quoted field; the cursor is just after the opening quote.
    fn read_quoted(
        &mut self,
        field: &mut Vec<u8>,
        oversized: &mut bool,
    ) -> Result<(), RecordFault> {
        loop {
            let rest = self.input.get(self.pos..).unwrap_or_default();
            let Some(quote_at) = rest.iter().position(|&b| b == b'"') else {
                return Err(RecordFault::UnclosedQuote);
            };
            let chunk = rest.get(..quote_at).unwrap_or_default();
            self.line += count_line_breaks(chunk);
            Self::push_slice(field, chunk, self.field_cap, oversized);
            self.pos += quote_at + 1;
            if self.peek() == Some(b'"') {
                Self::push_byte(field, b'"', self.field_cap, oversized);
                self.pos += 1;
                continue;
            }
            return match self.peek() {
                None | Some(b'\n') | Some(b'\r') => Ok(()),
                Some(b) if b == self.delimiter => Ok(()),
                Some(_) => Err(RecordFault::TextAfterClosingQuote),
            };
        }
    }

    /// Reads an unquoted field up to the next delimiter or line break. A quote inside
    /// an unquoted field is kept as a literal character, as hand-made files expect.
    fn read_unquoted(&mut self, field: &mut Vec<u8>, oversized: &mut bool) {
        let delimiter = self.delimiter;
        let rest = self.input.get(self.pos..).unwrap_or_default();
        let end = rest
            .iter()
            .position(|&b| b == delimiter || b == b'\n' || b == b'\r')
            .unwrap_or(rest.len());
        Self::push_slice(
            field,
            rest.get(..end).unwrap_or_default(),
            self.field_cap,
            oversized,
        );
        self.pos += end;
    }

    fn read_record(&mut self) -> Result<RawRecord, RecordFault> {
        let line = self.line;
        let mut fields = Zeroizing::new(Vec::new());
        let mut oversized_field = None;
        loop {
            let mut field = Vec::new();
            let mut oversized = false;
            if self.peek() == Some(b'"') {
                self.pos += 1;
                self.read_quoted(&mut field, &mut oversized)?;
            } else {
                self.read_unquoted(&mut field, &mut oversized);
            }
            if oversized && oversized_field.is_none() {
                oversized_field = Some(fields.len());
            }
            fields.push(field);
            match self.peek() {
                Some(b) if b == self.delimiter => self.pos += 1,
                _ => {
                    self.take_line_break();
                    return Ok(RawRecord {
                        line,
                        fields,
                        oversized_field,
                    });
                }
            }
        }
    }
}

impl<R: Read> Iterator for RecordReader<R> {
    type Item = io::Result<RecordItem>;

    fn next(&mut self) -> Option<io::Result<RecordItem>> {
        loop {
            let start = self.pos;
            let start_line = self.line;
            if self.pos >= self.input.len() {
                if self.at_end {
                    return None;
                }
                if let Err(error) = self.read_more() {
                    return Some(Err(error));
                }
                continue;
            }
            // Blank lines carry nothing and are skipped, as every exporter's reader does.
            if self.take_line_break() {
                if self.needs_more_input(None) {
                    // A `\r` at the window's end may be half of a `\r\n`.
                    self.pos = start;
                    self.line = start_line;
                    if let Err(error) = self.read_more() {
                        return Some(Err(error));
                    }
                }
                continue;
            }
            let item = match self.read_record() {
                Ok(record) => RecordItem::Record(record),
                Err(fault) => RecordItem::Broken {
                    line: start_line,
                    fault,
                },
            };
            let fault = match &item {
                RecordItem::Broken { fault, .. } => Some(*fault),
                RecordItem::Record(_) => None,
            };
            if self.needs_more_input(fault) {
                self.pos = start;
                self.line = start_line;
                if let Err(error) = self.read_more() {
                    return Some(Err(error));
                }
                continue;
            }
            if fault.is_some()
                && let Err(error) = self.resync_after(start, start_line)
            {
                return Some(Err(error));
            }
            return Some(Ok(item));
        }
    }
}

/// Counts line breaks the same way the reader does (`\r\n` is one).
fn count_line_breaks(bytes: &[u8]) -> u64 {
    let mut count = 0;
    let mut previous = 0u8;
    for &b in bytes {
        if (b == b'\n' && previous != b'\r') || b == b'\r' {
            count += 1;
        }
        previous = b;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record as `(line, fields)`, or a fault with its line.
    type Outcome = Result<(u64, Vec<String>), (u64, RecordFault)>;

    fn read_all(input: &str) -> Vec<Outcome> {
        summarise(RecordReader::new(input.as_bytes(), b',', 1024))
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_line_breaks() {
        let records = read_all("a,\"b,\"\"c\"\"\r\nd\",e\r\nx,y,z");
        assert_eq!(
            records,
            vec![
                Ok((1, vec!["a".into(), "b,\"c\"\r\nd".into(), "e".into()])),
                Ok((3, vec!["x".into(), "y".into(), "z".into()])),
            ]
        );
    }

    #[test]
    fn unclosed_quote_is_reported_and_following_lines_still_read() {
        let records = read_all("h1,h2\n1,\"broken\n2,ok\n");
        assert_eq!(
            records,
            vec![
                Ok((1, vec!["h1".into(), "h2".into()])),
                Err((2, RecordFault::UnclosedQuote)),
                Ok((3, vec!["2".into(), "ok".into()])),
            ]
        );
    }

    #[test]
    fn text_after_closing_quote_is_a_fault() {
        let records = read_all("\"a\"b,c\nd,e");
        assert_eq!(
            records,
            vec![
                Err((1, RecordFault::TextAfterClosingQuote)),
                Ok((2, vec!["d".into(), "e".into()])),
            ]
        );
    }

    #[test]
    fn blank_lines_are_skipped_and_lone_cr_ends_a_line() {
        let records = read_all("a\n\n\rb\rc");
        assert_eq!(
            records,
            vec![
                Ok((1, vec!["a".into()])),
                Ok((4, vec!["b".into()])),
                Ok((5, vec!["c".into()])),
            ]
        );
    }

    #[test]
    fn oversized_field_is_cut_and_flagged() {
        let input = format!("a,{}\n", "x".repeat(5000));
        let mut reader = RecordReader::new(input.as_bytes(), b',', 1024);
        let Some(Ok(RecordItem::Record(record))) = reader.next() else {
            panic!("expected a record");
        };
        assert_eq!(record.oversized_field, Some(1));
        assert_eq!(record.fields[1].len(), 1024);
    }

    /// Gives its input one byte per read, so every record crosses window ends.
    struct ByteByByte<'a>(&'a [u8]);

    impl Read for ByteByByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&byte, rest)), Some(slot)) => {
                    *slot = byte;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn summarise<R: Read>(reader: RecordReader<R>) -> Vec<Outcome> {
        reader
            .map(|item| match item.unwrap() {
                RecordItem::Record(record) => Ok((
                    record.line,
                    record
                        .fields
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect(),
                )),
                RecordItem::Broken { line, fault } => Err((line, fault)),
            })
            .collect()
    }

    #[test]
    fn records_read_the_same_however_the_input_arrives() {
        for input in [
            "a,\"b,\"\"c\"\"\r\nd\",e\r\nx,y,z",
            "h1,h2\r\n1,\"broken\r\n2,ok\r\n",
            "\"a\"b,c\r\nd,e\r\n\r\n\rf\rg\r\n",
            "a,\"\"\"\"\r\n\"x\"\r",
        ] {
            let whole = summarise(RecordReader::new(input.as_bytes(), b',', 1024));
            let trickled = summarise(RecordReader::new(ByteByByte(input.as_bytes()), b',', 1024));
            assert_eq!(whole, trickled, "{input:?}");
        }
    }
}
