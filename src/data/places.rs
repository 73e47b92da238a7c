//! `data/places/`: one TOML file per place. A region's parent is the folder it sits in, so
//! `data/places/peru/huanuco.toml` is Huánuco, inside `data/places/peru.toml`.

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Group, Groups, Indicator, IndicatorId, Measure, Source, SourceId};
use crate::diagnostic::{closest, Diagnostic, Diagnostics, Location};
use crate::format::slugify;

pub const DIR: &str = "data/places";

#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The place's path: `peru`, `peru/huanuco`. Also its URL below the site root.
    pub slug: String,
    pub name: String,
    pub iso3: Option<String>,
    pub kind: PlaceKind,
    /// The world region the home page groups it under (inherited by regions and sites).
    pub world_region: Option<String>,
    pub parent: Option<String>,
    /// The data file, relative to the site root.
    pub file: String,
    /// Ordered by catalogue order of the indicator, then source id.
    pub series: Vec<Series>,
    /// The place's name in other languages ("es" -> "Perú").
    pub names: BTreeMap<String, String>,
    /// A hash of its file's text, from which its series are read: what a build's keys take
    /// instead of the series themselves, which are slow to spell out (see `render::keys`).
    pub source: u64,
}

impl Place {
    /// The indicator's total series (those without a group), one per source: what tiles,
    /// tables and charts show. A group's values are never taken for the total's.
    pub fn series_of<'a>(&'a self, indicator: &'a str) -> impl Iterator<Item = &'a Series> + 'a {
        self.series.iter().filter(move |s| s.indicator == indicator && s.is_total())
    }

    /// The indicator's series for groups (urban, rural...), by source (in sources.toml's
    /// order), then by group in the vocabulary's order.
    pub fn groups_of<'a>(&'a self, indicator: &'a str) -> impl Iterator<Item = &'a Series> + 'a {
        self.series.iter().filter(move |s| s.indicator == indicator && !s.is_total())
    }

    /// The series of `indicator` from `source` for `group` (None: the total).
    pub fn series_for(&self, indicator: &str, source: &str, group: Option<&Group>) -> Option<&Series> {
        self.series.iter().find(|s| s.indicator == indicator && s.source == source && s.group.as_ref() == group)
    }

    /// The most recent total value of an indicator across sources; on a tie, the source
    /// listed first in sources.toml.
    pub fn latest(&self, indicator: &str, sources: &BTreeMap<SourceId, Source>) -> Option<(&Series, &Observation)> {
        self.latest_of(indicator, None, sources)
    }

    /// [`Place::latest`] of a group of the population (`None`: the total).
    pub fn latest_of(
        &self,
        indicator: &str,
        group: Option<&Group>,
        sources: &BTreeMap<SourceId, Source>,
    ) -> Option<(&Series, &Observation)> {
        self.series
            .iter()
            .filter(|s| s.indicator == indicator && s.group.as_ref() == group)
            .filter_map(|s| s.latest().map(|o| (s, o)))
            .max_by_key(|(s, o)| (o.year, std::cmp::Reverse(sources.get(&s.source).map_or(usize::MAX, |x| x.rank))))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    Country,
    Region,
    Site,
    Aggregate,
}

impl PlaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Country => "country",
            PlaceKind::Region => "region",
            PlaceKind::Site => "site",
            PlaceKind::Aggregate => "aggregate",
        }
    }
}

/// The values one source gives for one indicator at one place, for everyone (the total) or
/// for one group of the population.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub indicator: IndicatorId,
    pub source: SourceId,
    /// The group the values are about (`group = { area = "rural" }`); None for the total.
    pub group: Option<Group>,
    /// The author's own words about the series, shown as written in every language.
    pub note: Option<String>,
    /// How the values were converted from the source's unit, when they were: a fact about
    /// the numbers, which each language words for itself.
    pub conversion: Option<Conversion>,
    /// The author's notes in other languages: the series' own (`notes = { es = "..." }`)
    /// and its values' (`2012 = { value = 500, note = "...", notes = { es = "..." } }`).
    pub note_translations: Vec<NoteText>,
    /// Sorted by year, one per year.
    pub points: Vec<Observation>,
}

impl Series {
    /// The values for everyone, not for a group: the series pages show.
    pub fn is_total(&self) -> bool {
        self.group.is_none()
    }

    pub fn latest(&self) -> Option<&Observation> {
        self.points.last()
    }

    pub fn at(&self, year: i32) -> Option<&Observation> {
        self.points.binary_search_by_key(&year, |p| p.year).ok().map(|i| &self.points[i])
    }

    /// The series as readers of `lang` see it: the author's notes in that language where given.
    pub fn localize_notes(&mut self, lang: &str) {
        for t in self.note_translations.iter().filter(|t| t.lang == lang) {
            match t.year {
                None => self.note = Some(t.text.clone()),
                Some(year) => {
                    if let Ok(i) = self.points.binary_search_by_key(&year, |p| p.year) {
                        self.points[i].note = Some(t.text.clone());
                    }
                }
            }
        }
    }
}

/// An author's note in another language: of the series when `year` is None, else of its value
/// for that year. Kept on the series, so that values (millions on a large site) stay small.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteText {
    pub year: Option<i32>,
    pub lang: String,
    pub text: String,
}

/// `multiplied_by = 10` (with `converted_from = "per 1,000 people"`) on a series: the values
/// are the source's, multiplied by `factor` into the catalogue's unit. salud import writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    /// The source's unit, as the catalogue's `from_unit` named it when the values were
    /// imported; None when the catalogue did not name it.
    pub from_unit: Option<String>,
    pub factor: u32,
}

