//! JSON Lines rendering of the unified timeline: one kept event a line, in input and line order,
//! for `jq`, Elastic or ClickHouse. Each line is a [`crate::analysis::timeline::TimelineEntry`]: `path`,
//! `session` (optional), and the fields of [`crate::event::Event`] (`time`, `input`, `at`,
//! `process`, `kind`, `raw`). Text is as read (escaped by JSON, control characters included).

use crate::analysis::Report;
use std::fmt::Write;

/// The report's timeline, one JSON object a line (each line ends with `\n`).
///
/// ```
/// use msitrace::analysis::{analyze_paths, AnalysisSettings};
/// let report = analyze_paths(&["../../fixtures/msilog/error-1310-utf16.log".into()], &AnalysisSettings::default());
/// let lines = msitrace::report::jsonl::render(&report);
/// let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
/// assert!(first["path"].as_str().unwrap().ends_with("error-1310-utf16.log"));
/// ```
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for entry in &report.timeline {
        if let Ok(line) = serde_json::to_string(entry) {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}
