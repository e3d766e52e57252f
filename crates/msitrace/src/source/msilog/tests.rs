//! One test per grammar rule of the MSI log parser.

use super::grammar::*;
use super::parser::has_binary_junk;
use super::prefix::*;
use super::*;
use crate::event::*;
use crate::locale_date::NumericDate;
use crate::text::TextEncoding;
use chrono::NaiveTime;

fn kind(line: &str) -> Kind {
    parse_line(line).expect("a known shape").kind
}

fn events(text: &str) -> Vec<Event> {
    MsiLogParser::from_bytes(text.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn verbose_header_with_fields() {
    let p = parse_line("=== Verbose logging started: 7/7/2026  12:02:17  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===").unwrap();
    assert_eq!(p.time, NaiveTime::from_hms_opt(12, 2, 17));
    let Kind::MsiLogBoundary(b) = p.kind else {
        panic!()
    };
    assert!(b.started && b.verbose);
    assert_eq!(b.date_text, "7/7/2026");
    assert_eq!(b.build.as_deref(), Some("SHIP UNICODE 5.00.10011.00"));
    assert_eq!(
        b.calling_process.as_deref(),
        Some("C:\\Windows\\system32\\msiexec.exe")
    );
}

#[test]
fn non_verbose_header_and_stop() {
    let Kind::MsiLogBoundary(b) = kind("=== Logging started: 1/21/2020  7:21:48 ===") else {
        panic!()
    };
    assert!(b.started && !b.verbose);
    let Kind::MsiLogBoundary(b) = kind("=== Verbose logging stopped: 7/7/2026  12:02:18 ===")
    else {
        panic!()
    };
    assert!(!b.started && b.verbose);
}

#[test]
fn header_dates_in_locales() {
    let cases = [
        ("7/7/2026", Some(DateOrder::MonthFirst), "2026-07-07"),
        ("31/10/2023", Some(DateOrder::DayFirst), "2023-10-31"),
        ("26/1/2026", Some(DateOrder::DayFirst), "2026-01-26"),
        ("1/17/2020", Some(DateOrder::MonthFirst), "2020-01-17"),
        ("24.03.2026", Some(DateOrder::DayFirst), "2026-03-24"),
        ("24-03-2026", Some(DateOrder::DayFirst), "2026-03-24"),
        ("2026-03-04", Some(DateOrder::MonthFirst), "2026-03-04"),
    ];
    for (text, order, date) in cases {
        let d = NumericDate::parse(text).unwrap();
        assert_eq!(d.implied_order(), order, "{text}");
        assert_eq!(
            d.resolve(order.unwrap()).unwrap().to_string(),
            date,
            "{text}"
        );
    }
    assert!(NumericDate::parse("4/5/2022").unwrap().is_ambiguous());
    assert!(NumericDate::parse("[DateTime]").is_none());
}

#[test]
fn ambiguous_header_date_is_reported_not_silent() {
    let text = "=== Verbose logging started: 4/5/2022  10:00:00  Build type: SHIP ===\nAction start 10:00:01: INSTALL.\n";
    let mut p = MsiLogParser::from_bytes(text.as_bytes());
    let evs: Vec<_> = p.by_ref().map(Result::unwrap).collect();
    assert_eq!(
        evs[1].time.local_datetime().unwrap().to_string(),
        "2022-04-05 10:00:01"
    );
    assert_eq!(p.warnings().len(), 1);
    assert!(p.warnings()[0].message.contains("ambiguous"));
    // A known order from elsewhere decides without a warning.
    let settings = MsiLogSettings {
        date_order: Some(DateOrder::DayFirst),
        ..Default::default()
    };
    let mut p = MsiLogParser::new(text.as_bytes(), TextEncoding::Utf8, 0, settings);
    let evs: Vec<_> = p.by_ref().map(Result::unwrap).collect();
    assert_eq!(
        evs[1].time.local_datetime().unwrap().to_string(),
        "2022-05-04 10:00:01"
    );
    assert!(p.warnings().is_empty());
}

#[test]
fn engine_prefix_forms() {
    for (line, side, pid, tid) in [
        (
            "MSI (c) (FC:08) [12:02:17:888]: Resetting cached policy values",
            'c',
            0xFC,
            0x08,
        ),
        (
            "MSI (s) (18!F4) [12:02:17:898]: Grabbed execution mutex.",
            's',
            0x18,
            0xF4,
        ),
        ("MSI (N) (1C:2C) [09:00:00:001]: x", 'N', 0x1C, 0x2C),
        ("MSI (a) (2C:60) [15:09:14:124]: x", 'a', 0x2C, 0x60),
    ] {
        let p = engine_prefix(line).unwrap();
        assert_eq!((p.side, p.pid, p.tid), (side, pid, tid));
        assert!(p.time.is_some());
    }
    let parsed = parse_line("MSI (s) (18:F4) [12:02:17:898]: Grabbed execution mutex.").unwrap();
    assert_eq!(parsed.kind, Kind::Text);
    let proc_ = parsed.process.unwrap();
    assert_eq!(proc_.role, Some(ProcessRole::InstallerServer));
    assert!(proc_.partial);
    assert_eq!(parsed.time, NaiveTime::from_hms_milli_opt(12, 2, 17, 898));
}

#[test]
fn action_lines_with_unpadded_hours() {
    let p = parse_line("Action start 7:22:03: InstallFinalize.").unwrap();
    assert_eq!(p.time, NaiveTime::from_hms_opt(7, 22, 3));
    assert_eq!(
        p.kind,
        Kind::MsiAction {
            name: "InstallFinalize".into(),
            phase: ActionPhase::Start
        }
    );
    assert_eq!(
        kind("Action ended 12:02:18: InstallFinalize. Return value 3."),
        Kind::MsiAction {
            name: "InstallFinalize".into(),
            phase: ActionPhase::End { return_value: 3 }
        }
    );
    assert_eq!(
        kind("Action 7:21:48: CostInitialize. Computing space requirements"),
        Kind::MsiAction {
            name: "CostInitialize".into(),
            phase: ActionPhase::Progress {
                text: "Computing space requirements".into()
            }
        }
    );
}

#[test]
fn action_lines_with_placeholders_or_no_time() {
    assert_eq!(
        kind("Action ended: HardenProgramDataAcl. Return value 3."),
        Kind::MsiAction {
            name: "HardenProgramDataAcl".into(),
            phase: ActionPhase::End { return_value: 3 }
        }
    );
    assert_eq!(
        kind("Action ended Time: InstallFinalize. Return value 3."),
        Kind::MsiAction {
            name: "InstallFinalize".into(),
            phase: ActionPhase::End { return_value: 3 }
        }
    );
    // Wrapped in another tool's prefix.
    assert_eq!(
        kind("MSI(INFO): 'Action ended Time: InstallExecute. Return value 3."),
        Kind::MsiAction {
            name: "InstallExecute".into(),
            phase: ActionPhase::End { return_value: 3 }
        }
    );
}

#[test]
fn localized_action_text_does_not_break() {
    assert_eq!(
        kind("Action 10:01:02: InstallFiles. Copie des nouveaux fichiers: Fichier : [1],  Répertoire : [9],  Taille : [6]"),
        Kind::MsiAction {
            name: "InstallFiles".into(),
            phase: ActionPhase::Progress {
                text: "Copie des nouveaux fichiers: Fichier : [1],  Répertoire : [9],  Taille : [6]".into()
            }
        }
    );
    // A wholly localized line has no known shape: it is kept as text, not lost.
    let evs = events("Aktion 10:01:02: InstallFiles. Dateien werden kopiert\n");
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0].kind, Kind::Text);
}

