//! Process Monitor native captures (`.PML`), streaming.
//!
//! A capture is a header ([`header`]), the events, then tables: the event offsets, the processes
//! with their modules, the strings, and the host and port names ([`tables`]). [`PmlCapture`]
//! reads the header and the tables; [`reader::EventWalker`] walks the events a block at a time;
//! [`detail`] renders each event's operation, path, category and detail as Process Monitor
//! prints them. Events go through the same [`Keeper`] as the CSV rows, so the rules, the tally,
//! the process tree and the failure chain see a PML capture as they see its CSV export — with
//! exact parents from the process table and real UTC times.
//!
//! Profiling events are hidden, as Process Monitor's default filter hides them (and as its
//! exports leave them out): they are counted, their bodies never decoded. A capture whose
//! offsets or tables are damaged keeps every complete event before the damage and ends with
//! an error naming the event and the byte where reading stopped.
//!
//! A Detail can still differ from an export's where the capture does not hold what the export
//! printed: dates print in UTC as an English Process Monitor prints them (an export prints local
//! time in its locale), an impersonated SID prints as a SID (an export resolves it to a user on
//! the capturing machine), and an older Process Monitor puts QueryDirectory's information class
//! first. The corpus test caps those rows per operation.
//!
//! ```no_run
//! use msitrace::source::procmon::pml::PmlRows;
//! for row in PmlRows::open("Logfile.PML".as_ref()).unwrap() {
//!     let row = row.unwrap();
//!     println!("{} {} {} {} {}", row.time_of_day, row.process_name, row.operation, row.path, row.result);
//! }
//! ```

pub(crate) mod bytes;
pub mod detail;
mod directory;
mod fscalls;
mod fsinfo;
pub mod header;
pub mod names;
pub mod reader;
mod registry;
pub mod tables;
#[cfg(test)]
mod tests;

pub use header::PmlHeader;
pub use reader::{PmlCapture, RawEvent};
pub use tables::{PmlModule, PmlProcess};

use super::csv::CaptureRead;
use super::status::{classify, name_of, ResultClass};
use super::{row_event, row_process_event, CaptureSettings, CaptureTally, Keeper, RowDecision};
use crate::event::{Event, InputId, StackFrame, Stamp};
use crate::source::{
    EventStream, Feeds, Format, KeepPolicy, Opening, Recognised, Sniff, Source, SourceError,
    StreamSummary, TimeBasis,
};
use chrono::{DateTime, Timelike, Utc};
use detail::{render, EventBody, RenderContext, Rendered};
use std::path::Path;
use std::sync::Arc;

/// Seconds between 1601-01-01 (FILETIME) and 1970-01-01.
const FILETIME_UNIX: i64 = 11_644_473_600;

/// A FILETIME (100 ns since 1601, UTC) as a UTC instant.
pub fn filetime(ft: u64) -> Option<DateTime<Utc>> {
    let secs = (ft / 10_000_000) as i64 - FILETIME_UNIX;
    DateTime::from_timestamp(secs, (ft % 10_000_000) as u32 * 100)
}

/// The Time of Day column as Process Monitor's English exports print it (`7:37:18.2093997 AM`),
/// in UTC (the capture does not record the machine's time zone).
pub fn time_of_day(t: DateTime<Utc>) -> String {
    let (pm, hour) = t.hour12();
    format!(
        "{hour}:{:02}:{:02}.{:07} {}",
        t.minute(),
        t.second(),
        t.nanosecond() / 100,
        if pm { "PM" } else { "AM" }
    )
}

/// The Result column: Process Monitor's name of an NTSTATUS, else its hex value.
pub fn result_text(code: u32) -> std::borrow::Cow<'static, str> {
    match code {
        // STATUS_PENDING: the operation had not completed when the capture ended.
        0x103 => return "".into(),
        0xC01C_0004 => return "FAST IO DISALLOWED".into(),
        _ => {}
    }
    match name_of(code) {
        Some(n) => n.into(),
        None => format!("0x{code:08X}").into(),
    }
}

