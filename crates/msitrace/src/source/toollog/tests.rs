use super::*;
use crate::event::*;
use chrono::NaiveTime;

fn read(text: &str) -> (Vec<Event>, ToolLogReader<&[u8]>) {
    let mut r = ToolLogReader::from_text(text.as_bytes());
    let events = r.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
    (events, r)
}

#[test]
fn exit_carries_the_command_and_log_named_before_it() {
    let log = concat!(
        "<![LOG[Executing Command line: \"C:\\WINDOWS\\system32\\msiexec.exe\" /i \"x.msi\" /q /l*v \"C:\\WINDOWS\\ccm\\logs\\x_install.log\" with user context]LOG]!><time=\"10:00:00.000+000\" date=\"01-13-2016\" component=\"AppEnforce\" context=\"\" type=\"1\" thread=\"2216\" file=\"\">\n",
        "<![LOG[Process 4312 terminated with exitcode: 1603]LOG]!><time=\"10:00:09.000+000\" date=\"01-13-2016\" component=\"AppEnforce\" context=\"\" type=\"1\" thread=\"2216\" file=\"\">\n",
    );
    let (events, _) = read(log);
    let exit = events
        .iter()
        .find_map(|e| match &e.kind {
            Kind::DeploymentExit(x) => Some(x),
            _ => None,
        })
        .unwrap();
    assert_eq!(exit.code, 1603);
    assert_eq!(
        exit.msi_log.as_deref(),
        Some(r"C:\WINDOWS\ccm\logs\x_install.log")
    );
    assert!(exit
        .command_line
        .as_deref()
        .unwrap()
        .contains("msiexec.exe"));
    assert_eq!(exit.tool, DeploymentTool::ConfigMgr);
}

#[test]
fn every_entry_is_a_log_entry_at_its_first_line() {
    let (events, r) = read("MSI: Action 11:53:11: X. Y\nMSI: Setup failed due to unexpected circumstances\nThe error code is 80004005\n");
    let entries: Vec<_> = events
        .iter()
        .filter(|e| matches!(e.kind, Kind::LogEntry(_)))
        .collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].at, Location::Line(2));
    assert_eq!(r.counts().relayed, 1);
}

#[test]
fn empty_input_yields_nothing() {
    let (events, r) = read("");
    assert!(events.is_empty());
    assert_eq!(r.counts().entries, 0);
}

#[test]
fn dates_and_times() {
    assert!(parse_date("1-2").is_none());
    assert!(parse_date("a-b-c").is_none());
    assert!(parse_time("10:00").is_none());
    assert!(parse_time("10:00:00:00").is_none());
    assert_eq!(parse_time("12:00:01 AM"), NaiveTime::from_hms_opt(0, 0, 1));
}
