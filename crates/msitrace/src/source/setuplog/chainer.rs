//! The setup chainer logs of .NET Framework 4.x, Visual C++ runtimes and other Microsoft
//! redistributables and service packs (`Microsoft .NET Framework 4.8 Setup_*.txt`,
//! `dd_vcredist*.txt`, `* Setup_*.html` saved as text).
//!
//! | shape | example |
//! |---|---|
//! | line | `[3/13/2012, 12:25:19] Action: Performing actions on all Items` (the time may be absent) |
//! | item result | `MSI returned 0x643` · `PerformMsiOperation returned 0x643` · `Exe (C:\...\x.msu) failed with 0x80240017 - ...` |
//! | item log | `MSI (C:\...\netfx_Core_x64.msi) Installation failed. Msi Log: ...MSI_netfx_Core_x64.msi.txt` |
//! | relayed message | `Returning IDOK. INSTALLMESSAGE_ERROR [Error 1712.One or more of the files ...]` |
//! | final result | `Final Result: Installation failed with error code: (0x80070643), "Fatal error during installation. " (Elapsed time: 0 00:14:09).` |

use crate::event::ExitVerdict;
use crate::source::relay::{self, ExitMention};
use crate::source::toollog::dialect::{parse_date, parse_time, Grammar, Head, RawEntry, Reading};
use regex::Regex;
use std::sync::LazyLock;

static LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\[(?P<date>[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}), (?P<time>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2})\]\s*(?P<msg>.*)$",
    )
    .expect("chainer line regex")
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Final Result: Installation|PerformMsiOperation|INSTALLMESSAGE_|Entering Function:|Action: Performing|Launching CreateProcess with command line|Exe Log File:|Msi Log:|OnFailureBehavior for this item")
        .expect("chainer strong regex")
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\[[0-9/]+, [0-9:]+\]\s*)?(?:OS Version = |OS Description = |CommandLine = |Using Simultaneous Download and Install|Action complete)")
        .expect("chainer weak regex")
});

static RETURNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:MSI|Msi|Msp|Exe|PerformMsiOperation|PerformOperation|MsiInstallProduct|MsiApplyPatch)\b.*?\breturned\s+(?P<code>0x[0-9a-f]+|-?[0-9]+)").expect("returned regex")
});

static FAILED_WITH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bfailed with (?P<code>0x[0-9a-f]+|-?[0-9]+)\b").expect("failed-with regex")
});

static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:MSI|Msi|Msp|Exe|Patch)\s*\((?P<path>[^)]{1,512})\)").expect("item regex")
});

/// How strongly lines look like a setup chainer log.
pub(crate) fn score(lines: &[&str]) -> u32 {
    super::super::pkgmgr::count(lines, &STRONG, Some(&WEAK))
}

/// The setup chainer grammar.
#[derive(Debug, Default)]
pub(crate) struct SetupChainer;

impl Grammar for SetupChainer {
    fn head(&mut self, line: &str) -> Option<Head> {
        if let Some(c) = LINE.captures(line) {
            let date = parse_date(&c["date"]).map(|(d, _)| d);
            let time = parse_time(&c["time"]);
            return Some(Head {
                when: date.zip(time).map(|(d, t)| d.and_time(t)),
                time,
                message: c["msg"].to_string(),
                ..Head::default()
            });
        }
        Some(Head {
            message: line.trim().to_string(),
            ..Head::default()
        })
    }

    fn headless_continues(&self) -> bool {
        false
    }

    fn read(&mut self, entry: &RawEntry) -> Reading {
        let m = entry.message.trim();
        let mut reading = Reading::default();
        if let Some(c) = ITEM.captures(m) {
            let name = c["path"].rsplit(['\\', '/']).next().unwrap_or(&c["path"]);
            reading.subject = Some(crate::text::cut(name, 256).to_string());
        }
        if let Some(c) = RETURNED.captures(m) {
            reading.exit = relay::parse_code(&c["code"]).map(|code| ExitMention {
                code,
                verdict: None,
                subject: reading.subject.clone(),
            });
        } else if !m.starts_with("Final Result") {
            if let Some(c) = FAILED_WITH.captures(m) {
                reading.exit = relay::parse_code(&c["code"]).map(|code| ExitMention {
                    code,
                    verdict: Some(ExitVerdict::Failure),
                    subject: reading.subject.clone(),
                });
            }
        }
        reading
    }
}

#[cfg(test)]
mod tests {
    use crate::event::{DeploymentTool, Kind};
    use crate::source::toollog::{ToolForm, ToolLogReader};

    #[test]
    fn item_results_relayed_message_and_final_result() {
        let text = "Returning IDOK. INSTALLMESSAGE_ERROR [Error 1712.One or more of the files required to restore your computer to its previous state could not be found.]\nPatch (c:\\x\\VS10-KB2182621.msp) Install failed on product (Microsoft Team Foundation Server 2010 - ENU). Msi Log:\nMSI returned 0x643\nPerformMsiOperation returned 0x643\nFinal Result: Installation failed with error code: (0x80070643), \"Fatal error during installation. \" (Elapsed time: 0 00:14:09).\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(r.form(), Some(ToolForm::SetupChainer));
        let codes: Vec<_> = events
            .iter()
            .filter_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some((x.code, x.tool)),
                _ => None,
            })
            .collect();
        assert_eq!(
            codes,
            [
                (0x643, DeploymentTool::SetupChainer),
                (0x643, DeploymentTool::SetupChainer),
                (0x8007_0643, DeploymentTool::SetupChainer)
            ]
        );
        assert!(events
            .iter()
            .any(|e| matches!(&e.kind, Kind::MsiMessage(m) if m.code == 1712)));
    }

    #[test]
    fn timestamps_without_padding() {
        let text = "[3/13/2012, 12:5:9] Action: Performing actions on all Items\n[3/13/2012, 12:5:10] Exe (C:\\t\\Windows6.1-KB958488-v6001-x64.msu) failed with 0x80240017 - The update is not applicable to your computer.\n";
        let mut r = ToolLogReader::from_text(text.as_bytes());
        let events: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(
            events[0].time.local_datetime().unwrap().to_string(),
            "2012-03-13 12:05:09"
        );
        let x = events
            .iter()
            .find_map(|e| match &e.kind {
                Kind::DeploymentExit(x) => Some(x.as_ref()),
                _ => None,
            })
            .unwrap();
        assert_eq!(x.code, 0x8024_0017);
        assert_eq!(
            x.subject.as_deref(),
            Some("Windows6.1-KB958488-v6001-x64.msu")
        );
    }
}
