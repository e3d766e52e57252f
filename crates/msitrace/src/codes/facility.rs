//! HRESULT facilities, the parts of a facility by range, and HTTP status texts, as data
//! (`data/codes/facility.tsv`, `hresult_range.tsv`, `http.tsv`).
//!
//! Any HRESULT can be read from its layout: the facility says which component reported it
//! (`0x8024xxxx` is Windows Update, `0x800Bxxxx` certificates), a range inside the facility often
//! says which part (`0x80244xxx` is Windows Update talking to its server), and two facilities
//! carry another code in their low 16 bits: WIN32 (`0x80070643` is Win32 error 1603) and HTTP
//! (`0x80190194` is HTTP status 404).
//!
//! ```
//! use msitrace::codes::{facility, hresult_part, http_status};
//! assert_eq!(facility(36).unwrap().name, "WINDOWSUPDATE");
//! assert_eq!(hresult_part(0x8024_4019).unwrap().part, "Windows Update: protocol talker");
//! assert_eq!(http_status(404), Some("Not Found"));
//! ```

use super::data::DataError;
use serde::Serialize;
use std::sync::OnceLock;

/// The data format version these parsers read (each file's `# version:` line).
const VERSION: &str = "1";

/// Rows of a small versioned TSV file: `(line number, fields)`, after checking the version line,
/// the header and the field count of every row.
pub(crate) fn versioned_rows(
    file: &str,
    text: &'static str,
    header: &str,
) -> Result<Vec<(usize, Vec<&'static str>)>, DataError> {
    let error = |line: usize, problem: String| DataError {
        file: file.to_string(),
        line,
        problem,
    };
    let width = header.split('\t').count();
    let mut version = None;
    let mut seen_header = false;
    let mut rows = Vec::new();
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
            if line != header {
                return Err(error(number, format!("expected the header {header:?}")));
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
        let fields: Vec<&'static str> = line.split('\t').collect();
        if fields.len() != width {
            return Err(error(
                number,
                format!("{} fields, expected {width}", fields.len()),
            ));
        }
        if let Some(i) = fields
            .iter()
            .position(|f| f.trim().is_empty() || *f != f.trim())
        {
            return Err(error(number, format!("field {} is empty or padded", i + 1)));
        }
        rows.push((number, fields));
    }
    if !seen_header {
        return Err(error(0, "no header".to_string()));
    }
    Ok(rows)
}

/// A decimal or `0x` hexadecimal number.
pub(crate) fn parse_number(text: &str) -> Option<u32> {
    match text.strip_prefix("0x") {
        Some(hex) if !hex.is_empty() && hex.len() <= 8 => u32::from_str_radix(hex, 16).ok(),
        Some(_) => None,
        None if text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok(),
        None => None,
    }
}

/// An HRESULT facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facility {
    /// The facility number (bits 16–28 of the HRESULT).
    pub number: u16,
    /// The `FACILITY_` name without its prefix (`WIN32`, `URT`).
    pub name: &'static str,
    /// The component, in a few words.
    pub what: &'static str,
}

/// A part of a facility: the HRESULTs of one range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HResultPart {
    /// First value of the range.
    pub first: u32,
    /// Last value of the range (inclusive).
    pub last: u32,
    /// The part of the component (`Windows Update: download manager`).
    pub part: &'static str,
    /// How to read a code of the range.
    pub what: &'static str,
}

const FACILITY_FILE: (&str, &str) = (
    "facility.tsv",
    include_str!("../../data/codes/facility.tsv"),
);
const RANGE_FILE: (&str, &str) = (
    "hresult_range.tsv",
    include_str!("../../data/codes/hresult_range.tsv"),
);
const HTTP_FILE: (&str, &str) = ("http.tsv", include_str!("../../data/codes/http.tsv"));

/// Parse `facility.tsv`.
pub fn parse_facilities(file: &str, text: &'static str) -> Result<Vec<Facility>, DataError> {
    let mut out: Vec<Facility> = Vec::new();
    for (line, f) in versioned_rows(file, text, "facility\tname\twhat")? {
        let problem = |p: String| DataError {
            file: file.to_string(),
            line,
            problem: p,
        };
        let number = f[0]
            .parse::<u16>()
            .ok()
            .filter(|n| *n <= 0x1FFF)
            .ok_or_else(|| problem(format!("bad facility {:?}", f[0])))?;
        if !f[1]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(problem(format!("bad facility name {:?}", f[1])));
        }
        if out.iter().any(|x| x.number == number) {
            return Err(problem(format!("facility {number} is listed twice")));
        }
        out.push(Facility {
            number,
            name: f[1],
            what: f[2],
        });
    }
    Ok(out)
}

