//! End-to-end scenarios written by the project (`fixtures/scenarios/`): an MSI log, a Process
//! Monitor capture and event logs of one failing install, read together and alone, and with the
//! event logs' clock shifted to other time zones.

use msitrace::analysis::ClockMethod;
use msitrace::analysis::Report;
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use std::path::{Path, PathBuf};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/scenarios")
        .join(name)
}

fn analyze(paths: &[PathBuf]) -> Report {
    analyze_paths(paths, &AnalysisSettings::default())
}

/// The labels of the first failure chain.
fn chain(report: &Report) -> Vec<String> {
    let graph = report.graph.as_ref().expect("a failure graph");
    graph.chains[0]
        .nodes
        .iter()
        .map(|&i| graph.nodes[i].label.clone())
        .collect()
}

fn offset_of(report: &Report, file: &str) -> Option<i32> {
    let input = report.inputs.iter().find(|i| i.path.ends_with(file))?;
    report
        .clock
        .iter()
        .find(|c| c.input == input.id)?
        .offset_seconds
}

#[test]
fn temp_access_denied_tells_one_story_across_three_sources() {
    let r = analyze(&[scenario("temp-denied")]);
    assert_eq!(offset_of(&r, "install.log"), Some(-5 * 3600));
    assert_eq!(offset_of(&r, "procmon.CSV"), Some(-5 * 3600));
    let capture_clock = r
        .clock
        .iter()
        .find(|c| c.assumed_date.is_some())
        .expect("the date-less capture got a date");
    assert_eq!(
        capture_clock.assumed_date.unwrap().to_string(),
        "2026-11-18"
    );
    assert!(matches!(capture_clock.method, ClockMethod::Anchored { .. }));

    let top = &r.findings[0];
    assert_eq!(top.id, "msi.temp-folder.access-denied");
    assert_eq!(
        top.evidence[0].row,
        Some(10),
        "the denied CreateFile is the cause"
    );
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    let labels = chain(&r);
    let expected = [
        "services.exe (PID 712)",
        "msiexec.exe (PID 3908)",
        "install of Contoso Tools",
        "action InstallFinalize",
        "CreateFile C:\\Users\\dana\\AppData\\Local\\Temp\\MSI5d2e.tmp: ACCESS DENIED",
        "Internal Error 2503",
        "InstallFinalize: Return value 3",
        "exit status 1603",
        "MsiInstaller 11708",
    ];
    for (label, want) in labels.iter().zip(expected) {
        assert!(
            label.starts_with(want),
            "{label:?} should start with {want:?}\n{labels:#?}"
        );
    }
    let graph = r.graph.as_ref().unwrap();
    let nodes = &graph.chains[0].nodes;
    insta::assert_snapshot!(
        "temp_denied_chain_mermaid",
        msitrace::report::graph::mermaid(graph, Some(nodes))
    );
    insta::assert_snapshot!(
        "temp_denied_chain_dot",
        msitrace::report::graph::dot(graph, Some(nodes))
    );
}

#[test]
fn each_source_alone_still_gives_its_part() {
    let dir = scenario("temp-denied");
    let msi = analyze(&[dir.join("install.log")]);
    assert_eq!(msi.findings[0].id, "msi.temp-folder.script-failed");
    let capture = analyze(&[dir.join("procmon.CSV")]);
    assert!(
        capture
            .findings
            .iter()
            .any(|f| f.id == "procmon.access-denied"),
        "{:#?}",
        capture.findings
    );
    let events = analyze(&[dir.join("application.xml")]);
    assert!(events.failed);
    assert!(events.findings[0]
        .evidence
        .iter()
        .any(|e| e.record == Some(9121)));
}

