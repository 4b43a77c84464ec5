//! A strict RFC 4180 record reader that knows line numbers and never panics.
//!
//! We read records ourselves instead of with the `csv` crate because hostile files need
//! answers that crate does not give: an unclosed quote at the end of a file (which `csv`
//! silently turns into one huge field that swallows every following row), the physical line
//! where each record starts, a cap on each field so a 10 MB value never gets copied around,
//! and re-synchronisation on the next line after a broken record.
//!
//! Fields stay bytes here; UTF-8 is checked per row by the caller so one bad row is reported
//! with its line and the rest of the file still imports.

use zeroize::Zeroizing;

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

pub(crate) struct RecordReader<'a> {
    input: &'a [u8],
    pos: usize,
    line: u64,
    delimiter: u8,
    field_cap: usize,
}

impl<'a> RecordReader<'a> {
    pub fn new(input: &'a [u8], delimiter: u8, field_cap: usize) -> Self {
        Self {
            input,
            pos: 0,
            line: 1,
            delimiter,
            field_cap,
        }
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
    fn resync_after(&mut self, start: usize, start_line: u64) {
        let rest = self.input.get(start..).unwrap_or_default();
        let next = rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .map(|offset| start + offset);
        self.line = start_line;
        match next {
            Some(offset) => {
                self.pos = offset;
                self.take_line_break();
            }
            None => self.pos = self.input.len(),
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

impl Iterator for RecordReader<'_> {
    type Item = RecordItem;

    fn next(&mut self) -> Option<RecordItem> {
        loop {
            if self.pos >= self.input.len() {
                return None;
            }
            // Blank lines carry nothing and are skipped, as every exporter's reader does.
            if self.take_line_break() {
                continue;
            }
            let start = self.pos;
            let start_line = self.line;
            return Some(match self.read_record() {
                Ok(record) => RecordItem::Record(record),
                Err(fault) => {
                    self.resync_after(start, start_line);
                    RecordItem::Broken {
                        line: start_line,
                        fault,
                    }
                }
            });
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
    type Read = Result<(u64, Vec<String>), (u64, RecordFault)>;

    fn read_all(input: &str) -> Vec<Read> {
        RecordReader::new(input.as_bytes(), b',', 1024)
            .map(|item| match item {
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
        let Some(RecordItem::Record(record)) = reader.next() else {
            panic!("expected a record");
        };
        assert_eq!(record.oversized_field, Some(1));
        assert_eq!(record.fields[1].len(), 1024);
    }
}
