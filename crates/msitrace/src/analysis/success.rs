//! Warnings on installations that succeeded: what the installer reported as done but is not
//! quite, never a failure.
//!
//! - a restart is pending: the session ended with 3010 (a restart completes it) or 1641 (the
//!   installer started one);
//! - a custom action failed but its failure was translated to success ("continue on error"),
//!   while its own output states a real problem (an `Error 0x…` line, access denied, a command
//!   that failed): what it should have done was not done;
//! - a service the package installed did not start (a custom action's `Failed to start
//!   services …`).
//!
//! Files in use are told by [`super::diagnose`] for every session.

use super::msi::SessionFacts;
use super::signals::{self, Strength};
use crate::codes::OutcomeClass;
use crate::event::{Event, Kind, Location};
use crate::findings::{Confidence, Evidence, EvidenceRole, Finding, Severity};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use std::sync::OnceLock;

/// Most lines of a custom action's output cited by one warning.
const MAX_OUTPUT: usize = 6;

/// The warnings of a session that did not fail (none for a failed or cancelled one).
pub fn warnings(facts: &SessionFacts, session_index: usize) -> Vec<Finding> {
    let class = facts.report.outcome.as_ref().map(|o| o.class);
    if !matches!(
        class,
        Some(OutcomeClass::Success | OutcomeClass::RebootRequired)
    ) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if class == Some(OutcomeClass::RebootRequired) {
        out.push(restart_pending(facts, session_index));
    }
    out.extend(ignored_failures(facts, session_index));
    out.extend(services_not_started(facts, session_index));
    out
}

fn line_of(e: &Event) -> u64 {
    match e.at {
        Location::Line(n) => n,
        _ => 0,
    }
}

/// `the install of X 1.0`
fn what(facts: &SessionFacts) -> String {
    let s = &facts.report;
    match &s.product {
        Some(p) => format!("{} of {p}", s.operation),
        None => s.operation.to_string(),
    }
}

fn restart_pending(facts: &SessionFacts, session_index: usize) -> Finding {
    let o = facts
        .report
        .outcome
        .as_ref()
        .expect("a pending restart has an outcome");
    let path = &facts.report.path;
    let evidence = facts
        .outcome_events
        .iter()
        .map(|e| Evidence::new(path, e.at, e.first_line(), EvidenceRole::Outcome))
        .collect();
    let started = o.code == 1641;
    Finding {
        occurrences: 1,
        references: Vec::new(),
        id: "msi.restart-required".to_string(),
        title: if started {
            "The installation succeeded and the installer started a restart (1641)".to_string()
        } else {
            "The installation succeeded; a restart completes it (3010)".to_string()
        },
        severity: Severity::Warning,
        confidence: Confidence::High,
        category: "restart_required".to_string(),
        summary: format!(
            "The {} ended with status {} ({}): it worked, and files or settings replaced at the next restart finish it. Until then the product may run old files, and further installations may ask for the restart too.",
            what(facts),
            o.code,
            o.meaning
        ),
        session: Some(session_index),
        bundle: None,
        codes: vec![o.code],
        evidence,
        remediation: vec![
            "Restart the machine before using the product or installing more; in scripted deployments treat 3010 as success with a restart pending (and 1641 as a restart started).".to_string(),
        ],
    }
}

/// A line of a custom action's output that states a problem: its own `Error 0x…` line (not the
/// wrapper lines of a command runner), or a strong alarm (`Access is denied`, `System error 5
/// has occurred`).
fn states_a_problem(line: &str) -> bool {
    if let Some(e) = signals::custom_action_error(line) {
        return !e.is_wrapper();
    }
    signals::text_strength(line).is_some_and(|s| s >= Strength::StrongText)
}

