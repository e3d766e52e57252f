//! Windows event log files (`.evtx`), on the `evtx` crate.
//!
//! The file is a 4 KiB header and 64 KiB chunks; each chunk holds records (magic `2a 2a 00 00`,
//! size, record id, FILETIME, BinXML). This module reads the chunks itself, on the calling thread,
//! and decodes them as a stream on a thread pool ([`EvtxSettings::threads`]; up to 4 chunks per
//! thread in flight, handed on in file order), so it controls what happens at the edges: a damaged
//! file header does not stop the chunks; a chunk that fails is one error naming its number and
//! offset; a file cut inside a chunk keeps every complete record before the cut and says how many
//! were lost (the crate alone drops such a chunk).
//!
//! Decoding a record means rendering it to XML (the crate) and reading that XML with
//! [`super::eventxml`], so an XML export and the EVTX file give equal [`Event`]s. Rendering is the
//! expensive part, so with [`KeepPolicy::OfInterest`] only the records that can explain an installation
//! ([`crate::event::meaning::is_record_of_interest`]: MsiInstaller, Service Control Manager
//! failures and installs, crashes, blocks, ...) are decoded; the others are counted per provider
//! ([`EvtxStats::counted`]). A clean chunk is walked by its record framing and each record's
//! provider and event id are read from its template substitutions, where each template keeps them
//! (learnt once per file from one decoded record); the crate then sees only the selected records
//! (see `evtx_select`). Records without a template, and damaged or cut chunks, go the plain way:
//! every record decoded, then kept or counted.
//!
//! ```no_run
//! use msitrace::source::evtx::{EvtxSettings, EvtxParser};
//! use msitrace::source::KeepPolicy;
//! let settings = EvtxSettings { keep: KeepPolicy::All, threads: 0 };
//! let source = EvtxParser::open("System.evtx".as_ref(), 0, settings).unwrap();
//! for event in source {
//!     match event {
//!         Ok(e) => println!("{:?}", e.at),
//!         Err(e) => eprintln!("{e}"),
//!     }
//! }
//! ```

use crate::event::meaning::is_record_of_interest;
use crate::event::{Event, InputId};
use crate::source::eventxml::{finish_record, parse_record_xml};
use crate::source::evtx_select::{
    hide_others, walk_records, Classes, Plan, ProviderNames, RawRecord, Substitutions,
    TemplateClass, TemplateKey,
};
use crate::source::{
    EventStream, Feeds, KeepPolicy, Opening, Recognised, RecordCounts, Source, SourceError,
    StreamSummary, TimeBasis,
};
use crate::source::{Format, Sniff};
use evtx::err::EvtxError;
use evtx::{EvtxChunkData, EvtxRecord, ParserSettings};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Size of the file header block.
pub const FILE_HEADER_SIZE: u64 = 4096;
/// Size of one chunk.
pub const CHUNK_SIZE: usize = 65536;
const CHUNK_MAGIC: &[u8; 8] = b"ElfChnk\0";
const FILE_MAGIC: &[u8; 8] = b"ElfFile\0";
/// Most records a chunk can hold (each is at least 28 bytes): a bound on iteration.
const MAX_RECORDS_PER_CHUNK: usize = CHUNK_SIZE / 28 + 1;

/// How to read an EVTX file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvtxSettings {
    /// Worker threads for chunks: 0 uses one per core, 1 reads on the calling thread. Chunks are
    /// decoded on a pool of the library's own, so a reader may run on any thread or pool.
    /// Chunks are read on the calling thread and decoded as a stream, up to 4 per thread in
    /// flight (memory: those chunks and the events of the chunks not yet handed on).
    pub threads: usize,
    /// Which records to decode.
    pub keep: KeepPolicy,
}

impl Default for EvtxSettings {
    fn default() -> Self {
        EvtxSettings {
            threads: 0,
            keep: KeepPolicy::OfInterest,
        }
    }
}

/// What reading a file found, beyond the events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvtxStats {
    /// Chunks read.
    pub chunks: u64,
    /// Records read (decoded or counted).
    pub records: u64,
    /// Records decoded into events.
    pub decoded: u64,
    /// Records not decoded, per provider (with [`KeepPolicy::OfInterest`]).
    pub counted: BTreeMap<String, u64>,
    /// Records skipped because they could not be read, or were lost to a cut.
    pub skipped_records: u64,
    /// Chunks skipped whole.
    pub skipped_chunks: u64,
}

