//! Installer sessions from an MSI log, built while the log streams by.
//!
//! [`SessionTracker`] sees every event once and keeps only what a diagnosis needs: the session's
//! facts (product, operation, caller, elevation, outcome), a bounded ring of lines that could
//! explain a failure, and — frozen at the first failure point — the window of those lines inside
//! the failing action. Memory grows with what is kept, never with the log.

use super::signals::{self, Strength};
use crate::analysis::SessionReport;
use crate::codes::{self, classify_exit, OutcomeClass};
use crate::event::*;
use crate::findings::{FailedAction, Outcome};
use crate::source::msilog::{Deferred, Entry};
use chrono::NaiveDateTime;
use std::collections::VecDeque;

/// Most notable entries remembered before the failure point.
const RING: usize = 512;
/// Most notable entries kept from before the failing action (clues when the action logs none).
const EARLIER: usize = 8;
/// `MSI (s) (..) [..]: Created Custom Action Server with PID 6168 (0x1818).`
const CA_SERVER: &str = "Created Custom Action Server with PID ";
/// `MSI (s) (..) [..]: Command Line: TARGETDIR=C:\ ...`
const COMMAND_LINE: &str = "Command Line: ";
/// Properties a session's facts come from (see [`Session::take_property`]).
const SESSION_PROPERTIES: &[&str] = &[
    "ProductName",
    "ProductVersion",
    "ProductCode",
    "Manufacturer",
    "REMOVE",
    "Installed",
    "ACTION",
    "PATCH",
    "Privileged",
];

/// Most action start/end entries kept per session.
const MAX_ACTIONS: usize = 8192;
/// Action start/end entries a session has room for from its start (most log fewer).
const ACTIONS_ROOM: usize = 512;
/// Most elevation and policy lines kept per session.
const MAX_SETTINGS: usize = 64;
/// Most file-in-use messages kept per session.
const MAX_FILE_IN_USE: usize = 8;
/// Most error lines kept from after the failure point.
const MAX_LATER: usize = 16;

/// What a finished session hands to the diagnosis.
#[derive(Debug)]
pub struct SessionFacts {
    /// The facts for the report.
    pub report: SessionReport,
    /// Notable entries inside the failing action (or before the failure), in order.
    pub window: Vec<Event>,
    /// Notable entries just before the failing action: clues when the action itself logs none.
    pub earlier: Vec<Event>,
    /// Error lines after the failure point (rollback, the end of the log, lines quoted after
    /// it): clues when nothing before the failure explains it.
    pub later: Vec<Event>,
    /// The line that states the ProductCode, for package checks.
    pub product_code_event: Option<Event>,
    /// The entry where the failure surfaced (`Return value 3`, `FatalError`, failed status).
    pub failure_point: Option<Event>,
    /// The entries stating the final status.
    pub outcome_events: Vec<Event>,
    /// `Info 1603` file-in-use messages and `Info 1903` reboot notices.
    pub file_in_use: Vec<Event>,
    /// Elevation and policy lines: the conditions the session ran under.
    pub settings: Vec<Event>,
    /// `Action start` / `Action ended` entries, in order: when each action ran (for tying
    /// operations of a capture to the action running at that time).
    pub actions: Vec<Event>,
    /// The installer server process (`MSI (s)`), PID as the log shows it (low digits).
    pub server: Option<ProcessRef>,
    /// Custom action servers the session started (`Created Custom Action Server with PID N`),
    /// full PIDs.
    pub ca_servers: Vec<u32>,
}

