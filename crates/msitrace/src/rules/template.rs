//! Summary and remediation templates: `{name}` placeholders filled with a match's captures.

use std::collections::BTreeMap;

/// Fill only the placeholders that were captured, leaving other braces as written (remediation
/// text may contain `{ProductCode}`-like words meant for the reader).
pub fn fill_known(template: &str, captures: &BTreeMap<String, String>) -> String {
    let mut out = template.to_string();
    for (name, value) in captures {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Replace `{name}` placeholders by captured values.
pub(crate) fn fill(template: &str, captures: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let name = &after[..close];
                out.push_str(captures.get(name).map_or("?", String::as_str));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_leaves_unknown_placeholders_visible() {
        let mut caps = BTreeMap::new();
        caps.insert("a".to_string(), "1".to_string());
        assert_eq!(fill("{a} {b} {not a name}", &caps), "1 ? {not a name}");
    }
}
