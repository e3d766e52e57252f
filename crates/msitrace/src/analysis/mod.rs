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

mod bundles;
pub mod burn;
pub mod capture;
pub mod chain;
pub mod diagnose;
pub mod eventlog;
pub mod events;
pub mod msi;
pub mod process_tree;
pub mod progress;
pub mod signals;

use crate::clock::{self, ClockInput, TimeBasis};
use crate::detect::{collect_inputs, detect_bytes, Detected, Format, SNIFF_LEN};
use crate::event::{Event, Kind};
use crate::report::{
    Finding, InputReport, InputStatus, RecordCounts, Report, Severity, SCHEMA_VERSION,
};
use crate::rules::model::SourceClass;
use crate::source::burn::BurnLogParser;
use crate::source::eventxml::EventXmlParser;
use crate::source::evtx::{EvtxSettings, EvtxSource, Keep};
use crate::source::msilog::{DateOrder, HeaderDate, MsiLogParser, MsiLogSettings};
use crate::source::procmon::CaptureSettings;
use crate::source::procmon_csv::{self, CaptureRead};
use crate::source::procmon_xml::ProcmonXmlParser;
use crate::text::{LineReader, TextEncoding};
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

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
}

/// An input that could not be analysed.
#[derive(Debug, thiserror::Error)]
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
    /// Not a format msitrace knows.
    #[error("{path}: not a recognised log (expected a Windows Installer log, a WiX Burn log, an EVTX file, an event-log XML export or a Process Monitor CSV/XML export)")]
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
    for path in files {
        match detect_file(&path) {
            Ok(d) if d.format == Format::Zip => {
                bundles::plan(&path, settings, &mut inputs, &mut opened_bundles)
            }
            Ok(d) if d.format.is_supported() => inputs.push(Planned {
                shown: path.display().to_string(),
                path,
                detected: Some(d),
                error: None,
            }),
            Ok(d) => {
                let shown = path.display().to_string();
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
    let order = settings.date_order.or_else(|| infer_date_order(&inputs));
    let progress = progress::Progress::start(settings.progress.clone(), &inputs);
    let parsed: Vec<Parsed> = inputs
        .par_iter()
        .enumerate()
        .map(|(id, planned)| parse_input(id as u32, planned, order, settings.threads, &progress))
        .collect();
    progress.finish();
    drop(opened_bundles);
    assemble(parsed, settings)
}

/// One input as planned: its path and what detection said.
struct Planned {
    /// Where to read it (for a bundle entry, its copy in the bundle's private folder).
    path: PathBuf,
    /// How it is named in the report (for a bundle entry, `bundle.zip!/name`).
    shown: String,
    detected: Option<Detected>,
    error: Option<InputError>,
}

impl Planned {
    fn failed(path: &Path, error: InputError) -> Self {
        Planned {
            path: path.to_path_buf(),
            shown: path.display().to_string(),
            detected: None,
            error: Some(error),
        }
    }
}

/// What parsing one input produced.
struct Parsed {
    report: InputReport,
    content: Content,
}

enum Content {
    None,
    Msi(Vec<msi::SessionFacts>),
    Burn(Box<burn::BundleTracker>),
    EventLog(Box<eventlog::EventLogFacts>),
    Capture(Box<(crate::report::CaptureReport, Vec<Finding>, Vec<Event>)>),
}

fn parse_input(
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
        status: InputStatus::Analyzed,
        lines: 0,
        events: 0,
        warnings: Vec::new(),
        skipped: Vec::new(),
        records: None,
        error: None,
    };
    if let Some(err) = &planned.error {
        report.status = match err {
            InputError::Unsupported { .. } => InputStatus::Unsupported,
            InputError::Unrecognized { .. }
            | InputError::Empty { .. }
            | InputError::Skipped { .. } => InputStatus::Unrecognized,
            InputError::Io { .. } | InputError::Bundle(_) | InputError::Refused { .. } => {
                InputStatus::Error
            }
        };
        report.error = Some(err.to_string());
        return Parsed {
            report,
            content: Content::None,
        };
    }
    let detected = planned
        .detected
        .expect("planned inputs without error are detected");
    let encoding = detected.encoding.unwrap_or(TextEncoding::Utf8);
    let file = match File::open(&planned.path) {
        Ok(f) => BufReader::with_capacity(1 << 16, progress.reader(f)),
        Err(source) => {
            report.status = InputStatus::Error;
            report.error = Some(InputError::Io { path, source }.to_string());
            return Parsed {
                report,
                content: Content::None,
            };
        }
    };
    let content = match detected.format {
        Format::MsiLog => {
            let settings = MsiLogSettings {
                date_order: order,
                screen: Some(signals::clue_screen().clone()),
                ..Default::default()
            };
            let mut parser = MsiLogParser::new(file, encoding, id, settings).read_ahead();
            let mut tracker = msi::SessionTracker::new(id, &path);
            while let Some(entry) = parser.next_entry() {
                match entry {
                    Ok(entry) => {
                        report.events += 1;
                        tracker.push_entry(entry);
                    }
                    Err(e) => report
                        .warnings
                        .push(format!("{path}: {e}; the rest of the input was skipped")),
                }
            }
            report.lines = parser.lines_read();
            report.warnings.extend(
                parser
                    .warnings()
                    .iter()
                    .map(|w| format!("{path}:{}: {}", w.line, w.message)),
            );
            Content::Msi(tracker.finish())
        }
        Format::BurnLog => {
            let mut parser = BurnLogParser::new(file, encoding, id);
            let mut tracker = burn::BundleTracker::new(id, &path);
            feed(parser.by_ref(), &mut report, |event| tracker.push(event));
            report.lines = parser.lines_read();
            Content::Burn(Box::new(tracker))
        }
        Format::Evtx => {
            let settings = EvtxSettings {
                threads: threads.unwrap_or(0),
                keep: Keep::OfInterest,
            };
            let mut source = EvtxSource::new(file, id, settings);
            let mut tracker = eventlog::EventLogTracker::new(&path);
            feed_records(source.by_ref(), &mut report, |e| tracker.push(e));
            let stats = source.stats();
            report.records = Some(RecordCounts {
                read: stats.records,
                decoded: stats.decoded,
                counted: stats.counted.clone(),
                skipped: stats.skipped_records,
            });
            Content::EventLog(Box::new(tracker.finish()))
        }
        Format::EventXml => {
            let mut parser = EventXmlParser::new(file, encoding, id);
            let mut tracker = eventlog::EventLogTracker::new(&path);
            feed_records(parser.by_ref(), &mut report, |e| tracker.push(e));
            report.lines = parser.lines_read();
            report.records = Some(RecordCounts {
                read: parser.records_read(),
                decoded: parser.records_read(),
                counted: Default::default(),
                skipped: report.skipped.len() as u64,
            });
            Content::EventLog(Box::new(tracker.finish()))
        }
        Format::ProcmonCsv => {
            drop(file);
            let threads = crate::parallel::resolve_threads(threads.unwrap_or(0));
            let settings = CaptureSettings::default();
            match procmon_csv::read_file(&planned.path, id, settings, threads) {
                Ok(read) => capture_content(&mut report, &path, read),
                Err(e) => {
                    report.status = InputStatus::Error;
                    report.error = Some(format!("{path}: {e}"));
                    Content::None
                }
            }
        }
        Format::ProcmonXml => {
            let mut parser = ProcmonXmlParser::new(file, id, CaptureSettings::default());
            let mut read = CaptureRead::default();
            for item in parser.by_ref() {
                match item {
                    Ok(e) => read.events.push(e),
                    Err(e) if read.errors.len() < procmon_csv::MAX_ERRORS => read.errors.push(e),
                    Err(_) => {}
                }
            }
            read.tally = parser.into_tally();
            capture_content(&mut report, &path, read)
        }
        _ => Content::None,
    };
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
            first.map_or("", String::as_str)
        ));
    }
    Parsed { report, content }
}

