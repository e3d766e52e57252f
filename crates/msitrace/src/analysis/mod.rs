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
    /// Leave [`Report::timeline`] empty, for a report that does not show it (the JSON, SARIF,
    /// text and Markdown reports do not; JSON Lines and HTML do): the kept events of a large
    /// input are then not moved into it, which saves time and memory. Off by default.
    pub skip_timeline: bool,
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
    // Zip bundles and gzip inputs are opened here; their private copies live until the analysis
    // ends.
    let mut opened = Opened::default();
    for path in files {
        let shown = settings.shown(&path);
        plan_file(path, shown, settings, &mut inputs, &mut opened);
    }
    run(inputs, opened, settings)
}

/// Analyse one input received as bytes (a log, or a `.zip` bundle, read from object storage or a
/// message): `name` names it in the report (`name!/entry` for the entries of a bundle) and is
/// never used as a file name. The bytes are written to a private temporary file for the
/// analysis and removed after it.
///
/// ```
/// use msitrace::{analyze_bytes, AnalysisSettings};
/// let data = std::fs::read("../../fixtures/msilog/error-1310-utf16.log").unwrap();
/// let report = analyze_bytes("machine-7/install.log", &data, &AnalysisSettings::default());
/// assert_eq!(report.inputs[0].path, "machine-7/install.log");
/// assert_eq!(report.findings[0].evidence[0].input, "machine-7/install.log");
/// ```
pub fn analyze_bytes(name: &str, data: &[u8], settings: &AnalysisSettings) -> Report {
    let shown: String = name.chars().filter(|c| !c.is_control()).collect();
    let mut inputs: Vec<Planned> = Vec::new();
    let mut opened = Opened::default();
    let written = tempfile::Builder::new()
        .prefix("msitrace-bytes-")
        .tempdir()
        .and_then(|dir| {
            let path = dir.path().join("input");
            std::fs::write(&path, data)?;
            Ok((dir, path))
        });
    let _dir = match written {
        Ok((dir, path)) => {
            plan_file(path, shown, settings, &mut inputs, &mut opened);
            Some(dir)
        }
        Err(source) => {
            let mut failed = Planned::failed(
                std::path::Path::new(&shown),
                InputError::Io {
                    path: shown.clone(),
                    source,
                },
            );
            failed.shown = shown;
            inputs.push(failed);
            None
        }
    };
    run(inputs, opened, settings)
}

/// Detect one file and plan it: a log to read, a bundle's entries, or a failed input; `shown`
/// names it in the report.
fn plan_file(
    path: PathBuf,
    shown: String,
    settings: &AnalysisSettings,
    inputs: &mut Vec<Planned>,
    opened: &mut Opened,
) {
    // A gzip input is read through a decompressed private copy, detected by its content.
    let (detected, path) = match detect_file(&path) {
        Ok(d) if d.format == Format::Gzip => {
            match crate::gzip::decompress(&path, &settings.bundle_limits) {
                Ok(copy) => {
                    let read_from = copy.path.clone();
                    opened.decompressed.push(copy);
                    let detected = detect_file(&read_from).map_err(|e| {
                        match rename_error(e, &read_from, &shown) {
                            InputError::Unrecognized { .. } => InputError::Unrecognized {
                                path: format!("{shown} (gzip-compressed)"),
                            },
                            other => other,
                        }
                    });
                    (detected, read_from)
                }
                Err(e) => {
                    let mut failed = Planned::failed(
                        &path,
                        InputError::Refused {
                            path: shown.clone(),
                            reason: e.to_string(),
                        },
                    );
                    failed.shown = shown;
                    inputs.push(failed);
                    return;
                }
            }
        }
        other => {
            let detected = other.map_err(|e| rename_error(e, &path, &shown));
            (detected, path)
        }
    };
    match detected {
        Ok(d) if d.format == Format::Zip => {
            bundles::plan(&path, &shown, settings, inputs, &mut opened.bundles)
        }
        Ok(d) if d.format.is_supported() => inputs.push(Planned {
            shown,
            path,
            detected: Some(d),
            error: None,
        }),
        Ok(d) => inputs.push(Planned {
            shown: shown.clone(),
            path,
            detected: Some(d),
            error: Some(InputError::Unsupported {
                path: shown,
                format: d.format,
            }),
        }),
        Err(e) => {
            let mut failed = Planned::failed(&path, e);
            failed.shown = shown;
            inputs.push(failed);
        }
    }
}

/// What planning opened, kept until the analysis ends: zip bundles' private folders and the
/// decompressed copies of gzip inputs.
#[derive(Default)]
struct Opened {
    bundles: Vec<crate::bundle::Bundle>,
    decompressed: Vec<crate::gzip::Decompressed>,
}

/// A detection error naming `shown` where it named the private `path`.
fn rename_error(error: InputError, path: &std::path::Path, shown: &str) -> InputError {
    if path.display().to_string() == shown {
        return error;
    }
    let path = shown.to_string();
    match error {
        InputError::Io { source, .. } => InputError::Io { path, source },
        InputError::Empty { .. } => InputError::Empty { path },
        InputError::Unrecognized { .. } => InputError::Unrecognized { path },
        other => other,
    }
}

/// Read the planned inputs in parallel and assemble the report.
fn run(inputs: Vec<Planned>, opened: Opened, settings: &AnalysisSettings) -> Report {
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
    drop(opened);
    assemble::assemble(parsed, settings)
}
