//! A bounds-checked little-endian cursor over bytes: every read of a PML structure goes through
//! it, so a bad size or offset ends a structure with `None`, never a panic.

/// A cursor over a byte slice; reads past the end return `None`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, at: 0 }
    }

    /// A cursor at `at` in `bytes` (past the end: every read fails).
    pub(crate) fn at(bytes: &'a [u8], at: usize) -> Self {
        Cursor { bytes, at }
    }

    /// Bytes read so far.
    pub(crate) fn position(&self) -> usize {
        self.at
    }

    /// Bytes left.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    /// Skip `n` bytes.
    pub(crate) fn skip(&mut self, n: usize) -> Option<()> {
        self.take(n).map(|_| ())
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    /// A pointer-sized value (8 bytes in a 64-bit capture, 4 otherwise).
    pub(crate) fn pvoid(&mut self, wide: bool) -> Option<u64> {
        if wide {
            self.u64()
        } else {
            self.u32().map(u64::from)
        }
    }
}

/// UTF-16LE bytes as text (unpaired surrogates replaced), without trailing NULs.
pub(crate) fn utf16(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() / 2);
    push_utf16(&mut out, bytes);
    out
}

/// Append UTF-16LE bytes as text to `out`, stopping at the first NUL.
pub(crate) fn push_utf16(out: &mut String, bytes: &[u8]) {
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|u| *u != 0);
    for c in char::decode_utf16(units) {
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
}

/// Append Latin-1 bytes (Process Monitor's "ASCII" detail strings) as text, up to a NUL.
pub(crate) fn push_latin1(out: &mut String, bytes: &[u8]) {
    let end = memchr::memchr(0, bytes).unwrap_or(bytes.len());
    let bytes = &bytes[..end];
    match std::str::from_utf8(bytes) {
        Ok(ascii) if bytes.is_ascii() => out.push_str(ascii),
        _ => out.extend(bytes.iter().map(|b| *b as char)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_end() {
        let mut c = Cursor::new(&[1, 0, 2, 0, 0, 0, 9]);
        assert_eq!(c.u16(), Some(1));
        assert_eq!(c.u32(), Some(2));
        assert_eq!(c.u16(), None);
        assert_eq!(c.u8(), Some(9));
        assert_eq!(c.u8(), None);
        assert_eq!(Cursor::at(&[1], 5).u8(), None);
        assert_eq!(Cursor::new(&[0; 4]).take(usize::MAX), None);
    }

    #[test]
    fn utf16_text_ends_at_nul() {
        assert_eq!(utf16(b"C\0:\0\\\0\0\0x\0"), "C:\\");
        assert_eq!(utf16(&[0x00, 0xD8, b'a', 0]), "\u{fffd}a");
    }
}
