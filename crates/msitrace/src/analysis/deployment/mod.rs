//! Findings from the logs of the tools around the installer: ConfigMgr and Intune client logs,
//! package-manager and deployment-tool output, product setup logs (read by
//! [`crate::source::toollog`]).
//!
//! [`DeploymentTracker`] keeps, from one such input, the exit statuses the tool reported, its
//! error and warning entries and the installer lines it relayed, and turns them into findings:
//!
//! - every failed exit status, grouped by code: what ran, what the code means (a Windows
//!   Installer status, a Win32 error, an HRESULT such as `0x80070643` = 1603 or a Windows Update
//!   `0x8024xxxx` code, an NTSTATUS), the line that says why when the log has one (a relayed
//!   installer error, an error entry with an HRESULT, a line quoted from the MSI log), and the
//!   MSI log the run wrote as the next thing to read — or, when the command wrote none, how to get
//!   one. Success codes (0, 3010, 1641) are never failures, whatever the tool's table says; a
//!   tool that counted one as a failure gets a warning;
//! - an exit the tool will retry (an exit-code table's retry entry) is a warning;
//! - installer errors relayed without any exit status, and installer packages a setup log says
//!   are missing, are warnings.
//!
//! [`fold_into_sessions`] (in `fold`) joins a failure to the MSI log session it ran when that log is among
//! the inputs (by the log's file name, or by the same exit status), so the report tells one story.

mod fold;
mod meaning;
#[cfg(test)]
mod tests;

pub use fold::fold_into_sessions;
use meaning::code_meaning;

use crate::codes::{self, CodeScope};
use crate::event::{DeploymentExit, EntryLevel, Event, ExitVerdict, Kind, Location, MessageLevel};
use crate::findings::{Confidence, Evidence, EvidenceRole, Finding, Severity};
use crate::source::relay;
use crate::source::toollog::QUOTED_PREFIX;
use regex::Regex;
use std::sync::LazyLock;

/// Most events kept per input (a bound on memory).
const MAX_KEPT: usize = 8192;
/// Most exit lines cited by one finding.
const MAX_EXIT_EVIDENCE: usize = 6;

/// Collects what findings rest on, from one tool-log input.
#[derive(Debug)]
pub struct DeploymentTracker {
    path: String,
    events: Vec<Event>,
    /// Indexes of the entries that state an exit (not causes of it), ascending.
    exit_entries: Vec<usize>,
    /// Index of the last log entry kept.
    last_entry: Option<usize>,
    dropped: u64,
}

/// What one tool-log input contributes to the report.
#[derive(Debug, Default)]
pub struct DeploymentFacts {
    /// The events kept (exit statuses, errors, warnings, relayed installer lines), for the rules,
    /// the clock and the failure graph.
    pub events: Vec<Event>,
    /// Failed runs, each with what can tie it to an MSI session.
    pub failures: Vec<DeploymentFailure>,
    /// Other findings (retries, success codes counted as failures, relayed errors, missing
    /// packages).
    pub findings: Vec<Finding>,
}

/// A failed run reported by a tool.
#[derive(Debug, Clone)]
pub struct DeploymentFailure {
    /// The exit status.
    pub code: u32,
    /// The MSI log the run wrote, when the tool named it.
    pub msi_log: Option<String>,
    /// The finding, as reported when no MSI session explains it.
    pub finding: Finding,
}

impl DeploymentFacts {
    /// True when the input held anything about an installation: an exit status, an installer
    /// line, a finding.
    pub fn has_signals(&self) -> bool {
        !self.findings.is_empty()
            || !self.failures.is_empty()
            || self
                .events
                .iter()
                .any(|e| !matches!(e.kind, Kind::LogEntry(_)))
    }

    /// Lower the confidence of every finding by one step (findings read out of text of no known
    /// form: the line's words are the only evidence of what it is).
    pub fn lower_confidence(&mut self) {
        let lower = |f: &mut Finding| {
            f.confidence = match f.confidence {
                Confidence::High => Confidence::Medium,
                _ => Confidence::Low,
            }
        };
        self.findings.iter_mut().for_each(lower);
        self.failures.iter_mut().for_each(|x| lower(&mut x.finding));
    }
}

impl DeploymentTracker {
    /// A tracker for one input.
    pub fn new(path: &str) -> Self {
        DeploymentTracker {
            path: path.to_string(),
            events: Vec::new(),
            exit_entries: Vec::new(),
            last_entry: None,
            dropped: 0,
        }
    }

