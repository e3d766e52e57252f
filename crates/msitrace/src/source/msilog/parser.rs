//! The streaming driver: lines in, entries and events out ([`MsiLogParser`]).

use super::dates::SessionClock;
use super::entry::{Entry, Shape};
use super::excerpt::{undecorate, ExcerptTally, WrapWidth};
use super::grammar::*;
use super::prefix::*;
use super::{MsiLogSettings, ParseWarning};
use crate::event::*;
use crate::source::SourceError;
use crate::text::{LineReader, TextEncoding};
use std::io::Read;

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
/// let events: Vec<_> = MsiLogParser::from_bytes(log.as_bytes()).collect::<Result<_, _>>().unwrap();
/// assert!(matches!(&events[1].kind,
///     Kind::MsiAction { name, phase: ActionPhase::End { return_value: 3 } } if name == "InstallFinalize"));
/// assert_eq!(events[1].at, msitrace::event::Location::Line(2));
/// ```
pub struct MsiLogParser<R> {
    pub(super) lines: LineReader<R>,
    pub(super) input: InputId,
    pub(super) settings: MsiLogSettings,
    /// Two entry buffers: the one being gathered and the one lent out last.
    pub(super) slots: [Entry; 2],
    /// Index of the slot being gathered, when an entry is pending.
    pub(super) gathering: Option<usize>,
    pub(super) clock: SessionClock,
    pub(super) warnings: Vec<ParseWarning>,
    pub(super) failed: bool,
    /// Defer building the kinds that can wait ([`Deferred`]); off when every entry becomes an
    /// event anyway (the [`Iterator`]), as recognizing them first would be work done twice.
    pub(super) defer: bool,
    pub(super) last_process: LastProcess,
    /// What a copy added in front of the lines, and what it scrubbed.
    pub(super) excerpt: ExcerptTally,
    /// The width the lines may have been cut at.
    pub(super) wrap: WrapWidth,
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
            excerpt: ExcerptTally::default(),
            wrap: WrapWidth::default(),
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

    /// Where the reading was lenient so far (quote markers or UI prefixes removed, ids or
    /// timestamps scrubbed, no header), one note each.
    pub fn notes(&self) -> Vec<String> {
        self.excerpt.notes()
    }

