//! One over-long record costs bounded memory and is an error naming its place; the records
//! around it are still read (issue 13: one CSV line of 100 MiB of commas took 1.06 GB, a 100 MB
//! XML text took 3 times its size). Peak memory itself is measured in `peak_memory.rs`.

use msitrace::event::{Event, Kind, Location};
use msitrace::source::eventxml::EventXmlParser;
use msitrace::source::procmon::csv::ProcmonCsvParser;
use msitrace::source::procmon::xml::ProcmonXmlParser;
use msitrace::source::procmon::CaptureSettings;
use msitrace::source::KeepPolicy;
use msitrace::source::SourceError;
use msitrace::source::TextEncoding;

fn all() -> CaptureSettings {
    CaptureSettings {
        keep: KeepPolicy::All,
        ..Default::default()
    }
}

fn operation_rows(items: &[Result<Event, SourceError>]) -> Vec<u64> {
    items
        .iter()
        .filter_map(|i| match i {
            Ok(Event {
                at: Location::Row(n),
                kind: Kind::Operation(_),
                ..
            }) => Some(*n),
            _ => None,
        })
        .collect()
}

const HEADER: &str =
    "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n";
const ROW: &str = "\"7:19:37.0147934 AM\",\"msiexec.exe\",\"4242\",\"CreateFile\",\"C:\\Windows\\Temp\\x\",\"ACCESS DENIED\",\"\"\r\n";

#[test]
fn a_csv_row_of_millions_of_commas_is_cut_and_named_and_the_next_rows_are_read() {
    let mut csv = format!("{HEADER}{ROW}").into_bytes();
    csv.extend(std::iter::repeat_n(b',', 3 << 20));
    csv.extend_from_slice(b"\r\n");
    csv.extend_from_slice(ROW.as_bytes());
    let items: Vec<_> = ProcmonCsvParser::new(&csv[..], 0, all()).unwrap().collect();
    assert_eq!(operation_rows(&items), vec![1, 3]);
    let errors: Vec<String> = items
        .iter()
        .filter_map(|i| i.as_ref().err().map(|e| e.to_string()))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("row 2, ") && errors[0].contains("longer than 1048576 bytes"),
        "{errors:?}"
    );
}

#[test]
fn a_quoted_csv_field_of_many_line_breaks_is_cut_too() {
    let mut csv = format!("{HEADER}{ROW}\"").into_bytes();
    csv.extend(std::iter::repeat_n(b'\n', 3 << 20));
    csv.extend_from_slice(b"\",\"a\",\"1\",\"CreateFile\",\"\",\"SUCCESS\",\"\"\r\n");
    csv.extend_from_slice(ROW.as_bytes());
    let items: Vec<_> = ProcmonCsvParser::new(&csv[..], 0, all()).unwrap().collect();
    assert_eq!(operation_rows(&items), vec![1, 3]);
}

fn event_xml(record: u64, data: &str) -> String {
    format!(
        "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>\
         <Provider Name=\"MsiInstaller\"/><EventID>11708</EventID><Level>2</Level>\
         <TimeCreated SystemTime=\"2016-08-30T15:32:13.000000000Z\"/>\
         <EventRecordID>{record}</EventRecordID><Channel>Application</Channel></System>\
         <EventData><Data>{data}</Data></EventData></Event>\n"
    )
}

#[test]
fn an_event_log_record_of_9_mib_is_skipped_and_named_and_the_next_records_are_read() {
    let huge = "x".repeat(9 << 20);
    let xml = format!(
        "<Events>\n{}{}{}</Events>\n",
        event_xml(1, "before"),
        event_xml(2, &huge),
        event_xml(3, "after")
    );
    let items: Vec<_> = EventXmlParser::new(xml.as_bytes(), TextEncoding::Utf8, 0).collect();
    let records: Vec<u64> = items
        .iter()
        .filter_map(|i| match i {
            Ok(Event {
                at: Location::Record(n),
                ..
            }) => Some(*n),
            _ => None,
        })
        .collect();
    assert_eq!(records, vec![1, 3]);
    let errors: Vec<String> = items
        .iter()
        .filter_map(|i| i.as_ref().err().map(|e| e.to_string()))
        .collect();
    // One error: the end tags of the record skipped and of `<Events>` are not more errors.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("XML error at line 3,")
            && errors[0].contains("longer than 8388608 bytes"),
        "{errors:?}"
    );
}

fn procmon_event(detail: &str) -> String {
    format!(
        "<event><Time_of_Day>19:04:47,3955378</Time_of_Day><Process_Name>msiexec.exe</Process_Name>\
         <PID>42</PID><Operation>CreateFile</Operation><Path>C:\\x</Path><Result>ACCESS DENIED</Result>\
         <Detail>{detail}</Detail></event>\n"
    )
}

#[test]
fn a_procmon_xml_detail_of_9_mib_is_skipped_and_the_next_events_keep_their_rows() {
    let huge = "y".repeat(9 << 20);
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<procmon><eventlist>\n{}{}{}</eventlist></procmon>\n",
        procmon_event("a"),
        procmon_event(&huge),
        procmon_event("c")
    );
    let items: Vec<_> = ProcmonXmlParser::new(xml.as_bytes(), 0, all()).collect();
    assert_eq!(operation_rows(&items), vec![1, 3]);
    let errors: Vec<String> = items
        .iter()
        .filter_map(|i| i.as_ref().err().map(|e| e.to_string()))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("longer than 8388608 bytes"),
        "{errors:?}"
    );
}

#[test]
fn a_procmon_xml_event_of_a_million_fields_and_frames_is_read_bounded() {
    let mut xml = String::from("<procmon><eventlist><event><PID>1</PID><Operation>CreateFile</Operation><Result>ACCESS DENIED</Result>");
    for i in 0..200_000 {
        xml.push_str(&format!("<f{i}>v</f{i}>"));
    }
    xml.push_str("<stack>");
    for _ in 0..200_000 {
        xml.push_str("<frame><depth>1</depth></frame>");
    }
    xml.push_str("</stack></event></eventlist></procmon>");
    let items: Vec<_> = ProcmonXmlParser::new(xml.as_bytes(), 0, all()).collect();
    let stack = items
        .iter()
        .find_map(|i| match i {
            Ok(Event {
                kind: Kind::Operation(op),
                ..
            }) => Some(op.stack.len()),
            _ => None,
        })
        .expect("the event is read");
    assert_eq!(stack, 1024, "frames kept up to the bound");
}
