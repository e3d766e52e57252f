//! One EVTX chunk: its bytes checked, its records of interest selected and decoded, each damaged
//! record or table named with its place.

use super::direct::{DirectDecoder, Programs};
use super::template::Program;
use super::Learnt;
use super::{CHUNK_MAGIC, CHUNK_SIZE, MAX_RECORDS_PER_CHUNK};
use crate::event::meaning::is_record_of_interest;
use crate::event::{Event, InputId};
use crate::source::eventxml::{finish_record, parse_record_xml};
use crate::source::evtx_select::{
    hide_others, walk_records, Plan, ProviderNames, RawRecord, Substitutions, TemplateClass,
    TemplateKey,
};
use crate::source::{KeepPolicy, SourceError};
use evtx::err::EvtxError;
use evtx::{EvtxChunkData, EvtxRecord, ParserSettings};
use std::collections::HashMap;
use std::sync::Arc;

pub(super) struct RawChunk {
    pub(super) number: u64,
    pub(super) offset: u64,
    pub(super) present: usize,
    pub(super) data: Vec<u8>,
}

#[derive(Default)]
pub(super) struct ChunkResult {
    pub(super) items: Vec<Result<Event, SourceError>>,
    pub(super) read: bool,
    pub(super) records: u64,
    pub(super) decoded: u64,
    pub(super) skipped_records: u64,
    pub(super) skipped_chunk: bool,
    pub(super) counted: HashMap<Arc<str>, u64>,
    pub(super) learned: Vec<(TemplateKey, TemplateClass)>,
    /// Templates compiled by this chunk.
    pub(super) compiled: Vec<(TemplateKey, Arc<Program>)>,
    /// The chunk's buffer, handed back for reuse.
    pub(super) buffer: Option<Vec<u8>>,
}

pub(super) fn read_chunk(
    mut c: RawChunk,
    input: InputId,
    settings: &Arc<ParserSettings>,
    keep: KeepPolicy,
    learnt: &Learnt,
) -> ChunkResult {
    let mut out = ChunkResult::default();
    let chunk_err = |message: String| SourceError::EvtxChunk {
        chunk: c.number,
        offset: c.offset,
        message,
    };
    if c.data[..8] != CHUNK_MAGIC[..] {
        if c.data[..c.present].iter().all(|&b| b == 0) {
            return out; // an unused chunk slot
        }
        if c.present < 512 {
            out.items.push(Err(SourceError::EvtxTruncated {
                chunk: c.number,
                offset: c.offset,
                present: c.present as u64,
                recovered: 0,
                lost: 0,
            }));
        } else {
            out.items.push(Err(chunk_err(format!(
                "wrong chunk magic {:02x?} (expected \"ElfChnk\\0\")",
                &c.data[..8]
            ))));
        }
        out.skipped_chunk = true;
        return out;
    }
    let truncated = c.present < CHUNK_SIZE;
    if truncated {
        if c.present < 512 {
            out.items.push(Err(SourceError::EvtxTruncated {
                chunk: c.number,
                offset: c.offset,
                present: c.present as u64,
                recovered: 0,
                lost: announced_records(&c.data),
            }));
            out.skipped_chunk = true;
            return out;
        }
        forget_offsets_past(&mut c.data, c.present);
    }
    if keep == KeepPolicy::OfInterest && !truncated {
        if let Some(records) = walk_records(&c.data) {
            return read_selected(c, &records, input, settings, learnt);
        }
    }
    let present = c.present as u64;
    let mut data = match EvtxChunkData::new(std::mem::take(&mut c.data), false) {
        Ok(d) => d,
        Err(e) => {
            out.items.push(Err(chunk_err(e.to_string())));
            out.skipped_chunk = true;
            return out;
        }
    };
    let (first_id, last_id) = (
        data.header.first_event_record_id,
        data.header.last_event_record_id,
    );
    let tables = has_tables(&data.data);
    let mut chunk = match data.parse(Arc::clone(settings)) {
        Ok(chunk) => chunk,
        // A damaged string or template table (bytes inserted or lost inside the chunk): read
        // without the tables, which only speed up finding names and templates that each record
        // can find at their offsets anyway, so that the records before the damage are read.
        Err(_) if tables => {
            let mut bytes = std::mem::take(&mut data.data);
            bytes[128..512].fill(0);
            data = match EvtxChunkData::new(bytes, false) {
                Ok(d) => d,
                Err(e) => {
                    out.items.push(Err(chunk_err(e.to_string())));
                    out.skipped_chunk = true;
                    return out;
                }
            };
            match data.parse(Arc::clone(settings)) {
                Ok(chunk) => chunk,
                Err(e) => {
                    out.items.push(Err(chunk_err(e.to_string())));
                    out.skipped_chunk = true;
                    return out;
                }
            }
        }
        Err(e) => {
            out.items.push(Err(chunk_err(e.to_string())));
            out.skipped_chunk = true;
            return out;
        }
    };
    out.read = true;
    let mut recovered = 0u64;
    for item in chunk.iter().take(MAX_RECORDS_PER_CHUNK) {
        let record = match item {
            Ok(r) => r,
            Err(e) => {
                out.skipped_records += 1;
                out.items.push(Err(record_error(&c, e)));
                continue;
            }
        };
        let end = record.binxml_offset + u64::from(record.binxml_size) + 4;
        if truncated && end > present {
            continue; // cut by the end of the file: counted as lost below
        }
        out.records += 1;
        recovered += 1;
        let record_offset = c.offset + record.binxml_offset.saturating_sub(24);
        let id = record.event_record_id;
        match decode(record, input) {
            Ok(event) => emit_or_count(&mut out, event, keep),
            Err(e) => {
                out.skipped_records += 1;
                out.items.push(Err(SourceError::EvtxRecord {
                    chunk: c.number,
                    record: Some(id),
                    offset: record_offset,
                    message: e,
                }));
            }
        }
    }
    if truncated {
        let announced = if last_id >= first_id && last_id - first_id < MAX_RECORDS_PER_CHUNK as u64
        {
            last_id - first_id + 1
        } else {
            recovered
        };
        let lost = announced.saturating_sub(recovered);
        out.skipped_records += lost;
        out.items.push(Err(SourceError::EvtxTruncated {
            chunk: c.number,
            offset: c.offset,
            present,
            recovered,
            lost,
        }));
    }
    drop(chunk);
    out.buffer = Some(std::mem::take(&mut data.data));
    out
}

