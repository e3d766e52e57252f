//! The data files of the knowledge base (`data/codes/*.tsv`) and their row grammar.
//!
//! Each file is compiled in and parsed at first use. A row is eight tab-separated fields:
//!
//! | field      | form                                                                 |
//! |------------|----------------------------------------------------------------------|
//! | `scope`    | `exit`, `message`, `win32`, `hresult`, `ntstatus`, `msi_event`, `scm_event` |
//! | `code`     | decimal (`1603`) or hexadecimal (`0x80070643`)                       |
//! | `noise`    | `yes` when the code is routine chatter, else `no`                    |
//! | `category` | lower-case words joined by `_` (`file_access`)                       |
//! | `names`    | symbolic names separated by `,` (`STATUS_ACCESS_DENIED,ACCESS DENIED`), or `-` |
//! | `title`    | the meaning in a few words                                           |
//! | `remedy`   | what to do                                                           |
//! | `template` | for messages: the text with argument slots `[2]`, `[3:err]`, `[4:hr]`, or `-` |
//!
//! Lines starting with `#` are comments; the first other line is the header. A malformed row is a
//! bug in msitrace: [`parse_rows`] reports it with its file and line, and the tests load every file.

use super::{CodeInfo, CodeScope};
use thiserror::Error;

/// The compiled-in data files, by name.
pub(crate) const FILES: &[(&str, &str)] = &[
    ("exit.tsv", include_str!("../../data/codes/exit.tsv")),
    ("message.tsv", include_str!("../../data/codes/message.tsv")),
    ("win32.tsv", include_str!("../../data/codes/win32.tsv")),
    ("hresult.tsv", include_str!("../../data/codes/hresult.tsv")),
    (
        "ntstatus.tsv",
        include_str!("../../data/codes/ntstatus.tsv"),
    ),
    ("event.tsv", include_str!("../../data/codes/event.tsv")),
];

/// The header every data file carries.
const HEADER: &str = "scope\tcode\tnoise\tcategory\tnames\ttitle\tremedy\ttemplate";

/// A malformed row in a knowledge-base data file.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("data/codes/{file}:{line}: {problem}")]
pub struct DataError {
    /// The data file.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

/// How an argument slot of a message template is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotKind {
    /// Plain text (a path, a name).
    Text,
    /// A system error: a Win32 code, or an HRESULT when negative or hexadecimal.
    Error,
    /// An HRESULT.
    HResult,
}

/// One piece of a message template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Literal text.
    Text(&'a str),
    /// Argument slot `[n]` (n ≥ 2; `[2]` is the first argument after the message number).
    Slot(usize, SlotKind),
}

