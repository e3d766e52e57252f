//! Evidence in the forms people hand it over: MSI log excerpts (UI message types, markdown quotes
//! and indentation, scrubbed ids and times, localized messages) and text of no known form, each
//! through detect → events → analyze, with the same events as the native log.

use msitrace::analysis::{analyze_paths, AnalysisSettings, InputStatus};
use msitrace::detect::detect_bytes;
use msitrace::event::{Event, Kind};
use msitrace::findings::Confidence;
use msitrace::source::msilog::MsiLogParser;
use msitrace::source::Format;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

fn msi_events(text: &str) -> Vec<Event> {
    MsiLogParser::from_bytes(text.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The kinds of the events, without the text entries a copy adds (prose, blank quote lines).
fn kinds(events: &[Event]) -> Vec<Kind> {
    events
        .iter()
        .map(|e| e.kind.clone())
        .filter(|k| !matches!(k, Kind::Text))
        .collect()
}

#[test]
fn ui_message_types_read_as_the_native_log() {
    let path = fixture("msilog/excerpt-ui-prefixes.log");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        detect_bytes(text.as_bytes()).unwrap().format,
        Format::MsiLog
    );
    let native = "=== Logging started: 18.11.2026  09:41:07 ===\n\
                  Message type: 0, Argument: 1033\n\
                  Action 09:41:08: FabrikamInitRuntime. \n\
                  Action start 09:41:08: FabrikamInitRuntime.\n\
                  SFXCA: Failed to create temp directory. Error code 5\n\
                  CustomAction FabrikamInitRuntime returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)\n\
                  Action ended 09:41:08: FabrikamInitRuntime. Return value 3.\n\
                  Action ended 09:41:08: INSTALL. Return value 3.\n";
    let copy = msi_events(&text);
    assert_eq!(kinds(&copy), kinds(&msi_events(native)));
    // The user's own line is kept as written.
    let result = copy
        .iter()
        .find(|e| matches!(e.kind, Kind::CustomActionResult { .. }))
        .unwrap();
    assert!(result
        .raw
        .as_deref()
        .unwrap()
        .starts_with("Info: CustomAction"));

    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let input = &report.inputs[0];
    assert_eq!(
        input.form.as_deref(),
        Some("Windows Installer log excerpt (as logged by an installer UI)")
    );
    assert!(input
        .warnings
        .iter()
        .any(|w| w.text.contains("message-type prefixes of an installer UI")));
    let top = &report.findings[0];
    assert!(top.codes.contains(&1603), "{top:?}");
    assert!(top
        .evidence
        .iter()
        .any(|e| e.text == "Info: SFXCA: Failed to create temp directory. Error code 5"));
}

#[test]
fn markdown_quotes_and_indentation() {
    let path = fixture("msilog/excerpt-markdown.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        detect_bytes(text.as_bytes()).unwrap().format,
        Format::MsiLog
    );
    let native = "MSI (s) (44:1C) [09:41:10:120]: Executing op: ServiceControl(,Name=FabAgent,Action=1,Wait=1,)\n\
                  MSI (s) (44:1C) [09:41:40:512]: Product: Fabrikam Agent -- Error 1920. Service 'Fabrikam Agent' (FabAgent) failed to start. Verify that you have sufficient privileges to start system services.\n\
                  Action ended 09:41:41: InstallFinalize. Return value 3.\n\
                  MSI (s) (44:1C) [09:41:42:001]: MainEngineThread is returning 1603\n";
    assert_eq!(kinds(&msi_events(&text)), kinds(&msi_events(native)));

    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let input = &report.inputs[0];
    assert_eq!(
        input.form.as_deref(),
        Some("Windows Installer log excerpt (no header, quoted, indented)")
    );
    let top = &report.findings[0];
    assert!(top.codes.contains(&1920), "{top:?}");
    let cause = &top.evidence[0];
    assert_eq!(cause.line, Some(4));
    assert!(cause.text.starts_with("> MSI (s) (44:1C)"));
}

#[test]
fn scrubbed_ids_and_times() {
    let path = fixture("msilog/excerpt-scrubbed.log");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        detect_bytes(text.as_bytes()).unwrap().format,
        Format::MsiLog
    );
    let events = msi_events(&text);
    assert!(events.iter().all(|e| e.process.is_none()));
    assert!(matches!(&events[0].kind, Kind::MsiMessage(m) if m.code == 2203));
    assert!(
        matches!(&events[2].kind, Kind::ProductNotice { product, .. } if product == "Fabrikam Tools")
    );
    assert!(matches!(events[3].kind, Kind::EngineReturn { code: 1612 }));

    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let w = &report.inputs[0].warnings;
    assert!(w.iter().any(|w| w.kind == msitrace::WarningKind::Lenient
        && w.text
            .ends_with("timestamps scrubbed: order taken from the file")));
    assert!(w
        .iter()
        .any(|w| w.text.contains("process ids scrubbed on 4 lines")));
    let top = &report.findings[0];
    assert!(top
        .evidence
        .iter()
        .any(|e| e.text.contains("Source is incorrect")));
}

