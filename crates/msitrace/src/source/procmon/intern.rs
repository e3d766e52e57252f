//! A fast hasher for short byte keys and an interner for the names that repeat on every row.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A cheap hasher for short byte keys, eight bytes per step (FxHash-like), used on every row.
#[derive(Default)]
pub struct WordHasher(u64);

const WORD_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(WORD_SEED);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes(w.try_into().expect("eight bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.add(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
}

/// A hash map with [`WordHasher`] hashing.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// Ids of the few distinct names a column holds (operations, results): a direct-mapped cache
/// checked with one comparison, in front of a hash map.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    cache: Vec<(u64, u32)>,
    names: Vec<Box<[u8]>>,
    map: FastMap<Box<[u8]>, u32>,
}

/// Slots of the [`Interner`] cache.
const INTERN_SLOTS: usize = 256;

impl Interner {
    /// A cheap key of a name: its length and first and last eight bytes.
    fn key(name: &[u8]) -> u64 {
        let mut head = [0u8; 8];
        let n = name.len().min(8);
        head[..n].copy_from_slice(&name[..n]);
        let mut tail = [0u8; 8];
        tail[..n].copy_from_slice(&name[name.len() - n..]);
        (u64::from_le_bytes(head) ^ u64::from_le_bytes(tail).rotate_left(29))
            .wrapping_mul(WORD_SEED)
            ^ name.len() as u64
    }

    fn slot(key: u64) -> usize {
        (key >> 56) as usize % INTERN_SLOTS
    }

    pub(super) fn get(&mut self, name: &[u8]) -> Option<u32> {
        let key = Self::key(name);
        if let Some(&(k, id)) = self.cache.get(Self::slot(key)) {
            if k == key && *self.names[id as usize] == *name {
                return Some(id);
            }
        }
        let id = *self.map.get(name)?;
        if self.cache.is_empty() {
            self.cache = vec![(u64::MAX, 0); INTERN_SLOTS];
        }
        self.cache[Self::slot(key)] = (key, id);
        Some(id)
    }

    pub(super) fn insert(&mut self, name: &[u8], id: u32) {
        self.map.insert(name.into(), id);
        if self.names.len() <= id as usize {
            self.names.resize(id as usize + 1, Box::default());
        }
        self.names[id as usize] = name.into();
    }
}
