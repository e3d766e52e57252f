//! Decoding a record straight from its BinXML, with no XML rendered and none read back.
//!
//! A record of a clean chunk is one template instance: the template definition (in the chunk,
//! shared by the records of its kind) and the record's substitution values (see
//! [`super::super::evtx_select::Substitutions`]). This module runs the definition's tokens
//! (MS-EVEN6 2.2.12), compiled once per file ([`super::template`]), and feeds each element,
//! attribute and text to the same [`EventBuilder`] the XML reader feeds, with every
//! substitution written as the `evtx` crate's XML rendering writes it ([`super::values`]), so
//! both paths give equal [`Event`]s. Values no field reads are skipped, neither rendered nor
//! checked:
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
//! | `<Name>` holding only a string array   | the element once per item (once, empty, for none)  |
//! | a substitution of embedded BinXML      | its template instance, run in place                |
//!
//! Anything else (CDATA, character and entity references, processing instructions, ANSI
//! strings, floats, other arrays, embedded BinXML that is not one template instance, an element
//! inside `<Data>`, bytes out of bounds) is a [`Decline`]: the caller then renders the chunk's
//! selected records to XML with the `evtx` crate, which also stays the test oracle of this
//! module (`super::oracle`).

use super::template::{Op, Program};
use super::values::{self, Decline};
use crate::event::{Event, InputId};
use crate::source::eventxml::{finish_record, EventBuilder, RecordFields};
use crate::source::evtx_select::{RawRecord, Substitutions, TemplateKey};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// Templates compiled by earlier chunks of the file, by their key (a compiled template holds
/// no offsets of its chunk).
pub(crate) type Programs = HashMap<TemplateKey, Arc<Program>>;

/// A compiled template as one chunk holds it: its clones are counted by this thread alone,
/// not on the counter the threads share.
type Held = Rc<Arc<Program>>;

/// Deepest element nesting followed (the `evtx` crate's own bound is far above real records).
const MAX_DEPTH: usize = 64;
/// Most operations one record runs (a bound on work for a crafted record, whose embedded
/// values could repeat a template many times over).
const MAX_STEPS: usize = 1 << 16;
/// Deepest nesting of embedded BinXML values followed.
const MAX_NESTING: usize = 8;
/// The end of the BinXML stream.
const EOF: u8 = 0x00;

/// Decodes the records of one chunk; a template that earlier chunks did not compile is compiled
/// once in this one.
pub(crate) struct DirectDecoder<'c> {
    chunk: &'c [u8],
    /// Templates compiled by earlier chunks.
    known: &'c Programs,
    /// Templates compiled in this chunk, to hand on to the next ones.
    compiled: Vec<(TemplateKey, Arc<Program>)>,
    /// This chunk's templates by the offset of their definition.
    programs: HashMap<usize, Result<Held, Decline>>,
    /// Attribute values of the start tag being read, reused.
    attrs: Vec<Attr>,
    /// The walk of the record being decoded, its buffers reused.
    walk: Walk,
    /// Value lists to reuse, one per level of embedded instances.
    lists: Vec<Vec<(u8, &'c [u8])>>,
}

/// One attribute of the element being opened.
#[derive(Default)]
struct Attr {
    name: u16,
    value: String,
    /// Whether any of its parts is non-empty (an attribute with none is left out).
    present: bool,
    /// Whether the builder reads an attribute of this name.
    wanted: bool,
}

/// Where a record's walk is: the fields so far, the open elements, the start tag being read.
#[derive(Default)]
struct Walk {
    /// The fields, once `<Event>` opened.
    builder: Option<EventBuilder>,
    /// Open elements: name, and whether it is left out (a NULL dependency).
    open: Vec<(Held, u16, bool)>,
    /// The element whose start tag is being read: name, left out, attributes so far.
    tag: Option<(u16, bool, usize)>,
    steps: usize,
    nesting: usize,
    /// Scratch text of one value.
    text: String,
}

impl<'c> DirectDecoder<'c> {
    /// A decoder over the bytes of one chunk, with the templates earlier chunks compiled.
    pub(crate) fn new(chunk: &'c [u8], known: &'c Programs) -> Self {
        DirectDecoder {
            chunk,
            known,
            compiled: Vec::new(),
            programs: HashMap::new(),
            attrs: Vec::new(),
            walk: Walk::default(),
            lists: Vec::new(),
        }
    }

    /// The templates compiled in this chunk (and not known before), taken out.
    pub(crate) fn take_compiled(&mut self) -> Vec<(TemplateKey, Arc<Program>)> {
        std::mem::take(&mut self.compiled)
    }

