//! A site loaded and validated: configuration, data and content, ready for the renderers.
//! Loading never writes anything.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{self, Content};
use crate::data::Data;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::theme::Theme;

/// The folder of salud's page of indicators, in every language.
pub const INDICATORS: &str = "indicators";

/// Where the page at `slug` (a place, a plain page, `indicators`; "" for the home page) goes
/// in the language whose pages sit under `prefix` (`es/`, or "" for the main language). One
/// function for every caller, so that the pages written, wanted and linked always agree.
pub fn page_path(prefix: &str, slug: &str) -> String {
    if slug.is_empty() {
        format!("{prefix}index.html")
    } else {
        format!("{prefix}{slug}/index.html")
    }
}

#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub data: Data,
    pub content: Content,
    /// Shared by every language's view of the site: its fonts alone are megabytes.
    pub theme: std::sync::Arc<Theme>,
    /// The boundaries maps are drawn with (`data/geo/`), shared by every language.
    pub boundaries: std::sync::Arc<crate::maps::Boundaries>,
    /// The year old data are counted from: `published`'s, or the newest year in the data.
    /// Never today's: the same input must give the same pages on any day.
    pub edition_year: i32,
}

impl Site {
    /// Loads everything, collecting every problem. Returns the site and its warnings, or all
    /// the problems (errors and warnings) when any is an error.
    pub fn load(root: &Path) -> Result<(Site, Diagnostics), Diagnostics> {
        let mut diags = Diagnostics::default();
        if !root.join("data").is_dir() {
            diags.push(
                Diagnostic::error(
                    root.display().to_string(),
                    "this folder is not a salud site: it has no data/ folder",
                )
                .help("run salud in the site's folder, or give it with --root DIR (salud new DIR creates one)"),
            );
            return Err(diags);
        }
        let config = Config::load(root, &mut diags);
        let theme = config.as_ref().and_then(|c| Theme::load(root, &c.theme, &mut diags));
        let stale = config.as_ref().map_or(Config::default().stale_after_years, |c| c.stale_after_years);
        let data = Data::load(root, stale, &mut diags);
        let allow_html = config.as_ref().is_some_and(|c| c.allow_html);
        let others: Vec<String> = config.as_ref().map(|c| c.languages.keys().cloned().collect()).unwrap_or_default();
        let content = match &data {
            Some(data) => content::load(root, data, allow_html, &others, &mut diags),
            None => Content::default(),
        };
        let mut data = data;
        if let (Some(data), Some(config), Some(theme)) = (&mut data, &config, &theme) {
            name_countries(data, config, theme);
        }
        // Boundary files that cannot be read, and shapes and places that do not match.
        let boundaries = data.as_ref().map(|d| crate::maps::Boundaries::load(root, &d.places, &mut diags));
        if let Some(data) = &data {
            warn_missing_narratives(data, &content, &mut diags);
            if let Some(config) = &config {
                check_addresses(config, data, &content, &mut diags);
                check_featured(root, config, data, &mut diags);
                check_home_map(root, config, data, &mut diags);
            }
        }
        match (config, data, theme, boundaries) {
            (Some(config), Some(data), Some(theme), Some(boundaries)) if !diags.has_errors() => {
                let newest = data.places.values().flat_map(|p| &p.series).filter_map(|s| s.latest()).map(|o| o.year);
                let edition_year = config.published.map_or_else(|| newest.max().unwrap_or(0), |p| p.year);
                let site = Site {
                    root: root.to_path_buf(),
                    config,
                    data,
                    content,
                    theme: theme.into(),
                    boundaries: boundaries.into(),
                    edition_year,
                };
                Ok((site, diags))
            }
            _ => Err(diags),
        }
    }
}

impl Site {
    /// The site as readers of `lang` see it: data, content and settings in that language
    /// where translated, in the main language where not.
    pub fn localized(&self, lang: &str) -> std::borrow::Cow<'_, Site> {
        if lang == self.config.language {
            // The main language is the site as loaded: no copy (it would cost a large site
            // tens of milliseconds at every edit while serving).
            return std::borrow::Cow::Borrowed(self);
        }
        std::borrow::Cow::Owned(Site {
            root: self.root.clone(),
            config: self.config.localized(lang),
            data: self.data.localized(lang),
            content: self.content.localized(lang).into_owned(),
            theme: self.theme.clone(),
            boundaries: self.boundaries.clone(),
            edition_year: self.edition_year,
        })
    }
}

