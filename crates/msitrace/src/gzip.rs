//! Transparent `.gz` inputs: a gzip-compressed input is decompressed, streaming, into a private
//! temporary file (readers that need random access, such as the PML reader, read that file), then
//! detected by content like any input. Bounded like a zip bundle entry ([`BundleLimits`]): by the
//! decompressed size and by the ratio of decompressed to compressed bytes, so a gzip bomb is
//! refused, not written out.

use crate::bundle::BundleLimits;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The name prefix of the private folders of decompressed copies.
pub const COPY_PREFIX: &str = "msitrace-gz-";

/// Decompressed sizes up to this are never refused for their ratio (as for zip entries).
const RATIO_EXEMPT: u64 = 1 << 20;

/// A gzip input decompressed into a private folder, removed when dropped.
#[derive(Debug)]
pub struct Decompressed {
    /// The decompressed copy.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    _dir: tempfile::TempDir,
}

/// Why a gzip input could not be decompressed.
#[derive(Debug, thiserror::Error)]
pub enum GzipError {
    /// The input or the private copy could not be read or written.
    #[error("{path}: cannot decompress: {source}")]
    Io {
        /// The input.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The compressed stream is damaged (at a byte of the decompressed output).
    #[error("{path}: damaged gzip stream after {at} decompressed bytes: {message}")]
    Damaged {
        /// The input.
        path: String,
        /// Decompressed bytes before the damage.
        at: u64,
        /// What the decoder said.
        message: String,
    },
    /// Larger than the limit once decompressed.
    #[error("{path}: refused: decompresses to more than {limit} bytes")]
    TooLarge {
        /// The input.
        path: String,
        /// The limit.
        limit: u64,
    },
    /// Expands too much for its size (a gzip bomb).
    #[error("{path}: refused: expands more than {limit} times its compressed size (gzip bomb?)")]
    RatioTooHigh {
        /// The input.
        path: String,
        /// The ratio limit.
        limit: u64,
    },
}

/// Decompress a gzip input into a private temporary file, within `limits`.
pub fn decompress(path: &Path, limits: &BundleLimits) -> Result<Decompressed, GzipError> {
    let shown = path.display().to_string();
    let io = |source| GzipError::Io {
        path: shown.clone(),
        source,
    };
    let input = File::open(path).map_err(io)?;
    let compressed = input.metadata().map_err(io)?.len().max(1);
    let dir = tempfile::Builder::new()
        .prefix(COPY_PREFIX)
        .tempdir()
        .map_err(io)?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".into());
    let out_path = dir.path().join(name);
    let mut out = File::create_new(&out_path).map_err(io)?;
    let mut decoder = MultiGzDecoder::new(std::io::BufReader::new(input));
    let mut buf = vec![0u8; 1 << 16];
    let mut written = 0u64;
    loop {
        let n = match decoder.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(GzipError::Damaged {
                    path: shown,
                    at: written,
                    message: e.to_string(),
                })
            }
        };
        written += n as u64;
        if written > limits.max_entry_bytes {
            return Err(GzipError::TooLarge {
                path: shown,
                limit: limits.max_entry_bytes,
            });
        }
        if written > RATIO_EXEMPT && written / compressed > limits.max_ratio {
            return Err(GzipError::RatioTooHigh {
                path: shown,
                limit: limits.max_ratio,
            });
        }
        out.write_all(&buf[..n]).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(Decompressed {
        path: out_path,
        size: written,
        _dir: dir,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;

    fn gz(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
        let p = dir.join(name);
        let mut e = GzEncoder::new(File::create(&p).unwrap(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap();
        p
    }

    #[test]
    fn decompresses_and_refuses_bombs() {
        let dir = tempfile::tempdir().unwrap();
        let p = gz(
            dir.path(),
            "install.log.gz",
            b"MSI (s) (18:F4) [12:02:17:898]: x\r\n",
        );
        let d = decompress(&p, &BundleLimits::default()).unwrap();
        assert_eq!(d.path.file_name().unwrap(), "install.log");
        assert_eq!(std::fs::read(&d.path).unwrap().len() as u64, d.size);
        let bomb = gz(dir.path(), "bomb.gz", &vec![0u8; 8 << 20]);
        let e = decompress(&bomb, &BundleLimits::default()).unwrap_err();
        assert!(matches!(e, GzipError::RatioTooHigh { .. }), "{e}");
        let limits = BundleLimits {
            max_entry_bytes: 10,
            ..Default::default()
        };
        let e = decompress(&p, &limits).unwrap_err();
        assert!(matches!(e, GzipError::TooLarge { .. }), "{e}");
        let mut cut = std::fs::read(&p).unwrap();
        cut.truncate(cut.len() - 12);
        let cut_path = dir.path().join("cut.gz");
        std::fs::write(&cut_path, cut).unwrap();
        let e = decompress(&cut_path, &BundleLimits::default()).unwrap_err();
        assert!(matches!(e, GzipError::Damaged { .. }), "{e}");
    }
}
