//! Downloadable profiles of a place: a PDF brief, and its data as CSV and JSON.

pub mod data;
pub mod pdf;

use serde::Serialize;

use crate::data::{Data, Place};
use crate::format;
use crate::i18n::Locale;
use crate::present::headline::{self, Tile};
use crate::site::Site;

/// A chart offered to the PDF template: its family, kind ("trend", "regions", "peers" or
/// "map"), the indicator it leads with, and the path of its SVG.
#[derive(Serialize)]
pub struct ProfileChart {
    pub family: String,
    pub kind: String,
    pub indicator: String,
    pub file: String,
    pub title: String,
    pub alt: String,
}

#[derive(Serialize)]
struct Figure {
    name: String,
    unit: String,
    value: String,
    year: i32,
    source: String,
    /// From fewer observations than the indicator's `few_observations`.
    few: bool,
}

#[derive(Serialize)]
struct Definition {
    name: String,
    unit: String,
    definition: String,
    /// Its first sentence, for a brief short of room.
    short: String,
}

/// How much a brief holds, from the most to the least: the renderer typesets the fullest
/// that fits two pages without a nearly empty second page, or one page.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fit {
    /// 2: the headline figures and the main charts on page 1, the rest on page 2; 1: all of it
    /// on one page.
    pub pages: u8,
    /// Where the table of the figures the tiles do not show goes.
    pub table: Table,
    pub definitions: Definitions,
    /// At most this many charts besides page 1's and the comparison.
    pub more_charts: u8,
    /// Trends added under page 1's two, when they leave page 1 short: 0 or 2 (a row).
    pub page1_charts: u8,
    /// The sources' addresses and citations, besides their names and licences.
    pub citations: bool,
}

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    /// Under the headline figures and charts on page 1.
    First,
    Second,
    None,
}

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Definitions {
    Full,
    Short,
    None,
}

/// A headline tile with, for a region, its country's value of the same series.
#[derive(Serialize)]
struct BriefTile {
    #[serde(flatten)]
    tile: Tile,
    /// "Peru: 12.1 in 2025": the parent's value from the same source, with its year.
    parent: Option<String>,
}

#[derive(Serialize)]
struct SourceLine {
    name: String,
    licence: String,
    url: String,
    citation: String,
}

#[derive(Serialize)]
struct Regions {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Everything `profile.typ` gets, as `/data.json`.
#[derive(Serialize)]
struct ProfileData<'a> {
    /// The language code, for Typst's hyphenation and quotes.
    lang: String,
    /// The theme's `[profile]` strings in the profile's language.
    labels: toml::Value,
    /// The theme's `[table]` strings: column headers.
    table: toml::Value,
    site: SiteLine,
    paper: String,
    place: PlaceLine,
    summary: Option<String>,
    /// "Published 30 November 2026", when config.toml gives the edition's date.
    published: Option<String>,
    /// The headline tiles, and the words of their "old data" and "few observations" marks.
    tiles: Vec<BriefTile>,
    old: String,
    few: String,
    fit: Fit,
    /// The span of years the profile's values come from, e.g. "2010–2025".
    data_years: String,
    figures: Vec<Figure>,
    charts: &'a [ProfileChart],
    regions: Option<Regions>,
    definitions: Vec<Definition>,
    sources: Vec<SourceLine>,
}

#[derive(Serialize)]
struct SiteLine {
    title: String,
    url: String,
    licence: String,
    publisher: String,
}

#[derive(Serialize)]
struct PlaceLine {
    name: String,
    /// "Country · Latin America & Caribbean · PER", or "Region of Peru".
    subtitle: String,
}

/// What a brief is made of, besides the site and its data.
pub struct Brief<'a> {
    pub place: &'a Place,
    pub summary: Option<String>,
    pub charts: &'a [ProfileChart],
    pub tile_options: &'a headline::TileOptions,
    pub fit: Fit,
}

