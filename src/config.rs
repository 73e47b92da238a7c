//! `config.toml`: the site's title, address and options. Every key has a default, so a site
//! needs only what differs.

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
    pub language: String,
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
    /// The paper size of the PDF profiles.
    pub paper: Paper,
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
            publisher: String::new(),
            licence: String::new(),
            allow_html: false,
            stale_after_years: 10,
            chart_png: true,
            pdf: true,
            paper: Paper::A4,
        }
    }
}

impl Config {
    /// Reads `config.toml`; a site without one gets the defaults.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Config> {
        if !root.join(FILE).exists() {
            return Some(Config::default());
        }
        let (config, text) = crate::data::read_toml::<Config>(root, FILE, diags)?;
        if !crate::format::slugify(&config.theme).eq(&config.theme) {
            let at = text.find("theme").unwrap_or(0);
            diags.push(
                Diagnostic::error(FILE, format!("\"{}\" is not a theme folder name", config.theme))
                    .at(&text, at..at + 5)
                    .help("name a folder of themes/, e.g. theme = \"default\""),
            );
            return None;
        }
        Some(config)
    }
}
