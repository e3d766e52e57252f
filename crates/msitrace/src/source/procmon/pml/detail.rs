//! An event's class-specific structure rendered as Process Monitor shows it: the final operation
//! name (file-system sub-operations, network protocol), the Path, the Category and the Detail text.
//!
//! Layouts are per class and operation; an event whose structure is shorter than its layout keeps
//! what was read before the end (a shorter Detail), never reads out of bounds.

use super::bytes::{push_latin1, push_utf16, Cursor};
use super::names::{self, class, fs};
use super::tables::NetworkNames;
use std::borrow::Cow;
use std::fmt::Write;

/// One event's bytes as the event header delimits them.
#[derive(Debug, Clone, Copy)]
pub struct EventBody<'a> {
    /// Event class number.
    pub class: u32,
    /// Operation number.
    pub operation: u16,
    /// Thread id.
    pub tid: u32,
    /// The detail structure.
    pub details: &'a [u8],
    /// The extra detail structure, when the event has one.
    pub extra: Option<&'a [u8]>,
}

/// What the renderers need of the capture.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext<'a> {
    /// Pointers are 8 bytes.
    pub wide: bool,
    /// Host and port names.
    pub network: &'a NetworkNames,
}

/// An event rendered: reused from event to event to avoid allocating.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// The Operation column.
    pub operation: Cow<'static, str>,
    /// The Path column.
    pub path: String,
    /// The Category column.
    pub category: &'static str,
    /// The Detail column (empty unless asked for).
    pub detail: String,
}

/// A decimal number with thousands separators, as Process Monitor prints sizes and offsets.
pub fn push_grouped(out: &mut String, v: i128) {
    if v < 0 {
        out.push('-');
    }
    let digits = v.unsigned_abs().to_string();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
}

/// A duration in 100 ns units as seconds with seven decimals (`0.0468750`).
fn push_seconds(out: &mut String, ticks: u64) {
    let _ = write!(out, "{}.{:07}", ticks / 10_000_000, ticks % 10_000_000);
}

/// A detail string announced by its info word (top bit: Latin-1, else UTF-16; low 15 bits: chars).
pub(super) fn push_string(out: &mut String, c: &mut Cursor, info: u16) -> Option<()> {
    let ascii = info & 0x8000 != 0;
    let chars = (info & 0x7FFF) as usize;
    let bytes = c.take(if ascii { chars } else { chars * 2 })?;
    if ascii {
        push_latin1(out, bytes);
    } else {
        push_utf16(out, bytes);
    }
    Some(())
}

pub(super) fn sep(out: &mut String) {
    if !out.is_empty() {
        out.push_str(", ");
    }
}

/// Render an event into `out`; the Detail text only when `detail` is true.
pub fn render(body: &EventBody, ctx: &RenderContext, detail: bool, out: &mut Rendered) {
    out.path.clear();
    out.detail.clear();
    out.category = "";
    out.operation = names::operation_name(body.class, body.operation, 0);
    let mut c = Cursor::new(body.details);
    let _ = match body.class {
        class::FILE_SYSTEM => file_system(body, ctx, detail, &mut c, out),
        class::REGISTRY => super::registry::render(body, detail, &mut c, out),
        class::PROCESS => process(body, ctx, &mut c, out),
        class::NETWORK => network(ctx, &mut c, out),
        _ => Some(()),
    };
    truncate_detail(&mut out.detail);
}

/// The most UTF-16 units Process Monitor prints of a Detail (a long directory listing is cut
/// there, even inside a name).
const DETAIL_MAX_UNITS: usize = 4095;

fn truncate_detail(detail: &mut String) {
    // Each UTF-16 unit takes at least one byte: a short text needs no count.
    if detail.len() <= DETAIL_MAX_UNITS {
        return;
    }
    let mut units = 0;
    for (at, ch) in detail.char_indices() {
        units += ch.len_utf16();
        if units > DETAIL_MAX_UNITS {
            detail.truncate(at);
            return;
        }
    }
}

