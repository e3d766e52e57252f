//! `msitrace`: the command-line shell over the msitrace library.
//!
//! Argument parsing, choosing the output format, and the exit status (0 no failure found,
//! 1 failure found, 2 usage or input error). All analysis lives in the library.

use clap::{Parser, Subcommand, ValueEnum};
use msitrace::analysis::{analyze_paths, AnalysisSettings};
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
    /// Find what failed, why, and the evidence, in MSI and Burn logs (files or folders).
    #[command(
        after_help = "Examples:\n  msitrace analyze install.log\n  msitrace analyze logs/ --format json > report.json\n  msitrace analyze bundle.log bundle_000_pkg.msi.log\n\nExit status: 0 no failure found, 1 failure found, 2 usage or input error."
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
    },
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
        } => {
            let settings = AnalysisSettings {
                date_order: date_order.map(|d| match d {
                    DateOrderArg::MonthFirst => DateOrder::MonthFirst,
                    DateOrderArg::DayFirst => DateOrder::DayFirst,
                }),
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
    }
}
