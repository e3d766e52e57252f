//! Visual Studio Installer logs (`dd_setup_*.log`, `dd_bootstrapper_*.log`, `dd_client_*.log`,
//! and the `*_errors.log` summaries).
//!
//! | shape | example |
//! |---|---|
//! | line | `[4a80:0011][2019-04-01T10:53:05] message` (lines without the head continue it) |
//! | package failure | `Package 'Microsoft.VisualCpp.Redist.14,version=14.16.27012,chip=x86' failed to install.` then indented `Command executed: ...`, `Return code: 1603`, `Return code details: ...`, `Log` and the package's log path |
//!
//! (The Burn-based logs of Visual Studio 2015 are read as WiX Burn logs.)

use crate::event::ExitVerdict;
use crate::source::relay::{self, ExitMention};
use crate::source::toollog::dialect::{Grammar, Head, RawEntry, Reading};
use chrono::NaiveDateTime;
use regex::Regex;
use std::sync::LazyLock;

static LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[(?P<pid>[0-9a-fA-F]{1,8}):(?P<tid>[0-9a-fA-F]{1,8})\]\[(?P<when>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.[0-9]+)?\]\s*(?P<msg>.*)$")
        .expect("VS log regex")
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Package '[^']+' failed to (?:install|uninstall|repair|modify)|Return code details:|VSSetupErrorReports|dd_(?:setup|bootstrapper|client|installer)_[0-9]|Microsoft\.VisualStudio\.Setup")
        .expect("VS strong regex")
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)visual studio installer|vs_installer|^\[[0-9a-f]{1,8}:[0-9a-f]{1,8}\]\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+\] |^\s*Command executed:").expect("VS weak regex")
});

static PACKAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Package '(?P<id>[^',]{1,256})[^']*' failed to (?:install|uninstall|repair|modify)")
        .expect("package regex")
});

static COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*Command executed:\s*(?P<cmd>.+?)\s*$").expect("command regex")
});

/// How strongly lines look like a Visual Studio Installer log.
pub(crate) fn score(lines: &[&str]) -> u32 {
    super::super::pkgmgr::count(lines, &STRONG, Some(&WEAK))
}

/// The Visual Studio Installer grammar.
#[derive(Debug, Default)]
pub(crate) struct VisualStudio;

impl Grammar for VisualStudio {
    fn head(&mut self, line: &str) -> Option<Head> {
        if let Some(c) = LINE.captures(line) {
            return Some(Head {
                when: NaiveDateTime::parse_from_str(&c["when"], "%Y-%m-%dT%H:%M:%S").ok(),
                thread: u32::from_str_radix(&c["tid"], 16).ok(),
                message: c["msg"].to_string(),
                ..Head::default()
            });
        }
        // The error summaries have no head: an unindented line starts an entry.
        (!line.starts_with([' ', '\t'])).then(|| Head {
            message: line.trim().to_string(),
            ..Head::default()
        })
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let m = &entry.message;
        let mut reading = Reading::default();
        let package = PACKAGE
            .captures(m)
            .map(|c| crate::text::cut(&c["id"], 256).to_string());
        if let Some(c) = COMMAND.captures(m) {
            reading.command = Some(crate::text::cut(&c["cmd"], 4096).to_string());
        }
        if let (Some(p), Some(exit)) = (&package, relay::find_exit(m)) {
            reading.exit = Some(ExitMention {
                verdict: Some(ExitVerdict::Failure),
                subject: Some(p.clone()),
                ..exit
            });
        }
        reading.subject = package;
        reading
    }
}

#[cfg(test)]
mod tests {
    use crate::event::{DeploymentTool, Kind};
    use crate::source::toollog::{ToolForm, ToolLogReader};

    #[test]
    fn package_failure_block() {
        let text = "[4a80:0011][2019-04-01T10:53:05] Package 'Microsoft.VisualCpp.Redist.14,version=14.16.27012,chip=x86' failed to install.\n    Search URL\n        https://aka.ms/VSSetupErrorReports?q=PackageId=Microsoft.VisualCpp.Redist.14;PackageAction=Install;ReturnCode=1603\n    Details\n        Command executed: \"C:\\ProgramData\\Microsoft\\VisualStudio\\Packages\\x\\VC_redist.x86.exe\" /install /quiet /norestart\n        Return code: 1603\n        Return code details: Fatal error during installation.\n    Log\n        C:\\Users\\u\\AppData\\Local\\Temp\\dd_setup_20190401105305_006_Microsoft.VisualCpp.Redist.14.log\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::VisualStudio));
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!((x.code, x.tool), (1603, DeploymentTool::VisualStudioSetup));
        assert_eq!(x.subject.as_deref(), Some("Microsoft.VisualCpp.Redist.14"));
        assert!(x
            .msi_log
            .as_deref()
            .unwrap()
            .ends_with("Microsoft.VisualCpp.Redist.14.log"));
        assert!(x
            .command_line
            .as_deref()
            .unwrap()
            .contains("VC_redist.x86.exe"));
    }
}
