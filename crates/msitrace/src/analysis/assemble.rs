//! Assembling the report from every input's content: clocks aligned, rules run, findings of the
//! sessions, bundles, event logs and captures joined and ranked, the failure graph built.

use super::input::{Content, Parsed};
use super::{
    burn, deployment, diagnose, failure_graph, install_merge, msi, AnalysisSettings, InputReport,
    InputStatus, Report, SCHEMA_VERSION,
};
use crate::clock::{self, ClockInput};
use crate::event::{Event, Kind};
use crate::findings::{Finding, Severity};
use crate::rules::model::SourceClass;
use rayon::prelude::*;
use std::path::Path;

/// Event-log and capture findings that repeat a session's failure join it instead of standing
/// alone: one that cites evidence the session's finding already cites adds its other evidence as
/// context; the installer process exiting with the session's exit status is cited as outcome.
fn fold_into_sessions(others: Vec<Finding>, findings: &mut [Finding]) -> Vec<Finding> {
    let same = |a: &crate::findings::Evidence, b: &crate::findings::Evidence| {
        a.input == b.input && a.line == b.line && a.record == b.record && a.row == b.row
    };
    let mut rest = Vec::new();
    for f in others {
        let overlapping = findings.iter().position(|s| {
            s.session.is_some()
                && s.severity == Severity::Error
                && f.evidence
                    .iter()
                    .any(|e| s.evidence.iter().any(|c| same(c, e)))
        });
        let exit = (f.id == "procmon.installer-exit")
            .then(|| f.codes.first().copied())
            .flatten();
        let by_exit = exit.and_then(|code| {
            findings.iter().position(|s| {
                s.session.is_some() && s.severity == Severity::Error && s.codes.contains(&code)
            })
        });
        let (owner, role) = match (overlapping, by_exit) {
            (Some(i), _) => (i, crate::findings::EvidenceRole::Context),
            (None, Some(i)) => (i, crate::findings::EvidenceRole::Outcome),
            (None, None) => {
                rest.push(f);
                continue;
            }
        };
        let s = &mut findings[owner];
        for mut e in f.evidence {
            if !s.evidence.iter().any(|c| same(c, &e)) {
                e.role = role;
                s.evidence.push(e);
            }
        }
    }
    rest
}

/// Say which installer action was running when a capture finding's first operation failed (when
/// the operation is the installer server's and the clocks are aligned), citing the action's start.
fn name_running_actions(
    findings: &mut [Finding],
    facts: &[msi::SessionFacts],
    kept: &[KeptInput],
    inputs: &[InputReport],
    captures: &[crate::analysis::CaptureReport],
) {
    for f in findings.iter_mut() {
        let Some(first) = f.evidence.first() else {
            continue;
        };
        let Some(input) = inputs.iter().find(|i| i.path == first.input).map(|i| i.id) else {
            continue;
        };
        let Some(row) = first.row else { continue };
        let op = kept
            .iter()
            .filter(|k| k.input == input)
            .flat_map(|k| k.events.iter())
            .find(|e| e.at == crate::event::Location::Row(row));
        let Some(op) = op else { continue };
        let ancestors = ancestors_of(op, row, captures.iter().find(|c| c.input == input));
        let running = facts
            .iter()
            .find_map(|s| s.action_at(op, &ancestors).map(|start| (s, start)));
        let Some((session, start)) = running else {
            continue;
        };
        let Kind::MsiAction { name, .. } = &start.kind else {
            continue;
        };
        let place = crate::findings::Evidence::new(
            &session.report.path,
            start.at,
            start.first_line(),
            crate::findings::EvidenceRole::Context,
        );
        let what = match &session.report.product {
            Some(p) => format!("the {} of {p}", session.report.operation),
            None => format!("the {}", session.report.operation),
        };
        f.summary.push_str(&format!(
            " It happened during action {name} of {what} ({}).",
            place.place()
        ));
        f.evidence.push(place);
    }
}

/// The PIDs above an operation's process in its capture's process tree, nearest first.
fn ancestors_of(
    op: &Event,
    row: u64,
    capture: Option<&crate::analysis::CaptureReport>,
) -> Vec<u32> {
    let (Some(capture), Some(pid)) = (capture, op.process.as_ref().map(|p| p.pid)) else {
        return Vec::new();
    };
    let Some(at) = capture.process_at(pid, row) else {
        return Vec::new();
    };
    capture
        .lineage(at)
        .into_iter()
        .skip(1)
        .map(|i| capture.processes[i].pid)
        .collect()
}

