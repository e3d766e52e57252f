//! Process Monitor's names for the numbers a PML capture stores: event classes, operations and
//! sub-operations, access masks, create options, attributes, share modes, I/O flags, registry
//! types and file-system control codes.

/// Event class numbers.
pub mod class {
    /// Process and thread events.
    pub const PROCESS: u32 = 1;
    /// Registry events.
    pub const REGISTRY: u32 = 2;
    /// File-system events.
    pub const FILE_SYSTEM: u32 = 3;
    /// Profiling events (hidden by Process Monitor's default filter).
    pub const PROFILING: u32 = 4;
    /// Network events.
    pub const NETWORK: u32 = 5;
}

/// The Event Class column.
pub fn class_name(class: u32) -> &'static str {
    match class {
        class::PROCESS => "Process",
        class::REGISTRY => "Registry",
        class::FILE_SYSTEM => "File System",
        class::PROFILING => "Profiling",
        class::NETWORK => "Network",
        _ => "Unknown",
    }
}

const PROCESS_OPS: &[&str] = &[
    "Process Defined",
    "Process Create",
    "Process Exit",
    "Thread Create",
    "Thread Exit",
    "Load Image",
    "Thread Profile",
    "Process Start",
    "Process Statistics",
    "System Statistics",
];

const REGISTRY_OPS: &[&str] = &[
    "RegOpenKey",
    "RegCreateKey",
    "RegCloseKey",
    "RegQueryKey",
    "RegSetValue",
    "RegQueryValue",
    "RegEnumValue",
    "RegEnumKey",
    "RegSetInfoKey",
    "RegDeleteKey",
    "RegDeleteValue",
    "RegFlushKey",
    "RegLoadKey",
    "RegUnloadKey",
    "RegRenameKey",
    "RegQueryMultipleValueKey",
    "RegSetKeySecurity",
    "RegQueryKeySecurity",
];

const NETWORK_OPS: &[&str] = &[
    "Unknown",
    "Other",
    "Send",
    "Receive",
    "Accept",
    "Connect",
    "Disconnect",
    "Reconnect",
    "Retransmit",
    "TCPCopy",
];

const PROFILING_OPS: &[&str] = &[
    "Thread Profiling",
    "Process Profiling",
    "Debug Output Profiling",
];

/// File-system major operations (IRP major functions and fast I/O), by number.
const FILE_OPS: &[&str] = &[
    "VolumeDismount",
    "VolumeMount",
    "FASTIO_MDL_WRITE_COMPLETE",
    "WriteFile2",
    "FASTIO_MDL_READ_COMPLETE",
    "ReadFile2",
    "QueryOpen",
    "FASTIO_CHECK_IF_POSSIBLE",
    "IRP_MJ_12",
    "IRP_MJ_11",
    "IRP_MJ_10",
    "IRP_MJ_9",
    "IRP_MJ_8",
    "FASTIO_NOTIFY_STREAM_FO_CREATION",
    "FASTIO_RELEASE_FOR_CC_FLUSH",
    "FASTIO_ACQUIRE_FOR_CC_FLUSH",
    "FASTIO_RELEASE_FOR_MOD_WRITE",
    "FASTIO_ACQUIRE_FOR_MOD_WRITE",
    "FASTIO_RELEASE_FOR_SECTION_SYNCHRONIZATION",
    "CreateFileMapping",
    "CreateFile",
    "CreatePipe",
    "IRP_MJ_CLOSE",
    "ReadFile",
    "WriteFile",
    "QueryInformationFile",
    "SetInformationFile",
    "QueryEAFile",
    "SetEAFile",
    "FlushBuffersFile",
    "QueryVolumeInformation",
    "SetVolumeInformation",
    "DirectoryControl",
    "FileSystemControl",
    "DeviceIoControl",
    "InternalDeviceIoControl",
    "Shutdown",
    "LockUnlockFile",
    "CloseFile",
    "CreateMailSlot",
    "QuerySecurityFile",
    "SetSecurityFile",
    "Power",
    "SystemControl",
    "DeviceChange",
    "QueryFileQuota",
    "SetFileQuota",
    "PlugAndPlay",
];

