//! The `Result` column: Process Monitor's names of NTSTATUS values, and what each means for the
//! analysis ([`ResultClass`]).
//!
//! Process Monitor prints an NTSTATUS by its name without the `STATUS_` prefix and with spaces
//! (`STATUS_ACCESS_DENIED` → `ACCESS DENIED`), and unnamed values in hex (`0xC0000409`).

use crate::event::NtStatus;

/// What a result means for a diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultClass {
    /// `SUCCESS` (or an empty result).
    Success,
    /// A result that is routine: probing, enumeration ends, buffer sizing, fast-I/O refusals,
    /// oplocks. Counted, never reported.
    Noise,
    /// A name or path that does not exist: mostly probing (DLL search, optional settings).
    /// Counted; kept only as samples.
    Probe,
    /// A failure that can stop an installation (access, sharing, disk full, privileges, ...),
    /// and any failure code not known to be routine.
    Failure,
}

/// Named results: (name as printed, NTSTATUS value, class).
const TABLE: &[(&str, u32, ResultClass)] = {
    use ResultClass::*;
    &[
        ("SUCCESS", 0x0000_0000, Success),
        ("TIMEOUT", 0x0000_0102, Noise),
        ("REPARSE", 0x0000_0104, Noise),
        ("OPLOCK BREAK IN PROGRESS", 0x0000_0108, Noise),
        ("NOTIFY CLEANUP", 0x0000_010B, Noise),
        ("NOTIFY ENUM DIR", 0x0000_010C, Noise),
        ("FILE LOCKED WITH ONLY READERS", 0x0000_012A, Noise),
        ("FILE LOCKED WITH WRITERS", 0x0000_012B, Noise),
        ("OPLOCK HANDLE CLOSED", 0x0000_0216, Noise),
        ("IMAGE NOT AT BASE", 0x4000_0003, Noise),
        ("BUFFER OVERFLOW", 0x8000_0005, Noise),
        ("NO MORE FILES", 0x8000_0006, Noise),
        ("NO MORE ENTRIES", 0x8000_001A, Noise),
        ("NOT IMPLEMENTED", 0xC000_0002, Noise),
        ("INVALID HANDLE", 0xC000_0008, Failure),
        ("INVALID PARAMETER", 0xC000_000D, Noise),
        ("NO SUCH FILE", 0xC000_000F, Probe),
        ("INVALID DEVICE REQUEST", 0xC000_0010, Noise),
        ("END OF FILE", 0xC000_0011, Noise),
        ("ACCESS DENIED", 0xC000_0022, Failure),
        ("BUFFER TOO SMALL", 0xC000_0023, Noise),
        ("OBJECT TYPE MISMATCH", 0xC000_0024, Failure),
        ("NAME INVALID", 0xC000_0033, Probe),
        ("NAME NOT FOUND", 0xC000_0034, Probe),
        ("NAME COLLISION", 0xC000_0035, Noise),
        ("PATH INVALID", 0xC000_0039, Probe),
        ("PATH NOT FOUND", 0xC000_003A, Probe),
        ("PATH SYNTAX BAD", 0xC000_003B, Probe),
        ("SHARING VIOLATION", 0xC000_0043, Failure),
        ("NO EAS ON FILE", 0xC000_0052, Noise),
        ("FILE LOCK CONFLICT", 0xC000_0054, Failure),
        ("LOCK NOT GRANTED", 0xC000_0055, Failure),
        ("DELETE PENDING", 0xC000_0056, Failure),
        ("PRIVILEGE NOT HELD", 0xC000_0061, Failure),
        ("DISK FULL", 0xC000_007F, Failure),
        ("INVALID IMAGE FORMAT", 0xC000_007B, Failure),
        ("INSUFFICIENT RESOURCES", 0xC000_009A, Failure),
        ("MEDIA WRITE PROTECTED", 0xC000_00A2, Failure),
        ("BAD IMPERSONATION LEVEL", 0xC000_00A5, Failure),
        ("IS DIRECTORY", 0xC000_00BA, Noise),
        ("NOT SUPPORTED", 0xC000_00BB, Noise),
        ("BAD NETWORK PATH", 0xC000_00BE, Failure),
        ("BAD NETWORK NAME", 0xC000_00CC, Failure),
        ("NOT SAME DEVICE", 0xC000_00D4, Noise),
        ("OPLOCK NOT GRANTED", 0xC000_00E2, Noise),
        ("DIRECTORY NOT EMPTY", 0xC000_0101, Failure),
        ("NOT A DIRECTORY", 0xC000_0103, Noise),
        ("CANCELLED", 0xC000_0120, Noise),
        ("CANNOT DELETE", 0xC000_0121, Failure),
        ("FILE CLOSED", 0xC000_0128, Noise),
        ("KEY DELETED", 0xC000_017C, Failure),
        ("NOT FOUND", 0xC000_0225, Probe),
        ("USER MAPPED FILE", 0xC000_0243, Failure),
        ("NOT REPARSE POINT", 0xC000_0275, Noise),
        ("DLL NOT FOUND", 0xC000_0135, Failure),
        ("ACCESS VIOLATION", 0xC000_0005, Failure),
        ("CONTROL C EXIT", 0xC000_013A, Failure),
        ("DLL INIT FAILED", 0xC000_0142, Failure),
        ("STACK BUFFER OVERRUN", 0xC000_0409, Failure),
        ("ELEVATION REQUIRED", 0xC000_042C, Failure),
        ("CONNECTION REFUSED", 0xC000_0236, Failure),
        ("NETWORK UNREACHABLE", 0xC000_023C, Failure),
        ("HOST UNREACHABLE", 0xC000_023D, Failure),
    ]
};

