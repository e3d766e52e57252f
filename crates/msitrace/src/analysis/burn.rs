//! Bundle runs from a WiX Burn log: name, version, command line, package logs, errors, exit code.

use crate::analysis::{BundleReport, PackageLog};
use crate::codes::{self, classify_exit};
use crate::event::{BurnLevel, BurnMeaning, Event, Kind};
use crate::findings::{Confidence, Evidence, EvidenceRole, Finding, Outcome, Severity};

/// Most error lines kept per bundle log.
const MAX_ERRORS: usize = 64;

/// Builds a bundle report from the events of one Burn log.
#[derive(Debug)]
pub struct BundleTracker {
    report: BundleReport,
    errors: Vec<Event>,
    exit: Option<Event>,
    failed_results: Vec<Event>,
}

impl BundleTracker {
    /// A tracker for one input.
    pub fn new(input: u32, path: &str) -> Self {
        BundleTracker {
            report: BundleReport {
                input,
                path: path.to_string(),
                name: None,
                version: None,
                engine: None,
                command_line: None,
                package_logs: Vec::new(),
                outcome: None,
            },
            errors: Vec::new(),
            exit: None,
            failed_results: Vec::new(),
        }
    }

    /// Take one event of the log, in order.
    pub fn push(&mut self, event: Event) {
        let Kind::BurnMessage(m) = &event.kind else {
            return;
        };
        let r = &mut self.report;
        if let Some(v) = variable(&m.text, "WixBundleName") {
            r.name = Some(v);
        } else if let Some(v) = variable(&m.text, "WixBundleVersion") {
            r.version = Some(v);
        } else if let Some(cl) = m.text.strip_prefix("Command Line: ") {
            r.command_line = Some(cl.trim().trim_matches('\'').to_string());
        }
        match &m.meaning {
            Some(BurnMeaning::Start { engine, .. }) => r.engine = Some(engine.clone()),
            Some(BurnMeaning::PackageLog {
                package,
                path,
                rollback: false,
            }) => {
                // The same variable is set again for each run of a related bundle: keep the last.
                r.package_logs
                    .retain(|p| &p.package != package || &p.path == path);
                if !r.package_logs.iter().any(|p| &p.path == path) {
                    r.package_logs.push(PackageLog {
                        package: package.clone(),
                        path: path.clone(),
                        input: None,
                    });
                }
            }
            Some(BurnMeaning::Exit { code }) => {
                r.outcome = Some(Outcome {
                    code: *code,
                    meaning: codes::exit_meaning(*code),
                    class: classify_exit(*code),
                    source: format!("line {}: bundle exit code", event.at),
                });
                self.exit = Some(event);
                return;
            }
            Some(BurnMeaning::PackageResult { result, .. })
            | Some(BurnMeaning::PhaseComplete { result, .. })
                if *result != 0 && self.failed_results.len() < MAX_ERRORS =>
            {
                self.failed_results.push(event);
                return;
            }
            _ => {}
        }
        if m.level == BurnLevel::Error && self.errors.len() < MAX_ERRORS {
            self.errors.push(event);
        }
    }

    /// The input the bundle log was read from.
    pub fn input(&self) -> u32 {
        self.report.input
    }

    /// Visit each list of kept events mutably (clock alignment fills their aligned times).
    pub fn for_each_event_mut(&mut self, mut visit: impl FnMut(&mut [Event])) {
        visit(&mut self.errors);
        visit(&mut self.failed_results);
        if let Some(e) = self.exit.as_mut() {
            visit(std::slice::from_mut(e));
        }
    }

    /// The events kept from the log (errors, failed results, the exit line), for the timeline.
    pub fn kept(&self) -> impl Iterator<Item = &Event> {
        self.errors
            .iter()
            .chain(&self.failed_results)
            .chain(self.exit.as_ref())
    }

    /// End of the log: the report and, when the bundle failed or logged errors, a finding.
    pub fn finish(self, bundle_index: usize) -> (BundleReport, Option<Finding>) {
        let path = self.report.path.clone();
        let failed = self
            .report
            .outcome
            .as_ref()
            .is_some_and(|o| o.class == codes::OutcomeClass::Failure);
        if !failed && self.errors.is_empty() && self.failed_results.is_empty() {
            return (self.report, None);
        }
        let mut evidence: Vec<Evidence> = self
            .errors
            .iter()
            .chain(&self.failed_results)
            .map(|e| Evidence::new(&path, e.at, e.first_line(), EvidenceRole::Context))
            .collect();
        evidence.sort_by_key(|e| e.line);
        if let Some(first) = evidence.first_mut() {
            first.role = EvidenceRole::Cause;
        }
        if let Some(e) = &self.exit {
            evidence.push(Evidence::new(
                &path,
                e.at,
                e.first_line(),
                EvidenceRole::Outcome,
            ));
        }
        let name = self
            .report
            .name
            .clone()
            .unwrap_or_else(|| "the bundle".to_string());
        let first_error = self
            .errors
            .first()
            .or(self.failed_results.first())
            .map(|e| match &e.kind {
                Kind::BurnMessage(m) => m.text.clone(),
                _ => String::new(),
            })
            .unwrap_or_default();
        let finding = if failed {
            let o = self
                .report
                .outcome
                .as_ref()
                .expect("failed implies an outcome");
            Finding {
                occurrences: 1,
                references: Vec::new(),
                id: "burn.bundle-failed".to_string(),
                title: format!("Bundle {name} failed with exit code {}", o.code),
                severity: Severity::Error,
                confidence: if self.errors.is_empty() { Confidence::Low } else { Confidence::Medium },
                category: "bundle".to_string(),
                summary: format!(
                    "{name} ended with exit code 0x{:x} ({}): {}. First error: {}",
                    o.code, o.code, o.meaning, first_error
                ),
                session: None,
                bundle: Some(bundle_index),
                codes: vec![o.code],
                evidence,
                remediation: vec![
                    "Open the log of the package that failed (the bundle names it in 'WixBundleLog_<package>'); its cause is reported separately when that log is given too.".to_string(),
                ],
            }
        } else {
            Finding {
                occurrences: 1,
                references: Vec::new(),
                id: "burn.errors-without-failure".to_string(),
                title: format!("Bundle {name} logged errors but completed"),
                severity: Severity::Warning,
                confidence: Confidence::Medium,
                category: "bundle".to_string(),
                summary: format!(
                    "{name} logged errors yet finished with success; a step was skipped or recovered. First error: {first_error}"
                ),
                session: None,
                bundle: Some(bundle_index),
                codes: Vec::new(),
                evidence,
                remediation: vec![
                    "Check whether the step that logged the error (often a related bundle or a cached package) matters for this machine; the install itself succeeded.".to_string(),
                ],
            }
        };
        (self.report, Some(finding))
    }
}

/// The value of `Setting ... variable 'NAME' to value 'V'`.
fn variable(text: &str, name: &str) -> Option<String> {
    let rest = text.strip_prefix("Setting ")?;
    let at = rest.find(" variable '")?;
    let rest = rest[at + 11..]
        .strip_prefix(name)?
        .strip_prefix("' to value ")?;
    Some(rest.trim().trim_matches('\'').to_string())
}
