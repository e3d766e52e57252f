//! Synthetic Process Monitor CSV captures for benchmarks.
//!
//! [`write_capture`] streams a capture of at least a given size in the 7-column default layout or
//! with all 27 columns, UTF-8 with a BOM and CRLF line endings, shaped like a real installation
//! capture: mostly registry and file traffic of a handful of processes (`msiexec.exe`, its custom
//! action server, `explorer.exe`, `svchost.exe`, `MsMpEng.exe`), 70 % `SUCCESS`, a fifth
//! `NAME NOT FOUND` probing, routine `BUFFER OVERFLOW` / `REPARSE` / `END OF FILE` results, details
//! with commas inside values, a process start and exit now and then (with environment blocks), and
//! rare `ACCESS DENIED` / `SHARING VIOLATION` failures under `%TEMP%` and `C:\Windows\Installer`.
//!
//! Deterministic: the same size and layout give the same bytes. Plain std, no dependencies.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Column layout of a generated capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `Time of Day, Process Name, PID, Operation, Path, Result, Detail`.
    Default7,
    /// All 27 columns.
    All27,
}

const HEADER7: &str =
    "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"";
const HEADER27_EXTRA: &str = ",\"Date & Time\",\"Relative Time\",\"Duration\",\"Completion Time\",\"Event Class\",\"Sequence\",\"Image Path\",\"Company\",\"Description\",\"Version\",\"User\",\"Authentication ID\",\"Session\",\"Command Line\",\"TID\",\"Virtualized\",\"Integrity\",\"Category\",\"Parent PID\",\"Architecture\"";

struct Proc {
    name: &'static str,
    pid: u32,
    parent: u32,
    image: &'static str,
    user: &'static str,
    integrity: &'static str,
    command: &'static str,
}

const PROCS: &[Proc] = &[
    Proc {
        name: "msiexec.exe",
        pid: 4242,
        parent: 812,
        image: r"C:\Windows\System32\msiexec.exe",
        user: r"NT AUTHORITY\SYSTEM",
        integrity: "System",
        command: r"C:\Windows\system32\msiexec.exe /V",
    },
    Proc {
        name: "msiexec.exe",
        pid: 7120,
        parent: 4242,
        image: r"C:\Windows\SysWOW64\msiexec.exe",
        user: r"NT AUTHORITY\SYSTEM",
        integrity: "System",
        command: r"C:\Windows\syswow64\MsiExec.exe -Embedding 5C2F3A1B0E9D8C7B6A5F4E3D2C1B0A99 E Global\MSI0000",
    },
    Proc {
        name: "Explorer.EXE",
        pid: 3344,
        parent: 3300,
        image: r"C:\Windows\Explorer.EXE",
        user: r"CONTOSO\jo",
        integrity: "Medium",
        command: r"C:\Windows\Explorer.EXE",
    },
    Proc {
        name: "svchost.exe",
        pid: 1180,
        parent: 640,
        image: r"C:\Windows\System32\svchost.exe",
        user: r"NT AUTHORITY\NETWORK SERVICE",
        integrity: "System",
        command: r"C:\Windows\system32\svchost.exe -k NetworkService -p",
    },
    Proc {
        name: "MsMpEng.exe",
        pid: 2964,
        parent: 640,
        image: r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2008.9-0\MsMpEng.exe",
        user: r"NT AUTHORITY\SYSTEM",
        integrity: "System",
        command: r#""C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2008.9-0\MsMpEng.exe""#,
    },
];

const REG_PATHS: &[&str] = &[
    r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Installer\UserData\S-1-5-18\Components\7B2A0E5C1D3F4A8B9C6E0F1A2B3C4D5E",
    r"HKLM\SOFTWARE\Classes\Installer\Products\5C2F3A1B0E9D8C7B6A5F4E3D2C1B0A99\SourceList",
    r"HKLM\System\CurrentControlSet\Control\Session Manager\Environment",
    r"HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer\FileExts\.msi",
    r"HKLM\SOFTWARE\Policies\Microsoft\Windows\Installer",
    r"HKLM\SOFTWARE\WOW6432Node\Contoso\Agent\Settings",
];

