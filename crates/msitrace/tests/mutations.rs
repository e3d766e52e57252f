//! The mutation suite: every fuzz target of `fuzz/src/targets.rs` (included by path, so the
//! table is the one cargo-fuzz runs) over its seeds and deterministic mutations of them, on
//! stable, as an ordinary test.
//!
//! Each seed is run as it is, cut at record boundaries (lines, CSV rows, XML records, EVTX
//! chunks and records), and mutated: bit flips, cuts anywhere, splices of two seeds, NUL runs,
//! lone UTF-16 surrogates, huge numbers, multibyte characters in times and engine prefixes,
//! repeated and deleted spans. Each target also gets hand-made hostile inputs: a line of many
//! megabytes without a newline, 100,000-deep XML nesting, huge numbers in PID, time and size
//! fields, zip entries named `../x` or `/x`, a zip inside a zip, entries whose size lies, an
//! archive whose entries share one compressed kernel (a zip bomb), 100,000 tiny entries.
//!
//! Every run is asserted: no panic (the targets also panic on a broken invariant — a position
//! outside the input, a report that is not JSON), a time budget (a watchdog, generous), and for
//! cuts at a record boundary, every record complete before the cut is still read.
//!
//! Seeds come from `../shared/corpus` at run time (never copied into the repository; skipped
//! with a message when absent, unless `CI` is set) and from the repository's own fixtures.
//! The default run is CI's share (well under a minute in a debug build). `MSITRACE_MUTATIONS=N`
//! runs N mutations of every seed, 64 boundaries of each, seeds up to 8 MiB and 50 MB lines
//! (`cargo test --release -p msitrace --test tests mutations:: -- --nocapture` prints the counts); with
//! `MSITRACE_EXPORT_SEEDS=DIR` the seeds of every target are written to `DIR/<target>/` (for
//! `fuzz/run.sh`) and nothing else runs. Inputs that fail are written to
//! `$TMPDIR/msitrace-mutations/` to be replayed.

use crate::common;
#[path = "../../../fuzz/src/targets.rs"]
mod targets;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use targets::{Outcome, Shape, Target, TARGETS};

/// How much to run.
#[derive(Debug, Clone, Copy)]
struct Plan {
    /// Random mutations per seed.
    mutations: usize,
    /// Boundary cuts per seed (all of them when `usize::MAX`).
    boundaries: usize,
    /// Seeds per target.
    seeds: usize,
    /// Longest seed, in bytes (longer ones are cut at a record boundary).
    seed_bytes: usize,
    /// Length of the line without a newline.
    long_line: usize,
    /// Entries of the many-entries bundle.
    tiny_entries: usize,
    /// Rules of the many-rules pack (each one a regular expression to build).
    rules: usize,
    /// Time one input may take before it counts as hung.
    budget: Duration,
}

impl Plan {
    fn from_env() -> Plan {
        match std::env::var("MSITRACE_MUTATIONS")
            .ok()
            .and_then(|n| n.parse().ok())
        {
            Some(n) => Plan {
                mutations: n,
                boundaries: 64,
                seeds: usize::MAX,
                seed_bytes: 8 << 20,
                long_line: 50 << 20,
                tiny_entries: 100_000,
                rules: 10_000,
                budget: Duration::from_secs(300),
            },
            None => Plan {
                mutations: 4,
                boundaries: 3,
                seeds: 4,
                seed_bytes: 48 << 10,
                long_line: 3 << 20,
                tiny_entries: 100_000,
                rules: 1_000,
                budget: Duration::from_secs(60),
            },
        }
    }
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn new(seed: &str) -> Rng {
        Rng(seed.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        }))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

// ---- seeds --------------------------------------------------------------------------------

