//! EVTX files and event-log XML exports over the real logs in `../shared/corpus/evtx` (read by
//! path, never copied): every file parses with the record count `evtx_dump` reports, the
//! EXPECTED.tsv rows hold, an XML export rendered here from corpus records gives the same events as
//! the EVTX records, and corrupted copies made here are read as far as they can be.

use crate::common;

use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::analysis::{InputStatus, Report};
use msitrace::event::{Event, Kind, Location};
use msitrace::findings::Severity;
use msitrace::source::eventxml::EventXmlParser;
use msitrace::source::evtx::{EvtxParser, EvtxSettings, EvtxStats, CHUNK_SIZE};
use msitrace::source::KeepPolicy;
use msitrace::source::SourceError;
use msitrace::source::TextEncoding;
use std::path::{Path, PathBuf};

/// Record counts of `evtx_dump -o jsonl <file> | wc -l` (evtx 0.15.1). `evtx_dump` also prints
/// 18 error lines for the zero-data-size sample: one record it cannot read.
const COUNTS: &[(&str, u64)] = &[
    ("AD-DC_Application.evtx", 1564),
    ("AD-DC_Setup.evtx", 32),
    ("DeepBlueCLI_many-events-application.evtx", 2216),
    ("DeepBlueCLI_metasploit-psexec-native-target-system.evtx", 7),
    ("EVTX-ATTACK_WinDefender_1116_1117.evtx", 11),
    ("EVTX-ATTACK_rogue_msi_url_1040_1042.evtx", 351),
    ("gbzrlk021_System.evtx", 1011),
    ("hayabusa_ID7000-7009-7045_Tchopper.evtx", 733),
    ("omerbenamram_2-vss_7-System.evtx", 1160),
    ("omerbenamram_Application_no_crc32.evtx", 17),
    ("omerbenamram_sample-with-zero-data-size-event.evtx", 449),
    ("omerbenamram_system.evtx", 1881),
    ("python-evtx_system.evtx", 1601),
    ("tugix456_Application.evtx", 929),
    ("tugix456_CodeIntegrity-Operational.evtx", 5),
    ("tugix456_Windows-Defender-Operational.evtx", 276),
    ("wind-cludy_Setup.evtx", 2249),
];

struct Read {
    events: Vec<Event>,
    errors: Vec<SourceError>,
    stats: EvtxStats,
}

fn read_bytes(bytes: Vec<u8>, keep: KeepPolicy, threads: usize) -> Read {
    let settings = EvtxSettings { keep, threads };
    let mut source = EvtxParser::new(std::io::Cursor::new(bytes), 0, settings);
    let (mut events, mut errors) = (Vec::new(), Vec::new());
    for item in source.by_ref() {
        match item {
            Ok(e) => events.push(e),
            Err(e) => errors.push(e),
        }
    }
    Read {
        events,
        errors,
        stats: source.stats().clone(),
    }
}

fn read_all(path: &Path) -> Read {
    read_bytes(std::fs::read(path).unwrap(), KeepPolicy::All, 1)
}

fn corpus(shared: &Path, name: &str) -> PathBuf {
    shared.join("corpus/evtx").join(name)
}

fn analyze(paths: &[PathBuf]) -> Report {
    analyze_paths(paths, &AnalysisSettings::default())
}