    /// Decode one record found by its framing into the event the XML path would give.
    pub(crate) fn decode(&mut self, r: &RawRecord, input: InputId) -> Result<Event, Decline> {
        let chunk = self.chunk;
        let u64_at = |at: usize| -> Result<u64, Decline> {
            let b = chunk.get(at..at + 8).ok_or(Decline::Bounds)?;
            Ok(u64::from_le_bytes(
                b.try_into().map_err(|_| Decline::Bounds)?,
            ))
        };
        let id = u64_at(r.offset + 8)?;
        let time = header_time(u64_at(r.offset + 16)?)?;
        let mut w = std::mem::take(&mut self.walk);
        w.builder = None;
        w.open.clear();
        w.tag = None;
        w.steps = 0;
        w.nesting = 0;
        let fields = self.instance(&mut w, r.binxml);
        self.walk = w;
        let fields = fields?.ok_or(Decline::Markup)?;
        Ok(finish_record(fields, input, Some(id), Some(time)))
    }

    /// Run the template instance at `binxml` (offset and length in the chunk): `Some` once
    /// `</Event>` ends, `None` at the end of a nested instance.
    fn instance(
        &mut self,
        w: &mut Walk,
        binxml: (usize, usize),
    ) -> Result<Option<RecordFields>, Decline> {
        let subs = Substitutions::read(self.chunk, binxml).ok_or(Decline::NotTemplate)?;
        let mut values = self.lists.pop().unwrap_or_default();
        let rest = subs.all_into(&mut values).ok_or(Decline::Bounds)?;
        if rest.first().is_some_and(|&b| b != EOF) {
            return Err(Decline::NotTemplate);
        }
        let program = self.program(&subs)?;
        let done = self.run(w, &program, &values);
        self.lists.push(values);
        done
    }

    /// The compiled template of an instance: compiled by an earlier chunk, or on first use in
    /// this one.
    fn program(&mut self, subs: &Substitutions<'_>) -> Result<Held, Decline> {
        let (chunk, known, compiled) = (self.chunk, self.known, &mut self.compiled);
        self.programs
            .entry(subs.def)
            .or_insert_with(|| {
                if let Some(p) = known.get(&subs.key) {
                    return Ok(Rc::new(Arc::clone(p)));
                }
                let start = subs.def + 24;
                let end = start
                    .checked_add(subs.key.1 as usize)
                    .filter(|&e| e <= chunk.len())
                    .ok_or(Decline::Bounds)?;
                let p = Arc::new(Program::compile(chunk, start, end)?);
                compiled.push((subs.key, Arc::clone(&p)));
                Ok(Rc::new(p))
            })
            .clone()
    }

