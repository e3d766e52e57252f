//! One small event-log XML snippet per typed-meaning rule, and the analysis of the event-log
//! fixture alone and with the MSI log of the same install.

use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::event::meaning::{Blocker, RecordMeaning, RestartStep, ServiceFailureKind};
use msitrace::event::{EventRecord, InstallOperation, Kind};
use msitrace::findings::Severity;
use msitrace::source::eventxml::EventXmlParser;
use msitrace::source::TextEncoding;
use std::path::PathBuf;

/// One record: provider, id, level and `<Data>` items (`name=value` for named ones).
fn record(provider: &str, id: u32, data: &[&str], binary: Option<&str>) -> EventRecord {
    let mut items = String::new();
    for d in data {
        match d.split_once('=') {
            Some((n, v)) if !n.contains(['\\', '"', ':']) && !n.is_empty() => {
                items.push_str(&format!("<Data Name=\"{n}\">{v}</Data>"))
            }
            _ => items.push_str(&format!("<Data>{d}</Data>")),
        }
    }
    if let Some(b) = binary {
        items.push_str(&format!("<Binary>{b}</Binary>"));
    }
    let xml = format!(
        "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"{provider}\"/><EventID>{id}</EventID><Level>2</Level><TimeCreated SystemTime=\"2026-03-14T08:41:09.5120000Z\"/><EventRecordID>7</EventRecordID><Channel>Application</Channel></System><EventData>{items}</EventData></Event>"
    );
    let event = EventXmlParser::new(xml.as_bytes(), TextEncoding::Utf8, 0)
        .next()
        .unwrap()
        .unwrap();
    match event.kind {
        Kind::EventRecord(r) => std::sync::Arc::unwrap_or_clone(r),
        _ => unreachable!(),
    }
}

fn meaning(provider: &str, id: u32, data: &[&str]) -> RecordMeaning {
    *record(provider, id, data, None)
        .meaning
        .unwrap_or_else(|| panic!("{provider} {id}: no meaning"))
}

#[test]
fn msiinstaller_outcomes() {
    let d = [
        "Contoso Agent",
        "2.4.0",
        "1033",
        "1603",
        "Contoso Ltd.",
        "(NULL)",
        "",
    ];
    for (id, op) in [
        (1033, InstallOperation::Install),
        (1034, InstallOperation::Removal),
        (1035, InstallOperation::Reconfigure),
    ] {
        let RecordMeaning::InstallerOutcome(o) = meaning("MsiInstaller", id, &d) else {
            panic!("{id}")
        };
        assert_eq!((o.operation, o.status), (op, 1603));
        assert_eq!(o.manufacturer.as_deref(), Some("Contoso Ltd."));
    }
    // 1036/1037 (updates) put the status one field later.
    let d = [
        "Contoso Agent",
        "2.4.0",
        "1033",
        "KB123 Update",
        "0",
        "Contoso Ltd.",
    ];
    let RecordMeaning::InstallerOutcome(o) = meaning("MsiInstaller", 1036, &d) else {
        panic!()
    };
    assert_eq!((o.operation, o.status), (InstallOperation::Patch, 0));
    let RecordMeaning::InstallerRestartRequired { product, .. } = meaning(
        "MsiInstaller",
        1038,
        &["Contoso Agent", "2.4.0", "1033", "1", "Contoso Ltd.", "0"],
    ) else {
        panic!()
    };
    assert_eq!(product, "Contoso Agent");
}

