//! `.zip` bundles of collected logs, read safely.
//!
//! Users receive what was collected on a failing machine as a zip. [`open_zip`] reads every entry,
//! recognises logs by content ([`crate::detect::detect_bytes`], never by name) and copies each
//! recognised entry into a private temporary folder under a generated name (`entry-00001`), from
//! which the analysis streams it like any other file. The names stored in the archive are only ever
//! *shown* (as `bundle.zip!/folder/install.log`), never used to create a file, so an entry named
//! `../../etc/passwd` cannot write anywhere; such names are refused and reported all the same.
//!
//! Decompression is bounded ([`BundleLimits`]): an entry larger than the per-entry limit, an
//! archive whose entries add up to more than the total limit, or an entry that expands more than
//! the ratio limit (a zip bomb) is refused with an error naming the entry; so is an entry whose
//! compressed data is another entry's (a bomb of entries sharing one kernel), and the entries
//! past the point where the archive has expanded more than the ratio limit times its own size. A corrupt archive is an
//! error for that input only; the other inputs are still analysed.

use crate::detect::{detect_bytes, Detected, SNIFF_LEN};
use crate::source::Format;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Bounds on what reading a bundle may decompress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleLimits {
    /// Largest decompressed size of one entry, in bytes.
    pub max_entry_bytes: u64,
    /// Largest decompressed size of all entries of one archive, in bytes.
    pub max_total_bytes: u64,
    /// Largest ratio of decompressed to compressed size of one entry (entries under 1 MiB are exempt).
    pub max_ratio: u64,
    /// Most entries read from one archive.
    pub max_entries: usize,
}

impl Default for BundleLimits {
    fn default() -> Self {
        BundleLimits {
            max_entry_bytes: 4 << 30,
            max_total_bytes: 16 << 30,
            max_ratio: 250,
            max_entries: 10_000,
        }
    }
}

/// Entries at most this size are never refused for their compression ratio (a 1 MiB log of one
/// repeated line is not a bomb).
const RATIO_EXEMPT: u64 = 1 << 20;

/// An archive may always expand to this much in all; beyond, to at most [`BundleLimits::max_ratio`]
/// times its own size (many small entries that each pass the ratio check are a bomb too).
const TOTAL_RATIO_EXEMPT: u64 = 64 << 20;

