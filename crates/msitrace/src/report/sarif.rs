//! SARIF 2.1.0 rendering of a [`Report`], for code-scanning tools (GitHub code scanning accepts it).
//!
//! One run; one result per finding. Rule metadata (`tool.driver.rules`) comes from the rule pack
//! in force ([`crate::rules::active`]) for findings produced by a rule, and from the finding itself
//! for the built-in diagnoses that are not rules (`msi.error.1310`, `msi.exit.1620`,
//! `burn.bundle-failed`, ...). Only rules that have a result are listed, in order of first use.
//!
//! Locations point at the log files: the first evidence line (the cause when there is one) is the
//! result's location, with `region.startLine`; the other evidence lines are `relatedLocations`.
//! Evidence cited by a Process Monitor CSV row has the row's line as its region (data row `n` is
//! line `n + 1`, after the header); evidence cited by event-log record (or XML event) has no line and
//! no region. The record or row is in the location's `properties` (`record`, `row`). Paths as given stay relative;
//! absolute paths become `file://` URIs; bundle entries keep their `bundle.zip!/name` form.
//! The SARIF schema is shipped as `docs/schemas/sarif-2.1.0.json` and the output is tested against it.

use crate::analysis::Report;
use crate::findings::{Evidence, EvidenceRole, Finding, Severity};
use crate::rules::Rule;
use serde_json::{json, Map, Value};

/// Where the SARIF 2.1.0 schema is published.
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Render the report as SARIF 2.1.0 (pretty-printed JSON), with rule metadata from `rules`
/// (normally [`crate::rules::active`]).
///
/// ```
/// use msitrace::analysis::{analyze_paths, AnalysisSettings};
/// let report = analyze_paths(&["../../fixtures/msilog/error-1310-utf16.log".into()], &AnalysisSettings::default());
/// let sarif = msitrace::report::sarif::render(&report, &msitrace::rules::active(None));
/// let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
/// assert_eq!(v["version"], "2.1.0");
/// assert_eq!(v["runs"][0]["results"][0]["ruleId"], "msi.privileges.not-elevated");
/// ```
pub fn render(report: &Report, rules: &[&Rule]) -> String {
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut rule_objects = Vec::new();
    let mut results = Vec::new();
    for finding in &report.findings {
        let index = match rule_ids.iter().position(|id| *id == finding.id) {
            Some(i) => i,
            None => {
                rule_ids.push(&finding.id);
                let rule = rules.iter().find(|r| r.id == finding.id);
                rule_objects.push(match rule {
                    Some(r) => rule_from_pack(r),
                    None => rule_from_finding(finding),
                });
                rule_ids.len() - 1
            }
        };
        results.push(result(finding, index));
    }
    let version = report
        .tool
        .split_whitespace()
        .nth(1)
        .unwrap_or(env!("CARGO_PKG_VERSION"));
    // A run that analysed nothing did not succeed: a scanner must not read it as a clean pass.
    let analysed = report.verdict != crate::analysis::Verdict::NothingAnalysed;
    let mut invocation = json!({ "executionSuccessful": analysed });
    if !analysed {
        invocation["toolExecutionNotifications"] = json!([{
            "level": "error",
            "message": { "text": format!("Nothing analysed: {}.", report.verdict.reason(&report.inputs)) },
        }]);
    }
    let sarif = json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "msitrace",
                    "semanticVersion": version,
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rule_objects,
                }
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": results,
            "properties": {
                "failed": report.failed,
                "verdict": report.verdict,
                "inputs": report.inputs.iter().map(|i| i.path.as_str()).collect::<Vec<_>>(),
            }
        }]
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub ranks alerts by `security-severity` only for security rules; a plain `problem.severity`
/// (`error`, `warning`, `recommendation`) is what it shows for the others.
fn problem_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "recommendation",
    }
}

fn help(remediation: &[String]) -> Value {
    let text = remediation
        .iter()
        .map(|r| format!("- {r}"))
        .collect::<Vec<_>>()
        .join("\n");
    let markdown = remediation
        .iter()
        .map(|r| format!("- {}", super::escape::markdown(r)))
        .collect::<Vec<_>>()
        .join("\n");
    json!({ "text": text, "markdown": markdown })
}

fn rule_from_pack(r: &Rule) -> Value {
    let mut rule = json!({
        "id": r.id,
        "name": camel_name(&r.id),
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": generic_summary(&r.summary) },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "category": r.category,
            "tags": [r.category],
            "precision": r.confidence.label(),
            "problem.severity": problem_severity(r.severity),
            "codes": r.codes,
            "origin": r.origin,
        }
    });
    if !r.remediation.is_empty() {
        rule["help"] = help(&r.remediation);
    }
    if let Some(uri) = r.references.iter().find(|u| u.starts_with("https://")) {
        rule["helpUri"] = json!(uri);
    }
    rule
}

