//! Found by cargo-fuzz (issue 13): an event-log XML export read as Windows-1252 (invalid UTF-8
//! in it) or UTF-16 named its errors by byte offsets in the UTF-8 text decoded from it, past the
//! end of a 4,573-byte file (`byte 4604`). Errors now name the byte of the file, and the column
//! counts the file's bytes.

use msitrace::source::eventxml::EventXmlParser;
use msitrace::source::SourceError;
use msitrace::source::TextEncoding;

const RECORD: &str = "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"MsiInstaller\"/><EventID>11708</EventID><Level>2</Level><TimeCreated SystemTime=\"2016-08-30T15:21:37.0000000Z\"/><EventRecordID>1724</EventRecordID><Channel>Application</Channel></System><EventData><Data>Product: Contoso -- Installation failed.</Data></EventData></Event>\n";

/// The XML errors of a document: (line, column, byte offset).
fn xml_errors(bytes: &[u8], encoding: TextEncoding) -> Vec<(u64, u64, u64)> {
    EventXmlParser::new(bytes, encoding, 0)
        .filter_map(|item| match item {
            Err(SourceError::Xml {
                line,
                column,
                offset,
                ..
            }) => Some((line, column, offset)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_windows_1252_export_names_the_file_byte_of_its_error() {
    // Accented text as Windows-1252 writes it: one byte each, two once decoded to UTF-8.
    let mut bytes = b"<Events>\n".to_vec();
    bytes.extend_from_slice(
        &RECORD
            .replace("Contoso", "Contoso \u{f1}\u{f1}\u{f1}\u{f1}")
            .chars()
            .map(|c| c as u32 as u8)
            .collect::<Vec<u8>>(),
    );
    bytes.extend_from_slice(b"</Events>\n");
    let bad = bytes.len() as u64;
    bytes.extend_from_slice(b"  </Events>\n");
    let errors = xml_errors(&bytes, TextEncoding::Windows1252);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (line, column, offset) = errors[0];
    assert_eq!(line, 4);
    assert_eq!(
        offset,
        bad + 2,
        "the `<` of the stray `</Events>` in the file"
    );
    assert_eq!(column, 3);
    assert!(offset < bytes.len() as u64);
}

#[test]
fn a_utf16_export_names_the_file_byte_of_its_error() {
    let text = format!("<Events>\n{RECORD}</Events>\n  </Events>\n");
    let chars_before = text[..text.rfind("</Events>").unwrap()].chars().count() as u64;
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let errors = xml_errors(&bytes, TextEncoding::Utf16LeBom);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (line, column, offset) = errors[0];
    assert_eq!(line, 4);
    assert_eq!(offset, 2 + 2 * chars_before);
    assert_eq!(column, 5, "two spaces of two bytes each before it");
}

#[test]
fn a_utf8_export_with_a_byte_order_mark_counts_the_mark() {
    let text = format!("\u{feff}<Events>\n{RECORD}</Events>\n</Events>\n");
    let bad = text.rfind("</Events>").unwrap() as u64;
    let errors = xml_errors(text.as_bytes(), TextEncoding::Utf8Bom);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].2, bad);
    assert_eq!(errors[0].1, 1);
}
