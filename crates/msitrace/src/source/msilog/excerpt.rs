//! What a person's copy of an MSI log adds in front of its lines, removed before a line is read:
//! markdown quote markers (`> `), indentation (a code block, a quoted e-mail), and the
//! message-type prefixes an external or embedded installer UI writes when it logs the messages
//! it is handed (`Info: `, `ActionStart: `, `CommonData: `, ...).
//!
//! | decoration | example | read as |
//! |---|---|---|
//! | quote markers | `> > MSI (s) (18:F4) [12:02:17:898]: Note: 1: 2203` | the engine line |
//! | indentation | `    Action ended 12:02:18: InstallFinalize. Return value 3.` | the action line |
//! | UI message type | `Info: Action ended 15:10:08: INSTALL. Return value 3.` | the action line |
//!
//! The line's own text stays as written (evidence cites it); only the reading starts after the
//! decoration ([`undecorate`] says where).

/// The message types an external UI handler is given (`INSTALLMESSAGE_*`), as such handlers
/// (WiX Burn's embedded UI, WixSharp, InstallShield's setup.exe, custom bootstrappers) prefix
/// the lines they log.
const UI_PREFIXES: &[&str] = &[
    "Info: ",
    "CommonData: ",
    "ActionStart: ",
    "ActionData: ",
    "InstallStart: ",
    "InstallEnd: ",
    "Error: ",
    "Warning: ",
    "User: ",
    "OutOfDiskSpace: ",
    "FatalExit: ",
    "FilesInUse: ",
    "RMFilesInUse: ",
    "ResolveSource: ",
    "ShowDialog: ",
    "Progress: ",
    "Initialize: ",
    "Terminate: ",
];

/// What was found in front of a line's own text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decoration {
    /// Bytes in front of the line's own text.
    pub len: usize,
    /// Markdown quote markers (`>`) were removed.
    pub quoted: bool,
    /// Leading spaces or tabs were removed.
    pub indented: bool,
    /// A UI message-type prefix (`Info: `) was removed.
    pub ui_prefix: bool,
}

/// Where a line's own text starts, and what was in front of it.
///
/// ```
/// use msitrace::source::msilog::undecorate;
/// let line = "> Info: Action ended 15:10:08: INSTALL. Return value 3.";
/// let d = undecorate(line);
/// assert_eq!(&line[d.len..], "Action ended 15:10:08: INSTALL. Return value 3.");
/// assert!(d.quoted && d.ui_prefix && !d.indented);
/// assert_eq!(undecorate("MSI (s) (18:F4) [12:02:17:898]: x").len, 0);
/// ```
pub fn undecorate(line: &str) -> Decoration {
    let b = line.as_bytes();
    let mut d = Decoration::default();
    // Nearly every line of a log as written starts with the engine prefix.
    if b.starts_with(b"MSI (") {
        return d;
    }
    let mut i = 0;
    loop {
        let start = i;
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if i > start {
            d.indented = true;
        }
        if b.get(i) == Some(&b'>') {
            d.quoted = true;
            i += 1;
            continue;
        }
        break;
    }
    // Indentation before a quote marker is the quote's; only a bare indentation counts.
    if d.quoted {
        d.indented = false;
    }
    let rest = &line[i..];
    if let Some(p) = UI_PREFIXES.iter().find(|p| rest.starts_with(**p)) {
        d.ui_prefix = true;
        i += p.len();
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    d.len = i;
    d
}

/// Shortest and longest width a copy's lines are taken to be cut at.
const WRAP_WIDTHS: std::ops::RangeInclusive<usize> = 60..=250;

/// The width a copy's lines were cut at (a console, a mail client, a ticket form), learnt from
/// the lines themselves: the longest length met, once two lines have it.
#[derive(Debug, Default)]
pub(super) struct WrapWidth {
    max: usize,
    at_max: u32,
    /// The last line seen filled the width: the next one may be its rest.
    pub(super) last_full: bool,
}

impl WrapWidth {
    /// See one line.
    pub(super) fn see(&mut self, line: &str) {
        // A line has at most as many characters as bytes: one shorter in bytes than the longest
        // met changes nothing, and once the longest is beyond every width no line can fill one
        // (the longest only grows). Verbose logs get there within a few lines, so most lines are
        // not counted.
        if line.len() < self.max || self.max > *WRAP_WIDTHS.end() {
            self.last_full = false;
            return;
        }
        let len = if line.len() < *WRAP_WIDTHS.start() {
            line.len()
        } else {
            line.chars().count()
        };
        match len.cmp(&self.max) {
            std::cmp::Ordering::Greater => {
                self.max = len;
                self.at_max = 1;
            }
            std::cmp::Ordering::Equal => self.at_max += 1,
            std::cmp::Ordering::Less => {}
        }
        self.last_full = len == self.max && self.at_max >= 2 && WRAP_WIDTHS.contains(&len);
    }
}

/// Counts of the decorations and scrubbed parts met in one log, for the notes of the Inputs
/// section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ExcerptTally {
    pub(super) quoted: u64,
    pub(super) indented: u64,
    pub(super) ui_prefix: u64,
    /// Engine lines whose process ids were scrubbed (`MSI (s)  Note: …`).
    pub(super) scrubbed_ids: u64,
    /// Engine lines.
    pub(super) engine: u64,
    /// Engine lines with a time of day.
    pub(super) engine_timed: u64,
    /// Log boundaries (`=== Verbose logging started …`).
    pub(super) boundaries: u64,
    /// Lines with a known shape.
    pub(super) shaped: u64,
    /// Lines cut at a fixed width, read joined with the line after them.
    pub(super) wrapped: u64,
}

