//! QueryDirectory's Detail: the filter, the names the call returned and the information class,
//! as Process Monitor prints them.
//!
//! Process Monitor numbers each returned name by its position among the Detail's items: after a
//! filter the first name is `1:`, without one it is `0:`; the information class takes position 2
//! once two items precede it (`0: ., 1: .., FileInformationClass: …, 3: Desktop.ini`). The names
//! come from the extra detail structure, a chain of `FILE_*_DIRECTORY_INFORMATION` records; a
//! chain that runs past the bytes ends the list there.

use super::bytes::{push_utf16, Cursor};
use std::fmt::Write;

/// Directory information classes: number, name, offset of the name in one record.
const CLASSES: &[(u32, &str, usize)] = &[
    (1, "FileDirectoryInformation", 0x40),
    (2, "FileFullDirectoryInformation", 0x44),
    (3, "FileBothDirectoryInformation", 0x5E),
    (12, "FileNamesInformation", 0x0C),
    (37, "FileIdBothDirectoryInformation", 0x68),
    (38, "FileIdFullDirectoryInformation", 0x50),
    (50, "FileIdGlobalTxDirectoryInformation", 0x60),
    (60, "FileIdExtdDirectoryInformation", 0x58),
    (63, "FileIdExtdBothDirectoryInformation", 0x72),
];

/// Offset of the information class in the parameter block.
fn class_offset(wide: bool) -> usize {
    if wide {
        0x1C
    } else {
        0x14
    }
}

/// Render QueryDirectory's Detail into `out`: `filter` as the call passed it, the class from
/// `params`, the names from `extra`.
pub(super) fn render(
    filter: &str,
    params: &[u8],
    extra: Option<&[u8]>,
    wide: bool,
    out: &mut String,
) {
    let class = Cursor::at(params, class_offset(wide)).u32();
    let known = class.and_then(|c| CLASSES.iter().find(|(n, _, _)| *n == c));
    let class_text = || {
        let mut s = String::from("FileInformationClass: ");
        match (known, class) {
            (Some((_, name, _)), _) => s.push_str(name),
            (None, Some(c)) => {
                let _ = write!(s, "{c}");
            }
            (None, None) => {}
        }
        s
    };
    let mut items: Vec<String> = Vec::new();
    if !filter.is_empty() {
        items.push(format!("Filter: {filter}"));
    }
    if let (Some((_, _, at)), Some(e)) = (known, extra) {
        for name in entry_names(e, *at) {
            if items.len() == 2 {
                // The class takes this name's place.
                items.push(class_text());
            } else {
                items.push(format!("{}: {name}", items.len()));
            }
        }
    }
    if items.len() == 2 {
        items.push(class_text());
    }
    out.push_str(&items.join(", "));
}

/// The names of a chain of directory records, each name at `name_at` with its byte length at
/// 0x3C (0x08 for `FileNamesInformation`).
fn entry_names(extra: &[u8], name_at: usize) -> Vec<String> {
    let length_at = if name_at == 0x0C { 0x08 } else { 0x3C };
    let mut names = Vec::new();
    let mut start = 0usize;
    while let Some(record) = extra.get(start..) {
        let mut c = Cursor::new(record);
        let Some(next) = c.u32() else { break };
        let Some(len) = Cursor::at(record, length_at).u32() else {
            break;
        };
        let Some(bytes) = record.get(name_at..name_at.saturating_add(len as usize)) else {
            break;
        };
        let mut name = String::new();
        push_utf16(&mut name, bytes);
        names.push(name);
        if next == 0 {
            break;
        }
        start = start.saturating_add(next as usize);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 32-bit parameters with information class `class`.
    fn params(class: u32) -> Vec<u8> {
        let mut p = vec![0u8; 0x14];
        p.extend_from_slice(&class.to_le_bytes());
        p
    }

    /// A chain of `FILE_NAMES_INFORMATION` records.
    fn names_chain(names: &[&str]) -> Vec<u8> {
        let mut b = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let name: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let len = 0x0C + name.len();
            let next = if i + 1 == names.len() { 0 } else { len };
            b.extend_from_slice(&(next as u32).to_le_bytes());
            b.extend_from_slice(&0u32.to_le_bytes());
            b.extend_from_slice(&(name.len() as u32).to_le_bytes());
            b.extend_from_slice(&name);
        }
        b
    }

    fn detail(filter: &str, class: u32, extra: Option<&[u8]>) -> String {
        let mut out = String::new();
        render(filter, &params(class), extra, false, &mut out);
        out
    }

    #[test]
    fn names_are_numbered_by_position_and_the_class_takes_position_two() {
        // The third name's place goes to the class, as Process Monitor prints it.
        let chain = names_chain(&[".", "..", "a.txt", "b.txt"]);
        assert_eq!(
            detail("", 12, Some(&chain)),
            "0: ., 1: .., FileInformationClass: FileNamesInformation, 3: b.txt"
        );
        let one = names_chain(&["Windows"]);
        assert_eq!(
            detail("Windows", 12, Some(&one)),
            "Filter: Windows, 1: Windows, FileInformationClass: FileNamesInformation"
        );
        // One item: no class; no filter and no names: nothing.
        assert_eq!(detail("", 12, Some(&one)), "0: Windows");
        assert_eq!(detail("x*", 3, None), "Filter: x*");
        assert_eq!(detail("", 37, None), "");
    }

    #[test]
    fn a_chain_past_its_bytes_ends_the_list() {
        let mut chain = names_chain(&["a", "b"]);
        chain.truncate(chain.len() - 1);
        assert_eq!(detail("", 12, Some(&chain)), "0: a");
        // A next offset far beyond the bytes.
        let mut chain = names_chain(&["a"]);
        chain[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(detail("", 12, Some(&chain)), "0: a");
    }
}