/// One event as a row of every column Process Monitor can show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PmlRow {
    /// 1-based row among the visible (non-profiling) events.
    pub row: u64,
    /// Index of the event in the capture (0-based, profiling events included).
    pub index: u32,
    /// The time (UTC).
    pub time: Option<DateTime<Utc>>,
    /// Time of Day (UTC).
    pub time_of_day: String,
    /// Process Name.
    pub process_name: String,
    /// PID.
    pub pid: u32,
    /// Parent PID.
    pub parent_pid: u32,
    /// Operation.
    pub operation: String,
    /// Path.
    pub path: String,
    /// Result.
    pub result: String,
    /// The result's NTSTATUS.
    pub status: u32,
    /// Detail.
    pub detail: String,
    /// Event Class.
    pub event_class: &'static str,
    /// Category.
    pub category: &'static str,
    /// TID.
    pub tid: u32,
    /// Duration, in 100 ns.
    pub duration: u64,
    /// Image Path.
    pub image_path: String,
    /// Command Line.
    pub command_line: String,
    /// User.
    pub user: String,
    /// Integrity.
    pub integrity: String,
    /// Architecture.
    pub architecture: &'static str,
    /// Session.
    pub session: u32,
    /// Authentication ID.
    pub authentication_id: String,
    /// Stack frames as module + offset (read only when asked).
    pub stack: Vec<StackFrame>,
}

/// The events of a capture as rows, one at a time (every column; for listings and tests).
pub struct PmlRows {
    capture: Arc<PmlCapture>,
    state: WalkState,
    stacks: bool,
}

impl PmlRows {
    /// Open a capture.
    pub fn open(path: &Path) -> Result<PmlRows, SourceError> {
        let capture = Arc::new(PmlCapture::open(path)?);
        let state = WalkState::new(&capture, 0, capture.header.event_count)?;
        Ok(PmlRows {
            capture,
            state,
            stacks: false,
        })
    }

    /// Also read each event's stack (module + offset).
    pub fn with_stacks(mut self) -> Self {
        self.stacks = true;
        self
    }

    /// The capture's header and tables.
    pub fn capture(&self) -> &PmlCapture {
        &self.capture
    }

    /// Profiling events skipped so far.
    pub fn hidden(&self) -> u64 {
        self.state.hidden
    }
}

impl Iterator for PmlRows {
    type Item = Result<PmlRow, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        let capture = Arc::clone(&self.capture);
        let stacks = self.stacks;
        self.state.next_with(&capture, |ev, r, row| {
            let mut out = full_row(&capture, ev, r, row);
            if stacks {
                out.stack = stack_frames(&capture, ev);
            }
            out
        })
    }
}

fn stack_frames(capture: &PmlCapture, ev: &RawEvent) -> Vec<StackFrame> {
    let wide = capture.header.is_64bit;
    let process = capture.processes.get(ev.header.process_index);
    let mut c = bytes::Cursor::new(ev.stack);
    let mut frames = Vec::new();
    while let Some(address) = c.pvoid(wide) {
        let resolved = process.and_then(|p| p.module_at(address));
        frames.push(StackFrame {
            depth: frames.len() as u32,
            address: format!("0x{address:x}"),
            path: resolved.map(|(m, _)| m.path.to_string()),
            location: resolved.map(|(m, off)| format!("{} + 0x{off:x}", m.name())),
        });
    }
    frames
}