fn file_system(
    body: &EventBody,
    ctx: &RenderContext,
    detail: bool,
    c: &mut Cursor,
    out: &mut Rendered,
) -> Option<()> {
    let sub = c.u8()?;
    c.skip(3)?;
    if sub != 0 {
        out.operation = names::operation_name(body.class, body.operation, sub);
    }
    let ptr = if ctx.wide { 8 } else { 4 };
    let params_bytes = c.take(ptr * 5 + 0x14)?;
    let mut params = Cursor::new(params_bytes);
    let path_info = c.u16()?;
    c.skip(2)?;
    push_string(&mut out.path, c, path_info)?;
    let pad = |p: &mut Cursor| if ctx.wide { p.skip(4) } else { Some(()) };
    out.category = match (body.operation, sub) {
        (fs::QUERY_INFORMATION | fs::QUERY_EA | fs::QUERY_SECURITY, _) => "Read Metadata",
        (fs::DIRECTORY_CONTROL, 1 | 2) => "Read Metadata",
        (fs::SET_INFORMATION, 0x0d | 0x40) => "Write",
        (fs::SET_INFORMATION | fs::SET_EA | fs::SET_SECURITY, _) => "Write Metadata",
        _ => "",
    };
    match body.operation {
        fs::CREATE_FILE => {
            let access = c.u32()?;
            let sid_len = c.u8()? as usize;
            c.skip(3)?;
            params.skip(0x10)?;
            pad(&mut params)?;
            let disposition_options = params.u32()?;
            pad(&mut params)?;
            let attributes = params.u16()? as u32;
            let share = params.u16()? as u32;
            params.skip(4 + ptr * 2)?;
            let allocation = params.u32()?;
            let disposition = disposition_options >> 24;
            let open = body.extra.and_then(|e| Cursor::new(e).u32());
            out.category = match open {
                Some(0 | 2 | 3) => "Write",
                Some(1 | 4 | 5) => "",
                _ if matches!(disposition, 1) || disposition > 5 => "",
                _ => "Write",
            };
            if !detail {
                return Some(());
            }
            let d = &mut out.detail;
            d.push_str("Desired Access: ");
            names::file_access(access, d);
            d.push_str(", Disposition: ");
            d.push_str(names::disposition(disposition));
            d.push_str(", Options: ");
            names::mask_names(
                disposition_options & 0xFF_FFFF,
                names::CREATE_OPTIONS,
                ", ",
                d,
            );
            d.push_str(", Attributes: ");
            if attributes == 0 || !names::mask_names(attributes, names::ATTRIBUTES, "", d) {
                d.push_str("n/a");
            }
            d.push_str(", ShareMode: ");
            if !names::mask_names(share, names::SHARE_MODES, ", ", d) {
                d.push_str("None");
            }
            d.push_str(", AllocationSize: ");
            if matches!(disposition, 0 | 2 | 3 | 5) {
                push_grouped(d, allocation.into());
            } else {
                d.push_str("n/a");
            }
            if sid_len > 0 {
                if let Some(sid) = c.take(sid_len) {
                    d.push_str(", Impersonating: ");
                    push_sid(d, sid);
                }
            }
            if let Some(r) = open {
                d.push_str(", OpenResult: ");
                d.push_str(names::open_result(r));
            }
        }
        fs::READ_FILE | fs::WRITE_FILE => {
            out.category = if body.operation == fs::READ_FILE {
                "Read"
            } else {
                "Write"
            };
            if !detail {
                return Some(());
            }
            params.skip(4)?;
            let flags_priority = params.u32()?;
            params.skip(4)?;
            let mut length = params.u32()?;
            pad(&mut params)?;
            params.skip(4)?;
            pad(&mut params)?;
            let offset = params.u64()? as i64;
            if let Some(l) = body.extra.and_then(|e| Cursor::new(e).u32()) {
                length = l;
            }
            let d = &mut out.detail;
            d.push_str("Offset: ");
            push_grouped(d, offset.into());
            d.push_str(", Length: ");
            push_grouped(d, length.into());
            let flags = flags_priority & 0xE0_00FF;
            if flags != 0 {
                d.push_str(", I/O Flags: ");
                names::mask_names(flags, names::IO_FLAGS, ", ", d);
            }
            if let Some(p) = names::priority((flags_priority >> 17) & 7) {
                d.push_str(", Priority: ");
                d.push_str(p);
            }
        }
        fs::FILE_SYSTEM_CONTROL | fs::DEVICE_IO_CONTROL | fs::INTERNAL_DEVICE_IO_CONTROL => {
            params.skip(8)?;
            let write_length = params.u32()?;
            let read_length = params.u32()?;
            pad(&mut params)?;
            params.skip(4)?;
            pad(&mut params)?;
            let code = params.u32()?;
            out.category = names::control_code(code).map_or("", names::control_category);
            if !detail {
                return Some(());
            }
            let d = &mut out.detail;
            d.push_str("Control: ");
            match names::control_code(code) {
                Some(name) => d.push_str(name),
                None => {
                    let _ = write!(
                        d,
                        "0x{code:x} (Device:0x{:x} Function:{} Method: {})",
                        code >> 16,
                        (code >> 2) & 0xFFF,
                        code & 3
                    );
                }
            }
            match names::control_code(code) {
                Some("FSCTL_PIPE_INTERNAL_WRITE") => {
                    d.push_str(", Length: ");
                    push_grouped(d, write_length.into());
                }
                Some("FSCTL_PIPE_INTERNAL_READ") => {
                    d.push_str(", Length: ");
                    push_grouped(d, read_length.into());
                }
                Some("FSCTL_PIPE_TRANSCEIVE" | "FSCTL_PIPE_INTERNAL_TRANSCEIVE") => {
                    d.push_str(", WriteLength: ");
                    push_grouped(d, write_length.into());
                    d.push_str(", ReadLength: ");
                    push_grouped(d, read_length.into());
                }
                _ => {}
            }
        }
        fs::DIRECTORY_CONTROL if sub == 1 => {
            let info = c.u16()?;
            let mut filter = String::new();
            push_string(&mut filter, c, info)?;
            if !filter.is_empty() {
                if !out.path.ends_with('\\') {
                    out.path.push('\\');
                }
                out.path.push_str(&filter);
            }
            if detail {
                super::directory::render(
                    &filter,
                    params_bytes,
                    body.extra,
                    ctx.wide,
                    &mut out.detail,
                );
            }
        }
        _ if detail => {
            if super::fscalls::render(
                body.operation,
                sub,
                params_bytes,
                c,
                ctx.wide,
                &mut out.detail,
            ) {
                return Some(());
            }
            super::fsinfo::render(
                body.operation,
                sub,
                params_bytes,
                c,
                body.extra,
                ctx.wide,
                &mut out.detail,
            );
        }
        _ => {}
    }
    Some(())
}