/// One seed: a name to show and its bytes.
struct Seed {
    name: String,
    bytes: Vec<u8>,
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else if p.file_name().is_some_and(|n| n != "README.md") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// A file's bytes, `.gz` ones decompressed (at most `limit` bytes read).
fn read_seed(path: &Path, limit: usize) -> Vec<u8> {
    let file = std::fs::File::open(path).expect("seed opens");
    let mut out = Vec::new();
    if path.extension().is_some_and(|x| x == "gz") {
        flate2::read::GzDecoder::new(file)
            .take(limit as u64 + 1)
            .read_to_end(&mut out)
            .expect("seed decompresses");
    } else {
        file.take(limit as u64 + 1)
            .read_to_end(&mut out)
            .expect("seed reads");
    }
    out
}

fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The seeds of a target, from the folders its table entry names.
fn seeds_of(target: &Target, shared: Option<&Path>, plan: &Plan) -> Vec<Seed> {
    let root = common::root();
    let mut seeds = Vec::new();
    for spec in target.seeds {
        let (zip, spec) = match spec.strip_prefix("zip:") {
            Some(rest) => (true, rest),
            None => (false, *spec),
        };
        let dir = match spec.strip_prefix("corpus/") {
            Some(rest) => match shared {
                Some(s) => s.join("corpus").join(rest),
                None => continue,
            },
            None => root.join(spec),
        };
        let files = files_under(&dir);
        if zip {
            let entries: Vec<(String, Vec<u8>)> = files
                .iter()
                .map(|f| {
                    let name = f.strip_prefix(&dir).unwrap().display().to_string();
                    (name, read_seed(f, plan.seed_bytes))
                })
                .collect();
            if !entries.is_empty() {
                seeds.push(Seed {
                    name: format!("{spec}.zip"),
                    bytes: zip_of(&entries),
                });
            }
            continue;
        }
        for f in files {
            let mut bytes = read_seed(&f, plan.seed_bytes);
            if bytes.len() > plan.seed_bytes {
                let cuts = boundaries(target.shape, &bytes);
                let at = cuts
                    .iter()
                    .rev()
                    .find(|&&c| c <= plan.seed_bytes)
                    .copied()
                    .unwrap_or(plan.seed_bytes);
                bytes.truncate(at);
            }
            let name = f.strip_prefix(&root).unwrap_or(&f).display().to_string();
            seeds.push(Seed { name, bytes });
        }
    }
    // Keep an even spread of the seeds when there are more than the plan runs.
    if seeds.len() > plan.seeds {
        let step = seeds.len() as f64 / plan.seeds as f64;
        let picked: Vec<usize> = (0..plan.seeds)
            .map(|i| (i as f64 * step) as usize)
            .collect();
        let mut n = 0;
        seeds.retain(|_| {
            n += 1;
            picked.contains(&(n - 1))
        });
    }
    seeds
}

// ---- record boundaries ---------------------------------------------------------------------

/// Byte offsets where a record of the input ends (a cut there leaves whole records).
fn boundaries(shape: Shape, data: &[u8]) -> Vec<usize> {
    match shape {
        Shape::Text | Shape::TextRecords | Shape::Toml | Shape::Any => line_ends(data),
        Shape::Csv => csv_record_starts(data).into_iter().skip(1).collect(),
        Shape::Xml => {
            let mut out: Vec<usize> = ["</Event>", "</event>", "</process>"]
                .iter()
                .flat_map(|tag| ends_of(data, tag.as_bytes()))
                .collect();
            out.sort_unstable();
            out
        }
        Shape::Evtx => evtx_records(data).into_iter().map(|(_, end)| end).collect(),
        Shape::Zip => Vec::new(),
    }
}

fn ends_of(data: &[u8], needle: &[u8]) -> Vec<usize> {
    data.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i + needle.len())
        .collect()
}

fn utf16(data: &[u8]) -> bool {
    data.starts_with(&[0xFF, 0xFE]) || (data.len() > 3 && data[1] == 0 && data[3] == 0)
}

/// Offsets just after each line feed (for UTF-16LE, after each `\n\0` unit).
fn line_ends(data: &[u8]) -> Vec<usize> {
    if utf16(data) {
        (0..data.len().saturating_sub(1))
            .step_by(2)
            .filter(|&i| data[i] == b'\n' && data[i + 1] == 0)
            .map(|i| i + 2)
            .collect()
    } else {
        memchr_all(b'\n', data).map(|i| i + 1).collect()
    }
}

fn memchr_all(b: u8, data: &[u8]) -> impl Iterator<Item = usize> + '_ {
    data.iter()
        .enumerate()
        .filter(move |(_, &x)| x == b)
        .map(|(i, _)| i)
}

/// Where each record starts, the header first.
fn csv_record_starts(data: &[u8]) -> Vec<usize> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        if let Some(p) = record.position() {
            out.push(p.byte() as usize);
        }
    }
    out
}

/// The records of an EVTX file found by walking each chunk: (record id, end offset).
fn evtx_records(data: &[u8]) -> Vec<(u64, usize)> {
    let mut out = Vec::new();
    let mut chunk = 4096;
    while chunk + 512 <= data.len() {
        if &data[chunk..chunk + 8] != b"ElfChnk\0" {
            break;
        }
        let mut at = chunk + 512;
        let end = (chunk + 65536).min(data.len());
        while at + 24 <= end && data[at..at + 4] == [0x2a, 0x2a, 0, 0] {
            let size = u32::from_le_bytes(data[at + 4..at + 8].try_into().unwrap()) as usize;
            let id = u64::from_le_bytes(data[at + 8..at + 16].try_into().unwrap());
            if size < 24 || at + size > end {
                break;
            }
            at += size;
            out.push((id, at));
        }
        out.push((u64::MAX, end));
        chunk += 65536;
    }
    out
}

