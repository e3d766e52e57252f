//! From a session's facts to findings: the cause line, its context, the failure and the outcome.
//!
//! The cause is the strongest line in the failure window (see [`Strength`]); among equals, the
//! earliest, because later errors are usually consequences (rollback, `Error 33. Setup failed`).
//! A cause rule of the rule pack that matched the line gives id, title, summary and remedy (and
//! its other events as evidence); otherwise the code knowledge base does.

use super::msi::SessionFacts;
use super::signals::{self, Strength};
use crate::codes::{self, CodeScope, OutcomeClass};
use crate::event::{Event, Kind, Location, MessageLevel};
use crate::findings::{Confidence, Evidence, EvidenceRole, Finding, Severity};
use crate::rules::{Role, RuleMatch, Subject};

/// What the rules found, as one session's diagnosis needs it.
#[derive(Debug, Clone, Copy)]
pub struct RuleContext<'a, 'r> {
    /// Every rule match of the analysis.
    pub matches: &'a [RuleMatch<'r>],
    /// The events the rules saw (hits point into it).
    pub subjects: &'a [Subject<'a>],
    /// Input paths by input id, to cite evidence from other inputs.
    pub paths: &'a [String],
    /// The cause rule of each line a cause rule's event is at ([`cause_index`]).
    pub causes: &'a CauseIndex,
}

/// The most specific cause match at each place (input, location), as an index into the matches:
/// looked up for every line of every failure window, so found once.
pub type CauseIndex = std::collections::HashMap<(u32, Location), usize>;

/// Index the cause rules' events by place: at each, the match with the most steps, then the
/// first in the pack's order.
pub fn cause_index(matches: &[RuleMatch<'_>], subjects: &[Subject<'_>]) -> CauseIndex {
    let mut index = CauseIndex::new();
    for (i, m) in matches.iter().enumerate() {
        if m.rule.role != Role::Cause {
            continue;
        }
        for h in &m.hits {
            let best = index
                .entry((subjects[h.subject].event.input, h.at))
                .or_insert(i);
            if matches[*best].hits.len() < m.hits.len() {
                *best = i;
            }
        }
    }
    index
}

impl<'a, 'r> RuleContext<'a, 'r> {
    /// The most specific cause rule with an event at this line (more steps first, then the pack's
    /// order).
    fn cause_at(&self, input: u32, at: Location) -> Option<&'a RuleMatch<'r>> {
        self.causes.get(&(input, at)).map(|&i| &self.matches[i])
    }

    /// The evidence of a match: its first event is the cause, the others what it led to.
    pub fn evidence(&self, m: &RuleMatch<'r>) -> Vec<Evidence> {
        m.hits
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let input = self.subjects[h.subject].event.input as usize;
                let path = self.paths.get(input).map_or("?", String::as_str);
                let role = if i == 0 {
                    EvidenceRole::Cause
                } else {
                    EvidenceRole::Consequence
                };
                Evidence::new(path, h.at, &h.text, role)
            })
            .collect()
    }
}

/// Most lines cited as context for one finding.
const MAX_CONTEXT: usize = 12;

/// One line of the window that can explain the failure.
#[derive(Debug, Clone)]
struct Candidate<'a> {
    event: &'a Event,
    line: u64,
    text: &'a str,
    strength: Strength,
    /// True when the line is the entry's own line (its kind applies), false for continuation lines.
    own: bool,
}

/// Most stack-trace lines kept after an exception line.
const MAX_TRACE: usize = 4;

