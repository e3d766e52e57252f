//! SQL Server Setup Bootstrap `Summary.txt` (and the 2005 hotfix summary).
//!
//! | part | lines |
//! |---|---|
//! | overall summary | `Final result: Failed: see details below` · `Exit code (Decimal): -2068774911` · `Exit facility code: 1201` · `Exit error code: 1` · `Exit message: ...` · `Requested action: Install` · `Log with failure: C:\...\x.log` |
//! | per feature | `Feature: Database Engine Services` · `Status: Failed` · `Reason for failure: ...` · `Component error code: 0x851A001A` · `Error description: ...` |
//! | exceptions | `Exception type: ...` · `HResult : 0x84b10001` |
//! | 2005 hotfix | `Product : X` · `Status : Failure` · `Log File : C:\...\x.msp.log` · `Error Number : 1635` · `Exit Code Returned: 1622` |
//!
//! Every line is an entry whose component is its section (`Overall summary`, the feature). The
//! exit code is read as the tool's exit status with the final result's verdict; the lines that
//! say why (`Exit message`, `Error description`, a failed status) are errors, the rest
//! information.

use crate::event::{EntryLevel, ExitVerdict};
use crate::source::relay::{self, ExitMention};
use crate::source::toollog::dialect::{Grammar, Head, RawEntry, Reading};
use regex::Regex;
use std::sync::LazyLock;

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:Overall summary:|Final result:|Exit code \(Decimal\):|Exit facility code:|Exit error code:|Requested action:|Exit Code Returned:|Product Installation Status|Log with failure:)")
        .expect("summary strong regex")
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:Feature:|Status:|Component error code:|Exception type:|Rules with failures|Machine Properties:|Product features discovered:|Package properties:|User Input Settings:|Error Number\s*:|Error Description\s*:|Log File\s*:)")
        .expect("summary weak regex")
});

static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<indent>\s*)(?P<key>[A-Za-z][A-Za-z0-9 ()/.-]{0,60}?)\s*:\s*(?P<value>.*)$")
        .expect("key value regex")
});

/// How strongly lines look like a SQL Server setup summary.
pub(crate) fn score(lines: &[&str]) -> u32 {
    super::super::pkgmgr::count(lines, &STRONG, Some(&WEAK))
}

/// The Summary.txt grammar: the section and the verdict so far.
#[derive(Debug, Default)]
pub(crate) struct SqlSummary {
    section: Option<String>,
    product: Option<String>,
    failed: Option<bool>,
    action: Option<String>,
    status_failed: bool,
}

impl Grammar for SqlSummary {
    fn head(&mut self, line: &str) -> Option<Head> {
        let Some(c) = KEY_VALUE.captures(line) else {
            // A line of a message block (`Message:` then indented text) or a banner.
            return Some(Head {
                level: Some(EntryLevel::Info),
                component: self.section.clone(),
                message: line.trim().to_string(),
                ..Head::default()
            });
        };
        let key = c["key"].trim().to_ascii_lowercase();
        let value = c["value"].trim().to_string();
        let top = c["indent"].is_empty();
        if top && value.is_empty() {
            self.section = Some(c["key"].trim().to_string());
        }
        match key.as_str() {
            "feature" | "product" => {
                self.section = Some(value.clone());
                self.product = Some(value.clone());
                self.status_failed = false;
            }
            "final result" => {
                let v = value.to_ascii_lowercase();
                self.failed = Some(!(v.starts_with("passed") || v.starts_with("succeeded")));
            }
            "requested action" => self.action = Some(value.clone()),
            "status" => {
                self.status_failed =
                    relay::says_failure(&value) || value.eq_ignore_ascii_case("failure");
            }
            _ => {}
        }
        let level = match key.as_str() {
            "exit message" | "error description" if self.failed != Some(false) => EntryLevel::Error,
            "reason for failure" => EntryLevel::Warning,
            "status" if self.status_failed => EntryLevel::Warning,
            "final result" if self.failed == Some(true) => EntryLevel::Warning,
            "component error code" | "error number" | "exit error code" => EntryLevel::Warning,
            _ => EntryLevel::Info,
        };
        Some(Head {
            level: Some(level),
            component: self.section.clone(),
            message: line.trim().to_string(),
            ..Head::default()
        })
    }

