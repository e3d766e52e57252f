//! The fuzz targets of msitrace, in one table: one per reader, one for `.zip` bundles, one for
//! rule packs, and one end to end (detect → analyze → every report format).
//!
//! This file is shared: the cargo-fuzz binaries (`fuzz/fuzz_targets/target.rs`, one binary per
//! entry of `bin` in `fuzz/Cargo.toml`) call [`run`] with their own name, and the mutation suite
//! that runs on stable (`crates/msitrace/tests/mutations.rs`) includes this file by path and runs
//! every target over seeds and their mutations. It uses nothing but `msitrace`, its dependency
//! `serde_json`, `tempfile` and `std`, so that both can build it.
//!
//! **A new reader gets its target by one entry in [`TARGETS`]** (and, for cargo-fuzz, one line
//! in the `bin` list of `fuzz/Cargo.toml`, which the mutation suite checks): its name, the folders
//! its seeds come from, the shape of its input (which mutations aim at it) and a function that
//! reads bytes — usually `|d| drain(d, SomeParser::new(d, ...))`.
//!
//! Every target panics on a broken invariant, so that libFuzzer and the suite both see it: the
//! positions an event or an error names must lie in the input (line, row, byte offset), rendered
//! JSON must parse, a bundle entry copied out must not come from a name that leaves the bundle.

#![allow(dead_code)]

use msitrace::event::{Event, Location};
use msitrace::source::SourceError;
use msitrace::source::{sniff_encoding, TextEncoding};
use std::sync::OnceLock;

/// One fuzz target.
pub struct Target {
    /// Its name (also the cargo-fuzz binary's).
    pub name: &'static str,
    /// Where its seeds are: `corpus/<folder>` in `../shared/corpus` (read at run time, never
    /// copied into the repository), or a folder of the repository (`fixtures/msilog`).
    pub seeds: &'static [&'static str],
    /// What its input looks like, for mutations that aim at the format.
    pub shape: Shape,
    /// Read the bytes; panics on a broken invariant.
    pub run: fn(&[u8]) -> Outcome,
}

/// The kind of input a target reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Line-oriented text (MSI and Burn logs), UTF-8 or UTF-16.
    Text,
    /// Text whose records span lines and are known whole only once the next one begins
    /// (event-log text copies, Process Monitor property copies, tool logs with continued
    /// entries), UTF-8 or UTF-16.
    TextRecords,
    /// A CSV export.
    Csv,
    /// An XML document.
    Xml,
    /// An EVTX file.
    Evtx,
    /// A zip archive.
    Zip,
    /// A TOML rule pack.
    Toml,
    /// Anything (the end-to-end target detects the format).
    Any,
}

/// What a target read: where each event came from and each error, in order.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// The location of every event read.
    pub events: Vec<Location>,
    /// Every error, as shown to a user.
    pub errors: Vec<String>,
}

