//! Reading a record's data back from its rendered message, for copies that carry only the
//! message (the General tab, `wevtutil /f:text`, `Format-List`, the CSV export).
//!
//! [`recover_data`] gives the data items the EVTX record would hold, in the same order and with
//! the same names, for the records [`crate::event::meaning`] interprets, so a text copy gets the
//! same meaning as the record. Three grammars cover them:
//!
//! - `Label: value` lists, read by position whatever the language ([`labelled_values`]):
//!   MsiInstaller 1033–1042, Service Control Manager 7045, Windows Error Reporting 1001, and
//!   Application Error 1000 (also its older comma form, [`segment_values`]);
//! - the whole message as the first data item: MsiInstaller `Product: X -- <text>` (10000–19999,
//!   any language) and notices, .NET Runtime 1026, SideBySide;
//! - sentence templates with inserts ([`match_template`], data in [`super::templates`]): Service
//!   Control Manager, Application Hang, Restart Manager, AppLocker, Code Integrity, Windows
//!   Update, in English. A Service Control Manager message in another language still gives its
//!   service when it is quoted, and its error text as written.
//!
//! [`identify`] names the provider and event of a bare message (no header), for the message
//! shapes that say it.

use super::labels::{fold, is_error_word, is_warning_word};
use super::templates::*;
use crate::event::EventData;

/// Longest message text the templates are matched against (the inserts are in the first lines).
const MAX_MATCHED: usize = 4096;

/// The data items of a record, read back from its message; empty when the shape is unknown.
///
/// ```
/// use msitrace::source::eventtext::message::recover_data;
/// let data = recover_data("MsiInstaller", 1033, "Windows Installer installed the product. Product Name: EMET 5.51. Product Version: 5.51. Product Language: 1033. Manufacturer: Microsoft Corporation. Installation success or error status: 1603.");
/// let values: Vec<_> = data.iter().map(|d| d.value.as_deref().unwrap()).collect();
/// assert_eq!(values, ["EMET 5.51", "5.51", "1033", "1603", "Microsoft Corporation"]);
/// ```
pub fn recover_data(provider: &str, event_id: u32, message: &str) -> Vec<EventData> {
    let message = message.trim();
    if message.is_empty() {
        return Vec::new();
    }
    let eq = |name: &str| provider.eq_ignore_ascii_case(name);
    if eq("MsiInstaller") {
        msi(event_id, message)
    } else if eq("Service Control Manager") {
        scm(event_id, message)
    } else if eq("Application Error") && event_id == 1000 {
        application_error(message)
    } else if eq("Application Hang") && event_id == 1002 {
        application_hang(message)
    } else if eq("Windows Error Reporting") && event_id == 1001 {
        error_report(message)
    } else if eq(".NET Runtime") || eq("SideBySide") {
        vec![unnamed(message)]
    } else if eq("Microsoft-Windows-RestartManager") {
        restart_manager(event_id, message)
    } else if eq("Microsoft-Windows-AppLocker") {
        match_template(APPLOCKER_TEMPLATE, message)
            .map(|v| vec![named("FilePath", &v[0])])
            .unwrap_or_default()
    } else if eq("Microsoft-Windows-CodeIntegrity") {
        match_template(CODE_INTEGRITY_TEMPLATE, message)
            .map(|v| vec![named("Process Name", &v[0]), named("File Name", &v[1])])
            .unwrap_or_default()
    } else if eq("Microsoft-Windows-WindowsUpdateClient") && event_id == 20 {
        match_template(UPDATE_FAILED_TEMPLATE, message)
            .map(|v| vec![named("errorCode", &v[0]), named("updateTitle", &v[1])])
            .unwrap_or_default()
    } else if eq("Microsoft-Windows-Windows Defender") {
        defender(message)
    } else {
        Vec::new()
    }
}

fn unnamed(v: &str) -> EventData {
    EventData {
        name: None,
        value: Some(v.to_string()),
    }
}

fn named(name: &str, v: &str) -> EventData {
    EventData {
        name: Some(name.to_string()),
        value: Some(v.to_string()),
    }
}

