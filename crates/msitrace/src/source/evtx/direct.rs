//! Decoding a record straight from its BinXML, with no XML rendered and none read back.
//!
//! A record of a clean chunk is one template instance: the template definition (in the chunk,
//! shared by the records of its kind) and the record's substitution values (see
//! [`super::super::evtx_select::Substitutions`]). This module walks the definition's tokens
//! (MS-EVEN6 2.2.12) and feeds each element, attribute and text to the same
//! [`EventBuilder`] the XML reader feeds, with every substitution written as the `evtx` crate's
//! XML rendering writes it ([`super::values`]), so both paths give equal [`Event`]s:
//!
//! | token                                  | becomes                                            |
//! |----------------------------------------|----------------------------------------------------|
//! | `OpenStartElement` … `CloseStartElement` | an element that opens (attributes first)        |
//! | `OpenStartElement` … `CloseEmptyElement` | an empty element `<Name/>`                      |
//! | `EndElement`                           | the end of the element                             |
//! | `Attribute` + values                   | an attribute; left out when all its values are empty |
//! | `Value` (a string)                     | literal text                                       |
//! | `NormalSubstitution`, `OptionalSubstitution` | the value's text                             |
//! | an element's dependency id             | the element left out when that value is NULL       |
//!
//! Anything else (CDATA, character and entity references, processing instructions, ANSI
//! strings, floats, arrays, embedded BinXML, an element inside `<Data>`, bytes out of bounds)
//! is a [`Decline`]: the caller then renders that record to XML with the `evtx` crate, which
//! also stays the test oracle of this module.

use super::values::{self, Decline};
use crate::event::{Event, InputId};
use crate::source::eventxml::{finish_record, EventBuilder, RecordFields};
use crate::source::evtx_select::{RawRecord, Substitutions};
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

/// Deepest element nesting followed (the `evtx` crate's own bound is far above real records).
const MAX_DEPTH: usize = 64;
/// Most tokens one template walk reads (a bound on work for a crafted definition).
const MAX_TOKENS: usize = 1 << 16;

/// Decodes the records of one chunk; element and attribute names are read once per chunk.
pub(crate) struct DirectDecoder<'c> {
    chunk: &'c [u8],
    /// Names by their offset in the chunk, as local names (after a `prefix:`).
    names: HashMap<usize, Box<str>>,
}

/// Deepest nesting of embedded BinXML values followed.
const MAX_NESTING: usize = 8;

/// Where a walk is: the fields so far, the open elements, the start tag being read.
#[derive(Default)]
struct Walk {
    /// The fields, once `<Event>` opened.
    builder: Option<EventBuilder>,
    /// Open elements: name offset, and whether it is left out (a NULL dependency).
    open: Vec<(usize, bool)>,
    /// The element whose start tag is being read: name, left out, attributes.
    tag: Option<(usize, bool, Vec<Attr>)>,
    tokens: usize,
    nesting: usize,
}

/// One attribute of the element being opened.
struct Attr {
    name: usize,
    value: String,
    /// Whether any of its parts is non-empty (an attribute with none is left out).
    present: bool,
}

impl<'c> DirectDecoder<'c> {
    /// A decoder over the bytes of one chunk.
    pub(crate) fn new(chunk: &'c [u8]) -> Self {
        DirectDecoder {
            chunk,
            names: HashMap::new(),
        }
    }

    /// Decode one record found by its framing into the event the XML path would give.
    pub(crate) fn decode(&mut self, r: &RawRecord, input: InputId) -> Result<Event, Decline> {
        let chunk = self.chunk;
        let u64_at = |at: usize| -> Result<u64, Decline> {
            let b = chunk.get(at..at + 8).ok_or(Decline::Bounds)?;
            Ok(u64::from_le_bytes(b.try_into().map_err(|_| Decline::Bounds)?))
        };
        let id = u64_at(r.offset + 8)?;
        let time = header_time(u64_at(r.offset + 16)?)?;
        let subs = Substitutions::read(chunk, r.binxml).ok_or(Decline::NotTemplate)?;
        let (values, rest) = subs.all().ok_or(Decline::Bounds)?;
        if rest.first().is_some_and(|&b| b != token::EOF) {
            return Err(Decline::NotTemplate);
        }
        let (start, end) = self.body(&subs)?;
        let mut w = Walk::default();
        let fields = self.walk(&mut w, start, end, &values)?.ok_or(Decline::Markup)?;
        Ok(finish_record(fields, input, Some(id), Some(time)))
    }

