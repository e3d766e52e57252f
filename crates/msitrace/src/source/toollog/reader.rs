//! The streaming reader shared by every tool-log form: entries become events.

use super::detect::{detect_lines, DETECT_BYTES, DETECT_LINES};
use super::dialect::{Dialect, RawEntry, Reading};
use super::form::ToolForm;
use crate::event::*;
use crate::source::relay;
use crate::source::{EventStream, SourceError, StreamSummary};
use crate::text::{LineReader, TextEncoding};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::io::Read;

/// Counts of what one tool-log input held.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ToolLogCounts {
    /// Entries read.
    pub entries: u64,
    /// Entries at error level.
    pub errors: u64,
    /// Exit statuses reported.
    pub exits: u64,
    /// Exit statuses that are failures.
    pub failed_exits: u64,
    /// Installer lines relayed word for word.
    pub relayed: u64,
    /// Entries per component (at most 64 components counted).
    pub components: BTreeMap<String, u64>,
}

/// Streaming reader of one tool log, in whatever form detection found; an iterator of events.
pub struct ToolLogReader<R> {
    lines: LineReader<R>,
    input: InputId,
    form: Option<ToolForm>,
    dialect: Option<Box<dyn Dialect>>,
    /// Lines read to detect the form, not yet handed to the dialect.
    buffered: VecDeque<(u64, String)>,
    entries: Vec<RawEntry>,
    queue: VecDeque<Event>,
    context: Context,
    counts: ToolLogCounts,
    /// Entries with a time of day.
    timed: u64,
    done: bool,
}

/// What the log said before the entry being read: the last command and installer log named, the
/// last subject.
#[derive(Debug, Default)]
struct Context {
    command: Option<String>,
    log: Option<String>,
    subject: Option<String>,
    /// The title of the quoted excerpt the entries are in (`--- from the MSI log ---`).
    quoted: Option<String>,
}

impl<R: Read> ToolLogReader<R> {
    /// A reader over a byte source in a known encoding; the form is detected from the first
    /// lines.
    pub fn new(source: R, encoding: TextEncoding, input: InputId) -> Self {
        ToolLogReader {
            lines: LineReader::new(source, encoding),
            input,
            form: None,
            dialect: None,
            buffered: VecDeque::new(),
            entries: Vec::new(),
            queue: VecDeque::new(),
            context: Context::default(),
            counts: ToolLogCounts::default(),
            timed: 0,
            done: false,
        }
    }

    /// A reader for a form known already (detection is skipped).
    pub fn with_form(source: R, encoding: TextEncoding, input: InputId, form: ToolForm) -> Self {
        let mut reader = Self::new(source, encoding, input);
        reader.form = Some(form);
        reader.dialect = Some(dialect(form));
        reader
    }

    /// The form read (known once the first event is returned).
    pub fn form(&self) -> Option<ToolForm> {
        self.form
    }

    /// What the input held so far.
    pub fn counts(&self) -> &ToolLogCounts {
        &self.counts
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> u64 {
        self.lines.line_number()
    }

    /// Notes on where reading was lenient.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = self.dialect.as_ref().map(|d| d.notes()).unwrap_or_default();
        if self.counts.entries > 0 && self.timed == 0 {
            notes.push("no times in these lines: their order is taken from the file".to_string());
        }
        notes
    }

    /// One line for the Inputs section: the form, its main component and the counts
    /// (`ConfigMgr/Intune log (CMTrace), AppEnforce; 120 entries, 2 exit statuses (1 failed)`).
    pub fn describe(&self) -> String {
        let mut s = self
            .form
            .map(ToolForm::label)
            .unwrap_or("tool log")
            .to_string();
        if let Some((component, _)) = self
            .counts
            .components
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        {
            s.push_str(", ");
            s.push_str(component);
        }
        let plural =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        s.push_str("; ");
        s.push_str(&plural(self.counts.entries, "entry", "entries"));
        if self.counts.exits > 0 {
            s.push_str(", ");
            s.push_str(&plural(self.counts.exits, "exit status", "exit statuses"));
            s.push_str(&format!(" ({} failed)", self.counts.failed_exits));
        }
        if self.counts.relayed > 0 {
            s.push_str(&format!(
                ", {} relayed installer line{}",
                self.counts.relayed,
                if self.counts.relayed == 1 { "" } else { "s" }
            ));
        }
        s
    }

