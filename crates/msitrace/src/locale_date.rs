//! Numeric dates in the machine's locale order (`4/5/2022`: April 5 in en-US, May 4 in most other
//! locales). One reader for every source: a date that proves its order (a day above 12, year
//! first) decides itself; an ambiguous one follows the user's setting or an order inferred from
//! other inputs, else it is read month-first and the ambiguity is reported in one wording
//! ([`NumericDate::choose_order`]).

use chrono::NaiveDate;
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

/// A numeric date as written in a log (`4/5/2022`, `31.10.2023`, `2023-10-31`), before its
/// locale order is known.
///
/// ```
/// use msitrace::locale_date::{DateOrder, NumericDate};
/// let d = NumericDate::parse("31/10/2023").unwrap();
/// assert_eq!(d.implied_order(), Some(DateOrder::DayFirst));
/// let d = NumericDate::parse("4/5/2022").unwrap();
/// assert!(d.is_ambiguous());
/// assert_eq!(d.resolve(DateOrder::DayFirst).unwrap().to_string(), "2022-05-04");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumericDate {
    first: u32,
    second: u32,
    year: i32,
    year_first: bool,
}

impl NumericDate {
    /// Parse `M/D/YYYY`, `D/M/YYYY`, `D.M.YYYY`, `D-M-YYYY`, `YYYY-MM-DD` (unpadded allowed).
    pub fn parse(text: &str) -> Option<NumericDate> {
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
            return Some(NumericDate {
                first: b,
                second: c,
                year: a as i32,
                year_first: true,
            });
        }
        let year = if parts[2].len() <= 2 { 2000 + c } else { c } as i32;
        Some(NumericDate {
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

    /// The order to read this date in: its own proof, else `preferred` (the user's setting or an
    /// order inferred from other inputs), else month-first. The second value says, in the one
    /// wording every source uses, when the date was ambiguous and how it was read.
    ///
    /// ```
    /// use msitrace::locale_date::{DateOrder, NumericDate};
    /// let (order, note) = NumericDate::parse("4/5/2022").unwrap().choose_order(None);
    /// assert_eq!(order, DateOrder::MonthFirst);
    /// assert!(note.unwrap().contains("ambiguous (2022-04-05 or 2022-05-04)"));
    /// let (order, note) = NumericDate::parse("31.10.2023").unwrap().choose_order(None);
    /// assert_eq!((order, note), (DateOrder::DayFirst, None));
    /// ```
    pub fn choose_order(&self, preferred: Option<DateOrder>) -> (DateOrder, Option<String>) {
        match (self.implied_order(), preferred) {
            (Some(o), _) | (None, Some(o)) => (o, None),
            (None, None) => {
                let (md, dm) = self.readings();
                let show = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
                let note = format!(
                    "is ambiguous ({} or {}); read as {} for lack of other evidence",
                    show(md),
                    show(dm),
                    DateOrder::MonthFirst
                );
                (DateOrder::MonthFirst, Some(note))
            }
        }
    }
}