    /// Walk a template definition's body (`start..end` in the chunk) with its `values`, feeding
    /// `w`; `Some` once `</Event>` ends, `None` at the end of a nested definition.
    fn walk(
        &mut self,
        w: &mut Walk,
        start: usize,
        end: usize,
        values: &[(u8, &[u8])],
    ) -> Result<Option<RecordFields>, Decline> {
        let chunk = self.chunk;
        let mut at = start;
        let byte = |at: usize| -> Result<u8, Decline> {
            chunk.get(at).copied().filter(|_| at < end).ok_or(Decline::Bounds)
        };
        let u16_at = |at: usize| -> Result<u16, Decline> {
            Ok(u16::from_le_bytes([byte(at)?, byte(at + 1)?]))
        };
        let u32_at = |at: usize| -> Result<u32, Decline> {
            Ok(u32::from_le_bytes([
                byte(at)?,
                byte(at + 1)?,
                byte(at + 2)?,
                byte(at + 3)?,
            ]))
        };
        let value = |i: u16| -> Result<(u8, &[u8]), Decline> {
            values.get(usize::from(i)).copied().ok_or(Decline::Bounds)
        };
        let mut text = String::new();
        loop {
            w.tokens += 1;
            if w.tokens > MAX_TOKENS {
                return Err(Decline::Bounds);
            }
            let t = byte(at)?;
            let skipping = w.open.last().is_some_and(|&(_, s)| s);
            match t & !0x40 {
                token::EOF => return Ok(None),
                token::FRAGMENT => at += 4,
                token::OPEN_START => {
                    if w.tag.is_some() || w.open.len() >= MAX_DEPTH {
                        return Err(Decline::Markup);
                    }
                    let dependency = u16_at(at + 1)?;
                    let name = u32_at(at + 7)? as usize;
                    at += 11;
                    if name == at {
                        at += self.inline_name_size(name, end)?;
                    }
                    self.name(name)?;
                    if t & 0x40 != 0 {
                        at += 4; // attribute list size
                    }
                    let left_out = skipping
                        || (dependency != 0xffff && {
                            let (vt, vb) = value(dependency)?;
                            values::is_null(vt, vb)
                        });
                    w.tag = Some((name, left_out, Vec::new()));
                }
                token::ATTRIBUTE => {
                    let Some((_, _, attrs)) = w.tag.as_mut() else {
                        return Err(Decline::Markup);
                    };
                    let name = u32_at(at + 1)? as usize;
                    at += 5;
                    if name == at {
                        at += self.inline_name_size(name, end)?;
                    }
                    attrs.push(Attr {
                        name,
                        value: String::new(),
                        present: false,
                    });
                    self.name(name)?;
                }
                token::VALUE | token::NORMAL_SUB | token::OPTIONAL_SUB => {
                    text.clear();
                    let present = if t & !0x40 == token::VALUE {
                        if byte(at + 1)? != values::ty::STRING {
                            return Err(Decline::ValueType(byte(at + 1)?));
                        }
                        let n = usize::from(u16_at(at + 2)?);
                        let b = chunk.get(at + 4..at + 4 + 2 * n).ok_or(Decline::Bounds)?;
                        if at + 4 + 2 * n > end || b.chunks_exact(2).any(|c| c == [0, 0]) {
                            return Err(Decline::Bounds);
                        }
                        at += 4 + 2 * n;
                        values::push_utf16(b, &mut text);
                        n > 0
                    } else {
                        let (vt, vb) = value(u16_at(at + 1)?)?;
                        at += 4;
                        if vt == values::ty::BIN_XML && !vb.is_empty() {
                            // Embedded BinXML: its elements go where the value stands.
                            if w.tag.is_some() || skipping {
                                return Err(Decline::Markup);
                            }
                            if let Some(fields) = self.embedded(w, vb)? {
                                return Ok(Some(fields));
                            }
                            continue;
                        }
                        values::render(vt, vb, &mut text)?;
                        !values::is_empty(vt, vb)
                    };
                    match w.tag.as_mut() {
                        Some((_, _, attrs)) => {
                            let a = attrs.last_mut().ok_or(Decline::Markup)?;
                            a.value.push_str(&text);
                            a.present |= present;
                        }
                        None if skipping => {}
                        None => {
                            let b = w.builder.as_mut().ok_or(Decline::Markup)?;
                            if b.takes_text() {
                                // The XML reader stops keeping text past a bound: go its way.
                                if b.text_reaches_bound(text.len()) {
                                    return Err(Decline::Bounds);
                                }
                                b.push_text(&text);
                            }
                        }
                    }
                }
                token::CLOSE_START | token::CLOSE_EMPTY => {
                    at += 1;
                    let (name, left_out, attrs) = w.tag.take().ok_or(Decline::Markup)?;
                    let empty = t == token::CLOSE_EMPTY;
                    // `<Data>%n</Data>` with a string array: one element per item.
                    let kind = |i: usize| byte(i).map(|b| b & !0x40);
                    if !empty
                        && !left_out
                        && matches!(kind(at)?, token::NORMAL_SUB | token::OPTIONAL_SUB)
                        && value(u16_at(at + 1)?)?.0 == values::ty::STRING_ARRAY
                        && kind(at + 4)? == token::END_ELEMENT
                    {
                        if !attrs.is_empty() {
                            return Err(Decline::ValueType(values::ty::STRING_ARRAY));
                        }
                        let items = values::string_array(value(u16_at(at + 1)?)?.1)?;
                        let local = self.names.get(&name).ok_or(Decline::Bounds)?.as_bytes();
                        let b = w.builder.as_mut().ok_or(Decline::Markup)?;
                        for item in items.iter().map(String::as_str).chain(
                            // No item: the element once, empty.
                            items.is_empty().then_some(""),
                        ) {
                            if b.start_is_data_text() {
                                return Err(Decline::Markup);
                            }
                            b.start(local, |_| Ok::<_, Decline>(None))?;
                            if b.takes_text() && b.text_reaches_bound(item.len()) {
                                return Err(Decline::Bounds);
                            }
                            b.push_text(item);
                            if b.end(local) {
                                return Err(Decline::Markup);
                            }
                        }
                        at += 5;
                        continue;
                    }
                    if !empty {
                        w.open.push((name, left_out));
                    }
                    if left_out {
                        continue;
                    }
                    let local = self.names.get(&name).ok_or(Decline::Bounds)?.as_bytes();
                    let names = &self.names;
                    let attr = |n: &[u8]| -> Result<Option<String>, Decline> {
                        Ok(attrs
                            .iter()
                            .filter(|a| a.present)
                            .find(|a| names.get(&a.name).is_some_and(|s| s.as_bytes() == n))
                            .map(|a| a.value.clone()))
                    };
                    match w.builder.as_mut() {
                        None if local == b"Event" && !empty => {
                            w.builder = Some(EventBuilder::new())
                        }
                        None => return Err(Decline::Markup),
                        Some(b) if b.start_is_data_text() => return Err(Decline::Markup),
                        Some(b) if empty => b.empty(local, attr)?,
                        Some(b) => b.start(local, attr)?,
                    }
                }
                token::END_ELEMENT => {
                    at += 1;
                    let (name, left_out) = w.open.pop().ok_or(Decline::Markup)?;
                    if left_out {
                        continue;
                    }
                    let local = self.names.get(&name).ok_or(Decline::Bounds)?.as_bytes();
                    let b = w.builder.as_mut().ok_or(Decline::Markup)?;
                    if b.end_is_data_text(local) {
                        return Err(Decline::Markup);
                    }
                    if b.end(local) {
                        return Ok(Some(w.builder.take().ok_or(Decline::Markup)?.finish()));
                    }
                }
                _ => return Err(Decline::Token(t)),
            }
        }
    }

