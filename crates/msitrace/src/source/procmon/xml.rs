//! Process Monitor XML exports, streaming (quick-xml).
//!
//! ```text
//! <procmon>
//!   <processlist><process> ProcessIndex ProcessId ParentProcessId ... Integrity Owner ProcessName
//!                          ImagePath CommandLine ... <modulelist>...</modulelist> </process> ...
//!   </processlist>
//!   <eventlist><event> ProcessIndex Time_of_Day Process_Name PID Operation Path Result Detail
//!                      [other columns, names with `_` for spaces] [<stack><frame> depth address
//!                      path location </frame>...</stack>] </event> ...
//!   </eventlist>
//! </procmon>
//! ```
//!
//! Each `<process>` becomes a [`Kind::ProcessInfo`] event (located by its byte offset); each
//! `<event>` goes through the same [`Keeper`] and row typing as a CSV row, its location the 1-based
//! index of the event in the list (`row N`), with its stack frames on the operation.

use crate::event::*;
use crate::source::bounded::{over_budget, unmatched_end_tag, XmlBudget, MAX_XML_RECORD};
use crate::source::procmon::{
    row_event, row_process_event, CaptureSettings, CaptureTally, Column, Keeper, RowDecision,
    RowProblem, RowText,
};
use crate::source::{
    EventStream, Feeds, Opening, Recognised, Source, SourceError, StreamSummary, TimeBasis,
};
use crate::source::{Format, Sniff};
use quick_xml::events::Event as Xml;
use quick_xml::Reader;
use std::collections::VecDeque;
use std::io::BufRead;

/// Longest text kept for one XML element (bounds memory on hostile input).
const MAX_TEXT: usize = 1 << 20;

/// Most text kept for one `<event>` or `<process>` with its fields and frames, most fields and
/// most stack frames kept for one (bounds memory on hostile input; real ones hold a few dozen).
const MAX_RECORD_TEXT: usize = 4 << 20;
const MAX_FIELDS: usize = 256;
const MAX_FRAMES: usize = 1024;

/// Where the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Outside,
    Process,
    Module,
    Event,
    Frame,
}

/// Streaming reader of one Process Monitor XML export; an iterator of kept events.
///
/// ```
/// use msitrace::source::procmon::xml::ProcmonXmlParser;
/// use msitrace::source::procmon::CaptureSettings;
/// use msitrace::event::Kind;
/// let xml = r#"<?xml version="1.0" encoding="UTF-8"?><procmon><processlist><process>
/// <ProcessIndex>1</ProcessIndex><ProcessId>42</ProcessId><ParentProcessId>7</ParentProcessId>
/// <ProcessName>msiexec.exe</ProcessName></process></processlist><eventlist><event>
/// <Time_of_Day>19:04:47,3955378</Time_of_Day><Process_Name>msiexec.exe</Process_Name><PID>42</PID>
/// <Operation>CreateFile</Operation><Path>C:\Windows\Installer\x.msi</Path>
/// <Result>ACCESS DENIED</Result><Detail>Desired Access: Generic Read</Detail>
/// <stack><frame><depth>0</depth><address>0xfffff80</address><path>C:\x\fltmgr.sys</path>
/// <location>FltpCreate + 0x1</location></frame></stack></event></eventlist></procmon>"#;
/// let events: Vec<_> = ProcmonXmlParser::new(xml.as_bytes(), 0, CaptureSettings::default())
///     .collect::<Result<_, _>>().unwrap();
/// assert!(matches!(&events[0].kind, Kind::ProcessInfo(p) if p.parent == Some(7)));
/// let Kind::Operation(op) = &events.last().unwrap().kind else { panic!() };
/// assert_eq!(op.stack[0].location.as_deref(), Some("FltpCreate + 0x1"));
/// ```
pub struct ProcmonXmlParser<R> {
    /// The XML reader; a fresh one goes on past an over-long item (`None` once gone).
    reader: Option<Reader<XmlBudget<R>>>,
    /// Where the current XML reader started in the input.
    base: u64,
    /// True once a fresh reader went on past an over-long item.
    restarted: bool,
    buf: Vec<u8>,
    place: Place,
    text: String,
    fields: Vec<(String, String)>,
    frame: Vec<(String, String)>,
    stack: Vec<StackFrame>,
    element_start: u64,
    input: InputId,
    keeper: Keeper,
    row: u64,
    queue: VecDeque<Result<Event, SourceError>>,
    done: bool,
    /// Text kept for the current `<event>` or `<process>`.
    record_text: usize,
}