/// The factors salud converts by: it moves the decimal point, so a conversion is exact.
pub const CONVERSION_FACTORS: [u32; 4] = [10, 100, 1000, 10000];

#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub year: i32,
    /// Where the value is written in its file (byte offsets), for messages about it. Only
    /// offsets: a line and its text for each of a large site's millions of values would
    /// take hundreds of megabytes, and only a few are ever reported.
    pub at: std::ops::Range<u32>,
    pub value: f64,
    /// "about", "up to"...: kept because the source said it, and shown beside the value.
    pub qualifier: Option<String>,
    pub note: Option<String>,
    /// How many people, children or households the value was measured on (`n = 797`), when
    /// the source says. Beside `year` it takes no room of its own.
    pub n: Option<NonZeroU32>,
    /// The interval the source gives around the value (`low`, `high`); boxed, as most values
    /// have none and a large site holds millions.
    pub bounds: Option<Box<Bounds>>,
}

/// The interval a source gives around a value (a confidence or uncertainty interval); salud
/// never makes one up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub low: f64,
    pub high: f64,
}

impl Observation {
    /// A value with nothing but its year and number.
    pub fn new(year: i32, value: f64) -> Observation {
        Observation { year, at: 0..0, value, qualifier: None, note: None, n: None, bounds: None }
    }

    /// Whether the value comes from fewer than `threshold` observations (see
    /// [`Indicator::few_observations`](super::Indicator::few_observations)): to be marked
    /// "few observations, use with caution". A value without `n` is never marked.
    pub fn few(&self, threshold: u32) -> bool {
        self.n.is_some_and(|n| n.get() < threshold)
    }
}

pub const QUALIFIERS: [&str; 5] = ["about", "up to", "at least", "less than", "more than"];
const YEARS: std::ops::RangeInclusive<i64> = 1900..=2100;
/// No health indicator comes near this (a country's health spending in its own currency is
/// below 10^15); larger numbers are typing slips, and would overflow the charts' axes.
const MAX_VALUE: f64 = 1e15;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceFile {
    name: Option<Spanned<String>>,
    iso3: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    region: Option<String>,
    /// The name in other languages: names = { es = "Perú" }.
    #[serde(default)]
    names: BTreeMap<String, String>,
    #[serde(default)]
    series: Vec<SeriesFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeriesFile {
    indicator: Spanned<String>,
    source: Spanned<String>,
    /// `group = { area = "rural" }`; read as any value, so a group written another way gets a
    /// message saying how to write it.
    group: Option<Spanned<toml::Value>>,
    note: Option<Spanned<String>>,
    /// The note in other languages: notes = { es = "..." }.
    #[serde(default)]
    notes: BTreeMap<String, String>,
    converted_from: Option<Spanned<String>>,
    multiplied_by: Option<Spanned<i64>>,
    #[serde(default)]
    values: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

/// What place files are checked against: the catalogue's indicators and groups, the sources.
pub struct Vocabulary<'a> {
    pub indicators: &'a [Indicator],
    pub groups: &'a Groups,
    pub sources: &'a BTreeMap<SourceId, Source>,
}

pub fn load(
    root: &Path,
    vocabulary: &Vocabulary,
    stale_after_years: i32,
    diags: &mut Diagnostics,
) -> (BTreeMap<String, Place>, BTreeSet<String>) {
    let mut places = BTreeMap::new();
    // Places whose file has errors: they exist, so nothing else is reported about them.
    let mut broken = BTreeSet::new();
    let mut iso3_seen: BTreeMap<String, String> = BTreeMap::new();
    let mut folders = Vec::new();
    let dir = root.join(DIR);
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error(DIR, "there is no data/places folder")
                .help("create data/places/ with one TOML file per place, e.g. data/places/peru.toml"),
        );
        return (places, broken);
    }
    let rules = Rules::new(vocabulary, stale_after_years);
    // The folder is walked in order first; the files are then read and checked in parallel
    // (most of a large site's load), and their results taken in walk order, so messages and
    // the places' order do not depend on timing.
    let mut found: Vec<Found> = Vec::new();
    for walked in crate::files::walk(root, DIR) {
        let rel = match walked {
            crate::files::Walked::File(rel) => rel,
            crate::files::Walked::Folder(rel) => {
                folders.push(rel);
                continue;
            }
            crate::files::Walked::Problem(diagnostic) => {
                found.push(Found::Problem(diagnostic));
                continue;
            }
        };
        if Path::new(&rel).extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let Some(slug) = slug_of(&rel) else {
            found.push(Found::Problem(
                Diagnostic::error(&rel, "this file name has no letters or digits to make a web address from")
                    .help("rename the file after the place, e.g. huanuco.toml"),
            ));
            continue;
        };
        found.push(Found::File { rel, slug });
    }
    let checked = crate::parallel::map(&found, |item| {
        let Found::File { rel, slug } = item else { return None };
        let mut own = Diagnostics::default();
        let place = crate::files::read_toml::<PlaceFile>(root, rel, &mut own).and_then(|(file, text)| {
            let (place, iso3_span) = validate(rel, slug, file, &text, &rules, &mut own)?;
            // Where the two messages about a place as a whole point, located while the text is at hand.
            let iso3_at = iso3_span.map(|span| Location::from_span(&text, span));
            Some((place, iso3_at, Location::from_span(&text, 0..0)))
        });
        Some((place, own))
    });
    for (item, checked) in found.into_iter().zip(checked) {
        let (rel, slug) = match item {
            Found::Problem(diagnostic) => {
                diags.push(diagnostic);
                continue;
            }
            Found::File { rel, slug } => (rel, slug),
        };
        let Some((place, own)) = checked else { continue };
        diags.extend(own);
        let Some((place, iso3_at, top)) = place else {
            broken.insert(slug);
            continue;
        };
        if let (Some(iso3), Some(at)) = (&place.iso3, iso3_at) {
            if let Some(other) = iso3_seen.insert(iso3.clone(), rel.clone()) {
                diags.push(
                    Diagnostic::error(&rel, format!("the ISO3 code {iso3} is already used by {other}"))
                        .located(&at)
                        .help("each place has its own file; merge the two files or correct the code"),
                );
            }
        }
        if let Some(other) = places.get(&slug).map(|p: &Place| p.file.clone()) {
            diags.push(
                Diagnostic::error(&rel, format!("this is the same place as {other} (both become `{slug}/`)"))
                    .located(&top)
                    .help("keep one file per place: merge the two files, or rename one"),
            );
            continue;
        }
        places.insert(slug, place);
    }
    for folder in folders {
        if let Some(slug) = slug_of(&format!("{folder}.toml")) {
            if !places.contains_key(&slug) && !broken.contains(&slug) {
                diags.push(
                    Diagnostic::error(&folder, format!("the folder has no place file {folder}.toml"))
                        .help("a folder holds the regions of a place; add the place's own file beside the folder"),
                );
            }
        }
    }
    inherit_world_regions(&mut places);
    (places, broken)
}

