//! The wording of every Windows Installer message, as the SDK documents it and as logs print it
//! (`data/codes/message_text.tsv`).
//!
//! A message number has one SDK wording (the "Windows Installer Error Messages" reference) and,
//! where logs show something else, one or more logged wordings: for 1101–1938 the Error table
//! strings packages ship ("Error writing to file: [3]. System error [2]. Verify that you have
//! access to that directory."), for the 2xxx internal errors the engine's debug text.
//!
//! The wordings are Windows Installer *formatted templates*: `[2]`, `[3]`, … are the fields of the
//! log record (field 1 is the number itself, so `Note: 1: 2203 2: C:\x.msi 3: -2147287038` fills
//! `[2]` with `C:\x.msi`); text in `{…}` is dropped when a field inside it is empty; `{{…}}` is
//! the same but only ever shown in logs. [`format_template`] fills a template the way the engine
//! does, [`match_message`] goes the other way and recovers the fields from a logged line, and
//! [`coverage`] counts how many numbers of the documented ranges have a wording.
//!
//! ```
//! use msitrace::codes::{format_message, match_message, message_text};
//! let t = message_text(2503).unwrap();
//! assert_eq!(t.sdk, "Called RunScript when not marked in progress.");
//!
//! let line = format_message(1310, &["5", r"C:\a.dll"]).unwrap();
//! assert_eq!(line, r"Error writing to file: C:\a.dll. System error 5. Verify that you have access to that directory.");
//! let found = match_message(1310, &line).unwrap();
//! assert_eq!(found.args, ["5", r"C:\a.dll"]);
//! ```

use super::data::DataError;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The data file of message wordings, compiled in.
const FILE: (&str, &str) = (
    "message_text.tsv",
    include_str!("../../data/codes/message_text.tsv"),
);

/// The header of the wording file.
const HEADER: &str = "code\tform\ttext";

/// The data format version this parser reads (the file's `# version:` line).
const VERSION: &str = "1";

/// Longest log line [`match_message`] looks at.
const MAX_MATCH_CHARS: usize = 8192;

/// The documented message ranges whose coverage is reported: ship errors and internal errors.
pub const MESSAGE_RANGES: [(u32, u32); 2] = [(1101, 1938), (2101, 2950)];

/// How one message is worded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageText {
    /// The message number.
    pub code: u32,
    /// The wording of the SDK's error message reference.
    pub sdk: &'static str,
    /// Wordings seen in logs when they differ from the SDK's, the usual one first; empty when logs
    /// print the SDK's wording.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logged: Vec<&'static str>,
}

impl MessageText {
    /// The wording a log usually shows: the first logged wording, else the SDK's.
    pub fn usual(&self) -> &'static str {
        self.logged.first().copied().unwrap_or(self.sdk)
    }

    /// Every wording, the logged ones first, then the SDK's.
    pub fn wordings(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.logged.iter().copied().chain(std::iter::once(self.sdk))
    }

    /// True when logs print the SDK's wording.
    pub fn logged_as_sdk(&self) -> bool {
        self.logged.is_empty()
    }
}