/// A streaming reader of one EVTX file: an iterator of events and per-record errors.
pub struct EvtxParser<R: Read> {
    reader: R,
    input: InputId,
    settings: EvtxSettings,
    parser: Arc<ParserSettings>,
    /// The leaf pool that decodes chunks (`None`: decode on the calling thread).
    pool: Option<&'static rayon::ThreadPool>,
    next_chunk: u64,
    done: bool,
    pending: VecDeque<Result<Event, SourceError>>,
    stats: EvtxStats,
    /// Learnt templates; shared with the chunks in flight, replaced when new ones are learnt.
    classes: Arc<Classes>,
    /// Chunk buffers to reuse.
    spare: Vec<Vec<u8>>,
    /// Decoded chunks come back here, tagged with their sequence number.
    results: std::sync::mpsc::Receiver<(u64, ChunkResult)>,
    sender: std::sync::mpsc::Sender<(u64, ChunkResult)>,
    /// Chunks decoded out of order, waiting for their turn.
    reorder: BTreeMap<u64, ChunkResult>,
    /// Sequence number of the next chunk sent and of the next chunk to hand on.
    next_sent: u64,
    next_out: u64,
}

impl EvtxParser<File> {
    /// Open a file.
    pub fn open(path: &Path, input: InputId, settings: EvtxSettings) -> std::io::Result<Self> {
        Ok(Self::new(File::open(path)?, input, settings))
    }
}

impl<R: Read> EvtxParser<R> {
    /// Read from any reader (the file header first).
    pub fn new(reader: R, input: InputId, settings: EvtxSettings) -> Self {
        // Chunks go to a leaf pool, whose jobs never wait: a reader running on any pool can
        // wait for them without deadlock (see `crate::parallel`).
        let pool = match crate::parallel::resolve_threads(settings.threads) {
            1 => None,
            n => crate::parallel::leaf_pool(n),
        };
        let (sender, results) = std::sync::mpsc::channel();
        let mut source = EvtxParser {
            reader,
            input,
            settings,
            parser: Arc::new(
                ParserSettings::default()
                    .indent(false)
                    .validate_checksums(false),
            ),
            pool,
            next_chunk: 0,
            done: false,
            pending: VecDeque::new(),
            stats: EvtxStats::default(),
            classes: Arc::new(Classes::new()),
            spare: Vec::new(),
            results,
            sender,
            reorder: BTreeMap::new(),
            next_sent: 0,
            next_out: 0,
        };
        source.read_header();
        source
    }

    /// What has been read so far (complete once the iterator is exhausted).
    pub fn stats(&self) -> &EvtxStats {
        &self.stats
    }

    fn read_header(&mut self) {
        let mut header = vec![0u8; FILE_HEADER_SIZE as usize];
        let got = read_full(&mut self.reader, &mut header);
        match got {
            Ok(n) if n < FILE_HEADER_SIZE as usize => {
                self.pending.push_back(Err(SourceError::EvtxHeader {
                    message: format!("file is {n} bytes, shorter than the 4096-byte header"),
                }));
                self.done = true;
            }
            Ok(_) if &header[..8] != FILE_MAGIC => {
                self.pending.push_back(Err(SourceError::EvtxHeader {
                    message: format!(
                        "wrong magic {:02x?} (expected \"ElfFile\\0\")",
                        &header[..8]
                    ),
                }))
            }
            Ok(_) => {}
            Err(e) => {
                self.pending
                    .push_back(Err(SourceError::Read { line: 0, source: e }));
                self.done = true;
            }
        }
    }

    /// Worker threads in use.
    fn threads(&self) -> usize {
        self.pool.map_or(1, |pool| pool.current_num_threads())
    }

