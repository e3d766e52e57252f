//! Event-log records and Process Monitor rows copied as text (`fixtures/eventtext/`,
//! `fixtures/procmon/`): every form and language through detect → events → analyze; and the real
//! cases of `../shared/cases` whose evidence is in these forms.

use crate::common;

use msitrace::analysis::events::{read_events, EventFilter};
use msitrace::analysis::{analyze_paths, detect_file, AnalysisSettings};
use msitrace::event::{Event, Kind, Location, ReadTime};
use msitrace::source::eventtext::{EventTextReader, EventTextSettings};
use msitrace::source::procmon::text::ProcmonTextParser;
use msitrace::source::procmon::CaptureSettings;
use msitrace::source::Format;
use msitrace::{Finding, Report};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    common::root().join("fixtures").join(name)
}

/// The events of one input, as `msitrace events` lists them.
fn events_of(path: &Path) -> Vec<Event> {
    let mut events = Vec::new();
    let inputs = read_events(
        &[path.to_path_buf()],
        &AnalysisSettings::default(),
        &EventFilter::default(),
        |_, e| events.push(e),
    );
    assert!(inputs[0].error.is_none(), "{:?}", inputs[0].error);
    assert!(inputs[0].skipped.is_empty(), "{:?}", inputs[0].skipped);
    events
}

fn analyze(path: &Path) -> Report {
    analyze_paths(&[path.to_path_buf()], &AnalysisSettings::default())
}

fn lines_of(f: &Finding) -> Vec<u64> {
    f.evidence.iter().filter_map(|e| e.line).collect()
}

/// What the Inputs section will say of an event-text input.
fn describe_event_text(path: &Path) -> String {
    let d = detect_file(path).unwrap();
    let mut r = EventTextReader::new(
        BufReader::new(File::open(path).unwrap()),
        d.encoding.unwrap(),
        0,
        EventTextSettings::default(),
    );
    r.by_ref().for_each(drop);
    r.describe().to_string()
}

struct Expect {
    file: &'static str,
    events: usize,
    describe: &'static str,
    top: &'static str,
    top_lines: &'static [u64],
    codes: &'static [u32],
}

const EVENT_TEXT: &[Expect] = &[
    Expect {
        file: "eventtext/general-en.txt",
        events: 4,
        describe: "Event Viewer text copy, English; 4 events",
        // The failed install ranks above the service failure; its 11920 notice is the cause.
        top: "eventlog.msi-failed",
        top_lines: &[24, 48],
        codes: &[1603],
    },
    Expect {
        file: "eventtext/wevtutil-en.txt",
        events: 2,
        describe: "wevtutil text output, English; 2 events",
        top: "eventlog.service.start-failed",
        top_lines: &[14, 32],
        codes: &[7038, 1326],
    },
    Expect {
        file: "eventtext/xmlview-en.txt",
        events: 2,
        describe: "Event Viewer XML view copy; 2 events",
        top: "eventlog.msi-failed",
        top_lines: &[1, 22],
        codes: &[1603],
    },
    Expect {
        file: "eventtext/formatlist-en.txt",
        events: 2,
        describe: "PowerShell Format-List of events; 2 events",
        // The failed install ranks above the service failure.
        top: "eventlog.msi-failed",
        top_lines: &[12],
        codes: &[1603],
    },
    Expect {
        file: "eventtext/formatlist-eventlog-de.txt",
        events: 1,
        describe: "PowerShell Format-List of events; 1 event",
        top: "eventlog.service.start-failed",
        top_lines: &[6],
        codes: &[7000, 2],
    },
    Expect {
        file: "eventtext/saved-list-en.csv",
        events: 4,
        describe: "Event Viewer saved event list, English; 4 events",
        // The failed install ranks above the service failure; its 11920 notice is the cause.
        top: "eventlog.msi-failed",
        top_lines: &[4],
        codes: &[1603],
    },
    Expect {
        file: "eventtext/saved-list-fr.txt",
        events: 2,
        describe: "Event Viewer saved event list, French; 2 events",
        top: "eventlog.msi-failed",
        // Saved lists are newest first: ordered by the records' own times, the outcome (line 2)
        // is joined to its cause (line 3).
        top_lines: &[3, 2],
        codes: &[1603],
    },
];

#[test]
fn every_event_text_form_is_detected_read_and_analyzed() {
    for x in EVENT_TEXT {
        let path = fixture(x.file);
        assert_eq!(
            detect_file(&path).unwrap().format,
            Format::EventText,
            "{}",
            x.file
        );
        let events = events_of(&path);
        assert_eq!(events.len(), x.events, "{}", x.file);
        assert!(
            events.iter().all(
                |e| matches!(e.kind, Kind::EventRecord(_)) && matches!(e.at, Location::Line(_))
            ),
            "{}",
            x.file
        );
        assert_eq!(describe_event_text(&path), x.describe, "{}", x.file);
        let report = analyze(&path);
        let top = report
            .findings
            .first()
            .unwrap_or_else(|| panic!("{}: no finding", x.file));
        assert_eq!(top.id, x.top, "{}", x.file);
        for l in x.top_lines {
            assert!(
                lines_of(top).contains(l),
                "{}: line {l} not in {:?}",
                x.file,
                top.evidence
            );
        }
        for c in x.codes {
            assert!(
                top.codes.contains(c),
                "{}: code {c} not in {:?}",
                x.file,
                top.codes
            );
        }
        assert!(report.inputs[0].skipped.is_empty(), "{}", x.file);
    }
}

