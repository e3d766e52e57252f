//! Rules in words, for `msitrace rules show` and `rules list`: a rule in full ([`describe`]), each
//! step's conditions in one line ([`Step::describe`]), and the ids near a mistyped one
//! ([`near_ids`]).

use super::model::{Role, Rule, Step};

/// A rule in full, as text: what it matches and what it says (for `msitrace rules show`).
pub fn describe(rule: &Rule) -> String {
    let role = match rule.role {
        Role::Cause => "a cause rule: its events say why an installation failed",
        Role::Symptom => "a symptom rule: its events follow from a cause",
        Role::Context => "a context rule: worth citing, not a failure by itself",
    };
    let mut s = format!(
        "{}\n  {}\n\n  {role}; severity {}, {} confidence; category {}\n  declared in {}\n\n  summary: {}\n",
        rule.id,
        rule.title,
        rule.severity.label(),
        rule.confidence.label(),
        rule.category,
        rule.origin,
        rule.summary
    );
    if !rule.codes.is_empty() {
        let codes: Vec<String> = rule.codes.iter().map(u32::to_string).collect();
        s.push_str(&format!("  codes:   {}\n", codes.join(", ")));
    }
    s.push_str("\n  matches:\n");
    for (i, step) in rule.steps.iter().enumerate() {
        s.push_str(&format!(
            "    {} {}\n",
            if i == 0 {
                "an event with"
            } else {
                "then one with"
            },
            step.describe()
        ));
    }
    if !rule.remediation.is_empty() {
        s.push_str("\n  what to do:\n");
        for r in &rule.remediation {
            s.push_str(&format!("    - {r}\n"));
        }
    }
    if !rule.references.is_empty() {
        s.push_str("\n  see also:\n");
        for r in &rule.references {
            s.push_str(&format!("    - {r}\n"));
        }
    }
    s
}

/// Ids of rules near `id` (for "no rule 'x'; did you mean ..."): those it is a part of, then those
/// within a small edit distance, best first, at most five.
pub fn near_ids<'a>(id: &str, rules: &[&'a Rule]) -> Vec<&'a str> {
    let id = id.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = rules
        .iter()
        .filter_map(|r| {
            let other = r.id.to_ascii_lowercase();
            if other.contains(&id) {
                return Some((0, r.id.as_str()));
            }
            let d = edit_distance(&id, &other);
            (d <= 3.max(id.len() / 4)).then_some((d, r.id.as_str()))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, id)| id).collect()
}

/// Levenshtein distance of two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

impl Step {
    /// The step's conditions in words, in one line (`kind msi_message, code 1310, within 30 s of
    /// the step before, in the same session`).
    pub fn describe(&self) -> String {
        let m = &self.matcher;
        let mut parts: Vec<String> = Vec::new();
        let or = |v: &[String]| v.join(" or ");
        if !m.sources.is_empty() {
            let names: Vec<String> = m.sources.iter().map(|s| s.name().to_string()).collect();
            parts.push(format!("source {}", or(&names)));
        }
        if !m.kinds.is_empty() {
            parts.push(format!("kind {}", or(&m.kinds)));
        }
        if !m.codes.is_empty() {
            let codes: Vec<String> = m.codes.iter().map(u32::to_string).collect();
            parts.push(format!("code {}", or(&codes)));
        }
        if !m.levels.is_empty() {
            parts.push(format!("level {}", or(&m.levels)));
        }
        for (name, re) in [
            ("provider", &m.provider),
            ("image", &m.image),
            ("action", &m.action),
            ("text", &m.text),
        ] {
            if let Some(r) = re {
                parts.push(format!("{name} matching /{}/", r.as_str()));
            }
        }
        if let Some(r) = &m.unless {
            parts.push(format!("text not matching /{}/", r.as_str()));
        }
        if !m.paths.is_empty() {
            let paths: Vec<String> = m.paths.iter().map(|p| p.as_str().to_string()).collect();
            parts.push(format!("path like {}", or(&paths)));
        }
        if !m.results.is_empty() {
            parts.push(format!("result {}", or(&m.results)));
        }
        if !m.contains.is_empty() {
            let quoted: Vec<String> = m.contains.iter().map(|c| format!("'{c}'")).collect();
            parts.push(format!("containing {}", or(&quoted)));
        }
        for (name, re) in &m.fields {
            parts.push(format!("field {name} matching /{}/", re.as_str()));
        }
        match m.inside_failing_action {
            Some(true) => parts.push("inside the failing action".into()),
            Some(false) => parts.push("outside the failing action".into()),
            None => {}
        }
        if let Some(w) = self.within {
            parts.push(format!(
                "within {} s of the step before",
                w.num_milliseconds() as f64 / 1000.0
            ));
        }
        if !self.same.is_empty() {
            let names: Vec<&str> = self.same.iter().map(|s| s.name()).collect();
            parts.push(format!(
                "in the same {} as the step before",
                names.join(" and ")
            ));
        }
        for e in &self.equal {
            parts.push(match e.split_once('=') {
                Some((earlier, this)) => format!("{this} equal to the earlier {earlier}"),
                None => format!("{e} equal to the earlier {e}"),
            });
        }
        if self.any_order {
            parts.push("before or after the step before".to_string());
        }
        parts.join(", ")
    }
}