/// The events of `full` that lie wholly before `cut`: a reader must still give them when the
/// input is cut there.
fn complete_before(target: &Target, data: &[u8], full: &Outcome, cut: usize) -> Vec<String> {
    use msitrace::event::Location;
    let key = |l: &Location| format!("{l:?}");
    match target.shape {
        Shape::Text => {
            let lines = line_ends(&data[..cut]).len() as u64;
            full.events
                .iter()
                .filter(|l| matches!(l, Location::Line(n) if *n <= lines))
                .map(key)
                .collect()
        }
        Shape::TextRecords => {
            // A record is whole once the next record has begun before the cut.
            let lines = line_ends(&data[..cut]).len() as u64;
            let mut starts: Vec<u64> = full
                .events
                .iter()
                .filter_map(|l| match l {
                    Location::Line(n) => Some(*n),
                    _ => None,
                })
                .collect();
            starts.sort_unstable();
            starts.dedup();
            let whole = |n: u64| starts.iter().any(|&m| m > n && m <= lines);
            full.events
                .iter()
                .filter(|l| matches!(l, Location::Line(n) if whole(*n)))
                .map(key)
                .collect()
        }
        Shape::Csv => {
            // Cut at the start of data row k: the header and rows 1 to k - 1 are whole.
            let starts = csv_record_starts(data);
            let rows = starts
                .iter()
                .filter(|&&b| b <= cut)
                .count()
                .saturating_sub(2) as u64;
            full.events
                .iter()
                .filter(|l| matches!(l, Location::Row(n) if *n <= rows))
                .map(key)
                .collect()
        }
        Shape::Xml if target.name == "procmon_xml" => {
            let events = ends_of(&data[..cut], b"</event>").len() as u64;
            let process_ends = ends_of(&data[..cut], b"</process>");
            full.events
                .iter()
                .filter(|l| match l {
                    Location::Row(n) => *n <= events,
                    Location::Offset(o) => process_ends.iter().any(|&e| e as u64 > *o),
                    _ => false,
                })
                .map(key)
                .collect()
        }
        Shape::Xml => {
            let records = ends_of(&data[..cut], b"</Event>").len();
            full.events.iter().take(records).map(key).collect()
        }
        Shape::Evtx => {
            let read: std::collections::HashSet<String> = full.events.iter().map(key).collect();
            evtx_records(data)
                .into_iter()
                .filter(|&(id, end)| end <= cut && id != u64::MAX)
                .map(|(id, _)| key(&Location::Record(id)))
                .filter(|k| read.contains(k))
                .collect()
        }
        Shape::Zip | Shape::Toml | Shape::Any => Vec::new(),
    }
}

// ---- mutations -----------------------------------------------------------------------------

/// One input to run: what it is, its bytes, and how much of its seed it keeps.
struct Case {
    what: String,
    bytes: Vec<u8>,
    /// The seed's bytes before this offset are intact: every record complete before it must be
    /// read.
    intact: Option<usize>,
    /// True for a cut at a record boundary (checked however early it falls).
    boundary: bool,
}

/// Where damage may change what a reader makes of the bytes before it: the encoding is sniffed
/// from the first 16 KiB of text, a CSV's columns come from its header, an EVTX file's header
/// says where chunks are.
fn guard(shape: Shape, seed: &[u8]) -> usize {
    match shape {
        Shape::Text | Shape::TextRecords | Shape::Xml => msitrace::detect::SNIFF_LEN,
        Shape::Csv => boundaries(shape, seed)
            .first()
            .copied()
            .unwrap_or(usize::MAX),
        Shape::Evtx => 4096,
        Shape::Zip | Shape::Toml | Shape::Any => usize::MAX,
    }
}

