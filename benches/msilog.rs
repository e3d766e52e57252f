//! Throughput of the MSI log parser on a large synthetic verbose log (UTF-16LE, CRLF).
//!
//! One criterion group, `msilog`, measured in bytes of the input file:
//! - `decode_only`: UTF-16LE → UTF-8 decode of the whole file with encoding_rs, 256 KiB chunks into
//!   a reused `String`, no line splitting — the floor any parser has to pay;
//! - `parse`: `MsiLogParser` over a `BufReader<File>`, every event consumed;
//! - `analyze`: `analysis::analyze_paths` on the file (detection, parse, sessions, findings); the
//!   log is read, decoded and searched for clue words a few chunks ahead on a helper thread while
//!   the main thread parses, so its CPU time is above its wall time;
//! - `rules/evaluate_kept_events`: the rule engine alone over the events the analysis kept;
//! - `rules/build_failure_graph`: the failure graph and chains over the same kept events.
//!
//! ```text
//! cargo bench -p msitrace --bench msilog             # 200 MiB log (MSITRACE_BENCH_MB to change)
//! MSITRACE_BENCH_MB=20 cargo bench -p msitrace --bench msilog
//! ```
//!
//! The log is generated once into `<target>/bench-data/` (`CARGO_TARGET_DIR`, else the workspace's
//! `target/`) and reused by later runs. Run outside `cargo bench` (e.g. `cargo test --benches`,
//! which runs each benchmark once as a test) the default size is 2 MiB instead.
//!
//! Peak memory is not measured here; measure it on the release CLI:
//!
//! ```text
//! MSITRACE_BENCH_GEN_ONLY=1 cargo bench -p msitrace --bench msilog   # prints the log's path, exits
//! cargo build --release
//! /usr/bin/time -v target/release/msitrace analyze <printed path> --format json > /dev/null
//! #   -> "Maximum resident set size (kbytes)"
//! ```

#[path = "generator.rs"]
mod generator;

#[path = "bench_setup.rs"]
mod bench_setup;

use criterion::{Criterion, Throughput};
use encoding_rs::{CoderResult, UTF_16LE};
use msitrace::internals::{
    build_failure_graph, rule_subjects, EventIndex, SessionFacts, SessionTracker,
};
use msitrace::source::msilog::{MsiLogParser, MsiLogSettings};
use msitrace::source::TextEncoding;
use msitrace::{analyze_paths, AnalysisSettings};
use std::fs::{self, File};
use std::hint::black_box;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

/// Bump when the generator's output changes, so stale files are not reused.
const GENERATOR_VERSION: u32 = 1;

const CHUNK: usize = 256 * 1024;

fn main() {
    let bench_setup::Setup { gen_only, mb, .. } = bench_setup::setup(200, 2);
    let path = prepare(mb << 20).expect("cannot generate the benchmark log");
    let len = fs::metadata(&path).expect("generated log").len();
    if gen_only {
        println!("{}", path.display());
        return;
    }
    eprintln!(
        "msilog bench input: {} ({len} bytes, {:.1} MiB)",
        path.display(),
        len as f64 / (1 << 20) as f64
    );
    check(&path);

    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &path, len);
    c.final_summary();
}

/// Generate the log unless a complete one of this size is already there.
fn prepare(target_bytes: u64) -> io::Result<PathBuf> {
    let dir = bench_setup::data_dir();
    fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    let mib = target_bytes >> 20;
    let path = dir.join(format!("msilog-v{GENERATOR_VERSION}-{mib}MiB.log"));
    // Written under a temporary name and renamed: an existing file is a complete one.
    if fs::metadata(&path).is_ok_and(|m| m.len() >= target_bytes) {
        return Ok(path);
    }
    let partial = path.with_extension("log.partial");
    eprintln!("generating {} ...", path.display());
    generator::write_verbose_log(&partial, target_bytes)?;
    fs::rename(&partial, &path)?;
    Ok(path)
}

