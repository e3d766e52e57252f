//! The words Event Viewer, `wevtutil` and the Event Viewer CSV export write in each Windows UI
//! language, as data: field labels (`Log Name:`, `Protokollname:`, `ログの名前:` ...), level names
//! (`Error`, `Fehler`, `エラー` ...), the morning/afternoon markers of 12-hour clocks, and the
//! words installer messages use for "Error" and "Warning".
//!
//! Labels are compared after [`fold`]: lower case, without spaces, dashes, dots, apostrophes and
//! markdown emphasis, so `Event ID`, `EventID`, `**Event ID:**` and `Ereignis-ID` read alike and a
//! copy re-typed by hand or re-wrapped by a forum still matches.
//!
//! Neighbours: [`super::date`] reads dates with [`MERIDIEM`]; the readers of each form look up
//! [`field_of`] and [`level_of`].

/// A Windows UI language the readers know the words of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// English.
    English,
    /// German.
    German,
    /// French.
    French,
    /// Spanish.
    Spanish,
    /// Portuguese (Brazil and Portugal).
    Portuguese,
    /// Italian.
    Italian,
    /// Russian.
    Russian,
    /// Chinese (Simplified and Traditional).
    Chinese,
    /// Japanese.
    Japanese,
    /// Korean.
    Korean,
    /// Dutch.
    Dutch,
    /// Polish.
    Polish,
}

impl Language {
    /// The language's English name, as the Inputs section shows it.
    pub fn name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::German => "German",
            Language::French => "French",
            Language::Spanish => "Spanish",
            Language::Portuguese => "Portuguese",
            Language::Italian => "Italian",
            Language::Russian => "Russian",
            Language::Chinese => "Chinese",
            Language::Japanese => "Japanese",
            Language::Korean => "Korean",
            Language::Dutch => "Dutch",
            Language::Polish => "Polish",
        }
    }

    /// Whether dates of this language's usual regional formats put the year first
    /// (`2016/08/30`, `2016-08-30 오후 5:21:37`).
    pub fn year_first(self) -> bool {
        matches!(
            self,
            Language::Chinese | Language::Japanese | Language::Korean
        )
    }

    /// Whether the usual regional formats of this language put the month before the day when the
    /// year comes last. Only English does (en-US), and English is also written day-first (en-GB,
    /// en-AU, en-IN): the readers never rely on it without a date that proves it.
    pub fn month_first(self) -> bool {
        self == Language::English
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A labelled field of an event as Event Viewer and `wevtutil` render it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `Log Name:` (the channel).
    LogName,
    /// `Source:` (the provider).
    Source,
    /// `Date:` (local date and time).
    Date,
    /// `Date and Time` (the column of the CSV export).
    DateAndTime,
    /// `Event ID:`.
    EventId,
    /// `Task Category:` (`Task:` in `wevtutil`).
    TaskCategory,
    /// `Level:`.
    Level,
    /// `Opcode:`.
    Opcode,
    /// `Keywords:` (`Keyword:` in `wevtutil`).
    Keywords,
    /// `User:` (an account name, or a SID in `wevtutil`).
    User,
    /// `User Name:` (`wevtutil`).
    UserName,
    /// `Computer:`.
    Computer,
    /// `Description:`: the message follows.
    Description,
    /// `Event Xml:`: the record's XML follows ("Copy details as text").
    EventXml,
}

use Field as F;
use Language as L;

