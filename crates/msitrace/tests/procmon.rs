//! Process Monitor exports: every corpus capture parses with pinned row counts, each time style
//! reads right, the process tree from the `Parent PID` column equals the one rebuilt from the
//! details alone, chunked parallel reading equals the serial read, and bad input gives precise
//! errors.

use crate::common;

use chrono::{NaiveDate, NaiveTime};
use msitrace::analysis::InputStatus;
use msitrace::analysis::ProcessTree;
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::event::{Event, Kind, ReadTime};
use msitrace::findings::Severity;
use msitrace::source::procmon::csv::{read_file_with, ChunkPlan, ProcmonCsvParser};
use msitrace::source::procmon::xml::ProcmonXmlParser;
use msitrace::source::procmon::CaptureSettings;
use msitrace::source::KeepPolicy;
use msitrace::source::SourceError;
use std::collections::BTreeSet;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// Data rows of each corpus CSV (counted independently with Python's csv module).
const CSV_ROWS: &[(&str, u64)] = &[
    ("feijing2132_monitorAPIs_Logfile.CSV", 52),
    ("fskoras_CreateProcess-gcc-issue_Logfile.CSV", 9877),
    ("ohtorii_test_Logfile.CSV", 2300),
    ("procmon-parser_Tests64bitUTC.CSV.gz", 53214),
    ("procmon-parser_UTC32Filesystem.CSV", 8577),
    ("procmon-parser_UTC64Process.CSV", 3400),
    ("prsp0007_samples_Logfile.CSV", 2791),
    ("stofte_roslyn-test_Logfile.CSV", 11892),
    ("zingus_crysis_Logfile.CSV", 1321),
];

fn corpus(dir: &str) -> Option<PathBuf> {
    common::shared().map(|s| s.join("corpus").join(dir))
}

/// The corpus file as a readable CSV path: `.gz` ones are decompressed into `tmp`.
fn csv_path(dir: &Path, name: &str, tmp: &Path) -> PathBuf {
    let path = dir.join(name);
    let Some(stem) = name.strip_suffix(".gz") else {
        return path;
    };
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    let out = tmp.join(stem);
    std::fs::write(&out, bytes).unwrap();
    out
}

fn all() -> CaptureSettings {
    CaptureSettings {
        keep: KeepPolicy::All,
        ..Default::default()
    }
}

fn parse_all(path: &Path) -> (Vec<Event>, Vec<SourceError>, u64) {
    let file = BufReader::new(std::fs::File::open(path).unwrap());
    let mut parser = ProcmonCsvParser::new(file, 0, all()).unwrap();
    let (mut events, mut errors) = (Vec::new(), Vec::new());
    for item in parser.by_ref() {
        match item {
            Ok(e) => events.push(e),
            Err(e) => errors.push(e),
        }
    }
    (events, errors, parser.rows_read())
}

