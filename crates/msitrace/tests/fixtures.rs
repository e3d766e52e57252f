//! Behaviour tests over the project's own fixtures, with the text reports as snapshots.

use crate::common;

use msitrace::analysis::Report;
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::findings::EvidenceRole;
use msitrace::report::text::{render, TextOptions};

fn analyze(rel: &str) -> Report {
    // Relative paths keep the snapshots independent of the checkout location.
    std::env::set_current_dir(common::root()).unwrap();
    analyze_paths(&[rel.into()], &AnalysisSettings::default())
}

#[test]
fn failing_utf16_install() {
    let r = analyze("fixtures/msilog/error-1310-utf16.log");
    assert_eq!(r.exit_status(), 1);
    let s = &r.sessions[0];
    assert_eq!(s.outcome.as_ref().unwrap().code, 1603);
    assert_eq!(s.product.as_deref(), Some("Contoso Agent"));
    assert_eq!(s.elevated, Some(false));
    let top = &r.findings[0];
    assert_eq!(top.id, "msi.privileges.not-elevated");
    // The cause is the non-elevated run; the 1310 it led to is cited with it.
    assert_eq!(top.evidence[0].role, EvidenceRole::Cause);
    assert_eq!(top.evidence[0].line, Some(14));
    assert_eq!(top.evidence[1].line, Some(42));
    assert!(top.summary.contains("Error 1310"), "{}", top.summary);
    insta::assert_snapshot!("error_1310_text", render(&r, &TextOptions::default()));
}

#[test]
fn successful_utf8_install_has_no_finding() {
    let r = analyze("fixtures/msilog/success-utf8.log");
    assert_eq!(r.exit_status(), 0);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.sessions[0].elevated, Some(true));
    assert_eq!(
        r.sessions[0].start.unwrap().to_string(),
        "2026-03-14 10:02:11"
    );
}

#[test]
fn bundle_and_its_package_log_tell_one_story() {
    let r = analyze("fixtures/burn");
    assert_eq!(r.bundles.len(), 1);
    assert_eq!(r.sessions[0].bundle, Some(0));
    assert_eq!(r.findings[0].id, "msi.custom-action.quiet-exec-failed");
    assert!(r.findings[0].summary.contains("Access is denied"));
    assert_eq!(r.findings[1].id, "burn.bundle-failed");
    assert!(r.findings[1]
        .summary
        .contains("msi.custom-action.quiet-exec-failed"));
    insta::assert_snapshot!("bundle_text", render(&r, &TextOptions::default()));
}

#[test]
fn json_report_has_the_documented_fields() {
    let r = analyze("fixtures/msilog/error-1310-utf16.log");
    let v: serde_json::Value = serde_json::from_str(&msitrace::report::json::render(&r)).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["inputs"][0]["format"], "msi-log");
    assert_eq!(v["inputs"][0]["encoding"], "utf16-le-bom");
    assert_eq!(v["sessions"][0]["outcome"]["code"], 1603);
    let f = &v["findings"][0];
    for key in [
        "id",
        "title",
        "severity",
        "category",
        "summary",
        "evidence",
        "remediation",
    ] {
        assert!(!f[key].is_null(), "finding lacks {key}");
    }
    assert_eq!(
        f["evidence"][0]["input"],
        "fixtures/msilog/error-1310-utf16.log"
    );
    assert_eq!(f["evidence"][0]["line"], 14);
    assert!(f["evidence"][0]["text"]
        .as_str()
        .unwrap()
        .contains("with user privileges"));
}

#[test]
fn procmon_capture_of_msiexec_denied_in_temp() {
    let r = analyze("fixtures/procmon/msiexec-access-denied-temp.CSV");
    assert_eq!(r.exit_status(), 1);
    let c = &r.captures[0];
    assert_eq!(
        (c.rows, c.results.failure, c.results.retried_all_access),
        (15, 4, 1)
    );
    assert_eq!(c.processes.len(), 3);
    assert_eq!(r.findings[0].id, "procmon.installer-exit");
    assert!(r.findings[0]
        .summary
        .contains("ACCESS DENIED under %TEMP% by msiexec.exe"));
    let denied = &r.findings[1];
    assert_eq!(denied.id, "procmon.access-denied");
    assert_eq!(
        denied.title,
        "ACCESS DENIED under %TEMP% by msiexec.exe (3 times)"
    );
    assert!(denied
        .summary
        .contains("Explorer.EXE (3344) > msiexec.exe (4242)"));
    assert_eq!(denied.evidence[0].row, Some(10));
    insta::assert_snapshot!("procmon_denied_text", render(&r, &TextOptions::default()));
}
