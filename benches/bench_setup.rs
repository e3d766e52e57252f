//! What every benchmark of this folder shares: its input size from the environment and where
//! generated inputs are kept.
//!
//! - `MSITRACE_BENCH_MB`: input size in MiB (each bench has its own default under `cargo bench`;
//!   run as a test, e.g. `cargo test --benches`, a small one);
//! - `MSITRACE_BENCH_GEN_ONLY=1`: generate the input, print its path and stop;
//! - inputs go to `$CARGO_TARGET_DIR/bench-data`, else `<workspace>/target/bench-data`.

// Each benchmark compiles this file on its own and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The size and mode a benchmark runs with.
pub struct Setup {
    /// Only generate the input and print its path.
    pub gen_only: bool,
    /// Input size in MiB.
    pub mb: u64,
    /// Run by `cargo bench` (not as a test).
    pub benching: bool,
}

/// Read the environment: `bench_mb` under `cargo bench` (or when only generating), `test_mb`
/// otherwise.
pub fn setup(bench_mb: u64, test_mb: u64) -> Setup {
    let gen_only = std::env::var_os("MSITRACE_BENCH_GEN_ONLY").is_some_and(|v| v != "0");
    // `cargo bench` passes `--bench`; without it (cargo test) keep the input small.
    let benching = std::env::args().any(|a| a == "--bench");
    let default_mb = if benching || gen_only {
        bench_mb
    } else {
        test_mb
    };
    let mb = match std::env::var("MSITRACE_BENCH_MB") {
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .expect("MSITRACE_BENCH_MB must be a whole number of MiB"),
        Err(_) => default_mb,
    };
    Setup {
        gen_only,
        mb,
        benching,
    }
}

/// Where generated inputs go.
pub fn data_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("bench-data")
}