/// What the walk of `data/places/` found, in order.
enum Found {
    File {
        rel: String,
        slug: String,
    },
    /// A link, a folder that cannot be read, a file name without letters.
    Problem(Diagnostic),
}

/// `data/places/peru/Huánuco.toml` -> `peru/huanuco`.
fn slug_of(rel: &str) -> Option<String> {
    let inner = rel.strip_prefix(DIR)?.trim_start_matches('/').strip_suffix(".toml")?;
    let parts: Vec<String> = inner.split('/').map(slugify).collect();
    parts.iter().all(|p| !p.is_empty()).then(|| parts.join("/"))
}

fn inherit_world_regions(places: &mut BTreeMap<String, Place>) {
    // Parents sort before their children, so one pass in key order is enough.
    let keys: Vec<String> = places.keys().cloned().collect();
    for key in keys {
        let inherited = places[&key].parent.as_ref().and_then(|p| places.get(p)).and_then(|p| p.world_region.clone());
        let place = places.get_mut(&key).expect("key from the map");
        if place.world_region.is_none() {
            place.world_region = inherited;
        }
    }
}

/// One place file from its text, checked against the catalogue and sources as `load` checks
/// each file. `rel` names the file in messages; the slug comes from it.
pub fn parse(
    rel: &str,
    text: &str,
    indicators: &[Indicator],
    sources: &BTreeMap<SourceId, Source>,
    diags: &mut Diagnostics,
) -> Option<Place> {
    let slug = slug_of(rel)?;
    let file = match toml::from_str::<PlaceFile>(text) {
        Ok(file) => file,
        Err(err) => {
            diags.push(crate::files::toml_error(rel, text, &err));
            return None;
        }
    };
    let groups = Groups::default();
    let vocabulary = Vocabulary { indicators, groups: &groups, sources };
    validate(rel, &slug, file, text, &Rules::new(&vocabulary, 10), diags).map(|(place, _)| place)
}

/// What every place file is checked against: the catalogue (with each id's position, looked up
/// for every series), the sources, and how old data may be.
struct Rules<'a> {
    indicators: &'a [Indicator],
    position: BTreeMap<&'a str, usize>,
    groups: &'a Groups,
    sources: &'a BTreeMap<SourceId, Source>,
    stale_after_years: i32,
    this_year: i32,
}

