//! A template definition compiled once per file into a flat list of operations, which
//! [`super::direct`] runs with each record's substitution values.
//!
//! The definition is BinXML (MS-EVEN6 2.2.12) at an offset of the chunk: a fragment header,
//! then elements, attributes, literal text and substitutions, names referenced by their offset
//! in the chunk (inline the first time). Compiling reads each token once and each name once; a
//! token or a literal this reader does not handle makes the template a [`Decline`].

use super::values::{self, Decline};
use crate::source::eventxml::ATTRIBUTES_READ;
use std::collections::HashMap;

/// Tokens (MS-EVEN6 2.2.12); `0x40` is the "more follows" flag of some.
mod token {
    pub(super) const EOF: u8 = 0x00;
    pub(super) const OPEN_START: u8 = 0x01;
    pub(super) const CLOSE_START: u8 = 0x02;
    pub(super) const CLOSE_EMPTY: u8 = 0x03;
    pub(super) const END_ELEMENT: u8 = 0x04;
    pub(super) const VALUE: u8 = 0x05;
    pub(super) const ATTRIBUTE: u8 = 0x06;
    pub(super) const NORMAL_SUB: u8 = 0x0d;
    pub(super) const OPTIONAL_SUB: u8 = 0x0e;
    pub(super) const FRAGMENT: u8 = 0x0f;
}

/// One step of a compiled template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// An element opens (its name by index); left out when the value at `dependency` is NULL.
    Open { name: u16, dependency: Option<u16> },
    /// An attribute of the element opening; its value parts follow.
    Attr { name: u16 },
    /// Literal text, a range of [`Program::text`].
    Literal { start: u32, end: u32 },
    /// The substitution value at this index.
    Sub(u16),
    /// The start tag ends; content follows.
    CloseStart,
    /// The start tag ends the element (`<Name/>`).
    CloseEmpty,
    /// The element ends.
    End,
}

/// A compiled template definition.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Program {
    pub(crate) ops: Vec<Op>,
    /// Element and attribute names, local part (after a `prefix:`).
    pub(crate) names: Vec<Box<str>>,
    /// Literal text, as the XML rendering leaves it once read back.
    pub(crate) text: String,
    /// For each name, whether it is one of the attributes the record's fields come from.
    pub(crate) wanted: Vec<bool>,
}

impl Program {
    /// Compile the definition body at `start..end` of `chunk`.
    pub(crate) fn compile(chunk: &[u8], start: usize, end: usize) -> Result<Self, Decline> {
        let mut p = Program::default();
        let mut names: HashMap<usize, u16> = HashMap::new();
        let byte = |at: usize| -> Result<u8, Decline> {
            chunk
                .get(at)
                .copied()
                .filter(|_| at < end)
                .ok_or(Decline::Bounds)
        };
        let u16_at = |at: usize| -> Result<u16, Decline> {
            Ok(u16::from_le_bytes([byte(at)?, byte(at + 1)?]))
        };
        let u32_at = |at: usize| -> Result<usize, Decline> {
            let b = [byte(at)?, byte(at + 1)?, byte(at + 2)?, byte(at + 3)?];
            Ok(u32::from_le_bytes(b) as usize)
        };
        let mut at = start;
        loop {
            if p.ops.len() >= end - start {
                return Err(Decline::Bounds);
            }
            let t = byte(at)?;
            match t & !0x40 {
                token::EOF => return Ok(p),
                token::FRAGMENT => at += 4,
                token::OPEN_START => {
                    let dependency = u16_at(at + 1)?;
                    let name = u32_at(at + 7)?;
                    at += 11;
                    if name == at {
                        at += inline_name_size(chunk, name, end)?;
                    }
                    if t & 0x40 != 0 {
                        at += 4; // attribute list size
                    }
                    let name = p.name(chunk, name, &mut names)?;
                    let dependency = (dependency != 0xffff).then_some(dependency);
                    p.ops.push(Op::Open { name, dependency });
                }
                token::ATTRIBUTE => {
                    let name = u32_at(at + 1)?;
                    at += 5;
                    if name == at {
                        at += inline_name_size(chunk, name, end)?;
                    }
                    let name = p.name(chunk, name, &mut names)?;
                    p.ops.push(Op::Attr { name });
                }
                token::VALUE => {
                    if byte(at + 1)? != values::ty::STRING {
                        return Err(Decline::ValueType(byte(at + 1)?));
                    }
                    let n = usize::from(u16_at(at + 2)?);
                    let b = chunk.get(at + 4..at + 4 + 2 * n).ok_or(Decline::Bounds)?;
                    if at + 4 + 2 * n > end || b.chunks_exact(2).any(|c| c == [0, 0]) {
                        return Err(Decline::Bounds);
                    }
                    at += 4 + 2 * n;
                    let start = p.text.len() as u32;
                    values::push_utf16(b, &mut p.text);
                    let end = p.text.len() as u32;
                    p.ops.push(Op::Literal { start, end });
                }
                token::NORMAL_SUB | token::OPTIONAL_SUB => {
                    p.ops.push(Op::Sub(u16_at(at + 1)?));
                    at += 4;
                }
                token::CLOSE_START => {
                    p.ops.push(Op::CloseStart);
                    at += 1;
                }
                token::CLOSE_EMPTY => {
                    p.ops.push(Op::CloseEmpty);
                    at += 1;
                }
                token::END_ELEMENT => {
                    p.ops.push(Op::End);
                    at += 1;
                }
                _ => return Err(Decline::Token(t)),
            }
        }
    }

