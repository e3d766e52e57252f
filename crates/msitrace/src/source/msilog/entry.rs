//! A logical entry of the log, lent from a reused buffer ([`Entry`]), and the shapes whose
//! kind is built only when asked ([`Deferred`]).

use super::grammar::*;
use crate::event::*;
use chrono::NaiveTime;

/// One logical entry of an MSI log: a line with a known shape and the unshaped lines after it,
/// lent by [`MsiLogParser::next_entry`].
///
/// The kinds most lines of a verbose log have ([`Deferred`]) are only recognized while parsing;
/// they are built when asked for ([`Entry::kind`], [`Entry::take_event`]), so a reader that
/// keeps few entries does not pay for the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What the entry's first line says; `Kind::Text` while `deferred` is set.
    pub(super) kind: Kind,
    /// A kind recognized and not built yet.
    pub(super) deferred: Option<Deferred>,
    /// Byte offset in the first line of the body the kind is built from.
    pub(super) body_at: usize,
    /// The process of an engine line.
    pub process: Option<ProcessRef>,
    /// The entry's time (the last time seen for lines without one).
    pub time: Stamp,
    /// 1-based number of the entry's first line.
    pub line: u64,
    /// Continuation lines attached after the first line.
    pub continuation_lines: usize,
    /// The text as read, lines joined with `\n`.
    pub raw: String,
    /// False when the parser has a screen ([`MsiLogSettings::screen`]) and none of the entry's
    /// lines holds one of its words; true otherwise.
    pub may_match: bool,
}

impl Entry {
    pub(super) fn empty() -> Self {
        Entry {
            kind: Kind::Text,
            deferred: None,
            body_at: 0,
            process: None,
            time: Stamp::none(),
            line: 0,
            continuation_lines: 0,
            raw: String::new(),
            may_match: true,
        }
    }

    /// The entry's kind, built now if its building was deferred.
    ///
    /// ```
    /// use msitrace::source::msilog::{Deferred, MsiLogParser};
    /// use msitrace::event::Kind;
    /// let log = "MSI (s) (18:F4) [12:02:17:898]: Note: 1: 2205 2:  3: Error \n";
    /// let mut parser = MsiLogParser::from_bytes(log.as_bytes());
    /// let entry = parser.next_entry().unwrap().unwrap();
    /// assert_eq!(entry.peek().unwrap_err(), Deferred::Note { code: 2205 });
    /// assert!(matches!(entry.kind(), Kind::MsiMessage(m) if m.args == ["", "Error"]));
    /// ```
    pub fn kind(&mut self) -> &Kind {
        if let Some(deferred) = self.deferred.take() {
            let first = self.first_line();
            // A property's value goes on over the continuation lines: read with them (a dumped
            // value), or with them added to the value the first line states (a change). The
            // other kinds are read from the first line.
            let (text, added) = match deferred {
                Deferred::Property => (self.raw.as_str(), ""),
                Deferred::PropertyChange => (first, &self.raw[first.len()..]),
                _ => (first, ""),
            };
            let body = text.get(self.body_at..).unwrap_or(text);
            // The body is the one the kind was recognized in, so it builds.
            let mut kind = deferred.build(body).unwrap_or(Kind::Text);
            if let Kind::Property { value, .. } = &mut kind {
                value.push_str(added);
            }
            self.kind = kind;
        }
        &self.kind
    }

    /// The name of a property line whose kind is deferred ([`Deferred::Property`],
    /// [`Deferred::PropertyChange`]), read without building the kind; `None` for other entries.
    ///
    /// ```
    /// use msitrace::source::msilog::MsiLogParser;
    /// let log = "MSI (s) (18:F4) [12:02:17:898]: Property(S): ProductName = Contoso Agent\n";
    /// let mut parser = MsiLogParser::from_bytes(log.as_bytes());
    /// let entry = parser.next_entry().unwrap().unwrap();
    /// assert_eq!(entry.property_name(), Some("ProductName"));
    /// ```
    pub fn property_name(&self) -> Option<&str> {
        let first = self.first_line();
        let body = first.get(self.body_at..)?;
        match self.deferred? {
            Deferred::Property => property_parts(body).map(|(_, name, _)| name),
            Deferred::PropertyChange => property_change_parts(body).map(|(name, _)| name),
            _ => None,
        }
    }

