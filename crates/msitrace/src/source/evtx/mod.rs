//! Windows event log files (`.evtx`), on the `evtx` crate.
//!
//! The file is a 4 KiB header and 64 KiB chunks; each chunk holds records (magic `2a 2a 00 00`,
//! size, record id, FILETIME, BinXML). This module reads the chunks itself, on the calling thread,
//! and decodes them as a stream on a thread pool ([`EvtxSettings::threads`]; up to 4 chunks per
//! thread queued, handed on in file order), so it controls what happens at the edges: a damaged
//! file header does not stop the chunks; a chunk that fails is one error naming its number and
//! offset; a file cut inside a chunk keeps every complete record before the cut and says how many
//! were lost (the crate alone drops such a chunk).
//!
//! With [`KeepPolicy::OfInterest`] only the records that can explain an installation
//! ([`crate::event::meaning::is_record_of_interest`]: MsiInstaller, Service Control Manager
//! failures and installs, crashes, blocks, ...) are decoded; the others are counted per provider
//! ([`EvtxStats::counted`]). A clean chunk is walked by its record framing and each record's
//! provider and event id are read from its template substitutions, where each template keeps them
//! (learnt once per file from one decoded record; see `evtx_select`). The selected records are
//! decoded straight from their BinXML (`direct`: the template, compiled once per file by
//! `template`, run with the record's values), into the same fields [`super::eventxml`] reads
//! from XML, so an XML export and the EVTX file give equal [`Event`]s. When the direct decoder
//! declines a record (a value type or token it does not handle), the chunk goes the XML way:
//! the crate renders the selected records to XML and [`super::eventxml`] reads them back; that
//! path is also the direct decoder's test oracle (`oracle`). Records without a template, damaged
//! or cut chunks, and [`KeepPolicy::All`] go the plain way: every record rendered to XML and read,
//! then kept or counted.
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

mod chunk;
mod direct;
#[cfg(test)]
mod direct_tests;
#[cfg(test)]
mod oracle;
mod template;
mod values;

use chunk::{read_chunk, ChunkResult, RawChunk};
use direct::Programs;
use template::Program;

use crate::event::{Event, InputId};
use crate::source::evtx_select::{Classes, TemplateClass, TemplateKey};
use crate::source::{
    EventStream, Feeds, KeepPolicy, Opening, Recognised, RecordCounts, Source, SourceError,
    StreamSummary, TimeBasis,
};
use crate::source::{Format, Sniff};
use evtx::ParserSettings;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::TryRecvError;
use std::sync::Arc;

/// Size of the file header block.
pub const FILE_HEADER_SIZE: u64 = 4096;
/// Size of one chunk.
pub const CHUNK_SIZE: usize = 65536;
const CHUNK_MAGIC: &[u8; 8] = b"ElfChnk\0";
const FILE_MAGIC: &[u8; 8] = b"ElfFile\0";
/// Most records a chunk can hold (each is at least 28 bytes): a bound on iteration.
const MAX_RECORDS_PER_CHUNK: usize = CHUNK_SIZE / 28 + 1;
/// Chunks the calling thread may decode beyond twice the pool's queue.
const LOCAL_AHEAD: u64 = 2;

