//! Input detection by content, never by file name.
//!
//! [`detect_bytes`] looks at the first bytes of an input: binary magics (EVTX `ElfFile`, Process
//! Monitor `PML_`, zip, gzip), then, for text, the decoded first lines: MSI log headers and engine
//! lines, Burn lines, a Process Monitor CSV header, XML roots. [`collect_inputs`] walks folders.

use crate::text::{sniff_encoding, LineReader, TextEncoding};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How many bytes detection reads from the start of an input.
pub const SNIFF_LEN: usize = 16 * 1024;

/// The formats msitrace recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Windows Installer log (`msiexec /l*v`, verbose or not).
    MsiLog,
    /// WiX Burn bundle log.
    BurnLog,
    /// Windows event log file (`.evtx`).
    Evtx,
    /// Event Viewer / `wevtutil` XML export.
    EventXml,
    /// Process Monitor CSV export.
    ProcmonCsv,
    /// Process Monitor XML export.
    ProcmonXml,
    /// Process Monitor native capture (`.PML`).
    ProcmonPml,
    /// A zip bundle of collected logs.
    Zip,
    /// A gzip-compressed file.
    Gzip,
    /// A ConfigMgr or Intune client log (CMTrace, SMS trace, a CMTrace copy or its messages).
    ConfigmgrLog,
    /// Package-manager or deployment-tool output (Chocolatey, winget, Ansible, Puppet, Chef,
    /// PowerShell, PSAppDeployToolkit).
    DeploymentLog,
    /// A product setup log relaying installer results (SQL Server Setup, Visual Studio
    /// Installer, .NET Framework setup).
    SetupLog,
}

impl Format {
    /// Whether this version of msitrace can analyse the format.
    pub fn is_supported(self) -> bool {
        matches!(
            self,
            Format::MsiLog
                | Format::BurnLog
                | Format::Evtx
                | Format::EventXml
                | Format::ProcmonCsv
                | Format::ProcmonXml
                | Format::ConfigmgrLog
                | Format::DeploymentLog
                | Format::SetupLog
        )
    }

    /// Human name of the format.
    pub fn label(self) -> &'static str {
        match self {
            Format::MsiLog => "Windows Installer log",
            Format::BurnLog => "WiX Burn log",
            Format::Evtx => "EVTX event log",
            Format::EventXml => "event-log XML export",
            Format::ProcmonCsv => "Process Monitor CSV",
            Format::ProcmonXml => "Process Monitor XML",
            Format::ProcmonPml => "Process Monitor PML capture",
            Format::Zip => "zip bundle",
            Format::Gzip => "gzip file",
            Format::ConfigmgrLog => "ConfigMgr/Intune log",
            Format::DeploymentLog => "package-manager or deployment-tool output",
            Format::SetupLog => "product setup log",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What detection found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The format.
    pub format: Format,
    /// Text encoding, for text formats.
    pub encoding: Option<TextEncoding>,
}

/// Detect the format of an input from its first bytes (up to [`SNIFF_LEN`]).
///
/// ```
/// use msitrace::detect::{detect_bytes, Format};
/// let head = b"MSI (s) (18:F4) [12:02:17:898]: Grabbed execution mutex.\r\n";
/// assert_eq!(detect_bytes(head).unwrap().format, Format::MsiLog);
/// assert!(detect_bytes(b"hello world").is_none());
/// ```
pub fn detect_bytes(head: &[u8]) -> Option<Detected> {
    let binary = |format| {
        Some(Detected {
            format,
            encoding: None,
        })
    };
    if head.starts_with(b"ElfFile\0") {
        return binary(Format::Evtx);
    }
    // An EVTX file whose header is damaged: its first chunk is still where it belongs.
    if head.get(4096..4104) == Some(&b"ElfChnk\0"[..]) {
        return binary(Format::Evtx);
    }
    if head.starts_with(b"PML_") {
        return binary(Format::ProcmonPml);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return binary(Format::Zip);
    }
    if head.starts_with(&[0x1F, 0x8B]) {
        return binary(Format::Gzip);
    }
    let encoding = sniff_encoding(head);
    let format = detect_text(head, encoding)?;
    Some(Detected {
        format,
        encoding: Some(encoding),
    })
}

fn detect_text(head: &[u8], encoding: TextEncoding) -> Option<Format> {
    // Do not decode the possibly cut last character of the sample.
    let mut reader = LineReader::new(head, encoding);
    let mut msi_hints = 0;
    let mut lines = 0;
    // The lines read, for the tool-log forms (see `crate::source::toollog::detect_lines`).
    let mut sample: Vec<String> = Vec::new();
    while let Some(line) = reader.next_line().ok().flatten() {
        let t = line.text.trim_start_matches('\u{feff}').trim();
        if t.is_empty() {
            continue;
        }
        lines += 1;
        sample.push(line.text.trim_start_matches('\u{feff}').to_string());
        if crate::source::cmtrace::is_cmtrace_line(t) {
            return Some(Format::ConfigmgrLog);
        }
        if lines == 1 {
            if t.starts_with("=== Verbose logging started") || t.starts_with("=== Logging started")
            {
                return Some(Format::MsiLog);
            }
            if t.starts_with("<?xml") || t.starts_with('<') {
                return detect_xml(head, encoding);
            }
            if is_procmon_csv_header(t) {
                return Some(Format::ProcmonCsv);
            }
        }
        if crate::source::burn::is_burn_line(t) {
            return Some(Format::BurnLog);
        }
        if crate::source::msilog::is_engine_line(t) {
            return Some(Format::MsiLog);
        }
        if crate::source::msilog::looks_like_msi_line(t) {
            msi_hints += 1;
        }
        if lines >= 200 {
            break;
        }
    }
    let sample: Vec<&str> = sample.iter().map(String::as_str).collect();
    if let Some(form) = crate::source::toollog::detect_lines(&sample) {
        return Some(form.format());
    }
    (msi_hints > 0).then_some(Format::MsiLog)
}

fn detect_xml(head: &[u8], encoding: TextEncoding) -> Option<Format> {
    let mut reader = LineReader::new(head, encoding);
    let mut seen = String::new();
    while let Some(line) = reader.next_line().ok().flatten() {
        seen.push_str(line.text);
        if seen.len() > 4096 {
            break;
        }
    }
    if seen.contains("<procmon") {
        Some(Format::ProcmonXml)
    } else if seen.contains("<Event ") || seen.contains("<Event>") || seen.contains("<Events") {
        Some(Format::EventXml)
    } else {
        None
    }
}

/// True for the header row of a Process Monitor CSV export (any column order).
fn is_procmon_csv_header(line: &str) -> bool {
    let l = line.trim_start_matches('\u{feff}');
    l.starts_with('"')
        && l.contains("\"Operation\"")
        && (l.contains("\"Process Name\"") || l.contains("\"PID\""))
}

/// Expand the command-line inputs: files stay, folders are walked (sorted, recursively).
///
/// Returns the files and, for paths that cannot be read, an error line each.
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
        assert!(detect_bytes(b"just some notes\nnothing else\n").is_none());
        assert!(detect_bytes(b"").is_none());
        assert!(detect_bytes(&[0u8, 1, 2, 3, 0xff, 0xfe, 0x80]).is_none());
    }
}