    /// The entry's kind when built, or what it was recognized as when its building is deferred.
    pub fn peek(&self) -> Result<&Kind, Deferred> {
        match self.deferred {
            Some(deferred) => Err(deferred),
            None => Ok(&self.kind),
        }
    }

    /// The entry's own line, without continuations.
    pub fn first_line(&self) -> &str {
        if self.continuation_lines == 0 {
            // Most entries are one line: no search.
            return &self.raw;
        }
        match memchr::memchr(b'\n', self.raw.as_bytes()) {
            Some(at) => &self.raw[..at],
            None => &self.raw,
        }
    }

    /// Number of the entry's last line.
    pub fn last_line(&self) -> u64 {
        self.line + self.continuation_lines as u64
    }

    /// An owned event of this entry: its kind (built if deferred) and process are moved out,
    /// its text copied.
    pub fn take_event(&mut self, input: InputId) -> Event {
        self.kind();
        Event {
            time: self.time.clone(),
            input,
            at: Location::Line(self.line),
            process: self.process.take(),
            kind: std::mem::replace(&mut self.kind, Kind::Text),
            raw: Some(self.raw.clone()),
        }
    }

    /// Make the buffer an entry without a shape: text, no process, no time of its own.
    pub(super) fn set_text(&mut self) {
        self.kind = Kind::Text;
        self.deferred = None;
        self.process = None;
        self.body_at = 0;
    }

    /// Add an unshaped line (custom-action output, the rest of a multi-line value).
    pub(super) fn attach(&mut self, text: &str, may_match: bool) {
        self.raw.push('\n');
        self.raw.push_str(text);
        self.continuation_lines += 1;
        self.may_match |= may_match;
        if let Kind::Property { value, .. } = &mut self.kind {
            value.push('\n');
            value.push_str(text);
        }
    }
}

/// What one line says, when it has a known shape, kind built.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parsed {
    pub(crate) kind: Kind,
    pub(crate) process: Option<ProcessRef>,
    pub(crate) time: Option<NaiveTime>,
}

/// A line's shape, read without building its kind when that can wait ([`Deferred`]).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Scanned {
    pub(super) shape: Shape,
    pub(super) process: Option<ProcessRef>,
    pub(super) time: Option<NaiveTime>,
    /// Byte offset of the body the kind is built from.
    pub(super) body_at: usize,
}

/// A kind built, or one recognized whose building waits until it is asked for.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Shape {
    Built(Kind),
    Deferred(Deferred),
}

/// A kind recognized but not built yet: the shapes that make up much of a verbose log and whose
/// fields few readers need (see [`Entry::peek`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deferred {
    /// A `Feature:` or `Component:` state line ([`Kind::InstallState`]).
    InstallState,
    /// A `Note: 1: N ...` line ([`Kind::MsiMessage`] at [`MessageLevel::Note`]), with its number.
    Note {
        /// The message number (field 1).
        code: u32,
    },
    /// An `Action H:MM:SS: Name. Text` progress line ([`Kind::MsiAction`]).
    ActionProgress,
    /// A `Property(S): Name = Value` line ([`Kind::Property`]; its value takes in the entry's
    /// continuation lines); [`Entry::property_name`] reads its name.
    Property,
    /// A `PROPERTY CHANGE: Adding X property. Its value is 'V'.` line ([`Kind::Property`], the
    /// entry's continuation lines added to the value); [`Entry::property_name`] reads its name.
    PropertyChange,
}

impl Deferred {
    /// Build the kind from the body it was recognized in (`None` cannot happen for that body).
    pub(super) fn build(self, body: &str) -> Option<Kind> {
        match self {
            Deferred::InstallState => parse_state(body),
            Deferred::Note { .. } => parse_note(body),
            Deferred::ActionProgress => parse_action(body).map(|(kind, _)| kind),
            Deferred::Property => parse_property(body),
            Deferred::PropertyChange => parse_property_change(body),
        }
    }
}
