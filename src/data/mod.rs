//! The site's data: the indicator catalogue, the sources, and the places with their
//! observations, loaded from `data/` and validated into a model that renderers only read.

mod catalogue;
mod places;
mod sources;

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics};

pub use catalogue::parse as parse_catalogue;
pub use catalogue::FILE as CATALOGUE_FILE;
pub use catalogue::{Category, CodeMap, Indicator, IndicatorText, Measure, Reference};
pub use places::parse as parse_place;
pub use places::DIR as PLACES_DIR;
pub use places::{Observation, Place, PlaceKind, Series};
pub use sources::Source;

/// Everything under `data/`, validated.
#[derive(Debug, Clone)]
pub struct Data {
    /// In catalogue order: the order the author wrote them in is the order readers see.
    pub indicators: Vec<Indicator>,
    pub sources: BTreeMap<String, Source>,
    /// Keyed by the place's path, e.g. `peru/huanuco`; a parent sorts before its children.
    pub places: BTreeMap<String, Place>,
    /// Paths of places whose file has errors (already reported), so that narratives and
    /// shortcodes about them draw no second, misleading error.
    pub broken: std::collections::BTreeSet<String>,
}

impl Data {
    pub fn load(root: &Path, stale_after_years: i32, diags: &mut Diagnostics) -> Option<Data> {
        let indicators = catalogue::load(root, diags);
        let sources = sources::load(root, diags);
        let (indicators, sources) = (indicators?, sources?);
        let (places, broken) = places::load(root, &indicators, &sources, stale_after_years, diags);
        Some(Data { indicators, sources, places, broken })
    }

    /// The catalogue alone, for commands that need no places (import).
    pub fn load_catalogue(root: &Path, diags: &mut Diagnostics) -> Option<Vec<Indicator>> {
        catalogue::load(root, diags)
    }

    pub fn load_sources(root: &Path, diags: &mut Diagnostics) -> Option<BTreeMap<String, Source>> {
        sources::load(root, diags)
    }

    /// The data as readers of `lang` see them: names, units and definitions translated where
    /// the catalogue, the sources and the place files give a translation. Values never change.
    pub fn localized(&self, lang: &str) -> Data {
        let mut places = self.places.clone();
        for place in places.values_mut() {
            if let Some(name) = place.names.get(lang) {
                place.name = name.clone();
            }
        }
        Data {
            indicators: self.indicators.iter().map(|i| i.localized(lang)).collect(),
            sources: self.sources.iter().map(|(id, s)| (id.clone(), s.localized(lang))).collect(),
            places,
            broken: self.broken.clone(),
        }
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// The places directly inside `slug` ("" for the top level), in name order.
    pub fn children_of<'a>(&'a self, slug: &'a str) -> impl Iterator<Item = &'a Place> + 'a {
        // A place's descendants are the keys that start with its path and a slash, which sort
        // together: reading only them keeps a page's "inside" table from scanning every place
        // (which made large sites quadratic).
        let prefix = if slug.is_empty() { String::new() } else { format!("{slug}/") };
        self.places
            .range(prefix.clone()..)
            .take_while(move |(key, _)| key.starts_with(&prefix))
            .map(|(_, place)| place)
            .filter(move |p| p.parent.as_deref().unwrap_or("") == slug)
    }
}

/// Reads a TOML file of the site and deserializes it, turning a parse error into a
/// message that points at the line.
pub(crate) fn read_toml<T: serde::de::DeserializeOwned>(
    root: &Path,
    rel: &str,
    diags: &mut Diagnostics,
) -> Option<(T, String)> {
    let text = read_text(root, rel, diags)?;
    match toml::from_str::<T>(&text) {
        Ok(value) => Some((value, text)),
        Err(err) => {
            diags.push(toml_error(rel, &text, &err));
            None
        }
    }
}

/// What [`walk`] finds in a folder of the site, with paths relative to the site's folder and
/// `/` separators.
pub(crate) enum Walked {
    File(String),
    Folder(String),
    /// A link (skipped: salud never follows a link out of the site), or a folder that cannot
    /// be read.
    Problem(Diagnostic),
}

