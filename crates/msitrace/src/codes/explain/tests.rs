use super::*;

fn scopes(q: &str) -> Vec<CodeScope> {
    explain(q).meanings.iter().map(|m| m.scope).collect()
}

#[test]
fn forms() {
    assert_eq!(explain("1603").form, Some(QueryForm::Decimal));
    assert_eq!(explain(" 0x80070643 ").value, Some(0x8007_0643));
    assert_eq!(explain("80070643").value, Some(0x8007_0643));
    assert_eq!(explain("c0000022").value, Some(0xC000_0022));
    assert_eq!(explain("-2147287035").value, Some(0x8003_0005));
    assert_eq!(explain("0x643").value, Some(1603));
    assert_eq!(explain("access-denied").form, Some(QueryForm::Name));
}

#[test]
fn several_scopes() {
    assert_eq!(scopes("1722"), [CodeScope::Message, CodeScope::Win32]);
    assert_eq!(scopes("87"), [CodeScope::Exit, CodeScope::Win32]);
    assert_eq!(scopes("7000"), [CodeScope::ScmEvent]);
    assert_eq!(scopes("11708"), [CodeScope::MsiEvent]);
    assert_eq!(scopes("0x104"), [CodeScope::NtStatus]);
    assert!(scopes("260").is_empty());
}

#[test]
fn derived_msi_events() {
    let e = explain("11920");
    assert_eq!(e.meanings.len(), 1);
    assert_eq!(e.meanings[0].scope, CodeScope::MsiEvent);
    assert!(!e.meanings[0].known);
    assert_eq!(e.meanings[0].wraps.unwrap().code, 1920);
}

#[test]
fn undocumented_hresults_are_decoded() {
    let e = explain("0x80070002");
    let m = &e.meanings[0];
    assert_eq!(m.scope, CodeScope::HResult);
    assert!(!m.known);
    assert_eq!(m.wraps.unwrap().code, 2);
    let e = explain("0x8123ABCD");
    assert_eq!(e.meanings[0].category, "unknown");
    let e = explain("0xC0123456");
    assert_eq!(e.meanings[0].scope, CodeScope::NtStatus);
    assert!(!e.meanings[0].known);
}

#[test]
fn message_lines() {
    let e = explain("Note: 1: 2205 2:  3: Error ");
    assert_eq!(e.form, Some(QueryForm::MessageLine));
    assert_eq!(
        e.message.as_deref(),
        Some("Database (empty): no table Error.")
    );
    assert_eq!(e.meanings.len(), 1);
    let text = e.to_string();
    assert!(
        text.starts_with(
            "Installer message 2205 as logged: 1 meaning\n  Logged as: Database: . Table does not exist: Error.\n  Here: Database (empty)"
        ),
        "{text}"
    );
    let e = explain(r"1: 1310 2: 5 3: C:\Program Files\A\a.dll");
    assert!(e.message.unwrap().contains("ERROR_ACCESS_DENIED"));
    assert!(!explain("Note: 1: abc 2: x").is_code());
    let many: String = (2..100).map(|k| format!(" {k}: v")).collect();
    assert!(explain(&format!("1: 3001{many}")).is_code());
    assert!(!explain(&format!("1: 2203 2: {}", "x".repeat(5000))).is_code());
}

#[test]
fn templates_show_plain_slots() {
    let text = explain("2203").to_string();
    assert!(
        text.contains("In short: Could not open database [2] (system error [3])."),
        "{text}"
    );
    assert!(
        text.contains(
            "In logs, as in the SDK: Database: [2]. Cannot open database file. System error [3]."
        ),
        "{text}"
    );
    let text = explain("E_FAIL").to_string();
    assert!(
        text.contains("facility NULL (0), code 0x4005 (16389)."),
        "{text}"
    );
}

#[test]
fn message_prefixes() {
    assert_eq!(explain("Error 1920.").value, Some(1920));
    assert_eq!(explain("Internal Error 2203").value, Some(2203));
    assert_eq!(explain("info 1603").value, Some(1603));
    assert!(!explain("Error abc").is_code());
}

#[test]
fn prefix_fallback_for_names() {
    assert_eq!(explain("FILE_NOT_FOUND").meanings[0].code, 2);
    assert_eq!(explain("sharing violation").meanings[0].code, 0xC000_0043);
    assert_eq!(explain("E_FAIL").meanings[0].code, 0x8000_4005);
}

#[test]
fn not_codes() {
    for q in [
        "",
        "abc",
        "0xZZ",
        "0x",
        "0x123456789",
        "-",
        "-12a",
        "-99999999999",
        "99999999999",
        "12;rm",
        "\u{1b}[2J",
        &"9".repeat(500),
    ] {
        let e = explain(q);
        assert!(!e.is_code(), "{q:?}");
        let text = e.to_string();
        assert!(text.starts_with("Not a code: "), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }
    assert!(explain("99999").is_code());
    assert!(explain("99999").meanings.is_empty());
}
