//! Windows paths as rules need them: one normal form per path, and the known folder it lies in.
//!
//! Process Monitor, MSI logs and event logs write the same place in several ways: `\??\C:\x`,
//! `\\?\C:\x`, `\Device\HarddiskVolume3\x`, `\REGISTRY\MACHINE\SOFTWARE`, `HKEY_LOCAL_MACHINE\SOFTWARE`,
//! `HKLM\SOFTWARE`. [`NormalPath::new`] turns each into one form (`C:\x`, `HKLM\SOFTWARE`) and
//! recognises the [`KnownFolder`] it lies under (`%TEMP%` for `C:\Users\<user>\AppData\Local\Temp`
//! and `C:\Windows\Temp`, `%ProgramFiles%`, `C:\Windows\Installer`, ...), so a rule can say
//! "ACCESS DENIED under %TEMP% by msiexec" whatever the drive, user name or spelling.
//!
//! ```
//! use msitrace::event::{KnownFolder, NormalPath};
//! let p = NormalPath::new(r"\??\C:\Users\jo\AppData\Local\Temp\MSI1A2B.tmp");
//! assert_eq!(p.text, r"C:\Users\jo\AppData\Local\Temp\MSI1A2B.tmp");
//! assert_eq!(p.known, Some(KnownFolder::Temp));
//! assert_eq!(p.display(), r"%TEMP%\MSI1A2B.tmp");
//! let k = NormalPath::new(r"\REGISTRY\MACHINE\SOFTWARE\Classes\Installer");
//! assert_eq!(k.text, r"HKLM\SOFTWARE\Classes\Installer");
//! assert_eq!(k.known, Some(KnownFolder::Hklm));
//! ```

use serde::{Deserialize, Serialize};

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathSpace {
    /// A file or folder on a drive letter (`C:\...`).
    Drive,
    /// A file on a volume device without a drive letter (`\Device\HarddiskVolume3\...`).
    Volume,
    /// A network path (`\\server\share\...`).
    Network,
    /// A registry key or value.
    Registry,
    /// Anything else (named pipes, devices, empty paths, network endpoints).
    Other,
}

/// Folders and registry roots that rules talk about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KnownFolder {
    /// `%TEMP%`: `\Users\<user>\AppData\Local\Temp` or `\Windows\Temp`.
    Temp,
    /// `\Windows\Installer`: the installer's package and patch cache.
    WindowsInstaller,
    /// `\Config.Msi`: the installer's rollback files.
    ConfigMsi,
    /// `\Program Files (x86)`.
    ProgramFilesX86,
    /// `\Program Files`.
    ProgramFiles,
    /// `\Windows\System32`.
    System32,
    /// `\Windows\SysWOW64`.
    SysWow64,
    /// `\Windows\WinSxS`: side-by-side assemblies.
    WinSxS,
    /// `\Windows` (`%SystemRoot%`), when no more precise folder applies.
    SystemRoot,
    /// `\ProgramData`.
    ProgramData,
    /// `\Users\<user>\AppData\Roaming`.
    AppData,
    /// `\Users\<user>\AppData\Local`.
    LocalAppData,
    /// `\Users\<user>` (`%USERPROFILE%`).
    UserProfile,
    /// `HKEY_LOCAL_MACHINE`.
    Hklm,
    /// `HKEY_CURRENT_USER`.
    Hkcu,
    /// `HKEY_CLASSES_ROOT`.
    Hkcr,
    /// `HKEY_USERS`.
    Hku,
    /// `HKEY_CURRENT_CONFIG`.
    Hkcc,
}

