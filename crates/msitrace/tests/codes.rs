//! The code knowledge base as a user of the library sees it: the shipped data is complete and
//! consistent, and `explain` reads every form a code shows up in.

use msitrace::codes::{self, all, explain, explain_message, lookup, CodeScope, QueryForm};
use std::collections::HashSet;

#[test]
fn every_scope_has_rows() {
    for scope in CodeScope::ALL {
        let n = all().iter().filter(|c| c.scope == scope).count();
        assert!(n >= 10, "{scope:?} has only {n} rows");
    }
}

#[test]
fn no_scope_and_code_appears_twice() {
    let mut seen = HashSet::new();
    for c in all() {
        assert!(
            seen.insert((c.scope, c.code)),
            "{:?} {} twice",
            c.scope,
            c.code
        );
    }
    // Also straight from the files (the table would silently keep one of two duplicates).
    let rows = codes::data::load_all().expect("data files parse");
    assert_eq!(rows.len(), all().len());
}

#[test]
fn every_row_has_category_title_and_remedy() {
    for c in all() {
        let what = format!("{:?} {}", c.scope, c.code);
        assert!(!c.category.trim().is_empty(), "{what}: category");
        assert!(!c.title.trim().is_empty(), "{what}: title");
        assert!(!c.remedy.trim().is_empty(), "{what}: remedy");
        assert!(
            !c.title.contains('\t') && !c.remedy.contains('\t'),
            "{what}"
        );
        if c.scope == CodeScope::NtStatus {
            assert!(
                c.names.first().is_some_and(|n| n.starts_with("STATUS_")),
                "{what}: name"
            );
        }
    }
}

#[test]
fn the_installer_ranges_are_covered() {
    for code in (1601..=1654).chain([0, 13, 87, 120, 1259, 3010]) {
        assert!(lookup(CodeScope::Exit, code).is_some(), "exit {code}");
    }
    for code in [
        1101, 1301, 1336, 1401, 1410, 1500, 1601, 1611, 1701, 1730, 1801, 1805, 1901, 1940, 2103,
        2203, 2205, 2228, 2235, 2259, 2262, 2318, 2324, 2343, 2350, 2502, 2503, 2602, 2705, 2711,
        2715, 2726, 2732, 2738, 2739, 2762, 2763, 2769, 2771, 2867, 2869, 2876, 2896, 2908, 2932,
        2935,
    ] {
        assert!(lookup(CodeScope::Message, code).is_some(), "message {code}");
    }
    for code in 2801..=2835 {
        if code == 2805 {
            continue; // documented without a text
        }
        assert!(lookup(CodeScope::Message, code).is_some(), "message {code}");
    }
}

#[test]
fn messages_with_arguments_have_templates_with_slots() {
    for code in [
        1304, 1310, 1406, 1603, 1714, 1720, 1722, 1920, 1935, 2203, 2205, 2235, 2826,
    ] {
        let t = lookup(CodeScope::Message, code).unwrap().template;
        assert!(t.is_some_and(|t| t.contains("[2")), "message {code}: {t:?}");
    }
}

#[test]
fn noise_flags_stay() {
    for code in [2205, 2228, 2262, 2826, 2827, 2835, 2898, 1708, 1715] {
        assert!(codes::is_noise_message(code), "{code} must stay noise");
    }
    for code in [1603, 1920, 2235, 2303, 2502, 2503, 2738] {
        assert!(!codes::is_noise_message(code), "{code} is not noise");
    }
}

#[test]
fn sixteen_oh_three_and_sixteen_oh_one_are_exit_statuses_and_messages() {
    for q in ["1603", "1601"] {
        let e = explain(q);
        let scopes: Vec<_> = e.meanings.iter().map(|m| m.scope).collect();
        assert!(scopes.contains(&CodeScope::Exit), "{q}: {scopes:?}");
        assert!(scopes.contains(&CodeScope::Message), "{q}: {scopes:?}");
        let text = e.to_string();
        assert!(
            text.contains("Exit status") && text.contains("Installer message"),
            "{text}"
        );
    }
    let e = explain("1603");
    assert_eq!(e.meanings[0].category, "fatal");
    assert_eq!(e.meanings[1].category, "file_in_use");
}

