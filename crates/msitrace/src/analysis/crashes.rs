//! Crashes of installer processes, ranked by the installations around them.
//!
//! An installer process that crashed or hung while an installation failed is a likely cause of
//! that failure: the finding is an error tied to that installation's session. The same crash with
//! no failed installation near it (a servicing process, a setup program run another day) is
//! ambient noise on a busy machine and stays a warning. The event logs say which crashes there
//! were ([`super::eventlog`]); the failed installations come from every input
//! ([`super::installs::failed_spans`]).

use super::SessionReport;
use crate::findings::{Finding, Severity};
use chrono::{DateTime, Duration, Utc};

/// A crash or hang of an installer process, as a warning until a failed installation is near it.
#[derive(Debug, Clone)]
pub struct Crash {
    /// The finding (a warning).
    pub finding: Finding,
    /// When the records about it were written.
    pub times: Vec<DateTime<Utc>>,
}

/// A failed installation on the UTC timeline: its session and its first and last time.
#[derive(Debug, Clone, Copy)]
pub struct FailedSpan {
    /// Index of the session in the report.
    pub session: usize,
    /// First time.
    pub start: DateTime<Utc>,
    /// Last time.
    pub end: DateTime<Utc>,
}

impl FailedSpan {
    /// True when `t` falls in the installation, or just before or after it (the crash report is
    /// written after the crash; the outcome after the process ended).
    fn holds(&self, t: DateTime<Utc>) -> bool {
        t >= self.start - Duration::minutes(2) && t <= self.end + Duration::minutes(5)
    }
}

/// The findings of the crashes: an error tied to the failed installation it happened in, else a
/// warning saying no installation failed near it.
pub(super) fn rank(
    crashes: Vec<Crash>,
    failed: &[FailedSpan],
    sessions: &[SessionReport],
) -> Vec<Finding> {
    crashes
        .into_iter()
        .map(|c| {
            let mut f = c.finding;
            let near = failed
                .iter()
                .find(|s| c.times.iter().any(|&t| s.holds(t)));
            match near {
                Some(span) => {
                    let s = &sessions[span.session];
                    let what = match &s.product {
                        Some(p) => format!("the failed {} of {p}", s.operation),
                        None => format!("a failed {}", s.operation),
                    };
                    f.severity = Severity::Error;
                    f.session = Some(span.session);
                    f.title = format!("{} during {what}", f.title);
                    f.summary
                        .push_str(&format!(" It happened during {what}, and may be its cause."));
                }
                None => {
                    f.summary.push_str(" No installation failed near it in the inputs: on its own, a crash of this process is not an installation failure.");
                }
            }
            f
        })
        .collect()
}