fn candidates<'a>(window: &'a [Event], rules: &RuleContext<'_, '_>) -> Vec<Candidate<'a>> {
    let mut out = Vec::new();
    for event in window {
        // Frames of a stack trace after an exception line (`   at Namespace.Type.Method(...)`)
        // are context, though they hold no alarm word.
        let mut trace = 0;
        for (i, (line, text)) in event.raw_lines().enumerate() {
            let strength = if i == 0 {
                signals::entry_strength(event)
            } else {
                signals::text_strength(text)
            };
            let frame = text.trim_start().starts_with("at ");
            let strength = match strength {
                None if frame && trace > 0 => {
                    trace -= 1;
                    Some(Strength::WeakText)
                }
                s => {
                    if !frame {
                        trace = if memchr::memmem::find(text.as_bytes(), b"xception").is_some() {
                            MAX_TRACE
                        } else {
                            0
                        };
                    }
                    s
                }
            };
            // A cause rule on the line outranks its generic kind.
            let ruled = rules.cause_at(event.input, Location::Line(line)).is_some();
            let strength = match strength {
                Some(s) if ruled && s < Strength::Signature => Some(Strength::Signature),
                None if ruled => Some(Strength::Signature),
                s => s,
            };
            if let Some(strength) = strength {
                out.push(Candidate {
                    event,
                    line,
                    text,
                    strength,
                    own: i == 0,
                });
            }
        }
    }
    demote_ignored_action_errors(window, &mut out);
    out
}

