//! One input, from its path to what its analysis step needs: what happened to it
//! ([`InputReport`]) and its content (installer sessions, a bundle run, event-log facts, a
//! capture). Every format goes through its registered reader; only the analysis step differs.

use super::{
    burn, capture, deployment, eventlog, msi, progress, signals, InputReport, InputStatus,
    InputWarning, WarningKind,
};
use crate::detect::{detect_bytes, Detected, SNIFF_LEN};
use crate::event::Event;
use crate::findings::Finding;
use crate::locale_date::DateOrder;
use crate::source::msilog::{MsiLogParser, MsiLogSettings};
use crate::source::procmon::csv::CaptureRead;
use crate::source::{
    source_for, EventStream, Feeds, KeepPolicy, Opening, Source, SourceError, StreamSummary,
};
use crate::source::{Format, Position};
use crate::text::TextEncoding;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// An input that could not be analysed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The input.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Binary content of no format msitrace knows (readable text is always read: see
    /// [`crate::source::textscan`]).
    #[error("{path}: not a recognised log: binary content that is not text and none of the binary formats read (EVTX, Process Monitor PML, zip, gzip)")]
    Unrecognized {
        /// The input.
        path: String,
    },
    /// A known format this version cannot analyse yet.
    #[error("{path}: {format} recognised, but not yet supported by this version of msitrace")]
    Unsupported {
        /// The input.
        path: String,
        /// The format.
        format: Format,
    },
    /// An empty file.
    #[error("{path}: empty file")]
    Empty {
        /// The input.
        path: String,
    },
    /// An entry of a `.zip` bundle that is not a log msitrace reads.
    #[error("{path}: skipped ({reason})")]
    Skipped {
        /// The entry as shown (`bundle.zip!/name`).
        path: String,
        /// Why.
        reason: String,
    },
    /// An entry of a `.zip` bundle that was refused (traversal name, zip bomb, damaged entry).
    #[error("{reason}")]
    Refused {
        /// The entry as shown (`bundle.zip!/name`).
        path: String,
        /// The refusal, naming the entry.
        reason: String,
    },
    /// A `.zip` bundle that could not be opened (corrupt, unreadable, no room for its copies).
    #[error(transparent)]
    Bundle(#[from] crate::bundle::BundleError),
}