#[test]
fn custom_action_results() {
    assert_eq!(
        kind("CustomAction InstallFluentdWinSvc returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)"),
        Kind::CustomActionResult { action: "InstallFluentdWinSvc".into(), code: 1603, translated_to_success: false }
    );
    assert_eq!(
        kind("CustomAction  returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)"),
        Kind::CustomActionResult { action: "".into(), code: 1603, translated_to_success: false }
    );
    assert_eq!(
        kind("CustomAction CA_X returned actual error code 1 but will be translated to success due to continue marking"),
        Kind::CustomActionResult { action: "CA_X".into(), code: 1, translated_to_success: true }
    );
}

#[test]
fn numbered_messages() {
    let m = |line| match kind(line) {
        Kind::MsiMessage(m) => (m.code, m.level, m.text),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        m("Error 1310. Error writing to file: C:\\avcodec-57.dll.  System error 0."),
        (
            1310,
            MessageLevel::Error,
            "Error writing to file: C:\\avcodec-57.dll.  System error 0.".into()
        )
    );
    assert_eq!(m("Error 1406.Setup cannot write").0, 1406);
    assert_eq!(m("Error 33. aws-okta Setup failed.").0, 33);
    assert_eq!(
        m("Info 1603. The file C:\\x.dll is being held in use").1,
        MessageLevel::Info
    );
    assert_eq!(
        m("Warning 1946. Property 'System.AppUserModel.ID'").1,
        MessageLevel::Warning
    );
    assert_eq!(
        m("DEBUG: Error 2826:  Control Line1 on dialog X extends beyond"),
        (
            2826,
            MessageLevel::Debug,
            "Control Line1 on dialog X extends beyond".into()
        )
    );
    assert_eq!(
        m("Internal Error 2235. , Action, SELECT").1,
        MessageLevel::Internal
    );
    let Kind::MsiMessage(u) = kind("The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2235. The arguments are: , Action, SELECT x") else { panic!() };
    assert_eq!((u.code, u.level), (2235, MessageLevel::Internal));
    assert_eq!(u.args, vec!["", "Action", "SELECT x"]);
    // Prose starting with the same word is not a message.
    assert!(parse_line("Error in rollback skipped.\tReturn: 5").is_none());
}

