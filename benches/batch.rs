//! Throughput of a fleet analysis (`msitrace batch`'s library path, `msitrace::fleet`) on
//! generated fleets of 200 and 2,000 bundles (`benches/fleet_generator.rs`: scenario fixtures
//! and a corpus log, half zips and half folders, four bad bundles), with 1 and 2 workers.
//!
//! One criterion group per fleet size, `batch/N`, measured in bundles (elements/s), with the
//! functions `jobs1` and `jobs2`. Time growing linearly from 200 to 2,000 bundles shows as equal
//! throughput in both groups.
//!
//! ```text
//! cargo bench -p msitrace --bench batch                          # fleets of 200 and 2000
//! MSITRACE_BENCH_FLEETS=200 cargo bench -p msitrace --bench batch
//! MSITRACE_BENCH_GEN_ONLY=1 cargo bench -p msitrace --bench batch   # print the fleets' paths
//! ```
//!
//! Fleets are generated once into `<target>/bench-data/` and reused. Run as a test (`cargo test
//! --benches`) the fleet has 20 bundles. Peak memory: `/usr/bin/time -v target/release/msitrace
//! batch <fleet> -j 2 --jsonl /dev/null` (see docs/fleet.md).

#[path = "fleet_generator.rs"]
mod fleet_generator;

#[path = "bench_setup.rs"]
mod bench_setup;

use criterion::{Criterion, Throughput};
use msitrace::fleet::{analyze_fleet, find_bundles, FleetSettings, FleetSummary};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Bump when the generator's output changes, so stale fleets are not reused.
const GENERATOR_VERSION: u32 = 1;

fn main() {
    let setup = bench_setup::setup(0, 0);
    let sizes: Vec<usize> = match std::env::var("MSITRACE_BENCH_FLEETS") {
        Ok(list) => list
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect(),
        Err(_) if setup.benching || setup.gen_only => vec![200, 2000],
        Err(_) => vec![20],
    };
    let fleets: Vec<(usize, PathBuf)> = sizes
        .iter()
        .map(|&n| (n, prepare(n).expect("cannot generate the benchmark fleet")))
        .collect();
    if setup.gen_only {
        for (_, path) in &fleets {
            println!("{}", path.display());
        }
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    for (n, path) in &fleets {
        check(path, *n);
        let mut group = c.benchmark_group(format!("batch/{n}"));
        group.throughput(Throughput::Elements(*n as u64));
        group.sample_size(10);
        for jobs in [1, 2] {
            group.bench_function(format!("jobs{jobs}"), |b| {
                b.iter(|| run(path, jobs).bundles())
            });
        }
        group.finish();
    }
    c.final_summary();
}

/// Analyse the fleet at `path` with `jobs` workers.
fn run(path: &Path, jobs: usize) -> FleetSummary {
    let (bundles, errors) = find_bundles(&[path.to_path_buf()]);
    assert!(errors.is_empty(), "{errors:?}");
    let mut summary = FleetSummary::new();
    let settings = FleetSettings {
        jobs,
        ..Default::default()
    };
    analyze_fleet(bundles, &settings, |record| summary.add(&record));
    summary
}

/// Generate a fleet of `n` bundles unless a complete one is there (its `.plan` file is written
/// last).
fn prepare(n: usize) -> std::io::Result<PathBuf> {
    let dir = bench_setup::data_dir();
    std::fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    let fleet = dir.join(format!("fleet-v{GENERATOR_VERSION}-{n}"));
    let plan = fleet.with_extension("plan");
    if plan.exists() {
        return Ok(fleet);
    }
    let _ = std::fs::remove_dir_all(&fleet);
    eprintln!("generating {} ...", fleet.display());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let machines = fleet_generator::write_fleet(&repo, &fleet, n)?;
    let text: String = machines
        .iter()
        .map(|m| {
            format!(
                "{}\t{}\n",
                m.machine.escape_default(),
                m.cause.unwrap_or("-")
            )
        })
        .collect();
    std::fs::write(&plan, text)?;
    Ok(fleet)
}

/// The measured path finds the planned causes on the planned number of machines.
fn check(path: &Path, n: usize) {
    let plan = std::fs::read_to_string(path.with_extension("plan")).expect("plan");
    let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
    for line in plan.lines() {
        if let Some((_, cause)) = line.split_once('\t').filter(|(_, c)| *c != "-") {
            *expected.entry(cause).or_default() += 1;
        }
    }
    let summary = run(path, 2);
    assert_eq!(summary.bundles(), n);
    let found: BTreeMap<String, usize> = summary
        .ranked_causes()
        .into_iter()
        .filter(|c| c.severity == msitrace::Severity::Error)
        .map(|c| (c.id, c.machines.len()))
        .collect();
    let expected: BTreeMap<String, usize> = expected
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    assert_eq!(found, expected);
    eprintln!("check: {n} bundles, causes as planned: {found:?}");
}
