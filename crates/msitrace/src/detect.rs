//! Input detection by content, never by file name.
//!
//! [`detect_bytes`] looks at the first bytes of an input: binary magics (EVTX `ElfFile`, Process
//! Monitor `PML_`, zip, gzip), then, for text, the decoded first lines: MSI log headers and engine
//! lines, Burn lines, a Process Monitor CSV header, XML roots. [`collect_inputs`] walks folders.

use crate::source::{Format, Recognised, Sniff};
use crate::text::TextEncoding;
use std::path::{Path, PathBuf};

/// How many bytes detection reads from the start of an input.
pub const SNIFF_LEN: usize = 16 * 1024;

/// What detection found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The format.
    pub format: Format,
    /// Text encoding, for text formats.
    pub encoding: Option<TextEncoding>,
}

/// Detect the format of an input from its first bytes (up to [`SNIFF_LEN`]): containers (zip,
/// gzip) by their magic, then every registered reader
/// ([`crate::source::SOURCES`]) is asked; the earliest sure line wins, then a probable
/// source, then a likely one, then the text scan for any other readable text.
///
/// ```
/// use msitrace::detect::detect_bytes;
/// use msitrace::source::Format;
/// let head = b"MSI (s) (18:F4) [12:02:17:898]: Grabbed execution mutex.\r\n";
/// assert_eq!(detect_bytes(head).unwrap().format, Format::MsiLog);
/// assert_eq!(detect_bytes(b"hello world").unwrap().format, Format::Text);
/// assert!(detect_bytes(&[0u8, 1, 2, 3, 0xff, 0xfe, 0x80]).is_none());
/// ```
pub fn detect_bytes(head: &[u8]) -> Option<Detected> {
    let binary = |format| {
        Some(Detected {
            format,
            encoding: None,
        })
    };
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return binary(Format::Zip);
    }
    if head.starts_with(&[0x1F, 0x8B]) {
        return binary(Format::Gzip);
    }
    if head.is_empty() {
        return None;
    }
    // Binary formats are known by their magic: no need to decode the bytes as text lines.
    let bare = Sniff {
        head,
        encoding: TextEncoding::Utf8,
        lines: Vec::new(),
    };
    for &source in crate::source::SOURCES.iter().filter(|s| s.is_binary()) {
        if let Some(Recognised::Sure { .. }) = source.recognise(&bare) {
            return binary(source.format());
        }
    }
    let sniff = Sniff::new(head);
    let mut sure: Option<(usize, &dyn crate::source::Source)> = None;
    let (mut probable, mut likely, mut text) = (None, None, None);
    for &source in crate::source::SOURCES {
        match source.recognise(&sniff) {
            Some(Recognised::Sure { line }) if sure.is_none_or(|(l, _)| line < l) => {
                sure = Some((line, source));
                // Nothing can be sure earlier than the first line: the later sources (and their
                // patterns, compiled on first use) are not needed.
                if line == 0 {
                    break;
                }
            }
            Some(Recognised::Probable) if probable.is_none() => probable = Some(source),
            Some(Recognised::Likely) if likely.is_none() => likely = Some(source),
            Some(Recognised::Text) if text.is_none() => text = Some(source),
            _ => {}
        }
    }
    let source = sure.map(|(_, s)| s).or(probable).or(likely).or(text)?;
    Some(Detected {
        format: source.format(),
        encoding: (!source.is_binary()).then_some(sniff.encoding),
    })
}

/// Expand the command-line inputs: files stay, folders are walked (sorted, recursively).
///
/// Returns the files (each file once, however often it is named) and, for paths that cannot be
/// read, an error line each.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, std::io::Error)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                    Ok(_) => {}
                    Err(e) => {
                        let p = e
                            .path()
                            .map(Path::to_path_buf)
                            .unwrap_or_else(|| path.clone());
                        errors.push((p, std::io::Error::other(e.to_string())));
                    }
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    // The same file named twice (`a.log a.log`, or a file and its folder) is read once.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    (files, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        let mut v = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    #[test]
    fn verbose_header_in_utf16() {
        let d = detect_bytes(&utf16(
            "=== Verbose logging started: 7/7/2026  12:02:17  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n",
        ))
        .unwrap();
        assert_eq!(d.format, Format::MsiLog);
        assert_eq!(d.encoding, Some(TextEncoding::Utf16LeBom));
    }

    #[test]
    fn non_verbose_header() {
        let d = detect_bytes(b"=== Logging started: 1/21/2020  7:21:48 ===\r\n").unwrap();
        assert_eq!(d.format, Format::MsiLog);
    }

    #[test]
    fn fragment_of_msi_log_without_header() {
        let d = detect_bytes(b"Action start 11:22:33: REDACTED.\nSFXCA: Failed\n").unwrap();
        assert_eq!(d.format, Format::MsiLog);
    }

    #[test]
    fn configmgr_lines_quoting_msi_text_stay_configmgr() {
        // The MSI reader is asked first; a CMTrace line is never its own engine line.
        let line =
            "<![LOG[MSI (s) (18:F4) [12:02:17:898]: Product: X -- Installation failed.]LOG]!>\
                    <time=\"12:02:17.898+000\" date=\"07-07-2026\" component=\"ccmsetup\" \
                    context=\"\" type=\"3\" thread=\"1234\" file=\"msiutil.cpp:308\">\r\n";
        let d = detect_bytes(line.as_bytes()).unwrap();
        assert_eq!(d.format, Format::ConfigmgrLog);
    }

    #[test]
    fn burn_log() {
        let d = detect_bytes(b"[4D9C:6D90][2026-03-13T15:31:13]i001: Burn x86 v7.0.0-rc.2\r\n")
            .unwrap();
        assert_eq!(d.format, Format::BurnLog);
    }

    #[test]
    fn binary_magics() {
        assert_eq!(detect_bytes(b"ElfFile\0\0\0").unwrap().format, Format::Evtx);
        assert_eq!(
            detect_bytes(b"PML_\x09\0").unwrap().format,
            Format::ProcmonPml
        );
        assert_eq!(detect_bytes(b"PK\x03\x04....").unwrap().format, Format::Zip);
    }

    #[test]
    fn procmon_csv_and_xml() {
        let csv = "\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n";
        assert_eq!(
            detect_bytes(csv.as_bytes()).unwrap().format,
            Format::ProcmonCsv
        );
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<procmon><processlist>";
        assert_eq!(
            detect_bytes(xml.as_bytes()).unwrap().format,
            Format::ProcmonXml
        );
        let ev = "<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>";
        assert_eq!(
            detect_bytes(ev.as_bytes()).unwrap().format,
            Format::EventXml
        );
    }

    #[test]
    fn unknown_text_and_empty() {
        assert_eq!(
            detect_bytes(b"just some notes\nnothing else\n")
                .unwrap()
                .format,
            Format::Text
        );
        assert!(detect_bytes(b"").is_none());
        assert!(detect_bytes(&[0u8, 1, 2, 3, 0xff, 0xfe, 0x80]).is_none());
    }
}
