//! Renderings of a [`FleetSummary`]: [`text`] for a terminal, [`markdown`] for a CI job summary
//! or a ticket, [`html`] as one self-contained page, [`json`] for machines. Machine ids, product
//! names and errors come from the logs and bundle names: every renderer escapes them
//! ([`crate::report::escape`], [`crate::report::text::sanitize`]). Deterministic: the same
//! summary gives the same bytes.

use super::summary::{Cause, FleetSummary, ProductCount};
use crate::report::escape;
use crate::report::text::sanitize;
use std::fmt::Write;

/// Machines listed per cause in the text and Markdown summaries (the HTML page lists them all).
pub const MACHINES_LISTED: usize = 20;

/// The summary as readable text.
pub fn text(summary: &FleetSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", headline(summary));
    let causes = summary.ranked_causes();
    if causes.is_empty() {
        out.push_str("\nNo cause found on any machine.\n");
    } else {
        out.push_str("\nCauses, by machines affected:\n");
    }
    for (rank, c) in causes.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n{:>3}. {}  [{}]  {} machine(s)  {}",
            rank + 1,
            sanitize(&c.id),
            c.severity.label(),
            c.machines.len(),
            sanitize(&c.title)
        );
        let _ = writeln!(out, "     products: {}", sanitize(&products(&c.products)));
        if let Some(seen) = seen(c) {
            let _ = writeln!(out, "     seen:     {}", sanitize(&seen));
        }
        let _ = writeln!(out, "     machines: {}", sanitize(&machines(c)));
    }
    let problems = summary.problems_sorted();
    if !problems.is_empty() {
        let _ = writeln!(out, "\nBundles with problems ({}):", problems.len());
        for p in problems {
            let _ = writeln!(
                out,
                "  {} ({}){}",
                sanitize(&p.machine),
                sanitize(&p.bundle),
                if p.nothing_analysed {
                    ": nothing analysed"
                } else {
                    ""
                }
            );
            for e in &p.errors {
                let _ = writeln!(out, "    {}", sanitize(e));
            }
        }
    }
    out
}

/// The summary as Markdown (GitHub-flavoured tables).
pub fn markdown(summary: &FleetSummary) -> String {
    let md = escape::markdown;
    let mut out = String::from("# msitrace fleet summary\n\n");
    let _ = writeln!(out, "{}\n", md(&headline(summary)));
    let causes = summary.ranked_causes();
    if causes.is_empty() {
        out.push_str("No cause found on any machine.\n");
    } else {
        out.push_str("| # | Cause | Severity | Machines | Products | Seen | Machines affected |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for (rank, c) in causes.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | {} | {} | {} | {} |",
                rank + 1,
                escape::markdown_code_span(&c.id),
                md(&c.title),
                c.severity.label(),
                c.machines.len(),
                md(&products(&c.products)),
                md(&seen(c).unwrap_or_default()),
                md(&machines(c)),
            );
        }
    }
    let problems = summary.problems_sorted();
    if !problems.is_empty() {
        let _ = writeln!(out, "\n## Bundles with problems ({})\n", problems.len());
        out.push_str("| Machine | Bundle | Errors |\n|---|---|---|\n");
        for p in problems {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md(&p.machine),
                md(&p.bundle),
                md(&p.errors.join("; "))
            );
        }
    }
    out
}

/// The summary as one self-contained HTML page (no script, no external resource).
pub fn html(summary: &FleetSummary) -> String {
    let h = escape::html;
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>msitrace fleet summary</title>\n<style>\
         body{font:14px system-ui,sans-serif;margin:2em;max-width:80em}\
         table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;\
         text-align:left;vertical-align:top}th{background:#f3f3f3}.error{color:#b00020}\
         .warning{color:#8a6d00}code{font-size:95%}</style></head><body>\n\
         <h1>msitrace fleet summary</h1>\n",
    );
    let _ = writeln!(out, "<p>{}</p>", h(&headline(summary)));
    let causes = summary.ranked_causes();
    if causes.is_empty() {
        out.push_str("<p>No cause found on any machine.</p>\n");
    } else {
        out.push_str(
            "<h2>Causes, by machines affected</h2>\n<table><tr><th>#</th><th>Cause</th>\
             <th>Severity</th><th>Machines</th><th>Products</th><th>Seen</th>\
             <th>Machines affected</th></tr>\n",
        );
        for (rank, c) in causes.iter().enumerate() {
            let listed: Vec<String> = c.machines.iter().map(|m| h(m)).collect();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code><br>{}</td><td class=\"{sev}\">{sev}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td><details><summary>{} machine(s)</summary>\
                 {}</details></td></tr>",
                rank + 1,
                h(&c.id),
                h(&c.title),
                c.machines.len(),
                h(&products(&c.products)),
                h(&seen(c).unwrap_or_default()),
                c.machines.len(),
                listed.join(", "),
                sev = c.severity.label(),
            );
        }
        out.push_str("</table>\n");
    }
    let problems = summary.problems_sorted();
    if !problems.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Bundles with problems ({})</h2>\n<table><tr><th>Machine</th><th>Bundle</th>\
             <th>Errors</th></tr>",
            problems.len()
        );
        for p in problems {
            let errors: Vec<String> = p.errors.iter().map(|e| h(e)).collect();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                h(&p.machine),
                h(&p.bundle),
                errors.join("<br>")
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// The summary as JSON: counts, the ranked causes and the bundles with problems.
pub fn json(summary: &FleetSummary) -> String {
    let value = serde_json::json!({
        "bundles": summary.bundles(),
        "machines": summary.machines(),
        "failed": summary.failed(),
        "no_failure": summary.no_failure(),
        "nothing_analysed": summary.nothing_analysed(),
        "causes": summary.ranked_causes(),
        "problems": summary.problems_sorted(),
    });
    let mut out = serde_json::to_string_pretty(&value)
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string());
    out.push('\n');
    out
}

/// `N machines (M bundles): F failed, K without failure, B not analysable.`
fn headline(summary: &FleetSummary) -> String {
    format!(
        "{} machine(s) ({} bundle(s)): {} failed, {} without failure, {} not analysable.",
        summary.machines(),
        summary.bundles(),
        summary.failed(),
        summary.no_failure(),
        summary.nothing_analysed()
    )
}

/// `Contoso Agent 2.4.0 (12), Fabrikam 1.0 (3)`.
fn products(products: &[ProductCount]) -> String {
    products
        .iter()
        .map(|p| match &p.version {
            Some(v) => format!("{} {v} ({})", p.product, p.machines),
            None => format!("{} ({})", p.product, p.machines),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `2026-01-01T09:00:00 .. 2026-01-03T11:00:00`.
fn seen(c: &Cause) -> Option<String> {
    match (&c.first_seen, &c.last_seen) {
        (Some(a), Some(b)) if a == b => Some(a.clone()),
        (Some(a), Some(b)) => Some(format!("{a} .. {b}")),
        _ => None,
    }
}

/// The first [`MACHINES_LISTED`] machines, then how many more.
fn machines(c: &Cause) -> String {
    let mut out = c
        .machines
        .iter()
        .take(MACHINES_LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if c.machines.len() > MACHINES_LISTED {
        let _ = write!(out, " ... and {} more", c.machines.len() - MACHINES_LISTED);
    }
    out
}
