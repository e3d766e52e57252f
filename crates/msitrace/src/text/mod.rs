//! Text inputs: encoding detection and a streaming, bounded line reader.
//!
//! Windows Installer logs are usually UTF-16LE with a BOM, sometimes UTF-16 without one, UTF-8, or
//! the machine's ANSI code page (read as Windows-1252). [`sniff_encoding`] decides from the first
//! bytes; [`LineReader`] decodes in chunks and yields lines with their 1-based numbers, whatever the
//! line endings (CRLF, LF, mixed). Lines longer than a limit are cut (and flagged), so a single
//! multi-gigabyte line never grows memory.
//!
//! Per chunk, not per line, the reader also finds the line feeds, counts control characters (a
//! line can only be binary junk in a chunk that has some) and, given a [`LineScreen`], searches
//! for words; with [`LineReader::read_ahead`] all of that, reading and decoding included, runs on
//! a helper thread a few chunks ahead of the lines handed out.

mod buckets;
mod chunks;
mod find;
mod screen;
mod utf16;

pub use find::find_ignoring_case;
pub use screen::LineScreen;

use chunks::{Ahead, ChunkInfo, Decoding};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use screen::{ChunkSearch, FoundWords};
use serde::{Deserialize, Serialize};
use std::io::{self, Read};

/// The text encoding of an input, as detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark (plain ASCII included).
    Utf8,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-16 little endian with a byte-order mark (what `msiexec /l*v` writes).
    Utf16LeBom,
    /// UTF-16 little endian without a byte-order mark (detected by its NUL pattern).
    Utf16Le,
    /// UTF-16 big endian with a byte-order mark.
    Utf16BeBom,
    /// Bytes that are not valid UTF-8: read as Windows-1252 (the common ANSI code page).
    Windows1252,
}

impl TextEncoding {
    /// Length of the byte-order mark this encoding starts with.
    pub fn bom_len(self) -> usize {
        match self {
            TextEncoding::Utf8Bom => 3,
            TextEncoding::Utf16LeBom | TextEncoding::Utf16BeBom => 2,
            _ => 0,
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => UTF_8,
            TextEncoding::Utf16LeBom | TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16BeBom => UTF_16BE,
            TextEncoding::Windows1252 => WINDOWS_1252,
        }
    }

    /// A short human name (`UTF-16LE (BOM)`).
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Utf16LeBom => "UTF-16LE (BOM)",
            TextEncoding::Utf16Le => "UTF-16LE (no BOM)",
            TextEncoding::Utf16BeBom => "UTF-16BE (BOM)",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Decide the encoding of a text input from its first bytes.
pub fn sniff_encoding(head: &[u8]) -> TextEncoding {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return TextEncoding::Utf8Bom;
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return TextEncoding::Utf16LeBom;
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return TextEncoding::Utf16BeBom;
    }
    let sample = &head[..head.len().min(4096)];
    if sample.len() >= 4 {
        let pairs = sample.len() / 2;
        let odd_nuls = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        if odd_nuls * 10 >= pairs * 3 && even_nuls * 10 < pairs {
            return TextEncoding::Utf16Le;
        }
        if even_nuls * 10 >= pairs * 3 && odd_nuls * 10 < pairs {
            return TextEncoding::Utf16BeBom;
        }
    }
    match std::str::from_utf8(sample) {
        Ok(_) => TextEncoding::Utf8,
        // A multi-byte character cut by the end of the sample is still UTF-8.
        Err(e) if e.error_len().is_none() && head.len() > sample.len() => TextEncoding::Utf8,
        Err(_) => TextEncoding::Windows1252,
    }
}

/// At most `max` bytes of `text`, cut at a character boundary: the bound on what a reader keeps
/// of one value (`cut("ééé", 3)` is `"é"`).
pub(crate) fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// At most `max` characters of `text` for display: a longer text keeps `max - 1` of them and
/// ends with `…`. Every report shortens text this one way.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// Default limit of one line, in bytes of decoded text (longer lines are cut).
pub const DEFAULT_MAX_LINE: usize = 64 * 1024;

