//! Each built-in rule on log lines in the form Windows Installer writes them: lines that must
//! match, and near-misses that must not.

use msitrace::event::{Event, EventData, EventRecord, Kind, Location, Stamp};
use msitrace::rules::model::SourceClass;
use msitrace::rules::{builtin, evaluate, Subject};
use msitrace::source::msilog::MsiLogParser;

/// The ids of the built-in rules that match an MSI log fragment (one session, all lines inside
/// the failing action).
fn matches(log: &str) -> Vec<String> {
    matches_with_records(log, &[])
}

/// An event-log record with named data, as the event-log sources produce it.
fn record(provider: &str, event_id: u32, data: &[(&str, &str)]) -> Event {
    Event {
        time: Stamp::utc(chrono::DateTime::from_timestamp(1_773_482_400, 0).unwrap()),
        input: 1,
        at: Location::Record(100 + u64::from(event_id)),
        process: None,
        kind: Kind::from(EventRecord {
            channel: "System".into(),
            provider: provider.into(),
            event_id,
            qualifiers: None,
            level: 2,
            computer: None,
            user_sid: None,
            data: data
                .iter()
                .map(|(n, v)| EventData {
                    name: Some(n.to_string()),
                    value: Some(v.to_string()),
                })
                .collect(),
            binary: None,
            message: None,
            meaning: None,
        }),
        raw: None,
    }
}

/// Rules matching MSI log lines (input 0, one session) together with event-log records and
/// Process Monitor events.
fn matches_with_records(log: &str, records: &[Event]) -> Vec<String> {
    let text = log.replace('\n', "\r\n");
    let events: Vec<Event> = MsiLogParser::from_bytes(text.as_bytes())
        .map(|e| e.expect("parses"))
        .collect();
    let mut subjects: Vec<Subject<'_>> = events
        .iter()
        .map(|event| Subject {
            event,
            source: SourceClass::MsiLog,
            session: Some(0),
            in_failing_action: true,
            product: Some("Contoso"),
        })
        .collect();
    subjects.extend(records.iter().map(|event| Subject {
        event,
        source: match event.kind {
            Kind::EventRecord(_) => SourceClass::EventLog,
            _ => SourceClass::Procmon,
        },
        session: None,
        in_failing_action: false,
        product: None,
    }));
    evaluate(builtin(), &subjects)
        .into_iter()
        .map(|m| m.rule.id.clone())
        .collect()
}

fn assert_match(id: &str, log: &str) {
    let found = matches(log);
    assert!(
        found.iter().any(|f| f == id),
        "{id} should match:\n{log}\nfound: {found:?}"
    );
}

fn assert_no_match(id: &str, log: &str) {
    let found = matches(log);
    assert!(
        !found.iter().any(|f| f == id),
        "{id} should not match:\n{log}"
    );
}

#[test]
fn every_builtin_rule_is_covered_here() {
    let source = include_str!("rules.rs");
    for rule in &builtin().rules {
        assert!(
            source.contains(&format!("\"{}\"", rule.id)),
            "rule {} has no test in tests/rules.rs",
            rule.id
        );
    }
}

#[test]
fn temp_folder_script_errors() {
    let id = "msi.temp-folder.script-failed";
    assert_match(id, "MSI (c) (C4:B0) [10:12:01:422]: Internal Error 2503. Called RunScript when not marked in progress");
    assert_match(
        id,
        "Internal Error 2502. Called InstallFinalize when no install in progress",
    );
    assert_no_match(id, "Error 2505. Could not create the dialog");
    assert_no_match(id, "Property(S): PackageCode = 2503");
}

