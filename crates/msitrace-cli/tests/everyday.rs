//! What a new user hit in everyday use (issue 19), each pinned by running the `msitrace` binary:
//! the text report at 80 columns, `events` on the aligned clock, the HTML timeline, several
//! inputs, output options, rule messages, SARIF/JSON details, hostile text and smaller things.

use crate::common::{msitrace, root};
use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// stdout of a run, with its exit status checked.
fn stdout_of(cmd: &mut Command, status: i32) -> String {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(status),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A corpus file by its path under `shared/corpus`, or `None` (with a message) when absent.
fn corpus(path: &str) -> Option<PathBuf> {
    let p = root().join("../shared/corpus").join(path);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} not present", p.display());
        None
    }
}

/// Lines wider than `columns` (in characters).
fn too_wide(text: &str, columns: usize) -> Vec<&str> {
    text.lines()
        .filter(|l| l.chars().count() > columns)
        .collect()
}

const TEMP_DENIED: &str = "fixtures/scenarios/temp-denied";

// ---- 3. The text report at 80 columns -----------------------------------------------------

#[test]
fn report_at_80_columns_has_no_line_wider_than_80() {
    let text = stdout_of(
        msitrace()
            .env("COLUMNS", "80")
            .args(["analyze", TEMP_DENIED]),
        1,
    );
    assert!(too_wide(&text, 80).is_empty(), "{:#?}", too_wide(&text, 80));
    // The summary and the remedies are wrapped, continuation lines indented.
    assert!(
        text.contains("       - Give SYSTEM and the installing user full control of the folder")
            && text.contains("\n         (the user's %TEMP%"),
        "{text}"
    );
}

#[test]
fn failure_chain_wraps_its_messages_instead_of_cutting_them() {
    let text = stdout_of(
        msitrace()
            .env("COLUMNS", "80")
            .args(["analyze", TEMP_DENIED]),
        1,
    );
    let chain = text
        .split("failure chain:")
        .nth(1)
        .and_then(|c| c.split("what to do:").next())
        .expect("a failure chain");
    assert!(!chain.contains('…'), "nothing cut: {chain}");
    let words: Vec<&str> = chain.split_whitespace().collect();
    let joined = words.join(" ");
    assert!(
        joined.contains("Internal Error 2503. Called RunScript when not marked in progress"),
        "{chain}"
    );
}

#[test]
fn report_not_on_a_terminal_is_100_columns() {
    let text = stdout_of(msitrace().args(["analyze", TEMP_DENIED]), 1);
    assert!(
        too_wide(&text, 100).is_empty(),
        "{:#?}",
        too_wide(&text, 100)
    );
    // Wider than 80 where the text allows it: the width is not stuck at 80.
    assert!(text.lines().any(|l| l.chars().count() > 80), "{text}");
}

#[test]
fn analyze_header_counts_errors_and_warnings() {
    let text = stdout_of(msitrace().args(["analyze", TEMP_DENIED]), 1);
    let header: String = text
        .split("\n\n")
        .next()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        header.contains("3 inputs, 1 installer session, 0 bundles; 1 error, 0 warnings"),
        "{header}"
    );
}

#[test]
fn real_msi_log_report_fits_80_columns() {
    let Some(log) = corpus("msilog/HSPrint_install-admin-log_1920.log") else {
        return;
    };
    let text = stdout_of(
        msitrace()
            .env("COLUMNS", "80")
            .arg("analyze")
            .arg(Path::new(&log)),
        1,
    );
    assert!(too_wide(&text, 80).is_empty(), "{:#?}", too_wide(&text, 80));
    assert!(text.contains("1920"), "{text}");
}

// ---- 2. `events` agrees with `analyze` ------------------------------------------------------