/// A custom action's error line belongs to the first custom-action result after it: when that
/// action's failure was ignored (translated to success), the line does not explain this failure.
fn demote_ignored_action_errors(window: &[Event], cands: &mut [Candidate<'_>]) {
    let results: Vec<(u64, bool)> = window
        .iter()
        .filter_map(|e| match &e.kind {
            Kind::CustomActionResult {
                translated_to_success,
                ..
            } => Some((line_of(e), *translated_to_success)),
            _ => None,
        })
        .collect();
    for c in cands.iter_mut() {
        if c.strength < Strength::StrongText || signals::custom_action_error(c.text).is_none() {
            continue;
        }
        let next = results.iter().find(|(line, _)| *line > c.line);
        if next.is_some_and(|(_, translated)| *translated) {
            c.strength = Strength::WeakText;
        }
    }
}

/// Findings for one session (none for a clean success or a cancel).
pub fn session_findings(
    facts: &SessionFacts,
    session_index: usize,
    rules: &RuleContext<'_, '_>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let class = facts.report.outcome.as_ref().map(|o| o.class);
    let failed = class == Some(OutcomeClass::Failure);
    let mut cands = candidates(&facts.window, rules);
    // Nothing before the failure explains it: an error line after it (in the rollback, at the end
    // of the log, quoted after it) may.
    if !cands.iter().any(|c| c.strength >= Strength::StrongText) {
        let later = candidates(&facts.later, rules);
        cands.extend(
            later
                .into_iter()
                .filter(|c| c.strength >= Strength::CustomActionError),
        );
    }
    // Entries outside the window that a cause rule points at (the failing LaunchConditions action,
    // the elevation line of a non-elevated install) compete too.
    for e in facts.failure_point.iter().chain(&facts.settings) {
        if cands.iter().any(|c| c.line == line_of(e)) {
            continue;
        }
        if rules.cause_at(e.input, e.at).is_some() {
            cands.push(Candidate {
                event: e,
                line: line_of(e),
                text: e.first_line(),
                strength: Strength::Signature,
                own: true,
            });
        }
    }
    let bad_product_code = facts
        .product_code_event
        .as_ref()
        .filter(|e| matches!(&e.kind, Kind::Property { value, .. } if !is_guid(value.trim())));
    let strong = cands.iter().any(|c| c.strength >= Strength::StrongText);
    if failed || (class.is_none() && strong) {
        let mut finding = failure_finding(facts, session_index, &cands, failed, rules);
        if let Some(e) = bad_product_code {
            if cands.is_empty() {
                blame_product_code(&mut finding, &facts.report.path, e);
            } else {
                findings.push(product_code_finding(&facts.report.path, e, session_index));
            }
        }
        findings.insert(0, finding);
    }
    if !facts.file_in_use.is_empty() {
        findings.push(file_in_use_finding(facts, session_index));
    }
    findings.extend(super::success::warnings(facts, session_index));
    findings
}

fn line_of(e: &Event) -> u64 {
    match e.at {
        Location::Line(n) => n,
        _ => 0,
    }
}

fn failure_finding(
    facts: &SessionFacts,
    session_index: usize,
    cands: &[Candidate<'_>],
    failed: bool,
    rules: &RuleContext<'_, '_>,
) -> Finding {
    let path = &facts.report.path;
    let cause = cands
        .iter()
        .max_by(|a, b| a.strength.cmp(&b.strength).then(b.line.cmp(&a.line)));
    let mut evidence = Vec::new();
    let mut codes_cited = Vec::new();
    let (id, title, category, remediation, confidence, cause_text) = match cause {
        Some(c) => match rules.cause_at(c.event.input, Location::Line(c.line)) {
            Some(m) => {
                evidence.extend(rules.evidence(m));
                codes_cited.extend(&m.rule.codes);
                describe_rule(m)
            }
            None => {
                evidence.push(Evidence::new(
                    path,
                    Location::Line(c.line),
                    c.text,
                    EvidenceRole::Cause,
                ));
                describe_cause(c, &mut codes_cited)
            }
        },
        None => {
            let msg = if facts.report.verbose {
                "no error line precedes the failure".to_string()
            } else {
                "the log is not verbose, so it holds no error lines; run msiexec again with /l*v to capture them".to_string()
            };
            (
                "msi.failed-without-error".to_string(),
                "The installation failed without logging an error".to_string(),
                "unknown".to_string(),
                vec![
                    "Run the installation again with verbose logging (msiexec /i package.msi /l*v install.log) and look at the lines before 'Return value 3'.".to_string(),
                ],
                Confidence::Low,
                msg,
            )
        }
    };
    // A specific exit status (1620, 1625, ...) names the failure better than free text does.
    let weak_cause = cause.is_none_or(|c| c.strength <= Strength::StrongText);
    let (id, title, category, mut remediation, confidence, cause_text) =
        match exit_specific(facts).filter(|_| weak_cause) {
            Some((code, info)) => {
                codes_cited.push(code);
                let said = match cause {
                    Some(c) => format!(
                        "the installer ended with {code} ({}); the nearest logged error: {}",
                        info.title,
                        c.text.trim()
                    ),
                    None => format!(
                        "the installer ended with {code} ({}) without logging an error line",
                        info.title
                    ),
                };
                (
                    format!("msi.exit.{code}"),
                    format!("Exit status {code}: {}", info.title),
                    info.category.to_string(),
                    vec![info.remedy.to_string()],
                    Confidence::Medium,
                    said,
                )
            }
            None => (id, title, category, remediation, confidence, cause_text),
        };
    // Context: other explaining lines, in order; when there are too many, the strongest, then
    // those nearest the cause. A notice repeating a message already cited, and a custom action's
    // own report that something is fine or absent, explain nothing.
    let numbered: Vec<u32> = cands
        .iter()
        .filter_map(|c| match &c.event.kind {
            Kind::MsiMessage(m) if c.own => Some(m.code),
            _ => None,
        })
        .chain(codes_cited.iter().copied())
        .collect();
    let mut context: Vec<&Candidate<'_>> = cands
        .iter()
        .filter(|c| cause.is_none_or(|k| k.line != c.line))
        .filter(|c| {
            !evidence
                .iter()
                .any(|e| e.line == Some(c.line) && e.input == *path)
        })
        .filter(|c| !repeats_cited_message(c, &numbered))
        .filter(|c| c.strength > Strength::WeakText || !reports_fine_or_absent(c.text))
        .collect();
    if context.len() > MAX_CONTEXT {
        let near = cause.map_or(u64::MAX, |k| k.line);
        context.sort_by(|a, b| {
            b.strength
                .cmp(&a.strength)
                .then(a.line.abs_diff(near).cmp(&b.line.abs_diff(near)))
        });
        context.truncate(MAX_CONTEXT);
        context.sort_by_key(|c| c.line);
    }
    for c in context {
        let role = if matches!(c.event.kind, Kind::CustomActionResult { .. }) && c.own {
            EvidenceRole::Failure
        } else {
            EvidenceRole::Context
        };
        evidence.push(Evidence::new(
            path,
            crate::event::Location::Line(c.line),
            c.text,
            role,
        ));
    }
    if cause.is_none() {
        // Nothing inside the failing action: the last warnings before it are the best clues.
        for c in candidates(&facts.earlier, rules) {
            let at = crate::event::Location::Line(c.line);
            evidence.push(Evidence::new(path, at, c.text, EvidenceRole::Context));
        }
    }
    if let Some(fp) = &facts.failure_point {
        evidence.push(Evidence::new(
            path,
            fp.at,
            fp.first_line(),
            EvidenceRole::Failure,
        ));
    }
    for e in &facts.outcome_events {
        if facts.failure_point.as_ref().is_some_and(|fp| fp.at == e.at) {
            continue;
        }
        evidence.push(Evidence::new(
            path,
            e.at,
            e.first_line(),
            EvidenceRole::Outcome,
        ));
    }

    let s = &facts.report;
    let what = match (&s.product, &s.version) {
        (Some(p), Some(v)) if !p.contains(v.as_str()) => format!("{} of {p} {v}", s.operation),
        (Some(p), _) => format!("{} of {p}", s.operation),
        _ => format!("{}", s.operation),
    };
    let mut summary = match &s.outcome {
        Some(o) if failed => format!(
            "The {what} failed with exit status {} ({})",
            o.code, o.meaning
        ),
        _ => format!("The {what} logged errors; the log has no exit status"),
    };
    if let Some(a) = &s.failed_action {
        summary.push_str(&format!(" in action {} (line {})", a.name, a.line));
    }
    summary.push_str(&format!(". Cause: {cause_text}"));
    let custom_action = |c: &&Candidate<'_>| {
        c.strength == Strength::CustomAction
            || (c.strength == Strength::Signature && category.starts_with("custom_action"))
    };
    if let Some(c) = cause.filter(custom_action) {
        // The action's own output usually says why; quote its first strong line.
        if let Some(out) = cands
            .iter()
            .find(|o| o.line < c.line && !o.own && o.strength >= Strength::StrongText)
        {
            let kept = summary.trim_end_matches('.').len();
            summary.truncate(kept);
            summary.push_str(&format!(". Its output says: {}", out.text.trim()));
        }
    }
    if !summary.ends_with('.') {
        summary.push('.');
    }
    if s.elevated == Some(false)
        && matches!(
            category.as_str(),
            "file_access" | "registry_access" | "registry_access_denied" | "access_denied"
        )
    {
        summary.push_str(" The installer ran without elevation.");
        remediation.push(
            "The install ran without administrator rights: run it from an elevated prompt (or install per-user if the package supports it).".to_string(),
        );
    }
    if let Some(o) = &s.outcome {
        if failed && o.code != 1603 && !codes_cited.contains(&o.code) {
            if let Some(info) = codes::lookup(CodeScope::Exit, o.code) {
                remediation.push(format!("Exit status {}: {}", o.code, info.remedy));
            }
        }
        if failed {
            codes_cited.push(o.code);
        }
    }
    codes_cited.dedup();
    Finding {
        occurrences: 1,
        references: Vec::new(),
        id,
        title,
        severity: Severity::Error,
        confidence,
        category,
        summary,
        session: Some(session_index),
        bundle: None,
        codes: codes_cited,
        evidence,
        remediation,
    }
}

/// True for a `Product: X -- Error N. …` notice (or a line quoting `The error code is N`) whose
/// message number is already cited: the numbered line itself says it.
fn repeats_cited_message(c: &Candidate<'_>, cited: &[u32]) -> bool {
    !(c.own && matches!(c.event.kind, Kind::MsiMessage(_)))
        && signals::quoted_error_code(quoted_message(c.text)).is_some_and(|n| cited.contains(&n))
}

/// True for a custom action's line reporting that something is fine, absent or left alone
/// (`Service 'X' not found`, `skipping`, `already exists, not creating`): routine output.
fn reports_fine_or_absent(text: &str) -> bool {
    const FINE: &[&str] = &[
        "not found",
        "skipping",
        "skip ",
        "already exists",
        "does not exist",
        "nothing to",
        "no need to",
        "not installed, ",
    ];
    let lower = text.to_ascii_lowercase();
    FINE.iter().any(|f| lower.contains(f))
}

type Described = (String, String, String, Vec<String>, Confidence, String);

/// Id, title, category, remediation, confidence and sentence from a matched rule.
fn describe_rule(m: &RuleMatch<'_>) -> Described {
    let r = m.rule;
    (
        r.id.clone(),
        r.title.clone(),
        r.category.clone(),
        r.remediation
            .iter()
            .map(|step| crate::rules::engine::fill_known(step, &m.captures))
            .collect(),
        r.confidence,
        m.summary(),
    )
}

/// A finding from a rule match that no installer session explains (event logs, captures).
pub fn rule_finding(m: &RuleMatch<'_>, rules: &RuleContext<'_, '_>) -> Finding {
    let (id, title, category, remediation, confidence, summary) = describe_rule(m);
    Finding {
        occurrences: 1,
        references: Vec::new(),
        id,
        title,
        severity: m.rule.severity,
        confidence,
        category,
        summary,
        session: None,
        bundle: None,
        codes: m.rule.codes.clone(),
        evidence: rules.evidence(m),
        remediation,
    }
}

/// Id, title, category, remediation, confidence and a sentence for the cause line.
fn describe_cause(c: &Candidate<'_>, codes_cited: &mut Vec<u32>) -> Described {
    match (&c.event.kind, c.own) {
        (Kind::MsiMessage(m), true) => {
            codes_cited.push(m.code);
            let info = signals::message_info(m.code);
            let kind = match m.level {
                MessageLevel::Error => "Error",
                MessageLevel::Internal => "Internal error",
                MessageLevel::Debug => "Debug error",
                MessageLevel::Note => "Note",
                MessageLevel::Warning => "Warning",
                MessageLevel::Info => "Info",
            };
            let title = match info {
                Some(i) => format!("{kind} {}: {}", m.code, i.title),
                None => format!("{kind} {}", m.code),
            };
            let text = if m.text.is_empty() {
                c.text.trim().to_string()
            } else {
                format!("{kind} {}: {}", m.code, m.text.trim())
            };
            let mut remediation = Vec::new();
            if let Some(i) = info {
                remediation.push(i.remedy.to_string());
            }
            for arg in &m.args {
                if let Some(hr) = codes::hresult_from_decimal(arg) {
                    remediation.push(format!("{arg} is {}", codes::describe_hresult(hr)));
                }
            }
            (
                format!("msi.{}.{}", kind_id(m.level), m.code),
                title,
                info.map_or("installer_error", |i| i.category).to_string(),
                remediation,
                if info.is_some() {
                    Confidence::High
                } else {
                    Confidence::Medium
                },
                text,
            )
        }
        (Kind::CustomActionResult { action, code, .. }, true) => {
            codes_cited.push(*code);
            let name = if action.is_empty() {
                "(unnamed)"
            } else {
                action
            };
            (
                "msi.custom-action-failed".to_string(),
                format!("Custom action {name} failed with error code {code}"),
                "custom_action".to_string(),
                vec![
                    format!("Custom action {name} returned {code}: read its own output just before this line (cited as context), and run its command or script by hand on the machine to reproduce."),
                ],
                Confidence::Medium,
                format!("custom action {name} returned error code {code}"),
            )
        }
        _ if c.strength >= Strength::CustomActionError => {
            if let Some(e) = signals::custom_action_error(c.text) {
                return describe_action_error(&e, c, codes_cited);
            }
            if let Some(code) = signals::quoted_error_code(quoted_message(c.text)) {
                return describe_quoted_error(code, c, codes_cited);
            }
            describe_logged_error(c)
        }
        _ => describe_logged_error(c),
    }
}

/// The text after `Product: X -- ` (a notice), or the line.
fn quoted_message(text: &str) -> &str {
    let body = text
        .find("Product: ")
        .map_or(text, |at| &text[at + "Product: ".len()..]);
    body.split_once(" -- ").map_or(text, |(_, said)| said)
}

/// A custom action's own `Error 0x…` line: the action, its HRESULT explained, its words.
fn describe_action_error(
    e: &signals::CustomActionError<'_>,
    c: &Candidate<'_>,
    codes_cited: &mut Vec<u32>,
) -> Described {
    codes_cited.push(e.hresult);
    let hr = codes::describe_hresult(e.hresult);
    let short = codes::HResult::decode(e.hresult)
        .win32_code()
        .and_then(|w| codes::lookup(CodeScope::Win32, w))
        .map(|i| i.title.to_string());
    let title = match &short {
        Some(t) => format!(
            "Custom action {} failed with 0x{:08X}: {t}",
            e.action, e.hresult
        ),
        None => format!("Custom action {} failed with 0x{:08X}", e.action, e.hresult),
    };
    let mut remediation = vec![format!("0x{:08X} is {hr}.", e.hresult)];
    if let Some(info) = codes::HResult::decode(e.hresult)
        .win32_code()
        .and_then(|w| codes::lookup(CodeScope::Win32, w))
    {
        remediation.push(info.remedy.to_string());
    }
    remediation.push(format!("The line is custom action {}'s own account of why it failed: fix what it names (an account, a path, a service, a setting the package passes it), or the package's data for the action.", e.action));
    (
        "msi.custom-action.error".to_string(),
        title,
        "custom_action".to_string(),
        remediation,
        Confidence::High,
        format!(
            "custom action {} reported: {} ({hr})",
            e.action,
            c.text.trim()
        ),
    )
}

/// A line quoting an installer error in words (`Product: X -- Error 1935. …`, `… The error
/// code is 2503. …`).
fn describe_quoted_error(code: u32, c: &Candidate<'_>, codes_cited: &mut Vec<u32>) -> Described {
    codes_cited.push(code);
    let info = signals::message_info(code);
    let title = match info {
        Some(i) => format!("Error {code}: {}", i.title),
        None => format!("Error {code}"),
    };
    (
        format!("msi.error.{code}"),
        title,
        info.map_or("installer_error", |i| i.category).to_string(),
        info.map(|i| vec![i.remedy.to_string()]).unwrap_or_default(),
        if info.is_some() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        c.text.trim().to_string(),
    )
}

/// A line that is a clue by its words only.
fn describe_logged_error(c: &Candidate<'_>) -> Described {
    let strong = c.strength >= Strength::StrongText;
    (
        "msi.logged-error".to_string(),
        format!("Failure explained by a logged error: {}", crate::text::clip(c.text.trim(), 100)),
        "logged_error".to_string(),
        vec!["The line cited as cause is the first strong error in the failing action: search it together with the failing action's name.".to_string()],
        if strong { Confidence::Medium } else { Confidence::Low },
        c.text.trim().to_string(),
    )
}

/// The exit status when it says more than the generic 1603 (e.g. 1620, 1625, 1618).
fn exit_specific(facts: &SessionFacts) -> Option<(u32, &'static codes::CodeInfo)> {
    let code = facts.report.outcome.as_ref()?.code;
    let info = codes::lookup(CodeScope::Exit, code)?;
    (code != 1603 && info.category != "fatal").then_some((code, info))
}

/// True for a `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` GUID.
pub fn is_guid(text: &str) -> bool {
    let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) else {
        return false;
    };
    let groups: Vec<&str> = inner.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

const PRODUCT_CODE_REMEDY: &str = "Fix the package: the ProductCode must be a GUID of the form {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} (8-4-4-4-12 hex digits); a malformed one breaks registration (registry keys, 'Invalid descriptor format') and fails the install late, often in InstallFinalize without an error message.";

/// When the failing action logs nothing, a malformed ProductCode is the best explanation.
fn blame_product_code(finding: &mut Finding, path: &str, e: &Event) {
    finding.id = "msi.package.invalid-product-code".to_string();
    finding.title = "The package's ProductCode is not a valid GUID".to_string();
    finding.category = "package_authoring".to_string();
    finding.confidence = Confidence::Medium;
    finding.summary.push_str(&format!(
        " The log shows no error inside the failing action, but the package's ProductCode is malformed: {}.",
        e.first_line().trim()
    ));
    finding.evidence.insert(
        0,
        Evidence::new(path, e.at, e.first_line(), EvidenceRole::Cause),
    );
    finding
        .remediation
        .insert(0, PRODUCT_CODE_REMEDY.to_string());
}

fn product_code_finding(path: &str, e: &Event, session_index: usize) -> Finding {
    Finding {
        occurrences: 1,
        references: Vec::new(),
        id: "msi.package.invalid-product-code".to_string(),
        title: "The package's ProductCode is not a valid GUID".to_string(),
        severity: Severity::Warning,
        confidence: Confidence::High,
        category: "package_authoring".to_string(),
        summary: format!(
            "The ProductCode property is malformed: {}",
            e.first_line().trim()
        ),
        session: Some(session_index),
        bundle: None,
        codes: Vec::new(),
        evidence: vec![Evidence::new(
            path,
            e.at,
            e.first_line(),
            EvidenceRole::Cause,
        )],
        remediation: vec![PRODUCT_CODE_REMEDY.to_string()],
    }
}

fn kind_id(level: MessageLevel) -> &'static str {
    match level {
        MessageLevel::Error => "error",
        MessageLevel::Internal | MessageLevel::Debug => "internal-error",
        MessageLevel::Note => "note",
        MessageLevel::Warning => "warning",
        MessageLevel::Info => "info",
    }
}