#[test]
fn every_corpus_csv_parses_with_pinned_row_counts() {
    let Some(dir) = corpus("procmon-csv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let listed: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let pinned: BTreeSet<String> = CSV_ROWS.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(listed, pinned, "every corpus CSV has a pinned row count");
    for (name, rows) in CSV_ROWS {
        let path = csv_path(&dir, name, tmp.path());
        // Every row typed: no error, one event per row plus the process descriptions.
        let (events, errors, read) = parse_all(&path);
        assert!(
            errors.is_empty(),
            "{name}: {:?}",
            &errors[..errors.len().min(3)]
        );
        assert_eq!(read, *rows, "{name}");
        let described = events
            .iter()
            .filter(|e| matches!(e.kind, Kind::ProcessInfo(_)))
            .count() as u64;
        assert_eq!(events.len() as u64 - described, *rows, "{name}");
        // Through the analysis (kept rows only), the same count and no warning.
        let report = analyze_paths(std::slice::from_ref(&path), &AnalysisSettings::default());
        let input = &report.inputs[0];
        assert_eq!(
            input.status,
            InputStatus::Analyzed,
            "{name}: {:?}",
            input.error
        );
        assert!(input.warnings.is_empty(), "{name}: {:?}", input.warnings);
        let capture = &report.captures[0];
        assert_eq!(capture.rows, *rows, "{name}");
        assert_eq!(capture.bad_rows, 0, "{name}");
        let counted: u64 = capture.operations.iter().map(|o| o.count).sum();
        assert_eq!(
            counted, *rows,
            "{name}: counts by operation/result cover every row"
        );
        assert!(
            capture.kept < *rows,
            "{name}: the routine rows are not kept"
        );
    }
}

#[test]
fn corpus_xml_parses_process_list_and_events() {
    let Some(dir) = corpus("procmon-xml") else {
        return;
    };
    let path = dir.join("Epicmine901_epic_Logfile.XML");
    let file = BufReader::new(std::fs::File::open(&path).unwrap());
    let mut parser = ProcmonXmlParser::new(file, 0, all());
    let mut events = Vec::new();
    for item in parser.by_ref() {
        events.push(item.unwrap());
    }
    assert_eq!(parser.rows_read(), 543);
    let listed = events
        .iter()
        .filter(|e| matches!(e.at, msitrace::event::Location::Offset(_)))
        .count();
    assert_eq!(listed, 185, "one ProcessInfo per <process>");
    // The multi-line environment block stays inside the Process Start detail.
    let start = events
        .iter()
        .find_map(|e| match &e.kind {
            Kind::ProcessStart(s) if s.pid == 6824 => Some(s.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(start.parent, Some(7308));
    assert_eq!(
        start.command_line.as_deref(),
        Some("\"C:\\Program Files\\Windows Defender\\MpCmdRun.exe\"")
    );
    assert_eq!(
        start.current_directory.as_deref(),
        Some("C:\\Program Files\\Windows Defender\\")
    );
    let first = events
        .iter()
        .find(|e| {
            e.at == msitrace::event::Location::Row(1) && !matches!(e.kind, Kind::ProcessInfo(_))
        })
        .unwrap();
    assert_eq!(
        first.time.read,
        ReadTime::Local {
            date: None,
            time: NaiveTime::from_hms_nano_opt(19, 4, 47, 395_537_800).unwrap()
        }
    );
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let capture = &report.captures[0];
    assert_eq!(capture.rows, 543);
    assert_eq!(capture.results.failure, 2);
    let denied = &report.findings[0];
    assert_eq!(denied.id, "procmon.access-denied");
    assert!(
        denied.summary.contains("MsMpEng.exe (13044)"),
        "{}",
        denied.summary
    );
    assert_eq!(denied.evidence[0].row, Some(518));
}

/// The first row's time in each time style.
#[test]
fn each_time_style_reads_right() {
    let Some(dir) = corpus("procmon-csv") else {
        return;
    };
    let cases = [
        // 12-hour with dot decimals, no date column.
        (
            "feijing2132_monitorAPIs_Logfile.CSV",
            None,
            (15, 58, 46, 688_288_900),
        ),
        // 24-hour with comma decimals.
        (
            "fskoras_CreateProcess-gcc-issue_Logfile.CSV",
            None,
            (16, 53, 3, 600_151_600),
        ),
        // 24-hour with dot decimals.
        ("ohtorii_test_Logfile.CSV", None, (18, 40, 23, 103_891_500)),
        // 12-hour with the Date & Time column.
        (
            "procmon-parser_UTC64Process.CSV",
            NaiveDate::from_ymd_opt(2020, 7, 31),
            (7, 37, 18, 209_399_700),
        ),
    ];
    for (name, date, (h, m, s, n)) in cases {
        let (events, _, _) = parse_all(&dir.join(name));
        let first = events
            .iter()
            .find(|e| !matches!(e.kind, Kind::ProcessInfo(_)))
            .unwrap();
        assert_eq!(
            first.time.read,
            ReadTime::Local {
                date,
                time: NaiveTime::from_hms_nano_opt(h, m, s, n).unwrap()
            },
            "{name}"
        );
    }
    // A PM time near the end of the 12-hour file keeps its 100 ns digits.
    let (events, _, _) = parse_all(&dir.join("feijing2132_monitorAPIs_Logfile.CSV"));
    let last = events.last().unwrap();
    assert!(last.time.time_of_day().unwrap() > NaiveTime::from_hms_opt(15, 58, 46).unwrap());
}

/// A started process: pid, parent pid, image, command line.
type Started = (u32, Option<u32>, Option<String>, Option<String>);

/// The processes started in the capture.
fn started(tree: &ProcessTree) -> BTreeSet<Started> {
    tree.processes
        .iter()
        .filter(|p| p.started.is_some())
        .map(|p| (p.pid, p.parent_pid, p.image.clone(), p.command_line.clone()))
        .collect()
}

fn tree_of(path: &Path) -> ProcessTree {
    let file = BufReader::new(std::fs::File::open(path).unwrap());
    let parser = ProcmonCsvParser::new(file, 0, CaptureSettings::default()).unwrap();
    let events: Vec<Event> = parser.map(Result::unwrap).collect();
    ProcessTree::from_events(&events)
}

#[test]
fn process_tree_from_parent_pid_column_equals_the_one_from_details() {
    let Some(dir) = corpus("procmon-csv") else {
        return;
    };
    let path = dir.join("procmon-parser_UTC64Process.CSV");
    let with_column = tree_of(&path);
    // The same capture without its Parent PID column.
    let tmp = tempfile::tempdir().unwrap();
    let hidden = tmp.path().join("no-parent-pid.csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&path)
        .unwrap();
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_path(&hidden)
        .unwrap();
    let mut drop_at = None;
    for record in reader.byte_records() {
        let record = record.unwrap();
        let at = *drop_at.get_or_insert_with(|| {
            record
                .iter()
                .position(|f| f == b"Parent PID")
                .expect("the 27-column export has Parent PID")
        });
        let kept: csv::ByteRecord = record
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != at)
            .map(|(_, f)| f)
            .collect();
        writer.write_byte_record(&kept).unwrap();
    }
    writer.flush().unwrap();
    drop(writer);
    let from_details = tree_of(&hidden);

    assert_eq!(with_column.processes.len(), 74);
    assert_eq!(
        from_details.processes.len(),
        74,
        "every process is seen either way"
    );
    let a = started(&with_column);
    let b = started(&from_details);
    assert_eq!(a.len(), 44, "44 processes start in the capture");
    assert_eq!(a, b);
    // The column knows the parents of processes that were running before the capture; the
    // details alone do not.
    let known = |t: &ProcessTree| {
        t.processes
            .iter()
            .filter(|p| p.parent_pid.is_some())
            .count()
    };
    assert_eq!(known(&with_column), 74);
    assert_eq!(known(&from_details), 44);
    // The chain of a notepad started by PowerShell started by Explorer.
    let i = from_details
        .processes
        .iter()
        .position(|p| p.pid == 6568)
        .unwrap();
    let chain: Vec<u32> = from_details
        .chain(i)
        .iter()
        .map(|&p| from_details.processes[p].pid)
        .collect();
    assert_eq!(chain, vec![3344, 7924, 6568]);
    // Users and integrity levels come from their columns.
    let p = &with_column.processes[with_column
        .processes
        .iter()
        .position(|p| p.pid == 6568)
        .unwrap()];
    assert!(p.user.is_some() && p.integrity.is_some(), "{p:?}");
}

#[test]
fn chunked_parallel_read_equals_the_serial_read() {
    let Some(dir) = corpus("procmon-csv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let path = csv_path(&dir, "procmon-parser_Tests64bitUTC.CSV.gz", tmp.path());
    let settings = CaptureSettings::default();
    let serial = read_file_with(&path, 0, settings, ChunkPlan::threads(1)).unwrap();
    let parallel = read_file_with(
        &path,
        0,
        settings,
        ChunkPlan {
            threads: 2,
            min_parallel: 0,
            chunk_bytes: Some(1 << 20),
        },
    )
    .unwrap();
    assert_eq!(serial.tally.rows, 53214);
    assert_eq!(parallel.tally.rows, serial.tally.rows);
    assert_eq!(
        parallel.tally.operation_counts(),
        serial.tally.operation_counts()
    );
    assert!(parallel.errors.is_empty() && serial.errors.is_empty());
    // The failures and process lifecycle are the same rows.
    let rows = |events: &[Event]| -> Vec<u64> {
        events
            .iter()
            .filter(|e| {
                matches!(&e.kind, Kind::ProcessStart(_) | Kind::ProcessExit { .. })
                    || matches!(&e.kind, Kind::Operation(o) if o.result == "ACCESS DENIED")
            })
            .map(|e| match e.at {
                msitrace::event::Location::Row(n) => n,
                _ => 0,
            })
            .collect()
    };
    assert_eq!(rows(&parallel.events), rows(&serial.events));
    // With the limits applied to the merge, the kept events are the serial ones, but for the
    // narrower retries of denied opens whose denial fell in the chunk before.
    let missing: Vec<&Event> = serial
        .events
        .iter()
        .filter(|e| !parallel.events.contains(e))
        .collect();
    assert!(
        missing
            .iter()
            .all(|e| matches!(&e.kind, Kind::Operation(o) if o.result == "SUCCESS")),
        "{missing:#?}"
    );
    assert!(missing.len() <= 3, "{}", missing.len());
    assert!(parallel.events.iter().all(|e| serial.events.contains(e)));
    assert_eq!(
        started(&ProcessTree::from_events(&parallel.events)),
        started(&ProcessTree::from_events(&serial.events))
    );
    // 32 ACCESS DENIED rows, 16 of them msiexec's.
    let denied: Vec<&Event> = serial
        .events
        .iter()
        .filter(|e| matches!(&e.kind, Kind::Operation(o) if o.result == "ACCESS DENIED"))
        .collect();
    assert_eq!(denied.len(), 32);
}

#[test]
fn ranges_after_a_filled_key_keep_what_one_reader_keeps() {
    // Many small ranges, and limits that the first ranges fill: the later ranges' readers are
    // told which keys are full and do not build those rows. The rows kept and every count must
    // be those of one reader over the whole file.
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from(HEADER);
    for i in 0..6000u32 {
        let (process, pid) = [("msiexec.exe", 10), ("setup.exe", 20), ("n/a", 30)][i as usize % 3];
        let (operation, path, result, detail) = match i % 7 {
            0 => ("CreateFile", r"C:\Windows\Temp\a.tmp", "ACCESS DENIED", ""),
            1 => ("RegOpenKey", r"HKLM\SOFTWARE\X", "NAME NOT FOUND", ""),
            2 => (
                "CreateFile",
                r"C:\Program Files\X\b.dll",
                "SHARING VIOLATION",
                "",
            ),
            // A denied `All Access` open (waiting for a retry that never comes).
            3 => (
                "CreateFile",
                r"C:\ProgramData\X\c.dat",
                "ACCESS DENIED",
                "Desired Access: All Access",
            ),
            4 => ("CreateFile", r"C:\x", "SUCCESS", "Desired Access: Read"),
            5 => ("ReadFile", r"C:\x", "SUCCESS", "Offset: 0"),
            _ => ("QueryOpen", r"C:\y\z.dll", "PATH NOT FOUND", ""),
        };
        text.push_str(&format!(
            "\"9:{:02}:{:02}.{:07} AM\",\"{process}\",\"{pid}\",\"{operation}\",\"{path}\",\"{result}\",\"{detail}\"\n",
            i / 3600 % 60,
            i / 60 % 60,
            i % 60
        ));
    }
    let path = write(tmp.path(), "filled.csv", text.as_bytes());
    let settings = CaptureSettings {
        max_per_failure: 5,
        max_probe_samples: 2,
        ..Default::default()
    };
    let serial = read_file_with(&path, 0, settings, ChunkPlan::threads(1)).unwrap();
    let parallel = read_file_with(
        &path,
        0,
        settings,
        ChunkPlan {
            threads: 2,
            min_parallel: 0,
            chunk_bytes: Some(16 << 10),
        },
    )
    .unwrap();
    let rows = |events: &[Event]| -> Vec<(u64, String)> {
        events
            .iter()
            .filter_map(|e| match (&e.kind, e.at) {
                (Kind::Operation(o), msitrace::event::Location::Row(n)) => {
                    Some((n, o.result.clone()))
                }
                _ => None,
            })
            .collect()
    };
    let kept = rows(&serial.events);
    // Three processes, each with three failure keys (five rows kept of each) and two probe keys
    // (two rows kept of each).
    assert_eq!(kept.len(), 3 * (5 * 3 + 2 * 2), "{kept:?}");
    assert_eq!(rows(&parallel.events), kept);
    assert_eq!(parallel.events, serial.events);
    assert_eq!(parallel.tally.kept, serial.tally.kept);
    assert_eq!(parallel.tally.rows, 6000);
    assert_eq!(parallel.tally.failures, serial.tally.failures);
    assert!(parallel.errors.is_empty() && serial.errors.is_empty());
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

const HEADER: &str =
    "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\n";

#[test]
fn bad_rows_are_precise_errors_and_the_rest_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEADER}\
\"9:00:00.0000001 AM\",\"msiexec.exe\",\"10\",\"CreateFile\",\"C:\\Windows\\Installer\\x.msi\",\"ACCESS DENIED\",\"Desired Access: Generic Read\"\n\
\"9:00:00.0000002 AM\",\"msiexec.exe\",\"10\",\"CreateFile\"\n\
\"9:00:00.0000003 AM\",\"msiexec.exe\",\"ten\",\"CreateFile\",\"C:\\x\",\"SUCCESS\",\"\"\n\
\"9:00:00.0000004 AM\",\"msiexec.exe\",\"10\",\"\u{1}\u{2}\",\"C:\\x\",\"SUCCESS\",\"\"\n\
\"9:00:00.0000005 AM\",\"msiexec.exe\",\"10\",\"CreateFile\",\"C:\\x\",\"bogus result!\",\"\"\n\
\"9:00:00.0000006 AM\",\"msiexec.exe\",\"10\",\"FutureOperation\",\"C:\\x\",\"SOME NEW STATUS\",\"\"\n\
\"99:00\",\"msiexec.exe\",\"10\",\"WriteFile\",\"C:\\x\",\"DISK FULL\",\"\"\n\
\"9:00:00.0000008 AM\",\"msiexec.exe\",\"10\",\"WriteFile\",\"C:\\Windows\\Temp\\y\",\"DISK FULL\",\"Offset: 1,024, Len"
    );
    let path = write(tmp.path(), "bad.CSV", text.as_bytes());
    let file = BufReader::new(std::fs::File::open(&path).unwrap());
    let items: Vec<_> = ProcmonCsvParser::new(file, 0, CaptureSettings::default())
        .unwrap()
        .collect();
    let errors: Vec<String> = items
        .iter()
        .filter_map(|i| i.as_ref().err().map(|e| e.to_string()))
        .collect();
    assert_eq!(errors.len(), 6, "{errors:#?}");
    assert!(
        errors[0].contains("row 2") && errors[0].contains("4 field(s)"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("row 3") && errors[1].contains("\"PID\""),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].contains("row 4") && errors[2].contains("\"Operation\""),
        "{}",
        errors[2]
    );
    assert!(
        errors[3].contains("row 5") && errors[3].contains("\"Result\""),
        "{}",
        errors[3]
    );
    assert!(
        errors[4].contains("row 7") && errors[4].contains("\"Time of Day\""),
        "{}",
        errors[4]
    );
    // The cut last row (inside a quoted field) is ragged.
    assert!(errors[5].contains("row 8"), "{}", errors[5]);
    let ok: Vec<&Event> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    let rows: Vec<_> = ok
        .iter()
        .filter(|e| matches!(e.kind, Kind::Operation(_)))
        .map(|e| e.at)
        .collect();
    assert_eq!(
        rows,
        vec![
            msitrace::event::Location::Row(1),
            msitrace::event::Location::Row(6)
        ]
    );

    // Through the analysis: the input is analysed, each error is a warning, and the unknown
    // operation and result are reported as such.
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    assert_eq!(report.inputs[0].status, InputStatus::Analyzed);
    assert_eq!(report.inputs[0].warnings.len(), 6);
    let c = &report.captures[0];
    assert_eq!((c.rows, c.bad_rows), (8, 6));
    assert_eq!(c.unknown_operations, vec!["FutureOperation".to_string()]);
    assert_eq!(c.unknown_results, vec!["SOME NEW STATUS".to_string()]);
}

#[test]
fn header_problems_and_impostors_are_rejected_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    // A CSV header without the required columns (e.g. a localized export).
    let text = "\"Uhrzeit\",\"Prozessname\",\"PID\",\"Vorgang\",\"Pfad\",\"Ergebnis\",\"Detail\"\n\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\"\n";
    let err = ProcmonCsvParser::new(text.as_bytes(), 0, CaptureSettings::default())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("missing column(s) Operation, Result"), "{err}");
    // Detection needs an "Operation" column too: such a file is unrecognised, clearly.
    let german = write(tmp.path(), "german.CSV", text.as_bytes());
    // Not a CSV at all, named .CSV.
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let junk = write(tmp.path(), "capture.CSV", &binary);
    let notes = write(tmp.path(), "notes.CSV", b"just some notes, not a capture\n");
    // A header with the required columns but missing Time of Day: rows have no time.
    let subset = write(
        tmp.path(),
        "subset.CSV",
        b"\"Operation\",\"PID\",\"Result\",\"Path\"\n\"CreateFile\",\"4\",\"ACCESS DENIED\",\"C:\\Config.Msi\\a.rbf\"\n",
    );
    let report = analyze_paths(&[german, junk, notes, subset], &AnalysisSettings::default());
    // Text that is no capture is read by the text scan, and says so when it holds no installer
    // signal; binary content is refused.
    for i in [&report.inputs[0], &report.inputs[2]] {
        assert_eq!(i.status, InputStatus::Unrecognized, "{}", i.path);
        assert_eq!(i.format, Some(msitrace::source::Format::Text), "{}", i.path);
        assert!(i.error.as_deref().unwrap().contains("no installer signal"));
    }
    let i = &report.inputs[1];
    assert_eq!(i.status, InputStatus::Unrecognized, "{}", i.path);
    assert!(i.error.as_deref().unwrap().contains("not a recognised log"));
    assert_eq!(report.inputs[3].status, InputStatus::Analyzed);
    let f = &report.findings[0];
    assert_eq!(f.id, "procmon.access-denied");
    assert!(f.title.contains(r"%SystemDrive%\Config.Msi"), "{}", f.title);
    assert_eq!(f.severity, Severity::Warning);
}

/// An exit is counted under the image its own row names: a PID that another program used
/// earlier in the capture (no Process Start row in between) does not move the exit to that
/// program, and the count does not depend on how the capture was split into ranges.
#[test]
fn an_exit_counts_under_the_image_its_row_names_when_a_pid_is_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = HEADER.to_string();
    text.push_str(
        "\"2:00:00.0000000 PM\",\"setup.exe\",\"700\",\"CreateFile\",\"C:\\Temp\\a.txt\",\"SUCCESS\",\"\"\n\
         \"2:00:01.0000000 PM\",\"setup.exe\",\"700\",\"Process Exit\",\"\",\"SUCCESS\",\"Exit Status: 1603, User Time: 0.0 seconds\"\n\
         \"2:00:02.0000000 PM\",\"msiexec.exe\",\"700\",\"Process Exit\",\"\",\"SUCCESS\",\"Exit Status: 1603, User Time: 0.0 seconds\"\n\
         \"2:00:03.0000000 PM\",\"msiexec.exe\",\"700\",\"Process Exit\",\"\",\"SUCCESS\",\"Exit Status: 1603, User Time: 0.0 seconds\"\n",
    );
    let path = write(tmp.path(), "reused.CSV", text.as_bytes());
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let mut exits: Vec<(String, u64)> = report
        .findings
        .iter()
        .filter(|f| f.id == "procmon.installer-exit")
        .map(|f| (f.title.clone(), f.occurrences))
        .collect();
    exits.sort();
    assert_eq!(
        exits,
        [
            (
                "msiexec.exe exited with 1603 (Fatal error during installation), 2 times".into(),
                2
            ),
            (
                "setup.exe (700) exited with 1603 (Fatal error during installation)".into(),
                1
            ),
        ],
        "{:#?}",
        report.findings
    );
}

