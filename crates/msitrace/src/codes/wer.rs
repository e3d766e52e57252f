//! Windows Error Reporting report types (`data/codes/wer.tsv`): what the event name of a
//! Windows Error Reporting 1001 record means.
//!
//! A WER 1001 record is not always a crash: `RADAR_PRE_LEAK_64` reports a memory leak in a
//! process that kept running, `WindowsUpdateFailure3` a failed update, `AppHangB1` a hang.
//! [`wer_report_type`] reads the event name into a [`WerReportType`] whose [`WerKind`] says which,
//! so a ranking can tell a crashed installer from ambient noise.
//!
//! ```
//! use msitrace::codes::{wer_report_type, WerKind};
//! let t = wer_report_type("RADAR_PRE_LEAK_32").unwrap();
//! assert_eq!(t.kind, WerKind::Leak);
//! assert!(!t.kind.is_crash());
//! assert!(wer_report_type("APPCRASH").unwrap().kind.is_crash());
//! assert!(wer_report_type("WindowsUpdateFailure3").unwrap().kind.is_update_failure());
//! ```

use super::data::DataError;
use super::facility::versioned_rows;
use serde::Serialize;
use std::sync::OnceLock;

const FILE: (&str, &str) = ("wer.tsv", include_str!("../../data/codes/wer.tsv"));

/// What kind of report a Windows Error Reporting event name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WerKind {
    /// A process crashed (unhandled exception, buffer overrun, managed exception).
    Crash,
    /// A process stopped responding.
    Hang,
    /// A process used ever more memory (resource exhaustion detection); it kept running.
    Leak,
    /// Windows Update or servicing failed to install an update.
    UpdateFailure,
    /// The Microsoft Store agent failed.
    StoreFailure,
    /// The kernel: a bugcheck, or a live kernel event of hardware or drivers.
    Kernel,
    /// A device or driver installation problem.
    Device,
    /// Telemetry or diagnostics, not a failure by itself.
    Diagnostic,
}

impl WerKind {
    fn parse(text: &str) -> Option<WerKind> {
        Some(match text {
            "crash" => WerKind::Crash,
            "hang" => WerKind::Hang,
            "leak" => WerKind::Leak,
            "update_failure" => WerKind::UpdateFailure,
            "store_failure" => WerKind::StoreFailure,
            "kernel" => WerKind::Kernel,
            "device" => WerKind::Device,
            "diagnostic" => WerKind::Diagnostic,
            _ => return None,
        })
    }

    /// True for a process crash.
    pub fn is_crash(self) -> bool {
        self == WerKind::Crash
    }

    /// True for a hang.
    pub fn is_hang(self) -> bool {
        self == WerKind::Hang
    }

    /// True for a memory-leak report (the process kept running).
    pub fn is_leak(self) -> bool {
        self == WerKind::Leak
    }

    /// True for a failed Windows update or servicing operation.
    pub fn is_update_failure(self) -> bool {
        self == WerKind::UpdateFailure
    }

    /// True when the process named by the report ended abnormally (crashed, or hung and was
    /// closed): what can end an installation. Leaks, diagnostics and update reports are not.
    pub fn ends_the_process(self) -> bool {
        matches!(self, WerKind::Crash | WerKind::Hang)
    }

    /// The word reports use for it (`crash`, `hang`, `memory leak`, ...).
    pub fn label(self) -> &'static str {
        match self {
            WerKind::Crash => "crash",
            WerKind::Hang => "hang",
            WerKind::Leak => "memory leak",
            WerKind::UpdateFailure => "update failure",
            WerKind::StoreFailure => "Store failure",
            WerKind::Kernel => "kernel event",
            WerKind::Device => "device problem",
            WerKind::Diagnostic => "diagnostic",
        }
    }
}

