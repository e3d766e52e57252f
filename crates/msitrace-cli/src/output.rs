//! Output of `msitrace analyze`: which formats go where, the exit status (`--fail-on`), progress and
//! messages on stderr (`--quiet`, `--verbose`).
//!
//! Each `--format` may be followed by one `--output FILE`; a format without one goes to stdout (at
//! most one may). An `--output` before any `--format` takes the `--format` right after it, and an
//! `--output` without a format of its own takes the format its extension names (`.json`, `.jsonl`,
//! `.sarif`, `.md`, `.html`, `.txt`). Rendering itself is the library's (`msitrace::report::*`).

use clap::{ArgMatches, Args, ValueEnum};
use msitrace::analysis::progress::{ProgressSink, ProgressUpdate};
use msitrace::analysis::{Report, Verdict};
use msitrace::findings::Severity;
use msitrace::report::{html, json, jsonl, markdown, sarif, text};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Output options of `analyze`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Output format (default: from the --output file's extension, else text); repeat it for
    /// several reports in one run, each followed by its own --output.
    #[arg(long, short = 'f', value_enum, ignore_case = true, value_name = "FORMAT", action = clap::ArgAction::Append)]
    pub format: Vec<OutputFormat>,
    /// Write the report of the --format just before it to FILE instead of stdout (without a
    /// --format, the file's extension names the format: .json, .jsonl, .sarif, .md, .html, .txt).
    #[arg(long, short = 'o', value_name = "FILE", action = clap::ArgAction::Append)]
    pub output: Vec<PathBuf>,
    /// Exit with status 1 when a finding at least this severe is found.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Print nothing on stderr but fatal errors (no progress bar, no input errors).
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print each input read and its warnings on stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// The report formats.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Readable report (default); colour only on a terminal.
    Text,
    /// Versioned JSON report (docs/report.schema.json).
    Json,
    /// The kept events, one JSON object a line.
    Jsonl,
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps).
    Sarif,
    /// Compact Markdown summary for CI job summaries and pull requests.
    Markdown,
    /// One self-contained HTML page (chain, timeline, findings, events).
    Html,
}

impl OutputFormat {
    /// True for the formats that show the kept events (the report's timeline).
    pub fn shows_timeline(self) -> bool {
        matches!(self, OutputFormat::Jsonl | OutputFormat::Html)
    }
}

/// When the exit status is 1.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// An error finding (a failed installation).
    Error,
    /// An error or warning finding.
    Warning,
    /// Any finding.
    Info,
    /// Never (0, or 2 when no input could be analysed).
    Never,
}

/// One report to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its format.
    pub format: OutputFormat,
    /// Its file; `None` for stdout.
    pub path: Option<PathBuf>,
}

/// The format a file's extension names (`report.json` → JSON), if any.
pub fn format_of_extension(path: &std::path::Path) -> Option<OutputFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "json" => OutputFormat::Json,
        "jsonl" | "ndjson" => OutputFormat::Jsonl,
        "sarif" => OutputFormat::Sarif,
        "md" | "markdown" => OutputFormat::Markdown,
        "html" | "htm" => OutputFormat::Html,
        "txt" | "text" | "log" => OutputFormat::Text,
        _ => return None,
    })
}

/// Pair each `--output` with the `--format` just before it on the command line; an `--output`
/// before any format takes the `--format` right after it; an `--output` left without a format takes
/// the one its extension names (else text).
pub fn targets(args: &ReportArgs, matches: Option<&ArgMatches>) -> Result<Vec<Target>, String> {
    let index_of = |id: &str| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(|i| i.collect())
            .unwrap_or_default()
    };
    let (fi, oi) = (index_of("format"), index_of("output"));
    let mut marks: Vec<(usize, bool, usize)> = Vec::new();
    for (n, at) in fi.iter().enumerate().take(args.format.len()) {
        marks.push((*at, true, n));
    }
    for (n, at) in oi.iter().enumerate().take(args.output.len()) {
        marks.push((*at, false, n));
    }
    marks.sort();
    // (target, whether its format was given with --format)
    let mut out: Vec<(Target, bool)> = Vec::new();
    let mut paired = true;
    for (_, is_format, n) in marks {
        if is_format {
            match out.last_mut() {
                // `-o report.json --format json`: the file waiting for a format takes this one.
                Some((t, false)) if t.path.is_some() && paired => {
                    t.format = args.format[n];
                    out.last_mut().unwrap().1 = true;
                }
                _ => {
                    out.push((
                        Target {
                            format: args.format[n],
                            path: None,
                        },
                        true,
                    ));
                    paired = false;
                }
            }
        } else {
            let path = args.output[n].clone();
            match out.last_mut() {
                Some((t, true)) if !paired => {
                    t.path = Some(path);
                    paired = true;
                }
                _ => {
                    out.push((
                        Target {
                            format: format_of_extension(&path).unwrap_or(OutputFormat::Text),
                            path: Some(path),
                        },
                        false,
                    ));
                    paired = true;
                }
            }
        }
    }
    let mut out: Vec<Target> = out.into_iter().map(|(t, _)| t).collect();
    if out.is_empty() {
        out.push(Target {
            format: OutputFormat::Text,
            path: None,
        });
    }
    if out.iter().filter(|t| t.path.is_none()).count() > 1 {
        return Err(
            "several formats would go to stdout; give an --output FILE after all of them but one"
                .into(),
        );
    }
    Ok(out)
}

