//! Opening a PML capture ([`PmlCapture`]: header and tables) and walking its events in order
//! ([`EventWalker`]), a block of events at a time, so memory is bounded by a block, never by
//! the file.
//!
//! Events are found through the event offset table; when that table is lost (a capture cut
//! short loses the tables written at its end) they are found by walking their sizes from the
//! first event. Either way, the first event that cannot be read ends the walk with an error
//! naming the event and the byte where reading stopped; every complete event before it is kept.

use super::bytes::Cursor;
use super::header::{PmlHeader, HEADER_LEN};
use super::tables::{NetworkNames, ProcessTable, StringTable};
use crate::source::SourceError;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Size of the fixed part of an event.
pub const EVENT_HEADER_LEN: usize = 0x34;

/// Largest table read into memory (a damaged offset cannot make the reader allocate more).
const MAX_TABLE: u64 = 1 << 30;

/// Largest single event when its end is not known from the offset table.
const MAX_EVENT: u64 = 16 << 20;

/// Events per block read at once.
const BLOCK_EVENTS: u32 = 4096;

/// Largest span of one block of events (bytes); a damaged offset cannot make a block larger.
const MAX_BLOCK_BYTES: u64 = 64 << 20;

/// A capture opened: its header and tables, ready to walk its events.
#[derive(Debug)]
pub struct PmlCapture {
    /// The header.
    pub header: PmlHeader,
    /// The string table.
    pub strings: StringTable,
    /// The process table.
    pub processes: ProcessTable,
    /// Host and port names.
    pub network: NetworkNames,
    /// Size of the file.
    pub file_len: u64,
    /// True when the event offset table can be used.
    pub has_offsets: bool,
    /// What was wrong with the header's offsets or the tables (each names a position).
    pub problems: Vec<String>,
    path: PathBuf,
}

fn pml_error(offset: u64, message: impl Into<String>) -> SourceError {
    SourceError::Pml {
        offset,
        message: message.into(),
    }
}

fn read_at(file: &mut File, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(offset))?;
    let mut buf = Vec::with_capacity(len.min(MAX_TABLE) as usize);
    file.take(len).read_to_end(&mut buf)?;
    Ok(buf)
}

impl PmlCapture {
    /// Open a capture: read the header and the tables (bounded, each checked).
    pub fn open(path: &Path) -> Result<PmlCapture, SourceError> {
        let io = |source| SourceError::Read { line: 0, source };
        let mut file = File::open(path).map_err(io)?;
        let file_len = file.metadata().map_err(io)?.len();
        let head = read_at(&mut file, 0, HEADER_LEN as u64).map_err(io)?;
        let header = PmlHeader::parse(&head).map_err(|e| pml_error(0, e.to_string()))?;
        let mut problems = Vec::new();
        // Each table runs to the next table (or the end of the file).
        let starts = [
            header.events_offset,
            header.event_offsets_offset,
            header.processes_offset,
            header.strings_offset,
            header.icons_offset,
            header.hosts_ports_offset,
        ];
        let end_of = |start: u64| {
            starts
                .iter()
                .copied()
                .filter(|&s| s > start)
                .min()
                .unwrap_or(file_len)
                .min(file_len)
                .min(start.saturating_add(MAX_TABLE))
        };
        let mut table = |name: &str, start: u64| -> Vec<u8> {
            if start < HEADER_LEN as u64 || start >= file_len {
                problems.push(format!(
                    "{name} at {start:#x} is outside the file ({file_len} bytes): the capture was cut or not closed cleanly"
                ));
                return Vec::new();
            }
            match read_at(&mut file, start, end_of(start) - start) {
                Ok(b) => b,
                Err(e) => {
                    problems.push(format!("{name} at {start:#x}: {e}"));
                    Vec::new()
                }
            }
        };
        let strings = StringTable::parse(&table("string table", header.strings_offset));
        let processes = ProcessTable::parse(
            &table("process table", header.processes_offset),
            &strings,
            header.is_64bit,
        );
        let network = if header.hosts_ports_offset == 0 {
            NetworkNames::default()
        } else {
            NetworkNames::parse(&table("host and port tables", header.hosts_ports_offset))
        };
        if strings.damaged > 0 {
            problems.push(format!(
                "string table at {:#x}: {} of {} strings unreadable (bad offset or size)",
                header.strings_offset,
                strings.damaged,
                strings.len()
            ));
        }
        if processes.damaged > 0 {
            problems.push(format!(
                "process table at {:#x}: {} processes unreadable",
                header.processes_offset, processes.damaged
            ));
        }
        let table_end = header
            .event_offsets_offset
            .checked_add(5 * u64::from(header.event_count));
        let has_offsets = header.event_offsets_offset >= header.events_offset
            && header.events_offset >= HEADER_LEN as u64
            && table_end.is_some_and(|e| e <= file_len);
        if !has_offsets {
            problems.push(format!(
                "event offset table at {:#x} ({} events) is not within the file ({file_len} bytes): events found by walking their sizes",
                header.event_offsets_offset, header.event_count
            ));
        }
        Ok(PmlCapture {
            header,
            strings,
            processes,
            network,
            file_len,
            has_offsets,
            problems,
            path: path.to_path_buf(),
        })
    }

