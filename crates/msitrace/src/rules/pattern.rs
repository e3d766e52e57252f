//! Path patterns for rules: globs with known folders, matched against normalised paths.
//!
//! A pattern is a Windows path where `*` matches within one folder, `**` across folders, `?` one
//! character, and a known folder such as `%TEMP%` stands for every place that folder lives:
//!
//! ```
//! use msitrace::rules::pattern::PathPattern;
//! let p = PathPattern::new(r"%TEMP%\**").unwrap();
//! assert!(p.matches(r"C:\Users\ann\AppData\Local\Temp\MSI1234.tmp"));
//! assert!(p.matches(r"\Device\HarddiskVolume3\Windows\Temp\x.ps1"));
//! assert!(!p.matches(r"C:\Program Files\App\temp.txt"));
//! ```

use super::rule_regex::{Compile, RuleRegex};
use crate::paths::{FolderBase, FOLDER_PLACES, FOLDER_VARIABLES, PROFILE_FOLDERS};

/// The regex (after [`normalize`]) of the places a folder variable such as `%TEMP%` stands for,
/// read from the one known-folder table ([`crate::paths`]); `None` for an unknown name.
fn folder_regex(name: &str) -> Option<String> {
    let (_, folders, only) = FOLDER_VARIABLES.iter().find(|(n, ..)| *n == name)?;
    let profile = PROFILE_FOLDERS
        .iter()
        .map(|p| regex::escape(p))
        .collect::<Vec<_>>()
        .join("|");
    let places: Vec<String> = FOLDER_PLACES
        .iter()
        .filter(|(base, _, known)| folders.contains(known) && only.is_none_or(|o| o == *base))
        .map(|(base, tail, _)| match base {
            FolderBase::Profile => format!(r"[a-z?]:(?:{profile})[^\\]+{}", regex::escape(tail)),
            FolderBase::Root => format!("[a-z?]:{}", regex::escape(tail)),
        })
        .collect();
    Some(format!("(?:{})", places.join("|")))
}

/// A compiled path pattern.
#[derive(Debug, Clone)]
pub struct PathPattern {
    source: String,
    regex: RuleRegex,
}

impl PathPattern {
    /// Compile a pattern; unknown `%NAME%` folders are an error.
    pub fn new(pattern: &str) -> Result<PathPattern, String> {
        PathPattern::compile(pattern, Compile::Now)
    }

    /// Read a pattern, compiling its regex now or when first used.
    pub(crate) fn compile(pattern: &str, when: Compile) -> Result<PathPattern, String> {
        let mut re = String::from("^");
        let mut rest = pattern.trim();
        while let Some(c) = rest.chars().next() {
            if c == '%' {
                let end = rest[1..]
                    .find('%')
                    .ok_or_else(|| format!("unclosed '%' in '{pattern}'"))?;
                let name = rest[..end + 2].to_ascii_uppercase();
                let folder = folder_regex(&name).ok_or_else(|| {
                    let known: Vec<&str> = FOLDER_VARIABLES.iter().map(|(n, ..)| *n).collect();
                    format!("unknown folder {name} (known: {})", known.join(", "))
                })?;
                re.push_str(&folder);
                rest = &rest[end + 2..];
            } else if let Some(r) = rest.strip_prefix("**") {
                re.push_str(".*");
                rest = r;
            } else {
                match c {
                    '*' => re.push_str(r"[^\\]*"),
                    '?' => re.push_str(r"[^\\]"),
                    '/' | '\\' => re.push_str(r"\\"),
                    _ => re.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
                }
                rest = &rest[c.len_utf8()..];
            }
        }
        re.push('$');
        Ok(PathPattern {
            source: pattern.to_string(),
            regex: RuleRegex::new(&re, when)?,
        })
    }

    /// True when the path (in any of the forms [`normalize`] knows) matches.
    pub fn matches(&self, path: &str) -> bool {
        self.regex.is_match(&normalize(path))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// Bring a path to the `C:\...` / `HKLM\...` form: `\??\` and `\\?\` prefixes dropped, volume
/// devices (`\Device\HarddiskVolume3\`) shown as `?:\` (the drive letter is unknown), registry
/// roots abbreviated, forward slashes turned into backslashes.
///
/// ```
/// use msitrace::rules::pattern::normalize;
/// assert_eq!(normalize(r"\??\C:\Windows\Temp\a"), r"C:\Windows\Temp\a");
/// assert_eq!(normalize(r"\REGISTRY\MACHINE\SOFTWARE\X"), r"HKLM\SOFTWARE\X");
/// assert_eq!(normalize(r"HKEY_CURRENT_USER\Software"), r"HKCU\Software");
/// assert_eq!(normalize(r"\Device\HarddiskVolume2\Users\a"), r"?:\Users\a");
/// ```
pub fn normalize(path: &str) -> String {
    let normal = crate::paths::NormalPath::new(&path.replace('/', "\\")).text;
    const DEVICE: &str = r"\Device\HarddiskVolume";
    match normal.get(..DEVICE.len()) {
        Some(head) if head.eq_ignore_ascii_case(DEVICE) => {
            let rest = normal[DEVICE.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
            format!("?:{rest}")
        }
        _ => normal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_stay_inside_folders() {
        let p = PathPattern::new(r"%SystemRoot%\Installer\*.ipi").unwrap();
        assert!(p.matches(r"C:\Windows\Installer\1a2b.ipi"));
        assert!(!p.matches(r"C:\Windows\Installer\sub\1a2b.ipi"));
        let p = PathPattern::new(r"%ProgramFiles%\**\*.dll").unwrap();
        assert!(p.matches(r"C:\Program Files (x86)\Vendor\App\bin\x.dll"));
    }

    #[test]
    fn unknown_folder_and_unclosed_percent_are_errors() {
        assert!(PathPattern::new(r"%NOPE%\x")
            .unwrap_err()
            .contains("unknown folder"));
        assert!(PathPattern::new(r"%TEMP\x")
            .unwrap_err()
            .contains("unclosed"));
    }

    #[test]
    fn registry_forms_match_one_pattern() {
        let p = PathPattern::new(r"HKLM\SOFTWARE\Policies\Microsoft\Windows\Installer*").unwrap();
        assert!(p.matches(r"\REGISTRY\MACHINE\SOFTWARE\Policies\Microsoft\Windows\Installer"));
        assert!(p.matches(r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\Installer"));
    }
}
