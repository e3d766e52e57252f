//! What an exit code a tool reports means, in the words of the knowledge base.

use crate::codes::{self, CodeScope};
use crate::event::DeploymentTool;

/// What an exit code means, in the words of the knowledge base.
#[derive(Debug, Clone)]
pub struct CodeMeaning {
    /// `1618 (Another installation is already in progress)`.
    pub short: String,
    /// The longer form: decimal and hex, the name, what it wraps.
    pub long: String,
    /// Finding category.
    pub category: &'static str,
    /// What to do, when known.
    pub remedy: Option<&'static str>,
    /// The Win32 / installer code an HRESULT wraps.
    pub wrapped: Option<u32>,
    /// False for the generic codes that say only "it failed" (1603 and its HRESULT, 1, E_FAIL).
    pub specific: bool,
    /// True for a code that is neither a Windows Installer, Win32 nor system code: the tool's own.
    pub tool_own: bool,
}

/// What an exit code reported by a tool means: a Windows Installer status or Win32 error, an
/// HRESULT (a wrapped Win32 error, a Windows Update `0x8024xxxx` code, ...), an NTSTATUS (a
/// crashed installer), or a tool's own code.
pub fn code_meaning(code: u32, tool: DeploymentTool) -> CodeMeaning {
    let generic = [1, 1603, 0x8000_4005, 0x8007_0643, u32::MAX].contains(&code);
    if code >= 0x8000_0000 {
        let hr = codes::HResult::decode(code);
        let signed = code as i32;
        if code >> 28 == 0xC {
            if let Some(info) = codes::lookup(CodeScope::NtStatus, code) {
                let name = info.names.first().copied().unwrap_or("NTSTATUS");
                return CodeMeaning {
                    short: format!("0x{code:08X} ({})", info.title),
                    long: format!(
                        "{code} = 0x{code:08X}, NTSTATUS {name}: {} (the installer process ended abnormally)",
                        info.title
                    ),
                    category: info.category,
                    remedy: Some(info.remedy),
                    wrapped: None,
                    specific: true,
                    tool_own: false,
                };
            }
        }
        let known = codes::lookup(CodeScope::HResult, code);
        let wrapped = hr.win32_code();
        let wrapped_info = wrapped.and_then(codes::win32_meaning);
        let title = known.map(|i| i.title).or(wrapped_info.map(|i| i.title));
        let short = match title {
            Some(t) => format!("0x{code:08X} ({t})"),
            None => format!("0x{code:08X}"),
        };
        let mut long = format!("0x{code:08X} ({signed}): {}", codes::describe_hresult(code));
        if hr.facility == 0x24 {
            long.push_str(" — a Windows Update Agent code");
        }
        if wrapped.is_none() && known.is_none() {
            if let Some(info) = codes::win32_meaning(u32::from(hr.code)) {
                long.push_str(&format!(
                    "; if its code part {} is a Windows Installer or Win32 code: {}",
                    hr.code, info.title
                ));
            }
        }
        return CodeMeaning {
            short,
            long,
            category: known
                .or(wrapped_info)
                .map(|i| i.category)
                .unwrap_or("deployment"),
            remedy: known.or(wrapped_info).map(|i| i.remedy),
            wrapped,
            specific: !generic && (known.is_some() || wrapped_info.is_some()),
            tool_own: false,
        };
    }
    if tool == DeploymentTool::PsAppDeployToolkit && (60000..69000).contains(&code) {
        return CodeMeaning {
            short: format!("{code} (a PSAppDeployToolkit code)"),
            long: format!(
                "{code}, one of PSAppDeployToolkit's own codes (60000-68999; 60001 means the deployment script raised an error, 60008 the toolkit failed to load): the cause is in the toolkit's log just before"
            ),
            category: "deployment_script",
            remedy: None,
            wrapped: None,
            specific: false,
            tool_own: true,
        };
    }
    match codes::lookup(CodeScope::Exit, code).or_else(|| codes::win32_meaning(code)) {
        Some(info) => {
            let name = info
                .names
                .first()
                .map(|n| format!("{n}, "))
                .unwrap_or_default();
            CodeMeaning {
                short: format!("{code} ({})", info.title),
                long: format!("{code} (0x{code:X}, {name}{})", info.title),
                category: info.category,
                remedy: Some(info.remedy),
                wrapped: None,
                specific: !generic,
                tool_own: false,
            }
        }
        None => CodeMeaning {
            short: code.to_string(),
            long: format!("{code} (0x{code:X}; not a Windows Installer or Win32 code msitrace knows: the installer's own code)"),
            category: "deployment",
            remedy: None,
            wrapped: None,
            specific: false,
            tool_own: true,
        },
    }
}

#[cfg(test)]
mod example_code_meaning_example {
    #[test]
    fn code_meaning_example() {
        use crate::analysis::deployment::code_meaning;
        use crate::event::DeploymentTool;
        let m = code_meaning(0x8007_0643, DeploymentTool::ConfigMgr);
        assert!(m.long.contains("1603"), "{}", m.long);
        assert_eq!(m.wrapped, Some(1603));
        assert!(!m.specific);
        let m = code_meaning(1618, DeploymentTool::Chocolatey);
        assert!(m.short.contains("Another installation"), "{}", m.short);
        assert!(m.specific);
    }
}
