//! The lines of a text copy, cleaned of the quoting a forum or a ticket added.

use crate::source::SourceError;
use crate::text::{LineReader, TextEncoding};
use std::collections::VecDeque;
use std::io::Read;

/// One line of the input, cleaned of quoting a forum or a ticket added.
#[derive(Debug, Clone)]
pub(crate) struct TextLine {
    /// 1-based line number in the input.
    pub number: u64,
    /// The text without trailing white space, markdown quote markers or `<br />`.
    pub text: String,
}

impl TextLine {
    /// The text without leading white space.
    pub fn trimmed(&self) -> &str {
        self.text.trim_start()
    }

    /// True for a line with no text.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// The lines of an input with look-ahead, cleaned.
pub(crate) struct Lines<R> {
    reader: LineReader<R>,
    ahead: VecDeque<TextLine>,
    done: bool,
    pub(super) error: Option<SourceError>,
    /// Lines whose markdown quote marker or HTML line break was removed.
    pub unquoted: u64,
}

impl<R: Read> Lines<R> {
    pub(super) fn new(source: R, encoding: TextEncoding) -> Self {
        Lines {
            reader: LineReader::new(source, encoding),
            ahead: VecDeque::new(),
            done: false,
            error: None,
            unquoted: 0,
        }
    }

    fn fill(&mut self, n: usize) {
        while self.ahead.len() < n && !self.done {
            match self.reader.next_line() {
                Ok(Some(line)) => {
                    let (text, changed) = clean_line(line.text);
                    self.unquoted += u64::from(changed);
                    self.ahead.push_back(TextLine {
                        number: line.number,
                        text,
                    });
                }
                Ok(None) => self.done = true,
                Err(source) => {
                    self.done = true;
                    self.error = Some(SourceError::Read {
                        line: self.reader.line_number() + 1,
                        source,
                    });
                }
            }
        }
    }

    /// The line `k` places ahead (0 = the next one).
    pub fn peek(&mut self, k: usize) -> Option<&TextLine> {
        self.fill(k + 1);
        self.ahead.get(k)
    }

    /// The next line.
    pub fn next_line(&mut self) -> Option<TextLine> {
        self.fill(1);
        self.ahead.pop_front()
    }

    /// The next non-blank line at or after `k` places ahead, within `limit` lines.
    pub fn peek_text(&mut self, k: usize, limit: usize) -> Option<&TextLine> {
        let mut i = k;
        while i < k + limit {
            let blank = self.peek(i)?.is_blank();
            if !blank {
                return self.peek(i);
            }
            i += 1;
        }
        None
    }

    pub(super) fn lines_read(&self) -> u64 {
        self.reader.line_number()
    }
}

/// A line without trailing white space, without leading markdown quote markers (`> `) and without
/// trailing HTML line breaks (`<br />`); true when something besides white space was removed.
fn clean_line(text: &str) -> (String, bool) {
    let mut t = text.trim_end_matches(['\r', ' ', '\t', '\u{a0}']);
    let mut changed = false;
    loop {
        let lower = t.to_ascii_lowercase();
        let cut = ["<br />", "<br/>", "<br>"]
            .iter()
            .find(|b| lower.ends_with(*b))
            .map(|b| b.len());
        match cut {
            Some(n) => {
                t = t[..t.len() - n].trim_end();
                changed = true;
            }
            None => break,
        }
    }
    let mut s = t;
    while let Some(rest) = s
        .strip_prefix("> ")
        .or_else(|| s.strip_prefix('>').filter(|r| r.is_empty()))
    {
        s = rest;
        changed = true;
    }
    (s.to_string(), changed)
}
