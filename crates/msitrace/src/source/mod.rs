//! Source parsers: one streaming parser per input format, each an iterator of
//! `Result<Event, SourceError>` so one bad entry never ends the input.
//!
//! - [`msilog`]: Windows Installer logs (`msiexec /l*v`).
//! - [`burn`]: WiX Burn bundle logs.

pub mod burn;
pub mod msilog;

/// An error while reading one input, with the position where it happened.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The input could not be read any further.
    #[error("read failed at line {line}: {source}")]
    Read {
        /// Line being read when the error happened.
        line: u64,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
