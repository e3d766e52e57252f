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
//! Times: engine lines carry `[HH:MM:SS:mmm]`, action lines `H:MM:SS`; the date comes from the last
//! log boundary (in the machine's locale order, see [`HeaderDate`]) and moves on at midnight.

use crate::event::*;
use crate::source::SourceError;
use crate::text::{LineReader, LineScreen, TextEncoding};
use chrono::{Duration, NaiveDate, NaiveTime};
use memchr::memmem::Finder;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::sync::LazyLock;

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

/// Order of day and month in a numeric date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    /// `M/D/YYYY` (en-US).
    MonthFirst,
    /// `D/M/YYYY` (most other locales).
    DayFirst,
}

impl std::fmt::Display for DateOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DateOrder::MonthFirst => "month/day/year",
            DateOrder::DayFirst => "day/month/year",
        })
    }
}

/// A date as written in a log header, before its locale order is known.
///
/// ```
/// use msitrace::source::msilog::{HeaderDate, DateOrder};
/// let d = HeaderDate::parse("31/10/2023").unwrap();
/// assert_eq!(d.implied_order(), Some(DateOrder::DayFirst));
/// let d = HeaderDate::parse("4/5/2022").unwrap();
/// assert!(d.is_ambiguous());
/// assert_eq!(d.resolve(DateOrder::DayFirst).unwrap().to_string(), "2022-05-04");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderDate {
    first: u32,
    second: u32,
    year: i32,
    year_first: bool,
}

impl HeaderDate {
    /// Parse `M/D/YYYY`, `D/M/YYYY`, `D.M.YYYY`, `D-M-YYYY`, `YYYY-MM-DD` (unpadded allowed).
    pub fn parse(text: &str) -> Option<HeaderDate> {
        let parts: Vec<&str> = text
            .trim()
            .split(['/', '.', '-'])
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() != 3 || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let n = |s: &str| s.parse::<u32>().ok();
        let (a, b, c) = (n(parts[0])?, n(parts[1])?, n(parts[2])?);
        if parts[0].len() == 4 {
            return Some(HeaderDate {
                first: b,
                second: c,
                year: a as i32,
                year_first: true,
            });
        }
        let year = if parts[2].len() <= 2 { 2000 + c } else { c } as i32;
        Some(HeaderDate {
            first: a,
            second: b,
            year,
            year_first: false,
        })
    }

    /// The order this date proves by itself (a day above 12, year first, or day equal to month).
    pub fn implied_order(&self) -> Option<DateOrder> {
        if self.year_first || self.first == self.second {
            return Some(DateOrder::MonthFirst);
        }
        match (self.first > 12, self.second > 12) {
            (true, false) => Some(DateOrder::DayFirst),
            (false, true) => Some(DateOrder::MonthFirst),
            _ => None,
        }
    }

    /// True when both readings are valid and differ.
    pub fn is_ambiguous(&self) -> bool {
        self.implied_order().is_none()
    }

    /// The calendar date under an order (year-first dates ignore it).
    pub fn resolve(&self, order: DateOrder) -> Option<NaiveDate> {
        let (m, d) = match (self.year_first, order) {
            (true, _) | (false, DateOrder::MonthFirst) => (self.first, self.second),
            (false, DateOrder::DayFirst) => (self.second, self.first),
        };
        NaiveDate::from_ymd_opt(self.year, m, d)
    }

    /// Both readings, for reporting an ambiguity.
    pub fn readings(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        (
            self.resolve(DateOrder::MonthFirst),
            self.resolve(DateOrder::DayFirst),
        )
    }
}

/// A warning about an entry that was read but not as written (cut, undecodable bytes, guessed date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseWarning {
    /// 1-based line number.
    pub line: u64,
    /// What happened.
    pub message: String,
}

/// Streaming parser of one MSI log; an iterator of events.
///
/// Each logical entry is read once into a reused buffer. [`MsiLogParser::next_entry`] lends it,
/// so a caller that keeps few entries (the analysis) builds owned events only for those; the
/// [`Iterator`] turns every entry into an owned [`Event`].
///
/// ```
/// use msitrace::source::msilog::MsiLogParser;
/// use msitrace::event::{Kind, ActionPhase};
/// let log = "=== Verbose logging started: 7/7/2026  12:02:17  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n\
///            Action ended 12:02:18: InstallFinalize. Return value 3.\r\n";
/// let events: Vec<_> = MsiLogParser::from_text(log.as_bytes()).collect::<Result<_, _>>().unwrap();
/// assert!(matches!(&events[1].kind,
///     Kind::MsiAction { name, phase: ActionPhase::End { return_value: 3 } } if name == "InstallFinalize"));
/// assert_eq!(events[1].at, msitrace::event::Location::Line(2));
/// ```
pub struct MsiLogParser<R> {
    lines: LineReader<R>,
    input: InputId,
    settings: MsiLogSettings,
    /// Two entry buffers: the one being gathered and the one lent out last.
    slots: [Entry; 2],
    /// Index of the slot being gathered, when an entry is pending.
    gathering: Option<usize>,
    clock: SessionClock,
    warnings: Vec<ParseWarning>,
    failed: bool,
    /// Defer building the kinds that can wait ([`Deferred`]); off when every entry becomes an
    /// event anyway (the [`Iterator`]), as recognizing them first would be work done twice.
    defer: bool,
    last_process: LastProcess,
}

