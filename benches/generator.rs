//! Synthetic Windows Installer verbose log (`msiexec /l*v`) for benchmarks.
//!
//! [`write_verbose_log`] streams a log of at least a given size, UTF-16LE with a BOM and CRLF line
//! endings, shaped like a real one: engine lines of the client and the server (policies, notes,
//! property changes, script ops, component and feature states), action start/progress/end lines,
//! `Property(S):` dumps, unprefixed custom-action output and blank lines, with the clock moving on
//! (and passing midnight once) as the file grows. It ends with a failed install: error 1310, the
//! action returning 3, the 1603 outcome and the engine's return.
//!
//! Deterministic: the same size gives the same bytes. Plain std, no dependencies.

use std::fmt::{self, Write as _};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Write a failed-install verbose log of at least `target_bytes` bytes to `path`.
pub fn write_verbose_log(path: &Path, target_bytes: u64) -> io::Result<()> {
    let file = File::create(path)?;
    let mut g = Gen::new(BufWriter::with_capacity(1 << 20, file), target_bytes);
    g.out.write_all(&[0xFF, 0xFE])?;
    g.written = 2;
    g.header()?;
    g.client_start()?;
    g.server_start()?;
    g.install_start()?;
    let mut action = 0u64;
    // The ending (a few KiB) comes on top: the file is at least the target size.
    while g.written < target_bytes {
        g.action(action)?;
        action += 1;
        if action % 45 == 0 {
            g.property_dump('S', 70)?;
        }
        if action % 160 == 0 {
            g.client_chatter()?;
        }
        if action % 400 == 0 {
            g.server_start()?;
        }
    }
    g.failure()?;
    g.out.flush()
}

// ---------------------------------------------------------------------------------------------
// Clock: derived from progress, so the log spans START..START+SPAN whatever its size.

/// 12:02:17.898 in milliseconds since midnight.
const START_MS: u64 = (12 * 3600 + 2 * 60 + 17) * 1000 + 898;
/// About 15h56m: the log ends near 03:58 the next day (one midnight passed).
const SPAN_MS: u64 = 15 * 3_600_000 + 56 * 60_000;

/// Engine time `[HH:MM:SS:mmm]` (inside the brackets).
struct EngineTime(u64);

impl fmt::Display for EngineTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 86_400_000;
        let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        write!(f, "{h:02}:{m:02}:{s:02}:{milli:03}")
    }
}

/// Action time `H:MM:SS`.
struct ActionTime(u64);

impl fmt::Display for ActionTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 86_400_000;
        let (h, m, s) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
        write!(f, "{h}:{m:02}:{s:02}")
    }
}

// ---------------------------------------------------------------------------------------------
// Value pools.

const SERVER: &str = "MSI (s) (18:F4)";
const CLIENT: &str = "MSI (c) (FC:08)";
const CA_THREAD: &str = "MSI (s) (18!A0)";
const CA_SERVER: &str = "MSI (s) (18:A0)";

const DIRS: [&str; 8] = [
    r"C:\Program Files\Gen\",
    r"C:\Program Files\Gen\bin\",
    r"C:\Program Files\Gen\bin\plugins\",
    r"C:\Program Files\Gen\bin\x64\runtimes\win-x64\native\",
    r"C:\Program Files\Gen\resources\en-US\",
    r"C:\Program Files\Common Files\Gen Shared\",
    r"C:\ProgramData\Gen\config\",
    r"C:\Windows\System32\",
];

const STEMS: [&str; 12] = [
    "Gen.Core",
    "Gen.Plugin",
    "Gen.Data.Sqlite",
    "Gen.Services.Updater",
    "Newtonsoft.Json",
    "System.Memory",
    "gen_native",
    "Gen.UI.Controls",
    "Gen.Interop.Office",
    "libcrypto-3-x64",
    "Gen.Telemetry",
    "Microsoft.Extensions.Logging",
];

const EXTS: [&str; 5] = ["dll", "dll", "exe", "config", "json"];

