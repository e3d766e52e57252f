//! Labelled records: Event Viewer's General tab / "Copy details as text", and `wevtutil qe ...
//! /f:text`.
//!
//! The grammar, one record at a time:
//!
//! | shape | read as |
//! |---|---|
//! | `Event[0]:` (`wevtutil`; any word before the brackets) | a record starts |
//! | `<Label>: <value>` with a label of [`super::labels::FIELD_LABELS`] | a header field (`Log Name`, `Source`, `Date`, `Event ID`, `Level`, `User`, `Computer`, ...) in any language |
//! | `Description:` (and text after it on the same line) | the message starts |
//! | any other text once a source or an event id was read | the message (a copy without the `Description:` label) |
//! | `Event Xml:` then `<Event ...>` ... `</Event>` | the record's XML: its data items, exact level and UTC time |
//! | `<Event ...>` right after the message, without the label | the same, when its provider and id agree |
//!
//! A message ends where the next record starts: a `Log Name:` line, an `Event[N]:` line, or a
//! `Source:`/`Event ID:`/`Date:`/`Level:` line followed by another header label within a few
//! lines (a message may quote a `Source:` line of its own).

use super::labels::{fold, level_of, Field, Language};
use super::{
    date, xmlview, Draft, EventTextForm, Lines, TextLine, Votes, MAX_MESSAGE, MAX_RECORD_LINES,
};
use crate::source::SourceError;
use std::io::Read;