/// One logical entry of an MSI log: a line with a known shape and the unshaped lines after it,
/// lent by [`MsiLogParser::next_entry`].
///
/// The kinds most lines of a verbose log have ([`Deferred`]) are only recognized while parsing;
/// they are built when asked for ([`Entry::kind`], [`Entry::take_event`]), so a reader that
/// keeps few entries does not pay for the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What the entry's first line says; `Kind::Text` while `deferred` is set.
    kind: Kind,
    /// A kind recognized and not built yet.
    deferred: Option<Deferred>,
    /// Byte offset in the first line of the body the kind is built from.
    body_at: usize,
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
    fn empty() -> Self {
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
    /// let mut parser = MsiLogParser::from_text(log.as_bytes());
    /// let entry = parser.next_entry().unwrap().unwrap();
    /// assert_eq!(entry.peek().unwrap_err(), Deferred::Note { code: 2205 });
    /// assert!(matches!(entry.kind(), Kind::MsiMessage(m) if m.args == ["", "Error"]));
    /// ```
    pub fn kind(&mut self) -> &Kind {
        if let Some(deferred) = self.deferred.take() {
            let first = self.first_line();
            let body = first.get(self.body_at..).unwrap_or(first);
            // The body is the one the kind was recognized in, so it builds.
            self.kind = deferred.build(body).unwrap_or(Kind::Text);
        }
        &self.kind
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

    /// Add an unshaped line (custom-action output, the rest of a multi-line value).
    fn attach(&mut self, text: &str, may_match: bool) {
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

/// The date of the current logging session and the midnight rollovers seen since its header.
#[derive(Debug, Default)]
struct SessionClock {
    date: Option<NaiveDate>,
    last: Option<NaiveTime>,
}

impl SessionClock {
    /// The stamp of an entry: its own time, or for an entry without one (`Error 1920.` lines,
    /// custom-action output) the time of the last entry that had one, which is when it was
    /// written to within the log's resolution.
    fn stamp(&mut self, time: Option<NaiveTime>) -> Stamp {
        let Some(time) = time else {
            return match self.last {
                Some(last) => Stamp::local(self.date, last),
                None => Stamp::none(),
            };
        };
        if let (Some(last), Some(date)) = (self.last, self.date) {
            // Times only go back by many hours when the clock passed midnight.
            if last > time && last.signed_duration_since(time) > Duration::hours(12) {
                self.date = date.succ_opt();
            }
        }
        self.last = Some(time);
        Stamp::local(self.date, time)
    }

    /// Start a new logging session at a `started` boundary; returns a warning when its date is
    /// unreadable or ambiguous.
    fn reset(
        &mut self,
        line: u64,
        b: &LogBoundary,
        time: Option<NaiveTime>,
        preferred: Option<DateOrder>,
    ) -> Option<ParseWarning> {
        if !b.started {
            return None;
        }
        *self = SessionClock::default();
        let Some(date) = HeaderDate::parse(&b.date_text) else {
            return Some(ParseWarning {
                line,
                message: format!(
                    "header date '{}' is not a date; times have no date",
                    b.date_text
                ),
            });
        };
        let mut warning = None;
        let order = match (date.implied_order(), preferred) {
            (Some(o), _) | (None, Some(o)) => o,
            (None, None) => {
                let (md, dm) = date.readings();
                let show = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
                warning = Some(ParseWarning {
                    line,
                    message: format!(
                        "header date '{}' is ambiguous ({} or {}); read as month/day/year for lack of other evidence",
                        b.date_text,
                        show(md),
                        show(dm)
                    ),
                });
                DateOrder::MonthFirst
            }
        };
        self.date = date.resolve(order);
        self.last = time;
        warning
    }
}

impl<R: Read> MsiLogParser<R> {
    /// A parser over a byte source in a known encoding (see [`crate::text::sniff_encoding`]).
    pub fn new(
        source: R,
        encoding: TextEncoding,
        input: InputId,
        settings: MsiLogSettings,
    ) -> Self {
        let mut lines = LineReader::with_max_line(source, encoding, settings.max_line);
        if let Some(screen) = &settings.screen {
            lines = lines.with_screen(screen.clone());
        }
        MsiLogParser {
            lines,
            input,
            settings,
            slots: [Entry::empty(), Entry::empty()],
            gathering: None,
            clock: SessionClock::default(),
            warnings: Vec::new(),
            failed: false,
            defer: true,
            last_process: LastProcess::default(),
        }
    }

    /// Warnings gathered so far (cut lines, undecodable bytes, ambiguous dates).
    pub fn warnings(&self) -> &[ParseWarning] {
        &self.warnings
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> u64 {
        self.lines.line_number()
    }

    /// Bytes read so far from the source.
    pub fn bytes_read(&self) -> u64 {
        self.lines.bytes_read()
    }
}

impl<R: Read + Send + 'static> MsiLogParser<R> {
    /// Read and decode the log on a helper thread while entries are parsed (see
    /// [`LineReader::read_ahead`]). Call before the first entry is read.
    pub fn read_ahead(mut self) -> Self {
        self.lines = self.lines.read_ahead();
        self
    }
}

impl<'a> MsiLogParser<&'a [u8]> {
    /// A parser over in-memory bytes, encoding sniffed, input id 0, default settings.
    pub fn from_text(bytes: &'a [u8]) -> Self {
        let enc = crate::text::sniff_encoding(bytes);
        MsiLogParser::new(bytes, enc, 0, MsiLogSettings::default())
    }
}

impl<R: Read> MsiLogParser<R> {
    /// The next complete entry, lent until the next call; `None` at the end of the log. A read
    /// error ends the log and is returned once.
    ///
    /// ```
    /// use msitrace::source::msilog::MsiLogParser;
    /// let log = "MSI (s) (18:F4) [12:02:17:898]: CA output follows\nline two\nAction start 12:02:18: X.\n";
    /// let mut parser = MsiLogParser::from_text(log.as_bytes());
    /// let first = parser.next_entry().unwrap().unwrap();
    /// assert_eq!((first.line, first.continuation_lines), (1, 1));
    /// assert_eq!(first.raw, "MSI (s) (18:F4) [12:02:17:898]: CA output follows\nline two");
    /// assert_eq!(parser.next_entry().unwrap().unwrap().line, 3);
    /// assert!(parser.next_entry().is_none());
    /// ```
    pub fn next_entry(&mut self) -> Option<Result<&mut Entry, SourceError>> {
        if self.failed {
            return None;
        }
        loop {
            let line = match self.lines.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => {
                    let slot = self.gathering.take()?;
                    return Some(Ok(&mut self.slots[slot]));
                }
                Err(e) => {
                    self.failed = true;
                    let line = self.lines.line_number() + 1;
                    return Some(Err(SourceError::Read { line, source: e }));
                }
            };
            let line_no = line.number;
            let may_match = line.may_match;
            let text = line.text.strip_prefix('\u{feff}').unwrap_or(line.text);
            let problem = if line.truncated {
                Some(format!(
                    "line longer than {} bytes: cut, the rest of the line was skipped",
                    self.settings.max_line
                ))
            } else if (line.maybe_replaced && text.contains('\u{fffd}'))
                || (line.maybe_binary && has_binary_junk(text))
            {
                Some("undecodable or binary bytes in this line".to_string())
            } else {
                None
            };
            if let Some(message) = problem {
                if self.warnings.len() < MAX_WARNINGS {
                    self.warnings.push(ParseWarning {
                        line: line_no,
                        message,
                    });
                }
            }
            let scanned = match scan_line(text, self.defer, &mut self.last_process) {
                Some(scanned) => scanned,
                None => {
                    if let Some(entry) = self.gathering.map(|slot| &mut self.slots[slot]) {
                        if entry.continuation_lines < self.settings.max_entry_lines {
                            entry.attach(text, may_match);
                            continue;
                        }
                    }
                    Scanned {
                        shape: Shape::Built(Kind::Text),
                        process: None,
                        time: None,
                        body_at: 0,
                    }
                }
            };
            if let Shape::Built(Kind::MsiLogBoundary(b)) = &scanned.shape {
                if let Some(w) =
                    self.clock
                        .reset(line_no, b, scanned.time, self.settings.date_order)
                {
                    self.warnings.push(w);
                }
            }
            let slot = self.gathering.map_or(0, |s| 1 - s);
            let entry = &mut self.slots[slot];
            (entry.kind, entry.deferred) = match scanned.shape {
                Shape::Built(kind) => (kind, None),
                Shape::Deferred(deferred) => (Kind::Text, Some(deferred)),
            };
            entry.body_at = scanned.body_at;
            entry.process = scanned.process;
            entry.time = self.clock.stamp(scanned.time);
            entry.line = line_no;
            entry.continuation_lines = 0;
            entry.raw.clear();
            entry.raw.push_str(text);
            entry.may_match = may_match;
            if let Some(done) = self.gathering.replace(slot) {
                return Some(Ok(&mut self.slots[done]));
            }
        }
    }
}

impl<R: Read> Iterator for MsiLogParser<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.defer = false;
        let input = self.input;
        Some(self.next_entry()?.map(|entry| entry.take_event(input)))
    }
}

