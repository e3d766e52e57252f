//! The findings model: what a diagnosis says ([`Finding`]: severity, confidence, summary,
//! remedy) and what it rests on ([`Evidence`]: a line, record or row of an input, with its
//! [`EvidenceRole`]), and how a session or bundle ended ([`Outcome`]).
//!
//! This module sits at the bottom of the library: rules, the clock, the graph, the analysis and
//! the renderers all speak in these types.

use crate::codes::OutcomeClass;
use crate::event::Location;
use serde::Serialize;

/// How a session or bundle ended.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Outcome {
    /// Exit status.
    pub code: u32,
    /// What the status means.
    pub meaning: String,
    /// Success, reboot, cancel or failure.
    pub class: OutcomeClass,
    /// Where the status was read, or how it was inferred.
    pub source: String,
}

/// The action where a session failed.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct FailedAction {
    /// Action name.
    pub name: String,
    /// Line of its `Return value 3`.
    pub line: u64,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A failure.
    Error,
    /// Something that went wrong without failing the install, or needs attention.
    Warning,
    /// Worth knowing.
    Info,
}

/// How sure msitrace is that a finding names the cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// The log names the cause directly.
    High,
    /// Strong clues.
    Medium,
    /// Only the outcome is known.
    Low,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl Confidence {
    /// `high`, `medium` or `low`.
    pub fn label(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

/// A diagnosis: what failed, why, the evidence and what to do.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// Stable id of the kind of finding (`msi.error.1310`, `msi.custom-action`, ...).
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Confidence.
    pub confidence: Confidence,
    /// Category (`file_access`, `service`, `custom_action`, ...).
    pub category: String,
    /// A few sentences with the values filled in.
    pub summary: String,
    /// The session the finding is about (index into `sessions`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<usize>,
    /// The bundle the finding is about (index into `bundles`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle: Option<usize>,
    /// Codes the finding rests on (message numbers, exit statuses).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<u32>,
    /// The lines or records it rests on, the cause first.
    pub evidence: Vec<Evidence>,
    /// What to do.
    pub remediation: Vec<String>,
    /// Documents for further reading (a rule's `references`); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// How many times the same fact happened (the same exit of the same program, the same
    /// denial on the same kind of path, the same failed installation): the evidence cites the
    /// first and the last. 1 when it happened once, and then absent from JSON.
    #[serde(skip_serializing_if = "is_once")]
    pub occurrences: u64,
}

fn is_once(n: &u64) -> bool {
    *n == 1
}

/// One cited line (or record, or row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Evidence {
    /// Input path.
    pub input: String,
    /// Line number, for text logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Record id, for event logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// Row, for CSV exports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// The decoded line as read.
    pub text: String,
    /// Why it is cited: `cause`, `context`, `failure` or `outcome`.
    pub role: EvidenceRole,
}

/// Why a line is cited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceRole {
    /// The line that states the cause.
    Cause,
    /// A line around the cause that explains it.
    Context,
    /// What the cause led to, as the matched rule's later steps saw it (the message that followed
    /// a denied operation, the service record that followed a failed start).
    Consequence,
    /// Where the failure surfaced (the failing action, the custom-action result).
    Failure,
    /// The final status.
    Outcome,
}

impl EvidenceRole {
    /// The word reports show for the role (`cause`, `context`, `led to`, `failure`, `outcome`).
    pub fn label(self) -> &'static str {
        match self {
            EvidenceRole::Cause => "cause",
            EvidenceRole::Context => "context",
            EvidenceRole::Consequence => "led to",
            EvidenceRole::Failure => "failure",
            EvidenceRole::Outcome => "outcome",
        }
    }
}

impl Evidence {
    /// Evidence at a location of an input.
    pub fn new(input: &str, at: Location, text: &str, role: EvidenceRole) -> Self {
        let (mut line, mut record, mut row) = (None, None, None);
        match at {
            Location::Line(n) => line = Some(n),
            Location::Record(n) => record = Some(n),
            Location::Row(n) => row = Some(n),
            Location::Offset(_) => {}
        }
        Evidence {
            input: input.to_string(),
            line,
            record,
            row,
            text: text.to_string(),
            role,
        }
    }

    /// The place with the file name only (`install.log:30`, `application.xml record 9121`,
    /// `procmon.CSV row 10`), for drawings.
    pub fn short_place(&self) -> String {
        let name = self.input.rsplit(['/', '\\']).next().unwrap_or(&self.input);
        match (self.line, self.record, self.row) {
            (Some(l), _, _) => format!("{name}:{l}"),
            (_, Some(r), _) => format!("{name} record {r}"),
            (_, _, Some(r)) => format!("{name} row {r}"),
            _ => name.to_string(),
        }
    }

    /// `file:line` (or `file record N`) for display.
    pub fn place(&self) -> String {
        match (self.line, self.record, self.row) {
            (Some(l), _, _) => format!("{}:{l}", self.input),
            (_, Some(r), _) => format!("{} record {r}", self.input),
            (_, _, Some(r)) => format!("{} row {r}", self.input),
            _ => self.input.clone(),
        }
    }
}
