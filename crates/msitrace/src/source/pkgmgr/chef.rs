//! Chef client output about package resources (`windows_package`, `package`).
//!
//! | shape | example |
//! |---|---|
//! | log line | `[2014-10-15T18:40:53+00:00] FATAL: Mixlib::ShellOut::ShellCommandFailed: windows_package[X] (...) had an error: ...` |
//! | console block | `Expected process to exit with [0, 3010], but received '1603'` · `---- Begin output of msiexec /qn /i "C:\x.msi" ----` · `Ran msiexec /qn /i "C:\x.msi" returned 1603` |
//!
//! `but received 'N'` and `Ran <command> returned N` are the exit status of the command the
//! resource ran; the resource's name is the subject.

use crate::event::{EntryLevel, ExitVerdict};
use crate::source::relay::{self, ExitMention};
use crate::source::toollog::dialect::{Grammar, Head, RawEntry, Reading};
use regex::Regex;
use std::sync::LazyLock;

static LOG_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[(?P<when>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:[+-][0-9]{2}:[0-9]{2}|Z)?\] (?P<level>[A-Z]+): (?P<msg>.*)$")
        .expect("chef log regex")
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Expected process to exit with \[[^\]]*\], but received|Mixlib::ShellOut|---- (?:Begin|End) output of |^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+(?:[+-][0-9]{2}:[0-9]{2}|Z)?\] (?:INFO|WARN|ERROR|FATAL|DEBUG): |Chef (?:Infra )?Client|chef-client")
        .expect("chef strong regex")
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"windows_package\[|Recipe: |\bchef\b|Error executing action")
        .expect("chef weak regex")
});

static RECEIVED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"but received '(?P<code>-?[0-9]+)'").expect("received regex"));

static RAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*Ran (?P<cmd>.+?) returned (?P<code>-?[0-9]+)\s*$").expect("ran regex")
});

static RESOURCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:windows_)?package\[(?P<name>[^\]]{1,256})\]").expect("resource regex")
});

/// How strongly lines look like Chef's.
pub(crate) fn score(lines: &[&str]) -> u32 {
    super::count(lines, &STRONG, Some(&WEAK))
}

/// The Chef grammar.
#[derive(Debug, Default)]
pub(crate) struct Chef;

impl Grammar for Chef {
    fn head(&mut self, line: &str) -> Option<Head> {
        if let Some(c) = LOG_LINE.captures(line) {
            let level = match &c["level"] {
                "ERROR" | "FATAL" => EntryLevel::Error,
                "WARN" => EntryLevel::Warning,
                "DEBUG" | "TRACE" => EntryLevel::Verbose,
                _ => EntryLevel::Info,
            };
            return Some(Head {
                when: chrono::NaiveDateTime::parse_from_str(&c["when"], "%Y-%m-%dT%H:%M:%S").ok(),
                level: Some(level),
                message: c["msg"].to_string(),
                ..Head::default()
            });
        }
        // Console output: each line, but the indented lines of a resource's error block stay
        // one entry with the resource line (`  * windows_package[X] action install`) above them.
        (!line.starts_with([' ', '\t']) || line.trim_start().starts_with("* ")).then(|| Head {
            message: line.trim().to_string(),
            ..Head::default()
        })
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let m = &entry.message;
        let subject = RESOURCE
            .captures(m)
            .map(|c| crate::text::cut(&c["name"], 256).to_string());
        let mut reading = Reading {
            subject: subject.clone(),
            ..Reading::default()
        };
        let ran = RAN.captures(m);
        if let Some(c) = &ran {
            reading.command = Some(crate::text::cut(c["cmd"].trim(), 4096).to_string());
        }
        let code = RECEIVED
            .captures(m)
            .map(|c| c["code"].to_string())
            .or_else(|| ran.map(|c| c["code"].to_string()));
        if let Some(code) = code.and_then(|c| relay::parse_code(&c)) {
            reading.exit = Some(ExitMention {
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
    fn resource_error_block() {
        let text = "  * windows_package[7zip] action install\n    ================================================================================\n    Error executing action `install` on resource 'windows_package[7zip]'\n    ================================================================================\n\n    Mixlib::ShellOut::ShellCommandFailed\n    ------------------------------------\n    Expected process to exit with [0, 3010], but received '1603'\n    ---- Begin output of msiexec /qn /i \"C:\\chef\\cache\\7z.msi\" ----\n    STDOUT: \n    STDERR: \n    ---- End output of msiexec /qn /i \"C:\\chef\\cache\\7z.msi\" ----\n    Ran msiexec /qn /i \"C:\\chef\\cache\\7z.msi\" returned 1603\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::Chef));
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!((x.code, x.tool), (1603, DeploymentTool::Chef));
        assert_eq!(x.subject.as_deref(), Some("7zip"));
        assert!(x
            .command_line
            .as_deref()
            .unwrap()
            .starts_with("msiexec /qn /i"));
    }

    #[test]
    fn fatal_log_line() {
        let text = "[2014-10-15T18:40:53+00:00] FATAL: Mixlib::ShellOut::ShellCommandFailed: windows_package[ARR] (x::y line 12) had an error: Mixlib::ShellOut::ShellCommandFailed: Expected process to exit with [0, 42, 127], but received '1603'\n";
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
        assert!(events[0].time.local_datetime().is_some());
    }
}
