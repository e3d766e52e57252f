//! WiX Burn bundle log parser.
//!
//! Burn writes one entry per line: `[PID:TID][YYYY-MM-DDTHH:MM:SS]{level}{NNN}: message`, where the
//! level letter is `i` (info), `w` (warning), `e` (error), `d` (debug) or `s` (standard). Lines without
//! that prefix continue the entry before them. The messages the analysis needs are typed into a
//! [`BurnMeaning`]: engine start, phase results (`Detect/Plan/Apply complete, result: 0x...`),
//! `Error 0x...` lines, package results and exits, the per-package log variables and the bundle exit
//! code.

use crate::event::*;
use crate::source::{
    EventStream, Feeds, Opening, Recognised, Source, SourceError, StreamSummary, TimeBasis,
};
use crate::source::{Format, Sniff};
use crate::text::{LineReader, TextEncoding};
use chrono::NaiveDateTime;
use std::io::Read;

/// Streaming parser of one Burn log; an iterator of events.
///
/// ```
/// use msitrace::source::burn::BurnLogParser;
/// use msitrace::event::{Kind, BurnMeaning};
/// let log = b"[4D9C:6D90][2026-03-13T15:32:12]i500: Shutting down, exit code: 0x643\r\n";
/// let events: Vec<_> = BurnLogParser::from_bytes(log).collect::<Result<_, _>>().unwrap();
/// let Kind::BurnMessage(m) = &events[0].kind else { panic!() };
/// assert_eq!(m.meaning, Some(BurnMeaning::Exit { code: 0x643 }));
/// ```
pub struct BurnLogParser<R> {
    lines: LineReader<R>,
    input: InputId,
    pending: Option<Event>,
    pending_lines: usize,
    failed: bool,
}

/// Most continuation lines attached to one entry.
const MAX_ENTRY_LINES: usize = 400;

impl<R: Read> BurnLogParser<R> {
    /// A parser over a byte source in a known encoding.
    pub fn new(source: R, encoding: TextEncoding, input: InputId) -> Self {
        BurnLogParser {
            lines: LineReader::new(source, encoding),
            input,
            pending: None,
            pending_lines: 0,
            failed: false,
        }
    }
}

impl<R: Read> BurnLogParser<R> {
    /// Lines read so far.
    pub fn lines_read(&self) -> u64 {
        self.lines.line_number()
    }
}

impl<'a> BurnLogParser<&'a [u8]> {
    /// A parser over in-memory bytes, encoding sniffed, input id 0.
    pub fn from_bytes(bytes: &'a [u8]) -> Self {
        BurnLogParser::new(bytes, crate::text::sniff_encoding(bytes), 0)
    }
}

impl<R: Read> Iterator for BurnLogParser<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            let line = match self.lines.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => return self.pending.take().map(Ok),
                Err(e) => {
                    self.failed = true;
                    let line = self.lines.line_number() + 1;
                    return Some(Err(SourceError::Read { line, source: e }));
                }
            };
            let text = line.text.strip_prefix('\u{feff}').unwrap_or(line.text);
            let Some(parsed) = parse_burn_line(text) else {
                if let (Some(entry), true) =
                    (self.pending.as_mut(), self.pending_lines < MAX_ENTRY_LINES)
                {
                    let raw = entry.raw.get_or_insert_with(String::new);
                    raw.push('\n');
                    raw.push_str(text);
                    self.pending_lines += 1;
                    continue;
                }
                let event = Event {
                    time: Stamp::none(),
                    input: self.input,
                    at: Location::Line(line.number),
                    process: None,
                    kind: Kind::Text,
                    raw: Some(text.to_string()),
                };
                self.pending_lines = 0;
                match self.pending.replace(event) {
                    Some(done) => return Some(Ok(done)),
                    None => continue,
                }
            };
            let event = Event {
                time: match parsed.time {
                    Some(t) => Stamp::local(Some(t.date()), t.time()),
                    None => Stamp::none(),
                },
                input: self.input,
                at: Location::Line(line.number),
                process: Some(ProcessRef {
                    pid: parsed.pid,
                    tid: Some(parsed.tid),
                    image: None,
                    partial: false,
                    role: None,
                }),
                kind: Kind::BurnMessage(parsed.message),
                raw: Some(text.to_string()),
            };
            self.pending_lines = 0;
            if let Some(done) = self.pending.replace(event) {
                return Some(Ok(done));
            }
        }
    }
}

/// True when the line has the Burn prefix `[PID:TID][YYYY-MM-DDTHH:MM:SS]xNNN:`.
pub fn is_burn_line(line: &str) -> bool {
    parse_burn_line(line).is_some()
}

struct BurnLine {
    pid: u32,
    tid: u32,
    time: Option<NaiveDateTime>,
    message: BurnMessage,
}