    /// Take one event of the input.
    pub fn push(&mut self, event: Event) {
        let keep = match &event.kind {
            Kind::DeploymentExit(_) => true,
            Kind::LogEntry(e) => {
                e.level >= EntryLevel::Warning
                    || e.component
                        .as_deref()
                        .is_some_and(|c| c.starts_with(QUOTED_PREFIX))
                    || names_log(&e.message).is_some()
            }
            Kind::MsiMessage(_)
            | Kind::MsiAction { .. }
            | Kind::CustomActionResult { .. }
            | Kind::ProductNotice { .. }
            | Kind::MsiOutcome(_)
            | Kind::EngineReturn { .. } => true,
            _ => false,
        };
        if !keep {
            return;
        }
        if self.events.len() < MAX_KEPT {
            if matches!(event.kind, Kind::DeploymentExit(_)) {
                // The entry that states the exit is the one just before it, when it spans the
                // exit's line.
                if let Some(i) = self.last_entry {
                    let e = &self.events[i];
                    let (from, lines) = (line_of(e), e.raw_lines().count() as u64);
                    if (from..from + lines.max(1)).contains(&line_of(&event)) {
                        self.exit_entries.push(i);
                    }
                }
            }
            if matches!(event.kind, Kind::LogEntry(_)) {
                self.last_entry = Some(self.events.len());
            }
            self.events.push(event);
        } else {
            self.dropped += 1;
        }
    }

    /// The findings, and the events kept.
    pub fn finish(self) -> DeploymentFacts {
        let mut facts = DeploymentFacts::default();
        let mut used_causes: Vec<usize> = Vec::new();
        // Failed exits, grouped by code in order of appearance.
        let mut groups: Vec<(u32, Vec<usize>)> = Vec::new();
        let mut retries: Vec<(u32, Vec<usize>)> = Vec::new();
        for (i, e) in self.events.iter().enumerate() {
            let Kind::DeploymentExit(x) = &e.kind else {
                continue;
            };
            let target = match x.effective_verdict() {
                ExitVerdict::Failure => &mut groups,
                ExitVerdict::Retry => &mut retries,
                ExitVerdict::Success | ExitVerdict::RebootRequired => {
                    if x.verdict == Some(ExitVerdict::Failure) {
                        facts.findings.push(self.success_counted_as_failure(i, x));
                    }
                    continue;
                }
            };
            let key = same_status(x.code);
            match target.iter_mut().find(|(c, _)| same_status(*c) == key) {
                Some((_, list)) => list.push(i),
                None => target.push((x.code, vec![i])),
            }
        }
        // A tool's own code after a failure (PSAppDeployToolkit's 60001 after msiexec's 1603)
        // is that failure's outcome, not another failure.
        let mut merged: Vec<(u32, Vec<usize>)> = Vec::new();
        for (code, exits) in groups {
            let tool = self.exit(exits[0]).tool;
            let own = code_meaning(code, tool).tool_own;
            match merged.first_mut() {
                Some((_, first)) if own => first.extend(exits),
                _ => merged.push((code, exits)),
            }
        }
        let groups = merged;
        let failed: Vec<usize> = groups
            .iter()
            .chain(&retries)
            .flat_map(|(_, x)| x.iter().copied())
            .collect();
        for (code, exits) in &groups {
            let cause = self.cause(exits, *code, &failed, &used_causes);
            if let Some(c) = cause {
                used_causes.push(c);
            }
            let finding = self.failure(*code, exits, cause, Severity::Error);
            let msi_log = exits.iter().find_map(|&i| self.exit(i).msi_log.clone());
            facts.failures.push(DeploymentFailure {
                code: *code,
                msi_log,
                finding,
            });
        }
        for (code, exits) in &retries {
            let cause = self.cause(exits, *code, &failed, &used_causes);
            facts
                .findings
                .push(self.failure(*code, exits, cause, Severity::Warning));
        }
        if groups.is_empty() {
            facts.findings.extend(self.relayed_errors());
        }
        facts.findings.extend(self.missing_packages());
        facts.events = self.events;
        facts
    }

    fn exit(&self, i: usize) -> &DeploymentExit {
        match &self.events[i].kind {
            Kind::DeploymentExit(x) => x,
            _ => unreachable!("indexes of exits point at exits"),
        }
    }

