//! The logs of the tools around the installer — ConfigMgr and Intune client logs, package-manager
//! and deployment-tool output, product setup logs — through detect → events → analyze, on the
//! project's fixtures (one per form), near-misses that must not be taken for them, and the real
//! cases of `../shared/cases` in these forms.

use crate::common;

use msitrace::analysis::events::{read_events, EventFilter};
use msitrace::analysis::{analyze_paths, detect_file, AnalysisSettings};
use msitrace::analysis::{InputStatus, Report};
use msitrace::detect::detect_bytes;
use msitrace::event::{DeploymentTool, Kind};
use msitrace::findings::{EvidenceRole, Severity};
use msitrace::source::Format;
use std::path::{Path, PathBuf};

/// One fixture and what it must produce.
struct Expect {
    file: &'static str,
    format: Format,
    /// How the Inputs section names the form (its start).
    form: &'static str,
    tool: DeploymentTool,
    /// The failing exit status.
    code: u32,
    /// The line the top finding cites first.
    cited: u64,
    /// The role of that line: the cause, or the exit itself when the log says no more.
    role: EvidenceRole,
    /// The MSI log the finding points at, when the fixture names one.
    msi_log: Option<&'static str>,
}

const FIXTURES: &[Expect] = &[
    Expect {
        file: "configmgr/AppEnforce.log",
        format: Format::ConfigmgrLog,
        form: "ConfigMgr/Intune log (CMTrace), AppEnforce",
        tool: DeploymentTool::ConfigMgr,
        code: 1603,
        cited: 8,
        role: EvidenceRole::Cause,
        msi_log: Some(r"C:\WINDOWS\ccm\logs\ContosoAgent-4.2-install.log"),
    },
    Expect {
        file: "configmgr/ccmsetup.log",
        format: Format::ConfigmgrLog,
        form: "ConfigMgr/Intune log (CMTrace), ccmsetup",
        tool: DeploymentTool::ConfigMgr,
        code: 1603,
        cited: 7,
        role: EvidenceRole::Cause,
        msi_log: Some(r"C:\WINDOWS\ccmsetup\Logs\client.msi.log"),
    },
    Expect {
        file: "configmgr/IntuneManagementExtension.log",
        format: Format::ConfigmgrLog,
        form: "ConfigMgr/Intune log (CMTrace), IntuneManagementExtension",
        tool: DeploymentTool::Intune,
        code: 1618,
        cited: 7,
        role: EvidenceRole::Cause,
        msi_log: None,
    },
    Expect {
        file: "configmgr/execmgr-sms.log",
        format: Format::ConfigmgrLog,
        form: "ConfigMgr log (SMS trace), execmgr",
        tool: DeploymentTool::ConfigMgr,
        code: 1625,
        cited: 2,
        role: EvidenceRole::Cause,
        msi_log: Some(r"C:\Windows\Temp\ContosoAgent.log"),
    },
    Expect {
        file: "configmgr/psadt-viewer-copy.txt",
        format: Format::ConfigmgrLog,
        form: "ConfigMgr/Intune log copied from CMTrace",
        tool: DeploymentTool::PsAppDeployToolkit,
        code: 1603,
        cited: 3,
        role: EvidenceRole::Cause,
        msi_log: Some(r"C:\WINDOWS\Logs\Software\Contoso_Agent_4.2_Install.log"),
    },
    Expect {
        file: "pkgmgr/chocolatey.log",
        format: Format::DeploymentLog,
        form: "Chocolatey output",
        tool: DeploymentTool::Chocolatey,
        code: 1603,
        cited: 8,
        role: EvidenceRole::Cause,
        msi_log: Some(
            r"C:\Users\ci\AppData\Local\Temp\chocolatey\contoso-agent\4.2.0\contoso-agent.MsiInstall.log",
        ),
    },
    Expect {
        file: "pkgmgr/choco-console.txt",
        format: Format::DeploymentLog,
        form: "Chocolatey output",
        tool: DeploymentTool::Chocolatey,
        code: 1625,
        cited: 9,
        role: EvidenceRole::Cause,
        msi_log: None,
    },
    Expect {
        file: "pkgmgr/winget-console-de.txt",
        format: Format::DeploymentLog,
        form: "winget output",
        tool: DeploymentTool::Winget,
        code: 1603,
        cited: 8,
        role: EvidenceRole::Cause,
        msi_log: Some(
            r"C:\Users\dana\AppData\Local\Packages\Microsoft.DesktopAppInstaller_8wekyb3d8bbwe\LocalState\DiagOutputDir\WinGet-Contoso.Agent.4.2.0-2026-11-18-10-02-44.118.log",
        ),
    },
    Expect {
        file: "pkgmgr/WinGet-2026-11-18-10-02-40.771.log",
        format: Format::DeploymentLog,
        form: "winget output, CLI",
        tool: DeploymentTool::Winget,
        code: 1603,
        cited: 7,
        role: EvidenceRole::Cause,
        msi_log: Some(
            r"C:\Users\dana\AppData\Local\Packages\Microsoft.DesktopAppInstaller_8wekyb3d8bbwe\LocalState\DiagOutputDir\WinGet-Contoso.Agent.4.2.0-2026-11-18-10-02-44.118.log",
        ),
    },
    Expect {
        file: "pkgmgr/ansible-win_package.txt",
        format: Format::DeploymentLog,
        form: "Ansible output",
        tool: DeploymentTool::Ansible,
        code: 1603,
        cited: 7,
        role: EvidenceRole::Cause,
        msi_log: Some(r"C:\Windows\Temp\contoso-agent-msi.log"),
    },
    Expect {
        file: "pkgmgr/puppet-agent.txt",
        format: Format::DeploymentLog,
        form: "Puppet output",
        tool: DeploymentTool::Puppet,
        code: 1625,
        cited: 5,
        role: EvidenceRole::Cause,
        msi_log: Some(r"C:\ProgramData\staging\ContosoAgent-4.2.log"),
    },
    Expect {
        file: "pkgmgr/chef-client.txt",
        format: Format::DeploymentLog,
        form: "Chef output",
        tool: DeploymentTool::Chef,
        code: 1618,
        cited: 13,
        role: EvidenceRole::Cause,
        msi_log: None,
    },
    Expect {
        file: "pkgmgr/dsc-package.txt",
        format: Format::DeploymentLog,
        form: "PowerShell output",
        tool: DeploymentTool::PowerShell,
        code: 1603,
        cited: 4,
        role: EvidenceRole::Cause,
        msi_log: Some(r"C:\Staging\ContosoAgent-dsc.log"),
    },
    Expect {
        file: "pkgmgr/psadt-v4.log",
        format: Format::DeploymentLog,
        form: "PSAppDeployToolkit log",
        tool: DeploymentTool::PsAppDeployToolkit,
        code: 1603,
        cited: 4,
        role: EvidenceRole::Cause,
        msi_log: Some(r"C:\WINDOWS\Logs\Software\Contoso_Agent_4.2_Install.log"),
    },
    Expect {
        file: "setuplog/Summary.txt",
        format: Format::SetupLog,
        form: "SQL Server Setup Summary.txt",
        tool: DeploymentTool::SqlServerSetup,
        code: 0x851A_001A,
        cited: 24,
        role: EvidenceRole::Cause,
        msi_log: Some(
            r"C:\Program Files\Microsoft SQL Server\160\Setup Bootstrap\Log\20261118_101544\sql_engine_core_inst_Cpu64_1.log",
        ),
    },
    Expect {
        file: "setuplog/Detail.txt",
        format: Format::SetupLog,
        form: "SQL Server Setup Detail.txt",
        tool: DeploymentTool::SqlServerSetup,
        code: 0x851A_001A,
        cited: 9,
        role: EvidenceRole::Cause,
        msi_log: None,
    },
    Expect {
        file: "setuplog/dd_setup_20261118102210_errors.log",
        format: Format::SetupLog,
        form: "Visual Studio Installer log",
        tool: DeploymentTool::VisualStudioSetup,
        code: 1638,
        cited: 6,
        role: EvidenceRole::Cause,
        msi_log: Some(
            r"C:\Users\ci\AppData\Local\Temp\dd_setup_20261118102210_044_Microsoft.VisualCpp.Redist.14.log",
        ),
    },
    Expect {
        file: "setuplog/netfx-setup.txt",
        format: Format::SetupLog,
        form: "setup chainer log",
        tool: DeploymentTool::SetupChainer,
        code: 0x800F_081F,
        cited: 7,
        role: EvidenceRole::Cause,
        msi_log: Some(r"C:\Logs\ndp48.htm"),
    },
];