/// File-system operation numbers the detail renderers look at.
pub mod fs {
    /// FASTIO_ACQUIRE_FOR_SECTION_SYNCHRONIZATION (CreateFileMapping).
    pub const CREATE_FILE_MAPPING: u16 = 19;
    /// IRP_MJ_CREATE.
    pub const CREATE_FILE: u16 = 20;
    /// IRP_MJ_READ.
    pub const READ_FILE: u16 = 23;
    /// IRP_MJ_WRITE.
    pub const WRITE_FILE: u16 = 24;
    /// IRP_MJ_QUERY_INFORMATION.
    pub const QUERY_INFORMATION: u16 = 25;
    /// IRP_MJ_SET_INFORMATION.
    pub const SET_INFORMATION: u16 = 26;
    /// IRP_MJ_QUERY_EA.
    pub const QUERY_EA: u16 = 27;
    /// IRP_MJ_SET_EA.
    pub const SET_EA: u16 = 28;
    /// IRP_MJ_QUERY_SECURITY.
    pub const QUERY_SECURITY: u16 = 40;
    /// IRP_MJ_SET_SECURITY.
    pub const SET_SECURITY: u16 = 41;
    /// IRP_MJ_QUERY_VOLUME_INFORMATION.
    pub const QUERY_VOLUME: u16 = 30;
    /// IRP_MJ_SET_VOLUME_INFORMATION.
    pub const SET_VOLUME: u16 = 31;
    /// IRP_MJ_DIRECTORY_CONTROL.
    pub const DIRECTORY_CONTROL: u16 = 32;
    /// IRP_MJ_FILE_SYSTEM_CONTROL.
    pub const FILE_SYSTEM_CONTROL: u16 = 33;
    /// IRP_MJ_DEVICE_CONTROL.
    pub const DEVICE_IO_CONTROL: u16 = 34;
    /// IRP_MJ_INTERNAL_DEVICE_CONTROL.
    pub const INTERNAL_DEVICE_IO_CONTROL: u16 = 35;
    /// IRP_MJ_LOCK_CONTROL.
    pub const LOCK_UNLOCK: u16 = 37;
    /// IRP_MJ_PNP.
    pub const PLUG_AND_PLAY: u16 = 47;
}

const QUERY_VOLUME_OPS: &[(u8, &str)] = &[
    (1, "QueryInformationVolume"),
    (2, "QueryLabelInformationVolume"),
    (3, "QuerySizeInformationVolume"),
    (4, "QueryDeviceInformationVolume"),
    (5, "QueryAttributeInformationVolume"),
    (6, "QueryControlInformationVolume"),
    (7, "QueryFullSizeInformationVolume"),
    (8, "QueryObjectIdInformationVolume"),
];

const SET_VOLUME_OPS: &[(u8, &str)] = &[
    (1, "SetControlInformationVolume"),
    (2, "SetLabelInformationVolume"),
    (8, "SetObjectIdInformationVolume"),
];

const QUERY_INFORMATION_OPS: &[(u8, &str)] = &[
    (0x04, "QueryBasicInformationFile"),
    (0x05, "QueryStandardInformationFile"),
    (0x06, "QueryFileInternalInformationFile"),
    (0x07, "QueryEaInformationFile"),
    (0x09, "QueryNameInformationFile"),
    (0x0e, "QueryPositionInformationFile"),
    (0x12, "QueryAllInformationFile"),
    (0x14, "QueryEndOfFile"),
    (0x16, "QueryStreamInformationFile"),
    (0x1c, "QueryCompressionInformationFile"),
    (0x1d, "QueryId"),
    (0x1f, "QueryMoveClusterInformationFile"),
    (0x22, "QueryNetworkOpenInformationFile"),
    (0x23, "QueryAttributeTagFile"),
    (0x25, "QueryIdBothDirectory"),
    (0x27, "QueryValidDataLength"),
    (0x28, "QueryShortNameInformationFile"),
    (0x2b, "QueryIoPiorityHint"),
    (0x2e, "QueryLinks"),
    (0x30, "QueryNormalizedNameInformationFile"),
    (0x31, "QueryNetworkPhysicalNameInformationFile"),
    (0x32, "QueryIdGlobalTxDirectoryInformation"),
    (0x33, "QueryIsRemoteDeviceInformation"),
    (0x34, "QueryAttributeCacheInformation"),
    (0x35, "QueryNumaNodeInformation"),
    (0x36, "QueryStandardLinkInformation"),
    (0x37, "QueryRemoteProtocolInformation"),
    (0x38, "QueryRenameInformationBypassAccessCheck"),
    (0x39, "QueryLinkInformationBypassAccessCheck"),
    (0x3a, "QueryVolumeNameInformation"),
    (0x3b, "QueryIdInformation"),
    (0x3c, "QueryIdExtdDirectoryInformation"),
    (0x3e, "QueryHardLinkFullIdInformation"),
    (0x3f, "QueryIdExtdBothDirectoryInformation"),
    (0x43, "QueryDesiredStorageClassInformation"),
    (0x44, "QueryStatInformation"),
    (0x45, "QueryMemoryPartitionInformation"),
];

