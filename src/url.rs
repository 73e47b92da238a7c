//! Which addresses may become a link or an image on a page. A site's text comes from many
//! hands (narratives, source lists, imported files); a `javascript:` address in any of them
//! would run in every reader's browser, so one rule decides for all of them.

/// The schemes a link may use; any other scheme (`javascript:`, `data:`, `vbscript:`, `file:`)
/// is refused.
pub const SAFE_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// True for a relative address (`../peru/`, `#data`, `report.pdf`) or an absolute one whose
/// scheme is http, https or mailto.
pub fn is_safe(url: &str) -> bool {
    // Browsers drop tabs, line breaks and leading control characters and spaces before they
    // read the scheme, so `java\tscript:` is `javascript:` to them: read it the same way.
    let cleaned: String =
        url.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).skip_while(|c| c.is_control() || *c == ' ').collect();
    match scheme(&cleaned) {
        None => true,
        Some(scheme) => SAFE_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)),
    }
}

/// The scheme of an absolute address: the letters before the first `:` when that `:` comes
/// before any `/`, `?` or `#` (otherwise the colon is part of a relative path or a fragment).
fn scheme(url: &str) -> Option<&str> {
    let end = url.find([':', '/', '?', '#'])?;
    if !url[end..].starts_with(':') {
        return None;
    }
    let candidate = &url[..end];
    let valid = candidate.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && candidate.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // Anything else before a colon ("notes 1:2.pdf") is a relative path to a browser.
    valid.then_some(candidate)
}

/// The help line for a refused address.
pub fn help() -> String {
    format!(
        "links may use {} addresses, or point inside the site (e.g. ../peru/); other schemes such as javascript: could run code in readers' browsers",
        SAFE_SCHEMES.map(|s| format!("{s}:")).join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::is_safe;

    #[test]
    fn web_and_mail_addresses_and_relative_paths_are_safe() {
        for url in [
            "https://data.who.int/",
            "HTTP://example.org",
            "mailto:info@example.org",
            "../peru/index.html",
            "#data",
            "report.pdf",
            "/about/",
            "?q=1",
            "a/b:c",
            "notes 1:2.pdf",
            "",
        ] {
            assert!(is_safe(url), "{url}");
        }
    }

    #[test]
    fn script_data_and_other_schemes_are_not() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "jav\nascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe(url), "{url:?}");
        }
    }
}