/// Analyse a capture read from a Process Monitor export; row errors become warnings.
fn capture_content(report: &mut InputReport, path: &str, read: CaptureRead) -> Content {
    report.events = read.events.len() as u64;
    report.lines = read.lines;
    for e in &read.errors {
        report.warnings.push(format!("{path}: {e}"));
    }
    let bad = read.tally.bad_rows;
    if bad > read.errors.len() as u64 {
        report.warnings.push(format!(
            "{path}: {} more bad row(s) skipped",
            bad - read.errors.len() as u64
        ));
    }
    let (capture, findings) = capture::analyze(report.id, path, &read);
    Content::Capture(Box::new((capture, findings, read.events)))
}

/// Run a parser to its end, handing each event on; errors become warnings naming the input.
fn feed(
    parser: impl Iterator<Item = Result<crate::event::Event, crate::source::SourceError>>,
    report: &mut InputReport,
    mut take: impl FnMut(crate::event::Event),
) {
    for item in parser {
        match item {
            Ok(event) => {
                report.events += 1;
                take(event);
            }
            Err(e) => report.warnings.push(format!(
                "{}: {e}; the rest of the input was skipped",
                report.path
            )),
        }
    }
}

/// Run an event-log source to its end: a damaged record or chunk is listed as skipped and the
/// reading goes on; a damaged file header is a warning.
fn feed_records(
    source: impl Iterator<Item = Result<crate::event::Event, crate::source::SourceError>>,
    report: &mut InputReport,
    mut take: impl FnMut(crate::event::Event),
) {
    for item in source {
        match item {
            Ok(event) => {
                report.events += 1;
                take(event);
            }
            Err(e @ crate::source::SourceError::EvtxHeader { .. }) => {
                report.warnings.push(format!("{}: {e}", report.path))
            }
            Err(e) => {
                if report.skipped.len() < 1000 {
                    report.skipped.push(format!("{}: {e}", report.path));
                }
            }
        }
    }
}

