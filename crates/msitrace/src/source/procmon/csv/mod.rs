//! Process Monitor CSV exports, streaming.
//!
//! The header drives the reader: the 7-column default export (`Time of Day, Process Name, PID,
//! Operation, Path, Result, Detail`) and any subset or order of the 27 columns are read by name;
//! `PID`, `Operation` and `Result` are required. UTF-8 with or without a BOM, CRLF or LF. Each
//! data row is classified on its bytes ([`Keeper`]); only kept rows are decoded and typed (see
//! [`super::procmon`]), so the hot path is one `csv::ByteRecord` read per row.
//!
//! Bad rows (ragged, cut, unreadable id, garbage operation or result) are errors naming the row
//! and column; the reader skips them and goes on.
//!
//! [`read_file`] reads a large file in chunks on several threads (split at row boundaries, merged
//! in order); the [`ProcmonCsvParser`] iterator reads any byte stream on one.
//!
//! ```
//! use msitrace::source::procmon::csv::ProcmonCsvParser;
//! use msitrace::source::procmon::CaptureSettings;
//! use msitrace::source::KeepPolicy;
//! use msitrace::event::Kind;
//! let csv = "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n\
//!            \"7:19:37.0147934 AM\",\"msiexec.exe\",\"4242\",\"CreateFile\",\"C:\\Windows\\Temp\\x\",\"ACCESS DENIED\",\"Desired Access: Generic Write\"\r\n";
//! let settings = CaptureSettings { keep: KeepPolicy::All, ..Default::default() };
//! let parser = ProcmonCsvParser::new(csv.as_bytes(), 0, settings).unwrap();
//! let events: Vec<_> = parser.collect::<Result<_, _>>().unwrap();
//! let Kind::Operation(op) = &events.last().unwrap().kind else { panic!() };
//! assert_eq!(op.result, "ACCESS DENIED");
//! ```

use crate::event::*;
use crate::source::bounded::{CsvRowLimit, CUT_ROW_MARK, MAX_CSV_ROW};
use crate::source::procmon::{
    row_event, row_process_event, CaptureSettings, CaptureTally, Column, FullKeys, Keeper,
    RowDecision, RowProblem, RowText,
};
use crate::source::{
    EventStream, Feeds, KeepPolicy, Opening, Recognised, Source, SourceError, StreamSummary,
    TimeBasis,
};
use crate::source::{Format, Sniff};
pub(crate) use captured::CapturedRows;
use csv::{ByteRecord, ReaderBuilder};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use trim::MergeTrim;

mod captured;
mod trim;

/// Where each column is in a row.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    index: [Option<usize>; Column::ALL.len()],
    width: usize,
}

impl ColumnMap {
    /// Map a header record; an error when a required column is missing.
    pub fn from_header(header: &ByteRecord) -> Result<ColumnMap, SourceError> {
        let mut map = ColumnMap {
            index: Default::default(),
            width: header.len(),
        };
        for (i, field) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(field);
            if let Some(c) = Column::from_header(&name) {
                let slot = &mut map.index[Self::slot(c)];
                slot.get_or_insert(i);
            }
        }
        let missing: Vec<&'static str> = Column::REQUIRED
            .iter()
            .filter(|c| map.get(**c).is_none())
            .map(|c| c.name())
            .collect();
        if !missing.is_empty() {
            let found: Vec<_> = header
                .iter()
                .take(30)
                .map(|f| {
                    String::from_utf8_lossy(f)
                        .chars()
                        .take(40)
                        .collect::<String>()
                })
                .collect();
            return Err(SourceError::MissingColumns {
                missing,
                found: format!("{:?}", found),
            });
        }
        Ok(map)
    }

    fn slot(c: Column) -> usize {
        Column::ALL
            .iter()
            .position(|(x, _)| *x == c)
            .expect("every column is in ALL")
    }

    /// Index of a column in the row, when the export has it.
    pub fn get(&self, c: Column) -> Option<usize> {
        self.index[Self::slot(c)]
    }

    /// Number of fields per row.
    pub fn width(&self) -> usize {
        self.width
    }
}