/// True for `Event[0]:` (`wevtutil` output; the word is localized on some systems).
///
/// ```
/// use msitrace::source::eventtext::general::is_wevtutil_start;
/// assert!(is_wevtutil_start("Event[0]:"));
/// assert!(is_wevtutil_start("Ereignis[12]:"));
/// assert!(!is_wevtutil_start("Event[x]:"));
/// ```
pub fn is_wevtutil_start(text: &str) -> bool {
    let t = text.trim();
    let Some(body) = t.strip_suffix("]:") else {
        return false;
    };
    let Some((word, number)) = body.split_once('[') else {
        return false;
    };
    !word.is_empty()
        && word.chars().count() <= 30
        && word.chars().all(char::is_alphabetic)
        && !number.is_empty()
        && number.len() <= 9
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// A header line: its field, the languages writing its label, and its value.
///
/// ```
/// use msitrace::source::eventtext::general::label_line;
/// use msitrace::source::eventtext::labels::Field;
/// let (field, _, value) = label_line("Ereignis-ID:   7000").unwrap();
/// assert_eq!((field, value.as_str()), (Field::EventId, "7000"));
/// assert_eq!(label_line("**Level:** Error").unwrap().2, "Error");
/// assert!(label_line("Service: MSSQLSERVER").is_none());
/// ```
pub fn label_line(text: &str) -> Option<(Field, Vec<Language>, String)> {
    let t = text.trim();
    // A label is short: look for its colon close to the start only.
    let mut end = t.len().min(200);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    let at = t[..end].find([':', '：'])?;
    let label = &t[..at];
    if label.chars().count() > 48 {
        return None;
    }
    let (field, langs) = super::labels::lookup(label)?;
    let langs = langs.to_vec();
    let colon = t[at..].chars().next().map_or(1, char::len_utf8);
    let value = t[at + colon..]
        .trim()
        .trim_start_matches('*')
        .trim()
        .to_string();
    Some((field, langs, value))
}

/// Header fields: a second one of these in a record starts the next record.
fn is_header(field: Field) -> bool {
    !matches!(field, Field::Description | Field::EventXml)
}

/// True when line `k` ahead starts a labelled record: a `Log Name:` line, or a source, event id,
/// date or level line followed by another header label within four lines.
pub(crate) fn starts_record<R: Read>(lines: &mut Lines<R>, k: usize) -> bool {
    let Some(line) = lines.peek(k) else {
        return false;
    };
    let Some((field, _, _)) = label_line(line.trimmed()) else {
        return false;
    };
    match field {
        Field::LogName => true,
        Field::Source | Field::EventId | Field::Date | Field::Level => {
            let mut i = k + 1;
            let mut looked = 0;
            while looked < 4 {
                let Some(next) = lines.peek(i) else {
                    return false;
                };
                i += 1;
                if next.is_blank() {
                    continue;
                }
                looked += 1;
                if let Some((f, _, _)) = label_line(next.trimmed()) {
                    if is_header(f) && f != field {
                        return true;
                    }
                } else {
                    return false;
                }
            }
            false
        }
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Header,
    Message,
}

/// Read one labelled record (and the record its unlabelled XML turned out to be, if it differs).
pub(crate) fn read_block<R: Read>(
    lines: &mut Lines<R>,
    votes: &mut Votes,
) -> Vec<Result<Draft, SourceError>> {
    let Some(first) = lines.peek(0).cloned() else {
        return Vec::new();
    };
    let wevtutil = is_wevtutil_start(first.trimmed());
    let form = if wevtutil {
        EventTextForm::Wevtutil
    } else {
        EventTextForm::General
    };
    let mut d = Draft::at(first.number, form);
    let mut out = Vec::new();
    if wevtutil {
        lines.next_line();
        d.push_raw(&first);
    }
    let mut seen: Vec<Field> = Vec::new();
    let mut phase = Phase::Header;
    let mut message: Vec<String> = Vec::new();
    let mut message_bytes = 0usize;
    let mut taken = 0usize;
    let mut has_xml = false;
    while let Some(line) = lines.peek(0).cloned() {
        let text = line.trimmed();
        if taken >= MAX_RECORD_LINES {
            d.notes.push(format!(
                "record at line {} longer than {MAX_RECORD_LINES} lines: cut",
                d.line
            ));
            break;
        }
        if phase == Phase::Header {
            if line.is_blank() {
                take(lines, &mut d, &line, &mut taken);
                continue;
            }
            if wevtutil && taken > 0 && is_wevtutil_start(text) {
                break;
            }
            if let Some((field, langs, value)) = label_line(text) {
                if is_header(field) && seen.contains(&field) {
                    break;
                }
                take(lines, &mut d, &line, &mut taken);
                votes.add(&langs);
                seen.push(field);
                match field {
                    Field::Description => {
                        phase = Phase::Message;
                        if !value.is_empty() {
                            message_bytes += value.len();
                            message.push(value);
                        }
                    }
                    Field::EventXml => {
                        if let Some(r) = attach_xml(lines, &mut d, &mut out, &mut taken) {
                            has_xml = r;
                        }
                        break;
                    }
                    _ => set_field(&mut d, field, &value, votes),
                }
                continue;
            }
            if seen.contains(&Field::Source) || seen.contains(&Field::EventId) {
                phase = Phase::Message;
                continue;
            }
            break;
        }
        // The message.
        if wevtutil && is_wevtutil_start(text) {
            break;
        }
        if let Some((Field::EventXml, _, _)) = label_line(text) {
            take(lines, &mut d, &line, &mut taken);
            if let Some(r) = attach_xml(lines, &mut d, &mut out, &mut taken) {
                has_xml = r;
            }
            break;
        }
        if !line.is_blank() && starts_record(lines, 0) {
            break;
        }
        if xmlview::is_event_start(text) {
            if !has_xml {
                if let Some(r) = attach_xml(lines, &mut d, &mut out, &mut taken) {
                    has_xml = r;
                }
            }
            break;
        }
        take(lines, &mut d, &line, &mut taken);
        if message_bytes < MAX_MESSAGE {
            message_bytes += line.text.len() + 1;
            message.push(line.text.clone());
        }
    }
    let _ = has_xml;
    while message.last().is_some_and(|l| l.trim().is_empty()) {
        message.pop();
    }
    while message.first().is_some_and(|l| l.trim().is_empty()) {
        message.remove(0);
    }
    if !message.is_empty() && d.message.is_none() {
        d.message = Some(message.join("\n"));
    }
    out.insert(0, Ok(d));
    out
}

fn take<R: Read>(lines: &mut Lines<R>, d: &mut Draft, line: &TextLine, taken: &mut usize) {
    lines.next_line();
    d.push_raw(line);
    *taken += 1;
}

/// Read the record's XML that follows; true when it was attached to `d`. An XML whose provider
/// or event id differs from the labels' is another record, pushed to `out`.
fn attach_xml<R: Read>(
    lines: &mut Lines<R>,
    d: &mut Draft,
    out: &mut Vec<Result<Draft, SourceError>>,
    taken: &mut usize,
) -> Option<bool> {
    // Skip blank lines between the label and the XML.
    while lines.peek(0).is_some_and(TextLine::is_blank) {
        let l = lines.next_line()?;
        d.push_raw(&l);
        *taken += 1;
    }
    let start = lines.peek(0)?.trimmed().to_string();
    if !xmlview::is_any_event_start(&start) {
        return Some(false);
    }
    match xmlview::read_event_xml(lines) {
        Ok(xml) => {
            let agrees = (d.provider.is_none()
                || d.provider.as_deref().is_some_and(|p| {
                    super::labels::provider_name(p).eq_ignore_ascii_case(
                        &super::labels::provider_name(&xml.fields.record.provider),
                    )
                }))
                && d.event_id.is_none_or(|id| id == xml.fields.record.event_id);
            if agrees {
                for l in &xml.lines {
                    d.push_raw(l);
                }
                *taken += xml.lines.len();
                d.notes.extend(xml.notes);
                d.take_xml(xml.fields);
                Some(true)
            } else {
                out.push(Ok(xml.into_draft()));
                Some(false)
            }
        }
        Err(e) => {
            out.push(Err(e));
            Some(false)
        }
    }
}

/// Put a header field's value on the draft.
fn set_field(d: &mut Draft, field: Field, value: &str, votes: &mut Votes) {
    let v = value.trim();
    match field {
        Field::LogName => d.channel = Some(v.to_string()),
        Field::Source => d.provider = Some(v.to_string()),
        Field::Date | Field::DateAndTime => {
            d.date = date::read_date(v);
            d.date_scrubbed = d.date.is_none();
        }
        Field::EventId => {
            let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<u64>() {
                // `Get-EventLog`'s instance ids carry the qualifiers in the high word.
                if n > 0xFFFF {
                    d.event_id = Some((n & 0xFFFF) as u32);
                    d.qualifiers = Some((n >> 16) as u32);
                } else {
                    d.event_id = Some(n as u32);
                }
            }
        }
        Field::Level => {
            if let Some((level, langs)) = level_of(v) {
                d.level = Some(level);
                votes.add(&langs);
            } else if !v.is_empty() {
                d.notes.push(format!(
                    "level {:?} not recognised",
                    v.chars().take(40).collect::<String>()
                ));
            }
        }
        Field::User => {
            if fold(v).starts_with("s15") && v.starts_with("S-1-") {
                d.user_sid = Some(v.to_string());
            }
        }
        Field::Computer => d.computer = Some(v.to_string()),
        Field::TaskCategory
        | Field::Opcode
        | Field::Keywords
        | Field::UserName
        | Field::Description
        | Field::EventXml => {}
    }
}
