//! Typed meanings of the event-log records that explain installations.
//!
//! [`interpret`] looks at an [`EventRecord`]'s provider, event id and data and says what the record
//! means, in the domain's words: an installer transaction ended with a status, a service failed
//! to start with a Win32 error, an installer process crashed, a policy blocked a file. Records
//! msitrace has no rule for get no meaning (their raw fields stay in the record).
//!
//! The same function serves EVTX files and XML exports, so both give the same meaning. The
//! providers of interest are listed in [`is_provider_of_interest`]; the EVTX source decodes
//! fully only records of those providers when asked to keep just what matters.
//!
//! ```
//! use msitrace::event::{EventData, EventRecord};
//! use msitrace::event::meaning::{interpret, RecordMeaning};
//! let data = |v: &str| EventData { name: None, value: Some(v.into()) };
//! let record = EventRecord {
//!     channel: "Application".into(), provider: "MsiInstaller".into(), event_id: 1033,
//!     qualifiers: Some(0), level: 4, computer: None, user_sid: None,
//!     data: vec![data("EMET 5.51"), data("5.51"), data("1033"), data("1603"), data("Microsoft")],
//!     binary: None, message: None, meaning: None,
//! };
//! let Some(RecordMeaning::InstallerOutcome(o)) = interpret(&record) else { panic!() };
//! assert_eq!((o.product.as_str(), o.status), ("EMET 5.51", 1603));
//! ```

use crate::codes::{self, CodeScope};
use crate::event::{EventData, EventRecord, InstallOperation, MsiOutcome};
use serde::{Deserialize, Serialize};

/// What an event-log record means for an installation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum RecordMeaning {
    /// MsiInstaller 1033/1034/1035/1036/1037: a transaction ended with a status.
    InstallerOutcome(MsiOutcome),
    /// MsiInstaller 1038: the product needs a restart.
    InstallerRestartRequired {
        /// Product name.
        product: String,
        /// Restart type and reason, as written.
        reason: String,
    },
    /// MsiInstaller 1040 (begin) / 1042 (end): an installer transaction and its client process.
    InstallerTransaction {
        /// True for the beginning (1040), false for the end (1042).
        begin: bool,
        /// What the transaction is about (package path, product name or ProductCode).
        target: String,
        /// The process that asked for the install.
        #[serde(skip_serializing_if = "Option::is_none")]
        client_pid: Option<u32>,
    },
    /// MsiInstaller 10000–19999: installer message `id - 10000` about a product (`Product: X --
    /// Installation failed.`); 11707/11708/11724/11725/11728/11729 are the completion messages.
    InstallerMessage {
        /// Installer message number (11708 gives 1708).
        message: u32,
        /// Product name.
        product: String,
        /// Text after `Product: X -- `.
        text: String,
        /// True for 11708, 11725, 11729 and other messages saying the transaction failed.
        failed: bool,
        /// ProductCode read from the record's binary data.
        #[serde(skip_serializing_if = "Option::is_none")]
        product_code: Option<String>,
    },
    /// MsiInstaller 1007/1008: a policy forbade the install.
    InstallerPolicyBlock {
        /// The package or product named.
        target: String,
    },
    /// MsiInstaller 1005, 1013, 1015, 1029 and other notices whose text is the first data field.
    InstallerNotice {
        /// The record's text.
        text: String,
    },
    /// Service Control Manager 7000/7001/7009/7011/7022/7023/7024/7031/7032/7034/7038/7041:
    /// a service failed to start, stopped with an error, hung, or could not log on.
    ServiceFailure(ServiceFailure),
    /// Service Control Manager 7026: boot or system drivers failed to load.
    DriversFailed {
        /// The driver names, as listed.
        drivers: String,
    },
    /// Service Control Manager 7045: a service was installed.
    ServiceInstalled {
        /// Service name.
        service: String,
        /// Image path.
        #[serde(skip_serializing_if = "Option::is_none")]
        image: Option<String>,
        /// Start type.
        #[serde(skip_serializing_if = "Option::is_none")]
        start_type: Option<String>,
        /// Account.
        #[serde(skip_serializing_if = "Option::is_none")]
        account: Option<String>,
    },
    /// Application Error 1000, Application Hang 1002, .NET Runtime 1026: a process crashed or hung.
    ProcessCrash(ProcessCrash),
    /// Windows Error Reporting 1001: a problem report (crash, hang, installer or update failure).
    ErrorReport {
        /// Event name (`APPCRASH`, `WindowsUpdateFailure3`, `MsiInstallerFailure`, ...).
        event_name: String,
        /// Problem signature P1 (usually the application or package).
        #[serde(skip_serializing_if = "Option::is_none")]
        p1: Option<String>,
    },
    /// RestartManager 10000/10001/10005/10010.
    RestartManager {
        /// What the record says.
        step: RestartStep,
        /// Session number.
        #[serde(skip_serializing_if = "Option::is_none")]
        session: Option<String>,
        /// The application named (10010).
        #[serde(skip_serializing_if = "Option::is_none")]
        application: Option<String>,
    },
    /// SideBySide 33/59/63: an activation context (manifest, runtime) could not be built.
    SideBySide {
        /// The record's text fields joined.
        text: String,
    },
    /// AppLocker 8004/8007, CodeIntegrity 3033/3077: a file was prevented from running or loading.
    Blocked {
        /// Who blocked it.
        by: Blocker,
        /// The file.
        path: String,
        /// The process that tried to load it, when named.
        #[serde(skip_serializing_if = "Option::is_none")]
        process: Option<String>,
    },
    /// Defender 1006–1012, 1116–1119, 1127: malware detection, action or failure.
    Defender {
        /// Threat name, when named.
        #[serde(skip_serializing_if = "Option::is_none")]
        threat: Option<String>,
        /// Path, when named.
        #[serde(skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        /// True for records saying an action failed (1008, 1118, 1119).
        failed: bool,
    },
    /// Windows Update client 20/31: an update failed to install or download.
    UpdateFailed {
        /// Update title.
        #[serde(skip_serializing_if = "Option::is_none")]
        update: Option<String>,
        /// Error code (HRESULT).
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<ErrorRef>,
    },
}

