//! What the Process Monitor exports share: the columns, the operation classes, the `Result` and
//! `Detail` grammars, turning one row into typed events, and what to keep of a capture.
//!
//! A capture has millions of rows, mostly successful. [`Keeper`] decides per row, on bytes, what is
//! kept as an [`Event`] — failures, process lifecycle, the successful retry of a denied
//! `All Access` open — and counts everything by operation and result in a [`CaptureTally`], so
//! memory grows with what is kept, not with the file. The CSV ([`super::procmon_csv`]) and XML
//! ([`super::procmon_xml`]) readers feed it.

pub mod clock;
pub mod detail;
pub mod status;
pub mod text;

use crate::event::*;
use crate::paths::NormalPath;
use crate::source::SourceError;
use chrono::NaiveDate;
use serde::Serialize;
use status::{ReadResult, ResultClass};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The columns of a Process Monitor export, by their English header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// `Time of Day`.
    TimeOfDay,
    /// `Process Name`.
    ProcessName,
    /// `PID`.
    Pid,
    /// `Operation`.
    Operation,
    /// `Path`.
    Path,
    /// `Result`.
    Result,
    /// `Detail`.
    Detail,
    /// `Date & Time`.
    DateTime,
    /// `Event Class`.
    EventClass,
    /// `Image Path`.
    ImagePath,
    /// `User`.
    User,
    /// `Command Line`.
    CommandLine,
    /// `TID`.
    Tid,
    /// `Integrity`.
    Integrity,
    /// `Parent PID`.
    ParentPid,
}

impl Column {
    /// Every column msitrace reads, with its header name.
    pub const ALL: [(Column, &'static str); 15] = [
        (Column::TimeOfDay, "Time of Day"),
        (Column::ProcessName, "Process Name"),
        (Column::Pid, "PID"),
        (Column::Operation, "Operation"),
        (Column::Path, "Path"),
        (Column::Result, "Result"),
        (Column::Detail, "Detail"),
        (Column::DateTime, "Date & Time"),
        (Column::EventClass, "Event Class"),
        (Column::ImagePath, "Image Path"),
        (Column::User, "User"),
        (Column::CommandLine, "Command Line"),
        (Column::Tid, "TID"),
        (Column::Integrity, "Integrity"),
        (Column::ParentPid, "Parent PID"),
    ];

    /// Columns without which a row cannot become an event.
    pub const REQUIRED: [Column; 3] = [Column::Pid, Column::Operation, Column::Result];

    /// The header name.
    pub fn name(self) -> &'static str {
        Column::ALL
            .iter()
            .find(|(c, _)| *c == self)
            .map(|(_, n)| *n)
            .unwrap_or("?")
    }

    /// The column a header names (exact English name, surrounding spaces ignored).
    pub fn from_header(name: &str) -> Option<Column> {
        let name = name.trim().trim_start_matches('\u{feff}');
        Column::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(c, _)| *c)
    }
}

/// The class of an operation, from its name (and the `Event Class` column when present); `None`
/// when the name is not a known operation.
///
/// ```
/// use msitrace::source::procmon::operation_class;
/// use msitrace::event::OperationClass;
/// assert_eq!(operation_class("CreateFile"), Some(OperationClass::File));
/// assert_eq!(operation_class("RegSetValue"), Some(OperationClass::Registry));
/// assert_eq!(operation_class("Process Create"), Some(OperationClass::Process));
/// assert_eq!(operation_class("TCP Connect"), Some(OperationClass::Network));
/// assert_eq!(operation_class("Frobnicate"), None);
/// ```
pub fn operation_class(name: &str) -> Option<OperationClass> {
    const PROCESS: &[&str] = &[
        "Process Create",
        "Process Start",
        "Process Exit",
        "Thread Create",
        "Thread Exit",
        "Load Image",
    ];
    const FILE: &[&str] = &[
        "CreateFile",
        "ReadFile",
        "WriteFile",
        "CloseFile",
        "CreateFileMapping",
        "QueryDirectory",
        "NotifyChangeDirectory",
        "FileSystemControl",
        "DeviceIoControl",
        "LockFile",
        "UnlockFileSingle",
        "UnlockFileAll",
        "UnlockFileByKey",
        "FlushBuffersFile",
        "QueryOpen",
        "CreatePipe",
        "CreateMailSlot",
        "QueryRemoteProtocolInformation",
        "QueryIdInformation",
        "Shutdown",
        "Cleanup",
        "VolumeMount",
        "VolumeDismount",
        "SetEAFile",
        "QueryEAFile",
        "PlugAndPlay",
        "SystemControl",
        "Power",
        "InternalDeviceIoControl",
    ];
    if PROCESS.contains(&name) {
        return Some(OperationClass::Process);
    }
    if name.ends_with(" Profiling") || name == "Process Statistics" {
        return Some(OperationClass::Profiling);
    }
    if name.starts_with("Reg") {
        return Some(OperationClass::Registry);
    }
    if name.starts_with("TCP ") || name.starts_with("UDP ") {
        return Some(OperationClass::Network);
    }
    let file_like = FILE.contains(&name)
        || ((name.starts_with("Query") || name.starts_with("Set"))
            && (name.ends_with("File")
                || name.ends_with("Volume")
                || name.ends_with("Information")
                || name.ends_with("InformationFile")))
        || name.starts_with("IRP_MJ_")
        || name.starts_with("FASTIO_");
    if file_like {
        return Some(OperationClass::File);
    }
    if name == "<Unknown>" {
        return Some(OperationClass::Other);
    }
    None
}

