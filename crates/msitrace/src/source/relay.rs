//! What a deployment tool's log line relays about an installer, whatever the tool: the exit
//! status it reports, the `msiexec` command it ran and the log that command wrote, HRESULTs, and
//! installer messages passed on word for word (`MSI: Error 1920. ...`,
//! `INSTALLMESSAGE_ERROR [Error 1712.One or more ...]`).
//!
//! The readers of ConfigMgr/Intune logs, package-manager output and product setup logs
//! ([`super::toollog`]) ask these functions about every entry; each form adds the phrasings only it
//! uses.
//!
//! | shape | example | function |
//! |---|---|---|
//! | exit phrase, any language | `Installer failed with exit code: 1603` · `Exit code was '1618'` · `Execution failed with exit code [1603]` · `Installation failed with error code 1603` · `Beendigungscode: 1603` | [`find_exit`] |
//! | msiexec command | `Running ["C:\Windows\System32\msiexec.exe" /i "x.msi" /qn /l*v "c:\x.log"]` | [`msiexec_command`] |
//! | MSI log switch | `/l*v "C:\x.log"` · `/L*V C:\x.log` · `/log x.log` | [`msi_log_path`] |
//! | HRESULT | `0x80070643` · `The error code is 80004005` · `-2147024891` | [`hresult_in`] |
//! | relayed installer line | `MSI: Action 11:53:11: X. Y` · `INSTALLMESSAGE_ERROR [Error 1712.Text]` | [`relayed_installer_kind`] |

use crate::event::{EntryLevel, ExitVerdict, Kind};
use regex::Regex;
use std::sync::LazyLock;

/// An exit status read from one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitMention {
    /// The code (negative decimals and HRESULTs as their 32-bit pattern).
    pub code: u32,
    /// What the line says of it, when it says (`failed`, an exit-code table entry).
    pub verdict: Option<ExitVerdict>,
    /// The package or application named on the same line, when there is one.
    pub subject: Option<String>,
}

/// "Exit code" in the languages deployment tools are localized into, and the English words tools
/// use for it. A code follows within a few characters.
const EXIT_TERMS: &str = r"exit\s?code|exit-code|exitcode|lpexitcode|exit\s+status|return\s?code|rückgabecode|beendigungscode|code\s+de\s+sortie|code\s+de\s+retour|c[oó]digo\s+de\s+(?:salida|sa[ií]da|retorno)|codice\s+di\s+(?:uscita|ritorno)|kod\s+wyj[sś]cia|afsluitcode|код\s+(?:выхода|возврата|завершения)";

/// The same in the languages written without spaces between words (no word boundary needed).
const EXIT_TERMS_CJK: &str = r"退出代码|退出码|結束代碼|终止代码|終了コード|종료\s?코드";

/// Words saying a run failed, in the same languages.
const FAILURE_WORDS: &str = r"(?i)\b(?:fail(?:ed|s|ure)?|error|not\s+successful|unsuccessful|fehlgeschlagen|fehler|nicht\s+erfolgreich|[ée]chec|[ée]chou[ée]|erreur|fall[oó]|fallido|error|falha|falhou|non\s+riuscit[oa]|errore|niepowodzenie|mislukt|ошибк\w*|сбой)\b|失败|失敗|실패";

/// A number as logs write codes: `0x80070643`, `-2147024891`, `1603`.
const CODE: &str = r"(?P<code>0x[0-9A-Fa-f]{1,8}|-?[0-9]{1,10})";

static EXIT_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"(?i)(?:(?:^|[^\p{{L}}])(?:{EXIT_TERMS})|{EXIT_TERMS_CJK})\s*(?:is|was|of|=|:|：|\s)*\s*[\[('"]?\s*{CODE}\b"#
    ))
    .expect("exit phrase regex")
});

/// "... with error code N" after a verb saying the run ended: the English phrasing of ccmsetup,
/// setup chainers and scripts (a bare "error code" names HRESULTs too, so it needs the verb).
static ENDED_WITH_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:failed|exiting|exited|completed|finished|ended|returned|returning|terminated|aborted)(?:\s+successfully)?\s+with\s+(?:an?\s+)?(?:error|return|result|success)\s+code\s*[:=]?\s*[\[(]?{CODE}\b"
    ))
    .expect("ended-with-code regex")
});

