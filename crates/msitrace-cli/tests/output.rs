//! `msitrace analyze` in CI: --fail-on, several formats in one run, --quiet/--verbose, zips, and
//! the generated completions and man page.

use crate::common::{msitrace, root};

const FAILING: &str = "fixtures/msilog/error-1310-utf16.log";
const SUCCESS: &str = "fixtures/msilog/success-utf8.log";

#[test]
fn fail_on_decides_the_exit_status() {
    for (level, code) in [("error", 1), ("warning", 1), ("info", 1), ("never", 0)] {
        msitrace()
            .args(["analyze", FAILING, "--fail-on", level])
            .assert()
            .code(code);
    }
    for level in ["error", "warning", "info", "never"] {
        msitrace()
            .args(["analyze", SUCCESS, "--fail-on", level])
            .assert()
            .code(0);
    }
    msitrace()
        .args(["analyze", FAILING, "--fail-on", "sometimes"])
        .assert()
        .code(2);
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("a.sarif");
    let md = dir.path().join("summary.md");
    let html = dir.path().join("report.html");
    let out = msitrace()
        .args([
            "analyze",
            FAILING,
            "fixtures/burn",
            "--format",
            "sarif",
            "--output",
        ])
        .arg(&sarif)
        .args(["--format", "markdown", "-o"])
        .arg(&md)
        .args(["--format", "json", "--format", "html", "--output"])
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // The format without --output went to stdout.
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["schema_version"], 1);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(std::fs::read_to_string(&md)
        .unwrap()
        .starts_with("## msitrace: failure found"));
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
}

#[test]
fn output_pairing_errors_are_one_line() {
    let out = msitrace()
        .args(["analyze", FAILING, "--format", "json", "--format", "text"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("stdout"), "{err}");

    // A second --output without a --format of its own takes its extension's format (issue 19).
    let dir = tempfile::tempdir().unwrap();
    let out = msitrace()
        .args(["analyze", FAILING, "--format", "json", "-o"])
        .arg(dir.path().join("a.json"))
        .arg("-o")
        .arg(dir.path().join("b.sarif"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let b = std::fs::read_to_string(dir.path().join("b.sarif")).unwrap();
    assert!(b.contains("\"version\": \"2.1.0\""), "{b}");

    let out = msitrace()
        .args(["analyze", FAILING, "--format", "json", "-o"])
        .arg("/nonexistent-folder/x/report.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("msitrace: cannot write /nonexistent-folder/x/report.json"),
        "{err}"
    );
}

#[test]
fn output_alone_writes_text() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let out = msitrace()
        .args(["analyze", FAILING, "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("Result: failure found"), "{text}");
    assert!(!text.contains('\x1b'));
}

#[test]
fn outputs_are_deterministic() {
    let run = || {
        msitrace()
            .args(["analyze", "fixtures", "--format", "html"])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn quiet_and_verbose() {
    let dir = tempfile::tempdir().unwrap();
    // Binary content: readable text is always read (the text scan), binary junk is refused.
    let junk = dir.path().join("notes.txt");
    std::fs::write(&junk, [0u8, 1, 2, 3, 0xff, 0xfe, 0x80, 0, 0, 7]).unwrap();
    let out = msitrace()
        .args(["analyze", FAILING])
        .arg(&junk)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("notes.txt: not a recognised log"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let out = msitrace()
        .args(["analyze", "--quiet", FAILING])
        .arg(&junk)
        .output()
        .unwrap();
    assert!(out.stderr.is_empty());
    assert_eq!(out.status.code(), Some(1));

    let out = msitrace()
        .args(["analyze", "-v", FAILING])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("msitrace: read fixtures/msilog/error-1310-utf16.log (Windows Installer log"),
        "{err}"
    );
    msitrace()
        .args(["analyze", "-q", "-v", FAILING])
        .assert()
        .code(2);
}

#[test]
fn no_progress_bar_when_piped() {
    // stderr is a pipe here: no bar, no carriage returns.
    let out = msitrace()
        .env_remove("CI")
        .args(["analyze", FAILING])
        .output()
        .unwrap();
    assert!(!out.stderr.contains(&b'\r'));
    assert!(out.stderr.is_empty());
}

#[test]
fn zip_bundles_are_inputs() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logs.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("machine1/install.log", options).unwrap();
    zip.write_all(&std::fs::read(root().join(FAILING)).unwrap())
        .unwrap();
    zip.start_file("../evil.log", options).unwrap();
    zip.write_all(b"x").unwrap();
    zip.finish().unwrap();
    let out = msitrace()
        .args(["analyze", "--format", "markdown"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("logs.zip!/machine1/install.log"), "{md}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("logs.zip!/../evil.log: entry name leaves the bundle"),
        "{err}"
    );
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = msitrace().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("msitrace"), "{shell}");
        assert!(
            script.contains("fail-on"),
            "{shell}: analyze flags are completed"
        );
    }
    msitrace().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_page_is_roff() {
    let out = msitrace().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{}", &page[..80]);
    assert!(page.contains(".TH msitrace 1"), "{page}");
    assert!(page.contains("analyze"));
}

#[test]
fn man_pages_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    msitrace()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .code(0);
    let analyze = std::fs::read_to_string(dir.path().join("msitrace-analyze.1")).unwrap();
    assert!(analyze.contains("fail\\-on"), "{analyze}");
    assert!(dir.path().join("msitrace.1").is_file());
    assert!(dir.path().join("msitrace-completions.1").is_file());
}

#[test]
fn help_has_examples() {
    for sub in ["analyze", "explain", "rules", "completions", "man"] {
        let out = msitrace().args([sub, "--help"]).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("Examples:"), "{sub}: {help}");
    }
    let out = msitrace().args(["analyze", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in ["--format", "--output", "--fail-on", "--quiet", "--verbose"] {
        assert!(help.contains(flag), "{flag}");
    }
}
