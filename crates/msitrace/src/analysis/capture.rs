//! What a Process Monitor capture says on its own: the failing operations that matter, folded by
//! process, result and path class, each with the process chain that led to it and its rows as
//! evidence; installer processes that exited with a failure; and a summary of every row by
//! operation and result ([`CaptureReport`]).
//!
//! Benign noise is counted, not reported: results that are routine ([`ResultClass::Noise`]:
//! `BUFFER OVERFLOW`, `REPARSE`, `NO MORE ENTRIES`, ...), probing (`NAME NOT FOUND`,
//! `PATH NOT FOUND`), and `Desired Access: All Access` opens that were denied and then retried
//! narrower with success by the same process.

use crate::analysis::process_tree::ProcessTree;
use crate::analysis::{CaptureReport, FailureGroup, ResultTotals};
use crate::codes::{classify_exit, exit_meaning, OutcomeClass};
use crate::event::{Event, Kind, Location, Operation, OperationClass};
use crate::findings::{Confidence, Evidence, EvidenceRole, Finding, Severity};
use crate::source::procmon::csv::CaptureRead;
use crate::source::procmon::status::{self, ResultClass};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Most evidence rows cited per finding.
const MAX_EVIDENCE: usize = 5;

/// Processes whose failures are an installation's failures.
const INSTALLER_IMAGES: &[&str] = &["msiexec.exe", "setup.exe", "install.exe", "installer.exe"];

fn is_installer(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    INSTALLER_IMAGES.contains(&n.as_str()) || n.contains("setup") || n.contains("install")
}

/// Results worth a finding: (result, id slug, category, what to do).
const REMEDIES: &[(&str, &str)] = &[
    ("ACCESS DENIED", "Check the permissions of the path for the account the process runs as (see the user and integrity in the process chain); an unelevated installer, a read-only or locked-down folder, or an antivirus / Controlled Folder Access block are the usual causes."),
    ("SHARING VIOLATION", "Another process holds the file open without sharing: close the application that uses it (Process Monitor's earlier rows on the same path, or Resource Monitor, show which), or let the installer schedule a reboot."),
    ("DISK FULL", "Free space on the target drive, then run the installation again."),
    ("PRIVILEGE NOT HELD", "Run the installation elevated (as administrator) or from an account that holds the privilege the operation needs."),
    ("DELETE PENDING", "The file was marked for deletion while still open: close the processes that use it or reboot, then retry."),
    ("CANNOT DELETE", "The file is mapped, read-only or in use: close the process using it or reboot, then retry."),
];

/// Analyse one capture read by the Process Monitor readers.
pub fn analyze(input: u32, path: &str, read: &CaptureRead) -> (CaptureReport, Vec<Finding>) {
    let tree = ProcessTree::from_events(&read.events);
    let (groups, retried) = failing_groups(&read.events);
    // Total rows per fold key of the findings, kept or not (kept ones are capped per operation).
    let mut totals: HashMap<(&str, &str, &str), u64> = HashMap::new();
    for (k, &n) in &read.tally.failures {
        *totals
            .entry((&k.process, &k.result, &k.path_class))
            .or_default() += n;
    }
    let mut findings = Vec::new();
    // What failed in each process, to tell with its exit.
    let mut by_pid: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for (key, rows) in &groups {
        let total = totals
            .get(&(key.0.as_str(), key.1.as_str(), key.2.as_str()))
            .copied()
            .unwrap_or(0);
        let finding = operation_finding(path, read, &tree, key, rows, total);
        if let Some(pid) = read.events[rows[0]].process.as_ref().map(|p| p.pid) {
            by_pid.entry(pid).or_default().push(finding.title.clone());
        }
        findings.push(finding);
    }
    for (pids, mut f) in exit_findings(path, &read.events, &tree) {
        let mut titles: Vec<&str> = pids
            .iter()
            .filter_map(|pid| by_pid.get(pid))
            .flatten()
            .map(String::as_str)
            .collect();
        let mut seen = std::collections::HashSet::new();
        titles.retain(|t| seen.insert(*t));
        if !titles.is_empty() {
            f.summary.push_str(&format!(
                " Failing operations of {}: {}.",
                if pids.len() == 1 {
                    "this process"
                } else {
                    "these processes"
                },
                titles.join("; ")
            ));
        }
        findings.push(f);
    }
    let tally = &read.tally;
    let classes = tally.class_counts();
    let mut failures: Vec<FailureGroup> = tally
        .failures
        .iter()
        .map(|(k, &count)| FailureGroup {
            process: k.process.clone(),
            operation: k.operation.clone(),
            result: k.result.clone(),
            path_class: k.path_class.clone(),
            count,
        })
        .collect();
    failures.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.cmp_key().cmp(&b.cmp_key()))
    });
    let report = CaptureReport {
        input,
        path: path.to_string(),
        rows: tally.rows,
        kept: tally.kept,
        bad_rows: tally.bad_rows,
        date: tally.first_date,
        date_source: if tally.utc_times {
            "the capture's UTC timestamps (no guessing)".to_string()
        } else if tally.has_date {
            match &tally.date_note {
                Some(note) => format!("the rows' dates; {note}"),
                None => "the rows' dates".to_string(),
            }
        } else {
            "unknown: the rows carry times of day only".to_string()
        },
        results: ResultTotals {
            success: classes[0].1,
            noise: classes[1].1,
            probe: classes[2].1,
            failure: classes[3].1,
            retried_all_access: retried,
        },
        operations: tally.operation_counts(),
        failures,
        unknown_operations: tally
            .unknown_operations
            .iter()
            .map(|(n, _)| n.clone())
            .collect(),
        unknown_results: tally
            .unknown_results
            .iter()
            .map(|(n, _)| n.clone())
            .collect(),
        processes: tree.processes.clone(),
    };
    let _ = input;
    (report, findings)
}