impl<'a> Rules<'a> {
    fn new(vocabulary: &Vocabulary<'a>, stale_after_years: i32) -> Rules<'a> {
        let indicators = vocabulary.indicators;
        let position = indicators.iter().enumerate().map(|(n, i)| (i.id.as_str(), n)).collect();
        Rules {
            indicators,
            position,
            groups: vocabulary.groups,
            sources: vocabulary.sources,
            stale_after_years,
            this_year: crate::clock::this_year(),
        }
    }
}

fn validate(
    rel: &str,
    slug: &str,
    file: PlaceFile,
    text: &str,
    rules: &Rules,
    diags: &mut Diagnostics,
) -> Option<(Place, Option<std::ops::Range<usize>>)> {
    let (indicators, sources) = (rules.indicators, rules.sources);
    let errors_before = diags.errors().count();
    let parent = slug.rsplit_once('/').map(|(p, _)| p.to_string());
    let name = place_name(rel, &file, text, diags);
    let iso3_span = file.iso3.as_ref().map(Spanned::span);
    let iso3 = file.iso3.and_then(|code| {
        let ok = code.get_ref().len() == 3 && code.get_ref().bytes().all(|b| b.is_ascii_uppercase());
        if !ok {
            diags.push(
                Diagnostic::error(rel, format!("\"{}\" is not an ISO 3166 alpha-3 code", code.get_ref()))
                    .at(text, code.span())
                    .help("use three capital letters, e.g. iso3 = \"PER\""),
            );
        }
        ok.then(|| code.into_inner())
    });
    let kind = place_kind(rel, file.kind.as_ref(), parent.is_none(), text, diags);

    // Ordered as the catalogue, then as sources.toml, so pages list sources the way the author ranked them.
    // A total before its groups, the groups in the vocabulary's order.
    type GroupOrder = Option<((super::Dimension, usize), String)>;
    let mut grouped: BTreeMap<(usize, usize, String, GroupOrder), Series> = BTreeMap::new();
    let mut first_year_at: BTreeMap<(IndicatorId, String, Option<Group>, i64), std::ops::Range<usize>> =
        BTreeMap::new();
    // Where each group series' group is written, for the warning about a group without its total.
    let mut group_at: Vec<(IndicatorId, Group, std::ops::Range<usize>)> = Vec::new();
    for series in file.series {
        let indicator_id = series.indicator.get_ref();
        let Some((order, indicator)) = rules.position.get(indicator_id.as_str()).map(|&n| (n, &indicators[n])) else {
            diags.push(
                Diagnostic::error(rel, format!("`{indicator_id}` is not an indicator of the catalogue"))
                    .at(text, series.indicator.span())
                    .help(match closest(indicator_id, indicators.iter().map(|i| i.id.as_str())) {
                        Some(close) => {
                            format!("did you mean `{close}`? The indicators are defined in data/indicators.toml")
                        }
                        None => "use an indicator defined in data/indicators.toml, or add this one there".to_string(),
                    }),
            );
            continue;
        };
        let source_id = series.source.get_ref();
        if !sources.contains_key(source_id.as_str()) {
            diags.push(
                Diagnostic::error(rel, format!("`{source_id}` is not a source of data/sources.toml"))
                    .at(text, series.source.span())
                    .help(match closest(source_id, sources.keys().map(SourceId::as_str)) {
                        Some(close) => format!("did you mean `{close}`? Sources are defined in data/sources.toml"),
                        None => "add the source to data/sources.toml with its name and licence".to_string(),
                    }),
            );
            continue;
        }
        let group = match &series.group {
            None => None,
            Some(written) => match group(written.get_ref(), rules.groups) {
                Ok(group) => {
                    group_at.push((indicator.id.clone(), group.clone(), written.span()));
                    Some(group)
                }
                Err(problem) => {
                    diags.push(Diagnostic::error(rel, problem.message).at(text, written.span()).help(problem.help));
                    continue;
                }
            },
        };
        let rank = sources[source_id.as_str()].rank;
        let conversion = conversion(rel, text, &series, diags);
        if let (None, Some(note)) = (&conversion, &series.note) {
            warn_if_old_conversion_note(rel, text, note, diags);
        }
        let group_order = group.as_ref().map(|g| (rules.groups.rank(g), g.value.clone()));
        let entry = grouped.entry((order, rank, source_id.clone(), group_order)).or_insert_with(|| Series {
            indicator: indicator.id.clone(),
            source: SourceId::new(source_id.as_str()),
            group: group.clone(),
            note: None,
            conversion: None,
            note_translations: Vec::new(),
            points: Vec::new(),
        });
        if series.note.is_none() && !series.notes.is_empty() {
            diags.push(
                Diagnostic::error(rel, "this series has `notes` (its note in other languages) but no `note`")
                    .at(text, series.indicator.span())
                    .help("write the note in the main language as note = \"...\" beside notes, or remove notes"),
            );
        }
        if entry.note.is_none() && series.note.is_some() {
            entry.note = series.note.map(Spanned::into_inner);
            let texts = series.notes.into_iter().map(|(lang, text)| NoteText { year: None, lang, text });
            entry.note_translations.extend(texts);
        }
        if entry.conversion.is_none() {
            entry.conversion = conversion;
        }
        for (year_key, value) in series.values {
            let year_span = year_key.span();
            let Some(year) = year_key.get_ref().parse::<i64>().ok().filter(|y| YEARS.contains(y)) else {
                diags.push(
                    Diagnostic::error(rel, format!("`{}` is not a year between 1900 and 2100", year_key.get_ref()))
                        .at(text, year_span)
                        .help("each value is written as YEAR = VALUE, e.g. 2011 = 9.3"),
                );
                continue;
            };
            let key = (indicator.id.clone(), source_id.clone(), group.clone(), year);
            if let Some(first) = first_year_at.get(&key) {
                let first_line = crate::diagnostic::Location::from_span(text, first.clone()).line;
                let of = group.as_ref().map(|g| format!(" ({g})")).unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        rel,
                        format!("{year} is given twice for `{}`{of} from `{source_id}`", indicator.id),
                    )
                    .at(text, year_span)
                    .help(format!("the first value for {year} is on line {first_line}; keep one of them")),
                );
                continue;
            }
            first_year_at.insert(key, year_span);
            if let Some((obs, notes)) = observation(rel, text, indicator, year as i32, &value, diags) {
                let texts = notes.into_iter().map(|(lang, text)| NoteText { year: Some(obs.year), lang, text });
                entry.note_translations.extend(texts);
                entry.points.push(obs);
            }
        }
    }
    let mut series: Vec<Series> = grouped.into_values().collect();
    for s in &mut series {
        s.points.sort_by_key(|p| p.year);
    }
    let latest_year_at = |indicator: &str, year: i32| {
        first_year_at
            .iter()
            .find(|((i, _, _, y), _)| i == indicator && *y == i64::from(year))
            .map(|(_, span)| span.clone())
    };
    warn_if_stale(rel, text, &name, &series, rules, &latest_year_at, diags);
    for (indicator, group, span) in group_at {
        if !series.iter().any(|s| s.indicator == indicator && s.is_total()) {
            diags.push(
                Diagnostic::warning(rel, format!("{name} has {} values of `{indicator}` but no total series of it", group.value))
                    .at(text, span)
                    .help("add the series for everyone (the same indicator without `group`): pages show totals, and compare the groups with them"),
            );
        }
    }

    (diags.errors().count() == errors_before).then(|| {
        (
            Place {
                slug: slug.to_string(),
                name,
                iso3,
                kind,
                world_region: file.region,
                parent,
                file: rel.to_string(),
                series,
                names: file.names,
                source: crate::cache::fast_hash(&[text.as_bytes()]),
            },
            iso3_span,
        )
    })
}