    /// An embedded BinXML value: one template instance, walked in place (anything else
    /// declines).
    fn embedded(&mut self, w: &mut Walk, value: &[u8]) -> Result<Option<RecordFields>, Decline> {
        w.nesting += 1;
        if w.nesting > MAX_NESTING {
            return Err(Decline::Bounds);
        }
        // Where the value is in the chunk: it is a part of the chunk's bytes.
        let start = (value.as_ptr() as usize).wrapping_sub(self.chunk.as_ptr() as usize);
        if start.checked_add(value.len()).is_none_or(|e| e > self.chunk.len()) {
            return Err(Decline::Bounds);
        }
        let subs = Substitutions::read(self.chunk, (start, value.len()))
            .ok_or(Decline::NotTemplate)?;
        let (values, rest) = subs.all().ok_or(Decline::Bounds)?;
        if rest.first().is_some_and(|&b| b != token::EOF) {
            return Err(Decline::NotTemplate);
        }
        let (body, end) = self.body(&subs)?;
        let depth = w.open.len();
        let done = self.walk(w, body, end, &values)?;
        if done.is_none() && (w.open.len() != depth || w.tag.is_some()) {
            return Err(Decline::Markup);
        }
        w.nesting -= 1;
        Ok(done)
    }

    /// Where a template definition's body is in the chunk.
    fn body(&self, subs: &Substitutions<'_>) -> Result<(usize, usize), Decline> {
        let start = subs.def + 24;
        let end = start
            .checked_add(subs.key.1 as usize)
            .filter(|&e| e <= self.chunk.len())
            .ok_or(Decline::Bounds)?;
        Ok((start, end))
    }