#[test]
fn service_program_missing_a_dll_across_four_inputs() {
    let r = analyze(&[scenario("service-dll-missing")]);
    assert_eq!(offset_of(&r, "install.log"), Some(5 * 3600 + 30 * 60));
    assert_eq!(offset_of(&r, "procmon.CSV"), Some(5 * 3600 + 30 * 60));
    let top = &r.findings[0];
    assert_eq!(top.id, "service.start-failed.dll-missing-scm");
    assert!(top.summary.contains("0xC0000135"), "{}", top.summary);
    assert!(top.evidence.iter().any(|e| e.record == Some(52013)));
    // The Service Control Manager's own finding joins the session's instead of standing alone.
    assert!(!r
        .findings
        .iter()
        .any(|f| f.id == "eventlog.service.start-failed"));
    let labels = chain(&r);
    assert!(labels[0].starts_with("services.exe"), "{labels:#?}");
    assert!(labels[1].starts_with("fabsync.exe"), "{labels:#?}");
    assert!(labels[2].contains("STATUS_DLL_NOT_FOUND"), "{labels:#?}");
    // In causal (time) order: the SCM records the failed start, then the installer reports it.
    assert!(
        labels[3].starts_with("Service Control Manager 7000"),
        "{labels:#?}"
    );
    assert!(labels[4].starts_with("Error 1920"), "{labels:#?}");
    assert!(labels.last().unwrap().starts_with("MsiInstaller 1033"));
}

/// Shift every `SystemTime` of an event-log XML export by `hours` (the same moments seen from a
/// machine in another time zone keep their local times and move in UTC).
fn shifted_copy(dir: &Path, minutes: i64) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    for name in ["install.log", "procmon.CSV"] {
        std::fs::copy(dir.join(name), out.path().join(name)).unwrap();
    }
    let xml = std::fs::read_to_string(dir.join("application.xml")).unwrap();
    let mut shifted = String::new();
    let mut rest = xml.as_str();
    while let Some(at) = rest.find("SystemTime=\"") {
        let start = at + "SystemTime=\"".len();
        let end = start + rest[start..].find('"').unwrap();
        let t: chrono::DateTime<chrono::Utc> = rest[start..end].parse().unwrap();
        let t = t - chrono::Duration::minutes(minutes);
        shifted.push_str(&rest[..start]);
        shifted.push_str(&t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
        rest = &rest[end..];
    }
    shifted.push_str(rest);
    std::fs::write(out.path().join("application.xml"), shifted).unwrap();
    out
}

#[test]
fn offsets_are_recovered_in_other_time_zones() {
    // The scenario machine is at UTC-05:00; move it to +14:00, -12:00 (UTC on the next day),
    // +05:30 and +05:45.
    for zone_minutes in [14 * 60, -12 * 60, 5 * 60 + 30, 5 * 60 + 45] {
        let dir = shifted_copy(&scenario("temp-denied"), zone_minutes + 5 * 60);
        let r = analyze(&[dir.path().to_path_buf()]);
        let want = Some(zone_minutes as i32 * 60);
        assert_eq!(
            offset_of(&r, "install.log"),
            want,
            "zone {zone_minutes} min"
        );
        assert_eq!(
            offset_of(&r, "procmon.CSV"),
            want,
            "zone {zone_minutes} min"
        );
        let date = r.clock.iter().find_map(|c| c.assumed_date).unwrap();
        assert_eq!(date.to_string(), "2026-11-18", "local date stays");
        assert_eq!(
            r.findings[0].id, "msi.temp-folder.access-denied",
            "zone {zone_minutes}"
        );
    }
}

#[test]
fn a_given_offset_overrides_inference_and_says_so() {
    let settings = AnalysisSettings {
        utc_offset_seconds: Some(-4 * 3600),
        ..Default::default()
    };
    let r = analyze_paths(&[scenario("temp-denied")], &settings);
    assert_eq!(offset_of(&r, "install.log"), Some(-4 * 3600));
    let msi = r
        .clock
        .iter()
        .find(|c| matches!(c.method, ClockMethod::Override) && !c.notes.is_empty())
        .expect("a note that the logs disagree");
    assert!(msi.notes[0].contains("UTC-05:00"), "{:?}", msi.notes);
}

