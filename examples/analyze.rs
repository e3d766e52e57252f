//! Link msitrace the way another tool would: analyse logs, then use the report as data.
//!
//! ```text
//! cargo run -p msitrace --example analyze -- fixtures/msilog/error-1310-utf16.log
//! ```

use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::event::Kind;
use msitrace::source::msilog::MsiLogParser;
use std::path::PathBuf;

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: analyze <log>...");
        std::process::exit(2);
    }

    // 1. The whole analysis, as data.
    let report = analyze_paths(&paths, &AnalysisSettings::default());
    for session in &report.sessions {
        let code = session.outcome.as_ref().map(|o| o.code);
        println!(
            "{} {:?}: exit status {code:?}",
            session.operation, session.product
        );
    }
    if let Some(top) = report.findings.first() {
        println!("most likely cause: {} ({})", top.title, top.id);
        for e in &top.evidence {
            println!("  {}  {}", e.place(), e.text.trim());
        }
    }

    // 2. One parser on its own, as an iterator of events (on the first MSI log analysed).
    let Some(first) = report
        .inputs
        .iter()
        .find(|i| i.format == Some(msitrace::source::Format::MsiLog))
    else {
        return;
    };
    let bytes = std::fs::read(&first.path).expect("readable log");
    let failed_actions = MsiLogParser::from_bytes(&bytes)
        .filter_map(Result::ok)
        .filter(|e| {
            matches!(
                &e.kind,
                Kind::MsiAction {
                    phase: msitrace::event::ActionPhase::End { return_value: 3 },
                    ..
                }
            )
        })
        .count();
    println!("actions that returned 3: {failed_actions}");
}
