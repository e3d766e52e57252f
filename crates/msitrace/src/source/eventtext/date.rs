//! Dates as Event Viewer, `wevtutil` and PowerShell print them in the machine's regional format.
//!
//! The grammar is numeric, whatever the language: three date numbers (year first, or last), then
//! hours, minutes, seconds and an optional fraction, with an optional 12-hour marker before or
//! after the time (`PM`, `p. m.`, `午後`, `오후`, `下午`, see [`super::labels::MERIDIEM`]) and any
//! separators (`/`, `.`, `-`, `年月日`, a weekday name is ignored). An ISO form with `Z` or an
//! offset is a UTC instant.
//!
//! When the year comes last, the day and month order is not written: a day above 12 proves it
//! for the whole file ([`ReadDate::proves`]); otherwise [`DateResolver`] holds the events back
//! until a date proves the order, and otherwise decides by the separator and the language and
//! says so in a note.

use super::labels::{Language, MERIDIEM};
use crate::source::msilog::DateOrder;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// A date read from a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadDate {
    /// An instant with a zone (`2016-08-30T15:21:37.000Z`).
    Utc(DateTime<Utc>),
    /// Local wall-clock time with one possible reading.
    Local(NaiveDateTime, Option<DateOrder>),
    /// Local wall-clock time whose day and month may be either way round.
    Ambiguous {
        /// Read month first (`8/9/2016` = August 9).
        month_first: NaiveDateTime,
        /// Read day first (`8/9/2016` = 8 September).
        day_first: NaiveDateTime,
        /// The separator between the date numbers (`/`, `.`, `-`).
        separator: char,
    },
}

impl ReadDate {
    /// The day/month order this date proves (a day above 12 written first or second).
    pub fn proves(&self) -> Option<DateOrder> {
        match self {
            ReadDate::Local(_, proof) => *proof,
            _ => None,
        }
    }

    /// The local date and time read with a day/month order.
    pub fn with_order(&self, order: DateOrder) -> Option<NaiveDateTime> {
        match *self {
            ReadDate::Utc(_) => None,
            ReadDate::Local(t, _) => Some(t),
            ReadDate::Ambiguous {
                month_first,
                day_first,
                ..
            } => Some(match order {
                DateOrder::MonthFirst => month_first,
                DateOrder::DayFirst => day_first,
            }),
        }
    }
}

/// Read a date and time as a copy wrote it; `None` for text that holds no date (a scrubbed
/// `<Datetime>` placeholder, `datetime`, `N/A`).
///
/// ```
/// use msitrace::source::eventtext::date::{read_date, ReadDate};
/// use chrono::NaiveDate;
/// let t = NaiveDate::from_ymd_opt(2016, 8, 30).unwrap().and_hms_opt(17, 21, 37).unwrap();
/// assert!(matches!(read_date("8/30/2016 5:21:37 PM"), Some(ReadDate::Local(x, _)) if x == t));
/// assert!(matches!(read_date("30.08.2016 17:21:37"), Some(ReadDate::Local(x, _)) if x == t));
/// assert!(matches!(read_date("2016/08/30 17:21:37"), Some(ReadDate::Local(x, _)) if x == t));
/// assert!(matches!(read_date("2016-08-30 오후 5:21:37"), Some(ReadDate::Local(x, _)) if x == t));
/// assert!(matches!(read_date("2016/8/30 下午 05:21:37"), Some(ReadDate::Local(x, _)) if x == t));
/// assert!(matches!(read_date("9/8/2016 17:21:37"), Some(ReadDate::Ambiguous { .. })));
/// assert!(read_date("<Datetime>").is_none());
/// ```
pub fn read_date(text: &str) -> Option<ReadDate> {
    let t = text.trim();
    if t.is_empty() || t.len() > 80 {
        return None;
    }
    if let Some(utc) = read_iso_instant(t) {
        return Some(ReadDate::Utc(utc));
    }
    let (rest, pm) = take_meridiem(t);
    let mut numbers: Vec<(u64, usize)> = Vec::with_capacity(8);
    let mut separator = None;
    let mut fraction = None;
    let mut current: Option<(u64, usize)> = None;
    let mut previous: Option<char> = None;
    for c in rest.chars() {
        if let Some(d) = c.to_digit(10) {
            let (v, n) = current.unwrap_or((0, 0));
            if n >= 10 {
                return None;
            }
            current = Some((v * 10 + d as u64, n + 1));
        } else {
            if let Some(num) = current.take() {
                if numbers.len() == 5 && matches!(previous, Some('.' | ',')) {
                    fraction = Some(num);
                } else {
                    numbers.push(num);
                }
            }
            if numbers.len() == 1 && separator.is_none() && matches!(c, '/' | '.' | '-') {
                separator = Some(c);
            }
            previous = Some(c);
        }
    }
    if let Some(num) = current.take() {
        if numbers.len() == 6 && matches!(previous, Some('.' | ',')) {
            fraction = Some(num);
        } else {
            numbers.push(num);
        }
    }
    // Anything after the seconds (a zone written as `+0200`) is not part of the local time.
    numbers.truncate(6);
    if !(5..=6).contains(&numbers.len()) {
        return None;
    }
    let (h, m) = (numbers[3].0 as u32, numbers[4].0 as u32);
    let s = numbers.get(5).map_or(0, |n| n.0 as u32);
    let h = match pm {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
    };
    let nanos = fraction.map_or(0, |(v, digits)| {
        if digits == 0 || digits > 9 {
            0
        } else {
            (v * 10u64.pow(9 - digits as u32)) as u32
        }
    });
    let time = NaiveTime::from_hms_nano_opt(h, m, s, nanos)?;
    let (a, b, c) = (numbers[0], numbers[1], numbers[2]);
    let year = |(v, n): (u64, usize)| -> Option<i32> {
        match n {
            4 => Some(v as i32),
            2 => Some(2000 + v as i32),
            _ => None,
        }
    };
    let date = |y: i32, m: u64, d: u64| NaiveDate::from_ymd_opt(y, m as u32, d as u32);
    if a.1 == 4 {
        let d = date(a.0 as i32, b.0, c.0)?;
        return Some(ReadDate::Local(d.and_time(time), None));
    }
    let y = year(c)?;
    let md = date(y, a.0, b.0).map(|d| d.and_time(time));
    let dm = date(y, b.0, a.0).map(|d| d.and_time(time));
    match (md, dm) {
        (Some(md), Some(dm)) if md == dm => Some(ReadDate::Local(md, None)),
        (Some(md), Some(dm)) => Some(ReadDate::Ambiguous {
            month_first: md,
            day_first: dm,
            separator: separator.unwrap_or('/'),
        }),
        (Some(md), None) => Some(ReadDate::Local(md, Some(DateOrder::MonthFirst))),
        (None, Some(dm)) => Some(ReadDate::Local(dm, Some(DateOrder::DayFirst))),
        (None, None) => None,
    }
}