const SET_INFORMATION_OPS: &[(u8, &str)] = &[
    (0x04, "SetBasicInformationFile"),
    (0x0a, "SetRenameInformationFile"),
    (0x0b, "SetLinkInformationFile"),
    (0x0d, "SetDispositionInformationFile"),
    (0x0e, "SetPositionInformationFile"),
    (0x13, "SetAllocationInformationFile"),
    (0x14, "SetEndOfFileInformationFile"),
    (0x16, "SetFileStreamInformation"),
    (0x17, "SetPipeInformation"),
    (0x27, "SetValidDataLengthInformationFile"),
    (0x28, "SetShortNameInformation"),
    (0x3d, "SetReplaceCompletionInformation"),
    (0x40, "SetDispositionInformationEx"),
    (0x41, "SetRenameInformationEx"),
    (0x42, "SetRenameInformationExBypassAccessCheck"),
];

const DIRECTORY_OPS: &[(u8, &str)] = &[(1, "QueryDirectory"), (2, "NotifyChangeDirectory")];

const LOCK_OPS: &[(u8, &str)] = &[
    (1, "LockFile"),
    (2, "UnlockFileSingle"),
    (3, "UnlockFileAll"),
    (4, "UnlockFileByKey"),
];

const PNP_OPS: &[(u8, &str)] = &[
    (0x00, "StartDevice"),
    (0x01, "QueryRemoveDevice"),
    (0x02, "RemoveDevice"),
    (0x03, "CancelRemoveDevice"),
    (0x04, "StopDevice"),
    (0x05, "QueryStopDevice"),
    (0x06, "CancelStopDevice"),
    (0x07, "QueryDeviceRelations"),
    (0x08, "QueryInterface"),
    (0x09, "QueryCapabilities"),
    (0x0a, "QueryResources"),
    (0x0b, "QueryResourceRequirements"),
    (0x0c, "QueryDeviceText"),
    (0x0d, "FilterResourceRequirements"),
    (0x0f, "ReadConfig"),
    (0x10, "WriteConfig"),
    (0x11, "Eject"),
    (0x12, "SetLock"),
    (0x13, "QueryId2"),
    (0x14, "QueryPnpDeviceState"),
    (0x15, "QueryBusInformation"),
    (0x16, "DeviceUsageNotification"),
    (0x17, "SurpriseRemoval"),
    (0x18, "QueryLegacyBusInformation"),
];

/// The operation name Process Monitor shows, from the class, the operation number and (file
/// system) the sub-operation byte. Network names get their protocol prefix from the detail.
pub fn operation_name(class: u32, op: u16, sub: u8) -> std::borrow::Cow<'static, str> {
    use std::borrow::Cow;
    let table = match class {
        class::PROCESS => PROCESS_OPS,
        class::REGISTRY => REGISTRY_OPS,
        class::NETWORK => NETWORK_OPS,
        class::PROFILING => PROFILING_OPS,
        class::FILE_SYSTEM => {
            let subs: &[(u8, &str)] = match op {
                fs::QUERY_VOLUME => QUERY_VOLUME_OPS,
                fs::SET_VOLUME => SET_VOLUME_OPS,
                fs::QUERY_INFORMATION => QUERY_INFORMATION_OPS,
                fs::SET_INFORMATION => SET_INFORMATION_OPS,
                fs::DIRECTORY_CONTROL => DIRECTORY_OPS,
                fs::LOCK_UNLOCK => LOCK_OPS,
                fs::PLUG_AND_PLAY => PNP_OPS,
                _ => &[],
            };
            let major = FILE_OPS.get(op as usize).copied();
            if sub != 0 && !subs.is_empty() {
                return match subs.iter().find(|(n, _)| *n == sub) {
                    Some((_, name)) => Cow::Borrowed(name),
                    None => Cow::Borrowed("<Unknown>"),
                };
            }
            return match major {
                Some(name) => Cow::Borrowed(name),
                None => Cow::Owned(format!("<Unknown: {op}>")),
            };
        }
        _ => &[],
    };
    match table.get(op as usize) {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(format!("<Unknown: {op}>")),
    }
}