/// The class named by the `Event Class` column.
fn event_class(text: &str) -> Option<OperationClass> {
    Some(match text {
        "File System" => OperationClass::File,
        "Registry" => OperationClass::Registry,
        "Process" => OperationClass::Process,
        "Network" => OperationClass::Network,
        "Profiling" => OperationClass::Profiling,
        _ => return None,
    })
}

/// True when an operation name is shaped like one (letters, digits, spaces, `_<>/`).
fn plausible_operation(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b" _<>/-.".contains(b))
}

/// One row as text, by column (absent columns are `None`).
#[derive(Debug, Default, Clone, Copy)]
pub struct RowText<'a> {
    /// `Time of Day`.
    pub time: Option<&'a str>,
    /// `Process Name`.
    pub process: Option<&'a str>,
    /// `PID`.
    pub pid: Option<&'a str>,
    /// `Operation`.
    pub operation: Option<&'a str>,
    /// `Path`.
    pub path: Option<&'a str>,
    /// `Result`.
    pub result: Option<&'a str>,
    /// `Detail`.
    pub detail: Option<&'a str>,
    /// `Date & Time`.
    pub date_time: Option<&'a str>,
    /// `Event Class`.
    pub event_class: Option<&'a str>,
    /// `Image Path`.
    pub image_path: Option<&'a str>,
    /// `User`.
    pub user: Option<&'a str>,
    /// `Command Line`.
    pub command_line: Option<&'a str>,
    /// `TID`.
    pub tid: Option<&'a str>,
    /// `Integrity`.
    pub integrity: Option<&'a str>,
    /// `Parent PID`.
    pub parent_pid: Option<&'a str>,
}

impl<'a> RowText<'a> {
    /// Set the value of one column.
    pub fn set(&mut self, column: Column, value: &'a str) {
        let slot = match column {
            Column::TimeOfDay => &mut self.time,
            Column::ProcessName => &mut self.process,
            Column::Pid => &mut self.pid,
            Column::Operation => &mut self.operation,
            Column::Path => &mut self.path,
            Column::Result => &mut self.result,
            Column::Detail => &mut self.detail,
            Column::DateTime => &mut self.date_time,
            Column::EventClass => &mut self.event_class,
            Column::ImagePath => &mut self.image_path,
            Column::User => &mut self.user,
            Column::CommandLine => &mut self.command_line,
            Column::Tid => &mut self.tid,
            Column::Integrity => &mut self.integrity,
            Column::ParentPid => &mut self.parent_pid,
        };
        *slot = Some(value);
    }
}

/// Longest raw text kept on an event (environment blocks run to kilobytes).
const MAX_RAW: usize = 1024;

fn non_empty(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|s| !s.is_empty() && *s != "n/a")
        .map(str::to_string)
}

fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The raw text of a row as cited in evidence: the default columns, quoted as in the export.
fn raw_text(row: &RowText) -> String {
    let mut raw = String::new();
    for v in [
        row.time,
        row.process,
        row.pid,
        row.operation,
        row.path,
        row.result,
        row.detail,
    ]
    .into_iter()
    .flatten()
    {
        if !raw.is_empty() {
            raw.push(',');
        }
        raw.push('"');
        raw.push_str(&v.replace('"', "\"\""));
        raw.push('"');
        if raw.len() > MAX_RAW {
            raw = cut(&raw, MAX_RAW).to_string();
            raw.push('…');
            break;
        }
    }
    raw
}