impl ExcerptTally {
    /// Count one line's decoration.
    pub(super) fn decoration(&mut self, d: Decoration) {
        self.quoted += u64::from(d.quoted);
        self.indented += u64::from(d.indented);
        self.ui_prefix += u64::from(d.ui_prefix);
    }

    /// Where the reading was lenient, one note each.
    pub(super) fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let lines = |n: u64| format!("{n} line{}", if n == 1 { "" } else { "s" });
        if self.shaped > 0 && self.boundaries == 0 {
            notes.push("an excerpt without its header: the date is not known".to_string());
        }
        if self.quoted > 0 {
            notes.push(format!(
                "quote markers ('>') removed from {}",
                lines(self.quoted)
            ));
        }
        if self.indented > 0 {
            notes.push(format!("indentation removed from {}", lines(self.indented)));
        }
        if self.ui_prefix > 0 {
            notes.push(format!(
                "message-type prefixes of an installer UI (Info:, ActionStart:, ...) read on {}",
                lines(self.ui_prefix)
            ));
        }
        if self.scrubbed_ids > 0 {
            notes.push(format!(
                "process ids scrubbed on {}: lines not tied to a process",
                lines(self.scrubbed_ids)
            ));
        }
        if self.engine > 0 && self.engine_timed == 0 {
            notes.push("timestamps scrubbed: order taken from the file".to_string());
        }
        if self.wrapped > 0 {
            notes.push(format!(
                "{} cut at a fixed width read joined with the next",
                lines(self.wrapped)
            ));
        }
        notes
    }

    /// How the Inputs section names the form, when the log is not a whole verbose log.
    pub(super) fn form(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.shaped > 0 && self.boundaries == 0 {
            parts.push("no header");
        }
        if self.quoted > 0 {
            parts.push("quoted");
        }
        if self.indented > 0 {
            parts.push("indented");
        }
        if self.ui_prefix > 0 {
            parts.push("as logged by an installer UI");
        }
        if self.scrubbed_ids > 0 || (self.engine > 0 && self.engine_timed == 0) {
            parts.push("scrubbed");
        }
        if self.wrapped > 0 {
            parts.push("hard-wrapped");
        }
        (!parts.is_empty()).then(|| format!("Windows Installer log excerpt ({})", parts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_width_skips_only_lines_that_cannot_fill_it() {
        // Every line measured, as before lines were skipped by their length in bytes.
        fn counted(max: &mut usize, at_max: &mut u32, line: &str) -> bool {
            let len = if line.len() < *WRAP_WIDTHS.start() {
                line.len()
            } else {
                line.chars().count()
            };
            match len.cmp(max) {
                std::cmp::Ordering::Greater => (*max, *at_max) = (len, 1),
                std::cmp::Ordering::Equal => *at_max += 1,
                std::cmp::Ordering::Less => {}
            }
            len == *max && *at_max >= 2 && WRAP_WIDTHS.contains(&len)
        }
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        let mut fulls = 0;
        for round in 0..200 {
            let (mut max, mut at_max) = (0, 0);
            let mut wrap = WrapWidth::default();
            for _ in 0..60 {
                // Widths around the cut widths (beyond them in odd rounds), some characters of
                // two and three bytes.
                let widths = [40, 59, 60, 80, 120, 250, 251, 400];
                let len = widths[next(6 + 2 * (round % 2) as u64)] - next(3);
                let line: String = (0..len)
                    .map(|_| ['a', 'é', '中'][if next(6) == 0 { 1 + next(2) } else { 0 }])
                    .collect();
                wrap.see(&line);
                let expected = counted(&mut max, &mut at_max, &line);
                assert_eq!(wrap.last_full, expected, "round {round}: {} chars", len);
                fulls += usize::from(expected);
            }
        }
        assert!(fulls > 0, "no line filled a width");
        let mut wrap = WrapWidth::default();
        for _ in 0..2 {
            wrap.see(&"x".repeat(80));
        }
        assert!(wrap.last_full);
        wrap.see(&"x".repeat(300));
        wrap.see(&"x".repeat(80));
        assert!(!wrap.last_full, "a width beyond every cut width is no cut");
    }

    #[test]
    fn markdown_quotes_nested_and_indented() {
        let line = "  > > Action start 12:00:00: X.";
        let d = undecorate(line);
        assert_eq!(&line[d.len..], "Action start 12:00:00: X.");
        assert!(d.quoted && !d.indented && !d.ui_prefix);
    }

    #[test]
    fn indentation_of_a_code_block() {
        let line = "\t    MSI (s) (18:F4) [12:02:17:898]: Note: 1: 2203";
        let d = undecorate(line);
        assert_eq!(
            &line[d.len..],
            "MSI (s) (18:F4) [12:02:17:898]: Note: 1: 2203"
        );
        assert!(d.indented && !d.quoted);
    }

    #[test]
    fn every_ui_message_type() {
        for p in UI_PREFIXES {
            let line = format!("{p}Action start 12:00:00: X.");
            let d = undecorate(&line);
            assert_eq!(&line[d.len..], "Action start 12:00:00: X.", "{p}");
            assert!(d.ui_prefix);
        }
    }

    #[test]
    fn a_plain_line_is_left_alone() {
        for line in [
            "Action start 12:00:00: X.",
            "Error 1935. x",
            "DEBUG: Error 2826",
            "",
        ] {
            assert_eq!(undecorate(line), Decoration::default(), "{line}");
        }
    }

    #[test]
    fn notes_and_form() {
        let t = ExcerptTally {
            quoted: 2,
            engine: 3,
            shaped: 3,
            ..Default::default()
        };
        let notes = t.notes();
        assert!(notes.contains(&"timestamps scrubbed: order taken from the file".to_string()));
        assert!(notes.iter().any(|n| n.starts_with("quote markers")));
        assert_eq!(
            t.form().as_deref(),
            Some("Windows Installer log excerpt (no header, quoted, scrubbed)")
        );
        assert!(ExcerptTally {
            boundaries: 1,
            shaped: 10,
            engine: 10,
            engine_timed: 10,
            ..Default::default()
        }
        .form()
        .is_none());
    }
}
