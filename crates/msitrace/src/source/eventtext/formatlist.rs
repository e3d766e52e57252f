//! Events as PowerShell prints them through `Format-List`: `Get-WinEvent ... | Format-List`
//! (`TimeCreated`, `ProviderName`, `Id`, `Message`, and with `*` every property of an
//! `EventLogRecord`) and `Get-EventLog ... | Format-List` (`EventID`, `InstanceId`, `EntryType`,
//! `Source`, `TimeGenerated`, `ReplacementStrings`, `Message`).
//!
//! A record is a run of `Name : value` lines, names padded to one width; a value's further lines
//! are indented to the value column. Property names are the .NET names in every language; values
//! (`LevelDisplayName`, `EntryType` on some systems, dates) follow the machine's culture. A record
//! ends at a property it already has, or at a blank line followed by something that is no
//! continuation.

use super::labels::level_of;
use super::{date, Draft, EventTextForm, Lines, TextLine, Votes, MAX_MESSAGE, MAX_RECORD_LINES};
use crate::event::EventData;
use crate::source::SourceError;
use std::io::Read;

/// The properties of `EventLogRecord` and `EventLogEntry` the reader knows (any other
/// `Name : value` line is text).
const PROPERTIES: &[&str] = &[
    "TimeCreated",
    "ProviderName",
    "Id",
    "Message",
    "Level",
    "LevelDisplayName",
    "LogName",
    "MachineName",
    "UserId",
    "RecordId",
    "ProcessId",
    "ThreadId",
    "Keywords",
    "KeywordsDisplayNames",
    "TaskDisplayName",
    "OpcodeDisplayName",
    "Qualifiers",
    "Version",
    "Task",
    "Opcode",
    "ProviderId",
    "ActivityId",
    "RelatedActivityId",
    "ContainerLog",
    "MatchedQueryIds",
    "Bookmark",
    "Properties",
    "EventID",
    "InstanceId",
    "EntryType",
    "Index",
    "Category",
    "CategoryNumber",
    "ReplacementStrings",
    "Source",
    "TimeGenerated",
    "TimeWritten",
    "UserName",
    "Data",
    "Site",
    "Container",
];

/// Most replacement strings kept per record (a bound on input-driven allocation).
const MAX_ITEMS: usize = 4096;

/// Properties that identify an event (one must be there for a run of lines to be a record).
const KEY_PROPERTIES: &[&str] = &["Id", "EventID", "InstanceId", "ProviderName", "TimeCreated"];

/// A `Name : value` line: the property, the column where values start, the value.
fn property_line(text: &str) -> Option<(&'static str, usize, &str)> {
    if text.starts_with(char::is_whitespace) {
        return None;
    }
    let colon = text.find(':')?;
    let name = text[..colon].trim_end();
    let after = &text[colon + 1..];
    if name.contains(char::is_whitespace) || !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let known = PROPERTIES.iter().find(|p| p.eq_ignore_ascii_case(name))?;
    let col = colon + 1 + usize::from(after.starts_with(' '));
    Some((known, col, &text[col..]))
}