/// Most warnings kept per input (the rest are counted in the last one).
const MAX_WARNINGS: usize = 1000;

/// Three or more control characters (other than tab and CR) in one line: binary bytes, not text.
fn has_binary_junk(text: &str) -> bool {
    crate::text::control_bytes(text.as_bytes()) >= 3
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
struct Scanned {
    shape: Shape,
    process: Option<ProcessRef>,
    time: Option<NaiveTime>,
    /// Byte offset of the body the kind is built from.
    body_at: usize,
}

/// A kind built, or one recognized whose building waits until it is asked for.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
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
}

impl Deferred {
    /// Build the kind from the body it was recognized in (`None` cannot happen for that body).
    fn build(self, body: &str) -> Option<Kind> {
        match self {
            Deferred::InstallState => parse_state(body),
            Deferred::Note { .. } => parse_note(body),
            Deferred::ActionProgress => parse_action(body).map(|(kind, _)| kind),
        }
    }
}

/// The engine prefix of a line: `MSI (s) (18:F4) [12:02:17:898]: `.
#[derive(Debug, Clone, PartialEq)]
pub struct EnginePrefix {
    /// Role letter: `c`, `s`, `N`, `a`.
    pub side: char,
    /// PID low bits, as read in hex.
    pub pid: u32,
    /// TID low bits, as read in hex.
    pub tid: u32,
    /// Time of day, if present.
    pub time: Option<NaiveTime>,
    /// Byte offset of the body after `]: `.
    pub body_at: usize,
}

/// Parse the engine prefix of a line, if it has one.
///
/// ```
/// use msitrace::source::msilog::engine_prefix;
/// let p = engine_prefix("MSI (s) (18!F4) [12:02:17:898]: Note: 1: 2203").unwrap();
/// assert_eq!((p.side, p.pid, p.tid), ('s', 0x18, 0xF4));
/// assert_eq!(&"MSI (s) (18!F4) [12:02:17:898]: Note: 1: 2203"[p.body_at..], "Note: 1: 2203");
/// ```
pub fn engine_prefix(line: &str) -> Option<EnginePrefix> {
    let (process, after) = engine_process(line.as_bytes())?;
    engine_time(line, process, after)
}

