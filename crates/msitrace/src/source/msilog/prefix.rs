//! The engine prefix of a line (`MSI (s) (18:F4) [12:02:17:898]: `) and the clock texts.

use super::grammar::*;
use crate::event::*;
use chrono::NaiveTime;

/// The engine prefix of a line: `MSI (s) (18:F4) [12:02:17:898]: `.
#[derive(Debug, Clone, PartialEq)]
pub struct EnginePrefix {
    /// Role letter: `c`, `s`, `N`, `a`.
    pub side: char,
    /// PID low bits, as read in hex.
    pub pid: u32,
    /// TID low bits, as read in hex.
    pub tid: u32,
    /// Time of day, if present.
    pub time: Option<NaiveTime>,
    /// Byte offset of the body after `]: `.
    pub body_at: usize,
    /// The process ids were scrubbed from the copy (`MSI (s)  Note: …`, `MSI (s) (xx:yy)`): `pid`
    /// and `tid` are 0 and mean nothing.
    pub scrubbed: bool,
}

/// Parse the engine prefix of a line, if it has one.
///
/// ```
/// use msitrace::source::msilog::engine_prefix;
/// let p = engine_prefix("MSI (s) (18!F4) [12:02:17:898]: Note: 1: 2203").unwrap();
/// assert_eq!((p.side, p.pid, p.tid), ('s', 0x18, 0xF4));
/// assert_eq!(&"MSI (s) (18!F4) [12:02:17:898]: Note: 1: 2203"[p.body_at..], "Note: 1: 2203");
/// ```
pub fn engine_prefix(line: &str) -> Option<EnginePrefix> {
    let (process, after) = engine_process(line.as_bytes())?;
    engine_time(line, process, after)
}

/// The process part of an engine prefix: `MSI (s) (18:F4)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct EngineProcess {
    pub(super) side: char,
    pub(super) pid: u32,
    pub(super) tid: u32,
    /// The ids were scrubbed from the copy.
    pub(super) scrubbed: bool,
}

/// Read the process part of an engine prefix; also the index after its `)`. A copy whose ids
/// were scrubbed (`MSI (s)  Note: …`, `MSI (s) (xx:yy) …`) reads with ids 0, marked scrubbed.
pub(super) fn engine_process(b: &[u8]) -> Option<(EngineProcess, usize)> {
    if b.len() < 9 || &b[..5] != b"MSI (" || b[6] != b')' {
        return None;
    }
    let side = b[5] as char;
    let i = skip_spaces(b, 7);
    let scrubbed = || EngineProcess {
        side,
        pid: 0,
        tid: 0,
        scrubbed: true,
    };
    if b.get(i) != Some(&b'(') {
        // `MSI (s)  Note: …`: the ids removed, the body (or the time) follows the spaces.
        let body_follows = i > 7
            && b.get(i)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'[');
        return (body_follows && "csNaCSnA".contains(side)).then(|| (scrubbed(), 7));
    }
    let read = || {
        let (pid, after) = hex_number(b, i + 1)?;
        if !matches!(b.get(after), Some(b':') | Some(b'!')) {
            return None;
        }
        let (tid, after) = hex_number(b, after + 1)?;
        (b.get(after) == Some(&b')')).then_some((pid, tid, after + 1))
    };
    if let Some((pid, tid, after)) = read() {
        let process = EngineProcess {
            side,
            pid,
            tid,
            scrubbed: false,
        };
        return Some((process, after));
    }
    // `(xx:yy)`, `(PID:TID)`, `(..:..)`: ids replaced by placeholders.
    let inner = b.get(i + 1..(i + 18).min(b.len()))?;
    let close = inner.iter().position(|&c| c == b')')?;
    let ids = &inner[..close];
    let placeholder = ids.contains(&b':') && ids.iter().all(|c| c.is_ascii_graphic());
    placeholder.then(|| (scrubbed(), i + 1 + close + 1))
}

/// Read the rest of an engine prefix from `from` (after the process part): ` [time]: `.
pub(super) fn engine_time(line: &str, process: EngineProcess, from: usize) -> Option<EnginePrefix> {
    let b = line.as_bytes();
    let mut i = skip_spaces(b, from);
    let mut time = None;
    if b.get(i) == Some(&b'[') {
        // Nearly always `[HH:MM:SS:mmm]`: the bracket is looked at where it should be first.
        let close = match b.get(i + 1..i + 14) {
            Some(clock) if clock[12] == b']' && !clock[..12].contains(&b']') => i + 13,
            _ => i + memchr::memchr(b']', &b[i..])?,
        };
        time = parse_clock(&line[i + 1..close]);
        i = close + 1;
    }
    if b.get(i) == Some(&b':') {
        i += 1;
    }
    Some(EnginePrefix {
        side: process.side,
        pid: process.pid,
        tid: process.tid,
        time,
        body_at: skip_spaces(b, i),
        scrubbed: process.scrubbed,
    })
}