#[test]
fn notes_with_positional_arguments() {
    let Kind::MsiMessage(n) = kind("MSI (s) (18:F4) [12:02:17:912]: Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287038 ") else { panic!() };
    assert_eq!((n.code, n.level), (2203, MessageLevel::Note));
    assert_eq!(
        n.args,
        vec![
            "C:\\Windows\\Installer\\inprogressinstallinfo.ipi",
            "-2147287038"
        ]
    );
    let Kind::MsiMessage(n) = kind("Note: 1: 2265 2:  3: -2147287035") else {
        panic!()
    };
    assert_eq!(n.args, vec!["", "-2147287035"]);
    let Kind::MsiMessage(n) = kind("Note: 1: 1708 ") else {
        panic!()
    };
    assert_eq!((n.code, n.args.len()), (1708, 0));
    let Kind::MsiMessage(n) = kind(
        "Note: 1: 1722 2: HardenProgramDataAcl 3: C:\\WINDOWS\\system32\\cmd.exe 4: /c icacls x",
    ) else {
        panic!()
    };
    assert_eq!(
        n.args,
        vec![
            "HardenProgramDataAcl",
            "C:\\WINDOWS\\system32\\cmd.exe",
            "/c icacls x"
        ]
    );
}

#[test]
fn properties_single_and_multi_line() {
    assert_eq!(
        kind("Property(S): ProductName = Python 3.6 PyCapture2-2.13.61"),
        Kind::Property {
            scope: PropertyScope::Server,
            name: "ProductName".into(),
            value: "Python 3.6 PyCapture2-2.13.61".into()
        }
    );
    assert_eq!(
        kind("MSI (s) (18:F4) [12:02:17:950]: PROPERTY CHANGE: Adding PackageCode property. Its value is '{A0E54EF4-D0BE-4941-B253-6474EF4CF444}'."),
        Kind::Property { scope: PropertyScope::Change, name: "PackageCode".into(), value: "{A0E54EF4-D0BE-4941-B253-6474EF4CF444}".into() }
    );
    assert_eq!(
        kind("MSI (c) (FC:08) [12:02:17:950]: PROPERTY CHANGE: Modifying INSTALLDIR property. Its current value is 'C:\\a'. Its new value: 'C:\\b'."),
        Kind::Property { scope: PropertyScope::Change, name: "INSTALLDIR".into(), value: "C:\\b".into() }
    );
    // The first ` = ` splits: `=` without spaces is part of the name, later ones of the value.
    assert_eq!(
        kind("Property(S): A=B = x = y"),
        Kind::Property {
            scope: PropertyScope::Server,
            name: "A=B".into(),
            value: "x = y".into()
        }
    );
    assert_eq!(
        kind("Property(S): Empty = "),
        Kind::Property {
            scope: PropertyScope::Server,
            name: "Empty".into(),
            value: "".into()
        }
    );
    assert!(parse_line("Property(S): NoSeparator=1").is_none());
    // The first ` property.` ends the name; a value that says it again is kept whole.
    assert_eq!(
        kind("MSI (s) (18:F4) [12:02:17:950]: PROPERTY CHANGE: Adding X property. Its value is 'a property. Its value is 'b''."),
        Kind::Property { scope: PropertyScope::Change, name: "X".into(), value: "a property. Its value is 'b".into() }
    );
    let evs = events("Property(C): LICENSE = line one\r\nline two\r\nProperty(C): Next = 1\r\n");
    assert_eq!(evs.len(), 2);
    assert_eq!(
        evs[0].kind,
        Kind::Property {
            scope: PropertyScope::Client,
            name: "LICENSE".into(),
            value: "line one\nline two".into()
        }
    );
    assert_eq!(evs[1].at, Location::Line(3));
}

