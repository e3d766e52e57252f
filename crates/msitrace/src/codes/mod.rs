//! Knowledge of Windows Installer, system and event-log codes, as data (`data/codes/*.tsv`).
//!
//! The same number can mean different things: 1603 as an exit status is "fatal error", while
//! `Info 1603.` is a file-in-use message. Lookups therefore say which [`CodeScope`] they ask for,
//! and [`explain`] returns every meaning a number has.
//!
//! - [`lookup`], [`all`], [`lookup_name`]: the entries of the knowledge base;
//! - [`explain`] and its [`Explanation`] (with a plain-text `Display`): what `msitrace explain`
//!   prints for `1603`, `0x80070643`, `-2147287035` or `ACCESS DENIED`;
//! - [`explain_message`]: an installer message with its arguments filled in and error values
//!   decoded, for `Note: 1: 2203 2: C:\x.msi 3: -2147287035`;
//! - [`message_text`], [`format_message`], [`match_message`]: every Windows Installer message as
//!   the SDK words it and as logs print it, filled in or read back into its fields;
//! - [`HResult`], [`NtStatus`]: the bit layout of any 32-bit status, named or not;
//! - [`classify_exit`], [`exit_meaning`]: reading an exit status;
//! - [`facility`], [`hresult_part`], [`http_status`]: how any HRESULT is read (facility, the part
//!   of the component, the HTTP status of facility HTTP);
//! - [`wer_report_type`]: what a Windows Error Reporting event name means ([`WerKind`]: crash,
//!   hang, memory leak, update failure ...);
//! - [`procmon_result`], [`event_meaning`], [`win32_meaning`]: lookups in the words other
//!   inputs use (a Process Monitor Result text, an event provider and id, a Win32 code).
//!
//! The data format is described in [`data`] and `docs/codes.md`. Neighbours: the analysis uses
//! these entries to title findings and to skip routine messages ([`is_noise_message`]).
//!
//! ```
//! use msitrace::codes::{lookup, CodeScope};
//! assert_eq!(lookup(CodeScope::Exit, 1618).unwrap().category, "concurrency");
//! assert!(lookup(CodeScope::Message, 2826).unwrap().noise);
//! assert_eq!(lookup(CodeScope::NtStatus, 0xC000_0022).unwrap().names[1], "ACCESS DENIED");
//! ```

pub mod data;
mod explain;
mod facility;
mod message;
mod status;
mod text;
mod wer;

pub use data::DataError;
pub use explain::{explain, Explanation, Meaning, QueryForm};
pub use facility::{all_facilities, facility, hresult_part, http_status, Facility, HResultPart};
pub use message::{describe_error_value, explain_message};
pub use status::{hresult_facility_name, hresult_from_decimal, HResult, NtSeverity, NtStatus};
pub use text::{
    coverage, format_message, format_template, match_message, message_text, message_texts,
    Coverage, MessageMatch, MessageText, MESSAGE_RANGES,
};
pub use wer::{wer_report_type, wer_report_types, WerKind, WerReportType};

use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// What kind of number a code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeScope {
    /// A Windows Installer exit status (what `msiexec` returns).
    Exit,
    /// A Windows Installer message number (`Error 1920.`, `Note: 1: 2203`).
    Message,
    /// A Win32 system error code.
    Win32,
    /// An HRESULT (`0x80070643`; logged in decimal as `-2147023293`).
    #[serde(rename = "hresult")]
    HResult,
    /// An NTSTATUS value, as Process Monitor shows in its Result column (`ACCESS DENIED`).
    #[serde(rename = "ntstatus")]
    NtStatus,
    /// An event id of the MsiInstaller event-log provider.
    MsiEvent,
    /// An event id of the Service Control Manager event-log provider.
    ScmEvent,
}

impl CodeScope {
    /// Every scope, in display order.
    pub const ALL: [CodeScope; 7] = [
        CodeScope::Exit,
        CodeScope::Message,
        CodeScope::Win32,
        CodeScope::HResult,
        CodeScope::NtStatus,
        CodeScope::MsiEvent,
        CodeScope::ScmEvent,
    ];

    /// The heading used in plain text (`Exit status`, `Installer message`, ...).
    pub fn label(self) -> &'static str {
        match self {
            CodeScope::Exit => "Exit status",
            CodeScope::Message => "Installer message",
            CodeScope::Win32 => "Win32 error",
            CodeScope::HResult => "HRESULT",
            CodeScope::NtStatus => "NTSTATUS",
            CodeScope::MsiEvent => "MsiInstaller event",
            CodeScope::ScmEvent => "Service Control Manager event",
        }
    }
}

