//! Turning the entries of a `.zip` bundle into planned inputs (see [`crate::bundle`]).

use super::{AnalysisSettings, InputError, Planned};
use crate::bundle::{open_zip_shown, Bundle, EntryOutcome};
use std::path::Path;

/// Open the bundle at `path` and plan each of its entries as an input: recognised logs to analyse,
/// the rest as skipped or refused inputs (so the report says what became of every entry). A bundle
/// that cannot be opened at all is one failed input.
pub(super) fn plan(
    path: &Path,
    shown: &str,
    settings: &AnalysisSettings,
    inputs: &mut Vec<Planned>,
    opened: &mut Vec<Bundle>,
) {
    let bundle = match open_zip_shown(path, shown, &settings.bundle_limits) {
        Ok(b) => b,
        Err(e) => {
            let mut failed = Planned::failed(path, InputError::Bundle(e));
            failed.shown = shown.to_string();
            inputs.push(failed);
            return;
        }
    };
    for entry in &bundle.entries {
        let planned = match &entry.outcome {
            EntryOutcome::Log {
                detected,
                extracted,
            } => Planned {
                path: extracted.clone(),
                shown: entry.shown.clone(),
                detected: Some(*detected),
                error: (!detected.format.is_supported()).then(|| InputError::Unsupported {
                    path: entry.shown.clone(),
                    format: detected.format,
                }),
            },
            EntryOutcome::Skipped { reason } => Planned {
                path: path.to_path_buf(),
                shown: entry.shown.clone(),
                detected: None,
                error: Some(InputError::Skipped {
                    path: entry.shown.clone(),
                    reason: reason.clone(),
                }),
            },
            EntryOutcome::Refused(e) => Planned {
                path: path.to_path_buf(),
                shown: entry.shown.clone(),
                detected: None,
                error: Some(InputError::Refused {
                    path: entry.shown.clone(),
                    reason: e.to_string(),
                }),
            },
        };
        inputs.push(planned);
    }
    for note in &bundle.notes {
        inputs.push(Planned {
            path: path.to_path_buf(),
            shown: shown.to_string(),
            detected: None,
            error: Some(InputError::Refused {
                path: shown.to_string(),
                reason: note.to_string(),
            }),
        });
    }
    opened.push(bundle);
}
