//! Selecting the EVTX records worth decoding without building or rendering the others.
//!
//! Each record of a clean chunk is found by its framing (magic `2a 2a 00 00`, size, record id,
//! FILETIME, BinXML, size copy). A record that instantiates a template holds, after the
//! `TemplateInstance` token, the template's definition offset (and, the first time, the definition
//! itself), then its substitution array: a count, `(size, type)` descriptors and the values one
//! after the other. The provider name is either literal text of the template or one string
//! substitution, and the event id one 16-bit substitution: which, is learnt once per template
//! (keyed by its GUID and size) from one decoded record, then read straight from the bytes of the
//! others ([`TemplateClass::plan`]).
//!
//! The selected records are then decoded straight from their BinXML (`evtx::direct`). When that
//! declines one, the chunk is handed to the `evtx` crate with every record not selected *hidden*
//! (its magic overwritten in a private copy): the crate walks only the selected records,
//! resyncing on the next record magic past each hidden run, and renders just those.

use crate::event::meaning::{is_provider_of_interest, is_record_of_interest};
use std::collections::HashMap;
use std::sync::Arc;

/// Identifies a template across chunks: its GUID and the size of its definition.
pub(crate) type TemplateKey = ([u8; 16], u32);

const RECORD_MAGIC: &[u8; 4] = b"\x2a\x2a\x00\x00";
/// Substitution value types used here (MS-EVEN6 2.2.18).
const TYPE_STRING: u8 = 0x01;
const TYPE_UINT16: u8 = 0x06;

/// Where a template puts a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Literal text of the template: the same for all its records.
    Literal(Arc<str>),
    /// The substitution at this index.
    Substitution(usize),
    /// Not found: records of this template are always decoded.
    Unknown,
}

/// Where the provider name and the event id of a template's records are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateClass {
    pub(crate) provider: Slot,
    pub(crate) event_id: Option<usize>,
}

/// What to do with one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Render and read it.
    Decode,
    /// Count it under this provider.
    Count(Arc<str>),
}

/// One record found by its framing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawRecord {
    /// Offset of the record in the chunk.
    pub(crate) offset: usize,
    /// Offset of its BinXML in the chunk, and its length.
    pub(crate) binxml: (usize, usize),
}

/// Walk the records of a chunk by their framing, from the chunk header to the free space or the
/// last record. `None` when anything is off (the caller then reads the chunk the slow way).
pub(crate) fn walk_records(chunk: &[u8]) -> Option<Vec<RawRecord>> {
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(chunk.get(at..at + 4)?.try_into().ok()?))
    };
    let u64_at = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(chunk.get(at..at + 8)?.try_into().ok()?))
    };
    let last_id = u64_at(32)?;
    let free = (u32_at(48)? as usize).min(chunk.len());
    let mut out = Vec::with_capacity(256);
    let mut pos = 512;
    while pos + 28 <= free {
        if chunk.get(pos..pos + 4)? != RECORD_MAGIC {
            return None;
        }
        let size = u32_at(pos + 4)? as usize;
        if size < 28 || pos + size > free || u32_at(pos + size - 4)? as usize != size {
            return None;
        }
        let id = u64_at(pos + 8)?;
        out.push(RawRecord {
            offset: pos,
            binxml: (pos + 24, size - 28),
        });
        pos += size;
        if id == last_id {
            break;
        }
    }
    Some(out)
}

/// A template instance's substitution array, read in place.
pub(crate) struct Substitutions<'c> {
    /// The template.
    pub(crate) key: TemplateKey,
    /// Offset of the template definition in the chunk.
    pub(crate) def: usize,
    descriptors: &'c [u8],
    values: &'c [u8],
}

impl<'c> Substitutions<'c> {
    /// Read the substitution array of a record's BinXML (`None`: not a template instance).
    pub(crate) fn read(chunk: &'c [u8], binxml: (usize, usize)) -> Option<Self> {
        let (start, len) = binxml;
        let end = start.checked_add(len)?.min(chunk.len());
        let mut at = start;
        if *chunk.get(at)? == 0x0f {
            at += 4; // fragment header
        }
        if *chunk.get(at)? != 0x0c {
            return None;
        }
        let u32_at = |at: usize| -> Option<u32> {
            Some(u32::from_le_bytes(chunk.get(at..at + 4)?.try_into().ok()?))
        };
        let def = u32_at(at + 6)? as usize;
        at += 10;
        let guid: [u8; 16] = chunk.get(def + 4..def + 20)?.try_into().ok()?;
        let def_size = u32_at(def + 20)?;
        if def == at {
            at = at.checked_add(24 + def_size as usize)?;
        }
        let count = u32_at(at)? as usize;
        at += 4;
        let descriptors = chunk.get(at..at.checked_add(count.checked_mul(4)?)?)?;
        at += count * 4;
        let values = chunk.get(at..end)?;
        Some(Substitutions {
            key: (guid, def_size),
            def,
            descriptors,
            values,
        })
    }

    /// Number of values.
    pub(crate) fn len(&self) -> usize {
        self.descriptors.len() / 4
    }

