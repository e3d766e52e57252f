use super::*;

const TWO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Events>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="MsiInstaller"/><EventID Qualifiers="0">11708</EventID><Level>4</Level><TimeCreated SystemTime="2016-08-30T15:21:37.0000000Z"/><EventRecordID>1724</EventRecordID><Execution ProcessID="12" ThreadID="34"/><Channel>Application</Channel><Computer>PC</Computer><Security UserID="S-1-5-18"/></System><EventData><Data>Product: EMET 5.51 -- Installation failed.</Data><Data>(NULL)</Data><Data></Data><Binary>7B7D</Binary></EventData></Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Service Control Manager" Guid="{555908d1-a6d7-4695-8e1e-26931d2012f4}" EventSourceName="Service Control Manager"/><EventID Qualifiers="49152">7000</EventID><Level>2</Level><TimeCreated SystemTime="2018-01-01T00:00:00.123Z"/><EventRecordID>9</EventRecordID><Channel>System</Channel></System><EventData><Data Name="param1">Cloud &amp; Files</Data><Data Name="param2">%%50</Data></EventData><RenderingInfo Culture="en-US"><Message>The service failed.</Message></RenderingInfo></Event>
</Events>"#;

#[test]
fn reads_events_with_and_without_names() {
    let events: Vec<_> = EventXmlParser::new(TWO.as_bytes(), TextEncoding::Utf8, 3)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(events.len(), 2);
    let Kind::EventRecord(r) = &events[0].kind else {
        panic!()
    };
    assert_eq!(
        (r.provider.as_str(), r.event_id, r.level),
        ("MsiInstaller", 11708, 4)
    );
    assert_eq!(r.data[1].value, None);
    assert_eq!(r.data[2].value.as_deref(), Some(""));
    assert_eq!(r.binary.as_deref(), Some("7B7D"));
    assert_eq!(events[0].at, Location::Record(1724));
    assert_eq!(events[0].process.as_ref().unwrap().tid, Some(34));
    let Kind::EventRecord(r) = &events[1].kind else {
        panic!()
    };
    assert_eq!(r.qualifiers, Some(49152));
    assert_eq!(r.data[0].name.as_deref(), Some("param1"));
    assert_eq!(r.data[0].value.as_deref(), Some("Cloud & Files"));
    assert_eq!(r.message.as_deref(), Some("The service failed."));
}

#[test]
fn markup_typed_inside_a_data_item_is_kept_as_text() {
    let xml = TWO.replacen("<Data>(NULL)</Data>", "<Data>root\\ccm\\<SID></Data>", 1);
    let events: Vec<_> = EventXmlParser::new(xml.as_bytes(), TextEncoding::Utf8, 0)
        .collect::<Result<_, _>>()
        .unwrap();
    let Kind::EventRecord(r) = &events[0].kind else {
        panic!()
    };
    assert_eq!(r.data[1].value.as_deref(), Some("root\\ccm\\<SID>"));
    assert_eq!(events.len(), 2);
}

#[test]
fn utf16_export_and_no_wrapper() {
    let body = TWO.replace("<Events>", "").replace("</Events>", "");
    let mut bytes = vec![0xFF, 0xFE];
    for u in body.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let n = EventXmlParser::new(&bytes[..], TextEncoding::Utf16LeBom, 0)
        .filter(|e| e.is_ok())
        .count();
    assert_eq!(n, 2);
}

#[test]
fn a_damaged_record_is_an_error_naming_its_line_and_the_rest_is_read() {
    let damaged = TWO.replacen("<Level>4</Level>", "<Level>4<!Level>", 1);
    let items: Vec<_> = EventXmlParser::new(damaged.as_bytes(), TextEncoding::Utf8, 0).collect();
    let err = items
        .iter()
        .find_map(|i| i.as_ref().err())
        .expect("an error");
    assert!(matches!(err, SourceError::Xml { line: 3, .. }), "{err}");
    // The next record is still read.
    assert!(items
        .iter()
        .any(|i| i.as_ref().is_ok_and(|e| e.at == Location::Record(9))));
}
