//! `.zip` bundles as inputs: nested folders, entries recognised by content, traversal names
//! refused, oversize entries and zip bombs refused, corrupt archives reported while other inputs are
//! still analysed. Every archive is built by the test.

use crate::common;

use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::analysis::{InputStatus, Report};
use msitrace::bundle::{open_zip, BundleError, BundleLimits, EntryOutcome};
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(common::root().join(rel)).unwrap()
}

/// Write a zip with the given (name, content) entries, deflated.
fn make_zip(path: &Path, entries: &[(&str, Vec<u8>)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in entries {
        if name.ends_with('/') {
            zip.add_directory(name.trim_end_matches('/'), options)
                .unwrap();
        } else {
            zip.start_file(*name, options).unwrap();
            zip.write_all(content).unwrap();
        }
    }
    zip.finish().unwrap();
}

fn analyze(paths: &[PathBuf], limits: BundleLimits) -> Report {
    let settings = AnalysisSettings {
        bundle_limits: limits,
        ..Default::default()
    };
    analyze_paths(paths, &settings)
}

fn input<'a>(r: &'a Report, suffix: &str) -> &'a msitrace::analysis::InputReport {
    r.inputs
        .iter()
        .find(|i| i.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no input ending with {suffix}: {:#?}", r.inputs))
}

#[test]
fn nested_folders_are_read_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("collected.zip");
    make_zip(
        &zip,
        &[
            ("logs/", vec![]),
            ("logs/burn/", vec![]),
            // Names say nothing: detection is by content.
            (
                "logs/burn/suite.txt",
                fixture("fixtures/burn/ContosoSuite.log"),
            ),
            (
                "logs/burn/ContosoSuite_000_ContosoAgent.msi.log",
                fixture("fixtures/burn/ContosoSuite_000_ContosoAgent.msi.log"),
            ),
            (
                "deep/a/b/c/install.bin",
                fixture("fixtures/msilog/error-1310-utf16.log"),
            ),
            ("readme.txt", b"collected by the help desk".to_vec()),
            ("inner.zip", b"PK\x03\x04 not opened".to_vec()),
            ("empty.log", Vec::new()),
        ],
    );
    let r = analyze(std::slice::from_ref(&zip), BundleLimits::default());
    let shown = zip.display().to_string();
    assert_eq!(r.sessions.len(), 2, "{:#?}", r.inputs);
    assert_eq!(r.bundles.len(), 1);
    assert!(r.failed);
    let suite = input(&r, "!/logs/burn/suite.txt");
    assert_eq!(suite.status, InputStatus::Analyzed);
    assert!(suite.path.starts_with(&shown));
    assert_eq!(
        input(&r, "!/deep/a/b/c/install.bin").status,
        InputStatus::Analyzed
    );
    // The bundle's package log is linked to the entry of the same name.
    assert!(r.bundles[0].package_logs[0].input.is_some());
    // A note is text: scanned for installer signals; it holds none, which it says.
    let note = input(&r, "!/readme.txt");
    assert_eq!(note.status, InputStatus::Unrecognized);
    assert_eq!(note.format, Some(msitrace::source::Format::Text));
    assert!(note
        .error
        .as_deref()
        .unwrap()
        .contains("no installer signal"));
    for skipped in ["!/inner.zip", "!/empty.log"] {
        let i = input(&r, skipped);
        assert_eq!(i.status, InputStatus::Unrecognized, "{skipped}");
        assert!(i.error.as_deref().unwrap().contains("skipped"), "{i:?}");
    }
    // Evidence cites the entry inside the bundle.
    assert!(r.findings[0].evidence[0].input.starts_with(&shown));
    // The temporary copies are gone once the analysis is over.
    assert!(!r.inputs.iter().any(|i| i.path.contains("msitrace-bundle-")));
}

#[test]
fn traversal_names_are_refused_and_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("evil.zip");
    let log = fixture("fixtures/msilog/success-utf8.log");
    make_zip(
        &zip,
        &[
            ("../../escaped.log", log.clone()),
            ("/abs/escaped.log", log.clone()),
            ("ok/../../escaped2.log", log.clone()),
            ("C:\\Windows\\escaped3.log", log.clone()),
            ("good/install.log", log),
        ],
    );
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let r = analyze(&[zip], BundleLimits::default());
    let refused: Vec<_> = r
        .inputs
        .iter()
        .filter(|i| i.status == InputStatus::Error)
        .collect();
    assert_eq!(refused.len(), 4, "{:#?}", r.inputs);
    for i in refused {
        assert!(
            i.error.as_deref().unwrap().contains("leaves the bundle"),
            "{i:?}"
        );
    }
    assert_eq!(
        input(&r, "!/good/install.log").status,
        InputStatus::Analyzed
    );
    for p in [
        dir.path().join("escaped.log"),
        dir.path().parent().unwrap().join("escaped.log"),
        PathBuf::from("/abs/escaped.log"),
        dir.path().join("escaped2.log"),
    ] {
        assert!(!p.exists(), "{} was written", p.display());
    }
}

