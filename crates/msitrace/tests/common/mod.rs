//! Shared helpers of the behaviour tests: where the shared corpus is, and whether to skip.

#![allow(dead_code)]

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared` next to the workspace, when present. With `CI` set its absence is a failure; on a
/// developer machine the test says it was skipped.
pub fn shared() -> Option<PathBuf> {
    let dir = root().join("../shared");
    if dir.join("corpus").is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("../shared/corpus is missing: CI must run these tests against the real corpus");
    }
    eprintln!("SKIPPED: ../shared/corpus not found; corpus and case tests did not run");
    None
}
