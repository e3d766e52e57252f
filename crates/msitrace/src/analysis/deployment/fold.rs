//! Joining a tool's failure to the MSI log session it ran, so that the report tells one story.

use super::DeploymentFailure;
use crate::analysis::{InputReport, SessionReport};
use crate::codes;
use crate::findings::{EvidenceRole, Finding, Severity};

/// Join the failures of tool logs to the MSI sessions they ran: when the MSI log a failure names
/// is an input (same file name, or a collected copy ending with it), or else when a failed
/// session ended with the same status, the failure's lines become evidence of that session's
/// finding instead of a finding of their own. Returns the findings that stand alone, each told
/// whether its MSI log is among the inputs.
pub fn fold_into_sessions(
    failures: Vec<DeploymentFailure>,
    findings: &mut [Finding],
    sessions: &[SessionReport],
    inputs: &[InputReport],
) -> Vec<Finding> {
    let mut rest = Vec::new();
    for failure in failures {
        let log_input = failure.msi_log.as_deref().and_then(|log| {
            let name = log
                .rsplit(['\\', '/'])
                .next()
                .unwrap_or(log)
                .to_ascii_lowercase();
            inputs.iter().find(|i| {
                std::path::Path::new(&i.path).file_name().is_some_and(|f| {
                    !name.is_empty() && f.to_string_lossy().to_ascii_lowercase().ends_with(&name)
                })
            })
        });
        let wrapped = codes::HResult::decode(failure.code).win32_code();
        let same_status = |s: &SessionReport| {
            s.outcome
                .as_ref()
                .is_some_and(|o| o.code == failure.code || Some(o.code) == wrapped)
        };
        let owner = findings.iter().position(|f| {
            f.severity == Severity::Error
                && f.session.is_some_and(|i| {
                    sessions.get(i).is_some_and(|s| match log_input {
                        Some(input) => s.input == input.id,
                        None => same_status(s),
                    })
                })
        });
        let mut finding = failure.finding;
        match owner {
            Some(i) => {
                let s = &mut findings[i];
                if let Some(first) = finding
                    .evidence
                    .iter()
                    .find(|e| e.role != EvidenceRole::Context)
                {
                    s.summary.push_str(&format!(
                        " {} ({})",
                        finding.title.split(" — ").next().unwrap_or(&finding.title),
                        first.place()
                    ));
                    if !s.summary.ends_with('.') {
                        s.summary.push('.');
                    }
                }
                for mut e in finding.evidence {
                    if e.role != EvidenceRole::Context && !s.evidence.contains(&e) {
                        e.role = EvidenceRole::Outcome;
                        s.evidence.push(e);
                    }
                }
            }
            None => {
                if let Some(input) = log_input {
                    finding
                        .summary
                        .push_str(&format!(" That log is among the inputs ({}).", input.path));
                }
                rest.push(finding);
            }
        }
    }
    rest
}