impl KnownFolder {
    /// How the folder is shown: `%TEMP%`, `%ProgramFiles%`, `HKLM`, ...
    pub fn label(self) -> &'static str {
        match self {
            KnownFolder::Temp => "%TEMP%",
            KnownFolder::WindowsInstaller => r"%SystemRoot%\Installer",
            KnownFolder::ConfigMsi => r"%SystemDrive%\Config.Msi",
            KnownFolder::ProgramFilesX86 => "%ProgramFiles(x86)%",
            KnownFolder::ProgramFiles => "%ProgramFiles%",
            KnownFolder::System32 => r"%SystemRoot%\System32",
            KnownFolder::SysWow64 => r"%SystemRoot%\SysWOW64",
            KnownFolder::WinSxS => r"%SystemRoot%\WinSxS",
            KnownFolder::SystemRoot => "%SystemRoot%",
            KnownFolder::ProgramData => "%ProgramData%",
            KnownFolder::AppData => "%AppData%",
            KnownFolder::LocalAppData => "%LocalAppData%",
            KnownFolder::UserProfile => "%UserProfile%",
            KnownFolder::Hklm => "HKLM",
            KnownFolder::Hkcu => "HKCU",
            KnownFolder::Hkcr => "HKCR",
            KnownFolder::Hku => "HKU",
            KnownFolder::Hkcc => "HKCC",
        }
    }
}

impl std::fmt::Display for KnownFolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A path in normal form, with the known folder it lies under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NormalPath {
    /// The path in normal form (`C:\x`, `\Device\HarddiskVolume3\x`, `HKLM\SOFTWARE\x`), case kept.
    pub text: String,
    /// What it names.
    pub space: PathSpace,
    /// The most precise known folder it lies under, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known: Option<KnownFolder>,
    /// Byte length of the known folder's prefix in `text` (0 without one).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub known_len: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Where a known folder lies: under a user's profile or at the root of a volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FolderBase {
    /// Below `\Users\<user>` (or `\Documents and Settings\<user>`).
    Profile,
    /// Below the volume root (`C:\`).
    Root,
}