/// The events kept from one event-log or capture input.
struct KeptInput {
    input: u32,
    source: SourceClass,
    events: Vec<Event>,
}

/// Put every input on one UTC timeline (see [`crate::clock`]) and fill the kept events' aligned
/// times; returns each input's clock for the report.
fn align_clocks(
    inputs: &[InputReport],
    facts: &mut [msi::SessionFacts],
    kept: &mut [KeptInput],
    trackers: &mut [Box<burn::BundleTracker>],
    settings: &AnalysisSettings,
) -> Vec<clock::InputClock> {
    let mut clock_inputs: Vec<ClockInput<'_>> = Vec::new();
    for input in inputs.iter().filter(|i| i.status == InputStatus::Analyzed) {
        let Some(basis) = input
            .format
            .and_then(crate::source::source_for)
            .map(|s| s.time_basis())
        else {
            continue;
        };
        let mut events: Vec<&Event> = facts
            .iter()
            .filter(|f| f.report.input == input.id)
            .flat_map(msi::SessionFacts::events)
            .collect();
        events.extend(
            kept.iter()
                .filter(|k| k.input == input.id)
                .flat_map(|k| k.events.iter()),
        );
        events.extend(
            trackers
                .iter()
                .filter(|t| t.input() == input.id)
                .flat_map(|t| t.kept()),
        );
        clock_inputs.push(ClockInput {
            input: input.id,
            basis,
            events,
        });
    }
    let clocks = clock::align(
        &clock_inputs,
        clock::ClockSettings {
            utc_offset_seconds: settings.utc_offset_seconds,
            timezone: settings.timezone,
        },
    );
    drop(clock_inputs);
    for c in &clocks {
        for f in facts.iter_mut().filter(|f| f.report.input == c.input) {
            f.for_each_event_mut(|events| clock::apply(events, c));
        }
        for k in kept.iter_mut().filter(|k| k.input == c.input) {
            clock::apply(&mut k.events, c);
        }
        for t in trackers.iter_mut().filter(|t| t.input() == c.input) {
            t.for_each_event_mut(|events| clock::apply(events, c));
        }
    }
    clocks
}

/// The kept events of every session, as the rules see them.
pub fn rule_subjects(facts: &[msi::SessionFacts]) -> Vec<crate::rules::Subject<'_>> {
    use crate::rules::model::SourceClass;
    let mut out = Vec::new();
    for (index, f) in facts.iter().enumerate() {
        let product = f.report.product.as_deref();
        let subject = |event, in_failing_action| crate::rules::Subject {
            event,
            source: SourceClass::MsiLog,
            session: Some(index),
            in_failing_action,
            product,
        };
        out.extend(f.settings.iter().map(|e| subject(e, false)));
        out.extend(f.earlier.iter().map(|e| subject(e, false)));
        out.extend(f.window.iter().map(|e| subject(e, true)));
        out.extend(f.failure_point.iter().map(|e| subject(e, true)));
        out.extend(f.later.iter().map(|e| subject(e, false)));
        out.extend(f.outcome_events.iter().map(|e| subject(e, false)));
        out.extend(f.file_in_use.iter().map(|e| subject(e, false)));
    }
    out
}

/// Point a bundle finding at the findings of the package sessions it ran.
fn explain_by_packages(
    finding: &mut Finding,
    bundle: &crate::analysis::BundleReport,
    sessions: &[crate::analysis::SessionReport],
    session_findings: &[Finding],
) {
    for log in &bundle.package_logs {
        let Some(input) = log.input else { continue };
        for (index, _) in sessions
            .iter()
            .enumerate()
            .filter(|(_, s)| s.input == input)
        {
            if let Some(cause) = session_findings
                .iter()
                .find(|f| f.session == Some(index) && f.severity == Severity::Error)
            {
                finding.summary.push_str(&format!(
                    " Package {} failed: {} (see its finding '{}').",
                    log.package, cause.title, cause.id
                ));
            }
        }
    }
}

