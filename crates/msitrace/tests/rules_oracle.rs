//! The indexed sequence rules find exactly what the plain forward scan finds: on both scenarios
//! (each a folder analysed as one, so sequences cross inputs) and on every corpus file.

use crate::common;

use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::internals::{enable_rule_oracle, rule_oracle_mismatches};
use std::path::PathBuf;

fn files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn indexed_sequences_match_the_plain_scan() {
    enable_rule_oracle();
    let settings = AnalysisSettings::default();
    let mut analysed = 0;
    let mut sequences = 0;
    for scenario in ["temp-denied", "service-dll-missing"] {
        let dir = common::root().join("fixtures/scenarios").join(scenario);
        let report = analyze_paths(&files(&dir), &settings);
        // Each scenario is diagnosed by a sequence rule across its inputs.
        sequences += report
            .findings
            .iter()
            .filter(|f| {
                f.evidence
                    .iter()
                    .map(|e| &e.input)
                    .collect::<std::collections::HashSet<_>>()
                    .len()
                    > 1
            })
            .count();
        analysed += 1;
    }
    assert!(
        sequences >= 2,
        "the scenarios gave {sequences} cross-input findings"
    );
    if let Some(shared) = common::shared() {
        for dir in [
            "msilog",
            "burnlog",
            "evtx",
            "procmon-csv",
            "procmon-xml",
            "procmon-pml",
        ] {
            for path in files(&shared.join("corpus").join(dir)) {
                analyze_paths(&[path], &settings);
                analysed += 1;
            }
        }
        assert!(analysed > 30, "only {analysed} inputs");
    }
    let mismatches = rule_oracle_mismatches();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}
