//! The first things a user runs — a whole folder of logs, several event logs at once, default
//! settings — run as processes under a watchdog: a hang fails the test in seconds instead of
//! stalling CI.

use crate::common::root;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one run may take (debug build, whole corpus) before it counts as hung.
const LIMIT: Duration = Duration::from_secs(90);

/// `../shared/corpus`, or `None` (skipped, said on stderr) when absent outside CI.
fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("../shared/corpus is missing: CI must run these tests against the real corpus");
    }
    eprintln!("SKIPPED: ../shared/corpus not found");
    None
}

/// Run `msitrace args…` with extra environment; panic if it runs past [`LIMIT`] or is killed
/// by a signal; its exit code.
fn run_watched(args: &[&str], env: &[(&str, &str)]) -> i32 {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_msitrace"));
    cmd.current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("RAYON_NUM_THREADS")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("msitrace starts");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status
                .code()
                .unwrap_or_else(|| panic!("msitrace {args:?} {env:?} killed: {status}"));
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("msitrace {args:?} {env:?} hung: still running after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn evtx_files(corpus: &std::path::Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(corpus.join("evtx"))
        .expect("corpus evtx folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "evtx"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn the_whole_corpus_with_default_settings_and_any_thread_count() {
    let Some(corpus) = corpus() else { return };
    let corpus = corpus.display().to_string();
    for command in ["analyze", "events", "graph"] {
        let code = run_watched(&[command, &corpus], &[]);
        assert!(code <= 2, "{command}: exit {code}");
        for threads in ["1", "2", "8"] {
            let code = run_watched(&[command, &corpus], &[("RAYON_NUM_THREADS", threads)]);
            assert!(
                code <= 2,
                "{command} RAYON_NUM_THREADS={threads}: exit {code}"
            );
        }
    }
    for threads in ["1", "2", "8"] {
        let code = run_watched(&["analyze", "--threads", threads, &corpus], &[]);
        assert!(code <= 2, "analyze --threads {threads}: exit {code}");
    }
}

#[test]
fn several_event_logs_at_once_on_small_pools() {
    let Some(corpus) = corpus() else { return };
    let files = evtx_files(&corpus);
    assert!(files.len() >= 2, "the corpus holds several EVTX files");
    let mut args: Vec<&str> = vec!["analyze"];
    args.extend(files.iter().map(String::as_str));
    for threads in ["1", "2", "4"] {
        run_watched(&args, &[("RAYON_NUM_THREADS", threads)]);
    }
    // Two files, and the same file twice, through every command.
    for command in ["analyze", "events", "graph"] {
        run_watched(
            &[command, &files[0], &files[1]],
            &[("RAYON_NUM_THREADS", "2")],
        );
        run_watched(
            &[command, &files[0], &files[0]],
            &[("RAYON_NUM_THREADS", "2")],
        );
    }
}
