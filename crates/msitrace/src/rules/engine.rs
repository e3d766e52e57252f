//! Rule evaluation over the events an analysis kept.
//!
//! The analysis hands over [`Subject`]s: each kept event with what is known around it (its input,
//! source family, installer session, whether it lies inside the failing action, the product).
//! [`evaluate`] returns every [`RuleMatch`]: the events of each step with the line that matched,
//! and the values captured for the summary.

use super::candidates::StepCandidates;
use super::matching::{match_event, Captured, Texts, WordIndex};
use super::model::{Matcher, Rule, RulePack, Scope, SourceClass, Step};
use super::template::fill;
pub use super::template::fill_known;
use crate::event::{Event, Location};
use chrono::Duration;
use rayon::prelude::*;
use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

/// One kept event as the rules see it.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    /// The event.
    pub event: &'a Event,
    /// Its source family.
    pub source: SourceClass,
    /// The installer session it belongs to (index into the report's sessions).
    pub session: Option<usize>,
    /// True when it lies inside the failing action of its session.
    pub in_failing_action: bool,
    /// The product being installed, when known.
    pub product: Option<&'a str>,
}

/// The event that matched one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepHit {
    /// Index of the subject in the slice given to [`evaluate`].
    pub subject: usize,
    /// Where the matching line is (the line itself for multi-line entries).
    pub at: Location,
    /// The matching line or a one-line rendering of the event.
    pub text: String,
}

/// A rule that matched: its events and captured values.
#[derive(Debug, Clone)]
pub struct RuleMatch<'r> {
    /// The rule.
    pub rule: &'r Rule,
    /// One hit per step, in step order.
    pub hits: Vec<StepHit>,
    /// Captured values: the built-in ones (`code`, `path`, ...) and the regexes' named groups.
    pub captures: BTreeMap<String, String>,
}

impl RuleMatch<'_> {
    /// The rule's summary with the captured values filled in (unknown ones are left as `?`).
    ///
    /// ```
    /// use msitrace::rules::{builtin, evaluate, Subject};
    /// use msitrace::rules::model::SourceClass;
    /// use msitrace::source::msilog::MsiLogParser;
    /// let log = "Error 1920. Service 'Contoso Agent' (ContosoAgent) failed to start.  Verify that you have sufficient privileges to start system services.\r\n";
    /// let events: Vec<_> = MsiLogParser::from_bytes(log.as_bytes()).map(Result::unwrap).collect();
    /// let subjects: Vec<_> = events.iter().map(|e| Subject {
    ///     event: e, source: SourceClass::MsiLog, session: Some(0), in_failing_action: true, product: None,
    /// }).collect();
    /// let found = evaluate(builtin(), &subjects);
    /// let m = found.iter().find(|m| m.rule.id == "msi.service.start-failed").unwrap();
    /// assert!(m.summary().contains("ContosoAgent"));
    /// ```
    pub fn summary(&self) -> String {
        fill(&self.rule.summary, &self.captures)
    }
}

/// Every match of every rule. A rule matches at most once per session (or per input for events
/// outside sessions): the earliest anchor wins, later ones repeat the same finding.
pub fn evaluate<'r>(pack: &'r RulePack, subjects: &[Subject<'_>]) -> Vec<RuleMatch<'r>> {
    evaluate_rules(pack.rules.iter(), subjects)
}

/// [`evaluate`] over any list of rules (e.g. the built-in pack with a user pack's overrides).
///
/// The events of each later step are found once per rule and indexed by what they must share
/// and by time ([`super::candidates`]), so a partial match looks only at the events that can
/// follow it: O(n log n) per rule however many anchors never complete.
pub fn evaluate_rules<'r>(
    rules: impl IntoIterator<Item = &'r Rule>,
    subjects: &[Subject<'_>],
) -> Vec<RuleMatch<'r>> {
    let rules: Vec<&'r Rule> = rules.into_iter().collect();
    let texts = Texts::new(subjects.len());
    // The literals of the subjects are found up front, spread over the threads (see
    // `Prefilter::new`); the rules are then independent, and spread over the threads too, in
    // rule order.
    let prefilter = Prefilter::new(&rules, subjects, &texts);
    let out: Vec<RuleMatch<'r>> = rules
        .par_iter()
        .map(|&rule| rule_matches(rule, subjects, &texts, &prefilter))
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    #[cfg(any(test, feature = "internals"))]
    super::oracle::compare(&rules, subjects, &out);
    out
}

