//! Fuzzing msitrace: the targets of [`targets::TARGETS`], run by cargo-fuzz (one binary per
//! target, all built from `fuzz_targets/target.rs`) and, on stable, by the mutation suite of the
//! library (`crates/msitrace/tests/mutations.rs`).

#![forbid(unsafe_code)]

pub mod targets;
