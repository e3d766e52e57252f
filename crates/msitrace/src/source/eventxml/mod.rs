//! Event-log XML: exports (`wevtutil qe Application /f:xml`, Event Viewer "Save as XML") and the
//! XML the EVTX source renders for one record.
//!
//! The grammar, one `<Event>` element at a time (a wrapper such as `<Events>` is optional and
//! ignored; any number of `<Event>` roots may follow each other):
//!
//! | element                              | goes to                                            |
//! |--------------------------------------|----------------------------------------------------|
//! | `System/Provider@Name`               | [`EventRecord::provider`]                          |
//! | `System/EventID` (`@Qualifiers`)     | `event_id`, `qualifiers`                           |
//! | `System/Level`, `Channel`, `Computer`| `level`, `channel`, `computer`                     |
//! | `System/TimeCreated@SystemTime`      | [`Event::time`] (UTC)                              |
//! | `System/EventRecordID`               | [`Event::at`] = [`Location::Record`]               |
//! | `System/Execution@ProcessID/ThreadID`| [`Event::process`]                                 |
//! | `System/Security@UserID`             | `user_sid`                                         |
//! | `EventData/Data` (`@Name` or none)   | `data` in order; `(NULL)` is an absent value       |
//! | `EventData/Binary`                   | `binary` (hex as written)                          |
//! | `UserData/*/*`                       | `data`, named by the element                       |
//! | `RenderingInfo/Message`              | `message`                                          |
//!
//! [`EventXmlParser`] streams a file; [`parse_record_xml`] reads one rendered record. Both end in
//! [`finish_record`], so an XML export and the EVTX file it came from give equal events.

use crate::event::{Event, EventData, EventRecord, InputId, Kind, Location, ProcessRef, Stamp};
use crate::source::bounded::{over_budget, unmatched_end_tag, XmlBudget, MAX_XML_RECORD};
use crate::source::file_offsets::FileOffsets;
use crate::source::{
    EventStream, Feeds, Opening, Recognised, RecordCounts, Source, SourceError, StreamSummary,
    TimeBasis,
};
use crate::source::{Format, Sniff};
use crate::text::TextEncoding;
use chrono::{DateTime, NaiveDateTime, Utc};
use quick_xml::events::{BytesStart, Event as Xml};
use quick_xml::Reader;
use std::io::{BufRead, BufReader, Read};

mod fields;
pub(crate) use fields::{EventBuilder, ATTRIBUTES_READ};

/// Most data items kept per record (a bound on input-driven allocation).
const MAX_DATA_ITEMS: usize = 4096;
/// Longest text kept per element, in bytes.
const MAX_TEXT: usize = 1 << 20;

/// The fields of one `<Event>` as read, before they become an [`Event`].
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RecordFields {
    /// The record's fields.
    pub record: EventRecordDraft,
    /// `EventRecordID`.
    pub record_id: Option<u64>,
    /// `TimeCreated@SystemTime` as written.
    pub time: Option<String>,
    /// `Execution@ProcessID`.
    pub pid: Option<u32>,
    /// `Execution@ThreadID`.
    pub tid: Option<u32>,
}

/// An [`EventRecord`] being filled.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct EventRecordDraft {
    /// Channel.
    pub channel: String,
    /// Provider name.
    pub provider: String,
    /// Event id.
    pub event_id: u32,
    /// Qualifiers.
    pub qualifiers: Option<u32>,
    /// Level.
    pub level: u8,
    /// Computer.
    pub computer: Option<String>,
    /// User SID.
    pub user_sid: Option<String>,
    /// Data items.
    pub data: Vec<EventData>,
    /// Binary data (hex).
    pub binary: Option<String>,
    /// Rendered message.
    pub message: Option<String>,
}

/// Turn the fields of one record into the unified event (typed meaning included).
///
/// `fallback_id` and `fallback_time` come from the EVTX record header when the XML lacks them.
pub fn finish_record(
    fields: RecordFields,
    input: InputId,
    fallback_id: Option<u64>,
    fallback_time: Option<DateTime<Utc>>,
) -> Event {
    let d = fields.record;
    let mut record = EventRecord {
        channel: d.channel,
        provider: d.provider,
        event_id: d.event_id,
        qualifiers: d.qualifiers,
        level: d.level,
        computer: d.computer,
        user_sid: d.user_sid,
        data: d
            .data
            .into_iter()
            .map(|mut item| {
                if let Some(v) = item.value.as_mut().filter(|v| v.contains("&#")) {
                    *v = decode_char_refs(v);
                }
                item
            })
            .collect(),
        binary: d.binary,
        message: d.message,
        meaning: None,
    };
    record.meaning = crate::event::meaning::interpret(&record).map(Box::new);
    let time = fields
        .time
        .as_deref()
        .and_then(parse_system_time)
        .or(fallback_time);
    Event {
        time: time.map(Stamp::utc).unwrap_or_else(Stamp::none),
        input,
        at: Location::Record(fields.record_id.or(fallback_id).unwrap_or(0)),
        process: fields.pid.map(|pid| ProcessRef {
            pid,
            tid: fields.tid,
            image: None,
            partial: false,
            role: None,
        }),
        kind: Kind::from(record),
        raw: None,
    }
}

