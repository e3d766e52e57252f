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
        return match clap_mangen::generate_to(cmd, dir) {
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
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut out) {
        eprintln!("msitrace: cannot render the man page: {e}");
        return ExitCode::from(2);
    }
    write_stdout(&out)
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
