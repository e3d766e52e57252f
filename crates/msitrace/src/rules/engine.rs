//! Rule evaluation over the events an analysis kept.
//!
//! The analysis hands over [`Subject`]s: each kept event with what is known around it (its input,
//! source family, installer session, whether it lies inside the failing action, the product).
//! [`evaluate`] returns every [`RuleMatch`]: the events of each step with the line that matched,
//! and the values captured for the summary.

use super::model::{Matcher, Rule, RulePack, Scope, SourceClass, Step};
use crate::event::{Event, Kind, Location};
use chrono::Duration;
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

/// Fill only the placeholders that were captured, leaving other braces as written (remediation
/// text may contain `{ProductCode}`-like words meant for the reader).
pub fn fill_known(template: &str, captures: &BTreeMap<String, String>) -> String {
    let mut out = template.to_string();
    for (name, value) in captures {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Replace `{name}` placeholders by captured values.
pub(crate) fn fill(template: &str, captures: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let name = &after[..close];
                out.push_str(captures.get(name).map_or("?", String::as_str));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every match of every rule. A rule matches at most once per session (or per input for events
/// outside sessions): the earliest anchor wins, later ones repeat the same finding.
pub fn evaluate<'r>(pack: &'r RulePack, subjects: &[Subject<'_>]) -> Vec<RuleMatch<'r>> {
    evaluate_rules(pack.rules.iter(), subjects)
}

/// [`evaluate`] over any list of rules (e.g. the built-in pack with a user pack's overrides).
pub fn evaluate_rules<'r>(
    rules: impl IntoIterator<Item = &'r Rule>,
    subjects: &[Subject<'_>],
) -> Vec<RuleMatch<'r>> {
    let mut out = Vec::new();
    let texts = Texts::new(subjects.len());
    for rule in rules {
        let mut done: HashSet<(u32, Option<usize>)> = HashSet::new();
        for (i, s) in subjects.iter().enumerate() {
            let key = (s.event.input, s.session);
            if done.contains(&key) {
                continue;
            }
            let Some((at, text, caps)) = match_event(&rule.steps[0].matcher, s, &texts, i) else {
                continue;
            };
            let mut captures = BTreeMap::new();
            captures.insert("text1".to_string(), text.trim().to_string());
            captures.extend(caps);
            let mut hits = vec![StepHit {
                subject: i,
                at,
                text,
            }];
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

/// Extend a partial match through the remaining steps (first fitting event for each).
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
        // `name` or `earlier=this`: an earlier capture must equal one of this event's.
        let agrees = step.equal.iter().all(|pair| {
            let (earlier, this) = pair.split_once('=').unwrap_or((pair, pair));
            let new = caps.iter().find(|(n, _)| n == this).map(|(_, v)| v);
            match (captures.get(earlier), new) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            }
        });
        if !agrees {
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

/// Whether `next` may be the event of `step` after `prev`: order, window and shared scope.
fn related(step: &Step, prev: &Subject<'_>, next: &Subject<'_>) -> bool {
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
    let (order, delta) = relation(prev.event, next.event);
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

/// Where `b` lies relative to `a` (`Greater`: after), and the time between them when known.
fn relation(a: &Event, b: &Event) -> (Option<Ordering>, Option<Duration>) {
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

/// One line a text condition is tried on: where it is, as read, and lower-cased (for `contains`).
struct Line {
    at: Location,
    text: String,
    lower: String,
}

/// The lines of each subject, made once and only for subjects a text condition reaches.
struct Texts(Vec<OnceCell<Vec<Line>>>);

impl Texts {
    fn new(n: usize) -> Self {
        Texts((0..n).map(|_| OnceCell::new()).collect())
    }

    fn of(&self, i: usize, event: &Event) -> &[Line] {
        self.0[i].get_or_init(|| {
            lines(event)
                .into_iter()
                .map(|(at, text)| Line {
                    at,
                    lower: text.to_ascii_lowercase(),
                    text,
                })
                .collect()
        })
    }
}

/// The lines a text condition is tried on, with their locations.
fn lines(event: &Event) -> Vec<(Location, String)> {
    match (&event.raw, event.at) {
        (Some(_), Location::Line(_)) => event
            .raw_lines()
            .map(|(n, l)| (Location::Line(n), l.to_string()))
            .collect(),
        (Some(raw), at) => vec![(at, raw.replace(['\r', '\n'], " "))],
        (None, at) => vec![(at, event.one_line())],
    }
}

type Captured = (Location, String, Vec<(String, String)>);

/// Whether one event satisfies a matcher; the matching line and captured values when it does.
/// `texts` holds the event's lines (made once per event, however many rules ask), at `index`.
fn match_event(m: &Matcher, s: &Subject<'_>, texts: &Texts, index: usize) -> Option<Captured> {
    let e = s.event;
    if !m.sources.is_empty() && !m.sources.contains(&s.source) {
        return None;
    }
    if !m.kinds.is_empty() && !m.kinds.iter().any(|k| k == e.kind.name()) {
        return None;
    }
    if m.inside_failing_action
        .is_some_and(|want| want != s.in_failing_action)
    {
        return None;
    }
    let code = e.code();
    if !m.codes.is_empty() && !code.is_some_and(|c| m.codes.contains(&c)) {
        return None;
    }
    if !m.levels.is_empty()
        && !e
            .level_name()
            .is_some_and(|l| m.levels.iter().any(|w| w == l))
    {
        return None;
    }
    let record = match &e.kind {
        Kind::EventRecord(r) => Some(r),
        _ => None,
    };
    let operation = match &e.kind {
        Kind::Operation(o) => Some(o),
        _ => None,
    };
    let provider = record.map(|r| r.provider.as_str());
    if let Some(re) = &m.provider {
        if !provider.is_some_and(|p| re.is_match(p)) {
            return None;
        }
    }
    let image = e
        .process
        .as_ref()
        .and_then(|p| p.image.as_deref())
        .or(match &e.kind {
            Kind::ProcessStart(p) => p.image.as_deref(),
            _ => None,
        });
    if let Some(re) = &m.image {
        if !image.is_some_and(|i| re.is_match(i)) {
            return None;
        }
    }
    let action = match &e.kind {
        Kind::MsiAction { name, .. } => Some(name.as_str()),
        Kind::CustomActionResult { action, .. } => Some(action.as_str()),
        _ => None,
    };
    if let Some(re) = &m.action {
        if !action.is_some_and(|a| re.is_match(a)) {
            return None;
        }
    }
    let path = operation.and_then(|o| o.path.as_deref());
    if !m.paths.is_empty() && !path.is_some_and(|x| m.paths.iter().any(|p| p.matches(x))) {
        return None;
    }
    let result = operation.map(|o| o.result.as_str());
    if !m.results.is_empty()
        && !result.is_some_and(|r| m.results.iter().any(|w| w.eq_ignore_ascii_case(r)))
    {
        return None;
    }
    let mut caps: Vec<(String, String)> = Vec::new();
    for (name, re) in &m.fields {
        let value = record?
            .data
            .iter()
            .find(|d| {
                d.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .and_then(|d| d.value.as_deref())?;
        if !re.is_match(value) {
            return None;
        }
        caps.push((name.clone(), value.to_string()));
    }
    let line = texts
        .of(index, e)
        .iter()
        .find(|l| m.contains.is_empty() || m.contains.iter().any(|c| l.lower.contains(c.as_str())));
    let line = match (&m.text, &m.unless) {
        // Only a literal (or nothing) to check: the first line that has it.
        (None, None) => line,
        _ => texts.of(index, e).iter().find(|l| {
            (m.contains.is_empty() || m.contains.iter().any(|c| l.lower.contains(c.as_str())))
                && m.text.as_ref().is_none_or(|re| re.is_match(&l.text))
                && m.unless.as_ref().is_none_or(|re| !re.is_match(&l.text))
        }),
    }?;
    let (at, text) = (line.at, line.text.clone());
    if let Some(re) = &m.text {
        if let Some(c) = re.captures(&text) {
            for name in re.capture_names().flatten() {
                if let Some(v) = c.name(name) {
                    caps.push((name.to_string(), v.as_str().trim().to_string()));
                }
            }
        }
    }
    let mut put = |name: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            caps.push((name.to_string(), v));
        }
    };
    // For summaries, the message without the `MSI (s) (PID:TID) [time]: ` prefix.
    let said = match s.source {
        SourceClass::MsiLog => crate::source::msilog::message_body(&text),
        _ => text.as_str(),
    };
    put("text", Some(said.trim().to_string()));
    // Status values (NTSTATUS, HRESULT) read best in hexadecimal.
    put(
        "code",
        code.map(|c| {
            if c >= 0x8000_0000 {
                format!("0x{c:08X}")
            } else {
                c.to_string()
            }
        }),
    );
    put("action", action.map(str::to_string));
    put("path", path.map(str::to_string));
    put("result", result.map(str::to_string));
    put("image", image.map(str::to_string));
    put("provider", provider.map(str::to_string));
    put("event_id", record.map(|r| r.event_id.to_string()));
    put("product", s.product.map(str::to_string));
    put("pid", e.process.as_ref().map(|p| p.pid.to_string()));
    // The first capture of a name wins (named groups before the built-in values).
    let mut seen = HashSet::new();
    caps.retain(|(n, _)| seen.insert(n.clone()));
    Some((at, text, caps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventData, EventRecord, Operation, OperationClass, ProcessRef, Stamp};
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

    #[test]
    fn fill_leaves_unknown_placeholders_visible() {
        let mut caps = BTreeMap::new();
        caps.insert("a".to_string(), "1".to_string());
        assert_eq!(fill("{a} {b} {not a name}", &caps), "1 ? {not a name}");
    }
}
