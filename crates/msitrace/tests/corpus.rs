//! Behaviour tests over the real logs in `../shared/corpus` (read by path, never copied).

use crate::common;

use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::analysis::{InputStatus, Report};
use msitrace::findings::Severity;
use std::path::Path;

fn analyze(path: &Path) -> Report {
    analyze_paths(&[path.to_path_buf()], &AnalysisSettings::default())
}

#[test]
fn every_msi_and_burn_log_parses_without_error() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mut seen = 0;
    for dir in ["msilog", "burnlog"] {
        for entry in std::fs::read_dir(shared.join("corpus").join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let report = analyze(&path);
            let input = &report.inputs[0];
            assert_eq!(
                input.status,
                InputStatus::Analyzed,
                "{}: {:?}",
                path.display(),
                input.error
            );
            assert!(input.events > 0, "{}", path.display());
            assert!(
                input
                    .warnings
                    .iter()
                    .all(|w| !w.text.contains("read failed")),
                "{}: {:?}",
                path.display(),
                input.warnings
            );
            if dir == "msilog" {
                assert!(!report.sessions.is_empty(), "{}", path.display());
            } else {
                assert_eq!(report.bundles.len(), 1, "{}", path.display());
            }
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} corpus files");
}

#[test]
fn expected_outcomes_and_root_errors() {
    let Some(shared) = common::shared() else {
        return;
    };
    let expected = std::fs::read_to_string(shared.join("corpus/EXPECTED.tsv")).unwrap();
    let mut checked = 0;
    for row in expected.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        let (file, outcome, root) = (f[0], f[1], f[2]);
        if !file.starts_with("msilog/") {
            continue; // Event logs are analysed once their source lands.
        }
        let report = analyze(&shared.join("corpus").join(file));
        let session = report
            .sessions
            .iter()
            .rev()
            .find(|s| s.outcome.is_some())
            .unwrap_or_else(|| panic!("{file}: no session with an outcome"));
        let code = session.outcome.as_ref().unwrap().code;
        assert_eq!(code.to_string(), outcome, "{file}: outcome");
        let errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if outcome == "0" || outcome == "1602" {
            assert!(
                errors.is_empty(),
                "{file}: success/cancel reported as failure: {errors:#?}"
            );
            assert!(!report.failed, "{file}");
        } else {
            assert!(report.failed, "{file}: failure not reported");
            let top = &report.findings[0];
            assert_eq!(top.severity, Severity::Error, "{file}");
            if root != "-" {
                let carried = top.evidence.iter().any(|e| {
                    e.text
                        .split(|c: char| !c.is_ascii_digit())
                        .any(|n| n == root)
                });
                assert!(
                    carried,
                    "{file}: top finding {} does not cite {root}: {:#?}",
                    top.id, top.evidence
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 18, "only {checked} rows checked");
}

#[test]
fn utf16_and_utf8_copies_of_one_log_agree() {
    let Some(shared) = common::shared() else {
        return;
    };
    let a = analyze(&shared.join("corpus/msilog/Dimas_PyCapture2_msi_install_1310_1603.log"));
    let b = analyze(&shared.join("corpus/msilog/Dimas_PyCapture2_msi_install_utf8.log"));
    assert_eq!(a.findings[0].id, b.findings[0].id);
    assert_eq!(
        a.findings[0].evidence[0].text,
        b.findings[0].evidence[0].text
    );
    assert_eq!(
        a.findings[0].evidence[0].line,
        b.findings[0].evidence[0].line
    );
}

#[test]
fn session_facts_from_real_logs() {
    let Some(shared) = common::shared() else {
        return;
    };
    let r = analyze(&shared.join("corpus/msilog/Dimas_PyCapture2_msi_install_1310_1603.log"));
    let s = &r.sessions[0];
    assert_eq!(s.product.as_deref(), Some("Python 3.6 PyCapture2-2.13.61"));
    assert_eq!(s.elevated, Some(false));
    assert_eq!(s.failed_action.as_ref().unwrap().name, "InstallFinalize");
    assert_eq!(s.start.unwrap().date().to_string(), "2026-07-07");
    // D/M/YYYY header, single-digit hour.
    let r = analyze(&shared.join("corpus/msilog/Mustafa-Ghazi_SupportAssist_msi.log"));
    assert_eq!(
        r.sessions[0].start.unwrap().to_string(),
        "2023-10-31 09:12:53"
    );
    // Removal and reconfiguration are told apart from installs.
    let r = analyze(&shared.join("corpus/msilog/Redball_bundle-debug_002_000_removal.msi.log"));
    assert_eq!(r.sessions[0].operation.to_string(), "removal");
    let r =
        analyze(&shared.join("corpus/msilog/manatsa_sonarworks_msi-install_reconfig_success.log"));
    assert_eq!(r.sessions[0].operation.to_string(), "reconfiguration");
}

#[test]
fn bundle_log_links_its_package_log() {
    let Some(shared) = common::shared() else {
        return;
    };
    let report = analyze_paths(
        &[
            shared.join("corpus/burnlog/Redball_bundle-debug.log"),
            shared.join("corpus/msilog/Redball_bundle-debug_000_Redball_2.1.24.msi.log"),
        ],
        &AnalysisSettings::default(),
    );
    let bundle = &report.bundles[0];
    assert_eq!(bundle.name.as_deref(), Some("Redball Setup"));
    assert_eq!(bundle.outcome.as_ref().unwrap().code, 0);
    let linked: Vec<_> = bundle
        .package_logs
        .iter()
        .filter(|p| p.input.is_some())
        .collect();
    assert_eq!(linked.len(), 1);
    assert_eq!(report.sessions[0].bundle, Some(0));
    // The bundle's errors (a related bundle it could not run) are a warning, not a failure.
    assert!(!report.failed);
}

/// The MSI logs the parser is checked on: the fixtures, the temp-denied scenario and, when
/// present, every corpus MSI log.
fn msi_logs() -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = [
        "../../fixtures/msilog",
        "../../fixtures/scenarios/temp-denied",
    ]
    .iter()
    .flat_map(|d| std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(d)).unwrap())
    .map(|e| e.unwrap().path())
    .collect();
    if let Some(shared) = common::shared() {
        let corpus = std::fs::read_dir(shared.join("corpus/msilog")).unwrap();
        paths.extend(corpus.map(|e| e.unwrap().path()));
    }
    paths.retain(|p| p.extension().is_some_and(|e| e == "log"));
    paths
}

