//! Event-log records copied as text, in any Windows UI language: the forms people paste into
//! tickets, forums and chat instead of an `.evtx` file.
//!
//! | form ([`EventTextForm`]) | how it looks | module |
//! |---|---|---|
//! | Event Viewer General tab, "Copy details as text" | `Log Name:` `Source:` `Date:` `Event ID:` ... `Description:` message, optionally `Event Xml:` and the XML | [`general`] |
//! | `wevtutil qe <log> /f:text` | `Event[0]:` then indented `Log Name:` ... `Description:` | [`general`] |
//! | Event Viewer Details tab, XML view | `- <Event xmlns=...>` with `- ` tree markers and indentation | [`xmlview`] |
//! | `Get-WinEvent` / `Get-EventLog` piped to `Format-List` | `TimeCreated : ...`, `ProviderName : ...`, `Id : ...`, `Message : ...` | [`formatlist`] |
//! | Event Viewer "Save as" CSV or tab-delimited text | `Level,Date and Time,Source,Event ID,Task Category` and rows with the message last | [`csv`] |
//! | a bare message (the General tab's text box) | `Product: X -- Error 1935. ...` | [`message::identify`] |
//!
//! One file may hold several forms (a General copy followed by its XML view). Labels, level names
//! and 12-hour markers are read in every language of [`labels`]; dates in any regional format
//! ([`date`]). Each record becomes the same [`EventRecord`] the EVTX source gives for it (same
//! channel, provider, id, level, data and typed meaning): when a copy has no data items, they are
//! read back from the message ([`message::recover_data`]). Events are located at the line where
//! their record starts in the user's file; their raw text is the record's lines.
//!
//! [`EventTextReader`] streams any byte source; [`detect_head`] recognises the forms from the
//! first kilobytes; [`EventTextReader::describe`] names the form and language for the Inputs
//! section and what was read leniently.
//!
//! ```
//! use msitrace::source::eventtext::{EventTextReader, EventTextSettings};
//! use msitrace::event::Kind;
//! use msitrace::source::TextEncoding;
//! let copy = "Protokollname: Application\nQuelle:        MsiInstaller\nDatum:         30.08.2016 17:21:37\nEreignis-ID:   11708\nEbene:         Informationen\nBeschreibung:\nProdukt: Contoso -- Die Installation ist fehlgeschlagen.\n";
//! let mut reader = EventTextReader::new(copy.as_bytes(), TextEncoding::Utf8, 0, EventTextSettings::default());
//! let event = reader.next().unwrap().unwrap();
//! let Kind::EventRecord(r) = &event.kind else { panic!() };
//! assert_eq!((r.provider.as_str(), r.event_id, r.level), ("MsiInstaller", 11708, 4));
//! assert!(reader.next().is_none());
//! assert_eq!(reader.describe().to_string(), "Event Viewer text copy, German; 1 event");
//! ```

pub mod csv;
pub mod date;
pub mod formatlist;
pub mod general;
pub mod labels;
mod lines;
pub mod message;
mod source;
pub mod templates;
pub mod xmlview;

use crate::event::{Event, EventData, EventRecord, InputId, Kind, Location, ProcessRef, Stamp};
use crate::source::msilog::DateOrder;
use crate::source::{
    EventStream, Feeds, Format, Opening, Recognised, RecordCounts, Sniff, Source, SourceError,
    StreamSummary, TimeBasis,
};
use crate::text::TextEncoding;
use date::{DateResolver, ReadDate};
use labels::Language;
use std::collections::{BTreeMap, VecDeque};
use std::io::Read;

pub(crate) use lines::{Lines, TextLine};
pub use source::{detect_head, EventTextDetected, EventTextSource};

/// Most lines one record may span (a longer one is cut, and the cut is noted).
pub const MAX_RECORD_LINES: usize = 4000;
/// Most bytes of message text kept per record.
pub const MAX_MESSAGE: usize = 256 * 1024;
/// Most bytes of raw text kept on an event.
const MAX_RAW: usize = 16 * 1024;
/// Most notes kept per input.
const MAX_NOTES: usize = 64;