/// With [`KeepPolicy::OfInterest`], emit a decoded record of interest, count the others.
pub(super) fn emit_or_count(out: &mut ChunkResult, event: Event, keep: KeepPolicy) {
    if let crate::event::Kind::EventRecord(r) = &event.kind {
        if keep == KeepPolicy::OfInterest && !is_record_of_interest(&r.provider, r.event_id) {
            *out.counted
                .entry(Arc::from(r.provider.as_str()))
                .or_default() += 1;
            return;
        }
    }
    out.decoded += 1;
    out.items.push(Ok(event));
}

/// Read a clean chunk, decoding only the records selected from their bytes (see
/// [`super::evtx_select`]).
pub(super) fn read_selected(
    mut c: RawChunk,
    records: &[RawRecord],
    input: InputId,
    settings: &Arc<ParserSettings>,
    learnt: &Learnt,
) -> ChunkResult {
    let mut out = ChunkResult {
        read: true,
        ..Default::default()
    };
    let data = &c.data[..];
    let mut names = ProviderNames::default();
    let mut wanted = vec![false; records.len()];
    let mut learn: Vec<Option<TemplateKey>> = vec![None; records.len()];
    for (i, r) in records.iter().enumerate() {
        out.records += 1;
        match Substitutions::read(data, r.binxml) {
            None => wanted[i] = true,
            Some(subs) => match learnt.classes.get(&subs.key) {
                Some(class) => match class.plan(&subs, &mut names) {
                    Plan::Decode => wanted[i] = true,
                    Plan::Count(p) => *out.counted.entry(p).or_default() += 1,
                },
                None => {
                    wanted[i] = true;
                    learn[i] = Some(subs.key);
                }
            },
        }
    }
    if !wanted.contains(&true) {
        return out;
    }
    if read_direct(
        &c.data,
        records,
        &wanted,
        &learn,
        &learnt.programs,
        input,
        &mut out,
    ) {
        out.buffer = Some(std::mem::take(&mut c.data));
        return out;
    }
    // Records are in offset order: find one by its offset with a binary search.
    let index_of = |offset: usize| records.binary_search_by_key(&offset, |r| r.offset).ok();
    let chunk_err = |message: String| SourceError::EvtxChunk {
        chunk: c.number,
        offset: c.offset,
        message,
    };
    drop(names);
    // The chunk is ours: hide the other records in place.
    let mut bytes = std::mem::take(&mut c.data);
    hide_others(&mut bytes, records, &wanted);
    let c = &c;
    let mut copy = match EvtxChunkData::new(bytes, false) {
        Ok(d) => d,
        Err(e) => {
            out.items.push(Err(chunk_err(e.to_string())));
            out.skipped_chunk = true;
            return out;
        }
    };
    let mut chunk = match copy.parse(Arc::clone(settings)) {
        Ok(chunk) => chunk,
        Err(e) => {
            out.items.push(Err(chunk_err(e.to_string())));
            out.skipped_chunk = true;
            return out;
        }
    };
    let mut seen = vec![false; records.len()];
    let mut learnt: std::collections::HashSet<TemplateKey> = Default::default();
    for item in chunk.iter().take(MAX_RECORDS_PER_CHUNK) {
        let record = match item {
            Ok(r) => r,
            Err(e) => {
                // The walk stops at each hidden record: those are expected.
                if let EvtxError::FailedToReadRecordAt { offset, .. } = &e {
                    if index_of(*offset as usize).is_some_and(|i| !wanted[i]) {
                        continue;
                    }
                }
                out.skipped_records += 1;
                out.items.push(Err(record_error(c, e)));
                continue;
            }
        };
        let offset = (record.binxml_offset as usize).saturating_sub(24);
        let Some(i) = index_of(offset) else {
            continue;
        };
        if !wanted[i] || seen[i] {
            continue;
        }
        seen[i] = true;
        let id = record.event_record_id;
        let chunk_bytes = record.chunk.data;
        match decode(record, input) {
            Ok(event) => {
                if let (Some(key), crate::event::Kind::EventRecord(r)) = (learn[i], &event.kind) {
                    if learnt.insert(key) {
                        let data = chunk_bytes;
                        if let Some(subs) = Substitutions::read(data, records[i].binxml) {
                            let class = TemplateClass::learn(data, &subs, &r.provider, r.event_id);
                            out.learned.push((key, class));
                        }
                    }
                }
                emit_or_count(&mut out, event, KeepPolicy::OfInterest);
            }
            Err(e) => {
                out.skipped_records += 1;
                out.items.push(Err(SourceError::EvtxRecord {
                    chunk: c.number,
                    record: Some(id),
                    offset: c.offset + offset as u64,
                    message: e,
                }));
            }
        }
    }
    drop(chunk);
    // A selected record the crate did not reach past hidden ones (a chunk header whose offsets
    // disagree with its records): read the chunk again with every record visible.
    if wanted.iter().zip(&seen).any(|(w, s)| *w && !*s) {
        for r in records {
            copy.data[r.offset..r.offset + 4].copy_from_slice(b"\x2a\x2a\x00\x00");
        }
        if let Ok(mut chunk) = copy.parse(Arc::clone(settings)) {
            for record in chunk.iter().take(MAX_RECORDS_PER_CHUNK).flatten() {
                let offset = (record.binxml_offset as usize).saturating_sub(24);
                let Some(i) = index_of(offset).filter(|&i| wanted[i] && !seen[i]) else {
                    continue;
                };
                seen[i] = true;
                match decode(record, input) {
                    Ok(event) => emit_or_count(&mut out, event, KeepPolicy::OfInterest),
                    Err(e) => {
                        out.skipped_records += 1;
                        out.items.push(Err(SourceError::EvtxRecord {
                            chunk: c.number,
                            record: None,
                            offset: c.offset + offset as u64,
                            message: e,
                        }));
                    }
                }
            }
        }
    }
    for (i, r) in records.iter().enumerate() {
        if wanted[i] && !seen[i] {
            out.skipped_records += 1;
            out.items.push(Err(SourceError::EvtxRecord {
                chunk: c.number,
                record: None,
                offset: c.offset + r.offset as u64,
                message: "the record could not be read".to_string(),
            }));
        }
    }
    out.buffer = Some(std::mem::take(&mut copy.data));
    out
}