/// The process part of the last engine prefix read, as written: most lines repeat it, and a
/// line starting with the same bytes has the same process, so only its time is left to read.
#[derive(Debug, Default)]
pub(super) struct LastProcess {
    pub(super) head: String,
    pub(super) process: Option<EngineProcess>,
}

impl LastProcess {
    /// [`engine_prefix`] of `line`, reading its process part only when it differs.
    pub(super) fn engine_prefix(&mut self, line: &str) -> Option<EnginePrefix> {
        if let Some(process) = self.process.filter(|p| !p.scrubbed) {
            if line.starts_with(self.head.as_str()) {
                return engine_time(line, process, self.head.len());
            }
        }
        let (process, after) = engine_process(line.as_bytes())?;
        self.head.clear();
        self.head.push_str(&line[..after]);
        self.process = Some(process);
        engine_time(line, process, after)
    }
}

/// The index of the first byte at or after `i` that is not a space.
pub(super) fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// A hexadecimal number of 1 to 8 digits starting at `i`, and the index after it.
pub(super) fn hex_number(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let digits = b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_hexdigit())
        .count();
    if digits == 0 || digits > 8 {
        return None;
    }
    let value = b[i..i + digits].iter().fold(0u32, |n, &c| {
        let digit = match c {
            b'0'..=b'9' => c - b'0',
            _ => (c | 0x20) - b'a' + 10,
        };
        n << 4 | u32::from(digit)
    });
    Some((value, i + digits))
}

/// True when the line starts with an engine prefix (used by detection).
pub fn is_engine_line(line: &str) -> bool {
    engine_prefix(line).is_some()
}

/// True when an unprefixed line has a shape only MSI logs have (used by detection of fragments).
pub fn looks_like_msi_line(line: &str) -> bool {
    matches!(
        parse_body(line).map(|(k, _)| k),
        Some(
            Kind::MsiAction { .. }
                | Kind::CustomActionResult { .. }
                | Kind::MsiMessage(_)
                | Kind::Property { .. }
                | Kind::EngineReturn { .. }
                | Kind::MsiOutcome(_)
                | Kind::ProductNotice { .. }
        )
    )
}

/// The text after the engine prefix, or the whole line, after what a copy adds in front of it
/// (quote markers, indentation, a UI message type: see [`super::undecorate`]).
pub fn message_body(line: &str) -> &str {
    let line = &line[super::undecorate(line).len..];
    match engine_prefix(line) {
        Some(p) => &line[p.body_at..],
        None => line,
    }
}

/// Parse `HH:MM:SS:mmm`, `H:MM:SS`, `HH:MM:SS.mmm` (a hand-written scanner: this runs on every
/// engine line).
pub(super) fn parse_clock(text: &str) -> Option<NaiveTime> {
    if let Some(t) = engine_clock(text.as_bytes()) {
        return Some(t);
    }
    // Times are digits at both ends, which trimming leaves as they are.
    let digit_ends = |b: &[u8]| {
        b.first().is_some_and(u8::is_ascii_digit) && b.last().is_some_and(u8::is_ascii_digit)
    };
    let b = if digit_ends(text.as_bytes()) {
        text.as_bytes()
    } else {
        text.trim().as_bytes()
    };
    let mut nums = [0u32; 4];
    let mut count = 0;
    let mut digits = 0;
    for &c in b {
        match c {
            b'0'..=b'9' if digits < 3 => {
                nums[count] = nums[count] * 10 + u32::from(c - b'0');
                digits += 1;
            }
            b':' | b'.' if digits > 0 && count < 3 => {
                count += 1;
                digits = 0;
            }
            _ => return None,
        }
    }
    if digits == 0 || count < 2 {
        return None;
    }
    let milli = if count == 3 { nums[3] } else { 0 };
    NaiveTime::from_hms_milli_opt(nums[0], nums[1], nums[2], milli)
}

/// The engine lines' own `HH:MM:SS:mmm`, read digit by digit (most lines have it).
pub(super) fn engine_clock(b: &[u8]) -> Option<NaiveTime> {
    let &[h1, h2, b':', m1, m2, b':', s1, s2, b':', f1, f2, f3] = b else {
        return None;
    };
    let digits = [h1, h2, m1, m2, s1, s2, f1, f2, f3];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |hi: u8, lo: u8| u32::from(hi - b'0') * 10 + u32::from(lo - b'0');
    let milli = n(f1, f2) * 10 + u32::from(f3 - b'0');
    NaiveTime::from_hms_milli_opt(n(h1, h2), n(m1, m2), n(s1, s2), milli)
}
