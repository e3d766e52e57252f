//! What a capture held, counted: rows by operation and result, failures folded by key.

use super::intern::{FastMap, Interner};
use super::operation::plausible_operation;
use super::status::{self, ReadResult, ResultClass};
use chrono::NaiveDate;
use serde::Serialize;

/// How many rows of one operation ended with one result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationCount {
    /// Operation name.
    pub operation: String,
    /// Result as written (empty for none).
    pub result: String,
    /// Rows.
    pub count: u64,
}

/// Failing rows folded by process, operation, result and path class, with how many were kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FailureKey {
    /// Process name.
    pub process: String,
    /// Operation name.
    pub operation: String,
    /// Result as written.
    pub result: String,
    /// Path class: known folder label, drive, hive or space.
    pub path_class: String,
}

/// What a capture held: counts of every row, whether or not it was kept.
#[derive(Debug, Clone, Default)]
pub struct CaptureTally {
    /// Data rows read (header excluded).
    pub rows: u64,
    /// Rows kept as events.
    pub kept: u64,
    /// Rows skipped as broken.
    pub bad_rows: u64,
    /// True when rows carry their date (`Date & Time` column); else the date is unknown.
    pub has_date: bool,
    /// First row's date, when known.
    pub first_date: Option<NaiveDate>,
    /// True when the times are the capture's own UTC timestamps (a native PML capture).
    pub utc_times: bool,
    /// How the date was read when it was ambiguous (`date '4/5/2020' is ambiguous ...`).
    pub date_note: Option<String>,
    /// Operation names not known to msitrace, with the first row of each.
    pub unknown_operations: Vec<(String, u64)>,
    /// Result names not known to msitrace, with the first row of each.
    pub unknown_results: Vec<(String, u64)>,
    pub(super) ops: Interner,
    pub(super) results: Interner,
    pub(super) op_names: Vec<Box<[u8]>>,
    pub(super) result_names: Vec<Box<[u8]>>,
    pub(super) result_classes: Vec<Option<ResultClass>>,
    pub(super) op_valid: Vec<bool>,
    pub(super) result_valid: Vec<bool>,
    pub(super) counts: Vec<Vec<u64>>,
    /// Total failing rows per fold key (kept or not).
    pub failures: FastMap<FailureKey, u64>,
}

impl CaptureTally {
    /// Counts by operation and result, most frequent first.
    pub fn operation_counts(&self) -> Vec<OperationCount> {
        let mut out = Vec::new();
        for (op, row) in self.counts.iter().enumerate() {
            for (res, &count) in row.iter().enumerate() {
                if count > 0 {
                    out.push(OperationCount {
                        operation: String::from_utf8_lossy(&self.op_names[op]).into_owned(),
                        result: String::from_utf8_lossy(&self.result_names[res]).into_owned(),
                        count,
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.operation.cmp(&b.operation))
                .then_with(|| a.result.cmp(&b.result))
        });
        out
    }

    /// Rows per result class.
    pub fn class_counts(&self) -> [(ResultClass, u64); 4] {
        let mut totals = [0u64; 4];
        for row in &self.counts {
            for (res, &count) in row.iter().enumerate() {
                let i = match self.result_classes[res] {
                    Some(ResultClass::Success) => 0,
                    Some(ResultClass::Noise) => 1,
                    Some(ResultClass::Probe) => 2,
                    Some(ResultClass::Failure) | None => 3,
                };
                totals[i] += count;
            }
        }
        [
            (ResultClass::Success, totals[0]),
            (ResultClass::Noise, totals[1]),
            (ResultClass::Probe, totals[2]),
            (ResultClass::Failure, totals[3]),
        ]
    }

    /// Add another part's counts (chunks of one file read in parallel, in order).
    pub fn merge(&mut self, other: CaptureTally, row_offset: u64) {
        self.rows += other.rows;
        self.kept += other.kept;
        self.bad_rows += other.bad_rows;
        self.has_date |= other.has_date;
        self.utc_times |= other.utc_times;
        self.first_date = self.first_date.or(other.first_date);
        self.date_note = self.date_note.take().or(other.date_note);
        for (name, row) in other.unknown_operations {
            if !self.unknown_operations.iter().any(|(n, _)| *n == name) {
                self.unknown_operations.push((name, row + row_offset));
            }
        }
        for (name, row) in other.unknown_results {
            if !self.unknown_results.iter().any(|(n, _)| *n == name) {
                self.unknown_results.push((name, row + row_offset));
            }
        }
        for (op, row) in other.counts.iter().enumerate() {
            for (res, &count) in row.iter().enumerate() {
                if count > 0 {
                    let o = self.op_id(&other.op_names[op]);
                    let r = self.result_id(&other.result_names[res]);
                    self.counts[o as usize][r as usize] += count;
                }
            }
        }
        for (k, v) in other.failures {
            *self.failures.entry(k).or_default() += v;
        }
    }

    pub(super) fn op_id(&mut self, name: &[u8]) -> u32 {
        if let Some(id) = self.ops.get(name) {
            return id;
        }
        let id = self.op_names.len() as u32;
        self.ops.insert(name, id);
        self.op_names.push(name.into());
        self.op_valid.push(plausible_operation(name));
        self.counts.push(vec![0; self.result_names.len()]);
        id
    }

    pub(super) fn result_id(&mut self, name: &[u8]) -> u32 {
        if let Some(id) = self.results.get(name) {
            return id;
        }
        let id = self.result_names.len() as u32;
        self.results.insert(name, id);
        self.result_names.push(name.into());
        let class = status::classify(name);
        self.result_classes.push(class);
        self.result_valid.push(
            class.is_some()
                || !matches!(
                    status::read_result(&String::from_utf8_lossy(name)),
                    ReadResult::Invalid
                ),
        );
        for row in &mut self.counts {
            row.push(0);
        }
        id
    }
}