#[test]
fn general_copies_in_every_language() {
    let languages = [
        ("de", "German"),
        ("fr", "French"),
        ("es", "Spanish"),
        ("pt", "Portuguese"),
        ("it", "Italian"),
        ("ru", "Russian"),
        ("zh", "Chinese"),
        ("ja", "Japanese"),
        ("ko", "Korean"),
        ("nl", "Dutch"),
        ("pl", "Polish"),
    ];
    for (code, language) in languages {
        let file = format!("eventtext/general-{code}.txt");
        let path = fixture(&file);
        assert_eq!(
            detect_file(&path).unwrap().format,
            Format::EventText,
            "{file}"
        );
        let events = events_of(&path);
        assert_eq!(events.len(), 2, "{file}");
        // Localized dates: 18 November 2026, 09:41, whatever the order and the clock.
        for e in &events {
            let t = e
                .time
                .local_datetime()
                .unwrap_or_else(|| panic!("{file}: no date"));
            assert_eq!(
                t.format("%Y-%m-%d %H:%M").to_string(),
                "2026-11-18 09:41",
                "{file}"
            );
        }
        assert_eq!(
            describe_event_text(&path),
            format!("Event Viewer text copy, {language}; 2 events")
        );
        let report = analyze(&path);
        let top = &report.findings[0];
        assert_eq!(top.id, "eventlog.msi-failed", "{file}");
        // The localized `Product: X -- Error 1920` notice is the cause where its error word is
        // read; the status is always there.
        assert!(top.codes.contains(&1603), "{file}: {:?}", top.codes);
        // Evidence cites the user's own lines: the message lines of the 11920 notice and of
        // the 1033 outcome.
        let content = std::fs::read_to_string(&path).unwrap();
        let notice = content
            .lines()
            .position(|l| l.contains("1920") && l.contains("Contoso"))
            .unwrap();
        let outcome = notice
            + content
                .lines()
                .skip(notice)
                .position(|l| l.contains("1603"))
                .unwrap();
        assert_eq!(
            lines_of(top),
            [notice as u64 + 1, outcome as u64 + 1],
            "{file}: the 11920 notice and the 1033 outcome"
        );
        assert!(
            top.title.starts_with("Contoso Agent:"),
            "{file}: {}",
            top.title
        );
    }
}

#[test]
fn copy_details_with_event_xml_keeps_the_exported_record() {
    let events = events_of(&fixture("eventtext/general-en.txt"));
    let outcome = events.last().unwrap();
    assert_eq!(outcome.at, Location::Line(38));
    assert!(
        matches!(outcome.time.read, ReadTime::Utc { .. }),
        "the XML's UTC time"
    );
    let Kind::EventRecord(r) = &outcome.kind else {
        panic!()
    };
    assert_eq!(
        r.data.len(),
        7,
        "the XML's data items, (NULL) and empty ones included"
    );
    assert_eq!(
        r.user_sid.as_deref(),
        Some("S-1-5-21-1004336348-1177238915-682003330-1001")
    );
    // The raw text is the user's lines, from `Log Name:` to `</Event>`.
    let raw: Vec<_> = outcome.raw_lines().collect();
    assert_eq!(raw.first().unwrap(), &(38, "Log Name:      Application"));
    assert_eq!(raw.last().unwrap(), &(74, "</Event>"));
}

#[test]
fn process_monitor_text_copies() {
    // (file, rows, top finding, its lines, another finding, its lines)
    type Case<'a> = (&'a str, usize, &'a str, &'a [u64], &'a str, &'a [u64]);
    let cases: &[Case] = &[
        (
            "procmon/rows-copied-spaces.txt",
            6,
            "procmon.installer-exit",
            &[8],
            "procmon.access-denied",
            &[5, 6],
        ),
        (
            "procmon/rows-copied-tabs.txt",
            4,
            "procmon.installer-exit",
            &[4],
            "procmon.sharing-violation",
            &[2, 3],
        ),
        (
            "procmon/event-properties.txt",
            1,
            "procmon.access-denied",
            &[1],
            "",
            &[],
        ),
    ];
    for (file, rows, top, top_lines, second, second_lines) in cases {
        let path = fixture(file);
        assert_eq!(
            detect_file(&path).unwrap().format,
            Format::ProcmonText,
            "{file}"
        );
        let d = detect_file(&path).unwrap();
        let mut parser = ProcmonTextParser::new(
            BufReader::new(File::open(&path).unwrap()),
            d.encoding.unwrap(),
            0,
            CaptureSettings::default(),
        );
        parser
            .by_ref()
            .for_each(|e| assert!(e.is_ok(), "{file}: {e:?}"));
        assert_eq!(parser.describe().rows, *rows as u64, "{file}");
        let events = events_of(&path);
        assert!(
            events.iter().all(|e| matches!(e.at, Location::Line(_))),
            "{file}"
        );
        let report = analyze(&path);
        assert_eq!(report.captures.len(), 1, "{file}");
        assert_eq!(report.captures[0].rows, *rows as u64, "{file}");
        let f = &report.findings[0];
        assert_eq!(f.id, *top, "{file}");
        assert_eq!(lines_of(f), *top_lines, "{file}");
        if !second.is_empty() {
            let f = report.findings.iter().find(|f| f.id == *second).unwrap();
            assert_eq!(lines_of(f), *second_lines, "{file}");
            assert!(
                f.summary.contains("Process chain:"),
                "{file}: {}",
                f.summary
            );
        }
    }
}

