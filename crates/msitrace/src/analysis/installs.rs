//! Installations in event logs: the MsiInstaller records of one Windows Installer transaction,
//! grouped into one installer session.
//!
//! The Application log records an installation as a handful of MsiInstaller records: 1040 begins
//! a transaction (package path, client process id) and 1042 ends it; 1033–1037 state the outcome
//! (product, version, status, manufacturer); 11707/11708/11724/11725/11728/11729 are the summary
//! messages; the error and warning records in between (an internal error such as 10005, 1013/1015,
//! `Product: X -- Error N …` records, 1001/1004/1005 resiliency) say why it failed; 1029/1031
//! (side-by-side) and 1038 (restart) are context. The records of one installation do not always
//! come in that order (the outcome often follows the 1042, a failed install may have no 1040), so
//! `group` gives each record to the installation still open that it can belong to.
//!
//! `merge` lists each installation as a session of the report, merged with the MSI log session
//! of the same install when both are given; a failed installation's finding names the cause the
//! event log holds (the error record before its outcome) when it holds one.

use super::kept::Kept;
use super::{RecordedInstall, SessionReport};
use crate::codes::{self, classify_exit, OutcomeClass};
use crate::event::meaning::RecordMeaning;
use crate::event::{InstallOperation, MsiOutcome};
use crate::findings::{Confidence, Evidence, EvidenceRole, Finding, Outcome, Severity};
use chrono::{DateTime, Duration, Utc};
use rayon::prelude::*;

/// Most installations read from one event log.
const MAX_INSTALLS: usize = 2000;
/// Most installations still open when a record looks for its own.
const LOOK_BACK: usize = 16;
/// Most evidence records cited by one finding.
const MAX_EVIDENCE: usize = 12;

/// Longest quiet time inside one installation.
fn max_gap() -> Duration {
    Duration::minutes(10)
}

/// Longest time after a transaction's end (1042) for its outcome and summary records to follow.
fn after_end() -> Duration {
    Duration::seconds(60)
}

/// One installation as an event log records it.
#[derive(Debug, Clone)]
pub struct EventLogInstall {
    /// The installation as a session of the report (its input id is set by the analysis).
    pub report: SessionReport,
    /// The finding of a failed installation (repeated failures of one product with one cause
    /// are told once, by the first of them).
    pub failure: Option<Finding>,
    /// The outcome and summary records of a failed installation (empty for the others), cited
    /// when an MSI log session tells the same failure.
    pub outcome_evidence: Vec<Evidence>,
}