#[test]
fn every_corpus_file_parses_with_the_reference_record_count() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(shared.join("corpus/evtx"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".evtx"))
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        COUNTS.len(),
        "a corpus file has no pinned count"
    );
    for (name, count) in COUNTS {
        let path = corpus(&shared, name);
        let all = read_all(&path);
        assert_eq!(all.stats.records, *count, "{name}: records (all decoded)");
        assert_eq!(all.events.len() as u64, *count, "{name}: events");
        let selected = read_bytes(std::fs::read(&path).unwrap(), KeepPolicy::OfInterest, 2);
        assert_eq!(selected.stats.records, *count, "{name}: records (selected)");
        assert_eq!(
            selected.stats.decoded + selected.stats.counted.values().sum::<u64>(),
            *count,
            "{name}: every record is decoded or counted"
        );
        // The selected records are exactly the records of interest among all records.
        let of_interest = all
            .events
            .iter()
            .filter(|e| match &e.kind {
                Kind::EventRecord(r) => {
                    msitrace::event::meaning::is_record_of_interest(&r.provider, r.event_id)
                }
                _ => false,
            })
            .map(|e| e.at)
            .collect::<Vec<_>>();
        let mut got: Vec<_> = selected.events.iter().map(|e| e.at).collect();
        got.sort();
        let mut want = of_interest;
        want.sort();
        assert_eq!(got, want, "{name}: selected records");
        let expected_errors = usize::from(name.contains("zero-data-size"));
        assert_eq!(
            all.errors.len(),
            expected_errors,
            "{name}: {:?}",
            all.errors
        );
        let report = analyze(&[path]);
        assert_eq!(report.inputs[0].status, InputStatus::Analyzed, "{name}");
        assert_eq!(report.inputs[0].records.as_ref().unwrap().read, *count);
        assert_eq!(report.inputs[0].skipped.len(), expected_errors, "{name}");
    }
}

#[test]
fn the_zero_size_record_is_named_by_chunk_and_offset() {
    let Some(shared) = common::shared() else {
        return;
    };
    let r = read_all(&corpus(
        &shared,
        "omerbenamram_sample-with-zero-data-size-event.evtx",
    ));
    let text = r.errors[0].to_string();
    assert!(
        matches!(r.errors[0], SourceError::EvtxRecord { chunk: 0, .. }),
        "{text}"
    );
    assert!(text.contains("offset 0x"), "{text}");
}

#[test]
fn expected_rows_hold() {
    let Some(shared) = common::shared() else {
        return;
    };
    let expected = std::fs::read_to_string(shared.join("corpus/EXPECTED.tsv")).unwrap();
    let mut checked = 0;
    for row in expected.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        let (file, outcome, root) = (f[0], f[1], f[2]);
        if !file.starts_with("evtx/") {
            continue;
        }
        let report = analyze(&[shared.join("corpus").join(file)]);
        if let Some(code) = root.strip_prefix("any:") {
            let code: u32 = code.parse().unwrap();
            assert!(
                report.findings.iter().any(|f| f.codes.contains(&code)),
                "{file}: no finding with {code}: {:#?}",
                report.findings
            );
        } else {
            let status: u32 = outcome.parse().unwrap();
            // An event-log-only file lists its installs as sessions: the outcome column is a
            // session's outcome code.
            assert!(
                report
                    .sessions
                    .iter()
                    .any(|s| s.outcome.as_ref().is_some_and(|o| o.code == status)),
                "{file}: no session with outcome {status}"
            );
            let f = report
                .findings
                .iter()
                .find(|f| f.id == "eventlog.msi-failed" && f.codes.contains(&status))
                .unwrap_or_else(|| panic!("{file}: no failed install: {:#?}", report.findings));
            assert_eq!(f.severity, Severity::Error);
            assert!(
                f.evidence
                    .iter()
                    .any(|e| e.text.contains(&format!("MsiInstaller {root} "))),
                "{file}: {root} not cited: {:#?}",
                f.evidence
            );
            assert!(report.failed, "{file}");
        }
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} rows");
}

