//! One row of an export as text ([`RowText`]) and the typed events it becomes.

use super::columns::Column;
use super::operation::{event_class, operation_class};
use super::status::{self, ReadResult, ResultClass};
use super::{clock, detail};
use crate::event::*;
use crate::paths::NormalPath;
use crate::source::SourceError;
use chrono::NaiveDate;

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

/// The raw text of a row as cited in evidence: the default columns, quoted as in the export.
fn raw_text(row: &RowText) -> String {
    let fields = [
        row.time,
        row.process,
        row.pid,
        row.operation,
        row.path,
        row.result,
        row.detail,
    ];
    let size: usize = fields.iter().flatten().map(|v| v.len() + 3).sum();
    let mut raw = String::with_capacity(size.min(MAX_RAW + 8));
    for v in fields.into_iter().flatten() {
        if !raw.is_empty() {
            raw.push(',');
        }
        raw.push('"');
        for (i, part) in v.split('"').enumerate() {
            if i > 0 {
                raw.push_str("\"\"");
            }
            raw.push_str(part);
        }
        raw.push('"');
        if raw.len() > MAX_RAW {
            raw = crate::text::cut(&raw, MAX_RAW).to_string();
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
        message: format!("expected a number, found {:?}", crate::text::cut(text, 40)),
    })
}

/// The date a capture's rows carry, or `None` when the export has no `Date & Time` column.
pub fn row_date(row: &RowText) -> Option<NaiveDate> {
    row.date_time.and_then(|t| clock::date_of(t).0)
}

/// Why the row's date needed a guess (an ambiguous `4/5/2020`), in the one wording of
/// [`crate::locale_date`].
pub fn row_date_note(row: &RowText) -> Option<String> {
    row.date_time.and_then(|t| clock::date_of(t).1)
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
                        crate::text::cut(t, 40)
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
                        format!("not a result: {:?}", crate::text::cut(result, 40)),
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
                    .map(|(k, v)| (k.to_string(), crate::text::cut(v, MAX_RAW).to_string()))
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
