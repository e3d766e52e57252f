//! `msitrace explain <code>`: every meaning a number or name has, across all scopes.
//!
//! The same number means different things in different places: 1603 is the "fatal error" exit
//! status and the `Info 1603.` file-in-use message; 1722 is an installer message and an RPC error;
//! `0x80070643` is an HRESULT wrapping Win32 error 1603. [`explain`] reads the query in every form
//! a log or a ticket shows it and returns one [`Meaning`] per scope; [`Explanation`]'s `Display`
//! is the plain text the CLI prints.
//!
//! ```
//! use msitrace::codes::{explain, CodeScope};
//! let e = explain("1603");
//! let scopes: Vec<_> = e.meanings.iter().map(|m| m.scope).collect();
//! assert_eq!(scopes, [CodeScope::Exit, CodeScope::Message]);
//! print!("{e}");
//!
//! let e = explain("ACCESS DENIED");
//! assert_eq!(e.meanings[0].code, 0xC000_0022);
//!
//! assert!(!explain("abc").is_code());
//! ```

use super::data::{template_pieces, Piece};
use super::message::printable;
use super::status::{HResult, NtStatus};
use super::{all, lookup, win32_meaning, CodeInfo, CodeScope, MessageText};
use serde::Serialize;
use std::fmt;

/// Longest query accepted (a code or a name is short; anything longer is not a code).
const MAX_QUERY_CHARS: usize = 80;

/// Longest message line accepted (`Note: 1: 2203 2: <path> 3: <error>`).
const MAX_LINE_CHARS: usize = 4096;

/// Most fields read from a message line.
const MAX_LINE_FIELDS: usize = 32;

/// How a query was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryForm {
    /// A decimal number (`1603`).
    Decimal,
    /// A negative decimal, read as a 32-bit HRESULT (`-2147287035`).
    NegativeDecimal,
    /// Hexadecimal, with `0x` or as eight bare digits (`0x80070643`, `80070643`, `C0000022`).
    Hex,
    /// A symbolic name (`ACCESS DENIED`, `STATUS_ACCESS_DENIED`, `ERROR_FILE_NOT_FOUND`).
    Name,
    /// An installer message with its numbered fields, as a log prints it
    /// (`Note: 1: 2203 2: C:\x.msi 3: -2147287035`, or from `1:` on).
    MessageLine,
}

/// Everything msitrace knows about one query.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The query as given (trimmed).
    pub query: String,
    /// How the query was read; `None` when it is not a code.
    pub form: Option<QueryForm>,
    /// The number read, for numeric queries (negative decimals as their 32-bit pattern).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u32>,
    /// One entry per meaning, in scope order.
    pub meanings: Vec<Meaning>,
    /// For a message line: the message with its arguments filled in and error values decoded
    /// (see [`explain_message`](super::explain_message)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// For a message line: the text the log shows for it, in the usual logged wording (see
    /// [`format_message`](super::format_message)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logged: Option<String>,
    /// Why the query is not a code, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Explanation {
    /// True when the query was read as a code (a number, or a name msitrace knows).
    pub fn is_code(&self) -> bool {
        self.problem.is_none()
    }
}

/// One meaning of a code in one scope.
#[derive(Debug, Clone, Serialize)]
pub struct Meaning {
    /// Which kind of number this meaning is.
    pub scope: CodeScope,
    /// The number in that scope.
    pub code: u32,
    /// Symbolic names (`ERROR_INSTALL_FAILURE`; for NTSTATUS also the Process Monitor text).
    pub names: Vec<&'static str>,
    /// True when this is routine chatter, never a cause by itself.
    pub noise: bool,
    /// Finding category (`file_access`, `service`, ...).
    pub category: &'static str,
    /// The meaning in a few words.
    pub title: String,
    /// What to do about it.
    pub remedy: String,
    /// For messages: msitrace's short template with its argument slots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<&'static str>,
    /// For messages: the wording of the SDK's error message reference and the wordings logs
    /// print (see [`message_text`](super::message_text)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wording: Option<&'static MessageText>,
    /// For HRESULTs: severity, facility and code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hresult: Option<HResult>,
    /// For NTSTATUS values: severity, facility and code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ntstatus: Option<NtStatus>,
    /// For HRESULTs of facility WIN32 (and MsiInstaller events carrying a message): what the
    /// wrapped code means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wraps: Option<&'static CodeInfo>,
    /// True when the knowledge base has an entry for this exact code; false when the meaning is
    /// only decoded from the number's layout.
    pub known: bool,
}

