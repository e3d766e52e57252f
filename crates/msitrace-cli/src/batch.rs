//! `msitrace batch`: one bundle per machine across a fleet (the library's `msitrace::fleet`),
//! machine records streamed as JSON lines, the fleet summary in text, Markdown, HTML or JSON, a
//! progress bar with an ETA on a terminal, and the `--fail-on` exit status over every machine.

use crate::output::FailOn;
use msitrace::findings::Severity;
use msitrace::fleet::{analyze_fleet, find_bundles, render, FleetSettings, FleetSummary};
use msitrace::report::text::sanitize;
use msitrace::AnalysisSettings;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `batch`.
#[derive(clap::Args, Debug)]
pub struct BatchArgs {
    /// Folders of bundles (each .zip, sub-folder or log file in them is one machine), or bundles.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Write one JSON line per machine (machine, inputs, sessions, findings, errors) to FILE
    /// ('-' for stdout), as each bundle is finished.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<PathBuf>,
    /// Write the fleet summary as text to FILE ('-' for stdout; the default when no summary or
    /// record file is asked for).
    #[arg(long, value_name = "FILE")]
    pub text: Option<PathBuf>,
    /// Write the fleet summary as Markdown to FILE ('-' for stdout).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write the fleet summary as one HTML page to FILE ('-' for stdout).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the fleet summary as JSON to FILE ('-' for stdout).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Bundles analysed at once (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Exit with status 1 when any machine has a finding at least this severe.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Print nothing on stderr but fatal errors (no progress bar, no bundle errors).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// A renderer of the fleet summary.
type Renderer = fn(&FleetSummary) -> String;

/// Where the summary renderings go.
fn summaries(args: &BatchArgs) -> Vec<(Renderer, PathBuf)> {
    let mut out: Vec<(Renderer, PathBuf)> = Vec::new();
    let asked = [
        (render::text as Renderer, &args.text),
        (render::markdown, &args.markdown),
        (render::html, &args.html),
        (render::json, &args.json),
    ];
    for (renderer, path) in asked {
        if let Some(path) = path {
            out.push((renderer, path.clone()));
        }
    }
    if out.is_empty() && args.jsonl.is_none() {
        out.push((render::text, PathBuf::from("-")));
    }
    out
}

fn is_stdout(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

fn open(path: &std::path::Path) -> Result<Box<dyn Write>, String> {
    if is_stdout(path) {
        return Ok(Box::new(std::io::stdout().lock()));
    }
    File::create(path)
        .map(|f| Box::new(f) as Box<dyn Write>)
        .map_err(|e| {
            format!(
                "cannot write {}: {e}; check that its folder exists and is writable",
                path.display()
            )
        })
}

/// Run `batch` with the analysis settings of the other flags (rules, clock).
pub fn run(args: BatchArgs, analysis: AnalysisSettings) -> ExitCode {
    let summaries = summaries(&args);
    let to_stdout = summaries.iter().filter(|(_, p)| is_stdout(p)).count()
        + args.jsonl.as_deref().map_or(0, |p| is_stdout(p) as usize);
    if to_stdout > 1 {
        eprintln!("msitrace: several outputs would go to stdout ('-'); give a file to all but one");
        return ExitCode::from(2);
    }
    let mut records = match args.jsonl.as_deref().map(open).transpose() {
        Ok(w) => w.map(BufWriter::new),
        Err(e) => {
            eprintln!("msitrace: {e}");
            return ExitCode::from(2);
        }
    };
    let (bundles, listing_errors) = find_bundles(&args.inputs);
    let mut summary = FleetSummary::new();
    let mut failing = false;
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let mut write_error: Option<String> = None;
    let mut emit =
        |record: msitrace::MachineRecord, summary: &mut FleetSummary, failing: &mut bool| {
            if !args.quiet {
                if let Some(first) = record.errors.first() {
                    let more = record.errors.len() - 1;
                    eprintln!(
                        "msitrace: {}: {}{}",
                        sanitize(&record.machine),
                        sanitize(first),
                        if more > 0 {
                            format!(" (and {more} more errors)")
                        } else {
                            String::new()
                        }
                    );
                }
            }
            *failing |= threshold.is_some_and(|t| record.fails_at(t));
            summary.add(&record);
            if let (Some(out), None) = (records.as_mut(), &write_error) {
                let line = serde_json::to_string(&record)
                    .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string());
                if let Err(e) = writeln!(out, "{line}") {
                    write_error = Some(format!("cannot write the machine records: {e}"));
                }
            }
        };
    for e in &listing_errors {
        let record = msitrace::MachineRecord::failed(e.path(), &leaf_name(e.path()), e.to_string());
        emit(record, &mut summary, &mut failing);
    }
    let bar = progress_bar(args.quiet, bundles.len() as u64);
    let settings = FleetSettings {
        jobs: args.jobs.unwrap_or(0),
        analysis,
    };
    analyze_fleet(bundles, &settings, |record| {
        emit(record, &mut summary, &mut failing);
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(out) = records.as_mut() {
        if let Err(e) = out.flush() {
            write_error.get_or_insert(format!("cannot write the machine records: {e}"));
        }
    }
    drop(records);
    if let Some(e) = write_error {
        eprintln!("msitrace: {e}");
        return ExitCode::from(2);
    }
    for (renderer, path) in &summaries {
        let rendered = renderer(&summary);
        if let Err(e) = open(path).and_then(|mut w| {
            w.write_all(rendered.as_bytes())
                .and_then(|_| w.flush())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        }) {
            eprintln!("msitrace: {e}");
            return ExitCode::from(2);
        }
    }
    if failing {
        ExitCode::from(1)
    } else if summary.bundles() == 0 || summary.nothing_analysed() == summary.machines() {
        if !args.quiet {
            eprintln!(
                "msitrace: nothing analysed: {}",
                if summary.bundles() == 0 {
                    "no bundle was found in the folders given"
                } else {
                    "no bundle could be analysed"
                }
            );
        }
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// The last component of a path, as a machine name for a listing error.
fn leaf_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// A bar counting bundles with an ETA, on stderr when it is a terminal (not in CI, not --quiet).
fn progress_bar(quiet: bool, bundles: u64) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(bundles),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "bundles {wide_bar} {pos}/{len} {per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}