/// Decode the XML character references a record's data still holds after its XML was read
/// (`&#x2a;` → `*`, `&#42;` → `*`): some providers write their strings escaped, so the rendering
/// escapes them twice. Anything else (`&amp;`, a malformed or out-of-range reference) stays as
/// written.
///
/// ```
/// use msitrace::source::eventxml::decode_char_refs;
/// assert_eq!(decode_char_refs(r#"language="&#x2a;""#), r#"language="*""#);
/// assert_eq!(decode_char_refs("a &#42; b &amp; &#xZZ; &#1114112;"), "a * b &amp; &#xZZ; &#1114112;");
/// ```
pub fn decode_char_refs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let decoded = after.find(';').filter(|&end| end <= 8).and_then(|end| {
            let body = &after[..end];
            let value = match body.strip_prefix('x').or_else(|| body.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => body.parse::<u32>().ok(),
            };
            Some((char::from_u32(value?)?, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Read `2016-08-30T15:21:37.0000000Z` (7 fraction digits, `Z` or an offset).
pub fn parse_system_time(t: &str) -> Option<DateTime<Utc>> {
    let t = t.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(t.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}

/// Read one rendered record (`<Event>...</Event>`, an XML declaration may precede it).
///
/// The bytes are read in place (no copy into a buffer): this is the hot path of the EVTX source.
pub fn parse_record_xml(xml: &[u8]) -> Result<RecordFields, quick_xml::Error> {
    let mut pull = SlicePull(Reader::from_reader(xml));
    loop {
        match pull.next_event()? {
            Xml::Start(e) if e.local_name().as_ref() == b"Event" => {
                return read_event_body(&mut pull);
            }
            Xml::Eof => return Ok(RecordFields::default()),
            _ => {}
        }
    }
}

/// A source of XML events: a slice read in place, or a stream read through a buffer.
trait XmlPull {
    fn next_event(&mut self) -> Result<Xml<'_>, quick_xml::Error>;
}

struct SlicePull<'x>(Reader<&'x [u8]>);

impl XmlPull for SlicePull<'_> {
    fn next_event(&mut self) -> Result<Xml<'_>, quick_xml::Error> {
        self.0.read_event()
    }
}

struct BufPull<'r, R> {
    reader: &'r mut Reader<R>,
    buf: Vec<u8>,
}

impl<R: BufRead> XmlPull for BufPull<'_, R> {
    fn next_event(&mut self) -> Result<Xml<'_>, quick_xml::Error> {
        self.buf.clear();
        self.reader.read_event_into(&mut self.buf)
    }
}

/// Read the content of an `<Event>` up to its end tag.
fn read_event_body(pull: &mut impl XmlPull) -> Result<RecordFields, quick_xml::Error> {
    let mut b = EventBuilder::new();
    loop {
        match pull.next_event()? {
            Xml::Start(e) | Xml::Empty(e) if b.start_is_data_text() => {
                b.push_markup("<");
                b.push_markup(&String::from_utf8_lossy(&e));
                b.push_markup(">");
            }
            Xml::End(e) if b.end_is_data_text(e.local_name().as_ref()) => {
                b.push_markup("</");
                b.push_markup(&String::from_utf8_lossy(&e));
                b.push_markup(">");
            }
            Xml::Start(e) => b.start(e.local_name().as_ref(), |n| attr(&e, n))?,
            Xml::Empty(e) => b.empty(e.local_name().as_ref(), |n| attr(&e, n))?,
            Xml::Text(t) if b.takes_text() => {
                b.push_text(&t.decode().map_err(quick_xml::Error::Encoding)?);
            }
            Xml::CData(t) if b.takes_text() => {
                b.push_text(&t.decode().map_err(quick_xml::Error::Encoding)?);
            }
            Xml::GeneralRef(r) if b.takes_text() => {
                if let Some(c) = r.resolve_char_ref()? {
                    b.push_text(c.encode_utf8(&mut [0; 4]));
                } else {
                    b.push_text(match &*r {
                        b"amp" => "&",
                        b"lt" => "<",
                        b"gt" => ">",
                        b"quot" => "\"",
                        b"apos" => "'",
                        _ => "",
                    });
                }
            }
            Xml::End(e) => {
                let event_ends = b.end(e.local_name().as_ref());
                if event_ends {
                    return Ok(b.finish()); // </Event>
                }
            }
            Xml::Eof => {
                return Err(quick_xml::Error::Syntax(
                    quick_xml::errors::SyntaxError::UnclosedTag,
                ))
            }
            _ => {}
        }
    }
}

