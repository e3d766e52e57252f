//! msitrace: diagnose failed Windows installations offline.
//!
//! The library reads what was collected on a failing machine — Windows Installer logs, WiX Burn
//! logs, event logs (EVTX files and their XML exports) and Process Monitor CSV and XML exports —
//! turns every input into one stream of typed [`event::Event`]s, and finds what failed, why, and
//! the evidence lines, records or rows.
//!
//! The flow, one module each: [`detect`] → [`source`] → [`analysis`] (sessions, failure point,
//! process tree, findings from [`rules`] and [`codes`]) → [`graph`] (the failure chain) →
//! [`report`] (text and JSON). [`record_meaning`] says what an event-log record means for an
//! installation; [`paths`] normalises Windows paths and recognises known folders.
//!
//! ```no_run
//! use msitrace::analysis::{analyze_paths, AnalysisSettings};
//! let report = analyze_paths(&["install.log".into()], &AnalysisSettings::default());
//! for finding in &report.findings {
//!     println!("{}: {}", finding.id, finding.title);
//! }
//! ```

#![forbid(unsafe_code)]

pub mod analysis;
pub mod bundle;
pub mod clock;
pub mod codes;
pub mod detect;
pub mod event;
pub mod graph;
mod parallel;
pub mod paths;
pub mod record_meaning;
pub mod report;
pub mod rules;
pub mod source;
pub mod text;
