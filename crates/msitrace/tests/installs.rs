//! Installations in event logs: MsiInstaller records grouped into transactions and listed as
//! installer sessions; a failed one names its cause; crashes rank by the failed installations
//! near them. On a fixture written for it and on the real event logs of `../shared/corpus`.

use crate::common;

use msitrace::analysis::{analyze_paths, AnalysisSettings, Report};
use msitrace::codes::OutcomeClass;
use msitrace::event::InstallOperation;
use msitrace::findings::{EvidenceRole, Severity};
use std::path::PathBuf;

fn analyze(paths: &[PathBuf]) -> Report {
    analyze_paths(paths, &AnalysisSettings::default())
}

fn fixture(rel: &str) -> PathBuf {
    common::root().join("fixtures").join(rel)
}

#[test]
fn installs_of_an_event_log_are_sessions() {
    let r = analyze(&[fixture("eventlog/installs-application.xml")]);
    // Three installations; the stray resiliency warning (1004) outside any transaction is none.
    assert_eq!(r.sessions.len(), 3, "{:#?}", r.sessions);
    // The outcome follows the end of the transaction (1042 before 11707/1033): one install.
    let viewer = &r.sessions[0];
    assert_eq!(viewer.product.as_deref(), Some("Fabrikam Viewer"));
    assert_eq!(viewer.version.as_deref(), Some("3.2.0"));
    assert_eq!(viewer.manufacturer.as_deref(), Some("Fabrikam Inc."));
    assert_eq!(viewer.operation, InstallOperation::Install);
    assert_eq!(viewer.outcome.as_ref().unwrap().code, 0);
    assert_eq!(
        viewer.product_code.as_deref(),
        Some("{3F2B8C1D-7A44-4E2B-9C1F-2D5E6A7B8C90}")
    );
    let rec = viewer.recorded.as_ref().unwrap();
    assert_eq!(rec.records, [100, 101, 102, 103]);
    assert_eq!(rec.client_pid, Some(4120));
    assert_eq!(
        rec.package.as_deref(),
        Some(r"C:\Users\lee\Downloads\FabrikamViewer-3.2.msi")
    );
    assert_eq!(
        rec.user_sid.as_deref(),
        Some("S-1-5-21-3623811015-3361044348-30300820-1013")
    );
    assert_eq!(viewer.path, rec.path);
    assert_eq!(
        rec.start.unwrap().to_rfc3339(),
        "2026-05-04T09:00:00.100+00:00"
    );
    // A failed install without a 1040: the error record, the summary and the outcome.
    let sync = &r.sessions[1];
    assert_eq!(sync.product.as_deref(), Some("Fabrikam Sync"));
    let o = sync.outcome.as_ref().unwrap();
    assert_eq!((o.code, o.class), (1603, OutcomeClass::Failure));
    assert!(o.source.contains("record 113"), "{}", o.source);
    assert_eq!(sync.recorded.as_ref().unwrap().records, [110, 112, 113]);
    // An update inside a transaction (1036 then 1035) is one session; the 1022 belongs to it.
    let patch = &r.sessions[2];
    assert_eq!(
        patch.recorded.as_ref().unwrap().records,
        [120, 121, 122, 123, 124, 125]
    );
    assert_eq!(patch.outcome.as_ref().unwrap().code, 0);
}

#[test]
fn a_failed_install_names_the_error_record_before_its_outcome() {
    let r = analyze(&[fixture("eventlog/installs-application.xml")]);
    let top = &r.findings[0];
    assert_eq!(top.id, "eventlog.msi-failed");
    assert_eq!(top.session, Some(1));
    let cause = &top.evidence[0];
    assert_eq!((cause.role, cause.record), (EvidenceRole::Cause, Some(110)));
    // The message number the record carries is named and explained.
    assert!(top.codes.contains(&2503), "{:?}", top.codes);
    assert!(top.codes.contains(&1603), "{:?}", top.codes);
    assert!(
        top.summary.contains("The error code is 2503"),
        "{}",
        top.summary
    );
    assert!(
        !top.summary.contains("hold only the outcome"),
        "{}",
        top.summary
    );
}