/// What an MsiInstaller record is to an installation.
#[derive(Debug, Clone, PartialEq)]
enum Role<'k> {
    /// 1040: a transaction begins.
    Begin { target: &'k str, pid: Option<u32> },
    /// 1042: a transaction ends.
    End { target: &'k str, pid: Option<u32> },
    /// 1033–1037: the outcome.
    Outcome(&'k MsiOutcome),
    /// 11707/11708/11724/11725/11726/11727/11728/11729: the summary message.
    Summary { product: &'k str, failed: bool },
    /// An error or warning record: why it failed.
    Cause { product: Option<&'k str> },
    /// Restart, side-by-side and informational records.
    Context { product: Option<&'k str> },
}

impl Role<'_> {
    fn product(&self) -> Option<&str> {
        match self {
            Role::Outcome(o) => Some(&o.product),
            Role::Summary { product, .. } => Some(product),
            Role::Cause { product } | Role::Context { product } => *product,
            Role::Begin { .. } | Role::End { .. } => None,
        }
    }
}

/// `Product: X -- text`: the product and the text.
fn product_text(text: &str) -> Option<(&str, &str)> {
    let rest = text.trim_start().strip_prefix("Product: ")?;
    let (product, said) = rest.split_once(" -- ")?;
    Some((product.trim(), said.trim()))
}

/// The first data item of a record.
fn first_data(k: &Kept) -> &str {
    k.record
        .data
        .first()
        .and_then(|d| d.value.as_deref())
        .unwrap_or("")
}

/// True for an error (2) or warning (3) record (1 is critical).
fn is_alarm(k: &Kept) -> bool {
    matches!(k.record.level, 1..=3)
}

fn role(k: &Kept) -> Option<Role<'_>> {
    if !k.record.provider.eq_ignore_ascii_case("MsiInstaller") {
        return None;
    }
    let product_of_text = || product_text(first_data(k)).map(|(p, _)| p);
    Some(match k.meaning() {
        Some(RecordMeaning::InstallerTransaction {
            begin,
            target,
            client_pid,
        }) => {
            let (target, pid) = (target.as_str(), *client_pid);
            if *begin {
                Role::Begin { target, pid }
            } else {
                Role::End { target, pid }
            }
        }
        Some(RecordMeaning::InstallerOutcome(o)) => Role::Outcome(o),
        Some(RecordMeaning::InstallerMessage {
            message,
            product,
            text,
            failed,
            ..
        }) => match message {
            1707 | 1724 | 1726 | 1728 => Role::Summary {
                product,
                failed: false,
            },
            1708 | 1725 | 1727 | 1729 => Role::Summary {
                product,
                failed: true,
            },
            _ if is_alarm(k) || *failed || text.starts_with("Error ") => Role::Cause {
                product: Some(product),
            },
            _ => Role::Context {
                product: Some(product),
            },
        },
        Some(RecordMeaning::InstallerRestartRequired { product, .. }) => Role::Context {
            product: Some(product),
        },
        Some(RecordMeaning::InstallerPolicyBlock { .. }) => Role::Cause {
            product: product_of_text(),
        },
        _ if is_alarm(k) => Role::Cause {
            product: product_of_text(),
        },
        _ => Role::Context {
            product: product_of_text(),
        },
    })
}

/// An installation being assembled from its records.
#[derive(Debug, Default)]
struct Draft<'k> {
    begin: Option<&'k Kept>,
    end: Option<&'k Kept>,
    target: Option<&'k str>,
    client_pid: Option<u32>,
    product: Option<String>,
    /// Outcomes of the product (1033/1034/1035) and of updates (1036/1037).
    outcomes: Vec<&'k Kept>,
    summaries: Vec<&'k Kept>,
    causes: Vec<&'k Kept>,
    records: Vec<&'k Kept>,
    last: Option<DateTime<Utc>>,
}

impl<'k> Draft<'k> {
    fn outcome_of(k: &Kept) -> Option<&MsiOutcome> {
        match k.meaning() {
            Some(RecordMeaning::InstallerOutcome(o)) => Some(o),
            _ => None,
        }
    }

    fn has_outcome(&self, patch: bool) -> bool {
        self.outcomes.iter().any(|k| {
            Self::outcome_of(k).is_some_and(|o| (o.operation == InstallOperation::Patch) == patch)
        })
    }

    /// True when a record of this role, at this time, can belong to this installation.
    fn accepts(&self, role: &Role<'_>, time: Option<DateTime<Utc>>) -> bool {
        if let (Some(t), Some(last)) = (time, self.last) {
            if t - last > max_gap() {
                return false;
            }
        }
        if let (Some(t), Some(end)) = (time, self.end.and_then(|e| e.time)) {
            if t - end > after_end() {
                return false;
            }
        }
        if let (Some(p), Some(q)) = (role.product(), self.product.as_deref()) {
            if !p.trim().eq_ignore_ascii_case(q.trim()) {
                return false;
            }
        }
        match role {
            Role::Outcome(o) => !self.has_outcome(o.operation == InstallOperation::Patch),
            Role::Summary { .. } => self.summaries.is_empty(),
            Role::Cause { product } => {
                !self.has_outcome(false)
                    && self.summaries.is_empty()
                    && (product.is_some() || self.end.is_none())
            }
            Role::Context { product } => {
                product.is_some() || (self.end.is_none() && !self.has_outcome(false))
            }
            Role::Begin { .. } | Role::End { .. } => false,
        }
    }

    fn take(&mut self, k: &'k Kept, role: &Role<'k>) {
        if self.product.is_none() {
            self.product = role.product().map(|p| p.trim().to_string());
        }
        match role {
            Role::Begin { target, pid } => {
                self.begin = Some(k);
                self.target = Some(target);
                self.client_pid = *pid;
            }
            Role::End { .. } => self.end = Some(k),
            Role::Outcome(_) => self.outcomes.push(k),
            Role::Summary { .. } => self.summaries.push(k),
            Role::Cause { .. } => self.causes.push(k),
            Role::Context { .. } => {}
        }
        if self.records.len() < RecordedInstall::MAX_RECORDS {
            self.records.push(k);
        }
        if k.time.is_some() {
            self.last = k.time.max(self.last);
        }
    }

    /// True when the draft holds enough to be an installation: a transaction, an outcome or
    /// summary, or an error record naming a product.
    fn is_install(&self) -> bool {
        self.begin.is_some()
            || !self.outcomes.is_empty()
            || !self.summaries.is_empty()
            || (self.product.is_some() && !self.causes.is_empty())
    }

    /// The outcome that decides: the first failing one, else the product's, else the first.
    fn deciding_outcome(&self) -> Option<(&'k Kept, &'k MsiOutcome)> {
        let all = || {
            self.outcomes
                .iter()
                .filter_map(|k| Self::outcome_of(k).map(|o| (*k, o)))
        };
        all()
            .find(|(_, o)| classify_exit(o.status) == OutcomeClass::Failure)
            .or_else(|| all().find(|(_, o)| o.operation != InstallOperation::Patch))
            .or_else(|| all().next())
    }

    /// The status, where it was read, and what the installation did.
    fn status(&self) -> Option<(u32, String, InstallOperation)> {
        if let Some((k, o)) = self.deciding_outcome() {
            let source = format!("{}: MsiInstaller {}", k.at, k.record.event_id);
            return Some((o.status, source, o.operation));
        }
        let summary_op = |k: &Kept| match k.record.event_id {
            11707 | 11708 | 11726 | 11727 => InstallOperation::Install,
            11724 | 11725 => InstallOperation::Removal,
            _ => InstallOperation::Reconfigure,
        };
        if let Some(k) = self.summaries.first() {
            let failed = matches!(k.record.event_id, 11708 | 11725 | 11727 | 11729);
            let (code, word) = if failed {
                (1603, "failed")
            } else {
                (0, "ended")
            };
            let source = format!(
                "inferred: MsiInstaller {} ({}) says the installation {word}, without an outcome record",
                k.record.event_id, k.at
            );
            return Some((code, source, summary_op(k)));
        }
        let error = self.causes.iter().find(|k| k.record.level <= 2)?;
        let source = format!(
            "inferred: error record {} without an outcome record",
            error.at
        );
        Some((1603, source, InstallOperation::Unknown))
    }
}

/// Group the MsiInstaller records of one event log (sorted by time and record) into
/// installations: at most [`MAX_INSTALLS`], the failed ones and the latest others. Also returns
/// how many were left out.
pub(super) fn group(path: &str, records: &[Kept]) -> (Vec<EventLogInstall>, usize) {
    let mut drafts: Vec<Draft<'_>> = Vec::new();
    for k in records {
        let Some(role) = role(k) else { continue };
        let open = drafts.len().saturating_sub(LOOK_BACK);
        let found = match &role {
            Role::Begin { .. } => None,
            Role::End { target, pid } => drafts[open..].iter().rposition(|d| {
                d.end.is_none()
                    && d.target.is_some_and(|t| t.eq_ignore_ascii_case(target))
                    && (d.client_pid == *pid || pid.is_none())
            }),
            _ => {
                let candidates = || {
                    drafts[open..]
                        .iter()
                        .enumerate()
                        .rev()
                        .filter(|(_, d)| d.accepts(&role, k.time))
                };
                // A record naming a product goes to that product's installation first, else to
                // the latest transaction that has not named one.
                let named = role.product().is_some();
                candidates()
                    .find(|(_, d)| named && d.product.is_some())
                    .or_else(|| candidates().next())
                    .map(|(i, _)| i)
            }
        };
        match found {
            Some(i) => drafts[open + i].take(k, &role),
            None => {
                // A record that cannot start an installation by itself is left out.
                let starts = match &role {
                    Role::Begin { .. } | Role::Outcome(_) | Role::Summary { .. } => true,
                    Role::Cause { product } => product.is_some(),
                    Role::End { .. } | Role::Context { .. } => false,
                };
                if starts {
                    let mut d = Draft::default();
                    d.take(k, &role);
                    drafts.push(d);
                }
            }
        }
    }
    let mut installs: Vec<EventLogInstall> = drafts
        .par_iter()
        .filter(|d| d.is_install())
        .map(|d| install(path, d))
        .collect();
    let left_out = keep_at_most(&mut installs, MAX_INSTALLS);
    fold_repeated_failures(&mut installs);
    (installs, left_out)
}

/// Keep at most `max` installations (in time order): the oldest that succeeded go first, then,
/// if failures alone are too many, the oldest failures. Returns how many were left out.
fn keep_at_most(installs: &mut Vec<EventLogInstall>, max: usize) -> usize {
    let excess = installs.len().saturating_sub(max);
    if excess == 0 {
        return 0;
    }
    let mut dropped = 0;
    installs.retain(|i| {
        let drop = dropped < excess && !failed(&i.report);
        dropped += usize::from(drop);
        !drop
    });
    let rest = installs.len().saturating_sub(max);
    installs.drain(..rest);
    excess
}

/// True when the installation's outcome is a failure.
fn failed(report: &SessionReport) -> bool {
    report
        .outcome
        .as_ref()
        .is_some_and(|o| o.class == OutcomeClass::Failure)
}

/// A cause record read: the message number it carries, what it says, and what msitrace knows.
struct Cause<'k> {
    record: &'k Kept,
    code: Option<u32>,
    text: String,
    info: Option<&'static codes::CodeInfo>,
}

/// The message number a record's text carries: `Error 1935. …`, `Internal Error 2203. …`,
/// `… The error code is 2503. …`.
fn message_number(text: &str) -> Option<u32> {
    let digits = |s: &str| -> Option<u32> {
        let n: String = s
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        n.parse().ok().filter(|n| (1000..100_000).contains(n))
    };
    for word in ["Internal Error ", "Error ", "Warning "] {
        if let Some(rest) = text.trim_start().strip_prefix(word) {
            if let Some(n) = digits(rest) {
                return Some(n);
            }
        }
    }
    let lower = text.to_ascii_lowercase();
    let at = lower.find("error code is ")?;
    digits(&text[at + "error code is ".len()..])
}

fn read_cause(k: &Kept) -> Cause<'_> {
    let text = match k.meaning() {
        Some(RecordMeaning::InstallerMessage { text, .. }) => text.clone(),
        _ => {
            let t = first_data(k);
            product_text(t).map_or(t, |(_, said)| said).to_string()
        }
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let code = message_number(&text);
    let info = code.and_then(super::signals::message_info);
    Cause {
        record: k,
        code,
        text,
        info,
    }
}

/// The record that says why an installation failed: the first error record, else the first
/// warning.
fn main_cause<'k>(d: &Draft<'k>) -> Option<Cause<'k>> {
    d.causes
        .iter()
        .find(|k| k.record.level <= 2)
        .or(d.causes.first())
        .map(|k| read_cause(k))
}

