//! Findings from event-log records (EVTX files and XML exports).
//!
//! [`EventLogTracker`] keeps the records whose [`RecordMeaning`] can explain an installation and
//! turns them into findings:
//!
//! - a Windows Installer transaction that ended with a failure status (MsiInstaller 1033–1037
//!   with status ≠ 0, 11708/11725/11729), with its failure message and ProductCode;
//! - a service that failed to start, hung, stopped with an error or could not log on (Service
//!   Control Manager 7000/7001/7009/7011/7022/7023/7024/7031/7034/7038/7041), an error when the
//!   logs show the service being installed (7045) or when it is a start failure, a warning
//!   otherwise;
//! - a crash or hang of an installer process (Application Error 1000, Application Hang 1002,
//!   .NET Runtime 1026);
//! - policy blocks (MsiInstaller 1007/1008, AppLocker, Code Integrity), Defender detections,
//!   Windows Update install failures and side-by-side errors, as warnings.
//!
//! Successful transactions are not failures. [`link_sessions`] ties a failed transaction to the
//! MSI log session of the same product and status, so the report tells one story.

use crate::analysis::SessionReport;
use crate::codes::{self, classify_exit, OutcomeClass};
use crate::event::meaning::{
    Blocker, ProcessCrash, RecordMeaning, ServiceFailure, ServiceFailureKind,
};
use crate::event::{Event, EventRecord, InstallOperation, Kind, Location};
use crate::findings::{Confidence, Evidence, EvidenceRole, Finding, Severity};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Most records kept per kind of finding and input (a bound on memory).
const MAX_KEPT: usize = 4096;
/// Most evidence records cited by one finding.
const MAX_EVIDENCE: usize = 12;
/// Most separate service findings per input; further services are summed up in one finding.
const MAX_SERVICE_FINDINGS: usize = 10;

/// A record kept for the findings.
#[derive(Debug, Clone)]
struct Kept {
    at: Location,
    time: Option<DateTime<Utc>>,
    record: Box<EventRecord>,
}

impl Kept {
    fn evidence(&self, path: &str, role: EvidenceRole) -> Evidence {
        let mut text = self.record.summary_line();
        if let Some(t) = self.time {
            text = format!("{} {text}", t.format("%Y-%m-%dT%H:%M:%SZ"));
        }
        Evidence::new(path, self.at, &text, role)
    }

    fn meaning(&self) -> Option<&RecordMeaning> {
        self.record.meaning.as_deref()
    }
}

/// A failed transaction's operation, outcome records and failure-message records.
type FailureGroup<'k> = (InstallOperation, Vec<&'k Kept>, Vec<&'k Kept>);

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
    /// Findings about failed installs, linkable to MSI sessions.
    pub install_failures: Vec<InstallFailure>,
    /// Other findings (services, crashes, blocks).
    pub findings: Vec<Finding>,
}

