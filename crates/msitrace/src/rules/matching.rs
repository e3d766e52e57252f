//! Whether one event satisfies one step's matcher, and what it captures.
//!
//! The lines of each event are made once (lower-cased too, for `contains`) however many rules
//! ask, and only for the events a text condition reaches.

use super::engine::Subject;
use super::model::{Matcher, Rule, SourceClass};
use crate::event::{Event, Kind, Location};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
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
/// up front for the subjects a literal can rule out, in one search of each): a step whose
/// literals a subject holds none of cannot match it.
pub(super) struct WordIndex {
    /// The literals, lower-cased, sorted and without repeats.
    words: Vec<String>,
    /// A leftmost-longest search for all of them at once, in lower-cased text (`None`: no
    /// literals). A search that ignores case itself cannot skip ahead with a SIMD prefilter.
    search: Option<AhoCorasick>,
    /// Bits per set of literals: one per literal, in words of 64.
    stride: usize,
    /// Per literal, the literals found wherever it is (itself and those it holds), `stride`
    /// words each.
    implied: Vec<u64>,
    /// Per subject, the literals it holds, `stride` words each; meaningful where `searched`.
    held: Vec<u64>,
    /// Per subject, whether its literals were searched for.
    searched: Vec<bool>,
}

impl WordIndex {
    pub(super) fn new(rules: &[&Rule]) -> Self {
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
        Self::of_words(words)
    }

    /// The index of these literals (lower-cased, sorted, without repeats).
    fn of_words(words: Vec<String>) -> Self {
        let search = (!words.is_empty())
            .then(|| {
                // The text is lower-cased, and so are the words (rule compilation lower-cases
                // `contains`): ASCII case is ignored as a case-insensitive search would.
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&words)
                    .ok()
            })
            .flatten();
        let stride = words.len().div_ceil(64);
        let mut implied = vec![0u64; words.len() * stride];
        for (j, word) in words.iter().enumerate() {
            for (k, other) in words.iter().enumerate() {
                if word.contains(other.as_str()) {
                    implied[j * stride + k / 64] |= 1 << (k % 64);
                }
            }
        }
        WordIndex {
            words,
            search,
            stride,
            implied,
            held: Vec::new(),
            searched: Vec::new(),
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

    /// True when subject `i` may hold one of the literals `ids` on one of its lines (as
    /// [`Texts`] makes them): false only when it was searched and holds none.
    pub(super) fn holds_any(&self, ids: &[usize], i: usize) -> bool {
        if !self.searched.get(i).copied().unwrap_or(false) {
            return true;
        }
        let held = &self.held[i * self.stride..][..self.stride];
        ids.iter().any(|&id| held[id / 64] & (1 << (id % 64)) != 0)
    }

    /// Find the literals of every subject `asked` names, spread over the threads.
    pub(super) fn find_all(
        &mut self,
        subjects: &[Subject<'_>],
        texts: &Texts,
        asked: impl Fn(usize) -> bool + Sync,
    ) {
        let Some(search) = &self.search else {
            return;
        };
        let (stride, implied) = (self.stride, &self.implied);
        self.held = vec![0; subjects.len() * stride];
        self.searched = vec![false; subjects.len()];
        self.held
            .par_chunks_mut(stride)
            .zip(self.searched.par_iter_mut())
            .enumerate()
            .filter(|(i, _)| asked(*i))
            .for_each(|(i, (bits, searched))| {
                let mark = |hay: &[u8]| mark_literals(search, implied, hay, bits);
                literals_of(i, subjects[i].event, texts, mark);
                *searched = true;
            });
    }
}

/// Search `hay` (lower-cased) for the literals of `search` (leftmost-longest), setting in
/// `bits` those it holds. After each match the search goes on one byte after where the match
/// started, so every position where a literal starts is a match start, where the longest
/// literal starting there is found: the others starting there are inside it, and `implied`
/// sets them too.
fn mark_literals(search: &AhoCorasick, implied: &[u64], hay: &[u8], bits: &mut [u64]) {
    let mut at = 0;
    while let Some(m) = search.find(Input::new(hay).span(at..hay.len())) {
        let found = &implied[m.pattern().as_usize() * bits.len()..][..bits.len()];
        for (bit, found) in bits.iter_mut().zip(found) {
            *bit |= found;
        }
        at = m.start() + 1;
    }
}

/// Call `mark` with each piece of subject `i`'s text, lower-cased: its raw text at once, or
/// its lines as [`Texts`] makes them.
fn literals_of(i: usize, event: &Event, texts: &Texts, mut mark: impl FnMut(&[u8])) {
    match (&event.raw, event.at) {
        // The lines of the raw text are its pieces between line feeds, and no literal here
        // holds one: searching the whole text finds what a search per line does.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every literal found by an overlapping search, one bit each: what `mark_literals` must
    /// find with its cheaper search.
    fn overlapping(words: &[&str], hay: &[u8]) -> Vec<u64> {
        let all = AhoCorasick::new(words).unwrap();
        let mut bits = vec![0u64; words.len().div_ceil(64)];
        for m in all.find_overlapping_iter(hay) {
            let id = m.pattern().as_usize();
            bits[id / 64] |= 1 << (id % 64);
        }
        bits
    }

    #[test]
    fn literals_found_by_the_restarted_search_are_those_an_overlapping_search_finds() {
        // Literals inside others, sharing starts and ends, overlapping.
        let mut words = [
            "a", "ab", "abc", "abcd", "bc", "bcd", "cd", "d", "da", "dab", "ca", "aa",
        ];
        words.sort_unstable();
        let index = WordIndex::of_words(words.iter().map(|w| w.to_string()).collect());
        let search = index.search.as_ref().unwrap();
        let mut seed = 0x0123_4567_89AB_CDEFu64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for round in 0..5000 {
            let hay: Vec<u8> = (0..next(24)).map(|_| b"abcdx"[next(5) as usize]).collect();
            let mut bits = vec![0u64; index.stride];
            mark_literals(search, &index.implied, &hay, &mut bits);
            assert_eq!(
                bits,
                overlapping(&words, &hay),
                "round {round}: {:?}",
                String::from_utf8_lossy(&hay)
            );
        }
    }
}
