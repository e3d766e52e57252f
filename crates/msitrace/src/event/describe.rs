//! One line of text for any event, for listings and tables (`msitrace events`, the HTML events
//! table): the raw line when the input has one, else words built from the typed kind (event-log
//! records, processes a capture describes). Log text stays untrusted: renderers escape it.

use super::{Event, Kind};

impl Event {
    /// One line describing the event: its raw first line, or for events read without a line of
    /// text (event-log records, processes of a capture), a summary of the typed data.
    ///
    /// ```
    /// use msitrace::event::{Event, Kind, Location, Stamp};
    /// let e = Event {
    ///     time: Stamp::none(), input: 0, at: Location::Line(3), process: None,
    ///     kind: Kind::Text, raw: Some("Action start 14:02:11: INSTALL.\nmore".into()),
    /// };
    /// assert_eq!(e.describe(), "Action start 14:02:11: INSTALL.");
    /// ```
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::EventRecord(r) => {
                let mut s = format!("{} {}", level_name(r.level), r.summary_line());
                if let Some(what) = r.meaning.as_deref().and_then(|m| {
                    serde_json::to_value(m)
                        .ok()
                        .and_then(|v| v.get("what")?.as_str().map(str::to_string))
                }) {
                    s.push_str(&format!(" ({what})"));
                }
                s
            }
            Kind::ProcessInfo(p) => {
                let mut s = format!(
                    "process {} (PID {}",
                    p.name.as_deref().or(p.image.as_deref()).unwrap_or("?"),
                    p.pid
                );
                if let Some(parent) = p.parent {
                    s.push_str(&format!(", parent {parent}"));
                }
                s.push(')');
                if let Some(c) = p.command_line.as_deref().filter(|c| !c.is_empty()) {
                    s.push_str(": ");
                    s.push_str(c);
                }
                s
            }
            _ => {
                let line = self.first_line().trim();
                if line.is_empty() {
                    "(no text)".to_string()
                } else {
                    line.to_string()
                }
            }
        }
    }
}

/// The name of an event-log level: 1 `critical`, 2 `error`, 3 `warning`, 4 `information`,
/// 5 `verbose`, 0 `always` (shown as information by Event Viewer).
pub fn level_name(level: u8) -> &'static str {
    match level {
        0 => "always",
        1 => "critical",
        2 => "error",
        3 => "warning",
        4 => "information",
        5 => "verbose",
        _ => "level?",
    }
}

/// The level of an event-log level name or number (`error`, `Warning`, `2`).
///
/// ```
/// use msitrace::event::level_by_name;
/// assert_eq!(level_by_name("Error"), Some(2));
/// assert_eq!(level_by_name("info"), Some(4));
/// assert_eq!(level_by_name("3"), Some(3));
/// assert_eq!(level_by_name("loud"), None);
/// ```
pub fn level_by_name(name: &str) -> Option<u8> {
    let n = name.trim().to_ascii_lowercase();
    match n.as_str() {
        "critical" | "crit" => Some(1),
        "error" | "err" => Some(2),
        "warning" | "warn" => Some(3),
        "information" | "info" => Some(4),
        "verbose" => Some(5),
        _ => n.parse().ok().filter(|l| *l <= 5),
    }
}