/// The JSON the PDF template reads for a brief.
pub fn template_data(site: &Site, locale: &Locale, brief: &Brief) -> Vec<u8> {
    let (data, place) = (&site.data, brief.place);
    let tiles = headline::tiles(data, place, locale, brief.tile_options);
    let mut figures = Vec::new();
    let mut years: Vec<i32> = Vec::new();
    let mut definitions = Vec::new();
    for indicator in &data.indicators {
        let mut used = false;
        for series in place.series_of(&indicator.id) {
            let Some(obs) = series.latest() else { continue };
            used = true;
            years.push(obs.year);
            if tiles.iter().any(|t| t.id == indicator.id.as_str() && t.source_id == series.source.as_str()) {
                continue;
            }
            figures.push(Figure {
                name: indicator.name.clone(),
                unit: indicator.unit.clone(),
                value: crate::present::value_text(locale, indicator, obs),
                year: obs.year,
                source: data.source_name(&series.source).to_string(),
                few: obs.few(indicator.few_observations(brief.tile_options.few_observations)),
            });
        }
        if used {
            if let Some(definition) = &indicator.definition {
                definitions.push(Definition {
                    name: indicator.name.clone(),
                    unit: indicator.unit.clone(),
                    definition: definition.clone(),
                    short: first_sentence(definition).to_string(),
                });
            }
        }
    }
    let mut source_ids: Vec<&str> = place.series.iter().map(|s| s.source.as_str()).collect();
    source_ids.sort_by_key(|id| data.sources.get(*id).map_or(usize::MAX, |s| s.rank));
    source_ids.dedup();
    let sources = source_ids
        .iter()
        .filter_map(|id| data.sources.get(*id))
        .map(|s| SourceLine {
            name: s.name.clone(),
            licence: s.licence.clone().unwrap_or_default(),
            url: s.url.clone().unwrap_or_default(),
            citation: s.citation.clone().or_else(|| s.note.clone()).unwrap_or_default(),
        })
        .collect();
    let data_years = match (years.iter().min(), years.iter().max()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    let profile = ProfileData {
        lang: locale.code.clone(),
        labels: locale.strings.get("profile").cloned().unwrap_or(toml::Value::Table(Default::default())),
        table: locale.strings.get("table").cloned().unwrap_or(toml::Value::Table(Default::default())),
        site: SiteLine {
            title: site.config.title.clone(),
            url: site.config.base_url.clone(),
            licence: site.config.licence.clone(),
            publisher: site.config.publisher.clone(),
        },
        paper: site.config.paper.typst_name().to_string(),
        place: PlaceLine { name: place.name.clone(), subtitle: subtitle(locale, data, place) },
        summary: brief.summary.clone(),
        published: site.config.published.as_ref().map(|p| locale.fill("published", &[("date", &locale.date(p))])),
        tiles: tiles
            .into_iter()
            .map(|tile| BriefTile { parent: parent_value(locale, data, place, &tile), tile })
            .collect(),
        old: locale.t("change.old").to_string(),
        few: locale.t("gaps.few_short").to_string(),
        fit: brief.fit,
        data_years,
        figures,
        charts: brief.charts,
        regions: regions(locale, data, place),
        definitions,
        sources,
    };
    serde_json::to_vec(&profile).unwrap_or_default()
}

/// The first sentence of a definition: up to its first full stop followed by a space.
fn first_sentence(text: &str) -> &str {
    text.find(". ").map_or(text, |end| &text[..=end])
}

/// A region's brief compares it with its country: the parent's value of the tile's indicator
/// from the same source, in the tile's year when it has one, else its latest, with its year
/// said either way (two sources' values are never set side by side).
fn parent_value(locale: &Locale, data: &Data, place: &Place, tile: &Tile) -> Option<String> {
    let parent = data.places.get(place.parent.as_deref()?)?;
    let indicator = data.indicator(&tile.id)?;
    let series = parent.series_of(&indicator.id).find(|s| s.source.as_str() == tile.source_id)?;
    let obs = series.at(tile.year).or_else(|| series.latest())?;
    let value = crate::present::value_text(locale, indicator, obs);
    Some(locale.fill("profile.parent", &[("place", &parent.name), ("value", &value), ("year", &obs.year.to_string())]))
}

fn subtitle(locale: &Locale, data: &Data, place: &Place) -> String {
    let mut parts = vec![crate::present::kind_name(locale, data, place)];
    parts.extend(place.world_region.as_deref().map(|r| locale.term("region", r).to_string()));
    parts.extend(place.iso3.clone());
    parts.join(" · ")
}

/// The places inside, with the latest value of the first four indicators they have.
fn regions(locale: &Locale, data: &Data, place: &Place) -> Option<Regions> {
    let mut children: Vec<&Place> = data.children_of(&place.slug).collect();
    if children.is_empty() {
        return None;
    }
    children.sort_by_cached_key(|p| format::slugify(&p.name));
    let indicators: Vec<_> = data
        .indicators
        .iter()
        .filter(|i| children.iter().any(|c| c.series_of(&i.id).next().is_some()))
        .take(4)
        .collect();
    let mut columns = vec![String::new()];
    columns.extend(indicators.iter().map(|i| format!("{} ({})", i.short_name, i.unit)));
    let rows = children
        .iter()
        .map(|c| {
            let mut row = vec![c.name.clone()];
            row.extend(indicators.iter().map(|i| match c.latest(&i.id, &data.sources) {
                Some((_, o)) => format!("{} ({})", crate::present::value_text(locale, i, o), o.year),
                None => "–".to_string(),
            }));
            row
        })
        .collect();
    Some(Regions { columns, rows })
}
