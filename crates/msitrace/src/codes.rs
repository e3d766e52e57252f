//! Knowledge of Windows Installer and system codes, as data (`data/codes.tsv`).
//!
//! The same number can mean different things: 1603 as an exit status is "fatal error", while
//! `Info 1603.` is a file-in-use message. Lookups therefore say which [`CodeScope`] they ask for.
//!
//! ```
//! use msitrace::codes::{lookup, CodeScope};
//! assert_eq!(lookup(CodeScope::Exit, 1618).unwrap().category, "concurrency");
//! assert!(lookup(CodeScope::Message, 2826).unwrap().noise);
//! ```

use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// What kind of number a code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeScope {
    /// A Windows Installer exit status (what `msiexec` returns).
    Exit,
    /// A Windows Installer message number (`Error 1920.`, `Note: 1: 2203`).
    Message,
    /// A Win32 system error code.
    Win32,
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
}

const DATA: &str = include_str!("../data/codes.tsv");

fn table() -> &'static HashMap<(CodeScope, u32), CodeInfo> {
    static TABLE: OnceLock<HashMap<(CodeScope, u32), CodeInfo>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for line in DATA.lines().filter(|l| !l.starts_with('#')).skip(1) {
            let f: Vec<&'static str> = line.split('\t').collect();
            let scope = match f[0] {
                "exit" => CodeScope::Exit,
                "message" => CodeScope::Message,
                "win32" => CodeScope::Win32,
                other => panic!("codes.tsv: unknown scope {other}"),
            };
            let code = f[1].parse().expect("codes.tsv: numeric code");
            map.insert(
                (scope, code),
                CodeInfo {
                    scope,
                    code,
                    noise: f[2] == "yes",
                    category: f[3],
                    title: f[4],
                    remedy: f[5],
                },
            );
        }
        map
    })
}

/// Look a code up in one scope.
pub fn lookup(scope: CodeScope, code: u32) -> Option<&'static CodeInfo> {
    table().get(&(scope, code))
}

/// Every entry of the knowledge base, sorted by scope and code.
pub fn all() -> Vec<&'static CodeInfo> {
    let mut v: Vec<_> = table().values().collect();
    v.sort_by_key(|c| (c.scope as u8, c.code));
    v
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
        1641 | 3010 => OutcomeClass::RebootRequired,
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

/// Read a signed decimal HRESULT as logged by the installer (`-2147287035` is `0x80030005`).
///
/// ```
/// assert_eq!(msitrace::codes::hresult_from_decimal("-2147287035"), Some(0x8003_0005));
/// assert_eq!(msitrace::codes::hresult_from_decimal("5"), None);
/// ```
pub fn hresult_from_decimal(text: &str) -> Option<u32> {
    let v: i64 = text.trim().parse().ok()?;
    (v < 0 && v >= i32::MIN as i64).then_some(v as i32 as u32)
}

/// Describe an HRESULT: facility and code, and the Win32 meaning when it wraps one.
///
/// ```
/// let d = msitrace::codes::describe_hresult(0x80070643);
/// assert!(d.contains("Win32 error 1603"), "{d}");
/// ```
pub fn describe_hresult(hr: u32) -> String {
    let facility = (hr >> 16) & 0x1FFF;
    let code = hr & 0xFFFF;
    let failed = hr & 0x8000_0000 != 0;
    let name = match facility {
        0 => "NULL",
        1 => "RPC",
        2 => "DISPATCH",
        3 => "STORAGE",
        4 => "ITF",
        7 => "WIN32",
        8 => "WINDOWS",
        9 => "SECURITY",
        11 => "SETUPAPI",
        _ => "other",
    };
    let mut s = format!(
        "HRESULT 0x{hr:08X} ({}; facility {name} ({facility}), code {code})",
        if failed { "failure" } else { "success" }
    );
    if facility == 7 {
        s.push_str(&format!(": Win32 error {code}"));
        if let Some(info) = lookup(CodeScope::Win32, code).or_else(|| lookup(CodeScope::Exit, code))
        {
            s.push_str(&format!(", {}", info.title));
        }
    }
    if facility == 3 && code == 5 {
        s.push_str(": access denied to the storage (file) named");
    }
    if facility == 3 && code == 2 {
        s.push_str(": the file named was not found");
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
}
