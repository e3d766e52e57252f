//! Substitution values of a template instance as text, exactly as the XML rendering of the
//! `evtx` crate writes them and [`crate::source::eventxml`] reads them back (MS-EVEN6 2.2.18):
//! decimal integers, `0x` lowercase hex for HexInt and SizeT, uppercase hex for binary, GUIDs in
//! lowercase braces, SIDs as `S-R-A-S1-..`, times with seven fraction digits and `Z`, strings up
//! to their first NUL with the characters XML cannot hold written as `_`.
//!
//! A type or a shape this module does not render the same way (ANSI strings, floats, arrays,
//! embedded BinXML, a size that does not fit its type) is a [`Decline`]: the record then goes the
//! XML way.

/// Why the direct decoder left a record to the XML path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Decline {
    /// The record's BinXML is not one template instance.
    NotTemplate,
    /// A token the direct decoder does not handle (CDATA, character or entity reference, PI).
    Token(u8),
    /// A value type it does not render (ANSI string, float, array, embedded BinXML, handle).
    ValueType(u8),
    /// A value whose size does not fit its type, or a time out of range.
    ValueShape,
    /// An element inside `<Data>`, or a root other than `<Event>`.
    Markup,
    /// Bytes out of bounds, or more text than the XML reader keeps.
    Bounds,
}

/// Value types (MS-EVEN6 2.2.18).
pub(crate) mod ty {
    pub(crate) const NULL: u8 = 0x00;
    pub(crate) const STRING: u8 = 0x01;
    pub(crate) const INT8: u8 = 0x03;
    pub(crate) const UINT8: u8 = 0x04;
    pub(crate) const INT16: u8 = 0x05;
    pub(crate) const UINT16: u8 = 0x06;
    pub(crate) const INT32: u8 = 0x07;
    pub(crate) const UINT32: u8 = 0x08;
    pub(crate) const INT64: u8 = 0x09;
    pub(crate) const UINT64: u8 = 0x0a;
    pub(crate) const BOOL: u8 = 0x0d;
    pub(crate) const BINARY: u8 = 0x0e;
    pub(crate) const GUID: u8 = 0x0f;
    pub(crate) const SIZE_T: u8 = 0x10;
    pub(crate) const FILETIME: u8 = 0x11;
    pub(crate) const SYSTIME: u8 = 0x12;
    pub(crate) const SID: u8 = 0x13;
    pub(crate) const HEX_INT32: u8 = 0x14;
    pub(crate) const HEX_INT64: u8 = 0x15;
    pub(crate) const BIN_XML: u8 = 0x21;
    pub(crate) const STRING_ARRAY: u8 = 0x81;
}

/// Whether a value is NULL, which leaves out an element that depends on it.
pub(crate) fn is_null(t: u8, bytes: &[u8]) -> bool {
    t == ty::NULL || (t == ty::BIN_XML && bytes.is_empty())
}

/// Whether a value renders as empty text: NULL, an empty or NUL-led string, empty binary.
pub(crate) fn is_empty(t: u8, bytes: &[u8]) -> bool {
    match t {
        ty::STRING => bytes.len() < 2 || bytes[..2] == [0, 0],
        ty::BINARY | ty::BIN_XML => bytes.is_empty(),
        _ => is_null(t, bytes),
    }
}

