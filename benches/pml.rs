//! Process Monitor PML captures against their CSV exports, analysed the same way in the same run.
//!
//! - `pml_corpus/<capture>/{pml,csv}`: `analyze_paths` on each corpus capture and on the CSV
//!   Process Monitor exported from it (`../shared/corpus/procmon-pml` and `procmon-csv`;
//!   `.gz` files are decompressed once into the bench-data folder, so neither side pays for
//!   gzip);
//! - `pml_large/{pml,csv}`: the largest corpus capture's events repeated to about
//!   `MSITRACE_BENCH_MB` MiB of PML (a real capture's structure: its tables, new offsets), and its
//!   export's rows repeated as many times.
//!
//! ```text
//! cargo bench -p msitrace --bench pml                    # large capture of 256 MiB
//! MSITRACE_BENCH_MB=64 cargo bench -p msitrace --bench pml
//! ```
//!
//! Skipped, with a message, when `../shared` is absent.

#[path = "bench_setup.rs"]
mod bench_setup;

use criterion::Criterion;
use flate2::read::GzDecoder;
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::source::procmon::CaptureSettings;
use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

const PAIRS: &[(&str, &str, &str)] = &[
    (
        "Tests64bitUTC",
        "procmon-parser_Tests64bitUTC.PML.gz",
        "procmon-parser_Tests64bitUTC.CSV.gz",
    ),
    (
        "UTC32Filesystem",
        "procmon-parser_UTC32Filesystem.PML.gz",
        "procmon-parser_UTC32Filesystem.CSV",
    ),
    (
        "UTC64Process",
        "procmon-parser_UTC64Process.PML",
        "procmon-parser_UTC64Process.CSV",
    ),
    (
        "prsp0007",
        "prsp0007_samples_Logfile.PML",
        "prsp0007_samples_Logfile.CSV",
    ),
    (
        "zingus",
        "zingus_crysis_Logfile.PML",
        "zingus_crysis_Logfile.CSV",
    ),
];

fn read_all(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).expect("corpus file");
    if raw.starts_with(&[0x1F, 0x8B]) {
        let mut out = Vec::new();
        GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .expect("gzip");
        out
    } else {
        raw
    }
}

