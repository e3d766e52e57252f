//! The rule file format (TOML) and its compiled form.
//!
//! Parsing goes in two steps: serde reads the file into plain definitions (unknown fields are
//! errors), then [`RulePack::parse`] compiles them (regexes, path patterns, durations, kinds),
//! reporting every problem with the file, line and column it comes from.

use super::pattern::PathPattern;
use crate::event::Event;
use crate::findings::{Confidence, Severity};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;
use toml::Spanned;

/// A set of compiled rules, in the order they were declared.
#[derive(Debug, Default)]
pub struct RulePack {
    /// The rules.
    pub rules: Vec<Rule>,
}

/// One failure signature.
#[derive(Debug)]
pub struct Rule {
    /// Stable id (`msi.temp-access-denied`); also the finding id.
    pub id: String,
    /// One-line title of the finding.
    pub title: String,
    /// Category (`access_denied`, `service`, ...).
    pub category: String,
    /// Severity of the finding.
    pub severity: Severity,
    /// How sure a match is.
    pub confidence: Confidence,
    /// Whether a match names a cause, a symptom of one, or context only.
    pub role: Role,
    /// Summary template: `{name}` is replaced by captured values (see [`super::RuleMatch`]).
    pub summary: String,
    /// What to do, one step per entry.
    pub remediation: Vec<String>,
    /// Codes the finding rests on.
    pub codes: Vec<u32>,
    /// Links or documents for further reading.
    pub references: Vec<String>,
    /// The events to match: the first, then each that must follow.
    pub steps: Vec<Step>,
    /// Where the rule was declared (`file:line`).
    pub origin: String,
}

/// What a rule match means for the diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The matched events state why the install failed.
    Cause,
    /// The matched events follow from a cause (rollback, a generic exit status).
    Symptom,
    /// Worth citing, not a failure by itself (files in use, a reboot notice).
    Context,
}

/// What the events of a sequence must share with the step before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The same input file.
    Input,
    /// The same process (partial MSI log PIDs compare on the digits they keep).
    Process,
    /// The same installer session.
    Session,
    /// The same product name.
    Product,
}

impl Scope {
    /// The scope a rule file names (`input`, `process`, `session`, `product`).
    pub fn from_name(name: &str) -> Option<Scope> {
        match name {
            "input" => Some(Scope::Input),
            "process" => Some(Scope::Process),
            "session" => Some(Scope::Session),
            "product" => Some(Scope::Product),
            _ => None,
        }
    }

    /// The scope in words: `input`, `process`, `session` or `product`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Input => "input",
            Scope::Process => "process",
            Scope::Session => "session",
            Scope::Product => "product",
        }
    }
}

/// One event of a rule: a matcher, and for later steps how it relates to the step before.
#[derive(Debug)]
pub struct Step {
    /// Which events match.
    pub matcher: Matcher,
    /// Most time after the previous step's event (`None`: any time, and an order that cannot be
    /// established across unaligned clocks is accepted).
    pub within: Option<chrono::Duration>,
    /// What it must share with the previous step's event.
    pub same: Vec<Scope>,
    /// Captured values that must equal (ignoring case) those captured by earlier steps: `name`,
    /// or `earlier=this` when the two events name the value differently.
    pub equal: Vec<String>,
    /// True when this event may come before the previous one (only the window applies).
    pub any_order: bool,
}