/// One decoded line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based line number in the input.
    pub number: u64,
    /// The text, without its line ending.
    pub text: &'a str,
    /// True when the line was longer than the limit and has been cut.
    pub truncated: bool,
    /// True when undecodable bytes were replaced (U+FFFD) somewhere in the chunk holding this line;
    /// false guarantees the line has no replacement character from decoding.
    pub maybe_replaced: bool,
    /// False when the line has fewer than three control characters other than tab and CR
    /// (so it is not binary junk, see [`control_bytes`]); true when it may have more.
    pub maybe_binary: bool,
    /// False when the reader has a [`LineScreen`] and none of its words is in the line; true
    /// otherwise (a word is there, or no screen was set).
    pub may_match: bool,
    /// False when the line holds no ESC (U+001B) and no CSI (U+009B), which start terminal
    /// control sequences; true when it may (see [`escape_bytes`]).
    pub maybe_escape: bool,
}

/// True when `text` has a byte of ESC (1B) or of CSI (the 9B of its UTF-8 form C2 9B; other
/// characters have that byte too): a text without one holds no terminal escape. Told per chunk,
/// in one pass, so that lines need no search of their own.
pub fn escape_bytes(text: &[u8]) -> bool {
    memchr::memchr2(0x1b, 0x9b, text).is_some()
}

/// The number of control characters in `text` other than tab, CR and LF: text has almost none,
/// binary bytes read as text have many.
pub fn control_bytes(text: &[u8]) -> usize {
    // Counted in byte-wide lanes, 255 bytes at a time so no lane overflows: this runs over every
    // byte of a log, and a `usize` count per byte does not vectorize well.
    text.chunks(255)
        .map(|chunk| {
            let n: u8 = chunk
                .iter()
                .map(|&b| u8::from(b < 0x20 && b != b'\t' && b != b'\r' && b != b'\n'))
                .sum();
            usize::from(n)
        })
        .sum()
}

/// Streaming line reader over any byte source, decoding as it goes.
pub struct LineReader<R> {
    chunks: Chunks<R>,
    /// Decoded text not yet handed out; `start..` is pending.
    text: String,
    start: usize,
    eof: bool,
    line_no: u64,
    max_line: usize,
    /// True while discarding the rest of a cut line.
    skipping: bool,
    bytes_read: u64,
    /// Set once a decoded chunk needed replacement characters.
    replaced: bool,
    /// Control characters in `text` (see [`control_bytes`]), counted as chunks arrive.
    controls: usize,
    /// True when `text` may hold a terminal escape ([`escape_bytes`]).
    escapes: bool,
    /// Decoded bytes dropped from the front of `text` so far: `text[i]` is byte `dropped + i`
    /// of the decoded input.
    dropped: u64,
    /// Where screen words start, when a screen is set.
    words: Option<FoundWords>,
    /// Reused buffer for the word starts of one chunk.
    found: Vec<u64>,
    /// Where the line feeds of `text` are, from `newline` on (found once per chunk, in one pass,
    /// on the helper thread when reading ahead).
    newlines: Vec<usize>,
    /// The next entry of `newlines` to hand out.
    newline: usize,
    /// Set by [`LineReader::read_ahead`]: starts the helper thread at the first read.
    start_ahead: Option<fn(Decoding<R>) -> io::Result<Ahead>>,
}

/// Where decoded chunks come from.
enum Chunks<R> {
    /// Read and decoded on this thread.
    Here(Decoding<R>),
    /// Read and decoded ahead on a helper thread.
    Ahead(Ahead),
    /// None left: the source went to a helper thread that could not start.
    Closed,
}