    /// Bytes an inline name takes at `at` (next offset, hash, count, characters, NUL).
    fn inline_name_size(&self, at: usize, end: usize) -> Result<usize, Decline> {
        let b = self.chunk.get(at + 6..at + 8).ok_or(Decline::Bounds)?;
        let size = 8 + 2 * usize::from(u16::from_le_bytes([b[0], b[1]])) + 2;
        if at + size > end {
            return Err(Decline::Bounds);
        }
        Ok(size)
    }

    /// Read the name at `at` into the cache (its local part, as the XML reader compares it).
    fn name(&mut self, at: usize) -> Result<(), Decline> {
        if self.names.contains_key(&at) {
            return Ok(());
        }
        let chunk = self.chunk;
        let b = chunk.get(at + 6..at + 8).ok_or(Decline::Bounds)?;
        let n = usize::from(u16::from_le_bytes([b[0], b[1]]));
        let units = chunk.get(at + 8..at + 8 + 2 * n).ok_or(Decline::Bounds)?;
        let name = String::from_utf16(
            &units
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        )
        .map_err(|_| Decline::Bounds)?;
        // Names the rendering would have to escape, or write differently, go the XML way.
        if name.is_empty() || name.contains(['<', '>', '&', '"', '\'', ' ', '/', '=', '\0']) {
            return Err(Decline::Markup);
        }
        let local = match name.split_once(':') {
            Some((_, local)) => local,
            None => &name,
        };
        self.names.insert(at, local.into());
        Ok(())
    }
}

/// The record header's FILETIME as the `evtx` crate reads it (a time it cannot hold declines).
fn header_time(ticks: u64) -> Result<chrono::DateTime<chrono::Utc>, Decline> {
    const TICKS_PER_SEC: u64 = 10_000_000;
    let secs = (ticks / TICKS_PER_SEC) as i64 - 11_644_473_600;
    let nanos = ((ticks % TICKS_PER_SEC) * 100) as u32;
    // The crate's timestamps end with year 9999.
    if secs > 253_402_300_799 {
        return Err(Decline::ValueShape);
    }
    chrono::DateTime::from_timestamp(secs, nanos).ok_or(Decline::ValueShape)
}
