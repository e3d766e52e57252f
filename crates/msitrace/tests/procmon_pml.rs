//! Process Monitor PML captures: every corpus capture against the CSV Process Monitor exported
//! from the same capture (row by row), damaged captures (cut, bad offsets, bad string index),
//! and the analysis of a PML against the analysis of its CSV.

use crate::common;

use flate2::read::GzDecoder;
use msitrace::source::procmon::clock::time_of_day;
use msitrace::source::procmon::pml::{PmlRow, PmlRows};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The corpus pairs: capture, export, events visible in the export.
const PAIRS: &[(&str, &str, usize)] = &[
    (
        "procmon-parser_Tests64bitUTC.PML.gz",
        "procmon-parser_Tests64bitUTC.CSV.gz",
        53214,
    ),
    (
        "procmon-parser_UTC32Filesystem.PML.gz",
        "procmon-parser_UTC32Filesystem.CSV",
        8577,
    ),
    (
        "procmon-parser_UTC64Process.PML",
        "procmon-parser_UTC64Process.CSV",
        3400,
    ),
    (
        "prsp0007_samples_Logfile.PML",
        "prsp0007_samples_Logfile.CSV",
        2791,
    ),
    (
        "zingus_crysis_Logfile.PML",
        "zingus_crysis_Logfile.CSV",
        1321,
    ),
];

fn corpus() -> Option<PathBuf> {
    common::shared().map(|s| s.join("corpus"))
}

fn read_all(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).unwrap();
    if raw.starts_with(&[0x1F, 0x8B]) {
        let mut out = Vec::new();
        GzDecoder::new(&raw[..]).read_to_end(&mut out).unwrap();
        out
    } else {
        raw
    }
}

/// The capture as a plain file (a `.gz` one decompressed into `dir`).
fn pml_file(path: &Path, dir: &Path) -> PathBuf {
    if path.extension().is_some_and(|e| e == "gz") {
        let out = dir.join(path.file_stem().unwrap());
        std::fs::write(&out, read_all(path)).unwrap();
        out
    } else {
        path.to_path_buf()
    }
}

/// The export's rows by column name.
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = read_all(path);
    let text = String::from_utf8(bytes).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// A PML row's value of a CSV column, when the reader renders that column.
fn pml_value(row: &PmlRow, column: &str) -> Option<String> {
    Some(match column {
        "Process Name" => row.process_name.clone(),
        "PID" => row.pid.to_string(),
        "Operation" => row.operation.clone(),
        "Path" => row.path.clone(),
        "Result" => row.result.clone(),
        "Detail" => row.detail.clone(),
        "Parent PID" => row.parent_pid.to_string(),
        "Command Line" => row.command_line.clone(),
        "User" => row.user.clone(),
        "Integrity" => row.integrity.clone(),
        "Architecture" => row.architecture.to_string(),
        "TID" => row.tid.to_string(),
        "Event Class" => row.event_class.to_string(),
        "Category" => row.category.to_string(),
        "Image Path" => row.image_path.clone(),
        "Session" => row.session.to_string(),
        "Authentication ID" => row.authentication_id.clone(),
        "Duration" if row.status == 0x103 => String::new(),
        "Duration" => format!(
            "{}.{:07}",
            row.duration / 10_000_000,
            row.duration % 10_000_000
        ),
        _ => return None,
    })
}

/// Mismatches of one column: count and a first example.
type Mismatches = BTreeMap<(String, String), (usize, String)>;

