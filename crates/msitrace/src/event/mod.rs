//! The unified event model: every source parser turns its input into [`Event`]s.
//!
//! An event says *when* (as read, and later aligned to UTC by the clock module), *where* it was read
//! (input and [`Location`], so evidence can be cited), *who* (the [`ProcessRef`] when known) and
//! *what* (a typed [`Kind`]). The raw text stays reachable in [`Event::raw`].
//!
//! MSI and Burn logs fill the `Msi*`/`Burn*` kinds; event logs map onto [`Kind::EventRecord`];
//! Process Monitor rows map onto [`Kind::Operation`], [`Kind::ProcessStart`] and
//! [`Kind::ProcessExit`].

pub use crate::paths::{KnownFolder, NormalPath, PathSpace};

mod facts;
pub use facts::KIND_NAMES;
pub mod meaning;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// Index of an input in the analysis (see [`crate::analysis::InputReport::id`]).
pub type InputId = u32;

/// One thing that happened, read from one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened: as read, and aligned to UTC once the clock is known.
    pub time: Stamp,
    /// Which input it was read from.
    pub input: InputId,
    /// Where in that input (line, record id or row), for citing evidence.
    pub at: Location,
    /// The process that produced it, where the source says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<ProcessRef>,
    /// What happened, typed.
    pub kind: Kind,
    /// The text as read (decoded). Multi-line entries keep their continuation lines, separated by
    /// `\n`; line `i` of the raw text is at line `at + i` of the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

impl Event {
    /// The lines of the raw text with their line numbers (for text inputs).
    ///
    /// ```
    /// use msitrace::event::{Event, Kind, Location, Stamp};
    /// let e = Event {
    ///     time: Stamp::none(), input: 0, at: Location::Line(10), process: None,
    ///     kind: Kind::Text, raw: Some("first\nsecond".into()),
    /// };
    /// let lines: Vec<_> = e.raw_lines().collect();
    /// assert_eq!(lines, vec![(10, "first"), (11, "second")]);
    /// ```
    pub fn raw_lines(&self) -> impl Iterator<Item = (u64, &str)> {
        let first = match self.at {
            Location::Line(n) => n,
            _ => 0,
        };
        self.raw
            .as_deref()
            .unwrap_or("")
            .split('\n')
            .enumerate()
            .map(move |(i, l)| (first + i as u64, l))
    }

    /// The first line of the raw text (the entry's own line, without continuations).
    pub fn first_line(&self) -> &str {
        let raw = self.raw.as_deref().unwrap_or("");
        match memchr::memchr(b'\n', raw.as_bytes()) {
            Some(at) => &raw[..at],
            None => raw,
        }
    }
}

/// A time as read from the input, plus the UTC time once aligned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stamp {
    /// The time as the input wrote it.
    pub read: ReadTime,
    /// The same instant in UTC, filled by clock alignment (or directly for UTC sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aligned: Option<DateTime<Utc>>,
}

impl Stamp {
    /// An event without any time (e.g. a continuation-only entry).
    pub fn none() -> Self {
        Stamp {
            read: ReadTime::None,
            aligned: None,
        }
    }

    /// A local wall-clock time, with its date when known.
    pub fn local(date: Option<NaiveDate>, time: NaiveTime) -> Self {
        Stamp {
            read: ReadTime::Local { date, time },
            aligned: None,
        }
    }

    /// A UTC instant (event logs); already aligned.
    pub fn utc(t: DateTime<Utc>) -> Self {
        Stamp {
            read: ReadTime::Utc { time: t },
            aligned: Some(t),
        }
    }

    /// The local date and time, when both are known.
    pub fn local_datetime(&self) -> Option<NaiveDateTime> {
        match self.read {
            ReadTime::Local {
                date: Some(d),
                time,
            } => Some(d.and_time(time)),
            _ => None,
        }
    }

    /// The time of day as read, if any.
    pub fn time_of_day(&self) -> Option<NaiveTime> {
        match self.read {
            ReadTime::Local { time, .. } => Some(time),
            ReadTime::Utc { time } => Some(time.time()),
            ReadTime::None => None,
        }
    }
}

