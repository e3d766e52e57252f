//! Every cargo-fuzz target of msitrace: this binary runs the entry of `TARGETS` named like itself
//! (`cargo fuzz run msilog` runs the `msilog` entry).
//!
//! Not `forbid(unsafe_code)`: libFuzzer's entry point (`fuzz_target!`) is an exported symbol.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    msitrace_fuzz::targets::run(env!("CARGO_BIN_NAME"), data);
});