/// The text forms of event-log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventTextForm {
    /// Event Viewer General tab / "Copy details as text".
    General,
    /// `wevtutil qe ... /f:text`.
    Wevtutil,
    /// Event Viewer Details tab, XML view (or plain event XML inside a text copy).
    XmlView,
    /// `Get-WinEvent` / `Get-EventLog` output through `Format-List`.
    FormatList,
    /// Event Viewer "Save as" CSV or tab-delimited text.
    SavedList,
    /// A bare message whose shape names its event.
    Message,
}

impl EventTextForm {
    /// What the Inputs section calls the form.
    pub fn label(self) -> &'static str {
        match self {
            EventTextForm::General => "Event Viewer text copy",
            EventTextForm::Wevtutil => "wevtutil text output",
            EventTextForm::XmlView => "Event Viewer XML view copy",
            EventTextForm::FormatList => "PowerShell Format-List of events",
            EventTextForm::SavedList => "Event Viewer saved event list",
            EventTextForm::Message => "event message text",
        }
    }
}

impl std::fmt::Display for EventTextForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Settings of an [`EventTextReader`].
#[derive(Debug, Clone, Copy, Default)]
pub struct EventTextSettings {
    /// Day/month order of dates written with the year last, when the user knows it; otherwise it
    /// is proven from the copy's dates or assumed (and the assumption is noted).
    pub date_order: Option<DateOrder>,
}

/// What a reader read: the forms, the language, the number of events and what was read leniently.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventTextSummary {
    /// Forms seen, in order of first appearance.
    pub forms: Vec<EventTextForm>,
    /// The UI language of the labels, level names and dates, when they tell.
    pub language: Option<Language>,
    /// Events read.
    pub events: u64,
    /// Lenient readings (scrubbed timestamps, assumed date order, cut records, ...), each once.
    pub notes: Vec<String>,
}

impl std::fmt::Display for EventTextSummary {
    /// `Event Viewer text copy, German; 3 events`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let forms: Vec<&str> = self.forms.iter().map(|f| f.label()).collect();
        if forms.is_empty() {
            f.write_str("event-log text copy")?;
        } else {
            f.write_str(&forms.join(" + "))?;
        }
        if let Some(l) = self.language {
            write!(f, ", {l}")?;
        }
        let s = if self.events == 1 { "" } else { "s" };
        write!(f, "; {} event{s}", self.events)
    }
}

/// A record as read from a text form, before it becomes an [`Event`].
#[derive(Debug, Default, Clone)]
pub(crate) struct Draft {
    /// The form it was read in.
    pub form: Option<EventTextForm>,
    /// First line of the record.
    pub line: u64,
    /// The record's lines as read (line `i` is at `line + i`).
    pub raw: String,
    raw_lines: usize,
    pub channel: Option<String>,
    pub provider: Option<String>,
    pub event_id: Option<u32>,
    pub qualifiers: Option<u32>,
    pub level: Option<u8>,
    pub computer: Option<String>,
    pub user_sid: Option<String>,
    pub data: Vec<EventData>,
    pub binary: Option<String>,
    pub message: Option<String>,
    /// The date as written, read.
    pub date: Option<ReadDate>,
    /// True when a date field was present but held no date (scrubbed or a placeholder).
    pub date_scrubbed: bool,
    pub pid: Option<u32>,
    pub tid: Option<u32>,
    /// Lenient readings of this record.
    pub notes: Vec<String>,
}

impl Draft {
    /// A draft starting at `line`.
    pub fn at(line: u64, form: EventTextForm) -> Self {
        Draft {
            form: Some(form),
            line,
            ..Default::default()
        }
    }

    /// Add a line of the record's raw text (bounded; lines past the bound are not kept).
    pub fn push_raw(&mut self, line: &TextLine) {
        if self.raw.len() >= MAX_RAW {
            return;
        }
        if self.raw_lines > 0 {
            self.raw.push('\n');
        }
        // Keep every line between the first and this one, so raw line i is at `line + i`.
        let expected = self.line + self.raw_lines as u64;
        for _ in expected..line.number {
            self.raw.push('\n');
            self.raw_lines += 1;
        }
        self.raw.push_str(&line.text);
        self.raw_lines += 1;
    }