/// Names of a flag mask, in table order, each matched bit set removed once matched.
pub fn mask_names(mut mask: u32, table: &[(u32, &str)], sep: &str, out: &mut String) -> bool {
    let mut any = false;
    for &(bits, name) in table {
        if mask & bits == bits {
            if any {
                out.push_str(sep);
            }
            out.push_str(name);
            any = true;
            mask &= !bits;
        }
    }
    any
}

const COMMON_ACCESS: &[(u32, &str)] = &[
    (0x10000, "Delete"),
    (0x20000, "Read Control"),
    (0x40000, "Write DAC"),
    (0x80000, "Write Owner"),
    (0x100000, "Synchronize"),
    (0x1000000, "Access System Security"),
    (0x2000000, "Maximum Allowed"),
];

const FILE_ACCESS: &[(u32, &str)] = &[
    (0x1f01ff, "All Access"),
    (0x1201bf, "Generic Read/Write/Execute"),
    (0x12019f, "Generic Read/Write"),
    (0x1200a9, "Generic Read/Execute"),
    (0x1201b6, "Generic Write/Execute"),
    (0x120089, "Generic Read"),
    (0x120116, "Generic Write"),
    (0x1200a0, "Generic Execute"),
    (0x1, "Read Data/List Directory"),
    (0x2, "Write Data/Add File"),
    (0x4, "Append Data/Add Subdirectory/Create Pipe Instance"),
    (0x8, "Read EA"),
    (0x10, "Write EA"),
    (0x20, "Execute/Traverse"),
    (0x40, "Delete Child"),
    (0x80, "Read Attributes"),
    (0x100, "Write Attributes"),
];

const REGISTRY_ACCESS: &[(u32, &str)] = &[
    (0xf003f, "All Access"),
    (0x2001f, "Read/Write"),
    (0x20019, "Read"),
    (0x20006, "Write"),
    (0x1, "Query Value"),
    (0x2, "Set Value"),
    (0x4, "Create Sub Key"),
    (0x8, "Enumerate Sub Keys"),
    (0x10, "Notify"),
    (0x20, "Create Link"),
    (0x300, "WOW64_Res"),
    (0x200, "WOW64_32Key"),
    (0x100, "WOW64_64Key"),
];

fn access(mask: u32, generic: [u32; 4], specific: &[(u32, &str)], out: &mut String) {
    let mut m = mask;
    for (bit, map) in [0x8000_0000u32, 0x4000_0000, 0x2000_0000, 0x1000_0000]
        .into_iter()
        .zip(generic)
    {
        if mask & bit != 0 {
            m |= map;
        }
    }
    let start = out.len();
    let mut rest = m;
    let mut any = false;
    for &(bits, name) in specific.iter().chain(COMMON_ACCESS) {
        if rest & bits == bits {
            if any {
                out.push_str(", ");
            }
            out.push_str(name);
            any = true;
            rest &= !bits;
        }
    }
    if out.len() == start {
        out.push_str(&format!("None 0x{m:x}"));
    }
}

/// A file access mask (`Generic Read, Write Attributes`).
pub fn file_access(mask: u32, out: &mut String) {
    access(
        mask,
        [0x120089, 0x120116, 0x1200a0, 0x1f01ff],
        FILE_ACCESS,
        out,
    )
}

/// A registry access mask (`Read`, `All Access`).
pub fn registry_access(mask: u32, out: &mut String) {
    access(
        mask,
        [0x20019, 0x20006, 0x20019, 0xf003f],
        REGISTRY_ACCESS,
        out,
    )
}

/// CreateFile options.
pub const CREATE_OPTIONS: &[(u32, &str)] = &[
    (0x1, "Directory"),
    (0x2, "Write Through"),
    (0x4, "Sequential Access"),
    (0x8, "No Buffering"),
    (0x10, "Synchronous IO Alert"),
    (0x20, "Synchronous IO Non-Alert"),
    (0x40, "Non-Directory File"),
    (0x80, "Create Tree Connection"),
    (0x100, "Complete If Oplocked"),
    (0x200, "No EA Knowledge"),
    (0x400, "Open for Recovery"),
    (0x800, "Random Access"),
    (0x1000, "Delete On Close"),
    (0x2000, "Open By ID"),
    (0x4000, "Open For Backup"),
    (0x8000, "No Compression"),
    (0x100000, "Reserve OpFilter"),
    (0x200000, "Open Reparse Point"),
    (0x400000, "Open No Recall"),
    (0x800000, "Open For Free Space Query"),
    (0x10000, "Open Requiring Oplock"),
    (0x20000, "Disallow Exclusive"),
];