const FILE_PATHS: &[&str] = &[
    r"C:\Windows\Installer\3f7a2.msi",
    r"C:\Users\jo\AppData\Local\Temp\MSI8F2C.tmp",
    r"C:\Program Files (x86)\Contoso\Agent\bin\agent.dll",
    r"C:\Windows\System32\msi.dll",
    r"C:\Config.Msi\2c4e1f.rbf",
    r"C:\Windows\Temp\Contoso_Agent_20260314.log",
    r"C:\ProgramData\Contoso\Agent\config.xml",
    r"C:\Windows\WinSxS\amd64_microsoft.windows.common-controls_6595b64144ccf1df_6.0.19041.1110_none_60b5254171f9507e\comctl32.dll",
];

/// Small deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Write a capture of at least `target_bytes` bytes to `path`.
pub fn write_capture(path: &Path, target_bytes: u64, layout: Layout) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut line = String::with_capacity(4096);
    line.push('\u{feff}');
    line.push_str(HEADER7);
    if layout == Layout::All27 {
        line.push_str(HEADER27_EXTRA);
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())?;
    let mut written = line.len() as u64;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Time of day in 100 ns ticks, from 9:41:07 AM.
    let mut ticks: u64 = (9 * 3600 + 41 * 60 + 7) * 10_000_000;
    let mut seq: u64 = 0;
    while written < target_bytes {
        line.clear();
        ticks += 1 + rng.below(4000);
        seq += 1;
        let mut p = &PROCS[(rng.below(100) as usize * PROCS.len()) / 100];
        // Every 50,000 rows msiexec starts a custom-action server, which starts and exits.
        let child;
        let phase = seq % 50_000;
        if (1..=3).contains(&phase) {
            p = &PROCS[0];
            if phase > 1 {
                child = Proc {
                    pid: child_pid(seq),
                    parent: PROCS[0].pid,
                    ..PROCS[1]
                };
                p = &child;
            }
        }
        let (op, path, result, detail) = row_shape(&mut rng, seq, p);
        write_row(
            &mut line, layout, ticks, seq, p, &op, &path, result, &detail,
        );
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
    }
    out.flush()
}

/// The PID of the custom-action server started near row `seq`.
fn child_pid(seq: u64) -> u32 {
    9000 + (seq / 50_000) as u32 % 20_000
}

/// One row's operation, path, result and detail.
fn row_shape(rng: &mut Rng, seq: u64, p: &Proc) -> (String, String, &'static str, String) {
    // A process lifecycle now and then.
    if seq % 50_000 == 1 {
        let child = child_pid(seq);
        return (
            "Process Create".into(),
            r"C:\Windows\System32\msiexec.exe".into(),
            "SUCCESS",
            format!("PID: {child}, Command line: C:\\Windows\\system32\\MsiExec.exe -Embedding 5C2F3A1B, E Global\\MSI0000"),
        );
    }
    if seq % 50_000 == 2 {
        return (
            "Process Start".into(),
            String::new(),
            "SUCCESS",
            format!(
                "Parent PID: {}, Command line: {}, Current directory: C:\\Windows\\system32\\, Environment: ;\t=::=::\\;\tALLUSERSPROFILE=C:\\ProgramData;\tCommonProgramFiles=C:\\Program Files\\Common Files;\tPath=C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;\tTEMP=C:\\Users\\jo\\AppData\\Local\\Temp",
                p.parent, p.command
            ),
        );
    }
    if seq % 50_000 == 3 {
        return (
            "Process Exit".into(),
            String::new(),
            "SUCCESS",
            "Exit Status: 0, User Time: 0.0156250 seconds, Kernel Time: 0.0312500 seconds, Private Bytes: 3,088,384, Peak Private Bytes: 3,219,456, Working Set: 21,106,688, Peak Working Set: 21,630,976".into(),
        );
    }
    let r = rng.below(10_000);
    let result = match r {
        0..=6999 => "SUCCESS",
        7000..=8999 => "NAME NOT FOUND",
        9000..=9299 => "BUFFER OVERFLOW",
        9300..=9549 => "REPARSE",
        9550..=9699 => "END OF FILE",
        9700..=9849 => "PATH NOT FOUND",
        9850..=9949 => "NO MORE ENTRIES",
        9950..=9997 => "FILE LOCKED WITH ONLY READERS",
        9998 => "ACCESS DENIED",
        _ => "SHARING VIOLATION",
    };
    if rng.below(100) < 45 {
        let path = REG_PATHS[rng.below(REG_PATHS.len() as u64) as usize];
        let (op, detail) = match rng.below(4) {
            0 => ("RegOpenKey", "Desired Access: Query Value, Enumerate Sub Keys".to_string()),
            1 => (
                "RegQueryValue",
                format!("Type: REG_SZ, Length: {}, Data: C:\\Program Files (x86)\\Contoso\\Agent\\, en-US, en", 20 + rng.below(200)),
            ),
            2 => ("RegCloseKey", String::new()),
            _ => ("RegQueryKey", "Query: HandleTags, HandleTags: 0x0".to_string()),
        };
        (
            op.into(),
            format!("{path}\\Value{}", rng.below(40)),
            result,
            detail,
        )
    } else {
        let path = FILE_PATHS[rng.below(FILE_PATHS.len() as u64) as usize];
        let (op, detail) = match rng.below(5) {
            0 => (
                "CreateFile",
                "Desired Access: Generic Read/Write, Disposition: OpenIf, Options: Synchronous IO Non-Alert, Non-Directory File, Attributes: N, ShareMode: Read, Write, AllocationSize: 0, OpenResult: Opened".to_string(),
            ),
            1 => (
                "ReadFile",
                format!("Offset: {},{:03}, Length: 4,096, Priority: Normal", rng.below(900), rng.below(1000)),
            ),
            2 => (
                "QueryBasicInformationFile",
                "CreationTime: 3/14/2026 9:41:07 AM, LastAccessTime: 3/14/2026 9:41:07 AM, LastWriteTime: 3/14/2026 9:41:07 AM, ChangeTime: 3/14/2026 9:41:07 AM, FileAttributes: A".to_string(),
            ),
            3 => ("CloseFile", String::new()),
            _ => (
                "WriteFile",
                format!("Offset: {},{:03}, Length: 65,536, Priority: Normal", rng.below(900), rng.below(1000)),
            ),
        };
        (op.into(), path.to_string(), result, detail)
    }
}

