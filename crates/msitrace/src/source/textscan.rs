//! Text of no known log form — a ticket, a forum post, a chat message, a console copy, notes —
//! scanned line by line for installer signals instead of being skipped.
//!
//! Registered last in [`crate::source::SOURCES`] and recognised at the weakest level
//! ([`Recognised::Text`]): any input that decodes as text and that no other reader claims.
//! Binary content is refused ([`is_text`] says no).
//!
//! Every non-empty line is one entry of the tool-log reader ([`crate::source::toollog`]), so the
//! signals become the same events the native sources give, at the user's own line:
//!
//! | signal | example | event |
//! |---|---|---|
//! | installer line anywhere in a line | `I get "Error 1935. An error occurred …"` · `> MSI (s) (18:F4) […]: Note: 1: 2203 …` · `Product: X -- Fehler 1920. …` | the installer's own kind ([`Kind::MsiMessage`], [`Kind::MsiAction`], [`Kind::CustomActionResult`], [`Kind::ProductNotice`]) |
//! | exit status | `exit code was 1603` · `msiexec returned 1618` · `Installation success or error status: 1618` | [`Kind::DeploymentExit`] |
//! | HRESULT, NTSTATUS | `failed with 0x80070643` · `Fehler -2147024891` | [`Kind::DeploymentExit`] when the line says something failed with it, else a cause the exit is explained by |
//!
//! Findings from such text carry a lower confidence than those from a log in a known form
//! (see `crate::analysis`); the Inputs section names the form
//! (`text, no known log form; scanned for installer signals`).

use crate::event::Kind;
use crate::source::relay::{self, ExitMention};
use crate::source::toollog::dialect::{Dialect, Grammar, Head, LineDialect, RawEntry, Reading};
use crate::source::{
    EventStream, Feeds, Format, Opening, Recognised, Sniff, Source, SourceError, TimeBasis,
};
use aho_corasick::AhoCorasick;
use regex::Regex;
use std::sync::LazyLock;

/// The text-scanning reader as registered in [`crate::source::SOURCES`].
pub struct TextScanSource;

impl Source for TextScanSource {
    fn format(&self) -> Format {
        Format::Text
    }

    fn feeds(&self) -> Feeds {
        Feeds::Deployment
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Local
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        is_text(sniff).then_some(Recognised::Text)
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        Ok(Box::new(crate::source::toollog::ToolLogReader::with_form(
            opening.reader()?,
            opening.encoding,
            opening.input,
            crate::source::toollog::ToolForm::Text,
        )))
    }
}

/// True when the start of an input is text a person can read: some letters, next to no control
/// characters and undecodable bytes. Binary content (an image, an executable, a damaged
/// archive) is not.
///
/// ```
/// use msitrace::source::{Sniff, textscan::is_text};
/// assert!(is_text(&Sniff::new(b"The install failed with exit code 1603\n")));
/// assert!(!is_text(&Sniff::new(&[0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0])));
/// ```
pub fn is_text(sniff: &Sniff) -> bool {
    let mut chars = 0usize;
    let mut bad = 0usize;
    let mut letters = 0usize;
    for line in &sniff.lines {
        for c in line.chars() {
            chars += 1;
            if c == '\u{fffd}' || (c.is_control() && c != '\t') {
                bad += 1;
            } else if c.is_alphabetic() {
                letters += 1;
            }
        }
    }
    // Raw control bytes in a single-byte head that the line reader may have passed on.
    let utf16 = matches!(
        sniff.encoding,
        crate::text::TextEncoding::Utf16Le
            | crate::text::TextEncoding::Utf16LeBom
            | crate::text::TextEncoding::Utf16BeBom
    );
    let raw_controls = if utf16 {
        0
    } else {
        crate::text::control_bytes(sniff.head)
    };
    chars > 0 && letters * 4 >= chars && bad * 50 <= chars && raw_controls * 50 <= sniff.head.len()
}

/// Where an installer line can start inside a line of prose: the words its shapes start with.
static ANCHORS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        "MSI (",
        "Action ",
        "CustomAction ",
        "Error ",
        "Internal Error ",
        "DEBUG: Error ",
        "Product: ",
        "Note: 1: ",
        "MainEngineThread is returning",
        "Windows Installer ",
        "Info ",
    ])
    .expect("installer anchors")
});

