//! msitrace: diagnose failed Windows installations offline.
//!
//! The library reads what was collected on a failing machine — Windows Installer logs, WiX Burn
//! logs (and, as their parsers land, event logs and Process Monitor exports) — turns every input into
//! one stream of typed [`event::Event`]s, and finds what failed, why, and the evidence lines.
//!
//! The flow, one module each: [`detect`] → [`source`] → [`analysis`] (sessions, failure point,
//! findings) → [`report`] (text and JSON).
//!
//! ```no_run
//! use msitrace::analysis::{analyze_paths, AnalysisSettings};
//! let report = analyze_paths(&["install.log".into()], &AnalysisSettings::default());
//! for finding in &report.findings {
//!     println!("{}: {}", finding.id, finding.title);
//! }
//! ```

pub mod analysis;
pub mod bundle;
pub mod codes;
pub mod detect;
pub mod event;
pub mod report;
pub mod rules;
pub mod source;
pub mod text;