    /// Where the events end (the offset table follows them).
    pub fn events_end(&self) -> u64 {
        if self.has_offsets {
            self.header.event_offsets_offset
        } else {
            self.file_len
        }
    }
}

impl EventWalker {
    /// Walk the events `first..last` of a capture (indexes into the offset table; without one,
    /// the walk starts at the first event and goes to the end of the file).
    pub fn owned(
        capture: Arc<PmlCapture>,
        first: u32,
        last: u32,
    ) -> Result<EventWalker, SourceError> {
        let file =
            File::open(&capture.path).map_err(|source| SourceError::Read { line: 0, source })?;
        let pos = capture.header.events_offset;
        Ok(EventWalker {
            capture,
            file,
            next: first,
            last,
            pos,
            buf: Vec::new(),
            buf_start: 0,
            spans: Vec::new(),
            span_at: 0,
            pending: None,
            done: false,
        })
    }
}

/// One event's fixed part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventHeader {
    /// Index into the process table.
    pub process_index: u32,
    /// Thread id.
    pub tid: u32,
    /// Event class.
    pub class: u32,
    /// Operation number.
    pub operation: u16,
    /// Duration, in 100 ns.
    pub duration: u64,
    /// Time (FILETIME, UTC).
    pub time: u64,
    /// Result (NTSTATUS).
    pub result: u32,
    /// Stack frames.
    pub stack_depth: u16,
    /// Size of the detail structure.
    pub details_size: u32,
    /// Offset of the extra detail structure from the event start (0: none).
    pub extra_offset: u32,
}

impl EventHeader {
    /// Read the fixed part of an event.
    pub fn parse(b: &[u8]) -> Option<EventHeader> {
        let mut c = Cursor::new(b);
        let process_index = c.u32()?;
        let tid = c.u32()?;
        let class = c.u32()?;
        let operation = c.u16()?;
        c.skip(6)?;
        let duration = c.u64()?;
        let time = c.u64()?;
        let result = c.u32()?;
        let stack_depth = c.u16()?;
        c.skip(2)?;
        let details_size = c.u32()?;
        let extra_offset = c.u32()?;
        Some(EventHeader {
            process_index,
            tid,
            class,
            operation,
            duration,
            time,
            result,
            stack_depth,
            details_size,
            extra_offset,
        })
    }
}

/// One event's bytes, split into its parts.
#[derive(Debug, Clone, Copy)]
pub struct RawEvent<'a> {
    /// Index in the capture (0-based).
    pub index: u32,
    /// File offset.
    pub offset: u64,
    /// The fixed part.
    pub header: EventHeader,
    /// Stack frame addresses (pointer-sized each).
    pub stack: &'a [u8],
    /// The detail structure.
    pub details: &'a [u8],
    /// The extra detail structure.
    pub extra: Option<&'a [u8]>,
}