#[test]
fn a_negative_decimal_is_a_storage_access_denied_hresult() {
    let e = explain("-2147287035");
    assert_eq!(e.form, Some(QueryForm::NegativeDecimal));
    assert_eq!(e.value, Some(0x8003_0005));
    let m = &e.meanings[0];
    assert_eq!(m.scope, CodeScope::HResult);
    assert_eq!(m.names, ["STG_E_ACCESSDENIED"]);
    let hr = m.hresult.unwrap();
    assert_eq!((hr.facility_name, hr.code), (Some("STORAGE"), 5));
    assert!(e.to_string().contains("STG_E_ACCESSDENIED"));
}

#[test]
fn an_hresult_of_facility_win32_wraps_1603() {
    for q in ["0x80070643", "80070643", "-2147023293"] {
        let e = explain(q);
        let m = e
            .meanings
            .iter()
            .find(|m| m.scope == CodeScope::HResult)
            .unwrap_or_else(|| panic!("{q}: no HRESULT meaning"));
        assert_eq!(m.hresult.unwrap().win32_code(), Some(1603), "{q}");
        assert_eq!(m.wraps.unwrap().code, 1603);
        assert!(e.to_string().contains("Wraps Win32 error 1603"), "{e}");
    }
}

#[test]
fn access_denied_and_c0000022_are_the_same_status() {
    for q in ["ACCESS DENIED", "access denied", "STATUS_ACCESS_DENIED"] {
        let e = explain(q);
        assert_eq!(e.form, Some(QueryForm::Name), "{q}");
        assert_eq!(e.meanings.len(), 1, "{q}");
        assert_eq!(e.meanings[0].code, 0xC000_0022, "{q}");
    }
    let e = explain("0xC0000022");
    assert_eq!(e.meanings.len(), 1);
    assert_eq!(e.meanings[0].scope, CodeScope::NtStatus);
    assert!(e.meanings[0].names.contains(&"ACCESS DENIED"));
    assert!(!e.meanings[0].noise);
    // Process Monitor probes are routine.
    assert!(codes::procmon_result("NAME NOT FOUND").unwrap().noise);
    assert!(!codes::procmon_result("SHARING VIOLATION").unwrap().noise);
}

#[test]
fn message_2203_fills_its_arguments() {
    let text = explain_message(2203, &[r"C:\x.msi", "-2147287035"]).unwrap();
    assert_eq!(
        text,
        r"Could not open database C:\x.msi (system error -2147287035 = 0x80030005 STG_E_ACCESSDENIED: Access to the storage (file) was denied)."
    );
    let owned: Vec<String> = vec!["a.msi".into(), "-2147287038".into()];
    assert!(explain_message(2203, &owned)
        .unwrap()
        .contains("STG_E_FILENOTFOUND"));
}

#[test]
fn malformed_queries_are_not_codes() {
    for q in [
        "abc", "", "   ", "0xZZ", "0x", "--1", "16 03", "1603;", "zz top",
    ] {
        let e = explain(q);
        assert!(!e.is_code(), "{q:?} read as {:?}", e.form);
        assert!(e.meanings.is_empty());
        let text = e.to_string();
        assert!(text.starts_with("Not a code: "), "{q:?}: {text}");
        assert_eq!(text.lines().count(), 1, "{text}");
    }
}

#[test]
fn the_plain_text_has_one_block_per_meaning() {
    let text = explain("1603").to_string();
    let blocks: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(blocks.len(), 3, "{text}");
    assert!(blocks[0].starts_with("1603 (0x643): 2 meanings"), "{text}");
    assert!(
        blocks[1].starts_with("Exit status 1603  ERROR_INSTALL_FAILURE  [fatal]"),
        "{text}"
    );
    assert!(
        blocks[2].starts_with("Installer message 1603  [file_in_use]"),
        "{text}"
    );
    for block in &blocks[1..] {
        assert!(block.contains("\n  What to do: "), "{block}");
    }
}

