//! `msitrace explain` as a person runs it: the help's examples work when pasted into bash, and
//! the codes people paste from logs are known.

use crate::common::msitrace;

fn stdout(args: &[&str]) -> (Option<i32>, String) {
    let out = msitrace().args(args).output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// Split a bash command line the way bash does for the simple forms the help uses: single
/// quotes keep everything, double quotes keep everything but `\` escapes, and an unquoted `\`
/// escapes the next character (so an unquoted `C:\x.msi` would reach the program as `C:x.msi`).
fn bash_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                if !matches!(n, '"' | '\\' | '$' | '`') {
                                    word.push('\\');
                                }
                                word.push(n);
                            }
                        }
                        q => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            ' ' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn the_help_examples_work_when_pasted_into_bash() {
    let (code, help) = stdout(&["explain", "--help"]);
    assert_eq!(code, Some(0));
    let examples: Vec<&str> = help
        .lines()
        .filter_map(|l| l.trim().strip_prefix("msitrace explain "))
        .collect();
    assert!(examples.len() >= 6, "{help}");
    for example in examples {
        let words = bash_words(example);
        let mut args = vec!["explain".to_string()];
        args.extend(words.iter().cloned());
        let out = msitrace().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{example}: {words:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        // A path given in the example reaches the program with its backslash.
        if example.contains(r"C:\x.msi") {
            assert!(text.contains(r"C:\x.msi"), "{example}: {text}");
        }
    }
    // The splitter itself: an unquoted backslash is eaten, a quoted one is kept.
    assert_eq!(
        bash_words(r"2203 --args C:\x.msi"),
        ["2203", "--args", "C:x.msi"]
    );
    assert_eq!(
        bash_words(r"2203 --args 'C:\x.msi'"),
        ["2203", "--args", r"C:\x.msi"]
    );
}

#[test]
fn explain_2503_shows_the_log_text_and_the_sdk_wording() {
    let (code, text) = stdout(&["explain", "2503"]);
    assert_eq!(code, Some(0));
    assert!(
        text.contains("In logs, as in the SDK: Called RunScript when not marked in progress."),
        "{text}"
    );
    let (_, text) = stdout(&["explain", "1920"]);
    assert!(
        text.contains("In logs, as in the SDK: Service '[2]' ([3]) failed to start."),
        "{text}"
    );
}

#[test]
fn explain_1920_as_an_hresult_is_the_win32_error() {
    let (code, text) = stdout(&["explain", "0x80070780"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("ERROR_CANT_ACCESS_FILE"), "{text}");
    let (code, text) = stdout(&["explain", "0x80240017"]);
    assert_eq!(code, Some(0));
    assert!(text.contains("WU_E_NOT_APPLICABLE"), "{text}");
    let (code, text) = stdout(&["explain", "0x800B0109"]);
    assert_eq!(code, Some(0));
    assert!(text.contains("CERT_E_UNTRUSTEDROOT"), "{text}");
}