/// Whether the UTC times are in order, allowing the whole-second times of MSI action lines
/// (`Action start 14:02:11`, really some time in that second) to sit after finer times of the
/// same second: every time is at most one second before the latest time above it.
fn in_time_order(times: &[&str]) -> bool {
    let parse = |t: &str| {
        chrono::NaiveDateTime::parse_from_str(t.trim_end_matches('Z'), "%Y-%m-%d %H:%M:%S%.3f")
            .unwrap()
    };
    let mut latest = None;
    times.iter().all(|t| {
        let t = parse(t);
        let ok = latest.is_none_or(|l| t >= l - chrono::Duration::seconds(1));
        latest = latest.max(Some(t));
        ok
    })
}

/// The UTC column of each table row (after the header).
fn utc_column(table: &str) -> Vec<&str> {
    table
        .lines()
        .skip(1)
        .map(|l| l.split("  ").next().unwrap())
        .collect()
}

#[test]
fn events_is_one_table_with_a_header_in_aligned_time_order() {
    let table = stdout_of(msitrace().args(["events", TEMP_DENIED]), 0);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["UTC", "LOCAL", "INPUT", "AT", "KIND", "TEXT"]);
    let times = utc_column(&table);
    assert!(times.len() > 20, "{table}");
    assert!(times.iter().all(|t| t.ends_with('Z')), "{table}");
    assert!(in_time_order(&times), "time order: {table}");
    // The MSI log (UTC-05:00) is shown on the aligned clock beside its local time.
    let line = table
        .lines()
        .find(|l| l.contains("Internal Error 2503"))
        .unwrap();
    assert!(
        line.starts_with("2026-11-18 19:02:15.433Z  2026-11-18 14:02:15.433  #2 install.log"),
        "{line}"
    );
    // Event-log records carry text too.
    let record = table.lines().find(|l| l.contains("record 9122")).unwrap();
    assert!(record.contains("MsiInstaller 1033"), "{record}");
}

#[test]
fn events_since_compares_the_aligned_time_of_local_logs() {
    let table = stdout_of(
        msitrace().args([
            "events",
            TEMP_DENIED,
            "--source",
            "msilog",
            "--since",
            "2026-11-18T19:02:15Z",
            "--until",
            "2026-11-18T19:02:16.100Z",
        ]),
        0,
    );
    assert!(table.contains("Internal Error 2503"), "{table}");
    assert!(!table.contains("Action start 14:02:11"), "{table}");
    assert!(
        !table.contains("MainEngineThread"),
        "after --until: {table}"
    );
    assert!(!table.contains("procmon.CSV"), "--source msilog: {table}");
}

#[test]
fn events_keeps_date_less_capture_rows_on_the_aligned_clock() {
    // The capture has times of day only; aligned with the event log they get its date.
    let table = stdout_of(
        msitrace().args([
            "events",
            TEMP_DENIED,
            "--source",
            "procmon",
            "--since",
            "2026-11-18T19:02:15Z",
        ]),
        0,
    );
    assert!(table.contains("row 10"), "{table}");
    assert!(!table.contains("row 3 "), "{table}");
}

#[test]
fn events_reads_a_zip_bundle_as_analyze_does() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("collected.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    for name in ["application.xml", "install.log", "procmon.CSV"] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        let bytes = std::fs::read(root().join(TEMP_DENIED).join(name)).unwrap();
        std::io::Write::write_all(&mut zip, &bytes).unwrap();
    }
    zip.finish().unwrap();
    let table = stdout_of(
        msitrace()
            .arg("events")
            .arg(&zip_path)
            .args(["--kind", "msi_message"]),
        0,
    );
    assert!(table.contains("Internal Error 2503"), "{table}");
    assert!(!table.contains("Action start"), "--kind: {table}");
}

