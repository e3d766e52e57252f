//! What an event is ([`Kind`]) and the payloads of the installer's and bundle engine's events.

use super::*;
use serde::{Deserialize, Serialize};

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
    /// An event-log record (EVTX or XML export). Shared: the event-log analysis keeps the records
    /// that explain an installation both as events and in its lists of facts.
    EventRecord(std::sync::Arc<EventRecord>),
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

impl Kind {
    /// Every kind's name, as [`Kind::name`] gives it.
    pub const NAMES: &'static [&'static str] = &[
        "text",
        "msi_log_boundary",
        "msi_action",
        "custom_action_result",
        "msi_message",
        "property",
        "install_state",
        "policy",
        "elevation",
        "engine_return",
        "product_notice",
        "msi_outcome",
        "burn_message",
        "event_record",
        "operation",
        "process_start",
        "process_info",
        "process_exit",
        "log_entry",
        "deployment_exit",
    ];

    /// The kind's one name, shared by the JSON reports (its `type`), rule files (`kind = ...`) and
    /// every report that shows it.
    ///
    /// ```
    /// use msitrace::Kind;
    /// assert_eq!(Kind::Text.name(), "text");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::MsiLogBoundary(_) => "msi_log_boundary",
            Kind::MsiAction { .. } => "msi_action",
            Kind::CustomActionResult { .. } => "custom_action_result",
            Kind::MsiMessage(_) => "msi_message",
            Kind::Property { .. } => "property",
            Kind::InstallState { .. } => "install_state",
            Kind::Policy { .. } => "policy",
            Kind::Elevation { .. } => "elevation",
            Kind::EngineReturn { .. } => "engine_return",
            Kind::ProductNotice { .. } => "product_notice",
            Kind::MsiOutcome(_) => "msi_outcome",
            Kind::BurnMessage(_) => "burn_message",
            Kind::EventRecord(_) => "event_record",
            Kind::Operation(_) => "operation",
            Kind::ProcessStart(_) => "process_start",
            Kind::ProcessInfo(_) => "process_info",
            Kind::ProcessExit { .. } => "process_exit",
            Kind::LogEntry(_) => "log_entry",
            Kind::DeploymentExit(_) => "deployment_exit",
        }
    }
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

impl From<EventRecord> for Kind {
    fn from(payload: EventRecord) -> Self {
        Kind::EventRecord(std::sync::Arc::new(payload))
    }
}

boxed_kind!(
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

#[cfg(test)]
mod kind_name_tests {
    use super::*;

    /// The serialized `type` of a kind.
    fn serde_name(kind: &Kind) -> String {
        serde_json::to_value(kind).unwrap()["type"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_name_is_the_serialized_type() {
        let kinds = [
            Kind::Text,
            Kind::CustomActionResult {
                action: "CA".into(),
                code: 1603,
                translated_to_success: false,
            },
            Kind::MsiAction {
                name: "InstallFiles".into(),
                phase: ActionPhase::Start,
            },
            Kind::EngineReturn { code: 3 },
        ];
        for kind in &kinds {
            assert_eq!(kind.name(), serde_name(kind));
            assert!(Kind::NAMES.contains(&kind.name()));
        }
    }

    #[test]
    fn names_are_distinct() {
        let mut names = Kind::NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Kind::NAMES.len());
    }
}
