//! Searching text for an ASCII word in any ASCII case.

/// Where `needle` (ASCII, lower case) first occurs in `text`, ignoring ASCII case: no lower-cased
/// copy of the text.
pub fn find_ignoring_case(text: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    let first = n.first()?;
    let bytes = text.as_bytes();
    memchr::memchr2_iter(*first, first.to_ascii_uppercase(), bytes).find(|&i| {
        bytes
            .get(i..i + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

#[cfg(test)]
mod tests {
    use super::find_ignoring_case;

    #[test]
    fn finds_in_any_ascii_case_and_only_whole_needles() {
        assert_eq!(
            find_ignoring_case("The Error Code Is 5", "error code is "),
            Some(4)
        );
        assert_eq!(find_ignoring_case("error code i", "error code is "), None);
        assert_eq!(find_ignoring_case("Größe: ERROR", "error"), Some(9));
        assert_eq!(find_ignoring_case("no match", "error"), None);
    }
}
