//! The reader shared by the logs of the tools around the installer: ConfigMgr and Intune client
//! logs ([`super::cmtrace`]), package-manager and deployment-tool output ([`super::pkgmgr`]) and
//! product setup logs ([`super::setuplog`]).
//!
//! Each form is a *dialect*: it groups lines into entries (a CMTrace message spans lines until its
//! `]LOG]!>`; an indented line continues the entry before it) and reads each entry's time, level,
//! component and thread. [`ToolLogReader`] does the rest the same way for all of them: every entry
//! becomes a [`Kind::LogEntry`] event at its first line; an installer line it relays word for word
//! becomes the installer's own event ([`Kind::MsiMessage`], [`Kind::MsiAction`], ...) at the same
//! line; an exit status becomes a [`Kind::DeploymentExit`] carrying the `msiexec` command the log
//! named before it and the MSI log that command wrote.
//!
//! Detection is by content ([`detect`], over the first lines); the reader detects again from the
//! lines it reads first, so it needs only the source (see [`ToolLogReader::new`]).
//!
//! ```
//! use msitrace::source::toollog::{ToolLogReader, ToolForm};
//! use msitrace::event::Kind;
//! let log = "<![LOG[Matched exit code 1603 to a Failure entry in exit codes table.]LOG]!><time=\"10:00:01.000+000\" date=\"01-13-2016\" component=\"AppEnforce\" context=\"\" type=\"3\" thread=\"2216\" file=\"appexcnlib.cpp:505\">\n";
//! let mut reader = ToolLogReader::from_text(log.as_bytes());
//! let events: Vec<_> = reader.by_ref().collect::<Result<_, _>>().unwrap();
//! assert_eq!(reader.form(), Some(ToolForm::CmTrace));
//! assert!(events.iter().any(|e| matches!(&e.kind, Kind::DeploymentExit(x) if x.code == 1603)));
//! assert_eq!(reader.describe(), "ConfigMgr/Intune log (CMTrace), AppEnforce; 1 entry, 1 exit status (1 failed)");
//! ```

use crate::event::*;
use crate::source::relay::{self, ExitMention};
use crate::source::{
    EventStream, Feeds, Format, Opening, Recognised, Sniff, Source, SourceError, StreamSummary,
    TimeBasis,
};
use crate::text::{LineReader, TextEncoding};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::io::Read;

/// Lines read before the form is decided.
const DETECT_LINES: usize = 200;
/// Bytes of decoded text read before the form is decided.
const DETECT_BYTES: usize = 16 * 1024;
/// Most lines of one entry; further lines start a new entry.
pub(crate) const MAX_ENTRY_LINES: usize = 400;
/// Most bytes of one entry's message.
pub(crate) const MAX_MESSAGE: usize = 32 * 1024;

/// The forms of tool logs msitrace reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ToolForm {
    /// CMTrace format: `<![LOG[message]LOG]!><time="..." date="..." component="..." ...>`.
    CmTrace,
    /// The older SMS trace format: `message $$<component><date time><thread=N (0xN)>`.
    SmsTrace,
    /// Lines copied from the CMTrace viewer: message, component, date and time, thread.
    CmTraceCopy,
    /// ConfigMgr log messages without markup (`MSI: ...` lines copied from ccmsetup.log).
    ConfigMgrText,
    /// Chocolatey: `chocolatey.log` or console output.
    Chocolatey,
    /// winget: console output or a diagnostic log.
    Winget,
    /// Ansible task results (`win_package`, `win_chocolatey`).
    Ansible,
    /// Puppet agent output.
    Puppet,
    /// Chef client output.
    Chef,
    /// PowerShell: DSC package resources, Install-Package, Start-Process.
    PowerShell,
    /// PSAppDeployToolkit text log (`[date time] [phase] [function] :: message`).
    PsAppDeployToolkit,
    /// SQL Server Setup Bootstrap `Summary.txt`.
    SqlSummary,
    /// SQL Server Setup Bootstrap `Detail.txt` (`Slp:` lines).
    SqlDetail,
    /// Visual Studio Installer log (`dd_*.log`).
    VisualStudio,
    /// The setup chainer log of .NET Framework and other redistributables.
    SetupChainer,
    /// Text of no known form, scanned for installer signals ([`super::textscan`]).
    Text,
}

