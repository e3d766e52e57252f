//! Process Monitor times: `Time of Day` in 12-hour (`7:19:37.0147934 AM`) or 24-hour form with a
//! dot or comma before the fraction (`15:42:22,8459553`), 100 ns kept, with the day-half marker of
//! the machine's locale before or after the clock (`午後 1:00:00`, `1:00:00 p.m.`, see
//! [`MERIDIEM_MARKERS`]); `Date & Time` in the machine's locale (`7/31/2020 6:55:07 AM`,
//! `31.07.2020 18:55:07`, `2020-07-31 18:55:07`).

use crate::locale_date::{DateOrder, NumericDate};
use chrono::{NaiveDate, NaiveTime};

/// Day-half markers that locales write before or after a 12-hour clock, compared after
/// lowercasing and removing dots and blanks (`A.M.`, `a. m.` and `am` are one marker); `true` for
/// the afternoon.
pub const MERIDIEM_MARKERS: &[(&str, bool)] = &[
    ("am", false),
    ("pm", true),
    ("午前", false), // Japanese
    ("午後", true),
    ("오전", false), // Korean
    ("오후", true),
    ("上午", false), // Chinese
    ("下午", true),
    ("vorm", false), // German (vorm. / nachm.)
    ("nachm", true),
    ("πμ", false), // Greek (π.μ. / μ.μ.)
    ("μμ", true),
    ("ص", false), // Arabic
    ("م", true),
    ("قظ", false), // Persian (ق.ظ / ب.ظ)
    ("بظ", true),
    ("sa", false), // Vietnamese (SA / CH)
    ("ch", true),
    ("öö", false), // Turkish (ÖÖ / ÖS)
    ("ös", true),
    ("fm", false), // Swedish
    ("em", true),
    ("vm", false), // Afrikaans, Dutch
    ("nm", true),
    ("de", false), // Hungarian
    ("du", true),
    ("ap", false), // Finnish
    ("ip", true),
    ("dop", false), // Czech, Slovak
    ("odp", true),
    ("fh", false), // Icelandic
    ("eh", true),
    ("pd", false), // Albanian
    ("md", true),
    ("pg", false), // Malay
    ("ptg", true),
    ("yb", false), // Welsh
    ("yh", true),
    ("पूर्वाह्न", false), // Hindi
    ("अपराह्न", true),
    ("ก่อนเที่ยง", false), // Thai
    ("หลังเที่ยง", true),
];

/// Whether a day-half marker (see [`MERIDIEM_MARKERS`]) means the afternoon; `None` when it is
/// not one.
///
/// ```
/// use msitrace::source::procmon::clock::meridiem;
/// assert_eq!(meridiem("P.M."), Some(true));
/// assert_eq!(meridiem("午前"), Some(false));
/// assert_eq!(meridiem("nachm."), Some(true));
/// assert_eq!(meridiem("後"), None);
/// ```
pub fn meridiem(marker: &str) -> Option<bool> {
    // The English markers of nearly every export, without building a key.
    match marker {
        "AM" | "am" => return Some(false),
        "PM" | "pm" => return Some(true),
        _ => {}
    }
    let key: String = marker
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}' | '\u{202f}'))
        .flat_map(char::to_lowercase)
        .collect();
    MERIDIEM_MARKERS
        .iter()
        .find(|(m, _)| *m == key)
        .map(|(_, pm)| *pm)
}

/// Parse a `Time of Day` value.
///
/// ```
/// use msitrace::source::procmon::clock::time_of_day;
/// use chrono::Timelike;
/// let t = time_of_day("7:19:37.0147934 PM").unwrap();
/// assert_eq!((t.hour(), t.minute(), t.second(), t.nanosecond()), (19, 19, 37, 14_793_400));
/// assert_eq!(time_of_day("15:42:22,8459553").unwrap().nanosecond(), 845_955_300);
/// assert_eq!(time_of_day("午後 1:00:00").unwrap().hour(), 13);
/// assert_eq!(time_of_day("10:27:00.0012411 午前").unwrap().hour(), 10);
/// assert!(time_of_day("25:00:00").is_none());
/// assert!(time_of_day("後").is_none());
/// ```
pub fn time_of_day(text: &str) -> Option<NaiveTime> {
    let t = text.trim();
    // The clock is the run of digits and separators starting at the first digit; what is around
    // it is the day-half marker, on one side at most.
    let start = t.find(|c: char| c.is_ascii_digit())?;
    let end = t[start..]
        .find(|c: char| !matches!(c, '0'..='9' | ':' | '.' | ','))
        .map_or(t.len(), |at| start + at);
    let (before, clock, after) = (t[..start].trim(), &t[start..end], t[end..].trim());
    let meridiem = match (before.is_empty(), after.is_empty()) {
        (true, true) => None,
        (false, true) => Some(meridiem(before)?),
        (true, false) => Some(meridiem(after)?),
        (false, false) => return None,
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
        // 1 to 12, or 0 as some locales write the first hour of a half (`午前0:30:00`).
        Some(_) if h > 12 => return None,
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
    fn localized_day_half_markers_before_or_after_the_clock() {
        let cases = [
            ("1:00:00 午後", (13, 0, 0, 0)),
            ("10:27:00.0012411 午前", (10, 27, 0, 1_241_100)),
            ("午後 3:58:46.6882889", (15, 58, 46, 688_288_900)),
            ("午前0:30:00", (0, 30, 0, 0)),
            ("오후 11:05:01,5", (23, 5, 1, 500_000_000)),
            ("上午 12:00:00", (0, 0, 0, 0)),
            ("下午 12:00:00", (12, 0, 0, 0)),
            ("7:19:37 nachm.", (19, 19, 37, 0)),
            ("7:19:37 vorm.", (7, 19, 37, 0)),
            ("7:19:37 p.m.", (19, 19, 37, 0)),
            ("7:19:37 a. m.", (7, 19, 37, 0)),
            ("7:19:37\u{202f}PM", (19, 19, 37, 0)),
            ("7:19:37 μ.μ.", (19, 19, 37, 0)),
            ("ÖS 7:19:37", (19, 19, 37, 0)),
        ];
        for (text, (h, m, s, n)) in cases {
            let t = time_of_day(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(
                (t.hour(), t.minute(), t.second(), t.nanosecond()),
                (h, m, s, n),
                "{text}"
            );
        }
    }

    /// Found by the mutation campaign: the marker was sliced at `len - 2` bytes, inside a
    /// multibyte character (`end byte index 1 is not a char boundary`).
    #[test]
    fn multibyte_text_is_no_time_and_no_panic() {
        for bad in [
            "後",
            "1:00:00 éP",
            "1:00:00 \u{fffd}",
            "午後 1:00:00 午後",
            "1:00:00 後",
            "13:00:00 午後",
            "ü",
            "1:0é:00",
            "\u{fffd}\u{fffd}",
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
