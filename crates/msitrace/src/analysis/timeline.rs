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

    /// The name of the event's kind (`msi_action`, `msi_message`, ...; [`crate::event::Kind::name`]).
    pub fn kind_name(&self) -> &'static str {
        self.event.kind.name()
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

/// The timeline in time order: each input keeps its own (line, record, row) order, and the inputs
/// are merged by aligned UTC time, so that a log with whole-second times does not jump around
/// its own lines. Events the clock could not place come last, by input.
pub fn in_time_order(timeline: &[TimelineEntry]) -> Vec<usize> {
    let mut by_input: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    for (i, t) in timeline.iter().enumerate() {
        by_input.entry(t.event.input).or_default().push(i);
    }
    let mut queues: Vec<(Vec<usize>, usize)> = by_input
        .into_values()
        .map(|mut v| {
            v.sort_by_key(|&i| timeline[i].event.at);
            (v, 0)
        })
        .collect();
    let mut order = Vec::with_capacity(timeline.len());
    loop {
        // The input whose next event is earliest; unaligned events wait until nothing else is left.
        let next = queues
            .iter()
            .enumerate()
            .filter_map(|(q, (v, at))| v.get(*at).map(|&i| (q, timeline[i].event.time.aligned)))
            .min_by_key(|&(q, t)| (t.is_none(), t, q));
        let Some((q, _)) = next else { break };
        let (v, at) = &mut queues[q];
        order.push(v[*at]);
        *at += 1;
    }
    order
}