    /// Take the fields of a record's XML (authoritative over the labels).
    pub fn take_xml(&mut self, fields: crate::source::eventxml::RecordFields) {
        let r = fields.record;
        if !r.provider.is_empty() {
            self.provider = Some(r.provider);
        }
        if r.event_id != 0 || self.event_id.is_none() {
            self.event_id = Some(r.event_id);
        }
        self.qualifiers = r.qualifiers.or(self.qualifiers);
        if r.level != 0 || self.level.is_none() {
            self.level = Some(r.level);
        }
        if !r.channel.is_empty() {
            self.channel = Some(r.channel);
        }
        self.computer = r.computer.or(self.computer.take());
        self.user_sid = r.user_sid.or(self.user_sid.take());
        if !r.data.is_empty() {
            self.data = r.data;
        }
        self.binary = r.binary.or(self.binary.take());
        if r.message.is_some() {
            self.message = r.message;
        }
        if let Some(t) = fields
            .time
            .as_deref()
            .and_then(crate::source::eventxml::parse_system_time)
        {
            self.date = Some(ReadDate::Utc(t));
            self.date_scrubbed = false;
        } else if fields.time.is_some() && self.date.is_none() {
            self.date_scrubbed = true;
        }
        self.pid = fields.pid.or(self.pid);
        self.tid = fields.tid.or(self.tid);
    }
}

/// Language votes of one input.
#[derive(Debug, Default)]
pub(crate) struct Votes(BTreeMap<Language, u32>);

impl Votes {
    /// Count a word written in these languages (a word of one language counts more).
    pub fn add(&mut self, langs: &[Language]) {
        let weight = if langs.len() == 1 { 3 } else { 1 };
        for l in langs {
            *self.0.entry(*l).or_default() += weight;
        }
    }

    /// The language with most votes.
    pub fn best(&self) -> Option<Language> {
        self.0
            .iter()
            .max_by_key(|(l, n)| (**n, std::cmp::Reverse(**l)))
            .map(|(l, _)| *l)
    }
}

/// Streaming reader of event-log records copied as text: one [`Event`] per record, in file order.
pub struct EventTextReader<R> {
    lines: Lines<R>,
    input: InputId,
    dates: DateResolver,
    /// Events waiting for the day/month order to be decided.
    held: VecDeque<(Event, Option<ReadDate>)>,
    ready: VecDeque<Result<Event, SourceError>>,
    votes: Votes,
    summary: EventTextSummary,
    saved_list: Option<csv::SavedListHeader>,
    unread: u64,
    scrubbed: u64,
    done: bool,
}