/// `exited with '1603'` (Chocolatey debug), `(exited 1603)` (Chocolatey summary), `exited with
/// code 1` (scripts).
static EXITED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\bexited\s+(?:with\s+(?:code\s+)?)?'?{CODE}'?(?:\)|\.|\s|$)"
    ))
    .expect("exited regex")
});

/// Stems of every exit phrasing, searched before the phrasings themselves.
static EXIT_WORDS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "code",
            "exit",
            "status",
            "rückgabe",
            "sortie",
            "retour",
            "salida",
            "saída",
            "uscita",
            "ritorno",
            "wyj",
            "afsluit",
            "код",
            "代码",
            "代碼",
            "码",
            "コード",
            "코드",
        ])
        .expect("exit words")
});

static FAILURE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(FAILURE_WORDS).expect("failure words regex"));

/// Phrases that mention exit codes without reporting one (`Looking for exit code 0 in exit codes
/// table...`, `-validExitCodes '0 3010'`).
static NOT_A_REPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)looking\s+for\s+exit\s+code|valid\s*exit\s*codes|success\s+exit\s+codes|exit\s+codes?\s+table\.\.\.|ignore\s*exit\s*code")
        .expect("not-a-report regex")
});

/// Read a code as logs write it: hex with `0x`, decimal, negative decimal (an HRESULT).
///
/// ```
/// use msitrace::source::relay::parse_code;
/// assert_eq!(parse_code("1603"), Some(1603));
/// assert_eq!(parse_code("0x80070643"), Some(0x8007_0643));
/// assert_eq!(parse_code("-2147024891"), Some(0x8007_0005));
/// assert_eq!(parse_code("99999999999"), None);
/// ```
pub fn parse_code(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).ok();
    }
    if let Some(neg) = t.strip_prefix('-') {
        let v: i64 = neg.parse().ok()?;
        return (v > 0 && v <= i64::from(i32::MAX) + 1).then(|| (-v) as i32 as u32);
    }
    t.parse::<u64>().ok().and_then(|v| u32::try_from(v).ok())
}

/// The exit status a message reports in the common phrasings, any language; `None` when it
/// reports none.
///
/// ```
/// use msitrace::source::relay::find_exit;
/// use msitrace::event::ExitVerdict;
/// let e = find_exit("Installer failed with exit code: 1603").unwrap();
/// assert_eq!((e.code, e.verdict), (1603, Some(ExitVerdict::Failure)));
/// assert_eq!(find_exit("[Install] :: Execution completed with exit code [3010].").unwrap().code, 3010);
/// assert_eq!(find_exit("Installation failed with error code 1603").unwrap().code, 1603);
/// assert_eq!(find_exit("CcmSetup is exiting with return code 0").unwrap().code, 0);
/// assert!(find_exit("Looking for exit code 0 in exit codes table...").is_none());
/// assert!(find_exit("The error code is 80004005").is_none());
/// ```
pub fn find_exit(message: &str) -> Option<ExitMention> {
    // Most lines name no code: a cheap look for a digit and a word of the phrasings first.
    if !message.bytes().any(|b| b.is_ascii_digit()) || !EXIT_WORDS.is_match(message) {
        return None;
    }
    if NOT_A_REPORT.is_match(message) {
        return None;
    }
    let caps = EXIT_PHRASE
        .captures(message)
        .or_else(|| ENDED_WITH_CODE.captures(message))
        .or_else(|| EXITED.captures(message))?;
    let code = parse_code(caps.name("code")?.as_str())?;
    Some(ExitMention {
        code,
        verdict: says_failure(message).then_some(ExitVerdict::Failure),
        subject: None,
    })
}

/// True when a message says something failed (any of the languages of [`find_exit`]).
pub fn says_failure(message: &str) -> bool {
    FAILURE.is_match(message)
}

