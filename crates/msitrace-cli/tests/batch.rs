//! `msitrace batch` run as a process over fleets generated into a temporary folder: causes
//! ranked by machines, bad bundles listed, `--fail-on` exit statuses, the JSON-line shape, and
//! hostile names that neither escape the bundle nor reach the outputs raw.

#[path = "../../../benches/fleet_generator.rs"]
mod fleet_generator;

use crate::common::{msitrace, root};
use fleet_generator::{write_fleet, PlannedMachine};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Expected machines by cause, from the generator's plan.
fn expected_causes(plan: &[PlannedMachine]) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for m in plan {
        if let Some(cause) = m.cause {
            out.entry(cause).or_default().insert(m.machine.clone());
        }
    }
    out
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn fleet_causes_ranked_by_machines_with_bad_bundles_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let fleet = tmp.path().join("fleet");
    let plan = write_fleet(&root(), &fleet, 44).unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let run = msitrace()
        .arg("batch")
        .arg(&fleet)
        .args(["--jobs", "2", "--jsonl"])
        .arg(out.join("machines.jsonl"))
        .arg("--json")
        .arg(out.join("summary.json"))
        .arg("--markdown")
        .arg(out.join("summary.md"))
        .arg("--html")
        .arg(out.join("summary.html"))
        .arg("--text")
        .arg(out.join("summary.txt"))
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(1),
        "a failing machine fails the batch"
    );

    // The ranked causes are the planned ones, with their machines, most machines first.
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let expected = expected_causes(&plan);
    let causes = summary["causes"].as_array().unwrap();
    let errors: Vec<&Value> = causes.iter().filter(|c| c["severity"] == "error").collect();
    assert_eq!(errors.len(), expected.len(), "{causes:#?}");
    for c in &errors {
        let id = c["id"].as_str().unwrap();
        let machines: BTreeSet<String> = c["machines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect();
        assert_eq!(Some(&machines), expected.get(id), "machines of {id}");
    }
    let counts: Vec<usize> = causes
        .iter()
        .map(|c| c["machines"].as_array().unwrap().len())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(causes[0]["id"], "msi.temp-folder.access-denied");
    assert_eq!(causes[0]["products"][0]["product"], "Contoso Tools");
    assert_eq!(causes[0]["products"][0]["version"], "3.1.0");
    assert_eq!(causes[0]["first_seen"], "2026-11-18T14:02:11");
    let failed = plan.iter().filter(|m| m.cause.is_some()).count();
    assert_eq!(summary["failed"], failed);
    assert_eq!(summary["bundles"], 44);

    // Every bad bundle is listed with its error; none stopped the others.
    let problems = summary["problems"].as_array().unwrap();
    let listed: BTreeSet<&str> = problems
        .iter()
        .map(|p| p["machine"].as_str().unwrap())
        .collect();
    for bad in plan.iter().filter(|m| m.bad) {
        assert!(
            listed.contains(bad.machine.as_str()),
            "{bad:?} in {listed:?}"
        );
    }
    let problem = |m: &str| {
        problems
            .iter()
            .find(|p| p["machine"] == m)
            .map(|p| p["errors"].to_string())
            .unwrap()
    };
    assert!(problem("zz-corrupt").contains("zz-corrupt.zip"));
    assert!(
        problem("zz-bomb").contains("huge.log"),
        "{}",
        problem("zz-bomb")
    );
    assert!(problem("zz-hostile").contains("escaped.log"));
    assert_eq!(summary["nothing_analysed"], 3, "corrupt, empty and bomb");

    // One JSON line per bundle, in the record shape.
    let records = jsonl(&out.join("machines.jsonl"));
    assert_eq!(records.len(), 44);
    for r in &records {
        for key in [
            "machine", "bundle", "verdict", "inputs", "sessions", "findings", "errors",
        ] {
            assert!(r.get(key).is_some(), "{key} in {r}");
        }
    }
    let dana = records
        .iter()
        .find(|r| r["bundle"].as_str().unwrap().ends_with("m00000.zip"))
        .unwrap();
    assert_eq!(dana["machine"], "M00000.fleet.test");
    assert_eq!(dana["machine_from"], "logs");
    let finding = &dana["findings"][0];
    assert_eq!(finding["id"], "msi.temp-folder.access-denied");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["category"], "access_denied");
    assert!(finding["evidence"][0]
        .as_str()
        .unwrap()
        .contains("m00000.zip!/procmon.CSV row 10"));
    assert_eq!(dana["sessions"][0]["outcome"]["code"], 1603);

    // Hostile names: nothing written outside the bundle, no control character in any output.
    for dir in [tmp.path(), &fleet, &out] {
        assert!(!dir.join("escaped.log").exists());
    }
    for file in [
        "summary.md",
        "summary.html",
        "summary.txt",
        "machines.jsonl",
    ] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{file}");
    }
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("| 1 | `msi.temp-folder.access-denied`"), "{md}");
    let html = std::fs::read_to_string(out.join("summary.html")).unwrap();
    assert!(html.contains("<code>msi.temp-folder.access-denied</code>"));
}

#[test]
fn fail_on_sets_the_exit_status() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    for name in ["a", "b"] {
        std::fs::create_dir_all(clean.join(name)).unwrap();
        std::fs::copy(
            root().join("fixtures/msilog/success-utf8.log"),
            clean.join(name).join("install.log"),
        )
        .unwrap();
    }
    msitrace().arg("batch").arg(&clean).assert().code(0);
    let warned = tmp.path().join("warned");
    std::fs::create_dir_all(warned.join("c")).unwrap();
    std::fs::copy(
        root().join("fixtures/msilog/success-warnings.log"),
        warned.join("c/install.log"),
    )
    .unwrap();
    msitrace()
        .arg("batch")
        .arg(&clean)
        .arg(&warned)
        .assert()
        .code(0);
    msitrace()
        .arg("batch")
        .arg(&clean)
        .arg(&warned)
        .args(["--fail-on", "warning"])
        .assert()
        .code(1);
    msitrace()
        .args(["batch", "fixtures/scenarios", "--fail-on", "never"])
        .assert()
        .code(0);
    msitrace()
        .args(["batch", "fixtures/scenarios"])
        .assert()
        .code(1);
}

#[test]
fn nothing_to_analyse_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = msitrace().arg("batch").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no bundle was found"));
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    std::fs::write(tmp.path().join("broken.zip"), b"PK\x03\x04 not a zip").unwrap();
    let out = msitrace().arg("batch").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken: ") && err.contains("broken.zip"),
        "{err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Bundles with problems (2)"), "{text}");
}

#[test]
fn jsonl_to_stdout_streams_one_line_per_bundle() {
    let out = msitrace()
        .args(["batch", "fixtures/scenarios", "--jsonl", "-", "-j", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let machines: BTreeSet<&str> = lines
        .iter()
        .map(|l| l["machine"].as_str().unwrap())
        .collect();
    assert_eq!(machines, BTreeSet::from(["SRV-FAB01", "WS-DANA"]));
    let two_stdouts = msitrace()
        .args(["batch", "fixtures/scenarios", "--jsonl", "-", "--text", "-"])
        .output()
        .unwrap();
    assert_eq!(two_stdouts.status.code(), Some(2));
}