impl SessionFacts {
    /// Every event kept for the session, in log order per kind of fact.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.settings
            .iter()
            .chain(&self.earlier)
            .chain(&self.window)
            .chain(&self.later)
            .chain(&self.failure_point)
            .chain(&self.outcome_events)
            .chain(&self.file_in_use)
            .chain(&self.product_code_event)
    }

    /// The innermost action of this session running at `op`'s time when `op` comes from the
    /// installer server (MSI logs keep only its PID's low digits), a custom action server it
    /// started, or a process one of those started (`ancestors`: the PIDs above `op`'s process),
    /// once clocks are aligned: its `Action start` entry.
    pub fn action_at(&self, op: &Event, ancestors: &[u32]) -> Option<&Event> {
        let pid = op.process.as_ref()?.pid;
        let server = |p: u32| {
            self.server.as_ref().is_some_and(|s| {
                let digits = format!("{:X}", s.pid).len().max(2) as u32;
                u64::from(p) & (16u64.pow(digits) - 1) == u64::from(s.pid)
            })
        };
        // The server itself, one of its custom action servers, or a process they started.
        let ours = server(pid)
            || self.ca_servers.contains(&pid)
            || ancestors
                .iter()
                .any(|&a| server(a) || self.ca_servers.contains(&a));
        if !ours {
            return None;
        }
        let t = op.time.aligned?;
        let mut found = None;
        for (i, start) in self.actions.iter().enumerate() {
            let Kind::MsiAction {
                name,
                phase: ActionPhase::Start,
            } = &start.kind
            else {
                continue;
            };
            if start.time.aligned.is_none_or(|s| s > t) {
                continue;
            }
            let end = self.actions[i + 1..].iter().find(|e| {
                matches!(&e.kind, Kind::MsiAction { name: n, phase: ActionPhase::End { .. } } if n == name)
            });
            // `Action ended` times have whole seconds: the action may run to the end of that second.
            let second = chrono::Duration::seconds(1);
            if end.is_none_or(|e| e.time.aligned.is_none_or(|a| a + second >= t)) {
                found = Some(start);
            }
        }
        found
    }

    /// Visit each list of kept events mutably (clock alignment fills their aligned times).
    pub fn for_each_event_mut(&mut self, mut visit: impl FnMut(&mut [Event])) {
        visit(&mut self.settings);
        visit(&mut self.earlier);
        visit(&mut self.window);
        visit(&mut self.later);
        visit(&mut self.outcome_events);
        visit(&mut self.file_in_use);
        visit(&mut self.actions);
        if let Some(e) = self.failure_point.as_mut() {
            visit(std::slice::from_mut(e));
        }
        if let Some(e) = self.product_code_event.as_mut() {
            visit(std::slice::from_mut(e));
        }
    }
}

/// Builds sessions from the events of one MSI log.
#[derive(Debug)]
pub struct SessionTracker {
    input: u32,
    path: String,
    current: Option<Session>,
    done: Vec<SessionFacts>,
}

#[derive(Debug, Default)]
struct Session {
    lines: [u64; 2],
    verbose: bool,
    calling_process: Option<String>,
    product: Option<String>,
    version: Option<String>,
    product_code: Option<String>,
    manufacturer: Option<String>,
    remove: Option<String>,
    installed: bool,
    action_property: Option<String>,
    patch: bool,
    privileged: Option<bool>,
    elevated: Option<bool>,
    command_line: Option<String>,
    start: Option<NaiveDateTime>,
    end: Option<NaiveDateTime>,
    outcome: Option<(MsiOutcome, Event)>,
    engine_return: Option<(u32, Event)>,
    cancelled: bool,
    ring: VecDeque<Event>,
    window: Option<Vec<Event>>,
    earlier: Vec<Event>,
    later: Vec<Event>,
    product_code_event: Option<Event>,
    failure_point: Option<Event>,
    failed_action: Option<FailedAction>,
    file_in_use: Vec<Event>,
    settings: Vec<Event>,
    actions: Vec<Event>,
    server: Option<ProcessRef>,
    ca_servers: Vec<u32>,
}

impl SessionTracker {
    /// A tracker for one input.
    pub fn new(input: u32, path: &str) -> Self {
        SessionTracker {
            input,
            path: path.to_string(),
            current: None,
            done: Vec::new(),
        }
    }

    #[cfg(any(test, feature = "internals"))]
    /// Take one event of the log, in order.
    pub fn push(&mut self, event: Event) {
        let session = self.session_for(Some(&event.kind));
        let lines = event.raw.as_deref().map_or(0, |r| {
            memchr::memchr_iter(b'\n', r.as_bytes()).count() as u64
        });
        let line = match event.at {
            Location::Line(n) => n,
            _ => 0,
        };
        session.seen(line, lines, &event.time, &event.process);
        session.take(event, true, None);
    }