    /// Read the next chunk from the input (`None` at the end; a read error ends the input).
    fn read_next_chunk(&mut self) -> Option<RawChunk> {
        if self.done {
            return None;
        }
        let number = self.next_chunk;
        let offset = FILE_HEADER_SIZE + number * CHUNK_SIZE as u64;
        // Chunk buffers come back from decoded chunks: reuse them rather than allocate.
        let mut data = self
            .spare
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(CHUNK_SIZE));
        data.clear();
        match read_chunk_bytes(&mut self.reader, &mut data) {
            Ok(0) => {
                self.done = true;
                None
            }
            Ok(n) => {
                self.next_chunk += 1;
                if n < CHUNK_SIZE {
                    pad_cut_chunk(&mut data);
                    self.done = true;
                }
                Some(RawChunk {
                    number,
                    offset,
                    present: n,
                    data,
                })
            }
            Err(e) => {
                self.done = true;
                self.pending.push_back(Err(SourceError::EvtxChunk {
                    chunk: number,
                    offset,
                    message: format!("read failed: {e}"),
                }));
                None
            }
        }
    }

    /// Hand a decoded chunk on: its events to the queue, its counts to the stats.
    fn take_result(&mut self, mut r: ChunkResult) {
        if let Some(buffer) = r.buffer.take() {
            if self.spare.len() < 4 * self.threads() + 4 {
                self.spare.push(buffer);
            }
        }
        let s = &mut self.stats;
        s.chunks += u64::from(r.read);
        s.records += r.records;
        s.decoded += r.decoded;
        s.skipped_records += r.skipped_records;
        s.skipped_chunks += u64::from(r.skipped_chunk);
        for (p, n) in r.counted {
            match s.counted.get_mut(&*p) {
                Some(c) => *c += n,
                None => {
                    s.counted.insert(p.to_string(), n);
                }
            }
        }
        self.pending.extend(r.items);
        let new: Vec<_> = r
            .learned
            .into_iter()
            .filter(|(k, _)| !self.classes.contains_key(k))
            .collect();
        if !new.is_empty() {
            Arc::make_mut(&mut self.classes).extend(new);
        }
    }

    /// Start decoding one chunk on the pool; it comes back through the channel.
    fn send(&mut self, chunk: RawChunk) {
        let seq = self.next_sent;
        self.next_sent += 1;
        let (input, keep) = (self.input, self.settings.keep);
        let (parser, classes) = (Arc::clone(&self.parser), Arc::clone(&self.classes));
        let sender = self.sender.clone();
        let job = move || {
            let (number, offset) = (chunk.number, chunk.offset);
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                read_chunk(chunk, input, &parser, keep, &classes)
            }))
            .unwrap_or_else(|_| ChunkResult {
                items: vec![Err(SourceError::EvtxChunk {
                    chunk: number,
                    offset,
                    message: "the EVTX parser failed on this chunk".to_string(),
                })],
                skipped_chunk: true,
                ..Default::default()
            });
            // The receiver is gone only when the source was dropped.
            let _ = sender.send((seq, result));
        };
        match self.pool {
            Some(pool) => pool.spawn(job),
            None => job(),
        }
    }
}

impl<R: Read> Iterator for EvtxParser<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if let Some(r) = self.reorder.remove(&self.next_out) {
                self.next_out += 1;
                self.take_result(r);
                continue;
            }
            let threads = self.threads();
            if threads <= 1 {
                // One thread: decode on the calling thread.
                let Some(chunk) = self.read_next_chunk() else {
                    return self.pending.pop_front();
                };
                let r = read_chunk(
                    chunk,
                    self.input,
                    &self.parser,
                    self.settings.keep,
                    &self.classes,
                );
                self.take_result(r);
                continue;
            }
            // Keep the pool busy: reading (I/O) stays on this thread, up to 4 chunks per thread
            // in flight.
            while self.next_sent - self.next_out < 4 * threads as u64 {
                match self.read_next_chunk() {
                    Some(chunk) => self.send(chunk),
                    None => break,
                }
            }
            if self.next_sent == self.next_out {
                // Nothing in flight: the input is read (a read error is in `pending`).
                if self.pending.is_empty() {
                    return None;
                }
                continue;
            }
            match self.results.recv() {
                Ok((seq, r)) => {
                    self.reorder.insert(seq, r);
                }
                Err(_) => return None,
            }
        }
    }
}

/// Pad a chunk cut by the end of the file with zeros to its full size.
fn pad_cut_chunk(data: &mut Vec<u8>) {
    data.resize(CHUNK_SIZE, 0);
}

