//! Markdown rendering of a [`Report`]: a compact summary for CI job summaries
//! (`$GITHUB_STEP_SUMMARY`) and pull-request comments.
//!
//! Log text is untrusted. Text in prose and tables goes through [`escape`] (every Markdown and HTML
//! metacharacter backslash-escaped or turned into an entity, control characters removed, so a
//! product named `[click](https://evil)` or `<img src=x onerror=...>` stays literal text); evidence
//! lines go into fenced code blocks whose fence is longer than any backtick run in them.

use super::{Finding, InputStatus, Report, Severity};
use crate::codes::OutcomeClass;
use std::fmt::Write;

/// Escape untrusted text for Markdown prose or a table cell: control characters removed (newlines
/// become spaces), ASCII punctuation backslash-escaped, `<`, `>`, `&` as HTML entities.
///
/// ```
/// use msitrace::report::markdown::escape;
/// assert_eq!(escape("[a](http://x) <b>"), r"\[a\]\(http://x\) &lt;b&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            // `:` and `/` are left alone: escaping them does not stop autolinks and hurts paths.
            ':' | '/' | '.' | ',' | ';' | '?' | '@' | '=' | '%' | '$' | '"' | '\'' => out.push(c),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Untrusted text as an inline code span (nothing inside is interpreted): control characters
/// removed, `|` escaped for tables, delimited by more backticks than any run inside.
///
/// ```
/// use msitrace::report::markdown::code_span;
/// assert_eq!(code_span("logs/a_b.log"), "`logs/a_b.log`");
/// assert_eq!(code_span("a`b|c"), "`` a`b\\|c ``");
/// ```
pub fn code_span(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if c == '\n' || c == '\t' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .filter(|c| !c.is_control())
        .collect::<String>()
        .replace('|', "\\|");
    if clean.is_empty() {
        return String::new();
    }
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || clean.starts_with(' ') || clean.ends_with(' ') {
        format!("{fence} {clean} {fence}")
    } else {
        format!("{fence}{clean}{fence}")
    }
}

/// A fenced code block holding untrusted lines (control characters removed).
fn code_block(out: &mut String, lines: &[String]) {
    let clean: Vec<String> = lines
        .iter()
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_control() || *c == '\t')
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
        escape(&report.tool)
    );

    if !report.sessions.is_empty() || !report.bundles.is_empty() {
        let _ = writeln!(out, "| # | What | Product | Result | Log |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for (n, s) in report.sessions.iter().enumerate() {
            let product = match (&s.product, &s.version) {
                (Some(p), Some(v)) => format!("{} {}", escape(p), escape(v)),
                (Some(p), None) => escape(p),
                _ => "—".into(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {product} | {} | {} lines {}–{} |",
                n + 1,
                escape(&s.operation.to_string()),
                outcome_cell(s.outcome.as_ref()),
                code_span(&s.path),
                s.lines[0],
                s.lines[1]
            );
        }
        for (n, b) in report.bundles.iter().enumerate() {
            let _ = writeln!(
                out,
                "| B{} | bundle | {} | {} | {} |",
                n + 1,
                b.name.as_deref().map(escape).unwrap_or_else(|| "—".into()),
                outcome_cell(b.outcome.as_ref()),
                code_span(&b.path)
            );
        }
        out.push('\n');
    }

    if report.verdict == super::Verdict::NothingAnalysed {
        let _ = writeln!(
            out,
            "**Nothing analysed**: {}.\n",
            escape(&report.verdict.reason(&report.inputs))
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
            let _ = writeln!(out, "- {}: {status}", code_span(&i.path));
            if let Some(e) = &i.error {
                let _ = writeln!(out, "  - {}", escape(e));
            }
            for w in i.warnings.iter().take(5) {
                let _ = writeln!(out, "  - {}", escape(w));
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

fn outcome_cell(o: Option<&super::Outcome>) -> String {
    match o {
        Some(o) => {
            let label = match o.class {
                OutcomeClass::Failure => format!("**{}**", o.class.verdict()),
                other => other.verdict().to_string(),
            };
            format!("{label} ({} {})", o.code, escape(&o.meaning))
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
        escape(&f.title)
    );
    let _ = writeln!(
        out,
        "{} · {} · {} confidence\n",
        code_span(&f.id),
        escape(&f.category),
        f.confidence.label()
    );
    let _ = writeln!(out, "{}\n", escape(&f.summary));
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
            let _ = writeln!(out, "- {}", escape(r));
        }
        out.push('\n');
    }
}