impl<R: Read> LineReader<R> {
    /// A reader decoding `source` as `encoding`, skipping its byte-order mark.
    pub fn new(source: R, encoding: TextEncoding) -> Self {
        Self::with_max_line(source, encoding, DEFAULT_MAX_LINE)
    }

    /// Same as [`LineReader::new`] with a custom line-length limit (bytes of decoded text).
    pub fn with_max_line(source: R, encoding: TextEncoding, max_line: usize) -> Self {
        LineReader {
            chunks: Chunks::Here(Decoding::new(source, encoding)),
            text: String::new(),
            start: 0,
            eof: false,
            line_no: 0,
            max_line: max_line.max(16),
            skipping: false,
            bytes_read: 0,
            replaced: false,
            controls: 0,
            escapes: false,
            dropped: 0,
            words: None,
            found: Vec::new(),
            newlines: Vec::new(),
            newline: 0,
            start_ahead: None,
        }
    }

    /// Tell for each line whether it holds a word of `screen` ([`Line::may_match`]). Set it
    /// before the first line is read.
    pub fn with_screen(mut self, screen: LineScreen) -> Self {
        debug_assert_eq!(self.bytes_read, 0, "a screen is set before reading");
        if let Chunks::Here(decoding) = &mut self.chunks {
            decoding.set_search(ChunkSearch::new(screen, self.max_line));
            self.words = Some(FoundWords::default());
        }
        self
    }

    /// Bytes consumed from the source so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Number of the last line returned.
    pub fn line_number(&self) -> u64 {
        self.line_no
    }

    /// Read and decode one more chunk; returns false at end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if let Some(start) = self.start_ahead.take() {
            if let Chunks::Here(decoding) = std::mem::replace(&mut self.chunks, Chunks::Closed) {
                self.chunks = Chunks::Ahead(start(decoding)?);
            }
        }
        // Drop what has been handed out before growing the buffer.
        if self.start > 0 {
            self.text.drain(..self.start);
            self.dropped += self.start as u64;
            self.start = 0;
        }
        let pending_controls = control_bytes(self.text.as_bytes());
        let pending_escapes = escape_bytes(self.text.as_bytes());
        // The pending text holds no line feed (lines are read up to the last one first).
        self.newlines.clear();
        self.newline = 0;
        let base = self.text.len();
        let ChunkInfo {
            bytes,
            replaced,
            controls,
            escapes,
            last,
        } = match &mut self.chunks {
            Chunks::Here(decoding) => {
                let info = decoding.next_into(&mut self.text, &mut self.found)?;
                let added = &self.text.as_bytes()[base..];
                let newlines = memchr::memchr_iter(b'\n', added).map(|at| base + at);
                self.newlines.extend(newlines);
                info
            }
            Chunks::Ahead(ahead) => {
                ahead.next_into(&mut self.text, &mut self.found, &mut self.newlines)?
            }
            Chunks::Closed => ChunkInfo {
                last: true,
                ..Default::default()
            },
        };
        if let Some(words) = &mut self.words {
            words.extend(&self.found);
        }
        self.found.clear();
        self.bytes_read += bytes as u64;
        self.replaced |= replaced;
        self.controls = pending_controls + controls;
        self.escapes = pending_escapes || escapes;
        self.eof = last;
        Ok(true)
    }

    /// The next line, or `None` at end of input.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        loop {
            if let Some(&newline) = self.newlines.get(self.newline) {
                self.newline += 1;
                let begin = self.start;
                self.start = newline + 1;
                if self.skipping {
                    self.skipping = false;
                    continue;
                }
                let mut end = without_cr(self.text.as_bytes(), begin, newline);
                let truncated = end - begin > self.max_line;
                if truncated {
                    end = begin + self.max_line;
                    while !self.text.is_char_boundary(end) {
                        end -= 1;
                    }
                }
                return Ok(Some(self.line(begin, end, truncated)));
            }
            if self.text.len() - self.start > self.max_line && !self.skipping {
                // Cut an overlong line at a character boundary and discard the rest of it.
                let mut cut = self.start + self.max_line;
                while !self.text.is_char_boundary(cut) {
                    cut -= 1;
                }
                let begin = self.start;
                self.start = cut;
                self.skipping = true;
                return Ok(Some(self.line(begin, cut, true)));
            }
            if self.skipping {
                // Discard what is pending of the overlong line.
                self.start = self.text.len();
            }
            if !self.fill()? {
                // End of input: the last line has no line ending.
                if self.start < self.text.len() {
                    let begin = self.start;
                    self.start = self.text.len();
                    if self.skipping {
                        self.skipping = false;
                        return Ok(None);
                    }
                    let end = without_cr(self.text.as_bytes(), begin, self.text.len());
                    return Ok(Some(self.line(begin, end, false)));
                }
                return Ok(None);
            }
        }
    }

    /// Hand out `text[begin..end]` as the next line.
    fn line(&mut self, begin: usize, end: usize, truncated: bool) -> Line<'_> {
        self.line_no += 1;
        let may_match = match &mut self.words {
            // A cut line may have lost the end of a word: it may match.
            Some(words) => {
                truncated || words.in_line(self.dropped + begin as u64, self.dropped + end as u64)
            }
            None => true,
        };
        Line {
            number: self.line_no,
            text: &self.text[begin..end],
            truncated,
            maybe_replaced: self.replaced,
            maybe_binary: self.controls >= 3,
            maybe_escape: self.escapes,
            may_match,
        }
    }
}