#[test]
fn explanations_serialize() {
    let json = serde_json::to_value(explain("0x80070643")).unwrap();
    assert_eq!(json["form"], "hex");
    assert_eq!(json["meanings"][0]["scope"], "hresult");
    assert_eq!(json["meanings"][0]["hresult"]["facility_name"], "WIN32");
    assert_eq!(json["meanings"][0]["wraps"]["code"], 1603);
}

// ---- Message wordings: every documented message, as the SDK words it and as logs print it ----

#[test]
fn every_documented_message_has_its_wording_and_the_ranges_are_complete() {
    let cov = codes::coverage();
    assert_eq!((cov[0].first, cov[0].last), (1101, 1938));
    assert_eq!((cov[1].first, cov[1].last), (2101, 2950));
    // The SDK reference documents 140 numbers in 1101-1938 and 393 (with a text) in 2101-2950.
    assert_eq!(cov[0].with_text, 140, "{cov:?}");
    assert_eq!(cov[1].with_text, 393, "{cov:?}");
    // Curated meanings and wordings cover the same numbers.
    let meanings: HashSet<u32> = all()
        .iter()
        .filter(|c| c.scope == CodeScope::Message)
        .map(|c| c.code)
        .collect();
    let worded: HashSet<u32> = codes::message_texts().iter().map(|t| t.code).collect();
    assert_eq!(
        meanings.symmetric_difference(&worded).collect::<Vec<_>>(),
        Vec::<&u32>::new()
    );
}

#[test]
fn explain_2503_shows_the_logged_text_and_the_sdk_wording() {
    let text = explain("2503").to_string();
    assert!(
        text.contains("In logs, as in the SDK: Called RunScript when not marked in progress."),
        "{text}"
    );
    // A message whose logged wording differs shows both.
    let text = explain("1310").to_string();
    assert!(
        text.contains("In logs: Error writing to file: [3]. {{ System error [2].}}"),
        "{text}"
    );
    assert!(
        text.contains(
            "SDK:     Error attempting to create the destination file: [3]. System error code: [2]"
        ),
        "{text}"
    );
    let json = serde_json::to_value(explain("1310")).unwrap();
    assert_eq!(
        json["meanings"][0]["wording"]["sdk"],
        "Error attempting to create the destination file: [3]. System error code: [2]"
    );
}