/// The process part of an engine prefix: `MSI (s) (18:F4)`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct EngineProcess {
    side: char,
    pid: u32,
    tid: u32,
}

/// Read the process part of an engine prefix; also the index after its `)`.
fn engine_process(b: &[u8]) -> Option<(EngineProcess, usize)> {
    if b.len() < 12 || &b[..5] != b"MSI (" || b[6] != b')' {
        return None;
    }
    let side = b[5] as char;
    let i = skip_spaces(b, 7);
    if b.get(i) != Some(&b'(') {
        return None;
    }
    let (pid, after) = hex_number(b, i + 1)?;
    if !matches!(b.get(after), Some(b':') | Some(b'!')) {
        return None;
    }
    let (tid, after) = hex_number(b, after + 1)?;
    if b.get(after) != Some(&b')') {
        return None;
    }
    Some((EngineProcess { side, pid, tid }, after + 1))
}

/// Read the rest of an engine prefix from `from` (after the process part): ` [time]: `.
fn engine_time(line: &str, process: EngineProcess, from: usize) -> Option<EnginePrefix> {
    let b = line.as_bytes();
    let mut i = skip_spaces(b, from);
    let mut time = None;
    if b.get(i) == Some(&b'[') {
        // Nearly always `[HH:MM:SS:mmm]`: the bracket is looked at where it should be first.
        let close = match b.get(i + 1..i + 14) {
            Some(clock) if clock[12] == b']' && !clock[..12].contains(&b']') => i + 13,
            _ => i + memchr::memchr(b']', &b[i..])?,
        };
        time = parse_clock(&line[i + 1..close]);
        i = close + 1;
    }
    if b.get(i) == Some(&b':') {
        i += 1;
    }
    Some(EnginePrefix {
        side: process.side,
        pid: process.pid,
        tid: process.tid,
        time,
        body_at: skip_spaces(b, i),
    })
}

/// The process part of the last engine prefix read, as written: most lines repeat it, and a
/// line starting with the same bytes has the same process, so only its time is left to read.
#[derive(Debug, Default)]
struct LastProcess {
    head: String,
    process: Option<EngineProcess>,
}

impl LastProcess {
    /// [`engine_prefix`] of `line`, reading its process part only when it differs.
    fn engine_prefix(&mut self, line: &str) -> Option<EnginePrefix> {
        if let Some(process) = self.process {
            if line.starts_with(self.head.as_str()) {
                return engine_time(line, process, self.head.len());
            }
        }
        let (process, after) = engine_process(line.as_bytes())?;
        self.head.clear();
        self.head.push_str(&line[..after]);
        self.process = Some(process);
        engine_time(line, process, after)
    }
}

/// The index of the first byte at or after `i` that is not a space.
fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// A hexadecimal number of 1 to 8 digits starting at `i`, and the index after it.
fn hex_number(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let digits = b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_hexdigit())
        .count();
    if digits == 0 || digits > 8 {
        return None;
    }
    let value = b[i..i + digits].iter().fold(0u32, |n, &c| {
        let digit = match c {
            b'0'..=b'9' => c - b'0',
            _ => (c | 0x20) - b'a' + 10,
        };
        n << 4 | u32::from(digit)
    });
    Some((value, i + digits))
}

/// True when the line starts with an engine prefix (used by detection).
pub fn is_engine_line(line: &str) -> bool {
    engine_prefix(line).is_some()
}

/// True when an unprefixed line has a shape only MSI logs have (used by detection of fragments).
pub fn looks_like_msi_line(line: &str) -> bool {
    matches!(
        parse_body(line).map(|(k, _)| k),
        Some(
            Kind::MsiAction { .. }
                | Kind::CustomActionResult { .. }
                | Kind::MsiMessage(_)
                | Kind::Property { .. }
                | Kind::EngineReturn { .. }
                | Kind::MsiOutcome(_)
        )
    )
}

/// The text after the engine prefix, or the whole line.
pub fn message_body(line: &str) -> &str {
    match engine_prefix(line) {
        Some(p) => &line[p.body_at..],
        None => line,
    }
}

/// The kind of an installer line body read outside an MSI log (a tool relaying the installer's
/// words: `MSI: Error 1920. ...`); `None` when the text has no installer shape.
pub fn body_kind(body: &str) -> Option<Kind> {
    parse_body(body).map(|(kind, _)| kind)
}

/// Parse `HH:MM:SS:mmm`, `H:MM:SS`, `HH:MM:SS.mmm` (a hand-written scanner: this runs on every
/// engine line).
fn parse_clock(text: &str) -> Option<NaiveTime> {
    if let Some(t) = engine_clock(text.as_bytes()) {
        return Some(t);
    }
    // Times are digits at both ends, which trimming leaves as they are.
    let digit_ends = |b: &[u8]| {
        b.first().is_some_and(u8::is_ascii_digit) && b.last().is_some_and(u8::is_ascii_digit)
    };
    let b = if digit_ends(text.as_bytes()) {
        text.as_bytes()
    } else {
        text.trim().as_bytes()
    };
    let mut nums = [0u32; 4];
    let mut count = 0;
    let mut digits = 0;
    for &c in b {
        match c {
            b'0'..=b'9' if digits < 3 => {
                nums[count] = nums[count] * 10 + u32::from(c - b'0');
                digits += 1;
            }
            b':' | b'.' if digits > 0 && count < 3 => {
                count += 1;
                digits = 0;
            }
            _ => return None,
        }
    }
    if digits == 0 || count < 2 {
        return None;
    }
    let milli = if count == 3 { nums[3] } else { 0 };
    NaiveTime::from_hms_milli_opt(nums[0], nums[1], nums[2], milli)
}

