//! Words looked for in every line of a text, one search per decoded chunk.

use super::buckets::{bucket_order, MAX_ORDERED};
use aho_corasick::packed;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::Arc;

/// Words looked for in every line of a text, ignoring ASCII case.
///
/// A [`LineReader`](super::LineReader) given a screen searches each decoded chunk once, instead
/// of each line on its own, and tells per line whether a word is there
/// ([`Line::may_match`](super::Line::may_match)): one long search is much cheaper than a short
/// one per line when, as in installer logs, most lines hold none of the words.
#[derive(Debug, Clone)]
pub struct LineScreen {
    /// The words in lower case, searched in lower-cased text (a case-sensitive search can use
    /// SIMD prefilters, which an ASCII-case-insensitive one cannot).
    words: AhoCorasick,
    /// The same words for the search of whole chunks: the wide (16-bucket) packed search, where
    /// the processor has it (it admits fewer candidates than the 8-bucket one `words` uses).
    wide: Option<Arc<packed::Searcher>>,
}

impl LineScreen {
    /// A screen for these words (case is ignored for ASCII letters).
    pub fn new<I, W>(words: I) -> Self
    where
        I: IntoIterator<Item = W>,
        W: AsRef<str>,
    {
        let mut lower: Vec<String> = words
            .into_iter()
            .map(|w| w.as_ref().to_ascii_lowercase())
            .collect();
        lower.sort();
        lower.dedup();
        // A word holding another word is found whenever it is: only the shorter one is needed to
        // tell whether a line holds any, and fewer words search faster.
        let needed: Vec<String> = lower
            .iter()
            .filter(|w| {
                !lower
                    .iter()
                    .any(|other| other != *w && w.contains(other.as_str()))
            })
            .cloned()
            .collect();
        // The words are in buckets by their order (see `buckets`): the order only changes how
        // fast a search is.
        let words = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(bucket_order(&needed, 8))
            .expect("literal words always build");
        // Many words leave the choice of search to `words`.
        let wide = if needed.len() <= MAX_ORDERED {
            packed::Config::new()
                .match_kind(packed::MatchKind::LeftmostFirst)
                .only_teddy(true)
                .only_teddy_fat(Some(true))
                .heuristic_pattern_limits(false)
                .builder()
                .extend(bucket_order(&needed, 16))
                .build()
                .map(Arc::new)
        } else {
            None
        };
        LineScreen { words, wide }
    }

    /// Call `found` with where a word starts in `lower` (lower-cased text), for the words of a
    /// leftmost-first search that does not look inside a match: every line holding a word has
    /// one of these starts (a word not told of starts inside a match, so in its line).
    fn find_starts(&self, lower: &[u8], mut found: impl FnMut(usize)) {
        match &self.wide {
            Some(wide) => wide.find_iter(lower).for_each(|m| found(m.start())),
            None => self.words.find_iter(lower).for_each(|m| found(m.start())),
        }
    }

    /// True when one of the words is in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let mut stack = [0u8; 512];
        let mut heap = Vec::new();
        let lower: &mut [u8] = if text.len() <= stack.len() {
            &mut stack[..text.len()]
        } else {
            heap.resize(text.len(), 0);
            &mut heap
        };
        lower.copy_from_slice(text.as_bytes());
        lower.make_ascii_lowercase();
        self.words.is_match(&*lower)
    }
}

/// A screen's search over a text that arrives in chunks, whole lines at a time: a line cut by a
/// chunk's end is searched with the next chunk.
///
/// Where a word starts is told as an offset in bytes of decoded text from the start of the
/// input. A word holds no line break, so the line a word starts in holds it.
#[derive(Debug)]
pub(super) struct ChunkSearch {
    screen: LineScreen,
    /// Offset of the next chunk's first byte.
    next_at: u64,
    /// The unfinished last line of the text so far.
    tail: Vec<u8>,
    /// Reused buffer for lower-cased text.
    lower: Vec<u8>,
    /// Longest line a reader keeps: a longer unfinished line is not kept, as the reader cuts it
    /// and says it may match anyway.
    max_line: usize,
}

