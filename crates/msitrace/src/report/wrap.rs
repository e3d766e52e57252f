//! Word wrapping for the text report: a paragraph fitted to the terminal width, its continuation
//! lines indented under the first. Widths are display columns (`unicode-width`); ANSI colour
//! sequences the report adds itself take no room.

use unicode_width::UnicodeWidthChar;

/// Display width of `text`, not counting ANSI CSI sequences (`ESC [ ... m`).
pub fn width(text: &str) -> usize {
    let mut n = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // The report's own colours: ESC [ params final.
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) && c != '[' {
                    break;
                }
            }
            continue;
        }
        n += c.width().unwrap_or(0);
    }
    n
}

/// Wrap `text` (one paragraph) to `columns`: the first line starts with
/// `first`, the others with `rest`, both counted in the width. A word longer than a line is broken
/// where it must. Every line ends with `\n`; empty text gives the prefix alone.
///
/// ```
/// use msitrace::report::wrap::wrap;
/// assert_eq!(wrap("aaa bbb ccc", 9, "- ", "  "), "- aaa bbb\n  ccc\n");
/// assert_eq!(wrap("abcdefgh", 6, "> ", "  "), "> abcd\n  efgh\n");
/// ```
pub fn wrap(text: &str, columns: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut used = width(first);
    let mut at_start = true;
    // Splitting on single spaces keeps runs of spaces inside a line (an empty word is one more
    // space); at the start of a line they are dropped.
    for word in text.trim().split(' ') {
        if at_start && word.is_empty() {
            continue;
        }
        let w = width(word);
        if !at_start && used + 1 + w > columns && !word.is_empty() {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_string();
            used = width(rest);
            at_start = true;
        }
        if !at_start {
            line.push(' ');
            used += 1;
        }
        if used + w <= columns {
            line.push_str(word);
            used += w;
        } else {
            // Too long for any line: break it across lines.
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > columns && !at_start_of(&line, first, rest) {
                    out.push_str(line.trim_end());
                    out.push('\n');
                    line = rest.to_string();
                    used = width(rest);
                }
                line.push(c);
                used += cw;
            }
        }
        at_start = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// True when `line` holds nothing but its prefix.
fn at_start_of(line: &str, first: &str, rest: &str) -> bool {
    line == first || line == rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_fits_and_continuations_are_indented() {
        let text = "Error 1310. Error writing to file: C:\\Windows\\Temp\\x.tmp. Verify that you have access to that directory.";
        let out = wrap(text, 40, "  - ", "    ");
        for l in out.lines() {
            assert!(width(l) <= 40, "{l:?}");
        }
        assert!(out.starts_with("  - Error 1310."));
        assert!(out.lines().skip(1).all(|l| l.starts_with("    ")));
        let words: Vec<&str> = out.split_whitespace().filter(|w| *w != "-").collect();
        assert_eq!(words.join(" "), text, "nothing lost");
        assert_eq!(wrap("a.  b", 20, "", ""), "a.  b\n", "inner spaces kept");
    }

    #[test]
    fn a_long_path_is_broken_not_cut() {
        let path =
            "C:\\Users\\Administrator\\AppData\\Local\\Temp\\{F00D}\\really-long-file-name.msi";
        let out = wrap(path, 30, "", "  ");
        assert!(out.lines().all(|l| width(l) <= 30), "{out}");
        let joined: String = out.lines().map(str::trim_start).collect();
        assert_eq!(joined, path);
    }

    #[test]
    fn colour_takes_no_room() {
        assert_eq!(width("\x1b[1;31mERROR\x1b[0m"), 5);
        assert_eq!(
            wrap("\x1b[31mab\x1b[0m cd", 4, "", ""),
            "\x1b[31mab\x1b[0m\ncd\n"
        );
    }
}
