//! The failure graph: who ran what, what failed, and how it became the exit status.
//!
//! Nodes are processes, installer sessions, actions, custom actions, failing operations, installer
//! messages, event-log records and outcomes; edges say how one led to the next (spawned, ran,
//! performed, failed-with, reported-as, caused). The **failure chain** is the path that ends at the
//! final outcome and starts at the earliest cause (and the processes above it). The drawings
//! (DOT, Mermaid) are renderers: [`crate::report::graph`].
//!
//! ```
//! use msitrace::graph::{FailureGraph, NodeKind, EdgeKind};
//! let mut g = FailureGraph::default();
//! let server = g.add(NodeKind::Process, "msiexec.exe (PID 3908)", None);
//! let op = g.add(NodeKind::Operation, r"CreateFile C:\Windows\Temp\x ACCESS DENIED", None);
//! let err = g.add(NodeKind::Message, "Internal Error 2503", None);
//! let exit = g.add(NodeKind::Outcome, "exit status 1603", None);
//! g.link(server, op, EdgeKind::Performed);
//! g.link(op, err, EdgeKind::FailedWith);
//! g.link(err, exit, EdgeKind::Caused);
//! let chain = g.chain(exit);
//! assert_eq!(chain.len(), 4);
//! let report = g.report(&[(0, chain)]);
//! let mermaid = msitrace::report::graph::mermaid(&report, Some(&report.chains[0].nodes));
//! assert!(mermaid.contains("failed with"));
//! ```

use crate::findings::Evidence;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A process (from a capture, an event record or an MSI log's PIDs).
    Process,
    /// An installer session (client or server side).
    Session,
    /// A standard action (`InstallFinalize`).
    Action,
    /// A custom action.
    CustomAction,
    /// A failing file, registry or process operation.
    Operation,
    /// An installer or tool message (`Error 1920.`, custom-action output).
    Message,
    /// An event-log record.
    Record,
    /// The result: `Return value 3`, an exit status, a failed install status.
    Outcome,
}

/// How one node led to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A process started another.
    Spawned,
    /// A process ran a session, a session an action, an action a custom action.
    Ran,
    /// A process or action performed an operation.
    Performed,
    /// An operation's failure surfaced as a message.
    FailedWith,
    /// An outcome was reported as a status or a record.
    ReportedAs,
    /// A rule or the log's order says the first led to the second.
    Caused,
}

impl EdgeKind {
    /// The words drawn on the edge (`failed with`).
    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::Spawned => "spawned",
            EdgeKind::Ran => "ran",
            EdgeKind::Performed => "performed",
            EdgeKind::FailedWith => "failed with",
            EdgeKind::ReportedAs => "reported as",
            EdgeKind::Caused => "caused",
        }
    }
}

/// One node: its kind, a one-line label and where it is evidenced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// What it stands for.
    pub kind: NodeKind,
    /// One line for people.
    pub label: String,
    /// The line, record or row it comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// The graph of one analysis.
#[derive(Debug, Clone, Default)]
pub struct FailureGraph {
    graph: DiGraph<Node, EdgeKind>,
}

/// The graph as data for the JSON report: nodes, edges and the failure chains.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphReport {
    /// Every node, by index.
    pub nodes: Vec<Node>,
    /// Edges: `[from, to, kind]`.
    pub edges: Vec<(usize, usize, EdgeKind)>,
    /// Each failure chain, from the earliest cause to the outcome.
    pub chains: Vec<Chain>,
}

/// One failure chain of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    /// The finding it explains (index into the report's findings).
    pub finding: usize,
    /// Node indices, from the earliest cause to the final outcome.
    pub nodes: Vec<usize>,
}

impl FailureGraph {
    /// Add a node; returns its index.
    pub fn add(&mut self, kind: NodeKind, label: &str, evidence: Option<Evidence>) -> NodeIndex {
        self.graph.add_node(Node {
            kind,
            label: label.to_string(),
            evidence,
        })
    }

    /// The node with this label and kind, added when missing (processes and sessions are shared by
    /// several chains).
    pub fn node(&mut self, kind: NodeKind, label: &str, evidence: Option<Evidence>) -> NodeIndex {
        match self
            .graph
            .node_indices()
            .find(|&i| self.graph[i].kind == kind && self.graph[i].label == label)
        {
            Some(i) => i,
            None => self.add(kind, label, evidence),
        }
    }

    /// Link two nodes (once).
    pub fn link(&mut self, from: NodeIndex, to: NodeIndex, kind: EdgeKind) {
        if from != to && self.graph.find_edge(from, to).is_none() {
            self.graph.add_edge(from, to, kind);
        }
    }

    /// A node by index.
    pub fn get(&self, i: NodeIndex) -> &Node {
        &self.graph[i]
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    /// True when the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }

    /// The failure chain ending at `outcome`: walk back through the earliest-added predecessor
    /// (causes are added before what they cause) until a node without one; then in order.
    pub fn chain(&self, outcome: NodeIndex) -> Vec<NodeIndex> {
        let mut out = vec![outcome];
        let mut at = outcome;
        while let Some(prev) = self
            .graph
            .edges_directed(at, Direction::Incoming)
            .map(|e| e.source())
            .filter(|p| !out.contains(p))
            .min()
        {
            out.push(prev);
            at = prev;
        }
        out.reverse();
        out
    }

    /// The edge kind between two consecutive chain nodes.
    pub fn edge(&self, from: NodeIndex, to: NodeIndex) -> Option<EdgeKind> {
        self.graph.find_edge(from, to).map(|e| self.graph[e])
    }

    /// The graph as report data, with these chains (each with the finding it explains).
    pub fn report(&self, chains: &[(usize, Vec<NodeIndex>)]) -> GraphReport {
        GraphReport {
            nodes: self.graph.node_weights().cloned().collect(),
            edges: self
                .graph
                .edge_references()
                .map(|e| (e.source().index(), e.target().index(), *e.weight()))
                .collect(),
            chains: chains
                .iter()
                .map(|(finding, c)| Chain {
                    finding: *finding,
                    nodes: c.iter().map(|i| i.index()).collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_follows_the_earliest_predecessor_and_skips_cycles() {
        let mut g = FailureGraph::default();
        let p = g.add(NodeKind::Process, "setup.exe", None);
        let s = g.add(NodeKind::Session, "install of X", None);
        let e = g.add(NodeKind::Message, "Error 1920", None);
        let other = g.add(NodeKind::Message, "Error 1310 (later)", None);
        let o = g.add(NodeKind::Outcome, "1603", None);
        g.link(p, s, EdgeKind::Ran);
        g.link(s, e, EdgeKind::Ran);
        g.link(e, o, EdgeKind::Caused);
        g.link(other, o, EdgeKind::Caused);
        g.link(o, p, EdgeKind::ReportedAs); // a cycle must not loop forever
        assert_eq!(g.chain(o), vec![p, s, e, o]);
    }

    #[test]
    fn nodes_are_shared_by_label() {
        let mut g = FailureGraph::default();
        let a = g.node(NodeKind::Process, "msiexec.exe (PID 1)", None);
        let b = g.node(NodeKind::Process, "msiexec.exe (PID 1)", None);
        assert_eq!(a, b);
        assert_eq!(g.len(), 1);
    }
}
