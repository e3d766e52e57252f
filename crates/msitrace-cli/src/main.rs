//! `msitrace`: the command-line shell over the msitrace library.
//!
//! Argument parsing, choosing the output format, and the exit status (0 no failure found,
//! 1 failure found, 2 usage or input error). All analysis lives in the library.

mod completions;
mod output;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::rules::RulePack;
use msitrace::source::msilog::DateOrder;
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
    /// Find what failed, why, and the evidence, in MSI and Burn logs (files, folders or .zip bundles).
    ///
    /// Findings come from the built-in failure-signature rules (see 'msitrace rules list') and
    /// the installer's own error codes.
    #[command(
        after_help = "Examples:\n  msitrace analyze install.log\n  msitrace analyze logs/ collected.zip\n  msitrace analyze logs/ --format json > report.json\n  msitrace analyze logs/ --format sarif -o msitrace.sarif --format markdown -o summary.md --format text\n  msitrace analyze logs/ --format html -o report.html --fail-on warning\n  msitrace analyze bundle.log bundle_000_pkg.msi.log\n\nEach --output FILE applies to the --format just before it; a format without --output goes to stdout.\nFormats: text, json, jsonl, sarif, markdown, html.\n\nExit status: 0 no finding at the --fail-on severity (default: error), 1 such a finding, 2 usage error,\nno input could be analysed, or a report could not be written."
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
    },
    /// Explain a code: installer exit status, installer message, Win32 error, HRESULT, NTSTATUS or
    /// event id; every meaning the number has.
    #[command(
        after_help = "Examples:\n  msitrace explain 1603\n  msitrace explain 0x80070643\n  msitrace explain -2147287035\n  msitrace explain \"ACCESS DENIED\"\n  msitrace explain 2203 --args C:\\x.msi -2147287035\n\nExit status: 0 explained, 1 unknown code, 2 not a code."
    )]
    Explain {
        /// The code: decimal, hex (0x...), signed decimal HRESULT, or a Process Monitor result name.
        #[arg(allow_hyphen_values = true)]
        code: String,
        /// Message arguments [2], [3], ... to fill an installer message's template.
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
        Command::Rules { action } => rules_command(action),
        Command::Completions { shell } => completions::completions(Cli::command(), shell),
        Command::Man { dir } => completions::man(Cli::command(), dir.as_deref()),
        Command::Explain { code, args } => explain_command(&code, &args),
    }
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
                    format!("{:?}", r.severity).to_lowercase(),
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