fn msi(id: u32, message: &str) -> Vec<EventData> {
    let values = || -> Vec<String> {
        labelled_values(message)
            .into_iter()
            .map(|(_, v)| v)
            .collect()
    };
    let numeric = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    // The order of the message's values, then the order of the record's data.
    let reorder = |count: usize, order: &[usize], check_last_numeric: bool| {
        let v = values();
        if v.len() < count {
            return Vec::new();
        }
        let v = &v[v.len() - count..];
        if check_last_numeric && !numeric(&v[count - 1]) {
            return Vec::new();
        }
        order.iter().map(|&i| unnamed(&v[i])).collect()
    };
    match id {
        // Name, version, language, manufacturer, status → name, version, language, status,
        // manufacturer.
        1033..=1035 => reorder(5, &[0, 1, 2, 4, 3], true),
        // ... manufacturer, update, status → ..., update, status, manufacturer.
        1036 | 1037 => reorder(6, &[0, 1, 2, 4, 5, 3], true),
        // ... manufacturer, restart type, reason → ..., type, manufacturer, reason.
        1038 => reorder(6, &[0, 1, 2, 4, 3, 5], false),
        1040 | 1042 => reorder(2, &[0, 1], true),
        10000..=19999 => product_notice(message)
            .map(|m| vec![unnamed(&m)])
            .unwrap_or_else(|| vec![unnamed(message)]),
        1005 | 1007 | 1008 | 1013 | 1015 | 1029 => vec![unnamed(message)],
        _ => Vec::new(),
    }
}

/// The `Product: X -- <text>` notice in a message, from its product label on (the word may be
/// localized: `Produkt:`, `Produit :`, `製品:`), with a typographic dash put back to ` -- `.
///
/// ```
/// use msitrace::source::eventtext::message::product_notice;
/// assert_eq!(product_notice("Error detail: Product: X — Installation failed.").unwrap(),
///            "Product: X -- Installation failed.");
/// assert_eq!(product_notice("Produkt: X -- Fehler 1935.").unwrap(), "Produkt: X -- Fehler 1935.");
/// assert!(product_notice("Installation failed.").is_none());
/// ```
pub fn product_notice(message: &str) -> Option<String> {
    let first = message.lines().next()?;
    let (dash_at, dash) = [" -- ", " — ", " – "]
        .iter()
        .filter_map(|d| first.find(d).map(|at| (at, *d)))
        .min_by_key(|(at, _)| *at)?;
    let head = &first[..dash_at];
    // Candidate starts: the line start and after each `: `.
    let mut starts = vec![0];
    starts.extend(head.match_indices(": ").map(|(i, _)| i + 2));
    starts.extend(head.match_indices(" : ").map(|(i, _)| i + 3));
    starts.sort_unstable();
    for s in starts {
        let rest = &head[s..];
        let Some(colon) = rest.find(':') else {
            continue;
        };
        let word = rest[..colon].trim_end();
        if word.is_empty() || word.chars().any(|c| !c.is_alphabetic()) || colon + 1 >= rest.len() {
            continue;
        }
        let mut out = String::with_capacity(message.len() - s);
        out.push_str(&message[s..s + dash_at - s]);
        out.push_str(" -- ");
        out.push_str(&message[dash_at + dash.len()..]);
        return Some(out);
    }
    None
}

fn scm(id: u32, message: &str) -> Vec<EventData> {
    if id == 7045 {
        let values = labelled_values(message);
        if values.len() < SCM_7045_NAMES.len() {
            return Vec::new();
        }
        let values = &values[values.len() - SCM_7045_NAMES.len()..];
        return SCM_7045_NAMES
            .iter()
            .zip(values)
            .map(|(n, (_, v))| named(n, v))
            .collect();
    }
    let Some((_, template)) = SCM_TEMPLATES.iter().find(|(i, _)| *i == id) else {
        return Vec::new();
    };
    let params = match match_template(template, message) {
        Some(v) => v,
        None => match scm_fallback(message) {
            Some(v) => v,
            None => return Vec::new(),
        },
    };
    let error_slot = error_slot(id);
    params
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let value = match (Some(i + 1) == error_slot, system_error_code(v)) {
                (true, Some(code)) => format!("%%{code}"),
                _ => v.clone(),
            };
            named(&format!("param{}", i + 1), &value)
        })
        .collect()
}

/// The insert of an SCM message that holds a system error text.
fn error_slot(id: u32) -> Option<usize> {
    match id {
        7000 | 7023 | 7024 => Some(2),
        7001 | 7032 | 7038 => Some(3),
        _ => None,
    }
}

