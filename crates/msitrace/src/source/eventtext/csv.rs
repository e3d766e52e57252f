//! Event Viewer's "Save All Events As..." / "Save Selected Events..." as CSV (comma-separated) or
//! as text (tab-delimited): a header of localized column names — `Level`, `Date and Time`,
//! `Source`, `Event ID`, `Task Category` — and one row per event with the message as the last,
//! unnamed field (quoted, line breaks included). The log name is not in the export: the channel
//! is taken from the provider ([`super::labels::channel_of`]).

use super::labels::{field_of, languages_of, level_of, Field, Language};
use super::{date, Draft, EventTextForm, Lines, Votes, MAX_MESSAGE, MAX_RECORD_LINES};
use crate::source::SourceError;
use std::io::Read;

/// The header of a saved event list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedListHeader {
    /// The field separator (`,` or tab).
    pub delimiter: char,
    /// What each column holds (`None` for a column the reader does not use).
    pub columns: Vec<Option<Field>>,
    /// The languages the column names are written in.
    pub languages: Vec<Language>,
}

/// Read the header line of a saved event list: its columns must name the level, the source and
/// the event id (in any language).
///
/// ```
/// use msitrace::source::eventtext::csv::read_header;
/// let h = read_header("Ebene,Datum und Uhrzeit,Quelle,Ereignis-ID,Aufgabenkategorie").unwrap();
/// assert_eq!((h.delimiter, h.columns.len()), (',', 5));
/// assert!(read_header("Level\tDate and Time\tSource\tEvent ID\tTask Category").is_some());
/// assert!(read_header("a,b,c,d").is_none());
/// ```
pub fn read_header(text: &str) -> Option<SavedListHeader> {
    for delimiter in [',', '\t', ';'] {
        let names = split_fields(text, delimiter);
        if names.len() < 4 || names.len() > 12 {
            continue;
        }
        let columns: Vec<Option<Field>> =
            names.iter().map(|n| field_of(n).map(|(f, _)| f)).collect();
        let has = |f| columns.contains(&Some(f));
        if has(Field::Source)
            && has(Field::EventId)
            && (has(Field::Level) || has(Field::DateAndTime))
        {
            let mut languages: Vec<Language> = Vec::new();
            for n in &names {
                let langs = languages_of(n);
                if langs.len() == 1 && !languages.contains(&langs[0]) {
                    languages.push(langs[0]);
                }
            }
            return Some(SavedListHeader {
                delimiter,
                columns,
                languages,
            });
        }
    }
    None
}

/// Read the next row (a quoted message may span lines); `None` at the end of the input.
pub(crate) fn read_row<R: Read>(
    lines: &mut Lines<R>,
    header: &SavedListHeader,
    votes: &mut Votes,
) -> Option<Result<Draft, SourceError>> {
    let first = lines.next_line()?;
    let mut d = Draft::at(first.number, EventTextForm::SavedList);
    d.push_raw(&first);
    let mut text = first.text.clone();
    let mut taken = 1;
    while text.matches('"').count() % 2 == 1 {
        if taken >= MAX_RECORD_LINES || text.len() > MAX_MESSAGE {
            d.notes
                .push(format!("row at line {} has an unclosed quote: cut", d.line));
            break;
        }
        let Some(next) = lines.next_line() else {
            d.notes.push(format!(
                "row at line {} ends inside its quoted message (cut copy)",
                d.line
            ));
            break;
        };
        d.push_raw(&next);
        text.push('\n');
        text.push_str(&next.text);
        taken += 1;
    }
    let fields = split_fields(&text, header.delimiter);
    if fields.len() < 4 {
        return Some(Err(SourceError::TextRecord {
            line: d.line,
            message: format!(
                "{} field(s) where the saved event list has {} columns and a message",
                fields.len(),
                header.columns.len()
            ),
        }));
    }
    let mut extra = Vec::new();
    for (i, value) in fields.iter().enumerate() {
        let v = value.trim();
        match header.columns.get(i).copied().flatten() {
            Some(Field::Level) => {
                if let Some((level, langs)) = level_of(v) {
                    d.level = Some(level);
                    votes.add(&langs);
                }
            }
            Some(Field::DateAndTime | Field::Date) => {
                d.date = date::read_date(v);
                d.date_scrubbed = d.date.is_none();
            }
            Some(Field::Source) => d.provider = Some(v.to_string()),
            Some(Field::EventId) => d.event_id = v.parse().ok(),
            Some(Field::LogName) => d.channel = Some(v.to_string()),
            Some(Field::Computer) => d.computer = Some(v.to_string()),
            Some(Field::Description) => extra.push(value.clone()),
            Some(_) => {}
            None if i >= header.columns.len() => extra.push(value.clone()),
            None => {}
        }
    }
    let message = extra.join(&header.delimiter.to_string());
    if !message.trim().is_empty() {
        d.message = Some(message.trim().to_string());
    }
    Some(Ok(d))
}

/// Split a CSV record: fields separated by `delimiter`, optionally quoted (`""` is a quote).
fn split_fields(text: &str, delimiter: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut at_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        if c == '"' && at_start {
            quoted = true;
            at_start = false;
            continue;
        }
        if c == delimiter {
            out.push(std::mem::take(&mut field));
            at_start = true;
            continue;
        }
        at_start = false;
        field.push(c);
    }
    out.push(field);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_delimiters_and_quotes() {
        assert_eq!(
            split_fields(
                "Error,1/2/2020 1:00:00 PM,X,7,None,\"a, \"\"b\"\"\nc\"",
                ','
            ),
            [
                "Error",
                "1/2/2020 1:00:00 PM",
                "X",
                "7",
                "None",
                "a, \"b\"\nc"
            ]
        );
        assert_eq!(split_fields("a\tb\t", '\t'), ["a", "b", ""]);
    }

    #[test]
    fn headers_in_languages() {
        for h in [
            "Level,Date and Time,Source,Event ID,Task Category",
            "Niveau,Date et heure,Source,ID de l'événement,Catégorie de la tâche",
            "Nivel,Fecha y hora,Origen,Id. del evento,Categoría de la tarea",
            "レベル\t日付と時刻\tソース\tイベント ID\tタスクのカテゴリ",
            "Уровень,Дата и время,Источник,Код события,Категория задачи",
        ] {
            assert!(read_header(h).is_some(), "{h}");
        }
    }
}