/// Decide the day/month order of MSI header dates from evidence in the inputs: a header date that
/// proves its order (a day above 12), or a Burn log's ISO date matching one reading.
fn infer_date_order(inputs: &[Planned]) -> Option<DateOrder> {
    let mut proven = Vec::new();
    let mut ambiguous = Vec::new();
    let mut burn_dates = Vec::new();
    for p in inputs.iter().filter(|p| p.error.is_none()) {
        let Some(d) = p.detected else { continue };
        match d.format {
            Format::MsiLog => {
                for date in header_dates(&p.path, d.encoding.unwrap_or(TextEncoding::Utf8)) {
                    match date.implied_order() {
                        Some(o) if !date.is_ambiguous() => proven.push(o),
                        _ => ambiguous.push(date),
                    }
                }
            }
            Format::BurnLog => burn_dates.extend(burn_first_date(
                &p.path,
                d.encoding.unwrap_or(TextEncoding::Utf8),
            )),
            _ => {}
        }
    }
    proven.sort_by_key(|o| *o as u8);
    proven.dedup();
    if proven.len() == 1 {
        return proven.first().copied();
    }
    for date in ambiguous {
        let (md, dm) = date.readings();
        let md_hit = md.is_some_and(|d| burn_dates.contains(&d));
        let dm_hit = dm.is_some_and(|d| burn_dates.contains(&d));
        if md_hit != dm_hit {
            return Some(if md_hit {
                DateOrder::MonthFirst
            } else {
                DateOrder::DayFirst
            });
        }
    }
    None
}

/// Header dates in the first lines of an MSI log (cheap: reads at most the sniff length).
fn header_dates(path: &Path, encoding: TextEncoding) -> Vec<HeaderDate> {
    let Ok(file) = File::open(path) else {
        return Vec::new();
    };
    let mut reader = LineReader::new(file.take(SNIFF_LEN as u64 * 4), encoding);
    let mut out = Vec::new();
    while let Ok(Some(line)) = reader.next_line() {
        let t = line.text.trim_start_matches('\u{feff}');
        if let Some(rest) = t.strip_prefix("=== ") {
            if let Some(at) = rest.find("started: ") {
                if let Some(d) = rest[at + 9..]
                    .split_whitespace()
                    .next()
                    .and_then(HeaderDate::parse)
                {
                    out.push(d);
                }
            }
        }
    }
    out
}

fn burn_first_date(path: &Path, encoding: TextEncoding) -> Option<chrono::NaiveDate> {
    let file = File::open(path).ok()?;
    let mut reader = LineReader::new(file.take(SNIFF_LEN as u64), encoding);
    let line = reader.next_line().ok()??;
    let text = line.text.trim_start_matches('\u{feff}');
    let at = text.find("][")?;
    chrono::NaiveDate::parse_from_str(text.get(at + 2..at + 12)?, "%Y-%m-%d").ok()
}

