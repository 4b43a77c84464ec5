//! CSV import and export in the formats other password managers read and write.
//!
//! Import returns an [`ImportPreview`] and writes nothing: the vault stores only what the user
//! accepts. Export writes values exactly as stored (a password `=1+2` stays `=1+2`) so the
//! file round-trips through every importer; [`CsvExportOptions::spreadsheet_safe`] trades that
//! for safety when a person opens the file in a spreadsheet.
//!
//! Each format is one file under `formats/` plus one line of its registry; see
//! [`CsvFormat`].

mod cells;
mod export;
mod formats;
mod import;
mod layout;
mod mapping;
mod records;

pub use export::{CsvExportOptions, CsvWriter, ExportError, write_csv};
pub use formats::{CsvFormat, CsvFormatInfo, UnknownFormat};
pub use import::{
    ColumnChoice, CsvScan, ImportError, ImportPreview, MAX_FIELD_BYTES, MAX_LISTED_PROBLEMS,
    MAX_ROWS, MAX_UTF16_FILE_BYTES, RowProblem, ScanError, detect_format, read_csv,
    read_csv_headers, read_csv_with_mapping, scan_csv,
};
pub(crate) use import::{CsvRow, CsvRows};
pub use layout::ImportedMeta;
pub use mapping::ColumnMapping;