/// A byte source that remembers how it ended, to tell a cut last row from a complete one.
struct Tail<R> {
    inner: R,
    total: u64,
    last: u8,
    eof: bool,
}

impl<R: Read> Read for Tail<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.eof = !buf.is_empty();
        } else {
            self.total += n as u64;
            self.last = buf[n - 1];
        }
        Ok(n)
    }
}

/// Streaming reader of one Process Monitor CSV export; an iterator of kept events.
pub struct ProcmonCsvParser<R> {
    reader: csv::Reader<Tail<CsvRowLimit<R>>>,
    map: ColumnMap,
    // Column indexes used on every row.
    pid: Option<usize>,
    parent: Option<usize>,
    process: Option<usize>,
    operation: usize,
    result: usize,
    path: Option<usize>,
    detail: Option<usize>,
    record: ByteRecord,
    input: InputId,
    keeper: Keeper,
    row: u64,
    queue: VecDeque<Result<Event, SourceError>>,
    done: bool,
}

fn builder() -> ReaderBuilder {
    let mut b = ReaderBuilder::new();
    b.has_headers(false).flexible(true).buffer_capacity(1 << 16);
    b
}

impl<R: Read> ProcmonCsvParser<R> {
    /// A reader over a CSV export: reads and checks the header.
    pub fn new(source: R, input: InputId, settings: CaptureSettings) -> Result<Self, SourceError> {
        let mut reader = builder().from_reader(Tail::new(CsvRowLimit::new(source, MAX_CSV_ROW)));
        let mut header = ByteRecord::new();
        match reader.read_byte_record(&mut header) {
            Ok(true) => {}
            Ok(false) => {
                return Err(SourceError::MissingColumns {
                    missing: Column::REQUIRED.iter().map(|c| c.name()).collect(),
                    found: "an empty file".into(),
                })
            }
            Err(e) => return Err(csv_error(e, 0)),
        }
        let map = ColumnMap::from_header(&header)?;
        Ok(Self::with_reader(reader, map, input, settings))
    }

    /// A reader over rows without a header (a chunk of a file), with the header's column map.
    pub fn headless(source: R, map: ColumnMap, input: InputId, settings: CaptureSettings) -> Self {
        Self::with_reader(
            builder().from_reader(Tail::new(CsvRowLimit::new(source, MAX_CSV_ROW))),
            map,
            input,
            settings,
        )
    }

    fn with_reader(
        reader: csv::Reader<Tail<CsvRowLimit<R>>>,
        map: ColumnMap,
        input: InputId,
        settings: CaptureSettings,
    ) -> Self {
        let mut keeper = Keeper::new(settings);
        keeper.set_has_date(map.get(Column::DateTime).is_some());
        ProcmonCsvParser {
            reader,
            pid: map.get(Column::Pid),
            parent: map.get(Column::ParentPid),
            process: map.get(Column::ProcessName),
            operation: map.get(Column::Operation).unwrap_or(0),
            result: map.get(Column::Result).unwrap_or(0),
            path: map.get(Column::Path),
            detail: map.get(Column::Detail),
            map,
            record: ByteRecord::new(),
            input,
            keeper,
            row: 0,
            queue: VecDeque::new(),
            done: false,
        }
    }

    /// Data rows read so far (bad ones included).
    pub fn rows_read(&self) -> u64 {
        self.row
    }

    /// Lines read so far (complete lines).
    pub fn lines_read(&self) -> u64 {
        self.reader.position().line().saturating_sub(1)
    }

    /// Counts of every row so far.
    pub fn tally(&self) -> &CaptureTally {
        self.keeper.tally()
    }

    /// The counts, once read.
    pub fn into_tally(self) -> CaptureTally {
        self.keeper.into_tally()
    }