/// The level a message implies when its form carries none: error words make an error, `warning`
/// a warning.
///
/// ```
/// use msitrace::source::relay::implied_level;
/// use msitrace::event::EntryLevel;
/// assert_eq!(implied_level("MSI: Setup failed due to unexpected circumstances"), EntryLevel::Error);
/// assert_eq!(implied_level("WARNING: Another installation currently in progress."), EntryLevel::Warning);
/// assert_eq!(implied_level("Installing 7zip..."), EntryLevel::Info);
/// assert_eq!(implied_level("Sco: File 'X:\\x.msi' does not exist"), EntryLevel::Warning);
/// assert_eq!(implied_level("Completed with 0 errors"), EntryLevel::Info);
/// ```
pub fn implied_level(message: &str) -> EntryLevel {
    static NO_ERRORS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:no|0|zero|without)\s+(?:errors?|failures?)\b|\bsucce(?:ss|eded)")
            .expect("no-errors regex")
    });
    static WARNING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\W*warn(?:ing)?\b|\bwarning\s*:").expect("warning regex")
    });
    static MISSING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:does\s+not\s+exist|not\s+found|is\s+missing|cannot\s+find|could\s+not\s+find)\b")
            .expect("missing regex")
    });
    static ERROR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:fail(?:ed|s|ure)?|error|unable|cannot|can't|could\s+not|exception|fatal|not\s+successful|unsuccessful|is\s+not\s+installed)\b")
            .expect("error words regex")
    });
    if WARNING.is_match(message) {
        EntryLevel::Warning
    } else if ERROR.is_match(message) && !NO_ERRORS.is_match(message) {
        EntryLevel::Error
    } else if MISSING.is_match(message) {
        EntryLevel::Warning
    } else {
        EntryLevel::Info
    }
}

/// The `msiexec` command a message names (`Running [...]`, `Executing [...]`, `Execution of
/// '...'`, `Command line: ...`), without the tool's wording around it.
///
/// ```
/// use msitrace::source::relay::msiexec_command;
/// let m = r#"ERROR: Running ["C:\Windows\System32\msiexec.exe" /i "C:\t\x.msi" /qn] was not successful."#;
/// assert_eq!(msiexec_command(m).unwrap(), r#""C:\Windows\System32\msiexec.exe" /i "C:\t\x.msi" /qn"#);
/// let m = r#"Executing Command line: "C:\WINDOWS\system32\msiexec.exe" /i "a.msi" /q with user context"#;
/// assert_eq!(msiexec_command(m).unwrap(), r#""C:\WINDOWS\system32\msiexec.exe" /i "a.msi" /q"#);
/// assert!(msiexec_command("Installing 7zip...").is_none());
/// ```
pub fn msiexec_command(message: &str) -> Option<String> {
    let at = crate::text::find_ignoring_case(message, "msiexec")?;
    // The start of the path holding `msiexec`: back to a space outside quotes, a bracket or a
    // single quote.
    let bytes = message.as_bytes();
    let mut start = at;
    while start > 0 {
        let c = bytes[start - 1];
        if c == b'[' || c == b'\'' || c == b'(' {
            break;
        }
        if c == b' ' || c == b'\t' {
            // A space inside a quoted path ("C:\Program Files\...") is part of it.
            let quotes = message[..start - 1].matches('"').count();
            if quotes % 2 == 0 {
                break;
            }
        }
        start -= 1;
    }
    let opener = start.checked_sub(1).map(|i| bytes[i]);
    let rest = &message[start..];
    let end = match opener {
        Some(b'[') => closing(rest, b'[', b']'),
        Some(b'(') => closing(rest, b'(', b')'),
        Some(b'\'') => rest.find('\''),
        _ => None,
    };
    let mut cmd = match end {
        Some(e) => &rest[..e],
        None => rest,
    };
    for tail in [
        " with user context",
        " with system context",
        " with administrative rights",
        " ----",
        "' returned",
        " returned ",
    ] {
        if let Some(i) = cmd.to_ascii_lowercase().find(tail) {
            cmd = &cmd[..i];
        }
    }
    // `Executing [...]...`: the dots after the command.
    let cmd = cmd.trim_end().trim_end_matches("...");
    let cmd = cmd.trim().trim_end_matches(['.', ',']).trim();
    // A command has switches after the program (`msiexec.exe version 5` is not one).
    let has_switch = tokens(cmd)
        .iter()
        .skip(1)
        .any(|t| t.starts_with('/') || t.starts_with('-'));
    has_switch.then(|| crate::text::cut(cmd, 4096).to_string())
}