/// `2016-08-30T15:21:37.0000000Z` or with an offset: an instant.
fn read_iso_instant(t: &str) -> Option<DateTime<Utc>> {
    if t.len() < 20 || !t.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let zoned = t.ends_with('Z')
        || t.ends_with('z')
        || t.get(t.len() - 6..).is_some_and(|tail| {
            (tail.starts_with('+') || tail.starts_with('-')) && tail.get(3..4) == Some(":")
        });
    if !zoned {
        return None;
    }
    crate::source::eventxml::parse_system_time(t)
}

/// Remove a 12-hour marker from the text: the rest and whether it says afternoon.
fn take_meridiem(t: &str) -> (String, Option<bool>) {
    for (marker, pm) in MERIDIEM {
        let Some(at) = find_word(t, marker) else {
            continue;
        };
        let mut rest = String::with_capacity(t.len());
        rest.push_str(&t[..at]);
        rest.push(' ');
        rest.push_str(&t[at + marker.len()..]);
        return (rest, Some(*pm));
    }
    (t.to_string(), None)
}

/// Where `marker` stands as a word of its own in `t` (ASCII case ignored): not inside a longer
/// run of letters (`AM` in `Amsterdam` is no marker).
fn find_word(t: &str, marker: &str) -> Option<usize> {
    if !marker.is_ascii() {
        // CJK markers stand next to digits and date characters (`30日下午5:21`).
        return t.find(marker);
    }
    // ASCII lowering keeps every byte where it is.
    let lower = t.to_ascii_lowercase();
    let m = marker.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&m) {
        let at = from + i;
        let before = t[..at].chars().next_back();
        let after = t[at + m.len()..].chars().next();
        let alpha = |c: Option<char>| c.is_some_and(char::is_alphabetic);
        if !alpha(before) && !alpha(after) {
            return Some(at);
        }
        from = at + m.len().max(1);
    }
    None
}

/// Decides the day/month order of the ambiguous dates of one input, holding events back until a
/// date proves it (at most [`DateResolver::MAX_HELD`]).
#[derive(Debug)]
pub struct DateResolver {
    order: Option<DateOrder>,
    /// Where the order came from, for the note.
    source: OrderSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrderSource {
    Unknown,
    Given,
    Proven,
    Assumed,
}

impl DateResolver {
    /// Most events held back while waiting for a date that proves the order.
    pub const MAX_HELD: usize = 256;

    /// A resolver; `given` is the order the user named, if any.
    pub fn new(given: Option<DateOrder>) -> Self {
        DateResolver {
            order: given,
            source: if given.is_some() {
                OrderSource::Given
            } else {
                OrderSource::Unknown
            },
        }
    }

    /// The order decided so far.
    pub fn order(&self) -> Option<DateOrder> {
        self.order
    }

