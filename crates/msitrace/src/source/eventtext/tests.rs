use super::*;
use crate::event::meaning::{RecordMeaning, ServiceFailureKind};
use chrono::{Datelike, Timelike};

fn read(text: &str) -> (Vec<Event>, Vec<SourceError>, EventTextSummary) {
    let mut r = EventTextReader::new(
        text.as_bytes(),
        TextEncoding::Utf8,
        7,
        EventTextSettings::default(),
    );
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for item in r.by_ref() {
        match item {
            Ok(e) => events.push(e),
            Err(e) => errors.push(e),
        }
    }
    (events, errors, r.describe())
}

fn record(e: &Event) -> &EventRecord {
    match &e.kind {
        Kind::EventRecord(r) => r,
        other => panic!("{other:?}"),
    }
}

const GENERAL_EN: &str = "Log Name:      System
Source:        Service Control Manager
Date:          3/14/2019 10:21:35 PM
Event ID:      7000
Task Category: None
Level:         Error
Keywords:      Classic
User:          N/A
Computer:      WS01.contoso.test
Description:
The Contoso Agent service failed to start due to the following error: 
The system cannot find the file specified.

Log Name:      Application
Source:        MsiInstaller
Date:          3/14/2019 10:21:40 PM
Event ID:      1033
Task Category: None
Level:         Information
Keywords:      Classic
User:          SYSTEM
Computer:      WS01.contoso.test
Description:
Windows Installer installed the product. Product Name: Contoso Agent. Product Version: 2.1.0. Product Language: 1033. Manufacturer: Contoso Ltd.. Installation success or error status: 1603.
";

#[test]
fn general_copy_in_english_gives_the_records_and_their_meanings() {
    let (events, errors, summary) = read(GENERAL_EN);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 2);
    let scm = record(&events[0]);
    assert_eq!(
        (
            scm.channel.as_str(),
            scm.provider.as_str(),
            scm.event_id,
            scm.level
        ),
        ("System", "Service Control Manager", 7000, 2)
    );
    let Some(RecordMeaning::ServiceFailure(f)) = scm.meaning.as_deref() else {
        panic!("{:?}", scm.meaning)
    };
    assert_eq!(f.failure, ServiceFailureKind::StartFailed);
    assert_eq!(f.service, "Contoso Agent");
    assert_eq!(f.error.as_ref().unwrap().code, Some(2));
    assert_eq!(events[0].at, Location::Line(1));
    assert_eq!(events[1].at, Location::Line(14));
    let Some(RecordMeaning::InstallerOutcome(o)) = record(&events[1]).meaning.as_deref() else {
        panic!()
    };
    assert_eq!((o.product.as_str(), o.status), ("Contoso Agent", 1603));
    assert_eq!(o.manufacturer.as_deref(), Some("Contoso Ltd."));
    let t = events[0].time.local_datetime().unwrap();
    assert_eq!((t.month(), t.day(), t.hour()), (3, 14, 22));
    assert_eq!(
        summary.to_string(),
        "Event Viewer text copy, English; 2 events"
    );
    // Raw lines are the user's lines.
    let raw: Vec<_> = events[1].raw_lines().collect();
    assert_eq!(raw[0], (14, "Log Name:      Application"));
}

#[test]
fn the_same_record_as_the_xml_export_gives() {
    // What an EVTX/XML export says of the 1033 record above.
    let xml = r#"<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="MsiInstaller"/><EventID Qualifiers="0">1033</EventID><Level>4</Level><Channel>Application</Channel><Computer>WS01.contoso.test</Computer></System><EventData><Data>Contoso Agent</Data><Data>2.1.0</Data><Data>1033</Data><Data>1603</Data><Data>Contoso Ltd.</Data></EventData></Event>"#;
    let from_xml =
        crate::source::eventxml::EventXmlParser::new(xml.as_bytes(), TextEncoding::Utf8, 0)
            .next()
            .unwrap()
            .unwrap();
    let (events, _, _) = read(GENERAL_EN);
    let text = record(&events[1]);
    let exported = record(&from_xml);
    assert_eq!(text.channel, exported.channel);
    assert_eq!(text.provider, exported.provider);
    assert_eq!(text.event_id, exported.event_id);
    assert_eq!(text.level, exported.level);
    assert_eq!(text.data, exported.data);
    assert_eq!(text.meaning, exported.meaning);
}