    fn evidence(&self, i: usize, role: EvidenceRole) -> Evidence {
        let e = &self.events[i];
        Evidence::new(&self.path, e.at, e.first_line(), role)
    }

    /// The line that best says why the run of a group of exits failed, among those not used by
    /// another failure. A line belongs to the first failed exit at or after it (causes come
    /// before the failure they lead to); lines after the last exit belong to it (a summary's
    /// details, an excerpt quoted from the MSI log).
    fn cause(&self, exits: &[usize], code: u32, failed: &[usize], used: &[usize]) -> Option<usize> {
        let exit_lines: std::collections::HashSet<Location> = self
            .events
            .iter()
            .filter(|e| matches!(e.kind, Kind::DeploymentExit(_)))
            .map(|e| e.at)
            .collect();
        let owner = |line: u64| -> Option<usize> {
            failed
                .iter()
                .copied()
                .filter(|&x| line_of(&self.events[x]) >= line)
                .min_by_key(|&x| line_of(&self.events[x]))
                .or_else(|| {
                    failed
                        .iter()
                        .copied()
                        .max_by_key(|&x| line_of(&self.events[x]))
                })
        };
        let at = line_of(&self.events[exits[0]]);
        let mut best: Option<(i64, usize)> = None;
        for (i, e) in self.events.iter().enumerate() {
            if used.contains(&i) || self.exit_entries.binary_search(&i).is_ok() || restates(e, code)
            {
                continue;
            }
            let Some(score) = cause_score(e, &exit_lines) else {
                continue;
            };
            let line = line_of(e);
            if !owner(line).is_some_and(|o| exits.contains(&o)) {
                continue;
            }
            // Nearer is better; a line after the exit counts as further away.
            let distance = if line <= at {
                at - line
            } else {
                (line - at) * 2
            };
            let total = score * 1000 - distance.min(999) as i64;
            if best.is_none_or(|(b, _)| total > b) {
                best = Some((total, i));
            }
        }
        best.map(|(_, i)| i)
    }

