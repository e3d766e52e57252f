//! Process Monitor times: `Time of Day` in 12-hour (`7:19:37.0147934 AM`) or 24-hour form with a
//! dot or comma before the fraction (`15:42:22,8459553`), 100 ns kept; `Date & Time` in the
//! machine's locale (`7/31/2020 6:55:07 AM`, `31.07.2020 18:55:07`, `2020-07-31 18:55:07`).

use crate::locale_date::{DateOrder, NumericDate};
use chrono::{NaiveDate, NaiveTime};

/// Parse a `Time of Day` value.
///
/// ```
/// use msitrace::source::procmon::clock::time_of_day;
/// use chrono::Timelike;
/// let t = time_of_day("7:19:37.0147934 PM").unwrap();
/// assert_eq!((t.hour(), t.minute(), t.second(), t.nanosecond()), (19, 19, 37, 14_793_400));
/// assert_eq!(time_of_day("15:42:22,8459553").unwrap().nanosecond(), 845_955_300);
/// assert!(time_of_day("25:00:00").is_none());
/// ```
pub fn time_of_day(text: &str) -> Option<NaiveTime> {
    let t = text.trim();
    let split = t.len().checked_sub(2).filter(|&i| t.is_char_boundary(i));
    let (clock, meridiem) = match split.map(|i| t.split_at(i)) {
        Some((head, tail)) if tail.eq_ignore_ascii_case("AM") => (head.trim_end(), Some(false)),
        Some((head, tail)) if tail.eq_ignore_ascii_case("PM") => (head.trim_end(), Some(true)),
        _ => (t, None),
    };
    let (hms, fraction) = match clock.find(['.', ',']) {
        Some(at) => (&clock[..at], &clock[at + 1..]),
        None => (clock, ""),
    };
    let mut parts = hms.split(':');
    let h: u32 = small_number(parts.next()?, 2)?;
    let m: u32 = small_number(parts.next()?, 2)?;
    let s: u32 = small_number(parts.next()?, 2)?;
    if parts.next().is_some() || fraction.len() > 9 {
        return None;
    }
    let mut nanos = 0u32;
    for (i, b) in fraction.bytes().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        nanos += (b - b'0') as u32 * 10u32.pow(8 - i as u32);
    }
    let h = match meridiem {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
    };
    NaiveTime::from_hms_nano_opt(h, m, s, nanos)
}

/// One or two ASCII digits (or up to `max` digits).
fn small_number(text: &str, max: usize) -> Option<u32> {
    if text.is_empty() || text.len() > max || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The date of a `Date & Time` value, read with the one locale date reader
/// ([`crate::locale_date`]): a date that proves its order decides itself (`31/07/2020`,
/// `2020-07-31`); otherwise `/` is read as the US month-first form and `.` or `-` day-first, the
/// conventions of the locales that write them. The second value reports an ambiguous `/` date.
///
/// ```
/// use msitrace::source::procmon::clock::date_of;
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2020, 7, 31).unwrap();
/// assert_eq!(date_of("7/31/2020 6:55:07 AM").0, Some(d));
/// assert_eq!(date_of("31.07.2020 18:55:07").0, Some(d));
/// assert_eq!(date_of("2020-07-31 18:55:07").0, Some(d));
/// assert_eq!(date_of("31/07/2020 18:55:07").0, Some(d));
/// assert!(date_of("4/5/2020 18:55:07").1.unwrap().contains("ambiguous"));
/// ```
pub fn date_of(text: &str) -> (Option<NaiveDate>, Option<String>) {
    let Some(token) = text.split_whitespace().next() else {
        return (None, None);
    };
    let Some(date) = NumericDate::parse(token) else {
        return (None, None);
    };
    let conventional = (!token.contains('/')).then_some(DateOrder::DayFirst);
    let (order, note) = date.choose_order(conventional);
    (
        date.resolve(order),
        note.map(|n| format!("date '{token}' {n}")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn time_forms() {
        let cases = [
            ("3:58:46.6882889 PM", (15, 58, 46, 688_288_900)),
            ("12:00:01.0000001 AM", (0, 0, 1, 100)),
            ("12:30:00.5 PM", (12, 30, 0, 500_000_000)),
            ("18:40:23.1038915", (18, 40, 23, 103_891_500)),
            ("16:53:03,6001516", (16, 53, 3, 600_151_600)),
            ("7:37:18 AM", (7, 37, 18, 0)),
        ];
        for (text, (h, m, s, n)) in cases {
            let t = time_of_day(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(
                (t.hour(), t.minute(), t.second(), t.nanosecond()),
                (h, m, s, n)
            );
        }
        for bad in [
            "",
            "13:00:00 PM",
            "1:2",
            "a:b:c",
            "10:00:00.1234567890",
            "1:00:00:00",
            "1:00:0。",
        ] {
            assert!(time_of_day(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn date_forms() {
        assert_eq!(
            date_of("7/12/2020 1:18:10 AM").0,
            NaiveDate::from_ymd_opt(2020, 7, 12)
        );
        assert_eq!(
            date_of("21-11-2016 16:10:56").0,
            NaiveDate::from_ymd_opt(2016, 11, 21)
        );
        assert_eq!(date_of("n/a"), (None, None));
        assert_eq!(date_of(""), (None, None));
    }
}