fn full_row(capture: &PmlCapture, ev: &RawEvent, r: &Rendered, row: u64) -> PmlRow {
    let process = capture.processes.get(ev.header.process_index);
    let time = filetime(ev.header.time);
    let p = |f: fn(&PmlProcess) -> &str| process.map(|p| f(p).to_string()).unwrap_or_default();
    PmlRow {
        row,
        index: ev.index,
        time,
        time_of_day: time.map(time_of_day).unwrap_or_default(),
        process_name: p(|p| &*p.name),
        pid: process.map_or(0, |p| p.pid),
        parent_pid: process.map_or(0, |p| p.parent_pid),
        operation: r.operation.to_string(),
        path: r.path.clone(),
        result: result_text(ev.header.result).into_owned(),
        status: ev.header.result,
        detail: r.detail.clone(),
        event_class: names::class_name(ev.header.class),
        category: r.category,
        tid: ev.header.tid,
        duration: ev.header.duration,
        image_path: p(|p| &*p.image),
        command_line: p(|p| &*p.command_line),
        user: p(|p| &*p.user),
        integrity: p(|p| &*p.integrity),
        architecture: process.map_or("", PmlProcess::architecture),
        session: process.map_or(0, |p| p.session),
        authentication_id: process.map(PmlProcess::authentication).unwrap_or_default(),
        stack: Vec::new(),
    }
}

/// A walk over a range of events with its rendering buffer and counts.
struct WalkState {
    walker: reader::EventWalker,
    rendered: Rendered,
    row: u64,
    hidden: u64,
}

impl WalkState {
    fn new(capture: &Arc<PmlCapture>, first: u32, last: u32) -> Result<WalkState, SourceError> {
        let walker = reader::EventWalker::owned(Arc::clone(capture), first, last)?;
        Ok(WalkState {
            walker,
            rendered: Rendered::default(),
            row: 0,
            hidden: 0,
        })
    }

    /// The next visible event, rendered (detail included), handed to `make`.
    fn next_with<T>(
        &mut self,
        capture: &PmlCapture,
        make: impl FnOnce(&RawEvent, &Rendered, u64) -> T,
    ) -> Option<Result<T, SourceError>> {
        let ctx = RenderContext {
            wide: capture.header.is_64bit,
            network: &capture.network,
        };
        loop {
            let ev = match self.walker.next_event()? {
                Ok(ev) => ev,
                Err(e) => return Some(Err(e)),
            };
            if ev.header.class == names::class::PROFILING {
                self.hidden += 1;
                continue;
            }
            self.row += 1;
            let body = EventBody {
                class: ev.header.class,
                operation: ev.header.operation,
                tid: ev.header.tid,
                details: ev.details,
                extra: ev.extra,
            };
            render(&body, &ctx, true, &mut self.rendered);
            return Some(Ok(make(&ev, &self.rendered, self.row)));
        }
    }
}

/// Streaming reader of a capture's events into kept [`Event`]s, through a [`Keeper`].
pub struct PmlEventStream {
    capture: Arc<PmlCapture>,
    walker: reader::EventWalker,
    keeper: Keeper,
    input: InputId,
    rendered: Rendered,
    row: u64,
    hidden: u64,
    queue: std::collections::VecDeque<Result<Event, SourceError>>,
}

impl PmlEventStream {
    /// A stream over the events `first..last` of an opened capture.
    pub fn new(
        capture: Arc<PmlCapture>,
        first: u32,
        last: u32,
        input: InputId,
        settings: CaptureSettings,
    ) -> Result<Self, SourceError> {
        let walker = reader::EventWalker::owned(Arc::clone(&capture), first, last)?;
        let mut keeper = Keeper::new(settings);
        keeper.set_utc_times();
        Ok(PmlEventStream {
            capture,
            walker,
            keeper,
            input,
            rendered: Rendered::default(),
            row: 0,
            hidden: 0,
            queue: Default::default(),
        })
    }

    /// Counts so far.
    pub fn into_tally(self) -> CaptureTally {
        self.keeper.into_tally()
    }

    fn summary(&self) -> String {
        let h = &self.capture.header;
        format!(
            "Process Monitor capture (PML version {}) of {}, {}; {} events, {} profiling events hidden",
            h.version,
            h.computer,
            h.system(),
            h.event_count,
            self.hidden
        )
    }