/// Parse `hresult_range.tsv`.
pub fn parse_ranges(file: &str, text: &'static str) -> Result<Vec<HResultPart>, DataError> {
    let mut out = Vec::new();
    for (line, f) in versioned_rows(file, text, "first\tlast\tpart\twhat")? {
        let problem = |p: String| DataError {
            file: file.to_string(),
            line,
            problem: p,
        };
        let first = parse_number(f[0]).ok_or_else(|| problem(format!("bad first {:?}", f[0])))?;
        let last = parse_number(f[1]).ok_or_else(|| problem(format!("bad last {:?}", f[1])))?;
        if last < first {
            return Err(problem("the range ends before it starts".to_string()));
        }
        out.push(HResultPart {
            first,
            last,
            part: f[2],
            what: f[3],
        });
    }
    Ok(out)
}

/// Parse `http.tsv`.
pub fn parse_http(file: &str, text: &'static str) -> Result<Vec<(u16, &'static str)>, DataError> {
    let mut out: Vec<(u16, &'static str)> = Vec::new();
    for (line, f) in versioned_rows(file, text, "status\treason")? {
        let status = f[0]
            .parse::<u16>()
            .ok()
            .filter(|s| (100..600).contains(s))
            .filter(|s| out.iter().all(|(x, _)| x != s))
            .ok_or_else(|| DataError {
                file: file.to_string(),
                line,
                problem: format!("bad or repeated status {:?}", f[0]),
            })?;
        out.push((status, f[1]));
    }
    Ok(out)
}

fn facilities() -> &'static [Facility] {
    static T: OnceLock<Vec<Facility>> = OnceLock::new();
    T.get_or_init(|| {
        parse_facilities(FACILITY_FILE.0, FACILITY_FILE.1).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn ranges() -> &'static [HResultPart] {
    static T: OnceLock<Vec<HResultPart>> = OnceLock::new();
    T.get_or_init(|| parse_ranges(RANGE_FILE.0, RANGE_FILE.1).unwrap_or_else(|e| panic!("{e}")))
}

fn http() -> &'static [(u16, &'static str)] {
    static T: OnceLock<Vec<(u16, &'static str)>> = OnceLock::new();
    T.get_or_init(|| parse_http(HTTP_FILE.0, HTTP_FILE.1).unwrap_or_else(|e| panic!("{e}")))
}

/// The facility of that number, when msitrace knows it.
pub fn facility(number: u16) -> Option<&'static Facility> {
    facilities().iter().find(|f| f.number == number)
}

/// Every facility msitrace knows, by number.
pub fn all_facilities() -> &'static [Facility] {
    facilities()
}

/// The part of its facility an HRESULT comes from, when a known range holds it.
pub fn hresult_part(value: u32) -> Option<&'static HResultPart> {
    ranges()
        .iter()
        .find(|r| (r.first..=r.last).contains(&value))
}

/// The reason phrase of an HTTP status code (`404` → `Not Found`).
pub fn http_status(status: u16) -> Option<&'static str> {
    http().iter().find(|(s, _)| *s == status).map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_parse() {
        assert!(facilities().len() > 50);
        assert!(ranges().len() > 20);
        assert!(http().len() > 30);
        assert_eq!(facility(7).unwrap().name, "WIN32");
        assert_eq!(facility(0x13).unwrap().name, "URT");
        assert!(facility(5).is_none());
    }

    #[test]
    fn ranges_and_statuses() {
        assert_eq!(
            hresult_part(0x8024_6002).unwrap().part,
            "Windows Update: download manager"
        );
        assert_eq!(
            hresult_part(0x800F_081F).unwrap().part,
            "Component-based servicing"
        );
        assert_eq!(hresult_part(0x800F_0203).unwrap().part, "Setup API");
        assert!(hresult_part(0x8000_4005).is_none());
        assert_eq!(http_status(503), Some("Service Unavailable"));
        assert_eq!(http_status(299), None);
    }

    #[test]
    fn malformed_rows_name_their_line() {
        let text: &'static str = "# version: 1\nfacility\tname\twhat\n7\tWIN32\tx\n7\tWIN\ty\n";
        let e = parse_facilities("f.tsv", text).unwrap_err();
        assert_eq!(e.line, 4);
        let text: &'static str = "# version: 1\nfirst\tlast\tpart\twhat\n0x2\t0x1\tp\tw\n";
        assert!(parse_ranges("r.tsv", text)
            .unwrap_err()
            .problem
            .contains("ends before"));
        let text: &'static str = "# version: 2\nstatus\treason\n404\tNot Found\n";
        assert!(parse_http("h.tsv", text)
            .unwrap_err()
            .problem
            .contains("version"));
        let text: &'static str = "# version: 1\nstatus\treason\n404\t Not Found\n";
        assert!(parse_http("h.tsv", text)
            .unwrap_err()
            .problem
            .contains("padded"));
    }
}