/// The installer line a line of text holds, wherever it starts in the line: relayed word for
/// word, quoted, or in the middle of a sentence.
///
/// ```
/// use msitrace::source::textscan::installer_signal;
/// use msitrace::event::Kind;
/// let k = installer_signal("after a while I get: Error 1935. An error occurred during the installation of assembly");
/// assert!(matches!(k, Some(Kind::MsiMessage(m)) if m.code == 1935));
/// let k = installer_signal("> Action ended 12:02:18: InstallFinalize. Return value 3.");
/// assert!(matches!(k, Some(Kind::MsiAction { .. })));
/// assert!(installer_signal("the error went away after a reboot").is_none());
/// ```
pub fn installer_signal(line: &str) -> Option<Kind> {
    let own = &line[crate::source::msilog::undecorate(line).len..];
    let shaped = |text: &str| {
        relay::relayed_installer_kind(text)
            .or_else(|| crate::source::msilog::body_kind(text))
            .filter(|k| {
                !matches!(
                    k,
                    Kind::Text | Kind::Property { .. } | Kind::InstallState { .. }
                )
            })
    };
    if let Some(kind) = shaped(own) {
        return Some(kind);
    }
    ANCHORS
        .find_iter(own)
        .filter(|m| m.start() > 0)
        .find_map(|m| shaped(&own[m.start()..]))
}

/// Exit statuses in the words of prose and consoles beyond the tools' own phrasings:
/// `msiexec returned 1603`, `returned actual error code 1603`, `Installation success or error
/// status: 1618`, `exit code (was) 1603`, and `error code 1648` for the installer's own statuses
/// (1600–1659; a bare "error code" names causes too, such as `Error code 5`).
static STATUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\breturned\s+(?:actual\s+)?(?:error\s+code\s+|code\s+|with\s+)?|success\s+or\s+error\s+status:\s*|\bexit\s+code\s+(?:was|is|of)?\s*|\berror\s+code[:=\s]\s*(?P<status>16[0-5][0-9])\b)(?P<code>0x[0-9a-f]{1,8}|-?[0-9]{1,10})?\b",
    )
    .expect("status regex")
});

/// The exit status a line of prose states, in the tools' phrasings ([`relay::find_exit`]) or in
/// the words above; `None` when it states none.
///
/// ```
/// use msitrace::source::textscan::status_in;
/// assert_eq!(status_in("msiexec returned 1618 again").unwrap().code, 1618);
/// assert_eq!(status_in("Installation success or error status: 1603.").unwrap().code, 1603);
/// assert_eq!(status_in("No valid sequence could be found for the set of updates. Error code 1648").unwrap().code, 1648);
/// assert!(status_in("Failed to create temp directory. Error code 5").is_none());
/// assert!(status_in("it returned nothing").is_none());
/// ```
pub fn status_in(line: &str) -> Option<ExitMention> {
    if let Some(found) = relay::find_exit(line) {
        return Some(found);
    }
    let caps = STATUS.captures(line)?;
    let code = relay::parse_code(caps.name("status").or(caps.name("code"))?.as_str())?;
    Some(ExitMention {
        code,
        verdict: None,
        subject: None,
    })
}

/// An HRESULT or NTSTATUS a line says something failed with (`Setup failed: 0x80070643`,
/// `Fehler 0xC0000005`), as the status of that failure; `None` when the line says no failure or
/// states no such value.
///
/// ```
/// use msitrace::source::textscan::failed_with_status;
/// assert_eq!(failed_with_status("the update failed with 0x80070643").unwrap().code, 0x8007_0643);
/// assert!(failed_with_status("build 0x80070643 is out").is_none());
/// ```
pub fn failed_with_status(line: &str) -> Option<ExitMention> {
    if !relay::says_failure(line) {
        return None;
    }
    let code = relay::hresult_in(line)?;
    Some(ExitMention {
        code,
        verdict: Some(crate::event::ExitVerdict::Failure),
        subject: None,
    })
}

/// Every line is an entry of its own; its signals are read by [`installer_signal`] and
/// [`status_in`].
struct TextGrammar;