/// Every label, per field and language. Several spellings of one label are listed where Windows
/// versions or regional variants differ (`Nome do Log` / `Nome do registo`).
pub const FIELD_LABELS: &[(Field, Language, &str)] = &[
    // English.
    (F::LogName, L::English, "Log Name"),
    (F::Source, L::English, "Source"),
    (F::Date, L::English, "Date"),
    (F::DateAndTime, L::English, "Date and Time"),
    (F::EventId, L::English, "Event ID"),
    (F::TaskCategory, L::English, "Task Category"),
    (F::TaskCategory, L::English, "Task"),
    (F::Level, L::English, "Level"),
    (F::Opcode, L::English, "Opcode"),
    (F::Keywords, L::English, "Keywords"),
    (F::Keywords, L::English, "Keyword"),
    (F::User, L::English, "User"),
    (F::UserName, L::English, "User Name"),
    (F::Computer, L::English, "Computer"),
    (F::Description, L::English, "Description"),
    (F::EventXml, L::English, "Event Xml"),
    // German.
    (F::LogName, L::German, "Protokollname"),
    (F::Source, L::German, "Quelle"),
    (F::Date, L::German, "Datum"),
    (F::DateAndTime, L::German, "Datum und Uhrzeit"),
    (F::EventId, L::German, "Ereignis-ID"),
    (F::TaskCategory, L::German, "Aufgabenkategorie"),
    (F::TaskCategory, L::German, "Aufgabe"),
    (F::Level, L::German, "Ebene"),
    (F::Level, L::German, "Stufe"),
    (F::Keywords, L::German, "Schlüsselwörter"),
    (F::Keywords, L::German, "Schlüsselwort"),
    (F::User, L::German, "Benutzer"),
    (F::UserName, L::German, "Benutzername"),
    (F::Computer, L::German, "Computer"),
    (F::Description, L::German, "Beschreibung"),
    (F::EventXml, L::German, "Ereignis-XML"),
    // French.
    (F::LogName, L::French, "Nom du journal"),
    (F::Source, L::French, "Source"),
    (F::Date, L::French, "Date"),
    (F::DateAndTime, L::French, "Date et heure"),
    (F::EventId, L::French, "ID de l'événement"),
    (F::EventId, L::French, "Identificateur de l'événement"),
    (F::TaskCategory, L::French, "Catégorie de la tâche"),
    (F::TaskCategory, L::French, "Catégorie de tâche"),
    (F::TaskCategory, L::French, "Tâche"),
    (F::Level, L::French, "Niveau"),
    (F::Opcode, L::French, "Code opération"),
    (F::Keywords, L::French, "Mots clés"),
    (F::Keywords, L::French, "Mot clé"),
    (F::User, L::French, "Utilisateur"),
    (F::UserName, L::French, "Nom d'utilisateur"),
    (F::Computer, L::French, "Ordinateur"),
    (F::Description, L::French, "Description"),
    (F::EventXml, L::French, "XML de l'événement"),
    // Spanish.
    (F::LogName, L::Spanish, "Nombre de registro"),
    (F::Source, L::Spanish, "Origen"),
    (F::Date, L::Spanish, "Fecha"),
    (F::DateAndTime, L::Spanish, "Fecha y hora"),
    (F::EventId, L::Spanish, "Id. del evento"),
    (F::EventId, L::Spanish, "Id. de evento"),
    (F::EventId, L::Spanish, "Identificador de evento"),
    (F::TaskCategory, L::Spanish, "Categoría de la tarea"),
    (F::TaskCategory, L::Spanish, "Categoría de tarea"),
    (F::TaskCategory, L::Spanish, "Tarea"),
    (F::Level, L::Spanish, "Nivel"),
    (F::Opcode, L::Spanish, "Código de operación"),
    (F::Keywords, L::Spanish, "Palabras clave"),
    (F::Keywords, L::Spanish, "Palabra clave"),
    (F::User, L::Spanish, "Usuario"),
    (F::UserName, L::Spanish, "Nombre de usuario"),
    (F::Computer, L::Spanish, "Equipo"),
    (F::Description, L::Spanish, "Descripción"),
    (F::EventXml, L::Spanish, "XML del evento"),
    // Portuguese.
    (F::LogName, L::Portuguese, "Nome do Log"),
    (F::LogName, L::Portuguese, "Nome do registo"),
    (F::Source, L::Portuguese, "Fonte"),
    (F::Source, L::Portuguese, "Origem"),
    (F::Date, L::Portuguese, "Data"),
    (F::DateAndTime, L::Portuguese, "Data e Hora"),
    (F::EventId, L::Portuguese, "Identificação do Evento"),
    (F::EventId, L::Portuguese, "ID do Evento"),
    (F::TaskCategory, L::Portuguese, "Categoria da Tarefa"),
    (F::TaskCategory, L::Portuguese, "Tarefa"),
    (F::Level, L::Portuguese, "Nível"),
    (F::Opcode, L::Portuguese, "Código de operação"),
    (F::Keywords, L::Portuguese, "Palavras-chave"),
    (F::Keywords, L::Portuguese, "Palavra-chave"),
    (F::User, L::Portuguese, "Usuário"),
    (F::User, L::Portuguese, "Utilizador"),
    (F::UserName, L::Portuguese, "Nome de usuário"),
    (F::Computer, L::Portuguese, "Computador"),
    (F::Description, L::Portuguese, "Descrição"),
    (F::EventXml, L::Portuguese, "Xml do Evento"),
    // Italian.
    (F::LogName, L::Italian, "Nome registro"),
    (F::Source, L::Italian, "Origine"),
    (F::Date, L::Italian, "Data"),
    (F::DateAndTime, L::Italian, "Data e ora"),
    (F::EventId, L::Italian, "ID evento"),
    (F::TaskCategory, L::Italian, "Categoria attività"),
    (F::TaskCategory, L::Italian, "Attività"),
    (F::Level, L::Italian, "Livello"),
    (F::Opcode, L::Italian, "Codice operativo"),
    (F::Keywords, L::Italian, "Parole chiave"),
    (F::Keywords, L::Italian, "Parola chiave"),
    (F::User, L::Italian, "Utente"),
    (F::UserName, L::Italian, "Nome utente"),
    (F::Computer, L::Italian, "Computer"),
    (F::Description, L::Italian, "Descrizione"),
    (F::EventXml, L::Italian, "XML evento"),
    // Russian.
    (F::LogName, L::Russian, "Имя журнала"),
    (F::Source, L::Russian, "Источник"),
    (F::Date, L::Russian, "Дата"),
    (F::DateAndTime, L::Russian, "Дата и время"),
    (F::EventId, L::Russian, "Код события"),
    (F::EventId, L::Russian, "Идентификатор события"),
    (F::TaskCategory, L::Russian, "Категория задачи"),
    (F::TaskCategory, L::Russian, "Категория задач"),
    (F::TaskCategory, L::Russian, "Задача"),
    (F::Level, L::Russian, "Уровень"),
    (F::Opcode, L::Russian, "Код операции"),
    (F::Keywords, L::Russian, "Ключевые слова"),
    (F::Keywords, L::Russian, "Ключевое слово"),
    (F::User, L::Russian, "Пользователь"),
    (F::UserName, L::Russian, "Имя пользователя"),
    (F::Computer, L::Russian, "Компьютер"),
    (F::Description, L::Russian, "Описание"),
    (F::EventXml, L::Russian, "XML-код события"),
    (F::EventXml, L::Russian, "XML события"),
    // Chinese (Simplified, then Traditional).
    (F::LogName, L::Chinese, "日志名称"),
    (F::Source, L::Chinese, "来源"),
    (F::Date, L::Chinese, "日期"),
    (F::DateAndTime, L::Chinese, "日期和时间"),
    (F::EventId, L::Chinese, "事件 ID"),
    (F::TaskCategory, L::Chinese, "任务类别"),
    (F::TaskCategory, L::Chinese, "任务"),
    (F::Level, L::Chinese, "级别"),
    (F::Opcode, L::Chinese, "操作代码"),
    (F::Keywords, L::Chinese, "关键字"),
    (F::User, L::Chinese, "用户"),
    (F::UserName, L::Chinese, "用户名"),
    (F::Computer, L::Chinese, "计算机"),
    (F::Description, L::Chinese, "描述"),
    (F::EventXml, L::Chinese, "事件 Xml"),
    (F::LogName, L::Chinese, "記錄檔名稱"),
    (F::Source, L::Chinese, "來源"),
    (F::DateAndTime, L::Chinese, "日期和時間"),
    (F::EventId, L::Chinese, "事件識別碼"),
    (F::TaskCategory, L::Chinese, "工作類別"),
    (F::Level, L::Chinese, "層級"),
    (F::Keywords, L::Chinese, "關鍵字"),
    (F::User, L::Chinese, "使用者"),
    (F::Computer, L::Chinese, "電腦"),
    // Japanese.
    (F::LogName, L::Japanese, "ログの名前"),
    (F::Source, L::Japanese, "ソース"),
    (F::Date, L::Japanese, "日付"),
    (F::DateAndTime, L::Japanese, "日付と時刻"),
    (F::EventId, L::Japanese, "イベント ID"),
    (F::TaskCategory, L::Japanese, "タスクのカテゴリ"),
    (F::TaskCategory, L::Japanese, "タスク"),
    (F::Level, L::Japanese, "レベル"),
    (F::Opcode, L::Japanese, "オペコード"),
    (F::Keywords, L::Japanese, "キーワード"),
    (F::User, L::Japanese, "ユーザー"),
    (F::UserName, L::Japanese, "ユーザー名"),
    (F::Computer, L::Japanese, "コンピューター"),
    (F::Computer, L::Japanese, "コンピュータ"),
    (F::Description, L::Japanese, "説明"),
    (F::EventXml, L::Japanese, "イベント XML"),
    // Korean.
    (F::LogName, L::Korean, "로그 이름"),
    (F::Source, L::Korean, "원본"),
    (F::Date, L::Korean, "날짜"),
    (F::DateAndTime, L::Korean, "날짜 및 시간"),
    (F::EventId, L::Korean, "이벤트 ID"),
    (F::TaskCategory, L::Korean, "작업 범주"),
    (F::TaskCategory, L::Korean, "작업"),
    (F::Level, L::Korean, "수준"),
    (F::Keywords, L::Korean, "키워드"),
    (F::User, L::Korean, "사용자"),
    (F::UserName, L::Korean, "사용자 이름"),
    (F::Computer, L::Korean, "컴퓨터"),
    (F::Description, L::Korean, "설명"),
    (F::EventXml, L::Korean, "이벤트 XML"),
    // Dutch.
    (F::LogName, L::Dutch, "Logboeknaam"),
    (F::Source, L::Dutch, "Bron"),
    (F::Date, L::Dutch, "Datum"),
    (F::DateAndTime, L::Dutch, "Datum en tijd"),
    (F::EventId, L::Dutch, "Gebeurtenis-id"),
    (F::TaskCategory, L::Dutch, "Taakcategorie"),
    (F::TaskCategory, L::Dutch, "Taak"),
    (F::Level, L::Dutch, "Niveau"),
    (F::Keywords, L::Dutch, "Trefwoorden"),
    (F::User, L::Dutch, "Gebruiker"),
    (F::UserName, L::Dutch, "Gebruikersnaam"),
    (F::Computer, L::Dutch, "Computer"),
    (F::Description, L::Dutch, "Beschrijving"),
    (F::EventXml, L::Dutch, "Gebeurtenis-XML"),
    // Polish.
    (F::LogName, L::Polish, "Nazwa dziennika"),
    (F::Source, L::Polish, "Źródło"),
    (F::Date, L::Polish, "Data"),
    (F::DateAndTime, L::Polish, "Data i godzina"),
    (F::EventId, L::Polish, "Identyfikator zdarzenia"),
    (F::TaskCategory, L::Polish, "Kategoria zadania"),
    (F::TaskCategory, L::Polish, "Zadanie"),
    (F::Level, L::Polish, "Poziom"),
    (F::Opcode, L::Polish, "Kod operacji"),
    (F::Keywords, L::Polish, "Słowa kluczowe"),
    (F::User, L::Polish, "Użytkownik"),
    (F::UserName, L::Polish, "Nazwa użytkownika"),
    (F::Computer, L::Polish, "Komputer"),
    (F::Description, L::Polish, "Opis"),
    (F::EventXml, L::Polish, "Kod XML zdarzenia"),
];