impl<R: Read> EventTextReader<R> {
    /// A reader of `source`, written in `encoding`, whose events belong to `input`.
    pub fn new(
        source: R,
        encoding: TextEncoding,
        input: InputId,
        settings: EventTextSettings,
    ) -> Self {
        EventTextReader {
            lines: Lines::new(source, encoding),
            input,
            dates: DateResolver::new(settings.date_order),
            held: VecDeque::new(),
            ready: VecDeque::new(),
            votes: Votes::default(),
            summary: EventTextSummary::default(),
            saved_list: None,
            unread: 0,
            scrubbed: 0,
            done: false,
        }
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> u64 {
        self.lines.lines_read()
    }

    /// Lines outside any record that were not read (prose around the copy, unknown text).
    pub fn unread_lines(&self) -> u64 {
        self.unread
    }

    /// The form, language, events and lenient readings so far (complete once the iterator ended).
    pub fn describe(&self) -> EventTextSummary {
        let mut s = self.summary.clone();
        s.language = self.votes.best();
        if self.scrubbed > 0 {
            push_note(
                &mut s.notes,
                format!(
                    "timestamps scrubbed in {} record(s): order taken from the file",
                    self.scrubbed
                ),
            );
        }
        if self.lines.unquoted > 0 {
            push_note(
                &mut s.notes,
                format!(
                    "quote markers or HTML line breaks removed from {} line(s)",
                    self.lines.unquoted
                ),
            );
        }
        if self.unread > 0 {
            push_note(
                &mut s.notes,
                format!("{} line(s) outside any record not read", self.unread),
            );
        }
        s
    }

    /// Read the next block of records into `ready`/`held`; false at the end of the input.
    fn step(&mut self) -> bool {
        loop {
            let Some(line) = self.lines.peek(0) else {
                if let Some(e) = self.lines.error.take() {
                    self.ready.push_back(Err(e));
                }
                return false;
            };
            if line.is_blank() {
                self.lines.next_line();
                continue;
            }
            let text = line.trimmed().to_string();
            if let Some(header) = &self.saved_list {
                let header = header.clone();
                match csv::read_row(&mut self.lines, &header, &mut self.votes) {
                    Some(Ok(draft)) => self.finish(draft),
                    Some(Err(e)) => self.ready.push_back(Err(e)),
                    None => {}
                }
                return true;
            }
            if xmlview::is_event_start(&text) {
                let result = xmlview::read_block(&mut self.lines);
                self.finish_result(result);
                return true;
            }
            if general::is_wevtutil_start(&text) || general::starts_record(&mut self.lines, 0) {
                let drafts = general::read_block(&mut self.lines, &mut self.votes);
                for d in drafts {
                    self.finish_result(d);
                }
                return true;
            }
            if formatlist::starts_record(&mut self.lines) {
                let draft = formatlist::read_block(&mut self.lines, &mut self.votes);
                self.finish_result(draft);
                return true;
            }
            if let Some(header) = csv::read_header(&text) {
                self.lines.next_line();
                for l in &header.languages {
                    self.votes.add(std::slice::from_ref(l));
                }
                self.saved_list = Some(header);
                return true;
            }
            // A paragraph that is no block: a bare message when its shape names its event.
            match read_bare_message(&mut self.lines) {
                Some(draft) => self.finish(draft),
                None => self.unread += 1,
            }
            return true;
        }
    }

    fn finish_result(&mut self, draft: Result<Draft, SourceError>) {
        match draft {
            Ok(d) => self.finish(d),
            Err(e) => self.ready.push_back(Err(e)),
        }
    }

    /// Turn a draft into its event, holding it back while its date's order is unknown.
    fn finish(&mut self, draft: Draft) {
        if let Some(form) = draft.form {
            if !self.summary.forms.contains(&form) {
                self.summary.forms.push(form);
            }
        }
        for n in &draft.notes {
            push_note(&mut self.summary.notes, n.clone());
        }
        let date = draft.date;
        let scrubbed = draft.date.is_none();
        let event = match build_event(draft, self.input) {
            Ok(e) => e,
            Err(e) => {
                self.ready.push_back(Err(e));
                return;
            }
        };
        self.summary.events += 1;
        if scrubbed {
            self.scrubbed += 1;
        }
        if let Some(d) = &date {
            if self.dates.learn(d) {
                self.release(None);
            }
        }
        let ambiguous = matches!(date, Some(ReadDate::Ambiguous { .. }));
        if self.dates.order().is_none() && (ambiguous || !self.held.is_empty()) {
            self.held.push_back((event, date));
            if self.held.len() >= DateResolver::MAX_HELD {
                self.release(Some(()));
            }
        } else {
            let order = self.dates.order();
            self.ready.push_back(Ok(stamp(event, date, order)));
        }
    }

    /// Give the held events their times: with the decided order, or (`assume`) with an assumed
    /// one.
    fn release(&mut self, assume: Option<()>) {
        if self.held.is_empty() {
            return;
        }
        if self.dates.order().is_none() && assume.is_some() {
            let separator = self
                .held
                .iter()
                .find_map(|(_, d)| match d {
                    Some(ReadDate::Ambiguous { separator, .. }) => Some(*separator),
                    _ => None,
                })
                .unwrap_or('/');
            let note = self.dates.assume(separator, self.votes.best());
            push_note(&mut self.summary.notes, note);
        }
        let order = self.dates.order();
        while let Some((event, date)) = self.held.pop_front() {
            self.ready.push_back(Ok(stamp(event, date, order)));
        }
    }
}

impl<R: Read> Iterator for EventTextReader<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            if !self.step() {
                self.done = true;
                self.release(Some(()));
            }
        }
    }
}

fn push_note(notes: &mut Vec<String>, note: String) {
    if notes.len() < MAX_NOTES && !notes.contains(&note) {
        notes.push(note);
    }
}

