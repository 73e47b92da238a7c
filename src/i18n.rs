//! Languages: the interface strings of the theme (`i18n/en.toml`, `i18n/es.toml`), how each
//! language writes numbers, and where its pages go. Data and narratives carry their own
//! translations; this module holds only what the theme says around them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Error;

/// How a language writes numbers: "1,234.5" in English, "1 234,5" in Spanish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberFormat {
    pub decimal: String,
    pub group: String,
    /// The fewest digits before the decimal mark that get grouped: 4 groups "1,234"; 5 (the
    /// Spanish academies' rule) leaves "1234" whole and writes "12 345".
    pub group_min: usize,
}

impl Default for NumberFormat {
    fn default() -> NumberFormat {
        NumberFormat { decimal: ".".into(), group: ",".into(), group_min: 4 }
    }
}

impl NumberFormat {
    /// Rewrites a number formatted the English way ("-1,234.5") in this format.
    pub fn apply(&self, english: &str) -> String {
        if *self == NumberFormat::default() {
            return english.to_string();
        }
        let (sign, digits) = english.strip_prefix('-').map_or(("", english), |d| ("-", d));
        let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
        let int: String = int.chars().filter(|c| *c != ',').collect();
        let mut out = String::with_capacity(english.len() + 4);
        out.push_str(sign);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && int.len() >= self.group_min && (int.len() - i).is_multiple_of(3) {
                out.push_str(&self.group);
            }
            out.push(c);
        }
        if let Some(frac) = frac {
            out.push_str(&self.decimal);
            out.push_str(frac);
        }
        out
    }
}

/// One language of the site, as the renderers need it.
#[derive(Debug, Clone)]
pub struct Locale {
    /// The code in `lang` attributes and URLs: "es".
    pub code: String,
    /// The language's name in itself, for the switcher: "Español".
    pub name: String,
    /// Where its pages go below the site root: "" for the site's main language, "es/".
    pub prefix: String,
    /// The code of the site's main language, in which authors write what they do not translate.
    pub main: String,
    pub numbers: NumberFormat,
    /// The theme's strings for this language over the main language's, so a string the
    /// translation lacks still reads (in the main language) rather than showing a key.
    pub strings: toml::Table,
}

impl Locale {
    /// `files`: the theme's `i18n/*.toml` texts by language code. `main` is the site's main
    /// language, whose strings back up every other.
    pub fn load(files: &BTreeMap<String, String>, code: &str, main: &str) -> Result<Locale, Error> {
        let parse = |lang: &str| -> Result<toml::Table, Error> {
            let name = format!("i18n/{lang}.toml");
            let text = files.get(lang).ok_or_else(|| Error::Template {
                name: name.clone(),
                message: format!(
                    "the theme has no strings for the language \"{lang}\"; add themes/THEME/i18n/{lang}.toml (copy en.toml and translate it) or remove \"{lang}\" from config.toml"
                ),
            })?;
            toml::from_str(text).map_err(|e| Error::Template { name, message: e.to_string() })
        };
        let mut strings =
            if files.contains_key("en") && main != "en" && code != "en" { parse("en")? } else { toml::Table::new() };
        merge(&mut strings, parse(main)?);
        if code != main {
            merge(&mut strings, parse(code)?);
        }
        let numbers = match strings.get("number") {
            Some(toml::Value::Table(n)) => NumberFormat {
                decimal: n.get("decimal").and_then(|v| v.as_str()).unwrap_or(".").to_string(),
                group: n.get("group").and_then(|v| v.as_str()).unwrap_or(",").to_string(),
                group_min: n.get("group_min").and_then(|v| v.as_integer()).map_or(4, |v| v.max(1) as usize),
            },
            _ => NumberFormat::default(),
        };
        Ok(Locale {
            code: code.to_string(),
            name: strings.get("language_name").and_then(|v| v.as_str()).unwrap_or(code).to_string(),
            prefix: if code == main { String::new() } else { format!("{code}/") },
            main: main.to_string(),
            numbers,
            strings,
        })
    }