    fn failure(
        &self,
        code: u32,
        exits: &[usize],
        cause: Option<usize>,
        severity: Severity,
    ) -> Finding {
        let first = self.exit(exits[0]);
        let meaning = code_meaning(code, first.tool);
        let mut subjects: Vec<&str> = Vec::new();
        for &i in exits {
            if let Some(s) = self.exit(i).subject.as_deref() {
                if !subjects.contains(&s) && subjects.len() < 5 {
                    subjects.push(s);
                }
            }
        }
        let command = exits
            .iter()
            .find_map(|&i| self.exit(i).command_line.as_deref());
        let msi_log = exits
            .iter()
            .find_map(|&i| self.exit(i).msi_log.clone())
            .or_else(|| self.log_named_after(exits[0]));
        let msi_log = msi_log.as_deref();
        let what = if subjects.is_empty() {
            match command {
                Some(c) if c.to_ascii_lowercase().contains("msiexec") => "msiexec".to_string(),
                _ => "the installation".to_string(),
            }
        } else {
            subjects.join(", ")
        };
        let cause_text = cause.map(|c| self.cause_text(c));
        let cause_title = cause.map(|c| self.cause_title(c));
        let verb = if severity == Severity::Error {
            "failed"
        } else {
            "failed and will be retried"
        };
        let mut title = format!(
            "{}: {what} {verb} with exit code {}",
            first.tool.label(),
            meaning.short
        );
        if let Some(t) = &cause_title {
            title.push_str(" — ");
            title.push_str(crate::text::cut(t, 160));
        }
        let mut summary = format!("{} reports that {what} {verb}", first.tool.label());
        if let Some(c) = command {
            summary.push_str(&format!(" (it ran {})", crate::text::cut(c, 300)));
        }
        summary.push_str(&format!(": exit code {}.", meaning.long));
        if exits.len() > 1 {
            summary.push_str(&format!(" The log reports it {} times.", exits.len()));
        }
        if let Some(t) = &cause_text {
            let place = self
                .evidence(cause.unwrap_or(0), EvidenceRole::Cause)
                .place();
            summary.push_str(&format!(
                " The log says why ({place}): {}",
                crate::text::cut(t, 400)
            ));
            if !t.ends_with('.') {
                summary.push('.');
            }
        }
        let mut remediation = Vec::new();
        if let Some(r) = meaning.remedy {
            remediation.push(r.to_string());
        }
        match (msi_log, command) {
            (Some(log), _) => {
                summary.push_str(&format!(" The installer log of this run is {log}."));
                remediation.push(format!(
                    "Read the MSI log {log} next (collect it from the machine if it is not given): the first error before 'Return value 3' is the cause."
                ));
            }
            (None, Some(c)) if relay::has_log_switch(c) => remediation.push(
                "The msiexec command wrote a log, but its path is not in this copy: find it in the tool's own log or its temporary folder, collect it and read it next.".to_string(),
            ),
            (None, Some(c)) if c.to_ascii_lowercase().contains("msiexec") => remediation.push(
                "The msiexec command wrote no log: run it again with /l*v \"<path>\" and collect that log.".to_string(),
            ),
            _ => remediation.push(format!(
                "Collect the installer's own log for this run (for an MSI, msiexec /l*v \"<path>\"); {} alone does not say more.",
                first.tool.label()
            )),
        }
        let mut evidence = Vec::new();
        if let Some(c) = cause {
            evidence.push(self.evidence(c, EvidenceRole::Cause));
        }
        for (n, &i) in exits.iter().take(MAX_EXIT_EVIDENCE).enumerate() {
            let role = if n == 0 && cause.is_none() {
                EvidenceRole::Cause
            } else {
                EvidenceRole::Failure
            };
            evidence.push(self.evidence(i, role));
        }
        evidence.extend(self.context(exits[0], cause));
        let mut codes = vec![code];
        if let Some(c) = cause {
            if let Kind::MsiMessage(m) = &self.events[c].kind {
                codes.push(m.code);
            }
            if let Some(hr) = cause_hresult(&self.events[c]) {
                codes.push(hr);
            }
        }
        if let Some(w) = meaning.wrapped {
            codes.push(w);
        }
        codes.dedup();
        let confidence = match (cause, meaning.specific) {
            (Some(c), _) if matches!(self.events[c].kind, Kind::MsiMessage(_)) => Confidence::High,
            (_, true) => Confidence::High,
            (Some(_), false) => Confidence::Medium,
            (None, false) => Confidence::Low,
        };
        Finding {
            occurrences: 1,
            references: Vec::new(),
            id: if severity == Severity::Error {
                "deployment.failed".to_string()
            } else {
                "deployment.retry".to_string()
            },
            title,
            severity,
            confidence,
            category: meaning.category.to_string(),
            summary,
            session: None,
            bundle: None,
            codes,
            evidence,
            remediation,
        }
    }

    /// The cause line in words: a relayed installer message explained, or the entry's text.
    fn cause_text(&self, i: usize) -> String {
        let e = &self.events[i];
        match &e.kind {
            Kind::MsiMessage(m) => {
                let explained = codes::explain_message(m.code, &m.args)
                    .filter(|_| m.level == MessageLevel::Note);
                match explained {
                    Some(x) => format!("installer message {}: {x}", m.code),
                    None => format!("installer error {}: {}", m.code, m.text.trim()),
                }
            }
            Kind::LogEntry(l) => {
                let mut text = l.message.replace('\n', " ").trim().to_string();
                if let Some(hr) = relay::hresult_in(&l.message) {
                    text.push_str(&format!(" ({})", codes::describe_hresult(hr)));
                }
                text
            }
            _ => e.first_line().to_string(),
        }
    }

    /// A log named after an exit and before the next one (a summary's `Log with failure:`).
    fn log_named_after(&self, exit: usize) -> Option<String> {
        self.events[exit + 1..]
            .iter()
            .take_while(|e| !matches!(e.kind, Kind::DeploymentExit(_)))
            .find_map(|e| match &e.kind {
                Kind::LogEntry(l) => names_log(&l.message),
                _ => None,
            })
    }

    /// The cause line for a title: its first line, with the name of the HRESULT it states.
    fn cause_title(&self, i: usize) -> String {
        let e = &self.events[i];
        match &e.kind {
            Kind::LogEntry(l) => {
                let mut text = l.message.lines().next().unwrap_or("").trim().to_string();
                if let Some(hr) = relay::hresult_in(&l.message) {
                    let name = codes::lookup(CodeScope::HResult, hr)
                        .and_then(|i| i.names.first().copied());
                    match name {
                        Some(n) => text.push_str(&format!(" (0x{hr:08X} {n})")),
                        None => text.push_str(&format!(" (0x{hr:08X})")),
                    }
                }
                text
            }
            _ => self.cause_text(i),
        }
    }