    /// Look at one entry of the log, in order, without taking it: it becomes an owned event
    /// only when the session keeps it, which is rare (most lines explain nothing).
    pub fn push_entry(&mut self, entry: &mut Entry) {
        let input = self.input;
        let session = self.session_for(entry.peek().ok());
        session.seen(
            entry.line,
            entry.continuation_lines as u64,
            &entry.time,
            &entry.process,
        );
        let mut notable = None;
        if session.wants(entry, &mut notable) {
            let may_match = entry.may_match;
            session.take(entry.take_event(input), may_match, notable);
        }
    }

    /// The session an entry of this kind belongs to, starting a new one at a log header
    /// (`None`: a kind not built yet, never a header).
    fn session_for(&mut self, kind: Option<&Kind>) -> &mut Session {
        if let Some(Kind::MsiLogBoundary(b)) = kind {
            // A header starts a new session once the previous one has ended with a status; a
            // header before that (the log reopened between the UI and the execute phase, or a
            // `/l+` append of a run that never finished) continues the same run.
            let ended = self.current.as_ref().is_some_and(Session::has_ended);
            if b.started && (self.current.is_none() || ended) {
                self.finish_current();
                let s = Session {
                    verbose: b.verbose,
                    calling_process: b.calling_process.clone(),
                    ..Session::new()
                };
                self.current = Some(s);
            } else if let (true, Some(s)) = (b.started, self.current.as_mut()) {
                s.verbose |= b.verbose;
                if s.calling_process.is_none() {
                    s.calling_process = b.calling_process.clone();
                }
            }
        }
        self.current.get_or_insert_with(Session::new)
    }

    fn finish_current(&mut self) {
        if let Some(s) = self.current.take() {
            self.done.push(s.finish(self.input, &self.path));
        }
    }

    /// End of the log: the finished sessions.
    pub fn finish(mut self) -> Vec<SessionFacts> {
        self.finish_current();
        self.done
    }
}

impl Session {
    /// A session with room for its ring of notable entries and for the action lines of most
    /// sessions (grown step by step, both were copied again and again in every session, and
    /// each larger copy touched fresh memory; room never written to is address space, not
    /// memory).
    fn new() -> Self {
        Session {
            ring: VecDeque::with_capacity(RING),
            actions: Vec::with_capacity(ACTIONS_ROOM),
            ..Default::default()
        }
    }

    /// True once the engine has returned (the run is over).
    fn has_ended(&self) -> bool {
        self.engine_return.is_some() || self.outcome.is_some()
    }

    /// Every entry passes here: the session's line span, its first and last time, its server.
    fn seen(&mut self, line: u64, continuation: u64, time: &Stamp, process: &Option<ProcessRef>) {
        if self.lines[0] == 0 {
            self.lines[0] = line;
        }
        self.lines[1] = line + continuation;
        if let Some(t) = time.local_datetime() {
            if self.start.is_none() {
                self.start = Some(t);
            }
            self.end = Some(t);
        }
        if self.server.is_none() {
            if let Some(p) = process
                .as_ref()
                .filter(|p| p.role == Some(ProcessRole::InstallerServer))
            {
                self.server = Some(p.clone());
            }
        }
    }

