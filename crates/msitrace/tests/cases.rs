//! The real failure cases of `../shared/cases`: where the cause is determinable from an MSI log,
//! the case's evidence line must be in the top finding's evidence.

use crate::common;

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

/// Every file of a case but its `case.toml`.
fn case_files(case: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "case.toml"))
        .collect();
    files.sort();
    files
}

/// The codes a case's `key_error_code` names: decimal numbers of three digits or more and hex
/// values (`0x80070005`, `8004036e`), as numbers. The generic 1603 counts only when nothing more
/// specific is named.
fn key_codes(text: &str) -> Vec<u32> {
    let mut codes = Vec::new();
    for token in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '-') {
        let t = token.trim_start_matches('-');
        let value = if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            u32::from_str_radix(hex, 16).ok()
        } else if t.len() == 8 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            u32::from_str_radix(t, 16).ok()
        } else if t.len() >= 3 && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse::<u32>().ok()
        } else {
            None
        };
        if let Some(v) = value {
            if !codes.contains(&v) {
                codes.push(v);
            }
        }
    }
    if codes.len() > 1 {
        codes.retain(|&c| c != 1603);
    }
    codes
}

/// hit@1 over every case of both indexes: the top finding's evidence holds the case's evidence
/// line, or the top finding names the case's key code (in its codes, title or summary). Printed,
/// with the stricter figure (evidence line only); run with `--nocapture` to see it.
#[test]
fn hit_at_1_over_all_cases() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mut total = 0;
    let mut by_line = 0;
    let mut by_line_or_code = 0;
    for index in ["cases/index.csv", "cases/index-added.csv"] {
        let counted = (total, by_line, by_line_or_code);
        let text = std::fs::read_to_string(shared.join(index)).unwrap();
        for row in text.lines().skip(1) {
            let dir = row.split(',').next().unwrap();
            let case = shared.join("cases").join(dir);
            let toml = std::fs::read_to_string(case.join("case.toml")).unwrap();
            let evidence_line = toml_string(&toml, "evidence_line").expect("evidence_line");
            let key = toml_string(&toml, "key_error_code").unwrap_or_default();
            let report = analyze_paths(&case_files(&case), &AnalysisSettings::default());
            total += 1;
            // A control case (a harmless warning) is a hit when nothing is called a failure.
            let control =
                toml_string(&toml, "root_cause_category").is_some_and(|c| c.starts_with("benign"));
            if control {
                let ok = !report.failed;
                by_line += usize::from(ok);
                by_line_or_code += usize::from(ok);
                println!(
                    "{} {dir}: control, failed = {}",
                    if ok { "line " } else { "miss " },
                    report.failed
                );
                continue;
            }
            let Some(top) = report.findings.first() else {
                println!("miss  {dir}: no finding");
                continue;
            };
            let wanted = evidence_line.trim();
            let line_hit = top
                .evidence
                .iter()
                .any(|e| e.text.trim() == wanted || e.text.contains(wanted));
            let codes = key_codes(&key);
            let code_hit = codes.iter().any(|&c| {
                top.codes.contains(&c)
                    || [c.to_string(), format!("0x{c:08X}"), format!("0x{c:08x}")]
                        .iter()
                        .any(|s| top.title.contains(s.as_str()) || top.summary.contains(s.as_str()))
            });
            by_line += usize::from(line_hit);
            by_line_or_code += usize::from(line_hit || code_hit);
            let mark = match (line_hit, code_hit) {
                (true, _) => "line ",
                (false, true) => "code ",
                _ => "miss ",
            };
            println!("{mark} {dir}: top {} ({})", top.id, top.title);
        }
        println!(
            "hit@1 over the {} cases of {index}: {} (evidence line or key code), {} (evidence line only)",
            total - counted.0,
            by_line_or_code - counted.2,
            by_line - counted.1
        );
    }
    println!(
        "hit@1 over {total} cases: {by_line_or_code} (evidence line or key code), {by_line} (evidence line only)"
    );
    assert!(total >= 50, "only {total} cases");
}