fn push_quoted(line: &mut String, value: &str) {
    line.push('"');
    if value.contains('"') {
        line.push_str(&value.replace('"', "\"\""));
    } else {
        line.push_str(value);
    }
    line.push('"');
}

fn time_12h(ticks: u64) -> String {
    let secs = ticks / 10_000_000;
    let frac = ticks % 10_000_000;
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let (h12, ampm) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{h12}:{m:02}:{s:02}.{frac:07} {ampm}")
}

#[allow(clippy::too_many_arguments)]
fn write_row(
    line: &mut String,
    layout: Layout,
    ticks: u64,
    seq: u64,
    p: &Proc,
    op: &str,
    path: &str,
    result: &str,
    detail: &str,
) {
    let time = time_12h(ticks);
    push_quoted(line, &time);
    line.push(',');
    push_quoted(line, p.name);
    line.push(',');
    push_quoted(line, &p.pid.to_string());
    line.push(',');
    push_quoted(line, op);
    line.push(',');
    push_quoted(line, path);
    line.push(',');
    push_quoted(line, result);
    line.push(',');
    push_quoted(line, detail);
    if layout == Layout::All27 {
        let secs = ticks / 10_000_000;
        let whole = time_12h(secs * 10_000_000);
        let whole = whole.replace(".0000000", "");
        let class = if op.starts_with("Reg") {
            "Registry"
        } else if op.starts_with("Process") {
            "Process"
        } else {
            "File System"
        };
        let tid = 5000 + (seq % 7) as u32;
        let extra = [
            format!("3/14/2026 {whole}"),
            format!("00:00:{:02}.{:07}", secs % 60, ticks % 10_000_000),
            "0.0000123".to_string(),
            time,
            class.to_string(),
            "n/a".to_string(),
            p.image.to_string(),
            "Microsoft Corporation".to_string(),
            "Windows® installer".to_string(),
            "5.0.19041.1 (WinBuild.160101.0800)".to_string(),
            p.user.to_string(),
            "00000000:000003e7".to_string(),
            "0".to_string(),
            p.command.to_string(),
            tid.to_string(),
            "False".to_string(),
            p.integrity.to_string(),
            if result == "SUCCESS" { "Read" } else { "" }.to_string(),
            p.parent.to_string(),
            "64-bit".to_string(),
        ];
        for v in &extra {
            line.push(',');
            push_quoted(line, v);
        }
    }
    line.push_str("\r\n");
}