#[test]
fn events_level_takes_a_name_and_source_takes_the_rules_names() {
    let table = stdout_of(
        msitrace().args([
            "events",
            TEMP_DENIED,
            "--level",
            "Information",
            "--source",
            "eventlog",
            "--provider",
            "msiinstaller",
            "--id",
            "1033",
        ]),
        0,
    );
    assert_eq!(table.lines().count(), 2, "header and one record: {table}");
    let out = msitrace()
        .args(["events", TEMP_DENIED, "--level", "loud"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("critical, error, warning"));
}

#[test]
fn events_filters_by_text_and_session() {
    let table = stdout_of(
        msitrace().args([
            "events",
            TEMP_DENIED,
            "--text",
            "internal ERROR",
            "--session",
            "1",
        ]),
        0,
    );
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "2503 and 2502: {table}");
    assert!(
        rows.iter()
            .all(|r| r.contains("install.log") && r.contains("Internal Error 250")),
        "{table}"
    );
    // Text matches the words of event-log records too, not only raw lines.
    let records = stdout_of(
        msitrace().args(["events", TEMP_DENIED, "--text", "installation failed"]),
        0,
    );
    assert!(records.contains("record 9121"), "{records}");
}

#[test]
fn events_on_a_real_event_log_lists_errors_by_level_name() {
    let Some(evtx) = corpus("evtx/DeepBlueCLI_many-events-application.evtx") else {
        return;
    };
    let table = stdout_of(
        msitrace().arg("events").arg(&evtx).args([
            "--level",
            "error",
            "--provider",
            "MsiInstaller",
        ]),
        0,
    );
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert!(rows.len() >= 2, "{table}");
    assert!(
        rows.iter().all(|r| r.contains(" error MsiInstaller")),
        "{table}"
    );
    assert!(in_time_order(&utc_column(&table)), "{table}");
}

// ---- 1. The HTML timeline and events table on the aligned clock -------------------------------

/// The rows of the HTML events table, as (UTC cell, as-read cell, where, kind, text).
fn html_event_rows(html: &str) -> Vec<[String; 5]> {
    let table = html
        .split("<table id=\"events-table\">")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    let body = table.split("<tbody>").nth(1).unwrap();
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let cells: Vec<String> = row
                .split("<td")
                .skip(1)
                .map(|c| {
                    let inner = &c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()];
                    // Markup inside a cell (the "not aligned" span) is not the text.
                    let mut text = String::new();
                    let mut in_tag = false;
                    for ch in inner.chars() {
                        match ch {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text
                })
                .collect();
            [0, 1, 2, 3, 4].map(|i| cells[i].clone())
        })
        .collect()
}

