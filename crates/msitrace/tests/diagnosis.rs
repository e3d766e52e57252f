//! What the diagnosis of an MSI log concludes: custom actions' own error lines, errors quoted
//! after the failure or in an excerpt, engine statements, warnings on installs that succeeded,
//! deliberate failures. On fixtures written for it (with near misses) and on the real cases of
//! `../shared/cases`, read by path.

use crate::common;

use msitrace::analysis::{analyze_paths, AnalysisSettings, Report};
use msitrace::findings::{EvidenceRole, Severity};
use std::path::PathBuf;

fn fixture(rel: &str) -> Report {
    let path = common::root().join("fixtures/msilog").join(rel);
    analyze_paths(&[path], &AnalysisSettings::default())
}

fn ids(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn a_custom_action_error_line_is_the_cause() {
    let r = fixture("wix-ca-errors.log");
    let top = &r.findings[0];
    assert_eq!(top.id, "msi.custom-action.error", "{:#?}", r.findings);
    let cause = &top.evidence[0];
    assert_eq!((cause.role, cause.line), (EvidenceRole::Cause, Some(16)));
    assert!(top.codes.contains(&0x8007_0534), "{:?}", top.codes);
    assert!(top.title.contains("ExecSecureObjects"), "{}", top.title);
    // The HRESULT is explained (the Win32 error it wraps).
    assert!(
        top.remediation
            .iter()
            .any(|r| r.contains("0x80070534") && r.contains("1332")),
        "{:#?}",
        top.remediation
    );
    // Near misses: the error of an action translated to success is not the cause, and an
    // action's report that something is absent is not context.
    assert!(top
        .evidence
        .iter()
        .all(|e| e.role != EvidenceRole::Cause || e.line == Some(16)));
    assert!(
        top.evidence
            .iter()
            .all(|e| !e.text.contains("not found, skipping")),
        "{:#?}",
        top.evidence
    );
    assert!(top.evidence.len() <= 12 + 4);
}

#[test]
fn warnings_on_an_install_that_succeeded() {
    let r = fixture("success-warnings.log");
    assert!(!r.failed, "{:#?}", r.findings);
    assert!(r.findings.iter().all(|f| f.severity == Severity::Warning));
    let found = ids(&r);
    for id in [
        "msi.restart-required",
        "msi.custom-action.ignored-failure",
        "msi.service.not-started",
    ] {
        assert!(found.contains(&id), "{id}: {found:?}");
    }
    let ignored: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.id == "msi.custom-action.ignored-failure")
        .collect();
    // Only the action whose output states a problem; not the one that skipped a missing folder.
    assert_eq!(ignored.len(), 1, "{ignored:#?}");
    assert!(ignored[0].title.contains("GrantDataFolder"));
    assert_eq!(ignored[0].evidence[0].line, Some(8));
    // Near miss: an action translated to success whose output says all is well.
    let r = fixture("success-utf8.log");
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn a_deliberate_failure_is_called_one() {
    let r = fixture("deliberate-failure.log");
    assert_eq!(r.findings[0].id, "msi.custom-action.deliberate-failure");
    assert!(r.findings[0].summary.contains("WIXFAILWHENDEFERRED"));
    // Near miss: another custom action that fails is not deliberate.
    let r = fixture("wix-ca-errors.log");
    assert!(!ids(&r).contains(&"msi.custom-action.deliberate-failure"));
}

#[test]
fn an_error_quoted_after_the_end_of_the_log_is_the_cause() {
    let r = fixture("quoted-after-end.log");
    let top = &r.findings[0];
    assert_eq!(top.id, "msi.temp-folder.script-failed");
    assert_eq!(top.evidence[0].line, Some(8));
    // The UI chatter quoted with it is not.
    assert!(top.evidence.iter().all(|e| e.line != Some(7)));
}

#[test]
fn an_excerpt_with_an_error_and_no_outcome_is_a_finding() {
    let r = fixture("excerpt-error-cut.log");
    assert!(r.failed);
    let top = &r.findings[0];
    assert!(top.codes.contains(&1935), "{top:#?}");
    assert_eq!(top.evidence[0].line, Some(2));
    // Near miss: an excerpt of UI and lookup chatter only.
    let r = fixture("excerpt-noise-only.log");
    assert!(!r.failed);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

/// The top finding of a real case cites its evidence line.
#[test]
fn real_cases_rest_on_their_evidence_line() {
    let Some(shared) = common::shared() else {
        return;
    };
    for (dir, line) in [
        (
            "19-configmgr-client-suspended-install-ipi",
            "Suspended install detected. Resuming.",
        ),
        (
            "33-brackets-downgrade-detected-staruml-upgradecode",
            "Adding WIX_DOWNGRADE_DETECTED property",
        ),
        (
            "37-wix-securobjects-localized-builtin-users",
            "Error 0x80070534: failed to get sid for account",
        ),
        (
            "LC01_keepassxc-12841_1603_2503",
            "DEBUG: Error 2503:  Called RunScript when not marked in progress.",
        ),
        (
            "LC03_elastic-windows-installers-230_1920",
            "Product: Elasticsearch 6.4.0 -- Error 1920.",
        ),
        (
            "LC11_MSQA-304404_Exchange_patch_1642",
            "PATCH SEQUENCER: QFE patch e:\\Exchange2019-KB5000871-x64-en.msp is not applicable.",
        ),
        (
            "LC12_winget-pkgs-57692_Box_1935_sandbox",
            "Error 1935. An error occurred during the installation of assembly component",
        ),
    ] {
        let case = shared.join("cases").join(dir);
        let files: Vec<PathBuf> = std::fs::read_dir(&case)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "case.toml"))
            .collect();
        let r = analyze_paths(&files, &AnalysisSettings::default());
        let top = r
            .findings
            .first()
            .unwrap_or_else(|| panic!("{dir}: no finding"));
        assert_eq!(top.severity, Severity::Error, "{dir}");
        assert!(
            top.evidence
                .iter()
                .any(|e| e.role == EvidenceRole::Cause && e.text.contains(line)),
            "{dir}: top {} does not rest on {line:?}: {:#?}",
            top.id,
            top.evidence
        );
    }
}

#[test]
fn an_excerpt_of_notices_is_read_and_names_its_errors() {
    let r = fixture("excerpt-notices.log");
    assert_eq!(
        r.inputs[0].status,
        msitrace::analysis::InputStatus::Analyzed,
        "{:?}",
        r.inputs[0].error
    );
    assert!(r.failed);
    let top = &r.findings[0];
    assert!(top.codes.contains(&2502), "{top:#?}");
    assert!(
        top.evidence
            .iter()
            .any(|e| e.line == Some(3) && e.text.contains("The error code is 2503")),
        "{top:#?}"
    );
    // Near miss: prose naming a product is not a notice.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        "Product: Fabrikam Tools\nVersion: 3.0\nThe error code is 2503.\n",
    )
    .unwrap();
    // It is text of no known form: scanned, and nothing in it is an installer's status.
    let r = analyze_paths(&[path], &AnalysisSettings::default());
    assert_eq!(r.inputs[0].format, Some(msitrace::source::Format::Text));
    assert!(!r.failed, "{:#?}", r.findings);
}