/// A country's name in each of the site's other languages, from the theme's table of names
/// (CLDR's), where its file gives none: readers of `/es/` see "Alemania", not "Germany".
fn name_countries(data: &mut Data, config: &Config, theme: &Theme) {
    for lang in config.languages.keys() {
        let Some(names) = theme.country_names.get(lang) else { continue };
        for place in data.places.values_mut() {
            if let Some(name) = place.iso3.as_ref().and_then(|code| names.get(code)) {
                place.names.entry(lang.clone()).or_insert_with(|| name.clone());
            }
        }
    }
}

/// Each top-level page (a country, a plain page) is published at its own folder
/// (`peru/index.html`); a folder salud needs for itself, or two files wanting one folder,
/// would make one page overwrite the other without a word.
pub(crate) fn check_addresses(config: &Config, data: &Data, content: &Content, diags: &mut Diagnostics) {
    let mut owners: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    owners.insert(INDICATORS.to_string(), "salud's page of indicators".to_string());
    for code in config.languages.keys() {
        owners.insert(code.clone(), format!("the pages in \"{code}\" (config.toml [languages.{code}])"));
    }
    let files = data
        .places
        .values()
        .filter(|p| p.parent.is_none())
        .map(|p| (&p.slug, &p.file))
        .chain(content.pages.iter().map(|p| (&p.slug, &p.doc.file)));
    for (slug, file) in files {
        match owners.get(slug.as_str()) {
            Some(owner) => diags.push(
                Diagnostic::error(file, format!("this would be published at {slug}/, which is the address of {owner}"))
                    .help("rename the file: its name is its address"),
            ),
            None => {
                owners.insert(slug.clone(), file.clone());
            }
        }
    }
}

/// `home_map` must name an indicator of the catalogue.
fn check_home_map(root: &Path, config: &Config, data: &Data, diags: &mut Diagnostics) {
    let Some(id) = &config.home_map else { return };
    if data.indicator(id).is_some() {
        return;
    }
    let text = std::fs::read_to_string(root.join(crate::config::FILE)).unwrap_or_default();
    let quoted = format!("\"{id}\"");
    let at = text.find(&format!("home_map = {quoted}")).map_or(0, |i| i + "home_map = ".len());
    let mut help = format!(
        "name an indicator of {} by its id, e.g. home_map = \"neonatal_mortality\"",
        crate::data::CATALOGUE_FILE
    );
    if let Some(close) = crate::diagnostic::closest(id, data.indicators.iter().map(|i| i.id.as_str())) {
        help = format!("did you mean \"{close}\"? {help}");
    }
    diags.push(
        Diagnostic::error(
            crate::config::FILE,
            format!("home_map names \"{}\", which is no indicator", crate::diagnostic::printable(id)),
        )
        .at(&text, at..at + quoted.len())
        .help(help),
    );
}

/// Each of `featured` must name a place, by the path of its file under data/places/.
fn check_featured(root: &Path, config: &Config, data: &Data, diags: &mut Diagnostics) {
    let text = std::fs::read_to_string(root.join(crate::config::FILE)).unwrap_or_default();
    for slug in &config.featured {
        if data.places.contains_key(slug) {
            continue;
        }
        let quoted = format!("\"{slug}\"");
        let at = text.find(&quoted).unwrap_or(0);
        let known: Vec<&str> = data.places.keys().map(String::as_str).collect();
        let mut help =
            "name places by their file under data/places/ without .toml, e.g. featured = [\"peru\", \"peru/huanuco\"]"
                .to_string();
        if let Some(close) = crate::diagnostic::closest(slug, known.iter().copied()) {
            help = format!("did you mean \"{close}\"? {help}");
        }
        diags.push(
            Diagnostic::error(
                crate::config::FILE,
                format!("featured place \"{}\" has no data file", crate::diagnostic::printable(slug)),
            )
            .at(&text, at..at + quoted.len())
            .help(help),
        );
    }
}

/// One warning for all places without a narrative: a site built from imported data has many,
/// and a line for each would bury the warnings that matter.
fn warn_missing_narratives(data: &Data, content: &Content, diags: &mut Diagnostics) {
    let missing: Vec<String> =
        data.places.values().filter(|p| !content.narratives.contains_key(&p.slug)).map(|p| p.name.clone()).collect();
    if missing.is_empty() {
        return;
    }
    let shown = crate::format::first_few(&missing, 5);
    // First, because it is the one warning about the whole site.
    diags.0.insert(
        0,
        Diagnostic::warning(content::DIR, format!("{} places have no narrative: {shown}", missing.len()))
            .help("their pages show the data only; add content/PLACE/_index.md to tell their story"),
    );
}
