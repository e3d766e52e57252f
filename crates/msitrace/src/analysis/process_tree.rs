//! The process tree of a capture.
//!
//! Built from the events of one input, in order: [`Kind::ProcessInfo`] (the XML process list, or a
//! CSV row's process columns — `Parent PID` when exported), `Process Create` operations (seen in the
//! parent: child PID and command line in the detail, image in the path), [`Kind::ProcessStart`]
//! (seen in the child: `Parent PID`, command line, current directory) and [`Kind::ProcessExit`].
//!
//! A PID names one process at a time: after a process exits, or when the columns give a different
//! parent for a PID, a later start or sighting of that PID is a new process (PID reuse).

use crate::event::{Event, Kind, Location, ProcessInfo, ProcessStart};
use serde::Serialize;
use std::collections::HashMap;

/// One process of a capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessNode {
    /// Process id.
    pub pid: u32,
    /// Parent process id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_pid: Option<u32>,
    /// Index of the parent in [`ProcessTree::processes`], when the parent is in the capture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// Image file name (`msiexec.exe`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Full image path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Command line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_line: Option<String>,
    /// Account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Integrity level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
    /// Row of its `Process Start` (or `Process Create`), when the start was captured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<u64>,
    /// Row of its `Process Exit`, when captured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exited: Option<u64>,
    /// Exit status, when captured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_status: Option<u32>,
    /// Where the process was first seen.
    pub first_seen: u64,
}

/// The processes of a capture, in order of first sighting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProcessTree {
    /// Every process instance.
    pub processes: Vec<ProcessNode>,
}

/// The order of an event in its input. XML process-list entries (located by byte offset) come
/// before every event row.
fn place(at: Location) -> u64 {
    match at {
        Location::Row(n) | Location::Line(n) | Location::Record(n) => n,
        Location::Offset(_) => 0,
    }
}

/// Builds a [`ProcessTree`] from a capture's events, in order.
#[derive(Debug, Default)]
pub struct ProcessTreeBuilder {
    tree: ProcessTree,
    /// The current instance of each PID.
    live: HashMap<u32, usize>,
    /// Instances opened by a `Process Create`, waiting for the child's own `Process Start`.
    created: Vec<usize>,
}

