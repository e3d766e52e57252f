//! A generated fleet: N bundles, one per machine, made of the project's scenario fixtures (and,
//! when present, a real log of `../shared/corpus`), with known causes in known proportions, half
//! of them `.zip` bundles and half folders, plus a few bad bundles (a corrupt zip, an empty folder
//! with control characters in its name, a zip with hostile entry names, a zip bomb). Used by the
//! `batch` CLI tests, the `make_fleet` example (for the Python and Spark tests) and the `batch`
//! benchmark. The fleet is written to a folder given by the caller and never committed.

// Each user compiles this file on its own and uses only part of it.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

/// One machine of the generated fleet and what its analysis must find.
#[derive(Debug, Clone)]
pub struct PlannedMachine {
    /// The bundle's file or folder name in the fleet folder.
    pub bundle: String,
    /// The machine id the analysis must report (the computer named in the event logs, else the
    /// bundle's name).
    pub machine: String,
    /// The finding id that is this machine's cause; `None` for a machine without failure and for
    /// bad bundles with nothing analysable.
    pub cause: Option<&'static str>,
    /// True for a bundle that is broken on purpose (listed with its error).
    pub bad: bool,
}

/// The kinds of machines, one per slot of a cycle of 20.
#[derive(Clone, Copy)]
enum Kind {
    TempDenied,
    ServiceDll,
    NotElevated,
    Deliberate,
    WixCustomAction,
    Success,
    CorpusService,
}

const CYCLE: [Kind; 20] = {
    use Kind::*;
    [
        TempDenied,
        ServiceDll,
        NotElevated,
        TempDenied,
        Success,
        TempDenied,
        ServiceDll,
        Deliberate,
        TempDenied,
        NotElevated,
        CorpusService,
        TempDenied,
        ServiceDll,
        Success,
        WixCustomAction,
        TempDenied,
        NotElevated,
        ServiceDll,
        Deliberate,
        Success,
    ]
};

/// A bundle's files: name and content.
type Files = Vec<(String, Vec<u8>)>;

/// The corpus log used for one slot in 20 (Windows Installer error 1920, a service that did not
/// start), when `../shared/corpus` is present.
const CORPUS_LOG: &str = "msilog/HSPrint_install-admin-log_1920.log";

/// Bad bundles added at the end of a fleet of at least this many machines.
pub const BAD_BUNDLES: usize = 4;

/// Write a fleet of `n` bundles into `out` (created if needed), from the fixtures of the
/// repository at `repo` and the corpus at `repo/../shared/corpus` when present. With `n` of at
/// least 10, the last [`BAD_BUNDLES`] are the bad ones.
pub fn write_fleet(repo: &Path, out: &Path, n: usize) -> std::io::Result<Vec<PlannedMachine>> {
    write_fleet_as(repo, out, n, false)
}

/// [`write_fleet`], every good bundle a `.zip` when `zips_only` (for engines that read files,
/// such as Spark's `binaryFiles`), else every other one a folder.
pub fn write_fleet_as(
    repo: &Path,
    out: &Path,
    n: usize,
    zips_only: bool,
) -> std::io::Result<Vec<PlannedMachine>> {
    std::fs::create_dir_all(out)?;
    let fixtures = repo.join("fixtures");
    let corpus = repo.join("../shared/corpus").join(CORPUS_LOG);
    let corpus = corpus.is_file().then_some(corpus);
    let good = if n >= 10 { n - BAD_BUNDLES } else { n };
    let mut plan = Vec::with_capacity(n);
    for i in 0..good {
        let name = format!("m{i:05}");
        let computer = format!("{}.fleet.test", name.to_uppercase());
        let kind = CYCLE[i % CYCLE.len()];
        let (files, machine, cause): (Files, String, Option<&'static str>) = match kind {
            Kind::TempDenied => (
                scenario(&fixtures, "temp-denied", &computer)?,
                computer,
                Some("msi.temp-folder.access-denied"),
            ),
            Kind::ServiceDll => (
                scenario(&fixtures, "service-dll-missing", &computer)?,
                computer,
                Some("service.start-failed.dll-missing-scm"),
            ),
            Kind::NotElevated => (
                one(&fixtures.join("msilog/error-1310-utf16.log"))?,
                name.clone(),
                Some("msi.privileges.not-elevated"),
            ),
            Kind::Deliberate => (
                one(&fixtures.join("msilog/deliberate-failure.log"))?,
                name.clone(),
                Some("msi.custom-action.deliberate-failure"),
            ),
            Kind::WixCustomAction => (
                one(&fixtures.join("msilog/wix-ca-errors.log"))?,
                name.clone(),
                Some("msi.custom-action.error"),
            ),
            Kind::CorpusService if corpus.is_some() => (
                one(corpus.as_deref().unwrap_or(Path::new("")))?,
                name.clone(),
                Some("msi.service.start-failed"),
            ),
            Kind::Success | Kind::CorpusService => (
                one(&fixtures.join("msilog/success-utf8.log"))?,
                name.clone(),
                None,
            ),
        };
        let bundle = if zips_only || i % 2 == 0 {
            let zip = format!("{name}.zip");
            write_zip(&out.join(&zip), &files)?;
            zip
        } else {
            let dir = out.join(&name);
            std::fs::create_dir_all(&dir)?;
            for (file, data) in &files {
                std::fs::write(dir.join(file), data)?;
            }
            name.clone()
        };
        plan.push(PlannedMachine {
            bundle,
            machine,
            cause,
            bad: false,
        });
    }
    if n >= 10 {
        plan.extend(write_bad_bundles(&fixtures, out)?);
    }
    Ok(plan)
}