impl Grammar for TextGrammar {
    fn head(&mut self, line: &str) -> Option<Head> {
        Some(Head {
            message: line.trim().to_string(),
            ..Head::default()
        })
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let relayed = installer_signal(&entry.message);
        // An installer line states its own codes (a custom action's result, an outcome); the
        // exit of the run is read from other lines.
        let exit = match &relayed {
            Some(Kind::MsiOutcome(o)) => Some(ExitMention {
                code: o.status,
                verdict: None,
                subject: Some(o.product.clone()).filter(|p| !p.is_empty()),
            }),
            Some(_) => None,
            None => status_in(&entry.message).or_else(|| failed_with_status(&entry.message)),
        };
        Reading {
            exit,
            relayed,
            ..Reading::default()
        }
    }

    fn headless_continues(&self) -> bool {
        false
    }
}

/// The dialect reading text of no known form.
pub(crate) fn dialect() -> Box<dyn Dialect> {
    Box::new(LineDialect::new(TextGrammar))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ExitVerdict, Location};
    use crate::source::toollog::{ToolForm, ToolLogReader};
    use crate::text::TextEncoding;

    fn events(text: &str) -> Vec<crate::event::Event> {
        ToolLogReader::with_form(text.as_bytes(), TextEncoding::Utf8, 0, ToolForm::Text)
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_forum_post_with_a_quoted_error_and_an_exit_code() {
        let post = "Hi all,\n\nthe silent install fails, msiexec exit code was 1603.\nIn the log:\n> Error 1920. Service 'Fabrikam Agent' (FabAgent) failed to start.\nThanks\n";
        let ev = events(post);
        let exit = ev
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some((x.code, e.at)),
                _ => None,
            })
            .unwrap();
        assert_eq!(exit, (1603, Location::Line(3)));
        let message = ev
            .iter()
            .find_map(|e| match &e.kind {
                Kind::MsiMessage(m) => Some((m.code, e.at)),
                _ => None,
            })
            .unwrap();
        assert_eq!(message, (1920, Location::Line(5)));
    }

    #[test]
    fn signals_in_the_middle_of_a_sentence() {
        let k = installer_signal(
            "The log ends with CustomAction InstallDriver returned actual error code 1603 (note this may not be 100% accurate)",
        );
        assert!(matches!(
            k,
            Some(Kind::CustomActionResult { code: 1603, .. })
        ));
        let k = installer_signal(
            "then: MSI (s) (44:1C) [10:00:00:000]: Note: 1: 2203 2: C:\\x.msi 3: -2147287038",
        );
        assert!(matches!(k, Some(Kind::MsiMessage(m)) if m.code == 2203));
        let k = installer_signal(
            "we saw Product: Fabrikam -- Fehler 1935. Fehler bei der Installation",
        );
        assert!(matches!(k, Some(Kind::ProductNotice { .. })));
    }

    #[test]
    fn an_outcome_is_an_exit_status() {
        let ev = events("Windows Installer installed the product. Product Name: Fabrikam. Product Version: 1.0. Product Language: 1033. Manufacturer: Fabrikam. Installation success or error status: 1618.\n");
        assert!(ev
            .iter()
            .any(|e| matches!(&e.kind, Kind::DeploymentExit(x) if x.code == 1618)));
        let ev = events("Installation success or error status: 1618\n");
        assert!(ev.iter().any(|e| matches!(&e.kind, Kind::DeploymentExit(x)
            if x.code == 1618 && x.effective_verdict() == ExitVerdict::Failure)));
    }

    #[test]
    fn success_codes_are_statuses_not_failures() {
        let ev = events("setup exit code was 3010, a reboot is pending\n");
        assert!(ev.iter().any(|e| matches!(&e.kind, Kind::DeploymentExit(x)
            if x.code == 3010 && x.effective_verdict() != ExitVerdict::Failure)));
    }

    #[test]
    fn prose_without_signals_gives_entries_only() {
        let ev = events("nothing to see here\njust notes\n");
        assert_eq!(ev.len(), 2);
        assert!(ev.iter().all(|e| matches!(e.kind, Kind::LogEntry(_))));
    }

    #[test]
    fn text_and_binary() {
        assert!(is_text(&Sniff::new(
            "Привет, установка не удалась: ошибка 1603".as_bytes()
        )));
        assert!(is_text(&Sniff::new("安装失败，错误代码 1603".as_bytes())));
        let mut junk = vec![0u8; 64];
        junk.extend_from_slice(b"abc");
        assert!(!is_text(&Sniff::new(&junk)));
        assert!(!is_text(&Sniff::new(
            b"\x01\x02\x03\x04 \x05\x06 1234 5678 !!!"
        )));
    }
}