/// A service problem reported by the Service Control Manager.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceFailure {
    /// What went wrong.
    pub failure: ServiceFailureKind,
    /// Service display name.
    pub service: String,
    /// The error, with `%%NNNN` resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorRef>,
    /// The account (logon failures) or the dependency (7001), when named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The kind of service problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceFailureKind {
    /// 7000: failed to start.
    StartFailed,
    /// 7001: a dependency failed to start.
    DependencyFailed,
    /// 7009/7011: a timeout waiting for the service.
    Timeout,
    /// 7022: hung on starting.
    Hung,
    /// 7023/7024: terminated with an error.
    TerminatedWithError,
    /// 7031/7034: terminated unexpectedly.
    TerminatedUnexpectedly,
    /// 7032: the recovery action failed.
    RecoveryFailed,
    /// 7038/7041: could not log on.
    LogonFailed,
}

/// A Win32 error or HRESULT as an event wrote it, resolved to a meaning when known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRef {
    /// The value as written (`%%1053`, `0x80070643`, text).
    pub written: String,
    /// The code, when numeric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u32>,
    /// What the code means, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<String>,
}

impl ErrorRef {
    /// Read `%%NNNN` (an insertion reference to a system message), a decimal or `0x` hex code,
    /// or keep text as written.
    ///
    /// ```
    /// let e = msitrace::event::meaning::ErrorRef::parse("%%1053");
    /// assert_eq!(e.code, Some(1053));
    /// assert!(e.meaning.unwrap().contains("did not respond"));
    /// ```
    pub fn parse(written: &str) -> Self {
        let t = written.trim();
        let digits = t.strip_prefix("%%").unwrap_or(t);
        let code = if let Some(hex) = digits
            .strip_prefix("0x")
            .or_else(|| digits.strip_prefix("0X"))
        {
            u32::from_str_radix(hex, 16).ok()
        } else {
            digits
                .parse::<u32>()
                .ok()
                .or_else(|| digits.parse::<i32>().ok().map(|v| v as u32))
        };
        let meaning = code.and_then(describe_code);
        ErrorRef {
            written: t.to_string(),
            code,
            meaning,
        }
    }

