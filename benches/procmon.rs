//! Throughput of the Process Monitor CSV reader on large synthetic captures (7 and 27 columns).
//!
//! For each layout, measured in bytes of the input file:
//! - `bare_scan`: a bare `csv::ByteRecord` scan of the file on one thread (the same reader
//!   settings as the parser: no header handling, flexible rows, 64 KiB buffer, reading the file
//!   directly) — the floor;
//! - `read_1t`: `procmon::csv::read_file_with` on one thread: every row classified and counted,
//!   failures and process lifecycle kept as typed events;
//! - `read_2t`: the same on two threads (chunked at row boundaries, merged in order).
//!
//! Before criterion runs, the three are timed in one pass (best of 3, interleaved) and the ratios
//! printed, so the targets (`read_1t` ≥ 70 % of `bare_scan`; `read_2t` ≥ 1.6 × `read_1t`) are
//! compared on the same machine state.
//!
//! ```text
//! cargo bench -p msitrace --bench procmon               # 1024 MiB per layout (MSITRACE_BENCH_MB)
//! MSITRACE_BENCH_MB=64 cargo bench -p msitrace --bench procmon
//! MSITRACE_BENCH_GEN_ONLY=1 cargo bench -p msitrace --bench procmon   # print the paths, exit
//! cargo build --release
//! /usr/bin/time -v target/release/msitrace analyze <path> --format json > /dev/null
//! ```
//!
//! Captures are generated once into `<target>/bench-data/` and reused; delete them when done.
//! Run outside `cargo bench` (e.g. `cargo test --benches`) the size is 2 MiB.

#[path = "procmon_generator.rs"]
mod generator;

#[path = "bench_setup.rs"]
mod bench_setup;

use criterion::{Criterion, Throughput};
use generator::Layout;
use msitrace::source::procmon::csv::{read_file_with, ChunkPlan};
use msitrace::source::procmon::CaptureSettings;
use std::fs::{self, File};
use std::hint::black_box;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Bump when the generator's output changes, so stale files are not reused.
const GENERATOR_VERSION: u32 = 3;

fn main() {
    let bench_setup::Setup {
        gen_only,
        mb,
        benching,
    } = bench_setup::setup(1024, 2);
    let inputs: Vec<(&str, PathBuf)> = [("7col", Layout::Default7), ("27col", Layout::All27)]
        .into_iter()
        .map(|(name, layout)| {
            let path = prepare(mb << 20, name, layout).expect("cannot generate the capture");
            (name, path)
        })
        .collect();
    if gen_only {
        for (_, p) in &inputs {
            println!("{}", p.display());
        }
        return;
    }
    for (name, path) in &inputs {
        same_run(name, path);
    }
    if !benching {
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    for (name, path) in &inputs {
        let len = fs::metadata(path).expect("capture").len();
        let mut group = c.benchmark_group(format!("procmon_{name}"));
        group.throughput(Throughput::Bytes(len));
        group.sample_size(10);
        group.bench_function("bare_scan", |b| {
            b.iter(|| bare_scan(black_box(path)).expect("scan"))
        });
        group.bench_function("read_1t", |b| b.iter(|| read(black_box(path), 1)));
        group.bench_function("read_2t", |b| b.iter(|| read(black_box(path), 2)));
        group.finish();
    }
    c.final_summary();
}

fn prepare(target_bytes: u64, name: &str, layout: Layout) -> io::Result<PathBuf> {
    let dir = bench_setup::data_dir();
    fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    let mib = target_bytes >> 20;
    let path = dir.join(format!("procmon-{name}-v{GENERATOR_VERSION}-{mib}MiB.csv"));
    if fs::metadata(&path).is_ok_and(|m| m.len() >= target_bytes) {
        return Ok(path);
    }
    let partial = path.with_extension("csv.partial");
    eprintln!("generating {} ...", path.display());
    generator::write_capture(&partial, target_bytes, layout)?;
    fs::rename(&partial, &path)?;
    Ok(path)
}

/// Count the records of the file with a bare `csv::ByteRecord` loop.
fn bare_scan(path: &Path) -> io::Result<u64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(File::open(path)?);
    let mut record = csv::ByteRecord::new();
    let mut n = 0u64;
    while reader
        .read_byte_record(&mut record)
        .map_err(io::Error::other)?
    {
        n += 1;
        black_box(&record);
    }
    Ok(n)
}

/// Read the capture with the reader on `threads` threads; returns (rows, kept events).
fn read(path: &Path, threads: usize) -> (u64, usize) {
    let plan = ChunkPlan {
        threads,
        min_parallel: 0,
        chunk_bytes: None,
    };
    let read = read_file_with(path, 0, CaptureSettings::default(), plan).expect("read");
    assert!(read.errors.is_empty(), "{:?}", &read.errors[..1]);
    (read.tally.rows, read.events.len())
}

/// Time the three operations in one pass (best of 3, interleaved) and print the ratios.
fn same_run(name: &str, path: &Path) {
    let len = fs::metadata(path).expect("capture").len() as f64;
    let mb = len / 1e6;
    let (mut bare, mut one, mut two) = (f64::MAX, f64::MAX, f64::MAX);
    let mut rows = (0, 0, 0);
    for _ in 0..3 {
        let t = Instant::now();
        let records = bare_scan(path).expect("scan");
        bare = bare.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let (r1, kept1) = read(path, 1);
        one = one.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let (r2, _) = read(path, 2);
        two = two.min(t.elapsed().as_secs_f64());
        assert_eq!(records, r1 + 1, "every record but the header is a row");
        assert_eq!(r1, r2, "one and two threads read the same rows");
        rows = (r1, kept1, records);
    }
    eprintln!(
        "procmon {name}: {:.0} MB, {} rows, {} kept events | bare_scan {:.0} MB/s | read_1t {:.0} MB/s ({:.0} % of bare) | read_2t {:.0} MB/s ({:.2}x read_1t, {:.2}x bare)",
        mb,
        rows.0,
        rows.1,
        mb / bare,
        mb / one,
        100.0 * bare / one,
        mb / two,
        one / two,
        bare / two,
    );
}
