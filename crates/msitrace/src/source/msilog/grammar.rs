//! The line grammar: one function per line shape (see the table in the module documentation).

#[cfg(test)]
use super::entry::Parsed;
use super::entry::{Deferred, Entry, Scanned, Shape};
use super::prefix::*;
use crate::event::*;
use chrono::NaiveTime;
use memchr::memmem::Finder;
use std::sync::LazyLock;

/// Classify one line and build its kind. `None`: no known shape (a continuation line).
#[cfg(test)]
pub(crate) fn parse_line(line: &str) -> Option<Parsed> {
    let scanned = scan_line(line, true, &mut LastProcess::default())?;
    let kind = match scanned.shape {
        Shape::Built(kind) => kind,
        Shape::Deferred(d) => d.build(&line[scanned.body_at..])?,
    };
    Some(Parsed {
        kind,
        process: scanned.process,
        time: scanned.time,
    })
}

/// Classify one line, deferring the kinds that can wait when `defer` is set (`last`: the process
/// part of the engine prefix read before). `None`: no known shape.
pub(super) fn scan_line(line: &str, defer: bool, last: &mut LastProcess) -> Option<Scanned> {
    let mut entry = Entry::empty();
    let time = scan_line_into(line, defer, last, &mut entry)?;
    Some(Scanned {
        shape: match entry.deferred {
            Some(deferred) => Shape::Deferred(deferred),
            None => Shape::Built(entry.kind),
        },
        process: entry.process,
        time,
        body_at: entry.body_at,
    })
}

/// [`scan_line`] into an entry buffer: its kind, deferred kind, process and body offset are
/// set, and the line's time returned. The kinds are large, and each line's would be moved
/// several times on its way to the buffer if returned. `None`: no known shape (those fields of
/// `entry` are then left in no particular state).
pub(super) fn scan_line_into(
    line: &str,
    defer: bool,
    last: &mut LastProcess,
    entry: &mut Entry,
) -> Option<Option<NaiveTime>> {
    if let Some(p) = last.engine_prefix(line) {
        let body = &line[p.body_at..];
        let time = match scan_body_into(body, defer, entry) {
            Some(t) => p.time.or(t),
            None => {
                entry.kind = Kind::Text;
                entry.deferred = None;
                p.time
            }
        };
        let role = match p.side {
            'c' | 'C' => Some(ProcessRole::InstallerClient),
            's' | 'S' => Some(ProcessRole::InstallerServer),
            'N' | 'n' => Some(ProcessRole::NestedInstall),
            'a' | 'A' => Some(ProcessRole::CustomActionServer),
            _ => None,
        };
        // Scrubbed ids tie the line to no process.
        entry.process = (!p.scrubbed).then_some(ProcessRef {
            pid: p.pid,
            tid: Some(p.tid),
            image: None,
            partial: true,
            role,
        });
        entry.body_at = p.body_at;
        return Some(time);
    }
    entry.process = None;
    if let Some(time) = scan_body_into(line, defer, entry) {
        entry.body_at = 0;
        return Some(time);
    }
    // Wrapped logs (e.g. `MSI(INFO): 'Action ended ...`) still carry action lines.
    static ACTION: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("Action "));
    let at = ACTION.find(line.as_bytes()).filter(|&at| at > 0)?;
    let time = scan_body_into(&line[at..], defer, entry)?;
    let action = match entry.deferred {
        Some(deferred) => deferred == Deferred::ActionProgress,
        None => matches!(entry.kind, Kind::MsiAction { .. }),
    };
    entry.body_at = at;
    action.then_some(time)
}