    /// The string at a dotted key ("chart.source"); the built-in English one when the theme
    /// lacks it (a theme's own en.toml, copied before salud added the key: notes salud writes
    /// must never read as a key); the key itself when neither has it.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        static BUILT_IN: std::sync::OnceLock<toml::Table> = std::sync::OnceLock::new();
        lookup(&self.strings, key)
            .or_else(|| lookup(BUILT_IN.get_or_init(|| toml::from_str(DEFAULT_EN).unwrap_or_default()), key))
            .unwrap_or(key)
    }

    /// A data term (a world region, a qualifier) in this language: `table.name`, or the
    /// term as the data wrote it when the theme does not translate it.
    pub fn term<'a>(&'a self, table: &str, name: &'a str) -> &'a str {
        match self.strings.get(table) {
            Some(toml::Value::Table(t)) => t.get(name).and_then(|v| v.as_str()).unwrap_or(name),
            _ => name,
        }
    }

    /// The string at `key` with its `{name}` placeholders filled.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// A value with at most `decimals` decimals, written this language's way.
    pub fn number(&self, value: f64, decimals: usize) -> String {
        let text = crate::format::number(value, decimals);
        // A positive value too small for the decimals shown is not zero: "<0.1", never "0.0".
        if value > 0.0 && !text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            let smallest = if decimals == 0 { "1".to_string() } else { format!("0.{}1", "0".repeat(decimals - 1)) };
            return self.numbers.apply(&format!("<{smallest}"));
        }
        self.numbers.apply(&text)
    }

    /// "30 November 2026", "30 de noviembre de 2026".
    pub fn date(&self, date: &crate::config::Published) -> String {
        let month = self
            .strings
            .get("months")
            .and_then(|m| m.as_array())
            .and_then(|m| m.get(date.month as usize - 1))
            .and_then(|m| m.as_str())
            .map_or_else(|| format!("{:02}", date.month), str::to_string);
        self.fill("date", &[("day", &date.day.to_string()), ("month", &month), ("year", &date.year.to_string())])
    }

    /// "A, B and C" with this language's word for "and".
    pub fn list(&self, items: &[String]) -> String {
        match items.len() {
            0 => String::new(),
            1 => items[0].clone(),
            n => format!("{} {} {}", items[..n - 1].join(", "), self.t("and"), items[n - 1]),
        }
    }
}

impl Default for Locale {
    /// English as the built-in theme writes it; for code that runs without a theme (tests).
    fn default() -> Locale {
        let files = BTreeMap::from([("en".to_string(), DEFAULT_EN.to_string())]);
        Locale::load(&files, "en", "en").expect("the built-in English strings parse")
    }
}

const DEFAULT_EN: &str = include_str!("../themes/default/i18n/en.toml");

/// The string at a dotted key of `strings`.
fn lookup<'a>(strings: &'a toml::Table, key: &str) -> Option<&'a str> {
    let mut value: Option<&toml::Value> = None;
    let mut table = strings;
    for part in key.split('.') {
        value = table.get(part);
        match value {
            Some(toml::Value::Table(t)) => table = t,
            _ => break,
        }
    }
    value.and_then(|v| v.as_str())
}

/// Keys of `over` replace those of `base`, table by table.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Dotted keys of `main` that `other` lacks: strings a translation has not caught up with.
pub fn missing_keys(main: &toml::Table, other: &toml::Table) -> Vec<String> {
    let mut missing = Vec::new();
    let empty = toml::Table::new();
    for (key, value) in main {
        match (value, other.get(key)) {
            (toml::Value::Table(m), o) => {
                let o = match o {
                    Some(toml::Value::Table(o)) => o,
                    _ => &empty,
                };
                missing.extend(missing_keys(m, o).into_iter().map(|k| format!("{key}.{k}")));
            }
            (_, None) => missing.push(key.clone()),
            _ => {}
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spanish() -> NumberFormat {
        NumberFormat { decimal: ",".into(), group: "\u{a0}".into(), group_min: 5 }
    }

    #[test]
    fn spanish_numbers_use_a_decimal_comma_and_group_from_five_digits() {
        let es = spanish();
        assert_eq!(es.apply("21.9"), "21,9");
        assert_eq!(es.apply("1,234.5"), "1234,5");
        assert_eq!(es.apply("12,345"), "12\u{a0}345");
        assert_eq!(es.apply("-1,234,567.25"), "-1\u{a0}234\u{a0}567,25");
        assert_eq!(NumberFormat::default().apply("1,234.5"), "1,234.5");
    }

    #[test]
    fn a_number_survives_the_round_trip_through_any_format() {
        let es = spanish();
        for english in ["0", "7.25", "999", "1,000", "12,345.678", "-0.5", "100,000,000"] {
            let back = es.apply(english).replace('\u{a0}', "").replace(',', ".");
            assert_eq!(back, english.replace(',', ""), "{english}");
        }
    }

    #[test]
    fn strings_fall_back_to_the_main_language() {
        let files = BTreeMap::from([
            ("en".to_string(), "and = \"and\"\n[home]\nplaces = \"Places\"\ncount = \"{n} places\"\n".to_string()),
            ("es".to_string(), "language_name = \"Español\"\n[home]\nplaces = \"Lugares\"\n".to_string()),
        ]);
        let es = Locale::load(&files, "es", "en").unwrap();
        assert_eq!(es.t("home.places"), "Lugares");
        assert_eq!(es.fill("home.count", &[("n", "3")]), "3 places");
        assert_eq!(es.t("home.nothing"), "home.nothing");
        // A key the theme's files lack reads in the built-in English, never as the key.
        assert_eq!(es.t("note.multiplied"), "The source's values multiplied by {factor}.");
        assert_eq!((es.name.as_str(), es.prefix.as_str()), ("Español", "es/"));
        let en = Locale::load(&files, "en", "en").unwrap();
        assert_eq!(en.list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
        assert_eq!(missing_keys(&en.strings, &toml::from_str(&files["es"]).unwrap()), ["and", "home.count"]);
        assert_eq!(missing_keys(&en.strings, &toml::Table::new()), ["and", "home.count", "home.places"]);
        assert!(Locale::load(&files, "fr", "en").unwrap_err().to_string().contains("i18n/fr.toml"));
    }
}
