//! Windows Installer log parser (`msiexec /l*v` and non-verbose logs).
//!
//! Streaming: [`MsiLogParser`] reads one line at a time and yields one [`Event`] per logical entry.
//! [`MsiLogParser::next_entry`] lends each entry from a reused buffer instead, for callers that
//! keep few of them (the analysis builds owned events only for those); the kinds most lines have
//! (state, note and action-progress lines, see [`Deferred`]) are then only recognized, and built
//! when asked for. [`MsiLogParser::read_ahead`] decodes on a helper thread while entries are
//! parsed.
//! A line with a known shape starts an entry; any other line (custom-action output, stack traces,
//! the rest of a multi-line property value) is attached to the entry before it, so the raw text of
//! an entry can span several lines (see [`Event::raw_lines`]).
//!
//! # Grammar (one function per shape, tested below)
//!
//! | shape | example | kind |
//! |---|---|---|
//! | log boundary | `=== Verbose logging started: 7/7/2026  12:02:17  Build type: ... ===` | [`Kind::MsiLogBoundary`] |
//! | engine prefix | `MSI (s) (18:F4) [12:02:17:898]: <body>` (also `(18!F4)`, `(c)`, `(N)`, `(a)`) | process, time |
//! | action | `Action start 7:22:03: Name.` · `Action ended 12:02:18: Name. Return value 3.` · `Action 7:21:48: Name. Text` | [`Kind::MsiAction`] |
//! | custom action result | `CustomAction X returned actual error code 1603 ...` | [`Kind::CustomActionResult`] |
//! | message | `Error 1310. ...` · `Info 1603. ...` · `Warning 1946. ...` · `DEBUG: Error 2826: ...` · `Internal Error 2235. ...` | [`Kind::MsiMessage`] |
//! | note | `Note: 1: 2203 2: C:\x.ipi 3: -2147287038` | [`Kind::MsiMessage`] (level note) |
//! | property | `Property(S): Name = Value` · `PROPERTY CHANGE: Adding X property. Its value is 'V'.` | [`Kind::Property`] |
//! | state | `Feature: F; Installed: Absent; Request: Local; Action: Local` | [`Kind::InstallState`] |
//! | policy | `Machine policy value 'DisableMsi' is 0` | [`Kind::Policy`] |
//! | elevation | `Running product '{..}' with elevated privileges: Product is assigned.` | [`Kind::Elevation`] |
//! | engine return | `MainEngineThread is returning 1603` | [`Kind::EngineReturn`] |
//! | product notice | `Product: X -- Installation failed.` | [`Kind::ProductNotice`] |
//! | outcome | `Windows Installer installed the product. ... success or error status: 1603.` | [`Kind::MsiOutcome`] |
//!
//! A copy's decorations are removed before a line is read ([`undecorate`]: markdown quote
//! markers, indentation, an installer UI's message-type prefixes such as `Info: `), and an
//! engine prefix whose ids or time were scrubbed (`MSI (s)  Note: 1: 2203 …`) still reads; the
//! parser's [`MsiLogParser::notes`] say where the reading was lenient.
//!
//! Times: engine lines carry `[HH:MM:SS:mmm]`, action lines `H:MM:SS`; the date comes from the last
//! log boundary (in the machine's locale order, see [`crate::locale_date`]) and moves on at midnight.

mod dates;
mod entry;
mod excerpt;
mod grammar;
mod parser;
mod prefix;

pub use crate::locale_date::DateOrder;
pub use crate::source::ParseWarning;
pub use entry::{Deferred, Entry};
pub use excerpt::{undecorate, Decoration};
pub use grammar::{body_kind, parse_outcome};
pub use parser::MsiLogParser;
pub use prefix::{engine_prefix, is_engine_line, looks_like_msi_line, message_body, EnginePrefix};

use crate::source::{
    EventStream, Feeds, Opening, Recognised, Source, SourceError, StreamSummary, TimeBasis,
};
use crate::source::{Format, Sniff};
use crate::text::LineScreen;

/// Settings of the MSI log parser.
#[derive(Debug, Clone)]
pub struct MsiLogSettings {
    /// Order of day and month in header dates, when known from elsewhere; `None` decides per date
    /// (an unambiguous date decides itself; an ambiguous one is read month-first and reported).
    pub date_order: Option<DateOrder>,
    /// Longest line kept, in bytes of decoded text; longer lines are cut and reported.
    pub max_line: usize,
    /// Most continuation lines attached to one entry; beyond, a new text entry starts.
    pub max_entry_lines: usize,
    /// Words to look for in every line ([`Entry::may_match`] tells whether an entry holds one).
    pub screen: Option<LineScreen>,
}

impl Default for MsiLogSettings {
    fn default() -> Self {
        MsiLogSettings {
            date_order: None,
            max_line: crate::text::DEFAULT_MAX_LINE,
            max_entry_lines: 400,
            screen: None,
        }
    }
}

/// The Windows Installer log reader as registered in [`crate::source::SOURCES`].
pub struct MsiLogSource;

impl Source for MsiLogSource {
    fn format(&self) -> Format {
        Format::MsiLog
    }

    fn feeds(&self) -> Feeds {
        Feeds::Installer
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Local
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        // A copy's quote markers, indentation and UI message types are not the log's.
        let first = own(sniff.lines.first()?);
        if first.starts_with("=== Verbose logging started")
            || first.starts_with("=== Logging started")
        {
            return Some(Recognised::Sure { line: 0 });
        }
        if let Some(line) = sniff.lines.iter().position(|l| is_engine_line(own(l))) {
            return Some(Recognised::Sure { line });
        }
        sniff
            .lines
            .iter()
            .any(|l| looks_like_msi_line(own(l)))
            .then_some(Recognised::Likely)
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        let settings = MsiLogSettings {
            date_order: opening.date_order,
            ..Default::default()
        };
        Ok(Box::new(MsiLogParser::new(
            opening.reader()?,
            opening.encoding,
            opening.input,
            settings,
        )))
    }
}

/// A line without what a copy adds in front of it ([`undecorate`]).
fn own(line: &str) -> &str {
    &line[undecorate(line).len..]
}

impl<R: std::io::Read + Send> EventStream for MsiLogParser<R> {
    fn finish(self: Box<Self>) -> StreamSummary {
        StreamSummary {
            lines: self.lines_read(),
            warnings: self.warnings().to_vec(),
            form: self.form(),
            notes: self.notes(),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests;
