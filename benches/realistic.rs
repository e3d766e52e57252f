//! The whole analysis on inputs made of real files, next to the bare reference program of each
//! format, in the same run.
//!
//! The inputs are built at bench time from `../shared/corpus` with the scripts of
//! `../shared/bench` (see its README), into `<target>/bench-data/`:
//! - `evtx_real`: the corpus's EVTX chunks repeated (`evtx_join_chunks.py`, 9 repeats, ~76 MB);
//!   reference `evtx_dump -t N -o jsonl` (set `MSITRACE_EVTX_DUMP` or have it on `PATH`;
//!   `cargo install evtx --version 0.15.1`), at 1 and 2 threads like the analysis;
//! - `msilog_real`: the corpus's MSI logs appended (`msilog_join.py`); reference
//!   `csvbench/decode_utf16` (a bare encoding_rs decode and line count);
//! - `procmon_real`: the rows of the corpus's 7-column exports repeated (`procmon_join.py`);
//! - `procmon_hostile`: `csvbench/gen`, failure-heavy (installers exiting with 1603 again and
//!   again); both captures against `csvbench/count_bytes` (a bare `csv::ByteRecord` scan).
//!
//! The `csvbench` programs are taken from `MSITRACE_CSVBENCH_DIR` (a folder holding the release
//! binaries) or built once into `<target>/csvbench`. A reference that is missing is skipped with
//! a message; without `../shared` (or `python3`) the whole bench is skipped with a message.
//!
//! `MSITRACE_BENCH_ONLY=procmon` (parts of names, separated by commas) builds and runs only the
//! pairs whose name holds one of them.
//!
//! Sizes: `MSITRACE_BENCH_MB` (default 150 MiB under `cargo bench`, 4 MiB as a test) for the
//! MSI log and both captures; the EVTX input has a fixed size. Before criterion, each pair is
//! timed in one pass (best of 3, interleaved) and the ratio printed against its target. The
//! analysis runs with the CLI's allocator (mimalloc) and, like the CLI's JSON report, without
//! building the timeline.
//!
//! ```text
//! cargo bench -p msitrace --bench realistic
//! MSITRACE_BENCH_MB=1024 cargo bench -p msitrace --bench realistic   # the issue's 1 GB captures
//! MSITRACE_BENCH_MB=200 MSITRACE_BENCH_ONLY=msilog_real cargo bench -p msitrace --bench realistic
//! MSITRACE_BENCH_MB=1024 MSITRACE_BENCH_ONLY=procmon cargo bench -p msitrace --bench realistic
//! ```

#[path = "bench_setup.rs"]
mod bench_setup;

/// The CLI's allocator, so that the analysis costs here what it costs a user.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, Throughput};
use msitrace::analysis::{analyze_paths, AnalysisSettings, Report};
use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One input and its reference program.
struct Pair {
    name: &'static str,
    path: PathBuf,
    /// Threads of the analysis (and of the reference, when it takes a count).
    threads: usize,
    /// The reference program and its arguments (the input is added last), when available.
    reference: Option<(PathBuf, Vec<String>)>,
    /// What the issue asks: msitrace time / reference time at most this.
    target: f64,
}

