//! Decoded chunks of a byte source: read and decoded on the caller's thread, or read ahead on a
//! helper thread while the caller works on the previous chunks.

use super::screen::ChunkSearch;
use super::utf16::Utf16LeDecoder;
use super::TextEncoding;
use encoding_rs::Decoder;
use std::io::{self, Read};
use std::sync::mpsc::{self, Receiver, SyncSender};

/// Bytes read from the source at a time.
const CHUNK: usize = 256 * 1024;
/// Decoded chunks a helper thread may hold ready (memory stays a few chunks whatever the input).
const AHEAD: usize = 16;

/// What one chunk added to the text.
#[derive(Debug, Default)]
pub(super) struct ChunkInfo {
    /// Bytes read from the source for it.
    pub bytes: usize,
    /// True when undecodable bytes were replaced with U+FFFD in it.
    pub replaced: bool,
    /// Its control characters (see [`super::control_bytes`]).
    pub controls: usize,
    /// True when its text may hold a terminal escape (see [`super::escape_bytes`]).
    pub escapes: bool,
    /// True for the last chunk: the source is at its end.
    pub last: bool,
}

/// The decoder of a text encoding.
enum TextDecoder {
    /// UTF-16LE, the encoding of `msiexec /l*v` logs, with its ASCII fast path.
    Utf16Le(Utf16LeDecoder),
    Other(Decoder),
}

/// Reads and decodes a source chunk by chunk, searching each chunk with a screen if one is set.
pub(super) struct Decoding<R> {
    source: R,
    decoder: TextDecoder,
    raw: Vec<u8>,
    bom_to_skip: usize,
    search: Option<ChunkSearch>,
}

impl<R: Read> Decoding<R> {
    pub(super) fn new(source: R, encoding: TextEncoding) -> Self {
        Decoding {
            source,
            decoder: match encoding {
                TextEncoding::Utf16LeBom | TextEncoding::Utf16Le => {
                    TextDecoder::Utf16Le(Utf16LeDecoder::new())
                }
                _ => TextDecoder::Other(encoding.encoding().new_decoder_without_bom_handling()),
            },
            raw: vec![0; CHUNK],
            bom_to_skip: encoding.bom_len(),
            search: None,
        }
    }

    pub(super) fn set_search(&mut self, search: ChunkSearch) {
        self.search = Some(search);
    }

    /// Read and decode one chunk, appending its text to `text` and where screen words start to
    /// `found`.
    pub(super) fn next_into(
        &mut self,
        text: &mut String,
        found: &mut Vec<u64>,
    ) -> io::Result<ChunkInfo> {
        let n = loop {
            match self.source.read(&mut self.raw) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        let mut input = &self.raw[..n];
        if self.bom_to_skip > 0 {
            let skip = self.bom_to_skip.min(input.len());
            input = &input[skip..];
            self.bom_to_skip -= skip;
        }
        let last = n == 0;
        let from = text.len();
        let replaced = match &mut self.decoder {
            TextDecoder::Utf16Le(decoder) => decoder.decode(input, text, last),
            TextDecoder::Other(decoder) => {
                let need = decoder
                    .max_utf8_buffer_length(input.len())
                    .unwrap_or(input.len() * 3 + 16);
                text.reserve(need);
                decoder.decode_to_string(input, text, last).2
            }
        };
        if let Some(search) = &mut self.search {
            search.push(&text[from..], last, found);
        }
        Ok(ChunkInfo {
            bytes: n,
            replaced,
            controls: super::control_bytes(&text.as_bytes()[from..]),
            escapes: super::escape_bytes(&text.as_bytes()[from..]),
            last,
        })
    }
}

/// One chunk decoded by a helper thread.
#[derive(Default)]
struct Decoded {
    text: String,
    found: Vec<u64>,
    /// Where its line feeds are (byte offsets in `text`), found on the helper thread too.
    newlines: Vec<usize>,
    info: ChunkInfo,
}

/// The unfinished last line of a chunk, carried to the next one so that chunks end with whole
/// lines and the reader can take them as they are, without copying.
#[derive(Default)]
struct Carry {
    text: String,
    /// Its control characters.
    controls: usize,
    /// True when it may hold a terminal escape.
    escapes: bool,
}

impl Carry {
    /// Start `chunk` with the carried line; returns its count of control characters and
    /// whether it may hold a terminal escape.
    fn start(&mut self, chunk: &mut Decoded) -> (usize, bool) {
        chunk.text.push_str(&self.text);
        self.text.clear();
        (
            std::mem::take(&mut self.controls),
            std::mem::take(&mut self.escapes),
        )
    }

