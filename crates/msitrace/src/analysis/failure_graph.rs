//! The failing call chain of each failure, as a [`FailureGraph`].
//!
//! For each error finding of an installer session, the chain runs from the processes above the
//! earliest cause (from a Process Monitor capture's process tree, when one is given) through the
//! cause and what it led to (installer messages, Service Control Manager records), to the failing
//! action's `Return value 3`, the exit status and the event-log records that reported it:
//!
//! ```text
//! services.exe (PID 712) → msiexec.exe (PID 3908) → CreateFile …\Temp\MSI5d2e.tmp: ACCESS DENIED
//!   → Internal Error 2503 → InstallFinalize: Return value 3 → exit status 1603 → MsiInstaller 11708
//! ```
//!
//! The installer session and its failing action hang off the server process as a side branch when
//! the cause lies in another process (a service program that could not start).

use crate::analysis::{CaptureReport, InputReport, SessionReport};
use crate::codes::{self, CodeScope};
use crate::event::{Event, Kind, Location};
use crate::findings::{Evidence, EvidenceRole, Finding};
use crate::graph::{EdgeKind, FailureGraph, NodeKind};
use petgraph::graph::NodeIndex;
use std::collections::HashMap;

/// Where to find the event behind a piece of evidence.
pub struct EventIndex<'a> {
    by_place: HashMap<(u32, Location), &'a Event>,
    ids: HashMap<&'a str, u32>,
}

impl<'a> EventIndex<'a> {
    /// Index kept events by input and location, and input paths by id.
    #[cfg(any(test, feature = "internals"))]
    pub fn new(inputs: &'a [InputReport], events: impl IntoIterator<Item = &'a Event>) -> Self {
        EventIndex {
            by_place: events.into_iter().map(|e| ((e.input, e.at), e)).collect(),
            ids: inputs.iter().map(|i| (i.path.as_str(), i.id)).collect(),
        }
    }

    /// [`EventIndex::new`] holding only the events `findings` cite (all that [`build`] looks
    /// up for them): most kept events are cited by none, and indexing each costs a hash insert.
    pub fn for_findings(
        inputs: &'a [InputReport],
        findings: &[Finding],
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Self {
        let ids: HashMap<&'a str, u32> = inputs.iter().map(|i| (i.path.as_str(), i.id)).collect();
        let cited: std::collections::HashSet<(u32, Location)> = findings
            .iter()
            .flat_map(|f| &f.evidence)
            .filter_map(|e| Some((*ids.get(e.input.as_str())?, place(e)?)))
            .collect();
        EventIndex {
            by_place: events
                .into_iter()
                .filter(|e| cited.contains(&(e.input, e.at)))
                .map(|e| ((e.input, e.at), e))
                .collect(),
            ids,
        }
    }

    fn input(&self, e: &Evidence) -> Option<u32> {
        self.ids.get(e.input.as_str()).copied()
    }

    fn event(&self, e: &Evidence) -> Option<&'a Event> {
        let input = self.input(e)?;
        // A cited line may be a continuation of the entry that holds it.
        self.by_place.get(&(input, place(e)?)).copied()
    }
}

/// Where a piece of evidence points in its input.
fn place(e: &Evidence) -> Option<Location> {
    match (e.line, e.record, e.row) {
        (Some(l), _, _) => Some(Location::Line(l)),
        (_, Some(r), _) => Some(Location::Record(r)),
        (_, _, Some(r)) => Some(Location::Row(r)),
        _ => None,
    }
}

/// Build the graph of every session failure; returns it with each chain's finding index.
pub fn build(
    findings: &[Finding],
    sessions: &[SessionReport],
    captures: &[CaptureReport],
    index: &EventIndex<'_>,
) -> (FailureGraph, Vec<(usize, Vec<NodeIndex>)>) {
    let mut g = FailureGraph::default();
    let mut chains = Vec::new();
    for (n, f) in findings.iter().enumerate() {
        let Some(session) = f.session.and_then(|s| sessions.get(s)) else {
            continue;
        };
        if f.severity != crate::findings::Severity::Error {
            continue;
        }
        let Some(end) = add_failure(&mut g, f, session, captures, index) else {
            continue;
        };
        chains.push((n, g.chain(end)));
    }
    (g, chains)
}