fn fixture(rel: &str) -> PathBuf {
    common::root().join("fixtures").join(rel)
}

fn analyze(paths: &[PathBuf]) -> Report {
    analyze_paths(paths, &AnalysisSettings::default())
}

#[test]
fn every_form_is_detected_by_content() {
    for x in FIXTURES {
        let d = detect_file(&fixture(x.file)).unwrap_or_else(|e| panic!("{}: {e}", x.file));
        assert_eq!(d.format, x.format, "{}", x.file);
    }
}

#[test]
fn every_form_lists_its_exit_status_as_an_event() {
    for x in FIXTURES {
        let mut exits = Vec::new();
        let mut entries = 0;
        let inputs = read_events(
            &[fixture(x.file)],
            &AnalysisSettings::default(),
            &EventFilter::default(),
            |_, e| match e.kind {
                Kind::DeploymentExit(d) => exits.push(*d),
                Kind::LogEntry(_) => entries += 1,
                _ => {}
            },
        );
        assert!(
            inputs[0].error.is_none(),
            "{}: {:?}",
            x.file,
            inputs[0].error
        );
        assert!(entries > 0, "{}: no log entries", x.file);
        let exit = exits
            .iter()
            .find(|d| d.code == x.code)
            .unwrap_or_else(|| panic!("{}: no exit {:#x} in {exits:?}", x.file, x.code));
        assert_eq!(exit.tool, x.tool, "{}", x.file);
    }
}

