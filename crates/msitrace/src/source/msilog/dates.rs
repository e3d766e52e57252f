//! Dates of an MSI log: the header date in the machine's locale order ([`HeaderDate`],
//! [`DateOrder`]) and the session clock that moves the date on at midnight.

use super::ParseWarning;
use crate::event::*;
use chrono::{Duration, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// Order of day and month in a numeric date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    /// `M/D/YYYY` (en-US).
    MonthFirst,
    /// `D/M/YYYY` (most other locales).
    DayFirst,
}

impl std::fmt::Display for DateOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DateOrder::MonthFirst => "month/day/year",
            DateOrder::DayFirst => "day/month/year",
        })
    }
}

/// A date as written in a log header, before its locale order is known.
///
/// ```
/// use msitrace::source::msilog::{HeaderDate, DateOrder};
/// let d = HeaderDate::parse("31/10/2023").unwrap();
/// assert_eq!(d.implied_order(), Some(DateOrder::DayFirst));
/// let d = HeaderDate::parse("4/5/2022").unwrap();
/// assert!(d.is_ambiguous());
/// assert_eq!(d.resolve(DateOrder::DayFirst).unwrap().to_string(), "2022-05-04");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderDate {
    pub(super) first: u32,
    pub(super) second: u32,
    pub(super) year: i32,
    pub(super) year_first: bool,
}

impl HeaderDate {
    /// Parse `M/D/YYYY`, `D/M/YYYY`, `D.M.YYYY`, `D-M-YYYY`, `YYYY-MM-DD` (unpadded allowed).
    pub fn parse(text: &str) -> Option<HeaderDate> {
        let parts: Vec<&str> = text
            .trim()
            .split(['/', '.', '-'])
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() != 3 || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let n = |s: &str| s.parse::<u32>().ok();
        let (a, b, c) = (n(parts[0])?, n(parts[1])?, n(parts[2])?);
        if parts[0].len() == 4 {
            return Some(HeaderDate {
                first: b,
                second: c,
                year: a as i32,
                year_first: true,
            });
        }
        let year = if parts[2].len() <= 2 { 2000 + c } else { c } as i32;
        Some(HeaderDate {
            first: a,
            second: b,
            year,
            year_first: false,
        })
    }

    /// The order this date proves by itself (a day above 12, year first, or day equal to month).
    pub fn implied_order(&self) -> Option<DateOrder> {
        if self.year_first || self.first == self.second {
            return Some(DateOrder::MonthFirst);
        }
        match (self.first > 12, self.second > 12) {
            (true, false) => Some(DateOrder::DayFirst),
            (false, true) => Some(DateOrder::MonthFirst),
            _ => None,
        }
    }

    /// True when both readings are valid and differ.
    pub fn is_ambiguous(&self) -> bool {
        self.implied_order().is_none()
    }

    /// The calendar date under an order (year-first dates ignore it).
    pub fn resolve(&self, order: DateOrder) -> Option<NaiveDate> {
        let (m, d) = match (self.year_first, order) {
            (true, _) | (false, DateOrder::MonthFirst) => (self.first, self.second),
            (false, DateOrder::DayFirst) => (self.second, self.first),
        };
        NaiveDate::from_ymd_opt(self.year, m, d)
    }

    /// Both readings, for reporting an ambiguity.
    pub fn readings(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        (
            self.resolve(DateOrder::MonthFirst),
            self.resolve(DateOrder::DayFirst),
        )
    }
}

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
        let Some(date) = HeaderDate::parse(&b.date_text) else {
            return Some(ParseWarning {
                line,
                message: format!(
                    "header date '{}' is not a date; times have no date",
                    b.date_text
                ),
            });
        };
        let mut warning = None;
        let order = match (date.implied_order(), preferred) {
            (Some(o), _) | (None, Some(o)) => o,
            (None, None) => {
                let (md, dm) = date.readings();
                let show = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
                warning = Some(ParseWarning {
                    line,
                    message: format!(
                        "header date '{}' is ambiguous ({} or {}); read as month/day/year for lack of other evidence",
                        b.date_text,
                        show(md),
                        show(dm)
                    ),
                });
                DateOrder::MonthFirst
            }
        };
        self.date = date.resolve(order);
        self.last = time;
        warning
    }
}
