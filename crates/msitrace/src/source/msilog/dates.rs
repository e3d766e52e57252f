//! The session clock of an MSI log: the header date (read with [`crate::locale_date`]) moved on
//! at midnight.

use super::ParseWarning;
use crate::event::*;
use crate::locale_date::{DateOrder, NumericDate};
use chrono::{Duration, NaiveDate, NaiveTime};

/// The date of the current logging session and the midnight rollovers seen since its header.
#[derive(Debug, Default)]
pub(super) struct SessionClock {
    pub(super) date: Option<NaiveDate>,
    pub(super) last: Option<NaiveTime>,
}

impl SessionClock {
    /// The stamp of an entry: its own time, or for an entry without one (`Error 1920.` lines,
    /// custom-action output) the time of the last entry that had one, which is when it was
    /// written to within the log's resolution.
    pub(super) fn stamp(&mut self, time: Option<NaiveTime>) -> Stamp {
        let Some(time) = time else {
            return match self.last {
                Some(last) => Stamp::local(self.date, last),
                None => Stamp::none(),
            };
        };
        if let (Some(last), Some(date)) = (self.last, self.date) {
            // Times only go back by many hours when the clock passed midnight.
            if last > time && last.signed_duration_since(time) > Duration::hours(12) {
                self.date = date.succ_opt();
            }
        }
        self.last = Some(time);
        Stamp::local(self.date, time)
    }

    /// Start a new logging session at a `started` boundary; returns a warning when its date is
    /// unreadable or ambiguous.
    pub(super) fn reset(
        &mut self,
        line: u64,
        b: &LogBoundary,
        time: Option<NaiveTime>,
        preferred: Option<DateOrder>,
    ) -> Option<ParseWarning> {
        if !b.started {
            return None;
        }
        *self = SessionClock::default();
        let Some(date) = NumericDate::parse(&b.date_text) else {
            return Some(ParseWarning {
                line,
                message: format!(
                    "header date '{}' is not a date; times have no date",
                    b.date_text
                ),
            });
        };
        let (order, note) = date.choose_order(preferred);
        let warning = note.map(|note| ParseWarning {
            line,
            message: format!("header date '{}' {note}", b.date_text),
        });
        self.date = date.resolve(order);
        self.last = time;
        warning
    }
}