#[test]
fn msiinstaller_transactions_messages_policy_and_notices() {
    let RecordMeaning::InstallerTransaction {
        begin,
        target,
        client_pid,
    } = meaning("MsiInstaller", 1040, &["C:\\x\\a.msi", "5236"])
    else {
        panic!()
    };
    assert!(begin && target == "C:\\x\\a.msi" && client_pid == Some(5236));
    assert!(matches!(
        meaning("MsiInstaller", 1042, &["C:\\x\\a.msi", "5236"]),
        RecordMeaning::InstallerTransaction { begin: false, .. }
    ));
    let code = "{5C1A9E3B-7D2F-4B8A-9C61-0E4F2A7B3D90}";
    let hex: String = code.bytes().map(|b| format!("{b:02X}")).collect();
    for (id, failed) in [
        (11708, true),
        (11707, false),
        (11729, true),
        (11724, false),
        (11725, true),
    ] {
        let r = record(
            "MsiInstaller",
            id,
            &["Product: Contoso Agent -- Some text."],
            Some(&hex),
        );
        let Some(RecordMeaning::InstallerMessage {
            message,
            product,
            failed: f,
            product_code,
            ..
        }) = r.meaning.map(|m| *m)
        else {
            panic!("{id}")
        };
        assert_eq!(
            (message, product.as_str(), f),
            (id - 10000, "Contoso Agent", failed)
        );
        assert_eq!(product_code.as_deref(), Some(code));
    }
    // An error message through 10000 + number is a failure message.
    let RecordMeaning::InstallerMessage { failed, text, .. } = meaning(
        "MsiInstaller",
        11920,
        &["Product: Contoso Agent -- Error 1920. Service 'Contoso' failed to start."],
    ) else {
        panic!()
    };
    assert!(failed && text.starts_with("Error 1920."));
    let RecordMeaning::InstallerPolicyBlock { target } = meaning(
        "MsiInstaller",
        1008,
        &["The installation of C:\\x\\a.msi is not permitted due to an error in software restriction policy processing. The object cannot be trusted."],
    ) else {
        panic!()
    };
    assert_eq!(target, "C:\\x\\a.msi");
    for id in [1005, 1013, 1015, 1029] {
        assert!(matches!(
            meaning("MsiInstaller", id, &["some text"]),
            RecordMeaning::InstallerNotice { .. }
        ));
    }
}

#[test]
fn service_control_manager() {
    let scm = "Service Control Manager";
    let failure = |id, data: &[&str]| match meaning(scm, id, data) {
        RecordMeaning::ServiceFailure(f) => f,
        other => panic!("{id}: {other:?}"),
    };
    let f = failure(7000, &["param1=Contoso Agent", "param2=%%1053"]);
    assert_eq!(f.failure, ServiceFailureKind::StartFailed);
    assert_eq!(f.service, "Contoso Agent");
    let e = f.error.unwrap();
    assert_eq!(e.code, Some(1053));
    assert!(e.meaning.unwrap().contains("did not respond"));
    // Unnamed data (older logs) by position.
    assert_eq!(
        failure(7000, &["Contoso", "%%2"]).error.unwrap().code,
        Some(2)
    );
    let f = failure(7001, &["param1=A", "param2=B", "param3=%%1068"]);
    assert_eq!(
        (f.failure, f.detail.as_deref()),
        (ServiceFailureKind::DependencyFailed, Some("B"))
    );
    let f = failure(7009, &["param1=30000", "param2=Contoso"]);
    assert_eq!(
        (f.failure, f.service.as_str()),
        (ServiceFailureKind::Timeout, "Contoso")
    );
    assert_eq!(
        failure(7011, &["param1=30000", "param2=Contoso"]).failure,
        ServiceFailureKind::Timeout
    );
    assert_eq!(
        failure(7022, &["param1=Contoso"]).failure,
        ServiceFailureKind::Hung
    );
    let f = failure(7023, &["param1=Spooler", "param2=%%2147942414"]);
    assert!(f.error.unwrap().meaning.unwrap().contains("0x8007000E"));
    assert_eq!(
        failure(7024, &["param1=A", "param2=%%3"]).failure,
        ServiceFailureKind::TerminatedWithError
    );
    assert_eq!(
        failure(
            7031,
            &[
                "param1=A",
                "param2=1",
                "param3=60000",
                "param4=1",
                "param5=Restart the service"
            ]
        )
        .failure,
        ServiceFailureKind::TerminatedUnexpectedly
    );
    assert_eq!(
        failure(7034, &["param1=A", "param2=2"]).failure,
        ServiceFailureKind::TerminatedUnexpectedly
    );
    assert_eq!(
        failure(
            7032,
            &["param1=Restart the service", "param2=A", "param3=%%1056"]
        )
        .failure,
        ServiceFailureKind::RecoveryFailed
    );
    let f = failure(7038, &["param1=A", "param2=.\\svc", "param3=%%1326"]);
    assert_eq!(
        (f.failure, f.error.unwrap().code),
        (ServiceFailureKind::LogonFailed, Some(1326))
    );
    let f = failure(7041, &["param1=A", "param2=CONTOSO\\svc"]);
    assert_eq!(f.error.unwrap().code, Some(1385));
    assert!(matches!(
        meaning(scm, 7026, &["param1=\ncldflt\n"]),
        RecordMeaning::DriversFailed { .. }
    ));
    let RecordMeaning::ServiceInstalled {
        service,
        image,
        account,
        ..
    } = meaning(
        scm,
        7045,
        &[
            "ServiceName=Contoso",
            "ImagePath=C:\\c.exe",
            "ServiceType=user mode service",
            "StartType=auto start",
            "AccountName=LocalSystem",
        ],
    )
    else {
        panic!()
    };
    assert_eq!(
        (service.as_str(), image.as_deref(), account.as_deref()),
        ("Contoso", Some("C:\\c.exe"), Some("LocalSystem"))
    );
    // 7036 (state change) has no meaning.
    assert!(record(scm, 7036, &["param1=A", "param2=running"], None)
        .meaning
        .is_none());
}