impl ToolForm {
    /// How the Inputs section names the form.
    pub fn label(self) -> &'static str {
        match self {
            ToolForm::CmTrace => "ConfigMgr/Intune log (CMTrace)",
            ToolForm::SmsTrace => "ConfigMgr log (SMS trace)",
            ToolForm::CmTraceCopy => "ConfigMgr/Intune log copied from CMTrace",
            ToolForm::ConfigMgrText => "ConfigMgr log messages",
            ToolForm::Chocolatey => "Chocolatey output",
            ToolForm::Winget => "winget output",
            ToolForm::Ansible => "Ansible output",
            ToolForm::Puppet => "Puppet output",
            ToolForm::Chef => "Chef output",
            ToolForm::PowerShell => "PowerShell output",
            ToolForm::PsAppDeployToolkit => "PSAppDeployToolkit log",
            ToolForm::SqlSummary => "SQL Server Setup Summary.txt",
            ToolForm::SqlDetail => "SQL Server Setup Detail.txt",
            ToolForm::VisualStudio => "Visual Studio Installer log",
            ToolForm::SetupChainer => "setup chainer log (.NET Framework, redistributables)",
            ToolForm::Text => "text, no known log form; scanned for installer signals",
        }
    }

    /// The detected format family this form belongs to.
    pub fn format(self) -> Format {
        use Format;
        match self {
            ToolForm::CmTrace
            | ToolForm::SmsTrace
            | ToolForm::CmTraceCopy
            | ToolForm::ConfigMgrText => Format::ConfigmgrLog,
            ToolForm::Chocolatey
            | ToolForm::Winget
            | ToolForm::Ansible
            | ToolForm::Puppet
            | ToolForm::Chef
            | ToolForm::PowerShell
            | ToolForm::PsAppDeployToolkit => Format::DeploymentLog,
            ToolForm::SqlSummary
            | ToolForm::SqlDetail
            | ToolForm::VisualStudio
            | ToolForm::SetupChainer => Format::SetupLog,
            ToolForm::Text => Format::Text,
        }
    }

    /// The tool that writes this form (a CMTrace log names its tool per entry).
    pub fn tool(self) -> DeploymentTool {
        match self {
            ToolForm::CmTrace
            | ToolForm::SmsTrace
            | ToolForm::CmTraceCopy
            | ToolForm::ConfigMgrText => DeploymentTool::ConfigMgr,
            ToolForm::Chocolatey => DeploymentTool::Chocolatey,
            ToolForm::Winget => DeploymentTool::Winget,
            ToolForm::Ansible => DeploymentTool::Ansible,
            ToolForm::Puppet => DeploymentTool::Puppet,
            ToolForm::Chef => DeploymentTool::Chef,
            ToolForm::PowerShell => DeploymentTool::PowerShell,
            ToolForm::PsAppDeployToolkit => DeploymentTool::PsAppDeployToolkit,
            ToolForm::SqlSummary | ToolForm::SqlDetail => DeploymentTool::SqlServerSetup,
            ToolForm::VisualStudio => DeploymentTool::VisualStudioSetup,
            ToolForm::SetupChainer => DeploymentTool::SetupChainer,
            ToolForm::Text => DeploymentTool::Other,
        }
    }
}