/// Conditions on one event; all given conditions must hold.
#[derive(Debug, Default)]
pub struct Matcher {
    /// Input formats (`msilog`, `burnlog`, `evtx`, `procmon`): any of.
    pub sources: Vec<SourceClass>,
    /// Event kinds (`msi_message`, `text`, `operation`, ...): any of.
    pub kinds: Vec<String>,
    /// Codes: message number, custom-action or exit code, event id, action return value.
    pub codes: Vec<u32>,
    /// Message or record levels (`error`, `warning`, `note`, ...).
    pub levels: Vec<String>,
    /// Event-log provider (regex, case-insensitive).
    pub provider: Option<Regex>,
    /// Process image (regex, case-insensitive).
    pub image: Option<Regex>,
    /// Action or custom-action name (regex).
    pub action: Option<Regex>,
    /// Operation path (path patterns with known folders: any of).
    pub paths: Vec<PathPattern>,
    /// Operation results (`ACCESS DENIED`, ...), compared ignoring case.
    pub results: Vec<String>,
    /// Text of one line of the event (regex, case-insensitive unless it says `(?-i)`); named
    /// groups become captures.
    pub text: Option<Regex>,
    /// Literal text one line must contain (any of, ignoring case); also keeps such lines while
    /// streaming.
    pub contains: Vec<String>,
    /// Text that, on the matched line, cancels the match (regex).
    pub unless: Option<Regex>,
    /// Event-log data field values, by field name (regex each).
    pub fields: Vec<(String, Regex)>,
    /// Only events inside (or outside) the failing action of a session.
    pub inside_failing_action: Option<bool>,
}

/// The input families a rule can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceClass {
    /// Windows Installer logs.
    MsiLog,
    /// WiX Burn logs.
    BurnLog,
    /// Event logs (EVTX or XML export).
    EventLog,
    /// Process Monitor exports.
    Procmon,
    /// Tools' own logs: ConfigMgr/Intune (CMTrace), package managers, product setup logs.
    ToolLog,
}

impl SourceClass {
    /// The name rule files use (`msilog`, `burnlog`, `eventlog`, `procmon`, `toollog`).
    pub fn name(self) -> &'static str {
        match self {
            SourceClass::MsiLog => "msilog",
            SourceClass::BurnLog => "burnlog",
            SourceClass::EventLog => "eventlog",
            SourceClass::Procmon => "procmon",
            SourceClass::ToolLog => "toollog",
        }
    }
}

/// A problem in a rule file, with its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
#[non_exhaustive]
pub struct RuleError {
    /// The rule file.
    pub file: String,
    /// 1-based line (0 when the file could not be read).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl RuleError {
    fn at(file: &str, text: &str, offset: usize, message: String) -> Self {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1;
        RuleError {
            file: file.to_string(),
            line,
            column,
            message,
        }
    }

    pub(crate) fn io(path: &Path, e: &std::io::Error) -> Self {
        RuleError {
            file: path.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read: {e}"),
        }
    }
}

/// The kinds a matcher may name (see [`kind_name`]).
pub const KINDS: &[&str] = &[
    "text",
    "msi_boundary",
    "msi_action",
    "custom_action",
    "msi_message",
    "property",
    "install_state",
    "policy",
    "elevation",
    "engine_return",
    "product_notice",
    "msi_outcome",
    "burn_message",
    "event_record",
    "operation",
    "process_start",
    "process_info",
    "process_exit",
    "log_entry",
    "deployment_exit",
];

/// The name rules use for an event's kind.
pub fn kind_name(event: &Event) -> &'static str {
    use crate::event::Kind::*;
    match &event.kind {
        Text => "text",
        MsiLogBoundary(_) => "msi_boundary",
        MsiAction { .. } => "msi_action",
        CustomActionResult { .. } => "custom_action",
        MsiMessage(_) => "msi_message",
        Property { .. } => "property",
        InstallState { .. } => "install_state",
        Policy { .. } => "policy",
        Elevation { .. } => "elevation",
        EngineReturn { .. } => "engine_return",
        ProductNotice { .. } => "product_notice",
        MsiOutcome(_) => "msi_outcome",
        BurnMessage(_) => "burn_message",
        EventRecord(_) => "event_record",
        Operation(_) => "operation",
        ProcessStart(_) => "process_start",
        ProcessInfo(_) => "process_info",
        ProcessExit { .. } => "process_exit",
        LogEntry(_) => "log_entry",
        DeploymentExit(_) => "deployment_exit",
    }
}

