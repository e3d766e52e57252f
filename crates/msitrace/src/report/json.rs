//! JSON rendering of a [`Report`] (schema documented in `docs/report-schema.md`).

use crate::analysis::Report;

/// The report as pretty-printed JSON.
///
/// ```
/// use msitrace::analysis::{analyze_paths, AnalysisSettings};
/// let report = analyze_paths(&[], &AnalysisSettings::default());
/// let json = msitrace::report::json::render(&report);
/// assert!(json.contains("\"schema_version\": 1"));
/// ```
pub fn render(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("the report is plain data")
}
