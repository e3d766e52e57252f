//! Bounds on what one record of an input may cost, so that memory grows with what is kept and
//! never with the length of one row, element or text.
//!
//! The CSV and XML libraries the readers use buffer a whole record (a CSV row, an XML text or
//! tag) before handing it over: one row of 100 MiB of commas took a gigabyte. These adapters sit
//! between the file and those libraries:
//!
//! - [`CsvRowLimit`] follows the CSV grammar byte by byte (quotes, doubled quotes, line breaks
//!   inside quoted fields) and cuts a row longer than its limit: the rest of the row is dropped
//!   and the row ends with one extra field, [`CUT_ROW_MARK`], which the reader turns into an
//!   error naming the row.
//! - [`XmlBudget`] lets an XML reader take at most a number of bytes between two calls to
//!   [`XmlBudget::renew`]; past it, reading fails with an error that [`over_budget`] recognises,
//!   and [`XmlBudget::skip_to_markup`] moves on to the next `<` so that the reader can go on.

use std::io::{self, BufRead, Read};

/// Longest Process Monitor CSV row read whole, in bytes (a Process Start row with a full
/// environment block and command line is well under 100 KiB).
pub(crate) const MAX_CSV_ROW: u64 = 1 << 20;

/// Most bytes one XML record (an event-log `<Event>`, or one element or text of a Process Monitor
/// export) may take. An event rendered from an EVTX record (at most a 64 KiB chunk of binary XML)
/// is far below it. The XML reader's buffer grows by doubling and the CLI's allocator copies on
/// growth, so one record over the limit costs about three times the limit at its peak.
pub(crate) const MAX_XML_RECORD: u64 = 8 << 20;

/// The last field of a row cut by [`CsvRowLimit`] (never part of a Process Monitor export: it
/// starts with a NUL character).
pub(crate) const CUT_ROW_MARK: &[u8] = b"\0msitrace: row cut";

/// Where the CSV grammar is, byte by byte (as `csv-core` reads it with the defaults the readers
/// use: `"` quotes, doubled quotes inside quotes, `,` between fields, CR or LF ending a row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CsvState {
    /// At the start of a field.
    FieldStart,
    /// Inside a field that did not start with a quote.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field (the field's end, or half of a doubled quote).
    QuoteInQuoted,
}

impl CsvState {
    /// The state after `b`, and whether `b` ended the row.
    fn step(self, b: u8) -> (CsvState, bool) {
        use CsvState::*;
        match (self, b) {
            (Quoted, b'"') => (QuoteInQuoted, false),
            (Quoted, _) => (Quoted, false),
            (_, b'\r' | b'\n') => (FieldStart, true),
            (_, b',') => (FieldStart, false),
            (FieldStart, b'"') => (Quoted, false),
            (QuoteInQuoted, b'"') => (Quoted, false),
            _ => (Unquoted, false),
        }
    }
}

/// A CSV byte stream whose rows are at most a limit long (see the module documentation).
pub(crate) struct CsvRowLimit<R> {
    inner: R,
    limit: u64,
    state: CsvState,
    /// Bytes of the current row handed on so far.
    row: u64,
    /// True while dropping the rest of a cut row.
    cutting: bool,
    /// What is handed on before the next input byte: the end of a cut row.
    mark: Vec<u8>,
    mark_at: usize,
    buf: Box<[u8]>,
    at: usize,
    len: usize,
}

impl<R: Read> CsvRowLimit<R> {
    /// Rows of `inner` cut at `limit` bytes.
    pub(crate) fn new(inner: R, limit: u64) -> Self {
        CsvRowLimit {
            inner,
            limit: limit.max(1),
            state: CsvState::FieldStart,
            row: 0,
            cutting: false,
            mark: Vec::new(),
            mark_at: 0,
            buf: vec![0; 1 << 16].into_boxed_slice(),
            at: 0,
            len: 0,
        }
    }

    /// Follow the grammar over `buf[from..stop]`, a search at a time (quoted text up to its quote,
    /// other text up to a quote or a line break); stop just after a byte that ends the row.
    /// Returns where it stopped and whether the row ended there.
    fn scan(&mut self, from: usize, stop: usize) -> (usize, bool) {
        let mut i = from;
        while i < stop {
            let rest = &self.buf[i..stop];
            if self.state == CsvState::Quoted {
                match memchr::memchr(b'"', rest) {
                    // `","`: the field ends and the next one is quoted too (every field of a
                    // Process Monitor export), one search per field.
                    Some(k) if rest.get(k + 1..k + 3) == Some(b",\"") => i += k + 3,
                    Some(k) => {
                        i += k + 1;
                        self.state = CsvState::QuoteInQuoted;
                    }
                    None => i = stop,
                }
                continue;
            }
            let k = memchr::memchr3(b'"', b'\r', b'\n', rest).unwrap_or(rest.len());
            if k == 0 {
                let (next, ended) = self.state.step(rest[0]);
                self.state = next;
                i += 1;
                if ended {
                    return (i, true);
                }
            } else {
                // Bytes that are neither quotes nor line breaks: the last one tells the state.
                self.state = if rest[k - 1] == b',' {
                    CsvState::FieldStart
                } else {
                    CsvState::Unquoted
                };
                i += k;
            }
        }
        (i, false)
    }