/// Parse a decimal id column.
fn parse_id(text: &str, row: u64, column: Column) -> Result<u32, SourceError> {
    text.trim().parse().map_err(|_| SourceError::BadField {
        row,
        column: column.name(),
        message: format!("expected a number, found {:?}", cut(text, 40)),
    })
}

/// The date a capture's rows carry, or `None` when the export has no `Date & Time` column.
pub fn row_date(row: &RowText) -> Option<NaiveDate> {
    row.date_time.and_then(clock::date_of)
}

/// Turn one row into its typed event, dated by the row's own date column when it has one.
pub fn row_event(row: &RowText, at: u64, input: InputId) -> Result<Event, SourceError> {
    let bad = |column: Column, message: String| SourceError::BadField {
        row: at,
        column: column.name(),
        message,
    };
    let missing = |column: Column| bad(column, "missing".into());
    let pid = parse_id(
        row.pid.ok_or_else(|| missing(Column::Pid))?,
        at,
        Column::Pid,
    )?;
    let operation = row.operation.ok_or_else(|| missing(Column::Operation))?;
    let result = row.result.ok_or_else(|| missing(Column::Result))?;
    let time = match row.time {
        Some(t) => {
            let time = clock::time_of_day(t).ok_or_else(|| {
                bad(
                    Column::TimeOfDay,
                    format!(
                        "expected a time like 7:19:37.0147934 AM, found {:?}",
                        cut(t, 40)
                    ),
                )
            })?;
            Stamp::local(row_date(row), time)
        }
        None => Stamp::none(),
    };
    let tid = match row.tid {
        Some(t) if !t.trim().is_empty() => Some(parse_id(t, at, Column::Tid)?),
        _ => None,
    };
    let process = Some(ProcessRef {
        pid,
        tid,
        image: non_empty(row.process),
        partial: false,
        role: None,
    });
    let detail_text = row.detail.unwrap_or("");
    let fields = detail::split_detail(detail_text);
    let field = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let kind = match operation {
        "Process Start" => Kind::from(ProcessStart {
            pid,
            parent: field("Parent PID").and_then(|v| v.trim().parse().ok()),
            image: non_empty(row.image_path),
            command_line: field("Command line")
                .or(row.command_line)
                .map(|c| c.trim_end().to_string()),
            current_directory: non_empty(field("Current directory")),
            user: non_empty(row.user),
            integrity: non_empty(row.integrity),
        }),
        "Process Exit" => Kind::ProcessExit {
            pid,
            status: field("Exit Status")
                .and_then(detail::integer)
                .map(|v| v as i32 as u32),
        },
        _ => {
            let (status, _) = match status::read_result(result) {
                ReadResult::Known(s, c) => (s, c),
                ReadResult::UnknownName(s) => (Some(s), ResultClass::Failure),
                ReadResult::Invalid => {
                    return Err(bad(
                        Column::Result,
                        format!("not a result: {:?}", cut(result, 40)),
                    ))
                }
            };
            let class = row
                .event_class
                .and_then(event_class)
                .or_else(|| operation_class(operation))
                .unwrap_or(OperationClass::Other);
            let path = row.path.filter(|p| !p.is_empty());
            Kind::from(Operation {
                class,
                name: operation.to_string(),
                path: path.map(str::to_string),
                target: path.map(NormalPath::new),
                result: result.to_string(),
                status,
                detail: fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), cut(v, MAX_RAW).to_string()))
                    .collect(),
                stack: Vec::new(),
            })
        }
    };
    Ok(Event {
        time,
        input,
        at: Location::Row(at),
        process,
        kind,
        raw: Some(raw_text(row)),
    })
}

/// The [`ProcessInfo`] a row's process columns describe.
pub fn row_process_info(row: &RowText, pid: u32) -> ProcessInfo {
    ProcessInfo {
        pid,
        parent: row.parent_pid.and_then(|p| p.trim().parse().ok()),
        name: non_empty(row.process),
        image: non_empty(row.image_path),
        command_line: non_empty(row.command_line),
        user: non_empty(row.user),
        integrity: non_empty(row.integrity),
    }
}