/// Build the report: sessions, bundles linked to their package logs, findings in order.
pub(super) fn assemble(parsed: Vec<Parsed>, settings: &AnalysisSettings) -> Report {
    let mut inputs = Vec::new();
    let mut facts: Vec<msi::SessionFacts> = Vec::new();
    let mut trackers = Vec::new();
    let mut recorded_installs = Vec::new();
    let mut eventlog_findings = Vec::new();
    let mut crashes = Vec::new();
    let mut services = Vec::new();
    let mut captures = Vec::new();
    let mut capture_findings = Vec::new();
    let mut deployment_failures = Vec::new();
    let mut deployment_findings = Vec::new();
    // Kept events of the event logs and captures, per input.
    let mut kept: Vec<KeptInput> = Vec::new();
    for p in parsed {
        match p.content {
            Content::Msi(f) => facts.extend(f),
            Content::Burn(t) => trackers.push(t),
            Content::EventLog(facts) => {
                let facts = *facts;
                recorded_installs.extend(facts.installs.into_iter().map(|mut i| {
                    i.report.input = p.report.id;
                    i
                }));
                eventlog_findings.extend(facts.findings);
                crashes.extend(facts.crashes);
                services.extend(facts.services);
                kept.push(KeptInput {
                    input: p.report.id,
                    source: SourceClass::EventLog,
                    events: facts.events,
                });
            }
            Content::Capture(c) => {
                let (capture, findings, events) = *c;
                captures.push(capture);
                capture_findings.extend(findings);
                kept.push(KeptInput {
                    input: p.report.id,
                    source: SourceClass::Procmon,
                    events,
                });
            }
            Content::Deployment(facts) => {
                let facts = *facts;
                deployment_failures.extend(facts.failures);
                deployment_findings.extend(facts.findings);
                kept.push(KeptInput {
                    input: p.report.id,
                    source: SourceClass::ToolLog,
                    events: facts.events,
                });
            }
            Content::None => {}
        }
        inputs.push(p.report);
    }
    let clocks = align_clocks(&inputs, &mut facts, &mut kept, &mut trackers, settings);
    let paths: Vec<String> = inputs.iter().map(|i| i.path.clone()).collect();
    let mut subjects = rule_subjects(&facts);
    let session_subjects = subjects.len();
    for k in &kept {
        subjects.extend(k.events.iter().map(|event| crate::rules::Subject {
            event,
            source: k.source,
            session: None,
            in_failing_action: false,
            product: None,
        }));
    }
    // The sessions' events (and the Burn lines) are copied into the timeline now; the kept events
    // of event logs, captures and tool logs are moved into it at the end, once nothing else
    // needs them, so a large capture's events are never held twice.
    let mut timeline = Vec::new();
    if !settings.skip_timeline {
        timeline = crate::analysis::timeline::collect(&subjects[..session_subjects], &paths);
        crate::analysis::timeline::add(
            &mut timeline,
            trackers.iter().flat_map(|t| t.kept()),
            &paths,
        );
    }
    let matches =
        crate::rules::evaluate_rules(crate::rules::active(settings.rules.as_deref()), &subjects);
    let causes = diagnose::cause_index(&matches, &subjects);
    let ctx = diagnose::RuleContext {
        matches: &matches,
        subjects: &subjects,
        paths: &paths,
        causes: &causes,
    };
    // Sessions are diagnosed independently: a log of hundreds of sessions spreads them over
    // the threads, which are otherwise idle once parsing is done.
    let per_session: Vec<Vec<Finding>> = facts
        .par_iter()
        .enumerate()
        .map(|(index, f)| diagnose::session_findings(f, index, &ctx))
        .collect();
    let mut session_findings: Vec<Finding> = per_session.into_iter().flatten().collect();
    // Matches outside every installer session stand on their own, unless the event-log or capture
    // analysis already reports the same evidence.
    let cited: Vec<&crate::findings::Evidence> = eventlog_findings
        .iter()
        .chain(&capture_findings)
        .chain(&deployment_findings)
        .chain(deployment_failures.iter().map(|f| &f.finding))
        .chain(crashes.iter().chain(&services).map(|c| &c.finding))
        .flat_map(|f| f.evidence.iter())
        .collect();
    for m in &matches {
        if m.hits.iter().all(|h| subjects[h.subject].session.is_none()) {
            let finding = diagnose::rule_finding(m, &ctx);
            let repeated = finding.evidence.iter().all(|e| {
                cited.iter().any(|c| {
                    c.input == e.input && c.line == e.line && c.record == e.record && c.row == e.row
                })
            });
            if !repeated {
                session_findings.push(finding);
            }
        }
    }
    let mut sessions: Vec<crate::analysis::SessionReport> =
        facts.iter().map(|f| f.report.clone()).collect();
    let mut bundles = Vec::new();
    let mut bundle_findings = Vec::new();
    for t in trackers {
        let index = bundles.len();
        let (mut bundle, finding) = t.finish(index);
        for log in &mut bundle.package_logs {
            let name = log
                .path
                .rsplit(['\\', '/'])
                .next()
                .unwrap_or(&log.path)
                .to_ascii_lowercase();
            log.input = inputs
                .iter()
                .find(|i: &&InputReport| {
                    Path::new(&i.path)
                        .file_name()
                        // Collected logs are often renamed with a prefix (`Machine1_<name>`).
                        .is_some_and(|f| f.to_string_lossy().to_ascii_lowercase().ends_with(&name))
                })
                .map(|i| i.id);
            if let Some(input) = log.input {
                for s in sessions.iter_mut().filter(|s| s.input == input) {
                    s.bundle = Some(index);
                }
            }
        }
        let mut finding = finding;
        if let Some(f) = finding.as_mut() {
            explain_by_packages(f, &bundle, &sessions, &session_findings);
        }
        bundles.push(bundle);
        bundle_findings.extend(finding);
    }
    // Root causes first: errors before warnings; within errors, the more certain first; a bundle's
    // failure comes after the package failures it results from.
    let unexplained = install_merge::merge(
        recorded_installs,
        &facts,
        &mut sessions,
        &mut session_findings,
    );
    let spans = install_merge::install_spans(&sessions, &facts);
    let nearby = crate::analysis::nearby::rank_services(services, &spans, &sessions);
    eventlog_findings.splice(0..0, nearby);
    eventlog_findings.extend(crate::analysis::nearby::rank_crashes(
        crashes, &spans, &sessions,
    ));
    let deployment_rest = deployment::fold_into_sessions(
        deployment_failures,
        &mut session_findings,
        &sessions,
        &inputs,
    );
    let mut findings = session_findings;
    findings.extend(bundle_findings);
    findings.extend(unexplained);
    findings.extend(deployment_rest);
    findings.extend(deployment_findings);
    let eventlog_findings = fold_into_sessions(eventlog_findings, &mut findings);
    findings.extend(eventlog_findings);
    let mut capture_findings = fold_into_sessions(capture_findings, &mut findings);
    name_running_actions(&mut capture_findings, &facts, &kept, &inputs, &captures);
    findings.extend(capture_findings);
    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.bundle.is_some().cmp(&b.bundle.is_some()))
            // A failed installation ranks above what happened around it (ambient noise).
            .then(a.session.is_none().cmp(&b.session.is_none()))
            .then(a.confidence.cmp(&b.confidence))
    });
    // A finding from a rule carries the rule's references (documents for further reading).
    let active = crate::rules::active(settings.rules.as_deref());
    for f in findings.iter_mut().filter(|f| f.references.is_empty()) {
        if let Some(rule) = active.iter().find(|r| r.id == f.id) {
            f.references = rule.references.clone();
        }
    }
    let failed = findings.iter().any(|f| f.severity == Severity::Error);
    let index = failure_graph::EventIndex::for_findings(
        &inputs,
        &findings,
        facts
            .iter()
            .flat_map(msi::SessionFacts::events)
            .chain(kept.iter().flat_map(|k| k.events.iter())),
    );
    let (graph, chains) = failure_graph::build(&findings, &sessions, &captures, &index);
    let graph = (!chains.is_empty()).then(|| graph.report(&chains));
    drop(index);
    if settings.skip_timeline {
        // Nothing needs the kept events any more, nor the sessions' facts. Freeing a large
        // capture's events (or a long log's sessions) one by one takes a while: do it off the
        // calling thread (inline when no thread can be started).
        let _ = std::thread::Builder::new()
            .name("msitrace-free".into())
            .spawn(move || drop((kept, facts)));
    } else {
        timeline.reserve(kept.iter().map(|k| k.events.len()).sum());
        crate::analysis::timeline::add(
            &mut timeline,
            kept.into_iter().flat_map(|k| k.events),
            &paths,
        );
    }
    let verdict = crate::analysis::Verdict::of(&inputs, &findings);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("msitrace {}", env!("CARGO_PKG_VERSION")),
        inputs,
        sessions,
        bundles,
        captures,
        clock: clocks,
        findings,
        graph,
        failed,
        verdict,
        timeline,
    }
}