#[test]
fn access_denied_on_temp_then_2503() {
    use msitrace::event::{Operation, OperationClass, ProcessRef};
    let op = |path: &str| Event {
        time: Stamp::local(
            chrono::NaiveDate::from_ymd_opt(2026, 3, 14),
            chrono::NaiveTime::from_hms_opt(10, 12, 0).unwrap(),
        ),
        input: 1,
        at: Location::Row(812),
        process: Some(ProcessRef {
            pid: 4242,
            tid: None,
            image: Some("msiexec.exe".into()),
            partial: false,
            role: None,
        }),
        kind: Kind::from(Operation {
            class: OperationClass::File,
            name: "CreateFile".into(),
            path: Some(path.into()),
            target: None,
            result: "ACCESS DENIED".into(),
            status: None,
            detail: vec![],
            stack: vec![],
        }),
        raw: None,
    };
    let log = "=== Verbose logging started: 3/14/2026  10:11:58  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n\
        MSI (c) (C4:B0) [10:12:01:422]: Internal Error 2503. Called RunScript when not marked in progress";
    let id = "msi.temp-folder.access-denied";
    let found = matches_with_records(log, &[op("C:\\Windows\\Temp\\MSI4a2b.tmp")]);
    assert!(found.iter().any(|f| f == id), "{found:?}");
    let found = matches_with_records(log, &[op("C:\\Program Files\\Contoso\\x.dll")]);
    assert!(!found.iter().any(|f| f == id), "{found:?}");
}

#[test]
fn another_install_in_progress() {
    assert_match(
        "msi.concurrency.another-install",
        "Error 1618. Another installation is already in progress. Complete that installation before proceeding with this install.",
    );
    assert_match(
        "msi.concurrency.another-install",
        "MSI (c) (14:20) [11:00:00:000]: MainEngineThread is returning 1618",
    );
    assert_no_match(
        "msi.concurrency.another-install",
        "MSI (c) (14:20) [11:00:00:000]: MainEngineThread is returning 1603",
    );
    assert_match(
        "msi.concurrency.mutex",
        "MSI (s) (A0:B4) [09:00:00:100]: Failed to grab execution mutex. System error 258.\n_MSIExecute mutex held by another installation",
    );
    assert_no_match(
        "msi.concurrency.mutex",
        "MSI (s) (A0:B4) [09:00:00:100]: Grabbed execution mutex _MSIExecute.",
    );
    assert_match(
        "msi.concurrency.transaction-running",
        "Error 1935. An error occurred during the installation of assembly component. HRESULT: 0x8004036E. Could not commit because another transaction was running.",
    );
}

#[test]
fn version_and_launch_conditions() {
    assert_match(
        "msi.version.another-installed",
        "Error 1638. Another version of this product is already installed.  Installation of this version cannot continue.",
    );
    assert_no_match(
        "msi.version.another-installed",
        "Property(S): MsiLogFileLocation = C:\\logs\\1638.log",
    );
    assert_match(
        "msi.launch-condition",
        "Action ended 10:01:02: LaunchConditions. Return value 3.",
    );
    let blocked = "Action start 10:01:02: LaunchConditions.\n\
        MSI (c) (3C:40) [10:01:02:512]: Product: Contoso -- This application requires .NET Framework 4.8. Please install the .NET Framework then run this installer again.\n\
        Action ended 10:01:02: LaunchConditions. Return value 3.";
    assert_match("msi.launch-condition.message", blocked);
    assert_no_match(
        "msi.launch-condition.message",
        &blocked.replace("Return value 3", "Return value 1"),
    );
    assert_no_match(
        "msi.launch-condition",
        "Action ended 10:01:02: LaunchConditions. Return value 1.",
    );
    assert_match(
        "msi.upgrade.old-version-removal-failed",
        "Error 1714. The older version of Contoso cannot be removed.  Contact your technical support group.  System Error 1612.",
    );
}

#[test]
fn files_and_registry() {
    assert_match(
        "msi.file.write-failed",
        "Error 1310. Error writing to file: C:\\Program Files\\Contoso\\a.dll.  System error 32.  Verify that you have access to that directory.",
    );
    assert_match(
        "msi.file.write-failed",
        "Error 1304. Error writing to file: C:\\Windows\\System32\\x.ocx. Verify that you have access to that directory.",
    );
    assert_no_match("msi.file.write-failed", "Info 1310. Some note");
    assert_match(
        "msi.registry.write-failed",
        "Error 1406.Setup cannot write the value to the registry key \\CLSID\\{00000000-0000-0000-0000-000000000000}. Verify that you have sufficient permissions to access the registry.",
    );
    assert_match(
        "msi.registry.write-failed",
        "Error 1402. Could not open key: UNKNOWN\\Components\\ABC.  System error 5.",
    );
    assert_no_match(
        "msi.registry.write-failed",
        "DEBUG: Error 1402:  Could not open key",
    );
    assert_match(
        "msi.disk.full",
        "Error 1305. Error reading from file C:\\x.cab. There is not enough space on the disk.",
    );
    assert_no_match(
        "msi.disk.full",
        "Property(S): PrimaryVolumeSpaceAvailable = 0",
    );
}

