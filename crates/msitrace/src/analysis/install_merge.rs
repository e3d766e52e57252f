//! Event-log installations merged with the MSI-log sessions of the same install, so the report
//! tells one story: `merge` lists each installation as a session, enriching the MSI log session of
//! the same install when both are given; a failed installation's finding names the cause the
//! event log holds when the MSI log names none.

use super::installs::EventLogInstall;
use super::msi::SessionFacts;
use super::SessionReport;
use crate::codes::OutcomeClass;
use crate::findings::{Confidence, Evidence, EvidenceRole, Finding, Severity};
use chrono::{DateTime, Duration, Utc};

/// The span of an MSI log session on the UTC timeline, once its clock is aligned.
fn utc_span(f: &SessionFacts) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let times = f.events().chain(&f.actions).filter_map(|e| e.time.aligned);
    let (mut min, mut max) = (None::<DateTime<Utc>>, None::<DateTime<Utc>>);
    for t in times {
        min = Some(min.map_or(t, |m| m.min(t)));
        max = Some(max.map_or(t, |m| m.max(t)));
    }
    Some((min?, max?))
}

/// Say in a session's finding that the event log records the same outcome, citing its records.
fn tell_same_outcome(main: &mut Finding, install: &SessionReport, evidence: Vec<Evidence>) {
    let code = install.outcome.as_ref().map_or(0, |o| o.code);
    main.summary.push_str(&format!(
        " The event log records the same outcome ({} with status {code}), so both sources tell one story.",
        install.product.as_deref().unwrap_or("the product"),
    ));
    for mut e in evidence.into_iter().take(4) {
        e.role = EvidenceRole::Outcome;
        main.evidence.push(e);
    }
}

/// A session's finding that names no cause takes the cause its event log records: the event
/// log's finding, then the session's own evidence as what it led to.
fn take_cause(main: &mut Finding, from_log: Finding) {
    let own = std::mem::take(&mut main.evidence);
    let session = main.session;
    let summary = format!(
        "{} The MSI log of this install names no cause; the event log's error record does.",
        from_log.summary
    );
    let mut codes = from_log.codes.clone();
    for c in &main.codes {
        if !codes.contains(c) {
            codes.push(*c);
        }
    }
    let mut remediation = from_log.remediation.clone();
    remediation.retain(|r| !r.starts_with("Collect the verbose installer log"));
    *main = Finding {
        occurrences: 1,
        summary,
        codes,
        remediation,
        session,
        ..from_log
    };
    main.evidence.extend(own.into_iter().map(|mut e| {
        if e.role == EvidenceRole::Cause {
            e.role = EvidenceRole::Context;
        }
        e
    }));
}

/// The installations with a status on the UTC timeline: the event log's times, else the aligned
/// times of the MSI log session.
pub(super) fn install_spans(
    sessions: &[SessionReport],
    facts: &[SessionFacts],
) -> Vec<super::nearby::InstallSpan> {
    sessions
        .iter()
        .enumerate()
        .filter(|(_, s)| s.outcome.is_some())
        .filter_map(|(i, s)| {
            let recorded = s.recorded.as_ref().and_then(|r| Some((r.start?, r.end?)));
            let (start, end) = recorded.or_else(|| facts.get(i).and_then(utc_span))?;
            Some(super::nearby::InstallSpan {
                session: i,
                start,
                end,
                failed: s
                    .outcome
                    .as_ref()
                    .is_some_and(|o| o.class == OutcomeClass::Failure),
            })
        })
        .collect()
}

/// True when an event-log installation and an MSI log session are the same install: the same
/// product and status, at the same time when both times are known.
fn same_install(
    install: &SessionReport,
    session: &SessionReport,
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> bool {
    let product = |s: &SessionReport| s.product.as_deref().map(|p| p.trim().to_lowercase());
    if product(install).is_none() || product(install) != product(session) {
        return false;
    }
    let code = |s: &SessionReport| s.outcome.as_ref().map(|o| o.code);
    if let (Some(a), Some(b)) = (code(install), code(session)) {
        if a != b {
            return false;
        }
    }
    let recorded = install.recorded.as_ref();
    match (
        span,
        recorded.and_then(|r| r.start),
        recorded.and_then(|r| r.end),
    ) {
        (Some((a, b)), Some(start), Some(end)) => {
            let slack = Duration::minutes(5);
            start <= b + slack && end >= a - slack
        }
        _ => true,
    }
}

/// List the event logs' installations as sessions: one that is the same install as an MSI log
/// session enriches that session (and its finding cites the records); the others are added.
/// Returns the findings of failed installations that no MSI log session explains, each tied to
/// its session.
pub(super) fn merge(
    installs: Vec<EventLogInstall>,
    facts: &[SessionFacts],
    sessions: &mut Vec<SessionReport>,
    findings: &mut [Finding],
) -> Vec<Finding> {
    let spans: Vec<_> = facts.iter().map(utc_span).collect();
    let msi_sessions = facts.len().min(sessions.len());
    let mut taken = vec![false; msi_sessions];
    let mut unmatched = Vec::new();
    let mut out = Vec::new();
    // The latest attempt first: when times cannot be compared, the log given is most likely of
    // the last attempt.
    for install in installs.into_iter().rev() {
        let matched = (0..msi_sessions)
            .find(|&i| !taken[i] && same_install(&install.report, &sessions[i], spans[i]));
        let Some(index) = matched else {
            unmatched.push(install);
            continue;
        };
        taken[index] = true;
        sessions[index].recorded = install.report.recorded.clone();
        if sessions[index].product_code.is_none() {
            sessions[index].product_code = install.report.product_code.clone();
        }
        let failed = install
            .report
            .outcome
            .as_ref()
            .filter(|o| o.class == OutcomeClass::Failure);
        let main = findings
            .iter_mut()
            .find(|x| x.session == Some(index) && x.severity == Severity::Error);
        match (main, failed) {
            (Some(main), Some(_)) if main.confidence == Confidence::Low => {
                // The MSI log names no cause (a log that is not verbose): the event log's does.
                if let Some(f) = install.failure.filter(|f| f.confidence != Confidence::Low) {
                    take_cause(main, f);
                } else {
                    tell_same_outcome(main, &install.report, install.outcome_evidence);
                }
            }
            (Some(main), Some(_)) => {
                tell_same_outcome(main, &install.report, install.outcome_evidence);
            }
            (None, Some(_)) => {
                if let Some(mut f) = install.failure {
                    f.session = Some(index);
                    out.push(f);
                }
            }
            _ => {}
        }
    }
    // The installations no MSI log session tells, in the order they happened.
    for install in unmatched.into_iter().rev() {
        let index = sessions.len();
        sessions.push(install.report);
        if let Some(mut f) = install.failure {
            f.session = Some(index);
            out.push(f);
        }
    }
    out
}