    /// True when [`Session::take`] would keep something of this entry or learn from it;
    /// whether the entry is notable is left in `notable` when it had to be found out.
    fn wants(&self, entry: &Entry, notable: &mut Option<bool>) -> bool {
        let (raw, may_match) = (entry.raw.as_str(), entry.may_match);
        // Found out at most once, and kept for `take`.
        let mut find_notable = |is: &dyn Fn() -> bool| *notable.get_or_insert_with(is);
        let kind = match entry.peek() {
            Ok(kind) => kind,
            // Deferred kinds are told by their shape: a note by its number, the others (state
            // and progress lines) explain nothing by themselves.
            Err(Deferred::Note { code }) => {
                return code == 1708
                    || find_notable(&|| {
                        signals::message_strength(MessageLevel::Note, code).is_some()
                            || continuation_notable(raw, may_match)
                    });
            }
            Err(Deferred::InstallState | Deferred::ActionProgress) => {
                return find_notable(&|| continuation_notable(raw, may_match));
            }
            // A property is kept for its name, or as a clue as `is_notable` tells for a built one.
            Err(Deferred::Property | Deferred::PropertyChange) => {
                let name = entry.property_name().unwrap_or("");
                return SESSION_PROPERTIES.contains(&name)
                    || find_notable(&|| property_notable(entry.first_line(), raw, may_match));
            }
        };
        let mut notable = || find_notable(&|| is_notable(kind, raw, may_match));
        match kind {
            Kind::Text => {
                let body = engine_body(entry.first_line());
                body.starts_with(CA_SERVER)
                    || (self.command_line.is_none() && body.starts_with(COMMAND_LINE))
                    || notable()
            }
            Kind::Property { name, .. } => SESSION_PROPERTIES.contains(&name.as_str()) || notable(),
            Kind::MsiMessage(m) => {
                matches!(
                    (m.level, m.code),
                    (MessageLevel::Note, 1708) | (MessageLevel::Info, 1603 | 1903)
                ) || notable()
            }
            Kind::MsiAction {
                phase: ActionPhase::Progress { .. },
                ..
            }
            | Kind::InstallState { .. } => notable(),
            _ => true,
        }
    }

