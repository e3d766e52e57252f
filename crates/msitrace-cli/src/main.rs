//! `msitrace`: the command-line shell over the msitrace library.
//!
//! Argument parsing, choosing the output format, and the exit status (0 no failure found,
//! 1 failure found, 2 usage or input error). All analysis lives in the library.

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use msitrace::analysis::events::{read_events, EventFilter};
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::detect::Format;
use msitrace::event::{Event, Kind, ReadTime};
use msitrace::report::{json, text};
use msitrace::source::msilog::DateOrder;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Diagnose failed Windows installations offline from their logs.
#[derive(Parser, Debug)]
#[command(name = "msitrace", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Find what failed, why, and the evidence, in MSI and Burn logs and event logs (files or folders).
    #[command(
        after_help = "Examples:\n  msitrace analyze install.log\n  msitrace analyze logs/ --format json > report.json\n  msitrace analyze bundle.log bundle_000_pkg.msi.log\n  msitrace analyze Application.evtx System.evtx install.log\n\nExit status: 0 no failure found, 1 failure found, 2 usage or input error."
    )]
    Analyze {
        /// Log files or folders holding them.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// Day/month order of dates in MSI log headers, when the logs cannot tell.
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// Worker threads for reading an EVTX file (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// List the unified events of the inputs (every source format), filtered.
    #[command(
        after_help = "Examples:\n  msitrace events Application.evtx --provider MsiInstaller\n  msitrace events System.evtx --id 7000 --id 7045 --format jsonl\n  msitrace events logs/ --level 2 --since 2016-08-30T00:00:00Z\n\nExit status: 0 listed, 2 usage or input error."
    )]
    Events {
        /// Log files or folders holding them.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = EventsFormat::Table)]
        format: EventsFormat,
        /// Only inputs of this source format (repeatable).
        #[arg(long = "source", value_enum)]
        sources: Vec<SourceArg>,
        /// Only event-log records of this provider (repeatable, case-insensitive).
        #[arg(long = "provider")]
        providers: Vec<String>,
        /// Only event-log records with this event id (repeatable).
        #[arg(long = "id")]
        ids: Vec<u32>,
        /// Only event-log records at this level or more severe (1 critical, 2 error, 3 warning, 4 information).
        #[arg(long)]
        level: Option<u8>,
        /// Only events at or after this time (RFC 3339, e.g. 2016-08-30T15:00:00Z).
        #[arg(long)]
        since: Option<String>,
        /// Only events at or before this time (RFC 3339).
        #[arg(long)]
        until: Option<String>,
        /// Worker threads for reading an EVTX file (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum EventsFormat {
    /// One line per event: time, input, location, kind, summary.
    Table,
    /// One JSON object per line (the unified event model).
    Jsonl,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum SourceArg {
    MsiLog,
    BurnLog,
    Evtx,
    EventXml,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum OutputFormat {
    /// Readable report.
    Text,
    /// Versioned JSON report.
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum DateOrderArg {
    /// M/D/YYYY
    MonthFirst,
    /// D/M/YYYY
    DayFirst,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Analyze {
            inputs,
            format,
            date_order,
            color,
            threads,
        } => {
            let settings = AnalysisSettings {
                date_order: date_order.map(|d| match d {
                    DateOrderArg::MonthFirst => DateOrder::MonthFirst,
                    DateOrderArg::DayFirst => DateOrder::DayFirst,
                }),
                threads,
            };
            let report = analyze_paths(&inputs, &settings);
            for input in &report.inputs {
                if let Some(e) = &input.error {
                    eprintln!("msitrace: {}", text::sanitize(e));
                }
            }
            let rendered = match format {
                OutputFormat::Json => json::render(&report) + "\n",
                OutputFormat::Text => {
                    let stdout_tty = std::io::stdout().is_terminal();
                    let color = match color {
                        ColorChoice::Always => true,
                        ColorChoice::Never => false,
                        ColorChoice::Auto => stdout_tty && std::env::var_os("NO_COLOR").is_none(),
                    };
                    let width = std::env::var("COLUMNS")
                        .ok()
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(120);
                    text::render(&report, &text::TextOptions { color, width })
                }
            };
            let mut out = std::io::stdout().lock();
            if out.write_all(rendered.as_bytes()).is_err() {
                return ExitCode::from(2);
            }
            ExitCode::from(report.exit_status() as u8)
        }
        Command::Events {
            inputs,
            format,
            sources,
            providers,
            ids,
            level,
            since,
            until,
            threads,
        } => list_events(
            inputs, format, sources, providers, ids, level, since, until, threads,
        ),
    }
}

fn parse_time(flag: &str, text: Option<String>) -> Result<Option<DateTime<Utc>>, String> {
    let Some(t) = text else { return Ok(None) };
    DateTime::parse_from_rfc3339(&t)
        .map(|d| Some(d.with_timezone(&Utc)))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S")
                .map(|n| Some(n.and_utc()))
        })
        .map_err(|_| format!("{flag}: '{t}' is not a time like 2016-08-30T15:00:00Z"))
}

