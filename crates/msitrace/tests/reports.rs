//! Every report format on the fixtures: snapshots, the JSON report against `docs/report.schema.json`,
//! the SARIF against the shipped SARIF 2.1.0 schema, and hostile log text in every human format.

use crate::common;

use msitrace::analysis::Report;
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::report::{html, json, jsonl, markdown, sarif, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn analyze(rel: &[&str]) -> Report {
    // Relative paths keep the snapshots independent of the checkout location.
    std::env::set_current_dir(common::root()).unwrap();
    let paths: Vec<PathBuf> = rel.iter().map(PathBuf::from).collect();
    analyze_paths(&paths, &AnalysisSettings::default())
}

fn sarif_of(report: &Report) -> String {
    sarif::render(report, &msitrace::rules::active(None))
}

/// Validate `instance` against the schema file at `schema` (relative to the workspace root).
fn validate(schema: &str, instance: &Value) -> Result<(), String> {
    let path = common::root().join(schema);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let url = format!("file:///{}", schema);
    compiler.add_resource(&url, doc).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile(&url, &mut schemas)
        .map_err(|e| format!("{schema} does not compile: {e:#}"))?;
    schemas
        .validate(instance, index)
        .map_err(|e| format!("{e:#}"))
}

const REPORT_SCHEMA: &str = "docs/report.schema.json";
const SARIF_SCHEMA: &str = "docs/schemas/sarif-2.1.0-rtm.5.json";

const CASES: &[(&str, &[&str])] = &[
    ("error_1310", &["fixtures/msilog/error-1310-utf16.log"]),
    ("burn", &["fixtures/burn"]),
    ("success", &["fixtures/msilog/success-utf8.log"]),
];

#[test]
fn snapshots_of_every_format() {
    for (name, inputs) in CASES {
        let r = analyze(inputs);
        insta::assert_snapshot!(format!("{name}_json"), json::render(&r));
        insta::assert_snapshot!(format!("{name}_jsonl"), jsonl::render(&r));
        insta::assert_snapshot!(format!("{name}_sarif"), sarif_of(&r));
        insta::assert_snapshot!(format!("{name}_markdown"), markdown::render(&r));
        insta::assert_snapshot!(format!("{name}_html"), html::render(&r));
    }
}

#[test]
fn renderings_are_deterministic() {
    let a = analyze(&["fixtures/burn", "fixtures/msilog"]);
    let b = analyze(&["fixtures/burn", "fixtures/msilog"]);
    assert_eq!(json::render(&a), json::render(&b));
    assert_eq!(jsonl::render(&a), jsonl::render(&b));
    assert_eq!(sarif_of(&a), sarif_of(&b));
    assert_eq!(markdown::render(&a), markdown::render(&b));
    assert_eq!(html::render(&a), html::render(&b));
}

#[test]
fn skipping_the_timeline_changes_only_the_timeline() {
    // Every kind of input that keeps events: installer and Burn logs from the fixtures, and the
    // whole corpus (event logs, captures, tool logs) when it is here.
    let mut inputs = vec!["fixtures/burn", "fixtures/msilog", "fixtures/scenarios"];
    let corpus = common::shared().map(|s| s.join("corpus"));
    if let Some(c) = corpus.as_ref().and_then(|c| c.to_str()) {
        inputs.push(c);
    }
    std::env::set_current_dir(common::root()).unwrap();
    let paths: Vec<PathBuf> = inputs.iter().map(PathBuf::from).collect();
    let full = analyze_paths(&paths, &AnalysisSettings::default());
    let skip = AnalysisSettings {
        skip_timeline: true,
        ..Default::default()
    };
    let lean = analyze_paths(&paths, &skip);
    assert!(full.timeline.len() > 100, "{}", full.timeline.len());
    assert!(lean.timeline.is_empty());
    assert_eq!(json::render(&lean), json::render(&full));
    assert_eq!(sarif_of(&lean), sarif_of(&full));
    assert_eq!(markdown::render(&lean), markdown::render(&full));
    assert_eq!(
        text::render(&lean, &Default::default()),
        text::render(&full, &Default::default())
    );
}

#[test]
fn json_reports_match_the_published_schema() {
    let mut inputs: Vec<&[&str]> = CASES.iter().map(|(_, i)| *i).collect();
    let all: &[&str] = &["fixtures"];
    inputs.push(all);
    for i in inputs {
        let r = analyze(i);
        let v: Value = serde_json::from_str(&json::render(&r)).unwrap();
        validate(REPORT_SCHEMA, &v).unwrap_or_else(|e| panic!("{i:?}: {e}"));
    }
}

#[test]
fn the_schema_rejects_what_it_should() {
    let r = analyze(&["fixtures/msilog/error-1310-utf16.log"]);
    let good: Value = serde_json::from_str(&json::render(&r)).unwrap();
    let mut bad = good.clone();
    bad["findings"][0]["severity"] = "fatal".into();
    assert!(validate(REPORT_SCHEMA, &bad).is_err());
    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("inputs");
    assert!(validate(REPORT_SCHEMA, &bad).is_err());
    let mut bad = good;
    bad["schema_version"] = 2.into();
    assert!(validate(REPORT_SCHEMA, &bad).is_err());
}

#[test]
fn sarif_matches_the_sarif_2_1_0_schema() {
    for (name, inputs) in CASES {
        let r = analyze(inputs);
        let v: Value = serde_json::from_str(&sarif_of(&r)).unwrap();
        validate(SARIF_SCHEMA, &v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // And one that is not SARIF is refused, so the check is real.
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]});
    assert!(validate(SARIF_SCHEMA, &bad).is_err());
}