#[test]
fn source_and_cache() {
    assert_match(
        "msi.source.unavailable",
        "Error 1706. An installation package for the product Contoso cannot be found. Try the installation again using a valid copy of the installation package 'contoso.msi'.",
    );
    assert_match(
        "msi.source.unavailable",
        "MSI (c) (10:20) [12:00:00:000]: MainEngineThread is returning 1635",
    );
    assert_match(
        "msi.source.cached-package-missing",
        "MSI (s) (2C:30) [12:00:00:000]: Couldn't find local patch 'C:\\WINDOWS\\Installer\\5f2a.msp'. Looking for it at its source.",
    );
    assert_no_match(
        "msi.source.cached-package-missing",
        "MSI (s) (2C:30) [12:00:00:000]: Original package ==> C:\\WINDOWS\\Installer\\5f2a.msi",
    );
}

#[test]
fn assemblies_scripts_service_and_authoring() {
    assert_match(
        "msi.assembly.install-failed",
        "Error 1935. An error occurred during the installation of assembly 'Contoso.Core,version=\"1.0.0.0\"'. HRESULT: 0x80070005.",
    );
    assert_match("msi.script-engine.unavailable", "Internal Error 2738.");
    assert_match(
        "msi.service.installer-unavailable",
        "Error 1719. The Windows Installer Service could not be accessed.",
    );
    assert_match(
        "msi.package.authoring",
        "DEBUG: Error 2235:  Column Component not present or ambiguous in table Registry",
    );
    assert_no_match(
        "msi.package.authoring",
        "DEBUG: Error 2205:  Database:  Table(s) Update.",
    );
}

#[test]
fn privileges_and_policy() {
    assert_match(
        "msi.privileges.insufficient",
        "Error 1925. You do not have sufficient privileges to complete this installation for all users of the machine.  Log on as administrator and then retry this installation.",
    );
    assert_match(
        "msi.privileges.insufficient",
        "MSI (c) (40:44) [08:00:00:000]: MainEngineThread is returning 1625",
    );
    let not_elevated = "MSI (s) (D8:10) [09:41:07:160]: Running product '{5C1A9E3B-7D2F-4B8A-9C61-0E4F2A7B3D90}' with user privileges: It's not assigned.\n\
        Error 1310. Error writing to file: C:\\Program Files\\Contoso\\agent.exe.  System error 5.  Verify that you have access to that directory.";
    assert_match("msi.privileges.not-elevated", not_elevated);
    // An in-use file (system error 32) is not a rights problem.
    assert_no_match(
        "msi.privileges.not-elevated",
        &not_elevated.replace("System error 5.", "System error 32."),
    );
    assert_no_match(
        "msi.privileges.not-elevated",
        &not_elevated.replace("with user privileges", "with elevated privileges"),
    );
    assert_match(
        "msi.policy.non-admin-rejected",
        "MSI (s) (8C:94) [10:00:00:000]: Machine policy value 'DisableMsi' is 0\nMSI (s) (8C:94) [10:00:00:010]: Non-assigned apps are disabled for non-admin users.",
    );
    assert_match(
        "msi.policy.disable-msi",
        "MSI (s) (8C:94) [10:00:00:000]: Machine policy value 'DisableMsi' is 2\nMSI (c) (8C:90) [10:00:00:100]: MainEngineThread is returning 1625",
    );
    assert_no_match(
        "msi.policy.disable-msi",
        "MSI (s) (8C:94) [10:00:00:000]: Machine policy value 'DisableMsi' is 0\nMSI (c) (8C:90) [10:00:00:100]: MainEngineThread is returning 1625",
    );
    assert_match(
        "msi.policy.powershell-execution-policy",
        "CustomActionOut: + CategoryInfo : SecurityError: (:) [], PSSecurityException",
    );
}