    /// Run a compiled template with its `values`, feeding `w`'s builder.
    fn run(
        &mut self,
        w: &mut Walk,
        p: &Held,
        values: &[(u8, &[u8])],
    ) -> Result<Option<RecordFields>, Decline> {
        let value = |i: u16| -> Result<(u8, &[u8]), Decline> {
            values.get(usize::from(i)).copied().ok_or(Decline::Bounds)
        };
        let mut i = 0;
        while let Some(&op) = p.ops.get(i) {
            i += 1;
            w.steps += 1;
            if w.steps > MAX_STEPS {
                return Err(Decline::Bounds);
            }
            let skipping = w.open.last().is_some_and(|(_, _, s)| *s);
            match op {
                Op::Open { name, dependency } => {
                    if w.tag.is_some() || w.open.len() >= MAX_DEPTH {
                        return Err(Decline::Markup);
                    }
                    let left_out = skipping
                        || match dependency {
                            Some(d) => {
                                let (t, b) = value(d)?;
                                values::is_null(t, b)
                            }
                            None => false,
                        };
                    w.tag = Some((name, left_out, 0));
                }
                Op::Attr { name } => {
                    let Some((_, _, n)) = w.tag.as_mut() else {
                        return Err(Decline::Markup);
                    };
                    if self.attrs.len() <= *n {
                        self.attrs.push(Attr::default());
                    }
                    let a = &mut self.attrs[*n];
                    *n += 1;
                    a.name = name;
                    a.value.clear();
                    a.present = false;
                    a.wanted = p.wanted[usize::from(name)];
                }
                Op::Literal { start, end } => {
                    if self.wants(w, skipping)? {
                        let text = &p.text[start as usize..end as usize];
                        self.content(w, text, !text.is_empty())?;
                    }
                }
                Op::Sub(k) => {
                    let (t, b) = value(k)?;
                    if t == values::ty::BIN_XML && !b.is_empty() {
                        // Embedded BinXML: its elements go where the value stands.
                        if w.tag.is_some() || skipping {
                            return Err(Decline::Markup);
                        }
                        if let Some(fields) = self.embedded(w, b)? {
                            return Ok(Some(fields));
                        }
                        continue;
                    }
                    if !self.wants(w, skipping)? {
                        continue;
                    }
                    let mut text = std::mem::take(&mut w.text);
                    text.clear();
                    values::render(t, b, &mut text)?;
                    let done = self.content(w, &text, !values::is_empty(t, b));
                    w.text = text;
                    done?;
                }
                Op::CloseStart | Op::CloseEmpty => {
                    let (name, left_out, n) = w.tag.take().ok_or(Decline::Markup)?;
                    let empty = op == Op::CloseEmpty;
                    // `<Data>%n</Data>` with a string array: one element per item.
                    if let (false, false, Some(Op::Sub(k)), Some(Op::End)) = (
                        empty,
                        left_out,
                        p.ops.get(i).copied(),
                        p.ops.get(i + 1).copied(),
                    ) {
                        let (t, b) = value(k)?;
                        if t == values::ty::STRING_ARRAY {
                            if n > 0 {
                                return Err(Decline::ValueType(t));
                            }
                            string_array(w, &p.names[usize::from(name)], b)?;
                            i += 2;
                            continue;
                        }
                    }
                    if !empty {
                        w.open.push((Rc::clone(p), name, left_out));
                    }
                    if left_out {
                        continue;
                    }
                    let local = p.names[usize::from(name)].as_bytes();
                    let attrs = &mut self.attrs[..n];
                    // Each attribute is asked for once: its value is moved out.
                    let attr = |want: &[u8]| -> Result<Option<String>, Decline> {
                        Ok(attrs
                            .iter_mut()
                            .filter(|a| a.present)
                            .find(|a| p.names[usize::from(a.name)].as_bytes() == want)
                            .map(|a| std::mem::take(&mut a.value)))
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
                Op::End => {
                    let (owner, name, left_out) = w.open.pop().ok_or(Decline::Markup)?;
                    if left_out {
                        continue;
                    }
                    let local = owner.names[usize::from(name)].as_bytes();
                    let b = w.builder.as_mut().ok_or(Decline::Markup)?;
                    if b.end_is_data_text(local) {
                        return Err(Decline::Markup);
                    }
                    if b.end(local) {
                        return Ok(Some(w.builder.take().ok_or(Decline::Markup)?.finish()));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Text where it stands: part of an attribute's value, or of an element's content.
    fn content(&mut self, w: &mut Walk, text: &str, present: bool) -> Result<(), Decline> {
        match w.tag {
            Some((_, _, n)) => {
                let a = n.checked_sub(1).map(|i| &mut self.attrs[i]);
                let a = a.ok_or(Decline::Markup)?;
                a.value.push_str(text);
                a.present |= present;
            }
            None => {
                let b = w.builder.as_mut().ok_or(Decline::Markup)?;
                // The XML reader stops keeping text past a bound: go its way.
                if b.text_reaches_bound(text.len()) {
                    return Err(Decline::Bounds);
                }
                b.push_text(text);
            }
        }
        Ok(())
    }

    /// Whether text where the walk stands is read at all: a value of an attribute the
    /// builder asks for, or the content of an element whose text makes a field. Values read by
    /// no one are neither rendered nor checked.
    fn wants(&self, w: &Walk, skipping: bool) -> Result<bool, Decline> {
        match w.tag {
            Some((_, _, n)) => {
                let a = n.checked_sub(1).map(|i| &self.attrs[i]);
                Ok(a.ok_or(Decline::Markup)?.wanted)
            }
            None if skipping => Ok(false),
            None => Ok(w.builder.as_ref().ok_or(Decline::Markup)?.keeps_text()),
        }
    }

    /// An embedded BinXML value: one template instance, run in place (anything else declines).
    fn embedded(&mut self, w: &mut Walk, value: &[u8]) -> Result<Option<RecordFields>, Decline> {
        w.nesting += 1;
        if w.nesting > MAX_NESTING {
            return Err(Decline::Bounds);
        }
        // Where the value is in the chunk: it is a part of the chunk's bytes.
        let start = (value.as_ptr() as usize).wrapping_sub(self.chunk.as_ptr() as usize);
        if start
            .checked_add(value.len())
            .is_none_or(|e| e > self.chunk.len())
        {
            return Err(Decline::Bounds);
        }
        let depth = w.open.len();
        let done = self.instance(w, (start, value.len()))?;
        if done.is_none() && (w.open.len() != depth || w.tag.is_some()) {
            return Err(Decline::Markup);
        }
        w.nesting -= 1;
        Ok(done)
    }
}

/// `<Name>` with a string array for its whole content: the element once per item (once, empty,
/// for none), as the `evtx` crate expands it (MS-EVEN6 3.1.4.7.5).
fn string_array(w: &mut Walk, name: &str, value: &[u8]) -> Result<(), Decline> {
    let items = values::string_array(value)?;
    let b = w.builder.as_mut().ok_or(Decline::Markup)?;
    let local = name.as_bytes();
    let none: Option<&[u8]> = items.is_empty().then_some(&[]);
    for item in items.iter().copied().chain(none) {
        if b.start_is_data_text() {
            return Err(Decline::Markup);
        }
        b.start(local, |_| Ok::<_, Decline>(None))?;
        if b.keeps_text() {
            w.text.clear();
            values::push_utf16(item, &mut w.text);
            if b.text_reaches_bound(w.text.len()) {
                return Err(Decline::Bounds);
            }
            b.push_text(&w.text);
        }
        if b.end(local) {
            return Err(Decline::Markup);
        }
    }
    Ok(())
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