#[test]
fn repeated_exits_of_one_image_are_one_finding_with_count_and_first_and_last_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = HEADER.to_string();
    // Three runs of msiexec.exe that each exit with 1603, one that crashes, one that succeeds.
    for (n, pid) in [6700, 6800, 6900].iter().enumerate() {
        text.push_str(&format!(
            "\"2:0{n}:10.0000000 PM\",\"Explorer.EXE\",\"4120\",\"Process Create\",\"C:\\Windows\\System32\\msiexec.exe\",\"SUCCESS\",\"PID: {pid}, Command line: msiexec /i a.msi\"\n\
             \"2:0{n}:11.0000000 PM\",\"msiexec.exe\",\"{pid}\",\"Process Start\",\"\",\"SUCCESS\",\"Parent PID: 4120, Command line: msiexec /i a.msi\"\n\
             \"2:0{n}:20.0000000 PM\",\"msiexec.exe\",\"{pid}\",\"Process Exit\",\"\",\"SUCCESS\",\"Exit Status: 1603, User Time: 0.0 seconds\"\n"
        ));
    }
    text.push_str(
        "\"2:05:00.0000000 PM\",\"fabsync.exe\",\"5120\",\"Process Exit\",\"\",\"SUCCESS\",\"Exit Status: -1073741515, User Time: 0.0 seconds\"\n\
         \"2:06:00.0000000 PM\",\"msiexec.exe\",\"7000\",\"Process Exit\",\"\",\"SUCCESS\",\"Exit Status: 0, User Time: 0.0 seconds\"\n",
    );
    let path = write(tmp.path(), "runs.CSV", text.as_bytes());
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let exits: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.id == "procmon.installer-exit")
        .collect();
    assert_eq!(exits.len(), 1, "{exits:#?}");
    let f = exits[0];
    assert_eq!(
        f.title, "msiexec.exe exited with 1603 (Fatal error during installation), 3 times",
        "{f:#?}"
    );
    assert!(
        f.summary.contains("3 times, from row 3 to row 9"),
        "{}",
        f.summary
    );
    let rows: Vec<Option<u64>> = f.evidence.iter().map(|e| e.row).collect();
    assert_eq!(rows, [Some(3), Some(9)]);
    // The count is machine-readable too: `occurrences` in JSON, `occurrenceCount` in SARIF.
    assert_eq!(f.occurrences, 3);
    assert_eq!(serde_json::to_value(f).unwrap()["occurrences"], 3);
    let sarif: serde_json::Value = serde_json::from_str(&msitrace::report::sarif::render(
        &report,
        &msitrace::rules::active(None),
    ))
    .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let counted: Vec<(&str, u64)> = results
        .iter()
        .map(|r| {
            let n = r.get("occurrenceCount").map_or(1, |n| n.as_u64().unwrap());
            (r["ruleId"].as_str().unwrap(), n)
        })
        .collect();
    assert!(
        counted.contains(&("procmon.installer-exit", 3)),
        "{counted:?}"
    );
    assert!(
        counted.contains(&("procmon.process-crash", 1)),
        "{counted:?}"
    );
    // A single exit keeps its own PID in the title.
    let crash: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.id == "procmon.process-crash")
        .collect();
    assert_eq!(crash.len(), 1);
    assert!(
        crash[0]
            .title
            .starts_with("fabsync.exe (5120) exited with 0xC0000135"),
        "{}",
        crash[0].title
    );
    assert_eq!(crash[0].evidence.len(), 1);
    assert_eq!(crash[0].occurrences, 1);
    assert!(serde_json::to_value(crash[0])
        .unwrap()
        .get("occurrences")
        .is_none());
}