const POLICIES: [(&str, &str); 10] = [
    ("Machine", "Debug"),
    ("Machine", "DisableUserInstalls"),
    ("Machine", "LimitSystemRestoreCheckpointing"),
    ("User", "MinimizeMSIPerfImpact"),
    ("Machine", "DisableRollback"),
    ("Machine", "AlwaysInstallElevated"),
    ("User", "AlwaysInstallElevated"),
    ("Machine", "DisableBrowse"),
    ("Machine", "TransformsSecure"),
    ("Machine", "DisableLUAPatching"),
];

/// Standard actions and what their body looks like.
#[derive(Clone, Copy)]
enum Body {
    Files,
    Costing,
    Search,
    Registry,
    CustomAction,
    Plain,
}

const ACTIONS: [(&str, &str, Body); 24] = [
    (
        "AppSearch",
        "Searching for installed applications",
        Body::Search,
    ),
    (
        "LaunchConditions",
        "Evaluating launch conditions",
        Body::Plain,
    ),
    (
        "FindRelatedProducts",
        "Searching for related applications",
        Body::Search,
    ),
    ("ValidateProductID", "", Body::Plain),
    (
        "CostInitialize",
        "Computing space requirements",
        Body::Search,
    ),
    ("FileCost", "Computing space requirements", Body::Costing),
    (
        "CostFinalize",
        "Computing space requirements",
        Body::Costing,
    ),
    ("InstallValidate", "Validating install", Body::Costing),
    ("InstallInitialize", "", Body::Plain),
    (
        "ProcessComponents",
        "Updating component registration",
        Body::Costing,
    ),
    (
        "UnpublishFeatures",
        "Unpublishing Product Features",
        Body::Plain,
    ),
    (
        "RemoveRegistryValues",
        "Removing system registry values",
        Body::Registry,
    ),
    ("RemoveFiles", "Removing files", Body::Files),
    ("InstallFiles", "Copying new files", Body::Files),
    ("DuplicateFiles", "Creating duplicate files", Body::Files),
    (
        "WriteRegistryValues",
        "Writing system registry values",
        Body::Registry,
    ),
    ("WriteIniValues", "Writing INI files values", Body::Registry),
    ("CA_ConfigureService", "", Body::CustomAction),
    ("WixQuietExec64_ImportCerts", "", Body::CustomAction),
    ("RegisterUser", "Registering user", Body::Plain),
    ("RegisterProduct", "Registering product", Body::Registry),
    (
        "PublishFeatures",
        "Publishing Product Features",
        Body::Costing,
    ),
    (
        "PublishProduct",
        "Publishing product information",
        Body::Registry,
    ),
    ("SchedServiceConfig", "", Body::CustomAction),
];