/// One Windows Error Reporting report type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WerReportType {
    /// The event name, or its prefix for a family (`RADAR_PRE_LEAK_`, `StoreAgent`).
    pub name: &'static str,
    /// True when [`name`](Self::name) is a prefix shared by a family of event names.
    pub prefix: bool,
    /// What kind of report it is.
    pub kind: WerKind,
    /// What the report means.
    pub what: &'static str,
}

/// Parse `wer.tsv`.
pub fn parse_rows(file: &str, text: &'static str) -> Result<Vec<WerReportType>, DataError> {
    let mut out: Vec<WerReportType> = Vec::new();
    for (line, f) in versioned_rows(file, text, "name\tkind\twhat")? {
        let problem = |p: String| DataError {
            file: file.to_string(),
            line,
            problem: p,
        };
        let (name, prefix) = match f[0].strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (f[0], false),
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(problem(format!("bad event name {:?}", f[0])));
        }
        let kind =
            WerKind::parse(f[1]).ok_or_else(|| problem(format!("unknown kind {:?}", f[1])))?;
        if out.iter().any(|t| t.name.eq_ignore_ascii_case(name)) {
            return Err(problem(format!("{name} is listed twice")));
        }
        out.push(WerReportType {
            name,
            prefix,
            kind,
            what: f[2],
        });
    }
    Ok(out)
}

fn table() -> &'static [WerReportType] {
    static T: OnceLock<Vec<WerReportType>> = OnceLock::new();
    T.get_or_init(|| parse_rows(FILE.0, FILE.1).unwrap_or_else(|e| panic!("{e}")))
}

/// Every report type msitrace knows.
pub fn wer_report_types() -> &'static [WerReportType] {
    table()
}

/// The report type of a Windows Error Reporting event name (compared without case; a family such
/// as `RADAR_PRE_LEAK_64` or `StoreAgentInstallFailure1` by its prefix). `None` for a name
/// msitrace does not know: do not assume it is a crash.
pub fn wer_report_type(event_name: &str) -> Option<&'static WerReportType> {
    let name = event_name.trim();
    if name.is_empty() {
        return None;
    }
    table()
        .iter()
        .find(|t| !t.prefix && t.name.eq_ignore_ascii_case(name))
        .or_else(|| {
            table().iter().find(|t| {
                t.prefix
                    && name.len() >= t.name.len()
                    && name.is_char_boundary(t.name.len())
                    && name[..t.name.len()].eq_ignore_ascii_case(t.name)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_parses() {
        assert!(table().len() >= 20);
    }

    #[test]
    fn exact_names_and_families() {
        assert_eq!(wer_report_type("appcrash").unwrap().kind, WerKind::Crash);
        assert_eq!(wer_report_type("BEX64").unwrap().kind, WerKind::Crash);
        for leak in [
            "RADAR_PRE_LEAK_32",
            "RADAR_PRE_LEAK_64",
            "RADAR_PRE_LEAK_WOW64",
        ] {
            assert!(wer_report_type(leak).unwrap().kind.is_leak(), "{leak}");
        }
        assert_eq!(
            wer_report_type("StoreAgentDownloadFailure1").unwrap().kind,
            WerKind::StoreFailure
        );
        assert!(wer_report_type("AppHangB1").unwrap().kind.is_hang());
        // Near misses.
        assert!(wer_report_type("RADAR").is_none());
        assert!(wer_report_type("APPCRASHX").is_none());
        assert!(wer_report_type("").is_none());
        assert!(wer_report_type("Ω").is_none());
    }

    #[test]
    fn malformed_rows_name_their_line() {
        let text: &'static str = "# version: 1\nname\tkind\twhat\nX\tboom\tw\n";
        let e = parse_rows("w.tsv", text).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.problem.contains("unknown kind"));
        let text: &'static str = "# version: 1\nname\tkind\twhat\nA B\tcrash\tw\n";
        assert!(parse_rows("w.tsv", text)
            .unwrap_err()
            .problem
            .contains("bad event name"));
    }
}
