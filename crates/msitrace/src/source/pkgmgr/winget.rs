//! winget (Windows Package Manager): console output and diagnostic logs.
//!
//! | shape | example |
//! |---|---|
//! | console | `Found GitHub CLI [GitHub.cli] Version 2.14.3` · `Installer failed with exit code: 1619` · `Installer log is available at: C:\...\WinGet-GitHub.cli.2.14.3-....log` |
//! | diagnostic log | `2023-04-15 17:21:40.868 [CLI ] Starting: 'C:\...\x.exe' with arguments '/quiet'` (`[FAIL]` lines are errors) |
//!
//! For an MSI package the installer log winget names is the log `msiexec` wrote: the next thing
//! to read. The console is localized; its exit line is read in any language by
//! [`crate::source::relay::find_exit`].

use crate::event::EntryLevel;
use crate::source::relay;
use crate::source::toollog::dialect::{Grammar, Head, RawEntry, Reading};
use chrono::NaiveDateTime;
use regex::Regex;
use std::sync::LazyLock;

static LOG_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<when>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}) \[(?P<channel>[A-Z]{2,4})\s*\] (?P<msg>.*)$")
        .expect("winget log regex")
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} \[(?:CLI|REPO|FAIL|CORE|SQL|YAML|EXEC|TEST|CONF)\s*\] |Installer failed with exit code|Installer log is available at|Successfully verified installer hash|Starting package install\.\.\.|Windows Package Manager v|WinGet-[\w.-]+\.log|DesktopAppInstaller")
        .expect("winget strong regex")
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bwinget\b|^Found .+ \[[\w.+-]+\](?: Version .+)?$|licensed to you by its owner",
    )
    .expect("winget weak regex")
});

static FOUND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\([0-9]+/[0-9]+\) )?Found (?P<name>.+?) \[(?P<id>[\w.+-]+)\]")
        .expect("found regex")
});

static STARTING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Starting: '(?P<exe>[^']+)' with arguments '(?P<args>[^']*)'")
        .expect("starting regex")
});

static INSTALLER_LOG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?P<path>[a-z]:\\[^"'\r\n]*\\WinGet-[^"'\\\r\n]+\.log)"#)
        .expect("winget log regex")
});

/// How strongly lines look like winget's.
pub(crate) fn score(lines: &[&str]) -> u32 {
    super::count(lines, &STRONG, Some(&WEAK))
}

/// The winget grammar (console or diagnostic log).
#[derive(Debug, Default)]
pub(crate) struct Winget {
    log_file: bool,
}

impl Grammar for Winget {
    fn head(&mut self, line: &str) -> Option<Head> {
        if let Some(c) = LOG_LINE.captures(line) {
            self.log_file = true;
            let channel = c["channel"].trim().to_string();
            return Some(Head {
                when: NaiveDateTime::parse_from_str(&c["when"], "%Y-%m-%d %H:%M:%S%.3f").ok(),
                level: (channel == "FAIL").then_some(EntryLevel::Error),
                component: Some(channel),
                message: c["msg"].to_string(),
                ..Head::default()
            });
        }
        if self.log_file {
            return None;
        }
        Some(Head {
            message: line.trim().to_string(),
            ..Head::default()
        })
    }

    fn headless_continues(&self) -> bool {
        self.log_file
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let mut reading = Reading::default();
        if let Some(c) = FOUND.captures(&entry.message) {
            reading.subject = Some(crate::text::cut(&c["id"], 256).to_string());
        }
        // winget's installer logs keep their English file name in every UI language.
        if let Some(c) = INSTALLER_LOG.captures(&entry.message) {
            reading.log = Some(crate::text::cut(&c["path"], 1024).to_string());
        }
        if let Some(c) = STARTING.captures(&entry.message) {
            let command = format!("\"{}\" {}", &c["exe"], &c["args"]);
            reading.log = relay::msi_log_path(&c["args"]);
            reading.command = Some(crate::text::cut(&command, 4096).to_string());
        }
        reading
    }
}

#[cfg(test)]
mod tests {
    use crate::event::{DeploymentTool, Kind};
    use crate::source::toollog::{ToolForm, ToolLogReader};

    #[test]
    fn console_failure_names_the_installer_log() {
        let text = "Found GitHub CLI [GitHub.cli] Version 2.14.3\nThis application is licensed to you by its owner.\nSuccessfully verified installer hash\nStarting package install...\nInstaller failed with exit code: 1619\nInstaller log is available at: C:\\Users\\u\\AppData\\Local\\Packages\\Microsoft.DesktopAppInstaller_8wekyb3d8bbwe\\LocalState\\DiagOutputDir\\WinGet-GitHub.cli.2.14.3-2022-08-06-13-43-31.702.log\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::Winget));
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!((x.code, x.tool), (1619, DeploymentTool::Winget));
        assert_eq!(x.subject.as_deref(), Some("GitHub.cli"));
    }

    #[test]
    fn diagnostic_log_start_line_gives_the_command() {
        let text = "2023-04-15 17:21:40.867 [CLI ] Installer args: /i x.msi\n2023-04-15 17:21:40.868 [CLI ] Starting: 'C:\\Windows\\System32\\msiexec.exe' with arguments '/i \"C:\\t\\x.msi\" /quiet /log \"C:\\t\\WinGet-x.log\"'\n2023-04-15 17:21:50.000 [CLI ] Installer failed with exit code: 1603\n2023-04-15 17:21:50.001 [FAIL] D:\\a\\x.cpp(197)\\WindowsPackageManager.dll!00007FFA9FCBB1C5: (caller: 00007FFA9FCC1449) Exception(1) tid(6108) 800700B7 Cannot create a file when that file already exists.\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!(x.code, 1603);
        assert_eq!(x.msi_log.as_deref(), Some(r"C:\t\WinGet-x.log"));
        assert_eq!(r.counts().errors, 2);
    }
}