/// The three measured operations agree with what the generator wrote.
fn check(path: &Path) {
    let text_len = decode_only(path, &mut String::new()).expect("decode");
    let events = parse(path).expect("parse");
    let report = analyze(path);
    assert!(events > 1000, "too few events: {events}");
    let session = report.sessions.first().expect("one session");
    let outcome = session.outcome.as_ref().expect("an outcome");
    assert_eq!(outcome.code, 1603);
    assert_eq!(
        report.findings.first().map(|f| f.id.as_str()),
        Some("msi.file.write-failed")
    );
    let (start, end) = (session.start.expect("start"), session.end.expect("end"));
    assert!(end.date() > start.date(), "the log passes midnight once");
    eprintln!(
        "check: {text_len} bytes of UTF-8 text, {events} events, lines {}-{}, {start} → {end}",
        session.lines[0], session.lines[1]
    );
}

fn bench(c: &mut Criterion, path: &Path, len: u64) {
    let mut group = c.benchmark_group("msilog");
    group.throughput(Throughput::Bytes(len));
    group.sample_size(10);
    let mut text = String::new();
    group.bench_function("decode_only", |b| {
        b.iter(|| decode_only(black_box(path), &mut text).expect("decode"))
    });
    group.bench_function("parse", |b| {
        b.iter(|| parse(black_box(path)).expect("parse"))
    });
    group.bench_function("analyze", |b| b.iter(|| analyze(black_box(path))));
    group.finish();

    // The rule engine alone, over what the analysis of the same file keeps (its cost as a share of
    // `analyze` is the figure to watch; it runs once per analysis, not per line).
    let facts = sessions(path).expect("parse");
    let subjects = rule_subjects(&facts);
    let report = analyze(path);
    let rules = msitrace::rules::active(None);
    let mut group = c.benchmark_group("rules");
    group.sample_size(20);
    group.throughput(Throughput::Elements(subjects.len() as u64));
    group.bench_function("evaluate_kept_events", |b| {
        b.iter(|| {
            msitrace::rules::evaluate_rules(rules.iter().copied(), black_box(&subjects)).len()
        })
    });
    // The failure graph over the same kept events and the report's findings.
    group.bench_function("build_failure_graph", |b| {
        b.iter(|| {
            let index = EventIndex::for_findings(
                &report.inputs,
                &report.findings,
                facts.iter().flat_map(SessionFacts::events),
            );
            let (graph, chains) =
                build_failure_graph(&report.findings, &report.sessions, &report.captures, &index);
            black_box((graph.len(), chains.len()))
        })
    });
    group.finish();
}

/// The sessions of the file as the analysis keeps them.
fn sessions(path: &Path) -> io::Result<Vec<SessionFacts>> {
    let file = BufReader::new(File::open(path)?);
    let parser = MsiLogParser::new(file, TextEncoding::Utf16LeBom, 0, MsiLogSettings::default());
    let mut tracker = SessionTracker::new(0, &path.display().to_string());
    for event in parser {
        tracker.push(event.map_err(io::Error::other)?);
    }
    Ok(tracker.finish())
}

/// Decode the file from UTF-16LE (BOM removed) into `text`, chunk by chunk; returns the UTF-8 length.
fn decode_only(path: &Path, text: &mut String) -> io::Result<u64> {
    let mut file = File::open(path)?;
    let mut decoder = UTF_16LE.new_decoder_with_bom_removal();
    let mut raw = vec![0u8; CHUNK];
    let room = decoder
        .max_utf8_buffer_length(CHUNK)
        .expect("chunk size fits");
    text.clear();
    text.reserve(room);
    let mut total = 0u64;
    loop {
        let n = loop {
            match file.read(&mut raw) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r?,
            }
        };
        let last = n == 0;
        let mut input = &raw[..n];
        loop {
            let (result, read, _) = decoder.decode_to_string(input, text, last);
            input = &input[read..];
            total += text.len() as u64;
            black_box(text.as_str());
            text.clear();
            if result == CoderResult::InputEmpty {
                break;
            }
        }
        if last {
            return Ok(total);
        }
    }
}

/// Parse the file, consuming every event; returns the number of events.
fn parse(path: &Path) -> io::Result<u64> {
    let file = BufReader::new(File::open(path)?);
    let parser = MsiLogParser::new(file, TextEncoding::Utf16LeBom, 0, MsiLogSettings::default());
    let mut events = 0u64;
    for event in parser {
        black_box(event.map_err(io::Error::other)?);
        events += 1;
    }
    Ok(events)
}

fn analyze(path: &Path) -> msitrace::analysis::Report {
    analyze_paths(&[path.to_path_buf()], &AnalysisSettings::default())
}