/// File attributes, as letters.
pub const ATTRIBUTES: &[(u32, &str)] = &[
    (0x1, "R"),
    (0x2, "H"),
    (0x4, "S"),
    (0x10, "D"),
    (0x20, "A"),
    (0x40, "D"),
    (0x80, "N"),
    (0x100, "T"),
    (0x200, "SF"),
    (0x400, "RP"),
    (0x800, "C"),
    (0x1000, "O"),
    (0x2000, "NCI"),
    (0x4000, "E"),
    (0x10000, "V"),
];

/// Share modes.
pub const SHARE_MODES: &[(u32, &str)] = &[(0x1, "Read"), (0x2, "Write"), (0x4, "Delete")];

/// Read/write I/O flags.
pub const IO_FLAGS: &[(u32, &str)] = &[
    (0x10, "Buffered"),
    (0x1, "Non-cached"),
    (0x2, "Paging I/O"),
    (0x4, "Synchronous"),
    (0x40, "Synchronous Paging I/O"),
    (0x400000, "Write Through"),
];

/// I/O priorities.
pub fn priority(p: u32) -> Option<&'static str> {
    Some(match p {
        1 => "Very Low",
        2 => "Low",
        3 => "Normal",
        4 => "High",
        5 => "Critical",
        _ => return None,
    })
}

/// CreateFile dispositions.
pub fn disposition(d: u32) -> &'static str {
    match d {
        0 => "Supersede",
        1 => "Open",
        2 => "Create",
        3 => "OpenIf",
        4 => "Overwrite",
        5 => "OverwriteIf",
        _ => "<unknown>",
    }
}

/// CreateFile open results.
pub fn open_result(r: u32) -> &'static str {
    match r {
        0 => "Superseded",
        1 => "Opened",
        2 => "Created",
        3 => "Overwritten",
        4 => "Exists",
        5 => "DoesNotExist",
        _ => "<unknown>",
    }
}

/// Registry value types.
pub fn registry_type(t: u32) -> Option<&'static str> {
    Some(match t {
        0 => "REG_NONE",
        1 => "REG_SZ",
        2 => "REG_EXPAND_SZ",
        3 => "REG_BINARY",
        4 => "REG_DWORD",
        5 => "REG_DWORD_BIG_ENDIAN",
        6 => "REG_LINK",
        7 => "REG_MULTI_SZ",
        8 => "REG_RESOURCE_LIST",
        9 => "REG_FULL_RESOURCE_DESCRIPTOR",
        10 => "REG_RESOURCE_REQUIREMENTS_LIST",
        11 => "REG_QWORD",
        _ => return None,
    })
}

/// Registry key information classes (RegQueryKey / RegEnumKey).
pub fn key_information_class(c: u32) -> Option<&'static str> {
    Some(match c {
        0 => "Basic",
        1 => "Node",
        2 => "Full",
        3 => "Name",
        4 => "Cached",
        5 => "Flags",
        6 => "Virtualization",
        7 => "HandleTags",
        8 => "Trust",
        9 => "Layer",
        _ => return None,
    })
}

/// Registry key set-information classes (RegSetInfoKey).
pub fn key_set_information_class(c: u32) -> Option<&'static str> {
    Some(match c {
        0 => "KeyWriteTimeInformation",
        1 => "KeyWow64FlagsInformation",
        5 => "KeySetHandleTagsInformation",
        _ => return None,
    })
}

/// File-system and device control codes by name (the ones installs and their tools hit).
pub fn control_code(code: u32) -> Option<&'static str> {
    CONTROL_CODES
        .binary_search_by_key(&code, |(c, _)| *c)
        .ok()
        .map(|i| CONTROL_CODES[i].1)
}

