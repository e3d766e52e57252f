//! Where the bytes of a decoded text were in its file: readers that decode UTF-16 or
//! Windows-1252 into UTF-8 before parsing (the event-log XML export reader) report positions in
//! the file, not in the decoded text (which can be longer than the file: a Windows-1252 `ñ` takes
//! two UTF-8 bytes, and an ASCII character of a UTF-16 file two file bytes for one).

use crate::text::TextEncoding;

/// How many of the last decoded bytes are remembered to map a position behind the newest one.
const RECENT: usize = 1 << 16;

/// How file bytes become decoded bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoding {
    /// UTF-8 read as it is (after a byte order mark, when there is one).
    Same,
    /// UTF-16: two file bytes a character, four for one outside the basic plane.
    Utf16,
    /// One file byte a character (Windows-1252).
    SingleByte,
}

/// Follows a decoded text as it is read, to map its positions back to the file.
#[derive(Debug)]
pub(crate) struct FileOffsets {
    decoding: Decoding,
    /// Bytes of the file skipped before the text (a byte order mark).
    bom: u64,
    /// Decoded bytes read so far.
    decoded: u64,
    /// The file offset of the next decoded byte.
    file: u64,
    /// The file offset just after the last line feed read.
    line_start: u64,
    /// The last decoded bytes read, as a ring of at most [`RECENT`] bytes.
    recent: Vec<u8>,
    next: usize,
}

impl FileOffsets {
    /// Offsets of a text decoded from a file in `encoding`.
    pub(crate) fn new(encoding: TextEncoding) -> Self {
        let decoding = match encoding {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => Decoding::Same,
            TextEncoding::Utf16LeBom | TextEncoding::Utf16Le | TextEncoding::Utf16BeBom => {
                Decoding::Utf16
            }
            TextEncoding::Windows1252 => Decoding::SingleByte,
        };
        let bom = encoding.bom_len() as u64;
        FileOffsets {
            decoding,
            bom,
            decoded: 0,
            file: bom,
            line_start: bom,
            recent: Vec::new(),
            next: 0,
        }
    }

    /// File bytes of the character a decoded byte starts (0 for a continuation byte).
    fn width(&self, b: u8) -> u64 {
        if b & 0xC0 == 0x80 {
            return 0;
        }
        match self.decoding {
            Decoding::Same => 1,
            Decoding::Utf16 if b >= 0xF0 => 4,
            Decoding::Utf16 => 2,
            Decoding::SingleByte => 1,
        }
    }

    /// The next decoded bytes have been read.
    pub(crate) fn advance(&mut self, decoded: &[u8]) {
        self.decoded += decoded.len() as u64;
        if self.decoding == Decoding::Same {
            self.file += decoded.len() as u64;
            if let Some(at) = memchr::memrchr(b'\n', decoded) {
                self.line_start = self.file - (decoded.len() - at - 1) as u64;
            }
            return;
        }
        for &b in decoded {
            self.file += self.width(b);
            if b == b'\n' {
                self.line_start = self.file;
            }
            if self.recent.len() < RECENT {
                self.recent.push(b);
            } else {
                self.recent[self.next] = b;
            }
            self.next = (self.next + 1) % RECENT;
        }
    }

    /// The file offset of the decoded byte at `decoded` (a position at most [`RECENT`] bytes
    /// behind the newest one is exact; one further behind is given as the newest one's).
    pub(crate) fn file_offset(&self, decoded: u64) -> u64 {
        if self.decoding == Decoding::Same {
            return self.bom + decoded;
        }
        let gap = self.decoded.saturating_sub(decoded) as usize;
        if gap > self.recent.len() {
            return self.file;
        }
        let behind: u64 = (1..=gap)
            .map(|k| self.recent[(self.next + RECENT - k) % RECENT])
            .map(|b| self.width(b))
            .sum();
        self.file - behind
    }

    /// The file offset just after the last line feed read (the start of the current line).
    pub(crate) fn line_start(&self) -> u64 {
        self.line_start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn follow(encoding: TextEncoding, text: &str, pieces: usize) -> FileOffsets {
        let mut o = FileOffsets::new(encoding);
        let bytes = text.as_bytes();
        for chunk in bytes.chunks(pieces.max(1)) {
            o.advance(chunk);
        }
        o
    }

    #[test]
    fn decoded_positions_map_to_the_file() {
        // "añb\n<x": decoded ñ is 2 bytes; in UTF-16 each character is 2 file bytes.
        let text = "añb\n<x";
        let at_lt = text.find('<').unwrap() as u64;
        let o = follow(TextEncoding::Utf16LeBom, text, 2);
        assert_eq!(o.file_offset(at_lt), 2 + 2 * 4);
        assert_eq!(o.line_start(), 2 + 2 * 4);
        assert_eq!(o.file_offset(text.len() as u64), 2 + 2 * 6);
        let o = follow(TextEncoding::Windows1252, text, 1);
        assert_eq!(o.file_offset(at_lt), 4);
        let o = follow(TextEncoding::Utf8Bom, text, 3);
        assert_eq!(o.file_offset(at_lt), 3 + at_lt);
        assert_eq!(o.line_start(), 3 + at_lt);
        // A character outside the basic plane: 4 UTF-8 bytes, 4 UTF-16 file bytes.
        let o = follow(TextEncoding::Utf16Le, "𝄞<", 1);
        assert_eq!(o.file_offset(4), 4);
    }
}