impl ProcessTreeBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Take one event into account (others are ignored).
    pub fn push(&mut self, event: &Event) {
        let at = place(event.at);
        match &event.kind {
            Kind::ProcessInfo(info) => self.info(info, at),
            Kind::ProcessStart(start) => self.start(start, at),
            Kind::ProcessExit { pid, status } => {
                let i = self.current(*pid, at);
                let node = &mut self.tree.processes[i];
                node.exited = Some(at);
                node.exit_status = *status;
            }
            Kind::Operation(op) if op.name == "Process Create" => {
                let Some(creator) = event.process.as_ref().map(|p| p.pid) else {
                    return;
                };
                let Some(child) = op.detail("PID").and_then(|p| p.trim().parse().ok()) else {
                    return;
                };
                let i = self.open(child, at);
                let node = &mut self.tree.processes[i];
                node.parent_pid = Some(creator);
                node.started = Some(at);
                node.image = node.image.take().or_else(|| op.path.clone());
                node.command_line = node
                    .command_line
                    .take()
                    .or_else(|| op.detail("Command line").map(|c| c.trim_end().to_string()));
                self.created.push(i);
            }
            _ => {}
        }
    }

    /// The current instance of a PID, opening one when none is known.
    fn current(&mut self, pid: u32, at: u64) -> usize {
        match self.live.get(&pid) {
            Some(&i) => i,
            None => self.open(pid, at),
        }
    }

    /// Open a new instance of a PID.
    fn open(&mut self, pid: u32, at: u64) -> usize {
        let i = self.tree.processes.len();
        self.tree.processes.push(ProcessNode {
            pid,
            parent_pid: None,
            parent: None,
            name: None,
            image: None,
            command_line: None,
            user: None,
            integrity: None,
            started: None,
            exited: None,
            exit_status: None,
            first_seen: at,
        });
        self.live.insert(pid, i);
        i
    }

    fn info(&mut self, info: &ProcessInfo, at: u64) {
        let i = match self.live.get(&info.pid) {
            Some(&i) => {
                let node = &self.tree.processes[i];
                let reused = matches!((node.parent_pid, info.parent), (Some(a), Some(b)) if a != b);
                if reused {
                    self.open(info.pid, at)
                } else {
                    i
                }
            }
            None => self.open(info.pid, at),
        };
        let node = &mut self.tree.processes[i];
        fill(&mut node.parent_pid, info.parent);
        fill(&mut node.name, info.name.clone());
        fill(&mut node.image, info.image.clone());
        fill(&mut node.command_line, info.command_line.clone());
        fill(&mut node.user, info.user.clone());
        fill(&mut node.integrity, info.integrity.clone());
    }

    fn start(&mut self, start: &ProcessStart, at: u64) {
        // The child's own start merges into the instance its creator opened, or one only described
        // so far (process list, first row); a PID whose process exited starts anew.
        let i = match self.live.get(&start.pid) {
            Some(&i) => {
                let node = &self.tree.processes[i];
                let fresh =
                    node.exited.is_none() && (self.created.contains(&i) || node.started.is_none());
                if fresh {
                    i
                } else {
                    self.open(start.pid, at)
                }
            }
            None => self.open(start.pid, at),
        };
        self.created.retain(|&c| c != i);
        let node = &mut self.tree.processes[i];
        node.started = Some(node.started.map_or(at, |s| s.min(at)));
        if start.parent.is_some() {
            node.parent_pid = start.parent;
        }
        fill(&mut node.image, start.image.clone());
        fill(&mut node.command_line, start.command_line.clone());
        fill(&mut node.user, start.user.clone());
        fill(&mut node.integrity, start.integrity.clone());
    }

    /// The tree, with parent links resolved: the parent is the instance of the parent PID that
    /// was alive when the child was first seen.
    pub fn finish(mut self) -> ProcessTree {
        let mut by_pid: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, p) in self.tree.processes.iter().enumerate() {
            by_pid.entry(p.pid).or_default().push(i);
        }
        let links: Vec<Option<usize>> = self
            .tree
            .processes
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let candidates = by_pid.get(&p.parent_pid?)?;
                let born = p.started.unwrap_or(p.first_seen);
                candidates
                    .iter()
                    .copied()
                    .rfind(|&c| {
                        let cand = &self.tree.processes[c];
                        c != i && cand.first_seen <= born && cand.exited.is_none_or(|e| e >= born)
                    })
                    .or_else(|| candidates.iter().copied().find(|&c| c != i))
            })
            .collect();
        for (p, link) in self.tree.processes.iter_mut().zip(links) {
            p.parent = link;
        }
        self.tree
    }
}

fn fill<T>(slot: &mut Option<T>, value: Option<T>) {
    if slot.is_none() {
        *slot = value;
    }
}

