//! What the Process Monitor exports share: the columns, the operation classes, the `Result` and
//! `Detail` grammars, turning one row into typed events, and what to keep of a capture.
//!
//! A capture has millions of rows, mostly successful. [`Keeper`] decides per row, on bytes, what is
//! kept as an [`Event`] — failures, process lifecycle, the successful retry of a denied
//! `All Access` open — and counts everything by operation and result in a [`CaptureTally`], so
//! memory grows with what is kept, not with the file. The CSV ([`csv`]) and XML
//! ([`xml`]) readers feed it.

pub mod clock;
mod columns;
pub mod csv;
pub mod detail;
mod full;
mod intern;
mod keeper;
mod operation;
pub mod pml;
mod row;
mod settings;
pub mod status;
mod tally;
pub mod text;
pub mod xml;

pub use columns::Column;
pub use full::FullKeys;
pub use intern::{FastMap, WordHasher};
pub use keeper::{Keeper, RowDecision, RowProblem};
pub use operation::operation_class;
pub use row::{row_date, row_date_note, row_event, row_process_event, row_process_info, RowText};
pub use settings::CaptureSettings;
pub use tally::{CaptureTally, FailureKey, OperationCount};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::*;

    fn row<'a>(op: &'a str, result: &'a str, detail: &'a str) -> RowText<'a> {
        RowText {
            time: Some("7:19:37.0147934 AM"),
            process: Some("msiexec.exe"),
            pid: Some("4242"),
            operation: Some(op),
            path: Some(r"C:\Users\jo\AppData\Local\Temp\MSI1.tmp"),
            result: Some(result),
            detail: Some(detail),
            ..Default::default()
        }
    }

    #[test]
    fn operation_row_is_typed() {
        let e = row_event(
            &row(
                "CreateFile",
                "ACCESS DENIED",
                "Desired Access: Generic Write, Read Attributes, Disposition: OverwriteIf",
            ),
            7,
            0,
        )
        .unwrap();
        assert_eq!(e.at, Location::Row(7));
        let Kind::Operation(op) = &e.kind else {
            panic!()
        };
        assert_eq!(op.class, OperationClass::File);
        assert_eq!(op.status.as_ref().unwrap().code, Some(0xC000_0022));
        assert_eq!(op.detail("Disposition"), Some("OverwriteIf"));
        assert_eq!(
            op.target.as_ref().unwrap().known,
            Some(crate::paths::KnownFolder::Temp)
        );
        assert_eq!(e.process.as_ref().unwrap().pid, 4242);
    }

    #[test]
    fn process_rows() {
        let e = row_event(
            &row(
                "Process Start",
                "SUCCESS",
                "Parent PID: 1328, Command line: \"a.exe\" /q, Current directory: C:\\x\\, Environment: ;\tA=1",
            ),
            1,
            0,
        )
        .unwrap();
        let Kind::ProcessStart(s) = &e.kind else {
            panic!()
        };
        assert_eq!(s.parent, Some(1328));
        assert_eq!(s.command_line.as_deref(), Some("\"a.exe\" /q"));
        let e = row_event(
            &row(
                "Process Exit",
                "SUCCESS",
                "Exit Status: -1073740756, User Time: 0.0 seconds",
            ),
            2,
            0,
        )
        .unwrap();
        assert_eq!(
            e.kind,
            Kind::ProcessExit {
                pid: 4242,
                status: Some(0xC000_042C)
            }
        );
    }

    #[test]
    fn bad_fields_name_row_and_column() {
        let mut r = row("CreateFile", "SUCCESS", "");
        r.pid = Some("12x");
        let err = row_event(&r, 9, 0).unwrap_err().to_string();
        assert!(err.contains("row 9") && err.contains("PID"), "{err}");
        let mut r = row("CreateFile", "SUCCESS", "");
        r.time = Some("99:99");
        let err = row_event(&r, 3, 0).unwrap_err().to_string();
        assert!(
            err.contains("row 3") && err.contains("Time of Day"),
            "{err}"
        );
    }

    #[test]
    fn keeper_keeps_failures_and_lifecycle_counts_the_rest() {
        let mut k = Keeper::new(CaptureSettings::default());
        let d = |k: &mut Keeper, row, op: &str, res: &str, path: &str, detail: &str| {
            k.decide(
                row,
                Some(10),
                None,
                b"msiexec.exe",
                op.as_bytes(),
                res.as_bytes(),
                path.as_bytes(),
                detail.as_bytes(),
            )
            .unwrap()
        };
        assert_eq!(
            d(&mut k, 1, "Process Start", "SUCCESS", "", ""),
            RowDecision::WithProcessInfo
        );
        assert_eq!(
            d(&mut k, 2, "ReadFile", "SUCCESS", "C:\\a", ""),
            RowDecision::No
        );
        assert_eq!(
            d(&mut k, 3, "ReadFile", "END OF FILE", "C:\\a", ""),
            RowDecision::No
        );
        assert_eq!(
            d(
                &mut k,
                4,
                "CreateFile",
                "ACCESS DENIED",
                "C:\\a",
                "Desired Access: All Access"
            ),
            RowDecision::Yes
        );
        // The narrower retry of the denied open is kept; a second success is not.
        assert_eq!(
            d(&mut k, 5, "CreateFile", "SUCCESS", "C:\\a", ""),
            RowDecision::Yes
        );
        assert_eq!(
            d(&mut k, 6, "CreateFile", "SUCCESS", "C:\\a", ""),
            RowDecision::No
        );
        for row in 0..10 {
            d(&mut k, 7 + row, "CreateFile", "NAME NOT FOUND", "C:\\b", "");
        }
        let t = k.into_tally();
        assert_eq!(t.rows, 16);
        assert_eq!(t.kept, 3 + 4);
        let counts = t.operation_counts();
        assert_eq!(counts[0].operation, "CreateFile");
        assert_eq!(counts[0].result, "NAME NOT FOUND");
        assert_eq!(counts[0].count, 10);
    }

    #[test]
    fn keeper_keeps_lifecycle_successes_whatever_came_first() {
        let mut k = Keeper::new(CaptureSettings::default());
        let mut d = |row, op: &str, res: &str| {
            k.decide(
                row,
                Some(10),
                None,
                b"setup.exe",
                op.as_bytes(),
                res.as_bytes(),
                b"",
                b"Exit Status: 1603",
            )
            .unwrap()
        };
        // Operation names are first seen failing, in any order: their successes are still kept.
        d(1, "ReadFile", "SUCCESS");
        d(2, "Process Create", "ACCESS DENIED");
        d(3, "Process Exit", "NAME NOT FOUND");
        assert_eq!(d(4, "Process Exit", "SUCCESS"), RowDecision::Yes);
        assert_eq!(d(5, "Process Create", "SUCCESS"), RowDecision::Yes);
        assert_eq!(d(6, "Process Start", "SUCCESS"), RowDecision::Yes);
        assert_eq!(d(7, "ReadFile", "SUCCESS"), RowDecision::No);
    }

    #[test]
    fn keeper_folds_failures_by_process_operation_result_and_path_class() {
        let settings = CaptureSettings {
            max_per_failure: 2,
            ..Default::default()
        };
        let mut k = Keeper::new(settings);
        let mut d = |row, process: &str, res: &str, path: &str| {
            k.decide(
                row,
                Some(10),
                None,
                process.as_bytes(),
                b"CreateFile",
                res.as_bytes(),
                path.as_bytes(),
                b"",
            )
            .unwrap()
        };
        // Two paths of one class share a key: the third row is over the cap of 2.
        assert_eq!(
            d(1, "a.exe", "ACCESS DENIED", r"C:\Windows\a"),
            RowDecision::WithProcessInfo
        );
        assert_eq!(
            d(2, "a.exe", "ACCESS DENIED", r"C:\Windows\b"),
            RowDecision::Yes
        );
        assert_eq!(
            d(3, "a.exe", "ACCESS DENIED", r"C:\Windows\a"),
            RowDecision::No
        );
        // Another process, result or class is another key.
        assert_eq!(
            d(4, "b.exe", "ACCESS DENIED", r"C:\Windows\a"),
            RowDecision::Yes
        );
        assert_eq!(
            d(5, "a.exe", "SHARING VIOLATION", r"C:\Windows\a"),
            RowDecision::Yes
        );
        assert_eq!(
            d(6, "a.exe", "ACCESS DENIED", r"HKLM\SOFTWARE\x"),
            RowDecision::Yes
        );
        let t = k.into_tally();
        let key = FailureKey {
            process: "a.exe".into(),
            operation: "CreateFile".into(),
            result: "ACCESS DENIED".into(),
            path_class: "%SystemRoot%".into(),
        };
        // Every failing row is counted, kept or not.
        assert_eq!(t.failures.get(&key), Some(&3));
        assert_eq!(t.failures.len(), 4);
        assert_eq!(t.kept, 5);
    }

    #[test]
    fn keeper_classes_paths_too_long_to_remember() {
        let mut k = Keeper::new(CaptureSettings::default());
        let long = format!(r"C:\Windows\{}", "x".repeat(600));
        for row in 1..=3 {
            k.decide(
                row,
                Some(10),
                None,
                b"a.exe",
                b"CreateFile",
                b"ACCESS DENIED",
                long.as_bytes(),
                b"",
            )
            .unwrap();
        }
        let t = k.into_tally();
        let classes: Vec<_> = t
            .failures
            .iter()
            .map(|(k, n)| (k.path_class.as_str(), *n))
            .collect();
        assert_eq!(classes, [("%SystemRoot%", 3)]);
    }

    #[test]
    fn keeper_rejects_garbage_operation_and_result() {
        let mut k = Keeper::new(CaptureSettings::default());
        let r = k.decide(1, Some(1), None, b"x", b"\x01\x02", b"SUCCESS", b"", b"");
        assert_eq!(r, Err(RowProblem::BadOperation));
        let r = k.decide(
            2,
            Some(1),
            None,
            b"x",
            b"CreateFile",
            b"not a result!",
            b"",
            b"",
        );
        assert_eq!(r, Err(RowProblem::BadResult));
        let r = k.decide(
            3,
            Some(1),
            None,
            b"x",
            b"Frobnicate",
            b"NEW STATUS",
            b"",
            b"",
        );
        assert!(r.is_ok());
        let t = k.into_tally();
        assert_eq!(t.unknown_operations, vec![("Frobnicate".to_string(), 3)]);
        assert_eq!(t.unknown_results, vec![("NEW STATUS".to_string(), 3)]);
    }
}