const PROPERTIES: [(&str, &str); 24] = [
    ("ProductName", "Gen"),
    ("ProductVersion", "1.0"),
    ("Manufacturer", "Gen"),
    ("ProductCode", "{6F3E2A10-7C44-4B8E-9D61-2C5A0B9E7F13}"),
    ("UpgradeCode", "{0E2B8C4D-51A7-4F36-A8D2-93C6E71B5F40}"),
    ("ProductLanguage", "1033"),
    ("INSTALLFOLDER", r"C:\Program Files\Gen\"),
    ("TARGETDIR", r"C:\"),
    (
        "SourceDir",
        r"C:\Users\bench\AppData\Local\Temp\{4A7C}\Gen\",
    ),
    ("ALLUSERS", "1"),
    ("Privileged", "1"),
    ("VersionNT64", "603"),
    ("WindowsBuild", "9600"),
    ("ServicePackLevel", "0"),
    ("CommonAppDataFolder", r"C:\ProgramData\"),
    ("LocalAppDataFolder", r"C:\Users\bench\AppData\Local\"),
    ("TempFolder", r"C:\Users\bench\AppData\Local\Temp\"),
    ("WIX_IS_NETFRAMEWORK_472_OR_LATER_INSTALLED", "1"),
    ("NETFRAMEWORK45", "#528372"),
    ("ARPPRODUCTICON", "GenIcon.exe"),
    ("ARPNOMODIFY", "1"),
    ("PackagecodeChanging", "1"),
    ("CostingComplete", "1"),
    ("OutOfDiskSpace", "0"),
];

// ---------------------------------------------------------------------------------------------

struct Gen<W: Write> {
    out: W,
    written: u64,
    target: u64,
    rng: u64,
    /// Last time handed out, in ms since the start day's midnight (never goes back).
    now: u64,
    /// Writing the ending: the clock stands at the end of the span.
    ending: bool,
    line: String,
    bytes: Vec<u8>,
}

impl<W: Write> Gen<W> {
    fn new(out: W, target: u64) -> Self {
        Gen {
            out,
            written: 0,
            target: target.max(1),
            rng: 0x9E37_79B9_7F4A_7C15,
            now: START_MS,
            ending: false,
            line: String::with_capacity(1024),
            bytes: Vec::with_capacity(2048),
        }
    }

    /// xorshift64*: a small deterministic generator.
    fn next(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// The time of the next line: where the file is on its way to the target.
    fn tick(&mut self) -> u64 {
        let progress = if self.ending {
            self.target
        } else {
            self.written.min(self.target)
        } as u128;
        let at = START_MS + (SPAN_MS as u128 * progress / self.target as u128) as u64;
        self.now = self.now.max(at);
        self.now
    }

    /// Write one line (CRLF added) as UTF-16LE.
    fn emit(&mut self, args: fmt::Arguments<'_>) -> io::Result<()> {
        self.line.clear();
        self.line
            .write_fmt(args)
            .expect("formatting into a String cannot fail");
        self.line.push_str("\r\n");
        self.bytes.clear();
        for unit in self.line.encode_utf16() {
            self.bytes.extend_from_slice(&unit.to_le_bytes());
        }
        self.out.write_all(&self.bytes)?;
        self.written += self.bytes.len() as u64;
        Ok(())
    }

    /// `MSI (x) (pp:tt) [HH:MM:SS:mmm]: body`.
    fn engine(&mut self, prefix: &str, body: fmt::Arguments<'_>) -> io::Result<()> {
        let t = EngineTime(self.tick());
        self.emit(format_args!("{prefix} [{t}]: {body}"))
    }

    fn server(&mut self, body: fmt::Arguments<'_>) -> io::Result<()> {
        self.engine(SERVER, body)
    }

    /// A line without a prefix (custom-action output, action data).
    fn plain(&mut self, body: fmt::Arguments<'_>) -> io::Result<()> {
        self.tick();
        self.emit(body)
    }

    fn action_time(&mut self) -> ActionTime {
        ActionTime(self.tick())
    }

    fn header(&mut self) -> io::Result<()> {
        self.emit(format_args!(
            r"=== Verbose logging started: 7/7/2026  12:02:17  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\Windows\system32\msiexec.exe ==="
        ))
    }

    fn font_lines(&mut self, prefix: &str) -> io::Result<()> {
        for _ in 0..2 {
            self.engine(
                prefix,
                format_args!(
                    "Font created.  Charset: Req=0, Ret=0, Font: Req=MS Shell Dlg, Ret=MS Shell Dlg"
                ),
            )?;
            self.emit(format_args!(""))?;
        }
        Ok(())
    }

    fn policies(&mut self, prefix: &str) -> io::Result<()> {
        self.engine(prefix, format_args!("Resetting cached policy values"))?;
        for (scope, name) in POLICIES {
            self.engine(prefix, format_args!("{scope} policy value '{name}' is 0"))?;
        }
        Ok(())
    }

    fn client_start(&mut self) -> io::Result<()> {
        self.font_lines(CLIENT)?;
        self.policies(CLIENT)?;
        self.engine(CLIENT, format_args!("******* RunEngine:"))?;
        self.plain(format_args!(
            r"           ******* Product: C:\Users\bench\Downloads\Gen-1.0-x64.msi"
        ))?;
        self.plain(format_args!("           ******* Action: "))?;
        self.plain(format_args!("           ******* CommandLine: **********"))?;
        self.engine(
            CLIENT,
            format_args!(
                "Client-side and UI is none or basic: Running entire install on the server."
            ),
        )?;
        self.engine(CLIENT, format_args!("Grabbed execution mutex."))?;
        self.engine(CLIENT, format_args!("Cloaking enabled."))?;
        self.engine(
            CLIENT,
            format_args!(
                "Attempting to enable all disabled privileges before calling Install on Server"
            ),
        )?;
        self.engine(
            CLIENT,
            format_args!("Incrementing counter to disable shutdown. Counter after increment: 0"),
        )
    }

    fn server_start(&mut self) -> io::Result<()> {
        self.server(format_args!("Grabbed execution mutex."))?;
        self.policies(SERVER)?;
        self.server(format_args!(
            r"Running product '{{6F3E2A10-7C44-4B8E-9D61-2C5A0B9E7F13}}' with elevated privileges: Product is assigned."
        ))?;
        self.server(format_args!(
            r"Command Line: TARGETDIR=C:\ CURRENTDIRECTORY=C:\Users\bench CLIENTUILEVEL=3 CLIENTPROCESSID=4092 "
        ))?;
        self.server(format_args!(
            "PROPERTY CHANGE: Adding PackageCode property. Its value is '{{B3F0E6C2-1D5A-4E87-A0F4-7C29D8E61B35}}'."
        ))?;
        self.server(format_args!("Note: 1: 2205 2:  3: Error "))?;
        self.server(format_args!(
            "Note: 1: 2228 2:  3: Error 4: SELECT `Message` FROM `Error` WHERE `Error` = 1709 "
        ))?;
        self.server(format_args!("Product: Gen -- Installation started."))
    }

    fn install_start(&mut self) -> io::Result<()> {
        self.server(format_args!("Doing action: INSTALL"))?;
        self.server(format_args!("Note: 1: 2205 2:  3: ActionText "))?;
        let t = self.action_time();
        self.emit(format_args!("Action start {t}: INSTALL."))?;
        self.server(format_args!("Running ExecuteSequence"))
    }

    fn client_chatter(&mut self) -> io::Result<()> {
        self.font_lines(CLIENT)?;
        let n = self.below(100);
        self.engine(
            CLIENT,
            format_args!("Note: 1: 2205 2:  3: _RemoveFilePath "),
        )?;
        self.engine(
            CLIENT,
            format_args!(
                "PROPERTY CHANGE: Modifying ProgressValue{n} property. Its current value is '{}'. Its new value: '{}'.",
                n * 3,
                n * 3 + 1
            ),
        )
    }

    fn property_dump(&mut self, scope: char, count: usize) -> io::Result<()> {
        for i in 0..count {
            let (name, value) = PROPERTIES[i % PROPERTIES.len()];
            if i < PROPERTIES.len() {
                self.plain(format_args!("Property({scope}): {name} = {value}"))?;
            } else {
                let n = self.below(10_000);
                let dir = self.pick(&DIRS);
                self.plain(format_args!("Property({scope}): GenDir_{n:04} = {dir}"))?;
            }
        }
        Ok(())
    }

    /// One action: doing/start, a body shaped by its kind, progress, end.
    fn action(&mut self, seq: u64) -> io::Result<()> {
        let (name, description, body) = ACTIONS[(seq % ACTIONS.len() as u64) as usize];
        if self.below(7) == 0 {
            return self.server(format_args!("Skipping action: {name} (condition is false)"));
        }
        self.server(format_args!("Doing action: {name}"))?;
        self.server(format_args!("Note: 1: 2205 2:  3: ActionText "))?;
        let t = self.action_time();
        self.emit(format_args!("Action start {t}: {name}."))?;
        if !description.is_empty() {
            let t = self.action_time();
            self.emit(format_args!("Action {t}: {name}. {description}"))?;
        }
        match body {
            Body::Files => self.files(name)?,
            Body::Costing => self.costing()?,
            Body::Search => self.search()?,
            Body::Registry => self.registry(name)?,
            Body::CustomAction => self.custom_action(name)?,
            Body::Plain => {
                let n = self.below(3);
                for _ in 0..n {
                    let key = self.below(100_000);
                    self.server(format_args!(
                        "Note: 1: 2262 2: Binary 3: -2147287038 4: {key}"
                    ))?;
                }
            }
        }
        let rv = if self.below(10) == 0 { 0 } else { 1 };
        let t = self.action_time();
        self.emit(format_args!("Action ended {t}: {name}. Return value {rv}."))
    }

    fn file_name(&mut self) -> (String, &'static str) {
        let stem = self.pick(&STEMS);
        let ext = self.pick(&EXTS);
        let n = self.below(64);
        (format!("{stem}{n:02}.{ext}"), self.pick(&DIRS))
    }

    fn files(&mut self, action: &str) -> io::Result<()> {
        let dir = self.pick(&DIRS);
        self.server(format_args!(
            "Executing op: ActionStart(Name={action},Description=Copying new files,Template=File: [1],  Directory: [9],  Size: [6])"
        ))?;
        let total = self.below(50_000_000);
        self.server(format_args!(
            "Executing op: ProgressTotal(Total={total},Type=0,ByteEquivalent=1)"
        ))?;
        self.server(format_args!("Executing op: SetTargetFolder(Folder={dir})"))?;
        let rel = dir.trim_start_matches(r"C:\");
        self.server(format_args!(
            r"Executing op: SetSourceFolder(Folder=1\PFiles\{rel}|{rel})"
        ))?;
        let n = 4 + self.below(12);
        for _ in 0..n {
            let (file, _) = self.file_name();
            let key = self.next();
            let size = 1024 + self.below(4_000_000);
            let short = self.below(0xFF_FFFF);
            let (maj, min, build) = (self.below(9), self.below(20), self.below(9000));
            self.server(format_args!(
                "Executing op: FileCopy(SourceName={short:06x}~1.dll|{file},SourceCabKey=fil{key:016X},DestName={file},Attributes=512,FileSize={size},PerTick=65536,,VerifyMedia=1,,,,,CheckCRC=0,Version={maj}.{min}.{build}.0,Language=0,InstallMode=58982400,,,,,,,)"
            ))?;
            self.server(format_args!(
                "File: {dir}{file};\tTo be installed;\tWon't patch;\tNo existing file"
            ))?;
            self.server(format_args!(
                "Source for file 'fil{key:016X}' is compressed"
            ))?;
            self.plain(format_args!(
                "{action}: File: {file},  Directory: {dir},  Size: {size}"
            ))?;
        }
        Ok(())
    }

    fn costing(&mut self) -> io::Result<()> {
        self.server(format_args!("Note: 1: 2205 2:  3: MsiAssembly "))?;
        self.server(format_args!(
            "Note: 1: 2228 2:  3: MsiAssembly 4:  SELECT `MsiAssembly`.`Attributes`, `MsiAssembly`.`File_Application`, `MsiAssembly`.`File_Manifest`,  `Component`.`KeyPath` FROM `MsiAssembly`, `Component` WHERE  `MsiAssembly`.`Component_` = `Component`.`Component` AND `MsiAssembly`.`Component_` = ? "
        ))?;
        let n = 4 + self.below(14);
        for _ in 0..n {
            let id = self.next();
            let (installed, action) = if self.below(5) == 0 {
                ("Local", "Null")
            } else {
                ("Absent", "Local")
            };
            self.server(format_args!(
                "Component: cmp{id:016X}; Installed: {installed};   Request: Local;   Action: {action}"
            ))?;
        }
        let features = ["ProductFeature", "Plugins", "Documentation", "Telemetry"];
        let f = self.pick(&features);
        self.server(format_args!(
            "Feature: {f}; Installed: Absent;   Request: Local;   Action: Local"
        ))
    }

    fn search(&mut self) -> io::Result<()> {
        let n = 2 + self.below(6);
        for _ in 0..n {
            let i = self.below(400);
            let dir = self.pick(&DIRS);
            match self.below(4) {
                0 => self.server(format_args!(
                    r"Note: 1: 1402 2: HKEY_LOCAL_MACHINE\SOFTWARE\Gen\Plugins\P{i:03} 3: 2 "
                ))?,
                1 => self.server(format_args!(
                    "Note: 1: 2262 2: Signature 3: -2147287038 "
                ))?,
                2 => self.server(format_args!(
                    "PROPERTY CHANGE: Adding GENPLUGIN{i}DIR property. Its value is '{dir}'."
                ))?,
                _ => self.server(format_args!(
                    "PROPERTY CHANGE: Modifying GENSEARCH{i} property. Its current value is '0'. Its new value: '{dir}'."
                ))?,
            }
        }
        Ok(())
    }

    fn registry(&mut self, action: &str) -> io::Result<()> {
        let n = 2 + self.below(8);
        let p = self.below(200);
        self.server(format_args!(
            r"Executing op: RegOpenKey(Root=-2147483646,Key=SOFTWARE\Gen\Plugins\P{p:03},,BinaryType=0,,)"
        ))?;
        for i in 0..n {
            let (file, dir) = self.file_name();
            self.server(format_args!(
                "Executing op: RegAddValue(Name=Path{i},Value={dir}{file},)"
            ))?;
            self.plain(format_args!(
                r"{action}: Key: \SOFTWARE\Gen\Plugins\P{p:03}, Name: Path{i}, Value: {dir}{file}"
            ))?;
        }
        Ok(())
    }

    fn custom_action(&mut self, name: &str) -> io::Result<()> {
        let tmp = self.below(0xFFFF);
        self.engine(
            CA_SERVER,
            format_args!(
                r"Invoking remote custom action. DLL: C:\Windows\Installer\MSI{tmp:04X}.tmp, Entrypoint: CAQuietExec64"
            ),
        )?;
        self.engine(
            CA_THREAD,
            format_args!("Creating MSIHANDLE (1{tmp:03}) of type 790542 for thread 4000"),
        )?;
        self.plain(format_args!(
            r"SFXCA: Extracting custom action to temporary directory: C:\Windows\Installer\MSI{tmp:04X}.tmp-\"
        ))?;
        self.plain(format_args!("SFXCA: Binding to CLR version v4.0.30319"))?;
        self.plain(format_args!(
            "Calling custom action Gen.CustomActions!Gen.CustomActions.Setup.{name}"
        ))?;
        let n = 2 + self.below(12);
        for i in 0..n {
            let (file, dir) = self.file_name();
            match self.below(3) {
                0 => self.plain(format_args!(
                    "CAQuietExec64:  [{i}] configuring {dir}{file} (attempt 1 of 3)"
                ))?,
                1 => self.plain(format_args!(
                    "CAQuietExec64:  Registering {file} with the service control manager; start type: auto"
                ))?,
                _ => self.plain(format_args!(
                    "{name}: Copied {dir}{file} to the staging area; {i} of {n} done"
                ))?,
            }
        }
        self.engine(
            CA_THREAD,
            format_args!("Closing MSIHANDLE (1{tmp:03}) of type 790542 for thread 4000"),
        )
    }

    fn failure(&mut self) -> io::Result<()> {
        let file = r"C:\Program Files\Gen\bin\x.dll";
        self.server(format_args!("Doing action: InstallFinalize"))?;
        self.server(format_args!("Note: 1: 2205 2:  3: ActionText "))?;
        let t = self.action_time();
        self.emit(format_args!("Action start {t}: InstallFinalize."))?;
        self.server(format_args!(
            "Executing op: FileCopy(SourceName=x.dll|x.dll,SourceCabKey=filX,DestName=x.dll,Attributes=512,FileSize=348160,PerTick=65536,,VerifyMedia=1,,,,,CheckCRC=0,Version=1.0.0.0,Language=0,InstallMode=58982400,,,,,,,)"
        ))?;
        self.server(format_args!(
            "Product: Gen -- Error 1310. Error writing to file: {file}.  Verify that you have access to that directory."
        ))?;
        self.emit(format_args!(
            "Error 1310. Error writing to file: {file}.  Verify that you have access to that directory."
        ))?;
        let t = self.action_time();
        self.emit(format_args!(
            "Action ended {t}: InstallFinalize. Return value 3."
        ))?;
        self.server(format_args!("Note: 1: 2265 2:  3: -2147287035 "))?;
        let t = self.action_time();
        self.emit(format_args!("Action ended {t}: INSTALL. Return value 3."))?;
        self.property_dump('S', PROPERTIES.len())?;
        // The clock reaches the end of its span with the last lines.
        self.ending = true;
        self.server(format_args!("Product: Gen -- Installation failed."))?;
        self.server(format_args!(
            "Windows Installer installed the product. Product Name: Gen. Product Version: 1.0. Product Language: 1033. Manufacturer: Gen. Installation success or error status: 1603."
        ))?;
        self.engine(CLIENT, format_args!("MainEngineThread is returning 1603"))?;
        let t = self.action_time();
        self.emit(format_args!(
            "=== Verbose logging stopped: 7/8/2026  {t} ==="
        ))
    }
}