/// Custom actions whose failure was translated to success while their output states a problem.
fn ignored_failures(facts: &SessionFacts, session_index: usize) -> Vec<Finding> {
    let translated = |e: &Event| {
        matches!(
            e.kind,
            Kind::CustomActionResult {
                translated_to_success: true,
                ..
            }
        )
    };
    if !facts.window.iter().any(translated) {
        return Vec::new();
    }
    let path = &facts.report.path;
    let mut out = Vec::new();
    // The lines stating a problem, each judged once, in line order: an action's output is then
    // found by two binary searches.
    let mut problems: Vec<(u64, &str)> = facts
        .window
        .iter()
        .flat_map(Event::raw_lines)
        .filter(|(_, text)| states_a_problem(text))
        .collect();
    problems.sort_by_key(|&(line, _)| line);
    let mut from = 0u64;
    for e in &facts.window {
        let Kind::CustomActionResult {
            action,
            code,
            translated_to_success,
        } = &e.kind
        else {
            continue;
        };
        let at = line_of(e);
        // The output of this action: the lines after the previous action's result.
        let begin = problems.partition_point(|&(line, _)| line <= from);
        let end = problems.partition_point(|&(line, _)| line < at).max(begin);
        let output = &problems[begin..end];
        from = at;
        if !translated_to_success || output.is_empty() {
            continue;
        }
        let name = if action.is_empty() {
            "(unnamed)"
        } else {
            action
        };
        let mut evidence: Vec<Evidence> = output
            .iter()
            .take(MAX_OUTPUT)
            .enumerate()
            .map(|(i, (l, text))| {
                let role = if i == 0 {
                    EvidenceRole::Cause
                } else {
                    EvidenceRole::Context
                };
                Evidence::new(path, Location::Line(*l), text, role)
            })
            .collect();
        evidence.push(Evidence::new(
            path,
            e.at,
            e.first_line(),
            EvidenceRole::Failure,
        ));
        let mut remediation = Vec::new();
        if let Some(err) = output
            .iter()
            .find_map(|(_, t)| signals::custom_action_error(t))
        {
            remediation.push(format!(
                "0x{:08X} is {}.",
                err.hresult,
                crate::codes::describe_hresult(err.hresult)
            ));
        }
        remediation.push(format!("The package lets custom action {name} fail without failing the installation: check by hand that what it does (a service, an ACL, a setting, a command) was done, and fix what its output names."));
        out.push(Finding {
            occurrences: 1,
            references: Vec::new(),
            id: "msi.custom-action.ignored-failure".to_string(),
            title: format!("Custom action {name} failed, but the installation went on"),
            severity: Severity::Warning,
            confidence: Confidence::Medium,
            category: "custom_action".to_string(),
            summary: format!(
                "The {} succeeded, but custom action {name} returned {code} and its failure was translated to success (it is marked to continue on error), while its output states a problem: {}",
                what(facts),
                output[0].1.trim()
            ),
            session: Some(session_index),
            bundle: None,
            codes: vec![*code],
            evidence,
            remediation,
        });
    }
    out
}

/// True for a custom action's line saying services did not start.
fn says_service_not_started(line: &str) -> bool {
    // One search for the three phrases: every line of a session that succeeded is asked.
    static PHRASES: OnceLock<AhoCorasick> = OnceLock::new();
    PHRASES
        .get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build([
                    "failed to start service",
                    "could not start service",
                    "unable to start service",
                ])
                .expect("literal phrases always build")
        })
        .is_match(line)
}

/// A service of the package that did not start, as a custom action's output says.
fn services_not_started(facts: &SessionFacts, session_index: usize) -> Option<Finding> {
    let path = &facts.report.path;
    let lines: Vec<(u64, &str)> = facts
        .window
        .iter()
        .flat_map(Event::raw_lines)
        .filter(|(_, t)| says_service_not_started(t))
        .take(MAX_OUTPUT)
        .collect();
    let (_, text) = *lines.first()?;
    let evidence = lines
        .iter()
        .enumerate()
        .map(|(i, (l, t))| {
            let role = if i == 0 {
                EvidenceRole::Cause
            } else {
                EvidenceRole::Context
            };
            Evidence::new(path, Location::Line(*l), t, role)
        })
        .collect();
    Some(Finding {
        occurrences: 1,
        references: Vec::new(),
        id: "msi.service.not-started".to_string(),
        title: "The installation succeeded, but a service it installed did not start".to_string(),
        severity: Severity::Warning,
        confidence: Confidence::Medium,
        category: "service".to_string(),
        summary: format!(
            "The {} succeeded, but its output says a service did not start: {}",
            what(facts),
            text.trim()
        ),
        session: Some(session_index),
        bundle: None,
        codes: Vec::new(),
        evidence,
        remediation: vec![
            "Start the service by hand (sc start <name>) to see its error; a logon failure means the account lacks 'Log on as a service' or its password is wrong (Service Control Manager 7038/7041 in the System log), a timeout that the service is slow to start (7009/7000).".to_string(),
        ],
    })
}