/// Add one failure's nodes, cause first; returns the last outcome node.
fn add_failure(
    g: &mut FailureGraph,
    f: &Finding,
    session: &SessionReport,
    captures: &[CaptureReport],
    index: &EventIndex<'_>,
) -> Option<NodeIndex> {
    let mut last: Option<NodeIndex> = None;
    let mut step = |g: &mut FailureGraph, node: NodeIndex, edge: EdgeKind| {
        if let Some(prev) = last {
            g.link(prev, node, edge);
        }
        last = Some(node);
    };
    // The cause and the events that follow from it: each cited place once, the consequences in
    // time order when the clock placed them all (a service's SCM 7000 comes before the installer's
    // Error 1920 about it), else in the order the finding cites them.
    let mut seen = std::collections::HashSet::new();
    let mut causal: Vec<&Evidence> = f
        .evidence
        .iter()
        .filter(|e| matches!(e.role, EvidenceRole::Cause | EvidenceRole::Consequence))
        .filter(|e| seen.insert((e.input.as_str(), e.line, e.record, e.row)))
        .collect();
    if causal.len() > 2 {
        let times: Option<Vec<_>> = causal[1..]
            .iter()
            .map(|e| index.event(e).and_then(|ev| ev.time.aligned))
            .collect();
        if let Some(times) = times {
            let mut order: Vec<usize> = (0..times.len()).collect();
            order.sort_by_key(|&i| times[i]);
            let rest: Vec<&Evidence> = order.iter().map(|&i| causal[1 + i]).collect();
            causal.truncate(1);
            causal.extend(rest);
        }
    }
    let session_label = format!(
        "{} of {}",
        session.operation,
        session.product.as_deref().unwrap_or("(unnamed product)")
    );
    let action_label = session
        .failed_action
        .as_ref()
        .map(|a| format!("action {}", a.name));
    let mut in_path = false;
    if let Some(first) = causal.first() {
        for p in process_chain(first, captures, index) {
            let node = g.node(NodeKind::Process, &p.0, p.1.clone());
            step(g, node, EdgeKind::Spawned);
        }
        // The cause happened in the installer's own process: the session and its failing action
        // sit between that process and the operation.
        in_path = runs_the_session(first, &causal, index);
        if in_path {
            let node = g.node(NodeKind::Session, &session_label, None);
            step(g, node, EdgeKind::Ran);
            if let Some(label) = &action_label {
                let node = g.node(NodeKind::Action, label, None);
                step(g, node, EdgeKind::Ran);
            }
        }
    }
    for (i, e) in causal.iter().enumerate() {
        let event = index.event(e);
        let (kind, label) = describe(e, event);
        let node = g.add(kind, &label, Some((*e).clone()));
        let edge = match (i, kind) {
            (0, _) => EdgeKind::Performed,
            (_, NodeKind::Record) => EdgeKind::ReportedAs,
            (1, _) if causal[0].row.is_some() => EdgeKind::FailedWith,
            _ => EdgeKind::Caused,
        };
        step(g, node, edge);
    }
    // The session and its failing action, attached where the installer failed.
    let session_node = g.node(NodeKind::Session, &session_label, None);
    if let (Some(label), false) = (&action_label, in_path) {
        let action = g.node(NodeKind::Action, label, None);
        g.link(session_node, action, EdgeKind::Ran);
        if let Some(msi_cause) = causal.iter().find(|e| e.line.is_some()) {
            // The installer message the failing action logged.
            if let Some(node) = find_node(g, msi_cause) {
                g.link(action, node, EdgeKind::Ran);
            }
        }
    }
    for e in f
        .evidence
        .iter()
        .filter(|e| e.role == EvidenceRole::Failure)
    {
        let event = index.event(e);
        if event.is_some_and(|ev| matches!(ev.kind, Kind::CustomActionResult { .. })) {
            let (_, label) = describe(e, event);
            let node = g.add(NodeKind::CustomAction, &label, Some(e.clone()));
            step(g, node, EdgeKind::Caused);
            continue;
        }
        let label = match &session.failed_action {
            Some(a) if e.line == Some(a.line) => format!("{}: Return value 3", a.name),
            _ => describe(e, event).1,
        };
        let node = g.add(NodeKind::Outcome, &label, Some(e.clone()));
        step(g, node, EdgeKind::Caused);
    }
    if let Some(o) = &session.outcome {
        let exit = f
            .evidence
            .iter()
            .find(|e| e.role == EvidenceRole::Outcome && e.line.is_some())
            .cloned();
        let node = g.add(
            NodeKind::Outcome,
            &format!("exit status {} ({})", o.code, o.meaning),
            exit,
        );
        step(g, node, EdgeKind::ReportedAs);
    }
    for e in f
        .evidence
        .iter()
        .filter(|e| e.role == EvidenceRole::Outcome && e.record.is_some())
    {
        let (_, label) = describe(e, index.event(e));
        let node = g.add(NodeKind::Record, &label, Some(e.clone()));
        step(g, node, EdgeKind::ReportedAs);
    }
    last
}