fn parse_burn_line(line: &str) -> Option<BurnLine> {
    let rest = line.strip_prefix('[')?;
    let close = rest.find(']')?;
    let (pid, tid) = rest[..close].split_once(':')?;
    let pid = u32::from_str_radix(pid, 16).ok()?;
    let tid = u32::from_str_radix(tid, 16).ok()?;
    let rest = rest[close + 1..].strip_prefix('[')?;
    let close = rest.find(']')?;
    let stamp = &rest[..close];
    if !stamp.as_bytes().first()?.is_ascii_digit() || !stamp.contains('T') {
        return None;
    }
    let time = NaiveDateTime::parse_from_str(stamp, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(stamp, "%Y-%m-%dT%H:%M:%S%.f"))
        .ok();
    let rest = &rest[close + 1..];
    let level = match rest.as_bytes().first()? {
        b'i' => BurnLevel::Info,
        b'w' => BurnLevel::Warning,
        b'e' => BurnLevel::Error,
        b'd' => BurnLevel::Debug,
        b's' => BurnLevel::Standard,
        _ => return None,
    };
    let colon = rest.find(':')?;
    let id: u32 = rest[1..colon].parse().ok()?;
    let text = rest[colon + 1..].trim().to_string();
    let meaning = burn_meaning(id, &text);
    Some(BurnLine {
        pid,
        tid,
        time,
        message: BurnMessage {
            id,
            level,
            text,
            meaning,
        },
    })
}

/// Parse `0x80070643` or `0x0`.
fn hex_value(text: &str) -> Option<u32> {
    let t = text.trim().trim_end_matches(['.', ',']);
    let digits: String = t
        .strip_prefix("0x")?
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    u32::from_str_radix(&digits, 16).ok()
}

/// The value after `key` up to the next `,` (or the end).
fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let at = text.find(key)?;
    let v = &text[at + key.len()..];
    Some(v[..v.find(',').unwrap_or(v.len())].trim())
}

fn burn_meaning(id: u32, text: &str) -> Option<BurnMeaning> {
    if let Some(rest) = text.strip_prefix("Error 0x") {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
        return Some(BurnMeaning::Error {
            hresult: u32::from_str_radix(&digits, 16).ok()?,
        });
    }
    if id == 1 && text.starts_with("Burn ") {
        let engine = text
            .split(',')
            .next()
            .unwrap_or("")
            .trim_start_matches("Burn ");
        return Some(BurnMeaning::Start {
            engine: engine.trim().to_string(),
            path: field(text, "path: ").unwrap_or("").to_string(),
        });
    }
    if let Some(at) = text.find(" complete, result: ") {
        let phase = &text[..at];
        if !phase.contains(' ') {
            return Some(BurnMeaning::PhaseComplete {
                phase: phase.to_string(),
                result: hex_value(&text[at + 19..])?,
            });
        }
    }
    if let Some(rest) = text
        .strip_prefix("Applied execute package: ")
        .or_else(|| text.strip_prefix("Applied rollback package: "))
    {
        return Some(BurnMeaning::PackageResult {
            package: rest.split(',').next()?.trim().to_string(),
            result: hex_value(field(text, "result: ")?)?,
        });
    }
    if let Some(rest) = text.strip_prefix("The process for package: ") {
        let (package, tail) = rest.split_once(" exited with code: ")?;
        return Some(BurnMeaning::PackageExit {
            package: package.trim().to_string(),
            code: hex_value(tail)?,
        });
    }
    if let Some(at) = text.find("exit code: ") {
        if text.starts_with("Shutting down") || text.starts_with("Exit code") || id == 500 {
            return Some(BurnMeaning::Exit {
                code: hex_value(&text[at + 11..])?,
            });
        }
    }
    package_log_variable(text)
}

/// `Setting string variable 'WixBundleLog_<pkg>' to value '<path>'` and
/// `Variable: WixBundleLog_<pkg> = <path>`.
fn package_log_variable(text: &str) -> Option<BurnMeaning> {
    let (name, value) = if let Some(rest) = text.strip_prefix("Setting string variable '") {
        let (name, tail) = rest.split_once("' to value '")?;
        (name, tail.trim_end().trim_end_matches('\''))
    } else if let Some(rest) = text.strip_prefix("Variable: ") {
        rest.split_once(" = ")?
    } else {
        return None;
    };
    let (package, rollback) = if let Some(p) = name.strip_prefix("WixBundleRollbackLog_") {
        (p, true)
    } else {
        (name.strip_prefix("WixBundleLog_")?, false)
    };
    Some(BurnMeaning::PackageLog {
        package: package.to_string(),
        path: value.trim().to_string(),
        rollback,
    })
}

/// The WiX Burn log reader as registered in [`crate::source::SOURCES`].
pub struct BurnLogSource;

impl Source for BurnLogSource {
    fn format(&self) -> Format {
        Format::BurnLog
    }

    fn feeds(&self) -> Feeds {
        Feeds::Bundle
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Local
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        let line = sniff.lines.iter().position(|l| is_burn_line(l))?;
        Some(Recognised::Sure { line })
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        Ok(Box::new(BurnLogParser::new(
            opening.reader()?,
            opening.encoding,
            opening.input,
        )))
    }
}

