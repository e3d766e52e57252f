//! Process Monitor rows copied as text, and the Event Properties dialog's "Copy All".
//!
//! Rows (Ctrl+C on selected rows, pasted into a ticket): the visible columns in display order,
//! tab-separated, or space-separated once a forum or a markdown renderer ate the tabs:
//!
//! | piece | how it is found |
//! |---|---|
//! | `Time of Day` | the line starts with a time (`11:56:47.3634292`, `7:19:37.0147934 AM`) |
//! | `Process Name` | the text up to the first number (may hold spaces) |
//! | `PID`, optional `TID` | one or two numbers |
//! | `Operation` | a known operation name, one to three words (`CreateFile`, `Process Create`) |
//! | `Path` | the text up to the result (may hold spaces, may be empty) |
//! | `Result` | the first known result name or hex status after the operation (`ACCESS DENIED`) |
//! | `Detail` | the rest, and the following lines that do not start with a time (a detail wrapped onto the next line) |
//!
//! A header line of column names (`Time of Day`, `Process Name`, `PID`, ...) maps tab-separated
//! rows by name instead. The Event Properties copy is a block of `Label: value` lines:
//! `Date & Time:`, `Event Class:`/`Class:`, `Operation:`, `Result:`, `Path:`, `TID:`/`Thread:`,
//! `Duration:`, the detail's own fields, then the Process tab (`Name:`, `Path:`, `Command Line:`,
//! `PID:`, `Parent PID:`, `User:`, `Integrity:`).
//!
//! Each row becomes the events the CSV reader gives for it ([`super::row_event`],
//! [`super::row_process_event`], kept or counted by the same [`Keeper`]), located at the line
//! where it starts in the user's file. Paths whose backslashes were all doubled by markdown
//! escaping are read with single ones (noted).

use super::{row_event, row_process_event, CaptureSettings, Column, Keeper, RowDecision, RowText};
use crate::event::{Event, InputId, Location};
use crate::source::procmon::clock::time_of_day;
use crate::source::procmon::operation_class;
use crate::source::procmon::status::classify;
use crate::source::{
    EventStream, Feeds, Format, Opening, Recognised, Sniff, Source, SourceError, StreamSummary,
    TimeBasis,
};
use crate::text::{LineReader, TextEncoding};
use std::collections::VecDeque;
use std::io::Read;

/// Most lines one row (with its wrapped detail) or one Event Properties block may span.
const MAX_ROW_LINES: usize = 64;
/// Most bytes of one row's text.
const MAX_ROW: usize = 64 * 1024;

/// The two text forms of Process Monitor events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcmonTextForm {
    /// Rows copied from the main list.
    Rows,
    /// The Event Properties dialog's copy.
    Properties,
}

impl ProcmonTextForm {
    /// What the Inputs section calls the form.
    pub fn label(self) -> &'static str {
        match self {
            ProcmonTextForm::Rows => "Process Monitor rows copied as text",
            ProcmonTextForm::Properties => "Process Monitor Event Properties copy",
        }
    }
}

/// What a reader read, for the Inputs section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcmonTextSummary {
    /// Forms seen.
    pub forms: Vec<ProcmonTextForm>,
    /// Rows (or Event Properties blocks) read.
    pub rows: u64,
    /// Lenient readings.
    pub notes: Vec<String>,
}

impl std::fmt::Display for ProcmonTextSummary {
    /// `Process Monitor rows copied as text; 3 rows`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let forms: Vec<&str> = self.forms.iter().map(|f| f.label()).collect();
        if forms.is_empty() {
            f.write_str("Process Monitor text copy")?;
        } else {
            f.write_str(&forms.join(" + "))?;
        }
        let s = if self.rows == 1 { "" } else { "s" };
        write!(f, "; {} row{s}", self.rows)
    }
}

/// The pieces of one row, owned.
#[derive(Debug, Default, Clone)]
struct Row {
    line: u64,
    raw: Vec<String>,
    time: Option<String>,
    date_time: Option<String>,
    process: Option<String>,
    pid: Option<String>,
    tid: Option<String>,
    operation: Option<String>,
    path: Option<String>,
    result: Option<String>,
    detail: Option<String>,
    event_class: Option<String>,
    image_path: Option<String>,
    command_line: Option<String>,
    user: Option<String>,
    integrity: Option<String>,
    parent_pid: Option<String>,
    form: Option<ProcmonTextForm>,
}

