//! File-system information details: what a query returned (the extra detail structure: basic,
//! standard, name, internal, attribute-tag and volume information), what a set-information call
//! passed (disposition, allocation and end-of-file sizes), security information flags and change
//! notification filters — as Process Monitor prints them.
//!
//! Times print as an English Process Monitor shows them (`7/12/2020 1:17:45 AM`), in UTC.

use super::bytes::{push_utf16, Cursor};
use super::detail::push_grouped;
use super::names::{self, fs};
use chrono::{DateTime, Datelike, Timelike};
use std::fmt::Write;

/// Security information flags (QuerySecurityFile, SetSecurityFile).
const SECURITY_INFORMATION: &[(u32, &str)] = &[
    (0x1, "Owner"),
    (0x2, "Group"),
    (0x4, "DACL"),
    (0x8, "SACL"),
    (0x10, "Label"),
    (0x20, "Attribute"),
    (0x40, "Scope"),
    (0x80, "Process Trust Label"),
    (0x10000, "Backup"),
    (0x1000_0000, "SACL Unprotected"),
    (0x2000_0000, "DACL Unprotected"),
    (0x4000_0000, "SACL Protected"),
    (0x8000_0000, "DACL Protected"),
];

/// Change notification filters (NotifyChangeDirectory).
const NOTIFY_FILTERS: &[(u32, &str)] = &[
    (0x1, "FILE_NOTIFY_CHANGE_FILE_NAME"),
    (0x2, "FILE_NOTIFY_CHANGE_DIR_NAME"),
    (0x4, "FILE_NOTIFY_CHANGE_ATTRIBUTES"),
    (0x8, "FILE_NOTIFY_CHANGE_SIZE"),
    (0x10, "FILE_NOTIFY_CHANGE_LAST_WRITE"),
    (0x20, "FILE_NOTIFY_CHANGE_LAST_ACCESS"),
    (0x40, "FILE_NOTIFY_CHANGE_CREATION"),
    (0x80, "FILE_NOTIFY_CHANGE_EA"),
    (0x100, "FILE_NOTIFY_CHANGE_SECURITY"),
    (0x200, "FILE_NOTIFY_CHANGE_STREAM_NAME"),
    (0x400, "FILE_NOTIFY_CHANGE_STREAM_SIZE"),
    (0x800, "FILE_NOTIFY_CHANGE_STREAM_WRITE"),
];

/// File-system attributes (QueryAttributeInformationVolume), in Process Monitor's order; bits
/// without a name print in hex after them.
const FILE_SYSTEM_ATTRIBUTES: &[(u32, &str)] = &[
    (0x2, "Case Preserved"),
    (0x1, "Case Sensitive"),
    (0x4, "Unicode"),
    (0x8, "ACLs"),
    (0x10, "Compression"),
    (0x40000, "Named Streams"),
    (0x20000, "EFS"),
    (0x10000, "Object IDs"),
    (0x80, "Reparse Points"),
    (0x40, "Sparse Files"),
    (0x20, "Quotas"),
    (0x200000, "Transactions"),
];

/// File alignment requirements (QueryAllInformationFile).
const ALIGNMENTS: &[(u32, &str)] = &[
    (0x0, "Byte"),
    (0x1, "Word"),
    (0x3, "Long"),
    (0x7, "Quad"),
    (0xF, "Octa"),
    (0x1F, "32 Byte"),
    (0x3F, "64 Byte"),
    (0x7F, "128 Byte"),
    (0xFF, "256 Byte"),
    (0x1FF, "512 Byte"),
];