/// A fold key: process name (lowercase), result, path class.
type GroupKey = (String, String, String);

/// Kept failing operations folded by process, result and path class (row indexes into the events),
/// and how many denied `All Access` opens were retried narrower.
fn failing_groups(events: &[Event]) -> (BTreeMap<GroupKey, Vec<usize>>, u64) {
    // Keyed by borrowed names while counting; owned once per group at the end.
    let mut groups: HashMap<(&str, &str, String), Vec<usize>> = HashMap::new();
    let mut retried = 0;
    for (i, e) in events.iter().enumerate() {
        let Kind::Operation(op) = &e.kind else {
            continue;
        };
        let class = status::classify(op.result.as_bytes());
        if !matches!(class, Some(ResultClass::Failure) | None) {
            continue;
        }
        if retried_narrower(events, i, op) {
            retried += 1;
            continue;
        }
        let process = e
            .process
            .as_ref()
            .and_then(|p| p.image.as_deref())
            .unwrap_or("?");
        let path_class = op
            .target
            .as_ref()
            .map(|t| t.class())
            .unwrap_or_else(|| "other".into());
        groups
            .entry((process, &op.result, path_class))
            .or_default()
            .push(i);
    }
    let groups = groups
        .into_iter()
        .map(|((process, result, class), rows)| {
            ((process.to_string(), result.to_string(), class), rows)
        })
        .collect();
    (groups, retried)
}

/// True for a denied `All Access` open followed by a successful open of the same path by the same
/// process.
fn retried_narrower(events: &[Event], i: usize, op: &Operation) -> bool {
    if op.result != "ACCESS DENIED"
        || !op
            .detail("Desired Access")
            .is_some_and(|a| a.starts_with("All Access"))
    {
        return false;
    }
    let pid = events[i].process.as_ref().map(|p| p.pid);
    events[i + 1..].iter().take(10_000).any(|e| match &e.kind {
        Kind::Operation(later) => {
            e.process.as_ref().map(|p| p.pid) == pid
                && later.name == op.name
                && later.path == op.path
                && later.result == "SUCCESS"
        }
        _ => false,
    })
}

fn row_of(at: Location) -> u64 {
    match at {
        // Rows copied as text are located by their line.
        Location::Row(n) | Location::Line(n) => n,
        _ => 0,
    }
}

fn chain_text(tree: &ProcessTree, e: &Event) -> Option<String> {
    let pid = e.process.as_ref()?.pid;
    let i = tree.at(pid, row_of(e.at))?;
    let chain: Vec<String> = tree.chain(i).iter().map(|&p| tree.label(p)).collect();
    let node = &tree.processes[i];
    let mut text = chain.join(" > ");
    let mut who = Vec::new();
    if let Some(u) = &node.user {
        who.push(format!("user {u}"));
    }
    if let Some(l) = &node.integrity {
        who.push(format!("integrity {l}"));
    }
    if !who.is_empty() {
        text.push_str(&format!(" ({})", who.join(", ")));
    }
    Some(text)
}

