//! Text put into HTML pages and SVG/XML files, escaped one way for both: the five characters
//! that could end a text or an attribute are written as the references XML and HTML5 share
//! (`&apos;` included), and the control characters XML cannot
//! hold at all, not even escaped, are left out (they carry no meaning in a label or a page).

/// `text` escaped for an HTML or XML text or quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(&mut out, text);
    out
}

/// [`escape`], appended to `out`.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_characters_become_references_and_control_characters_go() {
        assert_eq!(escape("Côte d'Ivoire & <b>\"x\"</b>"), "Côte d&apos;Ivoire &amp; &lt;b&gt;&quot;x&quot;&lt;/b&gt;");
        assert_eq!(escape("a\u{0}b\u{1b}c\td\ne"), "abc\td\ne");
    }
}
