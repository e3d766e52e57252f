//! The result of an analysis as data: [`Report`] with its inputs, installer sessions, bundles,
//! captures, clock, findings and failure graph. The renderers in [`crate::report`] turn it into
//! text, JSON, SARIF, Markdown and HTML.

use crate::event::InstallOperation;
use crate::findings::{FailedAction, Finding, Outcome, Severity};
use crate::source::Format;
use crate::source::RecordCounts;
use crate::source::{Position, SourceError};
use crate::text::TextEncoding;
use chrono::NaiveDateTime;
use serde::Serialize;

/// Version of the JSON report schema. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything an analysis found.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// JSON schema version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Tool name and version.
    pub tool: String,
    /// Every input given, in order, with what was done with it.
    pub inputs: Vec<InputReport>,
    /// Windows Installer sessions found in the MSI logs.
    pub sessions: Vec<SessionReport>,
    /// WiX Burn bundle runs found in the Burn logs.
    pub bundles: Vec<BundleReport>,
    /// Process Monitor captures: counts by operation and result, failures, process tree.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<CaptureReport>,
    /// How each input's times were put on the UTC timeline: offset, method, confidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clock: Vec<crate::clock::InputClock>,
    /// Findings, most likely root cause first.
    pub findings: Vec<Finding>,
    /// The failure graph and its chains (present when a failure was found).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph: Option<crate::graph::GraphReport>,
    /// True when a failure was found (an error-severity finding).
    pub failed: bool,
    /// What the analysis concluded: a failure, no failure, or nothing analysed at all.
    pub verdict: Verdict,
    /// The kept events, in input and line order (not part of the JSON report: rendered by
    /// [`crate::report::jsonl`] and [`crate::report::html`]).
    #[serde(skip)]
    pub timeline: Vec<super::timeline::TimelineEntry>,
}

impl Report {
    /// The exit status at the default threshold (error findings): see [`Report::exit_status_at`].
    pub fn exit_status(&self) -> i32 {
        self.exit_status_at(Some(Severity::Error)).into()
    }

    /// The process exit status: 1 when a finding is at least as severe as `fail_on` (`None`:
    /// never), else 2 when nothing was analysed ([`Verdict::NothingAnalysed`]), else 0. The CLI
    /// exits with it, so that a pipeline whose log collection failed does not pass.
    pub fn exit_status_at(&self, fail_on: Option<Severity>) -> u8 {
        if fail_on.is_some_and(|t| self.findings.iter().any(|f| f.severity <= t)) {
            1
        } else if self.verdict == Verdict::NothingAnalysed {
            2
        } else {
            0
        }
    }
}

/// What an analysis concluded, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// An error-severity finding: an installation failed.
    FailureFound,
    /// At least one input was analysed, and no error-severity finding came out of it.
    NoFailureFound,
    /// No input could be analysed (none given or found, or every one unreadable, unsupported,
    /// skipped or refused): nothing was looked at, so nothing can be said about a failure.
    NothingAnalysed,
}

impl Verdict {
    /// The verdict on these inputs and findings: nothing analysed unless an input has status
    /// [`InputStatus::Analyzed`] (skipped, refused, unsupported and unreadable ones do not count).
    ///
    /// ```
    /// use msitrace::analysis::Verdict;
    /// assert_eq!(Verdict::of(&[], &[]), Verdict::NothingAnalysed);
    /// ```
    pub fn of(inputs: &[InputReport], findings: &[Finding]) -> Verdict {
        if findings.iter().any(|f| f.severity == Severity::Error) {
            Verdict::FailureFound
        } else if inputs.iter().any(|i| i.status == InputStatus::Analyzed) {
            Verdict::NoFailureFound
        } else {
            Verdict::NothingAnalysed
        }
    }

    /// `failure found`, `no failure found` or `nothing analysed`, as the reports say it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::FailureFound => "failure found",
            Verdict::NoFailureFound => "no failure found",
            Verdict::NothingAnalysed => "nothing analysed",
        }
    }

    /// Why nothing was analysed, in one sentence naming the inputs (empty for other verdicts).
    pub fn reason(self, inputs: &[InputReport]) -> String {
        if self != Verdict::NothingAnalysed {
            return String::new();
        }
        if inputs.is_empty() {
            return "no input was found in the paths given (empty folder or bundle?), so no \
                    failure could be looked for"
                .into();
        }
        let count = |s: InputStatus| inputs.iter().filter(|i| i.status == s).count();
        format!(
            "none of the {} input(s) could be analysed ({} unreadable or refused, {} not \
             recognised or skipped, {} not yet supported), so no failure could be looked for",
            inputs.len(),
            count(InputStatus::Error),
            count(InputStatus::Unrecognized),
            count(InputStatus::Unsupported)
        )
    }
}