    /// How the Inputs section names the form when the log is an excerpt or a damaged copy
    /// (`Windows Installer log excerpt (no header, quoted)`); `None` for a log as written.
    pub fn form(&self) -> Option<String> {
        self.excerpt.form()
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
    pub fn from_bytes(bytes: &'a [u8]) -> Self {
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
    /// let mut parser = MsiLogParser::from_bytes(log.as_bytes());
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
            } else if line.maybe_escape && has_terminal_controls(text) {
                // Escape sequences are text a terminal would obey; every report drops them whole.
                Some("terminal control sequences removed from this line".to_string())
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
            let full_before = self.wrap.last_full;
            self.wrap.see(text);
            let decoration = undecorate(text);
            let body = &text[decoration.len..];
            // The line is read straight into the free buffer (the one not gathering); it becomes
            // an entry only when it has a shape, or when it cannot continue the pending one.
            let slot = self.gathering.map_or(0, |s| 1 - s);
            let scanned = scan_line_into(
                body,
                self.defer,
                &mut self.last_process,
                &mut self.slots[slot],
            );
            let time = match scanned {
                Some(time) => {
                    let entry = &mut self.slots[slot];
                    let tally = &mut self.excerpt;
                    tally.decoration(decoration);
                    tally.shaped += 1;
                    if body.starts_with("MSI (") {
                        tally.engine += 1;
                        tally.engine_timed += u64::from(time.is_some());
                        tally.scrubbed_ids += u64::from(entry.process.is_none());
                    }
                    if entry.deferred.is_none() && matches!(entry.kind, Kind::MsiLogBoundary(_)) {
                        tally.boundaries += 1;
                    }
                    entry.body_at += decoration.len;
                    time
                }
                None if full_before => {
                    // The rest of a line cut at the copy's width.
                    let pending = Pending {
                        slots: &mut self.slots,
                        gathering: &mut self.gathering,
                        clock: &mut self.clock,
                        excerpt: &mut self.excerpt,
                        max_entry_lines: self.settings.max_entry_lines,
                    };
                    match pending.join_wrapped(text, may_match) {
                        Joined::Attached => continue,
                        Joined::Split(done) => return Some(Ok(&mut self.slots[done])),
                        Joined::No => {}
                    }
                    if let Some(entry) = self.gathering.map(|slot| &mut self.slots[slot]) {
                        if entry.continuation_lines < self.settings.max_entry_lines {
                            entry.attach(text, may_match);
                            continue;
                        }
                    }
                    self.slots[slot].set_text();
                    None
                }
                None => {
                    if let Some(entry) = self.gathering.map(|slot| &mut self.slots[slot]) {
                        if entry.continuation_lines < self.settings.max_entry_lines {
                            entry.attach(text, may_match);
                            continue;
                        }
                    }
                    self.slots[slot].set_text();
                    None
                }
            };
            let entry = &mut self.slots[slot];
            if let (None, Kind::MsiLogBoundary(b)) = (entry.deferred, &entry.kind) {
                if let Some(w) = self.clock.reset(line_no, b, time, self.settings.date_order) {
                    self.warnings.push(w);
                }
            }
            entry.time = self.clock.stamp(time);
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

/// What joining a line to the line a copy cut before it did.
enum Joined {
    /// Nothing: the line is read as it is.
    No,
    /// The line completes the pending entry's own line, which now reads with a shape.
    Attached,
    /// The line completes a line read as a continuation, which becomes an entry of its own;
    /// the entry before it (this slot) is complete.
    Split(usize),
}

/// Most lines of one run of cut lines read joined.
const MAX_WRAPPED_RUN: usize = 8;

/// What a line put back together from cut lines reads as, when it has a shape: its kind, time
/// and process.
fn read_joined(joined: &str) -> Option<(Kind, Option<chrono::NaiveTime>, Option<ProcessRef>)> {
    let own = undecorate(joined).len;
    let scanned = scan_line(&joined[own..], false, &mut LastProcess::default())?;
    let kind = match scanned.shape {
        Shape::Built(kind) => kind,
        Shape::Deferred(d) => d.build(&joined[own + scanned.body_at..])?,
    };
    (!matches!(kind, Kind::Text)).then_some((kind, scanned.time, scanned.process))
}

/// The parser's pending entry and what joining a cut line touches (apart from the line reader,
/// which lends the line).
struct Pending<'a> {
    slots: &'a mut [Entry; 2],
    gathering: &'a mut Option<usize>,
    clock: &'a mut SessionClock,
    excerpt: &'a mut ExcerptTally,
    max_entry_lines: usize,
}

impl Pending<'_> {
    /// Join `text` (a line without a shape of its own) to the line before it, which filled the
    /// width the copy's lines were cut at, when the two read together have a shape: `Action
    /// ended 09:41:41: InstallFinalize. Return val` + `ue 3.`.
    fn join_wrapped(self, text: &str, may_match: bool) -> Joined {
        let Some(slot) = *self.gathering else {
            return Joined::No;
        };
        let entry = &mut self.slots[slot];
        if entry.continuation_lines >= self.max_entry_lines {
            return Joined::No;
        }
        // The run of cut lines ending at the last line, shortest first: `Return val` + `ue 3.`
        // joins one line, an outcome cut three times joins three.
        let mut run_at = entry.raw.len();
        let mut found = None;
        for k in 1..=(entry.continuation_lines + 1).min(MAX_WRAPPED_RUN) {
            run_at = entry.raw[..run_at.saturating_sub(1)]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let mut joined = entry.raw[run_at..].replace('\n', "");
            joined.push_str(text);
            if let Some(read) = read_joined(&joined) {
                found = Some((k, run_at, read));
                break;
            }
            if run_at == 0 {
                break;
            }
        }
        let Some((k, run_at, (kind, scanned_time, process))) = found else {
            return Joined::No;
        };
        if run_at == 0 {
            // The entry's own line: only a line that read as nothing is read again.
            if entry.deferred.is_some() || !matches!(entry.kind, Kind::Text) {
                return Joined::No;
            }
            entry.kind = kind;
            entry.attach(text, may_match);
            self.excerpt.wrapped += 1;
            return Joined::Attached;
        }
        let run = entry.raw[run_at..].to_string();
        let run_no = entry.line + (entry.continuation_lines + 1 - k) as u64;
        entry.raw.truncate(run_at - 1);
        entry.continuation_lines -= k;
        self.excerpt.wrapped += 1;
        let time = self.clock.stamp(scanned_time);
        let next = 1 - slot;
        let e = &mut self.slots[next];
        e.kind = kind;
        e.deferred = None;
        e.body_at = 0;
        e.process = process;
        e.time = time;
        e.line = run_no;
        e.continuation_lines = k - 1;
        e.raw.clear();
        e.raw.push_str(&run);
        e.may_match = may_match;
        e.attach(text, may_match);
        *self.gathering = Some(next);
        Joined::Split(slot)
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
pub(super) const MAX_WARNINGS: usize = 1000;

/// True when `text` holds ESC or CSI, which start terminal control sequences (looked for only
/// in lines whose chunk has their bytes, see [`crate::text::Line::maybe_escape`]).
fn has_terminal_controls(text: &str) -> bool {
    text.contains(['\x1b', '\u{9b}'])
}

/// Three or more control characters (other than tab and CR) in one line: binary bytes, not text.
pub(super) fn has_binary_junk(text: &str) -> bool {
    crate::text::control_bytes(text.as_bytes()) >= 3
}