/// One piece of a formatted template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part<'a> {
    /// Literal text.
    Text(&'a str),
    /// Field `[n]` of the record.
    Field(usize),
    /// `{…}` (or `{{…}}`): dropped when a field inside is empty.
    Group(Vec<Part<'a>>),
}

/// Split a formatted template into parts; `Err` says what is unbalanced.
fn parse_template(template: &str) -> Result<Vec<Part<'_>>, String> {
    fn parse<'a>(s: &'a str, at: &mut usize, depth: usize) -> Result<Vec<Part<'a>>, String> {
        let bytes = s.as_bytes();
        let mut parts = Vec::new();
        let mut start = *at;
        while *at < bytes.len() {
            match bytes[*at] {
                b'[' => {
                    let close = s[*at..].find(']').map(|i| *at + i);
                    let field = close.and_then(|c| {
                        let inner = &s[*at + 1..c];
                        (!inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()))
                            .then(|| inner.parse::<usize>().ok())
                            .flatten()
                    });
                    match (close, field) {
                        (Some(c), Some(n)) if (1..=32).contains(&n) => {
                            if start < *at {
                                parts.push(Part::Text(&s[start..*at]));
                            }
                            parts.push(Part::Field(n));
                            *at = c + 1;
                            start = *at;
                        }
                        (Some(_), Some(n)) => return Err(format!("field [{n}] is out of 1..=32")),
                        // `[ProductName]`, `[Time]`: a property, kept as text.
                        _ => *at += 1,
                    }
                }
                b'{' => {
                    if start < *at {
                        parts.push(Part::Text(&s[start..*at]));
                    }
                    let double = s[*at..].starts_with("{{");
                    *at += if double { 2 } else { 1 };
                    if depth > 4 {
                        return Err("groups nest too deep".to_string());
                    }
                    let inner = parse(s, at, depth + 1)?;
                    let closing = if double { "}}" } else { "}" };
                    if !s[*at..].starts_with(closing) {
                        return Err(format!("unclosed {{ in {s:?}"));
                    }
                    *at += closing.len();
                    parts.push(Part::Group(inner));
                    start = *at;
                }
                b'}' => {
                    if depth == 0 {
                        return Err(format!("stray }} in {s:?}"));
                    }
                    break;
                }
                _ => *at += 1,
            }
        }
        if start < *at {
            parts.push(Part::Text(&s[start..*at]));
        }
        Ok(parts)
    }
    let mut at = 0;
    let parts = parse(template, &mut at, 0)?;
    if at != template.len() {
        return Err(format!("stray }} in {template:?}"));
    }
    Ok(parts)
}

/// Fill a Windows Installer formatted template with the fields of a record, as the engine does
/// for a log: `args[0]` fills `[2]`, `args[1]` fills `[3]`, …; `[1]` is the message number and
/// stays empty here. A `{…}` or `{{…}}` group whose fields are all given and non-empty is kept
/// (without its braces), any other is dropped. Runs of spaces become one.
///
/// ```
/// use msitrace::codes::format_template;
/// let t = "Could not write value [2] to key [3]. {{ System error [4].}} Verify access.";
/// assert_eq!(format_template(t, &["V", "K", "5"]), "Could not write value V to key K. System error 5. Verify access.");
/// assert_eq!(format_template(t, &["V", "K"]), "Could not write value V to key K. Verify access.");
/// ```
pub fn format_template<S: AsRef<str>>(template: &str, args: &[S]) -> String {
    fn field<S: AsRef<str>>(args: &[S], n: usize) -> Option<&str> {
        n.checked_sub(2)
            .and_then(|i| args.get(i))
            .map(|a| a.as_ref().trim())
            .filter(|a| !a.is_empty())
    }
    fn complete<S: AsRef<str>>(parts: &[Part<'_>], args: &[S]) -> bool {
        parts.iter().all(|p| match p {
            Part::Text(_) => true,
            Part::Field(n) => field(args, *n).is_some(),
            // A nested group only decides for itself.
            Part::Group(_) => true,
        })
    }
    fn render<S: AsRef<str>>(parts: &[Part<'_>], args: &[S], out: &mut String) {
        for p in parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Field(n) => out.push_str(field(args, *n).unwrap_or("")),
                Part::Group(inner) => {
                    if complete(inner, args) {
                        render(inner, args, out);
                    }
                }
            }
        }
    }
    let mut out = String::new();
    match parse_template(template) {
        Ok(parts) => render(&parts, args, &mut out),
        Err(_) => out.push_str(template),
    }
    collapse_spaces(out.trim())
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

fn table() -> &'static HashMap<u32, MessageText> {
    static TABLE: OnceLock<HashMap<u32, MessageText>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // Compiled in; a bad row is a bug the tests of this module catch.
        parse_rows(FILE.0, FILE.1)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|t| (t.code, t))
            .collect()
    })
}