    /// Read lines until the form is known (or the input ends).
    fn decide_form(&mut self) -> Result<(), SourceError> {
        let mut bytes = 0;
        while self.buffered.len() < DETECT_LINES && bytes < DETECT_BYTES {
            match self.lines.next_line() {
                Ok(Some(line)) => {
                    bytes += line.text.len();
                    let text = line.text.trim_start_matches('\u{feff}').to_string();
                    self.buffered.push_back((line.number, text));
                }
                Ok(None) => break,
                Err(source) => {
                    return Err(SourceError::Read {
                        line: self.lines.line_number() + 1,
                        source,
                    })
                }
            }
        }
        let refs: Vec<&str> = self.buffered.iter().map(|(_, t)| t.as_str()).collect();
        // An input given as a tool log that none of the forms claims is read as bare messages.
        let form = detect_lines(&refs).unwrap_or(ToolForm::ConfigMgrText);
        self.form = Some(form);
        self.dialect = Some(dialect(form));
        Ok(())
    }

    /// Turn a complete entry into its events.
    fn emit(&mut self, entry: RawEntry) {
        let form = self.form.unwrap_or(ToolForm::ConfigMgrText);
        let mut reading = match self.dialect.as_mut() {
            Some(d) => d.read(&entry),
            None => Reading::default(),
        };
        let level = entry
            .level
            .unwrap_or_else(|| relay::implied_level(&entry.message));
        let time = match (entry.date, entry.time) {
            (date, Some(t)) => Stamp::local(date, t),
            _ => Stamp::none(),
        };
        self.counts.entries += 1;
        if entry.time.is_some() {
            self.timed += 1;
        }
        if level == EntryLevel::Error {
            self.counts.errors += 1;
        }
        if let Some(c) = &entry.component {
            if self.counts.components.len() < 64 || self.counts.components.contains_key(c) {
                *self.counts.components.entry(c.clone()).or_default() += 1;
            }
        }
        // What the entry says was run, and the log that run writes.
        let command = reading
            .command
            .take()
            .or_else(|| relay::msiexec_command(&entry.message));
        if let Some(cmd) = &command {
            self.context.command = Some(cmd.clone());
            if let Some(log) = relay::msi_log_path(cmd) {
                self.context.log = Some(log);
            }
        }
        if let Some(log) = reading
            .log
            .take()
            .or_else(|| relay::msi_log_path(&entry.message))
            .or_else(|| relay::named_log(&entry.message))
        {
            self.context.log = Some(log);
        }
        if let Some(s) = &reading.subject {
            self.context.subject = Some(s.clone());
        }
        // A separator a person wrote (`--- from the MSI log ---`) starts an excerpt of another log.
        let mut component = entry.component.clone();
        if let Some(title) = separator_title(&entry.message) {
            self.context.quoted = quotes_a_log(&title).then_some(title);
        } else if let (Some(title), None) = (&self.context.quoted, &component) {
            component = Some(format!("{QUOTED_PREFIX}{title}"));
        }
        let event = |kind: Kind, at: u64, raw: String| Event {
            time: time.clone(),
            input: self.input,
            at: Location::Line(at),
            process: None,
            kind,
            raw: Some(raw),
        };
        let relayed = reading.relayed.take();
        let relayed = relayed
            .or_else(|| relay::relayed_installer_kind(&entry.message))
            .or_else(|| {
                self.context
                    .quoted
                    .as_ref()
                    .and_then(|_| crate::source::msilog::body_kind(entry.message.trim()))
                    .filter(|k| !matches!(k, Kind::Text))
            });
        let exit = reading
            .exit
            .take()
            .or_else(|| relay::find_exit(&entry.message));
        let tool = reading.tool.or(entry.tool).unwrap_or_else(|| form.tool());
        let first_raw = entry.raw.lines().next().unwrap_or("").to_string();
        // The line that states the exit's code (an entry can span lines).
        let exit_at = exit.as_ref().map(|x| {
            let (offset, line) = line_of_code(&entry.raw, x.code)
                .filter(|_| !entry.wrapped)
                .unwrap_or((0, first_raw.as_str()));
            (entry.line + offset as u64, line.to_string())
        });
        let line = entry.line;
        self.queue.push_back(event(
            Kind::from(LogEntry {
                level,
                component,
                thread: entry.thread,
                message: entry.message,
            }),
            line,
            entry.raw,
        ));
        if let Some(kind) = relayed {
            self.counts.relayed += 1;
            self.queue.push_back(event(kind, line, first_raw));
        }
        if let (Some(exit), Some((at, text))) = (exit, exit_at) {
            let record = DeploymentExit {
                tool,
                code: exit.code,
                verdict: exit.verdict,
                subject: exit
                    .subject
                    .or(reading.subject)
                    .or_else(|| self.context.subject.clone()),
                command_line: command.or_else(|| self.context.command.clone()),
                msi_log: self.context.log.clone(),
            };
            self.counts.exits += 1;
            if record.effective_verdict() == ExitVerdict::Failure {
                self.counts.failed_exits += 1;
            }
            self.queue.push_back(event(Kind::from(record), at, text));
            // What ran is told of once; the next run names its own.
            self.context.command = None;
            self.context.log = None;
        }
    }
}

