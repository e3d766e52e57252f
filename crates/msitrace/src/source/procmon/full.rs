//! The keep limits that the earlier ranges of a capture read apart have already reached
//! ([`FullKeys`]): the reader of a later range need not build the rows the merge would drop.

use std::collections::HashSet;
use std::sync::RwLock;

/// Fold keys whose keep limit the merged ranges of a capture have reached.
///
/// The merge fills it in row order ([`FullKeys::fill_failure`], [`FullKeys::fill_probe`]) while
/// the later ranges are still being read; their readers ask it before building a row they would
/// keep. A key in it has its limit's worth of rows before every row of a range still being read,
/// so the merge would drop each of that range's rows under the key: not building them changes
/// nothing but the work and the memory. Keys are the names as the merge sees them on events: the
/// process name trimmed (empty for none), the operation, the result and, for failures, the path
/// class.
#[derive(Debug, Default)]
pub struct FullKeys {
    failures: RwLock<HashSet<String>>,
    probes: RwLock<HashSet<String>>,
}

impl FullKeys {
    /// Note that failing rows under (process, operation, result, path class) reached their limit.
    pub fn fill_failure(&self, process: &str, operation: &str, result: &str, class: &str) {
        let key = key(&[process_name(process), operation, result, class]);
        write(&self.failures).insert(key);
    }

    /// Note that probe results under (process, operation, result) reached their limit.
    pub fn fill_probe(&self, process: &str, operation: &str, result: &str) {
        let key = key(&[process_name(process), operation, result]);
        write(&self.probes).insert(key);
    }

    /// True when failing rows under the key reached their limit in the merged ranges.
    pub fn failure_is_full(
        &self,
        process: &str,
        operation: &str,
        result: &str,
        class: &str,
    ) -> bool {
        let key = key(&[process_name(process), operation, result, class]);
        read(&self.failures).contains(&key)
    }

    /// True when probe results under the key reached their limit in the merged ranges.
    pub fn probe_is_full(&self, process: &str, operation: &str, result: &str) -> bool {
        let key = key(&[process_name(process), operation, result]);
        read(&self.probes).contains(&key)
    }
}

/// The process name as an event carries it: trimmed, and empty for none (`n/a`).
fn process_name(raw: &str) -> &str {
    match raw.trim() {
        "n/a" => "",
        name => name,
    }
}

/// The parts of a key joined by a character no name holds.
fn key(parts: &[&str]) -> String {
    parts.join("\u{0}")
}

/// A set that a panicking holder left behind is still whole: every change is one insert.
fn read(set: &RwLock<HashSet<String>>) -> std::sync::RwLockReadGuard<'_, HashSet<String>> {
    set.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write(set: &RwLock<HashSet<String>>) -> std::sync::RwLockWriteGuard<'_, HashSet<String>> {
    set.write().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_full_once_filled_and_names_are_read_as_events_carry_them() {
        let full = FullKeys::default();
        assert!(!full.failure_is_full("a.exe", "CreateFile", "ACCESS DENIED", "%TEMP%"));
        full.fill_failure("a.exe", "CreateFile", "ACCESS DENIED", "%TEMP%");
        assert!(full.failure_is_full(" a.exe ", "CreateFile", "ACCESS DENIED", "%TEMP%"));
        assert!(!full.failure_is_full("a.exe", "CreateFile", "ACCESS DENIED", "HKLM"));
        // A process written `n/a` is an event with no process name.
        full.fill_probe("", "RegOpenKey", "NAME NOT FOUND");
        assert!(full.probe_is_full("n/a", "RegOpenKey", "NAME NOT FOUND"));
        assert!(!full.probe_is_full("b.exe", "RegOpenKey", "NAME NOT FOUND"));
        // The parts do not run into each other.
        full.fill_probe("ab", "c", "d");
        assert!(!full.probe_is_full("a", "bc", "d"));
    }
}
