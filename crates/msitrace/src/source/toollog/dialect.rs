//! What a dialect is: how a tool-log form groups lines into entries and reads each entry's
//! time, level, component and thread; the pieces the dialects share.

use crate::event::*;
use crate::source::relay::ExitMention;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Most lines of one entry; further lines start a new entry.
pub(crate) const MAX_ENTRY_LINES: usize = 400;
/// Most bytes of one entry's message.
pub(crate) const MAX_MESSAGE: usize = 32 * 1024;

/// One entry as a dialect read it: where, when, how serious, who, what.
#[derive(Debug, Clone)]
pub(crate) struct RawEntry {
    /// Line of the entry's first line.
    pub line: u64,
    /// The lines as read, joined with `\n`.
    pub raw: String,
    /// Lines in `raw`.
    pub lines: usize,
    /// Local date and time, as far as the form gives them.
    pub date: Option<NaiveDate>,
    /// Time of day.
    pub time: Option<NaiveTime>,
    /// Level, when the form gives one (else implied from the words).
    pub level: Option<EntryLevel>,
    /// Component.
    pub component: Option<String>,
    /// Thread id.
    pub thread: Option<u32>,
    /// The message without the form's markup.
    pub message: String,
    /// The tool, when the entry itself says (a CMTrace component); else the form's.
    pub tool: Option<DeploymentTool>,
    /// True when lines a console cut at its width were joined into this entry.
    pub wrapped: bool,
}

impl RawEntry {
    /// An entry starting at a line, with its message.
    pub fn new(line: u64, raw: &str, message: &str) -> Self {
        RawEntry {
            line,
            raw: crate::text::cut(raw, MAX_MESSAGE).to_string(),
            lines: 1,
            date: None,
            time: None,
            level: None,
            component: None,
            thread: None,
            message: crate::text::cut(message, MAX_MESSAGE).to_string(),
            tool: None,
            wrapped: false,
        }
    }

    /// Add a line: its raw text, and the part of it that belongs to the message. `wrapped`: the
    /// line is the rest of a line a console cut at its width, so it joins without a line break.
    pub fn push_line(&mut self, raw: &str, message: &str, wrapped: bool) {
        if self.raw.len() + raw.len() < MAX_MESSAGE {
            self.raw.push('\n');
            self.raw.push_str(raw);
        }
        if self.message.len() + message.len() < MAX_MESSAGE {
            if !wrapped {
                self.message.push('\n');
            }
            self.message.push_str(message);
        }
        self.lines += 1;
        self.wrapped |= wrapped;
    }

    /// Set date and time from a local date-time.
    pub fn at(mut self, when: NaiveDateTime) -> Self {
        self.date = Some(when.date());
        self.time = Some(when.time());
        self
    }
}

/// What a dialect reads in one entry beyond the common phrasings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reading {
    /// An exit status only this form words.
    pub exit: Option<ExitMention>,
    /// The command the entry says was run.
    pub command: Option<String>,
    /// An installer log the entry names.
    pub log: Option<String>,
    /// The package or application the entry is about.
    pub subject: Option<String>,
    /// The tool behind the entry, when the form mixes tools.
    pub tool: Option<DeploymentTool>,
    /// An installer line the entry holds where the common phrasings do not look (the text scan
    /// finds them anywhere in a line).
    pub relayed: Option<Kind>,
}

/// One form's grammar: how lines group into entries and what its own phrasings mean.
pub(crate) trait Dialect: Send {
    /// Take one line (BOM removed); push the entries it completes.
    fn push(&mut self, line: u64, text: &str, out: &mut Vec<RawEntry>);
    /// The input ended: push the pending entry.
    fn finish(&mut self, out: &mut Vec<RawEntry>);
    /// What this form's own phrasings say in a complete entry.
    fn read(&mut self, _entry: &RawEntry) -> Reading {
        Reading::default()
    }
    /// Notes on lenient reading (ambiguous dates, cut messages), for the input's warnings.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Groups lines into entries for the dialects whose entries start with a recognisable head:
/// lines without a head continue the entry before them (or start a headless entry).
#[derive(Debug, Default)]
pub(crate) struct Grouper {
    pending: Option<RawEntry>,
    /// Length in characters of the last line, to join lines a console wrapped.
    last_len: usize,
    /// Console width to join wrapped lines at (80 columns: lines of 79 or 80 characters).
    pub wrap: Option<usize>,
}

impl Grouper {
    /// A line with a head starts a new entry.
    pub fn start(&mut self, entry: RawEntry, text: &str, out: &mut Vec<RawEntry>) {
        self.flush(out);
        self.last_len = text.chars().count();
        self.pending = Some(entry);
    }

