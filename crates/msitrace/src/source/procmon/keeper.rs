//! Deciding per row, on bytes, what to keep of a capture ([`Keeper`]); everything is counted.

use super::full::FullKeys;
use super::intern::{FastMap, WordHasher};
use super::operation::operation_class;
use super::settings::CaptureSettings;
use super::status::ResultClass;
use super::tally::{CaptureTally, FailureKey};
use crate::paths::NormalPath;
use crate::source::KeepPolicy;
use chrono::NaiveDate;
use std::hash::Hasher;
use std::sync::Arc;

/// Why a row is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowDecision {
    /// Not kept: only counted.
    No,
    /// Kept.
    Yes,
    /// Kept, and the row is the first of a process: emit its [`ProcessInfo`] first.
    WithProcessInfo,
    /// Not kept, but the row is the first of a process: emit its [`ProcessInfo`].
    ProcessInfoOnly,
}

/// A row that cannot be used, found while classifying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// The operation is not shaped like one.
    BadOperation,
    /// The result is not shaped like one.
    BadResult,
}

/// Decides, per row and on bytes, what to keep of a capture; counts everything.
#[derive(Debug)]
pub struct Keeper {
    settings: CaptureSettings,
    tally: CaptureTally,
    /// Parent PID (as read) of each process seen, to emit a [`ProcessInfo`] once per process.
    seen: FastMap<u32, Option<u32>>,
    last_pid: Option<(u32, Option<u32>)>,
    /// Each fold key seen, by ids (process, operation, result, path class).
    folds: FastMap<(u32, u32, u32, u32), Fold>,
    /// Ids of the process names and path classes in fold keys.
    fold_names: FoldNames,
    /// Whether each operation id is a process lifecycle operation (kept when it succeeds).
    lifecycle: Vec<bool>,
    /// Probe samples kept per (process, operation, result), and whether the ranges before this
    /// one filled the key.
    probes: FastMap<(u64, u32, u32), (u32, bool)>,
    /// The keys that the ranges before this one (of a capture read in ranges) filled.
    full: Option<Arc<FullKeys>>,
    /// Denied `All Access` opens waiting for a narrower retry: (pid, operation id, path).
    pending_retry: Vec<(u32, u32, Box<[u8]>)>,
}

/// A fold key of failing rows and what was kept under it.
#[derive(Debug)]
struct Fold {
    key: FailureKey,
    /// Rows kept under it, to cap them.
    kept: u32,
    /// Whether the ranges before this one (of a capture read in ranges) filled the key.
    filled: bool,
}

/// Most denied opens remembered at once while waiting for their retry.
const MAX_PENDING_RETRY: usize = 256;

impl Keeper {
    /// A keeper with the given settings.
    pub fn new(settings: CaptureSettings) -> Self {
        Keeper {
            settings,
            tally: CaptureTally::default(),
            seen: FastMap::default(),
            last_pid: None,
            folds: FastMap::default(),
            fold_names: FoldNames::default(),
            lifecycle: Vec::new(),
            probes: FastMap::default(),
            full: None,
            pending_retry: Vec::new(),
        }
    }

    /// Read one range of a capture read in ranges: rows under a key that the ranges before it
    /// filled are not kept (the merge would drop them; see [`FullKeys`]).
    pub fn share_full_keys(&mut self, full: Arc<FullKeys>) {
        self.full = Some(full);
    }

    /// The counts so far.
    pub fn tally(&self) -> &CaptureTally {
        &self.tally
    }

    /// The counts, once the capture is read.
    pub fn into_tally(self) -> CaptureTally {
        self.tally
    }

    /// Count a row skipped as broken.
    pub fn bad_row(&mut self) {
        self.tally.rows += 1;
        self.tally.bad_rows += 1;
    }

    /// A kept row turned out broken when typed: count it as bad instead.
    pub fn kept_row_failed(&mut self) {
        self.tally.kept = self.tally.kept.saturating_sub(1);
        self.tally.bad_rows += 1;
    }

