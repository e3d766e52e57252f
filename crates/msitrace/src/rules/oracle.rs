//! The plain forward scan the sequence index replaced, kept as an oracle: the tests (and,
//! with the `internals` feature and [`enable`], every evaluation) check that the indexed engine
//! finds exactly what a scan of every event for every step finds.

use super::engine::{agrees, first_hit, related, RuleMatch, StepHit, Subject};
use super::matching::{match_event, Texts};
use super::model::{Rule, Step};
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

static ENABLED: AtomicBool = AtomicBool::new(false);
static MISMATCHES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// From now on, every evaluation in this process is run the plain way too and compared.
pub fn enable() {
    ENABLED.store(true, Ordering::SeqCst);
}

/// The differences found since the last call (rule id, then both results).
pub fn take_mismatches() -> Vec<String> {
    std::mem::take(&mut *MISMATCHES.lock().unwrap_or_else(|e| e.into_inner()))
}

/// When enabled, evaluate the plain way and record any difference from `found`.
pub(crate) fn compare(rules: &[&Rule], subjects: &[Subject<'_>], found: &[RuleMatch<'_>]) {
    if !ENABLED.load(Ordering::SeqCst) {
        return;
    }
    let plain = evaluate_plain(rules, subjects);
    let show = |m: &[RuleMatch<'_>]| -> Vec<String> {
        m.iter()
            .map(|m| format!("{} {:?} {:?}", m.rule.id, m.hits, m.captures))
            .collect()
    };
    let (a, b) = (show(found), show(&plain));
    if a != b {
        MISMATCHES
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(format!("indexed: {a:#?}\nplain: {b:#?}"));
    }
}

