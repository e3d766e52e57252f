//! SQL Server Setup Bootstrap `Detail.txt`: `(01) 2013-11-27 14:21:30 Slp: message` lines (also
//! quoted without the thread and time, `Slp: ...`).
//!
//! Read: `Error result: -2146232000` and `Setup closed with exit code: 0x84BB0001` (exit
//! statuses), `MsiInstallProduct returned the result code 1603` (a component's MSI exit), the
//! component MSI logs the lines name (`...\Setup Bootstrap\Log\...\sql_*_Cpu64_1.log`), and
//! exception lines with their `HResult`. Lines without the head continue the entry before.

use crate::event::{EntryLevel, ExitVerdict};
use crate::source::relay::{self, ExitMention};
use crate::source::toollog::dialect::{Grammar, Head, RawEntry, Reading};
use chrono::NaiveDateTime;
use regex::Regex;
use std::sync::LazyLock;

static LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\((?P<thread>[0-9]+)\) (?P<when>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}) )?(?P<comp>Slp|Sco|Watson|Burn|SQLEngine|SqlEngine|Setup|Chainer|Sqm|Sql):\s?(?P<msg>.*)$")
        .expect("Detail.txt regex")
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\([0-9]+\) [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} )?Slp: ")
        .expect("Detail.txt strong regex")
});

static ERROR_RESULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:Sco: )?Error result:\s*(?P<code>0x[0-9a-f]+|-?[0-9]+)\s*$")
        .expect("error result regex")
});

static MSI_RESULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)returned (?:the )?result code (?P<code>0x[0-9a-f]+|-?[0-9]+)")
        .expect("msi result regex")
});

static LOG_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?P<path>[a-z]:\\[^"'\r\n<>|]*?\\(?:setup bootstrap\\log|log)\\[^"'\r\n<>|]*?\.log)\b"#)
        .expect("component log regex")
});

static PACKAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bPackage ID (?P<name>[\w.-]{1,128})").expect("package regex")
});

/// How strongly lines look like a SQL Server Detail.txt.
pub(crate) fn score(lines: &[&str]) -> u32 {
    super::super::pkgmgr::count(lines, &STRONG, None)
}

/// The Detail.txt grammar.
#[derive(Debug, Default)]
pub(crate) struct SqlDetail;

impl Grammar for SqlDetail {
    fn head(&mut self, line: &str) -> Option<Head> {
        let c = LINE.captures(line)?;
        let msg = c["msg"].to_string();
        let level =
            if ERROR_RESULT.is_match(&msg) || msg.trim_start().starts_with("Exception type:") {
                Some(EntryLevel::Error)
            } else {
                None
            };
        Some(Head {
            when: c
                .name("when")
                .and_then(|w| NaiveDateTime::parse_from_str(w.as_str(), "%Y-%m-%d %H:%M:%S").ok()),
            level,
            component: Some(c["comp"].to_string()),
            thread: c.name("thread").and_then(|t| t.as_str().parse().ok()),
            message: msg,
            ..Head::default()
        })
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let m = &entry.message;
        let mut reading = Reading::default();
        if let Some(c) = LOG_PATH.captures(m) {
            reading.log = Some(crate::text::cut(&c["path"], 1024).to_string());
        }
        if let Some(c) = PACKAGE.captures(m) {
            reading.subject = Some(crate::text::cut(&c["name"], 128).to_string());
        }
        if let Some(c) = ERROR_RESULT.captures(m) {
            reading.exit = relay::parse_code(&c["code"]).map(|code| ExitMention {
                code,
                verdict: Some(ExitVerdict::Failure),
                subject: Some("SQL Server Setup".to_string()),
            });
        } else if let Some(c) = MSI_RESULT.captures(m) {
            reading.exit = relay::parse_code(&c["code"]).map(|code| ExitMention {
                code,
                verdict: None,
                subject: None,
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
    fn error_result_and_component_log() {
        let text = "(01) 2013-11-27 14:20:00 Slp: Target package: \"D:\\x64\\setup\\sql_engine_core_inst_msi\\sql_engine_core_inst.msi\"\n(01) 2013-11-27 14:20:01 Slp: Log file: C:\\Program Files\\Microsoft SQL Server\\110\\Setup Bootstrap\\Log\\20131127_141516\\sql_engine_core_inst_Cpu64_1.log\n(01) 2013-11-27 14:21:00 Slp: InstallPackage: MsiInstallProduct returned the result code 1603.\n(01) 2013-11-27 14:21:30 Slp: Error result: -2146232000\n(01) 2013-11-27 14:21:30 Slp: Result facility code: 19\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::SqlDetail));
        let exits: Vec<_> = events
            .iter()
            .filter_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(exits.len(), 2);
        assert_eq!(exits[0].code, 1603);
        assert!(exits[0]
            .msi_log
            .as_deref()
            .unwrap()
            .ends_with("sql_engine_core_inst_Cpu64_1.log"));
        assert_eq!(exits[1].code, 0x8013_1940);
        assert_eq!(exits[1].tool, DeploymentTool::SqlServerSetup);
    }

    #[test]
    fn quoted_without_times() {
        let text = "Slp: Package ID sql_xxx_xxx_xxx: NotInstalled\nSlp: Sco: File 'X:\\x64\\setup\\x64\\xxx.msi' does not exist\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::SqlDetail));
        assert_eq!(r.counts().entries, 2);
        assert_eq!(events[1].at, crate::event::Location::Line(2));
    }
}