impl<R: BufRead> ProcmonXmlParser<R> {
    /// A reader over an XML export.
    pub fn new(mut source: R, input: InputId, settings: CaptureSettings) -> Self {
        // The XML reader drops a UTF-8 byte order mark without counting it: offsets (of
        // `<process>` elements, of errors) count it, so that they are offsets in the file.
        let bom = matches!(source.fill_buf(), Ok(b) if b.starts_with(b"\xEF\xBB\xBF"));
        let mut reader = Reader::from_reader(XmlBudget::new(source, MAX_XML_RECORD));
        reader.config_mut().trim_text(false);
        ProcmonXmlParser {
            reader: Some(reader),
            base: if bom { 3 } else { 0 },
            restarted: false,
            buf: Vec::new(),
            place: Place::Outside,
            text: String::new(),
            fields: Vec::new(),
            frame: Vec::new(),
            stack: Vec::new(),
            element_start: 0,
            input,
            keeper: Keeper::new(settings),
            row: 0,
            queue: VecDeque::new(),
            done: false,
            record_text: 0,
        }
    }

    /// `<event>` elements read so far.
    pub fn rows_read(&self) -> u64 {
        self.row
    }

    /// Counts of every event so far.
    pub fn tally(&self) -> &CaptureTally {
        self.keeper.tally()
    }

    /// The counts, once read.
    pub fn into_tally(self) -> CaptureTally {
        self.keeper.into_tally()
    }

    /// Read on until something is queued or the input ends; `false` at the end.
    fn step(&mut self) -> bool {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let Some(reader) = self.reader.as_mut() else {
            return false;
        };
        let position = self.base + reader.buffer_position();
        reader.get_mut().renew();
        let more = match reader.read_event_into(&mut buf) {
            Ok(e) => self.handle(e, position),
            Err(e) if over_budget(&e) => {
                self.queue.push_back(Err(SourceError::XmlOffset {
                    offset: self.base + reader.error_position(),
                    message: format!("{e}; skipped to the next element"),
                }));
                // The XML reader stops after an I/O error: a fresh one goes on at the next
                // element, outside the record given up.
                self.abandon_record();
                let mut budget = self.reader.take().map(Reader::into_inner);
                let fresh = budget.take_if(|b| b.skip_to_markup().is_ok());
                self.restarted = true;
                self.reader = fresh.map(|b| {
                    self.base = b.consumed();
                    let mut reader = Reader::from_reader(b);
                    reader.config_mut().trim_text(false);
                    reader.config_mut().check_end_names = false;
                    reader
                });
                self.reader.is_some()
            }
            Err(e) if self.restarted && unmatched_end_tag(&e) => true,
            Err(e) => {
                self.queue.push_back(Err(SourceError::XmlOffset {
                    offset: self.base + reader.error_position(),
                    message: e.to_string(),
                }));
                // quick-xml can go on after most syntax errors; stop on I/O errors.
                !matches!(e, quick_xml::Error::Io(_))
            }
        };
        self.buf = buf;
        more
    }

    /// Give up the `<event>` or `<process>` being read (past an over-long item): an event counts
    /// as a bad row; the rest of its elements are read as outside any record.
    fn abandon_record(&mut self) {
        if matches!(self.place, Place::Event | Place::Frame) {
            self.row += 1;
            self.keeper.bad_row();
        }
        self.place = Place::Outside;
        self.fields.clear();
        self.frame.clear();
        self.stack.clear();
        self.text.clear();
    }

