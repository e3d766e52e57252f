//! An event's XML as Event Viewer's Details tab shows it (XML view) and people copy it: one element
//! per line, `- ` before every element with children (the tree markers of the view), indentation,
//! a space before the line end, and text shown decoded (`&` as is). Also the plain, indented XML
//! that follows `Event Xml:` in a "Copy details as text".
//!
//! The lines from `<Event ...>` to `</Event>` are taken, the markers removed and bare `&` escaped,
//! and the XML is read by [`crate::source::eventxml::parse_record_xml`], so the record is exactly
//! the one an XML export gives. A record cut by the copy (the file ends inside it) is read up to
//! the cut, with a note.

use super::{Draft, EventTextForm, Lines, TextLine, MAX_RECORD_LINES};
use crate::source::eventxml::{parse_record_xml, RecordFields};
use crate::source::SourceError;
use std::io::Read;

/// Most bytes of one record's XML.
const MAX_XML: usize = 1 << 20;

/// A line without its indentation and tree marker (`- `, `+ `).
fn strip_marker(text: &str) -> &str {
    let t = text.trim_start();
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("+ "))
        .or_else(|| t.strip_prefix('-').filter(|r| r.starts_with('<')))
        .unwrap_or(t);
    t.trim_start()
}

/// True when a line opens an event-log record's XML: `<Event xmlns="http://schemas.microsoft.com/
/// win/2004/08/events/event">` (with or without a tree marker) or a bare `<Event>`; not
/// `<EventData>`, and not the `<Event ...>` elements other programs write to their own logs.
///
/// ```
/// use msitrace::source::eventtext::xmlview::is_event_start;
/// assert!(is_event_start("- <Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">"));
/// assert!(is_event_start("<Event>"));
/// assert!(!is_event_start("- <EventData>"));
/// assert!(!is_event_start("<Event time=\"2019-12-12T12:49:05Z\" source=\"Agent\">"));
/// ```
pub fn is_event_start(text: &str) -> bool {
    let t = strip_marker(text);
    t == "<Event>"
        || is_any_event_start(t) && t.contains("schemas.microsoft.com/win/2004/08/events/event")
}

/// True when a line opens any `<Event ...>` element (after a label that says it is the record's
/// XML).
pub(crate) fn is_any_event_start(text: &str) -> bool {
    strip_marker(text)
        .strip_prefix("<Event")
        .is_some_and(|rest| rest.starts_with([' ', '>', '\t']) || rest.is_empty())
}

/// One event's XML as read from the lines of a copy.
pub(crate) struct EventXml {
    /// The record's fields.
    pub fields: RecordFields,
    /// The lines it spans.
    pub lines: Vec<TextLine>,
    /// Lenient readings (a cut record).
    pub notes: Vec<String>,
}

impl EventXml {
    /// The record as a draft of its own.
    pub fn into_draft(self) -> Draft {
        let first = self.lines.first().map_or(0, |l| l.number);
        let mut d = Draft::at(first, EventTextForm::XmlView);
        for l in &self.lines {
            d.push_raw(l);
        }
        d.notes = self.notes;
        d.take_xml(self.fields);
        d
    }
}

