//! A record of an event log kept for the findings, with its place and time.

use crate::event::meaning::RecordMeaning;
use crate::event::{EventRecord, Location};
use crate::findings::{Evidence, EvidenceRole};
use chrono::{DateTime, Utc};

/// A record kept for the findings.
#[derive(Debug, Clone)]
pub(super) struct Kept {
    pub(super) at: Location,
    pub(super) time: Option<DateTime<Utc>>,
    pub(super) record: Box<EventRecord>,
}

impl Kept {
    pub(super) fn evidence(&self, path: &str, role: EvidenceRole) -> Evidence {
        let mut text = self.record.summary_line();
        if let Some(t) = self.time {
            text = format!("{} {text}", t.format("%Y-%m-%dT%H:%M:%SZ"));
        }
        Evidence::new(path, self.at, &text, role)
    }

    pub(super) fn meaning(&self) -> Option<&RecordMeaning> {
        self.record.meaning.as_deref()
    }
}
