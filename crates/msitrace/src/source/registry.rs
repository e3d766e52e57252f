//! The table of registered readers: one line per format. Detection asks each in turn
//! ([`crate::detect::detect_bytes`]); the analysis and `msitrace events` open inputs through it.

use super::burn::BurnLogSource;
use super::eventtext::EventTextSource;
use super::eventxml::EventXmlSource;
use super::evtx::EvtxSource;
use super::msilog::MsiLogSource;
use super::procmon::csv::ProcmonCsvSource;
use super::procmon::pml::ProcmonPmlSource;
use super::procmon::text::ProcmonTextSource;
use super::procmon::xml::ProcmonXmlSource;
use super::textscan::TextScanSource;
use super::toollog::ToolLogSource;
use super::Source;
use crate::source::Format;

/// Every reader, in the order detection breaks ties (binary formats first; the text scan,
/// which takes any readable text no other reader claims, last). The MSI log reader comes before
/// the tool logs': it is sure of a log from its first line, and detection then stops before the
/// tool-log readers compile their line patterns (about 5 ms of every MSI log's run).
pub static SOURCES: &[&dyn Source] = &[
    &EvtxSource,
    &ProcmonPmlSource,
    &MsiLogSource,
    &ToolLogSource::CONFIGMGR,
    &EventXmlSource,
    &ProcmonXmlSource,
    &ProcmonCsvSource,
    &BurnLogSource,
    &EventTextSource,
    &ProcmonTextSource,
    &ToolLogSource::SETUP,
    &ToolLogSource::DEPLOYMENT,
    &TextScanSource,
];

/// The reader registered for a format, when there is one.
pub fn source_for(format: Format) -> Option<&'static dyn Source> {
    SOURCES.iter().copied().find(|s| s.format() == format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_reader_per_format() {
        for (i, a) in SOURCES.iter().enumerate() {
            for b in &SOURCES[i + 1..] {
                assert_ne!(a.format(), b.format());
            }
        }
    }
}
