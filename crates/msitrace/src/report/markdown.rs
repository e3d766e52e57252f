//! Markdown rendering of a [`Report`]: a compact summary for CI job summaries
//! (`$GITHUB_STEP_SUMMARY`) and pull-request comments.
//!
//! Log text is untrusted. Text in prose and tables goes through [`super::escape::markdown`] (every Markdown and HTML
//! metacharacter backslash-escaped or turned into an entity, control characters removed, so a
//! product named `[click](https://evil)` or `<img src=x onerror=...>` stays literal text); evidence
//! lines go into fenced code blocks whose fence is longer than any backtick run in them.

use super::escape;
use crate::analysis::{InputStatus, Report};
use crate::codes::OutcomeClass;
use crate::findings::{Finding, Severity};
use std::fmt::Write;

/// A fenced code block holding untrusted lines (control characters removed).
fn code_block(out: &mut String, lines: &[String]) {
    let clean: Vec<String> = lines
        .iter()
        .map(|l| {
            escape::terminal(l)
                .chars()
                .filter(|c| *c != '\n')
                .collect::<String>()
        })
        .collect();
    let longest = clean
        .iter()
        .flat_map(|l| l.split(|c| c != '`').map(str::len))
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(out, "{fence}text");
    for l in &clean {
        let _ = writeln!(out, "{l}");
    }
    let _ = writeln!(out, "{fence}");
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "🔴 error",
        Severity::Warning => "🟡 warning",
        Severity::Info => "🔵 info",
    }
}

/// Render the report as Markdown.
///
/// ```
/// use msitrace::analysis::{analyze_paths, AnalysisSettings};
/// let report = analyze_paths(&["../../fixtures/msilog/error-1310-utf16.log".into()], &AnalysisSettings::default());
/// let md = msitrace::report::markdown::render(&report);
/// assert!(md.starts_with("## msitrace: failure found"));
/// ```
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let verdict = report.verdict.label();
    let errors = count(report, Severity::Error);
    let warnings = count(report, Severity::Warning);
    let _ = writeln!(out, "## msitrace: {verdict}\n");
    let _ = writeln!(
        out,
        "{} input(s), {} installer session(s), {} bundle(s); {} finding(s): {errors} error(s), {warnings} warning(s). _{}_\n",
        report.inputs.len(),
        report.sessions.len(),
        report.bundles.len(),
        report.findings.len(),
        escape::markdown(&report.tool)
    );

    if !report.sessions.is_empty() || !report.bundles.is_empty() {
        let _ = writeln!(out, "| # | What | Product | Result | Log |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for (n, s) in report.sessions.iter().enumerate() {
            let product = match (&s.product, &s.version) {
                (Some(p), Some(v)) => format!("{} {}", escape::markdown(p), escape::markdown(v)),
                (Some(p), None) => escape::markdown(p),
                _ => "—".into(),
            };
            let place = match s.recorded.as_ref().filter(|r| r.path == s.path) {
                Some(r) => format!(
                    "{} records {}–{}",
                    escape::markdown_code_span(&s.path),
                    r.records.first().copied().unwrap_or(0),
                    r.records.last().copied().unwrap_or(0)
                ),
                None => format!(
                    "{} lines {}–{}",
                    escape::markdown_code_span(&s.path),
                    s.lines[0],
                    s.lines[1]
                ),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {product} | {} | {place} |",
                n + 1,
                escape::markdown(&s.operation.to_string()),
                outcome_cell(s.outcome.as_ref()),
            );
        }
        for (n, b) in report.bundles.iter().enumerate() {
            let _ = writeln!(
                out,
                "| B{} | bundle | {} | {} | {} |",
                n + 1,
                b.name
                    .as_deref()
                    .map(escape::markdown)
                    .unwrap_or_else(|| "—".into()),
                outcome_cell(b.outcome.as_ref()),
                escape::markdown_code_span(&b.path)
            );
        }
        out.push('\n');
    }

    if report.verdict == crate::analysis::Verdict::NothingAnalysed {
        let _ = writeln!(
            out,
            "**Nothing analysed**: {}.\n",
            escape::markdown(&report.verdict.reason(&report.inputs))
        );
    } else if report.findings.is_empty() {
        let _ = writeln!(out, "No failure found.\n");
    }
    for (n, f) in report.findings.iter().enumerate() {
        finding(&mut out, n, f);
    }

    let problems: Vec<_> = report
        .inputs
        .iter()
        .filter(|i| i.status != InputStatus::Analyzed || !i.warnings.is_empty())
        .collect();
    if !problems.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Inputs not analysed or with warnings ({})</summary>\n",
            problems.len()
        );
        for i in problems {
            let status = match i.status {
                InputStatus::Analyzed => "analysed with warnings",
                InputStatus::Unsupported => "not yet supported",
                InputStatus::Unrecognized => "skipped",
                InputStatus::Error => "error",
            };
            let _ = writeln!(out, "- {}: {status}", escape::markdown_code_span(&i.path));
            if let Some(e) = &i.error {
                let _ = writeln!(out, "  - {}", escape::markdown(e));
            }
            for w in i.warnings.iter().take(5) {
                let _ = writeln!(out, "  - {}", escape::markdown(&w.text));
            }
            if i.warnings.len() > 5 {
                let _ = writeln!(out, "  - … and {} more", i.warnings.len() - 5);
            }
        }
        let _ = writeln!(out, "\n</details>");
    }
    out
}

fn count(report: &Report, s: Severity) -> usize {
    report.findings.iter().filter(|f| f.severity == s).count()
}

fn outcome_cell(o: Option<&crate::findings::Outcome>) -> String {
    match o {
        Some(o) => {
            let label = match o.class {
                OutcomeClass::Failure => format!("**{}**", o.class.verdict()),
                other => other.verdict().to_string(),
            };
            format!("{label} ({} {})", o.code, escape::markdown(&o.meaning))
        }
        None => "no exit status".into(),
    }
}

fn finding(out: &mut String, n: usize, f: &Finding) {
    let _ = writeln!(
        out,
        "### {}. {} — {}\n",
        n + 1,
        severity_label(f.severity),
        escape::markdown(&f.title)
    );
    let _ = writeln!(
        out,
        "{} · {} · {} confidence\n",
        escape::markdown_code_span(&f.id),
        escape::markdown(&f.category),
        f.confidence.label()
    );
    let _ = writeln!(out, "{}\n", escape::markdown(&f.summary));
    if !f.evidence.is_empty() {
        let lines: Vec<String> = f
            .evidence
            .iter()
            .flat_map(|e| {
                [
                    format!("{:8}{}", e.role.label(), e.place()),
                    format!("        {}", e.text.trim()),
                ]
            })
            .collect();
        code_block(out, &lines);
        out.push('\n');
    }
    if !f.remediation.is_empty() {
        let _ = writeln!(out, "**What to do**\n");
        for r in &f.remediation {
            let _ = writeln!(out, "- {}", escape::markdown(r));
        }
        out.push('\n');
    }
    if !f.references.is_empty() {
        let _ = writeln!(out, "**See also**\n");
        for r in &f.references {
            let _ = writeln!(out, "- {}", escape::markdown_code_span(r));
        }
        out.push('\n');
    }
}
