//! Installer messages with their arguments filled in.
//!
//! A log line such as `Note: 1: 2203 2: C:\x.msi 3: -2147287035` carries the message number
//! (field 1) and positional arguments (fields 2, 3, ...). Each message of the knowledge base has a
//! template in msitrace's words with the same slots; [`explain_message`] fills them and decodes
//! the error values it finds (`-2147287035` is `0x80030005 STG_E_ACCESSDENIED`).

use super::data::{template_pieces, Piece, SlotKind};
use super::status::{hresult_from_decimal, HResult};
use super::{lookup, win32_meaning, CodeScope};

/// Longest argument kept when rendering (longer ones are cut, so log content cannot flood output).
const MAX_ARG_CHARS: usize = 400;

/// A message with its slots filled from `args`, where `args[0]` fills `[2]`, `args[1]` fills
/// `[3]`, and so on (field 1 of a log line is the message number itself). Error values in slots
/// that hold them are decoded; missing arguments read `(not given)`, empty ones `(empty)`.
/// Control characters in the arguments are replaced, so the result is safe to print.
///
/// `None` when the number is not a message msitrace knows. A known message without slots
/// renders as its title.
///
/// ```
/// use msitrace::codes::explain_message;
/// let text = explain_message(2203, &[r"C:\x.msi", "-2147287035"]).unwrap();
/// assert!(text.contains(r"C:\x.msi"), "{text}");
/// assert!(text.contains("0x80030005 STG_E_ACCESSDENIED"), "{text}");
/// ```
pub fn explain_message<S: AsRef<str>>(code: u32, args: &[S]) -> Option<String> {
    let info = lookup(CodeScope::Message, code)?;
    let Some(template) = info.template else {
        return Some(format!("{}.", info.title));
    };
    // The data tests guarantee every template parses.
    let pieces = template_pieces(template).ok()?;
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Slot(n, kind) => match args.get(n - 2).map(AsRef::as_ref) {
                None => out.push_str("(not given)"),
                Some(arg) if arg.trim().is_empty() => out.push_str("(empty)"),
                Some(arg) => {
                    let arg = arg.trim();
                    out.push_str(&printable(arg));
                    if let Some(meaning) = describe_argument(arg, kind) {
                        out.push_str(" = ");
                        out.push_str(&meaning);
                    }
                }
            },
        }
    }
    Some(out)
}

/// What an error value found in a log means, in one line: a Win32 code (`5`), a signed decimal
/// HRESULT (`-2147287035`) or a hexadecimal HRESULT or NTSTATUS (`0x80070643`). `None` when the
/// text is not such a value or msitrace knows nothing of it.
///
/// ```
/// let d = msitrace::codes::describe_error_value("5").unwrap();
/// assert_eq!(d, "ERROR_ACCESS_DENIED: Access is denied");
/// let d = msitrace::codes::describe_error_value("-2147024891").unwrap();
/// assert!(d.starts_with("0x80070005 E_ACCESSDENIED"), "{d}");
/// ```
pub fn describe_error_value(text: &str) -> Option<String> {
    describe_argument(text.trim(), SlotKind::Error)
}

fn describe_argument(arg: &str, kind: SlotKind) -> Option<String> {
    let value = if let Some(hr) = hresult_from_decimal(arg) {
        Some((hr, true))
    } else if let Some(hex) = arg.strip_prefix("0x").or_else(|| arg.strip_prefix("0X")) {
        u32::from_str_radix(hex, 16).ok().map(|v| (v, true))
    } else if arg.bytes().all(|b| b.is_ascii_digit()) && !arg.is_empty() {
        arg.parse::<u32>().ok().map(|v| (v, v >= 0x8000_0000))
    } else {
        None
    }?;
    match (value, kind) {
        ((0, _), _) => None,
        ((v, true), _) if v >= 0x8000_0000 => Some(describe_status_value(v)),
        ((v, true), SlotKind::Error | SlotKind::HResult) => Some(describe_status_value(v)),
        ((v, false), SlotKind::Error) => {
            let info = win32_meaning(v)?;
            Some(match info.names.first() {
                Some(name) => format!("{name}: {}", info.title),
                None => info.title.to_string(),
            })
        }
        _ => None,
    }
}