/// Parse the wording file: a `# version:` line, the header, then `code<TAB>form<TAB>text` rows
/// with exactly one `sdk` row per number (listed before its `logged` rows).
pub fn parse_rows(file: &str, text: &'static str) -> Result<Vec<MessageText>, DataError> {
    let error = |line: usize, problem: String| DataError {
        file: file.to_string(),
        line,
        problem,
    };
    let mut rows: Vec<MessageText> = Vec::new();
    let mut version = None;
    let mut seen_header = false;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if let Some(v) = line.strip_prefix("# version:") {
            version = Some(v.trim());
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !seen_header {
            if line != HEADER {
                return Err(error(number, format!("expected the header {HEADER:?}")));
            }
            if version != Some(VERSION) {
                return Err(error(
                    number,
                    format!("expected a `# version: {VERSION}` line before the header"),
                ));
            }
            seen_header = true;
            continue;
        }
        let f: Vec<&'static str> = line.split('\t').collect();
        if f.len() != 3 {
            return Err(error(number, format!("{} fields, expected 3", f.len())));
        }
        let code: u32 = f[0]
            .parse()
            .map_err(|_| error(number, format!("bad message number {:?}", f[0])))?;
        let wording = f[2];
        if wording.trim().is_empty() || wording != wording.trim() {
            return Err(error(number, "empty or padded text".to_string()));
        }
        parse_template(wording).map_err(|p| error(number, p))?;
        match f[1] {
            "sdk" => {
                if rows.iter().any(|r| r.code == code) {
                    return Err(error(number, format!("message {code} has two sdk rows")));
                }
                rows.push(MessageText {
                    code,
                    sdk: wording,
                    logged: Vec::new(),
                });
            }
            "logged" => match rows.last_mut() {
                Some(last) if last.code == code => {
                    if last.wordings().any(|w| w == wording) {
                        return Err(error(number, format!("message {code}: repeated wording")));
                    }
                    last.logged.push(wording);
                }
                _ => {
                    return Err(error(
                        number,
                        format!("logged row of {code} must follow its sdk row"),
                    ))
                }
            },
            other => {
                return Err(error(
                    number,
                    format!("form must be sdk or logged, not {other:?}"),
                ))
            }
        }
    }
    if !seen_header {
        return Err(error(0, "no header".to_string()));
    }
    Ok(rows)
}

/// How message `code` is worded, when it is a documented Windows Installer message.
pub fn message_text(code: u32) -> Option<&'static MessageText> {
    table().get(&code)
}

/// Every message wording, by number.
pub fn message_texts() -> Vec<&'static MessageText> {
    let mut v: Vec<_> = table().values().collect();
    v.sort_by_key(|t| t.code);
    v
}

/// Message `code` as a log usually prints it, its fields filled from `args` (`args[0]` is `[2]`).
/// `None` when the number is not a documented message.
pub fn format_message<S: AsRef<str>>(code: u32, args: &[S]) -> Option<String> {
    message_text(code).map(|t| format_template(t.usual(), args))
}

/// The fields recovered from a logged message by [`match_message`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageMatch {
    /// The message number.
    pub code: u32,
    /// The wording that matched.
    pub wording: &'static str,
    /// Fields `[2]`, `[3]`, …: `args[0]` is `[2]`; a field the wording does not use is empty.
    pub args: Vec<String>,
    /// False when the line stops before the wording ends (a cut or truncated line): the last
    /// field found may then hold the rest of the line.
    pub complete: bool,
}

/// Recover the fields of message `code` from its text in a log, trying each wording (logged
/// ones first). The text may keep its `Error 1310.` / `DEBUG: Error 2503:` / `Info 1603.` prefix.
/// Spaces are compared loosely (logs often double them). A line cut before the end of the
/// wording still matches, with [`complete`](MessageMatch::complete) false.
///
/// ```
/// use msitrace::codes::match_message;
/// let m = match_message(1920, "Error 1920. Service 'Elasticsearch' (elasticsearch) failed to start.  Verify that you have sufficient privileges to start system services.").unwrap();
/// assert_eq!(m.args, ["Elasticsearch", "elasticsearch"]);
/// assert!(match_message(1920, "Service started.").is_none());
/// ```
pub fn match_message(code: u32, text: &str) -> Option<MessageMatch> {
    let text: String = text.trim().chars().take(MAX_MATCH_CHARS).collect();
    let body = strip_message_prefix(&text, code);
    let info = message_text(code)?;
    for wording in info.wordings() {
        if let Some((args, complete)) = match_wording(wording, body) {
            return Some(MessageMatch {
                code,
                wording,
                args,
                complete,
            });
        }
    }
    None
}

/// The text after `Error 1310. `, `DEBUG: Error 2503: `, `Info 1603. `, `Internal Error 2203. `.
fn strip_message_prefix(text: &str, code: u32) -> &str {
    let number = code.to_string();
    let mut rest = text;
    if let Some(r) = rest.strip_prefix("DEBUG:") {
        rest = r.trim_start();
    }
    for word in ["Internal Error", "Error", "Warning", "Info"] {
        if let Some(r) = rest.strip_prefix(word) {
            if let Some(r) = r.trim_start().strip_prefix(number.as_str()) {
                if let Some(r) = r.strip_prefix('.').or_else(|| r.strip_prefix(':')) {
                    return r.trim_start();
                }
            }
        }
    }
    text
}

