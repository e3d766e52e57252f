//! The columns of a Process Monitor export, by their English header names.

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