/// The start of a match: the event that matched the first step (subject `i`), and what it
/// captured, with its text as `text1`.
pub(super) fn first_hit(i: usize, hit: Captured) -> (Vec<StepHit>, BTreeMap<String, String>) {
    let (at, text, caps) = hit;
    let mut captures = BTreeMap::new();
    captures.insert("text1".to_string(), text.trim().to_string());
    captures.extend(caps);
    let hits = vec![StepHit {
        subject: i,
        at,
        text,
    }];
    (hits, captures)
}

/// The matches of one rule, at most one per session (or per input outside sessions).
fn rule_matches<'r>(
    rule: &'r Rule,
    subjects: &[Subject<'_>],
    texts: &Texts,
    prefilter: &Prefilter,
) -> Vec<RuleMatch<'r>> {
    let mut out = Vec::new();
    let later: Vec<OnceCell<StepCandidates>> =
        rule.steps.iter().skip(1).map(|_| OnceCell::new()).collect();
    let first = &rule.steps[0].matcher;
    let mut done: HashSet<(u32, Option<usize>)> = HashSet::new();
    // The cheap conditions first: most events are of another kind.
    for i in prefilter.admitted(first) {
        let s = &subjects[i];
        let key = (s.event.input, s.session);
        if done.contains(&key) {
            continue;
        }
        let Some(hit) = match_event(first, s, texts, i) else {
            continue;
        };
        let (mut hits, mut captures) = first_hit(i, hit);
        let mut sequence = Sequence {
            steps: &rule.steps[1..],
            later: &later,
            subjects,
            texts,
            prefilter,
        };
        if sequence.follow(0, &mut hits, &mut captures) {
            done.insert(key);
            out.push(RuleMatch {
                rule,
                hits,
                captures,
            });
        }
    }
    out
}

/// The later steps of one rule and the index of their events.
struct Sequence<'s, 'a> {
    steps: &'s [Step],
    later: &'s [OnceCell<StepCandidates>],
    subjects: &'s [Subject<'a>],
    texts: &'s Texts,
    prefilter: &'s Prefilter,
}