/// An event's bytes split into its parts.
#[derive(Debug, Clone, Copy)]
pub struct EventParts<'a> {
    /// The fixed part.
    pub header: EventHeader,
    /// Stack frame addresses.
    pub stack: &'a [u8],
    /// The detail structure.
    pub details: &'a [u8],
    /// The extra detail structure.
    pub extra: Option<&'a [u8]>,
    /// Bytes the event spans.
    pub len: usize,
}

/// Split an event's bytes into its parts; `None` when a part lies outside them.
pub fn split_event(bytes: &[u8], pointer: usize) -> Option<EventParts<'_>> {
    let h = EventHeader::parse(bytes)?;
    let mut c = Cursor::at(bytes, EVENT_HEADER_LEN);
    let stack = c.take(usize::from(h.stack_depth) * pointer)?;
    let details = c.take(h.details_size as usize)?;
    let mut end = c.position();
    let extra = if h.extra_offset > 0 {
        let mut e = Cursor::at(bytes, h.extra_offset as usize);
        let size = e.u16()? as usize;
        let extra = e.take(size)?;
        end = end.max(e.position());
        Some(extra)
    } else {
        None
    };
    Some(EventParts {
        header: h,
        stack,
        details,
        extra,
        len: end,
    })
}

/// Walks events in order, a block at a time.
pub struct EventWalker {
    capture: Arc<PmlCapture>,
    file: File,
    next: u32,
    last: u32,
    /// Next file offset (walking without the offset table).
    pos: u64,
    buf: Vec<u8>,
    buf_start: u64,
    /// (index, start, end) of each event of the block, offsets into `buf`.
    spans: Vec<(u32, usize, usize)>,
    span_at: usize,
    /// An error found ahead, given once the events before it are handed out.
    pending: Option<SourceError>,
    done: bool,
}

impl EventWalker {
    /// The next event, an error that ends the walk, or `None` at the end.
    pub fn next_event(&mut self) -> Option<Result<RawEvent<'_>, SourceError>> {
        if self.span_at >= self.spans.len() {
            if let Some(e) = self.pending.take() {
                self.done = true;
                return Some(Err(e));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.fill() {
                self.done = true;
                self.spans.clear();
                return Some(Err(e));
            }
            if self.spans.is_empty() {
                return None;
            }
        }
        let (index, start, end) = self.spans[self.span_at];
        self.span_at += 1;
        let offset = self.buf_start + start as u64;
        let pointer = self.capture.header.pointer_size();
        match split_event(&self.buf[start..end], pointer) {
            Some(p) => Some(Ok(RawEvent {
                index,
                offset,
                header: p.header,
                stack: p.stack,
                details: p.details,
                extra: p.extra,
            })),
            None => {
                self.done = true;
                self.spans.clear();
                Some(Err(pml_error(
                    offset,
                    format!("event {index}: its sizes point outside its bytes; reading stopped, {index} events read"),
                )))
            }
        }
    }

    /// Read the next block of events.
    fn fill(&mut self) -> Result<(), SourceError> {
        self.spans.clear();
        self.span_at = 0;
        if self.capture.has_offsets {
            self.fill_from_table()
        } else {
            self.fill_by_walking()
        }
    }