    /// `1053 (The service did not respond ...)` or the text as written.
    pub fn display(&self) -> String {
        match (&self.code, &self.meaning) {
            (Some(c), Some(m)) if *c > 0xFFFF => m.to_string(),
            (Some(c), Some(m)) => format!("Win32 error {c} ({m})"),
            (Some(c), None) => format!("error {c}"),
            _ => self.written.clone(),
        }
    }
}

fn describe_code(code: u32) -> Option<String> {
    if code > 0xFFFF {
        return Some(codes::describe_hresult(code));
    }
    codes::lookup(CodeScope::Win32, code)
        .or_else(|| codes::lookup(CodeScope::Exit, code))
        .map(|c| c.title.to_string())
}

/// A process crash or hang.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessCrash {
    /// True for a hang (Application Hang 1002), false for a crash.
    pub hang: bool,
    /// Image name (`msiexec.exe`).
    pub image: String,
    /// Image version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Faulting module.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// Exception code (`0xc0000005`) or .NET exception.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    /// Process id, when written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// Full image path, when written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl ProcessCrash {
    /// True when the process is part of an installation (Windows Installer, a setup program,
    /// a custom-action host, a WiX bundle).
    pub fn is_installer_process(&self) -> bool {
        let l = self.image.to_ascii_lowercase();
        let p = self.path.as_deref().unwrap_or("").to_ascii_lowercase();
        l == "msiexec.exe"
            || l.contains("setup")
            || l.contains("install")
            || l.ends_with(".tmp")
            || l == "rundll32.exe" && p.contains("\\installer\\")
            || p.contains("\\package cache\\")
            || p.contains("\\windows\\installer\\")
    }
}

/// Who blocked a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocker {
    /// AppLocker policy.
    AppLocker,
    /// Code Integrity (driver or image signing policy).
    CodeIntegrity,
}

/// A RestartManager step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestartStep {
    /// 10000: session started.
    SessionStart,
    /// 10001: session ended.
    SessionEnd,
    /// 10005: a machine restart is required.
    RestartRequired,
    /// 10010: an application cannot be restarted.
    CannotRestart,
}

/// Providers whose records [`interpret`] knows (compared case-insensitively).
pub const PROVIDERS_OF_INTEREST: &[&str] = &[
    "MsiInstaller",
    "Service Control Manager",
    "Application Error",
    "Application Hang",
    "Windows Error Reporting",
    ".NET Runtime",
    "Microsoft-Windows-RestartManager",
    "SideBySide",
    "Microsoft-Windows-AppLocker",
    "Microsoft-Windows-Windows Defender",
    "Microsoft-Windows-CodeIntegrity",
    "Microsoft-Windows-WindowsUpdateClient",
];

/// True when records of this provider can explain an installation (see [`PROVIDERS_OF_INTEREST`]).
pub fn is_provider_of_interest(provider: &str) -> bool {
    PROVIDERS_OF_INTEREST
        .iter()
        .any(|p| p.eq_ignore_ascii_case(provider))
}

/// True when a record of this provider and event id can explain an installation: the records
/// [`interpret`] gives a meaning to, and every MsiInstaller record.
///
/// ```
/// use msitrace::event::meaning::is_record_of_interest;
/// assert!(is_record_of_interest("Service Control Manager", 7000));
/// assert!(!is_record_of_interest("Service Control Manager", 7036));
/// assert!(is_record_of_interest("MsiInstaller", 1042));
/// ```
pub fn is_record_of_interest(provider: &str, id: u32) -> bool {
    let eq = |name: &str| provider.eq_ignore_ascii_case(name);
    if eq("MsiInstaller") {
        true
    } else if eq("Service Control Manager") {
        matches!(
            id,
            7000 | 7001
                | 7009
                | 7011
                | 7022
                | 7023
                | 7024
                | 7026
                | 7031
                | 7032
                | 7034
                | 7038
                | 7041
                | 7045
        )
    } else if eq("Application Error") {
        id == 1000
    } else if eq("Application Hang") {
        id == 1002
    } else if eq("Windows Error Reporting") {
        id == 1001
    } else if eq(".NET Runtime") {
        id == 1026
    } else if eq("Microsoft-Windows-RestartManager") {
        matches!(id, 10000 | 10001 | 10005 | 10010)
    } else if eq("SideBySide") {
        matches!(id, 33 | 59 | 63)
    } else if eq("Microsoft-Windows-AppLocker") {
        matches!(id, 8004 | 8007)
    } else if eq("Microsoft-Windows-Windows Defender") {
        matches!(id, 1006..=1012 | 1116..=1119 | 1127)
    } else if eq("Microsoft-Windows-CodeIntegrity") {
        matches!(id, 3033 | 3077)
    } else if eq("Microsoft-Windows-WindowsUpdateClient") {
        matches!(id, 20 | 31)
    } else {
        false
    }
}