/// The engine lines' own `HH:MM:SS:mmm`, read digit by digit (most lines have it).
fn engine_clock(b: &[u8]) -> Option<NaiveTime> {
    let &[h1, h2, b':', m1, m2, b':', s1, s2, b':', f1, f2, f3] = b else {
        return None;
    };
    let digits = [h1, h2, m1, m2, s1, s2, f1, f2, f3];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |hi: u8, lo: u8| u32::from(hi - b'0') * 10 + u32::from(lo - b'0');
    let milli = n(f1, f2) * 10 + u32::from(f3 - b'0');
    NaiveTime::from_hms_milli_opt(n(h1, h2), n(m1, m2), n(s1, s2), milli)
}

/// Classify one line and build its kind. `None`: no known shape (a continuation line).
#[cfg(test)]
pub(crate) fn parse_line(line: &str) -> Option<Parsed> {
    let scanned = scan_line(line, true, &mut LastProcess::default())?;
    let kind = match scanned.shape {
        Shape::Built(kind) => kind,
        Shape::Deferred(d) => d.build(&line[scanned.body_at..])?,
    };
    Some(Parsed {
        kind,
        process: scanned.process,
        time: scanned.time,
    })
}

/// Classify one line, deferring the kinds that can wait when `defer` is set (`last`: the process
/// part of the engine prefix read before). `None`: no known shape.
fn scan_line(line: &str, defer: bool, last: &mut LastProcess) -> Option<Scanned> {
    if let Some(p) = last.engine_prefix(line) {
        let body = &line[p.body_at..];
        let (shape, time) = match scan_body(body, defer) {
            Some((shape, t)) => (shape, p.time.or(t)),
            None => (Shape::Built(Kind::Text), p.time),
        };
        let role = match p.side {
            'c' | 'C' => Some(ProcessRole::InstallerClient),
            's' | 'S' => Some(ProcessRole::InstallerServer),
            'N' | 'n' => Some(ProcessRole::NestedInstall),
            'a' | 'A' => Some(ProcessRole::CustomActionServer),
            _ => None,
        };
        return Some(Scanned {
            shape,
            process: Some(ProcessRef {
                pid: p.pid,
                tid: Some(p.tid),
                image: None,
                partial: true,
                role,
            }),
            time,
            body_at: p.body_at,
        });
    }
    if let Some((shape, time)) = scan_body(line, defer) {
        return Some(Scanned {
            shape,
            process: None,
            time,
            body_at: 0,
        });
    }
    // Wrapped logs (e.g. `MSI(INFO): 'Action ended ...`) still carry action lines.
    static ACTION: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("Action "));
    let at = ACTION.find(line.as_bytes()).filter(|&at| at > 0)?;
    match scan_body(&line[at..], defer)? {
        (
            shape @ (Shape::Built(Kind::MsiAction { .. })
            | Shape::Deferred(Deferred::ActionProgress)),
            time,
        ) => Some(Scanned {
            shape,
            process: None,
            time,
            body_at: at,
        }),
        _ => None,
    }
}

/// Classify the body of a line, deferring the kinds that can wait when `defer` is set.
fn scan_body(body: &str, defer: bool) -> Option<(Shape, Option<NaiveTime>)> {
    if !defer {
        return parse_body(body).map(|(kind, time)| (Shape::Built(kind), time));
    }
    let deferred = |d| Some((Shape::Deferred(d), None));
    match *body.as_bytes().first()? {
        b'F' | b'C' if state_parts(body).is_some() => deferred(Deferred::InstallState),
        b'N' => deferred(Deferred::Note {
            code: note_code(body)?,
        }),
        b'A' => {
            let (parts, time) = action_parts(body)?;
            let shape = match parts.phase {
                ActionWord::Progress => Shape::Deferred(Deferred::ActionProgress),
                _ => Shape::Built(action_kind(parts)?),
            };
            Some((shape, time))
        }
        _ => parse_body(body).map(|(kind, time)| (Shape::Built(kind), time)),
    }
}

/// Classify the body of a line (after any engine prefix).
fn parse_body(body: &str) -> Option<(Kind, Option<NaiveTime>)> {
    let first = *body.as_bytes().first()?;
    let none = |k| Some((k, None));
    match first {
        b'=' => parse_boundary(body),
        b'A' => parse_action(body),
        b'C' => {
            if let Some(k) = parse_custom_action_result(body) {
                return none(k);
            }
            parse_state(body).and_then(none)
        }
        b'F' => parse_state(body).and_then(none),
        b'E' | b'I' | b'D' => parse_message(body).and_then(none),
        b'W' => parse_outcome(body)
            .map(Kind::MsiOutcome)
            .or_else(|| parse_message(body))
            .and_then(none),
        b'N' => parse_note(body).and_then(none),
        b'P' => parse_property(body)
            .or_else(|| parse_property_change(body))
            .or_else(|| parse_product_notice(body))
            .and_then(none),
        b'M' => parse_engine_return(body)
            .or_else(|| parse_policy(body))
            .and_then(none),
        b'U' => parse_policy(body).and_then(none),
        b'R' => parse_elevation(body).and_then(none),
        b'T' => parse_unexpected_error(body).and_then(none),
        _ => None,
    }
}