    /// Read the next row; `false` at the end.
    fn step(&mut self) -> bool {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return false,
            Err(e) => {
                let io = matches!(e.kind(), csv::ErrorKind::Io(_));
                self.queue.push_back(Err(csv_error(e, self.row + 1)));
                return !io;
            }
        }
        self.row += 1;
        let row = self.row;
        let r = &self.record;
        if r.iter().next_back() == Some(CUT_ROW_MARK) {
            self.keeper.bad_row();
            self.queue.push_back(Err(SourceError::BadField {
                row,
                column: "(row)",
                message: format!("longer than {MAX_CSV_ROW} bytes (memory is bounded); cut"),
            }));
            return true;
        }
        let tail = self.reader.get_ref();
        if tail.eof
            && tail.last != b'\n'
            && tail.last != b'"'
            && r.position().is_some()
            && self.reader.position().byte() >= tail.total
        {
            self.keeper.bad_row();
            let line = r.position().map_or(0, |p| p.line());
            self.queue.push_back(Err(SourceError::CutRow { row, line }));
            return true;
        }
        if r.len() != self.map.width {
            self.keeper.bad_row();
            let line = r.position().map_or(0, |p| p.line());
            self.queue.push_back(Err(SourceError::Ragged {
                row,
                line,
                expected: self.map.width,
                found: r.len(),
            }));
            return true;
        }
        let field = |i: Option<usize>| i.map_or(&b""[..], |i| &r[i]);
        let pid = match self.pid.map(|i| fast_u32(&r[i])) {
            Some(None) => {
                self.keeper.bad_row();
                let text = String::from_utf8_lossy(field(self.pid)).into_owned();
                self.queue.push_back(Err(SourceError::BadField {
                    row,
                    column: Column::Pid.name(),
                    message: format!("expected a number, found {:?}", text),
                }));
                return true;
            }
            Some(Some(p)) => Some(p),
            None => None,
        };
        let parent = self.parent.and_then(|i| fast_u32(&r[i]));
        let decision = self.keeper.decide(
            row,
            pid,
            parent,
            field(self.process),
            &r[self.operation],
            &r[self.result],
            field(self.path),
            field(self.detail),
        );
        let keep = match decision {
            Ok(k) => k,
            Err(problem) => {
                let (column, i) = match problem {
                    RowProblem::BadOperation => (Column::Operation, self.operation),
                    RowProblem::BadResult => (Column::Result, self.result),
                };
                let text: String = String::from_utf8_lossy(&r[i]).chars().take(40).collect();
                self.queue.push_back(Err(SourceError::BadField {
                    row,
                    column: column.name(),
                    message: format!("not an operation result or name: {text:?}"),
                }));
                return true;
            }
        };
        if keep == RowDecision::No {
            return true;
        }
        let fields: Vec<Cow<str>> = r.iter().map(String::from_utf8_lossy).collect();
        let mut text = RowText::default();
        for (c, _) in Column::ALL {
            if let Some(i) = self.map.get(c) {
                text.set(c, &fields[i]);
            }
        }
        if matches!(
            keep,
            RowDecision::WithProcessInfo | RowDecision::ProcessInfoOnly
        ) {
            if let Some(pid) = pid {
                let date = crate::source::procmon::row_date(&text);
                let info = row_process_event(&text, pid, row, self.input, date);
                self.queue.push_back(Ok(info));
            }
        }
        if matches!(keep, RowDecision::Yes | RowDecision::WithProcessInfo) {
            let event = row_event(&text, row, self.input);
            match &event {
                Ok(e) => {
                    if let Some(d) = e.time.local_datetime() {
                        self.keeper.note_date(Some(d.date()));
                        self.keeper
                            .note_date_guess(crate::source::procmon::row_date_note(&text));
                    }
                }
                Err(_) => self.keeper.kept_row_failed(),
            }
            self.queue.push_back(event);
        }
        true
    }
}

impl<R: Read> Iterator for ProcmonCsvParser<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            if !self.step() {
                self.done = true;
            }
        }
    }
}

impl<R> Tail<R> {
    fn new(inner: R) -> Self {
        Tail {
            inner,
            total: 0,
            last: b'\n',
            eof: false,
        }
    }
}

/// An unsigned decimal id on bytes (the PID column of every row).
fn fast_u32(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 10 {
        return None;
    }
    let mut v: u64 = 0;
    for b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (b - b'0') as u64;
    }
    u32::try_from(v).ok()
}

fn csv_error(e: csv::Error, row: u64) -> SourceError {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => SourceError::Read { line, source },
        other => SourceError::BadField {
            row,
            column: "(row)",
            message: format!("{other:?}"),
        },
    }
}

