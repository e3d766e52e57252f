//! Source parsers: one streaming parser per input format, each an iterator of
//! `Result<Event, SourceError>` so one bad entry never ends the input.
//!
//! - [`msilog`]: Windows Installer logs (`msiexec /l*v`).
//! - [`burn`]: WiX Burn bundle logs.
//! - [`procmon_csv`] and [`procmon_xml`]: Process Monitor exports, with what they share in
//!   [`procmon`] (columns, results, details, what to keep of a capture).

pub mod burn;
pub mod msilog;
pub mod procmon;
pub mod procmon_csv;
pub mod procmon_xml;

/// An error while reading one input, with the position where it happened.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The input could not be read any further.
    #[error("read failed at line {line}: {source}")]
    Read {
        /// Line being read when the error happened.
        line: u64,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A CSV header without the columns a Process Monitor export must have.
    #[error("header (row 0): not a Process Monitor CSV export: missing column(s) {}; found {found}", missing.join(", "))]
    MissingColumns {
        /// The required columns not found.
        missing: Vec<&'static str>,
        /// The header as read (cut).
        found: String,
    },
    /// A row with a different number of fields than the header (ragged or cut row).
    #[error("row {row} (line {line}): {found} field(s), the header has {expected}; row skipped")]
    Ragged {
        /// Data row number (1-based; the header is row 0).
        row: u64,
        /// Line where the row starts.
        line: u64,
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// The last row ends inside a quoted field: the file was cut.
    #[error("row {row} (line {line}): the file ends inside this row (cut export); row skipped")]
    CutRow {
        /// Data row number (1-based).
        row: u64,
        /// Line where the row starts.
        line: u64,
    },
    /// A field that cannot be read.
    #[error("row {row}, column {column:?}: {message}; row skipped")]
    BadField {
        /// Data row number (1-based).
        row: u64,
        /// Column name.
        column: &'static str,
        /// What was wrong.
        message: String,
    },
    /// Malformed XML in an XML export.
    #[error("XML at byte {offset}: {message}")]
    Xml {
        /// Byte offset in the input.
        offset: u64,
        /// What the XML reader said.
        message: String,
    },
}

impl SourceError {
    /// The same error with its row and line numbers moved on (chunks of a file read in parallel).
    pub fn shift_rows(self, offset: u64, lines: u64) -> SourceError {
        match self {
            SourceError::Ragged {
                row,
                line,
                expected,
                found,
            } => SourceError::Ragged {
                row: row + offset,
                line: line + lines,
                expected,
                found,
            },
            SourceError::CutRow { row, line } => SourceError::CutRow {
                row: row + offset,
                line: line + lines,
            },
            SourceError::BadField {
                row,
                column,
                message,
            } => SourceError::BadField {
                row: row + offset,
                column,
                message,
            },
            other => other,
        }
    }
}