/// A series' `group`, as written: `{ area = "rural" }`, one breakdown and one of its groups.
fn group(written: &toml::Value, groups: &Groups) -> Result<Group, super::GroupProblem> {
    let one = |help: &str| super::GroupProblem {
        message: "a series has one group: one breakdown and one of its groups".to_string(),
        help: help.to_string(),
    };
    match written {
        toml::Value::Table(t) if t.len() == 1 => {
            let (dimension, value) = t.iter().next().expect("one entry");
            match value {
                toml::Value::String(value) => groups.parse(dimension, value),
                other => Err(super::GroupProblem {
                    message: format!("the group of `{dimension}` is written {other}, not as text"),
                    help: "write the group's name in quotes, e.g. group = { area = \"rural\" } or { wealth = \"q1\" }"
                        .to_string(),
                }),
            }
        }
        toml::Value::Table(t) if t.is_empty() => Err(one("write the group, e.g. group = { area = \"rural\" }, or remove `group` for the total")),
        toml::Value::Table(_) => Err(one("salud does not cross breakdowns (rural girls): give each group its own series, e.g. group = { area = \"rural\" }")),
        toml::Value::String(value) => Err(groups.without_dimension(value)),
        _ => Err(groups.without_dimension("")),
    }
}

fn observation(
    rel: &str,
    text: &str,
    indicator: &Indicator,
    year: i32,
    value: &Spanned<toml::Value>,
    diags: &mut Diagnostics,
) -> Option<(Observation, BTreeMap<String, String>)> {
    let span = value.span();
    let bad = |message: String, help: &str| Diagnostic::error(rel, message).at(text, span.clone()).help(help);
    let mut details = Details::default();
    let (number, qualifier, note, notes) = match value.get_ref() {
        toml::Value::Integer(i) => (*i as f64, None, None, BTreeMap::new()),
        toml::Value::Float(f) => (*f, None, None, BTreeMap::new()),
        toml::Value::Table(t) => {
            let keys = ["value", "qualifier", "note", "notes", "n", "low", "high"];
            if let Some(key) = t.keys().find(|k| !keys.contains(&k.as_str())) {
                diags.push(bad(
                    format!("unknown key `{key}` in the value for {year}"),
                    "a detailed value accepts `value`, `qualifier`, `note`, `notes` (the note in other languages), `n` (the number of observations) and `low` and `high` (the interval the source gives), e.g. { value = 500, qualifier = \"up to\" }",
                ));
                return None;
            }
            details = match value_details(t, year) {
                Ok(details) => details,
                Err((message, help)) => {
                    diags.push(bad(message, help));
                    return None;
                }
            };
            let number = match t.get("value") {
                Some(toml::Value::Integer(i)) => *i as f64,
                Some(toml::Value::Float(f)) => *f,
                _ => {
                    diags.push(bad(
                        format!("the value for {year} has no number"),
                        "write it as { value = 500, qualifier = \"up to\" }",
                    ));
                    return None;
                }
            };
            let qualifier = match t.get("qualifier") {
                None => None,
                Some(toml::Value::String(q)) if QUALIFIERS.contains(&q.as_str()) => Some(q.clone()),
                Some(other) => {
                    diags.push(bad(
                        format!("{other} is not a known qualifier"),
                        "use qualifier = \"about\", \"up to\", \"at least\", \"less than\" or \"more than\"",
                    ));
                    return None;
                }
            };
            let note = t.get("note").and_then(|n| n.as_str()).map(str::to_string);
            let notes = match t.get("notes") {
                None => BTreeMap::new(),
                Some(_) if note.is_none() => {
                    diags.push(bad(
                        format!("the value for {year} has `notes` (its note in other languages) but no `note`"),
                        "write the note in the main language too: { value = 500, note = \"Mothers and children.\", notes = { es = \"Madres y niños.\" } }",
                    ));
                    return None;
                }
                Some(toml::Value::Table(n)) if n.values().all(toml::Value::is_str) => {
                    n.iter().map(|(lang, text)| (lang.clone(), text.as_str().unwrap_or_default().to_string())).collect()
                }
                Some(_) => {
                    diags.push(bad(
                        format!("the `notes` of the value for {year} are not texts by language"),
                        "write the note in other languages as notes = { es = \"Madres y niños.\" }",
                    ));
                    return None;
                }
            };
            (number, qualifier, note, notes)
        }
        toml::Value::String(s) => {
            diags.push(bad(
                format!("the value for {year} is text (\"{s}\"), not a number"),
                "write numbers without quotes, e.g. 2011 = 9.3; leave out a year that has no value",
            ));
            return None;
        }
        other => {
            diags.push(bad(
                format!("the value for {year} is a {}, not a number", other.type_str()),
                "write a number, e.g. 2011 = 9.3",
            ));
            return None;
        }
    };
    if !number.is_finite() {
        diags.push(bad(
            format!("the value for {year} is not a finite number"),
            "write the number the source gives; leave out a year that has no value instead of writing nan or inf",
        ));
        return None;
    }
    if number.abs() > MAX_VALUE {
        diags.push(bad(
            format!(
                "{} is far larger than any value of `{}` ({}) can be",
                &text[span.clone()],
                indicator.id,
                indicator.unit
            ),
            "check the value against the source: a misplaced decimal point or a pasted code are the usual causes",
        ));
        return None;
    }
    // -0 is 0: written "-0" in a download it reads as a negative value that no source gave.
    let number = if number == 0.0 { 0.0 } else { number };
    if let Some(bounds) = &details.bounds {
        if !(bounds.low <= number && number <= bounds.high) {
            diags.push(bad(
                format!("{number} is outside its interval, {} to {}", bounds.low, bounds.high),
                "check the three numbers against the source: low is the lower end of the interval around the value and high the upper end, e.g. { value = 22.7, low = 20.1, high = 25.4 }",
            ));
            return None;
        }
        let possible = match indicator.measure {
            Measure::Percent => bounds.low >= 0.0 && bounds.high <= 100.0,
            Measure::Rate | Measure::Count => bounds.low >= 0.0,
        };
        if !possible {
            diags.push(bad(
                format!(
                    "the interval {} to {} goes beyond the values `{}` ({}) can take",
                    bounds.low, bounds.high, indicator.id, indicator.unit
                ),
                "check the interval against the source: a percentage stays within 0-100, and rates and counts are never below zero",
            ));
            return None;
        }
    }
    match indicator.measure {
        Measure::Percent if !(0.0..=100.0).contains(&number) => {
            diags.push(bad(
                format!("{number} is outside 0-100, but `{}` is a percentage", indicator.id),
                "check the value against the source; a share of 85% is written 85",
            ));
            return None;
        }
        Measure::Rate | Measure::Count if number < 0.0 => {
            diags.push(bad(
                format!("{number} is negative, but `{}` ({}) cannot be", indicator.id, indicator.unit),
                "check the value against the source; rates and counts are never below zero",
            ));
            return None;
        }
        _ => {}
    }
    let at = span.start as u32..span.end as u32;
    let Details { n, bounds } = details;
    Some((Observation { year, at, value: number, qualifier, note, n, bounds: bounds.map(Box::new) }, notes))
}