/// An SCM message in a language without a template: the service when it is quoted, and the text
/// after the first line's colon (the error) when there is one.
fn scm_fallback(message: &str) -> Option<Vec<String>> {
    let service = quoted(message)?;
    let mut params = vec![service];
    let first = message.lines().next().unwrap_or("");
    if first.trim_end().ends_with(':') || first.trim_end().ends_with('：') {
        if let Some(err) = message
            .lines()
            .skip(1)
            .map(str::trim)
            .find(|l| !l.is_empty())
        {
            params.push(err.to_string());
        }
    }
    Some(params)
}

/// The first quoted span of a message (`"X"`, `“X”`, `„X“`, `«X»`, `「X」`).
fn quoted(text: &str) -> Option<String> {
    const PAIRS: &[(char, char)] = &[
        ('"', '"'),
        ('“', '”'),
        ('„', '“'),
        ('«', '»'),
        ('「', '」'),
        ('‘', '’'),
    ];
    let mut best: Option<(usize, String)> = None;
    for (open, close) in PAIRS {
        let Some(a) = text.find(*open) else { continue };
        let after = &text[a + open.len_utf8()..];
        let Some(b) = after.find(*close) else {
            continue;
        };
        let inner = after[..b].trim();
        if inner.is_empty() || inner.len() > 256 || inner.contains('\n') {
            continue;
        }
        if best.as_ref().is_none_or(|(at, _)| a < *at) {
            best = Some((a, inner.to_string()));
        }
    }
    best.map(|(_, v)| v)
}

/// The system error a text renders (`The user name or password is incorrect.` is 1326), for the
/// English texts of [`SYSTEM_ERROR_TEXTS`].
///
/// ```
/// use msitrace::source::eventtext::message::system_error_code;
/// assert_eq!(system_error_code("The user name or password is incorrect."), Some(1326));
/// assert_eq!(system_error_code("%%1053"), None);
/// ```
pub fn system_error_code(text: &str) -> Option<u32> {
    let t = collapse(text).to_lowercase();
    let t = t.trim().trim_end_matches('.');
    if t.is_empty() {
        return None;
    }
    SYSTEM_ERROR_TEXTS
        .iter()
        .find(|(_, known)| {
            let k = known.to_lowercase();
            t.starts_with(&k) || (k.starts_with("is not") && t.contains(&k))
        })
        .map(|(code, _)| *code)
}

fn application_error(message: &str) -> Vec<EventData> {
    let values = segment_values(message);
    if values.len() < 9 {
        return Vec::new();
    }
    APPLICATION_ERROR_NAMES
        .iter()
        .zip(values)
        .map(|(name, v)| {
            let v = if APPLICATION_ERROR_HEX.contains(name) {
                v.strip_prefix("0x")
                    .or_else(|| v.strip_prefix("0X"))
                    .map(str::to_string)
                    .unwrap_or(v)
            } else {
                v
            };
            named(name, &v)
        })
        .collect()
}

fn application_hang(message: &str) -> Vec<EventData> {
    let Some(head) = match_template(APPLICATION_HANG_TEMPLATE, message) else {
        return Vec::new();
    };
    let mut data = vec![named("AppName", &head[0]), named("AppVersion", &head[1])];
    let names = [
        "ProcessId",
        "StartTime",
        "TerminationTime",
        "AppPath",
        "ReportId",
    ];
    let values = labelled_values(message);
    data.extend(names.iter().zip(values).map(|(n, (_, v))| named(n, &v)));
    data
}

fn error_report(message: &str) -> Vec<EventData> {
    let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return Vec::new();
    };
    // `Fault bucket X, type Y`.
    let mut values: Vec<String> = first
        .split(", ")
        .filter_map(|s| s.split_whitespace().last())
        .map(str::to_string)
        .collect();
    if values.len() != 2 {
        return Vec::new();
    }
    for line in lines {
        if let Some((_, v)) = split_label(line) {
            if !v.is_empty() {
                values.push(v.to_string());
            }
        }
    }
    let names = [
        "Bucket",
        "BucketType",
        "EventName",
        "Response",
        "CabId",
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
        "P6",
        "P7",
        "P8",
        "P9",
        "P10",
    ];
    names
        .iter()
        .zip(values)
        .map(|(n, v)| named(n, &v))
        .collect()
}

