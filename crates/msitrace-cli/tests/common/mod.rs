//! Helpers shared by the CLI test modules.

use assert_cmd::Command;
use std::path::PathBuf;

/// The repository root (fixtures and `../shared` are named from there).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The built `msitrace`, run from the repository root with the same output whatever the
/// terminal: no colour, no width from `COLUMNS`, no CI-only behaviour.
pub fn msitrace() -> Command {
    let mut cmd = Command::cargo_bin("msitrace").expect("the msitrace binary is built");
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env_remove("CI");
    cmd
}