fn install(path: &str, d: &Draft<'_>) -> EventLogInstall {
    let status = d.status();
    let deciding = d.deciding_outcome().map(|(_, o)| o);
    let product_code = d.records.iter().find_map(|k| match k.meaning() {
        Some(RecordMeaning::InstallerMessage { product_code, .. }) => product_code.clone(),
        _ => None,
    });
    let user_sid = d
        .records
        .iter()
        .find_map(|k| k.record.user_sid.clone())
        .filter(|s| !s.is_empty());
    let start = d.records.iter().filter_map(|k| k.time).min();
    let end = d.records.iter().filter_map(|k| k.time).max();
    let outcome = status.as_ref().map(|(code, source, _)| Outcome {
        code: *code,
        meaning: codes::exit_meaning(*code),
        class: classify_exit(*code),
        source: source.clone(),
    });
    let report = SessionReport {
        input: 0,
        path: path.to_string(),
        lines: [0, 0],
        verbose: false,
        product: d.product.clone(),
        version: deciding.and_then(|o| o.version.clone()),
        product_code,
        manufacturer: deciding.and_then(|o| o.manufacturer.clone()),
        operation: status
            .as_ref()
            .map_or(InstallOperation::Unknown, |(_, _, op)| *op),
        calling_process: None,
        command_line: None,
        elevated: None,
        start: None,
        end: None,
        duration_ms: match (start, end) {
            (Some(a), Some(b)) => Some((b - a).num_milliseconds()),
            _ => None,
        },
        outcome,
        failed_action: None,
        bundle: None,
        recorded: Some(RecordedInstall {
            path: path.to_string(),
            records: d.records.iter().filter_map(|k| k.at.position()).collect(),
            package: d.target.map(str::to_string),
            client_pid: d.client_pid,
            user_sid,
            start,
            end,
        }),
    };
    let failed = failed(&report);
    // Only a failure cites them: most installations succeed, and evidence is text to build.
    let outcome_evidence: Vec<Evidence> = if failed {
        d.summaries
            .iter()
            .chain(&d.outcomes)
            .take(4)
            .map(|k| k.evidence(path, EvidenceRole::Outcome))
            .collect()
    } else {
        Vec::new()
    };
    let failure = failed.then(|| failure_finding(path, d, &report, &outcome_evidence));
    EventLogInstall {
        report,
        failure,
        outcome_evidence,
    }
}

