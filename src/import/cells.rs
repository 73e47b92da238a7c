//! What a value cell of an imported file holds: a number, a mark for "no data", or something
//! salud will not guess at. Nothing is dropped without being counted or refused.

use crate::format::shift_decimal;

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Cell {
    /// A number, as plain decimal text (`1e3` becomes `1000`), so scaling stays exact.
    Number(String),
    /// Empty, or a publisher's mark for a missing value (`..`, `n/a`).
    NoData {
        empty: bool,
    },
    Bad {
        message: String,
        help: String,
    },
}

/// Marks publishers write where a value is missing (World Bank `..`, INEI `-`, pandas `NaN`),
/// compared without case.
const NO_DATA: &[&str] =
    &["..", "...", "…", "-", "–", "—", "n/a", "na", "n.a.", "nan", "null", "nd", "n.d.", "s/d", "s.d."];

/// Exponents beyond this are not health figures but a mistake (and `1e999999` would
/// otherwise be written out digit by digit).
const MAX_EXPONENT: i32 = 30;

pub(super) fn read_cell(raw: &str) -> Cell {
    let text = raw.trim();
    if text.is_empty() {
        return Cell::NoData { empty: true };
    }
    if NO_DATA.iter().any(|m| m.eq_ignore_ascii_case(text)) {
        return Cell::NoData { empty: false };
    }
    if let Some(plain) = plain_number(text) {
        return Cell::Number(plain);
    }
    if let Some(bad) = comma_number(text) {
        return bad;
    }
    let exponent = text.split_once(['e', 'E']).and_then(|(_, e)| e.parse::<i32>().ok());
    if exponent.is_some_and(|e| e.abs() > MAX_EXPONENT) {
        return Cell::Bad {
            message: format!("\"{text}\" is too large or too small to be a value"),
            help: "write the value as a plain number such as 12.5, and check that the file's unit is the one expected"
                .into(),
        };
    }
    Cell::Bad {
        message: format!("\"{text}\" is not a number"),
        help: "write the value as a plain number such as 12.5 (a point for decimals, no units or % signs), or leave the cell empty when there is no value".into(),
    }
}

/// `12.5`, `-3`, `+4`, `.5`, `1e3`, `2.5E-2` as plain decimal text.
fn plain_number(text: &str) -> Option<String> {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok().filter(|e| e.abs() <= MAX_EXPONENT)?),
        None => (text, 0),
    };
    let (negative, digits) = match mantissa.as_bytes().first()? {
        b'-' => (true, &mantissa[1..]),
        b'+' => (false, &mantissa[1..]),
        _ => (false, mantissa),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    // The decimal point moved by the exponent, then tidied (leading and trailing zeros).
    let all = format!("{int}{frac}");
    let point = int.len() as i64 + i64::from(exponent);
    let moved = if point <= 0 {
        format!("0.{}{all}", "0".repeat(point.unsigned_abs() as usize))
    } else if point as usize >= all.len() {
        format!("{all}{}", "0".repeat(point as usize - all.len()))
    } else {
        format!("{}.{}", &all[..point as usize], &all[point as usize..])
    };
    let tidy = shift_decimal(&moved, 0)?;
    Some(if negative && tidy != "0" { format!("-{tidy}") } else { tidy })
}

/// A number written with a comma, which salud refuses rather than guess at.
fn comma_number(text: &str) -> Option<Cell> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let groups: Vec<&str> = int.split(',').collect();
    if groups.len() < 2 || !(frac.is_empty() || digits(frac)) || !groups.iter().all(|g| digits(g)) {
        return None;
    }
    let thousands = groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    let joined = text.replace(',', "");
    let unambiguous = !frac.is_empty() || groups.len() > 2;
    Some(if thousands && unambiguous {
        Cell::Bad {
            message: format!("\"{text}\" has a comma between its thousands"),
            help: format!("write {joined}, without the thousands comma, and import again"),
        }
    } else if thousands {
        Cell::Bad {
            message: format!(
                "\"{text}\" has a comma, and salud cannot tell whether it separates thousands or decimals"
            ),
            help: format!(
                "write {joined} if the comma separates thousands, or {} if it is a decimal comma, and import again",
                text.replacen(',', ".", 1)
            ),
        }
    } else if groups.len() == 2 && frac.is_empty() {
        Cell::Bad {
            message: format!("\"{text}\" has a decimal comma"),
            help: format!("write {}, with a point for decimals, and import again", text.replacen(',', ".", 1)),
        }
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Option<String> {
        match read_cell(text) {
            Cell::Number(n) => Some(n),
            _ => None,
        }
    }

    #[test]
    fn numbers_in_any_plain_or_exponent_form() {
        let cases = [
            ("12.5", "12.5"),
            (" 7 ", "7"),
            ("-3.20", "-3.2"),
            ("+4", "4"),
            (".5", "0.5"),
            ("1.", "1"),
            ("1e3", "1000"),
            ("2.5E-2", "0.025"),
            ("-1.25e1", "-12.5"),
            ("8.6e-0", "8.6"),
            ("0e5", "0"),
            ("-0.0", "0"),
        ];
        for (text, plain) in cases {
            assert_eq!(number(text).as_deref(), Some(plain), "{text}");
        }
    }

    #[test]
    fn marks_of_no_data_are_not_numbers_nor_errors() {
        for mark in ["", "  ", "..", "n/a", "N/A", "NaN", "-", "na"] {
            assert!(matches!(read_cell(mark), Cell::NoData { .. }), "{mark:?}");
        }
        assert_eq!(read_cell(""), Cell::NoData { empty: true });
        assert_eq!(read_cell(".."), Cell::NoData { empty: false });
    }

    #[test]
    fn commas_and_other_text_are_refused_with_a_way_out() {
        let help = |text: &str| match read_cell(text) {
            Cell::Bad { help, .. } => help,
            other => panic!("{text}: {other:?}"),
        };
        assert!(help("1,234.5").starts_with("write 1234.5, without the thousands comma"));
        assert!(help("12,345,678").starts_with("write 12345678, without"));
        assert!(help("1,234").starts_with("write 1234 if the comma separates thousands, or 1.234 if"));
        assert!(help("8,8").starts_with("write 8.8, with a point"));
        for text in ["12%", "<5", "inf", "1e999", "1 234", "0x10", "1.2.3", "e5", "-", "1,2,3"] {
            assert!(!matches!(read_cell(text), Cell::Number(_)), "{text}");
        }
    }
}