/// A digit run of the input, to overwrite with a huge number.
fn digit_run(data: &[u8], rng: &mut Rng) -> Option<(usize, usize)> {
    let start = rng.below(data.len());
    let at = data[start..].iter().position(u8::is_ascii_digit)? + start;
    let len = data[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    Some((at, len))
}

fn mutate(seed: &Seed, other: &Seed, rng: &mut Rng) -> Case {
    let d = &seed.bytes;
    let len = d.len();
    let pos = rng.below(len + 1);
    let mut out = d.clone();
    let what = match rng.below(10) {
        0 => {
            let flips = 1 + rng.below(8);
            for _ in 0..flips {
                if len > 0 {
                    let at = rng.below(len);
                    out[at] ^= 1 << rng.below(8);
                }
            }
            format!("{flips} bit flips")
        }
        1 => {
            out.truncate(pos);
            format!("cut at byte {pos}")
        }
        2 => {
            let from = rng.below(other.bytes.len() + 1);
            out.truncate(pos);
            out.extend_from_slice(&other.bytes[from..]);
            format!("bytes ..{pos} spliced with {}[{from}..]", other.name)
        }
        3 => {
            let n = 1 + rng.below(4096);
            out.splice(pos..pos, std::iter::repeat_n(0u8, n));
            format!("{n} NULs at byte {pos}")
        }
        4 => {
            // A lone surrogate: as a UTF-16LE unit on an even offset, or its UTF-8-style bytes.
            let at = pos & !1;
            let unit: &[u8] = if utf16(d) {
                &[0x00, 0xD8]
            } else {
                &[0xED, 0xA0, 0x80]
            };
            out.splice(at..at, unit.iter().copied());
            format!("lone surrogate at byte {at}")
        }
        5 => match digit_run(d, rng) {
            Some((at, n)) => {
                let huge: &[u8] = [
                    &b"99999999999999999999999999"[..],
                    b"18446744073709551616",
                    b"4294967296",
                    b"-1",
                    b"0",
                ][rng.below(5)];
                out.splice(at..at + n, huge.iter().copied());
                format!("huge number at byte {at}")
            }
            None => {
                out.truncate(pos);
                format!("cut at byte {pos}")
            }
        },
        6 => {
            // Multibyte text where a time or an engine prefix is: after a ':' or '(' or '['.
            let start = pos.min(len);
            let at = d[start..]
                .iter()
                .position(|b| matches!(b, b':' | b'(' | b'['))
                .map_or(start, |p| start + p + 1);
            let text: &str = ["午後", "後", "é", "\u{fffd}", " 오후", "ś"][rng.below(6)];
            let bytes: Vec<u8> = if utf16(d) {
                text.encode_utf16().flat_map(u16::to_le_bytes).collect()
            } else {
                text.as_bytes().to_vec()
            };
            let at = if utf16(d) { at & !1 } else { at };
            out.splice(at..at, bytes);
            format!("{text:?} at byte {at}")
        }
        7 => {
            let n = rng.below(len - pos + 1).min(1 << 16);
            let span = d[pos..pos + n].to_vec();
            out.splice(pos..pos, span);
            format!("bytes {pos}..{} repeated", pos + n)
        }
        8 => {
            let n = rng.below(len - pos + 1).min(1 << 16);
            out.drain(pos..pos + n);
            format!("bytes {pos}..{} deleted", pos + n)
        }
        _ => {
            let at = pos & !1;
            let junk: Vec<u8> = (0..1 + rng.below(64)).map(|_| rng.next() as u8).collect();
            let n = junk.len();
            out.splice(at..at, junk);
            format!("{n} random bytes at byte {at}")
        }
    };
    let intact = d
        .iter()
        .zip(&out)
        .position(|(a, b)| a != b)
        .unwrap_or(d.len().min(out.len()));
    Case {
        what: format!("{}: {what}", seed.name),
        bytes: out,
        intact: Some(intact),
        boundary: false,
    }
}

/// The hand-made hostile inputs of a target's shape (`head` is the start of a seed).
fn specials(target: &Target, head: &[u8], plan: &Plan) -> Vec<Case> {
    let case = |what: &str, bytes: Vec<u8>| Case {
        what: format!("special: {what}"),
        bytes,
        intact: None,
        boundary: false,
    };
    let long = plan.long_line;
    let mut out = vec![
        case("empty", Vec::new()),
        case(
            &format!("a seed's head then a line of {long} bytes without a newline"),
            [&head[..head.len().min(4096)], &vec![b'x'; long]].concat(),
        ),
    ];
    let deep = |open: &str, close: &str, n: usize, wrap: (&str, &str)| -> Vec<u8> {
        let mut s = String::with_capacity(n * (open.len() + close.len()) + 64);
        s.push_str(wrap.0);
        for _ in 0..n {
            s.push_str(open);
        }
        for _ in 0..n {
            s.push_str(close);
        }
        s.push_str(wrap.1);
        s.into_bytes()
    };
    match target.shape {
        Shape::Text | Shape::TextRecords | Shape::Any => {
            let msi_header = "=== Verbose logging started: 3/14/2026  9:41:07  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n";
            let lines = [
                "MSI (s) (FFFFFFFFFFFFFFFFFFFF:99999999999999999999) [99:99:99:99999999999999]: x\r\n",
                "MSI (s) (18:F4) [12:0午:17:898]: Grabbed execution mutex.\r\n",
                "MSI (後) (1後:F4) [後]: x\r\n",
                "MSI (s) (18:F4) [12:02:17:898]: Product: x -- Installation failed.\r\n",
                "Action start 1:00:00 午後: InstallFinalize.\r\n",
                "Action ended 99999999999999999999:00:00: InstallFinalize. Return value 99999999999999999999.\r\n",
                "MSI (s) (18:F4) [12:02:17:898]: MainEngineThread is returning 18446744073709551616\r\n",
                "Error 99999999999999999999. x\r\n",
                "Property(S): ProductCode = {後後後後}\r\n",
                "=== Logging stopped: 99/99/99999  99:99:99 ===\r\n",
                "[0F28:0F2C][2020-01-01T1後:00:00]i001: Burn x\r\n",
                "[FFFFFFFFFFFF:FFFFFFFFFFFFF][9999-99-99T99:99:99.9999999]e000: Error 0x99999999999: x\r\n",
                "[0F28:0F2C][2020-01-01T10:00:00]i399: Apply complete, result: 0x99999999999, restart: None, ba requested restart:  No\r\n",
            ];
            let text = format!("{msi_header}{}", lines.concat());
            out.push(case(
                "MSI and Burn lines with huge and multibyte fields",
                text.clone().into_bytes(),
            ));
            let mut wide = vec![0xFF, 0xFE];
            wide.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            wide.extend_from_slice(&[0x00, 0xDC, 0x00, 0xD8, b'\r', 0, b'\n', 0]);
            out.push(case("the same lines in UTF-16 with lone surrogates", wide));
            out.push(case(
                &format!("an MSI header then {long} multibyte characters without a newline"),
                [msi_header.as_bytes(), &"午".repeat(long / 3).into_bytes()].concat(),
            ));
        }
        _ => {}
    }
    match target.shape {
        Shape::Csv | Shape::Any => {
            let header = "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Date & Time\",\"Parent PID\",\"TID\",\"Duration\"\r\n";
            let rows = [
                "\"後\",\"a\",\"0\",\"c\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"",
                "\"1:00:00 午後\",\"a\",\"1\",\"CreateFile\",\"C:\\x\",\"ACCESS DENIED\",\"\",\"7/31/2020 1:00:00 午後\",\"\",\"\",\"\"",
                "\"10:27:00.0012411 午前\",\"a\",\"1\",\"CreateFile\",\"C:\\x\",\"ACCESS DENIED\",\"\",\"\",\"\",\"\",\"\"",
                "\"99:99:99.99999999999999\",\"a\",\"99999999999999999999\",\"CreateFile\",\"C:\\x\",\"ACCESS DENIED\",\"Offset: 99999999999999999999, Length: -1\",\"99/99/99999 99:99:99 PM\",\"4294967296\",\"18446744073709551616\",\"99999999999.9999999\"",
                "\"1:00:00 éP\",\"a\",\"1\",\"Process Start\",\"\",\"SUCCESS\",\"Parent PID: 99999999999999999999, Command line: x\",\"\",\"\",\"\",\"\"",
                "\"\u{fffd}\",\"a\",\"1\",\"Process Exit\",\"\",\"SUCCESS\",\"Exit Status: -99999999999999999999\",\"\",\"\",\"\",\"\"",
            ];
            out.push(case(
                "CSV rows with multibyte times and huge numbers",
                format!("{header}{}\r\n", rows.join("\r\n")).into_bytes(),
            ));
            out.push(case(
                &format!("a CSV row of {long} commas"),
                [header.as_bytes(), &vec![b','; long], b"\r\n"].concat(),
            ));
            out.push(case(
                &format!("a CSV field of {long} line breaks"),
                [header.as_bytes(), b"\"", &vec![b'\n'; long], b"\"\r\n"].concat(),
            ));
        }
        _ => {}
    }
    match target.shape {
        Shape::Xml | Shape::Any => {
            out.push(case(
                "100,000-deep nesting inside an event-log record",
                deep(
                    "<a>",
                    "</a>",
                    100_000,
                    (
                        "<Events><Event><EventData><Data>",
                        "</Data></EventData></Event></Events>",
                    ),
                ),
            ));
            out.push(case(
                "100,000-deep nesting inside a Process Monitor event",
                deep(
                    "<a>",
                    "</a>",
                    100_000,
                    (
                        "<?xml version=\"1.0\"?><procmon><eventlist><event>",
                        "</event></eventlist></procmon>",
                    ),
                ),
            ));
            out.push(case(
                "100,000 unclosed elements",
                deep("<Event>", "", 100_000, ("<Events>", "")),
            ));
            out.push(case(
                &format!("an XML text of {long} bytes"),
                [
                    b"<procmon><eventlist><event><Detail>".as_slice(),
                    &vec![b'x'; long],
                    b"</Detail></event></eventlist></procmon>",
                ]
                .concat(),
            ));
            out.push(case(
                &format!("an XML attribute of {long} bytes"),
                [
                    b"<Events><Event><System><Provider Name=\"".as_slice(),
                    &vec![b'x'; long],
                    b"\"/></System></Event></Events>",
                ]
                .concat(),
            ));
            out.push(case(
                "huge numbers in an event-log record",
                b"<Events><Event><System><Provider Name=\"MsiInstaller\"/><EventID Qualifiers=\"99999999999\">99999999999</EventID><Level>999</Level><Task>-1</Task><TimeCreated SystemTime=\"99999-99-99T99:99:99.99999999999Z\"/><EventRecordID>18446744073709551616</EventRecordID><Execution ProcessID=\"99999999999\" ThreadID=\"-1\"/><Channel>Application</Channel></System><EventData><Data>x</Data></EventData></Event></Events>".to_vec(),
            ));
            out.push(case(
                "an entity-laden document type",
                b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><Events><Event><EventData><Data>&b;&b;&b;&#xD800;&#99999999999;&unknown;</Data></EventData></Event></Events>".to_vec(),
            ));
        }
        _ => {}
    }
    match target.shape {
        Shape::Evtx | Shape::Any => {
            let mut small = b"ElfFile\0".to_vec();
            small.resize(4096, 0);
            small.push(b'X');
            out.push(case("ElfFile, NULs to 4,096 bytes, X", small));
            let mut header = b"ElfFile\0".to_vec();
            header.extend_from_slice(&u64::MAX.to_le_bytes()); // first chunk
            header.extend_from_slice(&u64::MAX.to_le_bytes()); // last chunk
            header.extend_from_slice(&u64::MAX.to_le_bytes()); // next record
            header.extend_from_slice(&128u32.to_le_bytes());
            header.extend_from_slice(&1u16.to_le_bytes());
            header.extend_from_slice(&3u16.to_le_bytes());
            header.extend_from_slice(&4096u16.to_le_bytes());
            header.extend_from_slice(&u16::MAX.to_le_bytes()); // chunk count
            header.resize(4096, 0);
            let mut chunk = b"ElfChnk\0".to_vec();
            for _ in 0..8 {
                chunk.extend_from_slice(&u64::MAX.to_le_bytes());
            }
            chunk.resize(512, 0xFF);
            chunk.extend_from_slice(&[0x2a, 0x2a, 0, 0]);
            chunk.extend_from_slice(&u32::MAX.to_le_bytes());
            chunk.resize(65536, 0xFF);
            out.push(case(
                "an EVTX header and chunk of huge numbers",
                [header.clone(), chunk.clone()].concat(),
            ));
            out.push(case(
                "the same chunk 3 times",
                [header, chunk.clone(), chunk.clone(), chunk].concat(),
            ));
        }
        _ => {}
    }
    if matches!(target.shape, Shape::Zip | Shape::Any) {
        out.extend(
            hostile_zips(plan)
                .into_iter()
                .map(|(what, bytes)| case(&what, bytes)),
        );
    }
    if target.shape == Shape::Toml {
        let rule = "[[rule]]\nid = \"x.y\"\ntitle = \"t\"\ncategory = \"c\"\nsummary = \"s\"\n[rule.match]\nkind = \"text\"\n";
        out.push(case(
            "100,000-deep nested arrays",
            format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ));
        out.push(case(
            "100,000-deep inline tables",
            format!("a = {}{}", "{b = ".repeat(100_000), "}".repeat(100_000)).into_bytes(),
        ));
        out.push(case(
            "a rule with a huge pattern",
            format!("{rule}text = '{}'\n", "(a|b)*".repeat(20_000)).into_bytes(),
        ));
        out.push(case(
            "a rule with a pattern of nested repetitions",
            format!("{rule}text = '{}'\n", "((((a*)*)*)*){1000}{1000}").into_bytes(),
        ));
        out.push(case(
            "huge numbers in a rule",
            format!("{rule}text = 'x'\nwithin_seconds = 99999999999999999999999\ncodes = [99999999999999999999, -1]\n").into_bytes(),
        ));
        out.push(case(
            &format!("{} rules", plan.rules),
            (0..plan.rules)
                .map(|i| rule.replace("x.y", &format!("x.{i}")) + "text = 'Error 1310'\n")
                .collect::<String>()
                .into_bytes(),
        ));
    }
    out
}

/// Hostile archives: names that leave the bundle, a zip in a zip, sizes that lie, a bomb of
/// entries sharing one compressed kernel, 100,000 tiny entries (one in 50 a log). Built once.
fn hostile_zips(plan: &Plan) -> Vec<(String, Vec<u8>)> {
    static BUILT: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| build_hostile_zips(plan)).clone()
}