/// Entries whose kinds were only recognized, then built when taken (what `analyze` does), are
/// the events the iterator builds at once.
#[test]
fn deferred_kinds_build_the_same_events() {
    use msitrace::source::msilog::MsiLogParser;
    let paths = msi_logs();
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let every: Vec<_> = MsiLogParser::from_bytes(&bytes)
            .map(Result::unwrap)
            .collect();
        let mut lent = Vec::new();
        let mut entries = MsiLogParser::from_bytes(&bytes);
        while let Some(entry) = entries.next_entry() {
            lent.push(entry.unwrap().take_event(0));
        }
        assert_eq!(every, lent, "{}", path.display());
    }
    assert!(paths.len() >= 3, "only {} logs compared", paths.len());
}

/// The sessions the tracker builds from every event, and from lent entries it takes only when
/// it needs them, screened for clue words (what `analyze` does), are the same.
#[test]
fn lent_entries_give_the_same_sessions_as_every_event() {
    use msitrace::internals::{clue_screen, SessionTracker};
    use msitrace::source::msilog::{MsiLogParser, MsiLogSettings};
    let paths = msi_logs();
    let mut compared = 0;
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let encoding = msitrace::source::sniff_encoding(&bytes);
        let parser = |settings| MsiLogParser::new(&bytes[..], encoding, 0, settings);
        let mut every = SessionTracker::new(0, "log");
        for event in parser(MsiLogSettings::default()) {
            every.push(event.unwrap());
        }
        let mut lent = SessionTracker::new(0, "log");
        let mut entries = parser(MsiLogSettings {
            screen: Some(clue_screen().clone()),
            ..Default::default()
        });
        while let Some(entry) = entries.next_entry() {
            lent.push_entry(entry.unwrap());
        }
        let (every, lent) = (every.finish(), lent.finish());
        assert!(!every.is_empty(), "{}", path.display());
        assert_eq!(
            format!("{every:?}"),
            format!("{lent:?}"),
            "{}",
            path.display()
        );
        compared += 1;
    }
    assert!(compared >= 3, "only {compared} logs compared");
}

/// The failure graph built from an index of only the events the findings cite (what `analyze`
/// does) is the one built from an index of every kept event.
#[test]
fn failure_graph_from_cited_events_is_the_same() {
    use msitrace::internals::{build_failure_graph, EventIndex, SessionFacts, SessionTracker};
    use msitrace::source::msilog::MsiLogParser;
    let paths = msi_logs();
    let mut chains_seen = 0;
    for path in &paths {
        let report = analyze_paths(std::slice::from_ref(path), &AnalysisSettings::default());
        let bytes = std::fs::read(path).unwrap();
        let mut tracker = SessionTracker::new(0, &path.display().to_string());
        for event in MsiLogParser::from_bytes(&bytes) {
            tracker.push(event.unwrap());
        }
        let facts = tracker.finish();
        let events = || facts.iter().flat_map(SessionFacts::events);
        let every = EventIndex::new(&report.inputs, events());
        let cited = EventIndex::for_findings(&report.inputs, &report.findings, events());
        let (a, a_chains) =
            build_failure_graph(&report.findings, &report.sessions, &report.captures, &every);
        let (b, b_chains) =
            build_failure_graph(&report.findings, &report.sessions, &report.captures, &cited);
        assert_eq!(a_chains, b_chains, "{}", path.display());
        assert_eq!(
            a.report(&a_chains),
            b.report(&b_chains),
            "{}",
            path.display()
        );
        chains_seen += a_chains.len();
    }
    assert!(
        chains_seen >= 3,
        "only {chains_seen} failure chains compared"
    );
}
