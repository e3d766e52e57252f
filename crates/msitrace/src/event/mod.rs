//! The unified event model: every source parser turns its input into [`Event`]s.
//!
//! An event says *when* (as read, and later aligned to UTC by the clock module), *where* it was read
//! (input and [`Location`], so evidence can be cited), *who* (the [`ProcessRef`] when known) and
//! *what* (a typed [`Kind`]). The raw text stays reachable in [`Event::raw`].
//!
//! MSI and Burn logs fill the `Msi*`/`Burn*` kinds; event logs map onto [`Kind::EventRecord`];
//! Process Monitor rows map onto [`Kind::Operation`], [`Kind::ProcessStart`] and
//! [`Kind::ProcessExit`].

pub use crate::paths::{KnownFolder, NormalPath, PathSpace};

mod describe;
mod facts;
mod kind;
pub mod meaning;
mod payload;

pub use kind::*;
pub use payload::*;

pub use describe::{level_by_name, level_name};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// Index of an input in the analysis (see [`crate::analysis::InputReport::id`]).
pub type InputId = u32;

/// One thing that happened, read from one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened: as read, and aligned to UTC once the clock is known.
    pub time: Stamp,
    /// Which input it was read from.
    pub input: InputId,
    /// Where in that input (line, record id or row), for citing evidence.
    pub at: Location,
    /// The process that produced it, where the source says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<ProcessRef>,
    /// What happened, typed.
    pub kind: Kind,
    /// The text as read (decoded). Multi-line entries keep their continuation lines, separated by
    /// `\n`; line `i` of the raw text is at line `at + i` of the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

impl Event {
    /// The lines of the raw text with their line numbers (for text inputs).
    ///
    /// ```
    /// use msitrace::event::{Event, Kind, Location, Stamp};
    /// let e = Event {
    ///     time: Stamp::none(), input: 0, at: Location::Line(10), process: None,
    ///     kind: Kind::Text, raw: Some("first\nsecond".into()),
    /// };
    /// let lines: Vec<_> = e.raw_lines().collect();
    /// assert_eq!(lines, vec![(10, "first"), (11, "second")]);
    /// ```
    pub fn raw_lines(&self) -> impl Iterator<Item = (u64, &str)> {
        let first = match self.at {
            Location::Line(n) => n,
            _ => 0,
        };
        self.raw
            .as_deref()
            .unwrap_or("")
            .split('\n')
            .enumerate()
            .map(move |(i, l)| (first + i as u64, l))
    }

    /// The first line of the raw text (the entry's own line, without continuations).
    pub fn first_line(&self) -> &str {
        let raw = self.raw.as_deref().unwrap_or("");
        match memchr::memchr(b'\n', raw.as_bytes()) {
            Some(at) => &raw[..at],
            None => raw,
        }
    }
}

/// A time as read from the input, plus the UTC time once aligned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stamp {
    /// The time as the input wrote it.
    pub read: ReadTime,
    /// The same instant in UTC, filled by clock alignment (or directly for UTC sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aligned: Option<DateTime<Utc>>,
}

impl Stamp {
    /// An event without any time (e.g. a continuation-only entry).
    pub fn none() -> Self {
        Stamp {
            read: ReadTime::None,
            aligned: None,
        }
    }

    /// A local wall-clock time, with its date when known.
    pub fn local(date: Option<NaiveDate>, time: NaiveTime) -> Self {
        Stamp {
            read: ReadTime::Local { date, time },
            aligned: None,
        }
    }

    /// A UTC instant (event logs); already aligned.
    pub fn utc(t: DateTime<Utc>) -> Self {
        Stamp {
            read: ReadTime::Utc { time: t },
            aligned: Some(t),
        }
    }

    /// The local date and time, when both are known.
    pub fn local_datetime(&self) -> Option<NaiveDateTime> {
        match self.read {
            ReadTime::Local {
                date: Some(d),
                time,
            } => Some(d.and_time(time)),
            _ => None,
        }
    }

    /// The time of day as read, if any.
    pub fn time_of_day(&self) -> Option<NaiveTime> {
        match self.read {
            ReadTime::Local { time, .. } => Some(time),
            ReadTime::Utc { time } => Some(time.time()),
            ReadTime::None => None,
        }
    }
}

/// How an input wrote the time of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadTime {
    /// No time on this entry.
    None,
    /// Local wall-clock time of the machine; the date may be unknown (date-less inputs).
    Local {
        /// Calendar date, when the input gives or implies one.
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<NaiveDate>,
        /// Time of day (precision as read: milliseconds for MSI, 100 ns for ProcMon).
        time: NaiveTime,
    },
    /// A UTC instant (EVTX). A struct variant so the internally tagged form serialises
    /// (`{"kind": "utc", "time": "..."}`).
    Utc {
        /// The instant.
        time: DateTime<Utc>,
    },
}

/// Where an event was read, so a person can open the input at that place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// 1-based line of a text log.
    Line(u64),
    /// Event-log record id.
    Record(u64),
    /// 1-based data row of a CSV export (the header is row 0).
    Row(u64),
    /// Byte offset, for binary inputs without records.
    Offset(u64),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Line(n) => write!(f, "{n}"),
            Location::Record(n) => write!(f, "record {n}"),
            Location::Row(n) => write!(f, "row {n}"),
            Location::Offset(n) => write!(f, "offset {n:#x}"),
        }
    }
}

/// The process an event belongs to.
///
/// MSI logs print only the low bits of PID and TID in hex (`MSI (s) (18:F4)`); those are kept as
/// read in `pid`/`tid` with `partial` set, for later correlation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessRef {
    /// Process id (possibly only its low bits, see `partial`).
    pub pid: u32,
    /// Thread id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tid: Option<u32>,
    /// Image name (e.g. `msiexec.exe`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// True when `pid`/`tid` are truncated values (MSI logs).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// The role the process plays in the install, when the source says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<ProcessRole>,
}

/// The role of a process in an installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessRole {
    /// The Windows Installer client (`MSI (c)`): UI and the calling process side.
    InstallerClient,
    /// The Windows Installer service side (`MSI (s)`), where the install script runs.
    InstallerServer,
    /// A nested install (`MSI (N)`).
    NestedInstall,
    /// A custom action server (`MSI (a)`).
    CustomActionServer,
}