/// A plain copy of a corpus file in the bench-data folder.
fn plain(src: &Path, name: &str) -> PathBuf {
    let out = bench_setup::data_dir().join(format!("pml-pair-{name}"));
    if !out.exists() {
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        std::fs::write(&out, read_all(src)).unwrap();
    }
    out
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// The capture's events repeated `times` times, with a new offset table and its tables moved.
fn repeat_pml(pml: &[u8], times: u64) -> Vec<u8> {
    let (events, offsets, procs) = (
        u64_at(pml, 0x240) as usize,
        u64_at(pml, 0x248) as usize,
        u64_at(pml, 0x250) as usize,
    );
    let count = u32::from_le_bytes(pml[0x234..0x238].try_into().unwrap()) as u64;
    let span = (offsets - events) as u64;
    let mut out = pml[..events].to_vec();
    for _ in 0..times {
        out.extend_from_slice(&pml[events..offsets]);
    }
    let table_at = out.len() as u64;
    for t in 0..times {
        for i in 0..count as usize {
            let e = &pml[offsets + 5 * i..offsets + 5 * i + 5];
            let o = u32::from_le_bytes(e[..4].try_into().unwrap()) as u64 + t * span;
            out.extend_from_slice(&(o as u32).to_le_bytes());
            out.push(e[4]);
        }
    }
    let moved = out.len() as u64 - procs as u64;
    out.extend_from_slice(&pml[procs..]);
    out[0x234..0x238].copy_from_slice(&((count * times) as u32).to_le_bytes());
    out[0x248..0x250].copy_from_slice(&table_at.to_le_bytes());
    for at in [0x250, 0x258, 0x260, 0x3A0] {
        let v = u64_at(pml, at) + moved;
        out[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }
    out
}

/// The export's rows repeated `times` times under one header.
fn repeat_csv(csv: &[u8], times: u64) -> Vec<u8> {
    let header_end = csv.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut out = csv[..header_end].to_vec();
    for _ in 0..times {
        out.extend_from_slice(&csv[header_end..]);
    }
    out
}

fn analyze(path: &Path) -> usize {
    let settings = AnalysisSettings::default();
    analyze_paths(&[path.to_path_buf()], &settings)
        .findings
        .len()
}

/// The reader alone, keeping what matters (as `analyze` reads a capture), on one thread.
fn read_only(path: &Path, pml: bool) -> usize {
    let settings = CaptureSettings::default();
    if pml {
        msitrace::source::procmon::pml::read_file(path, 0, settings, 1)
            .expect("capture")
            .0
            .events
            .len()
    } else {
        msitrace::source::procmon::csv::read_file(path, 0, settings, 1)
            .expect("export")
            .events
            .len()
    }
}

fn best_of_3(f: impl Fn() -> usize) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let setup = bench_setup::setup(256, 8);
    let Some(corpus) = ["../shared/corpus", "../../../shared/corpus"]
        .iter()
        .map(|p| Path::new(env!("CARGO_MANIFEST_DIR")).join(p))
        .find(|p| p.join("procmon-pml").is_dir())
    else {
        eprintln!("SKIPPED: ../shared/corpus not found; the PML benchmark needs the corpus pairs");
        return;
    };
    let pairs: Vec<(&str, PathBuf, PathBuf)> = PAIRS
        .iter()
        .map(|(name, pml, csv)| {
            (
                *name,
                plain(
                    &corpus.join("procmon-pml").join(pml),
                    &format!("{name}.PML"),
                ),
                plain(
                    &corpus.join("procmon-csv").join(csv),
                    &format!("{name}.CSV"),
                ),
            )
        })
        .collect();
    let (_, big_pml, big_csv) = &pairs[0];
    let pml = std::fs::read(big_pml).unwrap();
    let times = ((setup.mb << 20) / pml.len() as u64).max(1);
    let large_pml = bench_setup::data_dir().join(format!("pml-large-{}MiB.PML", setup.mb));
    let large_csv = bench_setup::data_dir().join(format!("pml-large-{}MiB.CSV", setup.mb));
    if !large_pml.exists() || !large_csv.exists() {
        std::fs::write(&large_pml, repeat_pml(&pml, times)).unwrap();
        std::fs::write(
            &large_csv,
            repeat_csv(&std::fs::read(big_csv).unwrap(), times),
        )
        .unwrap();
    }
    if setup.gen_only {
        println!("{}\n{}", large_pml.display(), large_csv.display());
        return;
    }
    // Same run, same machine state: both sides timed, interleaved.
    let mut all = pairs.clone();
    all.push(("large", large_pml.clone(), large_csv.clone()));
    for (name, pml, csv) in &all {
        let (p, c) = (best_of_3(|| analyze(pml)), best_of_3(|| analyze(csv)));
        let (rp, rc) = (
            best_of_3(|| read_only(pml, true)),
            best_of_3(|| read_only(csv, false)),
        );
        println!(
            "pml {name}: analyze PML {:.1} ms, CSV {:.1} ms (PML/CSV {:.2}); read only (1 thread) PML {:.1} ms, CSV {:.1} ms",
            p * 1e3,
            c * 1e3,
            p / c,
            rp * 1e3,
            rc * 1e3
        );
    }
    if !setup.benching {
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    for (name, pml, csv) in &all {
        let mut group = c.benchmark_group(format!("pml_{name}"));
        group.sample_size(10);
        group.bench_function("pml", |b| b.iter(|| analyze(black_box(pml))));
        group.bench_function("csv", |b| b.iter(|| analyze(black_box(csv))));
        group.bench_function("pml_read_1t", |b| {
            b.iter(|| read_only(black_box(pml), true))
        });
        group.bench_function("csv_read_1t", |b| {
            b.iter(|| read_only(black_box(csv), false))
        });
        group.finish();
    }
    c.final_summary();
}