    /// A line without a head: continues the pending entry (true), or there is none to continue
    /// or it is full (false: the caller makes it an entry of its own).
    pub fn continue_with(&mut self, text: &str, message: &str) -> bool {
        let len = text.chars().count();
        let wrapped = self
            .wrap
            .is_some_and(|w| self.last_len + 1 >= w && self.last_len <= w);
        match self.pending.as_mut() {
            Some(p) if p.lines < MAX_ENTRY_LINES => {
                p.push_line(text, message, wrapped);
                self.last_len = len;
                true
            }
            _ => false,
        }
    }

    /// True when the last line filled the console width (the next line is its rest).
    pub fn last_was_wrapped(&self) -> bool {
        self.pending.is_some()
            && self
                .wrap
                .is_some_and(|w| self.last_len + 1 >= w && self.last_len <= w)
    }

    /// Push the pending entry.
    pub fn flush(&mut self, out: &mut Vec<RawEntry>) {
        if let Some(p) = self.pending.take() {
            out.push(p);
        }
    }
}

/// What a line-oriented form's grammar reads at the start of a line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Head {
    /// Local date and time.
    pub when: Option<NaiveDateTime>,
    /// Time of day, when the line has no date.
    pub time: Option<NaiveTime>,
    /// Level.
    pub level: Option<EntryLevel>,
    /// Component.
    pub component: Option<String>,
    /// Thread.
    pub thread: Option<u32>,
    /// The message part of the line.
    pub message: String,
}

/// A line-oriented form: which lines start entries and what the form's phrasings mean.
pub(crate) trait Grammar: Send {
    /// The head of a line that starts an entry; `None` for a line that continues one.
    fn head(&mut self, line: &str) -> Option<Head>;
    /// What the form's own phrasings say in a complete entry.
    fn read(&mut self, _entry: &RawEntry) -> Reading {
        Reading::default()
    }
    /// Whether a line without a head continues the entry before it (log files) or is an entry
    /// of its own (console output, where only indented lines continue).
    fn headless_continues(&self) -> bool {
        true
    }
    /// The console width lines were cut at, for console copies.
    fn wrap(&self) -> Option<usize> {
        None
    }
}

/// The dialect of a line-oriented form, from its grammar.
pub(crate) struct LineDialect<G> {
    grammar: G,
    grouper: Grouper,
}

impl<G: Grammar> LineDialect<G> {
    /// A dialect reading with `grammar`.
    pub fn new(grammar: G) -> Self {
        let grouper = Grouper {
            wrap: grammar.wrap(),
            ..Grouper::default()
        };
        LineDialect { grammar, grouper }
    }
}

impl<G: Grammar> Dialect for LineDialect<G> {
    fn push(&mut self, line: u64, text: &str, out: &mut Vec<RawEntry>) {
        if text.trim().is_empty() {
            return;
        }
        if self.grouper.last_was_wrapped() && self.grouper.continue_with(text, text) {
            return;
        }
        match self.grammar.head(text) {
            Some(head) => {
                let mut entry = RawEntry::new(line, text, head.message.trim_end());
                if let Some(when) = head.when {
                    entry = entry.at(when);
                } else {
                    entry.time = head.time;
                }
                entry.level = head.level;
                entry.component = head.component;
                entry.thread = head.thread;
                self.grouper.start(entry, text, out);
            }
            None => {
                let continues = self.grammar.headless_continues() || text.starts_with([' ', '\t']);
                if continues && self.grouper.continue_with(text, text.trim()) {
                    return;
                }
                let entry = RawEntry::new(line, text, text.trim());
                self.grouper.start(entry, text, out);
            }
        }
    }