/// Level names per language: (language, name, level as in the XML `<Level>`).
pub const LEVEL_NAMES: &[(Language, &str, u8)] = &[
    (L::English, "Critical", 1),
    (L::English, "Error", 2),
    (L::English, "Warning", 3),
    (L::English, "Information", 4),
    (L::English, "Verbose", 5),
    (L::German, "Kritisch", 1),
    (L::German, "Fehler", 2),
    (L::German, "Warnung", 3),
    (L::German, "Informationen", 4),
    (L::German, "Ausführlich", 5),
    (L::French, "Critique", 1),
    (L::French, "Erreur", 2),
    (L::French, "Avertissement", 3),
    (L::French, "Informations", 4),
    (L::French, "Commentaires", 5),
    (L::Spanish, "Crítico", 1),
    (L::Spanish, "Advertencia", 3),
    (L::Spanish, "Información", 4),
    (L::Spanish, "Detallado", 5),
    (L::Portuguese, "Crítico", 1),
    (L::Portuguese, "Erro", 2),
    (L::Portuguese, "Aviso", 3),
    (L::Portuguese, "Informações", 4),
    (L::Portuguese, "Informação", 4),
    (L::Portuguese, "Detalhado", 5),
    (L::Italian, "Critico", 1),
    (L::Italian, "Errore", 2),
    (L::Italian, "Avviso", 3),
    (L::Italian, "Informazioni", 4),
    (L::Italian, "Dettagliato", 5),
    (L::Russian, "Критический", 1),
    (L::Russian, "Критическая ошибка", 1),
    (L::Russian, "Ошибка", 2),
    (L::Russian, "Предупреждение", 3),
    (L::Russian, "Сведения", 4),
    (L::Russian, "Информация", 4),
    (L::Russian, "Подробности", 5),
    (L::Chinese, "关键", 1),
    (L::Chinese, "严重", 1),
    (L::Chinese, "错误", 2),
    (L::Chinese, "錯誤", 2),
    (L::Chinese, "信息", 4),
    (L::Chinese, "資訊", 4),
    (L::Chinese, "详细", 5),
    (L::Chinese, "詳細資料", 5),
    (L::Japanese, "重大", 1),
    (L::Japanese, "エラー", 2),
    (L::Japanese, "警告", 3),
    (L::Japanese, "情報", 4),
    (L::Japanese, "詳細", 5),
    (L::Korean, "위험", 1),
    (L::Korean, "오류", 2),
    (L::Korean, "경고", 3),
    (L::Korean, "정보", 4),
    (L::Korean, "자세한 정보", 5),
    (L::Dutch, "Kritiek", 1),
    (L::Dutch, "Fout", 2),
    (L::Dutch, "Waarschuwing", 3),
    (L::Dutch, "Informatie", 4),
    (L::Dutch, "Uitgebreid", 5),
    (L::Polish, "Krytyczny", 1),
    (L::Polish, "Błąd", 2),
    (L::Polish, "Ostrzeżenie", 3),
    (L::Polish, "Informacje", 4),
    (L::Polish, "Pełne", 5),
];