/// How an input wrote the time of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadTime {
    /// No time on this entry.
    None,
    /// Local wall-clock time of the machine; the date may be unknown (date-less inputs).
    Local {
        /// Calendar date, when the input gives or implies one.
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<NaiveDate>,
        /// Time of day (precision as read: milliseconds for MSI, 100 ns for ProcMon).
        time: NaiveTime,
    },
    /// A UTC instant (EVTX). A struct variant so the internally tagged form serialises
    /// (`{"kind": "utc", "time": "..."}`).
    Utc {
        /// The instant.
        time: DateTime<Utc>,
    },
}

/// Where an event was read, so a person can open the input at that place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// 1-based line of a text log.
    Line(u64),
    /// Event-log record id.
    Record(u64),
    /// 1-based data row of a CSV export (the header is row 0).
    Row(u64),
    /// Byte offset, for binary inputs without records.
    Offset(u64),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Line(n) => write!(f, "{n}"),
            Location::Record(n) => write!(f, "record {n}"),
            Location::Row(n) => write!(f, "row {n}"),
            Location::Offset(n) => write!(f, "offset {n:#x}"),
        }
    }
}

/// The process an event belongs to.
///
/// MSI logs print only the low bits of PID and TID in hex (`MSI (s) (18:F4)`); those are kept as
/// read in `pid`/`tid` with `partial` set, for later correlation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessRef {
    /// Process id (possibly only its low bits, see `partial`).
    pub pid: u32,
    /// Thread id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tid: Option<u32>,
    /// Image name (e.g. `msiexec.exe`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// True when `pid`/`tid` are truncated values (MSI logs).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// The role the process plays in the install, when the source says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<ProcessRole>,
}

/// The role of a process in an installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessRole {
    /// The Windows Installer client (`MSI (c)`): UI and the calling process side.
    InstallerClient,
    /// The Windows Installer service side (`MSI (s)`), where the install script runs.
    InstallerServer,
    /// A nested install (`MSI (N)`).
    NestedInstall,
    /// A custom action server (`MSI (a)`).
    CustomActionServer,
}

/// What an event is. One variant per shape of information, whatever the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    /// A line with no more specific shape (engine chatter, custom-action output). Its text is in
    /// [`Event::raw`].
    Text,
    /// `=== Verbose logging started: ... ===` (or `=== Logging started`) and its `stopped` twin.
    MsiLogBoundary(LogBoundary),
    /// `Action start`, `Action ended` and `Action H:MM:SS: Name. Text` lines.
    MsiAction {
        /// Action name (may be empty in damaged logs).
        name: String,
        /// Start, progress text or end with return value.
        phase: ActionPhase,
    },
    /// `CustomAction X returned actual error code N`.
    CustomActionResult {
        /// Custom action name (empty names occur).
        action: String,
        /// Error code the custom action returned.
        code: u32,
        /// True for "... but will be translated to success due to continue marking".
        translated_to_success: bool,
    },
    /// An installer message with a number: `Error 1920.`, `Info 1603.`, `DEBUG: Error 2826:`,
    /// `Internal Error 2235.`, `Note: 1: 2203 2: ...`, `Warning 1946.`.
    MsiMessage(MsiMessage),
    /// `Property(S): Name = Value` dump or `PROPERTY CHANGE` line.
    Property {
        /// Which side wrote it.
        scope: PropertyScope,
        /// Property name.
        name: String,
        /// Value (multi-line values joined with `\n`).
        value: String,
    },
    /// `Feature: X; Installed: ...; Request: ...; Action: ...` (and `Component:`).
    InstallState {
        /// Feature or component.
        item: StateItem,
        /// Feature/component name.
        name: String,
        /// Installed state.
        installed: String,
        /// Requested state.
        request: String,
        /// Resulting action.
        action: String,
    },
    /// `User policy value 'X' is N` / `Machine policy value 'X' is N`.
    Policy {
        /// User or machine policy.
        scope: PolicyScope,
        /// Policy name.
        name: String,
        /// Its value as written.
        value: String,
    },
    /// A line saying whether the install runs elevated, and why.
    Elevation {
        /// True when the line says the product runs with elevated privileges.
        elevated: bool,
        /// The reason the engine gave (`It's not assigned.`, `Product is assigned.`, ...).
        reason: String,
    },
    /// `MainEngineThread is returning N`.
    EngineReturn {
        /// The status the engine returned.
        code: u32,
    },
    /// `Product: X -- Installation failed.` / `Product: X -- Error 1310. ...`.
    ProductNotice {
        /// Product name.
        product: String,
        /// Text after ` -- `.
        text: String,
    },
    /// `Windows Installer installed the product. ... success or error status: N.` (and removal,
    /// reconfiguration), or event-log 1033/1034/1035.
    MsiOutcome(MsiOutcome),
    /// A WiX Burn log line.
    BurnMessage(BurnMessage),
    /// An event-log record (EVTX or XML export).
    EventRecord(Box<EventRecord>),
    /// A file system, registry, network or other operation (Process Monitor).
    Operation(Box<Operation>),
    /// A process started.
    ProcessStart(Box<ProcessStart>),
    /// A process described by a capture (process list, process columns), start not seen.
    ProcessInfo(Box<ProcessInfo>),
    /// A process exited.
    ProcessExit {
        /// Process id.
        pid: u32,
        /// Exit status, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<u32>,
    },
    /// An entry of a tool's own log (ConfigMgr and Intune client logs, package managers, product
    /// setup logs): its level, component and thread as the tool wrote them.
    LogEntry(Box<LogEntry>),
    /// A deployment tool saying how an installer it ran (or the tool itself) exited.
    DeploymentExit(Box<DeploymentExit>),
}

