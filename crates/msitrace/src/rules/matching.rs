//! Whether one event satisfies one step's matcher, and what it captures.
//!
//! The lines of each event are made once (lower-cased too, for `contains`) however many rules
//! ask, and only for the events a text condition reaches.

use super::engine::Subject;
use super::model::{Matcher, Rule, SourceClass};
use crate::event::{Event, Kind, Location};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::OnceLock;

/// One line a text condition is tried on: where it is, as read, and lower-cased (for `contains`).
struct Line {
    at: Location,
    text: String,
    lower: String,
}

/// The lines of each subject, made once and only for subjects a text condition reaches.
pub(super) struct Texts(Vec<OnceLock<Vec<Line>>>);

impl Texts {
    pub(super) fn new(n: usize) -> Self {
        Texts((0..n).map(|_| OnceLock::new()).collect())
    }

    fn of(&self, i: usize, event: &Event) -> &[Line] {
        self.0[i].get_or_init(|| {
            event
                .text_lines()
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

thread_local! {
    /// Reused buffer for a subject's text, lower-cased (one per thread evaluating rules).
    static LOWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Every `contains` literal of the rules evaluated, and which of them each subject holds (found
/// at the first ask, in one search of its lines): a step whose literals a subject holds none of
/// cannot match it.
pub(super) struct WordIndex {
    /// The literals, lower-cased, sorted and without repeats.
    words: Vec<String>,
    /// A search for all of them at once, in lower-cased text (`None`: no literals). A search
    /// that ignores case itself cannot skip ahead with a SIMD prefilter.
    search: Option<AhoCorasick>,
    /// Per subject, the literals it holds, one bit each.
    held: Vec<OnceLock<Box<[u64]>>>,
}

impl WordIndex {
    pub(super) fn new(rules: &[&Rule], subjects: usize) -> Self {
        let mut words: Vec<String> = rules
            .iter()
            .flat_map(|r| &r.steps)
            .flat_map(|step| &step.matcher.contains)
            // A literal over two lines is looked for line by line: not here.
            .filter(|w| !w.is_empty() && !w.contains(['\n', '\r']))
            .cloned()
            .collect();
        words.sort_unstable();
        words.dedup();
        let search = (!words.is_empty())
            .then(|| {
                // A DFA: each subject is searched once, with every match reported. The text is
                // lower-cased, and so are the words (rule compilation lower-cases `contains`):
                // ASCII case is ignored as a case-insensitive search would.
                AhoCorasickBuilder::new()
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&words)
                    .ok()
            })
            .flatten();
        WordIndex {
            words,
            search,
            held: (0..subjects).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The indexes of `m`'s literals; `None` when it has none or one is not indexed (no subject
    /// can then be ruled out by its literals).
    pub(super) fn ids(&self, m: &Matcher) -> Option<Vec<usize>> {
        self.search.as_ref()?;
        if m.contains.is_empty() {
            return None;
        }
        m.contains
            .iter()
            .map(|w| self.words.binary_search(w).ok())
            .collect()
    }

    /// True when subject `i` holds one of the literals `ids` on one of its lines (as
    /// [`Texts`] makes them).
    pub(super) fn holds_any(&self, ids: &[usize], i: usize, event: &Event, texts: &Texts) -> bool {
        self.held(i, event, texts)
            .is_none_or(|held| ids.iter().any(|&id| held[id / 64] & (1 << (id % 64)) != 0))
    }

    /// Find the literals of every subject `asked` names, spread over the threads: found on
    /// first ask instead, two threads evaluating rules would wait on the same subjects.
    pub(super) fn find_all(
        &self,
        subjects: &[Subject<'_>],
        texts: &Texts,
        asked: impl Fn(usize) -> bool + Sync,
    ) {
        if self.search.is_none() {
            return;
        }
        (0..subjects.len())
            .into_par_iter()
            .filter(|&i| asked(i))
            .for_each(|i| {
                self.held(i, subjects[i].event, texts);
            });
    }

    /// The literals subject `i` holds, one bit each (searched at the first ask); `None` when
    /// there are no literals.
    fn held(&self, i: usize, event: &Event, texts: &Texts) -> Option<&[u64]> {
        let search = self.search.as_ref()?;
        let held = self.held[i].get_or_init(|| {
            let mut bits = vec![0u64; self.words.len().div_ceil(64)].into_boxed_slice();
            let mut mark = |hay: &[u8]| {
                for m in search.find_overlapping_iter(hay) {
                    let id = m.pattern().as_usize();
                    bits[id / 64] |= 1 << (id % 64);
                }
            };
            match (&event.raw, event.at) {
                // The lines of the raw text are its pieces between line feeds, and no literal
                // here holds one: searching the whole text finds what a search per line does.
                (Some(raw), Location::Line(_)) => LOWER.with_borrow_mut(|lower| {
                    lower.clear();
                    lower.extend_from_slice(raw.as_bytes());
                    lower.make_ascii_lowercase();
                    mark(lower)
                }),
                _ => texts
                    .of(i, event)
                    .iter()
                    .for_each(|l| mark(l.lower.as_bytes())),
            }
            bits
        });
        Some(held)
    }
}

pub(super) type Captured = (Location, String, Vec<(String, String)>);

/// Whether one event satisfies a matcher; the matching line and captured values when it does.
/// `texts` holds the event's lines (made once per event, however many rules ask), at `index`.
pub(super) fn match_event(
    m: &Matcher,
    s: &Subject<'_>,
    texts: &Texts,
    index: usize,
) -> Option<Captured> {
    let e = s.event;
    if !m.admits_kind(s.source, e.kind.name()) {
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
    let image = e.image();
    if let Some(re) = &m.image {
        if !image.is_some_and(|i| re.is_match(i)) {
            return None;
        }
    }
    let action = e.action_name();
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
        .find(|l| m.literals.admit(&l.lower));
    let line = match (&m.text, &m.unless) {
        // Only a literal (or nothing) to check: the first line that has it.
        (None, None) => line,
        _ => texts.of(index, e).iter().find(|l| {
            m.literals.admit(&l.lower)
                && m.text.as_ref().is_none_or(|re| re.is_match(&l.text))
                && m.unless.as_ref().is_none_or(|re| !re.is_match(&l.text))
        }),
    }?;
    let (at, text) = (line.at, line.text.clone());
    if let Some(re) = &m.text {
        if let Some(c) = re.captures(&text) {
            for name in re.capture_names() {
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
