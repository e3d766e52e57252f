//! Drawings of the failure graph ([`GraphReport`]) as Graphviz DOT and Mermaid, whole or one
//! chain; every label is escaped ([`super::escape`]).

use super::escape;
use crate::graph::{GraphReport, Node, NodeKind};
use std::fmt::Write;

/// Graphviz DOT: the whole graph, or only the nodes of one chain.
pub fn dot(graph: &GraphReport, only: Option<&[usize]>) -> String {
    let mut s = String::from(
        "digraph msitrace {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n",
    );
    for (i, n) in graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| only.is_none_or(|o| o.contains(i)))
    {
        let _ = writeln!(
            s,
            "  n{} [label=\"{}\", shape={}];",
            i,
            escape::dot(&display_label(n)),
            match n.kind {
                NodeKind::Process => "ellipse",
                NodeKind::Outcome => "octagon",
                NodeKind::Record => "note",
                _ => "box",
            }
        );
    }
    for &(from, to, kind) in &graph.edges {
        let keep = only.is_none_or(|o| o.contains(&from) && o.contains(&to));
        if keep {
            let _ = writeln!(s, "  n{} -> n{} [label=\"{}\"];", from, to, kind.label());
        }
    }
    s.push_str("}\n");
    s
}

/// Mermaid flowchart: the whole graph, or only the nodes of one chain.
pub fn mermaid(graph: &GraphReport, only: Option<&[usize]>) -> String {
    let mut s = String::from("flowchart TD\n");
    for (i, n) in graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| only.is_none_or(|o| o.contains(i)))
    {
        let text = escape::mermaid(&display_label(n));
        let _ = match n.kind {
            NodeKind::Process => writeln!(s, "  n{}([\"{text}\"])", i),
            NodeKind::Outcome => writeln!(s, "  n{}{{{{\"{text}\"}}}}", i),
            _ => writeln!(s, "  n{}[\"{text}\"]", i),
        };
    }
    for &(from, to, kind) in &graph.edges {
        let keep = only.is_none_or(|o| o.contains(&from) && o.contains(&to));
        if keep {
            let _ = writeln!(s, "  n{} -->|{}| n{}", from, kind.label(), to);
        }
    }
    s
}

/// The label with the place it was read (`install.log:30`), for drawings.
fn display_label(n: &Node) -> String {
    match &n.evidence {
        Some(e) => format!("{}\n{}", n.label, e.short_place()),
        None => n.label.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EdgeKind, FailureGraph};

    #[test]
    fn drawings_escape_labels() {
        let mut g = FailureGraph::default();
        let a = g.add(NodeKind::Message, "say \"hi\" <b>\x1b[31m", None);
        let b = g.add(NodeKind::Outcome, "1603", None);
        g.link(a, b, EdgeKind::Caused);
        let r = g.report(&[]);
        let dot = dot(&r, None);
        assert!(dot.contains("say \\\"hi\\\""), "{dot}");
        assert!(!dot.contains('\x1b'));
        let m = mermaid(&r, None);
        assert!(m.contains("#quot;hi#quot; #lt;b#gt;"), "{m}");
        assert!(m.contains("n0 -->|caused| n1"), "{m}");
    }
}