/// Append the text of a value of type `t` to `out`.
pub(crate) fn render(t: u8, b: &[u8], out: &mut String) -> Result<(), Decline> {
    // Fixed-size types: their size must be exact.
    let fixed = |n: usize| -> Result<(), Decline> {
        if b.len() == n {
            Ok(())
        } else {
            Err(Decline::ValueShape)
        }
    };
    let le4 = || u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let le8 = || {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[..8]);
        u64::from_le_bytes(a)
    };
    match t {
        _ if is_null(t, b) => {}
        ty::STRING => push_utf16(b, out),
        ty::INT8 => fixed(1).map(|_| push_int(out, b[0] as i8))?,
        ty::UINT8 => fixed(1).map(|_| push_int(out, b[0]))?,
        ty::INT16 => fixed(2).map(|_| push_int(out, i16::from_le_bytes([b[0], b[1]])))?,
        ty::UINT16 => fixed(2).map(|_| push_int(out, u16::from_le_bytes([b[0], b[1]])))?,
        ty::INT32 => fixed(4).map(|_| push_int(out, le4() as i32))?,
        ty::UINT32 => fixed(4).map(|_| push_int(out, le4()))?,
        ty::INT64 => fixed(8).map(|_| push_int(out, le8() as i64))?,
        ty::UINT64 => fixed(8).map(|_| push_int(out, le8()))?,
        ty::BOOL => {
            fixed(4)?;
            match le4() as i32 {
                0 => out.push_str("false"),
                1 => out.push_str("true"),
                raw => push_int(out, raw),
            }
        }
        ty::BINARY => {
            out.reserve(2 * b.len());
            for &byte in b {
                push_hex_byte(out, byte, b"0123456789ABCDEF");
            }
        }
        ty::GUID => {
            fixed(16)?;
            // Data1 to Data3 little-endian, then the eight bytes as they are.
            out.push('{');
            for (i, &at) in [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15]
                .iter()
                .enumerate()
            {
                if matches!(i, 4 | 6 | 8 | 10) {
                    out.push('-');
                }
                push_hex_byte(out, b[at], b"0123456789abcdef");
            }
            out.push('}');
        }
        ty::SIZE_T if b.len() == 4 => push_hex(out, u64::from(le4())),
        ty::SIZE_T => fixed(8).map(|_| push_hex(out, le8()))?,
        ty::HEX_INT32 => fixed(4).map(|_| push_hex(out, u64::from(le4())))?,
        ty::HEX_INT64 => fixed(8).map(|_| push_hex(out, le8()))?,
        ty::FILETIME => {
            fixed(8)?;
            push_filetime(out, le8())?;
        }
        ty::SYSTIME => {
            fixed(16)?;
            push_systime(out, b)?;
        }
        ty::SID => push_sid(out, b)?,
        other => return Err(Decline::ValueType(other)),
    }
    Ok(())
}

