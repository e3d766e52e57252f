//! Throughput of the EVTX source and of `analyze` on a large EVTX file joined from the corpus's
//! real chunks (see `evtx_generator.rs`).
//!
//! One criterion group, `evtx`, measured in bytes of the input file:
//! - `analyze/1` and `analyze/2`: `analysis::analyze_paths` with 1 and 2 worker threads (only the
//!   records that can explain an install are decoded; the others are counted per provider);
//! - `decode_all/2`: the EVTX source with `KeepPolicy::All` (every record rendered and read), 2 threads.
//!
//! ```text
//! cargo bench -p msitrace --bench evtx              # 72 MiB file (MSITRACE_BENCH_MB to change)
//! MSITRACE_BENCH_GEN_ONLY=1 cargo bench -p msitrace --bench evtx   # prints the file's path, exits
//! ```
//!
//! The file is built once into `<target>/bench-data/` from `../shared/corpus/evtx` (skipped with a
//! message when the corpus is absent). Compare with the reference renderer on the same file and
//! thread count, e.g. `evtx_dump -t 1 -o jsonl <file> > /dev/null` against
//! `msitrace analyze --threads 1 <file> --format json > /dev/null`, and `/usr/bin/time -v` for the
//! peak memory. Outside `cargo bench` (`cargo test --benches`) the file is 4 MiB.

#[path = "evtx_generator.rs"]
mod evtx_generator;

#[path = "bench_setup.rs"]
mod bench_setup;

use criterion::{BenchmarkId, Criterion, Throughput};
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::source::evtx::{EvtxParser, EvtxSettings};
use msitrace::source::KeepPolicy;
use std::fs;
use std::hint::black_box;
use std::io;
use std::path::{Path, PathBuf};

/// Bump when the generator's output changes, so stale files are not reused.
const GENERATOR_VERSION: u32 = 1;

fn main() {
    let bench_setup::Setup { gen_only, mb, .. } = bench_setup::setup(72, 4);
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/evtx");
    if !corpus.is_dir() {
        eprintln!(
            "SKIPPED: {} not found; the EVTX bench needs the corpus",
            corpus.display()
        );
        return;
    }
    let path = prepare(&corpus, mb << 20).expect("cannot generate the benchmark EVTX file");
    let len = fs::metadata(&path).expect("generated file").len();
    if gen_only {
        println!("{}", path.display());
        return;
    }
    eprintln!(
        "evtx bench input: {} ({len} bytes, {:.1} MiB)",
        path.display(),
        len as f64 / (1 << 20) as f64
    );
    let (records, decoded) = read(&path, KeepPolicy::OfInterest, 2);
    assert!(
        records > 1000 && decoded > 0,
        "{records} records, {decoded} decoded"
    );
    eprintln!("check: {records} records, {decoded} decoded for the analysis");

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("evtx");
    group.throughput(Throughput::Bytes(len));
    group.sample_size(10);
    for threads in [1, 2] {
        let settings = AnalysisSettings {
            threads: Some(threads),
            ..Default::default()
        };
        group.bench_with_input(BenchmarkId::new("analyze", threads), &path, |b, p| {
            b.iter(|| analyze_paths(&[black_box(p.clone())], &settings))
        });
    }
    group.bench_with_input(BenchmarkId::new("decode_all", 2), &path, |b, p| {
        b.iter(|| read(black_box(p), KeepPolicy::All, 2))
    });
    group.finish();
    c.final_summary();
}

/// Read the file; (records read, records decoded).
fn read(path: &Path, keep: KeepPolicy, threads: usize) -> (u64, u64) {
    let settings = EvtxSettings { threads, keep };
    let mut source = EvtxParser::open(path, 0, settings).expect("open");
    for item in source.by_ref() {
        black_box(item.ok());
    }
    (source.stats().records, source.stats().decoded)
}

/// Build the file unless a complete one of this size is already there.
fn prepare(corpus: &Path, target_bytes: u64) -> io::Result<PathBuf> {
    let dir = bench_setup::data_dir();
    fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    let path = dir.join(format!(
        "evtx-v{GENERATOR_VERSION}-{}MiB.evtx",
        target_bytes >> 20
    ));
    if fs::metadata(&path).is_ok_and(|m| m.len() >= target_bytes) {
        return Ok(path);
    }
    let partial = path.with_extension("evtx.partial");
    eprintln!("generating {} ...", path.display());
    evtx_generator::write_joined_evtx(corpus, &partial, target_bytes)?;
    fs::rename(&partial, &path)?;
    Ok(path)
}