#[test]
fn a_crash_is_an_installer_failure_only_near_a_failed_install() {
    let r = analyze(&[fixture("eventlog/installs-application.xml")]);
    let crashes: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.id == "eventlog.installer-crash")
        .collect();
    // The setup program that crashed during the failed install: an error tied to it.
    let during = crashes
        .iter()
        .find(|f| f.title.starts_with("FabrikamSyncSetup.exe"))
        .unwrap();
    assert_eq!(during.severity, Severity::Error);
    assert_eq!(during.session, Some(1));
    // It is told once (the rule on the same record does not repeat it).
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.evidence.iter().any(|e| e.record == Some(111)))
            .count(),
        1
    );
    // A setup program crashing two days later, with no install near it: a warning.
    let later = crashes
        .iter()
        .find(|f| f.title.starts_with("setup.exe"))
        .unwrap();
    assert_eq!(later.severity, Severity::Warning);
    // A memory-leak report of msiexec.exe is not a crash at all.
    assert!(
        r.findings
            .iter()
            .all(|f| f.evidence.iter().all(|e| e.record != Some(114))),
        "{:#?}",
        r.findings
    );
    // The failed install ranks above the crash.
    assert_eq!(r.findings[0].id, "eventlog.msi-failed");
}

#[test]
fn an_event_log_install_and_its_msi_log_are_one_session() {
    let r = analyze(&[
        fixture("eventlog/contoso-agent-application.xml"),
        fixture("msilog/error-1310-utf16.log"),
    ]);
    assert_eq!(r.sessions.len(), 1, "{:#?}", r.sessions);
    let s = &r.sessions[0];
    assert!(s.path.ends_with("error-1310-utf16.log"));
    let rec = s.recorded.as_ref().unwrap();
    assert!(rec.path.ends_with("contoso-agent-application.xml"));
    assert_eq!(rec.client_pid, Some(5236));
    assert_eq!(rec.records, [4711, 4712, 4713, 4714, 4715]);
    let errors: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0]
        .evidence
        .iter()
        .any(|e| e.record == Some(4714) && e.role == EvidenceRole::Outcome));
}

#[test]
fn an_msi_log_of_another_product_is_not_merged() {
    // Near miss: the event log's install is of another product than the MSI log's.
    let r = analyze(&[
        fixture("eventlog/installs-application.xml"),
        fixture("msilog/error-1310-utf16.log"),
    ]);
    assert_eq!(r.sessions.len(), 4);
    assert!(r.sessions[0].recorded.is_none());
}

