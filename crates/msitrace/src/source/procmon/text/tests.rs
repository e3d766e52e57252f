use super::*;
use crate::event::Kind;
use crate::source::KeepPolicy;

fn all() -> CaptureSettings {
    CaptureSettings {
        keep: KeepPolicy::All,
        ..Default::default()
    }
}

fn read(text: &str) -> (Vec<Event>, Vec<SourceError>, ProcmonTextSummary) {
    let mut p = ProcmonTextParser::new(text.as_bytes(), TextEncoding::Utf8, 0, all());
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for item in p.by_ref() {
        match item {
            Ok(e) => events.push(e),
            Err(e) => errors.push(e),
        }
    }
    (events, errors, p.describe())
}

fn operations(events: &[Event]) -> Vec<(u64, String, String, String)> {
    events
        .iter()
        .filter_map(|e| match (&e.kind, e.at) {
            (Kind::Operation(op), Location::Line(l)) => Some((
                l,
                op.name.clone(),
                op.path.clone().unwrap_or_default(),
                op.result.clone(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn space_separated_rows_with_spaces_in_paths() {
    let text = "7:19:37.0147934 AM msiexec.exe 4242 CreateFile C:\\Program Files\\Contoso\\agent.exe ACCESS DENIED Desired Access: Generic Write, Disposition: OverwriteIf\n7:19:37.0150000 AM msiexec.exe 4242 RegOpenKey HKLM\\SOFTWARE\\Contoso NAME NOT FOUND Desired Access: Read\n";
    let (events, errors, _) = read(text);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        operations(&events),
        [
            (
                1,
                "CreateFile".into(),
                "C:\\Program Files\\Contoso\\agent.exe".into(),
                "ACCESS DENIED".into()
            ),
            (
                2,
                "RegOpenKey".into(),
                "HKLM\\SOFTWARE\\Contoso".into(),
                "NAME NOT FOUND".into()
            )
        ]
    );
    let Kind::Operation(op) = &events
        .iter()
        .find(|e| matches!(e.kind, Kind::Operation(_)))
        .unwrap()
        .kind
    else {
        panic!()
    };
    assert_eq!(op.detail("Disposition"), Some("OverwriteIf"));
}

#[test]
fn tab_separated_rows_and_a_header() {
    let text = "Time of Day\tProcess Name\tPID\tOperation\tPath\tResult\tDetail\n15:42:22,8459553\tsetup.exe\t100\tWriteFile\tD:\\x.log\tDISK FULL\tOffset: 0\n";
    let (events, errors, _) = read(text);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(operations(&events)[0].3, "DISK FULL");
    assert_eq!(operations(&events)[0].0, 2);
}

#[test]
fn wrapped_details_and_doubled_backslashes() {
    let text = "11:55:21.8170826 svchost.exe 868 2424 Process Create C:\\\\Program Files\\\\rempl\\\\remsh.exe SUCCESS PID: 3076,\nCommand line: \"C:\\\\Program Files\\\\rempl\\\\remsh.exe\"\n11:56:47.3634539 rundll32.exe 1248 4152 Process Start SUCCESS Parent PID: 3076,\nCommand line: C:\\\\Windows\\\\system32\\\\rundll32.exe pnpclean.dll,RunDLL_PnpClean /DRIVERS\n";
    let (events, errors, summary) = read(text);
    assert!(errors.is_empty(), "{errors:?}");
    let ops = operations(&events);
    assert_eq!(ops[0].2, "C:\\Program Files\\rempl\\remsh.exe");
    let start = events
        .iter()
        .find_map(|e| match &e.kind {
            Kind::ProcessStart(s) => Some((e.at, s.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(start.0, Location::Line(3));
    assert_eq!(start.1.parent, Some(3076));
    assert_eq!(
        start.1.command_line.as_deref(),
        Some("C:\\Windows\\system32\\rundll32.exe pnpclean.dll,RunDLL_PnpClean /DRIVERS")
    );
    assert!(summary.notes.iter().any(|n| n.contains("doubled")));
    // The raw text is the user's lines.
    let first = events
        .iter()
        .find(|e| matches!(e.kind, Kind::Operation(_)))
        .unwrap();
    assert_eq!(first.raw_lines().count(), 2);
    assert_eq!(
        summary.to_string(),
        "Process Monitor rows copied as text; 2 rows"
    );
}

#[test]
fn event_properties_copy() {
    let text = "Date & Time:\t9/14/2020 3:21:36.1234567 PM\nEvent Class:\tFile System\nOperation:\tCreateFile\nResult:\tACCESS DENIED\nPath:\tC:\\Windows\\Temp\\MSI1234.tmp\nTID:\t4321\nDuration:\t0.0000123\nDesired Access:\tGeneric Write, Read Attributes\nDisposition:\tOverwriteIf\n\nDescription:\tWindows installer\nCompany:\tMicrosoft Corporation\nName:\tmsiexec.exe\nVersion:\t5.0.19041.1\nPath:\tC:\\Windows\\system32\\msiexec.exe\nCommand Line:\tC:\\Windows\\system32\\msiexec.exe /V\nPID:\t4242\nParent PID:\t812\nUser:\tNT AUTHORITY\\SYSTEM\nIntegrity:\tSystem\n";
    let (events, errors, summary) = read(text);
    assert!(errors.is_empty(), "{errors:?}");
    let ops = operations(&events);
    assert_eq!(
        ops,
        [(
            1,
            "CreateFile".into(),
            "C:\\Windows\\Temp\\MSI1234.tmp".into(),
            "ACCESS DENIED".into()
        )]
    );
    let op = events
        .iter()
        .find(|e| matches!(e.kind, Kind::Operation(_)))
        .unwrap();
    assert_eq!(op.process.as_ref().unwrap().pid, 4242);
    assert_eq!(op.process.as_ref().unwrap().tid, Some(4321));
    let t = op.time.local_datetime().unwrap();
    assert_eq!(t.to_string(), "2020-09-14 15:21:36.123456700");
    let Kind::Operation(o) = &op.kind else {
        panic!()
    };
    assert_eq!(o.detail("Disposition"), Some("OverwriteIf"));
    let info = events
        .iter()
        .find_map(|e| match &e.kind {
            Kind::ProcessInfo(i) => Some(i.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(info.parent, Some(812));
    assert_eq!(info.integrity.as_deref(), Some("System"));
    assert_eq!(summary.forms, [ProcmonTextForm::Properties]);
}

#[test]
fn prose_is_not_rows() {
    let (events, errors, summary) = read("12:00:00 lunch with 3 people\nnothing else\n");
    assert!(events.is_empty() && errors.is_empty());
    assert_eq!(summary.rows, 0);
    assert!(detect_head(b"12:00:00 lunch with 3 people\n", TextEncoding::Utf8).is_none());
}