#[test]
fn sarif_results_point_at_lines_and_rules() {
    let r = analyze(&["fixtures/burn", "fixtures/msilog/error-1310-utf16.log"]);
    let v: Value = serde_json::from_str(&sarif_of(&r)).unwrap();
    let run = &v["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), r.findings.len());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for (res, f) in results.iter().zip(&r.findings) {
        assert_eq!(res["ruleId"], f.id.as_str());
        let index = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], f.id.as_str());
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("fixtures/"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    // Rule metadata comes from the rule pack when the finding is a rule's.
    let pack = msitrace::rules::active(None);
    let rule = pack
        .iter()
        .find(|p| p.id == "msi.privileges.not-elevated")
        .unwrap();
    let listed = rules
        .iter()
        .find(|x| x["id"] == "msi.privileges.not-elevated")
        .unwrap();
    // The summary template in general words: no unfilled {placeholders} (issue 19).
    let full = listed["fullDescription"]["text"].as_str().unwrap();
    let before = rule.summary.split('{').next().unwrap();
    assert!(full.starts_with(before) && !full.contains('{'), "{full}");
    assert!(
        full.ends_with("lack of rights: the second matched line"),
        "{full}"
    );
    // Findings that are not rules still get a rule entry.
    assert!(rules.iter().any(|x| x["id"] == "burn.bundle-failed"));
}

#[test]
fn sarif_record_evidence_has_no_region() {
    use msitrace::{Evidence, EvidenceRole, Location};
    let mut r = analyze(&["fixtures/msilog/error-1310-utf16.log"]);
    r.findings[0].evidence.insert(
        0,
        Evidence::new(
            "C:\\logs\\Application.evtx",
            Location::Record(4711),
            "MsiInstaller 11708",
            EvidenceRole::Cause,
        ),
    );
    let v: Value = serde_json::from_str(&sarif_of(&r)).unwrap();
    validate(SARIF_SCHEMA, &v).unwrap();
    let loc = &v["runs"][0]["results"][0]["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "file:///C:/logs/Application.evtx"
    );
    assert!(loc["physicalLocation"].get("region").is_none());
    assert_eq!(loc["properties"]["record"], 4711);
}

#[test]
fn html_is_self_contained() {
    let r = analyze(&["fixtures/burn", "fixtures/msilog/error-1310-utf16.log"]);
    let page = html::render(&r);
    for needle in ["http://", "https://"] {
        for (at, _) in page.match_indices(needle) {
            // The only URLs allowed are XML namespaces (no fetch happens for them).
            assert!(
                page[at..].starts_with("http://www.w3.org/2000/svg"),
                "network reference at {}",
                &page[at..at + 60]
            );
        }
    }
    assert!(page.contains("Content-Security-Policy"));
    assert!(page.contains("id=\"chain-svg\""));
    assert!(page.contains("id=\"timeline-svg\""));
    assert!(page.contains("id=\"events-table\""));
    assert_eq!(page.matches("<script>").count(), 1);
}

