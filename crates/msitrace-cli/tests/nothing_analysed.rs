//! Exit statuses that cannot mislead a pipeline, and regressions of the reliability campaign
//! (issue 13), run against the binary as a process under a watchdog.
//!
//! - No input analysed (empty folder, empty `.zip`, a missing path, only unsupported, unreadable
//!   or skipped files) exits 2 and every report format says "nothing analysed", never "no
//!   failure found".
//! - Inputs that used to hang (an EVTX file of 4,097 bytes given twice, `.zip` bundles holding
//!   event logs) or panic (a Japanese-locale `Time of Day`) finish with a real exit status.

use crate::common::root;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one run may take before it counts as hung (debug build, loaded machine).
const LIMIT: Duration = Duration::from_secs(60);

/// What one run printed and how it ended.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run `msitrace args…` under the watchdog (a hang or a signal fails the test).
fn run(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_msitrace"))
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("RAYON_NUM_THREADS")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("msitrace starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("msitrace {args:?} hung: still running after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&std::fs::read(&out).unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&std::fs::read(&err).unwrap()).into_owned();
    let code = status
        .code()
        .unwrap_or_else(|| panic!("msitrace {args:?} killed: {status}\n{stderr}"));
    assert_ne!(code, 101, "msitrace {args:?} panicked:\n{stderr}");
    Run {
        code,
        stdout,
        stderr,
    }
}

fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap();
}

/// The EVTX file of the campaign: `ElfFile\0`, NULs up to 4,096 bytes, then `X`.
fn evtx_4097() -> Vec<u8> {
    let mut bytes = b"ElfFile\0".to_vec();
    bytes.resize(4096, 0);
    bytes.push(b'X');
    bytes
}

/// Every report format of `analyze` on `inputs`: each must exit 2 and say "nothing analysed".
fn assert_nothing_analysed(inputs: &[&str]) {
    for format in ["text", "json", "markdown", "sarif", "html"] {
        let mut args = vec!["analyze", "--format", format];
        args.extend_from_slice(inputs);
        let r = run(&args);
        assert_eq!(r.code, 2, "{inputs:?} --format {format}: {}", r.stderr);
        let lower = r.stdout.to_lowercase();
        assert!(
            lower.contains("nothing analysed") || lower.contains("nothing_analysed"),
            "{inputs:?} --format {format} does not say nothing was analysed:\n{}",
            r.stdout
        );
        assert!(
            !lower.contains("no failure found") && !lower.contains("no_failure_found"),
            "{inputs:?} --format {format} says no failure found:\n{}",
            r.stdout
        );
        assert!(!r.stderr.is_empty(), "stderr says why");
    }
    // Whatever --fail-on says.
    let mut args = vec!["analyze", "--fail-on", "never", "--format", "json"];
    args.extend_from_slice(inputs);
    let r = run(&args);
    assert_eq!(r.code, 2, "{inputs:?} --fail-on never");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["verdict"], "nothing_analysed");
    assert_eq!(v["failed"], false);
}

#[test]
fn an_empty_folder_exits_2_and_every_format_says_nothing_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("winevt-Logs");
    std::fs::create_dir(&empty).unwrap();
    assert_nothing_analysed(&[empty.to_str().unwrap()]);
    let r = run(&["analyze", empty.to_str().unwrap()]);
    assert_eq!(
        r.stderr.trim(),
        "msitrace: nothing analysed: no input was found in the paths given (empty folder or \
         bundle?), so no failure could be looked for"
    );
    let r = run(&["graph", empty.to_str().unwrap()]);
    assert_eq!(r.code, 2, "graph: {}", r.stderr);
    let r = run(&["events", empty.to_str().unwrap()]);
    assert_eq!(r.code, 2, "events: {}", r.stderr);
    assert!(r.stderr.contains("nothing analysed"), "{}", r.stderr);
}

#[test]
fn an_empty_zip_exits_2_with_no_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("collected.zip");
    write_zip(&zip, &[]);
    assert_nothing_analysed(&[zip.to_str().unwrap()]);
    let r = run(&["analyze", "--format", "json", zip.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["inputs"], serde_json::json!([]));
}

#[test]
fn a_missing_path_exits_2() {
    assert_nothing_analysed(&["no/such/install.log"]);
    let r = run(&["events", "no/such/install.log"]);
    assert_eq!(r.code, 2);
}

#[test]
fn only_unsupported_unreadable_or_skipped_inputs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let pml = dir.path().join("capture.PML");
    std::fs::write(&pml, b"PML_\x09\x00\x00\x00 not yet read by this version").unwrap();
    let junk = dir.path().join("notes.txt");
    std::fs::write(&junk, b"nothing here looks like a log\n").unwrap();
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, b"").unwrap();
    let zip = dir.path().join("bundle.zip");
    write_zip(
        &zip,
        &[
            ("readme.txt", b"hello"),
            ("../escape.log", b"MSI (s) (18:F4) [12:02:17:898]: x\r\n"),
        ],
    );
    let evtx = dir.path().join("broken.evtx");
    std::fs::write(&evtx, evtx_4097()).unwrap();
    let all: Vec<&str> = [&pml, &junk, &empty, &zip, &evtx]
        .iter()
        .map(|p| p.to_str().unwrap())
        .collect();
    assert_nothing_analysed(&all);
    // The skipped and refused entries are listed as such.
    let r = run(&["analyze", zip.to_str().unwrap()]);
    assert!(r.stdout.contains("bundle.zip!/readme.txt"), "{}", r.stdout);
    assert!(r.stdout.contains("skipped"), "{}", r.stdout);
    assert!(r.stdout.contains("leaves the bundle"), "{}", r.stdout);
    // One analysed input is enough to report a verdict on it.
    let good = root().join("fixtures/msilog/success-utf8.log");
    let mut args = vec!["analyze", "--format", "json", good.to_str().unwrap()];
    args.extend_from_slice(&all);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["verdict"], "no_failure_found");
}

