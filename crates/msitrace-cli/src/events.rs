//! `msitrace events`: the events `analyze` keeps, of every input, as one timeline in time order on
//! the aligned clock (the same inputs, bundles and clock as `analyze`), filtered by text, kind,
//! session, source, provider, event id, level and time.

use chrono::{DateTime, Duration, Utc};
use clap::{Args, ValueEnum};
use msitrace::analysis::{analyze_paths, AnalysisSettings, Report, TimelineEntry, Verdict};
use msitrace::event::{level_by_name, Kind, ReadTime};
use msitrace::report::text::sanitize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `events`.
#[derive(Args, Debug)]
pub struct EventsArgs {
    /// Log files, folders holding them, or .zip bundles of them.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, ignore_case = true, default_value_t = EventsFormat::Table)]
    pub format: EventsFormat,
    /// Only events whose text contains this (case-insensitive; repeatable: any of).
    #[arg(long = "text", value_name = "TEXT")]
    pub texts: Vec<String>,
    /// Only events of this kind, as rules name kinds (msi_action, msi_message, event_record,
    /// operation, process_start, ...; repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// Only events of this installer session (its number in the `analyze` report; repeatable).
    #[arg(long = "session", value_name = "N")]
    pub sessions: Vec<usize>,
    /// Only events of inputs of this family, as rules name them (repeatable).
    #[arg(long = "source", value_enum, ignore_case = true)]
    pub sources: Vec<SourceArg>,
    /// Only event-log records of this provider (repeatable, case-insensitive).
    #[arg(long = "provider")]
    pub providers: Vec<String>,
    /// Only event-log records with this event id (repeatable).
    #[arg(long = "id")]
    pub ids: Vec<u32>,
    /// Only event-log records at this level or more severe: critical, error, warning,
    /// information, verbose (or 1 to 5).
    #[arg(long, value_parser = parse_level)]
    pub level: Option<u8>,
    /// Only events at or after this UTC time (RFC 3339, e.g. 2016-08-30T15:00:00Z, or without
    /// a zone, read as UTC); compared with the aligned time.
    #[arg(long, value_parser = parse_time)]
    pub since: Option<DateTime<Utc>>,
    /// Only events at or before this UTC time (as --since).
    #[arg(long, value_parser = parse_time)]
    pub until: Option<DateTime<Utc>>,
    /// Worker threads for the pieces of one input (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
}

/// Output of `events`.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum EventsFormat {
    /// A table with a header: aligned UTC time, local time, input, place, kind, text.
    Table,
    /// One JSON object per line (the unified event model, as `analyze --format jsonl`).
    Jsonl,
}

/// Input families, named as rule files name them (`source = "msilog"`).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceArg {
    /// Windows Installer logs.
    #[value(alias = "msi-log")]
    Msilog,
    /// WiX Burn logs.
    #[value(alias = "burn-log")]
    Burnlog,
    /// Event logs: EVTX, XML exports, text copies.
    #[value(alias = "evtx", alias = "event-xml", alias = "event-text")]
    Eventlog,
    /// Process Monitor captures and exports.
    #[value(alias = "procmon-csv", alias = "procmon-xml", alias = "procmon-text")]
    Procmon,
    /// ConfigMgr/Intune, package-manager and product setup logs.
    #[value(alias = "configmgr-log", alias = "deployment-log", alias = "setup-log")]
    Toollog,
}

impl SourceArg {
    fn family(self) -> &'static str {
        match self {
            SourceArg::Msilog => "msilog",
            SourceArg::Burnlog => "burnlog",
            SourceArg::Eventlog => "eventlog",
            SourceArg::Procmon => "procmon",
            SourceArg::Toollog => "toollog",
        }
    }
}

fn parse_level(text: &str) -> Result<u8, String> {
    level_by_name(text).ok_or_else(|| {
        format!("'{text}' is not a level: critical, error, warning, information, verbose or 1-5")
    })
}

/// RFC 3339, or a date and time without a zone (read as UTC), or a date alone (its midnight UTC).
fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            [
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%d %H:%M:%S%.f",
                "%Y-%m-%dT%H:%M",
            ]
            .iter()
            .find_map(|f| chrono::NaiveDateTime::parse_from_str(t, f).ok())
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            })
            .map(|n| n.and_utc())
            .ok_or(())
        })
        .map_err(|_| format!("'{t}' is not a time like 2016-08-30T15:00:00Z"))
}

/// The filters, checked on one timeline entry.
struct Filter<'a> {
    args: &'a EventsArgs,
    texts: Vec<String>,
}

impl Filter<'_> {
    fn matches(&self, report: &Report, entry: &TimelineEntry, text: &str) -> bool {
        let a = self.args;
        let e = &entry.event;
        if !a.sources.is_empty() {
            let family = report
                .inputs
                .get(e.input as usize)
                .and_then(|i| i.format)
                .map(|f| f.family());
            if !a.sources.iter().any(|s| Some(s.family()) == family) {
                return false;
            }
        }
        if !a.kinds.is_empty() {
            let kind = msitrace::rules::model::kind_name(e);
            if !a.kinds.iter().any(|k| k.eq_ignore_ascii_case(kind)) {
                return false;
            }
        }
        if !a.sessions.is_empty() && !entry.session.is_some_and(|s| a.sessions.contains(&(s + 1))) {
            return false;
        }
        let records_only = !a.providers.is_empty() || !a.ids.is_empty() || a.level.is_some();
        match &e.kind {
            Kind::EventRecord(r) => {
                if !a.providers.is_empty()
                    && !a
                        .providers
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(&r.provider))
                {
                    return false;
                }
                if !a.ids.is_empty() && !a.ids.contains(&r.event_id) {
                    return false;
                }
                // Level 0 ("log always") is shown by Event Viewer as information.
                let level = if r.level == 0 { 4 } else { r.level };
                if a.level.is_some_and(|max| level > max) {
                    return false;
                }
            }
            _ if records_only => return false,
            _ => {}
        }
        if a.since.is_some() || a.until.is_some() {
            let Some(t) = e.time.aligned else {
                return false;
            };
            if a.since.is_some_and(|s| t < s) || a.until.is_some_and(|u| t > u) {
                return false;
            }
        }
        if !self.texts.is_empty() {
            let lower = text.to_lowercase();
            if !self.texts.iter().any(|t| lower.contains(t)) {
                return false;
            }
        }
        true
    }
}