// ---- The file as written ------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default)]
    rule: Vec<Spanned<RuleDef>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    id: Spanned<String>,
    title: String,
    category: String,
    #[serde(default)]
    severity: Option<Spanned<String>>,
    #[serde(default)]
    confidence: Option<Spanned<String>>,
    #[serde(default)]
    role: Option<Role>,
    summary: String,
    #[serde(default)]
    remediation: Vec<String>,
    #[serde(default)]
    codes: Vec<u32>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(rename = "match")]
    first: Spanned<MatchDef>,
    #[serde(default)]
    then: Vec<Spanned<MatchDef>>,
}

/// One value or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(v) => vec![v],
            OneOrMany::Many(v) => v,
        }
    }
}

fn many<T>(v: Option<OneOrMany<T>>) -> Vec<T> {
    v.map(OneOrMany::into_vec).unwrap_or_default()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchDef {
    source: Option<Spanned<OneOrMany<String>>>,
    kind: Option<Spanned<OneOrMany<String>>>,
    code: Option<OneOrMany<u32>>,
    level: Option<OneOrMany<String>>,
    provider: Option<Spanned<String>>,
    image: Option<Spanned<String>>,
    action: Option<Spanned<String>>,
    path: Option<Spanned<OneOrMany<String>>>,
    result: Option<OneOrMany<String>>,
    text: Option<Spanned<String>>,
    contains: Option<OneOrMany<String>>,
    unless: Option<Spanned<String>>,
    fields: Option<Spanned<toml::Table>>,
    inside_failing_action: Option<bool>,
    within: Option<Spanned<String>>,
    same: Option<Spanned<OneOrMany<String>>>,
    equal: Option<OneOrMany<String>>,
    any_order: Option<bool>,
}

// ---- Compiling ------------------------------------------------------------------------------

struct Compiler<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<RuleError>,
}

