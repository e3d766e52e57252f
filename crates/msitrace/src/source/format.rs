//! The formats msitrace knows ([`Format`]) and the start of an input as the readers' detection
//! sees it ([`Sniff`]).

use crate::text::{sniff_encoding, LineReader, TextEncoding};
use serde::{Deserialize, Serialize};

/// The formats msitrace recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Windows Installer log (`msiexec /l*v`, verbose or not).
    MsiLog,
    /// WiX Burn bundle log.
    BurnLog,
    /// Windows event log file (`.evtx`).
    Evtx,
    /// Event Viewer / `wevtutil` XML export.
    EventXml,
    /// Event-log records copied as text: Event Viewer's General tab or XML view, `wevtutil
    /// /f:text`, `Format-List`, a saved CSV or tab-delimited list (see
    /// [`crate::source::eventtext`]).
    EventText,
    /// Process Monitor CSV export.
    ProcmonCsv,
    /// Process Monitor XML export.
    ProcmonXml,
    /// Process Monitor rows or Event Properties copied as text (see
    /// [`crate::source::procmon::text`]).
    ProcmonText,
    /// A ConfigMgr or Intune client log (CMTrace, SMS trace, a CMTrace copy or its messages).
    ConfigmgrLog,
    /// Package-manager or deployment-tool output (Chocolatey, winget, Ansible, Puppet, Chef,
    /// PowerShell, PSAppDeployToolkit).
    DeploymentLog,
    /// A product setup log relaying installer results (SQL Server Setup, Visual Studio
    /// Installer, .NET Framework setup).
    SetupLog,
    /// Text of no known log form (a ticket, a post, notes), scanned for installer signals (see
    /// [`crate::source::textscan`]).
    Text,
    /// Process Monitor native capture (`.PML`).
    ProcmonPml,
    /// A zip bundle of collected logs.
    Zip,
    /// A gzip-compressed file.
    Gzip,
}

impl Format {
    /// Whether this version of msitrace can analyse the format (a reader is registered for it).
    pub fn is_supported(self) -> bool {
        super::source_for(self).is_some()
    }

    /// The name rule files use for the format's family (`source = "msilog"`): `msilog`,
    /// `burnlog`, `eventlog`, `procmon` or `toollog`; `bundle` for zip and gzip files.
    pub fn family(self) -> &'static str {
        match self {
            Format::MsiLog => "msilog",
            Format::BurnLog => "burnlog",
            Format::Evtx | Format::EventXml | Format::EventText => "eventlog",
            Format::ProcmonCsv | Format::ProcmonXml | Format::ProcmonText | Format::ProcmonPml => {
                "procmon"
            }
            Format::ConfigmgrLog | Format::DeploymentLog | Format::SetupLog | Format::Text => {
                "toollog"
            }
            Format::Zip | Format::Gzip => "bundle",
        }
    }

    /// Human name of the format.
    pub fn label(self) -> &'static str {
        match self {
            Format::MsiLog => "Windows Installer log",
            Format::BurnLog => "WiX Burn log",
            Format::Evtx => "EVTX event log",
            Format::EventXml => "event-log XML export",
            Format::EventText => "event-log text copy",
            Format::ProcmonCsv => "Process Monitor CSV",
            Format::ProcmonXml => "Process Monitor XML",
            Format::ProcmonText => "Process Monitor text copy",
            Format::ConfigmgrLog => "ConfigMgr/Intune log",
            Format::DeploymentLog => "package-manager or deployment-tool output",
            Format::SetupLog => "product setup log",
            Format::Text => "text, no known log form",
            Format::ProcmonPml => "Process Monitor PML capture",
            Format::Zip => "zip bundle",
            Format::Gzip => "gzip file",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// The start of an input as detection sees it: the first bytes and the first lines decoded.
#[derive(Debug)]
pub struct Sniff<'a> {
    /// The first bytes (up to [`SNIFF_LEN`]).
    pub head: &'a [u8],
    /// The text encoding the bytes suggest (for text formats).
    pub encoding: TextEncoding,
    /// The first non-empty lines (up to 200), decoded, trimmed, byte-order mark removed.
    pub lines: Vec<String>,
}

impl<'a> Sniff<'a> {
    /// Decode the first lines of `head` (a possibly cut last character is not decoded).
    pub fn new(head: &'a [u8]) -> Self {
        let encoding = sniff_encoding(head);
        let mut reader = LineReader::new(head, encoding);
        let mut lines = Vec::new();
        while let Some(line) = reader.next_line().ok().flatten() {
            let t = line.text.trim_start_matches('\u{feff}').trim();
            if t.is_empty() {
                continue;
            }
            lines.push(t.to_string());
            if lines.len() >= 200 {
                break;
            }
        }
        Sniff {
            head,
            encoding,
            lines,
        }
    }

    /// The first line, when there is one.
    pub fn first_line(&self) -> Option<&str> {
        self.lines.first().map(String::as_str)
    }

    /// The first lines joined, up to about `limit` bytes (for markers that may be split across
    /// lines, such as XML roots).
    pub fn text(&self, limit: usize) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(line);
            if out.len() > limit {
                break;
            }
        }
        out
    }
}