fn parse_boundary(body: &str) -> Option<(Kind, Option<NaiveTime>)> {
    let rest = body.strip_prefix("=== ")?;
    let (verbose, rest) = match rest.strip_prefix("Verbose logging ") {
        Some(r) => (true, r),
        None => (false, rest.strip_prefix("Logging ")?),
    };
    let (started, rest) = if let Some(r) = rest.strip_prefix("started:") {
        (true, r)
    } else {
        (false, rest.strip_prefix("stopped:")?)
    };
    let rest = rest.trim_end().trim_end_matches('=').trim();
    let mut tokens = rest.split_whitespace();
    let date_text = tokens.next().unwrap_or("").to_string();
    let time = tokens.next().and_then(parse_clock);
    let field = |key: &str| {
        rest.find(key).map(|at| {
            let v = &rest[at + key.len()..];
            let end = v.find("  ").unwrap_or(v.len());
            v[..end].trim().to_string()
        })
    };
    Some((
        Kind::MsiLogBoundary(LogBoundary {
            started,
            verbose,
            date_text,
            build: field("Build type:"),
            calling_process: field("Calling process:"),
        }),
        time,
    ))
}

/// `Action start T: Name.` · `Action ended T: Name. Return value N.` · `Action T: Name. Text`.
fn parse_action(body: &str) -> Option<(Kind, Option<NaiveTime>)> {
    let (parts, time) = action_parts(body)?;
    Some((action_kind(parts)?, time))
}

/// The word after `Action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActionWord {
    Start,
    Ended,
    /// None: `Action 7:21:48: Name. Text`.
    Progress,
}

/// An action line read up to its text: which one it is and the text after its time.
#[derive(Debug, Clone, Copy)]
struct ActionParts<'a> {
    phase: ActionWord,
    after: &'a str,
}

/// Recognize an action line and read its time (see [`parse_action`]).
fn action_parts(body: &str) -> Option<(ActionParts<'_>, Option<NaiveTime>)> {
    let rest = body.strip_prefix("Action")?;
    let (phase, rest) = if let Some(r) = rest.strip_prefix(" start") {
        (ActionWord::Start, r)
    } else if let Some(r) = rest.strip_prefix(" ended") {
        (ActionWord::Ended, r)
    } else {
        (ActionWord::Progress, rest)
    };
    // Time token up to ": " (may be missing: `Action ended: X.`, or a placeholder: `Time`).
    let (time, after) = if let Some(r) = rest.strip_prefix(": ") {
        (None, r)
    } else {
        let r = rest.strip_prefix(' ')?;
        let colon = find_pair(r, b':', b' ')?;
        let token = &r[..colon];
        if token.contains(' ') {
            return None;
        }
        let time = parse_clock(token);
        if phase == ActionWord::Progress && time.is_none() {
            // `Action` followed by prose is not an action line.
            return None;
        }
        (time, &r[colon + 2..])
    };
    Some((ActionParts { phase, after }, time))
}

/// The kind of a recognized action line (`None`: an `ended` line without its return value).
fn action_kind(parts: ActionParts<'_>) -> Option<Kind> {
    let after = parts.after;
    let kind = match parts.phase {
        ActionWord::Ended => {
            static RETURN_VALUE: LazyLock<Finder<'static>> =
                LazyLock::new(|| Finder::new(". Return value "));
            let at = RETURN_VALUE.find(after.as_bytes())?;
            let name = after[..at].trim().to_string();
            Kind::MsiAction {
                name,
                phase: ActionPhase::End {
                    return_value: leading_number(&after[at + 15..])?,
                },
            }
        }
        ActionWord::Start => Kind::MsiAction {
            name: after.trim_end().trim_end_matches('.').trim().to_string(),
            phase: ActionPhase::Start,
        },
        ActionWord::Progress => {
            let (name, text) = match find_pair(after, b'.', b' ') {
                Some(at) => (&after[..at], after[at + 2..].trim()),
                None => (after.trim_end().trim_end_matches('.'), ""),
            };
            Kind::MsiAction {
                name: name.trim().to_string(),
                phase: ActionPhase::Progress {
                    text: text.to_string(),
                },
            }
        }
    };
    Some(kind)
}

/// Where the two bytes `first`, `second` first occur side by side in `text` (a two-byte search
/// cheaper than building a substring searcher per line).
fn find_pair(text: &str, first: u8, second: u8) -> Option<usize> {
    let b = text.as_bytes();
    memchr::memchr_iter(first, b).find(|&i| b.get(i + 1) == Some(&second))
}

/// The decimal number at the start of `text` (`None` without digits or beyond `u32`).
fn leading_number(text: &str) -> Option<u32> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    text[..digits].parse().ok()
}

fn parse_custom_action_result(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("CustomAction ")?;
    let at = rest.find("returned actual error code ")?;
    let action = rest[..at].trim().to_string();
    let tail = &rest[at + "returned actual error code ".len()..];
    Some(Kind::CustomActionResult {
        action,
        code: leading_number(tail)?,
        translated_to_success: tail.contains("translated to success"),
    })
}

