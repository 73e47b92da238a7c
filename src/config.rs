//! `config.toml`: the site's title, address and options. Every key has a default, so a site
//! needs only what differs.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics};

pub const FILE: &str = "config.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// The address the site is published at. Only standards that need an absolute URL use
    /// it; every link between pages stays relative.
    pub base_url: String,
    pub theme: String,
    /// The main language: its pages sit at the site root.
    pub language: String,
    /// The other languages, each with its pages under its code (`es/peru/`) and the site's
    /// title and description in it.
    pub languages: BTreeMap<String, LanguageConfig>,
    /// Who publishes the site, for the footer.
    pub publisher: String,
    /// The licence of the site's own text; data keep their sources' licences.
    pub licence: String,
    /// Raw HTML in narratives is shown as text unless this is true, as Hugo does by default.
    pub allow_html: bool,
    /// Data older than this many years draw a warning.
    pub stale_after_years: i32,
    /// Each chart also as a PNG download. Off makes builds of big sites much faster.
    pub chart_png: bool,
    /// A PDF profile of every place. Off for a fast preview.
    pub pdf: bool,
    /// A link-preview picture (1200 x 630 PNG) of every place, for social media.
    pub social_images: bool,
    /// The paper size of the PDF profiles.
    pub paper: Paper,
    /// The date of this edition of the profiles, shown on every PDF and page. No date is
    /// shown when it is left out: the build never reads the clock, so its output stays the
    /// same from one day to the next.
    pub published: Option<Published>,
    /// Places whose headline figures the home page shows first, by their file name
    /// (`featured = ["peru"]`).
    pub featured: Vec<String>,
    /// The indicator whose world map the home page shows (`home_map = "neonatal_mortality"`);
    /// when left out, the first headline indicator that has one.
    pub home_map: Option<String>,
    /// The first year time charts draw (or their series' first year, if later), so the
    /// recent trend fills the plot; tables and downloads keep every year.
    pub chart_start_year: i32,
    /// Values from fewer observations than this (a survey's `n`) are "few observations, use
    /// with caution"; an indicator's own `few_observations` in the catalogue overrides it.
    pub few_observations: u32,
}

/// A calendar date written `2026-11-30` in config.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Published {
    /// The date from `YYYY-MM-DD`, if it is one that exists.
    pub fn parse(text: &str) -> Option<Published> {
        let mut parts = text.trim().splitn(3, '-');
        let mut next = |len: usize| parts.next().filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()));
        let year: i32 = next(4)?.parse().ok()?;
        let month: u32 = next(2)?.parse().ok()?;
        let day: u32 = next(2)?.parse().ok()?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            1..=12 => 31,
            _ => return None,
        };
        (1..=days).contains(&day).then_some(Published { year, month, day })
    }

    /// `2026-11-30`, for machine-readable dates (`<time datetime>`, PDF metadata).
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Published {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Published, D::Error> {
        // A bare TOML date (published = 2026-11-30) and a quoted one both read.
        let value = toml::Value::deserialize(deserializer)?;
        let text = match &value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            other => other.to_string(),
        };
        Published::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "published = {text} is not a date; write the day this edition is published as year-month-day, e.g. published = \"2026-11-30\""
            ))
        })
    }
}

/// What the site says of itself in another language; left out, the main language's text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    pub licence: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    /// The name Typst's `page(paper: ...)` knows it by.
    pub fn typst_name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            title: "Health profiles".to_string(),
            description: String::new(),
            base_url: String::new(),
            theme: "default".to_string(),
            language: "en".to_string(),
            languages: BTreeMap::new(),
            publisher: String::new(),
            licence: String::new(),
            allow_html: false,
            stale_after_years: 10,
            chart_png: true,
            pdf: true,
            social_images: true,
            paper: Paper::A4,
            published: None,
            featured: Vec::new(),
            home_map: None,
            chart_start_year: 1990,
            few_observations: 50,
        }
    }
}

/// What to write as `base_url` (or `--base-url`).
pub const BASE_URL_HELP: &str = "write the full address the site will be published at, e.g. base_url = \"https://example.org/health/\"; leave it out if you do not know it yet (links between pages work without it, in any folder)";