/// Decimal digits of an integer (the formatting machinery is slow for this hot path).
fn push_int(out: &mut String, v: impl Into<i128>) {
    let v: i128 = v.into();
    if v < 0 {
        out.push('-');
    }
    let mut n = v.unsigned_abs();
    let mut digits = [0u8; 40];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

fn push_hex_byte(out: &mut String, byte: u8, digits: &[u8; 16]) {
    out.push(char::from(digits[usize::from(byte >> 4)]));
    out.push(char::from(digits[usize::from(byte & 0x0f)]));
}

/// `0x` and lowercase hex digits, no leading zeros.
fn push_hex(out: &mut String, v: u64) {
    out.push_str("0x");
    let digits = (64 - v.leading_zeros()).div_ceil(4).max(1);
    for i in (0..digits).rev() {
        out.push(char::from(
            b"0123456789abcdef"[((v >> (4 * i)) & 0xf) as usize],
        ));
    }
}

/// A SID whose sub-authorities fill its bytes exactly.
fn push_sid(out: &mut String, b: &[u8]) -> Result<(), Decline> {
    let &[revision, count, a0, a1, a2, a3, a4, a5, ref subs @ ..] = b else {
        return Err(Decline::ValueShape);
    };
    if subs.len() != 4 * usize::from(count) {
        return Err(Decline::ValueShape);
    }
    let authority = u64::from_be_bytes([0, 0, a0, a1, a2, a3, a4, a5]);
    out.push_str("S-");
    push_int(out, revision);
    out.push('-');
    push_int(out, authority);
    for s in subs.chunks_exact(4) {
        out.push('-');
        push_int(out, u32::from_le_bytes([s[0], s[1], s[2], s[3]]));
    }
    Ok(())
}

const TICKS_PER_SEC: u64 = 10_000_000;
const TICKS_PER_DAY: u64 = 86_400 * TICKS_PER_SEC;

/// A FILETIME (100 ns ticks since 1601) as `YYYY-MM-DDTHH:MM:SS.fffffffZ` (years 1601 to 9999).
pub(crate) fn push_filetime(out: &mut String, ticks: u64) -> Result<(), Decline> {
    let (days, rest) = (ticks / TICKS_PER_DAY, ticks % TICKS_PER_DAY);
    let start = chrono::NaiveDate::from_ymd_opt(1601, 1, 1).ok_or(Decline::ValueShape)?;
    let date = start
        .checked_add_days(chrono::Days::new(days))
        .filter(|d| chrono::Datelike::year(d) <= 9999)
        .ok_or(Decline::ValueShape)?;
    let secs = rest / TICKS_PER_SEC;
    push_datetime(
        out,
        date,
        (secs / 3600, secs / 60 % 60, secs % 60),
        rest % TICKS_PER_SEC,
    );
    Ok(())
}

/// A SYSTEMTIME (eight 16-bit fields, milliseconds last); a date that is not valid declines.
fn push_systime(out: &mut String, b: &[u8]) -> Result<(), Decline> {
    let f = |i: usize| u16::from_le_bytes([b[2 * i], b[2 * i + 1]]);
    let (year, month, day) = (f(0), f(1), f(3));
    let (hour, minute, second, ms) = (f(4), f(5), f(6), f(7));
    let date = chrono::NaiveDate::from_ymd_opt(i32::from(year), month.into(), day.into())
        .filter(|_| (1601..=9999).contains(&year))
        .filter(|_| hour < 24 && minute < 60 && second < 60 && ms < 1000)
        .ok_or(Decline::ValueShape)?;
    let time = (u64::from(hour), u64::from(minute), u64::from(second));
    push_datetime(out, date, time, u64::from(ms) * 10_000);
    Ok(())
}

fn push_datetime(out: &mut String, date: chrono::NaiveDate, hms: (u64, u64, u64), ticks: u64) {
    use chrono::Datelike;
    let mut buf = *b"0000-00-00T00:00:00.0000000Z";
    let mut put = |range: std::ops::Range<usize>, mut v: u64| {
        for at in range.rev() {
            buf[at] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0..4, date.year() as u64);
    put(5..7, u64::from(date.month()));
    put(8..10, u64::from(date.day()));
    put(11..13, hms.0);
    put(14..16, hms.1);
    put(17..19, hms.2);
    put(20..27, ticks);
    out.extend(buf.iter().map(|&c| char::from(c)));
}

/// UTF-16LE text up to its first NUL, as the XML rendering leaves it once read back: C0
/// controls other than tab, LF and CR, U+FFFE, U+FFFF and lone surrogates become `_`.
pub(crate) fn push_utf16(b: &[u8], out: &mut String) {
    let units = b.len() / 2;
    let len = (0..units)
        .find(|&i| b[2 * i] == 0 && b[2 * i + 1] == 0)
        .unwrap_or(units);
    let b = &b[..2 * len];
    // The common case: well-formed text without a character XML cannot hold.
    let mark = out.len();
    let mut decoder = encoding_rs::UTF_16LE.new_decoder_without_bom_handling();
    if let Some(max) = decoder.max_utf8_buffer_length_without_replacement(b.len()) {
        out.reserve(max);
        let (result, _) = decoder.decode_to_string_without_replacement(b, out, true);
        if result == encoding_rs::DecoderResult::InputEmpty
            && !out.as_bytes()[mark..].iter().enumerate().any(|(i, &c)| {
                (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r'))
                    || (c == 0xef
                        && matches!(
                            out.as_bytes().get(mark + i + 1..mark + i + 3),
                            Some([0xbf, 0xbe | 0xbf])
                        ))
            })
        {
            return;
        }
    }
    out.truncate(mark);
    let units = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) if (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) => out.push('_'),
            Ok('\u{fffe}' | '\u{ffff}') | Err(_) => out.push('_'),
            Ok(c) => out.push(c),
        }
    }
}