/// Sorted by code.
const CONTROL_CODES: &[(u32, &str)] = &[
    (0x24058, "IOCTL_CDROM_GET_CONFIGURATION"),
    (0x24800, "IOCTL_CDROM_CHECK_VERIFY"),
    (0x41018, "IOCTL_SCSI_GET_ADDRESS"),
    (0x4d004, "IOCTL_SCSI_PASS_THROUGH"),
    (0x4d014, "IOCTL_SCSI_PASS_THROUGH_DIRECT"),
    (0x60190, "FSCTL_DFS_TRANSLATE_PATH"),
    (0x60194, "FSCTL_DFS_GET_REFERRALS"),
    (0x60198, "FSCTL_DFS_REPORT_INCONSISTENCY"),
    (0x6019c, "FSCTL_DFS_IS_SHARE_IN_DFS"),
    (0x601a0, "FSCTL_DFS_IS_ROOT"),
    (0x601a4, "FSCTL_DFS_GET_VERSION"),
    (0x70000, "IOCTL_DISK_GET_DRIVE_GEOMETRY"),
    (0x70024, "IOCTL_DISK_IS_WRITABLE"),
    (0x70048, "IOCTL_DISK_GET_PARTITION_INFO_EX"),
    (0x70050, "IOCTL_DISK_GET_DRIVE_LAYOUT_EX"),
    (0x700a0, "IOCTL_DISK_GET_DRIVE_GEOMETRY_EX"),
    (0x74004, "IOCTL_DISK_GET_PARTITION_INFO"),
    (0x7405c, "IOCTL_DISK_GET_LENGTH_INFO"),
    (0x74800, "IOCTL_DISK_CHECK_VERIFY"),
    (0x90000, "FSCTL_REQUEST_OPLOCK_LEVEL_1"),
    (0x90004, "FSCTL_REQUEST_OPLOCK_LEVEL_2"),
    (0x90008, "FSCTL_REQUEST_BATCH_OPLOCK"),
    (0x9000c, "FSCTL_OPLOCK_BREAK_ACKNOWLEDGE"),
    (0x90010, "FSCTL_OPBATCH_ACK_CLOSE_PENDING"),
    (0x90014, "FSCTL_OPLOCK_BREAK_NOTIFY"),
    (0x90018, "FSCTL_LOCK_VOLUME"),
    (0x9001c, "FSCTL_UNLOCK_VOLUME"),
    (0x90020, "FSCTL_DISMOUNT_VOLUME"),
    (0x90028, "FSCTL_IS_VOLUME_MOUNTED"),
    (0x9002c, "FSCTL_IS_PATHNAME_VALID"),
    (0x90030, "FSCTL_MARK_VOLUME_DIRTY"),
    (0x9003b, "FSCTL_QUERY_RETRIEVAL_POINTERS"),
    (0x9003c, "FSCTL_GET_COMPRESSION"),
    (0x90050, "FSCTL_OPLOCK_BREAK_ACK_NO_2"),
    (0x90058, "FSCTL_QUERY_FAT_BPB"),
    (0x9005c, "FSCTL_REQUEST_FILTER_OPLOCK"),
    (0x90060, "FSCTL_FILESYSTEM_GET_STATISTICS"),
    (0x90064, "FSCTL_GET_NTFS_VOLUME_DATA"),
    (0x90068, "FSCTL_GET_NTFS_FILE_RECORD"),
    (0x9006f, "FSCTL_GET_VOLUME_BITMAP"),
    (0x90073, "FSCTL_GET_RETRIEVAL_POINTERS"),
    (0x90074, "FSCTL_MOVE_FILE"),
    (0x90078, "FSCTL_IS_VOLUME_DIRTY"),
    (0x90083, "FSCTL_ALLOW_EXTENDED_DASD_IO"),
    (0x90087, "FSCTL_READ_PROPERTY_DATA"),
    (0x9008b, "FSCTL_WRITE_PROPERTY_DATA"),
    (0x9008f, "FSCTL_FIND_FILES_BY_SID"),
    (0x90097, "FSCTL_DUMP_PROPERTY_DATA"),
    (0x90098, "FSCTL_SET_OBJECT_ID"),
    (0x9009c, "FSCTL_GET_OBJECT_ID"),
    (0x900a0, "FSCTL_DELETE_OBJECT_ID"),
    (0x900a4, "FSCTL_SET_REPARSE_POINT"),
    (0x900a8, "FSCTL_GET_REPARSE_POINT"),
    (0x900ac, "FSCTL_DELETE_REPARSE_POINT"),
    (0x900b3, "FSCTL_ENUM_USN_DATA"),
    (0x900bb, "FSCTL_READ_USN_JOURNAL"),
    (0x900bc, "FSCTL_SET_OBJECT_ID_EXTENDED"),
    (0x900c0, "FSCTL_CREATE_OR_GET_OBJECT_ID"),
    (0x900c4, "FSCTL_SET_SPARSE"),
    (0x900d7, "FSCTL_SET_ENCRYPTION"),
    (0x900db, "FSCTL_ENCRYPTION_FSCTL_IO"),
    (0x900df, "FSCTL_WRITE_RAW_ENCRYPTED"),
    (0x900e3, "FSCTL_READ_RAW_ENCRYPTED"),
    (0x900e7, "FSCTL_CREATE_USN_JOURNAL"),
    (0x900eb, "FSCTL_READ_FILE_USN_DATA"),
    (0x900ef, "FSCTL_WRITE_USN_CLOSE_RECORD"),
    (0x900f0, "FSCTL_EXTEND_VOLUME"),
    (0x900f4, "FSCTL_QUERY_USN_JOURNAL"),
    (0x900f8, "FSCTL_DELETE_USN_JOURNAL"),
    (0x900fc, "FSCTL_MARK_HANDLE"),
    (0x90100, "FSCTL_SIS_COPYFILE"),
    (0x90120, "FSCTL_FILE_PREFETCH"),
    (0x901af, "CSC_FSCTL_OPERATION_QUERY_HANDLE"),
    (0x901f0, "FSCTL_QUERY_DEPENDENT_VOLUME"),
    (0x90230, "FSCTL_GET_BOOT_AREA_INFO"),
    (0x90240, "FSCTL_REQUEST_OPLOCK"),
    (0x90244, "FSCTL_CSV_TUNNEL_REQUEST"),
    (0x9024c, "FSCTL_QUERY_FILE_SYSTEM_RECOGNITION"),
    (0x90254, "FSCTL_CSV_GET_VOLUME_NAME_FOR_VOLUME_MOUNT_POINT"),
    (0x90258, "FSCTL_CSV_GET_VOLUME_PATH_NAMES_FOR_VOLUME_NAME"),
    (0x9025c, "FSCTL_IS_FILE_ON_CSV_VOLUME"),
    (0x90260, "FSCTL_CORRUPTION_HANDLING"),
    (0x90270, "FSCTL_SET_PURGE_FAILURE_MODE"),
    (0x90277, "FSCTL_QUERY_FILE_LAYOUT"),
    (0x90278, "FSCTL_IS_VOLUME_OWNED_BYCSVFS"),
    (0x9027c, "FSCTL_GET_INTEGRITY_INFORMATION"),
    (0x90284, "FSCTL_QUERY_FILE_REGIONS"),
    (0x902b0, "FSCTL_SCRUB_DATA"),
    (0x902b8, "FSCTL_DISABLE_LOCAL_BUFFERING"),
    (0x9030c, "FSCTL_SET_EXTERNAL_BACKING"),
    (0x90310, "FSCTL_GET_EXTERNAL_BACKING"),
    (0x940b7, "FSCTL_SECURITY_ID_CHECK"),
    (0x940cf, "FSCTL_QUERY_ALLOCATED_RANGES"),
    (0x941e4, "FSCTL_TXFS_LIST_TRANSACTIONS"),
    (0x94264, "FSCTL_OFFLOAD_READ"),
    (0x980c8, "FSCTL_SET_ZERO_DATA"),
    (0x980d0, "FSCTL_ENABLE_UPGRADE"),
    (0x98208, "FSCTL_FILE_LEVEL_TRIM"),
    (0x98268, "FSCTL_OFFLOAD_WRITE"),
    (0x9c040, "FSCTL_SET_COMPRESSION"),
    (0x9c104, "FSCTL_SIS_LINK_FILES"),
    (0x9c108, "FSCTL_HSM_MSG"),
    (0x9c2b4, "FSCTL_REPAIR_COPIES"),
    (0xc4003, "FSCTL_MAILSLOT_PEEK"),
    (0x110000, "FSCTL_PIPE_ASSIGN_EVENT"),
    (0x110004, "FSCTL_PIPE_DISCONNECT"),
    (0x110008, "FSCTL_PIPE_LISTEN"),
    (0x110010, "FSCTL_PIPE_QUERY_EVENT"),
    (0x110018, "FSCTL_PIPE_WAIT"),
    (0x11001c, "FSCTL_PIPE_IMPERSONATE"),
    (0x110020, "FSCTL_PIPE_SET_CLIENT_PROCESS"),
    (0x110024, "FSCTL_QUERY_CLIENT_PROCESS"),
    (0x11400c, "FSCTL_PIPE_PEEK"),
    (0x116000, "FSCTL_PIPE_INTERNAL_READ"),
    (0x119ff8, "FSCTL_PIPE_INTERNAL_WRITE"),
    (0x11c017, "FSCTL_PIPE_TRANSCEIVE"),
    (0x11dfff, "FSCTL_PIPE_INTERNAL_TRANSCEIVE"),
    (0x1401ec, "FSCTL_LMR_QUERY_DEBUG_INFO"),
    (0x2d1400, "IOCTL_STORAGE_QUERY_PROPERTY"),
    (0x2d4800, "IOCTL_STORAGE_CHECK_VERIFY"),
    (0x4d0008, "IOCTL_MOUNTDEV_QUERY_DEVICE_NAME"),
];

