//! Clock alignment: every input on one UTC timeline.
//!
//! Event logs are UTC. Windows Installer logs, Burn logs and Process Monitor exports are in the
//! machine's local time, and a Process Monitor export may have no date at all. The offset of local
//! time from UTC is inferred from moments seen in two inputs:
//!
//! - an installer outcome (`Windows Installer installed the product ... status: 1603`) and the
//!   MsiInstaller record 1033–1038 with the same product and status;
//! - a `Product: X -- <text>` line and the MsiInstaller 117xx record carrying the same text;
//! - a Process Monitor `msiexec.exe` start and the MsiInstaller 1040 record naming that client PID;
//!
//! Offsets are rounded to the nearest quarter hour (time zones are whole quarter hours). Local inputs
//! without an anchor of their own take the offset found for another local input (one machine, one
//! clock). A date-less input takes its date from an input of the same machine whose times overlap
//! it, or from the anchor that aligned it. The user can override everything with a fixed offset.

use crate::event::{Event, Kind, ReadTime};
use crate::findings::Confidence;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

pub use crate::source::TimeBasis;

/// One input as the clock sees it: its kept events, in input order.
#[derive(Debug, Clone)]
pub struct ClockInput<'a> {
    /// Input id.
    pub input: u32,
    /// How the input writes times.
    pub basis: TimeBasis,
    /// The events kept from it.
    pub events: Vec<&'a Event>,
}

/// How an input's offset was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ClockMethod {
    /// The input is in UTC already.
    Utc,
    /// Given by the user (`--utc-offset`).
    Override,
    /// Matched against events of a UTC input.
    Anchored {
        /// The UTC input it was matched against.
        against: u32,
        /// How many moments agreed.
        anchors: usize,
        /// What was matched (the first anchor, as a sentence).
        example: String,
    },
    /// Took the offset of another local input of the same machine.
    SameMachine {
        /// The input whose offset it took.
        from: u32,
    },
    /// Nothing to align it with: its times stay local.
    Unknown,
}

/// The clock decided for one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputClock {
    /// Input id.
    pub input: u32,
    /// Local time minus UTC, in seconds (`-18000` for UTC-05:00); `None` when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset_seconds: Option<i32>,
    /// The offset as text (`UTC-05:00`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// How it was decided.
    pub method: ClockMethod,
    /// How sure it is.
    pub confidence: Confidence,
    /// For an input without dates: the date its first event was given, and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumed_date: Option<NaiveDate>,
    /// Disagreements or doubts, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// User settings for the clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClockSettings {
    /// Local time minus UTC, in seconds, for every local input (overrides inference).
    pub utc_offset_seconds: Option<i32>,
    /// The machine's time zone (`America/New_York`): each local input takes the zone's offset at
    /// its own first local time, daylight saving included (overrides inference).
    pub timezone: Option<chrono_tz::Tz>,
}

/// The offset of a time zone at a local date and time (the earlier reading when the clock was
/// set back and the time occurred twice; the later one for a time skipped when it was set
/// forward).
pub fn zone_offset(zone: chrono_tz::Tz, local: NaiveDateTime) -> i32 {
    use chrono::{Offset, TimeZone};
    match zone.offset_from_local_datetime(&local) {
        chrono::LocalResult::Single(o) | chrono::LocalResult::Ambiguous(o, _) => {
            o.fix().local_minus_utc()
        }
        chrono::LocalResult::None => zone
            .offset_from_utc_datetime(&local)
            .fix()
            .local_minus_utc(),
    }
}

/// Round seconds to the nearest quarter hour.
pub fn quarter_hours(seconds: i64) -> i64 {
    const Q: i64 = 15 * 60;
    (seconds as f64 / Q as f64).round() as i64 * Q
}