/// The large payloads of [`Kind`] are boxed, so that every event (most are small log lines)
/// stays small to move; these build a kind from a payload.
macro_rules! boxed_kind {
    ($($variant:ident),*) => {$(
        impl From<$variant> for Kind {
            fn from(payload: $variant) -> Self {
                Kind::$variant(Box::new(payload))
            }
        }
    )*};
}

boxed_kind!(
    EventRecord,
    Operation,
    ProcessStart,
    ProcessInfo,
    LogEntry,
    DeploymentExit
);

/// Start or end of one logging session in an MSI log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogBoundary {
    /// True for `started`, false for `stopped`.
    pub started: bool,
    /// True for `Verbose logging`, false for plain `Logging`.
    pub verbose: bool,
    /// The date exactly as written (its order depends on the machine's locale).
    pub date_text: String,
    /// Build type text, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// Calling process, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calling_process: Option<String>,
}

/// Phase of an installer action line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum ActionPhase {
    /// `Action start H:MM:SS: Name.`
    Start,
    /// `Action H:MM:SS: Name. Description` — the UI/progress announcement.
    Progress {
        /// Description text (localized; may be empty).
        text: String,
    },
    /// `Action ended H:MM:SS: Name. Return value N.`
    End {
        /// Return value: 0 not executed, 1 success, 2 user cancel, 3 failure, 4 suspended, ...
        return_value: u32,
    },
}

/// A numbered installer message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MsiMessage {
    /// Message number (`1920`, `2203`, ...).
    pub code: u32,
    /// How the log introduced it.
    pub level: MessageLevel,
    /// Positional arguments (`Note: 1: 2203 2: X 3: Y` gives `["X", "Y"]`; field 1 is `code`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// The message text after the number (may be empty).
    pub text: String,
}

/// How a numbered installer message was introduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageLevel {
    /// `Error NNNN.`
    Error,
    /// `Warning NNNN.`
    Warning,
    /// `Info NNNN.`
    Info,
    /// `DEBUG: Error NNNN:`
    Debug,
    /// `Internal Error NNNN.`
    Internal,
    /// `Note: 1: NNNN ...`
    Note,
}

/// Which engine side wrote a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyScope {
    /// `Property(C)`: the client.
    Client,
    /// `Property(S)`: the server (the elevated service).
    Server,
    /// `Property(N)`: a nested install.
    Nested,
    /// `PROPERTY CHANGE` lines.
    Change,
}

/// Feature or component state line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateItem {
    /// `Feature:`
    Feature,
    /// `Component:`
    Component,
}

/// User or machine policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyScope {
    /// `User policy value`
    User,
    /// `Machine policy value`
    Machine,
}

/// The end result of one installer transaction, as the installer itself states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MsiOutcome {
    /// What the transaction did.
    pub operation: InstallOperation,
    /// Product name.
    pub product: String,
    /// Product version, when stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Manufacturer, when stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    /// Language id, when stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Exit status (`0` success, `1603` fatal error, `1602` cancel, ...).
    pub status: u32,
}

