//! Write a generated fleet: N bundles (one per machine) with known causes, made of the project's
//! scenario fixtures and, when present, a corpus log (see `benches/fleet_generator.rs`).
//!
//! ```text
//! cargo run --example make_fleet -- OUT_DIR N [--zips] [--plan PLAN.tsv]
//! ```
//!
//! `--zips` writes every good bundle as a `.zip` (for engines that read files, like Spark's
//! `binaryFiles`); `--plan` writes what each machine must show: `bundle  machine  cause  bad`
//! (tab-separated, `-` for no cause). Run from the repository root. Never commit a fleet.

#[path = "../benches/fleet_generator.rs"]
mod fleet_generator;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let zips = args.iter().any(|a| a == "--zips");
    let plan_file = args
        .iter()
        .position(|a| a == "--plan")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let positional: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--plan"))
        .map(|(_, a)| a)
        .collect();
    let (Some(out), Some(Ok(n))) = (
        positional.first(),
        positional.get(1).map(|n| n.parse::<usize>()),
    ) else {
        eprintln!("usage: make_fleet OUT_DIR N [--zips] [--plan PLAN.tsv]");
        return ExitCode::from(2);
    };
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let plan = match fleet_generator::write_fleet_as(&repo, &PathBuf::from(out), n, zips) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("make_fleet: cannot write the fleet into {out}: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(path) = plan_file {
        let mut text = String::from("bundle\tmachine\tcause\tbad\n");
        for m in &plan {
            text.push_str(&format!(
                "{}\t{}\t{}\t{}\n",
                m.bundle.escape_default(),
                m.machine.escape_default(),
                m.cause.unwrap_or("-"),
                m.bad
            ));
        }
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("make_fleet: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    let _ = writeln!(std::io::stdout(), "{} bundles written to {out}", plan.len());
    ExitCode::SUCCESS
}