/// The corrupt, empty, hostile and bomb bundles.
fn write_bad_bundles(fixtures: &Path, out: &Path) -> std::io::Result<Vec<PlannedMachine>> {
    let bad = |bundle: &str, machine: &str| PlannedMachine {
        bundle: bundle.into(),
        machine: machine.into(),
        cause: None,
        bad: true,
    };
    // A zip's signature, then garbage.
    let mut corrupt = b"PK\x03\x04".to_vec();
    corrupt.extend((0u32..4096).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    std::fs::write(out.join("zz-corrupt.zip"), corrupt)?;
    // An empty folder whose name carries a terminal escape.
    std::fs::create_dir_all(out.join("zz-empty\x1b[31m"))?;
    // Entries that try to leave the bundle, or carry control characters, beside a real log.
    let failing = std::fs::read(fixtures.join("msilog/error-1310-utf16.log"))?;
    write_zip(
        &out.join("zz-hostile.zip"),
        &[
            ("../../escaped.log".into(), failing.clone()),
            ("/abs/escaped.log".into(), failing.clone()),
            ("ctl\x1b]0;title\x07name.log".into(), failing),
        ],
    )?;
    // A bomb: 16 MiB of zeros deflate to a few KiB (a ratio far over the limit).
    write_zip(
        &out.join("zz-bomb.zip"),
        &[("huge.log".into(), vec![0u8; 16 << 20])],
    )?;
    // The hostile zip's entry with control characters is a real log: it is analysed.
    let mut hostile = bad("zz-hostile.zip", "zz-hostile");
    hostile.cause = Some("msi.privileges.not-elevated");
    Ok(vec![
        bad("zz-corrupt.zip", "zz-corrupt"),
        bad("zz-empty\x1b[31m", "zz-empty[31m"),
        hostile,
        bad("zz-bomb.zip", "zz-bomb"),
    ])
}

/// The files of a scenario folder, the computer of its event logs renamed to `computer`.
fn scenario(fixtures: &Path, name: &str, computer: &str) -> std::io::Result<Files> {
    let mut files = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures.join("scenarios").join(name))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.sort();
    for path in paths {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut data = std::fs::read(&path)?;
        if file.ends_with(".xml") {
            data = rename_computer(&String::from_utf8_lossy(&data), computer).into_bytes();
        }
        files.push((file, data));
    }
    Ok(files)
}

/// Every `<Computer>...</Computer>` of an event-log export set to `computer`.
fn rename_computer(xml: &str, computer: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find("<Computer>") {
        let after = start + "<Computer>".len();
        let Some(len) = rest[after..].find("</Computer>") else {
            break;
        };
        out.push_str(&rest[..after]);
        out.push_str(computer);
        rest = &rest[after + len..];
    }
    out.push_str(rest);
    out
}

/// One file as a bundle's only content.
fn one(path: &Path) -> std::io::Result<Files> {
    let name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "install.log".into());
    Ok(vec![(name, std::fs::read(path)?)])
}

/// A deflated zip of these files.
fn write_zip(path: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        zip.start_file(name.as_str(), options)
            .map_err(std::io::Error::other)?;
        zip.write_all(data)?;
    }
    zip.finish().map_err(std::io::Error::other)?;
    Ok(())
}
