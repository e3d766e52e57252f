//! Findings from event-log records (EVTX files and XML exports).
//!
//! [`EventLogTracker`] keeps the records whose [`RecordMeaning`] can explain an installation and
//! turns them into findings:
//!
//! - the installations the log records (every MsiInstaller record goes to
//!   [`super::installs`], which groups them into transactions listed as sessions);
//! - a service that failed to start, hung, stopped with an error or could not log on (Service
//!   Control Manager 7000/7001/7009/7011/7022/7023/7024/7031/7034/7038/7041), an error when the
//!   logs show the service being installed (7045) or when it is a start failure, a warning
//!   otherwise;
//! - a crash or hang of an installer process (Application Error 1000, Application Hang 1002,
//!   .NET Runtime 1026);
//! - policy blocks (MsiInstaller 1007/1008, AppLocker, Code Integrity), Defender detections,
//!   Windows Update install failures and side-by-side errors, as warnings.
//!
//! Successful transactions are not failures; the installations are tied to the MSI log session
//! of the same install (`installs::merge`), so the report tells one story.

use super::kept::Kept;
use crate::codes;
use crate::event::meaning::{
    Blocker, ProcessCrash, RecordMeaning, ServiceFailure, ServiceFailureKind,
};
use crate::event::{Event, EventRecord, Kind, Location, ReadTime};
use crate::findings::{Confidence, EvidenceRole, Finding, Severity};
use chrono::NaiveDateTime;
use std::collections::BTreeMap;

/// Most records kept per kind of finding and input (a bound on memory).
const MAX_KEPT: usize = 4096;
/// Most evidence records cited by one finding.
const MAX_EVIDENCE: usize = 12;
/// Most separate service findings per input; further services are summed up in one finding.
const MAX_SERVICE_FINDINGS: usize = 10;

/// The user's own line of a record copied as text (Event Viewer, `wevtutil /f:text`, a saved
/// list) that holds the record's message, with its number; `None` for records read from EVTX
/// or XML, or when no line of the copy holds the message's start.
fn quoted_line(event: &Event, record: &EventRecord) -> Option<(u64, String)> {
    let Location::Line(start) = event.at else {
        return None;
    };
    let raw = event.raw.as_deref()?;
    let message = record.message.as_deref()?;
    let head: String = message.lines().next()?.trim().chars().take(48).collect();
    if head.chars().count() < 12 {
        return None;
    }
    raw.lines()
        .enumerate()
        .find(|(_, l)| l.contains(head.as_str()))
        .map(|(i, l)| (start + i as u64, l.trim().to_string()))
}

/// The local date and time an event was read with, when it has both.
fn local_time(event: &Event) -> Option<NaiveDateTime> {
    match event.time.read {
        ReadTime::Local {
            date: Some(date),
            time,
        } => Some(date.and_time(time)),
        _ => None,
    }
}

/// Collects the records of one event-log input that findings rest on.
#[derive(Debug)]
pub struct EventLogTracker {
    path: String,
    installer: Vec<Kept>,
    services: Vec<Kept>,
    installed_services: BTreeMap<String, Kept>,
    crashes: Vec<Kept>,
    other: Vec<Kept>,
    events: Vec<Event>,
}

/// What one event-log input contributes to the report.
#[derive(Debug)]
pub struct EventLogFacts {
    /// The records kept, as events (for the rules, the clock and the failure graph).
    pub events: Vec<Event>,
    /// The installations the log records (MsiInstaller transactions), each as a session.
    pub installs: Vec<super::installs::EventLogInstall>,
    /// Installations not listed, beyond the most one log lists (the oldest that succeeded go
    /// first).
    pub installs_left_out: usize,
    /// Other findings (services, blocks).
    pub findings: Vec<Finding>,
    /// Crashes and hangs of installer processes, ranked once the failed installations are known.
    pub crashes: Vec<super::nearby::Timed>,
    /// Services that failed, ranked once the installations are known.
    pub services: Vec<super::nearby::Timed>,
}

