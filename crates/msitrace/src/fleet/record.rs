//! One machine of a fleet as one record: what its bundle held and what the analysis found, small
//! enough to stream one a line ([`MachineRecord`], the `batch` JSON line) and to aggregate into the
//! fleet summary ([`super::summary`]).

use crate::analysis::{InputStatus, Report, Verdict};
use crate::event::Kind;
use crate::findings::{Outcome, Severity};
use crate::source::Format;
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the machine-record schema (the `batch` JSON lines). Bumped on incompatible changes.
pub const MACHINE_SCHEMA_VERSION: u32 = 1;

/// One machine: its bundle, inputs, installer sessions, findings and errors.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct MachineRecord {
    /// Record schema version ([`MACHINE_SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The machine id: the computer the logs name, else the bundle's name.
    pub machine: String,
    /// Where the machine id comes from: `logs` or `bundle`.
    pub machine_from: MachineNameSource,
    /// The bundle (zip, folder or file) as given.
    pub bundle: String,
    /// What the analysis concluded for this machine.
    pub verdict: Verdict,
    /// Every input of the bundle and what became of it.
    pub inputs: Vec<MachineInput>,
    /// Installer sessions (MSI logs and event logs), with their outcomes.
    pub sessions: Vec<MachineSession>,
    /// Findings, most likely root cause first.
    pub findings: Vec<MachineFinding>,
    /// Why parts of the bundle (or all of it) could not be analysed, each naming its input.
    pub errors: Vec<String>,
}

/// Where a machine id comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MachineNameSource {
    /// The computer name recorded in the logs (event-log records, the `ComputerName` property).
    Logs,
    /// The bundle's file or folder name.
    Bundle,
}

/// One input of a machine's bundle.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct MachineInput {
    /// Path as shown in the report (`bundle.zip!/install.log`).
    pub path: String,
    /// Detected format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// What was done with it.
    pub status: InputStatus,
}

/// One installer session of a machine.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct MachineSession {
    /// Product name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Product version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Start time as read (local time for MSI logs, UTC for event logs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// How the session ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

/// One finding of a machine, with the product it is about and where its evidence is.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct MachineFinding {
    /// Rule or finding id (the cause).
    pub id: String,
    /// Severity.
    pub severity: Severity,
    /// Category.
    pub category: String,
    /// One-line title.
    pub title: String,
    /// A few sentences with the values filled in.
    pub summary: String,
    /// Product the finding is about, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Version of that product, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When it happened, as read from its session (start time), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The evidence places (`input:line`, `input record N`, `input row N`), the cause first.
    pub evidence: Vec<String>,
}

impl MachineRecord {
    /// The record of one machine from the report of its bundle; `bundle` is the bundle as shown,
    /// `name` its name (the machine id unless the logs name the computer).
    pub fn from_report(bundle: &str, name: &str, report: &Report) -> MachineRecord {
        let sessions: Vec<MachineSession> = report
            .sessions
            .iter()
            .map(|s| MachineSession {
                product: s.product.clone(),
                version: s.version.clone(),
                start: s
                    .start
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
                    .or_else(|| {
                        let recorded = s.recorded.as_ref()?.start?;
                        Some(recorded.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                    }),
                outcome: s.outcome.clone(),
            })
            .collect();
        let findings = report
            .findings
            .iter()
            .map(|f| {
                let session = f.session.and_then(|i| sessions.get(i));
                let bundle_run = f.bundle.and_then(|i| report.bundles.get(i));
                let (product, version) = match (session, bundle_run) {
                    (Some(s), _) if s.product.is_some() => (s.product.clone(), s.version.clone()),
                    (_, Some(b)) if b.name.is_some() => (b.name.clone(), b.version.clone()),
                    _ => only_product(&sessions),
                };
                MachineFinding {
                    id: f.id.clone(),
                    severity: f.severity,
                    category: f.category.clone(),
                    title: f.title.clone(),
                    summary: f.summary.clone(),
                    product,
                    version,
                    time: session
                        .and_then(|s| s.start.clone())
                        .or_else(|| sessions.iter().find_map(|s| s.start.clone())),
                    evidence: f.evidence.iter().map(|e| e.place()).collect(),
                }
            })
            .collect();
        let mut errors: Vec<String> = report
            .inputs
            .iter()
            .filter(|i| i.status == InputStatus::Error)
            .filter_map(|i| i.error.clone())
            .collect();
        if report.verdict == Verdict::NothingAnalysed {
            errors.push(format!(
                "{bundle}: {}",
                report.verdict.reason(&report.inputs)
            ));
        }
        let (machine, machine_from) = match computer_name(report) {
            Some(c) => (c, MachineNameSource::Logs),
            None => (clean(name), MachineNameSource::Bundle),
        };
        MachineRecord {
            schema_version: MACHINE_SCHEMA_VERSION,
            machine,
            machine_from,
            bundle: clean(bundle),
            verdict: report.verdict,
            inputs: report
                .inputs
                .iter()
                .map(|i| MachineInput {
                    path: i.path.clone(),
                    format: i.format,
                    status: i.status,
                })
                .collect(),
            sessions,
            findings,
            errors,
        }
    }

    /// The record of a bundle that could not be analysed at all (unreadable folder entry).
    pub fn failed(bundle: &str, name: &str, error: String) -> MachineRecord {
        MachineRecord {
            schema_version: MACHINE_SCHEMA_VERSION,
            machine: clean(name),
            machine_from: MachineNameSource::Bundle,
            bundle: clean(bundle),
            verdict: Verdict::NothingAnalysed,
            inputs: Vec::new(),
            sessions: Vec::new(),
            findings: Vec::new(),
            errors: vec![error],
        }
    }

    /// True when a finding is at least as severe as `threshold` (the `--fail-on` test).
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity <= threshold)
    }
}

/// The product and version when the machine's sessions name exactly one product.
fn only_product(sessions: &[MachineSession]) -> (Option<String>, Option<String>) {
    let mut named = sessions.iter().filter(|s| s.product.is_some());
    match named.next() {
        Some(first) if named.all(|s| s.product == first.product) => {
            (first.product.clone(), first.version.clone())
        }
        _ => (None, None),
    }
}

/// The computer the logs name most often: event-log records' computer, the MSI `ComputerName`
/// property. `None` when they name none.
fn computer_name(report: &Report) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for entry in &report.timeline {
        let name = match &entry.event.kind {
            Kind::EventRecord(r) => r.computer.as_deref(),
            Kind::Property { name, value, .. } if name.eq_ignore_ascii_case("ComputerName") => {
                Some(value.as_str())
            }
            _ => None,
        };
        if let Some(name) = name.map(clean).filter(|n| !n.is_empty()) {
            *counts.entry(name).or_default() += 1;
        }
    }
    // Most often named; among equals, the first in name order (deterministic).
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(c, _)| c)
}

/// A name as shown: control characters removed, surrounding space trimmed, at most 255 chars.
pub(crate) fn clean(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control())
        .take(255)
        .collect::<String>()
        .trim()
        .to_string()
}
