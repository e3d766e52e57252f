//! The shapes of the rendered messages msitrace reads data back from, as data.
//!
//! A copy that has only the rendered message (no Event XML) still says what the record's data
//! was: the message is a template with the data inserted. These are the fixed pieces of those
//! templates (only what is needed to find the inserts, `{n}` being data item `n`), and the texts
//! of the system errors the Service Control Manager inserts in place of `%%NNNN`.
//!
//! Message shapes that are lists of `Label: value` pairs (MsiInstaller 1033–1042, Service Control
//! Manager 7045, Application Error 1000, Windows Error Reporting 1001) need no template: they are
//! read by position in any language (see [`super::message`]).

/// Service Control Manager messages (English): (event id, template). `{n}` is `param<n>`.
pub const SCM_TEMPLATES: &[(u32, &str)] = &[
    (
        7000,
        "The {1} service failed to start due to the following error: {2}",
    ),
    (
        7001,
        "The {1} service depends on the {2} service which failed to start because of the following error: {3}",
    ),
    (
        7009,
        "A timeout was reached ({1} milliseconds) while waiting for the {2} service to connect.",
    ),
    (
        7011,
        "A timeout ({1} milliseconds) was reached while waiting for a transaction response from the {2} service.",
    ),
    (7022, "The {1} service hung on starting."),
    (
        7023,
        "The {1} service terminated with the following error: {2}",
    ),
    (
        7024,
        "The {1} service terminated with the following service-specific error: {2}",
    ),
    (
        7026,
        "The following boot-start or system-start driver(s) did not load: {1}",
    ),
    (
        7031,
        "The {1} service terminated unexpectedly. It has done this {2} time(s).",
    ),
    (
        7032,
        "The Service Control Manager tried to take a corrective action ({1}) after the unexpected termination of the {2} service, but this action failed with the following error: {3}",
    ),
    (
        7034,
        "The {1} service terminated unexpectedly. It has done this {2} time(s).",
    ),
    (
        7038,
        "The {1} service was unable to log on as {2} with the currently configured password due to the following error: {3}",
    ),
    (
        7041,
        "The {1} service was unable to log on as {2} with the currently configured password",
    ),
];

/// Service Control Manager events that are errors (the rest of [`SCM_TEMPLATES`] and 7045 are
/// informational).
pub const SCM_ERRORS: &[u32] = &[
    7000, 7001, 7009, 7011, 7022, 7023, 7024, 7026, 7031, 7032, 7034, 7038, 7041,
];

/// The 7045 data names, in the order of the message's `Label: value` lines.
pub const SCM_7045_NAMES: &[&str] = &[
    "ServiceName",
    "ImagePath",
    "ServiceType",
    "StartType",
    "AccountName",
];

/// Application Error 1000 data, in the order the message writes them (both the
/// `Faulting application name: X, version: Y` form and the older `Faulting application X,
/// version Y` one).
pub const APPLICATION_ERROR_NAMES: &[&str] = &[
    "AppName",
    "AppVersion",
    "AppTimeStamp",
    "ModuleName",
    "ModuleVersion",
    "ModuleTimeStamp",
    "ExceptionCode",
    "FaultingOffset",
    "ProcessId",
    "ProcessCreationTime",
    "AppPath",
    "ModulePath",
    "IntegratorReportId",
    "PackageFullName",
    "PackageRelativeAppId",
];

/// The Application Error data the message prints with a `0x` the data does not have.
pub const APPLICATION_ERROR_HEX: &[&str] = &[
    "AppTimeStamp",
    "ModuleTimeStamp",
    "ExceptionCode",
    "FaultingOffset",
];

/// Application Hang 1002 (English): the sentence with the program and its version; the
/// `Label: value` lines after it are the process id, start and termination times, path, report.
pub const APPLICATION_HANG_TEMPLATE: &str =
    "The program {1} version {2} stopped interacting with Windows";

/// Restart Manager (English): (event id, template, data names of the inserts).
pub const RESTART_MANAGER_TEMPLATES: &[(u32, &str, &[&str])] = &[
    (
        10000,
        "Starting session {1} - {2}.",
        &["RmSessionId", "UTCStartTime"],
    ),
    (
        10001,
        "Ending session {1} started {2}.",
        &["RmSessionId", "UTCStartTime"],
    ),
    (
        10010,
        "Application '{1}' (pid {2}) cannot be restarted",
        &["FullPath", "Pid"],
    ),
];

/// Windows Update client 20 (English).
pub const UPDATE_FAILED_TEMPLATE: &str =
    "Installation Failure: Windows failed to install the following update with error {1}: {2}";

/// AppLocker 8004/8007 (English).
pub const APPLOCKER_TEMPLATE: &str = "{1} was prevented from running";

/// Code Integrity 3033/3077 (English).
pub const CODE_INTEGRITY_TEMPLATE: &str =
    "Code Integrity determined that a process ({1}) attempted to load {2} that did not meet";

/// Bare MsiInstaller messages (English) that name their event: (start of the message, event id).
pub const MSI_SENTENCES: &[(&str, u32)] = &[
    ("Windows Installer installed the product.", 1033),
    ("Windows Installer removed the product.", 1034),
    ("Windows Installer reconfigured the product.", 1035),
    ("Windows Installer installed an update.", 1036),
    ("Windows Installer removed an update.", 1037),
    ("Windows Installer requires a system restart.", 1038),
    ("Beginning a Windows Installer transaction:", 1040),
    ("Ending a Windows Installer transaction:", 1042),
];

/// `Product: X -- <text>` completions (English) and their event ids.
pub const MSI_COMPLETIONS: &[(&str, u32)] = &[
    ("Installation completed successfully.", 11707),
    ("Installation failed.", 11708),
    ("Removal completed successfully.", 11724),
    ("Removal failed.", 11725),
    ("Configuration completed successfully.", 11728),
    ("Configuration failed.", 11729),
];

/// The sentence of an installer internal error (`... The error code is 2503.`), logged as
/// MsiInstaller 10005.
pub const MSI_INTERNAL_ERROR: &str = "The error code is ";

/// System error texts (English) the Service Control Manager inserts for `%%NNNN`: (code, text
/// without its final period). Older Windows versions word some of them differently; both are
/// listed.
pub const SYSTEM_ERROR_TEXTS: &[(u32, &str)] = &[
    (2, "The system cannot find the file specified"),
    (3, "The system cannot find the path specified"),
    (5, "Access is denied"),
    (126, "The specified module could not be found"),
    (193, "is not a valid Win32 application"),
    (577, "Windows cannot verify the digital signature for this file"),
    (
        1053,
        "The service did not respond to the start or control request in a timely fashion",
    ),
    (
        1058,
        "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it",
    ),
    (1067, "The process terminated unexpectedly"),
    (1068, "The dependency service or group failed to start"),
    (1069, "The service did not start due to a logon failure"),
    (
        1075,
        "The dependency service does not exist or has been marked for deletion",
    ),
    (1326, "The user name or password is incorrect"),
    (1326, "Logon failure: unknown user name or bad password"),
    (1327, "Account restrictions are preventing this user from signing in"),
    (1327, "Logon failure: user account restriction"),
    (1330, "The password for this account has expired"),
    (1330, "Logon failure: the specified account password has expired"),
    (1331, "This user can't sign in because this account is currently disabled"),
    (1331, "Logon failure: account currently disabled"),
    (
        1385,
        "Logon failure: the user has not been granted the requested logon type at this computer",
    ),
    (
        1907,
        "The user's password must be changed before signing in",
    ),
    (
        1909,
        "The referenced account is currently locked out and may not be logged on to",
    ),
];
