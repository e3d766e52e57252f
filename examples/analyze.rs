//! Link msitrace the way another tool would: analyse logs, then print each finding with the
//! places its evidence rests on.
//!
//! ```text
//! cargo run -p msitrace --example analyze -- fixtures/msilog/error-1310-utf16.log
//! ```

use msitrace::{analyze_paths, AnalysisSettings};
use std::path::PathBuf;

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: analyze <log or folder>...");
        std::process::exit(2);
    }
    let report = analyze_paths(&paths, &AnalysisSettings::default());
    for finding in &report.findings {
        println!(
            "{} [{}] {}",
            finding.id,
            finding.severity.label(),
            finding.title
        );
        for evidence in &finding.evidence {
            println!("  {:<7} {}", evidence.role.label(), evidence.place());
        }
    }
    std::process::exit(report.exit_status());
}
