//! Configuration Manager and Intune client logs: ccmsetup.log, AppEnforce.log, AppDiscovery.log,
//! execmgr.log, IntuneManagementExtension.log, AgentExecutor.log, and the logs of scripts that
//! write the same format (PSAppDeployToolkit).
//!
//! Four forms, one grammar each:
//!
//! | form | shape |
//! |---|---|
//! | CMTrace | `<![LOG[message]LOG]!><time="HH:MM:SS.fff+bias" date="MM-DD-YYYY" component="c" context="" type="1" thread="12" file="f">`; the message may span lines |
//! | SMS trace | `message $$<component><MM-DD-YYYY HH:MM:SS.fff+bias><thread=12 (0xC)>`; lines before the `$$<` belong to the message |
//! | CMTrace viewer copy | `message⇥component⇥date time⇥thread (0xN)` (tabs, or spaces when pasted), or `date time component thread (0xN) message` |
//! | message text | the messages alone (`MSI: Setup failed ...`, `The error code is 80004005` continuing the line before) |
//!
//! Entry types 1, 2, 3 are information, warning, error. The tool is read from the component or
//! the message (`[Win32App]` is Intune, `[Install] ::` PSAppDeployToolkit); AppEnforce's exit-code
//! table lines (`Matched exit code 3010 to a SoftReboot entry`) and Intune's (`lpExitCode is
//! defined as Success`) give the tool's own verdict.

use crate::event::{DeploymentTool, EntryLevel, ExitVerdict};
use crate::source::relay::{self, ExitMention};
use crate::source::toollog::dialect::{
    parse_date, parse_time, Dialect, Grouper, RawEntry, Reading, MAX_ENTRY_LINES,
};
use crate::source::toollog::form::ToolForm;
use regex::Regex;
use std::sync::LazyLock;

/// The opening of a CMTrace entry.
const OPEN: &str = "<![LOG[";
/// The end of a CMTrace message.
const CLOSE: &str = "]LOG]!>";

/// True when a line starts a CMTrace entry (detection).
pub fn is_cmtrace_line(line: &str) -> bool {
    line.trim_start().starts_with(OPEN)
}

/// The ConfigMgr form of an input's first lines, if any.
pub(crate) fn detect_lines(lines: &[&str]) -> Option<ToolForm> {
    let mut copies = 0;
    let mut relayed = 0;
    let mut cm_phrases = 0;
    let mut sms = 0;
    for l in lines {
        if is_cmtrace_line(l) {
            return Some(ToolForm::CmTrace);
        }
        if l.contains("$$<") && SMS.is_match(l) {
            sms += 1;
        }
        if viewer_copy(l).is_some() {
            copies += 1;
        }
        let t = l.trim_start();
        if t.starts_with("MSI: ")
            && relay::relayed_installer_kind(t).is_some()
            && !t.starts_with("MSI: (")
        {
            relayed += 1;
        }
        if CM_PHRASE.is_match(l) {
            cm_phrases += 1;
        }
    }
    if sms > 0 {
        Some(ToolForm::SmsTrace)
    } else if copies > 0 {
        Some(ToolForm::CmTraceCopy)
    } else if relayed > 0 || cm_phrases >= 2 {
        Some(ToolForm::ConfigMgrText)
    } else {
        None
    }
}

/// Phrases only ConfigMgr and Intune client logs write.
static CM_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:MSI: |\[Win32App\]|ccmsetup|CcmSetup (?:failed|is exiting|version)|Matched exit code [0-9]+|Unmatched exit code|Installation failed with error code|\+\+\+\+\+\+ App enforcement|Running installation package|Client installation has failed)")
        .expect("ConfigMgr phrase regex")
});

/// `message $$<component><date time+bias><thread=N (0xN)>`.
static SMS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<msg>.*?)\s*\$\$<(?P<comp>[^>]*)><(?P<date>[0-9/.-]+) (?P<time>[0-9:.,]+)(?:[+-][0-9]+)?><thread=(?P<thread>[0-9]+)[^>]*>\s*$")
        .expect("SMS trace regex")
});

/// The viewer's copy with the fields after the message (tabs, or runs of spaces once pasted).
static COPY_TRAILING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<msg>.*?)[\t ]+(?P<comp>[^\t ]+)[\t ]+(?P<date>[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4})[\t ]+(?P<time>[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?:\s?[AaPp][Mm])?)[\t ]+(?P<thread>[0-9]+)\s*\(0x[0-9A-Fa-f]+\)\s*$")
        .expect("viewer copy regex")
});