/// A failed installer transaction seen in an event log.
#[derive(Debug)]
pub struct InstallFailure {
    /// Product name.
    pub product: String,
    /// Exit status.
    pub status: u32,
    /// The finding, as reported when no MSI session explains it.
    pub finding: Finding,
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
        let Kind::EventRecord(record) = event.kind else {
            return;
        };
        let Some(meaning) = record.meaning.as_deref() else {
            return;
        };
        let list = match meaning {
            RecordMeaning::InstallerOutcome(_)
            | RecordMeaning::InstallerMessage { .. }
            | RecordMeaning::InstallerTransaction { .. } => &mut self.installer,
            RecordMeaning::ServiceFailure(_) => &mut self.services,
            RecordMeaning::ServiceInstalled { service, .. } => {
                let key = service.to_ascii_lowercase();
                if self.installed_services.len() < MAX_KEPT {
                    self.installed_services.insert(
                        key,
                        Kept {
                            at: event.at,
                            time: event.time.aligned,
                            record,
                        },
                    );
                }
                return;
            }
            RecordMeaning::ProcessCrash(c) if c.is_installer_process() => &mut self.crashes,
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
                record,
            });
        }
    }

    /// The findings of this input.
    pub fn finish(mut self) -> EventLogFacts {
        let sort = |v: &mut Vec<Kept>| v.sort_by_key(|k| (k.time, k.at));
        sort(&mut self.installer);
        sort(&mut self.services);
        sort(&mut self.crashes);
        sort(&mut self.other);
        let mut findings = Vec::new();
        let install_failures = self.install_failures();
        findings.extend(self.service_findings());
        findings.extend(self.crash_findings());
        findings.extend(self.other_findings());
        EventLogFacts {
            events: std::mem::take(&mut self.events),
            install_failures,
            findings,
        }
    }

    /// Failed transactions, one finding per product, operation and status.
    fn install_failures(&self) -> Vec<InstallFailure> {
        // (product, status) -> (operation, outcome records, failure-message records)
        let mut groups: BTreeMap<(String, u32), FailureGroup<'_>> = BTreeMap::new();
        let mut pending_messages: Vec<&Kept> = Vec::new();
        for k in &self.installer {
            match k.meaning() {
                Some(RecordMeaning::InstallerOutcome(o)) => {
                    // The failure messages just before it are about the same transaction.
                    let (mine, others): (Vec<&Kept>, Vec<&Kept>) =
                        pending_messages.drain(..).partition(|m| {
                            matches!(m.meaning(), Some(RecordMeaning::InstallerMessage { product, .. }) if product == &o.product)
                        });
                    pending_messages = others;
                    // A transaction that ended well recovered from its messages.
                    if !matches!(classify_exit(o.status), OutcomeClass::Failure) {
                        continue;
                    }
                    let g = groups.entry((o.product.clone(), o.status)).or_insert((
                        o.operation,
                        Vec::new(),
                        Vec::new(),
                    ));
                    g.1.push(k);
                    g.2.extend(mine);
                }
                Some(RecordMeaning::InstallerMessage { failed: true, .. }) => {
                    pending_messages.push(k)
                }
                _ => {}
            }
        }
        // Failure messages without an outcome record still say the transaction failed.
        for m in pending_messages {
            if let Some(RecordMeaning::InstallerMessage { product, .. }) = m.meaning() {
                let g = groups.entry((product.clone(), 1603)).or_insert((
                    InstallOperation::Unknown,
                    Vec::new(),
                    Vec::new(),
                ));
                g.2.push(m);
            }
        }
        groups
            .into_iter()
            .map(|((product, status), (operation, outcomes, messages))| {
                self.install_failure(product, status, operation, &outcomes, &messages)
            })
            .collect()
    }

    fn install_failure(
        &self,
        product: String,
        status: u32,
        operation: InstallOperation,
        outcomes: &[&Kept],
        messages: &[&Kept],
    ) -> InstallFailure {
        let path = &self.path;
        let mut evidence = Vec::new();
        let mut detail = Vec::new();
        let mut product_code = None;
        for m in messages.iter().take(MAX_EVIDENCE / 2) {
            let role = if evidence.is_empty() {
                EvidenceRole::Cause
            } else {
                EvidenceRole::Failure
            };
            evidence.push(m.evidence(path, role));
            if let Some(RecordMeaning::InstallerMessage {
                text,
                product_code: code,
                ..
            }) = m.meaning()
            {
                let text = text.trim_end_matches('.').to_string();
                if !detail.contains(&text) {
                    detail.push(text);
                }
                product_code = product_code.or(code.clone());
            }
        }
        for o in outcomes.iter().take(MAX_EVIDENCE / 2) {
            evidence.push(o.evidence(path, EvidenceRole::Outcome));
        }
        let times: Vec<String> = outcomes
            .iter()
            .chain(messages)
            .filter_map(|k| k.time)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        // One transaction may log several failure messages (an error, then "Installation
        // failed."): count the outcomes, else the completion messages.
        let completions = messages
            .iter()
            .filter(|m| {
                matches!(m.meaning(), Some(RecordMeaning::InstallerMessage { message, .. }) if matches!(message, 1708 | 1725 | 1729))
            })
            .count();
        let occurrences = if outcomes.is_empty() {
            completions.max(1)
        } else {
            outcomes.len()
        };
        let mut summary = format!(
            "The event log records that the {operation} of {product} ended with status {status} ({}){}",
            codes::exit_meaning(status),
            match occurrences {
                1 => String::new(),
                n => format!(", {n} times"),
            }
        );
        if !times.is_empty() {
            summary.push_str(&format!(" at {}", times.join(", ")));
        }
        summary.push('.');
        if !detail.is_empty() {
            summary.push_str(&format!(" The installer said: {}.", detail.join(" / ")));
        }
        if let Some(code) = &product_code {
            summary.push_str(&format!(" ProductCode {code}."));
        }
        summary.push_str(" Event logs hold only the outcome: the cause is in the verbose MSI log of this install.");
        let mut remediation = vec![
            "Collect the verbose installer log of this install (msiexec /i package.msi /l*v install.log, or the Logging policy) and analyse it with the event logs.".to_string(),
        ];
        if let Some(info) = codes::lookup(codes::CodeScope::Exit, status) {
            remediation.push(info.remedy.to_string());
        }
        InstallFailure {
            finding: Finding {
                id: "eventlog.msi-failed".to_string(),
                title: format!("{product}: {operation} failed with status {status} (event log)"),
                severity: Severity::Error,
                confidence: Confidence::Low,
                category: "install".to_string(),
                summary,
                session: None,
                bundle: None,
                codes: vec![status],
                evidence,
                remediation,
            },
            product,
            status,
        }
    }

    fn service_findings(&self) -> Vec<Finding> {
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
            findings.push(self.service_finding(&records, installed));
        }
        if total > MAX_SERVICE_FINDINGS {
            findings.push(Finding {
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

    fn crash_findings(&self) -> Vec<Finding> {
        let mut by_image: BTreeMap<String, Vec<&Kept>> = BTreeMap::new();
        for k in &self.crashes {
            if let Some(RecordMeaning::ProcessCrash(c)) = k.meaning() {
                by_image
                    .entry(c.image.to_ascii_lowercase())
                    .or_default()
                    .push(k);
            }
        }
        by_image
            .into_values()
            .map(|records| {
                let Some(RecordMeaning::ProcessCrash(c)) = records[0].meaning() else {
                    unreachable!("crash records have a crash meaning")
                };
                let c: &ProcessCrash = c;
                let what = if c.hang { "hung" } else { "crashed" };
                let mut summary = format!("Installer process {} {what}", c.image);
                if let Some(m) = &c.module {
                    summary.push_str(&format!(" in module {m}"));
                }
                if let Some(e) = &c.exception {
                    summary.push_str(&format!(" ({e})"));
                }
                summary.push('.');
                if records.len() > 1 {
                    summary.push_str(&format!(" {} times.", records.len()));
                }
                Finding {
                    id: format!("eventlog.installer-{}", if c.hang { "hang" } else { "crash" }),
                    title: format!("{} {what} during an installation", c.image),
                    severity: Severity::Error,
                    confidence: Confidence::Medium,
                    category: "crash".to_string(),
                    summary,
                    session: None,
                    bundle: None,
                    codes: records.iter().map(|k| k.record.event_id).take(1).collect(),
                    evidence: records
                        .iter()
                        .take(MAX_EVIDENCE)
                        .enumerate()
                        .map(|(n, k)| {
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

/// Tie event-log install failures to the MSI sessions of the same product and status: the
/// session's finding gets the records as evidence and a sentence saying so; failures no session
/// explains stay findings of their own.
pub fn link_sessions(
    failures: Vec<InstallFailure>,
    sessions: &[SessionReport],
    findings: &mut [Finding],
) -> Vec<Finding> {
    let mut own = Vec::new();
    for f in failures {
        let session = sessions.iter().position(|s| {
            s.product
                .as_deref()
                .is_some_and(|p| p.trim().eq_ignore_ascii_case(f.product.trim()))
                && s.outcome.as_ref().is_some_and(|o| o.code == f.status)
        });
        let target = session.and_then(|index| {
            findings
                .iter_mut()
                .find(|x| x.session == Some(index) && x.severity == Severity::Error)
        });
        match target {
            Some(main) => {
                main.summary.push_str(&format!(
                    " The event log records the same outcome ({} with status {}), so both sources tell one story.",
                    f.product, f.status
                ));
                for mut e in f.finding.evidence.into_iter().take(4) {
                    e.role = EvidenceRole::Outcome;
                    main.evidence.push(e);
                }
            }
            None => {
                let mut finding = f.finding;
                finding.session = session;
                own.push(finding);
            }
        }
    }
    own
}