/// Classify the body of a line into an entry buffer (see [`scan_line_into`]), deferring the
/// kinds that can wait when `defer` is set: its kind and deferred kind are set only when the
/// body has a shape.
pub(super) fn scan_body_into(
    body: &str,
    defer: bool,
    entry: &mut Entry,
) -> Option<Option<NaiveTime>> {
    let mut built = |(kind, time)| {
        entry.kind = kind;
        entry.deferred = None;
        Some(time)
    };
    if !defer {
        return built(parse_body(body)?);
    }
    let deferred = match *body.as_bytes().first()? {
        b'F' | b'C' if state_parts(body).is_some() => Deferred::InstallState,
        b'P' if property_parts(body).is_some() => Deferred::Property,
        b'P' if property_change_parts(body).is_some() => Deferred::PropertyChange,
        b'N' => Deferred::Note {
            code: note_code(body)?,
        },
        b'A' => {
            let (parts, time) = action_parts(body)?;
            if parts.phase != ActionWord::Progress {
                return built((action_kind(parts)?, time));
            }
            entry.kind = Kind::Text;
            entry.deferred = Some(Deferred::ActionProgress);
            return Some(time);
        }
        _ => return built(parse_body(body)?),
    };
    entry.kind = Kind::Text;
    entry.deferred = Some(deferred);
    Some(None)
}

/// Classify the body of a line (after any engine prefix).
/// The kind of an installer line body read outside an MSI log (a tool relaying the installer's
/// words: `MSI: Error 1920. ...`); `None` when the text has no installer shape.
pub fn body_kind(body: &str) -> Option<Kind> {
    parse_body(body).map(|(kind, _)| kind)
}

pub(super) fn parse_body(body: &str) -> Option<(Kind, Option<NaiveTime>)> {
    let first = *body.as_bytes().first()?;
    let none = |k| Some((k, None));
    match first {
        b'=' => parse_boundary(body),
        b'A' => parse_action(body),
        b'C' => {
            if let Some(k) = parse_custom_action_result(body) {
                return none(k);
            }
            parse_state(body).and_then(none)
        }
        b'F' => parse_state(body).and_then(none),
        b'E' | b'I' | b'D' => parse_message(body).and_then(none),
        b'W' => parse_outcome(body)
            .map(Kind::MsiOutcome)
            .or_else(|| parse_message(body))
            .and_then(none),
        b'N' => parse_note(body).and_then(none),
        b'P' => parse_property(body)
            .or_else(|| parse_property_change(body))
            .or_else(|| parse_product_notice(body))
            .and_then(none),
        b'M' => parse_engine_return(body)
            .or_else(|| parse_policy(body))
            .and_then(none),
        b'U' => parse_policy(body).and_then(none),
        b'R' => parse_elevation(body).and_then(none),
        b'T' => parse_unexpected_error(body).and_then(none),
        _ => None,
    }
}

pub(super) fn parse_boundary(body: &str) -> Option<(Kind, Option<NaiveTime>)> {
    let rest = body.strip_prefix("=== ")?;
    let (verbose, rest) = match rest.strip_prefix("Verbose logging ") {
        Some(r) => (true, r),
        None => (false, rest.strip_prefix("Logging ")?),
    };
    let (started, rest) = if let Some(r) = rest.strip_prefix("started:") {
        (true, r)
    } else {
        (false, rest.strip_prefix("stopped:")?)
    };
    let rest = rest.trim_end().trim_end_matches('=').trim();
    let mut tokens = rest.split_whitespace();
    let date_text = tokens.next().unwrap_or("").to_string();
    let time = tokens.next().and_then(parse_clock);
    let field = |key: &str| {
        rest.find(key).map(|at| {
            let v = &rest[at + key.len()..];
            let end = v.find("  ").unwrap_or(v.len());
            v[..end].trim().to_string()
        })
    };
    Some((
        Kind::MsiLogBoundary(LogBoundary {
            started,
            verbose,
            date_text,
            build: field("Build type:"),
            calling_process: field("Calling process:"),
        }),
        time,
    ))
}

/// `Action start T: Name.` · `Action ended T: Name. Return value N.` · `Action T: Name. Text`.
pub(super) fn parse_action(body: &str) -> Option<(Kind, Option<NaiveTime>)> {
    let (parts, time) = action_parts(body)?;
    Some((action_kind(parts)?, time))
}

/// The word after `Action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ActionWord {
    Start,
    Ended,
    /// None: `Action 7:21:48: Name. Text`.
    Progress,
}

/// An action line read up to its text: which one it is and the text after its time.
#[derive(Debug, Clone, Copy)]
pub(super) struct ActionParts<'a> {
    pub(super) phase: ActionWord,
    pub(super) after: &'a str,
}