impl ProcessTree {
    /// Build the tree of a capture's events.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> ProcessTree {
        let mut b = ProcessTreeBuilder::new();
        for e in events {
            b.push(e);
        }
        b.finish()
    }

    /// The instance of `pid` alive at row `at` (the latest one first seen at or before it).
    pub fn at(&self, pid: u32, at: u64) -> Option<usize> {
        let mut best = None;
        for (i, p) in self.processes.iter().enumerate() {
            if p.pid == pid && p.first_seen.min(p.started.unwrap_or(u64::MAX)) <= at {
                best = Some(i);
            }
        }
        best.or_else(|| self.processes.iter().position(|p| p.pid == pid))
    }

    /// The chain from the root down to process `i`: `explorer.exe (3344) > msiexec.exe (4242)`.
    pub fn chain(&self, i: usize) -> Vec<usize> {
        let mut chain = vec![i];
        let mut cur = i;
        while let Some(parent) = self.processes[cur].parent {
            if chain.contains(&parent) || chain.len() > 64 {
                break;
            }
            chain.push(parent);
            cur = parent;
        }
        chain.reverse();
        chain
    }

    /// A process as shown to people: `msiexec.exe (4242)`.
    pub fn label(&self, i: usize) -> String {
        format!("{} ({})", self.name(i), self.processes[i].pid)
    }

    /// The process name (the file name of its image), `?` when unknown.
    pub fn name(&self, i: usize) -> String {
        let p = &self.processes[i];
        p.name
            .clone()
            .or_else(|| {
                p.image
                    .as_deref()
                    .map(|s| s.rsplit('\\').next().unwrap_or(s).to_string())
            })
            .unwrap_or_else(|| "?".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Operation, OperationClass, ProcessRef, Stamp};

    fn ev(at: u64, pid: u32, kind: Kind) -> Event {
        Event {
            time: Stamp::none(),
            input: 0,
            at: Location::Row(at),
            process: Some(ProcessRef {
                pid,
                tid: None,
                image: None,
                partial: false,
                role: None,
            }),
            kind,
            raw: None,
        }
    }

    fn create(at: u64, parent: u32, child: u32, image: &str) -> Event {
        ev(
            at,
            parent,
            Kind::from(Operation {
                class: OperationClass::Process,
                name: "Process Create".into(),
                path: Some(image.into()),
                target: None,
                result: "SUCCESS".into(),
                status: None,
                detail: vec![
                    ("PID".into(), child.to_string()),
                    ("Command line".into(), image.into()),
                ],
                stack: vec![],
            }),
        )
    }

    fn start(at: u64, pid: u32, parent: u32) -> Event {
        ev(
            at,
            pid,
            Kind::from(ProcessStart {
                pid,
                parent: Some(parent),
                image: None,
                command_line: None,
                current_directory: None,
                user: None,
                integrity: None,
            }),
        )
    }

    #[test]
    fn create_start_exit_and_pid_reuse() {
        let events = vec![
            create(1, 100, 200, r"C:\Windows\System32\msiexec.exe"),
            start(2, 200, 100),
            ev(
                3,
                200,
                Kind::ProcessExit {
                    pid: 200,
                    status: Some(1603),
                },
            ),
            // PID 200 reused by a child of 300.
            create(4, 300, 200, r"C:\x\setup.exe"),
            start(5, 200, 300),
        ];
        let tree = ProcessTree::from_events(&events);
        assert_eq!(tree.processes.len(), 2);
        let first = &tree.processes[0];
        assert_eq!(
            (first.pid, first.parent_pid, first.exit_status),
            (200, Some(100), Some(1603))
        );
        assert_eq!(first.started, Some(1));
        let second = &tree.processes[1];
        assert_eq!((second.pid, second.parent_pid), (200, Some(300)));
        assert_eq!(second.image.as_deref(), Some(r"C:\x\setup.exe"));
        assert_eq!(tree.at(200, 2), Some(0));
        assert_eq!(tree.at(200, 5), Some(1));
    }

    #[test]
    fn chain_follows_parents() {
        let events = vec![
            ev(
                1,
                100,
                Kind::from(ProcessInfo {
                    pid: 100,
                    parent: None,
                    name: Some("explorer.exe".into()),
                    image: None,
                    command_line: None,
                    user: None,
                    integrity: None,
                }),
            ),
            create(2, 100, 200, r"C:\Windows\System32\msiexec.exe"),
            start(3, 200, 100),
        ];
        let tree = ProcessTree::from_events(&events);
        let chain = tree.chain(1);
        assert_eq!(chain, vec![0, 1]);
        assert_eq!(tree.label(0), "explorer.exe (100)");
        assert_eq!(tree.label(1), "msiexec.exe (200)");
    }
}