/// Morning and afternoon markers of 12-hour clocks: (marker, true for the afternoon). Longer
/// spellings come before their prefixes.
pub const MERIDIEM: &[(&str, bool)] = &[
    ("a. m.", false),
    ("p. m.", true),
    ("a.m.", false),
    ("p.m.", true),
    ("AM", false),
    ("PM", true),
    ("午前", false),
    ("午後", true),
    ("오전", false),
    ("오후", true),
    ("上午", false),
    ("下午", true),
    ("vorm.", false),
    ("nachm.", true),
    ("ДП", false),
    ("ПП", true),
    ("πμ", false),
    ("μμ", true),
];

/// The words installer messages put before an error number (`Error 1935.`, `Fehler 1935.`,
/// `エラー 1935。`), in every language above.
pub const ERROR_WORDS: &[&str] = &[
    "Error",
    "Fehler",
    "Erreur",
    "Erro",
    "Errore",
    "Ошибка",
    "错误",
    "錯誤",
    "エラー",
    "오류",
    "Fout",
    "Błąd",
];

/// The words installer messages put before a warning number (`Warning 1909.`).
pub const WARNING_WORDS: &[&str] = &[
    "Warning",
    "Warnung",
    "Avertissement",
    "Advertencia",
    "Aviso",
    "Avviso",
    "Предупреждение",
    "警告",
    "경고",
    "Waarschuwing",
    "Ostrzeżenie",
];