/// Open an input and detect its format by content.
pub fn detect_file(path: &Path) -> Result<Detected, InputError> {
    let shown = path.display().to_string();
    let io = |source| InputError::Io {
        path: shown.clone(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    file.by_ref()
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    if head.is_empty() {
        return Err(InputError::Empty { path: shown });
    }
    detect_bytes(&head).ok_or(InputError::Unrecognized { path: shown })
}

/// One input as planned: its path and what detection said.
pub(super) struct Planned {
    /// Where to read it (for a bundle entry, its copy in the bundle's private folder).
    pub(super) path: PathBuf,
    /// How it is named in the report (for a bundle entry, `bundle.zip!/name`).
    pub(super) shown: String,
    pub(super) detected: Option<Detected>,
    pub(super) error: Option<InputError>,
}

impl Planned {
    pub(super) fn failed(path: &Path, error: InputError) -> Self {
        Planned {
            path: path.to_path_buf(),
            shown: path.display().to_string(),
            detected: None,
            error: Some(error),
        }
    }
}

/// What parsing one input produced.
pub(super) struct Parsed {
    pub(super) report: InputReport,
    pub(super) content: Content,
}

/// What an input contributes to the analysis, by the step its events feed.
pub(super) enum Content {
    None,
    Msi(Vec<msi::SessionFacts>),
    Burn(Box<burn::BundleTracker>),
    EventLog(Box<eventlog::EventLogFacts>),
    Deployment(Box<deployment::DeploymentFacts>),
    Capture(Box<(crate::analysis::CaptureReport, Vec<Finding>, Vec<Event>)>),
}

/// Read one input through its registered reader ([`crate::source::SOURCES`]) into what its
/// analysis step needs.
pub(super) fn parse_input(
    id: u32,
    planned: &Planned,
    order: Option<DateOrder>,
    threads: Option<usize>,
    progress: &progress::Progress,
) -> Parsed {
    let path = planned.shown.clone();
    let mut report = InputReport {
        id,
        path: path.clone(),
        format: planned.detected.map(|d| d.format),
        encoding: planned.detected.and_then(|d| d.encoding),
        form: None,
        status: InputStatus::Analyzed,
        lines: 0,
        events: 0,
        warnings: Vec::new(),
        skipped: Vec::new(),
        records: None,
        error: None,
    };
    let failed = |mut report: InputReport, status, error: String| {
        report.status = status;
        report.error = Some(error);
        Parsed {
            report,
            content: Content::None,
        }
    };
    if let Some(err) = &planned.error {
        let status = match err {
            InputError::Unsupported { .. } => InputStatus::Unsupported,
            InputError::Unrecognized { .. }
            | InputError::Empty { .. }
            | InputError::Skipped { .. } => InputStatus::Unrecognized,
            InputError::Io { .. } | InputError::Bundle(_) | InputError::Refused { .. } => {
                InputStatus::Error
            }
        };
        return failed(report, status, err.to_string());
    }
    let detected = planned
        .detected
        .expect("planned inputs without error are detected");
    let Some(source) = source_for(detected.format) else {
        let error = InputError::Unsupported {
            path,
            format: detected.format,
        };
        return failed(report, InputStatus::Unsupported, error.to_string());
    };
    let read_through = |file: File| -> Box<dyn Read + Send> { Box::new(progress.reader(file)) };
    let opening = Opening {
        path: &planned.path,
        input: id,
        encoding: detected.encoding.unwrap_or(TextEncoding::Utf8),
        keep: KeepPolicy::OfInterest,
        threads: threads.unwrap_or(0),
        date_order: order,
        read_through: Some(&read_through),
    };
    let content = match source.feeds() {
        Feeds::Installer => read_installer_log(&opening, &mut report),
        Feeds::Bundle => open_stream(source, &opening, &mut report).map_or(Content::None, |s| {
            let mut tracker = burn::BundleTracker::new(id, &path);
            let summary = feed(s, &mut report, |event| tracker.push(event));
            report.lines = summary.lines;
            Content::Burn(Box::new(tracker))
        }),
        Feeds::EventLog => open_stream(source, &opening, &mut report).map_or(Content::None, |s| {
            let mut tracker = eventlog::EventLogTracker::new(&path);
            let summary = feed_records(s, &mut report, |e| tracker.push(e));
            report.lines = summary.lines;
            report.records = summary.records;
            let facts = tracker.finish();
            if facts.installs_left_out > 0 {
                report.warnings.push(InputWarning::new(
                    WarningKind::Skipped,
                    Position::default(),
                    format!(
                        "{path}: records {} installations; the {} listed are the failed ones and the latest others, {} older ones are left out",
                        facts.installs.len() + facts.installs_left_out,
                        facts.installs.len(),
                        facts.installs_left_out
                    ),
                ));
            }
            Content::EventLog(Box::new(facts))
        }),
        Feeds::Capture => open_stream(source, &opening, &mut report)
            .map_or(Content::None, |s| read_capture(s, &mut report)),
        Feeds::Deployment => {
            open_stream(source, &opening, &mut report).map_or(Content::None, |s| {
                let mut tracker = deployment::DeploymentTracker::new(&path);
                let summary = feed(s, &mut report, |event| tracker.push(event));
                report.lines = summary.lines;
                let mut facts = tracker.finish();
                // Signals read out of text of no known form are less sure than a log's; text
                // without any is read, but tells nothing (it does not make a clean pass).
                if detected.format == Format::Text {
                    facts.lower_confidence();
                    if !facts.has_signals() {
                        report.status = InputStatus::Unrecognized;
                        report.error = Some(format!(
                            "{path}: text, no known log form: read, but it holds no installer signal (no installer line, exit status or status number)"
                        ));
                    }
                }
                Content::Deployment(Box::new(facts))
            })
        }
    };
    // A gzip input is read from its decompressed copy (see `crate::gzip`): say so.
    let gzip = planned
        .path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n.to_string_lossy().starts_with(crate::gzip::COPY_PREFIX));
    if gzip {
        report.form = Some(match report.form.take() {
            Some(f) => format!("{f}; gzip-compressed"),
            None => "gzip-compressed".into(),
        });
    }
    // An input of which not one record or line could be read (every part damaged) was not
    // analysed: it must not make a run whose logs are all broken look like a clean pass.
    let nothing_read = match (&content, &report.records) {
        (Content::Capture(c), _) => c.0.rows == c.0.bad_rows && c.0.processes.is_empty(),
        (_, Some(r)) => r.read == 0,
        _ => report.events == 0 && report.lines == 0,
    };
    let problems = report.skipped.len() + report.warnings.len();
    if report.status == InputStatus::Analyzed && nothing_read && problems > 0 {
        report.status = InputStatus::Error;
        let first = report.skipped.first().or(report.warnings.first());
        report.error = Some(format!(
            "{path}: nothing could be read ({problems} damaged part(s)); first: {}",
            first.map_or("", |w| w.text.as_str())
        ));
    }
    Parsed { report, content }
}

/// Open an input's stream; when it cannot be opened, the report says why.
fn open_stream(
    source: &dyn Source,
    opening: &Opening<'_>,
    report: &mut InputReport,
) -> Option<Box<dyn EventStream>> {
    match source.open(opening) {
        Ok(stream) => Some(stream),
        Err(e) => {
            report.status = InputStatus::Error;
            report.error = Some(match e {
                SourceError::Read { source, .. } => InputError::Io {
                    path: report.path.clone(),
                    source,
                }
                .to_string(),
                e => format!("{}: {e}", report.path),
            });
            None
        }
    }
}

/// Read an MSI log entry by entry (lent from a reused buffer, decoded ahead on a helper thread)
/// into its installer sessions.
fn read_installer_log(opening: &Opening<'_>, report: &mut InputReport) -> Content {
    let path = report.path.clone();
    let reader = match opening.reader() {
        Ok(reader) => reader,
        Err(e) => {
            report.status = InputStatus::Error;
            report.error = Some(format!("{path}: {e}"));
            return Content::None;
        }
    };
    let settings = MsiLogSettings {
        date_order: opening.date_order,
        screen: Some(signals::clue_screen().clone()),
        ..Default::default()
    };
    let mut parser =
        MsiLogParser::new(reader, opening.encoding, opening.input, settings).read_ahead();
    let mut tracker = msi::SessionTracker::new(opening.input, &path);
    while let Some(entry) = parser.next_entry() {
        match entry {
            Ok(entry) => {
                report.events += 1;
                tracker.push_entry(entry);
            }
            Err(e) => report.warnings.push(InputWarning::from_error(
                WarningKind::Stopped,
                &path,
                e,
                "; the rest of the input was skipped",
            )),
        }
    }
    report.lines = parser.lines_read();
    report.form = parser.form();
    report.warnings.extend(parser.warnings().iter().map(|w| {
        InputWarning::new(
            WarningKind::Odd,
            Position::line(w.line),
            format!("{path}:{}: {}", w.line, w.message),
        )
    }));
    report.warnings.extend(parser.notes().into_iter().map(|n| {
        InputWarning::new(
            WarningKind::Lenient,
            Position::default(),
            format!("{path}: {n}"),
        )
    }));
    Content::Msi(tracker.finish())
}

/// Read a Process Monitor capture: kept events, row errors (up to [`MAX_ERRORS`]), counts.
fn read_capture(mut stream: Box<dyn EventStream>, report: &mut InputReport) -> Content {
    let mut read = CaptureRead::default();
    read.take(stream.by_ref());
    let summary = note_summary(stream.finish(), report);
    read.lines = summary.lines;
    read.tally = summary.capture.unwrap_or_default();
    let path = report.path.clone();
    capture_content(report, &path, read)
}

/// Analyse a capture read from a Process Monitor export; row errors become warnings.
fn capture_content(report: &mut InputReport, path: &str, mut read: CaptureRead) -> Content {
    report.events = read.events.len() as u64;
    report.lines = read.lines;
    let shown = read.errors.len() as u64;
    for e in std::mem::take(&mut read.errors) {
        let warning = InputWarning::from_error(WarningKind::Skipped, path, e, "");
        report.warnings.push(warning);
    }
    let bad = read.tally.bad_rows;
    if bad > shown {
        report.warnings.push(InputWarning::new(
            WarningKind::Skipped,
            Position::default(),
            format!("{path}: {} more bad row(s) skipped", bad - shown),
        ));
    }
    let (capture, findings) = capture::analyze(report.id, path, &read);
    Content::Capture(Box::new((capture, findings, read.events)))
}

/// Run a parser to its end, handing each event on; errors become warnings naming the input.
fn feed(
    mut stream: Box<dyn EventStream>,
    report: &mut InputReport,
    mut take: impl FnMut(Event),
) -> StreamSummary {
    for item in stream.by_ref() {
        match item {
            Ok(event) => {
                report.events += 1;
                take(event);
            }
            Err(e) => report.warnings.push(InputWarning::from_error(
                WarningKind::Stopped,
                &report.path,
                e,
                "; the rest of the input was skipped",
            )),
        }
    }
    note_summary(stream.finish(), report)
}

/// Run an event-log source to its end: a damaged record or chunk is listed as skipped and the
/// reading goes on; a damaged file header is a warning.
fn feed_records(
    mut stream: Box<dyn EventStream>,
    report: &mut InputReport,
    mut take: impl FnMut(Event),
) -> StreamSummary {
    for item in stream.by_ref() {
        match item {
            Ok(event) => {
                report.events += 1;
                take(event);
            }
            Err(e @ SourceError::EvtxHeader { .. }) => report.warnings.push(
                InputWarning::from_error(WarningKind::Odd, &report.path, e, ""),
            ),
            Err(e) => {
                if report.skipped.len() < 1000 {
                    let skipped =
                        InputWarning::from_error(WarningKind::Skipped, &report.path, e, "");
                    report.skipped.push(skipped);
                }
            }
        }
    }
    note_summary(stream.finish(), report)
}

/// Put what the reader says of its reading in the input's report: the form read, and where it
/// was lenient (as warnings naming the input).
fn note_summary(mut summary: StreamSummary, report: &mut InputReport) -> StreamSummary {
    report.form = summary.form.take();
    let path = &report.path;
    report.warnings.extend(summary.notes.drain(..).map(|n| {
        InputWarning::new(
            WarningKind::Lenient,
            Position::default(),
            format!("{path}: {n}"),
        )
    }));
    summary
}