impl Row {
    fn text(&self) -> RowText<'_> {
        RowText {
            time: self.time.as_deref(),
            process: self.process.as_deref(),
            pid: self.pid.as_deref(),
            operation: self.operation.as_deref(),
            path: self.path.as_deref(),
            result: self.result.as_deref(),
            detail: self.detail.as_deref(),
            date_time: self.date_time.as_deref(),
            event_class: self.event_class.as_deref(),
            image_path: self.image_path.as_deref(),
            user: self.user.as_deref(),
            command_line: self.command_line.as_deref(),
            tid: self.tid.as_deref(),
            integrity: self.integrity.as_deref(),
            parent_pid: self.parent_pid.as_deref(),
        }
    }
}

/// Streaming reader of Process Monitor rows or Event Properties copied as text.
pub struct ProcmonTextParser<R> {
    reader: LineReader<R>,
    ahead: VecDeque<(u64, String)>,
    eof: bool,
    input: InputId,
    keeper: Keeper,
    header: Option<Vec<Option<Column>>>,
    queue: VecDeque<Result<Event, SourceError>>,
    summary: ProcmonTextSummary,
    halved: u64,
    unread: u64,
}

impl<R: Read> ProcmonTextParser<R> {
    /// A reader of `source`, written in `encoding`.
    pub fn new(
        source: R,
        encoding: TextEncoding,
        input: InputId,
        settings: CaptureSettings,
    ) -> Self {
        ProcmonTextParser {
            reader: LineReader::new(source, encoding),
            ahead: VecDeque::new(),
            eof: false,
            input,
            keeper: Keeper::new(settings),
            header: None,
            queue: VecDeque::new(),
            summary: ProcmonTextSummary::default(),
            halved: 0,
            unread: 0,
        }
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> u64 {
        self.reader.line_number()
    }

    /// The counts of every row, once read.
    pub fn into_tally(self) -> super::CaptureTally {
        self.keeper.into_tally()
    }

    /// The forms, rows and lenient readings so far.
    pub fn describe(&self) -> ProcmonTextSummary {
        let mut s = self.summary.clone();
        if self.halved > 0 {
            s.notes.push(format!(
                "doubled backslashes (markdown escaping) read as single ones in {} row(s)",
                self.halved
            ));
        }
        if self.unread > 0 {
            s.notes.push(format!(
                "{} line(s) that are no row were not read",
                self.unread
            ));
        }
        s
    }

    fn peek(&mut self, k: usize) -> Option<&(u64, String)> {
        while self.ahead.len() <= k && !self.eof {
            match self.reader.next_line() {
                Ok(Some(l)) => {
                    let text = l.text.trim_end().to_string();
                    self.ahead.push_back((l.number, text));
                }
                Ok(None) => self.eof = true,
                Err(source) => {
                    self.eof = true;
                    self.queue.push_back(Err(SourceError::Read {
                        line: self.reader.line_number() + 1,
                        source,
                    }));
                }
            }
        }
        self.ahead.get(k)
    }

    /// Read the next row or block into the queue; false at the end.
    fn step(&mut self) -> bool {
        let Some((number, text)) = self.peek(0).cloned() else {
            return false;
        };
        if text.trim().is_empty() {
            self.ahead.pop_front();
            return true;
        }
        if self.header.is_none() && text.contains('\t') {
            if let Some(h) = header(&text) {
                self.header = Some(h);
                self.ahead.pop_front();
                return true;
            }
        }
        if properties_label(&text).is_some_and(|(l, _)| l == PropertiesLabel::DateTime) {
            let row = self.read_properties();
            self.emit(row);
            return true;
        }
        let parsed = match &self.header {
            Some(h) if text.contains('\t') => by_header(&text, h),
            _ => parse_row(&text),
        };
        let Some(mut row) = parsed else {
            self.ahead.pop_front();
            self.unread += 1;
            return true;
        };
        self.ahead.pop_front();
        row.line = number;
        row.raw.push(text);
        row.form = Some(ProcmonTextForm::Rows);
        // A detail wrapped onto the following lines.
        while row.raw.len() < MAX_ROW_LINES {
            let Some((_, next)) = self.peek(0) else { break };
            if next.trim().is_empty() || starts_with_time(next) || properties_label(next).is_some()
            {
                break;
            }
            let (_, next) = self.ahead.pop_front().expect("peeked");
            let detail = row.detail.get_or_insert_with(String::new);
            if detail.len() < MAX_ROW {
                if !detail.is_empty() {
                    detail.push(' ');
                }
                detail.push_str(next.trim());
            }
            row.raw.push(next);
        }
        self.emit(row);
        true
    }

    /// Read an Event Properties block.
    fn read_properties(&mut self) -> Row {
        let mut row = Row {
            form: Some(ProcmonTextForm::Properties),
            ..Default::default()
        };
        let mut detail: Vec<String> = Vec::new();
        let mut in_process = false;
        let mut blank_run = 0;
        while row.raw.len() < MAX_ROW_LINES * 4 {
            let Some((number, text)) = self.peek(0).cloned() else {
                break;
            };
            if row.line == 0 {
                row.line = number;
            }
            if text.trim().is_empty() {
                blank_run += 1;
                if blank_run > 2 {
                    break;
                }
                self.ahead.pop_front();
                row.raw.push(text);
                continue;
            }
            blank_run = 0;
            let label = properties_label(&text);
            if row.raw.iter().any(|l| !l.trim().is_empty())
                && label.is_some_and(|(l, _)| l == PropertiesLabel::DateTime)
            {
                break; // the next block
            }
            let Some((key, value)) = split_key(&text) else {
                break;
            };
            self.ahead.pop_front();
            row.raw.push(text.clone());
            let value = value.to_string();
            match label.map(|(l, _)| l) {
                Some(PropertiesLabel::DateTime) => {
                    row.time = value.split_once(' ').map(|(_, t)| t.trim().to_string());
                    row.date_time = Some(value);
                }
                Some(PropertiesLabel::Class) => row.event_class = Some(value),
                Some(PropertiesLabel::Operation) => row.operation = Some(value),
                Some(PropertiesLabel::Result) => row.result = Some(value),
                Some(PropertiesLabel::Path) if !in_process && row.path.is_none() => {
                    row.path = Some(value)
                }
                Some(PropertiesLabel::Path) => row.image_path = Some(value),
                Some(PropertiesLabel::Tid) => row.tid = Some(value),
                Some(PropertiesLabel::Duration) => {}
                Some(PropertiesLabel::ProcessName) => {
                    in_process = true;
                    row.process = Some(value);
                }
                Some(PropertiesLabel::ProcessTab) => in_process = true,
                Some(PropertiesLabel::CommandLine) => row.command_line = Some(value),
                Some(PropertiesLabel::Pid) => row.pid = Some(value),
                Some(PropertiesLabel::ParentPid) => row.parent_pid = Some(value),
                Some(PropertiesLabel::User) => row.user = Some(value),
                Some(PropertiesLabel::Integrity) => row.integrity = Some(value),
                None if !in_process && row.operation.is_some() => {
                    detail.push(format!("{key}: {value}"))
                }
                None => {}
            }
        }
        if !detail.is_empty() {
            row.detail = Some(detail.join(", "));
        }
        row
    }

    /// Classify a row with the keeper and queue its events.
    fn emit(&mut self, mut row: Row) {
        if let Some(form) = row.form {
            if !self.summary.forms.contains(&form) {
                self.summary.forms.push(form);
            }
        }
        self.summary.rows += 1;
        if halve_backslashes(&mut row) {
            self.halved += 1;
        }
        let line = row.line;
        let pid = row
            .pid
            .as_deref()
            .and_then(|p| p.trim().parse::<u32>().ok());
        if pid.is_none() {
            self.keeper.bad_row();
            self.queue.push_back(Err(SourceError::TextRecord {
                line,
                message: "a Process Monitor event without a process id".into(),
            }));
            return;
        }
        let parent = row
            .parent_pid
            .as_deref()
            .and_then(|p| p.trim().parse().ok());
        let b = |v: &Option<String>| v.as_deref().unwrap_or("").as_bytes().to_vec();
        let decision = self.keeper.decide(
            line,
            pid,
            parent,
            &b(&row.process),
            &b(&row.operation),
            &b(&row.result),
            &b(&row.path),
            &b(&row.detail),
        );
        let keep = match decision {
            Ok(k) => k,
            Err(_) => {
                self.queue.push_back(Err(SourceError::TextRecord {
                    line,
                    message: "not a Process Monitor operation and result".into(),
                }));
                return;
            }
        };
        if keep == RowDecision::No {
            return;
        }
        let raw = row.raw.join("\n");
        let text = row.text();
        if matches!(
            keep,
            RowDecision::WithProcessInfo | RowDecision::ProcessInfoOnly
        ) {
            if let Some(pid) = pid {
                let date = super::row_date(&text);
                let mut info = row_process_event(&text, pid, line, self.input, date);
                info.at = Location::Line(line);
                self.queue.push_back(Ok(info));
            }
        }
        if matches!(keep, RowDecision::Yes | RowDecision::WithProcessInfo) {
            match row_event(&text, line, self.input) {
                Ok(mut e) => {
                    e.at = Location::Line(line);
                    e.raw = Some(raw);
                    if let Some(d) = e.time.local_datetime() {
                        self.keeper.note_date(Some(d.date()));
                    }
                    self.queue.push_back(Ok(e));
                }
                Err(e) => {
                    self.keeper.kept_row_failed();
                    let message = match e {
                        SourceError::BadField {
                            column, message, ..
                        } => format!("column {column}: {message}"),
                        other => other.to_string(),
                    };
                    self.queue
                        .push_back(Err(SourceError::TextRecord { line, message }));
                }
            }
        }
    }
}

impl<R: Read> Iterator for ProcmonTextParser<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if !self.step() {
                return self.queue.pop_front();
            }
        }
    }
}