/// Everything read from one capture: kept events in row order, row errors, counts.
#[derive(Debug, Default)]
pub struct CaptureRead {
    /// Kept events, in row order.
    pub events: Vec<Event>,
    /// Row errors, at most [`MAX_ERRORS`] (their total is `tally.bad_rows`).
    pub errors: Vec<SourceError>,
    /// Counts of every row.
    pub tally: CaptureTally,
    /// Physical lines read (CSV; a row with line breaks in a quoted field spans several).
    pub lines: u64,
}

/// Most row errors kept per input (the rest are counted).
pub const MAX_ERRORS: usize = 200;

impl CaptureRead {
    /// Take the rows a reader gives: its kept events, and its row errors up to [`MAX_ERRORS`]
    /// (the rest are counted in the tally).
    pub(crate) fn take(&mut self, items: impl Iterator<Item = Result<Event, SourceError>>) {
        self.events.reserve(items.size_hint().0);
        for item in items {
            match item {
                Ok(e) => self.events.push(e),
                Err(e) if self.errors.len() < MAX_ERRORS => self.errors.push(e),
                Err(_) => {}
            }
        }
    }

    /// Append what was read from the next range of the same capture, which starts after `rows`
    /// rows and `lines` lines: its rows and row errors (up to [`MAX_ERRORS`]) numbered on, its
    /// counts merged. Returns the rows of the range.
    pub(crate) fn append(&mut self, part: CaptureRead, rows: u64, lines: u64) -> u64 {
        let mut events = part.events;
        renumber(&mut events, rows);
        self.events.append(&mut events);
        for e in part.errors {
            if self.errors.len() < MAX_ERRORS {
                self.errors.push(e.shift_rows(rows, lines));
            }
        }
        let part_rows = part.tally.rows;
        self.tally.merge(part.tally, rows);
        part_rows
    }

    /// Drain a parser into a capture.
    pub fn from_parser<R: Read>(mut parser: ProcmonCsvParser<R>) -> CaptureRead {
        let mut read = CaptureRead::default();
        read.take(parser.by_ref());
        read.lines = parser.lines_read();
        read.tally = parser.into_tally();
        read
    }
}

/// How [`read_file_with`] splits a file among threads.
#[derive(Debug, Clone, Copy)]
pub struct ChunkPlan {
    /// Threads to use; 1 reads the file as one stream.
    pub threads: usize,
    /// Files smaller than this are read on one thread.
    pub min_parallel: u64,
    /// Bytes per chunk; `None` gives each thread about 8 chunks (at least 4 MiB each).
    pub chunk_bytes: Option<u64>,
}

impl ChunkPlan {
    /// The default plan for `threads` threads: files of 32 MiB and more are read in chunks.
    pub fn threads(threads: usize) -> Self {
        ChunkPlan {
            threads,
            min_parallel: 32 << 20,
            chunk_bytes: None,
        }
    }
}

/// Read a CSV export from a file, in parallel chunks on `threads` threads when it is large
/// (see [`read_file_with`]).
pub fn read_file(
    path: &Path,
    input: InputId,
    settings: CaptureSettings,
    threads: usize,
) -> Result<CaptureRead, SourceError> {
    read_file_with(path, input, settings, ChunkPlan::threads(threads))
}

/// Read a CSV export from a file following a [`ChunkPlan`].
///
/// Chunks are split at row boundaries: a line break followed by a quote and a character that
/// cannot follow a closing quote (Process Monitor quotes every field, so inside a quoted field a
/// quote is doubled or ends the field). Files whose rows do not start with a quote are read on one
/// thread.
pub fn read_file_with(
    path: &Path,
    input: InputId,
    settings: CaptureSettings,
    plan: ChunkPlan,
) -> Result<CaptureRead, SourceError> {
    let (mut read, ranges) = read_in_ranges(path, input, settings, plan)?;
    read.events.reserve_exact(ranges.iter().map(Vec::len).sum());
    for events in ranges {
        read.events.extend(events);
    }
    Ok(read)
}