#[test]
fn general_copies_in_other_languages() {
    let copies = [
        (
            "Protokollname: Application\nQuelle:        MsiInstaller\nDatum:         14.03.2019 22:21:40\nEreignis-ID:   11708\nAufgabenkategorie:Keine\nEbene:         Informationen\nSchlüsselwörter:Klassisch\nBenutzer:      SYSTEM\nComputer:      WS01\nBeschreibung:\nProdukt: Contoso Agent -- Die Installation ist fehlgeschlagen.\n",
            Language::German,
        ),
        (
            "Nom du journal :Application\nSource :       MsiInstaller\nDate :         14/03/2019 22:21:40\nID de l’événement :11708\nCatégorie de la tâche :Aucun\nNiveau :       Information\nMots clés :    Classique\nUtilisateur :  SYSTEM\nOrdinateur :   WS01\nDescription :\nProduit : Contoso Agent -- L'installation a échoué.\n",
            Language::French,
        ),
        (
            "Nombre de registro:Application\nOrigen:        MsiInstaller\nFecha:         14/03/2019 10:21:40 p. m.\nId. del evento:11708\nCategoría de la tarea:Ninguno\nNivel:         Información\nPalabras clave:Clásico\nUsuario:       SYSTEM\nEquipo:        WS01\nDescripción:\nProducto: Contoso Agent -- Error en la instalación.\n",
            Language::Spanish,
        ),
        (
            "Nome do Log:   Application\nFonte:         MsiInstaller\nData:          14/03/2019 22:21:40\nIdentificação do Evento:11708\nCategoria da Tarefa:Nenhum\nNível:         Informações\nPalavras-chave:Clássico\nUsuário:       SYSTEM\nComputador:    WS01\nDescrição:\nProduto: Contoso Agent -- Falha na instalação.\n",
            Language::Portuguese,
        ),
        (
            "Nome registro: Application\nOrigine:       MsiInstaller\nData:          14/03/2019 22:21:40\nID evento:     11708\nCategoria attività:Nessuna\nLivello:       Informazioni\nParole chiave: Classico\nUtente:        SYSTEM\nComputer:      WS01\nDescrizione:\nProdotto: Contoso Agent -- Installazione non riuscita.\n",
            Language::Italian,
        ),
        (
            "Имя журнала:   Application\nИсточник:      MsiInstaller\nДата:          14.03.2019 22:21:40\nКод события:   11708\nКатегория задачи:Отсутствует\nУровень:       Сведения\nКлючевые слова:Классический\nПользователь:  SYSTEM\nКомпьютер:     WS01\nОписание:\nПродукт: Contoso Agent -- Ошибка установки.\n",
            Language::Russian,
        ),
        (
            "日志名称:          Application\n来源:            MsiInstaller\n日期:            2019/3/14 下午 10:21:40\n事件 ID:         11708\n任务类别:          无\n级别:            信息\n关键字:           经典\n用户:            SYSTEM\n计算机:           WS01\n描述:\n产品: Contoso Agent -- 安装失败。\n",
            Language::Chinese,
        ),
        (
            "ログの名前:         Application\nソース:           MsiInstaller\n日付:            2019/03/14 午後 10:21:40\nイベント ID:       11708\nタスクのカテゴリ:      なし\nレベル:           情報\nキーワード:         クラシック\nユーザー:          SYSTEM\nコンピューター:       WS01\n説明:\n製品: Contoso Agent -- インストールに失敗しました。\n",
            Language::Japanese,
        ),
        (
            "로그 이름:         Application\n원본:            MsiInstaller\n날짜:            2019-03-14 오후 10:21:40\n이벤트 ID:         11708\n작업 범주:          없음\n수준:            정보\n키워드:           클래식\n사용자:           SYSTEM\n컴퓨터:           WS01\n설명:\n제품: Contoso Agent -- 설치하지 못했습니다.\n",
            Language::Korean,
        ),
    ];
    for (copy, language) in copies {
        let (events, errors, summary) = read(copy);
        assert!(errors.is_empty(), "{language}: {errors:?}");
        assert_eq!(events.len(), 1, "{language}");
        let r = record(&events[0]);
        assert_eq!(
            (r.channel.as_str(), r.provider.as_str(), r.event_id, r.level),
            ("Application", "MsiInstaller", 11708, 4),
            "{language}"
        );
        let Some(RecordMeaning::InstallerMessage {
            product, failed, ..
        }) = r.meaning.as_deref()
        else {
            panic!("{language}: {:?}", r.meaning)
        };
        assert_eq!(product, "Contoso Agent", "{language}");
        assert!(failed, "{language}");
        let t = events[0]
            .time
            .local_datetime()
            .unwrap_or_else(|| panic!("{language}: no date"));
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour(), t.minute()),
            (2019, 3, 14, 22, 21),
            "{language}"
        );
        assert_eq!(summary.language, Some(language), "{language}");
        assert_eq!(
            summary.to_string(),
            format!("Event Viewer text copy, {language}; 1 event")
        );
    }
}

