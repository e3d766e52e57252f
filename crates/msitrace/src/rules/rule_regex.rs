//! A rule's regular expression: its syntax checked when the rule file is read, compiled when a
//! rule first needs it.
//!
//! Compiling every regex of the built-in rules took a fifth of a short run, most of it for rules
//! the inputs never reach. Built-in rules therefore compile on first use (a test compiles all of
//! them, so none can fail then); a user's rule file is compiled whole when it is read, so every
//! problem in it is reported at once, with its line.

use regex::{Captures, Regex, RegexBuilder};
use regex_syntax::hir::{Hir, HirKind};
use std::sync::OnceLock;

/// The largest compiled size a rule's regex may take.
const SIZE_LIMIT: usize = 1 << 20;

/// When a rule file's regexes are compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compile {
    /// When the file is read: compilation errors are the file's errors.
    Now,
    /// When first used: for rule files whose regexes are known to compile (the built-in ones).
    OnFirstUse,
}

/// A case-insensitive regular expression of a rule (`(?-i)` turns case back on).
///
/// ```
/// use msitrace::rules::RulePack;
/// let pack = RulePack::parse("my.toml", r#"
/// [[rule]]
/// id = "my.denied"
/// title = "Access denied"
/// category = "access_denied"
/// summary = "{text}"
/// [rule.match]
/// text = 'access (?P<what>is) denied'
/// "#).unwrap();
/// let text = pack.rules[0].steps[0].matcher.text.as_ref().unwrap();
/// assert!(text.is_match("Error: ACCESS IS DENIED"));
/// assert_eq!(text.capture_names().collect::<Vec<_>>(), ["what"]);
/// ```
#[derive(Debug, Clone)]
pub struct RuleRegex {
    pattern: String,
    capture_names: Vec<String>,
    compiled: OnceLock<Regex>,
}

impl RuleRegex {
    /// Check a pattern and compile it now or on first use; the error is the regex crate's
    /// message.
    pub(crate) fn new(pattern: &str, when: Compile) -> Result<RuleRegex, String> {
        let hir = regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .build()
            .parse(pattern)
            .map_err(|e| regex::Error::Syntax(e.to_string()).to_string())?;
        let mut capture_names = Vec::new();
        named_groups(&hir, &mut capture_names);
        let compiled = OnceLock::new();
        if when == Compile::Now {
            let _ = compiled.set(build(pattern).map_err(|e| e.to_string())?);
        }
        Ok(RuleRegex {
            pattern: pattern.to_string(),
            capture_names,
            compiled,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The names of the pattern's named groups, in order.
    pub fn capture_names(&self) -> impl Iterator<Item = &str> {
        self.capture_names.iter().map(String::as_str)
    }

    /// The compiled regex (compiled now if it was not yet).
    pub fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            // Only patterns read with `Compile::OnFirstUse` get here, and those are the built-in
            // rules, which a test compiles one by one.
            build(&self.pattern).expect("built-in rule regexes compile")
        })
    }

    /// True when the regex matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex().is_match(text)
    }

    /// The groups of the first match in `text`.
    pub fn captures<'h>(&self, text: &'h str) -> Option<Captures<'h>> {
        self.regex().captures(text)
    }
}

fn build(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(SIZE_LIMIT)
        .build()
}

/// The names of the named groups of a parsed pattern, left to right.
fn named_groups(hir: &Hir, out: &mut Vec<String>) {
    match hir.kind() {
        HirKind::Capture(c) => {
            if let Some(name) = &c.name {
                out.push(name.to_string());
            }
            named_groups(&c.sub, out);
        }
        HirKind::Repetition(r) => named_groups(&r.sub, out),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            for sub in subs {
                named_groups(sub, out);
            }
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_the_regex_crates_words() {
        let unclosed = String::from("(unclosed");
        let ours = RuleRegex::new(&unclosed, Compile::OnFirstUse).unwrap_err();
        let theirs = Regex::new(&unclosed).unwrap_err().to_string();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn too_big_is_refused_when_compiled_now() {
        let huge = r"\w{1000}\w{1000}";
        assert!(RuleRegex::new(huge, Compile::Now)
            .unwrap_err()
            .contains("size limit"));
    }

    #[test]
    fn names_nested_groups_in_order() {
        let re = RuleRegex::new("(?P<a>x(?P<b>y)?)|(?:(?P<c>z))+", Compile::OnFirstUse).unwrap();
        assert_eq!(re.capture_names().collect::<Vec<_>>(), ["a", "b", "c"]);
        let names: Vec<&str> = re.regex().capture_names().flatten().collect();
        assert_eq!(names, ["a", "b", "c"]);
    }

    /// Built-in rules compile on first use, where a failure could only panic: every one of their
    /// regexes and path patterns is compiled here.
    #[test]
    fn every_builtin_regex_compiles() {
        let mut compiled = 0;
        for rule in &crate::rules::builtin().rules {
            for step in &rule.steps {
                let m = &step.matcher;
                let single = [&m.provider, &m.image, &m.action, &m.text, &m.unless];
                for re in single.into_iter().flatten() {
                    build(re.as_str()).unwrap_or_else(|e| panic!("{}: {e}", rule.id));
                    compiled += 1;
                }
                for (_, re) in &m.fields {
                    build(re.as_str()).unwrap_or_else(|e| panic!("{}: {e}", rule.id));
                    compiled += 1;
                }
                for path in &m.paths {
                    path.matches(r"C:\Windows\Temp\x");
                    compiled += 1;
                }
            }
        }
        assert!(compiled >= 30, "only {compiled} built-in patterns");
    }

    #[test]
    fn ignores_case_unless_told() {
        let re = RuleRegex::new("access denied", Compile::OnFirstUse).unwrap();
        assert!(re.is_match("ACCESS DENIED"));
        let exact = RuleRegex::new("(?-i)access denied", Compile::Now).unwrap();
        assert!(!exact.is_match("ACCESS DENIED"));
    }
}