fn rule_from_finding(f: &Finding) -> Value {
    let mut rule = json!({
        "id": f.id,
        "name": camel_name(&f.id),
        "shortDescription": { "text": f.title },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": {
            "category": f.category,
            "tags": [f.category],
            "precision": f.confidence.label(),
            "problem.severity": problem_severity(f.severity),
        }
    });
    if !f.remediation.is_empty() {
        rule["help"] = help(&f.remediation);
    }
    if let Some(uri) = f.references.iter().find(|u| u.starts_with("https://")) {
        rule["helpUri"] = json!(uri);
    }
    rule
}

/// A rule's summary template in general words: each `{placeholder}` (filled from the matched
/// events in a finding) becomes `the placeholder`, `{text2}` the second matched line.
fn generic_summary(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        let words = match name.strip_prefix("text") {
            Some("") | Some("1") => "the matched line".to_string(),
            Some("2") => "the second matched line".to_string(),
            Some("3") => "the third matched line".to_string(),
            Some(n) if n.parse::<u32>().is_ok() => format!("matched line {n}"),
            _ => format!("the {}", name.replace('_', " ")),
        };
        out.push_str(&words);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `msi.error.1310` → `MsiError1310` (SARIF `name` is an identifier-like name).
fn camel_name(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            match cs.next() {
                Some(c) => c.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut props = Map::new();
    props.insert("confidence".into(), json!(f.confidence.label()));
    props.insert("category".into(), json!(f.category));
    if !f.codes.is_empty() {
        props.insert("codes".into(), json!(f.codes));
    }
    if let Some(s) = f.session {
        props.insert("session".into(), json!(s));
    }
    if let Some(b) = f.bundle {
        props.insert("bundle".into(), json!(b));
    }
    let mut result = json!({
        "ruleId": f.id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": format!("{} — {}", f.title, f.summary) },
        "properties": props,
    });
    if f.occurrences > 1 {
        result["occurrenceCount"] = json!(f.occurrences);
    }
    // The primary location: the cause, else the first evidence.
    let primary = f
        .evidence
        .iter()
        .position(|e| e.role == EvidenceRole::Cause)
        .or(if f.evidence.is_empty() { None } else { Some(0) });
    if let Some(p) = primary {
        result["locations"] = json!([location(&f.evidence[p], None)]);
        let related: Vec<Value> = f
            .evidence
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != p)
            .map(|(i, e)| location(e, Some(i)))
            .collect();
        if !related.is_empty() {
            result["relatedLocations"] = json!(related);
        }
    }
    result
}

fn location(e: &Evidence, id: Option<usize>) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri(&e.input) } });
    if let Some(line) = e.line.filter(|l| *l >= 1) {
        physical["region"] = json!({ "startLine": line });
    } else if let Some(row) = e.row.filter(|_| is_csv(&e.input)) {
        // A Process Monitor CSV export writes one row a line after its header line.
        physical["region"] = json!({ "startLine": row + 1 });
    }
    let mut loc = json!({
        "physicalLocation": physical,
        "message": { "text": format!("{}: {}", e.role.label(), e.text.trim()) },
    });
    if let Some(id) = id {
        loc["id"] = json!(id);
    }
    let mut props = Map::new();
    props.insert("role".into(), json!(e.role.label()));
    if let Some(r) = e.record {
        props.insert("record".into(), json!(r));
    }
    if let Some(r) = e.row {
        props.insert("row".into(), json!(r));
    }
    loc["properties"] = Value::Object(props);
    loc
}

/// Whether an input path names a CSV export (where data row `n` is line `n + 1`).
fn is_csv(path: &str) -> bool {
    path.rsplit(['/', '\\'])
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("csv"))
}

/// A URI reference for an input path: relative paths stay relative (with `/`), absolute paths become
/// `file://` URIs; characters outside the URI set are percent-encoded.
///
/// ```
/// use msitrace::report::sarif::uri;
/// assert_eq!(uri("logs\\My Setup.log"), "logs/My%20Setup.log");
/// assert_eq!(uri("/tmp/a.log"), "file:///tmp/a.log");
/// assert_eq!(uri("C:\\Logs\\a.log"), "file:///C:/Logs/a.log");
/// ```
pub fn uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let (prefix, rest) = if slashed.starts_with('/') {
        ("file://", slashed.as_str())
    } else if slashed.len() >= 2
        && slashed.as_bytes()[1] == b':'
        && slashed.as_bytes()[0].is_ascii_alphabetic()
    {
        ("file:///", slashed.as_str())
    } else {
        ("", slashed.as_str())
    };
    let mut out = String::from(prefix);
    for (i, b) in rest.bytes().enumerate() {
        // A `:` in a relative path would read as a scheme: only a drive letter's colon stays.
        let drive_colon = b == b':' && i == 1 && prefix == "file:///";
        if b.is_ascii_alphanumeric() || b"-._~/!@$&'()*+,;=".contains(&b) || drive_colon {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