#[test]
fn custom_actions() {
    assert_match(
        "msi.custom-action.script-error",
        "Error 1720. There is a problem with this Windows Installer package. A script required for this install to complete could not be run. Contact your support personnel or package vendor.  Custom action CheckPrereqs script error -2146827864, Microsoft VBScript runtime error: Object required: 'oShell' Line 14, Column 3,",
    );
    assert_match(
        "msi.custom-action.program-failed",
        "Error 1722. There is a problem with this Windows Installer package. A program run as part of the setup did not finish as expected.",
    );
    assert_match(
        "msi.custom-action.program-failed",
        "Note: 1: 1722 2: HardenAcl 3: C:\\WINDOWS\\system32\\cmd.exe 4: /c icacls x",
    );
    assert_match(
        "msi.custom-action.denied",
        "CustomAction HardenAcl returned actual error code 5 (note this may not be 100% accurate if translation happened inside sandbox)",
    );
    assert_no_match(
        "msi.custom-action.denied",
        "CustomAction HardenAcl returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)",
    );
    let quiet = "WixQuietExec64:  \"C:\\x.exe\" --install\n\
        WixQuietExec64:  Error 0x80070001: Command line returned an error.\n\
        CustomAction RegisterX returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)";
    assert_match("msi.custom-action.quiet-exec-failed", quiet);
    assert_no_match(
        "msi.custom-action.quiet-exec-failed",
        "WixQuietExec64:  \"C:\\x.exe\" --install\nWixQuietExec64:  Error 0x80070001: Command line returned an error.",
    );
    assert_match(
        "msi.custom-action.unquoted-command",
        "WixQuietExec64:  Error 0x80070057: Command string must begin with quoted application name.",
    );
    assert_match(
        "msi.custom-action.managed-exception",
        "SFXCA: Binding to CLR version v4.0.30319\nException thrown by custom action:\nSystem.Reflection.TargetInvocationException: Exception has been thrown by the target of an invocation.",
    );
    assert_match(
        "msi.custom-action.dtf-host-failed",
        "SFXCA: Failed to create new CA process via RUNDLL32. Error code: 575",
    );
    assert_match(
        "msi.custom-action.access-denied",
        "ConfigureUsers:  Error 0x80070005: failed to set ACL on folder",
    );
    assert_no_match(
        "msi.custom-action.access-denied",
        "ConfigureUsers:  Error 0x80070002: path not found",
    );
    assert_match(
        "msi.custom-action.firewall-service",
        "ExecFirewallExceptions:  Error 0x800706d9: failed to add app to the authorized apps list",
    );
}

#[test]
fn services() {
    let start = "Error 1920. Service 'Contoso Agent' (ContosoAgent) failed to start.  Verify that you have sufficient privileges to start system services.";
    assert_match("msi.service.start-failed", start);
    // Without the event log, the sequence with the Service Control Manager cannot match.
    assert_no_match("msi.service.start-failed-scm", start);
    assert_match(
        "msi.service.stop-install-config-failed",
        "Error 1923. Service 'Contoso Agent' (ContosoAgent) could not be installed.  Verify that you have sufficient privileges to install system services.",
    );
    assert_no_match(
        "msi.service.start-failed",
        "Error 1920. Something unrelated",
    );
    // Event-log rules need event-log records: an MSI line naming them does not match.
    for id in [
        "eventlog.service.start-failed",
        "eventlog.antivirus.installer-file",
        "eventlog.applocker.blocked",
        "eventlog.software-restriction.blocked",
        "eventlog.installer-crash",
    ] {
        assert_no_match(
            id,
            "Service Control Manager 7000 AppLocker 8004 Defender 1116",
        );
    }
}

#[test]
fn service_failure_tied_to_the_service_control_manager() {
    let start = "Error 1920. Service 'Contoso Agent' (ContosoAgent) failed to start.  Verify that you have sufficient privileges to start system services.";
    let scm = record(
        "Service Control Manager",
        7000,
        &[("param1", "Contoso Agent"), ("param2", "%%2")],
    );
    let found = matches_with_records(start, std::slice::from_ref(&scm));
    assert!(
        found.iter().any(|f| f == "msi.service.start-failed-scm"),
        "{found:?}"
    );
    // Another service's failure is not this one's explanation.
    let other = record(
        "Service Control Manager",
        7000,
        &[("param1", "Print Spooler")],
    );
    let found = matches_with_records(start, &[other]);
    assert!(
        !found.iter().any(|f| f == "msi.service.start-failed-scm"),
        "{found:?}"
    );
}

