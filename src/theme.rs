//! The theme: Tera templates and static files. The default theme is compiled into the binary,
//! so a site without a `themes/` folder still builds; files on disk override it by name, and
//! the site's own `templates/` override the theme.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Error;
use crate::output::Output;

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
    "templates/indicators.html",
    "templates/sitemap.xml",
    "static/style.css",
    "theme.toml",
    "profile.typ",
    "i18n/en.toml",
    "i18n/es.toml",
    "static/favicon.svg",
    "static/search.js",
    "fonts/DejaVuSans.ttf",
    "fonts/DejaVuSans-Bold.ttf",
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
}

impl Theme {
    /// The chart style of `theme.toml`.
    pub fn chart_style(&self) -> Result<crate::charts::ChartStyle, Error> {
        crate::charts::ChartStyle::from_theme_toml(&self.settings)
            .map_err(|message| Error::Template { name: "theme.toml".into(), message })
    }

    /// The theme's strings for `code`, backed by the site's `main` language.
    pub fn locale(&self, code: &str, main: &str) -> Result<crate::i18n::Locale, Error> {
        crate::i18n::Locale::load(&self.i18n, code, main)
    }

    pub fn load(root: &Path, name: &str) -> Result<Theme, Error> {
        let mut theme = Theme::default();
        for (path, bytes) in DEFAULT {
            theme.add(path, bytes.to_vec(), &format!("the built-in theme's {path}"))?;
        }
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            theme.add_dir(&dir, "", &format!("themes/{name}/"))?;
        } else if name != "default" {
            return Err(Error::Template {
                name: format!("themes/{name}/"),
                message: format!(
                    "config.toml names the theme \"{name}\", but there is no such folder (use theme = \"default\" for the built-in theme)"
                ),
            });
        }
        theme.add_dir(root, "templates", "")?;
        Ok(theme)
    }

    /// `shown`: how messages name `base` ("themes/default/", or "" for the site itself).
    fn add_dir(&mut self, base: &Path, only: &str, shown: &str) -> Result<(), Error> {
        let mut files = Output::default();
        for sub in ["templates", "static", "fonts", "i18n"] {
            if only.is_empty() || only == sub {
                crate::output::copy_tree(&base.join(sub), &format!("{sub}/"), &mut files)
                    .map_err(|e| Error::io(&base.join(sub), e))?;
            }
        }
        for (path, bytes) in files.files {
            self.add(&path, bytes, &format!("{shown}{path}"))?;
        }
        for file in ["theme.toml", "profile.typ"] {
            if only.is_empty() && base.join(file).is_file() {
                let text = std::fs::read(base.join(file)).map_err(|e| Error::io(&base.join(file), e))?;
                self.add(file, text, &format!("{shown}{file}"))?;
            }
        }
        Ok(())
    }

    fn add(&mut self, path: &str, bytes: Vec<u8>, origin: &str) -> Result<(), Error> {
        if path == "profile.typ" || path == "templates/profile.typ" {
            self.profile = String::from_utf8(bytes).map_err(|_| Error::Template {
                name: origin.to_string(),
                message: "the file is not UTF-8 text".into(),
            })?;
            self.profile_origin = origin.to_string();
        } else if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8(bytes).map_err(|_| Error::Template {
                name: name.to_string(),
                message: "the file is not UTF-8 text".into(),
            })?;
            self.templates.insert(name.to_string(), text);
            self.origins.insert(name.to_string(), origin.to_string());
        } else if let Some(name) = path.strip_prefix("static/") {
            self.statics.insert(name.to_string(), bytes);
        } else if let Some(name) = path.strip_prefix("fonts/") {
            if name.ends_with(".ttf") || name.ends_with(".otf") {
                self.fonts.insert(name.to_string(), bytes);
            }
        } else if let Some(code) = path.strip_prefix("i18n/").and_then(|n| n.strip_suffix(".toml")) {
            let text = String::from_utf8(bytes).map_err(|_| Error::Template {
                name: path.to_string(),
                message: "the file is not UTF-8 text".into(),
            })?;
            self.i18n.insert(code.to_string(), text);
        } else if path == "theme.toml" {
            self.settings = String::from_utf8(bytes).map_err(|_| Error::Template {
                name: path.to_string(),
                message: "the file is not UTF-8 text".into(),
            })?;
        }
        Ok(())
    }
}
