//! The tables at the end of a PML capture: strings (referred to by index), processes (with their
//! loaded modules), and the host and port names of network events.
//!
//! Each table is read from its own bytes; an entry whose offset or size points outside them is
//! skipped and counted, never read out of bounds.

use super::bytes::{utf16, Cursor};
use crate::source::procmon::FastMap;
use std::sync::Arc;

/// The string table: every process and module text is an index into it.
#[derive(Debug, Default, Clone)]
pub struct StringTable {
    strings: Vec<Arc<str>>,
    /// Entries that could not be read (bad offset or size).
    pub damaged: usize,
}

impl StringTable {
    /// Read the table from its bytes (count, relative offsets, then `u32 size` + UTF-16 each).
    pub fn parse(bytes: &[u8]) -> StringTable {
        let mut c = Cursor::new(bytes);
        let count = c.u32().unwrap_or(0) as usize;
        // Each entry needs at least its offset: a count larger than the bytes is damage.
        let count = count.min(bytes.len() / 4);
        let mut table = StringTable {
            strings: Vec::with_capacity(count),
            damaged: 0,
        };
        for i in 0..count {
            let text = Cursor::at(bytes, 4 + 4 * i).u32().and_then(|off| {
                let mut s = Cursor::at(bytes, off as usize);
                let size = s.u32()? as usize;
                s.take(size).map(utf16)
            });
            match text {
                Some(t) => table.strings.push(t.into()),
                None => {
                    table.damaged += 1;
                    table.strings.push("".into());
                }
            }
        }
        table
    }

    /// The string at `index`, `None` when the index is outside the table.
    pub fn get(&self, index: u32) -> Option<&str> {
        self.strings.get(index as usize).map(|s| &**s)
    }

    /// The string at `index`, shared (empty when outside the table).
    pub fn shared(&self, index: u32) -> Arc<str> {
        self.strings
            .get(index as usize)
            .cloned()
            .unwrap_or_else(|| "".into())
    }

    /// The string at `index`, empty when outside the table.
    pub fn text(&self, index: u32) -> &str {
        self.get(index).unwrap_or("")
    }

    /// Strings in the table.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// True for an empty table.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

/// A module loaded in a process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PmlModule {
    /// Base address.
    pub base: u64,
    /// Size in bytes.
    pub size: u32,
    /// Image path.
    pub path: Arc<str>,
    /// File version.
    pub version: Arc<str>,
    /// Company.
    pub company: Arc<str>,
    /// Description.
    pub description: Arc<str>,
}

impl PmlModule {
    /// The file name of the module (`ntdll.dll`).
    pub fn name(&self) -> &str {
        self.path.rsplit(['\\', '/']).next().unwrap_or(&self.path)
    }
}

/// One process of the capture, as the process table describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PmlProcess {
    /// Index the events refer to.
    pub index: u32,
    /// Process id.
    pub pid: u32,
    /// Parent process id.
    pub parent_pid: u32,
    /// Logon session (authentication id).
    pub authentication_id: u64,
    /// Terminal session.
    pub session: u32,
    /// Start time (FILETIME, UTC).
    pub start: u64,
    /// End time (FILETIME, UTC; 0 while running).
    pub end: u64,
    /// Virtualized (UAC file and registry virtualization).
    pub virtualized: bool,
    /// A 64-bit process (false: 32-bit).
    pub is_64bit: bool,
    /// Integrity level (`Medium`, `High`, `System`).
    pub integrity: Arc<str>,
    /// User (`DOMAIN\name`).
    pub user: Arc<str>,
    /// Process name (`msiexec.exe`).
    pub name: Arc<str>,
    /// Image path.
    pub image: Arc<str>,
    /// Command line.
    pub command_line: Arc<str>,
    /// Company of the image.
    pub company: Arc<str>,
    /// Version of the image.
    pub version: Arc<str>,
    /// Description of the image.
    pub description: Arc<str>,
    /// Loaded modules.
    pub modules: Vec<PmlModule>,
}

impl PmlProcess {
    /// `64-bit` or `32-bit`, as the Architecture column shows it.
    pub fn architecture(&self) -> &'static str {
        if self.is_64bit {
            "64-bit"
        } else {
            "32-bit"
        }
    }

    /// The Authentication ID column (`00000000:000003e7`).
    pub fn authentication(&self) -> String {
        format!(
            "{:08x}:{:08x}",
            self.authentication_id >> 32,
            self.authentication_id & 0xFFFF_FFFF
        )
    }

    /// The module holding `address`, with the offset in it.
    pub fn module_at(&self, address: u64) -> Option<(&PmlModule, u64)> {
        self.modules
            .iter()
            .find(|m| address >= m.base && address - m.base < u64::from(m.size))
            .map(|m| (m, address - m.base))
    }
}

/// Most modules read per process (memory is bounded by the file, this bounds a damaged count).
const MAX_MODULES: usize = 65_536;