impl EventLogTracker {
    /// A tracker for one input.
    pub fn new(path: &str) -> Self {
        EventLogTracker {
            path: path.to_string(),
            installer: Vec::new(),
            services: Vec::new(),
            installed_services: BTreeMap::new(),
            crashes: Vec::new(),
            other: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Take one event of the input.
    pub fn push(&mut self, event: Event) {
        if matches!(&event.kind, Kind::EventRecord(r) if r.meaning.is_some())
            && self.events.len() < MAX_KEPT * 4
        {
            self.events.push(event.clone());
        }
        let local = local_time(&event);
        let quoted = match &event.kind {
            Kind::EventRecord(record) => quoted_line(&event, record),
            _ => None,
        };
        let Kind::EventRecord(record) = event.kind else {
            return;
        };
        // Every MsiInstaller record goes to the grouping of installations; policy blocks are
        // also findings of their own.
        if record.provider.eq_ignore_ascii_case("MsiInstaller") {
            let kept = |record| Kept {
                at: event.at,
                time: event.time.aligned,
                local,
                quoted: quoted.clone(),
                record,
            };
            if matches!(
                record.meaning.as_deref(),
                Some(RecordMeaning::InstallerPolicyBlock { .. })
            ) && self.other.len() < MAX_KEPT
            {
                self.other.push(kept(record.clone()));
            }
            if self.installer.len() < MAX_KEPT * 4 {
                self.installer.push(kept(record));
            }
            return;
        }
        let Some(meaning) = record.meaning.as_deref() else {
            return;
        };
        let list = match meaning {
            RecordMeaning::ServiceFailure(_) => &mut self.services,
            RecordMeaning::ServiceInstalled { service, .. } => {
                let key = service.to_ascii_lowercase();
                if self.installed_services.len() < MAX_KEPT {
                    self.installed_services.insert(
                        key,
                        Kept {
                            at: event.at,
                            time: event.time.aligned,
                            local,
                            quoted: quoted.clone(),
                            record,
                        },
                    );
                }
                return;
            }
            RecordMeaning::ProcessCrash(c) if c.is_installer_process() => &mut self.crashes,
            RecordMeaning::ErrorReport { event_name, p1 }
                if installer_crash_report(event_name, p1.as_deref()) =>
            {
                &mut self.crashes
            }
            RecordMeaning::InstallerPolicyBlock { .. }
            | RecordMeaning::Blocked { .. }
            | RecordMeaning::Defender { .. }
            | RecordMeaning::UpdateFailed { .. }
            | RecordMeaning::SideBySide { .. } => &mut self.other,
            RecordMeaning::ErrorReport { event_name, .. }
                if event_name.to_ascii_lowercase().contains("msiinstaller") =>
            {
                &mut self.other
            }
            _ => return,
        };
        if list.len() < MAX_KEPT {
            list.push(Kept {
                at: event.at,
                time: event.time.aligned,
                local,
                quoted: quoted.clone(),
                record,
            });
        }
    }

    /// The findings of this input.
    pub fn finish(mut self) -> EventLogFacts {
        // In the records' own time order, whatever the order of the copy.
        let sort = |v: &mut Vec<Kept>| v.sort_by_key(|k| (k.time, k.local, k.at));
        sort(&mut self.installer);
        sort(&mut self.services);
        sort(&mut self.crashes);
        sort(&mut self.other);
        // The installations are most of the work: the rest is done meanwhile.
        let this = &self;
        let ((installs, installs_left_out), (findings, crashes, services)) = rayon::join(
            || super::installs::group(&this.path, &this.installer),
            || {
                (
                    this.other_findings(),
                    this.crash_findings(),
                    this.service_findings(),
                )
            },
        );
        EventLogFacts {
            events: std::mem::take(&mut self.events),
            installs,
            installs_left_out,
            crashes,
            services,
            findings,
        }
    }

    fn service_findings(&self) -> Vec<super::nearby::Timed> {
        let path = &self.path;
        let mut groups: BTreeMap<(String, ServiceFailureKind), Vec<&Kept>> = BTreeMap::new();
        for k in &self.services {
            if let Some(RecordMeaning::ServiceFailure(f)) = k.meaning() {
                groups
                    .entry((f.service.to_ascii_lowercase(), f.failure))
                    .or_default()
                    .push(k);
            }
        }
        // Start failures of services first, then by number of records.
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_by_key(|((_, kind), v)| (*kind != ServiceFailureKind::StartFailed, v[0].time));
        // Several failures of one service (7009 then 7000) are one story: merge by service.
        let mut by_service: Vec<(String, Vec<&Kept>)> = Vec::new();
        for ((service, _), records) in groups {
            match by_service.iter_mut().find(|(s, _)| *s == service) {
                Some((_, v)) => v.extend(records),
                None => by_service.push((service, records)),
            }
        }
        let mut findings = Vec::new();
        let total = by_service.len();
        for (service, mut records) in by_service.into_iter() {
            records.sort_by_key(|k| (k.time, k.at));
            let installed = self.installed_services.get(&service);
            if findings.len() >= MAX_SERVICE_FINDINGS {
                break;
            }
            findings.push(super::nearby::Timed {
                finding: self.service_finding(&records, installed),
                times: records.iter().filter_map(|k| k.time).collect(),
            });
        }
        if total > MAX_SERVICE_FINDINGS {
            findings.push(super::nearby::Timed {
                times: Vec::new(),
                finding: Finding {
                    occurrences: 1,
                references: Vec::new(),
                id: "eventlog.service-failures-more".to_string(),
                title: format!(
                    "{} more services failed (not listed one by one)",
                    total - MAX_SERVICE_FINDINGS
                ),
                severity: Severity::Warning,
                confidence: Confidence::Medium,
                category: "service".to_string(),
                summary: format!(
                    "{path} records failures of {total} different services; the first {MAX_SERVICE_FINDINGS} are reported. Many services installed and failing in a row is also the pattern of remote-execution tools (a service per command)."
                ),
                session: None,
                bundle: None,
                codes: Vec::new(),
                evidence: Vec::new(),
                remediation: vec!["List them with `msitrace events <log> --provider \"Service Control Manager\"`.".to_string()],
            },
            });
        }
        findings
    }

    fn service_finding(&self, records: &[&Kept], installed: Option<&Kept>) -> Finding {
        let path = &self.path;
        let first = records
            .iter()
            .find_map(|k| match k.meaning() {
                Some(RecordMeaning::ServiceFailure(f)) => Some(f),
                _ => None,
            })
            .expect("service records have a failure meaning");
        let main: &ServiceFailure = records
            .iter()
            .filter_map(|k| match k.meaning() {
                Some(RecordMeaning::ServiceFailure(f)) => Some(f),
                _ => None,
            })
            .find(|f| f.failure == ServiceFailureKind::StartFailed)
            .unwrap_or(first);
        let severe = matches!(
            main.failure,
            ServiceFailureKind::StartFailed
                | ServiceFailureKind::DependencyFailed
                | ServiceFailureKind::Timeout
                | ServiceFailureKind::Hung
                | ServiceFailureKind::LogonFailed
        ) || installed.is_some();
        let mut evidence = Vec::new();
        if let Some(i) = installed {
            evidence.push(i.evidence(path, EvidenceRole::Context));
        }
        let mut codes = Vec::new();
        for (n, k) in records.iter().enumerate().take(MAX_EVIDENCE) {
            let role = if n == 0 {
                EvidenceRole::Cause
            } else {
                EvidenceRole::Failure
            };
            evidence.push(k.evidence(path, role));
        }
        for k in records {
            if !codes.contains(&k.record.event_id) {
                codes.push(k.record.event_id);
            }
        }
        let what = match main.failure {
            ServiceFailureKind::StartFailed => "failed to start",
            ServiceFailureKind::DependencyFailed => {
                "could not start: a service it depends on failed"
            }
            ServiceFailureKind::Timeout => "did not respond in time",
            ServiceFailureKind::Hung => "hung while starting",
            ServiceFailureKind::TerminatedWithError => "stopped with an error",
            ServiceFailureKind::TerminatedUnexpectedly => "terminated unexpectedly",
            ServiceFailureKind::RecoveryFailed => "could not be recovered after a crash",
            ServiceFailureKind::LogonFailed => "could not log on",
        };
        let error = records.iter().find_map(|k| match k.meaning() {
            Some(RecordMeaning::ServiceFailure(f)) => f.error.clone(),
            _ => None,
        });
        let mut summary = format!("Service '{}' {what}", main.service);
        if let Some(e) = &error {
            summary.push_str(&format!(": {}", e.display()));
            if let Some(c) = e.code.filter(|c| *c <= 0xFFFF) {
                if !codes.contains(&c) {
                    codes.push(c);
                }
            }
        }
        if let Some(d) = &main.detail {
            summary.push_str(&format!(" ({d})"));
        }
        summary.push('.');
        if records.len() > 1 {
            summary.push_str(&format!(" {} records about it.", records.len()));
        }
        if let Some(RecordMeaning::ServiceInstalled { image, account, .. }) =
            installed.and_then(|i| i.meaning())
        {
            summary.push_str(&format!(
                " It was installed in the same log (image {}, account {}).",
                image.as_deref().unwrap_or("?"),
                account.as_deref().unwrap_or("?")
            ));
        }
        let mut remediation = Vec::new();
        if let Some(info) = error
            .as_ref()
            .and_then(|e| e.code)
            .and_then(|c| codes::lookup(codes::CodeScope::Win32, c))
        {
            remediation.push(info.remedy.to_string());
        }
        remediation.push(match main.failure {
            ServiceFailureKind::LogonFailed => "Grant the service account 'Log on as a service' (secpol.msc, User Rights Assignment) or fix its password; an installer's ServiceInstall with a domain account needs the right on the target machine.".to_string(),
            ServiceFailureKind::Timeout | ServiceFailureKind::Hung => "Start the service by hand and watch its own log: a service that does not report 'running' within 30 s (ServicesPipeTimeout) fails the installer's StartServices with Error 1920.".to_string(),
            _ => "Run the service's executable by hand (or look for its Application Error / .NET Runtime events) to see why it stops; an installer that starts it (ServiceControl) fails with Error 1920 when it does.".to_string(),
        });
        Finding {
            occurrences: 1,
            references: Vec::new(),
            id: format!(
                "eventlog.service.{}",
                match main.failure {
                    ServiceFailureKind::StartFailed => "start-failed",
                    ServiceFailureKind::DependencyFailed => "dependency-failed",
                    ServiceFailureKind::Timeout => "timeout",
                    ServiceFailureKind::Hung => "hung",
                    ServiceFailureKind::TerminatedWithError => "terminated-with-error",
                    ServiceFailureKind::TerminatedUnexpectedly => "terminated",
                    ServiceFailureKind::RecoveryFailed => "recovery-failed",
                    ServiceFailureKind::LogonFailed => "logon-failed",
                }
            ),
            title: format!("Service '{}' {what}", main.service),
            severity: if severe {
                Severity::Error
            } else {
                Severity::Warning
            },
            confidence: if error.is_some() {
                Confidence::High
            } else {
                Confidence::Medium
            },
            category: "service".to_string(),
            summary,
            session: None,
            bundle: None,
            codes,
            evidence,
            remediation,
        }
    }

    /// Crashes and hangs of installer processes, one per image, as warnings: whether one is an
    /// installer crash depends on a failed installation near it (`nearby::rank_crashes`).
    fn crash_findings(&self) -> Vec<super::nearby::Timed> {
        let mut by_image: BTreeMap<String, Vec<(&Kept, CrashView<'_>)>> = BTreeMap::new();
        for k in &self.crashes {
            if let Some(c) = crash_view(k) {
                by_image
                    .entry(c.image.to_ascii_lowercase())
                    .or_default()
                    .push((k, c));
            }
        }
        by_image
            .into_values()
            .map(|records| {
                // The Application Error record says more than the report about it.
                let c = records
                    .iter()
                    .map(|(_, c)| c)
                    .find(|c| c.report.is_none())
                    .unwrap_or(&records[0].1);
                let hang = c.hang;
                let what = if hang { "hung" } else { "crashed" };
                let mut summary = format!("Installer process {} {what}", c.image);
                if let Some(m) = c.module {
                    summary.push_str(&format!(" in module {m}"));
                }
                if let Some(e) = c.exception {
                    summary.push_str(&format!(" ({e})"));
                }
                if let Some(r) = c.report {
                    summary.push_str(&format!(" (Windows Error Reporting {r} report"));
                    if let Some(t) = codes::wer_report_type(r) {
                        summary.push_str(&format!(": {}", t.what.trim_end_matches('.')));
                    }
                    summary.push(')');
                }
                summary.push('.');
                if records.len() > 1 {
                    summary.push_str(&format!(" {} records about it.", records.len()));
                }
                let finding = Finding {
                    occurrences: 1,
                    references: Vec::new(),
                    id: format!("eventlog.installer-{}", if hang { "hang" } else { "crash" }),
                    title: format!("{} {what}", c.image),
                    severity: Severity::Warning,
                    confidence: Confidence::Medium,
                    category: "crash".to_string(),
                    summary,
                    session: None,
                    bundle: None,
                    codes: records
                        .iter()
                        .map(|(k, _)| k.record.event_id)
                        .take(1)
                        .collect(),
                    evidence: records
                        .iter()
                        .take(MAX_EVIDENCE)
                        .enumerate()
                        .map(|(n, (k, _))| {
                            k.evidence(
                                &self.path,
                                if n == 0 {
                                    EvidenceRole::Cause
                                } else {
                                    EvidenceRole::Failure
                                },
                            )
                        })
                        .collect(),
                    remediation: vec![
                        "A crashing custom action or setup program fails the install: find the custom action in the verbose MSI log at the crash time, and the Windows Error Reporting (1001) report of the crash.".to_string(),
                    ],
                };
                super::nearby::Timed {
                    finding,
                    times: records.iter().filter_map(|(k, _)| k.time).collect(),
                }
            })
            .collect()
    }

    fn other_findings(&self) -> Vec<Finding> {
        let mut groups: BTreeMap<&'static str, Vec<&Kept>> = BTreeMap::new();
        for k in &self.other {
            let key = match k.meaning() {
                Some(RecordMeaning::InstallerPolicyBlock { .. }) => "eventlog.policy-block",
                Some(RecordMeaning::Blocked {
                    by: Blocker::AppLocker,
                    ..
                }) => "eventlog.applocker-block",
                Some(RecordMeaning::Blocked {
                    by: Blocker::CodeIntegrity,
                    ..
                }) => "eventlog.code-integrity-block",
                Some(RecordMeaning::Defender { .. }) => "eventlog.defender",
                Some(RecordMeaning::UpdateFailed { .. }) => "eventlog.update-failed",
                Some(RecordMeaning::SideBySide { .. }) => "eventlog.side-by-side",
                Some(RecordMeaning::ErrorReport { .. }) => "eventlog.installer-error-report",
                _ => continue,
            };
            groups.entry(key).or_default().push(k);
        }
        groups
            .into_iter()
            .map(|(id, records)| {
                let (title, severity, category, remedy) = match id {
                    "eventlog.policy-block" => ("Windows Installer refused the install: software restriction policy", Severity::Error, "policy", "Check Software Restriction Policies / AppLocker rules for Windows Installer files and the DisableMsi policy."),
                    "eventlog.applocker-block" => ("AppLocker prevented a file from running", Severity::Warning, "policy", "Add an AppLocker rule for the installer or its files, or run the install under an allowed account."),
                    "eventlog.code-integrity-block" => ("Code Integrity blocked a file from loading", Severity::Warning, "security", "Use a properly signed build of the file, or check the Code Integrity / WDAC policy."),
                    "eventlog.defender" => ("Microsoft Defender detected or acted on a threat", Severity::Warning, "security", "A quarantined file breaks the install that needs it: check the detection and restore or exclude the file if it is a false positive."),
                    "eventlog.update-failed" => ("Windows Update failed to install an update", Severity::Warning, "update", "Look up the error code of the update and retry it; a pending or failed servicing operation can block installers (1618)."),
                    "eventlog.side-by-side" => ("A side-by-side (manifest/runtime) activation failed", Severity::Warning, "dependency", "Install the Visual C++ runtime or assembly the manifest names (see the record text)."),
                    _ => ("Windows Error Reporting collected an installer failure", Severity::Warning, "install", "Open the report's files for the failing package."),
                };
                let first = records[0];
                let detail = match first.meaning() {
                    Some(RecordMeaning::InstallerPolicyBlock { target }) => target.clone(),
                    Some(RecordMeaning::Blocked { path, .. }) => path.clone(),
                    Some(RecordMeaning::Defender { threat, path, .. }) => format!(
                        "{} {}",
                        threat.as_deref().unwrap_or(""),
                        path.as_deref().unwrap_or("")
                    ),
                    Some(RecordMeaning::UpdateFailed { update, error }) => format!(
                        "{} {}",
                        update.as_deref().unwrap_or(""),
                        error.as_ref().map(|e| e.display()).unwrap_or_default()
                    ),
                    _ => first.record.summary_line(),
                };
                Finding {
                    occurrences: 1,
                    references: Vec::new(),
                    id: id.to_string(),
                    title: title.to_string(),
                    severity,
                    confidence: Confidence::Medium,
                    category: category.to_string(),
                    summary: format!(
                        "{} record(s); first: {}.",
                        records.len(),
                        detail.trim()
                    ),
                    session: None,
                    bundle: None,
                    codes: vec![first.record.event_id],
                    evidence: records
                        .iter()
                        .take(MAX_EVIDENCE)
                        .map(|k| k.evidence(&self.path, EvidenceRole::Context))
                        .collect(),
                    remediation: vec![remedy.to_string()],
                }
            })
            .collect()
    }
}

/// A crash or hang as the record tells it (Application Error/Hang, .NET Runtime, or a Windows
/// Error Reporting report).
struct CrashView<'k> {
    image: &'k str,
    hang: bool,
    module: Option<&'k str>,
    exception: Option<&'k str>,
    /// The Windows Error Reporting event name, for a report.
    report: Option<&'k str>,
}

fn crash_view(k: &Kept) -> Option<CrashView<'_>> {
    match k.meaning()? {
        RecordMeaning::ProcessCrash(c) => Some(CrashView {
            image: &c.image,
            hang: c.hang,
            module: c.module.as_deref(),
            exception: c.exception.as_deref(),
            report: None,
        }),
        RecordMeaning::ErrorReport { event_name, p1 } => Some(CrashView {
            image: p1.as_deref()?,
            hang: codes::wer_report_type(event_name).is_some_and(|t| t.kind.is_hang()),
            module: None,
            exception: None,
            report: Some(event_name),
        }),
        _ => None,
    }
}

/// True for a Windows Error Reporting report of a crash or hang (not a memory leak, an update
/// failure or telemetry: see [`codes::wer_report_type`]) of an installer process.
fn installer_crash_report(event_name: &str, image: Option<&str>) -> bool {
    let ends = codes::wer_report_type(event_name).is_some_and(|t| t.kind.ends_the_process());
    ends && image.is_some_and(|image| {
        ProcessCrash {
            hang: false,
            image: image.to_string(),
            version: None,
            module: None,
            exception: None,
            pid: None,
            path: None,
        }
        .is_installer_process()
    })
}
