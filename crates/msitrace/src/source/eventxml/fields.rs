//! The grammar of one `<Event>`'s content (the table in [`super`]), as a builder fed element by
//! element: by the XML reader of an export or of a rendered EVTX record ([`super::parse_record_xml`])
//! and by the EVTX source's direct BinXML decoder, so both read a record the same way.

use super::{RecordFields, MAX_DATA_ITEMS, MAX_TEXT};
use crate::event::EventData;

/// The attributes [`EventBuilder::start`] reads (by local name); any other is never asked for.
pub(crate) const ATTRIBUTES_READ: &[&str] = &[
    "Name",
    "EventSourceName",
    "Qualifiers",
    "SystemTime",
    "ProcessID",
    "ThreadID",
    "UserID",
];

/// Where the reader is inside one `<Event>`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Other,
    System,
    EventData,
    UserData,
    Rendering,
}

/// The fields of one `<Event>` being read, and where the reader is in it.
pub(crate) struct EventBuilder {
    f: RecordFields,
    /// Depth inside `<Event>` (its children are depth 1).
    depth: usize,
    section: Section,
    text: String,
    /// Whether text now belongs to the element last opened.
    collecting: bool,
    /// Whether the element last opened keeps its text (see [`Self::end_element`]).
    used: bool,
    data_name: Option<String>,
    /// Inside `<EventData><Data>`: a `<Data>` never holds elements, so markup there is text an
    /// author typed (`root\ccm\Policy\<SID>` in a quoted export) and is kept as written.
    in_data: bool,
}

impl EventBuilder {
    /// Start reading after `<Event>`.
    pub(crate) fn new() -> Self {
        EventBuilder {
            f: RecordFields::default(),
            depth: 0,
            section: Section::Other,
            text: String::with_capacity(256),
            collecting: false,
            used: false,
            data_name: None,
            in_data: false,
        }
    }

    /// Whether an element opening now is text of a `<Data>` (the caller adds it as markup).
    pub(crate) fn start_is_data_text(&self) -> bool {
        self.in_data && self.collecting && self.text.len() < MAX_TEXT
    }

    /// Whether the end of element `name` now is text of a `<Data>`.
    pub(crate) fn end_is_data_text(&self, name: &[u8]) -> bool {
        self.in_data && name != b"Data" && self.text.len() < MAX_TEXT
    }

    /// Add markup of a `<Data>` as text.
    pub(crate) fn push_markup(&mut self, markup: &str) {
        self.text.push_str(markup);
    }

    /// Whether text now is read (the XML reader decodes it, and fails on a bad reference).
    pub(crate) fn takes_text(&self) -> bool {
        self.collecting && self.text.len() < MAX_TEXT
    }

    /// Whether text now is kept: read, and of an element whose text makes a field.
    pub(crate) fn keeps_text(&self) -> bool {
        self.used && self.takes_text()
    }

    /// Whether `extra` more bytes of text would reach the bound of text kept per element.
    pub(crate) fn text_reaches_bound(&self, extra: usize) -> bool {
        self.text.len() + extra >= MAX_TEXT
    }

    /// Add text (kept only where [`Self::takes_text`]).
    pub(crate) fn push_text(&mut self, text: &str) {
        if self.keeps_text() {
            self.text.push_str(text);
        }
    }

    /// An element opens (local `name`; `attr` finds an attribute's value by its local name).
    pub(crate) fn start<E>(
        &mut self,
        name: &[u8],
        attr: impl FnMut(&[u8]) -> Result<Option<String>, E>,
    ) -> Result<(), E> {
        self.depth += 1;
        self.in_data = self.section == Section::EventData && self.depth == 2 && name == b"Data";
        self.text.clear();
        self.collecting = true;
        // The elements whose text `end_element` reads; any other's is never kept.
        self.used = matches!(
            (self.section, self.depth, name),
            (
                Section::System,
                2,
                b"EventID" | b"Level" | b"EventRecordID" | b"Channel" | b"Computer"
            ) | (Section::EventData, 2, b"Data" | b"Binary")
                | (Section::Rendering, 2, b"Message")
        ) || (self.section == Section::UserData && self.depth >= 3);
        if self.depth == 1 {
            self.section = match name {
                b"System" => Section::System,
                b"EventData" => Section::EventData,
                b"UserData" => Section::UserData,
                b"RenderingInfo" => Section::Rendering,
                _ => Section::Other,
            };
            self.collecting = false;
            Ok(())
        } else {
            self.start_element(self.depth, name, attr)
        }
    }

