//! The event-log text copy reader as registered, and detection of its forms.

use super::*;

/// The event-log text copy reader as registered in [`crate::source::SOURCES`].
pub struct EventTextSource;

impl Source for EventTextSource {
    fn format(&self) -> Format {
        Format::EventText
    }

    fn feeds(&self) -> Feeds {
        Feeds::EventLog
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Local
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        detect_head(sniff.head, sniff.encoding).map(|_| Recognised::Probable)
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        let settings = EventTextSettings {
            date_order: opening.date_order,
        };
        Ok(Box::new(EventTextStream {
            reader: EventTextReader::new(
                opening.reader()?,
                opening.encoding,
                opening.input,
                settings,
            ),
            skipped: 0,
        }))
    }
}

/// A copy read as a stream: its records and the damaged ones skipped.
struct EventTextStream<R> {
    reader: EventTextReader<R>,
    skipped: u64,
}

impl<R: Read> Iterator for EventTextStream<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.reader.next()?;
        self.skipped += u64::from(item.is_err());
        Some(item)
    }
}

impl<R: Read + Send> EventStream for EventTextStream<R> {
    fn finish(self: Box<Self>) -> StreamSummary {
        let summary = self.reader.describe();
        StreamSummary {
            lines: self.reader.lines_read(),
            records: Some(RecordCounts {
                read: summary.events,
                decoded: summary.events,
                counted: Default::default(),
                skipped: self.skipped,
            }),
            form: Some(summary.to_string()),
            notes: summary.notes,
            ..Default::default()
        }
    }
}

/// What [`detect_head`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTextDetected {
    /// The first form found.
    pub form: EventTextForm,
    /// The language of its labels, when they tell.
    pub language: Option<Language>,
}

/// Recognise event-log text copies from the first kilobytes of an input (decoded): a block of
/// Event Viewer labels with an event id and a source, a `wevtutil` `Event[0]:` block, an XML view
/// (`- <Event xmlns=...>`), a `Format-List` of events, or the header of a saved event list.
///
/// ```
/// use msitrace::source::eventtext::{detect_head, EventTextForm};
/// use msitrace::source::TextEncoding;
/// let head = "Log Name:      System\nSource:        Service Control Manager\nEvent ID:      7000\n";
/// assert_eq!(detect_head(head.as_bytes(), TextEncoding::Utf8).unwrap().form, EventTextForm::General);
/// assert!(detect_head(b"just some notes\n", TextEncoding::Utf8).is_none());
/// ```
pub fn detect_head(head: &[u8], encoding: TextEncoding) -> Option<EventTextDetected> {
    let mut lines: Lines<&[u8]> = Lines::new(head, encoding);
    let mut votes = Votes::default();
    let mut seen = 0;
    let mut general_fields: Vec<labels::Field> = Vec::new();
    let mut first_nonblank = true;
    while seen < 400 {
        let Some(line) = lines.peek(0).cloned() else {
            break;
        };
        seen += 1;
        let text = line.trimmed().to_string();
        if text.is_empty() {
            lines.next_line();
            continue;
        }
        if first_nonblank {
            first_nonblank = false;
            if let Some(h) = csv::read_header(&text) {
                return Some(EventTextDetected {
                    form: EventTextForm::SavedList,
                    language: h.languages.first().copied(),
                });
            }
        }
        if xmlview::is_event_start(&text) {
            return Some(EventTextDetected {
                form: EventTextForm::XmlView,
                language: votes.best(),
            });
        }
        if general::is_wevtutil_start(&text)
            && lines
                .peek_text(1, 3)
                .is_some_and(|l| general::label_line(l.trimmed()).is_some())
        {
            return Some(EventTextDetected {
                form: EventTextForm::Wevtutil,
                language: votes.best(),
            });
        }
        if let Some((field, langs, _)) = general::label_line(&text) {
            votes.add(&langs);
            if !general_fields.contains(&field) {
                general_fields.push(field);
            }
            let has = |f| general_fields.contains(&f);
            if has(labels::Field::EventId)
                && (has(labels::Field::Source) || has(labels::Field::LogName))
            {
                return Some(EventTextDetected {
                    form: EventTextForm::General,
                    language: votes.best(),
                });
            }
        }
        if formatlist::starts_record(&mut lines) {
            return Some(EventTextDetected {
                form: EventTextForm::FormatList,
                language: None,
            });
        }
        lines.next_line();
    }
    None
}
