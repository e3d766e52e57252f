//! Ansible task results: `win_package`, `win_chocolatey` and the other Windows modules.
//!
//! | shape | example |
//! |---|---|
//! | task | `TASK [Install agent] ****` |
//! | result, JSON | `fatal: [win1]: FAILED! => {"changed": false, "msg": "...", "rc": 1603, "stderr": "", ...}` (on one line or pretty-printed over many) |
//! | result, YAML callback | `fatal: [win1]: FAILED! => changed=false` then indented `rc: 1603`, `msg: ...` |
//!
//! The result's `rc` is the exit status; `fatal`/`failed`, or `"failed": true`, is the tool's
//! verdict; the task name is the subject. An MSI log path given to the module
//! (`log_path`, or `/l*v` in `arguments`) is named when the result echoes its arguments.

use crate::event::{EntryLevel, ExitVerdict};
use crate::source::relay::{self, ExitMention};
use crate::source::toollog::dialect::{Grammar, Head, RawEntry, Reading};
use regex::Regex;
use std::sync::LazyLock;

static RESULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<status>fatal|failed|ok|changed|skipping|ignored|FAILED - RETRYING)(?:: [^\[]*)?:? \[(?P<host>[^\]]+)\](?P<msg>.*)$")
        .expect("ansible result regex")
});

static TASK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<what>TASK|PLAY|RUNNING HANDLER) \[(?P<name>[^\]]*)\]|^PLAY RECAP")
        .expect("task regex")
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:fatal|failed|ok|changed): \[[^\]]+\]|^TASK \[|^PLAY (?:\[|RECAP)|FAILED! => |\bwin_(?:package|chocolatey)\b"#)
        .expect("ansible strong regex")
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""rc":\s*-?[0-9]+|^\s+rc:\s*-?[0-9]+|"changed":\s*(?:true|false)|\bansible\b"#)
        .expect("ansible weak regex")
});

static RC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)(?:"rc"\s*:\s*|^\s*rc\s*:\s*)(?P<rc>-?[0-9]+)"#).expect("rc regex")
});

/// How strongly lines look like Ansible's.
pub(crate) fn score(lines: &[&str]) -> u32 {
    super::count(lines, &STRONG, Some(&WEAK))
}

/// The Ansible grammar.
#[derive(Debug, Default)]
pub(crate) struct Ansible {
    /// The task the results are of.
    task: Option<String>,
}

impl Grammar for Ansible {
    fn head(&mut self, line: &str) -> Option<Head> {
        if let Some(c) = TASK.captures(line) {
            if c.name("what").is_some_and(|w| w.as_str() == "TASK") {
                self.task = c
                    .name("name")
                    .map(|n| crate::text::cut(n.as_str(), 256).to_string());
            }
            return Some(Head {
                level: Some(EntryLevel::Info),
                message: line.trim_end_matches(['*', ' ']).to_string(),
                ..Head::default()
            });
        }
        let c = RESULT.captures(line)?;
        let level = match &c["status"] {
            "fatal" | "failed" => EntryLevel::Error,
            "FAILED - RETRYING" => EntryLevel::Warning,
            _ => EntryLevel::Info,
        };
        Some(Head {
            level: Some(level),
            component: Some(c["host"].to_string()),
            message: line.to_string(),
            ..Head::default()
        })
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let mut reading = Reading {
            subject: self.task.clone(),
            ..Reading::default()
        };
        let m = &entry.message;
        let failed_head = m.starts_with("fatal") || m.starts_with("failed");
        let Some(open) = m.find("=> ") else {
            return reading;
        };
        let body = &m[open + 3..];
        let json = body
            .find('{')
            .zip(body.rfind('}'))
            .filter(|(a, b)| a < b)
            .and_then(|(a, b)| serde_json::from_str::<serde_json::Value>(&body[a..=b]).ok());
        let (rc, failed) = match &json {
            Some(v) => {
                if let Some(msg) = v.get("msg").and_then(|m| m.as_str()) {
                    reading.command = relay::msiexec_command(msg);
                }
                let args = v.pointer("/invocation/module_args");
                reading.log = args
                    .and_then(|a| a.get("log_path"))
                    .and_then(|l| l.as_str())
                    .map(str::to_string)
                    .or_else(|| {
                        args.and_then(|a| a.get("arguments"))
                            .and_then(|a| a.as_str())
                            .and_then(relay::msi_log_path)
                    });
                (
                    v.get("rc").and_then(|r| r.as_i64()),
                    v.get("failed").and_then(|f| f.as_bool()),
                )
            }
            None => (
                RC.captures(body).and_then(|c| c["rc"].parse::<i64>().ok()),
                None,
            ),
        };
        if let Some(rc) = rc {
            let verdict = (failed_head || failed == Some(true)).then_some(ExitVerdict::Failure);
            reading.exit = relay::parse_code(&rc.to_string()).map(|code| ExitMention {
                code,
                verdict,
                subject: self.task.clone(),
            });
        }
        reading
    }
}

#[cfg(test)]
mod tests {
    use crate::event::{DeploymentTool, ExitVerdict, Kind};
    use crate::source::toollog::{ToolForm, ToolLogReader};

    fn exits(text: &str) -> Vec<crate::event::DeploymentExit> {
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::Ansible));
        events
            .into_iter()
            .filter_map(|e| match e.kind {
                Kind::DeploymentExit(x) => Some(*x),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn one_line_json_result() {
        let text = "TASK [Install agent] ***********************************\nfatal: [win1]: FAILED! => {\"changed\": false, \"msg\": \"unexpected rc from install of C:\\\\t\\\\agent.msi: see rc, stdout and stderr for more details\", \"rc\": 1603, \"reboot_required\": false, \"stderr\": \"\", \"stdout\": \"\"}\n";
        let x = exits(text);
        assert_eq!(x.len(), 1);
        assert_eq!((x[0].code, x[0].tool), (1603, DeploymentTool::Ansible));
        assert_eq!(x[0].verdict, Some(ExitVerdict::Failure));
        assert_eq!(x[0].subject.as_deref(), Some("Install agent"));
    }

    #[test]
    fn pretty_json_result_with_log_path() {
        let text = "TASK [msi] ****\nfatal: [win1]: FAILED! => {\n    \"changed\": false,\n    \"invocation\": {\"module_args\": {\"log_path\": \"C:\\\\temp\\\\agent.log\"}},\n    \"rc\": 1618\n}\n\nPLAY RECAP ****\n";
        let x = exits(text);
        assert_eq!(x[0].code, 1618);
        assert_eq!(x[0].msi_log.as_deref(), Some(r"C:\temp\agent.log"));
    }

    #[test]
    fn yaml_callback_result() {
        let text = "TASK [msi] ****\nfatal: [win1]: FAILED! => changed=false\n  msg: unexpected rc\n  rc: 1625\n";
        let x = exits(text);
        assert_eq!(x[0].code, 1625);
        assert_eq!(x[0].verdict, Some(ExitVerdict::Failure));
    }

    #[test]
    fn success_with_restart_is_not_a_failure() {
        let text = "TASK [msi] ****\nchanged: [win1] => {\"changed\": true, \"rc\": 3010, \"reboot_required\": true}\n";
        let x = exits(text);
        assert_eq!(x[0].effective_verdict(), ExitVerdict::RebootRequired);
    }
}