/// Read up to one chunk into `data` (without zeroing it first); the number of bytes read.
fn read_chunk_bytes(reader: &mut impl Read, data: &mut Vec<u8>) -> std::io::Result<usize> {
    loop {
        match reader.take(CHUNK_SIZE as u64).read_to_end(data) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => data.clear(),
            Err(e) => return Err(e),
        }
    }
}

/// Read until `buf` is full or the input ends; the number of bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

struct RawChunk {
    number: u64,
    offset: u64,
    present: usize,
    data: Vec<u8>,
}

#[derive(Default)]
struct ChunkResult {
    items: Vec<Result<Event, SourceError>>,
    read: bool,
    records: u64,
    decoded: u64,
    skipped_records: u64,
    skipped_chunk: bool,
    counted: HashMap<Arc<str>, u64>,
    learned: Vec<(TemplateKey, TemplateClass)>,
    /// The chunk's buffer, handed back for reuse.
    buffer: Option<Vec<u8>>,
}

fn read_chunk(
    mut c: RawChunk,
    input: InputId,
    settings: &Arc<ParserSettings>,
    keep: KeepPolicy,
    classes: &Classes,
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
            return read_selected(c, &records, input, settings, classes);
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
fn emit_or_count(out: &mut ChunkResult, event: Event, keep: KeepPolicy) {
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
fn read_selected(
    mut c: RawChunk,
    records: &[RawRecord],
    input: InputId,
    settings: &Arc<ParserSettings>,
    classes: &Classes,
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
            Some(subs) => match classes.get(&subs.key) {
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

/// Whether a chunk's header has string or template table entries (bytes 128 to 512).
fn has_tables(chunk: &[u8]) -> bool {
    chunk
        .get(128..512)
        .is_some_and(|t| t.iter().any(|&b| b != 0))
}

/// Records a chunk header announces (0 when its range is not believable).
fn announced_records(chunk: &[u8]) -> u64 {
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
fn forget_offsets_past(chunk: &mut [u8], present: usize) {
    for at in (128..512).step_by(4) {
        let v = u32::from_le_bytes([chunk[at], chunk[at + 1], chunk[at + 2], chunk[at + 3]]);
        if v as usize >= present {
            chunk[at..at + 4].copy_from_slice(&[0; 4]);
        }
    }
}

/// Render a record to XML and read it back as an event.
fn decode(record: EvtxRecord<'_>, input: InputId) -> Result<Event, String> {
    let id = record.event_record_id;
    let ts = record.timestamp;
    let time =
        chrono::DateTime::from_timestamp(ts.as_second(), ts.subsec_nanosecond().max(0) as u32);
    let xml = record.into_xml_bytes().map_err(|e| error_text(&e))?;
    let fields = parse_record_xml(&xml.data).map_err(|e| format!("rendered XML: {e}"))?;
    Ok(finish_record(fields, input, Some(id), time))
}

fn error_text(e: &EvtxError) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

fn record_error(c: &RawChunk, e: EvtxError) -> SourceError {
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

/// The EVTX reader as registered in [`crate::source::SOURCES`].
pub struct EvtxSource;

impl Source for EvtxSource {
    fn format(&self) -> Format {
        Format::Evtx
    }

    fn feeds(&self) -> Feeds {
        Feeds::EventLog
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Utc
    }

    fn is_binary(&self) -> bool {
        true
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        // A damaged file header still has its first chunk where it belongs.
        let chunk = &sniff
            .head
            .get(FILE_HEADER_SIZE as usize..FILE_HEADER_SIZE as usize + 8);
        (sniff.head.starts_with(FILE_MAGIC) || *chunk == Some(&b"ElfChnk\0"[..]))
            .then_some(Recognised::Sure { line: 0 })
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        let settings = EvtxSettings {
            threads: opening.threads,
            keep: opening.keep,
        };
        Ok(Box::new(EvtxParser::new(
            opening.reader()?,
            opening.input,
            settings,
        )))
    }
}

impl<R: Read + Send> EventStream for EvtxParser<R> {
    fn finish(self: Box<Self>) -> StreamSummary {
        let stats = self.stats();
        StreamSummary {
            records: Some(RecordCounts {
                read: stats.records,
                decoded: stats.decoded,
                counted: stats.counted.clone(),
                skipped: stats.skipped_records,
            }),
            ..Default::default()
        }
    }
}