/// The Category of a control code, when it has one.
pub fn control_category(name: &str) -> &'static str {
    match name {
        "FSCTL_OFFLOAD_READ" | "FSCTL_GET_REPARSE_POINT" | "FSCTL_READ_RAW_ENCRYPTED" => "Read",
        "FSCTL_OFFLOAD_WRITE"
        | "FSCTL_MOVE_FILE"
        | "FSCTL_DELETE_REPARSE_POINT"
        | "FSCTL_WRITE_RAW_ENCRYPTED"
        | "FSCTL_PIPE_TRANSCEIVE"
        | "FSCTL_PIPE_INTERNAL_TRANSCEIVE" => "Write",
        "FSCTL_SET_COMPRESSION"
        | "FSCTL_WRITE_PROPERTY_DATA"
        | "FSCTL_SET_OBJECT_ID"
        | "FSCTL_DELETE_OBJECT_ID"
        | "FSCTL_SET_REPARSE_POINT"
        | "FSCTL_SET_SPARSE"
        | "FSCTL_SET_ENCRYPTION"
        | "FSCTL_CREATE_USN_JOURNAL"
        | "FSCTL_WRITE_USN_CLOSE_RECORD"
        | "FSCTL_EXTEND_VOLUME"
        | "FSCTL_DELETE_USN_JOURNAL" => "Write Metadata",
        "FSCTL_QUERY_RETRIEVAL_POINTERS"
        | "FSCTL_GET_COMPRESSION"
        | "FSCTL_QUERY_FAT_BPB"
        | "FSCTL_FILESYSTEM_GET_STATISTICS"
        | "FSCTL_GET_NTFS_VOLUME_DATA"
        | "FSCTL_GET_NTFS_FILE_RECORD"
        | "FSCTL_GET_VOLUME_BITMAP"
        | "FSCTL_GET_RETRIEVAL_POINTERS"
        | "FSCTL_IS_VOLUME_DIRTY"
        | "FSCTL_READ_PROPERTY_DATA"
        | "FSCTL_FIND_FILES_BY_SID"
        | "FSCTL_GET_OBJECT_ID"
        | "FSCTL_READ_USN_JOURNAL"
        | "FSCTL_SET_OBJECT_ID_EXTENDED"
        | "FSCTL_CREATE_OR_GET_OBJECT_ID"
        | "FSCTL_READ_FILE_USN_DATA"
        | "FSCTL_QUERY_USN_JOURNAL" => "Read Metadata",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_and_sub_operations() {
        assert_eq!(operation_name(class::FILE_SYSTEM, 20, 0), "CreateFile");
        assert_eq!(
            operation_name(class::FILE_SYSTEM, 25, 4),
            "QueryBasicInformationFile"
        );
        assert_eq!(
            operation_name(class::FILE_SYSTEM, 26, 0x0d),
            "SetDispositionInformationFile"
        );
        assert_eq!(operation_name(class::FILE_SYSTEM, 32, 1), "QueryDirectory");
        assert_eq!(operation_name(class::PROCESS, 7, 0), "Process Start");
        assert_eq!(operation_name(class::REGISTRY, 5, 0), "RegQueryValue");
        assert_eq!(operation_name(class::REGISTRY, 99, 0), "<Unknown: 99>");
    }

    #[test]
    fn access_masks() {
        let mut s = String::new();
        file_access(0x80000000 | 0x80, &mut s);
        assert_eq!(s, "Generic Read");
        s.clear();
        file_access(0x120116 | 0x80, &mut s);
        assert_eq!(s, "Generic Write, Read Attributes");
        s.clear();
        file_access(0x1f01ff, &mut s);
        assert_eq!(s, "All Access");
        s.clear();
        registry_access(0x20019, &mut s);
        assert_eq!(s, "Read");
        s.clear();
        file_access(0, &mut s);
        assert_eq!(s, "None 0x0");
    }

    #[test]
    fn control_codes_sorted() {
        assert!(CONTROL_CODES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(control_code(0x900a8), Some("FSCTL_GET_REPARSE_POINT"));
        assert_eq!(control_code(1), None);
    }
}
