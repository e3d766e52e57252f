//! Listing the unified events of any inputs, filtered: what `msitrace events` prints.
//!
//! Every source format goes through [`open_source`], so a new source (Process Monitor) is listed
//! as soon as it is added there. Events are handed to a callback one by one: memory does not grow
//! with the inputs.
//!
//! ```
//! use msitrace::analysis::events::{read_events, EventFilter};
//! use msitrace::analysis::AnalysisSettings;
//! let mut n = 0;
//! let inputs = read_events(
//!     &["../../fixtures/msilog/error-1310-utf16.log".into()],
//!     &AnalysisSettings::default(),
//!     &EventFilter::default(),
//!     |_, _| n += 1,
//! );
//! assert!(inputs[0].error.is_none() && n > 10);
//! ```

use super::{detect_file, AnalysisSettings};
use crate::detect::{collect_inputs, Detected};
use crate::event::{Event, InputId, Kind, ReadTime};
use crate::source::Format;
use crate::source::{source_for, EventStream, KeepPolicy, Opening, SourceError};
use crate::text::TextEncoding;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Which events to list. Empty lists and `None` let everything through.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Source formats to list.
    pub formats: Vec<Format>,
    /// Event-log providers (case-insensitive); only event-log records pass when set.
    pub providers: Vec<String>,
    /// Event ids; only event-log records pass when set.
    pub event_ids: Vec<u32>,
    /// Most verbose event-log level to list (2 lists critical and errors; 0 "log always" records
    /// always pass); only event-log records pass when set.
    pub max_level: Option<u8>,
    /// Earliest time (inclusive). Local times of text logs are compared as if they were UTC.
    pub since: Option<DateTime<Utc>>,
    /// Latest time (inclusive).
    pub until: Option<DateTime<Utc>>,
}

impl EventFilter {
    /// True when the filter only passes event-log records.
    fn records_only(&self) -> bool {
        !self.providers.is_empty() || !self.event_ids.is_empty() || self.max_level.is_some()
    }

    /// Whether an event passes.
    pub fn matches(&self, e: &Event) -> bool {
        if let Kind::EventRecord(r) = &e.kind {
            if !self.providers.is_empty()
                && !self
                    .providers
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&r.provider))
            {
                return false;
            }
            if !self.event_ids.is_empty() && !self.event_ids.contains(&r.event_id) {
                return false;
            }
            if let Some(max) = self.max_level {
                if r.level > max {
                    return false;
                }
            }
        } else if self.records_only() {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let t = match e.time.read {
                ReadTime::Utc { time } => Some(time),
                _ => e.time.local_datetime().map(|n| n.and_utc()),
            };
            let Some(t) = t else { return false };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t > u) {
                return false;
            }
        }
        true
    }
}

/// One input of a listing.
#[derive(Debug, Clone)]
pub struct ListedInput {
    /// Input id (as in [`Event::input`]).
    pub id: InputId,
    /// Path.
    pub path: String,
    /// Detected format.
    pub format: Option<Format>,
    /// Why it could not be listed, when it could not.
    pub error: Option<String>,
    /// Damaged parts skipped while reading, each naming its position.
    pub skipped: Vec<String>,
    /// Events that passed the filter.
    pub listed: u64,
}

/// Open the streaming reader of a detected input through its registered reader.
pub fn open_source(
    path: &Path,
    detected: Detected,
    input: InputId,
    settings: &AnalysisSettings,
    keep: KeepPolicy,
) -> Result<Box<dyn EventStream>, SourceError> {
    let Some(source) = source_for(detected.format) else {
        return Err(SourceError::Unsupported {
            format: detected.format,
        });
    };
    source.open(&Opening {
        keep,
        encoding: detected.encoding.unwrap_or(TextEncoding::Utf8),
        threads: settings.threads.unwrap_or(0),
        date_order: settings.date_order,
        ..Opening::new(path, input)
    })
}

/// Read the events of files and folders, handing those that pass `filter` to `sink` with their
/// input; returns what happened to each input.
pub fn read_events(
    paths: &[PathBuf],
    settings: &AnalysisSettings,
    filter: &EventFilter,
    mut sink: impl FnMut(&ListedInput, Event),
) -> Vec<ListedInput> {
    let (files, walk_errors) = collect_inputs(paths);
    let mut inputs = Vec::new();
    for (path, err) in walk_errors {
        inputs.push(ListedInput {
            id: inputs.len() as InputId,
            path: path.display().to_string(),
            format: None,
            error: Some(format!("cannot read: {err}")),
            skipped: Vec::new(),
            listed: 0,
        });
    }
    for path in files {
        let mut listed = ListedInput {
            id: inputs.len() as InputId,
            path: settings.shown(&path),
            format: None,
            error: None,
            skipped: Vec::new(),
            listed: 0,
        };
        let mut detected = match detect_file(&path) {
            Ok(d) => d,
            Err(e) => {
                listed.error = Some(e.to_string());
                inputs.push(listed);
                continue;
            }
        };
        // A gzip input is listed from its decompressed copy (see `crate::gzip`).
        let mut _copy = None;
        let mut read_from = path.clone();
        if detected.format == Format::Gzip {
            let inner = crate::gzip::decompress(&path, &settings.bundle_limits)
                .map_err(|e| e.to_string())
                .and_then(|copy| {
                    let d = detect_file(&copy.path).map_err(|e| e.to_string())?;
                    Ok((copy, d))
                });
            match inner {
                Ok((copy, d)) => {
                    read_from = copy.path.clone();
                    _copy = Some(copy);
                    detected = d;
                }
                Err(e) => {
                    listed.error = Some(e);
                    inputs.push(listed);
                    continue;
                }
            }
        }
        listed.format = Some(detected.format);
        if !filter.formats.is_empty() && !filter.formats.contains(&detected.format) {
            continue;
        }
        if filter.records_only() && !matches!(detected.format, Format::Evtx | Format::EventXml) {
            continue;
        }
        match open_source(&read_from, detected, listed.id, settings, KeepPolicy::All) {
            Ok(source) => {
                for item in source {
                    match item {
                        Ok(e) if filter.matches(&e) => {
                            listed.listed += 1;
                            sink(&listed, e);
                        }
                        Ok(_) => {}
                        // Bounded: a file of nothing but damaged rows must not fill memory.
                        Err(e) if listed.skipped.len() < 1000 => listed.skipped.push(e.to_string()),
                        Err(_) => {}
                    }
                }
            }
            Err(e) => listed.error = Some(format!("{}: {e}", listed.path)),
        }
        inputs.push(listed);
    }
    inputs
}