/// True when the first cause is an operation of the process that wrote the session's log lines
/// (MSI logs keep only the low digits of the PID; they are compared on those).
fn runs_the_session(first: &Evidence, causal: &[&Evidence], index: &EventIndex<'_>) -> bool {
    let Some(op) = index.event(first).filter(|_| first.row.is_some()) else {
        return false;
    };
    causal
        .iter()
        .filter(|e| e.line.is_some())
        .filter_map(|e| index.event(e))
        .any(|line| op.same_process(line))
}

fn find_node(g: &FailureGraph, e: &Evidence) -> Option<NodeIndex> {
    (0..g.len())
        .map(NodeIndex::new)
        .find(|&i| g.get(i).evidence.as_ref() == Some(e))
}

/// The processes above the process of a capture row, root first: (label, evidence).
fn process_chain(
    e: &Evidence,
    captures: &[CaptureReport],
    index: &EventIndex<'_>,
) -> Vec<(String, Option<Evidence>)> {
    let (Some(row), Some(event)) = (e.row, index.event(e)) else {
        return Vec::new();
    };
    let Some(pid) = event.process.as_ref().map(|p| p.pid) else {
        return Vec::new();
    };
    let Some(capture) = captures.iter().find(|c| c.path == e.input) else {
        return Vec::new();
    };
    let Some(at) = capture.process_at(pid, row) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Option<Evidence>)> = capture
        .lineage(at)
        .into_iter()
        .take(16)
        .map(|i| {
            let p = &capture.processes[i];
            let name = p
                .name
                .as_deref()
                .or(p.image.as_deref())
                .unwrap_or("process");
            let evidence = p.started.map(|r| {
                Evidence::new(
                    &capture.path,
                    Location::Row(r),
                    &format!("{name} started"),
                    EvidenceRole::Context,
                )
            });
            (format!("{name} (PID {})", p.pid), evidence)
        })
        .collect();
    out.reverse();
    out
}

/// The node kind and a one-line label for a piece of evidence.
fn describe(e: &Evidence, event: Option<&Event>) -> (NodeKind, String) {
    let short = |s: &str| crate::text::clip(s.trim(), 111);
    let Some(event) = event else {
        let kind = if e.record.is_some() {
            NodeKind::Record
        } else {
            NodeKind::Message
        };
        return (kind, short(crate::source::msilog::message_body(&e.text)));
    };
    match &event.kind {
        Kind::Operation(o) => (
            NodeKind::Operation,
            short(&format!(
                "{} {}: {}",
                o.name,
                o.path.as_deref().unwrap_or(""),
                o.result
            )),
        ),
        Kind::ProcessExit { status, .. } => {
            let image = event
                .process
                .as_ref()
                .and_then(|p| p.image.as_deref())
                .unwrap_or("process");
            let status = status.map_or("?".to_string(), |s| {
                let name = codes::lookup(CodeScope::NtStatus, s)
                    .and_then(|i| i.names.first().copied())
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default();
                format!("0x{s:08X}{name}")
            });
            (NodeKind::Operation, format!("{image} exited with {status}"))
        }
        Kind::EventRecord(r) => (NodeKind::Record, short(&r.summary_line())),
        Kind::CustomActionResult { action, code, .. } => (
            NodeKind::CustomAction,
            format!("custom action {action} returned {code}"),
        ),
        _ => (
            NodeKind::Message,
            short(crate::source::msilog::message_body(&e.text)),
        ),
    }
}