/// Paths, details and command lines whose backslashes are all doubled (`C:\\Windows\\x`) were
/// escaped for markdown: read them with single ones. True when something was changed.
fn halve_backslashes(row: &mut Row) -> bool {
    let doubled = |v: &str| v.contains("\\\\") && !v.replace("\\\\", "").contains('\\');
    let any = [&row.path, &row.detail, &row.command_line, &row.image_path]
        .iter()
        .filter_map(|v| v.as_deref())
        .any(doubled);
    let none_single = [&row.path, &row.detail, &row.command_line, &row.image_path]
        .iter()
        .filter_map(|v| v.as_deref())
        .all(|v| !v.contains('\\') || doubled(v));
    if !(any && none_single) {
        return false;
    }
    for v in [
        &mut row.path,
        &mut row.detail,
        &mut row.command_line,
        &mut row.image_path,
    ] {
        if let Some(s) = v.as_mut() {
            *s = s.replace("\\\\", "\\");
        }
    }
    true
}

/// True when a line starts with a time of day (a new row).
fn starts_with_time(text: &str) -> bool {
    let first = text.trim_start().split(['\t', ' ']).next().unwrap_or("");
    first.contains(':') && time_of_day(first).is_some()
}

/// A tab-separated header of column names (at least `PID`, `Operation` and `Result`).
fn header(text: &str) -> Option<Vec<Option<Column>>> {
    let cols: Vec<Option<Column>> = text.split('\t').map(Column::from_header).collect();
    let has = |c| cols.contains(&Some(c));
    (has(Column::Pid) && has(Column::Operation) && has(Column::Result)).then_some(cols)
}

