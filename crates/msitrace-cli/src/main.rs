//! `msitrace`: the command-line shell over the msitrace library.
//!
//! Argument parsing, choosing the output format, and the exit status (0 no failure found,
//! 1 failure found, 2 usage error or nothing analysed; computed by the library,
//! `Report::exit_status_at`). All analysis lives in the library.

// One call needs `unsafe`: ending the process without its exit handlers ([`exit_now`]).
#![deny(unsafe_code)]

mod batch;
mod completions;
mod events;
mod output;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::report::text;
use msitrace::rules::RulePack;
use msitrace::source::msilog::DateOrder;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// The analysis builds and drops many small strings and vectors: with the system allocator of
/// glibc, allocating and freeing was about a quarter of a run on a real event log, and mimalloc
/// cuts a 76 MB EVTX run by a fifth (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Diagnose failed Windows installations offline from their logs.
#[derive(Parser, Debug)]
#[command(
    name = "msitrace",
    version,
    about,
    long_about = "msitrace reads what was collected from a failed Windows installation - Windows \
        Installer and WiX Burn logs, event logs (EVTX, XML exports, Event Viewer text copies), \
        Process Monitor exports, ConfigMgr/Intune, package-manager and product setup logs - puts \
        every input on one UTC clock, and says what failed, why, the evidence (file:line, record, \
        row) and what to do, as text for people or JSON, SARIF, Markdown and HTML for tools.",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Find what failed, why, and the evidence, in MSI and Burn logs, event logs and Process Monitor
    /// captures (files, folders or .zip bundles).
    ///
    /// Findings come from the built-in failure-signature rules (see 'msitrace rules list') and
    /// the installer's own error codes.
    #[command(
        after_help = "Examples:\n  msitrace analyze install.log\n  msitrace analyze logs/ collected.zip\n  msitrace analyze logs/ -f json > report.json\n  msitrace analyze logs/ -o report.html\n  msitrace analyze logs/ --format sarif -o msitrace.sarif --format markdown -o summary.md --format text\n  msitrace analyze logs/ --format html -o report.html --fail-on warning\n  msitrace analyze bundle.log bundle_000_pkg.msi.log\n  msitrace analyze Application.evtx System.evtx procmon.csv install.log --utc-offset -05:00\n\nEach --output FILE applies to the --format just before it (or, before any, the one right after it);\nan --output without a --format takes its extension's: .json .jsonl .sarif .md .html .txt.\nA format without --output goes to stdout. Formats: text, json, jsonl, sarif, markdown, html.\n\nExit status: 0 no finding at the --fail-on severity (default: error), 1 such a finding, 2 usage error,\nno input could be analysed, or a report could not be written."
    )]
    Analyze {
        /// Log files, folders holding them, or .zip bundles of them; `-` reads standard input
        /// (pasted text).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        report: output::ReportArgs,
        /// Day/month order of dates in MSI log headers, when the logs cannot tell.
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// Colour of the text report: auto (on a terminal, unless NO_COLOR is set or TERM=dumb),
        /// always (in files too) or never.
        #[arg(long, value_enum, ignore_case = true, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// A folder of rule files (*.toml) to add to the built-in rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Worker threads for the pieces of one input (default: all cores).
        #[arg(long, short = 'j')]
        threads: Option<usize>,
        #[command(flatten)]
        clock: ClockArgs,
    },
    /// Analyse a fleet: one bundle per machine (each .zip, sub-folder or log file of the folders
    /// given), in parallel; causes ranked by the machines they affect.
    #[command(
        after_help = "Examples:\n  msitrace batch bundles/\n  msitrace batch bundles/ --jsonl machines.jsonl --markdown summary.md --html summary.html\n  msitrace batch site-a/ site-b/ --jsonl - --jobs 8 > machines.jsonl\n\nA bundle's name is the machine id unless its logs name the computer. A bundle that cannot be\nread (corrupt zip, no logs, refused entries) is listed with its error; the batch goes on.\n\nExit status: 0 no machine with a finding at the --fail-on severity (default: error), 1 at least\none, 2 usage error, no bundle could be analysed, or an output could not be written."
    )]
    Batch {
        #[command(flatten)]
        args: batch::BatchArgs,
        /// A folder of rule files (*.toml) to add to the built-in rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        #[command(flatten)]
        clock: ClockArgs,
    },
    /// List the events `analyze` keeps, of every input, as one timeline in time order on the
    /// aligned clock (UTC and local time), filtered.
    #[command(
        after_help = "Examples:\n  msitrace events Application.evtx --provider MsiInstaller\n  msitrace events System.evtx --id 7000 --id 7045 --format jsonl\n  msitrace events logs/ collected.zip --level error --since 2016-08-30T00:00:00Z\n  msitrace events install.log procmon.csv --text 'access denied' --session 1\n\nTimes are compared on the aligned UTC clock (see the Clock section of 'msitrace analyze').\nExit status: 0 listed, 2 usage error or nothing analysed."
    )]
    Events {
        #[command(flatten)]
        args: events::EventsArgs,
        /// Day/month order of dates in MSI log headers, when the logs cannot tell.
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        #[command(flatten)]
        clock: ClockArgs,
    },
    /// Explain a code: installer exit status, installer message, Win32 error, HRESULT, NTSTATUS or
    /// event id; every meaning the number has.
    #[command(
        after_help = "Examples:\n  msitrace explain 1603\n  msitrace explain 2503\n  msitrace explain 0x80070643\n  msitrace explain 0x80240017\n  msitrace explain -2147287035\n  msitrace explain 'ACCESS DENIED'\n  msitrace explain 2203 --args 'C:\\x.msi' -2147287035\n  msitrace explain 'Note: 1: 2203 2: C:\\x.msi 3: -2147287038'\n\nQuote arguments with spaces or backslashes ('...' in bash and PowerShell).\nExit status: 0 explained, 1 unknown code, 2 not a code."
    )]
    Explain {
        /// The code: decimal, hex (0x...), signed decimal HRESULT, or a Process Monitor result name.
        #[arg(allow_hyphen_values = true)]
        code: String,
        /// Message arguments `[2]`, `[3]`, ... to fill an installer message's template.
        #[arg(long, num_args = 1.., allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// List, show and check failure-signature rules.
    #[command(
        after_help = "Examples:\n  msitrace rules list\n  msitrace rules show msi.temp-folder.script-failed\n  msitrace rules check my-rules/site.toml\n  msitrace rules list --rules my-rules/"
    )]
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Draw the failure graph of the inputs as Graphviz DOT or Mermaid: the whole graph, or only
    /// the failure chain of each failure.
    #[command(
        after_help = "Examples:\n  msitrace graph setup.evtx procmon.csv install.log | dot -Tsvg > graph.svg\n  msitrace graph logs/ --chain --format mermaid >> summary.md\n\nExit status: 0 a graph was drawn, 1 no failure to draw, 2 usage or input error."
    )]
    Graph {
        /// Log files, folders holding them, or .zip bundles of them.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Drawing format (default: from the --output file's extension, .dot/.gv or .mmd, else dot).
        #[arg(long, short = 'f', value_enum, ignore_case = true)]
        format: Option<GraphFormat>,
        /// Write the drawing to FILE instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Only the nodes of the failure chains, not the whole graph.
        #[arg(long)]
        chain: bool,
        /// A folder of rule files (*.toml) to add to the built-in rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Worker threads for the pieces of one input (default: all cores).
        #[arg(long, short = 'j')]
        threads: Option<usize>,
        #[command(flatten)]
        clock: ClockArgs,
    },
    /// Print the help of msitrace or of a subcommand (`msitrace help analyze`).
    Help {
        /// The subcommand (and its subcommand: `help rules show`).
        command: Vec<String>,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  msitrace completions bash > ~/.local/share/bash-completion/completions/msitrace\n  msitrace completions zsh > ~/.zfunc/_msitrace\n  msitrace completions fish > ~/.config/fish/completions/msitrace.fish\n  msitrace completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per subcommand into a folder.
    #[command(
        after_help = "Examples:\n  msitrace man > msitrace.1 && man ./msitrace.1\n  msitrace man --dir /usr/local/share/man/man1   # msitrace.1, msitrace-analyze.1, ..."
    )]
    Man {
        /// Write msitrace.1 and a page per subcommand (msitrace-analyze.1, ...) into this folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// How local-time logs relate to UTC, when the user knows it better than the logs say.
#[derive(clap::Args, Debug, Clone, Copy)]
struct ClockArgs {
    /// The machine's offset from UTC for local-time logs (e.g. -05:00, +05:30), when the logs
    /// cannot tell it (otherwise it is inferred and reported).
    #[arg(long, value_name = "±HH:MM", allow_hyphen_values = true, value_parser = parse_offset)]
    utc_offset: Option<i32>,
    /// The machine's time zone (IANA name such as America/New_York), daylight saving included;
    /// an alternative to --utc-offset.
    #[arg(long, value_name = "ZONE", conflicts_with = "utc_offset")]
    timezone: Option<chrono_tz::Tz>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
}

#[derive(Subcommand, Debug)]
enum RulesAction {
    /// List the rules in force: id, role, severity, category and title.
    List {
        /// A folder of user rule files to include.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Show one rule in full.
    Show {
        /// Rule id.
        id: String,
        /// A folder of user rule files to include.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Check rule files (or every *.toml in a folder): exit 0 when valid, 1 with one line per
    /// problem (file:line:column: what is wrong).
    Check {
        /// Rule files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum DateOrderArg {
    /// M/D/YYYY
    MonthFirst,
    /// D/M/YYYY
    DayFirst,
}

impl DateOrderArg {
    fn order(self) -> DateOrder {
        match self {
            DateOrderArg::MonthFirst => DateOrder::MonthFirst,
            DateOrderArg::DayFirst => DateOrder::DayFirst,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    // Parsed through ArgMatches so that output can pair each --output with its --format by position.
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let analyze_matches = matches.subcommand_matches("analyze");
    match cli.command {
        Command::Analyze {
            inputs,
            report: report_args,
            date_order,
            color,
            rules,
            threads,
            clock,
        } => {
            let targets = match output::targets(&report_args, analyze_matches) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("msitrace: {e}");
                    return ExitCode::from(2);
                }
            };
            let (inputs, stdin_copy) = match stdin_inputs(inputs) {
                Ok(read) => read,
                Err(e) => {
                    eprintln!("msitrace: {e}");
                    return ExitCode::from(2);
                }
            };
            let progress = output::progress(&report_args);
            let user_pack = match rules.as_deref().map(user_rules) {
                Some(Ok(pack)) => Some(Arc::new(pack)),
                Some(Err(status)) => return status,
                None => None,
            };
            let settings = AnalysisSettings {
                date_order: date_order.map(DateOrderArg::order),
                rules: user_pack.clone(),
                threads,
                utc_offset_seconds: clock.utc_offset,
                timezone: clock.timezone,
                progress: progress.as_ref().map(|(sink, _)| sink.clone()),
                names: stdin_copy.names(),
                skip_timeline: !targets.iter().any(|t| t.format.shows_timeline()),
                ..Default::default()
            };
            let report = analyze_paths(&inputs, &settings);
            drop(stdin_copy);
            if let Some((_, bar)) = &progress {
                bar.finish_and_clear();
            }
            output::report_inputs(&report, &report_args);
            let on_stdout = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => std::io::stdout().is_terminal() && colour_allowed(),
            };
            let in_files = matches!(color, ColorChoice::Always);
            if let Err(e) =
                output::write_all(&report, &targets, on_stdout, in_files, user_pack.as_deref())
            {
                eprintln!("msitrace: {e}");
                return ExitCode::from(2);
            }
            let status = output::exit_status(&report, report_args.fail_on);
            // The process ends here and the system takes its memory back at once: freeing the
            // events of a large capture one by one took a third of the work after reading.
            std::mem::forget(report);
            drop(progress);
            exit_now(status)
        }
        Command::Batch { args, rules, clock } => {
            let user_pack = match rules.as_deref().map(user_rules) {
                Some(Ok(pack)) => Some(Arc::new(pack)),
                Some(Err(status)) => return status,
                None => None,
            };
            let settings = AnalysisSettings {
                rules: user_pack,
                utc_offset_seconds: clock.utc_offset,
                timezone: clock.timezone,
                ..Default::default()
            };
            batch::run(args, settings)
        }
        Command::Rules { action } => rules_command(action),
        Command::Graph {
            inputs,
            format,
            output,
            chain,
            rules,
            threads,
            clock,
        } => {
            let format = format.unwrap_or_else(|| {
                match output
                    .as_deref()
                    .and_then(|o| o.extension())
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("mmd" | "mermaid" | "md") => GraphFormat::Mermaid,
                    _ => GraphFormat::Dot,
                }
            });
            let rules = match rules.as_deref().map(user_rules) {
                Some(Ok(pack)) => Some(Arc::new(pack)),
                Some(Err(status)) => return status,
                None => None,
            };
            let settings = AnalysisSettings {
                utc_offset_seconds: clock.utc_offset,
                timezone: clock.timezone,
                rules,
                threads,
                ..Default::default()
            };
            graph_command(&inputs, format, output.as_deref(), chain, &settings)
        }
        Command::Help { command } => help_command(&command),
        Command::Completions { shell } => completions::completions(Cli::command(), shell),
        Command::Man { dir } => completions::man(Cli::command(), dir.as_deref()),
        Command::Explain { code, args } => explain_command(&code, &args),
        Command::Events {
            mut args,
            date_order,
            clock,
        } => {
            let (inputs, stdin_copy) = match stdin_inputs(std::mem::take(&mut args.inputs)) {
                Ok(read) => read,
                Err(e) => {
                    eprintln!("msitrace: {e}");
                    return ExitCode::from(2);
                }
            };
            args.inputs = inputs;
            events::run(
                &args,
                AnalysisSettings {
                    date_order: date_order.map(DateOrderArg::order),
                    utc_offset_seconds: clock.utc_offset,
                    timezone: clock.timezone,
                    names: stdin_copy.names(),
                    ..Default::default()
                },
            )
        }
    }
}

/// End the process with `status` once the report is written and every file is closed.
///
/// On Unix the exit handlers are skipped: the allocator's would walk and release every page
/// the analysis used, which the system takes back at once anyway (6% of a run on a 76 MB event
/// log, docs/performance.md). Elsewhere the process exits as usual.
fn exit_now(status: u8) -> ! {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: `_exit` only ends the process. Output is flushed above, the report's files are
    // closed (their writers are dropped when written) and no temporary file is left to remove:
    // the caller has dropped what owns them.
    unsafe {
        libc::_exit(i32::from(status))
    }
    #[cfg(not(unix))]
    std::process::exit(i32::from(status))
}

/// `msitrace help [SUBCOMMAND...]`: the long help of the command named.
fn help_command(path: &[String]) -> ExitCode {
    let mut cmd = Cli::command();
    cmd.build();
    let mut current = &mut cmd;
    for name in path {
        match current.find_subcommand_mut(name) {
            Some(sub) => current = sub,
            None => {
                eprintln!("msitrace: no subcommand '{name}' (see 'msitrace --help')");
                return ExitCode::from(2);
            }
        }
    }
    match current.print_long_help() {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

/// Whether the environment allows colour: `NO_COLOR` set to a non-empty value forbids it (an
/// empty `NO_COLOR=` counts as unset, per no-color.org), and so does `TERM=dumb`.
fn colour_allowed() -> bool {
    colour_allowed_by(std::env::var_os("NO_COLOR"), std::env::var_os("TERM"))
}

/// [`colour_allowed`] on given values of `NO_COLOR` and `TERM`.
fn colour_allowed_by(
    no_color: Option<std::ffi::OsString>,
    term: Option<std::ffi::OsString>,
) -> bool {
    let no_color = no_color.is_some_and(|v| !v.is_empty());
    let dumb = term.is_some_and(|t| t == "dumb");
    !no_color && !dumb
}

/// `+05:30`, `-05:00`, `-5`, `UTC+2` → seconds east of UTC.
fn parse_offset(text: &str) -> Result<i32, String> {
    let t = text.trim();
    let t = t.strip_prefix("UTC").unwrap_or(t);
    let (sign, rest) = match t.chars().next() {
        Some('+') => (1, &t[1..]),
        Some('-') => (-1, &t[1..]),
        _ => (1, t),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i32, i32) = match (h.parse(), m.parse()) {
        (Ok(h), Ok(m)) if h <= 14 && m < 60 => (h, m),
        _ => return Err(format!("'{text}' is not an offset like -05:00 or +05:30")),
    };
    Ok(sign * (h * 3600 + m * 60))
}

fn explain_command(code: &str, args: &[String]) -> ExitCode {
    let e = msitrace::codes::explain(code);
    let mut out = format!("{e}");
    if !out.ends_with('\n') {
        out.push('\n');
    }
    if !args.is_empty() {
        match code.trim().parse::<u32>().ok().and_then(|c| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            msitrace::codes::explain_message(c, &args)
        }) {
            Some(filled) => out.push_str(&format!("\nWith the arguments given:\n  {filled}\n")),
            None => out.push_str("\n(no message template to fill for this code)\n"),
        }
    }
    if std::io::stdout().lock().write_all(out.as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::from(if !e.is_code() {
        2
    } else if e.meanings.is_empty() {
        1
    } else {
        0
    })
}

fn graph_command(
    inputs: &[PathBuf],
    format: GraphFormat,
    output: Option<&Path>,
    chain_only: bool,
    settings: &AnalysisSettings,
) -> ExitCode {
    let report = analyze_paths(inputs, settings);
    for input in &report.inputs {
        if let Some(e) = &input.error {
            eprintln!("msitrace: {}", text::sanitize(e));
        }
    }
    if report.verdict == msitrace::analysis::Verdict::NothingAnalysed {
        eprintln!(
            "msitrace: nothing analysed: {}",
            report.verdict.reason(&report.inputs)
        );
        return ExitCode::from(2);
    }
    let Some(graph) = &report.graph else {
        eprintln!("msitrace: no failure with a chain to draw in these inputs");
        return ExitCode::from(1);
    };
    let only: Option<Vec<usize>> = chain_only.then(|| {
        let mut nodes: Vec<usize> = graph
            .chains
            .iter()
            .flat_map(|c| c.nodes.iter().copied())
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    });
    let drawing = match format {
        GraphFormat::Dot => msitrace::report::graph::dot(graph, only.as_deref()),
        GraphFormat::Mermaid => msitrace::report::graph::mermaid(graph, only.as_deref()),
    };
    let written = match output {
        Some(path) => std::fs::write(path, drawing.as_bytes()).map_err(|e| {
            format!(
                "cannot write {}: {e}; check that its folder exists and is writable",
                path.display()
            )
        }),
        None => std::io::stdout()
            .lock()
            .write_all(drawing.as_bytes())
            .map_err(|e| format!("cannot write to stdout: {e}")),
    };
    if let Err(e) = written {
        eprintln!("msitrace: {e}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// Load a user rule folder: a folder that cannot be read is an error (exit 2, so that a CI run
/// does not go on without the rules it was given); problems in single rules go to stderr and the
/// valid rules are kept.
fn user_rules(dir: &Path) -> Result<RulePack, ExitCode> {
    if let Err(e) = std::fs::read_dir(dir) {
        eprintln!(
            "msitrace: --rules {}: cannot read the folder: {e}",
            dir.display()
        );
        return Err(ExitCode::from(2));
    }
    let (pack, errors) = msitrace::rules::load_dir(dir);
    for e in &errors {
        eprintln!("msitrace: rule error: {e}");
    }
    if !errors.is_empty() {
        eprintln!("msitrace: the built-in rules and the valid user rules are used");
    }
    Ok(pack)
}

fn rules_command(action: RulesAction) -> ExitCode {
    let mut out = String::new();
    let status = match action {
        RulesAction::List { rules } => {
            let user = match rules.as_deref().map(user_rules).transpose() {
                Ok(user) => user,
                Err(status) => return status,
            };
            let mut active = msitrace::rules::active(user.as_ref());
            active.sort_by(|a, b| a.id.cmp(&b.id));
            let rows: Vec<[String; 5]> = active
                .iter()
                .map(|r| {
                    [
                        r.id.clone(),
                        format!("{:?}", r.role).to_lowercase(),
                        r.severity.label().to_string(),
                        r.category.clone(),
                        r.title.clone(),
                    ]
                })
                .collect();
            let header = ["ID", "ROLE", "SEVERITY", "CATEGORY", "TITLE"].map(String::from);
            let mut widths = [0usize; 4];
            for row in std::iter::once(&header).chain(&rows) {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            for row in std::iter::once(&header).chain(&rows) {
                for (w, cell) in widths.iter().zip(row) {
                    out.push_str(&format!("{cell:w$}  "));
                }
                out.push_str(&row[4]);
                out.push('\n');
            }
            0
        }
        RulesAction::Show { id, rules } => {
            let user = match rules.as_deref().map(user_rules).transpose() {
                Ok(user) => user,
                Err(status) => return status,
            };
            match msitrace::rules::active(user.as_ref())
                .into_iter()
                .find(|r| r.id == id)
            {
                Some(r) => {
                    out.push_str(&msitrace::rules::describe(r));
                    0
                }
                None => {
                    let active = msitrace::rules::active(user.as_ref());
                    let near = msitrace::rules::near_ids(&id, &active);
                    if near.is_empty() {
                        eprintln!("msitrace: no rule '{id}' (see 'msitrace rules list')");
                    } else {
                        eprintln!(
                            "msitrace: no rule '{id}'; did you mean: {}?",
                            near.join(", ")
                        );
                    }
                    2
                }
            }
        }
        RulesAction::Check { paths } => {
            let mut errors = Vec::new();
            let mut count = 0;
            for path in &paths {
                if path.is_dir() {
                    let (pack, mut e) = msitrace::rules::load_dir(path);
                    count += pack.rules.len();
                    errors.append(&mut e);
                } else {
                    match msitrace::rules::load_file(path) {
                        Ok(pack) => count += pack.rules.len(),
                        Err(mut e) => errors.append(&mut e),
                    }
                }
            }
            for e in &errors {
                out.push_str(&format!("{e}\n"));
            }
            if errors.is_empty() {
                out.push_str(&format!("ok: {count} rules\n"));
                0
            } else {
                1
            }
        }
    };
    if std::io::stdout().lock().write_all(out.as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::from(status)
}

/// Standard input copied to a private file, so that it is read like any input (detected by
/// content, read in parallel, cited by line) and named `<stdin>` in the reports.
#[derive(Default)]
struct StdinCopy {
    dir: Option<tempfile::TempDir>,
}

/// What the reports call standard input.
const STDIN_NAME: &str = "<stdin>";

impl StdinCopy {
    /// The copy's path.
    fn path(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("stdin")
    }

    /// The name the copy is shown by, for the analysis settings.
    fn names(&self) -> std::collections::BTreeMap<PathBuf, String> {
        self.dir
            .iter()
            .map(|d| (Self::path(d), STDIN_NAME.to_string()))
            .collect()
    }
}

/// The inputs with `-` replaced by a copy of standard input (read once, however often `-` is
/// given).
fn stdin_inputs(inputs: Vec<PathBuf>) -> Result<(Vec<PathBuf>, StdinCopy), String> {
    let mut copy = StdinCopy::default();
    let mut out = Vec::with_capacity(inputs.len());
    for input in inputs {
        if input.as_os_str() != "-" {
            out.push(input);
            continue;
        }
        if copy.dir.is_none() {
            let dir = tempfile::tempdir()
                .map_err(|e| format!("{STDIN_NAME}: cannot make a private folder: {e}"))?;
            let mut file = std::fs::File::create(StdinCopy::path(&dir))
                .map_err(|e| format!("{STDIN_NAME}: cannot copy: {e}"))?;
            std::io::copy(&mut std::io::stdin().lock(), &mut file)
                .map_err(|e| format!("{STDIN_NAME}: cannot read: {e}"))?;
            copy.dir = Some(dir);
        }
        if let Some(dir) = &copy.dir {
            let path = StdinCopy::path(dir);
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    Ok((out, copy))
}

#[cfg(test)]
mod tests {
    use super::colour_allowed_by;

    #[test]
    fn empty_no_color_means_unset_and_dumb_terminals_get_no_colour() {
        let v = |s: &str| Some(std::ffi::OsString::from(s));
        assert!(colour_allowed_by(None, v("xterm-256color")));
        assert!(colour_allowed_by(v(""), v("xterm")), "NO_COLOR= is unset");
        assert!(!colour_allowed_by(v("1"), v("xterm")));
        assert!(!colour_allowed_by(None, v("dumb")));
    }
}