#[test]
fn real_event_logs_list_their_installs() {
    let Some(shared) = common::shared() else {
        return;
    };
    let corpus = |name: &str| shared.join("corpus/evtx").join(name);
    // EMET failed twice (10005 .NET prerequisite message, 11708, 1033 status 1603), then
    // installed; every transaction of the log is a session.
    let r = analyze(&[corpus("DeepBlueCLI_many-events-application.evtx")]);
    assert!(r.sessions.len() > 40, "{}", r.sessions.len());
    let emet: Vec<_> = r
        .sessions
        .iter()
        .filter(|s| s.product.as_deref() == Some("EMET 5.51"))
        .collect();
    assert_eq!(emet.len(), 3);
    let codes: Vec<u32> = emet
        .iter()
        .map(|s| s.outcome.as_ref().unwrap().code)
        .collect();
    assert_eq!(codes, [1603, 1603, 0]);
    assert_eq!(
        emet[0].recorded.as_ref().unwrap().records,
        [1723, 1724, 1725]
    );
    let top = &r.findings[0];
    assert_eq!(top.id, "eventlog.msi-failed");
    assert!(top.title.starts_with("EMET 5.51"), "{}", top.title);
    assert_eq!(top.evidence[0].record, Some(1723));
    assert!(
        top.summary.contains(".NET Framework version v4.5"),
        "{}",
        top.summary
    );
    // The memory-leak report of TrustedInstaller.exe is not an installer crash.
    assert!(
        r.findings
            .iter()
            .all(|f| !(f.id == "eventlog.installer-crash" && f.severity == Severity::Error)),
        "{:#?}",
        r.findings
    );
    // A character reference the provider wrote into its data is decoded (`&#x2a;` is `*`).
    let sxs = r
        .findings
        .iter()
        .find(|f| f.id == "eventlog.side-by-side")
        .unwrap();
    assert!(sxs.summary.contains(r#"language="*""#), "{}", sxs.summary);
    assert!(!sxs.summary.contains("&#x2a;"), "{}", sxs.summary);
    // Splunk: the 1013 'already installed' error record is the cause of the failed
    // reconfiguration (11729 + 1035 status 1603).
    let r = analyze(&[corpus("AD-DC_Application.evtx")]);
    assert_eq!(r.sessions.len(), 6);
    let top = &r.findings[0];
    assert_eq!(top.evidence[0].record, Some(9108));
    assert!(
        top.summary.contains("already been installed"),
        "{}",
        top.summary
    );
    let removal = r
        .sessions
        .iter()
        .find(|s| s.operation == InstallOperation::Removal)
        .unwrap();
    assert_eq!(
        removal.recorded.as_ref().unwrap().package.as_deref(),
        Some("{25EC79E7-ADA0-4DF9-AC15-A3D9596884F4}")
    );
    // 1040/1042 pairs without any outcome record are transactions without a status.
    let r = analyze(&[corpus("EVTX-ATTACK_rogue_msi_url_1040_1042.evtx")]);
    assert!(r.sessions.len() > 100, "{}", r.sessions.len());
    assert!(r.sessions.iter().all(|s| s.outcome.is_none()));
    assert!(!r.failed);
}

#[test]
fn a_service_failing_after_a_successful_install_is_a_warning() {
    let r = analyze(&[fixture("eventlog/service-after-install.xml")]);
    assert_eq!(r.sessions.len(), 1);
    let agent = r
        .findings
        .iter()
        .find(|f| f.title.contains("Fabrikam Agent"))
        .unwrap();
    assert_eq!(agent.severity, Severity::Warning);
    assert_eq!(agent.session, Some(0));
    assert!(
        agent.summary.contains("which succeeded"),
        "{}",
        agent.summary
    );
    // Near miss: a service failing two days later, with no installation near it, stays a
    // failure of its own.
    let other = r
        .findings
        .iter()
        .find(|f| f.title.contains("Contoso Indexer"))
        .unwrap();
    assert_eq!(other.severity, Severity::Error);
    assert_eq!(other.session, None);
}

#[test]
fn the_event_log_names_the_cause_a_non_verbose_log_lacks() {
    let r = analyze(&[
        fixture("eventlog/contoso-agent-application.xml"),
        fixture("msilog/contoso-nonverbose.log"),
    ]);
    assert_eq!(r.sessions.len(), 1, "{:#?}", r.sessions);
    let top = &r.findings[0];
    assert_eq!(top.session, Some(0));
    assert_eq!(top.evidence[0].role, EvidenceRole::Cause);
    assert_eq!(top.evidence[0].record, Some(4712));
    assert!(top.codes.contains(&1310), "{:?}", top.codes);
    // The MSI log's own lines stay cited.
    assert!(top.evidence.iter().any(|e| e.line == Some(6)));
    // Near miss: alone, the non-verbose log names no cause.
    let r = analyze(&[fixture("msilog/contoso-nonverbose.log")]);
    assert_eq!(r.findings[0].id, "msi.failed-without-error");
}

/// An event log of `n` installations an hour apart, each one 1033 outcome record of its own
/// product; those in `failed` end with 1603.
fn many_installs(n: usize, failed: &[usize]) -> String {
    let mut xml = String::new();
    for i in 0..n {
        let (hour, day) = (i % 24, i / 24);
        let (month, day) = (1 + day / 28, 1 + day % 28);
        let (status, level) = if failed.contains(&i) {
            (1603, 2)
        } else {
            (0, 4)
        };
        xml.push_str(&format!(
            "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"MsiInstaller\"/><EventID Qualifiers=\"0\">1033</EventID><Level>{level}</Level><TimeCreated SystemTime=\"2025-{month:02}-{day:02}T{hour:02}:00:00.0000000Z\"/><EventRecordID>{}</EventRecordID><Channel>Application</Channel><Computer>WS</Computer></System><EventData><Data>Product {i:04}</Data><Data>1.0</Data><Data>1033</Data><Data>{status}</Data><Data>Fabrikam</Data><Data>(NULL)</Data><Data></Data></EventData></Event>\n",
            1000 + i
        ));
    }
    xml
}

#[test]
fn a_log_of_more_installations_than_listed_keeps_the_failed_and_the_latest_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Application.xml");
    // 2,003 installations: the oldest failed, then 2,001 that succeeded, the latest failed.
    std::fs::write(&path, many_installs(2003, &[0, 2002])).unwrap();
    let r = analyze(std::slice::from_ref(&path));
    let products: Vec<&str> = r
        .sessions
        .iter()
        .filter_map(|s| s.product.as_deref())
        .collect();
    assert_eq!(products.len(), 2000);
    // The three oldest that succeeded are left out; both failures stay.
    assert_eq!(products[..2], ["Product 0000", "Product 0004"]);
    assert_eq!(products.last(), Some(&"Product 2002"));
    let failed: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.id == "eventlog.msi-failed")
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    let warnings: Vec<String> = r.inputs[0].warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("records 2003 installations")
                && w.contains("3 older ones are left out")),
        "{warnings:?}"
    );
}