fn build_hostile_zips(plan: &Plan) -> Vec<(String, Vec<u8>)> {
    let log = b"MSI (s) (18:F4) [12:02:17:898]: Grabbed execution mutex.\r\n".to_vec();
    let mut out = Vec::new();
    out.push((
        "entries named ../, /, C:\\ and ..\\".into(),
        zip_of(&[
            ("../escape.log".into(), log.clone()),
            ("/etc/escape.log".into(), log.clone()),
            ("C:\\Windows\\escape.log".into(), log.clone()),
            ("a\\..\\..\\escape.log".into(), log.clone()),
            ("ok/install.log".into(), log.clone()),
        ]),
    ));
    let inner = zip_of(&[("install.log".into(), log.clone())]);
    out.push((
        "a zip in a zip in a zip".into(),
        zip_of(&[("inner.zip".into(), zip_of(&[("inner2.zip".into(), inner)]))]),
    ));
    out.push((
        "an entry whose headers declare 4 GiB".into(),
        lie_about_size(&zip_of(&[("install.log".into(), log.clone())]), u32::MAX),
    ));
    out.push((
        "an overlapping-entries zip bomb".into(),
        overlapping_bomb(&log, 2_000),
    ));
    let tiny: Vec<(String, Vec<u8>)> = (0..plan.tiny_entries)
        .map(|i| {
            (
                format!("logs/{i}.log"),
                if i % 50 == 0 {
                    log.clone()
                } else {
                    b"x".to_vec()
                },
            )
        })
        .collect();
    out.push((
        format!("{} tiny entries", plan.tiny_entries),
        zip_stored(&tiny),
    ));
    out
}