#[test]
fn every_capture_matches_its_csv_export_row_by_row() {
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut mismatches: Mismatches = BTreeMap::new();
    let mut compared = 0usize;
    let grouping = regex::Regex::new(r"(\d)\.(\d{3})\b").unwrap();
    let decimals = regex::Regex::new(r"(\d),(\d{7})\b").unwrap();
    for (pml, csv, count) in PAIRS {
        let path = pml_file(&corpus.join("procmon-pml").join(pml), dir.path());
        let rows: Vec<PmlRow> = PmlRows::open(&path)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let expected = csv_rows(&corpus.join("procmon-csv").join(csv));
        assert_eq!(rows.len(), *count, "{pml}: visible events");
        assert_eq!(expected.len(), *count, "{csv}: rows");
        // The export prints local times; the capture holds UTC: one offset for the whole file.
        let first_csv = time_of_day(&expected[0]["Time of Day"]).unwrap();
        let first_pml = rows[0].time.unwrap().time();
        let offset = first_csv - first_pml;
        // Exports from a comma-decimal locale group digits with dots (`536.064`).
        let dotted = expected[0]["Time of Day"].contains(',');
        for (row, want) in rows.iter().zip(&expected) {
            compared += 1;
            let csv_time = time_of_day(&want["Time of Day"]).unwrap();
            let pml_time = row.time.unwrap().time() + offset;
            if csv_time != pml_time {
                let e = mismatches
                    .entry(("Time of Day".into(), row.operation.clone()))
                    .or_insert((
                        0,
                        format!("{pml} row {}: {csv_time} vs {pml_time}", row.row),
                    ));
                e.0 += 1;
            }
            for (column, value) in want {
                let Some(got) = pml_value(row, column) else {
                    continue;
                };
                let value = if dotted && column == "Detail" {
                    let seconds = decimals.replace_all(value, "$1.$2");
                    let once = grouping.replace_all(&seconds, "$1,$2");
                    grouping.replace_all(&once, "$1,$2").into_owned()
                } else {
                    value.clone()
                };
                if got != value {
                    let e = mismatches
                        .entry((column.clone(), want["Operation"].clone()))
                        .or_insert((
                            0,
                            format!("{pml} row {}: csv {value:?} pml {got:?}", row.row),
                        ));
                    e.0 += 1;
                }
            }
        }
    }
    let mut total = 0;
    for ((column, op), (n, example)) in &mismatches {
        total += n;
        eprintln!("MISMATCH {column} / {op}: {n} — {example}");
    }
    eprintln!("compared {compared} rows; {total} field mismatches");
    assert_eq!(compared, 69_303);
    // Every column but Detail and Category matches on every row: time, process, PID, parent,
    // operation, path, result, thread, duration, user, integrity, architecture, session...
    let other: Vec<_> = mismatches
        .keys()
        .filter(|(c, _)| c != "Detail" && c != "Category")
        .collect();
    assert!(other.is_empty(), "{other:?}");
    // The details installs hit most are rendered exactly.
    for (column, op) in mismatches.keys() {
        assert!(
            !EXACT_DETAIL.contains(&op.as_str()),
            "{column} of {op} differs from Process Monitor's"
        );
    }
    // The others differ on no more rows than the reasons above explain.
    for (op, ceiling) in DETAIL_CEILINGS {
        let n = mismatches
            .get(&("Detail".to_string(), op.to_string()))
            .map_or(0, |m| m.0);
        assert!(
            n <= *ceiling,
            "Detail of {op} differs on {n} rows (at most {ceiling})"
        );
    }
}

/// Operations whose Detail and Category must match the export on every row.
const EXACT_DETAIL: &[&str] = &[
    "ReadFile",
    "WriteFile",
    "CloseFile",
    "Process Start",
    "Process Create",
    "Process Exit",
    "Thread Create",
    "Thread Exit",
    "Load Image",
    "RegOpenKey",
    "RegCreateKey",
    "RegCloseKey",
    "RegSetInfoKey",
    "RegEnumValue",
    "RegDeleteValue",
    "TCP Send",
    "TCP Receive",
    "TCP Connect",
    "CreateFileMapping",
    "LockFile",
    "UnlockFileSingle",
    "DeviceIoControl",
    "QueryAttributeInformationVolume",
    "QueryObjectIdInformationVolume",
];

/// Operations whose Detail differs on some rows for reasons the capture cannot settle, with the
/// most rows allowed to differ: dates the prsp0007 and zingus exports print in their local time
/// and locale, users resolved from SIDs on the capturing machine (`Impersonating:`), and the
/// older Process Monitor that exported prsp0007 printing QueryDirectory's information class first.
const DETAIL_CEILINGS: &[(&str, usize)] = &[
    ("CreateFile", 25),
    ("QueryDirectory", 26),
    ("QueryAllInformationFile", 81),
    ("QueryBasicInformationFile", 181),
    ("QueryInformationVolume", 75),
    ("SetBasicInformationFile", 66),
];