/// What a detailed value may say beside its number: how many observations it comes from and
/// the interval its source gives.
#[derive(Default)]
struct Details {
    n: Option<NonZeroU32>,
    bounds: Option<Bounds>,
}

/// `n`, `low` and `high` of a detailed value, or what is wrong with them.
fn value_details(t: &toml::Table, year: i32) -> Result<Details, (String, &'static str)> {
    let n = match t.get("n") {
        None => None,
        Some(written) => {
            let n = written.as_integer().and_then(|n| u32::try_from(n).ok()).and_then(NonZeroU32::new);
            if n.is_none() {
                return Err((
                    format!("n = {written} is not a number of observations"),
                    "n is how many people, children or households the value was measured on: a whole number above 0, e.g. { value = 22.7, n = 797 }",
                ));
            }
            n
        }
    };
    let number = |key: &str| -> Result<Option<f64>, (String, &'static str)> {
        match t.get(key) {
            None => Ok(None),
            Some(toml::Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(toml::Value::Float(f)) if f.is_finite() => Ok(Some(*f)),
            Some(other) => Err((
                format!("{key} = {other} in the value for {year} is not a number"),
                "low and high are the ends of the interval the source gives around the value, e.g. { value = 22.7, low = 20.1, high = 25.4 }",
            )),
        }
    };
    let bounds = match (number("low")?, number("high")?) {
        (None, None) => None,
        (Some(low), Some(high)) => Some(Bounds { low, high }),
        (low, _) => {
            let (given, missing) = if low.is_some() { ("low", "high") } else { ("high", "low") };
            return Err((
                format!("the value for {year} has `{given}` without `{missing}`"),
                "give both ends of the interval the source gives, e.g. { value = 22.7, low = 20.1, high = 25.4 }, or neither",
            ));
        }
    };
    Ok(Details { n, bounds })
}

/// The place's name, checked with its translations (an empty name is an error).
fn place_name(rel: &str, file: &PlaceFile, text: &str, diags: &mut Diagnostics) -> String {
    if let Some(n) = &file.name {
        if let Some((message, help)) = super::check_label("place name", n.get_ref(), super::MAX_NAME_CHARS) {
            diags.push(Diagnostic::error(rel, message).at(text, n.span()).help(help));
        }
    }
    let name = match &file.name {
        Some(n) if !n.get_ref().trim().is_empty() => n.get_ref().clone(),
        _ => {
            diags.push(
                Diagnostic::error(rel, "this place has no name")
                    .at(text, 0..0)
                    .help("add a first line such as name = \"Huánuco\""),
            );
            String::new()
        }
    };
    for (lang, translated) in &file.names {
        if let Some((message, help)) =
            super::check_label(&format!("name in \"{lang}\""), translated, super::MAX_NAME_CHARS)
        {
            // The `names` key, at the start of a line (the word may be in a name too).
            let at =
                text.match_indices("names").map(|(i, _)| i).find(|&i| i == 0 || text[..i].ends_with('\n')).unwrap_or(0);
            diags.push(Diagnostic::error(rel, message).at(text, at..at + 5).help(help));
        }
    }
    name
}

/// A note in the words salud import once wrote for a conversion ("Converted from the source's
/// per 1,000 people (multiplied by 10).") is the author's text now, shown as written in every
/// language; the warning says how to let each language word it.
fn warn_if_old_conversion_note(rel: &str, text: &str, note: &Spanned<String>, diags: &mut Diagnostics) {
    let Some(rest) = note.get_ref().strip_prefix("Converted from the source's ") else { return };
    let Some((unit, factor)) = rest.strip_suffix(").").and_then(|r| r.rsplit_once(" (multiplied by ")) else {
        return;
    };
    diags.push(
        Diagnostic::warning(rel, "this note about a unit conversion is in English on the pages of every language")
            .at(text, note.span())
            .help(format!(
                "replace the note with converted_from = \"{unit}\" and multiplied_by = {factor}: salud then says it in each language (the unit's translation goes in data/indicators.toml, translations.es.from_unit)"
            )),
    );
}

/// A series' `multiplied_by` and the `converted_from` unit that goes with it: a unit without
/// the factor would not say what was done to the source's values.
fn conversion(rel: &str, text: &str, series: &SeriesFile, diags: &mut Diagnostics) -> Option<Conversion> {
    let example = "converted_from = \"per 1,000 people\" and multiplied_by = 10";
    let Some(factor) = &series.multiplied_by else {
        if let Some(unit) = &series.converted_from {
            diags.push(
                Diagnostic::error(rel, "`converted_from` is given without `multiplied_by`")
                    .at(text, unit.span())
                    .help(format!("say what the source's values were multiplied by, e.g. {example}; or remove `converted_from` if the values are as the source gave them")),
            );
        }
        return None;
    };
    let mut ok = true;
    if let Some(unit) = &series.converted_from {
        let problem = if unit.get_ref().trim().is_empty() {
            Some((
                "`converted_from` is empty".to_string(),
                format!("name the unit the source gave its values in, e.g. {example}"),
            ))
        } else {
            super::check_label("unit in `converted_from`", unit.get_ref(), super::MAX_UNIT_CHARS)
        };
        if let Some((message, help)) = problem {
            diags.push(Diagnostic::error(rel, message).at(text, unit.span()).help(help));
            ok = false;
        }
    }
    let Some(&factor) = CONVERSION_FACTORS.iter().find(|f| i64::from(**f) == *factor.get_ref()) else {
        diags.push(
            Diagnostic::error(rel, format!("multiplied_by = {} is not a factor salud converts by", factor.get_ref()))
                .at(text, factor.span())
                .help("salud converts exactly by moving the decimal point: use 10, 100, 1000 or 10000, as the catalogue's `multiply` says"),
        );
        return None;
    };
    let from_unit = series.converted_from.as_ref().map(|u| u.get_ref().trim().to_string());
    ok.then_some(Conversion { from_unit, factor })
}

/// The kind the file gives, or the default for where it sits (`top`: not inside a folder).
fn place_kind(rel: &str, kind: Option<&Spanned<String>>, top: bool, text: &str, diags: &mut Diagnostics) -> PlaceKind {
    match kind {
        None if top => PlaceKind::Country,
        None => PlaceKind::Region,
        Some(k) => match k.get_ref().as_str() {
            "country" => PlaceKind::Country,
            "region" => PlaceKind::Region,
            "site" => PlaceKind::Site,
            "aggregate" => PlaceKind::Aggregate,
            other => {
                diags.push(
                    Diagnostic::error(rel, format!("`{other}` is not a kind of place"))
                        .at(text, k.span())
                        .help("use kind = \"country\", \"region\", \"site\" or \"aggregate\""),
                );
                PlaceKind::Region
            }
        },
    }
}

fn warn_if_stale(
    rel: &str,
    text: &str,
    name: &str,
    series: &[Series],
    rules: &Rules,
    span_of: &dyn Fn(&str, i32) -> Option<std::ops::Range<usize>>,
    diags: &mut Diagnostics,
) {
    let (stale_after_years, this_year) = (rules.stale_after_years, rules.this_year);
    for indicator in rules.indicators {
        let latest =
            series.iter().filter(|s| s.indicator == indicator.id).filter_map(Series::latest).map(|p| p.year).max();
        if let Some(year) = latest {
            if this_year - year > stale_after_years {
                let d = Diagnostic::warning(
                    rel,
                    format!(
                        "the latest {} for {name} is from {year}, more than {stale_after_years} years ago",
                        indicator.short_name.to_lowercase()
                    ),
                )
                .help("add newer data if a source has it; the page shows the year beside every value");
                diags.push(match span_of(&indicator.id, year) {
                    Some(span) => d.at(text, span),
                    None => d,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_folder() {
        assert_eq!(slug_of("data/places/peru.toml").as_deref(), Some("peru"));
        assert_eq!(slug_of("data/places/peru/Huánuco.toml").as_deref(), Some("peru/huanuco"));
        assert_eq!(slug_of("data/places/peru/ .toml"), None);
    }

    const CATALOGUE: &str = "[under5_mortality]\nname = \"Under-five mortality rate\"\nunit = \"per 1,000 live births\"\n\
        category = \"mortality\"\n\n[stunting]\nname = \"Stunting\"\nunit = \"%\"\nmeasure = \"percent\"\ncategory = \"nutrition\"\n";

    const PLACE: &str = "name = \"Huánuco\"\niso3 = \"HUA\"\nnames = { es = \"Huánuco\" }\n\n[[series]]\nindicator = \"under5_mortality\"\n\
        source = \"wdi\"\nnote = \"A note.\"\n\n[series.values]\n2020 = 20.5\n2021 = { value = 19.25, qualifier = \"about\" }\n\n\
        [[series]]\nindicator = \"stunting\"\nsource = \"wdi\"\n\n[series.values]\n2023 = 28.4\n";

    fn sources() -> BTreeMap<SourceId, Source> {
        let wdi = Source {
            id: "wdi".into(),
            rank: 0,
            name: "World Bank".into(),
            publisher: None,
            url: None,
            licence: None,
            licence_url: None,
            citation: None,
            note: None,
            translations: BTreeMap::new(),
        };
        BTreeMap::from([("wdi".into(), wdi)])
    }

    #[test]
    fn the_seed_of_the_property_test_is_a_valid_place() {
        let mut diags = Diagnostics::default();
        let indicators = super::super::catalogue::parse(CATALOGUE, &mut diags).unwrap();
        let place = parse("data/places/peru/huanuco.toml", PLACE, &indicators, &sources(), &mut diags);
        assert!(!diags.has_errors(), "{diags:?}");
        assert_eq!(place.unwrap().series.len(), 2);
    }

    #[test]
    fn a_conversion_is_a_known_factor_with_the_unit_it_was_made_from() {
        let mut diags = Diagnostics::default();
        let indicators = super::super::catalogue::parse(CATALOGUE, &mut diags).unwrap();
        let load = |lines: &str| {
            let mut diags = Diagnostics::default();
            let text = PLACE.replacen("note = \"A note.\"\n", lines, 1);
            let place = parse("data/places/peru/huanuco.toml", &text, &indicators, &sources(), &mut diags);
            let problems: Vec<(String, usize)> =
                diags.errors().map(|d| (d.message.clone(), d.location.as_ref().map_or(0, |l| l.line))).collect();
            (place.map(|p| p.series[0].clone()), problems)
        };
        let (series, problems) = load("converted_from = \"per 1,000 people\"\nmultiplied_by = 10\n");
        assert!(problems.is_empty(), "{problems:?}");
        let series = series.unwrap();
        assert_eq!(series.conversion, Some(Conversion { from_unit: Some("per 1,000 people".into()), factor: 10 }));
        assert_eq!(series.note, None, "the conversion is a fact, not a note");
        let (series, _) = load("multiplied_by = 100\nnote = \"Own words.\"\n");
        let series = series.unwrap();
        assert_eq!(series.conversion, Some(Conversion { from_unit: None, factor: 100 }));
        assert_eq!(series.note.as_deref(), Some("Own words."));
        let (_, problems) = load("converted_from = \"per 1,000 people\"\n");
        assert_eq!(problems, [("`converted_from` is given without `multiplied_by`".to_string(), 8)]);
        let (_, problems) = load("converted_from = \"per 1,000 people\"\nmultiplied_by = 3\n");
        assert_eq!(problems, [("multiplied_by = 3 is not a factor salud converts by".to_string(), 9)]);
        let (_, problems) = load("converted_from = \" \"\nmultiplied_by = 10\n");
        assert_eq!(problems, [("`converted_from` is empty".to_string(), 8)]);
        // A note in the words salud once wrote stays the author's, with a hint.
        let mut diags = Diagnostics::default();
        let old = "note = \"Converted from the source's per 1,000 people (multiplied by 10).\"\n";
        let text = PLACE.replacen("note = \"A note.\"\n", old, 1);
        let place = parse("data/places/peru/huanuco.toml", &text, &indicators, &sources(), &mut diags).unwrap();
        assert_eq!(
            place.series[0].note.as_deref(),
            Some("Converted from the source's per 1,000 people (multiplied by 10).")
        );
        let warning = diags.0.iter().find(|d| d.message.contains("unit conversion")).expect("a warning");
        assert_eq!(warning.location.as_ref().map(|l| l.line), Some(8));
        assert!(warning
            .help
            .as_deref()
            .unwrap()
            .contains("converted_from = \"per 1,000 people\" and multiplied_by = 10"));
    }

    #[test]
    fn a_translated_note_needs_the_note_it_translates() {
        let mut diags = Diagnostics::default();
        let indicators = super::super::catalogue::parse(CATALOGUE, &mut diags).unwrap();
        let text = PLACE.replacen("note = \"A note.\"\n", "notes = { es = \"Una nota.\" }\n", 1).replacen(
            "2020 = 20.5",
            "2020 = { value = 20.5, notes = { es = \"Otra.\" } }",
            1,
        );
        assert!(parse("data/places/peru/huanuco.toml", &text, &indicators, &sources(), &mut diags).is_none());
        let messages: Vec<&str> = diags.errors().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "this series has `notes` (its note in other languages) but no `note`",
                "the value for 2020 has `notes` (its note in other languages) but no `note`"
            ]
        );
    }

    /// Arbitrary text in a place file or the catalogue gives errors, never a panic, and every
    /// message can be shown with its line and caret.
    #[test]
    fn arbitrary_data_files_give_errors_never_a_panic() {
        let mut diags = Diagnostics::default();
        let indicators = super::super::catalogue::parse(CATALOGUE, &mut diags).unwrap();
        let sources = sources();
        let mut rng = crate::arbitrary::Rng::new(0x5a1d);
        for text in crate::arbitrary::variants(PLACE, 4000, &mut rng) {
            let mut diags = Diagnostics::default();
            let place = parse("data/places/peru/huanuco.toml", &text, &indicators, &sources, &mut diags);
            assert!(place.is_some() || diags.has_errors(), "no place and no error for {text:?}");
            for d in &diags.0 {
                let _ = d.to_string();
            }
        }
        for text in crate::arbitrary::variants(CATALOGUE, 3000, &mut rng) {
            let mut diags = Diagnostics::default();
            let catalogue = super::super::catalogue::parse(&text, &mut diags);
            assert!(catalogue.is_some() || diags.has_errors(), "no catalogue and no error for {text:?}");
            for d in &diags.0 {
                let _ = d.to_string();
            }
        }
    }
}