#[test]
fn a_capture_failure_names_the_installer_action_running_at_that_time() {
    // Add a denied registry write by the installer server during ProcessComponents (14:02:14),
    // unrelated to the session's cause, so it stays a finding of its own.
    let dir = tempfile::tempdir().unwrap();
    let src = scenario("temp-denied");
    for name in ["install.log", "application.xml"] {
        std::fs::copy(src.join(name), dir.path().join(name)).unwrap();
    }
    let mut csv = std::fs::read_to_string(src.join("procmon.CSV")).unwrap();
    csv.push_str("\"2:02:14.5000000 PM\",\"msiexec.exe\",\"3908\",\"RegCreateKey\",\"HKLM\\SOFTWARE\\Contoso\\Tools\",\"ACCESS DENIED\",\"Desired Access: Read/Write\"\r\n");
    std::fs::write(dir.path().join("procmon.CSV"), csv).unwrap();
    let r = analyze(&[dir.path().to_path_buf()]);
    let f = r
        .findings
        .iter()
        .find(|f| f.evidence.first().is_some_and(|e| e.row == Some(14)))
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert!(
        f.summary
            .contains("during action ProcessComponents of the install of Contoso Tools"),
        "{}",
        f.summary
    );
    assert!(
        f.evidence.iter().any(|e| e.line == Some(26)),
        "{:#?}",
        f.evidence
    );
}

#[test]
fn a_time_zone_gives_each_input_its_offset_at_that_date() {
    let zone = |name: &str| AnalysisSettings {
        timezone: Some(name.parse().unwrap()),
        ..Default::default()
    };
    // November: New York is on standard time (UTC-05:00), as the logs also show.
    let r = analyze_paths(&[scenario("temp-denied")], &zone("America/New_York"));
    assert_eq!(offset_of(&r, "install.log"), Some(-5 * 3600));
    let r = analyze_paths(&[scenario("service-dll-missing")], &zone("Asia/Kolkata"));
    assert_eq!(offset_of(&r, "install.log"), Some(5 * 3600 + 30 * 60));
    // A wrong zone is used as given, and the report says the logs disagree.
    let r = analyze_paths(&[scenario("temp-denied")], &zone("Europe/Paris"));
    assert_eq!(offset_of(&r, "install.log"), Some(3600));
    assert!(r.clock.iter().any(|c| c
        .notes
        .iter()
        .any(|n| n.contains("the logs suggest UTC-05:00"))));
}

#[test]
fn a_child_of_a_custom_action_server_is_tied_to_the_running_action() {
    // The log says the server started a custom action server (PID 7200); the capture shows that
    // server starting cmd.exe, which is denied a file during ProcessComponents.
    let dir = tempfile::tempdir().unwrap();
    let src = scenario("temp-denied");
    std::fs::copy(
        src.join("application.xml"),
        dir.path().join("application.xml"),
    )
    .unwrap();
    let raw = std::fs::read(src.join("install.log")).unwrap();
    let units: Vec<u16> = raw[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let log = String::from_utf16(&units).unwrap().replace(
        "Action start 14:02:14: ProcessComponents.\r\n",
        "Action start 14:02:14: ProcessComponents.\r\nMSI (s) (44:F8) [14:02:14:300]: Created Custom Action Server with PID 7200 (0x1C20).\r\n",
    );
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(log.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.path().join("install.log"), bytes).unwrap();
    let mut csv = std::fs::read_to_string(src.join("procmon.CSV")).unwrap();
    for row in [
        r#""2:02:14.3100000 PM","msiexec.exe","7200","Process Start","","SUCCESS","Parent PID: 3908, Command line: C:\Windows\syswow64\MsiExec.exe -Embedding 5A1B, Current directory: C:\Windows\system32\""#,
        r#""2:02:14.4000000 PM","cmd.exe","7300","Process Start","","SUCCESS","Parent PID: 7200, Command line: cmd.exe /c icacls C:\ProgramData\Contoso, Current directory: C:\Windows\system32\""#,
        r#""2:02:14.5000000 PM","cmd.exe","7300","CreateFile","C:\ProgramData\Contoso\settings.ini","ACCESS DENIED","Desired Access: Generic Write, Disposition: OverwriteIf""#,
    ] {
        csv.push_str(row);
        csv.push_str("\r\n");
    }
    std::fs::write(dir.path().join("procmon.CSV"), csv).unwrap();
    let r = analyze(&[dir.path().to_path_buf()]);
    let f = r
        .findings
        .iter()
        .find(|f| f.evidence.first().is_some_and(|e| e.row == Some(16)))
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert!(
        f.summary.contains("during action ProcessComponents"),
        "{}",
        f.summary
    );
}