    fn fill_from_table(&mut self) -> Result<(), SourceError> {
        let c = Arc::clone(&self.capture);
        let h = &c.header;
        if self.next >= self.last {
            self.done = true;
            return Ok(());
        }
        let first = self.next;
        let count = (self.last - first).min(BLOCK_EVENTS);
        // One more entry: where the block's last event ends.
        let with_next = (count + 1).min(h.event_count - first);
        let table_at = h.event_offsets_offset + 5 * u64::from(first);
        let io = |source| SourceError::Read { line: 0, source };
        let table = read_at(&mut self.file, table_at, 5 * u64::from(with_next)).map_err(io)?;
        let mut offsets: Vec<u64> = table
            .chunks_exact(5)
            .map(|e| u64::from(u32::from_le_bytes([e[0], e[1], e[2], e[3]])))
            .collect();
        if offsets.len() == count as usize {
            offsets.push(c.events_end());
        }
        let (lo, hi) = (h.events_offset, c.events_end());
        // The first entry that cannot be right ends the block; the event before it is bounded
        // by its own sizes (read up to the end of the events, at most MAX_EVENT bytes).
        let mut bad_entry = None;
        if offsets[0] < lo || offsets[0] >= hi {
            bad_entry = Some(0);
        } else {
            for i in 0..offsets.len() - 1 {
                let (a, b) = (offsets[i], offsets[i + 1]);
                if b < a || b > hi {
                    bad_entry = Some(i + 1);
                    offsets[i + 1] = hi.min(a + MAX_EVENT);
                    offsets.truncate(i + 2);
                    break;
                }
            }
        }
        if bad_entry == Some(0) {
            self.done = true;
            return Err(pml_error(
                table_at,
                format!(
                    "event {first}: offset table entry gives {:#x}, outside the events ({lo:#x}..{hi:#x}); reading stopped, {first} events read",
                    offsets[0]
                ),
            ));
        }
        let start = offsets[0];
        let mut end_i = (offsets.len() - 1).min(count as usize);
        while end_i > 0 && offsets[end_i] - start > MAX_BLOCK_BYTES {
            end_i /= 2;
        }
        if end_i == 0 {
            self.done = true;
            return Err(pml_error(
                start,
                format!("event {first}: larger than {MAX_BLOCK_BYTES} bytes; reading stopped, {first} events read"),
            ));
        }
        let span = offsets[end_i] - start;
        self.buf = read_at(&mut self.file, start, span).map_err(io)?;
        self.buf_start = start;
        for i in 0..end_i {
            let s = (offsets[i] - start) as usize;
            let e = ((offsets[i + 1] - start) as usize).min(self.buf.len());
            if s >= self.buf.len() {
                break;
            }
            self.spans.push((first + i as u32, s, e));
        }
        self.next = first + end_i as u32;
        if let Some(bad) = bad_entry {
            if self.next == first + bad as u32 {
                // The events before the bad entry are handed out, then this error.
                let index = self.next;
                self.last = index;
                self.pending = Some(pml_error(
                    table_at + 5 * bad as u64,
                    format!(
                        "event {index}: offset table entry is not after the previous event or lies outside the events ({lo:#x}..{hi:#x}); reading stopped, {index} events read"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn fill_by_walking(&mut self) -> Result<(), SourceError> {
        let c = Arc::clone(&self.capture);
        let end = c.events_end();
        if self.pos >= end {
            self.done = true;
            return Ok(());
        }
        let io = |source| SourceError::Read { line: 0, source };
        let span = (end - self.pos).min(MAX_EVENT);
        self.buf = read_at(&mut self.file, self.pos, span).map_err(io)?;
        self.buf_start = self.pos;
        let pointer = c.header.pointer_size();
        let mut at = 0usize;
        while self.spans.len() < BLOCK_EVENTS as usize {
            let Some(parts) = split_event(&self.buf[at..], pointer) else {
                break;
            };
            let (h, size) = (parts.header, parts.len);
            if h.class == 0 || h.class > 5 {
                break;
            }
            self.spans.push((self.next, at, at + size));
            self.next += 1;
            at += size;
            // Events are sometimes followed by one byte of padding.
            if let Some(p) = self.buf.get(at + 8..at + 12) {
                let class = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
                if (class == 0 || class > 5)
                    && self.buf.get(at + 9..at + 13).is_some_and(|q| {
                        (1..=5).contains(&u32::from_le_bytes([q[0], q[1], q[2], q[3]]))
                    })
                {
                    at += 1;
                }
            }
        }
        if self.spans.is_empty() {
            // Bytes remain that are not a whole event: a cut, or damage.
            self.done = true;
            let class = Cursor::at(&self.buf, 8).u32();
            let what = match class {
                Some(c) if (1..=5).contains(&c) => {
                    "the file ends inside it (cut capture)".to_string()
                }
                Some(c) => format!("not an event (class {c})"),
                None => "the file ends inside it (cut capture)".to_string(),
            };
            return Err(pml_error(
                self.pos,
                format!(
                    "event {}: {what}; reading stopped, {} complete events read",
                    self.next, self.next
                ),
            ));
        }
        self.pos += at as u64;
        Ok(())
    }
}