/// The offset of the bracket closing the one opened just before `text` (nested pairs counted).
fn closing(text: &str, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    let mut quoted = false;
    for (i, &c) in text.as_bytes().iter().enumerate() {
        match c {
            b'"' => quoted = !quoted,
            _ if quoted => {}
            c if c == open => depth += 1,
            c if c == close => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

/// The log path of an `msiexec` logging switch in a command line or arguments (`/l*v "x.log"`,
/// `/L*V x.log`, `/lv x.log`, `/log x.log`, `-l*v x.log`).
///
/// ```
/// use msitrace::source::relay::msi_log_path;
/// assert_eq!(msi_log_path(r#"/i "a.msi" /qn /l*v "C:\Temp\my log.log""#).unwrap(), r"C:\Temp\my log.log");
/// assert_eq!(msi_log_path(r"/i a.msi /QN /L*V C:\ProgramData\x.log]...").unwrap(), r"C:\ProgramData\x.log");
/// assert_eq!(msi_log_path(r"msiexec /i x.msi /log c:\x.txt").unwrap(), r"c:\x.txt");
/// assert!(msi_log_path(r"/i x.msi /qn /norestart").is_none());
/// assert!(msi_log_path(r#"/l*v "...""#).is_none());
/// ```
pub fn msi_log_path(text: &str) -> Option<String> {
    // A logging switch is `/l` or `-l`: no such pair, no switch.
    let b = text.as_bytes();
    let has_switch =
        memchr::memchr2_iter(b'/', b'-', b).any(|i| matches!(b.get(i + 1), Some(b'l' | b'L')));
    if !has_switch {
        return None;
    }
    let tokens = tokens(text);
    for (i, t) in tokens.iter().enumerate() {
        let lower = t.to_ascii_lowercase();
        let Some(switch) = lower.strip_prefix('/').or_else(|| lower.strip_prefix('-')) else {
            continue;
        };
        let is_log = switch == "log"
            || (switch.starts_with('l')
                && switch.len() <= 14
                && switch[1..].chars().all(|c| "iwearucmopvx+!*".contains(c)));
        if !is_log {
            continue;
        }
        let Some(path) = tokens.get(i + 1) else {
            continue;
        };
        let mut path = path.trim_matches(|c| c == '"' || c == '\'');
        loop {
            let trimmed = path
                .trim_end_matches("...")
                .trim_end_matches([']', ')', ',', ';'])
                .trim_matches(|c| c == '"' || c == '\'');
            if trimmed == path {
                break;
            }
            path = trimmed;
        }
        let plausible = path.len() > 2
            && !path.starts_with('/')
            && path.chars().any(|c| c.is_alphanumeric())
            && !path.chars().all(|c| c == '.');
        if plausible {
            return Some(crate::text::cut(path, 1024).to_string());
        }
    }
    None
}

/// An installer or setup log a message names with a label: `Log: C:\x\client.msi.log`
/// (ccmsetup), `Msi Log: x.txt` (setup chainers), `Log with failure: C:\...\x.log` (SQL Server),
/// `Installer log is available at: C:\...\WinGet-x.log` (winget), or a path alone on the line
/// after a `Log` heading (Visual Studio Installer).
///
/// ```
/// use msitrace::source::relay::named_log;
/// assert_eq!(named_log(r"Log with failure:              C:\Program Files\Microsoft SQL Server\130\Setup Bootstrap\Log\20170101_101010\sql_engine_core_inst_Cpu64_1.log").unwrap(),
///     r"C:\Program Files\Microsoft SQL Server\130\Setup Bootstrap\Log\20170101_101010\sql_engine_core_inst_Cpu64_1.log");
/// assert_eq!(named_log("MSI (x.msi) Installation failed. Msi Log: Microsoft .NET Framework 4 Setup_MSI_netfx_Core_x64.msi.txt").unwrap(),
///     "Microsoft .NET Framework 4 Setup_MSI_netfx_Core_x64.msi.txt");
/// assert_eq!(named_log("Package failed.\n    Log\n        C:\\Temp\\dd_setup_x.log").unwrap(), r"C:\Temp\dd_setup_x.log");
/// assert_eq!(named_log(r"Das Installationsprotokoll ist verfügbar unter: C:\t\WinGet-x.log").unwrap(), r"C:\t\WinGet-x.log");
/// assert!(named_log("Logging started").is_none());
/// ```
pub fn named_log(message: &str) -> Option<String> {
    crate::text::find_ignoring_case(message, "log")?;
    static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)\blog(?:\s+file)?(?:\s+with\s+failure|\s+is\s+available\s+at|\s+location|\s+path)?\s*[:=]\s*"?(?P<path>[^"\r\n]{1,512}?\.(?:log|txt|html?))"?(?:\s|$|[,;)\]])"#)
            .expect("named log regex")
    });
    static HEADING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?im)^\s*log\s*\n\s*"?(?P<path>(?:[a-z]:|\\\\|%\w+%)[^"\r\n]{1,512}?\.(?:log|txt))"?\s*$"#)
            .expect("log heading regex")
    });
    // Any language: `<words>: C:\...\x.log` ending the line (`... verfügbar unter: C:\...\x.log`).
    static TRAILING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m):\s+"?(?P<path>(?:[A-Za-z]:\\|\\\\)[^"\r\n]{1,512}?\.log)"?\s*$"#)
            .expect("trailing log regex")
    });
    let caps = LABELLED
        .captures(message)
        .or_else(|| HEADING.captures(message))
        .or_else(|| TRAILING.captures(message))?;
    let path = caps.name("path")?.as_str().trim();
    (path.len() > 4).then(|| crate::text::cut(path, 1024).to_string())
}

