//! What happened around installations, ranked by the installations near it.
//!
//! An installer process that crashed or hung while an installation failed is a likely cause of
//! that failure: the finding is an error tied to that installation's session. The same crash with
//! no failed installation near it (a servicing process, a setup program run another day) is
//! ambient noise on a busy machine and stays a warning.
//!
//! A service that failed to start (Service Control Manager 7000/7038/7041, …) after an
//! installation that succeeded is a warning about that installation, not a failure of it: the
//! installer said it worked; the service it installed did not start.
//!
//! The event logs say what happened ([`super::eventlog`]); the installations come from every
//! input (`installs::install_spans`).

use super::SessionReport;
use crate::findings::{Finding, Severity};
use chrono::{DateTime, Duration, Utc};

/// A finding about something that happened around installations, with the times of its records.
#[derive(Debug, Clone)]
pub struct Timed {
    /// The finding.
    pub finding: Finding,
    /// When its records were written.
    pub times: Vec<DateTime<Utc>>,
}

/// An installation on the UTC timeline.
#[derive(Debug, Clone, Copy)]
pub struct InstallSpan {
    /// Index of the session in the report.
    pub session: usize,
    /// First time.
    pub start: DateTime<Utc>,
    /// Last time.
    pub end: DateTime<Utc>,
    /// True when the installation failed.
    pub failed: bool,
}

impl InstallSpan {
    /// True when `t` falls in the installation, or just before or after it (a crash report is
    /// written after the crash; the outcome after the process ended).
    fn holds(&self, t: DateTime<Utc>) -> bool {
        t >= self.start - Duration::minutes(2) && t <= self.end + Duration::minutes(5)
    }

    /// True when `t` comes after the installation ended, within half an hour (a service the
    /// installation started, or the first start after it).
    fn follows(&self, t: DateTime<Utc>) -> bool {
        t >= self.start && t <= self.end + Duration::minutes(30)
    }
}

/// `the failed install of X` / `the install of X`
fn what(s: &SessionReport, failed: bool) -> String {
    let adjective = if failed { "failed " } else { "" };
    match &s.product {
        Some(p) => format!("the {adjective}{} of {p}", s.operation),
        None => format!("the {adjective}{}", s.operation),
    }
}

/// The findings of the crashes: an error tied to the failed installation it happened in, else a
/// warning saying no installation failed near it.
pub(super) fn rank_crashes(
    crashes: Vec<Timed>,
    spans: &[InstallSpan],
    sessions: &[SessionReport],
) -> Vec<Finding> {
    crashes
        .into_iter()
        .map(|c| {
            let mut f = c.finding;
            let near = spans
                .iter()
                .filter(|s| s.failed)
                .find(|s| c.times.iter().any(|&t| s.holds(t)));
            match near {
                Some(span) => {
                    let what = what(&sessions[span.session], true);
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

/// The findings of the services: a service failure right after an installation that succeeded
/// (and near no failed one) is a warning about that installation.
pub(super) fn rank_services(
    services: Vec<Timed>,
    spans: &[InstallSpan],
    sessions: &[SessionReport],
) -> Vec<Finding> {
    services
        .into_iter()
        .map(|s| {
            let mut f = s.finding;
            let Some(first) = s.times.iter().min().copied() else {
                return f;
            };
            let near_failure = spans
                .iter()
                .any(|span| span.failed && s.times.iter().any(|&t| span.holds(t)));
            let after = spans
                .iter()
                .filter(|span| !span.failed && span.follows(first))
                .max_by_key(|span| span.end);
            if let (false, Some(span), Severity::Error) = (near_failure, after, f.severity) {
                let what = what(&sessions[span.session], false);
                f.severity = Severity::Warning;
                f.session = Some(span.session);
                f.summary.push_str(&format!(
                    " It happened after {what}, which succeeded: the installation worked, the service did not start."
                ));
            }
            f
        })
        .collect()
}