fn restart_manager(id: u32, message: &str) -> Vec<EventData> {
    let Some((_, template, names)) = RESTART_MANAGER_TEMPLATES.iter().find(|(i, ..)| *i == id)
    else {
        return Vec::new();
    };
    match_template(template, message)
        .map(|v| names.iter().zip(v).map(|(n, v)| named(n, &v)).collect())
        .unwrap_or_default()
}

fn defender(message: &str) -> Vec<EventData> {
    let mut data = Vec::new();
    for line in message.lines() {
        if let Some((label, v)) = split_label(line.trim()) {
            let name = match fold(label).as_str() {
                "name" => "Threat Name",
                "path" => "Path",
                _ => continue,
            };
            if !v.is_empty()
                && !data
                    .iter()
                    .any(|d: &EventData| d.name.as_deref() == Some(name))
            {
                data.push(named(name, v));
            }
        }
    }
    data
}

/// `Label: value` on one line (`:` or `：`, the label short and without sentence ends).
fn split_label(line: &str) -> Option<(&str, &str)> {
    let at = line.find([':', '：'])?;
    let label = line[..at].trim();
    if label.is_empty() || label.chars().count() > 60 || label.contains(['.', '。']) {
        return None;
    }
    let colon = line[at..].chars().next()?.len_utf8();
    Some((label, line[at + colon..].trim()))
}

/// The values of a `Label: value. Label: value.` message, in order: a label starts the message,
/// a line or a sentence (after `. `, `。`) and ends at its colon; the value runs to the end of
/// the sentence before the next label. Language-independent: only the order counts.
///
/// ```
/// use msitrace::source::eventtext::message::labelled_values;
/// let v = labelled_values("Windows Installer hat das Produkt installiert. Produktname: X. Produktversion: 1.0. Hersteller: Contoso Ltd.. Status: 1603.");
/// let values: Vec<_> = v.iter().map(|(_, v)| v.as_str()).collect();
/// assert_eq!(values, ["X", "1.0", "Contoso Ltd.", "1603"]);
/// ```
pub fn labelled_values(text: &str) -> Vec<(String, String)> {
    let text = if text.len() > MAX_MATCHED {
        &text[..floor_boundary(text, MAX_MATCHED)]
    } else {
        text
    };
    // (label start, label end = after the colon, sentence end before the label start)
    let mut labels: Vec<(usize, usize, usize)> = Vec::new();
    let bytes = text.as_bytes();
    let mut candidates = vec![(0usize, 0usize)];
    for (i, c) in text.char_indices() {
        let next = i + c.len_utf8();
        match c {
            '\n' => candidates.push((next, i)),
            '。' => candidates.push((next, i)),
            '.' if next < bytes.len() && (bytes[next] == b' ' || bytes[next] == b'\t') => {
                candidates.push((next, i))
            }
            _ => {}
        }
    }
    for (start, sentence_end) in candidates {
        let rest = &text[start..];
        let skipped = rest.len() - rest.trim_start().len();
        let rest = rest.trim_start();
        // A label is short: look for its colon close to the start only.
        let window = &rest[..floor_boundary(rest, rest.len().min(240))];
        let Some(colon) = window.find([':', '：']) else {
            continue;
        };
        let label = &rest[..colon];
        if label.trim().is_empty()
            || label.chars().count() > 60
            || label.contains(['.', '。', '\n'])
            || !label.chars().any(char::is_alphabetic)
        {
            continue;
        }
        let colon_len = rest[colon..].chars().next().map_or(1, char::len_utf8);
        let after = &rest[colon + colon_len..];
        // `C:\path` is a drive, not a label.
        if after.starts_with('\\') || after.starts_with('/') {
            continue;
        }
        let label_start = start + skipped;
        if labels.last().is_some_and(|l| l.1 > label_start) {
            continue;
        }
        labels.push((label_start, label_start + colon + colon_len, sentence_end));
    }
    let mut out = Vec::with_capacity(labels.len());
    for (i, &(start, end, _)) in labels.iter().enumerate() {
        let label = text[start..end]
            .trim_end_matches([':', '：'])
            .trim()
            .to_string();
        let value_end = labels.get(i + 1).map_or(text.len(), |next| next.2);
        let value_end = value_end.max(end);
        let mut value = text[end..value_end].trim();
        if labels.get(i + 1).is_none() {
            value = value.strip_suffix(['.', '。']).unwrap_or(value).trim_end();
        }
        out.push((label, collapse(value)));
    }
    out
}