#[allow(clippy::too_many_arguments)]
fn list_events(
    inputs: Vec<PathBuf>,
    format: EventsFormat,
    sources: Vec<SourceArg>,
    providers: Vec<String>,
    ids: Vec<u32>,
    level: Option<u8>,
    since: Option<String>,
    until: Option<String>,
    threads: Option<usize>,
) -> ExitCode {
    let (since, until) = match (parse_time("--since", since), parse_time("--until", until)) {
        (Ok(s), Ok(u)) => (s, u),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("msitrace: {e}");
            return ExitCode::from(2);
        }
    };
    let filter = EventFilter {
        formats: sources
            .iter()
            .map(|s| match s {
                SourceArg::MsiLog => Format::MsiLog,
                SourceArg::BurnLog => Format::BurnLog,
                SourceArg::Evtx => Format::Evtx,
                SourceArg::EventXml => Format::EventXml,
            })
            .collect(),
        providers,
        event_ids: ids,
        max_level: level,
        since,
        until,
    };
    let settings = AnalysisSettings {
        threads,
        ..Default::default()
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut broken = false;
    let listed = read_events(&inputs, &settings, &filter, |input, event| {
        if broken {
            return;
        }
        let line = match format {
            EventsFormat::Jsonl => match serde_json::to_string(&event) {
                Ok(line) => line,
                Err(e) => serde_json::json!({ "error": e.to_string() }).to_string(),
            },
            EventsFormat::Table => text::sanitize(&table_line(&input.path, &event)),
        };
        broken = writeln!(out, "{line}").is_err();
    });
    let _ = out.flush();
    let mut failed = false;
    for input in &listed {
        if let Some(e) = &input.error {
            eprintln!("msitrace: {}", text::sanitize(e));
            failed = true;
        }
        for s in input.skipped.iter().take(20) {
            eprintln!(
                "msitrace: {}: skipped: {}",
                text::sanitize(&input.path),
                text::sanitize(s)
            );
        }
        if input.skipped.len() > 20 {
            eprintln!(
                "msitrace: {}: ... and {} more skipped parts",
                text::sanitize(&input.path),
                input.skipped.len() - 20
            );
        }
    }
    if broken || (failed && listed.iter().all(|i| i.error.is_some())) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// `time  input  location  what`.
fn table_line(path: &str, e: &Event) -> String {
    let time = match (&e.time.read, e.time.local_datetime()) {
        (ReadTime::Utc { time }, _) => time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        (_, Some(local)) => local.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
        (ReadTime::Local { time, .. }, None) => time.format("%H:%M:%S%.3f").to_string(),
        (ReadTime::None, None) => "-".to_string(),
    };
    let name = std::path::Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    let what = match &e.kind {
        Kind::EventRecord(r) => {
            let mut s = format!("L{} {}", r.level, r.summary_line());
            if let Some(m) = r.meaning.as_deref() {
                if let Ok(v) = serde_json::to_value(m) {
                    if let Some(w) = v.get("what").and_then(|w| w.as_str()) {
                        s = format!("{s}  <{w}>");
                    }
                }
            }
            s
        }
        _ => e.first_line().to_string(),
    };
    format!("{time}  {name}  {}  {what}", e.at)
}