#[test]
fn html_timeline_and_events_use_the_aligned_utc_clock() {
    let html = stdout_of(
        msitrace().args(["analyze", TEMP_DENIED, "--format", "html"]),
        1,
    );
    let rows = html_event_rows(&html);
    assert!(rows.len() > 20);
    // The MSI log (local time, UTC-05:00) is shown at its UTC time, five hours later.
    let row = rows.iter().find(|r| r[2] == "#2 install.log:30").unwrap();
    assert_eq!(row[0], "2026-11-18 19:02:15.433Z", "{row:?}");
    assert_eq!(row[1], "2026-11-18 14:02:15.433", "as read: {row:?}");
    // The date-less capture got the date of the matched record, not year 0.
    let capture = rows
        .iter()
        .find(|r| r[2] == "#3 procmon.CSV row 10")
        .unwrap();
    assert_eq!(capture[0], "2026-11-18 19:02:15.430Z", "{capture:?}");
    // The timeline spans seconds, not two thousand years.
    let span: i64 = html
        .split("data-span=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..60_000).contains(&span), "span {span} ms");
    assert!(html.contains("UTC, every input on the aligned clock"));
}

#[test]
fn html_events_are_sorted_by_time_with_text_for_records_and_processes() {
    let html = stdout_of(
        msitrace().args(["analyze", TEMP_DENIED, "--format", "html"]),
        1,
    );
    let rows = html_event_rows(&html);
    let times: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(in_time_order(&times), "{times:#?}");
    // Inputs interleave: not grouped by input.
    let inputs: Vec<&str> = rows.iter().map(|r| &r[2][..2]).collect();
    let switches = inputs.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(switches > 5, "{inputs:?}");
    for r in &rows {
        assert!(!r[4].trim().is_empty(), "empty Text cell: {r:?}");
    }
    let record = rows.iter().find(|r| r[2].contains("record 9122")).unwrap();
    assert!(record[4].contains("MsiInstaller 1033"), "{record:?}");
    let process = rows.iter().find(|r| r[3] == "process_info").unwrap();
    assert!(process[4].starts_with("process "), "{process:?}");
}

#[test]
fn html_marks_events_the_clock_could_not_place() {
    // Two unrelated local-time logs with an event log: the one the clock cannot place is
    // marked, not drawn at a made-up time.
    let html = stdout_of(
        msitrace().args([
            "analyze",
            TEMP_DENIED,
            "fixtures/msilog/error-1310-utf16.log",
            "--format",
            "html",
        ]),
        1,
    );
    let rows = html_event_rows(&html);
    let unaligned: Vec<&[String; 5]> = rows.iter().filter(|r| r[0] == "not aligned").collect();
    assert!(!unaligned.is_empty(), "{rows:#?}");
    assert!(unaligned
        .iter()
        .all(|r| r[2].contains("error-1310-utf16.log")));
    // They come after every aligned event.
    let first = rows.iter().position(|r| r[0] == "not aligned").unwrap();
    assert!(rows[first..].iter().all(|r| r[0] == "not aligned"));
    assert!(html.contains("events not aligned, not drawn"));
}

#[test]
fn html_of_a_lone_msi_log_still_draws_its_local_timeline() {
    let html = stdout_of(
        msitrace().args([
            "analyze",
            "fixtures/msilog/error-1310-utf16.log",
            "--format",
            "html",
        ]),
        1,
    );
    assert!(html.contains("<circle"), "points drawn");
    assert!(html.contains("local time as read (no input could be aligned to UTC)"));
}

// ---- 4. Several inputs ----------------------------------------------------------------------

/// Text with every run of whitespace made one space (wrapped lines joined).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The lines of one section of the text report (from its heading to the next blank line).
fn section<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

#[test]
fn inputs_are_numbered_and_the_clock_section_uses_the_numbers_one_line_each() {
    let text = stdout_of(msitrace().args(["analyze", TEMP_DENIED]), 1);
    let inputs = section(&text, "Inputs");
    assert!(inputs[0].starts_with("  #1 fixtures/scenarios/temp-denied/application.xml"));
    let clock = section(&text, "Clock");
    assert!(
        clock[0].starts_with("  #1 application.xml: UTC (as written"),
        "{clock:#?}"
    );
    assert!(
        clock[1].starts_with("  #2 install.log: UTC-05:00"),
        "{clock:#?}"
    );
    assert!(!clock.iter().any(|l| l.contains("e.g.")), "{clock:#?}");
    let entries = clock.iter().filter(|l| l.starts_with("  #")).count();
    assert_eq!(entries, 3, "{clock:#?}");
}

#[test]
fn a_captures_assumed_date_is_the_same_in_clock_and_capture_sections() {
    let text = stdout_of(msitrace().args(["analyze", TEMP_DENIED]), 1);
    let clock = flat(&section(&text, "Clock").join("\n"));
    assert!(clock.contains("#3 procmon.CSV: UTC-05:00"), "{clock}");
    assert!(clock.contains("date 2026-11-18 assumed"), "{clock}");
    let capture = flat(&section(&text, "Process Monitor captures").join("\n"));
    assert!(
        capture.contains("date: 2026-11-18 assumed (see Clock)"),
        "{capture}"
    );
    assert!(!text.contains("Date & Time column"), "{text}");
}

#[test]
fn each_finding_names_its_session() {
    let text = stdout_of(msitrace().args(["analyze", TEMP_DENIED]), 1);
    assert!(
        flat(&text).contains("category: access_denied session: [1] install of Contoso Tools"),
        "{text}"
    );
}

#[test]
fn an_unrelated_log_years_apart_is_not_put_on_the_same_machines_clock() {
    let text = stdout_of(
        msitrace().args([
            "analyze",
            TEMP_DENIED,
            "fixtures/msilog/error-1310-utf16.log",
        ]),
        1,
    );
    let clock = section(&text, "Clock").join("\n");
    let line = flat(
        clock
            .split("\n  #")
            .find(|l| l.starts_with("4 error-1310-utf16.log"))
            .unwrap(),
    );
    assert!(line.contains("unknown offset (not aligned"), "{clock}");
    assert!(line.contains("too far apart"), "{clock}");
    assert!(!line.contains("same machine as"), "{clock}");
}

#[test]
fn the_same_file_given_twice_is_analysed_once() {
    let text = stdout_of(
        msitrace().args([
            "analyze",
            "fixtures/msilog/error-1310-utf16.log",
            "fixtures/msilog/../msilog/error-1310-utf16.log",
            "fixtures/msilog/error-1310-utf16.log",
        ]),
        1,
    );
    let inputs = section(&text, "Inputs");
    assert_eq!(
        inputs.iter().filter(|l| l.starts_with("  #")).count(),
        1,
        "{text}"
    );
    assert!(!text.contains("[2] install"), "{text}");
}

#[test]
fn skipped_files_do_not_count_as_inputs() {
    // Binary content is the one thing refused (any text is scanned for installer signals).
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.bin");
    std::fs::write(
        &junk,
        [0u8, 159, 146, 150, 0, 1, 2, 3, 255, 254, 0, 0].repeat(64),
    )
    .unwrap();
    let text = stdout_of(
        msitrace()
            .args(["analyze", "fixtures/msilog/error-1310-utf16.log"])
            .arg(&junk),
        1,
    );
    assert!(
        text.starts_with("msitrace ")
            && text
                .lines()
                .next()
                .unwrap()
                .contains("— 1 input (1 not analysed),"),
        "{text}"
    );
}

// ---- 5. Output options -----------------------------------------------------------------------

const FAILING: &str = "fixtures/msilog/error-1310-utf16.log";

#[test]
fn output_file_extension_chooses_the_format() {
    let dir = tempfile::tempdir().unwrap();
    for (name, starts) in [
        ("r.json", "{"),
        ("r.sarif", "{"),
        ("r.md", "## "),
        ("r.html", "<!DOCTYPE html>"),
        ("r.txt", "msitrace "),
        ("r.jsonl", "{\"path\""),
    ] {
        let path = dir.path().join(name);
        let out = msitrace()
            .args(["analyze", FAILING, "-o"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.starts_with(starts), "{name}: {}", &written[..80]);
    }
    let sarif = std::fs::read_to_string(dir.path().join("r.sarif")).unwrap();
    assert!(sarif.contains("\"$schema\""), "{sarif}");
}

#[test]
fn output_may_come_before_format_and_format_overrides_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    let out = msitrace()
        .args(["analyze", FAILING, "-o"])
        .arg(&path)
        .args(["--format", "JSON"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(v["verdict"], "failure_found");
}

#[test]
fn short_forms_f_and_j() {
    let text = stdout_of(
        msitrace().args(["analyze", FAILING, "-f", "Markdown", "-j", "1"]),
        1,
    );
    assert!(text.starts_with("## "), "{text}");
    let table = stdout_of(
        msitrace().args(["events", FAILING, "-f", "JSONL", "-j", "1"]),
        0,
    );
    assert!(table.starts_with("{"), "{table}");
}

#[test]
fn color_always_is_honoured_in_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    msitrace()
        .args(["analyze", FAILING, "--color", "always", "-o"])
        .arg(&path)
        .assert()
        .code(1);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("\x1b[1;31mERROR"));
}

#[test]
fn graph_writes_to_a_file_with_rules_and_threads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.mmd");
    msitrace()
        .args(["graph", TEMP_DENIED, "--chain", "-j", "1", "-o"])
        .arg(&path)
        .arg("--rules")
        .arg(dir.path())
        .assert()
        .code(0);
    let drawing = std::fs::read_to_string(&path).unwrap();
    assert!(drawing.starts_with("flowchart"), "{drawing}");
    let out = msitrace()
        .args(["graph", TEMP_DENIED, "--rules", "no/such/rules"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---- 6. Rules --------------------------------------------------------------------------------

#[test]
fn an_unreadable_rules_folder_is_an_error() {
    for command in [
        &["analyze", FAILING][..],
        &["rules", "list"][..],
        &["rules", "show", "msi.temp-folder.access-denied"][..],
    ] {
        let out = msitrace()
            .args(command)
            .args(["--rules", "no/such/rules"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--rules no/such/rules: cannot read the folder"),
            "{err}"
        );
        assert!(out.stdout.is_empty(), "{command:?}");
    }
}

/// A user rule file replacing the built-in temp-folder rule, with references and, unless empty,
/// a `same` condition on its second step.
fn site_rule(same: &str) -> String {
    let same = if same.is_empty() {
        String::new()
    } else {
        format!("same = \"{same}\"\n")
    };
    format!(
        r#"[[rule]]
id = "msi.temp-folder.access-denied"
title = "Access denied on the installer's temporary files (site rule)"
category = "access_denied"
confidence = "high"
summary = "{{image}} was denied access to {{path}}; then {{err}}."
remediation = ["Fix the folder's permissions."]
references = ["https://learn.microsoft.com/windows/win32/msi/error-codes", "KB 12345 in the site wiki"]
[rule.match]
kind = "operation"
result = "ACCESS DENIED"
path = '%TEMP%\**'
[[rule.then]]
kind = "msi_message"
code = [2502, 2503]
text = '(?P<err>(?:Internal )?Error 250[23])'
{same}"#
    )
}

#[test]
fn rule_errors_are_worded_for_people() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("site.toml");
    std::fs::write(&file, site_rule("machine")).unwrap();
    let out = msitrace()
        .args(["rules", "check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "unknown value 'machine' for `same`: expected input, session, process or product"
        ),
        "{text}"
    );
    assert!(!text.contains("untagged enum"), "{text}");
    assert!(text.contains("site.toml:17:8:"), "names the line: {text}");
}

#[test]
fn a_rules_references_are_shown_in_reports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.toml"), site_rule("")).unwrap();
    let run = |format: &str| {
        stdout_of(
            msitrace()
                .args(["analyze", TEMP_DENIED, "--format", format, "--rules"])
                .arg(dir.path()),
            1,
        )
    };
    let text = run("text");
    assert!(
        text.contains(
            "see also:\n       - https://learn.microsoft.com/windows/win32/msi/error-codes"
        ),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(
        json["findings"][0]["references"][1],
        "KB 12345 in the site wiki"
    );
    assert!(run("markdown").contains("**See also**"));
    assert!(run("html")
        .contains(r#"<a href="https://learn.microsoft.com/windows/win32/msi/error-codes""#));
}

#[test]
fn rules_list_is_sorted_with_a_header_and_aligned_columns() {
    let list = stdout_of(msitrace().args(["rules", "list"]), 0);
    let lines: Vec<&str> = list.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["ID", "ROLE", "SEVERITY", "CATEGORY", "TITLE"]);
    let ids: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    // Every column starts at the same place on every line.
    let title_at = lines[0].find("TITLE").unwrap();
    let category_at = lines[0].find("CATEGORY").unwrap();
    for l in &lines[1..] {
        assert_eq!(l.as_bytes()[category_at - 1], b' ', "{l}");
        assert_ne!(l.as_bytes()[category_at], b' ', "{l}");
        assert_ne!(l.as_bytes()[title_at], b' ', "{l}");
        assert_eq!(l.as_bytes()[title_at - 1], b' ', "{l}");
    }
}

#[test]
fn rules_show_speaks_in_words_and_suggests_near_ids() {
    let shown = stdout_of(
        msitrace().args(["rules", "show", "msi.temp-folder.access-denied"]),
        0,
    );
    assert!(!shown.contains("role:"), "{shown}");
    assert!(!shown.contains("Cause"), "{shown}");
    assert!(shown.contains("a cause rule"), "{shown}");
    assert!(
        shown.contains("then one with kind msi_message, code 2502 or 2503"),
        "{shown}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.toml"), site_rule("session")).unwrap();
    let shown = stdout_of(
        msitrace()
            .args(["rules", "show", "msi.temp-folder.access-denied", "--rules"])
            .arg(dir.path()),
        0,
    );
    assert!(
        shown.contains("in the same session as the step before"),
        "{shown}"
    );
    assert!(!shown.contains("same=["), "{shown}");

    let out = msitrace()
        .args(["rules", "show", "msi.temp-folder"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did you mean: msi.temp-folder.access-denied"),
        "{err}"
    );
}

// ---- 7. SARIF and JSON -----------------------------------------------------------------------

#[test]
fn sarif_has_no_unfilled_placeholders_and_capture_rows_have_a_region() {
    let sarif: serde_json::Value = serde_json::from_str(&stdout_of(
        msitrace().args(["analyze", TEMP_DENIED, "--format", "sarif"]),
        1,
    ))
    .unwrap();
    let run = &sarif["runs"][0];
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let full = rule["fullDescription"]["text"].as_str().unwrap_or("");
        assert!(!full.contains('{'), "{full}");
    }
    let result = &run["results"][0];
    let mut locations: Vec<&serde_json::Value> =
        result["locations"].as_array().unwrap().iter().collect();
    locations.extend(result["relatedLocations"].as_array().unwrap());
    let capture = std::fs::read_to_string(root().join(TEMP_DENIED).join("procmon.CSV")).unwrap();
    let capture: Vec<&str> = capture.lines().collect();
    let mut rows = 0;
    for l in locations {
        let Some(row) = l["properties"]["row"].as_u64() else {
            continue;
        };
        rows += 1;
        let line = l["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap();
        assert_eq!(line, row + 1);
        // The region's line is the cited row.
        let cited = l["message"]["text"].as_str().unwrap();
        assert!(
            cited.ends_with(capture[line as usize - 1].trim()),
            "{cited} / {}",
            capture[line as usize - 1]
        );
    }
    assert!(rows >= 2, "{result}");
    // Session numbers: [1] in text is index 0 in SARIF and JSON (docs/report-schema.md).
    assert_eq!(result["properties"]["session"], 0);
}

// ---- 8. Hostile text -------------------------------------------------------------------------

/// A failing MSI log (UTF-8) whose error line carries terminal control sequences.
fn hostile_log(dir: &Path) -> PathBuf {
    let text = std::fs::read(root().join(FAILING)).unwrap();
    let utf16: Vec<u16> = text[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&utf16).unwrap().replace(
        "Error 1310. Error writing to file",
        "Error 1310. \x1b]0;pwned\x07\x1b[2J\x1b[31mError writing to file",
    );
    let path = dir.join("hostile.log");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn terminal_control_sequences_are_removed_whole_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let log = hostile_log(dir.path());
    for format in ["text", "html", "markdown", "json", "sarif"] {
        let out = stdout_of(
            msitrace().args(["analyze", "--format", format]).arg(&log),
            1,
        );
        assert!(!out.contains('\x1b'), "{format}: ESC left");
        for left in ["]0;pwned", "[2J", "[31m", "pwned"] {
            if format == "json" || format == "sarif" {
                // JSON keeps the text as read, escaped (\u001b), for tools.
                continue;
            }
            assert!(!out.contains(left), "{format}: {left} left behind");
        }
        assert!(out.contains("Error writing to file"), "{format}");
    }
    let dot = stdout_of(msitrace().args(["graph"]).arg(&log), 0);
    assert!(!dot.contains("pwned") && !dot.contains("[2J"), "{dot}");
    let mermaid = stdout_of(msitrace().args(["graph", "-f", "mermaid"]).arg(&log), 0);
    assert!(
        !mermaid.contains("pwned") && !mermaid.contains("[2J"),
        "{mermaid}"
    );
}

#[test]
fn the_warning_names_terminal_control_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let log = hostile_log(dir.path());
    let text = stdout_of(msitrace().arg("analyze").arg(&log), 1);
    assert!(
        text.contains("terminal control sequences removed"),
        "{text}"
    );
    assert!(!text.contains("undecodable or binary bytes"), "{text}");
}

// ---- 9. Smaller things -----------------------------------------------------------------------

#[test]
fn process_monitor_inputs_are_counted_in_rows() {
    let text = stdout_of(
        msitrace().args(["analyze", "fixtures/procmon/msiexec-access-denied-temp.CSV"]),
        1,
    );
    let inputs = flat(&section(&text, "Inputs").join(" "));
    assert!(inputs.contains("15 rows, 10 kept"), "{inputs}");
    assert!(!inputs.contains("lines"), "{inputs}");
    let Some(xml) = corpus("procmon-xml/Epicmine901_epic_Logfile.XML") else {
        return;
    };
    let text = stdout_of(msitrace().arg("analyze").arg(&xml), 0);
    let inputs = flat(&section(&text, "Inputs").join(" "));
    let captures = flat(&section(&text, "Process Monitor captures").join(" "));
    let rows = inputs
        .split(" rows, ")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .unwrap();
    assert!(
        captures.contains(&format!(": {rows} rows (")),
        "{inputs} / {captures}"
    );
    assert!(!text.contains("Date & Time"), "{text}");
}

#[test]
fn explain_knows_1920_as_an_hresult() {
    let text = stdout_of(msitrace().args(["explain", "0x80070780"]), 0);
    assert!(text.contains("1920"), "{text}");
}

#[test]
fn every_explain_help_example_runs_in_bash() {
    let help = stdout_of(msitrace().args(["explain", "--help"]), 0);
    let examples: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    assert!(examples.len() >= 5, "{help}");
    let bin = assert_cmd::cargo::cargo_bin("msitrace");
    let dir = bin.parent().unwrap();
    for example in examples {
        let path = format!(
            "{}:{}",
            dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = std::process::Command::new("bash")
            .args(["-c", example])
            .env("PATH", path)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn failure_chain_follows_causation_from_the_service_to_return_value_3() {
    let text = stdout_of(
        msitrace().args(["analyze", "fixtures/scenarios/service-dll-missing"]),
        1,
    );
    let chain = text
        .split("failure chain:")
        .nth(1)
        .and_then(|c| c.split("what to do:").next())
        .unwrap();
    let at = |s: &str| chain.find(s).unwrap_or_else(|| panic!("{s}: {chain}"));
    assert!(at("exited with 0xC0000135") < at("Service Control Manager 7000"));
    assert!(at("Service Control Manager 7000") < at("Error 1920."));
    assert!(at("Error 1920.") < at("Return value 3"));
}

#[test]
fn man_page_does_not_repeat_its_description_and_has_examples() {
    let page = stdout_of(msitrace().arg("man"), 0);
    let section = |name: &str| {
        page.split(&format!(".SH {name}\n"))
            .nth(1)
            .and_then(|s| s.split("\n.SH ").next())
            .unwrap_or_else(|| panic!("no {name}: {page}"))
            .to_string()
    };
    let name = section("NAME");
    let description = section("DESCRIPTION");
    let about = name.split("\\- ").nth(1).unwrap().trim();
    assert!(!description.contains(about), "{name} / {description}");
    assert!(section("EXAMPLES").contains("msitrace analyze install.log"));
}

#[test]
fn help_help_works() {
    let help = stdout_of(msitrace().args(["help", "--help"]), 0);
    assert!(help.contains("Usage: msitrace help"), "{help}");
    let analyze = stdout_of(msitrace().args(["help", "analyze"]), 0);
    assert!(analyze.contains("Usage: msitrace analyze"), "{analyze}");
    msitrace().args(["help", "nonsense"]).assert().code(2);
}