    /// Warnings and relayed installer actions just before the exit, as context.
    fn context(&self, exit: usize, cause: Option<usize>) -> Vec<Evidence> {
        let at = line_of(&self.events[exit]);
        let mut out = Vec::new();
        let mut action = None;
        for (i, e) in self.events.iter().enumerate().take(exit) {
            if Some(i) == cause {
                continue;
            }
            let line = line_of(e);
            match &e.kind {
                Kind::LogEntry(l) if l.level == EntryLevel::Warning && at - line <= 3 => {
                    out.push(self.evidence(i, EvidenceRole::Context))
                }
                Kind::MsiAction { name, .. } if name != "Rollback" => action = Some(i),
                _ => {}
            }
        }
        if let Some(i) = action {
            out.insert(0, self.evidence(i, EvidenceRole::Context));
        }
        out.truncate(4);
        out
    }

    fn success_counted_as_failure(&self, i: usize, x: &DeploymentExit) -> Finding {
        let meaning = code_meaning(x.code, x.tool);
        Finding {
            occurrences: 1,
            references: Vec::new(),
            id: "deployment.success-counted-as-failure".to_string(),
            title: format!(
                "{} counted exit code {} as a failure",
                x.tool.label(),
                meaning.short
            ),
            severity: Severity::Warning,
            confidence: Confidence::High,
            category: "deployment_configuration".to_string(),
            summary: format!(
                "The installer succeeded (exit code {}), but {} treated the code as a failure.",
                meaning.long,
                x.tool.label()
            ),
            session: None,
            bundle: None,
            codes: vec![x.code],
            evidence: vec![self.evidence(i, EvidenceRole::Outcome)],
            remediation: vec![format!(
                "Add {} to the success (or restart) codes of the {} deployment.",
                x.code,
                x.tool.label()
            )],
        }
    }

    /// Installer errors relayed in a log that reports no failed exit.
    fn relayed_errors(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, e) in self.events.iter().enumerate() {
            let Kind::MsiMessage(m) = &e.kind else {
                continue;
            };
            if !matches!(m.level, MessageLevel::Error | MessageLevel::Internal)
                || codes::is_noise_message(m.code)
            {
                continue;
            }
            let info = codes::lookup(CodeScope::Message, m.code);
            out.push(Finding {
                occurrences: 1,
                references: Vec::new(),
                id: "deployment.relayed-installer-error".to_string(),
                title: format!(
                    "Installer error {} relayed: {}",
                    m.code,
                    crate::text::cut(m.text.trim(), 160)
                ),
                severity: Severity::Warning,
                confidence: Confidence::Medium,
                category: info.map(|c| c.category).unwrap_or("installer_error").to_string(),
                summary: format!(
                    "The log relays installer error {}{}; it gives no exit status, so whether the install failed is not known from it.",
                    m.code,
                    info.map(|c| format!(" ({})", c.title)).unwrap_or_default()
                ),
                session: None,
                bundle: None,
                codes: vec![m.code],
                evidence: vec![self.evidence(i, EvidenceRole::Cause)],
                remediation: info.map(|c| vec![c.remedy.to_string()]).unwrap_or_default(),
            });
            if out.len() >= 5 {
                break;
            }
        }
        out
    }

    /// Installer packages (`.msi`, `.msp`) a log says are missing.
    fn missing_packages(&self) -> Vec<Finding> {
        static MISSING: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r#"(?i)(?P<path>[a-z]:\\[^'"\r\n]*?\.ms[ip])\b.*?(?:does not exist|not found|is missing|cannot be found|could not be found)|(?:cannot find|missing|could not find)[^'"\r\n]*?(?P<path2>[a-z]:\\[^'"\r\n]*?\.ms[ip])\b"#)
                .expect("missing package regex")
        });
        let mut hits: Vec<(usize, String)> = Vec::new();
        for (i, e) in self.events.iter().enumerate() {
            let Kind::LogEntry(l) = &e.kind else { continue };
            if let Some(c) = MISSING.captures(&l.message) {
                let path = c
                    .name("path")
                    .or_else(|| c.name("path2"))
                    .map(|m| m.as_str());
                if let Some(p) = path {
                    if !hits.iter().any(|(_, h)| h.eq_ignore_ascii_case(p)) {
                        hits.push((i, p.to_string()));
                    }
                }
            }
        }
        if hits.is_empty() {
            return Vec::new();
        }
        let info = codes::lookup(CodeScope::Exit, 1612);
        let paths: Vec<&str> = hits.iter().take(5).map(|(_, p)| p.as_str()).collect();
        vec![Finding {
            occurrences: 1,
            references: Vec::new(),
            id: "deployment.package-missing".to_string(),
            title: format!("Installer package not found: {}", paths.join(", ")),
            severity: Severity::Warning,
            confidence: Confidence::Low,
            category: info.map(|c| c.category).unwrap_or("source").to_string(),
            summary: format!(
                "The log says {} installer package file(s) do not exist: {}. An update, repair or removal needs the package (or its cached copy in %WINDIR%\\Installer); a missing one fails with 1612 or 1635.",
                hits.len(),
                paths.join(", ")
            ),
            session: None,
            bundle: None,
            codes: info.map(|c| vec![c.code]).unwrap_or_default(),
            evidence: hits
                .iter()
                .take(5)
                .map(|(i, _)| self.evidence(*i, EvidenceRole::Cause))
                .collect(),
            remediation: vec![info
                .map(|c| c.remedy.to_string())
                .unwrap_or_else(|| "Restore the package file from the installation media.".to_string())],
        }]
    }
}