/// A FILETIME as Process Monitor's English detail text prints it (UTC).
/// The FILETIME is signed: -1 ("leave unchanged" in a set call) is the last second of 1600.
pub fn push_date(out: &mut String, ft: u64) {
    let secs = (ft as i64).div_euclid(10_000_000) - 11_644_473_600;
    match DateTime::from_timestamp(secs, 0) {
        Some(t) => {
            let (pm, hour) = t.hour12();
            let _ = write!(
                out,
                "{}/{}/{} {hour}:{:02}:{:02} {}",
                t.month(),
                t.day(),
                t.year(),
                t.minute(),
                t.second(),
                if pm { "PM" } else { "AM" }
            );
        }
        None => {
            let _ = write!(out, "0x{ft:x}");
        }
    }
}

fn push_attributes(out: &mut String, attributes: u32) {
    if attributes == 0 || !names::mask_names(attributes, names::ATTRIBUTES, "", out) {
        out.push_str("n/a");
    }
}

fn flag(b: u8) -> &'static str {
    if b != 0 {
        "True"
    } else {
        "False"
    }
}

/// Render the detail of a file-system operation that carries information: `params` is the
/// event's parameter block, `after` the bytes after its path, `extra` the extra structure.
pub(super) fn render(
    op: u16,
    sub: u8,
    params: &[u8],
    after: &mut Cursor,
    extra: Option<&[u8]>,
    wide: bool,
    out: &mut String,
) -> Option<()> {
    let ptr = if wide { 8 } else { 4 };
    match (op, sub) {
        (fs::QUERY_SECURITY | fs::SET_SECURITY, _) => {
            let info = Cursor::at(params, 12).u32()?;
            out.push_str("Information: ");
            let named = SECURITY_INFORMATION
                .iter()
                .filter(|(bit, _)| info & bit != 0)
                .fold(0, |m, (bit, _)| m | bit);
            names::mask_names(info, SECURITY_INFORMATION, ", ", out);
            // Bits without a name print in hex after the named ones.
            if info & !named != 0 {
                if named != 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "0x{:x}", info & !named);
            }
        }
        (fs::DIRECTORY_CONTROL, 2) => {
            let filter = Cursor::at(params, ptr + 12).u32()?;
            out.push_str("Filter: ");
            names::mask_names(filter, NOTIFY_FILTERS, ", ", out);
        }
        // FILE_BASIC_INFORMATION as the call passed it, after the path.
        (fs::SET_INFORMATION, 0x04) => query_information(0x04, after, out)?,
        (fs::SET_INFORMATION, 0x0d) => {
            let delete = after.u8()?;
            let _ = write!(out, "Delete: {}", flag(delete));
        }
        (fs::SET_INFORMATION, 0x13 | 0x14) => {
            let size = after.u64()? as i64;
            out.push_str(if sub == 0x13 {
                "AllocationSize: "
            } else {
                "EndOfFile: "
            });
            push_grouped(out, size.into());
        }
        (fs::QUERY_INFORMATION, _) => query_information(sub, &mut Cursor::new(extra?), out)?,
        (fs::QUERY_VOLUME, 3 | 7) => {
            let mut e = Cursor::new(extra?);
            let keys: &[&str] = if sub == 3 {
                &["TotalAllocationUnits", "AvailableAllocationUnits"]
            } else {
                &[
                    "TotalAllocationUnits",
                    "CallerAvailableAllocationUnits",
                    "ActualAvailableAllocationUnits",
                ]
            };
            for (i, key) in keys.iter().enumerate() {
                let v = e.u64()? as i64;
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{key}: ");
                push_grouped(out, v.into());
            }
            let (sectors, bytes) = (e.u32()?, e.u32()?);
            out.push_str(", SectorsPerAllocationUnit: ");
            push_grouped(out, sectors.into());
            out.push_str(", BytesPerSector: ");
            push_grouped(out, bytes.into());
        }
        (fs::QUERY_VOLUME, 5) => {
            let mut e = Cursor::new(extra?);
            let attributes = e.u32()?;
            let max_name = e.u32()? as i32;
            let name_len = e.u32()? as usize;
            out.push_str("FileSystemAttributes: ");
            let named = FILE_SYSTEM_ATTRIBUTES
                .iter()
                .filter(|(bit, _)| attributes & bit != 0)
                .fold(0, |m, (bit, _)| m | bit);
            names::mask_names(attributes, FILE_SYSTEM_ATTRIBUTES, ", ", out);
            if attributes & !named != 0 {
                if named != 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "0x{:x}", attributes & !named);
            }
            let _ = write!(
                out,
                ", MaximumComponentNameLength: {max_name}, FileSystemName: "
            );
            let take = name_len.min(e.remaining());
            push_utf16(out, e.take(take)?);
        }
        (fs::QUERY_VOLUME, 8) => {
            let id = Cursor::new(extra?).take(16)?;
            out.push_str("ObjectId: ");
            for b in id {
                let _ = write!(out, "{b:02X}");
            }
        }
        (fs::QUERY_VOLUME, 1) => {
            let mut e = Cursor::new(extra?);
            let created = e.u64()?;
            let serial = e.u32()?;
            let label_len = e.u32()? as usize;
            let objects = e.u8()?;
            e.skip(1)?;
            out.push_str("VolumeCreationTime: ");
            push_date(out, created);
            let _ = write!(
                out,
                ", VolumeSerialNumber: {:04X}-{:04X}, SupportsObjects: {}, VolumeLabel: ",
                serial >> 16,
                serial & 0xFFFF,
                flag(objects)
            );
            let take = label_len.min(e.remaining());
            push_utf16(out, e.take(take)?);
        }
        _ => {}
    }
    Some(())
}