/// The values of a message written as comma- and line-separated items (`Faulting application
/// X, version Y, ...` or `Faulting application name: X, version: Y, ...`): each item's text after
/// its colon, or its last word when it has none. Empty items after a colon are kept (position
/// counts).
pub fn segment_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        for seg in line.split(", ").map(str::trim) {
            if let Some((_, v)) = split_label(seg) {
                out.push(v.trim_end_matches('.').to_string());
            } else if let Some(last) = seg.split_whitespace().last() {
                out.push(last.trim_end_matches('.').to_string());
            }
            if out.len() >= 64 {
                return out;
            }
        }
    }
    out
}

/// Match a message against a template with `{n}` inserts: the fixed text compares ignoring case
/// and the amount of white space; an insert runs to where the next fixed text starts, a final
/// insert to the end of its paragraph. A template ending in fixed text matches a message that
/// goes on after it. Returns the inserts in slot order.
///
/// ```
/// use msitrace::source::eventtext::message::match_template;
/// let v = match_template("The {1} service failed to start due to the following error: {2}",
///     "The Contoso Agent service failed to start due to the following error: \r\nAccess is denied.\r\n\r\nMore.").unwrap();
/// assert_eq!(v, ["Contoso Agent", "Access is denied."]);
/// ```
pub fn match_template(template: &str, text: &str) -> Option<Vec<String>> {
    let text = if text.len() > MAX_MATCHED {
        &text[..floor_boundary(text, MAX_MATCHED)]
    } else {
        text
    };
    // Cheap refusal first: a template opening with fixed text needs the message to open with
    // its first word.
    let first_word = template.split([' ', '{']).next().unwrap_or("");
    if !first_word.is_empty() && !starts_with_ignore_case(text.trim_start(), first_word) {
        return None;
    }
    let pieces = parse_template(template);
    let t: Vec<char> = text.trim().chars().collect();
    let mut at = 0usize;
    let mut slots: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Text(lit) => {
                at = literal_at(lit, &t, at)?;
            }
            Piece::Slot(n) => {
                let start = skip_space(&t, at);
                let end = match pieces.get(i + 1) {
                    Some(Piece::Text(lit)) => {
                        let mut found = None;
                        let mut p = start + 1;
                        while p <= t.len() {
                            if let Some(after) = literal_at(lit, &t, p) {
                                found = Some((p, after));
                                break;
                            }
                            p += 1;
                        }
                        let (p, after) = found?;
                        slots.push((*n, collapse(&t[start..p].iter().collect::<String>())));
                        at = after;
                        i += 2;
                        continue;
                    }
                    _ => paragraph_end(&t, start),
                };
                let value = collapse(&t[start..end].iter().collect::<String>());
                if value.is_empty() {
                    return None;
                }
                slots.push((*n, value));
                at = end;
            }
        }
        i += 1;
    }
    if slots.iter().any(|(_, v)| v.is_empty()) {
        return None;
    }
    slots.sort_by_key(|(n, _)| *n);
    Some(slots.into_iter().map(|(_, v)| v).collect())
}

#[derive(Debug)]
enum Piece {
    Text(Vec<char>),
    Slot(usize),
}

fn parse_template(template: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = Vec::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' {
            let mut n = String::new();
            while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                n.push(d);
                chars.next();
            }
            if !n.is_empty() && chars.peek() == Some(&'}') {
                chars.next();
                if !lit.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut lit)));
                }
                out.push(Piece::Slot(n.parse().unwrap_or(0)));
                continue;
            }
            lit.push('{');
            lit.extend(n.chars());
            continue;
        }
        lit.push(c);
    }
    if !lit.is_empty() {
        out.push(Piece::Text(lit));
    }
    out
}