/// Match one wording; `Some((args, complete))`.
fn match_wording(wording: &str, body: &str) -> Option<(Vec<String>, bool)> {
    let parts = parse_template(wording).ok()?;
    let mut fields = Vec::new();
    // Logs sometimes drop a wording's final period.
    let full = format!(
        "^{}\\.?\\s*$",
        pattern(&trim_final_period(&parts), &mut fields, false)
    );
    let try_regex = |source: &str| -> Option<Vec<String>> {
        let re = regex::Regex::new(source).ok()?;
        let caps = re.captures(body)?;
        let max = fields.iter().copied().max().unwrap_or(1);
        let mut args = vec![String::new(); max.saturating_sub(1)];
        for (i, n) in fields.iter().enumerate() {
            if *n < 2 {
                continue;
            }
            if let Some(m) = caps.get(i + 1) {
                let slot = &mut args[n - 2];
                if slot.is_empty() {
                    *slot = m.as_str().trim().to_string();
                }
            }
        }
        Some(args)
    };
    if let Some(args) = try_regex(&full) {
        return Some((args, true));
    }
    // A cut line: everything after the first literal is optional, nested.
    let mut cut_fields = Vec::new();
    let cut = format!(
        "^{}\\.?\\s*$",
        pattern(&trim_final_period(&parts), &mut cut_fields, true)
    );
    debug_assert_eq!(cut_fields, fields);
    // Only a line that starts like the wording and shows most of its fixed text counts.
    let body = collapse_spaces(body);
    let literals: Vec<&str> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Text(t) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        })
        .collect();
    let total: usize = literals.iter().map(|l| l.len()).sum();
    let starts = match parts.first() {
        Some(Part::Text(t)) => t.trim().len() >= 8 && body.starts_with(t.trim()),
        _ => false,
    };
    let mut seen = 0;
    let mut at = 0;
    for l in &literals {
        match body[at..].find(l) {
            Some(i) => {
                seen += l.len();
                at += i + l.len();
            }
            None => break,
        }
    }
    if !starts || seen * 2 < total {
        return None;
    }
    try_regex(&cut).map(|args| (args, false))
}

/// The parts without a final period, which the patterns make optional.
fn trim_final_period<'a>(parts: &[Part<'a>]) -> Vec<Part<'a>> {
    let mut parts = parts.to_vec();
    if let Some(Part::Text(t)) = parts.last_mut() {
        if let Some(shorter) = t.trim_end().strip_suffix('.') {
            *t = shorter;
        }
    }
    parts
}

/// The regular expression of a wording; field numbers are pushed in capture order.
fn pattern(parts: &[Part<'_>], fields: &mut Vec<usize>, cut: bool) -> String {
    let mut out = String::new();
    let mut closers = 0;
    for (i, p) in parts.iter().enumerate() {
        if cut && i > 0 {
            out.push_str("(?:");
            closers += 1;
        }
        match p {
            Part::Text(t) => out.push_str(&literal(t)),
            Part::Field(n) => {
                fields.push(*n);
                out.push_str("(.*?)");
            }
            Part::Group(inner) => {
                out.push_str("(?:");
                out.push_str(&pattern(inner, fields, false));
                out.push_str(")?");
            }
        }
    }
    for _ in 0..closers {
        out.push_str(")?");
    }
    out
}

/// A literal piece of a wording, with any run of spaces matching any run (or none at an edge).
fn literal(text: &str) -> String {
    let mut out = String::new();
    let words: Vec<&str> = text.split(' ').collect();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push_str(r"\s*");
        }
        out.push_str(&regex::escape(w));
    }
    out
}

/// How many numbers of a message range have a wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// First number of the range.
    pub first: u32,
    /// Last number of the range.
    pub last: u32,
    /// Numbers of the range with a wording (every number the reference documents with a text).
    pub with_text: usize,
    /// Of those, numbers whose template has fields (`[2]` …).
    pub with_fields: usize,
    /// Of those, numbers whose logged wording differs from the SDK's.
    pub logged_differs: usize,
}

