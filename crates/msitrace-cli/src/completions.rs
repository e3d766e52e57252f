//! `msitrace completions <shell>` and `msitrace man`: shell completions and the man page, generated
//! from the clap definition of the command line (one source of truth).

use clap::Command;
use std::io::Write;
use std::process::ExitCode;

/// Print the completion script for `shell` on stdout.
pub fn completions(mut cmd: Command, shell: clap_complete::Shell) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "msitrace", &mut out);
    write_stdout(&out)
}

/// Print the man page (roff) on stdout, or with `dir` write one page per (sub)command there.
pub fn man(cmd: Command, dir: Option<&std::path::Path>) -> ExitCode {
    if let Some(dir) = dir {
        // One page per subcommand from clap; the top-level page is ours (with EXAMPLES).
        let written = clap_mangen::generate_to(cmd.clone(), dir)
            .and_then(|()| page(cmd))
            .and_then(|top| std::fs::write(dir.join("msitrace.1"), top));
        return match written {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!(
                    "msitrace: cannot write man pages to {}: {e}; check that the folder exists and is writable",
                    dir.display()
                );
                ExitCode::from(2)
            }
        };
    }
    match page(cmd) {
        Ok(out) => write_stdout(&out),
        Err(e) => {
            eprintln!("msitrace: cannot render the man page: {e}");
            ExitCode::from(2)
        }
    }
}

/// Everyday uses of msitrace, for the man page's EXAMPLES section: (command, what it does).
const EXAMPLES: &[(&str, &str)] = &[
    (
        "msitrace analyze install.log",
        "what failed in one MSI log, why, and what to do",
    ),
    (
        "msitrace analyze Application.evtx System.evtx procmon.csv install.log",
        "several sources of one failure on one clock",
    ),
    (
        "msitrace analyze collected.zip -o report.html",
        "a bundle of logs, as one HTML page",
    ),
    (
        "msitrace analyze logs/ -f sarif -o msitrace.sarif --fail-on warning",
        "CI: SARIF for code scanning, exit 1 on warnings",
    ),
    (
        "msitrace events logs/ --level error --since 2026-11-18T19:00:00Z",
        "the errors of every input, in time order",
    ),
    ("msitrace explain 0x80070643", "what a code means"),
    ("msitrace rules list", "the failure signatures in force"),
    (
        "msitrace graph logs/ --chain | dot -Tsvg > chain.svg",
        "draw the failure chain",
    ),
];

/// The top-level man page: clap's sections (NAME from the short description, DESCRIPTION from the
/// long one, so the two do not repeat), then EXAMPLES.
fn page(cmd: Command) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd);
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;
    out.extend_from_slice(b".SH EXAMPLES\n");
    for (command, what) in EXAMPLES {
        out.extend_from_slice(
            format!(".TP\n\\fB{}\\fR\n{}\n", roff(command), roff(what)).as_bytes(),
        );
    }
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// Text for roff: backslashes and hyphens escaped, a leading dot or quote protected.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

fn write_stdout(bytes: &[u8]) -> ExitCode {
    match std::io::stdout().lock().write_all(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("msitrace: cannot write to stdout: {e}");
            ExitCode::from(2)
        }
    }
}