/// A tab-separated row read by the header's columns.
fn by_header(text: &str, header: &[Option<Column>]) -> Option<Row> {
    let mut row = Row::default();
    for (value, column) in text.split('\t').zip(header) {
        let v = Some(value.trim().to_string());
        match column {
            Some(Column::TimeOfDay) => row.time = v,
            Some(Column::ProcessName) => row.process = v,
            Some(Column::Pid) => row.pid = v,
            Some(Column::Tid) => row.tid = v,
            Some(Column::Operation) => row.operation = v,
            Some(Column::Path) => row.path = v,
            Some(Column::Result) => row.result = v,
            Some(Column::Detail) => row.detail = v,
            Some(Column::DateTime) => row.date_time = v,
            Some(Column::EventClass) => row.event_class = v,
            Some(Column::ImagePath) => row.image_path = v,
            Some(Column::User) => row.user = v,
            Some(Column::CommandLine) => row.command_line = v,
            Some(Column::Integrity) => row.integrity = v,
            Some(Column::ParentPid) => row.parent_pid = v,
            None => {}
        }
    }
    (row.pid.is_some() && row.operation.is_some()).then_some(row)
}

/// A row without a header: tab-separated cells, or space-separated words, read by shape.
///
/// ```text
/// 11:56:47.3634292 remsh.exe 3076 4152 Process Create C:\Windows\system32\rundll32.exe SUCCESS PID: 1248,
/// ```
fn parse_row(text: &str) -> Option<Row> {
    // Cells with their byte spans; tab-separated cells are whole columns.
    let tabs = text.contains('\t');
    let cells: Vec<(usize, usize)> = if tabs {
        let mut v = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c == '\t' {
                v.push((start, i));
                start = i + 1;
            }
        }
        v.push((start, text.len()));
        v.into_iter().map(|(a, b)| trim_span(text, a, b)).collect()
    } else {
        let mut v = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    v.push((s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            v.push((s, text.len()));
        }
        v
    };
    let cell = |i: usize| cells.get(i).map(|&(a, b)| &text[a..b]);
    let span = |i: usize, j: usize| -> &str {
        if i >= j {
            return "";
        }
        &text[cells[i].0..cells[j - 1].1]
    };
    let max_window = if tabs { 1 } else { 4 };
    let mut i = 0;
    // Time of day, with a separate AM/PM word.
    let mut time = cell(0)?.to_string();
    i += 1;
    if let Some(m) =
        cell(1).filter(|m| m.eq_ignore_ascii_case("AM") || m.eq_ignore_ascii_case("PM"))
    {
        time = format!("{time} {m}");
        i += 1;
    }
    time_of_day(&time)?;
    // Process name up to the PID.
    let name_start = i;
    while i < cells.len() && !is_number(cell(i)?) {
        i += 1;
        if i - name_start > 8 {
            return None;
        }
    }
    if i == name_start {
        return None;
    }
    let process = span(name_start, i).to_string();
    let pid = cell(i)?.to_string();
    i += 1;
    let tid = match cell(i) {
        Some(t) if is_number(t) => {
            i += 1;
            Some(t.to_string())
        }
        _ => None,
    };
    // Operation: the longest known name of one to three words.
    let mut op_end = None;
    for w in (1..=max_window.min(3)).rev() {
        if i + w > cells.len() {
            continue;
        }
        let name = span(i, i + w);
        let plausible = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '<' | '>'));
        if i + w <= cells.len() && plausible && operation_class(name).is_some() {
            op_end = Some(i + w);
            break;
        }
    }
    let op_end = op_end?;
    let operation = span(i, op_end).to_string();
    // Result: the first known result after the operation.
    let mut found = None;
    'outer: for start in op_end..cells.len() {
        for w in (1..=max_window).rev() {
            if start + w > cells.len() {
                continue;
            }
            let candidate = span(start, start + w);
            let named = candidate
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b' ' || b.is_ascii_digit())
                || candidate.starts_with("0x")
                || candidate.starts_with("0X");
            if named && classify(candidate.as_bytes()).is_some() && !candidate.is_empty() {
                found = Some((start, start + w));
                break 'outer;
            }
        }
    }
    let (res_start, res_end) = found?;
    let path = span(op_end, res_start).to_string();
    let result = span(res_start, res_end).to_string();
    let detail = if res_end < cells.len() {
        text[cells[res_end].0..].trim().to_string()
    } else {
        String::new()
    };
    Some(Row {
        time: Some(time),
        process: Some(process),
        pid: Some(pid),
        tid,
        operation: Some(operation),
        path: Some(path),
        result: Some(result),
        detail: Some(detail),
        ..Default::default()
    })
}

