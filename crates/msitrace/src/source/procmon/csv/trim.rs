//! The keep limits applied to the ranges of one capture read apart ([`MergeTrim`]), range after
//! range in row order, as one reader would have applied them: each range kept up to the limits on
//! its own and described each process it saw, so the merge drops what is over.
//!
//! The trim runs on every kept event of a large capture, on the thread that merges: its keys are
//! small ids of interned names, so a kept event costs a few hash look-ups and no allocation
//! (but its path class, which is computed once per failing event).

use crate::event::{Event, Kind};
use crate::paths::NormalPath;
use crate::source::procmon::status::{classify, ResultClass};
use crate::source::procmon::{CaptureSettings, FastMap, FullKeys};
use crate::source::KeepPolicy;
use std::collections::HashSet;
use std::sync::Arc;

/// Interned names: each distinct text gets a small id, allocated once.
#[derive(Debug, Default)]
struct Names(FastMap<String, u32>);

impl Names {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.0.get(text) {
            return id;
        }
        let id = self.0.len() as u32;
        self.0.insert(text.to_string(), id);
        id
    }
}

/// The keep limits of [`CaptureSettings`] applied across the ranges of one capture, in order.
#[derive(Debug)]
pub(crate) struct MergeTrim {
    settings: CaptureSettings,
    names: Names,
    /// Processes described so far: (pid, parent).
    described: HashSet<(u32, Option<u32>)>,
    /// Probe samples kept per (process, operation, result).
    probes: FastMap<(u32, u32, u32), u32>,
    /// Failing rows kept per (process, operation, result, path class).
    failures: FastMap<(u32, u32, u32, u32), u32>,
    /// Kept rows dropped so far.
    dropped: u64,
    /// The keys filled so far, for the readers of the ranges still to come.
    full: Arc<FullKeys>,
}

impl MergeTrim {
    /// A trim with no range seen yet.
    pub(crate) fn new(settings: CaptureSettings) -> Self {
        MergeTrim {
            settings,
            names: Names::default(),
            described: HashSet::new(),
            probes: FastMap::default(),
            failures: FastMap::default(),
            dropped: 0,
            full: Arc::default(),
        }
    }

    /// The keys whose limit the ranges merged so far reached, filled as they are merged: the
    /// readers of the ranges after them need not keep rows under these keys.
    pub(crate) fn full_keys(&self) -> Arc<FullKeys> {
        Arc::clone(&self.full)
    }

    /// Kept rows dropped so far (to take off the tally's `kept`).
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Drop from the next range's events (in row order) what is over the limits, counting what
    /// the ranges before it kept.
    pub(crate) fn range(&mut self, events: &mut Vec<Event>) {
        if self.settings.keep == KeepPolicy::All {
            return;
        }
        events.retain(|e| self.keep(e));
    }