#[test]
fn localized_error_word_in_a_product_notice() {
    let path = fixture("msilog/excerpt-localized-de.log");
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let top = &report.findings[0];
    assert!(top.codes.contains(&1935), "{top:?}");
    assert!(top.evidence[0].text.contains("Fehler 1935."));
}

#[test]
fn a_ticket_is_scanned_for_installer_signals() {
    let path = fixture("text/ticket-en.txt");
    let text = std::fs::read(&path).unwrap();
    assert_eq!(detect_bytes(&text).unwrap().format, Format::Text);
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let input = &report.inputs[0];
    assert_eq!(input.status, InputStatus::Analyzed);
    assert!(input
        .form
        .as_deref()
        .unwrap()
        .starts_with("text, no known log form; scanned for installer signals"));
    let top = &report.findings[0];
    assert!(
        top.codes.contains(&1618) && top.codes.contains(&1935),
        "{top:?}"
    );
    assert_ne!(top.confidence, Confidence::High);
    let lines: Vec<u64> = top.evidence.iter().filter_map(|e| e.line).collect();
    assert!(lines.contains(&7) && lines.contains(&6), "{lines:?}");
}

#[test]
fn a_chat_in_german_gives_its_exit_code() {
    let path = fixture("text/chat-de.txt");
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    assert_eq!(report.inputs[0].format, Some(Format::Text));
    let top = &report.findings[0];
    assert!(top.codes.contains(&1603));
    assert_eq!(top.evidence[0].text, "[09:56] dana: Beendigungscode: 1603");
    assert_eq!(top.confidence, Confidence::Low);
}

#[test]
fn success_codes_in_text_are_no_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("note.txt");
    std::fs::write(
        &path,
        "deployment done, msiexec returned 3010 on all hosts\n",
    )
    .unwrap();
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    assert_eq!(report.inputs[0].format, Some(Format::Text));
    assert!(!report.failed);
}

#[test]
fn text_without_installer_signals_is_read_but_tells_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        "collected by the help desk on Monday\nsee attached\n",
    )
    .unwrap();
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let input = &report.inputs[0];
    assert_eq!(input.format, Some(Format::Text));
    assert_eq!(input.status, InputStatus::Unrecognized);
    assert!(input
        .error
        .as_deref()
        .unwrap()
        .contains("no installer signal"));
    assert_eq!(report.verdict, msitrace::analysis::Verdict::NothingAnalysed);
}

#[test]
fn an_hresult_that_something_failed_with_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("note.txt");
    std::fs::write(
        &path,
        "Hi,\nthe agent update failed with 0x80070643 on three hosts.\nThanks\n",
    )
    .unwrap();
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    assert_eq!(report.inputs[0].status, InputStatus::Analyzed);
    let top = &report.findings[0];
    assert!(top.codes.contains(&0x8007_0643), "{top:?}");
    assert_eq!(top.evidence[0].line, Some(2));
    assert_ne!(top.confidence, Confidence::High);
}

#[test]
fn binary_junk_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blob.txt");
    let junk: Vec<u8> = (0..2048u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&path, junk).unwrap();
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    let input = &report.inputs[0];
    assert_eq!(input.status, InputStatus::Unrecognized);
    assert!(input.error.as_deref().unwrap().contains("binary content"));
}

#[test]
fn lines_hard_wrapped_at_a_fixed_width_are_read_joined() {
    let path = fixture("msilog/excerpt-wrapped-80.log");
    let text = std::fs::read_to_string(&path).unwrap();
    let events = msi_events(&text);
    // `... Return ` + `value 3.`: the cut action line is an entry of its own again, at its line.
    let ended: Vec<(u64, u32)> = events
        .iter()
        .filter_map(|e| match (&e.kind, e.at) {
            (
                Kind::MsiAction {
                    phase: msitrace::event::ActionPhase::End { return_value },
                    ..
                },
                msitrace::event::Location::Line(n),
            ) => Some((n, *return_value)),
            _ => None,
        })
        .collect();
    assert_eq!(ended, vec![(7, 3), (9, 3)]);
    // The outcome cut over three lines reads whole.
    let outcome = events
        .iter()
        .find_map(|e| match &e.kind {
            Kind::MsiOutcome(o) => Some((e.at, o.status, o.product.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        outcome,
        (
            msitrace::event::Location::Line(10),
            1603,
            "Fabrikam Agent".to_string()
        )
    );
    let report = analyze_paths(&[path], &AnalysisSettings::default());
    assert_eq!(
        report.inputs[0].form.as_deref(),
        Some("Windows Installer log excerpt (hard-wrapped)")
    );
    assert_eq!(report.sessions[0].outcome.as_ref().unwrap().code, 1603);
    assert!(
        report.findings[0].codes.contains(&1920),
        "{:?}",
        report.findings[0]
    );
}

#[test]
fn a_native_log_is_no_excerpt() {
    let report = analyze_paths(
        &[fixture("msilog/error-1310-utf16.log")],
        &AnalysisSettings::default(),
    );
    assert_eq!(report.inputs[0].form, None);
    assert!(
        report.inputs[0].warnings.is_empty(),
        "{:?}",
        report.inputs[0].warnings
    );
}