#[test]
fn service_program_missing_a_dll() {
    let exit = Event {
        time: Stamp::local(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 19),
            chrono::NaiveTime::from_hms_opt(9, 15, 5).unwrap(),
        ),
        input: 2,
        at: Location::Row(8),
        process: Some(msitrace::event::ProcessRef {
            pid: 5120,
            tid: None,
            image: Some("fabsync.exe".into()),
            partial: false,
            role: None,
        }),
        kind: Kind::ProcessExit {
            pid: 5120,
            status: Some(0xC000_0135),
        },
        raw: None,
    };
    let log = "=== Verbose logging started: 19/11/2026  09:15:02  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n\
        MSI (s) (1C:A8) [09:15:35:612]: Note: 1: 2205 2:  3: Error \n\
        Error 1920. Service 'Fabrikam Sync' (FabrikamSync) failed to start.  Verify that you have sufficient privileges to start system services.";
    let found = matches_with_records(log, std::slice::from_ref(&exit));
    assert!(
        found
            .iter()
            .any(|f| f == "service.start-failed.dll-missing"),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|f| f == "service.start-failed.dll-missing-scm"),
        "{found:?}"
    );
    let scm = record(
        "Service Control Manager",
        7000,
        &[("param1", "Fabrikam Sync"), ("param2", "%%1053")],
    );
    let found = matches_with_records(log, &[exit.clone(), scm]);
    assert!(
        found
            .iter()
            .any(|f| f == "service.start-failed.dll-missing-scm"),
        "{found:?}"
    );
    // A clean exit is not a missing DLL.
    let mut clean = exit;
    clean.kind = Kind::ProcessExit {
        pid: 5120,
        status: Some(0),
    };
    let found = matches_with_records(log, &[clean]);
    assert!(
        !found
            .iter()
            .any(|f| f == "service.start-failed.dll-missing"),
        "{found:?}"
    );
}

#[test]
fn event_log_rules() {
    let cases = [
        (
            "eventlog.service.start-failed",
            record(
                "Service Control Manager",
                7041,
                &[("param1", "ContosoAgent")],
            ),
        ),
        (
            "eventlog.antivirus.installer-file",
            record(
                "Microsoft-Windows-Windows Defender",
                1116,
                &[(
                    "Path",
                    "file:_C:\\Users\\a\\AppData\\Local\\Temp\\setup.exe",
                )],
            ),
        ),
        (
            "eventlog.applocker.blocked",
            record(
                "Microsoft-Windows-AppLocker",
                8004,
                &[("FilePath", "%OSDRIVE%\\USERS\\A\\DOWNLOADS\\CONTOSO.MSI")],
            ),
        ),
        (
            "eventlog.software-restriction.blocked",
            record("MsiInstaller", 1008, &[("", "C:\\x.msi")]),
        ),
        (
            "eventlog.installer-crash",
            record(
                "Application Error",
                1000,
                &[("AppName", "msiexec.exe"), ("ModuleName", "contosoca.dll")],
            ),
        ),
    ];
    for (id, event) in &cases {
        let found = matches_with_records("", std::slice::from_ref(event));
        assert!(found.iter().any(|f| f == id), "{id}: {found:?}");
    }
    // A crash of an unrelated program is not an installer crash.
    let notepad = record("Application Error", 1000, &[("AppName", "notepad.exe")]);
    let found = matches_with_records("", &[notepad]);
    assert!(!found.iter().any(|f| f == "eventlog.installer-crash"));
    // A Defender scan that found nothing is not a block.
    let scan = record("Microsoft-Windows-Windows Defender", 1001, &[]);
    assert!(matches_with_records("", &[scan]).is_empty());
}

#[test]
fn context_rules() {
    assert_match(
        "msi.file-in-use.held",
        "Info 1603. The file C:\\Program Files\\Contoso\\a.dll is being held in use by the following process: Name: agent, Id: 4242, Window Title: '(not determined yet)'.",
    );
    assert_no_match("msi.file-in-use.held", "Info 1603. Nothing held.");
}

