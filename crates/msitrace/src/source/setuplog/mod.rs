//! Product setup logs that relay Windows Installer results: SQL Server Setup Bootstrap
//! [`sql_summary`] (`Summary.txt`) and [`sql_detail`] (`Detail.txt`), the Visual Studio
//! Installer's [`vs`] logs (`dd_*.log`), and the [`chainer`] logs of .NET Framework and other
//! Microsoft redistributables.

pub mod chainer;
pub mod sql_detail;
pub mod sql_summary;
pub mod vs;

use crate::source::toollog::dialect::{Dialect, LineDialect};
use crate::source::toollog::form::ToolForm;

/// The setup-log form of an input's first lines, if any (the strongest, when strong enough).
pub(crate) fn detect_lines(lines: &[&str]) -> Option<ToolForm> {
    let scores = [
        (ToolForm::SqlSummary, sql_summary::score(lines)),
        (ToolForm::SqlDetail, sql_detail::score(lines)),
        (ToolForm::VisualStudio, vs::score(lines)),
        (ToolForm::SetupChainer, chainer::score(lines)),
    ];
    let (form, best) = scores
        .iter()
        .copied()
        .max_by_key(|(_, s)| *s)
        .unwrap_or((ToolForm::SqlSummary, 0));
    (best >= 3).then_some(form)
}

/// The dialect of a setup-log form.
pub(crate) fn dialect(form: ToolForm) -> Box<dyn Dialect> {
    match form {
        ToolForm::SqlSummary => Box::new(LineDialect::new(sql_summary::SqlSummary::default())),
        ToolForm::SqlDetail => Box::new(LineDialect::new(sql_detail::SqlDetail)),
        ToolForm::VisualStudio => Box::new(LineDialect::new(vs::VisualStudio)),
        _ => Box::new(LineDialect::new(chainer::SetupChainer)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_setup_log_is_told_apart() {
        let cases: &[(&[&str], ToolForm)] = &[
            (
                &["Overall summary:", "  Final result:                  Failed: see details below", "  Exit code (Decimal):           -2068774911"],
                ToolForm::SqlSummary,
            ),
            (
                &["(01) 2013-11-27 14:21:30 Slp: Error result: -2146232000"],
                ToolForm::SqlDetail,
            ),
            (&["Slp: Package ID sql_x: NotInstalled"], ToolForm::SqlDetail),
            (
                &["Package 'Microsoft.VisualCpp.Redist.14,version=14.16.27012,chip=x86' failed to install.", "    Return code details: Fatal error during installation."],
                ToolForm::VisualStudio,
            ),
            (
                &["Final Result: Installation failed with error code: (0x80070643), \"Fatal error during installation. \" (Elapsed time: 0 00:14:09)."],
                ToolForm::SetupChainer,
            ),
        ];
        for (lines, form) in cases {
            assert_eq!(detect_lines(lines), Some(*form), "{lines:?}");
        }
        assert_eq!(detect_lines(&["Summary", "all fine"]), None);
    }
}