    fn handle(&mut self, event: Xml<'_>, position: u64) -> bool {
        match event {
            Xml::Eof => return false,
            Xml::Start(e) => {
                let name = e.local_name();
                match (self.place, name.as_ref()) {
                    (Place::Outside, b"process") => {
                        self.place = Place::Process;
                        self.fields.clear();
                        self.element_start = position;
                        self.record_text = 0;
                    }
                    (Place::Outside, b"event") => {
                        self.place = Place::Event;
                        self.fields.clear();
                        self.stack.clear();
                        self.record_text = 0;
                    }
                    (Place::Process, b"modulelist") => self.place = Place::Module,
                    (Place::Event, b"frame") => {
                        self.place = Place::Frame;
                        self.frame.clear();
                    }
                    _ => {}
                }
                self.text.clear();
            }
            Xml::Text(t) => {
                let s = t.xml_content().unwrap_or_default();
                self.push_text(&s);
            }
            Xml::CData(t) => {
                let s = String::from_utf8_lossy(&t);
                self.push_text(&s);
            }
            Xml::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.decode().unwrap_or_default();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .map(str::to_string)
                            .unwrap_or_else(|| format!("&{name};"))
                    }
                };
                self.push_text(&resolved);
            }
            Xml::End(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match (self.place, name.as_str()) {
                    (Place::Process, "process") => {
                        self.place = Place::Outside;
                        self.finish_process();
                    }
                    (Place::Module, "modulelist") => self.place = Place::Process,
                    (Place::Event, "event") => {
                        self.place = Place::Outside;
                        self.finish_event();
                    }
                    (Place::Frame, "frame") => {
                        self.place = Place::Event;
                        self.finish_frame();
                    }
                    (Place::Process | Place::Event, _) if self.fields.len() < MAX_FIELDS => {
                        let text = std::mem::take(&mut self.text);
                        self.fields.push((name, text));
                    }
                    (Place::Frame, _) if self.frame.len() < MAX_FIELDS => {
                        let text = std::mem::take(&mut self.text);
                        self.frame.push((name, text));
                    }
                    _ => {}
                }
                self.text.clear();
            }
            _ => {}
        }
        true
    }

    fn push_text(&mut self, s: &str) {
        if matches!(self.place, Place::Process | Place::Event | Place::Frame)
            && self.text.len() + s.len() <= MAX_TEXT
            && self.record_text + s.len() <= MAX_RECORD_TEXT
        {
            self.record_text += s.len();
            self.text.push_str(s);
        }
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn finish_process(&mut self) {
        let Some(pid) = self.field("ProcessId").and_then(|p| p.trim().parse().ok()) else {
            self.queue.push_back(Err(SourceError::XmlOffset {
                offset: self.element_start,
                message: "<process> without a numeric <ProcessId>; skipped".into(),
            }));
            return;
        };
        let text = |n: &str| {
            self.field(n)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let info = ProcessInfo {
            pid,
            parent: self
                .field("ParentProcessId")
                .and_then(|p| p.trim().parse().ok()),
            name: text("ProcessName"),
            image: text("ImagePath"),
            command_line: text("CommandLine"),
            user: text("Owner"),
            integrity: text("Integrity"),
        };
        self.queue.push_back(Ok(Event {
            time: Stamp::none(),
            input: self.input,
            at: Location::Offset(self.element_start),
            process: None,
            kind: Kind::from(info),
            raw: None,
        }));
    }

    fn finish_frame(&mut self) {
        let get = |n: &str| {
            self.frame
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if self.stack.len() >= MAX_FRAMES {
            return;
        }
        self.stack.push(StackFrame {
            depth: get("depth").and_then(|d| d.parse().ok()).unwrap_or(0),
            address: get("address").unwrap_or_default(),
            path: get("path"),
            location: get("location"),
        });
    }

    fn finish_event(&mut self) {
        self.row += 1;
        let row = self.row;
        let fields = std::mem::take(&mut self.fields);
        let mut text = RowText::default();
        for (name, value) in &fields {
            let header = name.replace('_', " ");
            if let Some(c) = Column::from_header(&header) {
                text.set(c, value);
            }
        }
        let pid = text.pid.and_then(|p| p.trim().parse::<u32>().ok());
        let parent = text.parent_pid.and_then(|p| p.trim().parse::<u32>().ok());
        let bytes = |v: Option<&str>| v.unwrap_or("").as_bytes().to_vec();
        let decision = self.keeper.decide(
            row,
            pid,
            parent,
            &bytes(text.process),
            &bytes(text.operation),
            &bytes(text.result),
            &bytes(text.path),
            &bytes(text.detail),
        );
        let keep = match decision {
            Ok(k) => k,
            Err(problem) => {
                let column = match problem {
                    RowProblem::BadOperation => Column::Operation,
                    RowProblem::BadResult => Column::Result,
                };
                self.queue.push_back(Err(SourceError::BadField {
                    row,
                    column: column.name(),
                    message: "not an operation result or name".into(),
                }));
                return;
            }
        };
        if let (Some(pid), RowDecision::WithProcessInfo | RowDecision::ProcessInfoOnly) =
            (pid, keep)
        {
            let info = row_process_event(&text, pid, row, self.input, None);
            self.queue.push_back(Ok(info));
        }
        if matches!(keep, RowDecision::Yes | RowDecision::WithProcessInfo) {
            let mut event = row_event(&text, row, self.input);
            if event.is_err() {
                self.keeper.kept_row_failed();
            }
            if let Ok(Event {
                kind: Kind::Operation(op),
                ..
            }) = &mut event
            {
                op.stack = std::mem::take(&mut self.stack);
            }
            self.queue.push_back(event);
        }
    }
}

impl<R: BufRead> Iterator for ProcmonXmlParser<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            if !self.step() {
                self.done = true;
            }
        }
    }
}