/// The value of an attribute, unescaped.
fn attr(e: &BytesStart<'_>, name: &[u8]) -> Result<Option<String>, quick_xml::Error> {
    for a in e.attributes().with_checks(false) {
        let a = a?;
        if a.key.local_name().as_ref() == name {
            return Ok(Some(a.unescape_value()?.into_owned()));
        }
    }
    Ok(None)
}

/// What the XML reader of an export reads: the text as UTF-8, lines counted, a record at a time.
type Budgeted<R> = XmlBudget<LineCounter<BufReader<Transcode<R>>>>;

/// A streaming reader of an event-log XML export: one [`Event`] per `<Event>` element.
pub struct EventXmlParser<R: Read> {
    /// The XML reader; replaced by a fresh one past a syntax error (`None` only while swapping).
    reader: Option<Reader<Budgeted<R>>>,
    /// Byte offset (in the UTF-8 text) where the current reader started.
    reader_base: u64,
    input: InputId,
    buf: Vec<u8>,
    done: bool,
    records: u64,
    last_error_at: Option<u64>,
}

impl<R: Read> EventXmlParser<R> {
    /// Read `source`, written in `encoding` (UTF-16 exports are transcoded while streaming).
    pub fn new(source: R, encoding: TextEncoding, input: InputId) -> Self {
        let buffered = BufReader::with_capacity(1 << 16, Transcode::new(source, encoding));
        let counter = LineCounter::new(buffered, FileOffsets::new(encoding));
        let reader = fresh_reader(XmlBudget::new(counter, MAX_XML_RECORD));
        EventXmlParser {
            reader: Some(reader),
            reader_base: 0,
            input,
            buf: Vec::new(),
            done: false,
            records: 0,
            last_error_at: None,
        }
    }

    /// Records read so far.
    pub fn records_read(&self) -> u64 {
        self.records
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> u64 {
        self.reader
            .as_ref()
            .map_or(0, |r| r.get_ref().get_ref().newlines + 1)
    }
}

fn fresh_reader<B: BufRead>(inner: B) -> Reader<B> {
    let mut reader = Reader::from_reader(inner);
    reader.config_mut().check_end_names = false;
    reader
}

impl<R: Read> Iterator for EventXmlParser<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let reader = self.reader.as_mut()?;
            // One budget for each top-level item: a whole `<Event>` record is read on it.
            reader.get_mut().renew();
            self.buf.clear();
            let item = match reader.read_event_into(&mut self.buf) {
                Ok(Xml::Start(e)) if e.local_name().as_ref() == b"Event" => {
                    let mut pull = BufPull {
                        reader,
                        buf: Vec::new(),
                    };
                    read_event_body(&mut pull)
                        .map(|f| Some(finish_record(f, self.input, None, None)))
                }
                Ok(Xml::Eof) => {
                    self.done = true;
                    return None;
                }
                Ok(_) => Ok(None),
                // Every error starts a fresh reader (see `unmatched_end_tag`).
                Err(e) if self.last_error_at.is_some() && unmatched_end_tag(&e) => Ok(None),
                Err(e) => Err(e),
            };
            match item {
                Ok(Some(event)) => {
                    self.records += 1;
                    return Some(Ok(event));
                }
                Ok(None) => {}
                Err(e) => {
                    // The reader stops at a syntax error: go on with a fresh one from where it
                    // stopped (the rest of the damaged record is skipped), unless no byte was
                    // consumed since the last error.
                    let old = self.reader.take()?;
                    // The reader places syntax errors; others (an undecodable text) are where
                    // it stopped.
                    let at = match &e {
                        quick_xml::Error::Syntax(_) | quick_xml::Error::IllFormed(_) => {
                            old.error_position()
                        }
                        _ => old.buffer_position(),
                    };
                    let decoded = self.reader_base + at;
                    let mut budget = old.into_inner();
                    let counter = budget.get_ref();
                    let over = over_budget(&e);
                    // Positions in the file, not in the text decoded from it.
                    let offset = counter.offsets.file_offset(decoded);
                    let error = SourceError::Xml {
                        line: counter.newlines + 1,
                        column: offset.saturating_sub(counter.offsets.line_start()) + 1,
                        offset,
                        message: if over {
                            format!("{e}; skipped to the next element")
                        } else {
                            e.to_string()
                        },
                    };
                    // Past an over-long record, go on at the next element.
                    let skip = if over {
                        budget.skip_to_markup().is_ok()
                    } else {
                        true
                    };
                    let at = budget.get_ref().consumed;
                    self.reader_base = at;
                    if self.last_error_at == Some(at)
                        || !skip
                        || (matches!(e, quick_xml::Error::Io(_)) && !over)
                    {
                        self.done = true;
                    }
                    self.last_error_at = Some(at);
                    self.reader = Some(fresh_reader(budget));
                    return Some(Err(error));
                }
            }
        }
        None
    }
}