fn trim_span(text: &str, a: usize, b: usize) -> (usize, usize) {
    let s = &text[a..b];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    (a + lead, (b - trail).max(a + lead))
}

fn is_number(t: &str) -> bool {
    !t.is_empty() && t.len() <= 10 && t.bytes().all(|b| b.is_ascii_digit())
}

/// The labels of the Event Properties copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PropertiesLabel {
    DateTime,
    Class,
    Operation,
    Result,
    Path,
    Tid,
    Duration,
    ProcessName,
    ProcessTab,
    CommandLine,
    Pid,
    ParentPid,
    User,
    Integrity,
}

/// `Key: value` (tab or spaces after the colon).
fn split_key(text: &str) -> Option<(&str, &str)> {
    let t = text.trim();
    let at = t.find(':')?;
    let key = t[..at].trim();
    if key.is_empty() || key.len() > 40 || key.contains('\\') {
        return None;
    }
    Some((key, t[at + 1..].trim()))
}

fn properties_label(text: &str) -> Option<(PropertiesLabel, &str)> {
    use PropertiesLabel as P;
    let (key, value) = split_key(text)?;
    let label = match key {
        "Date & Time" | "Date" => P::DateTime,
        "Event Class" | "Class" => P::Class,
        "Operation" => P::Operation,
        "Result" => P::Result,
        "Path" => P::Path,
        "TID" | "Thread" => P::Tid,
        "Duration" => P::Duration,
        "Name" => P::ProcessName,
        "Description" | "Company" | "Version" | "Session ID" | "Auth ID" | "Architecture"
        | "Virtualized" => P::ProcessTab,
        "Command Line" => P::CommandLine,
        "PID" => P::Pid,
        "Parent PID" => P::ParentPid,
        "User" => P::User,
        "Integrity" => P::Integrity,
        _ => return None,
    };
    Some((label, value))
}

