//! Package-manager and deployment-tool output around `msiexec`, as log files or console text:
//! one grammar per tool, each with the signals that tell it from the others.
//!
//! - [`chocolatey`]: `chocolatey.log` (`2023-07-05 11:56:47,651 7424 [INFO ] - ...`) and console
//!   output (`ERROR: Running [...] was not successful. Exit code was '1603'.`);
//! - [`winget`]: console output (`Installer failed with exit code: 1603`) and diagnostic logs
//!   (`2023-04-15 17:21:40.867 [CLI ] ...`);
//! - [`ansible`]: task results (`fatal: [host]: FAILED! => {... "rc": 1603 ...}`);
//! - [`puppet`]: agent output (`Error: Execution of '...' returned 1603:`);
//! - [`chef`]: client output (`Expected process to exit with [0, 3010], but received '1603'`);
//! - [`powershell`]: DSC package resources, Install-Package, Start-Process output;
//! - [`psadt`]: PSAppDeployToolkit text logs (`[date time] [phase] [function] :: message`).
//!
//! Exit statuses in the common phrasings (any language) are read by [`super::relay`]; each
//! grammar adds its own.

pub mod ansible;
pub mod chef;
pub mod chocolatey;
pub mod powershell;
pub mod psadt;
pub mod puppet;
pub mod winget;

use crate::source::toollog::dialect::{Dialect, LineDialect};
use crate::source::toollog::form::ToolForm;

/// How strongly the first lines look like each tool's output; the strongest wins when it is
/// strong enough.
pub(crate) fn detect_lines(lines: &[&str]) -> Option<ToolForm> {
    let scores = [
        (ToolForm::PsAppDeployToolkit, psadt::score(lines)),
        (ToolForm::Chocolatey, chocolatey::score(lines)),
        (ToolForm::Winget, winget::score(lines)),
        (ToolForm::Ansible, ansible::score(lines)),
        (ToolForm::Chef, chef::score(lines)),
        (ToolForm::Puppet, puppet::score(lines)),
        (ToolForm::PowerShell, powershell::score(lines)),
    ];
    let (form, best) = scores
        .iter()
        .copied()
        .max_by_key(|(_, s)| *s)
        .unwrap_or((ToolForm::Chocolatey, 0));
    // Two signals, or one strong one (worth 3).
    (best >= 3).then_some(form)
}

/// The dialect of a package-manager form.
pub(crate) fn dialect(form: ToolForm) -> Box<dyn Dialect> {
    match form {
        ToolForm::Chocolatey => Box::new(LineDialect::new(chocolatey::Chocolatey::default())),
        ToolForm::Winget => Box::new(LineDialect::new(winget::Winget::default())),
        ToolForm::Ansible => Box::new(LineDialect::new(ansible::Ansible::default())),
        ToolForm::Puppet => Box::new(LineDialect::new(puppet::Puppet)),
        ToolForm::Chef => Box::new(LineDialect::new(chef::Chef)),
        ToolForm::PowerShell => Box::new(LineDialect::new(powershell::PowerShell)),
        _ => Box::new(LineDialect::new(psadt::PsAppDeployToolkit)),
    }
}

/// Score lines: 3 for each line matching a strong signal, 1 for each weak one.
pub(crate) fn count(lines: &[&str], strong: &regex::Regex, weak: Option<&regex::Regex>) -> u32 {
    lines
        .iter()
        .map(|l| {
            if strong.is_match(l) {
                3
            } else if weak.is_some_and(|w| w.is_match(l)) {
                1
            } else {
                0
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tool_is_told_apart() {
        let cases: &[(&[&str], ToolForm)] = &[
            (
                &["2023-07-05 11:56:47,651 7424 [INFO ] - Installing ChocolateyGUI..."],
                ToolForm::Chocolatey,
            ),
            (
                &[
                    "Installing powershell-core...",
                    "The install of powershell-core was NOT successful.",
                ],
                ToolForm::Chocolatey,
            ),
            (
                &["Starting package install...", "Installer failed with exit code: 1603"],
                ToolForm::Winget,
            ),
            (
                &["fatal: [win1]: FAILED! => {\"changed\": false, \"rc\": 1603}"],
                ToolForm::Ansible,
            ),
            (
                &["Error: Execution of 'msiexec.exe /qn /i C:\\x.msi' returned 1603: "],
                ToolForm::Puppet,
            ),
            (
                &["Expected process to exit with [0, 3010], but received '1603'"],
                ToolForm::Chef,
            ),
            (
                &["PowerShell DSC resource MSFT_PackageResource  failed to execute Set-TargetResource functionality with error message: The return code 1603 was not expected. Configuration is likely not correct"],
                ToolForm::PowerShell,
            ),
            (
                &["[01-11-2022 10:11:14.828] [Installation] [Execute-MSI] :: Executing MSI action [Install]..."],
                ToolForm::PsAppDeployToolkit,
            ),
        ];
        for (lines, form) in cases {
            assert_eq!(detect_lines(lines), Some(*form), "{lines:?}");
        }
    }

    #[test]
    fn ordinary_text_is_no_tool() {
        for lines in [
            &["Hello", "the install went fine"][..],
            &["Error: something"][..],
            &["ok"][..],
            &[][..],
        ] {
            assert_eq!(detect_lines(lines), None, "{lines:?}");
        }
    }
}