/// The typed meaning of a record, when msitrace has a rule for it.
pub fn interpret(r: &EventRecord) -> Option<RecordMeaning> {
    let p = r.provider.as_str();
    let id = r.event_id;
    let eq = |name: &str| p.eq_ignore_ascii_case(name);
    if eq("MsiInstaller") {
        msi(r)
    } else if eq("Service Control Manager") {
        scm(r)
    } else if eq("Application Error") && id == 1000 {
        Some(RecordMeaning::ProcessCrash(ProcessCrash {
            hang: false,
            image: field(r, 0, "AppName")?.to_string(),
            version: field(r, 1, "AppVersion").map(str::to_string),
            module: field(r, 3, "ModuleName").map(str::to_string),
            exception: field(r, 6, "ExceptionCode").map(exception_code),
            pid: field(r, 8, "ProcessId").and_then(hex_or_decimal),
            path: field(r, 10, "AppPath").map(str::to_string),
        }))
    } else if eq("Application Hang") && id == 1002 {
        Some(RecordMeaning::ProcessCrash(ProcessCrash {
            hang: true,
            image: field(r, 0, "AppName")?.to_string(),
            version: field(r, 1, "AppVersion").map(str::to_string),
            module: None,
            exception: None,
            // Application Hang writes the process id in hex without `0x`.
            pid: field(r, 2, "ProcessId")
                .and_then(|v| u32::from_str_radix(v.trim().trim_start_matches("0x"), 16).ok()),
            path: field(r, 5, "AppPath").map(str::to_string),
        }))
    } else if eq(".NET Runtime") && id == 1026 {
        let text = field(r, 0, "")?;
        let line = |key: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_string()))
        };
        Some(RecordMeaning::ProcessCrash(ProcessCrash {
            hang: false,
            image: line("Application:").unwrap_or_default(),
            version: line("Framework Version:"),
            module: None,
            exception: line("Exception Info:"),
            pid: None,
            path: None,
        }))
    } else if eq("Windows Error Reporting") && id == 1001 {
        Some(RecordMeaning::ErrorReport {
            event_name: field(r, 2, "EventName")?.to_string(),
            p1: field(r, 5, "P1").map(str::to_string),
        })
    } else if eq("Microsoft-Windows-RestartManager") {
        let step = match id {
            10000 => RestartStep::SessionStart,
            10001 => RestartStep::SessionEnd,
            10005 => RestartStep::RestartRequired,
            10010 => RestartStep::CannotRestart,
            _ => return None,
        };
        Some(RecordMeaning::RestartManager {
            step,
            session: field(r, 0, "RmSessionId").map(str::to_string),
            application: (id == 10010)
                .then(|| field(r, 1, "FullPath").or(field(r, 0, "")))
                .flatten()
                .map(str::to_string),
        })
    } else if eq("SideBySide") && matches!(id, 33 | 59 | 63) {
        Some(RecordMeaning::SideBySide {
            text: values(r).collect::<Vec<_>>().join(" | "),
        })
    } else if eq("Microsoft-Windows-AppLocker") && matches!(id, 8004 | 8007) {
        Some(RecordMeaning::Blocked {
            by: Blocker::AppLocker,
            path: named(r, "FullFilePath")
                .or(named(r, "FilePath"))
                .unwrap_or("")
                .to_string(),
            process: None,
        })
    } else if eq("Microsoft-Windows-CodeIntegrity") && matches!(id, 3033 | 3077) {
        Some(RecordMeaning::Blocked {
            by: Blocker::CodeIntegrity,
            path: named(r, "File Name")
                .or(named(r, "FileNameBuffer"))
                .unwrap_or("")
                .to_string(),
            process: named(r, "Process Name")
                .or(named(r, "ProcessNameBuffer"))
                .map(str::to_string),
        })
    } else if eq("Microsoft-Windows-Windows Defender")
        && matches!(id, 1006..=1012 | 1116..=1119 | 1127)
    {
        Some(RecordMeaning::Defender {
            threat: named(r, "Threat Name").map(str::to_string),
            path: named(r, "Path").map(str::to_string),
            failed: matches!(id, 1008 | 1118 | 1119),
        })
    } else if eq("Microsoft-Windows-WindowsUpdateClient") && matches!(id, 20 | 31) {
        Some(RecordMeaning::UpdateFailed {
            update: named(r, "updateTitle").map(str::to_string),
            error: named(r, "errorCode").map(ErrorRef::parse),
        })
    } else {
        None
    }
}