fn main() {
    let setup = bench_setup::setup(150, 4);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = root.join("../shared");
    if !shared.join("corpus").is_dir() || !shared.join("bench").is_dir() {
        eprintln!("SKIPPED: ../shared/corpus or ../shared/bench not found; no realistic inputs");
        return;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 not found; the realistic inputs cannot be built");
        return;
    }
    let dir = bench_setup::data_dir();
    fs::create_dir_all(&dir).expect("bench-data folder");
    let dir = dir.canonicalize().expect("bench-data folder");
    let bytes = setup.mb << 20;
    let csvbench = csvbench(&shared, &dir);
    let tool = |name: &str| csvbench.as_ref().map(|d| d.join(name));
    let mut pairs = Vec::new();

    let evtx = dir.join("real-evtx-x9.evtx");
    if wanted("evtx_real")
        && build(&evtx, |out| {
            let mut c = script(&shared, "evtx_join_chunks.py", out);
            c.arg("9").args(corpus_files(&shared, "evtx", &["evtx"]));
            c
        })
    {
        let dump = std::env::var_os("MSITRACE_EVTX_DUMP")
            .map(PathBuf::from)
            .or_else(|| on_path("evtx_dump"));
        if dump.is_none() {
            eprintln!(
                "evtx_real: evtx_dump not found (MSITRACE_EVTX_DUMP, PATH); reference skipped"
            );
        }
        for threads in [1, 2] {
            pairs.push(Pair {
                name: if threads == 1 {
                    "evtx_real_1t"
                } else {
                    "evtx_real_2t"
                },
                path: evtx.clone(),
                threads,
                reference: dump.clone().map(|d| {
                    let args = ["-t", &threads.to_string(), "-o", "jsonl"];
                    (d, args.iter().map(|s| s.to_string()).collect())
                }),
                target: 0.75,
            });
        }
    }

    let msilog = dir.join(format!("real-msilog-{}MiB.log", setup.mb));
    if wanted("msilog_real")
        && build(&msilog, |out| {
            let mut c = script(&shared, "msilog_join.py", out);
            c.arg(bytes.to_string())
                .args(corpus_files(&shared, "msilog", &["log"]));
            c
        })
    {
        pairs.push(Pair {
            name: "msilog_real",
            path: msilog,
            threads: 2,
            reference: tool("decode_utf16").map(|t| (t, Vec::new())),
            // At least half the decode speed: msitrace at most twice its time.
            target: 2.0,
        });
    }

    let real = dir.join(format!("real-procmon-{}MiB.csv", setup.mb));
    if wanted("procmon_real")
        && build(&real, |out| {
            let mut c = script(&shared, "procmon_join.py", out);
            c.arg(bytes.to_string()).args(seven_column_exports(&shared));
            c
        })
    {
        pairs.push(Pair {
            name: "procmon_real",
            path: real,
            threads: 2,
            reference: tool("count_bytes").map(|t| (t, Vec::new())),
            target: 1.0,
        });
    }
    if let Some(gen) = tool("gen").filter(|_| wanted("procmon_hostile")) {
        let hostile = dir.join(format!("hostile-procmon-{}MiB.csv", setup.mb));
        if build(&hostile, |out| {
            let mut c = Command::new(&gen);
            c.arg(out).arg(bytes.to_string());
            c
        }) {
            pairs.push(Pair {
                name: "procmon_hostile",
                path: hostile,
                threads: 2,
                reference: tool("count_bytes").map(|t| (t, Vec::new())),
                target: 1.43,
            });
        }
    }
    pairs.retain(|p| wanted(p.name));
    if setup.gen_only {
        for p in &pairs {
            println!("{}", p.path.display());
        }
        return;
    }
    for p in &pairs {
        same_run(p);
    }
    if !setup.benching {
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    for p in &pairs {
        let len = fs::metadata(&p.path).expect("input").len();
        let mut group = c.benchmark_group(p.name);
        group.throughput(Throughput::Bytes(len));
        group.sample_size(10);
        group.bench_function("msitrace", |b| {
            b.iter_with_large_drop(|| analyze(black_box(p)))
        });
        if let Some((program, args)) = &p.reference {
            group.bench_function("reference", |b| {
                b.iter(|| run_reference(program, args, &p.path))
            });
        }
        group.finish();
    }
    c.final_summary();
}

/// The analysis of one input, as `msitrace analyze --format json` runs it (without rendering:
/// the JSON report has no timeline). The report is handed back so that the timing leaves out
/// freeing it: the CLI exits without freeing it.
fn analyze(p: &Pair) -> Report {
    let settings = AnalysisSettings {
        threads: Some(p.threads),
        skip_timeline: true,
        ..AnalysisSettings::default()
    };
    let report = analyze_paths(std::slice::from_ref(&p.path), &settings);
    assert!(
        report.inputs.iter().all(|i| i.error.is_none()),
        "{}: {:?}",
        p.path.display(),
        report.inputs[0].error
    );
    report
}

fn run_reference(program: &Path, args: &[String], input: &Path) {
    let status = Command::new(program)
        .args(args)
        .arg(input)
        .stdout(Stdio::null())
        .status()
        .expect("reference program runs");
    assert!(
        status.success(),
        "{} failed on {}",
        program.display(),
        input.display()
    );
}

/// Time the analysis and its reference in one pass (best of 3, interleaved); print the ratio.
fn same_run(p: &Pair) {
    let mb = fs::metadata(&p.path).expect("input").len() as f64 / 1e6;
    let (mut ours, mut theirs) = (f64::MAX, f64::MAX);
    let mut findings = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let report = analyze(p);
        ours = ours.min(t.elapsed().as_secs_f64());
        findings = report.findings.len();
        if let Some((program, args)) = &p.reference {
            let t = Instant::now();
            run_reference(program, args, &p.path);
            theirs = theirs.min(t.elapsed().as_secs_f64());
        }
    }
    if p.reference.is_some() {
        let ratio = ours / theirs;
        eprintln!(
            "{}: {mb:.0} MB, {findings} findings | msitrace {ours:.2} s | reference {theirs:.2} s | ratio {ratio:.2} (target <= {:.2}: {})",
            p.name,
            p.target,
            if ratio <= p.target { "met" } else { "missed" }
        );
    } else {
        eprintln!(
            "{}: {mb:.0} MB, {findings} findings | msitrace {ours:.2} s | no reference",
            p.name
        );
    }
}