impl ChunkSearch {
    pub(super) fn new(screen: LineScreen, max_line: usize) -> Self {
        ChunkSearch {
            screen,
            next_at: 0,
            tail: Vec::new(),
            lower: Vec::new(),
            max_line,
        }
    }

    /// Search the next chunk of text (`last`: nothing follows it); append where words start.
    pub(super) fn push(&mut self, chunk: &str, last: bool, found: &mut Vec<u64>) {
        let bytes = chunk.as_bytes();
        let chunk_at = self.next_at;
        self.next_at += bytes.len() as u64;
        let whole = if last {
            bytes.len()
        } else {
            match memchr::memrchr(b'\n', bytes) {
                Some(nl) => nl + 1,
                None => {
                    self.keep_tail(bytes);
                    return;
                }
            }
        };
        let region_at = chunk_at - self.tail.len() as u64;
        // Copied and lower-cased in one pass.
        self.lower.clear();
        self.lower
            .extend(self.tail.iter().map(u8::to_ascii_lowercase));
        self.tail.clear();
        self.lower
            .extend(bytes[..whole].iter().map(u8::to_ascii_lowercase));
        self.screen
            .find_starts(&self.lower, |start| found.push(region_at + start as u64));
        self.keep_tail(&bytes[whole..]);
    }

    /// Add text of the unfinished last line.
    fn keep_tail(&mut self, bytes: &[u8]) {
        self.tail.extend_from_slice(bytes);
        let trailing_cr = self.tail.iter().rev().take_while(|&&b| b == b'\r').count();
        if self.tail.len() - trailing_cr > self.max_line {
            // The line is longer than any line kept: the reader cuts it and says it may match.
            // What follows of it is searched with the next chunk, harmlessly: words found there
            // come before the next line the reader hands out.
            self.tail.clear();
        }
    }
}

/// Where words were found in the text handed out so far, asked line by line in order.
#[derive(Debug, Default)]
pub(super) struct FoundWords {
    starts: std::collections::VecDeque<u64>,
}

impl FoundWords {
    pub(super) fn extend(&mut self, starts: &[u64]) {
        self.starts.extend(starts);
    }

    /// True when a word starts in the line `[begin, end)`; words before `begin` are forgotten,
    /// as lines are asked for in order.
    pub(super) fn in_line(&mut self, begin: u64, end: u64) -> bool {
        while self.starts.front().is_some_and(|&s| s < begin) {
            self.starts.pop_front();
        }
        self.starts.front().is_some_and(|&s| s < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_holding_other_words_change_nothing() {
        let screen = LineScreen::new(["Error 0x", "error", "failed to start", "FAIL", "denied"]);
        assert_eq!(screen.words.patterns_len(), 3);
        // The wide search is there wherever the processor has it.
        #[cfg(target_arch = "x86_64")]
        assert_eq!(screen.wide.is_some(), is_x86_feature_detected!("avx2"));
        for (line, expected) in [
            ("Error 0x80070005", true),
            ("ERRORS", true),
            ("Failed to start service", true),
            ("access DENIED", true),
            ("all went well", false),
        ] {
            assert_eq!(screen.is_match(line), expected, "{line}");
        }
        // An empty word is in every line.
        assert!(LineScreen::new(["", "x"]).is_match("abc"));
    }

    #[test]
    fn many_words_keep_the_plain_search() {
        let words: Vec<String> = (0..200).map(|i| format!("word{i:03}x")).collect();
        let screen = LineScreen::new(&words);
        assert!(screen.wide.is_none());
        assert!(screen.is_match("a WORD123X here"));
        assert!(!screen.is_match("word12 only"));
    }
}

#[cfg(test)]
mod example_line_screen_example {
    #[test]
    fn line_screen_example() {
        use crate::text::{LineReader, LineScreen, TextEncoding};
        let screen = LineScreen::new(["denied", "Error 0x"]);
        assert!(screen.is_match("Access is DENIED."));
        let mut r =
            LineReader::new(&b"ok\nerror 0X5 here\n"[..], TextEncoding::Utf8).with_screen(screen);
        assert!(!r.next_line().unwrap().unwrap().may_match);
        assert!(r.next_line().unwrap().unwrap().may_match);
    }
}
