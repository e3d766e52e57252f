//! Found by the mutation suite (issue 13): bytes inserted (or lost) inside an EVTX chunk shift
//! the strings its header table points at, the table could not be built, and the whole chunk was
//! skipped ("Failed to build string cache") — the complete records before the damage with it.
//! Now the chunk is read without its tables and those records are kept. Corpus files are read by
//! path, never copied.

use crate::common;

use msitrace::event::Location;
use msitrace::source::evtx::{EvtxParser, EvtxSettings};
use msitrace::source::KeepPolicy;

/// (record id, end offset) of each record of the first chunk, walked from its header.
fn first_chunk_records(data: &[u8]) -> Vec<(u64, usize)> {
    let mut out = Vec::new();
    let mut at = 4096 + 512;
    while at + 24 <= data.len().min(4096 + 65536) && data[at..at + 4] == [0x2a, 0x2a, 0, 0] {
        let size = u32::from_le_bytes(data[at + 4..at + 8].try_into().unwrap()) as usize;
        let id = u64::from_le_bytes(data[at + 8..at + 16].try_into().unwrap());
        if size < 24 {
            break;
        }
        at += size;
        out.push((id, at));
    }
    out
}

fn records_read(bytes: Vec<u8>, keep: KeepPolicy) -> (Vec<u64>, Vec<String>) {
    let settings = EvtxSettings { keep, threads: 1 };
    let (mut ids, mut errors) = (Vec::new(), Vec::new());
    for item in EvtxParser::new(std::io::Cursor::new(bytes), 0, settings) {
        match item {
            Ok(e) => {
                if let Location::Record(id) = e.at {
                    ids.push(id);
                }
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    (ids, errors)
}

#[test]
fn bytes_inserted_or_lost_inside_a_chunk_keep_the_records_before_them() {
    let Some(shared) = common::shared() else {
        return;
    };
    let path = shared.join("corpus/evtx/omerbenamram_2-vss_7-System.evtx");
    let original = std::fs::read(path).unwrap();
    let records = first_chunk_records(&original);
    assert!(
        records.len() > 50,
        "{} records in the first chunk",
        records.len()
    );
    // Inside record 43 (the place the suite found), and halfway through the chunk.
    for k in [42, records.len() / 2] {
        let at = records[k - 1].1 + 100;
        let before: Vec<u64> = records[..k].iter().map(|r| r.0).collect();
        let inserted = [&original[..at], &[0x5a; 16], &original[at..]].concat();
        let lost = [&original[..at], &original[at + 16..]].concat();
        for (what, bytes) in [("16 bytes inserted", inserted), ("16 bytes lost", lost)] {
            let (ids, errors) = records_read(bytes, KeepPolicy::All);
            let missing: Vec<&u64> = before.iter().filter(|id| !ids.contains(id)).collect();
            assert!(
                missing.is_empty(),
                "{what} in record {}: records {missing:?} before it not read; errors {errors:?}",
                k + 1
            );
            assert!(!errors.is_empty(), "{what}: the damage is reported");
        }
    }
}