impl Meaning {
    fn from_entry(info: &'static CodeInfo) -> Meaning {
        let mut m = Meaning {
            scope: info.scope,
            code: info.code,
            names: info.names.clone(),
            noise: info.noise,
            category: info.category,
            title: info.title.to_string(),
            remedy: info.remedy.to_string(),
            template: info.template,
            wording: (info.scope == CodeScope::Message)
                .then(|| super::message_text(info.code))
                .flatten(),
            hresult: None,
            ntstatus: None,
            wraps: None,
            known: true,
        };
        match info.scope {
            CodeScope::HResult => m.decorate_hresult(),
            CodeScope::NtStatus => m.ntstatus = Some(NtStatus::decode(info.code)),
            _ => {}
        }
        m
    }

    fn decorate_hresult(&mut self) {
        let hr = HResult::decode(self.code);
        self.hresult = Some(hr);
        self.wraps = hr.win32_code().and_then(win32_meaning);
    }

    /// An HRESULT with no entry of its own: described from its facility (and wrapped Win32 code).
    fn decoded_hresult(value: u32) -> Meaning {
        let hr = HResult::decode(value);
        let wraps = hr.win32_code().and_then(win32_meaning);
        let facility = hr
            .facility_name
            .map_or_else(|| hr.facility.to_string(), str::to_string);
        let (category, title, remedy) = match (wraps, hr.win32_code()) {
            (Some(w), Some(code)) => (
                w.category,
                format!(
                    "Wraps Win32 error {code}{}: {}",
                    w.names.first().map(|n| format!(" {n}")).unwrap_or_default(),
                    w.title
                ),
                w.remedy.to_string(),
            ),
            (_, Some(code)) => (
                "unknown",
                format!("Win32 error {code}"),
                "msitrace has no entry for this Win32 error; the number is the Win32 error code \
                 (GetLastError) of the operation that failed."
                    .to_string(),
            ),
            (_, None) => match hr.http_status() {
                Some(status) => (
                    "network",
                    format!(
                        "The server answered HTTP status {status}{}",
                        super::http_status(status)
                            .map(|r| format!(" ({r})"))
                            .unwrap_or_default()
                    ),
                    http_remedy(status).to_string(),
                ),
                None => {
                    let part = hr.part();
                    let title = match part {
                        Some(p) => {
                            format!("{}: code 0x{:X} of facility {facility}", p.part, hr.code)
                        }
                        None => format!("Code 0x{:X} of facility {facility}", hr.code),
                    };
                    let remedy = match (part, hr.facility_info()) {
                        (Some(p), _) => format!(
                            "msitrace has no entry for this exact code; {} reported it: look there (and search for the code with that name).",
                            p.part
                        ),
                        (None, Some(f)) => format!(
                            "msitrace has no entry for this exact code; facility {} reported it: look there (and search for the code with that name).",
                            f.name
                        ),
                        (None, None) => "msitrace knows neither this code nor its facility; the facility number names the component that reported it.".to_string(),
                    };
                    ("unknown", title, remedy)
                }
            },
        };
        Meaning {
            scope: CodeScope::HResult,
            code: value,
            names: Vec::new(),
            noise: false,
            category,
            title,
            remedy,
            template: None,
            wording: None,
            hresult: Some(hr),
            ntstatus: None,
            wraps,
            known: false,
        }
    }

    /// An NTSTATUS value with no entry: described from its layout.
    fn decoded_ntstatus(value: u32) -> Meaning {
        let s = NtStatus::decode(value);
        Meaning {
            scope: CodeScope::NtStatus,
            code: value,
            names: Vec::new(),
            noise: false,
            category: "unknown",
            title: format!("Code 0x{:X} of facility 0x{:X}", s.code, s.facility),
            remedy: "msitrace has no entry for this status.".to_string(),
            template: None,
            wording: None,
            hresult: None,
            ntstatus: Some(s),
            wraps: None,
            known: false,
        }
    }

    /// An MsiInstaller event numbered 10000 + a message number, which carries that message.
    fn msi_event_for_message(event: u32, message: &'static CodeInfo) -> Meaning {
        Meaning {
            scope: CodeScope::MsiEvent,
            code: event,
            names: Vec::new(),
            noise: message.noise,
            category: message.category,
            title: format!(
                "Carries installer message {}: {}",
                message.code, message.title
            ),
            remedy: message.remedy.to_string(),
            template: None,
            wording: None,
            hresult: None,
            ntstatus: None,
            wraps: Some(message),
            known: false,
        }
    }
}

