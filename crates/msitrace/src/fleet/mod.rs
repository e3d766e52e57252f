//! Fleets: one package deployed to many machines, one bundle of logs collected per failing
//! machine. [`find_bundles`] lists the bundles of folders (each `.zip`, each sub-folder, each
//! loose log is one machine), [`analyze_fleet`] analyses them in parallel and hands back one
//! [`MachineRecord`] per bundle as each finishes, and a [`FleetSummary`] folds the records into
//! causes ranked by the machines they affect, rendered by [`render`].
//!
//! Memory is bounded by the number of workers: each worker analyses one bundle at a time (the
//! pieces of its inputs on its own thread), a finished bundle is reduced to its record, and at
//! most two records per worker wait for the caller. One bundle that cannot be read (a corrupt
//! zip, an empty folder, a zip bomb, entries with hostile names) is a record with its errors, and
//! the batch goes on.
//!
//! ```
//! use msitrace::fleet::{analyze_fleet, find_bundles, FleetSettings, FleetSummary};
//! let (bundles, problems) = find_bundles(&["../../fixtures/scenarios".into()]);
//! assert!(problems.is_empty());
//! let mut summary = FleetSummary::new();
//! analyze_fleet(bundles, &FleetSettings::default(), |record| summary.add(&record));
//! assert_eq!(summary.bundles(), 2);
//! assert_eq!(summary.failed(), 2);
//! ```

pub mod record;
pub mod render;
pub mod summary;

pub use record::{
    MachineFinding, MachineInput, MachineNameSource, MachineRecord, MachineSession,
    MACHINE_SCHEMA_VERSION,
};
pub use summary::{BundleProblem, Cause, FleetSummary, ProductCount};

use crate::analysis::{analyze_paths, AnalysisSettings};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One machine's bundle: a `.zip`, a folder, or a loose log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetBundle {
    /// Where it is.
    pub path: PathBuf,
    /// Its name: the file name without `.zip`, or the folder name (control characters removed);
    /// the machine id unless the logs name the computer.
    pub name: String,
}

/// A folder entry that is no bundle msitrace can open (a symbolic link, an unreadable entry).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// The folder, or one of its entries, could not be read.
    #[error("{path}: cannot list the bundles: {source}")]
    Io {
        /// The folder or entry.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A symbolic link: not followed, so that no bundle reads outside its folder.
    #[error("{path}: symbolic link not followed (a bundle is a .zip, a folder or a log file)")]
    Link {
        /// The link.
        path: String,
    },
}

impl FleetError {
    /// The path the error is about.
    pub fn path(&self) -> &str {
        match self {
            FleetError::Io { path, .. } | FleetError::Link { path } => path,
        }
    }
}

/// Settings of a fleet analysis.
#[derive(Debug, Clone, Default)]
pub struct FleetSettings {
    /// Bundles analysed at once (one per worker thread); 0 uses one per core.
    pub jobs: usize,
    /// Settings of each bundle's analysis (its `threads` and `progress` are not used: each bundle
    /// is read on its worker's thread).
    pub analysis: AnalysisSettings,
}

/// The bundles in `paths`: a folder's entries (sorted by name) are one bundle each — a
/// sub-folder, a `.zip`, a loose file; a file given directly is one bundle. Entries that cannot
/// be bundles come back as errors, to be listed with the machines.
pub fn find_bundles(paths: &[PathBuf]) -> (Vec<FleetBundle>, Vec<FleetError>) {
    let mut bundles = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if !path.is_dir() {
            bundles.push(bundle_at(path));
            continue;
        }
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(source) => {
                errors.push(FleetError::Io {
                    path: record::clean(&path.display().to_string()),
                    source,
                });
                continue;
            }
        };
        let mut found: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(source) => {
                    errors.push(FleetError::Io {
                        path: record::clean(&path.display().to_string()),
                        source,
                    });
                    continue;
                }
            };
            match entry.file_type() {
                Ok(t) if t.is_symlink() => errors.push(FleetError::Link {
                    path: record::clean(&entry.path().display().to_string()),
                }),
                Ok(_) => found.push(entry.path()),
                Err(source) => errors.push(FleetError::Io {
                    path: record::clean(&entry.path().display().to_string()),
                    source,
                }),
            }
        }
        found.sort();
        bundles.extend(found.iter().map(|p| bundle_at(p)));
    }
    (bundles, errors)
}

/// The bundle at `path`, named after it.
fn bundle_at(path: &Path) -> FleetBundle {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let name = match file_name.len().checked_sub(4) {
        Some(cut)
            if path.is_file()
                && file_name.is_char_boundary(cut)
                && file_name[cut..].eq_ignore_ascii_case(".zip") =>
        {
            file_name[..cut].to_string()
        }
        _ => file_name,
    };
    FleetBundle {
        path: path.to_path_buf(),
        name: record::clean(&name),
    }
}