/// `UTC+05:30`, `UTC-05:00`, `UTC`.
pub fn format_offset(seconds: i32) -> String {
    if seconds == 0 {
        return "UTC".to_string();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let m = seconds.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// One moment seen by a local input and a UTC input.
#[derive(Debug, Clone)]
struct Anchor {
    utc_input: u32,
    /// Local time of the moment, when the local input knows its date.
    local: Option<NaiveDateTime>,
    /// Local time of day (for date-less inputs).
    local_time: NaiveTime,
    utc: NaiveDateTime,
    what: String,
}

/// Decide the clock of every input.
pub fn align(inputs: &[ClockInput<'_>], settings: ClockSettings) -> Vec<InputClock> {
    let utc_records: Vec<(u32, &Event)> = inputs
        .iter()
        .filter(|i| i.basis == TimeBasis::Utc)
        .flat_map(|i| i.events.iter().map(move |e| (i.input, *e)))
        .filter(|(_, e)| matches!(&e.kind, Kind::EventRecord(r) if r.provider == "MsiInstaller"))
        .collect();
    // Inputs with dates first: their offset settles the day a date-less input's times of day
    // belong to (14:02 local against 02:02 UTC is -12:00 or +12:00; a dated log tells which).
    let mut out: Vec<InputClock> = inputs
        .iter()
        .map(|i| {
            if has_dates(i) || i.basis == TimeBasis::Utc {
                decide(i, &utc_records, settings, None)
            } else {
                InputClock::unknown(i.input)
            }
        })
        .collect();
    let hint = out
        .iter()
        .zip(inputs)
        .find(|(c, i)| {
            i.basis == TimeBasis::Local && matches!(c.method, ClockMethod::Anchored { .. })
        })
        .and_then(|(c, _)| c.offset_seconds)
        .map(i64::from);
    for (c, i) in out.iter_mut().zip(inputs) {
        if i.basis == TimeBasis::Local && !has_dates(i) {
            *c = decide(i, &utc_records, settings, hint);
        }
    }
    // One machine, one clock: local inputs without anchors take an anchored input's offset.
    let found = out
        .iter()
        .find(|c| {
            matches!(
                c.method,
                ClockMethod::Anchored { .. } | ClockMethod::Override
            )
        })
        .map(|c| (c.input, c.offset_seconds));
    // Unless their dates say they are unrelated: a log from weeks or years away (another product,
    // another collection) is not assumed to share that machine's clock.
    if let Some((from, offset)) = found {
        let from_span = inputs.iter().find(|i| i.input == from).and_then(local_span);
        for (c, input) in out.iter_mut().zip(inputs) {
            if c.method != ClockMethod::Unknown {
                continue;
            }
            if let (Some(a), Some(b)) = (local_span(input), from_span) {
                let gap = (a.0 - b.1).max(b.0 - a.1);
                if gap > chrono::Duration::days(SAME_MACHINE_DAYS) {
                    c.notes.push(format!(
                        "not aligned: its dates ({}) are {} days from those of input {} ({}), too far apart to assume one machine's clock; give --utc-offset or --timezone if it is the same machine",
                        a.0.date(),
                        gap.num_days(),
                        from + 1,
                        b.0.date()
                    ));
                    continue;
                }
            }
            c.offset_seconds = offset;
            c.offset = offset.map(format_offset);
            c.method = ClockMethod::SameMachine { from };
            c.confidence = Confidence::Medium;
        }
    }
    // Date-less inputs: a date from an input of the same machine whose times cover theirs.
    for (i, input) in inputs.iter().enumerate() {
        if input.basis != TimeBasis::Local || out[i].assumed_date.is_some() || has_dates(input) {
            continue;
        }
        if let Some((date, from)) = date_from_overlap(input, inputs) {
            out[i].assumed_date = Some(date);
            out[i]
                .notes
                .push(format!("no dates in this input: took {date} from input {from}, whose times cover its times"));
        } else if input.events.iter().any(|e| e.time.time_of_day().is_some()) {
            out[i].notes.push(
                "no dates in this input and none could be inferred: its events stay unaligned"
                    .to_string(),
            );
        }
    }
    out
}

impl InputClock {
    fn unknown(input: u32) -> Self {
        InputClock {
            input,
            offset_seconds: None,
            offset: None,
            method: ClockMethod::Unknown,
            confidence: Confidence::Low,
            assumed_date: None,
            notes: Vec::new(),
        }
    }
}

/// The clock of one input. `hint`: the offset found for a dated input of the same machine, which
/// picks the day for times of day without a date.
fn decide(
    input: &ClockInput<'_>,
    utc: &[(u32, &Event)],
    settings: ClockSettings,
    hint: Option<i64>,
) -> InputClock {
    let mut clock = InputClock::unknown(input.input);
    if input.basis == TimeBasis::Utc {
        clock.offset_seconds = Some(0);
        clock.offset = Some(format_offset(0));
        clock.method = ClockMethod::Utc;
        clock.confidence = Confidence::High;
        return clock;
    }
    let zone = settings.timezone.and_then(|tz| {
        let first = input.events.iter().find_map(|e| e.time.local_datetime())?;
        Some((tz, zone_offset(tz, first)))
    });
    if let Some(s) = settings.utc_offset_seconds.or(zone.map(|(_, o)| o)) {
        clock.offset_seconds = Some(s);
        clock.offset = Some(format_offset(s));
        clock.method = ClockMethod::Override;
        clock.confidence = Confidence::High;
        if let (None, Some((tz, _))) = (settings.utc_offset_seconds, zone) {
            clock.notes.push(format!(
                "offset of time zone {tz} at the input's first time"
            ));
        }
    }
    let anchors = anchors(input, utc);
    if anchors.is_empty() {
        return clock;
    }
    // Dated anchors give the offset; date-less ones (time of day only) give it modulo a day.
    let estimates: Vec<i64> = anchors
        .iter()
        .map(|a| match a.local {
            Some(local) => (local - a.utc).num_seconds(),
            None => {
                // Known up to a whole day: take the reading nearest the hint, else the one in
                // the range of real time zones (-12:00 to +14:00) nearest zero.
                let d = (a.local_time - a.utc.time()).num_seconds();
                let readings = [d - 86_400, d, d + 86_400];
                let near = |target: i64| {
                    readings
                        .into_iter()
                        .filter(|r| (-12 * 3600 - 900..=14 * 3600 + 900).contains(r))
                        .min_by_key(|r| (r - target).abs())
                        .unwrap_or(d)
                };
                near(hint.unwrap_or(0))
            }
        })
        .collect();
    let rounded: Vec<i64> = estimates.iter().map(|&e| quarter_hours(e)).collect();
    let mut sorted = rounded.clone();
    sorted.sort_unstable();
    let median = sorted[sorted.len() / 2];
    let agreeing = rounded.iter().filter(|&&r| r == median).count();
    if agreeing < rounded.len() {
        clock.notes.push(format!(
            "{} of {} matched moments disagree with {}",
            rounded.len() - agreeing,
            rounded.len(),
            format_offset(median as i32)
        ));
    }
    // Date-less input aligned by an anchor: its date is the anchor's local date.
    if input
        .events
        .iter()
        .all(|e| e.time.local_datetime().is_none())
    {
        if let Some(a) = anchors.first() {
            let local = a.utc + Duration::seconds(median);
            clock.assumed_date = Some(local.date());
            clock.notes.push(format!(
                "no dates in this input: took {} from the matched record",
                local.date()
            ));
        }
    }
    if clock.method == ClockMethod::Override {
        if median != i64::from(clock.offset_seconds.unwrap_or(0)) {
            clock.notes.push(format!(
                "the logs suggest {}, but the offset given was used",
                format_offset(median as i32)
            ));
        }
        return clock;
    }
    let first = &anchors[0];
    clock.offset_seconds = Some(median as i32);
    clock.offset = Some(format_offset(median as i32));
    clock.method = ClockMethod::Anchored {
        against: first.utc_input,
        anchors: agreeing,
        example: first.what.clone(),
    };
    clock.confidence = if agreeing >= 2 && agreeing == rounded.len() {
        Confidence::High
    } else {
        Confidence::Medium
    };
    clock
}

/// How far apart (in days) two local inputs' dates may be for one to take the other's offset.
const SAME_MACHINE_DAYS: i64 = 14;

/// The first and last local date-time of an input with dates.
fn local_span(input: &ClockInput<'_>) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let mut times = input.events.iter().filter_map(|e| e.time.local_datetime());
    let first = times.next()?;
    Some(times.fold((first, first), |(a, b), t| (a.min(t), b.max(t))))
}

fn has_dates(input: &ClockInput<'_>) -> bool {
    input
        .events
        .iter()
        .any(|e| e.time.local_datetime().is_some())
}

fn utc_of(e: &Event) -> Option<NaiveDateTime> {
    match e.time.read {
        ReadTime::Utc { time } => Some(time.naive_utc()),
        _ => None,
    }
}

fn data(e: &Event, i: usize) -> Option<&str> {
    match &e.kind {
        Kind::EventRecord(r) => r.data.get(i).and_then(|d| d.value.as_deref()),
        _ => None,
    }
}

fn event_id(e: &Event) -> Option<u32> {
    match &e.kind {
        Kind::EventRecord(r) => Some(r.event_id),
        _ => None,
    }
}

/// The moments a local input shares with the UTC inputs' installer records.
fn anchors(input: &ClockInput<'_>, utc: &[(u32, &Event)]) -> Vec<Anchor> {
    let mut out = Vec::new();
    for local in &input.events {
        let Some(local_time) = local.time.time_of_day() else {
            continue;
        };
        let local_dt = local.time.local_datetime();
        let mut push = |utc_input: u32, record: &Event, what: String| {
            if let Some(utc) = utc_of(record) {
                out.push(Anchor {
                    utc_input,
                    local: local_dt,
                    local_time,
                    utc,
                    what,
                });
            }
        };
        match &local.kind {
            Kind::MsiOutcome(o) => {
                for (u, r) in utc {
                    let same = matches!(event_id(r), Some(1033..=1038))
                        && data(r, 0).is_some_and(|p| p.trim() == o.product.trim())
                        && data(r, 3).and_then(|s| s.trim().parse::<u32>().ok()) == Some(o.status);
                    if same {
                        let what = format!(
                            "installer outcome {} of '{}' ↔ MsiInstaller {}",
                            o.status,
                            o.product,
                            event_id(r).unwrap_or(0)
                        );
                        push(*u, r, what);
                    }
                }
            }
            Kind::ProductNotice { product, text } => {
                let said = format!("Product: {product} -- {text}");
                for (u, r) in utc {
                    if matches!(event_id(r), Some(11000..=11999))
                        && data(r, 0).is_some_and(|d| d.trim() == said.trim())
                    {
                        let what = format!("'{said}' ↔ MsiInstaller {}", event_id(r).unwrap_or(0));
                        push(*u, r, what);
                    }
                }
            }
            Kind::ProcessInfo(p) if is_msiexec(p.image.as_deref().or(p.name.as_deref())) => {
                for (u, r) in utc {
                    if event_id(r) == Some(1040)
                        && data(r, 1).and_then(|d| d.trim().parse::<u32>().ok()) == Some(p.pid)
                    {
                        let what = format!(
                            "msiexec.exe (PID {}) ↔ MsiInstaller 1040 (client process {})",
                            p.pid, p.pid
                        );
                        push(*u, r, what);
                    }
                }
            }
            Kind::ProcessStart(p)
                if is_msiexec(
                    p.image
                        .as_deref()
                        .or(local.process.as_ref().and_then(|r| r.image.as_deref())),
                ) =>
            {
                for (u, r) in utc {
                    if event_id(r) == Some(1040)
                        && data(r, 1).and_then(|d| d.trim().parse::<u32>().ok()) == Some(p.pid)
                    {
                        let what = format!(
                            "msiexec.exe start (PID {}) ↔ MsiInstaller 1040 (client process {})",
                            p.pid, p.pid
                        );
                        push(*u, r, what);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn is_msiexec(image: Option<&str>) -> bool {
    image.is_some_and(|i| {
        i.rsplit(['\\', '/'])
            .next()
            .unwrap_or(i)
            .eq_ignore_ascii_case("msiexec.exe")
    })
}

/// A date for a date-less input from a dated local input whose time span covers its times.
fn date_from_overlap(
    input: &ClockInput<'_>,
    inputs: &[ClockInput<'_>],
) -> Option<(NaiveDate, u32)> {
    let times: Vec<NaiveTime> = input
        .events
        .iter()
        .filter_map(|e| e.time.time_of_day())
        .collect();
    let (first, last) = (*times.first()?, *times.last()?);
    for other in inputs
        .iter()
        .filter(|o| o.basis == TimeBasis::Local && o.input != input.input)
    {
        let dated: Vec<NaiveDateTime> = other
            .events
            .iter()
            .filter_map(|e| e.time.local_datetime())
            .collect();
        let (Some(start), Some(end)) = (dated.iter().min(), dated.iter().max()) else {
            continue;
        };
        // Allow the capture to start a little before and end a little after the log.
        let margin = Duration::minutes(30);
        for day in [start.date(), end.date()] {
            let a = day.and_time(first);
            let b = if last >= first {
                day.and_time(last)
            } else {
                day.succ_opt()?.and_time(last)
            };
            if a <= *end + margin && b >= *start - margin {
                return Some((day, other.input));
            }
        }
    }
    None
}

/// Fill `aligned` on events of an input, given its clock. Date-less events take the assumed date,
/// moving to the next day when the time of day goes back by more than 12 hours (midnight).
pub fn apply(events: &mut [Event], clock: &InputClock) {
    let Some(offset) = clock.offset_seconds else {
        return;
    };
    let offset = Duration::seconds(i64::from(offset));
    let mut day = clock.assumed_date;
    let mut last: Option<NaiveTime> = None;
    for e in events.iter_mut() {
        match e.time.read {
            ReadTime::Local {
                date: Some(d),
                time,
            } => e.time.aligned = Some((d.and_time(time) - offset).and_utc()),
            ReadTime::Local { date: None, time } => {
                if let (Some(l), Some(d)) = (last, day) {
                    if l.signed_duration_since(time) > Duration::hours(12) {
                        day = d.succ_opt();
                    }
                }
                last = Some(time);
                if let Some(d) = day {
                    e.time.aligned = Some((d.and_time(time) - offset).and_utc());
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod example_zone_offset_example {
    #[test]
    fn zone_offset_example() {
        use crate::clock::zone_offset;
        let ny: chrono_tz::Tz = "America/New_York".parse().unwrap();
        let winter = chrono::NaiveDate::from_ymd_opt(2026, 1, 15)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let summer = chrono::NaiveDate::from_ymd_opt(2026, 7, 15)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        assert_eq!(zone_offset(ny, winter), -5 * 3600);
        assert_eq!(zone_offset(ny, summer), -4 * 3600);
    }
}

#[cfg(test)]
mod example_clock_example {
    #[test]
    fn clock_example() {
        use crate::clock::{format_offset, quarter_hours};
        assert_eq!(quarter_hours(-299 * 60 - 50), -300 * 60);
        assert_eq!(format_offset(-300 * 60), "UTC-05:00");
        assert_eq!(format_offset(330 * 60), "UTC+05:30");
    }
}