/// Where fixed text `lit` ends when it starts at `at` in `t`; white space in `lit` matches any
/// amount of white space (none included), letters compare without case.
fn literal_at(lit: &[char], t: &[char], at: usize) -> Option<usize> {
    let mut p = at;
    let mut i = 0;
    while i < lit.len() {
        let c = lit[i];
        if c.is_whitespace() {
            while p < t.len() && t[p].is_whitespace() {
                p += 1;
            }
            while i < lit.len() && lit[i].is_whitespace() {
                i += 1;
            }
            continue;
        }
        let d = *t.get(p)?;
        if c != d && !c.to_lowercase().eq(d.to_lowercase()) {
            return None;
        }
        p += 1;
        i += 1;
    }
    Some(p)
}

fn skip_space(t: &[char], mut at: usize) -> usize {
    while at < t.len() && t[at].is_whitespace() {
        at += 1;
    }
    at
}

/// The end of the paragraph starting at `at` (a blank line ends it).
fn paragraph_end(t: &[char], at: usize) -> usize {
    let mut p = at;
    let mut newline_seen = false;
    while p < t.len() {
        if t[p] == '\n' {
            if newline_seen {
                return p;
            }
            newline_seen = true;
        } else if !t[p].is_whitespace() {
            newline_seen = false;
        }
        p += 1;
    }
    t.len()
}

/// White space runs as one space, trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The provider, event and level a bare message (a copy without its header) names by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identified {
    /// Provider name.
    pub provider: &'static str,
    /// Event id.
    pub event_id: u32,
    /// Level (2 error, 3 warning, 4 information).
    pub level: u8,
}

/// Name the record a bare message comes from, when its shape says it: an installer's
/// `Product: X -- Error 1935. ...` (any language), MsiInstaller outcomes and transactions, the
/// Service Control Manager failures, Application Error, Application Hang and Windows Error
/// Reporting (English).
///
/// ```
/// use msitrace::source::eventtext::message::identify;
/// let i = identify("Product: Contoso -- Error 1935. An error occurred.").unwrap();
/// assert_eq!((i.provider, i.event_id, i.level), ("MsiInstaller", 11935, 2));
/// assert_eq!(identify("The Spooler service terminated unexpectedly.  It has done this 1 time(s).").unwrap().event_id, 7031);
/// assert!(identify("Hello world").is_none());
/// ```
pub fn identify(message: &str) -> Option<Identified> {
    let m = message.trim();
    let found = |provider, event_id, level| {
        Some(Identified {
            provider,
            event_id,
            level,
        })
    };
    if let Some(notice) = product_notice(m) {
        let said = notice.split_once(" -- ").map_or("", |(_, s)| s).trim();
        for (text, id) in MSI_COMPLETIONS {
            if said.starts_with(text) {
                return found("MsiInstaller", *id, 4);
            }
        }
        let mut words = said.split_whitespace();
        if let (Some(word), Some(number)) = (words.next(), words.next()) {
            let digits = number.trim_end_matches(['.', '。', ':']);
            if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
                let n: u32 = digits.parse().ok()?;
                if is_error_word(word) {
                    return found("MsiInstaller", 10000 + n, 2);
                }
                if is_warning_word(word) {
                    return found("MsiInstaller", 10000 + n, 3);
                }
            }
        }
        if said.contains(MSI_INTERNAL_ERROR) {
            return found("MsiInstaller", 10005, 2);
        }
        return None;
    }
    for (start, id) in MSI_SENTENCES {
        if starts_with_ignore_case(m, start) {
            return found("MsiInstaller", *id, 4);
        }
    }
    for (id, template) in SCM_TEMPLATES {
        if match_template(template, m).is_some() {
            return found("Service Control Manager", *id, 2);
        }
    }
    if starts_with_ignore_case(m, "A service was installed in the system") {
        return found("Service Control Manager", 7045, 4);
    }
    if starts_with_ignore_case(m, "Faulting application") && segment_values(m).len() >= 9 {
        return found("Application Error", 1000, 2);
    }
    if match_template(APPLICATION_HANG_TEMPLATE, m).is_some() {
        return found("Application Hang", 1002, 2);
    }
    if starts_with_ignore_case(m, "Fault bucket") {
        return found("Windows Error Reporting", 1001, 4);
    }
    None
}

fn starts_with_ignore_case(text: &str, start: &str) -> bool {
    text.len() >= start.len()
        && text.is_char_boundary(start.len())
        && text[..start.len()].eq_ignore_ascii_case(start)
}

#[cfg(test)]
mod tests;