impl fmt::Display for CodeScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What msitrace knows about one code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeInfo {
    /// Which kind of number.
    pub scope: CodeScope,
    /// The number.
    pub code: u32,
    /// True for routine chatter that is never a cause.
    pub noise: bool,
    /// Category used by findings (`file_access`, `service`, ...).
    pub category: &'static str,
    /// Short meaning.
    pub title: &'static str,
    /// What to do about it.
    pub remedy: &'static str,
    /// Symbolic names: `ERROR_INSTALL_FAILURE`; for NTSTATUS the `STATUS_` name then the text
    /// Process Monitor shows (`ACCESS DENIED`). Empty when the code has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<&'static str>,
    /// For messages: the text with argument slots (`[2]`, `[3:err]`), see [`explain_message`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<&'static str>,
}

fn table() -> &'static HashMap<(CodeScope, u32), CodeInfo> {
    static TABLE: OnceLock<HashMap<(CodeScope, u32), CodeInfo>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The data is compiled in; a bad row is a bug the tests of this module catch.
        let rows = data::load_all().unwrap_or_else(|e| panic!("{e}"));
        rows.into_iter().map(|c| ((c.scope, c.code), c)).collect()
    })
}

/// Look a code up in one scope.
pub fn lookup(scope: CodeScope, code: u32) -> Option<&'static CodeInfo> {
    table().get(&(scope, code))
}

/// Every entry of the knowledge base, sorted by scope and code.
pub fn all() -> Vec<&'static CodeInfo> {
    let mut v: Vec<_> = table().values().collect();
    v.sort_by_key(|c| (c.scope, c.code));
    v
}

/// Entries with a symbolic name, compared without case and with spaces, hyphens and
/// underscores alike: `ACCESS DENIED` and `access_denied` find `STATUS_ACCESS_DENIED`.
///
/// ```
/// let found = msitrace::codes::lookup_name("NAME NOT FOUND");
/// assert_eq!(found[0].code, 0xC000_0034);
/// ```
pub fn lookup_name(name: &str) -> Vec<&'static CodeInfo> {
    let key = |n: &str| -> String {
        n.trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' {
                    '_'
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect()
    };
    let wanted = key(name);
    all()
        .into_iter()
        .filter(|c| c.names.iter().any(|n| key(n) == wanted))
        .collect()
}

/// The NTSTATUS entry for a Process Monitor Result text (`SHARING VIOLATION`), when known.
///
/// ```
/// let s = msitrace::codes::procmon_result("SHARING VIOLATION").unwrap();
/// assert_eq!(s.code, 0xC000_0043);
/// assert!(msitrace::codes::procmon_result("NAME NOT FOUND").unwrap().noise);
/// ```
pub fn procmon_result(text: &str) -> Option<&'static CodeInfo> {
    lookup_name(text)
        .into_iter()
        .find(|c| c.scope == CodeScope::NtStatus)
}

/// What a Win32 error means: the Win32 entry, or the installer exit status of that number
/// (exit statuses are Win32 codes: 1603 is ERROR_INSTALL_FAILURE).
pub fn win32_meaning(code: u32) -> Option<&'static CodeInfo> {
    lookup(CodeScope::Win32, code).or_else(|| lookup(CodeScope::Exit, code))
}

/// What an event-log record means for an installation, from its provider and event id: the
/// MsiInstaller and Service Control Manager providers are known (provider names compared without
/// case; `Microsoft-Windows-Service Control Manager` is accepted too).
///
/// ```
/// let e = msitrace::codes::event_meaning("Service Control Manager", 7041).unwrap();
/// assert_eq!(e.category, "service");
/// assert!(msitrace::codes::event_meaning("MsiInstaller", 11708).is_some());
/// assert!(msitrace::codes::event_meaning("Application Error", 1000).is_none());
/// ```
pub fn event_meaning(provider: &str, id: u32) -> Option<&'static CodeInfo> {
    let provider = provider.trim();
    let scope = if provider.eq_ignore_ascii_case("MsiInstaller") {
        CodeScope::MsiEvent
    } else if provider.eq_ignore_ascii_case("Service Control Manager")
        || provider.eq_ignore_ascii_case("Microsoft-Windows-Service Control Manager")
    {
        CodeScope::ScmEvent
    } else {
        return None;
    };
    lookup(scope, id)
}

/// True when an installer message number is routine chatter (UI layout, optional-table lookups).
pub fn is_noise_message(code: u32) -> bool {
    lookup(CodeScope::Message, code).is_some_and(|c| c.noise)
}

/// How an exit status should be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeClass {
    /// It worked.
    Success,
    /// It worked; a restart completes it.
    RebootRequired,
    /// The user cancelled.
    Cancelled,
    /// It failed.
    Failure,
}