/// A SID in its string form (`S-1-5-18`).
fn push_sid(out: &mut String, sid: &[u8]) {
    let mut c = Cursor::new(sid);
    let (Some(revision), Some(count), Some(authority)) = (c.u8(), c.u8(), c.take(6)) else {
        return;
    };
    let authority = authority.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
    let _ = write!(out, "S-{revision}-{authority}");
    for _ in 0..count {
        match c.u32() {
            Some(v) => {
                let _ = write!(out, "-{v}");
            }
            None => return,
        }
    }
}

/// Process operation numbers.
mod proc_op {
    pub const DEFINED: u16 = 0;
    pub const CREATE: u16 = 1;
    pub const EXIT: u16 = 2;
    pub const THREAD_CREATE: u16 = 3;
    pub const THREAD_EXIT: u16 = 4;
    pub const LOAD_IMAGE: u16 = 5;
    pub const START: u16 = 7;
    pub const STATISTICS: u16 = 8;
}

fn process(
    body: &EventBody,
    ctx: &RenderContext,
    c: &mut Cursor,
    out: &mut Rendered,
) -> Option<()> {
    let d = &mut out.detail;
    match body.operation {
        proc_op::DEFINED | proc_op::CREATE => {
            c.skip(4)?;
            let pid = c.u32()?;
            c.skip(0x24)?;
            let s1 = c.u8()? as usize;
            let s2 = c.u8()? as usize;
            let path_info = c.u16()?;
            let cmd_info = c.u16()?;
            c.skip(2 + s1 + s2)?;
            push_string(&mut out.path, c, path_info)?;
            let _ = write!(d, "PID: {pid}, Command line: ");
            push_string(d, c, cmd_info)?;
        }
        proc_op::START => {
            let parent = c.u32()?;
            let cmd_info = c.u16()?;
            let dir_info = c.u16()?;
            let env_chars = c.u32()? as usize;
            let _ = write!(d, "Parent PID: {parent}, Command line: ");
            push_string(d, c, cmd_info)?;
            d.push_str(", Current directory: ");
            push_string(d, c, dir_info)?;
            d.push_str(", Environment: ");
            let env = c.take((env_chars * 2).min(c.remaining()))?;
            for var in env
                .chunks_exact(2)
                .collect::<Vec<_>>()
                .split(|u| u == &[0, 0])
            {
                if var.is_empty() {
                    continue;
                }
                d.push_str("\r;\t");
                push_utf16(d, &var.concat());
            }
        }
        proc_op::EXIT | proc_op::STATISTICS => {
            let status = c.u32()?;
            let kernel = c.u64()?;
            let user = c.u64()?;
            let mut sizes = [0u64; 4];
            for s in &mut sizes {
                *s = c.u64()?;
            }
            let [working, peak_working, private, peak_private] = sizes;
            let _ = write!(d, "Exit Status: {}, User Time: ", status as i32);
            push_seconds(d, user);
            d.push_str(" seconds, Kernel Time: ");
            push_seconds(d, kernel);
            d.push_str(" seconds");
            for (key, v) in [
                ("Private Bytes", private),
                ("Peak Private Bytes", peak_private),
                ("Working Set", working),
                ("Peak Working Set", peak_working),
            ] {
                let _ = write!(d, ", {key}: ");
                push_grouped(d, v.into());
            }
        }
        proc_op::THREAD_CREATE => {
            let _ = write!(d, "Thread ID: {}", c.u32()?);
        }
        proc_op::THREAD_EXIT => {
            c.skip(4)?;
            let kernel = c.u64()?;
            let user = c.u64()?;
            let _ = write!(d, "Thread ID: {}, User Time: ", body.tid);
            push_seconds(d, user);
            d.push_str(", Kernel Time: ");
            push_seconds(d, kernel);
        }
        proc_op::LOAD_IMAGE => {
            let base = c.pvoid(ctx.wide)?;
            let size = c.u32()?;
            let info = c.u16()?;
            c.skip(2)?;
            push_string(&mut out.path, c, info)?;
            let _ = write!(d, "Image Base: 0x{base:x}, Image Size: 0x{size:x}");
        }
        _ => {}
    }
    Some(())
}