#[test]
fn property_lines_are_recognized_then_built_with_their_continuations() {
    let log = "> MSI (c) (FC:08) [12:02:17:950]: Property(C): LICENSE = line one\r\nline two\r\nProperty(S): Next = 1\r\n";
    let mut parser = MsiLogParser::from_bytes(log.as_bytes());
    let entry = parser.next_entry().unwrap().unwrap();
    assert_eq!(entry.peek().unwrap_err(), Deferred::Property);
    assert_eq!(entry.property_name(), Some("LICENSE"));
    assert_eq!(
        entry.kind(),
        &Kind::Property {
            scope: PropertyScope::Client,
            name: "LICENSE".into(),
            value: "line one\nline two".into()
        }
    );
    // Built, it is no longer a deferred property.
    assert_eq!(entry.property_name(), None);
    let entry = parser.next_entry().unwrap().unwrap();
    assert_eq!(entry.property_name(), Some("Next"));
}

#[test]
fn property_changes_are_recognized_then_built_as_the_iterator_builds_them() {
    let log = "MSI (c) (FC:08) [12:02:17:950]: PROPERTY CHANGE: Adding NOTE property. Its value is 'first\r\nsecond'.\r\nMSI (c) (FC:08) [12:02:17:951]: PROPERTY CHANGE: Deleting X property. Its current value is '1'.\r\n";
    let built: Vec<Event> = MsiLogParser::from_bytes(log.as_bytes())
        .map(Result::unwrap)
        .collect();
    let mut parser = MsiLogParser::from_bytes(log.as_bytes());
    let mut lent = Vec::new();
    while let Some(entry) = parser.next_entry() {
        let entry = entry.unwrap();
        assert_eq!(entry.peek().unwrap_err(), Deferred::PropertyChange);
        lent.push((
            entry.property_name().unwrap().to_string(),
            entry.take_event(0),
        ));
    }
    assert_eq!(lent[0].0, "NOTE");
    assert_eq!(lent[1].0, "X");
    assert_eq!(
        lent[0].1.kind,
        Kind::Property {
            scope: PropertyScope::Change,
            name: "NOTE".into(),
            value: "first\nsecond'.".into()
        }
    );
    assert_eq!(built, lent.into_iter().map(|(_, e)| e).collect::<Vec<_>>());
}

#[test]
fn feature_and_component_states() {
    assert_eq!(
        kind("MSI (s) (18:F4) [12:02:17:990]: Feature: Complete; Installed: Absent;   Request: Local;   Action: Local"),
        Kind::InstallState { item: StateItem::Feature, name: "Complete".into(), installed: "Absent".into(), request: "Local".into(), action: "Local".into() }
    );
    assert!(matches!(
        kind("MSI (s) (18:F4) [12:02:17:990]: Component: Main; Installed: Absent;   Request: Local;   Action: Local;   Client State: Unknown"),
        Kind::InstallState { item: StateItem::Component, .. }
    ));
}

#[test]
fn policies_and_elevation() {
    assert_eq!(
        kind("MSI (c) (FC:08) [12:02:17:888]: Machine policy value 'DisableMsi' is 0"),
        Kind::Policy {
            scope: PolicyScope::Machine,
            name: "DisableMsi".into(),
            value: "0".into()
        }
    );
    // The first `' is ` ends the name.
    assert_eq!(
        kind("MSI (c) (FC:08) [12:02:17:888]: Machine policy value 'X' is 'Y' is 1"),
        Kind::Policy {
            scope: PolicyScope::Machine,
            name: "X".into(),
            value: "'Y' is 1".into()
        }
    );
    assert_eq!(
        kind("MSI (s) (18:F4) [12:02:17:947]: User policy value 'TransformsAtSource' is 0"),
        Kind::Policy {
            scope: PolicyScope::User,
            name: "TransformsAtSource".into(),
            value: "0".into()
        }
    );
    assert_eq!(
        kind("MSI (s) (18:F4) [12:02:17:948]: Running product '{2384BC12-775D-4353-9ACE-3D26D6D935D2}' with user privileges: It's not assigned."),
        Kind::Elevation { elevated: false, reason: "It's not assigned.".into() }
    );
    assert!(matches!(
        kind("MSI (s) (7C:D0) [17:24:15:870]: Running product '{X}' with elevated privileges: Product is assigned."),
        Kind::Elevation { elevated: true, .. }
    ));
}