/// The exit status: the library's ([`Report::exit_status_at`]) at the `--fail-on` severity.
pub fn exit_status(report: &Report, fail_on: FailOn) -> u8 {
    report.exit_status_at(match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    })
}

/// How long the reading runs before the progress bar appears.
const PROGRESS_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// A progress bar on stderr, when stderr is a terminal, not in CI, and not `--quiet`; drawn only
/// once the reading has taken [`PROGRESS_DELAY`].
pub fn progress(args: &ReportArgs) -> Option<(ProgressSink, indicatif::ProgressBar)> {
    if args.quiet || !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    // Hidden at first: a bar that flashes for a short run is noise. It appears once the reading
    // has taken about a second.
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "reading logs {wide_bar} {bytes}/{total_bytes} eta {eta}",
    ) {
        bar.set_style(style);
    }
    let handle = bar.clone();
    let started = std::time::Instant::now();
    let shown = std::sync::atomic::AtomicBool::new(false);
    let sink = ProgressSink::new(move |u: ProgressUpdate| {
        if !u.done
            && started.elapsed() >= PROGRESS_DELAY
            && !shown.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            handle.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        handle.set_length(u.total);
        handle.set_position(u.read);
        if u.done {
            handle.finish_and_clear();
        }
    });
    Some((sink, bar))
}

/// Messages about the inputs on stderr: errors unless `--quiet`; every input and its warnings with
/// `--verbose`. Log text is sanitised.
pub fn report_inputs(report: &Report, args: &ReportArgs) {
    if args.quiet {
        return;
    }
    let mut err = std::io::stderr().lock();
    for input in &report.inputs {
        if args.verbose {
            let what = input.format.map(|f| f.label()).unwrap_or("unrecognised");
            let _ = writeln!(
                err,
                "msitrace: read {} ({what}; {} lines, {} events, {} warnings)",
                text::sanitize(&input.path),
                input.lines,
                input.events,
                input.warnings.len()
            );
            for w in &input.warnings {
                let _ = writeln!(err, "msitrace: warning: {}", text::sanitize(&w.text));
            }
        }
        if let Some(e) = &input.error {
            let _ = writeln!(err, "msitrace: {}", text::sanitize(e));
        }
    }
    // Each input not analysed said why above; with no input at all, say it here.
    if report.verdict == Verdict::NothingAnalysed && report.inputs.is_empty() {
        let _ = writeln!(
            err,
            "msitrace: nothing analysed: {}",
            report.verdict.reason(&report.inputs)
        );
    }
}

/// Width of the text report: `COLUMNS` when set, else the terminal's width when writing to a
/// terminal, else 100.
fn text_width(to_stdout: bool) -> usize {
    if let Some(w) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return w;
    }
    if to_stdout && std::io::stdout().is_terminal() {
        if let Some((_, cols)) = console::Term::stdout().size_checked() {
            return cols as usize;
        }
    }
    100
}

/// Render one format (`to_stdout` tells the text format whether the terminal width applies).
pub fn render(
    report: &Report,
    format: OutputFormat,
    color: bool,
    to_stdout: bool,
    user_rules: Option<&msitrace::rules::RulePack>,
) -> String {
    match format {
        OutputFormat::Text => {
            let width = text_width(to_stdout);
            text::render(report, &text::TextOptions { color, width })
        }
        OutputFormat::Json => json::render(report) + "\n",
        OutputFormat::Jsonl => jsonl::render(report),
        OutputFormat::Sarif => sarif::render(report, &msitrace::rules::active(user_rules)) + "\n",
        OutputFormat::Markdown => markdown::render(report),
        OutputFormat::Html => html::render(report),
    }
}

/// Write every target; returns a one-line error for the first that cannot be written. Colour
/// applies to the text report only: on stdout when `color_on_stdout`, in files when
/// `color_in_files` (`--color always`).
pub fn write_all(
    report: &Report,
    targets: &[Target],
    color_on_stdout: bool,
    color_in_files: bool,
    user_rules: Option<&msitrace::rules::RulePack>,
) -> Result<(), String> {
    for t in targets {
        match &t.path {
            None => {
                let rendered = render(report, t.format, color_on_stdout, true, user_rules);
                std::io::stdout()
                    .lock()
                    .write_all(rendered.as_bytes())
                    .map_err(|e| format!("cannot write to stdout: {e}"))?;
            }
            Some(path) => {
                let rendered = render(report, t.format, color_in_files, false, user_rules);
                std::fs::write(path, rendered).map_err(|e| {
                    format!(
                        "cannot write {}: {e}; check that its folder exists and is writable",
                        path.display()
                    )
                })?;
            }
        }
    }
    Ok(())
}