impl Compiler<'_> {
    fn err(&mut self, offset: usize, message: String) {
        self.errors
            .push(RuleError::at(self.file, self.text, offset, message));
    }

    fn regex(&mut self, field: &str, s: &Option<Spanned<String>>) -> Option<Regex> {
        let s = s.as_ref()?;
        match RegexBuilder::new(s.get_ref())
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
        {
            Ok(r) => Some(r),
            Err(e) => {
                let msg = format!("bad regex in '{field}': {e}");
                self.err(s.span().start, msg);
                None
            }
        }
    }

    fn rule(&mut self, def: Spanned<RuleDef>, seen: &mut HashSet<String>) -> Option<Rule> {
        let start = def.span().start;
        let def = def.into_inner();
        let before = self.errors.len();
        let id = def.id.get_ref().trim().to_string();
        if id.is_empty() || id.contains(char::is_whitespace) {
            self.err(
                def.id.span().start,
                "rule id must be non-empty, without spaces".into(),
            );
        } else if !seen.insert(id.clone()) {
            self.err(def.id.span().start, format!("duplicate rule id '{id}'"));
        }
        let severity = match def
            .severity
            .as_ref()
            .map(|s| (s.span().start, s.get_ref().as_str()))
        {
            None | Some((_, "error")) => Severity::Error,
            Some((_, "warning")) => Severity::Warning,
            Some((_, "info")) => Severity::Info,
            Some((at, other)) => {
                self.err(
                    at,
                    format!("severity must be error, warning or info, not '{other}'"),
                );
                Severity::Error
            }
        };
        let confidence = match def
            .confidence
            .as_ref()
            .map(|s| (s.span().start, s.get_ref().as_str()))
        {
            None | Some((_, "medium")) => Confidence::Medium,
            Some((_, "high")) => Confidence::High,
            Some((_, "low")) => Confidence::Low,
            Some((at, other)) => {
                self.err(
                    at,
                    format!("confidence must be high, medium or low, not '{other}'"),
                );
                Confidence::Medium
            }
        };
        let mut steps = Vec::new();
        if let Some(s) = self.step(def.first, true) {
            steps.push(s);
        }
        for then in def.then {
            if let Some(s) = self.step(then, false) {
                steps.push(s);
            }
        }
        // Placeholders must name something a match can capture.
        let captures = capture_names(&steps);
        for name in placeholders(&def.summary) {
            if !captures.contains(name) {
                self.err(
                    start,
                    format!(
                        "summary uses '{{{name}}}', which no step captures (known: {})",
                        {
                            let mut v: Vec<_> = captures.iter().cloned().collect();
                            v.sort();
                            v.join(", ")
                        }
                    ),
                );
            }
        }
        if self.errors.len() > before {
            return None;
        }
        let line = RuleError::at(self.file, self.text, start, String::new()).line;
        Some(Rule {
            id,
            title: def.title,
            category: def.category,
            severity,
            confidence,
            role: def.role.unwrap_or(Role::Cause),
            summary: def.summary,
            remediation: def.remediation,
            codes: def.codes,
            references: def.references,
            steps,
            origin: format!("{}:{line}", self.file),
        })
    }

    fn step(&mut self, def: Spanned<MatchDef>, first: bool) -> Option<Step> {
        let at = def.span().start;
        let d = def.into_inner();
        let before = self.errors.len();
        if first {
            for (name, used) in [
                ("within", d.within.is_some()),
                ("same", d.same.is_some()),
                ("equal", d.equal.is_some()),
                ("any_order", d.any_order.is_some()),
            ] {
                if used {
                    self.err(
                        at,
                        format!("'{name}' relates an event to the one before: use it in [[rule.then]], not in [rule.match]"),
                    );
                }
            }
        }
        let mut sources = Vec::new();
        if let Some(s) = d.source {
            let span = s.span().start;
            for name in s.into_inner().into_vec() {
                match name.as_str() {
                    "msilog" => sources.push(SourceClass::MsiLog),
                    "burnlog" => sources.push(SourceClass::BurnLog),
                    "evtx" | "eventlog" => sources.push(SourceClass::EventLog),
                    "procmon" => sources.push(SourceClass::Procmon),
                    "toollog" => sources.push(SourceClass::ToolLog),
                    other => self.err(
                        span,
                        format!("unknown source '{other}' (msilog, burnlog, eventlog, procmon, toollog)"),
                    ),
                }
            }
        }
        let mut kinds = Vec::new();
        if let Some(k) = d.kind {
            let span = k.span().start;
            for name in k.into_inner().into_vec() {
                if KINDS.contains(&name.as_str()) {
                    kinds.push(name);
                } else {
                    self.err(
                        span,
                        format!("unknown kind '{name}' (one of: {})", KINDS.join(", ")),
                    );
                }
            }
        }
        let within = d
            .within
            .as_ref()
            .and_then(|w| match parse_duration(w.get_ref()) {
                Some(v) if v > chrono::Duration::zero() => Some(v),
                Some(_) => {
                    self.err(
                        w.span().start,
                        format!(
                            "window '{}' is empty: no event can follow within it",
                            w.get_ref()
                        ),
                    );
                    None
                }
                None => {
                    self.err(
                        w.span().start,
                        format!(
                            "window '{}' is not a duration like 500ms, 30s, 5m or 2h",
                            w.get_ref()
                        ),
                    );
                    None
                }
            });
        let mut paths = Vec::new();
        if let Some(p) = d.path {
            let span = p.span().start;
            for pattern in p.into_inner().into_vec() {
                match PathPattern::new(&pattern) {
                    Ok(pat) => paths.push(pat),
                    Err(e) => self.err(span, format!("bad path pattern: {e}")),
                }
            }
        }
        let mut fields = Vec::new();
        if let Some(table) = d.fields {
            let span = table.span().start;
            for (name, value) in table.into_inner() {
                match value
                    .as_str()
                    .map(|v| RegexBuilder::new(v).case_insensitive(true).build())
                {
                    Some(Ok(r)) => fields.push((name, r)),
                    Some(Err(e)) => self.err(span, format!("bad regex for field '{name}': {e}")),
                    None => self.err(span, format!("field '{name}' must be a string (a regex)")),
                }
            }
        }
        let matcher = Matcher {
            sources,
            kinds,
            codes: many(d.code),
            levels: many(d.level)
                .into_iter()
                .map(|l| l.to_ascii_lowercase())
                .collect(),
            provider: self.regex("provider", &d.provider),
            image: self.regex("image", &d.image),
            action: self.regex("action", &d.action),
            paths,
            results: many(d.result),
            text: self.regex("text", &d.text),
            contains: many(d.contains)
                .into_iter()
                .map(|c| c.to_ascii_lowercase())
                .collect(),
            unless: self.regex("unless", &d.unless),
            fields,
            inside_failing_action: d.inside_failing_action,
        };
        let mut same = Vec::new();
        if let Some(names) = d.same {
            let span = names.span().start;
            for name in names.into_inner().into_vec() {
                match Scope::from_name(&name) {
                    Some(scope) => same.push(scope),
                    None => self.err(
                        span,
                        format!(
                            "unknown value '{name}' for `same`: expected input, session, process or product"
                        ),
                    ),
                }
            }
        }
        if matcher.is_empty() && self.errors.len() == before {
            self.err(
                at,
                "a step must say what to match (kind, code, text, ...)".into(),
            );
        }
        if self.errors.len() > before {
            return None;
        }
        Some(Step {
            matcher,
            within,
            same,
            equal: many(d.equal),
            any_order: d.any_order.unwrap_or(false),
        })
    }
}