/// Decode the selected records straight from their BinXML ([`super::direct`]). `false`, with
/// `out` untouched, when the decoder declines any of them: the chunk then goes the XML way whole,
/// so its events and errors keep their order.
fn read_direct(
    data: &[u8],
    records: &[RawRecord],
    wanted: &[bool],
    learn: &[Option<TemplateKey>],
    programs: &Programs,
    input: InputId,
    out: &mut ChunkResult,
) -> bool {
    let mut decoder = DirectDecoder::new(data, programs);
    let mut events = Vec::new();
    for (i, r) in records.iter().enumerate().filter(|(i, _)| wanted[*i]) {
        match decoder.decode(r, input) {
            Ok(event) => events.push((i, event)),
            Err(_) => return false,
        }
    }
    out.compiled = decoder.take_compiled();
    let mut learnt: std::collections::HashSet<TemplateKey> = Default::default();
    for (i, event) in events {
        if let (Some(key), crate::event::Kind::EventRecord(r)) = (learn[i], &event.kind) {
            if learnt.insert(key) {
                if let Some(subs) = Substitutions::read(data, records[i].binxml) {
                    let class = TemplateClass::learn(data, &subs, &r.provider, r.event_id);
                    out.learned.push((key, class));
                }
            }
        }
        emit_or_count(out, event, KeepPolicy::OfInterest);
    }
    true
}

