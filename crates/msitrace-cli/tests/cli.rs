//! The `msitrace` binary run as a process: output, exit statuses, error lines.

use crate::common::msitrace;

#[test]
fn failing_log_exits_1_and_cites_the_line() {
    let out = msitrace()
        .args(["analyze", "fixtures/msilog/error-1310-utf16.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("fixtures/msilog/error-1310-utf16.log:14"),
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
    // Readable text is read (the text scan); binary content of no known format is refused.
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("blob.bin");
    std::fs::write(&junk, [0u8, 1, 2, 3, 0xff, 0xfe, 0x80, 0, 0, 7]).unwrap();
    let out = msitrace().arg("analyze").arg(&junk).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("blob.bin: not a recognised log: binary content"),
        "{err}"
    );
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
fn explain_gives_every_meaning_and_fills_message_arguments() {
    let out = msitrace().args(["explain", "1603"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Exit status 1603") && text.contains("Installer message 1603"),
        "{text}"
    );
    let out = msitrace()
        .args(["explain", "2203", "--args", "C:\\pkg.msi", "-2147287035"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("C:\\pkg.msi"), "{text}");
    msitrace().args(["explain", "not-a-code"]).assert().code(2);
}

#[test]
fn rules_list_show_and_check() {
    let out = msitrace().args(["rules", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("msi.temp-folder.script-failed"), "{text}");
    let out = msitrace()
        .args(["rules", "show", "msi.service.start-failed-scm"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("then one with") && text.contains("param1 equal to the earlier display"),
        "{text}"
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("site.toml");
    std::fs::write(
        &bad,
        "[[rule]]\nid = \"site.x\"\ntitle = \"t\"\ncategory = \"c\"\nsummary = \"s\"\n[rule.match]\ntext = \"(unclosed\"\n",
    )
    .unwrap();
    let out = msitrace()
        .args(["rules", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("site.toml:7:") && text.contains("bad regex"),
        "{text}"
    );
    // A broken user pack is reported and the built-in rules still work.
    let out = msitrace()
        .args(["analyze", "fixtures/msilog/error-1310-utf16.log", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("site.toml:7:"), "{err}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("msi.privileges.not-elevated"), "{text}");
}

#[test]
fn a_user_rule_overrides_a_builtin_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        "[[rule]]\nid = \"msi.privileges.not-elevated\"\ntitle = \"Site rule: deploy through the agent\"\ncategory = \"insufficient_privileges\"\nsummary = \"Use the deployment agent: {text2}\"\n[rule.match]\nkind = \"elevation\"\ntext = 'with user privileges'\n[[rule.then]]\nkind = \"msi_message\"\ncode = 1310\nsame = \"session\"\n",
    )
    .unwrap();
    let out = msitrace()
        .args(["analyze", "fixtures/msilog/error-1310-utf16.log", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Site rule: deploy through the agent"),
        "{text}"
    );
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
        text.lines().any(|l| l.contains("#2 error-1310-utf16.log ")
            && l.split_whitespace().nth(6) == Some("42")
            && l.ends_with("Error 1310. Error writing to file: C:\\Program Files\\Contoso\\Agent\\agent.exe.  System error 5.  Verify that you have access to that directory.")),
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
    assert_eq!(text.lines().count(), 2, "a header and one event: {text}");
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

#[test]
fn graph_draws_the_failure_chain_as_dot_and_mermaid() {
    let out = msitrace()
        .args(["graph", "fixtures/scenarios/temp-denied", "--chain"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.starts_with("digraph msitrace {"), "{dot}");
    assert!(
        dot.contains("ACCESS DENIED") && dot.contains("failed with"),
        "{dot}"
    );
    let out = msitrace()
        .args([
            "graph",
            "fixtures/scenarios/temp-denied",
            "--format",
            "mermaid",
        ])
        .output()
        .unwrap();
    let mermaid = String::from_utf8(out.stdout).unwrap();
    assert!(mermaid.starts_with("flowchart TD"), "{mermaid}");
    // A successful install has nothing to draw.
    msitrace()
        .args(["graph", "fixtures/msilog/success-utf8.log"])
        .assert()
        .code(1);
}

#[test]
fn analyze_tells_one_story_across_event_log_capture_and_msi_log() {
    let out = msitrace()
        .args(["analyze", "fixtures/scenarios/temp-denied"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("UTC-05:00"), "{text}");
    assert!(text.contains("failure chain:"), "{text}");
    assert!(text.contains("procmon.CSV row 10"), "{text}");
}

#[test]
fn events_lists_process_monitor_rows_too() {
    let out = msitrace()
        .args([
            "events",
            "fixtures/scenarios/temp-denied/procmon.CSV",
            "--source",
            "procmon-csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("row 10") && text.contains("ACCESS DENIED"),
        "{text}"
    );
    assert!(text.contains("process Explorer.EXE (PID 4120)"), "{text}");
}