/// A copy of the Burn package log with attacker-controlled text in the product name, a path and the
/// custom action's output, written as UTF-8.
fn hostile_log(dir: &Path) -> PathBuf {
    let bytes =
        std::fs::read(common::root().join("fixtures/burn/ContosoSuite_000_ContosoAgent.msi.log"))
            .unwrap();
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    let text = text
        .replace(
            "Contoso Agent",
            "Evil [click me](https://evil.example/x) <img src=x onerror=alert(1)> \x1b]0;pwned\x07\x1b[31mRED\x1b[0m",
        )
        .replace(
            "C:\\ProgramData\\Contoso\\agent.cfg",
            "C:\\<script>alert(document.title)</script>\\agent.cfg",
        )
        .replace(
            "Access is denied.",
            "Access is denied.\x1b[2J\x1b[H</pre><script>alert(2)</script> | ``` ** [x](javascript:alert(3))",
        );
    let path = dir.join("hostile.log");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn hostile_text_is_neutralised_in_every_human_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = hostile_log(dir.path());
    let r = analyze_paths(&[path], &AnalysisSettings::default());
    assert!(!r.findings.is_empty(), "the hostile log still fails");
    let raw = json::render(&r);
    assert!(raw.contains("<script>"), "the JSON keeps the text as read");
    // The MSI reader already drops control characters from lines; put raw sequences into the
    // report as well, as another source (or a later parser) might.
    let mut r = r;
    let osc =
        "\x1b]0;pwned\x07\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\x1b[2J\u{9b}31m";
    r.findings[0].title.push_str(osc);
    r.findings[0].evidence[0].text.push_str(osc);
    r.sessions[0].product = Some(format!("Evil{osc}<b>bold</b>"));

    let t = text::render(&r, &text::TextOptions::default());
    assert!(
        !t.contains('\x1b'),
        "no escape sequence reaches the terminal"
    );
    assert!(!t.contains('\x07'));
    assert!(!t.contains("0;pwned"), "the OSC sequence is removed whole");
    assert!(!t.contains("[2J"), "the CSI sequence is removed whole");
    assert!(t.contains("Evil [click me]"));

    let md = markdown::render(&r);
    assert!(!md.contains('\x1b'));
    assert!(!md.contains('\u{9b}'));
    // Outside fenced code blocks (where nothing is interpreted), no markup from the log survives.
    let prose: String = md
        .split("\n```")
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, p)| p)
        .collect();
    assert!(!prose.contains("<script>"), "{md}");
    assert!(!prose.contains("<img"), "{md}");
    assert!(!prose.contains("<b>"), "{md}");
    assert!(!prose.contains("](https://evil"), "no live link: {md}");
    assert!(md.contains(r"\[click me\]"));
    // The evidence block cannot be closed by backticks in the log.
    for block in md.split("\n````").skip(1) {
        assert!(!block.starts_with('`'));
    }

    let page = html::render(&r);
    assert!(!page.contains('\x1b'));
    assert!(!page.contains('\u{9b}'));
    assert!(!page.contains("<b>bold"));
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!page.contains("<img"));
    assert!(page.contains("&lt;script&gt;alert(document.title)&lt;/script&gt;"));
    assert!(page.contains("&lt;/pre&gt;&lt;script&gt;alert(2)"));
    assert!(!page.contains("onerror=alert(1)>"));
}

#[test]
fn sanitize_strips_terminal_sequences() {
    use msitrace::report::text::sanitize;
    assert_eq!(sanitize("\x1b[1;31mred\x1b[0m"), "red");
    assert_eq!(
        sanitize("a\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\b"),
        "alinkb"
    );
    assert_eq!(sanitize("\u{9b}31mc\r\n"), "c");
    assert_eq!(sanitize("tab\there"), "tab here");
    assert_eq!(sanitize("unterminated \x1b]0;title"), "unterminated ");
}