/// Event-log and capture findings that repeat a session's failure join it instead of standing
/// alone: one that cites evidence the session's finding already cites adds its other evidence as
/// context; the installer process exiting with the session's exit status is cited as outcome.
fn fold_into_sessions(others: Vec<Finding>, findings: &mut [Finding]) -> Vec<Finding> {
    let same = |a: &crate::report::Evidence, b: &crate::report::Evidence| {
        a.input == b.input && a.line == b.line && a.record == b.record && a.row == b.row
    };
    let mut rest = Vec::new();
    for f in others {
        let overlapping = findings.iter().position(|s| {
            s.session.is_some()
                && s.severity == Severity::Error
                && f.evidence
                    .iter()
                    .any(|e| s.evidence.iter().any(|c| same(c, e)))
        });
        let exit = (f.id == "procmon.installer-exit")
            .then(|| f.codes.first().copied())
            .flatten();
        let by_exit = exit.and_then(|code| {
            findings.iter().position(|s| {
                s.session.is_some() && s.severity == Severity::Error && s.codes.contains(&code)
            })
        });
        let (owner, role) = match (overlapping, by_exit) {
            (Some(i), _) => (i, crate::report::EvidenceRole::Context),
            (None, Some(i)) => (i, crate::report::EvidenceRole::Outcome),
            (None, None) => {
                rest.push(f);
                continue;
            }
        };
        let s = &mut findings[owner];
        for mut e in f.evidence {
            if !s.evidence.iter().any(|c| same(c, &e)) {
                e.role = role;
                s.evidence.push(e);
            }
        }
    }
    rest
}

/// Say which installer action was running when a capture finding's first operation failed (when
/// the operation is the installer server's and the clocks are aligned), citing the action's start.
fn name_running_actions(
    findings: &mut [Finding],
    facts: &[msi::SessionFacts],
    kept: &[KeptInput],
    inputs: &[InputReport],
    captures: &[crate::report::CaptureReport],
) {
    for f in findings.iter_mut() {
        let Some(first) = f.evidence.first() else {
            continue;
        };
        let Some(input) = inputs.iter().find(|i| i.path == first.input).map(|i| i.id) else {
            continue;
        };
        let Some(row) = first.row else { continue };
        let op = kept
            .iter()
            .filter(|k| k.input == input)
            .flat_map(|k| k.events.iter())
            .find(|e| e.at == crate::event::Location::Row(row));
        let Some(op) = op else { continue };
        let ancestors = ancestors_of(op, row, captures.iter().find(|c| c.input == input));
        let running = facts
            .iter()
            .find_map(|s| s.action_at(op, &ancestors).map(|start| (s, start)));
        let Some((session, start)) = running else {
            continue;
        };
        let Kind::MsiAction { name, .. } = &start.kind else {
            continue;
        };
        let place = crate::report::Evidence::new(
            &session.report.path,
            start.at,
            start.first_line(),
            crate::report::EvidenceRole::Context,
        );
        let what = match &session.report.product {
            Some(p) => format!("the {} of {p}", session.report.operation),
            None => format!("the {}", session.report.operation),
        };
        f.summary.push_str(&format!(
            " It happened during action {name} of {what} ({}).",
            place.place()
        ));
        f.evidence.push(place);
    }
}

/// The PIDs above an operation's process in its capture's process tree, nearest first.
fn ancestors_of(op: &Event, row: u64, capture: Option<&crate::report::CaptureReport>) -> Vec<u32> {
    let (Some(capture), Some(pid)) = (capture, op.process.as_ref().map(|p| p.pid)) else {
        return Vec::new();
    };
    let Some(at) = capture.process_at(pid, row) else {
        return Vec::new();
    };
    capture
        .lineage(at)
        .into_iter()
        .skip(1)
        .map(|i| capture.processes[i].pid)
        .collect()
}

/// The events kept from one event-log or capture input.
struct KeptInput {
    input: u32,
    source: SourceClass,
    events: Vec<Event>,
}