/// Counts the newlines the XML reader has consumed, and where its bytes were in the file, for
/// error positions.
struct LineCounter<R> {
    inner: R,
    newlines: u64,
    consumed: u64,
    offsets: FileOffsets,
}

impl<R> LineCounter<R> {
    fn new(inner: R, offsets: FileOffsets) -> Self {
        LineCounter {
            inner,
            newlines: 0,
            consumed: 0,
            offsets,
        }
    }
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let amt = amt.min(buf.len());
            self.newlines += memchr::memchr_iter(b'\n', &buf[..amt]).count() as u64;
            self.offsets.advance(&buf[..amt]);
            self.consumed += amt as u64;
        }
        self.inner.consume(amt);
    }
}

/// Turns UTF-16 (and UTF-8 with a BOM, and Windows-1252) into UTF-8 while streaming.
struct Transcode<R> {
    inner: R,
    decoder: Option<encoding_rs::Decoder>,
    skip_bom: usize,
    raw: Vec<u8>,
    out: Vec<u8>,
    out_at: usize,
    eof: bool,
}

impl<R: Read> Transcode<R> {
    fn new(inner: R, encoding: TextEncoding) -> Self {
        let decoder = match encoding {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => None,
            TextEncoding::Utf16LeBom | TextEncoding::Utf16Le => {
                Some(encoding_rs::UTF_16LE.new_decoder_without_bom_handling())
            }
            TextEncoding::Utf16BeBom => {
                Some(encoding_rs::UTF_16BE.new_decoder_without_bom_handling())
            }
            TextEncoding::Windows1252 => {
                Some(encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling())
            }
        };
        Transcode {
            inner,
            decoder,
            skip_bom: encoding.bom_len(),
            raw: vec![0; 1 << 15],
            out: Vec::new(),
            out_at: 0,
            eof: false,
        }
    }
}

impl<R: Read> Read for Transcode<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.skip_bom > 0 {
            let mut b = [0u8; 1];
            if self.inner.read(&mut b)? == 0 {
                self.skip_bom = 0;
                break;
            }
            self.skip_bom -= 1;
        }
        let Some(decoder) = self.decoder.as_mut() else {
            return self.inner.read(out);
        };
        while self.out_at >= self.out.len() {
            if self.eof {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.raw)?;
            self.eof = n == 0;
            self.out.clear();
            self.out_at = 0;
            let mut s = String::with_capacity(n * 3 / 2 + 16);
            let cap = decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
            s.reserve(cap);
            let _ = decoder.decode_to_string(&self.raw[..n], &mut s, self.eof);
            self.out.extend_from_slice(s.as_bytes());
        }
        let n = out.len().min(self.out.len() - self.out_at);
        out[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}

/// The event-log XML export reader as registered in [`crate::source::SOURCES`].
pub struct EventXmlSource;

impl Source for EventXmlSource {
    fn format(&self) -> Format {
        Format::EventXml
    }

    fn feeds(&self) -> Feeds {
        Feeds::EventLog
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Utc
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        if !sniff.first_line()?.starts_with('<') {
            return None;
        }
        let text = sniff.text(4096);
        let events =
            text.contains("<Event ") || text.contains("<Event>") || text.contains("<Events");
        (events && !text.contains("<procmon")).then_some(Recognised::Sure { line: 0 })
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        Ok(Box::new(EventXmlStream {
            parser: EventXmlParser::new(opening.reader()?, opening.encoding, opening.input),
            skipped: 0,
        }))
    }
}

/// An export read as a stream: its records and the damaged ones skipped.
struct EventXmlStream<R: Read> {
    parser: EventXmlParser<R>,
    skipped: u64,
}

impl<R: Read> Iterator for EventXmlStream<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.parser.next()?;
        self.skipped += u64::from(item.is_err());
        Some(item)
    }
}

impl<R: Read + Send> EventStream for EventXmlStream<R> {
    fn finish(self: Box<Self>) -> StreamSummary {
        let read = self.parser.records_read();
        StreamSummary {
            lines: self.parser.lines_read(),
            records: Some(RecordCounts {
                read,
                decoded: read,
                counted: Default::default(),
                skipped: self.skipped,
            }),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests;
