//! How far the reading of the inputs is, for whoever shows a progress bar (the CLI does, on a
//! terminal). The library never prints: it calls a [`ProgressSink`] with the bytes read so far.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How far the reading is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressUpdate {
    /// Bytes of the inputs read so far (decompressed size for bundle entries).
    pub read: u64,
    /// Bytes of all inputs to read.
    pub total: u64,
    /// True on the last update, when every input has been read.
    pub done: bool,
}

/// A callback told about progress; called from the threads reading the inputs.
#[derive(Clone)]
pub struct ProgressSink(pub Arc<dyn Fn(ProgressUpdate) + Send + Sync>);

impl ProgressSink {
    /// A sink calling `f` with each update.
    pub fn new(f: impl Fn(ProgressUpdate) + Send + Sync + 'static) -> Self {
        ProgressSink(Arc::new(f))
    }
}

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// Bytes read between two updates from one reader.
const STEP: u64 = 1 << 20;

struct Shared {
    sink: ProgressSink,
    total: u64,
    read: AtomicU64,
}

/// Progress of one analysis (a no-op without a sink).
pub(crate) struct Progress(Option<Arc<Shared>>);

impl Progress {
    /// Start counting over the planned inputs.
    pub(super) fn start(sink: Option<ProgressSink>, inputs: &[super::Planned]) -> Self {
        Progress(sink.map(|sink| {
            let total = inputs
                .iter()
                .filter(|p| p.error.is_none())
                .filter_map(|p| std::fs::metadata(&p.path).ok())
                .map(|m| m.len())
                .sum();
            Arc::new(Shared {
                sink,
                total,
                read: AtomicU64::new(0),
            })
        }))
    }

    /// Wrap a reader so that what is read through it counts.
    pub(crate) fn reader<R: Read>(&self, inner: R) -> CountingReader<R> {
        CountingReader {
            inner,
            shared: self.0.clone(),
            pending: 0,
        }
    }

    /// Tell the sink that every input has been read.
    pub(crate) fn finish(&self) {
        if let Some(s) = &self.0 {
            (s.sink.0)(ProgressUpdate {
                read: s.total,
                total: s.total,
                done: true,
            });
        }
    }
}

/// A reader that counts the bytes read through it.
pub(crate) struct CountingReader<R> {
    inner: R,
    shared: Option<Arc<Shared>>,
    pending: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(s) = &self.shared {
            self.pending += n as u64;
            if self.pending >= STEP || n == 0 {
                let read = s.read.fetch_add(self.pending, Ordering::Relaxed) + self.pending;
                self.pending = 0;
                (s.sink.0)(ProgressUpdate {
                    read: read.min(s.total),
                    total: s.total,
                    done: false,
                });
            }
        }
        Ok(n)
    }
}
