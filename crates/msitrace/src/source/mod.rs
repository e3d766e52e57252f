//! Source parsers: one streaming parser per input format, each an iterator of
//! `Result<Event, SourceError>` so one bad entry never ends the input.
//!
//! - [`msilog`]: Windows Installer logs (`msiexec /l*v`).
//! - [`burn`]: WiX Burn bundle logs.
//! - [`evtx`]: Windows event log files (`.evtx`).
//! - [`eventxml`]: event-log XML exports (`wevtutil qe /f:xml`, Event Viewer "Save as XML").
//! - [`eventtext`]: event-log records copied as text (Event Viewer, `wevtutil /f:text`,
//!   `Format-List`, saved lists), in any UI language.
//! - [`procmon`]: Process Monitor native captures ([`procmon::pml`]) and exports
//!   ([`procmon::csv`], [`procmon::xml`], rows copied as text: [`procmon::text`]) and what they share (columns, results, details, what to keep).

//! - [`toollog`]: the logs of the tools around the installer, read by one reader in many forms:
//!   [`cmtrace`] (ConfigMgr and Intune client logs), [`pkgmgr`] (package managers and deployment
//!   tools), [`setuplog`] (product setup logs); [`relay`] reads what their lines relay about the
//!   installer (exit statuses, the `msiexec` command and its log, relayed installer messages).
//! - [`textscan`]: any other text (a ticket, a post, notes), scanned for installer signals.

pub(crate) mod bounded;
pub mod burn;
pub mod cmtrace;
pub mod eventtext;
pub mod eventxml;
pub mod evtx;
mod evtx_select;
mod file_offsets;
mod format;
pub mod msilog;
pub mod pkgmgr;
pub mod procmon;
mod registry;
pub mod relay;
pub mod setuplog;
pub mod textscan;
pub mod toollog;

pub use crate::text::{sniff_encoding, TextEncoding};
pub use format::{Format, Sniff};
pub use registry::{source_for, SOURCES};

use crate::event::{Event, InputId};
use crate::locale_date::DateOrder;
pub use crate::position::Position;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// A reader of one input format, registered in [`SOURCES`]: how to recognise the format by
/// content, what its events feed, and how to open an input as a stream of events.
///
/// A new format is one module implementing this trait plus one line in the table.
pub trait Source: Sync {
    /// The format it reads.
    fn format(&self) -> Format;
    /// Which analysis step its events feed.
    fn feeds(&self) -> Feeds;
    /// How its times are written.
    fn time_basis(&self) -> TimeBasis;
    /// True for a binary format (no text encoding).
    fn is_binary(&self) -> bool {
        false
    }
    /// Whether the first bytes of an input are this format, and how sure that is.
    fn recognise(&self, sniff: &Sniff) -> Option<Recognised>;
    /// Open an input as a stream of events.
    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError>;
}

/// How sure a [`Source`] is that an input is its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recognised {
    /// Sure, from this line of the sample on (0 for a magic number or a header); the earliest
    /// sure line wins, ties go to the earlier source in the table.
    Sure {
        /// 0-based index among the sample's non-empty lines.
        line: usize,
    },
    /// The shape of the format's records (records copied as text), weaker than a header or an
    /// engine line: used when no source is sure; ties go to the earlier source in the table.
    Probable,
    /// Lines that look like the format without proving it; used when no source is sure or
    /// probable.
    Likely,
    /// Readable text of no particular form: used when no source is sure, probable or likely
    /// (the text scan, [`textscan`]).
    Text,
}

/// The analysis step a source's events feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feeds {
    /// Windows Installer sessions (MSI logs).
    Installer,
    /// WiX Burn bundle runs.
    Bundle,
    /// Event-log records (EVTX files and their renderings).
    EventLog,
    /// Process Monitor captures.
    Capture,
    /// Deployment runs of the tools around the installer (ConfigMgr, Intune, package managers,
    /// product setups).
    Deployment,
}

/// How an input writes its times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeBasis {
    /// UTC instants (event logs).
    Utc,
    /// The machine's local wall clock.
    Local,
}

/// Wraps an opened file, e.g. to count the bytes read for a progress bar.
pub type ReadThrough<'a> = dyn Fn(File) -> Box<dyn Read + Send> + Sync + 'a;

/// What opening an input needs: where it is, how it was detected, what to keep.
#[derive(Clone, Copy)]
pub struct Opening<'a> {
    /// The file.
    pub path: &'a Path,
    /// Its input id, carried by every event.
    pub input: InputId,
    /// Its text encoding (text formats).
    pub encoding: TextEncoding,
    /// What to turn into events.
    pub keep: KeepPolicy,
    /// Threads for the pieces of one input (0: one per core).
    pub threads: usize,
    /// Day/month order of numeric dates, when known.
    pub date_order: Option<DateOrder>,
    /// What the file is read through (progress counting), if anything.
    pub read_through: Option<&'a ReadThrough<'a>>,
}