/// The subjects a step can match, found without trying each: by source family and event kind
/// (most rules ask for one or two kinds, and most kept events are of others), and by the
/// `contains` literals (one search per subject for the literals of every rule, instead of one per
/// rule, literal and line).
pub(super) struct Prefilter {
    /// The subject indexes of each source family and kind name (a few dozen pairs at most).
    groups: Vec<((SourceClass, &'static str), Vec<usize>)>,
    /// Each subject's group (index into `groups`).
    group_of: Vec<u16>,
    /// Number of subjects.
    len: usize,
    words: WordIndex,
}

impl Prefilter {
    /// The prefilter of `rules` over `subjects`, with the literals of every subject a rule can
    /// ask about already found (`texts` makes the lines of subjects without raw text).
    pub(super) fn new(rules: &[&Rule], subjects: &[Subject<'_>], texts: &Texts) -> Self {
        let mut groups: Vec<((SourceClass, &'static str), Vec<usize>)> = Vec::new();
        let mut group_of = Vec::with_capacity(subjects.len());
        for (i, s) in subjects.iter().enumerate() {
            let pair = (s.source, s.event.kind.name());
            match groups.iter_mut().position(|(p, _)| *p == pair) {
                Some(g) => {
                    groups[g].1.push(i);
                    group_of.push(g as u16);
                }
                None => {
                    group_of.push(groups.len() as u16);
                    groups.push((pair, vec![i]));
                }
            }
        }
        let mut words = WordIndex::new(rules);
        // The matchers the literal index can rule subjects out for, and the groups they admit.
        let asking: Vec<&Matcher> = rules
            .iter()
            .flat_map(|r| &r.steps)
            .map(|step| &step.matcher)
            .filter(|m| words.ids(m).is_some())
            .collect();
        let asked: Vec<bool> = groups
            .iter()
            .map(|((source, kind), _)| asking.iter().any(|m| m.admits_kind(*source, kind)))
            .collect();
        words.find_all(subjects, texts, |i| asked[usize::from(group_of[i])]);
        Prefilter {
            groups,
            group_of,
            len: subjects.len(),
            words,
        }
    }

    /// The subjects `m` may match (a superset of those it matches), in subject order.
    pub(super) fn admitted(&self, m: &Matcher) -> Vec<usize> {
        let mut found: Vec<usize> = if m.sources.is_empty() && m.kinds.is_empty() {
            (0..self.len).collect()
        } else {
            let admits: Vec<bool> = self
                .groups
                .iter()
                .map(|((source, kind), _)| m.admits_kind(*source, kind))
                .collect();
            let admitted = || {
                self.groups
                    .iter()
                    .zip(&admits)
                    .filter(|(_, &admits)| admits)
            };
            let total: usize = admitted().map(|((_, members), _)| members.len()).sum();
            if admits.iter().filter(|&&a| a).count() <= 1 {
                // One kind's members are in subject order already.
                admitted()
                    .flat_map(|((_, members), _)| members.iter().copied())
                    .collect()
            } else if total * 4 >= self.len {
                // Most subjects: one pass over them in order is cheaper than merging.
                (0..self.len)
                    .filter(|&i| admits[usize::from(self.group_of[i])])
                    .collect()
            } else {
                let mut found: Vec<usize> = admitted()
                    .flat_map(|((_, members), _)| members.iter().copied())
                    .collect();
                // Runs in order, one per kind: a stable sort merges them.
                found.sort();
                found
            }
        };
        if let Some(ids) = self.words.ids(m) {
            found.retain(|&i| self.words.holds_any(&ids, i));
        }
        found
    }
}

impl Sequence<'_, '_> {
    /// Extend a partial match through steps `from..` (the first fitting event for each, in
    /// subject order, trying the next one when the rest cannot follow).
    fn follow(
        &mut self,
        from: usize,
        hits: &mut Vec<StepHit>,
        captures: &mut BTreeMap<String, String>,
    ) -> bool {
        let Some(step) = self.steps.get(from) else {
            return true;
        };
        let (subjects, texts) = (self.subjects, self.texts);
        let prefilter = self.prefilter;
        let index = self.later[from]
            .get_or_init(|| StepCandidates::build(step, subjects, texts, prefilter));
        let prev = &subjects[hits.last().expect("a first hit").subject];
        for &c in index.around(step, prev).iter() {
            let candidate = &index.list[c];
            let j = candidate.subject;
            if hits.iter().any(|h| h.subject == j) || !related(step, prev, &subjects[j]) {
                continue;
            }
            if !agrees(step, captures, &candidate.caps) {
                continue;
            }
            let mut trial_caps = captures.clone();
            trial_caps.insert(
                format!("text{}", hits.len() + 1),
                candidate.text.trim().to_string(),
            );
            for (n, v) in &candidate.caps {
                trial_caps.entry(n.clone()).or_insert_with(|| v.clone());
            }
            hits.push(StepHit {
                subject: j,
                at: candidate.at,
                text: candidate.text.clone(),
            });
            if self.follow(from + 1, hits, &mut trial_caps) {
                *captures = trial_caps;
                return true;
            }
            hits.pop();
        }
        false
    }
}

/// `name` or `earlier=this`: an earlier capture must equal (ignoring case) one of this event's.
pub(super) fn agrees(
    step: &Step,
    captures: &BTreeMap<String, String>,
    caps: &[(String, String)],
) -> bool {
    step.equal.iter().all(|pair| {
        let (earlier, this) = pair.split_once('=').unwrap_or((pair, pair));
        let new = caps.iter().find(|(n, _)| n == this).map(|(_, v)| v);
        match (captures.get(earlier), new) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        }
    })
}

/// Whether `next` may be the event of `step` after `prev`: order, window and shared scope.
pub(super) fn related(step: &Step, prev: &Subject<'_>, next: &Subject<'_>) -> bool {
    for scope in &step.same {
        let same = match scope {
            Scope::Input => prev.event.input == next.event.input,
            Scope::Session => prev.session.is_some() && prev.session == next.session,
            Scope::Product => match (prev.product, next.product) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            },
            Scope::Process => crate::event::Event::same_process(prev.event, next.event),
        };
        if !same {
            return false;
        }
    }
    let (order, delta) = prev.event.relation_to(next.event);
    if !step.any_order && order == Some(Ordering::Less) {
        return false;
    }
    match step.within {
        None => true,
        Some(window) => match delta {
            Some(d) if step.any_order => d.abs() <= window,
            Some(d) => d >= Duration::zero() && d <= window,
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{
        EventData, EventRecord, Kind, Operation, OperationClass, ProcessRef, Stamp,
    };
    use crate::rules::RulePack;
    use chrono::{NaiveDate, NaiveTime};

    fn at(h: u32, m: u32, s: u32) -> Stamp {
        Stamp::local(
            NaiveDate::from_ymd_opt(2026, 3, 1),
            NaiveTime::from_hms_opt(h, m, s).unwrap(),
        )
    }

    fn text(input: u32, line: u64, time: Stamp, raw: &str) -> Event {
        Event {
            time,
            input,
            at: Location::Line(line),
            process: None,
            kind: Kind::Text,
            raw: Some(raw.to_string()),
        }
    }

    fn op(row: u64, time: Stamp, pid: u32, path: &str, result: &str) -> Event {
        Event {
            time,
            input: 1,
            at: Location::Row(row),
            process: Some(ProcessRef {
                pid,
                tid: None,
                image: Some("msiexec.exe".into()),
                partial: false,
                role: None,
            }),
            kind: Kind::from(Operation {
                class: OperationClass::File,
                name: "CreateFile".into(),
                path: Some(path.into()),
                target: None,
                result: result.into(),
                status: None,
                detail: vec![],
                stack: vec![],
            }),
            raw: None,
        }
    }

    fn subjects(events: &[Event]) -> Vec<Subject<'_>> {
        events
            .iter()
            .map(|e| Subject {
                event: e,
                source: if e.input == 1 {
                    SourceClass::Procmon
                } else {
                    SourceClass::MsiLog
                },
                session: (e.input == 0).then_some(0),
                in_failing_action: false,
                product: None,
            })
            .collect()
    }

    const SEQ: &str = r#"
[[rule]]
id = "t.seq"
title = "t"
category = "c"
summary = "{image} denied on {path}, then: {text2}"
[rule.match]
kind = "operation"
result = "ACCESS DENIED"
path = '%TEMP%\**'
[[rule.then]]
kind = "text"
text = 'Error (?P<err>250[23])'
within = "2m"
"#;

    #[test]
    fn sequence_across_inputs_within_window() {
        let pack = RulePack::parse("t", SEQ).unwrap();
        let events = vec![
            op(
                7,
                at(10, 0, 0),
                4242,
                r"C:\Windows\Temp\x.tmp",
                "ACCESS DENIED",
            ),
            text(
                0,
                30,
                at(10, 0, 30),
                "MSI (s) (AA:BB) [10:00:30:000]: Error 2503.",
            ),
        ];
        let found = evaluate(&pack, &subjects(&events));
        assert_eq!(found.len(), 1);
        let m = &found[0];
        assert_eq!(m.hits[1].at, Location::Line(30));
        assert_eq!(m.captures["err"], "2503");
        assert_eq!(
            m.summary(),
            r"msiexec.exe denied on C:\Windows\Temp\x.tmp, then: MSI (s) (AA:BB) [10:00:30:000]: Error 2503."
        );
    }

    #[test]
    fn literals_and_kinds_rule_out_only_subjects_that_cannot_match() {
        let pack = RulePack::parse(
            "t",
            r#"
[[rule]]
id = "t.denied"
title = "t"
category = "c"
summary = "{text}"
[rule.match]
source = "msilog"
contains = "access is denied"

[[rule]]
id = "t.disk"
title = "t"
category = "c"
summary = "{text}"
[rule.match]
kind = "text"
contains = ["disk full", "0x80070070"]

[[rule]]
id = "t.denied.op"
title = "t"
category = "c"
summary = "{text}"
[rule.match]
kind = "operation"
result = "ACCESS DENIED"
[[rule.then]]
source = "msilog"
contains = "STEP TWO"
"#,
        )
        .unwrap();
        let events = vec![
            // A literal split by a line break is on no line: no match.
            text(0, 10, at(10, 0, 0), "Access is\ndenied"),
            // In another case, on a continuation line: a match at that line.
            text(0, 20, at(10, 0, 1), "CA output\nERROR: ACCESS IS DENIED."),
            text(2, 5, at(10, 0, 2), "write failed: 0X80070070"),
            op(7, at(10, 0, 3), 1, r"C:\x", "ACCESS DENIED"),
            text(0, 30, at(10, 0, 4), "then step two"),
        ];
        let subjects = subjects(&events);
        let found = evaluate(&pack, &subjects);
        let hits: Vec<(&str, Vec<Location>)> = found
            .iter()
            .map(|m| (m.rule.id.as_str(), m.hits.iter().map(|h| h.at).collect()))
            .collect();
        assert_eq!(
            hits,
            vec![
                ("t.denied", vec![Location::Line(21)]),
                ("t.disk", vec![Location::Line(5)]),
                ("t.denied.op", vec![Location::Row(7), Location::Line(30)]),
            ]
        );
        let rules: Vec<&Rule> = pack.rules.iter().collect();
        let plain = super::super::oracle::evaluate_plain(&rules, &subjects);
        let show = |m: &[RuleMatch<'_>]| -> Vec<String> {
            m.iter()
                .map(|m| format!("{} {:?}", m.rule.id, m.hits))
                .collect()
        };
        assert_eq!(show(&found), show(&plain));
    }

    #[test]
    fn sequence_outside_window_or_wrong_order_does_not_match() {
        let pack = RulePack::parse("t", SEQ).unwrap();
        let late = vec![
            op(
                7,
                at(10, 0, 0),
                1,
                r"C:\Windows\Temp\x.tmp",
                "ACCESS DENIED",
            ),
            text(0, 30, at(10, 5, 0), "Error 2503."),
        ];
        assert!(evaluate(&pack, &subjects(&late)).is_empty());
        let before = vec![
            op(
                7,
                at(10, 0, 0),
                1,
                r"C:\Windows\Temp\x.tmp",
                "ACCESS DENIED",
            ),
            text(0, 30, at(9, 59, 0), "Error 2503."),
        ];
        assert!(evaluate(&pack, &subjects(&before)).is_empty());
        let elsewhere = vec![
            op(
                7,
                at(10, 0, 0),
                1,
                r"C:\Program Files\x.tmp",
                "ACCESS DENIED",
            ),
            text(0, 30, at(10, 0, 1), "Error 2503."),
        ];
        assert!(evaluate(&pack, &subjects(&elsewhere)).is_empty());
    }

    #[test]
    fn equal_captures_tie_events_of_unaligned_clocks() {
        let rules = |equal: &str| {
            RulePack::parse(
                "t",
                &format!(
                    r#"
[[rule]]
id = "t.svc"
title = "t"
category = "c"
summary = "{{service}} ({{display}})"
[rule.match]
text = "Service '(?P<display>[^']+)' \\((?P<service>[^)]+)\\) failed to start"
[[rule.then]]
provider = "Service Control Manager"
code = [7000, 7009]
fields = {{ param1 = ".+" }}
equal = ["{equal}"]
"#
                ),
            )
            .unwrap()
        };
        let record = Event {
            time: Stamp::utc(chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap()),
            input: 1,
            at: Location::Record(12),
            process: None,
            kind: Kind::from(EventRecord {
                channel: "System".into(),
                provider: "Service Control Manager".into(),
                event_id: 7000,
                qualifiers: None,
                level: 2,
                computer: None,
                user_sid: None,
                data: vec![EventData {
                    name: Some("param1".into()),
                    value: Some("Contoso Agent".into()),
                }],
                binary: None,
                message: None,
                meaning: None,
            }),
            raw: None,
        };
        let line = "Error 1920. Service 'Contoso Agent' (ContosoAgent) failed to start.";
        let events = vec![text(0, 5, at(10, 0, 0), line), record];
        // UTC record against a local MSI time: no order can be proven, no window is asked for.
        let pack = rules("display=param1");
        let found = evaluate(&pack, &subjects(&events));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].hits[1].at, Location::Record(12));
        assert_eq!(found[0].summary(), "ContosoAgent (Contoso Agent)");
        assert!(evaluate(&rules("service=param1"), &subjects(&events)).is_empty());
    }

    #[test]
    fn partial_msi_pids_match_full_pids_on_kept_digits() {
        let mut a = text(0, 1, at(1, 0, 0), "x");
        a.process = Some(ProcessRef {
            pid: 0x1C,
            tid: None,
            image: None,
            partial: true,
            role: None,
        });
        let b = op(1, at(1, 0, 0), 0x121C, r"C:\x", "SUCCESS");
        assert!(crate::event::Event::same_process(&a, &b));
        let c = op(1, at(1, 0, 0), 0x121D, r"C:\x", "SUCCESS");
        assert!(!crate::event::Event::same_process(&a, &c));
    }
}