/// Put every input on one UTC timeline (see [`crate::clock`]) and fill the kept events' aligned
/// times; returns each input's clock for the report.
fn align_clocks(
    inputs: &[InputReport],
    facts: &mut [msi::SessionFacts],
    kept: &mut [KeptInput],
    trackers: &mut [Box<burn::BundleTracker>],
    settings: &AnalysisSettings,
) -> Vec<clock::InputClock> {
    let mut clock_inputs: Vec<ClockInput<'_>> = Vec::new();
    for input in inputs.iter().filter(|i| i.status == InputStatus::Analyzed) {
        let basis = match input.format {
            Some(Format::Evtx | Format::EventXml) => TimeBasis::Utc,
            Some(Format::MsiLog | Format::BurnLog | Format::ProcmonCsv | Format::ProcmonXml) => {
                TimeBasis::Local
            }
            _ => continue,
        };
        let mut events: Vec<&Event> = facts
            .iter()
            .filter(|f| f.report.input == input.id)
            .flat_map(msi::SessionFacts::events)
            .collect();
        events.extend(
            kept.iter()
                .filter(|k| k.input == input.id)
                .flat_map(|k| k.events.iter()),
        );
        events.extend(
            trackers
                .iter()
                .filter(|t| t.input() == input.id)
                .flat_map(|t| t.kept()),
        );
        clock_inputs.push(ClockInput {
            input: input.id,
            basis,
            events,
        });
    }
    let clocks = clock::align(
        &clock_inputs,
        clock::ClockSettings {
            utc_offset_seconds: settings.utc_offset_seconds,
            timezone: settings.timezone,
        },
    );
    drop(clock_inputs);
    for c in &clocks {
        for f in facts.iter_mut().filter(|f| f.report.input == c.input) {
            f.for_each_event_mut(|events| clock::apply(events, c));
        }
        for k in kept.iter_mut().filter(|k| k.input == c.input) {
            clock::apply(&mut k.events, c);
        }
        for t in trackers.iter_mut().filter(|t| t.input() == c.input) {
            t.for_each_event_mut(|events| clock::apply(events, c));
        }
    }
    clocks
}

/// The kept events of every session, as the rules see them.
pub fn rule_subjects(facts: &[msi::SessionFacts]) -> Vec<crate::rules::Subject<'_>> {
    use crate::rules::model::SourceClass;
    let mut out = Vec::new();
    for (index, f) in facts.iter().enumerate() {
        let product = f.report.product.as_deref();
        let subject = |event, in_failing_action| crate::rules::Subject {
            event,
            source: SourceClass::MsiLog,
            session: Some(index),
            in_failing_action,
            product,
        };
        out.extend(f.settings.iter().map(|e| subject(e, false)));
        out.extend(f.earlier.iter().map(|e| subject(e, false)));
        out.extend(f.window.iter().map(|e| subject(e, true)));
        out.extend(f.failure_point.iter().map(|e| subject(e, true)));
        out.extend(f.outcome_events.iter().map(|e| subject(e, false)));
        out.extend(f.file_in_use.iter().map(|e| subject(e, false)));
    }
    out
}

/// Point a bundle finding at the findings of the package sessions it ran.
fn explain_by_packages(
    finding: &mut Finding,
    bundle: &crate::report::BundleReport,
    sessions: &[crate::report::SessionReport],
    session_findings: &[Finding],
) {
    for log in &bundle.package_logs {
        let Some(input) = log.input else { continue };
        for (index, _) in sessions
            .iter()
            .enumerate()
            .filter(|(_, s)| s.input == input)
        {
            if let Some(cause) = session_findings
                .iter()
                .find(|f| f.session == Some(index) && f.severity == Severity::Error)
            {
                finding.summary.push_str(&format!(
                    " Package {} failed: {} (see its finding '{}').",
                    log.package, cause.title, cause.id
                ));
            }
        }
    }
}