/// Recognize an action line and read its time (see [`parse_action`]).
pub(super) fn action_parts(body: &str) -> Option<(ActionParts<'_>, Option<NaiveTime>)> {
    let rest = body.strip_prefix("Action")?;
    let (phase, rest) = if let Some(r) = rest.strip_prefix(" start") {
        (ActionWord::Start, r)
    } else if let Some(r) = rest.strip_prefix(" ended") {
        (ActionWord::Ended, r)
    } else {
        (ActionWord::Progress, rest)
    };
    // Time token up to ": " (may be missing: `Action ended: X.`, or a placeholder: `Time`).
    let (time, after) = if let Some(r) = rest.strip_prefix(": ") {
        (None, r)
    } else {
        let r = rest.strip_prefix(' ')?;
        let colon = find_pair(r, b':', b' ')?;
        let token = &r[..colon];
        if token.contains(' ') {
            return None;
        }
        let time = parse_clock(token);
        if phase == ActionWord::Progress && time.is_none() {
            // `Action` followed by prose is not an action line.
            return None;
        }
        (time, &r[colon + 2..])
    };
    Some((ActionParts { phase, after }, time))
}

/// The kind of a recognized action line (`None`: an `ended` line without its return value).
pub(super) fn action_kind(parts: ActionParts<'_>) -> Option<Kind> {
    let after = parts.after;
    let kind = match parts.phase {
        ActionWord::Ended => {
            static RETURN_VALUE: LazyLock<Finder<'static>> =
                LazyLock::new(|| Finder::new(". Return value "));
            let at = RETURN_VALUE.find(after.as_bytes())?;
            let name = after[..at].trim().to_string();
            Kind::MsiAction {
                name,
                phase: ActionPhase::End {
                    return_value: leading_number(&after[at + 15..])?,
                },
            }
        }
        ActionWord::Start => Kind::MsiAction {
            name: after.trim_end().trim_end_matches('.').trim().to_string(),
            phase: ActionPhase::Start,
        },
        ActionWord::Progress => {
            let (name, text) = match find_pair(after, b'.', b' ') {
                Some(at) => (&after[..at], after[at + 2..].trim()),
                None => (after.trim_end().trim_end_matches('.'), ""),
            };
            Kind::MsiAction {
                name: name.trim().to_string(),
                phase: ActionPhase::Progress {
                    text: text.to_string(),
                },
            }
        }
    };
    Some(kind)
}

/// Where the two bytes `first`, `second` first occur side by side in `text` (a two-byte search
/// cheaper than building a substring searcher per line).
pub(super) fn find_pair(text: &str, first: u8, second: u8) -> Option<usize> {
    let b = text.as_bytes();
    memchr::memchr_iter(first, b).find(|&i| b.get(i + 1) == Some(&second))
}

/// The decimal number at the start of `text` (`None` without digits or beyond `u32`).
pub(super) fn leading_number(text: &str) -> Option<u32> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    text[..digits].parse().ok()
}

pub(super) fn parse_custom_action_result(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("CustomAction ")?;
    let at = rest.find("returned actual error code ")?;
    let action = rest[..at].trim().to_string();
    let tail = &rest[at + "returned actual error code ".len()..];
    Some(Kind::CustomActionResult {
        action,
        code: leading_number(tail)?,
        translated_to_success: tail.contains("translated to success"),
    })
}

