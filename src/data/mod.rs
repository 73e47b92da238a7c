//! The site's data: the indicator catalogue, the sources, and the places with their
//! observations, loaded from `data/` and validated into a model that renderers only read.

mod catalogue;
mod groups;
mod ids;
mod jumps;
mod places;
pub mod progress;
mod sources;

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::Diagnostics;

pub use catalogue::parse as parse_catalogue;
pub use catalogue::FILE as CATALOGUE_FILE;
pub use catalogue::{Better, Category, ChartKind, CodeMap, Indicator, IndicatorText, Measure, Reference, Target};
pub use groups::{age_band, Dimension, Group, GroupProblem, GroupText, Groups};
pub use ids::{IndicatorId, SourceId};
pub use places::parse as parse_place;
pub use places::DIR as PLACES_DIR;
pub use places::{Bounds, Conversion, NoteText, Observation, Place, PlaceKind, Series, CONVERSION_FACTORS};
pub use sources::Source;

/// Everything under `data/`, validated.
#[derive(Debug, Clone)]
pub struct Data {
    /// In catalogue order: the order the author wrote them in is the order readers see.
    pub indicators: Vec<Indicator>,
    pub sources: BTreeMap<SourceId, Source>,
    /// The groups series may be broken down into: the built-in ones and the catalogue's.
    pub groups: Groups,
    /// Keyed by the place's path, e.g. `peru/huanuco`; a parent sorts before its children.
    pub places: BTreeMap<String, Place>,
    /// Paths of places whose file has errors (already reported), so that narratives and
    /// shortcodes about them draw no second, misleading error.
    pub broken: std::collections::BTreeSet<String>,
    /// Each indicator's position in `indicators`.
    by_id: BTreeMap<IndicatorId, usize>,
}

impl Data {
    pub fn load(root: &Path, stale_after_years: i32, diags: &mut Diagnostics) -> Option<Data> {
        let catalogue = catalogue::load(root, diags);
        let sources = sources::load(root, diags);
        let (catalogue::Catalogue { indicators, groups }, sources) = (catalogue?, sources?);
        let vocabulary = places::Vocabulary { indicators: &indicators, groups: &groups, sources: &sources };
        let (places, broken) = places::load(root, &vocabulary, stale_after_years, diags);
        let mut data = Data::new(indicators, sources, places, broken);
        data.groups = groups;
        Some(data)
    }

    pub fn new(
        indicators: Vec<Indicator>,
        sources: BTreeMap<SourceId, Source>,
        places: BTreeMap<String, Place>,
        broken: std::collections::BTreeSet<String>,
    ) -> Data {
        let by_id = indicators.iter().enumerate().map(|(n, i)| (i.id.clone(), n)).collect();
        Data { indicators, sources, groups: Groups::default(), places, broken, by_id }
    }

    /// The catalogue alone (its indicators and the groups it adds to the built-in ones), for
    /// commands that need no places (import).
    pub fn load_catalogue_and_groups(root: &Path, diags: &mut Diagnostics) -> Option<(Vec<Indicator>, Groups)> {
        catalogue::load(root, diags).map(|c| (c.indicators, c.groups))
    }

    pub fn load_sources(root: &Path, diags: &mut Diagnostics) -> Option<BTreeMap<SourceId, Source>> {
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
            for series in &mut place.series {
                series.localize_notes(lang);
                let Some(Conversion { from_unit: Some(from_unit), .. }) = &mut series.conversion else { continue };
                if let Some(unit) = self.indicator(&series.indicator).and_then(|i| i.from_unit_in(from_unit, lang)) {
                    *from_unit = unit.to_string();
                }
            }
        }
        Data {
            indicators: self.indicators.iter().map(|i| i.localized(lang)).collect(),
            sources: self.sources.iter().map(|(id, s)| (id.clone(), s.localized(lang))).collect(),
            groups: self.groups.clone(),
            places,
            broken: self.broken.clone(),
            by_id: self.by_id.clone(),
        }
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.by_id.get(id).map(|&n| &self.indicators[n])
    }

    /// The name readers see for a source: its `name`, or its id if it has none here.
    pub fn source_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.sources.get(id).map_or(id, |s| s.name.as_str())
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