/// A row's process facts as an event of their own (the row at `at`, timed by its time column;
/// `date` is the row's date when known).
pub fn row_process_event(
    row: &RowText,
    pid: u32,
    at: u64,
    input: InputId,
    date: Option<NaiveDate>,
) -> Event {
    let time = row
        .time
        .and_then(clock::time_of_day)
        .map_or_else(Stamp::none, |t| Stamp::local(date, t));
    Event {
        time,
        input,
        at: Location::Row(at),
        process: None,
        kind: Kind::from(row_process_info(row, pid)),
        raw: None,
    }
}

/// What to keep of a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepPolicy {
    /// Every row becomes an event (small captures, tests, other tools).
    All,
    /// Failures, process lifecycle and retries of denied opens; the rest is only counted.
    Relevant,
}

/// Settings of the Process Monitor readers.
#[derive(Debug, Clone, Copy)]
pub struct CaptureSettings {
    /// What to keep.
    pub keep: KeepPolicy,
    /// Most failure events kept per (process, operation, result, path class); the rest counted.
    pub max_per_failure: u32,
    /// Most probe results (`NAME NOT FOUND`, ...) kept per (process, operation, result) as samples.
    pub max_probe_samples: u32,
}

impl Default for CaptureSettings {
    fn default() -> Self {
        CaptureSettings {
            keep: KeepPolicy::Relevant,
            max_per_failure: 64,
            max_probe_samples: 4,
        }
    }
}

/// A cheap hasher for short byte keys, eight bytes per step (FxHash-like), used on every row.
#[derive(Default)]
pub struct WordHasher(u64);

const WORD_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(WORD_SEED);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes(w.try_into().expect("eight bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.add(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
}

/// A hash map with [`WordHasher`] hashing.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// Ids of the few distinct names a column holds (operations, results): a direct-mapped cache
/// checked with one comparison, in front of a hash map.
#[derive(Debug, Clone, Default)]
struct Interner {
    cache: Vec<(u64, u32)>,
    names: Vec<Box<[u8]>>,
    map: FastMap<Box<[u8]>, u32>,
}

/// Slots of the [`Interner`] cache.
const INTERN_SLOTS: usize = 256;

impl Interner {
    /// A cheap key of a name: its length and first and last eight bytes.
    fn key(name: &[u8]) -> u64 {
        let mut head = [0u8; 8];
        let n = name.len().min(8);
        head[..n].copy_from_slice(&name[..n]);
        let mut tail = [0u8; 8];
        tail[..n].copy_from_slice(&name[name.len() - n..]);
        (u64::from_le_bytes(head) ^ u64::from_le_bytes(tail).rotate_left(29))
            .wrapping_mul(WORD_SEED)
            ^ name.len() as u64
    }

    fn slot(key: u64) -> usize {
        (key >> 56) as usize % INTERN_SLOTS
    }

    fn get(&mut self, name: &[u8]) -> Option<u32> {
        let key = Self::key(name);
        if let Some(&(k, id)) = self.cache.get(Self::slot(key)) {
            if k == key && *self.names[id as usize] == *name {
                return Some(id);
            }
        }
        let id = *self.map.get(name)?;
        if self.cache.is_empty() {
            self.cache = vec![(u64::MAX, 0); INTERN_SLOTS];
        }
        self.cache[Self::slot(key)] = (key, id);
        Some(id)
    }

    fn insert(&mut self, name: &[u8], id: u32) {
        self.map.insert(name.into(), id);
        if self.names.len() <= id as usize {
            self.names.resize(id as usize + 1, Box::default());
        }
        self.names[id as usize] = name.into();
    }
}

/// How many rows of one operation ended with one result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationCount {
    /// Operation name.
    pub operation: String,
    /// Result as written (empty for none).
    pub result: String,
    /// Rows.
    pub count: u64,
}

/// Failing rows folded by process, operation, result and path class, with how many were kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FailureKey {
    /// Process name.
    pub process: String,
    /// Operation name.
    pub operation: String,
    /// Result as written.
    pub result: String,
    /// Path class: known folder label, drive, hive or space.
    pub path_class: String,
}

