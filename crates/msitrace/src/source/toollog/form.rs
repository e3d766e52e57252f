//! The forms of tool logs msitrace reads.

use crate::event::DeploymentTool;
use crate::source::Format;
use serde::Serialize;

/// The forms of tool logs msitrace reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ToolForm {
    /// CMTrace format: `<![LOG[message]LOG]!><time="..." date="..." component="..." ...>`.
    CmTrace,
    /// The older SMS trace format: `message $$<component><date time><thread=N (0xN)>`.
    SmsTrace,
    /// Lines copied from the CMTrace viewer: message, component, date and time, thread.
    CmTraceCopy,
    /// ConfigMgr log messages without markup (`MSI: ...` lines copied from ccmsetup.log).
    ConfigMgrText,
    /// Chocolatey: `chocolatey.log` or console output.
    Chocolatey,
    /// winget: console output or a diagnostic log.
    Winget,
    /// Ansible task results (`win_package`, `win_chocolatey`).
    Ansible,
    /// Puppet agent output.
    Puppet,
    /// Chef client output.
    Chef,
    /// PowerShell: DSC package resources, Install-Package, Start-Process.
    PowerShell,
    /// PSAppDeployToolkit text log (`[date time] [phase] [function] :: message`).
    PsAppDeployToolkit,
    /// SQL Server Setup Bootstrap `Summary.txt`.
    SqlSummary,
    /// SQL Server Setup Bootstrap `Detail.txt` (`Slp:` lines).
    SqlDetail,
    /// Visual Studio Installer log (`dd_*.log`).
    VisualStudio,
    /// The setup chainer log of .NET Framework and other redistributables.
    SetupChainer,
    /// Text of no known form, scanned for installer signals ([`crate::source::textscan`]).
    Text,
}

impl ToolForm {
    /// How the Inputs section names the form.
    pub fn label(self) -> &'static str {
        match self {
            ToolForm::CmTrace => "ConfigMgr/Intune log (CMTrace)",
            ToolForm::SmsTrace => "ConfigMgr log (SMS trace)",
            ToolForm::CmTraceCopy => "ConfigMgr/Intune log copied from CMTrace",
            ToolForm::ConfigMgrText => "ConfigMgr log messages",
            ToolForm::Chocolatey => "Chocolatey output",
            ToolForm::Winget => "winget output",
            ToolForm::Ansible => "Ansible output",
            ToolForm::Puppet => "Puppet output",
            ToolForm::Chef => "Chef output",
            ToolForm::PowerShell => "PowerShell output",
            ToolForm::PsAppDeployToolkit => "PSAppDeployToolkit log",
            ToolForm::SqlSummary => "SQL Server Setup Summary.txt",
            ToolForm::SqlDetail => "SQL Server Setup Detail.txt",
            ToolForm::VisualStudio => "Visual Studio Installer log",
            ToolForm::SetupChainer => "setup chainer log (.NET Framework, redistributables)",
            ToolForm::Text => "text, no known log form; scanned for installer signals",
        }
    }

    /// The detected format family this form belongs to.
    pub fn format(self) -> Format {
        match self {
            ToolForm::CmTrace
            | ToolForm::SmsTrace
            | ToolForm::CmTraceCopy
            | ToolForm::ConfigMgrText => Format::ConfigmgrLog,
            ToolForm::Chocolatey
            | ToolForm::Winget
            | ToolForm::Ansible
            | ToolForm::Puppet
            | ToolForm::Chef
            | ToolForm::PowerShell
            | ToolForm::PsAppDeployToolkit => Format::DeploymentLog,
            ToolForm::SqlSummary
            | ToolForm::SqlDetail
            | ToolForm::VisualStudio
            | ToolForm::SetupChainer => Format::SetupLog,
            ToolForm::Text => Format::Text,
        }
    }

    /// The tool that writes this form (a CMTrace log names its tool per entry).
    pub fn tool(self) -> DeploymentTool {
        match self {
            ToolForm::CmTrace
            | ToolForm::SmsTrace
            | ToolForm::CmTraceCopy
            | ToolForm::ConfigMgrText => DeploymentTool::ConfigMgr,
            ToolForm::Chocolatey => DeploymentTool::Chocolatey,
            ToolForm::Winget => DeploymentTool::Winget,
            ToolForm::Ansible => DeploymentTool::Ansible,
            ToolForm::Puppet => DeploymentTool::Puppet,
            ToolForm::Chef => DeploymentTool::Chef,
            ToolForm::PowerShell => DeploymentTool::PowerShell,
            ToolForm::PsAppDeployToolkit => DeploymentTool::PsAppDeployToolkit,
            ToolForm::SqlSummary | ToolForm::SqlDetail => DeploymentTool::SqlServerSetup,
            ToolForm::VisualStudio => DeploymentTool::VisualStudioSetup,
            ToolForm::SetupChainer => DeploymentTool::SetupChainer,
            ToolForm::Text => DeploymentTool::Other,
        }
    }
}