/// One input and what happened to it.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct InputReport {
    /// Index used by evidence.
    pub id: u32,
    /// Path as given (or found in a folder).
    pub path: String,
    /// Detected format, when recognised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// Detected text encoding, for text inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<TextEncoding>,
    /// The form read, when the format has several (`Event Viewer text copy, German; 3 events`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// What was done with it.
    pub status: InputStatus,
    /// Lines read (text inputs).
    pub lines: u64,
    /// Events parsed.
    pub events: u64,
    /// Problems that did not stop the input (cut lines, ambiguous dates, ...), each naming a line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<InputWarning>,
    /// Parts of the input that could not be read and were skipped (damaged EVTX records or
    /// chunks, a cut chunk, malformed XML records), each naming its position.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<InputWarning>,
    /// Record counts of an event-log input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<RecordCounts>,
    /// Why the input could not be analysed, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What an input's warning tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// A part of the input could not be read and was skipped (a damaged record, row or chunk).
    Skipped,
    /// Reading stopped there: the rest of the input was not read.
    Stopped,
    /// Something odd that was read anyway (a cut line, undecodable bytes, an ambiguous date).
    Odd,
    /// Where the reader was lenient with the input's form (timestamps scrubbed, order taken
    /// from the file).
    Lenient,
}

/// One warning about an input: what it tells, where, and the text every report shows (the JSON
/// report writes the text).
///
/// ```
/// use msitrace::{InputWarning, Position, WarningKind};
/// let w = InputWarning::new(WarningKind::Odd, Position::line(3), "install.log:3: line cut");
/// assert_eq!(w.to_string(), "install.log:3: line cut");
/// assert_eq!(w.position.line, Some(3));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InputWarning {
    /// What it tells.
    pub kind: WarningKind,
    /// Where in the input.
    pub position: Position,
    /// The text reports show, naming the input and the place.
    pub text: String,
    /// The reader's error, when the warning is one.
    pub error: Option<std::sync::Arc<SourceError>>,
}

impl InputWarning {
    /// A warning with its text.
    pub fn new(kind: WarningKind, position: Position, text: impl Into<String>) -> InputWarning {
        InputWarning {
            kind,
            position,
            text: text.into(),
            error: None,
        }
    }

    /// A reader's error as a warning about `path`; `suffix` says what became of the input.
    pub(crate) fn from_error(
        kind: WarningKind,
        path: &str,
        error: SourceError,
        suffix: &str,
    ) -> Self {
        InputWarning {
            kind,
            position: error.position(),
            text: format!("{path}: {error}{suffix}"),
            error: Some(std::sync::Arc::new(error)),
        }
    }
}

impl std::fmt::Display for InputWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for InputWarning {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// What was done with an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InputStatus {
    /// Read and analysed (possibly with warnings).
    Analyzed,
    /// Recognised, but this version cannot analyse the format yet.
    Unsupported,
    /// Not a format msitrace knows.
    Unrecognized,
    /// Could not be read.
    Error,
}

/// One Windows Installer session (one `Logging started` section of an MSI log).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct SessionReport {
    /// Input the session was read from.
    pub input: u32,
    /// Input path, repeated for convenience.
    pub path: String,
    /// First and last line of the session in the input.
    pub lines: [u64; 2],
    /// True for a verbose log.
    pub verbose: bool,
    /// Product name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Product version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// ProductCode GUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
    /// Manufacturer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    /// What the session did.
    pub operation: InstallOperation,
    /// The process that called the installer (from the log header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calling_process: Option<String>,
    /// The command line the installer service received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_line: Option<String>,
    /// Whether the install ran elevated, when the log says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elevated: Option<bool>,
    /// Local start time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDateTime>,
    /// Local end time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDateTime>,
    /// Duration in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<i64>,
    /// How the session ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The first action that failed, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_action: Option<FailedAction>,
    /// Index of the bundle that ran this session, when a Burn log names this log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle: Option<usize>,
    /// What an event log recorded about this installation (MsiInstaller records), when one was
    /// given: for a session read from an event log alone, or merged with its MSI log session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded: Option<RecordedInstall>,
}