/// What a capture held: counts of every row, whether or not it was kept.
#[derive(Debug, Clone, Default)]
pub struct CaptureTally {
    /// Data rows read (header excluded).
    pub rows: u64,
    /// Rows kept as events.
    pub kept: u64,
    /// Rows skipped as broken.
    pub bad_rows: u64,
    /// True when rows carry their date (`Date & Time` column); else the date is unknown.
    pub has_date: bool,
    /// First row's date, when known.
    pub first_date: Option<NaiveDate>,
    /// Operation names not known to msitrace, with the first row of each.
    pub unknown_operations: Vec<(String, u64)>,
    /// Result names not known to msitrace, with the first row of each.
    pub unknown_results: Vec<(String, u64)>,
    ops: Interner,
    results: Interner,
    op_names: Vec<Box<[u8]>>,
    result_names: Vec<Box<[u8]>>,
    result_classes: Vec<Option<ResultClass>>,
    op_valid: Vec<bool>,
    result_valid: Vec<bool>,
    counts: Vec<Vec<u64>>,
    /// Total failing rows per fold key (kept or not).
    pub failures: FastMap<FailureKey, u64>,
}

impl CaptureTally {
    /// Counts by operation and result, most frequent first.
    pub fn operation_counts(&self) -> Vec<OperationCount> {
        let mut out = Vec::new();
        for (op, row) in self.counts.iter().enumerate() {
            for (res, &count) in row.iter().enumerate() {
                if count > 0 {
                    out.push(OperationCount {
                        operation: String::from_utf8_lossy(&self.op_names[op]).into_owned(),
                        result: String::from_utf8_lossy(&self.result_names[res]).into_owned(),
                        count,
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.operation.cmp(&b.operation))
                .then_with(|| a.result.cmp(&b.result))
        });
        out
    }

    /// Rows per result class.
    pub fn class_counts(&self) -> [(ResultClass, u64); 4] {
        let mut totals = [0u64; 4];
        for row in &self.counts {
            for (res, &count) in row.iter().enumerate() {
                let i = match self.result_classes[res] {
                    Some(ResultClass::Success) => 0,
                    Some(ResultClass::Noise) => 1,
                    Some(ResultClass::Probe) => 2,
                    Some(ResultClass::Failure) | None => 3,
                };
                totals[i] += count;
            }
        }
        [
            (ResultClass::Success, totals[0]),
            (ResultClass::Noise, totals[1]),
            (ResultClass::Probe, totals[2]),
            (ResultClass::Failure, totals[3]),
        ]
    }

    /// Add another part's counts (chunks of one file read in parallel, in order).
    pub fn merge(&mut self, other: CaptureTally, row_offset: u64) {
        self.rows += other.rows;
        self.kept += other.kept;
        self.bad_rows += other.bad_rows;
        self.has_date |= other.has_date;
        self.first_date = self.first_date.or(other.first_date);
        for (name, row) in other.unknown_operations {
            if !self.unknown_operations.iter().any(|(n, _)| *n == name) {
                self.unknown_operations.push((name, row + row_offset));
            }
        }
        for (name, row) in other.unknown_results {
            if !self.unknown_results.iter().any(|(n, _)| *n == name) {
                self.unknown_results.push((name, row + row_offset));
            }
        }
        for (op, row) in other.counts.iter().enumerate() {
            for (res, &count) in row.iter().enumerate() {
                if count > 0 {
                    let o = self.op_id(&other.op_names[op]);
                    let r = self.result_id(&other.result_names[res]);
                    self.counts[o as usize][r as usize] += count;
                }
            }
        }
        for (k, v) in other.failures {
            *self.failures.entry(k).or_default() += v;
        }
    }

    fn op_id(&mut self, name: &[u8]) -> u32 {
        if let Some(id) = self.ops.get(name) {
            return id;
        }
        let id = self.op_names.len() as u32;
        self.ops.insert(name, id);
        self.op_names.push(name.into());
        self.op_valid.push(plausible_operation(name));
        self.counts.push(vec![0; self.result_names.len()]);
        id
    }

    fn result_id(&mut self, name: &[u8]) -> u32 {
        if let Some(id) = self.results.get(name) {
            return id;
        }
        let id = self.result_names.len() as u32;
        self.results.insert(name, id);
        self.result_names.push(name.into());
        let class = status::classify(name);
        self.result_classes.push(class);
        self.result_valid.push(
            class.is_some()
                || !matches!(
                    status::read_result(&String::from_utf8_lossy(name)),
                    ReadResult::Invalid
                ),
        );
        for row in &mut self.counts {
            row.push(0);
        }
        id
    }
}

/// Why a row is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Not kept: only counted.
    No,
    /// Kept.
    Yes,
    /// Kept, and the row is the first of a process: emit its [`ProcessInfo`] first.
    WithProcessInfo,
    /// Not kept, but the row is the first of a process: emit its [`ProcessInfo`].
    ProcessInfoOnly,
}

/// A row that cannot be used, found while classifying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// The operation is not shaped like one.
    BadOperation,
    /// The result is not shaped like one.
    BadResult,
}