    /// Carry what follows the last line feed of `chunk` (unless it is the last one), then count
    /// what the chunk holds: its control characters and line feeds. `carried_in` is the count
    /// of control characters in the line it started with and whether it may hold an escape,
    /// `info` what decoding added.
    fn end(&mut self, chunk: &mut Decoded, carried_in: (usize, bool), info: ChunkInfo) {
        if !info.last {
            if let Some(nl) = memchr::memrchr(b'\n', chunk.text.as_bytes()) {
                self.text.push_str(&chunk.text[nl + 1..]);
                chunk.text.truncate(nl + 1);
                self.controls = super::control_bytes(self.text.as_bytes());
                self.escapes = super::escape_bytes(self.text.as_bytes());
            }
        }
        let controls = carried_in.0 + info.controls - self.controls;
        // Told of the text as handed over: the carried line in front and what decoding added
        // (an escape in what is carried on flags this chunk too, harmlessly: a flag may be set
        // for text without an escape, never missing for text with one).
        let escapes = carried_in.1 || info.escapes;
        chunk.info = ChunkInfo {
            controls,
            escapes,
            ..info
        };
        let newlines = memchr::memchr_iter(b'\n', chunk.text.as_bytes());
        chunk.newlines.extend(newlines);
    }
}

/// Chunks decoded ahead by a helper thread, handed over in order.
pub(super) struct Ahead {
    chunks: Receiver<io::Result<Decoded>>,
    /// Emptied buffers sent back for reuse.
    spare: SyncSender<Decoded>,
}

impl Ahead {
    /// Start a helper thread that reads and decodes `decoding` ahead of the caller, at most
    /// [`AHEAD`] chunks ahead. The thread stops at the end of the source, at a read error, or
    /// when the receiving side is dropped.
    pub(super) fn start<R: Read + Send + 'static>(decoding: Decoding<R>) -> io::Result<Self> {
        let (send, chunks) = mpsc::sync_channel(AHEAD);
        let (spare, spares) = mpsc::sync_channel::<Decoded>(AHEAD + 2);
        let worker = std::thread::Builder::new().name("msitrace-decode".into());
        worker.spawn(move || decode_ahead(decoding, send, spares))?;
        Ok(Ahead { chunks, spare })
    }

    /// The next chunk, appended to `text` and `found` as [`Decoding::next_into`] does (when
    /// `text` is empty, its buffer is swapped for the chunk's instead), and where its line
    /// feeds are to `newlines` (offsets in `text`).
    pub(super) fn next_into(
        &mut self,
        text: &mut String,
        found: &mut Vec<u64>,
        newlines: &mut Vec<usize>,
    ) -> io::Result<ChunkInfo> {
        let mut chunk = match self.chunks.recv() {
            Ok(result) => result?,
            // The thread stops by itself only after sending an error or the last chunk, which
            // end the reading; stopping before that would lose the rest of the input.
            Err(_) => {
                return Err(io::Error::other(
                    "the read-ahead thread stopped before the end of the input",
                ))
            }
        };
        let base = text.len();
        if text.is_empty() {
            // Nothing pending (chunks end with whole lines): take the chunk's buffer as it is.
            std::mem::swap(text, &mut chunk.text);
        } else {
            text.push_str(&chunk.text);
        }
        found.append(&mut chunk.found);
        newlines.extend(chunk.newlines.iter().map(|&at| base + at));
        let info = std::mem::take(&mut chunk.info);
        // Back to the pool for reuse; a full pool (or a finished thread) just lets it go.
        let _ = self.spare.try_send(chunk);
        Ok(info)
    }
}

/// The helper thread: decode chunk after chunk and send each, until the end of the source, a
/// read error, or the reader is gone.
fn decode_ahead<R: Read>(
    mut decoding: Decoding<R>,
    send: SyncSender<io::Result<Decoded>>,
    spares: Receiver<Decoded>,
) {
    let mut carry = Carry::default();
    loop {
        let mut chunk = spares.try_recv().unwrap_or_default();
        chunk.text.clear();
        chunk.found.clear();
        chunk.newlines.clear();
        let carried_in = carry.start(&mut chunk);
        let result = decoding
            .next_into(&mut chunk.text, &mut chunk.found)
            .map(|info| {
                carry.end(&mut chunk, carried_in, info);
                chunk
            });
        let end = !matches!(&result, Ok(c) if !c.info.last);
        if send.send(result).is_err() || end {
            return;
        }
    }
}