/// What an installer transaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallOperation {
    /// A first install (or a reinstall of the whole product).
    Install,
    /// Uninstall.
    Removal,
    /// Maintenance: modify, repair, reconfigure.
    Reconfigure,
    /// Administrative install (`msiexec /a`).
    Admin,
    /// A patch (`.msp`) applied.
    Patch,
    /// Not known from the log.
    Unknown,
}

impl std::fmt::Display for InstallOperation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            InstallOperation::Install => "install",
            InstallOperation::Removal => "removal",
            InstallOperation::Reconfigure => "reconfiguration",
            InstallOperation::Admin => "administrative install",
            InstallOperation::Patch => "patch",
            InstallOperation::Unknown => "unknown operation",
        })
    }
}

/// A WiX Burn log line, with its typed meaning when it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BurnMessage {
    /// Message id (`i001` gives 1).
    pub id: u32,
    /// Level letter.
    pub level: BurnLevel,
    /// Message text after `iNNN: `.
    pub text: String,
    /// What the message means, when it is one the analysis uses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<BurnMeaning>,
}

/// Level of a Burn message (`i`, `w`, `e`, `d`, `s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BurnLevel {
    /// `i`
    Info,
    /// `w`
    Warning,
    /// `e`
    Error,
    /// `d`
    Debug,
    /// `s` (standard) or anything else.
    Standard,
}

/// Typed meanings of Burn messages used by the analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum BurnMeaning {
    /// `Burn vX, Windows vY, path: Z` (i001).
    Start {
        /// Burn engine version.
        engine: String,
        /// Bundle executable path.
        path: String,
    },
    /// `Detect/Plan/Apply/Elevate complete, result: 0x...`.
    PhaseComplete {
        /// Phase name as written (`Detect`, `Plan`, `Apply`, ...).
        phase: String,
        /// HRESULT result.
        result: u32,
    },
    /// `Error 0x...: text` lines.
    Error {
        /// The HRESULT.
        hresult: u32,
    },
    /// A package's result (`Applied execute package: X, result: 0x..., restart: ...`).
    PackageResult {
        /// Package id.
        package: String,
        /// HRESULT result.
        result: u32,
    },
    /// `The process for package: X exited with code: 0x...`.
    PackageExit {
        /// Package id.
        package: String,
        /// Exit code.
        code: u32,
    },
    /// A variable naming a package's log file (`WixBundleLog_<package>`).
    PackageLog {
        /// Package id.
        package: String,
        /// Log path as written.
        path: String,
        /// True for the rollback log.
        rollback: bool,
    },
    /// `Shutting down, exit code: 0x...` (i500) or `Exit code: 0x...`.
    Exit {
        /// Bundle exit code.
        code: u32,
    },
}

/// An event-log record (from EVTX or an XML export).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Channel (`Application`, `System`, ...).
    pub channel: String,
    /// Provider name (`MsiInstaller`, `Service Control Manager`, ...).
    pub provider: String,
    /// Event id (without qualifiers).
    pub event_id: u32,
    /// Qualifiers, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifiers: Option<u32>,
    /// Level (1 critical, 2 error, 3 warning, 4 information, ...).
    pub level: u8,
    /// Computer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computer: Option<String>,
    /// User SID, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_sid: Option<String>,
    /// Event data: named fields (`Some(name)`) or unnamed `<Data>` slots (`None`); `(NULL)` slots
    /// are `value: None`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<EventData>,
    /// Binary data, hex-encoded as in the XML rendering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary: Option<String>,
    /// The rendered message, when the input carries one (`<RenderingInfo><Message>` in Event
    /// Viewer exports; EVTX files hold no messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// What the record means for an installation, when msitrace knows
    /// (see [`crate::event::meaning`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meaning: Option<Box<crate::event::meaning::RecordMeaning>>,
}

