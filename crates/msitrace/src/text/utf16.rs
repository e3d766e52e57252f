//! UTF-16LE decoding with a fast path for runs of ASCII, which make up almost all of an
//! installer log.

use encoding_rs::{Decoder, UTF_16LE};

/// A streaming UTF-16LE decoder: runs of ASCII code units are narrowed to bytes directly,
/// everything else goes through encoding_rs (and so is decoded, and replaced when invalid, as
/// encoding_rs does). The output equals encoding_rs's for any input and any split into pieces.
pub(super) struct Utf16LeDecoder {
    inner: Decoder,
    /// True when `inner` holds nothing pending: the last unit it saw was ASCII, or it saw none.
    clean: bool,
    /// The odd last byte of the previous piece: the first half of the next unit.
    odd: Option<u8>,
}

impl Utf16LeDecoder {
    pub(super) fn new() -> Self {
        Utf16LeDecoder {
            inner: UTF_16LE.new_decoder_without_bom_handling(),
            clean: true,
            odd: None,
        }
    }

    /// Decode the next piece of input, appending to `text` (`last`: nothing follows). Returns
    /// true when undecodable units were replaced with U+FFFD.
    pub(super) fn decode(&mut self, mut input: &[u8], text: &mut String, last: bool) -> bool {
        let mut replaced = false;
        if let Some(first) = self.odd.take() {
            match input.split_first() {
                Some((&second, rest)) => {
                    replaced |= self.units(&[first, second], text);
                    input = rest;
                }
                None => self.odd = Some(first),
            }
        }
        if input.len() % 2 == 1 {
            self.odd = input.last().copied();
            input = &input[..input.len() - 1];
        }
        replaced |= self.units(input, text);
        if last {
            // A lone byte or lead surrogate at the very end: encoding_rs says what it becomes.
            let odd = self.odd.take();
            let tail = odd.as_slice();
            reserve(&self.inner, tail.len(), text);
            replaced |= self.inner.decode_to_string(tail, text, true).2;
            self.clean = true;
        }
        replaced
    }

    /// Decode whole units.
    fn units(&mut self, mut input: &[u8], text: &mut String) -> bool {
        let mut replaced = false;
        loop {
            if self.clean {
                let ascii = push_ascii(input, text);
                input = &input[ascii..];
            }
            if input.is_empty() {
                return replaced;
            }
            // Through encoding_rs up to and including the next ASCII unit, after which it holds
            // nothing pending (a lone surrogate before it has been replaced).
            let next_ascii = input
                .chunks_exact(2)
                .position(|unit| unit[0] < 0x80 && unit[1] == 0);
            let end = next_ascii.map_or(input.len(), |i| 2 * i + 2);
            reserve(&self.inner, end, text);
            replaced |= self.inner.decode_to_string(&input[..end], text, false).2;
            self.clean = next_ascii.is_some();
            input = &input[end..];
        }
    }
}

/// Make room in `text` for whatever `len` more input bytes decode to.
fn reserve(decoder: &Decoder, len: usize, text: &mut String) {
    text.reserve(decoder.max_utf8_buffer_length(len).unwrap_or(len * 3 + 16));
}

/// Append the leading ASCII units of `input` as the bytes they are; returns how many bytes of
/// `input` they were (an even number). One pass: each block of units is checked and narrowed
/// at once.
fn push_ascii(input: &[u8], text: &mut String) -> usize {
    let mut bytes = [0u8; 4096];
    let mut at = 0;
    loop {
        let block = &input[at..input.len().min(at + 2 * bytes.len())];
        let mut n = 0;
        // 16 units at a time, a fixed shape the compiler turns into vector operations: one OR
        // over the block tells whether all are ASCII.
        for units in block.chunks_exact(32) {
            let wide: [u16; 16] =
                std::array::from_fn(|i| u16::from_le_bytes([units[2 * i], units[2 * i + 1]]));
            if wide.iter().fold(0u16, |bits, &unit| bits | unit) >= 0x80 {
                break;
            }
            for (byte, unit) in bytes[n..n + 16].iter_mut().zip(wide) {
                *byte = unit as u8;
            }
            n += 16;
        }
        // Then unit by unit, up to the first that is not ASCII.
        while 2 * n + 2 <= block.len() && block[2 * n] < 0x80 && block[2 * n + 1] == 0 {
            bytes[n] = block[2 * n];
            n += 1;
        }
        // ASCII is always UTF-8; the lossy branch is never taken.
        match std::str::from_utf8(&bytes[..n]) {
            Ok(ascii) => text.push_str(ascii),
            Err(_) => text.push_str(&String::from_utf8_lossy(&bytes[..n])),
        }
        at += 2 * n;
        // A block not narrowed whole ends at a unit that is not ASCII, or at the end.
        if n < bytes.len() || at == input.len() {
            return at;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// encoding_rs decoding the whole input at once.
    fn reference(input: &[u8]) -> (String, bool) {
        let mut decoder = UTF_16LE.new_decoder_without_bom_handling();
        let mut text = String::new();
        reserve(&decoder, input.len(), &mut text);
        let (_, _, replaced) = decoder.decode_to_string(input, &mut text, true);
        (text, replaced)
    }

    /// This decoder fed `input` in pieces cut at `cuts`.
    fn pieces(input: &[u8], cuts: &[usize]) -> (String, bool) {
        let mut decoder = Utf16LeDecoder::new();
        let mut text = String::new();
        let mut replaced = false;
        let mut from = 0;
        for &cut in cuts.iter().chain([&input.len()]) {
            let cut = cut.clamp(from, input.len());
            replaced |= decoder.decode(&input[from..cut], &mut text, false);
            from = cut;
        }
        replaced |= decoder.decode(&[], &mut text, true);
        (text, replaced)
    }

    #[test]
    fn decodes_as_encoding_rs_for_any_input_and_any_cuts() {
        // ASCII, Latin-1, CJK, a surrogate pair's halves, a control and a BOM, as units.
        let alphabet: [u16; 9] = [
            b'a' as u16,
            b'\n' as u16,
            0x00E9,
            0x4E2D,
            0xD83D,
            0xDE00,
            0x0001,
            0xFEFF,
            0x0080,
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..3000 {
            let len = next(80);
            let mut input = Vec::new();
            for _ in 0..len {
                // Mostly ASCII, as logs are, with long runs.
                let unit = if next(4) > 0 {
                    u16::from(b'a' + next(26) as u8)
                } else {
                    alphabet[next(alphabet.len())]
                };
                input.extend_from_slice(&unit.to_le_bytes());
            }
            if next(3) == 0 {
                input.push(0x41); // an odd trailing byte
            }
            let cuts: Vec<usize> = (0..next(5)).map(|_| next(input.len() + 1)).collect();
            let mut sorted = cuts.clone();
            sorted.sort_unstable();
            assert_eq!(
                pieces(&input, &sorted),
                reference(&input),
                "round {round}: {input:?} cut at {sorted:?}"
            );
        }
    }

    #[test]
    fn long_ascii_runs_and_edges() {
        let text: String = "Action start 12:00:00: X.\r\n".repeat(500) + "é😀";
        let input: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        for cut in [
            0,
            1,
            31,
            32,
            33,
            4095,
            8192,
            8193,
            input.len() - 3,
            input.len() - 1,
        ] {
            assert_eq!(pieces(&input, &[cut]), (text.clone(), false), "cut {cut}");
        }
        // A lead surrogate at the very end is replaced, as encoding_rs does.
        assert_eq!(
            pieces(&[0x61, 0, 0x3D, 0xD8], &[2]),
            ("a\u{fffd}".to_string(), true)
        );
    }
}