#[test]
fn every_form_is_analyzed_into_a_finding_on_its_own_lines() {
    for x in FIXTURES {
        let r = analyze(&[fixture(x.file)]);
        let input = &r.inputs[0];
        assert_eq!(input.status, InputStatus::Analyzed, "{}", x.file);
        let form = input.form.as_deref().unwrap_or_default();
        assert!(form.starts_with(x.form), "{}: form {form}", x.file);
        assert!(r.failed, "{}: no failure found", x.file);
        let top = &r.findings[0];
        assert_eq!(top.id, "deployment.failed", "{}: {top:#?}", x.file);
        assert_eq!(top.severity, Severity::Error);
        assert!(
            top.codes.contains(&x.code),
            "{}: codes {:?}",
            x.file,
            top.codes
        );
        let first = &top.evidence[0];
        assert_eq!(
            (first.line, first.role),
            (Some(x.cited), x.role),
            "{}: {:#?}",
            x.file,
            top.evidence
        );
        assert!(first.input.ends_with(x.file), "{}", first.input);
        match x.msi_log {
            Some(log) => assert!(
                top.remediation.iter().any(|r| r.contains(log)),
                "{}: the MSI log is not named: {:?}",
                x.file,
                top.remediation
            ),
            None => assert!(
                top.remediation
                    .iter()
                    .any(|r| r.contains("/l*v") || r.contains("log")),
                "{}: {:?}",
                x.file,
                top.remediation
            ),
        }
    }
}

#[test]
fn the_meaning_of_wrapped_and_windows_update_codes_is_explained() {
    let r = analyze(&[fixture("configmgr/ccmsetup.log")]);
    let top = &r.findings[0];
    // The relayed error's HRESULT and the final 0x80070643 are both read: 0x80070643 is 1603.
    assert!(top.codes.contains(&0x8000_4005), "{:?}", top.codes);
    assert!(top.title.contains("E_FAIL"), "{}", top.title);
    assert!(top.evidence.iter().any(|e| e
        .text
        .contains("CcmSetup failed with error code 0x80070643")));
    let r = analyze(&[fixture("setuplog/netfx-setup.txt")]);
    assert!(
        r.findings[0].summary.contains("CBS_E_SOURCE_MISSING"),
        "{}",
        r.findings[0].summary
    );
}