/// Everything below `dir` (e.g. `data/places`), in name order so that the order of pages and
/// messages never depends on the file system.
pub(crate) fn walk<'a>(root: &'a Path, dir: &'a str) -> impl Iterator<Item = Walked> + 'a {
    walkdir::WalkDir::new(root.join(dir)).sort_by_file_name().min_depth(1).into_iter().map(move |entry| {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => return Walked::Problem(Diagnostic::error(dir, format!("cannot read a folder: {err}"))),
        };
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        if entry.path_is_symlink() {
            Walked::Problem(
                Diagnostic::warning(&rel, "this is a symbolic link; salud does not follow links, so it was skipped")
                    .help("copy the file here instead of linking to it"),
            )
        } else if entry.file_type().is_dir() {
            Walked::Folder(rel)
        } else if entry.file_type().is_file() {
            Walked::File(rel)
        } else {
            Walked::Problem(not_a_file(&rel))
        }
    })
}

/// The largest text file salud reads. A place's data take a few KB and the largest narrative
/// a few hundred; a bigger file is a mistake (a data dump saved in the wrong place), and
/// reading it whole could exhaust the machine's memory.
pub const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;

/// How long a name readers see may be, in characters: the longest country name has 56 and
/// the longest indicator name of the default site 58. Longer text does not fit a chart title
/// or a file name (units and ids become file names), and is a pasted paragraph by mistake.
pub(crate) const MAX_NAME_CHARS: usize = 150;
pub(crate) const MAX_UNIT_CHARS: usize = 80;

/// Problems with a name or unit that charts, file names and messages show: an invisible
/// control character (copied out of a PDF, or hostile: an escape code would act on the
/// terminal that prints it) or a length past `max` characters.
pub(crate) fn check_label(what: &str, value: &str, max: usize) -> Option<(String, String)> {
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Some((
            format!("the {what} contains an invisible control character (U+{:04X})", c as u32),
            format!("type the {what} again without it; such characters come in when text is copied out of a PDF or a spreadsheet"),
        ));
    }
    let length = value.chars().count();
    (length > max).then(|| {
        (
            format!("the {what} is {length} characters long; salud accepts up to {max}"),
            format!("shorten the {what}; a longer explanation belongs in the definition, a note or the narrative"),
        )
    })
}

/// A named pipe, socket or device where a file should be: reading it could wait for ever.
fn not_a_file(rel: &str) -> Diagnostic {
    Diagnostic::error(
        rel,
        "this is not a regular file (it is a named pipe, a socket or a device), so salud cannot read it",
    )
    .help("replace it with an ordinary text file, or remove it")
}

/// Reads a file of the site as UTF-8 text, without a byte-order mark.
pub(crate) fn read_text(root: &Path, rel: &str, diags: &mut Diagnostics) -> Option<String> {
    if let Ok(meta) = std::fs::metadata(root.join(rel)) {
        if !meta.is_file() {
            diags.push(not_a_file(rel));
            return None;
        }
        if meta.len() > MAX_TEXT_BYTES {
            diags.push(
                Diagnostic::error(rel, format!("this file is {}; salud reads text files of up to 16 MB", crate::format::size(meta.len() as usize)))
                    .help("a place's data fit in a few KB: move a raw data file to data/raw/ and bring its values in with salud import"),
            );
            return None;
        }
    }
    match std::fs::read(root.join(rel)) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text)),
            Err(err) => {
                let at = err.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
                diags.push(
                    Diagnostic::error(rel, "this file is not valid UTF-8 text")
                        .at(&text, at..at + 1)
                        .help("save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")"),
                );
                None
            }
        },
        Err(err) => {
            diags.push(Diagnostic::error(rel, format!("cannot read this file: {err}")));
            None
        }
    }
}

/// A TOML syntax or shape error, in words a non-programmer can act on.
pub(crate) fn toml_error(rel: &str, text: &str, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().trim_end_matches('.').to_string();
    let (message, help) = if message.starts_with("unknown field") {
        (message, "check the spelling of this key; the keys this file accepts are listed above")
    } else if message.starts_with("missing field") {
        (message, "add the missing key to this table")
    } else if message.starts_with("duplicate key") {
        (message, "each key may appear only once in a table; remove or merge the repeated one")
    } else if message.contains("recurs") {
        (
            format!("this is not valid TOML: {message}"),
            "tables or lists nest deeper than any salud data file needs; this is not indicator data (was the wrong file saved here?)",
        )
    } else if message.starts_with("invalid type") {
        (message, "write the value in the expected form: text in \"quotes\", numbers without quotes")
    } else {
        (
            format!("this is not valid TOML: {message}"),
            "check for a missing `=`, quote or bracket at the caret or just before it",
        )
    };
    let d = Diagnostic::error(rel, message).help(help);
    match err.span() {
        Some(span) => d.at(text, span),
        None => d,
    }
}
