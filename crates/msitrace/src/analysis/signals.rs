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
use regex::Regex;
use std::sync::{LazyLock, OnceLock};

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
    if line.is_empty() || !m.gate.is_match(line) {
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

/// True when `line` holds a literal a rule looks for (`WIX_DOWNGRADE_DETECTED`).
pub fn names_a_rule_literal(line: &str) -> bool {
    scan(line).needle
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
    /// A custom action's own error line with its HRESULT (see [`custom_action_error`]): it says
    /// why the action returned its error code.
    CustomActionError = 89,
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
    } else if let Some(code) = (found.strong || found.weak)
        .then(|| quoted_error_code(line))
        .flatten()
    {
        // The wording of an installer error: as strong as the `DEBUG: Error N` line it repeats,
        // unless the number is UI or lookup chatter.
        message_strength(MessageLevel::Debug, code)
    } else if found.strong && custom_action_error(line).is_some_and(|e| !e.is_wrapper()) {
        Some(Strength::CustomActionError)
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
        // A property whose name a rule looks for (`WIX_DOWNGRADE_DETECTED`): kept for the rule,
        // never a clue by its words.
        Kind::Property { .. } => names_a_rule_literal(first_line).then_some(Strength::WeakText),
        // An error the installer told the user (`Product: X -- Error 1920. …`, `… The error code
        // is 2503. …`): as strong as a debug error, so that the message's own line (`Error
        // 1920.`), when the log has it, is the one cited.
        Kind::ProductNotice { text, .. } if quoted_error_code(text).is_some() => {
            quoted_error_code(text).and_then(|code| message_strength(MessageLevel::Debug, code))
        }
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
    let strength = match level {
        MessageLevel::Error => Strength::Error,
        MessageLevel::Internal => Strength::InternalError,
        MessageLevel::Debug => Strength::DebugError,
        MessageLevel::Note if (1720..=1723).contains(&code) || code == 1706 => Strength::ActionNote,
        MessageLevel::Warning => Strength::WeakText,
        _ => return None,
    };
    // The knowledge base is asked last: most messages (notes, info) score nothing by level.
    (!codes::is_noise_message(code)).then_some(strength)
}

/// The installer message number a line quotes in words: `Error 1935. …`, `Internal Error
/// 2203. …` (as a `Product: X -- ` notice repeats them), or `… The error code is 2503. …` (the
/// wording of an internal error shown to the user).
pub fn quoted_error_code(text: &str) -> Option<u32> {
    let number = |s: &str| -> Option<u32> {
        let digits = s.trim_start();
        let end = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        let after = &digits[end..];
        // `Error 1935.` / `Error 2503:` / the end of a cut line; not `Error 0x…`.
        let ends = after.is_empty() || after.starts_with(['.', ':', ' ', ',']);
        digits[..end]
            .parse()
            .ok()
            .filter(|n| (1000..=29999).contains(n) && ends)
    };
    let text = text.trim_start();
    for word in ["Internal Error ", "Error "] {
        if let Some(rest) = text.strip_prefix(word) {
            return number(rest);
        }
    }
    if let Some(code) = localized_error_code(text) {
        return Some(code);
    }
    const SAID: &str = "error code is ";
    let at = crate::text::find_ignoring_case(text, SAID)?;
    number(&text[at + SAID.len()..])
}

/// One or two words and a message number: the shape of [`localized_error_code`].
static LOCALIZED: LazyLock<Regex> = LazyLock::new(|| {
    // Words are bounded in length after the match: a counted repetition of a Unicode class
    // costs milliseconds to compile, on every run.
    Regex::new(
        r"^(?P<word>[\p{L}\p{M}]{2,}(?: [\p{L}\p{M}]{2,})?)\s?(?P<n>[0-9]{4,5})(?:[.:。：,]|\s|$)",
    )
    .expect("localized error regex")
});

/// What a line needs before [`localized_error_code`]'s pattern can match it, told without the
/// pattern (which most runs then never compile): before its first ASCII digit, only letters
/// and at most two white-space characters among the ASCII ones.
fn may_quote_localized_error(text: &str) -> bool {
    let b = text.as_bytes();
    let Some(digit) = b.iter().position(u8::is_ascii_digit) else {
        return false;
    };
    let mut spaces = 0;
    digit >= 2
        && b[..digit].iter().all(|&c| {
            if c.is_ascii_whitespace() || c == 0x0b {
                spaces += 1;
                spaces <= 2
            } else {
                !c.is_ascii() || c.is_ascii_alphabetic()
            }
        })
}

/// The message number after the installer's word for "Error" in the UI language of the
/// machine (`Fehler 1935.`, `Erreur 1920.`, `Ошибка 1603.`, `错误 1935。`): one word and a
/// number of four or five digits, recognised by the number. The words for warnings and
/// information messages are not errors.
fn localized_error_code(text: &str) -> Option<u32> {
    const LONGEST_WORD: usize = 24;
    const NOT_ERRORS: &[&str] = &[
        "info",
        "warning",
        "warnung",
        "avertissement",
        "advertencia",
        "avviso",
        "aviso",
        "waarschuwing",
        "varning",
        "advarsel",
        "varoitus",
        "ostrzeżenie",
        "upozornění",
        "figyelmeztetés",
        "uyarı",
        "предупреждение",
        "попередження",
        "警告",
        "경고",
        "information",
        "informationen",
        "informação",
        "informazioni",
        "información",
        "informatie",
        "informacja",
        "информация",
        "情報",
        "信息",
        "資訊",
        "정보",
        "action",
        "note",
        "version",
        "build",
    ];
    if !may_quote_localized_error(text) {
        return None;
    }
    let caps = LOCALIZED.captures(text)?;
    if caps["word"]
        .split(' ')
        .any(|w| w.chars().count() > LONGEST_WORD)
    {
        return None;
    }
    let word = caps["word"].to_lowercase();
    if NOT_ERRORS.iter().any(|w| word == *w) {
        return None;
    }
    caps["n"]
        .parse()
        .ok()
        .filter(|n| (1000..=29999).contains(n))
}

/// A custom action's own error line: `Name:  Error 0x80070534: message` (WiX custom actions:
/// ExecSecureObjects, ExecServiceConfig, WixQuietExec, ExecXmlFile, …) or `Name:  Error: message.
/// HResult: 0x80070057.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomActionError<'a> {
    /// The custom action (its entry point) as the line names it.
    pub action: &'a str,
    /// The HRESULT.
    pub hresult: u32,
    /// What the action says after the HRESULT.
    pub message: &'a str,
}