/// The Process Monitor XML reader as registered in [`crate::source::SOURCES`].
pub struct ProcmonXmlSource;

impl Source for ProcmonXmlSource {
    fn format(&self) -> Format {
        Format::ProcmonXml
    }

    fn feeds(&self) -> Feeds {
        Feeds::Capture
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Local
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        (sniff.first_line()?.starts_with('<') && sniff.text(4096).contains("<procmon"))
            .then_some(Recognised::Sure { line: 0 })
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        let settings = CaptureSettings {
            keep: opening.keep,
            ..CaptureSettings::default()
        };
        Ok(Box::new(ProcmonXmlParser::new(
            opening.reader()?,
            opening.input,
            settings,
        )))
    }
}

impl<R: BufRead + Send> EventStream for ProcmonXmlParser<R> {
    fn finish(self: Box<Self>) -> StreamSummary {
        StreamSummary {
            capture: Some(self.into_tally()),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::KeepPolicy;

    #[test]
    fn multi_line_detail_entities_and_cut_input() {
        let xml = "<procmon><eventlist><event><Time_of_Day>19:04:47,3955378</Time_of_Day>\
<Process_Name>a.exe</Process_Name><PID>6824</PID><Operation>Process Start</Operation><Path></Path>\
<Result>SUCCESS</Result><Detail>Parent PID: 7308, Command line: &quot;C:\\a.exe&quot; , Current directory: C:\\, Environment: \n\tA=1\n\tB=2</Detail>\
</event><event><PID>1</PID><Operation>CreateFile</Oper";
        let settings = CaptureSettings {
            keep: KeepPolicy::All,
            ..Default::default()
        };
        let items: Vec<_> = ProcmonXmlParser::new(xml.as_bytes(), 0, settings).collect();
        let start = items
            .iter()
            .find_map(|i| match i {
                Ok(Event {
                    kind: Kind::ProcessStart(s),
                    ..
                }) => Some(s.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(start.parent, Some(7308));
        assert_eq!(start.command_line.as_deref(), Some("\"C:\\a.exe\""));
        assert!(
            items.iter().any(|i| i.is_err()),
            "the cut event is an error"
        );
    }
}