/// The form of a tool log from its first bytes (up to [`crate::detect::SNIFF_LEN`]); `None` when
/// it is none of them.
///
/// ```
/// use msitrace::source::toollog::{detect, ToolForm};
/// let head = b"2023-07-05 11:56:47,651 7424 [INFO ] - Installing ChocolateyGUI...\r\n";
/// assert_eq!(detect(head), Some(ToolForm::Chocolatey));
/// assert_eq!(detect(b"MSI (s) (18:F4) [12:02:17:898]: Grabbed execution mutex.\r\n"), None);
/// ```
pub fn detect(head: &[u8]) -> Option<ToolForm> {
    let encoding = crate::text::sniff_encoding(head);
    let mut reader = LineReader::new(head, encoding);
    let mut lines = Vec::new();
    let mut bytes = 0;
    while let Ok(Some(line)) = reader.next_line() {
        bytes += line.text.len();
        lines.push(line.text.trim_start_matches('\u{feff}').to_string());
        if lines.len() >= DETECT_LINES || bytes >= DETECT_BYTES {
            break;
        }
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    detect_lines(&refs)
}

/// The form of a tool log from its first lines; `None` when it is none of them.
pub fn detect_lines(lines: &[&str]) -> Option<ToolForm> {
    crate::source::cmtrace::detect_lines(lines)
        .or_else(|| crate::source::setuplog::detect_lines(lines))
        .or_else(|| crate::source::pkgmgr::detect_lines(lines))
}

/// One entry as a dialect read it: where, when, how serious, who, what.
#[derive(Debug, Clone)]
pub(crate) struct RawEntry {
    /// Line of the entry's first line.
    pub line: u64,
    /// The lines as read, joined with `\n`.
    pub raw: String,
    /// Lines in `raw`.
    pub lines: usize,
    /// Local date and time, as far as the form gives them.
    pub date: Option<NaiveDate>,
    /// Time of day.
    pub time: Option<NaiveTime>,
    /// Level, when the form gives one (else implied from the words).
    pub level: Option<EntryLevel>,
    /// Component.
    pub component: Option<String>,
    /// Thread id.
    pub thread: Option<u32>,
    /// The message without the form's markup.
    pub message: String,
    /// The tool, when the entry itself says (a CMTrace component); else the form's.
    pub tool: Option<DeploymentTool>,
    /// True when lines a console cut at its width were joined into this entry.
    pub wrapped: bool,
}

impl RawEntry {
    /// An entry starting at a line, with its message.
    pub fn new(line: u64, raw: &str, message: &str) -> Self {
        RawEntry {
            line,
            raw: relay::cut(raw, MAX_MESSAGE),
            lines: 1,
            date: None,
            time: None,
            level: None,
            component: None,
            thread: None,
            message: relay::cut(message, MAX_MESSAGE),
            tool: None,
            wrapped: false,
        }
    }

    /// Add a line: its raw text, and the part of it that belongs to the message. `wrapped`: the
    /// line is the rest of a line a console cut at its width, so it joins without a line break.
    pub fn push_line(&mut self, raw: &str, message: &str, wrapped: bool) {
        if self.raw.len() + raw.len() < MAX_MESSAGE {
            self.raw.push('\n');
            self.raw.push_str(raw);
        }
        if self.message.len() + message.len() < MAX_MESSAGE {
            if !wrapped {
                self.message.push('\n');
            }
            self.message.push_str(message);
        }
        self.lines += 1;
        self.wrapped |= wrapped;
    }

    /// Set date and time from a local date-time.
    pub fn at(mut self, when: NaiveDateTime) -> Self {
        self.date = Some(when.date());
        self.time = Some(when.time());
        self
    }
}

/// What a dialect reads in one entry beyond the common phrasings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reading {
    /// An exit status only this form words.
    pub exit: Option<ExitMention>,
    /// The command the entry says was run.
    pub command: Option<String>,
    /// An installer log the entry names.
    pub log: Option<String>,
    /// The package or application the entry is about.
    pub subject: Option<String>,
    /// The tool behind the entry, when the form mixes tools.
    pub tool: Option<DeploymentTool>,
    /// An installer line the entry holds where the common phrasings do not look (the text scan
    /// finds them anywhere in a line).
    pub relayed: Option<Kind>,
}