    /// Keep or learn from an entry; `may_match` false says none of its lines holds a clue word
    /// ([`signals::clue_screen`]); `notable`, when known, says whether it is notable.
    fn take(&mut self, event: Event, may_match: bool, notable: Option<bool>) {
        // Action start and end entries also go to the list of actions (moved there when nothing
        // else keeps them, as most `Action ended` entries).
        let action_mark = matches!(
            event.kind,
            Kind::MsiAction {
                phase: ActionPhase::Start | ActionPhase::End { .. },
                ..
            }
        ) && self.actions.len() < MAX_ACTIONS;
        match &event.kind {
            Kind::Property { name, value, .. } => {
                if name == "ProductCode" && self.product_code_event.is_none() {
                    self.product_code_event = Some(event.clone());
                }
                self.take_property(name, value)
            }
            Kind::Elevation { elevated, .. } => {
                self.elevated = Some(*elevated);
                self.keep_setting(event);
                return;
            }
            Kind::Policy { .. } => {
                self.keep_setting(event);
                return;
            }
            Kind::Text if engine_body(event.first_line()).starts_with(CA_SERVER) => {
                let pid = engine_body(event.first_line())[CA_SERVER.len()..]
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|d| d.parse().ok());
                if let (Some(pid), true) = (pid, self.ca_servers.len() < MAX_SETTINGS) {
                    self.ca_servers.push(pid);
                }
            }
            Kind::Text if self.command_line.is_none() => {
                if let Some(line) = engine_body(event.first_line()).strip_prefix(COMMAND_LINE) {
                    self.command_line = Some(line.trim().to_string());
                }
            }
            Kind::MsiOutcome(o) => {
                if self.product.is_none() && !o.product.is_empty() {
                    self.product = Some(o.product.clone());
                }
                if classify_exit(o.status) == OutcomeClass::Failure {
                    self.fail_here(&event, None);
                }
                self.outcome = Some((o.clone(), event));
                return;
            }
            Kind::EngineReturn { code } => {
                if classify_exit(*code) == OutcomeClass::Failure {
                    self.fail_here(&event, None);
                }
                self.engine_return = Some((*code, event));
                return;
            }
            Kind::ProductNotice { product, text } => {
                if self.product.is_none() {
                    self.product = Some(product.clone());
                }
                if text.starts_with("Installation failed")
                    || text.starts_with("Removal failed")
                    || text.starts_with("Configuration failed")
                {
                    self.fail_here(&event, None);
                }
            }
            Kind::MsiMessage(m) if m.level == MessageLevel::Note && m.code == 1708 => {
                self.fail_here(&event, None);
            }
            Kind::MsiAction { name, phase } => match phase {
                ActionPhase::End { return_value: 3 } => {
                    let name = name.clone();
                    self.fail_here(&event, Some(name));
                }
                ActionPhase::End { return_value: 2 } => self.cancelled = true,
                ActionPhase::Start if name == "FatalError" => self.fail_here(&event, None),
                ActionPhase::Start => {
                    if action_mark {
                        self.actions.push(event.clone());
                    }
                    self.remember(event);
                    return;
                }
                _ => {}
            },
            _ => {}
        }
        if signals::is_file_in_use(&event)
            || matches!(&event.kind, Kind::MsiMessage(m) if m.level == MessageLevel::Info && m.code == 1903)
        {
            if self.file_in_use.len() < MAX_FILE_IN_USE {
                self.file_in_use.push(event);
            }
            return;
        }
        let raw = event.raw.as_deref().unwrap_or("");
        let notable = notable.unwrap_or_else(|| is_notable(&event.kind, raw, may_match));
        match (action_mark, notable) {
            (true, true) => {
                self.actions.push(event.clone());
                self.remember(event);
            }
            (true, false) => self.actions.push(event),
            (false, true) => self.remember(event),
            (false, false) => {}
        }
    }

    fn take_property(&mut self, name: &str, value: &str) {
        let v = || Some(value.trim().to_string()).filter(|v| !v.is_empty());
        match name {
            "ProductName" => self.product = v().or(self.product.take()),
            "ProductVersion" => self.version = v(),
            "ProductCode" => self.product_code = v(),
            "Manufacturer" => self.manufacturer = v(),
            "REMOVE" => self.remove = v(),
            "Installed" => self.installed = !value.trim().is_empty(),
            "ACTION" => self.action_property = v(),
            "PATCH" => self.patch = !value.trim().is_empty(),
            "Privileged" => self.privileged = Some(value.trim() == "1"),
            _ => {}
        }
    }

    fn keep_setting(&mut self, event: Event) {
        if self.settings.len() < MAX_SETTINGS {
            self.settings.push(event);
        }
    }

    fn remember(&mut self, event: Event) {
        if self.window.is_some() {
            // After the failure point only error lines are kept: an error the log quotes after
            // the failure (or after its end) still explains it when nothing before does.
            if self.later.len() < MAX_LATER && is_error_line(&event) {
                self.later.push(event);
            }
            return;
        }
        if self.ring.len() == RING {
            self.ring.pop_front();
        }
        self.ring.push_back(event);
    }

    /// The first failure point freezes the window of lines that may explain it.
    fn fail_here(&mut self, event: &Event, action: Option<String>) {
        if self.failure_point.is_some() {
            return;
        }
        let from = action
            .as_deref()
            .and_then(|name| {
                self.ring.iter().rposition(|e| {
                    matches!(&e.kind, Kind::MsiAction { name: n, phase: ActionPhase::Start } if n == name)
                })
            })
            .unwrap_or(0);
        self.window = Some(self.ring.drain(from..).collect());
        let keep = self.ring.len().saturating_sub(EARLIER);
        self.earlier = self.ring.drain(keep..).collect();
        self.ring.clear();
        if let (Some(name), Location::Line(line)) = (action, event.at) {
            self.failed_action = Some(FailedAction { name, line });
        }
        self.failure_point = Some(event.clone());
    }

    fn operation(&self) -> InstallOperation {
        if let Some((o, _)) = &self.outcome {
            if o.operation != InstallOperation::Install {
                return o.operation;
            }
        }
        if self
            .remove
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case("ALL"))
        {
            InstallOperation::Removal
        } else if self.action_property.as_deref() == Some("ADMIN") {
            InstallOperation::Admin
        } else if self.patch {
            InstallOperation::Patch
        } else if self.installed {
            InstallOperation::Reconfigure
        } else {
            InstallOperation::Install
        }
    }

    fn outcome(&self) -> Option<Outcome> {
        let (code, source) = if let Some((o, e)) = &self.outcome {
            (o.status, format!("line {}: success or error status", e.at))
        } else if let Some((code, e)) = &self.engine_return {
            (
                *code,
                format!("line {}: MainEngineThread is returning", e.at),
            )
        } else if let Some(e) = &self.failure_point {
            (
                1603,
                format!(
                    "inferred: the log stops after a failure at line {} without an exit status",
                    e.at
                ),
            )
        } else if self.cancelled {
            (
                1602,
                "inferred: an action returned 2 (user exit) and no exit status follows".to_string(),
            )
        } else {
            return None;
        };
        Some(Outcome {
            code,
            meaning: codes::exit_meaning(code),
            class: classify_exit(code),
            source,
        })
    }

    fn finish(mut self, input: u32, path: &str) -> SessionFacts {
        let outcome = self.outcome();
        let mut outcome_events = Vec::new();
        if let Some((_, e)) = self.outcome.take() {
            outcome_events.push(e);
        }
        if let Some((_, e)) = self.engine_return.take() {
            outcome_events.push(e);
        }
        let window = match self.window.take() {
            Some(w) => w,
            // No failure point: what was notable may still explain a failure (log fragments).
            None => self.ring.drain(..).collect(),
        };
        let report = SessionReport {
            input,
            path: path.to_string(),
            lines: self.lines,
            verbose: self.verbose,
            operation: self.operation(),
            product: self.product,
            version: self.version.or_else(|| {
                outcome_events.iter().find_map(|e| match &e.kind {
                    Kind::MsiOutcome(o) => o.version.clone(),
                    _ => None,
                })
            }),
            product_code: self.product_code,
            manufacturer: self.manufacturer,
            calling_process: self.calling_process,
            command_line: self.command_line,
            elevated: self.elevated.or(self.privileged),
            start: self.start,
            end: self.end,
            duration_ms: match (self.start, self.end) {
                (Some(a), Some(b)) => Some((b - a).num_milliseconds()),
                _ => None,
            },
            outcome,
            failed_action: self.failed_action,
            bundle: None,
            recorded: None,
        };
        SessionFacts {
            report,
            window,
            earlier: self.earlier,
            later: self.later,
            product_code_event: self.product_code_event,
            failure_point: self.failure_point,
            outcome_events,
            file_in_use: self.file_in_use,
            settings: self.settings,
            actions: self.actions,
            server: self.server,
            ca_servers: self.ca_servers,
        }
    }
}

