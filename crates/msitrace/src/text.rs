//! Text inputs: encoding detection and a streaming, bounded line reader.
//!
//! Windows Installer logs are usually UTF-16LE with a BOM, sometimes UTF-16 without one, UTF-8, or
//! the machine's ANSI code page (read as Windows-1252). [`sniff_encoding`] decides from the first
//! bytes; [`LineReader`] decodes in chunks and yields lines with their 1-based numbers, whatever the
//! line endings (CRLF, LF, mixed). Lines longer than a limit are cut (and flagged), so a single
//! multi-gigabyte line never grows memory.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use encoding_rs::{Decoder, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
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
///
/// ```
/// use msitrace::text::{sniff_encoding, TextEncoding};
/// assert_eq!(sniff_encoding(b"\xff\xfe=\0=\0"), TextEncoding::Utf16LeBom);
/// assert_eq!(sniff_encoding(b"=\0=\0=\0 \0V\0"), TextEncoding::Utf16Le);
/// assert_eq!(sniff_encoding(b"Action start 7:21:48: INSTALL."), TextEncoding::Utf8);
/// assert_eq!(sniff_encoding(b"caf\xe9"), TextEncoding::Windows1252);
/// ```
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
    /// False when the reader has a [`LineScreen`] and none of its words is in the line; true
    /// otherwise (a word is there, or no screen was set).
    pub may_match: bool,
}

/// Words looked for in every line of a text, ignoring ASCII case.
///
/// A [`LineReader`] given a screen searches each decoded chunk once, instead of each line on its
/// own, and tells per line whether a word is there ([`Line::may_match`]): one long search is much
/// cheaper than a short one per line when, as in installer logs, most lines hold none of the words.
///
/// ```
/// use msitrace::text::{LineReader, LineScreen, TextEncoding};
/// let screen = LineScreen::new(["denied", "Error 0x"]);
/// assert!(screen.is_match("Access is DENIED."));
/// let mut r = LineReader::new(&b"ok\nerror 0X5 here\n"[..], TextEncoding::Utf8).with_screen(screen);
/// assert!(!r.next_line().unwrap().unwrap().may_match);
/// assert!(r.next_line().unwrap().unwrap().may_match);
/// ```
#[derive(Debug, Clone)]
pub struct LineScreen {
    /// The words in lower case, searched in lower-cased text (a case-sensitive search can use
    /// SIMD prefilters, which an ASCII-case-insensitive one cannot).
    words: AhoCorasick,
}

impl LineScreen {
    /// A screen for these words (case is ignored for ASCII letters).
    pub fn new<I, W>(words: I) -> Self
    where
        I: IntoIterator<Item = W>,
        W: AsRef<str>,
    {
        let lower: Vec<String> = words
            .into_iter()
            .map(|w| w.as_ref().to_ascii_lowercase())
            .collect();
        let words = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&lower)
            .expect("literal words always build");
        LineScreen { words }
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

    /// Append where the words are found in `text` (offsets shifted by `base`).
    fn find_all(&self, text: &[u8], base: u64, lower: &mut Vec<u8>, out: &mut VecDeque<Found>) {
        lower.clear();
        lower.extend_from_slice(text);
        lower.make_ascii_lowercase();
        out.extend(self.words.find_iter(&lower[..]).map(|m| Found {
            start: base + m.start() as u64,
        }));
    }
}

/// Where a screen word was found: its first byte, counted in decoded text from the start of
/// the input.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: u64,
}

/// The state of a [`LineScreen`] inside a reader: what has been searched and what was found.
#[derive(Debug)]
struct Screening {
    screen: LineScreen,
    /// Decoded text before this offset (from the start of the input) has been searched.
    done_to: u64,
    /// Words found and not yet passed by the lines handed out, in order.
    found: VecDeque<Found>,
    /// Reused buffer for the lower-cased text.
    lower: Vec<u8>,
}

/// Streaming line reader over any byte source, decoding as it goes.
///
/// ```
/// use msitrace::text::{LineReader, TextEncoding};
/// let bytes = b"one\r\ntwo\nthree";
/// let mut r = LineReader::new(&bytes[..], TextEncoding::Utf8);
/// let mut seen = Vec::new();
/// while let Some(line) = r.next_line().unwrap() {
///     seen.push((line.number, line.text.to_string()));
/// }
/// assert_eq!(seen, vec![(1, "one".into()), (2, "two".into()), (3, "three".into())]);
/// ```
pub struct LineReader<R> {
    source: R,
    decoder: Decoder,
    raw: Vec<u8>,
    /// Decoded text not yet handed out; `start..` is pending.
    text: String,
    start: usize,
    eof: bool,
    line_no: u64,
    max_line: usize,
    /// True while discarding the rest of a cut line.
    skipping: bool,
    bom_to_skip: usize,
    bytes_read: u64,
    /// Set once a decoded chunk needed replacement characters.
    replaced: bool,
    /// Decoded bytes dropped from the front of `text` so far: `text[i]` is byte `dropped + i`
    /// of the decoded input.
    dropped: u64,
    screening: Option<Screening>,
}

const CHUNK: usize = 256 * 1024;

impl<R: Read> LineReader<R> {
    /// A reader decoding `source` as `encoding`, skipping its byte-order mark.
    pub fn new(source: R, encoding: TextEncoding) -> Self {
        Self::with_max_line(source, encoding, DEFAULT_MAX_LINE)
    }

