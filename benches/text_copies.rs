//! Throughput of the readers of copied text: Event Viewer text copies (`eventtext`) and Process
//! Monitor rows copied as text (`procmon::text`), on synthetic inputs built in memory.
//!
//! - `general`: "Copy details as text" records (Service Control Manager 7000, MsiInstaller 11708
//!   and 1033 with labelled messages), English and German alternating, dates with AM/PM and
//!   day-first: labels, dates, message read-back and meanings on every record;
//! - `xmlview`: the same records as Details → XML view copies (`- ` markers);
//! - `procmon_rows`: space-separated Process Monitor rows with wrapped details.
//!
//! ```text
//! cargo bench -p msitrace --bench text_copies                       # 32 MiB each (MSITRACE_BENCH_MB)
//! MSITRACE_BENCH_MB=4 cargo bench -p msitrace --bench text_copies
//! ```
//!
//! Run outside `cargo bench` (e.g. `cargo test --benches`) the inputs are 1 MiB.

#[path = "bench_setup.rs"]
mod bench_setup;

use criterion::{Criterion, Throughput};
use msitrace::source::eventtext::{EventTextReader, EventTextSettings};
use msitrace::source::procmon::text::ProcmonTextParser;
use msitrace::source::procmon::CaptureSettings;
use msitrace::source::TextEncoding;
use std::hint::black_box;

fn general(i: usize) -> String {
    let minute = i % 60;
    if i % 2 == 0 {
        format!(
            "Log Name:      System\nSource:        Service Control Manager\nDate:          11/18/2026 9:{minute:02}:09 AM\nEvent ID:      7000\nTask Category: None\nLevel:         Error\nKeywords:      Classic\nUser:          N/A\nComputer:      WS{i}.contoso.test\nDescription:\nThe Contoso Agent {i} service failed to start due to the following error: \nThe system cannot find the file specified.\n\n\
Log Name:      Application\nSource:        MsiInstaller\nDate:          11/18/2026 9:{minute:02}:52 AM\nEvent ID:      1033\nTask Category: None\nLevel:         Information\nKeywords:      Classic\nUser:          SYSTEM\nComputer:      WS{i}.contoso.test\nDescription:\nWindows Installer installed the product. Product Name: Contoso Agent {i}. Product Version: 2.1.0. Product Language: 1033. Manufacturer: Contoso Ltd.. Installation success or error status: 1603.\n\n"
        )
    } else {
        format!(
            "Protokollname: Application\nQuelle:        MsiInstaller\nDatum:         18.11.2026 09:{minute:02}:52\nEreignis-ID:   11708\nAufgabenkategorie:Keine\nEbene:         Informationen\nSchlüsselwörter:Klassisch\nBenutzer:      SYSTEM\nComputer:      WS{i}\nBeschreibung:\nProdukt: Contoso Agent {i} -- Die Installation ist fehlgeschlagen.\n\n"
        )
    }
}

fn xmlview(i: usize) -> String {
    format!(
        "- <Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\n- <System>\n  <Provider Name=\"MsiInstaller\" /> \n  <EventID Qualifiers=\"0\">1033</EventID> \n  <Level>4</Level> \n  <TimeCreated SystemTime=\"2026-11-18T14:41:52.5312000Z\" /> \n  <EventRecordID>{i}</EventRecordID> \n  <Channel>Application</Channel> \n  <Computer>WS042</Computer> \n  </System>\n- <EventData>\n  <Data>Contoso Agent {i}</Data> \n  <Data>2.1.0</Data> \n  <Data>1033</Data> \n  <Data>1603</Data> \n  <Data>Contoso Ltd.</Data> \n  </EventData>\n  </Event>\n\n"
    )
}

fn procmon_row(i: usize) -> String {
    let pid = 4000 + i % 50;
    match i % 4 {
        0 => format!("9:41:08.{i:07} AM msiexec.exe {pid} 4250 CreateFile C:\\Users\\jo\\AppData\\Local\\Temp\\MSI{i}.LOG ACCESS DENIED Desired Access: Generic Write, Read Attributes, Disposition: OverwriteIf\n"),
        1 => format!("9:41:08.{i:07} AM msiexec.exe {pid} 4250 RegQueryValue HKLM\\SOFTWARE\\Contoso\\Agent\\Value{i} NAME NOT FOUND Length: 12\n"),
        2 => format!("9:41:08.{i:07} AM msiexec.exe {pid} 4250 ReadFile C:\\Program Files\\Contoso\\Agent\\file{i}.dll SUCCESS Offset: 0, Length: 4,096\n"),
        _ => format!("9:41:08.{i:07} AM Explorer.EXE 3344 3348 Process Create C:\\Windows\\System32\\msiexec.exe SUCCESS PID: {pid},\nCommand line: \"C:\\Windows\\System32\\msiexec.exe\" /i \"C:\\Users\\jo\\Downloads\\ContosoAgent{i}.msi\" /qb\n"),
    }
}

fn build(bytes: u64, piece: impl Fn(usize) -> String) -> Vec<u8> {
    let mut out = String::with_capacity(bytes as usize + 4096);
    let mut i = 0;
    while (out.len() as u64) < bytes {
        out.push_str(&piece(i));
        i += 1;
    }
    out.into_bytes()
}

fn main() {
    let setup = bench_setup::setup(32, 1);
    let bytes = setup.mb << 20;
    let inputs = [
        ("general", build(bytes, general)),
        ("xmlview", build(bytes, xmlview)),
        ("procmon_rows", build(bytes, procmon_row)),
    ];
    let mut c = Criterion::default().configure_from_args().sample_size(10);
    let mut group = c.benchmark_group("text_copies");
    for (name, data) in &inputs {
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| {
                let n = if *name == "procmon_rows" {
                    ProcmonTextParser::new(
                        &data[..],
                        TextEncoding::Utf8,
                        0,
                        CaptureSettings::default(),
                    )
                    .filter(Result::is_ok)
                    .count()
                } else {
                    EventTextReader::new(
                        &data[..],
                        TextEncoding::Utf8,
                        0,
                        EventTextSettings::default(),
                    )
                    .filter(Result::is_ok)
                    .count()
                };
                black_box(n)
            })
        });
    }
    group.finish();
    c.final_summary();
}
