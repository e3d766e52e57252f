//! Chocolatey: `chocolatey.log` and console output.
//!
//! | shape | example |
//! |---|---|
//! | log line | `2023-07-05 11:56:47,651 7424 [INFO ] - Installing ChocolateyGUI...` (lines without the head continue it) |
//! | console line | `ERROR: Running ["C:\Windows\System32\msiexec.exe" /i "x.msi" /qn] was not successful. Exit code was '1603'. See log for possible error messages.` |
//! | summary | `The install of x was NOT successful.` · ` - x (exited 1603) - Error while running '...'` |
//! | debug | `Running Install-ChocolateyInstallPackage -silentArgs '/qn /l*v "C:\x.log"' ...` |
//!
//! Console copies from an 80-column window are cut at the width (`Exit code was` / ` '1603'.`):
//! a line of 79 or 80 characters is joined with the next.

use crate::event::EntryLevel;
use crate::source::relay;
use crate::source::toollog::dialect::{Grammar, Head, RawEntry, Reading};
use chrono::NaiveDateTime;
use regex::Regex;
use std::sync::LazyLock;

static LOG_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<when>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}),(?P<ms>[0-9]{3}) (?P<thread>[0-9]+) \[(?P<level>[A-Z]+)\s*\] - (?P<msg>.*)$")
        .expect("chocolatey.log regex")
});

static CONSOLE_LEVEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<level>ERROR|WARNING|DEBUG|VERBOSE|INFO|FATAL)\s*:\s?(?P<msg>.*)$")
        .expect("console level regex")
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} [0-9]+ \[(?:DEBUG|INFO|WARN|ERROR|FATAL)\s*\] - |^Chocolatey v[0-9]|Chocolatey (?:installed|upgraded|uninstalled) [0-9]+/[0-9]+ packages|The (?:install|upgrade|uninstall) of \S+ was NOT successful|was not successful\. Exit code was '|\(exited -?[0-9]+\)|Start-ChocolateyProcessAsAdmin|Install-ChocolateyPackage|chocolateyInstall\.ps1")
        .expect("chocolatey strong regex")
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bchoco(?:latey)?\b|^Installing \S+\.\.\.$|^Progress: Downloading|By installing, you accept licenses")
        .expect("chocolatey weak regex")
});

static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^Installing (?P<a>\S+?)\.\.\.|The (?:install|upgrade|uninstall) of (?P<b>\S+) was|^ - (?P<c>\S+) \(exited|Running '\w+' for (?P<d>\S+) v|^(?P<e>\S+) v[0-9.]+(?: \[Approved\])?$")
        .expect("chocolatey subject regex")
});

/// How strongly lines look like Chocolatey's.
pub(crate) fn score(lines: &[&str]) -> u32 {
    super::count(lines, &STRONG, Some(&WEAK))
}

/// The Chocolatey grammar (log file or console, decided by the first line with a log head).
#[derive(Debug, Default)]
pub(crate) struct Chocolatey {
    /// True once a `chocolatey.log` line was seen: lines without a head then continue entries.
    log_file: bool,
}

impl Grammar for Chocolatey {
    fn head(&mut self, line: &str) -> Option<Head> {
        if let Some(c) = LOG_LINE.captures(line) {
            self.log_file = true;
            let when = NaiveDateTime::parse_from_str(&c["when"], "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|w| w + chrono::Duration::milliseconds(c["ms"].parse().unwrap_or(0)));
            return Some(Head {
                when,
                level: Some(level(&c["level"])),
                thread: c["thread"].parse().ok(),
                message: c["msg"].to_string(),
                ..Head::default()
            });
        }
        if self.log_file {
            return None;
        }
        Some(match CONSOLE_LEVEL.captures(line) {
            Some(c) => Head {
                level: Some(level(&c["level"])),
                message: c["msg"].to_string(),
                ..Head::default()
            },
            None => Head {
                message: line.trim().to_string(),
                ..Head::default()
            },
        })
    }

    fn headless_continues(&self) -> bool {
        self.log_file
    }

    fn wrap(&self) -> Option<usize> {
        (!self.log_file).then_some(80)
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let mut reading = Reading::default();
        if let Some(c) = SUBJECT.captures(entry.message.trim_end()) {
            let name = ["a", "b", "c", "d", "e"]
                .iter()
                .find_map(|n| c.name(n))
                .map(|m| crate::text::cut(m.as_str(), 256).to_string())
                .filter(|n| !n.eq_ignore_ascii_case("chocolatey"));
            if let (Some(exit), true) = (relay::find_exit(&entry.message), c.name("c").is_some()) {
                reading.exit = Some(relay::ExitMention {
                    subject: name.clone(),
                    ..exit
                });
            }
            reading.subject = name;
        }
        reading
    }
}

/// `[INFO ]`, `ERROR:` and the others.
fn level(text: &str) -> EntryLevel {
    match text.trim() {
        "ERROR" | "FATAL" => EntryLevel::Error,
        "WARN" | "WARNING" => EntryLevel::Warning,
        "DEBUG" | "VERBOSE" => EntryLevel::Verbose,
        _ => EntryLevel::Info,
    }
}

#[cfg(test)]
mod tests {
    use crate::event::{DeploymentTool, Kind};
    use crate::source::toollog::{ToolForm, ToolLogReader};