#[test]
fn success_codes_and_retries_are_not_failures() {
    // AppEnforce: the second application ends with 3010 (SoftReboot): it adds no finding.
    let r = analyze(&[fixture("configmgr/AppEnforce.log")]);
    let failed: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(failed[0].title.contains("Contoso Agent"));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("AppEnforce.log");
    let line = |m: &str| {
        format!("<![LOG[{m}]LOG]!><time=\"17:56:47.620+000\" date=\"01-13-2016\" component=\"AppEnforce\" context=\"\" type=\"1\" thread=\"2216\" file=\"\">\r\n")
    };
    let text = line("Matched exit code 0 to a Success entry in exit codes table.")
        + &line("Matched exit code 1641 to a HardReboot entry in exit codes table.")
        + &line("Matched exit code 1618 to a FastRetry entry in exit codes table.");
    std::fs::write(&path, text).unwrap();
    let r = analyze(&[path]);
    assert!(!r.failed, "{:#?}", r.findings);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].id, "deployment.retry");
}

#[test]
fn a_failure_joins_the_msi_session_it_ran_when_its_log_is_given() {
    let dir = tempfile::tempdir().unwrap();
    // The MSI log the Chocolatey run names, collected next to it.
    let msi = std::fs::read(common::root().join("fixtures/msilog/error-1310-utf16.log")).unwrap();
    std::fs::write(dir.path().join("contoso-agent.MsiInstall.log"), msi).unwrap();
    std::fs::copy(
        fixture("pkgmgr/chocolatey.log"),
        dir.path().join("chocolatey.log"),
    )
    .unwrap();
    let r = analyze(&[dir.path().to_path_buf()]);
    let top = &r.findings[0];
    assert_eq!(top.id, "msi.privileges.not-elevated", "{:#?}", r.findings);
    assert!(
        top.evidence
            .iter()
            .any(|e| e.role == EvidenceRole::Outcome && e.input.ends_with("chocolatey.log")),
        "{:#?}",
        top.evidence
    );
    assert!(
        !r.findings.iter().any(|f| f.id == "deployment.failed"),
        "the Chocolatey failure stands alone: {:#?}",
        r.findings
    );
}

#[test]
fn near_misses_are_not_tool_logs() {
    let not_ours: &[&str] = &[
        "Chocolatey is a package manager for Windows.\nRun choco install git to get Git.\n",
        "The CMTrace format looks like <![LOG[message]LOG]!> with attributes.\n",
        "Summary\nStatus: all good\nNothing failed.\n",
        "Error: disk almost full\nWarning: quota\n",
        "fatal error C1083: Cannot open include file\n",
        "2026-11-18 10:00:00 INFO Started\n2026-11-18 10:00:01 INFO Done\n",
        "exit code 0\n",
        "Looking for exit code 1603 in exit codes table...\n",
    ];
    for text in not_ours {
        let d = detect_bytes(text.as_bytes()).map(|d| d.format);
        assert!(
            !matches!(
                d,
                Some(Format::ConfigmgrLog | Format::DeploymentLog | Format::SetupLog)
            ),
            "{text:?} detected as {d:?}"
        );
    }
    // The forms read by other readers stay theirs.
    let msi = b"MSI (s) (18:F4) [12:02:17:898]: Note: 1: 2203 2: C:\\x.ipi 3: -2147287038\r\n";
    assert_eq!(detect_bytes(msi).unwrap().format, Format::MsiLog);
    let burn = b"[4D9C:6D90][2026-03-13T15:31:13]i001: Burn x86 v7.0.0\r\n";
    assert_eq!(detect_bytes(burn).unwrap().format, Format::BurnLog);
}

#[test]
fn damaged_tool_logs_are_read_as_far_as_they_go() {
    let dir = tempfile::tempdir().unwrap();
    // A CMTrace log cut inside a message, with binary junk before it.
    let path = dir.path().join("cut.log");
    let mut bytes = b"<![LOG[Matched exit code 1603 to a Failure entry in exit codes table.]LOG]!><time=\"10:00:01.000+000\" date=\"13-45-2016\" component=\"AppEnforce\" context=\"\" type=\"3\" thread=\"x\" file=\"\">\n".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00, 0x01, b'\n']);
    bytes.extend_from_slice(b"<![LOG[cut in the midd");
    std::fs::write(&path, bytes).unwrap();
    let r = analyze(&[path]);
    assert_eq!(r.inputs[0].status, InputStatus::Analyzed);
    assert!(r.failed);
    assert!(
        r.inputs[0]
            .warnings
            .iter()
            .any(|w| w.text.contains("never closed")),
        "{:?}",
        r.inputs[0].warnings
    );
}

