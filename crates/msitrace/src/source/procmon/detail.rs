//! The `Detail` column: `Key: value, Key: value, ...`, where values contain commas
//! (`Desired Access: Generic Read, Write Data`, `Offset: 741,632`, `Data: en-US, en`).
//!
//! Fields are therefore split by their keys, not by `", "`: a field starts at the beginning of the
//! detail or after `", "`, with a key followed by `": "`. A key is one of [`KNOWN_KEYS`], or — except
//! inside values that are free text ([`FREE_TEXT_KEYS`]: command lines, registry data, environment)
//! — a short word-like token (`mss`, `1`, `ReplaceIfExists`) that Process Monitor adds for some
//! operations.

/// Keys Process Monitor writes in the `Detail` column.
pub const KNOWN_KEYS: &[&str] = &[
    "Desired Access",
    "Disposition",
    "Options",
    "Attributes",
    "ShareMode",
    "AllocationSize",
    "OpenResult",
    "Impersonating",
    "Query",
    "HandleTags",
    "Length",
    "Type",
    "Data",
    "Index",
    "Name",
    "Offset",
    "Priority",
    "I/O Flags",
    "Filter",
    "FileInformationClass",
    "CreationTime",
    "LastAccessTime",
    "LastWriteTime",
    "ChangeTime",
    "FileAttributes",
    "SyncType",
    "PageProtection",
    "EndOfFile",
    "NumberOfLinks",
    "DeletePending",
    "Directory",
    "Control",
    "Thread ID",
    "User Time",
    "Kernel Time",
    "Image Base",
    "Image Size",
    "EaSize",
    "KeySetInformationClass",
    "IndexNumber",
    "Granted Access",
    "FileSystemAttributes",
    "MaximumComponentNameLength",
    "FileSystemName",
    "VolumeCreationTime",
    "VolumeSerialNumber",
    "SupportsObjects",
    "VolumeLabel",
    "Access",
    "Position",
    "Mode",
    "AlignmentRequirement",
    "Exclusive",
    "Fail Immediately",
    "ReparseTag",
    "Command line",
    "SubKeys",
    "Values",
    "Parent PID",
    "Current directory",
    "Environment",
    "PID",
    "Exit Status",
    "Private Bytes",
    "Peak Private Bytes",
    "Working Set",
    "Peak Working Set",
    "Delete",
    "ObjectId",
    "TotalAllocationUnits",
    "SectorsPerAllocationUnit",
    "BytesPerSector",
    "AvailableAllocationUnits",
    "CallerAvailableAllocationUnits",
    "ActualAvailableAllocationUnits",
    "Flags",
    "Information",
    "ReplaceIfExists",
    "FileName",
    "Key",
    "Value",
    "Status",
];

/// Length of the longest of [`KNOWN_KEYS`].
const MAX_KEY_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < KNOWN_KEYS.len() {
        if KNOWN_KEYS[i].len() > max {
            max = KNOWN_KEYS[i].len();
        }
        i += 1;
    }
    max
};

/// Keys whose values are free text: only a known key ends them.
pub const FREE_TEXT_KEYS: &[&str] = &[
    "Command line",
    "Current directory",
    "Environment",
    "Data",
    "FileName",
    "Name",
    "Filter",
];

/// Split a detail into `(key, value)` fields, in order. Text before the first key is a field with
/// an empty key.
///
/// ```
/// use msitrace::source::procmon::detail::split_detail;
/// let f = split_detail("Desired Access: Generic Read, Write Data, Offset: 741,632, Data: a, b");
/// assert_eq!(f, vec![
///     ("Desired Access", "Generic Read, Write Data"),
///     ("Offset", "741,632"),
///     ("Data", "a, b"),
/// ]);
/// ```
pub fn split_detail(detail: &str) -> Vec<(&str, &str)> {
    let mut fields = Vec::new();
    if detail.is_empty() {
        return fields;
    }
    // The current field: key and where its value starts.
    let (mut key, mut value_start) = match key_at(detail, 0, false) {
        Some(k) => (&detail[..k], k + 2),
        None => ("", 0),
    };
    let mut search = value_start;
    while let Some(rel) = detail[search..].find(", ") {
        let at = search + rel;
        let next = at + 2;
        let free = FREE_TEXT_KEYS.contains(&key);
        if let Some(k) = key_at(detail, next, free) {
            fields.push((key, &detail[value_start..at]));
            key = &detail[next..k];
            value_start = k + 2;
            search = value_start;
        } else {
            search = next;
        }
    }
    fields.push((key, detail[value_start.min(detail.len())..].trim_end()));
    fields
}

/// When a key starts at `at` (followed by `": "`), the byte index of its colon.
fn key_at(detail: &str, at: usize, known_only: bool) -> Option<usize> {
    let rest = &detail[at..];
    // No key holds a colon, so a known key is all the text up to the first `": "`, which lies
    // within the longest key's length.
    let window = &rest.as_bytes()[..rest.len().min(MAX_KEY_LEN + 2)];
    if let Some(colon) = memchr::memmem::find(window, b": ") {
        if KNOWN_KEYS.contains(&&rest[..colon]) {
            return Some(at + colon);
        }
    }
    if known_only {
        return None;
    }
    let colon = rest.find(": ")?;
    let token = &rest[..colon];
    let word_like = !token.is_empty()
        && token.len() <= 32
        && token.as_bytes()[0].is_ascii_alphanumeric()
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'_' || b == b'/');
    word_like.then_some(at + colon)
}

