//! Found by the mutation suite (issue 13): bytes inserted (or lost) inside an EVTX chunk shift
//! the strings its header table points at, the table could not be built, and the whole chunk was
//! skipped ("Failed to build string cache") — the complete records before the damage with it.
//! Now the chunk is read without its tables and those records are kept. Also: a template damaged
//! in one chunk decodes that chunk's records only, though compiled templates are shared between
//! chunks. Corpus files are read by path, never copied.

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

/// The events of a file read at one thread, keeping the records of interest.
fn events_of_interest(bytes: Vec<u8>) -> Vec<msitrace::event::Event> {
    let settings = EvtxSettings {
        keep: KeepPolicy::OfInterest,
        threads: 1,
    };
    EvtxParser::new(std::io::Cursor::new(bytes), 0, settings)
        .map(|item| item.expect("no errors"))
        .collect()
}

#[test]
fn a_template_damaged_in_one_chunk_does_not_decode_the_next_chunks() {
    let Some(shared) = common::shared() else {
        return;
    };
    let path = shared.join("corpus/evtx/EVTX-ATTACK_rogue_msi_url_1040_1042.evtx");
    let original = std::fs::read(path).unwrap();
    let (header, chunk) = (&original[..4096], &original[4096..4096 + 65536]);
    // The first chunk three times, once with the element name `Computer` of its templates
    // changed (the name is written once, where a template first uses it; the definition still
    // compiles). Templates compiled by one chunk are reused by later ones: the damaged ones
    // must not be.
    let name = "Computer"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect::<Vec<_>>();
    let at = chunk.windows(name.len()).position(|w| w == name).unwrap();
    let mut damaged = chunk.to_vec();
    damaged[at + 14] = b'x';
    let clean = events_of_interest([header, chunk, chunk, chunk].concat());
    let read = events_of_interest([header, &damaged, chunk, chunk].concat());
    let per_chunk = clean.len() / 3;
    assert!(per_chunk > 0 && clean.len() == 3 * per_chunk && read.len() == clean.len());
    let computer = |e: &msitrace::event::Event| match &e.kind {
        msitrace::event::Kind::EventRecord(r) => r.computer.clone(),
        _ => None,
    };
    // The damage shows in its chunk (no `Computer` read there) ...
    assert!(computer(&clean[0]).is_some());
    assert_eq!(computer(&read[0]), None);
    // ... and only there.
    assert_eq!(read[per_chunk..], clean[per_chunk..]);
}