/// The folders that hold user profiles, below a volume root, lowercase.
pub(crate) const PROFILE_FOLDERS: &[&str] = &[r"\users\", r"\documents and settings\"];

/// The one table of known folders: every place each lies, lowercase, longest first within a base
/// (path normalisation and rule path patterns both read it).
pub(crate) const FOLDER_PLACES: &[(FolderBase, &str, KnownFolder)] = &[
    (
        FolderBase::Profile,
        r"\appdata\local\temp",
        KnownFolder::Temp,
    ),
    (
        FolderBase::Profile,
        r"\local settings\temp",
        KnownFolder::Temp,
    ),
    (
        FolderBase::Profile,
        r"\appdata\roaming",
        KnownFolder::AppData,
    ),
    (
        FolderBase::Profile,
        r"\appdata\local",
        KnownFolder::LocalAppData,
    ),
    (FolderBase::Profile, "", KnownFolder::UserProfile),
    (
        FolderBase::Root,
        r"\windows\installer",
        KnownFolder::WindowsInstaller,
    ),
    (FolderBase::Root, r"\windows\temp", KnownFolder::Temp),
    (
        FolderBase::Root,
        r"\windows\system32",
        KnownFolder::System32,
    ),
    (
        FolderBase::Root,
        r"\windows\syswow64",
        KnownFolder::SysWow64,
    ),
    (FolderBase::Root, r"\windows\winsxs", KnownFolder::WinSxS),
    (FolderBase::Root, r"\windows", KnownFolder::SystemRoot),
    (FolderBase::Root, r"\config.msi", KnownFolder::ConfigMsi),
    (
        FolderBase::Root,
        r"\program files (x86)",
        KnownFolder::ProgramFilesX86,
    ),
    (
        FolderBase::Root,
        r"\program files",
        KnownFolder::ProgramFiles,
    ),
    (FolderBase::Root, r"\programdata", KnownFolder::ProgramData),
];

/// The names rule path patterns use for known folders (`%TEMP%\**`), uppercase: the folders each
/// stands for and, when it stands for only some of their places, which base.
pub(crate) const FOLDER_VARIABLES: &[(&str, &[KnownFolder], Option<FolderBase>)] = &[
    ("%TEMP%", &[KnownFolder::Temp], None),
    ("%TMP%", &[KnownFolder::Temp], None),
    (
        "%WINDOWSTEMP%",
        &[KnownFolder::Temp],
        Some(FolderBase::Root),
    ),
    (
        "%USERTEMP%",
        &[KnownFolder::Temp],
        Some(FolderBase::Profile),
    ),
    ("%SYSTEMROOT%", &[KnownFolder::SystemRoot], None),
    ("%WINDIR%", &[KnownFolder::SystemRoot], None),
    (
        "%SYSTEM32%",
        &[KnownFolder::System32, KnownFolder::SysWow64],
        None,
    ),
    (
        "%PROGRAMFILES%",
        &[KnownFolder::ProgramFiles, KnownFolder::ProgramFilesX86],
        None,
    ),
    ("%PROGRAMDATA%", &[KnownFolder::ProgramData], None),
    ("%APPDATA%", &[KnownFolder::AppData], None),
    ("%LOCALAPPDATA%", &[KnownFolder::LocalAppData], None),
    ("%USERPROFILE%", &[KnownFolder::UserProfile], None),
    ("%INSTALLER%", &[KnownFolder::WindowsInstaller], None),
    ("%CONFIGMSI%", &[KnownFolder::ConfigMsi], None),
];

/// Registry roots in their long and kernel spellings, uppercase, with their short form.
const HIVES: &[(&str, &str, KnownFolder)] = &[
    (r"\REGISTRY\MACHINE", "HKLM", KnownFolder::Hklm),
    (r"\REGISTRY\USER", "HKU", KnownFolder::Hku),
    ("HKEY_LOCAL_MACHINE", "HKLM", KnownFolder::Hklm),
    ("HKEY_CURRENT_USER", "HKCU", KnownFolder::Hkcu),
    ("HKEY_CLASSES_ROOT", "HKCR", KnownFolder::Hkcr),
    ("HKEY_USERS", "HKU", KnownFolder::Hku),
    ("HKEY_CURRENT_CONFIG", "HKCC", KnownFolder::Hkcc),
    ("HKLM", "HKLM", KnownFolder::Hklm),
    ("HKCU", "HKCU", KnownFolder::Hkcu),
    ("HKCR", "HKCR", KnownFolder::Hkcr),
    ("HKU", "HKU", KnownFolder::Hku),
    ("HKCC", "HKCC", KnownFolder::Hkcc),
];

impl NormalPath {
    /// Normalise a path as written by Process Monitor, an MSI log or an event log.
    pub fn new(path: &str) -> NormalPath {
        let path = path.trim();
        if let Some(p) = registry(path) {
            return p;
        }
        // Win32 and NT namespace prefixes in front of a drive letter.
        let mut rest = path;
        for prefix in [r"\??\", r"\\?\", r"\\.\"] {
            if let Some(r) = rest.strip_prefix(prefix) {
                if is_drive(r) {
                    rest = r;
                }
                break;
            }
        }
        if let Some(unc) = rest.strip_prefix(r"\\?\UNC\") {
            return NormalPath::plain(format!(r"\\{unc}"), PathSpace::Network);
        }
        if is_drive(rest) {
            let mut text = rest.to_string();
            // `c:\x` and `C:\x` are the same place.
            text[..1].make_ascii_uppercase();
            return NormalPath::with_folder(text, PathSpace::Drive, 2);
        }
        if let Some(tail) = strip_ascii_prefix(rest, r"\Device\HarddiskVolume") {
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                let root = r"\Device\HarddiskVolume".len() + digits;
                return NormalPath::with_folder(rest.to_string(), PathSpace::Volume, root);
            }
        }
        if let Some(tail) = strip_ascii_prefix(rest, r"\Device\Mup\") {
            return NormalPath::plain(format!(r"\\{tail}"), PathSpace::Network);
        }
        if rest.starts_with(r"\\") {
            return NormalPath::plain(rest.to_string(), PathSpace::Network);
        }
        NormalPath::plain(rest.to_string(), PathSpace::Other)
    }

    fn plain(text: String, space: PathSpace) -> NormalPath {
        NormalPath {
            text,
            space,
            known: None,
            known_len: 0,
        }
    }

    /// A path whose volume root is `text[..root]`: find the known folder in what follows.
    fn with_folder(text: String, space: PathSpace, root: usize) -> NormalPath {
        let (known, len) = match known_folder(&text[root..]) {
            Some((k, len)) => (Some(k), root + len),
            None => (None, 0),
        };
        NormalPath {
            text,
            space,
            known,
            known_len: len,
        }
    }

    /// The path shown with its known folder as a variable: `%TEMP%\MSI1A2B.tmp`.
    pub fn display(&self) -> String {
        match self.known {
            Some(_) if self.space == PathSpace::Registry => self.text.clone(),
            Some(k) => format!("{}{}", k.label(), &self.text[self.known_len..]),
            None => self.text.clone(),
        }
    }

    /// The part after the known folder (`\MSI1A2B.tmp`), or the whole path without one.
    pub fn relative(&self) -> &str {
        &self.text[self.known_len..]
    }

    /// A short class for grouping: the known folder's label, else the drive, hive or space.
    pub fn class(&self) -> String {
        if let Some(k) = self.known {
            return k.label().to_string();
        }
        match self.space {
            PathSpace::Drive => self.text[..2].to_string(),
            PathSpace::Volume => self
                .text
                .match_indices('\\')
                .nth(2)
                .map(|(i, _)| self.text[..i].to_string())
                .unwrap_or_else(|| self.text.clone()),
            PathSpace::Network => "network".to_string(),
            PathSpace::Registry => "registry".to_string(),
            PathSpace::Other => "other".to_string(),
        }
    }
}

