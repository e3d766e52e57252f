//! Puppet agent output about package resources.
//!
//! | shape | example |
//! |---|---|
//! | line | `Error: /Stage[main]/Main/Package[agent]/ensure: change from 'absent' to 'present' failed: Execution of 'msiexec.exe /qn /norestart /i C:\agent.msi' returned 1603: ` |
//! | levels | `Error:`, `Warning:`, `Notice:`, `Info:`, `Debug:`, optionally after a timestamp and `Puppet (err):` |
//!
//! `Execution of '<command>' returned <code>` is the exit status of the command the package
//! provider ran; the `Package[...]` title is the subject.

use crate::event::{EntryLevel, ExitVerdict};
use crate::source::relay::{self, ExitMention};
use crate::source::toollog::dialect::{Grammar, Head, RawEntry, Reading};
use regex::Regex;
use std::sync::LazyLock;

static LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?P<when>[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.[0-9]+)?\s*(?:[+-][0-9]{2}:?[0-9]{2}|Z)?\s+)?(?:Puppet \((?P<sev>\w+)\):\s*|(?P<level>Error|Warning|Notice|Info|Debug|Err):\s*)(?P<msg>.*)$")
        .expect("puppet line regex")
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Execution of '.*' returned -?[0-9]+|/Stage\[[^\]]*\]/|Puppet \((?:err|warning|notice|info)\)|Applying configuration version|Applied catalog in")
        .expect("puppet strong regex")
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bpuppet\b|Package\[[^\]]+\]|^Notice: ").expect("puppet weak regex")
});

static EXECUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Execution of '(?P<cmd>.+?)' returned (?P<code>-?[0-9]+)").expect("execution regex")
});

static PACKAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Package\[(?P<name>[^\]]{1,256})\]").expect("package regex"));

/// How strongly lines look like Puppet's.
pub(crate) fn score(lines: &[&str]) -> u32 {
    super::count(lines, &STRONG, Some(&WEAK))
}

/// The Puppet grammar.
#[derive(Debug, Default)]
pub(crate) struct Puppet;

impl Grammar for Puppet {
    fn head(&mut self, line: &str) -> Option<Head> {
        let c = LINE.captures(line)?;
        let level = c.name("sev").or_else(|| c.name("level")).map(|l| {
            match l.as_str().to_ascii_lowercase().as_str() {
                "error" | "err" | "crit" | "alert" | "emerg" => EntryLevel::Error,
                "warning" => EntryLevel::Warning,
                "debug" => EntryLevel::Verbose,
                _ => EntryLevel::Info,
            }
        });
        Some(Head {
            when: c.name("when").and_then(|w| {
                chrono::NaiveDateTime::parse_from_str(
                    &w.as_str().replace('T', " "),
                    "%Y-%m-%d %H:%M:%S",
                )
                .ok()
            }),
            level,
            message: c["msg"].to_string(),
            ..Head::default()
        })
    }

    fn headless_continues(&self) -> bool {
        false
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let m = &entry.message;
        let subject = PACKAGE
            .captures(m)
            .map(|c| crate::text::cut(&c["name"], 256).to_string());
        let mut reading = Reading {
            subject: subject.clone(),
            ..Reading::default()
        };
        if let Some(c) = EXECUTION.captures(m) {
            reading.command = Some(crate::text::cut(&c["cmd"], 4096).to_string());
            reading.exit = relay::parse_code(&c["code"]).map(|code| ExitMention {
                code,
                verdict: Some(ExitVerdict::Failure),
                subject,
            });
        }
        reading
    }
}

#[cfg(test)]
mod tests {
    use crate::event::{DeploymentTool, Kind};
    use crate::source::toollog::{ToolForm, ToolLogReader};

    #[test]
    fn execution_returned_is_the_exit() {
        let text = "Notice: /Stage[main]/Main/Package[agent]/ensure: current_value 'absent', should be 'present'\nError: /Stage[main]/Main/Package[agent]/ensure: change from 'absent' to 'present' failed: Execution of 'msiexec.exe /qn /norestart /i \"C:\\t\\agent.msi\" /l*v C:\\t\\agent.log' returned 1603: \n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::Puppet));
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!((x.code, x.tool), (1603, DeploymentTool::Puppet));
        assert_eq!(x.subject.as_deref(), Some("agent"));
        assert_eq!(x.msi_log.as_deref(), Some(r"C:\t\agent.log"));
    }
}