/// A paragraph outside any block: consumed to its end; a draft when it is a known message.
fn read_bare_message<R: Read>(lines: &mut Lines<R>) -> Option<Draft> {
    let first = lines.next_line()?;
    let mut draft = Draft::at(first.number, EventTextForm::Message);
    let mut text = first.trimmed().to_string();
    draft.push_raw(&first);
    let mut taken = 1;
    while taken < MAX_RECORD_LINES {
        let Some(next) = lines.peek(0) else { break };
        if next.is_blank() || starts_block(lines) {
            break;
        }
        let next = lines.next_line()?;
        text.push('\n');
        text.push_str(next.trimmed());
        draft.push_raw(&next);
        taken += 1;
        if text.len() > MAX_MESSAGE {
            break;
        }
    }
    let found = message::identify(&text)?;
    draft.provider = Some(found.provider.to_string());
    draft.event_id = Some(found.event_id);
    draft.level = Some(found.level);
    draft.message = Some(text);
    draft
        .notes
        .push("a message without its header: provider and event named by its shape".into());
    Some(draft)
}

/// True when the next line starts a block of some form.
fn starts_block<R: Read>(lines: &mut Lines<R>) -> bool {
    let Some(line) = lines.peek(0) else {
        return false;
    };
    let text = line.trimmed().to_string();
    xmlview::is_event_start(&text)
        || general::is_wevtutil_start(&text)
        || general::starts_record(lines, 0)
        || formatlist::starts_record(lines)
}

/// The event of a draft, without its time (see [`stamp`]): the record's fields, its data read
/// back from the message when the copy has none, and its meaning.
fn build_event(d: Draft, input: InputId) -> Result<Event, SourceError> {
    let missing = |what: &str| SourceError::TextRecord {
        line: d.line,
        message: format!("an event-log record without {what}"),
    };
    let Some(provider) = d.provider.clone().filter(|p| !p.trim().is_empty()) else {
        return Err(missing("its source (provider)"));
    };
    let Some(event_id) = d.event_id else {
        return Err(missing("an event id"));
    };
    let provider = labels::provider_name(&provider);
    let channel = d
        .channel
        .clone()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| labels::channel_of(&provider).map(str::to_string))
        .unwrap_or_default();
    let mut record = EventRecord {
        channel,
        provider,
        event_id,
        qualifiers: d.qualifiers,
        level: d.level.unwrap_or(0),
        computer: d.computer.clone().filter(|c| !c.is_empty()),
        user_sid: d.user_sid.clone(),
        data: d.data.clone(),
        binary: d.binary.clone(),
        message: d.message.clone().filter(|m| !m.is_empty()),
        meaning: None,
    };
    if record.data.is_empty() {
        if let Some(m) = record.message.as_deref() {
            record.data = message::recover_data(&record.provider, record.event_id, m);
            if record.data.is_empty() || crate::event::meaning::interpret(&record).is_none() {
                // A label someone put before the message (`Error detail: ...`).
                if let Some(rest) = without_leading_label(m) {
                    let data = message::recover_data(&record.provider, record.event_id, rest);
                    let mut candidate = record.clone();
                    candidate.data = data;
                    if crate::event::meaning::interpret(&candidate).is_some() {
                        record.data = candidate.data;
                    }
                }
            }
        }
    }
    record.meaning = crate::event::meaning::interpret(&record).map(Box::new);
    Ok(Event {
        time: Stamp::none(),
        input,
        at: Location::Line(d.line),
        process: d.pid.map(|pid| ProcessRef {
            pid,
            tid: d.tid,
            image: None,
            partial: false,
            role: None,
        }),
        kind: Kind::from(record),
        raw: Some(d.raw),
    })
}

/// The message after a short label someone put before it (`Error detail: Product: ...`).
fn without_leading_label(message: &str) -> Option<&str> {
    let (label, rest) = message.split_once(": ")?;
    let words = label.split_whitespace().count();
    (words > 0 && words <= 4 && !label.contains(['.', '\n']) && !rest.trim().is_empty())
        .then(|| rest.trim_start())
}

/// Give an event its time: a UTC instant, or local time with the day/month order decided.
fn stamp(mut event: Event, date: Option<ReadDate>, order: Option<DateOrder>) -> Event {
    event.time = match date {
        Some(ReadDate::Utc(t)) => Stamp::utc(t),
        Some(d) => match d.with_order(order.unwrap_or(DateOrder::MonthFirst)) {
            Some(t) => Stamp::local(Some(t.date()), t.time()),
            None => Stamp::none(),
        },
        None => Stamp::none(),
    };
    event
}

#[cfg(test)]
mod tests;