impl CustomActionError<'_> {
    /// True for the lines a command-running action adds after the command's own output
    /// (`Command line returned an error.`, `QuietExec Failed`, `Failed in ExecCommon method`):
    /// they say only that a step failed; the output above them says why.
    pub fn is_wrapper(&self) -> bool {
        let m = self
            .message
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        m.contains("command line returned an error")
            || m.starts_with("failed in ")
            || m.starts_with("failed to get command line")
            || (m.ends_with(" failed") && m.split_whitespace().count() <= 2)
    }
}

/// Read a custom action's error line (see [`CustomActionError`]).
pub fn custom_action_error(line: &str) -> Option<CustomActionError<'_>> {
    let line = line.trim_start();
    let colon = line.find(':')?;
    let action = &line[..colon];
    let named = action.len() <= 80
        && action.starts_with(|c: char| c.is_ascii_alphabetic())
        && action
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !named {
        return None;
    }
    let rest = line[colon + 1..].trim_start();
    let hex = |h: &str| -> Option<u32> { u32::from_str_radix(h.get(..8)?, 16).ok() };
    if let Some(r) = rest
        .strip_prefix("Error 0x")
        .or_else(|| rest.strip_prefix("error 0x"))
    {
        let hresult = hex(r)?;
        let message = r.get(8..)?.strip_prefix(':')?.trim();
        return Some(CustomActionError {
            action,
            hresult,
            message,
        });
    }
    let r = rest.strip_prefix("Error:")?;
    let at = r.rfind("HResult: 0x")?;
    let hresult = hex(&r[at + "HResult: 0x".len()..])?;
    Some(CustomActionError {
        action,
        hresult,
        message: r[..at].trim().trim_end_matches('.'),
    })
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
        // A custom action's own error line names why it failed; the lines that only wrap a
        // command's output do not.
        assert_eq!(
            text_strength("WixQuietExec64:  Error 0x80070057: invalid command line property value"),
            Some(Strength::CustomActionError)
        );
        assert_eq!(
            text_strength("WixQuietExec64:  Error 0x80070057: Failed in ExecCommon method"),
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

#[cfg(test)]
mod example_custom_action_error_example {
    #[test]
    fn custom_action_error_example() {
        use crate::analysis::signals::custom_action_error;
        let e = custom_action_error(
            r"ExecSecureObjects:  Error 0x80070534: failed to get sid for account: BUILTIN\Users",
        )
        .unwrap();
        assert_eq!((e.action, e.hresult), ("ExecSecureObjects", 0x80070534));
        assert_eq!(e.message, r"failed to get sid for account: BUILTIN\Users");
        let e = custom_action_error("CAInitSPPTokenStore.x86:  Error: Failed to initialize the SPP Token store. HResult: 0x80070057.").unwrap();
        assert_eq!(e.hresult, 0x80070057);
        assert!(custom_action_error(
            "WixQuietExec64:  Error 0x80070001: Command line returned an error."
        )
        .unwrap()
        .is_wrapper());
        assert!(
            custom_action_error("CAQuietExec:  Error 0x80070005: CAQuietExec Failed")
                .unwrap()
                .is_wrapper()
        );
        // Near misses: an engine line, a message number, a line without an HRESULT.
        assert!(
            custom_action_error("MSI (s) (0C:F4) [16:45:32:241]: Error 0x80070005: denied")
                .is_none()
        );
        assert!(custom_action_error(
            "DEBUG: Error 2503:  Called RunScript when not marked in progress."
        )
        .is_none());
        assert!(custom_action_error("ExecServiceConfig:  Service not found, skipping").is_none());
    }
}

#[cfg(test)]
mod localized_error_tests {
    use super::*;

    #[test]
    fn the_localized_error_check_refuses_no_line_the_pattern_matches() {
        let starts = ["", " ", "x ", "-", "Error", "12 "];
        let words = [
            "Fehler",
            "Erreur",
            "Ошибка",
            "错误",
            "Ε\u{301}rror",
            "ab cd",
            "ab  cd",
            "ab\tcd",
            "a",
            "Zz",
        ];
        let gaps = [
            "", " ", "\t", "\u{a0}", "\u{3000}", "\u{b}", "  ", ":", ". ", "-",
        ];
        let numbers = ["1935", "12", "123456", "0x1"];
        let ends = ["", ".", "。", " x", ":", "x"];
        let mut matched = 0;
        for start in starts {
            for word in words {
                for gap in gaps {
                    for number in numbers {
                        for end in ends {
                            let line = format!("{start}{word}{gap}{number}{end}");
                            if LOCALIZED.is_match(&line) {
                                matched += 1;
                                assert!(may_quote_localized_error(&line), "{line:?}");
                            }
                        }
                    }
                }
            }
        }
        assert!(matched > 100, "{matched}");
    }
}

#[cfg(test)]
mod example_quoted_error_code_example {
    #[test]
    fn quoted_error_code_example() {
        use crate::analysis::signals::quoted_error_code;
        assert_eq!(
            quoted_error_code(
                "Error 1935. An error occurred during the installation of assembly component"
            ),
            Some(1935)
        );
        assert_eq!(quoted_error_code("The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , "), Some(2503));
        assert_eq!(quoted_error_code("Error writing to file"), None);
        assert_eq!(quoted_error_code("Error 0x80070005: access denied"), None);
        // The installer's word for "Error" in the machine's language.
        assert_eq!(
            quoted_error_code("Fehler 1935. Fehler bei der Installation der Assemblykomponente"),
            Some(1935)
        );
        assert_eq!(
            quoted_error_code("Erreur 1920. Le service n'a pas pu démarrer"),
            Some(1920)
        );
        assert_eq!(quoted_error_code("Ошибка 1603."), Some(1603));
        assert_eq!(
            quoted_error_code("错误 1935。安装程序集组件时出错"),
            Some(1935)
        );
        assert_eq!(quoted_error_code("Warnung 1946. Eigenschaft"), None);
        assert_eq!(quoted_error_code("Version 5000. build"), None);
    }
}