/// The same archive with every uncompressed-size field set to `size`.
fn lie_about_size(zip: &[u8], size: u32) -> Vec<u8> {
    let mut out = zip.to_vec();
    for at in ends_of(zip, b"PK\x03\x04").into_iter().map(|e| e - 4) {
        out[at + 22..at + 26].copy_from_slice(&size.to_le_bytes());
    }
    for at in ends_of(zip, b"PK\x01\x02").into_iter().map(|e| e - 4) {
        out[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
    }
    out
}

/// A stored (uncompressed) archive, built by hand so that 100,000 entries take little time.
fn zip_stored(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let crc = crc32(data);
        let offset = out.len() as u32;
        let local = |sig: &[u8], extra: &[u8]| -> Vec<u8> {
            let mut h = sig.to_vec();
            h.extend_from_slice(extra);
            h
        };
        let mut fields = Vec::new();
        fields.extend_from_slice(&20u16.to_le_bytes()); // version needed
        fields.extend_from_slice(&0u16.to_le_bytes()); // flags
        fields.extend_from_slice(&0u16.to_le_bytes()); // stored
        fields.extend_from_slice(&0u32.to_le_bytes()); // time, date
        fields.extend_from_slice(&crc.to_le_bytes());
        fields.extend_from_slice(&(data.len() as u32).to_le_bytes());
        fields.extend_from_slice(&(data.len() as u32).to_le_bytes());
        fields.extend_from_slice(&(name.len() as u16).to_le_bytes());
        fields.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend(local(b"PK\x03\x04", &fields));
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        let mut c = b"PK\x01\x02".to_vec();
        c.extend_from_slice(&20u16.to_le_bytes()); // made by
        c.extend_from_slice(&fields);
        c.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        c.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        central.extend(c);
    }
    let start = out.len() as u32;
    let size = central.len() as u32;
    out.extend(central);
    let count = entries.len().min(0xFFFF) as u16;
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    if entries.len() > 0xFFFF {
        return zip64_end(out, entries.len() as u64, size as u64, start as u64);
    }
    out
}