/// The copy with the fields first (`01-13-2016 17:56:47.620 AppEnforce 2216 (0x8a8) message`).
static COPY_LEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<date>[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4})[\t ]+(?P<time>[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?:\s?[AaPp][Mm])?)[\t ]+(?P<comp>[^\t ]+)[\t ]+(?P<thread>[0-9]+)\s*\(0x[0-9A-Fa-f]+\)[\t ]*(?P<msg>.*)$")
        .expect("viewer copy regex")
});

/// The fields of a line copied from the viewer: message, component, date, time, thread.
fn viewer_copy(line: &str) -> Option<(String, String, String, String, u32)> {
    if line.contains('\t') {
        // The viewer's own separator: message, component, date/time, thread.
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() >= 4 {
            let n = fields.len();
            let thread = fields[n - 1].trim();
            let when = fields[n - 2].trim();
            if let (Some(t), Some((date, time))) = (thread_id(thread), when.split_once(' ')) {
                if parse_date(date).is_some() && parse_time(time).is_some() {
                    return Some((
                        fields[..n - 3].join("\t"),
                        fields[n - 3].trim().to_string(),
                        date.to_string(),
                        time.to_string(),
                        t,
                    ));
                }
            }
        }
    }
    let caps = COPY_TRAILING
        .captures(line)
        .or_else(|| COPY_LEADING.captures(line))?;
    let get = |n: &str| {
        caps.name(n)
            .map(|m| m.as_str().to_string())
            .unwrap_or_default()
    };
    parse_date(&get("date"))?;
    parse_time(&get("time"))?;
    Some((
        get("msg"),
        get("comp"),
        get("date"),
        get("time"),
        get("thread").parse().ok()?,
    ))
}

/// `2508 (0x09CC)` or `2508`.
fn thread_id(text: &str) -> Option<u32> {
    let digits = text.split_whitespace().next()?;
    let rest = text[digits.len()..].trim();
    let ok = rest.is_empty() || (rest.starts_with("(0x") && rest.ends_with(')'));
    ok.then(|| digits.parse().ok()).flatten()
}

/// The dialect of a ConfigMgr form.
pub(crate) fn dialect(form: ToolForm) -> Box<dyn Dialect> {
    Box::new(CmDialect {
        form,
        open: None,
        grouper: Grouper::default(),
        prefix: Vec::new(),
        last_code: None,
        guessed_dates: 0,
        unclosed: 0,
    })
}

struct CmDialect {
    form: ToolForm,
    /// A CMTrace message not closed yet.
    open: Option<RawEntry>,
    /// Entries of the line-per-entry forms.
    grouper: Grouper,
    /// Lines before an SMS trace or copied line's fields: the start of its message.
    prefix: Vec<(u64, String)>,
    /// The last `lpExitCode` (Intune states the verdict on the next line).
    last_code: Option<u32>,
    guessed_dates: u64,
    unclosed: u64,
}

impl CmDialect {
    fn push_cmtrace(&mut self, line: u64, text: &str, out: &mut Vec<RawEntry>) {
        if let Some(mut entry) = self.open.take() {
            match text.find(CLOSE) {
                Some(at) => {
                    entry.push_line(text, &text[..at], false);
                    self.close(entry, &text[at + CLOSE.len()..], out);
                }
                None if entry.lines < MAX_ENTRY_LINES => {
                    entry.push_line(text, text, false);
                    self.open = Some(entry);
                }
                None => {
                    // Never closed: keep what was read, start over with this line.
                    self.unclosed += 1;
                    out.push(entry);
                    self.push_cmtrace(line, text, out);
                }
            }
            return;
        }
        let trimmed = text.trim_start();
        let Some(rest) = trimmed.strip_prefix(OPEN) else {
            // A line outside any entry (a header, junk): its own entry.
            if !text.trim().is_empty() {
                out.push(RawEntry::new(line, text, text.trim()));
            }
            return;
        };
        match rest.find(CLOSE) {
            Some(at) => {
                let entry = RawEntry::new(line, text, &rest[..at]);
                self.close(entry, &rest[at + CLOSE.len()..], out);
            }
            None => self.open = Some(RawEntry::new(line, text, rest)),
        }
    }

