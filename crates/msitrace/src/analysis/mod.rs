//! The one entry point that runs the flow: inputs → detect → parse (in parallel) → sessions,
//! bundles and captures (a large Process Monitor CSV is itself read in parallel chunks) →
//! findings → [`Report`].
//!
//! ```
//! use msitrace::analysis::{analyze_paths, AnalysisSettings};
//! let report = analyze_paths(&["../../fixtures/msilog/error-1310-utf16.log".into()], &AnalysisSettings::default());
//! assert_eq!(report.sessions[0].outcome.as_ref().unwrap().code, 1603);
//! assert_eq!(report.findings[0].id, "msi.privileges.not-elevated");
//! ```

pub(crate) mod assemble;
mod bundles;
pub(crate) mod burn;
pub(crate) mod capture;
mod date_order;
pub(crate) mod deployment;
pub(crate) mod diagnose;
pub(crate) mod eventlog;
pub mod events;
pub(crate) mod failure_graph;
mod input;
pub(crate) mod install_merge;
pub(crate) mod installs;
mod kept;
pub(crate) mod msi;
pub(crate) mod nearby;
pub(crate) mod process_tree;
pub mod progress;
mod report;
pub(crate) mod signals;
pub(crate) mod success;
pub(crate) mod timeline;

pub use crate::source::RecordCounts;
pub use report::{
    BundleReport, CaptureReport, FailureGroup, InputReport, InputStatus, InputWarning, PackageLog,
    RecordedInstall, Report, ResultTotals, SessionReport, Verdict, WarningKind, SCHEMA_VERSION,
};

pub use crate::clock::{ClockMethod, InputClock};
pub use input::{detect_file, InputError};
pub use process_tree::{ProcessNode, ProcessTree};
pub use timeline::{in_time_order as timeline_in_time_order, TimelineEntry};

use crate::detect::collect_inputs;
use crate::locale_date::DateOrder;
use crate::source::Format;
use input::{Parsed, Planned};
use rayon::prelude::*;
use std::path::PathBuf;

/// Settings of an analysis.
#[derive(Debug, Clone, Default)]
pub struct AnalysisSettings {
    /// Day/month order of MSI log header dates, when the user knows it; otherwise it is inferred
    /// from the inputs and reported.
    pub date_order: Option<DateOrder>,
    /// User rules, added to the built-in pack (a rule with a built-in id replaces it).
    pub rules: Option<std::sync::Arc<crate::rules::RulePack>>,
    /// Worker threads for the pieces of one input (EVTX chunks, ranges of a large Process Monitor
    /// CSV); `None` uses one per core.
    pub threads: Option<usize>,
    /// Local time minus UTC, in seconds, for every local-time input (overrides inference).
    pub utc_offset_seconds: Option<i32>,
    /// The machine's time zone, daylight saving included (overrides inference).
    pub timezone: Option<chrono_tz::Tz>,
    /// Bounds on decompressing `.zip` bundles given as inputs.
    pub bundle_limits: crate::bundle::BundleLimits,
    /// Told how far the reading of the inputs is (for a progress bar); `None` for silence.
    pub progress: Option<progress::ProgressSink>,
    /// How to name some inputs in the report instead of by their path (a copy of standard
    /// input is named `<stdin>`, so evidence cites `<stdin>:12`).
    pub names: std::collections::BTreeMap<PathBuf, String>,
}

impl AnalysisSettings {
    /// How an input is named in the report: its name in [`AnalysisSettings::names`], else its
    /// path.
    pub fn shown(&self, path: &std::path::Path) -> String {
        self.names
            .get(path)
            .cloned()
            .unwrap_or_else(|| path.display().to_string())
    }
}

/// Analyse files and folders (walked recursively) and return the report.
pub fn analyze_paths(paths: &[PathBuf], settings: &AnalysisSettings) -> Report {
    let (files, walk_errors) = collect_inputs(paths);
    let mut inputs: Vec<Planned> = Vec::new();
    for (path, err) in walk_errors {
        inputs.push(Planned::failed(
            &path,
            InputError::Io {
                path: path.display().to_string(),
                source: err,
            },
        ));
    }
    // Zip bundles are opened here; their private folders live until the analysis ends.
    let mut opened_bundles = Vec::new();
    let mut decompressed = Vec::new();
    for path in files {
        // A gzip input is read through a decompressed private copy, detected by its content.
        let (path, read_from) = match detect_file(&path) {
            Ok(d) if d.format == Format::Gzip => {
                match crate::gzip::decompress(&path, &settings.bundle_limits) {
                    Ok(copy) => {
                        let read_from = copy.path.clone();
                        decompressed.push(copy);
                        (path, Some(read_from))
                    }
                    Err(e) => {
                        let shown = path.display().to_string();
                        inputs.push(Planned::failed(
                            &path,
                            InputError::Refused {
                                path: shown,
                                reason: e.to_string(),
                            },
                        ));
                        continue;
                    }
                }
            }
            _ => (path, None),
        };
        let detected = match &read_from {
            Some(copy) => detect_file(copy).map_err(|e| match e {
                InputError::Unrecognized { .. } => InputError::Unrecognized {
                    path: format!("{} (gzip-compressed)", path.display()),
                },
                other => other,
            }),
            None => detect_file(&path),
        };
        let shown_path = path.clone();
        let path = read_from.unwrap_or(path);
        match detected {
            Ok(d) if d.format == Format::Zip => {
                bundles::plan(&path, settings, &mut inputs, &mut opened_bundles)
            }
            Ok(d) if d.format.is_supported() => inputs.push(Planned {
                shown: settings.shown(&shown_path),
                path,
                detected: Some(d),
                error: None,
            }),
            Ok(d) => {
                let shown = shown_path.display().to_string();
                inputs.push(Planned {
                    shown: shown.clone(),
                    path,
                    detected: Some(d),
                    error: Some(InputError::Unsupported {
                        path: shown,
                        format: d.format,
                    }),
                })
            }
            Err(e) => inputs.push(Planned::failed(&path, e)),
        }
    }
    let order = settings
        .date_order
        .or_else(|| date_order::infer_date_order(&inputs));
    let progress = progress::Progress::start(settings.progress.clone(), &inputs);
    let parsed: Vec<Parsed> = inputs
        .par_iter()
        .enumerate()
        .map(|(id, planned)| {
            input::parse_input(id as u32, planned, order, settings.threads, &progress)
        })
        .collect();
    progress.finish();
    drop(opened_bundles);
    drop(decompressed);
    assemble::assemble(parsed, settings)
}
