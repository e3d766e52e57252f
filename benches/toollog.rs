//! Throughput of the tool-log reader on large synthetic logs: a CMTrace log of a ConfigMgr client
//! (AppEnforce-like entries, some spanning lines, an exit status every few hundred entries) and a
//! `chocolatey.log`.
//!
//! Two criterion groups, `toollog/cmtrace` and `toollog/chocolatey`, measured in bytes of input:
//! - `read`: `ToolLogReader` over a `BufReader<File>`, every event consumed (detection included);
//! - `analyze`: `analysis::analyze_paths` on the file (detection, reading, findings).
//!
//! ```text
//! cargo bench -p msitrace --bench toollog              # 50 MiB each (MSITRACE_BENCH_MB to change)
//! MSITRACE_BENCH_MB=5 cargo bench -p msitrace --bench toollog
//! ```
//!
//! The logs are generated once into `<target>/bench-data/` and reused; run as a test
//! (`cargo test --benches`) they are 1 MiB.

#[path = "bench_setup.rs"]
mod bench_setup;

use criterion::{Criterion, Throughput};
use msitrace::analysis::{analyze_paths, AnalysisSettings};
use msitrace::source::toollog::ToolLogReader;
use msitrace::source::TextEncoding;
use std::fs::{self, File};
use std::hint::black_box;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Bump when the generators' output changes, so stale files are not reused.
const GENERATOR_VERSION: u32 = 1;

fn main() {
    let bench_setup::Setup { gen_only, mb, .. } = bench_setup::setup(50, 1);
    let cmtrace = prepare("cmtrace", mb << 20, write_cmtrace).expect("generate CMTrace log");
    let choco = prepare("chocolatey", mb << 20, write_chocolatey).expect("generate chocolatey.log");
    if gen_only {
        println!("{}\n{}", cmtrace.display(), choco.display());
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    for (name, path) in [("cmtrace", &cmtrace), ("chocolatey", &choco)] {
        let len = fs::metadata(path).expect("generated log").len();
        let (events, exits) = read(path).expect("read");
        let report = analyze(path);
        assert!(report.failed, "{name}: the generated failures are found");
        eprintln!(
            "toollog {name}: {} ({len} bytes), {events} events, {exits} exit statuses, {} findings",
            path.display(),
            report.findings.len()
        );
        let mut group = c.benchmark_group(format!("toollog/{name}"));
        group.throughput(Throughput::Bytes(len));
        group.sample_size(10);
        group.bench_function("read", |b| b.iter(|| read(black_box(path)).expect("read")));
        group.bench_function("analyze", |b| b.iter(|| analyze(black_box(path))));
        group.finish();
    }
    c.final_summary();
}

/// Read every event; returns the number of events and of exit statuses.
fn read(path: &Path) -> io::Result<(u64, u64)> {
    let file = BufReader::with_capacity(1 << 16, File::open(path)?);
    let mut events = 0;
    let mut exits = 0;
    for e in ToolLogReader::new(file, TextEncoding::Utf8, 0) {
        let e = e.map_err(io::Error::other)?;
        events += 1;
        if matches!(e.kind, msitrace::event::Kind::DeploymentExit(_)) {
            exits += 1;
        }
    }
    Ok((events, exits))
}

fn analyze(path: &Path) -> msitrace::analysis::Report {
    analyze_paths(&[path.to_path_buf()], &AnalysisSettings::default())
}

/// Generate a log unless a complete one of this size is already there.
fn prepare(
    name: &str,
    target_bytes: u64,
    write: fn(&Path, u64) -> io::Result<()>,
) -> io::Result<PathBuf> {
    let dir = bench_setup::data_dir();
    fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    let path = dir.join(format!(
        "toollog-{name}-v{GENERATOR_VERSION}-{}MiB.log",
        target_bytes >> 20
    ));
    if fs::metadata(&path).is_ok_and(|m| m.len() >= target_bytes) {
        return Ok(path);
    }
    let partial = path.with_extension("log.partial");
    write(&partial, target_bytes)?;
    fs::rename(&partial, &path)?;
    Ok(path)
}

/// A ConfigMgr client log: application enforcements, each ending with an exit status (one in
/// eight fails), with detection and content lines between them.
fn write_cmtrace(path: &Path, target: u64) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    let mut written = 0u64;
    let mut n = 0u64;
    while written < target {
        let (h, m, s, ms) = (
            (n / 3_600_000) % 24,
            (n / 60_000) % 60,
            (n / 1000) % 60,
            n % 1000,
        );
        let line = |msg: &str, typ: u8| {
            format!(
                "<![LOG[{msg}]LOG]!><time=\"{h:02}:{m:02}:{s:02}.{ms:03}+300\" date=\"11-18-2026\" component=\"AppEnforce\" context=\"\" type=\"{typ}\" thread=\"4120\" file=\"appexcnlib.cpp:{}\">\r\n",
                n % 2000
            )
        };
        let app = n % 97;
        let mut chunk = String::new();
        chunk += &line(&format!("+++ Starting Install enforcement for App DT \"Contoso App {app} - Windows Installer (*.msi file)\" ApplicationDeliveryType - ScopeId_7E1F3C2A/DeploymentType_{n:08x}, Revision - 3, ContentPath - C:\\WINDOWS\\ccmcache\\{app:x}, Execution Context - System"), 1);
        for k in 0..20 {
            chunk += &line(&format!("    Performing detection of app deployment type Contoso App {app} (ScopeId_7E1F3C2A/DeploymentType_{n:08x}, revision 3) for system, step {k}."), 1);
        }
        chunk += &line("    Prepared working directory: C:\\WINDOWS\\ccmcache\\1f\r\nwith a second line of detail", 1);
        chunk += &line(&format!("    Executing Command line: \"C:\\WINDOWS\\system32\\msiexec.exe\" /i \"App{app}.msi\" /qn /l*v \"C:\\WINDOWS\\ccm\\logs\\App{app}.log\" with system context"), 1);
        let code = if n % 8 == 7 { 1603 } else { 0 };
        chunk += &line(
            &format!(
                "    Process {} terminated with exitcode: {code}",
                4000 + app
            ),
            1,
        );
        let entry = if code == 0 { "Success" } else { "Failure" };
        chunk += &line(
            &format!("    Matched exit code {code} to a {entry} entry in exit codes table."),
            if code == 0 { 1 } else { 3 },
        );
        out.write_all(chunk.as_bytes())?;
        written += chunk.len() as u64;
        n += 1;
    }
    out.flush()
}

