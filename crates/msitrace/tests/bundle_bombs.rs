//! Zip bombs that pass the per-entry checks (issue 13, found by the mutation suite): every entry
//! inflates to just under 1 MiB (exempt from the ratio check), from a kernel of about 3 KB. A
//! 121 KB archive of 2,000 entries sharing one kernel wrote 2 GB of copies and analysed them for
//! 16 seconds; now the copies of shared data are refused, and an archive never expands beyond
//! the ratio limit times its own size (64 MiB at least).

use msitrace::bundle::{open_zip, BundleError, BundleLimits, EntryOutcome};
use std::io::Write;

/// Just under 1 MiB of a Windows Installer log, and its raw deflate stream.
fn kernel() -> (Vec<u8>, Vec<u8>) {
    let line = b"MSI (s) (18:F4) [12:02:17:898]: Grabbed execution mutex.\r\n";
    let text: Vec<u8> = line
        .iter()
        .copied()
        .cycle()
        .take((1 << 20) - 1024)
        .collect();
    let mut deflated = Vec::new();
    let mut enc = flate2::write::DeflateEncoder::new(&mut deflated, flate2::Compression::best());
    enc.write_all(&text).unwrap();
    enc.finish().unwrap();
    (text, deflated)
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

/// An archive of `entries` deflated copies of the kernel: each with its own local header and
/// data, or (`shared`) all pointing at the first one's.
fn kernel_zip(entries: usize, shared: bool) -> Vec<u8> {
    let (text, deflated) = kernel();
    let crc = crc32(&text);
    let header = |name: &str| {
        let mut h = Vec::new();
        h.extend_from_slice(&20u16.to_le_bytes()); // version needed
        h.extend_from_slice(&0u16.to_le_bytes()); // flags
        h.extend_from_slice(&8u16.to_le_bytes()); // deflate
        h.extend_from_slice(&0u32.to_le_bytes()); // time, date
        h.extend_from_slice(&crc.to_le_bytes());
        h.extend_from_slice(&(deflated.len() as u32).to_le_bytes());
        h.extend_from_slice(&(text.len() as u32).to_le_bytes());
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes()); // extra
        h
    };
    let mut out = Vec::new();
    let mut central = Vec::new();
    for i in 0..entries {
        let name = format!("logs/copy{i:05}.log");
        let offset = if shared && i > 0 { 0 } else { out.len() as u32 };
        if !shared || i == 0 {
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&header(&name));
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&deflated);
        }
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        central.extend_from_slice(&header(&name));
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let start = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries as u16).to_le_bytes());
    out.extend_from_slice(&(entries as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn entries_sharing_one_compressed_kernel_are_refused_but_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.zip");
    std::fs::write(&path, kernel_zip(2_000, true)).unwrap();
    let bundle = open_zip(&path, &BundleLimits::default()).unwrap();
    assert_eq!(bundle.entries.len(), 2_000);
    assert!(matches!(
        bundle.entries[0].outcome,
        EntryOutcome::Log { .. }
    ));
    for e in &bundle.entries[1..] {
        match &e.outcome {
            EntryOutcome::Refused(err @ BundleError::SharedData { .. }) => {
                assert!(
                    err.to_string().contains("shares its compressed data"),
                    "{err}"
                );
            }
            other => panic!("{}: {other:?}", e.shown),
        }
    }
}

#[test]
fn an_archive_expands_at_most_the_ratio_times_its_own_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many-kernels.zip");
    let bytes = kernel_zip(90, false);
    let limit = (bytes.len() as u64 * 250).max(64 << 20);
    std::fs::write(&path, &bytes).unwrap();
    let bundle = open_zip(&path, &BundleLimits::default()).unwrap();
    let copied = bundle
        .entries
        .iter()
        .filter(|e| matches!(e.outcome, EntryOutcome::Log { .. }))
        .count();
    // Every entry of just under 1 MiB that fits in the limit, and none after.
    let each = kernel().0.len() as u64;
    assert_eq!(copied as u64, limit / each);
    assert!(copied < 90);
    assert!(bundle.entries[copied..].iter().all(|e| matches!(
        &e.outcome,
        EntryOutcome::Refused(BundleError::TotalTooLarge { limit: l, .. }) if *l == limit
    )));
}