    /// Type and bytes of value `i`.
    pub(crate) fn value(&self, i: usize) -> Option<(u8, &'c [u8])> {
        let mut at = 0usize;
        for d in self.descriptors.chunks_exact(4).take(i) {
            at += usize::from(u16::from_le_bytes([d[0], d[1]]));
        }
        let d = self.descriptors.get(i * 4..i * 4 + 4)?;
        let size = usize::from(u16::from_le_bytes([d[0], d[1]]));
        Some((d[2], self.values.get(at..at + size)?))
    }

    /// Every value (type and bytes) in order, into `out` (cleared first); the bytes after the
    /// last one (`None` when the values run past the record).
    pub(crate) fn all_into(&self, out: &mut Vec<(u8, &'c [u8])>) -> Option<&'c [u8]> {
        out.clear();
        let mut at = 0usize;
        for d in self.descriptors.chunks_exact(4) {
            let size = usize::from(u16::from_le_bytes([d[0], d[1]]));
            out.push((d[2], self.values.get(at..at + size)?));
            at += size;
        }
        Some(&self.values[at..])
    }

    fn u16_value(&self, i: usize) -> Option<u16> {
        match self.value(i)? {
            (TYPE_UINT16, b) if b.len() == 2 => Some(u16::from_le_bytes([b[0], b[1]])),
            _ => None,
        }
    }

    /// The UTF-16 bytes of a string value, without a trailing NUL.
    fn string_value(&self, i: usize) -> Option<&'c [u8]> {
        match self.value(i)? {
            (TYPE_STRING, b) => Some(trim_nul(b)),
            _ => None,
        }
    }
}

fn trim_nul(mut b: &[u8]) -> &[u8] {
    while b.len() >= 2 && b[b.len() - 2..] == [0, 0] {
        b = &b[..b.len() - 2];
    }
    b
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// Provider names read from substitutions, decoded once per chunk.
#[derive(Default)]
pub(crate) struct ProviderNames<'c> {
    seen: Vec<(&'c [u8], Arc<str>)>,
}

impl<'c> ProviderNames<'c> {
    fn name(&mut self, bytes: &'c [u8]) -> Arc<str> {
        if let Some((_, n)) = self.seen.iter().find(|(b, _)| *b == bytes) {
            return Arc::clone(n);
        }
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let name: Arc<str> = Arc::from(String::from_utf16_lossy(&units));
        if self.seen.len() < 256 {
            self.seen.push((bytes, Arc::clone(&name)));
        }
        name
    }
}

impl TemplateClass {
    /// Decide for one record of this template from its substitutions.
    pub(crate) fn plan<'c>(&self, subs: &Substitutions<'c>, names: &mut ProviderNames<'c>) -> Plan {
        let provider = match &self.provider {
            Slot::Literal(p) => Arc::clone(p),
            Slot::Substitution(i) => match subs.string_value(*i) {
                Some(b) => names.name(b),
                None => return Plan::Decode,
            },
            Slot::Unknown => return Plan::Decode,
        };
        if !is_provider_of_interest(&provider) {
            return Plan::Count(provider);
        }
        match self.event_id.and_then(|i| subs.u16_value(i)) {
            Some(id) if !is_record_of_interest(&provider, u32::from(id)) => Plan::Count(provider),
            _ => Plan::Decode,
        }
    }

    /// Learn a template from one of its records, decoded (`provider`, `event_id`) and in place.
    pub(crate) fn learn(
        chunk: &[u8],
        subs: &Substitutions<'_>,
        provider: &str,
        event_id: u32,
    ) -> Self {
        let unknown = TemplateClass {
            provider: Slot::Unknown,
            event_id: None,
        };
        if provider.is_empty() {
            return unknown;
        }
        let needle = utf16(provider);
        let as_sub = (0..subs.len()).find(|&i| subs.string_value(i) == Some(&needle[..]));
        let body = chunk.get(
            subs.def + 24
                ..(subs.def + 24)
                    .saturating_add(subs.key.1 as usize)
                    .min(chunk.len()),
        );
        let provider_slot = match (as_sub, body) {
            (Some(i), _) => Slot::Substitution(i),
            (None, Some(body)) if memchr::memmem::find(body, &needle).is_some() => {
                Slot::Literal(Arc::from(provider))
            }
            _ => Slot::Unknown,
        };
        let mut ids =
            (0..subs.len()).filter(|&i| subs.u16_value(i).map(u32::from) == Some(event_id));
        let event_id = match (ids.next(), ids.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        };
        TemplateClass {
            provider: provider_slot,
            event_id,
        }
    }
}

/// Hide every record not in `keep` from the `evtx` crate (its magic overwritten).
pub(crate) fn hide_others(chunk: &mut [u8], records: &[RawRecord], keep: &[bool]) {
    for (r, k) in records.iter().zip(keep) {
        if !k {
            chunk[r.offset..r.offset + 4].copy_from_slice(b"HIDE");
        }
    }
}

/// Learnt templates shared by the chunks of one file.
pub(crate) type Classes = HashMap<TemplateKey, TemplateClass>;
