//! The real failure cases of `../shared/cases`: where the cause is determinable from an MSI log,
//! the case's evidence line must be in the top finding's evidence.

mod common;

use msitrace::analysis::{analyze_paths, AnalysisSettings};

/// The value of `key = "..."` in a case.toml (basic TOML string escapes).
fn toml_string(text: &str, key: &str) -> Option<String> {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{key} = \"")))?;
    let raw = line[key.len() + 4..].strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

#[test]
fn evidence_line_is_in_the_top_finding() {
    let Some(shared) = common::shared() else {
        return;
    };
    let index = std::fs::read_to_string(shared.join("cases/index.csv")).unwrap();
    let mut checked = 0;
    for row in index.lines().skip(1) {
        let cols: Vec<&str> = row.split(',').collect();
        let (dir, determinable, kind) = (cols[0], cols[3], cols[4]);
        if determinable != "True" || kind != "msilog" {
            continue;
        }
        let case = shared.join("cases").join(dir);
        let toml = std::fs::read_to_string(case.join("case.toml")).unwrap();
        let evidence_line = toml_string(&toml, "evidence_line").expect("evidence_line");
        let category = toml_string(&toml, "root_cause_category").expect("root_cause_category");
        let report = analyze_paths(&[case.join("log.txt")], &AnalysisSettings::default());
        let top = report
            .findings
            .first()
            .unwrap_or_else(|| panic!("{dir}: no finding"));
        assert!(
            top.evidence
                .iter()
                .any(|e| e.text.trim() == evidence_line.trim()),
            "{dir}: evidence line not in top finding {}:\n{evidence_line}\n{:#?}",
            top.id,
            top.evidence
        );
        assert_eq!(top.category, category, "{dir}: category of {}", top.id);
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} cases checked");
}

#[test]
fn the_benign_control_is_not_a_failure() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("cases/23-configmgr-client-wmi-event63-benign-control");
    let report = analyze_paths(&[dir], &AnalysisSettings::default());
    assert!(!report.failed);
}