/// Split a template into literal text and slots; `Err` names a malformed slot.
pub(crate) fn template_pieces(template: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('[') {
        if open > 0 {
            pieces.push(Piece::Text(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let close = after
            .find(']')
            .ok_or_else(|| format!("unclosed slot in template {template:?}"))?;
        let inner = &after[..close];
        let (number, kind) = match inner.split_once(':') {
            Some((n, "err")) => (n, SlotKind::Error),
            Some((n, "hr")) => (n, SlotKind::HResult),
            Some((_, other)) => return Err(format!("unknown slot kind {other:?} in [{inner}]")),
            None => (inner, SlotKind::Text),
        };
        let n: usize = number
            .parse()
            .map_err(|_| format!("slot [{inner}] is not a number"))?;
        if !(2..=32).contains(&n) {
            return Err(format!("slot [{inner}] is out of range 2..=32"));
        }
        pieces.push(Piece::Slot(n, kind));
        rest = &after[close + 1..];
    }
    if rest.contains(']') {
        return Err(format!("stray ']' in template {template:?}"));
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

fn parse_scope(text: &str) -> Option<CodeScope> {
    Some(match text {
        "exit" => CodeScope::Exit,
        "message" => CodeScope::Message,
        "win32" => CodeScope::Win32,
        "hresult" => CodeScope::HResult,
        "ntstatus" => CodeScope::NtStatus,
        "msi_event" => CodeScope::MsiEvent,
        "scm_event" => CodeScope::ScmEvent,
        _ => return None,
    })
}

/// Read a code as written in the data: decimal or `0x` hexadecimal.
fn parse_code(text: &str) -> Option<u32> {
    match text.strip_prefix("0x") {
        Some(hex) if !hex.is_empty() && hex.len() <= 8 => u32::from_str_radix(hex, 16).ok(),
        Some(_) => None,
        None if text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok(),
        None => None,
    }
}

/// Parse one data file into rows. Every field is checked; the first problem is returned.
pub fn parse_rows(file: &str, text: &'static str) -> Result<Vec<CodeInfo>, DataError> {
    let error = |line: usize, problem: String| DataError {
        file: file.to_string(),
        line,
        problem,
    };
    let mut rows = Vec::new();
    let mut seen_header = false;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !seen_header {
            if line != HEADER {
                return Err(error(number, format!("expected the header {HEADER:?}")));
            }
            seen_header = true;
            continue;
        }
        let f: Vec<&'static str> = line.split('\t').collect();
        if f.len() != 8 {
            return Err(error(number, format!("{} fields, expected 8", f.len())));
        }
        let scope =
            parse_scope(f[0]).ok_or_else(|| error(number, format!("unknown scope {:?}", f[0])))?;
        let code = parse_code(f[1]).ok_or_else(|| error(number, format!("bad code {:?}", f[1])))?;
        let noise = match f[2] {
            "yes" => true,
            "no" => false,
            other => {
                return Err(error(
                    number,
                    format!("noise must be yes or no, not {other:?}"),
                ))
            }
        };
        let category = f[3];
        if category.is_empty()
            || !category
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
        {
            return Err(error(number, format!("bad category {category:?}")));
        }
        let names: Vec<&'static str> = match f[4] {
            "-" => Vec::new(),
            list => list.split(',').map(str::trim).collect(),
        };
        if names.iter().any(|n| n.is_empty()) {
            return Err(error(number, "empty name in the names list".to_string()));
        }
        for (what, value) in [("title", f[5]), ("remedy", f[6])] {
            if value.trim().is_empty() || value == "-" {
                return Err(error(number, format!("empty {what}")));
            }
        }
        let template = match f[7] {
            "-" => None,
            t if t.trim().is_empty() => {
                return Err(error(number, "empty template (use -)".to_string()))
            }
            t => {
                template_pieces(t).map_err(|p| error(number, p))?;
                Some(t)
            }
        };
        if template.is_some() && scope != CodeScope::Message {
            return Err(error(number, "only messages have templates".to_string()));
        }
        rows.push(CodeInfo {
            scope,
            code,
            noise,
            category,
            title: f[5],
            remedy: f[6],
            names,
            template,
        });
    }
    if !seen_header {
        return Err(error(0, "no header".to_string()));
    }
    Ok(rows)
}

/// Every row of every data file, or the first problem found (a duplicate scope and code included).
pub fn load_all() -> Result<Vec<CodeInfo>, DataError> {
    let mut all: Vec<CodeInfo> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (file, text) in FILES {
        for row in parse_rows(file, text)? {
            if let Some(first) = seen.insert((row.scope, row.code), *file) {
                return Err(DataError {
                    file: file.to_string(),
                    line: 0,
                    problem: format!(
                        "{} {} is listed twice (also in {first})",
                        row.scope.label(),
                        row.code
                    ),
                });
            }
            all.push(row);
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "# c\nscope\tcode\tnoise\tcategory\tnames\ttitle\tremedy\ttemplate\n";

    fn parse(body: &str) -> Result<Vec<CodeInfo>, DataError> {
        let text: &'static str = Box::leak(format!("{HEAD}{body}").into_boxed_str());
        parse_rows("t.tsv", text)
    }

    #[test]
    fn a_good_row() {
        let rows = parse("message\t2203\tyes\tlookup\t-\tT\tR\tOpen [2] ([3:err]).\n").unwrap();
        assert_eq!(rows[0].code, 2203);
        assert_eq!(rows[0].template, Some("Open [2] ([3:err])."));
        let rows =
            parse("hresult\t0x80070005\tno\taccess_denied\tE_ACCESSDENIED\tT\tR\t-\n").unwrap();
        assert_eq!(rows[0].code, 0x8007_0005);
        assert_eq!(rows[0].names, ["E_ACCESSDENIED"]);
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line() {
        for (body, needle) in [
            ("message\t1\tno\tx\t-\tT\tR\n", "7 fields"),
            ("mesage\t1\tno\tx\t-\tT\tR\t-\n", "unknown scope"),
            ("message\t1x\tno\tx\t-\tT\tR\t-\n", "bad code"),
            ("message\t0xZZ\tno\tx\t-\tT\tR\t-\n", "bad code"),
            ("message\t1\tmaybe\tx\t-\tT\tR\t-\n", "noise"),
            ("message\t1\tno\tFile Access\t-\tT\tR\t-\n", "category"),
            ("message\t1\tno\tx\t-\t\tR\t-\n", "empty title"),
            ("message\t1\tno\tx\t-\tT\t-\t-\n", "empty remedy"),
            ("message\t1\tno\tx\t-\tT\tR\tOpen [2\n", "unclosed"),
            ("message\t1\tno\tx\t-\tT\tR\tOpen [1]\n", "out of range"),
            ("message\t1\tno\tx\t-\tT\tR\tOpen [2:zz]\n", "slot kind"),
            ("win32\t1\tno\tx\t-\tT\tR\tOpen [2]\n", "only messages"),
            ("message\t1\tno\tx\ta,,b\tT\tR\t-\n", "empty name"),
        ] {
            let e = parse(body).unwrap_err();
            assert_eq!(e.line, 3, "{body:?}");
            assert!(e.problem.contains(needle), "{body:?}: {e}");
        }
    }

    #[test]
    fn a_missing_header_is_an_error() {
        let e = parse_rows("t.tsv", "exit\t0\tno\tx\t-\tT\tR\t-\n").unwrap_err();
        assert!(e.problem.contains("header"));
    }

    #[test]
    fn every_shipped_file_parses_without_duplicates() {
        let all = load_all().unwrap();
        assert!(all.len() > 500, "{}", all.len());
    }
}
