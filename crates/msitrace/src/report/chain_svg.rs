//! The failure chain as a small graph ([`ChainGraph`]: nodes and edges) and its drawing as inline
//! SVG ([`ChainGraph::to_svg`]), used by the HTML report.
//!
//! The chain of a finding is the failure chain the analysis built ([`ChainGraph::from_graph`]:
//! processes, session, action, operation, messages, outcome, records); for a finding without one
//! it is its evidence in causal order (cause → context → failure → outcome,
//! [`ChainGraph::from_finding`]). Every label is
//! untrusted log text and is escaped ([`super::escape::html`]).

use super::escape;
use crate::findings::{EvidenceRole, Finding};
use std::fmt::Write;

/// One step of a failure chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainNode {
    /// Short heading (`cause`, `failure`, an action name, ...).
    pub label: String,
    /// Where it was read (`install.log:123`).
    pub place: String,
    /// The line or a summary of it.
    pub detail: String,
    /// The role, which sets the colour.
    pub role: EvidenceRole,
}

/// A directed edge `from → to` between node indexes, with an optional label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEdge {
    /// Index of the source node.
    pub from: usize,
    /// Index of the target node.
    pub to: usize,
    /// Text drawn beside the edge, if any.
    pub label: Option<String>,
}

/// A failure chain: nodes and the edges between them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainGraph {
    /// The nodes.
    pub nodes: Vec<ChainNode>,
    /// The edges (edges naming a node that does not exist are ignored).
    pub edges: Vec<ChainEdge>,
}

fn rank(r: EvidenceRole) -> u8 {
    match r {
        EvidenceRole::Cause => 0,
        EvidenceRole::Context => 1,
        EvidenceRole::Consequence => 1,
        EvidenceRole::Failure => 2,
        EvidenceRole::Outcome => 3,
    }
}

const NODE_W: usize = 720;
const NODE_H: usize = 58;
const GAP_X: usize = 30;
const GAP_Y: usize = 34;
const MARGIN: usize = 10;
const DETAIL_CHARS: usize = 96;

impl ChainGraph {
    /// The chain of one finding: its evidence ordered cause → context → failure → outcome (stable
    /// within a role), each step linked to the next.
    pub fn from_finding(f: &Finding) -> Self {
        let mut evidence: Vec<_> = f.evidence.iter().collect();
        evidence.sort_by_key(|e| rank(e.role));
        let nodes: Vec<ChainNode> = evidence
            .iter()
            .map(|e| ChainNode {
                label: e.role.label().to_string(),
                place: e.place(),
                detail: e.text.trim().to_string(),
                role: e.role,
            })
            .collect();
        let edges = (1..nodes.len())
            .map(|i| ChainEdge {
                from: i - 1,
                to: i,
                label: None,
            })
            .collect();
        ChainGraph { nodes, edges }
    }

    /// The failure chain the analysis built ([`crate::graph`]) for one finding, when there is one:
    /// processes, session, action, operation, messages, outcome and records, in causal order.
    pub fn from_graph(graph: &crate::graph::GraphReport, finding: usize) -> Option<Self> {
        use crate::graph::NodeKind;
        let chain = graph.chains.iter().find(|c| c.finding == finding)?;
        let nodes = chain
            .nodes
            .iter()
            .map(|&i| {
                let n = &graph.nodes[i];
                let (label, role) = match n.kind {
                    NodeKind::Process => ("process", EvidenceRole::Context),
                    NodeKind::Session => ("installer session", EvidenceRole::Context),
                    NodeKind::Action => ("action", EvidenceRole::Context),
                    NodeKind::CustomAction => ("custom action", EvidenceRole::Failure),
                    NodeKind::Operation => ("operation", EvidenceRole::Cause),
                    NodeKind::Message => ("message", EvidenceRole::Consequence),
                    NodeKind::Record => ("event-log record", EvidenceRole::Outcome),
                    NodeKind::Outcome => ("outcome", EvidenceRole::Outcome),
                };
                ChainNode {
                    label: label.to_string(),
                    place: n.evidence.as_ref().map(|e| e.place()).unwrap_or_default(),
                    detail: n.label.clone(),
                    role: n.evidence.as_ref().map_or(role, |e| e.role),
                }
            })
            .collect::<Vec<_>>();
        let edges = chain
            .nodes
            .windows(2)
            .enumerate()
            .map(|(k, pair)| ChainEdge {
                from: k,
                to: k + 1,
                label: graph
                    .edges
                    .iter()
                    .find(|(a, b, _)| *a == pair[0] && *b == pair[1])
                    .map(|(_, _, kind)| kind.label().to_string()),
            })
            .collect();
        Some(ChainGraph { nodes, edges })
    }