#[test]
fn crashes_reports_and_blocks() {
    let RecordMeaning::ProcessCrash(c) = meaning(
        "Application Error",
        1000,
        &[
            "msiexec.exe",
            "5.0.19041.1",
            "a1b2c3d4",
            "ca.dll",
            "1.0.0.0",
            "00000000",
            "c0000005",
            "0000000000012345",
            "0x1a2b",
            "01d6",
            "C:\\Windows\\System32\\msiexec.exe",
            "C:\\Windows\\Installer\\MSI1.tmp\\ca.dll",
            "id",
        ],
    ) else {
        panic!()
    };
    assert_eq!(
        (
            c.image.as_str(),
            c.module.as_deref(),
            c.exception.as_deref(),
            c.pid
        ),
        (
            "msiexec.exe",
            Some("ca.dll"),
            Some("0xc0000005"),
            Some(0x1a2b)
        )
    );
    assert!(c.is_installer_process());
    let RecordMeaning::ProcessCrash(h) = meaning(
        "Application Hang",
        1002,
        &[
            "setup.exe",
            "1.0",
            "2f0",
            "01d6",
            "4294967295",
            "C:\\t\\setup.exe",
        ],
    ) else {
        panic!()
    };
    assert!(h.hang && h.pid == Some(0x2f0));
    let RecordMeaning::ProcessCrash(n) = meaning(".NET Runtime", 1026, &["Application: CustomAction.exe\nFramework Version: v4.0.30319\nDescription: The process was terminated due to an unhandled exception.\nException Info: System.IO.FileNotFoundException\n"]) else { panic!() };
    assert_eq!(
        (n.image.as_str(), n.exception.as_deref()),
        ("CustomAction.exe", Some("System.IO.FileNotFoundException"))
    );
    let RecordMeaning::ErrorReport { event_name, p1 } = meaning(
        "Windows Error Reporting",
        1001,
        &[
            "0",
            "5",
            "MsiInstallerFailure",
            "Not available",
            "0",
            "Contoso Agent",
            "2.4.0",
        ],
    ) else {
        panic!()
    };
    assert_eq!(
        (event_name.as_str(), p1.as_deref()),
        ("MsiInstallerFailure", Some("Contoso Agent"))
    );
    for (id, step) in [
        (10000, RestartStep::SessionStart),
        (10001, RestartStep::SessionEnd),
        (10005, RestartStep::RestartRequired),
        (10010, RestartStep::CannotRestart),
    ] {
        let RecordMeaning::RestartManager { step: s, .. } = meaning(
            "Microsoft-Windows-RestartManager",
            id,
            &["RmSessionId=0", "FullPath=C:\\a.exe"],
        ) else {
            panic!()
        };
        assert_eq!(s, step);
    }
    for id in [33, 59, 63] {
        assert!(matches!(
            meaning(
                "SideBySide",
                id,
                &["Activation context generation failed for \"C:\\a.exe\"."]
            ),
            RecordMeaning::SideBySide { .. }
        ));
    }
    let RecordMeaning::Blocked { by, path, .. } = meaning(
        "Microsoft-Windows-AppLocker",
        8007,
        &[
            "PolicyNameBuffer=MSI and Script",
            "FilePath=%OSDRIVE%\\USERS\\DANA\\A.MSI",
            "FullFilePath=C:\\Users\\dana\\a.msi",
        ],
    ) else {
        panic!()
    };
    assert_eq!(
        (by, path.as_str()),
        (Blocker::AppLocker, "C:\\Users\\dana\\a.msi")
    );
    let RecordMeaning::Blocked { by, process, .. } = meaning(
        "Microsoft-Windows-CodeIntegrity",
        3077,
        &[
            "File Name=\\Device\\HarddiskVolume3\\c.dll",
            "Process Name=\\Device\\HarddiskVolume3\\Windows\\System32\\msiexec.exe",
        ],
    ) else {
        panic!()
    };
    assert_eq!(by, Blocker::CodeIntegrity);
    assert!(process.unwrap().ends_with("msiexec.exe"));
    let RecordMeaning::Defender { threat, failed, .. } = meaning(
        "Microsoft-Windows-Windows Defender",
        1116,
        &["Threat Name=Trojan:Win32/Fake", "Path=file:_C:\\a.exe"],
    ) else {
        panic!()
    };
    assert_eq!(
        (threat.as_deref(), failed),
        (Some("Trojan:Win32/Fake"), false)
    );
    assert!(matches!(
        meaning(
            "Microsoft-Windows-Windows Defender",
            1118,
            &["Threat Name=X"]
        ),
        RecordMeaning::Defender { failed: true, .. }
    ));
    let RecordMeaning::UpdateFailed { update, error } = meaning(
        "Microsoft-Windows-WindowsUpdateClient",
        20,
        &["errorCode=0x80070643", "updateTitle=Security Update KB1"],
    ) else {
        panic!()
    };
    assert_eq!(update.as_deref(), Some("Security Update KB1"));
    assert_eq!(error.unwrap().code, Some(0x8007_0643));
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn event_log_alone_reports_the_failed_install_with_record_evidence() {
    let report = analyze_paths(
        &[root().join("fixtures/eventlog/contoso-agent-application.xml")],
        &AnalysisSettings::default(),
    );
    assert!(report.failed);
    let f = &report.findings[0];
    assert_eq!(f.id, "eventlog.msi-failed");
    // The message number of the error record before the outcome is named with the status.
    assert_eq!(f.codes, vec![1310, 1603]);
    assert!(f.summary.contains("Error 1310"), "{}", f.summary);
    assert!(f.summary.contains("{5C1A9E3B-7D2F-4B8A-9C61-0E4F2A7B3D90}"));
    let records: Vec<_> = f.evidence.iter().filter_map(|e| e.record).collect();
    assert_eq!(records, vec![4712, 4713, 4714]);
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
}

#[test]
fn event_log_and_msi_log_of_one_install_tell_one_story() {
    let report = analyze_paths(
        &[
            root().join("fixtures/eventlog/contoso-agent-application.xml"),
            root().join("fixtures/msilog/error-1310-utf16.log"),
        ],
        &AnalysisSettings::default(),
    );
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].id, "msi.privileges.not-elevated");
    assert!(errors[0]
        .summary
        .contains("The event log records the same outcome"));
    assert!(errors[0].evidence.iter().any(|e| e.record == Some(4714)));
}

#[test]
fn a_successful_install_is_not_a_failure() {
    let xml =
        std::fs::read_to_string(root().join("fixtures/eventlog/contoso-agent-application.xml"))
            .unwrap()
            .replace("<Data>1603</Data>", "<Data>0</Data>")
            .replace(
                "Installation failed.",
                "Installation completed successfully.",
            )
            .replace("11708", "11707");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ok.xml");
    std::fs::write(&path, xml).unwrap();
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    assert!(!report.failed, "{:#?}", report.findings);
}