    fn headless_continues(&self) -> bool {
        false
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let mut reading = Reading::default();
        let Some(c) = KEY_VALUE.captures(&entry.message) else {
            return reading;
        };
        let key = c["key"].trim().to_ascii_lowercase();
        let value = c["value"].trim();
        match key.as_str() {
            "exit code (decimal)" | "exit code returned" => {
                let verdict = match self.failed {
                    Some(true) => Some(ExitVerdict::Failure),
                    Some(false) => Some(ExitVerdict::Success),
                    None => None,
                };
                reading.exit = relay::parse_code(value).map(|code| ExitMention {
                    code,
                    verdict,
                    subject: Some(match &self.action {
                        Some(a) => format!("SQL Server Setup ({a})"),
                        None => "SQL Server Setup".to_string(),
                    }),
                });
            }
            "error number" if self.status_failed => {
                reading.exit = relay::parse_code(value).map(|code| ExitMention {
                    code,
                    verdict: Some(ExitVerdict::Failure),
                    subject: self.product.clone(),
                });
            }
            "log with failure" | "log file" if !value.is_empty() => {
                reading.log = Some(crate::text::cut(value, 1024).to_string());
            }
            _ => {}
        }
        reading
    }
}

#[cfg(test)]
mod tests {
    use crate::event::{DeploymentTool, EntryLevel, ExitVerdict, Kind};
    use crate::source::toollog::{ToolForm, ToolLogReader};

    const SUMMARY: &str = "Overall summary:\r\n  Final result:                  Failed: see details below\r\n  Exit code (Decimal):           -2068643839\r\n  Exit facility code:            1203\r\n  Exit error code:               1\r\n  Exit message:                  The SQL Server instance could not be reached.\r\n  Start time:                    2017-07-20 19:55:03\r\n  Requested action:              Install\r\n  Log with failure:              C:\\Program Files\\Microsoft SQL Server\\140\\Setup Bootstrap\\Log\\20170720_195503\\sql_engine_core_inst_Cpu64_1.log\r\n\r\nFeature:                       Database Engine Services\r\n  Status:                        Failed\r\n  Component error code:          0x851A001A\r\n  Error description:             Wait on the Database Engine recovery handle failed.\r\n";

    #[test]
    fn overall_result_and_features() {
        let mut r = ToolLogReader::from_text(SUMMARY.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::SqlSummary));
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!(x.code, 0x84B3_0001);
        assert_eq!(x.tool, DeploymentTool::SqlServerSetup);
        assert_eq!(x.verdict, Some(ExitVerdict::Failure));
        assert!(
            x.msi_log.is_none(),
            "the log with failure comes after the exit line"
        );
        let errors: Vec<_> = events
            .iter()
            .filter_map(|e| match &e.kind {
                Kind::LogEntry(l) if l.level == EntryLevel::Error => Some(l.message.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[1].starts_with("Error description"));
    }

    #[test]
    fn hotfix_summary_of_2005() {
        let text = "Product Installation Status\nProduct                   : SQL Server Database Services 2005 (MSSQLSERVER)\nStatus                    : Failure\nLog File                  : C:\\Program Files\\Microsoft SQL Server\\90\\Setup Bootstrap\\LOG\\Hotfix\\SQL9_Hotfix_KB954606_sqlrun_sql.msp.log\nError Number              : 1635\nError Description         : Unable to install Windows Installer MSP file\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!(x.code, 1635);
        assert!(x
            .msi_log
            .as_deref()
            .unwrap()
            .ends_with("sqlrun_sql.msp.log"));
        assert_eq!(
            x.subject.as_deref(),
            Some("SQL Server Database Services 2005 (MSSQLSERVER)")
        );
    }
}