/// True when the next lines are a `Format-List` record: three known properties among the next
/// ten lines, one of them an id, provider or time.
pub(crate) fn starts_record<R: Read>(lines: &mut Lines<R>) -> bool {
    let Some(first) = lines.peek(0) else {
        return false;
    };
    if property_line(&first.text).is_none() {
        return false;
    }
    let mut names: Vec<&str> = Vec::new();
    for i in 0..10 {
        let Some(l) = lines.peek(i) else { break };
        if let Some((name, _, _)) = property_line(&l.text) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names.len() >= 3 && names.iter().any(|n| KEY_PROPERTIES.contains(n))
}

/// Read one record.
pub(crate) fn read_block<R: Read>(
    lines: &mut Lines<R>,
    votes: &mut Votes,
) -> Result<Draft, SourceError> {
    let first = lines
        .peek(0)
        .cloned()
        .ok_or_else(|| SourceError::TextRecord {
            line: 0,
            message: "no record".into(),
        })?;
    let mut d = Draft::at(first.number, EventTextForm::FormatList);
    let mut props: Vec<(&'static str, String)> = Vec::new();
    let mut taken = 0usize;
    while let Some(line) = lines.peek(0).cloned() {
        if taken >= MAX_RECORD_LINES {
            d.notes.push(format!(
                "record at line {} longer than {MAX_RECORD_LINES} lines: cut",
                d.line
            ));
            break;
        }
        if line.is_blank() {
            let next = lines.peek_text(1, 50).cloned();
            let go_on = match next.as_ref().map(|n| (n, property_line(&n.text))) {
                None => false,
                Some((_, Some((name, _, _)))) => !props.iter().any(|(p, _)| *p == name),
                Some((n, None)) => n.text.starts_with(char::is_whitespace) && !props.is_empty(),
            };
            if !go_on {
                break;
            }
            take(lines, &mut d, &line, &mut taken);
            if let Some((_, v)) = props.last_mut() {
                v.push('\n');
            }
            continue;
        }
        if let Some((name, _, value)) = property_line(&line.text) {
            if props.iter().any(|(p, _)| *p == name) {
                break;
            }
            props.push((name, value.trim_end().to_string()));
            take(lines, &mut d, &line, &mut taken);
            continue;
        }
        // A continuation of the last value.
        // Unindented text continues only a message (copies lose the indentation).
        if !line.text.starts_with(char::is_whitespace) && !is_message(&props) {
            break;
        }
        let Some((_, v)) = props.last_mut() else {
            break;
        };
        let text = line.text.trim_start();
        if v.len() < MAX_MESSAGE {
            v.push('\n');
            v.push_str(text.trim_end());
        }
        take(lines, &mut d, &line, &mut taken);
    }
    for (name, value) in &props {
        let value = value.trim();
        match *name {
            "TimeCreated" | "TimeGenerated" => {
                d.date = date::read_date(value);
                d.date_scrubbed = d.date.is_none();
            }
            "ProviderName" | "Source" => d.provider = Some(value.to_string()),
            "Id" | "EventID" => d.event_id = value.parse().ok().or(d.event_id),
            "InstanceId" => {
                if let Ok(n) = value.parse::<u64>() {
                    d.event_id.get_or_insert((n & 0xFFFF) as u32);
                    if n > 0xFFFF {
                        d.qualifiers = Some((n >> 16) as u32);
                    }
                }
            }
            "Qualifiers" => d.qualifiers = value.parse().ok(),
            "Message" => d.message = Some(value.to_string()),
            "Level" => {
                if let Ok(n) = value.parse() {
                    d.level = Some(n);
                }
            }
            "LevelDisplayName" | "EntryType" => {
                if let Some((level, langs)) = level_of(value) {
                    d.level.get_or_insert(level);
                    // `EntryType` is an enum name, English on every system.
                    if *name == "LevelDisplayName" {
                        votes.add(&langs);
                    }
                } else if value.eq_ignore_ascii_case("FailureAudit")
                    || value.eq_ignore_ascii_case("SuccessAudit")
                {
                    d.level.get_or_insert(0);
                }
            }
            "LogName" => d.channel = Some(value.to_string()),
            "MachineName" => d.computer = Some(value.to_string()),
            "UserId" if value.starts_with("S-1-") => d.user_sid = Some(value.to_string()),
            "ProcessId" => d.pid = value.parse().ok(),
            "ThreadId" => d.tid = value.parse().ok(),
            "ReplacementStrings" => d.data = replacement_strings(value),
            _ => {}
        }
    }
    // The replacement strings are cut at four items by PowerShell's enumeration limit: the
    // message is the better source when there is one.
    if d.message.is_some() && d.data.iter().any(|x| x.value.as_deref() == Some("...")) {
        d.data.clear();
    }
    Ok(d)
}

fn is_message(props: &[(&'static str, String)]) -> bool {
    props.last().is_some_and(|(n, _)| *n == "Message")
}

fn take<R: Read>(lines: &mut Lines<R>, d: &mut Draft, line: &TextLine, taken: &mut usize) {
    lines.next_line();
    d.push_raw(line);
    *taken += 1;
}

/// `{a, b, c}` as data items (`...` marks a list PowerShell cut).
fn replacement_strings(value: &str) -> Vec<EventData> {
    let Some(inner) = value
        .trim()
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
    else {
        return Vec::new();
    };
    if inner.trim().is_empty() {
        return Vec::new();
    }
    let mut items: Vec<String> = inner
        .split(", ")
        .take(MAX_ITEMS)
        .map(str::to_string)
        .collect();
    if let Some(last) = items.last_mut() {
        if let Some(cut) = last.strip_suffix("...") {
            *last = cut.to_string();
            items.push("...".into());
        }
    }
    items
        .into_iter()
        .map(|v| EventData {
            name: None,
            value: (v != "(NULL)").then_some(v),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_lines() {
        assert_eq!(
            property_line("TimeCreated  : 8/30/2016 5:21:37 PM").map(|p| (p.0, p.2)),
            Some(("TimeCreated", "8/30/2016 5:21:37 PM"))
        );
        assert_eq!(
            property_line("Message      : ").map(|p| p.0),
            Some("Message")
        );
        assert!(property_line("   continued : text").is_none());
        assert!(property_line("Product: X -- Installation failed.").is_none());
    }

    #[test]
    fn replacement_strings_are_items() {
        let d = replacement_strings("{EMET 5.51, 5.51, 1033, 1603...}");
        assert_eq!(d.len(), 5);
        assert_eq!(d[3].value.as_deref(), Some("1603"));
        assert_eq!(d[4].value.as_deref(), Some("..."));
        assert!(replacement_strings("{}").is_empty());
    }
}
