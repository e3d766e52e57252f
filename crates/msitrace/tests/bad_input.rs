//! Bad input is normal input: clear errors or warnings naming input and line, never a panic, and
//! one broken input never stops the others.

use msitrace::analysis::InputStatus;
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use std::io::Write;

fn utf16(text: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

const FAILING: &str = "=== Verbose logging started: 3/14/2026  9:41:07  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n\
Action start 9:41:08: InstallFinalize.\r\n\
Error 1310. Error writing to file: C:\\x.dll.  System error 5.\r\n\
Action ended 9:41:09: InstallFinalize. Return value 3.\r\n\
MSI (s) (D8:10) [09:41:09:520]: MainEngineThread is returning 1603\r\n";

#[test]
fn broken_inputs_do_not_stop_the_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.log");
    std::fs::write(&good, utf16(FAILING)).unwrap();
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, b"").unwrap();
    let junk = dir.path().join("junk.bin");
    std::fs::write(
        &junk,
        (0..4096u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let missing = dir.path().join("missing.log");
    let report = analyze_paths(
        &[empty.clone(), junk.clone(), missing.clone(), good.clone()],
        &AnalysisSettings::default(),
    );
    let status: Vec<_> = report.inputs.iter().map(|i| i.status).collect();
    assert_eq!(
        status,
        vec![
            InputStatus::Unrecognized,
            InputStatus::Unrecognized,
            InputStatus::Error,
            InputStatus::Analyzed
        ]
    );
    assert!(report.inputs[0]
        .error
        .as_ref()
        .unwrap()
        .contains("empty.log"));
    assert!(report.inputs[1]
        .error
        .as_ref()
        .unwrap()
        .contains("not a recognised log"));
    assert!(report.inputs[2]
        .error
        .as_ref()
        .unwrap()
        .contains("missing.log"));
    assert_eq!(report.findings[0].id, "msi.file.write-failed");
}

#[test]
fn log_cut_mid_line_and_mid_character_still_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.log");
    let mut bytes = utf16(FAILING);
    // Cut inside the last line, in the middle of a UTF-16 code unit.
    bytes.truncate(bytes.len() - 21);
    std::fs::write(&path, &bytes).unwrap();
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    assert_eq!(report.inputs[0].status, InputStatus::Analyzed);
    assert!(report.failed);
    assert_eq!(report.findings[0].id, "msi.file.write-failed");
    // No exit status survived the cut: it is inferred, and said so.
    let outcome = report.sessions[0].outcome.as_ref().unwrap();
    assert!(outcome.source.starts_with("inferred"), "{}", outcome.source);
}

#[test]
fn a_huge_line_is_cut_with_a_warning_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.log");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(b"MSI (s) (D8:10) [09:41:07:150]: start\r\nMSI (s) (D8:10) [09:41:07:151]: ")
        .unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..8 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\r\nError 1310. Error writing to file: C:\\x.dll.\r\nAction ended 9:41:09: InstallFinalize. Return value 3.\r\n").unwrap();
    drop(f);
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let w = &report.inputs[0].warnings;
    let cut = w
        .iter()
        .find(|w| w.text.contains("long.log:2:") && w.text.contains("cut"))
        .unwrap_or_else(|| panic!("{w:?}"));
    // A typed warning: what it tells and where, for programs linking the library.
    assert_eq!(cut.kind, msitrace::WarningKind::Odd);
    assert_eq!(cut.position, msitrace::Position::line(2));
    assert_eq!(report.findings[0].evidence[0].line, Some(3));
}

#[test]
fn binary_junk_inside_a_log_is_warned_and_skipped_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk-inside.log");
    let mut text = String::from(FAILING);
    text.insert_str(
        FAILING.find("Action start").unwrap(),
        "\u{1}\u{2}\u{3}\u{4}\u{5} garbage\r\n",
    );
    std::fs::write(&path, text).unwrap();
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    assert!(
        report.inputs[0]
            .warnings
            .iter()
            .any(|w| w.text.contains(":2:")),
        "{:?}",
        report.inputs[0].warnings
    );
    assert_eq!(report.findings[0].id, "msi.file.write-failed");
}

#[test]
fn a_capture_cut_inside_its_header_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let pml = dir.path().join("Logfile.PML");
    std::fs::write(&pml, b"PML_\x09\0\0\0rest-of-header").unwrap();
    let report = analyze_paths(&[pml], &AnalysisSettings::default());
    assert_eq!(report.inputs[0].status, InputStatus::Error);
    let error = report.inputs[0].error.as_ref().unwrap();
    assert!(
        error.contains("PML at byte 0x0") && error.contains("header"),
        "{error}"
    );
    assert_eq!(report.exit_status(), 2);
}

#[test]
fn an_evtx_file_cut_inside_its_header_is_a_warning_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let evtx = dir.path().join("System.evtx");
    std::fs::write(&evtx, b"ElfFile\0rest-of-header").unwrap();
    let report = analyze_paths(&[evtx], &AnalysisSettings::default());
    // Nothing in it could be read: not analysed (issue 13), so a run of it alone exits 2.
    assert_eq!(report.inputs[0].status, InputStatus::Error);
    assert_eq!(report.exit_status(), 2);
    assert!(
        report.inputs[0].warnings[0]
            .text
            .contains("shorter than the 4096-byte header"),
        "{:?}",
        report.inputs[0].warnings
    );
    assert_eq!(report.inputs[0].records.as_ref().unwrap().read, 0);
}

#[test]
fn ambiguous_header_date_is_resolved_by_another_input() {
    let dir = tempfile::tempdir().unwrap();
    let header = |date: &str| {
        format!("=== Verbose logging started: {date}  10:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\nMSI (s) (D8:10) [10:00:01:000]: MainEngineThread is returning 0\r\n")
    };
    let proving = dir.path().join("a.log");
    std::fs::write(&proving, header("31/10/2023")).unwrap();
    let ambiguous = dir.path().join("b.log");
    std::fs::write(&ambiguous, header("4/5/2023")).unwrap();
    let alone = analyze_paths(
        std::slice::from_ref(&ambiguous),
        &AnalysisSettings::default(),
    );
    assert!(alone.inputs[0].warnings[0].text.contains("ambiguous"));
    assert_eq!(
        alone.sessions[0].start.unwrap().date().to_string(),
        "2023-04-05"
    );
    let both = analyze_paths(&[proving, ambiguous], &AnalysisSettings::default());
    assert!(
        both.inputs[1].warnings.is_empty(),
        "{:?}",
        both.inputs[1].warnings
    );
    assert_eq!(
        both.sessions[1].start.unwrap().date().to_string(),
        "2023-05-04"
    );
}
