//! File-system calls whose Detail comes from their parameter block rather than from what the
//! call returned: CreateFileMapping (section synchronisation) — as Process Monitor prints it.
//!
//! Every read is bounded: a short parameter block ends the Detail early, never panics.

use super::bytes::Cursor;
use super::names::fs;
use std::fmt::Write;

/// Page protections by bit, lowest first: Process Monitor names the lowest bit set in the low
/// byte, then `PAGE_NOCACHE` when that bit is set.
const PAGE_PROTECTIONS: &[(u32, &str)] = &[
    (0x01, "PAGE_NOACCESS"),
    (0x02, "PAGE_READONLY"),
    (0x04, "PAGE_READWRITE"),
    (0x08, "PAGE_WRITECOPY"),
    (0x10, "PAGE_EXECUTE"),
    (0x20, "PAGE_EXECUTE_READ"),
    (0x40, "PAGE_EXECUTE_READWRITE"),
    (0x80, "PAGE_EXECUTE_WRITECOPY"),
];

const PAGE_NOCACHE: u32 = 0x200;

/// A page protection as Process Monitor prints it (`PAGE_EXECUTE_READ|PAGE_NOCACHE`; nothing for
/// 0).
fn push_page_protection(out: &mut String, protection: u32) {
    if let Some((_, name)) = PAGE_PROTECTIONS
        .iter()
        .find(|(bit, _)| protection & bit != 0)
    {
        out.push_str(name);
        if protection & PAGE_NOCACHE != 0 {
            out.push_str("|PAGE_NOCACHE");
        }
    }
}

/// Render the Detail of `op` from its parameter block and the bytes after its path (`after`);
/// `false` when `op` is not one of these calls.
pub(super) fn render(
    op: u16,
    sub: u8,
    params: &[u8],
    _after: &mut Cursor,
    wide: bool,
    out: &mut String,
) -> bool {
    let _ = match (op, sub) {
        (fs::CREATE_FILE_MAPPING, _) => create_file_mapping(params, wide, out),
        _ => return false,
    };
    true
}

/// `SyncType: SyncTypeCreateSection, PageProtection: PAGE_READONLY`. The protection Process
/// Monitor prints is the word after the sync type, 8-byte aligned in 64-bit captures.
fn create_file_mapping(params: &[u8], wide: bool, out: &mut String) -> Option<()> {
    let mut p = Cursor::at(params, 0x0C);
    let sync = p.u32()?;
    out.push_str("SyncType: ");
    match sync {
        0 => out.push_str("SyncTypeOther"),
        1 => {
            if wide {
                p.skip(4)?;
            }
            let protection = p.u32()?;
            out.push_str("SyncTypeCreateSection, PageProtection: ");
            push_page_protection(out, protection);
        }
        n => {
            let _ = write!(out, "{n}");
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(sync: u32, narrow: u32, wide: u32) -> Vec<u8> {
        let mut b = vec![0u8; 0x0C];
        for v in [sync, narrow, wide] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b
    }

    fn render19(params: &[u8], wide: bool, out: &mut String) {
        render(19, 0, params, &mut Cursor::new(&[]), wide, out);
    }

    #[test]
    fn create_file_mapping_sync_type_and_protection() {
        let mut out = String::new();
        render19(&params(1, 0x10, 0xed1e_fad0), true, &mut out);
        assert_eq!(
            out,
            "SyncType: SyncTypeCreateSection, PageProtection: PAGE_EXECUTE|PAGE_NOCACHE"
        );
        out.clear();
        render19(&params(1, 0x02, 0), false, &mut out);
        assert_eq!(
            out,
            "SyncType: SyncTypeCreateSection, PageProtection: PAGE_READONLY"
        );
        out.clear();
        render19(&params(1, 0x02, 0), true, &mut out);
        assert_eq!(out, "SyncType: SyncTypeCreateSection, PageProtection: ");
        out.clear();
        render19(&params(0, 0, 0), true, &mut out);
        assert_eq!(out, "SyncType: SyncTypeOther");
        // A cut parameter block ends the Detail early.
        out.clear();
        render19(&params(1, 0, 0)[..0x10], true, &mut out);
        assert_eq!(out, "SyncType: ");
    }
}