/// Every match, by scanning every event for every step of every partial match.
pub fn evaluate_plain<'r>(rules: &[&'r Rule], subjects: &[Subject<'_>]) -> Vec<RuleMatch<'r>> {
    let mut out = Vec::new();
    let texts = Texts::new(subjects.len());
    for &rule in rules {
        let mut done: HashSet<(u32, Option<usize>)> = HashSet::new();
        for (i, s) in subjects.iter().enumerate() {
            let key = (s.event.input, s.session);
            if done.contains(&key) {
                continue;
            }
            let Some(hit) = match_event(&rule.steps[0].matcher, s, &texts, i) else {
                continue;
            };
            let (mut hits, mut captures) = first_hit(i, hit);
            if follow(&rule.steps[1..], subjects, &texts, &mut hits, &mut captures) {
                done.insert(key);
                out.push(RuleMatch {
                    rule,
                    hits,
                    captures,
                });
            }
        }
    }
    out
}

fn follow(
    steps: &[Step],
    subjects: &[Subject<'_>],
    texts: &Texts,
    hits: &mut Vec<StepHit>,
    captures: &mut BTreeMap<String, String>,
) -> bool {
    let Some((step, rest)) = steps.split_first() else {
        return true;
    };
    let prev = &subjects[hits.last().expect("a first hit").subject];
    for (j, s) in subjects.iter().enumerate() {
        if hits.iter().any(|h| h.subject == j) || !related(step, prev, s) {
            continue;
        }
        let Some((at, text, caps)) = match_event(&step.matcher, s, texts, j) else {
            continue;
        };
        if !agrees(step, captures, &caps) {
            continue;
        }
        let mut trial_caps = captures.clone();
        trial_caps.insert(format!("text{}", hits.len() + 1), text.trim().to_string());
        for (n, v) in caps {
            trial_caps.entry(n).or_insert(v);
        }
        hits.push(StepHit {
            subject: j,
            at,
            text,
        });
        if follow(rest, subjects, texts, hits, &mut trial_caps) {
            *captures = trial_caps;
            return true;
        }
        hits.pop();
    }
    false
}

#[cfg(test)]
mod tests {
    //! Generated sequences: the indexed engine and the plain scan agree on every one.

    use super::*;
    use crate::event::{Event, Kind, Location, Operation, OperationClass, ProcessRef, Stamp};
    use crate::rules::engine::evaluate_rules;
    use crate::rules::model::SourceClass;
    use crate::rules::RulePack;
    use chrono::{NaiveDate, NaiveTime};

    /// A small deterministic generator (xorshift), so a failure can be replayed.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    const RULES: &str = r#"
[[rule]]
id = "g.window"
title = "t"
category = "c"
summary = "{text2}"
[rule.match]
kind = "operation"
result = "ACCESS DENIED"
[[rule.then]]
kind = "text"
text = 'Error (?P<err>250[23])'
within = "30s"

[[rule]]
id = "g.any-order"
title = "t"
category = "c"
summary = "{text2}"
[rule.match]
kind = "process_exit"
[[rule.then]]
kind = "text"
text = 'Error 250(?P<digit>[23])'
within = "20s"
any_order = true
[[rule.then]]
kind = "operation"
same = "process"
within = "40s"

[[rule]]
id = "g.session"
title = "t"
category = "c"
summary = "{text2}"
[rule.match]
kind = "text"
text = 'Error 250(?P<digit>[23])'
[[rule.then]]
kind = "text"
text = 'Note (?P<digit>[23])'
same = ["session", "product"]
equal = "digit"

[[rule]]
id = "g.input"
title = "t"
category = "c"
summary = "{text2}"
[rule.match]
kind = "operation"
[[rule.then]]
kind = "process_exit"
same = "input"
within = "1m"
"#;

    fn event(g: &mut Gen, row: u64) -> Event {
        let input = g.next(3) as u32;
        let second = g.next(240) as u32;
        let time = NaiveTime::from_hms_opt(10, second / 60, second % 60).expect("a time");
        let date = NaiveDate::from_ymd_opt(2026, 3, 1);
        let mut stamp = match g.next(4) {
            0 => Stamp::local(None, time),
            1 => Stamp::local(date, time),
            _ => Stamp::utc(date.expect("a date").and_time(time).and_utc()),
        };
        if g.next(5) == 0 {
            stamp.aligned = None;
        }
        if g.next(20) == 0 {
            stamp = Stamp::none();
        }
        let pid = 100 + g.next(3) as u32;
        let process = Some(ProcessRef {
            pid,
            tid: None,
            image: Some("msiexec.exe".into()),
            partial: false,
            role: None,
        });
        let (kind, raw) = match g.next(4) {
            0 => (
                Kind::from(Operation {
                    class: OperationClass::File,
                    name: "CreateFile".into(),
                    path: Some(r"C:\Windows\Temp\x.tmp".into()),
                    target: None,
                    result: if g.next(2) == 0 {
                        "ACCESS DENIED".into()
                    } else {
                        "SUCCESS".into()
                    },
                    status: None,
                    detail: vec![],
                    stack: vec![],
                }),
                None,
            ),
            1 => (
                Kind::ProcessExit {
                    pid,
                    status: Some(1603),
                },
                None,
            ),
            2 => (Kind::Text, Some(format!("Error 250{}", 2 + g.next(2)))),
            _ => (Kind::Text, Some(format!("Note {}", 2 + g.next(2)))),
        };
        Event {
            time: stamp,
            input,
            at: if g.next(2) == 0 {
                Location::Line(row)
            } else {
                Location::Row(row)
            },
            process,
            kind,
            raw,
        }
    }

    #[test]
    fn indexed_and_plain_agree_on_generated_sequences() {
        let pack = RulePack::parse("generated", RULES).expect("valid rules");
        let rules: Vec<&Rule> = pack.rules.iter().collect();
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        let mut sequences = 0;
        for case in 0..300 {
            let n = 1 + g.next(60);
            let events: Vec<Event> = (0..n).map(|row| event(&mut g, row)).collect();
            let subjects: Vec<Subject<'_>> = events
                .iter()
                .map(|e| Subject {
                    event: e,
                    source: SourceClass::MsiLog,
                    session: [None, Some(0), Some(1)][e.input as usize],
                    in_failing_action: false,
                    product: [Some("A"), Some("a"), None][(e.time.time_of_day().map_or(0, |t| {
                        use chrono::Timelike;
                        t.second()
                    }) % 3) as usize],
                })
                .collect();
            let indexed = evaluate_rules(rules.iter().copied(), &subjects);
            let plain = evaluate_plain(&rules, &subjects);
            let show = |m: &[RuleMatch<'_>]| -> Vec<String> {
                m.iter()
                    .map(|m| format!("{} {:?} {:?}", m.rule.id, m.hits, m.captures))
                    .collect()
            };
            assert_eq!(show(&indexed), show(&plain), "case {case}");
            sequences += indexed.iter().filter(|m| m.hits.len() > 1).count();
        }
        // The generated cases do exercise sequences, of every rule.
        assert!(sequences > 100, "only {sequences} sequence matches");
    }
}
