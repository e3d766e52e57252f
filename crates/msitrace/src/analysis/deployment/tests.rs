use super::*;
use crate::event::DeploymentTool;
use crate::source::toollog::ToolLogReader;

fn analyze(text: &str) -> DeploymentFacts {
    let mut tracker = DeploymentTracker::new("x.log");
    for e in ToolLogReader::from_text(text.as_bytes()) {
        tracker.push(e.unwrap());
    }
    tracker.finish()
}

#[test]
fn relayed_error_with_hresult_is_the_cause_of_the_exit() {
    let facts = analyze("MSI: Action 11:53:11: CcmRegisterWmiMofFile. Registering WMI settings\nMSI: Setup failed due to unexpected circumstances\nThe error code is 80004005\nMSI: Action 13:01:48: Rollback. Rolling back action:\nInstallation failed with error code 1603\n");
    assert_eq!(facts.failures.len(), 1);
    let f = &facts.failures[0].finding;
    assert_eq!(f.evidence[0].role, EvidenceRole::Cause);
    assert_eq!(f.evidence[0].line, Some(2));
    assert!(
        f.codes.contains(&1603) && f.codes.contains(&0x8000_4005),
        "{:?}",
        f.codes
    );
    assert!(f
        .evidence
        .iter()
        .any(|e| e.text.contains("CcmRegisterWmiMofFile")));
    assert!(f.remediation.iter().any(|r| r.contains("Collect")));
    assert_eq!(f.confidence, Confidence::Medium);
}

#[test]
fn success_codes_are_never_failures() {
    let facts = analyze("TASK [msi] ****\nfatal: [w]: FAILED! => {\"rc\": 3010, \"failed\": true}\nTASK [msi2] ****\nok: [w] => {\"rc\": 0}\n");
    assert!(facts.failures.is_empty());
    assert_eq!(facts.findings.len(), 1);
    assert_eq!(
        facts.findings[0].id,
        "deployment.success-counted-as-failure"
    );
    assert_eq!(facts.findings[0].severity, Severity::Warning);
}

#[test]
fn the_msi_log_to_read_next_is_named() {
    let facts = analyze("Installing x...\nERROR: Running [\"C:\\Windows\\System32\\msiexec.exe\" /i \"C:\\t\\x.msi\" /qn /l*v \"C:\\t\\x.install.log\"] was not successful. Exit code was '1603'. See log for possible error messages.\n");
    let f = &facts.failures[0];
    assert_eq!(f.msi_log.as_deref(), Some(r"C:\t\x.install.log"));
    assert!(f
        .finding
        .remediation
        .iter()
        .any(|r| r.contains(r"C:\t\x.install.log")));
    assert_eq!(f.finding.confidence, Confidence::Low);
    assert_eq!(f.finding.category, "fatal");
}

#[test]
fn retries_are_warnings() {
    let line = |m: &str| {
        format!("<![LOG[{m}]LOG]!><time=\"17:56:47.620+000\" date=\"01-13-2016\" component=\"AppEnforce\" context=\"\" type=\"1\" thread=\"2216\" file=\"\">\n")
    };
    let facts = analyze(&line(
        "Matched exit code 1618 to a FastRetry entry in exit codes table.",
    ));
    assert!(facts.failures.is_empty());
    assert_eq!(facts.findings[0].id, "deployment.retry");
    assert!(facts.findings[0].title.contains("Another installation"));
}

#[test]
fn hresults_windows_update_and_ntstatus() {
    let m = code_meaning(0x8024_0017, DeploymentTool::SetupChainer);
    assert!(m.long.contains("Windows Update"), "{}", m.long);
    let m = code_meaning(3_221_225_794, DeploymentTool::Intune);
    assert!(m.short.starts_with("0xC0000142"), "{}", m.short);
    let m = code_meaning(60001, DeploymentTool::PsAppDeployToolkit);
    assert!(m.long.contains("deployment script"));
    let m = code_meaning(424242, DeploymentTool::Other);
    assert!(!m.specific);
}

#[test]
fn missing_packages_are_warnings() {
    let facts = analyze("Slp: Package ID sql_x: NotInstalled\nSlp: Sco: File 'X:\\x64\\setup\\x64\\sql_x.msi' does not exist\n");
    assert_eq!(facts.findings.len(), 1);
    assert_eq!(facts.findings[0].id, "deployment.package-missing");
}
