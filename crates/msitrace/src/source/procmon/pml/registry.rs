//! Registry events: the key path, the category, and the detail of opens, queries, enumerations
//! and writes (type, length, data) as Process Monitor prints them.

use super::bytes::{push_utf16, Cursor};
use super::detail::{push_grouped, push_string, sep, EventBody, Rendered};
use super::names;
use std::fmt::Write;

/// Registry operation numbers.
mod reg {
    pub const OPEN_KEY: u16 = 0;
    pub const CREATE_KEY: u16 = 1;
    pub const QUERY_KEY: u16 = 3;
    pub const SET_VALUE: u16 = 4;
    pub const QUERY_VALUE: u16 = 5;
    pub const ENUM_VALUE: u16 = 6;
    pub const ENUM_KEY: u16 = 7;
    pub const SET_INFO_KEY: u16 = 8;
    pub const DELETE_KEY: u16 = 9;
    pub const DELETE_VALUE: u16 = 10;
    pub const LOAD_KEY: u16 = 12;
    pub const RENAME_KEY: u16 = 14;
    pub const QUERY_MULTIPLE: u16 = 15;
    pub const SET_KEY_SECURITY: u16 = 16;
    pub const QUERY_KEY_SECURITY: u16 = 17;
}

/// Render a registry event: its key path, category and detail.
pub(super) fn render(
    body: &EventBody,
    detail: bool,
    c: &mut Cursor,
    out: &mut Rendered,
) -> Option<()> {
    let path_info = c.u16()?;
    let op = body.operation;
    let mut new_path_info = 0;
    let (mut desired, mut length, mut class_no, mut index) = (0, 0, 0, 0);
    let (mut reg_type, mut data_length) = (0, 0);
    match op {
        reg::LOAD_KEY | reg::RENAME_KEY => new_path_info = c.u16()?,
        reg::OPEN_KEY | reg::CREATE_KEY => {
            c.skip(2)?;
            desired = c.u32()?;
        }
        reg::QUERY_KEY | reg::QUERY_VALUE => {
            c.skip(2)?;
            length = c.u32()?;
            class_no = c.u32()?;
        }
        reg::ENUM_VALUE | reg::ENUM_KEY => {
            c.skip(2)?;
            length = c.u32()?;
            index = c.u32()?;
            class_no = c.u32()?;
        }
        reg::SET_INFO_KEY => {
            c.skip(2)?;
            class_no = c.u32()?;
            c.skip(4)?;
            length = u32::from(c.u16()?);
            c.skip(2)?;
        }
        reg::SET_VALUE => {
            c.skip(2)?;
            reg_type = c.u32()?;
            length = c.u32()?;
            data_length = c.u32()?;
        }
        _ => {}
    }
    push_string(&mut out.path, c, path_info)?;
    out.category = match op {
        reg::QUERY_KEY | reg::QUERY_VALUE | reg::ENUM_KEY | reg::ENUM_VALUE => "Read",
        reg::OPEN_KEY | reg::CREATE_KEY | reg::QUERY_MULTIPLE => "Read",
        reg::SET_VALUE | reg::DELETE_KEY | reg::DELETE_VALUE | reg::RENAME_KEY => "Write",
        reg::SET_INFO_KEY | reg::SET_KEY_SECURITY => "Write Metadata",
        reg::QUERY_KEY_SECURITY => "Read Metadata",
        _ => "",
    };
    let extra = body.extra.map(Cursor::new);
    match op {
        reg::OPEN_KEY | reg::CREATE_KEY => {
            if desired == 0 {
                return Some(());
            }
            let mut granted = None;
            let mut disposition = None;
            if let Some(mut e) = extra {
                granted = e.u32();
                disposition = e.u32();
            }
            if disposition == Some(1) {
                out.category = "Write";
            }
            if !detail {
                return Some(());
            }
            let d = &mut out.detail;
            d.push_str("Desired Access: ");
            let start = d.len();
            names::registry_access(desired, d);
            let maximum = &d[start..] == "Maximum Allowed";
            if maximum {
                if let Some(g) = granted {
                    d.push_str(", Granted Access: ");
                    names::registry_access(g, d);
                }
            }
            match disposition {
                Some(1) => d.push_str(", Disposition: REG_CREATED_NEW_KEY"),
                Some(2) => d.push_str(", Disposition: REG_OPENED_EXISTING_KEY"),
                _ => {}
            }
        }
        reg::LOAD_KEY | reg::RENAME_KEY if detail => {
            let mut name = String::new();
            push_string(&mut name, c, new_path_info)?;
            out.detail.push_str(if op == reg::LOAD_KEY {
                "Hive Path: "
            } else {
                "New Name: "
            });
            out.detail.push_str(&name);
        }
        reg::QUERY_KEY | reg::ENUM_KEY if detail => {
            let d = &mut out.detail;
            if op == reg::ENUM_KEY {
                let _ = write!(d, "Index: {index}");
            } else {
                d.push_str("Query: ");
                d.push_str(names::key_information_class(class_no).unwrap_or("?"));
            }
            match extra {
                None => {
                    d.push_str(", Length: ");
                    push_grouped(d, length.into());
                }
                Some(mut e) => key_information(d, class_no, op == reg::ENUM_KEY, &mut e),
            }
        }
        reg::QUERY_VALUE | reg::ENUM_VALUE if detail => {
            let d = &mut out.detail;
            if op == reg::ENUM_VALUE {
                let _ = write!(d, "Index: {index}");
            }
            let Some(mut e) = extra else {
                sep(d);
                d.push_str("Length: ");
                push_grouped(d, length.into());
                return Some(());
            };
            e.skip(4)?;
            let t = e.u32()?;
            let value_length;
            match class_no {
                1 => {
                    let data_offset = e.u32()? as usize;
                    value_length = e.u32()?;
                    let name_size = e.u32()? as usize;
                    let name = e.take(name_size)?;
                    if op == reg::ENUM_VALUE {
                        sep(d);
                        d.push_str("Name: ");
                        push_utf16(d, name);
                    }
                    e = Cursor::at(body.extra.unwrap_or_default(), data_offset);
                }
                2 => value_length = e.u32()?,
                _ => {
                    sep(d);
                    push_type(d, t);
                    return Some(());
                }
            }
            sep(d);
            push_type(d, t);
            d.push_str(", Length: ");
            push_grouped(d, value_length.into());
            if value_length > 0 {
                let len = (value_length as usize).min(e.remaining());
                push_data(d, t, e.take(len)?);
            }
        }
        reg::SET_VALUE if detail => {
            let d = &mut out.detail;
            push_type(d, reg_type);
            d.push_str(", Length: ");
            push_grouped(d, length.into());
            let len = length.min(data_length) as usize;
            if len > 0 && names::registry_type(reg_type).is_some() {
                let len = len.min(c.remaining());
                push_data(d, reg_type, c.take(len)?);
            }
        }
        reg::SET_INFO_KEY if detail => {
            let d = &mut out.detail;
            d.push_str("KeySetInformationClass: ");
            match names::key_set_information_class(class_no) {
                Some(n) => d.push_str(n),
                None => {
                    let _ = write!(d, "<Unknown: {class_no}>");
                }
            }
            d.push_str(", Length: ");
            push_grouped(d, length.into());
            if length > 0 {
                match class_no {
                    1 => {
                        if let Some(v) = c.u32() {
                            let _ = write!(d, ", Wow64Flags: {v}");
                        }
                    }
                    5 => {
                        if let Some(v) = c.u32() {
                            let _ = write!(d, ", HandleTags: 0x{v:x}");
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    Some(())
}

fn push_type(d: &mut String, t: u32) {
    d.push_str("Type: ");
    match names::registry_type(t) {
        Some(n) => d.push_str(n),
        None => {
            let _ = write!(d, "<Unknown: {t}>");
        }
    }
}

/// Registry data as Process Monitor prints it.
fn push_data(d: &mut String, t: u32, data: &[u8]) {
    let mut c = Cursor::new(data);
    match t {
        4 => {
            if let Some(v) = c.u32() {
                let _ = write!(d, ", Data: {v}");
            }
        }
        // Process Monitor prints no value for a QWORD.
        11 => d.push_str(", Data: "),
        1 | 2 => {
            d.push_str(", Data: ");
            push_utf16(d, data);
        }
        7 => {
            d.push_str(", Data: ");
            let mut first = true;
            for part in data
                .chunks_exact(2)
                .collect::<Vec<_>>()
                .split(|u| u == &[0, 0])
                .filter(|p| !p.is_empty())
            {
                if !first {
                    d.push_str(", ");
                }
                first = false;
                let bytes: Vec<u8> = part.concat();
                push_utf16(d, &bytes);
            }
        }
        3 => {
            d.push_str(", Data:");
            for b in data.iter().take(16) {
                let _ = write!(d, " {b:02X}");
            }
        }
        _ => {}
    }
}

fn key_information(d: &mut String, class_no: u32, enumerating: bool, e: &mut Cursor) {
    let name = |d: &mut String, e: &mut Cursor| {
        if let Some(bytes) = e.u32().and_then(|n| e.take(n as usize)) {
            d.push_str(", Name: ");
            push_utf16(d, bytes);
        }
    };
    match class_no {
        3 if enumerating => name(d, e),
        7 => {
            if let Some(v) = e.u32() {
                let _ = write!(d, ", HandleTags: 0x{v:x}");
            }
        }
        5 => {
            if let Some(v) = e.u32() {
                let _ = write!(d, ", UserFlags: {v}");
            }
        }
        0 if e.skip(12).is_some() => name(d, e),
        1 if e.skip(20).is_some() => name(d, e),
        // KEY_CACHED_INFORMATION: Process Monitor shows the sub-key and value counts.
        4 if e.skip(12).is_some() => {
            if let (Some(keys), Some(_), Some(values)) = (e.u32(), e.u32(), e.u32()) {
                let _ = write!(d, ", SubKeys: {keys}, Values: {values}");
            }
        }
        // KEY_FULL_INFORMATION: the same counts.
        2 if e.skip(20).is_some() => {
            if let (Some(keys), Some(_), Some(_), Some(values)) =
                (e.u32(), e.u32(), e.u32(), e.u32())
            {
                let _ = write!(d, ", SubKeys: {keys}, Values: {values}");
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::detail::{render as render_event, RenderContext};
    use super::super::names::class;
    use super::super::tables::NetworkNames;
    use super::*;

    fn w16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn run(body: EventBody) -> Rendered {
        let names = NetworkNames::default();
        let mut out = Rendered::default();
        let ctx = RenderContext {
            wide: true,
            network: &names,
        };
        render_event(&body, &ctx, true, &mut out);
        out
    }

    #[test]
    fn registry_query_value_dword() {
        let path = w16("HKCU\\Software\\X");
        let mut details = ((path.len() / 2) as u16).to_le_bytes().to_vec();
        details.extend_from_slice(&[0, 0]);
        details.extend_from_slice(&144u32.to_le_bytes());
        details.extend_from_slice(&2u32.to_le_bytes());
        details.extend_from_slice(&path);
        let mut extra = vec![0u8; 4];
        extra.extend_from_slice(&4u32.to_le_bytes());
        extra.extend_from_slice(&4u32.to_le_bytes());
        extra.extend_from_slice(&7u32.to_le_bytes());
        let out = run(EventBody {
            class: class::REGISTRY,
            operation: 5,
            tid: 1,
            details: &details,
            extra: Some(&extra),
        });
        assert_eq!(out.path, "HKCU\\Software\\X");
        assert_eq!(out.detail, "Type: REG_DWORD, Length: 4, Data: 7");
        // Without the extra structure: the buffer length.
        let out = run(EventBody {
            class: class::REGISTRY,
            operation: 5,
            tid: 1,
            details: &details,
            extra: None,
        });
        assert_eq!(out.detail, "Length: 144");
    }
}