/// The targets, one entry each.
pub const TARGETS: &[Target] = &[
    Target {
        name: "msilog",
        seeds: &["corpus/msilog", "fixtures/msilog", "fixtures/scenarios"],
        shape: Shape::Text,
        run: |d| drain(d, msilog_parser(d)),
    },
    Target {
        name: "burn",
        seeds: &["corpus/burnlog", "fixtures/burn"],
        shape: Shape::Text,
        run: |d| drain(d, burn_parser(d)),
    },
    Target {
        name: "evtx",
        seeds: &["corpus/evtx"],
        shape: Shape::Evtx,
        run: |d| drain(d, evtx_source(d)),
    },
    Target {
        name: "eventxml",
        seeds: &["fixtures/eventlog", "fixtures/scenarios"],
        shape: Shape::Xml,
        run: |d| drain(d, eventxml_parser(d)),
    },
    Target {
        name: "procmon_csv",
        seeds: &[
            "corpus/procmon-csv",
            "fixtures/procmon",
            "fixtures/scenarios",
        ],
        shape: Shape::Csv,
        run: procmon_csv,
    },
    Target {
        name: "procmon_pml",
        seeds: &["corpus/procmon-pml"],
        shape: Shape::Any,
        run: procmon_pml,
    },
    Target {
        name: "procmon_xml",
        seeds: &["corpus/procmon-xml"],
        shape: Shape::Xml,
        run: |d| drain(d, procmon_xml_parser(d)),
    },
    Target {
        name: "eventtext",
        seeds: &["fixtures/eventtext"],
        shape: Shape::TextRecords,
        run: |d| drain(d, eventtext_reader(d)),
    },
    Target {
        name: "procmon_text",
        seeds: &["fixtures/procmon"],
        shape: Shape::TextRecords,
        run: |d| drain(d, procmon_text_parser(d)),
    },
    Target {
        name: "toollog",
        // Package-manager output is left out of the seeds: its form is detected from phrases
        // that may lie after a cut (a German winget console copy is known as winget only by
        // the installer log path it names last), so a cut copy reads as another form and the
        // records-across-cuts check does not hold for it.
        seeds: &["fixtures/configmgr", "fixtures/setuplog"],
        shape: Shape::TextRecords,
        run: |d| drain(d, toollog_reader(d)),
    },
    Target {
        name: "textscan",
        seeds: &["fixtures/text", "fixtures/msilog", "fixtures/eventtext"],
        shape: Shape::Text,
        run: |d| drain(d, textscan_reader(d)),
    },
    Target {
        name: "bundle",
        seeds: &["zip:fixtures", "zip:corpus/burnlog"],
        shape: Shape::Zip,
        run: bundle,
    },
    Target {
        name: "rules",
        seeds: &["crates/msitrace/rules"],
        shape: Shape::Toml,
        run: rules,
    },
    Target {
        name: "end_to_end",
        seeds: &[
            "fixtures",
            "corpus/msilog",
            "corpus/procmon-csv",
            "corpus/evtx",
        ],
        shape: Shape::Any,
        run: end_to_end,
    },
];

/// Run the target named `name` on `data` (what each cargo-fuzz binary does).
pub fn run(name: &str, data: &[u8]) -> Outcome {
    let target = TARGETS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no fuzz target {name:?} in TARGETS"));
    (target.run)(data)
}

// ---- readers ------------------------------------------------------------------------------

fn encoding(data: &[u8]) -> TextEncoding {
    sniff_encoding(&data[..data.len().min(msitrace::detect::SNIFF_LEN)])
}

fn msilog_parser(d: &[u8]) -> impl Iterator<Item = Result<Event, SourceError>> + '_ {
    use msitrace::source::msilog::{MsiLogParser, MsiLogSettings};
    MsiLogParser::new(d, encoding(d), 0, MsiLogSettings::default())
}

fn burn_parser(d: &[u8]) -> impl Iterator<Item = Result<Event, SourceError>> + '_ {
    msitrace::source::burn::BurnLogParser::new(d, encoding(d), 0)
}

fn evtx_source(d: &[u8]) -> impl Iterator<Item = Result<Event, SourceError>> + '_ {
    use msitrace::source::evtx::{EvtxParser, EvtxSettings};
    use msitrace::source::KeepPolicy;
    let settings = EvtxSettings {
        threads: 2,
        keep: KeepPolicy::All,
    };
    EvtxParser::new(std::io::Cursor::new(d), 0, settings)
}

fn eventxml_parser(d: &[u8]) -> impl Iterator<Item = Result<Event, SourceError>> + '_ {
    msitrace::source::eventxml::EventXmlParser::new(d, encoding(d), 0)
}

fn eventtext_reader(d: &[u8]) -> impl Iterator<Item = Result<Event, SourceError>> + '_ {
    use msitrace::source::eventtext::{EventTextReader, EventTextSettings};
    EventTextReader::new(d, encoding(d), 0, EventTextSettings::default())
}

fn procmon_text_parser(d: &[u8]) -> impl Iterator<Item = Result<Event, SourceError>> + '_ {
    msitrace::source::procmon::text::ProcmonTextParser::new(d, encoding(d), 0, capture_settings())
}

fn toollog_reader(d: &[u8]) -> impl Iterator<Item = Result<Event, SourceError>> + '_ {
    msitrace::source::toollog::ToolLogReader::new(d, encoding(d), 0)
}

