//! Which tool log an input is, from its first lines.

use super::form::ToolForm;
use crate::text::LineReader;

/// Lines read before the form is decided.
pub(super) const DETECT_LINES: usize = 200;
/// Bytes of decoded text read before the form is decided.
pub(super) const DETECT_BYTES: usize = 16 * 1024;

/// The form of a tool log from its first bytes (up to [`crate::detect::SNIFF_LEN`]); `None` when
/// it is none of them.
///
/// ```
/// use msitrace::source::toollog::{detect, ToolForm};
/// let head = b"2023-07-05 11:56:47,651 7424 [INFO ] - Installing ChocolateyGUI...\r\n";
/// assert_eq!(detect(head), Some(ToolForm::Chocolatey));
/// assert_eq!(detect(b"MSI (s) (18:F4) [12:02:17:898]: Grabbed execution mutex.\r\n"), None);
/// ```
pub fn detect(head: &[u8]) -> Option<ToolForm> {
    let encoding = crate::text::sniff_encoding(head);
    let mut reader = LineReader::new(head, encoding);
    let mut lines = Vec::new();
    let mut bytes = 0;
    while let Ok(Some(line)) = reader.next_line() {
        bytes += line.text.len();
        lines.push(line.text.trim_start_matches('\u{feff}').to_string());
        if lines.len() >= DETECT_LINES || bytes >= DETECT_BYTES {
            break;
        }
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    detect_lines(&refs)
}

/// The form of a tool log from its first lines; `None` when it is none of them.
pub fn detect_lines(lines: &[&str]) -> Option<ToolForm> {
    crate::source::cmtrace::detect_lines(lines)
        .or_else(|| crate::source::setuplog::detect_lines(lines))
        .or_else(|| crate::source::pkgmgr::detect_lines(lines))
}