// ---- The real cases ---------------------------------------------------------------------------

/// The value of `key = "..."` in a case.toml (basic TOML string escapes).
fn toml_string(text: &str, key: &str) -> Option<String> {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{key} = \"")))?;
    let raw = line[key.len() + 4..].strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The case folders of both indexes.
fn case_dirs(shared: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for index in ["index.csv", "index-added.csv"] {
        let Ok(text) = std::fs::read_to_string(shared.join("cases").join(index)) else {
            continue;
        };
        for row in text.lines().skip(1) {
            if let Some(dir) = row.split(',').next().filter(|d| !d.is_empty()) {
                out.push(shared.join("cases").join(dir));
            }
        }
    }
    out
}

/// The numbers a case's `key_error_code` names (`1603 (0x80070005)` gives 1603 and 0x80070005).
fn key_codes(key: &str) -> Vec<u32> {
    key.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter_map(|t| {
            if let Some(h) = t.strip_prefix("0x") {
                u32::from_str_radix(h, 16).ok()
            } else if t.len() == 8 && t.chars().all(|c| c.is_ascii_hexdigit()) && t.starts_with('8')
            {
                u32::from_str_radix(t, 16).ok()
            } else {
                t.parse::<i64>().ok().map(|v| v as i32 as u32)
            }
        })
        .collect()
}

fn is_tool_log(format: Option<Format>) -> bool {
    matches!(
        format,
        Some(Format::ConfigmgrLog | Format::DeploymentLog | Format::SetupLog)
    )
}

#[test]
fn cases_in_these_forms_are_read_and_their_evidence_line_is_the_top_finding() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mut read = 0;
    let mut checked = Vec::new();
    for dir in case_dirs(&shared) {
        let Ok(toml) = std::fs::read_to_string(dir.join("case.toml")) else {
            continue;
        };
        let files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "case.toml"))
            .collect();
        let report = analyze(&files);
        let ours: Vec<_> = report
            .inputs
            .iter()
            .filter(|i| is_tool_log(i.format))
            .collect();
        if ours.is_empty() {
            continue;
        }
        for input in &ours {
            assert_eq!(input.status, InputStatus::Analyzed, "{}", input.path);
            assert!(input.events > 0, "{}: no events", input.path);
            read += 1;
        }
        // Where the case's evidence line is in a file of these forms, the top finding rests on
        // it and names the case's code or cause.
        let evidence_line = toml_string(&toml, "evidence_line").expect("evidence_line");
        let holder = ours.iter().find(|i| {
            std::fs::read_to_string(&i.path)
                .is_ok_and(|t| t.lines().any(|l| l.contains(evidence_line.trim())))
        });
        let Some(holder) = holder else { continue };
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let top = report
            .findings
            .first()
            .unwrap_or_else(|| panic!("{name}: no finding"));
        assert!(
            top.evidence
                .iter()
                .any(|e| e.input == holder.path && e.text.contains(evidence_line.trim())),
            "{name}: evidence line not in the top finding {}:\n{evidence_line}\n{:#?}",
            top.id,
            top.evidence
        );
        let key = toml_string(&toml, "key_error_code").unwrap_or_default();
        let codes = key_codes(&key);
        let cause = toml_string(&toml, "cause").unwrap_or_default();
        assert!(
            codes.iter().any(|c| top.codes.contains(c))
                || top.title.contains(evidence_line.trim())
                || cause.is_empty(),
            "{name}: the top finding names neither {key} nor its cause: {} {:?}",
            top.title,
            top.codes
        );
        checked.push(name);
    }
    assert!(read >= 6, "only {read} case files read in these forms");
    assert!(checked.len() >= 3, "only {checked:?} checked");
}