fn textscan_reader(d: &[u8]) -> impl Iterator<Item = Result<Event, SourceError>> + '_ {
    use msitrace::source::toollog::{ToolForm, ToolLogReader};
    ToolLogReader::with_form(d, encoding(d), 0, ToolForm::Text)
}

fn capture_settings() -> msitrace::source::procmon::CaptureSettings {
    msitrace::source::procmon::CaptureSettings {
        keep: msitrace::source::KeepPolicy::All,
        ..Default::default()
    }
}

fn procmon_xml_parser(d: &[u8]) -> impl Iterator<Item = Result<Event, SourceError>> + '_ {
    msitrace::source::procmon::xml::ProcmonXmlParser::new(d, 0, capture_settings())
}

fn procmon_csv(d: &[u8]) -> Outcome {
    use msitrace::source::procmon::csv::ProcmonCsvParser;
    match ProcmonCsvParser::new(d, 0, capture_settings()) {
        Ok(parser) => drain(d, parser),
        Err(e) => {
            let outcome = Outcome {
                events: Vec::new(),
                errors: vec![e.to_string()],
            };
            check_positions(d, &outcome);
            outcome
        }
    }
}

/// Read a PML capture (from a private copy: the reader needs a file), every row with its stack,
/// then its kept events as the analysis reads them; rows are numbered within the events the bytes
/// can hold, errors name bytes of the file.
fn procmon_pml(d: &[u8]) -> Outcome {
    use msitrace::source::procmon::pml::PmlRows;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("capture.pml");
    std::fs::write(&path, d).expect("a temporary file");
    let mut outcome = Outcome::default();
    match PmlRows::open(&path) {
        Ok(rows) => {
            for row in rows.with_stacks() {
                match row {
                    Ok(r) => outcome.events.push(Location::Row(r.row)),
                    Err(e) => outcome.errors.push(e.to_string()),
                }
            }
        }
        Err(e) => outcome.errors.push(e.to_string()),
    }
    let most = d.len() as u64 / 0x34 + 1;
    for at in &outcome.events {
        assert!(
            matches!(*at, Location::Row(n) if (1..=most).contains(&n)),
            "event at {at:?} beyond the events {} bytes can hold",
            d.len()
        );
    }
    let errors = Outcome {
        events: Vec::new(),
        errors: outcome.errors.clone(),
    };
    check_positions(d, &errors);
    outcome
}

/// Read a source to its end, then check the positions it named.
pub fn drain(data: &[u8], source: impl Iterator<Item = Result<Event, SourceError>>) -> Outcome {
    let mut outcome = Outcome::default();
    for item in source {
        match item {
            Ok(e) => outcome.events.push(e.at),
            Err(e) => outcome.errors.push(e.to_string()),
        }
    }
    check_positions(data, &outcome);
    outcome
}

// ---- invariants ---------------------------------------------------------------------------

/// Upper bounds of the positions an input of these bytes can have.
struct Bounds {
    len: u64,
    /// Lines (any of LF, CR counts as an end).
    lines: u64,
    /// Rows of a CSV export or elements of an XML one.
    rows: u64,
    /// EVTX chunks.
    chunks: u64,
}

impl Bounds {
    fn of(data: &[u8]) -> Bounds {
        let count = |b: u8| data.iter().filter(|&&x| x == b).count() as u64;
        let lines = count(b'\n') + count(b'\r') + 1;
        Bounds {
            len: data.len() as u64,
            lines,
            rows: lines.max(count(b'<') + 1),
            chunks: (data.len() as u64).saturating_sub(4096) / 65536 + 1,
        }
    }
}

/// The numbers following each occurrence of `word` in `text` (decimal, or hex after `0x`).
fn numbers_after(text: &str, word: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(word) {
        let rest = &text[at + word.len()..];
        let (digits, radix) = match rest.strip_prefix("0x") {
            Some(hex) => (hex, 16),
            None => (rest, 10),
        };
        let end = digits
            .find(|c: char| !c.is_digit(radix))
            .unwrap_or(digits.len());
        if let Ok(n) = u64::from_str_radix(&digits[..end], radix) {
            out.push(n);
        }
    }
    out
}