    /// Say whether rows carry their date (the export has a `Date & Time` column).
    pub fn set_has_date(&mut self, has_date: bool) {
        self.tally.has_date = has_date;
    }

    /// Say that the times are the capture's own UTC timestamps (a native PML capture).
    pub fn set_utc_times(&mut self) {
        self.tally.has_date = true;
        self.tally.utc_times = true;
    }

    /// Note how the rows' date was read when it needed a guess (from the first such row).
    pub fn note_date_guess(&mut self, note: Option<String>) {
        if self.tally.date_note.is_none() {
            self.tally.date_note = note;
        }
    }

    /// Note the date of the rows (from the first row that has one).
    pub fn note_date(&mut self, date: Option<NaiveDate>) {
        if let Some(d) = date {
            self.tally.has_date = true;
            self.tally.first_date.get_or_insert(d);
        }
    }

    /// Classify one row: count it, and say whether to keep it. `row` is its 1-based number.
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &mut self,
        row: u64,
        pid: Option<u32>,
        parent: Option<u32>,
        process: &[u8],
        operation: &[u8],
        result: &[u8],
        path: &[u8],
        detail: &[u8],
    ) -> Result<RowDecision, RowProblem> {
        self.tally.rows += 1;
        let known_ops = self.tally.op_names.len();
        let op = self.tally.op_id(operation);
        if op as usize == known_ops {
            // First row of this operation name: note it when msitrace does not know it.
            let name = String::from_utf8_lossy(operation);
            if self.tally.op_valid[op as usize] && operation_class(&name).is_none() {
                self.tally.unknown_operations.push((name.into_owned(), row));
            }
        }
        if !self.tally.op_valid[op as usize] {
            self.tally.bad_rows += 1;
            return Err(RowProblem::BadOperation);
        }
        let known_results = self.tally.result_names.len();
        let res = self.tally.result_id(result);
        let class = self.tally.result_classes[res as usize];
        if !self.tally.result_valid[res as usize] {
            self.tally.bad_rows += 1;
            return Err(RowProblem::BadResult);
        }
        if class.is_none() && res as usize == known_results {
            let name = String::from_utf8_lossy(result).into_owned();
            self.tally.unknown_results.push((name, row));
        }
        self.tally.counts[op as usize][res as usize] += 1;
        let first_of_process = match pid {
            Some(pid) if self.last_pid != Some((pid, parent)) => {
                self.last_pid = Some((pid, parent));
                match self.seen.get(&pid) {
                    Some(before) if *before == parent => false,
                    _ => {
                        self.seen.insert(pid, parent);
                        true
                    }
                }
            }
            _ => false,
        };
        let keep = self.keep(row, pid, process, op, res, class, path, detail);
        if keep {
            self.tally.kept += 1;
        }
        Ok(match (keep, first_of_process) {
            (true, true) => RowDecision::WithProcessInfo,
            (true, false) => RowDecision::Yes,
            (false, true) => RowDecision::ProcessInfoOnly,
            (false, false) => RowDecision::No,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn keep(
        &mut self,
        _row: u64,
        pid: Option<u32>,
        process: &[u8],
        op: u32,
        res: u32,
        class: Option<ResultClass>,
        path: &[u8],
        detail: &[u8],
    ) -> bool {
        if self.settings.keep == KeepPolicy::All {
            if matches!(class, Some(ResultClass::Failure) | None) {
                self.fold(process, op, res, path);
            }
            return true;
        }
        // Process starts and exits that say what a process is or how it ended (an exit status, a
        // parent, a PID) are always kept, whatever their result: the process tree and the exit
        // findings count them, and a cap per range of the capture would make those counts
        // depend on how the capture was split.
        while self.lifecycle.len() <= op as usize {
            let name = &self.tally.op_names[self.lifecycle.len()];
            self.lifecycle.push(matches!(
                &**name,
                b"Process Start" | b"Process Exit" | b"Process Create"
            ));
        }
        if self.lifecycle[op as usize]
            && (class == Some(ResultClass::Success) || says_lifecycle(detail))
        {
            return true;
        }
        match class {
            Some(ResultClass::Success) => {
                // The narrower retry of a denied `All Access` open.
                if !self.pending_retry.is_empty() {
                    if let Some(pid) = pid {
                        if let Some(i) = self
                            .pending_retry
                            .iter()
                            .position(|(p, o, x)| *p == pid && *o == op && **x == *path)
                        {
                            self.pending_retry.swap_remove(i);
                            return true;
                        }
                    }
                }
                false
            }
            Some(ResultClass::Noise) => false,
            Some(ResultClass::Probe) => {
                let mut h = WordHasher::default();
                h.write(process);
                let key = (h.finish(), op, res);
                let (n, filled) = self.probes.entry(key).or_default();
                *n += 1;
                if *n > self.settings.max_probe_samples {
                    return false;
                }
                if let (Some(full), false) = (&self.full, *filled) {
                    *filled = full.probe_is_full(
                        &String::from_utf8_lossy(process),
                        &String::from_utf8_lossy(&self.tally.op_names[op as usize]),
                        &String::from_utf8_lossy(&self.tally.result_names[res as usize]),
                    );
                }
                !*filled
            }
            Some(ResultClass::Failure) | None => {
                let (kept, filled) = self.fold(process, op, res, path);
                if kept && memchr::memmem::find(detail, b"Desired Access: All Access").is_some() {
                    if let Some(pid) = pid {
                        if self.pending_retry.len() >= MAX_PENDING_RETRY {
                            self.pending_retry.remove(0);
                        }
                        self.pending_retry.push((pid, op, path.into()));
                    }
                }
                // A row under a filled key still waits for its retry, as when it was kept and
                // then dropped by the merge.
                kept && !filled
            }
        }
    }

    /// Count a failing row under its fold key: whether it is still under this range's cap, and
    /// whether the ranges before this one filled the key.
    fn fold(&mut self, process: &[u8], op: u32, res: u32, path: &[u8]) -> (bool, bool) {
        let ids = (
            self.fold_names.process(process),
            op,
            res,
            self.fold_names.path_class(path),
        );
        let Fold { key, kept, filled } = match self.folds.entry(ids) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let key = FailureKey {
                    process: String::from_utf8_lossy(process).into_owned(),
                    operation: String::from_utf8_lossy(&self.tally.op_names[op as usize])
                        .into_owned(),
                    result: String::from_utf8_lossy(&self.tally.result_names[res as usize])
                        .into_owned(),
                    path_class: self.fold_names.class_names[ids.3 as usize].clone(),
                };
                e.insert(Fold {
                    key,
                    kept: 0,
                    filled: false,
                })
            }
        };
        match self.tally.failures.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                self.tally.failures.insert(key.clone(), 1);
            }
        }
        *kept += 1;
        let under = *kept <= self.settings.max_per_failure;
        if let (true, Some(full), false) = (under, &self.full, *filled) {
            *filled =
                full.failure_is_full(&key.process, &key.operation, &key.result, &key.path_class);
        }
        (under, *filled)
    }
}