/// The channel a provider's records are written to, for forms that do not name the log (the CSV
/// export, `Get-WinEvent` without `LogName`).
pub const CHANNEL_OF_PROVIDER: &[(&str, &str)] = &[
    ("MsiInstaller", "Application"),
    ("Application Error", "Application"),
    ("Application Hang", "Application"),
    ("Windows Error Reporting", "Application"),
    (".NET Runtime", "Application"),
    ("SideBySide", "Application"),
    ("Microsoft-Windows-RestartManager", "Application"),
    ("Service Control Manager", "System"),
    ("Microsoft-Windows-WindowsUpdateClient", "System"),
    (
        "Microsoft-Windows-AppLocker",
        "Microsoft-Windows-AppLocker/EXE and DLL",
    ),
    (
        "Microsoft-Windows-CodeIntegrity",
        "Microsoft-Windows-CodeIntegrity/Operational",
    ),
    (
        "Microsoft-Windows-Windows Defender",
        "Microsoft-Windows-Windows Defender/Operational",
    ),
];

/// A label or level name folded for comparison: lower case, without white space, dashes, dots,
/// apostrophes, markdown emphasis and the colon.
///
/// ```
/// use msitrace::source::eventtext::labels::fold;
/// assert_eq!(fold("**Event ID:**"), fold("EventID"));
/// assert_eq!(fold("ID de l’événement"), fold("ID de l'événement"));
/// ```
pub fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '-' | '.' | '\'' | '’' | '*' | '_' | ':' | '：' | '\u{feff}' | '`'
                )
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The labels folded once: folded label → (field, languages writing it).
fn folded_labels() -> &'static std::collections::HashMap<String, (Field, Vec<Language>)> {
    static LABELS: std::sync::OnceLock<std::collections::HashMap<String, (Field, Vec<Language>)>> =
        std::sync::OnceLock::new();
    LABELS.get_or_init(|| {
        let mut map: std::collections::HashMap<String, (Field, Vec<Language>)> =
            std::collections::HashMap::new();
        for (field, lang, label) in FIELD_LABELS {
            let entry = map.entry(fold(label)).or_insert((*field, Vec::new()));
            if !entry.1.contains(lang) {
                entry.1.push(*lang);
            }
        }
        map
    })
}