/// Panic unless every position an event or error names lies in the input.
pub fn check_positions(data: &[u8], outcome: &Outcome) {
    let b = Bounds::of(data);
    for at in &outcome.events {
        let ok = match *at {
            Location::Line(n) => (1..=b.lines).contains(&n),
            Location::Row(n) => (1..=b.rows).contains(&n),
            Location::Offset(o) => o <= b.len,
            Location::Record(_) => true,
        };
        assert!(
            ok,
            "event at {at:?} outside the input ({} bytes, {} lines)",
            b.len, b.lines
        );
    }
    for e in &outcome.errors {
        // Errors name the place in the words of `SourceError`'s messages.
        let within = |word: &str, max: u64| numbers_after(e, word).iter().all(|&n| n <= max);
        assert!(
            within("line ", b.lines)
                && within("row ", b.rows)
                && within("byte ", b.len)
                && within("offset 0x", b.len)
                && within("chunk ", b.chunks),
            "error names a place outside the input ({} bytes, {} lines): {e}",
            b.len,
            b.lines
        );
    }
}

// ---- bundles ------------------------------------------------------------------------------

/// Bounds small enough for a fuzzer's pace; the defaults are tested by the suite's bombs.
fn fuzz_limits() -> msitrace::bundle::BundleLimits {
    msitrace::bundle::BundleLimits {
        max_entry_bytes: 8 << 20,
        max_total_bytes: 32 << 20,
        max_ratio: 250,
        max_entries: 2_000,
    }
}

fn bundle(d: &[u8]) -> Outcome {
    bundle_with(d, &fuzz_limits())
}

/// Open the bytes as a bundle with these limits: every entry is listed, a copied entry is a
/// recognised log whose name stays in the bundle and whose size respects the limits.
pub fn bundle_with(d: &[u8], limits: &msitrace::bundle::BundleLimits) -> Outcome {
    use msitrace::bundle::{open_zip, EntryOutcome};
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bundle.zip");
    std::fs::write(&path, d).expect("the bundle is written");
    let mut outcome = Outcome::default();
    let bundle = match open_zip(&path, limits) {
        Ok(b) => b,
        Err(e) => {
            outcome.errors.push(e.to_string());
            return outcome;
        }
    };
    let archive = path.display().to_string();
    let mut total = 0u64;
    for (n, entry) in bundle.entries.iter().enumerate() {
        assert!(
            entry.shown.starts_with(&format!("{archive}!/")),
            "entry shown as {:?}",
            entry.shown
        );
        match &entry.outcome {
            EntryOutcome::Log { extracted, .. } => {
                let name = &entry.shown[archive.len() + 2..];
                let unix = name.replace('\\', "/");
                assert!(
                    !unix.starts_with('/')
                        && name.as_bytes().get(1) != Some(&b':')
                        && !unix.split('/').any(|p| p == ".."),
                    "an entry named {name:?} was copied out"
                );
                let size = std::fs::metadata(extracted).map(|m| m.len()).unwrap_or(0);
                assert!(
                    size <= limits.max_entry_bytes,
                    "{name}: {size} bytes copied"
                );
                total += size;
                outcome.events.push(Location::Offset(n as u64));
            }
            EntryOutcome::Skipped { reason } => outcome.errors.push(reason.clone()),
            EntryOutcome::Refused(e) => outcome.errors.push(e.to_string()),
        }
    }
    assert!(
        total <= limits.max_total_bytes,
        "{total} bytes copied in all"
    );
    outcome
}

// ---- rule packs ---------------------------------------------------------------------------

