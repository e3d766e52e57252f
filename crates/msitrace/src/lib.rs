//! msitrace: diagnose failed Windows installations offline.
//!
//! The library reads what was collected on a failing machine — Windows Installer logs, WiX Burn
//! logs, event logs (EVTX files and their XML exports), Process Monitor CSV and XML exports, and
//! `.zip` bundles of them — turns every input into one stream of typed [`Event`]s, and finds
//! what failed, why, and the evidence lines, records or rows.
//!
//! The handful of types a caller needs are at the root: [`analyze_paths`] with its
//! [`AnalysisSettings`] gives a [`Report`] (inputs, installer sessions, bundles, captures,
//! clock, [`Finding`]s with their [`Evidence`], the failure graph), which the renderers of
//! [`report`] turn into text, JSON, SARIF, Markdown or HTML. [`analyze_bytes`] does the same for
//! one input received as bytes; [`fleet`] analyses one bundle per machine across a fleet and
//! ranks the causes by the machines they affect.
//!
//! ```
//! use msitrace::{analyze_paths, AnalysisSettings};
//! let report = analyze_paths(
//!     &["../../fixtures/msilog/error-1310-utf16.log".into()],
//!     &AnalysisSettings::default(),
//! );
//! for finding in &report.findings {
//!     println!("{} [{}]: {}", finding.id, finding.severity.label(), finding.title);
//!     for evidence in &finding.evidence {
//!         println!("  {} ({})", evidence.place(), evidence.role.label());
//!     }
//! }
//! assert_eq!(report.exit_status(), 1);
//! ```
//!
//! The flow, one module each: [`detect`] → [`source`] (one reader per format behind the
//! [`source::Source`] trait, each usable on its own as an iterator of events) → [`analysis`]
//! (sessions, findings from [`rules`] and [`codes`], the clock) → [`graph`] (the failure chain)
//! → [`report`] (renderers only). [`findings`] and [`event`] are the model every step speaks.

#![forbid(unsafe_code)]

pub mod analysis;
pub mod bundle;
pub(crate) mod clock;
pub mod codes;
pub mod detect;
pub mod event;
pub mod findings;
pub mod fleet;
pub mod graph;
pub mod gzip;
pub mod locale_date;
mod parallel;
pub(crate) mod paths;
mod position;
pub mod report;
pub mod rules;
pub mod source;
pub(crate) mod text;

pub use analysis::{
    analyze_bytes, analyze_paths, AnalysisSettings, InputError, InputReport, InputStatus,
    InputWarning, Report, SessionReport, WarningKind,
};
pub use bundle::{BundleError, BundleLimits};
pub use event::{Event, Kind, Location};
pub use findings::{Confidence, Evidence, EvidenceRole, Finding, Outcome, Severity};
pub use fleet::{
    analyze_fleet, find_bundles, FleetBundle, FleetSettings, FleetSummary, MachineRecord,
};
pub use locale_date::DateOrder;
pub use position::Position;
pub use rules::RuleError;
pub use source::{Format, KeepPolicy, SourceError};

/// Internals the benchmarks time on their own and the tests compare; not part of the API
/// (enabled by the `internals` feature, for the project's own benches and tests only).
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod internals {
    pub use crate::analysis::assemble::rule_subjects;
    pub use crate::analysis::failure_graph::{build as build_failure_graph, EventIndex};
    pub use crate::analysis::msi::{SessionFacts, SessionTracker};
    pub use crate::analysis::signals::clue_screen;
    pub use crate::rules::oracle::{
        enable as enable_rule_oracle, evaluate_plain as evaluate_rules_plain,
        take_mismatches as rule_oracle_mismatches,
    };
}