fn msi(r: &EventRecord) -> Option<RecordMeaning> {
    let id = r.event_id;
    let text = || field(r, 0, "").unwrap_or("").to_string();
    Some(match id {
        1033..=1037 => {
            let (operation, status_at, manufacturer_at) = match id {
                1033 => (InstallOperation::Install, 3, 4),
                1034 => (InstallOperation::Removal, 3, 4),
                1035 => (InstallOperation::Reconfigure, 3, 4),
                _ => (InstallOperation::Patch, 4, 5),
            };
            RecordMeaning::InstallerOutcome(MsiOutcome {
                operation,
                product: field(r, 0, "")?.to_string(),
                version: field(r, 1, "").map(str::to_string),
                language: field(r, 2, "").map(str::to_string),
                status: field(r, status_at, "")?.trim().parse().ok()?,
                manufacturer: field(r, manufacturer_at, "").map(str::to_string),
            })
        }
        1038 => RecordMeaning::InstallerRestartRequired {
            product: field(r, 0, "")?.to_string(),
            reason: [3, 5]
                .iter()
                .filter_map(|&i| field(r, i, ""))
                .collect::<Vec<_>>()
                .join("; "),
        },
        1040 | 1042 => RecordMeaning::InstallerTransaction {
            begin: id == 1040,
            target: field(r, 0, "")?.to_string(),
            client_pid: field(r, 1, "").and_then(|v| v.trim().parse().ok()),
        },
        1007 | 1008 => RecordMeaning::InstallerPolicyBlock {
            target: policy_target(&text()),
        },
        10000..=19999 => {
            let t = text();
            let rest = t
                .strip_prefix("Product: ")
                .or_else(|| after_product_label(&t))?;
            let (product, said) = rest.split_once(" -- ")?;
            let message = id - 10000;
            RecordMeaning::InstallerMessage {
                message,
                product: product.to_string(),
                text: said.trim().to_string(),
                failed: matches!(message, 1708 | 1725 | 1729)
                    || said.trim_start().starts_with("Error ")
                    || said.contains(" failed.")
                    // Installer errors are logged at level Error, whatever the language
                    // (the success completions are never failures).
                    || matches!(r.level, 1 | 2) && !matches!(message, 1707 | 1724 | 1728),
                product_code: r.binary.as_deref().and_then(product_code_from_binary),
            }
        }
        1005 | 1013 | 1015 | 1029 => RecordMeaning::InstallerNotice { text: text() },
        _ => return None,
    })
}

/// The text after the product label of an installer notice written in another language
/// (`Produkt: X -- ...`, `Produit : X -- ...`, `製品: X -- ...`): one word, then a colon.
fn after_product_label(text: &str) -> Option<&str> {
    let at = text.find([':', '：'])?;
    let word = text[..at].trim_end();
    if word.is_empty() || word.chars().count() > 24 || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    let colon = text[at..].chars().next()?.len_utf8();
    Some(text[at + colon..].trim_start())
}

/// The package named by `The installation of X is not permitted ...`.
fn policy_target(text: &str) -> String {
    text.strip_prefix("The installation of ")
        .and_then(|r| r.split(" is not permitted").next())
        .unwrap_or(text)
        .trim()
        .to_string()
}

