//! A large EVTX file for benchmarks, built from real chunks.
//!
//! [`write_joined_evtx`] takes every valid chunk (magic `ElfChnk\0`, not blank) of the `.evtx`
//! files of a folder, repeats that list until the file reaches the wanted size, and writes it
//! under a rewritten file header: first/last chunk numbers, chunk count and the header CRC32 fixed,
//! the dirty flag cleared. Chunks are self-contained (their own string and template tables), so
//! the joined file is a valid log whose records are real ones. Plain std, no dependencies.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

const HEADER: usize = 4096;
const CHUNK: usize = 65536;

/// Write a joined EVTX file of at least `target_bytes` from the chunks of the `.evtx` files in
/// `corpus`; returns the number of chunks written.
pub fn write_joined_evtx(corpus: &Path, path: &Path, target_bytes: u64) -> io::Result<u64> {
    let mut files: Vec<_> = fs::read_dir(corpus)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("evtx"))
        })
        .collect();
    files.sort();
    let mut header = None;
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    for f in &files {
        let mut bytes = Vec::new();
        File::open(f)?.read_to_end(&mut bytes)?;
        if bytes.len() < HEADER || &bytes[..8] != b"ElfFile\0" {
            continue;
        }
        if header.is_none() {
            header = Some(bytes[..HEADER].to_vec());
        }
        for c in bytes[HEADER..].chunks_exact(CHUNK) {
            if &c[..8] == b"ElfChnk\0" {
                chunks.push(c.to_vec());
            }
        }
    }
    let Some(mut header) = header else {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "no EVTX files in the corpus folder",
        ));
    };
    if chunks.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "no chunks in the corpus",
        ));
    }
    let count = (target_bytes.saturating_sub(HEADER as u64))
        .div_ceil(CHUNK as u64)
        .max(1);
    let count = count.min(u16::MAX as u64);
    header[8..16].copy_from_slice(&0u64.to_le_bytes()); // first chunk number
    header[16..24].copy_from_slice(&(count - 1).to_le_bytes()); // last chunk number
    header[42..44].copy_from_slice(&(count as u16).to_le_bytes()); // chunk count
    let flags = u32::from_le_bytes(header[120..124].try_into().unwrap()) & !1; // not dirty
    header[120..124].copy_from_slice(&flags.to_le_bytes());
    let crc = crc32(&header[..120]);
    header[124..128].copy_from_slice(&crc.to_le_bytes());
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    out.write_all(&header)?;
    for i in 0..count as usize {
        out.write_all(&chunks[i % chunks.len()])?;
    }
    out.flush()?;
    Ok(count)
}

/// CRC-32 (IEEE), as the EVTX header checksum uses.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
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