#[test]
fn failed_installs_services_and_successes_in_real_logs() {
    let Some(shared) = common::shared() else {
        return;
    };
    // EMET: 11708 + 1033 status 1603 twice; the ProductCode is read from the binary data.
    let r = analyze(&[corpus(&shared, "DeepBlueCLI_many-events-application.evtx")]);
    let emet = r
        .findings
        .iter()
        .find(|f| f.title.starts_with("EMET 5.51"))
        .unwrap();
    assert!(emet.summary.contains("2 times"), "{}", emet.summary);
    assert!(
        emet.summary
            .contains("{A8608E0F-56B8-465C-A762-86D68FF4FC72}"),
        "{}",
        emet.summary
    );
    let records: Vec<_> = emet.evidence.iter().filter_map(|e| e.record).collect();
    assert!(
        records.contains(&1724) && records.contains(&1725),
        "{records:?}"
    );
    // Successful installs are not failures.
    assert!(r
        .findings
        .iter()
        .all(|f| !f.title.contains("Installation completed")));
    // Splunk: reconfiguration 11729 + 1035 status 1603.
    let r = analyze(&[corpus(&shared, "AD-DC_Application.evtx")]);
    assert_eq!(r.findings[0].id, "eventlog.msi-failed");
    assert!(r.findings[0]
        .title
        .contains("UniversalForwarder: reconfiguration failed"));
    // 7045 -> 7009 -> 7000: the installed service is cited with its failures.
    let r = analyze(&[corpus(&shared, "hayabusa_ID7000-7009-7045_Tchopper.evtx")]);
    let top = &r.findings[0];
    assert_eq!(top.id, "eventlog.service.start-failed");
    for id in ["7045", "7009", "7000"] {
        assert!(
            top.evidence
                .iter()
                .any(|e| e.text.contains(&format!("Service Control Manager {id} "))),
            "{id}: {:#?}",
            top.evidence
        );
    }
    assert!(
        top.codes.contains(&1053),
        "%%1053 resolved: {:?}",
        top.codes
    );
    assert!(r
        .findings
        .iter()
        .any(|f| f.id == "eventlog.service-failures-more"));
    // %%50 resolved on CldFlt.
    let r = analyze(&[corpus(&shared, "omerbenamram_system.evtx")]);
    let cld = r
        .findings
        .iter()
        .find(|f| f.title.contains("CldFlt"))
        .unwrap();
    assert!(cld.summary.contains("Win32 error 50"), "{}", cld.summary);
    // A log with only transactions that succeeded has no failure.
    let r = analyze(&[corpus(&shared, "EVTX-ATTACK_rogue_msi_url_1040_1042.evtx")]);
    assert!(!r.failed, "{:#?}", r.findings);
}

/// Render records to XML with the `evtx` crate, as an export would hold them.
fn xml_export(path: &Path, wrapper: bool) -> String {
    let mut parser = evtx::EvtxParser::from_path(path).unwrap();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if wrapper {
        out.push_str("<Events>\n");
    }
    for record in parser.records() {
        let xml = record.unwrap().data;
        let body = match xml.find("?>") {
            Some(at) if xml.starts_with("<?xml") => &xml[at + 2..],
            _ => &xml[..],
        };
        out.push_str(body.trim());
        out.push('\n');
    }
    if wrapper {
        out.push_str("</Events>\n");
    }
    out
}

#[test]
fn an_xml_export_gives_the_same_events_as_the_evtx_file() {
    let Some(shared) = common::shared() else {
        return;
    };
    for (name, wrapper, utf16) in [
        ("DeepBlueCLI_many-events-application.evtx", true, false),
        ("hayabusa_ID7000-7009-7045_Tchopper.evtx", false, false),
        ("tugix456_Windows-Defender-Operational.evtx", true, true),
        ("wind-cludy_Setup.evtx", true, false),
        ("tugix456_Application.evtx", false, true),
    ] {
        let path = corpus(&shared, name);
        let mut from_evtx = read_all(&path).events;
        let xml = xml_export(&path, wrapper);
        let (bytes, encoding) = if utf16 {
            let mut b = vec![0xFF, 0xFE];
            b.extend(xml.encode_utf16().flat_map(|u| u.to_le_bytes()));
            (b, TextEncoding::Utf16LeBom)
        } else {
            (xml.into_bytes(), TextEncoding::Utf8)
        };
        let mut from_xml: Vec<Event> = EventXmlParser::new(&bytes[..], encoding, 0)
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        from_evtx.sort_by_key(|e| e.at);
        from_xml.sort_by_key(|e| e.at);
        assert_eq!(from_xml.len(), from_evtx.len(), "{name}");
        for (x, e) in from_xml.iter().zip(&from_evtx) {
            assert_eq!(x, e, "{name}");
        }
    }
}

/// Complete records of one chunk that end by `cut` bytes into it (walked by their framing).
fn complete_records_before(chunk: &[u8], cut: usize) -> u64 {
    let mut pos = 512;
    let mut n = 0;
    while pos + 28 <= cut && chunk[pos..pos + 4] == [0x2a, 0x2a, 0, 0] {
        let size = u32::from_le_bytes(chunk[pos + 4..pos + 8].try_into().unwrap()) as usize;
        if size < 28 || pos + size > cut {
            break;
        }
        n += 1;
        pos += size;
    }
    n
}

