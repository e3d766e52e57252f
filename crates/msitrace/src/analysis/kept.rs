//! A record of an event log kept for the findings, with its place and time.

use crate::event::meaning::RecordMeaning;
use crate::event::{EventRecord, Location};
use crate::findings::{Evidence, EvidenceRole};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::sync::Arc;

/// A record kept for the findings.
#[derive(Debug, Clone)]
pub(super) struct Kept {
    pub(super) at: Location,
    pub(super) time: Option<DateTime<Utc>>,
    /// The local time as read, which orders the records of a copy whose UTC instants are not
    /// known yet (Event Viewer saves its lists newest first).
    pub(super) local: Option<NaiveDateTime>,
    /// For a record copied as text, the user's own line holding its message, and its number:
    /// what the evidence cites.
    pub(super) quoted: Option<(u64, String)>,
    pub(super) record: Arc<EventRecord>,
}

impl Kept {
    pub(super) fn evidence(&self, path: &str, role: EvidenceRole) -> Evidence {
        if let Some((line, text)) = &self.quoted {
            return Evidence::new(path, Location::Line(*line), text, role);
        }
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