    fn exits(text: &str) -> Vec<crate::event::DeploymentExit> {
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::Chocolatey));
        events
            .into_iter()
            .filter_map(|e| match e.kind {
                Kind::DeploymentExit(x) => Some(*x),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn console_exit_with_command_and_package() {
        let text = "Installing powershell-core...\nERROR: Running [\"C:\\Windows\\System32\\msiexec.exe\" /i \"C:\\t\\p.msi\" /qn /norestart /l*v \"C:\\t\\p.MsiInstall.log\"] was not successful. Exit code was '1618'. See log for possible error messages.\nThe install of powershell-core was NOT successful.\nFailures\n - powershell-core (exited 1618) - Error while running 'x'.\n";
        let x = exits(text);
        assert_eq!(x.len(), 2);
        assert_eq!(x[0].code, 1618);
        assert_eq!(x[0].tool, DeploymentTool::Chocolatey);
        assert_eq!(x[0].subject.as_deref(), Some("powershell-core"));
        assert_eq!(x[0].msi_log.as_deref(), Some(r"C:\t\p.MsiInstall.log"));
        assert_eq!(x[1].subject.as_deref(), Some("powershell-core"));
    }

    #[test]
    fn console_lines_cut_at_eighty_columns_are_joined() {
        let long = "ERROR: Running [\"C:\\WINDOWS\\System32\\msiexec.exe\" /i \"C:\\ProgramData\\chocolatey\\lib\\putty.install\\tools\\putty-64bit-0.70-installer.msi\" /quiet] was not successful. Exit code was '1603'. See log for possible error messages.";
        let chars: Vec<char> = long.chars().collect();
        let cut: Vec<String> = chars.chunks(80).map(|c| c.iter().collect()).collect();
        assert!(cut.len() > 2 && cut[0].chars().count() == 80);
        let text = format!(
            "Installing putty...\n{}\nThe install of putty was NOT successful.\n",
            cut.join("\n")
        );
        let x = exits(&text);
        assert_eq!(x.len(), 1);
        assert_eq!(x[0].code, 1603);
        assert!(x[0]
            .command_line
            .as_deref()
            .unwrap()
            .ends_with(r#"putty-64bit-0.70-installer.msi" /quiet"#));
    }

    #[test]
    fn log_file_with_debug_arguments_naming_the_msi_log() {
        let text = "2023-07-05 11:56:47,558 7424 [DEBUG] - Running Install-ChocolateyInstallPackage -silentArgs '/qn /norestart /l*v \"C:\\Users\\mf\\AppData\\Local\\Temp\\chocolatey\\ChocolateyGUI.1.1.0.log\"' -file 'C:\\x.msi'\n2023-07-05 11:56:49,000 7424 [ERROR] - ERROR: Running [\"C:\\Windows\\System32\\msiexec.exe\" /i \"C:\\x.msi\" /qn] was not successful. Exit code was '1603'. See log for possible error messages.\n";
        let x = exits(text);
        assert_eq!(x.len(), 1);
        assert_eq!(
            x[0].msi_log.as_deref(),
            Some(r"C:\Users\mf\AppData\Local\Temp\chocolatey\ChocolateyGUI.1.1.0.log")
        );
    }
}
