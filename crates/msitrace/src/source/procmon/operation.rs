//! Operation classes: which operations touch files, the registry, processes or the network.

use crate::event::*;

/// The class of an operation, from its name (and the `Event Class` column when present); `None`
/// when the name is not a known operation.
///
/// ```
/// use msitrace::source::procmon::operation_class;
/// use msitrace::event::OperationClass;
/// assert_eq!(operation_class("CreateFile"), Some(OperationClass::File));
/// assert_eq!(operation_class("RegSetValue"), Some(OperationClass::Registry));
/// assert_eq!(operation_class("Process Create"), Some(OperationClass::Process));
/// assert_eq!(operation_class("TCP Connect"), Some(OperationClass::Network));
/// assert_eq!(operation_class("Frobnicate"), None);
/// ```
pub fn operation_class(name: &str) -> Option<OperationClass> {
    const PROCESS: &[&str] = &[
        "Process Create",
        "Process Start",
        "Process Exit",
        "Thread Create",
        "Thread Exit",
        "Load Image",
    ];
    const FILE: &[&str] = &[
        "CreateFile",
        "ReadFile",
        "WriteFile",
        "CloseFile",
        "CreateFileMapping",
        "QueryDirectory",
        "NotifyChangeDirectory",
        "FileSystemControl",
        "DeviceIoControl",
        "LockFile",
        "UnlockFileSingle",
        "UnlockFileAll",
        "UnlockFileByKey",
        "FlushBuffersFile",
        "QueryOpen",
        "CreatePipe",
        "CreateMailSlot",
        "QueryRemoteProtocolInformation",
        "QueryIdInformation",
        "Shutdown",
        "Cleanup",
        "VolumeMount",
        "VolumeDismount",
        "SetEAFile",
        "QueryEAFile",
        "PlugAndPlay",
        "SystemControl",
        "Power",
        "InternalDeviceIoControl",
    ];
    if PROCESS.contains(&name) {
        return Some(OperationClass::Process);
    }
    if name.ends_with(" Profiling") || name == "Process Statistics" {
        return Some(OperationClass::Profiling);
    }
    if name.starts_with("Reg") {
        return Some(OperationClass::Registry);
    }
    if name.starts_with("TCP ") || name.starts_with("UDP ") {
        return Some(OperationClass::Network);
    }
    let file_like = FILE.contains(&name)
        || ((name.starts_with("Query") || name.starts_with("Set"))
            && (name.ends_with("File")
                || name.ends_with("Volume")
                || name.ends_with("Information")
                || name.ends_with("InformationFile")))
        || name.starts_with("IRP_MJ_")
        || name.starts_with("FASTIO_");
    if file_like {
        return Some(OperationClass::File);
    }
    if name == "<Unknown>" {
        return Some(OperationClass::Other);
    }
    None
}

/// The class named by the `Event Class` column.
pub(crate) fn event_class(text: &str) -> Option<OperationClass> {
    Some(match text {
        "File System" => OperationClass::File,
        "Registry" => OperationClass::Registry,
        "Process" => OperationClass::Process,
        "Network" => OperationClass::Network,
        "Profiling" => OperationClass::Profiling,
        _ => return None,
    })
}

/// True when an operation name is shaped like one (letters, digits, spaces, `_<>/`).
pub(crate) fn plausible_operation(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b" _<>/-.".contains(b))
}
