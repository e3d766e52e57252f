//! The XML path as the oracle of the direct decoder: every record of every real EVTX file
//! (`../shared/corpus/evtx`, read by path) decoded both ways, the events compared field by
//! field, the declines counted by reason.

use super::chunk::decode;
use super::direct::{DirectDecoder, Programs};
use super::values::Decline;
use super::{CHUNK_MAGIC, CHUNK_SIZE, FILE_HEADER_SIZE};
use crate::event::Event;
use crate::source::evtx_select::walk_records;
use evtx::{EvtxChunkData, ParserSettings};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What comparing one file found.
#[derive(Default, Debug)]
struct Tally {
    records: u64,
    equal: u64,
    declines: BTreeMap<Decline, u64>,
    /// Records the XML path could not decode while the direct one did.
    only_direct: u64,
    /// Chunks decoded with templates compiled by earlier chunks.
    reusing: u64,
    mismatches: Vec<String>,
}

fn compare_file(path: &Path, tally: &mut Tally) {
    let bytes = std::fs::read(path).unwrap();
    let settings = Arc::new(
        ParserSettings::default()
            .indent(false)
            .validate_checksums(false),
    );
    // Templates compiled by earlier chunks are reused, as the reader does.
    let mut known = Programs::new();
    let mut at = FILE_HEADER_SIZE as usize;
    while at + CHUNK_SIZE <= bytes.len() {
        let data = bytes[at..at + CHUNK_SIZE].to_vec();
        at += CHUNK_SIZE;
        if data[..8] != CHUNK_MAGIC[..] {
            continue;
        }
        let Some(records) = walk_records(&data) else {
            continue;
        };
        // The XML path: every record rendered and read back, by its offset in the chunk.
        let mut chunk_data = EvtxChunkData::new(data.clone(), false).unwrap();
        let mut chunk = chunk_data.parse(Arc::clone(&settings)).unwrap();
        let mut by_xml: HashMap<usize, Result<Event, String>> = HashMap::new();
        for record in chunk.iter().flatten() {
            let offset = record.binxml_offset as usize - 24;
            by_xml.insert(offset, decode(record, 7));
        }
        let mut direct = DirectDecoder::new(&data, &known);
        for r in &records {
            tally.records += 1;
            let xml = by_xml.remove(&r.offset);
            match (direct.decode(r, 7), xml) {
                (Err(d), _) => *tally.declines.entry(d).or_default() += 1,
                (Ok(a), Some(Ok(b))) if a == b => tally.equal += 1,
                (Ok(a), Some(Ok(b))) => tally.mismatches.push(format!(
                    "{} record at {}: direct {a:?}\n  xml {b:?}",
                    path.display(),
                    r.offset
                )),
                (Ok(_), _) => tally.only_direct += 1,
            }
        }
        tally.reusing += u64::from(!known.is_empty());
        known.extend(direct.take_compiled());
    }
}

fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/evtx");
    if !dir.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/corpus is missing: CI must run this test against the real corpus"
        );
        eprintln!("SKIPPED: ../shared/corpus/evtx not found");
        return None;
    }
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "evtx"))
        .collect();
    files.sort();
    Some(files)
}

#[test]
fn direct_decoder_equals_the_xml_path_on_every_corpus_record() {
    let Some(files) = corpus_files() else {
        return;
    };
    let mut total = Tally::default();
    for file in &files {
        let mut t = Tally::default();
        compare_file(file, &mut t);
        eprintln!(
            "{}: {} records, {} equal, declined {:?}, only direct {}",
            file.file_name().unwrap().to_string_lossy(),
            t.records,
            t.equal,
            t.declines,
            t.only_direct
        );
        total.records += t.records;
        total.equal += t.equal;
        total.only_direct += t.only_direct;
        total.reusing += t.reusing;
        for (d, n) in t.declines {
            *total.declines.entry(d).or_default() += n;
        }
        total.mismatches.extend(t.mismatches);
    }
    let declined: u64 = total.declines.values().sum();
    eprintln!(
        "all: {} records, {} equal, {declined} declined {:?}, {} only direct",
        total.records, total.equal, total.declines, total.only_direct
    );
    for m in total.mismatches.iter().take(5) {
        eprintln!("MISMATCH {m}");
    }
    assert!(total.records > 10_000, "{} records", total.records);
    assert!(
        total.mismatches.is_empty(),
        "{} mismatches",
        total.mismatches.len()
    );
    assert_eq!(total.only_direct, 0);
    assert!(
        total.reusing > 100,
        "{} chunks reused templates",
        total.reusing
    );
    // Declines go the XML way: they must stay the exception.
    assert!(
        declined * 100 < total.records,
        "{declined} of {} declined",
        total.records
    );
}

/// Damaged chunks: bytes of real chunks overwritten (a fixed pseudo-random sequence) are read
/// by the direct decoder without a panic, and where it decodes a record the XML path reads too,
/// both give the same event.
#[test]
fn damaged_chunks_decode_the_same_or_decline() {
    let Some(files) = corpus_files() else {
        return;
    };
    let settings = Arc::new(
        ParserSettings::default()
            .indent(false)
            .validate_checksums(false),
    );
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut decoded, mut declined, mut differ) = (0u64, 0u64, Vec::new());
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        // The first two chunks of each file, 15 damages each.
        for chunk in 0..2 {
            let at = FILE_HEADER_SIZE as usize + chunk * CHUNK_SIZE;
            let Some(original) = bytes.get(at..at + CHUNK_SIZE) else {
                continue;
            };
            for _ in 0..15 {
                let mut data = original.to_vec();
                for _ in 0..1 + next() % 4 {
                    let offset = 512 + (next() as usize) % (CHUNK_SIZE - 512);
                    data[offset] = next() as u8;
                }
                let Some(records) = walk_records(&data) else {
                    continue;
                };
                let mut by_xml: HashMap<usize, Result<Event, String>> = HashMap::new();
                if let Ok(mut chunk_data) = EvtxChunkData::new(data.clone(), false) {
                    if let Ok(mut parsed) = chunk_data.parse(Arc::clone(&settings)) {
                        for record in parsed.iter().flatten() {
                            let offset = record.binxml_offset as usize - 24;
                            by_xml.insert(offset, decode(record, 7));
                        }
                    }
                }
                // Compiled in this chunk, damages and all.
                let none = Programs::new();
                let mut direct = DirectDecoder::new(&data, &none);
                for r in &records {
                    match direct.decode(r, 7) {
                        Err(_) => declined += 1,
                        Ok(event) => {
                            decoded += 1;
                            if let Some(Ok(xml)) = by_xml.get(&r.offset) {
                                if *xml != event {
                                    differ.push(format!(
                                        "{}: {event:?}\n  xml {xml:?}",
                                        file.display()
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "damaged: {decoded} decoded, {declined} declined, {} differ",
        differ.len()
    );
    for d in differ.iter().take(3) {
        eprintln!("DIFFER {d}");
    }
    assert!(decoded > 1000);
    assert!(differ.is_empty());
}