    /// Start cutting the current row: close an open quoted field and add the mark field.
    fn cut(&mut self) {
        self.mark.clear();
        self.mark_at = 0;
        if self.state == CsvState::Quoted {
            self.mark.push(b'"');
        }
        self.mark.extend_from_slice(b",\"");
        self.mark.extend_from_slice(CUT_ROW_MARK);
        self.mark.push(b'"');
        self.cutting = true;
    }
}

impl<R: Read> Read for CsvRowLimit<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            if self.mark_at < self.mark.len() {
                let k = (self.mark.len() - self.mark_at).min(out.len() - n);
                out[n..n + k].copy_from_slice(&self.mark[self.mark_at..self.mark_at + k]);
                self.mark_at += k;
                n += k;
                continue;
            }
            if self.at == self.len {
                if n > 0 {
                    break;
                }
                self.len = self.inner.read(&mut self.buf)?;
                self.at = 0;
                if self.len == 0 {
                    break;
                }
            }
            if self.cutting {
                // Drop the rest of the row; its end is handed on below.
                let (at, ended) = self.scan(self.at, self.len);
                self.at = at;
                if ended {
                    self.at -= 1;
                    self.cutting = false;
                    self.row = 0;
                }
                continue;
            }
            let end = self.len.min(self.at + (out.len() - n));
            let mut i = self.at;
            let mut cut = false;
            while i < end {
                let room = self.limit.saturating_sub(self.row);
                if room == 0 {
                    // Only the end of the row may follow.
                    let b = self.buf[i];
                    if self.state != CsvState::Quoted && matches!(b, b'\r' | b'\n') {
                        self.state = CsvState::FieldStart;
                        self.row = 0;
                        i += 1;
                        continue;
                    }
                    cut = true;
                    break;
                }
                let stop = end.min(i.saturating_add(usize::try_from(room).unwrap_or(usize::MAX)));
                let (at, ended) = self.scan(i, stop);
                self.row = if ended { 0 } else { self.row + (at - i) as u64 };
                i = at;
            }
            let k = i - self.at;
            out[n..n + k].copy_from_slice(&self.buf[self.at..i]);
            n += k;
            self.at = i;
            if cut {
                self.cut();
            }
        }
        Ok(n)
    }
}

/// The error an [`XmlBudget`] fails with once its budget is spent.
#[derive(Debug, thiserror::Error)]
#[error("an XML record, element or text longer than {limit} bytes (memory is bounded)")]
pub(crate) struct OverBudget {
    limit: u64,
}

/// True when an XML error is an [`XmlBudget`] refusing to read on.
pub(crate) fn over_budget(e: &quick_xml::Error) -> bool {
    matches!(e, quick_xml::Error::Io(io) if io.get_ref().is_some_and(|i| i.is::<OverBudget>()))
}

/// True when an XML error is an end tag that closes no element the reader opened. A fresh
/// reader, started where an earlier one gave up (past an over-long record or a syntax error),
/// meets the end tags of the elements the earlier one had opened (`<Events>`, the rest of the
/// record skipped): on such a reader they are no news.
pub(crate) fn unmatched_end_tag(e: &quick_xml::Error) -> bool {
    matches!(
        e,
        quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::UnmatchedEndTag(_))
    )
}

/// A buffered reader that hands an XML reader at most a budget of bytes between two
/// [`renew`](XmlBudget::renew)s (see the module documentation).
pub(crate) struct XmlBudget<B> {
    inner: B,
    limit: u64,
    left: u64,
    consumed: u64,
}

impl<B: BufRead> XmlBudget<B> {
    /// `inner`, read `limit` bytes at a time.
    pub(crate) fn new(inner: B, limit: u64) -> Self {
        XmlBudget {
            inner,
            limit,
            left: limit,
            consumed: 0,
        }
    }

    /// A new budget, for the next record.
    pub(crate) fn renew(&mut self) {
        self.left = self.limit;
    }

    /// Drop bytes up to the next `<` (the start of the next element), renew the budget, and
    /// return how many bytes were dropped.
    pub(crate) fn skip_to_markup(&mut self) -> io::Result<u64> {
        let mut dropped = 0u64;
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            match memchr::memchr(b'<', buf) {
                Some(0) => break,
                Some(at) => {
                    self.inner.consume(at);
                    dropped += at as u64;
                    break;
                }
                None => {
                    let n = buf.len();
                    self.inner.consume(n);
                    dropped += n as u64;
                }
            }
        }
        self.consumed += dropped;
        self.renew();
        Ok(dropped)
    }

    /// Bytes consumed or dropped so far: where an XML reader started on this one now would start.
    pub(crate) fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The reader underneath.
    pub(crate) fn get_ref(&self) -> &B {
        &self.inner
    }
}

