//! PowerShell output around installers: DSC package resources (`MSFT_PackageResource`,
//! `xPackage`), PackageManagement's `Install-Package`, and `Start-Process msiexec -PassThru`.
//!
//! | shape | example |
//! |---|---|
//! | stream prefix | `VERBOSE: [HOST]: LCM:  [ Start  Set      ]  [[Package]Agent]` · `WARNING: ...` |
//! | error record | `Install-Package : Package 'x' failed to install.` then `+ CategoryInfo ...` lines |
//! | DSC failure | `... with error message: The return code 1603 was not expected. Configuration is likely not correct` |
//! | process object | `ExitCode : 1603` |

use crate::event::{EntryLevel, ExitVerdict};
use crate::source::relay::{self, ExitMention};
use crate::source::toollog::dialect::{Grammar, Head, RawEntry, Reading};
use regex::Regex;
use std::sync::LazyLock;

static STREAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<level>VERBOSE|WARNING|DEBUG|ERROR|INFO):\s?(?P<msg>.*)$")
        .expect("stream regex")
});

static ERROR_RECORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<cmd>[A-Z][a-z]+-[A-Za-z]+) : (?P<msg>.*)$").expect("error record regex")
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"MSFT_PackageResource|\[\[x?Package\][^\]]*\]|The return code -?[0-9]+ was not expected|Install-Package : |PackageManagement\\|LCM:\s+\[|xPackage|^PS [A-Za-z]:\\[^>]*> ")
        .expect("powershell strong regex")
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\+ (?:CategoryInfo|FullyQualifiedErrorId)\s*:|^VERBOSE: |^ExitCode\s*:\s*-?[0-9]+|Start-Process|PowerShell DSC")
        .expect("powershell weak regex")
});

static NOT_EXPECTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)return code (?P<code>-?[0-9]+) was not expected").expect("return code regex")
});

static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[\[x?Package\](?P<a>[^\]]{1,256})\]|Package '(?P<b>[^']{1,256})'")
        .expect("subject regex")
});

/// How strongly lines look like PowerShell's.
pub(crate) fn score(lines: &[&str]) -> u32 {
    super::count(lines, &STRONG, Some(&WEAK))
}

/// The PowerShell grammar.
#[derive(Debug, Default)]
pub(crate) struct PowerShell;

impl Grammar for PowerShell {
    fn head(&mut self, line: &str) -> Option<Head> {
        if let Some(c) = STREAM.captures(line) {
            let level = match &c["level"] {
                "ERROR" => EntryLevel::Error,
                "WARNING" => EntryLevel::Warning,
                "VERBOSE" | "DEBUG" => EntryLevel::Verbose,
                _ => EntryLevel::Info,
            };
            return Some(Head {
                level: Some(level),
                message: c["msg"].to_string(),
                ..Head::default()
            });
        }
        if let Some(c) = ERROR_RECORD.captures(line) {
            return Some(Head {
                level: Some(EntryLevel::Error),
                component: Some(c["cmd"].to_string()),
                message: c["msg"].to_string(),
                ..Head::default()
            });
        }
        (!line.starts_with([' ', '\t', '+'])).then(|| Head {
            message: line.trim().to_string(),
            ..Head::default()
        })
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let m = &entry.message;
        let subject = SUBJECT.captures(m).and_then(|c| {
            c.name("a")
                .or_else(|| c.name("b"))
                .map(|s| crate::text::cut(s.as_str(), 256).to_string())
        });
        let mut reading = Reading {
            subject: subject.clone(),
            ..Reading::default()
        };
        if let Some(c) = NOT_EXPECTED.captures(m) {
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
    use crate::event::{DeploymentTool, ExitVerdict, Kind};
    use crate::source::toollog::{ToolForm, ToolLogReader};

    #[test]
    fn dsc_return_code_not_expected() {
        let text = "VERBOSE: [WIN1]: LCM:  [ Start  Set      ]  [[Package]Agent]\nPowerShell DSC resource MSFT_PackageResource  failed to execute Set-TargetResource functionality with error message: The return code 1603 was not expected. Configuration is likely not correct\n    + CategoryInfo          : InvalidOperation: (:) [], CimException\n    + FullyQualifiedErrorId : ProviderOperationExecutionFailure\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::PowerShell));
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!((x.code, x.tool), (1603, DeploymentTool::PowerShell));
        assert_eq!(x.verdict, Some(ExitVerdict::Failure));
        assert_eq!(x.subject.as_deref(), Some("Agent"));
    }

    #[test]
    fn process_object_exit_code() {
        let text = "PS C:\\> $p = Start-Process msiexec.exe -ArgumentList '/i x.msi /qn /l*v C:\\t\\x.log' -Wait -PassThru\nPS C:\\> $p | Format-List ExitCode\n\nExitCode : 1603\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::PowerShell));
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!(x.code, 1603);
        assert_eq!(x.msi_log.as_deref(), Some(r"C:\t\x.log"));
    }
}