    /// An empty element (`<Name .../>`).
    pub(crate) fn empty<E>(
        &mut self,
        name: &[u8],
        attr: impl FnMut(&[u8]) -> Result<Option<String>, E>,
    ) -> Result<(), E> {
        if self.depth >= 1 {
            self.start_element(self.depth + 1, name, attr)?;
            self.end_element(self.depth + 1, name, false);
        }
        Ok(())
    }

    /// An element ends; `true` at the end of `<Event>`.
    pub(crate) fn end(&mut self, name: &[u8]) -> bool {
        if self.depth == 0 {
            return true;
        }
        if self.depth >= 2 {
            self.end_element(self.depth, name, true);
        } else {
            self.section = Section::Other;
        }
        self.text.clear();
        self.collecting = false;
        self.in_data = false;
        self.depth -= 1;
        false
    }

    /// The fields read.
    pub(crate) fn finish(self) -> RecordFields {
        self.f
    }

    /// Attributes of an element opening at `depth`.
    fn start_element<E>(
        &mut self,
        depth: usize,
        name: &[u8],
        mut attr: impl FnMut(&[u8]) -> Result<Option<String>, E>,
    ) -> Result<(), E> {
        let mut attr = |n: &[u8]| {
            debug_assert!(ATTRIBUTES_READ.iter().any(|a| a.as_bytes() == n));
            attr(n)
        };
        let f = &mut self.f;
        let u32_of = |v: Option<String>| v.and_then(|v| v.trim().parse().ok());
        match (self.section, depth, name) {
            (Section::System, 2, b"Provider") => {
                if let Some(n) = attr(b"Name")? {
                    f.record.provider = n;
                } else if let Some(n) = attr(b"EventSourceName")? {
                    f.record.provider = n;
                }
            }
            (Section::System, 2, b"EventID") => f.record.qualifiers = u32_of(attr(b"Qualifiers")?),
            (Section::System, 2, b"TimeCreated") => f.time = attr(b"SystemTime")?,
            (Section::System, 2, b"Execution") => {
                f.pid = u32_of(attr(b"ProcessID")?);
                f.tid = u32_of(attr(b"ThreadID")?);
            }
            (Section::System, 2, b"Security") => f.record.user_sid = attr(b"UserID")?,
            (Section::EventData, 2, b"Data") => self.data_name = attr(b"Name")?,
            _ => {}
        }
        Ok(())
    }

    /// The end of an element at `depth`, with the text read (`with_text`) or none.
    fn end_element(&mut self, depth: usize, name: &[u8], with_text: bool) {
        let text = if with_text { self.text.as_str() } else { "" };
        let r = &mut self.f.record;
        match (self.section, depth, name) {
            (Section::System, 2, b"EventID") => r.event_id = text.trim().parse().unwrap_or(0),
            (Section::System, 2, b"Level") => r.level = text.trim().parse().unwrap_or(0),
            (Section::System, 2, b"EventRecordID") => self.f.record_id = text.trim().parse().ok(),
            (Section::System, 2, b"Channel") => r.channel = text.to_string(),
            (Section::System, 2, b"Computer") => r.computer = Some(text.to_string()),
            (Section::EventData, 2, b"Data") if r.data.len() < MAX_DATA_ITEMS => {
                r.data.push(EventData {
                    name: self.data_name.take(),
                    value: (text != "(NULL)").then(|| text.to_string()),
                });
            }
            (Section::EventData, 2, b"Binary") => {
                r.binary = (!text.is_empty()).then(|| text.to_string())
            }
            (Section::UserData, d, _)
                if d >= 3 && !text.trim().is_empty() && r.data.len() < MAX_DATA_ITEMS =>
            {
                // Leaf elements of the provider's UserData element become named data.
                r.data.push(EventData {
                    name: Some(String::from_utf8_lossy(name).into_owned()),
                    value: (text != "(NULL)").then(|| text.to_string()),
                });
            }
            (Section::Rendering, 2, b"Message") => r.message = Some(text.to_string()),
            _ => {}
        }
    }
}
