//! The payloads of events read from event logs, captures and the tools around the installer:
//! records, file and registry operations, processes, tool log entries and exit statuses.

use serde::{Deserialize, Serialize};

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