impl EventRecord {
    /// One line naming the record and its data, for evidence and listings:
    /// `MsiInstaller 1033 [Application]: EMET 5.51 | 5.51 | 1033 | 1603 | Microsoft`.
    pub fn summary_line(&self) -> String {
        let mut s = format!("{} {} [{}]", self.provider, self.event_id, self.channel);
        let mut first = true;
        for d in &self.data {
            let Some(v) = d.value.as_deref().filter(|v| !v.is_empty()) else {
                continue;
            };
            s.push_str(if first { ": " } else { " | " });
            first = false;
            if let Some(n) = &d.name {
                s.push_str(n);
                s.push('=');
            }
            s.extend(
                v.chars()
                    .take(300)
                    .map(|c| if c.is_control() { ' ' } else { c }),
            );
            if s.len() > 1000 {
                s.push_str(" ...");
                break;
            }
        }
        s
    }
}

/// One data item of an event-log record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    /// Field name, for named fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Value; `None` for `(NULL)` or absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A Process Monitor operation (file, registry, network, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Event class.
    pub class: OperationClass,
    /// Operation name as written (`CreateFile`, `RegSetValue`, ...).
    pub name: String,
    /// Path as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The path normalised, with its known folder (`%TEMP%`, `HKLM`, ...), for rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<crate::paths::NormalPath>,
    /// Result as written (`SUCCESS`, `ACCESS DENIED`, `0xC0000022`, ...).
    pub result: String,
    /// The result as an NTSTATUS, when it is one (named or hex); `None` for an empty result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<NtStatus>,
    /// Detail fields parsed by their known keys, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail: Vec<(String, String)>,
    /// Call stack, innermost frame first, when the export carries one (XML with stacks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stack: Vec<StackFrame>,
}

impl Operation {
    /// The value of a detail field by its key (exact, as Process Monitor writes it).
    pub fn detail(&self, key: &str) -> Option<&str> {
        self.detail
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// An NTSTATUS result: its code when known, and its Process Monitor name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NtStatus {
    /// The NTSTATUS value (`0xC0000022` for ACCESS DENIED), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u32>,
    /// The name Process Monitor prints (`ACCESS DENIED`), or the hex text for unnamed codes.
    pub name: String,
}

impl NtStatus {
    /// True for `SUCCESS` (and other success-severity codes).
    pub fn is_success(&self) -> bool {
        match self.code {
            Some(c) => c >> 30 == 0,
            None => self.name == "SUCCESS",
        }
    }
}

/// One frame of a call stack (Process Monitor XML `<stack><frame>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackFrame {
    /// Depth, 0 for the innermost frame.
    pub depth: u32,
    /// Return address as written (`0xfffff8016b2a1234`).
    pub address: String,
    /// Module path, when resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Symbol and offset (`FltpPerformPreCallbacks + 0x2f3`), when resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// Process Monitor event class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationClass {
    /// File system.
    File,
    /// Registry.
    Registry,
    /// Process, thread and image.
    Process,
    /// Network.
    Network,
    /// Profiling.
    Profiling,
    /// Anything else.
    Other,
}

/// A process start with its parent and command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessStart {
    /// Process id.
    pub pid: u32,
    /// Parent process id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<u32>,
    /// Image path or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Command line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_line: Option<String>,
    /// Current directory at start, when known (Process Monitor `Process Start`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_directory: Option<String>,
    /// Account the process runs as (`NT AUTHORITY\SYSTEM`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Integrity level (`High`, `System`, ...), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
}

/// A process described by a capture without its start being seen: an entry of the Process Monitor
/// XML process list, or the per-row process columns of a CSV export the first time a process
/// appears (or when they change, which means the PID was reused).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessInfo {
    /// Process id.
    pub pid: u32,
    /// Parent process id, when the capture says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<u32>,
    /// Image file name (`msiexec.exe`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Full image path, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Command line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_line: Option<String>,
    /// Account, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Integrity level, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
}

/// One entry of a tool's own log, as the tool wrote it. The time is the event's; the text as read
/// (markup included) is in [`Event::raw`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// How serious the tool says the entry is (implied from the words when the form has no level).
    pub level: EntryLevel,
    /// The component that wrote it (`AppEnforce`, `ccmsetup`, `Execute-MSI`), when the form says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// Thread id, when the form says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<u32>,
    /// The message without markup; lines of a multi-line message joined with `\n`.
    pub message: String,
}

