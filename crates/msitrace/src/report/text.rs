//! Text rendering of a [`Report`] for people: inputs, sessions, findings with evidence and remedies.
//!
//! Log text is untrusted: every piece of it goes through [`sanitize`], which removes terminal control
//! sequences, before it is printed.

use crate::analysis::{InputStatus, Report, Verdict};
use crate::clock::ClockMethod;
use crate::codes::OutcomeClass;
use crate::findings::{EvidenceRole, Severity};
use crate::report::wrap::wrap;
use std::fmt::Write;

/// Options of the text rendering.
#[derive(Debug, Clone)]
pub struct TextOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Terminal width: every line is wrapped to it (continuation lines indented).
    pub width: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            width: 100,
        }
    }
}

/// Remove terminal control sequences and control characters from untrusted text, as
/// [`super::escape::terminal`] does, and make the result one line: tabs become spaces and newlines
/// are removed.
///
/// ```
/// use msitrace::report::text::sanitize;
/// assert_eq!(sanitize("a\x1b[31mb\x07c"), "abc");
/// assert_eq!(sanitize("x\x1b]0;owned\x07y\x1b]8;;http://e\x1b\\z"), "xyz");
/// assert_eq!(sanitize("p\u{9b}2Jq\tr"), "pq r");
/// ```
pub fn sanitize(text: &str) -> String {
    super::escape::terminal(text)
        .chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            '\n' => None,
            c => Some(c),
        })
        .collect()
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

