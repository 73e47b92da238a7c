//! A site loaded and validated: configuration, data and content, ready for the renderers.
//! Loading never writes anything.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{self, Content};
use crate::data::Data;
use crate::diagnostic::{Diagnostic, Diagnostics};

#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub data: Data,
    pub content: Content,
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
        let stale = config.as_ref().map_or(Config::default().stale_after_years, |c| c.stale_after_years);
        let data = Data::load(root, stale, &mut diags);
        let allow_html = config.as_ref().is_some_and(|c| c.allow_html);
        let others: Vec<String> = config.as_ref().map(|c| c.languages.keys().cloned().collect()).unwrap_or_default();
        let content = match &data {
            Some(data) => content::load(root, data, allow_html, &others, &mut diags),
            None => Content::default(),
        };
        if let Some(data) = &data {
            warn_missing_narratives(data, &content, &mut diags);
        }
        match (config, data) {
            (Some(config), Some(data)) if !diags.has_errors() => {
                Ok((Site { root: root.to_path_buf(), config, data, content }, diags))
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
        })
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
