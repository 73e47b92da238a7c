//! Numbers and names as readers see them: values with the precision the source gave,
//! thousands separators, and URL-safe slugs.

/// Formats `value` with at most `max_decimals` decimals, and no more than the source had,
/// grouping thousands with commas ("1,234.5").
pub fn number(value: f64, max_decimals: usize) -> String {
    let text = round_half_up(&format!("{}", value.abs()), max_decimals);
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(text.len() + int.len() / 3 + 1);
    if value < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        grouped.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if let Some(frac) = frac {
        grouped.push('.');
        grouped.push_str(frac);
    }
    grouped
}

/// "a, b, c and 5 more": the first `n` items of a long list, for one-line messages.
pub fn first_few(items: &[String], n: usize) -> String {
    let shown = items.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        format!("{shown} and {} more", items.len() - n)
    } else {
        shown
    }
}

/// A file size as readers expect it: "840 bytes", "84 KB", "1.2 MB".
pub fn size(bytes: usize) -> String {
    match bytes {
        b if b < 1000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{} KB", (b + 500) / 1000),
        b => format!("{} MB", number(b as f64 / 1e6, 1)),
    }
}

/// Rounds a plain decimal text ("19.25") to `decimals` places, halves away from zero as
/// readers expect ("19.3"); binary rounding would give 19.2. Drops no digits it need not.
fn round_half_up(text: &str, decimals: usize) -> String {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() <= decimals {
        return text.to_string();
    }
    let round_up = frac.as_bytes()[decimals] >= b'5';
    let mut digits: Vec<u8> = format!("{int}{}", &frac[..decimals]).into_bytes();
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let digits = String::from_utf8(digits).expect("ASCII digits");
    let split = digits.len() - decimals;
    if decimals == 0 {
        digits
    } else {
        format!("{}.{}", &digits[..split], &digits[split..])
    }
}

/// Multiplies the decimal number written in `text` by 10^`power` by moving its decimal
/// point, so a unit conversion (per 1,000 to per 10,000) adds no floating-point noise.
pub fn shift_decimal(text: &str, power: u32) -> Option<String> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut frac = frac.to_string();
    while frac.len() < power as usize {
        frac.push('0');
    }
    let (moved, rest) = frac.split_at(power as usize);
    let int = format!("{int}{moved}");
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let rest = rest.trim_end_matches('0');
    let sign = if negative { "-" } else { "" };
    Some(if rest.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{rest}") })
}

/// A lowercase ASCII slug for URLs and file names: "Huánuco" -> "huanuco",
/// "Côte d'Ivoire" -> "cote-d-ivoire".
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    slug
}

/// Latin letters with diacritics, as found in place names, to their base letters.
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ą' => "a",
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Ā' | 'Ą' => "A",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'É' | 'È' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'í' | 'ì' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' | 'İ' => "I",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | 'ő' => "o",
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' | 'Ō' | 'Ő' => "O",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "U",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'Ś' | 'Š' | 'Ş' | 'Ș' => "S",
        'ž' | 'ź' | 'ż' => "z",
        'Ž' | 'Ź' | 'Ż' => "Z",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'ř' => "r",
        'ť' | 'ţ' | 'ț' => "t",
        'ď' => "d",
        'ł' => "l",
        'Ł' => "L",
        'ğ' => "g",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        _ => "",
    };
    let single = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(single)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_the_source_precision_up_to_the_limit() {
        assert_eq!(number(9.0, 1), "9");
        assert_eq!(number(21.9, 1), "21.9");
        assert_eq!(number(4.53341627, 1), "4.5");
        assert_eq!(number(56.1, 2), "56.1");
        assert_eq!(number(1234567.0, 0), "1,234,567");
        assert_eq!(number(-1234.25, 2), "-1,234.25");
        assert_eq!(number(-0.01, 0), "0");
        assert_eq!(number(999.96, 1), "1,000.0");
        assert_eq!(number(19.25, 1), "19.3");
        assert_eq!(number(0.05, 1), "0.1");
        assert_eq!(number(9.95, 1), "10.0");
        assert_eq!(number(2.5, 0), "3");
    }

    #[test]
    fn formatted_numbers_read_back_within_half_a_unit_of_their_last_digit() {
        let mut state: u64 = 42;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let magnitude = 10f64.powi((state % 9) as i32 - 3);
            let value = (state >> 11) as f64 / (1u64 << 53) as f64
                * magnitude
                * if state.is_multiple_of(5) { -1.0 } else { 1.0 };
            let decimals = (state % 4) as usize;
            let text = number(value, decimals);
            let back: f64 = text.replace(',', "").parse().unwrap_or_else(|_| panic!("{value} -> {text}"));
            let shown = text.split_once('.').map_or(0, |(_, f)| f.len());
            assert!(shown <= decimals, "{value} -> {text}");
            assert!((back - value).abs() <= 0.5 * 10f64.powi(-(shown as i32)) + 1e-9, "{value} -> {text}");
            let int_part = text.trim_start_matches('-').split('.').next().unwrap();
            assert!(int_part.split(',').skip(1).all(|g| g.len() == 3), "{text}");
        }
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size(840), "840 bytes");
        assert_eq!(size(84_400), "84 KB");
        assert_eq!(size(1_250_000), "1.3 MB");
    }

    #[test]
    fn decimal_shift_is_exact() {
        assert_eq!(shift_decimal("0.9472", 1).as_deref(), Some("9.472"));
        assert_eq!(shift_decimal("1.3084", 1).as_deref(), Some("13.084"));
        assert_eq!(shift_decimal("12", 1).as_deref(), Some("120"));
        assert_eq!(shift_decimal("0.05", 1).as_deref(), Some("0.5"));
        assert_eq!(shift_decimal("3.1", 2).as_deref(), Some("310"));
        assert_eq!(shift_decimal("-0.5", 1).as_deref(), Some("-5"));
        assert_eq!(shift_decimal("1e3", 1), None);
        assert_eq!(shift_decimal("", 1), None);
    }

    #[test]
    fn slugs_are_ascii_and_readable() {
        assert_eq!(slugify("Huánuco"), "huanuco");
        assert_eq!(slugify("Côte d'Ivoire"), "cote-d-ivoire");
        assert_eq!(slugify("  Madre de Dios "), "madre-de-dios");
        assert_eq!(slugify("Áncash"), "ancash");
        assert_eq!(slugify("São Tomé and Príncipe"), "sao-tome-and-principe");
        assert_eq!(slugify("../../etc"), "etc");
    }
}