/// One form's grammar: how lines group into entries and what its own phrasings mean.
pub(crate) trait Dialect: Send {
    /// Take one line (BOM removed); push the entries it completes.
    fn push(&mut self, line: u64, text: &str, out: &mut Vec<RawEntry>);
    /// The input ended: push the pending entry.
    fn finish(&mut self, out: &mut Vec<RawEntry>);
    /// What this form's own phrasings say in a complete entry.
    fn read(&mut self, _entry: &RawEntry) -> Reading {
        Reading::default()
    }
    /// Notes on lenient reading (ambiguous dates, cut messages), for the input's warnings.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Groups lines into entries for the dialects whose entries start with a recognisable head:
/// lines without a head continue the entry before them (or start a headless entry).
#[derive(Debug, Default)]
pub(crate) struct Grouper {
    pending: Option<RawEntry>,
    /// Length in characters of the last line, to join lines a console wrapped.
    last_len: usize,
    /// Console width to join wrapped lines at (80 columns: lines of 79 or 80 characters).
    pub wrap: Option<usize>,
}

impl Grouper {
    /// A line with a head starts a new entry.
    pub fn start(&mut self, entry: RawEntry, text: &str, out: &mut Vec<RawEntry>) {
        self.flush(out);
        self.last_len = text.chars().count();
        self.pending = Some(entry);
    }

    /// A line without a head: continues the pending entry (true), or there is none to continue
    /// or it is full (false: the caller makes it an entry of its own).
    pub fn continue_with(&mut self, text: &str, message: &str) -> bool {
        let len = text.chars().count();
        let wrapped = self
            .wrap
            .is_some_and(|w| self.last_len + 1 >= w && self.last_len <= w);
        match self.pending.as_mut() {
            Some(p) if p.lines < MAX_ENTRY_LINES => {
                p.push_line(text, message, wrapped);
                self.last_len = len;
                true
            }
            _ => false,
        }
    }

    /// True when the last line filled the console width (the next line is its rest).
    pub fn last_was_wrapped(&self) -> bool {
        self.pending.is_some()
            && self
                .wrap
                .is_some_and(|w| self.last_len + 1 >= w && self.last_len <= w)
    }

    /// Push the pending entry.
    pub fn flush(&mut self, out: &mut Vec<RawEntry>) {
        if let Some(p) = self.pending.take() {
            out.push(p);
        }
    }
}

/// What a line-oriented form's grammar reads at the start of a line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Head {
    /// Local date and time.
    pub when: Option<NaiveDateTime>,
    /// Time of day, when the line has no date.
    pub time: Option<NaiveTime>,
    /// Level.
    pub level: Option<EntryLevel>,
    /// Component.
    pub component: Option<String>,
    /// Thread.
    pub thread: Option<u32>,
    /// The message part of the line.
    pub message: String,
}

/// A line-oriented form: which lines start entries and what the form's phrasings mean.
pub(crate) trait Grammar: Send {
    /// The head of a line that starts an entry; `None` for a line that continues one.
    fn head(&mut self, line: &str) -> Option<Head>;
    /// What the form's own phrasings say in a complete entry.
    fn read(&mut self, _entry: &RawEntry) -> Reading {
        Reading::default()
    }
    /// Whether a line without a head continues the entry before it (log files) or is an entry
    /// of its own (console output, where only indented lines continue).
    fn headless_continues(&self) -> bool {
        true
    }
    /// The console width lines were cut at, for console copies.
    fn wrap(&self) -> Option<usize> {
        None
    }
}

/// The dialect of a line-oriented form, from its grammar.
pub(crate) struct LineDialect<G> {
    grammar: G,
    grouper: Grouper,
}

impl<G: Grammar> LineDialect<G> {
    /// A dialect reading with `grammar`.
    pub fn new(grammar: G) -> Self {
        let grouper = Grouper {
            wrap: grammar.wrap(),
            ..Grouper::default()
        };
        LineDialect { grammar, grouper }
    }
}

impl<G: Grammar> Dialect for LineDialect<G> {
    fn push(&mut self, line: u64, text: &str, out: &mut Vec<RawEntry>) {
        if text.trim().is_empty() {
            return;
        }
        if self.grouper.last_was_wrapped() && self.grouper.continue_with(text, text) {
            return;
        }
        match self.grammar.head(text) {
            Some(head) => {
                let mut entry = RawEntry::new(line, text, head.message.trim_end());
                if let Some(when) = head.when {
                    entry = entry.at(when);
                } else {
                    entry.time = head.time;
                }
                entry.level = head.level;
                entry.component = head.component;
                entry.thread = head.thread;
                self.grouper.start(entry, text, out);
            }
            None => {
                let continues = self.grammar.headless_continues() || text.starts_with([' ', '\t']);
                if continues && self.grouper.continue_with(text, text.trim()) {
                    return;
                }
                let entry = RawEntry::new(line, text, text.trim());
                self.grouper.start(entry, text, out);
            }
        }
    }

