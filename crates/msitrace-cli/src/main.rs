//! `msitrace`: the command-line shell over the msitrace library.
//!
//! Argument parsing, choosing the output format, and the exit status (0 no failure found,
//! 1 failure found, 2 usage error or nothing analysed; computed by the library,
//! `Report::exit_status_at`). All analysis lives in the library.

#![forbid(unsafe_code)]

mod batch;
mod completions;
mod output;

use chrono::{DateTime, Utc};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use msitrace::analysis::events::{read_events, EventFilter};
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::event::{Event, Kind, ReadTime};
use msitrace::report::text;
use msitrace::rules::RulePack;
use msitrace::source::msilog::DateOrder;
use msitrace::source::Format;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Diagnose failed Windows installations offline from their logs.
#[derive(Parser, Debug)]
#[command(name = "msitrace", version, about, long_about = None)]
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
        after_help = "Examples:\n  msitrace analyze install.log\n  msitrace analyze logs/ collected.zip\n  msitrace analyze logs/ --format json > report.json\n  msitrace analyze logs/ --format sarif -o msitrace.sarif --format markdown -o summary.md --format text\n  msitrace analyze logs/ --format html -o report.html --fail-on warning\n  msitrace analyze bundle.log bundle_000_pkg.msi.log\n  msitrace analyze Application.evtx System.evtx procmon.csv install.log --utc-offset -05:00\n\nEach --output FILE applies to the --format just before it; a format without --output goes to stdout.\nFormats: text, json, jsonl, sarif, markdown, html.\n\nExit status: 0 no finding at the --fail-on severity (default: error), 1 such a finding, 2 usage error,\nno input could be analysed, or a report could not be written."
    )]
    Analyze {
        /// Log files, folders holding them, or .zip bundles of them.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        report: output::ReportArgs,
        /// Day/month order of dates in MSI log headers, when the logs cannot tell.
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// A folder of rule files (*.toml) to add to the built-in rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Worker threads for reading an EVTX file (default: all cores).
        #[arg(long)]
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
        /// Drawing format.
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
        /// Only the nodes of the failure chains, not the whole graph.
        #[arg(long)]
        chain: bool,
        #[command(flatten)]
        clock: ClockArgs,
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
    EventText,
    ProcmonCsv,
    ProcmonXml,
    ProcmonText,
    ConfigmgrLog,
    DeploymentLog,
    SetupLog,
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
            let progress = output::progress(&report_args);
            let user_pack = rules.as_deref().map(|dir| Arc::new(user_rules(dir)));
            let settings = AnalysisSettings {
                date_order: date_order.map(|d| match d {
                    DateOrderArg::MonthFirst => DateOrder::MonthFirst,
                    DateOrderArg::DayFirst => DateOrder::DayFirst,
                }),
                rules: user_pack.clone(),
                threads,
                utc_offset_seconds: clock.utc_offset,
                timezone: clock.timezone,
                progress: progress.as_ref().map(|(sink, _)| sink.clone()),
                ..Default::default()
            };
            let report = analyze_paths(&inputs, &settings);
            if let Some((_, bar)) = &progress {
                bar.finish_and_clear();
            }
            output::report_inputs(&report, &report_args);
            let color = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            if let Err(e) = output::write_all(&report, &targets, color, user_pack.as_deref()) {
                eprintln!("msitrace: {e}");
                return ExitCode::from(2);
            }
            ExitCode::from(output::exit_status(&report, report_args.fail_on))
        }
        Command::Batch { args, rules, clock } => {
            let settings = AnalysisSettings {
                rules: rules.as_deref().map(|dir| Arc::new(user_rules(dir))),
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
            chain,
            clock,
        } => graph_command(&inputs, format, chain, clock),
        Command::Completions { shell } => completions::completions(Cli::command(), shell),
        Command::Man { dir } => completions::man(Cli::command(), dir.as_deref()),
        Command::Explain { code, args } => explain_command(&code, &args),
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
    chain_only: bool,
    clock: ClockArgs,
) -> ExitCode {
    let settings = AnalysisSettings {
        utc_offset_seconds: clock.utc_offset,
        timezone: clock.timezone,
        ..Default::default()
    };
    let report = analyze_paths(inputs, &settings);
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
    if std::io::stdout()
        .lock()
        .write_all(drawing.as_bytes())
        .is_err()
    {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// Load a user rule folder; problems go to stderr and the valid rules are kept.
fn user_rules(dir: &Path) -> RulePack {
    let (pack, errors) = msitrace::rules::load_dir(dir);
    for e in &errors {
        eprintln!("msitrace: rule error: {e}");
    }
    if !errors.is_empty() {
        eprintln!("msitrace: the built-in rules and the valid user rules are used");
    }
    pack
}

fn rules_command(action: RulesAction) -> ExitCode {
    let mut out = String::new();
    let status = match action {
        RulesAction::List { rules } => {
            let user = rules.as_deref().map(user_rules);
            let active = msitrace::rules::active(user.as_ref());
            let width = active.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in active {
                out.push_str(&format!(
                    "{:width$}  {:7}  {:7}  {:28}  {}\n",
                    r.id,
                    format!("{:?}", r.role).to_lowercase(),
                    r.severity.label(),
                    r.category,
                    r.title
                ));
            }
            0
        }
        RulesAction::Show { id, rules } => {
            let user = rules.as_deref().map(user_rules);
            match msitrace::rules::active(user.as_ref())
                .into_iter()
                .find(|r| r.id == id)
            {
                Some(r) => {
                    out.push_str(&msitrace::rules::describe(r));
                    0
                }
                None => {
                    eprintln!("msitrace: no rule '{id}' (see 'msitrace rules list')");
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
                SourceArg::EventText => Format::EventText,
                SourceArg::ProcmonCsv => Format::ProcmonCsv,
                SourceArg::ProcmonXml => Format::ProcmonXml,
                SourceArg::ProcmonText => Format::ProcmonText,
                SourceArg::ConfigmgrLog => Format::ConfigmgrLog,
                SourceArg::DeploymentLog => Format::DeploymentLog,
                SourceArg::SetupLog => Format::SetupLog,
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
    // Nothing read (no input found, or none readable): exit 2, as `analyze` does.
    let nothing = listed.iter().all(|i| i.error.is_some());
    if nothing {
        eprintln!(
            "msitrace: nothing analysed: {}",
            if failed {
                "no input could be read"
            } else {
                "no input was found in the paths given"
            }
        );
    }
    if broken || nothing {
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
        // A process a capture describes without a row of its own.
        Kind::ProcessInfo(p) => format!(
            "process {} (PID {}{}) {}",
            p.name.as_deref().or(p.image.as_deref()).unwrap_or("?"),
            p.pid,
            p.parent
                .map(|pp| format!(", parent {pp}"))
                .unwrap_or_default(),
            p.command_line.as_deref().unwrap_or("")
        ),
        _ => e.first_line().to_string(),
    };
    format!("{time}  {name}  {}  {what}", e.at)
}