    /// Same as [`LineReader::new`] with a custom line-length limit (bytes of decoded text).
    pub fn with_max_line(source: R, encoding: TextEncoding, max_line: usize) -> Self {
        LineReader {
            source,
            decoder: encoding.encoding().new_decoder_without_bom_handling(),
            raw: vec![0; CHUNK],
            text: String::with_capacity(CHUNK * 2),
            start: 0,
            eof: false,
            line_no: 0,
            max_line: max_line.max(16),
            skipping: false,
            bom_to_skip: encoding.bom_len(),
            bytes_read: 0,
            replaced: false,
            dropped: 0,
            screening: None,
        }
    }

    /// Tell for each line whether it holds a word of `screen` ([`Line::may_match`]).
    pub fn with_screen(mut self, screen: LineScreen) -> Self {
        self.screening = Some(Screening {
            screen,
            done_to: self.dropped + self.start as u64,
            found: VecDeque::new(),
            lower: Vec::new(),
        });
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
        // Drop what has been handed out before growing the buffer.
        if self.start > 0 {
            self.text.drain(..self.start);
            self.dropped += self.start as u64;
            self.start = 0;
        }
        let n = loop {
            match self.source.read(&mut self.raw) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.bytes_read += n as u64;
        let mut input = &self.raw[..n];
        if self.bom_to_skip > 0 {
            let skip = self.bom_to_skip.min(input.len());
            input = &input[skip..];
            self.bom_to_skip -= skip;
        }
        let last = n == 0;
        let need = self
            .decoder
            .max_utf8_buffer_length(input.len())
            .unwrap_or(input.len() * 3 + 16);
        self.text.reserve(need);
        let (_result, _read, _replaced) =
            self.decoder.decode_to_string(input, &mut self.text, last);
        if last {
            self.eof = true;
        }
        Ok(true)
    }

    /// The next line, or `None` at end of input.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        loop {
            let pending = &self.text.as_bytes()[self.start..];
            if let Some(nl) = memchr::memchr(b'\n', pending) {
                let begin = self.start;
                self.start += nl + 1;
                if self.skipping {
                    self.skipping = false;
                    continue;
                }
                let mut end = without_cr(self.text.as_bytes(), begin, begin + nl);
                let truncated = end - begin > self.max_line;
                if truncated {
                    end = begin + self.max_line;
                    while !self.text.is_char_boundary(end) {
                        end -= 1;
                    }
                }
                return Ok(Some(self.line(begin, end, truncated)));
            }
            if pending.len() > self.max_line && !self.skipping {
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
        let may_match = match &mut self.screening {
            Some(screening) => {
                screening.search(&self.text, self.dropped, end);
                let found = screening.holds(self.dropped + begin as u64, self.dropped + end as u64);
                // A cut line may have lost the end of a word: say it may match.
                found || truncated
            }
            None => true,
        };
        Line {
            number: self.line_no,
            text: &self.text[begin..end],
            truncated,
            maybe_replaced: self.replaced,
            may_match,
        }
    }
}

impl Screening {
    /// Make sure `text` (whose byte 0 is byte `dropped` of the input) has been searched up to
    /// `upto`: the search runs from where the last one stopped to the last complete line of the
    /// buffer, so each decoded chunk is searched once, in one piece.
    fn search(&mut self, text: &str, dropped: u64, upto: usize) {
        if dropped + upto as u64 <= self.done_to {
            return;
        }
        let from = (self.done_to.saturating_sub(dropped)) as usize;
        let bytes = text.as_bytes();
        let to = match memchr::memrchr(b'\n', &bytes[upto..]) {
            Some(nl) => upto + nl + 1,
            None => upto,
        };
        self.screen.find_all(
            &bytes[from..to],
            dropped + from as u64,
            &mut self.lower,
            &mut self.found,
        );
        self.done_to = dropped + to as u64;
    }

    /// True when a word was found in the line `[begin, end)` (words hold no line break, so one
    /// that starts in a line ends in it); words before `begin` are forgotten, as lines are asked
    /// for in order.
    fn holds(&mut self, begin: u64, end: u64) -> bool {
        while self.found.front().is_some_and(|s| s.start < begin) {
            self.found.pop_front();
        }
        self.found.front().is_some_and(|s| s.start < end)
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
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
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
        for (step, max_line) in [(1, 1000), (7, 1000), (4096, 1000), (13, 40)] {
            let mut r = LineReader::with_max_line(
                Trickle(text.as_bytes(), step),
                TextEncoding::Utf8,
                max_line,
            )
            .with_screen(screen.clone());
            let mut count = 0;
            while let Some(line) = r.next_line().unwrap() {
                count += 1;
                let expected = screen.is_match(line.text) || line.truncated;
                assert_eq!(
                    line.may_match, expected,
                    "step {step}, line {}: {:?}",
                    line.number, line.text
                );
            }
            // 300 lines, 60 of them split in two.
            assert_eq!(count, 360, "step {step}");
        }
    }

    #[test]
    fn without_a_screen_every_line_may_match() {
        let mut r = LineReader::new(&b"a\nb"[..], TextEncoding::Utf8);
        assert!(r.next_line().unwrap().unwrap().may_match);
        assert!(r.next_line().unwrap().unwrap().may_match);
    }
}