    fn finish(&mut self, out: &mut Vec<RawEntry>) {
        self.grouper.flush(out);
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        self.grammar.read(entry)
    }
}

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

/// The tool-log reader as registered in [`crate::source::SOURCES`], once per format it reads.
pub struct ToolLogSource {
    format: Format,
}

impl ToolLogSource {
    /// ConfigMgr and Intune client logs.
    pub const CONFIGMGR: ToolLogSource = ToolLogSource {
        format: Format::ConfigmgrLog,
    };
    /// Package-manager and deployment-tool output.
    pub const DEPLOYMENT: ToolLogSource = ToolLogSource {
        format: Format::DeploymentLog,
    };
    /// Product setup logs.
    pub const SETUP: ToolLogSource = ToolLogSource {
        format: Format::SetupLog,
    };
}

impl Source for ToolLogSource {
    fn format(&self) -> Format {
        self.format
    }

    fn feeds(&self) -> Feeds {
        Feeds::Deployment
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Local
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        if self.format == Format::ConfigmgrLog {
            let cmtrace = sniff
                .lines
                .iter()
                .position(|l| crate::source::cmtrace::is_cmtrace_line(l));
            if let Some(line) = cmtrace {
                return Some(Recognised::Sure { line });
            }
        }
        let lines: Vec<&str> = sniff.lines.iter().map(String::as_str).collect();
        let form = detect_lines(&lines)?;
        (form.format() == self.format).then_some(Recognised::Probable)
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        Ok(Box::new(ToolLogReader::new(
            opening.reader()?,
            opening.encoding,
            opening.input,
        )))
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

/// Read a date as tools write it: `MM-DD-YYYY` (CMTrace), `M/D/YYYY`, `YYYY-MM-DD`,
/// `DD.MM.YYYY`. Month first unless the first number cannot be a month; the second value says
/// whether the reading was a guess (both orders possible).
///
/// ```
/// use msitrace::source::toollog::parse_date;
/// use chrono::NaiveDate;
/// assert_eq!(parse_date("5-26-2026"), Some((NaiveDate::from_ymd_opt(2026, 5, 26).unwrap(), false)));
/// assert_eq!(parse_date("2026-05-26"), Some((NaiveDate::from_ymd_opt(2026, 5, 26).unwrap(), false)));
/// assert_eq!(parse_date("26.05.2026"), Some((NaiveDate::from_ymd_opt(2026, 5, 26).unwrap(), false)));
/// assert_eq!(parse_date("12-11-2010"), Some((NaiveDate::from_ymd_opt(2010, 12, 11).unwrap(), true)));
/// assert_eq!(parse_date("13-13-2010"), None);
/// ```
pub fn parse_date(text: &str) -> Option<(NaiveDate, bool)> {
    let t = text.trim();
    let sep = t.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = t.split(sep).collect();
    let [a, b, c] = parts[..] else { return None };
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (a, b, c) = (num(a)?, num(b)?, num(c)?);
    let year = |y: u32| if y < 100 { 2000 + y } else { y } as i32;
    if a > 31 {
        return NaiveDate::from_ymd_opt(a as i32, b, c).map(|d| (d, false));
    }
    // Dotted dates are day first (German, Russian, ...).
    if sep == '.' {
        return NaiveDate::from_ymd_opt(year(c), b, a).map(|d| (d, false));
    }
    let month_first = NaiveDate::from_ymd_opt(year(c), a, b);
    let day_first = NaiveDate::from_ymd_opt(year(c), b, a);
    match (month_first, day_first) {
        (Some(m), Some(d)) => Some((m, m != d)),
        (Some(m), None) => Some((m, false)),
        (None, Some(d)) => Some((d, false)),
        (None, None) => None,
    }
}

/// Read a time of day: `HH:MM:SS`, with a fraction after `.` or `,` of any length, and `AM`/`PM`.
///
/// ```
/// use msitrace::source::toollog::parse_time;
/// use chrono::NaiveTime;
/// assert_eq!(parse_time("11:16:37.3093207"), NaiveTime::from_hms_micro_opt(11, 16, 37, 309_320));
/// assert_eq!(parse_time("1:07:13 PM"), NaiveTime::from_hms_opt(13, 7, 13));
/// assert_eq!(parse_time("12:25:19,101"), NaiveTime::from_hms_milli_opt(12, 25, 19, 101));
/// assert_eq!(parse_time("25:00:00"), None);
/// ```
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim();
    let (clock, pm) = match t
        .strip_suffix("PM")
        .or_else(|| t.strip_suffix("pm"))
        .map(|c| (c, Some(true)))
        .or_else(|| {
            t.strip_suffix("AM")
                .or_else(|| t.strip_suffix("am"))
                .map(|c| (c, Some(false)))
        }) {
        Some((c, pm)) => (c.trim(), pm),
        None => (t, None),
    };
    let (hms, fraction) = match clock.find(['.', ',']) {
        Some(i) => (&clock[..i], &clock[i + 1..]),
        None => (clock, ""),
    };
    let mut parts = hms.split(':');
    let num = |s: Option<&str>| -> Option<u32> {
        let s = s?;
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (mut h, m, s) = (num(parts.next())?, num(parts.next())?, num(parts.next())?);
    if parts.next().is_some() {
        return None;
    }
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    let digits: String = fraction
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    let micro = if digits.is_empty() {
        0
    } else {
        digits.parse::<u32>().ok()? * 10u32.pow(6 - digits.len() as u32)
    };
    NaiveTime::from_hms_micro_opt(h, m, s, micro)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Event>, ToolLogReader<&[u8]>) {
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events = r.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
        (events, r)
    }

    #[test]
    fn exit_carries_the_command_and_log_named_before_it() {
        let log = concat!(
            "<![LOG[Executing Command line: \"C:\\WINDOWS\\system32\\msiexec.exe\" /i \"x.msi\" /q /l*v \"C:\\WINDOWS\\ccm\\logs\\x_install.log\" with user context]LOG]!><time=\"10:00:00.000+000\" date=\"01-13-2016\" component=\"AppEnforce\" context=\"\" type=\"1\" thread=\"2216\" file=\"\">\n",
            "<![LOG[Process 4312 terminated with exitcode: 1603]LOG]!><time=\"10:00:09.000+000\" date=\"01-13-2016\" component=\"AppEnforce\" context=\"\" type=\"1\" thread=\"2216\" file=\"\">\n",
        );
        let (events, _) = read(log);
        let exit = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x),
                _ => None,
            })
            .unwrap();
        assert_eq!(exit.code, 1603);
        assert_eq!(
            exit.msi_log.as_deref(),
            Some(r"C:\WINDOWS\ccm\logs\x_install.log")
        );
        assert!(exit
            .command_line
            .as_deref()
            .unwrap()
            .contains("msiexec.exe"));
        assert_eq!(exit.tool, DeploymentTool::ConfigMgr);
    }

    #[test]
    fn every_entry_is_a_log_entry_at_its_first_line() {
        let (events, r) = read("MSI: Action 11:53:11: X. Y\nMSI: Setup failed due to unexpected circumstances\nThe error code is 80004005\n");
        let entries: Vec<_> = events
            .iter()
            .filter(|e| matches!(e.kind, Kind::LogEntry(_)))
            .collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].at, Location::Line(2));
        assert_eq!(r.counts().relayed, 1);
    }

    #[test]
    fn empty_input_yields_nothing() {
        let (events, r) = read("");
        assert!(events.is_empty());
        assert_eq!(r.counts().entries, 0);
    }

    #[test]
    fn dates_and_times() {
        assert!(parse_date("1-2").is_none());
        assert!(parse_date("a-b-c").is_none());
        assert!(parse_time("10:00").is_none());
        assert!(parse_time("10:00:00:00").is_none());
        assert_eq!(parse_time("12:00:01 AM"), NaiveTime::from_hms_opt(0, 0, 1));
    }
}