/// Regression (issue 13): two or more EVTX inputs hung on the default pool, among them this
/// 4,097-byte file given twice.
#[test]
fn the_4097_byte_evtx_given_twice_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let evtx = dir.path().join("x.evtx");
    std::fs::write(&evtx, evtx_4097()).unwrap();
    let p = evtx.to_str().unwrap();
    for command in ["analyze", "graph"] {
        let r = run(&[command, p, p]);
        assert_eq!(
            r.code, 2,
            "{command}: nothing in it can be read\n{}",
            r.stderr
        );
    }
    // A listing lists nothing, and names the damaged part of each input.
    let r = run(&["events", p, p]);
    assert_eq!(r.stdout, "");
    // The same file named twice is read once (issue 19).
    assert_eq!(r.stderr.matches("EVTX file cut inside chunk 0").count(), 1);
}

/// Regression (issue 13): `.zip` bundles holding event logs hung on the default pool.
#[test]
fn zip_bundles_holding_event_logs_finish() {
    let dir = tempfile::tempdir().unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("a/x.evtx".into(), evtx_4097()),
        ("b/x.evtx".into(), evtx_4097()),
    ];
    let corpus = root().join("../shared/corpus/evtx");
    if let Ok(files) = std::fs::read_dir(&corpus) {
        let mut files: Vec<PathBuf> = files.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files.iter().filter(|f| {
            f.extension().is_some_and(|x| x == "evtx")
                && std::fs::metadata(f).is_ok_and(|m| m.len() < 1 << 21)
        }) {
            let name = format!("winevt/{}", f.file_name().unwrap().to_string_lossy());
            entries.push((name, std::fs::read(f).unwrap()));
        }
    } else {
        eprintln!("SKIPPED (partly): ../shared/corpus not found; synthetic EVTX files only");
    }
    let zip = dir.path().join("logs.zip");
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    write_zip(&zip, &borrowed);
    // Two bundles (the same file named twice is read once since issue 19: a copy makes two).
    let copy = dir.path().join("logs-copy.zip");
    std::fs::copy(&zip, &copy).unwrap();
    let z = zip.to_str().unwrap();
    let r = run(&["analyze", "--format", "json", z, copy.to_str().unwrap()]);
    assert!(r.code <= 2, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["inputs"].as_array().unwrap().len(),
        2 * entries.len(),
        "every entry of both bundles is listed"
    );
    let r = run(&["graph", z]);
    assert!(r.code <= 2, "{}", r.stderr);
}

/// Regression (issue 13): a `Time of Day` whose second-to-last byte is inside a multibyte
/// character panicked (exit 101) in `analyze`, `events` and `graph`; localized day-half markers
/// are read.
#[test]
fn japanese_locale_times_neither_panic_nor_get_lost() {
    let dir = tempfile::tempdir().unwrap();
    let smallest = dir.path().join("smallest.csv");
    std::fs::write(
        &smallest,
        "\"Time of Day\",\"PID\",\"Operation\",\"Result\"\r\n\"後\",\"0\",\"c\",\"\"\r\n",
    )
    .unwrap();
    let jp = dir.path().join("jp.csv");
    std::fs::write(
        &jp,
        "\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n\
         \"1:00:00 午後\",\"msiexec.exe\",\"4242\",\"CreateFile\",\"C:\\Windows\\Temp\\x.tmp\",\"ACCESS DENIED\",\"Desired Access: Generic Write\"\r\n\
         \"10:27:00.0012411 午前\",\"msiexec.exe\",\"4242\",\"CreateFile\",\"C:\\Windows\\Temp\\y.tmp\",\"ACCESS DENIED\",\"Desired Access: Generic Write\"\r\n",
    )
    .unwrap();
    let xml = dir.path().join("jp.xml");
    std::fs::write(
        &xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><procmon><eventlist><event>\
         <Time_of_Day>1:00:00 éP</Time_of_Day><Process_Name>a.exe</Process_Name><PID>1</PID>\
         <Operation>CreateFile</Operation><Path>C:\\x</Path><Result>ACCESS DENIED</Result>\
         <Detail></Detail></event></eventlist></procmon>",
    )
    .unwrap();
    for input in [&smallest, &jp, &xml] {
        for command in ["analyze", "events", "graph"] {
            run(&[command, input.to_str().unwrap()]);
        }
    }
    let r = run(&["events", "--format", "jsonl", jp.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("\"13:00:00\"") && r.stdout.contains("\"10:27:00.001241100\""),
        "the afternoon and morning markers are read:\n{}",
        r.stdout
    );
}
