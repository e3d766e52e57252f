use super::*;
use crate::source::KeepPolicy;

fn all() -> CaptureSettings {
    CaptureSettings {
        keep: KeepPolicy::All,
        ..Default::default()
    }
}

fn events(text: &[u8]) -> Vec<Result<Event, SourceError>> {
    ProcmonCsvParser::new(text, 0, all()).unwrap().collect()
}

fn operations(text: &[u8]) -> Vec<(u64, String)> {
    events(text)
        .into_iter()
        .filter_map(|e| match e {
            Ok(Event {
                at: Location::Row(n),
                kind: Kind::Operation(op),
                ..
            }) => Some((n, op.result)),
            _ => None,
        })
        .collect()
}

#[test]
fn bom_crlf_and_lf_read_alike() {
    let lf =
        "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\n\
\"15:42:22,8459553\",\"a.exe\",\"1\",\"CreateFile\",\"C:\\x\",\"ACCESS DENIED\",\"\"\n\
\"15:42:22,8459554\",\"a.exe\",\"1\",\"ReadFile\",\"C:\\x\",\"END OF FILE\",\"Offset: 1,024\"\n";
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    let a = operations(lf.as_bytes());
    assert_eq!(a, operations(crlf.as_bytes()));
    assert_eq!(
        a,
        vec![(1, "ACCESS DENIED".into()), (2, "END OF FILE".into())]
    );
}

#[test]
fn columns_in_any_order_and_subset() {
    let text = b"\"Result\",\"Operation\",\"Parent PID\",\"PID\",\"Path\"\r\n\
\"SHARING VIOLATION\",\"CreateFile\",\"4\",\"8\",\"C:\\\\Windows\\\\Installer\\\\a.msi\"\r\n";
    let items = events(text);
    let info = items
        .iter()
        .find_map(|e| match e {
            Ok(Event {
                kind: Kind::ProcessInfo(p),
                ..
            }) => Some(p.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!((info.pid, info.parent), (8, Some(4)));
    let op = items
        .iter()
        .find_map(|e| match e {
            Ok(Event {
                kind: Kind::Operation(op),
                time,
                ..
            }) => Some((op.clone(), time.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(op.0.result, "SHARING VIOLATION");
    assert_eq!(op.1, Stamp::none(), "no Time of Day column: no time");
}

#[test]
fn quoted_line_breaks_stay_in_their_field() {
    let text = b"\"PID\",\"Operation\",\"Result\",\"Detail\"\n\"1\",\"Process Start\",\"SUCCESS\",\"Parent PID: 2, Command line: a, Current directory: C:\\\\, Environment: \n\tA=1\n\tB=2\"\n\"1\",\"CreateFile\",\"ACCESS DENIED\",\"\"\n";
    let ops = operations(text);
    assert_eq!(ops, vec![(2, "ACCESS DENIED".into())]);
}

#[test]
fn row_starts_are_found_past_quoted_line_breaks() {
    let dir = std::env::temp_dir().join(format!("msitrace-rowstart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("c.csv");
    // Row 2's detail holds a line break followed by a doubled quote.
    let text = b"\"PID\",\"Operation\",\"Result\",\"Detail\"\n\"1\",\"A\",\"SUCCESS\",\"x\n\"\"y\"\"\"\n\"2\",\"B\",\"SUCCESS\",\"\"\n";
    std::fs::write(&path, text).unwrap();
    let second_row = text.windows(4).position(|w| w == b"\n\"2\"").unwrap() as u64 + 1;
    assert_eq!(
        row_start_after(&path, 30).unwrap(),
        Some(36),
        "row 1 after the header"
    );
    assert_eq!(row_start_after(&path, 37).unwrap(), Some(second_row));
    assert_eq!(row_start_after(&path, second_row + 1).unwrap(), None);
    std::fs::remove_dir_all(&dir).unwrap();
}