/// `1 error`, `2 errors`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The last component of a path (either separator).
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Render the report as text.
pub fn render(report: &Report, options: &TextOptions) -> String {
    let p = Painter {
        color: options.color,
    };
    let width = options.width.max(40);
    let mut out = String::new();
    // One wrapped paragraph: `first` before it, `rest` before each continuation line.
    let para = |out: &mut String, first: &str, rest: &str, text: &str| {
        out.push_str(&wrap(text, width, first, rest));
    };
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    // Skipped and unreadable files are listed under Inputs but are not inputs analysed.
    let analysed = report
        .inputs
        .iter()
        .filter(|i| i.status == InputStatus::Analyzed)
        .count();
    let skipped = match report.inputs.len() - analysed {
        0 => String::new(),
        n => format!(" ({n} not analysed)"),
    };
    let info = match count(Severity::Info) {
        0 => String::new(),
        n => format!(", {n} info"),
    };
    para(
        &mut out,
        "",
        "  ",
        &format!(
            "{} — {}{skipped}, {}, {}; {}, {}{info}",
            report.tool,
            plural(analysed, "input"),
            plural(report.sessions.len(), "installer session"),
            plural(report.bundles.len(), "bundle"),
            plural(count(Severity::Error), "error"),
            plural(count(Severity::Warning), "warning"),
        ),
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
        // A capture is counted in rows everywhere (CSV lines and XML elements are not rows).
        let capture = report.captures.iter().find(|c| c.input == i.id);
        let status = match (i.status, capture) {
            (InputStatus::Analyzed, Some(c)) if i.form.is_none() => {
                format!("{}, {} kept", plural(c.rows as usize, "row"), c.kept)
            }
            (InputStatus::Analyzed, _) => match &i.records {
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
            (InputStatus::Unsupported, _) => p.paint("33", "not yet supported"),
            (InputStatus::Unrecognized, _) => p.paint("33", "skipped"),
            (InputStatus::Error, _) => p.paint("31", "error"),
        };
        para(
            &mut out,
            &format!("  #{} ", i.id + 1),
            "      ",
            &format!("{}  ({what}; {status})", sanitize(&i.path)),
        );
        if let Some(e) = &i.error {
            para(&mut out, "    ", "      ", &sanitize(e));
        }
        for w in i.warnings.iter().take(10) {
            para(
                &mut out,
                "    warning: ",
                "      ",
                &crate::text::clip(&sanitize(&w.text), 400),
            );
        }
        for w in i.skipped.iter().take(10) {
            para(
                &mut out,
                "    skipped: ",
                "      ",
                &crate::text::clip(&sanitize(&w.text), 400),
            );
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
            // The Inputs section maps numbers to paths; here the file name is enough.
            let name = report
                .inputs
                .iter()
                .find(|i| i.id == c.input)
                .map_or("?".to_string(), |i| sanitize(file_name(&i.path)));
            let how = match &c.method {
                ClockMethod::Utc => "as written".to_string(),
                ClockMethod::Override => "given with --utc-offset or --timezone".to_string(),
                ClockMethod::Anchored { anchors, .. } => {
                    format!("{anchors} matching moment(s) with an event log")
                }
                ClockMethod::SameMachine { from } => format!("same machine as #{}", from + 1),
                ClockMethod::Unknown => "not aligned".to_string(),
            };
            let offset = c.offset.as_deref().unwrap_or("unknown offset");
            let date = c
                .assumed_date
                .map(|d| format!("; date {d} assumed"))
                .unwrap_or_default();
            para(
                &mut out,
                &format!("  #{} ", c.input + 1),
                "      ",
                &format!(
                    "{name}: {offset} ({how}; {} confidence{date})",
                    c.confidence.label()
                ),
            );
            for n in &c.notes {
                para(&mut out, "    note: ", "      ", &sanitize(n));
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
        para(
            &mut out,
            &format!("  [{}] ", n + 1),
            "      ",
            &format!("{} of {product}: {result}", s.operation),
        );
        let from_event_log = s.recorded.as_ref().filter(|r| r.path == s.path);
        if from_event_log.is_none() {
            para(
                &mut out,
                "      log:      ",
                "                ",
                &format!(
                    "{} lines {}-{}{}",
                    sanitize(&s.path),
                    s.lines[0],
                    s.lines[1],
                    if s.verbose { "" } else { " (not verbose)" }
                ),
            );
        }
        if let Some(r) = &s.recorded {
            let records = match (r.records.first(), r.records.last()) {
                (Some(a), Some(b)) if a != b => format!(" records {a}-{b}"),
                (Some(a), _) => format!(" record {a}"),
                _ => String::new(),
            };
            para(
                &mut out,
                "      events:   ",
                "                ",
                &format!("{}{records}", sanitize(&r.path)),
            );
            if let Some(p) = &r.package {
                para(
                    &mut out,
                    "      package:  ",
                    "                ",
                    &sanitize(p),
                );
            }
            let who = [
                r.client_pid.map(|p| format!("client process {p}")),
                r.user_sid
                    .as_deref()
                    .map(|u| format!("user {}", sanitize(u))),
            ];
            let who: Vec<String> = who.into_iter().flatten().collect();
            if !who.is_empty() {
                para(
                    &mut out,
                    "      by:       ",
                    "                ",
                    &who.join(", "),
                );
            }
            if let (Some(a), Some(b)) = (r.start, r.end) {
                para(
                    &mut out,
                    "      time:     ",
                    "                ",
                    &format!(
                        "{} → {} (UTC)",
                        a.format("%Y-%m-%d %H:%M:%S"),
                        b.format("%Y-%m-%d %H:%M:%S")
                    ),
                );
            }
        }
        if let Some(c) = &s.calling_process {
            para(
                &mut out,
                "      caller:   ",
                "                ",
                &sanitize(c),
            );
        }
        if let Some(c) = &s.command_line {
            para(
                &mut out,
                "      command:  ",
                "                ",
                &sanitize(c),
            );
        }
        if let Some(e) = s.elevated {
            para(
                &mut out,
                "      elevated: ",
                "                ",
                if e { "yes" } else { "no" },
            );
        }
        if let (Some(a), Some(b)) = (s.start, s.end) {
            let secs = s.duration_ms.unwrap_or(0) as f64 / 1000.0;
            para(
                &mut out,
                "      time:     ",
                "                ",
                &format!("{a} → {b} ({secs:.1} s, local time)"),
            );
        }
        if let Some(a) = &s.failed_action {
            para(
                &mut out,
                "      failed:   ",
                "                ",
                &format!("action {} (line {})", sanitize(&a.name), a.line),
            );
        }
        if let Some(b) = s.bundle {
            para(
                &mut out,
                "      bundle:   ",
                "                ",
                &format!("run by bundle [{}]", b + 1),
            );
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
        let version = b
            .version
            .as_deref()
            .map(|v| format!(" {}", sanitize(v)))
            .unwrap_or_default();
        para(
            &mut out,
            &format!("  [{}] ", n + 1),
            "      ",
            &format!("{name}{version}: {result}"),
        );
        para(
            &mut out,
            "      log:      ",
            "                ",
            &sanitize(&b.path),
        );
        for l in &b.package_logs {
            let given = match l.input {
                Some(_) => "given",
                None => "not given",
            };
            para(
                &mut out,
                "      package:  ",
                "                ",
                &format!("{} → {} ({given})", sanitize(&l.package), sanitize(&l.path)),
            );
        }
    }

    if !report.captures.is_empty() {
        let _ = writeln!(out, "\n{}", p.paint("1", "Process Monitor captures"));
    }
    for c in &report.captures {
        let r = &c.results;
        let line = format!(
            "{}: {} ({} kept), {} success, {} routine, {} probing, {} failures{}{}",
            sanitize(&c.path),
            plural(c.rows as usize, "row"),
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
        para(&mut out, "  ", "      ", &line);
        // The date the clock assumed for a date-less capture, as the Clock section says it.
        let assumed = report
            .clock
            .iter()
            .find(|k| k.input == c.input)
            .and_then(|k| k.assumed_date);
        let date = match (c.date, assumed) {
            (Some(d), _) => format!("{d} (from {})", c.date_source),
            (None, Some(d)) => {
                format!("{d} assumed (see Clock); the rows carry times of day only")
            }
            (None, None) => c.date_source.clone(),
        };
        para(
            &mut out,
            "      date:      ",
            "                 ",
            &sanitize(&date),
        );
        para(
            &mut out,
            "      processes: ",
            "                 ",
            &c.processes.len().to_string(),
        );
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
        para(
            &mut out,
            "      most rows: ",
            "                 ",
            &sanitize(&top.join(", ")),
        );
    }

    let _ = writeln!(out, "\n{}", p.paint("1", "Findings"));
    if report.verdict == Verdict::NothingAnalysed {
        para(
            &mut out,
            "  ",
            "  ",
            &format!(
                "Nothing analysed: {}.",
                report.verdict.reason(&report.inputs)
            ),
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
        let number = format!("  {}. ", n + 1);
        para(
            &mut out,
            &number,
            &" ".repeat(number.len()),
            &format!("{sev} {} ({conf} confidence)", sanitize(&f.title)),
        );
        // Which installer session (or bundle) the finding is about, by its number above.
        let about = match (
            f.session
                .and_then(|s| report.sessions.get(s).map(|r| (s, r))),
            f.bundle,
        ) {
            (Some((n, s)), _) => format!(
                "  session: [{}] {} of {}",
                n + 1,
                s.operation,
                s.product
                    .as_deref()
                    .map(sanitize)
                    .unwrap_or_else(|| "?".into())
            ),
            (None, Some(b)) => format!("  bundle: [{}]", b + 1),
            _ => String::new(),
        };
        para(
            &mut out,
            "     ",
            "       ",
            &format!(
                "id: {}  category: {}{about}",
                sanitize(&f.id),
                sanitize(&f.category)
            ),
        );
        para(&mut out, "     ", "     ", &sanitize(&f.summary));
        if !f.evidence.is_empty() {
            let _ = writeln!(out, "     evidence:");
        }
        for e in &f.evidence {
            let role = match e.role {
                EvidenceRole::Cause => p.paint("1", "cause  "),
                EvidenceRole::Context => "context".to_string(),
                EvidenceRole::Consequence => "led to ".to_string(),
                EvidenceRole::Failure => "failure".to_string(),
                EvidenceRole::Outcome => "outcome".to_string(),
            };
            let place = sanitize(&e.place());
            // A cited line is shown whole up to a few lines' worth; the file has the rest.
            let text = crate::text::clip(&sanitize(e.text.trim()), 3 * width);
            para(
                &mut out,
                &format!("       {role} "),
                "                 ",
                &place,
            );
            para(&mut out, "               ", "               ", &text);
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
                    // Deep chains stop indenting, so that labels keep room to wrap into.
                    let indent = "       ".to_string() + &"  ".repeat(depth.min(8));
                    let label = sanitize(&node.label);
                    para(
                        &mut out,
                        &format!("{indent}{arrow}"),
                        &format!("{indent}    "),
                        &format!("{label}{place}"),
                    );
                }
            }
        }
        if !f.remediation.is_empty() {
            let _ = writeln!(out, "     what to do:");
            for r in &f.remediation {
                para(&mut out, "       - ", "         ", &sanitize(r));
            }
        }
        if !f.references.is_empty() {
            let _ = writeln!(out, "     see also:");
            for r in &f.references {
                para(&mut out, "       - ", "         ", &sanitize(r));
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
