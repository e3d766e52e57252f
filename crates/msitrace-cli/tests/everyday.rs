//! What a new user hit in everyday use (issue 19), each pinned by running the `msitrace` binary:
//! the text report at 80 columns, `events` on the aligned clock, the HTML timeline, several
//! inputs, output options, rule messages, SARIF/JSON details, hostile text and smaller things.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn msitrace() -> Command {
    let mut cmd = Command::cargo_bin("msitrace").unwrap();
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env_remove("CI");
    cmd
}

/// stdout of a run, with its exit status checked.
fn stdout_of(cmd: &mut Command, status: i32) -> String {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(status),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A corpus file by its path under `shared/corpus`, or `None` (with a message) when absent.
fn corpus(path: &str) -> Option<PathBuf> {
    let p = root().join("../shared/corpus").join(path);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} not present", p.display());
        None
    }
}

/// Lines wider than `columns` (in characters).
fn too_wide(text: &str, columns: usize) -> Vec<&str> {
    text.lines()
        .filter(|l| l.chars().count() > columns)
        .collect()
}

const TEMP_DENIED: &str = "fixtures/scenarios/temp-denied";

// ---- 3. The text report at 80 columns -----------------------------------------------------

#[test]
fn report_at_80_columns_has_no_line_wider_than_80() {
    let text = stdout_of(
        msitrace().env("COLUMNS", "80").args(["analyze", TEMP_DENIED]),
        1,
    );
    assert!(too_wide(&text, 80).is_empty(), "{:#?}", too_wide(&text, 80));
    // The summary and the remedies are wrapped, continuation lines indented.
    assert!(
        text.contains("       - Give SYSTEM and the installing user full control of the folder")
            && text.contains("\n         (the user's %TEMP%"),
        "{text}"
    );
}

#[test]
fn failure_chain_wraps_its_messages_instead_of_cutting_them() {
    let text = stdout_of(
        msitrace().env("COLUMNS", "80").args(["analyze", TEMP_DENIED]),
        1,
    );
    let chain = text
        .split("failure chain:")
        .nth(1)
        .and_then(|c| c.split("what to do:").next())
        .expect("a failure chain");
    assert!(!chain.contains('…'), "nothing cut: {chain}");
    let words: Vec<&str> = chain.split_whitespace().collect();
    let joined = words.join(" ");
    assert!(
        joined.contains("Internal Error 2503. Called RunScript when not marked in progress"),
        "{chain}"
    );
}

#[test]
fn report_not_on_a_terminal_is_100_columns() {
    let text = stdout_of(msitrace().args(["analyze", TEMP_DENIED]), 1);
    assert!(too_wide(&text, 100).is_empty(), "{:#?}", too_wide(&text, 100));
    // Wider than 80 where the text allows it: the width is not stuck at 80.
    assert!(text.lines().any(|l| l.chars().count() > 80), "{text}");
}

#[test]
fn analyze_header_counts_errors_and_warnings() {
    let text = stdout_of(msitrace().args(["analyze", TEMP_DENIED]), 1);
    let header: String = text
        .split("\n\n")
        .next()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        header.contains("; 1 error(s), 0 warning(s)"),
        "{header}"
    );
}

#[test]
fn real_msi_log_report_fits_80_columns() {
    let Some(log) = corpus("msilog/HSPrint_install-admin-log_1920.log") else {
        return;
    };
    let text = stdout_of(
        msitrace()
            .env("COLUMNS", "80")
            .arg("analyze")
            .arg(Path::new(&log)),
        1,
    );
    assert!(too_wide(&text, 80).is_empty(), "{:#?}", too_wide(&text, 80));
    assert!(text.contains("1920"), "{text}");
}
