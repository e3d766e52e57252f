//! Facts about events that rules, the chain and the reports ask: the number an event carries,
//! its level as a word, its kind's name, its image and action, its lines of text, where it lies
//! relative to another event, and whether two events come from one process.

use super::{ActionPhase, BurnLevel, Event, Kind, Location, MessageLevel};
use chrono::Duration;
use std::cmp::Ordering;

impl Event {
    /// The process image: the event's process, or the image a process start names.
    pub fn image(&self) -> Option<&str> {
        self.process
            .as_ref()
            .and_then(|p| p.image.as_deref())
            .or(match &self.kind {
                Kind::ProcessStart(p) => p.image.as_deref(),
                _ => None,
            })
    }

    /// The action or custom action the event is about.
    pub fn action_name(&self) -> Option<&str> {
        match &self.kind {
            Kind::MsiAction { name, .. } => Some(name.as_str()),
            Kind::CustomActionResult { action, .. } => Some(action.as_str()),
            _ => None,
        }
    }

    /// The lines of text the event stands for, each with its location: the raw lines of a
    /// multi-line entry, the raw text on one line, or a one-line rendering.
    pub fn text_lines(&self) -> Vec<(Location, String)> {
        match (&self.raw, self.at) {
            (Some(_), Location::Line(_)) => self
                .raw_lines()
                .map(|(n, l)| (Location::Line(n), l.to_string()))
                .collect(),
            (Some(raw), at) => vec![(at, raw.replace(['\r', '\n'], " "))],
            (None, at) => vec![(at, self.one_line())],
        }
    }

    /// Where `other` lies relative to this event (`Greater`: after) and the time between them
    /// when known: aligned times, else local date and time, else (same input) the time of day.
    /// The order within one input is the order of the input; across inputs, that of the times.
    pub fn relation_to(&self, other: &Event) -> (Option<Ordering>, Option<Duration>) {
        let (a, b) = (self, other);
        let delta = match (a.time.aligned, b.time.aligned) {
            (Some(x), Some(y)) => Some(y - x),
            _ => match (a.time.local_datetime(), b.time.local_datetime()) {
                (Some(x), Some(y)) => Some(y - x),
                _ if a.input == b.input => match (a.time.time_of_day(), b.time.time_of_day()) {
                    (Some(x), Some(y)) => Some(y - x),
                    _ => None,
                },
                _ => None,
            },
        };
        let order = if a.input == b.input {
            a.at.position().zip(b.at.position()).map(|(x, y)| y.cmp(&x))
        } else {
            delta.map(|d| d.cmp(&Duration::zero()))
        };
        (order, delta)
    }

    /// Same process: equal PIDs, or for the truncated PIDs of MSI logs, equal on the hex digits kept.
    pub fn same_process(&self, other: &Event) -> bool {
        let (Some(x), Some(y)) = (&self.process, &other.process) else {
            return false;
        };
        if x.partial == y.partial {
            return x.pid == y.pid;
        }
        let (short, full) = if x.partial {
            (x.pid, y.pid)
        } else {
            (y.pid, x.pid)
        };
        let digits = format!("{short:X}").len().max(2) as u32;
        let mask = 16u64.pow(digits) - 1;
        u64::from(full) & mask == u64::from(short)
    }

    /// The number the event carries: a message number, a custom action's or an action's return
    /// value, an outcome status, an event id, a Burn message id, a process exit status. What a
    /// rule's `code` compares with.
    pub fn code(&self) -> Option<u32> {
        match &self.kind {
            Kind::MsiMessage(m) => Some(m.code),
            Kind::CustomActionResult { code, .. } => Some(*code),
            Kind::EngineReturn { code } => Some(*code),
            Kind::MsiOutcome(o) => Some(o.status),
            Kind::EventRecord(r) => Some(r.event_id),
            Kind::BurnMessage(b) => Some(b.id),
            Kind::MsiAction {
                phase: ActionPhase::End { return_value },
                ..
            } => Some(*return_value),
            Kind::ProcessExit { status, .. } => *status,
            _ => None,
        }
    }

    /// The level as a word (`error`, `warning`, `information`, ...), for events that have one.
    pub fn level_name(&self) -> Option<&'static str> {
        match &self.kind {
            Kind::MsiMessage(m) => Some(match m.level {
                MessageLevel::Error => "error",
                MessageLevel::Warning => "warning",
                MessageLevel::Info => "info",
                MessageLevel::Debug => "debug",
                MessageLevel::Internal => "internal",
                MessageLevel::Note => "note",
            }),
            Kind::EventRecord(r) => Some(match r.level {
                1 => "critical",
                2 => "error",
                3 => "warning",
                4 | 0 => "information",
                _ => "verbose",
            }),
            Kind::BurnMessage(b) => Some(match b.level {
                BurnLevel::Error => "error",
                BurnLevel::Warning => "warning",
                BurnLevel::Info => "info",
                BurnLevel::Debug => "debug",
                BurnLevel::Standard => "standard",
            }),
            _ => None,
        }
    }

    /// A one-line rendering of an event without raw text (event-log records, operations).
    pub fn one_line(&self) -> String {
        match &self.kind {
            Kind::EventRecord(r) => {
                let data: Vec<&str> = r.data.iter().filter_map(|d| d.value.as_deref()).collect();
                format!("{} {}: {}", r.provider, r.event_id, data.join(" | "))
            }
            Kind::Operation(o) => format!(
                "{} {} {} {}",
                o.name,
                o.path.as_deref().unwrap_or(""),
                o.result,
                o.detail
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Kind::ProcessStart(p) => format!(
                "Process start {} {}",
                p.image.as_deref().unwrap_or(""),
                p.command_line.as_deref().unwrap_or("")
            ),
            _ => String::new(),
        }
    }
}

impl Location {
    /// The number of the line, record, row or byte offset.
    pub fn position(self) -> Option<u64> {
        match self {
            Location::Line(n) | Location::Record(n) | Location::Row(n) | Location::Offset(n) => {
                Some(n)
            }
        }
    }
}

impl From<&Event> for Event {
    /// A copy of a borrowed event (for collections that take events owned or borrowed).
    fn from(event: &Event) -> Event {
        event.clone()
    }
}
