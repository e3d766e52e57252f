//! Source parsers: one streaming parser per input format, each an iterator of
//! `Result<Event, SourceError>` so one bad entry never ends the input.
//!
//! - [`msilog`]: Windows Installer logs (`msiexec /l*v`).
//! - [`burn`]: WiX Burn bundle logs.
//! - [`evtx`]: Windows event log files (`.evtx`).
//! - [`eventxml`]: event-log XML exports (`wevtutil qe /f:xml`, Event Viewer "Save as XML").
//! - [`procmon_csv`] and [`procmon_xml`]: Process Monitor exports, with what they share in
//!   [`procmon`] (columns, results, details, what to keep of a capture).

pub(crate) mod bounded;
pub mod burn;
pub mod eventxml;
pub mod evtx;
mod evtx_select;
mod file_offsets;
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
    /// Malformed XML in an event-log export; the damaged record is skipped.
    #[error(
        "XML error at line {line}, column {column} (byte {offset}): {message}; record skipped"
    )]
    Xml {
        /// 1-based line.
        line: u64,
        /// 1-based column (in bytes of the file).
        column: u64,
        /// Byte offset in the file.
        offset: u64,
        /// What the XML reader said.
        message: String,
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
    /// Malformed XML in a Process Monitor XML export (the reader knows the byte offset only).
    #[error("XML at byte {offset}: {message}")]
    XmlOffset {
        /// Byte offset in the input.
        offset: u64,
        /// What the XML reader said.
        message: String,
    },
    /// The EVTX file header is damaged; the chunks are read anyway.
    #[error("EVTX file header: {message}; chunks read anyway")]
    EvtxHeader {
        /// What is wrong.
        message: String,
    },
    /// A whole EVTX chunk could not be read; its records are skipped.
    #[error("EVTX chunk {chunk} at offset {offset:#x}: {message}; chunk skipped")]
    EvtxChunk {
        /// Chunk number in the file (0-based).
        chunk: u64,
        /// File offset of the chunk.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// One EVTX record could not be read; it is skipped.
    #[error("EVTX chunk {chunk}, record {}, at offset {offset:#x}: {message}; record skipped", record.map(|r| r.to_string()).unwrap_or_else(|| "?".to_string()))]
    EvtxRecord {
        /// Chunk number in the file (0-based).
        chunk: u64,
        /// Record id, when it could be read.
        record: Option<u64>,
        /// File offset of the record (or of the chunk, when the record's place is unknown).
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// The file ends inside a chunk: the complete records before the cut were read.
    #[error("EVTX file cut inside chunk {chunk} (offset {offset:#x}, {present} of 65536 bytes present): {recovered} complete records read, {lost} records after the cut lost")]
    EvtxTruncated {
        /// Chunk number in the file (0-based).
        chunk: u64,
        /// File offset of the chunk.
        offset: u64,
        /// Bytes of the chunk present in the file.
        present: u64,
        /// Complete records read from the cut chunk.
        recovered: u64,
        /// Records the chunk header announces that are missing.
        lost: u64,
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