/// The coverage of [`MESSAGE_RANGES`] by the wording table.
///
/// ```
/// let c = msitrace::codes::coverage();
/// assert_eq!((c[0].first, c[0].last), (1101, 1938));
/// assert!(c[0].with_text >= 140 && c[1].with_text >= 390);
/// ```
pub fn coverage() -> Vec<Coverage> {
    MESSAGE_RANGES
        .iter()
        .map(|&(first, last)| {
            let in_range: Vec<_> = message_texts()
                .into_iter()
                .filter(|t| (first..=last).contains(&t.code))
                .collect();
            Coverage {
                first,
                last,
                with_text: in_range.len(),
                with_fields: in_range
                    .iter()
                    .filter(|t| t.wordings().any(has_fields))
                    .count(),
                logged_differs: in_range.iter().filter(|t| !t.logged_as_sdk()).count(),
            }
        })
        .collect()
}

fn has_fields(template: &str) -> bool {
    fn any(parts: &[Part<'_>]) -> bool {
        parts.iter().any(|p| match p {
            Part::Field(n) => *n >= 2,
            Part::Group(inner) => any(inner),
            Part::Text(_) => false,
        })
    }
    parse_template(template).is_ok_and(|p| any(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_parses_and_has_one_sdk_wording_per_number() {
        let rows = parse_rows(FILE.0, FILE.1).unwrap();
        assert!(rows.len() >= 540, "{}", rows.len());
        assert_eq!(rows.len(), message_texts().len());
    }

    #[test]
    fn templates_parse_into_fields_and_groups() {
        let p = parse_template("A [2]{ b [3]}{{ c [4].}} [ProductName]").unwrap();
        assert_eq!(p.len(), 5, "{p:?}");
        assert_eq!(p[1], Part::Field(2));
        assert!(matches!(p[2], Part::Group(_)));
        assert!(parse_template("a {b").is_err());
        assert!(parse_template("a }b").is_err());
        assert!(parse_template("[99]").is_err());
    }

    #[test]
    fn groups_drop_when_a_field_is_missing() {
        let t = "The file [2][3] is being held in use{ by the following process: Name: [4], Id: [5]}. Close it.";
        assert_eq!(
            format_template(t, &["C:\\a\\", "b.dll", "x.exe", "42"]),
            "The file C:\\a\\b.dll is being held in use by the following process: Name: x.exe, Id: 42. Close it."
        );
        assert_eq!(
            format_template(t, &["C:\\a\\", "b.dll"]),
            "The file C:\\a\\b.dll is being held in use. Close it."
        );
    }

    #[test]
    fn malformed_rows_name_their_line() {
        let head = "# version: 1\ncode\tform\ttext\n";
        for (body, needle) in [
            ("1\tsdk\n", "2 fields"),
            ("x\tsdk\tT\n", "bad message number"),
            ("1\tlogged\tT\n", "must follow"),
            ("1\tsdk\tT\n1\tsdk\tU\n", "two sdk rows"),
            ("1\tsdk\tT\n1\tlogged\tT\n", "repeated"),
            ("1\tsdk\tT {\n", "unclosed"),
            ("1\tsdk\t \n", "empty"),
            ("1\tbook\tT\n", "form"),
        ] {
            let text: &'static str = Box::leak(format!("{head}{body}").into_boxed_str());
            let e = parse_rows("t.tsv", text).unwrap_err();
            assert!(e.problem.contains(needle), "{body:?}: {e}");
            assert!(e.line >= 3, "{body:?}: {e}");
        }
        let e = parse_rows("t.tsv", "code\tform\ttext\n").unwrap_err();
        assert!(e.problem.contains("version"), "{e}");
    }

    #[test]
    fn cut_lines_match_partially() {
        let line = "Error 1935. An error occurred during the installation of assembly component {97F81AF1-0E47-DC99-A01F-C8B3B9A1E18E}. HRESULT: 0x80070005";
        let m = match_message(1935, line).unwrap();
        assert_eq!(m.args[0], "{97F81AF1-0E47-DC99-A01F-C8B3B9A1E18E}");
        assert_eq!(m.args[1], "0x80070005");
        let line = "Error 1935. An error occurred during the installation of assembly component {97F81AF1}. HRESULT";
        let m = match_message(1935, line).unwrap();
        assert!(!m.complete);
    }
}