#[test]
fn copy_details_with_event_xml_takes_the_data_and_utc_time_from_the_xml() {
    let copy = "Log Name:      Application
Source:        Microsoft-Windows-WMI
Date:          datetime
Event ID:      63
Task Category: None
Level:         Warning
Keywords:      Classic
User:          SYSTEM
Computer:      computer_name
Description:
A provider, Foo, has been registered in the Windows Management Instrumentation namespace root\\x to use the LocalSystem account.
Event Xml:
<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">
  <System>
    <Provider Name=\"Microsoft-Windows-WMI\" Guid=\"{GUID}\" EventSourceName=\"WinMgmt\" />
    <EventID Qualifiers=\"32768\">63</EventID>
    <Level>3</Level>
    <TimeCreated SystemTime=\"2020-05-04T10:00:00.000Z\" />
    <EventRecordID>1470</EventRecordID>
    <Channel>Application</Channel>
    <Computer>computer_name</Computer>
  </System>
  <EventData>
    <Data>Foo</Data>
    <Data>root\\x</Data>
  </EventData>
</Event>
";
    let (events, errors, _) = read(copy);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 1);
    let r = record(&events[0]);
    assert_eq!(r.qualifiers, Some(32768));
    assert_eq!(r.data.len(), 2);
    assert!(r.message.as_deref().unwrap().starts_with("A provider, Foo"));
    assert!(matches!(
        events[0].time.read,
        crate::event::ReadTime::Utc { .. }
    ));
    assert_eq!(events[0].raw_lines().last().unwrap().0, 27);
}

#[test]
fn records_without_dates_are_in_file_order_and_noted() {
    let copy = "Source: MsiInstaller\nEvent ID: 11708\nError detail: Product: Microsoft Application Error Reporting — Installation failed.\n\nSource: MsiInstaller\nEvent ID: 1033\nEvent detail: Windows Installer installed the product. Product Name: Microsoft Application Error Reporting. Product Version: 12.0.6012.5000. Product Language: 1033. Manufacturer: Microsoft Corporation. Installation success or error status: 1603.\n";
    let (events, errors, summary) = read(copy);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].at, Location::Line(5));
    let Some(RecordMeaning::InstallerMessage { failed: true, .. }) =
        record(&events[0]).meaning.as_deref()
    else {
        panic!("{:?}", record(&events[0]).meaning)
    };
    let Some(RecordMeaning::InstallerOutcome(o)) = record(&events[1]).meaning.as_deref() else {
        panic!("{:?}", record(&events[1]).meaning)
    };
    assert_eq!(o.status, 1603);
    assert_eq!(record(&events[1]).channel, "Application");
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.contains("timestamps scrubbed")),
        "{:?}",
        summary.notes
    );
}

#[test]
fn ambiguous_dates_wait_for_a_date_that_proves_the_order() {
    let block = |date: &str, id: u32| {
        format!("Log Name: System\nSource: Service Control Manager\nDate: {date}\nEvent ID: {id}\nLevel: Error\nDescription:\nThe Spooler service hung on starting.\n\n")
    };
    let copy = block("3/4/2019 10:00:00", 7022) + &block("25/4/2019 10:00:00", 7022);
    let (events, _, summary) = read(&copy);
    assert_eq!(events.len(), 2);
    let t = events[0].time.local_datetime().unwrap();
    assert_eq!((t.day(), t.month()), (3, 4), "day first, proven by 25/4");
    assert!(!summary
        .notes
        .iter()
        .any(|n| n.contains("no date in the copy proves")));
    let (events, _, summary) = read(&block("3/4/2019 10:00:00", 7022));
    let t = events[0].time.local_datetime().unwrap();
    assert_eq!((t.month(), t.day()), (3, 4), "English '/' read month first");
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.contains("no date in the copy proves")),
        "{:?}",
        summary.notes
    );
}