/// Events a fuzzed rule pack is evaluated against: a failing install, read once.
fn rule_subject_events() -> &'static [Event] {
    static EVENTS: OnceLock<Vec<Event>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let log = "=== Verbose logging started: 3/14/2026  9:41:07  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n\
MSI (s) (D8:10) [09:41:07:100]: Product: Contoso Agent -- Installation started.\r\n\
Action start 9:41:08: InstallFinalize.\r\n\
CustomAction RegisterAgent returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)\r\n\
Error 1310. Error writing to file: C:\\Windows\\Temp\\x.dll.  Verify that you have access to that directory.\r\n\
Error 1920. Service 'Contoso Agent' (ContosoAgent) failed to start.  Verify that you have sufficient privileges to start system services.\r\n\
Action ended 9:41:09: InstallFinalize. Return value 3.\r\n\
MSI (s) (D8:10) [09:41:09:520]: Product: Contoso Agent -- Installation failed.\r\n\
MSI (s) (D8:10) [09:41:09:520]: MainEngineThread is returning 1603\r\n";
        msilog_parser(log.as_bytes()).filter_map(Result::ok).collect()
    })
}

fn rules(d: &[u8]) -> Outcome {
    use msitrace::rules::model::SourceClass;
    use msitrace::rules::{describe, evaluate, RulePack, Subject};
    let text = String::from_utf8_lossy(d);
    let mut outcome = Outcome::default();
    match RulePack::parse("fuzz.toml", &text) {
        Ok(pack) => {
            let subjects: Vec<Subject<'_>> = rule_subject_events()
                .iter()
                .map(|event| Subject {
                    event,
                    source: SourceClass::MsiLog,
                    session: Some(0),
                    in_failing_action: true,
                    product: Some("Contoso Agent"),
                })
                .collect();
            for rule in &pack.rules {
                describe(rule);
            }
            for m in evaluate(&pack, &subjects) {
                for hit in &m.hits {
                    assert!(hit.subject < subjects.len(), "a hit on no subject");
                }
                outcome.events.push(Location::Offset(m.hits.len() as u64));
            }
        }
        Err(errors) => {
            let lines = text.lines().count() + 1;
            for e in errors {
                assert!(
                    e.line <= lines,
                    "rule error on line {} of {lines}: {e}",
                    e.line
                );
                outcome.errors.push(e.to_string());
            }
        }
    }
    outcome
}

// ---- end to end ---------------------------------------------------------------------------

/// Detect the bytes' format, analyse them as a file, render every report format and the graph:
/// reports are produced, JSON parses, evidence lies in the input.
fn end_to_end(d: &[u8]) -> Outcome {
    use msitrace::analysis::{analyze_paths, AnalysisSettings};
    use msitrace::report::{html, json, jsonl, markdown, sarif, text};
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("collected.log");
    std::fs::write(&path, d).expect("the input is written");
    let settings = AnalysisSettings {
        threads: Some(2),
        bundle_limits: fuzz_limits(),
        ..Default::default()
    };
    let report = analyze_paths(&[path], &settings);
    let rendered = [
        text::render(&report, &text::TextOptions::default()),
        markdown::render(&report),
        html::render(&report),
    ];
    assert!(rendered.iter().all(|r| !r.is_empty()), "an empty rendering");
    // The kept events, one JSON object a line (none for an input with none).
    for line in jsonl::render(&report).lines() {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(line) {
            panic!("a JSON line does not parse: {e}");
        }
    }
    for doc in [
        json::render(&report),
        sarif::render(&report, &msitrace::rules::active(None)),
    ] {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&doc) {
            panic!("a JSON report does not parse: {e}");
        }
    }
    if let Some(graph) = &report.graph {
        msitrace::report::graph::dot(graph, None);
        msitrace::report::graph::mermaid(graph, None);
    }
    let b = Bounds::of(d);
    let shown = report
        .inputs
        .first()
        .map(|i| i.path.clone())
        .unwrap_or_default();
    let mut outcome = Outcome::default();
    for f in &report.findings {
        // Evidence in the file itself (not in an entry of it, when it is a bundle).
        for e in f.evidence.iter().filter(|e| e.input == shown) {
            if let Some(line) = e.line {
                assert!(line <= b.lines, "evidence line {line} of {} lines", b.lines);
                outcome.events.push(Location::Line(line));
            }
            if let Some(row) = e.row {
                assert!(row <= b.rows, "evidence row {row} of {} rows", b.rows);
                outcome.events.push(Location::Row(row));
            }
        }
    }
    for input in &report.inputs {
        outcome.errors.extend(input.error.iter().cloned());
    }
    outcome
}