fn when(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

fn failure_finding(
    path: &str,
    d: &Draft<'_>,
    report: &SessionReport,
    outcome_evidence: &[Evidence],
) -> Finding {
    let product = report.product.as_deref().unwrap_or("(unnamed product)");
    let outcome = report
        .outcome
        .as_ref()
        .expect("a failed install has an outcome");
    let status = outcome.code;
    let operation = report.operation;
    let cause = main_cause(d);
    let mut evidence = Vec::new();
    let mut codes_cited = Vec::new();
    if let Some(c) = &cause {
        evidence.push(c.record.evidence(path, EvidenceRole::Cause));
        codes_cited.extend(c.code);
    }
    for k in d
        .causes
        .iter()
        .filter(|k| cause.as_ref().is_none_or(|c| !std::ptr::eq(c.record, **k)))
        .take(MAX_EVIDENCE / 2)
    {
        evidence.push(k.evidence(path, EvidenceRole::Context));
    }
    evidence.extend(outcome_evidence.iter().cloned());
    codes_cited.push(status);
    let what = match &report.version {
        Some(v) if !product.contains(v.as_str()) => format!("{operation} of {product} {v}"),
        _ => format!("{operation} of {product}"),
    };
    let mut summary = format!(
        "The event log records that the {what} ended with status {status} ({})",
        outcome.meaning
    );
    if let Some(t) = when(d.last) {
        summary.push_str(&format!(" at {t}"));
    }
    summary.push('.');
    let mut remediation = Vec::new();
    let (confidence, category) = match &cause {
        Some(c) => {
            summary.push_str(&format!(
                " Cause: the installer reported, before the outcome, \"{}\" (MsiInstaller {}, {}).",
                c.text.trim_end_matches('.'),
                c.record.record.event_id,
                c.record.at
            ));
            if let (Some(code), Some(info)) = (c.code, c.info) {
                summary.push_str(&format!(" {code}: {}.", info.title));
                remediation.push(info.remedy.to_string());
            }
            let category = c.info.map_or("install", |i| i.category);
            let confidence = if c.info.is_some() {
                Confidence::High
            } else {
                Confidence::Medium
            };
            remediation.push("The record cited as cause is the message the installer showed (or would have shown in a silent install): meet the requirement it states or fix what it names, then retry.".to_string());
            (confidence, category.to_string())
        }
        None => {
            summary.push_str(" Event logs hold only the outcome: the cause is in the verbose MSI log of this install.");
            remediation.push("Collect the verbose installer log of this install (msiexec /i package.msi /l*v install.log, or the Logging policy) and analyse it with the event logs.".to_string());
            (Confidence::Low, "install".to_string())
        }
    };
    if let Some(code) = &report.product_code {
        summary.push_str(&format!(" ProductCode {code}."));
    }
    if let Some(info) = codes::lookup(codes::CodeScope::Exit, status) {
        remediation.push(info.remedy.to_string());
    }
    Finding {
        occurrences: 1,
        references: Vec::new(),
        id: "eventlog.msi-failed".to_string(),
        title: format!("{product}: {operation} failed with status {status} (event log)"),
        severity: Severity::Error,
        confidence,
        category,
        summary,
        session: None,
        bundle: None,
        codes: codes_cited,
        evidence,
        remediation,
    }
}

/// Failures of one product with one status and one cause are one story: the first installation
/// tells it, naming how many times and when; the others keep their session only.
fn fold_repeated_failures(installs: &mut [EventLogInstall]) {
    let key = |i: &EventLogInstall| {
        let f = i.failure.as_ref()?;
        let cause = f
            .evidence
            .iter()
            .find(|e| e.role == EvidenceRole::Cause)
            .map(|e| cause_words(&e.text));
        Some((
            i.report.product.clone().unwrap_or_default().to_lowercase(),
            i.report.outcome.as_ref().map(|o| o.code),
            cause,
        ))
    };
    for first in 0..installs.len() {
        let Some(k) = key(&installs[first]) else {
            continue;
        };
        let mut times = vec![installs[first].report.recorded.as_ref().and_then(|r| r.end)];
        let mut extra = Vec::new();
        for later in installs[first + 1..].iter_mut() {
            if key(later).as_ref() != Some(&k) {
                continue;
            }
            let f = later.failure.take().expect("keyed installs failed");
            times.push(later.report.recorded.as_ref().and_then(|r| r.end));
            extra.extend(
                f.evidence
                    .into_iter()
                    .filter(|e| matches!(e.role, EvidenceRole::Cause | EvidenceRole::Outcome)),
            );
        }
        if times.len() < 2 {
            continue;
        }
        let f = installs[first].failure.as_mut().expect("keyed");
        f.occurrences = times.len() as u64;
        let listed: Vec<String> = times.iter().filter_map(|t| when(*t)).collect();
        f.summary = format!(
            "{} It happened {} times{}.",
            f.summary,
            times.len(),
            if listed.is_empty() {
                String::new()
            } else {
                format!(" (ended at {})", listed.join(", "))
            }
        );
        for e in extra {
            if f.evidence.len() >= MAX_EVIDENCE * 2 {
                break;
            }
            let mut e = e;
            if e.role == EvidenceRole::Cause {
                e.role = EvidenceRole::Context;
            }
            f.evidence.push(e);
        }
    }
}

/// A cause's text without its record place and time, to compare causes.
fn cause_words(evidence_text: &str) -> String {
    evidence_text
        .split_once(' ')
        .filter(|(t, _)| t.ends_with('Z'))
        .map_or(evidence_text, |(_, rest)| rest)
        .to_string()
}
