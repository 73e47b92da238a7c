//! The theme: Tera templates and static files. The default theme is compiled into the binary,
//! so a site without a `themes/` folder still builds; files on disk override it by name, and
//! the site's own `templates/` override the theme.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::files::{self, Walked};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../themes/default/", $name)))),*]
    };
}

/// The default theme as shipped, relative to `themes/default/`.
const DEFAULT: &[(&str, &[u8])] = embed![
    "templates/base.html",
    "templates/home.html",
    "templates/place.html",
    "templates/page.html",
    "templates/404.html",
    "templates/macros.html",
    "templates/chart.html",
    "templates/map.html",
    "templates/indicators.html",
    "templates/indicator.html",
    "templates/sitemap.xml",
    "static/style.css",
    "theme.toml",
    "profile.typ",
    "i18n/en.toml",
    "i18n/es.toml",
    "static/favicon.svg",
    "static/search.js",
    "static/sort.js",
    "fonts/DejaVuSans.ttf",
    "fonts/DejaVuSans-Bold.ttf",
    "names/es.toml",
];

#[derive(Debug, Default)]
pub struct Theme {
    /// Template name (`place.html`) to its text.
    pub templates: BTreeMap<String, String>,
    /// Template name to the file it came from, for messages: `templates/place.html` (the
    /// site's own), `themes/default/templates/place.html`, or the built-in copy.
    pub origins: BTreeMap<String, String>,
    /// Path below the output root (`style.css`) to its bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// `theme.toml`: settings the code reads (chart style).
    pub settings: String,
    /// Fonts for images and documents rendered at build time (PNG charts, PDF profiles).
    pub fonts: BTreeMap<String, Vec<u8>>,
    /// The Typst template of the PDF profile.
    pub profile: String,
    /// The file it came from, for messages: `templates/profile.typ` (the site's own),
    /// `themes/default/profile.typ`, or the built-in copy.
    pub profile_origin: String,
    /// Interface strings by language code (`i18n/es.toml` under "es").
    pub i18n: BTreeMap<String, String>,
    /// Country names by language code, then ISO3 code (`names/es.toml`: "DEU" -> "Alemania").
    pub country_names: BTreeMap<String, BTreeMap<String, String>>,
}

impl Theme {
    /// The chart style of `theme.toml`.
    pub fn chart_style(&self) -> Result<crate::charts::ChartStyle, Error> {
        crate::charts::ChartStyle::from_theme_toml(&self.settings)
            .map_err(|message| Error::Template { name: "theme.toml".into(), message })
    }

    /// The built-in theme, the site's `themes/NAME/` over it, and the site's own `templates/`
    /// over both. Loaded with the site's files, so its problems are told with theirs.
    pub fn load(root: &Path, name: &str, diags: &mut Diagnostics) -> Option<Theme> {
        let errors_before = diags.errors().count();
        let mut theme = Theme::default();
        for (path, bytes) in DEFAULT {
            theme.add(path, bytes.to_vec(), &format!("the built-in theme's {path}"), diags);
        }
        let dir = format!("themes/{name}");
        if root.join(&dir).is_dir() {
            theme.add_dir(root, &dir, &["templates", "static", "fonts", "i18n", "names"], diags);
            for file in ["theme.toml", "profile.typ"] {
                let rel = format!("{dir}/{file}");
                if root.join(&rel).is_file() {
                    if let Some(bytes) = files::read_bytes(root, &rel, diags) {
                        theme.add(file, bytes, &rel, diags);
                    }
                }
            }
        } else if name != "default" {
            diags.push(
                Diagnostic::error(crate::config::FILE, format!("the theme \"{name}\" has no folder themes/{name}/"))
                    .help("use theme = \"default\" for the built-in theme, or create the folder"),
            );
        }
        theme.add_dir(root, "", &["templates"], diags);
        (diags.errors().count() == errors_before).then_some(theme)
    }

    /// The files of `base`'s sub-folders `subs` (`base` relative to the site's folder, "" for
    /// the site itself), added under their path below `base`.
    fn add_dir(&mut self, root: &Path, base: &str, subs: &[&str], diags: &mut Diagnostics) {
        for sub in subs {
            let dir = if base.is_empty() { sub.to_string() } else { format!("{base}/{sub}") };
            if !root.join(&dir).is_dir() {
                continue;
            }
            for walked in files::walk(root, &dir) {
                match walked {
                    Walked::File(rel) => {
                        let path = rel.strip_prefix(base).unwrap_or(&rel).trim_start_matches('/').to_string();
                        if let Some(bytes) = files::read_bytes(root, &rel, diags) {
                            self.add(&path, bytes, &rel, diags);
                        }
                    }
                    Walked::Folder(_) => {}
                    Walked::Problem(problem) => diags.push(problem),
                }
            }
        }
    }

    /// `origin`: the file as messages name it.
    fn add(&mut self, path: &str, bytes: Vec<u8>, origin: &str, diags: &mut Diagnostics) {
        let text = |bytes: Vec<u8>, diags: &mut Diagnostics| {
            String::from_utf8(bytes)
                .map_err(|_| {
                    diags.push(
                        Diagnostic::error(origin, "this file is not UTF-8 text")
                            .help("save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")"),
                    )
                })
                .ok()
        };
        if path == "profile.typ" || path == "templates/profile.typ" {
            if let Some(profile) = text(bytes, diags) {
                self.profile = profile;
                self.profile_origin = origin.to_string();
            }
        } else if let Some(name) = path.strip_prefix("templates/") {
            if let Some(template) = text(bytes, diags) {
                self.templates.insert(name.to_string(), template);
                self.origins.insert(name.to_string(), origin.to_string());
            }
        } else if let Some(name) = path.strip_prefix("static/") {
            self.statics.insert(name.to_string(), bytes);
        } else if let Some(name) = path.strip_prefix("fonts/") {
            if name.ends_with(".ttf") || name.ends_with(".otf") {
                self.fonts.insert(name.to_string(), bytes);
            }
        } else if let Some(code) = path.strip_prefix("i18n/").and_then(|n| n.strip_suffix(".toml")) {
            if let Some(strings) = text(bytes, diags) {
                self.i18n.insert(code.to_string(), strings);
            }
        } else if let Some(code) = path.strip_prefix("names/").and_then(|n| n.strip_suffix(".toml")) {
            if let Some(text) = text(bytes, diags) {
                match toml::from_str::<BTreeMap<String, String>>(&text) {
                    Ok(names) => {
                        self.country_names.insert(code.to_string(), names);
                    }
                    Err(err) => diags.push(files::toml_error(origin, &text, &err)),
                }
            }
        } else if path == "theme.toml" {
            if let Some(settings) = text(bytes, diags) {
                self.settings = settings;
            }
        }
    }
}