impl<R: Read + Send> EventStream for BurnLogParser<R> {
    fn finish(self: Box<Self>) -> StreamSummary {
        StreamSummary {
            lines: self.lines_read(),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> BurnMessage {
        parse_burn_line(line).expect("a burn line").message
    }

    #[test]
    fn prefix_fields() {
        let l = parse_burn_line("[4D9C:6D90][2026-03-13T15:31:13]i001: Burn x86 v7.0.0-rc.2, Windows v10.0 x64 (Build 26100: Service Pack 0), path: C:\\x\\Setup.exe").unwrap();
        assert_eq!((l.pid, l.tid), (0x4D9C, 0x6D90));
        assert_eq!(l.time.unwrap().to_string(), "2026-03-13 15:31:13");
        assert_eq!(l.message.level, BurnLevel::Info);
        assert_eq!(
            l.message.meaning,
            Some(BurnMeaning::Start {
                engine: "x86 v7.0.0-rc.2".into(),
                path: "C:\\x\\Setup.exe".into()
            })
        );
    }

    #[test]
    fn error_lines() {
        let m = one("[4D9C:6D90][2026-03-13T15:31:59]e000: Error 0x80070003: CreateProcessW failed with return code: 3");
        assert_eq!(m.level, BurnLevel::Error);
        assert_eq!(
            m.meaning,
            Some(BurnMeaning::Error {
                hresult: 0x80070003
            })
        );
    }

    #[test]
    fn phase_results() {
        let m = one("[4D9C:6D90][2026-03-13T15:32:00]i399: Apply complete, result: 0x80070643, restart: None, ba requested restart:  No");
        assert_eq!(
            m.meaning,
            Some(BurnMeaning::PhaseComplete {
                phase: "Apply".into(),
                result: 0x80070643
            })
        );
        let m = one("[4D9C:6D90][2026-03-13T15:31:16]i199: Detect complete, result: 0x0, registration state: None");
        assert_eq!(
            m.meaning,
            Some(BurnMeaning::PhaseComplete {
                phase: "Detect".into(),
                result: 0
            })
        );
    }

    #[test]
    fn package_results_and_exit() {
        let m = one("[1A:2B][2020-01-01T10:00:00]i319: Applied execute package: NetFx48, result: 0x80070643, restart: None");
        assert_eq!(
            m.meaning,
            Some(BurnMeaning::PackageResult {
                package: "NetFx48".into(),
                result: 0x80070643
            })
        );
        let m = one("[4D9C:6D90][2026-03-13T15:31:56]i366: The process for package: {7696892D-B420-4901-82B5-7919CD5F10DA} exited with code: 0x0. The exit code has been translated to type: Success and restart: None.");
        assert_eq!(
            m.meaning,
            Some(BurnMeaning::PackageExit {
                package: "{7696892D-B420-4901-82B5-7919CD5F10DA}".into(),
                code: 0
            })
        );
        let m = one("[4D9C:6D90][2026-03-13T15:32:12]i500: Shutting down, exit code: 0x0");
        assert_eq!(m.meaning, Some(BurnMeaning::Exit { code: 0 }));
    }

    #[test]
    fn package_logs() {
        let m = one("[4D9C:6D90][2026-03-13T15:31:36]i000: Setting string variable 'WixBundleLog_Redball_2.1.24.msi' to value 'C:\\dist\\bundle-debug_000_Redball_2.1.24.msi.log'");
        assert_eq!(
            m.meaning,
            Some(BurnMeaning::PackageLog {
                package: "Redball_2.1.24.msi".into(),
                path: "C:\\dist\\bundle-debug_000_Redball_2.1.24.msi.log".into(),
                rollback: false
            })
        );
        let m = one(
            "[4D9C:6D90][2026-03-13T15:32:12]i410: Variable: WixBundleRollbackLog_X = C:\\r.log",
        );
        assert!(matches!(
            m.meaning,
            Some(BurnMeaning::PackageLog { rollback: true, .. })
        ));
    }

    #[test]
    fn continuation_lines_attach() {
        let log = b"[1:2][2020-01-01T10:00:00]e000: Error 0x80004005: failed\r\n  more detail\r\n[1:2][2020-01-01T10:00:01]i500: Shutting down, exit code: 0x1\r\n";
        let events: Vec<_> = BurnLogParser::from_bytes(log).map(Result::unwrap).collect();
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[0].raw.as_deref(),
            Some("[1:2][2020-01-01T10:00:00]e000: Error 0x80004005: failed\n  more detail")
        );
        assert_eq!(events[1].at, Location::Line(3));
    }

    #[test]
    fn not_burn_lines() {
        assert!(!is_burn_line("MSI (s) (18:F4) [12:02:17:898]: x"));
        assert!(!is_burn_line("[not:hex][2020]i000: x"));
        assert!(!is_burn_line("[12:34][Time]i000: x"));
    }
}
