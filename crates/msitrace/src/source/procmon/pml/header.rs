//! The PML file header: signature `PML_`, version 9, pointer width, computer name, system details,
//! and the file offsets of the events, the event offset table and the other tables.

use super::bytes::{utf16, Cursor};

/// Size of the header of a version 9 capture.
pub const HEADER_LEN: usize = 0x3A8;

/// The header of a PML capture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PmlHeader {
    /// Format version (9 for every Process Monitor since 3.x).
    pub version: u32,
    /// True for a capture of a 64-bit system (pointers are 8 bytes).
    pub is_64bit: bool,
    /// The computer's name.
    pub computer: String,
    /// The system root (`C:\Windows`).
    pub system_root: String,
    /// Events in the capture.
    pub event_count: u32,
    /// File offset of the first event.
    pub events_offset: u64,
    /// File offset of the event offset table (5 bytes per event).
    pub event_offsets_offset: u64,
    /// File offset of the process table.
    pub processes_offset: u64,
    /// File offset of the string table.
    pub strings_offset: u64,
    /// File offset of the icon table.
    pub icons_offset: u64,
    /// Windows version: major, minor, build, revision.
    pub windows: [u32; 4],
    /// Service pack name, when any.
    pub service_pack: String,
    /// Logical processors.
    pub processors: u32,
    /// Physical memory, in bytes.
    pub memory: u64,
    /// File offset of the host and port name tables (network events).
    pub hosts_ports_offset: u64,
}

/// Why a header cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// Not a PML file.
    #[error("not a Process Monitor capture (no PML_ signature)")]
    Signature,
    /// The file ends inside the header.
    #[error("the file ends inside the header ({0} of 936 bytes)")]
    Short(usize),
    /// A version this reader does not know.
    #[error("PML version {0} (this reader knows version 9)")]
    Version(u32),
}

impl PmlHeader {
    /// Read the header from the first bytes of a capture.
    pub fn parse(bytes: &[u8]) -> Result<PmlHeader, HeaderError> {
        if !bytes.starts_with(b"PML_") {
            return Err(HeaderError::Signature);
        }
        if bytes.len() < HEADER_LEN {
            return Err(HeaderError::Short(bytes.len()));
        }
        let mut c = Cursor::at(bytes, 4);
        let short = || HeaderError::Short(bytes.len());
        let version = c.u32().ok_or_else(short)?;
        if version != 9 {
            return Err(HeaderError::Version(version));
        }
        let is_64bit = c.u32().ok_or_else(short)? != 0;
        let computer = utf16(c.take(0x20).ok_or_else(short)?);
        let system_root = utf16(c.take(0x208).ok_or_else(short)?);
        let event_count = c.u32().ok_or_else(short)?;
        c.skip(8).ok_or_else(short)?;
        let mut offsets = [0u64; 5];
        for o in &mut offsets {
            *o = c.u64().ok_or_else(short)?;
        }
        c.skip(0xC).ok_or_else(short)?;
        let mut windows = [0u32; 4];
        for w in &mut windows {
            *w = c.u32().ok_or_else(short)?;
        }
        let service_pack = utf16(c.take(0x32).ok_or_else(short)?);
        let mut c = Cursor::at(bytes, 0x38C);
        let processors = c.u32().ok_or_else(short)?;
        let memory = c.u64().ok_or_else(short)?;
        c.skip(8).ok_or_else(short)?;
        let hosts_ports_offset = c.u64().ok_or_else(short)?;
        Ok(PmlHeader {
            version,
            is_64bit,
            computer: computer.trim_end().to_string(),
            system_root,
            event_count,
            events_offset: offsets[0],
            event_offsets_offset: offsets[1],
            processes_offset: offsets[2],
            strings_offset: offsets[3],
            icons_offset: offsets[4],
            windows,
            service_pack,
            processors,
            memory,
            hosts_ports_offset,
        })
    }

    /// The system as Process Monitor's "System Details" shows it (`Windows 10.0 build 18362, 64-bit`).
    pub fn system(&self) -> String {
        let [major, minor, build, _] = self.windows;
        let sp = if self.service_pack.is_empty() {
            String::new()
        } else {
            format!(" {}", self.service_pack)
        };
        format!(
            "Windows {major}.{minor} build {build}{sp}, {}-bit, {} processors",
            if self.is_64bit { 64 } else { 32 },
            self.processors
        )
    }

    /// Size of a pointer in the capture.
    pub fn pointer_size(&self) -> usize {
        if self.is_64bit {
            8
        } else {
            4
        }
    }
}

/// A header for tests and the benchmark generator: the given offsets, `DESKTOP` as the computer.
#[cfg(any(test, feature = "internals"))]
pub fn write_header(h: &PmlHeader) -> Vec<u8> {
    let mut b = vec![0u8; HEADER_LEN];
    b[..4].copy_from_slice(b"PML_");
    b[4..8].copy_from_slice(&h.version.to_le_bytes());
    b[8..12].copy_from_slice(&u32::from(h.is_64bit).to_le_bytes());
    for (i, u) in h.computer.encode_utf16().take(15).enumerate() {
        b[0xC + 2 * i..0xE + 2 * i].copy_from_slice(&u.to_le_bytes());
    }
    b[0x234..0x238].copy_from_slice(&h.event_count.to_le_bytes());
    let offsets = [
        h.events_offset,
        h.event_offsets_offset,
        h.processes_offset,
        h.strings_offset,
        h.icons_offset,
    ];
    for (i, o) in offsets.iter().enumerate() {
        b[0x240 + 8 * i..0x248 + 8 * i].copy_from_slice(&o.to_le_bytes());
    }
    for (i, w) in h.windows.iter().enumerate() {
        b[0x274 + 4 * i..0x278 + 4 * i].copy_from_slice(&w.to_le_bytes());
    }
    b[0x38C..0x390].copy_from_slice(&h.processors.to_le_bytes());
    b[0x390..0x398].copy_from_slice(&h.memory.to_le_bytes());
    b[0x398..0x3A0].copy_from_slice(&(HEADER_LEN as u64).to_le_bytes());
    b[0x3A0..0x3A8].copy_from_slice(&h.hosts_ports_offset.to_le_bytes());
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip() {
        let h = PmlHeader {
            version: 9,
            is_64bit: true,
            computer: "DESKTOP-1".into(),
            event_count: 3,
            events_offset: 0x3A8,
            event_offsets_offset: 0x500,
            processes_offset: 0x600,
            strings_offset: 0x700,
            icons_offset: 0x800,
            windows: [10, 0, 19045, 0],
            processors: 4,
            memory: 8 << 30,
            hosts_ports_offset: 0x900,
            ..Default::default()
        };
        let read = PmlHeader::parse(&write_header(&h)).unwrap();
        assert_eq!(read, h);
        assert_eq!(read.pointer_size(), 8);
        assert_eq!(
            read.system(),
            "Windows 10.0 build 19045, 64-bit, 4 processors"
        );
    }

    #[test]
    fn bad_headers_are_errors() {
        assert_eq!(PmlHeader::parse(b"ElfFile"), Err(HeaderError::Signature));
        assert_eq!(PmlHeader::parse(b"PML_\x09\0"), Err(HeaderError::Short(6)));
        let mut b = write_header(&PmlHeader {
            version: 9,
            ..Default::default()
        });
        b[4] = 8;
        assert_eq!(PmlHeader::parse(&b), Err(HeaderError::Version(8)));
    }
}