/// Read the XML of one event from the next lines (the first opens it).
pub(crate) fn read_event_xml<R: Read>(lines: &mut Lines<R>) -> Result<EventXml, SourceError> {
    let mut taken: Vec<TextLine> = Vec::new();
    let mut xml = String::new();
    let mut closed = false;
    while let Some(line) = lines.peek(0) {
        let text = strip_marker(&line.text).to_string();
        if !taken.is_empty() && (is_any_event_start(&text) || xml.len() > MAX_XML) {
            break;
        }
        if !taken.is_empty() && line.is_blank() {
            // A blank line inside the XML view ends a cut record when no XML follows it.
            let resumes = lines
                .peek_text(1, 3)
                .is_some_and(|l| strip_marker(&l.text).starts_with('<'));
            if !resumes {
                break;
            }
        }
        let line = lines.next_line().expect("peeked");
        escape_ampersands(&text, &mut xml);
        xml.push('\n');
        taken.push(line);
        if text.contains("</Event>") {
            closed = true;
            break;
        }
        if taken.len() >= MAX_RECORD_LINES {
            break;
        }
    }
    let first = taken.first().map_or(0, |l| l.number);
    let mut notes = Vec::new();
    let fields = match parse_record_xml(xml.as_bytes()) {
        Ok(f) if closed => f,
        result => {
            let reason = match &result {
                Ok(_) => "the copy ends inside it".to_string(),
                Err(e) => e.to_string(),
            };
            match close_open_elements(&xml).and_then(|x| parse_record_xml(x.as_bytes()).ok()) {
                Some(f) => {
                    let last = taken.last().map_or(first, |l| l.number);
                    notes.push(format!(
                        "event XML at line {first} cut at line {last} ({reason}): read up to the cut"
                    ));
                    f
                }
                None => {
                    return Err(SourceError::TextRecord {
                        line: first,
                        message: format!("event XML that cannot be read: {reason}"),
                    })
                }
            }
        }
    };
    if fields.record.provider.is_empty() && fields.record.event_id == 0 {
        return Err(SourceError::TextRecord {
            line: first,
            message: "event XML without a provider or an event id".into(),
        });
    }
    Ok(EventXml {
        fields,
        lines: taken,
        notes,
    })
}

/// Read one XML-view record as a draft.
pub(crate) fn read_block<R: Read>(lines: &mut Lines<R>) -> Result<Draft, SourceError> {
    read_event_xml(lines).map(EventXml::into_draft)
}

/// Escape `&` that starts no entity (the XML view shows text decoded).
fn escape_ampersands(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let entity = after.find(';').is_some_and(|end| {
            let name = &after[..end];
            end > 0
                && end <= 10
                && (name.chars().all(|c| c.is_ascii_alphanumeric())
                    || name.starts_with('#')
                        && name[1..].chars().all(|c| c.is_ascii_alphanumeric()))
        });
        out.push_str(if entity { "&" } else { "&amp;" });
        rest = after;
    }
    out.push_str(rest);
}

/// The XML with end tags added for the elements left open where it was cut.
fn close_open_elements(xml: &str) -> Option<String> {
    use quick_xml::events::Event as Xml;
    let xml = xml.trim_end();
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut open: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Xml::Start(e)) => {
                open.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                if open.len() > 64 {
                    return None;
                }
            }
            Ok(Xml::End(_)) => {
                open.pop();
            }
            Ok(Xml::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    if open.is_empty() {
        return None;
    }
    // Cut inside a tag: drop the partial tag.
    let mut out = match (xml.rfind('<'), xml.rfind('>')) {
        (Some(lt), Some(gt)) if lt > gt => xml[..lt].to_string(),
        (Some(lt), None) => xml[..lt].to_string(),
        _ => xml.to_string(),
    };
    for name in open.iter().rev() {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ampersands_are_escaped_once() {
        let mut s = String::new();
        escape_ampersands("Cloud & Files &amp; more &#38; x&y", &mut s);
        assert_eq!(s, "Cloud &amp; Files &amp; more &#38; x&amp;y");
    }

    #[test]
    fn markers_are_removed() {
        assert_eq!(strip_marker("  - <System>"), "<System>");
        assert_eq!(strip_marker("  <Level>2</Level> "), "<Level>2</Level> ");
        assert_eq!(strip_marker("-<EventData>"), "<EventData>");
    }

    #[test]
    fn cut_xml_is_closed() {
        let xml = "<Event><System><Provider Name=\"MsiInstaller\"/><EventID>10005</EventID></System><EventData><Data>Product: P\n";
        let closed = close_open_elements(xml).unwrap();
        assert!(closed.ends_with("</Data></EventData></Event>"), "{closed}");
        let f = parse_record_xml(closed.as_bytes()).unwrap();
        assert_eq!(f.record.event_id, 10005);
        assert_eq!(f.record.data[0].value.as_deref(), Some("Product: P"));
    }
}