/// `Error N. text`, `Error N.text`, `Info N.`, `Warning N.`, `DEBUG: Error N: text`,
/// `Internal Error N. args`.
pub(super) fn parse_message(body: &str) -> Option<Kind> {
    let (level, rest) = if let Some(r) = body.strip_prefix("DEBUG: Error ") {
        (MessageLevel::Debug, r)
    } else if let Some(r) = body.strip_prefix("Internal Error ") {
        (MessageLevel::Internal, r)
    } else if let Some(r) = body.strip_prefix("Error ") {
        (MessageLevel::Error, r)
    } else if let Some(r) = body.strip_prefix("Info ") {
        (MessageLevel::Info, r)
    } else if let Some(r) = body.strip_prefix("Warning ") {
        (MessageLevel::Warning, r)
    } else {
        return None;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 5 {
        return None;
    }
    let code = rest[..digits].parse().ok()?;
    let after = &rest[digits..];
    let text = match after.as_bytes().first() {
        Some(b'.') | Some(b':') => after[1..].trim(),
        None => "",
        _ => return None,
    };
    let args = if level == MessageLevel::Internal {
        text.split(',').map(|a| a.trim().to_string()).collect()
    } else {
        Vec::new()
    };
    Some(Kind::MsiMessage(MsiMessage {
        code,
        level,
        args,
        text: text.to_string(),
    }))
}

/// `The installer has encountered an unexpected error ... The error code is 2235. The arguments are: a, b`.
pub(super) fn parse_unexpected_error(body: &str) -> Option<Kind> {
    if !body.starts_with("The installer has encountered an unexpected error") {
        return None;
    }
    let at = body.find("The error code is ")?;
    let rest = &body[at + 18..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let code = rest[..digits].parse().ok()?;
    let args = rest
        .find("The arguments are: ")
        .map(|a| {
            rest[a + 19..]
                .split(',')
                .map(|s| s.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    Some(Kind::MsiMessage(MsiMessage {
        code,
        level: MessageLevel::Internal,
        args,
        text: body.to_string(),
    }))
}

/// `Note: 1: 2203 2: C:\x 3: -2147287038` — positional fields split on ` N: ` in order.
pub(super) fn parse_note(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("Note: 1: ")?;
    let mut fields = Vec::new();
    let mut remaining = rest;
    let mut next = 2;
    loop {
        let (field, after) = note_field(remaining, next);
        fields.push(field.to_string());
        let Some(after) = after else {
            break;
        };
        remaining = after;
        next += 1;
        if next > 32 {
            fields.push(remaining.trim().to_string());
            break;
        }
    }
    let code = fields.first()?.parse().ok()?;
    let args = fields.split_off(1);
    Some(Kind::MsiMessage(MsiMessage {
        code,
        level: MessageLevel::Note,
        args,
        text: String::new(),
    }))
}

/// The number of a `Note: 1: N ...` line: what [`parse_note`] reads as its code.
pub(super) fn note_code(body: &str) -> Option<u32> {
    let rest = body.strip_prefix("Note: 1: ")?;
    note_field(rest, 2).0.parse().ok()
}

/// The field that ends where field `next` starts (` next: `), and the text after that marker;
/// no marker: the rest is the last field.
pub(super) fn note_field(remaining: &str, next: u32) -> (&str, Option<&str>) {
    if let Some(at) = field_marker(remaining, next) {
        let after = numbered(&remaining[at + 1..], next).unwrap_or_default();
        (remaining[..at].trim(), Some(after))
    } else if let Some(after) = numbered(remaining, next) {
        // A field may be empty: `2:  3: x` has the marker right after the previous one.
        ("", Some(after))
    } else {
        (remaining.trim(), None)
    }
}

/// Where the first ` N: ` is in `text` (this runs on every note line: one pass over its colons,
/// no search string built).
pub(super) fn field_marker(text: &str, n: u32) -> Option<usize> {
    let b = text.as_bytes();
    memchr::memchr_iter(b':', b).find_map(|colon| {
        let start = colon.checked_sub(decimal_len(n))?;
        let marker = start.checked_sub(1)?;
        (b[marker] == b' '
            && b.get(colon + 1) == Some(&b' ')
            && numbered(&text[start..], n).is_some())
        .then_some(marker)
    })
}

/// The text after a leading `N: `.
pub(super) fn numbered(text: &str, n: u32) -> Option<&str> {
    let len = decimal_len(n);
    let digits = text.get(..len)?;
    let rest = text[len..].strip_prefix(": ")?;
    (digits.bytes().all(|c| c.is_ascii_digit())
        && digits.parse() == Ok(n)
        && !digits.starts_with('0'))
    .then_some(rest)
}

pub(super) fn decimal_len(n: u32) -> usize {
    if n < 10 {
        1
    } else {
        2
    }
}

/// `Property(S): Name = Value`.
pub(super) fn parse_property(body: &str) -> Option<Kind> {
    let (scope, name, value_at) = property_parts(body)?;
    Some(Kind::Property {
        scope,
        name: name.to_string(),
        value: body[value_at..].to_string(),
    })
}

/// The parts of a `Property(S): Name = Value` line: its scope, its name (trimmed) and where its
/// value starts in `body`.
pub(super) fn property_parts(body: &str) -> Option<(PropertyScope, &str, usize)> {
    let rest = body.strip_prefix("Property(")?;
    let scope = match rest.as_bytes().first()? {
        b'C' | b'c' => PropertyScope::Client,
        b'S' | b's' => PropertyScope::Server,
        b'N' | b'n' => PropertyScope::Nested,
        _ => return None,
    };
    let rest = rest[1..].strip_prefix("): ")?;
    // The first ` = ` (a byte search: the property dump is a large part of a verbose log).
    let b = rest.as_bytes();
    let eq = memchr::memchr_iter(b'=', b)
        .find(|&i| i > 0 && b[i - 1] == b' ' && b.get(i + 1) == Some(&b' '))?
        - 1;
    let value_at = body.len() - rest.len() + eq + 3;
    Some((scope, rest[..eq].trim(), value_at))
}

/// `PROPERTY CHANGE: Adding X property. Its value is 'V'.` and its Modifying/Deleting forms.
pub(super) fn parse_property_change(body: &str) -> Option<Kind> {
    // Searchers built once: a verbose log has thousands of these lines.
    static NEW_VALUE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("Its new value: '"));
    static VALUE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("Its value is '"));
    let (name, tail) = property_change_parts(body)?;
    let value = if let Some(v) = NEW_VALUE.find(tail.as_bytes()) {
        tail[v + 16..]
            .trim_end()
            .trim_end_matches('.')
            .trim_end_matches('\'')
    } else if let Some(v) = VALUE.find(tail.as_bytes()) {
        tail[v + 14..]
            .trim_end()
            .trim_end_matches('.')
            .trim_end_matches('\'')
    } else {
        ""
    };
    Some(Kind::Property {
        scope: PropertyScope::Change,
        name: name.to_string(),
        value: value.to_string(),
    })
}

/// The parts of a `PROPERTY CHANGE:` line: the property's name (trimmed) and the rest of the
/// line from ` property.` on, which states the value.
pub(super) fn property_change_parts(body: &str) -> Option<(&str, &str)> {
    static PROPERTY: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(" property."));
    let rest = body.strip_prefix("PROPERTY CHANGE: ")?;
    let (_verb, rest) = rest.split_once(' ')?;
    let at = PROPERTY.find(rest.as_bytes())?;
    Some((rest[..at].trim(), &rest[at..]))
}

/// `Product: X -- text`, or the outcome sentence.
pub(super) fn parse_product_notice(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("Product: ")?;
    let at = rest.find(" -- ")?;
    Some(Kind::ProductNotice {
        product: rest[..at].trim().to_string(),
        text: rest[at + 4..].trim().to_string(),
    })
}

/// `MainEngineThread is returning N`.
pub(super) fn parse_engine_return(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("MainEngineThread is returning ")?;
    Some(Kind::EngineReturn {
        code: leading_number(rest)?,
    })
}

/// `User policy value 'X' is N` / `Machine policy value 'X' is N`.
pub(super) fn parse_policy(body: &str) -> Option<Kind> {
    let (scope, rest) = if let Some(r) = body.strip_prefix("Machine policy value '") {
        (PolicyScope::Machine, r)
    } else {
        (PolicyScope::User, body.strip_prefix("User policy value '")?)
    };
    static IS: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("' is "));
    let at = IS.find(rest.as_bytes())?;
    let (name, value) = (&rest[..at], &rest[at + 5..]);
    Some(Kind::Policy {
        scope,
        name: name.to_string(),
        value: value.trim().to_string(),
    })
}

/// `Running product '{GUID}' with elevated privileges: Product is assigned.` (or user privileges).
pub(super) fn parse_elevation(body: &str) -> Option<Kind> {
    let rest = body.strip_prefix("Running product '")?;
    let (elevated, reason) = if let Some(at) = rest.find("with elevated privileges:") {
        (true, &rest[at + 25..])
    } else {
        let at = rest.find("with user privileges:")?;
        (false, &rest[at + 21..])
    };
    Some(Kind::Elevation {
        elevated,
        reason: reason.trim().to_string(),
    })
}

/// `Feature: F; Installed: Absent;   Request: Local;   Action: Local` (and `Component:`).
pub(super) fn parse_state(body: &str) -> Option<Kind> {
    let parts = state_parts(body)?;
    Some(Kind::InstallState {
        item: parts.item,
        name: parts.name.to_string(),
        installed: parts.installed.to_string(),
        request: parts.request.to_string(),
        action: parts.action.to_string(),
    })
}

/// The fields of a state line, as written.
pub(super) struct StateParts<'a> {
    pub(super) item: StateItem,
    pub(super) name: &'a str,
    pub(super) installed: &'a str,
    pub(super) request: &'a str,
    pub(super) action: &'a str,
}