/// Run `events`.
pub fn run(args: &EventsArgs, settings: AnalysisSettings) -> ExitCode {
    let settings = AnalysisSettings {
        threads: args.threads,
        ..settings
    };
    for k in &args.kinds {
        if !msitrace::rules::model::KINDS.contains(&k.to_ascii_lowercase().as_str()) {
            eprintln!(
                "msitrace: --kind {k}: not a kind (one of: {})",
                msitrace::rules::model::KINDS.join(", ")
            );
            return ExitCode::from(2);
        }
    }
    let report = analyze_paths(&args.inputs, &settings);
    for input in &report.inputs {
        if let Some(e) = &input.error {
            eprintln!("msitrace: {}", sanitize(e));
        }
    }
    if report.verdict == Verdict::NothingAnalysed {
        eprintln!(
            "msitrace: nothing analysed: {}",
            report.verdict.reason(&report.inputs)
        );
        return ExitCode::from(2);
    }
    let filter = Filter {
        args,
        texts: args.texts.iter().map(|t| t.to_lowercase()).collect(),
    };
    let order = msitrace::analysis::timeline_in_time_order(&report.timeline);
    let machine_offset = machine_offset(&report);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut lines: Vec<[String; 6]> = Vec::new();
    let mut listed = 0usize;
    let unaligned_left_out = if args.since.is_some() || args.until.is_some() {
        report
            .timeline
            .iter()
            .filter(|t| t.event.time.aligned.is_none())
            .count()
    } else {
        0
    };
    for i in order {
        let entry = &report.timeline[i];
        let text = entry.event.describe();
        if !filter.matches(&report, entry, &text) {
            continue;
        }
        listed += 1;
        match args.format {
            EventsFormat::Jsonl => {
                let line = serde_json::to_string(entry)
                    .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string());
                if writeln!(out, "{line}").is_err() {
                    return ExitCode::from(2);
                }
            }
            EventsFormat::Table => lines.push(row(&report, entry, &text, machine_offset)),
        }
    }
    if let EventsFormat::Table = args.format {
        if write_table(&mut out, &lines).is_err() {
            return ExitCode::from(2);
        }
    }
    if out.flush().is_err() {
        return ExitCode::from(2);
    }
    if unaligned_left_out > 0 {
        eprintln!(
            "msitrace: {unaligned_left_out} events without an aligned time were left out by --since/--until"
        );
    }
    if listed == 0 {
        eprintln!("msitrace: no event matches the filters");
    }
    ExitCode::SUCCESS
}

/// The machine's offset from UTC, when every local-time input that has one agrees.
fn machine_offset(report: &Report) -> Option<i32> {
    let mut offsets = report.clock.iter().filter_map(|c| {
        let local = report
            .inputs
            .get(c.input as usize)
            .and_then(|i| i.format)
            .is_some_and(|f| f.family() != "eventlog");
        local.then_some(c.offset_seconds).flatten()
    });
    let first = offsets.next()?;
    offsets.all(|o| o == first).then_some(first)
}

/// One table row: UTC, local, input, place, kind, text.
fn row(report: &Report, entry: &TimelineEntry, text: &str, machine: Option<i32>) -> [String; 6] {
    let e = &entry.event;
    let utc = e
        .time
        .aligned
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|| "(not aligned)".into());
    let offset = report
        .clock
        .iter()
        .find(|c| c.input == e.input)
        .and_then(|c| c.offset_seconds);
    let local = match (&e.time.read, e.time.aligned) {
        (ReadTime::Utc { .. }, Some(t)) => machine
            .map(|o| (t + Duration::seconds(o.into())).naive_utc())
            .map(|l| l.format("%Y-%m-%d %H:%M:%S%.3f").to_string()),
        (ReadTime::Local { .. }, Some(t)) if offset.is_some() => offset
            .map(|o| (t + Duration::seconds(o.into())).naive_utc())
            .map(|l| l.format("%Y-%m-%d %H:%M:%S%.3f").to_string()),
        (ReadTime::Local { .. }, _) => entry.time_text(),
        _ => None,
    }
    .unwrap_or_else(|| "-".into());
    let name = std::path::Path::new(&entry.path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| entry.path.clone());
    let input = sanitize(&format!("#{} {name}", e.input + 1));
    let kind = msitrace::rules::model::kind_name(e).to_string();
    [utc, local, input, e.at.to_string(), kind, sanitize(text)]
}

/// The table, columns aligned, with a header and a key to the inputs.
fn write_table(out: &mut impl Write, rows: &[[String; 6]]) -> std::io::Result<()> {
    let header = ["UTC", "LOCAL", "INPUT", "AT", "KIND", "TEXT"].map(String::from);
    let mut widths = [0usize; 5];
    for r in std::iter::once(&header).chain(rows) {
        for (w, cell) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for r in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (w, cell) in widths.iter().zip(r.iter()) {
            line.push_str(cell);
            line.push_str(&" ".repeat(w - cell.chars().count() + 2));
        }
        line.push_str(&r[5]);
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