#[test]
fn engine_statements_that_explain_a_failure() {
    assert_match(
        "msi.engine.suspended-install",
        "MSI (s) (54:74) [16:26:11:416]: Suspended install detected. Resuming.",
    );
    assert_no_match(
        "msi.engine.suspended-install",
        "MSI (s) (54:74) [16:26:11:416]: Checking in-progress install: no install in progress.",
    );
    assert_match(
        "msi.concurrency.execution-mutex",
        "MSI (c) (A8:2C) [10:14:03:113]: Failed to grab execution mutex. System error 258.",
    );
    assert_no_match(
        "msi.concurrency.execution-mutex",
        "MSI (c) (A8:2C) [10:14:03:113]: Grabbed execution mutex.",
    );
    assert_match(
        "msi.patch.not-applicable",
        "MSI (c) (EC:D4) [19:57:50:272]: PATCH SEQUENCER: QFE patch e:\\Contoso-KB100-x64.msp is not applicable.",
    );
    assert_no_match(
        "msi.patch.not-applicable",
        "MSI (c) (EC:D4) [19:57:50:272]: PATCH SEQUENCER: verifying the applicability of QFE patch e:\\Contoso-KB100-x64.msp against product code: {CD981244-E9B8-405A-9026-6AEB9DCEF1F1}",
    );
    assert_match(
        "msi.source.package-unreadable",
        "MSI (s) (8C:14) [15:32:57:584]: Source is incorrect. Unable to open or validate MSI package D:\\setup\\contoso.msi.",
    );
    assert_no_match(
        "msi.source.package-unreadable",
        "MSI (s) (8C:14) [15:32:57:584]: SOURCEMGMT: Resolved source to: 'contoso.msi'",
    );
    assert_match(
        "msi.repair.secure-repair-failed",
        "MSI (s) (C8:6C) [01:06:24:078]: SECREPAIR: Failed to open the file:C:\\Users\\lee\\Downloads\\contoso for computing its hash. Error:3",
    );
    assert_no_match(
        "msi.repair.secure-repair-failed",
        "MSI (s) (C8:6C) [01:06:24:078]: SECREPAIR: CryptAcquireContext succeeded",
    );
    assert_match(
        "msi.service.connect-failed",
        "MSI (c) (5C:18) [11:55:48:328]: Failed to connect to server. Error: 0x80070005",
    );
    assert_no_match(
        "msi.service.connect-failed",
        "MSI (c) (5C:18) [11:55:48:328]: Connected to service for CA interface.",
    );
    assert_match(
        "msi.restart-manager.shutdown-failed",
        "MSI (s) (50:2C) [03:18:54:674]: RESTART MANAGER: Failed to shut down all applications in the service's session. Error: 5",
    );
    assert_no_match(
        "msi.restart-manager.shutdown-failed",
        "MSI (s) (50:2C) [03:18:54:674]: RESTART MANAGER: Session opened.",
    );
}

#[test]
fn a_downgrade_names_the_product_found() {
    let log = "MSI (c) (AC:9C) [22:17:22:598]: PROPERTY CHANGE: Adding WIX_DOWNGRADE_DETECTED property. Its value is '{5594F5B4-B8BD-4165-AEEB-317C324F93BB}'.
Action start 22:17:22: LaunchConditions.
MSI (c) (AC:9C) [22:17:25:855]: Product: Contoso -- A later version of Contoso is already installed.  Setup will now exit.
Action ended 22:17:25: LaunchConditions. Return value 3.";
    let found = matches(log);
    for id in [
        "msi.upgrade.downgrade-blocked",
        "msi.upgrade.newer-version-installed",
    ] {
        assert!(found.iter().any(|f| f == id), "{id}: {found:?}");
    }
    // An upgrade found (WIX_UPGRADE_DETECTED) is no downgrade.
    assert_no_match(
        "msi.upgrade.newer-version-installed",
        "MSI (c) (AC:9C) [22:17:22:598]: PROPERTY CHANGE: Adding WIX_UPGRADE_DETECTED property. Its value is '{5594F5B4-B8BD-4165-AEEB-317C324F93BB}'.",
    );
}

#[test]
fn a_deliberate_failure_is_called_one() {
    assert_match(
        "msi.custom-action.deliberate-failure",
        "CustomAction WixFailWhenDeferred returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)",
    );
    assert_no_match(
        "msi.custom-action.deliberate-failure",
        "CustomAction ExecSecureObjects returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)",
    );
}