fn network(ctx: &RenderContext, c: &mut Cursor, out: &mut Rendered) -> Option<()> {
    let flags = c.u16()?;
    let (src_v4, dst_v4, tcp) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
    out.operation = Cow::Owned(format!(
        "{} {}",
        if tcp { "TCP" } else { "UDP" },
        out.operation
    ));
    c.skip(2)?;
    let length = c.u32()?;
    let src: [u8; 16] = c.take(16)?.try_into().ok()?;
    let dst: [u8; 16] = c.take(16)?.try_into().ok()?;
    let (sport, dport) = (c.u16()?, c.u16()?);
    let _ = write!(
        out.path,
        "{}:{} -> {}:{}",
        ctx.network.host(&src, src_v4),
        ctx.network.port(sport, tcp),
        ctx.network.host(&dst, dst_v4),
        ctx.network.port(dport, tcp)
    );
    let d = &mut out.detail;
    let _ = write!(d, "Length: {length}");
    let rest = c.take(c.remaining())?;
    let words: Vec<String> = rest
        .chunks_exact(2)
        .collect::<Vec<_>>()
        .split(|u| u == &[0, 0])
        .map(|p| {
            let mut s = String::new();
            push_utf16(&mut s, &p.concat());
            s
        })
        .collect();
    for pair in words.chunks_exact(2) {
        if pair[0].is_empty() {
            break;
        }
        let _ = write!(d, ", {}: {}", pair[0], pair[1]);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn ctx(names: &NetworkNames) -> RenderContext<'_> {
        RenderContext {
            wide: true,
            network: names,
        }
    }

    fn run(body: EventBody) -> Rendered {
        let names = NetworkNames::default();
        let mut out = Rendered::default();
        render(&body, &ctx(&names), true, &mut out);
        out
    }

    #[test]
    fn grouped_numbers() {
        let mut s = String::new();
        push_grouped(&mut s, 3_088_384);
        s.push(' ');
        push_grouped(&mut s, 512);
        s.push(' ');
        push_grouped(&mut s, -1024);
        assert_eq!(s, "3,088,384 512 -1,024");
    }

    /// A 64-bit file-system detail: sub-operation, parameters, path, then `rest`.
    fn fs_details(sub: u8, params: &[u8], path: &str, rest: &[u8]) -> Vec<u8> {
        let mut b = vec![sub, 0, 0, 0];
        let mut p = params.to_vec();
        p.resize(8 * 5 + 0x14, 0);
        b.extend_from_slice(&p);
        let path = w16(path);
        b.extend_from_slice(&((path.len() / 2) as u16).to_le_bytes());
        b.extend_from_slice(&[0, 0]);
        b.extend_from_slice(&path);
        b.extend_from_slice(rest);
        b
    }

    #[test]
    fn create_file_detail() {
        let mut params = vec![0u8; 0x14];
        params.extend_from_slice(&((1u32 << 24) | 0x20 | 0x1).to_le_bytes());
        params.extend_from_slice(&[0; 4]);
        params.extend_from_slice(&0u16.to_le_bytes());
        params.extend_from_slice(&3u16.to_le_bytes());
        let mut rest = 0x100000u32.to_le_bytes().to_vec();
        rest.extend_from_slice(&[0, 0, 0, 0]);
        let details = fs_details(0, &params, "C:\\", &rest);
        let open = 1u32.to_le_bytes();
        let out = run(EventBody {
            class: class::FILE_SYSTEM,
            operation: fs::CREATE_FILE,
            tid: 1,
            details: &details,
            extra: Some(&open),
        });
        assert_eq!(out.operation, "CreateFile");
        assert_eq!(out.path, "C:\\");
        assert_eq!(
            out.detail,
            "Desired Access: Synchronize, Disposition: Open, Options: Directory, Synchronous IO Non-Alert, Attributes: n/a, ShareMode: Read, Write, AllocationSize: n/a, OpenResult: Opened"
        );
    }

    #[test]
    fn read_file_detail_and_cut_structure() {
        let mut params = vec![0u8; 4];
        params.extend_from_slice(&(3u32 << 17).to_le_bytes());
        params.extend_from_slice(&[0; 4]);
        params.extend_from_slice(&16022u32.to_le_bytes());
        params.extend_from_slice(&[0; 12]);
        params.extend_from_slice(&1024u64.to_le_bytes());
        let details = fs_details(0, &params, "C:\\a.pf", &[]);
        let body = EventBody {
            class: class::FILE_SYSTEM,
            operation: fs::READ_FILE,
            tid: 1,
            details: &details,
            extra: None,
        };
        let out = run(body);
        assert_eq!(
            out.detail,
            "Offset: 1,024, Length: 16,022, Priority: Normal"
        );
        assert_eq!(out.category, "Read");
        // Cut inside the path: the operation is known, nothing is read beyond the bytes.
        let cut = run(EventBody {
            details: &details[..70],
            ..body
        });
        assert_eq!(
            (cut.operation.as_ref(), cut.detail.as_str()),
            ("ReadFile", "")
        );
    }

    #[test]
    fn process_exit_and_thread_create() {
        let mut d = 0xC000_0005u32.to_le_bytes().to_vec();
        for v in [
            1_406_250u64,
            468_750,
            21_106_688,
            21_630_976,
            3_088_384,
            3_219_456,
        ] {
            d.extend_from_slice(&v.to_le_bytes());
        }
        let out = run(EventBody {
            class: class::PROCESS,
            operation: 2,
            tid: 1,
            details: &d,
            extra: None,
        });
        assert_eq!(out.detail, "Exit Status: -1073741819, User Time: 0.0468750 seconds, Kernel Time: 0.1406250 seconds, Private Bytes: 3,088,384, Peak Private Bytes: 3,219,456, Working Set: 21,106,688, Peak Working Set: 21,630,976");
        let t = 6740u32.to_le_bytes();
        let out = run(EventBody {
            class: class::PROCESS,
            operation: 3,
            tid: 1,
            details: &t,
            extra: None,
        });
        assert_eq!(out.detail, "Thread ID: 6740");
    }

    #[test]
    fn long_details_are_cut_as_process_monitor_cuts_them() {
        let mut d = "a".repeat(4094) + "éé";
        truncate_detail(&mut d);
        assert_eq!(d.chars().count(), 4095);
        assert!(d.ends_with("aé"));
        let mut d = "b".repeat(10);
        truncate_detail(&mut d);
        assert_eq!(d, "b".repeat(10));
    }

    #[test]
    fn sid_text() {
        let mut s = String::new();
        push_sid(&mut s, &[1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]);
        assert_eq!(s, "S-1-5-18");
    }
}
