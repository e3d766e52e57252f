//! Text rendering of a [`Report`] for people: inputs, sessions, findings with evidence and remedies.
//!
//! Log text is untrusted: every piece of it goes through [`sanitize`], which removes terminal control
//! sequences, before it is printed.

use crate::analysis::{InputStatus, Report, Verdict};
use crate::clock::ClockMethod;
use crate::codes::OutcomeClass;
use crate::findings::{EvidenceRole, Severity};
use std::fmt::Write;

/// Options of the text rendering.
#[derive(Debug, Clone)]
pub struct TextOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Terminal width; long evidence lines are cut to it.
    pub width: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            width: 120,
        }
    }
}

/// Remove terminal control sequences and control characters from untrusted text: whole CSI
/// sequences (`ESC [ ... m`, and the one-character C1 CSI), OSC sequences (`ESC ] ... BEL` or
/// `ESC ] ... ESC \`, which can set titles or write hyperlinks), other `ESC x` pairs, then every
/// remaining control character; tabs become spaces.
///
/// ```
/// use msitrace::report::text::sanitize;
/// assert_eq!(sanitize("a\x1b[31mb\x07c"), "abc");
/// assert_eq!(sanitize("x\x1b]0;owned\x07y\x1b]8;;http://e\x1b\\z"), "xyz");
/// assert_eq!(sanitize("p\u{9b}2Jq\tr"), "pq r");
/// ```
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']') | Some('P') | Some('_') | Some('^') => {
                    // OSC, DCS, APC, PM: up to BEL or ST (ESC \\).
                    while let Some(c) = chars.next() {
                        if c == '\x07' || c == '\u{9c}' {
                            break;
                        }
                        if c == '\x1b' {
                            if chars.peek() == Some(&'\\') {
                                chars.next();
                            }
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Skip the parameters and final byte of a CSI sequence.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) || c.is_control() {
            break;
        }
    }
}

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// Render the report as text.
pub fn render(report: &Report, options: &TextOptions) -> String {
    let p = Painter {
        color: options.color,
    };
    let width = options.width.max(60);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} input(s), {} installer session(s), {} bundle(s), {} finding(s)",
        report.tool,
        report.inputs.len(),
        report.sessions.len(),
        report.bundles.len(),
        report.findings.len()
    );

    let _ = writeln!(out, "\n{}", p.paint("1", "Inputs"));
    for i in &report.inputs {
        let what = match (i.format, i.encoding) {
            (Some(_), Some(e)) if i.form.is_some() => {
                format!("{}, {}", i.form.as_deref().unwrap_or(""), e.label())
            }
            (Some(f), Some(e)) => format!("{f}, {}", e.label()),
            (Some(f), None) => i.form.clone().unwrap_or_else(|| f.to_string()),
            _ => "unrecognised".to_string(),
        };
        let status = match i.status {
            InputStatus::Analyzed => match &i.records {
                Some(r) => format!(
                    "{} records, {} of interest decoded{}",
                    r.read,
                    r.decoded,
                    if r.skipped > 0 {
                        format!(", {} skipped", r.skipped)
                    } else {
                        String::new()
                    }
                ),
                // A binary capture (PML): its form says what was read.
                None if i.encoding.is_none() => format!("{} events kept", i.events),
                None if i.form.is_some() => format!("{} lines", i.lines),
                None => format!("{} lines, {} entries", i.lines, i.events),
            },
            InputStatus::Unsupported => p.paint("33", "not yet supported"),
            InputStatus::Unrecognized => p.paint("33", "skipped"),
            InputStatus::Error => p.paint("31", "error"),
        };
        let _ = writeln!(out, "  {}  ({what}; {status})", sanitize(&i.path));
        if let Some(e) = &i.error {
            let _ = writeln!(out, "    {}", sanitize(e));
        }
        for w in i.warnings.iter().take(10) {
            let _ = writeln!(out, "    warning: {}", cut(&sanitize(w), width - 14));
        }
        for w in i.skipped.iter().take(10) {
            let _ = writeln!(out, "    skipped: {}", cut(&sanitize(w), width - 14));
        }
        if i.skipped.len() > 10 {
            let _ = writeln!(
                out,
                "    … and {} more skipped parts (see --format json)",
                i.skipped.len() - 10
            );
        }
        if i.warnings.len() > 10 {
            let _ = writeln!(
                out,
                "    … and {} more warnings (see --format json)",
                i.warnings.len() - 10
            );
        }
    }

    // The clock matters once inputs on different clocks are read together.
    let aligned = report.clock.len() > 1
        && report.clock.iter().any(|c| {
            !matches!(c.method, ClockMethod::Utc | ClockMethod::Unknown) || !c.notes.is_empty()
        });
    if aligned {
        let _ = writeln!(out, "\n{}", p.paint("1", "Clock"));
        for c in &report.clock {
            let name = report
                .inputs
                .iter()
                .find(|i| i.id == c.input)
                .map_or("?".to_string(), |i| sanitize(&i.path));
            let how = match &c.method {
                ClockMethod::Utc => "UTC as written".to_string(),
                ClockMethod::Override => "offset given with --utc-offset".to_string(),
                ClockMethod::Anchored {
                    anchors, example, ..
                } => format!("{anchors} matching moment(s), e.g. {}", sanitize(example)),
                ClockMethod::SameMachine { from } => format!("same machine as input {}", from + 1),
                ClockMethod::Unknown => "not aligned".to_string(),
            };
            let offset = c.offset.as_deref().unwrap_or("unknown offset");
            let _ = writeln!(
                out,
                "  {name}: {offset} ({how}; {} confidence)",
                c.confidence.label()
            );
            if let Some(d) = c.assumed_date {
                let _ = writeln!(out, "    date assumed: {d}");
            }
            for n in &c.notes {
                let _ = writeln!(out, "    note: {}", sanitize(n));
            }
        }
    }

    if !report.sessions.is_empty() {
        let _ = writeln!(out, "\n{}", p.paint("1", "Installer sessions"));
    }
    for (n, s) in report.sessions.iter().enumerate() {
        let product = match (&s.product, &s.version) {
            (Some(pr), Some(v)) if !pr.contains(v.as_str()) => {
                format!("{} {}", sanitize(pr), sanitize(v))
            }
            (Some(pr), _) => sanitize(pr),
            _ => "(product not named in the log)".to_string(),
        };
        let result = match &s.outcome {
            Some(o) => {
                let label = match o.class {
                    OutcomeClass::Success => p.paint("32", "succeeded"),
                    OutcomeClass::RebootRequired => p.paint("32", "succeeded, restart required"),
                    OutcomeClass::Cancelled => p.paint("33", "cancelled by the user"),
                    OutcomeClass::Failure => p.paint("31", "FAILED"),
                };
                format!("{label} — {} ({})", o.code, o.meaning)
            }
            None => "no exit status in the log".to_string(),
        };
        let _ = writeln!(out, "  [{}] {} of {product}: {result}", n + 1, s.operation);
        let from_event_log = s.recorded.as_ref().filter(|r| r.path == s.path);
        if from_event_log.is_none() {
            let _ = writeln!(
                out,
                "      log:      {} lines {}-{}{}",
                sanitize(&s.path),
                s.lines[0],
                s.lines[1],
                if s.verbose { "" } else { " (not verbose)" }
            );
        }
        if let Some(r) = &s.recorded {
            let records = match (r.records.first(), r.records.last()) {
                (Some(a), Some(b)) if a != b => format!(" records {a}-{b}"),
                (Some(a), _) => format!(" record {a}"),
                _ => String::new(),
            };
            let _ = writeln!(out, "      events:   {}{records}", sanitize(&r.path));
            if let Some(p) = &r.package {
                let _ = writeln!(out, "      package:  {}", cut(&sanitize(p), width - 16));
            }
            let who = [
                r.client_pid.map(|p| format!("client process {p}")),
                r.user_sid
                    .as_deref()
                    .map(|u| format!("user {}", sanitize(u))),
            ];
            let who: Vec<String> = who.into_iter().flatten().collect();
            if !who.is_empty() {
                let _ = writeln!(out, "      by:       {}", who.join(", "));
            }
            if let (Some(a), Some(b)) = (r.start, r.end) {
                let _ = writeln!(
                    out,
                    "      time:     {} → {} (UTC)",
                    a.format("%Y-%m-%d %H:%M:%S"),
                    b.format("%Y-%m-%d %H:%M:%S")
                );
            }
        }
        if let Some(c) = &s.calling_process {
            let _ = writeln!(out, "      caller:   {}", sanitize(c));
        }
        if let Some(c) = &s.command_line {
            let _ = writeln!(out, "      command:  {}", cut(&sanitize(c), width - 16));
        }
        if let Some(e) = s.elevated {
            let _ = writeln!(out, "      elevated: {}", if e { "yes" } else { "no" });
        }
        if let (Some(a), Some(b)) = (s.start, s.end) {
            let secs = s.duration_ms.unwrap_or(0) as f64 / 1000.0;
            let _ = writeln!(out, "      time:     {a} → {b} ({secs:.1} s, local time)");
        }
        if let Some(a) = &s.failed_action {
            let _ = writeln!(
                out,
                "      failed:   action {} (line {})",
                sanitize(&a.name),
                a.line
            );
        }
        if let Some(b) = s.bundle {
            let _ = writeln!(out, "      bundle:   run by bundle [{}]", b + 1);
        }
    }

    if !report.bundles.is_empty() {
        let _ = writeln!(out, "\n{}", p.paint("1", "Bundles"));
    }
    for (n, b) in report.bundles.iter().enumerate() {
        let result = match &b.outcome {
            Some(o) if o.class == OutcomeClass::Failure => p.paint(
                "31",
                &format!("FAILED — exit code {} ({})", o.code, o.meaning),
            ),
            Some(o) => p.paint("32", &format!("exit code {} ({})", o.code, o.meaning)),
            None => "no exit code in the log".to_string(),
        };
        let name = b
            .name
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| "(unnamed bundle)".into());
        let _ = writeln!(
            out,
            "  [{}] {name}{}: {result}",
            n + 1,
            b.version
                .as_deref()
                .map(|v| format!(" {}", sanitize(v)))
                .unwrap_or_default()
        );
        let _ = writeln!(out, "      log:      {}", sanitize(&b.path));
        for l in &b.package_logs {
            let given = match l.input {
                Some(_) => "given",
                None => "not given",
            };
            let _ = writeln!(
                out,
                "      package:  {} → {} ({given})",
                sanitize(&l.package),
                sanitize(&l.path)
            );
        }
    }

    if !report.captures.is_empty() {
        let _ = writeln!(out, "\n{}", p.paint("1", "Process Monitor captures"));
    }
    for c in &report.captures {
        let r = &c.results;
        let _ = writeln!(
            out,
            "  {}: {} rows ({} kept), {} success, {} routine, {} probing, {} failures{}{}",
            sanitize(&c.path),
            c.rows,
            c.kept,
            r.success,
            r.noise,
            r.probe,
            r.failure,
            if r.retried_all_access > 0 {
                format!(
                    " ({} of them All Access opens retried narrower)",
                    r.retried_all_access
                )
            } else {
                String::new()
            },
            if c.bad_rows > 0 {
                format!(", {} bad rows skipped", c.bad_rows)
            } else {
                String::new()
            }
        );
        let date = match c.date {
            Some(d) => format!("{d} (from {})", c.date_source),
            None => c.date_source.clone(),
        };
        let _ = writeln!(out, "      date:      {}", sanitize(&date));
        let _ = writeln!(out, "      processes: {}", c.processes.len());
        let top: Vec<String> = c
            .operations
            .iter()
            .take(5)
            .map(|o| {
                let result = if o.result.is_empty() {
                    "(none)"
                } else {
                    &o.result
                };
                format!("{} {} ×{}", o.operation, result, o.count)
            })
            .collect();
        let _ = writeln!(
            out,
            "      most rows: {}",
            cut(&sanitize(&top.join(", ")), width - 17)
        );
    }

    let _ = writeln!(out, "\n{}", p.paint("1", "Findings"));
    if report.verdict == Verdict::NothingAnalysed {
        let _ = writeln!(
            out,
            "  Nothing analysed: {}.",
            report.verdict.reason(&report.inputs)
        );
    } else if report.findings.is_empty() {
        let _ = writeln!(out, "  No failure found.");
    }
    for (n, f) in report.findings.iter().enumerate() {
        let sev = match f.severity {
            Severity::Error => p.paint("1;31", "ERROR"),
            Severity::Warning => p.paint("1;33", "WARNING"),
            Severity::Info => p.paint("1;36", "INFO"),
        };
        let conf = f.confidence.label();
        let _ = writeln!(
            out,
            "  {}. {sev} {} ({} confidence)",
            n + 1,
            sanitize(&f.title),
            conf
        );
        let _ = writeln!(
            out,
            "     id: {}  category: {}",
            sanitize(&f.id),
            sanitize(&f.category)
        );
        let _ = writeln!(out, "     {}", sanitize(&f.summary));
        let _ = writeln!(out, "     evidence:");
        for e in &f.evidence {
            let role = match e.role {
                EvidenceRole::Cause => p.paint("1", "cause  "),
                EvidenceRole::Context => "context".to_string(),
                EvidenceRole::Consequence => "led to ".to_string(),
                EvidenceRole::Failure => "failure".to_string(),
                EvidenceRole::Outcome => "outcome".to_string(),
            };
            let place = sanitize(&e.place());
            let text = cut(&sanitize(e.text.trim()), width.saturating_sub(12));
            let _ = writeln!(out, "       {role} {place}\n               {text}");
        }
        if let Some(graph) = &report.graph {
            for chain in graph.chains.iter().filter(|c| c.finding == n) {
                let _ = writeln!(out, "     failure chain:");
                for (depth, &i) in chain.nodes.iter().enumerate() {
                    let node = &graph.nodes[i];
                    let place = node
                        .evidence
                        .as_ref()
                        .map(|e| format!("  [{}]", sanitize(&e.short_place())))
                        .unwrap_or_default();
                    let arrow = if depth == 0 { "" } else { "→ " };
                    let indent = "  ".repeat(depth.min(12));
                    let label = cut(
                        &sanitize(&node.label),
                        width.saturating_sub(10 + indent.len() + place.len()),
                    );
                    let _ = writeln!(out, "       {indent}{arrow}{label}{place}");
                }
            }
        }
        if !f.remediation.is_empty() {
            let _ = writeln!(out, "     what to do:");
            for r in &f.remediation {
                let _ = writeln!(out, "       - {}", sanitize(r));
            }
        }
    }
    let verdict = match report.verdict {
        Verdict::FailureFound => p.paint("1;31", "failure found"),
        Verdict::NoFailureFound => p.paint("1;32", "no failure found"),
        Verdict::NothingAnalysed => p.paint("1;33", "nothing analysed"),
    };
    let _ = writeln!(out, "\nResult: {verdict}");
    out
}