#[test]
fn a_file_cut_inside_a_chunk_keeps_every_complete_record_and_says_so() {
    let Some(shared) = common::shared() else {
        return;
    };
    let path = corpus(&shared, "DeepBlueCLI_many-events-application.evtx");
    let bytes = std::fs::read(&path).unwrap();
    let whole = read_all(&path);
    let chunk = 10usize;
    let chunk_start = 4096 + chunk * CHUNK_SIZE;
    let cut_in_chunk = 40_000;
    let cut = bytes[..chunk_start + cut_in_chunk].to_vec();
    let kept_in_cut_chunk = complete_records_before(&bytes[chunk_start..], cut_in_chunk);
    assert!(kept_in_cut_chunk > 10);
    // Records of the chunks before the cut, from the whole file.
    let before = whole
        .events
        .iter()
        .filter(|e| match e.at {
            Location::Record(id) => {
                let c = &bytes[chunk_start..chunk_start + 64];
                id < u64::from_le_bytes(c[24..32].try_into().unwrap())
            }
            _ => false,
        })
        .count() as u64;
    for keep in [KeepPolicy::All, KeepPolicy::OfInterest] {
        let r = read_bytes(cut.clone(), keep, 2);
        assert_eq!(r.stats.records, before + kept_in_cut_chunk, "{keep:?}");
        let truncated = r
            .errors
            .iter()
            .find(|e| matches!(e, SourceError::EvtxTruncated { .. }))
            .expect("the cut is reported");
        let SourceError::EvtxTruncated {
            chunk: c,
            recovered,
            lost,
            ..
        } = truncated
        else {
            unreachable!()
        };
        assert_eq!((*c, *recovered), (chunk as u64, kept_in_cut_chunk));
        assert!(*lost > 0, "{truncated}");
    }
    // The evtx crate alone drops the cut chunk's records.
    let reference = evtx::EvtxParser::from_buffer(cut.clone())
        .unwrap()
        .records()
        .filter(|r| r.is_ok())
        .count() as u64;
    assert_eq!(reference, before, "the reference skips the cut chunk");
    // The report lists what was skipped.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cut.evtx");
    std::fs::write(&file, &cut).unwrap();
    let report = analyze(&[file]);
    let input = &report.inputs[0];
    let cut = input
        .skipped
        .iter()
        .find(|s| s.text.contains("cut inside chunk 10"))
        .unwrap_or_else(|| panic!("{:?}", input.skipped));
    // Typed: the reader's own error, kept as the warning's source, and its position.
    assert_eq!(cut.kind, msitrace::WarningKind::Skipped);
    assert_eq!(cut.position.chunk, Some(10));
    assert!(matches!(
        cut.error.as_deref(),
        Some(SourceError::EvtxTruncated { chunk: 10, .. })
    ));
    assert_eq!(
        input.records.as_ref().unwrap().read,
        before + kept_in_cut_chunk
    );
}