/// An integer as Process Monitor prints it: decimal with thousands separators (`741,632`,
/// `1.904.640`, `8 192` with a space or no-break space), negative, or hex (`0x7ff795e70000`).
///
/// ```
/// use msitrace::source::procmon::detail::integer;
/// assert_eq!(integer("741,632"), Some(741_632));
/// assert_eq!(integer("1.904.640"), Some(1_904_640));
/// assert_eq!(integer("8\u{a0}192"), Some(8192));
/// assert_eq!(integer("-1073740756"), Some(-1_073_740_756));
/// assert_eq!(integer("0x41000"), Some(0x41000));
/// assert_eq!(integer("n/a"), None);
/// ```
pub fn integer(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Some(hex) = t.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16)
            .ok()
            .or_else(|| u64::from_str_radix(hex, 16).ok().map(|v| v as i64));
    }
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t),
    };
    let mut value: i64 = 0;
    let mut any = false;
    for c in digits.chars() {
        match c {
            '0'..='9' => {
                value = value.checked_mul(10)?.checked_add(c as i64 - '0' as i64)?;
                any = true;
            }
            ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\'' if any => {}
            _ => return None,
        }
    }
    any.then_some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A known key at `at` as found by trying every key in turn (the grammar's plain statement).
    fn known_key_by_scan(detail: &str, at: usize) -> Option<usize> {
        let rest = &detail[at..];
        KNOWN_KEYS
            .iter()
            .find(|key| rest.starts_with(**key) && rest[key.len()..].starts_with(": "))
            .map(|key| at + key.len())
    }

    #[test]
    fn known_keys_are_found_as_by_trying_each() {
        assert!(KNOWN_KEYS.iter().all(|k| !k.contains(':')));
        let details = [
            "Desired Access: Read, Granted Access: Read, Access: 0x1",
            "DeletePending: False, Delete: True, PID: 4, Parent PID: 8",
            "Exit Status: 0, Peak Private Bytes: 1, Private Bytes: 2",
            "ActualAvailableAllocationUnits: 12, CallerAvailableAllocationUnits: 3",
            "Command line: \"a.exe\" /x: y, Current directory: C:\\, Environment: ;\tA=1",
            "Unknown Key: 1, Type: REG_SZ, Data: a: b, Length: 0",
            "Type:REG_SZ, Type: , Data: ",
            "é: 1, Name: ü",
        ];
        for d in details {
            for at in (0..d.len()).filter(|&i| d.is_char_boundary(i)) {
                assert_eq!(
                    key_at(d, at, true),
                    known_key_by_scan(d, at),
                    "{d:?} at {at}"
                );
            }
        }
    }

    #[test]
    fn create_file_detail() {
        let d = "Desired Access: Generic Write, Read Attributes, Disposition: OverwriteIf, Options: Synchronous IO Non-Alert, Non-Directory File, Attributes: N, ShareMode: Read, Write, AllocationSize: 0, OpenResult: Created";
        let f = split_detail(d);
        assert_eq!(f[0], ("Desired Access", "Generic Write, Read Attributes"));
        assert_eq!(
            f[2],
            ("Options", "Synchronous IO Non-Alert, Non-Directory File")
        );
        assert_eq!(f[4], ("ShareMode", "Read, Write"));
        assert_eq!(f[6], ("OpenResult", "Created"));
        assert_eq!(f.len(), 7);
    }

    #[test]
    fn process_start_detail_keeps_commas_in_command_line() {
        let d = "Parent PID: 1328, Command line: \"a.exe\" /x, y: z , Current directory: C:\\x\\, Environment: ;\tA=1, B: 2";
        let f = split_detail(d);
        assert_eq!(
            f,
            vec![
                ("Parent PID", "1328"),
                ("Command line", "\"a.exe\" /x, y: z "),
                ("Current directory", "C:\\x\\"),
                ("Environment", ";\tA=1, B: 2"),
            ]
        );
    }

    #[test]
    fn generic_and_numbered_keys() {
        let f = split_detail("Length: 0, mss: 1460, sackopt: 0");
        assert_eq!(f[1], ("mss", "1460"));
        let f = split_detail("Filter: a, b.txt, 1: a.txt, 2: b.txt");
        // Filter is free text: only known keys end it, and `1` is not one.
        assert_eq!(f, vec![("Filter", "a, b.txt, 1: a.txt, 2: b.txt")]);
        let f = split_detail("Thread ID: 7764");
        assert_eq!(f, vec![("Thread ID", "7764")]);
        assert_eq!(split_detail("free text only"), vec![("", "free text only")]);
        assert!(split_detail("").is_empty());
        // A value ending at `: ` with nothing after it.
        assert_eq!(split_detail("Data: "), vec![("Data", "")]);
    }

    #[test]
    fn registry_data_with_commas_and_colons() {
        let f = split_detail("Type: REG_SZ, Length: 40, Data: C:\\Program Files\\App, x: y");
        assert_eq!(f[2], ("Data", "C:\\Program Files\\App, x: y"));
    }
}