fn operation_finding(
    path: &str,
    read: &CaptureRead,
    tree: &ProcessTree,
    key: &GroupKey,
    rows: &[usize],
    total: u64,
) -> Finding {
    let (process, result, path_class) = key;
    let first = &read.events[rows[0]];
    let Kind::Operation(op) = &first.kind else {
        unreachable!("groups hold operations only")
    };
    let total = total.max(rows.len() as u64);
    let mut operations: Vec<&str> = rows
        .iter()
        .filter_map(|&r| match &read.events[r].kind {
            Kind::Operation(o) => Some(o.name.as_str()),
            _ => None,
        })
        .collect();
    operations.sort_unstable();
    operations.dedup();
    // Each path once (the same path is the same target), then as shown.
    let mut seen = HashSet::new();
    let mut paths: Vec<String> = rows
        .iter()
        .filter_map(|&r| match &read.events[r].kind {
            Kind::Operation(o) => o.target.as_ref().filter(|_| seen.insert(&o.path)),
            _ => None,
        })
        .map(|t| t.display())
        .collect();
    paths.sort();
    paths.dedup();
    let status = op.status.as_ref().and_then(|s| s.code);
    let slug = result.to_ascii_lowercase().replace(' ', "-");
    let installer = is_installer(process);
    let remedy = REMEDIES
        .iter()
        .find(|(r, _)| r == result)
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| {
            format!(
                "Look at what the process did just before row {} on the same path.",
                row_of(first.at)
            )
        });
    let times = if total == 1 {
        "once".to_string()
    } else {
        format!("{total} times")
    };
    let title = format!("{result} under {path_class} by {process} ({times})");
    let mut summary = format!(
        "{process} got {result}{} on {} ({}){}.",
        status.map(|c| format!(" (0x{c:08X})")).unwrap_or_default(),
        paths.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
        operations.join(", "),
        if paths.len() > 3 {
            format!(" and {} other path(s)", paths.len() - 3)
        } else {
            String::new()
        }
    );
    if let Some(chain) = chain_text(tree, first) {
        summary.push_str(&format!(" Process chain: {chain}."));
    }
    let category = match op.class {
        OperationClass::Registry => "registry_access",
        OperationClass::Network => "network",
        OperationClass::Process => "process",
        _ => "file_access",
    };
    Finding {
        occurrences: total,
        references: Vec::new(),
        id: format!("procmon.{slug}"),
        title,
        severity: Severity::Warning,
        confidence: if installer && REMEDIES.iter().any(|(r, _)| r == result) {
            Confidence::Medium
        } else {
            Confidence::Low
        },
        category: category.to_string(),
        summary,
        session: None,
        bundle: None,
        codes: status.into_iter().collect(),
        evidence: rows
            .iter()
            .take(MAX_EVIDENCE)
            .enumerate()
            .map(|(n, &r)| {
                let e = &read.events[r];
                Evidence::new(
                    path,
                    e.at,
                    e.raw.as_deref().unwrap_or(""),
                    if n == 0 {
                        EvidenceRole::Cause
                    } else {
                        EvidenceRole::Context
                    },
                )
            })
            .collect(),
        remediation: vec![remedy],
    }
}

/// One failing exit, or the same exit of the same image repeated: the events, in row order.
struct ExitFold<'e> {
    /// The image that exited, as the exit rows name it.
    name: String,
    /// Each exit, its PID, and its process in the tree when that process runs the same image.
    exits: Vec<(&'e Event, u32, Option<usize>)>,
    code: u32,
    installer_failed: bool,
}