/// The items of a string array, as UTF-16LE bytes: strings each ended by a NUL (a last one
/// without its NUL, or an odd size, declines).
pub(crate) fn string_array(b: &[u8]) -> Result<Vec<&[u8]>, Decline> {
    if b.len() % 2 != 0 || (!b.is_empty() && b[b.len() - 2..] != [0, 0]) {
        return Err(Decline::ValueShape);
    }
    let mut items = Vec::new();
    let mut start = 0;
    for (i, unit) in b.chunks_exact(2).enumerate() {
        if unit == [0, 0] {
            items.push(&b[start..2 * i]);
            start = 2 * i + 2;
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: u8, b: &[u8]) -> Result<String, Decline> {
        let mut s = String::new();
        render(t, b, &mut s).map(|_| s)
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn integers_render_in_decimal_and_hex_types_in_lowercase_hex() {
        assert_eq!(text(ty::INT8, &[0xff]).unwrap(), "-1");
        assert_eq!(text(ty::UINT16, &[0x39, 0x30]).unwrap(), "12345");
        assert_eq!(text(ty::INT32, &(-5i32).to_le_bytes()).unwrap(), "-5");
        assert_eq!(
            text(ty::UINT64, &u64::MAX.to_le_bytes()).unwrap(),
            u64::MAX.to_string()
        );
        assert_eq!(
            text(ty::HEX_INT32, &0xC000_0005u32.to_le_bytes()).unwrap(),
            "0xc0000005"
        );
        assert_eq!(text(ty::HEX_INT64, &0u64.to_le_bytes()).unwrap(), "0x0");
        assert_eq!(text(ty::SIZE_T, &0x10u32.to_le_bytes()).unwrap(), "0x10");
        assert_eq!(text(ty::UINT32, &[1, 2]), Err(Decline::ValueShape));
    }

    #[test]
    fn bools_guids_sids_and_binary_render_as_windows_writes_them() {
        assert_eq!(text(ty::BOOL, &1u32.to_le_bytes()).unwrap(), "true");
        assert_eq!(text(ty::BOOL, &0u32.to_le_bytes()).unwrap(), "false");
        assert_eq!(text(ty::BOOL, &7u32.to_le_bytes()).unwrap(), "7");
        let guid = [
            0x78, 0x56, 0x34, 0x12, 0x34, 0x12, 0xcd, 0xab, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
            0x07, 0xff,
        ];
        assert_eq!(
            text(ty::GUID, &guid).unwrap(),
            "{12345678-1234-abcd-0102-0304050607ff}"
        );
        let sid = [1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0];
        assert_eq!(text(ty::SID, &sid).unwrap(), "S-1-5-32-544");
        assert_eq!(text(ty::SID, &sid[..12]), Err(Decline::ValueShape));
        assert_eq!(text(ty::BINARY, &[0x0a, 0xff]).unwrap(), "0AFF");
    }

    #[test]
    fn times_have_seven_fraction_digits() {
        // 2016-08-30T15:21:37.1234567Z
        let unix = 1_472_570_497u64;
        let ticks = (unix + 11_644_473_600) * TICKS_PER_SEC + 1_234_567;
        assert_eq!(
            text(ty::FILETIME, &ticks.to_le_bytes()).unwrap(),
            "2016-08-30T15:21:37.1234567Z"
        );
        let st: Vec<u8> = [2020u16, 2, 0, 29, 23, 59, 58, 999]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(
            text(ty::SYSTIME, &st).unwrap(),
            "2020-02-29T23:59:58.9990000Z"
        );
        let bad: Vec<u8> = [2021u16, 2, 0, 29, 0, 0, 0, 0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(text(ty::SYSTIME, &bad), Err(Decline::ValueShape));
        assert_eq!(
            text(ty::FILETIME, &u64::MAX.to_le_bytes()),
            Err(Decline::ValueShape)
        );
    }

    #[test]
    fn strings_stop_at_nul_and_write_what_xml_cannot_hold_as_underscore() {
        let mut b = utf16("a\u{1}b\tc\u{ffff}");
        b.extend_from_slice(&[0x00, 0xd8]); // a lone high surrogate
        b.extend_from_slice(&utf16("z\0tail"));
        assert_eq!(text(ty::STRING, &b).unwrap(), "a_b\tc__z");
        assert!(is_empty(ty::STRING, &utf16("\0x")));
        assert!(!is_empty(ty::STRING, &utf16("x")));
        assert_eq!(text(0x02, b"ansi"), Err(Decline::ValueType(0x02)));
        assert_eq!(text(0x81, &utf16("a\0b\0")), Err(Decline::ValueType(0x81)));
        let bytes = utf16("a\0\0b<\0");
        let items = string_array(&bytes).unwrap();
        assert_eq!(items, [&utf16("a")[..], &[], &utf16("b<")[..]]);
        assert!(string_array(&[]).unwrap().is_empty());
        assert_eq!(string_array(&utf16("a\0b")), Err(Decline::ValueShape));
    }
}