/// A `chocolatey.log` of package installs, one in ten failing.
fn write_chocolatey(path: &Path, target: u64) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    let mut written = 0u64;
    let mut n = 0u64;
    while written < target {
        let t = |k: u64| {
            let ms = n * 50 + k;
            format!(
                "2026-11-18 {:02}:{:02}:{:02},{:03} 5816",
                (ms / 3_600_000) % 24,
                (ms / 60_000) % 60,
                (ms / 1000) % 60,
                ms % 1000
            )
        };
        let mut chunk = String::new();
        chunk += &format!("{} [INFO ] - Installing pkg{n}...\r\n", t(0));
        for k in 1..15 {
            chunk += &format!("{} [DEBUG] - Running Get-ChocolateyWebFile for pkg{n} step {k} with url:'https://example.invalid/pkg{n}.msi'\r\n", t(k));
        }
        chunk += &format!("{} [DEBUG] - Running Install-ChocolateyInstallPackage -silentArgs '/qn /norestart /l*v \"C:\\Temp\\chocolatey\\pkg{n}.MsiInstall.log\"' -file 'C:\\t\\pkg{n}.msi'\r\n", t(20));
        if n % 10 == 9 {
            chunk += &format!("{} [ERROR] - ERROR: Running [\"C:\\Windows\\System32\\msiexec.exe\" /i \"C:\\t\\pkg{n}.msi\" /qn /norestart /l*v \"C:\\Temp\\chocolatey\\pkg{n}.MsiInstall.log\"] was not successful. Exit code was '1603'. See log for possible error messages.\r\n", t(30));
            chunk += &format!(
                "{} [ERROR] - The install of pkg{n} was NOT successful.\r\n",
                t(31)
            );
        } else {
            chunk += &format!(
                "{} [INFO ] -  The install of pkg{n} was successful.\r\n",
                t(30)
            );
        }
        out.write_all(chunk.as_bytes())?;
        written += chunk.len() as u64;
        n += 1;
    }
    out.flush()
}