#[test]
fn flipped_bytes_wrong_magic_and_a_broken_header_lose_only_what_they_touch() {
    let Some(shared) = common::shared() else {
        return;
    };
    let path = corpus(&shared, "omerbenamram_system.evtx");
    let bytes = std::fs::read(&path).unwrap();
    let total = COUNTS
        .iter()
        .find(|(n, _)| *n == "omerbenamram_system.evtx")
        .unwrap()
        .1;
    let chunk_at = |n: usize| 4096 + n * CHUNK_SIZE;
    // Flipped bytes in the middle of chunk 3's records; a junk chunk 5; a broken file header.
    let mut damaged = bytes.clone();
    for b in &mut damaged[chunk_at(3) + 20_000..chunk_at(3) + 20_400] {
        *b ^= 0xA5;
    }
    for b in &mut damaged[chunk_at(5)..chunk_at(6)] {
        *b = 0xFF;
    }
    damaged[..8].copy_from_slice(b"NotAnEvt");
    let in_chunk = |n: usize| complete_records_before(&bytes[chunk_at(n)..], CHUNK_SIZE);
    let handle = std::thread::spawn(move || {
        [KeepPolicy::All, KeepPolicy::OfInterest].map(|keep| read_bytes(damaged.clone(), keep, 2))
    });
    // It finishes (a hang would stop the test here), and without a panic.
    let results = handle.join().expect("no panic");
    for r in results {
        let lost = total - r.stats.records;
        assert!(
            lost >= in_chunk(5) && lost <= in_chunk(5) + in_chunk(3),
            "lost {lost} records"
        );
        assert!(r
            .errors
            .iter()
            .any(|e| matches!(e, SourceError::EvtxHeader { .. })));
        assert!(r
            .errors
            .iter()
            .any(|e| matches!(e, SourceError::EvtxChunk { chunk: 5, .. })));
        assert!(
            r.errors
                .iter()
                .any(|e| matches!(e, SourceError::EvtxRecord { chunk: 3, .. })),
            "{:?}",
            r.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn random_bytes_after_a_valid_header_never_panic() {
    let Some(shared) = common::shared() else {
        return;
    };
    let bytes = std::fs::read(corpus(&shared, "AD-DC_Setup.evtx")).unwrap();
    for seed in 0..20u32 {
        let mut damaged = bytes.clone();
        let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        for _ in 0..200 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let at = 4096 + (x as usize % (damaged.len() - 4096));
            damaged[at] = (x >> 8) as u8;
        }
        let r = read_bytes(damaged, KeepPolicy::OfInterest, 1);
        assert!(r.stats.records <= 32);
    }
}

#[test]
fn case_23_benign_wmi_warning_is_read_and_not_a_failure() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("cases/23-configmgr-client-wmi-event63-benign-control");
    let report = analyze(&[dir.join("event.xml")]);
    let input = &report.inputs[0];
    assert_eq!(
        input.records.as_ref().unwrap().read,
        1,
        "{:?}",
        input.skipped
    );
    assert!(input.skipped.is_empty(), "{:?}", input.skipped);
    assert!(!report.failed, "{:#?}", report.findings);
}

#[test]
fn a_chunk_header_with_a_wrong_last_record_offset_still_gives_every_selected_record() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mut bytes = std::fs::read(corpus(&shared, "omerbenamram_system.evtx")).unwrap();
    for chunk in 0..3 {
        let at = 4096 + chunk * CHUNK_SIZE + 44; // last_event_record_data_offset
        bytes[at..at + 4].copy_from_slice(&600u32.to_le_bytes());
    }
    let all = read_bytes(bytes.clone(), KeepPolicy::All, 1);
    let selected = read_bytes(bytes, KeepPolicy::OfInterest, 2);
    let of_interest = all
        .events
        .iter()
        .filter(|e| match &e.kind {
            Kind::EventRecord(r) => {
                msitrace::event::meaning::is_record_of_interest(&r.provider, r.event_id)
            }
            _ => false,
        })
        .count();
    assert_eq!(all.stats.records, 1881);
    assert_eq!(selected.events.len(), of_interest);
    assert!(
        selected.errors.is_empty(),
        "{:?}",
        selected
            .errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
}

/// Several EVTX files analysed at once from inside a small rayon pool, as a program linking the
/// library (or `msitrace` with its default settings) does: chunk decoding must never wait behind
/// the readers that wait for it. A watchdog turns a hang into a failure.
#[test]
fn several_event_logs_on_a_small_pool_do_not_deadlock() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus/evtx"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "evtx"))
        .collect();
    paths.sort();
    for (pool_threads, reader_threads) in [(1, None), (2, None), (2, Some(2)), (4, Some(8))] {
        let (done, wait) = std::sync::mpsc::channel();
        let all = paths.clone();
        std::thread::spawn(move || {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(pool_threads)
                .build()
                .unwrap();
            let settings = AnalysisSettings {
                threads: reader_threads,
                ..Default::default()
            };
            let report = pool.install(|| analyze_paths(&all, &settings));
            let _ = done.send(report.inputs.len());
        });
        let analysed = wait
            .recv_timeout(std::time::Duration::from_secs(120))
            .unwrap_or_else(|_| {
                panic!("hung: {pool_threads}-thread pool, reader threads {reader_threads:?}")
            });
        assert_eq!(analysed, paths.len());
    }
}