/// Why `url` cannot be the site's address, if it cannot: it goes into the sitemap, feeds and
/// link previews as it is, so it must be a whole http(s) address with a host, and nothing a
/// page or XML file would have to escape.
pub fn base_url_problem(url: &str) -> Option<String> {
    if url.is_empty() {
        return None;
    }
    let shown = crate::diagnostic::printable(url);
    let lower = url.to_ascii_lowercase();
    let scheme = ["https://", "http://"].into_iter().find(|s| lower.starts_with(s));
    let Some(rest) = scheme.map(|s| &url[s.len()..]) else {
        return Some(format!("base_url \"{shown}\" is not a web address starting with https:// or http://"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return Some(format!("base_url \"{shown}\" has no host name after the //"));
    }
    if let Some(bad) =
        url.chars().find(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\'))
    {
        return Some(format!("base_url \"{shown}\" contains {}, which a web address cannot hold", describe_char(bad)));
    }
    None
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        c if c.is_control() || c.is_whitespace() => format!("the invisible character U+{:04X}", c as u32),
        c => format!("the character {c}"),
    }
}

impl Config {
    /// Reads `config.toml`; a site without one gets the defaults.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Config> {
        if !root.join(FILE).exists() {
            return Some(Config::default());
        }
        let (config, text) = crate::files::read_toml::<Config>(root, FILE, diags)?;
        if !crate::format::slugify(&config.theme).eq(&config.theme) {
            let at = text.find("theme").unwrap_or(0);
            diags.push(
                Diagnostic::error(FILE, format!("\"{}\" is not a theme folder name", config.theme))
                    .at(&text, at..at + 5)
                    .help("name a folder of themes/, e.g. theme = \"default\""),
            );
            return None;
        }
        if let Some(problem) = base_url_problem(&config.base_url) {
            let at = text.find("base_url").unwrap_or(0);
            diags.push(Diagnostic::error(FILE, problem).at(&text, at..at + 8).help(BASE_URL_HELP));
            return None;
        }
        if config.stale_after_years < 1 {
            let at = text.find("stale_after_years").unwrap_or(0);
            diags.push(
                Diagnostic::error(
                    FILE,
                    format!("stale_after_years = {} is not a number of years", config.stale_after_years),
                )
                .at(&text, at..at + 17)
                .help("write how old data may be before salud warns about them, e.g. stale_after_years = 10"),
            );
            return None;
        }
        if !(1800..=2100).contains(&config.chart_start_year) {
            let at = text.find("chart_start_year").unwrap_or(0);
            diags.push(
                Diagnostic::error(FILE, format!("chart_start_year = {} is not a plausible year", config.chart_start_year))
                    .at(&text, at..at + 16)
                    .help("write the first year time charts should show, e.g. chart_start_year = 1990 (tables and downloads keep every year)"),
            );
            return None;
        }
        for code in std::iter::once(&config.language).chain(config.languages.keys()) {
            let plain = code.len() >= 2
                && code.len() <= 8
                && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                && !code.starts_with('-');
            if !plain {
                let at =
                    text.find(&format!("\"{code}\"")).or_else(|| text.find(&format!("languages.{code}"))).unwrap_or(0);
                diags.push(
                    Diagnostic::error(FILE, format!("\"{code}\" is not a language code"))
                        .at(&text, at..at + code.len() + 2)
                        .help("use a lowercase code such as \"en\", \"es\" or \"pt-br\"; it becomes part of the pages' addresses"),
                );
                return None;
            }
        }
        if config.languages.contains_key(&config.language) {
            let at = text.find(&format!("languages.{}", config.language)).unwrap_or(0);
            diags.push(
                Diagnostic::error(
                    FILE,
                    format!("\"{}\" is the main language and also listed under [languages]", config.language),
                )
                .at(&text, at..at + 10 + config.language.len())
                .help("list only the other languages under [languages]; the main one is `language`"),
            );
            return None;
        }
        Some(config)
    }

    /// Every language of the site, the main one first.
    pub fn all_languages(&self) -> Vec<String> {
        std::iter::once(self.language.clone()).chain(self.languages.keys().cloned()).collect()
    }

    /// The config as readers of `lang` see it: title, description and licence translated.
    pub fn localized(&self, lang: &str) -> Config {
        let mut out = self.clone();
        if let Some(l) = self.languages.get(lang) {
            out.title = l.title.clone().unwrap_or(out.title);
            out.description = l.description.clone().unwrap_or(out.description);
            out.licence = l.licence.clone().unwrap_or(out.licence);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Published;

    #[test]
    fn published_dates_are_real_days() {
        assert_eq!(Published::parse("2026-11-30"), Some(Published { year: 2026, month: 11, day: 30 }));
        assert_eq!(Published::parse("2024-02-29").map(|d| d.iso()), Some("2024-02-29".to_string()));
        for bad in ["2025-02-29", "2026-13-01", "2026-4-1", "30/11/2026", "2026-11-31", "", "2026-11-30x"] {
            assert_eq!(Published::parse(bad), None, "{bad}");
        }
    }
}