/// Recognize a state line: at least one of its states is given.
pub(super) fn state_parts(body: &str) -> Option<StateParts<'_>> {
    let (item, rest) = if let Some(rest) = body.strip_prefix("Feature: ") {
        (StateItem::Feature, rest)
    } else {
        (StateItem::Component, body.strip_prefix("Component: ")?)
    };
    let mut state = StateParts {
        item,
        name: "",
        installed: "",
        request: "",
        action: "",
    };
    // One pass over the separators: `;` ends a part, the first `:` in a part ends its key (this
    // runs on every state line, a tenth of a verbose log).
    let b = rest.as_bytes();
    let (mut part, mut colon, mut first) = (0, None, true);
    let separators = memchr::memchr2_iter(b':', b';', b).chain([b.len()]);
    for i in separators {
        match b.get(i) {
            Some(b':') if colon.is_none() => colon = Some(i),
            Some(b';') | None if first => {
                // The first part is the name, colons and all.
                state.name = rest[..i].trim();
                (part, colon, first) = (i + 1, None, false);
            }
            Some(b';') | None => {
                if let Some(at) = colon {
                    let value = rest[at + 1..i].trim();
                    match rest[part..at].trim() {
                        "Installed" => state.installed = value,
                        "Request" => state.request = value,
                        "Action" => state.action = value,
                        _ => {}
                    }
                }
                (part, colon) = (i + 1, None);
            }
            _ => {}
        }
    }
    let given = [state.installed, state.request, state.action];
    (!given.iter().all(|v| v.is_empty())).then_some(state)
}