impl<R: Read + Send + 'static> LineReader<R> {
    /// Read and decode on a helper thread, a few chunks ahead of the lines handed out, so that
    /// decoding (and the screen's search) overlaps the caller's work on lines. Memory stays a
    /// few chunks; the thread starts at the first read and ends with the input, at a read
    /// error, or when the reader is dropped.
    pub fn read_ahead(mut self) -> Self {
        self.start_ahead = Some(Ahead::start::<R>);
        self
    }
}

/// End of a line's text once its trailing carriage returns are dropped.
fn without_cr(bytes: &[u8], begin: usize, mut end: usize) -> usize {
    while end > begin && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8], enc: TextEncoding, max: usize) -> Vec<(u64, String, bool)> {
        let mut r = LineReader::with_max_line(bytes, enc, max);
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push((l.number, l.text.to_string(), l.truncated));
        }
        out
    }

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    #[test]
    fn mixed_line_endings_keep_numbers() {
        let got = lines(b"a\r\nb\nc\r\r\nd", TextEncoding::Utf8, 100);
        let texts: Vec<_> = got.iter().map(|l| (l.0, l.1.as_str())).collect();
        assert_eq!(texts, vec![(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
    }

    #[test]
    fn utf16le_with_and_without_bom() {
        let text = "=== Verbose logging started\r\nMSI (c) (FC:08) é\r\n";
        for bom in [true, false] {
            let bytes = utf16le(text, bom);
            let enc = sniff_encoding(&bytes);
            assert_eq!(
                enc,
                if bom {
                    TextEncoding::Utf16LeBom
                } else {
                    TextEncoding::Utf16Le
                }
            );
            let got = lines(&bytes, enc, 1000);
            assert_eq!(got[0].1, "=== Verbose logging started");
            assert_eq!(got[1].1, "MSI (c) (FC:08) é");
        }
    }

    #[test]
    fn utf16be_bom() {
        let mut bytes = vec![0xFE, 0xFF];
        for u in "ab\ncd".encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        let enc = sniff_encoding(&bytes);
        assert_eq!(enc, TextEncoding::Utf16BeBom);
        let got = lines(&bytes, enc, 100);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].1, "cd");
    }

    #[test]
    fn utf8_bom_is_skipped_and_1252_decodes() {
        let got = lines(b"\xEF\xBB\xBFhello", TextEncoding::Utf8Bom, 100);
        assert_eq!(got[0].1, "hello");
        let got = lines(b"Fehler \xfc", TextEncoding::Windows1252, 100);
        assert_eq!(got[0].1, "Fehler ü");
    }

    #[test]
    fn overlong_line_is_cut_and_following_lines_survive() {
        let mut input = vec![b'x'; 10_000];
        input.extend_from_slice(b"\nnext\n");
        let got = lines(&input, TextEncoding::Utf8, 100);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1.len(), 100);
        assert!(got[0].2);
        assert_eq!((got[1].0, got[1].1.as_str(), got[1].2), (2, "next", false));
    }

    #[test]
    fn cut_keeps_whole_characters_and_clip_marks_the_cut() {
        assert_eq!(cut("ééé", 3), "é");
        assert_eq!(cut("abc", 10), "abc");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("éééé", 3), "éé…");
    }

    #[test]
    fn truncated_utf16_does_not_panic() {
        let mut bytes = utf16le("abc\r\ndef", true);
        bytes.pop();
        let got = lines(&bytes, TextEncoding::Utf16LeBom, 100);
        assert_eq!(got[0].1, "abc");
        assert!(got[1].1.starts_with("de"));
    }

    #[test]
    fn empty_input_has_no_lines() {
        assert!(lines(b"", TextEncoding::Utf8, 100).is_empty());
    }

    /// A source that hands out a few bytes per read, so chunk edges fall everywhere.
    struct Trickle {
        bytes: Vec<u8>,
        at: usize,
        step: usize,
        /// Fail with this error once the bytes are all read.
        fail_at_end: bool,
    }

    impl Trickle {
        fn new(bytes: &[u8], step: usize) -> Self {
            Trickle {
                bytes: bytes.to_vec(),
                at: 0,
                step,
                fail_at_end: false,
            }
        }
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len() - self.at);
            if n == 0 && self.fail_at_end {
                return Err(io::Error::other("disk gone"));
            }
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    /// Every line of a reader, with what it says about each.
    fn read_all<R: Read>(mut r: LineReader<R>) -> Vec<(u64, String, bool, bool)> {
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push((l.number, l.text.to_string(), l.truncated, l.may_match));
        }
        out
    }

    #[test]
    fn reading_ahead_gives_the_same_lines() {
        let mut text = String::new();
        for i in 0..2000 {
            text.push_str(&format!(
                "line {i} caf\u{e9} \u{1F600} {}\r\n",
                "z".repeat(i % 90)
            ));
        }
        let bytes = utf16le(&text, true);
        for step in [7, 4096, 1 << 20] {
            let here =
                LineReader::with_max_line(Trickle::new(&bytes, step), TextEncoding::Utf16LeBom, 60);
            let ahead =
                LineReader::with_max_line(Trickle::new(&bytes, step), TextEncoding::Utf16LeBom, 60)
                    .read_ahead();
            let (here, ahead) = (read_all(here), read_all(ahead));
            assert_eq!(here.len(), 2000);
            assert!(here[1999].1.starts_with("line 1999 café 😀"));
            assert_eq!(here, ahead, "step {step}");
        }
    }

    #[test]
    fn a_read_error_ahead_reaches_the_caller() {
        let mut source = Trickle::new(b"one\ntwo\nthr", 3);
        source.fail_at_end = true;
        let mut r = LineReader::new(source, TextEncoding::Utf8).read_ahead();
        assert_eq!(r.next_line().unwrap().unwrap().text, "one");
        assert_eq!(r.next_line().unwrap().unwrap().text, "two");
        let err = r.next_line().map(|_| ()).unwrap_err();
        assert_eq!(err.to_string(), "disk gone");
        assert_eq!(r.bytes_read(), 11);
    }

    #[test]
    fn replaced_characters_are_flagged() {
        // An unpaired surrogate (0xD800) in UTF-16 decodes to U+FFFD.
        let mut bytes = utf16le("ok\n", false);
        bytes.extend_from_slice(&[0x00, 0xD8, b'x', 0]);
        let got: Vec<_> = {
            let mut r = LineReader::new(&bytes[..], TextEncoding::Utf16Le);
            let mut out = Vec::new();
            while let Some(l) = r.next_line().unwrap() {
                out.push((l.text.to_string(), l.maybe_replaced));
            }
            out
        };
        assert_eq!(got.last().unwrap(), &("\u{fffd}x".to_string(), true));
    }

    #[test]
    fn screen_tells_each_line_as_a_search_of_the_line_would() {
        let words = ["denied", "Error 0x", "fail"];
        let screen = LineScreen::new(words);
        let mut text = String::new();
        for i in 0..300 {
            let filler = "x".repeat(i % 37);
            match i % 5 {
                0 => text.push_str(&format!("{filler} access DENIED {filler}\r\n")),
                1 => text.push_str(&format!("{filler}ERROR 0x80070005\n")),
                2 => text.push_str(&format!("nothing here {filler}\r\n")),
                3 => text.push_str(&format!("{filler}fai\nl split by a line end\n")),
                _ => text.push_str(&format!("{}failed at the end\n", "y".repeat(i))),
            }
        }
        let cases = [(1, 1000), (7, 1000), (4096, 1000), (13, 40), (4096, 40)];
        for ((step, max_line), ahead) in cases.into_iter().flat_map(|c| [(c, false), (c, true)]) {
            let mut r = LineReader::with_max_line(
                Trickle::new(text.as_bytes(), step),
                TextEncoding::Utf8,
                max_line,
            )
            .with_screen(screen.clone());
            if ahead {
                r = r.read_ahead();
            }
            let lines = read_all(r);
            for (number, text, truncated, may_match) in &lines {
                let expected = screen.is_match(text) || *truncated;
                assert_eq!(*may_match, expected, "step {step}, line {number}: {text:?}");
            }
            // 300 lines, 60 of them split in two.
            assert_eq!(lines.len(), 360, "step {step}");
        }
    }

    #[test]
    fn the_clue_screen_tells_each_corpus_line_as_a_search_of_the_line_would() {
        // The chunk search (the wide packed search where the processor has it, words in
        // buckets by their order) against the plain search of each line, on the real logs.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let Ok(entries) = std::fs::read_dir(dir.join("msilog")) else {
            eprintln!("SKIPPED: ../shared/corpus not found");
            return;
        };
        let screen = crate::analysis::signals::clue_screen();
        let mut matched = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let encoding = sniff_encoding(&bytes);
            for ahead in [false, true] {
                let source = std::io::Cursor::new(bytes.clone());
                let mut r = LineReader::new(source, encoding).with_screen(screen.clone());
                if ahead {
                    r = r.read_ahead();
                }
                for (number, text, truncated, may_match) in read_all(r) {
                    let expected = screen.is_match(&text) || truncated;
                    assert_eq!(may_match, expected, "{}:{number}", path.display());
                    matched += usize::from(may_match);
                }
            }
        }
        assert!(matched > 0);
    }

    #[test]
    fn without_a_screen_every_line_may_match() {
        let mut r = LineReader::new(&b"a\nb"[..], TextEncoding::Utf8);
        assert!(r.next_line().unwrap().unwrap().may_match);
        assert!(r.next_line().unwrap().unwrap().may_match);
    }

    #[test]
    fn escapes_are_flagged_in_every_line_that_holds_one() {
        // ESC and CSI in lines on both sides of the first 256 KiB chunk's end, one straddling it,
        // and a 9B byte of another character (U+01DB): a flag may be set for a line without an
        // escape, never missing for one with it.
        let mut text = "plain line \u{1db}\n".repeat(30_000);
        for at in [1000, 256 * 1024 - 2, 300_000] {
            let at = (at..).find(|&i| text.is_char_boundary(i)).unwrap();
            text.insert_str(at, "\nred \u{1b}[31m x \u{9b}0m\n");
        }
        for (ahead, step) in [
            (false, 1 << 20),
            (true, 1 << 20),
            (false, 4093),
            (true, 4093),
        ] {
            let mut r = LineReader::new(Trickle::new(text.as_bytes(), step), TextEncoding::Utf8);
            if ahead {
                r = r.read_ahead();
            }
            let mut escapes = 0;
            while let Some(line) = r.next_line().unwrap() {
                if line.text.contains(['\u{1b}', '\u{9b}']) {
                    assert!(line.maybe_escape, "line {}", line.number);
                    escapes += 1;
                }
            }
            assert_eq!(escapes, 3, "ahead {ahead}, step {step}");
        }
        let mut plain = LineReader::new(&b"no escape here\n"[..], TextEncoding::Utf8);
        assert!(!plain.next_line().unwrap().unwrap().maybe_escape);
    }

    #[test]
    fn control_characters_are_seen_across_chunk_edges() {
        let mut text = "plain line\n".repeat(40_000);
        // A binary line that straddles the first 256 KiB chunk's end: two of its three control
        // characters are in the first chunk, one in the second.
        let at = 256 * 1024 - 3;
        text.insert_str(at, "\n\u{1}\u{2}\u{3}junk\n");
        for ahead in [false, true] {
            let mut r = LineReader::new(
                std::io::Cursor::new(text.clone().into_bytes()),
                TextEncoding::Utf8,
            );
            if ahead {
                r = r.read_ahead();
            }
            let mut junk = Vec::new();
            while let Some(line) = r.next_line().unwrap() {
                if line.text.contains("junk") {
                    junk.push(line.maybe_binary);
                }
            }
            assert_eq!(junk, vec![true], "ahead: {ahead}");
        }
    }
}