fn scm(r: &EventRecord) -> Option<RecordMeaning> {
    use ServiceFailureKind as K;
    let id = r.event_id;
    let p = |i: usize| field(r, i, &format!("param{}", i + 1)).map(str::to_string);
    let failure = |failure, service: Option<String>, error: Option<String>, detail| {
        Some(RecordMeaning::ServiceFailure(ServiceFailure {
            failure,
            service: service?,
            error: error.as_deref().map(ErrorRef::parse),
            detail,
        }))
    };
    match id {
        7000 => failure(K::StartFailed, p(0), p(1), None),
        7001 => failure(K::DependencyFailed, p(0), p(2), p(1)),
        7009 | 7011 => failure(K::Timeout, p(1), None, p(0).map(|ms| format!("{ms} ms"))),
        7022 => failure(K::Hung, p(0), None, None),
        7023 | 7024 => failure(K::TerminatedWithError, p(0), p(1), None),
        7031 | 7034 => failure(
            K::TerminatedUnexpectedly,
            p(0),
            None,
            p(1).map(|n| format!("{n} time(s)")),
        ),
        7032 => failure(K::RecoveryFailed, p(1), p(2), p(0)),
        7038 => failure(K::LogonFailed, p(0), p(2), p(1)),
        7041 => failure(K::LogonFailed, p(0), Some("%%1385".to_string()), p(1)),
        7026 => Some(RecordMeaning::DriversFailed { drivers: p(0)? }),
        7045 => Some(RecordMeaning::ServiceInstalled {
            service: named(r, "ServiceName").or(field(r, 0, ""))?.to_string(),
            image: named(r, "ImagePath")
                .or(field(r, 1, ""))
                .map(str::to_string),
            start_type: named(r, "StartType")
                .or(field(r, 3, ""))
                .map(str::to_string),
            account: named(r, "AccountName")
                .or(field(r, 4, ""))
                .map(str::to_string),
        }),
        _ => None,
    }
}

/// The value of a named data field.
fn named<'r>(r: &'r EventRecord, name: &str) -> Option<&'r str> {
    r.data
        .iter()
        .find(|d| d.name.as_deref() == Some(name))
        .and_then(|d| d.value.as_deref())
}

/// A data field by name when the record names its fields, else by position.
fn field<'r>(r: &'r EventRecord, index: usize, name: &str) -> Option<&'r str> {
    let named_fields = r.data.iter().any(|d| d.name.is_some());
    let d: Option<&EventData> = if named_fields && !name.is_empty() {
        r.data
            .iter()
            .find(|d| d.name.as_deref() == Some(name))
            .or_else(|| r.data.get(index))
    } else {
        r.data.get(index)
    };
    d.and_then(|d| d.value.as_deref())
}

fn values(r: &EventRecord) -> impl Iterator<Item = &str> {
    r.data
        .iter()
        .filter_map(|d| d.value.as_deref())
        .filter(|v| !v.is_empty())
}

fn hex_or_decimal(v: &str) -> Option<u32> {
    let v = v.trim();
    match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16).ok(),
        None => v.parse().ok(),
    }
}

fn exception_code(v: &str) -> String {
    let v = v.trim();
    if v.starts_with("0x") {
        v.to_string()
    } else {
        format!("0x{v}")
    }
}

/// Decode a ProductCode that MsiInstaller stores hex-encoded (ASCII) in the binary data.
///
/// ```
/// let hex = "7B41383630384530462D353642382D343635432D413736322D3836443638464634464337327D";
/// assert_eq!(
///     msitrace::event::meaning::product_code_from_binary(hex).as_deref(),
///     Some("{A8608E0F-56B8-465C-A762-86D68FF4FC72}")
/// );
/// ```
pub fn product_code_from_binary(hex: &str) -> Option<String> {
    let hex = hex.trim();
    if hex.len() % 2 != 0 || hex.len() > 4096 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    let bytes = bytes?;
    // ASCII, or UTF-16LE on some systems.
    let text: String = if bytes.len() > 1 && bytes[1] == 0 {
        bytes
            .chunks(2)
            .map(|c| c[0] as char)
            .filter(|c| *c != '\0')
            .collect()
    } else {
        bytes
            .iter()
            .map(|&b| b as char)
            .filter(|c| *c != '\0')
            .collect()
    };
    let t = text.trim();
    (t.len() == 38
        && t.starts_with('{')
        && t.ends_with('}')
        && t[1..37].chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
    .then(|| t.to_string())
}
