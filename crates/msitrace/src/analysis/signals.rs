//! Which log lines can explain a failure, and how strongly.
//!
//! Every line near a failure is scored: numbered error messages, custom-action results, text
//! the literals the rule pack looks for (`contains`, see [`crate::rules`]), and free text with alarm words (`Error 0x...`, `failed`,
//! `denied`, ...). Known noise (UI chatter, optional-table lookups, `Doing action:` lines, the Error
//! table being transformed) scores nothing.

use crate::codes::{self, CodeScope};
use crate::event::{Event, Kind, MessageLevel};
use crate::text::LineScreen;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind};
use std::sync::OnceLock;

/// What a pattern of the combined matcher means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pattern {
    /// A literal some rule looks for.
    Needle,
    Ignore,
    Strong,
    Weak,
}

/// Alarm words that make a free-text line a strong clue.
const STRONG: &[&str] = &[
    "error 0x",
    "exception",
    "denied",
    "rejecting",
    "couldn't",
    "could not",
    "cannot",
    "unable to",
    "unauthorized",
    "ERROR:",
];
/// Alarm words that make a free-text line a weak clue.
const WEAK: &[&str] = &["error", "fail", "invalid", "not found", "abort"];
/// Text that marks a line as routine despite its alarm words.
const IGNORE: &[&str] = &[
    "Doing action:",
    "table Error",
    "continuing",
    "ErrorDialog",
    "Skipping action:",
    "Note: 1: ",
    "MsiLogging",
    "ERROR_SUCCESS",
    "returned 0",
    "no error",
    "ignore on failure",
    "translated to success",
];

struct Matchers {
    /// The alarm words and rule literals: a fast first check, since most lines match nothing.
    gate: LineScreen,
    /// One automaton over every pattern, so a line that passes the gate is scanned once.
    all: AhoCorasick,
    meaning: Vec<Pattern>,
}

fn matchers() -> &'static Matchers {
    static M: OnceLock<Matchers> = OnceLock::new();
    M.get_or_init(|| {
        let needles = crate::rules::builtin().literals();
        let mut patterns: Vec<&str> = needles.iter().map(String::as_str).collect();
        let mut meaning = vec![Pattern::Needle; patterns.len()];
        for (list, kind) in [
            (IGNORE, Pattern::Ignore),
            (STRONG, Pattern::Strong),
            (WEAK, Pattern::Weak),
        ] {
            patterns.extend_from_slice(list);
            meaning.extend(std::iter::repeat_n(kind, list.len()));
        }
        let gate = LineScreen::new(
            patterns
                .iter()
                .zip(&meaning)
                .filter(|(_, m)| **m != Pattern::Ignore)
                .map(|(p, _)| p),
        );
        let all = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("valid patterns");
        Matchers { gate, all, meaning }
    })
}

/// What one scan of a line found.
#[derive(Debug, Default)]
struct Scan {
    needle: bool,
    ignore: bool,
    strong: bool,
    weak: bool,
}

fn scan(line: &str) -> Scan {
    let m = matchers();
    let mut found = Scan::default();
    // Most lines have no alarm word at all: one fast check before collecting every hit. Ignore
    // patterns only matter beside an alarm word, so the gate leaves them out.
    if !m.gate.is_match(line) {
        return found;
    }
    for hit in m.all.find_overlapping_iter(line) {
        match m.meaning[hit.pattern().as_usize()] {
            Pattern::Needle => found.needle = true,
            Pattern::Ignore => found.ignore = true,
            Pattern::Strong => found.strong = true,
            Pattern::Weak => found.weak = true,
        }
    }
    found
}

/// The words without which a free-text line is no clue (alarm words and rule literals; the
/// ignore patterns only matter beside one of them). Give it to a reader
/// ([`crate::text::LineReader::with_screen`]) to learn per line, in one search per chunk, which
/// lines need [`text_strength`] at all: for a line without them it is `None`.
pub fn clue_screen() -> &'static LineScreen {
    &matchers().gate
}

/// How strongly a line can explain a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// A free-text line with a weak alarm word (`error`, `failed`, `invalid`).
    WeakText = 60,
    /// A free-text line with a strong alarm (`Error 0x...`, `denied`, `could not`).
    StrongText = 70,
    /// A custom-action failure note (`Note: 1: 1722 ...`).
    ActionNote = 85,
    /// `CustomAction X returned actual error code N`.
    CustomAction = 88,
    /// `DEBUG: Error N` (not noise).
    DebugError = 90,
    /// `Internal Error N` / unexpected-error text.
    InternalError = 95,
    /// A line matched by a cause rule of the rule pack.
    Signature = 98,
    /// `Error N.` message (not noise).
    Error = 100,
}