/// Explain a query: a decimal number (also as `Error 1920.`), a negative decimal HRESULT, a
/// hexadecimal value (with `0x` or as eight bare digits), a symbolic name, or a whole message
/// line (`Note: 1: 2203 2: C:\x.msi 3: -2147287035`, whose message is filled in). Never panics:
/// anything else gives an explanation whose [`problem`](Explanation::problem) says why it is not
/// a code.
///
/// ```
/// let e = msitrace::codes::explain(r"Note: 1: 2203 2: C:\x.msi 3: -2147287035");
/// assert_eq!(e.value, Some(2203));
/// assert!(e.message.unwrap().contains("STG_E_ACCESSDENIED"));
/// ```
pub fn explain(query: &str) -> Explanation {
    let query = query.trim();
    let mut e = Explanation {
        query: query.chars().take(MAX_LINE_CHARS).collect(),
        form: None,
        value: None,
        meanings: Vec::new(),
        message: None,
        logged: None,
        problem: None,
    };
    if let Some(fields) = message_line(query) {
        match fields {
            Ok((code, args)) => {
                e.form = Some(QueryForm::MessageLine);
                e.value = Some(code);
                e.meanings = lookup(CodeScope::Message, code)
                    .map(Meaning::from_entry)
                    .into_iter()
                    .collect();
                e.message = super::explain_message(code, &args);
                e.logged = super::format_message(code, &args).map(|t| printable(&t));
            }
            Err(problem) => e.problem = Some(problem),
        }
        return e;
    }
    match read_query(query) {
        Err(problem) => e.problem = Some(problem),
        Ok(Query::Number(form, value)) => {
            e.form = Some(form);
            e.value = Some(value);
            e.meanings = meanings_of_number(value, form);
        }
        Ok(Query::Name) => {
            e.meanings = meanings_of_name(query);
            if e.meanings.is_empty() {
                e.problem = Some(format!("no code is named {:?}; {HINT}", printable(query)));
            } else {
                e.form = Some(QueryForm::Name);
            }
        }
    }
    e
}

const HINT: &str = "give a number (1603), a hexadecimal value (0x80070643 or 80070643), \
a negative HRESULT (-2147287035) or a name (ACCESS DENIED, STATUS_ACCESS_DENIED, ERROR_ACCESS_DENIED, E_FAIL)";

enum Query {
    Number(QueryForm, u32),
    Name,
}

/// The message number and arguments of a message line, `None` when the query is not one.
fn message_line(q: &str) -> Option<Result<(u32, Vec<String>), String>> {
    let rest = q.strip_prefix("Note:").map_or(q, str::trim_start);
    let rest = rest.strip_prefix("1:")?;
    if q.chars().count() > MAX_LINE_CHARS {
        return Some(Err(format!(
            "the message line is longer than {MAX_LINE_CHARS} characters"
        )));
    }
    let mut fields = Vec::new();
    let mut rest = rest;
    for k in 2..=MAX_LINE_FIELDS + 1 {
        let marker = format!(" {k}:");
        match rest.find(&marker) {
            Some(i) if k <= MAX_LINE_FIELDS => {
                fields.push(rest[..i].trim().to_string());
                rest = &rest[i + marker.len()..];
            }
            _ => {
                fields.push(rest.trim().to_string());
                break;
            }
        }
    }
    let code = fields.remove(0);
    Some(match code.parse::<u32>() {
        Ok(code) => Ok((code, fields)),
        Err(_) => Err(format!(
            "field 1 of a message line must be the message number, not {:?}",
            printable(&code)
        )),
    })
}

/// `Error 1920.`, `Internal Error 2203`, `Info 1603` as a bare number.
fn strip_message_prefix(q: &str) -> &str {
    let lower = q.to_ascii_lowercase();
    for prefix in [
        "debug: error ",
        "internal error ",
        "error ",
        "info ",
        "warning ",
    ] {
        if lower.starts_with(prefix) {
            let rest = q[prefix.len()..].trim().trim_end_matches('.');
            if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
                return rest;
            }
        }
    }
    q
}

