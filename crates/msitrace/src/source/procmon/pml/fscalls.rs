//! File-system calls whose Detail comes from their parameter block rather than from what the
//! call returned: CreateFileMapping (section synchronisation) and byte-range locks — as Process
//! Monitor prints them.
//!
//! Every read is bounded: a short parameter block ends the Detail early, never panics.

use super::bytes::Cursor;
use super::detail::push_grouped;
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
    after: &mut Cursor,
    wide: bool,
    out: &mut String,
) -> bool {
    let _ = match (op, sub) {
        (fs::CREATE_FILE_MAPPING, _) => create_file_mapping(params, wide, out),
        (fs::LOCK_UNLOCK, 1 | 2) => lock(sub == 1, params, after, wide, out),
        _ => return false,
    };
    true
}

/// LockFile (`Exclusive: True, Offset: 124, Length: 1, Fail Immediately: True`) and
/// UnlockFileSingle (`Offset: 124, Length: 1`): the offset and the flags are in the parameter
/// block, the length after the path.
fn lock(
    locking: bool,
    params: &[u8],
    after: &mut Cursor,
    wide: bool,
    out: &mut String,
) -> Option<()> {
    let ptr = if wide { 8 } else { 4 };
    let mut p = Cursor::at(params, if wide { 0x1C } else { 0x14 });
    let offset = p.u64()? as i64;
    p.skip(ptr)?;
    let (fail_immediately, exclusive) = (p.u8()?, p.u8()?);
    // Process Monitor prints the low 32 bits of the length (`4,294,967,295` for all bits set).
    let length = after.u32()?;
    if locking {
        let _ = write!(out, "Exclusive: {}, ", true_false(exclusive));
    }
    out.push_str("Offset: ");
    push_grouped(out, offset.into());
    out.push_str(", Length: ");
    push_grouped(out, length.into());
    if locking {
        let _ = write!(out, ", Fail Immediately: {}", true_false(fail_immediately));
    }
    Some(())
}

fn true_false(b: u8) -> &'static str {
    if b != 0 {
        "True"
    } else {
        "False"
    }
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

    #[test]
    fn lock_and_unlock() {
        // 32-bit: offset at 0x14, a pointer, then fail-immediately and exclusive; the length
        // after the path.
        let mut p = vec![0u8; 0x14];
        p.extend_from_slice(&2_147_483_538u64.to_le_bytes());
        p.extend_from_slice(&[0; 4]);
        p.extend_from_slice(&[1, 1, 0, 0]);
        let length = 20u64.to_le_bytes();
        let mut out = String::new();
        assert!(render(
            37,
            1,
            &p,
            &mut Cursor::new(&length),
            false,
            &mut out
        ));
        assert_eq!(
            out,
            "Exclusive: True, Offset: 2,147,483,538, Length: 20, Fail Immediately: True"
        );
        out.clear();
        render(37, 2, &p, &mut Cursor::new(&length), false, &mut out);
        assert_eq!(out, "Offset: 2,147,483,538, Length: 20");
        // No length after the path: nothing is printed, nothing read beyond the bytes.
        out.clear();
        render(37, 1, &p, &mut Cursor::new(&[]), false, &mut out);
        assert_eq!(out, "");
        assert!(!render(37, 3, &p, &mut Cursor::new(&[]), false, &mut out));
    }
}