/// Score a free-text line (custom-action output, engine chatter).
pub fn text_strength(line: &str) -> Option<Strength> {
    let found = scan(line);
    if found.ignore && !found.needle {
        None
    } else if found.strong {
        Some(Strength::StrongText)
    } else if found.weak || found.needle {
        // A rule literal keeps the line; a matching cause rule raises it later.
        Some(Strength::WeakText)
    } else {
        None
    }
}

/// Score the first line of an entry from its kind; `None` when it explains nothing.
pub fn entry_strength(event: &Event) -> Option<Strength> {
    kind_strength(&event.kind, event.first_line())
}

/// Score an entry from its kind and its first line (see [`entry_strength`]).
pub fn kind_strength(kind: &Kind, first_line: &str) -> Option<Strength> {
    match kind {
        Kind::MsiMessage(m) => message_strength(m.level, m.code),
        Kind::CustomActionResult {
            code,
            translated_to_success: false,
            ..
        } if *code != 0 => Some(Strength::CustomAction),
        Kind::Text => text_strength(first_line),
        // What the installer told the user (`Product: X -- <message>`): a launch condition's text,
        // an error shown in a dialog. Routine status lines are not clues.
        Kind::ProductNotice { text, .. } => {
            // Numbered messages are also logged on their own line, which is the one cited.
            let routine = [
                "Installation ",
                "Removal ",
                "Configuration ",
                "Error ",
                "Info ",
                "Warning ",
                "Internal Error",
            ];
            (!routine.iter().any(|r| text.starts_with(r)))
                .then(|| text_strength(text).unwrap_or(Strength::WeakText))
        }
        _ => None,
    }
}

/// Score a numbered installer message by its level and number alone.
pub fn message_strength(level: MessageLevel, code: u32) -> Option<Strength> {
    if codes::is_noise_message(code) {
        return None;
    }
    match level {
        MessageLevel::Error => Some(Strength::Error),
        MessageLevel::Internal => Some(Strength::InternalError),
        MessageLevel::Debug => Some(Strength::DebugError),
        MessageLevel::Note if (1720..=1723).contains(&code) || code == 1706 => {
            Some(Strength::ActionNote)
        }
        MessageLevel::Warning => Some(Strength::WeakText),
        _ => None,
    }
}

/// True when an installer message is the file-in-use information (`Info 1603.`), which is not
/// the 1603 exit status.
pub fn is_file_in_use(event: &Event) -> bool {
    matches!(&event.kind, Kind::MsiMessage(m) if m.level == MessageLevel::Info && m.code == 1603)
}

/// Knowledge about a message number, when it is one.
pub fn message_info(code: u32) -> Option<&'static codes::CodeInfo> {
    codes::lookup(CodeScope::Message, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alarm_words() {
        assert_eq!(
            text_strength("WixQuietExec64:  Error 0x80070057: invalid command line property value"),
            Some(Strength::StrongText)
        );
        assert_eq!(
            text_strength("MSI_DBG: Invalid descriptor format"),
            Some(Strength::WeakText)
        );
        assert_eq!(text_strength("Property change done"), None);
        assert_eq!(
            text_strength("MSI (s) (0C:F4) [16:45:33:255]: Doing action: FatalError"),
            None
        );
        assert_eq!(
            text_strength(
                "CustomAction CleanupOld failed; this script is marked as ignore on failure"
            ),
            None
        );
        assert_eq!(
            text_strength("SchedSecureObjectsRollback:  Failed to store ACL rollback information with error 0x80070002 - continuing"),
            None
        );
    }

    #[test]
    fn rule_literals_keep_lines_without_alarm_words() {
        let ctx =
            "Info 1603. The file C:\\x.dll is being held in use by the following process: Name: A";
        assert_eq!(text_strength(ctx), Some(Strength::WeakText));
        assert_eq!(
            text_strength("MSI (s) (0C:F4) [16:45:33:255]: Doing action: _MSIExecute wait"),
            Some(Strength::WeakText)
        );
    }
}