#[test]
fn engine_return_product_notice_and_outcomes() {
    assert_eq!(
        kind("MSI (s) (18:F4) [12:02:18:123]: MainEngineThread is returning 1603"),
        Kind::EngineReturn { code: 1603 }
    );
    assert_eq!(
        kind("MainEngineThread is returning 1603"),
        Kind::EngineReturn { code: 1603 }
    );
    assert_eq!(
        kind("MSI (s) (7C:D0) [17:24:15:870]: Product: Puppet -- Installation failed."),
        Kind::ProductNotice {
            product: "Puppet".into(),
            text: "Installation failed.".into()
        }
    );
    let Kind::MsiOutcome(o) = kind("MSI (s) (18:F4) [12:02:18:120]: Windows Installer installed the product. Product Name: Python 3.6 PyCapture2-2.13.61. Product Version: 2.13.61. Product Language: 1033. Manufacturer: FLIR Integrated Imaging Solutions, Inc. Installation success or error status: 1603.") else { panic!() };
    assert_eq!(o.operation, InstallOperation::Install);
    assert_eq!(o.status, 1603);
    assert_eq!(o.product, "Python 3.6 PyCapture2-2.13.61");
    assert_eq!(o.version.as_deref(), Some("2.13.61"));
    assert_eq!(
        o.manufacturer.as_deref(),
        Some("FLIR Integrated Imaging Solutions, Inc")
    );
    let Kind::MsiOutcome(o) = kind("Windows Installer reconfigured the product. Product Name: W. Product Version: 1. Product Language: 1033. Manufacturer: M. Reconfiguration success or error status: 0.") else { panic!() };
    assert_eq!((o.operation, o.status), (InstallOperation::Reconfigure, 0));
}

#[test]
fn continuation_lines_attach_to_the_entry_before() {
    let log = "MSI (s) (2C:60) [15:09:14:124]: Hello, I'm your 32bit Elevated Non-remapped custom action server.\r\n\
               WixQuietExec64:  Command string must begin with quoted application name.\r\n\
               WixQuietExec64:  Error 0x80070057: invalid command line property value\r\n\
               CustomAction InstallFluentdWinSvc returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)\r\n";
    let evs = events(log);
    assert_eq!(evs.len(), 2);
    let lines: Vec<_> = evs[0].raw_lines().map(|(n, _)| n).collect();
    assert_eq!(lines, vec![1, 2, 3]);
    assert_eq!(
        evs[0].raw_lines().nth(1).unwrap().1,
        "WixQuietExec64:  Command string must begin with quoted application name."
    );
    assert_eq!(evs[1].at, Location::Line(4));
}

#[test]
fn leading_unshaped_lines_form_a_text_entry() {
    let evs = events("CAQuietExec64:  Error 0x80070001: Command line returned an error.\nCustomAction X returned actual error code 1603\n");
    assert_eq!(evs[0].kind, Kind::Text);
    assert_eq!(evs[0].at, Location::Line(1));
}

#[test]
fn long_continuations_are_split_to_bound_memory() {
    let mut log = String::from("MSI (s) (18:F4) [12:00:00:000]: start\n");
    for i in 0..1000 {
        log.push_str(&format!("output line {i}\n"));
    }
    let evs = events(&log);
    assert!(evs.len() >= 3);
    let total: usize = evs.iter().map(|e| e.raw_lines().count()).sum();
    assert_eq!(total, 1001);
}

#[test]
fn midnight_rollover_moves_the_date() {
    let log = "=== Verbose logging started: 12/31/2025  23:59:58  Build type: SHIP ===\n\
               MSI (s) (18:F4) [23:59:59:500]: a\n\
               MSI (s) (18:F4) [00:00:01:000]: b\n";
    let evs = events(log);
    assert_eq!(
        evs[1].time.local_datetime().unwrap().to_string(),
        "2025-12-31 23:59:59.500"
    );
    assert_eq!(
        evs[2].time.local_datetime().unwrap().to_string(),
        "2026-01-01 00:00:01"
    );
}