/// The installer log a message names, with a label or a logging switch.
fn names_log(message: &str) -> Option<String> {
    relay::named_log(message).or_else(|| relay::msi_log_path(message))
}

/// The status an exit code stands for: the Win32 code an HRESULT of facility WIN32 wraps
/// (`0x80070643` is 1603), else the code.
fn same_status(code: u32) -> u32 {
    codes::HResult::decode(code)
        .win32_code()
        .filter(|_| code >= 0x8000_0000)
        .unwrap_or(code)
}

/// True when a log entry only restates the failing code (`Error 0x80070643` after exit 1603).
fn restates(e: &Event, code: u32) -> bool {
    let Kind::LogEntry(l) = &e.kind else {
        return false;
    };
    let status = same_status(code);
    if relay::hresult_in(&l.message).is_some_and(|hr| same_status(hr) == status) {
        return true;
    }
    let decimal = status.to_string();
    let wrapped = (status < 0x1_0000).then(|| format!("{:08x}", 0x8007_0000 | status));
    l.message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|token| {
            token == decimal
                || wrapped
                    .as_deref()
                    .is_some_and(|w| token.eq_ignore_ascii_case(w))
        })
}

/// The line number of an event (0 when it has none).
fn line_of(e: &Event) -> u64 {
    match e.at {
        Location::Line(n) | Location::Row(n) | Location::Record(n) => n,
        Location::Offset(_) => 0,
    }
}

/// Bare failure statements that say nothing of why.
static BARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)see (?:the )?(?:log|details)|was not successful|^failures?\s*:?$|^error while running|\d+ packages? failed|final result\s*:|^status\s*:|installation (?:operation )?failed\.?$|^error record:?$|^-+$|had an error|error executing action|stack ?trace")
        .expect("bare failure regex")
});

/// How much a kept event says why a run failed (`None`: not a cause).
fn cause_score(e: &Event, exit_lines: &std::collections::HashSet<Location>) -> Option<i64> {
    match &e.kind {
        Kind::MsiMessage(m)
            if matches!(m.level, MessageLevel::Error | MessageLevel::Internal)
                && !codes::is_noise_message(m.code) =>
        {
            Some(10)
        }
        Kind::LogEntry(l) => {
            let quoted = l
                .component
                .as_deref()
                .is_some_and(|c| c.starts_with(QUOTED_PREFIX));
            if quoted && !l.message.trim().is_empty() {
                return Some(5);
            }
            if l.level != EntryLevel::Error || exit_lines.contains(&e.at) {
                return None;
            }
            let first = l.message.lines().next().unwrap_or("");
            if BARE.is_match(first.trim()) || relay::find_exit(&l.message).is_some() {
                return None;
            }
            let mut score = 4;
            if relay::hresult_in(&l.message).is_some() {
                score += 2;
            }
            if first.split_whitespace().count() >= 5 {
                score += 1;
            }
            Some(score)
        }
        _ => None,
    }
}

/// The HRESULT a cause line states.
fn cause_hresult(e: &Event) -> Option<u32> {
    match &e.kind {
        Kind::LogEntry(l) => relay::hresult_in(&l.message),
        _ => None,
    }
}