fn read_query(q: &str) -> Result<Query, String> {
    if q.is_empty() {
        return Err(format!("the query is empty; {HINT}"));
    }
    let q = strip_message_prefix(q);
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(format!(
            "the query is longer than {MAX_QUERY_CHARS} characters; {HINT}"
        ));
    }
    let shown = printable(q);
    if let Some(hex) = q.strip_prefix("0x").or_else(|| q.strip_prefix("0X")) {
        if hex.is_empty() || hex.len() > 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "{shown:?} is not a hexadecimal code (expected 1 to 8 hex digits after 0x)"
            ));
        }
        return Ok(Query::Number(
            QueryForm::Hex,
            u32::from_str_radix(hex, 16).unwrap_or(0),
        ));
    }
    if let Some(digits) = q.strip_prefix('-') {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{shown:?} is not a number; {HINT}"));
        }
        return match super::hresult_from_decimal(q) {
            Some(v) => Ok(Query::Number(QueryForm::NegativeDecimal, v)),
            None => Err(format!(
                "{shown:?} is outside the 32-bit range of a negative HRESULT"
            )),
        };
    }
    let all_hex = q.bytes().all(|b| b.is_ascii_hexdigit());
    // Eight bare hex digits that start like a failure HRESULT or an NTSTATUS error are read as
    // hexadecimal: 80070643 as it appears in tickets, C0000022 as in crash dumps.
    if q.len() == 8 && all_hex && matches!(q.as_bytes()[0], b'8' | b'C' | b'c') {
        return Ok(Query::Number(
            QueryForm::Hex,
            u32::from_str_radix(q, 16).unwrap_or(0),
        ));
    }
    if q.bytes().all(|b| b.is_ascii_digit()) {
        return match q.parse::<u32>() {
            Ok(v) => Ok(Query::Number(QueryForm::Decimal, v)),
            Err(_) => Err(format!("{shown:?} is larger than a 32-bit code")),
        };
    }
    if q.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '-'))
    {
        return Ok(Query::Name);
    }
    Err(format!("{shown:?} is not a code; {HINT}"))
}

fn meanings_of_number(v: u32, form: QueryForm) -> Vec<Meaning> {
    let mut out: Vec<Meaning> = [CodeScope::Exit, CodeScope::Message, CodeScope::Win32]
        .into_iter()
        .filter_map(|scope| lookup(scope, v))
        .map(Meaning::from_entry)
        .collect();

    if v >= 0x8000_0000 {
        let nt_entry = lookup(CodeScope::NtStatus, v);
        let hr_entry = lookup(CodeScope::HResult, v);
        if let Some(info) = hr_entry {
            out.push(Meaning::from_entry(info));
        } else if v >> 30 == 2 && nt_entry.is_none() {
            out.push(Meaning::decoded_hresult(v));
        }
        if let Some(info) = nt_entry {
            out.push(Meaning::from_entry(info));
        } else if v >> 30 == 3 && hr_entry.is_none() {
            out.push(Meaning::decoded_ntstatus(v));
        }
    } else if form == QueryForm::Hex || v >= 0x4000_0000 {
        // Small NTSTATUS values (0x104 REPARSE) only when the query looks like one.
        if let Some(info) = lookup(CodeScope::NtStatus, v) {
            out.push(Meaning::from_entry(info));
        }
    }

    for scope in [CodeScope::MsiEvent, CodeScope::ScmEvent] {
        if let Some(info) = lookup(scope, v) {
            out.push(Meaning::from_entry(info));
        }
    }
    if (11_000..13_000).contains(&v) && lookup(CodeScope::MsiEvent, v).is_none() {
        if let Some(message) = lookup(CodeScope::Message, v - 10_000) {
            out.push(Meaning::msi_event_for_message(v, message));
        }
    }
    out
}

/// What to do about an HTTP status, by its class.
fn http_remedy(status: u16) -> &'static str {
    match status {
        401 | 403 => "The server refused the credentials or the access: check the account, the proxy's and the server's access rules.",
        407 => "The proxy asks for authentication: configure proxy credentials (or a proxy bypass) for the account that downloads.",
        404 | 410 => "The address does not exist (any more) on the server: check the download URL, the update server's content, or a stale catalog.",
        408 | 504 => "The request timed out: check network reachability, the proxy and the server's load, then retry.",
        500..=599 => "The server failed: retry later, or check the server (or proxy) that answered.",
        _ => "Check the URL, the proxy and the server the download or request went to.",
    }
}