/// True when a command line has an `msiexec` logging switch (`/l*v`, `/log`), whether or not its
/// path survived (a copy may show `/l*v "..."`).
pub fn has_log_switch(command: &str) -> bool {
    tokens(command).iter().any(|t| {
        let lower = t.to_ascii_lowercase();
        lower
            .strip_prefix('/')
            .or_else(|| lower.strip_prefix('-'))
            .is_some_and(|s| {
                s == "log"
                    || (s.starts_with('l')
                        && s.len() <= 14
                        && s[1..].chars().all(|c| "iwearucmopvx+!*".contains(c)))
            })
    })
}

/// Whitespace-separated tokens, double-quoted runs kept together (quotes kept).
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => {
                quoted = !quoted;
                start.get_or_insert(i);
            }
            c if c.is_whitespace() && !quoted => {
                if let Some(s) = start.take() {
                    out.push(&text[s..i]);
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
        if out.len() > 256 {
            break;
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// The first HRESULT a message states: `0x8xxxxxxx`/`0xCxxxxxxx`, a bare eight-digit hex number
/// (`The error code is 80004005`, as ConfigMgr writes them) or a negative decimal.
///
/// ```
/// use msitrace::source::relay::hresult_in;
/// assert_eq!(hresult_in("The error code is 80004005"), Some(0x8000_4005));
/// assert_eq!(hresult_in("failed with 0x80240017 - not applicable"), Some(0x8024_0017));
/// assert_eq!(hresult_in("SHGetKnownFolderPath failed -2147024891"), Some(0x8007_0005));
/// assert_eq!(hresult_in("Error code = 0x643"), None);
/// assert_eq!(hresult_in("build 80004005x"), None);
/// ```
pub fn hresult_in(message: &str) -> Option<u32> {
    static HRESULT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:^|[^0-9a-z])0x(?P<hex>[89a-f][0-9a-f]{7})\b|\b(?:code\s*(?:is|=|:)?|error|hresult|hr|result)\s*[:=]?\s*(?P<bare>[89c][0-9a-f]{7})\b|(?:^|[^0-9a-z.])(?P<neg>-[12][0-9]{9})\b")
            .expect("hresult regex")
    });
    let caps = HRESULT.captures(message)?;
    if let Some(h) = caps.name("hex").or_else(|| caps.name("bare")) {
        return u32::from_str_radix(h.as_str(), 16).ok();
    }
    let v = parse_code(caps.name("neg")?.as_str())?;
    (v >= 0x8000_0000).then_some(v)
}