/// `X:` followed by the end or a backslash.
fn is_drive(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b.len() == 2 || b[2] == b'\\')
}

/// `text` without `prefix`, compared ASCII case-insensitively.
fn strip_ascii_prefix<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// True when `tail` starts with `folder` and the folder ends there (end or backslash).
fn folder_prefix(tail: &str, folder: &str) -> bool {
    strip_ascii_prefix(tail, folder).is_some_and(|r| r.is_empty() || r.starts_with('\\'))
}

/// The known folder a path below a volume root (`\Windows\Temp\x`) lies in, and its length.
fn known_folder(tail: &str) -> Option<(KnownFolder, usize)> {
    for users in PROFILE_FOLDERS {
        if let Some(after) = strip_ascii_prefix(tail, users) {
            let name = after.find('\\').unwrap_or(after.len());
            if name == 0 {
                return None;
            }
            let base = users.len() + name;
            let rest = &tail[base..];
            let profile = FOLDER_PLACES
                .iter()
                .filter(|(base, ..)| *base == FolderBase::Profile);
            for (_, folder, known) in profile {
                if folder_prefix(rest, folder) {
                    return Some((*known, base + folder.len()));
                }
            }
        }
    }
    FOLDER_PLACES
        .iter()
        .filter(|(base, ..)| *base == FolderBase::Root)
        .find(|(_, folder, _)| folder_prefix(tail, folder))
        .map(|(_, folder, known)| (*known, folder.len()))
}