#[test]
fn oversize_entry_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("big.zip");
    let mut big = fixture("fixtures/msilog/success-utf8.log");
    big.resize(300_000, b'x');
    make_zip(
        &zip,
        &[
            ("big/huge.log", big),
            ("small.log", fixture("fixtures/msilog/error-1310-utf16.log")),
        ],
    );
    let limits = BundleLimits {
        max_entry_bytes: 100_000,
        ..BundleLimits::default()
    };
    let r = analyze(&[zip], limits);
    let huge = input(&r, "!/big/huge.log");
    assert_eq!(huge.status, InputStatus::Error);
    let e = huge.error.as_deref().unwrap();
    assert!(e.contains("big.zip!/big/huge.log"), "{e}");
    assert!(e.contains("100000 bytes"), "{e}");
    // The other entry is still analysed.
    assert_eq!(input(&r, "!/small.log").status, InputStatus::Analyzed);
    assert!(r.failed);
}

#[test]
fn zip_bomb_is_refused_by_ratio_and_by_total() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("bomb.zip");
    // 8 MiB of one byte after a valid log header deflates about a thousand times.
    let mut bomb = fixture("fixtures/msilog/success-utf8.log");
    bomb.resize(8 << 20, b'A');
    make_zip(&zip, &[("bomb.log", bomb.clone())]);
    let r = analyze(std::slice::from_ref(&zip), BundleLimits::default());
    let e = input(&r, "!/bomb.log").error.clone().unwrap();
    assert!(
        e.contains("zip bomb") && e.contains("bomb.zip!/bomb.log"),
        "{e}"
    );

    // With the ratio allowed, the total limit still stops it (the declared size is not trusted
    // alone: this checks the running count too).
    let limits = BundleLimits {
        max_ratio: u64::MAX,
        max_total_bytes: 1 << 20,
        ..BundleLimits::default()
    };
    let bundle = open_zip(&zip, &limits).unwrap();
    match &bundle.entries[0].outcome {
        EntryOutcome::Refused(BundleError::TotalTooLarge { entry, .. }) => {
            assert_eq!(entry, "bomb.log")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn corrupt_archive_is_an_error_and_other_inputs_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("corrupt.zip");
    // A zip signature, then garbage: detected as zip, unreadable as one.
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend(std::iter::repeat_n(0xA5u8, 4096));
    std::fs::write(&zip, bytes).unwrap();
    // A valid zip cut in half.
    let cut = dir.path().join("cut.zip");
    make_zip(
        &cut,
        &[("a.log", fixture("fixtures/msilog/success-utf8.log"))],
    );
    let full = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &full[..full.len() / 2]).unwrap();

    let log = common::root().join("fixtures/msilog/error-1310-utf16.log");
    let r = analyze(&[zip, cut, log], BundleLimits::default());
    for name in ["corrupt.zip", "cut.zip"] {
        let i = input(&r, name);
        assert_eq!(i.status, InputStatus::Error);
        let e = i.error.as_deref().unwrap();
        assert!(e.contains(name) && e.contains("corrupt"), "{e}");
    }
    assert_eq!(
        input(&r, "error-1310-utf16.log").status,
        InputStatus::Analyzed
    );
    assert!(r.failed);
}

#[test]
fn total_limit_refuses_the_entry_that_crosses_it_and_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("many.zip");
    let mut log = fixture("fixtures/msilog/success-utf8.log");
    log.resize(40_000, b' ');
    make_zip(
        &zip,
        &[
            ("a.log", log.clone()),
            ("b.log", log.clone()),
            ("c.log", log.clone()),
            ("d.log", log),
        ],
    );
    let limits = BundleLimits {
        max_total_bytes: 100_000,
        ..BundleLimits::default()
    };
    let bundle = open_zip(&zip, &limits).unwrap();
    let kinds: Vec<&str> = bundle
        .entries
        .iter()
        .map(|e| match &e.outcome {
            EntryOutcome::Log { .. } => "log",
            EntryOutcome::Refused(BundleError::TotalTooLarge { .. }) => "total",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["log", "log", "total", "total"]);
    let message = match &bundle.entries[3].outcome {
        EntryOutcome::Refused(e) => e.to_string(),
        _ => unreachable!(),
    };
    assert!(message.contains("many.zip!/c.log"), "{message}");
}