/// How to read an EVTX file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvtxSettings {
    /// Worker threads for chunks: 0 uses one per core, 1 reads on the calling thread. Chunks are
    /// decoded on a pool of the library's own, so a reader may run on any thread or pool.
    /// Chunks are read on the calling thread and decoded as a stream: up to 4 per pool thread
    /// queued, and at most 8 per pool thread plus 2 in memory (those chunks and the events of
    /// the chunks not yet handed on). The calling thread decodes chunks too, so the pool has
    /// one thread fewer than this.
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
    /// What chunks learnt about the templates; shared with the chunks in flight, replaced when
    /// they learn more.
    learnt: Arc<Learnt>,
    /// Templates compiled by one chunk, shared once another chunk compiles them the same (a
    /// damaged definition in one chunk then stays that chunk's).
    compiled_once: HashMap<TemplateKey, Arc<Program>>,
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
    /// Chunks sent to the pool that have not come back yet.
    on_pool: u64,
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
        // wait for them without deadlock (see `crate::parallel`). The calling thread decodes
        // chunks too, so the pool has one thread fewer than asked for.
        let pool = match crate::parallel::resolve_threads(settings.threads) {
            1 => None,
            n => crate::parallel::leaf_pool(n - 1),
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
            learnt: Arc::new(Learnt::default()),
            compiled_once: HashMap::new(),
            spare: Vec::new(),
            results,
            sender,
            reorder: BTreeMap::new(),
            next_sent: 0,
            next_out: 0,
            on_pool: 0,
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

    /// Threads decoding chunks: the pool's and the calling thread.
    fn threads(&self) -> usize {
        1 + self.pool.map_or(0, |pool| pool.current_num_threads())
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
        self.learn(r.learned, r.compiled);
    }

    /// Share what a chunk learnt with the chunks to come: the template classes new to the file,
    /// and the compiled templates a second chunk has compiled the same.
    fn learn(
        &mut self,
        classes: Vec<(TemplateKey, TemplateClass)>,
        compiled: Vec<(TemplateKey, Arc<Program>)>,
    ) {
        let known = &self.learnt;
        let classes: Vec<_> = classes
            .into_iter()
            .filter(|(k, _)| !known.classes.contains_key(k))
            .collect();
        let mut programs = Vec::new();
        for (key, program) in compiled {
            if known.programs.contains_key(&key) {
                continue;
            }
            match self.compiled_once.remove(&key) {
                Some(before) if before == program => programs.push((key, program)),
                _ => {
                    self.compiled_once.insert(key, program);
                }
            }
        }
        if !classes.is_empty() || !programs.is_empty() {
            let learnt = Arc::make_mut(&mut self.learnt);
            learnt.classes.extend(classes);
            learnt.programs.extend(programs);
        }
    }

    /// Decode one chunk on the calling thread.
    fn decode_here(&self, chunk: RawChunk) -> ChunkResult {
        decode_guarded(
            chunk,
            self.input,
            &self.parser,
            self.settings.keep,
            &self.learnt,
        )
    }

    /// Start decoding one chunk on the pool; it comes back through the channel.
    fn send(&mut self, chunk: RawChunk) {
        let seq = self.next_sent;
        self.next_sent += 1;
        self.on_pool += 1;
        let (input, keep) = (self.input, self.settings.keep);
        let (parser, learnt) = (Arc::clone(&self.parser), Arc::clone(&self.learnt));
        let sender = self.sender.clone();
        let job = move || {
            let result = decode_guarded(chunk, input, &parser, keep, &learnt);
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
            let Some(pool) = self.pool else {
                // One thread: decode on the calling thread.
                let Some(chunk) = self.read_next_chunk() else {
                    return self.pending.pop_front();
                };
                let r = self.decode_here(chunk);
                self.take_result(r);
                continue;
            };
            // Keep the pool busy: reading (I/O) stays on this thread, up to 4 chunks per pool
            // thread queued. Chunks decoded but not handed on do not count against the queue
            // (the pool would sit idle while this thread decodes), but against a limit on all
            // chunks in memory.
            let window = 4 * pool.current_num_threads() as u64;
            let limit = 2 * window + LOCAL_AHEAD;
            while self.on_pool < window && self.next_sent - self.next_out < limit {
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
            match self.results.try_recv() {
                Ok((seq, r)) => {
                    self.on_pool -= 1;
                    self.reorder.insert(seq, r);
                    continue;
                }
                Err(TryRecvError::Disconnected) => return None,
                Err(TryRecvError::Empty) => {}
            }
            // The pool has not handed anything back: decode the next chunk here rather than
            // wait (its bytes are in this thread's cache, as it has just read them), within
            // the limit.
            if self.next_sent - self.next_out < limit {
                if let Some(chunk) = self.read_next_chunk() {
                    let seq = self.next_sent;
                    self.next_sent += 1;
                    let r = self.decode_here(chunk);
                    self.reorder.insert(seq, r);
                    continue;
                }
            }
            match self.results.recv() {
                Ok((seq, r)) => {
                    self.on_pool -= 1;
                    self.reorder.insert(seq, r);
                }
                Err(_) => return None,
            }
        }
    }
}

/// What decoded chunks have learnt about the file's templates, by their key.
#[derive(Debug, Clone, Default)]
struct Learnt {
    /// Where each template keeps the provider and event id.
    classes: Classes,
    /// The compiled templates.
    programs: Programs,
}

/// Decode one chunk; a panic of the parser on it becomes an error of that chunk, and the other
/// chunks are read as usual.
fn decode_guarded(
    chunk: RawChunk,
    input: InputId,
    parser: &Arc<ParserSettings>,
    keep: KeepPolicy,
    learnt: &Learnt,
) -> ChunkResult {
    let (number, offset) = (chunk.number, chunk.offset);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_chunk(chunk, input, parser, keep, learnt)
    }))
    .unwrap_or_else(|_| ChunkResult {
        items: vec![Err(SourceError::EvtxChunk {
            chunk: number,
            offset,
            message: "the EVTX parser failed on this chunk".to_string(),
        })],
        skipped_chunk: true,
        ..Default::default()
    })
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