/// The text after an engine line's `[time]: ` (found with one byte search: this runs on most
/// lines), or the whole line.
fn engine_body(line: &str) -> &str {
    memchr::memchr(b']', line.as_bytes())
        .and_then(|at| line[at + 1..].strip_prefix(": "))
        .unwrap_or(line)
}

/// True for an entry with an error line as strong as an installer error message (`Error N.`,
/// `DEBUG: Error N`, a custom action's `Error 0x…` line), on its first line or a continuation.
fn is_error_line(event: &Event) -> bool {
    let strong = |s: Option<Strength>| s.is_some_and(|s| s >= Strength::CustomActionError);
    strong(signals::entry_strength(event))
        || event
            .raw_lines()
            .skip(1)
            .any(|(_, l)| strong(signals::text_strength(l)))
}

/// True for entries worth remembering for a diagnosis: by their kind and first line, or by the
/// continuation lines of their raw text (custom-action output may carry the explanation).
/// `may_match` false (no line holds a clue word) spares the text checks, which would find nothing.
/// Every custom action's result is kept (one translated to success tells whose error lines did
/// not fail the install).
fn is_notable(kind: &Kind, raw: &str, may_match: bool) -> bool {
    if matches!(kind, Kind::CustomActionResult { code, .. } if *code != 0) {
        return true;
    }
    if !may_match {
        return !matches!(kind, Kind::Text) && signals::kind_strength(kind, "").is_some();
    }
    let first = match memchr::memchr(b'\n', raw.as_bytes()) {
        Some(at) => &raw[..at],
        None => raw,
    };
    signals::kind_strength(kind, first).is_some() || continuation_notable(raw, may_match)
}

/// What [`is_notable`] says of a property entry, told before its kind is built: its line names
/// a rule literal, or a continuation line (the rest of a multi-line value) is a clue by its text.
fn property_notable(first_line: &str, raw: &str, may_match: bool) -> bool {
    may_match && (signals::names_a_rule_literal(first_line) || continuation_notable(raw, true))
}

/// True when a continuation line of the entry (after its first line) is a clue by its text.
fn continuation_notable(raw: &str, may_match: bool) -> bool {
    if !may_match {
        return false;
    }
    let Some(at) = memchr::memchr(b'\n', raw.as_bytes()) else {
        return false;
    };
    raw[at + 1..]
        .split('\n')
        .any(|l| signals::text_strength(l).is_some_and(|s| s >= Strength::WeakText))
}
