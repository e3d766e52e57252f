//! Reading a rule file (TOML) and compiling it.
//!
//! Parsing goes in two steps: serde reads the file into plain definitions (unknown fields are
//! errors), then [`RulePack::parse`] compiles them (regexes, path patterns, durations, kinds),
//! reporting every problem with the file, line and column it comes from.

use super::model::{
    kind_named, Literals, Matcher, Role, Rule, RuleError, RulePack, Scope, SourceClass, Step,
    BUILTIN_CAPTURES,
};
use super::pattern::PathPattern;
use super::rule_regex::{Compile, RuleRegex};
use super::template::placeholders;
use crate::event::Kind;
use crate::findings::{Confidence, Severity};
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

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
    when: Compile,
}

impl Compiler<'_> {
    fn err(&mut self, offset: usize, message: String) {
        self.errors
            .push(RuleError::at(self.file, self.text, offset, message));
    }

    fn regex(&mut self, field: &str, s: &Option<Spanned<String>>) -> Option<RuleRegex> {
        let s = s.as_ref()?;
        match RuleRegex::new(s.get_ref(), self.when) {
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
                match kind_named(&name) {
                    Some(kind) => kinds.push(kind.to_string()),
                    None => self.err(
                        span,
                        format!("unknown kind '{name}' (one of: {})", Kind::NAMES.join(", ")),
                    ),
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
                match PathPattern::compile(&pattern, self.when) {
                    Ok(pat) => paths.push(pat),
                    Err(e) => self.err(span, format!("bad path pattern: {e}")),
                }
            }
        }
        let mut fields = Vec::new();
        if let Some(table) = d.fields {
            let span = table.span().start;
            for (name, value) in table.into_inner() {
                match value.as_str().map(|v| RuleRegex::new(v, self.when)) {
                    Some(Ok(r)) => fields.push((name, r)),
                    Some(Err(e)) => self.err(span, format!("bad regex for field '{name}': {e}")),
                    None => self.err(span, format!("field '{name}' must be a string (a regex)")),
                }
            }
        }
        let contains: Vec<String> = many(d.contains)
            .into_iter()
            .map(|c| c.to_ascii_lowercase())
            .collect();
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
            contains: contains.clone(),
            literals: Literals::new(&contains),
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

fn capture_names(steps: &[Step]) -> HashSet<String> {
    let mut names: HashSet<String> = BUILTIN_CAPTURES.iter().map(|s| s.to_string()).collect();
    names.extend((1..=steps.len()).map(|n| format!("text{n}")));
    for s in steps {
        if let Some(r) = &s.matcher.text {
            names.extend(r.capture_names().map(str::to_string));
        }
        names.extend(s.matcher.fields.iter().map(|(n, _)| n.clone()));
    }
    names
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
        RulePack::parse_compiling(file, text, Compile::Now)
    }

    /// Parse one rule file, compiling its regexes now or when first used.
    pub(crate) fn parse_compiling(
        file: &str,
        text: &str,
        when: Compile,
    ) -> Result<RulePack, Vec<RuleError>> {
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
            when,
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