/// True when a pair, or a family of pairs (`evtx_real` for both thread counts), is to be built
/// and measured: `MSITRACE_BENCH_ONLY` unset, or one of its comma-separated parts in the name
/// (`procmon`), or naming a pair of the family (`evtx_real_1t`).
fn wanted(name: &str) -> bool {
    std::env::var("MSITRACE_BENCH_ONLY")
        .ok()
        .is_none_or(|only| {
            only.split(',')
                .map(str::trim)
                .any(|w| !w.is_empty() && (name.contains(w) || w.starts_with(name)))
        })
}

/// Run `make(partial)` unless `path` exists, then move `partial` to `path`; false (with a
/// message) when it fails.
fn build(path: &Path, make: impl FnOnce(&Path) -> Command) -> bool {
    if path.is_file() {
        return true;
    }
    eprintln!("building {} ...", path.display());
    let partial = path.with_extension("partial");
    match make(&partial).stdout(Stdio::null()).status() {
        Ok(s) if s.success() && fs::rename(&partial, path).is_ok() => true,
        other => {
            eprintln!("SKIPPED {}: could not build it ({other:?})", path.display());
            false
        }
    }
}

fn script(shared: &Path, name: &str, out: &Path) -> Command {
    let mut c = Command::new("python3");
    c.arg(shared.join("bench").join(name)).arg(out);
    c
}

/// The corpus files of a folder with one of the extensions (any case), sorted.
fn corpus_files(shared: &Path, dir: &str, ext: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(shared.join("corpus").join(dir))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| {
        p.extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| ext.iter().any(|e| x.eq_ignore_ascii_case(e)))
    });
    out.sort();
    out
}

/// The corpus's Process Monitor CSV exports with the 7 default columns.
fn seven_column_exports(shared: &Path) -> Vec<PathBuf> {
    const HEADER: &[u8] =
        b"\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r";
    corpus_files(shared, "procmon-csv", &["csv"])
        .into_iter()
        .filter(|p| {
            fs::read(p).is_ok_and(|b| {
                let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&b);
                let line = b.split(|&c| c == b'\n').next().unwrap_or(b"");
                line == HEADER || line == &HEADER[..HEADER.len() - 1]
            })
        })
        .collect()
}

/// The csvbench programs: `MSITRACE_CSVBENCH_DIR`, else built once under `dir`.
fn csvbench(shared: &Path, dir: &Path) -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("MSITRACE_CSVBENCH_DIR") {
        return Some(PathBuf::from(d));
    }
    let target = dir.join("csvbench");
    let bin = target.join("release");
    if bin.join("count_bytes").is_file() {
        return Some(bin);
    }
    eprintln!(
        "building the csvbench reference programs into {} ...",
        target.display()
    );
    let ok = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--manifest-path"])
        .arg(shared.join("bench/csvbench/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(bin)
    } else {
        eprintln!("csvbench could not be built: references and the hostile capture skipped");
        None
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}