    fn keep(&mut self, e: &Event) -> bool {
        match &e.kind {
            Kind::ProcessInfo(p) => self.described.insert((p.pid, p.parent)),
            Kind::Operation(op) => {
                let process = e
                    .process
                    .as_ref()
                    .and_then(|p| p.image.as_deref())
                    .unwrap_or_default();
                let limit = match classify(op.result.as_bytes()) {
                    Some(ResultClass::Probe) => {
                        let key = (
                            self.names.id(process),
                            self.names.id(&op.name),
                            self.names.id(&op.result),
                        );
                        let n = self.probes.entry(key).or_default();
                        *n += 1;
                        if *n == self.settings.max_probe_samples {
                            self.full.fill_probe(process, &op.name, &op.result);
                        }
                        *n <= self.settings.max_probe_samples
                    }
                    Some(ResultClass::Failure) | None => {
                        // Every reader types a non-empty path into `target`; an empty one has
                        // none.
                        let class = match &op.target {
                            Some(t) => t.class(),
                            None => NormalPath::new(op.path.as_deref().unwrap_or("")).class(),
                        };
                        let key = (
                            self.names.id(process),
                            self.names.id(&op.name),
                            self.names.id(&op.result),
                            self.names.id(&class),
                        );
                        let n = self.failures.entry(key).or_default();
                        *n += 1;
                        if *n == self.settings.max_per_failure {
                            self.full
                                .fill_failure(process, &op.name, &op.result, &class);
                        }
                        *n <= self.settings.max_per_failure
                    }
                    _ => true,
                };
                self.dropped += u64::from(!limit);
                limit
            }
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::procmon::{row_event, RowText};

    fn op(row: u64, process: &str, result: &str, path: &str) -> Event {
        let text = RowText {
            time: Some("7:19:37.0147934 AM"),
            process: Some(process),
            pid: Some("8"),
            operation: Some("CreateFile"),
            path: Some(path),
            result: Some(result),
            detail: Some(""),
            ..Default::default()
        };
        row_event(&text, row, 0).unwrap()
    }

    fn rows(events: &[Event]) -> Vec<u64> {
        events
            .iter()
            .map(|e| match e.at {
                crate::event::Location::Row(n) => n,
                _ => 0,
            })
            .collect()
    }

    #[test]
    fn limits_count_across_ranges_in_order() {
        let settings = CaptureSettings {
            max_per_failure: 2,
            max_probe_samples: 1,
            ..Default::default()
        };
        let mut trim = MergeTrim::new(settings);
        let mut first = vec![
            op(1, "a.exe", "ACCESS DENIED", r"C:\Windows\x"),
            op(2, "a.exe", "NAME NOT FOUND", r"C:\Windows\x"),
            op(3, "a.exe", "ACCESS DENIED", r"C:\Windows\y"),
        ];
        trim.range(&mut first);
        assert_eq!(rows(&first), [1, 2, 3]);
        let mut second = vec![
            // A third denial under the same folder class is over the limit of 2.
            op(4, "a.exe", "ACCESS DENIED", r"C:\Windows\z"),
            // Another process, another key.
            op(5, "b.exe", "ACCESS DENIED", r"C:\Windows\z"),
            // A second probe sample of the same key is over the limit of 1.
            op(6, "a.exe", "NAME NOT FOUND", r"C:\other"),
            // Successes are never trimmed.
            op(7, "a.exe", "SUCCESS", r"C:\Windows\z"),
            // An empty path has a class too.
            op(8, "a.exe", "SHARING VIOLATION", ""),
        ];
        trim.range(&mut second);
        assert_eq!(rows(&second), [5, 7, 8]);
        assert_eq!(trim.dropped(), 2);
    }

    #[test]
    fn a_process_is_described_once() {
        let info = |row: u64, pid: u32| Event {
            time: crate::event::Stamp::none(),
            input: 0,
            at: crate::event::Location::Row(row),
            process: None,
            kind: Kind::from(crate::event::ProcessInfo {
                pid,
                parent: Some(4),
                name: None,
                image: None,
                command_line: None,
                user: None,
                integrity: None,
            }),
            raw: None,
        };
        let mut trim = MergeTrim::new(CaptureSettings::default());
        let mut first = vec![info(1, 8)];
        let mut second = vec![info(2, 8), info(3, 9)];
        trim.range(&mut first);
        trim.range(&mut second);
        assert_eq!(rows(&second), [3]);
        // Descriptions are not kept rows: nothing to take off the count.
        assert_eq!(trim.dropped(), 0);
    }

    #[test]
    fn keeping_everything_trims_nothing() {
        let settings = CaptureSettings {
            keep: KeepPolicy::All,
            max_per_failure: 1,
            ..Default::default()
        };
        let mut trim = MergeTrim::new(settings);
        let mut events = vec![
            op(1, "a.exe", "ACCESS DENIED", r"C:\x"),
            op(2, "a.exe", "ACCESS DENIED", r"C:\x"),
        ];
        trim.range(&mut events);
        assert_eq!(events.len(), 2);
    }
}