impl<B: BufRead> BufRead for XmlBudget<B> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let (left, limit) = (self.left, self.limit);
        let buf = self.inner.fill_buf()?;
        if buf.is_empty() {
            return Ok(buf);
        }
        if left == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                OverBudget { limit },
            ));
        }
        let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        Ok(&buf[..n])
    }

    fn consume(&mut self, amt: usize) {
        self.left = self.left.saturating_sub(amt as u64);
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

impl<B: BufRead> Read for XmlBudget<B> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through_limit(input: &[u8], limit: u64, read_size: usize) -> Vec<u8> {
        let mut r = CsvRowLimit::new(input, limit);
        let mut out = Vec::new();
        let mut buf = vec![0u8; read_size];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    fn records(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes)
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    /// The cut rows of `input`, byte by byte: what the searching reader must give.
    fn reference(input: &[u8], limit: u64) -> Vec<u8> {
        let (mut state, mut row, mut cutting) = (CsvState::FieldStart, 0u64, false);
        let mut out = Vec::new();
        for &b in input {
            let terminator = state != CsvState::Quoted && matches!(b, b'\r' | b'\n');
            if cutting {
                if terminator {
                    cutting = false;
                    row = 0;
                    state = CsvState::FieldStart;
                    out.push(b);
                } else {
                    state = state.step(b).0;
                }
                continue;
            }
            let (next, ended) = state.step(b);
            if !ended && row >= limit {
                if state == CsvState::Quoted {
                    out.push(b'"');
                }
                out.extend_from_slice(b",\"");
                out.extend_from_slice(CUT_ROW_MARK);
                out.push(b'"');
                cutting = true;
                state = next;
                continue;
            }
            state = next;
            row = if ended { 0 } else { row + 1 };
            out.push(b);
        }
        out
    }

    #[test]
    fn the_searching_reader_cuts_exactly_where_a_byte_by_byte_one_does() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for case in 0..400 {
            let len = (case * 7) % 300;
            let input: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    b"\"\"\",,,\r\nab"[(x % 9) as usize]
                })
                .collect();
            for limit in [1, 2, 5, 17, 1000] {
                let want = reference(&input, limit);
                for size in [1, 3, 64] {
                    assert_eq!(
                        through_limit(&input, limit, size),
                        want,
                        "{:?} limit {limit} reads of {size}",
                        String::from_utf8_lossy(&input)
                    );
                }
            }
        }
    }

    #[test]
    fn rows_under_the_limit_pass_unchanged_whatever_the_read_size() {
        let text = b"\"a\",\"b\"\r\n\"x\ny\",\"q\"\"\"\"\r\n\n\"3\",4\r5\n";
        for size in [1, 2, 3, 7, 64] {
            assert_eq!(through_limit(text, 64, size), text.to_vec(), "{size}");
        }
    }

    #[test]
    fn a_long_row_is_cut_with_the_mark_and_the_next_rows_survive() {
        let mut text = b"\"h1\",\"h2\"\n".to_vec();
        text.extend(std::iter::repeat_n(b',', 10_000));
        text.extend_from_slice(b"\n\"");
        text.extend(std::iter::repeat_n(b'\n', 10_000));
        text.extend_from_slice(b"\",\"x\"\n\"ok\",\"1\"\n");
        for size in [1, 5, 4096] {
            let out = through_limit(&text, 100, size);
            let rows = records(&out);
            assert_eq!(rows.len(), 4, "{size}");
            assert_eq!(rows[0], vec![b"h1".to_vec(), b"h2".to_vec()]);
            assert_eq!(rows[1].last().unwrap(), CUT_ROW_MARK);
            assert_eq!(rows[1].len(), 102, "100 commas, the mark");
            assert_eq!(rows[2].last().unwrap(), CUT_ROW_MARK);
            assert_eq!(rows[2].len(), 2);
            assert_eq!(rows[3], vec![b"ok".to_vec(), b"1".to_vec()]);
        }
    }

    #[test]
    fn a_row_cut_by_the_end_of_the_input_still_ends_with_the_mark() {
        let text = [b"\"a".as_slice(), &[b'x'; 500]].concat();
        let rows = records(&through_limit(&text, 10, 3));
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0][0].len(),
            9,
            "the quote and nine bytes were handed on"
        );
        assert_eq!(rows[0][1], CUT_ROW_MARK);
    }

    #[test]
    fn the_xml_budget_refuses_past_its_limit_and_skips_to_the_next_element() {
        let text = [b"<a>".as_slice(), &[b'x'; 100], b"<b/>"].concat();
        let mut r = XmlBudget::new(&text[..], 10);
        let mut out = Vec::new();
        let e = r.read_to_end(&mut out).unwrap_err();
        assert!(e.get_ref().unwrap().is::<OverBudget>());
        assert_eq!(out.len(), 10);
        assert_eq!(r.skip_to_markup().unwrap(), 93);
        assert_eq!(r.consumed(), 103);
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"<b/>");
    }
}