fn query_information(sub: u8, e: &mut Cursor, out: &mut String) -> Option<()> {
    match sub {
        // FILE_BASIC_INFORMATION
        0x04 => {
            let times = [e.u64()?, e.u64()?, e.u64()?, e.u64()?];
            let attributes = e.u32()?;
            for (i, (key, t)) in [
                "CreationTime",
                "LastAccessTime",
                "LastWriteTime",
                "ChangeTime",
            ]
            .iter()
            .zip(times)
            .enumerate()
            {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{key}: ");
                push_date(out, t);
            }
            out.push_str(", FileAttributes: ");
            push_attributes(out, attributes);
        }
        // FILE_STANDARD_INFORMATION
        0x05 => {
            let allocation = e.u64()? as i64;
            let end = e.u64()? as i64;
            let links = e.u32()?;
            let (pending, directory) = (e.u8()?, e.u8()?);
            out.push_str("AllocationSize: ");
            push_grouped(out, allocation.into());
            out.push_str(", EndOfFile: ");
            push_grouped(out, end.into());
            let _ = write!(
                out,
                ", NumberOfLinks: {links}, DeletePending: {}, Directory: {}",
                flag(pending),
                flag(directory)
            );
        }
        // FILE_INTERNAL_INFORMATION
        0x06 => {
            let _ = write!(out, "IndexNumber: 0x{:x}", e.u64()?);
        }
        // FILE_NAME_INFORMATION
        0x09 => {
            let len = e.u32()? as usize;
            out.push_str("Name: ");
            let take = len.min(e.remaining());
            push_utf16(out, e.take(take)?);
        }
        // FILE_NETWORK_OPEN_INFORMATION: Process Monitor prints the two sizes as dates too.
        0x22 => {
            let keys = [
                "CreationTime",
                "LastAccessTime",
                "LastWriteTime",
                "ChangeTime",
                "AllocationSize",
                "EndOfFile",
            ];
            for (i, key) in keys.iter().enumerate() {
                let t = e.u64()?;
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{key}: ");
                push_date(out, t);
            }
            out.push_str(", FileAttributes: ");
            push_attributes(out, e.u32()?);
        }
        // FILE_ALL_INFORMATION: basic, standard, internal, EA, access, position, mode and
        // alignment information (the name, after them, is not printed).
        0x12 => {
            query_information(0x04, e, out)?;
            e.skip(4)?;
            out.push_str(", ");
            query_information(0x05, e, out)?;
            e.skip(2)?;
            let index = e.u64()?;
            let ea = e.u32()?;
            let access = e.u32()?;
            let position = e.u64()? as i64;
            let mode = e.u32()?;
            let alignment = e.u32()?;
            let _ = write!(out, ", IndexNumber: 0x{index:x}, EaSize: {ea}, Access: ");
            names::file_access(access, out);
            out.push_str(", Position: ");
            push_grouped(out, position.into());
            out.push_str(", Mode: ");
            names::mask_names(mode, names::CREATE_OPTIONS, ", ", out);
            out.push_str(", AlignmentRequirement: ");
            match ALIGNMENTS.iter().find(|(v, _)| *v == alignment) {
                Some((_, name)) => out.push_str(name),
                None => {
                    let _ = write!(out, "0x{alignment:x}");
                }
            }
        }
        // FILE_ATTRIBUTE_TAG_INFORMATION
        0x23 => {
            let attributes = e.u32()?;
            let tag = e.u32()?;
            out.push_str("Attributes: ");
            push_attributes(out, attributes);
            let _ = write!(out, ", ReparseTag: 0x{tag:x}");
        }
        _ => {}
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_as_process_monitor_does() {
        let mut s = String::new();
        push_date(&mut s, 0x01d6_57ea_3f53_0f27);
        assert_eq!(s, "7/12/2020 1:17:45 AM");
        s.clear();
        push_date(&mut s, 0);
        assert_eq!(s, "1/1/1601 12:00:00 AM");
        s.clear();
        push_date(&mut s, u64::MAX);
        assert_eq!(s, "12/31/1600 11:59:59 PM");
    }

    #[test]
    fn standard_and_basic_information() {
        let mut extra = 249_856u64.to_le_bytes().to_vec();
        extra.extend_from_slice(&246_784u64.to_le_bytes());
        extra.extend_from_slice(&[2, 0, 0, 0, 0, 0, 0, 0]);
        let mut out = String::new();
        render(
            fs::QUERY_INFORMATION,
            5,
            &[],
            &mut Cursor::new(&[]),
            Some(&extra),
            true,
            &mut out,
        );
        assert_eq!(out, "AllocationSize: 249,856, EndOfFile: 246,784, NumberOfLinks: 2, DeletePending: False, Directory: False");
        let mut extra = Vec::new();
        for _ in 0..4 {
            extra.extend_from_slice(&0x01d6_57ea_3f53_0f27u64.to_le_bytes());
        }
        extra.extend_from_slice(&0x22u32.to_le_bytes());
        out.clear();
        render(
            fs::QUERY_INFORMATION,
            4,
            &[],
            &mut Cursor::new(&[]),
            Some(&extra),
            true,
            &mut out,
        );
        assert!(
            out.ends_with("ChangeTime: 7/12/2020 1:17:45 AM, FileAttributes: HA"),
            "{out}"
        );
    }

    #[test]
    fn all_information() {
        let mut extra = Vec::new();
        for _ in 0..4 {
            extra.extend_from_slice(&0x01d6_57ea_3f53_0f27u64.to_le_bytes());
        }
        extra.extend_from_slice(&[0x20, 0, 0, 0, 0, 0, 0, 0]);
        extra.extend_from_slice(&249_856u64.to_le_bytes());
        extra.extend_from_slice(&246_784u64.to_le_bytes());
        extra.extend_from_slice(&[2, 0, 0, 0, 0, 0, 0, 0]);
        extra.extend_from_slice(&0x1_0000_0000_58abu64.to_le_bytes());
        extra.extend_from_slice(&116u32.to_le_bytes());
        extra.extend_from_slice(&0x0010_0080u32.to_le_bytes());
        extra.extend_from_slice(&0u64.to_le_bytes());
        extra.extend_from_slice(&0x20u32.to_le_bytes());
        extra.extend_from_slice(&3u32.to_le_bytes());
        let mut out = String::new();
        let mut none = Cursor::new(&[]);
        render(
            fs::QUERY_INFORMATION,
            0x12,
            &[],
            &mut none,
            Some(&extra),
            true,
            &mut out,
        );
        assert!(
            out.starts_with("CreationTime: 7/12/2020 1:17:45 AM, "),
            "{out}"
        );
        assert!(
            out.ends_with(", FileAttributes: A, AllocationSize: 249,856, EndOfFile: 246,784, NumberOfLinks: 2, DeletePending: False, Directory: False, IndexNumber: 0x10000000058ab, EaSize: 116, Access: Read Attributes, Synchronize, Position: 0, Mode: Synchronous IO Non-Alert, AlignmentRequirement: Long"),
            "{out}"
        );
        // Cut before the alignment: the Detail stops after the standard information.
        out.clear();
        render(
            fs::QUERY_INFORMATION,
            0x12,
            &[],
            &mut none,
            Some(&extra[..0x5C]),
            true,
            &mut out,
        );
        assert!(out.ends_with("Directory: False"), "{out}");
    }

    #[test]
    fn set_basic_information() {
        let mut after = vec![0xFF; 32];
        after.extend_from_slice(&0u32.to_le_bytes());
        let mut out = String::new();
        render(
            fs::SET_INFORMATION,
            4,
            &[],
            &mut Cursor::new(&after),
            None,
            true,
            &mut out,
        );
        assert_eq!(out, "CreationTime: 12/31/1600 11:59:59 PM, LastAccessTime: 12/31/1600 11:59:59 PM, LastWriteTime: 12/31/1600 11:59:59 PM, ChangeTime: 12/31/1600 11:59:59 PM, FileAttributes: n/a");
    }

    #[test]
    fn volume_attributes_and_object_id() {
        let mut extra = 0x03e7_06ffu32.to_le_bytes().to_vec();
        extra.extend_from_slice(&255u32.to_le_bytes());
        extra.extend_from_slice(&8u32.to_le_bytes());
        extra.extend("NTFS".encode_utf16().flat_map(u16::to_le_bytes));
        let mut out = String::new();
        let mut none = Cursor::new(&[]);
        render(
            fs::QUERY_VOLUME,
            5,
            &[],
            &mut none,
            Some(&extra),
            true,
            &mut out,
        );
        assert_eq!(out, "FileSystemAttributes: Case Preserved, Case Sensitive, Unicode, ACLs, Compression, Named Streams, EFS, Object IDs, Reparse Points, Sparse Files, Quotas, Transactions, 0x3c00600, MaximumComponentNameLength: 255, FileSystemName: NTFS");
        let id: Vec<u8> = (0u8..16).chain([0; 48]).collect();
        out.clear();
        render(
            fs::QUERY_VOLUME,
            8,
            &[],
            &mut none,
            Some(&id),
            true,
            &mut out,
        );
        assert_eq!(out, "ObjectId: 000102030405060708090A0B0C0D0E0F");
    }

    #[test]
    fn security_and_notify_flags() {
        let mut params = vec![0u8; 12];
        params.extend_from_slice(&0x2000_0004u32.to_le_bytes());
        params.extend_from_slice(&[0; 8]);
        let mut out = String::new();
        render(
            fs::SET_SECURITY,
            0,
            &params,
            &mut Cursor::new(&[]),
            None,
            false,
            &mut out,
        );
        assert_eq!(out, "Information: DACL, DACL Unprotected");
        let mut params = vec![0u8; 20];
        params.extend_from_slice(&3u32.to_le_bytes());
        out.clear();
        render(
            fs::DIRECTORY_CONTROL,
            2,
            &params,
            &mut Cursor::new(&[]),
            None,
            true,
            &mut out,
        );
        assert_eq!(
            out,
            "Filter: FILE_NOTIFY_CHANGE_FILE_NAME, FILE_NOTIFY_CHANGE_DIR_NAME"
        );
    }
}