#[test]
fn wevtutil_text_output() {
    let out = "Event[0]:
  Log Name: System
  Source: Service Control Manager
  Date: 2019-03-14T22:21:35.123
  Event ID: 7038
  Task: N/A
  Level: Error
  Opcode: N/A
  Keyword: Classic
  User: N/A
  User Name: N/A
  Computer: WS01
  Description: 
The MSSQLSERVER service was unable to log on as .\\sqlsvc with the currently configured password due to the following error: 
The user name or password is incorrect.

To ensure that the service is configured properly, use the Services snap-in in Microsoft Management Console (MMC).

Event[1]:
  Log Name: Application
  Source: MsiInstaller
  Date: 2019-03-14T22:21:40.000
  Event ID: 11708
  Task: N/A
  Level: Information
  Opcode: N/A
  Keyword: Classic
  User: S-1-5-18
  User Name: NT AUTHORITY\\SYSTEM
  Computer: WS01
  Description: 
Product: Contoso -- Installation failed.
";
    let (events, errors, summary) = read(out);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].at, Location::Line(19));
    let Some(RecordMeaning::ServiceFailure(f)) = record(&events[0]).meaning.as_deref() else {
        panic!()
    };
    assert_eq!(f.failure, ServiceFailureKind::LogonFailed);
    assert_eq!(f.error.as_ref().unwrap().code, Some(1326));
    assert_eq!(record(&events[1]).user_sid.as_deref(), Some("S-1-5-18"));
    assert_eq!(summary.forms, [EventTextForm::Wevtutil]);
    assert_eq!(
        events[0].time.local_datetime().unwrap().nanosecond(),
        123_000_000
    );
}

const XML_VIEW: &str = r#"- <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
- <System>
  <Provider Name="MsiInstaller" /> 
  <EventID Qualifiers="0">11708</EventID> 
  <Level>4</Level> 
  <TimeCreated SystemTime="2020-11-18T23:54:12.8343348Z" /> 
  <EventRecordID>32075</EventRecordID> 
  <Channel>Application</Channel> 
  <Computer>Home-PC</Computer> 
  <Security UserID="S-1-5-21-1" /> 
  </System>
- <EventData>
  <Data>Product: Contoso & Sons Agent -- Installation failed.</Data> 
  <Data>(NULL)</Data> 
  <Binary>7B41383630384530462D353642382D343635432D413736322D3836443638464634464337327D</Binary> 
  </EventData>
  </Event>
"#;

#[test]
fn xml_view_with_tree_markers() {
    let (events, errors, summary) = read(XML_VIEW);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 1);
    let r = record(&events[0]);
    let Some(RecordMeaning::InstallerMessage {
        product,
        product_code,
        failed,
        ..
    }) = r.meaning.as_deref()
    else {
        panic!("{:?}", r.meaning)
    };
    assert_eq!(product, "Contoso & Sons Agent");
    assert!(failed);
    assert_eq!(
        product_code.as_deref(),
        Some("{A8608E0F-56B8-465C-A762-86D68FF4FC72}")
    );
    assert!(matches!(
        events[0].time.read,
        crate::event::ReadTime::Utc { .. }
    ));
    assert_eq!(summary.forms, [EventTextForm::XmlView]);
}

#[test]
fn a_cut_xml_view_is_read_up_to_the_cut_after_bare_messages() {
    let text = "Product: PowerToys (Preview) -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , \n\n".to_string()
        + &XML_VIEW[..XML_VIEW.find("<Data>").unwrap() + 16];
    let (events, errors, summary) = read(&text);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 2);
    assert_eq!(record(&events[0]).event_id, 10005);
    assert_eq!(record(&events[0]).level, 2);
    assert_eq!(events[1].at, Location::Line(3));
    assert_eq!(record(&events[1]).event_id, 11708);
    assert!(
        summary.notes.iter().any(|n| n.contains("cut")),
        "{:?}",
        summary.notes
    );
    assert_eq!(
        summary.forms,
        [EventTextForm::Message, EventTextForm::XmlView]
    );
}

