//! The bit layout of HRESULTs and NTSTATUS values: severity, facility and code, for any value,
//! named or not.
//!
//! ```
//! use msitrace::codes::HResult;
//! let hr = HResult::decode(0x8007_0643);
//! assert!(hr.failure);
//! assert_eq!((hr.facility, hr.facility_name, hr.code), (7, Some("WIN32"), 1603));
//! assert_eq!(hr.win32_code(), Some(1603));
//! ```

use serde::Serialize;

/// An HRESULT split into its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HResult {
    /// The whole value.
    pub value: u32,
    /// True when the severity bit says failure.
    pub failure: bool,
    /// The facility (bits 16–28): which component reported it.
    pub facility: u16,
    /// The facility's name, when known (`WIN32`, `STORAGE`, `URT`, ...).
    pub facility_name: Option<&'static str>,
    /// The code within the facility (low 16 bits).
    pub code: u16,
}

impl HResult {
    /// Split a value into its fields.
    pub fn decode(value: u32) -> HResult {
        let facility = ((value >> 16) & 0x1FFF) as u16;
        HResult {
            value,
            failure: value & 0x8000_0000 != 0,
            facility,
            facility_name: hresult_facility_name(facility),
            code: (value & 0xFFFF) as u16,
        }
    }

    /// The Win32 error an HRESULT of facility WIN32 wraps (`0x80070005` wraps 5).
    pub fn win32_code(&self) -> Option<u32> {
        (self.facility == 7).then_some(u32::from(self.code))
    }

    /// The HTTP status an HRESULT of facility HTTP carries (`0x80190194` carries 404).
    ///
    /// ```
    /// use msitrace::codes::HResult;
    /// assert_eq!(HResult::decode(0x8019_0194).http_status(), Some(404));
    /// assert_eq!(HResult::decode(0x8007_0194).http_status(), None);
    /// ```
    pub fn http_status(&self) -> Option<u16> {
        (self.facility == 25 && (100..600).contains(&self.code)).then_some(self.code)
    }

    /// The facility's entry (name and component), when msitrace knows it.
    pub fn facility_info(&self) -> Option<&'static super::Facility> {
        super::facility(self.facility)
    }

    /// The part of the facility the value comes from, when a known range holds it
    /// (`0x80246007` is Windows Update's download manager).
    pub fn part(&self) -> Option<&'static super::HResultPart> {
        super::hresult_part(self.value)
    }
}

/// The name of an HRESULT facility, when msitrace knows it (from `data/codes/facility.tsv`).
pub fn hresult_facility_name(facility: u16) -> Option<&'static str> {
    super::facility(facility).map(|f| f.name)
}

/// The severity field of an NTSTATUS value (its top two bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NtSeverity {
    /// `0x0…`–`0x3…`: success.
    Success,
    /// `0x4…`–`0x7…`: informational.
    Informational,
    /// `0x8…`–`0xB…`: warning (the operation may be retried, as with BUFFER OVERFLOW).
    Warning,
    /// `0xC…`–`0xF…`: error.
    Error,
}

/// An NTSTATUS value split into its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NtStatus {
    /// The whole value.
    pub value: u32,
    /// Severity (top two bits).
    pub severity: NtSeverity,
    /// The facility (bits 16–27).
    pub facility: u16,
    /// The code within the facility (low 16 bits).
    pub code: u16,
}

impl NtStatus {
    /// Split a value into its fields.
    ///
    /// ```
    /// use msitrace::codes::{NtSeverity, NtStatus};
    /// let s = NtStatus::decode(0xC000_0022);
    /// assert_eq!((s.severity, s.facility, s.code), (NtSeverity::Error, 0, 0x22));
    /// ```
    pub fn decode(value: u32) -> NtStatus {
        NtStatus {
            value,
            severity: match value >> 30 {
                0 => NtSeverity::Success,
                1 => NtSeverity::Informational,
                2 => NtSeverity::Warning,
                _ => NtSeverity::Error,
            },
            facility: ((value >> 16) & 0x0FFF) as u16,
            code: (value & 0xFFFF) as u16,
        }
    }
}

/// Read a signed decimal HRESULT as logged by the installer (`-2147287035` is `0x80030005`).
///
/// ```
/// assert_eq!(msitrace::codes::hresult_from_decimal("-2147287035"), Some(0x8003_0005));
/// assert_eq!(msitrace::codes::hresult_from_decimal("5"), None);
/// ```
pub fn hresult_from_decimal(text: &str) -> Option<u32> {
    let v: i64 = text.trim().parse().ok()?;
    (v < 0 && v >= i64::from(i32::MIN)).then_some(v as i32 as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facilities() {
        assert_eq!(HResult::decode(0x8003_0005).facility_name, Some("STORAGE"));
        assert_eq!(HResult::decode(0x8013_1509).facility_name, Some("URT"));
        assert_eq!(HResult::decode(0x800F_081F).facility_name, Some("SETUPAPI"));
        assert_eq!(HResult::decode(0x800B_0109).facility_name, Some("CERT"));
        assert_eq!(HResult::decode(0x8003_0005).win32_code(), None);
        assert!(!HResult::decode(0).failure);
    }

    #[test]
    fn ntstatus_severity() {
        assert_eq!(NtStatus::decode(0x8000_0005).severity, NtSeverity::Warning);
        assert_eq!(NtStatus::decode(0x0000_0104).severity, NtSeverity::Success);
        assert_eq!(NtStatus::decode(0xC01C_0004).facility, 0x1C);
    }

    #[test]
    fn decimal_hresults() {
        assert_eq!(hresult_from_decimal("-2147024891"), Some(0x8007_0005));
        assert_eq!(hresult_from_decimal("-2147483648"), Some(0x8000_0000));
        assert_eq!(hresult_from_decimal("-2147483649"), None);
        assert_eq!(hresult_from_decimal("x"), None);
    }
}