    /// Read one event; false at the end.
    fn step(&mut self) -> bool {
        let capture = &*self.capture;
        let ctx = RenderContext {
            wide: capture.header.is_64bit,
            network: &capture.network,
        };
        let ev = match self.walker.next_event() {
            None => return false,
            Some(Err(e)) => {
                self.queue.push_back(Err(e));
                return true;
            }
            Some(Ok(ev)) => ev,
        };
        let h = ev.header;
        if h.class == names::class::PROFILING {
            self.hidden += 1;
            return true;
        }
        self.row += 1;
        let row = self.row;
        let body = EventBody {
            class: h.class,
            operation: h.operation,
            tid: h.tid,
            details: ev.details,
            extra: ev.extra,
        };
        let result = result_text(h.result);
        // The keeper reads the detail only of failures (a denied `All Access` open).
        let failure = matches!(
            classify(result.as_bytes()),
            Some(ResultClass::Failure) | None
        );
        render(&body, &ctx, failure, &mut self.rendered);
        let process = capture.processes.get(h.process_index);
        let pid = process.map(|p| p.pid);
        let parent = process.map(|p| p.parent_pid);
        let name = process.map_or("", |p| &*p.name);
        let r = &self.rendered;
        let decision = self.keeper.decide(
            row,
            pid,
            parent,
            name.as_bytes(),
            r.operation.as_bytes(),
            result.as_bytes(),
            r.path.as_bytes(),
            r.detail.as_bytes(),
        );
        let keep = match decision {
            Ok(k) => k,
            Err(problem) => {
                self.queue.push_back(Err(SourceError::Pml {
                    offset: ev.offset,
                    message: format!("event {}: {problem:?}; event skipped", ev.index),
                }));
                return true;
            }
        };
        if keep == RowDecision::No {
            return true;
        }
        if !failure {
            render(&body, &ctx, true, &mut self.rendered);
        }
        let r = &self.rendered;
        let time = filetime(h.time);
        let time_text = time.map(time_of_day);

        let pid_text = pid.unwrap_or(0).to_string();
        let parent_text = parent.map(|p| p.to_string());
        let tid_text = h.tid.to_string();
        let f = |g: fn(&PmlProcess) -> &str| process.map_or("", g);
        let text = super::RowText {
            time: time_text.as_deref(),
            process: Some(name),
            pid: Some(&pid_text),
            operation: Some(&r.operation),
            path: Some(&r.path),
            result: Some(&result),
            detail: Some(&r.detail),
            date_time: None,
            event_class: Some(names::class_name(h.class)),
            image_path: Some(f(|p| &*p.image)),
            user: Some(f(|p| &*p.user)),
            command_line: Some(f(|p| &*p.command_line)),
            tid: Some(&tid_text),
            integrity: Some(f(|p| &*p.integrity)),
            parent_pid: parent_text.as_deref(),
        };
        let stamp = time.map_or_else(Stamp::none, Stamp::utc);
        if matches!(
            keep,
            RowDecision::WithProcessInfo | RowDecision::ProcessInfoOnly
        ) {
            if let Some(pid) = pid {
                let mut info = row_process_event(&text, pid, row, self.input, None);
                info.time = stamp.clone();
                self.queue.push_back(Ok(info));
            }
        }
        if matches!(keep, RowDecision::Yes | RowDecision::WithProcessInfo) {
            match row_event(&text, row, self.input) {
                Ok(mut e) => {
                    e.time = stamp;
                    if let Some(t) = time {
                        self.keeper.note_date(Some(t.date_naive()));
                    }
                    self.queue.push_back(Ok(e));
                }
                Err(e) => {
                    self.keeper.kept_row_failed();
                    self.queue.push_back(Err(e));
                }
            }
        }
        true
    }
}

impl Iterator for PmlEventStream {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if !self.step() {
                return None;
            }
        }
    }
}

impl EventStream for PmlEventStream {
    fn finish(self: Box<Self>) -> StreamSummary {
        let form = self.summary();
        let notes = self.capture.problems.clone();
        StreamSummary {
            form: Some(form),
            notes,
            capture: Some(self.into_tally()),
            ..Default::default()
        }
    }
}

/// Captures with more events than this are read in parallel ranges.
const PARALLEL_EVENTS: u32 = 200_000;