#[test]
fn format_list_of_get_winevent() {
    let out = "

TimeCreated  : 14.03.2019 22:21:35
ProviderName : Service Control Manager
Id           : 7041
Message      : The MSSQLSERVER service was unable to log on as NT Service\\MSSQLSERVER with the currently configured password due to the following error:
               Logon failure: the user has not been granted the requested logon type at this computer.

               Service: MSSQLSERVER
               Domain and account: CONTOSO\\sql

TimeCreated  : 14.03.2019 22:21:40
ProviderName : MsiInstaller
Id           : 1033
Message      : Windows Installer installed the product. Product Name: Contoso. Product Version: 1.0. Product Language: 1031. Manufacturer: Contoso. Installation success or error status: 1603.

";
    let (events, errors, summary) = read(out);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 2, "{events:#?}");
    let r = record(&events[0]);
    assert_eq!(r.channel, "System");
    let Some(RecordMeaning::ServiceFailure(f)) = r.meaning.as_deref() else {
        panic!("{:?}", r.meaning)
    };
    assert_eq!(
        (f.failure, f.service.as_str()),
        (ServiceFailureKind::LogonFailed, "MSSQLSERVER")
    );
    assert!(r.message.as_deref().unwrap().contains("Domain and account"));
    assert_eq!(events[1].at, Location::Line(12));
    let t = events[1].time.local_datetime().unwrap();
    assert_eq!((t.day(), t.month()), (14, 3));
    assert_eq!(summary.forms, [EventTextForm::FormatList]);
}

#[test]
fn format_list_of_get_eventlog_with_instance_ids() {
    let out = "Index              : 4242
EntryType          : Error
InstanceId         : 3221232472
Message            : The Contoso service failed to start due to the following error:
                     Access is denied.
Category           : (0)
CategoryNumber     : 0
ReplacementStrings : {Contoso, %%5}
Source             : Service Control Manager
TimeGenerated      : 3/14/2019 10:21:35 PM
TimeWritten        : 3/14/2019 10:21:35 PM
UserName           :
";
    let (events, errors, _) = read(out);
    assert!(errors.is_empty(), "{errors:?}");
    let r = record(&events[0]);
    assert_eq!((r.event_id, r.qualifiers, r.level), (7000, Some(49152), 2));
    let Some(RecordMeaning::ServiceFailure(f)) = r.meaning.as_deref() else {
        panic!("{:?}", r.meaning)
    };
    assert_eq!(f.error.as_ref().unwrap().code, Some(5));
}

#[test]
fn saved_csv_and_tab_lists() {
    let csv = "Level,Date and Time,Source,Event ID,Task Category\nError,3/14/2019 10:21:35 PM,Service Control Manager,7000,None,\"The Contoso service failed to start due to the following error: \nThe system cannot find the file specified.\"\nInformation,3/14/2019 10:21:40 PM,MsiInstaller,11708,None,Product: Contoso -- Installation failed.\n";
    let (events, errors, summary) = read(csv);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].at, Location::Line(4));
    assert_eq!(record(&events[0]).channel, "System");
    assert!(record(&events[0]).meaning.is_some());
    assert_eq!(summary.forms, [EventTextForm::SavedList]);
    let tab = "Ebene\tDatum und Uhrzeit\tQuelle\tEreignis-ID\tAufgabenkategorie\nFehler\t14.03.2019 22:21:35\tService Control Manager\t7023\tKeine\t\"Der Dienst \"\"Contoso\"\" wurde mit folgendem Fehler beendet: \nZugriff verweigert\"\n";
    let (events, errors, summary) = read(tab);
    assert!(errors.is_empty(), "{errors:?}");
    let r = record(&events[0]);
    assert_eq!((r.event_id, r.level), (7023, 2));
    let Some(RecordMeaning::ServiceFailure(f)) = r.meaning.as_deref() else {
        panic!("{:?}", r.meaning)
    };
    assert_eq!(f.service, "Contoso");
    assert_eq!(summary.language, Some(Language::German));
}