    /// Learn from one date; true when this decided the order.
    pub fn learn(&mut self, date: &ReadDate) -> bool {
        if self.order.is_some() {
            return false;
        }
        if let Some(o) = date.proves() {
            self.order = Some(o);
            self.source = OrderSource::Proven;
            return true;
        }
        false
    }

    /// Decide without proof: by the separator (`.` and `-` are written day-first) and the
    /// language (only English is written month-first); returns the note to report.
    pub fn assume(&mut self, separator: char, language: Option<Language>) -> String {
        let order = if separator == '/' && language.is_none_or(Language::month_first) {
            DateOrder::MonthFirst
        } else {
            DateOrder::DayFirst
        };
        self.order = Some(order);
        self.source = OrderSource::Assumed;
        let why = match (separator, language) {
            ('/', Some(l)) => format!("the usual order of {l} copies"),
            ('/', None) => "the US order".to_string(),
            (s, _) => format!("dates written with '{s}' are day first"),
        };
        format!("dates read {order} ({why}); no date in the copy proves the day/month order")
    }

    /// True when the order was assumed rather than given or proven.
    pub fn assumed(&self) -> bool {
        self.source == OrderSource::Assumed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};

    fn local(text: &str) -> NaiveDateTime {
        match read_date(text) {
            Some(ReadDate::Local(t, _)) => t,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn regional_formats() {
        let t = NaiveDate::from_ymd_opt(2016, 8, 30)
            .unwrap()
            .and_hms_opt(17, 21, 37)
            .unwrap();
        for text in [
            "8/30/2016 5:21:37 PM",
            "30/08/2016 17:21:37",
            "30.08.2016 17:21:37",
            "30-8-2016 17:21:37",
            "2016-08-30 17:21:37",
            "2016/08/30 17:21:37",
            "2016年8月30日 17:21:37",
            "2016/08/30 午後 5:21:37",
            "2016. 8. 30. 오후 5:21:37",
            "30/08/2016 5:21:37 p. m.",
            "30/08/2016 05:21:37 p.m.",
            "Tuesday, August 30, 2016 5:21:37 PM",
        ] {
            if text.starts_with("Tuesday") {
                // Month names are not read: the date has only two numbers.
                assert!(read_date(text).is_none(), "{text}");
                continue;
            }
            assert_eq!(local(text), t, "{text}");
        }
    }

    #[test]
    fn midnight_and_noon_in_twelve_hour_clocks() {
        assert_eq!(local("8/30/2016 12:05:00 AM").hour(), 0);
        assert_eq!(local("8/30/2016 12:05:00 PM").hour(), 12);
        assert_eq!(local("2016/08/30 午前 12:05:00").hour(), 0);
        assert!(read_date("8/30/2016 13:05:00 PM").is_none());
    }

    #[test]
    fn fractions_and_iso() {
        let t = local("2016-08-30T17:21:37.123");
        assert_eq!(t.nanosecond(), 123_000_000);
        match read_date("2016-08-30T15:21:37.0000000Z") {
            Some(ReadDate::Utc(u)) => assert_eq!(u.hour(), 15),
            other => panic!("{other:?}"),
        }
        assert_eq!(local("30.08.2016 17:21:37,5").nanosecond(), 500_000_000);
    }

    #[test]
    fn proofs_and_ambiguity() {
        assert_eq!(
            read_date("8/30/2016 5:21:37 PM").unwrap().proves(),
            Some(DateOrder::MonthFirst)
        );
        assert_eq!(
            read_date("30/8/2016 17:21:37").unwrap().proves(),
            Some(DateOrder::DayFirst)
        );
        let Some(ReadDate::Ambiguous {
            month_first,
            day_first,
            separator,
        }) = read_date("9/8/2016 17:21:37")
        else {
            panic!()
        };
        assert_eq!(
            (month_first.month(), day_first.month(), separator),
            (9, 8, '/')
        );
    }

    #[test]
    fn placeholders_are_no_dates() {
        for t in [
            "datetime",
            "<Datetime>",
            "N/A",
            "",
            "[DateTime]",
            "yyyy/mm/dd hh:mm:ss",
        ] {
            assert!(read_date(t).is_none(), "{t}");
        }
    }

    #[test]
    fn the_resolver_assumes_by_separator_and_language() {
        let mut r = DateResolver::new(None);
        let note = r.assume('.', Some(Language::English));
        assert_eq!(r.order(), Some(DateOrder::DayFirst));
        assert!(
            note.contains("day first") || note.contains("day/month"),
            "{note}"
        );
        let mut r = DateResolver::new(None);
        r.assume('/', Some(Language::English));
        assert_eq!(r.order(), Some(DateOrder::MonthFirst));
        let mut r = DateResolver::new(None);
        r.assume('/', Some(Language::French));
        assert_eq!(r.order(), Some(DateOrder::DayFirst));
        let mut r = DateResolver::new(None);
        assert!(r.learn(&read_date("13/1/2016 1:00:00").unwrap()));
        assert_eq!(r.order(), Some(DateOrder::DayFirst));
    }
}