/// `Error N. text`, `Error N.text`, `Info N.`, `Warning N.`, `DEBUG: Error N: text`,
/// `Internal Error N. args`.
fn parse_message(body: &str) -> Option<Kind> {
    let (level, rest) = if let Some(r) = body.strip_prefix("DEBUG: Error ") {
        (MessageLevel::Debug, r)
    } else if let Some(r) = body.strip_prefix("Internal Error ") {
        (MessageLevel::Internal, r)
    } else if let Some(r) = body.strip_prefix("Error ") {
        (MessageLevel::Error, r)
    } else if let Some(r) = body.strip_prefix("Info ") {
        (MessageLevel::Info, r)
    } else if let Some(r) = body.strip_prefix("Warning ") {
        (MessageLevel::Warning, r)
    } else {
        return None;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 5 {
        return None;
    }
    let code = rest[..digits].parse().ok()?;
    let after = &rest[digits..];
    let text = match after.as_bytes().first() {
        Some(b'.') | Some(b':') => after[1..].trim(),
        None => "",
        _ => return None,
    };
    let args = if level == MessageLevel::Internal {
        text.split(',').map(|a| a.trim().to_string()).collect()
    } else {
        Vec::new()
    };
    Some(Kind::MsiMessage(MsiMessage {
        code,
        level,
        args,
        text: text.to_string(),
    }))
}

/// `The installer has encountered an unexpected error ... The error code is 2235. The arguments are: a, b`.
fn parse_unexpected_error(body: &str) -> Option<Kind> {
    if !body.starts_with("The installer has encountered an unexpected error") {
        return None;
    }
    let at = body.find("The error code is ")?;
    let rest = &body[at + 18..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let code = rest[..digits].parse().ok()?;
    let args = rest
        .find("The arguments are: ")
        .map(|a| {
            rest[a + 19..]
                .split(',')
                .map(|s| s.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    Some(Kind::MsiMessage(MsiMessage {
        code,
        level: MessageLevel::Internal,
        args,
        text: body.to_string(),
    }))
}

/// `Note: 1: 2203 2: C:\x 3: -2147287038` — positional fields split on ` N: ` in order.
fn parse_note(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("Note: 1: ")?;
    let mut fields = Vec::new();
    let mut remaining = rest;
    let mut next = 2;
    loop {
        let (field, after) = note_field(remaining, next);
        fields.push(field.to_string());
        let Some(after) = after else {
            break;
        };
        remaining = after;
        next += 1;
        if next > 32 {
            fields.push(remaining.trim().to_string());
            break;
        }
    }
    let code = fields.first()?.parse().ok()?;
    let args = fields.split_off(1);
    Some(Kind::MsiMessage(MsiMessage {
        code,
        level: MessageLevel::Note,
        args,
        text: String::new(),
    }))
}

/// The number of a `Note: 1: N ...` line: what [`parse_note`] reads as its code.
fn note_code(body: &str) -> Option<u32> {
    let rest = body.strip_prefix("Note: 1: ")?;
    note_field(rest, 2).0.parse().ok()
}

/// The field that ends where field `next` starts (` next: `), and the text after that marker;
/// no marker: the rest is the last field.
fn note_field(remaining: &str, next: u32) -> (&str, Option<&str>) {
    if let Some(at) = field_marker(remaining, next) {
        let after = numbered(&remaining[at + 1..], next).unwrap_or_default();
        (remaining[..at].trim(), Some(after))
    } else if let Some(after) = numbered(remaining, next) {
        // A field may be empty: `2:  3: x` has the marker right after the previous one.
        ("", Some(after))
    } else {
        (remaining.trim(), None)
    }
}

/// Where the first ` N: ` is in `text` (this runs on every note line: one pass over its colons,
/// no search string built).
fn field_marker(text: &str, n: u32) -> Option<usize> {
    let b = text.as_bytes();
    memchr::memchr_iter(b':', b).find_map(|colon| {
        let start = colon.checked_sub(decimal_len(n))?;
        let marker = start.checked_sub(1)?;
        (b[marker] == b' '
            && b.get(colon + 1) == Some(&b' ')
            && numbered(&text[start..], n).is_some())
        .then_some(marker)
    })
}

/// The text after a leading `N: `.
fn numbered(text: &str, n: u32) -> Option<&str> {
    let len = decimal_len(n);
    let digits = text.get(..len)?;
    let rest = text[len..].strip_prefix(": ")?;
    (digits.bytes().all(|c| c.is_ascii_digit())
        && digits.parse() == Ok(n)
        && !digits.starts_with('0'))
    .then_some(rest)
}

fn decimal_len(n: u32) -> usize {
    if n < 10 {
        1
    } else {
        2
    }
}

/// `Property(S): Name = Value`.
fn parse_property(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("Property(")?;
    let scope = match rest.as_bytes().first()? {
        b'C' | b'c' => PropertyScope::Client,
        b'S' | b's' => PropertyScope::Server,
        b'N' | b'n' => PropertyScope::Nested,
        _ => return None,
    };
    let rest = rest[1..].strip_prefix("): ")?;
    let eq = rest.find(" = ")?;
    Some(Kind::Property {
        scope,
        name: rest[..eq].trim().to_string(),
        value: rest[eq + 3..].to_string(),
    })
}

/// `PROPERTY CHANGE: Adding X property. Its value is 'V'.` and its Modifying/Deleting forms.
fn parse_property_change(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("PROPERTY CHANGE: ")?;
    let (_verb, rest) = rest.split_once(' ')?;
    let at = rest.find(" property.")?;
    let name = rest[..at].trim().to_string();
    let tail = &rest[at..];
    let value = if let Some(v) = tail.find("Its new value: '") {
        tail[v + 16..]
            .trim_end()
            .trim_end_matches('.')
            .trim_end_matches('\'')
    } else if let Some(v) = tail.find("Its value is '") {
        tail[v + 14..]
            .trim_end()
            .trim_end_matches('.')
            .trim_end_matches('\'')
    } else {
        ""
    };
    Some(Kind::Property {
        scope: PropertyScope::Change,
        name,
        value: value.to_string(),
    })
}

/// `Product: X -- text`, or the outcome sentence.
fn parse_product_notice(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("Product: ")?;
    let at = rest.find(" -- ")?;
    Some(Kind::ProductNotice {
        product: rest[..at].trim().to_string(),
        text: rest[at + 4..].trim().to_string(),
    })
}

/// `MainEngineThread is returning N`.
fn parse_engine_return(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("MainEngineThread is returning ")?;
    Some(Kind::EngineReturn {
        code: leading_number(rest)?,
    })
}

/// `User policy value 'X' is N` / `Machine policy value 'X' is N`.
fn parse_policy(body: &str) -> Option<Kind> {
    let (scope, rest) = if let Some(r) = body.strip_prefix("Machine policy value '") {
        (PolicyScope::Machine, r)
    } else {
        (PolicyScope::User, body.strip_prefix("User policy value '")?)
    };
    let (name, value) = rest.split_once("' is ")?;
    Some(Kind::Policy {
        scope,
        name: name.to_string(),
        value: value.trim().to_string(),
    })
}

/// `Running product '{GUID}' with elevated privileges: Product is assigned.` (or user privileges).
fn parse_elevation(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("Running product '")?;
    let (elevated, reason) = if let Some(at) = rest.find("with elevated privileges:") {
        (true, &rest[at + 25..])
    } else {
        let at = rest.find("with user privileges:")?;
        (false, &rest[at + 21..])
    };
    Some(Kind::Elevation {
        elevated,
        reason: reason.trim().to_string(),
    })
}

/// `Feature: F; Installed: Absent;   Request: Local;   Action: Local` (and `Component:`).
fn parse_state(body: &str) -> Option<Kind> {
    let parts = state_parts(body)?;
    Some(Kind::InstallState {
        item: parts.item,
        name: parts.name.to_string(),
        installed: parts.installed.to_string(),
        request: parts.request.to_string(),
        action: parts.action.to_string(),
    })
}

/// The fields of a state line, as written.
struct StateParts<'a> {
    item: StateItem,
    name: &'a str,
    installed: &'a str,
    request: &'a str,
    action: &'a str,
}

/// Recognize a state line: at least one of its states is given.
fn state_parts(body: &str) -> Option<StateParts<'_>> {
    let (item, rest) = if let Some(rest) = body.strip_prefix("Feature: ") {
        (StateItem::Feature, rest)
    } else {
        (StateItem::Component, body.strip_prefix("Component: ")?)
    };
    let mut state = StateParts {
        item,
        name: "",
        installed: "",
        request: "",
        action: "",
    };
    // One pass over the separators: `;` ends a part, the first `:` in a part ends its key (this
    // runs on every state line, a tenth of a verbose log).
    let b = rest.as_bytes();
    let (mut part, mut colon, mut first) = (0, None, true);
    let separators = memchr::memchr2_iter(b':', b';', b).chain([b.len()]);
    for i in separators {
        match b.get(i) {
            Some(b':') if colon.is_none() => colon = Some(i),
            Some(b';') | None if first => {
                // The first part is the name, colons and all.
                state.name = rest[..i].trim();
                (part, colon, first) = (i + 1, None, false);
            }
            Some(b';') | None => {
                if let Some(at) = colon {
                    let value = rest[at + 1..i].trim();
                    match rest[part..at].trim() {
                        "Installed" => state.installed = value,
                        "Request" => state.request = value,
                        "Action" => state.action = value,
                        _ => {}
                    }
                }
                (part, colon) = (i + 1, None);
            }
            _ => {}
        }
    }
    let given = [state.installed, state.request, state.action];
    (!given.iter().all(|v| v.is_empty())).then_some(state)
}

/// Parse the outcome sentence of a `Windows Installer ... the product.` line.
///
/// ```
/// use msitrace::source::msilog::parse_outcome;
/// use msitrace::event::InstallOperation;
/// let o = parse_outcome("Windows Installer removed the product. Product Name: X. Product Version: 1.0. Product Language: 1033. Manufacturer: Y. Removal success or error status: 0.").unwrap();
/// assert_eq!((o.operation, o.status, o.product.as_str()), (InstallOperation::Removal, 0, "X"));
/// ```
pub fn parse_outcome(body: &str) -> Option<MsiOutcome> {
    let rest = body.strip_prefix("Windows Installer ")?;
    let operation = if rest.starts_with("installed the product") {
        InstallOperation::Install
    } else if rest.starts_with("removed the product") {
        InstallOperation::Removal
    } else if rest.starts_with("reconfigured the product") {
        InstallOperation::Reconfigure
    } else if rest.starts_with("installed an update") || rest.starts_with("removed an update") {
        InstallOperation::Patch
    } else if rest.starts_with("installed an administrative") {
        InstallOperation::Admin
    } else {
        return None;
    };
    let at = rest.find("success or error status: ")?;
    let status = leading_number(&rest[at + 25..])?;
    let field = |key: &str| {
        rest.find(key).map(|a| {
            let v = &rest[a + key.len()..];
            let end = v.find(". ").unwrap_or(v.len());
            v[..end].trim().to_string()
        })
    };
    Some(MsiOutcome {
        operation,
        product: field("Product Name: ").unwrap_or_default(),
        version: field("Product Version: "),
        manufacturer: field("Manufacturer: "),
        language: field("Product Language: "),
        status,
    })
}

#[cfg(test)]
mod tests;
