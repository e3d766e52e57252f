//! The events that may fill one later step of a sequence rule, found once per rule and step.
//!
//! Without an index, every partial match scans every event for the next step: quadratic on a
//! capture where thousands of anchors never complete. Here each step's matching events are found
//! in one pass, grouped by what the step must share with the step before (input, session,
//! product), and sorted by time within each group, so the events inside a window are found by
//! binary search. The engine still checks every candidate in full ([`super::engine`]'s
//! `related`), so the index only has to return a superset of the events that can follow, in
//! the order of the subjects (the first fitting event wins, as in a plain scan).

use super::engine::{Prefilter, Subject};
use super::matching::{match_event, Texts};
use super::model::{Scope, Step};
use crate::event::Location;
use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Utc};
use std::borrow::Cow;
use std::collections::HashMap;

/// One event that matches a step's conditions, with what it captured.
pub(super) struct Candidate {
    /// Index of the subject.
    pub subject: usize,
    /// Where the matching line is.
    pub at: Location,
    /// The matching line.
    pub text: String,
    /// Captured values, in the order the matcher found them.
    pub caps: Vec<(String, String)>,
}

/// What a step's events must share with the previous step's event, as far as it is an equality.
/// (`same = "process"` is not one: partial MSI-log PIDs match full ones on their kept digits.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct GroupKey {
    input: Option<u32>,
    session: Option<usize>,
    product: Option<String>,
}

/// The candidates of one key: in subject order, and sorted by each kind of time they all have.
#[derive(Default)]
struct Group {
    /// Candidate indexes, in subject order.
    members: Vec<usize>,
    /// By aligned time, when every member has one.
    aligned: Option<Vec<(DateTime<Utc>, usize)>>,
    /// By local date and time, when every member has one.
    local: Option<Vec<(NaiveDateTime, usize)>>,
    /// By time of day, per input (members without one can never be in a window).
    time_of_day: HashMap<u32, Vec<(NaiveTime, usize)>>,
}

/// The candidates of one step, grouped and sorted.
pub(super) struct StepCandidates {
    /// Every matching event, in subject order.
    pub list: Vec<Candidate>,
    groups: HashMap<GroupKey, Group>,
}

/// The group a subject belongs to for a step; `None` when it cannot share what the step asks.
fn key_of(step: &Step, s: &Subject<'_>) -> Option<GroupKey> {
    let mut key = GroupKey {
        input: None,
        session: None,
        product: None,
    };
    for scope in &step.same {
        match scope {
            Scope::Input => key.input = Some(s.event.input),
            Scope::Session => key.session = Some(s.session?),
            Scope::Product => key.product = Some(s.product?.to_ascii_lowercase()),
            Scope::Process => {}
        }
    }
    Some(key)
}

/// The entries of a time-sorted list whose offset from the previous event lies in `lo..=hi`.
fn window<K: Copy>(
    sorted: &[(K, usize)],
    offset: impl Fn(K) -> Duration,
    lo: Duration,
    hi: Duration,
) -> impl Iterator<Item = usize> + '_ {
    let start = sorted.partition_point(|(k, _)| offset(*k) < lo);
    let end = sorted.partition_point(|(k, _)| offset(*k) <= hi);
    sorted[start..end.max(start)].iter().map(|(_, i)| *i)
}

impl StepCandidates {
    /// Find the events of `step` among the subjects (one pass) and index them.
    pub fn build(
        step: &Step,
        subjects: &[Subject<'_>],
        texts: &Texts,
        prefilter: &Prefilter,
    ) -> Self {
        let mut list = Vec::new();
        let mut groups: HashMap<GroupKey, Group> = HashMap::new();
        for j in prefilter.admitted(&step.matcher) {
            let s = &subjects[j];
            let Some(key) = key_of(step, s) else {
                continue;
            };
            let Some((at, text, caps)) = match_event(&step.matcher, s, texts, j) else {
                continue;
            };
            groups.entry(key).or_default().members.push(list.len());
            list.push(Candidate {
                subject: j,
                at,
                text,
                caps,
            });
        }
        if step.within.is_some() {
            for group in groups.values_mut() {
                group.sort_by_time(&list, subjects);
            }
        }
        StepCandidates { list, groups }
    }

    /// The candidates worth trying after `prev`, in subject order: every one that can be
    /// related to it (and maybe some that cannot).
    pub fn around(&self, step: &Step, prev: &Subject<'_>) -> Cow<'_, [usize]> {
        let Some(group) = key_of(step, prev).and_then(|k| self.groups.get(&k)) else {
            return Cow::Borrowed(&[]);
        };
        let Some(within) = step.within else {
            return Cow::Borrowed(&group.members);
        };
        let (lo, hi) = if step.any_order {
            (-within, within)
        } else {
            (Duration::zero(), within)
        };
        let time = &prev.event.time;
        // The kind of time the relation of two events uses is the best both have (see
        // `Event::relation_to`); a list is used only when it is that kind for every member.
        let mut found: Vec<usize> = match (time.aligned, time.local_datetime()) {
            (Some(t), _) => match &group.aligned {
                Some(v) => window(v, |k| k - t, lo, hi).collect(),
                None => return Cow::Borrowed(&group.members),
            },
            (None, Some(t)) => match &group.local {
                Some(v) => window(v, |k| k - t, lo, hi).collect(),
                None => return Cow::Borrowed(&group.members),
            },
            (None, None) => match (time.time_of_day(), group.time_of_day.get(&prev.event.input)) {
                (Some(t), Some(v)) => window(v, |k| k - t, lo, hi).collect(),
                // No time at all, or none in this input: no window can be measured.
                _ => Vec::new(),
            },
        };
        found.sort_unstable();
        Cow::Owned(found)
    }
}

impl Group {
    fn sort_by_time(&mut self, list: &[Candidate], subjects: &[Subject<'_>]) {
        let time = |i: usize| &subjects[list[i].subject].event.time;
        let mut aligned: Option<Vec<_>> = self
            .members
            .iter()
            .map(|&i| time(i).aligned.map(|t| (t, i)))
            .collect();
        let mut local: Option<Vec<_>> = self
            .members
            .iter()
            .map(|&i| time(i).local_datetime().map(|t| (t, i)))
            .collect();
        if let Some(v) = aligned.as_mut() {
            v.sort_unstable();
        }
        if let Some(v) = local.as_mut() {
            v.sort_unstable();
        }
        for &i in &self.members {
            if let Some(t) = time(i).time_of_day() {
                let input = subjects[list[i].subject].event.input;
                self.time_of_day.entry(input).or_default().push((t, i));
            }
        }
        for v in self.time_of_day.values_mut() {
            v.sort_unstable();
        }
        self.aligned = aligned;
        self.local = local;
    }
}