    /// Layer of each node: the longest path from a node without predecessors (nodes on a cycle
    /// stay where the walk leaves them; the drawing never loops).
    fn layers(&self) -> Vec<usize> {
        let n = self.nodes.len();
        let edges: Vec<&ChainEdge> = self
            .edges
            .iter()
            .filter(|e| e.from < n && e.to < n && e.from != e.to)
            .collect();
        let mut layer = vec![0usize; n];
        // Bellman-Ford style relaxation, bounded by n rounds so cycles cannot loop forever.
        for _ in 0..n {
            let mut changed = false;
            for e in &edges {
                if layer[e.to] < layer[e.from] + 1 && layer[e.from] + 1 < n {
                    layer[e.to] = layer[e.from] + 1;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        layer
    }

    /// Draw the graph as an inline SVG element (top to bottom, one row per layer). All text is
    /// escaped; the SVG has `id="chain-svg"` when `id` is true (the first chain of a page).
    pub fn to_svg(&self, id: bool) -> String {
        let layers = self.layers();
        let rows = layers.iter().max().map_or(0, |m| m + 1);
        let mut per_row = vec![0usize; rows];
        let mut pos = Vec::with_capacity(self.nodes.len());
        for &l in &layers {
            pos.push((l, per_row[l]));
            per_row[l] += 1;
        }
        let cols = per_row.iter().copied().max().unwrap_or(1).max(1);
        let width = MARGIN * 2 + cols * NODE_W + (cols - 1) * GAP_X;
        let height = MARGIN * 2 + rows * NODE_H + rows.saturating_sub(1) * GAP_Y;
        let xy = |i: usize| {
            let (row, col) = pos[i];
            (
                MARGIN + col * (NODE_W + GAP_X),
                MARGIN + row * (NODE_H + GAP_Y),
            )
        };
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg{} class="chain" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="failure chain">"#,
            if id { r#" id="chain-svg""# } else { "" }
        );
        s.push_str(r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>"##);
        for e in &self.edges {
            if e.from >= self.nodes.len() || e.to >= self.nodes.len() || e.from == e.to {
                continue;
            }
            let (x1, y1) = xy(e.from);
            let (x2, y2) = xy(e.to);
            let (ax, ay) = (x1 + NODE_W / 2, y1 + NODE_H);
            let (bx, by) = (x2 + NODE_W / 2, y2);
            let _ = write!(
                s,
                r##"<line class="edge" x1="{ax}" y1="{ay}" x2="{bx}" y2="{by}" stroke="#555" stroke-width="1.5" marker-end="url(#arrow)"/>"##
            );
            if let Some(label) = &e.label {
                let _ = write!(
                    s,
                    r#"<text x="{}" y="{}" font-size="11">{}</text>"#,
                    (ax + bx) / 2 + 6,
                    (ay + by) / 2 + 4,
                    escape::html(label)
                );
            }
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let (x, y) = xy(i);
            let detail = crate::text::clip(&node.detail, DETAIL_CHARS);
            let _ = write!(
                s,
                r#"<g class="node role-{role}"><title>{title}</title><rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6"/><text x="{tx}" y="{ty1}" class="node-head">{label} · {place}</text><text x="{tx}" y="{ty2}" class="node-detail">{detail}</text></g>"#,
                role = node.role.label(),
                title = escape::html(&format!("{} {}", node.place, node.detail)),
                tx = x + 10,
                ty1 = y + 22,
                ty2 = y + 44,
                label = escape::html(&node.label),
                place = escape::html(&node.place),
                detail = escape::html(&detail),
            );
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(role: EvidenceRole) -> ChainNode {
        ChainNode {
            label: "x".into(),
            place: "a.log:1".into(),
            detail: "<script>alert(1)</script>".into(),
            role,
        }
    }

    #[test]
    fn layers_follow_edges_and_survive_cycles() {
        let g = ChainGraph {
            nodes: vec![
                node(EvidenceRole::Cause),
                node(EvidenceRole::Context),
                node(EvidenceRole::Failure),
            ],
            edges: vec![
                ChainEdge {
                    from: 0,
                    to: 1,
                    label: None,
                },
                ChainEdge {
                    from: 1,
                    to: 2,
                    label: Some("then".into()),
                },
                ChainEdge {
                    from: 2,
                    to: 0,
                    label: None,
                },
                ChainEdge {
                    from: 7,
                    to: 0,
                    label: None,
                },
            ],
        };
        let layers = g.layers();
        assert_eq!(layers.len(), 3);
        assert!(layers.iter().all(|l| *l < 3));
        let svg = g.to_svg(true);
        assert!(svg.starts_with("<svg id=\"chain-svg\""));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
    }

    #[test]
    fn parallel_nodes_share_a_row() {
        let g = ChainGraph {
            nodes: vec![
                node(EvidenceRole::Cause),
                node(EvidenceRole::Cause),
                node(EvidenceRole::Outcome),
            ],
            edges: vec![
                ChainEdge {
                    from: 0,
                    to: 2,
                    label: None,
                },
                ChainEdge {
                    from: 1,
                    to: 2,
                    label: None,
                },
            ],
        };
        assert_eq!(g.layers(), vec![0, 0, 1]);
        assert!(g
            .to_svg(false)
            .contains(&format!("width=\"{}\"", 2 * NODE_W + GAP_X + 2 * MARGIN)));
    }
}