/// Read a capture keeping what matters, in parallel ranges of events on `threads` threads when
/// it is large (merged in order, as the CSV reader merges its chunks).
pub fn read_file(
    path: &Path,
    input: InputId,
    settings: CaptureSettings,
    threads: usize,
) -> Result<(CaptureRead, String, Vec<String>), SourceError> {
    let capture = Arc::new(PmlCapture::open(path)?);
    let n = capture.header.event_count;
    let pieces: u32 = if threads <= 1 || n < PARALLEL_EVENTS || !capture.has_offsets {
        1
    } else {
        (threads as u32 * 4).min(n / 50_000).max(1)
    };
    let ranges: Vec<(u32, u32)> = (0..pieces)
        .map(|i| {
            let a = (u64::from(n) * u64::from(i) / u64::from(pieces)) as u32;
            let b = (u64::from(n) * u64::from(i + 1) / u64::from(pieces)) as u32;
            (a, b)
        })
        .collect();
    let read_range = |&(a, b): &(u32, u32)| -> Result<(CaptureRead, u64), SourceError> {
        let last = if capture.has_offsets { b } else { u32::MAX };
        let mut stream = PmlEventStream::new(Arc::clone(&capture), a, last, input, settings)?;
        let mut read = CaptureRead::default();
        read.take(stream.by_ref());
        let hidden = stream.hidden;
        read.tally = stream.into_tally();
        Ok((read, hidden))
    };
    let parts: Vec<Result<(CaptureRead, u64), SourceError>> = if pieces == 1 {
        vec![read_range(&ranges[0])]
    } else {
        // Ranges run on a leaf pool, whose jobs never wait: the caller may be on any pool.
        let pool = crate::parallel::leaf_pool(threads).ok_or_else(|| SourceError::Read {
            line: 0,
            source: std::io::Error::other("no threads for reading in ranges"),
        })?;
        use rayon::prelude::*;
        pool.install(|| ranges.par_iter().map(read_range).collect())
    };
    let mut all = CaptureRead::default();
    all.tally.has_date = true;
    all.tally.utc_times = true;
    let (mut rows, mut hidden) = (0u64, 0u64);
    for part in parts {
        let (part, part_hidden) = part?;
        hidden += part_hidden;
        // PML errors name byte offsets, which need no moving on.
        rows += all.append(part, rows, 0);
    }
    if pieces > 1 {
        super::csv::trim_merged(&mut all, settings);
    }
    let h = &capture.header;
    let form = format!(
        "Process Monitor capture (PML version {}) of {}, {}; {} events, {hidden} profiling events hidden",
        h.version,
        h.computer,
        h.system(),
        h.event_count
    );
    Ok((all, form, capture.problems.clone()))
}

/// The Process Monitor PML reader as registered in [`crate::source::SOURCES`].
pub struct ProcmonPmlSource;

impl Source for ProcmonPmlSource {
    fn format(&self) -> Format {
        Format::ProcmonPml
    }

    fn feeds(&self) -> Feeds {
        Feeds::Capture
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Utc
    }

    fn is_binary(&self) -> bool {
        true
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        sniff
            .head
            .starts_with(b"PML_")
            .then_some(Recognised::Sure { line: 0 })
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        let settings = CaptureSettings {
            keep: opening.keep,
            ..CaptureSettings::default()
        };
        if opening.keep == KeepPolicy::OfInterest {
            let threads = crate::parallel::resolve_threads(opening.threads);
            let (read, form, notes) = read_file(opening.path, opening.input, settings, threads)?;
            return Ok(Box::new(
                super::csv::CapturedRows::from(read).with_form(form, notes),
            ));
        }
        let capture = Arc::new(PmlCapture::open(opening.path)?);
        let last = if capture.has_offsets {
            capture.header.event_count
        } else {
            u32::MAX
        };
        Ok(Box::new(PmlEventStream::new(
            capture,
            0,
            last,
            opening.input,
            settings,
        )?))
    }
}