impl Matcher {
    fn is_empty(&self) -> bool {
        self.sources.is_empty()
            && self.kinds.is_empty()
            && self.codes.is_empty()
            && self.levels.is_empty()
            && self.provider.is_none()
            && self.image.is_none()
            && self.action.is_none()
            && self.paths.is_empty()
            && self.results.is_empty()
            && self.text.is_none()
            && self.contains.is_empty()
            && self.fields.is_empty()
    }
}

/// Values every match can fill in a summary, besides a regex's named groups and `text1`,
/// `text2`, ... (the matched line of each step; `text` is the first step's).
pub const BUILTIN_CAPTURES: &[&str] = &[
    "text", "code", "action", "path", "result", "image", "provider", "event_id", "product", "pid",
];

fn capture_names(steps: &[Step]) -> HashSet<String> {
    let mut names: HashSet<String> = BUILTIN_CAPTURES.iter().map(|s| s.to_string()).collect();
    names.extend((1..=steps.len()).map(|n| format!("text{n}")));
    for s in steps {
        if let Some(r) = &s.matcher.text {
            names.extend(r.capture_names().flatten().map(str::to_string));
        }
        names.extend(s.matcher.fields.iter().map(|(n, _)| n.clone()));
    }
    names
}

/// The `{name}` placeholders of a template.
pub(crate) fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|part| {
        let end = part.find('}')?;
        let name = &part[..end];
        (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .then_some(name)
    })
}

/// `500ms`, `30s`, `5m`, `2h`.
fn parse_duration(text: &str) -> Option<chrono::Duration> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit())?;
    let n: i64 = t[..split].parse().ok()?;
    match &t[split..] {
        "ms" => Some(chrono::Duration::milliseconds(n)),
        "s" => Some(chrono::Duration::seconds(n)),
        "m" => Some(chrono::Duration::minutes(n)),
        "h" => Some(chrono::Duration::hours(n)),
        _ => None,
    }
}