#[test]
fn several_sessions_in_one_file() {
    let log = "=== Verbose logging started: 31/10/2023  9:12:53  Build type: SHIP ===\n\
               MSI (s) (18:F4) [09:12:54:000]: a\n\
               === Verbose logging stopped: 31/10/2023  9:12:55 ===\n\
               === Verbose logging started: 1/11/2023  10:00:00  Build type: SHIP ===\n\
               MSI (s) (18:F4) [10:00:01:000]: b\n";
    let mut p = MsiLogParser::from_bytes(log.as_bytes());
    let evs: Vec<_> = p.by_ref().map(Result::unwrap).collect();
    assert_eq!(
        evs[1].time.local_datetime().unwrap().date().to_string(),
        "2023-10-31"
    );
    // `1/11/2023` alone is ambiguous; it is read month-first and reported.
    assert_eq!(
        evs[4].time.local_datetime().unwrap().date().to_string(),
        "2023-01-11"
    );
    assert_eq!(p.warnings().len(), 1);
}

#[test]
fn lines_without_timestamp_have_none() {
    let evs = events("Error 1406.Setup cannot write the value\n");
    assert_eq!(evs[0].time, Stamp::none());
}

#[test]
fn binary_junk_and_cut_lines_are_warned() {
    let mut bytes = b"MSI (s) (18:F4) [12:00:00:000]: ok\n\x01\x02\x03\x04junk\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 200));
    bytes.extend_from_slice(b"\nAction start 1:00:00: X.\n");
    let settings = MsiLogSettings {
        max_line: 100,
        ..Default::default()
    };
    let mut p = MsiLogParser::new(&bytes[..], TextEncoding::Utf8, 0, settings);
    let evs: Vec<_> = p.by_ref().map(Result::unwrap).collect();
    assert_eq!(evs.last().unwrap().at, Location::Line(4));
    let lines: Vec<_> = p.warnings().iter().map(|w| w.line).collect();
    assert_eq!(lines, vec![2, 3]);
}

#[test]
fn note_markers_need_a_space_before_and_the_exact_number() {
    let Kind::MsiMessage(n) = kind("Note: 1: 2262 2: a 12: b 3: 02: c 3: d") else {
        panic!()
    };
    // ` 12: ` is not ` 2: `, `02: ` is not `2: `; the first ` 3: ` ends field 2.
    assert_eq!(n.args, vec!["a 12: b", "02: c 3: d"]);
    let Kind::MsiMessage(n) = kind("Note: 1: 2262 2: 3: x") else {
        panic!()
    };
    assert_eq!(n.args, vec!["", "x"]);
}

#[test]
fn binary_junk_needs_three_control_characters_anywhere_in_the_line() {
    // One control character in each of three 255-byte counting chunks still adds up.
    let mut spread = String::new();
    for _ in 0..3 {
        spread.push('\u{1}');
        spread.push_str(&"x".repeat(300));
    }
    assert!(has_binary_junk(&spread));
    assert!(!has_binary_junk(&spread[..600]));
    // Tabs and carriage returns are text.
    assert!(!has_binary_junk("a\tb\tc\td\r\r"));
    assert!(has_binary_junk("\u{0}\u{0}\u{1b}"));
}

#[test]
fn state_line_parts() {
    // The name may hold colons; a part without a colon is skipped; a repeated key keeps the last.
    let Kind::InstallState {
        item,
        name,
        installed,
        request,
        action,
    } = kind("Component: C:\\x:y;  odd part; Installed: Absent; Request: Null ;Action: Local; Request: Local")
    else {
        panic!()
    };
    assert_eq!(item, StateItem::Component);
    assert_eq!(
        (
            name.as_str(),
            installed.as_str(),
            request.as_str(),
            action.as_str()
        ),
        ("C:\\x:y", "Absent", "Local", "Local")
    );
    // Without any state it is no state line.
    assert!(parse_line("Feature: Docs; Size: 10").is_none());
    assert!(parse_line("Feature: Docs").is_none());
}

#[test]
fn a_repeated_process_part_reads_as_a_fresh_one() {
    let mut last = LastProcess::default();
    for line in [
        "MSI (s) (18:F4) [12:00:00:001]: a",
        "MSI (s) (18:F4) [12:00:00:002]: b",
        "MSI (s) (18:F4)  [12:00:00:003]  :  spaced",
        "MSI (s) (18:F4): no time",
        "MSI (s) (18:F4A) [12:00:00:004]: longer thread id",
        "MSI (s) (18:F4)[12:00:00:005]:tight",
        "MSI (s) (18:F4) [12:00:00:006: unclosed",
        "MSI (c) (18:F4) [12:00:00:007]: other side",
        "MSI (s) (18:F4) [12:00:00:008]: back",
        "not an engine line",
    ] {
        assert_eq!(last.engine_prefix(line), engine_prefix(line), "{line}");
    }
}