/// Parse the outcome sentence of a `Windows Installer ... the product.` line.
///
/// ```
/// use msitrace::source::msilog::parse_outcome;
/// use msitrace::event::InstallOperation;
/// let o = parse_outcome("Windows Installer removed the product. Product Name: X. Product Version: 1.0. Product Language: 1033. Manufacturer: Y. Removal success or error status: 0.").unwrap();
/// assert_eq!((o.operation, o.status, o.product.as_str()), (InstallOperation::Removal, 0, "X"));
/// ```
pub fn parse_outcome(body: &str) -> Option<MsiOutcome> {
    let rest = body.strip_prefix("Windows Installer ")?;
    let operation = if rest.starts_with("installed the product") {
        InstallOperation::Install
    } else if rest.starts_with("removed the product") {
        InstallOperation::Removal
    } else if rest.starts_with("reconfigured the product") {
        InstallOperation::Reconfigure
    } else if rest.starts_with("installed an update") || rest.starts_with("removed an update") {
        InstallOperation::Patch
    } else if rest.starts_with("installed an administrative") {
        InstallOperation::Admin
    } else {
        return None;
    };
    let at = rest.find("success or error status: ")?;
    let status = leading_number(&rest[at + 25..])?;
    let field = |key: &str| {
        rest.find(key).map(|a| {
            let v = &rest[a + key.len()..];
            let end = v.find(". ").unwrap_or(v.len());
            v[..end].trim().to_string()
        })
    };
    Some(MsiOutcome {
        operation,
        product: field("Product Name: ").unwrap_or_default(),
        version: field("Product Version: "),
        manufacturer: field("Manufacturer: "),
        language: field("Product Language: "),
        status,
    })
}