impl RulePack {
    /// Parse and compile one rule file. All problems are returned, each with line and column.
    pub fn parse(file: &str, text: &str) -> Result<RulePack, Vec<RuleError>> {
        let def: FileDef = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            vec![RuleError::at(
                file,
                text,
                offset,
                e.message().trim().to_string(),
            )]
        })?;
        let mut c = Compiler {
            file,
            text,
            errors: Vec::new(),
        };
        let mut seen = HashSet::new();
        let rules: Vec<Rule> = def
            .rule
            .into_iter()
            .filter_map(|r| c.rule(r, &mut seen))
            .collect();
        if c.errors.is_empty() {
            Ok(RulePack { rules })
        } else {
            Err(c.errors)
        }
    }

    /// Add the rules of another pack after these; a later rule with the same id replaces the
    /// earlier one (so a user pack can override a built-in rule).
    pub fn extend(&mut self, other: RulePack) {
        for rule in other.rules {
            self.rules.retain(|r| r.id != rule.id);
            self.rules.push(rule);
        }
    }

    /// A rule by id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Every literal the rules look for (`contains`), lower-cased: the streaming filter keeps the
    /// lines that hold one, so the rules can see them.
    pub fn literals(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .rules
            .iter()
            .flat_map(|r| r.steps.iter())
            .flat_map(|s| s.matcher.contains.iter().cloned())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        RulePack::parse("t.toml", text)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.to_string())
            .collect()
    }

    const HEAD: &str = "[[rule]]\nid = \"x\"\ntitle = \"t\"\ncategory = \"c\"\nsummary = \"s\"\n";

    #[test]
    fn syntax_error_names_line_and_column() {
        let e = errors("[[rule]]\nid = \"x\ntitle = 1\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("t.toml:2:"), "{e:?}");
    }

    #[test]
    fn unknown_field_is_an_error_with_its_line() {
        let e = errors(&format!(
            "{HEAD}[rule.match]\nkind = \"text\"\ncolour = \"red\"\n"
        ));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("t.toml:8:") && e[0].contains("colour"),
            "{e:?}"
        );
    }

    #[test]
    fn bad_regex_names_its_line() {
        let e = errors(&format!("{HEAD}[rule.match]\ntext = \"(unclosed\"\n"));
        assert!(
            e[0].starts_with("t.toml:7:") && e[0].contains("bad regex"),
            "{e:?}"
        );
    }

    #[test]
    fn impossible_or_misplaced_window_is_refused() {
        let e = errors(&format!(
            "{HEAD}[rule.match]\nkind = \"text\"\n[[rule.then]]\nkind = \"text\"\nwithin = \"0s\"\n"
        ));
        assert!(
            e[0].contains("t.toml:10:") && e[0].contains("empty"),
            "{e:?}"
        );
        let e = errors(&format!(
            "{HEAD}[rule.match]\nkind = \"text\"\nwithin = \"5m\"\n"
        ));
        assert!(e[0].contains("[[rule.then]]"), "{e:?}");
        let e = errors(&format!(
            "{HEAD}[rule.match]\nkind = \"text\"\n[[rule.then]]\nkind = \"text\"\nwithin = \"soon\"\n"
        ));
        assert!(e[0].contains("not a duration"), "{e:?}");
    }

    #[test]
    fn unknown_kind_source_and_placeholder_are_refused() {
        let e = errors(&format!(
            "{HEAD}[rule.match]\nkind = \"txt\"\nsource = \"pml\"\n"
        ));
        assert_eq!(e.len(), 2, "{e:?}");
        let e = errors(
            "[[rule]]\nid = \"x\"\ntitle = \"t\"\ncategory = \"c\"\nsummary = \"{nope}\"\n[rule.match]\nkind = \"text\"\n",
        );
        assert!(e[0].contains("{nope}"), "{e:?}");
    }

    #[test]
    fn duplicate_ids_and_empty_steps_are_refused() {
        let one = format!("{HEAD}[rule.match]\nkind = \"text\"\n");
        let e = errors(&format!("{one}{one}"));
        assert!(e[0].contains("duplicate rule id"), "{e:?}");
        let e = errors(&format!("{HEAD}[rule.match]\n"));
        assert!(e[0].contains("what to match"), "{e:?}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Some(chrono::Duration::seconds(90)));
        assert_eq!(
            parse_duration("250ms"),
            Some(chrono::Duration::milliseconds(250))
        );
        assert_eq!(parse_duration("5 m"), None);
        assert_eq!(parse_duration("m"), None);
    }

    #[test]
    fn later_pack_overrides_same_id() {
        let mut a =
            RulePack::parse("a", &format!("{HEAD}[rule.match]\nkind = \"text\"\n")).unwrap();
        let b = RulePack::parse(
            "b",
            "[[rule]]\nid = \"x\"\ntitle = \"new\"\ncategory = \"c\"\nsummary = \"s\"\n[rule.match]\ncode = 1\n",
        )
        .unwrap();
        a.extend(b);
        assert_eq!(a.rules.len(), 1);
        assert_eq!(a.rules[0].title, "new");
    }
}