/// Installer processes that exited with a failure, and any process that died with an NTSTATUS
/// error (crash, missing DLL), with the PIDs of each. The same exit of the same image (name and
/// status) is one finding with a count and its first and last rows: an installer run again and
/// again that fails the same way each time is one fact.
fn exit_findings(path: &str, events: &[Event], tree: &ProcessTree) -> Vec<(Vec<u32>, Finding)> {
    let mut folds: Vec<ExitFold<'_>> = Vec::new();
    let mut by_key: BTreeMap<(String, u32), usize> = BTreeMap::new();
    for e in events {
        let Kind::ProcessExit {
            pid,
            status: Some(code),
        } = &e.kind
        else {
            continue;
        };
        // The row names the image that exited; the tree gives its chain when its process at
        // that row runs the same image (a PID can be reused by another program, and where the
        // tree starts a new process must not change what the exit is counted as).
        let at = tree.at(*pid, row_of(e.at));
        let tree_name = at.map(|i| tree.name(i));
        let Some(name) = e
            .image()
            .map(|image| image.rsplit('\\').next().unwrap_or(image).to_string())
            .or_else(|| tree_name.clone())
        else {
            continue;
        };
        let at = at.filter(|_| {
            tree_name
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(&name))
        });
        let ntstatus = *code >= 0xC000_0000;
        let installer_failed = is_installer(&name) && classify_exit(*code) == OutcomeClass::Failure;
        if !(ntstatus || installer_failed) {
            continue;
        }
        let key = (name.to_ascii_lowercase(), *code);
        let n = *by_key.entry(key).or_insert_with(|| {
            folds.push(ExitFold {
                name: name.clone(),
                exits: Vec::new(),
                code: *code,
                installer_failed,
            });
            folds.len() - 1
        });
        folds[n].exits.push((e, *pid, at));
    }
    folds
        .into_iter()
        .map(|fold| exit_finding(path, tree, &fold))
        .collect()
}

fn exit_finding(path: &str, tree: &ProcessTree, fold: &ExitFold<'_>) -> (Vec<u32>, Finding) {
    let (code, installer_failed) = (fold.code, fold.installer_failed);
    let (first, first_pid, i) = fold.exits[0];
    let count = fold.exits.len();
    let ntstatus = code >= 0xC000_0000;
    let meaning = if ntstatus {
        status::name_of(code)
            .map(str::to_string)
            .unwrap_or_else(|| format!("NTSTATUS 0x{code:08X}"))
    } else {
        exit_meaning(code)
    };
    let label = match i {
        Some(i) => tree.label(i),
        None => format!("{} ({first_pid})", fold.name),
    };
    let chain: Vec<String> = match i {
        Some(i) => tree.chain(i).iter().map(|&p| tree.label(p)).collect(),
        None => vec![label.clone()],
    };
    let shown = if ntstatus {
        format!("0x{code:08X}")
    } else {
        code.to_string()
    };
    let mut pids: Vec<u32> = fold.exits.iter().map(|(_, pid, _)| *pid).collect();
    pids.sort_unstable();
    pids.dedup();
    let (title, summary) = if count == 1 {
        (
            format!("{label} exited with {shown} ({meaning})"),
            format!(
                "{label} exited with status {shown}: {meaning}. Process chain: {}.",
                chain.join(" > ")
            ),
        )
    } else {
        let name = &fold.name;
        let (last, _, _) = fold.exits[count - 1];
        (
            format!("{name} exited with {shown} ({meaning}), {count} times"),
            format!(
                "{name} exited with status {shown} {count} times, from row {} to row {}: {meaning}. Process chain of the first: {}.",
                row_of(first.at),
                row_of(last.at),
                chain.join(" > ")
            ),
        )
    };
    let mut cited = vec![first];
    if count > 1 {
        cited.push(fold.exits[count - 1].0);
    }
    let finding = Finding {
        occurrences: count as u64,
        references: Vec::new(),
        id: if installer_failed {
            "procmon.installer-exit".into()
        } else {
            "procmon.process-crash".into()
        },
        title,
        severity: if installer_failed {
            Severity::Error
        } else {
            Severity::Warning
        },
        confidence: if installer_failed {
            Confidence::Medium
        } else {
            Confidence::Low
        },
        category: "process".into(),
        summary,
        session: None,
        bundle: None,
        codes: vec![code],
        evidence: cited
            .into_iter()
            .map(|e| {
                Evidence::new(
                    path,
                    e.at,
                    e.raw.as_deref().unwrap_or(""),
                    EvidenceRole::Outcome,
                )
            })
            .collect(),
        remediation: vec![if installer_failed {
            "Open the installer's own log (msiexec /l*v) for the cause; the failing operations listed by the other findings happened in this process tree.".into()
        } else {
            "Check that the program's files and dependencies are present and not blocked; the exit status names the reason.".into()
        }],
    };
    (pids, finding)
}