/// The reader of Process Monitor rows copied as text, as registered in
/// [`crate::source::SOURCES`].
pub struct ProcmonTextSource;

impl Source for ProcmonTextSource {
    fn format(&self) -> Format {
        Format::ProcmonText
    }

    fn feeds(&self) -> Feeds {
        Feeds::Capture
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Local
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        detect_head(sniff.head, sniff.encoding).map(|_| Recognised::Probable)
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        let settings = CaptureSettings {
            keep: opening.keep,
            ..CaptureSettings::default()
        };
        Ok(Box::new(ProcmonTextParser::new(
            opening.reader()?,
            opening.encoding,
            opening.input,
            settings,
        )))
    }
}

impl<R: Read + Send> EventStream for ProcmonTextParser<R> {
    fn finish(self: Box<Self>) -> StreamSummary {
        let summary = self.describe();
        StreamSummary {
            lines: self.lines_read(),
            form: Some(summary.to_string()),
            notes: summary.notes,
            capture: Some(self.into_tally()),
            ..Default::default()
        }
    }
}

/// What [`detect_head`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcmonTextDetected {
    /// The form.
    pub form: ProcmonTextForm,
}

/// Recognise Process Monitor rows or an Event Properties copy in the first kilobytes: a line
/// read as a row (time, process, PID, a known operation, a known result), or a block with
/// `Date & Time:`, `Operation:` and `Result:`.
///
/// ```
/// use msitrace::source::procmon::text::{detect_head, ProcmonTextForm};
/// use msitrace::source::TextEncoding;
/// let head = "7:19:37.0147934 AM\tmsiexec.exe\t4242\tCreateFile\tC:\\Windows\\Temp\\x\tACCESS DENIED\tDesired Access: Generic Write\n";
/// assert_eq!(detect_head(head.as_bytes(), TextEncoding::Utf8).unwrap().form, ProcmonTextForm::Rows);
/// assert!(detect_head(b"12:00:00 lunch with the team\n", TextEncoding::Utf8).is_none());
/// ```
pub fn detect_head(head: &[u8], encoding: TextEncoding) -> Option<ProcmonTextDetected> {
    let mut reader = LineReader::new(head, encoding);
    let mut labels: Vec<PropertiesLabel> = Vec::new();
    let mut seen = 0;
    while let Ok(Some(line)) = reader.next_line() {
        seen += 1;
        if seen > 200 {
            break;
        }
        let text = line.text.trim_end();
        if starts_with_time(text) && parse_row(text).is_some() {
            return Some(ProcmonTextDetected {
                form: ProcmonTextForm::Rows,
            });
        }
        if let Some((l, _)) = properties_label(text) {
            if !labels.contains(&l) {
                labels.push(l);
            }
            let has = |l| labels.contains(&l);
            if has(PropertiesLabel::DateTime)
                && has(PropertiesLabel::Operation)
                && has(PropertiesLabel::Result)
            {
                return Some(ProcmonTextDetected {
                    form: ProcmonTextForm::Properties,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