/// A name in comparable form: upper case, spaces and hyphens as underscores.
fn normalize_name(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

fn meanings_of_name(query: &str) -> Vec<Meaning> {
    let wanted = normalize_name(query);
    let find = |name: &str| -> Vec<Meaning> {
        all()
            .into_iter()
            .filter(|info| info.names.iter().any(|n| normalize_name(n) == name))
            .map(Meaning::from_entry)
            .collect()
    };
    let found = find(&wanted);
    if !found.is_empty() {
        return found;
    }
    // `FILE_NOT_FOUND` for ERROR_FILE_NOT_FOUND, `OBJECT_NAME_NOT_FOUND` for STATUS_…
    ["ERROR_", "STATUS_"]
        .iter()
        .flat_map(|prefix| find(&format!("{prefix}{wanted}")))
        .collect()
}

impl fmt::Display for Explanation {
    /// The plain text `msitrace explain` prints: a heading line, then one block per meaning
    /// headed by its scope.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(problem) = &self.problem {
            return writeln!(f, "Not a code: {problem}.");
        }
        let subject = match (self.form, self.value) {
            (Some(QueryForm::Decimal), Some(v)) if v > 9 => format!("{v} (0x{v:X})"),
            (Some(QueryForm::Hex), Some(v)) if v >= 0x8000_0000 => {
                format!("0x{v:08X} (logged in decimal as {})", v as i32)
            }
            (Some(QueryForm::Hex), Some(v)) => format!("0x{v:X} (decimal {v})"),
            (Some(QueryForm::NegativeDecimal), Some(v)) => format!("{} (0x{v:08X})", v as i32),
            _ => printable(&self.query),
        };
        let subject = match (self.form, self.value) {
            (Some(QueryForm::MessageLine), Some(v)) => format!("Installer message {v} as logged"),
            _ => subject,
        };
        match self.meanings.len() {
            0 => return writeln!(f, "{subject}: msitrace knows no meaning for this number."),
            1 => writeln!(f, "{subject}: 1 meaning")?,
            n => writeln!(f, "{subject}: {n} meanings")?,
        }
        if let Some(logged) = &self.logged {
            writeln!(f, "  Logged as: {logged}")?;
        }
        if let Some(message) = &self.message {
            writeln!(f, "  Here: {message}")?;
        }
        for m in &self.meanings {
            writeln!(f)?;
            write!(f, "{m}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Meaning {
    /// One block: `Scope code  NAMES  [category]`, the meaning, details, what to do.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = match self.scope {
            CodeScope::HResult | CodeScope::NtStatus => format!("0x{:08X}", self.code),
            _ => self.code.to_string(),
        };
        write!(f, "{} {code}", self.scope.label())?;
        if !self.names.is_empty() {
            write!(f, "  {}", self.names.join(" / "))?;
        }
        write!(f, "  [{}]", self.category)?;
        if self.noise {
            write!(f, "  (routine, not a cause by itself)")?;
        }
        writeln!(f)?;
        writeln!(f, "  {}.", self.title.trim_end_matches('.'))?;
        if let Some(hr) = &self.hresult {
            let facility = hr.facility_name.map_or_else(
                || hr.facility.to_string(),
                |n| format!("{n} ({})", hr.facility),
            );
            // Win32 codes are read in decimal; other facilities' codes in hexadecimal.
            let code = if hr.facility == 7 {
                hr.code.to_string()
            } else {
                format!("0x{:X} ({})", hr.code, hr.code)
            };
            writeln!(
                f,
                "  {}, facility {facility}, code {code}.",
                if hr.failure { "Failure" } else { "Success" },
            )?;
            match (hr.part(), hr.facility_info()) {
                (Some(p), _) => writeln!(f, "  Reported by: {} ({}).", p.part, p.what)?,
                (None, Some(fac)) => writeln!(f, "  Reported by: {}.", fac.what)?,
                (None, None) => {}
            }
            if let Some(status) = hr.http_status() {
                writeln!(
                    f,
                    "  HTTP status {status}{}.",
                    super::http_status(status)
                        .map(|r| format!(" {r}"))
                        .unwrap_or_default()
                )?;
            }
        }
        if let Some(s) = &self.ntstatus {
            writeln!(
                f,
                "  Severity {:?}, facility 0x{:X}, code 0x{:X}.",
                s.severity, s.facility, s.code
            )?;
        }
        if let Some(w) = self.wraps {
            if self.scope == CodeScope::HResult && self.known {
                let name = w.names.first().map(|n| format!(" {n}")).unwrap_or_default();
                writeln!(f, "  Wraps Win32 error {}{name}: {}.", w.code, w.title)?;
            }
        }
        if let Some(w) = self.wording {
            if w.logged_as_sdk() {
                writeln!(f, "  In logs, as in the SDK: {}", w.sdk)?;
            } else {
                for logged in &w.logged {
                    writeln!(f, "  In logs: {logged}")?;
                }
                writeln!(f, "  SDK:     {}", w.sdk)?;
            }
        }
        if let Some(t) = self.template {
            writeln!(f, "  In short: {}", plain_template(t))?;
        }
        writeln!(f, "  What to do: {}", self.remedy)
    }
}

/// A template as people read it: slots without their kind (`[3:err]` shows as `[3]`).
fn plain_template(template: &str) -> String {
    match template_pieces(template) {
        Ok(pieces) => pieces
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t.to_string(),
                Piece::Slot(n, _) => format!("[{n}]"),
            })
            .collect(),
        Err(_) => template.to_string(),
    }
}

#[cfg(test)]
mod tests;