fn file_in_use_finding(facts: &SessionFacts, session_index: usize) -> Finding {
    let path = &facts.report.path;
    let evidence: Vec<Evidence> = facts
        .file_in_use
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let role = if i == 0 {
                EvidenceRole::Cause
            } else {
                EvidenceRole::Context
            };
            Evidence::new(path, e.at, e.first_line(), role)
        })
        .collect();
    let first = facts.file_in_use[0].first_line();
    Finding {
        occurrences: 1,
        references: Vec::new(),
        id: "msi.file-in-use".to_string(),
        title: "Files were in use during the installation; a restart completes it".to_string(),
        severity: Severity::Warning,
        confidence: Confidence::High,
        category: "file_in_use".to_string(),
        summary: format!(
            "The installer found files held by running processes and scheduled their replacement for the next restart: {}",
            first.trim()
        ),
        session: Some(session_index),
        bundle: None,
        codes: vec![1603],
        evidence,
        remediation: vec![
            "Close the applications or stop the services named before installing, or plan the restart the installer asks for. 'Info 1603' is this file-in-use message, not the 1603 failure status.".to_string(),
        ],
    }
}

#[cfg(test)]
mod example_is_guid_example {
    #[test]
    fn is_guid_example() {
        use crate::analysis::diagnose::is_guid;
        assert!(is_guid("{2384BC12-775D-4353-9ACE-3D26D6D935D2}"));
        assert!(!is_guid("{8B80949A-E983-4B1C-B44A-1A0AF668922}"));
    }
}