impl OutcomeClass {
    /// The word reports use for it: `succeeded`, `succeeded, restart required`, `cancelled`,
    /// `failed`.
    pub fn verdict(self) -> &'static str {
        match self {
            OutcomeClass::Success => "succeeded",
            OutcomeClass::RebootRequired => "succeeded, restart required",
            OutcomeClass::Cancelled => "cancelled",
            OutcomeClass::Failure => "failed",
        }
    }
}

/// Classify a Windows Installer exit status.
///
/// ```
/// use msitrace::codes::{classify_exit, OutcomeClass};
/// assert_eq!(classify_exit(0), OutcomeClass::Success);
/// assert_eq!(classify_exit(3010), OutcomeClass::RebootRequired);
/// assert_eq!(classify_exit(1602), OutcomeClass::Cancelled);
/// assert_eq!(classify_exit(1603), OutcomeClass::Failure);
/// ```
pub fn classify_exit(code: u32) -> OutcomeClass {
    match code {
        0 => OutcomeClass::Success,
        1641 | 3010 | 3011 => OutcomeClass::RebootRequired,
        1602 => OutcomeClass::Cancelled,
        _ => OutcomeClass::Failure,
    }
}

/// The meaning of an exit status in a few words.
pub fn exit_meaning(code: u32) -> String {
    match lookup(CodeScope::Exit, code) {
        Some(info) => info.title.to_string(),
        None => format!("exit status {code}"),
    }
}

/// Describe an HRESULT in one line: facility and code, its name when known, and the Win32
/// meaning when it wraps one.
///
/// ```
/// let d = msitrace::codes::describe_hresult(0x80070643);
/// assert!(d.contains("Win32 error 1603"), "{d}");
/// let d = msitrace::codes::describe_hresult(0x80030005);
/// assert!(d.contains("STG_E_ACCESSDENIED"), "{d}");
/// let d = msitrace::codes::describe_hresult(0x80190194);
/// assert!(d.ends_with("HTTP status 404 Not Found"), "{d}");
/// ```
pub fn describe_hresult(hr: u32) -> String {
    let d = HResult::decode(hr);
    let facility = d.facility_name.unwrap_or("other");
    let mut s = format!(
        "HRESULT 0x{hr:08X} ({}; facility {facility} ({}), code {})",
        if d.failure { "failure" } else { "success" },
        d.facility,
        d.code
    );
    if let Some(info) = lookup(CodeScope::HResult, hr) {
        if let Some(name) = info.names.first() {
            s.push_str(&format!(": {name}, {}", info.title));
        } else {
            s.push_str(&format!(": {}", info.title));
        }
        if let Some((code, win32)) = d.win32_code().and_then(|c| Some((c, win32_meaning(c)?))) {
            if let Some(name) = win32.names.first() {
                s.push_str(&format!(" (Win32 error {code} {name})"));
            }
        }
    } else if let Some(code) = d.win32_code() {
        s.push_str(&format!(": Win32 error {code}"));
        if let Some(info) = win32_meaning(code) {
            if let Some(name) = info.names.first() {
                s.push_str(&format!(" {name}"));
            }
            s.push_str(&format!(", {}", info.title));
        }
    } else if let Some(status) = d.http_status() {
        s.push_str(&format!(": HTTP status {status}"));
        if let Some(reason) = http_status(status) {
            s.push_str(&format!(" {reason}"));
        }
    } else if let Some(part) = d.part() {
        s.push_str(&format!(": {}", part.part));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_file_loads_and_every_entry_is_complete() {
        let all = all();
        assert!(all.len() > 100);
        for c in all {
            assert!(!c.title.is_empty() && !c.remedy.is_empty() && !c.category.is_empty());
        }
    }

    #[test]
    fn same_number_in_two_scopes() {
        let exit = lookup(CodeScope::Exit, 1603).unwrap();
        let msg = lookup(CodeScope::Message, 1603).unwrap();
        assert_eq!(exit.category, "fatal");
        assert_eq!(msg.category, "file_in_use");
    }

    #[test]
    fn storage_hresults() {
        assert_eq!(hresult_from_decimal("-2147287038"), Some(0x8003_0002));
        assert!(describe_hresult(0x8003_0002).contains("not found"));
    }

    #[test]
    fn win32_meaning_falls_back_to_exit_statuses() {
        assert_eq!(win32_meaning(5).unwrap().scope, CodeScope::Win32);
        assert_eq!(win32_meaning(1603).unwrap().scope, CodeScope::Exit);
        assert!(win32_meaning(999_999).is_none());
    }

    #[test]
    fn scopes_serialize_in_snake_case() {
        let names: Vec<String> = CodeScope::ALL
            .iter()
            .map(|s| serde_json::to_string(s).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "\"exit\"",
                "\"message\"",
                "\"win32\"",
                "\"hresult\"",
                "\"ntstatus\"",
                "\"msi_event\"",
                "\"scm_event\""
            ]
        );
    }
}