/// [`read_file_with`], the kept events of each range apart (in order, after those of the
/// returned capture): a consumer that takes them one by one frees each range as it is done
/// instead of holding a second copy of them all.
pub(crate) fn read_in_ranges(
    path: &Path,
    input: InputId,
    settings: CaptureSettings,
    plan: ChunkPlan,
) -> Result<(CaptureRead, Vec<Vec<Event>>), SourceError> {
    let threads = plan.threads;
    let read_err = |source| SourceError::Read { line: 0, source };
    let len = std::fs::metadata(path).map_err(read_err)?.len();
    let file = File::open(path).map_err(read_err)?;
    if threads <= 1 || len < plan.min_parallel {
        let parser = ProcmonCsvParser::new(file, input, settings)?;
        return Ok((CaptureRead::from_parser(parser), Vec::new()));
    }
    // Header: the first line (header names hold no line breaks).
    let mut head = BufReader::new(file);
    let mut header_line = Vec::new();
    head.read_until(b'\n', &mut header_line).map_err(read_err)?;
    let header = builder()
        .from_reader(&header_line[..])
        .byte_records()
        .next()
        .transpose()
        .map_err(|e| csv_error(e, 0))?
        .unwrap_or_default();
    let map = ColumnMap::from_header(&header)?;
    let has_date = map.get(Column::DateTime).is_some();
    let start = header_line.len() as u64;
    let mut first = [0u8; 1];
    let quoted = head.read(&mut first).map_err(read_err)? == 1 && first[0] == b'"';
    if !quoted {
        let file = File::open(path).map_err(read_err)?;
        let parser = ProcmonCsvParser::new(file, input, settings)?;
        return Ok((CaptureRead::from_parser(parser), Vec::new()));
    }
    let pieces = (threads as u64 * 8).max(1);
    let size = plan
        .chunk_bytes
        .unwrap_or(((len - start) / pieces).max(4 << 20))
        .max(1);
    let mut bounds = vec![start];
    let mut nominal = start + size;
    while nominal < len {
        match row_start_after(path, nominal).map_err(read_err)? {
            Some(b) if b > *bounds.last().expect("non-empty") && b < len => bounds.push(b),
            Some(_) => {}
            None => break,
        }
        nominal = bounds.last().copied().unwrap_or(nominal).max(nominal) + size;
    }
    bounds.push(len);
    let ranges: Vec<(u64, u64)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    // Ranges run on a leaf pool, whose jobs never wait: the caller may be on any pool.
    let pool = crate::parallel::leaf_pool(threads)
        .ok_or_else(|| read_err(io::Error::other("no threads for reading in chunks")))?;
    let path: std::sync::Arc<Path> = path.into();
    let mut trim = MergeTrim::new(settings);
    let full = trim.full_keys();
    let job = move |(s, e): (u64, u64)| {
        read_range(
            &path,
            s,
            e,
            &map,
            input,
            settings,
            std::sync::Arc::clone(&full),
        )
    };
    let mut all = CaptureRead::default();
    all.tally.has_date = has_date;
    let (mut rows, mut lines) = (0u64, 1u64);
    let mut kept = Vec::with_capacity(ranges.len());
    // Each range is merged (and trimmed) as soon as the ranges before it are: what is over the
    // limits is dropped while the next ranges are read, not held until the end.
    for part in crate::parallel::in_order(pool, ranges, job) {
        let (mut part, part_lines) = part?;
        trim.range(&mut part.events);
        let mut events = std::mem::take(&mut part.events);
        // What the trim dropped is given back, not held until the analysis ends.
        events.shrink_to_fit();
        renumber(&mut events, rows);
        rows += all.append(part, rows, lines);
        lines += part_lines;
        kept.push(events);
    }
    all.lines = lines;
    all.tally.kept = all.tally.kept.saturating_sub(trim.dropped());
    Ok((all, kept))
}

/// Number the rows of a range's events on, after the `rows` rows before the range.
fn renumber(events: &mut [Event], rows: u64) {
    for e in events {
        if let Location::Row(n) = e.at {
            e.at = Location::Row(n + rows);
        }
    }
}

