//! A capture read whole ([`CaptureRead`]) handed on to the analysis as an [`EventStream`]: its
//! kept events (range by range, each range freed once handed on), then its row errors.

use super::CaptureRead;
use crate::event::Event;
use crate::source::procmon::CaptureTally;
use crate::source::{EventStream, SourceError, StreamSummary};

/// A capture read whole ([`CaptureRead`]) handed on as a stream: its events, then its row errors.
pub(crate) struct CapturedRows {
    /// The events being handed on, then those of each range read apart, in order; each range's
    /// memory is freed once it is handed on.
    events: std::vec::IntoIter<Event>,
    ranges: std::vec::IntoIter<Vec<Event>>,
    /// Events not handed on yet.
    left: usize,
    errors: std::vec::IntoIter<SourceError>,
    lines: u64,
    tally: CaptureTally,
    form: Option<String>,
    notes: Vec<String>,
}

impl CapturedRows {
    /// The same rows, with the form read and notes on the reading for the summary.
    pub(crate) fn with_form(mut self, form: String, notes: Vec<String>) -> Self {
        self.form = Some(form);
        self.notes = notes;
        self
    }

    /// The same rows, followed by the kept events of ranges read apart (in order).
    pub(super) fn with_ranges(mut self, ranges: Vec<Vec<Event>>) -> Self {
        self.left += ranges.iter().map(Vec::len).sum::<usize>();
        self.ranges = ranges.into_iter();
        self
    }

    fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.events.next() {
                self.left -= 1;
                return Some(e);
            }
            self.events = self.ranges.next()?.into_iter();
        }
    }
}

impl From<CaptureRead> for CapturedRows {
    fn from(read: CaptureRead) -> Self {
        CapturedRows {
            left: read.events.len(),
            events: read.events.into_iter(),
            ranges: Vec::new().into_iter(),
            errors: read.errors.into_iter(),
            lines: read.lines,
            tally: read.tally,
            form: None,
            notes: Vec::new(),
        }
    }
}

impl Iterator for CapturedRows {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_event()
            .map(Ok)
            .or_else(|| self.errors.next().map(Err))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.left + self.errors.len();
        (n, Some(n))
    }
}

impl EventStream for CapturedRows {
    fn finish(self: Box<Self>) -> StreamSummary {
        StreamSummary {
            lines: self.lines,
            capture: Some(self.tally),
            form: self.form,
            notes: self.notes,
            ..Default::default()
        }
    }
}
