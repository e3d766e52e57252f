//! The rule engine: failure signatures as data, matched against the unified events.
//!
//! A rule pack is a TOML file of `[[rule]]` tables (the format is documented in
//! `docs/rules.md`). The built-in pack is compiled in from `crates/msitrace/rules/*.toml`; users add
//! their own with `--rules <dir>`. Each rule names an event to match (`[rule.match]`) and, for
//! sequences, the events that must follow it (`[[rule.then]]`, with a time window and what they
//! must share: process, session, product or captured values).
//!
//! ```
//! use msitrace::rules::RulePack;
//! let pack = RulePack::parse("my.toml", r#"
//! [[rule]]
//! id = "my.denied"
//! title = "Access denied in a custom action"
//! category = "access_denied"
//! summary = "The action said: {text}"
//! [rule.match]
//! kind = "text"
//! text = '(?i)access is denied'
//! "#).unwrap();
//! assert_eq!(pack.rules[0].id, "my.denied");
//! ```
//!
//! Modules: [`model`] (the compiled form, with precise errors), `compile` (reading and compiling
//! the TOML file format), [`pattern`] (path patterns with known folders), [`engine`] (evaluation
//! over events), `matching` (one event against one step), `template` (filling summaries).

mod candidates;
mod compile;
mod describe;
pub mod engine;
mod matching;
pub mod model;
#[cfg(any(test, feature = "internals"))]
pub(crate) mod oracle;
pub mod pattern;
mod rule_regex;
mod template;

pub use describe::{describe, near_ids};
pub use engine::{evaluate, evaluate_rules, RuleMatch, StepHit, Subject};
pub use model::{Role, Rule, RuleError, RulePack, Scope, Step};
pub use rule_regex::RuleRegex;

use rule_regex::Compile;
use std::path::Path;
use std::sync::OnceLock;

/// The built-in rule files, by name.
const BUILTIN: &[(&str, &str)] = &[
    ("msi.toml", include_str!("../../rules/msi.toml")),
    (
        "custom-actions.toml",
        include_str!("../../rules/custom-actions.toml"),
    ),
    ("services.toml", include_str!("../../rules/services.toml")),
    (
        "environment.toml",
        include_str!("../../rules/environment.toml"),
    ),
];

/// The built-in pack, parsed once. A broken built-in file is a bug caught by the tests.
pub fn builtin() -> &'static RulePack {
    static PACK: OnceLock<RulePack> = OnceLock::new();
    PACK.get_or_init(|| {
        let mut pack = RulePack::default();
        for (name, text) in BUILTIN {
            match RulePack::parse_compiling(&format!("builtin:{name}"), text, Compile::OnFirstUse) {
                Ok(p) => pack.extend(p),
                Err(errors) => panic!("built-in rule pack {name} is invalid: {errors:?}"),
            }
        }
        pack
    })
}

/// The rules in force: the built-in ones, each replaced by a user rule of the same id, then the
/// user's new rules.
pub fn active(user: Option<&RulePack>) -> Vec<&Rule> {
    let builtin = builtin();
    let mut out: Vec<&Rule> = builtin
        .rules
        .iter()
        .map(|r| user.and_then(|u| u.get(&r.id)).unwrap_or(r))
        .collect();
    if let Some(u) = user {
        out.extend(u.rules.iter().filter(|r| builtin.get(&r.id).is_none()));
    }
    out
}

/// Load every `*.toml` file of a folder as a user pack (sorted by name, so the order is stable).
/// Errors name the file, line and column; valid files still load when others fail.
pub fn load_dir(dir: &Path) -> (RulePack, Vec<RuleError>) {
    let mut pack = RulePack::default();
    let mut errors = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(RuleError::io(dir, &e));
            return (pack, errors);
        }
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
        })
        .collect();
    files.sort();
    for file in files {
        match load_file(&file) {
            Ok(p) => pack.extend(p),
            Err(mut e) => errors.append(&mut e),
        }
    }
    (pack, errors)
}

/// Load one rule file (what `msitrace rules check` runs).
pub fn load_file(file: &Path) -> Result<RulePack, Vec<RuleError>> {
    let text = std::fs::read_to_string(file).map_err(|e| vec![RuleError::io(file, &e)])?;
    RulePack::parse(&file.display().to_string(), &text)
}