/// Read the rows of one range of a file (`start..end`, starting at a row) with the header's
/// column map, not keeping rows under the keys the ranges before it filled; the lines it spans.
fn read_range(
    path: &Path,
    start: u64,
    end: u64,
    map: &ColumnMap,
    input: InputId,
    settings: CaptureSettings,
    full: std::sync::Arc<FullKeys>,
) -> Result<(CaptureRead, u64), SourceError> {
    let read_err = |source| SourceError::Read { line: 0, source };
    let mut f = File::open(path).map_err(read_err)?;
    f.seek(SeekFrom::Start(start)).map_err(read_err)?;
    // The CSV reader buffers: read the file directly.
    let chunk = f.take(end - start);
    let mut parser = ProcmonCsvParser::headless(chunk, map.clone(), input, settings);
    parser.keeper.share_full_keys(full);
    let mut read = CaptureRead::default();
    read.take(parser.by_ref());
    let lines = parser.lines_read();
    read.tally = parser.into_tally();
    Ok((read, lines))
}

/// Apply the keep limits to the merged ranges of a capture as one reader would have: each range
/// kept up to the limits on its own, and described each process it saw (see [`MergeTrim`]).
pub(crate) fn trim_merged(all: &mut CaptureRead, settings: CaptureSettings) {
    let mut trim = MergeTrim::new(settings);
    trim.range(&mut all.events);
    all.tally.kept = all.tally.kept.saturating_sub(trim.dropped());
}

/// The first row start at or after `offset`: the byte after a line break followed by `"` and a
/// byte that cannot follow a closing quote.
fn row_start_after(path: &Path, offset: u64) -> io::Result<Option<u64>> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(offset.saturating_sub(1)))?;
    let mut buf = vec![0u8; 1 << 16];
    let mut base = offset.saturating_sub(1);
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        let mut window = std::mem::take(&mut carry);
        let window_base = base - window.len() as u64;
        window.extend_from_slice(&buf[..n]);
        for at in memchr::memchr_iter(b'\n', &window) {
            match (window.get(at + 1), window.get(at + 2)) {
                (Some(b'"'), Some(c)) if !matches!(c, b'"' | b',' | b'\r' | b'\n') => {
                    return Ok(Some(window_base + at as u64 + 1));
                }
                (Some(_), Some(_)) => {}
                _ => {
                    // Undecided at the end of the window: look again with more bytes.
                    carry = window[at..].to_vec();
                    break;
                }
            }
        }
        base += n as u64;
    }
}

/// True for the header row of a Process Monitor CSV export (any column order).
fn is_procmon_csv_header(line: &str) -> bool {
    let l = line.trim_start_matches('\u{feff}');
    l.starts_with('"')
        && l.contains("\"Operation\"")
        && (l.contains("\"Process Name\"") || l.contains("\"PID\""))
}

/// The Process Monitor CSV reader as registered in [`crate::source::SOURCES`]. Keeping what
/// matters, a large file is read in parallel ranges ([`read_file`]); keeping every row, it streams.
pub struct ProcmonCsvSource;

impl Source for ProcmonCsvSource {
    fn format(&self) -> Format {
        Format::ProcmonCsv
    }

    fn feeds(&self) -> Feeds {
        Feeds::Capture
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Local
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        is_procmon_csv_header(sniff.first_line()?).then_some(Recognised::Sure { line: 0 })
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        let settings = CaptureSettings {
            keep: opening.keep,
            ..CaptureSettings::default()
        };
        if opening.keep == KeepPolicy::OfInterest {
            let threads = crate::parallel::resolve_threads(opening.threads);
            let plan = ChunkPlan::threads(threads);
            let (read, ranges) = read_in_ranges(opening.path, opening.input, settings, plan)?;
            return Ok(Box::new(CapturedRows::from(read).with_ranges(ranges)));
        }
        Ok(Box::new(ProcmonCsvParser::new(
            opening.reader()?,
            opening.input,
            settings,
        )?))
    }
}

impl<R: Read + Send> EventStream for ProcmonCsvParser<R> {
    fn finish(self: Box<Self>) -> StreamSummary {
        StreamSummary {
            lines: self.lines_read(),
            capture: Some(self.into_tally()),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests;
