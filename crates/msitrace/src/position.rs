//! Where in an input something happened: the one position type of every reader error and every
//! warning an input's report keeps.
//!
//! ```
//! use msitrace::Position;
//! let p = Position::line(12).with_offset(480);
//! assert_eq!(p.to_string(), "line 12, byte 480");
//! assert_eq!(Position::default().to_string(), "start of input");
//! ```

use serde::Serialize;
use std::fmt;

/// A place in one input, as precise as its reader knows it: a text line, an event-log record in
/// a chunk, a capture row, a byte offset. Every part is optional; together they name one place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Position {
    /// 1-based line of a text input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column (bytes) on that line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// Event-log record id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// Data row of a capture (1-based; the header is row 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// EVTX chunk number (0-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunk: Option<u64>,
    /// Byte offset in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl Position {
    /// A line of a text input.
    pub fn line(line: u64) -> Position {
        Position {
            line: Some(line),
            ..Position::default()
        }
    }

    /// A data row of a capture.
    pub fn row(row: u64) -> Position {
        Position {
            row: Some(row),
            ..Position::default()
        }
    }

    /// A chunk of an event-log file.
    pub fn chunk(chunk: u64) -> Position {
        Position {
            chunk: Some(chunk),
            ..Position::default()
        }
    }

    /// A byte offset in the input.
    pub fn offset(offset: u64) -> Position {
        Position::default().with_offset(offset)
    }

    /// The same place with its line set.
    pub fn with_line(mut self, line: u64) -> Position {
        self.line = Some(line);
        self
    }

    /// The same place with its column set.
    pub fn with_column(mut self, column: u64) -> Position {
        self.column = Some(column);
        self
    }

    /// The same place with its record id set.
    pub fn with_record(mut self, record: Option<u64>) -> Position {
        self.record = record;
        self
    }

    /// The same place with its byte offset set.
    pub fn with_offset(mut self, offset: u64) -> Position {
        self.offset = Some(offset);
        self
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [
            self.row.map(|r| format!("row {r}")),
            self.chunk.map(|c| format!("chunk {c}")),
            self.record.map(|r| format!("record {r}")),
            self.line.map(|l| format!("line {l}")),
            self.column.map(|c| format!("column {c}")),
            self.offset.map(|o| format!("byte {o}")),
        ];
        let parts: Vec<String> = parts.into_iter().flatten().collect();
        if parts.is_empty() {
            f.write_str("start of input")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}
