//! The compiled form of rule files: packs, rules, steps, matchers, and the errors of a file.
//!
//! Reading and compiling the TOML text is [`super::compile`]'s concern.

use super::pattern::PathPattern;
use super::rule_regex::RuleRegex;
use crate::event::Kind;
use crate::findings::{Confidence, Severity};
use serde::Deserialize;
use std::path::Path;

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
    pub provider: Option<RuleRegex>,
    /// Process image (regex, case-insensitive).
    pub image: Option<RuleRegex>,
    /// Action or custom-action name (regex).
    pub action: Option<RuleRegex>,
    /// Operation path (path patterns with known folders: any of).
    pub paths: Vec<PathPattern>,
    /// Operation results (`ACCESS DENIED`, ...), compared ignoring case.
    pub results: Vec<String>,
    /// Text of one line of the event (regex, case-insensitive unless it says `(?-i)`); named
    /// groups become captures.
    pub text: Option<RuleRegex>,
    /// Literal text one line must contain (any of, ignoring case); also keeps such lines while
    /// streaming.
    pub contains: Vec<String>,
    /// The same literals, compiled for searching.
    pub(crate) literals: Literals,
    /// Text that, on the matched line, cancels the match (regex).
    pub unless: Option<RuleRegex>,
    /// Event-log data field values, by field name (regex each).
    pub fields: Vec<(String, RuleRegex)>,
    /// Only events inside (or outside) the failing action of a session.
    pub inside_failing_action: Option<bool>,
}

/// The `contains` literals of a matcher (lower-cased), each compiled once for searching.
#[derive(Debug, Clone, Default)]
pub(crate) struct Literals(Vec<memchr::memmem::Finder<'static>>);

impl Literals {
    /// Compile the literals.
    pub(crate) fn new(words: &[String]) -> Self {
        Literals(
            words
                .iter()
                .map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
                .collect(),
        )
    }

    /// True when there are none, or the (lower-cased) text holds one of them.
    pub(crate) fn admit(&self, lower: &str) -> bool {
        self.0.is_empty() || self.0.iter().any(|f| f.find(lower.as_bytes()).is_some())
    }
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
    pub(super) fn at(file: &str, text: &str, offset: usize, message: String) -> Self {
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

/// Older spellings of kind names that rule files may still use, with the name they stand for.
const KIND_ALIASES: &[(&str, &str)] = &[
    ("msi_boundary", "msi_log_boundary"),
    ("custom_action", "custom_action_result"),
];

/// The one name ([`Kind::name`]) of a kind as a rule file (or `msitrace events --kind`) names
/// it; `None` when unknown.
pub fn kind_named(name: &str) -> Option<&'static str> {
    Kind::NAMES
        .iter()
        .copied()
        .find(|k| *k == name)
        .or_else(|| {
            KIND_ALIASES
                .iter()
                .find(|(old, _)| *old == name)
                .map(|(_, k)| *k)
        })
}

impl Matcher {
    /// The first, cheap conditions (source family and kind) of [`super::engine`]'s matching: an
    /// event that fails them cannot match.
    pub(crate) fn admits_kind(&self, source: SourceClass, kind: &str) -> bool {
        (self.sources.is_empty() || self.sources.contains(&source))
            && (self.kinds.is_empty() || self.kinds.iter().any(|k| k == kind))
    }

    pub(super) fn is_empty(&self) -> bool {
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

impl RulePack {
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