/// Replace the end record of an archive with a ZIP64 one (for more than 65,535 entries).
fn zip64_end(mut out: Vec<u8>, count: u64, size: u64, start: u64) -> Vec<u8> {
    out.truncate(out.len() - 22);
    let eocd64 = out.len() as u64;
    out.extend_from_slice(b"PK\x06\x06");
    out.extend_from_slice(&44u64.to_le_bytes());
    out.extend_from_slice(&45u16.to_le_bytes());
    out.extend_from_slice(&45u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(b"PK\x06\x07");
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&eocd64.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&0xFFFFu16.to_le_bytes());
    out.extend_from_slice(&0xFFFFu16.to_le_bytes());
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `entries` central-directory entries all pointing at one deflated kernel of just under 1 MiB
/// of a recognised log (so that each one alone passes the per-entry ratio check).
fn overlapping_bomb(line: &[u8], entries: usize) -> Vec<u8> {
    let kernel_text: Vec<u8> = line
        .iter()
        .copied()
        .cycle()
        .take((1 << 20) - 1024)
        .collect();
    let mut deflated = Vec::new();
    {
        let mut enc =
            flate2::write::DeflateEncoder::new(&mut deflated, flate2::Compression::best());
        enc.write_all(&kernel_text).unwrap();
        enc.finish().unwrap();
    }
    let crc = crc32(&kernel_text);
    let name = b"install.log";
    let mut fields = Vec::new();
    fields.extend_from_slice(&20u16.to_le_bytes());
    fields.extend_from_slice(&0u16.to_le_bytes());
    fields.extend_from_slice(&8u16.to_le_bytes()); // deflate
    fields.extend_from_slice(&0u32.to_le_bytes());
    fields.extend_from_slice(&crc.to_le_bytes());
    fields.extend_from_slice(&(deflated.len() as u32).to_le_bytes());
    fields.extend_from_slice(&(kernel_text.len() as u32).to_le_bytes());
    fields.extend_from_slice(&(name.len() as u16).to_le_bytes());
    fields.extend_from_slice(&0u16.to_le_bytes());
    let mut out = b"PK\x03\x04".to_vec();
    out.extend_from_slice(&fields);
    out.extend_from_slice(name);
    out.extend_from_slice(&deflated);
    let start = out.len() as u32;
    let mut central = Vec::new();
    for i in 0..entries {
        let entry_name = format!("copy{i:05}.log");
        let mut f = fields.clone();
        f[22..24].copy_from_slice(&(entry_name.len() as u16).to_le_bytes());
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&f);
        central.extend_from_slice(&[0; 6]);
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&0u32.to_le_bytes()); // every entry at offset 0
        central.extend_from_slice(entry_name.as_bytes());
    }
    let size = central.len() as u32;
    out.extend(central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries as u16).to_le_bytes());
    out.extend_from_slice(&(entries as u16).to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

// ---- running -------------------------------------------------------------------------------

/// The bundle target with the default bounds of an analysis.
static DEFAULT_BOUNDS: Target = Target {
    name: "bundle_default_bounds",
    seeds: &[],
    shape: Shape::Zip,
    run: |d| targets::bundle_with(d, &msitrace::bundle::BundleLimits::default()),
};

/// What running one case gave.
enum Ran {
    Done(Outcome),
    Panicked(String),
    Hung,
}

/// Run a target on bytes on a thread of its own, under the watchdog.
fn run_watched(target: &'static Target, bytes: Arc<Vec<u8>>, budget: Duration) -> Ran {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(format!("mutation-{}", target.name))
        .stack_size(8 << 20)
        .spawn(move || {
            let result = std::panic::catch_unwind(|| (target.run)(&bytes));
            let _ = tx.send(result);
        })
        .expect("a worker thread");
    match rx.recv_timeout(budget) {
        Ok(Ok(outcome)) => {
            let _ = worker.join();
            Ran::Done(outcome)
        }
        Ok(Err(panic)) => {
            let _ = worker.join();
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".into());
            Ran::Panicked(message)
        }
        Err(_) => Ran::Hung,
    }
}

/// Keep a failing input for replay; its path.
fn keep_failing(target: &str, n: usize, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join("msitrace-mutations");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{target}-{n}.bin"));
    let _ = std::fs::write(&path, bytes);
    path
}

/// Counts of one target's run.
#[derive(Default)]
struct Tally {
    seeds: usize,
    executions: usize,
    failures: Vec<String>,
    elapsed: Duration,
}

fn run_target(target: &'static Target, shared: Option<&Path>, plan: &Plan) -> Tally {
    let start = Instant::now();
    let mut tally = Tally::default();
    let seeds = seeds_of(target, shared, plan);
    tally.seeds = seeds.len();
    let mut rng = Rng::new(target.name);
    let mut cases: Vec<(Case, Option<Arc<Outcome>>)> = Vec::new();
    let exec = |case: &Case, tally: &mut Tally| -> Option<Outcome> {
        tally.executions += 1;
        let bytes = Arc::new(case.bytes.clone());
        match run_watched(target, bytes, plan.budget) {
            Ran::Done(outcome) => Some(outcome),
            Ran::Panicked(message) => {
                let kept = keep_failing(target.name, tally.failures.len(), &case.bytes);
                tally.failures.push(format!(
                    "{}: {}: panicked: {message} (input kept in {})",
                    target.name,
                    case.what,
                    kept.display()
                ));
                None
            }
            Ran::Hung => {
                let kept = keep_failing(target.name, tally.failures.len(), &case.bytes);
                tally.failures.push(format!(
                    "{}: {}: still running after {:?} (input kept in {})",
                    target.name,
                    case.what,
                    plan.budget,
                    kept.display()
                ));
                None
            }
        }
    };
    for (i, seed) in seeds.iter().enumerate() {
        let original = Case {
            what: format!("{}: as it is", seed.name),
            bytes: seed.bytes.clone(),
            intact: None,
            boundary: false,
        };
        let Some(full) = exec(&original, &mut tally) else {
            continue;
        };
        let full = Arc::new(full);
        let cuts = boundaries(target.shape, &seed.bytes);
        let picked: Vec<usize> = if cuts.len() <= plan.boundaries {
            cuts.clone()
        } else {
            (0..plan.boundaries)
                .map(|k| {
                    cuts[(k * cuts.len()) / plan.boundaries + cuts.len() / (2 * plan.boundaries)]
                })
                .collect()
        };
        for cut in picked {
            cases.push((
                Case {
                    what: format!("{}: cut at the record boundary at byte {cut}", seed.name),
                    bytes: seed.bytes[..cut].to_vec(),
                    intact: Some(cut),
                    boundary: true,
                },
                Some(full.clone()),
            ));
        }
        let other = &seeds[(i + 1) % seeds.len()];
        for _ in 0..plan.mutations {
            cases.push((mutate(seed, other, &mut rng), Some(full.clone())));
        }
        for (case, full) in cases.drain(..) {
            let Some(outcome) = exec(&case, &mut tally) else {
                continue;
            };
            let checked = case
                .intact
                .filter(|&p| case.boundary || p >= guard(target.shape, &seed.bytes));
            if let (Some(cut), Some(full)) = (checked, full) {
                let read: std::collections::HashSet<String> =
                    outcome.events.iter().map(|l| format!("{l:?}")).collect();
                let lost: Vec<String> = complete_before(target, &seed.bytes, &full, cut)
                    .into_iter()
                    .filter(|k| !read.contains(k))
                    .collect();
                if !lost.is_empty() {
                    let kept = keep_failing(target.name, tally.failures.len(), &case.bytes);
                    tally.failures.push(format!(
                        "{}: {}: {} complete record(s) before byte {cut} not read, first {} (input kept in {})",
                        target.name,
                        case.what,
                        lost.len(),
                        lost[0],
                        kept.display()
                    ));
                }
            }
        }
    }
    let head = seeds.first().map(|s| s.bytes.clone()).unwrap_or_default();
    for case in specials(target, &head, plan) {
        exec(&case, &mut tally);
    }
    // Hostile archives also meet the default bounds (the target runs with a fuzzer's).
    if target.shape == Shape::Zip {
        for (what, bytes) in hostile_zips(plan) {
            tally.executions += 1;
            let problem = match run_watched(&DEFAULT_BOUNDS, Arc::new(bytes), plan.budget) {
                Ran::Done(_) => continue,
                Ran::Panicked(m) => format!("panicked: {m}"),
                Ran::Hung => format!("still running after {:?}", plan.budget),
            };
            tally
                .failures
                .push(format!("bundle with default bounds: {what}: {problem}"));
        }
    }
    tally.elapsed = start.elapsed();
    tally
}

#[test]
fn every_target_survives_its_seeds_and_their_mutations() {
    let plan = Plan::from_env();
    let shared = common::shared();
    if let Some(dir) = std::env::var_os("MSITRACE_EXPORT_SEEDS") {
        export_seeds(Path::new(&dir), shared.as_deref(), &plan);
        return;
    }
    // Two targets at a time: the machine is shared, and each target may use a few threads.
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(&str, Tally)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(target) = TARGETS.get(i) else { break };
                let tally = run_target(target, shared.as_deref(), &plan);
                results.lock().unwrap().push((target.name, tally));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(name, _)| TARGETS.iter().position(|t| t.name == *name));
    let mut failures = Vec::new();
    eprintln!("mutation suite ({plan:?}):");
    for (name, tally) in &results {
        eprintln!(
            "  {name:<12} {:>3} seeds {:>6} executions {:>3} failures  {:.1?}",
            tally.seeds,
            tally.executions,
            tally.failures.len(),
            tally.elapsed
        );
        assert!(tally.executions > 0, "{name}: nothing ran");
        failures.extend(tally.failures.iter().cloned());
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Write every target's seeds to `dir/<target>/` (for cargo-fuzz runs).
fn export_seeds(dir: &Path, shared: Option<&Path>, plan: &Plan) {
    let plan = Plan {
        seeds: usize::MAX,
        seed_bytes: 1 << 20,
        ..*plan
    };
    for target in TARGETS {
        let out = dir.join(target.name);
        std::fs::create_dir_all(&out).unwrap();
        for (i, seed) in seeds_of(target, shared, &plan).iter().enumerate() {
            std::fs::write(out.join(format!("seed-{i:03}")), &seed.bytes).unwrap();
        }
    }
}

/// The cargo-fuzz binaries (`bin` in `fuzz/Cargo.toml`) are the targets of the table.
#[test]
fn the_cargo_fuzz_binaries_are_the_table() {
    let manifest = std::fs::read_to_string(common::root().join("fuzz/Cargo.toml")).unwrap();
    let bins: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("{ name = \""))
        .filter_map(|l| l.split('"').next())
        .collect();
    let table: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
    for name in &table {
        assert!(
            bins.contains(name),
            "fuzz/Cargo.toml has no binary for target {name:?}; add to its `bin` list:\n    \
             {{ name = \"{name}\", path = \"fuzz_targets/target.rs\", test = false, doc = false, bench = false }},"
        );
    }
    for bin in &bins {
        assert!(
            table.contains(bin),
            "fuzz/Cargo.toml binary {bin:?} is in no TARGETS entry"
        );
    }
}
