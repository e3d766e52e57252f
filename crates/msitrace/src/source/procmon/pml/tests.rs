//! A whole capture built byte by byte: header, events, offset table, processes, strings — read
//! back as rows and as kept events, whole, cut short and with a bad offset.

use super::header::{write_header, PmlHeader, HEADER_LEN};
use super::*;
use crate::event::{Kind, Location};

fn w16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn put_u32(b: &mut Vec<u8>, v: u32) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(b: &mut Vec<u8>, v: u64) {
    b.extend_from_slice(&v.to_le_bytes());
}

/// 2020-07-12 01:17:45 UTC as a FILETIME.
const T0: u64 = 0x01d6_57ea_3f53_0f27;

/// A 64-bit registry event: RegOpenKey of `path` with `result`.
fn reg_open(process_index: u32, path: &str, result: u32, tick: u64) -> Vec<u8> {
    let p = w16(path);
    let mut details = ((p.len() / 2) as u16).to_le_bytes().to_vec();
    details.extend_from_slice(&[0, 0]);
    details.extend_from_slice(&0x20019u32.to_le_bytes());
    details.extend_from_slice(&p);
    let mut e = Vec::new();
    put_u32(&mut e, process_index);
    put_u32(&mut e, 77); // tid
    put_u32(&mut e, names::class::REGISTRY);
    e.extend_from_slice(&0u16.to_le_bytes());
    e.extend_from_slice(&[0; 6]);
    put_u64(&mut e, 50); // duration
    put_u64(&mut e, T0 + tick);
    put_u32(&mut e, result);
    e.extend_from_slice(&0u16.to_le_bytes()); // stack depth
    e.extend_from_slice(&[0, 0]);
    put_u32(&mut e, details.len() as u32);
    put_u32(&mut e, 0); // no extra detail
    e.extend_from_slice(&details);
    e
}

/// A profiling event (hidden).
fn profiling() -> Vec<u8> {
    let mut e = vec![0u8; reader::EVENT_HEADER_LEN];
    e[8..12].copy_from_slice(&names::class::PROFILING.to_le_bytes());
    e
}

fn strings(list: &[&str]) -> Vec<u8> {
    let mut b = (list.len() as u32).to_le_bytes().to_vec();
    let mut body = Vec::new();
    let base = 4 + 4 * list.len();
    for s in list {
        put_u32(&mut b, (base + body.len()) as u32);
        let t = w16(s);
        put_u32(&mut body, t.len() as u32);
        body.extend_from_slice(&t);
    }
    b.extend_from_slice(&body);
    b
}

fn process(index: u32, pid: u32, parent: u32) -> Vec<u8> {
    let mut p = Vec::new();
    for v in [index, pid, parent, 0] {
        put_u32(&mut p, v);
    }
    put_u64(&mut p, 0x3e7);
    put_u32(&mut p, 1);
    put_u32(&mut p, 0);
    put_u64(&mut p, T0);
    put_u64(&mut p, 0);
    // virtualized, 64-bit, integrity, user, name, image, command line, company, version,
    // description, icons
    for v in [0u32, 1, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0] {
        put_u32(&mut p, v);
    }
    put_u64(&mut p, 0);
    put_u32(&mut p, 0); // no modules
    p
}

/// A capture of `events`, with one process (index 0, PID 4242, parent 1000).
fn capture(events: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut offsets = Vec::new();
    for e in events {
        offsets.push((HEADER_LEN + body.len()) as u32);
        body.extend_from_slice(e);
    }
    let events_offset = HEADER_LEN as u64;
    let table_offset = events_offset + body.len() as u64;
    let mut table = Vec::new();
    for o in &offsets {
        put_u32(&mut table, *o);
        table.push(0);
    }
    let processes_offset = table_offset + table.len() as u64;
    let proc = process(0, 4242, 1000);
    let mut procs = 1u32.to_le_bytes().to_vec();
    put_u32(&mut procs, 0);
    put_u32(&mut procs, 12);
    procs.extend_from_slice(&proc);
    let strings_offset = processes_offset + procs.len() as u64;
    let strs = strings(&[
        "",
        "High",
        "DOM\\jo",
        "msiexec.exe",
        "C:\\Windows\\System32\\msiexec.exe",
        "msiexec /i a.msi",
    ]);
    let icons_offset = strings_offset + strs.len() as u64;
    let hosts_offset = icons_offset + 4;
    let header = PmlHeader {
        version: 9,
        is_64bit: true,
        computer: "DESKTOP".into(),
        event_count: events.len() as u32,
        events_offset,
        event_offsets_offset: table_offset,
        processes_offset,
        strings_offset,
        icons_offset,
        hosts_ports_offset: hosts_offset,
        windows: [10, 0, 19045, 0],
        processors: 2,
        ..Default::default()
    };
    let mut file = write_header(&header);
    file.extend_from_slice(&body);
    file.extend_from_slice(&table);
    file.extend_from_slice(&procs);
    file.extend_from_slice(&strs);
    file.extend_from_slice(&[0; 4]); // no icons
    file.extend_from_slice(&[0; 8]); // no hosts, no ports
    file
}

