//! Escaping of untrusted log text for every markup the reports write: HTML, Markdown, Graphviz
//! DOT and Mermaid. Log text is attacker-controllable; every renderer passes it through here.
//!
//! Every escape first removes terminal control sequences whole ([`terminal`]), the way the text
//! report does, so that `ESC ] 0;title BEL` leaves nothing behind in any format.

/// Remove terminal control sequences whole from untrusted text: CSI sequences (`ESC [ ... m`, and
/// the one-character C1 CSI), OSC, DCS, APC and PM strings (`ESC ] ... BEL` or `... ESC \`, which
/// can set titles or write hyperlinks), other `ESC x` pairs, then every remaining control
/// character but newline and tab.
///
/// ```
/// use msitrace::report::escape::terminal;
/// assert_eq!(terminal("a\x1b]0;pwned\x07b\x1b[2J\x1b[31mc\nd"), "abc\nd");
/// ```
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']') | Some('P') | Some('_') | Some('^') => {
                    // OSC, DCS, APC, PM: up to BEL or ST (ESC \\).
                    while let Some(c) = chars.next() {
                        if c == '\x07' || c == '\u{9c}' {
                            break;
                        }
                        if c == '\x1b' {
                            if chars.peek() == Some(&'\\') {
                                chars.next();
                            }
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Skip the parameters and final byte of a CSI sequence.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) || c.is_control() {
            break;
        }
    }
}

/// Escape untrusted text for HTML text and attribute values: `& < > " '` as entities, control
/// characters removed (tabs and newlines kept).
///
/// ```
/// use msitrace::report::escape::html;
/// assert_eq!(html("<script>x='1'&\"</script>\x1b[2J"), "&lt;script&gt;x=&#39;1&#39;&amp;&quot;&lt;/script&gt;");
/// ```
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in terminal(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escape untrusted text for Markdown prose or a table cell: control characters removed (newlines
/// become spaces), ASCII punctuation backslash-escaped, `<`, `>`, `&` as HTML entities.
///
/// ```
/// use msitrace::report::escape::markdown;
/// assert_eq!(markdown("[a](http://x) <b>"), r"\[a\]\(http://x\) &lt;b&gt;");
/// ```
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in terminal(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            // `:` and `/` are left alone: escaping them does not stop autolinks and hurts paths.
            ':' | '/' | '.' | ',' | ';' | '?' | '@' | '=' | '%' | '$' | '"' | '\'' => out.push(c),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Untrusted text as an inline code span (nothing inside is interpreted): control characters
/// removed, `|` escaped for tables, delimited by more backticks than any run inside.
///
/// ```
/// use msitrace::report::escape::markdown_code_span;
/// assert_eq!(markdown_code_span("logs/a_b.log"), "`logs/a_b.log`");
/// assert_eq!(markdown_code_span("a`b|c"), "`` a`b\\|c ``");
/// ```
pub fn markdown_code_span(text: &str) -> String {
    let clean: String = terminal(text)
        .chars()
        .map(|c| {
            if c == '\n' || c == '\t' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .filter(|c| !c.is_control())
        .collect::<String>()
        .replace('|', "\\|");
    if clean.is_empty() {
        return String::new();
    }
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || clean.starts_with(' ') || clean.ends_with(' ') {
        format!("{fence} {clean} {fence}")
    } else {
        format!("{fence}{clean}{fence}")
    }
}

/// Escape untrusted text for a Graphviz DOT string: quotes and backslashes escaped, newlines as
/// `\n`, control characters as spaces.
pub fn dot(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in terminal(s).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escape untrusted text for a Mermaid label: quotes and angle brackets as Mermaid entities,
/// newlines as `<br/>`, control characters as spaces.
pub fn mermaid(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in terminal(s).chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '\n' => out.push_str("<br/>"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