/// The installer line a tool relays word for word, as the kind the MSI log would give it:
/// `MSI: Action 11:53:11: CcmRegisterWmiMofFile. Registering WMI settings` (ConfigMgr),
/// `INSTALLMESSAGE_ERROR [Error 1712.One or more ...]` (setup chainers), or an engine line quoted
/// in a tool's output. `None` for anything else.
///
/// ```
/// use msitrace::source::relay::relayed_installer_kind;
/// use msitrace::event::Kind;
/// let k = relayed_installer_kind("MSI: Action 11:53:11: CcmRegisterWmiMofFile. Registering WMI settings");
/// assert!(matches!(k, Some(Kind::MsiAction { .. })));
/// let k = relayed_installer_kind("Returning IDOK. INSTALLMESSAGE_ERROR [Error 1712.One or more files]");
/// assert!(matches!(k, Some(Kind::MsiMessage(m)) if m.code == 1712));
/// assert!(relayed_installer_kind("MSI: Setup failed due to unexpected circumstances").is_none());
/// ```
pub fn relayed_installer_kind(message: &str) -> Option<Kind> {
    let first = message.lines().next().unwrap_or("").trim();
    let body = if let Some(rest) = first.strip_prefix("MSI: ") {
        rest.trim_start()
    } else if let Some(at) = first.find("INSTALLMESSAGE_") {
        let inner = first[at..].split_once('[')?.1;
        let inner = inner.strip_suffix(']').unwrap_or(inner);
        // The chainer glues the text to the number: `Error 1712.One or more ...`.
        return crate::source::msilog::body_kind(inner).or_else(|| glued_message(inner));
    } else if crate::source::msilog::is_engine_line(first) {
        crate::source::msilog::message_body(first)
    } else {
        return None;
    };
    crate::source::msilog::body_kind(body)
}