    /// Read the attributes after `]LOG]!>` and push the entry.
    fn close(&mut self, mut entry: RawEntry, attributes: &str, out: &mut Vec<RawEntry>) {
        let attr = |name: &str| attribute(attributes, name);
        if let Some(date) = attr("date").and_then(|d| parse_date(&d)) {
            if date.1 {
                self.guessed_dates += 1;
            }
            entry.date = Some(date.0);
        }
        entry.time = attr("time").and_then(|t| parse_time(strip_bias(&t)));
        entry.level = attr("type").map(|t| entry_level(&t));
        entry.component = attr("component").filter(|c| !c.trim().is_empty());
        entry.thread = attr("thread").and_then(|t| thread_id(t.trim()));
        entry.tool = Some(tool_of(entry.component.as_deref(), &entry.message));
        out.push(entry);
    }

    fn push_fielded(&mut self, line: u64, text: &str, out: &mut Vec<RawEntry>) {
        let fields = if self.form == ToolForm::SmsTrace {
            SMS.captures(text).map(|c| {
                let get = |n: &str| {
                    c.name(n)
                        .map(|m| m.as_str().to_string())
                        .unwrap_or_default()
                };
                (
                    get("msg"),
                    get("comp"),
                    get("date"),
                    get("time"),
                    get("thread").parse().unwrap_or(0),
                )
            })
        } else {
            viewer_copy(text)
        };
        let Some((message, component, date, time, thread)) = fields else {
            if (self.grouper.last_was_wrapped() || text.starts_with([' ', '\t']))
                && self.grouper.continue_with(text, text.trim())
            {
                return;
            }
            if !text.trim().is_empty() && self.prefix.len() < MAX_ENTRY_LINES {
                self.prefix.push((line, text.to_string()));
            }
            return;
        };
        // Lines before the fields start the message (a multi-line message).
        let mut prefix = std::mem::take(&mut self.prefix);
        let (first, mut raw, mut msg) = match prefix.first() {
            Some((n, _)) => {
                let raw: Vec<&str> = prefix.iter().map(|(_, t)| t.as_str()).collect();
                let msg: Vec<&str> = prefix.iter().map(|(_, t)| t.trim()).collect();
                (*n, raw.join("\n"), msg.join("\n"))
            }
            None => (line, String::new(), String::new()),
        };
        prefix.clear();
        if !raw.is_empty() {
            raw.push('\n');
            msg.push('\n');
        }
        raw.push_str(text);
        msg.push_str(message.trim());
        let mut entry = RawEntry::new(first, &raw, &msg);
        entry.lines = raw.lines().count();
        if let Some((d, guessed)) = parse_date(&date) {
            if guessed {
                self.guessed_dates += 1;
            }
            entry.date = Some(d);
        }
        entry.time = parse_time(strip_bias(&time));
        entry.component = Some(component).filter(|c| !c.is_empty());
        entry.thread = Some(thread);
        entry.tool = Some(tool_of(entry.component.as_deref(), &entry.message));
        self.grouper.start(entry, text, out);
    }

    fn push_text(&mut self, line: u64, text: &str, out: &mut Vec<RawEntry>) {
        let t = text.trim();
        if t.is_empty() {
            return;
        }
        // ConfigMgr writes an error's code on the line after its text.
        let continues = text.starts_with([' ', '\t'])
            || t.starts_with("The error code is")
            || self.grouper.last_was_wrapped();
        if continues && self.grouper.continue_with(text, t) {
            return;
        }
        let mut entry = RawEntry::new(line, text, t);
        entry.tool = Some(tool_of(None, t));
        self.grouper.start(entry, text, out);
    }
}

impl Dialect for CmDialect {
    fn push(&mut self, line: u64, text: &str, out: &mut Vec<RawEntry>) {
        match self.form {
            ToolForm::CmTrace => self.push_cmtrace(line, text, out),
            ToolForm::SmsTrace | ToolForm::CmTraceCopy => self.push_fielded(line, text, out),
            _ => self.push_text(line, text, out),
        }
    }