/// Build the report: sessions, bundles linked to their package logs, findings in order.
fn assemble(parsed: Vec<Parsed>, settings: &AnalysisSettings) -> Report {
    let mut inputs = Vec::new();
    let mut facts: Vec<msi::SessionFacts> = Vec::new();
    let mut trackers = Vec::new();
    let mut install_failures = Vec::new();
    let mut eventlog_findings = Vec::new();
    let mut captures = Vec::new();
    let mut capture_findings = Vec::new();
    // Kept events of the event logs and captures, per input.
    let mut kept: Vec<KeptInput> = Vec::new();
    for p in parsed {
        match p.content {
            Content::Msi(f) => facts.extend(f),
            Content::Burn(t) => trackers.push(t),
            Content::EventLog(facts) => {
                let facts = *facts;
                install_failures.extend(facts.install_failures);
                eventlog_findings.extend(facts.findings);
                kept.push(KeptInput {
                    input: p.report.id,
                    source: SourceClass::EventLog,
                    events: facts.events,
                });
            }
            Content::Capture(c) => {
                let (capture, findings, events) = *c;
                captures.push(capture);
                capture_findings.extend(findings);
                kept.push(KeptInput {
                    input: p.report.id,
                    source: SourceClass::Procmon,
                    events,
                });
            }
            Content::None => {}
        }
        inputs.push(p.report);
    }
    let clocks = align_clocks(&inputs, &mut facts, &mut kept, &mut trackers, settings);
    let paths: Vec<String> = inputs.iter().map(|i| i.path.clone()).collect();
    let mut subjects = rule_subjects(&facts);
    for k in &kept {
        subjects.extend(k.events.iter().map(|event| crate::rules::Subject {
            event,
            source: k.source,
            session: None,
            in_failing_action: false,
            product: None,
        }));
    }
    let mut timeline = crate::report::timeline::collect(&subjects, &paths);
    crate::report::timeline::add(
        &mut timeline,
        trackers.iter().flat_map(|t| t.kept()),
        &paths,
    );
    let matches =
        crate::rules::evaluate_rules(crate::rules::active(settings.rules.as_deref()), &subjects);
    let ctx = diagnose::RuleContext {
        matches: &matches,
        subjects: &subjects,
        paths: &paths,
    };
    let mut session_findings: Vec<Finding> = Vec::new();
    for (index, f) in facts.iter().enumerate() {
        session_findings.extend(diagnose::session_findings(f, index, &ctx));
    }
    // Matches outside every installer session stand on their own, unless the event-log or capture
    // analysis already reports the same evidence.
    let cited: Vec<&crate::report::Evidence> = eventlog_findings
        .iter()
        .chain(&capture_findings)
        .flat_map(|f| f.evidence.iter())
        .collect();
    for m in &matches {
        if m.hits.iter().all(|h| subjects[h.subject].session.is_none()) {
            let finding = diagnose::rule_finding(m, &ctx);
            let repeated = finding.evidence.iter().all(|e| {
                cited.iter().any(|c| {
                    c.input == e.input && c.line == e.line && c.record == e.record && c.row == e.row
                })
            });
            if !repeated {
                session_findings.push(finding);
            }
        }
    }
    let mut sessions: Vec<crate::report::SessionReport> =
        facts.iter().map(|f| f.report.clone()).collect();
    let mut bundles = Vec::new();
    let mut bundle_findings = Vec::new();
    for t in trackers {
        let index = bundles.len();
        let (mut bundle, finding) = t.finish(index);
        for log in &mut bundle.package_logs {
            let name = log
                .path
                .rsplit(['\\', '/'])
                .next()
                .unwrap_or(&log.path)
                .to_ascii_lowercase();
            log.input = inputs
                .iter()
                .find(|i: &&InputReport| {
                    Path::new(&i.path)
                        .file_name()
                        // Collected logs are often renamed with a prefix (`Machine1_<name>`).
                        .is_some_and(|f| f.to_string_lossy().to_ascii_lowercase().ends_with(&name))
                })
                .map(|i| i.id);
            if let Some(input) = log.input {
                for s in sessions.iter_mut().filter(|s| s.input == input) {
                    s.bundle = Some(index);
                }
            }
        }
        let mut finding = finding;
        if let Some(f) = finding.as_mut() {
            explain_by_packages(f, &bundle, &sessions, &session_findings);
        }
        bundles.push(bundle);
        bundle_findings.extend(finding);
    }
    // Root causes first: errors before warnings; within errors, the more certain first; a bundle's
    // failure comes after the package failures it results from.
    let unexplained = eventlog::link_sessions(install_failures, &sessions, &mut session_findings);
    let mut findings = session_findings;
    findings.extend(bundle_findings);
    findings.extend(unexplained);
    let eventlog_findings = fold_into_sessions(eventlog_findings, &mut findings);
    findings.extend(eventlog_findings);
    let mut capture_findings = fold_into_sessions(capture_findings, &mut findings);
    name_running_actions(&mut capture_findings, &facts, &kept, &inputs, &captures);
    findings.extend(capture_findings);
    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.bundle.is_some().cmp(&b.bundle.is_some()))
            .then(a.confidence.cmp(&b.confidence))
    });
    let failed = findings.iter().any(|f| f.severity == Severity::Error);
    let index = chain::EventIndex::new(
        &inputs,
        facts
            .iter()
            .flat_map(msi::SessionFacts::events)
            .chain(kept.iter().flat_map(|k| k.events.iter())),
    );
    let (graph, chains) = chain::build(&findings, &sessions, &captures, &index);
    let graph = (!chains.is_empty()).then(|| graph.report(&chains));
    drop(index);
    let verdict = crate::report::Verdict::of(&inputs, &findings);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("msitrace {}", env!("CARGO_PKG_VERSION")),
        inputs,
        sessions,
        bundles,
        captures,
        clock: clocks,
        findings,
        graph,
        failed,
        verdict,
        timeline,
    }
}