impl<'a> ToolLogReader<&'a [u8]> {
    /// A reader over in-memory bytes, encoding sniffed, input id 0.
    pub fn from_text(bytes: &'a [u8]) -> Self {
        ToolLogReader::new(bytes, crate::text::sniff_encoding(bytes), 0)
    }
}

impl<R: Read + Send> EventStream for ToolLogReader<R> {
    fn finish(self: Box<Self>) -> StreamSummary {
        StreamSummary {
            lines: self.lines_read(),
            form: Some(self.describe()),
            notes: self.notes(),
            ..Default::default()
        }
    }
}

impl<R: Read> Iterator for ToolLogReader<R> {
    type Item = Result<Event, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(e) = self.queue.pop_front() {
                return Some(Ok(e));
            }
            if !self.entries.is_empty() {
                let entries = std::mem::take(&mut self.entries);
                for entry in entries {
                    self.emit(entry);
                }
                continue;
            }
            if self.done {
                return None;
            }
            if self.dialect.is_none() {
                if let Err(e) = self.decide_form() {
                    self.done = true;
                    return Some(Err(e));
                }
            }
            let Some(dialect) = self.dialect.as_mut() else {
                self.done = true;
                continue;
            };
            if let Some((number, text)) = self.buffered.pop_front() {
                dialect.push(number, &text, &mut self.entries);
                continue;
            }
            match self.lines.next_line() {
                Ok(Some(line)) => {
                    let text = line.text.trim_start_matches('\u{feff}');
                    dialect.push(line.number, text, &mut self.entries);
                }
                Ok(None) => {
                    dialect.finish(&mut self.entries);
                    self.done = true;
                }
                Err(source) => {
                    dialect.finish(&mut self.entries);
                    self.done = true;
                    let line = self.lines.line_number() + 1;
                    // The entries read so far still come out; the error goes first.
                    return Some(Err(SourceError::Read { line, source }));
                }
            }
        }
    }
}

/// The component given to the entries of an excerpt quoted from another log.
pub const QUOTED_PREFIX: &str = "quoted from: ";

/// The title of a separator line a person wrote between excerpts (`--- from the MSI log ---`,
/// `=== install.log ===`, `## winget output`).
fn separator_title(message: &str) -> Option<String> {
    let t = message.trim();
    let fence = |c: char| t.starts_with(&c.to_string().repeat(3)) || t.starts_with("##");
    if !['-', '=', '#'].into_iter().any(fence)
        || t.starts_with("----------") && t.trim_matches('-').is_empty()
    {
        return None;
    }
    let title = t.trim_matches(|c: char| c == '-' || c == '=' || c == '#' || c.is_whitespace());
    (!title.is_empty() && title.len() < 200).then(|| title.to_string())
}

/// True when a separator's title says the lines after it come from an installer's log.
fn quotes_a_log(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    (t.contains("log") || t.contains("msi") || t.contains("installer")) && !t.contains("output")
}

/// The line of a raw entry that reports a code: the first that says it in words, else the last
/// that states it (decimal, negative decimal or hex), with its offset.
fn line_of_code(raw: &str, code: u32) -> Option<(usize, &str)> {
    // The line that reports it in words first (not a link that carries it).
    let reported = raw
        .lines()
        .enumerate()
        .find(|(_, l)| !l.contains("://") && relay::find_exit(l).is_some_and(|e| e.code == code));
    if reported.is_some() {
        return reported;
    }
    let forms = [
        code.to_string(),
        (code as i32).to_string(),
        format!("{code:x}"),
        format!("{code:08x}"),
    ];
    raw.lines()
        .enumerate()
        .filter(|(_, l)| {
            let lower = l.to_ascii_lowercase();
            forms.iter().any(|f| {
                lower.match_indices(f.as_str()).any(|(i, _)| {
                    let before = lower[..i].chars().next_back();
                    let after = lower[i + f.len()..].chars().next();
                    !before.is_some_and(|c| c.is_ascii_alphanumeric() && c != 'x')
                        && !after.is_some_and(|c| c.is_ascii_digit())
                })
            })
        })
        .last()
}

/// The dialect of a form.
fn dialect(form: ToolForm) -> Box<dyn Dialect> {
    match form {
        ToolForm::CmTrace
        | ToolForm::SmsTrace
        | ToolForm::CmTraceCopy
        | ToolForm::ConfigMgrText => crate::source::cmtrace::dialect(form),
        ToolForm::SqlSummary
        | ToolForm::SqlDetail
        | ToolForm::VisualStudio
        | ToolForm::SetupChainer => crate::source::setuplog::dialect(form),
        ToolForm::Chocolatey
        | ToolForm::Winget
        | ToolForm::Ansible
        | ToolForm::Puppet
        | ToolForm::Chef
        | ToolForm::PowerShell
        | ToolForm::PsAppDeployToolkit => crate::source::pkgmgr::dialect(form),
        ToolForm::Text => crate::source::textscan::dialect(),
    }
}