    fn finish(&mut self, out: &mut Vec<RawEntry>) {
        self.grouper.flush(out);
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        self.grammar.read(entry)
    }
}

/// Read a date as tools write it: `MM-DD-YYYY` (CMTrace), `M/D/YYYY`, `YYYY-MM-DD`,
/// `DD.MM.YYYY`. Month first unless the first number cannot be a month; the second value says
/// whether the reading was a guess (both orders possible).
///
/// ```
/// use msitrace::source::toollog::parse_date;
/// use chrono::NaiveDate;
/// assert_eq!(parse_date("5-26-2026"), Some((NaiveDate::from_ymd_opt(2026, 5, 26).unwrap(), false)));
/// assert_eq!(parse_date("2026-05-26"), Some((NaiveDate::from_ymd_opt(2026, 5, 26).unwrap(), false)));
/// assert_eq!(parse_date("26.05.2026"), Some((NaiveDate::from_ymd_opt(2026, 5, 26).unwrap(), false)));
/// assert_eq!(parse_date("12-11-2010"), Some((NaiveDate::from_ymd_opt(2010, 12, 11).unwrap(), true)));
/// assert_eq!(parse_date("13-13-2010"), None);
/// ```
pub fn parse_date(text: &str) -> Option<(NaiveDate, bool)> {
    let t = text.trim();
    let sep = t.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = t.split(sep).collect();
    let [a, b, c] = parts[..] else { return None };
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (a, b, c) = (num(a)?, num(b)?, num(c)?);
    let year = |y: u32| if y < 100 { 2000 + y } else { y } as i32;
    if a > 31 {
        return NaiveDate::from_ymd_opt(a as i32, b, c).map(|d| (d, false));
    }
    // Dotted dates are day first (German, Russian, ...).
    if sep == '.' {
        return NaiveDate::from_ymd_opt(year(c), b, a).map(|d| (d, false));
    }
    let month_first = NaiveDate::from_ymd_opt(year(c), a, b);
    let day_first = NaiveDate::from_ymd_opt(year(c), b, a);
    match (month_first, day_first) {
        (Some(m), Some(d)) => Some((m, m != d)),
        (Some(m), None) => Some((m, false)),
        (None, Some(d)) => Some((d, false)),
        (None, None) => None,
    }
}

/// Read a time of day: `HH:MM:SS`, with a fraction after `.` or `,` of any length, and `AM`/`PM`.
///
/// ```
/// use msitrace::source::toollog::parse_time;
/// use chrono::NaiveTime;
/// assert_eq!(parse_time("11:16:37.3093207"), NaiveTime::from_hms_micro_opt(11, 16, 37, 309_320));
/// assert_eq!(parse_time("1:07:13 PM"), NaiveTime::from_hms_opt(13, 7, 13));
/// assert_eq!(parse_time("12:25:19,101"), NaiveTime::from_hms_milli_opt(12, 25, 19, 101));
/// assert_eq!(parse_time("25:00:00"), None);
/// ```
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim();
    let (clock, pm) = match t
        .strip_suffix("PM")
        .or_else(|| t.strip_suffix("pm"))
        .map(|c| (c, Some(true)))
        .or_else(|| {
            t.strip_suffix("AM")
                .or_else(|| t.strip_suffix("am"))
                .map(|c| (c, Some(false)))
        }) {
        Some((c, pm)) => (c.trim(), pm),
        None => (t, None),
    };
    let (hms, fraction) = match clock.find(['.', ',']) {
        Some(i) => (&clock[..i], &clock[i + 1..]),
        None => (clock, ""),
    };
    let mut parts = hms.split(':');
    let num = |s: Option<&str>| -> Option<u32> {
        let s = s?;
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (mut h, m, s) = (num(parts.next())?, num(parts.next())?, num(parts.next())?);
    if parts.next().is_some() {
        return None;
    }
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    let digits: String = fraction
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    let micro = if digits.is_empty() {
        0
    } else {
        digits.parse::<u32>().ok()? * 10u32.pow(6 - digits.len() as u32)
    };
    NaiveTime::from_hms_micro_opt(h, m, s, micro)
}