/// Level of a tool's log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryLevel {
    /// Debug or verbose output.
    Verbose,
    /// Information (CMTrace type 1).
    Info,
    /// A warning (CMTrace type 2).
    Warning,
    /// An error (CMTrace type 3).
    Error,
}

impl EntryLevel {
    /// `verbose`, `info`, `warning` or `error`.
    pub fn label(self) -> &'static str {
        match self {
            EntryLevel::Verbose => "verbose",
            EntryLevel::Info => "info",
            EntryLevel::Warning => "warning",
            EntryLevel::Error => "error",
        }
    }
}

/// A deployment tool's report of an exit status: which tool, the code, what the tool made of it,
/// and what was run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeploymentExit {
    /// The tool that reported it.
    pub tool: DeploymentTool,
    /// The exit code (negative decimals and HRESULTs as their 32-bit pattern).
    pub code: u32,
    /// What the tool concluded, when it says (an exit-code table entry, "was not successful");
    /// `None` when the line gives only the number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<ExitVerdict>,
    /// The package, application or feature it was about, when named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The command line that exited (an `msiexec` call, a setup program), when the log names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_line: Option<String>,
    /// The Windows Installer log that run wrote (`/l*v <path>`, a component log), when named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msi_log: Option<String>,
}

impl DeploymentExit {
    /// The verdict: the tool's own, else the code read as a Windows Installer exit status
    /// (0, 3010 and 1641 are never failures).
    pub fn effective_verdict(&self) -> ExitVerdict {
        let by_code = match crate::codes::classify_exit(self.code) {
            crate::codes::OutcomeClass::Success => ExitVerdict::Success,
            crate::codes::OutcomeClass::RebootRequired => ExitVerdict::RebootRequired,
            crate::codes::OutcomeClass::Cancelled | crate::codes::OutcomeClass::Failure => {
                ExitVerdict::Failure
            }
        };
        match (self.verdict, by_code) {
            // Success codes stay successes whatever the tool's table says.
            (_, ExitVerdict::Success | ExitVerdict::RebootRequired) => by_code,
            (Some(v), _) => v,
            (None, v) => v,
        }
    }
}

/// The tools that run installers and log their exit statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentTool {
    /// Configuration Manager client (ccmsetup, AppEnforce, execmgr).
    ConfigMgr,
    /// Intune Management Extension (Win32 apps, AgentExecutor).
    Intune,
    /// PSAppDeployToolkit.
    PsAppDeployToolkit,
    /// Chocolatey.
    Chocolatey,
    /// winget (Windows Package Manager).
    Winget,
    /// PowerShell: DSC package resources, Install-Package, Start-Process.
    PowerShell,
    /// Ansible `win_package` / `win_chocolatey`.
    Ansible,
    /// Puppet package resources.
    Puppet,
    /// Chef package resources.
    Chef,
    /// SQL Server Setup.
    SqlServerSetup,
    /// Visual Studio Installer.
    VisualStudioSetup,
    /// The setup chainer of .NET Framework, Visual C++ runtimes and other Microsoft redistributables.
    SetupChainer,
    /// Another tool.
    Other,
}

impl DeploymentTool {
    /// The tool's name as people write it.
    pub fn label(self) -> &'static str {
        match self {
            DeploymentTool::ConfigMgr => "Configuration Manager",
            DeploymentTool::Intune => "Intune Management Extension",
            DeploymentTool::PsAppDeployToolkit => "PSAppDeployToolkit",
            DeploymentTool::Chocolatey => "Chocolatey",
            DeploymentTool::Winget => "winget",
            DeploymentTool::PowerShell => "PowerShell",
            DeploymentTool::Ansible => "Ansible",
            DeploymentTool::Puppet => "Puppet",
            DeploymentTool::Chef => "Chef",
            DeploymentTool::SqlServerSetup => "SQL Server Setup",
            DeploymentTool::VisualStudioSetup => "Visual Studio Installer",
            DeploymentTool::SetupChainer => "setup chainer",
            DeploymentTool::Other => "deployment tool",
        }
    }
}

/// What a tool made of an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitVerdict {
    /// Success.
    Success,
    /// Success; a restart completes it.
    RebootRequired,
    /// The tool will try again (a retry entry of an exit-code table).
    Retry,
    /// Failure.
    Failure,
}