    fn finish(&mut self, out: &mut Vec<RawEntry>) {
        if let Some(entry) = self.open.take() {
            self.unclosed += 1;
            out.push(entry);
        }
        self.grouper.flush(out);
        for (line, text) in std::mem::take(&mut self.prefix) {
            out.push(RawEntry::new(line, &text, text.trim()));
        }
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let m = entry.message.as_str();
        let mut reading = Reading::default();
        let exit_table = m.contains("xit code");
        let intune = m.contains("lpExitCode");
        if let Some(c) = exit_table.then(|| TABLE_MATCH.captures(m)).flatten() {
            reading.exit = Some(ExitMention {
                code: relay::parse_code(&c["code"]).unwrap_or(0),
                verdict: Some(table_verdict(&c["entry"])),
                subject: None,
            });
        } else if let Some(c) = exit_table.then(|| UNMATCHED.captures(m)).flatten() {
            reading.exit = relay::parse_code(&c["code"]).map(|code| ExitMention {
                code,
                verdict: Some(ExitVerdict::Failure),
                subject: None,
            });
        } else if let Some(c) = intune.then(|| LP_DEFINED.captures(m)).flatten() {
            // Intune's verdict on the code of the line before.
            reading.exit = self.last_code.take().map(|code| ExitMention {
                code,
                verdict: Some(table_verdict(&c["entry"])),
                subject: None,
            });
        } else if let Some(c) = intune.then(|| LP_CODE.captures(m)).flatten() {
            let code = relay::parse_code(&c["code"]);
            self.last_code = code;
            let verdict = m
                .contains("enforcementState as: Error")
                .then_some(ExitVerdict::Failure);
            reading.exit = code.map(|code| ExitMention {
                code,
                verdict,
                subject: None,
            });
        }
        let names_app = m.contains("app (name=") || m.contains("App DT");
        if let Some(c) = names_app.then(|| SUBJECT.captures(m)).flatten() {
            reading.subject = c
                .name("name")
                .or_else(|| c.name("dt"))
                .map(|s| crate::text::cut(s.as_str().trim(), 256).to_string());
        }
        // ccmsetup names the package and its log on the lines of one entry:
        // `Running installation package\n  Package: ...\n  Log: ...\n  Properties: ...`.
        if let Some(c) = m
            .contains("Log:")
            .then(|| CCM_PACKAGE_LOG.captures(m))
            .flatten()
        {
            reading.log = Some(crate::text::cut(c["log"].trim(), 1024).to_string());
        }
        reading
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.guessed_dates > 0 {
            notes.push(format!(
                "{} date(s) could be read day-first or month-first: read month-first, as CMTrace writes them",
                self.guessed_dates
            ));
        }
        if self.unclosed > 0 {
            notes.push(format!(
                "{} CMTrace message(s) never closed with ]LOG]!> (cut log?): read up to the cut",
                self.unclosed
            ));
        }
        notes
    }
}

/// `Matched exit code 3010 to a SoftReboot entry in exit codes table.` (AppEnforce).
static TABLE_MATCH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)Matched exit code (?P<code>-?[0-9]+|0x[0-9a-f]+) to an? (?P<entry>\w+) entry")
        .expect("exit table regex")
});

/// `Unmatched exit code (1603) is considered an execution failure.` (AppEnforce).
static UNMATCHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)Unmatched exit code \((?P<code>-?[0-9]+|0x[0-9a-f]+)\)")
        .expect("unmatched regex")
});

/// `[Win32App] lpExitCode is defined as Success` (Intune, about the code of the line before).
static LP_DEFINED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)lpExitCode is defined as (?P<entry>\w+)").expect("lpExitCode regex")
});

/// `[Win32App] lpExitCode 1603`, `... for lpExitCode: 1603 of app: ...` (Intune).
static LP_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)lpExitCode:?\s+(?P<code>-?[0-9]+)").expect("lpExitCode regex")
});

/// The application an entry is about: `processing targeted app (name='X', id=...)` (Intune),
/// `for App DT "X"` (AppEnforce).
static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)app \(name='(?P<name>[^']{1,256})'|App DT "(?P<dt>[^"]{1,256})""#)
        .expect("subject regex")
});

/// `Log: C:\WINDOWS\ccmsetup\Logs\client.msi.log` in ccmsetup's "Running installation package".
static CCM_PACKAGE_LOG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^\s*Log:\s*(?P<log>\S.*?\.(?:log|txt))\s*$").expect("ccmsetup log regex")
});