/// Why a bundle, or one of its entries, could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The archive (or its temporary folder) could not be read or written.
    #[error("{archive}: cannot read the bundle: {source}")]
    Io {
        /// The archive as shown.
        archive: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Not a readable zip archive.
    #[error("{archive}: corrupt or unsupported zip archive ({detail}); re-create the bundle")]
    Corrupt {
        /// The archive as shown.
        archive: String,
        /// What the zip reader said.
        detail: String,
    },
    /// An entry whose name leaves the bundle (`../`, an absolute path, a drive letter).
    #[error("{archive}!/{entry}: entry name leaves the bundle; refused and not read")]
    Traversal {
        /// The archive as shown.
        archive: String,
        /// The entry name as stored (control characters removed).
        entry: String,
    },
    /// An entry larger than [`BundleLimits::max_entry_bytes`].
    #[error("{archive}!/{entry}: entry expands beyond {limit} bytes; refused (possible zip bomb)")]
    EntryTooLarge {
        /// The archive as shown.
        archive: String,
        /// The entry name.
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// An entry that expands more than [`BundleLimits::max_ratio`] times its compressed size.
    #[error("{archive}!/{entry}: entry expands more than {limit} times its compressed size; refused (zip bomb)")]
    RatioTooHigh {
        /// The archive as shown.
        archive: String,
        /// The entry name.
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// The entries of the archive add up to more than [`BundleLimits::max_total_bytes`].
    #[error("{archive}!/{entry}: the bundle expands beyond {limit} bytes in all; this and later entries refused (possible zip bomb)")]
    TotalTooLarge {
        /// The archive as shown.
        archive: String,
        /// The first entry over the limit.
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// An entry whose compressed data is also another entry's (a zip bomb of entries sharing one
    /// compressed kernel).
    #[error("{archive}!/{entry}: entry shares its compressed data with another entry; refused (zip bomb)")]
    SharedData {
        /// The archive as shown.
        archive: String,
        /// The entry name.
        entry: String,
    },
    /// More entries than [`BundleLimits::max_entries`].
    #[error("{archive}: more than {limit} entries; the rest were not read")]
    TooManyEntries {
        /// The archive as shown.
        archive: String,
        /// The limit.
        limit: usize,
    },
    /// One entry could not be decompressed (damaged, encrypted, unsupported method).
    #[error("{archive}!/{entry}: cannot decompress the entry ({detail})")]
    Entry {
        /// The archive as shown.
        archive: String,
        /// The entry name.
        entry: String,
        /// What the zip reader said.
        detail: String,
    },
}

/// What became of one entry of a bundle.
#[derive(Debug)]
pub enum EntryOutcome {
    /// A recognised log, copied to `extracted` (a generated name in the bundle's private folder).
    Log {
        /// What detection found.
        detected: Detected,
        /// Where the decompressed content is.
        extracted: PathBuf,
    },
    /// Not a log msitrace recognises (or a nested archive): skipped.
    Skipped {
        /// Why, in a few words.
        reason: String,
    },
    /// Refused or unreadable.
    Refused(BundleError),
}

/// One entry of a bundle.
#[derive(Debug)]
pub struct BundleEntry {
    /// How the entry is shown: `archive!/name` (control characters removed).
    pub shown: String,
    /// What became of it.
    pub outcome: EntryOutcome,
}

/// An opened bundle: its entries and the private folder holding the recognised ones (removed when
/// the bundle is dropped).
#[derive(Debug)]
pub struct Bundle {
    /// Entries in archive order (folders left out).
    pub entries: Vec<BundleEntry>,
    /// Problems with the archive as a whole that did not stop it (too many entries).
    pub notes: Vec<BundleError>,
    _dir: tempfile::TempDir,
}

/// Open a zip bundle: recognise, bound and copy out its entries (see the module documentation).
pub fn open_zip(path: &Path, limits: &BundleLimits) -> Result<Bundle, BundleError> {
    open_zip_shown(path, &path.display().to_string(), limits)
}

/// [`open_zip`] for an archive shown under another name than its path (bytes received from
/// object storage and written to a private file): `shown` names it in entries and errors.
pub(crate) fn open_zip_shown(
    path: &Path,
    shown: &str,
    limits: &BundleLimits,
) -> Result<Bundle, BundleError> {
    let archive = shown.to_string();
    let io = |source| BundleError::Io {
        archive: archive.clone(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let archive_len = file.metadata().map_err(io)?.len();
    // The total allowed: the limit, and no more than the ratio times the archive's own size.
    let max_total = limits.max_total_bytes.min(
        archive_len
            .saturating_mul(limits.max_ratio)
            .max(TOTAL_RATIO_EXEMPT),
    );
    let mut zip =
        zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| BundleError::Corrupt {
            archive: archive.clone(),
            detail: e.to_string(),
        })?;
    let dir = tempfile::Builder::new()
        .prefix("msitrace-bundle-")
        .tempdir()
        .map_err(io)?;
    let mut entries = Vec::new();
    let mut notes = Vec::new();
    let mut total: u64 = 0;
    let mut over_total: Option<String> = None;
    // Compressed data of the entries read so far, by start: (start, end).
    let mut data_ranges: std::collections::BTreeMap<u64, u64> = Default::default();
    for index in 0..zip.len() {
        if index >= limits.max_entries {
            notes.push(BundleError::TooManyEntries {
                archive: archive.clone(),
                limit: limits.max_entries,
            });
            break;
        }
        let stored_name = zip
            .name_for_index(index)
            .map(clean_name)
            .unwrap_or_else(|| format!("#{index}"));
        let mut entry = match zip.by_index(index) {
            Ok(e) => e,
            Err(e) => {
                let name = stored_name;
                entries.push(BundleEntry {
                    shown: format!("{archive}!/{name}"),
                    outcome: EntryOutcome::Refused(BundleError::Entry {
                        archive: archive.clone(),
                        entry: name,
                        detail: e.to_string(),
                    }),
                });
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let name = clean_name(entry.name());
        let shown = format!("{archive}!/{name}");
        let refuse = |error| BundleEntry {
            shown: shown.clone(),
            outcome: EntryOutcome::Refused(error),
        };
        if entry.enclosed_name().is_none() || leaves_bundle(entry.name()) {
            entries.push(refuse(BundleError::Traversal {
                archive: archive.clone(),
                entry: name,
            }));
            continue;
        }
        if let Some(first) = &over_total {
            entries.push(refuse(BundleError::TotalTooLarge {
                archive: archive.clone(),
                entry: first.clone(),
                limit: max_total,
            }));
            continue;
        }
        let start = entry.data_start().unwrap_or_else(|| entry.header_start());
        let end = start.saturating_add(entry.compressed_size());
        let before = data_ranges.range(..=start).next_back();
        let after = data_ranges.range(start..).next();
        if end > start
            && (before.is_some_and(|(_, &e)| e > start) || after.is_some_and(|(&s, _)| s < end))
        {
            entries.push(refuse(BundleError::SharedData {
                archive: archive.clone(),
                entry: name,
            }));
            continue;
        }
        data_ranges.insert(start, end);
        let declared = entry.size();
        let compressed = entry.compressed_size().max(1);
        if declared > limits.max_entry_bytes {
            entries.push(refuse(BundleError::EntryTooLarge {
                archive: archive.clone(),
                entry: name,
                limit: limits.max_entry_bytes,
            }));
            continue;
        }
        if declared > RATIO_EXEMPT && declared / compressed > limits.max_ratio {
            entries.push(refuse(BundleError::RatioTooHigh {
                archive: archive.clone(),
                entry: name,
                limit: limits.max_ratio,
            }));
            continue;
        }
        // The declared size may lie: every read below is bounded by what was actually decompressed.
        let entry_limit = limits.max_entry_bytes.min(max_total.saturating_sub(total));
        let mut head = Vec::with_capacity(SNIFF_LEN.min(declared as usize + 1));
        if let Err(e) = (&mut entry).take(SNIFF_LEN as u64).read_to_end(&mut head) {
            entries.push(refuse(BundleError::Entry {
                archive: archive.clone(),
                entry: name,
                detail: e.to_string(),
            }));
            continue;
        }
        let detected = match detect_bytes(&head) {
            None if head.is_empty() => {
                entries.push(BundleEntry {
                    shown,
                    outcome: EntryOutcome::Skipped {
                        reason: "empty entry".into(),
                    },
                });
                continue;
            }
            None => {
                entries.push(BundleEntry {
                    shown,
                    outcome: EntryOutcome::Skipped {
                        reason: "not a recognised log: binary content of no known format".into(),
                    },
                });
                continue;
            }
            Some(d) if d.format == Format::Zip => {
                entries.push(BundleEntry {
                    shown,
                    outcome: EntryOutcome::Skipped {
                        reason: "nested archive not opened; extract it and give it separately"
                            .into(),
                    },
                });
                continue;
            }
            Some(d) => d,
        };
        let extracted = dir.path().join(format!("entry-{:05}", index + 1));
        let copied = (|| -> Result<u64, Refusal> {
            let mut written = head.len() as u64;
            if written > entry_limit {
                return Err(Refusal::Size);
            }
            let mut out = File::create_new(&extracted).map_err(Refusal::Io)?;
            out.write_all(&head).map_err(Refusal::Io)?;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = entry.read(&mut buf).map_err(Refusal::Read)?;
                if n == 0 {
                    break;
                }
                written += n as u64;
                if written > entry_limit {
                    return Err(Refusal::Size);
                }
                if written > RATIO_EXEMPT && written / compressed > limits.max_ratio {
                    return Err(Refusal::Ratio);
                }
                out.write_all(&buf[..n]).map_err(Refusal::Io)?;
            }
            Ok(written)
        })();
        match copied {
            Ok(n) => {
                total += n;
                entries.push(BundleEntry {
                    shown,
                    outcome: EntryOutcome::Log {
                        detected,
                        extracted,
                    },
                });
            }
            Err(refusal) => {
                let _ = std::fs::remove_file(&extracted);
                let error = match refusal {
                    Refusal::Io(source) => BundleError::Io {
                        archive: archive.clone(),
                        source,
                    },
                    Refusal::Read(e) => BundleError::Entry {
                        archive: archive.clone(),
                        entry: name,
                        detail: e.to_string(),
                    },
                    Refusal::Ratio => BundleError::RatioTooHigh {
                        archive: archive.clone(),
                        entry: name,
                        limit: limits.max_ratio,
                    },
                    Refusal::Size if entry_limit < limits.max_entry_bytes => {
                        over_total = Some(name.clone());
                        BundleError::TotalTooLarge {
                            archive: archive.clone(),
                            entry: name,
                            limit: max_total,
                        }
                    }
                    Refusal::Size => BundleError::EntryTooLarge {
                        archive: archive.clone(),
                        entry: name,
                        limit: limits.max_entry_bytes,
                    },
                };
                entries.push(refuse(error));
            }
        }
    }
    Ok(Bundle {
        entries,
        notes,
        _dir: dir,
    })
}

enum Refusal {
    Io(std::io::Error),
    Read(std::io::Error),
    Size,
    Ratio,
}

/// An entry name with control characters removed, for display.
fn clean_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).collect()
}

/// True for names that would leave a folder they were extracted to, in Windows or Unix terms
/// (checked in addition to the zip crate's own test, which follows the host's path rules).
fn leaves_bundle(name: &str) -> bool {
    let name = name.replace('\\', "/");
    name.starts_with('/')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split('/').any(|part| part == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_bundle() {
        assert!(leaves_bundle("../x.log"));
        assert!(leaves_bundle("a/../../x.log"));
        assert!(leaves_bundle("..\\x.log"));
        assert!(leaves_bundle("/etc/passwd"));
        assert!(leaves_bundle("C:\\Windows\\x.log"));
        assert!(!leaves_bundle("logs/a..b/x.log"));
        assert!(!leaves_bundle("logs/install.log"));
    }
}