/// The value of `key = "..."` in a case.toml (basic TOML string escapes).
fn toml_string(text: &str, key: &str) -> Option<String> {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{key} = \"")))?;
    let raw = line[key.len() + 4..].strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Numbers a case's `key_error_code` names (decimal of three digits or more, or hex).
fn key_numbers(key: &str) -> Vec<String> {
    key.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| {
            t.len() >= 3
                && (t.bytes().all(|b| b.is_ascii_digit())
                    || t.starts_with("0x") && t[2..].bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Cases whose evidence these readers read, but whose cause no finding names yet (with why).
const KNOWN_GAPS: &[(&str, &str)] = &[(
    "34-procmon-rempl-pnpclean-removes-usb-drivers",
    "the rows are read (process tree remsh.exe > rundll32.exe) but every operation succeeded and no rule names a driver-store cleanup run (pnpclean.dll /DRIVERS)",
)];

#[test]
fn real_cases_in_text_forms() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mut checked = Vec::new();
    for index in ["cases/index.csv", "cases/index-added.csv"] {
        let text = std::fs::read_to_string(shared.join(index)).unwrap();
        for row in text.lines().skip(1) {
            let dir = row.split(',').next().unwrap();
            let case = shared.join("cases").join(dir);
            let toml = std::fs::read_to_string(case.join("case.toml")).unwrap();
            let file = toml_string(&toml, "evidence_file").unwrap_or_else(|| "log.txt".into());
            let path = case.join(&file);
            let Ok(detected) = detect_file(&path) else {
                continue;
            };
            if !matches!(detected.format, Format::EventText | Format::ProcmonText) {
                continue;
            }
            let evidence = toml_string(&toml, "evidence_line").unwrap();
            let content = std::fs::read_to_string(&path).unwrap();
            let at = content
                .lines()
                .position(|l| l.contains(evidence.trim()))
                .unwrap_or_else(|| panic!("{dir}: evidence line not in {file}"))
                as u64
                + 1;
            // The evidence line is part of an event read from the file.
            let events = events_of(&path);
            let holder = events
                .iter()
                .find(|e| e.raw_lines().any(|(n, _)| n == at))
                .unwrap_or_else(|| panic!("{dir}: line {at} is in no event read"));
            let report = analyze(&path);
            if dir.starts_with("23-") {
                // The control: a warning of a successful install is no failure.
                assert!(!report.failed, "{dir}: {:#?}", report.findings);
                checked.push(dir.to_string());
                continue;
            }
            let Location::Line(start) = holder.at else {
                panic!()
            };
            let top = report.findings.first();
            // The top finding cites a line of that record (its message line, as the user wrote
            // it, or its first line).
            let rests = top.is_some_and(|f| {
                let cited = lines_of(f);
                cited.contains(&start) || holder.raw_lines().any(|(n, _)| cited.contains(&n))
            });
            let named = top.is_some_and(|f| {
                let text = format!("{} {}", f.title, f.summary).to_ascii_lowercase();
                let codes: Vec<String> = f.codes.iter().map(u32::to_string).collect();
                key_numbers(&toml_string(&toml, "key_error_code").unwrap_or_default())
                    .iter()
                    .any(|n| codes.contains(n) || text.contains(n.as_str()))
            });
            if let Some((_, why)) = KNOWN_GAPS.iter().find(|(d, _)| *d == dir) {
                assert!(
                    !(rests && named),
                    "{dir} is read and diagnosed now: remove it from KNOWN_GAPS ({why})"
                );
                checked.push(dir.to_string());
                continue;
            }
            assert!(
                rests,
                "{dir}: the top finding does not rest on the record at line {start} holding the evidence line: {top:#?}"
            );
            assert!(
                named,
                "{dir}: the top finding names none of the case's codes: {top:#?}"
            );
            checked.push(dir.to_string());
        }
    }
    assert!(checked.len() >= 6, "only {checked:?}");
}
