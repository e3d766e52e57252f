use super::*;

fn values(data: &[EventData]) -> Vec<(Option<&str>, &str)> {
    data.iter()
        .map(|d| (d.name.as_deref(), d.value.as_deref().unwrap_or("")))
        .collect()
}

#[test]
fn msi_outcomes_in_any_language_by_position() {
    let de = "Windows Installer hat das Produkt installiert. Produktname: Contoso Agent. Produktversion: 2.1.0. Produktsprache: 1031. Hersteller: Contoso GmbH. Erfolg- oder Fehlerstatus der Installation: 1603.";
    let d = recover_data("MsiInstaller", 1033, de);
    assert_eq!(
        values(&d).iter().map(|v| v.1).collect::<Vec<_>>(),
        ["Contoso Agent", "2.1.0", "1031", "1603", "Contoso GmbH"]
    );
    let ja = "Windows インストーラーにより製品がインストールされました。製品名: Contoso。製品のバージョン: 2.1。製品の言語: 1041。製造元: Contoso。インストールの成功またはエラーの状態: 1603。";
    let d = recover_data("MsiInstaller", 1033, ja);
    assert_eq!(d[3].value.as_deref(), Some("1603"));
    assert_eq!(d[0].value.as_deref(), Some("Contoso"));
}

#[test]
fn a_label_before_the_message_is_skipped() {
    let m = "Event detail: Windows Installer installed the product. Product Name: Microsoft Application Error Reporting. Product Version: 12.0.6012.5000. Product Language: 1033. Manufacturer: Microsoft Corporation. Installation success or error status: 1603.";
    let d = recover_data("MsiInstaller", 1033, m);
    assert_eq!(
        d[0].value.as_deref(),
        Some("Microsoft Application Error Reporting")
    );
    assert_eq!(d[3].value.as_deref(), Some("1603"));
}

#[test]
fn transactions_with_paths() {
    let d = recover_data(
        "MsiInstaller",
        1040,
        "Beginning a Windows Installer transaction: C:\\Users\\dana\\Downloads\\agent.msi. Client Process Id: 4242.",
    );
    assert_eq!(
        values(&d),
        [
            (None, "C:\\Users\\dana\\Downloads\\agent.msi"),
            (None, "4242")
        ]
    );
}

#[test]
fn scm_messages_with_system_error_texts() {
    let d = recover_data(
        "Service Control Manager",
        7038,
        "The MSSQLSERVER service was unable to log on as .\\sqlsrvlogin with the currently configured password due to the following error: \nThe user name or password is incorrect.\n\nTo ensure that the service is configured properly, use the Services snap-in.",
    );
    assert_eq!(
        values(&d),
        [
            (Some("param1"), "MSSQLSERVER"),
            (Some("param2"), ".\\sqlsrvlogin"),
            (Some("param3"), "%%1326")
        ]
    );
    let d = recover_data(
        "Service Control Manager",
        7000,
        "The Contoso service failed to start due to the following error: \nSomething nobody knows.",
    );
    assert_eq!(d[1].value.as_deref(), Some("Something nobody knows."));
    let d = recover_data(
        "Service Control Manager",
        7045,
        "A service was installed in the system.\n\nService Name:  Contoso\nService File Name:  C:\\x\\agent.exe\nService Type:  user mode service\nService Start Type:  auto start\nService Account:  LocalSystem",
    );
    assert_eq!(d[1], named("ImagePath", "C:\\x\\agent.exe"));
    assert_eq!(d[4], named("AccountName", "LocalSystem"));
}

#[test]
fn scm_in_another_language_gives_the_quoted_service() {
    let d = recover_data(
        "Service Control Manager",
        7000,
        "Der Dienst \"Contoso Agent\" wurde aufgrund folgenden Fehlers nicht gestartet: \nZugriff verweigert",
    );
    assert_eq!(
        values(&d),
        [
            (Some("param1"), "Contoso Agent"),
            (Some("param2"), "Zugriff verweigert")
        ]
    );
}

#[test]
fn application_error_both_forms() {
    let old = "Faulting application devenv.exe, version 9.0.30729.1, time stamp 0x488f2b50, faulting module unknown, version 0.0.0.0, time stamp 0x00000000, exception code 0xc0000005, fault offset 0x006c0061, process id 0x10e0, application start time 0x01c9355ee383bf70";
    let d = recover_data("Application Error", 1000, old);
    assert_eq!(d[0], named("AppName", "devenv.exe"));
    assert_eq!(d[6], named("ExceptionCode", "c0000005"));
    assert_eq!(d[8], named("ProcessId", "0x10e0"));
    let new = "Faulting application name: msiexec.exe, version: 5.0.19041.1, time stamp: 0x5b3ee5d4\nFaulting module name: agentca.dll, version: 1.0.0.0, time stamp: 0x5b3ee5d4\nException code: 0xc0000005\nFault offset: 0x0001a2b3\nFaulting process id: 0x1a2c\nFaulting application start time: 0x01d4\nFaulting application path: C:\\Windows\\System32\\msiexec.exe\nFaulting module path: C:\\Windows\\Installer\\MSI1.tmp\nReport Id: 1234\nFaulting package full name: \nFaulting package-relative application ID: ";
    let d = recover_data("Application Error", 1000, new);
    assert_eq!(d[3], named("ModuleName", "agentca.dll"));
    assert_eq!(
        d[10],
        named("AppPath", "C:\\Windows\\System32\\msiexec.exe")
    );
    assert_eq!(d.len(), 15);
}

#[test]
fn product_notices() {
    let d = recover_data(
        "MsiInstaller",
        11708,
        "Product: Microsoft Application Error Reporting — Installation failed.",
    );
    assert_eq!(
        d[0].value.as_deref(),
        Some("Product: Microsoft Application Error Reporting -- Installation failed.")
    );
}

#[test]
fn templates_ignore_case_and_spacing() {
    assert_eq!(
        match_template(
            "The {1} service terminated unexpectedly. It has done this {2} time(s).",
            "The  Spooler service terminated unexpectedly.  It has done this 3 time(s)."
        )
        .unwrap(),
        ["Spooler", "3"]
    );
    assert!(match_template("The {1} service hung on starting.", "Nothing").is_none());
}

#[test]
fn identifying_bare_messages() {
    assert_eq!(
        identify("Product: PowerToys (Preview) -- The installer has encountered an unexpected error installing this package. The error code is 2503.").unwrap().event_id,
        10005
    );
    assert_eq!(
        identify("Produkt: Contoso -- Fehler 1920. Der Dienst konnte nicht gestartet werden.")
            .unwrap()
            .event_id,
        11920
    );
    assert_eq!(
        identify("Windows Installer installed the product. Product Name: X.")
            .unwrap()
            .event_id,
        1033
    );
    assert_eq!(
        identify("Faulting application devenv.exe, version 9.0.30729.1, time stamp 0x488f2b50, faulting module unknown, version 0.0.0.0, time stamp 0x00000000, exception code 0xc0000005, fault offset 0x006c0061, process id 0x10e0, application start time 0x01c9355ee383bf70").unwrap().event_id,
        1000
    );
}