/// The process table, by the index events use.
#[derive(Debug, Default, Clone)]
pub struct ProcessTable {
    processes: Vec<PmlProcess>,
    by_index: FastMap<u32, usize>,
    /// Entries that could not be read.
    pub damaged: usize,
}

impl ProcessTable {
    /// Read the table from its bytes (count, indexes, relative offsets, then the processes).
    pub fn parse(bytes: &[u8], strings: &StringTable, wide: bool) -> ProcessTable {
        let mut c = Cursor::new(bytes);
        let count = (c.u32().unwrap_or(0) as usize).min(bytes.len() / 8);
        let mut table = ProcessTable::default();
        for i in 0..count {
            let process = Cursor::at(bytes, 4 + 4 * count + 4 * i)
                .u32()
                .and_then(|off| read_process(&mut Cursor::at(bytes, off as usize), strings, wide));
            match process {
                Some(p) => {
                    table.by_index.insert(p.index, table.processes.len());
                    table.processes.push(p);
                }
                None => table.damaged += 1,
            }
        }
        table
    }

    /// The process an event refers to.
    pub fn get(&self, index: u32) -> Option<&PmlProcess> {
        self.by_index.get(&index).map(|&i| &self.processes[i])
    }

    /// Every process, in table order.
    pub fn iter(&self) -> impl Iterator<Item = &PmlProcess> {
        self.processes.iter()
    }

    /// Processes in the table.
    pub fn len(&self) -> usize {
        self.processes.len()
    }

    /// True for an empty table.
    pub fn is_empty(&self) -> bool {
        self.processes.is_empty()
    }
}

fn read_process(c: &mut Cursor, strings: &StringTable, wide: bool) -> Option<PmlProcess> {
    let index = c.u32()?;
    let pid = c.u32()?;
    let parent_pid = c.u32()?;
    c.skip(4)?;
    let authentication_id = c.u64()?;
    let session = c.u32()?;
    c.skip(4)?;
    let start = c.u64()?;
    let end = c.u64()?;
    let virtualized = c.u32()? != 0;
    let is_64bit = c.u32()? != 0;
    let mut text = || c.u32().map(|i| strings.shared(i));
    let integrity = text()?;
    let user = text()?;
    let name = text()?;
    let image = text()?;
    let command_line = text()?;
    let company = text()?;
    let version = text()?;
    let description = text()?;
    c.skip(8)?; // icon indexes
    c.pvoid(wide)?;
    let count = (c.u32()? as usize).min(MAX_MODULES);
    let mut modules = Vec::with_capacity(count.min(c.remaining() / 0x28));
    for _ in 0..count {
        c.pvoid(wide)?;
        let base = c.pvoid(wide)?;
        let size = c.u32()?;
        let mut text = || c.u32().map(|i| strings.shared(i));
        let path = text()?;
        let version = text()?;
        let company = text()?;
        let description = text()?;
        c.skip(4 + 0x18)?;
        modules.push(PmlModule {
            base,
            size,
            path,
            version,
            company,
            description,
        });
    }
    Some(PmlProcess {
        index,
        pid,
        parent_pid,
        authentication_id,
        session,
        start,
        end,
        virtualized,
        is_64bit,
        integrity,
        user,
        name,
        image,
        command_line,
        company,
        version,
        description,
        modules,
    })
}

/// Host and port names of network events, as the capture resolved them.
#[derive(Debug, Default, Clone)]
pub struct NetworkNames {
    hosts: FastMap<[u8; 16], String>,
    ports: FastMap<(u16, bool), String>,
}

/// Most host or port names read (a damaged count is bounded by the bytes anyway).
const MAX_NAMES: usize = 1 << 20;

impl NetworkNames {
    /// Read the two tables from their bytes (the end of the file).
    pub fn parse(bytes: &[u8]) -> NetworkNames {
        let mut names = NetworkNames::default();
        let mut c = Cursor::new(bytes);
        let hosts = c.u32().unwrap_or(0) as usize;
        for _ in 0..hosts.min(MAX_NAMES) {
            let Some(ip) = c.take(16) else { return names };
            let Some(name) = c.u32().and_then(|n| c.take(n as usize)) else {
                return names;
            };
            names
                .hosts
                .insert(ip.try_into().expect("16 bytes"), utf16(name));
        }
        let ports = c.u32().unwrap_or(0) as usize;
        for _ in 0..ports.min(MAX_NAMES) {
            let (Some(port), Some(tcp)) = (c.u16(), c.u16()) else {
                return names;
            };
            let Some(name) = c.u32().and_then(|n| c.take(n as usize)) else {
                return names;
            };
            names.ports.insert((port, tcp != 0), utf16(name));
        }
        names
    }