#[cfg(test)]
mod example_read_ahead_example {
    #[test]
    fn read_ahead_example() {
        use crate::text::{LineReader, TextEncoding};
        let source = std::io::Cursor::new(b"one\ntwo\n".to_vec());
        let mut r = LineReader::new(source, TextEncoding::Utf8).read_ahead();
        assert_eq!(r.next_line().unwrap().unwrap().text, "one");
        assert_eq!(r.next_line().unwrap().unwrap().text, "two");
        assert!(r.next_line().unwrap().is_none());
    }
}

#[cfg(test)]
mod example_line_reader_example {
    #[test]
    fn line_reader_example() {
        use crate::text::{LineReader, TextEncoding};
        let bytes = b"one\r\ntwo\nthree";
        let mut r = LineReader::new(&bytes[..], TextEncoding::Utf8);
        let mut seen = Vec::new();
        while let Some(line) = r.next_line().unwrap() {
            seen.push((line.number, line.text.to_string()));
        }
        assert_eq!(
            seen,
            vec![(1, "one".into()), (2, "two".into()), (3, "three".into())]
        );
    }
}

#[cfg(test)]
mod example_control_bytes_example {
    #[test]
    fn control_bytes_example() {
        assert_eq!(crate::text::control_bytes(b"a\tb\r\n\x01\x1b"), 2);
    }
}

#[cfg(test)]
mod example_sniff_encoding_example {
    #[test]
    fn sniff_encoding_example() {
        use crate::text::{sniff_encoding, TextEncoding};
        assert_eq!(sniff_encoding(b"\xff\xfe=\0=\0"), TextEncoding::Utf16LeBom);
        assert_eq!(sniff_encoding(b"=\0=\0=\0 \0V\0"), TextEncoding::Utf16Le);
        assert_eq!(
            sniff_encoding(b"Action start 7:21:48: INSTALL."),
            TextEncoding::Utf8
        );
        assert_eq!(sniff_encoding(b"caf\xe9"), TextEncoding::Windows1252);
    }
}