/// Ids of the process names and path classes of fold keys, so that counting a failing row
/// allocates nothing once its names were seen.
#[derive(Debug, Default)]
struct FoldNames {
    processes: FastMap<Box<[u8]>, u32>,
    /// Path class id of each path seen (up to [`MAX_CLASSED_PATHS`] paths of at most
    /// [`MAX_CLASSED_PATH_LEN`] bytes: the memory is bounded whatever the input).
    paths: FastMap<Box<[u8]>, u32>,
    classes: FastMap<String, u32>,
    class_names: Vec<String>,
}

/// Most paths whose class is remembered; the class of any other path is worked out each time.
const MAX_CLASSED_PATHS: usize = 4096;

/// Longest path whose class is remembered.
const MAX_CLASSED_PATH_LEN: usize = 512;

impl FoldNames {
    fn process(&mut self, name: &[u8]) -> u32 {
        if let Some(&id) = self.processes.get(name) {
            return id;
        }
        let id = self.processes.len() as u32;
        self.processes.insert(name.into(), id);
        id
    }

    fn path_class(&mut self, path: &[u8]) -> u32 {
        if let Some(&id) = self.paths.get(path) {
            return id;
        }
        let class = NormalPath::new(&String::from_utf8_lossy(path)).class();
        let id = match self.classes.get(&class) {
            Some(&id) => id,
            None => {
                let id = self.class_names.len() as u32;
                self.classes.insert(class.clone(), id);
                self.class_names.push(class);
                id
            }
        };
        if self.paths.len() < MAX_CLASSED_PATHS && path.len() <= MAX_CLASSED_PATH_LEN {
            self.paths.insert(path.into(), id);
        }
        id
    }
}