/// Results Process Monitor prints that are not NTSTATUS values.
const PROCMON_OWN: &[(&str, ResultClass)] = &[
    ("FAST IO DISALLOWED", ResultClass::Noise),
    ("<Unknown>", ResultClass::Noise),
];

/// A result read from a capture: typed status, and its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadResult {
    /// A known or hex result.
    Known(Option<NtStatus>, ResultClass),
    /// A name not in the table (kept as written; class `Failure` unless it looks routine).
    UnknownName(NtStatus),
    /// Not a result at all (control characters, lowercase prose, ...).
    Invalid,
}

/// Class of a result from its bytes, without allocating (the hot path of the CSV reader).
pub fn classify(result: &[u8]) -> Option<ResultClass> {
    if result == b"SUCCESS" || result.is_empty() {
        return Some(ResultClass::Success);
    }
    if let Some((_, _, class)) = TABLE.iter().find(|(n, _, _)| n.as_bytes() == result) {
        return Some(*class);
    }
    if let Some((_, class)) = PROCMON_OWN.iter().find(|(n, _)| n.as_bytes() == result) {
        return Some(*class);
    }
    let text = std::str::from_utf8(result).ok()?;
    hex_code(text).map(class_of_code)
}

/// Read a result as written.
///
/// ```
/// use msitrace::source::procmon::status::{read_result, ReadResult, ResultClass};
/// let ReadResult::Known(Some(s), class) = read_result("ACCESS DENIED") else { panic!() };
/// assert_eq!((s.code, class), (Some(0xC0000022), ResultClass::Failure));
/// let ReadResult::Known(Some(s), _) = read_result("0xc0000409") else { panic!() };
/// assert_eq!(s.code, Some(0xC0000409));
/// ```
pub fn read_result(text: &str) -> ReadResult {
    if text.is_empty() {
        return ReadResult::Known(None, ResultClass::Success);
    }
    if let Some((name, code, class)) = TABLE.iter().find(|(n, _, _)| *n == text) {
        return ReadResult::Known(
            Some(NtStatus {
                code: Some(*code),
                name: name.to_string(),
            }),
            *class,
        );
    }
    if let Some((name, class)) = PROCMON_OWN.iter().find(|(n, _)| *n == text) {
        return ReadResult::Known(
            Some(NtStatus {
                code: None,
                name: name.to_string(),
            }),
            *class,
        );
    }
    if let Some(code) = hex_code(text) {
        return ReadResult::Known(
            Some(NtStatus {
                code: Some(code),
                name: name_of(code)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("0x{code:08X}")),
            }),
            class_of_code(code),
        );
    }
    let plausible = text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ' || b == b'_');
    if plausible {
        ReadResult::UnknownName(NtStatus {
            code: None,
            name: text.to_string(),
        })
    } else {
        ReadResult::Invalid
    }
}

/// The name Process Monitor gives an NTSTATUS value, when known.
pub fn name_of(code: u32) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(_, c, _)| *c == code)
        .map(|(n, _, _)| *n)
}

fn class_of_code(code: u32) -> ResultClass {
    match TABLE.iter().find(|(_, c, _)| *c == code) {
        Some((_, _, class)) => *class,
        None if code < 0x8000_0000 => ResultClass::Success,
        None => ResultClass::Failure,
    }
}

/// `0xC0000022` (any case) as a number.
fn hex_code(text: &str) -> Option<u32> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_codes_and_classes() {
        for (text, code, class) in [
            ("ACCESS DENIED", Some(0xC000_0022), ResultClass::Failure),
            ("NAME NOT FOUND", Some(0xC000_0034), ResultClass::Probe),
            ("PATH NOT FOUND", Some(0xC000_003A), ResultClass::Probe),
            ("SHARING VIOLATION", Some(0xC000_0043), ResultClass::Failure),
            ("DISK FULL", Some(0xC000_007F), ResultClass::Failure),
            (
                "PRIVILEGE NOT HELD",
                Some(0xC000_0061),
                ResultClass::Failure,
            ),
            ("DELETE PENDING", Some(0xC000_0056), ResultClass::Failure),
            ("CANNOT DELETE", Some(0xC000_0121), ResultClass::Failure),
            ("BUFFER OVERFLOW", Some(0x8000_0005), ResultClass::Noise),
            ("REPARSE", Some(0x0000_0104), ResultClass::Noise),
            ("NO MORE ENTRIES", Some(0x8000_001A), ResultClass::Noise),
            ("FAST IO DISALLOWED", None, ResultClass::Noise),
            ("0xC0000409", Some(0xC000_0409), ResultClass::Failure),
            ("0x00000103", Some(0x103), ResultClass::Success),
        ] {
            let ReadResult::Known(Some(s), c) = read_result(text) else {
                panic!("{text}")
            };
            assert_eq!((s.code, c), (code, class), "{text}");
            assert_eq!(classify(text.as_bytes()), Some(class), "{text}");
        }
        assert_eq!(
            read_result(""),
            ReadResult::Known(None, ResultClass::Success)
        );
        assert!(matches!(
            read_result("SOME NEW STATUS"),
            ReadResult::UnknownName(_)
        ));
        assert_eq!(read_result("garbage\u{1}text"), ReadResult::Invalid);
        assert_eq!(classify(b"SOME NEW STATUS"), None);
        assert_eq!(name_of(0xC000_0022), Some("ACCESS DENIED"));
    }
}