/// `0xXXXXXXXX NAME: title` for a 32-bit status value, named or decoded.
fn describe_status_value(v: u32) -> String {
    let named = lookup(CodeScope::HResult, v).or_else(|| lookup(CodeScope::NtStatus, v));
    if let Some(info) = named {
        let name = info
            .names
            .first()
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        return format!("0x{v:08X}{name}: {}", info.title);
    }
    let hr = HResult::decode(v);
    if let Some(code) = hr.win32_code() {
        return match win32_meaning(code) {
            Some(info) => format!(
                "0x{v:08X}: Win32 error {code}{}: {}",
                info.names
                    .first()
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default(),
                info.title
            ),
            None => format!("0x{v:08X}: Win32 error {code}"),
        };
    }
    if let Some(status) = hr.http_status() {
        return format!(
            "0x{v:08X}: HTTP status {status}{}",
            super::http_status(status)
                .map(|r| format!(" {r}"))
                .unwrap_or_default()
        );
    }
    let part = hr
        .part()
        .map(|p| format!(" ({})", p.part))
        .unwrap_or_default();
    match hr.facility_name {
        Some(f) => format!("0x{v:08X}: facility {f}, code {}{part}", hr.code),
        None => format!(
            "0x{v:08X}: facility {}, code {}{part}",
            hr.facility, hr.code
        ),
    }
}

/// The text with control characters replaced and its length bounded.
pub(crate) fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_ARG_CHARS)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if text.chars().nth(MAX_ARG_CHARS).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_filled_in_order() {
        let text = explain_message(1406, &["Version", r"HKLM\Software\X", "5"]).unwrap();
        assert_eq!(
            text,
            r"Writing value Version to key HKLM\Software\X failed (system error 5 = ERROR_ACCESS_DENIED: Access is denied)."
        );
    }

    #[test]
    fn swapped_slots_follow_the_template() {
        // 1310 names the file in [3] and the error in [2].
        let text = explain_message(1310, &["32", r"C:\a.dll"]).unwrap();
        assert!(text.starts_with(r"Creating destination file C:\a.dll failed (system error 32 = ERROR_SHARING_VIOLATION"), "{text}");
    }

    #[test]
    fn missing_empty_and_hostile_arguments() {
        let text = explain_message(2205, &["", "Error"]).unwrap();
        assert_eq!(text, "Database (empty): no table Error.");
        let text = explain_message(2205, &[] as &[&str]).unwrap();
        assert!(text.contains("(not given)"));
        let text = explain_message(1308, &["a\u{1b}[31mb"]).unwrap();
        assert!(!text.contains('\u{1b}'));
        let long = "x".repeat(10_000);
        assert!(explain_message(1308, &[long]).unwrap().len() < 1000);
    }

    #[test]
    fn messages_without_slots_and_unknown_numbers() {
        assert_eq!(
            explain_message(2502, &["x"]).unwrap(),
            "InstallFinalize was reached with no installation marked in progress."
        );
        assert_eq!(explain_message(9, &["x"]), None);
    }

    #[test]
    fn error_values() {
        assert!(describe_error_value("0x80070643")
            .unwrap()
            .contains("Win32 error 1603"));
        assert!(describe_error_value("0xC0000022")
            .unwrap()
            .contains("STATUS_ACCESS_DENIED"));
        assert_eq!(describe_error_value("0"), None);
        assert_eq!(describe_error_value("abc"), None);
        assert!(describe_error_value("0x8123ABCD")
            .unwrap()
            .contains("facility"));
    }
}