/// True when a process row's detail tells what the process is or how it ended (`PID:` also
/// finds `Parent PID:`).
fn says_lifecycle(detail: &[u8]) -> bool {
    [&b"Exit Status:"[..], b"PID:"]
        .iter()
        .any(|w| memchr::memmem::find(detail, w).is_some())
}

#[cfg(test)]
mod lifecycle_tests {
    use super::says_lifecycle;

    #[test]
    fn a_process_row_says_its_lifecycle_by_status_parent_or_pid() {
        assert!(says_lifecycle(b"Exit Status: 1603, User Time: 0.0 seconds"));
        assert!(says_lifecycle(
            b"Parent PID: 4120, Command line: msiexec /i a.msi"
        ));
        assert!(says_lifecycle(b"PID: 6700, Command line: msiexec /i a.msi"));
        assert!(!says_lifecycle(b"Thread ID: 5512"));
        assert!(!says_lifecycle(b""));
    }
}

#[cfg(test)]
mod full_key_tests {
    use super::*;

    #[test]
    fn rows_under_a_filled_key_are_counted_not_kept() {
        let full = Arc::new(FullKeys::default());
        full.fill_failure(
            "a.exe",
            "CreateFile",
            "ACCESS DENIED",
            &NormalPath::new(r"C:\Windows\x").class(),
        );
        full.fill_probe("a.exe", "RegOpenKey", "NAME NOT FOUND");
        let mut k = Keeper::new(CaptureSettings::default());
        k.share_full_keys(full);
        let mut decide = |row, process: &[u8], op: &[u8], result: &[u8], path: &[u8], detail| {
            k.decide(row, Some(8), None, process, op, result, path, detail)
                .unwrap()
        };
        let denied = |d| (d, b"CreateFile" as &[u8], b"ACCESS DENIED" as &[u8]);
        let (first, op, res) = denied(1);
        // The first row of the process is described even though the row is not kept.
        assert_eq!(
            decide(
                first,
                b"a.exe",
                op,
                res,
                br"C:\Windows\y",
                b"Desired Access: All Access"
            ),
            RowDecision::ProcessInfoOnly
        );
        // Another process, another path class: their own keys.
        assert_eq!(
            decide(2, b"b.exe", op, res, br"C:\Windows\y", b""),
            RowDecision::Yes
        );
        assert_eq!(
            decide(3, b"a.exe", op, res, br"C:\ProgramData\y", b""),
            RowDecision::Yes
        );
        let probe = decide(
            4,
            b"a.exe",
            b"RegOpenKey",
            b"NAME NOT FOUND",
            br"HKLM\X",
            b"",
        );
        assert_eq!(probe, RowDecision::No);
        // The denied `All Access` open still waits for its retry, which is kept.
        assert_eq!(
            decide(5, b"a.exe", op, b"SUCCESS", br"C:\Windows\y", b""),
            RowDecision::Yes
        );
        let t = k.into_tally();
        assert_eq!(t.kept, 3);
        assert_eq!(t.rows, 5);
        let denied_a: u64 = t
            .failures
            .iter()
            .filter(|(key, _)| key.process == "a.exe" && key.result == "ACCESS DENIED")
            .map(|(_, n)| *n)
            .sum();
        assert_eq!(denied_a, 2, "every failing row is counted");
    }
}