    /// The index of the name at `at` (read once).
    fn name(
        &mut self,
        chunk: &[u8],
        at: usize,
        seen: &mut HashMap<usize, u16>,
    ) -> Result<u16, Decline> {
        if let Some(&i) = seen.get(&at) {
            return Ok(i);
        }
        let b = chunk.get(at + 6..at + 8).ok_or(Decline::Bounds)?;
        let n = usize::from(u16::from_le_bytes([b[0], b[1]]));
        let units = chunk.get(at + 8..at + 8 + 2 * n).ok_or(Decline::Bounds)?;
        let units: Vec<u16> = units
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let name = String::from_utf16(&units).map_err(|_| Decline::Bounds)?;
        // Names the rendering would have to escape, or write differently, go the XML way.
        if name.is_empty() || name.contains(['<', '>', '&', '"', '\'', ' ', '/', '=', '\0']) {
            return Err(Decline::Markup);
        }
        let local = match name.split_once(':') {
            Some((_, local)) => local,
            None => &name,
        };
        let i = u16::try_from(self.names.len()).map_err(|_| Decline::Bounds)?;
        self.wanted.push(ATTRIBUTES_READ.contains(&local));
        self.names.push(local.into());
        seen.insert(at, i);
        Ok(i)
    }
}

/// Bytes an inline name takes at `at` (next offset, hash, count, characters, NUL).
fn inline_name_size(chunk: &[u8], at: usize, end: usize) -> Result<usize, Decline> {
    let b = chunk.get(at + 6..at + 8).ok_or(Decline::Bounds)?;
    let size = 8 + 2 * usize::from(u16::from_le_bytes([b[0], b[1]])) + 2;
    if at + size > end {
        return Err(Decline::Bounds);
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    /// An inline name at the current end of `out`.
    fn name(out: &mut Vec<u8>, n: &str) {
        out.extend_from_slice(&[0; 6]);
        out.extend_from_slice(&(n.encode_utf16().count() as u16).to_le_bytes());
        out.extend_from_slice(&utf16(n));
        out.extend_from_slice(&[0, 0]);
    }

    /// `<Event><Data Name="x">lit%0</Data><E/></Event>` as BinXML.
    fn sample() -> Vec<u8> {
        let mut b = vec![0x0f, 1, 1, 0];
        let open = |b: &mut Vec<u8>, n: &str, attrs: bool, dep: u16| {
            b.push(if attrs { 0x41 } else { 0x01 });
            b.extend_from_slice(&dep.to_le_bytes());
            b.extend_from_slice(&0u32.to_le_bytes());
            let at = b.len() as u32 + 4;
            b.extend_from_slice(&at.to_le_bytes());
            name(b, n);
            if attrs {
                b.extend_from_slice(&0u32.to_le_bytes());
            }
        };
        open(&mut b, "Event", false, 0xffff);
        b.push(0x02);
        open(&mut b, "Data", true, 0xffff);
        b.push(0x06);
        let at = b.len() as u32 + 4;
        b.extend_from_slice(&at.to_le_bytes());
        name(&mut b, "Name");
        b.extend_from_slice(&[0x05, 0x01, 1, 0]);
        b.extend_from_slice(&utf16("x"));
        b.push(0x02);
        b.extend_from_slice(&[0x05, 0x01, 3, 0]);
        b.extend_from_slice(&utf16("lit"));
        b.extend_from_slice(&[0x0e, 0, 0, 0x01]);
        b.push(0x04);
        open(&mut b, "ns:E", false, 2);
        b.push(0x03);
        b.push(0x04);
        b.push(0x00);
        b
    }

    #[test]
    fn a_definition_compiles_to_its_operations_with_names_read_once() {
        let b = sample();
        let p = Program::compile(&b, 0, b.len()).unwrap();
        assert_eq!(&*p.names, ["Event", "Data", "Name", "E"].map(Box::from));
        assert_eq!(
            p.ops,
            [
                Op::Open {
                    name: 0,
                    dependency: None
                },
                Op::CloseStart,
                Op::Open {
                    name: 1,
                    dependency: None
                },
                Op::Attr { name: 2 },
                Op::Literal { start: 0, end: 1 },
                Op::CloseStart,
                Op::Literal { start: 1, end: 4 },
                Op::Sub(0),
                Op::End,
                Op::Open {
                    name: 3,
                    dependency: Some(2)
                },
                Op::CloseEmpty,
                Op::End,
            ]
        );
        assert_eq!(p.text, "xlit");
    }

    #[test]
    fn unknown_tokens_and_cut_definitions_decline() {
        let mut b = sample();
        let cut = b.len() - 5;
        assert_eq!(Program::compile(&b, 0, cut).err(), Some(Decline::Bounds));
        let last = b.len() - 1;
        b[last] = 0x07; // CDATA
        assert_eq!(
            Program::compile(&b, 0, b.len()).err(),
            Some(Decline::Token(0x07))
        );
    }
}