/// Decides, per row and on bytes, what to keep of a capture; counts everything.
#[derive(Debug)]
pub struct Keeper {
    settings: CaptureSettings,
    tally: CaptureTally,
    /// Parent PID (as read) of each process seen, to emit a [`ProcessInfo`] once per process.
    seen: FastMap<u32, Option<u32>>,
    last_pid: Option<(u32, Option<u32>)>,
    /// Kept events per fold key, to cap them.
    kept_per_key: FastMap<FailureKey, u32>,
    /// Probe samples kept per (process, operation, result).
    probes: FastMap<(u64, u32, u32), u32>,
    /// Denied `All Access` opens waiting for a narrower retry: (pid, operation id, path).
    pending_retry: Vec<(u32, u32, Box<[u8]>)>,
}

/// Most denied opens remembered at once while waiting for their retry.
const MAX_PENDING_RETRY: usize = 256;

impl Keeper {
    /// A keeper with the given settings.
    pub fn new(settings: CaptureSettings) -> Self {
        Keeper {
            settings,
            tally: CaptureTally::default(),
            seen: FastMap::default(),
            last_pid: None,
            kept_per_key: FastMap::default(),
            probes: FastMap::default(),
            pending_retry: Vec::new(),
        }
    }

    /// The counts so far.
    pub fn tally(&self) -> &CaptureTally {
        &self.tally
    }

    /// The counts, once the capture is read.
    pub fn into_tally(self) -> CaptureTally {
        self.tally
    }

    /// Count a row skipped as broken.
    pub fn bad_row(&mut self) {
        self.tally.rows += 1;
        self.tally.bad_rows += 1;
    }

    /// A kept row turned out broken when typed: count it as bad instead.
    pub fn kept_row_failed(&mut self) {
        self.tally.kept = self.tally.kept.saturating_sub(1);
        self.tally.bad_rows += 1;
    }

    /// Say whether rows carry their date (the export has a `Date & Time` column).
    pub fn set_has_date(&mut self, has_date: bool) {
        self.tally.has_date = has_date;
    }

    /// Note the date of the rows (from the first row that has one).
    pub fn note_date(&mut self, date: Option<NaiveDate>) {
        if let Some(d) = date {
            self.tally.has_date = true;
            self.tally.first_date.get_or_insert(d);
        }
    }