#[test]
fn real_logged_lines_give_back_their_fields() {
    let m = codes::match_message(
        2503,
        "DEBUG: Error 2503:  Called RunScript when not marked in progress.",
    )
    .unwrap();
    assert!(m.complete && m.args.is_empty(), "{m:?}");
    let m = codes::match_message(
        1920,
        "Error 1920. Service 'Office Software Protection Platform' (osppsvc) failed to start. Verify that you have sufficient privileges to start system services.",
    )
    .unwrap();
    assert_eq!(m.args, ["Office Software Protection Platform", "osppsvc"]);
    let m = codes::match_message(
        1310,
        r"Error 1310. Error writing to file: C:\avcodec-57.dll.  System error 0.  Verify that you have access to that directory.",
    )
    .unwrap();
    assert_eq!(m.args, ["0", r"C:\avcodec-57.dll"]);
    let m = codes::match_message(
        1926,
        r"Error 1926. Could not set file security for file 'F:\Config.Msi\'. Error: 3.  Verify that you have sufficient privileges to modify the security permissions for this file.",
    )
    .unwrap();
    assert_eq!(m.args, ["3", r"F:\Config.Msi\"]);
    let m = codes::match_message(
        2826,
        "DEBUG: Error 2826:  Control BottomLine on dialog WelcomeDlg extends beyond the boundaries of the dialog to the right by 4 pixels",
    )
    .unwrap();
    assert_eq!(m.args, ["WelcomeDlg", "BottomLine", "to the right", "4"]);
    let m = codes::match_message(
        2898,
        "Info 2898. For WixUI_Font_Bigger textstyle, the system created a 'Tahoma' font, in 0 character set, of 19 pixels height.",
    )
    .unwrap();
    assert_eq!(m.args, ["WixUI_Font_Bigger", "Tahoma", "0", "19"]);
    let m = codes::match_message(
        1603,
        r"Info 1603. The file C:\WINDOWS\system32\msvcr71.dll is being held in use by the following process: Name: VMwareService, Id: 1804, Window Title: '(not determined yet)'.  Close that application and retry.",
    )
    .unwrap();
    assert_eq!(
        format!("{}{}", m.args[0], m.args[1]),
        r"C:\WINDOWS\system32\msvcr71.dll"
    );
    assert_eq!(
        m.args[2..5],
        ["VMwareService", "1804", "(not determined yet)"]
    );
    // The fields found explain the error value.
    let decoded = explain_message(1310, &m.args).unwrap_or_default();
    assert!(!decoded.is_empty());
}

#[test]
fn near_misses_do_not_match_a_message() {
    // Another message's text, and a service that did start.
    assert!(codes::match_message(
        1920,
        "Error 1921. Service 'X' (x) could not be stopped. Verify that you have sufficient privileges to stop system services."
    )
    .is_none());
    assert!(codes::match_message(1920, "Service 'X' (x) started.").is_none());
    assert!(codes::match_message(2503, "Called RunScript.").is_none());
    assert!(codes::match_message(9999, "anything").is_none());
    // A product's own Error table wording is not the shipped one.
    assert!(codes::match_message(
        1406,
        r"Error 1406.Setup cannot write the value to the registry key \CLSID\GUID. Verify that you have sufficient permissions"
    )
    .is_none());
}

#[test]
fn a_note_line_is_filled_in_the_logged_wording() {
    let e = explain(r"Note: 1: 2203 2: C:\x.msi 3: -2147287038");
    assert_eq!(
        e.logged.as_deref(),
        Some(r"Database: C:\x.msi. Cannot open database file. System error -2147287038.")
    );
    assert!(e.message.unwrap().contains("STG_E_FILENOTFOUND"));
    let text = explain(r"Note: 1: 2203 2: C:\x.msi 3: -2147287038").to_string();
    assert!(text.contains("Logged as: Database: C:\\x.msi."), "{text}");
    assert_eq!(
        codes::format_message(1406, &["Version", r"HKLM\Software\X", "5"]).unwrap(),
        r"Could not write value Version to key HKLM\Software\X. System error 5. Verify that you have sufficient access to that key, or contact your support personnel."
    );
}

// ---- HRESULTs of every facility, Win32 errors and NTSTATUS values ----

fn hresult_meaning(q: &str) -> codes::Meaning {
    explain(q)
        .meanings
        .into_iter()
        .find(|m| m.scope == CodeScope::HResult)
        .unwrap_or_else(|| panic!("{q}: no HRESULT meaning"))
}

#[test]
fn named_hresults_of_each_facility() {
    for (q, name, facility) in [
        ("0x80240017", "WU_E_NOT_APPLICABLE", "WINDOWSUPDATE"),
        (
            "0x8024402C",
            "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED",
            "WINDOWSUPDATE",
        ),
        ("0x800B0109", "CERT_E_UNTRUSTEDROOT", "CERT"),
        ("0x800B010A", "CERT_E_CHAINING", "CERT"),
        ("0x80131534", "COR_E_TYPEINITIALIZATION", "URT"),
        ("0x80131700", "CLR_E_SHIM_RUNTIMELOAD", "URT"),
        ("0x80090326", "SEC_E_ILLEGAL_MESSAGE", "SECURITY"),
        ("0x80092013", "CRYPT_E_REVOCATION_OFFLINE", "SECURITY"),
        ("0x80090016", "NTE_BAD_KEYSET", "SECURITY"),
        ("0x800F0247", "SPAPI_E_DRIVER_STORE_ADD_FAILED", "SETUPAPI"),
        ("0x800F0922", "CBS_E_INSTALLERS_FAILED", "SETUPAPI"),
        ("0x80070005", "E_ACCESSDENIED", "WIN32"),
        ("0x80041002", "WBEM_E_NOT_FOUND", "ITF"),
    ] {
        let m = hresult_meaning(q);
        assert!(m.known, "{q}");
        assert_eq!(m.names[0], name, "{q}");
        assert_eq!(m.hresult.unwrap().facility_name, Some(facility), "{q}");
    }
    // Decimal as logged by Burn and custom actions.
    assert_eq!(
        hresult_meaning("-2146762487").names[0],
        "CERT_E_UNTRUSTEDROOT"
    );
}

#[test]
fn a_win32_hresult_gives_the_win32_error_with_its_name() {
    // 1920 as an HRESULT: the Win32 error, not installer message 1920.
    let e = explain("0x80070780");
    let m = &e.meanings[0];
    assert_eq!(m.scope, CodeScope::HResult);
    assert_eq!(m.wraps.unwrap().names[0], "ERROR_CANT_ACCESS_FILE");
    let text = e.to_string();
    assert!(
        text.contains("Wraps Win32 error 1920 ERROR_CANT_ACCESS_FILE"),
        "{text}"
    );
    assert!(!text.contains("Installer message"), "{text}");
    // The wrapped Win32 errors of Note lines and exit codes.
    for (code, name) in [
        (2, "ERROR_FILE_NOT_FOUND"),
        (3, "ERROR_PATH_NOT_FOUND"),
        (5, "ERROR_ACCESS_DENIED"),
        (32, "ERROR_SHARING_VIOLATION"),
        (112, "ERROR_DISK_FULL"),
        (1058, "ERROR_SERVICE_DISABLED"),
        (1060, "ERROR_SERVICE_DOES_NOT_EXIST"),
        (1061, "ERROR_SERVICE_CANNOT_ACCEPT_CTRL"),
        (1069, "ERROR_SERVICE_LOGON_FAILED"),
        (1314, "ERROR_PRIVILEGE_NOT_HELD"),
        (1603, "ERROR_INSTALL_FAILURE"),
        (1618, "ERROR_INSTALL_ALREADY_RUNNING"),
        (1619, "ERROR_INSTALL_PACKAGE_OPEN_FAILED"),
        (1620, "ERROR_INSTALL_PACKAGE_INVALID"),
        (1625, "ERROR_INSTALL_PACKAGE_REJECTED"),
        (1638, "ERROR_PRODUCT_VERSION"),
        (1641, "ERROR_SUCCESS_REBOOT_INITIATED"),
        (3010, "ERROR_SUCCESS_REBOOT_REQUIRED"),
        (15603, "ERROR_INSTALL_RESOLVE_DEPENDENCY_FAILED"),
        (14003, "ERROR_SXS_ASSEMBLY_NOT_FOUND"),
        (12175, "ERROR_WINHTTP_SECURE_FAILURE"),
    ] {
        let info = codes::win32_meaning(code).unwrap_or_else(|| panic!("{code}"));
        assert_eq!(info.names[0], name, "{code}");
        let hr = 0x8007_0000 | code;
        assert!(
            codes::describe_hresult(hr).contains(name),
            "{}",
            codes::describe_hresult(hr)
        );
    }
    // 0x80070643 in a Burn log: the installer's fatal error.
    assert!(codes::describe_hresult(0x8007_0643).contains("ERROR_INSTALL_FAILURE"));
}

#[test]
fn unknown_hresults_are_decoded_structurally() {
    // HTTP: the status is the low word.
    let m = hresult_meaning("0x80190194");
    assert!(!m.known);
    assert_eq!(m.hresult.unwrap().http_status(), Some(404));
    assert!(m.title.contains("404 (Not Found)"), "{}", m.title);
    // Windows Update: the part of the agent, from the range.
    let m = hresult_meaning("0x80246FFE");
    assert!(
        m.title.starts_with("Windows Update: download manager"),
        "{}",
        m.title
    );
    // A facility without a part, and one msitrace does not know.
    let text = explain("0x8013ABCD").to_string();
    assert!(text.contains("facility URT (19), code 0xABCD"), "{text}");
    assert!(text.contains("Reported by: The .NET runtime"), "{text}");
    let text = explain("0x81FF0001").to_string();
    assert!(
        text.contains("Failure, facility 511, code 0x1 (1)."),
        "{text}"
    );
    // A success HRESULT is not a failure.
    let hr = codes::HResult::decode(0x0024_0005);
    assert!(!hr.failure);
    assert_eq!(hr.facility_name, Some("WINDOWSUPDATE"));
}

#[test]
fn ntstatus_values_of_crashes_and_process_monitor() {
    for (q, name) in [
        ("0xC0000022", "STATUS_ACCESS_DENIED"),
        ("0xC0000005", "STATUS_ACCESS_VIOLATION"),
        ("0xC0000409", "STATUS_STACK_BUFFER_OVERRUN"),
        ("0xC0000139", "STATUS_ENTRYPOINT_NOT_FOUND"),
        ("0xC00000FD", "STATUS_STACK_OVERFLOW"),
        ("0xC0000602", "STATUS_FAIL_FAST_EXCEPTION"),
        ("0x80000003", "STATUS_BREAKPOINT"),
    ] {
        let e = explain(q);
        let m = e
            .meanings
            .iter()
            .find(|m| m.scope == CodeScope::NtStatus)
            .unwrap_or_else(|| panic!("{q}"));
        assert_eq!(m.names[0], name, "{q}");
    }
    // Process Monitor's words.
    assert_eq!(
        codes::procmon_result("IO DEVICE ERROR").unwrap().code,
        0xC000_0185
    );
    assert!(codes::procmon_result("NOT FOUND").unwrap().noise);
    // Near miss: a Win32 code is not an NTSTATUS.
    assert!(explain("5")
        .meanings
        .iter()
        .all(|m| m.scope != CodeScope::NtStatus));
}

// ---- Windows Error Reporting report types ----

#[test]
fn wer_report_types_say_crash_hang_leak_or_update_failure() {
    use codes::{wer_report_type, WerKind};
    for (name, kind) in [
        ("APPCRASH", WerKind::Crash),
        ("BEX", WerKind::Crash),
        ("BEX64", WerKind::Crash),
        ("MoAppCrash", WerKind::Crash),
        ("CLR20r3", WerKind::Crash),
        ("AppHangB1", WerKind::Hang),
        ("RADAR_PRE_LEAK_32", WerKind::Leak),
        ("RADAR_PRE_LEAK_64", WerKind::Leak),
        ("WindowsUpdateFailure3", WerKind::UpdateFailure),
        ("StoreAgentInstallFailure1", WerKind::StoreFailure),
        ("PnPDriverImportError", WerKind::Device),
    ] {
        assert_eq!(wer_report_type(name).map(|t| t.kind), Some(kind), "{name}");
    }
    // A leak report for TrustedInstaller.exe is not an installer crash.
    let leak = wer_report_type("RADAR_PRE_LEAK_32").unwrap();
    assert!(!leak.kind.ends_the_process() && !leak.kind.is_crash());
    assert!(wer_report_type("APPCRASH").unwrap().kind.ends_the_process());
    // Unknown names are unknown, not crashes.
    assert!(wer_report_type("SomethingNew").is_none());
    let json = serde_json::to_value(wer_report_type("BEX64").unwrap()).unwrap();
    assert_eq!(json["kind"], "crash");
}
