//! Read a Process Monitor CSV export the way the benchmark does, and print what was read:
//! `bare` (a bare `csv::ByteRecord` scan), or the reader on N threads.
//!
//! ```text
//! cargo run --release -p msitrace --example procmon_read -- capture.csv 2     # reader, 2 threads
//! cargo run --release -p msitrace --example procmon_read -- capture.csv bare  # bare scan
//! ```

use msitrace::source::procmon::csv::{read_file_with, ChunkPlan};
use msitrace::source::procmon::CaptureSettings;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(mode)) = (args.first(), args.get(1)) else {
        eprintln!("usage: procmon_read <capture.csv> <bare|threads>");
        std::process::exit(2);
    };
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    let start = Instant::now();
    if mode == "bare" {
        let file = std::fs::File::open(path).expect("open");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(file);
        let mut record = csv::ByteRecord::new();
        let mut n = 0u64;
        while reader.read_byte_record(&mut record).expect("csv") {
            n += 1;
        }
        let s = start.elapsed().as_secs_f64();
        println!("bare: {n} records, {:.0} MB/s", len / s);
        return;
    }
    let threads: usize = mode.parse().expect("threads");
    let plan = ChunkPlan {
        threads,
        min_parallel: 0,
        chunk_bytes: None,
    };
    let read = read_file_with(path.as_ref(), 0, CaptureSettings::default(), plan).expect("read");
    let s = start.elapsed().as_secs_f64();
    println!(
        "{threads} thread(s): {} rows, {} kept events, {} bad, {:.0} MB/s",
        read.tally.rows,
        read.events.len(),
        read.tally.bad_rows,
        len / s
    );
}