    /// Classify one row: count it, and say whether to keep it. `row` is its 1-based number.
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &mut self,
        row: u64,
        pid: Option<u32>,
        parent: Option<u32>,
        process: &[u8],
        operation: &[u8],
        result: &[u8],
        path: &[u8],
        detail: &[u8],
    ) -> Result<Keep, RowProblem> {
        self.tally.rows += 1;
        let known_ops = self.tally.op_names.len();
        let op = self.tally.op_id(operation);
        if op as usize == known_ops {
            // First row of this operation name: note it when msitrace does not know it.
            let name = String::from_utf8_lossy(operation);
            if self.tally.op_valid[op as usize] && operation_class(&name).is_none() {
                self.tally.unknown_operations.push((name.into_owned(), row));
            }
        }
        if !self.tally.op_valid[op as usize] {
            self.tally.bad_rows += 1;
            return Err(RowProblem::BadOperation);
        }
        let known_results = self.tally.result_names.len();
        let res = self.tally.result_id(result);
        let class = self.tally.result_classes[res as usize];
        if !self.tally.result_valid[res as usize] {
            self.tally.bad_rows += 1;
            return Err(RowProblem::BadResult);
        }
        if class.is_none() && res as usize == known_results {
            let name = String::from_utf8_lossy(result).into_owned();
            self.tally.unknown_results.push((name, row));
        }
        self.tally.counts[op as usize][res as usize] += 1;
        let first_of_process = match pid {
            Some(pid) if self.last_pid != Some((pid, parent)) => {
                self.last_pid = Some((pid, parent));
                match self.seen.get(&pid) {
                    Some(before) if *before == parent => false,
                    _ => {
                        self.seen.insert(pid, parent);
                        true
                    }
                }
            }
            _ => false,
        };
        let keep = self.keep(row, pid, process, op, res, class, operation, path, detail);
        if keep {
            self.tally.kept += 1;
        }
        Ok(match (keep, first_of_process) {
            (true, true) => Keep::WithProcessInfo,
            (true, false) => Keep::Yes,
            (false, true) => Keep::ProcessInfoOnly,
            (false, false) => Keep::No,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn keep(
        &mut self,
        _row: u64,
        pid: Option<u32>,
        process: &[u8],
        op: u32,
        res: u32,
        class: Option<ResultClass>,
        operation: &[u8],
        path: &[u8],
        detail: &[u8],
    ) -> bool {
        if self.settings.keep == KeepPolicy::All {
            if matches!(class, Some(ResultClass::Failure) | None) {
                self.fold(process, operation, res, path);
            }
            return true;
        }
        match class {
            Some(ResultClass::Success) => {
                if matches!(
                    operation,
                    b"Process Start" | b"Process Exit" | b"Process Create"
                ) {
                    return true;
                }
                // The narrower retry of a denied `All Access` open.
                if !self.pending_retry.is_empty() {
                    if let Some(pid) = pid {
                        if let Some(i) = self
                            .pending_retry
                            .iter()
                            .position(|(p, o, x)| *p == pid && *o == op && **x == *path)
                        {
                            self.pending_retry.swap_remove(i);
                            return true;
                        }
                    }
                }
                false
            }
            Some(ResultClass::Noise) => false,
            Some(ResultClass::Probe) => {
                let mut h = WordHasher::default();
                h.write(process);
                let key = (h.finish(), op, res);
                let n = self.probes.entry(key).or_default();
                *n += 1;
                *n <= self.settings.max_probe_samples
            }
            Some(ResultClass::Failure) | None => {
                let kept = self.fold(process, operation, res, path);
                if kept && memchr::memmem::find(detail, b"Desired Access: All Access").is_some() {
                    if let Some(pid) = pid {
                        if self.pending_retry.len() >= MAX_PENDING_RETRY {
                            self.pending_retry.remove(0);
                        }
                        self.pending_retry.push((pid, op, path.into()));
                    }
                }
                kept
            }
        }
    }

    /// Count a failing row under its fold key; true when it is still under the cap.
    fn fold(&mut self, process: &[u8], operation: &[u8], res: u32, path: &[u8]) -> bool {
        let path = String::from_utf8_lossy(path);
        let key = FailureKey {
            process: String::from_utf8_lossy(process).into_owned(),
            operation: String::from_utf8_lossy(operation).into_owned(),
            result: String::from_utf8_lossy(&self.tally.result_names[res as usize]).into_owned(),
            path_class: NormalPath::new(&path).class(),
        };
        *self.tally.failures.entry(key.clone()).or_default() += 1;
        let n = self.kept_per_key.entry(key).or_default();
        *n += 1;
        *n <= self.settings.max_per_failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(op: &'a str, result: &'a str, detail: &'a str) -> RowText<'a> {
        RowText {
            time: Some("7:19:37.0147934 AM"),
            process: Some("msiexec.exe"),
            pid: Some("4242"),
            operation: Some(op),
            path: Some(r"C:\Users\jo\AppData\Local\Temp\MSI1.tmp"),
            result: Some(result),
            detail: Some(detail),
            ..Default::default()
        }
    }

    #[test]
    fn operation_row_is_typed() {
        let e = row_event(
            &row(
                "CreateFile",
                "ACCESS DENIED",
                "Desired Access: Generic Write, Read Attributes, Disposition: OverwriteIf",
            ),
            7,
            0,
        )
        .unwrap();
        assert_eq!(e.at, Location::Row(7));
        let Kind::Operation(op) = &e.kind else {
            panic!()
        };
        assert_eq!(op.class, OperationClass::File);
        assert_eq!(op.status.as_ref().unwrap().code, Some(0xC000_0022));
        assert_eq!(op.detail("Disposition"), Some("OverwriteIf"));
        assert_eq!(
            op.target.as_ref().unwrap().known,
            Some(crate::paths::KnownFolder::Temp)
        );
        assert_eq!(e.process.as_ref().unwrap().pid, 4242);
    }

    #[test]
    fn process_rows() {
        let e = row_event(
            &row(
                "Process Start",
                "SUCCESS",
                "Parent PID: 1328, Command line: \"a.exe\" /q, Current directory: C:\\x\\, Environment: ;\tA=1",
            ),
            1,
            0,
        )
        .unwrap();
        let Kind::ProcessStart(s) = &e.kind else {
            panic!()
        };
        assert_eq!(s.parent, Some(1328));
        assert_eq!(s.command_line.as_deref(), Some("\"a.exe\" /q"));
        let e = row_event(
            &row(
                "Process Exit",
                "SUCCESS",
                "Exit Status: -1073740756, User Time: 0.0 seconds",
            ),
            2,
            0,
        )
        .unwrap();
        assert_eq!(
            e.kind,
            Kind::ProcessExit {
                pid: 4242,
                status: Some(0xC000_042C)
            }
        );
    }

    #[test]
    fn bad_fields_name_row_and_column() {
        let mut r = row("CreateFile", "SUCCESS", "");
        r.pid = Some("12x");
        let err = row_event(&r, 9, 0).unwrap_err().to_string();
        assert!(err.contains("row 9") && err.contains("PID"), "{err}");
        let mut r = row("CreateFile", "SUCCESS", "");
        r.time = Some("99:99");
        let err = row_event(&r, 3, 0).unwrap_err().to_string();
        assert!(
            err.contains("row 3") && err.contains("Time of Day"),
            "{err}"
        );
    }

    #[test]
    fn keeper_keeps_failures_and_lifecycle_counts_the_rest() {
        let mut k = Keeper::new(CaptureSettings::default());
        let d = |k: &mut Keeper, row, op: &str, res: &str, path: &str, detail: &str| {
            k.decide(
                row,
                Some(10),
                None,
                b"msiexec.exe",
                op.as_bytes(),
                res.as_bytes(),
                path.as_bytes(),
                detail.as_bytes(),
            )
            .unwrap()
        };
        assert_eq!(
            d(&mut k, 1, "Process Start", "SUCCESS", "", ""),
            Keep::WithProcessInfo
        );
        assert_eq!(d(&mut k, 2, "ReadFile", "SUCCESS", "C:\\a", ""), Keep::No);
        assert_eq!(
            d(&mut k, 3, "ReadFile", "END OF FILE", "C:\\a", ""),
            Keep::No
        );
        assert_eq!(
            d(
                &mut k,
                4,
                "CreateFile",
                "ACCESS DENIED",
                "C:\\a",
                "Desired Access: All Access"
            ),
            Keep::Yes
        );
        // The narrower retry of the denied open is kept; a second success is not.
        assert_eq!(
            d(&mut k, 5, "CreateFile", "SUCCESS", "C:\\a", ""),
            Keep::Yes
        );
        assert_eq!(d(&mut k, 6, "CreateFile", "SUCCESS", "C:\\a", ""), Keep::No);
        for row in 0..10 {
            d(&mut k, 7 + row, "CreateFile", "NAME NOT FOUND", "C:\\b", "");
        }
        let t = k.into_tally();
        assert_eq!(t.rows, 16);
        assert_eq!(t.kept, 3 + 4);
        let counts = t.operation_counts();
        assert_eq!(counts[0].operation, "CreateFile");
        assert_eq!(counts[0].result, "NAME NOT FOUND");
        assert_eq!(counts[0].count, 10);
    }

    #[test]
    fn keeper_rejects_garbage_operation_and_result() {
        let mut k = Keeper::new(CaptureSettings::default());
        let r = k.decide(1, Some(1), None, b"x", b"\x01\x02", b"SUCCESS", b"", b"");
        assert_eq!(r, Err(RowProblem::BadOperation));
        let r = k.decide(
            2,
            Some(1),
            None,
            b"x",
            b"CreateFile",
            b"not a result!",
            b"",
            b"",
        );
        assert_eq!(r, Err(RowProblem::BadResult));
        let r = k.decide(
            3,
            Some(1),
            None,
            b"x",
            b"Frobnicate",
            b"NEW STATUS",
            b"",
            b"",
        );
        assert!(r.is_ok());
        let t = k.into_tally();
        assert_eq!(t.unknown_operations, vec![("Frobnicate".to_string(), 3)]);
        assert_eq!(t.unknown_results, vec![("NEW STATUS".to_string(), 3)]);
    }
}