#[test]
fn detection_of_every_form() {
    let detect = |t: &str| detect_head(t.as_bytes(), TextEncoding::Utf8).map(|d| d.form);
    assert_eq!(detect(GENERAL_EN), Some(EventTextForm::General));
    assert_eq!(detect(XML_VIEW), Some(EventTextForm::XmlView));
    assert_eq!(
        detect("Event[0]:\n  Log Name: System\n  Source: X\n"),
        Some(EventTextForm::Wevtutil)
    );
    assert_eq!(
        detect("TimeCreated  : 1/1/2020 1:00:00 AM\nProviderName : X\nId           : 1\nMessage      : y\n"),
        Some(EventTextForm::FormatList)
    );
    assert_eq!(
        detect("Level,Date and Time,Source,Event ID,Task Category\n"),
        Some(EventTextForm::SavedList)
    );
    assert_eq!(detect("Source: some notes\nnothing here\n"), None);
    assert_eq!(
        detect("MSI (s) (18:F4) [12:02:17:898]: Note: 1: 2203\n"),
        None
    );
}

#[test]
fn a_record_without_an_event_id_is_an_error_naming_its_line() {
    let (events, errors, _) =
        read("Log Name: Application\nSource: MsiInstaller\nDescription:\nhello\n");
    assert!(events.is_empty());
    assert!(
        matches!(errors[0], SourceError::TextRecord { line: 1, .. }),
        "{errors:?}"
    );
}

#[test]
fn utf16_copies_are_read() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in GENERAL_EN.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let n = EventTextReader::new(
        &bytes[..],
        TextEncoding::Utf16LeBom,
        0,
        EventTextSettings::default(),
    )
    .filter(Result::is_ok)
    .count();
    assert_eq!(n, 2);
}

/// Deterministic pseudo-random text: labels, digits, colons, markers, multi-byte characters.
fn noise(seed: u64, lines: usize) -> String {
    const PIECES: &[&str] = &[
        "Log Name:",
        "Source:",
        "Event ID:",
        "Date:",
        "Level:",
        "Description:",
        "Event Xml:",
        "Ereignis-ID:",
        "日付:",
        "- <Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">",
        "<Data>",
        "</Event>",
        "Event[0]:",
        "TimeCreated  :",
        "Id           :",
        "Message      :",
        "Level,Date and Time,Source,Event ID,Task Category",
        "\"",
        ",",
        "\t",
        " ",
        "  ",
        "Product: X -- ",
        "Error 1920.",
        "12/31/2019",
        "31.12.2019",
        "午後",
        "오후",
        "PM",
        "0x",
        "7000",
        "1033",
        "status: 1603.",
        "İ",
        "ẞ",
        "日本語",
        "\u{3000}",
        "é",
        "&",
        "<",
        ">",
        "> ",
        "<br />",
        ":",
        "：",
        "。",
        ". ",
        "(",
        ")",
        "{1}",
        "%%1326",
        "\u{feff}",
    ];
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = String::new();
    for _ in 0..lines {
        let n = (x >> 60) as usize + 1;
        for _ in 0..n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.push_str(PIECES[(x >> 33) as usize % PIECES.len()]);
        }
        out.push('\n');
    }
    out
}

#[test]
fn arbitrary_text_never_panics_and_errors_name_their_line() {
    for seed in 0..300 {
        let text = noise(seed, 60);
        let (_, errors, _) = read(&text);
        for e in errors {
            assert!(
                matches!(e, SourceError::TextRecord { line, .. } if line >= 1),
                "{e}"
            );
        }
        let _ = detect_head(text.as_bytes(), TextEncoding::Utf8);
        let _ = crate::source::procmon::text::detect_head(text.as_bytes(), TextEncoding::Utf8);
        let _ = crate::source::procmon::text::ProcmonTextParser::new(
            text.as_bytes(),
            TextEncoding::Utf8,
            0,
            crate::source::procmon::CaptureSettings::default(),
        )
        .count();
        for line in text.lines() {
            let _ = date::read_date(line);
            let _ = message::identify(line);
            let _ = message::labelled_values(line);
        }
    }
    // Binary junk.
    let junk: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let n = EventTextReader::new(
        &junk[..],
        TextEncoding::Utf8,
        0,
        EventTextSettings::default(),
    )
    .count();
    assert!(n < 1000);
}
