//! The reader shared by the logs of the tools around the installer: ConfigMgr and Intune client
//! logs ([`super::cmtrace`]), package-manager and deployment-tool output ([`super::pkgmgr`]) and
//! product setup logs ([`super::setuplog`]).
//!
//! Each form is a *dialect*: it groups lines into entries (a CMTrace message spans lines until its
//! `]LOG]!>`; an indented line continues the entry before it) and reads each entry's time, level,
//! component and thread. [`ToolLogReader`] does the rest the same way for all of them: every entry
//! becomes a [`Kind::LogEntry`] event at its first line; an installer line it relays word for word
//! becomes the installer's own event ([`Kind::MsiMessage`], [`Kind::MsiAction`], ...) at the same
//! line; an exit status becomes a [`Kind::DeploymentExit`] carrying the `msiexec` command the log
//! named before it and the MSI log that command wrote.
//!
//! Detection is by content ([`detect`], over the first lines); the reader detects again from the
//! lines it reads first, so it needs only the source (see [`ToolLogReader::new`]).
//!
//! ```
//! use msitrace::source::toollog::{ToolLogReader, ToolForm};
//! use msitrace::event::Kind;
//! let log = "<![LOG[Matched exit code 1603 to a Failure entry in exit codes table.]LOG]!><time=\"10:00:01.000+000\" date=\"01-13-2016\" component=\"AppEnforce\" context=\"\" type=\"3\" thread=\"2216\" file=\"appexcnlib.cpp:505\">\n";
//! let mut reader = ToolLogReader::from_text(log.as_bytes());
//! let events: Vec<_> = reader.by_ref().collect::<Result<_, _>>().unwrap();
//! assert_eq!(reader.form(), Some(ToolForm::CmTrace));
//! assert!(events.iter().any(|e| matches!(&e.kind, Kind::DeploymentExit(x) if x.code == 1603)));
//! assert_eq!(reader.describe(), "ConfigMgr/Intune log (CMTrace), AppEnforce; 1 entry, 1 exit status (1 failed)");
//! ```

mod detect;
pub(crate) mod dialect;
pub(crate) mod form;
mod reader;
#[cfg(test)]
mod tests;

pub use detect::{detect, detect_lines};
pub use dialect::{parse_date, parse_time};
pub use form::ToolForm;
pub use reader::{ToolLogCounts, ToolLogReader, QUOTED_PREFIX};

use crate::source::{
    EventStream, Feeds, Format, Opening, Recognised, Sniff, Source, SourceError, TimeBasis,
};

/// The tool-log reader as registered in [`crate::source::SOURCES`], once per format it reads.
pub struct ToolLogSource {
    format: Format,
}

impl ToolLogSource {
    /// ConfigMgr and Intune client logs.
    pub const CONFIGMGR: ToolLogSource = ToolLogSource {
        format: Format::ConfigmgrLog,
    };
    /// Package-manager and deployment-tool output.
    pub const DEPLOYMENT: ToolLogSource = ToolLogSource {
        format: Format::DeploymentLog,
    };
    /// Product setup logs.
    pub const SETUP: ToolLogSource = ToolLogSource {
        format: Format::SetupLog,
    };
}

impl Source for ToolLogSource {
    fn format(&self) -> Format {
        self.format
    }

    fn feeds(&self) -> Feeds {
        Feeds::Deployment
    }

    fn time_basis(&self) -> TimeBasis {
        TimeBasis::Local
    }

    fn recognise(&self, sniff: &Sniff) -> Option<Recognised> {
        if self.format == Format::ConfigmgrLog {
            let cmtrace = sniff
                .lines
                .iter()
                .position(|l| crate::source::cmtrace::is_cmtrace_line(l));
            if let Some(line) = cmtrace {
                return Some(Recognised::Sure { line });
            }
        }
        let lines: Vec<&str> = sniff.lines.iter().map(String::as_str).collect();
        let form = detect_lines(&lines)?;
        (form.format() == self.format).then_some(Recognised::Probable)
    }

    fn open(&self, opening: &Opening<'_>) -> Result<Box<dyn EventStream>, SourceError> {
        Ok(Box::new(ToolLogReader::new(
            opening.reader()?,
            opening.encoding,
            opening.input,
        )))
    }
}