fn sample() -> Vec<u8> {
    capture(&[
        reg_open(0, "HKLM\\Software\\A", 0, 0),
        profiling(),
        reg_open(0, "HKLM\\Software\\B", 0xC000_0022, 10),
        reg_open(0, "HKLM\\Software\\C", 0xC000_0034, 20),
    ])
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn rows_carry_every_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "a.pml", &sample());
    let mut rows = PmlRows::open(&path).unwrap();
    let all: Vec<PmlRow> = rows.by_ref().map(Result::unwrap).collect();
    assert_eq!(rows.hidden(), 1, "the profiling event is hidden");
    assert_eq!(all.len(), 3);
    let r = &all[1];
    assert_eq!((r.row, r.index), (2, 2));
    assert_eq!(r.process_name, "msiexec.exe");
    assert_eq!((r.pid, r.parent_pid, r.tid), (4242, 1000, 77));
    assert_eq!(r.operation, "RegOpenKey");
    assert_eq!(r.path, "HKLM\\Software\\B");
    assert_eq!(r.result, "ACCESS DENIED");
    assert_eq!(r.detail, "Desired Access: Read");
    assert_eq!(r.category, "Read");
    assert_eq!(r.time_of_day, "1:17:45.0380081 AM");
    assert_eq!(r.user, "DOM\\jo");
    assert_eq!(r.integrity, "High");
    assert_eq!(r.architecture, "64-bit");
    assert_eq!(r.authentication_id, "00000000:000003e7");
}

#[test]
fn kept_events_are_utc_with_exact_parents() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "a.pml", &sample());
    let settings = CaptureSettings::default();
    let (read, form, notes) = read_file(&path, 1, settings, 1).unwrap();
    assert!(
        form.contains("PML version 9") && form.contains("1 profiling"),
        "{form}"
    );
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(read.tally.rows, 3);
    assert!(read.tally.utc_times);
    let info = read
        .events
        .iter()
        .find_map(|e| match &e.kind {
            Kind::ProcessInfo(p) => Some(p.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!((info.pid, info.parent), (4242, Some(1000)));
    let denied = read
        .events
        .iter()
        .find(|e| matches!(&e.kind, Kind::Operation(op) if op.result == "ACCESS DENIED"))
        .unwrap();
    assert_eq!(denied.at, Location::Row(2));
    assert_eq!(
        denied.time.aligned.unwrap().to_rfc3339(),
        "2020-07-12T01:17:45.038008100+00:00"
    );
}

#[test]
fn cut_capture_is_walked_and_the_cut_named() {
    let dir = tempfile::tempdir().unwrap();
    let full = sample();
    // Cut inside the third event: the tables at the end are gone.
    let first = HEADER_LEN + reg_open(0, "HKLM\\Software\\A", 0, 0).len() + profiling().len();
    let path = write(&dir, "cut.pml", &full[..first + 20]);
    let rows = PmlRows::open(&path).unwrap();
    assert!(rows
        .capture()
        .problems
        .iter()
        .any(|p| p.contains("offset table")));
    let items: Vec<_> = rows.collect();
    assert_eq!(items.iter().filter(|r| r.is_ok()).count(), 1);
    let err = items.last().unwrap().as_ref().unwrap_err().to_string();
    assert!(
        err.contains(&format!("byte {first:#x}")) && err.contains("cut capture"),
        "{err}"
    );
}

#[test]
fn bad_offset_ends_the_walk_after_the_good_events() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = sample();
    let table = u64::from_le_bytes(bytes[0x248..0x250].try_into().unwrap()) as usize;
    bytes[table + 10..table + 14].copy_from_slice(&7u32.to_le_bytes());
    let path = write(&dir, "bad.pml", &bytes);
    let items: Vec<_> = PmlRows::open(&path).unwrap().collect();
    let ok = items.iter().filter(|r| r.is_ok()).count();
    let err = items
        .iter()
        .find_map(|r| r.as_ref().err())
        .unwrap()
        .to_string();
    assert_eq!(ok, 1, "{err}");
    assert!(
        err.contains("event 2") && err.contains("reading stopped"),
        "{err}"
    );
}

#[test]
fn times_and_results_as_process_monitor_prints_them() {
    let t = filetime(T0).unwrap();
    assert_eq!(time_of_day(t), "1:17:45.0380071 AM");
    assert_eq!(result_text(0), "SUCCESS");
    assert_eq!(result_text(0xC000_0034), "NAME NOT FOUND");
    assert_eq!(result_text(0x103), "");
    assert_eq!(result_text(0xC0DE_0001), "0xC0DE0001");
}