/// `Error 1712.Text` without the space after the dot.
fn glued_message(text: &str) -> Option<Kind> {
    let (word, rest) = text.split_once(' ')?;
    let (number, tail) = rest.split_once('.')?;
    let code: u32 = number.trim().parse().ok()?;
    let spaced = format!("{word} {code}. {}", tail.trim_start());
    crate::source::msilog::body_kind(&spaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_phrases_of_each_tool() {
        let cases: &[(&str, u32)] = &[
            (r#"ERROR: Running ["C:\Windows\System32\msiexec.exe" /i "x.msi"] was not successful. Exit code was '1618'. See log for possible error messages."#, 1618),
            ("The install of x was NOT successful.  - x (exited 1603) - Error while running", 1603),
            ("Installer failed with exit code: 0x80070002 : The system cannot find the file specified.", 0x8007_0002),
            ("[Win32App] Setting enforcementState as: Error with lpExitCode: 3221225794 without mapping", 3_221_225_794),
            ("[Win32App] lpExitCode 1603", 1603),
            ("Process 4312 terminated with exitcode: 1603", 1603),
            ("CcmSetup failed with error code 0x80070643", 0x8007_0643),
            ("File C:\\x\\client.msi installation failed. Error text: ExitCode: 1603", 1603),
            ("[Install] :: Execution failed with exit code [1603].", 1603),
            ("Command [\"msiexec.exe\" /i x.msi] exited with '1603'.", 1603),
            ("Powershell exit code is 1", 1),
            ("ExitCode : 1603", 1603),
            ("Fehler beim Installationsprogramm. Beendigungscode: 1603", 1603),
            ("Échec du programme d'installation avec le code de sortie : 1603", 1603),
            ("El instalador falló con el código de salida: 1603", 1603),
            ("Установщик завершился с ошибкой, код выхода: 1603", 1603),
            ("安装程序失败，退出代码: 1603", 1603),
            ("インストーラーが失敗しました。終了コード: 1603", 1603),
            ("설치 관리자가 실패했습니다. 종료 코드: 1603", 1603),
        ];
        for (line, code) in cases {
            let e = find_exit(line).unwrap_or_else(|| panic!("no exit in {line}"));
            assert_eq!(e.code, *code, "{line}");
        }
    }

    #[test]
    fn verdicts_come_from_failure_words() {
        assert_eq!(
            find_exit("Installer failed with exit code: 1603")
                .unwrap()
                .verdict,
            Some(ExitVerdict::Failure)
        );
        assert_eq!(
            find_exit("[Install] :: Execution completed with exit code [0].")
                .unwrap()
                .verdict,
            None
        );
        assert_eq!(
            find_exit("Installationsprogramm fehlgeschlagen mit Exitcode: 1603")
                .unwrap()
                .verdict,
            Some(ExitVerdict::Failure)
        );
    }

    #[test]
    fn near_misses_are_not_exits() {
        for line in [
            "Running Start-ChocolateyProcessAsAdmin -validExitCodes '0 3010 1641'",
            "Looking for exit code 1603 in exit codes table...",
            "The error code is 80004005",
            "Note: 1: 2203 2: C:\\x.msi 3: -2147287038",
            "Return value 3.",
            "exitcodes: 0,1641,3010",
            "Action ended 12:00:00: InstallFinalize. Return value 3.",
        ] {
            assert!(find_exit(line).is_none(), "{line}");
        }
    }

    #[test]
    fn commands_in_each_wording() {
        let puppet =
            "Error: Execution of 'msiexec.exe /qn /norestart /i C:\\x.msi' returned 1603: ";
        assert_eq!(
            msiexec_command(puppet).unwrap(),
            r"msiexec.exe /qn /norestart /i C:\x.msi"
        );
        let chef = r#"---- Begin output of msiexec /qn /i "C:\chef\cache\x.msi" ----"#;
        assert_eq!(
            msiexec_command(chef).unwrap(),
            r#"msiexec /qn /i "C:\chef\cache\x.msi""#
        );
        let psadt = r"[Install] :: Executing [C:\Windows\system32\msiexec.exe /i C:\f\n.msi REBOOT=ReallySuppress /QN /L*V C:\Logs\n_Install.log]...";
        let cmd = msiexec_command(psadt).unwrap();
        assert!(cmd.ends_with(r"n_Install.log"), "{cmd}");
        assert_eq!(msi_log_path(&cmd).unwrap(), r"C:\Logs\n_Install.log");
        let spaced = r#"Running ["C:\Program Files\x\msiexec.exe" /i a.msi]"#;
        assert!(msiexec_command(spaced)
            .unwrap()
            .starts_with(r#""C:\Program Files"#));
    }

    #[test]
    fn log_switch_variants() {
        for (args, path) in [
            ("/i x.msi /lv* c:\\a.log", "c:\\a.log"),
            ("/i x.msi -l*vx \"c:\\b c\\a.log\"", "c:\\b c\\a.log"),
            ("/i x.msi /L+*V c:\\a.log", "c:\\a.log"),
            ("/i x.msi /Log \"c:\\a.log\"", "c:\\a.log"),
        ] {
            assert_eq!(msi_log_path(args).as_deref(), Some(path), "{args}");
        }
        assert!(msi_log_path("/i x.msi /lang 1033 /qn").is_none());
        assert!(msi_log_path("/i x.msi /l*v").is_none());
    }

    #[test]
    fn hresults_and_codes() {
        assert_eq!(parse_code("-1"), Some(u32::MAX));
        assert_eq!(parse_code("4294967296"), None);
        assert_eq!(parse_code("0x"), None);
        assert_eq!(hresult_in("HResult : 0x84b10001"), Some(0x84b1_0001));
        assert_eq!(hresult_in("error 0x643"), None);
        assert_eq!(hresult_in("-5"), None);
    }

    #[test]
    fn relayed_lines() {
        assert!(matches!(
            relayed_installer_kind("MSI: Error 25150. Setup was unable to register"),
            Some(Kind::MsiMessage(m)) if m.code == 25150
        ));
        assert!(matches!(
            relayed_installer_kind(
                "MSI (s) (7C:D0) [17:24:15:870]: Product: Puppet -- Installation failed."
            ),
            Some(Kind::ProductNotice { .. })
        ));
        assert!(relayed_installer_kind("Installing MSI package").is_none());
        assert!(relayed_installer_kind("INSTALLMESSAGE_ERROR [").is_none());
    }
}