/// Registry paths in any spelling, as `HKLM\...` etc.
fn registry(path: &str) -> Option<NormalPath> {
    for (long, short, known) in HIVES {
        let Some(rest) = strip_ascii_prefix(path, long) else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with('\\')) {
            continue;
        }
        let text = format!("{short}{rest}");
        return Some(NormalPath {
            text,
            space: PathSpace::Registry,
            known: Some(*known),
            known_len: short.len(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, text: &str, known: Option<KnownFolder>, display: &str) {
        let p = NormalPath::new(path);
        assert_eq!(p.text, text, "{path}");
        assert_eq!(p.known, known, "{path}");
        assert_eq!(p.display(), display, "{path}");
    }

    #[test]
    fn file_forms() {
        use KnownFolder::*;
        check(
            r"C:\Users\jo\AppData\Local\Temp\a.tmp",
            r"C:\Users\jo\AppData\Local\Temp\a.tmp",
            Some(Temp),
            r"%TEMP%\a.tmp",
        );
        check(
            r"c:\WINDOWS\Temp",
            r"C:\WINDOWS\Temp",
            Some(Temp),
            r"%TEMP%",
        );
        check(
            r"\??\C:\Windows\Installer\1a2b.msi",
            r"C:\Windows\Installer\1a2b.msi",
            Some(WindowsInstaller),
            r"%SystemRoot%\Installer\1a2b.msi",
        );
        check(
            r"\\?\C:\Config.Msi\3f.rbf",
            r"C:\Config.Msi\3f.rbf",
            Some(ConfigMsi),
            r"%SystemDrive%\Config.Msi\3f.rbf",
        );
        check(
            r"\Device\HarddiskVolume3\Program Files (x86)\App\a.dll",
            r"\Device\HarddiskVolume3\Program Files (x86)\App\a.dll",
            Some(ProgramFilesX86),
            r"%ProgramFiles(x86)%\App\a.dll",
        );
        check(
            r"C:\Program Files\App",
            r"C:\Program Files\App",
            Some(ProgramFiles),
            r"%ProgramFiles%\App",
        );
        check(
            r"C:\Windows\System32\msi.dll",
            r"C:\Windows\System32\msi.dll",
            Some(System32),
            r"%SystemRoot%\System32\msi.dll",
        );
        check(
            r"C:\Windows\Fonts",
            r"C:\Windows\Fonts",
            Some(SystemRoot),
            r"%SystemRoot%\Fonts",
        );
        check(
            r"C:\ProgramData\x",
            r"C:\ProgramData\x",
            Some(ProgramData),
            r"%ProgramData%\x",
        );
        check(
            r"C:\Users\jo\AppData\Roaming\x",
            r"C:\Users\jo\AppData\Roaming\x",
            Some(AppData),
            r"%AppData%\x",
        );
        check(
            r"C:\Users\jo\Desktop\x.exe",
            r"C:\Users\jo\Desktop\x.exe",
            Some(UserProfile),
            r"%UserProfile%\Desktop\x.exe",
        );
        // Not a folder boundary: `\Windowsapps` is not `\Windows`.
        check(
            r"D:\Windowsapps",
            r"D:\Windowsapps",
            None,
            r"D:\Windowsapps",
        );
        let p = NormalPath::new(r"\\server\share\x.msi");
        assert_eq!(p.space, PathSpace::Network);
        assert_eq!(NormalPath::new("").space, PathSpace::Other);
        assert_eq!(
            NormalPath::new(r"\Device\HarddiskVolume2\x").class(),
            r"\Device\HarddiskVolume2"
        );
        assert_eq!(NormalPath::new(r"D:\data\x").class(), "D:");
    }

    #[test]
    fn registry_forms() {
        use KnownFolder::*;
        check(
            r"\REGISTRY\MACHINE\SOFTWARE\Microsoft",
            r"HKLM\SOFTWARE\Microsoft",
            Some(Hklm),
            r"HKLM\SOFTWARE\Microsoft",
        );
        check(
            r"HKEY_CURRENT_USER\Software\x",
            r"HKCU\Software\x",
            Some(Hkcu),
            r"HKCU\Software\x",
        );
        check(
            r"\REGISTRY\USER\S-1-5-18\Software",
            r"HKU\S-1-5-18\Software",
            Some(Hku),
            r"HKU\S-1-5-18\Software",
        );
        check(r"HKCR\.msi", r"HKCR\.msi", Some(Hkcr), r"HKCR\.msi");
        check("HKLM", "HKLM", Some(Hklm), "HKLM");
        // `HKLMX` is not a hive.
        assert_eq!(NormalPath::new("HKLMX").space, PathSpace::Other);
    }
}