/// What an exit-code table entry type means.
fn table_verdict(entry: &str) -> ExitVerdict {
    let e = entry.to_ascii_lowercase();
    if e.contains("reboot") {
        ExitVerdict::RebootRequired
    } else if e.contains("retry") {
        ExitVerdict::Retry
    } else if e.starts_with("success") {
        ExitVerdict::Success
    } else {
        ExitVerdict::Failure
    }
}

/// `type="3"` and friends.
fn entry_level(text: &str) -> EntryLevel {
    match text.trim() {
        "3" => EntryLevel::Error,
        "2" => EntryLevel::Warning,
        "0" | "4" => EntryLevel::Verbose,
        _ => EntryLevel::Info,
    }
}

/// `HH:MM:SS.fff+480` → `HH:MM:SS.fff` (the bias, minutes to add for UTC, is not kept: the
/// clock aligns local times itself).
fn strip_bias(time: &str) -> &str {
    let t = time.trim();
    match t.rfind(['+', '-', ' ']) {
        Some(i) if i > 5 && t[i + 1..].bytes().all(|b| b.is_ascii_digit()) => &t[..i],
        _ => t,
    }
}

/// The value of `name="..."` in CMTrace attributes.
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = attributes[from..].find(name) {
        let start = from + at;
        let before_ok = start == 0
            || attributes.as_bytes()[start - 1] == b' '
            || attributes.as_bytes()[start - 1] == b'<';
        let rest = &attributes[start + name.len()..];
        if before_ok {
            if let Some(value) = rest.strip_prefix("=\"") {
                let end = value.find('"')?;
                return Some(value[..end].to_string());
            }
        }
        from = start + name.len();
    }
    None
}

/// The tool behind an entry, from its component or its words.
fn tool_of(component: Option<&str>, message: &str) -> DeploymentTool {
    let c = component.unwrap_or("").to_ascii_lowercase();
    let m = message.trim_start();
    if m.starts_with("[Win32App]")
        || m.starts_with("[PowerShell]")
        || c.contains("intunemanagementextension")
        || c.contains("agentexecutor")
        || c.contains("healthscripts")
        || c.contains("appworkload")
        || c.contains("win32app")
    {
        return DeploymentTool::Intune;
    }
    if PSADT.is_match(m)
        || c.contains("-adt")
        || matches!(
            c.as_str(),
            "execute-msi"
                | "execute-process"
                | "exit-script"
                | "deploy-application"
                | "invoke-appdeploytoolkit"
                | "show-installationprompt"
        )
    {
        return DeploymentTool::PsAppDeployToolkit;
    }
    if CM_COMPONENTS.iter().any(|k| c.starts_with(k)) || m.starts_with("MSI: ") || c.is_empty() {
        return DeploymentTool::ConfigMgr;
    }
    DeploymentTool::Other
}

/// ConfigMgr client components.
const CM_COMPONENTS: &[&str] = &[
    "ccm",
    "appenforce",
    "appdiscovery",
    "appintenteval",
    "execmgr",
    "cas",
    "contenttransfermanager",
    "datatransferservice",
    "ciagent",
    "policyagent",
    "sms",
    "updatesdeployment",
    "wuahandler",
    "client.msi",
    "clientlocation",
    "locationservices",
];