/// Whether a chunk's header has string or template table entries (bytes 128 to 512).
pub(super) fn has_tables(chunk: &[u8]) -> bool {
    chunk
        .get(128..512)
        .is_some_and(|t| t.iter().any(|&b| b != 0))
}

/// Records a chunk header announces (0 when its range is not believable).
pub(super) fn announced_records(chunk: &[u8]) -> u64 {
    let id = |at: usize| {
        chunk
            .get(at..at + 8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
            .unwrap_or(0)
    };
    let (first, last) = (id(24), id(32));
    if last >= first && last - first < MAX_RECORDS_PER_CHUNK as u64 {
        last - first + 1
    } else {
        0
    }
}

/// In a chunk cut at `present` bytes, clear the header's string and template table entries that
/// point past the cut (their records are lost anyway), so the chunk's tables can be built.
pub(super) fn forget_offsets_past(chunk: &mut [u8], present: usize) {
    for at in (128..512).step_by(4) {
        let v = u32::from_le_bytes([chunk[at], chunk[at + 1], chunk[at + 2], chunk[at + 3]]);
        if v as usize >= present {
            chunk[at..at + 4].copy_from_slice(&[0; 4]);
        }
    }
}

/// Render a record to XML and read it back as an event.
pub(super) fn decode(record: EvtxRecord<'_>, input: InputId) -> Result<Event, String> {
    let id = record.event_record_id;
    let ts = record.timestamp;
    let time =
        chrono::DateTime::from_timestamp(ts.as_second(), ts.subsec_nanosecond().max(0) as u32);
    let xml = record.into_xml_bytes().map_err(|e| error_text(&e))?;
    let fields = parse_record_xml(&xml.data).map_err(|e| format!("rendered XML: {e}"))?;
    Ok(finish_record(fields, input, Some(id), time))
}

pub(super) fn error_text(e: &EvtxError) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

pub(super) fn record_error(c: &RawChunk, e: EvtxError) -> SourceError {
    let (record, offset) = match &e {
        EvtxError::FailedToParseRecord { record_id, .. } => (Some(*record_id), c.offset),
        EvtxError::FailedToReadRecordAt { offset, .. } => (None, c.offset + offset),
        _ => (None, c.offset),
    };
    SourceError::EvtxRecord {
        chunk: c.number,
        record,
        offset,
        message: error_text(&e),
    }
}