/// The level names folded once: folded name → (level, languages writing it).
fn folded_levels() -> &'static std::collections::HashMap<String, (u8, Vec<Language>)> {
    static LEVELS: std::sync::OnceLock<std::collections::HashMap<String, (u8, Vec<Language>)>> =
        std::sync::OnceLock::new();
    LEVELS.get_or_init(|| {
        let mut map: std::collections::HashMap<String, (u8, Vec<Language>)> =
            std::collections::HashMap::new();
        for (lang, name, level) in LEVEL_NAMES {
            let entry = map.entry(fold(name)).or_insert((*level, Vec::new()));
            entry.1.push(*lang);
        }
        // "Error" and "Information" are also Spanish and French words.
        if let Some(e) = map.get_mut("error") {
            e.1.push(L::Spanish);
        }
        if let Some(e) = map.get_mut("information") {
            e.1.push(L::French);
        }
        map
    })
}

/// The field a label names, with the language it is written in. Labels several languages share
/// (`Source`, `Computer`, `Data`) answer with the first language listed; [`languages_of`] gives
/// all of them.
pub fn field_of(label: &str) -> Option<(Field, Language)> {
    if label.len() > 160 {
        return None;
    }
    folded_labels()
        .get(&fold(label))
        .map(|(field, langs)| (*field, langs[0]))
}

/// The field a label names and every language writing it that way, in one look-up.
pub fn lookup(label: &str) -> Option<(Field, &'static [Language])> {
    if label.len() > 160 {
        return None;
    }
    folded_labels()
        .get(&fold(label))
        .map(|(field, langs)| (*field, langs.as_slice()))
}

/// Every language that writes this label.
pub fn languages_of(label: &str) -> Vec<Language> {
    if label.len() > 160 {
        return Vec::new();
    }
    folded_labels()
        .get(&fold(label))
        .map(|(_, langs)| langs.clone())
        .unwrap_or_default()
}