/// A PSAppDeployToolkit message: `[Installation] :: text`.
static PSADT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[(?:Pre-|Post-)?(?:Install(?:ation)?|Uninstall(?:ation)?|Repair|Initialization|Finalization)\] ::")
        .expect("PSADT message regex")
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, Kind, Location};
    use crate::source::toollog::ToolLogReader;

    fn read(text: &str) -> (Vec<Event>, ToolLogReader<&[u8]>) {
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events = r.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
        (events, r)
    }

    fn entries(events: &[Event]) -> Vec<(&Event, &crate::event::LogEntry)> {
        events
            .iter()
            .filter_map(|e| match &e.kind {
                Kind::LogEntry(l) => Some((e, l.as_ref())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn cmtrace_entry_with_every_field() {
        let (events, r) = read("<![LOG[Installation failed with error code 1603]LOG]!><time=\"16:26:12.345+480\" date=\"12-11-2010\" component=\"ccmsetup\" context=\"\" type=\"3\" thread=\"3264\" file=\"ccmsetup.cpp:9681\">\r\n");
        assert_eq!(r.form(), Some(ToolForm::CmTrace));
        let e = entries(&events);
        assert_eq!(e.len(), 1);
        let (event, entry) = e[0];
        assert_eq!(entry.level, EntryLevel::Error);
        assert_eq!(entry.component.as_deref(), Some("ccmsetup"));
        assert_eq!(entry.thread, Some(3264));
        assert_eq!(entry.message, "Installation failed with error code 1603");
        assert_eq!(
            event.time.local_datetime().unwrap().to_string(),
            "2010-12-11 16:26:12.345"
        );
        assert!(r.notes()[0].contains("month-first"));
    }

    #[test]
    fn cmtrace_message_spanning_lines() {
        let text = "<![LOG[MSI: Setup failed due to unexpected circumstances\nThe error code is 80004005]LOG]!><time=\"11:53:12.000+000\" date=\"3-2-2012\" component=\"ccmsetup\" context=\"\" type=\"3\" thread=\"1\" file=\"\">\n<![LOG[next]LOG]!><time=\"11:53:13.000+000\" date=\"3-2-2012\" component=\"ccmsetup\" context=\"\" type=\"1\" thread=\"1\" file=\"\">\n";
        let (events, _) = read(text);
        let e = entries(&events);
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0].1.message,
            "MSI: Setup failed due to unexpected circumstances\nThe error code is 80004005"
        );
        assert_eq!(e[1].0.at, Location::Line(3));
        assert_eq!(e[0].0.raw_lines().count(), 2);
    }

    #[test]
    fn intune_seven_digit_fractions_and_verdict_on_the_next_line() {
        let text = concat!(
            "<![LOG[[Win32App] lpExitCode 3010\r\n]LOG]!><time=\"11:16:37.3093207\" date=\"3-12-2026\" component=\"IntuneManagementExtension\" context=\"\" type=\"1\" thread=\"50\" file=\"\">\n",
            "<![LOG[[Win32App] lpExitCode is defined as SoftReboot]LOG]!><time=\"11:16:37.3103207\" date=\"3-12-2026\" component=\"IntuneManagementExtension\" context=\"\" type=\"1\" thread=\"50\" file=\"\">\n",
        );
        let (events, r) = read(text);
        let exits: Vec<_> = events
            .iter()
            .filter_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(exits.len(), 2);
        assert!(exits.iter().all(|x| x.tool == DeploymentTool::Intune));
        assert_eq!(exits[1].verdict, Some(ExitVerdict::RebootRequired));
        assert_eq!(r.counts().failed_exits, 0);
    }

    #[test]
    fn appenforce_table_verdicts() {
        let line = |m: &str| {
            format!("<![LOG[{m}]LOG]!><time=\"17:56:47.620+000\" date=\"01-13-2016\" component=\"AppEnforce\" context=\"\" type=\"1\" thread=\"2216\" file=\"\">\n")
        };
        let text = line("Matched exit code 1618 to a FastRetry entry in exit codes table.")
            + &line("Matched exit code 1603 to a Failure entry in exit codes table.")
            + &line("Unmatched exit code (5) is considered an execution failure.")
            + &line("Looking for exit code 1603 in exit codes table...");
        let (events, r) = read(&text);
        let verdicts: Vec<_> = events
            .iter()
            .filter_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some((x.code, x.verdict)),
                _ => None,
            })
            .collect();
        assert_eq!(
            verdicts,
            [
                (1618, Some(ExitVerdict::Retry)),
                (1603, Some(ExitVerdict::Failure)),
                (5, Some(ExitVerdict::Failure))
            ]
        );
        assert_eq!(r.counts().components.get("AppEnforce"), Some(&4));
    }

    #[test]
    fn sms_trace_with_a_message_over_two_lines() {
        let text = "Failed to install package\r\nsecond line $$<SMS_DISTRIBUTION_MANAGER><01-14-2011 10:20:30.123+300><thread=1234 (0x4D2)>\r\nok $$<SMS_DISTRIBUTION_MANAGER><01-14-2011 10:20:31.000+300><thread=1234 (0x4D2)>\r\n";
        let (events, r) = read(text);
        assert_eq!(r.form(), Some(ToolForm::SmsTrace));
        let e = entries(&events);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].0.at, Location::Line(1));
        assert_eq!(e[0].1.message, "Failed to install package\nsecond line");
        assert_eq!(e[0].1.thread, Some(1234));
        assert_eq!(e[0].1.level, EntryLevel::Error);
    }

    #[test]
    fn viewer_copies_tabs_spaces_and_leading_fields() {
        let tabs = "[Installation] :: Execution completed with exit code [1639].\tExecute-Process\t7/27/2015 1:07:13 PM\t2508 (0x09CC)\n";
        let (events, r) = read(tabs);
        assert_eq!(r.form(), Some(ToolForm::CmTraceCopy));
        let e = entries(&events);
        assert_eq!(e[0].1.component.as_deref(), Some("Execute-Process"));
        assert_eq!(e[0].0.time.time_of_day().unwrap().to_string(), "13:07:13");
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!((x.code, x.tool), (1639, DeploymentTool::PsAppDeployToolkit));

        let spaces =
            "Installation failed with error code 1603 ccmsetup 12-11-2010 16:26:12 3264 (0x0CC0)\n";
        let (events, _) = read(spaces);
        assert_eq!(
            entries(&events)[0].1.message,
            "Installation failed with error code 1603"
        );

        let leading = "01-13-2016 17:56:47.620 AppEnforce 2216 (0x8a8) Matched exit code 0 to a Success entry in exit codes table.\n";
        let (events, _) = read(leading);
        assert_eq!(
            entries(&events)[0].1.component.as_deref(),
            Some("AppEnforce")
        );
    }

    #[test]
    fn message_text_joins_the_error_code_line() {
        let (events, r) = read("MSI: Action 11:53:11: CcmRegisterWmiMofFile. Registering WMI settings\nMSI: Setup failed due to unexpected circumstances\nThe error code is 80004005\nInstallation failed with error code 1603\n");
        assert_eq!(r.form(), Some(ToolForm::ConfigMgrText));
        let e = entries(&events);
        assert_eq!(e.len(), 3);
        assert_eq!(e[1].1.level, EntryLevel::Error);
        assert!(e[1].1.message.ends_with("80004005"));
        assert!(events.iter().any(
            |e| matches!(&e.kind, Kind::MsiAction { name, .. } if name == "CcmRegisterWmiMofFile")
        ));
    }

    #[test]
    fn ccmsetup_names_the_client_log() {
        let text = "<![LOG[Running installation package\n  Package:     C:\\WINDOWS\\ccmsetup\\{1}\\client.msi\n  Log:         C:\\WINDOWS\\ccmsetup\\Logs\\client.msi.log\n  Properties:  X=1]LOG]!><time=\"10:00:00.000+000\" date=\"01-01-2020\" component=\"ccmsetup\" context=\"\" type=\"1\" thread=\"1\" file=\"\">\n<![LOG[Installation failed with error code 1603]LOG]!><time=\"10:05:00.000+000\" date=\"01-01-2020\" component=\"ccmsetup\" context=\"\" type=\"3\" thread=\"1\" file=\"\">\n";
        let (events, _) = read(text);
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!(
            x.msi_log.as_deref(),
            Some(r"C:\WINDOWS\ccmsetup\Logs\client.msi.log")
        );
    }

    #[test]
    fn unclosed_message_and_junk_are_kept() {
        let text = "garbage before\n<![LOG[never closed\nstill open\n";
        let (events, r) = read(text);
        assert_eq!(entries(&events).len(), 2);
        assert!(r.notes().iter().any(|n| n.contains("never closed")));
    }

    #[test]
    fn near_misses_are_not_configmgr() {
        for lines in [
            &["MSI (s) (18:F4) [12:02:17:898]: Grabbed execution mutex."][..],
            &["Installing 7zip...", "Done"][..],
            &["12-11-2010 16:26:12 something else"][..],
            &["price $$<not sms"][..],
        ] {
            assert_eq!(detect_lines(lines), None, "{lines:?}");
        }
    }

    #[test]
    fn attributes_are_read_by_name() {
        let a = r#"<time="1" date="2" component="c d" context="" type="3" thread="" file="x">"#;
        assert_eq!(attribute(a, "component").as_deref(), Some("c d"));
        assert_eq!(attribute(a, "thread").as_deref(), Some(""));
        assert_eq!(attribute(a, "missing"), None);
        assert_eq!(strip_bias("10:51:21.964+60"), "10:51:21.964");
        assert_eq!(strip_bias("10:51:21.964 060"), "10:51:21.964");
        assert_eq!(strip_bias("10:51:21.964-120"), "10:51:21.964");
    }
}
