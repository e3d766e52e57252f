//! The `msitrace` binary run as a process: output, exit statuses, error lines.

use assert_cmd::Command;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn msitrace() -> Command {
    let mut cmd = Command::cargo_bin("msitrace").unwrap();
    cmd.current_dir(root()).env("NO_COLOR", "1");
    cmd
}

#[test]
fn failing_log_exits_1_and_cites_the_line() {
    let out = msitrace()
        .args(["analyze", "fixtures/msilog/error-1310-utf16.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("fixtures/msilog/error-1310-utf16.log:42"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no colour when piped");
}

#[test]
fn success_exits_0() {
    msitrace()
        .args(["analyze", "fixtures/msilog/success-utf8.log"])
        .assert()
        .code(0);
}

#[test]
fn json_output_parses() {
    let out = msitrace()
        .args(["analyze", "--format", "json", "fixtures/burn"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["bundles"][0]["outcome"]["code"], 1603);
}

#[test]
fn unknown_input_is_one_error_line_and_exit_2() {
    let out = msitrace().args(["analyze", "README.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("README.md: not a recognised log"), "{err}");
}

#[test]
fn usage_error_exits_2() {
    msitrace().args(["analyze"]).assert().code(2);
    msitrace()
        .args(["analyze", "--format", "yaml", "x"])
        .assert()
        .code(2);
}

#[test]
fn events_lists_event_log_records_as_json_lines_filtered() {
    let out = msitrace()
        .args([
            "events",
            "fixtures/eventlog/contoso-agent-application.xml",
            "--format",
            "jsonl",
            "--provider",
            "msiinstaller",
            "--id",
            "1033",
            "--id",
            "11708",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["kind"]["event_id"], 11708);
    assert_eq!(lines[1]["kind"]["meaning"]["what"], "installer_outcome");
    assert_eq!(lines[1]["kind"]["meaning"]["status"], 1603);
    assert_eq!(lines[1]["at"]["record"], 4714);
}

#[test]
fn events_lists_every_source_as_a_table_with_time_and_level_filters() {
    let out = msitrace()
        .args([
            "events",
            "fixtures/eventlog/contoso-agent-application.xml",
            "fixtures/msilog/error-1310-utf16.log",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("record 4714"), "{text}");
    assert!(
        text.contains("error-1310-utf16.log  42  Error 1310."),
        "{text}"
    );
    let out = msitrace()
        .args([
            "events",
            "fixtures/eventlog/contoso-agent-application.xml",
            "--level",
            "2",
            "--since",
            "2026-03-14T08:41:08Z",
            "--source",
            "event-xml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("MsiInstaller 11310"), "{text}");
    msitrace()
        .args([
            "events",
            "fixtures/eventlog/contoso-agent-application.xml",
            "--since",
            "yesterday",
        ])
        .assert()
        .code(2);
}