/// A copy of a capture with `edit` applied.
fn damaged(src: &Path, dir: &Path, name: &str, edit: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = read_all(src);
    edit(&mut bytes);
    let out = dir.join(name);
    std::fs::write(&out, bytes).unwrap();
    out
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

#[test]
fn damaged_captures_keep_every_complete_event_and_say_where_reading_stopped() {
    let Some(corpus) = corpus() else { return };
    let src = corpus.join("procmon-pml/procmon-parser_UTC64Process.PML");
    let dir = tempfile::tempdir().unwrap();
    let whole: Vec<PmlRow> = PmlRows::open(&src)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // Cut in the middle of the events: the tables at the end are lost; events are walked.
    let cut = damaged(&src, dir.path(), "cut.pml", |b| b.truncate(b.len() / 2));
    let rows: Vec<_> = PmlRows::open(&cut).unwrap().collect();
    let ok: Vec<&PmlRow> = rows.iter().filter_map(|r| r.as_ref().ok()).collect();
    let err = rows
        .iter()
        .find_map(|r| r.as_ref().err())
        .unwrap()
        .to_string();
    assert!(ok.len() > 1000 && ok.len() < whole.len(), "{}", ok.len());
    assert!(
        err.contains("cut capture") && err.contains("byte 0x"),
        "{err}"
    );
    for (a, b) in ok.iter().zip(&whole) {
        assert_eq!(
            (&a.operation, &a.path, a.time),
            (&b.operation, &b.path, b.time)
        );
    }
    // A bad entry in the event offset table: the events before it are kept.
    let bad = damaged(&src, dir.path(), "offset.pml", |b| {
        let table = u64_at(b, 0x248) as usize;
        b[table + 5 * 100..table + 5 * 100 + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    });
    let rows: Vec<_> = PmlRows::open(&bad).unwrap().collect();
    let ok = rows.iter().filter(|r| r.is_ok()).count();
    let err = rows
        .iter()
        .find_map(|r| r.as_ref().err())
        .unwrap()
        .to_string();
    assert_eq!(ok, 100, "{err}");
    assert!(
        err.contains("event 100") && err.contains("reading stopped"),
        "{err}"
    );
    // A bad string offset: that string is empty, every event is still read.
    let bad = damaged(&src, dir.path(), "string.pml", |b| {
        let table = u64_at(b, 0x258) as usize;
        b[table + 8..table + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    });
    let rows = PmlRows::open(&bad).unwrap();
    assert!(rows
        .capture()
        .problems
        .iter()
        .any(|p| p.contains("string table")));
    assert_eq!(rows.filter(|r| r.is_ok()).count(), whole.len());
}

#[test]
fn analysis_of_a_capture_matches_the_analysis_of_its_export() {
    use msitrace::analysis::{analyze_paths, AnalysisSettings};
    let Some(corpus) = corpus() else { return };
    for (pml, csv, _) in PAIRS {
        let settings = AnalysisSettings {
            threads: Some(2),
            ..Default::default()
        };
        let a = analyze_paths(&[corpus.join("procmon-pml").join(pml)], &settings);
        let b = analyze_paths(&[corpus.join("procmon-csv").join(csv)], &settings);
        assert_eq!(
            a.inputs[0].format,
            Some(msitrace::Format::ProcmonPml),
            "{pml}: {:?}",
            a.inputs[0]
        );
        assert!(
            a.inputs[0]
                .form
                .as_deref()
                .unwrap_or("")
                .contains("PML version 9"),
            "{:?}",
            a.inputs[0].form
        );
        if pml.ends_with(".gz") {
            assert!(a.inputs[0]
                .form
                .as_deref()
                .unwrap()
                .ends_with("gzip-compressed"));
        }
        let ids = |r: &msitrace::Report| {
            let mut v: Vec<String> = r.findings.iter().map(|f| f.id.clone()).collect();
            v.sort();
            v
        };
        assert_eq!(ids(&a), ids(&b), "{pml} vs {csv}");
        assert_eq!(
            a.captures[0].date_source,
            "the capture's UTC timestamps (no guessing)"
        );
        // The same rows counted, and the same failures kept.
        assert_eq!(a.captures[0].rows, b.captures[0].rows, "{pml}");
        assert_eq!(
            a.captures[0].results.failure, b.captures[0].results.failure,
            "{pml}"
        );
    }
}