impl<'a> Opening<'a> {
    /// Opening `path` as input `input` with everything else at its default: UTF-8, keep what
    /// matters, one thread per core, no known date order.
    pub fn new(path: &'a Path, input: InputId) -> Self {
        Opening {
            path,
            input,
            encoding: TextEncoding::Utf8,
            keep: KeepPolicy::OfInterest,
            threads: 0,
            date_order: None,
            read_through: None,
        }
    }

    /// The input's bytes, buffered, read through [`Opening::read_through`].
    pub fn reader(&self) -> Result<BufReader<Box<dyn Read + Send>>, SourceError> {
        let file = File::open(self.path).map_err(|source| SourceError::Read { line: 0, source })?;
        let inner: Box<dyn Read + Send> = match self.read_through {
            Some(wrap) => wrap(file),
            None => Box::new(file),
        };
        Ok(BufReader::with_capacity(1 << 16, inner))
    }
}

/// The events of one input, one at a time, with what the reading found besides them.
pub trait EventStream: Iterator<Item = Result<Event, SourceError>> + Send {
    /// What was read, beyond the events; call once the stream is exhausted.
    fn finish(self: Box<Self>) -> StreamSummary;
}

/// What reading one input found besides its events.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct StreamSummary {
    /// Lines read (text inputs).
    pub lines: u64,
    /// Entries read but not as written (cut lines, undecodable bytes, guessed dates).
    pub warnings: Vec<ParseWarning>,
    /// Record counts (event logs).
    pub records: Option<RecordCounts>,
    /// Rows counted by operation and result (captures).
    pub capture: Option<procmon::CaptureTally>,
    /// The form read, for the Inputs section (`Event Viewer text copy, German; 3 events`), when
    /// the format has several.
    pub form: Option<String>,
    /// Where reading was lenient (`timestamps scrubbed: order taken from the file`).
    pub notes: Vec<String>,
}

/// A warning about an entry that was read but not as written (cut, undecodable bytes, guessed date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseWarning {
    /// 1-based line number.
    pub line: u64,
    /// What happened.
    pub message: String,
}

/// Record counts of an event-log input (EVTX or XML export).
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct RecordCounts {
    /// Records read.
    pub read: u64,
    /// Records decoded into events (the providers that can explain an install, and records
    /// without a template).
    pub decoded: u64,
    /// Records read but not decoded, per provider (they cannot explain an install).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub counted: std::collections::BTreeMap<String, u64>,
    /// Records skipped: unreadable, or lost to a cut at the end of the file.
    pub skipped: u64,
}

/// What a reader turns into events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeepPolicy {
    /// Every record or row becomes an [`crate::event::Event`] (listings, tests, other tools).
    All,
    /// Only what can explain an installation becomes an event (event-log records of interest;
    /// failures, process lifecycle and retries of a capture); the rest is counted.
    #[default]
    OfInterest,
}

/// An error while reading one input, with the position where it happened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A format recognised, but without a reader in this version.
    #[error("{format} recognised, but not yet supported by this version of msitrace")]
    Unsupported {
        /// The format.
        format: Format,
    },
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
    /// A record of a text copy (Event Viewer text, Process Monitor rows) that cannot be read; it
    /// is skipped and the reading goes on.
    #[error("line {line}: {message}; record skipped")]
    TextRecord {
        /// 1-based line where the record starts.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A damaged part of a Process Monitor PML capture (header, table, offset or event), at a
    /// byte offset of the file.
    #[error("PML at byte {offset:#x}: {message}")]
    Pml {
        /// Byte offset in the file.
        offset: u64,
        /// What is wrong, and what was kept.
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
    /// Where in the input the error is, as precise as the reader knows it.
    pub fn position(&self) -> Position {
        match *self {
            SourceError::Unsupported { .. } => Position::default(),
            SourceError::Read { line, .. } | SourceError::TextRecord { line, .. } => {
                Position::line(line)
            }
            SourceError::Xml {
                line,
                column,
                offset,
                ..
            } => Position::line(line).with_column(column).with_offset(offset),
            SourceError::MissingColumns { .. } => Position::row(0).with_line(1),
            SourceError::Ragged { row, line, .. } | SourceError::CutRow { row, line } => {
                Position::row(row).with_line(line)
            }
            SourceError::BadField { row, .. } => Position::row(row),
            SourceError::XmlOffset { offset, .. } | SourceError::Pml { offset, .. } => {
                Position::offset(offset)
            }
            SourceError::EvtxHeader { .. } => Position::offset(0),
            SourceError::EvtxChunk { chunk, offset, .. }
            | SourceError::EvtxTruncated { chunk, offset, .. } => {
                Position::chunk(chunk).with_offset(offset)
            }
            SourceError::EvtxRecord {
                chunk,
                record,
                offset,
                ..
            } => Position::chunk(chunk)
                .with_record(record)
                .with_offset(offset),
        }
    }

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