    /// A host as Process Monitor shows it: its resolved name, else the address.
    pub fn host(&self, ip: &[u8; 16], v4: bool) -> String {
        match self.hosts.get(ip) {
            Some(n) if !n.is_empty() => n.clone(),
            _ if v4 => std::net::Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]).to_string(),
            _ => std::net::Ipv6Addr::from(*ip).to_string(),
        }
    }

    /// A port as Process Monitor shows it: its service name, else the number.
    pub fn port(&self, port: u16, tcp: bool) -> String {
        self.ports
            .get(&(port, tcp))
            .filter(|n| !n.is_empty())
            .cloned()
            .unwrap_or_else(|| port.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    /// A string table holding `strings`.
    pub(crate) fn string_table(strings: &[&str]) -> Vec<u8> {
        let mut b = (strings.len() as u32).to_le_bytes().to_vec();
        let mut body = Vec::new();
        let base = 4 + 4 * strings.len();
        for s in strings {
            b.extend_from_slice(&((base + body.len()) as u32).to_le_bytes());
            let t = w16(s);
            body.extend_from_slice(&(t.len() as u32).to_le_bytes());
            body.extend_from_slice(&t);
        }
        b.extend_from_slice(&body);
        b
    }

    #[test]
    fn strings_by_index_and_damage() {
        let mut b = string_table(&["", "msiexec.exe", "C:\\Windows"]);
        let t = StringTable::parse(&b);
        assert_eq!(t.len(), 3);
        assert_eq!(t.get(1), Some("msiexec.exe"));
        assert_eq!(t.get(9), None);
        // Point entry 2 past the end: it is counted as damaged, the others stay.
        b[12..16].copy_from_slice(&9999u32.to_le_bytes());
        let t = StringTable::parse(&b);
        assert_eq!((t.text(1), t.text(2), t.damaged), ("msiexec.exe", "", 1));
        // A count far beyond the bytes does not allocate beyond them.
        let t = StringTable::parse(&u32::MAX.to_le_bytes());
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn process_with_a_module() {
        let strings = StringTable::parse(&string_table(&[
            "",
            "High",
            "DOM\\jo",
            "msiexec.exe",
            "C:\\Windows\\System32\\msiexec.exe",
            "msiexec /i a.msi",
            "C:\\Windows\\System32\\ntdll.dll",
        ]));
        let mut p = Vec::new();
        for v in [7u32, 4242, 1000, 0] {
            p.extend_from_slice(&v.to_le_bytes());
        }
        p.extend_from_slice(&0x3e7u64.to_le_bytes());
        p.extend_from_slice(&1u32.to_le_bytes());
        p.extend_from_slice(&0u32.to_le_bytes());
        p.extend_from_slice(&1u64.to_le_bytes());
        p.extend_from_slice(&2u64.to_le_bytes());
        for v in [0u32, 1, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0] {
            p.extend_from_slice(&v.to_le_bytes());
        }
        p.extend_from_slice(&0u64.to_le_bytes());
        p.extend_from_slice(&1u32.to_le_bytes());
        p.extend_from_slice(&0u64.to_le_bytes());
        p.extend_from_slice(&0x7ff0_0000u64.to_le_bytes());
        for v in [0x1000u32, 6, 0, 0, 0, 0] {
            p.extend_from_slice(&v.to_le_bytes());
        }
        p.extend_from_slice(&[0; 0x18]);
        let mut table = 1u32.to_le_bytes().to_vec();
        table.extend_from_slice(&7u32.to_le_bytes());
        table.extend_from_slice(&12u32.to_le_bytes());
        table.extend_from_slice(&p);
        let t = ProcessTable::parse(&table, &strings, true);
        let proc = t.get(7).unwrap();
        assert_eq!((proc.pid, proc.parent_pid), (4242, 1000));
        assert_eq!(&*proc.name, "msiexec.exe");
        assert_eq!(&*proc.integrity, "High");
        assert_eq!(proc.authentication(), "00000000:000003e7");
        let (m, off) = proc.module_at(0x7ff0_0010).unwrap();
        assert_eq!((m.name(), off), ("ntdll.dll", 0x10));
        // Cut inside the module: the process is damaged, not read out of bounds.
        let t = ProcessTable::parse(&table[..table.len() - 8], &strings, true);
        assert_eq!((t.len(), t.damaged), (0, 1));
    }

    #[test]
    fn hosts_and_ports() {
        let mut b = 1u32.to_le_bytes().to_vec();
        b.extend_from_slice(&[10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let n = w16("srv");
        b.extend_from_slice(&(n.len() as u32).to_le_bytes());
        b.extend_from_slice(&n);
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&443u16.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        let n = w16("https");
        b.extend_from_slice(&(n.len() as u32).to_le_bytes());
        b.extend_from_slice(&n);
        let names = NetworkNames::parse(&b);
        let mut ip = [0u8; 16];
        ip[..4].copy_from_slice(&[10, 0, 0, 1]);
        assert_eq!(names.host(&ip, true), "srv");
        ip[3] = 2;
        assert_eq!(names.host(&ip, true), "10.0.0.2");
        assert_eq!(names.port(443, true), "https");
        assert_eq!(names.port(443, false), "443");
    }
}
