//! The unified timeline: the events the analysis kept (the ones that can matter for a diagnosis),
//! in input and line order, each with its input path. Rendered one event a line by [`super::jsonl`]
//! and as the events table and timeline of [`super::html`].

use crate::event::{Event, Location, ReadTime};
use crate::rules::Subject;
use serde::Serialize;

/// One kept event and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    /// Input path (as shown in the report).
    pub path: String,
    /// The installer session it belongs to (index into the report's sessions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<usize>,
    /// The event, as the parsers produced it.
    #[serde(flatten)]
    pub event: Event,
}

impl TimelineEntry {
    /// The event's time as text (`2024-01-31 12:02:17.898`, or the time of day alone when the input
    /// has no date), for display.
    pub fn time_text(&self) -> Option<String> {
        match self.event.time.read {
            ReadTime::None => None,
            ReadTime::Local {
                date: Some(d),
                time,
            } => Some(format!("{d} {}", time.format("%H:%M:%S%.3f"))),
            ReadTime::Local { date: None, time } => Some(time.format("%H:%M:%S%.3f").to_string()),
            ReadTime::Utc { time: t } => Some(t.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string()),
        }
    }

    /// Milliseconds since midnight of the event's time of day (for drawing a timeline).
    pub fn millis_of_day(&self) -> Option<i64> {
        use chrono::Timelike;
        self.event.time.time_of_day().map(|t| {
            t.num_seconds_from_midnight() as i64 * 1000 + (t.nanosecond() / 1_000_000) as i64
        })
    }

    /// A short name of the event's kind (`msi_action`, `msi_message`, ...).
    pub fn kind_name(&self) -> String {
        serde_json::to_value(&self.event.kind)
            .ok()
            .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
            .unwrap_or_else(|| "text".into())
    }

    /// `path:line` (or `path record N`, `path row N`).
    pub fn place(&self) -> String {
        match self.event.at {
            Location::Line(n) => format!("{}:{n}", self.path),
            other => format!("{} {other}", self.path),
        }
    }
}

/// The kept events of the rule subjects, deduplicated, in input then location order.
pub fn collect(subjects: &[Subject<'_>], paths: &[String]) -> Vec<TimelineEntry> {
    let mut order: Vec<usize> = (0..subjects.len()).collect();
    order.sort_by_key(|&i| (subjects[i].event.input, subjects[i].event.at));
    order.dedup_by_key(|i| (subjects[*i].event.input, subjects[*i].event.at));
    order
        .into_iter()
        .map(|i| {
            let s = &subjects[i];
            TimelineEntry {
                path: paths
                    .get(s.event.input as usize)
                    .cloned()
                    .unwrap_or_default(),
                session: s.session,
                event: s.event.clone(),
            }
        })
        .collect()
}

/// Add events outside every installer session (Burn lines, later event-log records) to a timeline,
/// keeping input then location order and one entry per place.
/// The events are cloned when borrowed, moved when owned.
pub fn add<E: Into<Event>>(
    timeline: &mut Vec<TimelineEntry>,
    events: impl Iterator<Item = E>,
    paths: &[String],
) {
    timeline.extend(events.map(|e| {
        let event: Event = e.into();
        TimelineEntry {
            path: paths.get(event.input as usize).cloned().unwrap_or_default(),
            session: None,
            event,
        }
    }));
    timeline.sort_by_key(|t| (t.event.input, t.event.at));
    timeline.dedup_by_key(|t| (t.event.input, t.event.at));
}
