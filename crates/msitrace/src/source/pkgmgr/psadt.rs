//! PSAppDeployToolkit text logs (its CMTrace-format logs are read by
//! [`crate::source::cmtrace`]).
//!
//! | version | shape |
//! |---|---|
//! | 3 | `[01-11-2022 10:11:14.828] [Installation] [Execute-MSI] :: Executing MSI action [Install]...` |
//! | 4 | `[2025-08-02 17:43:39.370] [Repair] [Start-ADTMsiProcess] [Info] :: Executing MSI action [Uninstall]...` (also with an ISO time and offset) |
//!
//! Lines without the head (error records) continue the entry before them. `Execution failed with
//! exit code [1603]` and `... completed with exit code [60001]` are read by the common phrasings;
//! codes 60000–68999 are the toolkit's own.

use crate::event::EntryLevel;
use crate::source::toollog::dialect::{parse_date, parse_time, Grammar, Head};
use regex::Regex;
use std::sync::LazyLock;

static LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[(?P<date>[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4})[T ](?P<time>[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?)(?:[+-][0-9]{2}:[0-9]{2}|Z)?\]\s+\[(?P<phase>[^\]]*)\]\s+\[(?P<comp>[^\]]+)\](?:\s+\[(?P<sev>Info|Warning|Error|Success|Debug|Verbose)\])?\s+::\s?(?P<msg>.*)$")
        .expect("PSADT line regex")
});

/// How strongly lines look like a PSAppDeployToolkit text log.
pub(crate) fn score(lines: &[&str]) -> u32 {
    lines.iter().filter(|l| LINE.is_match(l)).count() as u32 * 3
}

/// The PSAppDeployToolkit grammar.
#[derive(Debug, Default)]
pub(crate) struct PsAppDeployToolkit;

impl Grammar for PsAppDeployToolkit {
    fn head(&mut self, line: &str) -> Option<Head> {
        let c = LINE.captures(line)?;
        let date = parse_date(&c["date"]).map(|(d, _)| d);
        let time = parse_time(&c["time"]);
        let level = c.name("sev").map(|s| match s.as_str() {
            "Error" => EntryLevel::Error,
            "Warning" => EntryLevel::Warning,
            "Debug" | "Verbose" => EntryLevel::Verbose,
            _ => EntryLevel::Info,
        });
        Some(Head {
            when: date.zip(time).map(|(d, t)| d.and_time(t)),
            time,
            level,
            component: Some(c["comp"].to_string()),
            message: format!("[{}] :: {}", &c["phase"], &c["msg"]),
            ..Head::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::event::{DeploymentTool, Kind};
    use crate::source::toollog::{ToolForm, ToolLogReader};

    #[test]
    fn version_three_and_four_lines() {
        let text = "[01-11-2022 10:14:32.487] [Installation] [Execute-Process] :: Executing [C:\\Windows\\system32\\msiexec.exe /i \"C:\\f\\x.msi\" /QN /L*v \"C:\\Windows\\Logs\\Software\\x_Install.log\"]...\n[01-11-2022 10:15:32.487] [Installation] [Execute-Process] :: Execution failed with exit code [1603].\n[2025-11-27T17:00:11.6693060+00:00] [Install] [Start-ADTProcess] [Error] :: Execution failed with exit code [1639]: Invalid command line argument.\nError Record:\n-------------\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::PsAppDeployToolkit));
        let exits: Vec<_> = events
            .iter()
            .filter_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(exits.len(), 2);
        assert_eq!(exits[0].tool, DeploymentTool::PsAppDeployToolkit);
        assert_eq!(
            exits[0].msi_log.as_deref(),
            Some(r"C:\Windows\Logs\Software\x_Install.log")
        );
        assert_eq!(exits[1].code, 1639);
        assert_eq!(r.counts().errors, 2);
    }
}