/// Analyse one bundle on the calling thread and reduce its report to the machine's record. A
/// panic inside the analysis (a bug) is caught and becomes the record's error.
pub fn analyze_bundle(bundle: &FleetBundle, settings: &AnalysisSettings) -> MachineRecord {
    let settings = AnalysisSettings {
        threads: Some(1),
        progress: None,
        ..settings.clone()
    };
    let shown = bundle.path.display().to_string();
    let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let report = analyze_paths(std::slice::from_ref(&bundle.path), &settings);
        MachineRecord::from_report(&shown, &bundle.name, &report)
    }));
    analysed.unwrap_or_else(|panic| {
        MachineRecord::failed(&shown, &bundle.name, panic_message(&shown, panic.as_ref()))
    })
}

/// Analyse one machine's bundle received as bytes (a `.zip`, or a single log, read from object
/// storage): `name` (an object key such as `fleet/ws042.zip`) names it in the record, and its last
/// component without `.zip` is the machine id unless the logs name the computer. The bytes are
/// analysed on the calling thread, from a private temporary file ([`crate::analyze_bytes`]).
///
/// ```
/// use msitrace::fleet::analyze_bundle_bytes;
/// let data = std::fs::read("../../fixtures/msilog/error-1310-utf16.log").unwrap();
/// let record = analyze_bundle_bytes("s3://logs/ws042.log", &data, &Default::default());
/// assert_eq!(record.machine, "ws042.log");
/// assert_eq!(record.findings[0].id, "msi.privileges.not-elevated");
/// ```
pub fn analyze_bundle_bytes(name: &str, data: &[u8], settings: &AnalysisSettings) -> MachineRecord {
    let settings = AnalysisSettings {
        threads: Some(1),
        progress: None,
        ..settings.clone()
    };
    let leaf = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let machine = match leaf.len().checked_sub(4) {
        Some(cut) if leaf.is_char_boundary(cut) && leaf[cut..].eq_ignore_ascii_case(".zip") => {
            &leaf[..cut]
        }
        _ => leaf,
    };
    let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let report = crate::analysis::analyze_bytes(name, data, &settings);
        MachineRecord::from_report(name, machine, &report)
    }));
    analysed.unwrap_or_else(|panic| {
        MachineRecord::failed(name, machine, panic_message(name, panic.as_ref()))
    })
}

/// The record error for a panic caught while analysing `shown` (a bug, reported as such).
fn panic_message(shown: &str, panic: &(dyn std::any::Any + Send)) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("{shown}: internal error while analysing the bundle: {what}")
}

/// Analyse every bundle, `settings.jobs` at a time, and call `on_record` (on the calling thread)
/// with each machine's record as it is finished — in completion order, not input order.
pub fn analyze_fleet(
    bundles: Vec<FleetBundle>,
    settings: &FleetSettings,
    mut on_record: impl FnMut(MachineRecord),
) {
    let jobs = crate::parallel::resolve_threads(settings.jobs)
        .min(bundles.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let (sender, receiver) = std::sync::mpsc::sync_channel::<MachineRecord>(2 * jobs);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let sender = sender.clone();
            let (bundles, next) = (&bundles, &next);
            scope.spawn(move || {
                // A pool of one thread per worker: the bundle's inputs are read one after the
                // other on it, and no worker ever waits on another worker's jobs.
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .thread_name(|_| "msitrace-fleet".into())
                    .build()
                    .ok();
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some(bundle) = bundles.get(at) else { break };
                    let record = match &pool {
                        Some(pool) => pool.install(|| analyze_bundle(bundle, &settings.analysis)),
                        None => analyze_bundle(bundle, &settings.analysis),
                    };
                    if sender.send(record).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for record in receiver {
            on_record(record);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_names_drop_the_zip_extension_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ws01.ZIP"), b"x").unwrap();
        std::fs::write(dir.path().join("ws02.log"), b"x").unwrap();
        std::fs::create_dir(dir.path().join("ws03.zip")).unwrap();
        std::fs::create_dir(dir.path().join("bad\x1b[31mname")).unwrap();
        let (bundles, errors) = find_bundles(&[dir.path().to_path_buf()]);
        assert!(errors.is_empty());
        let names: Vec<&str> = bundles.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["bad[31mname", "ws01", "ws02.log", "ws03.zip"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/etc", dir.path().join("escape")).unwrap();
        let (bundles, errors) = find_bundles(&[dir.path().to_path_buf()]);
        assert!(bundles.is_empty());
        assert!(matches!(errors[0], FleetError::Link { .. }), "{errors:?}");
    }
}