/// An installation as an event log records it: the MsiInstaller records of one transaction.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecordedInstall {
    /// The event log the records were read from.
    pub path: String,
    /// Record ids of the transaction, in order (at most [`RecordedInstall::MAX_RECORDS`]).
    pub records: Vec<u64>,
    /// The package path or ProductCode the transaction began with (MsiInstaller 1040).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// The process that asked for the installation (client process id of MsiInstaller 1040).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_pid: Option<u32>,
    /// The user the records were written for (security identifier).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_sid: Option<String>,
    /// Time of the first record (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<chrono::DateTime<chrono::Utc>>,
    /// Time of the last record (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<chrono::DateTime<chrono::Utc>>,
}

impl RecordedInstall {
    /// Most record ids listed for one installation.
    pub const MAX_RECORDS: usize = 64;
}

/// One Process Monitor capture (CSV or XML export): what it held, counted.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CaptureReport {
    /// Input the capture was read from.
    pub input: u32,
    /// Input path.
    pub path: String,
    /// Data rows (CSV) or `<event>` elements (XML) read.
    pub rows: u64,
    /// Rows kept as events (failures, process lifecycle, retries); the rest are only counted.
    pub kept: u64,
    /// Rows skipped as broken (each one a warning of the input, up to a limit).
    pub bad_rows: u64,
    /// Date of the capture, when the export carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<chrono::NaiveDate>,
    /// Where the date comes from, or why it is unknown.
    pub date_source: String,
    /// Rows by kind of result.
    pub results: ResultTotals,
    /// Rows by operation and result, most frequent first.
    pub operations: Vec<crate::source::procmon::OperationCount>,
    /// Failing rows folded by process, operation, result and path class, most frequent first.
    pub failures: Vec<FailureGroup>,
    /// Operation names msitrace does not know (kept as class `other`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_operations: Vec<String>,
    /// Result names msitrace does not know (treated as failures).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_results: Vec<String>,
    /// The process tree.
    pub processes: Vec<crate::analysis::process_tree::ProcessNode>,
}

impl CaptureReport {
    /// The process instance with this PID at this row (the latest one seen by then, for reused
    /// PIDs), else the first with that PID: its index in `processes`.
    pub fn process_at(&self, pid: u32, row: u64) -> Option<usize> {
        self.processes
            .iter()
            .rposition(|p| p.pid == pid && p.first_seen <= row)
            .or_else(|| self.processes.iter().position(|p| p.pid == pid))
    }

    /// A process and the ones above it, nearest first (indexes in `processes`; at most 32).
    pub fn lineage(&self, mut at: usize) -> Vec<usize> {
        let mut out = vec![at];
        while let Some(parent) = self.processes[at].parent.filter(|_| out.len() < 32) {
            out.push(parent);
            at = parent;
        }
        out
    }
}

/// Rows of a capture by kind of result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResultTotals {
    /// `SUCCESS` (and empty results).
    pub success: u64,
    /// Routine results (`BUFFER OVERFLOW`, `REPARSE`, `NO MORE ENTRIES`, ...): counted, not reported.
    pub noise: u64,
    /// Probing (`NAME NOT FOUND`, `PATH NOT FOUND`, ...): counted, not reported.
    pub probe: u64,
    /// Failures (`ACCESS DENIED`, `SHARING VIOLATION`, unknown codes, ...).
    pub failure: u64,
    /// Denied `Desired Access: All Access` opens retried narrower with success (not reported).
    pub retried_all_access: u64,
}

/// Failing rows of one process, operation, result and path class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailureGroup {
    /// Process name.
    pub process: String,
    /// Operation.
    pub operation: String,
    /// Result.
    pub result: String,
    /// Path class: known folder (`%TEMP%`), drive, hive (`HKLM`) or space.
    pub path_class: String,
    /// Rows.
    pub count: u64,
}

impl FailureGroup {
    /// Sort key for a stable order among equal counts.
    pub fn cmp_key(&self) -> (&str, &str, &str, &str) {
        (
            &self.process,
            &self.result,
            &self.path_class,
            &self.operation,
        )
    }
}

/// One WiX Burn bundle run.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct BundleReport {
    /// Input the bundle log was read from.
    pub input: u32,
    /// Input path.
    pub path: String,
    /// Bundle name (`WixBundleName`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Bundle version (`WixBundleVersion`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Burn engine version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// Command line of the bundle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_line: Option<String>,
    /// Package logs named by the bundle, and the inputs that are those logs.
    pub package_logs: Vec<PackageLog>,
    /// Bundle exit code and meaning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

/// A package log named by a bundle.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PackageLog {
    /// Package id.
    pub package: String,
    /// Log path as the bundle wrote it.
    pub path: String,
    /// The input that is this log, when it was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<u32>,
}
