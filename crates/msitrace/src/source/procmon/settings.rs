//! Settings of the Process Monitor readers: what to keep of a capture.

use crate::source::KeepPolicy;

/// Settings of the Process Monitor readers.
#[derive(Debug, Clone, Copy)]
pub struct CaptureSettings {
    /// What to keep.
    pub keep: KeepPolicy,
    /// Most failure events kept per (process, operation, result, path class); the rest counted.
    pub max_per_failure: u32,
    /// Most probe results (`NAME NOT FOUND`, ...) kept per (process, operation, result) as samples.
    pub max_probe_samples: u32,
}

impl Default for CaptureSettings {
    fn default() -> Self {
        CaptureSettings {
            keep: KeepPolicy::OfInterest,
            max_per_failure: 64,
            max_probe_samples: 4,
        }
    }
}