/// The level a level name stands for (a number is read as written), with the languages writing
/// it that way.
///
/// ```
/// use msitrace::source::eventtext::labels::level_of;
/// assert_eq!(level_of("Fehler").map(|l| l.0), Some(2));
/// assert_eq!(level_of("情報").map(|l| l.0), Some(4));
/// assert_eq!(level_of("3").map(|l| l.0), Some(3));
/// ```
pub fn level_of(name: &str) -> Option<(u8, Vec<Language>)> {
    let t = name.trim();
    if let Ok(n) = t.parse::<u8>() {
        return Some((n, Vec::new()));
    }
    if t.len() > 80 {
        return None;
    }
    folded_levels().get(&fold(t)).cloned()
}

/// The channel a provider's records go to, when the copy does not say.
pub fn channel_of(provider: &str) -> Option<&'static str> {
    CHANNEL_OF_PROVIDER
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(provider))
        .map(|(_, c)| *c)
}

/// The provider name the records carry, for the display name a copy shows: Event Viewer shows
/// `RestartManager` for `Microsoft-Windows-RestartManager` and `Windows Defender` for
/// `Microsoft-Windows-Windows Defender`.
///
/// ```
/// use msitrace::source::eventtext::labels::provider_name;
/// assert_eq!(provider_name("RestartManager"), "Microsoft-Windows-RestartManager");
/// assert_eq!(provider_name("MsiInstaller"), "MsiInstaller");
/// ```
pub fn provider_name(shown: &str) -> String {
    let shown = shown.trim();
    if crate::event::meaning::is_provider_of_interest(shown) {
        return shown.to_string();
    }
    let long = format!("Microsoft-Windows-{shown}");
    if crate::event::meaning::is_provider_of_interest(&long) {
        return crate::event::meaning::PROVIDERS_OF_INTEREST
            .iter()
            .find(|p| p.eq_ignore_ascii_case(&long))
            .map_or(long, |p| p.to_string());
    }
    shown.to_string()
}

/// True when `word` is an installer's word for "Error" in one of the languages.
pub fn is_error_word(word: &str) -> bool {
    ERROR_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
        || ERROR_WORDS.iter().any(|w| fold(w) == fold(word))
}

/// True when `word` is an installer's word for "Warning" in one of the languages.
pub fn is_warning_word(word: &str) -> bool {
    WARNING_WORDS.iter().any(|w| fold(w) == fold(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_of_every_language_is_found() {
        for (field, lang, label) in FIELD_LABELS {
            let (f, _) = field_of(label).unwrap_or_else(|| panic!("{label}"));
            assert_eq!(f, *field, "{label}");
            assert!(languages_of(label).contains(lang), "{label}");
        }
    }

    #[test]
    fn no_label_names_two_fields() {
        for (field, _, label) in FIELD_LABELS {
            for (other, _, l2) in FIELD_LABELS {
                if fold(label) == fold(l2) {
                    assert_eq!(field, other, "{label} / {l2}");
                }
            }
        }
    }

    #[test]
    fn labels_are_matched_leniently() {
        assert_eq!(
            field_of("Ereignis-ID").unwrap(),
            (Field::EventId, L::German)
        );
        assert_eq!(field_of("**Event ID**").unwrap().0, Field::EventId);
        assert_eq!(field_of("イベント ID").unwrap().1, L::Japanese);
        assert_eq!(field_of("ID de l’événement").unwrap().1, L::French);
        assert!(field_of("Service").is_none());
    }

    #[test]
    fn levels_in_every_language() {
        for (_, name, level) in LEVEL_NAMES {
            assert_eq!(level_of(name).unwrap().0, *level, "{name}");
        }
        assert_eq!(level_of("ERROR").unwrap().0, 2);
        assert!(level_of("Classic").is_none());
    }

    #[test]
    fn error_words() {
        assert!(is_error_word("Fehler"));
        assert!(is_error_word("エラー"));
        assert!(!is_error_word("Warning"));
        assert!(is_warning_word("Warnung"));
    }
}
